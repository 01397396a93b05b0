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
>>> findings(e, "en")[0][:92]
'No warning rule could be checked for 2026-03: the indicators the rules need are not reported'
>>> headline_cards(e, "en")["Open alerts"]      # nothing checked: not evaluated, never 0
'not evaluated'
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ecolib.analyses import evaluation as ev_
from ecolib.analyses.evaluation import SEVERITIES, Evaluation, Metric, Rule
from ecolib.foundations import months as _months
from ecolib.presentation import fmt
from ecolib.presentation.fmt import exact_pct, format_value, unit_text
from ecolib.presentation.i18n import has, t
from ecolib.presentation.names import action_of, name_of

__all__ = ["findings", "headline_cards", "alert_records", "kpis_values", "benchmark_note", "describe_rule", "alert_message",
           "months_text", "n_months", "severity_label", "status_label", "programme_of", "unit_label", "value_vs_benchmark"]


# =========================================================================== labels


def severity_label(severity: str, lang: str = "en") -> str:
    """'critical' → 'Level 1 (critical)' (一级预警 in Chinese)."""
    return t(f"evaluation.severity.{severity}", lang)


def status_label(status: str, lang: str = "en") -> str:
    """'new', 'ongoing', 'resolved' in ``lang``."""
    return t(f"evaluation.status.{status}", lang)


def programme_of(rule: Rule, lang: str = "en") -> str | None:
    """The programme a warning rule starts (the seed's 生态链优化程序, 创新孵化计划, 合规改造,
    定制化培养 for the default rules), in ``lang``; None for a rule without a named programme.

    Examples
    --------
    >>> from ecolib.analyses.evaluation import DEFAULT_RULES
    >>> programme_of(DEFAULT_RULES[0], "en"), programme_of(DEFAULT_RULES[0], "zh")
    ('Ecosystem optimisation programme', '生态链优化程序')
    >>> programme_of(Rule("mine", "output", "<", 1.0), "en") is None
    True
    """
    key = f"evaluation.programme.{rule.id}"
    return t(key, lang) if has(key, lang) else None


def unit_label(metric: Metric, lang: str = "en", currency: str = "CNY") -> str:
    """The unit of a metric as a reader reads it: the metric's own words where its catalogue
    unit is a plain number or a count (energy use: tonnes of standard coal per 10,000 of output;
    patents; people), else the unit's (:func:`ecolib.presentation.fmt.unit_text`).

    Examples
    --------
    >>> from ecolib.analyses.evaluation import CATALOGUE
    >>> unit_label(CATALOGUE["energy_per_output"], "en"), unit_label(CATALOGUE["energy_per_output"], "zh")
    ('tonnes of standard coal per 10,000 CNY of output', '吨标准煤/万元')
    >>> unit_label(CATALOGUE["eco_value_density"], "zh"), unit_label(CATALOGUE["talent_gap"], "en")
    ('元/亩/件专利（月产值）', '%')
    """
    key = f"evaluation.metric_unit.{metric.id}"
    if metric.unit in ("number", "count") and has(key, lang):
        return t(key, lang, currency=currency)
    return unit_text(metric.unit, lang, currency)


def value_vs_benchmark(ev: Evaluation, rule: Rule, value: float, lang: str = "en", *,
                       benchmark: str | None = None) -> str:
    """For a rule set against the benchmark park: the value as a share of the benchmark's level
    ('73% of the level of Riverside Park'); empty for other rules or without a value.

    Examples
    --------
    >>> from ecolib.analyses.evaluation import evaluate
    >>> import pandas as pd
    >>> k = pd.DataFrame({"month": ["2026-01"], "metric": ["output"], "value": [75.0]})
    >>> b = pd.DataFrame({"metric": ["output"], "value": [100.0], "direction": ["higher"]})
    >>> r = Rule("low", "output", "<", 0.8, basis="benchmark")
    >>> value_vs_benchmark(evaluate(k, b, month="2026-01", rules=[r]), r, 75.0, "en", benchmark="Riverside Park")
    '75% of the level of Riverside Park'
    """
    bench = ev.benchmark(rule.metric)
    if rule.basis != "benchmark" or bench is None or not np.isfinite(bench) or bench == 0 or pd.isna(value):
        return ""
    return t("evaluation.of_benchmark", lang, pct=fmt.pct(float(value) / float(bench), 0),
             benchmark=benchmark or t("common.benchmark_park", lang))


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
                 currency: str, benchmark: str | None = None) -> tuple[str, str]:
    """(condition text, effective threshold text) of a rule."""
    bench = ev_or_bench.benchmark(rule.metric) if isinstance(ev_or_bench, Evaluation) else ev_or_bench
    threshold = ev_.rule_threshold(rule, bench)
    value = lambda v: format_value(v, metric.unit, lang, currency, exact=True)  # noqa: E731
    if threshold is None:
        shown = "–"
    elif rule.comparison == "outside":
        shown = t("evaluation.range", lang, low=value(threshold[0]), high=value(threshold[1]))
    else:
        shown = value(threshold)
    word = {"<": "below", "<=": "at_most", ">": "above", ">=": "at_least", "outside": "outside"}[rule.comparison]
    if rule.basis == "benchmark":
        if rule.comparison == "outside":
            factor = t("evaluation.range", lang, low=exact_pct(rule.threshold[0]), high=exact_pct(rule.threshold[1]))
        else:
            factor = exact_pct(rule.threshold)
        name = benchmark or t("common.benchmark_park", lang)
        if bench is None:   # no benchmark value: the rule in its own terms, never a "–" for the missing level
            text = t(f"evaluation.condition.{word}_benchmark_none", lang, factor=factor, benchmark=name)
        else:
            text = t(f"evaluation.condition.{word}_benchmark", lang, factor=factor, threshold=shown,
                     level=format_value(bench, metric.unit, lang, currency), benchmark=name)
    else:
        text = t(f"evaluation.condition.{word}", lang, threshold=shown)
    return text, shown


def describe_rule(rule: Rule, ev: Evaluation | float | None, lang: str = "en", currency: str = "CNY",
                  metric: Metric | None = None, *, consecutive: bool = True, benchmark: str | None = None) -> str:
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
        Whether to add 'for N months in a row' (when the rule needs more than one).
    benchmark : str, optional
        The benchmark park's name (:func:`ecolib.presentation.names.benchmark_name`); default
        "the benchmark park".

    Returns
    -------
    str
        E.g. 'below 0.2598, which is 80% of the 0.3248 reached by the benchmark park, for 3
        months in a row'. In Chinese a value per area is per 亩 (:func:`ecolib.presentation.fmt.metric_value`).

    Examples
    --------
    >>> r = Rule("x", "eco_value_density", "<", 0.8, basis="benchmark", months=3)
    >>> describe_rule(r, 0.3248, "en", benchmark="Riverside Park")
    'below 0.2598, which is 80% of the 0.3248 reached by Riverside Park, for 3 months in a row'
    >>> describe_rule(r, 0.3248, "zh")
    '低于173.2，即标杆园区水平216.5的80%，连续3个月'
    >>> describe_rule(Rule("t", "talent_gap", ">=", 0.25), None, "en")
    'at or above 25%'
    """
    metric = metric or (ev.metric(rule.metric) if isinstance(ev, Evaluation)
                        else ev_.CATALOGUE.get(rule.metric, Metric(rule.metric)))
    condition, _ = _limits_text(ev, rule, metric, lang, currency, benchmark)
    if consecutive and rule.months > 1 and rule.basis == "benchmark" and lang == "en":
        condition += ","
    if consecutive and rule.months > 1:
        condition += t("evaluation.condition.consecutive", lang, n=rule.months)
    return condition


def alert_message(ev: Evaluation, row: Mapping[str, Any], lang: str = "en", currency: str = "CNY", *,
                  benchmark: str | None = None, explain: bool = False) -> str:
    """One alert of the ledger (a row of :attr:`Evaluation.current`) in a sentence: what broke
    the rule, since when, or that it is resolved; an open alert without data in the month says so.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month.
    row : mapping
        A row of :attr:`Evaluation.current`.
    lang, currency : str
        The report's language and currency.
    benchmark : str, optional
        The benchmark park's name; default "the benchmark park".
    explain : bool, default False
        Say what the indicator measures after its name (where the page first names it).

    Returns
    -------
    str
        E.g. 'Talent gap is still at or above 25%: 28.2% in 2026-10. The alert has been open
        since 2026-09; out of range for 2 months (2026-09 – 2026-10).'
    """
    rule = ev.rule(row["rule"])
    metric = ev.metric(row["metric"])
    name = name_of(metric, lang)
    key = f"evaluation.meaning.{metric.id}"
    meaning = t("evaluation.message.meaning", lang, meaning=t(key, lang)) if explain and has(key, lang) else ""
    value = format_value(row["value"], metric.unit, lang, currency)
    condition = describe_rule(rule, ev, lang, currency, metric, consecutive=False, benchmark=benchmark)
    count = len(row["months_in_breach"])
    months = months_text(row["months_in_breach"], lang)
    if row["status"] == "resolved":
        return t("evaluation.message.resolved", lang, metric=name, meaning=meaning, month=ev.month, value=value,
                 count=n_months(count, lang), months=months)
    if pd.isna(row["value"]):
        return t("evaluation.message.open_nodata", lang, metric=name, meaning=meaning, condition=condition,
                 month=ev.month, last=row["months_in_breach"][-1],
                 value=format_value(row["last_value"], metric.unit, lang, currency), opened=row["opened"])
    vs = value_vs_benchmark(ev, rule, row["value"], lang, benchmark=benchmark)
    key = "evaluation.message.new" if row["status"] == "new" else "evaluation.message.ongoing"
    return t(key, lang, metric=name, meaning=meaning, condition=condition, month=ev.month, value=value,
             vs=(t("evaluation.vs_sep", lang) + vs) if vs else "", count=n_months(count, lang), months=months,
             opened=row["opened"])


# =========================================================================== summary.json


def _text(value: Any) -> str | None:
    """A month or id from a frame cell; None for a missing one (None or NaN)."""
    return value if isinstance(value, str) and value else None


def _json_number(value: Any) -> Any:
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def alert_records(ev: Evaluation, lang: str = "en", *, currency: str = "CNY", benchmark: str | None = None) -> list[dict]:
    """The report month's alerts for ``summary.json`` (``ctx.record(alerts=...)``).

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`ecolib.analyses.evaluation.evaluate`).
    lang, currency : str
        The report's language and currency.
    benchmark : str, optional
        The benchmark park's name (in the messages); default "the benchmark park".

    Returns
    -------
    list of dict
        One per alert of :attr:`Evaluation.current`, most severe first, with keys id, rule,
        metric, metric_name (in ``lang``), severity, status, opened, resolved (None while open),
        months_in_breach, value (the metric in the report month, None when missing), threshold
        (the effective limit, or [low, high] for a band), message and action (plain text in
        ``lang``; the programme a rule starts: :func:`programme_of`). Plain JSON (no NaN); the same KPIs and rules give the same records.

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
            "threshold": threshold, "message": alert_message(ev, row, lang, currency, benchmark=benchmark),
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

    Without a checked rule (no indicator values, or none a rule needs) every card says "not
    evaluated", never 0:

    >>> import pandas as pd
    >>> empty = evaluate(pd.DataFrame(columns=["month", "metric", "value"]), month="2026-03")
    >>> headline_cards(empty, "en")["Open alerts"], headline_cards(empty, "zh")["未解除预警"]
    ('not evaluated', '未评估')

    A level none of whose rules was checked (the level-1 rule without a benchmark value, say)
    is "not evaluated" too.
    """
    h = ev.headline
    na = t("evaluation.card.not_evaluated", lang)
    if not ev.checks:
        return {t(f"evaluation.card.{k}", lang): na for k in ("open", "critical", "warning", "new", "resolved")}
    checked = {r.severity for r in ev.evaluated}
    level = lambda s: fmt.count(h[f"open_{s}"]) if s in checked else na  # noqa: E731
    return {
        t("evaluation.card.open", lang): fmt.count(h["alerts_open"]),
        t("evaluation.card.critical", lang): level("critical"),
        t("evaluation.card.warning", lang): level("warning"),
        t("evaluation.card.new", lang): fmt.count(h["alerts_new"]),
        t("evaluation.card.resolved", lang): fmt.count(h["alerts_resolved"]),
    }


def benchmark_note(ev: Evaluation, lang: str = "en", *, benchmark: str | None = None) -> str | None:
    """The sentence for rules measured against the benchmark park when the benchmark has no value
    for their indicator (None when every such rule has one, or there is no such rule).

    Examples
    --------
    >>> import pandas as pd
    >>> from ecolib.analyses.evaluation import evaluate
    >>> k = pd.DataFrame({"month": ["2026-03"], "metric": ["eco_value_density"], "value": [0.3]})
    >>> benchmark_note(evaluate(k, None, month="2026-03"), "en", benchmark="Riverside Park")[:40]
    'No values of Riverside Park were given, '
    >>> benchmark_note(evaluate(k, pd.DataFrame({"metric": ["eco_value_density"], "value": [0.4]}),
    ...                         month="2026-03")) is None
    True
    """
    if not any(r.basis == "benchmark" and ev.benchmark(r.metric) is None for r in ev.rules):
        return None
    return t("evaluation.no_benchmark_values", lang, benchmark=benchmark or t("common.benchmark_park", lang))


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


def findings(ev: Evaluation, lang: str = "en", *, currency: str = "CNY", recent: int = 12,
             benchmark: str | None = None) -> list[str]:
    """The findings of the month, at the top of the page.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`ecolib.analyses.evaluation.evaluate`).
    lang, currency : str
        The report's language and currency.
    recent : int, default 12
        The window, in months, of the resolved alerts recalled.
    benchmark : str, optional
        The benchmark park's name; default "the benchmark park".

    Returns
    -------
    list of str
        The alert count by level; each alert of the month (what the indicator measures, the
        value against its threshold and the benchmark, what to do); rules out of range but not
        yet long enough to open an alert (and when it would open); alerts resolved in the last
        ``recent`` months; what the other rules' indicators measure; months without any KPI;
        metric gaps; rules that could not be checked (with the missing inputs).

    See Also
    --------
    ecolib.analyses.evaluation.Evaluation.watch, ecolib.analyses.evaluation.recent_earlier,
    ecolib.analyses.evaluation.missing_inputs : the numbers behind the sentences.

    Examples
    --------
    >>> from ecolib.analyses.evaluation import evaluate
    >>> import pandas as pd
    >>> findings(evaluate(pd.DataFrame(columns=["month", "metric", "value"]), month="2026-03"))
    ['No indicator data has been reported up to 2026-03; the warning rules cannot be checked (they need monthly indicator values), so no alert was evaluated.']
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
    explained: set[str] = set()
    for row in ev.current.to_dict("records"):
        rule = ev.rule(row["rule"])
        message = alert_message(ev, row, lang, currency, benchmark=benchmark, explain=row["metric"] not in explained)
        explained.add(row["metric"])
        if row["status"] == "resolved":
            out.append(message)
        else:
            out.append(t("evaluation.finding.alert", lang, level=severity_label(row["severity"], lang),
                         message=message, action=action_of(rule, lang)))
    for row in ev.watch.to_dict("records"):
        rule, metric = ev.rule(row["rule"]), ev.metric(row["metric"])
        out.append(t("evaluation.finding.watch", lang, metric=name_of(metric, lang),
                     condition=describe_rule(rule, ev, lang, currency, metric, consecutive=False, benchmark=benchmark),
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
    others = [mid for mid in dict.fromkeys(r.metric for r in ev.rules if r.enabled)
              if mid not in explained and has(f"evaluation.meaning.{mid}", lang)]
    if others:
        sep = "; " if lang == "en" else "；"
        items = sep.join(t("evaluation.finding.meaning_item", lang, metric=name_of(ev.metric(mid), lang),
                           meaning=t(f"evaluation.meaning.{mid}", lang)) for mid in others)
        out.append(t("evaluation.finding.meanings", lang, items=items))
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
