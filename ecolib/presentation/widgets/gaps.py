"""Interactive gap analysis for JupyterLab: pick the firm that leaves and see the firms hit and
the backup plan; move the four priority weights and see the ranking change. Figures redraw in
place (the same :class:`~ecolib.presentation.widgets.base.LiveFigure`).

Shown only when a notebook runs with ``interactive = True``; reports never depend on it.
"""
from __future__ import annotations


import ipywidgets as widgets
import plotly.graph_objects as go

from ecolib.analyses import gaps as G
from ecolib.presentation.escape import html_text
from ecolib.presentation.i18n import display_names, t
from ecolib.presentation.narrative import gaps as words
from ecolib.presentation.plots import gaps as plot
from ecolib.presentation.tables import gaps as tables
from ecolib.presentation.widgets.base import Explorer, redraw, table_box


class ExitExplorer(Explorer):
    """A firm picker (active local firms, most systemic first) above the chart of the firms hit,
    a one-line summary and the backup plan. Picking a firm reruns :func:`ecolib.analyses.gaps.exit_stress`."""

    def __init__(self, ga: G.GapAnalysis, *, lang: str = "en", currency: str = "CNY", options: int = 200) -> None:
        self.ga, self.lang, self.currency = ga, lang, currency
        view = ga.ranking.head(int(options))
        labels = [f"{int(r)}. {f}" + (" ★" if a else "") for r, f, a in
                  zip(view["rank"], display_names(view, lang), view["anchor"] if "anchor" in view else [False] * len(view))]
        start = ga.exit.firm_id if ga.exit is not None else None      # the page's firm (None: no active local firm)
        pairs = list(zip(labels, view["firm_id"]))
        if start is not None and start not in set(view["firm_id"]):
            pairs.insert(0, (start, start))
        self.picker = widgets.Dropdown(options=pairs, value=start, description=t("gaps.explore.firm", lang),
                                       style={"description_width": "initial"}, layout=widgets.Layout(width="560px"))
        self.summary = widgets.HTML()
        self.table = table_box()
        self.stress = self._stress()
        self.figure = self.live(self._figure())
        self._fill()
        self.picker.observe(self._on_change, names="value")
        self.widget = widgets.VBox([self.picker, self.summary, self.figure, self.table])

    def _stress(self) -> G.ExitStress | None:
        return None if self.picker.value is None else self.ga.stress(self.picker.value)

    def _name(self) -> str:
        return words.firm_name(self.ga, self.picker.value, self.lang)

    def _figure(self) -> go.Figure:
        if self.stress is None:
            return go.Figure()
        return plot.exit_bars(self.stress, self.lang, firm_name=self._name())

    def _fill(self) -> None:
        e = self.stress
        if e is None:
            self.summary.value, self.table.value = "", ""
            return
        self.summary.value = "<b>" + html_text(words.explore_summary(self.ga, e, self.lang, self.currency)) + "</b>"
        self.table.value = tables.BACKUP.html(e, self.lang, self.currency)

    def _on_change(self, change: dict | None = None) -> None:
        self.stress = self._stress()
        redraw(self.figure, self._figure())
        self._fill()


class PriorityExplorer(Explorer):
    """Four sliders (importance, demand pull, feasibility, fragility) above the chart and table
    of the gap decisions; moving one re-ranks the gaps with
    :meth:`ecolib.analyses.gaps.GapAnalysis.reprioritise` and
    :meth:`~ecolib.analyses.gaps.GapAnalysis.redecide` (``priority``: node by node,
    ``decisions``: as the page ranks them)."""

    def __init__(self, ga: G.GapAnalysis, *, lang: str = "en", currency: str = "CNY", top: int = 15) -> None:
        self.ga, self.lang, self.currency, self.top = ga, lang, currency, top
        start = ga.priority.attrs.get("weights", G.DEFAULT_WEIGHTS)
        self.sliders = {k: widgets.FloatSlider(value=round(float(start.get(k, 0.0)), 2), min=0.0, max=1.0, step=0.05,
                                               description=t(f"gaps.component.{k}", lang), continuous_update=False,
                                               readout_format=".2f", style={"description_width": "initial"})
                        for k in G.COMPONENTS}
        self.priority, self.decisions = ga.priority, ga.decisions
        self.figure = self.live(plot.priority_bars(self.decisions, lang, top=top))
        self.table = table_box()
        self._fill()
        for s in self.sliders.values():
            s.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HBox(list(self.sliders.values())), self.figure, self.table])

    @property
    def weights(self) -> dict[str, float]:
        return {k: s.value for k, s in self.sliders.items()}

    def _fill(self) -> None:
        self.table.value = tables.DECISIONS.html(self.decisions, self.lang, self.currency, max_rows=self.top)

    def _on_change(self, change: dict | None = None) -> None:
        self.priority = self.ga.reprioritise(self.weights)
        self.decisions = G.gap_decisions(self.priority, self.ga.gene_map.coverage, self.ga.tables.get("candidates"))
        redraw(self.figure, plot.priority_bars(self.decisions, self.lang, top=self.top))
        self._fill()
