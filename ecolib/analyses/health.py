"""Health diagnosis (生态健康度诊断, DESIGN.md §6): how the park stands against its benchmark park.

The one definition of health, used by every page: the gap analysis (radar, indicators, weakest
stave), the dynamic evaluation (the same dimensions month by month) and the index.

Definitions
-----------
For every metric with a benchmark value: the park's value in the month (a month without a
value falls back to the latest value of the ``max_age`` months before it; the month used is
shown), and the **ratio to the benchmark** ``value / benchmark`` when higher is better,
``benchmark / value`` when lower is better (direction from ``benchmarks``, else the metric
catalogue), capped to ``[0, cap]`` (cap = 1.5: one metric far ahead cannot hide another far
behind). A "lower is better" value ≤ 0 (e.g. no talent gap at all) is the cap; a benchmark ≤ 0
cannot be compared (``bad_benchmark``). Derived metrics (``eco_value_density``,
``value_flow_efficiency``, ``talent_gap`` …) come from :func:`ecolib.analyses.evaluation.metric_history`.

Metrics are grouped into **dimensions** (:data:`DIMENSIONS`, the one place the grouping is
defined; overridable with ``dimensions`` in workspace.yaml, see :func:`dimension_settings`).
**Dimension score** = mean of its metrics' capped ratios (metrics without a value or a
benchmark are left out and listed); **health index** = weighted mean of the dimension scores
(weights of the scored dimensions, rescaled); the **weakest stave** (木桶短板) is the dimension
with the lowest score (ties: the first in dimension order). 1.0 = at the benchmark park's level.

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

    metrics : one row per metric of a dimension or of the benchmarks table, in dimension order:
        metric, dimension ('' when in no dimension: shown, not counted), unit, direction,
        value, value_month, benchmark, ratio (value/benchmark or its inverse, uncapped),
        score (capped to [0, cap]), status (``ok``, ``no_data``, ``no_benchmark``,
        ``bad_benchmark``), counted.
    dimensions : one row per dimension: dimension, weight, metrics (number), scored (metrics
        with a score), score (mean, NaN when none), weakest_metric, gap (1 − score).
    index : the health index (NaN when no dimension has a score); weakest: the weakest
        dimension's id (None when none scored).
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
    # the latest value within max_age months, for every month of the history
    latest = history.reindex(columns=ids).ffill(limit=int(max_age) - 1) if len(history) else \
        pd.DataFrame(columns=ids, dtype="float64")
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
        The kpis table (month, metric, value).
    benchmarks : DataFrame or None
        metric, value, direction. None or empty: nothing is scored; every metric ``no_benchmark``.
    month : str
        YYYY-MM.
    dimensions : mapping, optional
        From :func:`dimension_settings` (default :data:`DIMENSIONS`).
    metrics : mapping, optional
        The metric catalogue (default :data:`ecolib.analyses.evaluation.CATALOGUE`; a workspace's via
        :func:`ecolib.analyses.evaluation.from_settings`), for derived metrics, units and directions.
    cap, max_age
        The cap of a ratio, the months a value stays valid.

    Returns
    -------
    Health
        ``metrics`` and ``dimensions`` tables (see :class:`Health`), ``index``, ``weakest``.

    See Also
    --------
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

    scores : months × dimension ids, each dimension's score (share of the benchmark level,
        NaN when no metric of it is scored that month).
    index : the health index per month (NaN when no dimension is scored).
    weakest : the weakest dimension's id per month (None when none is scored).
    dims : the dimensions, in display order.
    """
    scores: pd.DataFrame
    index: pd.Series
    weakest: pd.Series
    dims: dict[str, Dimension]

    @property
    def months(self) -> list[str]:
        return list(self.scores.index)


def health_history(kpis: pd.DataFrame | None, benchmarks: pd.DataFrame | None, *, month: str, span: int = 36,
                   dimensions: Mapping[str, Dimension] | None = None,
                   metrics: Mapping[str, ev.Metric] | None = None, cap: float = CAP,
                   max_age: int = MAX_AGE) -> HealthHistory:
    """The health diagnosis of every month of the ``span`` months up to ``month``.

    The same scores as :func:`health`: each month's dimension scores, index and weakest
    dimension equal those of ``health`` for that month. For the trend on the evaluation page;
    vectorised over months and metrics.

    Returns
    -------
    HealthHistory
        ``scores`` (months × dimensions), ``index`` and ``weakest`` per month, from the first
        KPI month (at most ``span`` months back) to ``month``; ``dims``.

    See Also
    --------
    health : one month in full.

    Examples
    --------
    >>> import pandas as pd
    >>> kpis = pd.DataFrame({"month": ["2026-01", "2026-03"], "metric": ["x", "x"], "value": [5.0, 12.0]})
    >>> bench = pd.DataFrame({"metric": ["x"], "value": [10.0], "direction": ["higher"]})
    >>> h = health_history(kpis, bench, month="2026-03", dimensions={"a": Dimension("a", ("x",))})
    >>> h.scores["a"].tolist()        # 2026-02 has no value: the January one still counts
    [0.5, 0.5, 1.2]
    >>> h.weakest.tolist()
    ['a', 'a', 'a']
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
    (``settings``: the loaded :class:`ecolib.workspace.settings.Settings`, or a workspace.yaml mapping)."""
    settings = as_settings(settings)
    return health(tables.get("kpis"), tables.get("benchmarks"), month=month, metrics=dict(settings.metrics),
                  dimensions=dict(settings.dimensions), **options)


def health_history_workspace(tables: Mapping[str, pd.DataFrame], settings: Settings | Mapping[str, Any], month: str,
                             **options) -> HealthHistory:
    """:func:`health_history` with the workspace's metric definitions and ``dimensions``."""
    settings = as_settings(settings)
    return health_history(tables.get("kpis"), tables.get("benchmarks"), month=month, metrics=dict(settings.metrics),
                          dimensions=dict(settings.dimensions), **options)
