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
>>> headline_cards(gm, "en")["Chain coverage rate"]
'80%'
>>> findings(gm, "en")[0][:40]
'Of the chain’s 4 technology nodes, 0 are'
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.analyses.genemap import Coverage, GeneMap, related_segments, single_order
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_names, has, t

__all__ = ["page_values", "headline_cards", "findings", "firm_names", "firm_caps", "list_text", "stage_label"]


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


def list_text(items: list[str], lang: str = "en", limit: int = 6) -> str:
    """The first ``limit`` items joined ('、' in Chinese, ', ' otherwise), then "and N more".

    Examples
    --------
    >>> list_text(["a", "b", "c"], "en", 2)
    'a, b and 1 more'
    """
    sep = "、" if lang == "zh" else ", "
    shown = sep.join(items[:limit])
    if len(items) > limit:
        shown += t("genemap.and_more", lang, n=len(items) - limit)
    return shown


def stage_label(stage: str | None, lang: str = "en", fallback: str | None = None) -> str:
    """The name of a stage code in ``lang`` (``stage.<code>``); ``fallback`` (or the code)
    for a code without one."""
    if stage is not None and has(f"stage.{stage}", lang):
        return t(f"stage.{stage}", lang)
    return fallback if fallback is not None else str(stage)


# ------------------------------------------------------------------------------ page


def page_values(gm: GeneMap) -> dict[str, str]:
    """The values the page's intro and section headings name: ``month``, ``cap`` (the
    capability threshold, two decimals) and ``firms`` (firms known to the node space).

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`ecolib.analyses.genemap.gene_map`).

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> page_values(gene_map(tiny().tables, "2026-03"))
    {'month': '2026-03', 'cap': '0.30', 'firms': '5'}
    """
    return {"month": str(gm.month), "cap": f"{gm.coverage.min_capability:.2f}",
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
        Chain coverage rate, technology nodes covered (of all), thin / single-firm nodes,
        missing nodes, core nodes not fully covered.
    """
    h = gm.coverage.headline
    return {
        t("genemap.headline.coverage_rate", lang): fmt.pct(h["coverage_rate"], 0),
        t("genemap.headline.covered", lang): f'{h["covered"]} / {h["technology_nodes"]}',
        t("genemap.headline.thin_single", lang): f'{h["thin"]} / {h["single"]}',
        t("genemap.headline.missing", lang): fmt.count(h["missing"]),
        t("genemap.headline.core_gaps", lang): fmt.count(len(h["core_gaps"])),
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
        text += t("genemap.finding.single_exited", lang,
                  firms=list_text([str(fnames.get(x, x)) for x in gone["firm_id"]], lang, 3))
    if len(under):
        text += t("genemap.finding.single_below", lang, cap=fmt.number(cov.min_capability, 2), firms=list_text(
            list(firm_caps(under["firm_id"].map(fnames).fillna(under["firm_id"]), under["capability"], lang)), lang, 3))
    return text


def findings(gm: GeneMap, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Plain-language findings of the page, naming the concrete segments, nodes, firms and
    numbers: the summary, the weakest stage, missing segments and nodes (with their
    feasibility), single-firm nodes (core ones in detail), thin nodes, concentrated nodes and
    gap nodes without evidence.

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
    out.append(t("genemap.finding.summary", lang, total=h["technology_nodes"], covered=h["covered"], thin=h["thin"],
                 single=h["single"], missing=h["missing"], cap=fmt.number(cov.min_capability, 2),
                 rate=fmt.pct(cov.coverage_rate, 0)))
    stages = cov.stages[cov.stages["leaves"] > 0]
    if len(stages) > 1 and stages["coverage_rate"].notna().any():
        weak = stages.loc[stages["coverage_rate"].idxmin()]
        if weak["coverage_rate"] < 1:
            label = stage_label(weak["stage"], lang, fallback=tree_names[weak["node_id"]])
            out.append(t("genemap.finding.weakest_stage", lang, stage=label, rate=fmt.pct(weak["coverage_rate"], 0),
                         missing=int(weak["missing"]), single=int(weak["single"]), thin=int(weak["thin"]),
                         n=int(weak["leaves"])))
    # whole segments missing (situation a: energy-storage system integration)
    for seg in h["missing_segments"]:
        leaves = nodes[nodes["segment_id"] == seg]
        f = feas.reindex(leaves["node_id"])
        rel = related_segments(gm, leaves["node_id"], top=3)
        rel_text = list_text([t("genemap.finding.segment_firms", lang, segment=tree_names.get(r, r), firms=int(n))
                              for r, n in zip(rel["segment_id"], rel["firms"])], lang, 3)
        key = "genemap.finding.missing_segment" if len(rel) else "genemap.finding.missing_segment_unrelated"
        out.append(t(key, lang, segment=tree_names.get(seg, seg), n=len(leaves),
                     nodes=list_text([str(names[i]) for i in leaves["node_id"]], lang, 4),
                     lo=fmt.pct(f["feasibility"].min(), 0), hi=fmt.pct(f["feasibility"].max(), 0),
                     related=rel_text, candidates=int(gm.candidates.reindex(leaves["node_id"]).sum())))
    missing_segs = set(h["missing_segments"])
    other = nodes[(nodes["status"] == "missing") & ~nodes["segment_id"].isin(missing_segs)]
    if len(other):
        items = [t("genemap.finding.node_feas", lang, node=names[i], segment=tree_names.get(s, s),
                   feas=fmt.pct(feas["feasibility"].get(i, np.nan), 0))
                 for i, s in zip(other["node_id"], other["segment_id"])]
        out.append(t("genemap.finding.missing_nodes", lang, n=len(other), nodes=list_text(items, lang, 6)))
    # single-supplier nodes, most fragile first (situation c: the BMS chip)
    single = single_order(nodes[nodes["status"] == "single"], firms)
    core_single = single[single["core"]]
    if len(core_single):
        items = []
        for _, row in core_single.head(4).iterrows():  # a handful of sentences, not a data loop
            items.append(_single_detail(cov, row, fnames, firms, lang))
        out.append(t("genemap.finding.single_core", lang, n=len(core_single),
                     details=("" if lang == "zh" else " ").join(items)))
    rest = single[~single["core"]]
    if len(rest):
        out.append(t("genemap.finding.single_rest", lang, n=len(rest),
                     nodes=list_text([str(names[i]) for i in rest["node_id"]], lang, 6)))
    thin = nodes[nodes["status"] == "thin"]
    if len(thin):
        top_thin = thin.sort_values(["core", "weight", "node_id"], ascending=[False, False, True])
        out.append(t("genemap.finding.thin", lang, n=len(thin), core=int(thin["core"].sum()),
                     nodes=list_text([str(names[i]) for i in top_thin["node_id"]], lang, 5)))
    # concentration among covered nodes
    conc = nodes[(nodes["status"] == "covered") & (nodes["hhi"] >= 0.5)].sort_values("hhi", ascending=False)
    if len(conc):
        first = conc.iloc[0]
        out.append(t("genemap.finding.concentrated", lang, n=len(conc), node=names[first["node_id"]],
                     firms=int(first["firms"]), firm=fnames.get(first["top_firm"], first["top_firm"]),
                     hhi=fmt.number(first["hhi"], 2)))
    no_ev = gm.feasibility[gm.feasibility["no_evidence"]]
    if len(no_ev):
        out.append(t("genemap.finding.no_evidence", lang, n=len(no_ev),
                     nodes=list_text([str(names[i]) for i in no_ev["node_id"]], lang, 4)))
    return out

