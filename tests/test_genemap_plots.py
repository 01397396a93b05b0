"""Gene-map figures and the interactive explorer (driven from pytest as a user would)."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from conftest import write_tiny_park
from ecolib.analyses import genemap as G
from ecolib.presentation.tables import genemap as T
from ecolib.presentation.widgets.genemap import GeneMapExplorer
from ecolib.presentation.plots import genemap as P
from ecolib.presentation.plots.theme import STATUS_COLOURS
from ecolib.workspace import load_workspace


@pytest.fixture
def tiny(tiny_park):
    return load_workspace(tiny_park).tables


def _leaf_colours(fig: go.Figure) -> dict[str, str]:
    tm = fig.data[0]
    return dict(zip(tm.ids, tm.marker.colors))


def test_treemap_colours_by_status_and_drills_down(tiny):
    gm = G.gene_map(tiny, "2026-03")
    fig = P.coverage_treemap(gm.coverage, "en")
    colours = _leaf_colours(fig)
    assert colours["N.LI"] == STATUS_COLOURS["single"] and colours["N.CELL"] == STATUS_COLOURS["thin"]
    assert colours["N.PACK"] == STATUS_COLOURS["missing"]
    assert set(fig.data[0].ids) == {"C", "S.UP", "S.MID", "G.MAT", "G.CELL", "N.LI", "N.CATH", "N.CELL", "N.PACK"}
    branch = P.coverage_treemap(gm.coverage, "en", root="G.CELL")
    assert set(branch.data[0].ids) == {"G.CELL", "N.CELL", "N.PACK"} and list(branch.data[0].parents)[0] == ""
    assert "Missing (1)" in fig.layout.annotations[0].text
    zh = P.coverage_treemap(gm.coverage, "zh")
    assert "电芯" in list(zh.data[0].labels) and "缺失" in zh.layout.annotations[0].text
    with pytest.raises(ValueError):
        P.coverage_treemap(gm.coverage, root="NOPE")


def test_names_from_data_are_escaped(tmp_path):
    nodes = (write_tiny_park(tmp_path / "x") / "chain_nodes.csv").read_text().replace("Cells,", "<b>Cells</b>,")
    tables = load_workspace(write_tiny_park(tmp_path / "p", chain_nodes_csv=nodes)).tables
    gm = G.gene_map(tables, "2026-03")
    fig = P.coverage_treemap(gm.coverage)
    assert "&lt;b&gt;Cells&lt;/b&gt;" in list(fig.data[0].labels)
    heat = P.capability_heatmap(gm)
    assert not any("<b>Cells</b>" in str(x) for x in heat.layout.xaxis.ticktext)


def test_heatmap_marks_missing_nodes(tiny):
    gm = G.gene_map(tiny, "2026-03")
    fig = P.capability_heatmap(gm, "en", nodes=["N.CELL", "N.PACK"])
    assert fig.data[0].z.shape == (2, 2)          # F3, F2 (F4 left) × two nodes
    ticks = list(fig.layout.xaxis.ticktext)
    assert "<b>Packs</b>" in ticks[1] and STATUS_COLOURS["missing"] in ticks[1]


def test_chain_graph_highlights_links_of_missing_nodes(tiny):
    gm = G.gene_map(tiny, "2026-03")
    g = G.chain_graph(tiny["chain_nodes"], tiny["chain_edges"], gm.coverage)
    assert g.number_of_nodes() == 4 and g.number_of_edges() == 3 and g.nodes["N.PACK"]["status"] == "missing"
    fig = P.chain_graph_figure(gm, "en")
    hot = [tr for tr in fig.data if tr.name == "Link to a missing node"][0]
    assert sum(x is None for x in hot.x) == 1     # one link touches N.PACK: N.CELL → N.PACK
    xs = {n: x for tr in fig.data if tr.mode and "markers" in tr.mode
          for n, x in zip([h.split("</b>")[0][3:] for h in tr.hovertext], tr.x)}
    # one segment per stage here: upstream nodes share a column left of the midstream one
    assert xs["Lithium"] == xs["Cathode"] < xs["Cells"] == xs["Packs"]


def test_proximity_and_feasibility_figures(tiny):
    gm = G.gene_map(tiny, "2026-03")
    g = G.proximity_graph(gm.space, gm.coverage)
    assert set(g.nodes) == {"N.LI", "N.CATH", "N.CELL", "N.PACK"} and g.number_of_edges() >= 3
    fig = P.proximity_figure(gm, "en")
    assert {tr.name for tr in fig.data if tr.mode and "markers" in tr.mode} == {"Missing", "Single firm",
                                                                                 "Thin (2 firms)"}
    bars = P.feasibility_chart(gm, "en")
    assert list(bars.data[0].x) == [1.0] and bars.data[0].text == ("100%",)   # N.PACK only


def test_demo_figures_build(tiny):
    from conftest import DEMO
    tables = load_workspace(DEMO).tables
    gm = G.gene_map(tables, "2026-10")
    figs = [P.coverage_treemap(gm.coverage, "zh"), P.feasibility_chart(gm, "zh"),
            P.capability_heatmap(gm, "zh"), P.chain_graph_figure(gm, "zh"), P.proximity_figure(gm, "zh")]
    assert all(isinstance(f, go.Figure) for f in figs)
    assert len(figs[1].data[0].y) == 6                                        # the six missing nodes
    assert "储能" in " ".join(figs[0].data[0].labels)


# ----------------------------------------------------------------------------- interactive


def test_explorer_slider_recolours_the_map(tiny):
    ex = GeneMapExplorer(tiny, "2026-03", lang="en", min_capability=0.3)
    fig = ex.figure
    assert _leaf_colours(fig)["N.CELL"] == STATUS_COLOURS["thin"]
    table_before = ex.table.value
    ex.threshold.value = 0.5                                  # as a user moving the slider
    assert _leaf_colours(ex.figure)["N.CELL"] == STATUS_COLOURS["single"]   # F2's 0.4 no longer counts
    assert ex.figure is fig                                   # redrawn in place
    assert ex.table.value != table_before and "0.50" in ex.summary.value
    ex.threshold.value = 0.95                                 # only F3 (1.0) is left anywhere
    colours = _leaf_colours(ex.figure)
    assert colours["N.LI"] == STATUS_COLOURS["missing"] and colours["N.CELL"] == STATUS_COLOURS["single"]


def test_explorer_branch_drills_down(tiny):
    ex = GeneMapExplorer(tiny, "2026-03", lang="zh")
    assert ex.branch.value == "C" and len(ex.branch.options) == 5     # chain, 2 stages, 2 segments
    ex.branch.value = "G.CELL"
    assert set(ex.figure.data[0].ids) == {"G.CELL", "N.CELL", "N.PACK"}
    assert "2个缺口节点" in ex.summary.value and "电池包" in ex.table.value and "锂" not in ex.table.value
    gaps = G.branch_gaps(ex.gene_map, "G.MAT")
    assert set(gaps["node_id"]) == {"N.LI", "N.CATH"} and set(gaps["status"]) == {"single"}
    shown = T.BRANCH.view((ex.gene_map, "G.MAT"), "en")
    assert set(shown["status_label"]) == {"Single firm"}
