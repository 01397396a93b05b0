"""The niche page says what it measured: why the zones are not compared by output (nobody
reports it, or too few do), what a hover figure is (money, people or firms), when an entry
point's fit rests on a single relation, how many gap nodes the firm's table shows, and which
firms next to a gap the small-firm list leaves out for reporting no output.

Tiny park (tests/test_niche.py): active local firms with a zone F1 (North, N.LI), F2 (North,
N.CATH 0.8 / N.CELL 0.4), F3 (South, N.CELL); node proximity φ: LI–CATH, CATH–CELL, CELL–PACK
(1 each). A profile {N.LI, N.CELL} reaches N.CATH through two own nodes (relations 2, fit 1)
and N.PACK through one (relations 1). F2 is the only small firm next to the missing N.PACK.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import ecolib
from ecolib.analyses import genemap as G
from ecolib.analyses import niche as N
from ecolib.presentation.i18n import t
from ecolib.presentation.narrative import niche as narr
from ecolib.presentation.plots import niche as plots
from ecolib.presentation.tables import niche as tables
from ecolib.workspace import load_workspace
from conftest import ROOT


@pytest.fixture
def tiny(tiny_park):
    return dict(load_workspace(tiny_park).tables)


def _firms(tables_, **cols):
    return {**tables_, "firms": tables_["firms"].assign(**cols)}


def _only_f1(tables_, col):
    f = tables_["firms"]
    return np.where(f["firm_id"] == "F1", f[col], np.nan)


# ------------------------------------------------------------------ 1. why not by output


def test_nobody_reports_output_says_not_reported(tiny):
    n = N.niche(_firms(tiny, output=np.nan, employees=np.nan), "2026-03")
    assert n.weight == "firms" and n.reported == {"firms": 3, "output": 0, "employees": 0}
    v = narr.intro_values(n, "en")
    assert v["key"] == "niche.intro_firms" and v["why"] == "their output is not reported"
    assert narr.intro_values(n, "zh")["why"] == "企业产值未报送"
    note = narr.weight_note(n, "en")
    assert note.startswith("The firms' annual output is not reported, so each zone's portfolio is weighed by its number")
    assert "wherever this page says output" not in note and "still sized" not in note   # nobody is sized by output
    assert narr.weight_note(n, "zh").startswith("各企业的年产值未报送")


def test_output_reported_by_too_few_says_how_many(tiny):
    n = N.niche(_firms(tiny, output=_only_f1(tiny, "output"), employees=np.nan), "2026-03")
    assert n.weight == "firms" and n.reported == {"firms": 3, "output": 1, "employees": 0}
    intro = t(n_key := narr.intro_values(n, "en").pop("key"), "en", **narr.intro_values(n, "en"), month="2026-03")
    assert n_key == "niche.intro_firms"
    assert "(their output is reported by only 1 of 3 firms, too few to compare zones by output)" in intro
    assert "not reported" not in intro
    note = narr.weight_note(n, "en")
    assert note.startswith("The firms' annual output is reported by only 1 of 3 active local firms, too few to "
                           "compare zones by output, so each zone's portfolio is weighed by its number of firms")
    assert "still sized by the annual output they report" in note
    zh = narr.weight_note(n, "zh")
    assert "3家在园本地企业中仅1家报送了年产值" in zh and "未报送" not in zh.split("，")[0]
    assert "本页凡称产值之处" not in zh


def test_output_and_employees_both_partial(tiny):
    n = N.niche(_firms(tiny, output=_only_f1(tiny, "output"), employees=_only_f1(tiny, "employees")), "2026-03")
    assert n.weight == "firms" and n.reported["employees"] == 1
    assert narr.intro_values(n, "en")["why"] == ("their output is reported by only 1 of 3 firms and their employees "
                                                 "by only 1, too few to compare zones by either")
    assert "仅1家报送了产值、1家报送了从业人数" in narr.intro_values(n, "zh")["why"]


def test_employees_weight_when_output_partly_reported(tiny):
    n = N.niche(_firms(tiny, output=_only_f1(tiny, "output")), "2026-03")
    assert n.weight == "employees"
    assert narr.intro_values(n, "en")["why"] == "their output is reported by only 1 of 3 firms, too few to compare zones by output"
    assert narr.weight_amount(1200, n.weight) == "1,200 employees"
    assert narr.portfolio_intro(n) == "niche.portfolio_intro_employees"


def test_method_and_portfolio_say_what_was_used(tiny):
    by_output = N.niche(tiny, "2026-03")
    e = N.embedding(tiny, "2026-03", priority="simple")
    m = narr.method_values(by_output, e, e.gene_map, "en")
    assert m["method_weight"].startswith("Output is each active local firm's annual output") and m["w"] == "output"
    assert narr.portfolio_intro(by_output) == "niche.portfolio_intro"
    n = N.niche(_firms(tiny, output=np.nan, employees=np.nan), "2026-03")
    m = narr.method_values(n, e, e.gene_map, "en")
    method = t("niche.method_intro", "en", **m)
    assert method.startswith("Zones are compared by their number of firms: each active local firm counts as 1")
    assert "LQ = (zone's firms in the segment / zone's firms)" in method
    assert "zone's output" not in method
    assert "片区按企业数量比较" in t("niche.method_intro", "zh", **narr.method_values(n, e, e.gene_map, "zh"))
    intro = t(narr.portfolio_intro(n), "en", **narr.section_values(n, "en"))
    assert "annual output (" not in intro and intro.startswith("Each zone's number of active local firms")
    assert tables.advice(n) is tables.ADVICE_WEIGHT and tables.advice(by_output) is tables.ADVICE
    assert "of their firms" in tables.PAIRS.view(n, "en")["shared"].iloc[0]


# ------------------------------------------------------------------ 2. hover by the weight used


def _hover(fig):
    return [c for row in fig.data[0].customdata for c in row]


def test_lq_hover_formats_the_weight_used(tiny):
    by_output = _hover(plots.lq_heatmap(N.niche(tiny, "2026-03"), "en"))
    assert any("CNY 200" in c for c in by_output)
    n = N.niche(_firms(tiny, output=np.nan, employees=np.nan), "2026-03")   # North 1.5 firms on G.MAT
    hover = _hover(plots.lq_heatmap(n, "en"))
    assert any("· 1.5 firms ·" in c for c in hover) and not any("CNY" in c for c in hover)
    assert any("1.5家企业" in c for c in _hover(plots.lq_heatmap(n, "zh")))
    by_emp = _hover(plots.lq_heatmap(N.niche(_firms(tiny, output=np.nan), "2026-03"), "en"))
    assert any("employees" in c for c in by_emp) and not any("CNY" in c for c in by_emp)


def test_weight_amount():
    assert narr.weight_amount(10.0, "firms") == "10 firms" and narr.weight_amount(1.0, "firms") == "1 firm"
    assert narr.weight_amount(10.5, "firms", "zh") == "10.5家企业"
    assert narr.weight_amount(np.nan, "employees") == "–" and narr.weight_amount(5e6, "output") == "CNY 5.0 m"


# ------------------------------------------------------------------ 3. a fit on one relation


def test_relations_counted_by_hand(tiny):
    e = N.embedding(tiny, "2026-03", nodes=["N.LI", "N.CELL"], priority="simple")
    rel = e.table.set_index("node_id")["relations"]
    assert rel["N.CATH"] == 2 and rel["N.PACK"] == 1                # CATH: LI and CELL; PACK: CELL only
    gm = G.gene_map(tiny, "2026-03")
    best = N.best_entries(gm, tiny["firm_nodes"], ["F1", "F2", "F3"], priority="simple").set_index("firm_id")
    for f in ("F1", "F2", "F3"):                                    # the same count as one firm's embedding
        one = N.embedding(tiny, "2026-03", firm_id=f, gm=gm, priority="simple").table.iloc[0]
        assert best.at[f, "node_id"] == one["node_id"] and best.at[f, "relations"] == one["relations"]


def test_caveat_on_one_relation_only(tiny):
    e = N.embedding(tiny, "2026-03", nodes=["N.LI", "N.CELL"], priority="simple")
    n = N.niche(tiny, "2026-03")
    # best entry N.PACK (0.5) rests on one relation: the card and the finding say so
    cards = narr.headline_cards(n, e, e.gene_map, "en")
    assert cards["Strongest entry point for a small firm"] == "Packs · score 0.500 · rests on one relation"
    found = narr.embedding_findings(e, e.gene_map, tiny["firms"], "en", who=False)
    assert "related only through Cells, so the fit rests on a single relation" in found[0]
    # with N.PACK gone, the best is N.CATH on two relations: no caveat
    e2 = N.Embedding(e.month, None, e.nodes, False, e.table[e.table["node_id"] != "N.PACK"].reset_index(drop=True),
                     e.priority_source, e.headline, e.gene_map)
    cards = narr.headline_cards(n, e2, e2.gene_map, "en")
    assert cards["Strongest entry point for a small firm"].endswith("score 0.300")
    found = narr.embedding_findings(e2, e2.gene_map, tiny["firms"], "en", who=False)
    assert "single relation" not in found[0] and "It is related through" in found[0]


def test_entries_finding_carries_the_caveat(tiny):
    gm = G.gene_map(tiny, "2026-03")
    en = N.small_firm_entries(tiny, "2026-03", gm, priority="simple")
    assert en.table.at[0, "relations"] == 1 and en.table.at[0, "related"] == ("N.CATH",)
    text = narr.entries_findings(en, "en")[0]
    assert "That fit rests on a single relation, through Cathode" in text
    assert "该契合度仅基于一条关联（通过正极）" in narr.entries_findings(en, "zh")[0]


# ------------------------------------------------------------------ 4. the firm's table: how many rows


def test_ranked_sentence_matches_the_rows(tiny, monkeypatch):
    e = N.embedding(tiny, "2026-03", firm_id="F3", priority="simple")   # N.PACK and N.CATH score, N.LI not
    pos = int((e.table["score"] > 0).sum())
    assert pos == 2 and len(e.table) == 3
    v = narr.embed_values(e, e.gene_map, tiny["firms"], "en", chosen=True)
    assert v["ranked"].startswith("Below are the 2 gap nodes that score above 0 for this firm (of the 3 in the chain")
    assert len(tables.EMBEDDING.view(e, "en")) == pos
    monkeypatch.setattr(narr, "EMBED_SHOWN", 1)
    assert narr.embed_values(e, e.gene_map, tiny["firms"], "en", chosen=True)["ranked"].startswith(
        "Below are the 1 best of the 2 gap nodes")
    monkeypatch.undo()
    one = N.Embedding(e.month, e.firm_id, e.nodes, False, e.table.assign(score=[0.5, 0.0, 0.0]), e.priority_source,
                      e.headline, e.gene_map)
    text = narr.embed_values(one, e.gene_map, tiny["firms"], "en", chosen=True)["ranked"]
    assert text.startswith("Only one of the 3 gap nodes") and "the table has one row" in text
    assert "All the chain's gap nodes" not in t("niche.embed_intro", "en", **v)
    none = N.Embedding(e.month, e.firm_id, e.nodes, False, e.table.assign(score=0.0), e.priority_source,
                       e.headline, e.gene_map)
    assert narr.embed_values(none, e.gene_map, tiny["firms"], "en", chosen=True)["ranked"].startswith("None of the 3")


# ------------------------------------------------------------------ 5. small firms without output


def test_small_firms_without_output_are_counted(tiny):
    gm = G.gene_map(tiny, "2026-03")
    assert N.small_firms_near_gaps(tiny, "2026-03", gm).attrs["unsized"] == 0
    blank = _firms(tiny, output=np.where(tiny["firms"]["firm_id"] == "F2", np.nan, tiny["firms"]["output"]))
    near = N.small_firms_near_gaps(blank, "2026-03", gm)
    assert len(near) == 0 and near.attrs["unsized"] == 1                # F2 is next to the gap, not sized
    en = N.small_firm_entries(blank, "2026-03", gm, priority="simple")
    assert en.unsized == 1 and len(en.table) == 0
    assert narr.entries_values(en, "en")["unsized"] == (" 1 more firm next to a gap reports no annual output, so "
                                                        "its size cannot be told: it is left out of this list.")
    assert "另有1家与缺口相邻的企业未报送年产值" in narr.entries_values(en, "zh")["unsized"]
    nobody = N.small_firm_entries(_firms(tiny, output=np.nan), "2026-03", gm, priority="simple")
    assert nobody.unsized == 1 and narr.entries_values(nobody, "en")["unsized"]
    assert narr.entries_values(N.small_firm_entries(tiny, "2026-03", gm, priority="simple"), "en") == {"unsized": ""}


# ------------------------------------------------------------------ the biomed park


@pytest.fixture(scope="module")
def biomed():
    return ecolib.analyse(load_workspace(ROOT / "data" / "biomed"), "2026-10")


def test_biomed_says_output_is_partly_reported(biomed):
    n = biomed.niche
    assert n.weight == "firms" and n.reported == {"firms": 117, "output": 63, "employees": 96}
    key = narr.intro_values(n, "en")
    intro = t(key.pop("key"), "en", **key, month="2026-10")
    assert "their output is reported by only 63 of 117 firms" in intro and "not reported" not in intro
    zh = narr.intro_values(n, "zh")
    intro_zh = t(zh.pop("key"), "zh", **zh, month="2026-10")
    assert "117家企业中仅63家报送了产值" in intro_zh and "由于企业产值未报送" not in intro_zh
    note = narr.weight_note(n, "en")
    assert ("reported by only 63 of 117 active local firms and their employees by only 96, too few to compare "
            "zones by either, so each zone's portfolio is weighed by its number of firms") in note
    assert "wherever this page says output" not in note
    assert "本页凡称产值之处" not in narr.weight_note(n, "zh")


def test_biomed_strongest_entry_carries_the_caveat(biomed):
    en = biomed.entries
    best = narr.strongest_entry(en, biomed.embedding)
    assert best["firm_id"] == "SW0093" and best["node_id"] == "M4A1" and best["relations"] == 1
    cards = narr.headline_cards(biomed.niche, biomed.embedding, biomed.gene_map, "zh", entries=en)
    assert cards["中小企业的最佳切入点"] == "光子计数CT探测器 · 得分0.910 · 仅基于一条关联"
    text = narr.entries_findings(en, "en")[0]
    assert "That fit rests on a single relation, through 肿瘤专科医院" in text


def test_biomed_lists_how_many_firms_have_no_output(biomed):
    en, gm, tabs = biomed.entries, biomed.gene_map, biomed.tables
    firms = tabs["firms"]
    # by hand: active local non-anchor firms with a strong node next to a missing node, output not reported
    status = gm.coverage.nodes.set_index("node_id")["status"]
    missing = status.index[status == "missing"]
    phi = gm.space.chain_proximity.reindex(index=status.index, columns=missing).fillna(0.0)
    near = phi.index[(phi.max(axis=1) >= 0.1).to_numpy()].difference(missing)
    fn = tabs["firm_nodes"]
    strong = fn[fn["node_id"].isin(near) & (fn["capability"] >= gm.coverage.min_capability)]["firm_id"]
    pool = firms[firms["local"].fillna(True) & ~firms["anchor"].fillna(False)
                 & N.active_mask(firms, "2026-10").to_numpy(bool) & firms["firm_id"].isin(strong)]
    assert en.unsized == int(pool["output"].isna().sum()) == 23
    assert en.table["output"].notna().all() and len(en.table) == 10
    assert "23 more firms next to a gap report no annual output" in narr.entries_values(en, "en")["unsized"]
    ex = narr.example_finding(biomed.embedding, en, gm, firms, "en")[0]
    assert "the smallest firm next to a missing node, among those that report annual output" in ex
    assert ", on a single relation (score 0.171" in ex


def test_biomed_one_row_table_is_called_one_row(biomed):
    e = biomed.embedding
    assert len(e.top(10)) == 1
    v = narr.embed_values(e, biomed.gene_map, biomed.tables["firms"], "en", entries=biomed.entries)
    assert v["ranked"].startswith("Only one of the 10 gap nodes") and "among those that report annual output" in v["why"]


def test_demo_numbers_and_headline_entry_unchanged():
    m = ecolib.analyse(load_workspace(ROOT / "data" / "demo"), "2026-10")
    assert m.niche.weight == "output" and narr.weight_note(m.niche, "en") is None
    assert m.embedding.firm_id == "F0190" and m.embedding.table.at[0, "node_id"] == "DOWN.ESS.CONTAINER"
    assert m.embedding.table.at[0, "relations"] == 1                   # one relation: the page says so
    assert m.entries.unsized == 0 and narr.entries_values(m.entries, "en") == {"unsized": ""}
    assert re.search(r"score 0\.093", " ".join(narr.embedding_findings(m.embedding, m.gene_map,
                                                                      m.tables["firms"], "en")))
