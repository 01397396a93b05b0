"""What every explorer shares: its box, live figures redrawn whole, tables in their own
scrolling box, and display in JupyterLab.

An explorer computes nothing itself: it reads its widgets' values, calls the analysis and the
plot functions, and puts the results in place. Reports never depend on widgets.

A live figure (:class:`LiveFigure`) is an output widget holding one plotly figure as the
plotly mime type (``application/vnd.plotly.v1+json``, drawn by JupyterLab's plotly extension),
not a ``go.FigureWidget``: a ``FigureWidget`` carries the whole plotly.js bundle in its widget
state (about 5 MB), so a notebook saved with its widget state grew by that much per figure;
a live figure's state is the figure's JSON only, and redrawing it replaces the figure whole.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go
import plotly.io as pio

from ecolib.presentation.page import PLOTLY_CONFIG

__all__ = ["Explorer", "LiveFigure", "redraw", "table_box"]

#: Height of a table's own scrolling box, so a long table never pushes the page down: at most
#: 460 px, and never more than 60 % of the window, so the whole box and both its scrollbars
#: fit on a small screen too.
TABLE_HEIGHT = "min(460px, 60vh)"

#: The mime type JupyterLab's plotly extension (jupyterlab-plotly) draws.
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def figure_output(fig: go.Figure, config: Mapping[str, Any] | None = None) -> dict:
    """``fig`` as one notebook output (``display_data``): the plotly mime type, with ``config``
    (:data:`~ecolib.presentation.page.PLOTLY_CONFIG` by default), and the title as plain text
    for front ends without plotly. JSON only: missing values are null, arrays typed.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> out = figure_output(go.Figure(go.Bar(x=["a"], y=[1]), layout={"title": "Sales"}))
    >>> out["output_type"], sorted(out["data"]), out["data"]["text/plain"]
    ('display_data', ['application/vnd.plotly.v1+json', 'text/plain'], 'Sales')
    >>> spec = out["data"][PLOTLY_MIME]
    >>> spec["data"][0]["type"], spec["layout"]["title"]["text"], spec["config"]["displaylogo"]
    ('bar', 'Sales', False)
    """
    spec = json.loads(pio.to_json(fig, validate=False))
    spec["config"] = dict(PLOTLY_CONFIG if config is None else config)
    title = fig.layout.title.text
    return {"output_type": "display_data", "metadata": {},
            "data": {PLOTLY_MIME: spec, "text/plain": str(title) if title else "Figure"}}


class LiveFigure(widgets.Output):
    """A plotly figure that redraws in place: the same widget, a new figure.

    ``figure`` is the ``go.Figure`` shown; assigning another one redraws the widget (nothing of
    the old figure stays: no band, note or axis range of the old layout). ``data`` and
    ``layout`` are the figure's, as on a ``go.FigureWidget`` (so ``layout`` is the plotly layout,
    not the widget's CSS layout). Editing ``figure`` in place does not redraw: assign a figure.

    The widget is an ``ipywidgets.Output`` whose one output is the figure in the plotly mime
    type (:func:`figure_output`), which JupyterLab's plotly extension draws; its widget state
    is that JSON (a few kB), without plotly.js.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> live = LiveFigure(go.Figure(go.Scatter(x=[1, 2], y=[1, 2])).add_vrect(x0=1, x1=1.5))
    >>> len(live.layout.shapes), live.data[0].type
    (1, 'scatter')
    >>> live.figure = go.Figure(go.Bar(x=[1], y=[3]), layout={"title": "new"})
    >>> live.layout.shapes, live.layout.title.text, live.data[0].type
    ((), 'new', 'bar')
    >>> [list(o["data"]) for o in live.outputs]
    [['application/vnd.plotly.v1+json', 'text/plain']]
    >>> "_esm" in live.get_state()
    False
    """

    def __init__(self, figure: go.Figure | Mapping | None = None, *, config: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self._config = dict(PLOTLY_CONFIG if config is None else config)
        self.figure = go.Figure() if figure is None else figure

    @property
    def figure(self) -> go.Figure:
        """The figure shown; assigning one redraws the widget."""
        return self._figure

    @figure.setter
    def figure(self, fig: go.Figure | Mapping) -> None:
        self._figure = fig if isinstance(fig, go.Figure) else go.Figure(fig)
        self.outputs = (figure_output(self._figure, self._config),)     # unchanged JSON: nothing is sent

    @property
    def data(self) -> tuple:
        """The traces of :attr:`figure`."""
        return self._figure.data

    @property
    def layout(self) -> go.Layout:  # the plotly layout, as on a FigureWidget (not the widget's CSS layout)
        """The layout of :attr:`figure`."""
        return self._figure.layout


def redraw(live: LiveFigure, fresh: go.Figure) -> None:
    """Show ``fresh`` in ``live``, in place (the same widget), replacing the old figure whole.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> live = LiveFigure(go.Figure(go.Scatter(x=[1, 2], y=[1, 2])).add_vrect(x0=1, x1=1.5))
    >>> same = live
    >>> redraw(live, go.Figure(go.Bar(x=[1], y=[3]), layout={"title": "new"}))
    >>> live is same, live.layout.shapes, live.layout.title.text, live.data[0].type
    (True, (), 'new', 'bar')
    """
    live.figure = fresh


def table_box(value: str = "") -> widgets.HTML:
    """An HTML widget for one table that scrolls inside its own box (at most :data:`TABLE_HEIGHT`
    high, scrolling sideways when wide), so both its scrollbars are always in view; a plain
    block, so the box itself is what scrolls, not the page below it.

    Examples
    --------
    >>> box = table_box("<table></table>")
    >>> box.layout.max_height, box.layout.overflow, box.layout.display
    ('min(460px, 60vh)', 'auto', 'block')
    """
    return widgets.HTML(value, layout=widgets.Layout(max_height=TABLE_HEIGHT, overflow="auto", width="100%",
                                                     display="block"))


class Explorer:
    """Base of every explorer: subclasses build ``self.widget`` (the box to show) from their
    controls, live figures (:meth:`live`) and tables (:func:`table_box`, one box a table), and
    redraw figures with :func:`redraw`. Displaying the explorer displays its box."""

    widget: widgets.Widget

    @staticmethod
    def live(fig: go.Figure) -> LiveFigure:
        """A live figure (:class:`LiveFigure`) showing ``fig``."""
        return LiveFigure(fig)

    redraw = staticmethod(redraw)

    def _ipython_display_(self) -> None:  # pragma: no cover - needs a front end
        from IPython.display import display
        display(self.widget)
