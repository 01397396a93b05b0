"""Niche positioning: zone portfolios, LQ, Pianka overlap, Levins breadth, advice and small-firm
embedding, computed by hand.

The tiny park of conftest.py in 2026-03 (F4 exited in 2026-02; segments G.MAT ⊃ N.LI, N.CATH
and G.CELL ⊃ N.CELL, N.PACK; weights N.LI 2, the others 1):

    North  F1  output 100   N.LI 0.9 (share 1)                      → G.MAT 100
    North  F2  output 200   N.CATH 0.8 (0.5), N.CELL 0.4 (0.5)      → G.MAT 100, G.CELL 100
    South  F3  output 1000  N.CELL 1.0 (share 1), anchor            → G.CELL 1000
    South  F4  output 50    N.PACK 0.7, exited 2026-02              → nothing in 2026-03
    X1     outside                                                  → never counts

so x = North [200, 100], South [0, 1000] (G.MAT, G.CELL); x_MAT = 200, x_CELL = 1100, x = 1300.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from conftest import DEMO, TINY, write_tiny_park
from ecolib.analyses import genemap as G
from ecolib.analyses import niche as N
from ecolib.presentation.i18n import t
from ecolib.presentation.narrative import niche as narr
from ecolib.workspace import load_workspace


@pytest.fixture
def tiny(tiny_park):
    return load_workspace(tiny_park).tables


def _frame(rows: dict, cols=("s1", "s2", "s3")) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(cols)).astype(float)


# ----------------------------------------------------------------------------- the measures


def test_pianka_symmetric_identical_disjoint():
    p = _frame({"A": [0.5, 0.5, 0.0], "B": [0.5, 0.0, 0.5], "C": [0.5, 0.5, 0.0], "D": [0.0, 0.0, 1.0],
                "E": [1.0, 0.0, 0.0]})
    o = N.pianka(p)
    # A·B = 0.25; ΣA² = ΣB² = 0.5 → 0.25 / √(0.5 · 0.5) = 0.5
    assert o.at["A", "B"] == pytest.approx(0.5) and o.at["B", "A"] == pytest.approx(0.5)
    np.testing.assert_allclose(o.to_numpy(), o.to_numpy().T)                  # symmetric
    assert o.at["A", "C"] == pytest.approx(1.0)                                # identical portfolios
    assert o.at["A", "D"] == 0.0 and o.at["E", "D"] == 0.0                      # disjoint
    # B·D = 0.5; ΣB² = 0.5, ΣD² = 1 → 0.5 / √0.5 = 0.7071
    assert o.at["B", "D"] == pytest.approx(0.5 / math.sqrt(0.5))
    assert np.diag(o).tolist() == [1.0] * 5
    # scale-free: raw outputs in the same proportion overlap fully
    raw = _frame({"A": [20, 20, 0], "B": [1, 1, 0]})
    assert N.pianka(raw).at["A", "B"] == pytest.approx(1.0)


def test_pianka_zone_without_output_is_undefined():
    o = N.pianka(_frame({"A": [1, 2, 0], "Z": [0, 0, 0]}))
    assert math.isnan(o.at["A", "Z"]) and math.isnan(o.at["Z", "Z"]) and o.at["A", "A"] == 1.0
    assert N.pianka(N.shares(_frame({"A": [1, 2, 0], "Z": [0, 0, 0]}))).isna().sum().sum() == 3


def test_levins_one_segment_and_even_spread():
    p = pd.DataFrame([[1, 0, 0, 0], [0.25] * 4, [0.5, 0.5, 0, 0], [np.nan] * 4], index=list("ABCZ"),
                     columns=list("abcd"), dtype=float)
    b = N.levins(p)
    assert b.at["A", "breadth"] == 1.0 and b.at["A", "breadth_std"] == 0.0       # one segment: 1
    assert b.at["B", "breadth"] == pytest.approx(4.0) and b.at["B", "breadth_std"] == pytest.approx(1.0)  # even: n
    # 1 / (0.25 + 0.25) = 2; standardised (2 − 1) / (4 − 1) = 1/3
    assert b.at["C", "breadth"] == pytest.approx(2.0) and b.at["C", "breadth_std"] == pytest.approx(1 / 3)
    assert b.loc["Z"].isna().all()                                               # no output: undefined
    one = N.levins(pd.DataFrame({"only": [1.0]}, index=["A"]))
    assert one.at["A", "breadth"] == 1.0 and math.isnan(one.at["A", "breadth_std"])   # n = 1: no scale


def test_location_quotient_by_hand():
    x = pd.DataFrame({"s1": [30.0, 10.0], "s2": [10.0, 50.0], "s3": [0.0, 0.0]}, index=["A", "B"])
    lq = N.location_quotient(x)
    # x_A = 40, x_B = 60, x_s1 = 40, x_s2 = 60, x = 100
    assert lq.at["A", "s1"] == pytest.approx((30 / 40) / (40 / 100))          # 0.75 / 0.4 = 1.875
    assert lq.at["A", "s2"] == pytest.approx((10 / 40) / (60 / 100))          # 0.25 / 0.6 = 0.4167
    assert lq.at["B", "s1"] == pytest.approx((10 / 60) / (40 / 100))          # 0.4167
    assert lq.at["B", "s2"] == pytest.approx((50 / 60) / (60 / 100))          # 1.3889
    assert lq["s3"].isna().all()                                               # nobody produces s3
    s = N.shares(x)
    assert s.loc["A"].tolist() == [0.75, 0.25, 0.0]


# ----------------------------------------------------------------------------- the tiny park


def test_zone_output_by_hand(tiny):
    x = N.zone_output(tiny["firms"], tiny["firm_nodes"], tiny["chain_nodes"], month="2026-03")
    assert list(x.index) == ["North", "South"] and list(x.columns) == ["G.MAT", "G.CELL"]
    assert x.loc["North"].tolist() == [200.0, 100.0] and x.loc["South"].tolist() == [0.0, 1000.0]
    # stage level: G.MAT is upstream, G.CELL midstream — the same numbers under S.UP, S.MID
    st = N.zone_output(tiny["firms"], tiny["firm_nodes"], tiny["chain_nodes"], month="2026-03", level="stage")
    assert list(st.columns) == ["S.UP", "S.MID"] and st.loc["North"].tolist() == [200.0, 100.0]
    # node level: the four technology nodes
    nd = N.zone_output(tiny["firms"], tiny["firm_nodes"], tiny["chain_nodes"], month="2026-03", level="node")
    assert list(nd.columns) == ["N.LI", "N.CATH", "N.CELL", "N.PACK"]
    assert nd.loc["North"].tolist() == [100.0, 100.0, 100.0, 0.0]
    # before F4 left (2026-01) South also has its pack output: G.CELL 1000 + 50
    jan = N.zone_output(tiny["firms"], tiny["firm_nodes"], tiny["chain_nodes"], month="2026-01")
    assert jan.at["South", "G.CELL"] == 1050.0
    with pytest.raises(ValueError, match="level"):
        N.zone_output(tiny["firms"], tiny["firm_nodes"], tiny["chain_nodes"], level="zone")


def test_niche_on_the_tiny_park(tiny):
    n = N.niche(tiny, "2026-03", threshold=0.4)
    # shares North [2/3, 1/3], South [0, 1]; Σ p_N p_S = 1/3; Σ p_N² = 5/9 → (1/3) / √(5/9) = 1/√5
    assert n.overlap.at["North", "South"] == pytest.approx(1 / math.sqrt(5))
    # LQ North G.MAT = (200/300) / (200/1300) = 13/3; G.CELL = (100/300) / (1100/1300) = 13/33
    assert n.lq.at["North", "G.MAT"] == pytest.approx(13 / 3) and n.lq.at["North", "G.CELL"] == pytest.approx(13 / 33)
    assert n.lq.at["South", "G.MAT"] == 0.0 and n.lq.at["South", "G.CELL"] == pytest.approx(13 / 11)
    z = n.zones.set_index("zone")
    # Levins North 1 / (5/9) = 1.8, standardised (1.8 − 1) / (2 − 1) = 0.8; South all in one: 1, 0
    assert z.at["North", "breadth"] == pytest.approx(1.8) and z.at["North", "breadth_std"] == pytest.approx(0.8)
    assert z.at["South", "breadth"] == 1.0 and z.at["South", "breadth_std"] == 0.0
    assert z.at["North", "firms"] == 2 and z.at["South", "firms"] == 1        # F4 has left
    assert z.at["North", "top_group"] == "G.MAT" and z.at["North", "top_share"] == pytest.approx(2 / 3)
    # 0.447 > 0.4: flagged; the overlap is all in G.CELL (North 1/3, South 1)
    assert n.flagged[["zone_a", "zone_b"]].values.tolist() == [["North", "South"]]
    pr = n.pairs.iloc[0]
    assert pr["shared"] == "G.CELL" and pr["shared_contribution"] == pytest.approx(1 / math.sqrt(5))
    assert (pr["share_a"], pr["share_b"]) == (pytest.approx(1 / 3), 1.0)
    # advice: North is ahead in G.MAT (13/3 − 0), South in G.CELL (13/11 − 13/33 = 26/33)
    adv = n.advice.set_index("zone")
    assert adv.at["North", "group"] == "G.MAT" and adv.at["North", "advantage"] == pytest.approx(13 / 3)
    assert adv.at["South", "group"] == "G.CELL" and adv.at["South", "advantage"] == pytest.approx(26 / 33)
    assert n.headline["flagged_pairs"] == [["North", "South", pytest.approx(1 / math.sqrt(5), abs=1e-6)]]
    # one level finer (technology nodes): North [1/3, 1/3, 1/3, 0], South [0, 0, 1, 0] →
    # (1/3) / √(1/3) = 1/√3, still above 0.4: the two levels agree, and the finding says so
    assert pr["overlap_finer"] == pytest.approx(1 / math.sqrt(3))
    text = " ".join(narr.findings(n, "en"))
    assert "overlap 0.577 too" in text and "rests on both levels" in text and "division of labour" not in text
    # inside the shared segment G.CELL both make N.CELL (North: all 100 of its G.CELL output)
    assert (pr["finer_a"], pr["finer_b"]) == ("N.CELL", "N.CELL") and pr["finer_share_a"] == 1.0
    assert N.niche(tiny, "2026-03", level="node").pairs["overlap_finer"].isna().all()
    # at the default 0.7 nothing is flagged and there is no advice
    plain = N.niche(tiny, "2026-03")
    assert not plain.pairs["flagged"].any() and plain.advice.empty and plain.threshold == 0.7


def test_threshold_is_strictly_above(tiny):
    o = N.niche(tiny, "2026-03").overlap
    at = float(o.at["North", "South"])
    assert not N.overlap_pairs(o, threshold=at)["flagged"].any()               # equal is not above
    assert N.overlap_pairs(o, threshold=at - 1e-9)["flagged"].all()
    with pytest.raises(ValueError):
        N.overlap_pairs(o, threshold=1.2)


def test_advice_skips_slivers():
    # B has a sliver (0.5 %) of its output in s3, which nobody else has: a high LQ, but no position
    x = pd.DataFrame({"s1": [50.0, 60.0], "s2": [50.0, 39.5], "s3": [0.0, 0.5]}, index=["A", "B"])
    p, lq = N.shares(x), N.location_quotient(x)
    pairs = N.overlap_pairs(N.pianka(p), p, threshold=0.5)
    adv = N.differentiation(lq, p, pairs)
    assert "s3" not in set(adv.loc[adv["zone"] == "B", "group"])
    assert set(N.differentiation(lq, p, pairs, min_share=0.0).loc[lambda d: d["zone"] == "B", "group"]) >= {"s3"}


def test_zone_with_no_output(tmp_path):
    firms = TINY["firms.csv"].rstrip() + "\n        F5,Empty Co,East,true,false,3,0,10,0,active,\n"
    fn = TINY["firm_nodes.csv"].rstrip() + "\n        F5,N.LI,0.5,1\n"
    t = load_workspace(write_tiny_park(tmp_path / "p", firms_csv=firms, firm_nodes_csv=fn)).tables
    n = N.niche(t, "2026-03", threshold=0.4)
    z = n.zones.set_index("zone")
    assert list(z.index) == ["East", "North", "South"]
    assert z.at["East", "no_output"] and z.at["East", "output"] == 0 and math.isnan(z.at["East", "breadth"])
    assert n.shares.loc["East"].isna().all() and n.lq.loc["East"].isna().all()
    assert math.isnan(n.overlap.at["East", "North"])
    east = n.pairs[(n.pairs["zone_a"] == "East")]
    assert len(east) == 2 and not east["flagged"].any() and east["overlap"].isna().all()
    assert n.pairs.iloc[0][["zone_a", "zone_b"]].tolist() == ["North", "South"]   # NaN pairs last
    assert n.headline["zones_without_output"] == ["East"]
    # the others are unchanged by the empty zone (it adds nothing to the totals)
    assert n.overlap.at["North", "South"] == pytest.approx(1 / math.sqrt(5))
    for lang in ("en", "zh"):
        text = " ".join(narr.findings(n, lang))
        assert "East" in text
    # every zone without output (all firms exited): defined, not an error
    gone = t["firms"].assign(status="exited", exit_month="2026-02")
    empty = N.niche({**t, "firms": gone}, "2026-03")
    assert empty.zones["no_output"].all() and empty.pairs["overlap"].isna().all()
    assert narr.findings(empty, "en") and narr.headline_cards(empty, lang="en")


def test_single_zone_and_no_zone(tiny):
    one = tiny["firms"].assign(zone=np.where(tiny["firms"]["local"], "Only", ""))
    n = N.niche({**tiny, "firms": one}, "2026-03")
    assert n.overlap.shape == (1, 1) and n.overlap.iat[0, 0] == 1.0
    assert n.pairs.empty and n.advice.empty and n.headline["max_overlap"] is None
    # a single zone is the whole park: LQ 1 wherever there is output
    assert n.lq.loc["Only"].tolist() == [1.0, 1.0]
    assert "Only" in narr.findings(n, "en")[0]
    none = tiny["firms"].assign(zone="")
    n0 = N.niche({**tiny, "firms": none}, "2026-03")
    assert n0.zones.empty and n0.pairs.empty and n0.overlap.shape == (0, 0)
    assert narr.findings(n0, "zh") == [t("niche.finding.no_zones", "zh")]
    # no firm_nodes at all: zones without output
    n1 = N.niche({**tiny, "firm_nodes": tiny["firm_nodes"].iloc[0:0]}, "2026-03")
    assert n1.zones["no_output"].all() and (n1.output.to_numpy() == 0).all()


def test_one_firm_and_month_none(tiny):
    firms = tiny["firms"][tiny["firms"]["firm_id"].isin(["F3"])]
    n = N.niche({**tiny, "firms": firms}, "2026-03")
    assert list(n.zones["zone"]) == ["South"] and n.zones.at[0, "breadth"] == 1.0
    # month None: firms with status active (F4 exited) — the same as 2026-03
    assert N.niche(tiny, None).output.equals(N.niche(tiny, "2026-03").output)


def test_firm_on_a_stage_node_is_unattributed(tiny):
    extra = pd.concat([tiny["firm_nodes"], pd.DataFrame(
        {"firm_id": ["F1"], "node_id": ["S.UP"], "capability": [0.9], "share": [0.5]})], ignore_index=True)
    extra.loc[extra["firm_id"].eq("F1") & extra["node_id"].eq("N.LI"), "share"] = 0.5
    n = N.niche({**tiny, "firm_nodes": extra}, "2026-03")
    assert n.output.at["North", "G.MAT"] == 150.0 and n.unattributed == 50.0      # 100 × 0.5 on S.UP
    st = N.niche({**tiny, "firm_nodes": extra}, "2026-03", level="stage")
    assert st.output.at["North", "S.UP"] == 200.0 and st.unattributed == 0.0
    assert any("CNY 50" in f for f in narr.findings(n, "en"))


def test_overlap_threshold_setting():
    from ecolib.workspace.settings import as_settings
    assert as_settings({}).thresholds.niche_overlap == 0.7
    assert as_settings({"thresholds": {"niche_overlap": 0.8}}).thresholds.niche_overlap == 0.8
    for bad in ("high", 1.5):
        with pytest.raises(ValueError, match="niche_overlap"):
            as_settings({"thresholds": {"niche_overlap": bad}})


# ----------------------------------------------------------------------------- embedding


def test_gap_priority_by_hand(tiny):
    cov = G.coverage(tiny["chain_nodes"], tiny["firms"], tiny["firm_nodes"], month="2026-03")
    p = N.simple_priority(cov).set_index("node_id")
    # statuses: N.LI single, N.CATH single, N.CELL thin, N.PACK missing; weights 2, 1, 1, 1 (max 2)
    assert p.at["N.LI", "priority"] == pytest.approx(0.6 * 2 / 2)
    assert p.at["N.CATH", "priority"] == pytest.approx(0.6 * 1 / 2)
    assert p.at["N.CELL", "priority"] == pytest.approx(0.3 * 1 / 2)
    assert p.at["N.PACK", "priority"] == pytest.approx(1.0 * 1 / 2)
    assert N.simple_priority(cov).attrs["source"] == "simple"
    # without the gene map and tables the gap analysis cannot be asked: the simple priority
    assert N.gap_priority(cov).attrs["source"] == "simple"
    with pytest.raises(ValueError, match="gaps"):
        N.gap_priority(cov, source="gaps")
    with pytest.raises(ValueError, match="source"):
        N.gap_priority(cov, source="best")


def test_embedding_by_hand(tiny):
    # proximity: chain links LI–CATH, CATH–CELL, CELL–PACK (weight 1 each → 1); firm co-occurrence
    # CATH·CELL (F2) 1 / max(1, 2) = 0.5 → combined φ: those three pairs 1, every other pair 0.
    # F3 works on N.CELL: density ω_p = φ(CELL, p) / Σ_p' φ(p', p):
    #   N.PACK 1 / 1 = 1; N.CATH 1 / (1 + 1) = 0.5; N.LI 0 / 1 = 0
    # score = ω × priority: PACK 1 × 0.5 = 0.5; CATH 0.5 × 0.3 = 0.15; LI 0 × 0.6 = 0
    e = N.embedding(tiny, "2026-03", firm_id="F3", priority="simple")
    assert e.nodes == ["N.CELL"] and not e.weak_profile and e.priority_source == "simple"
    tab = e.table.set_index("node_id")
    assert list(e.table["node_id"]) == ["N.PACK", "N.CATH", "N.LI"]             # its own node is no gap for it
    assert tab.at["N.PACK", "density"] == pytest.approx(1.0) and tab.at["N.PACK", "score"] == pytest.approx(0.5)
    assert tab.at["N.CATH", "density"] == pytest.approx(0.5) and tab.at["N.CATH", "score"] == pytest.approx(0.15)
    assert tab.at["N.LI", "score"] == 0 and tab.at["N.LI", "related"] == ()
    assert tab.at["N.PACK", "related"] == ("N.CELL",) and tab.at["N.PACK", "related_proximity"] == (1.0,)
    assert e.table["rank"].tolist() == [1, 2, 3] and len(e.top()) == 2          # top(): score > 0 only
    # a capability profile given as nodes: LI and CELL → CATH (1 + 1) / 2 = 1 → 0.3; PACK 1 → 0.5
    prof = N.embedding(tiny, "2026-03", nodes=["N.LI", "N.CELL"], priority="simple")
    assert prof.firm_id is None and list(prof.table["node_id"]) == ["N.PACK", "N.CATH"]
    assert prof.table["score"].tolist() == pytest.approx([0.5, 0.3])
    with pytest.raises(ValueError, match="N.NOPE"):
        N.embedding(tiny, "2026-03", nodes=["N.NOPE"])
    with pytest.raises(ValueError, match="F99"):
        N.embedding(tiny, "2026-03", firm_id="F99")


def test_default_firm_and_weak_profile(tiny):
    # N.PACK is missing; the chain links N.CELL → N.PACK (φˢ = 1 ≥ 0.1). Firms on N.CELL with
    # capability ≥ 0.3: F2 (0.4, output 200) and F3 (an anchor: not a small firm) → F2
    assert N.default_firm(tiny, "2026-03") == "F2"
    e = N.embedding(tiny, "2026-03", priority="simple")
    assert e.firm_id == "F2" and e.nodes == ["N.CATH", "N.CELL"]
    # F2 on CATH and CELL: LI 1 / 1 = 1 → 1 × 0.6; PACK 1 / 1 = 1 → 1 × 0.5
    assert list(e.table["node_id"]) == ["N.LI", "N.PACK"] and e.table["score"].tolist() == pytest.approx([0.6, 0.5])
    # a firm whose only capability is below the threshold: all its nodes are used, flagged weak
    weak = tiny["firm_nodes"].assign(capability=np.where(tiny["firm_nodes"]["firm_id"] == "F1", 0.2,
                                                         tiny["firm_nodes"]["capability"]))
    w = N.embedding({**tiny, "firm_nodes": weak}, "2026-03", firm_id="F1", priority="simple")
    assert w.weak_profile and w.nodes == ["N.LI"]
    assert any("0.30" in s for s in narr.embedding_findings(w, G.gene_map({**tiny, "firm_nodes": weak}, "2026-03"),
                                                          tiny["firms"], "en"))
    # nobody local with a node: no default firm, an empty but defined result
    nobody = tiny["firm_nodes"][tiny["firm_nodes"]["firm_id"] == "X1"]
    assert N.default_firm({**tiny, "firm_nodes": nobody}, "2026-03") is None
    e0 = N.embedding({**tiny, "firm_nodes": nobody}, "2026-03")
    assert e0.firm_id is None and e0.nodes == [] and (e0.table["score"] == 0).all()
    assert narr.embedding_findings(e0, G.gene_map({**tiny, "firm_nodes": nobody}, "2026-03"), tiny["firms"], "en") == [
        t("niche.finding.no_firm", "en")]


def test_best_entries_agree_with_embedding(tiny):
    gm = G.gene_map(tiny, "2026-03")
    for source in ("simple", "auto"):
        best = N.best_entries(gm, tiny["firm_nodes"], ["F1", "F2", "F3", "F4"], tables=tiny, priority=source,
                              chunk=2).set_index("firm_id")
        for firm in ("F1", "F2", "F3"):
            top = N.embedding(tiny, "2026-03", firm_id=firm, gm=gm, priority=source).table.iloc[0]
            assert best.at[firm, "node_id"] == top["node_id"] and best.at[firm, "score"] == pytest.approx(top["score"])
            assert best.at[firm, "density"] == pytest.approx(top["density"])
    # F4 (exited) works on N.PACK: its density on the gaps is 0 except N.CELL: 1 / 2 × 0.15 = 0.075
    simple = N.best_entries(gm, tiny["firm_nodes"], ["F4"], priority="simple").set_index("firm_id")
    assert simple.at["F4", "node_id"] == "N.CELL" and simple.at["F4", "score"] == pytest.approx(0.075)


def test_small_firm_entries_and_main_nodes(tiny):
    gm = G.gene_map(tiny, "2026-03")
    # next to the missing N.PACK through N.CELL (capability ≥ 0.3): F2 (F3 is an anchor)
    en = N.small_firm_entries(tiny, "2026-03", gm, priority="simple")
    assert en.table["firm_id"].tolist() == ["F2"] and en.gene_map is gm
    row = en.table.iloc[0]
    # F2: N.CATH and N.CELL at share 0.5 each → main node N.CATH (ties by node id); best entry N.LI 1 × 0.6
    assert row["main_node"] == "N.CATH" and row["node_id"] == "N.LI" and row["score"] == pytest.approx(0.6)
    assert (row["zone"], row["output"], row["name"]) == ("North", 200.0, "Cathode Co")
    assert en.best["firm_id"] == "F2"
    assert N.main_nodes(tiny["firm_nodes"], ["F1", "F3", "F9"]).to_dict() == {"F1": "N.LI", "F3": "N.CELL"}
    # nobody next to a gap: an empty table, no best
    nobody = N.small_firm_entries({**tiny, "firm_nodes": tiny["firm_nodes"].iloc[0:0]}, "2026-03", gm)
    assert nobody.table.empty and nobody.best is None
    assert narr.entries_findings(nobody, "en") == []


def test_demo_entries_of_the_month_model():
    from ecolib.analyses.month import analyse
    m = analyse(load_workspace(DEMO), "2026-10")
    en = m.entries
    near = N.small_firms_near_gaps(m.tables, m.month, m.gene_map, n=10)
    ref = N.best_entries(m.gene_map, m.tables["firm_nodes"], near["firm_id"], tables=m.tables,
                         weights=m.settings.priority_weights).set_index("firm_id")
    assert len(en.table) == len(near) == 10 and en.gene_map is m.gene_map
    assert en.table["score"].is_monotonic_decreasing                       # best opportunity first
    got = en.table.set_index("firm_id")
    assert sorted(got.index) == sorted(ref.index)
    assert got["score"].to_dict() == pytest.approx(ref["score"].to_dict())
    assert got["node_id"].tolist() == ref["node_id"].reindex(got.index).tolist()
    best = en.best
    assert best["score"] == pytest.approx(ref["score"].max())
    text = narr.entries_findings(en, "en")
    assert text[0].startswith("The strongest entry point for a small firm is BMS chip (analog front-end), "
                              f"for {best['name']} (North Zone, ")
    assert "score is 0.595" in text[0] and "the highest of the 10 small firms" in text[0]
    # Debo ties with Lianxing at 0.595 (same node, same score): a tie, the smaller firm named first
    assert text[1].startswith("Tied with it: Debo Battery Management") and "as the smaller firm" in text[1]
    zh = narr.entries_findings(en, "zh")
    assert "北区" in zh[0] and "North Zone" not in zh[0] and "南部高新区" in zh[1] and "并列" in zh[1]


def test_with_threshold_reflags_without_recomputing(tiny):
    base = N.niche(tiny, "2026-03")
    low = N.with_threshold(base, 0.4)
    ref = N.niche(tiny, "2026-03", threshold=0.4)
    pd.testing.assert_frame_equal(low.pairs, ref.pairs)
    pd.testing.assert_frame_equal(low.advice, ref.advice)
    assert low.headline == ref.headline and low.threshold == 0.4 and low.output is base.output
    assert not base.pairs["flagged"].any()                                 # the base is left as it was
    with pytest.raises(ValueError):
        N.with_threshold(base, 1.5)


# ----------------------------------------------------------------------------- tables and words


def test_tables_on_the_tiny_park(tiny):
    from ecolib.presentation.tables import niche as TB
    n = N.niche(tiny, "2026-03", threshold=0.4)
    port = TB.PORTFOLIO.view(n, "en").set_index("zone")
    assert port.at["North", "largest"] == "Materials 67%; Cells and packs 33%"
    assert port.at["South", "breadth"] == 1.0 and port.at["North", "firms"] == 2
    assert TB.PORTFOLIO.view(n, "zh").at[0, "largest"] == "材料 67%；电芯与电池包 33%"
    pairs = TB.PAIRS.view(n, "en")
    assert pairs.at[0, "pair"] == "North – South" and pairs.at[0, "verdict"] == "Homogeneous competition"
    assert ">0.447<" in TB.PAIRS.html(n, "en")
    adv = TB.ADVICE.view(n, "en")
    assert adv["build_on"].tolist() == ["Materials (LQ 4.33 vs 0.00, 67%)", "Cells and packs (LQ 1.18 vs 0.39, 100%)"]
    assert TB.ADVICE.view(N.niche(tiny, "2026-03"), "en").empty
    e = N.embedding(tiny, "2026-03", firm_id="F3", priority="simple")
    emb = TB.EMBEDDING.view(e, "en")
    assert emb["node"].tolist() == ["Packs", "Cathode ★"] and emb["reasons"].tolist() == ["Cells (1.00)"] * 2
    html = TB.EMBEDDING.html(e, "en")
    assert '<td class="num">100%</td>' in html and '<td class="num">0.500</td>' in html
    assert html.count('<td class="num">0</td>') == 2                          # no candidate on record: 0
    gm = G.gene_map(tiny, "2026-03")
    ent = TB.ENTRIES.view(N.small_firm_entries(tiny, "2026-03", gm, priority="simple"), "en")
    assert ent.values.tolist() == [["Cathode Co", "North", 200.0, "Cathode", "Lithium", 1.0, pytest.approx(0.6)]]


def test_section_values_and_cards(tiny):
    n = N.niche(tiny, "2026-03")
    e = N.embedding(tiny, "2026-03", firm_id="F3", priority="simple")
    words = narr.section_values(n, "en")
    assert {k: words[k] for k in ("level", "level_plural", "n", "threshold", "min_share", "currency")} == {
        "level": "segment", "level_plural": "segments", "n": 2, "threshold": "0.70", "min_share": "1%",
        "currency": "CNY"}
    assert words["w"] == "output" and words["method_weight"].startswith("Output is each active local firm's")
    method = narr.method_values(n, e, e.gene_map, "en")
    assert method["cap"] == "0.30" and "stand-in" in method["priority_method"]
    assert narr.embed_section(e) == "niche.embed" and narr.embed_section(N.embedding(tiny, "2026-03", nodes=[])) is None
    values = narr.embed_values(e, e.gene_map, tiny["firms"], "en", chosen=True)
    assert (values["firm"], values["zone"], values["nodes"], values["why"]) == ("Cell Co", "South", "Cells", "")
    cards = narr.headline_cards(n, e, e.gene_map, "en")
    # Packs is related to F3's one node only: the card says the fit rests on one relation
    assert cards["Strongest entry point for a small firm"] == "Packs · score 0.500 · rests on one relation"
    assert cards["Zones compared"] == "2"


def test_priority_from_the_gap_analysis(tiny):
    gaps = pytest.importorskip("ecolib.analyses.gaps")
    gm = G.gene_map(tiny, "2026-03")
    weights = {"importance": 0.5, "fragility": 0.5, "demand": 0, "feasibility": 0}
    e = N.embedding(tiny, "2026-03", firm_id="F3", gm=gm, weights=weights)
    assert e.priority_source == "gaps" and e.headline["priority_source"] == "gaps"
    ref = gaps.gap_priority(gm.coverage, gm.feasibility, chain_nodes=tiny["chain_nodes"],
                            chain_edges=tiny["chain_edges"], weights=weights).set_index("node_id")["score"]
    tab = e.table.set_index("node_id")
    # importance and fragility only, half each: N.PACK 0.5 · (1/2) + 0.5 · 1 = 0.75; N.CATH 0.5 · 0.5 + 0.5 · 0.6 = 0.55
    assert tab.at["N.PACK", "priority"] == pytest.approx(0.75) and tab.at["N.CATH", "priority"] == pytest.approx(0.55)
    assert tab["priority"].to_dict() == pytest.approx(ref.reindex(tab.index).to_dict())
    assert (tab["score"] == tab["density"] * tab["priority"]).all()
    assert "stand-in" not in " ".join(narr.embedding_findings(e, gm, tiny["firms"], "en"))


# ----------------------------------------------------------------------------- the demo (situation f)


@pytest.fixture(scope="module")
def demo():
    return load_workspace(DEMO).tables


def test_demo_flags_east_and_north(demo):
    n = N.niche(demo, "2026-10")
    assert n.flagged[["zone_a", "zone_b"]].values.tolist() == [["East Zone", "North Zone"]]
    assert n.overlap.at["East Zone", "North Zone"] == pytest.approx(0.985, abs=5e-4)   # data/demo/README.md f
    assert n.overlap.at["East Zone", "South Hi-tech Zone"] == pytest.approx(0.049, abs=5e-4)
    assert n.overlap.at["North Zone", "South Hi-tech Zone"] == pytest.approx(0.015, abs=5e-4)
    assert n.pairs.at[0, "shared"] == "DOWN.VEH"
    adv = n.advice
    assert set(adv["zone"]) == {"East Zone", "North Zone"} and (adv["advantage"] > 0).all()
    text = " ".join(narr.findings(n, "en"))
    assert "East Zone and North Zone compete for the same niche" in text and "0.985" in text
    # but by technology node they differ: North makes passenger cars, East commercial vehicles and buses
    assert n.pairs.at[0, "overlap_finer"] < 0.1 and "technology nodes, East Zone and North Zone overlap only 0.060" in text
    assert "同质化竞争" in " ".join(narr.findings(n, "zh"))
    # the shares of the largest segments as in the README
    assert n.shares.at["East Zone", "DOWN.VEH"] == pytest.approx(0.402, abs=5e-4)
    assert n.shares.at["South Hi-tech Zone", "MID.PSEMI"] == pytest.approx(0.446, abs=5e-4)


def test_demo_embedding_default_firm(demo):
    gm = G.gene_map(demo, "2026-10")
    e = N.embedding(demo, "2026-10", gm=gm)
    # the smallest local grid-services firm buys storage integration, a missing segment (situation a)
    assert e.firm_id == "F0190" and e.nodes == ["DOWN.GRID.GRIDSVC"]
    assert e.table.at[0, "node_id"] == "DOWN.ESS.CONTAINER" and e.table.at[0, "status"] == "missing"
    firms = demo["firms"].set_index("firm_id")
    assert not firms.at["F0190", "anchor"] and firms.at["F0190", "local"]
