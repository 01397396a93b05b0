"""Gap decisions (ecolib.analyses.gaps.gap_decisions), the exit share's denominator and the
dependent pairs, every number by hand.

Decisions: a hand-made priority frame on a hand-made coverage (segment SA: A1 and A2, both
missing, with local demand; SB: B missing, its sibling B2 covered; SZ: Z1, Z2 missing without
any local demand; SC: C, D, E, F, G one node each).
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from conftest import DEMO, write_tiny_park
from ecolib.analyses import gaps as G
from ecolib.workspace import load_workspace

M = "2026-03"

#: node, segment, status, score, demand_value, importance, demand, feasibility, fragility
ROWS = [
    ("B", "SB", "missing", 0.904, 50.0, 1.0, 0.8, 0.4, 1.0),
    ("A1", "SA", "missing", 0.896, 100.0, 0.9, 0.9, 0.5, 1.0),
    ("C", "SC", "missing", 0.700, 10.0, 0.5, 0.5, 0.5, 1.0),
    ("D", "SC", "single", 0.700, 10.0, 0.6, 0.6, 0.6, 0.6),
    ("E", "SC", "single", 0.6549, 10.0, 0.5, 0.5, 0.5, 0.6),
    ("F", "SC", "thin", 0.6451, 10.0, 0.5, 0.5, 0.5, 0.3),
    ("A2", "SA", "missing", 0.500, 0.0, 0.2, 0.0, 0.5, 1.0),
    ("G", "SC", "thin", 0.300, 0.0, 0.1, 0.0, 0.2, 0.3),
    ("Z1", "SZ", "missing", 0.200, 0.0, 0.1, 0.0, 0.1, 1.0),
    ("Z2", "SZ", "missing", 0.100, 0.0, 0.0, 0.0, 0.1, 1.0),
]


def _priority(rows=ROWS) -> pd.DataFrame:
    p = pd.DataFrame(rows, columns=["node_id", "segment_id", "status", "score", "demand_value", *G.COMPONENTS])
    p.insert(0, "rank", range(1, len(p) + 1))
    p["name"] = p["node_id"] + " node"
    p["name_zh"] = p["node_id"] + "节点"
    p["segment_name"], p["segment_name_zh"] = p["segment_id"] + " seg", p["segment_id"] + "环节"
    p["stage"], p["core"], p["weight"], p["firms"] = "upstream", p["node_id"] == "A2", 1.0, 0
    p["candidates"] = 0
    for k in G.COMPONENTS:
        p[f"part_{k}"] = 0.25 * p[k]
    p["reason"] = "importance"
    p["reasons"] = [("importance",)] * len(p)
    p["related"] = [()] * len(p)
    p.attrs.update(weights={k: 0.25 for k in G.COMPONENTS}, note="")
    return p


def _cov(missing_segments=("SA", "SZ")):
    nodes = pd.DataFrame({"node_id": ["A1", "A2", "B", "B2", "C", "D", "E", "F", "G", "Z1", "Z2"],
                          "segment_id": ["SA", "SA", "SB", "SB", "SC", "SC", "SC", "SC", "SC", "SZ", "SZ"]})
    tree = pd.DataFrame({"node_id": ["SA", "SB", "SC", "SZ"], "name": ["Seg A", "Seg B", "Seg C", "Seg Z"],
                         "name_zh": ["甲环节", "乙环节", "丙环节", "末环节"]})
    return SimpleNamespace(nodes=nodes, tree=tree, headline={"missing_segments": list(missing_segments)},
                           min_capability=0.3)


CANDS = pd.DataFrame({"firm_id": ["c1", "c1", "c2", "c3", "c4"], "node_id": ["A1", "A2", "A2", "A2", "B"],
                      "capability": [0.9, 0.5, 0.2, 0.4, 0.8]})


def test_decisions_by_hand():
    d = G.gap_decisions(_priority(), _cov(), CANDS)
    # SA (A1 + A2, demand 100 > 0) is one decision; SZ has no local demand: Z1, Z2 stay nodes
    assert d["decision_id"].tolist() == ["SA", "B", "C", "D", "E", "F", "G", "Z1", "Z2"]
    assert d["rank"].tolist() == list(range(1, 10))
    sa = d.iloc[0]
    assert sa["kind"] == "segment" and sa["node_id"] == "SA" and sa["nodes"] == ("A1", "A2")
    assert (sa["name"], sa["name_zh"], sa["n_nodes"], sa["lead_node"]) == ("Seg A", "甲环节", 2, "A1")
    assert sa["node_names"] == ("A1 node", "A2 node") and sa["node_names_zh"] == ("A1节点", "A2节点")
    assert sa["score"] == 0.896 and sa["importance"] == 0.9 and sa["status"] == "missing"   # the lead node's
    assert bool(sa["core"]) and sa["firms"] == 0                                             # A2 is core
    # candidates: c1 (on both nodes, counted once) and c3; c2 is below 0.3
    assert sa["candidates"] == 2
    assert d.set_index("decision_id").at["B", "candidates"] == 0      # the priority's own count for a node
    # ties at two decimals: SA 0.896 → 0.90 = B 0.904 → 0.90: SA first, it closes 2 nodes
    assert d["tied"].tolist() == [True, True, True, True, True, True, False, False, False]
    # C = D = 0.700 exactly: C first on fragility (1.0 > 0.6); E 0.6549 and F 0.6451 both show
    # 0.65: E first on the score before rounding
    assert d["tie_break"].tolist() == ["nodes", "", "fragility", "", "score", "", "", "", ""]
    assert d.attrs["precision"] == 2 and d.attrs["note"] == ""


def test_decisions_tie_rules_in_order():
    # equal shown score and equal nodes: the unrounded score decides before the components
    rows = [("X", "SC", "single", 0.7449, 1.0, 0.1, 0.1, 0.1, 0.6), ("Y", "SC", "missing", 0.7351, 1.0, 0.9, 0.9, 0.9, 1.0),
            ("V", "SC", "single", 0.5, 1.0, 0.5, 0.5, 0.5, 0.6), ("W", "SC", "single", 0.5, 1.0, 0.5, 0.5, 0.5, 0.6)]
    cov = _cov(())
    cov.nodes = pd.DataFrame({"node_id": ["X", "Y", "V", "W"], "segment_id": "SC"})
    d = G.gap_decisions(_priority(rows), cov)
    assert d["decision_id"].tolist() == ["X", "Y", "V", "W"]
    assert d["tie_break"].tolist() == ["score", "", "id", ""]       # V = W on every count: by id
    # a segment without local demand, or of a single node, is no segment decision
    one = _cov(("SB",))
    assert (G.gap_decisions(_priority(), one)["kind"] == "node").all()   # SB's sibling B2 is not a gap


def test_decisions_empty_and_one_node():
    empty = G.gap_decisions(_priority([]), _cov(()))
    assert empty.empty and list(empty.columns) == G.DECISION_COLUMNS
    one = G.gap_decisions(_priority(ROWS[:1]), _cov(()))
    assert one["decision_id"].tolist() == ["B"] and one["rank"].tolist() == [1]
    assert one["tied"].tolist() == [False] and one["tie_break"].tolist() == [""]
    assert one["nodes"].tolist() == [("B",)] and one["kind"].tolist() == ["node"]


def test_shown_precision_is_the_texts():
    # 0.125 is exact in binary: the page writes 0.12 (round half to even), so it ties with 0.1249
    assert G._shown([0.125, 0.1249, 0.135]).tolist() == [0.12, 0.12, 0.14]


def test_reasons_name_both_components_when_the_largest_parts_tie(tiny_park):
    ws = load_workspace(tiny_park)
    ga = G.gap_analysis(ws.tables, ws.settings, M)
    r = ga.priority.set_index("node_id")
    # N.PACK: feasibility 1 × 0.2 = fragility 1 × 0.2; N.LI: importance 0.30 > demand 0.248
    assert r.at["N.PACK", "reasons"] == ("feasibility", "fragility") and r.at["N.PACK", "reason"] == "feasibility"
    assert r.at["N.LI", "reasons"] == ("importance",)
    zero = ga.reprioritise({k: 0 for k in G.COMPONENTS})
    assert zero["reasons"].tolist() == [()] * 4 and (zero["reason"] == "").all()


def test_tiny_park_decisions_are_its_nodes(tiny_park):
    ws = load_workspace(tiny_park)
    ga = G.gap_analysis(ws.tables, ws.settings, M)
    assert ga.decisions["decision_id"].tolist() == ga.priority["node_id"].tolist()
    assert ga.headline["top_decisions"] == ["N.LI", "N.CATH", "N.PACK", "N.CELL"] and ga.headline["ties"] == []


# =========================================================================== the demo


@pytest.fixture(scope="module")
def demo():
    from ecolib.analyses.month import analyse
    return analyse(load_workspace(DEMO), "2026-10")


def test_demo_storage_integration_is_one_decision_tied_with_solid_state_cells(demo):
    d = demo.gaps.decisions
    top = d.iloc[0]
    assert top["decision_id"] == "DOWN.ESS" and top["kind"] == "segment" and top["n_nodes"] == 4
    assert set(top["nodes"]) == {"DOWN.ESS.CONTAINER", "DOWN.ESS.CI", "DOWN.ESS.PCS", "DOWN.ESS.EMS"}
    assert top["lead_node"] == "DOWN.ESS.CONTAINER"
    assert top["score"] == pytest.approx(demo.gaps.priority.set_index("node_id").at["DOWN.ESS.CONTAINER", "score"])
    assert d["decision_id"].iloc[1] == "MID.CELL.SOLIDSTATE"
    assert top["tied"] and d["tied"].iloc[1] and top["tie_break"] == "nodes"
    assert f"{top['score']:.2f}" == f"{d['score'].iloc[1]:.2f}" == "0.90"
    # none of the segment's nodes is ranked again on its own
    assert not set(top["nodes"]) & set(d.loc[d["kind"] == "node", "decision_id"])
    assert len(d) == len(demo.gaps.priority) - 3
    # candidates: distinct firms over the four nodes (the gene map's count of the segment)
    from ecolib.analyses.genemap import missing_segments
    seg = missing_segments(demo.gene_map).set_index("segment_id")
    assert top["candidates"] == seg.at["DOWN.ESS", "candidates"]
    # matched: every node of the top decisions
    assert {"DOWN.ESS.PCS", "DOWN.ESS.EMS"} <= set(demo.gaps.matches["node_id"])


# =========================================================================== exit share


FLOWS_WITH_AN_EXITED_FIRM = """\
    month,source,target,value,kind
    2026-01,F1,F2,10,goods
    2026-01,F2,F3,20,goods
    2026-01,X1,F3,30,goods
    2026-01,F3,X1,5,goods
    2026-01,F3,F4,8,goods
    2026-03,F1,F2,12,goods
    2026-03,X1,F2,8,goods
    """


def test_exit_share_is_of_the_reports_local_trade(tmp_path):
    """F4 left in 2026-02 but bought 8 from F3 in January: the report's local trade is
    22 + 20 + 8 = 50, the active firms' network 42. F2 leaving loses 20 + 22 = 42: 84 %, not 100 %."""
    from ecolib.analyses.month import analyse
    ws = load_workspace(write_tiny_park(tmp_path / "p", flows_csv=FLOWS_WITH_AN_EXITED_FIRM))
    m = analyse(ws, M)
    assert m.value_stream.totals["local_value"] == 50 and m.gaps.network.total == 42
    assert m.gaps.local_trade == 50
    e = m.gaps.stress("F2")
    assert e.value_lost == 42 and e.total == 50 and e.value_share == pytest.approx(0.84)
    r = m.gaps.ranking.set_index("firm_id")
    assert r.at["F2", "value_share"] == pytest.approx(0.84) and r.at["F3", "value_share"] == pytest.approx(20 / 50)
    alone = G.gap_analysis(ws.tables, ws.settings, M)          # without the value-stream map: the same figure
    assert alone.local_trade == 50 and alone.exit.value_share == m.gaps.exit.value_share
    assert m.gaps.headline["local_trade"] == 50


def test_exit_share_without_local_trade_is_undefined(tmp_path):
    flows = "month,source,target,value\n2026-03,F1,X1,5\n"
    ws = load_workspace(write_tiny_park(tmp_path / "p", flows_csv=flows))
    ga = G.gap_analysis(ws.tables, ws.settings, M)
    assert ga.local_trade == 0 and ga.ranking["value_share"].isna().all() and math.isnan(ga.exit.value_share)


def test_demo_exit_share_matches_the_value_stream_page(demo):
    e, local = demo.gaps.exit, demo.value_stream.totals["local_value"]
    assert e.total == local == demo.overview.headline["local_flow_value"]
    assert e.value_share == pytest.approx(e.value_lost / local)
    assert f"{100 * e.value_share:.1f}%" == "32.2%"                     # was 32.5 % of the active network


# =========================================================================== dependent pairs


FLOWS_TWO_SUPPLIERS = """\
    month,source,target,value,kind
    2026-01,F1,F2,10,goods
    2026-01,F2,F3,20,goods
    2026-02,F1,F3,15,goods
    2026-03,F1,F2,12,goods
    """


def test_dependent_pairs_list_every_supplier_above_the_share(tmp_path):
    # F3 buys 20 from F2 (57 %) and 15 from F1 (43 %): two pairs; F2 22 from F1 (100 %)
    ws = load_workspace(write_tiny_park(tmp_path / "p", flows_csv=FLOWS_TWO_SUPPLIERS))
    ga = G.gap_analysis(ws.tables, ws.settings, M)
    dep = ga.dependent
    assert list(zip(dep["buyer"], dep["supplier"], dep["value"])) == [("F2", "F1", 22), ("F3", "F2", 20),
                                                                       ("F3", "F1", 15)]
    assert dep["share"].round(4).tolist() == [1.0, round(20 / 35, 4), round(15 / 35, 4)]
    assert dep["depends_on"].tolist() == [1, 2, 2] and dep["suppliers"].tolist() == [1, 2, 2]
    assert ga.headline["dependent_buyers"] == 2 and ga.headline["dependent_pairs"] == 3
    # the same pairs as the stress test: each supplier's exit hits exactly its buyers here
    for s in ("F1", "F2"):
        e = ga.stress(s)
        hit = set(e.affected.loc[e.affected["role"].isin(["buyer", "both"]), "firm_id"])
        assert hit == set(dep.loc[dep["supplier"] == s, "buyer"])
    # at 60 %: F3's suppliers are both below
    high = G.dependent_buyers(ga.network, ga.info, threshold=0.6)
    assert high["buyer"].tolist() == ["F2"]
