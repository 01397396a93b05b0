"""``workspace.yaml`` parsed once, at load, into one typed and fully checked :class:`Settings`.

Every key is read here and nowhere else: names, currency, the flow ``window``,
``min_capability``, the ``thresholds`` of the analyses (:class:`Thresholds`), the gap-priority
weights (rescaled to sum 1), the health ``dimensions`` (:class:`Dimension`) and the evaluation
``rules`` and metric formulas (through :mod:`ecolib.workspace.rules`, whose formulas cannot fail once
accepted). Every number is read by the one parser :func:`ecolib.workspace.numtext.parse_number`
(``0.1``, ``10%``, ``1,000``, ``80万``, ``1.2亿``). The rule of the house: what
``ecolib validate`` accepts cannot fail in a notebook because of a setting. ::

    settings, problems = read_settings({"window": 6, "thresholds": {"niche_overlap": "70%"}})
    settings.window, settings.thresholds.niche_overlap     # 6, 0.7
    settings.metrics, settings.rules, settings.dimensions  # what the analyses use

A problem names the file, the key and the reason, for park office staff::

    workspace.yaml, key thresholds.broken_link_share: expected a share between 0 and 1 (like 0.1 or 10%), got 'abc'

This module belongs to the workspace layer: it imports the contract (:mod:`ecolib.contract.schema`), the
problems and numbers of the layer and the rules grammar, and no analysis module.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecolib.contract import schema
from ecolib.workspace.numtext import parse_number
from ecolib.contract.problems import CONTROL, ROW_LIMIT, Problem, clip, quote, suggest
from ecolib.workspace.rules import CATALOGUE, DEFAULT_RULES, Metric, Rule, parse_rules

__all__ = [
    "Settings", "Thresholds", "Dimension", "DimensionError", "SettingsError", "DIMENSIONS",
    "read_settings", "as_settings", "parse_dimensions", "dimension_settings", "check_dimensions",
    "normalise_weights",
]

LABEL = "workspace.yaml"


class Frozen(Mapping):
    """A read-only mapping (the weights, dimensions and metrics of :class:`Settings`)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Frozen({self._data!r})"

    def __reduce__(self):
        return type(self), (self._data,)


class SettingsError(ValueError):
    """Settings that cannot be used; ``problems`` lists every problem (warnings too)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems if p.is_error))


# =========================================================================== thresholds


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of the analyses (``thresholds:`` in workspace.yaml; :data:`schema.THRESHOLD_SETTINGS`).

    broken_link_share : float
        Value stream (§4): a chain edge is a broken link when the local flow is below this share
        of the target's inflow from the source segment; in (0, 1], default 0.1.
    dependence_share : float
        Gap analysis (§6): a buyer depends on one supplier from this share of its local inbound
        value; in (0, 1], default 0.3.
    niche_overlap : float
        Niche positioning (§8): zones compete homogeneously from this overlap; in [0, 1], default 0.7.
    niche_min_firms : int
        Niche positioning (§8): the least number of active local firms a zone needs to take part in
        overlap, breadth and location quotients; ≥ 1, default 5.
    niche_min_share : float
        Niche positioning (§8): the least share of all zones' output (of their firms where output
        is not reported) a zone needs to be compared; in [0, 1], default 0.01.
    broken_link_min_value : float
        Value stream (§4): a broken link needs at least this value at stake (the smaller of what
        the buyers bought from outside and what the suppliers sold outside over the flow window,
        in the workspace currency); ≥ 0, default 10,000,000.
    """

    broken_link_share: float = schema.THRESHOLD_SETTINGS["broken_link_share"].default
    dependence_share: float = schema.THRESHOLD_SETTINGS["dependence_share"].default
    niche_overlap: float = schema.THRESHOLD_SETTINGS["niche_overlap"].default
    niche_min_firms: int = schema.THRESHOLD_SETTINGS["niche_min_firms"].default
    niche_min_share: float = schema.THRESHOLD_SETTINGS["niche_min_share"].default
    broken_link_min_value: float = schema.THRESHOLD_SETTINGS["broken_link_min_value"].default


def _share_text(setting: schema.Setting) -> str:
    if setting.kind != "share":
        return f"a number {setting.range_text()} (like {setting.default:,g})".replace("  ", " ")
    example = f"like {setting.default:g} or {setting.default * 100:g}%"
    low = "greater than 0 and at most 1" if setting.exclusive_minimum else "between 0 and 1"
    return f"a share {low} ({example})"


def _thresholds(value: Any, label: str) -> tuple[Thresholds, list[Problem]]:
    specs = schema.THRESHOLD_SETTINGS
    if not isinstance(value, Mapping):
        return Thresholds(), [Problem(label, None, "thresholds", "expected a mapping of `key: value` lines "
                                                                 f"(the keys are {', '.join(specs)})")]
    problems = []
    unknown = [key for key in value if key not in specs]
    for key in unknown[:ROW_LIMIT]:
        problems.append(Problem(label, None, f"thresholds.{clip(key)}",
                                f"not a key of thresholds (the keys are {', '.join(specs)}), so it would be ignored"
                                + suggest(str(key), specs)))
    if len(unknown) > ROW_LIMIT:
        problems.append(Problem(label, None, "thresholds", f"... and {len(unknown) - ROW_LIMIT:,} more keys "
                                                           "that are not keys of thresholds"))
    values = {}
    for name, spec in specs.items():
        if value.get(name) is None:
            continue
        number = parse_number(value[name], minimum=spec.minimum, maximum=spec.maximum,
                              exclusive_minimum=spec.exclusive_minimum)
        if number is None:
            problems.append(Problem(label, None, f"thresholds.{name}",
                                    f"expected {_share_text(spec)}, got {quote(value[name])}"))
        else:
            values[name] = number
    return Thresholds(**values), problems


# =========================================================================== weights


def normalise_weights(value: Any, label: str = LABEL) -> tuple[dict[str, float], list[Problem]]:
    """The gap-priority weights (DESIGN.md §6): known keys, numbers ≥ 0, merged with the defaults,
    rescaled to sum 1.

    Parameters
    ----------
    value : mapping or None
        ``priority_weights`` of workspace.yaml (or a widget's weights); None: the defaults.
    label : str
        The settings file, as problems name it.

    Returns
    -------
    weights : dict
        importance, demand, feasibility, fragility; summing to 1 (the defaults when there are errors).
    problems : list of Problem
        Errors (an unknown key, a weight that is not a number ≥ 0, all weights 0) and a warning
        when the weights were rescaled.

    Examples
    --------
    >>> weights, problems = normalise_weights({"importance": "60%", "demand": 0.2, "feasibility": 0.1,
    ...                                        "fragility": 0.1})
    >>> weights["importance"], problems
    (0.6, [])
    """
    defaults = dict(schema.PRIORITY_WEIGHTS)
    if value is None:
        return defaults, []
    if not isinstance(value, Mapping):
        return defaults, [Problem(label, None, "priority_weights", "expected a mapping such as `importance: 0.3`")]
    problems = []
    weights = dict(defaults)
    for key, raw in value.items():
        if key not in defaults:
            message = (f"unknown weight {quote(key)} (the weights are {', '.join(defaults)})"
                       + suggest(str(key), defaults))
            problems.append(Problem(label, None, "priority_weights", message))
            continue
        number = parse_number(raw, minimum=0, maximum=1e6)
        if number is None:
            problems.append(Problem(label, None, "priority_weights", f"{key}: expected a number ≥ 0, got {quote(raw)}"))
        else:
            weights[key] = number
    if problems:
        return defaults, problems
    total = sum(weights.values())
    if total <= 0:
        return defaults, [Problem(label, None, "priority_weights", "the weights sum to 0; at least one must be positive")]
    if abs(total - 1) > 1e-9:
        message = f"the weights sum to {total:.4g}, not 1; they were rescaled to sum to 1"
        problems.append(Problem(label, None, "priority_weights", message, "warning"))
    return {k: v / total for k, v in weights.items()}, problems


# =========================================================================== dimensions


#: The health dimensions and their metrics: the one place the grouping is defined (a workspace
#: overrides it with ``dimensions`` in workspace.yaml). Order = display order.
DIMENSIONS: dict[str, dict[str, Any]] = {
    "value_flow": {"metrics": ("value_flow_efficiency", "eco_value_density", "order_response_days",
                               "equipment_utilization", "energy_per_output"), "weight": 1.0},
    "innovation": {"metrics": ("tech_adoption_days", "patent_conversion_rate"), "weight": 1.0},
    "resilience": {"metrics": ("chain_repair_days", "talent_gap", "policy_compliance"), "weight": 1.0},
    "collaboration": {"metrics": ("tech_transactions", "standards_participation", "collab_project_survival"),
                      "weight": 1.0},
}
DIMENSION_WEIGHT_LIMIT = 1e6  # a dimension weight at most (weights are relative)


@dataclass(frozen=True)
class Dimension:
    """A health dimension: its metrics, its weight in the health index, optional own names."""
    id: str
    metrics: tuple[str, ...]
    weight: float = 1.0
    names: Mapping[str, str] = field(default_factory=dict)



class DimensionError(ValueError):
    """``dimensions`` in workspace.yaml cannot be used; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


_DIM_FIELDS = ("metrics", "weight", "name", "name_zh")


def parse_dimensions(value: Any, label: str = LABEL) -> tuple[dict[str, Dimension], list[Problem]]:
    """The health dimensions for a ``dimensions`` setting, and its problems.

    Each key is a dimension id; its value is a list of metric names (weight 1), a mapping with
    ``metrics``, ``weight`` (≥ 0, default 1 or the default dimension's), ``name``, ``name_zh``,
    or ``null``/``false`` to drop a default dimension. A key that is a default dimension
    replaces the fields it gives; a metric named under a key leaves the default dimensions the
    workspace does not mention (each metric belongs to one dimension)::

        dimensions:
          resilience: [chain_repair_days, policy_compliance]
          talent: {metrics: [talent_gap], weight: 50%, name: Talent, name_zh: 人才}
          collaboration: null

    Parameters
    ----------
    value : mapping or None
        The setting (None or ``{}``: :data:`DIMENSIONS`).
    label : str
        The settings file, as problems name it.

    Returns
    -------
    dimensions : dict
        Dimension id → :class:`Dimension`, in display order.
    problems : list of Problem
        Errors, and a warning for a new dimension whose id is close to a default one.

    Examples
    --------
    >>> dims, problems = parse_dimensions({"talent": {"metrics": ["talent_gap"], "weight": "50%"}})
    >>> dims["talent"].weight, "talent_gap" in dims["resilience"].metrics, problems
    (0.5, False, [])
    """
    defaults = {k: Dimension(k, tuple(v["metrics"]), float(v["weight"])) for k, v in DIMENSIONS.items()}
    if value is None or value == {}:
        return defaults, []
    if not isinstance(value, Mapping):
        return defaults, [Problem(label, None, "dimensions",
                                  f"expected a mapping of dimension → metrics, got {type(value).__name__}")]
    problems: list[Problem] = []

    def bad(key: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(label, None, key, message, severity))

    given: dict[str, Dimension | None] = {}
    for key, entry in value.items():
        key = str(key)
        where = f"dimensions.{clip(key)}"
        if key not in defaults and (hint := suggest(key, defaults)):
            bad(where, f"not one of the default dimensions ({', '.join(defaults)}): added as a new one{hint}",
                "warning")
        base = defaults.get(key, Dimension(key, ()))
        if entry is None or entry is False:
            given[key] = None                          # drop a default dimension
            continue
        if isinstance(entry, str):
            entry = {"metrics": [entry]}
        elif isinstance(entry, (list, tuple)):
            entry = {"metrics": list(entry)}
        if not isinstance(entry, Mapping):
            bad(where, "expected a list of metrics or a mapping with metrics, weight, name, name_zh")
            continue
        unknown = [f for f in entry if f not in _DIM_FIELDS]
        if unknown:
            bad(where, f"unknown field(s) {clip(', '.join(map(str, unknown)))} (use {', '.join(_DIM_FIELDS)})")
        metrics = base.metrics
        if "metrics" in entry:
            raw = entry["metrics"]
            raw = [raw] if isinstance(raw, str) else raw
            if not isinstance(raw, (list, tuple)) or not all(isinstance(m, str) and m.strip() for m in raw):
                bad(f"{where}.metrics", "expected a list of metric names")
                continue
            metrics = tuple(dict.fromkeys(m.strip() for m in raw))
        weight = base.weight
        if "weight" in entry:
            number = parse_number(entry["weight"], minimum=0, maximum=DIMENSION_WEIGHT_LIMIT)
            if number is None:
                bad(f"{where}.weight", f"expected a number ≥ 0, got {quote(entry['weight'])}")
                continue
            weight = number
        if not metrics:
            bad(where, "a dimension needs at least one metric")
            continue
        names = {}
        for lang, name_field in (("en", "name"), ("zh", "name_zh")):
            text = entry.get(name_field)
            if isinstance(text, (Mapping, list)):
                bad(f"{where}.{name_field}", "expected text")
            elif text:
                names[lang] = str(text).strip()
        given[key] = Dimension(key, metrics, weight, names)
    # a metric named by the workspace moves there: it leaves the default dimensions not given
    claimed = {m for d in given.values() if d is not None for m in d.metrics}
    out: dict[str, Dimension] = {}
    for key, dim in defaults.items():
        if key in given:
            if given[key] is not None:
                out[key] = given[key]
            continue
        kept = tuple(m for m in dim.metrics if m not in claimed)
        if kept:
            out[key] = Dimension(key, kept, dim.weight)
    for key, dim in given.items():
        if key not in out and dim is not None:
            out[key] = dim
    seen: dict[str, str] = {}
    for key, dim in out.items():
        for m in dim.metrics:
            if m in seen and key in given and seen[m] in given:
                bad("dimensions", f"metric {m!r} is in two dimensions ({seen[m]} and {key})")
            seen.setdefault(m, key)
    if out and not any(d.weight > 0 for d in out.values()):
        bad("dimensions", "every dimension has weight 0; give at least one a weight > 0")
    if not out:
        bad("dimensions", "no dimension left")
    return out, problems


def _dimension_messages(problems: list[Problem]) -> list[str]:
    return [f"{p.file}, key {p.column}: {p.message}" for p in problems if p.is_error]


def dimension_settings(value: Any) -> dict[str, Dimension]:
    """The health dimensions for a ``dimensions`` setting (see :func:`parse_dimensions`).

    Parameters
    ----------
    value : mapping or None
        The setting (None or ``{}``: :data:`DIMENSIONS`).

    Returns
    -------
    dict
        Dimension id → :class:`Dimension`.

    Raises
    ------
    DimensionError
        Listing every problem.

    Examples
    --------
    >>> list(dimension_settings(None)) == list(DIMENSIONS)
    True
    """
    dims, problems = parse_dimensions(value)
    if any(p.is_error for p in problems):
        raise DimensionError(_dimension_messages(problems))
    return dims


def check_dimensions(value: Any) -> list[str]:
    """Every error of a ``dimensions`` setting as a line (empty: fine).

    Parameters
    ----------
    value : mapping or None

    Returns
    -------
    list of str
        ``workspace.yaml, key dimensions.x: ...``.

    Examples
    --------
    >>> check_dimensions({"talent": {"metrics": ["talent_gap"], "weight": -1}})
    ['workspace.yaml, key dimensions.talent.weight: expected a number ≥ 0, got -1']
    """
    return _dimension_messages(parse_dimensions(value)[1])


# =========================================================================== settings


@dataclass(frozen=True)
class Settings:
    """The settings of a workspace, typed and checked (DESIGN.md §3; keys: :data:`schema.SETTINGS`).

    Made by :func:`read_settings` (:func:`ecolib.workspace.load_workspace` gives it as
    ``ws.settings``); the defaults with ``Settings()``. Read its fields as attributes
    (``settings.window``); :func:`as_settings` turns a plain mapping into one.

    Attributes
    ----------
    name, name_zh, currency : str
        The park's names (name_zh copies name when not given) and the currency of outputs and flows.
    display_name : str
        The park's name in English reports (copies name when not given).
    benchmark_name, benchmark_name_zh : str
        The benchmark park's names; empty when not given (reports then say "the benchmark park");
        benchmark_name_zh copies benchmark_name.
    report_id : str
        The name of the workspace's report folder; empty when not given (the report then names
        the folder after the name and the workspace folder's path, :func:`ecolib.report.report_id`).
    window : int
        Months of flows of the value-stream analysis, 1 to :data:`schema.WINDOW_MAX`.
    min_capability : float
        Capability a firm needs on a node to cover it, in (0, 1].
    thresholds : Thresholds
        The thresholds of the analyses.
    priority_weights : mapping
        The gap-priority weights, summing to 1.
    dimensions : mapping
        Dimension id → :class:`Dimension`, in display order.
    metrics : mapping
        Metric id → :class:`ecolib.workspace.rules.Metric`: the catalogue with the workspace's formulas.
    rules : tuple of Rule
        The evaluation rules with the workspace's overrides (disabled rules included).
    """

    name: str = "workspace"
    name_zh: str = ""
    display_name: str = ""
    benchmark_name: str = ""
    benchmark_name_zh: str = ""
    report_id: str = ""
    currency: str = "CNY"
    window: int = schema.SETTINGS["window"].default
    min_capability: float = schema.SETTINGS["min_capability"].default
    thresholds: Thresholds = field(default_factory=Thresholds)
    priority_weights: Mapping[str, float] = field(default_factory=lambda: Frozen(schema.PRIORITY_WEIGHTS))
    dimensions: Mapping[str, Dimension] = field(default_factory=lambda: Frozen(parse_dimensions(None)[0]))
    metrics: Mapping[str, Metric] = field(default_factory=lambda: Frozen(CATALOGUE), repr=False)
    rules: tuple[Rule, ...] = field(default=DEFAULT_RULES, repr=False)

    def __post_init__(self) -> None:
        if not self.display_name:
            object.__setattr__(self, "display_name", self.name)
        if not self.name_zh:
            object.__setattr__(self, "name_zh", self.display_name)
        if not self.benchmark_name_zh:
            object.__setattr__(self, "benchmark_name_zh", self.benchmark_name)


def _text_setting(setting: schema.Setting, value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, (dict, list, bytes)):
        return None, f"expected text, got {({list: 'a list', dict: 'a mapping', bytes: 'binary data'})[type(value)]}"
    text = (clip(value, 10_000) if not isinstance(value, str) else value).strip()
    if control := CONTROL.search(text):
        return None, (f"the text holds a control character ({clip(control[0])}: a NUL, a tab or a line "
                      "break); write it on one line of plain characters")
    if setting.max_length and len(text) > setting.max_length:
        return None, (f"the text is {len(text):,} characters long; at most {setting.max_length} are allowed: "
                      "shorten it")
    if setting.name == "name" and len(text.encode("utf-8")) > schema.NAME_MAX_BYTES:
        return None, (f"the name is too long to name the report folder ({len(text.encode('utf-8')):,} bytes "
                      f"in UTF-8, at most {schema.NAME_MAX_BYTES}): shorten it")
    if setting.name == "report_id" and not schema.REPORT_ID_PATTERN.match(text):
        return None, (f"{quote(text)} cannot name a folder safely: use letters, digits, '.', '-' and '_', "
                      "starting with a letter or a digit and not ending with a dot, e.g. 'lingang-ev'")
    return text, None


def _number_setting(setting: schema.Setting, value: Any) -> tuple[float | int | None, str | None]:
    whole = setting.kind == "int"
    number = parse_number(value, minimum=setting.minimum, maximum=setting.maximum,
                          exclusive_minimum=setting.exclusive_minimum, whole=whole)
    if number is not None:
        return number, None
    if whole and setting.minimum is not None and setting.maximum is not None:
        expected = f"a whole number of {setting.unit or 'units'} from {setting.minimum:g} to {setting.maximum:g}"
    else:
        expected = f"{'a whole number' if whole else 'a number'} {setting.range_text()}".strip()
    return None, f"expected {expected}, got {quote(value)}"


def read_settings(raw: Mapping[str, Any] | None, *, default_name: str = "workspace", label: str = LABEL,
                  kpi_metrics: Any = None) -> tuple[Settings, list[Problem]]:
    """The settings of a ``workspace.yaml`` document, and every problem found in it.

    Parameters
    ----------
    raw : mapping or None
        The document as YAML gives it (None: every default).
    default_name : str
        The name when ``raw`` has none (the folder name).
    label : str
        The settings file, as problems name it.
    kpi_metrics : iterable of str, optional
        The metric names of the kpis table, to warn about a rule on a metric nobody reports.

    Returns
    -------
    settings : Settings
        Where a key has an error, its default.
    problems : list of Problem
        Errors and warnings, each naming the key and the reason; unknown keys are warnings.

    Examples
    --------
    >>> s, problems = read_settings({"window": "6", "thresholds": {"broken_link_share": "10%"}})
    >>> s.window, s.thresholds.broken_link_share, problems
    (6, 0.1, [])
    >>> print(read_settings({"window": "1e300"})[1][0])
    workspace.yaml, key window: expected a whole number of months from 1 to 240, got '1e300'
    """
    raw = raw or {}
    unknown = [key for key in raw if key not in schema.SETTINGS]
    problems = [
        Problem(label, None, clip(key), "not a known setting, ignored" + suggest(str(key), schema.SETTINGS), "warning")
        for key in unknown[:ROW_LIMIT]
    ]
    if len(unknown) > ROW_LIMIT:
        message = f"... and {len(unknown) - ROW_LIMIT:,} more keys that are not known settings, ignored"
        problems.append(Problem(label, None, None, message, "warning"))
    values: dict[str, Any] = {}
    for name, setting in schema.SETTINGS.items():
        value = raw.get(name)
        if value is None:
            continue
        if setting.kind == "str":
            text, message = _text_setting(setting, value)
        elif setting.kind in ("int", "float"):
            text, message = _number_setting(setting, value)
        else:
            continue
        if message:
            problems.append(Problem(label, None, name, message))
        else:
            values[name] = text
    values.setdefault("name", default_name)
    if raw.get("thresholds") is not None:
        values["thresholds"], found = _thresholds(raw["thresholds"], label)
        problems += found
    weights, found = normalise_weights(raw.get("priority_weights"), label)
    values["priority_weights"] = Frozen(weights)
    problems += found
    dims, found = parse_dimensions(raw.get("dimensions"), label)
    values["dimensions"] = Frozen(dims)
    problems += found
    rules = raw.get("rules")
    if rules is not None and not isinstance(rules, list):
        problems.append(Problem(label, None, "rules", "expected a list (lines starting with '- ')"))
        rules = None
    metrics, parsed, found = parse_rules(rules, metric_entries=raw.get("metrics"), kpi_metrics=kpi_metrics,
                                         label=label)
    problems += found
    if not any(p.is_error for p in found):
        values["metrics"], values["rules"] = Frozen(metrics), tuple(parsed)
    return Settings(**values), problems


def as_settings(value: Settings | Mapping[str, Any] | None) -> Settings:
    """``value`` as :class:`Settings`: itself, the defaults for None, or a ``workspace.yaml``
    document read by :func:`read_settings` (for callers that pass a plain mapping).

    Parameters
    ----------
    value : Settings, mapping or None

    Returns
    -------
    Settings

    Raises
    ------
    SettingsError
        When the mapping has errors (warnings are dropped).

    Examples
    --------
    >>> as_settings({"thresholds": {"niche_overlap": "70%"}}).thresholds.niche_overlap
    0.7
    """
    if isinstance(value, Settings):
        return value
    settings, problems = read_settings(value)
    if any(p.is_error for p in problems):
        raise SettingsError(problems)
    return settings
