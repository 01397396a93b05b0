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
    assert tree.loc[["N.LI", "N.CATH", "N.CELL"], "output"].tolist() == [100, 100, 1100]
    assert math.isnan(tree.at["N.PACK", "output"])                          # nobody there: no output, not 0
    assert tree.at["C", "output"] == pytest.approx(1300)                   # value conserved up the tree
    assert tree.at["G.MAT", "output"] + tree.at["G.CELL", "output"] == pytest.approx(tree.at["C", "output"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_name_the_numbers(tables, lang):
    r = ov.overview(tables, "2026-03", window=3, history=3)
    text = " ".join(narrative.findings(r, lang))
    assert "South" in text and ("2026-02" if lang == "en" else "2026年2月") in text
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
    assert r.headline["local_flow_value"] is None                          # no transactions: not evaluated, not 0
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


# --------------------------------------------------------------------------- issue 13: zones, land, the tree

ZH_FIRMS = """\
    firm_id,name,zone,zone_zh,local,anchor,employees,output,area,patents,status,exit_month
    F1,Lithium Co,North,北区,true,false,10,100,10,1,active,
    F2,Cathode Co,North,,true,false,20,200,20,2,active,
    F3,Cell Co,South,南区,true,true,100,1000,100,10,active,
    F4,Pack Co,South,南区,true,false,5,50,5,0,exited,2026-02
    X1,Outside Supplier,,,false,false,50,500,0,0,active,
    """


@pytest.fixture
def zh_park(tmp_path):
    from conftest import write_tiny_park
    return load_workspace(write_tiny_park(tmp_path / "zh", firms_csv=ZH_FIRMS)).tables


def test_zones_show_their_chinese_names(zh_park):
    from ecolib.presentation.plots import overview as plots
    r = ov.overview(zh_park, "2026-03", window=3, history=3)
    assert r.zone_zh.to_dict() == {"North": "北区", "South": "南区", "–": "–"}   # F2's blank zone_zh: the zone's
    assert overview_tables.ZONES.view(r, "zh")["zone"].tolist() == ["北区", "南区", "合计"]
    assert overview_tables.ZONES.view(r, "en")["zone"].tolist() == ["North", "South", "Total"]
    assert set(overview_tables.TOP_FIRMS.view(r, "zh")["zone"]) == {"北区", "南区"}
    bar = plots.stage_zone_bar(r.stage_zone, "zh", names=plots.zone_labels(r.stage_zone.columns, r, "zh"))
    assert [tr.name for tr in bar.data] == ["北区", "南区"]
    assert "其中南区贡献最大" in narrative.findings(r, "zh")[0]


def test_land_productivity_per_m2_in_english_per_mu_in_chinese(zh_park):
    from ecolib.presentation import fmt
    # 1 mu = 2000 / 3 m²; CNY 22,500 per m² = 22,500 × 666.67 / 10,000 = 1,500 万元 per mu
    assert fmt.land_output(22_500, "en") == "CNY 22,500 per m²" and fmt.land_output(22_500, "zh") == "1,500万元/亩"
    assert fmt.area_value(2000, "zh") == pytest.approx(3.0) and fmt.area_value(2000, "en") == 2000
    assert fmt.land_output(float("nan"), "zh") == "–"
    r = ov.overview(zh_park, "2026-03", window=3, history=3)
    # North: (100 + 200) / (10 + 20) = 10 per m²; South: 1000 / 100 = 10; a tie, said as one
    zh = overview_tables.ZONES.view(r, "zh")
    assert zh["area_shown"].tolist() == pytest.approx([30 / (2000 / 3), 100 / (2000 / 3), 130 / (2000 / 3)])
    assert zh["land_output"].tolist() == pytest.approx([10 * (2000 / 3) / 1e4] * 3)
    assert overview_tables.ZONES.view(r, "en")["land_output"].tolist() == pytest.approx([10.0] * 3)
    text = narrative.findings(r, "en")
    assert "Output per m² of land: CNY 10 per m² across the park; North, South tie for the highest (CNY 10 per m²)." in text
    assert any("亩均产值" in line and "并列最高" in line for line in narrative.findings(r, "zh"))
    # no area given anywhere: no land sentence, the table shows –
    t2 = dict(zh_park)
    t2["firms"] = zh_park["firms"].assign(area=0)
    r2 = ov.overview(t2, "2026-03", window=3, history=3)
    assert not any("m²" in line for line in narrative.findings(r2, "en"))


def test_tree_labels_never_cut_a_word():
    from ecolib.presentation.plots.overview import wrap_label
    assert wrap_label("储能变流器PCS", 5) == ["储能变流器", "PCS"]           # never "储能变流器PC" / "S"
    assert all("PCS" in line or "P" not in line for line in wrap_label("储能变流器PCS", 3))
    assert wrap_label("Large cylindrical cells", 7) == ["Large", "cylindrical", "cells"]
    assert wrap_label("", 5) == [""]


def test_chain_treemap_hides_labels_that_do_not_fit(tables):
    from ecolib.presentation.plots.overview import chain_treemap
    r = ov.overview(tables, "2026-03", window=3, history=3)
    fig = chain_treemap(r.tree, "en")
    trace = fig.data[0]
    assert trace.type == "treemap" and fig.layout.uniformtext.mode == "hide" and fig.layout.uniformtext.minsize >= 10
    assert list(trace.labels[:2]) == ["Upstream", "Midstream"]        # the stages head their tiles
    assert len(trace.ids) == len(r.tree) - 1                          # every node but the root has a tile
