"""Interactive value-stream explorer for JupyterLab (ipywidgets). Reports never depend on it.

Widgets: window length (months), flow kind, chain level and the smallest link drawn; the
Sankey, the sourcing chart and the tables of local sourcing, isolated firms and broken links
are recomputed through :mod:`ecolib.analyses.valuestream` and redrawn in place.
"""
from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go

from ecolib.analyses import valuestream as vsm
from ecolib.presentation.i18n import t
from ecolib.presentation.escape import html_text as esc
from ecolib.presentation.page import report_css
from ecolib.presentation.plots import valuestream as plot
from ecolib.presentation.tables import valuestream as tables
from ecolib.presentation.widgets.base import Explorer, redraw, table_box


def _round_sig(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant digits (a friendly widget default)."""
    if value <= 0:
        return 0.0
    return float(f"{value:.{digits}g}")


class ValueStreamExplorer(Explorer):
    """Window, kind, level and minimum-link widgets above live figures and tables.

    ``tables``: the workspace tables; ``month``: the report month; ``threshold`` and
    ``min_stake``: the broken-link share and least value at stake. ``min_value`` is the smallest
    link the Sankey draws (None: :func:`ecolib.analyses.valuestream.default_min_link` of the
    first view); the Sankey draws every link above it, the small segments grouped.
    """

    def __init__(self, tables: dict, month: str, *, window: int = 12, threshold: float = vsm.BROKEN_LINK_SHARE,
                 min_stake: float = vsm.BROKEN_LINK_MIN_VALUE, lang: str = "en", currency: str = "CNY",
                 min_value: float | None = None, max_window: int = 36) -> None:
        self.tables, self.month, self.threshold, self.min_stake = tables, month, threshold, min_stake
        self.lang, self.currency = lang, currency
        style = {"description_width": "initial"}
        self.window = widgets.IntSlider(value=int(window), min=1, max=max(int(max_window), int(window)),
                                        description=t("valuestream.widget.window", lang), style=style,
                                        continuous_update=False)
        kinds = [(t("valuestream.widget.kind_all", lang), "all")] + [(t(f"valuestream.kind.{k}", lang), k)
                                                                      for k in vsm.KINDS]
        self.kind = widgets.Dropdown(options=kinds, value="all", description=t("valuestream.widget.kind", lang),
                                     style=style)
        levels = [(t(f"valuestream.widget.level_{v}", lang), v) for v in ("stage", "segment", "node")]
        self.level = widgets.Dropdown(options=levels, value="segment", description=t("valuestream.widget.level", lang),
                                      style=style)
        self.state = self.compute()
        if min_value is None:
            min_value = _round_sig(vsm.default_min_link(self.state["flows"]))
        step = _round_sig(max(float(min_value), 1.0)) / 2
        self.min_value = widgets.FloatText(value=float(min_value), step=step, style=style,
                                           description=f'{t("valuestream.widget.min_value", lang)} ({currency})')
        self.figures = [self.live(fig) for fig in self.build_figures(self.state)]
        self.tables_html = table_box(self.build_tables(self.state))
        for w in (self.window, self.kind, self.level, self.min_value):
            w.observe(self._redraw, names="value")
        controls = widgets.HBox([self.window, self.kind, self.level, self.min_value],
                                layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([controls, *self.figures, self.tables_html])

    # -- computing --------------------------------------------------------------------------
    def compute(self) -> dict:
        """The analysis for the current widget values (all through ecolib.analyses.valuestream)."""
        kind = self.kind.value                      # "all": every kind (ecolib.foundations.network.flow_kinds)
        sf = vsm.segment_flows(self.tables, self.month, window=self.window.value, kind=kind, level=self.level.value)
        return {
            "flows": sf,
            "sourcing": vsm.sourcing_table(sf),
            "isolated": vsm.isolated_firms(self.tables, self.month, window=self.window.value, kind=kind),
            "broken": vsm.broken_links(sf, self.tables.get("chain_edges"), threshold=self.threshold,
                                       min_value=self.min_stake),
        }

    def build_figures(self, state: dict) -> list[go.Figure]:
        return [plot.sankey(state["flows"], self.lang, min_value=self.min_value.value, cover=1.0,
                            currency=self.currency),
                plot.sourcing_bars(state["sourcing"], self.lang, currency=self.currency)]

    def build_tables(self, state: dict) -> str:
        lang, currency = self.lang, self.currency
        parts = [f"<style>{report_css()}</style>"]
        sections = [("valuestream.sourcing_heading", tables.SOURCING, state["sourcing"]),
                    ("valuestream.isolated_heading", tables.ISOLATED, state["isolated"]),
                    ("valuestream.broken_heading", tables.BROKEN, state["broken"])]
        for key, spec, source in sections:
            rows = len(spec.view(source, lang, currency))
            parts.append(f"<h3>{esc(t(key, lang))} ({rows})</h3>")
            parts.append(spec.html(source, lang, currency, max_rows=25))
        return "".join(parts)

    # -- redrawing --------------------------------------------------------------------------
    def _redraw(self, change: dict | None = None) -> None:
        if change is None or change.get("owner") is not self.min_value:
            self.state = self.compute()
        for live, fresh in zip(self.figures, self.build_figures(self.state)):
            redraw(live, fresh)
        self.tables_html.value = self.build_tables(self.state)
