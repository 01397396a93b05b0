"""The month brief: the headline figures against the month before, and this month's actions.

Two results, both read by the month's index page (the brief):

* :func:`figures` — the headline figures of the month (active firms, output, local trade,
  local sourcing, technology nodes without a local firm, health index, open alerts, broken
  links), each with its value a month earlier (the latest earlier month with data), the
  change, which way is better and a verdict (better, worse, unchanged at the precision shown,
  first month, not reported).
* :func:`actions` — at most three actions, ranked by one rule, :data:`URGENCY`:

  Every candidate gets an urgency on one 0–1 scale: an open alert by its level and status
  (critical new 1.0, critical ongoing 0.9, warning new 0.6, warning ongoing 0.5), the top gap
  by its priority score, the exit risk by the share of the park's local trade that the exit
  of the most systemic firm would cut, and the largest broken link by its value at stake as
  a share of the park's local trade. The three most urgent are the month's actions; equal
  urgencies (at two decimals) keep the order alert, gap, exit risk, broken link (alerts among
  themselves: more months in breach first, then the indicator's id).

Pure: numbers and ids only; the words are in :mod:`ecolib.presentation.narrative.brief`.

Examples
--------
>>> from ecolib import datasets
>>> from ecolib.analyses.month import analyse
>>> b = analyse(datasets.tiny(), "2026-03").brief
>>> b.previous_month
'2026-02'
>>> row = b.figures.set_index("id").loc["active_firms"]
>>> float(row["value"]), float(row["previous"]), row["verdict"]
(3.0, 3.0, 'same')
>>> len(b.actions) <= 3
True
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Brief", "FIGURES", "URGENCY", "KIND_ORDER", "figure_values", "figures", "candidates", "actions",
           "brief"]

#: The headline figures, in display order: id → (unit, which way is better). Units:
#: ``count``, ``money`` (currency), ``share`` (0–1), ``index`` (0–1, shown as a percent).
FIGURES: dict[str, tuple[str, str | None]] = {
    "active_firms": ("count", "higher"),
    "output": ("money", "higher"),
    "local_trade": ("money", "higher"),
    "local_sourcing": ("share", "higher"),
    "missing_nodes": ("count", "lower"),
    "health_index": ("index", "higher"),
    "open_alerts": ("count", "lower"),
    "broken_links": ("count", "lower"),
}

#: A change smaller than this is "unchanged" (the precision the brief shows): counts by whole
#: units, shares and indices by 0.1 percentage point, money relative to its size (0.1 %, the
#: one decimal of "CNY 131.8 bn").
PRECISION = {"count": 0.5, "share": 0.0005, "index": 0.0005, "money": 0.0005}

#: Urgency of an open alert by (severity, status).
URGENCY: dict[tuple[str, str], float] = {
    ("critical", "new"): 1.0, ("critical", "ongoing"): 0.9,
    ("warning", "new"): 0.6, ("warning", "ongoing"): 0.5,
}

#: The order that breaks equal urgencies.
KIND_ORDER = ("alert", "gap", "exit", "link")

#: At most this many actions.
MAX_ACTIONS = 3


@dataclass
class Brief:
    """The month brief (see the module docstring).

    Attributes
    ----------
    month : str
        The month, ``YYYY-MM``.
    previous_month : str or None
        The latest earlier month with data (None: this is the first month).
    figures : DataFrame
        One row per headline figure (:data:`FIGURES` order): id, unit, better (``higher``,
        ``lower``), value (NaN: not reported), previous (NaN: no earlier value), change
        (value − previous), verdict (``better``, ``worse``, ``same``, ``first`` — no earlier
        value —, ``not_reported``).
    weakest : str or None
        The weakest health dimension (the one diagnosis of every page); None without scores.
    weakest_previous : str or None
        The weakest dimension of the previous month.
    candidates : DataFrame
        Every candidate action with its urgency: kind (``alert``, ``gap``, ``exit``,
        ``link``), subject (the alert's rule id, the gap decision's id, the firm id, or
        ``source→target``), urgency (0–1), rank (1 = most urgent) and ``detail`` (a dict of
        the numbers behind it, by kind).
    actions : DataFrame
        The first :data:`MAX_ACTIONS` rows of ``candidates``.
    """

    month: str
    previous_month: str | None
    figures: pd.DataFrame
    weakest: str | None = None
    weakest_previous: str | None = None
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def actions(self) -> pd.DataFrame:
        return self.candidates.head(MAX_ACTIONS)


def _number(value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return math.nan
    return v if math.isfinite(v) else math.nan


def figure_values(model: Any) -> dict[str, float]:
    """The headline figures of one month model: id → value (NaN where not reported).

    Parameters
    ----------
    model : MonthModel
        The month model (:func:`ecolib.analyse`).

    Returns
    -------
    dict of str to float
        The keys of :data:`FIGURES`: active local firms, annual output of the active local
        firms (currency), local trade over the flow window (currency), local sourcing (0–1),
        technology nodes with no local firm, health index (0–1 of the benchmark level), open
        alerts (new or ongoing), broken links. Trade, sourcing and broken links are NaN (not
        reported) for a workspace without transactions between firms; open alerts without
        indicator values; output where no firm reports it.

    Examples
    --------
    >>> from ecolib import datasets
    >>> from ecolib.analyses.month import analyse
    >>> v = figure_values(analyse(datasets.tiny(), "2026-03"))
    >>> v["active_firms"], v["missing_nodes"]
    (3.0, 1.0)
    """
    ov = model.overview.headline
    vs = model.value_stream
    gm = model.gene_map.coverage.headline
    broken = vs.broken
    n_broken = int((broken["status"] == "broken").sum()) if len(broken) and "status" in broken else 0
    ev = model.evaluation.headline
    flows = model.tables.get("flows")
    traded = flows is not None and len(flows) > 0       # no transactions given: trade not reported, not 0
    return {
        "active_firms": _number(ov.get("local_firms")),
        "output": _number(ov.get("output")) if ov.get("output") else math.nan,
        "local_trade": _number(vs.totals.get("local_value")) if traded else math.nan,
        "local_sourcing": _number(vs.totals.get("local_sourcing")) if traded else math.nan,
        "missing_nodes": _number(gm.get("missing")),
        "health_index": _number(model.health.index),
        "open_alerts": _number(ev.get("alerts_open")) if model.evaluation.evaluated else math.nan,
        "broken_links": float(n_broken) if traded else math.nan,
    }


def figures(now: dict[str, float], before: dict[str, float] | None) -> pd.DataFrame:
    """The headline figures of a month against the month before, with a verdict each.

    Parameters
    ----------
    now, before : dict of str to float
        :func:`figure_values` of the month and of the month before (None: first month).

    Returns
    -------
    DataFrame
        id, unit, better, value, previous, change, verdict (see :class:`Brief`).

    Examples
    --------
    >>> f = figures({"active_firms": 10, "open_alerts": 2, "output": float("nan")},
    ...             {"active_firms": 9, "open_alerts": 2, "output": 5.0})
    >>> f.set_index("id").loc[["active_firms", "open_alerts", "output", "health_index"], "verdict"].tolist()
    ['better', 'same', 'not_reported', 'not_reported']
    >>> figures({"active_firms": 10}, None).loc[0, "verdict"]
    'first'
    """
    rows = []
    for fid, (unit, better) in FIGURES.items():
        value = _number(now.get(fid))
        previous = _number(before.get(fid)) if before is not None else math.nan
        change = value - previous
        if math.isnan(value):
            verdict = "not_reported"
        elif math.isnan(previous):
            verdict = "first"
        else:
            scale = max(abs(previous), abs(value)) if unit == "money" else 1.0
            if change == 0 or abs(change) < PRECISION[unit] * scale:
                verdict = "same"
            elif better is None:
                verdict = "changed"
            else:
                verdict = "better" if (change > 0) == (better == "higher") else "worse"
        rows.append({"id": fid, "unit": unit, "better": better, "value": value, "previous": previous,
                     "change": change, "verdict": verdict})
    return pd.DataFrame(rows, columns=["id", "unit", "better", "value", "previous", "change", "verdict"])


def _alerts(model: Any) -> list[dict]:
    current = model.evaluation.current
    if not len(current):
        return []
    open_ = current[current["status"].isin(["new", "ongoing"])]
    out = []
    for row in open_.itertuples(index=False):   # a handful of alerts, not firms or flows
        urgency = URGENCY.get((row.severity, row.status))
        if urgency is None:
            continue
        out.append({"kind": "alert", "subject": str(row.rule), "urgency": urgency,
                    "months": len(row.months_in_breach or []),
                    "detail": {"alert_id": row.id, "rule": row.rule, "metric": row.metric,
                               "severity": row.severity, "status": row.status, "value": _number(row.value),
                               "opened": row.opened, "months_in_breach": list(row.months_in_breach or [])}})
    return out


def _gap(model: Any) -> list[dict]:
    ga = model.gaps
    table = getattr(ga, "decisions", None)
    if table is None:
        table = ga.priority
    if table is None or not len(table):
        return []
    top = table.iloc[0]
    ident = str(top.get("decision_id", top.get("node_id")))
    detail = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in top.items()}
    detail["decision_id"] = ident
    tied = table[(table["score"].round(2) == round(float(top["score"]), 2))]
    detail["tied"] = int(len(tied) - 1)
    return [{"kind": "gap", "subject": ident, "urgency": _number(top["score"]), "months": 0, "detail": detail}]


def _local_trade(model: Any) -> float:
    return _number(model.value_stream.totals.get("local_value"))


def _exit(model: Any) -> list[dict]:
    stress = model.gaps.exit
    if stress is None:
        return []
    share = _number(stress.value_share)
    if math.isnan(share) or share <= 0:
        return []
    return [{"kind": "exit", "subject": str(stress.firm_id), "urgency": min(share, 1.0), "months": 0,
             "detail": {"firm_id": stress.firm_id, "value_lost": _number(stress.value_lost), "value_share": share,
                        "affected_firms": int(len(stress.affected)), "nodes_lost": list(stress.nodes_lost or [])}}]


def _link(model: Any) -> list[dict]:
    broken = model.value_stream.broken
    if not len(broken) or "status" not in broken:
        return []
    rows = broken[broken["status"] == "broken"]
    if not len(rows):
        return []
    stake = rows["value_at_stake"] if "value_at_stake" in rows else rows["buyer_from_outside"]
    top = rows.loc[stake.idxmax()]
    total = _local_trade(model)
    value = _number(stake.max())
    urgency = min(value / total, 1.0) if total > 0 else 0.0
    detail = {k: top[k] for k in ("source", "target", "source_name", "source_name_zh", "target_name",
                                  "target_name_zh", "buyer_from_outside", "supplier_to_outside", "local_share")
              if k in top}
    detail |= {"value_at_stake": value, "local_trade": total, "broken_links": int(len(rows))}
    return [{"kind": "link", "subject": f"{top['source']}→{top['target']}", "urgency": urgency, "months": 0,
             "detail": detail}]


def candidates(model: Any) -> pd.DataFrame:
    """Every candidate action of the month with its urgency, ranked by :data:`URGENCY`'s rule.

    Parameters
    ----------
    model : MonthModel
        The month model.

    Returns
    -------
    DataFrame
        kind, subject, urgency (0–1), rank (1 = first), detail (dict); most urgent first.

    Examples
    --------
    >>> from ecolib import datasets
    >>> from ecolib.analyses.month import analyse
    >>> c = candidates(analyse(datasets.tiny(), "2026-03"))
    >>> c["rank"].tolist() == list(range(1, len(c) + 1))
    True
    """
    rows = _alerts(model) + _gap(model) + _exit(model) + _link(model)
    frame = pd.DataFrame(rows, columns=["kind", "subject", "urgency", "months", "detail"])
    if not len(frame):
        return frame.drop(columns="months").assign(rank=pd.Series(dtype="int64"))
    frame["_u"] = frame["urgency"].round(2)
    frame["_k"] = frame["kind"].map({k: i for i, k in enumerate(KIND_ORDER)})
    frame = frame.sort_values(["_u", "_k", "months", "subject"], ascending=[False, True, False, True], kind="stable")
    frame = frame.drop(columns=["_u", "_k", "months"]).reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame


def actions(model: Any) -> pd.DataFrame:
    """This month's actions: the first :data:`MAX_ACTIONS` of :func:`candidates`."""
    return candidates(model).head(MAX_ACTIONS)


def brief(model: Any, previous: Any | None) -> Brief:
    """The month brief of ``model`` against ``previous`` (the model of the month before, or None).

    Parameters
    ----------
    model : MonthModel
        The month.
    previous : MonthModel or None
        The latest earlier month with data (``MonthModel.brief`` finds it); None for the first.

    Returns
    -------
    Brief

    Examples
    --------
    >>> from ecolib import datasets
    >>> from ecolib.analyses.month import analyse
    >>> b = brief(analyse(datasets.tiny(), "2026-03"), None)
    >>> b.previous_month is None, set(b.figures["verdict"]) <= {"first", "not_reported"}
    (True, True)
    """
    now = figure_values(model)
    before = figure_values(previous) if previous is not None else None
    weakest = model.health.weakest if len(getattr(model.health, "dimensions", [])) else None
    weakest_previous = previous.health.weakest if previous is not None else None
    return Brief(model.month, previous.month if previous is not None else None, figures(now, before),
                 weakest=weakest, weakest_previous=weakest_previous, candidates=candidates(model))
