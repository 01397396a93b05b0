"""Gene map, issue 13: what each number counts, the fit with the park as a score (and "no
evidence"), a segment missing as a whole said once, the segment-level chain, the glossary.

Numbers computed by hand on the tiny park of conftest.py (see tests/test_genemap.py) and on two
variants of it:

* **storage gap** (``_gap_park``): N.CELL's firm rows removed, so both nodes of G.CELL are missing
  in 2026-03 (F4, the pack maker, left in 2026-02), plus candidates C1 (N.CELL 0.5 and N.PACK
  0.6: one firm on two nodes), C2 (N.PACK 0.2: below the threshold) and C3 (N.LI 0.9).
* **three firms on cells** (``_crowded_park``): F5 (local, output 100) on N.CELL at 0.5.
"""
from __future__ import annotations

import json
import math
import re

import pytest

from conftest import DEMO, write_tiny_park
from ecolib.analyses import genemap as G
from ecolib.analyses.month import analyse
from ecolib.presentation.i18n import catalogue, t
from ecolib.presentation.narrative import genemap as N
from ecolib.presentation.plots import genemap as P
from ecolib.presentation.tables import genemap as T
from ecolib.workspace import load_workspace

CANDIDATES = """\
    firm_id,name,name_zh,node_id,capability,region
    C1,Cand One,候选一,N.CELL,0.5,Jiangsu
    C1,Cand One,候选一,N.PACK,0.6,Jiangsu
    C2,Cand Two,候选二,N.PACK,0.2,Zhejiang
    C3,Cand Three,候选三,N.LI,0.9,Zhejiang
    """


@pytest.fixture
def tiny(tiny_park):
    return load_workspace(tiny_park).tables


def _gap_park(tmp_path):
    rows = (write_tiny_park(tmp_path / "x") / "firm_nodes.csv").read_text()
    kept = "\n".join(line for line in rows.splitlines() if "N.CELL" not in line) + "\n"
    folder = write_tiny_park(tmp_path / "gap", firm_nodes_csv=kept, candidates_csv=CANDIDATES)
    return G.gene_map(load_workspace(folder).tables, "2026-03")


def _crowded_park(tmp_path):
    base = write_tiny_park(tmp_path / "y")
    firms = (base / "firms.csv").read_text() + "        F5,Cell Two,South,true,false,5,100,5,0,active,\n"
    links = (base / "firm_nodes.csv").read_text() + "        F5,N.CELL,0.5,1\n"
    folder = write_tiny_park(tmp_path / "crowded", firms_csv=firms, firm_nodes_csv=links)
    return G.gene_map(load_workspace(folder).tables, "2026-03")


# ----------------------------------------------------------------------------- numbers by hand


def test_top_share_and_the_headline_counts(tiny):
    gm = G.gene_map(tiny, "2026-03")
    n = gm.coverage.nodes.set_index("node_id")
    # N.CELL: F2 100 (200 × 0.5) and F3 1000 → F3 has 1000 / 1100; N.LI: F1 alone; N.PACK: nobody
    assert n.at["N.CELL", "top_share"] == pytest.approx(1000 / 1100) and n.at["N.LI", "top_share"] == 1.0
    assert math.isnan(n.at["N.PACK", "top_share"])
    h = gm.coverage.headline
    assert (h["nodes_with_local_firm"], h["technology_nodes"], h["core_nodes"]) == (3, 4, 3)


def test_a_firm_without_output_gives_no_top_share(tmp_path):
    firms = (write_tiny_park(tmp_path / "x") / "firms.csv").read_text().replace("F1,Lithium Co,North,true,false,10,100",
                                                                                "F1,Lithium Co,North,true,false,10,0")
    gm = G.gene_map(load_workspace(write_tiny_park(tmp_path / "p", firms_csv=firms)).tables, "2026-03")
    assert math.isnan(gm.coverage.nodes.set_index("node_id").at["N.LI", "top_share"])    # output 0: no share


def test_missing_segment_by_hand(tmp_path):
    gm = _gap_park(tmp_path)
    assert gm.coverage.headline["missing_segments"] == ["G.CELL"]
    seg = G.missing_segments(gm)
    assert len(seg) == 1
    row = seg.iloc[0]
    assert row["nodes"] == ("N.CELL", "N.PACK")                 # the core node first
    assert (row["core"], row["weight"], row["stage"]) == (1, 2.0, "midstream")
    # C1 serves both nodes and counts once; C2 is below 0.3; C3 serves lithium: 1 candidate, not 1 + 1
    assert row["candidates"] == 1 and gm.candidates[["N.CELL", "N.PACK"]].sum() == 2
    # φ: LI–CATH 1, CATH–CELL 1, CELL–PACK 1 (chain edges; C1's CELL+PACK gives φᶜ 1 / 2 only);
    # present: LI, CATH. N.CELL: 1 of 2 → 0.5; N.PACK: its only relation is to N.CELL, missing → 0
    assert (row["feasibility_min"], row["feasibility_max"], row["no_evidence"]) == (0.0, 0.5, 0)
    assert row["related"] == ("G.MAT",) and row["related_firms"] == (2,)    # F1 and F2 in materials
    # the node table leaves the segment's nodes to the segment's row
    assert len(G.gap_nodes(gm, "missing")) == 2 and len(G.gap_nodes(gm, "missing", whole_segments=False)) == 0
    view = T.MISSING_SEGMENTS.rows(gm, "en", "CNY").iloc[0]
    assert (view["segment"], view["nodes"], view["fit"], view["candidates"]) == (
        "Cells and packs", "Cells ★, Packs", "0.00–0.50", 1)
    sheet = T.MISSING_SEGMENTS.export(gm, "en", "CNY")
    assert sheet["data"][0][6:8] == [0.0, 0.5]                   # lowest and highest fit, as numbers
    # the segment graph: CATH → CELL links G.MAT to the missing segment
    g = G.segment_graph(gm)
    assert g.nodes["G.CELL"]["whole_missing"] and dict(g.edges["G.MAT", "G.CELL"]) == {
        "links": 1, "weight": 1.0, "missing_links": 1}


def test_missing_segment_said_once_in_the_findings(tmp_path):
    gm = _gap_park(tmp_path)
    en = N.findings(gm, "en")
    whole = [s for s in en if s.startswith("The whole segment")]
    assert whole == ["The whole segment “Cells and packs” is missing: none of its 2 nodes (Cells ★, Packs) has a "
                     "local firm. The segment of the park closest to it is Materials (2 firms); its nodes score "
                     "0.00–0.50 on fit with the park (0 to 1: how much of what a node is related to the park already "
                     "has). 1 candidate firm on record could serve at least one of these nodes."]
    assert not any("further node" in s for s in en)             # no node-by-node repetition
    zh = " ".join(N.findings(gm, "zh"))
    assert "整个细分环节“电芯与电池包”缺失" in zh and "有1家可服务" in zh


def test_no_candidate_and_no_relation_read_as_words(tmp_path):
    rows = (write_tiny_park(tmp_path / "x") / "firm_nodes.csv").read_text()
    kept = "\n".join(line for line in rows.splitlines() if "N.CELL" not in line) + "\n"
    folder = write_tiny_park(tmp_path / "bare", firm_nodes_csv=kept)
    gm = G.gene_map(load_workspace(folder).tables, "2026-03", use_chain_edges=False)
    # without chain edges and with nobody on cells or packs but the exited F4, G.CELL relates to nothing
    seg = G.missing_segments(gm).iloc[0]
    assert seg["no_evidence"] == 2 and math.isnan(seg["feasibility_min"]) and seg["candidates"] == 0
    text = " ".join(N.findings(gm, "en"))
    assert "there is no evidence for its fit with the park" in text
    assert "No candidate firm on record can serve these nodes." in text
    assert T.MISSING_SEGMENTS.rows(gm, "en", "CNY").iloc[0]["fit"] == "no evidence"


def test_no_evidence_is_not_a_number_on_the_page(tiny):
    gm = G.gene_map(tiny, "2026-03", use_chain_edges=False)     # N.PACK and N.LI relate to nothing
    missing = T.MISSING.rows(gm, "en", "CNY").iloc[0]
    assert (missing["node_id"], missing["fit"], missing["no_evidence"]) == ("N.PACK", "no evidence", True)
    assert math.isnan(missing["feasibility"])                    # not 0: missing is not zero
    sheet = T.MISSING.export(gm, "en", "CNY")
    row = dict(zip(sheet["columns"], sheet["data"][0]))
    assert row["Fit with the park (0–1)"] is None and row["Related to no other node"] == "yes"
    text = " ".join(N.findings(gm, "en"))
    assert "Packs in Cells and packs (no evidence for a fit score)" in text
    assert "For 2 gap nodes the data show no relation to any other node" in text
    assert "无关联数据" in T.SINGLE.html(gm, "zh")


def test_weighted_coverage_against_the_node_count(tiny, tmp_path):
    gm = G.gene_map(tiny, "2026-03")
    # 3 of 4 nodes (75%) have a firm; weighted 2 + 1 + 1 of 5 = 80%: higher, the missing N.PACK
    # weighs 1 against the average 1.25 (shown 1.2)
    assert N.findings(gm, "en")[1] == (
        "Counted node by node, 75% of the nodes have a local firm; chain coverage, which weighs each node by its "
        "importance, is 80%: higher, because the missing nodes are less important than the average node "
        "(importance 1.0 against 1.2).")
    nodes = (write_tiny_park(tmp_path / "x") / "chain_nodes.csv").read_text().replace("Lithium,G.MAT,锂,upstream,2",
                                                                                       "Lithium,G.MAT,锂,upstream,1")
    same = G.gene_map(load_workspace(write_tiny_park(tmp_path / "eq", chain_nodes_csv=nodes)).tables, "2026-03")
    assert N.findings(same, "en")[1].endswith("is 75% as well.")          # equal weights: the same share
    assert "同样为75%" in N.findings(same, "zh")[1]


def test_concentration_is_the_top_firms_share(tmp_path):
    gm = _crowded_park(tmp_path)
    cell = gm.coverage.nodes.set_index("node_id").loc["N.CELL"]
    assert cell["status"] == "covered" and cell["top_share"] == pytest.approx(1000 / 1200)
    text = [s for s in N.findings(gm, "en") if s.startswith("Output can be concentrated")]
    assert text == ["Output can be concentrated even where three or more firms work: in 1 of those nodes one firm "
                    "has more than half of the node's output: Cells, where Cell Co has 83% of it among 3 firms."]


def test_cards_say_what_they_count(tiny):
    gm = G.gene_map(tiny, "2026-03")
    cards = N.headline_cards(gm, "zh")
    assert cards == {"产业链覆盖率：有本地企业的节点按重要度加权所占比例": "80%",
                     "至少有一家本地企业的技术节点（能力值≥0.30）": "4个中的3个",
                     "缺失的技术节点：无本地企业": "1个", "单一企业节点：仅一家本地企业": "2个",
                     "薄弱节点：仅两家本地企业": "1个"}
    assert not any(re.search(r"\d+ / \d+", v) for v in N.headline_cards(gm, "en").values())   # no bare "a / b"


def test_the_demo_counts_agree_with_the_overview():
    m = analyse(load_workspace(DEMO), "2026-10")
    h = m.gene_map.coverage.headline
    assert h["nodes_with_local_firm"] == m.overview.headline["nodes_with_local_firm"] == 89
    cards = N.headline_cards(m.gene_map, "en")
    assert cards["Technology nodes with at least one local firm (capability ≥ 0.30)"] == "89 of 95"
    assert (h["missing"], h["single"], h["thin"], h["covered"]) == (6, 14, 12, 63)
    text = " ".join(N.findings(m.gene_map, "en"))
    assert "94% of the nodes have a local firm" in text and "is 91%: lower" in text
    assert text.count("Energy-storage system integration") == 1           # the segment, said once
    top = P.proximity_figure(m.gene_map, "en", top=3)                    # many missing nodes: the top few
    assert top.layout.title.text.endswith("(the 3 most important of 6 missing nodes)")
    assert len([tr for tr in top.data if tr.name == "Missing"][0].text) == 3
    # demo: 20 nodes with three or more firms where one firm has more than half of the output
    assert "in 20 of those nodes" in text and "Hard-carbon anode" in text and "91% of it" in text


# ----------------------------------------------------------------------------- figures


def test_treemap_labels_wrap_between_words(tiny):
    assert P.wrap_lines("储能变流器PCS", 4) == ["储能变流器", "PCS"]            # not "储能变流器PC / S"
    assert all(not line.startswith("）") for line in P.wrap_lines("BMS芯片（模拟前端）", 3))
    assert P.wrap_lines("High-performance NdFeB magnets", 6)[0] == "High-"
    fig = P.coverage_treemap(G.gene_map(tiny, "2026-03").coverage, "zh")
    assert all("<br>" in x for x, leaf in zip(fig.data[0].text, fig.data[0].ids) if leaf.startswith("N."))


def test_figures_on_an_empty_gap_list(tmp_path):
    links = (write_tiny_park(tmp_path / "x") / "firm_nodes.csv").read_text() + "        F1,N.PACK,0.9,0\n"
    gm = G.gene_map(load_workspace(write_tiny_park(tmp_path / "full", firm_nodes_csv=links)).tables, "2026-03")
    assert gm.coverage.headline["missing"] == 0
    fig = P.proximity_figure(gm, "en")                             # nothing missing: a sentence, no lines
    assert fig.layout.annotations[0].text == "No missing node is related to a node the park has."
    assert len(T.MISSING_SEGMENTS.rows(gm, "en", "CNY")) == 0 and len(T.MISSING.rows(gm, "en", "CNY")) == 0


# ----------------------------------------------------------------------------- client words


TERMS = ("technology_node", "capability", "importance", "coverage", "node_status", "relatedness", "fit")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_glossary_has_every_measure_of_the_page(lang):
    for term in TERMS:
        assert t(f"genemap.glossary.{term}.term", lang) and len(t(f"genemap.glossary.{term}.text", lang)) > 40


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_words_name_no_file_setting_or_column(lang):
    words = {k: v for k, v in catalogue(lang).items() if k.startswith("genemap.")}
    banned = re.compile(r"workspace|\.ya?ml|min_capability|firm_id|node_id|firm_nodes|ecolib|tables\.xlsx|HHI|"
                        r"feasibility \d|%\}", re.I)
    assert not [k for k, v in words.items() if banned.search(v)]
    if lang == "zh":
        latin = {k: v for k, v in words.items() if re.search(r"[A-Za-z]{2,}", re.sub(r"\{[a-z_]+\}|<br>", "", v))}
        assert not latin, latin                                    # no English words in the Chinese page
