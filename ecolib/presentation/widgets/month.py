"""The month picker above live figures (the overview page's explorer)."""
from __future__ import annotations

from typing import Callable, Sequence

import ipywidgets as widgets
import plotly.graph_objects as go

from ecolib.presentation.widgets.base import Explorer, redraw


class MonthExplorer(Explorer):
    """A month picker above one or more live figures.

    ``build(month)`` returns the figures for a month (always the same number, in the same
    order); picking a month rebuilds them and redraws the figure widgets in place.
    """

    def __init__(self, months: Sequence[str], value: str, build: Callable[[str], Sequence[go.Figure]],
                 *, label: str = "Month") -> None:
        if value not in months:
            raise ValueError(f"month {value!r} is not one of the workspace months")
        self.build = build
        self.picker = widgets.Dropdown(options=list(months), value=value, description=label)
        self.figures = [self.live(fig) for fig in build(value)]
        self.picker.observe(self._redraw, names="value")
        self.widget = widgets.VBox([self.picker, *self.figures])

    def _redraw(self, change: dict) -> None:
        for live, fresh in zip(self.figures, self.build(change["new"])):
            redraw(live, fresh)
