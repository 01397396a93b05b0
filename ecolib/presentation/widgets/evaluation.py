"""Interactive threshold explorer for the dynamic evaluation (JupyterLab only; reports never
depend on it).

:class:`RuleExplorer` shows one warning rule at a time: a metric picker, the rule's comparison,
a threshold slider (a band slider for ``outside`` rules; a factor of the benchmark for relative
rules) and the number of consecutive months. Every change re-evaluates the rule on the whole KPI
history (:func:`ecolib.analyses.evaluation.try_rule`) and redraws, in place, the trend panel and the
alert ledger of that rule (:data:`ecolib.presentation.tables.evaluation.LEDGER`). The workspace's own
rules are not changed. Which metrics, which starting rule and which slider range are choices of
the analysis (:func:`~ecolib.analyses.evaluation.explorable_metrics`,
:func:`~ecolib.analyses.evaluation.rule_for`, :func:`~ecolib.analyses.evaluation.threshold_span`).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecolib.analyses import evaluation as ev_
from ecolib.presentation.escape import html_text
from ecolib.presentation.i18n import t
from ecolib.presentation.names import name_of
from ecolib.presentation.plots import evaluation as plot
from ecolib.presentation.tables import evaluation as tables
from ecolib.presentation.widgets.base import Explorer, redraw, table_box


#: The i18n key (under ``evaluation.explore.compare``) of each comparison of a rule.
_COMPARE_KEYS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "outside": "outside"}


def comparison_options(lang: str = "en") -> list[tuple[str, str]]:
    """The comparison picker's options: ``(words in lang, comparison)`` for every comparison a
    rule can make (:data:`ecolib.analyses.evaluation.COMPARISONS`).

    Examples
    --------
    >>> comparison_options()[0], comparison_options("zh")[-1]
    (('below (<)', '<'), ('超出健康区间', 'outside'))
    """
    return [(t(f"evaluation.explore.compare.{_COMPARE_KEYS[c]}", lang), c) for c in ev_.COMPARISONS]


class RuleExplorer(Explorer):
    """Pick a metric, move its thresholds, and see the alerts it would raise.

    ``kpis``/``benchmarks``: the workspace tables; ``month``: the report month; ``metrics`` and
    ``rules``: the workspace's catalogue and rules (:func:`ecolib.analyses.evaluation.from_settings`).
    Attributes for tests and notebooks: ``picker``, ``comparison`` (its options in words,
    :func:`comparison_options`), ``threshold`` (FloatSlider), ``band`` (FloatRangeSlider),
    ``months`` (IntSlider), ``figure`` (:class:`~ecolib.presentation.widgets.base.LiveFigure`),
    ``table`` (the alert ledger in its scrolling box) and ``summary`` (HTML widgets),
    ``evaluation`` (the latest result), ``widget`` (the box).
    """

    def __init__(self, kpis: pd.DataFrame, benchmarks: pd.DataFrame | None, month: str, *,
                 metrics: Mapping[str, ev_.Metric] | None = None, rules: Sequence[ev_.Rule] | None = None,
                 lang: str = "en", currency: str = "CNY") -> None:
        self.kpis, self.benchmarks, self.month = kpis, benchmarks, month
        self.lang, self.currency = lang, currency
        self.metrics = dict(ev_.CATALOGUE if metrics is None else metrics)
        self.rules = [r for r in (ev_.DEFAULT_RULES if rules is None else rules) if r.enabled]
        base = ev_.evaluate(kpis, benchmarks, month=month, metrics=self.metrics, rules=self.rules)
        self.history = base.history
        options = ev_.explorable_metrics(base)
        self._names = {m: name_of(base.metric(m), lang) for m in options}
        self._base = base
        style = {"description_width": "initial"}                        # labels in full ("× benchmark")
        self.picker = widgets.Dropdown(options=[(self._names[m], m) for m in options],
                                       value=options[0] if options else None,
                                       description=t("evaluation.explore.metric", lang), style=style,
                                       layout=widgets.Layout(width="420px"))
        self.comparison = widgets.Dropdown(options=comparison_options(lang), value="<", style=style,
                                           description=t("evaluation.explore.comparison", lang),
                                           layout=widgets.Layout(width="auto"))
        self.threshold = widgets.FloatSlider(description=t("evaluation.explore.threshold", lang), continuous_update=False,
                                             readout_format=".4g", style=style, layout=widgets.Layout(width="460px"))
        self.band = widgets.FloatRangeSlider(description=t("evaluation.explore.band", lang), continuous_update=False,
                                             readout_format=".4g", style=style, layout=widgets.Layout(width="460px"))
        self.months = widgets.IntSlider(value=1, min=1, max=12, description=t("evaluation.explore.months", lang),
                                        continuous_update=False, style=style, layout=widgets.Layout(width="360px"))
        self.summary = widgets.HTML()
        self.table = table_box()
        self.rule: ev_.Rule | None = None
        self.evaluation: ev_.Evaluation | None = None
        self._busy = False
        self.figure = self.live(go.Figure())
        if options:
            self._select(options[0])
        for control in (self.comparison, self.threshold, self.band, self.months):
            control.observe(self._changed, names="value")
        self.picker.observe(lambda change: self._select(change["new"]), names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.picker, self.comparison]),
            widgets.HBox([self.threshold, self.band, self.months]),
            self.summary, self.figure, self.table])

    # -- a rule for the picked metric --------------------------------------------------------
    def _select(self, metric_id: str) -> None:
        rule = ev_.rule_for(self._base, metric_id, self.rules)
        self._busy = True
        try:
            self.comparison.value = rule.comparison
            self.months.value = min(max(rule.months, self.months.min), self.months.max)
            self._set_ranges(rule)
        finally:
            self._busy = False
        self.rule = rule
        self._update()

    def _set_ranges(self, rule: ev_.Rule) -> None:
        """Slider limits of :func:`ecolib.analyses.evaluation.threshold_span`; shows the slider
        that fits the comparison."""
        relative = rule.basis == "benchmark"
        lo, hi, step = ev_.threshold_span(self._base, rule)
        label = t("evaluation.explore.factor", self.lang) if relative else t("evaluation.explore.threshold", self.lang)
        for slider in (self.threshold, self.band):
            slider.min, slider.max = -1e300, 1e300  # widen first so no value is clipped in between
            slider.min, slider.max, slider.step = float(lo), float(hi), step
        self.threshold.description = label
        if rule.comparison == "outside":
            self.band.value = (float(rule.threshold[0]), float(rule.threshold[1]))
            self.threshold.value = float(np.mean(rule.threshold))
        else:
            self.threshold.value = float(rule.threshold)
            self.band.value = (float(rule.threshold) * 0.9, float(rule.threshold) * 1.1) if rule.threshold > 0 else \
                (float(lo), float(hi))
        self._show_sliders(rule.comparison)

    def _show_sliders(self, comparison: str) -> None:
        band = comparison == "outside"
        self.band.layout.display = None if band else "none"
        self.threshold.layout.display = "none" if band else None

    # -- recompute ---------------------------------------------------------------------------
    def _changed(self, change: dict) -> None:
        if self._busy or self.rule is None:
            return
        comparison = self.comparison.value
        threshold = tuple(self.band.value) if comparison == "outside" else float(self.threshold.value)
        self.rule = replace(self.rule, comparison=comparison, threshold=threshold, months=int(self.months.value))
        self._show_sliders(comparison)
        self._update()

    def _update(self) -> None:
        rule = self.rule
        result = ev_.try_rule(self.kpis, self.benchmarks, self.month, rule, metrics=self.metrics)
        self.evaluation = result
        redraw(self.figure, plot.rule_trends(result, self.lang, currency=self.currency))
        self.summary.value = "<p>{}</p>".format(html_text(t(
            "evaluation.explore.summary", self.lang, n=len(result.ledger), month=self.month,
            open=(t("evaluation.card.not_evaluated", self.lang) if result.headline["alerts_open"] is None
                  else result.headline["alerts_open"]))))
        self.table.value = tables.LEDGER.html(result, self.lang, self.currency) if len(result.ledger) else ""
