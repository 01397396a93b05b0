"""Value-stream map (ecolib.analyses.valuestream): every metric on a tiny park computed by hand, the
input-output view against the textbook and China's 2020 table, invariants and edge cases."""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from ecolib.analyses import valuestream as vsm
from ecolib.datasets.china_io import load_china_io
from ecolib.foundations import network
from ecolib.presentation.narrative import valuestream as narrative
from ecolib.workspace import load_workspace

from conftest import write_tiny_park

FIX = Path(__file__).parent / "fixtures" / "io_textbook"
MONTH = "2026-03"

# A park of 5 local firms and 2 outside firms on 3 segments:
#   G.MAT (N.LI, N.CATH) upstream, G.CELL (N.CELL, N.PACK) midstream, G.VEH (N.CAR) downstream.
# F2 is split across two segments (N.CATH 0.5 in G.MAT, N.CELL 0.5 in G.CELL); X1 is an
# external cathode supplier, X2 an external car buyer. Window: 3 months, 2026-01..2026-03.
HAND = {
    "chain_nodes_csv": """\
        node_id,name,parent_id,name_zh,stage,weight,core
        C,EV chain,,新能源汽车链,,1,false
        S.UP,Upstream,C,上游,upstream,1,false
        S.MID,Midstream,C,中游,midstream,1,false
        S.DOWN,Downstream,C,下游,downstream,1,false
        G.MAT,Materials,S.UP,材料,,1,false
        G.CELL,Cells and packs,S.MID,电芯与电池包,,1,false
        G.VEH,Vehicles,S.DOWN,整车,,1,false
        N.LI,Lithium,G.MAT,锂,,1,false
        N.CATH,Cathode,G.MAT,正极,,1,false
        N.CELL,Cells,G.CELL,电芯,,1,false
        N.PACK,Packs,G.CELL,电池包,,1,false
        N.CAR,Cars,G.VEH,整车,,1,false
        """,
    "chain_edges_csv": """\
        source,target,weight
        N.LI,N.CATH,1
        N.CATH,N.CELL,1
        N.CELL,N.PACK,1
        N.PACK,N.CAR,1
        N.LI,N.CAR,0.5
        """,
    "firms_csv": """\
        firm_id,name,name_zh,zone,local,anchor,employees,output,area,patents,status,exit_month
        F1,Lithium Co,锂业,North,true,false,10,1200,10,1,active,
        F2,Cathode Cell Co,正极电芯,North,true,false,20,2400,20,2,active,
        F3,Pack Co,电池包,South,true,false,50,6000,50,5,active,
        F4,Car Co,整车,South,true,true,100,12000,100,10,active,
        F5,Loner Co,孤独,East,true,false,5,600,5,0,active,
        X1,Outside Cathode,外部正极,,false,false,,,,,active,
        X2,Outside Buyer,外部客户,,false,false,,,,,active,
        """,
    "firm_nodes_csv": """\
        firm_id,node_id,capability,share
        F1,N.LI,0.9,1
        F2,N.CATH,0.8,0.5
        F2,N.CELL,0.6,0.5
        F3,N.PACK,1.0,1
        F4,N.CAR,1.0,1
        F5,N.CELL,0.5,1
        X1,N.CATH,1.0,1
        X2,N.CAR,1.0,1
        """,
    "flows_csv": """\
        month,source,target,value,kind
        2025-12,F1,F5,999,goods
        2026-01,F1,F2,100,goods
        2026-02,F2,F3,200,goods
        2026-03,F3,F4,300,goods
        2026-01,X1,F2,400,goods
        2026-02,X1,F5,50,goods
        2026-03,F2,X2,80,goods
        2026-03,F4,X2,1000,goods
        2026-02,F1,F4,10,service
        2026-03,F5,X2,30,goods
        """,
    "kpis_csv": "month,metric,value\n2026-03,output,1\n",
    "workspace_yaml": "name: hand\nwindow: 3\nthresholds:\n  broken_link_share: 0.1\n",
}
SEGS = ["G.MAT", "G.CELL", "G.VEH"]


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> dict:
    folder = write_tiny_park(tmp_path_factory.mktemp("vs") / "hand", **HAND)
    return load_workspace(folder).tables


@pytest.fixture(scope="module")
def sf(hand):
    return vsm.segment_flows(hand, MONTH, window=3)


# --------------------------------------------------------------------------- attribution


def test_levels_and_groups(hand):
    groups = vsm.level_groups(hand["chain_nodes"], "segment")
    assert groups["N.CATH"] == "G.MAT" and groups["N.CAR"] == "G.VEH" and groups["G.CELL"] == "G.CELL"
    assert groups["S.UP"] == "S.UP" and groups["C"] == "C"          # above the level: itself
    assert vsm.level_groups(hand["chain_nodes"], "stage")["N.PACK"] == "S.MID"
    assert vsm.level_groups(hand["chain_nodes"], "node")["N.PACK"] == "N.PACK"
    assert list(vsm.group_table(hand["chain_nodes"], "segment").index) == SEGS   # stage order
    with pytest.raises(ValueError, match="level"):
        vsm.level_groups(hand["chain_nodes"], "sector")


def test_segment_flow_matrices_by_hand(sf):
    # local → local, split by shares (F2: half G.MAT, half G.CELL):
    #   F1→F2 100: MAT→MAT 50, MAT→CELL 50;  F2→F3 200: MAT→CELL 100, CELL→CELL 100;
    #   F3→F4 300: CELL→VEH 300;  F1→F4 10 (service): MAT→VEH 10
    expected_local = [[50, 150, 10], [0, 100, 300], [0, 0, 0]]
    np.testing.assert_allclose(sf.local.loc[SEGS, SEGS].to_numpy(), expected_local)
    # external → local: X1→F2 400: MAT→MAT 200, MAT→CELL 200; X1→F5 50: MAT→CELL 50
    np.testing.assert_allclose(sf.from_external.loc[SEGS, SEGS].to_numpy(), [[200, 250, 0], [0, 0, 0], [0, 0, 0]])
    # local → external: F2→X2 80: MAT→VEH 40, CELL→VEH 40; F5→X2 30: CELL→VEH; F4→X2 1000: VEH→VEH
    np.testing.assert_allclose(sf.to_external.loc[SEGS, SEGS].to_numpy(), [[0, 0, 40], [0, 0, 70], [0, 0, 1000]])
    assert sf.external_only == 0
    # the 2025-12 flow (999) is outside the window: total = 100+200+300+400+50+80+1000+10+30
    assert sf.total == pytest.approx(2170)
    full = sf.with_external()
    assert full.loc[vsm.EXTERNAL, "G.CELL"] == 250 and full.loc["G.CELL", vsm.EXTERNAL] == 70
    assert full.to_numpy().sum() == pytest.approx(2170)
    # window output: annual × 3/12; G.MAT = (1200 + 0.5·2400)/4 = 600, G.CELL = (0.5·2400 + 6000 + 600)/4
    np.testing.assert_allclose(sf.groups.loc[SEGS, "output"], [600, 1950, 3000])
    assert sf.groups.loc[SEGS, "local_firms"].tolist() == [2, 3, 1]


def test_value_conserved_at_every_level(hand):
    totals = {level: vsm.segment_flows(hand, MONTH, window=3, level=level).total
              for level in ("node", "segment", "stage", "chain")}
    assert totals == pytest.approx({k: 2170 for k in totals})
    node = vsm.segment_flows(hand, MONTH, window=3, level="node")
    seg = vsm.segment_flows(hand, MONTH, window=3, level="segment")
    # rolling the node matrix up to segments gives the segment matrix
    up = vsm.level_groups(hand["chain_nodes"], "segment")
    rolled = node.local.groupby(up).sum().T.groupby(up).sum().T
    pd.testing.assert_frame_equal(rolled.loc[SEGS, SEGS], seg.local.loc[SEGS, SEGS], check_names=False)


def test_firm_without_chain_node_is_kept(tmp_path):
    overrides = dict(HAND, firm_nodes_csv=HAND["firm_nodes_csv"].replace("        X2,N.CAR,1.0,1\n", ""))
    tables = load_workspace(write_tiny_park(tmp_path / "p", **overrides)).tables
    sf = vsm.segment_flows(tables, MONTH, window=3)
    assert sf.total == pytest.approx(2170)
    assert sf.to_external.loc["G.VEH", vsm.UNASSIGNED] == 1000      # F4 → X2, X2 has no node


# --------------------------------------------------------------------------- sourcing


def test_local_sourcing_leakage_by_hand(sf):
    src = vsm.local_sourcing(sf)
    # inflow of MAT: local 50, external 200 → 0.2; CELL: local 150+100, external 250 → 0.5; VEH: 310 / 310
    np.testing.assert_allclose(src[SEGS], [50 / 250, 250 / 500, 1.0])
    lk = vsm.leakage(sf)
    # outflow of MAT: local 210, external 40; CELL: local 400, external 70; VEH: local 0, external 1000
    np.testing.assert_allclose(lk.loc[SEGS, "leakage"], [40 / 250, 70 / 470, 1.0])
    np.testing.assert_allclose(lk.loc[SEGS, "import_dependence"], [0.8, 0.5, 0.0])
    table = vsm.sourcing_table(sf)
    assert table.loc["G.CELL", "inflow"] == 500 and table.loc["G.MAT", "external_outflow"] == 40
    tot = vsm.sourcing_totals(sf)
    assert tot["local_value"] == 610 and tot["inbound"] == 450 and tot["outbound"] == 1110
    assert tot["local_sourcing"] == pytest.approx(610 / 1060) and tot["leakage"] == pytest.approx(1110 / 1720)


def test_ratios_in_unit_interval_and_no_inflow_is_undefined(sf):
    src = vsm.local_sourcing(sf).dropna()
    assert ((src >= 0) & (src <= 1)).all()
    lk = vsm.leakage(sf)
    assert ((lk >= 0) & (lk <= 1)).all().all()
    assert lk.loc["G.VEH", "import_dependence"] == 0.0                # G.VEH buys nothing from outside


def test_segment_with_no_inflow_gives_nan_not_error(hand):
    sf = vsm.segment_flows(hand, MONTH, window=3, kind="service")   # only F1→F4 10
    table = vsm.sourcing_table(sf)
    assert table.loc["G.MAT", "inflow"] == 0 and np.isnan(table.loc["G.MAT", "local_sourcing"])
    assert table.loc["G.VEH", "local_sourcing"] == 1.0
    assert np.isnan(table.loc["G.VEH", "leakage"])                  # no outflow at all
    assert table.loc["G.MAT", "leakage"] == 0.0


def test_empty_window(hand):
    sf = vsm.segment_flows(hand, "2030-01", window=3)
    assert sf.total == 0 and sf.local.to_numpy().sum() == 0
    assert vsm.local_sourcing(sf).isna().all()
    tot = vsm.sourcing_totals(sf)
    assert tot["local_value"] == 0 and np.isnan(tot["local_sourcing"])
    vs = vsm.value_stream(hand, "2030-01", window=3)
    assert len(vs.isolated) == 5                                      # nobody trades: all isolated
    assert vs.connectors.empty and (vs.broken["status"] == "no_trade").all()
    assert vs.io.linkages["BL"].notna().all()                        # Z = 0: L = I, linkages 1
    for lang in ("en", "zh"):
        for section in (narrative.headline, narrative.sourcing, narrative.isolated, narrative.broken, narrative.io):
            assert section(vs, lang)
        assert narrative.connectors(vs, lang)


def test_window_must_be_positive(hand):
    with pytest.raises(ValueError, match="window"):
        vsm.segment_flows(hand, MONTH, window=0)
    with pytest.raises(ValueError, match="kind"):
        vsm.segment_flows(hand, MONTH, kind="gold")


# --------------------------------------------------------------------------- firms


def test_isolated_firms_by_hand(hand):
    iso = vsm.isolated_firms(hand, MONTH, window=3)
    # F5 trades only with X1 (in 50) and X2 (out 30) in the window; its 2025-12 flow is outside it
    assert iso["firm_id"].tolist() == ["F5"]
    row = iso.iloc[0]
    assert (row["external_inflow"], row["external_outflow"]) == (50, 30)
    assert row["segment_id"] == "G.CELL" and row["segment_name"] == "Cells and packs" and row["zone"] == "East"
    # with the window reaching back to 2025-12, F1→F5 links F5
    assert vsm.isolated_firms(hand, MONTH, window=4).empty
    # only services: F1→F4 remains, so F2, F3, F5 are isolated (largest output first)
    assert vsm.isolated_firms(hand, MONTH, window=3, kind="service")["firm_id"].tolist() == ["F3", "F2", "F5"]


def test_isolated_firms_skip_exited(tmp_path):
    firms = HAND["firms_csv"].replace("F5,Loner Co,孤独,East,true,false,5,600,5,0,active,",
                                      "F5,Loner Co,孤独,East,true,false,5,600,5,0,exited,2026-03")
    tables = load_workspace(write_tiny_park(tmp_path / "p", **dict(HAND, firms_csv=firms))).tables
    assert vsm.isolated_firms(tables, MONTH, window=3).empty           # gone by 2026-03
    assert vsm.isolated_firms(tables, "2026-02", window=2)["firm_id"].tolist() == ["F5"]


def test_connector_firms_by_hand(hand):
    con = vsm.connector_firms(hand, MONTH, window=3)
    # local graph, undirected: F1–F2 100, F2–F3 200, F3–F4 300, F1–F4 10; length = 300 / value:
    # 3, 1.5, 1, 30. Shortest paths: F1→F3 via F2 (4.5 < 31), F1→F4 via F2, F3 (5.5 < 30),
    # F2→F4 via F3 (2.5 < 33). F2 lies on {F1,F3}, {F1,F4}; F3 on {F1,F4}, {F2,F4}:
    # betweenness = 2 pairs / ((n−1)(n−2)/2 = 3 pairs) = 2/3; F1 and F4: 0.
    # segments linked: F3's partners F2 (MAT, CELL) and F4 (VEH) → 3; F2's: F1 (MAT), F3 (CELL) → 2
    assert con["firm_id"].tolist() == ["F3", "F2", "F1", "F4"]
    np.testing.assert_allclose(con["betweenness"], [2 / 3, 2 / 3, 0, 0])
    assert con["segments_linked"].tolist() == [3, 2, 3, 2]
    assert con["partners"].tolist() == [2, 2, 2, 2]
    assert con["local_inflow"].tolist() == [200, 100, 0, 310] and con["local_outflow"].tolist() == [300, 200, 110, 0]
    assert con.attrs["method"] == "exact" and con["rank"].tolist() == [1, 2, 3, 4]


def test_sampled_betweenness_matches_networkx_without_ties():
    rng = np.random.default_rng(3)
    n, m = 60, 240
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = a != b
    a, b = a[keep], b[keep]
    length = rng.uniform(0.5, 5.0, len(a))
    G = nx.Graph()
    for u, v, w in zip(a, b, length):               # keep the shortest of parallel edges, as csgraph does
        if not G.has_edge(u, v) or G[u][v]["length"] > w:
            G.add_edge(int(u), int(v), length=float(w))
    ea, eb = np.array([e[0] for e in G.edges]), np.array([e[1] for e in G.edges])
    el = np.array([G.edges[e]["length"] for e in G.edges])
    exact = nx.betweenness_centrality(G, weight="length", normalized=True)
    ref = np.array([exact.get(i, 0.0) for i in range(n)])
    used = len(G)
    # every node as a source (k = n): the scipy path must equal networkx exactly
    fast, method = network.betweenness(n, ea, eb, el, exact_max=0, samples=used)
    assert method == f"sampled k={used}"
    np.testing.assert_allclose(fast, ref, atol=1e-12)
    small, _ = network.betweenness(n, ea, eb, el)                        # ≤ exact_max: networkx itself
    np.testing.assert_allclose(small, ref, atol=1e-12)
    # sampled: deterministic for a seed, and an estimate of the right size
    s1, m1 = network.betweenness(n, ea, eb, el, exact_max=0, samples=30, seed=5)
    s2, _ = network.betweenness(n, ea, eb, el, exact_max=0, samples=30, seed=5)
    assert m1 == "sampled k=30" and np.array_equal(s1, s2)
    assert np.corrcoef(s1, ref)[0, 1] > 0.8
    # directed graphs too
    D = nx.DiGraph()
    D.add_weighted_edges_from(((int(u), int(v), float(w)) for u, v, w in zip(ea, eb, el)), weight="length")
    dref = nx.betweenness_centrality(D, weight="length", normalized=True)
    dfast, _ = network.betweenness(n, ea, eb, el, directed=True, exact_max=0, samples=used)
    np.testing.assert_allclose(dfast, [dref.get(i, 0.0) for i in range(n)], atol=1e-12)


def test_collaboration_by_hand(hand):
    c = vsm.collaboration(hand, MONTH, window=3)
    # 5 active local firms; directed local links F1→F2, F2→F3, F3→F4, F1→F4: 4 / (5·4)
    assert c["firms"] == 5 and c["links"] == 4 and c["density"] == pytest.approx(0.2)
    # local value 610; output (1200+2400+6000+12000+600) × 3/12 = 5550
    assert c["local_value"] == 610 and c["output"] == pytest.approx(5550)
    assert c["value_intensity"] == pytest.approx(610 / 5550)
    one = vsm.collaboration(hand, "2030-01", window=1)
    assert one["links"] == 0 and one["density"] == 0 and one["local_value"] == 0


# --------------------------------------------------------------------------- broken links


def test_broken_links_by_hand(hand, sf):
    br = vsm.broken_links(sf, hand["chain_edges"], threshold=0.1).set_index(["source", "target"])
    # segment-level chain links: MAT→CELL (N.CATH→N.CELL), CELL→VEH (N.PACK→N.CAR), MAT→VEH (N.LI→N.CAR);
    # N.LI→N.CATH and N.CELL→N.PACK stay inside one segment
    assert set(br.index) == {("G.MAT", "G.CELL"), ("G.CELL", "G.VEH"), ("G.MAT", "G.VEH")}
    mc = br.loc[("G.MAT", "G.CELL")]
    # local 150; CELL firms buy 250 of MAT goods from outside → 150 / 400 = 0.375; suppliers sell none outside
    assert (mc["local_value"], mc["buyer_from_outside"], mc["supplier_to_outside"]) == (150, 250, 0)
    assert mc["local_share"] == pytest.approx(0.375) and mc["status"] == "connected"
    cv = br.loc[("G.CELL", "G.VEH")]
    # local 300, no outside purchases; local CELL firms sell 70 to outside VEH buyers: 300 / 370
    assert cv["local_share"] == 1.0 and cv["supplier_local_share"] == pytest.approx(300 / 370)
    assert br.loc[("G.MAT", "G.VEH"), "local_value"] == 10 and br.loc[("G.MAT", "G.VEH"), "status"] == "connected"
    # value at stake = min(bought outside, sold outside): MAT → CELL min(250, 0) = 0; CELL → VEH min(0, 70) = 0
    assert (br["value_at_stake"] == 0).all()
    # a stricter threshold: the cell makers buy mostly outside (0.375 < 0.4), but the local materials firms sell
    # none of it outside (issue 13: both halves): local supply is short, the link is not broken
    strict = vsm.broken_links(sf, hand["chain_edges"], threshold=0.4, min_value=0)
    assert strict.iloc[0][["source", "target", "status"]].tolist() == ["G.MAT", "G.CELL", "short_supply"]
    assert (strict["status"] != "broken").all()
    goods = vsm.broken_links(vsm.segment_flows(hand, MONTH, window=3, kind="goods"), hand["chain_edges"])
    assert goods.set_index(["source", "target"]).loc[("G.MAT", "G.VEH"), "status"] == "no_trade"


def test_broken_links_need_local_firms_on_both_sides(tmp_path):
    # without F4, no local vehicle maker: links into G.VEH are not candidates
    firms = HAND["firms_csv"].replace("F4,Car Co,整车,South,true,true,100,12000,100,10,active,",
                                      "F4,Car Co,整车,South,true,true,100,12000,100,10,exited,2026-01")
    tables = load_workspace(write_tiny_park(tmp_path / "p", **dict(HAND, firms_csv=firms))).tables
    sf = vsm.segment_flows(tables, MONTH, window=3)
    br = vsm.broken_links(sf, tables["chain_edges"])
    assert set(zip(br["source"], br["target"])) == {("G.MAT", "G.CELL")}
    assert vsm.broken_links(sf, tables["chain_edges"].iloc[0:0]).empty


# --------------------------------------------------------------------------- input-output view


def test_segment_io_by_hand(sf):
    io = vsm.segment_io(sf)
    x = np.array([600.0, 1950.0, 3000.0])
    Z = np.array([[50, 150, 10], [0, 100, 300], [0, 0, 0]], float)
    A = Z / x[None, :]                                                 # A = Z x̂⁻¹
    np.testing.assert_allclose(io.model.A.loc[SEGS, SEGS].to_numpy(), A)
    L = np.linalg.inv(np.eye(3) - A)
    np.testing.assert_allclose(io.model.L.loc[SEGS, SEGS].to_numpy(), L)
    bl = L.sum(axis=0) / 3 / (L.sum() / 9)
    np.testing.assert_allclose(io.linkages.loc[SEGS, "BL"], bl)
    # extraction of G.CELL recomputed directly: f = x − Z·1 fixed, row and column 1 of A zeroed
    f = x - Z.sum(axis=1)
    Ak = A.copy()
    Ak[1, :] = 0
    Ak[:, 1] = 0
    loss = x.sum() - np.linalg.solve(np.eye(3) - Ak, f).sum()
    assert io.linkages.loc["G.CELL", "extraction_loss"] == pytest.approx(loss)
    assert io.linkages.loc["G.CELL", "extraction_share"] == pytest.approx(loss / x.sum())
    assert io.excluded == [] and io.problem is None


def test_segment_io_reproduces_the_textbook(tmp_path):
    """Two segments whose firm flows add up to Miller & Blair's Table 2.3: A and L as in the book."""
    mb = json.loads((FIX / "miller_blair.json").read_text(encoding="utf-8"))["stated_in_fixture"]
    files = {
        "chain_nodes_csv": "node_id,name,parent_id,stage\nC,Chain,,\nS,Stage,C,midstream\n"
                           "P,Sector 1,S,\nQ,Sector 2,S,\nP.1,p,P,\nQ.1,q,Q,\n",
        "chain_edges_csv": "source,target\nP.1,Q.1\n",
        "firms_csv": "firm_id,name,local,output\nP1,p1,true,600\nP2,p2,true,400\nQ1,q1,true,1500\nQ2,q2,true,500\n",
        "firm_nodes_csv": "firm_id,node_id\nP1,P.1\nP2,P.1\nQ1,Q.1\nQ2,Q.1\n",
        # Z = [[150, 500], [200, 100]] with a 12-month window (x = annual output: 1000, 2000)
        "flows_csv": "month,source,target,value\n2026-12,P1,P2,150\n2026-12,P1,Q1,500\n"
                     "2026-12,Q1,P1,200\n2026-12,Q1,Q2,100\n",
        "workspace_yaml": "window: 12\n",
    }
    tables = load_workspace(write_tiny_park(tmp_path / "mb", **files)).tables
    io = vsm.segment_io(vsm.segment_flows(tables, "2026-12", window=12))
    np.testing.assert_allclose(io.model.Z.to_numpy(), mb["Z"]["value"])
    np.testing.assert_allclose(io.model.A.to_numpy(), mb["A_expected"]["value"], rtol=1e-12)
    np.testing.assert_allclose(io.model.L.to_numpy(), mb["L_expected"]["value"], rtol=1e-5)
    np.testing.assert_allclose(io.model.f.to_numpy(), mb["f_final_demand"]["value"])
    # extraction of sector 1 against a direct recomputation
    A = np.array(mb["A_expected"]["value"])
    x = np.array(mb["x_total_output"]["value"])
    Ak = A.copy()
    Ak[0, :] = Ak[:, 0] = 0
    direct = x.sum() - np.linalg.solve(np.eye(2) - Ak, mb["f_final_demand"]["value"]).sum()
    assert io.linkages.loc["P", "extraction_loss"] == pytest.approx(direct)


def test_segment_io_excludes_segments_without_output(hand):
    sf = vsm.segment_flows(hand, "2030-01", window=3)
    sf.groups.loc["G.VEH", "output"] = 0.0
    io = vsm.segment_io(sf)
    assert io.excluded == ["G.VEH"] and list(io.linkages.index) == ["G.MAT", "G.CELL"]


def test_singular_io_is_reported_not_raised(sf):
    bad = vsm.SegmentFlows(sf.month, sf.months, sf.level, sf.kind, sf.groups.assign(output=[1.0, 1.0, 1.0]),
                           sf.local, sf.from_external, sf.to_external, 0.0, sf.node_group)
    bad.local.loc["G.MAT", "G.CELL"] = 1.0                            # inputs equal to output: I − A singular
    bad.local.loc["G.CELL", "G.MAT"] = 1.0
    bad.local.loc["G.MAT", "G.MAT"] = bad.local.loc["G.CELL", "G.CELL"] = 0.0
    io = vsm.segment_io(bad)
    assert io.model is None and io.problem and io.linkages["BL"].isna().all()


def test_china_2020_table():
    table = load_china_io(2020)
    from ecolib.analyses import iotable
    A = iotable.technical_coefficients(table.Z, table.x)
    assert np.isfinite(A.to_numpy()).all() and (A.sum(axis=0) < 1).all()
    L = iotable.leontief_inverse(A)
    assert (L.to_numpy() >= -1e-12).all()
    lk = vsm.national_linkages(table)
    assert len(lk) == 42 and lk["BL"].mean() == pytest.approx(1) and lk["FL"].mean() == pytest.approx(1)
    assert lk.loc["19", "name_en"].startswith("Manufacture of electrical machinery")


def test_segment_sector_mapping_and_national_key_sectors(hand):
    groups = vsm.segment_flows(hand, MONTH, window=3).groups
    demo_like = pd.DataFrame({"name": ["Cathode materials", "Battery cells", "Vehicle assembly", "Lithium resources",
                                       "Logistics", "Battery recycling", "Something else"],
                              "stage": ["midstream", "midstream", "downstream", "upstream", "service", "downstream",
                                        "service"]},
                             index=["MID.CATH", "MID.CELL", "DOWN.VEH", "UP.LITH", "SVC.LOGI", "DOWN.RECY", "SVC.X"])
    m = vsm.segment_sectors(demo_like).groupby("group")["sector"].apply(list)
    assert m["MID.CATH"] == ["12"] and m["MID.CELL"] == ["19"] and m["DOWN.VEH"] == ["18"]
    assert m["UP.LITH"] == ["04", "14"] and m["SVC.LOGI"] == ["29"] and m["DOWN.RECY"] == ["22"]
    assert "SVC.X" not in m                                           # no rule: unmapped, never by stage (issue 14)
    nat = vsm.national_key_sectors(groups, load_china_io(2020))
    # G.MAT "Materials" → chemical products, G.CELL "Cells and packs" → electrical machinery, G.VEH → transport eq.
    assert set(nat["sector"]) == {"12", "19", "18"}
    assert nat["park_output"].sum() == pytest.approx(groups["output"].sum())


# --------------------------------------------------------------------------- everything, words


def test_value_stream_and_findings(hand):
    vs = vsm.value_stream(hand, MONTH, window=3)
    h = vs.headline
    assert h["local_value"] == 610 and h["isolated_firms"] == 1 and h["active_local_firms"] == 5
    assert h["local_sourcing"] == pytest.approx(610 / 1060) and h["broken_links"] == []
    assert h["connectors"] == ["F3", "F2", "F1"]
    json.dumps(h)                                                     # summary.json-ready
    for lang in ("en", "zh"):
        cards = narrative.headline_cards(vs, lang)
        assert len(cards) == 5
        iso = " ".join(narrative.isolated(vs, lang))
        assert ("Loner Co" if lang == "en" else "孤独") in iso
        con = " ".join(narrative.connectors(vs, lang))
        assert ("Pack Co" if lang == "en" else "电池包") in con
        assert narrative.broken(vs, lang)                             # "no broken link" sentence
    strict = vsm.value_stream(hand, MONTH, window=3, threshold=0.4, min_value=0)
    text = " ".join(narrative.broken(strict, "en"))
    # issue 13: MAT → CELL meets only the buyer half (the suppliers sell none outside): not called broken
    assert "No chain link is broken" in text
    assert "local supply is short there" in text and "Materials → Cells and packs" in text


def test_table_specs_show_the_page_columns(hand):
    from ecolib.presentation.tables import valuestream as tables
    vs = vsm.value_stream(hand, MONTH, window=3, threshold=0.4)
    src = tables.SOURCING.view(vs.sourcing, "zh")
    assert src["segment"].tolist() == ["材料", "电芯与电池包", "整车"] and src["local_firms"].tolist() == [2, 3, 1]
    assert [c.format for c in tables.SOURCING.columns] == ["auto", "count", "money", "share1", "share1", "money",
                                                           "money", "share1"]
    iso = tables.ISOLATED.view(vs.isolated, "en")
    assert iso["firm"].tolist() == ["Loner Co"] and iso["external_trade"].tolist() == [80]   # X1 → F5 50 + F5 → X2 30
    assert tables.BROKEN.view(vs.broken, "zh").empty            # MAT → CELL is short supply, not broken (issue 13)
    assert [c.key for c in tables.BROKEN.columns] == ["link", "value_at_stake", "buyer_from_outside", "local_value",
                                                      "local_share", "supplier_to_outside"]
    assert tables.CONNECTORS.view(vs.connectors, "zh")["firm"].tolist() == ["电池包", "正极电芯", "锂业", "整车"]
    io = tables.IO.view(vs.io.linkages, "en")                      # largest extraction first, two decimals
    shares = vs.io.linkages["extraction_share"].sort_values(ascending=False)
    assert io["segment"].tolist() == ["Cells and packs", "Vehicles", "Materials"]
    assert io["extraction_share"].tolist() == sorted(shares, reverse=True)                  # numbers, for Excel
    html = tables.IO.html(vs.io.linkages, "en", "CNY")                                       # two decimals, right-aligned
    assert all(f'<td class="num">{100 * v:.2f}%</td>' in html for v in shares)
    assert tables.CONNECTORS.max_rows == 15 and tables.BROKEN.max_rows == 20


def test_national_part_of_the_month_model(tmp_path):
    from ecolib.analyses.month import analyse
    from ecolib.presentation.tables import valuestream as tables
    m = analyse(load_workspace(write_tiny_park(tmp_path / "hand", **HAND)), MONTH)
    nat = m.national
    assert nat.year == 2020 and len(nat.linkages) == 42
    pd.testing.assert_frame_equal(nat.mapped, vsm.national_key_sectors(m.value_stream.flows.groups,
                                                                       load_china_io(2020)))
    assert tables.NATIONAL.view(nat, "zh")["segments"].tolist() == ["材料", "整车", "电芯与电池包"]
    text = narrative.national(nat, "en")
    assert len(text) == 1 and ("Manufacture of transport equipment (backward linkage 1.22, forward linkage 1.08), "
                               "behind Vehicles") in text[0]
    assert narrative.national(vsm.NationalSectors(2020, nat.linkages, nat.mapped.iloc[0:0]), "en") == []


def test_threshold_setting():
    from ecolib.workspace.settings import as_settings
    assert as_settings({}).thresholds.broken_link_share == 0.1
    assert as_settings({"thresholds": {"broken_link_share": 0.25}}).thresholds.broken_link_share == 0.25
    with pytest.raises(ValueError, match="broken_link_share"):
        as_settings({"thresholds": {"broken_link_share": 2}})


# --------------------------------------------------------------------------- the demo park


@pytest.fixture(scope="module")
def demo():
    return load_workspace(Path(__file__).resolve().parents[1] / "data" / "demo").tables


def test_demo_situations_b_and_d(demo):
    vs = vsm.value_stream(demo, "2026-10", window=12)
    # b: the 24 isolated firms listed in data/demo/README.md
    assert len(vs.isolated) == 24
    assert {"F0023", "F0044", "F0230", "F0290", "F0062"} <= set(vs.isolated["firm_id"])
    # d: the cathode → cell link is broken and the first (largest value at stake) broken link
    first = vs.broken.iloc[0]
    assert (first["source"], first["target"], first["status"]) == ("MID.CATH", "MID.CELL", "broken")
    assert first["local_share"] < 0.05
    assert "Cathode materials → Battery cells" in " ".join(narrative.broken(vs, "en"))
    # issue 13: with both halves, the least value at stake and service links not judged, 38 flagged links become 4
    broken = vs.broken[vs.broken["status"] == "broken"]
    assert list(zip(broken["source"], broken["target"])) == [
        ("MID.CATH", "MID.CELL"), ("MID.CELL", "MID.PACK"), ("UP.LITH", "MID.CATH"), ("UP.METAL", "MID.PACK")]
    assert (broken["supplier_to_outside"] > 0).all() and (broken["local_share"] < 0.1).all()
    assert (broken["value_at_stake"] >= 10_000_000).all() and broken["value_at_stake"].is_monotonic_decreasing
    service = vs.broken["source"].map(vs.flows.groups["stage"]).eq("service")
    assert (vs.broken.loc[service, "status"] == "not_judged").all() and service.sum() == 69
    assert vs.flows.total == pytest.approx(demo["flows"].loc[demo["flows"]["month"] >= "2025-11", "value"].sum())


def test_demo_scale_option_for_flows():
    from ecolib import cli
    from ecolib.datasets.demo import make_demo

    full = make_demo()
    thin = make_demo(n_flows=5000)
    assert len(full["flows"]) > 20_000
    assert 4_000 < len(thin["flows"]) <= 5_000                       # whole relationships kept: about n_flows
    assert thin["flows"].equals(make_demo(n_flows=5000)["flows"])     # seeded
    assert full["firms"].equals(thin["firms"])                        # only flows are thinned
    # the KPI of local flows still adds up from the (thinned) flows
    local = set(thin["firms"].loc[thin["firms"]["local"], "firm_id"])
    f = thin["flows"]
    ll = f[f["source"].isin(local) & f["target"].isin(local)].groupby("month")["value"].sum()
    kpi = thin["kpis"][thin["kpis"]["metric"] == "local_flow_value"].set_index("month")["value"]
    np.testing.assert_allclose(kpi.reindex(ll.index), ll, rtol=1e-9)
    assert cli.build_parser().parse_args(["demo", "x", "--firms", "100000", "--flows", "1000000"]).flows == 1_000_000
