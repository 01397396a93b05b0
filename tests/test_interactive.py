"""The interactive month picker, driven from pytest."""
from __future__ import annotations

from ecolib.analyses import overview as ov
from ecolib.presentation.plots import overview as plot
from ecolib.presentation.widgets import MonthExplorer
from ecolib.workspace import load_workspace


def test_month_picker_redraws_its_figures(tiny_park):
    ws = load_workspace(tiny_park)
    explorer = MonthExplorer(ws.months(), "2026-03",
                             lambda m: plot.overview_figures(ov.overview(ws.tables, m, window=3, history=3)))
    bars = explorer.figures[0]
    south_before = [tr.y for tr in bars.data if tr.name == "South"][0]
    assert list(south_before) == [0, 1]                    # upstream 0, midstream F3 (F4 exited by 2026-03)
    explorer.picker.value = "2026-01"                      # as a user picking another month
    south_after = [tr.y for tr in explorer.figures[0].data if tr.name == "South"][0]
    assert list(south_after) == [0, 2]                     # F4 (midstream, South) is back
    assert explorer.figures[0] is bars                     # redrawn in place, same widget
