"""The words of the gap-analysis page (:mod:`ecolib.analyses.gaps`): one findings function per
report section, the headline cards, the values the section headings and intros name, and the
display names (nodes, firms, statuses) the page's tables and figures share.

The health section's words are those of the health diagnosis
(:mod:`ecolib.presentation.narrative.health`). Values from data are plain text; the notebook
helpers escape them.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.gaps import gap_analysis
>>> ws = tiny()
>>> ga = gap_analysis(ws.tables, ws.settings, "2026-03")
>>> priority(ga, "en")[0].split("; ")[0]
'The gaps to close first: 1. Lithium (single firm, score 0.87, mostly importance)'
>>> headline_cards(ga, "en")["Critical technology nodes"]
'2'
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ecolib.analyses.gaps import FULL_AT, QUADRANTS, ExitStress, GapAnalysis
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_name, display_names, t
from ecolib.presentation.narrative import health as health_words
from ecolib.presentation.narrative.health import list_text as _items

__all__ = ["node_names", "firm_names", "firm_name", "status_label", "weights_text", "headline_cards",
           "intro_values", "priority_values", "matches_values", "single_values", "exit_values", "security_values",
           "method_values", "summary", "health", "priority", "matches", "single", "exit", "ranking", "security",
           "explore_summary"]

_KEY = "gaps.finding"


# =========================================================================== names


def node_names(ga: GapAnalysis, lang: str = "en") -> pd.Series:
    """Display names of every chain node (segments included) in ``lang``, indexed by node_id."""
    tree = ga.gene_map.coverage.tree
    return display_names(tree, lang, base="name").set_axis(pd.Index(tree["node_id"]))


def firm_names(ga: GapAnalysis, lang: str = "en") -> pd.Series:
    """Display names of every firm of ``ga.info`` in ``lang``, indexed by firm_id."""
    return display_names(ga.info.reset_index(), lang, base="name").set_axis(ga.info.index)


def firm_name(ga: GapAnalysis, firm_id: str, lang: str = "en") -> str:
    """The display name of one firm (its id when unknown)."""
    return firm_names(ga, lang).get(firm_id, firm_id)


def status_label(status: str, lang: str = "en") -> str:
    """The gene-map status (missing, single, thin, covered) as a word ('–' for none)."""
    return t(f"genemap.status.{status}", lang) if status else "–"


def weights_text(weights: Mapping[str, float], lang: str = "en") -> str:
    """The gap-priority weights as text, e.g. 'Importance 30%, Demand pull 30%, …'.

    Examples
    --------
    >>> weights_text({"importance": 0.5, "demand": 0.5}, "en")
    'Importance 50%, Demand pull 50%'
    """
    sep = t("gaps.name_sep", lang)
    return sep.join(f"{t(f'gaps.component.{k}', lang)} {fmt.pct(v, 0)}" for k, v in weights.items())


# =========================================================================== cards and heading values


def headline_cards(ga: GapAnalysis, lang: str = "en") -> dict[str, str]:
    """Headline figures as ``{label: formatted value}``: the health cards
    (:func:`ecolib.presentation.narrative.health.headline_cards`), the top gap, the firms hit
    by the exit of the stress-tested firm and the number of critical nodes."""
    cards = health_words.headline_cards(ga.health, lang)
    if len(ga.priority):
        cards[t("gaps.headline.top_gap", lang)] = display_name(ga.priority["name"].iloc[0],
                                                               ga.priority["name_zh"].iloc[0], lang)
    if ga.exit is not None:
        cards[t("gaps.headline.exit", lang, firm=firm_name(ga, ga.exit.firm_id, lang))] = fmt.count(len(ga.exit.affected))
    cards[t("gaps.headline.critical", lang)] = fmt.count((ga.security["quadrant"] == "critical").sum())
    return cards


def intro_values(ga: GapAnalysis) -> dict[str, str]:
    """``month``, ``first`` and ``last`` (the window) of the page intro ``gaps.intro``."""
    return {"month": ga.month, "first": ga.network.months[0], "last": ga.network.months[-1]}


def priority_values(ga: GapAnalysis, lang: str = "en") -> dict[str, str]:
    """``weights`` of the priority section's intro: the rescaled weights as text."""
    return {"weights": weights_text(ga.priority.attrs["weights"], lang)}


def matches_values(ga: GapAnalysis) -> dict[str, object]:
    """``n`` (the top gaps matched) and ``cap`` (the minimum capability) of the matches intro."""
    return {"n": ga.top, "cap": fmt.number(ga.gene_map.coverage.min_capability, 2)}


def single_values(ga: GapAnalysis) -> dict[str, str]:
    """``threshold`` (the dependence share) of the single-points-of-failure intro."""
    return {"threshold": fmt.pct(ga.threshold, 0)}


def exit_values(ga: GapAnalysis, lang: str = "en", *, stress: ExitStress | None = None) -> dict[str, str]:
    """``firm`` (the leaver's name) and ``threshold`` of the stress-test heading and intro."""
    e = stress or ga.exit
    return {"firm": firm_name(ga, e.firm_id, lang) if e is not None else "–", "threshold": fmt.pct(ga.threshold, 0)}


def security_values() -> dict[str, int]:
    """``full`` (alternatives counted as fully substitutable) of the security intro."""
    return {"full": FULL_AT}


def method_values(ga: GapAnalysis) -> dict[str, str]:
    """``month``, ``first``, ``last``, ``cap`` and ``threshold`` of the method section."""
    return {**intro_values(ga), "cap": fmt.number(ga.gene_map.coverage.min_capability, 2),
            "threshold": fmt.pct(ga.threshold, 0)}


# =========================================================================== findings per section


def summary(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """The page's summary: the weakest stave, the top gaps (and a missing segment), the stress
    test's total and the security counts."""
    return (health(ga, lang, currency)[-1:] + priority(ga, lang, currency)[:2] + exit(ga, lang, currency)[:1]
            + security(ga, lang, currency)[1:2])


def health(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """The health section: :func:`ecolib.presentation.narrative.health.findings` of ``ga.health``."""
    return health_words.findings(ga.health, lang, currency)


def priority(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """The top five gaps with their status, score and main driver, then each wholly missing
    segment with its best-placed node.

    Parameters
    ----------
    ga : GapAnalysis
        From :func:`ecolib.analyses.gaps.gap_analysis` (or ``MonthModel.gaps``).
    lang, currency : str
        Language and currency.

    Returns
    -------
    list of str
    """
    p = ga.priority
    if not len(p):
        return [t(f"{_KEY}.priority_none", lang)]
    nodes = node_names(ga, lang)
    out: list[str] = []
    if p.attrs.get("note") == "weights_all_zero":
        out.append(t(f"{_KEY}.priority_zero", lang))
    items = [t(f"{_KEY}.priority_item", lang, rank=int(r.rank), node=nodes.get(r.node_id, r.node_id),
               status=status_label(r.status, lang).lower() if lang == "en" else status_label(r.status, lang),
               score=fmt.number(r.score, 2),
               reason=t(f"gaps.component.{r.reason}", lang).lower() if r.reason else "–")
             for r in p.head(5).itertuples()]
    out.append(t(f"{_KEY}.priority_top", lang, items=t("gaps.list_sep", lang).join(items)))
    for seg in ga.gene_map.coverage.headline.get("missing_segments", []):   # a few segments at most
        rows = p[p["segment_id"] == seg]
        if not len(rows):
            continue
        best = rows.iloc[0]
        related = t("gaps.name_sep", lang).join(nodes.get(n, n) for n in best["related"][:3]) or "–"
        out.append(t(f"{_KEY}.priority_segment", lang, segment=nodes.get(seg, seg), n=len(rows),
                     rank=int(best["rank"]), related=related, candidates=int(rows["candidates"].sum())))
    return out


def matches(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Per top gap node, the number of candidates and the best one; the top nodes without any."""
    m = ga.matches
    if not len(m):
        return [t(f"{_KEY}.match_none", lang)]
    nodes = node_names(ga, lang)
    out: list[str] = []
    best = m[m["option"] == 1]
    shown = m.groupby("node_id").size()
    total = ga.gene_map.candidates               # the one count of candidates of every page
    for r in best.itertuples():   # top nodes only (≤ top)
        n, listed = int(total.get(r.node_id, shown[r.node_id])), int(shown[r.node_id])
        key = "match_node" if listed < n else "match_node_all"
        out.append(t(f"{_KEY}.{key}", lang, node=nodes.get(r.node_id, r.node_id), n=n, shown=listed,
                     firm=display_name(r.name, r.name_zh, lang), region=r.region if isinstance(r.region, str) else "–",
                     cap=fmt.number(r.capability, 2), fit=fmt.pct(r.park_fit, 0)))
    without = m.attrs.get("without", [])
    if without:
        out.append(t(f"{_KEY}.match_without", lang,
                     nodes=t("gaps.name_sep", lang).join(nodes.get(n, n) for n in without)))
    return out


def single(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Nodes resting on one local firm (the core ones named), and buyers depending on one
    local supplier (the three largest named)."""
    nodes, firms = node_names(ga, lang), firm_names(ga, lang)
    thr = fmt.pct(ga.threshold, 0)
    out: list[str] = []
    s = ga.single_nodes
    core = s[s["core"]]
    if len(core):
        out.append(t(f"{_KEY}.single_nodes", lang, n=len(s), items=_items(
            [t(f"{_KEY}.single_item", lang, node=nodes.get(r.node_id, r.node_id), firm=firms.get(r.firm_id, r.firm_id))
             for r in core.itertuples()], lang)))
    elif len(s):
        out.append(t(f"{_KEY}.single_nodes_nocore", lang, n=len(s)))
    dep = ga.dependent
    if len(dep):
        out.append(t(f"{_KEY}.dependent", lang, n=len(dep), threshold=thr, items=_items(
            [t(f"{_KEY}.dependent_item", lang, buyer=firms.get(r.buyer, r.buyer),
               supplier=firms.get(r.supplier, r.supplier), share=fmt.pct(r.share, 0),
               value=fmt.money(r.value, lang, currency))
             for r in dep.head(3).itertuples()], lang, 3)))
    else:
        out.append(t(f"{_KEY}.dependent_none", lang, threshold=thr))
    return out


def exit(ga: GapAnalysis, lang: str = "en", currency: str = "CNY", *,  # noqa: A001 (the section's name)
         stress: ExitStress | None = None) -> list[str]:
    """The stress test of ``stress`` (default ``ga.exit``, the page's firm; another firm's
    test from :meth:`ecolib.analyses.gaps.GapAnalysis.stress`): the trade lost, the firms hit,
    the nodes that become missing and the first backup option per node.

    Parameters
    ----------
    ga : GapAnalysis
        The month's gap analysis (names, month, threshold).
    lang, currency : str
        Language and currency.
    stress : ExitStress, optional
        The test to speak of; None: ``ga.exit``.

    Returns
    -------
    list of str
        Empty when there is no firm to test.
    """
    e = stress or ga.exit
    if e is None:
        return []
    nodes, firms = node_names(ga, lang), firm_names(ga, lang)
    thr = fmt.pct(ga.threshold, 0)
    name = firms.get(e.firm_id, e.firm_id)
    if not e.active_local:
        return [t("gaps.exit_none", lang, firm=name, month=ga.month)]
    out: list[str] = []
    out.append(t(f"{_KEY}.exit_total", lang, firm=name, value=fmt.money(e.value_lost, lang, currency),
                 share=fmt.pct(e.value_share, 1), n=len(e.affected), threshold=thr, buyers=e.dependent_buyers,
                 suppliers=e.dependent_suppliers))
    if len(e.affected):
        items = t("gaps.list_sep", lang).join(
            t(f"{_KEY}.exit_item", lang, firm=firms.get(r.firm_id, r.firm_id), share=fmt.pct(r.share, 0))
            for r in e.affected.head(8).itertuples())
        if len(e.affected) > 8:
            items += t("gaps.and_more", lang, n=len(e.affected) - 8)
        out.append(t(f"{_KEY}.exit_suppliers", lang, items=items))
    lost = e.nodes_lost
    if lost:
        out.append(t(f"{_KEY}.exit_nodes", lang, nodes=t("gaps.name_sep", lang).join(nodes.get(n, n) for n in lost)))
    else:
        out.append(t(f"{_KEY}.exit_nodes_none", lang))
    b = e.backup
    parts = []
    for node in e.nodes.loc[e.nodes["qualifies"], "node_id"]:   # the firm's few nodes
        first = b[b["node_id"] == node].head(1)
        if len(first):
            r = first.iloc[0]
            label = f"{display_name(r['name'], r['name_zh'], lang)} ({t(f'gaps.kind.{r.kind}', lang)}" \
                    f"{', ' + str(r['where']) if isinstance(r['where'], str) and r['where'] else ''})"
            if lang == "zh":
                label = label.replace(" (", "（").replace(", ", "，").replace(")", "）")
            parts.append(t(f"{_KEY}.exit_backup_item", lang, node=nodes.get(node, node), first=label))
        else:
            parts.append(t(f"{_KEY}.exit_backup_none", lang, node=nodes.get(node, node)))
    if parts:
        out.append(t(f"{_KEY}.exit_backup", lang, items=_items(parts, lang, 6)))
    return out


def ranking(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """The three most systemically important firms, and how many firms alone hold a node."""
    r = ga.ranking
    if not len(r):
        return [t("gaps.none", lang)]
    firms = firm_names(ga, lang)
    out = [t(f"{_KEY}.ranking_top", lang, items=t("gaps.list_sep", lang).join(
        t(f"{_KEY}.ranking_item", lang, firm=firms.get(x.firm_id, x.firm_id), n=int(x.affected_firms),
          value=fmt.money(x.value_lost, lang, currency)) for x in r.head(3).itertuples()))]
    n_single = int((r["nodes_lost"] > 0).sum())
    if n_single:
        out.append(t(f"{_KEY}.ranking_nodes", lang, n=n_single))
    return out


def security(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """The nodes per quadrant, then the critical nodes, most important first."""
    nodes = node_names(ga, lang)
    s = ga.security[ga.security["quadrant"] != ""]
    counts = s["quadrant"].value_counts()
    out = [t(f"{_KEY}.security_counts", lang, total=len(s), items=t("gaps.name_sep", lang).join(
        t(f"{_KEY}.security_count_item", lang, n=int(counts.get(q, 0)), quadrant=t(f"gaps.quadrant.{q}", lang).lower()
          if lang == "en" else t(f"gaps.quadrant.{q}", lang)) for q in QUADRANTS))]
    crit = s[s["quadrant"] == "critical"].sort_values(["weight", "dependence"], ascending=False)
    if len(crit):
        out.append(t(f"{_KEY}.security_critical", lang, items=_items(
            [t(f"{_KEY}.security_item", lang, node=nodes.get(r.node_id, r.node_id), dependence=fmt.pct(r.dependence, 0),
               n=int(r.alternatives)) for r in crit.itertuples()], lang, 6)))
    return out


def explore_summary(ga: GapAnalysis, stress: ExitStress, lang: str = "en", currency: str = "CNY") -> str:
    """One line for the exit explorer: the firms hit, the trade lost and the nodes lost by the
    exit ``stress`` (of any firm of ``ga``)."""
    nodes = node_names(ga, lang)
    lost = t("gaps.name_sep", lang).join(nodes.get(n, n) for n in stress.nodes_lost) or "–"
    return t("gaps.explore.summary", lang, firm=firm_name(ga, stress.firm_id, lang), n=len(stress.affected),
             value=fmt.money(stress.value_lost, lang, currency), share=fmt.pct(stress.value_share, 1), nodes=lost)

