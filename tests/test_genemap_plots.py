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
    # the chain's own top node is left out: its stages are the top tiles
    assert set(fig.data[0].ids) == {"S.UP", "S.MID", "G.MAT", "G.CELL", "N.LI", "N.CATH", "N.CELL", "N.PACK"}
    branch = P.coverage_treemap(gm.coverage, "en", root="G.CELL")
    assert set(branch.data[0].ids) == {"G.CELL", "N.CELL", "N.PACK"} and list(branch.data[0].parents)[0] == ""
    assert "Missing (1)" in fig.layout.annotations[0].text
    zh = P.coverage_treemap(gm.coverage, "zh")
    assert "电芯" in list(zh.data[0].labels) and "缺失" in zh.layout.annotations[0].text
    assert fig.layout.uniformtext.mode == "hide" and fig.layout.uniformtext.minsize >= 9   # no tiny text
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
    # issue 13: drawn at segment level; G.CELL (N.PACK missing) is a segment with missing nodes
    fig = P.chain_graph_figure(gm, "en")
    kinds = {tr.name: tr for tr in fig.data if tr.mode == "markers"}
    assert set(kinds) == {"Segment with missing nodes", "No node missing"}
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 1 and arrows[0].arrowcolor == P.LINK_COLOUR          # N.CATH → N.CELL: both present
    x = {tr.name: tr.x[0] for tr in kinds.values()}
    assert x["No node missing"] < x["Segment with missing nodes"]               # upstream left of midstream
    labels = [a.text for a in fig.layout.annotations if not a.showarrow]
    assert any("1 of 2 missing" in text for text in labels)


def test_chain_graph_marks_a_wholly_missing_segment_and_its_links(tmp_path):
    nodes = (write_tiny_park(tmp_path / "x") / "firm_nodes.csv").read_text()
    kept = "\n".join(line for line in nodes.splitlines() if "N.CELL" not in line) + "\n"
    gm = G.gene_map(load_workspace(write_tiny_park(tmp_path / "p", firm_nodes_csv=kept)).tables, "2026-03")
    assert gm.coverage.headline["missing_segments"] == ["G.CELL"]
    seg = G.segment_graph(gm)
    assert seg.nodes["G.CELL"]["whole_missing"] and seg.edges["G.MAT", "G.CELL"]["missing_links"] == 1
    fig = P.chain_graph_figure(gm, "zh")
    assert "整体缺失的环节" in {tr.name for tr in fig.data}
    assert [a.arrowcolor for a in fig.layout.annotations if a.showarrow] == [P.WHOLE_COLOUR]


def test_proximity_and_feasibility_figures(tiny):
    gm = G.gene_map(tiny, "2026-03")
    g = G.proximity_graph(gm.space, gm.coverage)
    assert set(g.nodes) == {"N.LI", "N.CATH", "N.CELL", "N.PACK"} and g.number_of_edges() >= 3
    # issue 13: reduced to what matters: the missing node N.PACK and the node it builds on, N.CELL
    fig = P.proximity_figure(gm, "en")
    named = {tr.name: tr for tr in fig.data if tr.mode == "markers+text"}
    assert set(named) == {"Missing", "Thin (2 firms)"}
    assert named["Missing"].text == ("Packs · 1.00",) and named["Thin (2 firms)"].text == ("Cells ★ · 2 firms",)
    bars = P.feasibility_chart(gm, "en")
    assert list(bars.data[0].x) == [1.0] and bars.data[0].text == ("1.00",)   # N.PACK only: a score, not a %
    none = P.feasibility_chart(G.gene_map(tiny, "2026-03", use_chain_edges=False), "en")
    assert none.data[0].text == ("no evidence",) and list(none.data[0].x) == [0.0]   # related to nothing


def test_demo_figures_build(tiny):
    from conftest import DEMO
    tables = load_workspace(DEMO).tables
    gm = G.gene_map(tables, "2026-10")
    figs = [P.coverage_treemap(gm.coverage, "zh"), P.feasibility_chart(gm, "zh"),
            P.capability_heatmap(gm, "zh"), P.chain_graph_figure(gm, "zh"), P.proximity_figure(gm, "zh")]
    assert all(isinstance(f, go.Figure) for f in figs)
    assert sum(len(tr.y) for tr in figs[1].data) == 6                         # the six missing nodes
    assert {tr.name for tr in figs[1].data} == {"属于整体缺失的环节：储能系统集成", "所在环节园区已具备"}
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
