"""The tables of the gap-analysis page: one :class:`~ecolib.presentation.tables.Table` each.

Sources: :data:`HEALTH` takes a :class:`~ecolib.analyses.health.Health`; :data:`DECISIONS` a
decisions frame (:func:`ecolib.analyses.gaps.gap_decisions`, ``ga.decisions`` or the explorer's
re-weighted one); :data:`PRIORITY` a priority frame (node by node,
:func:`ecolib.analyses.gaps.gap_priority`); :data:`AFFECTED`, :data:`NODES` and :data:`BACKUP` an
:class:`~ecolib.analyses.gaps.ExitStress` (the page's ``ga.exit`` or another firm's); every
other table the :class:`~ecolib.analyses.gaps.GapAnalysis`.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.gaps import gap_analysis
>>> ws = tiny()
>>> ga = gap_analysis(ws.tables, ws.settings, "2026-03")
>>> PRIORITY.view(ga.priority, "en")[["rank", "node", "status_label"]].values.tolist()
[[1, 'Lithium', 'Single firm'], [2, 'Cathode', 'Single firm'], [3, 'Packs', 'Missing'], [4, 'Cells', 'Thin (2 firms)']]
>>> DECISIONS.view(ga.decisions, "en")[["rank", "node", "tie_label", "reason_label"]].values.tolist()[2]
[3, 'Packs', '', 'Feasibility and fragility']
>>> BACKUP.view(ga.exit, "en")[["node", "firm", "kind_label"]].values.tolist()
[['Cells', 'Cathode Co', 'local firm']]
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ecolib.analyses.gaps import ExitStress, GapAnalysis
from ecolib.analyses.health import Health
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_name, display_names, t
from ecolib.presentation.names import metric_name, name_of
from ecolib.presentation.narrative.gaps import (decision_name, decision_status, node_names, reasons_text,
                                                score_text, status_label)
from ecolib.presentation.narrative.genemap import fit_text
from ecolib.presentation.narrative.health import metric_value
from ecolib.presentation.tables import Table

__all__ = ["HEALTH", "DECISIONS", "PRIORITY", "MATCHES", "matches_shown", "SINGLE", "DEPENDENT", "AFFECTED", "NODES", "BACKUP", "RANKING",
           "SECURITY"]


def _names(frame: pd.DataFrame, base: str, lang: str) -> pd.Series:
    return display_names(frame, lang, base=base)


# --------------------------------------------------------------------------- health


def _health_rows(h: Health, lang: str, currency: str) -> pd.DataFrame:
    """The metrics of a dimension, and scored metrics in none; values as text by their unit,
    a note for a metric not scored or scored on an earlier month's value."""
    m = h.metrics
    m = m[(m["dimension"] != "") | (m["status"] == "ok")]

    def val(col):
        return [metric_value(h, mid, v, lang, currency) for mid, v in zip(m["metric"], m[col])]  # a few dozen metrics
    note = [t(f"gaps.metric_status.{s}", lang) if s != "ok" else (
        t("gaps.finding.health_stale", lang, metric="", month=h.month, value_month=vm).lstrip(": ：")
        if vm and vm != h.month else "") for s, vm in zip(m["status"], m["value_month"])]
    return m.assign(dimension_label=[name_of(h.dims[d], lang) if d in h.dims else "–" for d in m["dimension"]],
                    metric_label=[metric_name(x, h.metric_defs, lang) for x in m["metric"]], value_text=val("value"),
                    benchmark_text=val("benchmark"), note=note)


HEALTH = Table("gaps.health", rows=_health_rows, columns={
    "dimension_label": "gaps.col.dimension", "metric_label": "gaps.col.metric", "value_text": "gaps.col.value",
    "benchmark_text": "gaps.col.benchmark", "score": ("gaps.col.ratio", "share"), "note": "gaps.col.note"})


# --------------------------------------------------------------------------- priority and matches


def _priority_rows(p: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    return p.assign(node=_names(p, "name", lang), segment=_names(p, "segment_name", lang),
                    status_label=[status_label(s, lang) for s in p["status"]],
                    reason_label=[_capital(reasons_text(r, lang)) for r in p["reasons"]])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


#: Names of a segment's nodes shown in its cell before "and N more" (the spreadsheet has them all).
SHOWN_NODES = 2


def _decision_rows(d: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """One row per decision: its name (a segment with its first nodes and "and N more"), the
    segment, the status, "tied" where the score ties with a neighbour at two decimals, the main
    driver(s)."""
    sep = t("gaps.name_sep", lang)
    gap, every = [], []
    for _, r in d.iterrows():                                 # the decisions: a few dozen
        name = decision_name(r, lang)
        members = [display_name(a, b, lang) for a, b in zip(r["node_names"], r["node_names_zh"])]
        every.append(sep.join(members))
        if r["kind"] == "segment":
            shown = fmt.capped(members, lang, kind="node", most=SHOWN_NODES, sep=sep)
            name = f"{name}{t('gaps.decision.members', lang, nodes=shown)}"
        gap.append(name)
    return d.assign(node=gap, nodes_all=every, segment=_names(d, "segment_name", lang),
                    status_label=[decision_status(r, lang) for _, r in d.iterrows()],
                    score_text=[score_text(s, bool(x), lang) for s, x in zip(d["score"], d["tied"])],
                    tie_label=[t("gaps.decision.tied", lang) if x else "" for x in d["tied"]],
                    reason_label=[_capital(reasons_text(r, lang)) for r in d["reasons"]])


#: The gap decisions, first first: the page shows the name, segment, status, score, tie, main
#: driver and candidates (the chart above it shows the four parts of each score); the
#: spreadsheet adds every node of a segment, the unrounded score and the four components.
DECISIONS = Table("gaps.decisions", rows=_decision_rows, max_rows=30, columns={
    "rank": ("gaps.col.rank", "count"), "node": "gaps.col.gap", "segment": "gaps.col.segment",
    "status_label": "gaps.col.status", "score": ("gaps.col.score", "num2"), "tie_label": "gaps.col.tie",
    "reason_label": "gaps.col.reason", "candidates": ("gaps.col.candidates", "count")},
    export_columns={
    "rank": ("gaps.col.rank", "count"), "node": "gaps.col.gap", "nodes_all": "gaps.col.nodes",
    "n_nodes": ("gaps.col.n_nodes", "count"), "segment": "gaps.col.segment", "status_label": "gaps.col.status",
    "score": ("gaps.col.score", "num3"), "tied": ("gaps.col.tied", "yes_no"), "reason_label": "gaps.col.reason",
    "importance": ("gaps.col.importance", "num2"), "demand": ("gaps.col.demand", "num2"),
    "feasibility": ("gaps.col.feasibility", "num2"), "fragility": ("gaps.col.fragility", "num2"),
    "candidates": ("gaps.col.candidates", "count")})


PRIORITY = Table("gaps.priority", rows=_priority_rows, max_rows=30, columns={
    "rank": ("gaps.col.rank", "count"), "node": "gaps.col.node", "segment": "gaps.col.segment",
    "status_label": "gaps.col.status", "importance": ("gaps.col.importance", "num2"),
    "demand": ("gaps.col.demand", "num2"), "feasibility": ("gaps.col.feasibility", "num2"),
    "fragility": ("gaps.col.fragility", "num2"), "score": ("gaps.col.score", "num2"),
    "reason_label": "gaps.col.reason", "candidates": ("gaps.col.candidates", "count")})


def _matches_rows(ga: GapAnalysis, lang: str, currency: str) -> pd.DataFrame:
    """The candidates the page lists (``ga.matches``: the top gap decisions' nodes, the best few
    each) first, then every other candidate of every gap node (``ga.all_matches``), for the
    spreadsheet: the page shows the first ``len(ga.matches)`` rows (:func:`matches_shown`). A
    candidate without a fit with the park (no evidence for its nodes) reads "no evidence" and
    has no match score: blank in the spreadsheet, not 0."""
    m, nodes = ga.matches, node_names(ga, lang)
    every = getattr(ga, "all_matches", None)
    if every is not None and len(every):
        key = set(zip(m["node_id"], m["firm_id"])) if len(m) else set()
        rest = every[[(n, f) not in key for n, f in zip(every["node_id"], every["firm_id"])]]
        if len(rest):
            m = pd.concat([m, rest], ignore_index=True) if len(m) else rest.reset_index(drop=True)
    top_nodes = {n for nodes_ in ga.decisions["nodes"].head(int(ga.top)) for n in nodes_} if len(ga.decisions) else set()
    sep = t("gaps.name_sep", lang)
    return m.assign(node=m["node_id"].map(nodes).fillna(m["node_id"]), candidate=_names(m, "name", lang),
                    region_label=_names(m, "region", lang),
                    fit_label=[fit_text(f, False, lang) for f in m["park_fit"]],
                    match_label=[t("gaps.match_no_score", lang) if pd.isna(x) else fmt.number(x, 2) for x in m["match"]],
                    in_top=m["node_id"].isin(top_nodes).to_numpy(bool),
                    also=[sep.join(nodes.get(n, n) for n in o) or "–" for o in m["other_nodes"]])


def matches_shown(ga: GapAnalysis) -> int:
    """Rows of :data:`MATCHES` the page shows: the candidates of the top gap decisions
    (``ga.matches``); the spreadsheet has every candidate of every gap node."""
    return int(len(ga.matches))


#: Candidates by gap node: the page lists the top gap decisions' (``max_rows`` of
#: :func:`matches_shown`), the spreadsheet every candidate of every gap node, with the node's
#: gap rank and whether it is among the top decisions; fit and match as numbers, blank where
#: there is no evidence.
MATCHES = Table("gaps.matches", rows=_matches_rows, columns={
    "node": "gaps.col.node", "option": ("gaps.col.option", "count"), "candidate": "gaps.col.candidate",
    "region_label": "gaps.col.region", "capability": ("gaps.col.capability", "num2"), "fit_label": "gaps.col.fit",
    "match_label": "gaps.col.match", "also": "gaps.col.also"},
    export_columns={
    "node_rank": ("gaps.col.gap_rank", "count"), "node": "gaps.col.node", "in_top": ("gaps.col.in_top", "yes_no"),
    "option": ("gaps.col.option", "count"), "candidate": "gaps.col.candidate", "region_label": "gaps.col.region",
    "capability": ("gaps.col.capability", "num2"), "park_fit": ("gaps.col.fit", "num2"),
    "match": ("gaps.col.match", "num2"), "also": "gaps.col.also"})


# --------------------------------------------------------------------------- single points of failure


def _single_rows(ga: GapAnalysis, lang: str, currency: str) -> pd.DataFrame:
    s, nodes = ga.single_nodes, node_names(ga, lang)
    if "trade" in ga.not_evaluated:           # no flows: local buyers and sales unknown, not 0
        s = s.assign(local_buyers=float("nan"), local_sales=float("nan"))
    return s.assign(node=_names(s, "name", lang), segment=s["segment_id"].map(nodes).fillna("–"),
                    core_label=[t("genemap.yes" if c else "genemap.no", lang) for c in s["core"]],
                    firm=_names(s, "firm_name", lang))


SINGLE = Table("gaps.single", rows=_single_rows, columns={
    "node": "gaps.col.node", "segment": "gaps.col.segment", "core_label": "genemap.col.core",
    "firm": "gaps.col.the_firm", "capability": ("gaps.col.capability", "num2"),
    "local_buyers": ("gaps.col.buyers", "count"), "local_sales": ("gaps.col.local_sales", "money"),
    "candidates": ("gaps.col.candidates", "count")})


def _dependent_rows(ga: GapAnalysis, lang: str, currency: str) -> pd.DataFrame:
    d = ga.dependent
    return d.assign(buyer_label=_names(d, "buyer_name", lang) + " · " + _names(d, "buyer_node_name", lang),
                    supplier_label=_names(d, "supplier_name", lang) + " · " + _names(d, "supplier_node_name", lang))


DEPENDENT = Table("gaps.dependent", rows=_dependent_rows, max_rows=20, columns={
    "buyer_label": "gaps.col.buyer", "supplier_label": "gaps.col.supplier", "value": ("gaps.col.value_from", "money"),
    "share": ("gaps.col.share", "share"), "suppliers": ("gaps.col.suppliers", "count")})


# --------------------------------------------------------------------------- exit stress test


def _affected_rows(e: ExitStress, lang: str, currency: str) -> pd.DataFrame:
    a = e.affected
    return a.assign(firm=_names(a, "name", lang), node=_names(a, "node_name", lang),
                    role_label=[t(f"gaps.role.{r}", lang) for r in a["role"]])


AFFECTED = Table("gaps.affected", rows=_affected_rows, columns={
    "firm": "common.firm", "node": "gaps.col.node", "role_label": "gaps.col.role", "lost": ("gaps.col.lost", "money"),
    "share": ("gaps.col.share_lost", "share")})


def _nodes_rows(e: ExitStress, lang: str, currency: str) -> pd.DataFrame:
    n = e.nodes
    return n.assign(node=_names(n, "name", lang),
                    before=[f"{status_label(s, lang)} ({k})" for s, k in zip(n["status_before"], n["firms_before"])],
                    after=[f"{status_label(s, lang)} ({k})" for s, k in zip(n["status_after"], n["firms_after"])])


NODES = Table("gaps.exit_nodes", rows=_nodes_rows, columns={
    "node": "gaps.col.node", "capability": ("gaps.col.capability", "num2"), "before": "gaps.col.before",
    "after": "gaps.col.after"})


def _backup_rows(e: ExitStress, lang: str, currency: str) -> pd.DataFrame:
    b = e.backup
    # the backup plan is per node of the leaver: their names are in e.nodes
    nodes = _names(e.nodes, "name", lang).set_axis(pd.Index(e.nodes["node_id"]))
    return b.assign(node=b["node_id"].map(nodes).fillna(b["node_id"]), firm=_names(b, "name", lang),
                    where_label=_names(b, "where", lang),
                    kind_label=[t(f"gaps.kind.{k}", lang) for k in b["kind"]])


BACKUP = Table("gaps.backup", rows=_backup_rows, columns={
    "node": "gaps.col.node", "option": ("gaps.col.option", "count"), "kind_label": "gaps.col.kind",
    "firm": "common.firm", "capability": ("gaps.col.capability", "num2"), "where_label": ("gaps.col.where", "text")})


# --------------------------------------------------------------------------- ranking and security


def _ranking_rows(ga: GapAnalysis, lang: str, currency: str) -> pd.DataFrame:
    r = ga.ranking
    return r.assign(firm=_names(r, "name", lang), node=_names(r, "node_name", lang))


RANKING = Table("gaps.ranking", rows=_ranking_rows, max_rows=20, columns={
    "rank": ("gaps.col.rank", "count"), "firm": "common.firm", "node": "gaps.col.node",
    "affected_firms": ("gaps.col.hit", "count"), "nodes_lost": ("gaps.col.nodes_lost", "count"),
    "value_lost": ("gaps.col.lost_value", "money"), "value_share": ("gaps.col.lost_share", "share1")})


def security_rows(ga: GapAnalysis, lang: str = "en", currency: str = "CNY",
                  quadrants: Iterable[str] = ("critical", "fragile")) -> pd.DataFrame:
    """The nodes of the security matrix in ``quadrants`` (the page shows critical and fragile),
    with their names, segment names and quadrant labels in ``lang``."""
    s = ga.security
    rows = s[s["quadrant"].isin(list(quadrants))]
    return rows.assign(node=_names(rows, "name", lang), segment=rows["segment_id"].map(node_names(ga, lang)).fillna("–"),
                       quadrant_label=[t(f"gaps.quadrant.{q}", lang) for q in rows["quadrant"]])


SECURITY = Table("gaps.security", rows=security_rows, columns={
    "node": "gaps.col.node", "segment": "gaps.col.segment", "quadrant_label": "gaps.col.quadrant",
    "dependence": ("gaps.col.dependence", "share"), "alternatives": ("gaps.col.alternatives", "count"),
    "local_firms": ("gaps.col.firms", "count"), "candidates": ("gaps.col.candidates", "count")})
