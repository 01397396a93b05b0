"""The explorers' shared base (ecolib.presentation.widgets.base): live figures redrawn whole without
plotly.js in their widget state, tables in their own scrolling box, display through the base;
driven from Python as an analyst would."""
from __future__ import annotations

import inspect
import json

import ipywidgets
import plotly.graph_objects as go
import pytest

from conftest import DEMO
from ecolib.presentation import widgets as W
from ecolib.presentation.widgets.base import PLOTLY_MIME, TABLE_HEIGHT, Explorer, LiveFigure, redraw
from ecolib.workspace import load_workspace

EXPLORERS = ("MonthExplorer", "ValueStreamExplorer", "GeneMapExplorer", "ExitExplorer", "PriorityExplorer",
             "RuleExplorer", "NicheExplorer")

#: The widget state of a whole explorer stays well under the 5 MB a plotly FigureWidget alone carried.
MAX_STATE = 1_000_000


def tree(widget: ipywidgets.Widget) -> list[ipywidgets.Widget]:
    """``widget`` and every widget in its boxes."""
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += tree(child)
    return out


def state_size(widgets_: list[ipywidgets.Widget]) -> int:
    """Bytes of the widget state a notebook saves for these widgets (and their layouts and styles)."""
    seen = {}
    for w in widgets_:
        seen[w.model_id] = w
        for name in ("layout", "style"):
            part = w._trait_values.get(name)          # a LiveFigure's layout is the plotly layout, no widget
            if isinstance(part, ipywidgets.Widget):
                seen[part.model_id] = part
    return sum(len(json.dumps(w.get_state(), default=str)) for w in seen.values())


def shown(live: LiveFigure) -> dict:
    """The figure as the front end gets it (the plotly mime type in the widget's one output)."""
    (output,) = live.outputs
    return output["data"][PLOTLY_MIME]


def test_a_live_figure_carries_no_plotly_bundle():
    live = LiveFigure(go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": "Sales"}))
    state = live.get_state()
    assert "_esm" not in state and state["_model_name"] == "OutputModel"
    assert len(json.dumps(state)) < 50_000                              # the figure's JSON, not 5 MB of plotly.js
    assert shown(live)["data"][0]["type"] == "bar" and shown(live)["layout"]["title"]["text"] == "Sales"
    assert shown(live)["config"]["displaylogo"] is False
    assert live.data[0].type == "bar" and live.layout.title.text == "Sales" and live.figure.data == live.data


def test_redraw_replaces_the_whole_figure_in_place():
    old = go.Figure(go.Scatter(x=[1, 2], y=[1, 2])).add_vrect(x0=1, x1=1.5).add_annotation(text="old", x=1, y=1)
    old.update_layout(xaxis_range=[0, 5], title="old")
    live = LiveFigure(old)
    same = live
    sent = []
    live.observe(lambda change: sent.append(change["new"]), names="outputs")
    redraw(live, go.Figure(go.Bar(x=["a"], y=[3]), layout={"title": "new"}))
    assert live is same and len(sent) == 1                              # one update of the same widget
    layout = shown(live)["layout"]
    # nothing of the old layout reaches the browser: no band, no note, no range
    assert "shapes" not in layout and "annotations" not in layout and "range" not in layout.get("xaxis", {})
    assert live.layout.shapes == () and live.layout.title.text == "new" and [tr.type for tr in live.data] == ["bar"]
    redraw(live, go.Figure(go.Bar(x=["a"], y=[3]), layout={"title": "new"}))
    assert len(sent) == 1                                               # the same figure again: nothing sent


def test_every_explorer_is_an_explorer():
    for name in EXPLORERS:
        cls = getattr(W, name)
        assert issubclass(cls, Explorer), name
        assert "_ipython_display_" not in vars(cls), f"{name} displays itself instead of through the base"
        source = inspect.getsource(inspect.getmodule(cls))
        assert "batch_update" not in source and "FigureWidget" not in source, f"{name} redraws on its own"


@pytest.fixture(scope="module")
def demo():
    return load_workspace(DEMO)


@pytest.fixture(scope="module")
def explorers(demo):
    """The demo's explorers (but the value stream's, see test_valuestream_interactive.py), each moved once."""
    from ecolib.analyses import evaluation as ev
    from ecolib.analyses.gaps import gap_analysis
    ga = gap_analysis(demo.tables, demo.settings, "2026-10")
    metrics, rules = ev.from_settings(demo.settings)
    out = {"niche": W.NicheExplorer(demo.tables, "2026-10", threshold=0.7),
           "exit": W.ExitExplorer(ga), "priority": W.PriorityExplorer(ga),
           "rule": W.RuleExplorer(demo.kpis, demo.benchmarks, "2026-10", metrics=metrics, rules=rules, lang="zh"),
           "genemap": W.GeneMapExplorer(demo.tables, "2026-10")}
    out["niche"].level.value = "node"
    out["exit"].picker.value = out["exit"].picker.options[1][1]
    out["priority"].sliders["importance"].value = 0.9
    out["rule"].threshold.value = 0.95
    out["genemap"].threshold.value = 0.5
    return out


def test_niche_explorer_drops_the_frames_of_pairs_no_longer_flagged(demo):
    x = W.NicheExplorer(demo.tables, "2026-10", threshold=0.7)
    assert len(x.overlap_figure.layout.shapes) >= 1                   # East and North framed at 0.7
    assert len(shown(x.overlap_figure)["layout"]["shapes"]) >= 1
    live = x.overlap_figure
    x.threshold.value = 1.0                                             # as a user moving the slider
    assert x.overlap_figure is live and x.overlap_figure.layout.shapes == ()
    assert "shapes" not in shown(x.overlap_figure)["layout"]            # and the browser drops them too
    assert x.advice.layout.max_height == TABLE_HEIGHT and x.advice.layout.overflow == "auto"


def test_every_table_scrolls_inside_its_own_box(explorers):
    for name, x in explorers.items():
        htmls = [w for w in tree(x.widget) if isinstance(w, ipywidgets.HTML) and "<table" in w.value]
        assert htmls, name
        for box in htmls:
            assert box.value.count("<table") == 1, f"{name}: several tables in one box"
            assert (box.layout.max_height, box.layout.overflow, box.layout.display) == (TABLE_HEIGHT, "auto", "block"), name
    for box in (explorers["exit"].table, explorers["priority"].table):
        assert "<table" in box.value


def test_saved_widget_state_holds_no_plotly_bundle(explorers):
    for name, x in explorers.items():
        widgets_ = tree(x.widget)
        lives = [w for w in widgets_ if isinstance(w, LiveFigure)]
        assert lives and not any(isinstance(w, go.FigureWidget) for w in widgets_), name
        assert all("_esm" not in w.get_state() for w in lives), name
        assert state_size(widgets_) < MAX_STATE, f"{name}: {state_size(widgets_)} bytes of widget state"
