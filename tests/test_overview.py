"""The park overview on the tiny park, every number computed by hand (see conftest.py)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from ecolib.analyses import overview as ov
from ecolib.presentation.narrative import overview as narrative
from ecolib.presentation.tables import overview as overview_tables
from ecolib.workspace import load_workspace


@pytest.fixture
def tables(tiny_park):
    return load_workspace(tiny_park).tables


def test_active_mask_respects_exit_month(tables):
    ids = tables["firms"]["firm_id"].tolist()
    assert ov.active_mask(tables["firms"], "2026-01").tolist() == [True] * 5
    # F4 exits in 2026-02: gone from that month on
    assert dict(zip(ids, ov.active_mask(tables["firms"], "2026-02")))["F4"] == False  # noqa: E712


def test_profile_primary_node_breaks_share_ties_by_node_id(tables):
    p = ov.firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], "2026-03").set_index("firm_id")
    assert p.at["F2", "node_id"] == "N.CATH"          # 0.5 / 0.5 tie → first node id
    assert p.at["F2", "segment_id"] == "G.MAT"
    assert p.at["F3", "stage"] == "midstream"
    assert not p.at["F4", "active"]


def test_overview_headline_by_hand(tables):
    r = ov.overview(tables, "2026-03", window=3, history=3)
    h = r.headline
    assert h["local_firms"] == 3 and h["external_firms"] == 1 and h["exited_firms"] == 1
    assert h["zones"] == 2 and h["anchors"] == 1
    assert h["output"] == pytest.approx(1300)
    assert h["local_flow_value"] == pytest.approx(42)        # 10 + 20 + 12
    assert h["inbound_value"] == pytest.approx(38)           # 30 + 8
    assert h["outbound_value"] == pytest.approx(5)
    assert h["local_purchase_share"] == pytest.approx(42 / 80)
    assert h["technology_nodes"] == 4 and h["nodes_with_local_firm"] == 3
    assert h["missing_flow_months"] == ["2026-02"]


def test_monthly_flows_reports_missing_month_as_gap(tables):
    f = ov.monthly_flows(tables["flows"], tables["firms"], ["2026-01", "2026-02", "2026-03"])
    assert f.loc["2026-01", ["local", "outbound", "inbound"]].tolist() == [30, 5, 30]
    assert f.loc["2026-02", "missing"] and math.isnan(f.loc["2026-02", "local"])
    assert f.loc["2026-03", ["local", "outbound", "inbound"]].tolist() == [12, 0, 8]


def test_stage_zone_and_zone_summary(tables):
    r = ov.overview(tables, "2026-03", window=3, history=3)
    assert r.stage_zone.loc["upstream", "North"] == 2
    assert r.stage_zone.loc["midstream", "South"] == 1
    assert r.stage_zone.to_numpy().sum() == 3
    z = r.zones
    assert z.loc["North", "output"] == 300 and z.loc["South", "output"] == 1000
    assert z.loc["total", "firms"] == 3
    assert z.loc["South", "output_per_m2"] == pytest.approx(10.0)
    assert z.loc["North", "patents_per_firm"] == pytest.approx(1.5)


def test_chain_tree_counts_distinct_firms_and_conserves_output(tables):
    r = ov.overview(tables, "2026-03", window=3, history=3)
    tree = r.tree.set_index("node_id")
    assert tree.loc[["N.LI", "N.CATH", "N.CELL", "N.PACK"], "firms"].tolist() == [1, 1, 2, 0]
    assert tree.at["G.MAT", "firms"] == 2 and tree.at["C", "firms"] == 3   # F2 once at the root
    assert tree.loc[["N.LI", "N.CATH", "N.CELL", "N.PACK"], "output"].tolist() == [100, 100, 1100, 0]
    assert tree.at["C", "output"] == pytest.approx(1300)                   # value conserved up the tree
    assert tree.at["G.MAT", "output"] + tree.at["G.CELL", "output"] == pytest.approx(tree.at["C", "output"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_name_the_numbers(tables, lang):
    r = ov.overview(tables, "2026-03", window=3, history=3)
    text = " ".join(narrative.findings(r, lang))
    assert "South" in text and "2026-02" in text
    assert "52.5%" in text or "52%" in text or "53%" in text


def test_month_with_no_active_firm_gives_a_finding_not_a_crash(tiny_park):
    ws = load_workspace(tiny_park)
    tables = dict(ws.tables)
    tables["firms"] = tables["firms"].assign(status="exited", exit_month="2026-01")
    r = ov.overview(tables, "2026-03", window=3, history=3)
    assert r.headline["local_firms"] == 0
    assert len(narrative.findings(r, "en")) == 1
    assert r.zones.loc["total", "firms"] == 0


def test_empty_flows_window(tables):
    t = dict(tables)
    t["flows"] = tables["flows"].iloc[0:0]
    r = ov.overview(t, "2026-03", window=3, history=3)
    assert r.headline["local_flow_value"] == 0
    assert math.isnan(r.headline["local_purchase_share"])
    assert r.flows["missing"].all()
    narrative.findings(r, "en")


def test_months_before_the_record_are_not_missing(tables):
    r = ov.overview(tables, "2026-03", window=12, history=24)
    assert list(r.flows.index) == ["2026-01", "2026-02", "2026-03"]
    assert r.headline["missing_flow_months"] == ["2026-02"]


def test_analysis_results_are_ids_and_numbers_names_come_in_presentation(tables):
    r = ov.overview(tables, "2026-03", window=3, history=3)
    top = r.top_firms.set_index("firm_id")
    assert top.at["F3", "stage"] == "midstream" and top.at["F3", "segment_id"] == "G.CELL"
    assert top.at["F3", "segment"] == "Cells and packs" and top.at["F3", "segment_zh"] == "电芯与电池包"
    zh = overview_tables.TOP_FIRMS.view(r, "zh").set_index("name")
    assert zh.at["Cell Co", "stage"] == "中游" and zh.at["Cell Co", "segment"] == "电芯与电池包"
    assert overview_tables.ZONES.view(r, "zh")["zone"].tolist() == ["North", "South", "合计"]


@pytest.mark.parametrize("lang, total", [("en", "Total"), ("zh", "合计")])
def test_zone_table_marks_its_total_row_in_either_language(tables, lang, total):
    html = overview_tables.ZONES.html(ov.overview(tables, "2026-03", window=3, history=3), lang)
    assert html.count('class="total"') == 1
    assert f'<tr class="total"><td class="">{total}</td>' in html


def test_largest_zone_stage_and_year_on_year(tables):
    r = ov.overview(tables, "2026-03", window=3, history=3)
    zone, share = ov.largest_zone(r)
    assert zone == "South" and share == pytest.approx(1000 / 1300)
    assert ov.largest_stage(r) == ("upstream", 2, pytest.approx(2 / 3))
    flows = pd.DataFrame({"local": [50.0, 40.0]}, index=["2025-03", "2026-03"])
    assert ov.year_on_year(flows, "2026-03") == pytest.approx(-0.2)
    assert math.isnan(ov.year_on_year(r.flows, "2026-03"))             # no month a year earlier
