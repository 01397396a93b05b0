"""Figures of the dynamic evaluation: rule trends with thresholds, the alert timeline (each
takes an :class:`ecolib.analyses.evaluation.Evaluation`) and the health dimensions month by month (a
:class:`ecolib.analyses.health.HealthHistory`)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ecolib.analyses.evaluation import SEVERITIES
from ecolib.presentation.escape import plot_text
from ecolib.presentation.fmt import format_value, metric_value
from ecolib.presentation.names import name_of
from ecolib.presentation.narrative.evaluation import describe_rule, severity_label
from ecolib.presentation.i18n import t
from ecolib.presentation.plots.theme import PALETTE, money_axis, month_labels

#: Colours of the three warning levels (三级预警: red, orange, amber), shared by all figures.
SEVERITY_COLOURS = {"critical": "#c0392b", "warning": "#e67e22", "info": "#d4ac0d"}
OK_COLOUR = "#cfe8d4"
BREACH_COLOUR = "#f8c471"
NODATA_COLOUR = "#eceff1"
THRESHOLD_COLOUR = "#c0392b"
VALUE_COLOUR = PALETTE[0]
PENDING_COLOUR = "#b9770e"
BENCH_COLOUR = "#78909c"


def _empty(title: str, message: str, height: int = 300) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=14, color="#607d8b"))
    fig.update_layout(title=title, height=height, xaxis=dict(visible=False), yaxis=dict(visible=False))
    return fig


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) positions of each run of True in ``flags``."""
    padded = np.concatenate([[False], flags.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(int)))
    return list(zip(edges[::2], edges[1::2] - 1))


def _legend_key(fig: go.Figure, name: str, colour: str, symbol: str = "square", size: int = 12) -> None:
    """A legend entry for something drawn as shapes (shaded months)."""
    fig.add_scatter(x=[None], y=[None], mode="markers", name=name, showlegend=True, hoverinfo="skip",
                    marker=dict(symbol=symbol, size=size, color=colour))


def rule_trends(ev, lang: str = "en", *, currency: str = "CNY", rules: Sequence[str] | None = None,
                span: int = 36, benchmark: str | None = None) -> go.Figure:
    """One panel per checked rule over the last ``span`` months: the metric, its threshold (a
    dashed red line; the range that breaks the rule shaded red, a healthy band shaded green),
    the benchmark (dotted grey), months out of range marked orange and months with an open
    alert shaded in the alert level's colour; grey columns for months without KPI data.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`ecolib.analyses.evaluation.evaluate`).
    lang, currency : str
        The report's language and currency.
    rules : sequence of str, optional
        Rule ids to draw (default: every checked rule), most severe first.
    span : int, default 36
        Months shown, up to the report month.
    benchmark : str, optional
        The benchmark park's name (in the panel titles of rules set against it).

    Returns
    -------
    go.Figure
        A note instead of panels when no rule could be checked. Values are plotted in the unit
        the page writes them in (in Chinese a value per area per 亩, :func:`ecolib.presentation.fmt.metric_value`).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.evaluation import evaluate
    >>> fig = rule_trends(evaluate(tiny().tables["kpis"], month="2026-03"))
    >>> fig.layout.annotations[0].text
    'No warning rule could be checked with the data available.'
    """
    title = t("evaluation.chart.trends_title", lang)
    chosen = [r for r in ev.evaluated if rules is None or r.id in rules]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    chosen.sort(key=lambda r: (order[r.severity], r.id))
    if not chosen:
        return _empty(title, t("evaluation.chart.no_rules", lang))
    months = list(ev.history.index[-span:])
    titles = [t("evaluation.chart.panel_title", lang, metric=plot_text(name_of(ev.metric(r.metric), lang)),
                rule=plot_text(describe_rule(r, ev, lang, currency, benchmark=benchmark))) for r in chosen]
    fig = make_subplots(rows=len(chosen), cols=1, shared_xaxes=True, vertical_spacing=0.22 / len(chosen) + 0.03,
                        subplot_titles=titles)
    missing = np.isin(months, ev.missing_months)
    shown_keys: set[str] = set()
    for row, rule in enumerate(chosen, 1):
        metric = ev.metric(rule.metric)
        checks = ev.checks[rule.id].loc[months]
        scale = metric_value(1.0, metric.unit, lang)          # the page's unit: per 亩 in Chinese
        values = checks["value"].to_numpy() * scale
        low, high = float(checks["low"].iloc[-1]) * scale, float(checks["high"].iloc[-1]) * scale
        bench = ev.benchmark(rule.metric)
        raw_bench = bench
        bench = None if bench is None else bench * scale
        limits = [v for v in (low, high) if np.isfinite(v)]
        data = values[np.isfinite(values)]
        span_values = np.concatenate([data, limits, [bench] if bench is not None else []])
        lo, hi = float(np.min(span_values)), float(np.max(span_values))
        pad = (hi - lo) * 0.12 or abs(hi) * 0.1 or 1.0
        y0, y1 = lo - pad, hi + pad
        # zones: the range that breaks the rule (one-sided) or the healthy band
        if rule.comparison == "outside":
            fig.add_hrect(y0=low, y1=high, fillcolor="#27ae60", opacity=0.10, line_width=0, row=row, col=1,
                          exclude_empty_subplots=False)
        elif rule.comparison in ("<", "<="):
            fig.add_hrect(y0=y0, y1=low, fillcolor=THRESHOLD_COLOUR, opacity=0.07, line_width=0, row=row, col=1,
                          exclude_empty_subplots=False)
        else:
            fig.add_hrect(y0=high, y1=y1, fillcolor=THRESHOLD_COLOUR, opacity=0.07, line_width=0, row=row, col=1,
                          exclude_empty_subplots=False)
        # months: out of range (orange), alert open (level colour), no data (grey)
        state = checks["state"].to_numpy()
        for flags, colour, opacity in ((np.isin(state, ["alert", "alert_nodata"]), SEVERITY_COLOURS[rule.severity], 0.2),
                                       (missing, "#b0bec5", 0.35)):
            for first, last in _runs(flags):
                fig.add_vrect(x0=first - 0.5, x1=last + 0.5, fillcolor=colour, opacity=opacity, line_width=0,
                              layer="below", row=row, col=1, exclude_empty_subplots=False)
        shown = [plot_text(format_value(v, metric.unit, lang, currency)) for v in checks["value"].to_numpy()]
        for limit in limits:
            key = "evaluation.chart.threshold"
            fig.add_scatter(x=months, y=[limit] * len(months), mode="lines", name=t(key, lang),
                            line=dict(color=THRESHOLD_COLOUR, width=1.6, dash="dash"), hoverinfo="skip",
                            legendgroup="threshold", showlegend="threshold" not in shown_keys, row=row, col=1)
            shown_keys.add("threshold")
        if bench is not None:
            fig.add_scatter(x=months, y=[bench] * len(months), mode="lines", name=t("evaluation.chart.benchmark", lang),
                            line=dict(color=BENCH_COLOUR, width=1.4, dash="dot"), legendgroup="benchmark",
                            hovertemplate=t("evaluation.chart.benchmark", lang) + ": "
                            + plot_text(format_value(raw_bench, metric.unit, lang, currency)) + "<extra></extra>",
                            showlegend="benchmark" not in shown_keys, row=row, col=1)
            shown_keys.add("benchmark")
        fig.add_scatter(x=months, y=values, mode="lines+markers", name=t("evaluation.chart.value", lang),
                        line=dict(color=VALUE_COLOUR, width=2.4), marker=dict(size=5), connectgaps=False,
                        customdata=shown, legendgroup="value", showlegend="value" not in shown_keys,
                        hovertemplate="%{x}: %{customdata}<extra>" + plot_text(name_of(metric, lang)) + "</extra>",
                        row=row, col=1)
        shown_keys.add("value")
        pending = state == "breach"
        if pending.any():
            fig.add_scatter(x=[m for m, p in zip(months, pending) if p], y=values[pending], mode="markers",
                            marker=dict(size=11, symbol="circle-open", color=PENDING_COLOUR, line=dict(width=2.5)),
                            name=t("evaluation.chart.state.breach", lang), legendgroup="pending",
                            showlegend="pending" not in shown_keys, customdata=[s for s, p in zip(shown, pending) if p],
                            hovertemplate="%{x}: %{customdata}<extra>" + t("evaluation.chart.state.breach", lang) + "</extra>",
                            row=row, col=1)
            shown_keys.add("pending")
        alert_at = np.isin(state, ["alert"])
        if alert_at.any():
            fig.add_scatter(x=[m for m, a in zip(months, alert_at) if a], y=values[alert_at], mode="markers",
                            marker=dict(size=10, color=SEVERITY_COLOURS[rule.severity], line=dict(color="white", width=1.5)),
                            name=severity_label(rule.severity, lang), legendgroup=f"sev-{rule.severity}",
                            showlegend=f"sev-{rule.severity}" not in shown_keys,
                            customdata=[s for s, a in zip(shown, alert_at) if a],
                            hovertemplate="%{x}: %{customdata}<extra>" + t("evaluation.chart.alert_month", lang) + "</extra>",
                            row=row, col=1)
            shown_keys.add(f"sev-{rule.severity}")
        fig.update_yaxes(range=[y0, y1], row=row, col=1, tickformat=".0%" if metric.unit == "share" else None,
                         zeroline=False)
        if metric.unit == "money":
            money_axis(fig, lang, currency, span=(y0, y1), row=row, col=1, title=False)
    if missing.any():
        _legend_key(fig, t("evaluation.chart.missing_month", lang), "#cfd8dc")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=months, tickangle=-45)
    fig.update_annotations(font=dict(size=13), xanchor="left", x=0)
    height = 180 + 230 * len(chosen)
    plot_height = height - 130 - 70  # minus the top and bottom margins
    fig.update_layout(title=title, height=height, hovermode="closest", margin=dict(l=70, r=30, t=130, b=70),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0 + 42 / plot_height, x=0))
    return month_labels(fig, lang)


#: Codes of the timeline heatmap: 0 no data, 1 within range, 2 out of range (no alert),
#: 3/4/5 alert open (critical/warning/info), 6 alert open without data.
_TIMELINE_COLOURS = [NODATA_COLOUR, OK_COLOUR, BREACH_COLOUR, SEVERITY_COLOURS["critical"],
                     SEVERITY_COLOURS["warning"], SEVERITY_COLOURS["info"], "#90a4ae"]


def alert_timeline(ev, lang: str = "en", *, currency: str = "CNY", span: int = 36) -> go.Figure:
    """Rules (rows, most severe first) × months (columns), coloured by the rule's state in the
    month: within range, out of range without an alert yet, alert open (level colour), no data.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`ecolib.analyses.evaluation.evaluate`); the
        states are its :func:`~ecolib.analyses.evaluation.rule_checks`.
    lang, currency : str
        The report's language and currency.
    span : int, default 36
        Months shown, up to the report month.

    Returns
    -------
    go.Figure
        A heatmap with codes 0 no data, 1 within range, 2 out of range, 3/4/5 alert open by
        level, 6 alert open without data; a note when no rule could be checked.
    """
    title = t("evaluation.chart.timeline_title", lang)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    chosen = sorted(ev.evaluated, key=lambda r: (order[r.severity], r.id))
    if not chosen:
        return _empty(title, t("evaluation.chart.no_rules", lang))
    months = list(ev.history.index[-span:])
    z, text = [], []
    for rule in chosen:
        checks = ev.checks[rule.id].loc[months]
        state = checks["state"]
        code = state.map({"nodata": 0, "ok": 1, "breach": 2, "alert_nodata": 6}).astype("float64")
        code = code.where(state != "alert", 3 + order[rule.severity])
        z.append(code.to_numpy())
        metric = ev.metric(rule.metric)
        labels = [t(f"evaluation.chart.state.{s}", lang) for s in state]
        values = [plot_text(format_value(v, metric.unit, lang, currency)) for v in checks["value"]]
        text.append([f"{lab} · {val}" for lab, val in zip(labels, values)])
    names = [plot_text(name_of(ev.metric(r.metric), lang)) for r in chosen]
    n = len(_TIMELINE_COLOURS)
    scale = []
    for i, colour in enumerate(_TIMELINE_COLOURS):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    fig = go.Figure(go.Heatmap(
        z=z, x=months, y=names, zmin=-0.5, zmax=n - 0.5, colorscale=scale, showscale=False, xgap=2, ygap=2,
        text=text, hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>"))
    for key, colour in (("ok", OK_COLOUR), ("breach", BREACH_COLOUR)):
        _legend_key(fig, t(f"evaluation.chart.state.{key}", lang), colour)
    for severity in SEVERITIES:
        if any(r.severity == severity for r in chosen):
            _legend_key(fig, severity_label(severity, lang), SEVERITY_COLOURS[severity])
    _legend_key(fig, t("evaluation.chart.state.nodata", lang), "#cfd8dc")
    fig.update_layout(title=title, height=170 + 42 * len(chosen),
                      xaxis=dict(type="category", tickangle=-45, showgrid=False),
                      yaxis=dict(autorange="reversed", showgrid=False, automargin=True),
                      plot_bgcolor="white", margin=dict(l=10, r=20, t=88, b=60))
    return month_labels(fig, lang)


def health_lines(hh, lang: str = "en") -> go.Figure:
    """The health dimensions month by month, each as a share of the benchmark park's level, the
    health index dashed, a line at 100 %.

    Parameters
    ----------
    hh : HealthHistory
        The month model's ``health_history`` (:func:`ecolib.analyses.health.health_history`).
    lang : str
        The report's language.

    Returns
    -------
    go.Figure
        One line per dimension with a value, then the index; a note without any.
    """
    title = t("evaluation.chart.health_title", lang)
    scores = hh.scores.loc[:, hh.scores.notna().any()]
    if scores.empty:
        return _empty(title, t("evaluation.chart.no_health", lang))
    fig = go.Figure()
    months = list(scores.index)
    for i, dimension in enumerate(scores.columns):
        name = plot_text(name_of(hh.dims[dimension], lang))
        fig.add_scatter(x=months, y=scores[dimension], name=name, mode="lines+markers", connectgaps=False,
                        line=dict(color=PALETTE[i % len(PALETTE)], width=2.5), marker=dict(size=5),
                        hovertemplate="%{x}: %{y:.0%}<extra>" + name + "</extra>")
    index_name = t("evaluation.chart.health_index", lang)
    fig.add_scatter(x=months, y=hh.index.loc[months], name=index_name, mode="lines", connectgaps=False,
                    line=dict(color="#37474f", width=2, dash="dash"),
                    hovertemplate="%{x}: %{y:.0%}<extra>" + index_name + "</extra>")
    fig.add_hline(y=1.0, line=dict(color=BENCH_COLOUR, dash="dot", width=1.5),
                  annotation_text=t("evaluation.chart.benchmark_level", lang), annotation_position="top left",
                  annotation_font=dict(color="#546e7a", size=12))
    top = max(1.1, float(np.nanmax(scores.to_numpy())) * 1.08)
    fig.update_layout(title=title, height=440,
                      xaxis=dict(type="category", title=t("common.month", lang), tickangle=-45),
                      yaxis=dict(title=t("evaluation.chart.health_axis", lang), tickformat=".0%", range=[0, top]))
    return month_labels(fig, lang)


def evaluation_figures(ev, lang: str = "en", *, currency: str = "CNY") -> list[go.Figure]:
    """The explorer's figures in order: rule trends, alert timeline."""
    return [rule_trends(ev, lang, currency=currency), alert_timeline(ev, lang, currency=currency)]
