"""Health diagnosis (生态健康度诊断, DESIGN.md §6): how the park stands against its benchmark park.

The one definition of health, used by every page: the gap analysis (radar, indicators, weakest
dimension), the dynamic evaluation (the same dimensions month by month) and the index.

Definitions
-----------
For every metric with a benchmark value: the park's value in the month (a month without a
value falls back to the latest value of the ``max_age − 1`` months before it, i.e. a value
stays valid for ``max_age`` months counting its own: with 12, a January value counts up to
December; the month used is shown), and the **ratio to the benchmark** ``value / benchmark``
when higher is better, ``benchmark / value`` when lower is better (direction from
``benchmarks``, else the metric catalogue), capped to ``[0, cap]`` (cap = 1.5: one metric far
ahead cannot hide another far behind). A "lower is better" value ≤ 0 (e.g. no talent gap at
all) is the cap; a benchmark ≤ 0 cannot be compared (``bad_benchmark``). Derived metrics
(``eco_value_density``, ``value_flow_efficiency``, ``talent_gap`` …) come from :func:`ecolib.analyses.evaluation.metric_history`.

Metrics are grouped into **dimensions** (:data:`DIMENSIONS`, the one place the grouping is
defined; overridable with ``dimensions`` in workspace.yaml, see :func:`dimension_settings`).
**Dimension score** = mean of its metrics' capped ratios (metrics without a value or a
benchmark are left out and listed); **health index** = weighted mean of the dimension scores
(weights of the scored dimensions, rescaled); the **weakest dimension** (木桶短板, the short
stave of the barrel) is the dimension with the lowest score (ties: the first in dimension
order). 1.0 = at the benchmark park's level.

:func:`health` gives one month in full (every metric, its value month, status, ratio);
:func:`health_history` the dimension scores, the index and the weakest dimension of every
month of a span, computed by the same code, so a month's row equals :func:`health` of it.
The gap-analysis page shows :func:`health` of the report month; the evaluation page the
history; the index the gap page's headline: one weakest dimension, one score. The words
(findings, trend findings, cards) are in :mod:`ecolib.presentation.narrative.health`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ecolib.analyses import evaluation as ev
from ecolib.workspace.rules import benchmark_values
from ecolib.foundations import months as mo
# the dimensions are settings: parsed and checked at load by ecolib.workspace.settings, re-exported here
from ecolib.workspace.settings import (  # noqa: F401
    DIMENSIONS, Dimension, DimensionError, Settings, as_settings, check_dimensions, dimension_settings,
)

__all__ = ["DIMENSIONS", "CAP", "MAX_AGE", "Dimension", "DimensionError", "dimension_settings",
           "check_dimensions", "Health", "health", "HealthHistory", "health_history", "health_workspace",
           "health_history_workspace"]

#: Ratio to the benchmark counted at most (a metric far ahead cannot hide one far behind).
CAP = 1.5
#: Months a metric's latest value stays valid for a month without a value.
MAX_AGE = 12


@dataclass
class Health:
    """Health diagnosis of one month (definitions in the module docstring).

    Made by :func:`health` (or :func:`health_workspace`).

    Attributes
    ----------
    month : str
        The month diagnosed, ``YYYY-MM``.
    cap : float
        The cap of a score (ratio to the benchmark counted at most).
    dims : dict of str to Dimension
        The dimensions used, in display order.
    metrics : DataFrame
        One row per metric of a dimension or of the benchmarks table, in dimension order
        (a metric listed in two dimensions is kept in the first), then the benchmarked
        metrics in no dimension; columns

        * ``metric``: the metric id;
        * ``dimension``: its dimension id (``''`` when in no dimension: shown, not counted);
        * ``unit``: the metric's unit from the catalogue (``"number"`` when not in it);
        * ``direction``: ``"higher"`` or ``"lower"`` is better (benchmarks, else catalogue,
          else ``"higher"``);
        * ``value``: the park's value (the metric's own unit), NaN without one;
        * ``value_month``: the month that value comes from, ``YYYY-MM`` (missing without one);
        * ``benchmark``: the benchmark value (the metric's own unit), NaN without one;
        * ``ratio``: value/benchmark, or its inverse when lower is better, uncapped
          (a share of the benchmark level, 1 = at it); NaN unless status is ``ok``, and
          for a "lower is better" value ≤ 0;
        * ``score``: the ratio capped to [0, ``cap``] (``cap`` for a "lower is better"
          value ≤ 0), NaN unless status is ``ok``;
        * ``status``: ``ok``, ``no_benchmark``, ``bad_benchmark`` (benchmark ≤ 0) or
          ``no_data``, the first that applies in that order;
        * ``counted``: bool, status ``ok`` and in a dimension.
    dimensions : DataFrame
        One row per dimension, in display order; columns ``dimension`` (id), ``weight``
        (relative weight in the index), ``metrics`` (number of metrics the dimension lists),
        ``scored`` (number of them with a score), ``score`` (mean of their scores, a share of
        the benchmark level in [0, cap], NaN when none), ``weakest_metric`` (the scored metric
        with the lowest score, NaN when none) and ``gap`` (1 − score).
    index : float
        The health index: the weighted mean of the dimension scores (NaN when no dimension
        with weight > 0 has a score).
    weakest : str or None
        The weakest dimension's id (lowest score, ties: the first), None when none scored.
    metric_defs : dict of str to Metric
        The metric catalogue used (units, directions, formulas).

    See Also
    --------
    health : builds it.
    HealthHistory : the same scores month by month.

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"month": ["2026-01"], "metric": ["x"], "value": [15.0]})
    >>> bench = pd.DataFrame({"metric": ["x"], "value": [5.0]})
    >>> h = health(kpis, bench, month="2026-03", dimensions={"a": Dimension("a", ("x",))})
    >>> h.metrics[["metric", "value", "value_month", "ratio", "score", "status"]]   # ratio 3, capped
      metric  value value_month  ratio  score status
    0      x   15.0     2026-01    3.0    1.5     ok
    >>> h.dimensions[["dimension", "metrics", "scored", "score", "weakest_metric", "gap"]]
      dimension  metrics  scored  score weakest_metric  gap
    0         a        1       1    1.5              x -0.5
    """
    month: str
    cap: float
    dims: dict[str, Dimension]
    metrics: pd.DataFrame
    dimensions: pd.DataFrame
    index: float
    weakest: str | None
    metric_defs: dict[str, ev.Metric] = field(default_factory=dict, repr=False)

    @property
    def headline(self) -> dict:
        """The summary numbers of the diagnosis, as plain Python values (for ``summary.json``).

        Returns
        -------
        dict
            ``health_index`` (float, None when undefined), ``weakest`` (dimension id or
            None), ``dimension_scores`` (dimension id → score or None), ``metrics_scored``
            (int, metrics counted), ``metrics_without_data`` and
            ``metrics_without_benchmark`` (lists of metric ids).

        Examples
        --------
        >>> import pandas as pd
        >>> kpis = pd.DataFrame({"month": ["2026-03"], "metric": ["x"], "value": [8.0]})
        >>> bench = pd.DataFrame({"metric": ["x", "y"], "value": [10.0, 5.0]})
        >>> h = health(kpis, bench, month="2026-03", dimensions={"a": Dimension("a", ("x", "y"))})
        >>> h.headline
        {'health_index': 0.8, 'weakest': 'a', 'dimension_scores': {'a': 0.8}, 'metrics_scored': 1,
         'metrics_without_data': ['y'], 'metrics_without_benchmark': []}
        """
        d = self.dimensions
        return {"health_index": _num(self.index), "weakest": self.weakest,
                "dimension_scores": {k: _num(v) for k, v in zip(d["dimension"], d["score"])},
                "metrics_scored": int(self.metrics["counted"].sum()),
                "metrics_without_data": self.metrics.loc[self.metrics["status"] == "no_data", "metric"].tolist(),
                "metrics_without_benchmark": self.metrics.loc[self.metrics["status"] == "no_benchmark",
                                                              "metric"].tolist()}


def _num(v) -> float | None:
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def _metric_rows(dims: Mapping[str, Dimension], bench: pd.Series) -> pd.DataFrame:
    """metric, dimension: the dimensions' metrics in order, then benchmarked metrics in none."""
    in_dims = [(m, d) for d, dim in dims.items() for m in dim.metrics]
    listed = {m for m, _ in in_dims}
    rows = pd.DataFrame(in_dims + [(m, "") for m in bench.index if m not in listed], columns=["metric", "dimension"])
    return rows.drop_duplicates("metric").reset_index(drop=True)


def _score(value: np.ndarray, bvalue: np.ndarray, lower: np.ndarray, cap: float):
    """Ratio to the benchmark (uncapped, inf for a "lower is better" value ≤ 0), capped score and
    status, element by element (any shape; the benchmark arrays broadcast over months)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(lower, bvalue / value, value / bvalue)
    ratio = np.where(lower & (value <= 0) & (bvalue > 0), np.inf, ratio)
    bvalue = np.broadcast_to(bvalue, value.shape)
    status = np.select([np.isnan(bvalue), bvalue <= 0, np.isnan(value)],
                       ["no_benchmark", "bad_benchmark", "no_data"], default="ok").astype(object)
    ok = status == "ok"
    ratio = np.where(ok, ratio, np.nan)
    return ratio, np.where(ok, np.clip(ratio, 0.0, cap), np.nan), status


def _prepare(kpis, benchmarks, month, dimensions, metrics, cap, max_age):
    if not mo.is_month(month):
        raise ValueError(f"month {month!r} is not YYYY-MM")
    if not cap > 0:
        raise ValueError(f"cap must be > 0, got {cap}")
    dims = dict(dimension_settings(None) if dimensions is None else dimensions)
    catalogue = dict(ev.CATALOGUE if metrics is None else metrics)
    history = ev.metric_history(kpis if kpis is not None else pd.DataFrame(columns=["month", "metric", "value"]),
                                catalogue, month=month)
    bench, direction = benchmark_values(benchmarks)
    rows = _metric_rows(dims, bench)
    ids = rows["metric"].to_numpy(object)
    fallback = np.array([catalogue[m].direction if m in catalogue else "higher" for m in ids], object)
    dirs = direction.reindex(ids).to_numpy(object)
    dirs = np.where(pd.isna(dirs), fallback, dirs)
    # the latest value within max_age months, for every month of the history (1: this month's only)
    if int(max_age) < 1:
        raise ValueError(f"max_age must be at least 1 (months a value stays valid), got {max_age}")
    latest = history.reindex(columns=ids)
    if len(history) and int(max_age) > 1:
        latest = latest.ffill(limit=int(max_age) - 1)
    elif not len(history):
        latest = pd.DataFrame(columns=ids, dtype="float64")
    return dims, catalogue, history, rows, ids, dirs, bench.reindex(ids).to_numpy(float), latest


def _dimension_scores(score: np.ndarray, rows: pd.DataFrame, dims: Mapping[str, Dimension]) -> pd.DataFrame:
    """months × dimensions: the mean of the counted metrics' scores (NaN when none)."""
    frame = pd.DataFrame(score, columns=rows["metric"].to_numpy(object))
    by_dim = frame.T.groupby(rows["dimension"].to_numpy(object), sort=False).mean()
    return by_dim.T.reindex(columns=list(dims))


def _index_and_weakest(dscores: pd.DataFrame, dims: Mapping[str, Dimension]) -> tuple[np.ndarray, list]:
    """Weighted mean of the scored dimensions with weight > 0, and the lowest-scored dimension
    (ties: the first in dimension order; None when no dimension has a score)."""
    s = dscores.to_numpy(float)
    w = np.array([dims[d].weight for d in dscores.columns], float)
    usable = ~np.isnan(s) & (w > 0)
    wsum = (usable * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(wsum > 0, np.nansum(np.where(usable, s * w, 0.0), axis=1) / wsum, np.nan)
    filled = np.where(np.isnan(s), np.inf, s)
    pos = filled.argmin(axis=1) if s.shape[1] else np.zeros(len(s), int)
    weakest = [dscores.columns[p] if s.shape[1] and np.isfinite(filled[i, p]) else None for i, p in enumerate(pos)]
    return index, weakest


def health(kpis: pd.DataFrame | None, benchmarks: pd.DataFrame | None, *, month: str,
           dimensions: Mapping[str, Dimension] | None = None, metrics: Mapping[str, ev.Metric] | None = None,
           cap: float = CAP, max_age: int = MAX_AGE) -> Health:
    """Health diagnosis of ``month`` (definitions in the module docstring).

    Parameters
    ----------
    kpis : DataFrame or None
        The kpis table (month, metric, value; each value in the metric's own unit). None: no
        value, every metric ``no_data`` (or ``no_benchmark``).
    benchmarks : DataFrame or None
        metric, value, direction. None or empty: nothing is scored; every metric ``no_benchmark``.
    month : str
        YYYY-MM. KPI rows after it are ignored.
    dimensions : mapping, optional
        Dimension id → :class:`Dimension`, e.g. from :func:`dimension_settings` (default
        :data:`DIMENSIONS`).
    metrics : mapping, optional
        The metric catalogue (default :data:`ecolib.analyses.evaluation.CATALOGUE`; a workspace's via
        :func:`ecolib.analyses.evaluation.from_settings`), for derived metrics, units and directions.
    cap : float
        The cap of a ratio (> 0), default :data:`CAP` = 1.5.
    max_age : int
        The months a value stays valid, counting its own month (default :data:`MAX_AGE` =
        12); 1: only the month's own value counts. Less than 1 raises ``ValueError``.

    Returns
    -------
    Health
        ``metrics`` and ``dimensions`` tables (see :class:`Health`), ``index``, ``weakest``.

    Raises
    ------
    ValueError
        If ``month`` is not ``YYYY-MM`` or ``cap`` ≤ 0.

    See Also
    --------
    ecolib.workspace.load_workspace : reads and checks the kpis and benchmarks tables.
    ecolib.analyses.evaluation.metric_history : the monthly metric values (derived ones too).
    dimension_settings : the dimensions of a ``dimensions`` setting.
    health_workspace : the same with a workspace's settings.
    health_history : the same scores for every month of a span.

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"month": ["2026-03"] * 2, "metric": ["x", "y"], "value": [8.0, 30.0]})
    >>> bench = pd.DataFrame({"metric": ["x", "y"], "value": [10.0, 20.0], "direction": ["higher", "lower"]})
    >>> dims = {"a": Dimension("a", ("x",)), "b": Dimension("b", ("y",))}
    >>> h = health(kpis, bench, month="2026-03", dimensions=dims)
    >>> h.dimensions.set_index("dimension")["score"].round(3).to_dict()
    {'a': 0.8, 'b': 0.667}
    >>> h.weakest, round(h.index, 3)
    ('b', 0.733)
    >>> h.metrics[["metric", "value", "benchmark", "ratio", "score", "status"]].round(3)
      metric  value  benchmark  ratio  score status
    0      x    8.0       10.0  0.800  0.800     ok
    1      y   30.0       20.0  0.667  0.667     ok
    """
    dims, catalogue, history, rows, ids, dirs, bvalue, latest = _prepare(
        kpis, benchmarks, month, dimensions, metrics, cap, max_age)
    if len(latest) and month in latest.index:
        value = latest.loc[month].to_numpy(float)
        has_value = history.reindex(columns=ids).notna()
        last_month = has_value.apply(lambda c: c[c].index[-1] if c.any() else None)   # per metric: dozens
        months = [last_month[m] if pd.notna(v) else None for m, v in zip(ids, value)]
    else:
        value, months = np.full(len(ids), np.nan), [None] * len(ids)
    ratio, score, status = _score(value, bvalue, dirs == "lower", cap)
    table = pd.DataFrame({
        "metric": ids, "dimension": rows["dimension"].to_numpy(object),
        "unit": [catalogue[m].unit if m in catalogue else "number" for m in ids],
        "direction": dirs, "value": value, "value_month": months, "benchmark": bvalue,
        "ratio": np.where(np.isinf(ratio), np.nan, ratio), "score": score, "status": status,
    })
    table["counted"] = (status == "ok") & (table["dimension"] != "")
    dim_ids = list(dims)
    counted = table[table["counted"]]
    g = counted.groupby("dimension", sort=False)
    worst = (counted.sort_values("score", kind="stable").drop_duplicates("dimension")
             .set_index("dimension")["metric"].reindex(dim_ids))
    dscores = _dimension_scores(np.where(table["counted"], score, np.nan)[None, :], rows, dims)
    index, weakest = _index_and_weakest(dscores, dims)
    dtable = pd.DataFrame({
        "dimension": dim_ids,
        "weight": [dims[d].weight for d in dim_ids],
        "metrics": [len(dims[d].metrics) for d in dim_ids],
        "scored": g.size().reindex(dim_ids, fill_value=0).to_numpy(int),
        "score": dscores.iloc[0].to_numpy(float),
        "weakest_metric": worst.to_numpy(object),
    })
    dtable["gap"] = 1.0 - dtable["score"]
    return Health(month, cap, dims, table, dtable, float(index[0]),
                  None if weakest[0] is None else str(weakest[0]), catalogue)


@dataclass
class HealthHistory:
    """The health diagnosis of every month of a span (see :func:`health_history`).

    Attributes
    ----------
    scores : DataFrame
        Months (index ``month``, ``YYYY-MM``, oldest first) × dimension ids (columns, in
        display order): each dimension's score (share of the benchmark level in [0, cap],
        NaN when no metric of it is scored that month).
    index : Series of float
        The health index per month (NaN when no dimension is scored).
    weakest : Series of object
        The weakest dimension's id per month (None when none is scored).
    dims : dict of str to Dimension
        The dimensions, in display order.

    See Also
    --------
    health_history : builds it.
    Health : one month in full.

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"month": ["2026-02", "2026-03"], "metric": ["x", "x"], "value": [4.0, 6.0]})
    >>> bench = pd.DataFrame({"metric": ["x"], "value": [8.0]})
    >>> hh = health_history(kpis, bench, month="2026-03", dimensions={"a": Dimension("a", ("x",))})
    >>> hh.scores
               a
    month
    2026-02  0.50
    2026-03  0.75
    >>> hh.months, hh.index.tolist()
    (['2026-02', '2026-03'], [0.5, 0.75])
    """
    scores: pd.DataFrame
    index: pd.Series
    weakest: pd.Series
    dims: dict[str, Dimension]

    @property
    def months(self) -> list[str]:
        """The months of the history, ``YYYY-MM``, oldest first."""
        return list(self.scores.index)


def health_history(kpis: pd.DataFrame | None, benchmarks: pd.DataFrame | None, *, month: str, span: int = 36,
                   dimensions: Mapping[str, Dimension] | None = None,
                   metrics: Mapping[str, ev.Metric] | None = None, cap: float = CAP,
                   max_age: int = MAX_AGE) -> HealthHistory:
    """The health diagnosis of every month of the ``span`` months up to ``month``.

    The same scores as :func:`health`: each month's dimension scores, index and weakest
    dimension equal those of ``health`` for that month. For the trend on the evaluation page;
    vectorised over months and metrics.

    Parameters
    ----------
    kpis : DataFrame or None
        The kpis table (month, metric, value), as in :func:`health`.
    benchmarks : DataFrame or None
        metric, value, direction, as in :func:`health`.
    month : str
        The last month, ``YYYY-MM``.
    span : int
        At most this many months up to ``month`` (default 36).
    dimensions, metrics, cap, max_age
        As in :func:`health`.

    Returns
    -------
    HealthHistory
        ``scores`` (months × dimensions), ``index`` and ``weakest`` per month, from the first
        KPI month (at most ``span`` months back) to ``month``; ``dims``.

    Raises
    ------
    ValueError
        If ``month`` is not ``YYYY-MM`` or ``cap`` ≤ 0.

    See Also
    --------
    ecolib.workspace.load_workspace : reads and checks the kpis and benchmarks tables.
    health_history_workspace : the same with a workspace's settings.
    health : one month in full.

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"month": ["2026-01", "2026-03"], "metric": ["x", "x"], "value": [5.0, 12.0]})
    >>> bench = pd.DataFrame({"metric": ["x"], "value": [10.0], "direction": ["higher"]})
    >>> h = health_history(kpis, bench, month="2026-03", dimensions={"a": Dimension("a", ("x",))})
    >>> h.scores["a"].tolist()        # 2026-02 has no value: the January one still counts
    [0.5, 0.5, 1.2]
    >>> h.weakest.tolist(), h.index.tolist(), h.months
    (['a', 'a', 'a'], [0.5, 0.5, 1.2], ['2026-01', '2026-02', '2026-03'])
    """
    dims, _, _, rows, ids, dirs, bvalue, latest = _prepare(kpis, benchmarks, month, dimensions, metrics, cap, max_age)
    latest = latest.iloc[-int(span):] if len(latest) else latest
    _, score, status = _score(latest.to_numpy(float), bvalue[None, :], (dirs == "lower")[None, :], cap)
    counted = (status == "ok") & (rows["dimension"].to_numpy(object) != "")[None, :]
    dscores = _dimension_scores(np.where(counted, score, np.nan), rows, dims).set_axis(latest.index)
    index, weakest = _index_and_weakest(dscores, dims)
    return HealthHistory(dscores, pd.Series(index, index=latest.index, dtype="float64"),
                         pd.Series(weakest, index=latest.index, dtype=object), dims)


def health_workspace(tables: Mapping[str, pd.DataFrame], settings: Settings | Mapping[str, Any], month: str,
                     **options) -> Health:
    """:func:`health` with the workspace's metric definitions (``rules``) and ``dimensions``
    (``settings``: the loaded :class:`ecolib.workspace.settings.Settings`, or a workspace.yaml mapping).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables; uses ``kpis`` and ``benchmarks`` (either may be absent).
    settings : Settings or mapping
        ``ws.settings``, or a workspace.yaml mapping (read by
        :func:`ecolib.workspace.settings.as_settings`); gives ``metrics`` and ``dimensions``.
    month : str
        The month, ``YYYY-MM``.
    **options
        ``cap``, ``max_age``: as in :func:`health`.

    Returns
    -------
    Health
        See :class:`Health`.

    Raises
    ------
    ecolib.workspace.settings.SettingsError
        If ``settings`` is a mapping with errors.
    ValueError
        As :func:`health`.

    See Also
    --------
    ecolib.workspace.load_workspace : gives ``ws.tables`` and ``ws.settings``.
    health : the diagnosis itself.

    Examples
    --------
    The tiny park benchmarks only ``output``, which is in no dimension: shown, not counted.

    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> h = health_workspace(ws.tables, ws.settings, "2026-03")
    >>> h.metrics.loc[h.metrics["metric"] == "output", ["dimension", "value", "ratio", "counted"]]
       dimension  value  ratio  counted
    13             120.0    0.8    False
    >>> h.index, h.weakest
    (nan, None)

    With a dimension of its own (a workspace.yaml mapping):

    >>> h = health_workspace(ws.tables, {"dimensions": {"scale": ["output"]}}, "2026-03")
    >>> h.weakest, round(h.index, 3)
    ('scale', 0.8)
    """
    settings = as_settings(settings)
    return health(tables.get("kpis"), tables.get("benchmarks"), month=month, metrics=dict(settings.metrics),
                  dimensions=dict(settings.dimensions), **options)


def health_history_workspace(tables: Mapping[str, pd.DataFrame], settings: Settings | Mapping[str, Any], month: str,
                             **options) -> HealthHistory:
    """:func:`health_history` with the workspace's metric definitions and ``dimensions``.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables; uses ``kpis`` and ``benchmarks`` (either may be absent).
    settings : Settings or mapping
        ``ws.settings``, or a workspace.yaml mapping; gives ``metrics`` and ``dimensions``.
    month : str
        The last month, ``YYYY-MM``.
    **options
        ``span``, ``cap``, ``max_age``: as in :func:`health_history`.

    Returns
    -------
    HealthHistory
        See :class:`HealthHistory`.

    Raises
    ------
    ecolib.workspace.settings.SettingsError
        If ``settings`` is a mapping with errors.
    ValueError
        As :func:`health_history`.

    See Also
    --------
    ecolib.workspace.load_workspace : gives ``ws.tables`` and ``ws.settings``.
    health_history : the history itself.
    health_workspace : one month in full.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> hh = health_history_workspace(ws.tables, {"dimensions": {"scale": ["output"]}}, "2026-03")
    >>> hh.scores["scale"].round(3).tolist()           # output 100, 110, 120 against 150
    [0.667, 0.733, 0.8]
    >>> hh.weakest.tolist()
    ['scale', 'scale', 'scale']
    """
    settings = as_settings(settings)
    return health_history(tables.get("kpis"), tables.get("benchmarks"), month=month, metrics=dict(settings.metrics),
                          dimensions=dict(settings.dimensions), **options)
