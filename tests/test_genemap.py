"""Gene map: node coverage, roll-ups, node proximity and feasibility, computed by hand.

The tiny park of conftest.py (chain C → S.UP/S.MID → G.MAT/G.CELL → N.LI, N.CATH, N.CELL,
N.PACK; weights 2, 1, 1, 1; N.LI, N.CATH and N.CELL core):

    F1  local, output 100,  N.LI 0.9 (share 1)
    F2  local, output 200,  N.CATH 0.8 (share 0.5), N.CELL 0.4 (share 0.5)   ← spread over two nodes
    F3  local, output 1000, N.CELL 1.0 (share 1), anchor
    F4  local, output 50,   N.PACK 0.7, exited 2026-02                        ← an exited firm
    X1  outside,            N.LI 0.9                                          ← never counts
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from conftest import DEMO, write_tiny_park
from ecolib.analyses import genemap as G
from ecolib.analyses import relatedness as R
from ecolib.presentation.narrative import genemap as N
from ecolib.presentation.tables import genemap as T
from ecolib.workspace import load_workspace


@pytest.fixture
def tiny(tiny_park):
    return load_workspace(tiny_park).tables


def _cov(tables, month="2026-03", **kw):
    return G.coverage(tables["chain_nodes"], tables["firms"], tables["firm_nodes"], month=month, **kw)


def _row(frame, node):
    return frame.set_index("node_id").loc[node]


# ----------------------------------------------------------------------------- coverage by hand


def test_coverage_by_hand(tiny):
    cov = _cov(tiny)
    n = cov.nodes.set_index("node_id")
    assert list(n.index) == ["N.LI", "N.CATH", "N.CELL", "N.PACK"]      # technology nodes only, tree order
    # N.LI: F1 only (X1 is outside the park): 1 firm, capability 0.9, output 100 × 1
    assert n.at["N.LI", "firms"] == 1 and n.at["N.LI", "status"] == "single"
    assert n.at["N.LI", "output"] == 100 and n.at["N.LI", "hhi"] == 1.0 and n.at["N.LI", "top_firm"] == "F1"
    # N.CATH: F2 at 0.8, output 200 × 0.5 = 100
    assert n.at["N.CATH", "status"] == "single" and n.at["N.CATH", "output"] == 100
    # N.CELL: F2 (0.4 ≥ 0.3) and F3 (1.0): thin; capability 0.4 + 1.0 = 1.4, best 1.0;
    # output 200 × 0.5 + 1000 × 1 = 1100; HHI (100/1100)² + (1000/1100)² = (1 + 100)/121
    cell = n.loc["N.CELL"]
    assert (cell["firms"], cell["status"]) == (2, "thin")
    assert cell["capability_sum"] == pytest.approx(1.4) and cell["capability_max"] == 1.0
    assert cell["output"] == pytest.approx(1100) and cell["hhi"] == pytest.approx(101 / 121)
    assert cell["top_firm"] == "F3"
    # N.PACK: F4 exited in 2026-02, so in 2026-03 nobody: missing, HHI undefined
    pack = n.loc["N.PACK"]
    assert (pack["firms"], pack["status"], pack["output"]) == (0, "missing", 0)
    assert math.isnan(pack["hhi"]) and math.isnan(pack["capability_max"]) and pack["firms_exited"] == 1
    # chain coverage rate: weights 2 + 1 + 1 present of 2 + 1 + 1 + 1 → 4 / 5
    assert cov.coverage_rate == pytest.approx(0.8)
    h = cov.headline
    assert (h["missing"], h["single"], h["thin"], h["covered"]) == (1, 2, 1, 0)
    assert h["missing_nodes"] == ["N.PACK"] and h["missing_segments"] == []
    assert h["core_gaps"] == ["N.LI", "N.CATH", "N.CELL"]               # core and not covered
    assert cov.present() == ["N.LI", "N.CATH", "N.CELL"]


def test_roll_ups_count_a_firm_once(tiny):
    tree = _cov(tiny).tree.set_index("node_id")
    # G.MAT: N.LI (F1) and N.CATH (F2): 2 distinct firms → thin; both present → rate 1
    assert tree.at["G.MAT", "firms"] == 2 and tree.at["G.MAT", "status"] == "thin"
    assert tree.at["G.MAT", "coverage_rate"] == 1.0 and tree.at["G.MAT", "output"] == pytest.approx(200)
    # G.CELL: N.CELL (F2, F3) and N.PACK (nobody): rate 1 / 2; output 1100
    assert tree.at["G.CELL", "firms"] == 2 and tree.at["G.CELL", "coverage_rate"] == 0.5
    assert (tree.at["G.CELL", "thin"], tree.at["G.CELL", "missing"]) == (1, 1)
    # the chain: F1, F2, F3 (F2 on two nodes in two segments counts once) → covered
    assert tree.at["C", "firms"] == 3 and tree.at["C", "status"] == "covered"
    assert tree.at["C", "leaves"] == 4 and tree.at["C", "output"] == pytest.approx(1300)
    assert tree.at["C", "core_leaves"] == 3 and tree.at["C", "core_gaps"] == 3
    assert tree.at["C", "coverage_rate"] == pytest.approx(0.8)
    stages = _cov(tiny).stages.set_index("node_id")
    assert stages.at["S.UP", "coverage_rate"] == 1.0 and stages.at["S.MID", "coverage_rate"] == 0.5


def test_exited_firm_counts_before_its_exit_month(tiny):
    before = _row(_cov(tiny, "2026-01").nodes, "N.PACK")
    assert before["status"] == "single" and before["top_firm"] == "F4" and before["output"] == 50
    assert _row(_cov(tiny, "2026-02").nodes, "N.PACK")["status"] == "missing"   # gone from its exit month on
    assert _row(_cov(tiny, None).nodes, "N.PACK")["status"] == "missing"        # no month: status decides


def test_threshold_moves_a_firm_below(tiny):
    cell = _row(_cov(tiny, min_capability=0.5).nodes, "N.CELL")
    # F2's 0.4 no longer counts: F3 alone, output 1000, HHI 1; F2 is listed below the threshold
    assert (cell["firms"], cell["status"], cell["output"], cell["hhi"]) == (1, "single", 1000, 1.0)
    assert cell["firms_below"] == 1
    # threshold exactly at a capability counts it (≥)
    assert _row(_cov(tiny, min_capability=0.4).nodes, "N.CELL")["firms"] == 2
    for bad in (0, -0.1, 1.2):
        with pytest.raises(ValueError, match="min_capability"):
            _cov(tiny, min_capability=bad)


def test_three_firms_cover_and_zone_filter(tmp_path):
    firm_nodes = """\
        firm_id,node_id,capability,share
        F1,N.LI,0.9,1
        F2,N.LI,0.5,1
        F3,N.LI,0.6,1
        F4,N.PACK,0.7,1
        X1,N.LI,0.9,1
        """
    t = load_workspace(write_tiny_park(tmp_path / "p", firm_nodes_csv=firm_nodes)).tables
    li = _row(_cov(t, "2026-01").nodes, "N.LI")
    # outputs 100, 200, 1000 → shares 1/13, 2/13, 10/13; HHI (1 + 4 + 100) / 169
    assert (li["firms"], li["status"]) == (3, "covered") and li["hhi"] == pytest.approx(105 / 169)
    north = _row(_cov(t, "2026-01", zones=["North"]).nodes, "N.LI")          # F1, F2 are in North
    assert (north["firms"], north["status"]) == (2, "thin")


# ----------------------------------------------------------------------------- edge cases


def test_nobody_everybody_and_empty(tiny):
    # empty firm_nodes: every node missing, rate 0, nothing to attribute
    cov = G.coverage(tiny["chain_nodes"], tiny["firms"], tiny["firm_nodes"].iloc[0:0], month="2026-03")
    assert set(cov.nodes["status"]) == {"missing"} and cov.coverage_rate == 0
    assert cov.nodes["hhi"].isna().all() and cov.tree.set_index("node_id").at["C", "status"] == "missing"
    # one firm everywhere (an activity everybody has is here a firm on every node)
    everywhere = pd.DataFrame({"firm_id": "F3", "node_id": ["N.LI", "N.CATH", "N.CELL", "N.PACK"],
                               "capability": 1.0, "share": 0.25})
    cov = G.coverage(tiny["chain_nodes"], tiny["firms"], everywhere, month="2026-03")
    assert set(cov.nodes["status"]) == {"single"} and cov.coverage_rate == 1.0
    assert cov.nodes["output"].tolist() == [250.0] * 4
    assert cov.tree.set_index("node_id").at["C", "firms"] == 1


def test_zero_output_and_zero_weights(tiny):
    firms = tiny["firms"].assign(output=0.0)
    cov = G.coverage(tiny["chain_nodes"], firms, tiny["firm_nodes"], month="2026-03")
    assert (cov.nodes["output"] == 0).all() and cov.nodes["hhi"].isna().all()   # no output: HHI undefined
    assert cov.nodes["firms"].tolist() == [1, 1, 2, 0]                          # counts do not need output
    nodes = tiny["chain_nodes"].assign(weight=0.0)
    assert math.isnan(G.coverage(nodes, tiny["firms"], tiny["firm_nodes"], month="2026-03").coverage_rate)
    firms = tiny["firms"].assign(output=np.nan)                                 # not reported: adds nothing
    assert (G.coverage(tiny["chain_nodes"], firms, tiny["firm_nodes"], month="2026-03").nodes["output"] == 0).all()


def test_firm_on_a_segment_counts_in_the_roll_up_only(tiny):
    extra = pd.concat([tiny["firm_nodes"], pd.DataFrame(
        {"firm_id": ["F1"], "node_id": ["G.CELL"], "capability": [0.9], "share": [0.0]})], ignore_index=True)
    cov = G.coverage(tiny["chain_nodes"], tiny["firms"], extra, month="2026-03")
    assert _row(cov.nodes, "N.PACK")["status"] == "missing"                     # covers no technology node
    assert cov.tree.set_index("node_id").at["G.CELL", "firms"] == 3             # F1, F2, F3


def test_node_status_rule():
    assert G.node_status([0, 1, 2, 3, 7]).tolist() == ["missing", "single", "thin", "covered", "covered"]


# ----------------------------------------------------------------------------- node space, feasibility


def _abcd():
    nodes = pd.DataFrame({"node_id": ["R", "S", "A", "B", "C", "D", "E"],
                          "parent_id": [None, "R", "S", "S", "S", "S", "S"],
                          "is_leaf": [False, False, True, True, True, True, True]})
    fn = pd.DataFrame({"firm_id": ["f1", "f1", "f2", "f3", "f3", "f4"],
                       "node_id": ["A", "B", "A", "B", "C", "E"],
                       "capability": [0.9, 0.8, 0.7, 0.6, 0.5, 0.1]})       # f4 below 0.3: ignored
    cand = pd.DataFrame({"firm_id": ["f1", "f1"], "node_id": ["C", "D"], "capability": [0.9, 0.9]})
    return nodes, fn, cand


def test_capability_proximity_by_hand():
    nodes, fn, cand = _abcd()
    space = G.node_space(nodes, fn, candidates=cand, min_capability=0.3)
    # presence: f1 {A, B}, f2 {A}, f3 {B, C}, candidate f1 {C, D} (its own row, not firm f1)
    assert space.presence.shape == (4, 5) and space.firms == {"known": 4, "candidates": 1}
    phi = space.proximity
    # k_A = 2, k_B = 2, k_C = 2, k_D = 1, k_E = 0; co-occurrences A·B = 1, B·C = 1, C·D = 1
    assert phi.at["A", "B"] == 0.5                       # 1 / max(2, 2)
    assert phi.at["B", "C"] == 0.5 and phi.at["C", "D"] == 0.5    # 1 / max(2, 1)
    assert phi.at["A", "C"] == 0 and phi.loc["E"].sum() == 0 and np.diag(phi).sum() == 0
    pd.testing.assert_frame_equal(phi, R.proximity(space.presence))   # the Atlas proximity of the module


def test_chain_edges_add_supply_proximity():
    nodes, fn, cand = _abcd()
    edges = pd.DataFrame({"source": ["A", "D", "S"], "target": ["C", "A", "E"], "weight": [2.0, 1.0, 0.5]})
    space = G.node_space(nodes, fn, candidates=cand, chain_edges=edges)
    s = space.chain_proximity
    # strongest edge A→C (2) = 1; D→A 1/2; the segment S → E applies to each leaf of S: 0.5/2
    assert s.at["A", "C"] == 1 and s.at["C", "A"] == 1 and s.at["A", "D"] == 0.5
    assert s.at["A", "E"] == 0.25 and s.at["E", "E"] == 0
    phi = space.proximity                                  # max of the two kinds
    assert (phi.at["A", "C"], phi.at["A", "B"], phi.at["A", "D"], phi.at["C", "D"]) == (1, 0.5, 0.5, 0.5)


def test_feasibility_by_hand():
    labels = ["A", "B", "C", "D", "E"]
    phi = pd.DataFrame(0.0, index=labels, columns=labels)
    for a, b, v in [("A", "C", 0.5), ("B", "C", 0.25), ("D", "C", 0.25), ("A", "B", 0.5)]:
        phi.at[a, b] = phi.at[b, a] = v
    nodes = pd.DataFrame({"node_id": labels, "status": ["covered", "thin", "missing", "missing", "missing"]})
    f = G.feasibility(nodes, phi).set_index("node_id")
    assert list(f.index) == ["C", "B", "D", "E"]          # most feasible first (0.75, 2/3, 0, 0), then id
    # C: present A, B → (0.5 + 0.25) / (0.5 + 0.25 + 0.25) = 0.75; related A (0.5), B (0.25)
    assert f.at["C", "feasibility"] == pytest.approx(0.75)
    assert f.at["C", "related"] == ("A", "B") and f.at["C", "related_proximity"] == (0.5, 0.25)
    # D: related only to C, which is missing → 0 (with evidence)
    assert f.at["D", "feasibility"] == 0 and not f.at["D", "no_evidence"] and f.at["D", "related"] == ()
    # E: related to nothing → no evidence, no score (NaN, not 0)
    assert math.isnan(f.at["E", "feasibility"]) and f.at["E", "no_evidence"]
    # B (thin, present): its neighbours A (present) and C (missing) → 0.5 / 0.75
    assert f.at["B", "feasibility"] == pytest.approx(2 / 3)
    only = G.feasibility(nodes, phi, statuses=["missing"])
    assert set(only["node_id"]) == {"C", "D", "E"}
    assert G.feasibility(nodes, phi, related_min=0.3).set_index("node_id").at["C", "related"] == ("A",)


def test_feasibility_one_location_and_nothing_present():
    labels = ["A", "B"]
    phi = pd.DataFrame([[0.0, 1.0], [1.0, 0.0]], index=labels, columns=labels)
    nothing = pd.DataFrame({"node_id": labels, "status": ["missing", "missing"]})
    f = G.feasibility(nothing, phi)
    assert (f["feasibility"] == 0).all() and not f["no_evidence"].any()
    # one firm only: proximity from a single location has every co-occurring pair at 1
    nodes, fn, _ = _abcd()
    one = G.node_space(nodes, fn[fn["firm_id"] == "f1"])
    assert one.proximity.at["A", "B"] == 1 and one.proximity.loc["C"].sum() == 0
    # no firm at all: all-zero proximity, every gap without evidence
    empty = G.node_space(nodes, fn.iloc[0:0])
    assert empty.proximity.to_numpy().sum() == 0


def test_gene_map_on_the_tiny_park(tiny):
    gm = G.gene_map(tiny, "2026-03")
    f = gm.feasibility.set_index("node_id")
    # present N.LI, N.CATH, N.CELL. Capability proximity: F2 has N.CATH and N.CELL (k 1 and 2 with
    # F3 → 1/2); N.PACK was only F4's; chain edges LI→CATH→CELL→PACK weight 1 each → 1.
    # N.PACK: φ to N.CELL = max(0, 1) = 1 only → feasibility 1 / 1
    assert f.at["N.PACK", "feasibility"] == 1.0 and f.at["N.PACK", "related"] == ("N.CELL",)
    # N.CELL (thin): φ to N.CATH = 1, to N.PACK = 1 (edge) → present share 1 / 2
    assert f.at["N.CELL", "feasibility"] == pytest.approx(0.5)
    no_edges = G.gene_map(tiny, "2026-03", use_chain_edges=False).feasibility.set_index("node_id")
    # without chain edges N.PACK co-occurs with nothing (F4 has only it): no evidence
    assert math.isnan(no_edges.at["N.PACK", "feasibility"]) and no_edges.at["N.PACK", "no_evidence"]


def test_zone_node_matrix(tiny):
    m = G.zone_node_matrix(tiny["firms"], tiny["firm_nodes"], month="2026-03")
    # North: F1 N.LI 100, F2 N.CATH 100 and N.CELL 100; South: F3 N.CELL 1000 (F4 exited)
    assert m.loc["North"].to_dict() == {"N.CATH": 100.0, "N.CELL": 100.0, "N.LI": 100.0}
    assert m.loc["South"].to_dict() == {"N.CATH": 0.0, "N.CELL": 1000.0, "N.LI": 0.0}
    seg = G.zone_node_matrix(tiny["firms"], tiny["firm_nodes"], month="2026-01", chain_nodes=tiny["chain_nodes"],
                             level="segment")
    assert seg.loc["South"].to_dict() == {"G.CELL": 1050.0, "G.MAT": 0.0}
    res = R.complexity(m)                                   # feeds the relatedness module as is
    assert res.diversity.to_dict() == {"North": 2, "South": 1}


def test_capability_matrix(tiny):
    cov = _cov(tiny, "2026-01")
    m = G.capability_matrix(cov, top_nodes=2)
    # core first, then weight (N.LI 2), then output (N.CELL 1100 before N.CATH 100)
    assert list(m.columns) == ["N.LI", "N.CELL"]
    # firms by summed capability on those nodes: F3 1.0, F1 0.9, F2 0.4
    assert list(m.index) == ["F3", "F1", "F2"] and m.at["F1", "N.LI"] == 0.9 and math.isnan(m.at["F1", "N.CELL"])
    below = G.capability_matrix(_cov(tiny, min_capability=0.5), nodes=["N.CELL"])
    assert below["N.CELL"].to_dict() == {"F3": 1.0, "F2": 0.4}  # below-threshold firms are shown too


# ----------------------------------------------------------------------------- the demo park


@pytest.fixture(scope="module")
def demo():
    ws = load_workspace(DEMO)
    return ws.tables, G.gene_map(ws.tables, "2026-10", min_capability=ws.settings.min_capability)


def test_demo_situations(demo):
    tables, gm = demo
    h = gm.coverage.headline
    # data/demo/README.md: 63 covered, 12 thin, 14 single, 6 missing
    assert (h["covered"], h["thin"], h["single"], h["missing"]) == (63, 12, 14, 6)
    assert h["missing_segments"] == ["DOWN.ESS"]                                  # situation a
    assert set(h["missing_nodes"]) == {"DOWN.ESS.CONTAINER", "DOWN.ESS.CI", "DOWN.ESS.PCS", "DOWN.ESS.EMS",
                                       "MID.CELL.SOLIDSTATE", "UP.NICO.NISULFATE"}
    chip = _row(gm.coverage.nodes, "MID.BMS.CHIP")                                # situation c
    assert (chip["status"], chip["top_firm"], chip["firms_below"], chip["firms_exited"]) == ("single", "F0294", 1, 1)
    single = G.gap_nodes(gm, "single")
    assert single["node_id"].iloc[0] == "MID.BMS.CHIP"                           # the most fragile first
    f = gm.feasibility.set_index("node_id")
    # storage integration connects to local cells, packs and grid customers: clearly feasible
    assert f.at["DOWN.ESS.CONTAINER", "feasibility"] > 0.5 and not f["no_evidence"].any()
    rel = G.related_segments(gm, ["DOWN.ESS.CONTAINER", "DOWN.ESS.CI", "DOWN.ESS.PCS", "DOWN.ESS.EMS"])
    assert set(rel["segment_id"]) == {"MID.CELL", "DOWN.GRID", "MID.PACK"}
    assert rel.set_index("segment_id")["firms"].to_dict()["MID.PACK"] == 20        # the README's 20 pack makers


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_findings_name_the_situations(demo, lang):
    tables, gm = demo
    text = " ".join(N.findings(gm, lang))
    if lang == "en":
        assert "Energy-storage system integration" in text and "BMS chip" in text
        assert "Lingxin Microelectronics" in text and "Haijing Electronic Technology" in text
        assert "63" in text and "91%" in text
    else:
        assert "储能系统集成" in text and "BMS芯片" in text and "领芯微电子" in text
    cards = N.headline_cards(gm, lang)
    # issue 13: each card says what it counts; 89 of 95 is the overview's count of nodes with a firm
    assert list(cards.values()) == (["91%", "89 of 95", "6", "14", "12"] if lang == "en" else
                                    ["91%", "95个中的89个", "6个", "14个", "12个"])


def test_gap_and_stage_tables(demo):
    tables, gm = demo
    # issue 13: the wholly missing storage segment is one row of its own table, with its nodes;
    # the node table lists the other two missing nodes
    missing = T.MISSING.rows(gm, "zh", "CNY")
    assert list(missing["node"]) == ["固态电芯", "硫酸镍"] and missing["node_label"].iloc[0] == "固态电芯★"
    segments = T.MISSING_SEGMENTS.rows(gm, "en", "CNY")
    assert list(segments["segment"]) == ["Energy-storage system integration"]
    seg = segments.iloc[0]
    assert seg["nodes"].startswith("Utility-scale container storage integration ★") and seg["n_nodes"] == 4
    assert (seg["candidates"], seg["core"], seg["fit"]) == (6, 2, "0.50–0.84")           # 6 distinct firms
    assert G.gap_nodes(gm, "missing").set_index("node_id").at["DOWN.ESS.CONTAINER", "candidates"] == 2  # C0006, C0007
    stages = G.stage_counts(gm.coverage)
    assert stages["leaves"].sum() == 95 and stages.set_index("node_id").at["DOWN", "missing"] == 4
    shown = T.STAGES.view(gm, "en")
    assert list(shown["name"]) == ["Upstream", "Midstream", "Downstream", "Services"]
    html = T.MISSING.html(gm, "en")
    assert html.count("<tr>") == 3 and "Utility-scale" not in html and "Solid-state cells ★" in html
    assert "Utility-scale container storage integration ★" in T.MISSING_SEGMENTS.html(gm, "en")
    # the spreadsheet keeps what the page leaves out: importance, every firm, the score as a number
    sheet = T.SINGLE.export(gm, "en", "CNY")
    assert "Importance" in sheet["columns"] and "Importance" not in T.SINGLE.labels("en")
    # issue 14: one more column beside the fit with the park, the evidence behind it
    assert len(T.SINGLE.labels("en")) <= 7 and len(T.THIN.labels("en")) <= 7 and len(T.MISSING.labels("en")) <= 8


def test_gap_rows_and_their_texts(tiny):
    gm = G.gene_map(tiny, "2026-03")
    # N.CELL (thin): F3 1.0 and F2 0.4 qualify; N.PACK (missing): F4 0.7 has left
    firms = G.node_firms(gm.coverage, ["N.CELL", "N.PACK"])
    assert list(zip(firms["firm_id"], firms["role"])) == [("F3", "qualifying"), ("F4", "exited"), ("F2", "qualifying")]
    below = G.node_firms(G.gene_map(tiny, "2026-03", min_capability=0.5).coverage, ["N.CELL"])
    assert below.set_index("firm_id")["role"].to_dict() == {"F3": "qualifying", "F2": "below"}
    assert list(G.branch_gaps(gm)["status"]) == ["missing", "single", "single", "thin"]
    thin = T.THIN.rows(gm, "en", "CNY").iloc[0]
    assert (thin["firms"], thin["core"], thin["below"]) == ("Cell Co (1.00), Cathode Co (0.40)", "yes", "–")
    assert (thin["node_label"], thin["others"], thin["fit"]) == ("Cells ★", "–", "0.50")
    missing = T.MISSING.rows(gm, "zh", "CNY").iloc[0]
    assert (missing["exited"], missing["core"], missing["related"]) == ("Pack Co（0.70）", "", "电芯")
    assert missing["candidates"] == 0                                        # none on record: 0, a count
    with pytest.raises(ValueError):
        G.gap_nodes(gm, "nope")


def test_main_activity_counts_each_active_local_firm_once_also_on_a_segment():
    """Firms by main activity add up to the overview's active local firms: a firm known only by
    its segment counts at that segment's stage."""
    from ecolib.datasets import tiny
    from ecolib.foundations.firms import firm_profile, local_active

    t = dict(tiny().tables)
    t["firms"] = pd.concat([t["firms"], pd.DataFrame({
        "firm_id": ["F9"], "name": ["Seg Co"], "zone": ["North"], "local": [True], "anchor": [False],
        "employees": [1], "output": [7.0], "area": [1], "patents": [0], "status": ["active"],
        "exit_month": [None]})], ignore_index=True)
    t["firm_nodes"] = pd.concat([t["firm_nodes"], pd.DataFrame({
        "firm_id": ["F9"], "node_id": ["G.MAT"], "capability": [0.5], "share": [1.0]})], ignore_index=True)
    gm = G.gene_map(t, "2026-03")
    by_stage = G.main_activity(gm).set_index("node_id")
    assert by_stage["firms"].to_dict() == {"S.UP": 3, "S.MID": 1}        # F1, F2 and F9 upstream; F3
    assert by_stage.at["S.UP", "output"] == 100 + 200 + 7
    overview = local_active(firm_profile(t["firms"], t["firm_nodes"], t["chain_nodes"], "2026-03"))
    assert by_stage["firms"].sum() == len(overview) and by_stage["output"].sum() == overview["output"].sum()
    shown = G.stage_counts(gm).set_index("node_id")
    assert shown.at["S.UP", "firms_main"] == 3 and shown.at["S.UP", "output_main"] == 307.0
