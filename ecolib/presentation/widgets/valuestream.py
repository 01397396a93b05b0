"""Interactive value-stream explorer for JupyterLab (ipywidgets). Reports never depend on it.

Widgets: window length (months), flow kind, chain level and the smallest link drawn; the
Sankey, the sourcing chart and the tables of local sourcing, isolated firms and broken links
are recomputed through :mod:`ecolib.analyses.valuestream` and redrawn in place. Titles, node
labels and column headers name the level shown (stages, segments or technology nodes); the
smallest link is typed in a readable unit of the page's currency (million CNY, 亿元 …).
"""
from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go

from ecolib.analyses import valuestream as vsm
from ecolib.presentation import fmt
from ecolib.presentation.i18n import t
from ecolib.presentation.escape import html_text as esc
from ecolib.presentation.page import report_css
from ecolib.presentation.plots import valuestream as plot
from ecolib.presentation.tables import valuestream as tables
from ecolib.presentation.widgets.base import Explorer, redraw, table_box

#: Units the smallest-link box reads in, largest first: (size, i18n key under valuestream.widget.unit).
_UNITS = {"en": ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")), "zh": ((1e8, "yi"), (1e4, "wan"))}


def money_unit(value: float, lang: str = "en", currency: str = "CNY") -> tuple[float, str]:
    """``(size, words)`` of the unit an amount near ``value`` reads best in: the largest of
    thousand / million / billion (en) or 万 / 亿 (zh) that ``value`` reaches, the currency
    itself below; words in ``lang`` with the currency's name in that language.

    Examples
    --------
    >>> money_unit(1.4e8), money_unit(1.4e9), money_unit(1.4e8, "zh"), money_unit(5e6, "zh")
    ((1000000.0, 'million CNY'), (1000000000.0, 'billion CNY'), (100000000.0, '亿元'), (10000.0, '万元'))
    >>> money_unit(0.0), money_unit(800, "zh", "USD")
    ((1.0, 'CNY'), (1.0, '美元'))
    """
    unit = fmt.currency_unit(currency, lang)
    for size, key in _UNITS.get(lang, _UNITS["en"]):
        if abs(value) >= size:
            return size, t(f"valuestream.widget.unit.{key}", lang, currency=unit)
    return 1.0, t("valuestream.widget.unit.one", lang, currency=unit)


def _round_sig(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant digits (a friendly widget default)."""
    if value <= 0:
        return 0.0
    return float(f"{value:.{digits}g}")


class ValueStreamExplorer(Explorer):
    """Window, kind, level and minimum-link widgets above live figures and tables.

    ``tables``: the workspace tables; ``month``: the report month; ``threshold`` and
    ``min_stake``: the broken-link share and least value at stake. ``min_value`` is the smallest
    link the Sankey draws, in the currency (None: :func:`ecolib.analyses.valuestream.default_min_link`
    of the first view); the Sankey draws every link above it, the small segments grouped.

    Attributes for tests and notebooks: ``window``, ``kind``, ``level`` and ``min_value`` (the
    widgets; ``min_value`` reads in :attr:`min_unit`, :attr:`min_link` is the amount in the
    currency), ``figures`` (the Sankey and the sourcing chart, :class:`~ecolib.presentation.widgets.base.LiveFigure`),
    ``table_boxes`` (``{"sourcing", "isolated", "broken"}``: one scrolling box a table, each under
    its heading in ``headings``), ``state`` (the latest analysis), ``widget`` (the box).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> x = ValueStreamExplorer(tiny().tables, "2026-03", window=3, min_value=0.0)
    >>> x.level.value = "node"                                  # as a user picking the level
    >>> x.figures[0].layout.title.text
    'Value flows between technology nodes, 2026-01 to 2026-03'
    >>> x.min_value.description, x.min_link
    ('Smallest link drawn (CNY)', 0.0)
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
        levels = [(t(plot.level_key(v, "name"), lang), v) for v in plot.LEVELS]
        self.level = widgets.Dropdown(options=levels, value="segment", description=t("valuestream.widget.level", lang),
                                      style=style)
        self.state = self.compute()
        if min_value is None:
            min_value = _round_sig(vsm.default_min_link(self.state["flows"]))
        # the box reads in a unit fit for the first value (140 million CNY, 1.4亿元), never 140000000
        self.min_scale, self.min_unit = money_unit(float(min_value), lang, currency)
        shown = float(f"{float(min_value) / self.min_scale:.12g}")
        self.min_value = widgets.FloatText(value=shown, step=_round_sig(max(shown, 1.0)) / 2, style=style,
                                           description=t("valuestream.widget.min_value_in", lang, unit=self.min_unit))
        self._tip()
        self.figures = [self.live(fig) for fig in self.build_figures(self.state)]
        self.headings = {key: widgets.HTML() for key in ("sourcing", "isolated", "broken")}
        self.table_boxes = {key: table_box() for key in self.headings}
        self._fill_tables()
        for w in (self.window, self.kind, self.level, self.min_value):
            w.observe(self._redraw, names="value")
        controls = widgets.HBox([self.window, self.kind, self.level, self.min_value],
                                layout=widgets.Layout(flex_flow="row wrap"))
        style_sheet = widgets.HTML(f"<style>{report_css()}</style>")    # the tables' style, once
        parts = [w for key in self.headings for w in (self.headings[key], self.table_boxes[key])]
        self.widget = widgets.VBox([style_sheet, controls, *self.figures, *parts])

    @property
    def min_link(self) -> float:
        """The smallest link drawn, in the currency (the box's value times :attr:`min_scale`)."""
        return float(f"{float(self.min_value.value or 0.0) * self.min_scale:.12g}")

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
        """The Sankey and the sourcing chart of ``state``, in the words of the level shown."""
        level = self.level.value
        links = plot.sankey_links(state["flows"], min_value=self.min_link, cover=1.0)
        return [plot.sankey(state["flows"], self.lang, links=links, currency=self.currency, level=level),
                plot.sourcing_bars(state["sourcing"], self.lang, currency=self.currency, level=level)]

    def build_tables(self, state: dict) -> dict[str, tuple[str, str]]:
        """``{key: (heading html, table html)}`` of the sourcing, isolated and broken-link tables;
        the sourcing table and its heading name the level shown."""
        lang, currency, level = self.lang, self.currency, self.level.value
        heading = {"sourcing": plot.level_key(level, "sourcing_title"), "isolated": "valuestream.isolated_heading",
                   "broken": "valuestream.broken_heading"}
        sections = {"sourcing": (tables.sourcing_table(level), state["sourcing"]),
                    "isolated": (tables.ISOLATED, state["isolated"]), "broken": (tables.BROKEN, state["broken"])}
        out = {}
        for key, (spec, source) in sections.items():
            rows = len(spec.view(source, lang, currency))
            count = f"（{rows}）" if lang == "zh" else f" ({rows})"
            out[key] = (f"<h3>{esc(t(heading[key], lang))}{count}</h3>", spec.html(source, lang, currency, max_rows=25))
        return out

    # -- redrawing --------------------------------------------------------------------------
    def _tip(self) -> None:
        self.min_value.tooltip = t("valuestream.widget.min_value_tip", self.lang,
                                   value=fmt.money(self.min_link, self.lang, self.currency))

    def _fill_tables(self) -> None:
        for key, (heading, table) in self.build_tables(self.state).items():
            self.headings[key].value = heading
            self.table_boxes[key].value = table

    def _redraw(self, change: dict | None = None) -> None:
        if change is None or change.get("owner") is not self.min_value:
            self.state = self.compute()
        self._tip()
        for live, fresh in zip(self.figures, self.build_figures(self.state)):
            redraw(live, fresh)
        self._fill_tables()
