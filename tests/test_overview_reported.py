"""The overview counts what firms report, the way the gene map counts coverage (data/biomed
review): covered nodes need capability >= min_capability; a zone, firm or node where nobody
reports a size shows "not reported", never 0; averages divide by the firms that report; output
per m² says on how many firms it rests; firms that left are named with their month."""
from __future__ import annotations

import math

import pytest

import ecolib
from ecolib.analyses import overview as ov
from ecolib.datasets import tiny
from ecolib.presentation.narrative import overview as narrative
from ecolib.presentation.plots.overview import chain_treemap
from ecolib.presentation.tables import overview as tables
from ecolib.workspace import load_workspace

MONTH = "2026-10"


@pytest.fixture(scope="module")
def biomed():
    return ecolib.analyse(load_workspace("data/biomed"), MONTH)


@pytest.fixture(scope="module")
def demo():
    return ecolib.analyse(load_workspace("data/demo"), MONTH)


def _tiny():
    return {k: v.copy() for k, v in tiny().tables.items()}


def _set(t, firm, **values):
    for col, value in values.items():
        t["firms"].loc[t["firms"]["firm_id"] == firm, col] = value
    return t


# ------------------------------------------------------------------ 1. one coverage definition

def test_biomed_nodes_with_a_firm_as_the_gene_map(biomed):
    h = biomed.overview.headline
    assert h["nodes_with_local_firm"] == biomed.gene_map.coverage.headline["nodes_with_local_firm"] == 37
    assert h["technology_nodes"] == 44
    tree = biomed.overview.tree.set_index("node_id")
    assert tree.at["U2B1", "firms"] == 0                         # two firms at 0.15 and 0.25: below 0.3
    gm = biomed.gene_map.coverage.tree.set_index("node_id")["firms"]
    assert (tree["firms"] == gm.reindex(tree.index)).all()       # every level counts as the gene map does
    for lang, text in (("en", "37 of the chain's 44 technology nodes"), ("zh", "37 个至少有一家能力值不低于 0.30")):
        assert narrative.headline_cards(biomed.overview, lang)[
            "Technology nodes with an active local firm, of all nodes" if lang == "en"
            else "有在园本地企业的技术节点 / 全部节点"] == "37 / 44"
        lines = " ".join(narrative.findings(biomed.overview, lang))
        assert text in lines and ("7 have none" in lines if lang == "en" else "7 个没有" in lines)


def test_treemap_greys_a_node_whose_firms_are_below_the_threshold(biomed):
    fig = chain_treemap(biomed.overview.tree, "en", min_capability=biomed.overview.min_capability)
    d = fig.data[0]
    i = list(d.ids).index("U2B1")
    assert d.marker.colors[i] == "#d5d8dc"
    assert "(capability ≥ 0.30): 0" in d.customdata[i]


def test_threshold_moves_the_count_by_hand():
    t = _tiny()
    t["firm_nodes"].loc[t["firm_nodes"]["firm_id"] == "F1", "capability"] = 0.2    # N.LI's only local firm
    r = ov.overview(t, "2026-03", window=3, history=3)
    assert r.headline["nodes_with_local_firm"] == 2
    tree = r.tree.set_index("node_id")
    assert tree.at["N.LI", "firms"] == 0 and math.isnan(tree.at["N.LI", "output"])
    assert r.headline["local_firms"] == 3                              # still an active local firm of the park
    assert ov.overview(t, "2026-03", window=3, history=3, min_capability=0.2).headline["nodes_with_local_firm"] == 3


# ------------------------------------------------------------------ 2. zones: not reported, not 0

def test_biomed_zone_without_output_is_not_reported(biomed):
    z = biomed.overview.zones
    row = z.loc["国际生命科学孵化器"]
    assert math.isnan(row["output"]) and math.isnan(row["area"]) and math.isnan(row["output_per_m2"])
    view = tables.zones_table(biomed.overview).html(biomed.overview, "en", "CNY")
    cells = view.split("国际生命科学孵化器")[1].split("</tr>")[0]
    assert "CNY" not in cells and ">–<" in cells
    assert any("not reported, not 0" in s for s in narrative.zones_notes(biomed.overview, "en"))


def test_zone_sums_with_nothing_reported_are_nan():
    t = _set(_tiny(), "F3", output=float("nan"), area=float("nan"), patents=float("nan"), employees=float("nan"))
    z = ov.overview(t, "2026-03", window=3, history=3).zones
    assert z.loc["South", ["employees", "output", "area", "patents", "output_per_m2", "patents_per_firm"]].isna().all()
    assert z.at["total", "output"] == 300 and z.at["South", "firms"] == 1
    t = _tiny()
    t["firms"] = t["firms"].assign(output=float("nan"), area=float("nan"), patents=float("nan"))
    z = ov.overview(t, "2026-03", window=3, history=3).zones
    assert z[["output", "area", "patents", "output_per_m2", "patents_per_firm"]].isna().all().all()
    assert (z["land_firms"] == 0).all() and not z["land_thin"].any()


# ------------------------------------------------------------------ 3. largest firms

def test_biomed_largest_firm_without_employees_or_patents(biomed):
    top = biomed.overview.top_firms.set_index("firm_id")
    assert math.isnan(top.at["SW0019", "employees"]) and math.isnan(top.at["SW0019", "patents"])
    html = tables.top_firms_table(biomed.overview).html(biomed.overview, "zh", "CNY")
    row = html.split("云港华元医药材料有限公司")[1].split("</tr>")[0]
    assert row.count(">–<") == 2 and ">0<" not in row


def test_biomed_largest_firms_note_the_dash(biomed, demo):
    assert narrative.top_notes(biomed.overview, "en") == ["A dash (–) is a figure the firm does not report: not reported, not 0."]
    assert narrative.top_notes(biomed.overview, "zh") and narrative.top_notes(demo.overview, "en") == []


def test_a_firm_without_output_is_not_ranked_by_output():
    t = _set(_tiny(), "F2", output=float("nan"))
    r = ov.overview(t, "2026-03", window=3, history=3)
    assert r.top_firms["firm_id"].tolist() == ["F3", "F1"]


# ------------------------------------------------------------------ 4. output per m²

def test_biomed_land_output_rests_on_firms_reporting_both(biomed):
    o = biomed.overview
    z = o.zones
    firms = load_workspace("data/biomed").tables["firms"]
    both = firms[firms["local"] & firms["output"].notna() & firms["area"].notna() & (firms["status"] == "active")]
    assert z.at["total", "land_firms"] == len(both) == 25
    assert z.at["total", "output_per_m2"] == pytest.approx(both["output"].sum() / both["area"].sum())
    lg = both[both["zone"] == "临港产业园"]
    assert z.at["临港产业园", "land_firms"] == 2 and z.at["临港产业园", "land_thin"]
    assert z.at["临港产业园", "output_per_m2"] == pytest.approx(lg["output"].sum() / lg["area"].sum())
    assert z.at["综合保税区", "land_thin"] and not z.at["高新技术产业开发区", "land_thin"]
    keys = [c.key for c in tables.zones_table(o).columns]
    assert keys.index("land_firms") == keys.index("land_output") + 1
    labels = tables.zones_table(o).labels("en")
    assert "Output per m² of land (firms reporting both)" in labels
    notes = " ".join(narrative.zones_notes(o, "en"))
    assert "from the 25 firms that report both output and land" in notes
    assert "fewer than 3 firms in 临港产业园 (2), 综合保税区 (1)" in notes
    zh = " ".join(narrative.zones_notes(o, "zh"))
    assert "25 家企业" in zh and "临港产业园（2 家）、综合保税区（1 家）" in zh
    land = [s for s in narrative.findings(o, "en") if s.startswith("Output per m²")][0]
    assert "from the 25 firms" in land and "高新技术产业开发区" in land and "from 5 firms" in land
    # the zh figure is the same ratio in 万元/亩
    view = tables.ZONES.view(o, "zh").set_index("zone")
    assert view.at["合计", "land_output"] == pytest.approx(z.at["total", "output_per_m2"] * (2000 / 3) / 1e4)


def test_thin_zone_is_not_named_the_highest():
    t = {k: v.copy() for k, v in load_workspace("data/biomed").tables.items()}
    f = t["firms"]
    one = f.index[(f["zone"] == "综合保税区") & f["output"].notna() & f["area"].notna()]
    assert len(one) == 1
    f.loc[one, "area"] = 1.0                          # its one firm with both: far the highest per m²
    r = ov.overview(t, MONTH)
    assert r.zones["output_per_m2"].drop("total").idxmax() == "综合保税区" and r.zones.at["综合保税区", "land_thin"]
    land = [s for s in narrative.findings(r, "en") if s.startswith("Output per m²")][0]
    assert "highest in 高新技术产业开发区" in land


def test_no_zone_compared_when_every_figure_is_thin():
    t = _set(_tiny(), "F2", output=float("nan"))     # North 1 firm with both, South 1
    r = ov.overview(t, "2026-03", window=3, history=3)
    assert r.zones.loc[["North", "South"], "land_thin"].all()
    land = [s for s in narrative.findings(r, "en") if s.startswith("Output per m²")][0]
    assert land.endswith("no zone has 3 such firms, so none is compared.") and "North" not in land


# ------------------------------------------------------------------ 5. per-firm averages

def test_biomed_patents_per_reporting_firm(biomed):
    z = biomed.overview.zones
    assert z.at["total", "patents_firms"] == 96
    assert z.at["total", "patents_per_firm"] == pytest.approx(609 / 96)
    assert round(z.at["生物医药港", "patents_per_firm"], 1) == 6.2
    assert "Patents per reporting firm" in tables.zones_table(biomed.overview).labels("en")
    assert any("by the 96 firms that report them" in s for s in narrative.zones_notes(biomed.overview, "en"))


def test_patents_per_firm_by_hand():
    t = _set(_tiny(), "F1", patents=float("nan"))
    z = ov.overview(t, "2026-03", window=3, history=3).zones
    north = t["firms"].set_index("firm_id").at["F2", "patents"]
    assert z.at["North", "patents_per_firm"] == pytest.approx(north)     # F2 alone reports


# ------------------------------------------------------------------ 6. treemap hover

def test_biomed_treemap_hover_never_shows_zero_for_unreported_output(biomed):
    tree = biomed.overview.tree.set_index("node_id")
    assert tree.at["U2A1", "firms"] == 4 and math.isnan(tree.at["U2A1", "output"])
    for lang, word in (("en", "Output: not reported"), ("zh", "产值：未报送")):
        d = chain_treemap(biomed.overview.tree, lang, min_capability=0.3).data[0]
        hover = dict(zip(d.ids, d.customdata))
        assert hover["U2A1"].endswith(word) and hover["U3B1"].endswith(word)
        assert not any(h.endswith("CNY 0") or h.endswith(">0元") for h in hover.values())
    d = chain_treemap(biomed.overview.tree, "en").data[0]
    assert "3 of 4 firms report output" in dict(zip(d.ids, d.customdata))["U2B"]


# ------------------------------------------------------------------ 7. firms that left

def test_biomed_exited_firm_named_with_month(biomed):
    gone = biomed.overview.exited
    assert gone[["firm_id", "exit_month"]].to_dict("records") == [{"firm_id": "SW0118", "exit_month": "2026-06"}]
    en = [s for s in narrative.findings(biomed.overview, "en") if "left the park" in s]
    assert en == ["1 local firm has left the park by 2026-10: 云港美方生物科技有限公司 (left in 2026-06)."]
    zh = [s for s in narrative.findings(biomed.overview, "zh") if "迁出园区" in s]
    assert zh == ["截至2026年10月，已有 1 家本地企业迁出园区：云港美方生物科技有限公司（2026年6月迁出）。"]


def test_exited_list_is_capped_latest_first(demo):
    o = demo.overview
    assert o.headline["exited_firms"] == len(o.exited) == 6
    assert o.exited["exit_month"].tolist() == sorted(o.exited["exit_month"], reverse=True)
    line = [s for s in narrative.findings(o, "en") if "left the park" in s][0]
    assert line.startswith("6 local firms have left the park by 2026-10: ") and line.endswith("and 3 more.")
    assert "(left in " in line


def test_exited_without_month_named_alone():
    t = _tiny()
    t["firms"].loc[t["firms"]["firm_id"] == "F4", "exit_month"] = None
    r = ov.overview(t, "2026-03", window=3, history=3)
    assert [s for s in narrative.findings(r, "en") if "left" in s] == ["1 local firm has left the park by 2026-03: Pack Co."]


# ------------------------------------------------------------------ the tidy demo keeps its numbers

def test_demo_numbers_unchanged(demo):
    o = demo.overview
    h = o.headline
    assert (h["local_firms"], h["nodes_with_local_firm"], h["technology_nodes"], h["exited_firms"]) == (294, 89, 95, 6)
    assert h["output"] == pytest.approx(131_815_400_000)
    z = o.zones
    assert z.at["total", "output_per_m2"] == pytest.approx(22_662.946114)
    assert z.at["total", "patents_per_firm"] == pytest.approx(23.027211)
    assert z.at["North Zone", "output_per_m2"] == pytest.approx(22_898.127550)
    assert (z["land_firms"] == z["firms"]).all() and not z["land_thin"].any()
    assert [c.key for c in tables.zones_table(o).columns] == [
        "zone", "firms", "anchors", "employees", "output", "area_shown", "patents", "land_output", "patents_per_firm"]
    assert tables.zones_table(o).labels("en")[-2:] == ["Output per m² of land", "Patents per firm"]
    assert narrative.zones_notes(o, "en") == []
    land = [s for s in narrative.findings(o, "en") if s.startswith("Output per m²")][0]
    assert "firms that report" not in land
