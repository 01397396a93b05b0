"""The value-stream explorer driven from pytest: setting widget values redraws in place."""
from __future__ import annotations

import ipywidgets
import pytest

from conftest import DEMO, write_tiny_park
from ecolib.presentation.plots import valuestream as plot
from ecolib.presentation.widgets.base import TABLE_HEIGHT, LiveFigure
from ecolib.presentation.widgets.valuestream import ValueStreamExplorer
from ecolib.workspace import load_workspace
from test_valuestream import HAND, MONTH
from test_widgets import MAX_STATE, state_size, tree


@pytest.fixture
def hand(tmp_path):
    return load_workspace(write_tiny_park(tmp_path / "hand", **HAND)).tables


@pytest.fixture
def explorer(hand):
    return ValueStreamExplorer(hand, MONTH, window=3, min_value=0.0)


def _sankey(explorer):
    trace = explorer.figures[0].data[0]
    return list(trace.node.label), sum(trace.link.value)


def _titles(explorer):
    sankey, bars = explorer.figures
    return sankey.layout.title.text, [a.text for a in sankey.layout.annotations], bars.layout.title.text


def test_window_widget_changes_sankey_and_tables(explorer):
    sankey, bars = explorer.figures
    labels, total = _sankey(explorer)
    assert total == pytest.approx(2170)                                # every window flow is drawn
    assert "Loner Co" in explorer.table_boxes["isolated"].value        # F5 isolated in 2026-01..03
    explorer.window.value = 4                                          # reaches 2025-12: F1 → F5 999
    assert _sankey(explorer)[1] == pytest.approx(2170 + 999)
    assert "Loner Co" not in explorer.table_boxes["isolated"].value
    assert explorer.figures[0] is sankey and explorer.figures[1] is bars   # same widgets, redrawn
    assert all(isinstance(f, LiveFigure) for f in explorer.figures)


def test_kind_level_and_min_value_widgets(explorer):
    explorer.kind.value = "service"                                    # only F1 → F4 10
    assert _sankey(explorer)[1] == pytest.approx(10)
    assert "Cathode Cell Co" in explorer.table_boxes["isolated"].value  # now isolated
    explorer.kind.value = "all"
    explorer.level.value = "stage"
    labels, total = _sankey(explorer)
    assert "Upstream" in labels and "Materials" not in labels and total == pytest.approx(2170)
    explorer.level.value = "segment"
    explorer.min_value.value = 500.0                                   # only the 1000 leak remains
    labels, total = _sankey(explorer)
    assert explorer.min_link == 500.0
    assert total == pytest.approx(1000) and labels == ["Vehicles", "Outside buyers"]


def test_titles_name_the_level_shown(explorer):
    page = ("Value flows between segments, 2026-01 to 2026-03",
            ["<b>Sellers: local firms by segment</b>", "<b>Buyers: local firms by segment</b>"],
            "Local sourcing and sales outside the park, by segment")
    assert _titles(explorer) == page
    explorer.level.value = "node"                                      # as a user picking technology nodes
    assert _titles(explorer) == (
        "Value flows between technology nodes, 2026-01 to 2026-03",
        ["<b>Sellers: local firms by technology node</b>", "<b>Buyers: local firms by technology node</b>"],
        "Local sourcing and sales outside the park, by technology node")
    assert "Lithium" in _sankey(explorer)[0]
    sourcing = explorer.table_boxes["sourcing"].value
    assert "<th class=\"\">Technology node</th>" in sourcing and "Lithium" in sourcing and "segment" not in sourcing
    assert "by technology node" in explorer.headings["sourcing"].value and "segment" not in explorer.headings["sourcing"].value
    explorer.level.value = "stage"
    title, heads, bars = _titles(explorer)
    assert title.startswith("Value flows between stages") and "by stage" in heads[0] and bars.endswith("by stage")
    assert "<th class=\"\">Stage</th>" in explorer.table_boxes["sourcing"].value
    explorer.level.value = "segment"                                   # back: the page's own words
    assert _titles(explorer) == page


def test_chinese_titles_follow_the_level(hand):
    ex = ValueStreamExplorer(hand, MONTH, window=3, lang="zh")
    ex.level.value = "node"
    title, heads, bars = _titles(ex)
    assert "各技术节点之间的价值流" in title and "环节" not in title
    assert heads == ["<b>卖方：按技术节点划分的本地企业</b>", "<b>买方：按技术节点划分的本地企业</b>"]
    assert bars == "各技术节点本地配套率与销往园区外的比例" and "技术节点" in ex.table_boxes["sourcing"].value


def test_grouped_nodes_are_named_as_nodes():
    ex = ValueStreamExplorer(load_workspace(DEMO).tables, "2026-10", window=3)
    assert any(label.startswith("Other segments (") for label in _sankey(ex)[0])
    ex.level.value = "node"
    labels = _sankey(ex)[0]
    assert any(label.startswith("Other technology nodes (") for label in labels)
    assert not any("segment" in label.lower() for label in labels)
    hovers = list(ex.figures[0].data[0].node.customdata) + list(ex.figures[0].data[0].link.customdata)
    assert not any("Other segments" in h for h in hovers)
    # the sourcing chart draws plot.SOURCING_MAX_ROWS nodes and counts the others in the level's words
    shown = ex.state["sourcing"]["local_firms"].gt(0).sum()
    bars = ex.figures[1]
    assert shown > plot.SOURCING_MAX_ROWS and len(bars.data[0].y) == plot.SOURCING_MAX_ROWS
    assert [a.text for a in bars.layout.annotations] == [
        f"{shown - plot.SOURCING_MAX_ROWS} technology nodes with less trade not shown"]
    assert state_size(tree(ex.widget)) < MAX_STATE                    # no plotly.js in the saved state


@pytest.mark.parametrize("level", plot.LEVELS)
def test_figures_are_the_plot_functions_at_the_level_shown(explorer, level):
    explorer.level.value = level
    sf, sourcing = explorer.state["flows"], explorer.state["sourcing"]
    assert sf.level == level
    links = plot.sankey_links(sf, min_value=explorer.min_link, cover=1.0)
    expected = [plot.sankey(sf, "en", links=links, level=level), plot.sourcing_bars(sourcing, "en", level=level)]
    assert [live.figure.to_json() for live in explorer.figures] == [fig.to_json() for fig in expected]
    column = {"stage": "Stage", "segment": "Segment", "node": "Technology node"}[level]
    assert f'<th class="">{column}</th>' in explorer.table_boxes["sourcing"].value
    assert explorer.headings["sourcing"].value.startswith(f"<h3>{expected[1].layout.title.text} (")


def test_smallest_link_reads_in_words_and_a_readable_unit(hand):
    ex = ValueStreamExplorer(hand, MONTH, window=3, min_value=1.4e8)
    assert ex.min_value.description == "Smallest link drawn (million CNY)" and ex.min_value.value == 140
    assert ex.min_link == 1.4e8 and "CNY 140.0 m" in ex.min_value.tooltip
    assert ex.figures[0].data == () and "Value flows between segments" in ex.figures[0].layout.title.text  # none that large
    zh = ValueStreamExplorer(hand, MONTH, window=3, min_value=1.4e9, lang="zh", currency="CNY")
    assert zh.min_value.description == "最小显示流量（亿元）" and zh.min_value.value == 14
    small = ValueStreamExplorer(hand, MONTH, window=3, min_value=1500.0)
    assert small.min_value.description == "Smallest link drawn (thousand CNY)" and small.min_value.value == 1.5
    small.min_value.value = 0.5                                        # as a user typing 0.5 (thousand CNY)
    labels, total = _sankey(small)
    assert small.min_link == 500.0 and total == pytest.approx(1000) and labels == ["Vehicles", "Outside buyers"]
    assert "CNY 500" in small.min_value.tooltip


def test_every_table_in_its_own_scrolling_box(explorer):
    explorer.window.value = 4
    explorer.level.value = "node"
    boxes = [w for w in tree(explorer.widget) if isinstance(w, ipywidgets.HTML) and "<table" in w.value]
    assert len(boxes) == 3 and set(map(id, boxes)) == set(map(id, explorer.table_boxes.values()))
    for box in boxes:
        assert box.value.count("<table") == 1 and "<h3>" not in box.value          # the heading stays above the box
        assert (box.layout.max_height, box.layout.overflow, box.layout.display) == (TABLE_HEIGHT, "auto", "block")
    assert explorer.headings["isolated"].value.startswith("<h3>Isolated firms (")


def test_chinese_labels(hand):
    ex = ValueStreamExplorer(hand, MONTH, window=3, lang="zh")
    assert ex.level.options[1] == ("环节", "segment")
    assert "园区外客户" in list(ex.figures[0].data[0].node.label)
    assert ex.min_value.value > 0 and ex.min_value.description == "最小显示流量（元）"   # default: 0.2 % of all value
    assert "（" in ex.headings["sourcing"].value                                   # 各环节…（3）
