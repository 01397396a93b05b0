"""The tables of the niche page: the zones' portfolios, every pair of zones, the
differentiation advice of the flagged pairs, one firm's embedding opportunities and the best
entry point of the other small firms next to the gaps.

Each spec's rows come from one result of :mod:`ecolib.analyses.niche` (names in ``lang``); a
notebook shows one with ``ctx.table(tables.PORTFOLIO, m.niche)``, a widget with
``tables.ADVICE.html(n, lang, currency)``.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses import niche as nc
>>> n = nc.niche(tiny().tables, "2026-03", threshold=0.4)
>>> PAIRS.view(n, "en")[["pair", "verdict"]].values.tolist()
[['North – South', 'Homogeneous competition']]
>>> "Materials" in ADVICE.html(n, "en")
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.analyses.niche import DISTINCT_BELOW, Embedding, Entries, Niche
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_names, t
from ecolib.presentation.narrative.niche import (EMBED_SHOWN, group_names, listing, node_names, weight_words,
                                                 zone_name, zone_names)
from ecolib.presentation.tables import Table

__all__ = ["PORTFOLIO", "PORTFOLIO_EMPLOYEES", "PORTFOLIO_FIRMS", "portfolio", "PAIRS", "ADVICE", "ADVICE_WEIGHT",
           "advice", "EMBEDDING",
           "ENTRIES", "ENTRIES_NO_OUTPUT", "entries"]


def _portfolio_rows(n: Niche, lang: str = "en", currency: str = "CNY", *, top: int = 3) -> pd.DataFrame:
    """Per zone: firms, output, groups with output, breadth (raw and standardised), and its
    ``top`` largest groups with their share (text)."""
    names = group_names(n, lang)
    p = n.shares
    a = np.nan_to_num(p.to_numpy(np.float64), nan=-1.0)
    k = min(top, a.shape[1])
    idx = np.argsort(-a, axis=1, kind="stable")[:, :k] if k else np.zeros((len(p), 0), int)
    vals = np.take_along_axis(a, idx, axis=1)
    cols = p.columns.to_numpy(object)
    sep = "；" if lang == "zh" else "; "
    largest = [sep.join(f"{names.get(cols[g], cols[g])} {fmt.pct(v, 0)}" for g, v in zip(gi, vi) if v > 0) or "–"
               for gi, vi in zip(idx, vals)]                          # zones × top: a handful of rows
    z = n.zones
    zn = zone_names(n, lang)
    return pd.DataFrame({"zone": z["zone"].map(zn).to_numpy(object), "firms": z["firms"].to_numpy(np.int64),
                         "output": z["output"].to_numpy(np.float64), "groups": z["groups"].to_numpy(np.int64),
                         "breadth": z["breadth"].to_numpy(np.float64),
                         "breadth_std": z["breadth_std"].to_numpy(np.float64), "largest": largest})


def _pair_rows(n: Niche, lang: str = "en", currency: str = "CNY") -> pd.DataFrame:
    """Every pair of zones: zones, overlap, verdict (homogeneous competition above the
    threshold, distinct niches below :data:`~ecolib.analyses.niche.DISTINCT_BELOW`, partly
    overlapping between), the group where they overlap most."""
    names = group_names(n, lang)
    zn = zone_names(n, lang)
    pr = n.pairs
    w = weight_words(n, lang)["w"]
    o = pr["overlap"].to_numpy(np.float64)
    verdict = np.where(pr["flagged"].to_numpy(bool), t("niche.verdict.flagged", lang),
                       np.where(np.isnan(o), t("niche.verdict.undefined", lang),
                                np.where(o < DISTINCT_BELOW, t("niche.verdict.distinct", lang),
                                         t("niche.verdict.between", lang))))
    shared = [("–" if g is None or (isinstance(g, float) and np.isnan(g)) else
               t("niche.shared_cell", lang, group=names.get(g, g), a=fmt.pct(sa, 0), b=fmt.pct(sb, 0), w=w))
              for g, sa, sb in zip(pr.get("shared", [None] * len(pr)), pr.get("share_a", [np.nan] * len(pr)),
                                   pr.get("share_b", [np.nan] * len(pr)))]     # pairs of zones: few
    return pd.DataFrame({"pair": [f"{zn.get(a, a)} – {zn.get(b, b)}" for a, b in zip(pr["zone_a"], pr["zone_b"])],
                         "overlap": pr["overlap"].to_numpy(np.float64), "verdict": verdict, "shared": shared})


def _advice_rows(n: Niche, lang: str = "en", currency: str = "CNY") -> pd.DataFrame:
    """One row per flagged pair and zone: the groups it should build on (LQ vs the other zone)."""
    names = group_names(n, lang)
    zn = zone_names(n, lang)
    adv = n.advice
    if not len(adv):
        return pd.DataFrame({"pair": [], "zone": [], "build_on": [], "other": []})
    item = [t("niche.advice_item", lang, group=names.get(g, g), lq=fmt.number(a, 2), lq_other=fmt.number(b, 2),
              share=fmt.pct(s, 0)) for g, a, b, s in zip(adv["group"], adv["lq"], adv["lq_other"], adv["share"])]
    adv = adv.assign(item=item)
    sep = "；" if lang == "zh" else "; "
    g = adv.groupby(["zone_a", "zone_b", "zone", "other"], sort=False)["item"].agg(lambda s: sep.join(s))
    out = g.reset_index()
    return pd.DataFrame({"pair": [f"{zn.get(a, a)} – {zn.get(b, b)}" for a, b in zip(out["zone_a"], out["zone_b"])],
                         "zone": out["zone"].map(zn).to_numpy(object), "build_on": out["item"].to_numpy(object),
                         "other": out["other"].map(zn).to_numpy(object)})


def _embedding_rows(e: Embedding, lang: str = "en", currency: str = "CNY", *, n: int = EMBED_SHOWN) -> pd.DataFrame:
    """The top ``n`` opportunities (score > 0) with their reasons (names from ``e.gene_map``)."""
    top = e.top(n)
    gm = e.gene_map
    names = node_names(gm, lang)
    tree = gm.coverage.tree
    seg_names = pd.Series(display_names(tree, lang).to_numpy(object), index=tree["node_id"].to_numpy(object))
    reasons = []
    for rel, phis in zip(top["related"], top["related_proximity"]):    # ≤ n rows (display)
        items = [t("niche.reason_item", lang, node=names.get(r, r), phi=fmt.number(v, 2))
                 for r, v in zip(rel, phis)]
        reasons.append(listing(items, lang, 3) if items else t("niche.reason_none", lang))
    status = [t(f"genemap.status.{s}", lang) for s in top["status"]]
    return pd.DataFrame({
        "rank": top["rank"].to_numpy(np.int64),
        "node": [f"{names.get(i, i)}{' ★' if c else ''}" for i, c in zip(top["node_id"], top["core"])],
        "segment": top["segment_id"].map(seg_names).to_numpy(object),
        "status": status,
        "firms": top["firms"].to_numpy(np.int64),
        "density": top["density"].to_numpy(np.float64),
        "priority": top["priority"].to_numpy(np.float64),
        "score": top["score"].to_numpy(np.float64),
        "reasons": reasons,
        "candidates": top["candidates"].to_numpy(np.int64),     # a count: none on record is 0
    })


def _entry_rows(en: Entries, lang: str = "en", currency: str = "CNY") -> pd.DataFrame:
    """Each small firm next to the gaps: firm, zone, output, its main node, best entry node,
    density, score; best opportunity first."""
    tab = en.table
    names = node_names(en.gene_map, lang)
    return pd.DataFrame({
        "firm": display_names(tab, lang).to_numpy(object),
        "zone": [zone_name(z, tab, lang) for z in tab["zone"]],          # ten firms at most
        "output": tab["output"].to_numpy(np.float64),
        "own": tab["main_node"].map(names).fillna("–").to_numpy(object),
        "entry": [names.get(i, "–") if isinstance(i, str) else "–" for i in tab["node_id"]],
        "density": tab["density"].to_numpy(np.float64),
        "score": tab["score"].to_numpy(np.float64),
    })


#: The zones' portfolios (source: :class:`~ecolib.analyses.niche.Niche`).
PORTFOLIO = Table("niche.portfolio", rows=_portfolio_rows, columns={
    "zone": "common.zone", "firms": ("common.firms", "count"), "output": ("common.output", "money"),
    "groups": ("niche.col.groups", "count"), "breadth": ("niche.col.breadth", "num2"),
    "breadth_std": ("niche.col.breadth_std", "num3"), "largest": "niche.col.largest"}, max_rows=20)

#: The zones' portfolios weighed by employees (output not reported; source: Niche).
PORTFOLIO_EMPLOYEES = Table("niche.portfolio", rows=_portfolio_rows, columns={
    "zone": "common.zone", "firms": ("common.firms", "count"), "output": ("common.employees", "count"),
    "groups": ("niche.col.groups", "count"), "breadth": ("niche.col.breadth", "num2"),
    "breadth_std": ("niche.col.breadth_std", "num3"), "largest": "niche.col.largest_weight"}, max_rows=20)

#: The zones' portfolios weighed by firm counts (neither output nor employees reported; source: Niche).
PORTFOLIO_FIRMS = Table("niche.portfolio", rows=_portfolio_rows, columns={
    "zone": "common.zone", "firms": ("common.firms", "count"),
    "groups": ("niche.col.groups", "count"), "breadth": ("niche.col.breadth", "num2"),
    "breadth_std": ("niche.col.breadth_std", "num3"), "largest": "niche.col.largest_weight"}, max_rows=20)


def portfolio(n: Niche) -> Table:
    """The portfolio table for what ``n`` is weighed by (:attr:`~ecolib.analyses.niche.Niche.weight`):
    with the output column (money) only when output was used.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> portfolio(nc.niche(tiny().tables, "2026-03")) is PORTFOLIO
    True
    """
    return {"employees": PORTFOLIO_EMPLOYEES, "firms": PORTFOLIO_FIRMS}.get(n.weight, PORTFOLIO)

#: Every pair of zones with its overlap and verdict (source: Niche).
PAIRS = Table("niche.pairs", rows=_pair_rows, max_rows=15, columns={
    "pair": "niche.col.pair", "overlap": ("niche.col.overlap", "num3"), "verdict": "niche.col.verdict",
    "shared": "niche.col.shared"})

#: What each zone of a flagged pair should build on (source: Niche).
ADVICE = Table("niche.advice", rows=_advice_rows, max_rows=12, columns={
    "pair": "niche.col.pair", "zone": "common.zone", "build_on": "niche.col.build_on"})

#: The same when the portfolios are weighed by employees or firm counts: the share is of the
#: zone's portfolio, not of its output (source: Niche).
ADVICE_WEIGHT = Table("niche.advice", rows=_advice_rows, max_rows=12, columns={
    "pair": "niche.col.pair", "zone": "common.zone", "build_on": "niche.col.build_on_weight"})


def advice(n: Niche) -> Table:
    """:data:`ADVICE`, or :data:`ADVICE_WEIGHT` when ``n`` is not weighed by output (its header
    says what the share is of).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> advice(nc.niche(tiny().tables, "2026-03")) is ADVICE
    True
    """
    return ADVICE if n.weight == "output" else ADVICE_WEIGHT

#: One firm's ten best entry points (source: :class:`~ecolib.analyses.niche.Embedding`).
EMBEDDING = Table("niche.embedding", rows=_embedding_rows, columns={
    "rank": ("niche.col.rank", "count"), "node": "genemap.col.node", "status": "genemap.col.status",
    "density": ("niche.col.density", "share"), "priority": ("niche.col.priority", "num2"),
    "score": ("niche.col.score", "num3"), "reasons": "niche.col.reasons",
    "candidates": ("genemap.col.candidates", "count")})

#: The best entry point of each small firm next to the gaps (source: :class:`~ecolib.analyses.niche.Entries`).
ENTRIES = Table("niche.entries", rows=_entry_rows, columns={
    "firm": "common.firm", "zone": "common.zone", "output": ("common.output", "money"),
    "own": "niche.col.own_nodes", "entry": "niche.col.best_entry", "density": ("niche.col.density", "share"),
    "score": ("niche.col.score", "num3")})

#: The same without the output column, for a park whose firms report no output (source: Entries).
ENTRIES_NO_OUTPUT = Table("niche.entries", rows=_entry_rows, columns={
    "firm": "common.firm", "zone": "common.zone",
    "own": "niche.col.own_nodes", "entry": "niche.col.best_entry", "density": ("niche.col.density", "share"),
    "score": ("niche.col.score", "num3")})


def entries(en: Entries) -> Table:
    """:data:`ENTRIES`, or :data:`ENTRIES_NO_OUTPUT` when none of its firms reports output
    (a column of "–" says nothing).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> from ecolib.analyses import genemap
    >>> ws = tiny()
    >>> en = nc.small_firm_entries(ws.tables, "2026-03", genemap.gene_map(ws.tables, "2026-03"))
    >>> entries(en) is ENTRIES
    True
    """
    out = en.table["output"] if "output" in en.table else None
    return ENTRIES if out is not None and out.notna().any() else ENTRIES_NO_OUTPUT
