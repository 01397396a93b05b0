"""The words of the niche page (notebooks/05_niche_positioning.ipynb): findings on the zones'
niches, on one firm's embedding opportunities and on the other small firms next to the gaps;
the headline cards; the values the section headings and intros fill in.

Every function takes results of :mod:`ecolib.analyses.niche` (numbers, ids and codes) and
returns text in ``lang`` (``i18n/{en,zh}/niche.yaml``). Values from data are inserted as plain
text; the notebook context escapes every string once.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses import niche as nc
>>> n = nc.niche(tiny().tables, "2026-03", threshold=0.4)
>>> print(findings(n, "en")[0])
North and South compete for the same niche: their output mix overlaps at 0.447 (above 0.40), homogeneous
competition. Both draw most of it from Cells and packs (33% of North's output, 100% of South's).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ecolib.analyses import genemap
from ecolib.analyses.niche import DISTINCT_BELOW, FINER, Embedding, Entries, Niche
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_names, t

__all__ = [
    "group_names",
    "firm_names",
    "node_names",
    "listing",
    "level_label",
    "section_values",
    "embed_values",
    "priority_values",
    "method_values",
    "embed_section",
    "own_nodes_text",
    "headline_cards",
    "findings",
    "embedding_findings",
    "entries_findings",
]


# =========================================================================== names


def group_names(n: Niche, lang: str = "en") -> pd.Series:
    """Group id → name in ``lang`` (the groups of the niche's level)."""
    return pd.Series(display_names(n.groups, lang).to_numpy(object), index=n.groups["group"].to_numpy(object))


def firm_names(firms: pd.DataFrame, lang: str = "en") -> pd.Series:
    """Firm id → name in ``lang``."""
    return pd.Series(display_names(firms, lang).to_numpy(object), index=firms["firm_id"].to_numpy(object))


def node_names(gm: genemap.GeneMap, lang: str = "en") -> pd.Series:
    """Technology node id → name in ``lang`` (the nodes of the gene map's coverage)."""
    nodes = gm.coverage.nodes
    return pd.Series(display_names(nodes, lang).to_numpy(object), index=nodes["node_id"].to_numpy(object))


def listing(items: list[str], lang: str = "en", limit: int = 4) -> str:
    """``items`` joined (、 in Chinese), the first ``limit`` of them, then "and n more"."""
    sep = "、" if lang == "zh" else ", "
    shown = sep.join(str(i) for i in items[:limit])
    if len(items) > limit:
        shown += t("niche.and_more", lang, n=len(items) - limit)
    return shown


def level_label(level: str, lang: str = "en") -> str:
    """The name of a level (stage, segment, technology node) in ``lang``."""
    return t(f"niche.level.{level}", lang)


def own_nodes_text(nodes: Iterable[str], gm: genemap.GeneMap, lang: str = "en") -> str:
    """Names of a profile's nodes, joined (four at most, then "and n more")."""
    names = node_names(gm, lang)
    return listing([str(names.get(i, i)) for i in nodes], lang, 4)


# =========================================================================== heading values


def section_values(n: Niche, lang: str = "en", *, currency: str = "CNY", min_share: float = 0.01) -> dict:
    """Placeholders the section texts use.

    Parameters
    ----------
    n : Niche
        :func:`ecolib.analyses.niche.niche`.
    lang, currency : str
        Language and currency code.
    min_share : float
        The advice's smallest share of a zone's output (as :func:`ecolib.analyses.niche.differentiation`).

    Returns
    -------
    dict
        level, level_plural, n (groups of the level), threshold, min_share, currency.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> section_values(nc.niche(tiny().tables, "2026-03"), "en")["threshold"]
    '0.70'
    """
    return {"level": level_label(n.level, lang), "level_plural": t(f"niche.level_plural.{n.level}", lang),
            "n": int(n.output.shape[1]), "threshold": fmt.number(n.threshold, 2), "min_share": fmt.pct(min_share, 0),
            "currency": currency}


def priority_values(e: Embedding, lang: str = "en") -> dict:
    """How the gap priority was made, in words, by ``e.priority_source``.

    Parameters
    ----------
    e : Embedding
        :func:`ecolib.analyses.niche.embedding`.
    lang : str
        Language.

    Returns
    -------
    dict
        ``priority_def`` (short, for the embedding intro) and ``priority_method`` (for the
        method section).
    """
    src = e.priority_source if e.priority_source in ("gaps", "simple") else "simple"
    return {"priority_def": t(f"niche.priority_def.{src}", lang),
            "priority_method": t(f"niche.priority_method.{src}", lang)}


def embed_values(e: Embedding, gm: genemap.GeneMap, firms: pd.DataFrame, lang: str = "en", *,
                 currency: str = "CNY", chosen: bool = False) -> dict:
    """Placeholders of the embedding section's intro.

    Parameters
    ----------
    e : Embedding
        :func:`ecolib.analyses.niche.embedding`.
    gm : GeneMap
        The gene map ``e`` was ranked on (node names).
    firms : DataFrame
        The workspace's firms (name, zone, output of ``e.firm_id``).
    lang, currency : str
        Language and currency code.
    chosen : bool
        The user picked the firm (no sentence on how it was chosen).

    Returns
    -------
    dict
        firm, zone, output, nodes, why (how the firm was chosen; empty when ``chosen``),
        priority_def, priority_method.
    """
    nodes = own_nodes_text(e.nodes, gm, lang)
    if e.firm_id is None:
        return {"firm": t("niche.profile_label", lang), "zone": "", "output": "", "nodes": nodes, "why": "",
                **priority_values(e, lang)}
    info = firms.set_index("firm_id").loc[e.firm_id]
    zone = info.get("zone")
    return {"firm": str(firm_names(firms, lang).get(e.firm_id, e.firm_id)),
            "zone": zone if isinstance(zone, str) and zone else "–",
            "output": fmt.money(info.get("output"), lang, currency), "nodes": nodes,
            "why": t("niche.embed_why_chosen" if chosen else "niche.embed_why_default", lang),
            **priority_values(e, lang)}


def method_values(n: Niche, e: Embedding, gm: genemap.GeneMap, lang: str = "en", *,
                  currency: str = "CNY") -> dict:
    """Placeholders of the method section.

    Parameters
    ----------
    n : Niche
        :func:`ecolib.analyses.niche.niche`.
    e : Embedding
        :func:`ecolib.analyses.niche.embedding`.
    gm : GeneMap
        The gene map of ``e`` (its capability threshold).
    lang, currency : str
        Language and currency code.

    Returns
    -------
    dict
        :func:`section_values`, :func:`priority_values` and ``cap`` (the gene map's
        capability threshold, two decimals).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> tables = tiny().tables
    >>> e = nc.embedding(tables, "2026-03", priority="simple")
    >>> method_values(nc.niche(tables, "2026-03"), e, e.gene_map, "en")["cap"]
    '0.30'
    """
    return {**section_values(n, lang, currency=currency), **priority_values(e, lang),
            "cap": f"{gm.coverage.min_capability:.2f}"}


def embed_section(e: Embedding) -> str | None:
    """The i18n key of the embedding section.

    Parameters
    ----------
    e : Embedding
        :func:`ecolib.analyses.niche.embedding`.

    Returns
    -------
    str or None
        ``"niche.embed"`` for a firm, ``"niche.embed_profile"`` for a capability profile,
        None when there is nothing to position.
    """
    if e.firm_id is not None:
        return "niche.embed"
    return "niche.embed_profile" if e.nodes else None


# =========================================================================== cards and findings


def headline_cards(n: Niche, e: Embedding | None = None, gm: genemap.GeneMap | None = None,
                   lang: str = "en") -> dict[str, str]:
    """Headline figures ``{label: value}`` for the top of the page and index.html.

    Parameters
    ----------
    n : Niche
        :func:`ecolib.analyses.niche.niche`.
    e : Embedding, optional
        The firm's embedding (adds its best entry point).
    gm : GeneMap, optional
        The gene map of ``e`` (node names).
    lang : str
        Language.

    Returns
    -------
    dict of str to str
        Zones compared, pairs flagged, the highest overlap, the narrowest zone, the best entry.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> headline_cards(nc.niche(tiny().tables, "2026-03"), lang="en")
    {'Zones compared': '2', 'Pairs in homogeneous competition': '0', 'Highest niche overlap (North – South)': '0.447', 'Narrowest zone (standardised breadth)': 'South (0.00)'}
    """
    cards = {t("niche.headline.zones", lang): fmt.count(len(n.zones)),
             t("niche.headline.flagged", lang): fmt.count(len(n.flagged))}
    if n.headline["max_overlap"]:
        a, b, v = n.headline["max_overlap"]
        cards[t("niche.headline.max_overlap", lang, a=a, b=b)] = fmt.number(v, 3)
    z = n.zones[~n.zones["no_output"]]
    if len(z) and z["breadth_std"].notna().any():
        narrow = z.loc[z["breadth_std"].idxmin()]
        cards[t("niche.headline.narrowest", lang)] = f"{narrow['zone']} ({fmt.number(narrow['breadth_std'], 2)})"
    if e is not None and gm is not None and len(e.top(1)):
        top = e.top(1).iloc[0]
        nodes = gm.coverage.nodes.set_index("node_id")
        name = display_names(nodes.reset_index(), lang).set_axis(nodes.index).get(top["node_id"], top["node_id"])
        cards[t("niche.headline.best_entry", lang)] = str(name)
    return cards


def findings(n: Niche, lang: str = "en", *, currency: str = "CNY") -> list[str]:
    """Plain-language findings on the zones' niches, naming zones, groups and numbers.

    Parameters
    ----------
    n : Niche
        :func:`ecolib.analyses.niche.niche`.
    lang, currency : str
        Language and currency code.

    Returns
    -------
    list of str
        Flagged pairs with their advice and the finer-level overlap, the closest or the most
        distinct pair, the breadth extremes, output left out of the level.
    """
    out: list[str] = []
    names = group_names(n, lang)
    lvl = level_label(n.level, lang)
    z = n.zones
    live = z[~z["no_output"]]
    if not len(z):
        return [t("niche.finding.no_zones", lang)]
    if len(z) == 1:
        out.append(t("niche.finding.one_zone", lang, zone=z.iloc[0]["zone"]))
    for _, row in z[z["no_output"]].iterrows():          # zones: a handful
        out.append(t("niche.finding.no_output", lang, zone=row["zone"], month=n.month or ""))
    fl = n.flagged
    if len(fl):
        for _, pr in fl.iterrows():                       # flagged pairs: a handful
            shared = pr.get("shared")
            text = t("niche.finding.flagged", lang, a=pr["zone_a"], b=pr["zone_b"], overlap=fmt.number(pr["overlap"], 3),
                     threshold=fmt.number(n.threshold, 2))
            if isinstance(shared, str):
                text += t("niche.finding.flagged_shared", lang, group=names.get(shared, shared),
                          sa=fmt.pct(pr["share_a"], 0), sb=fmt.pct(pr["share_b"], 0), a=pr["zone_a"], b=pr["zone_b"])
            adv = n.advice[(n.advice["zone_a"] == pr["zone_a"]) & (n.advice["zone_b"] == pr["zone_b"])]
            parts = []
            for zone in (pr["zone_a"], pr["zone_b"]):
                mine = adv[adv["zone"] == zone]
                if len(mine):
                    items = [t("niche.finding.advice_group", lang, group=names.get(g, g), lq=fmt.number(a, 2),
                               lq_other=fmt.number(b, 2)) for g, a, b in zip(mine["group"], mine["lq"], mine["lq_other"])]
                    parts.append(t("niche.finding.advice_zone", lang, zone=zone, groups=listing(items, lang, 3)))
            out.append(text)
            if parts:
                out.append(t("niche.finding.advice", lang, a=pr["zone_a"], b=pr["zone_b"],
                             advice=("；" if lang == "zh" else "; ").join(parts)))
            fine = pr.get("overlap_finer")
            if n.level in FINER and fine is not None and not np.isnan(fine) and fine <= n.threshold:
                out.append(t("niche.finding.finer", lang, a=pr["zone_a"], b=pr["zone_b"], finer=fmt.number(fine, 3),
                             finer_plural=t(f"niche.level_plural.{FINER[n.level]}", lang),
                             level_plural=t(f"niche.level_plural.{n.level}", lang)))
    elif len(live) > 1:
        top = n.pairs.iloc[0]
        out.append(t("niche.finding.none_flagged", lang, threshold=fmt.number(n.threshold, 2), a=top["zone_a"],
                     b=top["zone_b"], overlap=fmt.number(top["overlap"], 3)))
    distinct = n.pairs[(n.pairs["overlap"] < DISTINCT_BELOW).to_numpy(bool)]
    if len(distinct) and len(live) > 2:
        low = distinct.iloc[-1]
        out.append(t("niche.finding.distinct", lang, a=low["zone_a"], b=low["zone_b"],
                     overlap=fmt.number(low["overlap"], 3)))
    if len(live) > 1 and live["breadth_std"].notna().any():
        wide = live.loc[live["breadth_std"].idxmax()]
        narrow = live.loc[live["breadth_std"].idxmin()]
        out.append(t("niche.finding.breadth", lang, wide=wide["zone"], wb=fmt.number(wide["breadth"], 1),
                     ws=fmt.number(wide["breadth_std"], 2), narrow=narrow["zone"], nb=fmt.number(narrow["breadth"], 1),
                     ns=fmt.number(narrow["breadth_std"], 2), n=n.output.shape[1], level=lvl,
                     top=names.get(narrow["top_group"], narrow["top_group"]), share=fmt.pct(narrow["top_share"], 0)))
    if n.unattributed > 0:
        out.append(t("niche.finding.unattributed", lang, output=fmt.money(n.unattributed, lang, currency), level=lvl))
    return out


def embedding_findings(e: Embedding, gm: genemap.GeneMap, firms: pd.DataFrame, lang: str = "en", *,
                       currency: str = "CNY") -> list[str]:
    """Plain-language findings on the embedding opportunities of one firm or profile.

    Parameters
    ----------
    e : Embedding
        :func:`ecolib.analyses.niche.embedding`.
    gm : GeneMap
        The gene map ``e`` was ranked on.
    firms : DataFrame
        The workspace's firms (name, zone, output of ``e.firm_id``).
    lang, currency : str
        Language and currency code.

    Returns
    -------
    list of str
        Who is positioned, its best entry point and why, the next ones.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> tables = tiny().tables
    >>> e = nc.embedding(tables, "2026-03", firm_id="F3", priority="simple")
    >>> print(embedding_findings(e, e.gene_map, tables["firms"], "en")[1])
    Its best entry point is Packs (missing): fit 100% with what it does, gap priority 0.50, score 0.500. ...
    """
    names = node_names(gm, lang)
    out: list[str] = []
    if e.firm_id is None and not e.nodes:
        return [t("niche.finding.no_firm", lang)]
    if e.firm_id is not None:
        info = firms.set_index("firm_id").loc[e.firm_id]
        who = firm_names(firms, lang).get(e.firm_id, e.firm_id)
        zone = info.get("zone")
        out.append(t("niche.finding.embed_firm", lang, firm=who, zone=zone if isinstance(zone, str) and zone else "–",
                     output=fmt.money(info.get("output"), lang, currency),
                     nodes=listing([str(names.get(i, i)) for i in e.nodes], lang, 4)))
        if e.weak_profile:
            out.append(t("niche.finding.weak_profile", lang, cap=fmt.number(gm.coverage.min_capability, 2)))
    else:
        out.append(t("niche.finding.embed_profile", lang, nodes=listing([str(names.get(i, i)) for i in e.nodes], lang, 4)))
    top = e.top(3)
    if not len(top):
        out.append(t("niche.finding.embed_none", lang))
        return out
    first = top.iloc[0]
    rel = [str(names.get(r, r)) for r in first["related"]]
    out.append(t("niche.finding.embed_best", lang, node=names.get(first["node_id"], first["node_id"]),
                 status=t(f"genemap.status.{first['status']}", lang).lower() if lang == "en" else
                 t(f"genemap.status.{first['status']}", lang),
                 density=fmt.pct(first["density"], 0), priority=fmt.number(first["priority"], 2),
                 score=fmt.number(first["score"], 3), related=listing(rel, lang, 3) if rel else "–",
                 candidates=int(first["candidates"])))
    if len(top) > 1:
        items = [t("niche.finding.embed_item", lang, node=names.get(i, i), score=fmt.number(s, 3))
                 for i, s in zip(top["node_id"].iloc[1:], top["score"].iloc[1:])]
        out.append(t("niche.finding.embed_next", lang, items=listing(items, lang, 3)))
    if e.priority_source == "simple":
        out.append(t("niche.finding.embed_priority_note", lang))
    return out


def entries_findings(en: Entries, lang: str = "en", *, currency: str = "CNY") -> list[str]:
    """One sentence on the strongest opportunity among the small firms next to the gaps.

    Parameters
    ----------
    en : Entries
        :func:`ecolib.analyses.niche.small_firm_entries`.
    lang, currency : str
        Language and currency code.

    Returns
    -------
    list of str
        One sentence, or none when no firm has an opportunity (score > 0).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> from ecolib.analyses.genemap import gene_map
    >>> tables = tiny().tables
    >>> en = nc.small_firm_entries(tables, "2026-03", gene_map(tables, "2026-03"), priority="simple")
    >>> entries_findings(en, "en")
    ['Among these 1 small firms, Cathode Co (North, output CNY 200 a year) has the strongest opportunity: Lithium, fit 100%, score 0.600.']
    """
    best = en.best
    if best is None:
        return []
    names = node_names(en.gene_map, lang)
    firm = display_names(en.table.loc[[best.name]], lang).iloc[0]
    zone = best["zone"]
    return [t("niche.finding.entries_best", lang, firm=firm, zone=zone if isinstance(zone, str) and zone else "–",
              output=fmt.money(best["output"], lang, currency), node=names.get(best["node_id"], best["node_id"]),
              density=fmt.pct(best["density"], 0), score=fmt.number(best["score"], 3), n=len(en.table))]
