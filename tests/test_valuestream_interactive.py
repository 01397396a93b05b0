"""The value-stream explorer driven from pytest: setting widget values redraws in place."""
from __future__ import annotations

import pytest

from conftest import write_tiny_park
from ecolib.presentation.widgets.valuestream import ValueStreamExplorer
from ecolib.workspace import load_workspace
from test_valuestream import HAND, MONTH


@pytest.fixture
def explorer(tmp_path):
    tables = load_workspace(write_tiny_park(tmp_path / "hand", **HAND)).tables
    return ValueStreamExplorer(tables, MONTH, window=3, min_value=0.0)


def _sankey(explorer):
    trace = explorer.figures[0].data[0]
    return list(trace.node.label), sum(trace.link.value)


def test_window_widget_changes_sankey_and_tables(explorer):
    sankey, bars = explorer.figures
    labels, total = _sankey(explorer)
    assert total == pytest.approx(2170)                                # every window flow is drawn
    assert "Loner Co" in explorer.tables_html.value                   # F5 isolated in 2026-01..03
    explorer.window.value = 4                                          # reaches 2025-12: F1 → F5 999
    assert _sankey(explorer)[1] == pytest.approx(2170 + 999)
    assert "Loner Co" not in explorer.tables_html.value
    assert explorer.figures[0] is sankey and explorer.figures[1] is bars   # same widgets, redrawn


def test_kind_level_and_min_value_widgets(explorer):
    explorer.kind.value = "service"                                    # only F1 → F4 10
    assert _sankey(explorer)[1] == pytest.approx(10)
    assert "Cathode Cell Co" in explorer.tables_html.value            # now isolated
    explorer.kind.value = "all"
    explorer.level.value = "stage"
    labels, total = _sankey(explorer)
    assert "Upstream" in labels and "Materials" not in labels and total == pytest.approx(2170)
    explorer.level.value = "segment"
    explorer.min_value.value = 500.0                                   # only the 1000 leak remains
    labels, total = _sankey(explorer)
    assert total == pytest.approx(1000) and labels == ["Vehicles", "Outside buyers"]


def test_chinese_labels(tmp_path):
    tables = load_workspace(write_tiny_park(tmp_path / "hand", **HAND)).tables
    ex = ValueStreamExplorer(tables, MONTH, window=3, lang="zh")
    assert ex.level.options[1] == ("环节", "segment")
    assert "园区外客户" in list(ex.figures[0].data[0].node.label)
    assert ex.min_value.value > 0                                      # default: 0.2 % of all value
