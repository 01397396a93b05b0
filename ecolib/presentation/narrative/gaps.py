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
>>> reasons_text(("importance", "demand"), "en"), reasons_text(("importance", "demand"), "zh")
('importance and demand pull', '重要度和需求拉动')
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ecolib.analyses.gaps import FULL_AT, PRECISION, QUADRANTS, ExitStress, GapAnalysis
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_name, display_names, has, t
from ecolib.presentation.narrative import health as health_words
from ecolib.presentation.narrative.genemap import fit_text
from ecolib.presentation.narrative.health import list_text as _items

__all__ = ["node_names", "firm_names", "firm_name", "status_label", "weights_text", "reasons_text",
           "decision_name", "decision_status", "score_text", "headline_cards",
           "intro_values", "priority_values", "matches_values", "single_values", "exit_values", "security_values",
           "method_values", "summary", "health", "priority", "priority_ties", "priority_not_evaluated",
           "priority_components", "matches_more",
           "needs_text", "not_evaluated", "matches", "single", "exit", "ranking",
           "security", "explore_summary"]

_KEY = "gaps.finding"


def _tn(key: str, lang: str, n: int, **values) -> str:
    """``t(key)``, or its singular ``<key>_one`` where ``n`` is 1 and the language has one."""
    one = f"{key}_one"
    return t(one if int(n) == 1 and has(one, lang) else key, lang, n=n, **values)


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


def reasons_text(reasons, lang: str = "en") -> str:
    """The main driver(s) of a score as words: one component, or two tied ones joined by 'and'
    ('–' for none). ``reasons``: a tuple of component ids (``reasons`` of the priority or the
    decisions) or one id."""
    items = [reasons] if isinstance(reasons, str) else list(reasons or ())
    words = [t(f"gaps.component.{k}", lang) for k in items if k]
    if lang == "en":
        words = [w.lower() for w in words]
    if not words:
        return "–"
    if len(words) == 1:
        return words[0]
    return t("gaps.name_sep", lang).join(words[:-1]) + t("gaps.and", lang) + words[-1]


def needs_text(data: str, lang: str = "en") -> str:
    """The data that would enable an analysis, in plain words (``flows`` → 'monthly transactions
    between firms').

    Examples
    --------
    >>> needs_text("flows", "en"), needs_text("output", "zh")
    ('monthly transactions between firms', '企业年产值')
    """
    return t(f"gaps.needs.{data}", lang)


def not_evaluated(ga: GapAnalysis, what: str, lang: str = "en", **values) -> list[str]:
    """The one sentence saying that ``what`` (a key of :attr:`GapAnalysis.not_evaluated`:
    ``trade``, ``ranking``, ``security``, ``demand``) was not evaluated and which data would
    enable it; [] when it was evaluated.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.gaps import gap_analysis
    >>> ws = tiny()
    >>> t0 = dict(ws.tables, flows=ws.tables["flows"].iloc[:0])
    >>> not_evaluated(gap_analysis(t0, ws.settings, "2026-03"), "ranking")
    ['The systemic importance of each firm was not evaluated: it needs monthly transactions between firms.']
    """
    data = ga.not_evaluated.get(what)
    if not data:
        return []
    key = {"trade": "exit_not_evaluated"}.get(what, f"{what}_not_evaluated")
    return [t(f"{_KEY}.{key}", lang, data=needs_text(data, lang), **values)]


def decision_name(row, lang: str = "en") -> str:
    """The name of a gap decision (a row of ``ga.decisions``): the node's, or the segment's."""
    return display_name(row["name"], row["name_zh"], lang)


def decision_status(row, lang: str = "en") -> str:
    """The status of a gap decision as a label: the node's status, or 'Whole segment missing
    (4 nodes)' for a segment."""
    if row["kind"] == "segment":
        return t("gaps.decision.whole_segment", lang, n=int(row["n_nodes"]))
    return status_label(row["status"], lang)


def score_text(score: float, tied: bool, lang: str = "en") -> str:
    """A gap score at the shown precision, with '(tied)' when it ties with a neighbour."""
    text = fmt.number(score, PRECISION)
    return t("gaps.decision.score_tied", lang, score=text) if tied else text


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
    (:func:`ecolib.presentation.narrative.health.headline_cards`), the top gap decision
    (``ga.decisions.iloc[0]``, as the month's brief), the firms hit by the exit of the
    stress-tested firm and the number of critical nodes."""
    cards = health_words.headline_cards(ga.health, lang)
    d = ga.decisions
    off = ga.not_evaluated
    if len(d):
        top = d.iloc[0]
        label = t("gaps.headline.top_gap_segment", lang, n=int(top["n_nodes"])) if top["kind"] == "segment" \
            else t("gaps.headline.top_gap", lang)
        cards[label] = decision_name(top, lang)
    if ga.exit is not None:
        cards[t("gaps.headline.exit", lang, firm=firm_name(ga, ga.exit.firm_id, lang))] = \
            t("gaps.not_evaluated", lang) if "trade" in off else fmt.count(len(ga.exit.affected))
    cards[t("gaps.headline.critical", lang)] = t("gaps.not_evaluated", lang) if "security" in off \
        else fmt.count((ga.security["quadrant"] == "critical").sum())
    return cards


def intro_values(ga: GapAnalysis, benchmark: str | None = None, lang: str = "en") -> dict[str, str]:
    """``month``, ``first`` and ``last`` (the window) and ``benchmark`` (the benchmark park's
    name; default "the benchmark park") of the page intro ``gaps.intro``."""
    return {"month": ga.month, "first": ga.network.months[0], "last": ga.network.months[-1],
            "benchmark": benchmark or t("common.benchmark_park", lang)}


def priority_values(ga: GapAnalysis, lang: str = "en") -> dict[str, str]:
    """``weights`` of the priority section's intro: the rescaled weights as text."""
    return {"weights": weights_text(ga.priority.attrs["weights"], lang)}


def matches_values(ga: GapAnalysis) -> dict[str, object]:
    """``n`` (the top gap decisions matched) and ``cap`` (the minimum capability) of the matches intro."""
    return {"n": min(ga.top, len(ga.decisions)) if len(ga.decisions) else ga.top,
            "cap": fmt.number(ga.gene_map.coverage.min_capability, 2)}


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


def method_values(ga: GapAnalysis, benchmark: str | None = None, lang: str = "en") -> dict[str, str]:
    """``month``, ``first``, ``last``, ``benchmark``, ``cap`` and ``threshold`` of the method section."""
    return {**intro_values(ga, benchmark, lang), "cap": fmt.number(ga.gene_map.coverage.min_capability, 2),
            "threshold": fmt.pct(ga.threshold, 0)}


# =========================================================================== findings per section


def summary(ga: GapAnalysis, lang: str = "en", currency: str = "CNY", *, benchmark: str | None = None) -> list[str]:
    """The page's summary: the weakest dimension, the top gap decisions (and how a tie for the
    first place was broken), the stress test's total and the critical nodes."""
    top = _priority_top(ga, lang) + priority_not_evaluated(ga.decisions, lang)[:1]
    ties = priority_ties(ga.decisions, lang, limit=1)
    return (health(ga, lang, currency, benchmark=benchmark)[-1:] + top + ties + exit(ga, lang, currency)[:1]
            + security(ga, lang, currency)[1:2])


def health(ga: GapAnalysis, lang: str = "en", currency: str = "CNY", *, benchmark: str | None = None) -> list[str]:
    """The health section: :func:`ecolib.presentation.narrative.health.findings` of ``ga.health``
    (``benchmark``: the benchmark park's name)."""
    return health_words.findings(ga.health, lang, currency, benchmark=benchmark)


def _item(r, lang: str) -> str:
    if r["kind"] == "segment":
        status = t("gaps.decision.whole_segment_text", lang, n=int(r["n_nodes"]))
    else:
        status = decision_status(r, lang)
        status = status.lower() if lang == "en" else status
    key = "priority_item_tied" if bool(r["tied"]) else "priority_item"
    return t(f"{_KEY}.{key}", lang, rank=int(r["rank"]), node=decision_name(r, lang), status=status,
             score=fmt.number(r["score"], PRECISION), reason=reasons_text(r["reasons"], lang))


def _priority_top(ga: GapAnalysis, lang: str, n: int = 5, decisions: pd.DataFrame | None = None) -> list[str]:
    d = ga.decisions if decisions is None else decisions
    if not len(d):
        return []
    items = [_item(r, lang) for _, r in d.head(n).iterrows()]
    return [t(f"{_KEY}.priority_top", lang, items=t("gaps.list_sep", lang).join(items))]


def priority_ties(decisions: pd.DataFrame, lang: str = "en", *, limit: int = 5) -> list[str]:
    """One sentence per pair of neighbouring decisions tied at the shown precision among the
    first ``limit`` decisions: the shown score and the step of the tie-break that ordered them
    (more nodes closed, the score before rounding, a component, or none: arbitrary).

    Parameters
    ----------
    decisions : DataFrame
        :func:`ecolib.analyses.gaps.gap_decisions` (``ga.decisions``).
    lang : str
        ``en`` or ``zh``.
    limit : int, default 5
        Only ties of a decision among the first ``limit`` with the next one.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.gaps import gap_analysis
    >>> ws = tiny()
    >>> d = gap_analysis(ws.tables, ws.settings, "2026-03").redecide({"importance": 0, "demand": 0,
    ...                                                              "feasibility": 0, "fragility": 1})
    >>> priority_ties(d, "en")
    ['Lithium (#2) and Cathode (#3) are tied at 0.60; Lithium is ranked ahead: the scores are equal, and its importance is higher (1.00 against 0.50).']
    """
    out: list[str] = []
    d = decisions.reset_index(drop=True)
    for i in range(min(int(limit), len(d) - 1)):          # the first few decisions
        step = d.at[i, "tie_break"]
        if not step:
            continue
        a, b = d.iloc[i], d.iloc[i + 1]
        first, second = decision_name(a, lang), decision_name(b, lang)
        if step == "nodes":
            why = t(f"{_KEY}.tie_nodes", lang, first=first, second=second, a=int(a["n_nodes"]), b=int(b["n_nodes"]))
        elif step == "score":
            why = t(f"{_KEY}.tie_score", lang, first=first, a=fmt.number(a["score"], PRECISION + 1),
                    b=fmt.number(b["score"], PRECISION + 1))
        elif step == "id":
            why = t(f"{_KEY}.tie_none", lang)
        else:
            component = t(f"gaps.component.{step}", lang)
            why = t(f"{_KEY}.tie_component", lang, first=first, component=component.lower() if lang == "en" else component,
                    a=fmt.number(a[step], 2), b=fmt.number(b[step], 2))
        out.append(t(f"{_KEY}.tie", lang, first=first, second=second, rank_a=int(a["rank"]), rank_b=int(b["rank"]),
                     score=fmt.number(a["score"], PRECISION), why=why))
    return out


def priority_not_evaluated(decisions: pd.DataFrame, lang: str = "en") -> list[str]:
    """One sentence per gap-priority component that could not be evaluated (``attrs["not_evaluated"]``
    of the priority or the decisions): the data it needs and the components the gaps are ranked on.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.gaps import gap_priority
    >>> from ecolib.analyses.genemap import gene_map
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> p = gap_priority(gm.coverage, gm.feasibility, chain_nodes=ws.tables["chain_nodes"],
    ...                  unavailable={"demand": "output"})
    >>> priority_not_evaluated(p, "en")[0]
    "Demand pull was not evaluated: it needs the firms' annual output. The gaps are ranked on importance, feasibility and fragility only, with the weights Importance 43%, Feasibility 29%, Fragility 29%."
    """
    off = decisions.attrs.get("not_evaluated") or {}
    comps = reasons_text(decisions.attrs.get("evaluated", ()), lang)
    weights = weights_text(decisions.attrs.get("weights", {}), lang)
    return [t(f"{_KEY}.priority_not_evaluated", lang, component=t(f"gaps.component.{k}", lang),
              data=needs_text(v, lang), components=comps, weights=weights) for k, v in off.items()]


def priority(ga: GapAnalysis, lang: str = "en", currency: str = "CNY", *,
             decisions: pd.DataFrame | None = None) -> list[str]:
    """The top five gap decisions with their status, score and main driver; how each tie among
    them was broken; then each wholly missing segment ranked as one decision, with its nodes.

    Parameters
    ----------
    ga : GapAnalysis
        From :func:`ecolib.analyses.gaps.gap_analysis` (or ``MonthModel.gaps``).
    lang, currency : str
        Language and currency.
    decisions : DataFrame, optional
        Other decisions (e.g. :meth:`~ecolib.analyses.gaps.GapAnalysis.redecide`); default
        ``ga.decisions``.

    Returns
    -------
    list of str
    """
    d = ga.decisions if decisions is None else decisions
    if not len(d):
        return [t(f"{_KEY}.priority_none", lang)]
    nodes = node_names(ga, lang)
    out: list[str] = []
    if d.attrs.get("note") == "weights_all_zero":
        out.append(t(f"{_KEY}.priority_zero", lang))
    out += priority_not_evaluated(d, lang)
    out += _priority_top(ga, lang, decisions=d)
    out += priority_ties(d, lang)
    sep = t("gaps.name_sep", lang)
    segs = d[d["kind"] == "segment"]
    more = ""
    if len(segs) > 3:                                       # three in sentences, the others named
        more = t(f"{_KEY}.priority_segments_more", lang, n=len(segs) - 3, segments=_items(
            [f"{decision_name(r, lang)} (#{int(r['rank'])})" for _, r in segs.iloc[3:].iterrows()],
            lang, 5, sep=sep, what="nodes"))
        segs = segs.iloc[:3]
    for _, r in segs.iterrows():      # three at most
        related = sep.join(nodes.get(n, n) for n in r["related"][:3])
        key = "priority_segment" if related else "priority_segment_unrelated"
        n_cand = int(r["candidates"])
        cands = t(f"{_KEY}.segment_candidates_none", lang) if not n_cand else \
            _tn(f"{_KEY}.segment_candidates", lang, n_cand)
        out.append(t(f"{_KEY}.{key}", lang, segment=decision_name(r, lang), n=int(r["n_nodes"]), rank=int(r["rank"]),
                     nodes=_items([nodes.get(n, n) for n in r["nodes"]], lang, 6, sep=sep, what="nodes"),
                     lead=nodes.get(r["lead_node"], r["lead_node"]), score=fmt.number(r["score"], PRECISION),
                     related=related, candidates=cands))
    if more:
        out.append(more)
    # the components behind the scores (the same for re-weighted decisions: only the weights differ)
    return out + priority_components(ga.priority, ga, lang)


def priority_components(priority: pd.DataFrame, ga: GapAnalysis, lang: str = "en") -> list[str]:
    """What the components of the gap scores rest on, where it is not what it seems: gap nodes
    with demand pull 0 because the chain data list no node that buys from them (new input links
    would change it) or because their buyers are not in the park; nodes whose demand could not
    be evaluated (their local buyers report no output) or rests on partly reported output; and
    nodes without evidence for their feasibility. Each sentence names its nodes (the first few).

    Parameters
    ----------
    priority : DataFrame
        :func:`ecolib.analyses.gaps.gap_priority` (``ga.priority``): demand_basis, buyer_firms,
        buyer_firms_reporting, feasibility.
    ga : GapAnalysis
        For the node names and what was not evaluated at all.
    lang : str

    Returns
    -------
    list of str
        Empty when every component of every gap node is what it says.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.gaps import gap_analysis
    >>> ws = tiny()
    >>> priority_components(gap_analysis(ws.tables, ws.settings, "2026-03").priority,
    ...                     gap_analysis(ws.tables, ws.settings, "2026-03"), "en")[0]
    'Demand pull is 0 for Packs: the chain data list no node that buys from it, so no local demand can be counted. Input links from it in the chain data (which nodes use its output) would change its score.'
    """
    if not len(priority) or "demand_basis" not in priority:
        return []
    nodes = node_names(ga, lang)
    sep = t("gaps.name_sep", lang)
    out: list[str] = []

    def named(ids) -> str:
        return _items([nodes.get(n, n) for n in ids], lang, 5, sep=sep, what="nodes")

    if "demand" not in (priority.attrs.get("not_evaluated") or {}):
        basis = priority["demand_basis"]
        for code, key in (("no_buyer_link", "demand_no_link"), ("no_local_buyer", "demand_no_local"),
                          ("output_missing", "demand_unknown")):
            ids = priority.loc[basis == code, "node_id"].tolist()
            if ids:
                out.append(_tn(f"{_KEY}.{key}", lang, len(ids), nodes=named(ids)))
        part = priority[(basis == "buyers") & (priority["buyer_firms_reporting"] < priority["buyer_firms"])]
        if len(part):
            items = fmt.capped([t(f"{_KEY}.demand_partial_item", lang, node=nodes.get(r.node_id, r.node_id),
                                  reported=int(r.buyer_firms_reporting), firms=int(r.buyer_firms))
                                for r in part.head(5).itertuples()], lang, kind="node", most=5,
                               sep=t("gaps.list_sep", lang), total=len(part))
            out.append(_tn(f"{_KEY}.demand_partial", lang, len(part), items=items))
    if "feasibility" not in (priority.attrs.get("not_evaluated") or {}):
        ids = priority.loc[priority["feasibility"].isna(), "node_id"].tolist()
        if ids:
            out.append(_tn(f"{_KEY}.feasibility_none", lang, len(ids), nodes=named(ids)))
    return out


def matches(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Per node of the top gap decisions (every node of a whole segment), the number of
    candidates and the best one; the nodes without any."""
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
        region = display_name(r.region, r.region_zh, lang) if isinstance(r.region, str) else "–"
        out.append(_tn(f"{_KEY}.{key}", lang, n, node=nodes.get(r.node_id, r.node_id), shown=listed,
                       firm=display_name(r.name, r.name_zh, lang), region=region,
                       cap=fmt.number(r.capability, 2), fit=_fit_phrase(r.park_fit, lang)))
    sep = t("gaps.name_sep", lang)
    nofit = list(dict.fromkeys(m.loc[m["park_fit"].isna(), "node_id"]))
    if nofit:
        out.append(_tn(f"{_KEY}.match_nofit", lang, len(nofit), nodes=sep.join(nodes.get(n, n) for n in nofit)))
    without = m.attrs.get("without", [])
    if without:
        out.append(t(f"{_KEY}.match_without", lang, nodes=sep.join(nodes.get(n, n) for n in without)))
    return out


def _fit_phrase(fit: float, lang: str) -> str:
    """'fit with the park 0.80', or the words saying a candidate has none (no evidence)."""
    if fit is None or pd.isna(fit):
        return t(f"{_KEY}.match_fit_none", lang)
    return t(f"{_KEY}.match_fit", lang, fit=fit_text(fit, False, lang))


def matches_more(ga: GapAnalysis, lang: str = "en") -> tuple[str, dict] | None:
    """The line under the candidates table when the page lists only the top gap decisions'
    candidates: the report's spreadsheet has every candidate of every gap node, with the gap
    nodes outside the top decisions that have candidates named (and how many). ``(key,
    values)`` for :meth:`ecolib.notebook.Context.paragraph`; None when no gap node outside the
    top decisions has a candidate.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.gaps import gap_analysis
    >>> ws = tiny()
    >>> matches_more(gap_analysis(ws.tables, ws.settings, "2026-03"), "en") is None   # no candidates
    True
    """
    every = getattr(ga, "all_matches", None)
    if every is None or not len(every):
        return None
    shown = set(ga.matches["node_id"]) if len(ga.matches) else set()
    top = set(n for nodes in ga.decisions["nodes"].head(int(ga.top)) for n in nodes) | shown
    rest = every[~every["node_id"].isin(top)]
    if not len(rest):
        return None
    counts = rest.groupby("node_id", sort=False).size()
    nodes = node_names(ga, lang)
    items = [_tn(f"{_KEY}.match_more_item", lang, int(k), node=nodes.get(n, n)) for n, k in counts.items()]
    key = f"{_KEY}.match_more_one" if len(counts) == 1 else f"{_KEY}.match_more"
    return key, {"n": len(counts), "top": min(int(ga.top), len(ga.decisions)),
                 "nodes": _items(items, lang, 6, sep=t("gaps.list_sep", lang), what="nodes")}


def single(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Nodes resting on one local firm (the core ones named), and buyers depending on one
    local supplier (the three largest named)."""
    nodes, firms = node_names(ga, lang), firm_names(ga, lang)
    thr = fmt.pct(ga.threshold, 0)
    out: list[str] = []
    s = ga.single_nodes
    core = s[s["core"]]
    if len(core):
        out.append(_tn(f"{_KEY}.single_nodes", lang, len(s), items=_items(
            [t(f"{_KEY}.single_item", lang, node=nodes.get(r.node_id, r.node_id), firm=firms.get(r.firm_id, r.firm_id))
             for r in core.itertuples()], lang, what="nodes")))
    elif len(s):
        out.append(_tn(f"{_KEY}.single_nodes_nocore", lang, len(s)))
    dep = ga.dependent
    if "trade" in ga.not_evaluated:
        out += not_evaluated(ga, "dependent", lang) if "dependent" in ga.not_evaluated else \
            [t(f"{_KEY}.dependent_not_evaluated", lang, data=needs_text(ga.not_evaluated["trade"], lang))]
    elif len(dep):
        buyers = int(dep["buyer"].nunique())
        multi = int(dep.loc[dep["depends_on"] > 1, "buyer"].nunique())
        items = _items([t(f"{_KEY}.dependent_item", lang, buyer=firms.get(r.buyer, r.buyer),
                          supplier=firms.get(r.supplier, r.supplier), share=fmt.pct(r.share, 0),
                          value=fmt.money(r.value, lang, currency))
                        for r in dep.head(3).itertuples()], lang, 3)
        key = "dependent_multi" if multi else "dependent"
        out.append(_tn(f"{_KEY}.{key}", lang, buyers, threshold=thr, multi=multi, pairs=len(dep), items=items))
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
    out: list[str] = not_evaluated(ga, "trade", lang, firm=name)
    if not out:
        out.append(_tn(f"{_KEY}.exit_total", lang, len(e.affected), firm=name,
                       value=fmt.money(e.value_lost, lang, currency),
                       share=fmt.pct(e.value_share, 1), threshold=thr, buyers=e.dependent_buyers,
                       suppliers=e.dependent_suppliers))
    if len(e.affected):
        items = fmt.capped([t(f"{_KEY}.exit_item", lang, firm=firms.get(r.firm_id, r.firm_id), share=fmt.pct(r.share, 0))
                            for r in e.affected.head(8).itertuples()],
                           lang, kind="firm", most=8, sep=t("gaps.list_sep", lang), total=len(e.affected))
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
            where = display_name(r["where"], r["where_zh"], lang) if isinstance(r["where"], str) and r["where"] else ""
            label = f"{display_name(r['name'], r['name_zh'], lang)} ({t(f'gaps.kind.{r.kind}', lang)}" \
                    f"{', ' + where if where else ''})"
            if lang == "zh":
                label = label.replace(" (", "（").replace(", ", "，").replace(")", "）")
            parts.append(t(f"{_KEY}.exit_backup_item", lang, node=nodes.get(node, node), first=label))
        else:
            parts.append(t(f"{_KEY}.exit_backup_none", lang, node=nodes.get(node, node)))
    if parts:
        out.append(t(f"{_KEY}.exit_backup", lang, items=_items(parts, lang, 6, what="nodes")))
    return out


def ranking(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """The three most systemically important firms, and how many firms alone hold a node."""
    r = ga.ranking
    if "ranking" in ga.not_evaluated:
        return not_evaluated(ga, "ranking", lang)
    if not len(r):
        return [t("gaps.none", lang)]
    firms = firm_names(ga, lang)
    out = [t(f"{_KEY}.ranking_top", lang, items=t("gaps.list_sep", lang).join(
        _tn(f"{_KEY}.ranking_item", lang, int(x.affected_firms), firm=firms.get(x.firm_id, x.firm_id),
          value=fmt.money(x.value_lost, lang, currency)) for x in r.head(3).itertuples()))]
    n_single = int((r["nodes_lost"] > 0).sum())
    if n_single:
        out.append(_tn(f"{_KEY}.ranking_nodes", lang, n_single))
    return out


def security(ga: GapAnalysis, lang: str = "en", currency: str = "CNY") -> list[str]:
    """The nodes per quadrant, then the critical nodes, most important first."""
    if "security" in ga.not_evaluated:
        return not_evaluated(ga, "security", lang)
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
               n=int(r.alternatives)) for r in crit.itertuples()], lang, 6, what="nodes")))
    return out


def explore_summary(ga: GapAnalysis, stress: ExitStress, lang: str = "en", currency: str = "CNY") -> str:
    """One line for the exit explorer: the firms hit, the trade lost and the nodes lost by the
    exit ``stress`` (of any firm of ``ga``)."""
    nodes = node_names(ga, lang)
    lost = t("gaps.name_sep", lang).join(nodes.get(n, n) for n in stress.nodes_lost) or "–"
    return t("gaps.explore.summary", lang, firm=firm_name(ga, stress.firm_id, lang), n=len(stress.affected),
             value=fmt.money(stress.value_lost, lang, currency), share=fmt.pct(stress.value_share, 1), nodes=lost)

