"""Dynamic evaluation system (动态评估体系, DESIGN.md §7): metric catalogue, rules, alert ledger.

Three pieces, each a pure function of tables and options:

* **Metric catalogue** (:data:`CATALOGUE`): every monitored indicator with its unit, its
  direction (is a higher value better?) and, for a derived metric, its formula over the base
  KPIs of the ``kpis`` table. Names in English and Chinese live in
  ``ecolib/presentation/i18n/*/evaluation.yaml`` (``evaluation.metric.<id>``); a workspace may
  give its own. Formulas are small arithmetic expressions over metric ids (see
  :data:`FUNCTIONS` for ``yoy``, ``lag`` and the rest), checked once and evaluated on whole
  monthly columns.
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

Pure: numbers, ids and codes only. The page's sentences, headline cards and the alerts of
``summary.json`` are in :mod:`ecolib.presentation.narrative.evaluation`, its tables in
:mod:`ecolib.presentation.tables.evaluation`; the pure parts they read are :func:`kpi_values`,
:func:`recent_earlier`, :func:`rules_in_force`, :func:`rule_threshold`, :func:`missing_inputs`
and, for the threshold explorer, :func:`rule_for`, :func:`try_rule`, :func:`threshold_span`.

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

from ecolib.contract.problems import Problem
from ecolib.foundations import months as _months
from ecolib.workspace import rules as _rules
# the grammar of rules and formulas lives in ecolib.workspace.rules (below the analyses, used by the settings
# check too); re-exported here, where the evaluation's callers have always found it
from ecolib.workspace.rules import (  # noqa: F401
    BASES, CATALOGUE, COMPARISONS, DEFAULT_RULES, DIRECTIONS, FUNCTIONS, SEVERITIES, UNITS, FormulaError, Metric,
    Rule, RuleError, check_formula, formula_inputs,
)
from ecolib.workspace.settings import Settings
from ecolib.contract.schema import ALERT_STATUSES as STATUSES  # the contract's vocabulary

__all__ = [
    "SEVERITIES", "STATUSES", "COMPARISONS", "UNITS", "FUNCTIONS", "STATES",
    "Metric", "Rule", "RuleError", "Evaluation",
    "CATALOGUE", "DEFAULT_RULES",
    "check_formula", "formula_inputs", "metric_history", "rule_checks", "alert_ledger",
    "parse_settings", "from_settings", "evaluate", "evaluate_workspace",
    "kpi_values", "missing_inputs", "recent_earlier", "ledger_newest_first", "threshold_of", "rule_threshold",
    "rules_in_force", "trial_rule", "rule_for", "explorable_metrics", "try_rule", "threshold_span",
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
    """Every metric per month: one row per calendar month from the first KPI month to ``month``.

    Columns: the catalogue's metrics in catalogue order (base KPIs as reported, derived ones
    computed from their formula), then KPIs of ``kpis`` that are not in the catalogue, sorted.
    A month without KPI rows is a row of NaN, never filled; a derived value is NaN when an input
    is missing, and where the formula divides by zero. KPI rows after ``month`` are ignored, so
    the history up to M does not depend on later data.

    Parameters
    ----------
    kpis : DataFrame
        The kpis table: month (``YYYY-MM``), metric (id), value (in the metric's unit); one row
        per month and metric.
    metrics : mapping of str to Metric, optional
        The metric catalogue (default :data:`CATALOGUE`; a workspace's via :func:`from_settings`).
    month : str, optional
        The last month, ``YYYY-MM`` (default: the last KPI month).

    Returns
    -------
    DataFrame
        Index ``month`` (``YYYY-MM``, every calendar month, oldest first); one float column per
        metric, each in its metric's unit (:attr:`Metric.unit`: share, money, days, …). Empty (no
        rows, the catalogue's columns) when there is no KPI row up to ``month``.

    See Also
    --------
    evaluate : the history with the rule checks and the alert ledger (``Evaluation.history``).
    ecolib.workspace.rules.CATALOGUE : the metrics, units and formulas.

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
    >>> import pandas as pd
    >>> k = pd.DataFrame({"month": ["2026-01", "2026-01", "2026-03", "2026-03"],
    ...                   "metric": ["talent_demand", "talent_supply"] * 2, "value": [100, 80, 100, 70]})
    >>> metric_history(k)[["talent_demand", "talent_supply", "talent_gap"]]   # 2026-02 has no KPI row
             talent_demand  talent_supply  talent_gap
    month
    2026-01          100.0           80.0         0.2
    2026-02            NaN            NaN         NaN
    2026-03          100.0           70.0         0.3
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
    """Month-by-month check of one rule over a metric history.

    Each month is in breach, fine or unknown (no value); an alert opens in the month completing
    ``rule.months`` consecutive breach months and resolves in the first later month with a value
    back within the threshold (life cycle in the module docstring).

    Parameters
    ----------
    history : DataFrame
        Months × metrics (:func:`metric_history`); a metric it lacks is unknown in every month.
    rule : Rule
        The rule to check.
    benchmark : float, optional
        The benchmark value of the rule's metric (needed when ``rule.basis == "benchmark"``;
        without it such a rule has no limits and every month is unknown).

    Returns
    -------
    DataFrame
        Index ``month`` (as ``history``). Columns: ``value`` (the metric, in its unit);
        ``low``/``high`` (the effective limits in the metric's unit, −inf/inf on the open side; NaN
        without limits); ``breach`` (1.0 in breach, 0.0 fine, NaN unknown); ``run`` (int,
        consecutive breach months ending here); ``state`` one of :data:`STATES` (``ok``,
        ``breach``, ``alert``: in breach with an open alert, ``alert_nodata``: alert open, value
        missing, ``nodata``); ``alert`` (the id ``<rule>@<opened>`` of the alert open in that month
        or resolving in it, else missing: None, shown as NaN in pandas' string dtype); ``event``
        ('opened', 'resolved' or '').

    See Also
    --------
    metric_history : builds ``history``.
    alert_ledger : the alerts of these checks.
    evaluate : every rule's checks (``Evaluation.checks``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> h = metric_history(tiny().tables["kpis"], month="2026-03")
    >>> rule_checks(h, Rule("low_output", "output", "<", 120.0, months=2))
             value    low  high  breach  run   state               alert     event
    month
    2026-01  100.0  120.0   inf     1.0    1  breach                 NaN
    2026-02  110.0  120.0   inf     1.0    2   alert  low_output@2026-02    opened
    2026-03  120.0  120.0   inf     0.0    0      ok  low_output@2026-02  resolved
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
    """Every alert opened up to ``month``, from the rules' checks.

    Parameters
    ----------
    checks : mapping of str to DataFrame
        Rule id → :func:`rule_checks` frame; rows after ``month`` are ignored.
    rules : iterable of Rule
        The rules whose checks are read (a rule without a frame in ``checks`` has no alerts).
    month : str
        The report month, ``YYYY-MM``: the alerts' status is as of this month.

    Returns
    -------
    DataFrame
        One row per alert, sorted by severity (:data:`SEVERITIES` order), then opening month, then
        rule id. Columns: id (``<rule>@<opened>``), rule, metric, severity; opened (month),
        resolved (month or None); months_in_breach (list of months, oldest first: the consecutive
        months that opened the alert, then every later breach month while open); status as of
        ``month`` (``new``: opened in it, ``ongoing``, ``resolved``: in or before it); value (the
        metric in ``month``, in its unit; NaN when missing); low, high (the effective limits in
        ``month``, in the metric's unit); last_value (the latest value in breach).

    See Also
    --------
    rule_checks : builds ``checks``.
    evaluate : the ledger of every rule (``Evaluation.ledger``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> h = metric_history(tiny().tables["kpis"], month="2026-03")
    >>> rule = Rule("low_output", "output", "<", 120.0, months=2)
    >>> checks = {rule.id: rule_checks(h, rule)}
    >>> alert_ledger(checks, [rule], "2026-03")[["id", "opened", "resolved", "months_in_breach", "status"]]
                       id   opened resolved    months_in_breach    status
    0  low_output@2026-02  2026-02  2026-03  [2026-01, 2026-02]  resolved
    >>> alert_ledger(checks, [rule], "2026-02")[["id", "resolved", "status", "value", "last_value"]]
                       id resolved status  value  last_value
    0  low_output@2026-02     None    new  110.0       110.0
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
    """The metric catalogue and rules with a workspace's ``rules`` applied, and the problems found.

    :func:`ecolib.workspace.rules.parse_rules` on ``settings['rules']`` (and ``settings['metrics']``
    when present); loaded :class:`Settings` were checked at load and are taken as they are.

    Parameters
    ----------
    settings : mapping or Settings
        A workspace.yaml document (its ``rules``), or loaded settings (their rules, no problems).
    metrics, rules : optional
        The catalogue and rules to start from (default :data:`CATALOGUE`, :data:`DEFAULT_RULES`);
        not used for loaded settings.
    kpi_metrics : iterable of str, optional
        The metric names of the kpis table (a rule on a metric nobody reports is a warning).

    Returns
    -------
    metrics : dict
        Metric id → :class:`Metric`.
    rules : list of Rule
    problems : list of Problem
        Each names the entry (counted from 1), the rule id and the field; severity ``error`` or
        ``warning``.

    See Also
    --------
    from_settings : the same, raising on errors.
    ecolib.workspace.rules.parse_rules : the parser.

    Examples
    --------
    >>> _, rules, problems = parse_settings({"rules": [{"metric": "talent_gap", "threshold": "20%"}]})
    >>> {r.id: r.threshold for r in rules}["talent_gap"], problems
    (0.2, [])
    >>> _, _, problems = parse_settings({"rules": [{"metric": "talent_gap", "threshold": "lots"}]})
    >>> [(p.severity, p.message) for p in problems]
    [('error', "entry 1 (talent_gap), field threshold: expected a number (0.25 or 25%) ... got 'lots'")]
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

    See Also
    --------
    parse_settings : the same, with the problems instead of an error.
    evaluate : takes ``metrics`` and ``rules``.

    Examples
    --------
    >>> metrics, rules = from_settings({"rules": [{"metric": "elasticity", "enabled": False}]})
    >>> {r.id: r.enabled for r in rules}["elasticity"]
    False
    >>> from ecolib.datasets import tiny
    >>> [r.id for r in from_settings(tiny().settings)[1]]       # the default rules
    ['eco_value_density', 'tech_substitution_index', 'policy_compliance', 'talent_gap', 'elasticity']
    >>> from_settings({"rules": [{"metric": "talent_gap", "threshold": "lots"}]})
    Traceback (most recent call last):
    ...
    ecolib.workspace.rules.RuleError: workspace.yaml, key rules: entry 1 (talent_gap), field threshold: ...
    """
    metrics, rules, found = parse_settings(settings)
    errors = [f for f in found if f.severity == "error"]
    if errors:
        raise RuleError(errors)
    return metrics, rules


# =========================================================================== evaluation


@dataclass
class Evaluation:
    """The dynamic evaluation of one report month (built by :func:`evaluate`).

    Attributes
    ----------
    month : str
        The report month, ``YYYY-MM``.
    metrics : dict of str to Metric
        The metric catalogue used.
    rules : list of Rule
        The enabled rules (checked or skipped).
    history : DataFrame
        Months × metrics up to ``month`` (:func:`metric_history`), each metric in its unit.
    benchmarks : Series
        Metric id → benchmark value (in the metric's unit), from the benchmarks table.
    directions : Series
        Metric id → direction of the benchmarks table (``higher`` where it has none).
    checks : dict of str to DataFrame
        Rule id → :func:`rule_checks` frame, for every rule that could be checked.
    ledger : DataFrame
        Every alert opened up to ``month`` (:func:`alert_ledger`).
    skipped : DataFrame
        Rules that could not be checked: columns rule, metric, reason (``no_data``: no value in any
        month; ``no_benchmark``: relative to a benchmark the table does not have).
    missing_months : list of str
        Months without any KPI row between the first KPI month and ``month``.
    gaps : dict of str to list of str
        Metric of a checked rule → the months after its first value where it has no value, the
        months of ``missing_months`` left out.

    Properties: ``evaluated`` (the checked rules), ``current``, ``earlier``, ``watch``,
    ``headline``; methods ``rule``, ``metric``, ``benchmark``.

    See Also
    --------
    evaluate : builds it.
    evaluate_workspace : builds it with a workspace's tables and settings.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> ev = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03",
    ...               rules=[Rule("low_output", "output", "<", 120.0, months=2)])
    >>> ev.month, list(ev.checks), ev.benchmark("output"), ev.missing_months, ev.gaps
    ('2026-03', ['low_output'], 150.0, [], {})
    >>> ev.current[["id", "status", "resolved"]]
                       id    status resolved
    0  low_output@2026-02  resolved  2026-03
    >>> ev.headline["alerts_resolved"], ev.headline["kpi_months"]
    (1, 3)
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
        """The rules that were checked (those with a frame in ``checks``), in rule order."""
        return [r for r in self.rules if r.id in self.checks]

    @property
    def current(self) -> pd.DataFrame:
        """Alerts of the report month: open (new, ongoing) or resolved in the month.

        Columns of :func:`alert_ledger`.
        """
        led = self.ledger
        return led[(led["status"] != "resolved") | (led["resolved"] == self.month)].reset_index(drop=True)

    @property
    def earlier(self) -> pd.DataFrame:
        """Alerts resolved before the report month, latest resolved first.

        Columns of :func:`alert_ledger`.
        """
        led = self.ledger
        old = led[(led["status"] == "resolved") & (led["resolved"] != self.month)]
        return old.sort_values(["resolved", "opened"], ascending=False).reset_index(drop=True)

    @property
    def watch(self) -> pd.DataFrame:
        """Rules in breach in the report month without an open alert yet.

        Columns: rule, metric, severity, run (consecutive breach months so far), needed (months
        that open an alert), since (the first of the run's months), deadline (the month the alert
        opens if the breach goes on).

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> ws = tiny()
        >>> ev = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-01",
        ...               rules=[Rule("low_output", "output", "<", 120.0, months=2)])
        >>> ev.watch
                 rule  metric severity  run  needed    since deadline
        0  low_output  output  warning    1       2  2026-01  2026-02
        """
        rows = []
        for rule in self.evaluated:
            frame = self.checks[rule.id]
            if len(frame) and frame.index[-1] == self.month and frame["state"].iloc[-1] == "breach":
                run = int(frame["run"].iloc[-1])
                rows.append({"rule": rule.id, "metric": rule.metric, "severity": rule.severity, "run": run,
                             "needed": rule.months, "since": str(frame.index[-run]),
                             "deadline": _months.shift(self.month, rule.months - run)})
        return pd.DataFrame(rows, columns=["rule", "metric", "severity", "run", "needed", "since", "deadline"])

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id`` among the evaluation's (enabled) rules.

        Parameters
        ----------
        rule_id : str
            A rule id.

        Returns
        -------
        Rule

        Raises
        ------
        KeyError
            When no enabled rule has that id (disabled rules are not kept); the message lists
            the rules there are.

        Examples
        --------
        >>> import pandas as pd
        >>> k = pd.DataFrame({"month": ["2026-01"], "metric": ["output"], "value": [100.0]})
        >>> ev = evaluate(k, None, month="2026-01")            # the default rules (skipped here: no data)
        >>> ev.rule("talent_gap").comparison, ev.rule("talent_gap").threshold
        ('>=', 0.25)
        >>> ev.rule("no_such_rule")
        Traceback (most recent call last):
        ...
        KeyError: "no enabled rule 'no_such_rule'; the rules are: ..."
        """
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"no enabled rule {rule_id!r}; the rules are: {', '.join(r.id for r in self.rules) or 'none'}")

    def metric(self, metric_id: str) -> Metric:
        """The metric ``metric_id``: the catalogue's, else a plain number metric.

        Parameters
        ----------
        metric_id : str
            A metric id (of the catalogue, or any KPI of the kpis table).

        Returns
        -------
        Metric
            The catalogue's; for another id ``Metric(metric_id, None, "number", direction)`` with the
            direction of the benchmarks table (``higher`` without one, or when it is not a known direction).

        Examples
        --------
        >>> import pandas as pd
        >>> k = pd.DataFrame({"month": ["2026-01"], "metric": ["waste_tons"], "value": [12.0]})
        >>> ev = evaluate(k, pd.DataFrame({"metric": ["waste_tons"], "value": [10.0], "direction": ["lower"]}),
        ...               month="2026-01")
        >>> ev.metric("talent_gap").unit, ev.metric("talent_gap").direction
        ('share', 'lower')
        >>> ev.metric("waste_tons")
        Metric(id='waste_tons', formula=None, unit='number', direction='lower', names={})
        """
        if metric_id in self.metrics:
            return self.metrics[metric_id]
        direction = self.directions.get(metric_id, "higher")
        return Metric(metric_id, None, "number", direction if direction in DIRECTIONS else "higher")

    def benchmark(self, metric_id: str) -> float | None:
        """The benchmark value of a metric, in the metric's unit (None without one).

        Parameters
        ----------
        metric_id : str
            A metric id.

        Returns
        -------
        float or None

        Examples
        --------
        >>> import pandas as pd
        >>> k = pd.DataFrame({"month": ["2026-01"], "metric": ["waste_tons"], "value": [12.0]})
        >>> ev = evaluate(k, pd.DataFrame({"metric": ["waste_tons"], "value": [10.0]}), month="2026-01")
        >>> ev.benchmark("waste_tons"), ev.benchmark("output")
        (10.0, None)
        """
        value = self.benchmarks.get(metric_id)
        return None if value is None or pd.isna(value) else float(value)

    @property
    def headline(self) -> dict:
        """Headline numbers for summary.json.

        alerts_open, alerts_new, alerts_resolved (of the report month), rules_checked,
        rules_skipped, kpi_months (months with KPI rows), missing_months, and open_critical,
        open_warning, open_info (open alerts by severity). Without a checked rule the alert counts
        are None (not evaluated), never 0.

        Examples
        --------
        >>> import pandas as pd
        >>> ev = evaluate(pd.DataFrame(columns=["month", "metric", "value"]), month="2026-03")
        >>> ev.headline["alerts_open"], ev.headline["open_critical"], ev.headline["rules_skipped"]
        (None, None, 5)
        """
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
        if not self.checks:   # nothing evaluated: no count of alerts, not a count of 0
            for key in ("alerts_open", "alerts_new", "alerts_resolved", *(f"open_{s}" for s in SEVERITIES)):
                out[key] = None
        return out


def evaluate(kpis: pd.DataFrame, benchmarks: pd.DataFrame | None = None, *, month: str,
             metrics: Mapping[str, Metric] | None = None, rules: Sequence[Rule] | None = None) -> Evaluation:
    """The dynamic evaluation for ``month``: metric history, rule checks, alert ledger.

    Disabled rules are left out. A rule is skipped (listed in ``skipped``) when its metric has no
    value in any month up to ``month`` (``no_data``) or when it is relative to a benchmark the
    benchmarks table does not have (``no_benchmark``). Rebuilt from the whole KPI history up to
    ``month``: a pure function of the KPIs up to that month.

    Parameters
    ----------
    kpis : DataFrame
        The kpis table (month, metric, value); rows after ``month`` are ignored.
    benchmarks : DataFrame, optional
        The benchmarks table (metric, value, direction); None: no benchmark.
    month : str
        The report month, ``YYYY-MM``.
    metrics : mapping of str to Metric, optional
        The metric catalogue (default :data:`CATALOGUE`).
    rules : sequence of Rule, optional
        The rules (default :data:`DEFAULT_RULES`; a workspace's catalogue and rules via
        :func:`from_settings`).

    Returns
    -------
    Evaluation
        history, benchmarks, directions, checks, ledger, skipped, missing_months, gaps (see
        :class:`Evaluation`).

    Raises
    ------
    ValueError
        When ``month`` is not ``YYYY-MM``.

    See Also
    --------
    from_settings : a workspace's ``metrics`` and ``rules``.
    evaluate_workspace : with the workspace's tables and settings
        (also ``ecolib.analyse(ws, month).evaluation``).
    try_rule : one rule alone.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> ev = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
    >>> ev.skipped["reason"].tolist(), len(ev.ledger)        # the tiny park reports only output
    (['no_data', 'no_data', 'no_data', 'no_data', 'no_data'], 0)
    >>> low = Rule("low_output", "output", "<", 0.8, basis="benchmark", months=2)   # below 80 % of 150
    >>> ev = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03", rules=[low])
    >>> ev.checks["low_output"][["value", "low", "state", "event"]]
             value    low   state     event
    month
    2026-01  100.0  120.0  breach
    2026-02  110.0  120.0   alert    opened
    2026-03  120.0  120.0      ok  resolved
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


def evaluate_workspace(tables: Mapping[str, pd.DataFrame], settings: Settings | Mapping[str, Any], month: str) -> Evaluation:
    """:func:`evaluate` with the workspace's tables and its rule settings applied.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables (kpis; benchmarks when present).
    settings : Settings or mapping
        The workspace settings, or a workspace.yaml document (its ``rules``, see :func:`from_settings`).
    month : str
        The report month, ``YYYY-MM``.

    Returns
    -------
    Evaluation

    Raises
    ------
    RuleError
        When a workspace.yaml document's rules have errors.
    ValueError
        When ``month`` is not ``YYYY-MM``.

    See Also
    --------
    evaluate : the computation.
    from_settings : the metrics and rules of the settings.
    ecolib.analyses.month.MonthModel.evaluation : the same on the month model
        (``ecolib.analyse(ws, month).evaluation``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> ev = evaluate_workspace(ws.tables, ws.settings, "2026-03")
    >>> [r.id for r in ev.rules], len(ev.checks)
    (['eco_value_density', 'tech_substitution_index', 'policy_compliance', 'talent_gap', 'elasticity'], 0)
    """
    metrics, rules = from_settings(settings)
    return evaluate(tables["kpis"], tables.get("benchmarks"), month=month, metrics=metrics, rules=rules)


# =========================================================================== reading the evaluation


def kpi_values(ev: Evaluation) -> pd.DataFrame:
    """The indicators month over month: the report month against the month before.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`evaluate`).

    Returns
    -------
    DataFrame
        One row per metric with a value in the report month or the month before (index
        ``metric``: metric id, catalogue order first). Columns, in the metric's unit:
        ``previous``, ``current``, ``change`` (current − previous); ``relative`` (current /
        previous − 1, a share; NaN when previous is 0); ``benchmark`` (NaN without one);
        ``to_benchmark`` (the level relative to the benchmark, the uncapped ``ratio`` of
        :func:`ecolib.analyses.health.health`: current / benchmark when higher is better,
        benchmark / current when lower is better, current / benchmark for a band or neutral
        metric; 1.0 = as good as the benchmark; NaN unless both are positive); ``trend`` (int: +1
        better, −1 worse, 0 unchanged, unknown, or a band or neutral metric, by the metric's
        direction).

    See Also
    --------
    evaluate : builds ``ev``.
    ecolib.presentation.tables.evaluation.KPIS : the table of these numbers.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
    >>> kpi_values(e)[["previous", "current", "change", "to_benchmark", "trend"]]
            previous  current  change  to_benchmark  trend
    metric
    output     110.0    120.0    10.0           0.8      1
    >>> round(float(kpi_values(e).at["output", "relative"]), 4)       # 120 / 110 − 1
    0.0909
    """
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


def missing_inputs(ev: Evaluation, metric_id: str) -> list[str]:
    """The KPIs without any value up to the report month that a metric needs.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`evaluate`).
    metric_id : str
        A metric id: itself for a base KPI, the base inputs of its formula (through derived
        inputs) for a derived one.

    Returns
    -------
    list of str
        KPI ids (as in the kpis table), in alphabetical order of each formula's inputs (depth first
        through derived inputs), not the order they appear in the formula; empty when every input
        has a value.

    See Also
    --------
    evaluate : builds ``ev``.
    ecolib.workspace.rules.formula_inputs : the inputs of one formula.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
    >>> missing_inputs(e, "talent_gap"), missing_inputs(e, "output")
    (['talent_demand', 'talent_supply'], [])
    >>> missing_inputs(e, "eco_value_density")          # output / area / patents: output is reported
    ['area', 'patents']
    """
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


def recent_earlier(ev: Evaluation, months: int = 12) -> pd.DataFrame:
    """The alerts resolved before the report month, in the last ``months`` months up to it.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`evaluate`).
    months : int, default 12
        The window, in months, ending at the report month: alerts resolved in its ``months - 1``
        months before the report month (those resolved in the report month are in
        :attr:`Evaluation.current`).

    Returns
    -------
    DataFrame
        The rows of :attr:`Evaluation.earlier` (columns of :func:`alert_ledger`) resolved since
        then, latest resolved first.

    See Also
    --------
    Evaluation.earlier : every alert resolved before the report month.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
    >>> len(recent_earlier(e))
    0
    >>> e = try_rule(ws.tables["kpis"], ws.tables["benchmarks"], "2026-03",
    ...              Rule("low_output", "output", "<", 105.0))       # 2026-01 in breach, resolved in 2026-02
    >>> recent_earlier(e)[["id", "resolved"]]
                       id resolved
    0  low_output@2026-01  2026-02
    >>> len(recent_earlier(e, months=1))
    0
    """
    since = _months.shift(ev.month, -(months - 1))
    earlier = ev.earlier
    return earlier[earlier["resolved"] >= since].reset_index(drop=True) if len(earlier) else earlier


def ledger_newest_first(ev: Evaluation) -> pd.DataFrame:
    """The whole alert ledger up to the report month, the latest opened alert first.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`evaluate`).

    Returns
    -------
    DataFrame
        :attr:`Evaluation.ledger` (columns of :func:`alert_ledger`, status as of the report month)
        sorted by opening month, latest first, then rule id.

    See Also
    --------
    alert_ledger : the columns.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> rules = [Rule("low_output", "output", "<", 105.0), Rule("high_output", "output", ">", 115.0)]
    >>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03", rules=rules)
    >>> ledger_newest_first(e)[["id", "opened", "resolved", "status"]]
                        id   opened resolved    status
    0  high_output@2026-03  2026-03     None       new
    1   low_output@2026-01  2026-01  2026-02  resolved
    """
    return ev.ledger.sort_values(["opened", "rule"], ascending=[False, True]).reset_index(drop=True)


def threshold_of(rule: Rule, low: float, high: float) -> float | tuple[float, float]:
    """The limit a rule compares with, from its effective ``(low, high)`` limits.

    Parameters
    ----------
    rule : Rule
        The rule (its comparison).
    low, high : float
        Its effective limits, in the metric's unit (:meth:`Rule.limits`).

    Returns
    -------
    float or tuple of float
        ``low`` for ``<``/``<=``, ``high`` for ``>``/``>=``, ``(low, high)`` for a band (``outside``).

    See Also
    --------
    rule_threshold : the same from the benchmark value.

    Examples
    --------
    >>> threshold_of(DEFAULT_RULES[0], 0.25984, float("inf")), threshold_of(DEFAULT_RULES[-1], 1.2, 1.8)
    (0.25984, (1.2, 1.8))
    """
    if rule.comparison == "outside":
        return low, high
    return low if rule.comparison in ("<", "<=") else high


def rule_threshold(rule: Rule, benchmark: float | None) -> float | tuple[float, float] | None:
    """The effective threshold of a rule, in the metric's unit (a factor of the benchmark applied).

    Parameters
    ----------
    rule : Rule
        The rule.
    benchmark : float or None
        The benchmark value of the rule's metric (used when ``rule.basis == "benchmark"``).

    Returns
    -------
    float, tuple of float or None
        As :func:`threshold_of`; None when the rule is relative to a missing benchmark.

    See Also
    --------
    threshold_of : the limit from the ``(low, high)`` limits.
    Evaluation.benchmark : the benchmark value of a metric.

    Examples
    --------
    >>> round(rule_threshold(DEFAULT_RULES[0], 0.3248), 5), rule_threshold(DEFAULT_RULES[0], None)
    (0.25984, None)
    >>> rule_threshold(DEFAULT_RULES[3], None)                 # talent_gap ≥ 0.25: absolute
    0.25
    """
    limits = rule.limits(benchmark)
    return None if limits is None else threshold_of(rule, *limits)


def rules_in_force(ev: Evaluation) -> pd.DataFrame:
    """The enabled rules, most severe first (then by id), and whether each could be checked.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`evaluate`).

    Returns
    -------
    DataFrame
        Columns: ``rule`` (id), ``metric``, ``severity``, ``checked`` (bool), ``reason`` (why a
        rule was not checked: ``no_data`` or ``no_benchmark``; None when checked), ``benchmark``
        (the metric's benchmark value in its unit, NaN without one), ``low``, ``high`` (the
        effective limits in the metric's unit, −inf/inf on the open side, NaN when relative to a
        missing benchmark).

    See Also
    --------
    evaluate : builds ``ev``.
    ecolib.presentation.tables.evaluation.RULES : the table of the rules in words.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
    >>> rules_in_force(e)[["rule", "severity", "checked", "reason"]].head(2)
                    rule  severity  checked   reason
    0  eco_value_density  critical    False  no_data
    1  policy_compliance   warning    False  no_data
    >>> rules_in_force(e)[["rule", "low", "high"]]
                          rule  low  high
    0        eco_value_density  NaN   NaN
    1        policy_compliance  0.7   inf
    2               talent_gap -inf  0.25
    3  tech_substitution_index -inf  0.60
    4               elasticity  1.2  1.80
    """
    reasons = dict(zip(ev.skipped["rule"], ev.skipped["reason"]))
    ordered = sorted(ev.rules, key=lambda r: (SEVERITIES.index(r.severity), r.id))
    rows = []
    for r in ordered:  # a handful of rules
        bench = ev.benchmark(r.metric)
        limits = r.limits(bench) or (np.nan, np.nan)
        checked = r.id in ev.checks
        rows.append({"rule": r.id, "metric": r.metric, "severity": r.severity, "checked": checked,
                     "reason": None if checked else reasons.get(r.id, "no_data"),
                     "benchmark": np.nan if bench is None else bench,
                     "low": float(limits[0]), "high": float(limits[1])})
    frame = pd.DataFrame(rows, columns=["rule", "metric", "severity", "checked", "reason", "benchmark", "low", "high"])
    frame["reason"] = frame["reason"].astype(object).where(frame["reason"].notna(), None)
    return frame


# =========================================================================== trying a rule


def trial_rule(ev: Evaluation, metric_id: str) -> Rule:
    """A rule to try on a metric that has none.

    Breach on the bad side of the benchmark (or of the metric's median month when there is no
    benchmark): ``<`` it when higher is better (also for a neutral metric), ``>`` it when lower is
    better; a band metric: ``outside`` ±20 % of it.

    Parameters
    ----------
    ev : Evaluation
        An evaluation with the metric's history (:func:`evaluate`).
    metric_id : str
        The metric to try a rule on (a column of ``ev.history``).

    Returns
    -------
    Rule
        Id ``explore_<metric>``, absolute threshold (in the metric's unit; NaN when the metric has
        neither a benchmark nor a value), one month, severity ``warning``.

    See Also
    --------
    rule_for : the metric's own rule when it has one.
    try_rule : evaluates it.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
    >>> r = trial_rule(e, "output")
    >>> r.comparison, r.threshold
    ('<', 150.0)
    >>> e = evaluate(ws.tables["kpis"], None, month="2026-03")              # no benchmark: the median month
    >>> trial_rule(e, "output").threshold
    110.0
    """
    metric = ev.metric(metric_id)
    bench = ev.benchmark(metric_id)
    centre = bench if bench is not None else float(ev.history[metric_id].dropna().median())
    if metric.direction == "band":
        return Rule(f"explore_{metric_id}", metric_id, "outside", (centre * 0.8, centre * 1.2))
    return Rule(f"explore_{metric_id}", metric_id, ">" if metric.direction == "lower" else "<", centre)


def rule_for(ev: Evaluation, metric_id: str, rules: Sequence[Rule] | None = None) -> Rule:
    """The rule to start from on a metric: the first enabled rule on it, else :func:`trial_rule`.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`evaluate`).
    metric_id : str
        The metric.
    rules : sequence of Rule, optional
        The rules to look in (default: the evaluation's rules).

    Returns
    -------
    Rule

    See Also
    --------
    trial_rule : the rule made up for a metric without one.
    try_rule : evaluates a rule alone.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
    >>> rule_for(e, "talent_gap").id, rule_for(e, "output").id
    ('talent_gap', 'explore_output')
    """
    for rule in (ev.rules if rules is None else rules):
        if rule.metric == metric_id and rule.enabled:
            return rule
    return trial_rule(ev, metric_id)


def explorable_metrics(ev: Evaluation) -> list[str]:
    """The metrics worth trying thresholds on.

    Those of the checked rules (in rule order), then every other metric with a value in some
    month up to the report month (history order).

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`evaluate`).

    Returns
    -------
    list of str
        Metric ids, each once.

    See Also
    --------
    rule_for : the rule to start from on one of them.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> explorable_metrics(evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03"))
    ['output']
    """
    with_data = [m for m in ev.history.columns if ev.history[m].notna().any()]
    ruled = list(dict.fromkeys(r.metric for r in ev.evaluated))
    return ruled + [m for m in with_data if m not in ruled]


def try_rule(kpis: pd.DataFrame, benchmarks: pd.DataFrame | None, month: str, rule: Rule, *,
             metrics: Mapping[str, Metric] | None = None) -> Evaluation:
    """The evaluation of one rule alone on the whole KPI history.

    What a changed threshold would have raised; the workspace's rules are not changed.

    Parameters
    ----------
    kpis : DataFrame
        The workspace's kpis table.
    benchmarks : DataFrame or None
        The workspace's benchmarks table.
    month : str
        The report month, ``YYYY-MM``.
    rule : Rule
        The rule to try (e.g. :func:`rule_for` with another threshold).
    metrics : mapping, optional
        The metric catalogue (default :data:`CATALOGUE`).

    Returns
    -------
    Evaluation
        As :func:`evaluate` with ``rules=[rule]``.

    See Also
    --------
    rule_for, trial_rule : a rule to start from.
    threshold_span : the thresholds worth trying.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> low = Rule("low_output", "output", "<", 0.8, basis="benchmark", months=2)   # below 120
    >>> e = try_rule(ws.tables["kpis"], ws.tables["benchmarks"], "2026-03", low)
    >>> e.ledger[["opened", "resolved", "months_in_breach"]].to_dict("records")
    [{'opened': '2026-02', 'resolved': '2026-03', 'months_in_breach': ['2026-01', '2026-02']}]
    """
    return evaluate(kpis, benchmarks, month=month, metrics=metrics, rules=[rule])


def threshold_span(ev: Evaluation, rule: Rule) -> tuple[float, float, float]:
    """A range of thresholds worth trying for a rule: ``(low, high, step)``.

    It covers the metric's values up to the report month and the rule's threshold(s), with a
    quarter of the span as margin on each side, ends rounded out to a round step (1, 2 or 5 ×
    10^k) that gives at most about 200 positions; for a rule relative to the benchmark it is a
    range of factors, covering at least 0.5 – 1.5.

    Parameters
    ----------
    ev : Evaluation
        The evaluation of the report month (:func:`evaluate`).
    rule : Rule
        The rule whose threshold is explored.

    Returns
    -------
    tuple of float
        ``(low, high, step)``, in the metric's unit (factors of the benchmark for a rule with
        ``basis="benchmark"``).

    See Also
    --------
    try_rule : evaluates a threshold.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> e = evaluate(ws.tables["kpis"], ws.tables["benchmarks"], month="2026-03")
    >>> threshold_span(e, trial_rule(e, "output"))
    (87.5, 162.5, 0.5)
    >>> threshold_span(e, Rule("low_output", "output", "<", 0.8, basis="benchmark"))   # factors of 150
    (0.25, 1.75, 0.01)
    """
    values = ev.history[rule.metric].dropna().to_numpy() if rule.metric in ev.history else np.array([])
    bench = ev.benchmark(rule.metric)
    points = list(np.atleast_1d(rule.threshold))
    if rule.basis == "benchmark":
        scaled = values / bench if bench else np.array([])
        lo, hi = min([0.5, *points, *scaled]), max([1.5, *points, *scaled])
    else:
        lo, hi = min([*points, *values]), max([*points, *values])
    pad = (hi - lo) * 0.25 or abs(hi) * 0.25 or 1.0
    lo, hi = lo - pad, hi + pad
    step = _round_step(hi - lo)
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step), step


def _round_step(span: float) -> float:
    """A round step giving about 200 positions over ``span``."""
    if not np.isfinite(span) or span <= 0:
        return 0.01
    raw = span / 200
    power = 10 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10) if m * power >= raw), default=raw))
