"""What every explorer shares: its box, live figures redrawn whole, tables in their own
scrolling box, and display in JupyterLab.

An explorer computes nothing itself: it reads its widgets' values, calls the analysis and the
plot functions, and puts the results in place. Reports never depend on widgets.
"""
from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go

__all__ = ["Explorer", "redraw", "table_box"]

#: Height of a table's own scrolling box, so a long table never pushes the page down.
TABLE_HEIGHT = "460px"


def redraw(live: go.FigureWidget, fresh: go.Figure) -> None:
    """Replace the whole state of ``live`` by ``fresh``, in place (the same widget).

    Assigning a layout to a ``FigureWidget`` only relayouts the keys the new layout has: shapes,
    annotations or axis ranges of the old figure that the new one lacks would stay drawn in the
    browser (a band or an outline that no longer matches the text). Those keys are reset first
    (a relayout with ``None``), then the layout and the traces are replaced.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> old = go.Figure(go.Scatter(x=[1, 2], y=[1, 2])).add_vrect(x0=1, x1=1.5)
    >>> live = go.FigureWidget(old)
    >>> redraw(live, go.Figure(go.Bar(x=[1], y=[3]), layout={"title": "new"}))
    >>> live.layout.shapes, live.layout.title.text, live.data[0].type
    ((), 'new', 'bar')
    """
    stale = set(live.layout.to_plotly_json()) - set(fresh.layout.to_plotly_json()) - {"template"}
    if stale:
        live.plotly_relayout({key: None for key in sorted(stale)})
    with live.batch_update():
        live.layout = fresh.layout
    live.data = ()
    live.add_traces(fresh.data)


def table_box(value: str = "") -> widgets.HTML:
    """An HTML widget for a table that scrolls inside its own box (at most :data:`TABLE_HEIGHT`
    high, scrolling sideways when wide), so its scrollbar is always in view.

    Examples
    --------
    >>> box = table_box("<table></table>")
    >>> box.layout.max_height, box.layout.overflow
    ('460px', 'auto')
    """
    return widgets.HTML(value, layout=widgets.Layout(max_height=TABLE_HEIGHT, overflow="auto", width="100%"))


class Explorer:
    """Base of every explorer: subclasses build ``self.widget`` (the box to show) from their
    controls, live figures (:meth:`live`) and tables (:func:`table_box`), and redraw figures
    with :func:`redraw`. Displaying the explorer displays its box."""

    widget: widgets.Widget

    @staticmethod
    def live(fig: go.Figure) -> go.FigureWidget:
        """A live figure for a plotly figure."""
        return go.FigureWidget(fig)

    redraw = staticmethod(redraw)

    def _ipython_display_(self) -> None:  # pragma: no cover - needs a front end
        from IPython.display import display
        display(self.widget)
