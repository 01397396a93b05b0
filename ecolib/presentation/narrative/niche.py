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
>>> print(findings(n, "en")[0])        # doctest: +NORMALIZE_WHITESPACE
North and South compete for the same niche: the mix of segments they earn their output in overlaps at
0.447 (niche overlap: 1 means the same mix, 0 nothing in common), above the 0.40 at which this report
calls it homogeneous competition. Both draw most of it from Cells and packs (33% of North's output, 100% of South's).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ecolib.analyses import genemap
from ecolib.analyses.niche import DISTINCT_BELOW, FINER, WEIGHTS, Embedding, Entries, Niche
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_name, display_names, t

__all__ = [
    "zone_names", "weight_note", "small_note", "small_values", "FLAGGED_IN_FULL",
    "weight_words", "weight_amount", "intro_values", "portfolio_intro", "entries_values", "EMBED_SHOWN",
    "zone_name",
    "group_names",
    "firm_names",
    "node_names",
    "listing",
    "level_label",
    "section_values",
    "embed_values", "output_phrase",
    "priority_values",
    "method_values",
    "embed_section",
    "own_nodes_text",
    "headline_cards",
    "findings",
    "embedding_findings",
    "entries_findings",
    "example_finding",
    "strongest_entry",
    "finer_names",
]


# =========================================================================== names


def zone_names(n: Niche, lang: str = "en") -> pd.Series:
    """Zone → its name in ``lang`` (the Chinese name of ``firms.zone_zh`` in Chinese).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> zone_names(nc.niche(tiny().tables, "2026-03"), "en").to_dict()
    {'North': 'North', 'South': 'South'}
    """
    z = n.zones
    return pd.Series(display_names(z, lang, base="zone").to_numpy(object), index=z["zone"].to_numpy(object))


def zone_name(zone, firms: pd.DataFrame | None = None, lang: str = "en") -> str:
    """One zone's name in ``lang``, looked up in the firms table (``zone_zh``); '–' for none.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"zone": ["East Zone"], "zone_zh": ["东区"]})
    >>> zone_name("East Zone", firms, "zh"), zone_name("East Zone", firms, "en"), zone_name(None, firms, "zh")
    ('东区', 'East Zone', '–')
    """
    if not isinstance(zone, str) or not zone:
        return "–"
    if lang != "zh" or firms is None or "zone_zh" not in firms:
        return zone
    zh = firms.loc[firms["zone"] == zone, "zone_zh"]
    zh = zh[zh.notna() & (zh.astype(str).str.strip() != "")]
    return str(zh.iloc[0]) if len(zh) else zone


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


def listing(items: list[str], lang: str = "en", limit: int = 4, *, kind: str = "item") -> str:
    """``items`` joined (、 in Chinese), the first ``limit`` of them, then "and n more" in the
    measure word of ``kind`` (:func:`ecolib.presentation.fmt.capped`: "firm", "node", "item" …).

    Examples
    --------
    >>> listing(["A", "B", "C"], "en", 2, kind="node")
    'A, B and 1 more'
    """
    return fmt.capped(items, lang, kind=kind, most=limit)


def level_label(level: str, lang: str = "en") -> str:
    """The name of a level (stage, segment, technology node) in ``lang``."""
    return t(f"niche.level.{level}", lang)


def own_nodes_text(nodes: Iterable[str], gm: genemap.GeneMap, lang: str = "en") -> str:
    """Names of a profile's nodes, joined (four at most, then "and n more")."""
    names = node_names(gm, lang)
    return listing([str(names.get(i, i)) for i in nodes], lang, 4, kind="node")


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
        level, level_plural, n (groups of the level), threshold, min_share, currency, and the
        words for what the portfolios are weighed by (:func:`weight_words`).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> section_values(nc.niche(tiny().tables, "2026-03"), "en")["threshold"]
    '0.70'
    """
    return {"level": level_label(n.level, lang), "level_plural": t(f"niche.level_plural.{n.level}", lang),
            "n": int(n.output.shape[1]), "threshold": fmt.number(n.threshold, 2), "min_share": fmt.pct(min_share, 0),
            "currency": currency, **weight_words(n, lang)}


def _weight(n: Niche) -> str:
    return n.weight if n.weight in WEIGHTS else "output"


def weight_words(n: Niche, lang: str = "en") -> dict:
    """The words for what the zones' portfolios are weighed by (:attr:`~ecolib.analyses.niche.Niche.weight`),
    so every sentence on the zones names what was measured: output, employees or firms.

    Returns
    -------
    dict
        ``w`` (the noun after a possessive: "the zone's output", "the zone's firms"), ``w_amount``
        (what a figure is: "output", "number of firms"), ``its_w`` ("its output is", "its firms
        are"), ``mix`` (the mix of the level's groups a zone's weight lies in) and
        ``method_weight`` (the method sentence on how the portfolios are made).

    Examples
    --------
    >>> import numpy as np
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> tables = dict(tiny().tables)
    >>> weight_words(nc.niche(tables, "2026-03"), "en")["w"]
    'output'
    >>> tables["firms"] = tables["firms"].assign(output=np.nan, employees=np.nan)
    >>> words = weight_words(nc.niche(tables, "2026-03"), "en")
    >>> words["w"], words["w_amount"], words["its_w"]
    ('firms', 'number of firms', 'its firms are')
    """
    w = _weight(n)
    return {"w": t(f"niche.w.{w}", lang), "w_amount": t(f"niche.w_amount.{w}", lang),
            "its_w": t(f"niche.its_w.{w}", lang),
            "mix": t(f"niche.mix.{w}", lang, level_plural=t(f"niche.level_plural.{n.level}", lang)),
            "method_weight": t(f"niche.method_weight.{w}", lang, level=level_label(n.level, lang))}


def _why(n: Niche, lang: str, prefix: str = "niche.why") -> str:
    """Why the portfolios are not weighed by output: nobody reports it, or too few do (how many
    of how many); with firm counts, also how many report employees when some do."""
    rep = n.reported or {}
    k, e = int(rep.get("output") or 0), int(rep.get("employees") or 0)
    case = "output_some" if k else "output_none"
    if _weight(n) == "firms" and e:
        case += "_employees_some"
    return t(f"{prefix}.{case}", lang, k=fmt.count(k), e=fmt.count(e), n=fmt.count(rep.get("firms", 0)))


def intro_values(n: Niche, lang: str = "en") -> dict:
    """The i18n key (``key``) and placeholders of the page's opening paragraph (for
    ``ctx.paragraph(**values, month=...)``): it says what the zones are compared by and, when
    not by output, why (output not reported, or reported by too few firms).

    Examples
    --------
    >>> import numpy as np
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> tables = dict(tiny().tables)
    >>> firms = tables["firms"]
    >>> tables["firms"] = firms.assign(output=np.where(firms["firm_id"] == "F1", firms["output"], np.nan),
    ...                                employees=np.nan)
    >>> v = intro_values(nc.niche(tables, "2026-03"), "en")
    >>> v["key"], v["why"]
    ('niche.intro_firms', 'their output is reported by only 1 of 3 firms, too few to compare zones by output')
    """
    w = _weight(n)
    return {"key": "niche.intro" if w == "output" else f"niche.intro_{w}",
            "level_plural": t(f"niche.level_plural.{n.level}", lang),
            "why": "" if w == "output" else _why(n, lang)}


def portfolio_intro(n: Niche) -> str:
    """The i18n key of the portfolio section's intro: it names the column the table shows
    (output in the currency, employees, or the number of firms)."""
    w = _weight(n)
    return "niche.portfolio_intro" if w == "output" else f"niche.portfolio_intro_{w}"


def weight_amount(value, weight: str = "output", lang: str = "en", currency: str = "CNY") -> str:
    """A zone's weight on a group as the page shows it: money for output, a number of people
    for employees, a number of firms for firm counts (split by shares, so it can be a fraction).

    Examples
    --------
    >>> weight_amount(10.0, "firms"), weight_amount(2.5, "firms"), weight_amount(1, "firms", "zh")
    ('10 firms', '2.5 firms', '1家企业')
    >>> weight_amount(1200, "employees"), weight_amount(35_250_000, "output"), weight_amount(float("nan"), "firms")
    ('1,200 employees', 'CNY 35.2 m', '–')
    """
    if weight not in ("employees", "firms"):
        return fmt.money(value, lang, currency)
    v = pd.to_numeric(value, errors="coerce")
    if pd.isna(v):
        return "–"
    text = fmt.count(v) if abs(float(v) - round(float(v))) < 1e-9 else fmt.number(v, 1)
    return t(f"niche.amount.{weight}{'_one' if text == '1' else ''}", lang, n=text)


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


def output_phrase(value, lang: str = "en", currency: str = "CNY") -> str:
    """A firm's output as its description says it: "output CNY 35.3 million a year", or "output
    not reported" when it is missing (never a "–" a year).

    Examples
    --------
    >>> output_phrase(35_250_000, "en"), output_phrase(None, "en"), output_phrase(float("nan"), "zh")
    ('output CNY 35.2 m a year', 'output not reported', '产值未报送')
    """
    v = pd.to_numeric(value, errors="coerce")
    if pd.isna(v):
        return t("niche.output_none", lang)
    return t("niche.output_year", lang, output=fmt.money(v, lang, currency))


#: Entry points of one firm the page shows (chart and table), best first.
EMBED_SHOWN = 10


def _ranked(e: Embedding, lang: str) -> str:
    """The sentence that says which gap nodes the firm's chart and table show: how many score
    above 0 of how many gap nodes, and the first :data:`EMBED_SHOWN` of them when there are more."""
    total = len(e.table)
    pos = int((e.table["score"] > 0).sum()) if total else 0
    shown = min(pos, EMBED_SHOWN)
    key = ("no_gaps" if not total else "none" if not pos else "one" if pos == 1
           else "all" if pos <= EMBED_SHOWN else "top")
    return t(f"niche.ranked.{key}", lang, total=fmt.count(total), n=fmt.count(pos), shown=fmt.count(shown),
             who=t("niche.who.firm" if e.firm_id is not None else "niche.who.profile", lang))


def entries_values(en: Entries | None, lang: str = "en") -> dict:
    """Placeholders of the small firms' section: ``unsized``, the sentence on the firms next to a
    gap left out for reporting no output (empty when none is).

    Examples
    --------
    >>> from ecolib.analyses.niche import Entries
    >>> import pandas as pd
    >>> entries_values(Entries("2026-03", pd.DataFrame(), unsized=23), "en")["unsized"]
    ' 23 more firms next to a gap report no annual output, so their size cannot be told: they are left out of this list.'
    >>> entries_values(None, "en")
    {'unsized': ''}
    """
    k = int(getattr(en, "unsized", 0) or 0)
    return {"unsized": t("niche.unsized_one" if k == 1 else "niche.unsized", lang, n=fmt.count(k)) if k else ""}


def embed_values(e: Embedding, gm: genemap.GeneMap, firms: pd.DataFrame, lang: str = "en", *,
                 currency: str = "CNY", chosen: bool = False, entries: Entries | None = None) -> dict:
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
    entries : Entries, optional
        The small firms next to the gaps: when some firms next to a gap report no output, the
        sentence on how the firm was chosen says it is the smallest of those that report it.

    Returns
    -------
    dict
        firm, zone, output, nodes, why (how the firm was chosen; empty when ``chosen``),
        ranked (which of the gap nodes the chart and table show: how many score above 0, of
        how many), priority_def, priority_method.
    """
    nodes = own_nodes_text(e.nodes, gm, lang)
    if e.firm_id is None:
        return {"firm": t("niche.profile_label", lang), "zone": "", "output": "", "nodes": nodes, "why": "",
                "ranked": _ranked(e, lang), **priority_values(e, lang)}
    info = firms.drop_duplicates("firm_id").set_index("firm_id").loc[e.firm_id]
    sized = pd.notna(pd.to_numeric(info.get("output"), errors="coerce"))
    why = "niche.embed_why_chosen" if chosen else ("niche.embed_why_default" if sized else "niche.embed_why_unsized")
    among = t("niche.among", lang) if getattr(entries, "unsized", 0) else ""
    return {"firm": str(firm_names(firms, lang).get(e.firm_id, e.firm_id)),
            "zone": zone_name(info.get("zone"), firms, lang),
            "output": output_phrase(info.get("output"), lang, currency), "nodes": nodes,
            "why": t(why, lang, among=among), "ranked": _ranked(e, lang),
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


def _shown(score: float) -> str:
    """A score as the page shows it (three decimals): two scores that read the same are a tie."""
    return fmt.number(score, 3)


def strongest_entry(en: Entries | None, e: Embedding | None = None) -> dict | None:
    """The strongest entry point for a small firm on the page, and who ties with it.

    The best row of the small firms next to the gaps (``en``, :attr:`Entries.best`); where the
    positioned firm's own best entry (``e``) scores higher, that one. Ties: the other firms of
    ``en`` whose score reads the same at the three decimals shown.

    Parameters
    ----------
    en : Entries or None
        :func:`ecolib.analyses.niche.small_firm_entries` (``ecolib.analyse(ws, month).entries``).
    e : Embedding, optional
        The firm positioned in detail (:func:`ecolib.analyses.niche.embedding`).

    Returns
    -------
    dict or None
        firm_id (None for a capability profile), node_id, density, priority, score, output,
        zone, relations (own nodes related to the entry node: 1 means the fit rests on a single
        relation), related (those own nodes), and ``ties`` (a DataFrame: the rows of ``en.table`` tied with it, best first,
        itself excluded); None when no small firm has an opportunity (score > 0).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> from ecolib.analyses.genemap import gene_map
    >>> tables = tiny().tables
    >>> en = nc.small_firm_entries(tables, "2026-03", gene_map(tables, "2026-03"), priority="simple")
    >>> best = strongest_entry(en)
    >>> best["firm_id"], best["node_id"], round(float(best["score"]), 3), len(best["ties"])
    ('F2', 'N.LI', 0.6, 0)
    """
    best = None
    if en is not None and en.best is not None:
        row = en.best
        best = {k: row[k] for k in ("firm_id", "node_id", "density", "priority", "score", "output", "zone")}
        best["relations"], best["related"] = row.get("relations", np.nan), row.get("related", ())
    if e is not None and len(e.top(1)):
        top = e.top(1).iloc[0]
        if best is None or top["score"] > best["score"] and _shown(top["score"]) != _shown(best["score"]):
            best = {"firm_id": e.firm_id, "node_id": top["node_id"], "density": top["density"],
                    "priority": top["priority"], "score": top["score"], "output": np.nan, "zone": None,
                    "relations": top.get("relations", np.nan), "related": top.get("related", ())}
    if best is None:
        return None
    ties = pd.DataFrame()
    if en is not None and len(en.table):
        tab = en.table[en.table["score"] > 0]
        same = tab["score"].map(_shown) == _shown(best["score"])
        ties = tab[same.to_numpy(bool) & (tab["firm_id"] != best["firm_id"]).to_numpy(bool)]
    best["ties"] = ties
    return best


def _one_relation(row) -> bool:
    """The fit of an entry point rests on a single relation (one own node related to the node)."""
    v = pd.to_numeric(row.get("relations", np.nan) if hasattr(row, "get") else np.nan, errors="coerce")
    return bool(pd.notna(v) and int(v) == 1)


def headline_cards(n: Niche, e: Embedding | None = None, gm: genemap.GeneMap | None = None,
                   lang: str = "en", *, entries: Entries | None = None) -> dict[str, str]:
    """Headline figures ``{label: value}`` for the top of the page and index.html.

    Parameters
    ----------
    n : Niche
        :func:`ecolib.analyses.niche.niche`.
    e : Embedding, optional
        The firm positioned in detail.
    gm : GeneMap, optional
        The gene map of ``e`` (node names).
    lang : str
        Language.
    entries : Entries, optional
        The small firms next to the gaps: with ``e`` and ``gm``, the card names the strongest
        entry point among them (:func:`strongest_entry`) with its score.

    Returns
    -------
    dict of str to str
        Zones compared, pairs flagged (of the pairs compared: a 0 is an evaluated 0), the highest overlap, the narrowest zone, the strongest
        entry point for a small firm (saying so when its fit rests on a single relation).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> headline_cards(nc.niche(tiny().tables, "2026-03"), lang="en")
    {'Zones compared': '2', 'Pairs in homogeneous competition': '0 of 1 compared', 'Highest niche overlap (North – South)': '0.447', 'Narrowest niche (breadth on a 0–1 scale)': 'South (0.000)'}
    """
    zn = zone_names(n, lang)
    compared = n.headline.get("flagged_pairs", []) is not None     # None: no pair could be compared
    cards = {t("niche.headline.zones", lang): fmt.count(len(n.zones)),
             t("niche.headline.flagged", lang): (t("niche.headline.flagged_value", lang, n=fmt.count(len(n.flagged)),
                                                   pairs=fmt.count(n.headline.get("pairs_compared", 0)))
                                                 if compared else t("niche.headline.not_evaluated", lang))}
    if n.headline["max_overlap"]:
        a, b, v = n.headline["max_overlap"]
        cards[t("niche.headline.max_overlap", lang, a=zn.get(a, a), b=zn.get(b, b))] = fmt.number(v, 3)
    z = n.zones[~n.zones["no_output"]]
    if len(z) and z["breadth_std"].notna().any():
        narrow = z.loc[z["breadth_std"].idxmin()]
        shown = fmt.number(narrow["breadth_std"], 3)
        tied = z[z["breadth_std"].map(lambda v: fmt.number(v, 3)) == shown]          # ties at the shown precision
        cards[t("niche.headline.narrowest", lang)] = t("niche.headline.narrowest_value", lang,
                                                       zone=listing([zn.get(v, v) for v in tied["zone"]], lang, 3),
                                                       value=shown)
    if gm is not None and (e is not None or entries is not None):
        best = strongest_entry(entries, e)
        if best is not None:
            name = node_names(gm, lang).get(best["node_id"], best["node_id"])
            key = "niche.headline.best_entry_value_one" if _one_relation(best) else "niche.headline.best_entry_value"
            cards[t("niche.headline.best_entry", lang)] = t(key, lang, node=name, score=_shown(best["score"]))
    return cards


def finer_names(n: Niche, lang: str = "en") -> pd.Series:
    """Group id → name in ``lang`` of the groups one level finer than ``n.level`` (technology
    nodes at the segment level); empty at the node level."""
    g = n.finer_groups
    if g is None:
        return pd.Series(dtype=object)
    return pd.Series(display_names(g, lang).to_numpy(object), index=g["group"].to_numpy(object))


def _pair_findings(n: Niche, pr: pd.Series, lang: str) -> list[str]:
    """The sentences on one flagged pair: the overlap, the finer level (what each level means
    and which one the advice rests on) and the advice."""
    names = group_names(n, lang)
    zn = zone_names(n, lang)
    a, b = zn.get(pr["zone_a"], pr["zone_a"]), zn.get(pr["zone_b"], pr["zone_b"])
    lvl, lvls = level_label(n.level, lang), t(f"niche.level_plural.{n.level}", lang)
    out = []
    ww = weight_words(n, lang)
    shared = pr.get("shared")
    text = t("niche.finding.flagged", lang, a=a, b=b, overlap=fmt.number(pr["overlap"], 3),
             threshold=fmt.number(n.threshold, 2), level_plural=lvls, mix=ww["mix"])
    if isinstance(shared, str):
        text += t("niche.finding.flagged_shared", lang, group=names.get(shared, shared),
                  sa=fmt.pct(pr["share_a"], 0), sb=fmt.pct(pr["share_b"], 0), a=a, b=b, w=ww["w"])
    out.append(text)
    fine = pr.get("overlap_finer")
    rests_on = None
    if n.level in FINER and fine is not None and not np.isnan(fine):
        finer = FINER[n.level]
        inside = ""
        fa, fb = pr.get("finer_a"), pr.get("finer_b")
        if isinstance(shared, str) and isinstance(fa, str) and isinstance(fb, str):
            fnames = finer_names(n, lang)
            key = "niche.finding.inside_same" if fa == fb else "niche.finding.inside"
            inside = t(key, lang, group=names.get(shared, shared), a=a, b=b, node_a=fnames.get(fa, fa),
                       node_b=fnames.get(fb, fb), sa=fmt.pct(pr["finer_share_a"], 0),
                       sb=fmt.pct(pr["finer_share_b"], 0), w=ww["w"])
        rests_on = "both" if fine > n.threshold else "level"
        out.append(t("niche.finding.finer_agree" if rests_on == "both" else "niche.finding.finer", lang, a=a, b=b,
                     finer=fmt.number(fine, 3), finer_level=level_label(finer, lang),
                     finer_plural=t(f"niche.level_plural.{finer}", lang), level=lvl, level_plural=lvls,
                     inside=inside))
    adv = n.advice[(n.advice["zone_a"] == pr["zone_a"]) & (n.advice["zone_b"] == pr["zone_b"])]
    parts = []
    for zone in (pr["zone_a"], pr["zone_b"]):
        mine = adv[adv["zone"] == zone]
        if len(mine):
            items = [t("niche.finding.advice_group", lang, group=names.get(g, g), lq=fmt.number(x, 2),
                       lq_other=fmt.number(y, 2)) for g, x, y in zip(mine["group"], mine["lq"], mine["lq_other"])]
            parts.append(t("niche.finding.advice_zone", lang, zone=zn.get(zone, zone), groups=listing(items, lang, 3)))
    if parts:
        key = {"level": "niche.finding.advice_level", "both": "niche.finding.advice_both"}.get(
            rests_on, "niche.finding.advice")
        out.append(t(key, lang, a=a, b=b, level=lvl, level_plural=lvls, w=ww["w"],
                     advice=("；" if lang == "zh" else "; ").join(parts)))
    return out


def weight_note(n: Niche, lang: str = "en") -> str | None:
    """The sentence saying what the zones' portfolios are weighed by when it is not output
    (:attr:`ecolib.analyses.niche.Niche.weight`), or how many firms without output are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> tables = dict(tiny().tables)
    >>> print(weight_note(nc.niche(tables, "2026-03"), "en"))
    None
    >>> tables["firms"] = tables["firms"].assign(output=float("nan"), employees=float("nan"))
    >>> weight_note(nc.niche(tables, "2026-03"), "en")[:60]
    "The firms' annual output is not reported, so each zone's por"
    """
    if n.weight == "output":
        return (t("niche.weight.unweighted", lang, n=n.unweighted) if n.unweighted else None)
    text = t(f"niche.weight.{n.weight}", lang, why=_why(n, lang, "niche.weight_why"))
    if (n.reported or {}).get("output"):          # some firms report output: the small firms are sized by it
        text += t("niche.weight.sized", lang)
    return text + (t("niche.weight.unweighted_also", lang, n=n.unweighted) if n.unweighted else "")


def small_note(n: Niche, lang: str = "en") -> str | None:
    """The sentence listing the zones too small to compare (:attr:`ecolib.analyses.niche.Niche.small`),
    or None.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> print(small_note(nc.niche(tiny().tables, "2026-03", min_firms=2), "en"))
    Too small to compare (fewer than 2 active local firms): South (1 firm). They are left out of the overlap, breadth and specialisation measures; the analyst can change these minimum sizes.
    >>> print(small_note(nc.niche(tiny().tables, "2026-03", min_firms=2), "zh"))
    规模过小、不作比较的片区（在园本地企业少于2家）：South（1家企业）。这些片区不参与重叠度、生态位宽度和专业化程度的计算；分析人员可调整这些最低规模。
    """
    values = small_values(n, lang)
    return None if values is None else t(values.pop("key"), lang, **values)


def small_values(n: Niche, lang: str = "en") -> dict | None:
    """The i18n key (``key``) and placeholders of :func:`small_note` (for ``ctx.paragraph``), or None.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> small_values(nc.niche(tiny().tables, "2026-03", min_firms=2), "en")["zones"]
    'South (1 firm)'
    """
    sm = n.small
    if not len(sm):
        return None
    names = {z: display_name(z, zh, lang) for z, zh in zip(sm["zone"], sm["zone_zh"])}
    items = [t("niche.small_item", lang, zone=names[z], firms=t("niche.firms_one" if k == 1 else "niche.firms_many",
                                                                lang, n=fmt.count(k)))
             for z, k in zip(sm["zone"], sm["firms"])]
    share = n.headline.get("min_zone_share", 0.0)
    return {"key": "niche.small" if share > 0 else "niche.small_firms", "zones": listing(items, lang, 6),
            "min_firms": n.headline.get("min_firms", 1), "min_share": fmt.pct(share, 0),
            "w": weight_words(n, lang)["w"]}


#: Flagged pairs worked through in full in the findings; the others are listed in one sentence.
FLAGGED_IN_FULL = 3


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
        Per flagged pair: the overlap (with what it measures); the overlap one level finer,
        what each level means, what each zone makes inside the group they share most, and which
        level the advice rests on; the advice (with what a location quotient is). Then the most
        distinct pair, the breadth extremes (with what breadth measures), output left out of
        the level.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> for line in findings(nc.niche(tiny().tables, "2026-03", threshold=0.4), "en")[:3]:
    ...     print(line)      # doctest: +ELLIPSIS
    North and South compete for the same niche: ... overlaps at 0.447 (...), above the 0.40 at which ...
    At the finer level of technology nodes North and South overlap 0.577 too, so their firms make the same ...
    Advice: North should build on Materials (LQ 4.33 vs 0.00); South should build on Cells and packs ...
    """
    out: list[str] = []
    names = group_names(n, lang)
    zn = zone_names(n, lang)
    lvl = level_label(n.level, lang)
    lvls = t(f"niche.level_plural.{n.level}", lang)
    z = n.zones
    live = z[~z["no_output"]]
    ww = weight_words(n, lang)
    if not len(z):      # zones too small to compare are named by small_note
        return [] if len(n.small) else [t("niche.finding.no_zones", lang)]
    if len(z) == 1:
        out.append(t("niche.finding.one_zone", lang, zone=zn.iloc[0]))
    empty = z.loc[z["no_output"], "zone"].tolist()
    if empty:      # one sentence for all of them, never one per zone
        out.append(t("niche.finding.no_output", lang, zone=listing([zn.get(v, v) for v in empty], lang, 5),
                     month=n.month or "", n=len(empty)))
    fl = n.flagged
    if len(fl):
        for _, pr in fl.head(FLAGGED_IN_FULL).iterrows():          # the closest pairs in full
            out += _pair_findings(n, pr, lang)
        if len(fl) > FLAGGED_IN_FULL:
            rest = [t("niche.finding.pair_item", lang, a=zn.get(a, a), b=zn.get(b, b), overlap=fmt.number(v, 3))
                    for a, b, v in zip(fl["zone_a"].iloc[FLAGGED_IN_FULL:], fl["zone_b"].iloc[FLAGGED_IN_FULL:],
                                       fl["overlap"].iloc[FLAGGED_IN_FULL:])]
            out.append(t("niche.finding.more_flagged", lang, items=listing(rest, lang, 5)))
    elif len(live) > 1:
        top = n.pairs.iloc[0]
        out.append(t("niche.finding.none_flagged", lang, threshold=fmt.number(n.threshold, 2),
                     a=zn.get(top["zone_a"], top["zone_a"]), b=zn.get(top["zone_b"], top["zone_b"]),
                     overlap=fmt.number(top["overlap"], 3), level_plural=lvls))
    distinct = n.pairs[(n.pairs["overlap"] < DISTINCT_BELOW).to_numpy(bool)]
    if len(distinct) and len(live) > 2:
        low = distinct.iloc[-1]
        out.append(t("niche.finding.distinct", lang, a=zn.get(low["zone_a"], low["zone_a"]),
                     b=zn.get(low["zone_b"], low["zone_b"]), overlap=fmt.number(low["overlap"], 3)))
    if len(live) > 1 and live["breadth_std"].notna().any():
        wide = live.loc[live["breadth_std"].idxmax()]
        narrow = live.loc[live["breadth_std"].idxmin()]
        tie = fmt.number(wide["breadth_std"], 3) == fmt.number(narrow["breadth_std"], 3)
        out.append(t("niche.finding.breadth_tie" if tie else "niche.finding.breadth", lang,
                     wide=zn.get(wide["zone"], wide["zone"]),
                     wb=fmt.number(wide["breadth"], 2), ws=fmt.number(wide["breadth_std"], 3),
                     narrow=zn.get(narrow["zone"], narrow["zone"]), nb=fmt.number(narrow["breadth"], 2),
                     ns=fmt.number(narrow["breadth_std"], 3), n=n.output.shape[1], level=lvl, level_plural=lvls,
                     top=names.get(narrow["top_group"], narrow["top_group"]), share=fmt.pct(narrow["top_share"], 0),
                     w=ww["w"], its_w=ww["its_w"]))
    if n.unattributed > 0:
        out.append(t("niche.finding.unattributed", lang, output=weight_amount(n.unattributed, n.weight, lang, currency),
                     level=lvl, w=ww["w"]))
    return out


def _candidates_text(k: int, lang: str) -> str:
    key = "none" if k == 0 else "one" if k == 1 else "many"
    return t(f"niche.finding.candidates_{key}", lang, n=k)


def embedding_findings(e: Embedding, gm: genemap.GeneMap, firms: pd.DataFrame, lang: str = "en", *,
                       currency: str = "CNY", who: bool = True) -> list[str]:
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
    who : bool, default True
        Start with who is positioned (False under a heading and intro that already say it).

    Returns
    -------
    list of str
        Who is positioned, its best entry point and why (saying so when its fit rests on a
        single relation), the next ones.

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
        info = firms.drop_duplicates("firm_id").set_index("firm_id").loc[e.firm_id]
        name = firm_names(firms, lang).get(e.firm_id, e.firm_id)
        if who:
            out.append(t("niche.finding.embed_firm", lang, firm=name, zone=zone_name(info.get("zone"), firms, lang),
                         output=output_phrase(info.get("output"), lang, currency),
                         nodes=listing([str(names.get(i, i)) for i in e.nodes], lang, 4, kind="node")))
        if e.weak_profile:
            out.append(t("niche.finding.weak_profile", lang, cap=fmt.number(gm.coverage.min_capability, 2)))
    elif who:
        out.append(t("niche.finding.embed_profile", lang, nodes=listing([str(names.get(i, i)) for i in e.nodes], lang, 4, kind="node")))
    top = e.top(3)
    if not len(top):
        out.append(t("niche.finding.embed_none", lang))
        return out
    first = top.iloc[0]
    rel = [str(names.get(r, r)) for r in first["related"]]
    key = "niche.finding.embed_best_one" if _one_relation(first) else "niche.finding.embed_best"
    out.append(t(key, lang, node=names.get(first["node_id"], first["node_id"]),
                 status=t(f"genemap.status.{first['status']}", lang).lower() if lang == "en" else
                 t(f"genemap.status.{first['status']}", lang),
                 density=fmt.pct(first["density"], 0), priority=fmt.number(first["priority"], 2),
                 score=_shown(first["score"]), related=listing(rel, lang, 3, kind="node") if rel else "–",
                 candidates=_candidates_text(int(first["candidates"]), lang)))
    if len(top) > 1:
        items = [t("niche.finding.embed_item", lang, node=names.get(i, i), score=_shown(s))
                 for i, s in zip(top["node_id"].iloc[1:], top["score"].iloc[1:])]
        out.append(t("niche.finding.embed_next", lang, items=listing(items, lang, 3)))
    if e.priority_source == "simple":
        out.append(t("niche.finding.embed_priority_note", lang))
    return out


def entries_findings(en: Entries, lang: str = "en", *, currency: str = "CNY") -> list[str]:
    """The strongest entry point among the small firms next to the gaps, and who ties with it.

    Parameters
    ----------
    en : Entries
        :func:`ecolib.analyses.niche.small_firm_entries`.
    lang, currency : str
        Language and currency code.

    Returns
    -------
    list of str
        The strongest opportunity (firm, zone, output, node, fit, gap priority, score; and
        that its fit rests on a single relation, when it does), then the firms tied with it at
        the shown precision (how the tie is ordered); none when no firm has an opportunity
        (score > 0).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses import niche as nc
    >>> from ecolib.analyses.genemap import gene_map
    >>> tables = tiny().tables
    >>> en = nc.small_firm_entries(tables, "2026-03", gene_map(tables, "2026-03"), priority="simple")
    >>> print(entries_findings(en, "en")[0])      # doctest: +NORMALIZE_WHITESPACE
    The strongest entry point for a small firm is Lithium, for Cathode Co (North, output CNY 200 a year): it
    fits 100% of what the firm does and its gap priority is 0.60, so its score is 0.600 (fit × gap priority),
    the highest of the 1 small firms next to a gap. That fit rests on a single relation, through Cathode: one
    link, not a broad base of shared capabilities; check it before acting on it.
    """
    best = strongest_entry(en)
    if best is None:
        return []
    names = node_names(en.gene_map, lang)
    firms = en.table                                      # zone and zone_zh of each firm
    row = en.table[en.table["firm_id"] == best["firm_id"]]
    firm = display_names(row, lang).iloc[0]
    zone = zone_name(best["zone"], firms, lang)
    text = t("niche.finding.entries_best", lang, firm=firm, zone=zone, output=fmt.money(best["output"], lang, currency),
             node=names.get(best["node_id"], best["node_id"]), density=fmt.pct(best["density"], 0),
             priority=fmt.number(best["priority"], 2), score=_shown(best["score"]), n=len(en.table))
    if _one_relation(best):            # one link, not a broad base (the gene map's weak evidence)
        rel = [str(names.get(r, r)) for r in (best.get("related") or ())]
        text += ("" if lang == "zh" else " ") + t("niche.finding.entries_one_relation", lang,
                                                    related=listing(rel, lang, 3, kind="node") if rel else "–")
    out = [text]
    ties = best["ties"]
    if len(ties):
        who = [t("niche.finding.tie_firm", lang, firm=f, zone=zone_name(z, firms, lang),
                 output=fmt.money(o, lang, currency), node=names.get(i, i))
               for f, z, o, i in zip(display_names(ties, lang), ties["zone"], ties["output"], ties["node_id"])]
        same = bool((ties["node_id"] == best["node_id"]).all())
        exact = bool((ties["score"] == best["score"]).all())
        reason = "size" if exact and bool((ties["output"] >= best["output"]).all()) else "unrounded"
        out.append(t("niche.finding.entries_tie_same" if same else "niche.finding.entries_tie", lang, firm=firm,
                     others=fmt.capped(who, lang, kind="firm"), score=_shown(best["score"]),
                     reason=t(f"niche.finding.tie_reason_{reason}", lang)))
    return out


def example_finding(e: Embedding, en: Entries | None, gm: genemap.GeneMap, firms: pd.DataFrame,
                    lang: str = "en", *, chosen: bool = False) -> list[str]:
    """One sentence that introduces the firm worked through in detail, when it is not the
    strongest opportunity: who it is, why it was picked, and its best entry point.

    Parameters
    ----------
    e : Embedding
        The positioned firm (:func:`ecolib.analyses.niche.embedding`).
    en : Entries or None
        The small firms next to the gaps.
    gm : GeneMap
        The gene map (node names).
    firms : DataFrame
        The workspace's firms.
    lang : str
        Language.
    chosen : bool
        The firm was picked for the report (not the default example firm).

    Returns
    -------
    list of str
        One sentence, or none (a capability profile, no opportunity, or the firm's best entry
        reads the same score as the strongest opportunity). It says when the firm is the
        smallest only of the firms that report output, and when its fit rests on a single
        relation.
    """
    best = strongest_entry(en)
    if e.firm_id is None or not len(e.top(1)) or best is None:
        return []
    top = e.top(1).iloc[0]
    if _shown(top["score"]) == _shown(best["score"]):
        return []
    return [t("niche.finding.example_chosen" if chosen else "niche.finding.example", lang,
              firm=firm_names(firms, lang).get(e.firm_id, e.firm_id),
              node=node_names(gm, lang).get(top["node_id"], top["node_id"]), density=fmt.pct(top["density"], 0),
              score=_shown(top["score"]), best=_shown(best["score"]),
              basis=t("niche.finding.one_relation", lang) if _one_relation(top) else "",
              among=t("niche.among", lang) if getattr(en, "unsized", 0) else "")]
