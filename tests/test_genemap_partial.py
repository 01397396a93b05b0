"""Gene map on partial data (data/biomed: output for 63 of 117 active local firms, no flows):
concentration judged only where every firm reports its output, one definition of "no evidence"
for the fit with the park (NaN, never 0), and counts with the verb in the right number.

Hand cases on the tiny park of conftest.py (N.CELL: F2 output 200 × share 0.5 = 100, F3 1000):

* **crowded, one silent**: F5 (local, active, capability 0.5 on N.CELL) without output. N.CELL
  has three qualifying firms, two of which report: F3's 1000 of the reported 1100 would read
  "91%", but F5's share is unknown, so top_share and hhi are NaN and nothing is said about
  concentration beyond "not judged".
* **crowded, all report**: F5 with output 100: top_share 1000 / 1200, the old sentence.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import write_tiny_park
from ecolib.analyses import genemap as G
from ecolib.analyses.month import analyse
from ecolib.presentation.narrative import genemap as N
from ecolib.presentation.tables import genemap as T
from ecolib.workspace import load_workspace

BIOMED = "data/biomed"


@pytest.fixture(scope="module")
def biomed():
    return analyse(load_workspace(BIOMED), "2026-10")


def _crowded(tmp_path, output: str):
    base = write_tiny_park(tmp_path / "base")
    firms = (base / "firms.csv").read_text() + f"        F5,Cell Two,South,true,false,5,{output},5,0,active,\n"
    links = (base / "firm_nodes.csv").read_text() + "        F5,N.CELL,0.5,1\n"
    folder = write_tiny_park(tmp_path / f"crowded{output or 'none'}", firms_csv=firms, firm_nodes_csv=links)
    return G.gene_map(load_workspace(folder).tables, "2026-03")


# ----------------------------------------------------------------------------- concentration


def test_a_silent_firm_leaves_concentration_unjudged_by_hand(tmp_path):
    gm = _crowded(tmp_path, "")
    cell = gm.coverage.nodes.set_index("node_id").loc["N.CELL"]
    assert (cell["status"], cell["firms"], cell["firms_reporting"]) == ("covered", 3, 2)
    assert cell["output"] == pytest.approx(1100)                       # what is reported, summed
    assert math.isnan(cell["top_share"]) and math.isnan(cell["hhi"])  # not 1000 / 1100
    text = N.findings(gm, "en")
    assert not any(s.startswith("Output can be concentrated") for s in text)
    assert ("Concentration is not judged for the one node with three or more firms: some of its firms report no "
            "output, so the firms' shares are unknown.") in text
    assert any("无法判断产值集中度" in s for s in N.findings(gm, "zh"))
    links = gm.coverage.links.set_index("firm_id")
    assert not links.at["F5", "reported"] and links.at["F3", "reported"]


def test_all_firms_reporting_keep_the_concentration_sentence(tmp_path):
    gm = _crowded(tmp_path, "100")
    cell = gm.coverage.nodes.set_index("node_id").loc["N.CELL"]
    assert cell["firms_reporting"] == 3 and cell["top_share"] == pytest.approx(1000 / 1200)
    assert N.concentration_findings(gm, "en") == [
        "Output can be concentrated even where three or more firms work: in 1 of those nodes one firm has more than "
        "half of the node's output: Cells, where Cell Co has 83% of it among 3 firms."]


def test_biomed_concentration_is_true_for_every_node_it_counts(biomed):
    nodes = biomed.gene_map.coverage.nodes
    crowded = nodes[nodes["status"] == "covered"]
    judged = crowded[crowded["top_share"].notna()]
    assert (judged["firms_reporting"] == judged["firms"]).all()      # judged only where every firm reports
    chain = nodes.set_index("node_id")
    pharmacy = chain[chain["name_zh"] == "连锁药房"].iloc[0]
    assert pharmacy["firms"] == 4 and pharmacy["firms_reporting"] < 4 and math.isnan(pharmacy["top_share"])
    text = " ".join(N.findings(biomed.gene_map, "en"))
    assert "100% of it among 4 firms" not in text and "连锁药房" not in text
    unjudged = int((crowded["firms_reporting"] < crowded["firms"]).sum())
    assert f"Concentration is not judged for {unjudged} of the {len(crowded)} nodes with three or more firms" in text
    assert f"有三家及以上企业的{len(crowded)}个节点中，有{unjudged}个无法判断产值集中度" in " ".join(
        N.findings(biomed.gene_map, "zh"))


def test_nothing_reported_judges_nothing():
    ws = load_workspace(BIOMED)
    tables = dict(ws.tables, firms=ws.tables["firms"].assign(output=float("nan")))
    gm = G.gene_map(tables, "2026-10", min_capability=ws.settings.min_capability)
    nodes = gm.coverage.nodes
    assert nodes["top_share"].isna().all() and (nodes["firms_reporting"] == 0).all()
    text = N.findings(gm, "en")
    assert not any(s.startswith("Output can be concentrated") for s in text)
    covered = int((nodes["status"] == "covered").sum())
    assert f"Concentration is not judged for any of the {covered} nodes with three or more firms" in " ".join(text)


# ----------------------------------------------------------------------------- no evidence: no fit


def test_no_evidence_is_nan_everywhere_on_the_gene_map(biomed):
    gm = biomed.gene_map
    f = gm.feasibility.set_index("node_id")
    assert f.at["M2C3", "no_evidence"] and math.isnan(f.at["M2C3", "feasibility"])
    assert gm.headline["feasibility"]["M2C3"] is None                  # summary.json: null, not 0
    assert (f.loc[~f["no_evidence"], "feasibility"].notna()).all()
    seg = G.missing_segments(gm).set_index("segment_id").loc["M2C"]
    assert seg["no_evidence"] == 1 and (seg["feasibility_min"], seg["feasibility_max"]) == (1.0, 1.0)
    sheet = T.MISSING_SEGMENTS.export(gm, "en", "CNY")
    assert sheet["data"][0][6:9] == [1.0, 1.0, 1]                      # fit of the nodes with evidence; 1 without


def test_missing_segment_sentence_is_true_of_its_nodes(biomed):
    en = [s for s in N.findings(biomed.gene_map, "en") if s.startswith("The whole segment")]
    assert len(en) == 1
    text = en[0]
    assert "; its nodes score" not in text                             # not all of them have a score
    assert "2 of its nodes score 1.00 on fit with the park" in text
    assert "The data relate the other one (干细胞制剂) to nothing, so it has no score." in text
    zh = [s for s in N.findings(biomed.gene_map, "zh") if s.startswith("整个细分环节")][0]
    assert "其中2个节点的园区基础契合度为1.00" in zh and "另外1个节点（干细胞制剂）在数据中与任何节点都无关联" in zh


# ----------------------------------------------------------------------------- counts


def test_counts_take_their_verb_in_the_right_number(biomed, tiny_park):
    text = " ".join(N.findings(biomed.gene_map, "en"))
    assert "1 is thin (two firms)" in text and "1 are thin" not in text
    assert "For 1 gap node the data show no relation to any other node, so there is no evidence for its fit" in text
    assert "1 core node is thin, with two firms: 一次性生物反应器." in text and "(1 of them core)" not in text
    zh = " ".join(N.findings(biomed.gene_map, "zh"))
    assert "1个薄弱（两家）" in zh and "1个核心节点薄弱，只有两家企业：一次性生物反应器。" in zh
    # the tiny park: 0 covered, 1 thin, 2 single, 1 missing
    tiny = N.findings(G.gene_map(load_workspace(tiny_park).tables, "2026-03"), "en")[0]
    assert tiny == ("Of the chain’s 4 technology nodes, 3 have at least one active local firm with capability of at "
                    "least 0.30: 0 have three or more such firms, 1 is thin (two firms) and 2 rest on a single firm. "
                    "The other 1 is missing: no local firm works on it with enough capability.")


def test_no_local_firm_at_all_reads_as_one_sentence(tiny_park):
    tables = dict(load_workspace(tiny_park).tables)
    tables["firms"] = tables["firms"].assign(local=False)
    gm = G.gene_map(tables, "2026-03")
    assert N.findings(gm, "en")[0] == ("None of the chain’s 4 technology nodes has an active local firm with "
                                       "capability of at least 0.30: all of them are missing.")
    assert N.findings(gm, "zh")[0] == "产业链共4个技术节点，均没有能力值不低于0.30的在营本地企业，全部缺失。"
