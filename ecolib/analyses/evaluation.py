"""Dynamic evaluation system (动态评估体系, DESIGN.md §7): metric catalogue, rules, alert ledger.

Three pieces, each a pure function of tables and options:

* **Metric catalogue** (:data:`CATALOGUE`): every monitored indicator with its unit, its
  direction (is a higher value better?) and, for a derived metric, its formula over the base
  KPIs of the ``kpis`` table. Names in English and Chinese live in ``ecolib/i18n/*/evaluation.yaml``
  (``evaluation.metric.<id>``); a workspace may give its own. Formulas are small arithmetic
  expressions over metric ids (see :data:`FUNCTIONS` for ``yoy``, ``lag`` and the rest), checked
  once and evaluated on whole monthly columns.
* **Rules** (:data:`DEFAULT_RULES`): metric, comparison (``<``, ``<=``, ``>``, ``>=`` or
  ``outside`` a band), threshold (absolute, or a factor of the benchmark value), the number of
  consecutive months in breach before an alert opens, severity and action text.
* **Alert ledger** (:func:`evaluate`): rebuilt from the whole KPI history up to the report month
  every time, so the ledger of month M is a pure function of the KPIs up to M (a rerun, or a run
  after later months arrived, gives the same ledger for M).

Alert life cycle, per rule, month by month over the complete calendar from the first KPI month to
the report month:

* a month is *in breach* when the metric has a value that breaks the threshold, *fine* when it
  has a value that does not, and *unknown* when the value is missing (no KPI rows that month,
  an input of the formula missing, a year-on-year base missing). Missing months are reported,
  never filled;
* an alert **opens** in the month that completes ``months`` consecutive breach months (an
  unknown month interrupts the count: consecutiveness cannot be shown across a gap); its
  ``months_in_breach`` start with those months;
* an open alert stays open through unknown months and **resolves** in the first month with a
  value back within the threshold;
* status as of the report month M: ``new`` (opened in M), ``ongoing`` (opened earlier, still
  open), ``resolved`` (resolved in M; alerts resolved before M are the ledger's history).

Severity follows the design's three-level warning (三级预警):

=============  ==================  ============================================================
severity       level               default rules
=============  ==================  ============================================================
``critical``   一级 (level 1, red)  ecological value density < 80 % of the benchmark for 3
                                   consecutive months → ecosystem optimisation programme
``warning``    二级 (level 2)       technology substitution index > 0.60 → innovation
                                   incubation; policy compliance < 0.70 → compliance
                                   remediation; talent gap ≥ 0.25 → customised training
``info``       三级 (level 3)       elasticity coefficient outside [1.2, 1.8] → watch the
                                   balance of local chain growth and output growth
=============  ==================  ============================================================

Level 1 is the sustained fall of the indicator the source text puts first and answers with a
park-wide programme; level 2 are the three triggers of the source's 三级预警机制, each answered by
one targeted programme; level 3 is the stability band, a signal to watch rather than act.

Workspace overrides (``workspace.yaml``, key ``rules``; parsed and checked at load by
:func:`ecolib.workspace.rules.parse_rules`, through :func:`ecolib.workspace.settings.read_settings`, into
``ws.settings.metrics`` and ``ws.settings.rules``): each entry of the list changes or adds a rule
and/or a metric::

    rules:
      - metric: talent_gap          # id defaults to the metric: overrides the default rule
        threshold: 20%
      - id: talent_gap_severe        # a second rule on the same metric
        metric: talent_gap
        comparison: ">="
        threshold: 0.35
        severity: critical
        action: Emergency recruitment drive
        action_zh: 启动紧急引才计划
      - metric: local_sourcing       # a new derived metric with its own rule
        formula: local_flow_value / output
        name: Local sourcing intensity
        name_zh: 本地配套强度
        unit: share
        direction: higher
        comparison: "<"
        threshold: 0.8
        basis: benchmark             # 80 % of the benchmark value
        months: 2
      - metric: elasticity
        enabled: false               # switch a default rule off

An entry with only metric fields (formula, name, name_zh, unit, direction) and no rule fields
defines or changes a metric without a rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ecolib.presentation.names import action_of, name_of
from ecolib.presentation import fmt
from ecolib.foundations import months as _months
from ecolib.workspace import rules as _rules
from ecolib.presentation.i18n import has, t
from ecolib.contract.problems import Problem
# the grammar of rules and formulas lives in ecolib.workspace.rules (below the analyses, used by the settings
# check too); re-exported here, where the evaluation's callers have always found it
from ecolib.workspace.rules import (  # noqa: F401
    BASES, CATALOGUE, COMPARISONS, DEFAULT_RULES, DIRECTIONS, FUNCTIONS, SEVERITIES, UNITS, FormulaError, Metric,
    Rule, RuleError, check_formula, formula_inputs,
)
from ecolib.workspace.settings import Settings
from ecolib.contract.schema import ALERT_STATUSES as STATUSES  # the contract's vocabulary

__all__ = [
    "SEVERITIES", "STATUSES", "COMPARISONS", "UNITS", "FUNCTIONS",
    "Metric", "Rule", "RuleError", "Evaluation",
    "CATALOGUE", "DEFAULT_RULES",
    "check_formula", "formula_inputs", "metric_history", "rule_checks", "alert_ledger",
    "parse_settings", "from_settings", "evaluate", "evaluate_workspace",
    "format_value", "describe_rule", "missing_inputs",
    "alert_records", "alert_table", "earlier_table", "ledger_table", "rule_table", "kpi_table", "kpi_values",
    "findings", "headline_cards",
    "ALERT_COLUMNS", "EARLIER_COLUMNS", "LEDGER_COLUMNS", "RULE_COLUMNS", "KPI_COLUMNS",
]



class _Columns:
    """Column lookup for formula evaluation: base KPIs from ``frame``, derived metrics from
    ``derived`` as they are computed (kept apart so the frame is built once, not column by column)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.derived: dict[str, pd.Series] = {}

    def __call__(self, name: str) -> pd.Series:
        if name in self.derived:
            return self.derived[name]
        if name in self.frame:
            return self.frame[name]
        return pd.Series(np.nan, index=self.frame.index, dtype="float64")


# =========================================================================== history


def metric_history(kpis: pd.DataFrame, metrics: Mapping[str, Metric] | None = None, *,
                   month: str | None = None) -> pd.DataFrame:
    """Every metric per month: one row per calendar month from the first KPI month to
    ``month`` (default: the last KPI month), one column per metric.

    Columns: the catalogue's metrics in catalogue order (base KPIs as reported, derived ones
    computed from their formula), then KPIs of ``kpis`` that are not in the catalogue, sorted.
    A month without KPI rows is a row of NaN, never filled; a derived value is NaN when an input
    is missing, and where the formula divides by zero. KPI rows after ``month`` are ignored, so
    the history up to M does not depend on later data.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> metric_history(tables["kpis"], month="2026-03")[["output"]]
             output
    month
    2026-01   100.0
    2026-02   110.0
    2026-03   120.0
    """
    metrics = CATALOGUE if metrics is None else metrics
    k = kpis[["month", "metric", "value"]]
    if month is not None:
        k = k[k["month"] <= month]
    if len(k) == 0:
        index = pd.Index([], name="month", dtype="object")
        return pd.DataFrame(index=index, columns=list(metrics), dtype="float64")
    wide = k.pivot(index="month", columns="metric", values="value").astype("float64")
    # months as a plain object index: cheap element access in the per-rule steps
    index = pd.Index(_months.span(str(wide.index.min()), month or str(wide.index.max())), name="month", dtype=object)
    wide = wide.reindex(index)
    extra = sorted(c for c in wide.columns if c not in metrics)
    base = [mid for mid, metric in metrics.items() if not metric.derived]
    columns = _Columns(wide.reindex(columns=base + extra))
    for mid in _rules.derived_order(metrics):
        # never raises: a division by zero, an overflow or a complex value is NaN for that month
        columns.derived[mid] = _rules.evaluate_formula(metrics[mid].formula, columns, index)
    out = pd.concat([columns.frame, pd.DataFrame(columns.derived, index=index)], axis=1)
    return out[list(metrics) + extra].astype("float64")


def _missing_months(kpis: pd.DataFrame, history: pd.DataFrame) -> list[str]:
    present = set(kpis["month"].dropna().unique())
    return [m for m in history.index if m not in present]


# =========================================================================== rule checks


#: Month states of a rule, as in the alert timeline.
STATES = ("ok", "breach", "alert", "alert_nodata", "nodata")


def rule_checks(history: pd.DataFrame, rule: Rule, benchmark: float | None = None) -> pd.DataFrame:
    """Month-by-month check of one rule over ``history`` (see :func:`metric_history`).

    Columns (index: month): ``value``; ``low``/``high`` the effective limits; ``breach``
    (1.0 in breach, 0.0 fine, NaN unknown); ``run`` consecutive breach months ending here;
    ``state`` one of :data:`STATES` (``alert``: in breach with an open alert,
    ``alert_nodata``: alert open, value missing); ``alert`` the id of the alert open in that
    month (or resolving in it), else None; ``event`` 'opened', 'resolved' or ''.
    """
    limits = rule.limits(benchmark)
    values = history[rule.metric] if rule.metric in history else pd.Series(np.nan, index=history.index)
    values = values.astype("float64")
    low, high = limits if limits is not None else (np.nan, np.nan)
    v = values.to_numpy()
    known = ~np.isnan(v) & (limits is not None)
    with np.errstate(invalid="ignore"):
        if rule.comparison == "<":
            bad = v < low
        elif rule.comparison == "<=":
            bad = v <= low
        elif rule.comparison == ">":
            bad = v > high
        elif rule.comparison == ">=":
            bad = v >= high
        else:
            bad = (v < low) | (v > high)
    breach = np.where(known, bad.astype("float64"), np.nan)
    n = len(v)
    hit = breach == 1
    # consecutive breach months ending at each month: the count since the last month that was
    # not in breach (fine or unknown)
    count = np.cumsum(hit)
    run = count - np.maximum.accumulate(np.where(hit, 0, count))
    state = np.where(hit, "breach", np.where(breach == 0, "ok", "nodata")).astype(object)
    alert = np.full(n, None, dtype=object)
    event = np.full(n, "", dtype=object)
    labels = np.asarray(history.index, dtype=object)
    fine = np.flatnonzero(breach == 0)
    end = -1
    # an alert opens where a run reaches `months` outside an open alert and lasts until the next
    # fine month (unknown months keep it open): a loop over alerts, not months
    for start in np.flatnonzero(run == rule.months):
        if start <= end:
            continue
        after = fine[np.searchsorted(fine, start):]
        end = int(after[0]) if len(after) else n
        alert_id = f"{rule.id}@{labels[start]}"
        alert[start:min(end + 1, n)] = alert_id
        state[start:end] = np.where(hit[start:end], "alert", "alert_nodata")
        event[start] = "opened"
        if end < n:
            event[end] = "resolved"
    return pd.DataFrame({"value": v, "low": low, "high": high, "breach": breach, "run": run.astype("int64"),
                         "state": state, "alert": alert, "event": event}, index=history.index)


def alert_ledger(checks: Mapping[str, pd.DataFrame], rules: Iterable[Rule], month: str) -> pd.DataFrame:
    """Every alert opened up to ``month``, from the rules' :func:`rule_checks`.

    Columns: id (``<rule>@<opened>``), rule, metric, severity, opened, resolved (month or None),
    months_in_breach (list of months, oldest first: the consecutive months that opened the alert,
    then every later breach month while open), status as of ``month`` (new, ongoing, resolved),
    value (the metric in ``month``; NaN when missing), low, high (effective limits), last_value
    (the latest value in breach). Sorted by severity, then opening month, then rule id.
    """
    rows = []
    for rule in rules:  # numpy per rule: a few hundred months each
        frame = checks.get(rule.id)
        if frame is None or not len(frame):
            continue
        if frame.index[-1] > month:
            frame = frame.loc[frame.index <= month]
        months = np.asarray(frame.index, dtype=object)
        event = frame["event"].to_numpy(dtype=object)
        alert = frame["alert"].to_numpy(dtype=object)
        breach = frame["breach"].to_numpy() == 1
        run = frame["run"].to_numpy()
        values = frame["value"].to_numpy(dtype="float64")
        last = months[-1]
        for i in np.flatnonzero(event == "opened"):
            alert_id = alert[i]
            span_at = np.flatnonzero(alert == alert_id)
            closed = span_at[event[span_at] == "resolved"]
            resolved = str(months[closed[0]]) if len(closed) else None
            lead = np.arange(i - run[i] + 1, i)  # the consecutive months before opening
            at = np.concatenate([lead, span_at[breach[span_at]]]).astype(int)
            start = str(months[i])
            status = "resolved" if resolved else ("new" if start == month else "ongoing")
            rows.append({
                "id": alert_id, "rule": rule.id, "metric": rule.metric, "severity": rule.severity,
                "opened": start, "resolved": resolved, "months_in_breach": [str(m) for m in months[at]],
                "status": status, "value": float(values[-1]) if last == month else np.nan,
                "low": float(frame["low"].iloc[-1]), "high": float(frame["high"].iloc[-1]),
                "last_value": float(values[at[-1]]) if len(at) else np.nan,
            })
    columns = ["id", "rule", "metric", "severity", "opened", "resolved", "months_in_breach", "status",
               "value", "low", "high", "last_value"]
    ledger = pd.DataFrame(rows, columns=columns)
    ledger["resolved"] = pd.Series([r["resolved"] for r in rows], index=ledger.index, dtype=object)
    if len(ledger):
        rank = ledger["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
        ledger = (ledger.assign(_rank=rank).sort_values(["_rank", "opened", "rule"])
                  .drop(columns="_rank").reset_index(drop=True))
    return ledger


# =========================================================================== settings


def parse_settings(settings: Mapping[str, Any] | Settings, *, metrics: Mapping[str, Metric] | None = None,
                   rules: Sequence[Rule] | None = None, kpi_metrics: Iterable[str] | None = None
                   ) -> tuple[dict[str, Metric], list[Rule], list[Problem]]:
    """The metric catalogue and rules with a workspace's ``rules`` entries applied, and the
    problems found: :func:`ecolib.workspace.rules.parse_rules` on ``settings['rules']`` (and
    ``settings['metrics']`` when present).

    Parameters
    ----------
    settings : mapping or Settings
        A workspace.yaml document (its ``rules``), or loaded settings (their rules, no problems).
    metrics, rules : optional
        The catalogue and rules to start from (default :data:`CATALOGUE`, :data:`DEFAULT_RULES`).
    kpi_metrics : iterable of str, optional
        The metric names of the kpis table (a rule on a metric nobody reports is a warning).

    Returns
    -------
    metrics : dict
    rules : list of Rule
    problems : list of Problem
        Each names the entry (counted from 1), the rule id and the field.

    Examples
    --------
    >>> _, rules, problems = parse_settings({"rules": [{"metric": "talent_gap", "threshold": "20%"}]})
    >>> {r.id: r.threshold for r in rules}["talent_gap"], problems
    (0.2, [])
    """
    if isinstance(settings, Settings):
        return dict(settings.metrics), list(settings.rules), []
    settings = settings if isinstance(settings, Mapping) else {}
    return _rules.parse_rules(settings.get("rules"), metric_entries=settings.get("metrics"), metrics=metrics,
                              defaults=rules, kpi_metrics=kpi_metrics)


def from_settings(settings: Mapping[str, Any] | Settings) -> tuple[dict[str, Metric], list[Rule]]:
    """``(metrics, rules)`` of a workspace's settings.

    Parameters
    ----------
    settings : Settings or mapping
        Loaded settings (checked at load), or a workspace.yaml document.

    Returns
    -------
    metrics : dict
        Metric id → :class:`Metric`.
    rules : list of Rule

    Raises
    ------
    RuleError
        When a document's rules have errors.

    Examples
    --------
    >>> metrics, rules = from_settings({"rules": [{"metric": "elasticity", "enabled": False}]})
    >>> {r.id: r.enabled for r in rules}["elasticity"]
    False
    """
    metrics, rules, found = parse_settings(settings)
    errors = [f for f in found if f.severity == "error"]
    if errors:
        raise RuleError(errors)
    return metrics, rules


# =========================================================================== evaluation


@dataclass
class Evaluation:
    """The dynamic evaluation of one report month.

    ``history``: months × metrics up to ``month`` (:func:`metric_history`); ``benchmarks``:
    metric → benchmark value; ``checks``: rule id → :func:`rule_checks` frame; ``ledger``: every
    alert opened up to ``month`` (:func:`alert_ledger`); ``skipped``: rules that could not be
    checked (columns rule, metric, reason: ``no_data`` or ``no_benchmark``); ``missing_months``:
    months without any KPI row between the first KPI month and ``month``; ``gaps``: metric of an
    evaluated rule → months after its first value where it is missing.
    """

    month: str
    metrics: dict[str, Metric]
    rules: list[Rule]
    history: pd.DataFrame
    benchmarks: pd.Series
    directions: pd.Series
    checks: dict[str, pd.DataFrame]
    ledger: pd.DataFrame
    skipped: pd.DataFrame
    missing_months: list[str]
    gaps: dict[str, list[str]]

    @property
    def evaluated(self) -> list[Rule]:
        return [r for r in self.rules if r.id in self.checks]

    @property
    def current(self) -> pd.DataFrame:
        """Alerts of the report month: open (new, ongoing) or resolved in the month."""
        led = self.ledger
        return led[(led["status"] != "resolved") | (led["resolved"] == self.month)].reset_index(drop=True)

    @property
    def earlier(self) -> pd.DataFrame:
        """Alerts resolved before the report month, newest first."""
        led = self.ledger
        old = led[(led["status"] == "resolved") & (led["resolved"] != self.month)]
        return old.sort_values(["resolved", "opened"], ascending=False).reset_index(drop=True)

    @property
    def watch(self) -> pd.DataFrame:
        """Rules in breach in the report month without an open alert yet: rule, metric, run
        (consecutive breach months so far), needed (months that open an alert), since."""
        rows = []
        for rule in self.evaluated:
            frame = self.checks[rule.id]
            if len(frame) and frame.index[-1] == self.month and frame["state"].iloc[-1] == "breach":
                run = int(frame["run"].iloc[-1])
                rows.append({"rule": rule.id, "metric": rule.metric, "severity": rule.severity, "run": run,
                             "needed": rule.months, "since": str(frame.index[-run])})
        return pd.DataFrame(rows, columns=["rule", "metric", "severity", "run", "needed", "since"])

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def metric(self, metric_id: str) -> Metric:
        if metric_id in self.metrics:
            return self.metrics[metric_id]
        direction = self.directions.get(metric_id, "higher")
        return Metric(metric_id, None, "number", direction if direction in DIRECTIONS else "higher")

    def benchmark(self, metric_id: str) -> float | None:
        value = self.benchmarks.get(metric_id)
        return None if value is None or pd.isna(value) else float(value)

    @property
    def headline(self) -> dict:
        """Headline numbers for summary.json."""
        cur = self.current
        open_ = cur[cur["status"] != "resolved"]
        out = {
            "alerts_open": int(len(open_)),
            "alerts_new": int((cur["status"] == "new").sum()),
            "alerts_resolved": int((cur["status"] == "resolved").sum()),
            "rules_checked": len(self.checks),
            "rules_skipped": int(len(self.skipped)),
            "kpi_months": int(len(self.history) - len(self.missing_months)),
            "missing_months": list(self.missing_months),
        }
        for severity in SEVERITIES:
            out[f"open_{severity}"] = int((open_["severity"] == severity).sum())
        return out


def evaluate(kpis: pd.DataFrame, benchmarks: pd.DataFrame | None = None, *, month: str,
             metrics: Mapping[str, Metric] | None = None, rules: Sequence[Rule] | None = None) -> Evaluation:
    """The dynamic evaluation for ``month``: metric history, rule checks, alert ledger.

    ``kpis``: the kpis table (month, metric, value; rows after ``month`` are ignored);
    ``benchmarks``: the benchmarks table (metric, value, direction) or None; ``metrics`` and
    ``rules``: the catalogue and rules (default :data:`CATALOGUE`, :data:`DEFAULT_RULES`; a
    workspace's via :func:`from_settings`). Disabled rules are left out. A rule is skipped
    (listed in ``skipped``) when its metric has no value in any month up to ``month``
    (``no_data``) or when it is relative to a benchmark the benchmarks table does not have
    (``no_benchmark``).
    """
    if not _months.is_month(month):
        raise ValueError(f"month {month!r} is not YYYY-MM")
    metrics = dict(CATALOGUE if metrics is None else metrics)
    rules = [r for r in (DEFAULT_RULES if rules is None else rules) if r.enabled]
    history = metric_history(kpis, metrics, month=month)
    if len(history) and history.index[-1] != month:  # pragma: no cover - metric_history ends at month
        raise AssertionError("history must end at the report month")
    bench, directions = _rules.benchmark_values(benchmarks)
    checks: dict[str, pd.DataFrame] = {}
    skipped = []
    for rule in rules:
        values = history[rule.metric] if rule.metric in history else pd.Series(dtype="float64")
        benchmark = bench.get(rule.metric)
        benchmark = None if benchmark is None or pd.isna(benchmark) else float(benchmark)
        if not values.notna().any():
            skipped.append({"rule": rule.id, "metric": rule.metric, "reason": "no_data"})
        elif rule.basis == "benchmark" and benchmark is None:
            skipped.append({"rule": rule.id, "metric": rule.metric, "reason": "no_benchmark"})
        else:
            checks[rule.id] = rule_checks(history, rule, benchmark)
    ledger = alert_ledger(checks, [r for r in rules if r.id in checks], month)
    missing = _missing_months(kpis[kpis["month"] <= month], history) if len(history) else []
    gaps = {}
    for rule in rules:
        if rule.id in checks and rule.metric not in gaps:
            values = history[rule.metric]
            first = values.first_valid_index()
            holes = [m for m in values.index[values.isna()] if m > first and m not in missing]
            if holes:
                gaps[rule.metric] = holes
    return Evaluation(month, metrics, rules, history, bench, directions, checks, ledger,
                      pd.DataFrame(skipped, columns=["rule", "metric", "reason"]), missing, gaps)


def trial_rule(ev: Evaluation, metric_id: str) -> Rule:
    """A rule to try on a metric that has none: breach on the bad side of the benchmark (or of
    the metric's median month when there is no benchmark); a band metric: outside ±20 % of it.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
    >>> r = trial_rule(e, "output")
    >>> r.comparison, r.threshold
    ('<', 150.0)
    """
    metric = ev.metric(metric_id)
    bench = ev.benchmark(metric_id)
    centre = bench if bench is not None else float(ev.history[metric_id].dropna().median())
    if metric.direction == "band":
        return Rule(f"explore_{metric_id}", metric_id, "outside", (centre * 0.8, centre * 1.2))
    return Rule(f"explore_{metric_id}", metric_id, ">" if metric.direction == "lower" else "<", centre)


def evaluate_workspace(tables: Mapping[str, pd.DataFrame], settings: Settings | Mapping[str, Any], month: str) -> Evaluation:
    """:func:`evaluate` with the workspace's tables and its rule settings applied."""
    metrics, rules = from_settings(settings)
    return evaluate(tables["kpis"], tables.get("benchmarks"), month=month, metrics=metrics, rules=rules)


# =========================================================================== presentation


from ecolib.presentation.fmt import exact_pct as _round_pct, format_value, unit_text  # noqa: E402,F401  (moving to presentation)


def _limits_text(ev_or_bench, rule: Rule, metric: Metric, lang: str, currency: str) -> tuple[str, str]:
    """(condition text, effective threshold text) of a rule."""
    bench = ev_or_bench.benchmark(rule.metric) if isinstance(ev_or_bench, Evaluation) else ev_or_bench
    limits = rule.limits(bench)
    value = lambda v: format_value(v, metric.unit, lang, currency, exact=True)  # noqa: E731
    if limits is None:
        shown = "–"
    elif rule.comparison == "outside":
        shown = f"{value(limits[0])} – {value(limits[1])}"
    else:
        shown = value(limits[0] if rule.comparison in ("<", "<=") else limits[1])
    word = {"<": "below", "<=": "at_most", ">": "above", ">=": "at_least", "outside": "outside"}[rule.comparison]
    if rule.basis == "benchmark":
        if rule.comparison == "outside":
            factor = f"{_round_pct(rule.threshold[0])} – {_round_pct(rule.threshold[1])}"
        else:
            factor = _round_pct(rule.threshold)
        text = t(f"evaluation.condition.{word}_benchmark", lang, factor=factor, threshold=shown)
    else:
        text = t(f"evaluation.condition.{word}", lang, threshold=shown)
    return text, shown


def describe_rule(rule: Rule, ev: Evaluation | float | None, lang: str = "en", currency: str = "CNY",
                  metric: Metric | None = None, *, consecutive: bool = True) -> str:
    """The rule in words: 'below 80% of the benchmark (0.2598) for 3 consecutive months'
    (without the months part when ``consecutive`` is False). ``ev``: an evaluation (for the
    benchmark and the metric's unit), or the benchmark value itself."""
    metric = metric or (ev.metric(rule.metric) if isinstance(ev, Evaluation) else CATALOGUE.get(rule.metric, Metric(rule.metric)))
    condition, _ = _limits_text(ev, rule, metric, lang, currency)
    if consecutive and rule.months > 1:
        condition += t("evaluation.condition.consecutive", lang, n=rule.months)
    return condition


def _months_text(months: Sequence[str], lang: str) -> str:
    """['2026-08', '2026-09', '2026-10', '2026-12'] → '2026-08 – 2026-10, 2026-12'."""
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


def _n_months(n: int, lang: str) -> str:
    return t("evaluation.n_month" if n == 1 else "evaluation.n_months", lang, n=n)


def severity_label(severity: str, lang: str = "en") -> str:
    return t(f"evaluation.severity.{severity}", lang)


def status_label(status: str, lang: str = "en") -> str:
    return t(f"evaluation.status.{status}", lang)


def _alert_message(ev: Evaluation, row: Mapping[str, Any], lang: str, currency: str) -> str:
    rule = ev.rule(row["rule"])
    metric = ev.metric(row["metric"])
    name = name_of(metric, lang)
    value = format_value(row["value"], metric.unit, lang, currency)
    condition = describe_rule(rule, ev, lang, currency, metric, consecutive=False)
    count = len(row["months_in_breach"])
    months_text = _months_text(row["months_in_breach"], lang)
    if row["status"] == "resolved":
        return t("evaluation.message.resolved", lang, metric=name, month=ev.month, value=value,
                 count=_n_months(count, lang), months=months_text)
    if pd.isna(row["value"]):
        return t("evaluation.message.open_nodata", lang, metric=name, condition=condition, month=ev.month,
                 last=row["months_in_breach"][-1], value=format_value(row["last_value"], metric.unit, lang, currency),
                 opened=row["opened"])
    key = "evaluation.message.new" if row["status"] == "new" else "evaluation.message.ongoing"
    return t(key, lang, metric=name, condition=condition, month=ev.month, value=value,
             count=_n_months(count, lang), months=months_text, opened=row["opened"])


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

    One dict per alert of :attr:`Evaluation.current`, most severe first, with keys id, rule,
    metric, metric_name (in ``lang``), severity, status, opened, resolved (None while open),
    months_in_breach, value (the metric in the report month, None when missing), threshold (the
    effective limit, or [low, high] for a band), message and action (plain text in ``lang``).
    Deterministic: the same KPIs and rules give the same records.
    """
    out = []
    for row in ev.current.to_dict("records"):
        rule = ev.rule(row["rule"])
        if rule.comparison == "outside":
            threshold: Any = [_json_number(row["low"]), _json_number(row["high"])]
        else:
            threshold = _json_number(row["low"] if rule.comparison in ("<", "<=") else row["high"])
        out.append({
            "id": row["id"], "rule": row["rule"], "metric": row["metric"],
            "metric_name": name_of(ev.metric(row["metric"]), lang), "severity": row["severity"],
            "status": row["status"], "opened": row["opened"], "resolved": _text(row["resolved"]),
            "months_in_breach": list(row["months_in_breach"]), "value": _json_number(row["value"]),
            "threshold": threshold, "message": _alert_message(ev, row, lang, currency),
            "action": action_of(rule, lang),
        })
    return out


#: Alert table columns → header keys.
ALERT_COLUMNS = {"severity": "evaluation.col.severity", "metric": "evaluation.col.metric",
                 "status": "evaluation.col.status", "months": "evaluation.col.months_in_breach", "value": "evaluation.col.value",
                 "condition": "evaluation.col.condition", "action": "evaluation.col.action"}
EARLIER_COLUMNS = {"severity": "evaluation.col.severity", "metric": "evaluation.col.metric",
                   "months": "evaluation.col.months_in_breach", "opened": "evaluation.col.opened",
                   "resolved": "evaluation.col.resolved", "condition": "evaluation.col.condition"}


def alert_table(ev: Evaluation, lang: str = "en", *, currency: str = "CNY") -> pd.DataFrame:
    """The report month's alerts as display text (columns of :data:`ALERT_COLUMNS`, plus
    ``opened``); the status says when the alert opened."""
    rows = []
    for row in ev.current.to_dict("records"):
        rule, metric = ev.rule(row["rule"]), ev.metric(row["metric"])
        rows.append({
            "severity": severity_label(row["severity"], lang), "metric": name_of(metric, lang),
            "status": t(f"evaluation.status_since.{row['status']}", lang, opened=row["opened"],
                        resolved=_text(row["resolved"]) or ""),
            "opened": row["opened"],
            "months": t("evaluation.months_list", lang, count=_n_months(len(row["months_in_breach"]), lang),
                        months=_months_text(row["months_in_breach"], lang)),
            "value": format_value(row["value"], metric.unit, lang, currency),
            "condition": describe_rule(rule, ev, lang, currency, metric), "action": action_of(rule, lang)})
    return pd.DataFrame(rows, columns=list(ALERT_COLUMNS))


def earlier_table(ev: Evaluation, lang: str = "en", *, currency: str = "CNY", months: int = 12) -> pd.DataFrame:
    """Alerts resolved before the report month, in the ``months`` months up to it, newest first."""
    since = _months.shift(ev.month, -(months - 1))
    rows = []
    for row in ev.earlier.to_dict("records"):
        if row["resolved"] < since:
            continue
        rule, metric = ev.rule(row["rule"]), ev.metric(row["metric"])
        rows.append({"severity": severity_label(row["severity"], lang), "metric": name_of(metric, lang),
                     "months": _months_text(row["months_in_breach"], lang), "opened": row["opened"],
                     "resolved": row["resolved"], "condition": describe_rule(rule, ev, lang, currency, metric)})
    return pd.DataFrame(rows, columns=list(EARLIER_COLUMNS))


LEDGER_COLUMNS = {"severity": "evaluation.col.severity", "metric": "evaluation.col.metric",
                  "status": "evaluation.col.status", "opened": "evaluation.col.opened",
                  "resolved": "evaluation.col.resolved", "months": "evaluation.col.months_in_breach"}


def ledger_table(ev: Evaluation, lang: str = "en") -> pd.DataFrame:
    """The whole ledger up to the report month as display text, newest alert first (columns of
    :data:`LEDGER_COLUMNS`; status as of the report month, 'resolved' for every closed alert)."""
    rows = []
    for row in ev.ledger.sort_values(["opened", "rule"], ascending=[False, True]).to_dict("records"):
        rows.append({"severity": severity_label(row["severity"], lang), "metric": name_of(ev.metric(row["metric"]), lang),
                     "status": status_label(row["status"], lang), "opened": row["opened"],
                     "resolved": _text(row["resolved"]) or "–",
                     "months": t("evaluation.months_list", lang, count=_n_months(len(row["months_in_breach"]), lang),
                                 months=_months_text(row["months_in_breach"], lang))})
    return pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))


RULE_COLUMNS = {"severity": "evaluation.col.severity", "metric": "evaluation.col.metric",
                "condition": "evaluation.col.condition", "action": "evaluation.col.action",
                "checked": "evaluation.col.checked"}


def rule_table(ev: Evaluation, lang: str = "en", *, currency: str = "CNY") -> pd.DataFrame:
    """The rules in force, most severe first, with whether each could be checked."""
    reasons = dict(zip(ev.skipped["rule"], ev.skipped["reason"]))
    ordered = sorted(ev.rules, key=lambda r: (SEVERITIES.index(r.severity), r.id))
    rows = [{"severity": severity_label(r.severity, lang), "metric": name_of(ev.metric(r.metric), lang),
             "condition": describe_rule(r, ev, lang, currency),
             "action": action_of(r, lang),
             "checked": t("evaluation.checked.yes", lang) if r.id in ev.checks
             else t(f"evaluation.checked.{reasons.get(r.id, 'no_data')}", lang)} for r in ordered]
    return pd.DataFrame(rows, columns=list(RULE_COLUMNS))


KPI_COLUMNS = {"metric": "evaluation.col.metric", "unit": "evaluation.col.unit",
               "previous": "evaluation.col.previous", "current": "evaluation.col.current",
               "change": "evaluation.col.change", "benchmark": "evaluation.col.benchmark",
               "to_benchmark": "evaluation.col.to_benchmark"}


def kpi_values(ev: Evaluation) -> pd.DataFrame:
    """Month over month, per metric with a value in the report month or the month before:
    previous, current, change (current − previous), relative (current / previous − 1),
    benchmark, to_benchmark (the level relative to the benchmark, the uncapped ``ratio`` of
    :func:`ecolib.analyses.health.health`:
    current / benchmark when higher is better, benchmark / current when lower is better; 1.0 = as
    good as the benchmark), trend (+1 better, −1 worse, 0 unchanged or
    neutral, by the metric's direction), index: metric id in catalogue order."""
    prev_month = _months.shift(ev.month, -1)
    hist = ev.history
    cur = hist.loc[ev.month] if ev.month in hist.index else pd.Series(np.nan, index=hist.columns)
    prev = hist.loc[prev_month] if prev_month in hist.index else pd.Series(np.nan, index=hist.columns)
    frame = pd.DataFrame({"previous": prev, "current": cur})
    frame = frame[frame["previous"].notna() | frame["current"].notna()]
    frame["change"] = frame["current"] - frame["previous"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["relative"] = (frame["current"] / frame["previous"] - 1).where(frame["previous"] != 0)
    frame["benchmark"] = [ev.benchmark(m) for m in frame.index]
    frame["benchmark"] = frame["benchmark"].astype("float64")
    sign = pd.Series([{"higher": 1, "lower": -1}.get(ev.metric(m).direction, 0) for m in frame.index],
                     index=frame.index, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = frame["current"] / frame["benchmark"]
        level = ratio.where(sign >= 0, 1 / ratio)
    frame["to_benchmark"] = level.where((frame["benchmark"] > 0) & (frame["current"] > 0))
    frame["trend"] = (np.sign(frame["change"]) * sign).fillna(0).astype(int)
    frame.index.name = "metric"
    return frame


def kpi_table(ev: Evaluation, lang: str = "en", *, currency: str = "CNY") -> pd.DataFrame:
    """:func:`kpi_values` as display text (columns of :data:`KPI_COLUMNS`). Changes of shares
    are in percentage points, other changes in percent, followed by 'better' or 'worse' by the
    metric's direction."""
    values = kpi_values(ev)
    rows = []
    for mid, row in values.iterrows():  # one row per metric: a few dozen at most
        metric = ev.metric(mid)
        shown_change = np.nan
        if pd.isna(row["change"]):
            change = "–"
        elif metric.unit == "share":
            shown_change = round(100 * row["change"], 1)
            change = t("evaluation.pp", lang, n=f"{shown_change:+.1f}" if shown_change else "0.0")
        elif pd.notna(row["relative"]):
            shown_change = round(100 * row["relative"], 1)
            change = f"{shown_change:+.1f}%" if shown_change else "0.0%"
        else:
            change = format_value(row["change"], metric.unit, lang, currency)
        if row["trend"] and change != "–" and shown_change != 0:
            change += " " + t("evaluation.trend.better" if row["trend"] > 0 else "evaluation.trend.worse", lang)
        rows.append({"metric": name_of(metric, lang), "unit": unit_text(metric.unit, lang, currency),
                     "previous": format_value(row["previous"], metric.unit, lang, currency),
                     "current": format_value(row["current"], metric.unit, lang, currency),
                     "change": change,
                     "benchmark": format_value(row["benchmark"], metric.unit, lang, currency),
                     "to_benchmark": fmt.pct(row["to_benchmark"], 0)})
    return pd.DataFrame(rows, columns=list(KPI_COLUMNS))


def headline_cards(ev: Evaluation, lang: str = "en") -> dict[str, str]:
    """Headline figures ``{label: value}``: open alerts by level, new and resolved this month."""
    h = ev.headline
    return {
        t("evaluation.card.open", lang): fmt.count(h["alerts_open"]),
        t("evaluation.card.critical", lang): fmt.count(h["open_critical"]),
        t("evaluation.card.warning", lang): fmt.count(h["open_warning"]),
        t("evaluation.card.new", lang): fmt.count(h["alerts_new"]),
        t("evaluation.card.resolved", lang): fmt.count(h["alerts_resolved"]),
    }


def findings(ev: Evaluation, lang: str = "en", *, currency: str = "CNY", recent: int = 12) -> list[str]:
    """Plain-language findings of the month, in ``lang``: the alert count, each alert of the
    month with its action, rules close to opening an alert, alerts resolved in the last
    ``recent`` months, missing data and rules that could not be checked."""
    out: list[str] = []
    if not len(ev.history):
        return [t("evaluation.finding.no_kpis", lang, month=ev.month)]
    h = ev.headline
    cur = ev.current
    if h["alerts_open"]:
        levels = (", " if lang == "en" else "，").join(
            t("evaluation.finding.level_count", lang, level=severity_label(s, lang), n=h[f"open_{s}"])
            for s in SEVERITIES if h[f"open_{s}"])
        out.append(t("evaluation.finding.open", lang, month=ev.month, n=h["alerts_open"], levels=levels,
                     new=h["alerts_new"]))
    else:
        key = "evaluation.finding.none_open" if ev.checks else "evaluation.finding.none_checked"
        out.append(t(key, lang, month=ev.month, rules=len(ev.checks)))
    for row in cur.to_dict("records"):
        rule = ev.rule(row["rule"])
        message = _alert_message(ev, row, lang, currency)
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
                     month=ev.month, run=row["run"], needed=row["needed"],
                     deadline=_months.shift(ev.month, row["needed"] - row["run"]),
                     level=severity_label(row["severity"], lang)))
    since = _months.shift(ev.month, -(recent - 1))
    earlier = ev.earlier[ev.earlier["resolved"] >= since] if len(ev.earlier) else ev.earlier
    if len(earlier):
        sep = "; " if lang == "en" else "；"
        items = sep.join(t("evaluation.finding.earlier_item", lang, metric=name_of(ev.metric(r["metric"]), lang),
                           months=_months_text(r["months_in_breach"], lang), resolved=r["resolved"])
                         for r in earlier.to_dict("records"))
        out.append(t("evaluation.finding.earlier", lang, n=recent, items=items))
    if ev.missing_months:
        out.append(t("evaluation.finding.missing", lang, months=_months_text(ev.missing_months, lang),
                     n=len(ev.missing_months)))
    for mid, holes in ev.gaps.items():
        out.append(t("evaluation.finding.gap", lang, metric=name_of(ev.metric(mid), lang),
                     months=_months_text(holes, lang)))
    sep = ", " if lang == "en" else "、"
    for reason in ("no_data", "no_benchmark"):
        rows = ev.skipped[ev.skipped["reason"] == reason]
        if not len(rows):
            continue
        items = []
        for mid in dict.fromkeys(rows["metric"]):
            missing = missing_inputs(ev, mid)
            item = name_of(ev.metric(mid), lang)
            if missing and missing != [mid]:
                item = t("evaluation.finding.missing_inputs", lang, metric=item, inputs=sep.join(missing))
            items.append(item)
        out.append(t(f"evaluation.finding.skipped_{reason}", lang, items=("; " if lang == "en" else "；").join(items)))
    return out


def missing_inputs(ev: Evaluation, metric_id: str) -> list[str]:
    """The KPIs (ids, as in the kpis table) without any value up to the report month that
    ``metric_id`` needs: itself for a base KPI, the base inputs of its formula otherwise."""
    seen: set[str] = set()
    base: list[str] = []
    stack = [metric_id]
    while stack:  # walks the formula tree: a handful of metrics
        mid = stack.pop()
        if mid in seen:
            continue
        seen.add(mid)
        metric = ev.metrics.get(mid)
        if metric is not None and metric.derived:
            stack.extend(sorted(formula_inputs(metric.formula), reverse=True))
        else:
            base.append(mid)
    hist = ev.history
    return [m for m in base if m not in hist or not hist[m].notna().any()]


