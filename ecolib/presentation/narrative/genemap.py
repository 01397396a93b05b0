"""The words of the gene map (:mod:`ecolib.analyses.genemap`): the headline cards, the findings
at the top of the page, and the values its headings and intros name.

Every sentence is built from the :class:`~ecolib.analyses.genemap.GeneMap` it speaks of; the
keys are under ``genemap.*`` (``i18n/*/genemap.yaml``). Values from data are inserted as plain
text; the page escapes them.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.genemap import gene_map
>>> gm = gene_map(tiny().tables, "2026-03")
>>> cards = headline_cards(gm, "en")
>>> cards["Technology nodes with at least one local firm (capability ≥ 0.30)"]
'3 of 4'
>>> findings(gm, "en")[0][:60]
'Of the chain’s 4 technology nodes, 3 have at least one activ'
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.analyses.genemap import Coverage, GeneMap, gap_nodes, missing_segments, single_order
from ecolib.foundations.chain import ancestor_at, shared_stages
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_names, has, t

__all__ = ["page_values", "headline_cards", "findings", "firm_names", "firm_caps", "list_text", "stage_label",
           "stage_names", "evidence_text", "evidence_findings",
           "fit_text", "fit_range", "node_label", "concentration_findings"]


# ------------------------------------------------------------------------------ text helpers


def firm_names(firms: pd.DataFrame, lang: str = "en") -> pd.Series:
    """Display names of ``firms`` in ``lang``, indexed by firm_id."""
    return display_names(firms, lang).set_axis(firms["firm_id"].to_numpy(object))


def firm_caps(names: pd.Series, capability: pd.Series, lang: str = "en") -> pd.Series:
    """'Name (0.86)' labels (full-width brackets in Chinese), one per row of ``names``.

    Examples
    --------
    >>> firm_caps(pd.Series(["Acme"]), pd.Series([0.856]), "en").tolist()
    ['Acme (0.86)']
    >>> firm_caps(pd.Series(["甲"]), pd.Series([0.5]), "zh").tolist()
    ['甲（0.50）']
    """
    caps = np.char.mod("%.2f", capability.to_numpy(np.float64))
    left, right = ("（", "）") if lang == "zh" else (" (", ")")
    return pd.Series([f"{n}{left}{c}{right}" for n, c in zip(names.astype(str), caps)], index=names.index, dtype=object)


def list_text(items: list[str], lang: str = "en", limit: int = 6, kind: str = "item") -> str:
    """The first ``limit`` items joined ('、' in Chinese, ', ' otherwise), then "and N more"
    (:func:`ecolib.presentation.fmt.capped`, the one rule for capped lists).

    ``kind`` ("item", "firm" or "node") picks the Chinese measure word of the rest (项, 家, 个).

    Examples
    --------
    >>> list_text(["a", "b", "c"], "en", 2)
    'a, b and 1 more'
    >>> list_text(["甲", "乙", "丙"], "zh", 2, kind="firm"), list_text(["甲", "乙", "丙"], "zh", 2, kind="node")
    ('甲、乙等，另有 1 家', '甲、乙等，另有 1 个')
    """
    return fmt.capped(items, lang, kind=kind, most=limit, empty="")


def fit_text(value: float, no_evidence: bool = False, lang: str = "en") -> str:
    """A node's fit with the park as the page shows it: a score with two decimals, or the
    words "no evidence" where the data relate the node to nothing (not a number that looks
    like one).

    Examples
    --------
    >>> fit_text(0.8395, False, "en"), fit_text(0.0, True, "en"), fit_text(0.0, True, "zh")
    ('0.84', 'no evidence', '无关联数据')
    """
    if no_evidence or value is None or (isinstance(value, float) and np.isnan(value)):
        return t("genemap.no_evidence", lang)
    return fmt.number(value, 2)


def fit_range(low: float, high: float, lang: str = "en") -> str:
    """'0.50–0.84', or one score where both ends read the same; "no evidence" without a score.

    Examples
    --------
    >>> fit_range(0.5, 0.8395), fit_range(0.841, 0.8395), fit_range(np.nan, np.nan)
    ('0.50–0.84', '0.84', 'no evidence')
    """
    lo, hi = fit_text(low, False, lang), fit_text(high, False, lang)
    return lo if lo == hi else f"{lo}–{hi}"


def node_label(name: str, core: bool, lang: str = "en") -> str:
    """A node's name, with ★ after it for a core node.

    Examples
    --------
    >>> node_label("Solid-state cells", True), node_label("固态电芯", True, "zh"), node_label("Lidar", False)
    ('Solid-state cells ★', '固态电芯★', 'Lidar')
    """
    return f"{name}{t('genemap.core_mark', lang)}" if core else str(name)


def _n_key(key: str, n: int, lang: str) -> str:
    """``key`` or its ``_one`` form for a count of one."""
    return f"{key}_one" if n == 1 and has(f"{key}_one", lang) else key


#: Segments missing as a whole described one sentence each in the findings; the others are named
#: in one sentence (the table lists every one).
SEGMENTS_SHOWN = 3


def stage_label(stage: str | None, lang: str = "en", fallback: str | None = None) -> str:
    """The name of a stage code in ``lang`` (``stage.<code>``); ``fallback`` (or the code)
    for a code without one."""
    if stage is not None and has(f"stage.{stage}", lang):
        return t(f"stage.{stage}", lang)
    return fallback if fallback is not None else str(stage)


def stage_names(source: GeneMap | Coverage, lang: str = "en") -> pd.Series:
    """The stage each chain node lies in, as the page names it, indexed by node_id (every node
    of the tree; '–' for the chain's top node): the stage category's name (Upstream, …) when each
    stage node has its own category, the stage node's own name when several stage nodes share one
    (:func:`ecolib.foundations.chain.shared_stages`: 31 sectors are not 31 "Upstream").

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> gm = gene_map(tiny().tables, "2026-03")
    >>> stage_names(gm, "en").loc[["S.UP", "N.LI", "N.CELL"]].tolist()
    ['Upstream', 'Upstream', 'Midstream']
    >>> tree = gm.coverage.tree.assign(stage="upstream")          # two stage nodes, one category
    >>> import dataclasses
    >>> stage_names(dataclasses.replace(gm.coverage, tree=tree), "en").loc[["S.UP", "N.CELL"]].tolist()
    ['Upstream', 'Midstream']
    """
    cov = source.coverage if isinstance(source, GeneMap) else source
    tree = cov.tree
    ids = tree["node_id"].astype(str).to_numpy(object)
    names = display_names(tree, lang).set_axis(ids)
    stage_of = ancestor_at(tree, "stage").reindex(ids)
    code = tree.set_index("node_id")["stage"].reindex(ids)
    shared = shared_stages(tree)
    out = [("–" if not isinstance(st, str) else names.get(st, st)) if shared or not isinstance(c, str)
           else stage_label(c, lang, fallback=names.get(st, st) if isinstance(st, str) else None)
           for st, c in zip(stage_of, code)]          # one pass over the tree's nodes
    return pd.Series(out, index=ids, dtype=object)


# ------------------------------------------------------------------------------ page


def page_values(gm: GeneMap, lang: str = "en") -> dict[str, str]:
    """The values the page's intro and section headings name: ``month`` (as ``lang`` writes
    it), ``cap`` (the capability threshold, two decimals) and ``firms`` (firms known to the
    node space).

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`ecolib.analyses.genemap.gene_map`).
    lang : str
        Language of the month.

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> page_values(gene_map(tiny().tables, "2026-03"))
    {'month': '2026-03', 'cap': '0.30', 'firms': '5'}
    >>> page_values(gene_map(tiny().tables, "2026-03"), "zh")["month"]
    '2026年3月'
    """
    return {"month": fmt.month_text(gm.month, lang), "cap": f"{gm.coverage.min_capability:.2f}",
            "firms": str(gm.space.firms.get("known", 0))}


def headline_cards(gm: GeneMap, lang: str = "en") -> dict[str, str]:
    """Headline figures ``{label: value}`` for the top of the page and index.html.

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`ecolib.analyses.genemap.gene_map`).
    lang : str
        Language of the labels.

    Returns
    -------
    dict of str to str
        Each label says what its number counts: chain coverage (importance-weighted share
        of the nodes with at least one local firm), technology nodes with at least one local
        firm (of all: the overview's count), missing, single-firm and thin nodes (five cards:
        one row on the page).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> for label, value in headline_cards(gene_map(tiny().tables, "2026-03"), "en").items():
    ...     print(f"{value:>6} | {label}")
       80% | Chain coverage: importance-weighted share of the nodes with a local firm
    3 of 4 | Technology nodes with at least one local firm (capability ≥ 0.30)
         1 | Technology nodes missing: no local firm
         2 | Single-firm nodes: one local firm each
         1 | Thin nodes: two local firms each
    """
    h = gm.coverage.headline
    total = h["technology_nodes"]

    def of(n: int, whole: int) -> str:
        return t("genemap.headline.of", lang, n=fmt.count(n), total=fmt.count(whole))

    def count(n: int) -> str:
        return t("genemap.headline.count", lang, n=fmt.count(n))

    return {
        t("genemap.headline.coverage_rate", lang): fmt.pct(h["coverage_rate"], 0),
        t("genemap.headline.with_firm", lang, cap=fmt.number(gm.coverage.min_capability, 2)):
            of(h["nodes_with_local_firm"], total),
        t("genemap.headline.missing", lang): count(h["missing"]),
        t("genemap.headline.single", lang): count(h["single"]),
        t("genemap.headline.thin", lang): count(h["thin"]),
    }


def _single_detail(cov: Coverage, row: pd.Series, fnames: pd.Series, firms: pd.DataFrame, lang: str) -> str:
    names = display_names(cov.nodes, lang).set_axis(cov.nodes["node_id"])
    links = cov.links[cov.links["node_id"] == row["node_id"]]
    firm = row["top_firm"]
    cap = float(links.loc[links["firm_id"] == firm, "capability"].max())
    is_anchor = bool(firms.set_index("firm_id")["anchor"].get(firm, False)) if "anchor" in firms else False
    key = "genemap.finding.single_anchor" if is_anchor else "genemap.finding.single_one"
    text = t(key, lang, node=names[row["node_id"]], weight=fmt.number(row["weight"], 1),
             firm=fnames.get(firm, firm), cap=f"{cap:.2f}")
    under = links[links["active"] & ~links["qualifies"]]
    gone = links[~links["active"]]
    if len(gone):
        text += t("genemap.finding.single_exited_many" if len(gone) > 1 else "genemap.finding.single_exited", lang,
                  firms=list_text([str(fnames.get(x, x)) for x in gone["firm_id"]], lang, 3, kind="firm"))
    if len(under):
        text += t("genemap.finding.single_below_many" if len(under) > 1 else "genemap.finding.single_below", lang,
                  cap=fmt.number(cov.min_capability, 2), firms=list_text(
                      list(firm_caps(under["firm_id"].map(fnames).fillna(under["firm_id"]), under["capability"], lang)),
                      lang, 3, kind="firm"))
    return text


def _weighted_sentence(cov: Coverage, lang: str) -> str | None:
    """Why the importance-weighted chain coverage differs from the share of nodes counted one
    by one (or that both read the same), true at the shown precision."""
    nodes = cov.nodes
    rate = cov.coverage_rate
    if not len(nodes) or rate is None or np.isnan(rate):
        return None
    share = float((nodes["status"] != "missing").mean())
    shown_rate, shown_share = fmt.pct(rate, 0), fmt.pct(share, 0)
    if shown_rate == shown_share:
        return t("genemap.finding.weighted_same", lang, share=shown_share, rate=shown_rate)
    miss_w = float(nodes.loc[nodes["status"] == "missing", "weight"].mean())
    all_w = float(nodes["weight"].mean())
    digits = 1 if fmt.number(miss_w, 1) != fmt.number(all_w, 1) else 2
    key = "genemap.finding.weighted_lower" if rate < share else "genemap.finding.weighted_higher"
    return t(key, lang, share=shown_share, rate=shown_rate, miss_w=fmt.number(miss_w, digits),
             all_w=fmt.number(all_w, digits))


def _summary_sentence(h: dict, cap: str, lang: str) -> str:
    """The first finding: the technology nodes by number of local firms, each count with its
    verb in the number it takes ("1 is thin", "2 are thin")."""
    if not h["nodes_with_local_firm"]:
        return t("genemap.finding.summary_none", lang, total=h["technology_nodes"], cap=cap)

    def part(name: str, n: int) -> str:
        return t(_n_key(f"genemap.finding.summary_{name}", int(n), lang), lang, n=int(n))

    missing = int(h["missing"])
    return t("genemap.finding.summary", lang, total=h["technology_nodes"], cap=cap,
             with_firm=part("with", h["nodes_with_local_firm"]), covered=part("covered", h["covered"]),
             thin=part("thin", h["thin"]), single=part("single", h["single"]),
             missing=t("genemap.finding.summary_missing_none", lang) if not missing else part("missing", missing))


def _segment_fit(seg: pd.Series, names: pd.Series, feas: pd.DataFrame, lang: str) -> dict[str, str]:
    """``fit`` and ``no_evidence`` of a missing segment's sentence: the fit of the nodes that
    have one (all of them, or "2 of its nodes score …"), then the nodes without evidence, named
    (each sentence true of the nodes it speaks of)."""
    ids = list(seg["nodes"])
    none = [i for i in ids if bool(feas["no_evidence"].get(i, True))]
    fit = fit_range(seg["feasibility_min"], seg["feasibility_max"], lang)
    scored = len(ids) - len(none)
    if not none:
        return {"fit": t("genemap.finding.segment_fit", lang, fit=fit), "no_evidence": ""}
    return {"fit": t(_n_key("genemap.finding.segment_fit_some", scored, lang), lang, n=scored, fit=fit),
            "no_evidence": t(_n_key("genemap.finding.segment_no_evidence", len(none), lang), lang, n=len(none),
                             nodes=list_text([str(names.get(i, i)) for i in none], lang, 4, kind="node"))}


def concentration_findings(gm: GeneMap, lang: str = "en") -> list[str]:
    """Concentration of output on the nodes with three or more local firms, judged only where
    every one of those firms reports its output (``top_share`` is NaN elsewhere: one reporting
    firm of four does not hold "100%" of the node): how many such nodes one firm dominates
    (more than half of the output), the most concentrated one, and how many nodes could not be
    judged.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> concentration_findings(gene_map(tiny().tables, "2026-03"), "en")     # no node with three firms
    []
    """
    nodes = gm.coverage.nodes
    names = display_names(nodes, lang).set_axis(nodes["node_id"])
    fnames = firm_names(gm.firms, lang)
    crowded = nodes[nodes["status"] == "covered"]
    judged = crowded[crowded["top_share"].notna()]
    out: list[str] = []
    # nodes where some qualifying firm reports no output: not judged
    unjudged = crowded[crowded["top_share"].isna() & (crowded["firms_reporting"] < crowded["firms"])]
    conc = judged[judged["top_share"] > 0.5].sort_values(["top_share", "node_id"], ascending=[False, True])
    if len(conc):
        first = conc.iloc[0]
        if not len(unjudged):                                       # every such node judged
            key = _n_key("genemap.finding.concentrated", len(conc), lang)
        elif len(judged) == 1:
            key = "genemap.finding.concentrated_only"
        else:
            key = _n_key("genemap.finding.concentrated_judged", len(conc), lang)
        out.append(t(key, lang, n=len(conc), judged=len(judged), node=names[first["node_id"]],
                     firms=int(first["firms"]), firm=fnames.get(first["top_firm"], first["top_firm"]),
                     share=fmt.pct(first["top_share"], 0)))
    if len(unjudged):
        key = _n_key("genemap.finding.unjudged_all" if len(unjudged) == len(crowded) else "genemap.finding.unjudged",
                     len(unjudged), lang)
        out.append(t(key, lang, n=len(unjudged), total=len(crowded)))
    return out


def _candidates_sentence(n: int, lang: str) -> str:
    key = {0: "segment_candidates_none", 1: "segment_candidates_one"}.get(n, "segment_candidates")
    return t(f"genemap.finding.{key}", lang, n=n)


def findings(gm: GeneMap, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Plain-language findings of the page, naming the concrete segments, nodes, firms and
    numbers: the summary (nodes by number of local firms, and why the importance-weighted
    coverage differs from the node count), the weakest stage, segments missing as a whole
    (once each, with their nodes), the other missing nodes (with their fit with the park),
    single-firm nodes (core ones in detail), thin nodes, concentrated nodes and gap nodes
    without evidence.

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`ecolib.analyses.genemap.gene_map`); firm names from ``gm.firms``.
    lang : str
        Language of the sentences.
    currency : str
        Currency code (no sentence names an amount today; kept for a uniform signature).

    Returns
    -------
    list of str
        The sentences, unescaped.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> print(findings(gene_map(tiny().tables, "2026-03"), "en")[1])
    Counted node by node, 75% of the nodes have a local firm; chain coverage, which weighs each node by its importance, is 80%: higher, because the missing nodes are less important than the average node (importance 1.0 against 1.2).
    """
    cov = gm.coverage
    firms = gm.firms
    h = cov.headline
    nodes = cov.nodes
    tree = cov.tree
    names = display_names(nodes, lang).set_axis(nodes["node_id"])
    tree_names = display_names(tree, lang).set_axis(tree["node_id"])
    fnames = firm_names(firms, lang)
    feas = gm.feasibility.set_index("node_id")
    out: list[str] = []
    if not h["technology_nodes"]:
        return [t("genemap.finding.no_nodes", lang)]
    out.append(_summary_sentence(h, fmt.number(cov.min_capability, 2), lang))
    weighted = _weighted_sentence(cov, lang)
    if weighted:
        out.append(weighted)
    stages = cov.stages[cov.stages["leaves"] > 0]
    if len(stages) > 1 and stages["coverage_rate"].notna().any():
        weak = stages.loc[stages["coverage_rate"].idxmin()]
        if weak["coverage_rate"] < 1:
            label = stage_names(gm, lang).get(weak["node_id"], tree_names[weak["node_id"]])
            out.append(t("genemap.finding.weakest_stage", lang, stage=label, rate=fmt.pct(weak["coverage_rate"], 0),
                         missing=int(weak["missing"]), single=int(weak["single"]), thin=int(weak["thin"]),
                         n=int(weak["leaves"])))
    # segments missing as a whole, once each (situation a: energy-storage system integration); the
    # first SEGMENTS_SHOWN in sentences, the rest named in one more
    whole = missing_segments(gm)
    if len(whole) > SEGMENTS_SHOWN:
        more = whole.iloc[SEGMENTS_SHOWN:]
        more_sentence = t(_n_key("genemap.finding.missing_segments_more", len(more), lang), lang, n=len(more),
                          segments=list_text([str(tree_names.get(s, s)) for s in more["segment_id"]], lang, 5,
                                             kind="node"))
        whole = whole.iloc[:SEGMENTS_SHOWN]
    else:
        more_sentence = ""
    for _, seg in whole.iterrows():     # SEGMENTS_SHOWN at most
        node_list = list_text([node_label(names[i], c, lang) for i, c in
                               zip(seg["nodes"], nodes.set_index("node_id")["core"].reindex(list(seg["nodes"])))],
                              lang, 6, kind="node")
        n_seg = len(seg["nodes"])
        values = dict(segment=tree_names.get(seg["segment_id"], seg["segment_id"]),
                      none_of=t(_n_key("genemap.finding.segment_none_of", n_seg, lang), lang, n=n_seg, nodes=node_list),
                      candidates=_candidates_sentence(int(seg["candidates"]), lang))
        if len(seg["related"]) and seg["no_evidence"] < n_seg:
            items = list_text([t("genemap.finding.segment_firms", lang, segment=tree_names.get(r, r), firms=int(n))
                               for r, n in zip(seg["related"], seg["related_firms"])], lang, 3)
            related = t(_n_key("genemap.finding.segment_related", len(seg["related"]), lang), lang, items=items)
            out.append(t("genemap.finding.missing_segment", lang, related=related,
                         **_segment_fit(seg, names, feas, lang), **values))
        else:
            out.append(t("genemap.finding.missing_segment_unrelated", lang, **values))
    if more_sentence:
        out.append(more_sentence)
    other = gap_nodes(gm, "missing", whole_segments=False)
    if len(other):
        items = [t("genemap.finding.node_feas_none" if ne else "genemap.finding.node_feas", lang,
                   node=node_label(names[i], c, lang), segment=tree_names.get(s, s), feas=fit_text(f, ne, lang))
                 for i, s, c, f, ne in zip(other["node_id"], other["segment_id"], other["core"], other["feasibility"],
                                           other["no_evidence"])]
        out.append(t(_n_key("genemap.finding.missing_nodes", len(other), lang), lang, n=len(other),
                     nodes=list_text(items, lang, 6, kind="node")))
    # single-supplier nodes, most fragile first (situation c: the BMS chip)
    single = single_order(nodes[nodes["status"] == "single"], firms)
    core_single = single[single["core"]]
    if len(core_single):
        items = []
        for _, row in core_single.head(4).iterrows():  # a handful of sentences, not a data loop
            items.append(_single_detail(cov, row, fnames, firms, lang))
        out.append(t(_n_key("genemap.finding.single_core", len(core_single), lang), lang, n=len(core_single),
                     details=("" if lang == "zh" else " ").join(items)))
    rest = single[~single["core"]]
    if len(rest):
        out.append(t(_n_key("genemap.finding.single_rest", len(rest), lang), lang, n=len(rest),
                     nodes=list_text([str(names[i]) for i in rest["node_id"]], lang, 6, kind="node")))
    thin = nodes[nodes["status"] == "thin"]
    if len(thin):
        top_thin = thin.sort_values(["core", "weight", "node_id"], ascending=[False, False, True])
        key = _n_key("genemap.finding.thin", len(thin), lang)
        if len(thin) == 1 and bool(thin["core"].iloc[0]):
            key = "genemap.finding.thin_one_core"
        out.append(t(key, lang, n=len(thin), core=int(thin["core"].sum()),
                     nodes=list_text([str(names[i]) for i in top_thin["node_id"]], lang, 5, kind="node")))
    out += concentration_findings(gm, lang)
    no_ev = gm.feasibility[gm.feasibility["no_evidence"]]
    if len(no_ev):
        out.append(t(_n_key("genemap.finding.no_evidence", len(no_ev), lang), lang, n=len(no_ev),
                     nodes=list_text([str(names[i]) for i in no_ev["node_id"]], lang, 4, kind="node")))
    out += evidence_findings(gm, lang)
    return out


def evidence_text(n: int, kind: str, lang: str = "en") -> str:
    """The evidence behind a fit with the park, for a table cell: how many related nodes the
    park has and how they relate ('3 nodes: shared firms and chain links'; 'none').

    Examples
    --------
    >>> evidence_text(3, "both"), evidence_text(1, "chain"), evidence_text(0, "none", "zh")
    ('3 nodes: shared firms and chain links', '1 node: one chain link only', '无')
    """
    if kind == "none" or not n:
        return t("genemap.evidence.none", lang)
    return t(_n_key(f"genemap.evidence.{kind}", int(n), lang), lang, n=int(n))


def evidence_findings(gm: GeneMap, lang: str = "en") -> list[str]:
    """What the fit with the park rests on, when it is thin: a note when no firm masters two
    nodes (the fit rests on chain links alone) and the gap nodes with a single related node in
    the park (the most important first, five named).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> evidence_findings(gene_map(tiny().tables, "2026-03"), "en")
    ['3 gap nodes have one related node in the park, so their fit with the park rests on a single relation (2 of them score 1.00 on it): Lithium, Cells, Packs.']
    """
    out: list[str] = []
    if "related_present" not in gm.feasibility:
        return out
    if gm.cooccurrence_empty:
        out.append(t("genemap.finding.cooccurrence_empty", lang))
    weak = gm.weak_evidence
    if len(weak):
        nodes = gm.coverage.nodes.set_index("node_id")
        names = display_names(nodes.reset_index(), lang).set_axis(nodes.index)
        w = nodes.reindex(weak["node_id"])["weight"].to_numpy(np.float64)
        order = weak.assign(_w=w).sort_values(["_w", "node_id"], ascending=[False, True])
        ones = int((np.round(weak["feasibility"].to_numpy(np.float64), 2) >= 1.0).sum())
        ones_text = t("genemap.finding.weak_ones_none" if not ones else _n_key("genemap.finding.weak_ones", ones, lang),
                      lang, n=ones)
        out.append(t(_n_key("genemap.finding.weak_evidence", len(weak), lang), lang, n=len(weak), ones=ones_text,
                     nodes=list_text([str(names.get(i, i)) for i in order["node_id"]], lang, 5, kind="node")))
    return out
