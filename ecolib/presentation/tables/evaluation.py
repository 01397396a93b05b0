"""Tables of the dynamic-evaluation page (notebook 04) and of its threshold explorer.

Each takes an :class:`ecolib.analyses.evaluation.Evaluation` as its source. The cells are text
in the report's language: a column mixes units (a share, days, money), so every value is
written by its metric's unit (:func:`ecolib.presentation.fmt.format_value`).

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.evaluation import evaluate
>>> ws = tiny()
>>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
>>> KPIS.view(e, "en").iloc[0].tolist()
['Monthly output', 'CNY', 'CNY 110', 'CNY 120', '+9.1% (better)', 'CNY 150', '80%']
>>> RULES.labels("en")
['Level', 'Indicator', 'Rule', 'Programme it starts', 'What to do', 'Checked']
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecolib.analyses import evaluation as ev_
from ecolib.analyses.evaluation import Evaluation
from ecolib.presentation import fmt
from ecolib.presentation.fmt import format_value
from ecolib.presentation.i18n import t
from ecolib.presentation.names import action_of, name_of
from ecolib.presentation.narrative.evaluation import (describe_rule, months_text, n_months, programme_of, severity_label,
                                                      status_label, unit_label, value_vs_benchmark)
from ecolib.presentation.tables import Table

__all__ = ["ALERTS", "EARLIER", "KPIS", "RULES", "LEDGER", "Named", "with_benchmark"]


def _text(value) -> str | None:
    """A month from a frame cell; None for a missing one (None or NaN)."""
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Named:
    """An evaluation with the benchmark park's name its tables say (:func:`with_benchmark`)."""
    ev: Evaluation
    benchmark: str | None = None


def with_benchmark(ev: Evaluation, benchmark: str | None) -> Named:
    """The source of a table of this page that names the benchmark park (``ctx.benchmark_name``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.evaluation import Rule, try_rule
    >>> ws = tiny()
    >>> low = Rule("low_output", "output", "<", 0.8, basis="benchmark", months=2)
    >>> e = try_rule(ws.tables["kpis"], ws.tables["benchmarks"], "2026-03", low)
    >>> RULES.view(with_benchmark(e, "Riverside Park"), "en").at[0, "condition"]
    'below CNY 120, which is 80% of the CNY 150 reached by Riverside Park, for 2 months in a row'
    """
    return Named(ev, benchmark)


def _parts(source: Evaluation | Named) -> tuple[Evaluation, str | None]:
    return (source.ev, source.benchmark) if isinstance(source, Named) else (source, None)


def _alert_rows(source: Evaluation | Named, lang: str, currency: str) -> pd.DataFrame:
    """The report month's alerts (:attr:`Evaluation.current`): the status says since when and
    for how many months; the value, for a rule set against the benchmark, its share of the
    benchmark's level; the programme the rule starts and what to do."""
    ev, benchmark = _parts(source)
    rows = []
    for row in ev.current.to_dict("records"):
        rule, metric = ev.rule(row["rule"]), ev.metric(row["metric"])
        count = n_months(len(row["months_in_breach"]), lang)
        months = months_text(row["months_in_breach"], lang)
        value = format_value(row["value"], metric.unit, lang, currency)
        vs = value_vs_benchmark(ev, rule, row["value"], lang)       # short: the rule names the benchmark park
        rows.append({
            "severity": severity_label(row["severity"], lang), "metric": name_of(metric, lang),
            "status": t(f"evaluation.status_since.{row['status']}", lang, opened=row["opened"],
                        resolved=_text(row["resolved"]) or "", count=count, months=months),
            "opened": row["opened"], "months": t("evaluation.months_list", lang, count=count, months=months),
            "value": t("evaluation.value_vs", lang, value=value, vs=vs) if vs else value,
            "condition": describe_rule(rule, ev, lang, currency, metric, benchmark=benchmark),
            "programme": programme_of(rule, lang), "action": action_of(rule, lang)})
    return pd.DataFrame(rows, columns=["severity", "metric", "status", "opened", "months", "value", "condition",
                                       "programme", "action"])


#: The alerts of the report month: open (new, ongoing) or resolved in it, most severe first.
#: Six columns on the page (the status carries the months out of range); tables.xlsx keeps them apart.
ALERTS = Table("evaluation.alerts", rows=_alert_rows, columns={
    "severity": ("evaluation.col.severity", "text"), "metric": ("evaluation.col.metric", "text"),
    "status": ("evaluation.col.status", "text"), "value": ("evaluation.col.value", "text"),
    "condition": ("evaluation.col.condition", "text"), "programme": ("evaluation.col.programme", "text"),
    "action": ("evaluation.col.action", "text")},
    export_columns={
    "severity": ("evaluation.col.severity", "text"), "metric": ("evaluation.col.metric", "text"),
    "status": ("evaluation.col.status", "text"), "opened": ("evaluation.col.opened", "text"),
    "months": ("evaluation.col.months_in_breach", "text"), "value": ("evaluation.col.value", "text"),
    "condition": ("evaluation.col.condition", "text"), "programme": ("evaluation.col.programme", "text"),
    "action": ("evaluation.col.action", "text")})


def _earlier_rows(source: Evaluation | Named, lang: str, currency: str) -> pd.DataFrame:
    """Alerts resolved before the report month, in the 12 months up to it, newest first
    (:func:`ecolib.analyses.evaluation.recent_earlier`)."""
    ev, benchmark = _parts(source)
    rows = []
    for row in ev_.recent_earlier(ev).to_dict("records"):
        rule, metric = ev.rule(row["rule"]), ev.metric(row["metric"])
        rows.append({"severity": severity_label(row["severity"], lang), "metric": name_of(metric, lang),
                     "months": months_text(row["months_in_breach"], lang), "opened": row["opened"],
                     "resolved": row["resolved"],
                     "condition": describe_rule(rule, ev, lang, currency, metric, benchmark=benchmark)})
    return pd.DataFrame(rows, columns=["severity", "metric", "months", "opened", "resolved", "condition"])


#: Alerts closed in the past 12 months.
EARLIER = Table("evaluation.earlier", rows=_earlier_rows, columns={
    "severity": ("evaluation.col.severity", "text"), "metric": ("evaluation.col.metric", "text"),
    "months": ("evaluation.col.months_in_breach", "text"), "opened": ("evaluation.col.opened", "text"),
    "resolved": ("evaluation.col.resolved", "text"), "condition": ("evaluation.col.condition", "text")})


def _ledger_rows(source: Evaluation | Named, lang: str, currency: str) -> pd.DataFrame:
    """The whole ledger, newest alert first (:func:`ecolib.analyses.evaluation.ledger_newest_first`)."""
    ev, _ = _parts(source)
    rows = []
    for row in ev_.ledger_newest_first(ev).to_dict("records"):
        rows.append({"severity": severity_label(row["severity"], lang),
                     "metric": name_of(ev.metric(row["metric"]), lang),
                     "status": status_label(row["status"], lang), "opened": row["opened"],
                     "resolved": _text(row["resolved"]) or "–",
                     "months": t("evaluation.months_list", lang, count=n_months(len(row["months_in_breach"]), lang),
                                 months=months_text(row["months_in_breach"], lang))})
    return pd.DataFrame(rows, columns=["severity", "metric", "status", "opened", "resolved", "months"])


#: Every alert opened up to the report month (the threshold explorer's table).
LEDGER = Table("evaluation.ledger", rows=_ledger_rows, columns={
    "severity": ("evaluation.col.severity", "text"), "metric": ("evaluation.col.metric", "text"),
    "status": ("evaluation.col.status", "text"), "opened": ("evaluation.col.opened", "text"),
    "resolved": ("evaluation.col.resolved", "text"), "months": ("evaluation.col.months_in_breach", "text")})


def _rule_rows(source: Evaluation | Named, lang: str, currency: str) -> pd.DataFrame:
    """The rules in force, most severe first (:func:`ecolib.analyses.evaluation.rules_in_force`)."""
    ev, benchmark = _parts(source)
    rows = []
    for row in ev_.rules_in_force(ev).to_dict("records"):
        r = ev.rule(row["rule"])
        rows.append({"severity": severity_label(r.severity, lang), "metric": name_of(ev.metric(r.metric), lang),
                     "condition": describe_rule(r, ev, lang, currency, benchmark=benchmark),
                     "programme": programme_of(r, lang), "action": action_of(r, lang),
                     "checked": t("evaluation.checked.yes", lang) if row["checked"]
                     else t(f"evaluation.checked.{row['reason']}", lang)})
    return pd.DataFrame(rows, columns=["severity", "metric", "condition", "programme", "action", "checked"])


#: The warning rules this report applies, the programme each starts, and whether each could be checked.
RULES = Table("evaluation.rules", rows=_rule_rows, columns={
    "severity": ("evaluation.col.severity", "text"), "metric": ("evaluation.col.metric", "text"),
    "condition": ("evaluation.col.condition", "text"), "programme": ("evaluation.col.programme", "text"),
    "action": ("evaluation.col.action", "text"), "checked": ("evaluation.col.checked", "text")})


def _change_text(row: pd.Series, unit: str, lang: str, currency: str) -> str:
    """Change of a share in percentage points, of anything else in percent (the value when the
    previous month is 0), followed by 'better' or 'worse' by the metric's direction."""
    shown = np.nan
    if pd.isna(row["change"]):
        change = "–"
    elif unit == "share":               # the difference of the two values as shown (one decimal each)
        both = pd.notna(row.get("current")) and pd.notna(row.get("previous"))
        shown = (round(float(fmt.pct(row["current"], 1)[:-1]) - float(fmt.pct(row["previous"], 1)[:-1]), 1)
                 if both else round(100 * row["change"], 1))
        change = t("evaluation.pp", lang, n=f"{shown:+.1f}" if shown else "0.0")
    elif pd.notna(row["relative"]):
        shown = round(100 * row["relative"], 1)
        change = f"{shown:+.1f}%" if shown else "0.0%"
    else:
        change = format_value(row["change"], unit, lang, currency)
    if row["trend"] and change != "–" and shown != 0:
        change += ("" if lang == "zh" else " ") + t("evaluation.trend.better" if row["trend"] > 0
                                                     else "evaluation.trend.worse", lang)
    return change


def _kpi_rows(source: Evaluation | Named, lang: str, currency: str) -> pd.DataFrame:
    """:func:`ecolib.analyses.evaluation.kpi_values` in words, each value by its metric's unit."""
    ev, _ = _parts(source)
    rows = []
    for mid, row in ev_.kpi_values(ev).iterrows():  # one row per metric: a few dozen at most
        metric = ev.metric(mid)
        rows.append({"metric": name_of(metric, lang), "unit": unit_label(metric, lang, currency),
                     "previous": format_value(row["previous"], metric.unit, lang, currency),
                     "current": format_value(row["current"], metric.unit, lang, currency),
                     "change": _change_text(row, metric.unit, lang, currency),
                     "benchmark": format_value(row["benchmark"], metric.unit, lang, currency),
                     "to_benchmark": fmt.pct(row["to_benchmark"], 0)})
    return pd.DataFrame(rows, columns=["metric", "unit", "previous", "current", "change", "benchmark",
                                       "to_benchmark"])


#: Every indicator with data in the report month or the month before, with its change.
KPIS = Table("evaluation.kpis", rows=_kpi_rows, columns={
    "metric": ("evaluation.col.metric", "text"), "unit": ("evaluation.col.unit", "auto"),
    "previous": ("evaluation.col.previous", "text"), "current": ("evaluation.col.current", "text"),
    "change": ("evaluation.col.change", "text"), "benchmark": ("evaluation.col.benchmark", "text"),
    "to_benchmark": ("evaluation.col.to_benchmark", "text")})
