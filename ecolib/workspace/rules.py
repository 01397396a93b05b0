"""The grammar of evaluation rules and metric formulas (DESIGN.md §7): a foundation module.

What a rule or a metric is (:class:`Rule`, :class:`Metric`), the default catalogue and rules
(:data:`CATALOGUE`, :data:`DEFAULT_RULES`), the formula language (:func:`parse_formula`,
:func:`evaluate_formula`) and the reading of the ``rules`` entries of workspace.yaml
(:func:`parse_rules`). It sits below the analyses and beside the settings layer: the settings
check of :mod:`ecolib.workspace.settings` and the evaluation of :mod:`ecolib.analyses.evaluation` both use it, so
what the settings accept is exactly what the evaluation computes. It imports no analysis module.

Formulas cannot fail once accepted
----------------------------------
A formula is a small arithmetic expression (``+ - * / **``, numbers, metric ids and the
functions of :data:`FUNCTIONS`) of at most :data:`FORMULA_MAX_LENGTH` characters. It is refused
at load, with the reason, when it is wrong whatever the data:

* a division by a constant zero (``1/0``, ``x / (1 - 1)``), a constant part that overflows
  (``10 ** 400``, ``1e400``) or is not a real number (``(0-1) ** 0.5``);
* a literal exponent larger than :data:`MAX_EXPONENT` in size (``x ** 400``);
* a number of months (``lag(x, k)``, ``avg(x, k)``) that is not a whole number from 1 to
  :data:`MAX_MONTHS` written as a number (``lag(x, 10**20)``, ``lag(x, 0)``).

What depends on the data is evaluated so that it cannot raise (:func:`evaluate_formula`): in
float64 with numpy's floating-point errors ignored, a division by zero, an overflow or a negative
number to a fractional power gives a missing value (NaN) for that month, never an exception, and
a missing value is reported as "not evaluated", never as 0.
"""
from __future__ import annotations

import ast
import graphlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np
import pandas as pd

from ecolib.workspace.numtext import parse_number
from ecolib.contract.problems import Problem, clip, suggest
from ecolib.contract.schema import SEVERITIES

__all__ = [
    "SEVERITIES", "COMPARISONS", "DIRECTIONS", "BASES", "UNITS", "FUNCTIONS",
    "FORMULA_MAX_LENGTH", "MAX_MONTHS", "MAX_EXPONENT", "THRESHOLD_LIMIT",
    "Metric", "Rule", "RuleError", "FormulaError", "CATALOGUE", "DEFAULT_RULES",
    "benchmark_values", "parse_formula", "check_formula", "formula_inputs", "evaluate_formula", "derived_order", "parse_rules",
]

#: Comparisons a rule can make; a month is in breach when ``value <comparison> threshold``
#: (``outside``: value < low or value > high).
COMPARISONS = ("<", "<=", ">", ">=", "outside")
DIRECTIONS = ("higher", "lower", "band", "neutral")
BASES = ("absolute", "benchmark")

#: Display units: how values are formatted. A metric with another unit text is formatted as a
#: plain number followed by that text.
UNITS = ("share", "ratio", "days", "count", "money", "area", "density", "number")

#: Functions a formula may use (x: a metric or expression; k: a whole number of months ≥ 1).
FUNCTIONS = {
    "lag": "lag(x, k): the value k months earlier (k defaults to 1)",
    "yoy": "yoy(x): year-on-year growth, x / lag(x, 12) − 1",
    "mom": "mom(x): month-on-month growth, x / lag(x, 1) − 1",
    "avg": "avg(x, k): mean of the k months ending with this one (missing if any is missing)",
    "abs": "abs(x): absolute value",
    "min": "min(x, y): the smaller of two values",
    "max": "max(x, y): the larger of two values",
}
_ARITY = {"lag": (1, 2), "yoy": (1, 1), "mom": (1, 1), "avg": (2, 2), "abs": (1, 1), "min": (2, 2), "max": (2, 2)}
_MONTH_ARG = {"lag": 1, "avg": 1}  # functions whose second argument is a number of months


class RuleError(ValueError):
    """Rules or metric definitions that cannot be used; the message lists every problem."""

    def __init__(self, problems: Sequence[Any]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# =========================================================================== catalogue


@dataclass(frozen=True)
class Metric:
    """One monitored indicator.

    ``formula`` is None for a base KPI (read from ``kpis``), else an expression over other
    metric ids. ``unit`` is one of :data:`UNITS` or free text; ``direction`` one of higher,
    lower (which values are better), band (a healthy range) or neutral. ``names`` holds the
    workspace's own names (``{"en": ..., "zh": ...}``); when empty, the catalogue's (:func:`ecolib.presentation.names.name_of`).
    """

    id: str
    formula: str | None = None
    unit: str = "number"
    direction: str = "higher"
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def derived(self) -> bool:
        return self.formula is not None



def _m(id: str, unit: str, direction: str, formula: str | None = None) -> Metric:
    return Metric(id, formula, unit, direction)


#: The default metric catalogue (DESIGN.md §7), derived metrics first. Units: see :data:`UNITS`.
CATALOGUE: dict[str, Metric] = {m.id: m for m in (
    # derived metrics
    _m("eco_value_density", "density", "higher", "output / area / patents"),
    _m("talent_gap", "share", "lower", "(talent_demand - talent_supply) / talent_demand"),
    _m("elasticity", "ratio", "band", "yoy(local_flow_value) / yoy(output)"),
    _m("value_flow_efficiency", "share", "higher", "1 - transaction_cost_share"),
    _m("local_flow_yoy", "share", "higher", "yoy(local_flow_value)"),
    _m("output_yoy", "share", "higher", "yoy(output)"),
    # base KPIs, as reported in kpis
    _m("tech_substitution_index", "share", "lower"),
    _m("policy_compliance", "share", "higher"),
    _m("tech_adoption_days", "days", "lower"),
    _m("chain_repair_days", "days", "lower"),
    _m("transaction_cost_share", "share", "lower"),
    _m("output", "money", "higher"),
    _m("local_flow_value", "money", "higher"),
    _m("area", "area", "neutral"),
    _m("patents", "count", "higher"),
    _m("talent_demand", "count", "neutral"),
    _m("talent_supply", "count", "higher"),
    _m("tech_transactions", "count", "higher"),
    _m("standards_participation", "count", "higher"),
    _m("equipment_utilization", "share", "higher"),
    _m("order_response_days", "days", "lower"),
    _m("collab_project_survival", "share", "higher"),
    _m("patent_conversion_rate", "share", "higher"),
    _m("energy_per_output", "number", "lower"),
)}


# =========================================================================== rules


@dataclass(frozen=True)
class Rule:
    """An alert rule (DESIGN.md §7).

    A month is in breach when ``value <comparison> threshold``; for ``outside`` the threshold
    is a pair ``(low, high)`` and a month is in breach below low or above high. With
    ``basis = "benchmark"`` the threshold is a factor of the benchmark value (0.8 → 80 % of
    the benchmark). An alert opens after ``months`` consecutive months in breach.
    ``actions`` holds the workspace's own action text per language; when empty, the
    catalogue's ``evaluation.action.<id>`` (:func:`ecolib.presentation.names.action_of`).
    """

    id: str
    metric: str
    comparison: str
    threshold: float | tuple[float, float]
    basis: str = "absolute"
    months: int = 1
    severity: str = "warning"
    actions: Mapping[str, str] = field(default_factory=dict)
    enabled: bool = True


    def limits(self, benchmark: float | None) -> tuple[float, float] | None:
        """The effective (low, high) limits: for ``<``/``<=`` the threshold is the low limit,
        for ``>``/``>=`` the high limit (the other side is ±inf); None when the rule is relative
        to a benchmark that is missing."""
        factor = 1.0
        if self.basis == "benchmark":
            if benchmark is None or not np.isfinite(benchmark):
                return None
            factor = float(benchmark)
        if self.comparison == "outside":
            low, high = self.threshold
            return low * factor, high * factor
        value = float(self.threshold) * factor
        return (value, math.inf) if self.comparison in ("<", "<=") else (-math.inf, value)


#: The default rules of DESIGN.md §7, with the severity of the three-level warning (see the
#: module docstring). Rule ids equal their metric, so ``- metric: talent_gap`` overrides.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("eco_value_density", "eco_value_density", "<", 0.8, basis="benchmark", months=3, severity="critical"),
    Rule("tech_substitution_index", "tech_substitution_index", ">", 0.60, severity="warning"),
    Rule("policy_compliance", "policy_compliance", "<", 0.70, severity="warning"),
    Rule("talent_gap", "talent_gap", ">=", 0.25, severity="warning"),
    Rule("elasticity", "elasticity", "outside", (1.2, 1.8), severity="info"),
)


# =========================================================================== formulas

#: Characters of a formula at most.
FORMULA_MAX_LENGTH = 500
#: The largest number of months a formula (``lag``, ``avg``) or a rule (``months``) may use: 20 years.
MAX_MONTHS = 240
#: The largest literal exponent in size (``x ** 100``): beyond it any value overflows or vanishes.
MAX_EXPONENT = 100
#: The largest threshold in size a rule may have.
THRESHOLD_LIMIT = 1e15


class FormulaError(ValueError):
    """A formula that cannot be used; the message says why, for park office staff."""


def _text(node: ast.AST) -> str:
    return clip(ast.unparse(node))


def _constant(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormulaError(f"{clip(repr(value))} is not a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise FormulaError("a number in the formula is too large to compute with")
    return number


def _months_arg(name: str, arg: ast.AST) -> int:
    ok = (isinstance(arg, ast.Constant) and isinstance(arg.value, int) and not isinstance(arg.value, bool)
          and 1 <= arg.value <= MAX_MONTHS)
    if not ok:
        raise FormulaError(f"{name}: the number of months must be a whole number ≥ 1 and at most {MAX_MONTHS}, "
                           f"written as a number, not '{_text(arg)}'")
    return arg.value


def _check(node: ast.AST) -> float | None:
    """Check one node of a formula; its value when it is a constant, else None."""
    if isinstance(node, ast.Constant):
        return _constant(node.value)
    if isinstance(node, ast.Name):
        return None
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            raise FormulaError("only + − * / ** are allowed")
        value = _check(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            raise FormulaError("only + − * / ** are allowed")
        left, right = _check(node.left), _check(node.right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise FormulaError(f"divides by zero: the divisor '{_text(node.right)}' is always 0")
        if isinstance(node.op, ast.Pow) and right is not None:
            if abs(right) > MAX_EXPONENT:
                raise FormulaError(f"the exponent in '{_text(node)}' is out of range: at most {MAX_EXPONENT} "
                                   "in size")
            if left is not None and left < 0 and right % 1:
                raise FormulaError(f"'{_text(node)}' is not a real number (a negative number to a fractional "
                                   "power)")
            if left == 0 and right < 0:
                raise FormulaError(f"divides by zero: '{_text(node)}' is 0 to a negative power")
        if left is None or right is None:
            return None
        value = _binary(node.op, np.float64(left), np.float64(right))
        if not np.isfinite(value):
            raise FormulaError(f"'{_text(node)}' is too large (it overflows)")
        return float(value)
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            raise FormulaError(f"unknown function {clip(name or ast.unparse(node.func))!r} (known: {known})")
        low, high = _ARITY[name]
        if node.keywords or not low <= len(node.args) <= high:
            raise FormulaError(f"{FUNCTIONS[name]}")
        for position, arg in enumerate(node.args):
            if position == _MONTH_ARG.get(name):
                _months_arg(name, arg)
            else:
                _check(arg)
        return None
    raise FormulaError(f"'{_text(node)}' is not allowed in a formula")


def parse_formula(formula: str) -> ast.Expression:
    """The syntax tree of a formula that cannot fail when evaluated; :class:`FormulaError` else.

    Parameters
    ----------
    formula : str
        E.g. ``"local_flow_value / output"``, ``"yoy(output)"``, ``"avg(talent_gap, 3)"``.

    Returns
    -------
    ast.Expression

    Raises
    ------
    FormulaError
        Not a formula of the grammar, or wrong whatever the data (see the module docstring).

    Examples
    --------
    >>> ast.unparse(parse_formula("output / area"))
    'output / area'
    >>> parse_formula("10 ** 400")
    Traceback (most recent call last):
    ...
    ecolib.workspace.rules.FormulaError: the exponent in '10 ** 400' is out of range: at most 100 in size
    """
    text = str(formula).strip()
    if len(text) > FORMULA_MAX_LENGTH:
        raise FormulaError(f"the formula is {len(text):,} characters long; at most {FORMULA_MAX_LENGTH} "
                           "are allowed")
    try:
        tree = ast.parse(text, mode="eval")
        _check(tree.body)
    except SyntaxError as exc:
        raise FormulaError(f"not a valid formula ({exc.msg})") from None
    except (RecursionError, MemoryError):
        raise FormulaError("the formula is nested too deeply") from None
    return tree


def check_formula(formula: str) -> str | None:
    """None when ``formula`` is a valid formula (:func:`parse_formula`), else what is wrong with it.

    Parameters
    ----------
    formula : str

    Returns
    -------
    str or None

    Examples
    --------
    >>> check_formula("output / area") is None
    True
    >>> check_formula("(0-1) ** 0.5")
    "'(0 - 1) ** 0.5' is not a real number (a negative number to a fractional power)"
    >>> check_formula("lag(output, 10**20)")
    "lag: the number of months must be a whole number ≥ 1 and at most 240, written as a number, not '10 ** 20'"
    """
    try:
        parse_formula(formula)
    except FormulaError as exc:
        return str(exc)
    return None


def formula_inputs(formula: str) -> set[str]:
    """The metric ids a (valid) formula reads.

    Parameters
    ----------
    formula : str

    Returns
    -------
    set of str

    Examples
    --------
    >>> sorted(formula_inputs("yoy(local_flow_value) / yoy(output)"))
    ['local_flow_value', 'output']
    """
    tree = parse_formula(formula)
    functions = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in functions}


def _binary(op: ast.operator, left: Any, right: Any) -> Any:
    with np.errstate(all="ignore"):
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            return left / right
        return left ** right


def _eval(node: ast.AST, column: Callable[[str], pd.Series], constant: Callable[[Any], pd.Series]) -> Any:
    if isinstance(node, ast.Expression):
        return _eval(node.body, column, constant)
    if isinstance(node, ast.Constant):
        return np.float64(node.value)
    if isinstance(node, ast.Name):
        return column(node.id)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, column, constant)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        return _binary(node.op, _eval(node.left, column, constant), _eval(node.right, column, constant))
    if isinstance(node, ast.Call):
        name = node.func.id
        x = _eval(node.args[0], column, constant)
        if not isinstance(x, pd.Series):
            x = constant(x)
        with np.errstate(all="ignore"):
            if name == "lag":
                return x.shift(node.args[1].value if len(node.args) > 1 else 1)
            if name == "yoy":
                return x / x.shift(12) - 1
            if name == "mom":
                return x / x.shift(1) - 1
            if name == "avg":
                k = node.args[1].value
                return x.rolling(k, min_periods=k).mean()
            if name == "abs":
                return x.abs()
            y = _eval(node.args[1], column, constant)
            return np.minimum(x, y) if name == "min" else np.maximum(x, y)
    raise FormulaError(f"cannot evaluate {ast.dump(node)}")  # pragma: no cover - checked before


def evaluate_formula(formula: str | ast.Expression, column: Callable[[str], pd.Series], index: pd.Index) -> pd.Series:
    """A formula on monthly columns; a missing value where it cannot be computed, never an error.

    Parameters
    ----------
    formula : str or ast.Expression
        A formula, or the tree :func:`parse_formula` returned for it.
    column : callable
        Metric id → its monthly values (a float Series on ``index``; all NaN when not reported).
    index : Index
        The months.

    Returns
    -------
    Series of float64
        On ``index``; NaN where an input is missing, and where the formula divides by zero,
        overflows or is not a real number for that month.

    Examples
    --------
    >>> idx = pd.Index(["2026-01", "2026-02"])
    >>> data = {"a": pd.Series([1.0, -4.0], index=idx), "b": pd.Series([0.0, 2.0], index=idx)}
    >>> evaluate_formula("a / b", data.__getitem__, idx).tolist()
    [nan, -2.0]
    >>> evaluate_formula("a ** 0.5", data.__getitem__, idx).tolist()
    [1.0, nan]
    """
    tree = formula if isinstance(formula, ast.Expression) else parse_formula(formula)

    def constant(value: Any) -> pd.Series:
        return pd.Series(float(value), index=index, dtype="float64")

    value = _eval(tree, column, constant)
    if not isinstance(value, pd.Series):
        value = constant(value)
    value = value.astype("float64")
    return value.where(np.isfinite(value.to_numpy()))


def derived_order(metrics: Mapping[str, Metric]) -> list[str]:
    """Derived metrics in an order where each comes after the derived metrics it reads.

    Parameters
    ----------
    metrics : mapping
        Metric id → :class:`Metric`.

    Returns
    -------
    list of str

    Raises
    ------
    graphlib.CycleError
        When formulas read each other in a circle (refused at load by :func:`parse_rules`).
    """
    graph = {mid: {d for d in formula_inputs(m.formula) if d in metrics and metrics[d].derived}
             for mid, m in metrics.items() if m.derived}
    return list(graphlib.TopologicalSorter(graph).static_order())


# =========================================================================== rule settings


_RULE_FIELDS = ("id", "metric", "comparison", "threshold", "basis", "months", "severity", "action",
                "action_zh", "enabled")
_METRIC_FIELDS = ("formula", "name", "name_zh", "unit", "direction")
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMPARISON_WORDS = {
    "<": "<", "lt": "<", "below": "<", "less": "<", "<=": "<=", "=<": "<=", "≤": "<=", "le": "<=",
    ">": ">", "gt": ">", "above": ">", "more": ">", ">=": ">=", "=>": ">=", "≥": ">=", "ge": ">=",
    "outside": "outside", "outside_band": "outside", "band": "outside", "区间外": "outside",
}
_SEVERITY_WORDS = {
    "critical": "critical", "1": "critical", "level1": "critical", "red": "critical", "一级": "critical",
    "严重": "critical", "warning": "warning", "2": "warning", "level2": "warning", "orange": "warning",
    "二级": "warning", "警告": "warning", "info": "info", "3": "info", "level3": "info", "yellow": "info",
    "watch": "info", "三级": "info", "关注": "info",
}
_DIRECTION_WORDS = {"higher": "higher", "lower": "lower", "band": "band", "neutral": "neutral",
                    "越高越好": "higher", "越低越好": "lower"}
_BASIS_WORDS = {"absolute": "absolute", "benchmark": "benchmark", "relative": "benchmark",
                "绝对值": "absolute", "标杆": "benchmark"}
_BOOL_WORDS = {"true": True, "yes": True, "y": True, "1": True, "是": True,
               "false": False, "no": False, "n": False, "0": False, "否": False}



def _show(value: Any) -> str:
    """A settings value as a message quotes it: text in quotes, anything else as written; clipped
    (a few items of a list, the first characters of a text) so a message stays one short line."""
    return f"'{clip(value)}'" if isinstance(value, str) else clip(value)


def _suggest(word: str, choices: Iterable[str]) -> str:
    return suggest(word, choices, lower=False)


def _threshold(value: Any) -> float | None:
    return parse_number(value, minimum=-THRESHOLD_LIMIT, maximum=THRESHOLD_LIMIT)



def parse_rules(rules: Any, *, metric_entries: Any = None, metrics: Mapping[str, Metric] | None = None,
                defaults: Sequence[Rule] | None = None, kpi_metrics: Iterable[str] | None = None,
                label: str = "workspace.yaml") -> tuple[dict[str, Metric], list[Rule], list[Problem]]:
    """The metric catalogue and rules with the ``rules`` entries of workspace.yaml applied.

    Every entry is checked completely: its fields, its numbers (read by
    :func:`ecolib.workspace.numtext.parse_number`: ``0.25``, ``25%``), its formula
    (:func:`parse_formula`: a formula accepted here cannot fail when evaluated), the rule it
    changes or adds; then the formulas together (no circle).

    Parameters
    ----------
    rules : list or None
        The value of ``rules`` in workspace.yaml: a list of mappings (see :mod:`ecolib.analyses.evaluation`).
    metric_entries : mapping, optional
        A mapping of metric id → metric fields (the ``metrics`` key some workspaces have).
    metrics, defaults : optional
        The catalogue and the rules to start from (default :data:`CATALOGUE`, :data:`DEFAULT_RULES`).
    kpi_metrics : iterable of str, optional
        The metric names of the kpis table: a rule on a metric that is neither in the catalogue
        nor in the KPIs gets a warning.
    label : str
        The settings file, as problems name it.

    Returns
    -------
    metrics : dict
        Metric id → :class:`Metric`.
    rules : list of Rule
    problems : list of Problem
        Each names the key (``rules``), the entry (counted from 1), the rule id and the field.

    Examples
    --------
    >>> metrics, rules, problems = parse_rules([{"metric": "talent_gap", "threshold": "20%"}])
    >>> {r.id: r.threshold for r in rules}["talent_gap"], problems
    (0.2, [])
    >>> print(parse_rules([{"metric": "x", "formula": "output / (1 - 1)"}])[2][0])
    workspace.yaml, key rules: entry 1 (x), field formula: divides by zero: the divisor '1 - 1' is always 0; got 'output / (1 - 1)'
    """
    catalogue = dict(CATALOGUE if metrics is None else metrics)
    by_id = {r.id: r for r in (DEFAULT_RULES if defaults is None else defaults)}
    found: list[Problem] = []
    entries: list[tuple[str, int, Any]] = []
    if isinstance(metric_entries, Mapping):
        for n, (mid, spec) in enumerate(metric_entries.items(), 1):
            entries.append(("metrics", n, {"metric": mid, **spec} if isinstance(spec, Mapping) else spec))
    if isinstance(rules, list):
        entries += [("rules", n, entry) for n, entry in enumerate(rules, 1)]

    file_label = label
    def _Finding(key: str, message: str, severity: str = "error") -> Problem:
        return Problem(file_label, None, key, message, severity)

    seen: dict[str, int] = {}
    for key, n, entry in entries:
        where = f"entry {n}"
        if not isinstance(entry, Mapping):
            found.append(_Finding(key, f"{where}: expected a mapping such as `metric: talent_gap` "
                                       f"followed by `threshold: 0.2`, got {_show(entry)}"))
            continue
        entry = {str(k).strip().lower(): v for k, v in entry.items()}
        metric_id = entry.get("metric")
        rule_id = entry.get("id", metric_id)
        entry_label = f"{where} ({_show(rule_id)[1:-1]})" if isinstance(rule_id, str) else where
        errors_before = len([f for f in found if f.severity == "error"])

        def bad(field_name: str, message: str, severity: str = "error") -> None:
            found.append(_Finding(key, f"{entry_label}, field {field_name}: {message}", severity))

        def word(fields: Mapping[str, Any], name: str, words: Mapping[str, str], expected: str,
                 space: str = "") -> str | None:
            """The vocabulary word a field's text stands for (case and spaces as people write
            them), or None after naming the field and what it expects."""
            raw = fields[name]
            value = words.get(str(raw).strip().lower().replace(" ", space))
            if value is None:
                bad(name, f"expected {expected}, got {_show(raw)}")
            return value

        for unknown in sorted(map(str, set(entry) - set(_RULE_FIELDS) - set(_METRIC_FIELDS))):
            bad(_show(unknown)[1:-1], "not a known field, ignored" + _suggest(unknown, _RULE_FIELDS + _METRIC_FIELDS),
                "warning")
        if metric_id is None and rule_id in by_id:
            metric_id = by_id[rule_id].metric
        if metric_id is None:
            bad("metric", "missing: name the metric the entry is about, e.g. `metric: talent_gap`")
            continue
        if not isinstance(metric_id, str) or not _ID.match(metric_id):
            bad("metric", f"expected a metric id (letters, digits and _), got {_show(metric_id)}")
            continue
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            bad("id", f"expected an id (letters, digits and _), got {_show(rule_id)}")
            continue
        if key == "rules":
            if rule_id in seen:
                bad("id", f"the rule {rule_id!r} is already set by entry {seen[rule_id]}; "
                          "merge the two entries or give one another `id`")
                continue
            seen[rule_id] = n

        # -- metric fields
        metric_fields = {f: entry[f] for f in _METRIC_FIELDS if f in entry}
        if metric_fields:
            base = catalogue.get(metric_id, Metric(metric_id))
            changes: dict[str, Any] = {}
            names = dict(base.names)
            if "formula" in metric_fields:
                formula = metric_fields["formula"]
                problem = check_formula(formula) if isinstance(formula, str) and formula.strip() else \
                    "expected a formula such as `local_flow_value / output`"
                if problem:
                    bad("formula", f"{problem}; got {_show(formula)}")
                elif metric_id in formula_inputs(formula):
                    bad("formula", f"the formula of {metric_id!r} uses {metric_id!r} itself")
                else:
                    changes["formula"] = formula.strip()
            for name_field, lang in (("name", "en"), ("name_zh", "zh")):
                if name_field in metric_fields:
                    value = metric_fields[name_field]
                    if isinstance(value, (Mapping, list)) or value is None:
                        bad(name_field, f"expected text, got {_show(value)}")
                    else:
                        names[lang] = str(value).strip()
            if "unit" in metric_fields:
                unit = metric_fields["unit"]
                if isinstance(unit, (Mapping, list)) or unit is None:
                    bad("unit", f"expected one of {', '.join(UNITS)} or a unit text, got {_show(unit)}")
                else:
                    changes["unit"] = str(unit).strip()
            if "direction" in metric_fields:
                direction = word(metric_fields, "direction", _DIRECTION_WORDS, f"one of {', '.join(DIRECTIONS)}", " ")
                if direction is not None:
                    changes["direction"] = direction
            catalogue[metric_id] = replace(base, names=names, **changes)

        # -- rule fields
        rule_fields = {f: entry[f] for f in _RULE_FIELDS if f in entry and f not in ("id", "metric")}
        existing = by_id.get(rule_id)
        if not rule_fields and not metric_fields:
            bad("metric", "the entry changes nothing: give rule fields (threshold, comparison, ...) "
                          "or metric fields (formula, name, ...)", "warning")
            continue
        if not rule_fields and existing is None and "id" not in entry:
            continue  # a metric definition only
        spec: dict[str, Any] = {} if existing is None else {
            "comparison": existing.comparison, "threshold": existing.threshold, "basis": existing.basis,
            "months": existing.months, "severity": existing.severity, "actions": dict(existing.actions),
            "enabled": existing.enabled}
        if "comparison" in rule_fields:
            comparison = word(rule_fields, "comparison", _COMPARISON_WORDS, f"one of {', '.join(COMPARISONS)}", "_")
            if comparison is not None:
                spec["comparison"] = comparison
        elif existing is None:
            bad("comparison", f"missing: a new rule needs one of {', '.join(COMPARISONS)}")
        if "threshold" in rule_fields:
            raw = rule_fields["threshold"]
            if isinstance(raw, (list, tuple)):
                pair = [_threshold(x) for x in raw]
                if len(pair) != 2 or any(x is None for x in pair):
                    bad("threshold", f"expected a number or a pair [low, high], got {_show(raw)}")
                elif pair[0] >= pair[1]:
                    bad("threshold", f"the band [low, high] must have low < high, got {_show(raw)}")
                else:
                    spec["threshold"] = (pair[0], pair[1])
            else:
                number = _threshold(raw)
                if number is None:
                    bad("threshold", f"expected a number (0.25 or 25%) or a pair [low, high], got {_show(raw)}")
                else:
                    spec["threshold"] = number
        elif existing is None:
            bad("threshold", "missing: a new rule needs a threshold")
        if "basis" in rule_fields:
            basis = word(rule_fields, "basis", _BASIS_WORDS, "absolute or benchmark", " ")
            if basis is not None:
                spec["basis"] = basis
        if "months" in rule_fields:
            number = parse_number(rule_fields["months"], minimum=1, maximum=MAX_MONTHS, whole=True)
            if number is None:
                bad("months", f"expected a whole number of consecutive months from 1 to {MAX_MONTHS}, "
                              f"got {_show(rule_fields['months'])}")
            else:
                spec["months"] = int(number)
        if "severity" in rule_fields:
            severity = word(rule_fields, "severity", _SEVERITY_WORDS, f"one of {', '.join(SEVERITIES)}")
            if severity is not None:
                spec["severity"] = severity
        actions = dict(spec.get("actions", {}))
        for action_field, lang in (("action", "en"), ("action_zh", "zh")):
            if action_field in rule_fields:
                value = rule_fields[action_field]
                if isinstance(value, Mapping) and set(value) <= {"en", "zh"}:
                    actions.update({k: str(v).strip() for k, v in value.items() if v is not None})
                elif isinstance(value, (Mapping, list)) or value is None:
                    bad(action_field, f"expected text, got {_show(value)}")
                else:
                    actions[lang] = str(value).strip()
        spec["actions"] = actions
        if "enabled" in rule_fields:
            flag = rule_fields["enabled"]
            flag = flag if isinstance(flag, bool) else _BOOL_WORDS.get(str(flag).strip().lower())
            if flag is None:
                bad("enabled", f"expected true or false, got {_show(rule_fields['enabled'])}")
            else:
                spec["enabled"] = flag
        spec.setdefault("basis", "absolute")
        spec.setdefault("months", 1)
        spec.setdefault("severity", "warning")
        spec.setdefault("enabled", True)
        # threshold shape must match the comparison
        if "comparison" in spec and "threshold" in spec:
            band = isinstance(spec["threshold"], tuple)
            if spec["comparison"] == "outside" and not band:
                bad("threshold", f"the comparison 'outside' needs a band [low, high], got {_show(spec['threshold'])}")
            elif spec["comparison"] != "outside" and band:
                bad("threshold", f"the comparison {spec['comparison']!r} needs one number, "
                                 f"got the band {list(spec['threshold'])}")
        if len([f for f in found if f.severity == "error"]) == errors_before:
            by_id[rule_id] = Rule(rule_id, metric_id, spec["comparison"], spec["threshold"], spec["basis"],
                                  spec["months"], spec["severity"], spec["actions"], spec["enabled"])

    # derived metrics must not read each other in a circle
    try:
        derived_order(catalogue)
    except graphlib.CycleError as exc:
        circle = " → ".join(dict.fromkeys(exc.args[1])) if len(exc.args) > 1 else ""
        found.append(_Finding("rules", f"the metric formulas refer to each other in a circle ({circle}); "
                                       "change one of the formulas"))
    if kpi_metrics is not None:
        available = set(kpi_metrics)
        for rule in by_id.values():
            if rule.enabled and rule.metric not in catalogue and rule.metric not in available:
                found.append(_Finding("rules", (
                    f"rule {rule.id!r}: the metric {rule.metric!r} is neither in kpis nor defined by a formula; "
                    "the rule cannot be checked" + _suggest(rule.metric, list(catalogue) + sorted(available))),
                    "warning"))
    return catalogue, list(by_id.values()), found




def benchmark_values(benchmarks: pd.DataFrame | None) -> tuple[pd.Series, pd.Series]:
    """The benchmark park's value and direction per metric (the last row of a metric given
    twice; direction ``higher`` where the table has no direction column).

    Examples
    --------
    >>> import pandas as pd
    >>> value, direction = benchmark_values(pd.DataFrame({"metric": ["x", "x"], "value": [1, 2]}))
    >>> value.to_dict(), direction.to_dict()
    ({'x': 2.0}, {'x': 'higher'})
    """
    if benchmarks is None or not len(benchmarks):
        return pd.Series(dtype="float64"), pd.Series(dtype="object")
    b = benchmarks.drop_duplicates("metric", keep="last").set_index("metric")
    direction = b["direction"] if "direction" in b else pd.Series("higher", index=b.index)
    return b["value"].astype("float64"), direction
