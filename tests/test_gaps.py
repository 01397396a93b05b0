"""Gap analysis (ecolib.analyses.gaps) on the tiny park and on hand-made tables, every number by hand.

The tiny park (tests/conftest.py) in 2026-03, window 2026-01..2026-03, min capability 0.3:
  local active: F1 (N.LI 0.9, output 100), F2 (N.CATH 0.8 / N.CELL 0.4, shares 0.5/0.5, output 200),
  F3 (N.CELL 1.0, anchor, output 1000); F4 (N.PACK) left in 2026-02; X1 outside (N.LI).
  window flows: F1→F2 10 + 12 = 22, F2→F3 20, X1→F3 30, F3→X1 5, X1→F2 8.
  coverage: N.LI single (F1), N.CATH single (F2), N.CELL thin (F2, F3), N.PACK missing.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from ecolib.presentation.names import name_of
from ecolib.analyses import gaps as G
from ecolib.analyses import health as H
from ecolib.analyses import genemap as gmap
from ecolib.analyses import valuestream as vs
from ecolib.workspace import load_workspace

M = "2026-03"


@pytest.fixture
def tiny(tiny_park):
    return load_workspace(tiny_park)


@pytest.fixture
def cov(tiny):
    t = tiny.tables
    return gmap.coverage(t["chain_nodes"], t["firms"], t["firm_nodes"], month=M)


@pytest.fixture
def net(tiny):
    return G.local_network(tiny.tables, M, window=3)


@pytest.fixture
def info(tiny):
    return G.firm_info(tiny.tables, M)


# =========================================================================== health


def _kpis(rows):
    return pd.DataFrame(rows, columns=["month", "metric", "value"])


BENCH = pd.DataFrame({"metric": ["m1", "m2", "m3", "m4", "m5"], "value": [10.0, 5.0, 100.0, 1.0, 2.0],
                      "direction": ["higher", "lower", "higher", "higher", "higher"], "source": None})
DIMS = {"a": ["m1", "m2"], "b": {"metrics": ["m3", "m9"], "weight": 3, "name": "Bee", "name_zh": "蜂"}}


def test_health_by_hand():
    kpis = _kpis([("2026-01", "m1", 12.0), ("2026-03", "m2", 10.0), ("2026-03", "m3", 200.0),
                  ("2026-03", "m5", 1.0)])
    h = H.health(kpis, BENCH, month=M, dimensions=H.dimension_settings(DIMS))
    m = h.metrics.set_index("metric")
    assert m.at["m1", "ratio"] == pytest.approx(1.2)            # 12 / 10, higher is better
    assert m.at["m1", "value_month"] == "2026-01"               # no value in 2026-03: the latest before
    assert m.at["m2", "ratio"] == pytest.approx(0.5)            # 5 / 10, lower is better
    assert m.at["m3", "ratio"] == pytest.approx(2.0) and m.at["m3", "score"] == pytest.approx(1.5)   # capped
    assert m.at["m9", "status"] == "no_benchmark" and not m.at["m9", "counted"]
    assert m.at["m4", "status"] == "no_data"                    # benchmark, but no KPI value
    assert m.at["m5", "dimension"] == "" and not m.at["m5", "counted"]   # benchmarked, in no dimension
    # the default dimensions are still there for the metrics they hold (none have data here)
    d = h.dimensions.set_index("dimension")
    assert d.at["a", "score"] == pytest.approx(0.85)            # (1.2 + 0.5) / 2
    assert d.at["b", "score"] == pytest.approx(1.5)             # m3 only (m9 has no benchmark)
    assert d.at["a", "weakest_metric"] == "m2"
    assert math.isnan(d.at["value_flow", "score"])
    assert h.index == pytest.approx((1 * 0.85 + 3 * 1.5) / 4)   # 1.3375
    assert h.weakest == "a"
    assert name_of(h.dims["b"], "zh") == "蜂" and name_of(h.dims["a"], "en") == "a"


def test_health_edge_cases():
    # no kpis at all, no benchmarks: defined, nothing scored
    h = H.health(_kpis([]), None, month=M)
    assert math.isnan(h.index) and h.weakest is None
    assert set(h.metrics["status"]) == {"no_benchmark"}
    # a lower-is-better value of 0 is as good as it gets (the cap); a benchmark of 0 is unusable
    bench = pd.DataFrame({"metric": ["x", "y"], "value": [3.0, 0.0], "direction": ["lower", "higher"]})
    h = H.health(_kpis([(M, "x", 0.0), (M, "y", 4.0)]), bench, month=M, dimensions=H.dimension_settings(
        {"d": ["x", "y"], "value_flow": None, "innovation": None, "resilience": None, "collaboration": None}))
    m = h.metrics.set_index("metric")
    assert m.at["x", "score"] == 1.5 and m.at["y", "status"] == "bad_benchmark"
    assert h.index == 1.5 and list(h.dimensions["dimension"]) == ["d"]
    # too old a value is not used
    h = H.health(_kpis([("2024-01", "x", 1.0)]), bench, month=M, max_age=12)
    assert h.metrics.set_index("metric").at["x", "status"] == "no_data"
    with pytest.raises(ValueError):
        H.health(_kpis([]), None, month="2026-3")


def test_health_on_the_tiny_park(tiny):
    h = H.health_workspace(tiny.tables, tiny.settings, M)
    m = h.metrics.set_index("metric")
    # output is benchmarked (150) but in no dimension: shown, ratio 120 / 150, not counted
    assert m.at["output", "ratio"] == pytest.approx(0.8) and not m.at["output", "counted"]
    assert math.isnan(h.index)


def test_dimension_settings():
    dims = H.dimension_settings({"talent": {"metrics": ["talent_gap"], "weight": "50%"}, "collaboration": None})
    assert "collaboration" not in dims and dims["talent"].weight == 0.5
    assert "talent_gap" not in dims["resilience"].metrics          # moved to its own dimension
    assert "chain_repair_days" in dims["resilience"].metrics
    assert list(H.dimension_settings(None)) == list(H.DIMENSIONS)
    problems = H.check_dimensions({"a": {"metrics": [], "colour": "red"}, "b": {"metrics": ["x"], "weight": -1},
                                   "c": 5})
    text = "\n".join(problems)
    assert "unknown field(s) colour" in text and "at least one metric" in text
    assert "weight: expected a number ≥ 0" in text and "dimensions.c" in text
    assert H.check_dimensions([1]) and H.check_dimensions(
        {k: {"metrics": ["x" + k], "weight": 0} for k in H.DIMENSIONS})   # all weights 0
    with pytest.raises(H.DimensionError):
        H.dimension_settings({"a": ["m"], "b": ["m"]})                   # one metric in two dimensions
    from ecolib.workspace.settings import SettingsError, as_settings
    assert as_settings({}).thresholds.dependence_share == 0.3
    assert as_settings({"thresholds": {"dependence_share": "40%"}}).thresholds.dependence_share == 0.4
    with pytest.raises(SettingsError):
        as_settings({"thresholds": {"dependence_share": 2}})


# =========================================================================== gap priority


FEAS = pd.DataFrame({"node_id": ["N.LI", "N.CATH", "N.CELL", "N.PACK"], "feasibility": [0.5, 0.25, 1.0, 0.8],
                     "related": [("N.CATH",), (), (), ("N.CELL",)]})


def test_demand_by_hand(tiny, cov):
    d = G.downstream_demand(cov, tiny.tables["chain_nodes"], tiny.tables["chain_edges"])
    # edges LI→CATH, CATH→CELL, CELL→PACK (weight 1); active local output: CATH 200×0.5 = 100,
    # CELL 200×0.5 + 1000 = 1100, PACK 0 (F4 left)
    assert d.to_dict() == {"N.LI": 100.0, "N.CATH": 1100.0, "N.CELL": 0.0, "N.PACK": 0.0}


def test_gap_priority_by_hand(tiny, cov):
    t = tiny.tables
    p = G.gap_priority(cov, FEAS, chain_nodes=t["chain_nodes"], chain_edges=t["chain_edges"])
    r = p.set_index("node_id")
    assert list(p["node_id"]) == ["N.LI", "N.CATH", "N.PACK", "N.CELL"]
    # importance: weight / 2 (N.LI has weight 2)
    assert r["importance"].to_dict() == {"N.LI": 1.0, "N.CATH": 0.5, "N.PACK": 0.5, "N.CELL": 0.5}
    # demand on a log scale over 6 decades: N.LI 1 + log10(100 / 1100) / 6 = 0.826435
    assert r.at["N.LI", "demand"] == pytest.approx(1 + math.log10(100 / 1100) / 6)
    assert r.at["N.CATH", "demand"] == 1.0 and r.at["N.PACK", "demand"] == 0.0
    assert r["fragility"].to_dict() == {"N.LI": 0.6, "N.CATH": 0.6, "N.PACK": 1.0, "N.CELL": 0.3}
    # N.LI: 0.3×1 + 0.3×0.826435 + 0.2×0.5 + 0.2×0.6 = 0.767930
    assert r.at["N.LI", "score"] == pytest.approx(0.3 + 0.3 * (1 + math.log10(100 / 1100) / 6) + 0.1 + 0.12)
    assert r.at["N.CATH", "score"] == pytest.approx(0.15 + 0.3 + 0.05 + 0.12)      # 0.62
    assert r.at["N.PACK", "score"] == pytest.approx(0.15 + 0 + 0.16 + 0.2)         # 0.51
    assert r.at["N.CELL", "score"] == pytest.approx(0.15 + 0 + 0.2 + 0.06)         # 0.41
    assert r.at["N.CATH", "part_demand"] == pytest.approx(0.3) and r.at["N.CATH", "reason"] == "demand"
    assert list(p["rank"]) == [1, 2, 3, 4] and p.attrs["note"] == ""
    assert r.at["N.PACK", "related"] == ("N.CELL",)


def test_gap_priority_weights(tiny, cov):
    t = tiny.tables
    kw = dict(chain_nodes=t["chain_nodes"], chain_edges=t["chain_edges"])
    zero = G.gap_priority(cov, FEAS, weights={k: 0 for k in G.COMPONENTS}, **kw)
    assert (zero["score"] == 0).all() and zero.attrs["note"] == "weights_all_zero"
    # fallback order: fragility (PACK missing), then importance (LI 1 > CATH 0.5), then CELL
    assert list(zero["node_id"]) == ["N.PACK", "N.LI", "N.CATH", "N.CELL"]
    only_feas = G.gap_priority(cov, FEAS, weights={"importance": 0, "demand": 0, "feasibility": 5, "fragility": 0},
                               **kw)
    assert only_feas.attrs["weights"]["feasibility"] == 1.0
    assert list(only_feas["node_id"]) == ["N.CELL", "N.PACK", "N.LI", "N.CATH"]
    assert G.priority_weights({"importance": 1, "demand": 1, "feasibility": 1, "fragility": 1})["demand"] == 0.25
    with pytest.raises(ValueError):
        G.priority_weights({"beauty": 1})
    with pytest.raises(ValueError):
        G.priority_weights({"demand": -1})
    # no chain edges: demand 0 everywhere, still ranked
    none = G.gap_priority(cov, FEAS, chain_nodes=t["chain_nodes"], chain_edges=None)
    assert (none["demand"] == 0).all() and len(none) == 4


def test_match_candidates_by_hand(tiny, cov):
    t = tiny.tables
    p = G.gap_priority(cov, FEAS, chain_nodes=t["chain_nodes"], chain_edges=t["chain_edges"])
    cands = pd.DataFrame({"firm_id": ["C1", "C1", "C2", "C3"], "name": ["One", "One", "Two", "Three"],
                          "name_zh": ["一", "一", "二", "三"], "node_id": ["N.PACK", "N.CATH", "N.PACK", "N.PACK"],
                          "capability": [0.8, 0.5, 0.9, 0.2], "region": ["A", "A", "B", "C"]})
    density = pd.Series({"N.LI": 0.1, "N.CATH": 0.9, "N.CELL": 0.2, "N.PACK": 0.4})
    m = G.match_candidates(p, cands, density, top=4)
    pack = m[m["node_id"] == "N.PACK"].set_index("firm_id")
    # C1 fit (0.4 + 0.9) / 2 = 0.65 → match 0.8 × 0.65 = 0.52; C2 fit 0.4 → 0.9 × 0.4 = 0.36; C3 below 0.3
    assert list(pack.index) == ["C1", "C2"]
    assert pack.at["C1", "match"] == pytest.approx(0.52) and pack.at["C2", "match"] == pytest.approx(0.36)
    assert pack.at["C1", "other_nodes"] == ("N.CATH",) and pack.at["C1", "other_gaps"] == 1
    assert pack.at["C2", "other_nodes"] == () and list(pack["option"]) == [1, 2]
    cath = m[m["node_id"] == "N.CATH"]
    assert list(cath["firm_id"]) == ["C1"] and cath["match"].iloc[0] == pytest.approx(0.5 * 0.65)
    assert m.attrs["without"] == ["N.LI", "N.CELL"]
    # nodes in priority order: N.CATH (rank 2) before N.PACK (rank 3)
    assert list(dict.fromkeys(m["node_id"])) == ["N.CATH", "N.PACK"]
    # a park with no candidates: empty, and every top node listed as without
    none = G.match_candidates(p, t["candidates"], density, top=2)
    assert none.empty and none.attrs["without"] == ["N.LI", "N.CATH"]


# =========================================================================== network, single points


def test_local_network_by_hand(net):
    F = net.matrix().toarray()
    i = {f: net.index(f) for f in ("F1", "F2", "F3", "F4", "X1")}
    assert F[i["F1"], i["F2"]] == 22 and F[i["F2"], i["F3"]] == 20 and F.sum() == 42
    assert net.local_inbound[i["F2"]] == 22 and net.local_inbound[i["F3"]] == 20
    assert net.sales[i["F3"]] == 5 and net.sales[i["X1"]] == 38      # all sales, outside buyers too
    assert list(net.active_local) == [True, True, True, False, False]
    with pytest.raises(ValueError):
        net.index("NOPE")


def test_single_points_by_hand(tiny, cov, net, info):
    single = G.single_supplier_nodes(cov, net, tiny.tables["firms"])
    assert list(single["node_id"]) == ["N.LI", "N.CATH"]                # both core; LI weight 2 first
    assert list(single["firm_id"]) == ["F1", "F2"] and list(single["local_buyers"]) == [1, 1]
    dep = G.dependent_buyers(net, info)
    # F2 takes all 22 of its local inbound from F1; F3 all 20 from F2
    assert list(zip(dep["buyer"], dep["supplier"], dep["share"])) == [("F2", "F1", 1.0), ("F3", "F2", 1.0)]
    assert dep["buyer_name"].tolist() == ["Cathode Co", "Cell Co"]


# =========================================================================== exit stress test


def test_exit_stress_by_hand(tiny, cov, net, info):
    t = tiny.tables
    cands = pd.DataFrame({"firm_id": ["C1"], "name": ["One"], "name_zh": ["一"], "node_id": ["N.CATH"],
                          "capability": [0.7], "region": ["Anhui"]})
    e = G.exit_stress(net, "F2", cov=cov, firm_nodes=t["firm_nodes"], info=info, candidates=cands)
    # F2 sells 20 to F3 and buys 22 from F1: 42 of the park's 42 local value
    assert (e.value_out, e.value_in, e.value_lost, e.value_share) == (20, 22, 42, 1.0)
    a = e.affected.set_index("firm_id")
    assert a.at["F3", "role"] == "buyer" and a.at["F3", "supply_share"] == 1.0      # 20 / 20 of F3's local inbound
    assert a.at["F1", "role"] == "supplier" and a.at["F1", "sales_share"] == 1.0    # 22 / 22 of F1's sales
    assert (e.dependent_buyers, e.dependent_suppliers) == (1, 1)
    assert a.at["F3", "lost"] == 20 and a.at["F1", "lost"] == 22                  # the value behind each share
    n = e.nodes.set_index("node_id")
    assert n.at["N.CATH", "becomes_missing"] and n.at["N.CATH", "status_after"] == "missing"
    assert n.at["N.CELL", "status_before"] == "thin" and n.at["N.CELL", "status_after"] == "single"
    assert e.nodes_lost == ["N.CATH"]
    b = e.backup
    assert b[b["node_id"] == "N.CELL"][["kind", "firm_id"]].values.tolist() == [["local", "F3"]]
    assert b[b["node_id"] == "N.CATH"][["kind", "firm_id", "where"]].values.tolist() == [["candidate", "C1", "Anhui"]]
    # F3 (the anchor) leaving: F2 loses its only customer; nobody loses supply
    e3 = G.exit_stress(net, "F3", cov=cov, firm_nodes=t["firm_nodes"], info=info)
    assert e3.value_lost == 20 and e3.affected["firm_id"].tolist() == ["F2"] and e3.nodes_lost == []
    # an outside firm or one that left: nothing local is lost
    ex = G.exit_stress(net, "X1", cov=cov, firm_nodes=t["firm_nodes"], info=info)
    assert not ex.active_local and ex.value_lost == 0 and ex.affected.empty


def test_exit_ranking_by_hand(cov, net, info):
    r = G.exit_ranking(net, cov, info=info)
    # F2: 2 affected firms; F1: 1 and N.LI lost; F3: 1, nothing lost
    assert list(r["firm_id"]) == ["F2", "F1", "F3"]
    x = r.set_index("firm_id")
    assert x.at["F2", "affected_firms"] == 2 and x.at["F2", "nodes_lost"] == 1 and x.at["F2", "nodes_weakened"] == 1
    assert x.at["F1", "lost_nodes"] == "N.LI" and x.at["F1", "nodes_lost_weight"] == 2
    assert x.at["F3", "value_lost"] == 20 and x.at["F3", "anchor"]
    assert x.at["F2", "value_share"] == 1.0
    # a higher threshold: F3 takes 20/20 = 100 % from F2, so still a dependent buyer at 100 %
    assert G.exit_ranking(net, cov, threshold=1.0).set_index("firm_id").at["F2", "affected_firms"] == 2
    with pytest.raises(ValueError):
        G.exit_ranking(net, cov, threshold=0)


def test_one_firm_park(tmp_path):
    from conftest import write_tiny_park
    firms = "firm_id,name,local,output,status\nF1,Only,true,100,active\n"
    fn = "firm_id,node_id,capability,share\nF1,N.LI,0.9,1\n"
    flows = "month,source,target,value\n2026-03,F1,F1,5\n"
    ws = load_workspace(write_tiny_park(tmp_path / "one", firms_csv=firms, firm_nodes_csv=fn, flows_csv=flows))
    ga = G.gap_analysis(ws.tables, ws.settings, M)
    assert list(ga.ranking["firm_id"]) == ["F1"] and ga.ranking["value_lost"].iloc[0] == 0   # self-flow ignored
    # the share is of the report's local trade, which (as the value-stream map counts it) holds
    # the firm's flow to itself: 0 of 5, not undefined
    assert ga.local_trade == 5 and ga.ranking["value_share"].iloc[0] == 0
    assert ga.exit.firm_id == "F1" and ga.exit.nodes_lost == ["N.LI"]
    assert ga.dependent.empty and ga.matches.empty


# =========================================================================== security matrix


def test_security_matrix_by_hand(tiny, cov):
    sf = vs.segment_flows(tiny.tables, M, window=3, level="node")
    s = G.security_matrix(sf, cov).set_index("node_id")
    # N.LI: local firms bought 22 from F1 and 38 from X1 (both N.LI): 38 / 60 from outside
    assert s.at["N.LI", "dependence"] == pytest.approx(38 / 60)
    assert s.at["N.CATH", "dependence"] == 0 and s.at["N.CELL", "dependence"] == 0   # F2's 20 to F3, half each
    assert s.at["N.PACK", "dependence"] == 1.0                   # nothing bought, and missing: fully outside
    assert s["substitutability"].to_dict() == {"N.LI": 0.2, "N.CATH": 0.2, "N.CELL": 0.4, "N.PACK": 0.0}
    assert s["quadrant"].to_dict() == {"N.LI": "critical", "N.CATH": "fragile", "N.CELL": "fragile",
                                       "N.PACK": "critical"}
    cands = pd.DataFrame({"firm_id": ["C1", "C2", "C3"], "name": "c", "node_id": "N.LI", "capability": 0.9})
    s2 = G.security_matrix(sf, cov, candidates=cands, full_at=4).set_index("node_id")
    assert s2.at["N.LI", "substitutability"] == 1.0 and s2.at["N.LI", "quadrant"] == "watch"   # 1 + 3 ≥ 4


def test_gap_analysis_on_the_tiny_park(tiny):
    ga = G.gap_analysis(tiny.tables, tiny.settings, M)
    assert ga.exit.firm_id == "F3"                     # the anchor firm
    h = ga.headline
    assert h["systemic_top"] == ["F2", "F1", "F3"] and h["gap_nodes"] == 4
    assert h["security"]["critical"] >= 1
    other = ga.stress("F1")
    assert other.nodes_lost == ["N.LI"]
    flat = ga.reprioritise({"importance": 1, "demand": 0, "feasibility": 0, "fragility": 0})
    assert flat["node_id"].iloc[0] == "N.LI"


FRAMES = ("priority", "matches", "single_nodes", "dependent", "ranking", "security")


def _same(a: G.GapAnalysis, b: G.GapAnalysis) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)
    pd.testing.assert_frame_equal(a.exit.affected, b.exit.affected, check_exact=True)
    assert a.headline == b.headline


@pytest.mark.parametrize("park", ["tiny", "demo"])
def test_shared_parts_give_the_same_gap_analysis(park, tiny):
    """gap_analysis on the month model's gene map, value stream and health diagnosis equals
    gap_analysis computing them itself, and keeps the very objects it was given."""
    from conftest import DEMO
    from ecolib.analyses.month import analyse

    ws, month = (tiny, M) if park == "tiny" else (load_workspace(DEMO), "2026-10")
    alone = G.gap_analysis(ws.tables, ws.settings, month)
    m = analyse(ws, month)
    shared = G.gap_analysis(ws.tables, ws.settings, month, gene_map=m.gene_map, value_stream=m.value_stream,
                            health=m.health)
    assert shared.gene_map is m.gene_map and shared.health is m.health
    _same(alone, shared)
    assert m.gaps.health is m.health and m.gaps.gene_map is m.gene_map
    _same(alone, m.gaps)
    pd.testing.assert_frame_equal(alone.health.dimensions, m.health.dimensions, check_exact=True)


def test_node_level_flows_of_a_value_stream_are_reused_only_when_they_match(tiny):
    window = tiny.settings.window
    segment = vs.value_stream(tiny.tables, M, window=window)                      # the value-stream page's level
    node = vs.value_stream(tiny.tables, M, window=window, level="node")
    other = vs.value_stream(tiny.tables, M, window=window + 1, level="node")
    assert G._node_flows(tiny.tables, M, window, node) is node.flows
    for vsm in (segment, other, None):
        sf = G._node_flows(tiny.tables, M, window, vsm)
        assert sf is not (vsm.flows if vsm is not None else None) and sf.level == "node"
        assert list(sf.months) == list(node.flows.months)
    alone = G.gap_analysis(tiny.tables, tiny.settings, M)
    pd.testing.assert_frame_equal(G.gap_analysis(tiny.tables, tiny.settings, M, value_stream=node).security,
                                  alone.security, check_exact=True)


def test_bad_dimensions_and_dependence_settings_are_reported_at_load(tmp_path):
    from conftest import write_tiny_park
    from ecolib.workspace import validate_workspace

    ws, problems = validate_workspace(write_tiny_park(
        tmp_path / "t", workspace_yaml="name: t\ndimensions:\n  nonsense: 3\nthresholds:\n  dependence_share: 7\n  niche_overlap: high\n"))
    assert ws is None
    text = [str(p) for p in problems]
    assert any("dimensions.nonsense" in s and "expected a list of metrics" in s for s in text)
    assert any("key thresholds.dependence_share: expected a share greater than 0 and at most 1 (like 0.3 or 30%), "
               "got 7" in s for s in text)
    assert any("key thresholds.niche_overlap: expected a share between 0 and 1 (like 0.7 or 70%), got 'high'" in s
               for s in text)
