"""The words of the health diagnosis (:mod:`ecolib.analyses.health`): the headline cards and
findings of the gap page's health section, a metric's value as text, and the trend findings
of the evaluation page.

Every sentence is built from the :class:`~ecolib.analyses.health.Health` (or
:class:`~ecolib.analyses.health.HealthHistory`) it speaks of; the keys are under ``health.*``
(``i18n/*/health.yaml``) and ``gaps.*`` (the gap page's health section, ``i18n/*/gaps.yaml``).

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.health import health_workspace
>>> ws = tiny()
>>> h = health_workspace(ws.tables, ws.settings, "2026-03")
>>> list(headline_cards(h, "en"))[0]
'Health index (benchmark = 100%)'
>>> findings(h, "en")[0].startswith("Health index:") or findings(h, "en")[0].startswith("No indicator")
True
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ecolib.analyses.health import Health, HealthHistory
from ecolib.foundations import months as mo
from ecolib.presentation import fmt
from ecolib.presentation.i18n import t
from ecolib.presentation.names import metric_name, name_of

__all__ = ["missing_data", "list_text", "metric_value", "dimension_name", "headline_cards", "findings", "trend_findings"]


def list_text(parts: list[str], lang: str = "en", limit: int = 5, *, sep: str | None = None,
              what: str | None = None) -> str:
    """The first ``limit`` of ``parts`` joined by ``sep`` (default the list separator), then
    "and N more" (``what``: ``firms`` or ``nodes``, for the Chinese measure word 家 / 个).

    Examples
    --------
    >>> list_text(["a", "b", "c"], "en", 2)
    'a; b and 1 more'
    >>> list_text(["甲", "乙", "丙"], "zh", 2, what="firms")
    '甲；乙等，另有 1 家'
    """
    kind = {"firms": "firm", "nodes": "node"}.get(what or "", "item")
    return fmt.capped(parts, lang, kind=kind, most=limit, empty="",
                      sep=t("gaps.list_sep", lang) if sep is None else sep)


def metric_value(h: Health, metric: str, value: float, lang: str = "en", currency: str = "CNY") -> str:
    """A value of the metric ``metric`` as text, by the metric's unit in ``h.metric_defs``
    (unknown metric: a plain number; see :func:`ecolib.presentation.fmt.format_value`).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.health import health_workspace
    >>> ws = tiny()
    >>> metric_value(health_workspace(ws.tables, ws.settings, "2026-03"), "no_such_metric", 1234.5)
    '1,234'
    """
    unit = h.metric_defs[metric].unit if metric in h.metric_defs else "number"
    return fmt.format_value(value, unit, lang, currency)


def dimension_name(h: Health | HealthHistory, dimension: str, lang: str = "en") -> str:
    """The display name of the dimension ``dimension`` of ``h`` ('–' when not one of its dimensions)."""
    return name_of(h.dims[dimension], lang) if dimension in h.dims else "–"


def missing_data(h: Health) -> str:
    """Which input the health diagnosis lacks entirely: ``kpis`` (no indicator has a value),
    ``benchmarks`` (none has a benchmark value), ``kpis_benchmarks`` (neither), '' (both given).

    Examples
    --------
    >>> import pandas as pd
    >>> from ecolib.analyses.health import Dimension, health
    >>> bench = pd.DataFrame({"metric": ["x"], "value": [10.0], "direction": ["higher"]})
    >>> kpis = pd.DataFrame({"month": ["2026-03"], "metric": ["x"], "value": [8.0]})
    >>> dims = {"a": Dimension("a", ("x",))}
    >>> missing_data(health(kpis, bench, month="2026-03", dimensions=dims))
    ''
    >>> missing_data(health(kpis, bench.iloc[:0], month="2026-03", dimensions=dims))
    'benchmarks'
    >>> missing_data(health(kpis.iloc[:0], bench.iloc[:0], month="2026-03", dimensions=dims))
    'kpis_benchmarks'
    """
    m = h.metrics
    no_values = not len(m) or not m["value"].notna().any()
    no_bench = not len(m) or not m["benchmark"].notna().any()
    return {(True, True): "kpis_benchmarks", (True, False): "kpis", (False, True): "benchmarks"}.get(
        (no_values, no_bench), "")


def headline_cards(h: Health, lang: str = "en") -> dict[str, str]:
    """The health cards of the gap page: ``{label: text}`` for the health index and (when a
    dimension is scored) the weakest dimension with its score.

    Parameters
    ----------
    h : Health
        From :func:`ecolib.analyses.health.health` (or ``MonthModel.health``).
    lang : str
        ``en`` or ``zh``.

    Returns
    -------
    dict
        Label → formatted value (percent of the benchmark level).
    """
    cards = {t("gaps.headline.health_index", lang): fmt.pct(h.index, 1) if not math.isnan(h.index)
             else t("gaps.not_evaluated", lang)}
    if h.weakest:
        score = h.dimensions.set_index("dimension").at[h.weakest, "score"]
        cards[t("gaps.headline.weakest", lang)] = f"{name_of(h.dims[h.weakest], lang)} {fmt.pct(score, 0)}"
    return cards


def findings(h: Health, lang: str = "en", currency: str = "CNY", *, benchmark: str | None = None) -> list[str]:
    """The findings of the gap page's health section: the index and every scored dimension,
    metrics whose value is from an earlier month, metrics not scored, and the weakest dimension
    with the metric that pulls it down most.

    Parameters
    ----------
    h : Health
        From :func:`ecolib.analyses.health.health`.
    lang, currency : str
        Language (``en``/``zh``) and the currency of money values.
    benchmark : str, optional
        The benchmark park's name (:func:`ecolib.presentation.names.benchmark_name`); default
        "the benchmark park".

    Returns
    -------
    list of str
        Plain text sentences (values from data are not escaped; the notebook helpers escape).

    See Also
    --------
    ecolib.analyses.health.health : builds ``h``.
    """
    key = "gaps.finding"
    benchmark = benchmark or t("common.benchmark_park", lang)
    d = h.dimensions[h.dimensions["score"].notna()]
    if not len(d):
        data = missing_data(h)
        if data:
            return [t(f"{key}.health_not_evaluated", lang, data=t(f"gaps.needs.{data}", lang))]
        return [t(f"{key}.health_none", lang)]
    out: list[str] = []
    items = t("gaps.name_sep", lang).join(t(f"{key}.health_item", lang, dimension=name_of(h.dims[r.dimension], lang),
                                            score=fmt.pct(r.score, 0)) for r in d.itertuples())
    out.append(t(f"{key}.health", lang, index=fmt.pct(h.index, 1), items=items, benchmark=benchmark))
    m = h.metrics
    stale = m[m["counted"] & (m["value_month"] != h.month)]
    for r in stale.itertuples():   # a few metrics at most
        out.append(t(f"{key}.health_stale", lang, metric=metric_name(r.metric, h.metric_defs, lang), month=h.month,
                     value_month=r.value_month))
    missing = m[(m["dimension"] != "") & ~m["counted"]]
    if len(missing):
        out.append(t(f"{key}.health_missing", lang, items=list_text(
            [t(f"{key}.health_missing_item", lang, metric=metric_name(r.metric, h.metric_defs, lang),
               why=t(f"gaps.metric_status.{r.status}", lang)) for r in missing.itertuples()], lang, 8)))
    if h.weakest:
        row = d.set_index("dimension").loc[h.weakest]
        wm = m.set_index("metric").loc[row["weakest_metric"]]
        out.append(t(f"{key}.weakest", lang, dimension=name_of(h.dims[h.weakest], lang), score=fmt.pct(row["score"], 0),
                     metric=metric_name(row["weakest_metric"], h.metric_defs, lang),
                     value=metric_value(h, row["weakest_metric"], wm["value"], lang, currency),
                     target=metric_value(h, row["weakest_metric"], wm["benchmark"], lang, currency),
                     benchmark=benchmark))
    return out


def trend_findings(hh: HealthHistory, month: str, lang: str = "en", *, benchmark: str | None = None) -> list[str]:
    """Each dimension's score in ``month`` and a year earlier, then the weakest dimension: the
    same dimension and score as the gap analysis names for that month.

    Parameters
    ----------
    hh : HealthHistory
        From :func:`ecolib.analyses.health.health_history` (or ``MonthModel.health_history``).
    month : str
        YYYY-MM, the report month.
    lang : str
        ``en`` or ``zh``.
    benchmark : str, optional
        The benchmark park's name; default "the benchmark park".

    Returns
    -------
    list of str
        One sentence per dimension, then the weakest dimension and the index.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecolib.analyses.health import Dimension, health_history
    >>> kpis = pd.DataFrame({"month": ["2026-03"], "metric": ["x"], "value": [8.0]})
    >>> bench = pd.DataFrame({"metric": ["x"], "value": [10.0], "direction": ["higher"]})
    >>> hh = health_history(kpis, bench, month="2026-03", dimensions={"a": Dimension("a", ("x",))})
    >>> trend_findings(hh, "2026-03")[0]
    'a: 80% of the level of the benchmark park in 2026-03 (no score a year earlier).'
    >>> trend_findings(hh, "2026-03", benchmark="Riverside Park")[-1]
    'Health index in 2026-03: 80.0%. The weakest dimension is a at 80%, the same one the gap analysis names: the one to work on first.'
    """
    if month not in hh.scores.index or hh.scores.loc[month].isna().all():
        return [t("health.trend.none", lang, month=month)]
    benchmark = benchmark or t("common.benchmark_park", lang)
    year_ago = mo.shift(month, -12)
    out = []
    for d, dim in hh.dims.items():
        now = hh.scores.at[month, d]
        if pd.isna(now):
            out.append(t("health.trend.not_scored", lang, dimension=name_of(dim, lang), month=month))
            continue
        before = hh.scores.at[year_ago, d] if year_ago in hh.scores.index else np.nan
        key = "health.trend.dimension" if pd.notna(before) else "health.trend.dimension_first"
        out.append(t(key, lang, dimension=name_of(dim, lang), score=fmt.pct(now, 0), month=month,
                     before=fmt.pct(before, 0), year_ago=year_ago, benchmark=benchmark))
    weakest = hh.weakest.get(month)
    out.append(t("health.trend.weakest", lang, dimension=name_of(hh.dims[weakest], lang), month=month,
                 score=fmt.pct(hh.scores.at[month, weakest], 0), index=fmt.pct(hh.index.get(month), 1)))
    return out
