"""The words of the dynamic-evaluation page (notebook 04): the month's findings, the headline
cards, the alerts of ``summary.json``, rules and alerts in plain language.

The numbers come from :mod:`ecolib.analyses.evaluation` (an :class:`~ecolib.analyses.evaluation.Evaluation`);
here they become sentences in the report's language. The health section's findings are
:func:`ecolib.presentation.narrative.health.trend_findings`.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.evaluation import evaluate_workspace
>>> ws = tiny()
>>> e = evaluate_workspace(ws.tables, ws.settings, "2026-03")
>>> findings(e, "en")[0]
'No warning rule could be checked for 2026-03: the indicators the rules need are not reported.'
>>> headline_cards(e, "en")["Open alerts"]
'0'
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ecolib.analyses import evaluation as ev_
from ecolib.analyses.evaluation import SEVERITIES, Evaluation, Metric, Rule
from ecolib.foundations import months as _months
from ecolib.presentation import fmt
from ecolib.presentation.fmt import exact_pct, format_value
from ecolib.presentation.i18n import t
from ecolib.presentation.names import action_of, name_of

__all__ = ["findings", "headline_cards", "alert_records", "kpis_values", "describe_rule", "alert_message",
           "months_text", "n_months", "severity_label", "status_label"]


# =========================================================================== labels


def severity_label(severity: str, lang: str = "en") -> str:
    """'critical' → 'Level 1 (critical)' (一级预警 in Chinese)."""
    return t(f"evaluation.severity.{severity}", lang)


def status_label(status: str, lang: str = "en") -> str:
    """'new', 'ongoing', 'resolved' in ``lang``."""
    return t(f"evaluation.status.{status}", lang)


def months_text(months: Sequence[str], lang: str = "en") -> str:
    """Months as runs of consecutive months.

    Examples
    --------
    >>> months_text(["2026-08", "2026-09", "2026-10", "2026-12"], "en")
    '2026-08 – 2026-10, 2026-12'
    >>> months_text([], "zh")
    '–'
    """
    if not months:
        return "–"
    periods = [pd.Period(m, freq="M") for m in months]
    parts, start, prev = [], periods[0], periods[0]
    for p in periods[1:] + [None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        parts.append(str(start) if start == prev else f"{start} – {prev}")
        if p is not None:
            start = prev = p
    return (", " if lang == "en" else "、").join(parts)


def n_months(n: int, lang: str = "en") -> str:
    """'1 month', '3 months' in ``lang``."""
    return t("evaluation.n_month" if n == 1 else "evaluation.n_months", lang, n=n)


# =========================================================================== rules in words


def _limits_text(ev_or_bench: Evaluation | float | None, rule: Rule, metric: Metric, lang: str,
                 currency: str) -> tuple[str, str]:
    """(condition text, effective threshold text) of a rule."""
    bench = ev_or_bench.benchmark(rule.metric) if isinstance(ev_or_bench, Evaluation) else ev_or_bench
    threshold = ev_.rule_threshold(rule, bench)
    value = lambda v: format_value(v, metric.unit, lang, currency, exact=True)  # noqa: E731
    if threshold is None:
        shown = "–"
    elif rule.comparison == "outside":
        shown = f"{value(threshold[0])} – {value(threshold[1])}"
    else:
        shown = value(threshold)
    word = {"<": "below", "<=": "at_most", ">": "above", ">=": "at_least", "outside": "outside"}[rule.comparison]
    if rule.basis == "benchmark":
        if rule.comparison == "outside":
            factor = f"{exact_pct(rule.threshold[0])} – {exact_pct(rule.threshold[1])}"
        else:
            factor = exact_pct(rule.threshold)
        text = t(f"evaluation.condition.{word}_benchmark", lang, factor=factor, threshold=shown)
    else:
        text = t(f"evaluation.condition.{word}", lang, threshold=shown)
    return text, shown


def describe_rule(rule: Rule, ev: Evaluation | float | None, lang: str = "en", currency: str = "CNY",
                  metric: Metric | None = None, *, consecutive: bool = True) -> str:
    """A rule in words.

    Parameters
    ----------
    rule : Rule
        The rule.
    ev : Evaluation, float or None
        An evaluation (for the benchmark and the metric's unit), or the benchmark value itself.
    lang, currency : str
        The report's language and currency.
    metric : Metric, optional
        The rule's metric (default: the evaluation's, else the catalogue's).
    consecutive : bool, default True
        Whether to add 'for N consecutive months' (when the rule needs more than one).

    Returns
    -------
    str
        E.g. 'below 80% of the benchmark (0.2598) for 3 consecutive months'.

    Examples
    --------
    >>> r = Rule("x", "eco_value_density", "<", 0.8, basis="benchmark", months=3)
    >>> describe_rule(r, 0.3248, "en")
    'below 80% of the benchmark (0.2598) for 3 consecutive months'
    >>> describe_rule(r, 0.3248, "zh")
    '低于标杆值的 80%（0.2598），连续 3 个月'
    """
    metric = metric or (ev.metric(rule.metric) if isinstance(ev, Evaluation)
                        else ev_.CATALOGUE.get(rule.metric, Metric(rule.metric)))
    condition, _ = _limits_text(ev, rule, metric, lang, currency)
    if consecutive and rule.months > 1:
        condition += t("evaluation.condition.consecutive", lang, n=rule.months)
    return condition


def alert_message(ev: Evaluation, row: Mapping[str, Any], lang: str = "en", currency: str = "CNY") -> str:
    """One alert of the ledger (a row of :attr:`Evaluation.current`) in a sentence: what broke
    the rule, since when, or that it is resolved; an open alert without data in the month says so."""
    rule = ev.rule(row["rule"])
    metric = ev.metric(row["metric"])
    name = name_of(metric, lang)
    value = format_value(row["value"], metric.unit, lang, currency)
    condition = describe_rule(rule, ev, lang, currency, metric, consecutive=False)
    count = len(row["months_in_breach"])
    months = months_text(row["months_in_breach"], lang)
    if row["status"] == "resolved":
        return t("evaluation.message.resolved", lang, metric=name, month=ev.month, value=value,
                 count=n_months(count, lang), months=months)
    if pd.isna(row["value"]):
        return t("evaluation.message.open_nodata", lang, metric=name, condition=condition, month=ev.month,
                 last=row["months_in_breach"][-1], value=format_value(row["last_value"], metric.unit, lang, currency),
                 opened=row["opened"])
    key = "evaluation.message.new" if row["status"] == "new" else "evaluation.message.ongoing"
    return t(key, lang, metric=name, condition=condition, month=ev.month, value=value,
             count=n_months(count, lang), months=months, opened=row["opened"])


# =========================================================================== summary.json


def _text(value: Any) -> str | None:
    """A month or id from a frame cell; None for a missing one (None or NaN)."""
    return value if isinstance(value, str) and value else None


def _json_number(value: Any) -> Any:
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def alert_records(ev: Evaluation, lang: str = "en", *, currency: str = "CNY") -> list[dict]:
    """The report month's alerts for ``summary.json`` (``ctx.record(alerts=...)``).

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`ecolib.analyses.evaluation.evaluate`).
    lang, currency : str
        The report's language and currency.

    Returns
    -------
    list of dict
        One per alert of :attr:`Evaluation.current`, most severe first, with keys id, rule,
        metric, metric_name (in ``lang``), severity, status, opened, resolved (None while open),
        months_in_breach, value (the metric in the report month, None when missing), threshold
        (the effective limit, or [low, high] for a band), message and action (plain text in
        ``lang``). Plain JSON (no NaN); the same KPIs and rules give the same records.

    See Also
    --------
    ecolib.report.month_index : the month's index page lists these alerts.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.evaluation import Rule, try_rule
    >>> ws = tiny()
    >>> low = Rule("low_output", "output", "<", 0.8, basis="benchmark", months=2)
    >>> record = alert_records(try_rule(ws.tables["kpis"], ws.tables["benchmarks"], "2026-03", low))[0]
    >>> record["status"], record["threshold"], record["months_in_breach"]
    ('resolved', 120.0, ['2026-01', '2026-02'])
    """
    out = []
    for row in ev.current.to_dict("records"):
        rule = ev.rule(row["rule"])
        limit = ev_.threshold_of(rule, row["low"], row["high"])
        threshold: Any = ([_json_number(v) for v in limit] if rule.comparison == "outside"
                          else _json_number(limit))
        out.append({
            "id": row["id"], "rule": row["rule"], "metric": row["metric"],
            "metric_name": name_of(ev.metric(row["metric"]), lang), "severity": row["severity"],
            "status": row["status"], "opened": row["opened"], "resolved": _text(row["resolved"]),
            "months_in_breach": list(row["months_in_breach"]), "value": _json_number(row["value"]),
            "threshold": threshold, "message": alert_message(ev, row, lang, currency),
            "action": action_of(rule, lang),
        })
    return out


# =========================================================================== the page


def headline_cards(ev: Evaluation, lang: str = "en") -> dict[str, str]:
    """Headline figures ``{label: value}``: open alerts by level, new and resolved this month.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.evaluation import evaluate
    >>> ws = tiny()
    >>> list(headline_cards(evaluate(ws.tables["kpis"], month="2026-03"), "en"))[:2]
    ['Open alerts', 'Level 1 (critical) alerts']
    """
    h = ev.headline
    return {
        t("evaluation.card.open", lang): fmt.count(h["alerts_open"]),
        t("evaluation.card.critical", lang): fmt.count(h["open_critical"]),
        t("evaluation.card.warning", lang): fmt.count(h["open_warning"]),
        t("evaluation.card.new", lang): fmt.count(h["alerts_new"]),
        t("evaluation.card.resolved", lang): fmt.count(h["alerts_resolved"]),
    }


def kpis_values(ev: Evaluation) -> dict[str, str]:
    """The placeholders of the month-over-month heading: ``month`` and ``previous``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.evaluation import evaluate
    >>> kpis_values(evaluate(tiny().tables["kpis"], month="2026-03"))
    {'month': '2026-03', 'previous': '2026-02'}
    """
    return {"month": ev.month, "previous": _months.shift(ev.month, -1)}


def findings(ev: Evaluation, lang: str = "en", *, currency: str = "CNY", recent: int = 12) -> list[str]:
    """The findings of the month, at the top of the page.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`ecolib.analyses.evaluation.evaluate`).
    lang, currency : str
        The report's language and currency.
    recent : int, default 12
        The window, in months, of the resolved alerts recalled.

    Returns
    -------
    list of str
        The alert count by level; each alert of the month with its action; rules out of range
        but not yet long enough to open an alert (and when it would open); alerts resolved in
        the last ``recent`` months; months without any KPI; metric gaps; rules that could not
        be checked (with the missing inputs).

    See Also
    --------
    ecolib.analyses.evaluation.Evaluation.watch, ecolib.analyses.evaluation.recent_earlier,
    ecolib.analyses.evaluation.missing_inputs : the numbers behind the sentences.

    Examples
    --------
    >>> from ecolib.analyses.evaluation import evaluate
    >>> import pandas as pd
    >>> findings(evaluate(pd.DataFrame(columns=["month", "metric", "value"]), month="2026-03"))
    ['No indicator data has been reported up to 2026-03; the warning rules cannot be checked.']
    """
    out: list[str] = []
    if not len(ev.history):
        return [t("evaluation.finding.no_kpis", lang, month=ev.month)]
    h = ev.headline
    if h["alerts_open"]:
        levels = (", " if lang == "en" else "，").join(
            t("evaluation.finding.level_count", lang, level=severity_label(s, lang), n=h[f"open_{s}"])
            for s in SEVERITIES if h[f"open_{s}"])
        out.append(t("evaluation.finding.open", lang, month=ev.month, n=h["alerts_open"], levels=levels,
                     new=h["alerts_new"]))
    else:
        key = "evaluation.finding.none_open" if ev.checks else "evaluation.finding.none_checked"
        out.append(t(key, lang, month=ev.month, rules=len(ev.checks)))
    for row in ev.current.to_dict("records"):
        rule = ev.rule(row["rule"])
        message = alert_message(ev, row, lang, currency)
        if row["status"] == "resolved":
            out.append(message)
        else:
            out.append(t("evaluation.finding.alert", lang, level=severity_label(row["severity"], lang),
                         message=message, action=action_of(rule, lang)))
    for row in ev.watch.to_dict("records"):
        rule, metric = ev.rule(row["rule"]), ev.metric(row["metric"])
        out.append(t("evaluation.finding.watch", lang, metric=name_of(metric, lang),
                     condition=describe_rule(rule, ev, lang, currency, metric, consecutive=False),
                     value=format_value(ev.history.at[ev.month, rule.metric], metric.unit, lang, currency),
                     month=ev.month, run=row["run"], needed=row["needed"], deadline=row["deadline"],
                     level=severity_label(row["severity"], lang)))
    earlier = ev_.recent_earlier(ev, recent)
    if len(earlier):
        sep = "; " if lang == "en" else "；"
        items = sep.join(t("evaluation.finding.earlier_item", lang, metric=name_of(ev.metric(r["metric"]), lang),
                           months=months_text(r["months_in_breach"], lang), resolved=r["resolved"])
                         for r in earlier.to_dict("records"))
        out.append(t("evaluation.finding.earlier", lang, n=recent, items=items))
    if ev.missing_months:
        out.append(t("evaluation.finding.missing", lang, months=months_text(ev.missing_months, lang),
                     n=len(ev.missing_months)))
    for mid, holes in ev.gaps.items():
        out.append(t("evaluation.finding.gap", lang, metric=name_of(ev.metric(mid), lang),
                     months=months_text(holes, lang)))
    sep = ", " if lang == "en" else "、"
    for reason in ("no_data", "no_benchmark"):
        rows = ev.skipped[ev.skipped["reason"] == reason]
        if not len(rows):
            continue
        items = []
        for mid in dict.fromkeys(rows["metric"]):
            missing = ev_.missing_inputs(ev, mid)
            item = name_of(ev.metric(mid), lang)
            if missing and missing != [mid]:
                item = t("evaluation.finding.missing_inputs", lang, metric=item, inputs=sep.join(missing))
            items.append(item)
        out.append(t(f"evaluation.finding.skipped_{reason}", lang, items=("; " if lang == "en" else "；").join(items)))
    return out
