"""The explorers' shared base (ecolib.presentation.widgets.base): figures redrawn whole, tables in their own
scrolling box, display through the base; driven from Python as an analyst would."""
from __future__ import annotations

import inspect

import plotly.graph_objects as go
import pytest

from conftest import DEMO
from ecolib.presentation import widgets as W
from ecolib.presentation.widgets.base import TABLE_HEIGHT, Explorer, redraw
from ecolib.workspace import load_workspace

EXPLORERS = ("MonthExplorer", "ValueStreamExplorer", "GeneMapExplorer", "ExitExplorer", "PriorityExplorer",
             "RuleExplorer", "NicheExplorer")


def _spy(live: go.FigureWidget) -> list[dict]:
    sent: list[dict] = []
    original = live._send_relayout_msg

    def record(layout_data, source_view_id=None):
        sent.append(dict(layout_data))
        return original(layout_data, source_view_id)

    live._send_relayout_msg = record
    return sent


def test_redraw_resets_what_the_new_figure_does_not_have():
    old = go.Figure(go.Scatter(x=[1, 2], y=[1, 2])).add_vrect(x0=1, x1=1.5).add_annotation(text="old", x=1, y=1)
    old.update_layout(xaxis_range=[0, 5], title="old")
    live = go.FigureWidget(old)
    sent = _spy(live)
    redraw(live, go.Figure(go.Bar(x=["a"], y=[3]), layout={"title": "new"}))
    # the browser is told to drop the band, the note and the range, then gets the new layout
    assert sent[0] == {"annotations": None, "shapes": None, "xaxis": None}
    assert live.layout.shapes == () and live.layout.annotations == () and live.layout.xaxis.range is None
    assert live.layout.title.text == "new" and [tr.type for tr in live.data] == ["bar"]


def test_every_explorer_is_an_explorer():
    for name in EXPLORERS:
        cls = getattr(W, name)
        assert issubclass(cls, Explorer), name
        assert "_ipython_display_" not in vars(cls), f"{name} displays itself instead of through the base"
        source = inspect.getsource(inspect.getmodule(cls))
        assert "batch_update" not in source and "FigureWidget(" not in source, f"{name} redraws on its own"


@pytest.fixture(scope="module")
def demo():
    return load_workspace(DEMO)


def test_niche_explorer_drops_the_frames_of_pairs_no_longer_flagged(demo):
    x = W.NicheExplorer(demo.tables, "2026-10", threshold=0.7)
    assert len(x.overlap_figure.layout.shapes) >= 1                   # East and North framed at 0.7
    sent = _spy(x.overlap_figure)
    x.threshold.value = 1.0                                             # as a user moving the slider
    assert x.overlap_figure.layout.shapes == ()
    assert any(m.get("shapes", "kept") is None for m in sent)           # and the browser drops them too
    assert x.advice.layout.max_height == TABLE_HEIGHT and x.advice.layout.overflow == "auto"


def test_tables_scroll_inside_their_own_box(demo):
    from ecolib.analyses.gaps import gap_analysis
    ga = gap_analysis(demo.tables, demo.settings, "2026-10")
    for box in (W.ExitExplorer(ga).table, W.PriorityExplorer(ga).table):
        assert box.layout.max_height == TABLE_HEIGHT and box.layout.overflow == "auto"
        assert "<table" in box.value
