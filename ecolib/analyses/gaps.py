"""Gap analysis (缺口诊断, DESIGN.md §6): how healthy the park is against its benchmark, which
gaps of the chain to close first, who could close them, where the park hangs on one firm, what
happens when a firm leaves, and how secure each technology node is.

Pure functions over the workspace tables and the results of the value-stream map
(:mod:`ecolib.analyses.valuestream`), the gene map (:mod:`ecolib.analyses.genemap`) and the evaluation system
(:mod:`ecolib.analyses.evaluation`); vectorised with numpy, pandas and scipy.sparse (no Python loop over
firms, flows or nodes), so a region of 100k firms and 1M flows is seconds (``make bench``).
Money is in the workspace currency; flow values are summed over the value-stream window.
Results are numbers, ids and codes; their words, display names and tables are in
:mod:`ecolib.presentation.narrative.gaps` and :mod:`ecolib.presentation.tables.gaps`.

Definitions
-----------
**Health diagnosis** (生态健康度诊断): defined once in :mod:`ecolib.analyses.health`; the bundle carries it.

**Gap priority**, :func:`gap_priority`
    For every technology node with status missing, single or thin (gene map, §5), four
    components, each in [0, 1]:

    * importance = node weight / the largest weight among the ranked nodes;
    * demand pull: the local demand for the node's output, ``D_p = Σ_q w_pq · x_q`` over the
      chain edges p → q (``w`` the edge weight, an input coefficient; ``x_q`` the annual output
      of the active local firms on q, attributed by share; an edge on a segment applies to each
      of its technology nodes, a repeated leaf pair keeps its largest weight), on a log scale:
      ``1 + log10(D_p / D_max) / decades`` clipped to [0, 1] (``decades`` = 6; D_max the
      largest among the ranked nodes; D_p = 0 → 0). Money spans orders of magnitude: on a
      linear scale the anchor's segment would flatten every other node to 0;
    * feasibility: the node's density given the park's present nodes
      (:func:`ecolib.analyses.genemap.feasibility`; none for a node the data relate to nothing);
    * fragility: 1 missing, 0.6 single, 0.3 thin (:data:`ecolib.analyses.genemap.FRAGILITY`).

    score = Σ weight_k · component_k with the weights of ``priority_weights`` in workspace.yaml
    (rescaled to sum 1). A component that cannot be evaluated is left out, never counted as 0:
    for every node (no output reported at all, no chain links: ``unavailable_components``) or for
    one node (no evidence for its feasibility; demand of a node whose local buyers report no
    output, ``demand_basis`` ``output_missing``); the remaining weights are rescaled to the same
    total. A demand of 0 is a real 0 where the chain data list no buyer node (``no_buyer_link``)
    or the buyer nodes have no active local firm (``no_local_buyer``); the demand counts only
    reported output, so with partial output it is a lower bound. The table keeps each component and its weighted part
    (``part_<component>``), so the ranking explains itself; the **reason** is the component
    with the largest part, and every component whose part equals it at two decimals
    (``reasons``: two components tied are both named). All weights 0: every score is 0 and
    the ranking falls back to fragility, importance, demand, feasibility (``attrs["note"]``).

**Gap decisions**, :func:`gap_decisions` (``GapAnalysis.decisions``)
    The gaps as the decisions a park takes: a **segment** of which every technology node is
    missing (at least two nodes) and which has local demand (D_p > 0 for at least one of its
    nodes) is *one* decision, bringing in the segment, with its nodes listed; every other ranked
    node is a decision of its own. A segment's score is the **highest score of its nodes** (its
    *lead node*: closing the segment closes that gap too, so it is at least as urgent); its
    components and reason are the lead node's; its candidates are the distinct candidate firms
    able to serve at least one of its nodes (a firm on two nodes counts once).

    Ranked by the score **at the shown precision** (two decimals, :data:`PRECISION`); decisions
    with the same shown score are **tied** and ordered by the tie-break: (1) more gap nodes
    closed first (a whole segment before a single node), (2) the higher score before rounding,
    (3) the order of :func:`gap_priority` for equal scores (fragility, importance, demand,
    feasibility, then id). ``tie_break`` names the step that placed a decision ahead of the next.

**Candidate matching** (智能匹配), :func:`match_candidates`
    For each of the top gap nodes, the candidates (``candidates`` table) with capability ≥
    ``min_capability`` on it, ranked by ``match = capability × park_fit``, where park_fit is
    the mean density (as feasibility) over every node the candidate can serve: how related its
    activities are to what the park already has. A one-node candidate's fit is the node's
    feasibility; a candidate also serving nodes close to the park fits better. A node the data
    relate to nothing has no density (no evidence) and is left out of the mean; a candidate with
    no such node left has no fit and no match score (NaN, listed after the scored candidates by
    capability), not 0. ``other_gaps`` counts the other gap nodes it would fill.
    ``GapAnalysis.matches`` holds the top decisions' nodes (``per_node`` each, the page),
    ``GapAnalysis.all_matches`` every candidate of every gap node (the spreadsheet).

**Local network** (:func:`local_network`)
    Window flows between two different local firms both active in the report month, summed
    per (supplier, buyer) pair: the sparse matrix ``F``. ``local_inbound[b] = Σ_s F[s, b]``;
    ``sales[s]`` = all window flows from s to any other firm (local or outside).

**Single points of failure**, :func:`single_supplier_nodes`, :func:`dependent_buyers`
    Nodes with exactly one qualifying local firm (gene-map status ``single``); every (buyer,
    supplier) pair of local firms where the buyer takes ≥ ``threshold`` (30 %,
    ``thresholds.dependence_share``) of its local inbound from that supplier: F[s, b] ≥
    threshold · local_inbound[b], the comparison of the exit stress test (a buyer can depend on
    up to 1 / threshold suppliers; each pair is listed).

**Exit stress test** (核心企业外迁), :func:`exit_stress` for one firm f, :func:`exit_ranking` for all
    * local flow lost = Σ_b F[f, b] + Σ_s F[s, f]; its **share** is of the park's local trade
      of the window as the report counts it everywhere (the value-stream map's local → local
      value, ``ValueStream.totals["local_value"]``, which also counts the trade of firms that
      have since left); :attr:`LocalNetwork.total` (active firms only) when none is given;
    * dependent buyers: firms b with F[f, b] ≥ threshold · local_inbound[b] (lose ≥ 30 % of their
      local supply); dependent suppliers: firms s with F[s, f] ≥ threshold · sales[s] (lose ≥ 30 %
      of all their sales); affected firms = the union (a firm both ways counts once);
    * nodes that become missing: nodes where f is the only qualifying firm; nodes that become
      single: where f is one of two;
    * backup plan, per node f works on: the other active local firms on the node (qualifying
      ones first, then by capability), then candidates by match, ``per_node`` options each.

    :func:`exit_ranking` computes the same numbers for every active local firm at once with
    sparse-matrix operations (equal to :func:`exit_stress` firm by firm; a property test checks
    it) and ranks firms by **systemic importance**: affected firms, then nodes made missing,
    then local flow lost.

**Security matrix** (产业安全评估矩阵), :func:`security_matrix`
    Per technology node: x = external dependence = the share of what local firms bought from
    suppliers working on the node (value-stream attribution at node level) that came from
    outside the park (1 − local sourcing of the node's output); a node nobody local bought from
    is 1 when the park has no firm on it (``missing``) and undefined otherwise. y =
    substitutability = min(n, full_at) / full_at with n the alternative suppliers: qualifying
    local firms plus candidates (full_at = 5). Quadrants at 0.5: ``secure`` (x < 0.5, y ≥ 0.5),
    ``watch`` (x ≥ 0.5, y ≥ 0.5: bought outside, but many alternatives), ``fragile`` (x < 0.5,
    y < 0.5: local, few suppliers), ``critical`` (x ≥ 0.5, y < 0.5).
"""
from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import scipy.sparse as sp

from ecolib.analyses import genemap as gmap
from ecolib.analyses import relatedness
from ecolib.analyses import valuestream as vs
from ecolib.analyses.health import Health, health_workspace
from ecolib.foundations import chain, frames, network
from ecolib.foundations import months as mo
from ecolib.foundations.firms import _profile, active_mask, firm_profile  # noqa: F401 (firm_profile: docs)
from ecolib.workspace.load import release_memory
from ecolib.workspace.numtext import parse_number
from ecolib.workspace.settings import Settings, as_settings

__all__ = [
    "DEFAULT_WEIGHTS", "COMPONENTS", "QUADRANTS", "ROLES",
    "PRECISION", "TIE_BREAKS", "DECISION_COLUMNS", "priority_weights", "unavailable_components", "downstream_demand", "gap_priority", "gap_decisions",
    "node_density", "match_candidates", "DEMAND_BASES", "demand_sources",
    "LocalNetwork", "local_network", "single_supplier_nodes", "dependent_buyers",
    "ExitStress", "exit_stress", "exit_ranking", "security_matrix",
    "GapAnalysis", "gap_analysis", "default_exit_firm", "firm_info",
]

#: Gap-priority weights when none are given (the workspace loader has the same defaults).
DEFAULT_WEIGHTS = {"importance": 0.3, "demand": 0.3, "feasibility": 0.2, "fragility": 0.2}
COMPONENTS = tuple(DEFAULT_WEIGHTS)
#: Security-matrix quadrants, most worrying first.
QUADRANTS = ("critical", "fragile", "watch", "secure")
#: Roles of a firm hit by an exit.
ROLES = ("buyer", "supplier", "both")
DECADES = 6.0
DEPENDENCE = 0.3
FULL_AT = 5
#: Decimals of a score as the pages show it: equal at this precision is a tie.
PRECISION = 2
#: The steps of the decisions' tie-break, in order (``tie_break`` of :func:`gap_decisions`):
#: more nodes closed, the score before rounding, then the components of :func:`gap_priority`'s
#: order for equal scores, then the id.
TIE_BREAKS = ("nodes", "score", "fragility", "importance", "demand", "feasibility", "id")


def _num(v) -> float | None:
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


# =========================================================================== gap priority


def priority_weights(weights: Mapping[str, Any] | None = None) -> dict[str, float]:
    """The four gap-priority weights, rescaled to sum 1.

    Keys left out keep their default (:data:`DEFAULT_WEIGHTS`: importance 0.3, demand 0.3,
    feasibility 0.2, fragility 0.2), then the four are divided by their sum. All zero stays all
    zero (every score of :func:`gap_priority` is then 0).

    Parameters
    ----------
    weights : mapping of str to number or str, optional
        Weight per component (``importance``, ``demand``, ``feasibility``, ``fragility``), e.g.
        ``priority_weights`` of workspace.yaml: each a number ≥ 0 or a text
        :func:`ecolib.workspace.numtext.parse_number` reads (``"0.3"``, ``"30%"``); dimensionless,
        only their ratios matter. None or empty: the defaults.

    Returns
    -------
    dict of str to float
        The four weights in :data:`COMPONENTS` order, each in [0, 1], summing to 1 (or all 0).

    Raises
    ------
    ValueError
        For an unknown key, or a weight that is not a number ≥ 0.

    See Also
    --------
    gap_priority : the score these weights make.
    GapAnalysis.reprioritise : the gap priority again with other weights.

    Examples
    --------
    >>> priority_weights({"importance": 2, "demand": 1, "feasibility": 1})     # fragility keeps 0.2, then rescaled
    {'importance': 0.47619047619047616, 'demand': 0.23809523809523808, 'feasibility': 0.23809523809523808, 'fragility': 0.047619047619047616}
    >>> priority_weights({"importance": "30%", "demand": 0, "feasibility": 0, "fragility": 0})
    {'importance': 1.0, 'demand': 0.0, 'feasibility': 0.0, 'fragility': 0.0}
    >>> priority_weights({k: 0 for k in COMPONENTS})
    {'importance': 0.0, 'demand': 0.0, 'feasibility': 0.0, 'fragility': 0.0}
    >>> priority_weights({"size": 1})
    Traceback (most recent call last):
    ...
    ValueError: unknown priority weight 'size'; the weights are importance, demand, feasibility, fragility
    """
    out = dict(DEFAULT_WEIGHTS)
    for key, raw in (weights or {}).items():
        if key not in out:
            raise ValueError(f"unknown priority weight {key!r}; the weights are {', '.join(COMPONENTS)}")
        number = parse_number(raw, minimum=0)
        if number is None:
            raise ValueError(f"priority weight {key} must be a number ≥ 0, got {raw!r}")
        out[key] = number
    total = sum(out.values())
    return {k: (v / total if total > 0 else 0.0) for k, v in out.items()}


def _leaf_edges(chain_nodes: pd.DataFrame, chain_edges: pd.DataFrame | None, leaf_ids: pd.Index) -> pd.DataFrame:
    """Chain edges between technology nodes: an edge on a segment applies to each of its leaves;
    a leaf pair reached twice keeps its largest weight. Columns source, target, weight."""
    if chain_edges is None or not len(chain_edges):
        return pd.DataFrame({"source": pd.Series(dtype=object), "target": pd.Series(dtype=object),
                             "weight": pd.Series(dtype=float)})
    pairs = chain.ancestor_pairs(chain_nodes[["node_id", "parent_id"]])
    below = pairs[pairs["node_id"].isin(leaf_ids)][["ancestor_id", "node_id"]]
    w = chain_edges["weight"].fillna(1.0) if "weight" in chain_edges else pd.Series(1.0, index=chain_edges.index)
    e = pd.DataFrame({"s0": chain_edges["source"].to_numpy(object), "t0": chain_edges["target"].to_numpy(object),
                      "weight": w.to_numpy(float)})
    e = (e.merge(below.rename(columns={"ancestor_id": "s0", "node_id": "source"}), on="s0")
          .merge(below.rename(columns={"ancestor_id": "t0", "node_id": "target"}), on="t0"))
    e = e[e["source"] != e["target"]]
    return e.groupby(["source", "target"], as_index=False)["weight"].max()


def downstream_demand(cov: gmap.Coverage, chain_nodes: pd.DataFrame, chain_edges: pd.DataFrame | None) -> pd.Series:
    """Local demand for each technology node's output, ``D_p = Σ_q w_pq · x_q`` (currency per year).

    The sum runs over the chain edges p → q. ``x_q`` is the annual output of the active local
    firms on q, attributed by ``firm_nodes.share`` (the ``output`` of the coverage's active links,
    whatever their capability); ``w_pq`` the edge weight, an input coefficient (a missing weight is
    1). An edge on a segment applies to each of its technology nodes; a leaf pair reached twice
    keeps its largest weight. :func:`gap_priority` puts this value on a log scale as its demand component.

    Parameters
    ----------
    cov : Coverage
        Node coverage of the month (:func:`ecolib.analyses.genemap.coverage`).
    chain_nodes : DataFrame
        The workspace's chain_nodes table (node_id, parent_id: the tree, to spread segment edges).
    chain_edges : DataFrame or None
        The workspace's chain_edges table (source, target, weight); None or empty: every demand is 0.

    Returns
    -------
    Series
        Named ``demand_value``, indexed by node_id (every technology node of ``cov``, in chain
        order): D_p in currency per year; 0 for a node without outgoing edges or whose buyer nodes
        have no active local output.

    See Also
    --------
    ecolib.analyses.genemap.coverage : builds ``cov``.
    gap_priority : the demand component, on a log scale.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> from ecolib.analyses.genemap import coverage
    >>> cov = coverage(tables["chain_nodes"], tables["firms"], tables["firm_nodes"], month="2026-03")
    >>> downstream_demand(cov, tables["chain_nodes"], tables["chain_edges"]).to_dict()   # N.CATH: F2 + F3 on N.CELL
    {'N.LI': 100.0, 'N.CATH': 1100.0, 'N.CELL': 0.0, 'N.PACK': 0.0}
    """
    leaf_ids = pd.Index(cov.nodes["node_id"])
    links = cov.links
    act = links[links["active"].to_numpy(bool)]
    node = network.codes(act["node_id"], leaf_ids)                 # grouped by the leaf's position
    x = pd.Series(act["output"].to_numpy()).groupby(node).sum().reindex(np.arange(len(leaf_ids))).dropna()
    x.index = leaf_ids[x.index.to_numpy()]
    e = _leaf_edges(chain_nodes, chain_edges, leaf_ids)
    d = (e["weight"] * e["target"].map(x).fillna(0.0)).groupby(e["source"]).sum()
    return d.reindex(leaf_ids, fill_value=0.0).astype(float).rename("demand_value")


#: Why a gap node's demand pull is what it is (``demand_basis`` of :func:`demand_sources`):
#: ``buyers`` (local buyers, some reporting output), ``no_buyer_link`` (the chain data list no
#: node that buys from it), ``no_local_buyer`` (its buyer nodes have no active local firm),
#: ``output_missing`` (its local buyers report no output: demand unknown, not 0).
DEMAND_BASES = ("buyers", "no_buyer_link", "no_local_buyer", "output_missing")


def demand_sources(cov: gmap.Coverage, chain_nodes: pd.DataFrame, chain_edges: pd.DataFrame | None) -> pd.DataFrame:
    """The local demand of every technology node with what it rests on.

    ``demand_value`` is :func:`downstream_demand`, except where it cannot be evaluated: a node
    whose buyer nodes have active local firms none of which reports its output gets NaN (the
    demand is unknown, not 0). ``demand_basis`` says which case a node is (:data:`DEMAND_BASES`);
    a demand of 0 is a real 0 only for ``no_buyer_link`` (the chain data name no buyer: new input
    links would change it) and ``no_local_buyer`` (the buyers are not in the park).

    Parameters
    ----------
    cov : Coverage
        Node coverage of the month (its links: the active local firms, their output and whether
        they report it).
    chain_nodes, chain_edges : DataFrame
        The workspace's chain tables (edges None or empty: no node has a buyer link).

    Returns
    -------
    DataFrame
        Indexed by node_id (every technology node, chain order): demand_value (currency per
        year, NaN for ``output_missing``), buyer_nodes (technology nodes it supplies in the
        chain, count), buyer_firms (distinct active local firms on them, any capability),
        buyer_firms_reporting (of those, the ones reporting output), demand_basis.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import coverage
    >>> t = tiny().tables
    >>> cov = coverage(t["chain_nodes"], t["firms"], t["firm_nodes"], month="2026-03")
    >>> demand_sources(cov, t["chain_nodes"], t["chain_edges"])[["demand_value", "buyer_firms", "demand_basis"]]
             demand_value  buyer_firms    demand_basis
    node_id                                           
    N.LI            100.0            1         buyers
    N.CATH         1100.0            2         buyers
    N.CELL            0.0            0  no_local_buyer
    N.PACK            0.0            0   no_buyer_link
    """
    leaf_ids = pd.Index(cov.nodes["node_id"])
    links = cov.links
    act = links[links["active"].to_numpy(bool)]
    reported = act["reported"].to_numpy(bool) if "reported" in act else np.ones(len(act), bool)
    e = _leaf_edges(chain_nodes, chain_edges, leaf_ids)
    d = downstream_demand(cov, chain_nodes, chain_edges).reindex(leaf_ids)
    n_nodes = e.groupby("source")["target"].nunique().reindex(leaf_ids, fill_value=0).astype(np.int64)
    # distinct buyer firms per node: (node → buyer node) edges times (buyer node, firm) presence,
    # firms coded by their first link row
    link_firm = getattr(cov, "_link_firm", None)                  # coded by the coverage already
    firm = (link_firm[links["active"].to_numpy(bool)] if link_firm is not None and len(link_firm) == len(links)
            else network.codes(act["firm_id"], act["firm_id"]))
    target = network.codes(act["node_id"], leaf_ids)
    on = target >= 0
    k = len(leaf_ids)
    E = sp.csr_matrix((np.ones(len(e)), (leaf_ids.get_indexer(e["source"]), leaf_ids.get_indexer(e["target"]))),
                      shape=(k, k))

    def buyers(mask):
        L = sp.csr_matrix((np.ones(int(mask.sum())), (target[mask], firm[mask])),
                          shape=(k, max(int(firm.max(initial=0)) + 1, len(act), 1)))
        return np.diff((E @ L).indptr).astype(np.int64)            # nonzeros per node: distinct firms

    n_firms = pd.Series(buyers(on), index=leaf_ids)
    n_rep = pd.Series(buyers(on & reported), index=leaf_ids)
    basis = np.select([n_nodes.to_numpy() == 0, n_firms.to_numpy() == 0, n_rep.to_numpy() == 0],
                      ["no_buyer_link", "no_local_buyer", "output_missing"], "buyers").astype(object)
    value = np.where(basis == "output_missing", np.nan, d.to_numpy(np.float64))
    return pd.DataFrame({"demand_value": value, "buyer_nodes": n_nodes.to_numpy(), "buyer_firms": n_firms.to_numpy(),
                         "buyer_firms_reporting": n_rep.to_numpy(), "demand_basis": basis},
                        index=leaf_ids.rename("node_id"))


def _log_scale(d: np.ndarray, decades: float) -> np.ndarray:
    """``1 + log10(d / max d) / decades`` clipped to [0, 1]; 0 for d = 0, NaN for d NaN (unknown)."""
    d = np.asarray(d, float)
    known = ~np.isnan(d)
    top = d[known].max() if known.any() else 0.0
    if not top > 0:
        return np.where(known, 0.0, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 + np.log10(d / top) / float(decades)
    return np.where(known, np.clip(np.where(d > 0, out, 0.0), 0.0, 1.0), np.nan)


def _shown(values) -> np.ndarray:
    """Scores as the pages show them: rounded to :data:`PRECISION` decimals the way the text is
    formatted (``f"{x:.2f}"``), so a tie here is a tie on the page."""
    return np.array([float(f"{float(v):.{PRECISION}f}") for v in values], float)


def _reasons(parts: np.ndarray) -> list[tuple]:
    """Per row of the parts matrix (rows × COMPONENTS): the components whose part equals the
    largest at two decimals, largest part first (an exact tie in COMPONENTS order)."""
    if not len(parts):
        return []
    shown = np.round(parts, PRECISION)
    tied = shown == shown.max(axis=1, keepdims=True)
    order = np.argsort(-parts, axis=1, kind="stable")
    names = np.array(COMPONENTS, object)
    return [tuple(names[o][t[o]]) for o, t in zip(order, tied)]   # one tuple per ranked node


def gap_priority(cov: gmap.Coverage, feasibility: pd.DataFrame, *, chain_nodes: pd.DataFrame,
                 chain_edges: pd.DataFrame | None = None, candidates: pd.DataFrame | None = None,
                 weights: Mapping[str, Any] | None = None, decades: float = DECADES,
                 statuses: Iterable[str] = gmap.GAP_STATUSES,
                 unavailable: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Gap priority of every missing, single and thin technology node, highest score first.

    Four components in [0, 1] per node (importance, demand, feasibility, fragility; definitions in
    the module docstring), ``score = Σ_k weight_k · component_k`` with the weights of
    :func:`priority_weights`. Equal scores are ordered by fragility, importance, demand,
    feasibility (all higher first), then node_id.

    Parameters
    ----------
    cov : Coverage
        Node coverage of the month (:func:`ecolib.analyses.genemap.coverage`): the nodes, their
        status, weight and qualifying firms.
    feasibility : DataFrame
        :func:`ecolib.analyses.genemap.feasibility` (node_id, feasibility, related); a ranked node
        missing from it, or without evidence (feasibility NaN), has no feasibility: its score
        rests on the other components.
    chain_nodes : DataFrame
        The workspace's chain_nodes table (for the demand, :func:`downstream_demand`).
    chain_edges : DataFrame, optional
        The workspace's chain_edges table; None: every demand is 0.
    candidates : DataFrame, optional
        The candidates table (firm_id, node_id, capability): only counted (column ``candidates``),
        not part of the score.
    weights : mapping, optional
        ``priority_weights`` of workspace.yaml (see :func:`priority_weights`; default
        :data:`DEFAULT_WEIGHTS`).
    decades : float, default 6
        Orders of magnitude of the demand's log scale (> 0): a node with 10⁻⁶ of the largest demand
        gets demand 0.
    statuses : iterable of str, default ('missing', 'single', 'thin')
        The gene-map statuses ranked.
    unavailable : mapping of str to str, optional
        Components that cannot be evaluated, with the data that would enable them (e.g.
        ``{"demand": "output"}`` when no local firm reports its output, see
        :func:`unavailable_components`). Such a component is missing (NaN) in every row, not 0;
        the score is the weighted sum of the other components, their weights rescaled to sum 1.

    Returns
    -------
    DataFrame
        One row per ranked node, highest score first. Columns:

        * ``rank`` (int, 1 = first), ``node_id``, ``name``, ``name_zh``;
        * ``segment_id``, ``segment_name``, ``segment_name_zh`` (the node's segment), ``stage``;
        * ``status`` (missing, single, thin), ``core`` (bool), ``weight`` (``chain_nodes.weight``,
          dimensionless);
        * ``firms`` (qualifying local firms), ``candidates`` (candidates with capability ≥
          ``cov.min_capability``), both counts;
        * ``demand_value``: D_p, currency per year (:func:`downstream_demand`; NaN where the
          node's local buyers report no output, :func:`demand_sources`);
        * ``demand_basis`` (:data:`DEMAND_BASES`: why the demand is what it is),
          ``buyer_firms`` and ``buyer_firms_reporting`` (active local firms on the nodes that
          buy from it, and those of them reporting output; counts);
        * ``importance``, ``demand``, ``feasibility``, ``fragility``: the components, each in [0, 1];
          NaN where unknown for the node (no evidence for its feasibility; demand with
          ``output_missing``) or for every node (``unavailable``);
        * ``part_importance``, ``part_demand``, ``part_feasibility``, ``part_fragility``: weight ×
          component, each in [0, 1]; a node with an unknown component is scored on the others,
          their weights rescaled to the same total (``rescaled`` True);
        * ``score``: the sum of the parts, in [0, 1];
        * ``reason``: the component with the largest part (an exact tie goes to the first of
          :data:`COMPONENTS`); '' when all weights are 0;
        * ``reasons``: tuple of the components whose part equals the largest at two decimals,
          largest first (``reason`` first; two when the two largest parts tie); () when all
          weights are 0;
        * ``related``: tuple of the closest present nodes (from ``feasibility``; () if none).

        ``attrs``: ``weights`` (the rescaled weights the score used; an unavailable component
        has none), ``note`` (``weights_all_zero`` or ''), ``evaluated`` (tuple of the components
        ranked on) and ``not_evaluated`` (component → the data that would enable it).

    Raises
    ------
    ValueError
        When ``decades`` ≤ 0 or a weight is wrong (:func:`priority_weights`).

    See Also
    --------
    ecolib.analyses.genemap.coverage : builds ``cov``.
    ecolib.analyses.genemap.feasibility : builds ``feasibility``.
    ecolib.analyses.genemap.gene_map : builds both (``gm.coverage``, ``gm.feasibility``).
    gap_analysis : builds every input and this table at once (also ``ecolib.analyse(ws, month).gaps.priority``).
    match_candidates : candidates for the top rows.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> p = gap_priority(gm.coverage, gm.feasibility, chain_nodes=ws.tables["chain_nodes"],
    ...                  chain_edges=ws.tables["chain_edges"], weights=ws.settings.priority_weights)
    >>> p[["rank", "node_id", "status", "importance", "demand", "feasibility", "fragility"]].round(3)
       rank node_id   status  importance  demand  feasibility  fragility
    0     1    N.LI   single         1.0   0.826          1.0        0.6
    1     2  N.CATH   single         0.5   1.000          1.0        0.6
    2     3  N.PACK  missing         0.5   0.000          1.0        1.0
    3     4  N.CELL     thin         0.5   0.000          0.5        0.3
    >>> p[["node_id", "demand_value", "part_importance", "part_demand", "score", "reason"]].round(3)
      node_id  demand_value  part_importance  part_demand  score       reason
    0    N.LI         100.0             0.30        0.248  0.868   importance
    1  N.CATH        1100.0             0.15        0.300  0.770       demand
    2  N.PACK           0.0             0.15        0.000  0.550  feasibility
    3  N.CELL           0.0             0.15        0.000  0.310   importance
    >>> p.attrs["note"]
    ''
    >>> flat = gap_priority(gm.coverage, gm.feasibility, chain_nodes=ws.tables["chain_nodes"],
    ...                     weights={k: 0 for k in COMPONENTS})       # no scores: by fragility, then importance
    >>> flat["node_id"].tolist(), flat.attrs["note"]
    (['N.PACK', 'N.LI', 'N.CATH', 'N.CELL'], 'weights_all_zero')
    >>> blind = gap_priority(gm.coverage, gm.feasibility, chain_nodes=ws.tables["chain_nodes"],
    ...                      unavailable={"demand": "output"})       # demand unknown, not 0
    >>> bool(blind["demand"].isna().all()), blind.attrs["evaluated"], round(blind.attrs["weights"]["importance"], 4)
    (True, ('importance', 'feasibility', 'fragility'), 0.4286)
    """
    if not decades > 0:
        raise ValueError(f"decades must be > 0, got {decades}")
    w = priority_weights(weights)
    off = {k: str(v) for k, v in (unavailable or {}).items() if k in COMPONENTS}
    if off:                                       # rescale the weights over what can be evaluated
        left = sum(v for k, v in w.items() if k not in off)
        w = {k: (0.0 if k in off else (v / left if left > 0 else 0.0)) for k, v in w.items()}
        w = {k: v for k, v in w.items() if k not in off}
    nodes = cov.nodes
    gaps = nodes[nodes["status"].isin(list(statuses))].reset_index(drop=True)
    sources = demand_sources(cov, chain_nodes, chain_edges).reindex(gaps["node_id"])
    demand_value = sources["demand_value"].to_numpy(float)
    feas = feasibility.set_index("node_id")
    weight = gaps["weight"].to_numpy(float)
    top = weight.max() if len(weight) else 0.0
    comp = {
        "importance": weight / top if top > 0 else np.zeros(len(gaps)),
        "demand": _log_scale(demand_value, decades),
        # a node the data relate to nothing has no feasibility (NaN), not 0
        "feasibility": feas["feasibility"].reindex(gaps["node_id"]).to_numpy(float),
        "fragility": gaps["status"].map(gmap.FRAGILITY).fillna(0.0).to_numpy(float),
    }
    tree = cov.tree.set_index("node_id")
    seg = gaps["segment_id"]
    out = pd.DataFrame({
        "node_id": gaps["node_id"], "name": gaps["name"], "name_zh": gaps["name_zh"], "segment_id": seg,
        "segment_name": seg.map(tree["name"]).fillna(""), "segment_name_zh": seg.map(tree["name_zh"]).fillna(""),
        "stage": gaps["stage"], "status": gaps["status"], "core": gaps["core"], "weight": weight,
        "firms": gaps["firms"], "candidates": gmap.candidate_counts(candidates, cov.min_capability)
        .reindex(gaps["node_id"], fill_value=0).to_numpy(int),
        "demand_value": demand_value,
        "demand_basis": sources["demand_basis"].fillna("no_buyer_link").to_numpy(object),
        "buyer_firms": sources["buyer_firms"].fillna(0).to_numpy(np.int64),
        "buyer_firms_reporting": sources["buyer_firms_reporting"].fillna(0).to_numpy(np.int64),
    })
    for k in off:
        comp[k] = np.full(len(gaps), np.nan)
    for k in COMPONENTS:
        out[k] = comp[k]
    # a component unknown for one node (its feasibility without evidence, its demand with no
    # reported buyer output) is left out of that node's score: the weights of the others are
    # rescaled to the same total, as for a component unknown for every node
    values = np.column_stack([comp[k] for k in COMPONENTS]) if len(gaps) else np.zeros((0, len(COMPONENTS)))
    base = np.array([w.get(k, 0.0) for k in COMPONENTS], float)
    known = ~np.isnan(values)
    row_total = (base * known).sum(axis=1)
    partial = (known | np.isin(COMPONENTS, list(off))[None, :]).sum(axis=1) < len(COMPONENTS)
    scale = np.where(partial & (row_total > 0), base.sum() / np.where(row_total > 0, row_total, 1.0), 1.0)
    row_w = np.where(partial[:, None], base[None, :] * scale[:, None], base[None, :])
    for i, k in enumerate(COMPONENTS):
        out[f"part_{k}"] = (np.nan if k in off else 1.0) * row_w[:, i] * comp[k] if len(gaps) else np.zeros(0)
    out["rescaled"] = partial
    parts = out[[f"part_{k}" for k in COMPONENTS]].to_numpy(float)
    ranked = np.where(np.isnan(parts), -np.inf, parts)
    out["score"] = np.nansum(parts, axis=1) if len(out) else np.zeros(0)
    out["reason"] = np.array(COMPONENTS, object)[ranked.argmax(axis=1)] if len(out) else np.zeros(0, object)
    out["reasons"] = _reasons(ranked)
    out["related"] = feas["related"].reindex(out["node_id"]).to_numpy(object) if "related" in feas else None
    out["related"] = [r if isinstance(r, tuple) else () for r in out["related"]]
    all_zero = sum(w.values()) == 0
    if all_zero:
        out["reason"] = ""
        out["reasons"] = [() for _ in range(len(out))]
    out = out.sort_values(["score", "fragility", "importance", "demand", "feasibility", "node_id"],
                          ascending=[False, False, False, False, False, True], kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.attrs["weights"] = w
    out.attrs["note"] = "weights_all_zero" if all_zero else ""
    out.attrs["evaluated"] = tuple(k for k in COMPONENTS if k not in off)
    out.attrs["not_evaluated"] = off
    return out


def unavailable_components(tables: Mapping[str, pd.DataFrame], month: str) -> dict[str, str]:
    """The gap-priority components the workspace cannot evaluate, with the data that would enable them.

    Demand pull needs the annual output of the park's firms and the chain's input links: when no
    active local firm reports its output, or the chain has no input links, the local demand is
    unknown (not 0) and the component is ``{"demand": "output"}`` or ``{"demand": "chain_edges"}``.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables (firms: local, status, exit_month, output; chain_edges).
    month : str
        The report month, ``YYYY-MM``.

    Returns
    -------
    dict
        Component → data code (``output``, ``chain_edges``); empty when every component can be evaluated.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> t = dict(tiny().tables)
    >>> unavailable_components(t, "2026-03")
    {}
    >>> t["firms"] = t["firms"].assign(output=float("nan"))
    >>> unavailable_components(t, "2026-03")
    {'demand': 'output'}
    """
    firms = tables["firms"]
    local = firms["local"].fillna(False).astype(bool) & active_mask(firms, month)
    out = pd.to_numeric(firms["output"], errors="coerce") if "output" in firms else pd.Series(np.nan, index=firms.index)
    edges = tables.get("chain_edges")
    if not out[local.to_numpy(bool)].notna().any():
        return {"demand": "output"}
    if edges is None or not len(edges):
        return {"demand": "chain_edges"}
    return {}


DECISION_COLUMNS = [
    "rank", "decision_id", "kind", "node_id", "name", "name_zh", "segment_id", "segment_name", "segment_name_zh",
    "stage", "status", "core", "nodes", "node_names", "node_names_zh", "n_nodes", "lead_node", "firms", "candidates", "demand_value",
    "demand_basis", "rescaled", *COMPONENTS, *(f"part_{k}" for k in COMPONENTS), "score", "reason", "reasons", "related", "tied", "tie_break",
]


def gap_decisions(priority: pd.DataFrame, cov: gmap.Coverage, candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The gaps as decisions: a wholly missing segment with local demand is one decision, every
    other gap node one; ranked by score at the shown precision, ties labelled.

    Definitions in the module docstring (**Gap decisions**). A segment qualifies when every one
    of its technology nodes (at least two) is missing and ranked in ``priority``, and at least
    one of them has local demand (``demand_value`` > 0); its score is the highest score of its
    nodes (the *lead node*, whose components and reason it takes). Order: the score rounded to
    :data:`PRECISION` (2) decimals, highest first; decisions with the same rounded score are
    **tied** and ordered by (1) more nodes closed, (2) the score before rounding, (3) the order
    of :func:`gap_priority` for equal scores (fragility, importance, demand, feasibility, id).

    Parameters
    ----------
    priority : DataFrame
        :func:`gap_priority` (or :meth:`GapAnalysis.reprioritise`).
    cov : Coverage
        Node coverage of the month (:func:`ecolib.analyses.genemap.coverage`): which segments
        are missing as a whole (``headline["missing_segments"]``), their nodes and names.
    candidates : DataFrame, optional
        The candidates table (firm_id, node_id, capability), counted with
        :func:`ecolib.analyses.genemap.candidate_counts` (capability ≥ ``cov.min_capability``).

    Returns
    -------
    DataFrame
        One row per decision, first decision first (the month brief's top gap is
        ``decisions.iloc[0]``). Columns (:data:`DECISION_COLUMNS`):

        * ``rank`` (int, 1 = first); ``decision_id`` (the node_id of a node, the segment's id of
          a segment); ``kind`` (``node`` or ``segment``); ``node_id`` (= decision_id);
          ``name``, ``name_zh`` (of the node or the segment);
        * ``segment_id``, ``segment_name``, ``segment_name_zh`` (the node's segment; a segment's
          own), ``stage``, ``status`` (the node's; ``missing`` for a segment), ``core`` (bool: the
          node, or any node of the segment, is a core node);
        * ``nodes`` (tuple of the technology node ids the decision closes, in priority order),
          ``node_names``, ``node_names_zh`` (tuples of their names), ``n_nodes`` (their number),
          ``lead_node`` (the node whose score it takes);
        * ``firms`` (qualifying local firms; 0 for a segment), ``candidates`` (distinct
          candidate firms able to serve at least one of its nodes, capability ≥ the minimum);
        * ``demand_value`` (currency per year), ``demand_basis``, ``rescaled``, ``importance``,
          ``demand``, ``feasibility``, ``fragility``, ``part_*``, ``score`` (in [0, 1]),
          ``reason``, ``reasons``, ``related``: the lead node's, as in :func:`gap_priority`;
        * ``tied`` (bool): its score at two decimals equals that of the decision before or
          after it;
        * ``tie_break``: when tied with the next decision, the step of the tie-break that put
          it ahead (:data:`TIE_BREAKS`: ``nodes``, ``score``, ``fragility``, ``importance``,
          ``demand``, ``feasibility``, ``id``); '' otherwise.

        ``attrs``: ``weights``, ``note``, ``evaluated`` and ``not_evaluated`` of ``priority``,
        ``precision`` (2).

    See Also
    --------
    gap_priority : the node scores.
    ecolib.analyses.genemap.missing_segments : the wholly missing segments, as the gene map lists them.
    gap_analysis : builds it (also ``ecolib.analyse(ws, month).gaps.decisions``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> p = gap_priority(gm.coverage, gm.feasibility, chain_nodes=ws.tables["chain_nodes"],
    ...                  chain_edges=ws.tables["chain_edges"], weights=ws.settings.priority_weights)
    >>> d = gap_decisions(p, gm.coverage)      # no segment of the tiny park is missing as a whole
    >>> d[["rank", "decision_id", "kind", "nodes", "score"]].round(3)
       rank decision_id  kind      nodes  score
    0     1        N.LI  node    (N.LI,)  0.868
    1     2      N.CATH  node  (N.CATH,)  0.770
    2     3      N.PACK  node  (N.PACK,)  0.550
    3     4      N.CELL  node  (N.CELL,)  0.310
    >>> d["reasons"].tolist()               # N.PACK: feasibility and fragility both weigh 0.20
    [('importance',), ('demand',), ('feasibility', 'fragility'), ('importance',)]
    >>> d["tied"].tolist(), d["tie_break"].tolist()
    ([False, False, False, False], ['', '', '', ''])
    """
    p = priority.reset_index(drop=True)
    for col, default in (("demand_basis", None), ("rescaled", False)):   # a priority frame made without them
        if col not in p:
            p[col] = default
    nodes, tree = cov.nodes, cov.tree.set_index("node_id")
    leaves = nodes.groupby("segment_id").size()
    rows = p.assign(kind="node", decision_id=p["node_id"], nodes=[(n,) for n in p["node_id"]],
                    node_names=[(n,) for n in p["name"]], node_names_zh=[(n,) for n in p["name_zh"]], n_nodes=1,
                    lead_node=p["node_id"], _order=np.arange(len(p)))
    whole = []
    for seg in cov.headline.get("missing_segments", []):           # segments missing as a whole: a few
        mine = p[p["segment_id"] == seg]
        n = int(leaves.get(seg, 0))
        if n < 2 or len(mine) != n or not (mine["demand_value"] > 0).any():
            continue
        lead = mine.iloc[int(np.argmax(mine["score"].to_numpy(float)))]
        row = lead.to_dict()
        row.update(kind="segment", decision_id=seg, node_id=seg, name=tree["name"].get(seg, seg),
                   name_zh=tree["name_zh"].get(seg, tree["name"].get(seg, seg)), status="missing",
                   core=bool(mine["core"].any()), nodes=tuple(mine["node_id"]), node_names=tuple(mine["name"]),
                   node_names_zh=tuple(mine["name_zh"]), n_nodes=n,
                   lead_node=lead["node_id"], firms=0, _order=int(lead.name))
        whole.append((seg, row))
    if whole:
        folded = {n for _, r in whole for n in r["nodes"]}
        rows = pd.concat([rows[~rows["node_id"].isin(folded)], pd.DataFrame([r for _, r in whole])],
                         ignore_index=True)
        seg_cands = pd.Series(dtype="int64")
        if candidates is not None and len(candidates):
            seg_of = nodes.set_index("node_id")["segment_id"]
            mapped = candidates.assign(node_id=candidates["node_id"].map(seg_of))
            seg_cands = gmap.candidate_counts(mapped[mapped["node_id"].isin([s for s, _ in whole])], cov.min_capability)
        is_seg = (rows["kind"] == "segment").to_numpy()
        rows.loc[is_seg, "candidates"] = rows.loc[is_seg, "node_id"].map(seg_cands).fillna(0).to_numpy()
    if not len(rows):
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in DECISION_COLUMNS})
    else:
        rows["_shown"] = _shown(rows["score"])
        rows = rows.sort_values(["_shown", "n_nodes", "score", "_order"], ascending=[False, False, False, True],
                                kind="stable").reset_index(drop=True)
        shown = rows["_shown"].to_numpy(float)
        with_next = np.r_[shown[:-1] == shown[1:], False]
        rows["tied"] = with_next | np.r_[False, with_next[:-1]]
        rows["tie_break"] = _tie_break(rows, with_next)
        rows["candidates"] = rows["candidates"].astype(int)
        rows["n_nodes"] = rows["n_nodes"].astype(int)
        rows["rank"] = np.arange(1, len(rows) + 1)
        out = rows[DECISION_COLUMNS].reset_index(drop=True)
    out.attrs.update(weights=priority.attrs.get("weights", {}), note=priority.attrs.get("note", ""),
                     precision=PRECISION, evaluated=priority.attrs.get("evaluated", COMPONENTS),
                     not_evaluated=priority.attrs.get("not_evaluated", {}))
    return out


def _tie_break(rows: pd.DataFrame, with_next: np.ndarray) -> np.ndarray:
    """Per decision tied with the next one: the first step of :data:`TIE_BREAKS` on which it is
    ahead ('' when not tied with the next)."""
    out = np.full(len(rows), "", object)
    nxt = rows.shift(-1)
    decided = ~with_next
    steps = {"nodes": rows["n_nodes"] > nxt["n_nodes"], "score": rows["score"] > nxt["score"],
             **{k: rows[k] > nxt[k] for k in ("fragility", "importance", "demand", "feasibility")}}
    for step, ahead in steps.items():                               # a handful of steps
        hit = ahead.fillna(False).to_numpy(bool) & ~decided
        out[hit] = step
        decided |= hit
    out[~decided] = "id"
    return out


# =========================================================================== candidate matching


def _density(cov: gmap.Coverage, proximity: pd.DataFrame) -> pd.Series:
    """Density of every technology node given the park's present nodes (feasibility for all);
    NaN for a node related to no node at all (no evidence, as the gene map's feasibility)."""
    present = [p for p in cov.present() if p in proximity.index]
    dens = relatedness.density_for_profile(present, proximity)
    related = proximity.reindex(index=dens.index, columns=dens.index).fillna(0.0).to_numpy(float).sum(axis=0) > 0
    return dens.where(related)


def match_candidates(priority: pd.DataFrame, candidates: pd.DataFrame | None, density: pd.Series, *,
                     min_capability: float = 0.3, top: int = 5, per_node: int | None = 5,
                     nodes: Iterable[str] | None = None) -> pd.DataFrame:
    """Candidate firms for the ``top`` gap nodes (or the gap nodes ``nodes``), best match first
    within each node.

    For each of the first ``top`` rows of ``priority`` (or each node of ``nodes``), the candidates
    with capability ≥ ``min_capability`` on the node, ranked by ``match = capability × park_fit``
    (definitions in the module docstring); equal matches by capability, then firm_id. Nodes in
    priority order (in the order of ``nodes`` when given).

    Parameters
    ----------
    priority : DataFrame
        :func:`gap_priority` (rank, node_id): its first ``top`` rows are matched; all its nodes are
        the gap nodes counted in ``other_gaps``.
    candidates : DataFrame or None
        The candidates table: firm_id, name, node_id, capability (in (0, 1]), optional name_zh
        and region. None or empty: no rows.
    density : Series
        Density of every technology node given the park's present nodes, indexed by node_id, in
        [0, 1] (:func:`node_density`).
    min_capability : float, default 0.3
        The capability a candidate needs on a node, to be matched there and for the node to count
        in its park fit (``min_capability`` of the settings).
    top : int, default 5
        Gap nodes matched (the first rows of ``priority``).
    per_node : int or None, default 5
        Options kept per node at most (None: every candidate).
    nodes : iterable of str, optional
        The gap nodes to match, in this order (node_ids of ``priority``), instead of its first
        ``top`` rows: :func:`gap_analysis` gives the nodes of the top ``top`` gap decisions
        (every node of a whole missing segment).

    Returns
    -------
    DataFrame
        One row per (gap node, candidate), by node then option. Columns:

        * ``node_rank`` (int, the node's rank in ``priority``), ``node_id``;
        * ``option`` (int, 1 = best match on the node);
        * ``firm_id``, ``name``, ``name_zh`` (the name when the table has none), ``region`` (None
          when the table has none), ``region_zh`` (the region's Chinese name; the region where none);
        * ``capability``: the candidate's on the node, in [min_capability, 1];
        * ``park_fit``: mean density over every node the candidate serves with capability ≥
          ``min_capability`` that the data relate to anything, in [0, 1]; NaN when none is
          (no evidence: no fit, not 0);
        * ``fit_nodes``: how many of its nodes that mean rests on (0 with ``park_fit`` NaN);
        * ``match``: capability × park_fit, in [0, 1]; NaN without a park fit (such candidates
          come after the scored ones of the node, by capability);
        * ``other_nodes``: tuple of the other nodes the candidate serves (capability ≥
          ``min_capability``), sorted; ``other_gaps``: how many of them are in ``priority``.

        A top node without candidates has no rows; ``attrs["without"]`` lists those nodes.

    See Also
    --------
    gap_priority : builds ``priority``.
    node_density : builds ``density``.
    gap_analysis : builds every input and this table at once (also ``ecolib.analyse(ws, month).gaps.matches``).

    Examples
    --------
    >>> import pandas as pd
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> p = gap_priority(gm.coverage, gm.feasibility, chain_nodes=ws.tables["chain_nodes"],
    ...                  chain_edges=ws.tables["chain_edges"])
    >>> p["node_id"].tolist()
    ['N.LI', 'N.CATH', 'N.PACK', 'N.CELL']
    >>> density = node_density(gm.coverage, gm.space.proximity)      # N.CELL 0.5, the others 1.0
    >>> cands = pd.DataFrame({"firm_id": ["C1", "C1", "C2", "C3"], "name": ["One", "One", "Two", "Three"],
    ...                       "node_id": ["N.PACK", "N.CELL", "N.PACK", "N.PACK"],
    ...                       "capability": [0.8, 0.6, 0.9, 0.2]})     # C3 is below 0.3
    >>> m = match_candidates(p, cands, density, top=4)
    >>> m[["node_rank", "node_id", "option", "firm_id", "capability", "park_fit", "match"]]
       node_rank node_id  option firm_id  capability  park_fit  match
    0          3  N.PACK       1      C2         0.9      1.00   0.90
    1          3  N.PACK       2      C1         0.8      0.75   0.60
    2          4  N.CELL       1      C1         0.6      0.75   0.45
    >>> m[["node_id", "firm_id", "other_nodes", "other_gaps"]]
      node_id firm_id other_nodes  other_gaps
    0  N.PACK      C2          ()           0
    1  N.PACK      C1   (N.CELL,)           1
    2  N.CELL      C1   (N.PACK,)           1
    >>> m.attrs["without"]
    ['N.LI', 'N.CATH']
    """
    cols = ["node_rank", "node_id", "option", "firm_id", "name", "name_zh", "region", "region_zh", "capability",
            "park_fit", "fit_nodes", "match", "other_nodes", "other_gaps"]
    if nodes is None:
        chosen = priority.head(int(top))
    else:
        wanted = list(dict.fromkeys(nodes))
        chosen = priority.set_index("node_id").reindex([n for n in wanted if n in set(priority["node_id"])]) \
            .reset_index()
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    if candidates is None or not len(candidates) or not len(chosen):
        empty.attrs["without"] = chosen["node_id"].tolist()
        return empty
    cand = candidates[candidates["capability"].to_numpy(float) >= min_capability].copy()
    cand["fit_node"] = cand["node_id"].map(density).to_numpy(float)      # NaN: no evidence for the node
    by_firm = cand.groupby("firm_id")["fit_node"]
    fit = pd.DataFrame({"park_fit": by_firm.mean(), "fit_nodes": by_firm.count()})   # mean of the known fits
    rank = chosen.set_index("node_id")["rank"]
    m = cand[cand["node_id"].isin(rank.index)].merge(fit, left_on="firm_id", right_index=True)
    if not len(m):
        empty.attrs["without"] = chosen["node_id"].tolist()
        return empty
    # the candidate's other nodes: pairs (own node, other node) of the same candidate
    pairs = m[["firm_id", "node_id"]].merge(cand[["firm_id", "node_id"]].rename(columns={"node_id": "other"}),
                                            on="firm_id")
    pairs = pairs[pairs["other"] != pairs["node_id"]].sort_values("other")
    pairs["gap"] = pairs["other"].isin(priority["node_id"]).astype(int)
    grouped = pairs.groupby(["firm_id", "node_id"])
    others = grouped["other"].agg(tuple).rename("other_nodes")
    m = m.merge(others, left_on=["firm_id", "node_id"], right_index=True, how="left") \
        .merge(grouped["gap"].sum().rename("other_gaps"), left_on=["firm_id", "node_id"], right_index=True, how="left")
    m["other_nodes"] = m["other_nodes"].where(m["other_nodes"].notna(), ())
    m["other_gaps"] = m["other_gaps"].fillna(0).astype(int)
    m["fit_nodes"] = m["fit_nodes"].fillna(0).astype(int)
    m["match"] = m["capability"].to_numpy(float) * m["park_fit"].to_numpy(float)   # NaN without a fit
    m["node_rank"] = m["node_id"].map(rank).astype(int)
    m["_at"] = m["node_id"].map({n: i for i, n in enumerate(chosen["node_id"])})
    m = m.sort_values(["_at", "match", "capability", "firm_id"], ascending=[True, False, False, True],
                      na_position="last")             # no match score: after the scored ones, by capability
    m["option"] = m.groupby("node_id").cumcount() + 1
    if per_node is not None:
        m = m[m["option"] <= int(per_node)]
    if "name_zh" not in m:
        m["name_zh"] = m["name"]
    if "region" not in m:
        m["region"] = None
    m["region_zh"] = m["region_zh"].fillna(m["region"]) if "region_zh" in m else m["region"]
    out = m[cols].reset_index(drop=True)
    out.attrs["without"] = [n for n in chosen["node_id"] if n not in set(out["node_id"])]
    return out


def node_density(cov: gmap.Coverage, proximity: pd.DataFrame) -> pd.Series:
    """Density of every technology node given the park's present nodes.

    ``ω_p = Σ_p' M_p' φ_p'p / Σ_p' φ_p'p`` with M_p' = 1 for the present nodes (status not
    ``missing``): the feasibility of :func:`ecolib.analyses.genemap.feasibility`, for present nodes
    too (the diagonal of φ is 0, so a present node's density counts the other present nodes).

    Parameters
    ----------
    cov : Coverage
        Node coverage of the month (:func:`ecolib.analyses.genemap.coverage`): which nodes are present.
    proximity : DataFrame
        Node × node proximity φ in [0, 1], e.g. ``NodeSpace.proximity``
        (:func:`ecolib.analyses.genemap.node_space`).

    Returns
    -------
    Series
        Named ``density``, indexed by node_id (every node of ``proximity``): a share in [0, 1];
        NaN for a node related to no node at all (no evidence, as
        :func:`ecolib.analyses.genemap.feasibility`).

    See Also
    --------
    ecolib.analyses.genemap.gene_map : builds ``cov`` (``gm.coverage``) and ``proximity`` (``gm.space.proximity``).
    match_candidates, exit_stress : use the density as the candidates' park fit.
    gap_analysis : builds it with the rest (also ``ecolib.analyse(ws, month).gaps.density``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> gm = gene_map(tiny().tables, "2026-03")
    >>> node_density(gm.coverage, gm.space.proximity).to_dict()   # N.CELL: close to N.CATH (present), N.PACK (not)
    {'N.LI': 1.0, 'N.CATH': 1.0, 'N.CELL': 0.5, 'N.PACK': 1.0}
    """
    return _density(cov, proximity)



# =========================================================================== local network


@dataclass
class LocalNetwork:
    """The local firm network of the window: flows between active local firms, per firm pair.

    Firms are numbered by their position in the firms table (``firm_ids``); every per-firm array
    has one entry per firm, local or not. Money in the workspace currency, summed over the window.

    Attributes
    ----------
    month : str
        The report month, ``YYYY-MM`` (who is active).
    months : list of str
        The window's months, oldest first.
    firm_ids : ndarray of str
        Every firm_id of the firms table; a firm's position is its index in the arrays below.
    active_local : ndarray of bool
        Per firm: local and active in ``month``.
    src, dst : ndarray of int
        Supplier and buyer positions of each (supplier, buyer) pair of two different active local
        firms with a non-zero window value, one entry per pair.
    value : ndarray of float
        The window value of each pair (currency, summed over the window).
    local_inbound, local_outbound : ndarray of float
        Per firm, the window value bought from / sold to active local firms (0 for a firm that is
        not active local).
    sales : ndarray of float
        Per firm, the window value sold to any other firm of the firms table (local or outside,
        active or not).

    See Also
    --------
    local_network : builds it.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> net = local_network(tiny().tables, "2026-03", window=3)
    >>> net.n, net.total, net.index("F3")
    (5, 42.0, 2)
    >>> net.matrix().toarray()
    array([[ 0., 22.,  0.,  0.,  0.],
           [ 0.,  0., 20.,  0.,  0.],
           [ 0.,  0.,  0.,  0.,  0.],
           [ 0.,  0.,  0.,  0.,  0.],
           [ 0.,  0.,  0.,  0.,  0.]])
    >>> net.sales.tolist()                     # F3 sold 5 to the outside firm X1, X1 sold 38 to F2 and F3
    [22.0, 20.0, 5.0, 0.0, 38.0]
    """
    month: str
    months: list[str]
    firm_ids: np.ndarray
    active_local: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    value: np.ndarray
    local_inbound: np.ndarray
    local_outbound: np.ndarray
    sales: np.ndarray

    @property
    def n(self) -> int:
        """The number of firms (of the firms table, local or not)."""
        return len(self.firm_ids)

    @property
    def total(self) -> float:
        """All local value of the window: Σ of ``value`` over the pairs (currency)."""
        return float(self.value.sum())

    def matrix(self) -> sp.csr_matrix:
        """The local flow matrix F as a sparse n × n matrix.

        Returns
        -------
        scipy.sparse.csr_matrix
            ``F[s, b]``: the window value (currency) supplier s sold to buyer b; rows and columns are
            positions in ``firm_ids``.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> net = local_network(tiny().tables, "2026-03", window=3)
        >>> F = net.matrix()
        >>> float(F[net.index("F1"), net.index("F2")]), float(F.sum())
        (22.0, 42.0)
        """
        return sp.csr_matrix((self.value, (self.src, self.dst)), shape=(self.n, self.n))

    @functools.cached_property
    def _text_ids(self) -> pd.api.extensions.ExtensionArray:
        """``firm_ids`` as a text array (pandas ``str``), for look-ups and result columns."""
        return pd.array(self.firm_ids, dtype="str")

    @functools.cached_property
    def _id_rank(self) -> np.ndarray:
        """Per firm, the rank of its firm_id in text order (a sort key)."""
        return frames.text_rank(self._text_ids)

    def _ids(self, pos: np.ndarray):
        """The firm_ids at positions ``pos`` as a result column: text (as an object array of them
        would become in a frame; an object array when there is none)."""
        return _text_column(self._text_ids.take(pos)) if len(pos) else self.firm_ids[pos]

    def _rows_in(self, info: pd.DataFrame) -> np.ndarray:
        """Per firm, its row in ``info`` (indexed by firm_id; -1 when absent): the first row of
        its firm_id, found without a look-up when ``info`` lists the firms in this order (as
        :func:`firm_info` does)."""
        ids = network._arrow(self._text_ids)
        if len(info) == len(ids):
            listed = network._arrow(info.index.astype(str)) if info.index.dtype != self._text_ids.dtype \
                else network._arrow(info.index)
            if len(ids) and not listed.null_count and pc.all(pc.equal(ids, listed)).as_py():
                return network.first_rows(ids)
        return network.codes(ids, info.index)

    def index(self, firm_id: str) -> int:
        """The position of a firm in ``firm_ids`` (and in every per-firm array).

        Parameters
        ----------
        firm_id : str
            A firm_id of the firms table.

        Returns
        -------
        int

        Raises
        ------
        ValueError
            When ``firm_id`` is not in the firms table.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> local_network(tiny().tables, "2026-03", window=3).index("X1")
        4
        """
        hit = np.flatnonzero(self.firm_ids == firm_id)
        if not len(hit):
            raise ValueError(f"{firm_id!r} is not a firm_id of the firms table")
        return int(hit[0])


def _text_column(values):
    """Text values as a frame column gets them from an object array: ``str`` when one at least
    is present, else the object array (all missing, or none)."""
    return values if len(values) and not values.isna().all() else pd.Series(values).to_numpy(object)


def _at_rows(column: pd.Series, rows: np.ndarray):
    """``ids.map(column).to_numpy(object)`` as a frame column gets it, where ``rows`` are the
    ids' rows in ``column`` (-1: absent): a text column's values stay text (no object round trip);
    a text column of a few distinct values (node names) is taken through its distinct values."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.na_value is np.nan:
        arr = network._arrow(column)
        if len(arr) > 4 * _SAMPLE and len(pc.unique(arr.slice(0, _SAMPLE))) < _SAMPLE // 8:
            unique = pc.unique(arr)
            if len(unique) * 8 < len(arr):                       # few distinct texts
                code = network.codes(arr, unique)
                pos = np.where(rows >= 0, code[np.maximum(rows, 0)], -1) if len(code) else rows
                taken = pd.array(unique, dtype=column.dtype).take(pos, allow_fill=True)
                return _text_column(taken)
        return _text_column(_take(column, rows))
    return pd.Series(_take(column, rows)).to_numpy(object)


#: :func:`_at_rows` looks at this many values first to guess whether a text column has few distinct values
_SAMPLE = 4096


def local_network(tables: Mapping[str, pd.DataFrame], month: str, *, window: int = 12, kind=None) -> LocalNetwork:
    """The local network of the ``window`` months ending at ``month``.

    Window flows between two different firms that are both local and active in ``month``,
    summed per (supplier, buyer) pair. Flows from or to a firm not in the firms table, flows of a
    firm to itself and non-finite values are left out; ``sales`` counts the flows to outside and
    inactive firms too.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables: firms (firm_id, local, status, exit_month) and flows (month, source,
        target, value, kind).
    month : str
        The report month, ``YYYY-MM``: the window's last month and who is active.
    window : int, default 12
        Months in the window (≥ 1; ``window`` of the settings).
    kind : str, list of str or None
        Flow kinds to keep, as in :func:`ecolib.analyses.valuestream.window_flows`; None: every kind.

    Returns
    -------
    LocalNetwork
        The pairs, their window values and the per-firm sums (currency, summed over the window).

    See Also
    --------
    LocalNetwork : the fields.
    ecolib.analyses.valuestream.window_flows : the flows of the window.
    single_supplier_nodes, dependent_buyers, exit_stress, exit_ranking : read the network.
    gap_analysis : builds it with the rest (also ``ecolib.analyse(ws, month).gaps.network``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> net = local_network(tables, "2026-03", window=3)
    >>> list(net.firm_ids), net.value.tolist()       # F1 → F2: 10 + 12; F2 → F3: 20
    (['F1', 'F2', 'F3', 'F4', 'X1'], [22.0, 20.0])
    >>> net.local_inbound.tolist()
    [0.0, 22.0, 20.0, 0.0, 0.0]
    >>> net.months
    ['2026-01', '2026-02', '2026-03']
    """
    return _local_network(tables["firms"], vs.flow_graph(tables, month, window=window, kind=kind), month)


def _local_network(firms: pd.DataFrame, base: vs.FlowGraph, month: str) -> LocalNetwork:
    """:func:`local_network` from the window's flow graph (coded once, shared with the
    security matrix's node flows by :func:`gap_analysis`)."""
    ids = firms["firm_id"].astype(str).to_numpy(object)
    n = len(ids)
    active_local = base.local & base.active
    s, d, v = base.between_firms()
    sales = np.bincount(s, weights=v, minlength=n)
    loc = active_local[s] & active_local[d]
    index = np.int32 if n < 2 ** 31 else np.int64                 # scipy's own index type: no copy of it
    F = sp.coo_matrix((v[loc], (s[loc].astype(index), d[loc].astype(index))), shape=(n, n)).tocsr()
    del s, d, v, loc
    F.sum_duplicates()
    F.eliminate_zeros()
    coo = F.tocoo()
    del F
    src, dst, val = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(float)
    return LocalNetwork(month, list(base.months), ids, active_local, src, dst, val,
                        np.bincount(dst, weights=val, minlength=n), np.bincount(src, weights=val, minlength=n),
                        sales)


# =========================================================================== single points of failure


def firm_info(tables: Mapping[str, pd.DataFrame], month: str) -> pd.DataFrame:
    """Firm details by firm_id: the firm profile of the month with the name of each firm's main node.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables: firms, firm_nodes, chain_nodes.
    month : str
        The report month, ``YYYY-MM`` (column ``active``).

    Returns
    -------
    DataFrame
        Indexed by firm_id, one row per firm of the firms table (local or not). Columns of
        :func:`ecolib.foundations.firms.firm_profile`: name, name_zh (the name where missing), zone,
        local (bool), anchor (bool), employees (people), output (currency per year), area (m²),
        patents (count), active (bool, in ``month``), node_id (the main node: the largest
        ``firm_nodes.share``), segment_id, stage; then node_name and node_name_zh (of the main node;
        '–' for a firm without a node) and zone_zh (the zone's Chinese name, the zone where none).

    See Also
    --------
    ecolib.foundations.firms.firm_profile : the profile.
    dependent_buyers, exit_stress, exit_ranking : take it as ``info``.
    gap_analysis : builds it with the rest (also ``ecolib.analyse(ws, month).gaps.info``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> info = firm_info(tiny().tables, "2026-03")
    >>> info[["name", "anchor", "active", "node_id", "node_name", "node_name_zh"]]
                         name  anchor  active node_id node_name node_name_zh
    firm_id
    F1             Lithium Co   False    True    N.LI   Lithium            锂
    F2             Cathode Co   False    True  N.CATH   Cathode           正极
    F3                Cell Co    True    True  N.CELL     Cells           电芯
    F4                Pack Co   False   False  N.PACK     Packs          电池包
    X1       Outside Supplier   False    True    N.LI   Lithium            锂
    """
    return _firm_info(tables, month)


def _firm_info(tables: Mapping[str, pd.DataFrame], month: str, firm_rows: np.ndarray | None = None) -> pd.DataFrame:
    """:func:`firm_info`; ``firm_rows``: each firm_nodes row's row in the firms table, when known."""
    nodes = tables["chain_nodes"].set_index("node_id")
    p = _profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], month, firm_rows).set_index("firm_id")
    zh = nodes["name_zh"].fillna(nodes["name"]) if "name_zh" in nodes else nodes["name"]
    node = network.codes(p["node_id"], nodes.index)                # each firm's main node, once
    p["node_name"] = pd.Series(_take(nodes["name"], node), index=p.index).fillna("–")
    p["node_name_zh"] = pd.Series(_take(zh, node), index=p.index).fillna("–")
    if "name_zh" not in p:
        p["name_zh"] = p["name"]
    p["name_zh"] = p["name_zh"].fillna(p["name"])
    if "zone" in p:
        firms = tables["firms"]                  # p: the firms' rows in order; a repeated firm_id: its first row's
        zone_zh = (_take(firms["zone_zh"], network.first_rows(firms["firm_id"])) if "zone_zh" in firms
                   else p["zone"].array)
        given = pd.Series(zone_zh, index=p.index)
        given = given.notna().to_numpy(bool) & (given.astype(str) != "").to_numpy(bool)
        p["zone_zh"] = _objects(pd.Series(zone_zh, index=p.index).where(given, p["zone"]))
    return p


def _objects(values: pd.Series) -> pd.Series:
    """``values.astype(object)`` (missing → NaN) with one Python object per distinct value,
    not per row: a zone column of a million firms holds a handful of zone names."""
    if not isinstance(values.dtype, pd.StringDtype) or len(values) < 1024:
        return values.astype(object)
    encoded = pc.dictionary_encode(network._arrow(values))
    words = np.append(encoded.dictionary.to_numpy(zero_copy_only=False).astype(object), np.nan)
    index = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return pd.Series(words[index], index=values.index, dtype=object)


def _take(values: pd.Series, pos: np.ndarray):
    """``values`` at positions ``pos`` (-1: missing), of its dtype (widened to hold a missing value)."""
    arr = values.array if isinstance(values.dtype, pd.api.extensions.ExtensionDtype) else values.to_numpy()
    return pd.api.extensions.take(arr, pos, allow_fill=True)


def single_supplier_nodes(cov: gmap.Coverage, net: LocalNetwork, firms: pd.DataFrame,
                          candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Technology nodes with exactly one qualifying local firm (gene-map status ``single``).

    Core nodes first, then by weight (importance), then node_id.

    Parameters
    ----------
    cov : Coverage
        Node coverage of the month (:func:`ecolib.analyses.genemap.coverage`).
    net : LocalNetwork
        The local network of the window (:func:`local_network`): the firm's local buyers and sales.
    firms : DataFrame
        The workspace's firms table (name, name_zh, anchor).
    candidates : DataFrame, optional
        The candidates table (firm_id, node_id, capability), counted per node.

    Returns
    -------
    DataFrame
        One row per single node. Columns: node_id, name, name_zh, segment_id, stage, core (bool),
        weight (``chain_nodes.weight``); firm_id (the one qualifying firm), capability (its
        capability on the node, in [min_capability, 1]), output (attributed to the node, currency
        per year), local_buyers (number of active local firms buying from that firm in the
        window), local_sales (its window sales to them, currency), firms_below (active local firms
        on the node below ``min_capability``), firms_exited (local firms on the node not active in
        the month), candidates (candidates with capability ≥ ``min_capability``); firm_name,
        firm_name_zh, anchor (bool).

    See Also
    --------
    ecolib.analyses.genemap.coverage : builds ``cov``.
    local_network : builds ``net``.
    gap_analysis : builds every input and this table at once (also ``ecolib.analyse(ws, month).gaps.single_nodes``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import coverage
    >>> t = tiny().tables
    >>> cov = coverage(t["chain_nodes"], t["firms"], t["firm_nodes"], month="2026-03")
    >>> net = local_network(t, "2026-03", window=3)
    >>> single_supplier_nodes(cov, net, t["firms"], t["candidates"])[
    ...     ["node_id", "weight", "firm_id", "output", "local_buyers", "local_sales", "candidates"]]
      node_id  weight firm_id  output  local_buyers  local_sales  candidates
    0    N.LI     2.0      F1   100.0             1         22.0           0
    1  N.CATH     1.0      F2   100.0             1         20.0           0
    """
    nodes = cov.nodes[cov.nodes["status"] == "single"]
    links = cov.links
    q = links[links["qualifies"].to_numpy(bool) & frames.isin(links["node_id"], nodes["node_id"])]
    one = nodes[["node_id"]].merge(q[["node_id", "firm_id", "capability"]], on="node_id", how="left")
    one = one.drop_duplicates("node_id").set_index("node_id")
    info = firms.set_index("firm_id")
    pos = network.codes(one["firm_id"].astype(str), net._text_ids)
    buyers = np.bincount(net.src, minlength=net.n)
    out = pd.DataFrame({
        "node_id": nodes["node_id"].to_numpy(object), "name": nodes["name"].to_numpy(object),
        "name_zh": nodes["name_zh"].to_numpy(object), "segment_id": nodes["segment_id"].to_numpy(object),
        "stage": nodes["stage"].to_numpy(object), "core": nodes["core"].to_numpy(bool),
        "weight": nodes["weight"].to_numpy(float),
        "firm_id": one["firm_id"].reindex(nodes["node_id"]).to_numpy(object),
        "capability": one["capability"].reindex(nodes["node_id"]).to_numpy(float),
        "output": nodes["output"].to_numpy(float),
        "local_buyers": np.where(pos >= 0, buyers[np.maximum(pos, 0)], 0).astype(int),
        "local_sales": np.where(pos >= 0, net.local_outbound[np.maximum(pos, 0)], 0.0),
        "firms_below": nodes["firms_below"].to_numpy(int), "firms_exited": nodes["firms_exited"].to_numpy(int),
        "candidates": gmap.candidate_counts(candidates, cov.min_capability).reindex(nodes["node_id"], fill_value=0)
        .to_numpy(int),
    })
    rows = network.codes(out["firm_id"], info.index)
    out["firm_name"] = pd.Series(_take(info["name"], rows)).to_numpy(object)
    zh = info["name_zh"].fillna(info["name"]) if "name_zh" in info else info["name"]
    out["firm_name_zh"] = pd.Series(_take(zh, rows)).to_numpy(object)
    out["anchor"] = pd.Series(_take(info["anchor"], rows)).fillna(False).to_numpy(bool)
    return out.sort_values(["core", "weight", "node_id"], ascending=[False, False, True], kind="stable") \
        .reset_index(drop=True)


def dependent_buyers(net: LocalNetwork, info: pd.DataFrame, *, threshold: float = DEPENDENCE) -> pd.DataFrame:
    """Every (buyer, supplier) pair where the buyer takes at least ``threshold`` of its local
    inbound from that one local supplier.

    ``F[s, b] ≥ threshold · local_inbound[b]``: the same comparison as the exit stress test
    (:func:`exit_stress`, :func:`exit_ranking`), so the buyers a supplier's exit hits are exactly
    its rows here. A buyer depending on two suppliers has two rows. Largest supply value first
    (then buyer, supplier).

    Parameters
    ----------
    net : LocalNetwork
        The local network of the window (:func:`local_network`).
    info : DataFrame
        Firm details indexed by firm_id (name, name_zh, node_id, node_name, node_name_zh), e.g.
        :func:`firm_info`; a column it lacks is None in the result.
    threshold : float, default 0.3
        The dependence share, in (0, 1] (``thresholds.dependence_share``).

    Returns
    -------
    DataFrame
        One row per dependent pair. Columns: buyer, supplier (firm_ids); value (window value from
        that supplier, currency), local_inbound (the buyer's window value from all active local
        suppliers, currency), share (value / local_inbound, in [threshold, 1]), suppliers (number
        of local suppliers of the buyer), depends_on (number of suppliers the buyer depends on,
        i.e. its rows here); then buyer_name, buyer_name_zh, buyer_node, buyer_node_name,
        buyer_node_name_zh and the same for the supplier (supplier_name, …). ``attrs["buyers"]``:
        the number of distinct buyers.

    Raises
    ------
    ValueError
        When ``threshold`` is not in (0, 1].

    See Also
    --------
    local_network : builds ``net``.
    firm_info : builds ``info``.
    gap_analysis : builds every input and this table at once (also ``ecolib.analyse(ws, month).gaps.dependent``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> t = tiny().tables
    >>> net, info = local_network(t, "2026-03", window=3), firm_info(t, "2026-03")
    >>> dependent_buyers(net, info)[["buyer", "supplier", "value", "local_inbound", "share", "suppliers"]]
      buyer supplier  value  local_inbound  share  suppliers
    0    F2       F1   22.0           22.0    1.0          1
    1    F3       F2   20.0           20.0    1.0          1
    """
    _check_threshold(threshold)
    s, d, v = net.src, net.dst, net.value
    dep = v >= threshold * net.local_inbound[d]                      # as exit_ranking's buyer_dep
    n_sup = np.bincount(d, minlength=net.n)
    n_dep = np.bincount(d[dep], minlength=net.n)
    s, d, v = s[dep], d[dep], v[dep]
    rank = net._id_rank
    pair = rank[d].astype(np.int64) * (int(rank.max(initial=0)) + 1) + rank[s]   # buyer, then supplier
    order = np.lexsort((pair, -v))                      # largest value first, then buyer, supplier
    s, d, v = s[order], d[order], v[order]
    inbound = net.local_inbound[d]
    out = pd.DataFrame({"buyer": net._ids(d), "supplier": net._ids(s),
                        "value": v.astype(float), "local_inbound": inbound,
                        "share": v.astype(float) / inbound,
                        "suppliers": n_sup[d].astype(int),
                        "depends_on": n_dep[d].astype(int)})
    rows = net._rows_in(info)
    for role, pos in (("buyer", d), ("supplier", s)):
        for col, src in (("name", "name"), ("name_zh", "name_zh"), ("node", "node_id"), ("node_name", "node_name"),
                         ("node_name_zh", "node_name_zh")):
            out[f"{role}_{col}"] = _at_rows(info[src], rows[pos]) if src in info else None
    out.attrs["buyers"] = int(len(frames.distinct(rank[d])))
    return out


def _link_positions(cov: gmap.Coverage, net: LocalNetwork, q: pd.DataFrame) -> np.ndarray:
    """The positions in ``net`` of the firms of the qualifying links ``q`` of ``cov``: known to the
    coverage when it was built on the same firms table, else looked up."""
    rows, ids = getattr(cov, "_link_rows", None), getattr(cov, "_firm_ids", None)
    if rows is not None and ids is not None and len(rows) == len(cov.links) and len(ids) == net.n:
        same = ids is not None and (not net.n or pc.all(pc.equal(network._arrow(ids), network._arrow(net._text_ids))).as_py())
        if same:
            return rows[cov.links["qualifies"].to_numpy(bool)]
    return network.codes(q["firm_id"].astype(str), net._text_ids)


def _check_threshold(threshold: float) -> None:
    if not 0 < float(threshold) <= 1:
        raise ValueError(f"threshold must be a share in (0, 1], got {threshold}")


# =========================================================================== exit stress test


@dataclass
class ExitStress:
    """What happens when one firm leaves (definitions in the module docstring).

    Money in the workspace currency, summed over the window of the local network.

    Attributes
    ----------
    firm_id : str
        The leaving firm.
    active_local : bool
        Whether it is local and active in the month (if not, it loses no local flow).
    threshold : float
        The dependence share in (0, 1] (``thresholds.dependence_share``).
    value_out, value_in : float
        Its window sales to / purchases from active local firms (currency).
    total : float
        The park's local trade of the window, the denominator of ``value_share`` (currency): the
        value-stream map's local value in :func:`gap_analysis` (the report's one figure), else
        :attr:`LocalNetwork.total`.
    affected : DataFrame
        Firms hit, largest ``share`` first (then firm_id): firm_id, name, name_zh, node_id,
        node_name, node_name_zh, role (``buyer``: loses ≥ threshold of its local supply;
        ``supplier``: loses ≥ threshold of all its sales; ``both``), supply_lost (value the firm
        bought from the leaver, currency), supply_share (of its local inbound, in [0, 1]),
        sales_lost (value it sold to the leaver, currency), sales_share (of all its sales, in
        [0, 1]), share (the larger of the two shares), lost (the value behind ``share``:
        supply_lost when the supply share is the larger or equal, else sales_lost).
    nodes : DataFrame
        The leaver's ``firm_nodes`` rows on technology nodes, those becoming missing first, then by
        capability: node_id, name, name_zh, capability, qualifies (bool), firms_before,
        firms_after (qualifying firms on the node), status_before, status_after, becomes_missing
        (bool).
    backup : DataFrame
        Per node of ``nodes``, up to ``per_node`` options: node_id, option (1 = first), kind
        (``local``: another active local firm on the node, any capability, qualifying ones first,
        then by capability; ``candidate``: after the local ones, qualifying ones first, then by
        match), firm_id, name, name_zh, capability, qualifies (capability ≥ ``min_capability``),
        where (zone of a local firm, region of a candidate), where_zh (its Chinese name), match (capability × park fit for a
        candidate, the capability when no density is given; NaN for a local firm).

    Properties: ``value_lost`` (value_out + value_in), ``value_share`` (value_lost / total, the
    share of the park's local trade; NaN when the park has no local trade), ``dependent_buyers``, ``dependent_suppliers`` (numbers of
    affected firms by role, ``both`` counted in each), ``nodes_lost`` (ids of the nodes becoming
    missing), ``headline`` (numbers for summary.json).

    See Also
    --------
    exit_stress : builds it.
    exit_ranking : the same numbers for every firm.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> ga = gap_analysis(ws.tables, ws.settings, "2026-03")
    >>> e = ga.stress("F2")                # F2 sells 20 to F3 and buys 22 from F1
    >>> e.value_out, e.value_in, e.value_lost, e.value_share
    (20.0, 22.0, 42.0, 1.0)
    >>> e.dependent_buyers, e.dependent_suppliers, e.nodes_lost
    (1, 1, ['N.CATH'])
    >>> e.headline["affected_ids"]
    ['F1', 'F3']
    """
    firm_id: str
    active_local: bool
    threshold: float
    value_out: float
    value_in: float
    total: float
    affected: pd.DataFrame
    nodes: pd.DataFrame
    backup: pd.DataFrame

    @property
    def value_lost(self) -> float:
        """The local flow lost: value_out + value_in (currency, summed over the window)."""
        return self.value_out + self.value_in

    @property
    def value_share(self) -> float:
        """The local flow lost as a share of the park's local trade (``total``), in [0, 1]; NaN
        when there is none."""
        return self.value_lost / self.total if self.total > 0 else float("nan")

    @property
    def dependent_buyers(self) -> int:
        """The number of affected firms losing ≥ threshold of their local supply (role buyer or both)."""
        return int(self.affected["role"].isin(["buyer", "both"]).sum())

    @property
    def dependent_suppliers(self) -> int:
        """The number of affected firms losing ≥ threshold of all their sales (role supplier or both)."""
        return int(self.affected["role"].isin(["supplier", "both"]).sum())

    @property
    def nodes_lost(self) -> list[str]:
        """The ids of the technology nodes that become missing, in the order of ``nodes``."""
        return self.nodes.loc[self.nodes["becomes_missing"], "node_id"].tolist()

    @property
    def headline(self) -> dict:
        """Numbers for summary.json: firm, value_lost, value_share (None when undefined), affected_firms,
        dependent_buyers, dependent_suppliers, affected_ids (the first 50), nodes_lost.
        """
        return {"firm": self.firm_id, "value_lost": self.value_lost, "value_share": _num(self.value_share),
                "affected_firms": int(len(self.affected)), "dependent_buyers": self.dependent_buyers,
                "dependent_suppliers": self.dependent_suppliers, "affected_ids": self.affected["firm_id"].tolist()[:50],
                "nodes_lost": self.nodes_lost}


def exit_stress(net: LocalNetwork, firm_id: str, *, cov: gmap.Coverage, firm_nodes: pd.DataFrame,
                info: pd.DataFrame, candidates: pd.DataFrame | None = None, density: pd.Series | None = None,
                threshold: float = DEPENDENCE, per_node: int = 5, total: float | None = None) -> ExitStress:
    """The exit stress test for one firm: who and which nodes are hit when it leaves.

    Definitions in the module docstring; the same comparisons as :func:`exit_ranking`, so the
    numbers agree with its row of the firm.

    Parameters
    ----------
    net : LocalNetwork
        The local network of the window (:func:`local_network`).
    firm_id : str
        The leaving firm (any firm of the firms table; a firm that is not active local loses no
        local flow).
    cov : Coverage
        Node coverage of the month (:func:`ecolib.analyses.genemap.coverage`): qualifying firms per
        node and the active local firms for the backup plan.
    firm_nodes : DataFrame
        The workspace's firm_nodes table (firm_id, node_id, capability): the leaver's nodes.
    info : DataFrame
        Firm details indexed by firm_id (name, name_zh, zone, node_id, node_name, node_name_zh),
        e.g. :func:`firm_info`.
    candidates : DataFrame, optional
        The candidates table (firm_id, name, name_zh, node_id, capability, region), for the backup plan.
    density : Series, optional
        :func:`node_density`, for the candidates' park fit in the backup plan; None: candidates
        ranked by capability.
    threshold : float, default 0.3
        The dependence share, in (0, 1] (``thresholds.dependence_share``).
    per_node : int, default 5
        Backup options per node at most.
    total : float, optional
        The park's local trade of the window (currency), the denominator of ``value_share``:
        :func:`gap_analysis` gives the value-stream map's local value; None:
        :attr:`LocalNetwork.total`.

    Returns
    -------
    ExitStress
        value_out, value_in, total (currency, summed over the window), affected, nodes, backup (the
        tables are described in :class:`ExitStress`).

    Raises
    ------
    ValueError
        When ``firm_id`` is not in the firms table, or ``threshold`` is not in (0, 1].

    See Also
    --------
    local_network : builds ``net``.
    ecolib.analyses.genemap.coverage : builds ``cov`` (also ``ecolib.analyses.genemap.gene_map(...).coverage``).
    firm_info : builds ``info``.
    node_density : builds ``density``.
    gap_analysis : builds all of them at once and stress-tests one firm
        (``ecolib.analyse(ws, month).gaps.exit``); :meth:`GapAnalysis.stress` tests another.
    exit_ranking : every firm at once.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> t = tiny().tables
    >>> gm = gene_map(t, "2026-03")
    >>> net, info = local_network(t, "2026-03", window=3), firm_info(t, "2026-03")
    >>> cands = pd.DataFrame({"firm_id": ["C1"], "name": ["One"], "node_id": ["N.CATH"],
    ...                       "capability": [0.7], "region": ["Anhui"]})
    >>> e = exit_stress(net, "F2", cov=gm.coverage, firm_nodes=t["firm_nodes"], info=info, candidates=cands,
    ...                 density=node_density(gm.coverage, gm.space.proximity))
    >>> e.affected[["firm_id", "role", "supply_share", "sales_share", "share", "lost"]]
      firm_id      role  supply_share  sales_share  share  lost
    0      F1  supplier           0.0          1.0    1.0  22.0
    1      F3     buyer           1.0          0.0    1.0  20.0
    >>> e.nodes[["node_id", "qualifies", "firms_before", "firms_after", "status_after", "becomes_missing"]]
      node_id  qualifies  firms_before  firms_after status_after  becomes_missing
    0  N.CATH       True             1            0      missing             True
    1  N.CELL       True             2            1       single            False
    >>> e.backup[["node_id", "option", "kind", "firm_id", "capability", "where", "match"]]
      node_id  option       kind firm_id  capability  where  match
    0  N.CATH       1  candidate      C1         0.7  Anhui    0.7
    1  N.CELL       1      local      F3         1.0  South    NaN
    """
    _check_threshold(threshold)
    f = net.index(str(firm_id))
    out_e = net.src == f
    in_e = net.dst == f
    buyers = pd.DataFrame({"g": net.dst[out_e], "supply_lost": net.value[out_e]})
    buyers["supply_share"] = buyers["supply_lost"] / net.local_inbound[buyers["g"].to_numpy()]
    sellers = pd.DataFrame({"g": net.src[in_e], "sales_lost": net.value[in_e]})
    with np.errstate(divide="ignore", invalid="ignore"):
        sellers["sales_share"] = sellers["sales_lost"] / net.sales[sellers["g"].to_numpy()]
    hit = buyers.merge(sellers, on="g", how="outer")
    for c in ("supply_lost", "supply_share", "sales_lost", "sales_share"):
        hit[c] = hit[c].fillna(0.0)
    # the same comparisons as exit_ranking (value ≥ threshold × base), so both agree exactly
    g = hit["g"].to_numpy(int)
    is_buyer = (hit["supply_lost"].to_numpy() > 0) & (hit["supply_lost"].to_numpy() >= threshold * net.local_inbound[g])
    is_seller = (hit["sales_lost"].to_numpy() > 0) & (hit["sales_lost"].to_numpy() >= threshold * net.sales[g])
    hit["role"] = np.select([is_buyer & is_seller, is_buyer, is_seller], ["both", "buyer", "supplier"], default="")
    hit = hit[hit["role"] != ""].copy()
    hit["share"] = np.maximum(hit["supply_share"], hit["sales_share"])
    hit["firm_id"] = net.firm_ids[hit["g"].to_numpy(int)]
    hit = hit.sort_values(["share", "firm_id"], ascending=[False, True])
    for col in ("name", "name_zh", "node_id", "node_name", "node_name_zh"):
        hit[col] = hit["firm_id"].map(info[col]).to_numpy(object) if col in info else None
    # the value behind ``share``: what the firm bought from the leaver when that share is the larger
    hit["lost"] = hit["supply_lost"].where(hit["supply_share"] >= hit["sales_share"], hit["sales_lost"])
    affected = hit[["firm_id", "name", "name_zh", "node_id", "node_name", "node_name_zh", "role", "supply_lost",
                    "supply_share", "sales_lost", "sales_share", "share", "lost"]].reset_index(drop=True)

    # nodes of the leaver, before and after
    leaf = cov.nodes.set_index("node_id")
    own = firm_nodes[(firm_nodes["firm_id"].astype(str) == str(firm_id))
                     & firm_nodes["node_id"].isin(leaf.index)][["node_id", "capability"]]
    q = cov.links[cov.links["qualifies"].to_numpy(bool) & (cov.links["firm_id"].astype(str) == str(firm_id))]
    nodes = own.assign(qualifies=own["node_id"].isin(q["node_id"]).to_numpy(bool))
    nodes["firms_before"] = nodes["node_id"].map(leaf["firms"]).fillna(0).astype(int).to_numpy()
    nodes["firms_after"] = nodes["firms_before"] - nodes["qualifies"].astype(int)
    nodes["status_before"] = gmap.node_status(nodes["firms_before"])
    nodes["status_after"] = gmap.node_status(nodes["firms_after"])
    nodes["becomes_missing"] = (nodes["firms_before"] > 0) & (nodes["firms_after"] == 0)
    nodes["name"] = nodes["node_id"].map(leaf["name"]).to_numpy(object)
    nodes["name_zh"] = nodes["node_id"].map(leaf["name_zh"]).to_numpy(object)
    nodes = nodes.sort_values(["becomes_missing", "capability", "node_id"], ascending=[False, False, True])
    nodes = nodes[["node_id", "name", "name_zh", "capability", "qualifies", "firms_before", "firms_after",
                   "status_before", "status_after", "becomes_missing"]].reset_index(drop=True)
    backup = _backup(nodes["node_id"], str(firm_id), cov, candidates, density, info, per_node)
    return ExitStress(str(firm_id), bool(net.active_local[f]), float(threshold), float(net.value[out_e].sum()),
                      float(net.value[in_e].sum()), net.total if total is None else float(total), affected, nodes,
                      backup)


def _backup(node_ids: pd.Series, leaver: str, cov: gmap.Coverage, candidates: pd.DataFrame | None,
            density: pd.Series | None, info: pd.DataFrame, per_node: int) -> pd.DataFrame:
    cols = ["node_id", "option", "kind", "firm_id", "name", "name_zh", "capability", "qualifies", "where", "where_zh",
            "match"]
    links = cov.links
    local = links[links["active"].to_numpy(bool) & links["node_id"].isin(node_ids)
                  & (links["firm_id"].astype(str) != leaver)]
    local = pd.DataFrame({"node_id": local["node_id"].to_numpy(object), "kind": "local",
                          "firm_id": local["firm_id"].astype(str).to_numpy(object),
                          "capability": local["capability"].to_numpy(float),
                          "qualifies": local["qualifies"].to_numpy(bool), "match": np.nan,
                          "_out": local["output"].to_numpy(float)})
    local["name"] = local["firm_id"].map(info["name"]).to_numpy(object)
    local["name_zh"] = local["firm_id"].map(info["name_zh"]).to_numpy(object)
    local["where"] = local["firm_id"].map(info["zone"]).to_numpy(object) if "zone" in info else None
    local["where_zh"] = local["firm_id"].map(info["zone_zh"]).to_numpy(object) if "zone_zh" in info else local["where"]
    local = local.sort_values(["node_id", "qualifies", "capability", "_out", "firm_id"],
                              ascending=[True, False, False, False, True])
    parts = [local]
    if candidates is not None and len(candidates):
        c = candidates[candidates["node_id"].isin(node_ids)]
        fit = 1.0
        if density is not None:
            allc = candidates[candidates["capability"].to_numpy(float) >= cov.min_capability]
            fit = c["firm_id"].map(allc.assign(d=allc["node_id"].map(density)).groupby("firm_id")["d"].mean()) \
                .to_numpy(float)                      # NaN: no evidence for its nodes, no match score
        cand = pd.DataFrame({"node_id": c["node_id"].to_numpy(object), "kind": "candidate",
                             "firm_id": c["firm_id"].astype(str).to_numpy(object),
                             "capability": c["capability"].to_numpy(float),
                             "qualifies": c["capability"].to_numpy(float) >= cov.min_capability,
                             "name": c["name"].to_numpy(object),
                             "name_zh": (c["name_zh"].fillna(c["name"]) if "name_zh" in c else c["name"]).to_numpy(object),
                             "where": c["region"].to_numpy(object) if "region" in c else None,
                             "where_zh": (c["region_zh"].fillna(c["region"]) if "region_zh" in c else c["region"])
                             .to_numpy(object) if "region" in c else None,
                             "_out": 0.0})
        cand["match"] = cand["capability"].to_numpy(float) * fit
        cand = cand.sort_values(["node_id", "qualifies", "match", "capability", "firm_id"],
                                ascending=[True, False, False, False, True], na_position="last")
        parts.append(cand)
    both = pd.concat(parts, ignore_index=True)
    if not len(both):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    both["_k"] = (both["kind"] == "candidate").astype(int)
    order = {n: i for i, n in enumerate(node_ids)}
    both["_n"] = both["node_id"].map(order)
    both = both.sort_values(["_n", "_k"], kind="stable")
    both["option"] = both.groupby("node_id").cumcount() + 1
    both = both[both["option"] <= int(per_node)]
    return both[cols].reset_index(drop=True)


def exit_ranking(net: LocalNetwork, cov: gmap.Coverage, *, info: pd.DataFrame | None = None,
                 threshold: float = DEPENDENCE, total: float | None = None) -> pd.DataFrame:
    """The exit stress test for every active local firm at once, ranked by systemic importance.

    Ranked by affected firms, then nodes made missing, then local flow lost (all largest first),
    then firm_id; definitions in the module docstring. Sparse-matrix operations over the local
    network, no loop over firms; each row equals :func:`exit_stress` of that firm.

    Parameters
    ----------
    net : LocalNetwork
        The local network of the window (:func:`local_network`).
    cov : Coverage
        Node coverage of the month (:func:`ecolib.analyses.genemap.coverage`).
    info : DataFrame, optional
        Firm details indexed by firm_id, e.g. :func:`firm_info`: adds name, name_zh, zone, anchor,
        node_id, node_name, node_name_zh (those it has).
    threshold : float, default 0.3
        The dependence share, in (0, 1] (``thresholds.dependence_share``).
    total : float, optional
        The park's local trade of the window (currency), the denominator of ``value_share``, as
        in :func:`exit_stress`; None: :attr:`LocalNetwork.total`.

    Returns
    -------
    DataFrame
        One row per active local firm. Columns: rank (int, 1 = most systemic), firm_id, value_out,
        value_in (window sales to / purchases from active local firms, currency), value_lost (their
        sum, currency), value_share (value_lost / the park's local trade ``total``, in [0, 1]; NaN
        when there is none), dependent_buyers, dependent_suppliers, affected_firms (numbers of firms, a firm both
        ways counted once in affected_firms), nodes_lost (number of nodes becoming missing),
        nodes_lost_weight (the sum of their ``chain_nodes.weight``), nodes_weakened (nodes going
        from 2 qualifying firms to 1), lost_nodes (ids of the nodes lost, sorted, joined by '; ');
        then the ``info`` columns when given.

    Raises
    ------
    ValueError
        When ``threshold`` is not in (0, 1].

    See Also
    --------
    local_network : builds ``net``.
    ecolib.analyses.genemap.coverage : builds ``cov``.
    firm_info : builds ``info``.
    gap_analysis : builds all of them and this table at once (also ``ecolib.analyse(ws, month).gaps.ranking``).
    exit_stress : the details for one firm.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import coverage
    >>> t = tiny().tables
    >>> cov = coverage(t["chain_nodes"], t["firms"], t["firm_nodes"], month="2026-03")
    >>> net = local_network(t, "2026-03", window=3)
    >>> r = exit_ranking(net, cov, info=firm_info(t, "2026-03"))
    >>> r[["rank", "firm_id", "anchor", "value_out", "value_in", "value_lost", "value_share"]].round(3)
       rank firm_id  anchor  value_out  value_in  value_lost  value_share
    0     1      F2   False       20.0      22.0        42.0        1.000
    1     2      F1   False       22.0       0.0        22.0        0.524
    2     3      F3    True        0.0      20.0        20.0        0.476
    >>> r[["firm_id", "dependent_buyers", "dependent_suppliers", "affected_firms"]]
      firm_id  dependent_buyers  dependent_suppliers  affected_firms
    0      F2                 1                    1               2
    1      F1                 1                    0               1
    2      F3                 0                    1               1
    >>> r[["firm_id", "nodes_lost", "nodes_lost_weight", "nodes_weakened", "lost_nodes"]]
      firm_id  nodes_lost  nodes_lost_weight  nodes_weakened lost_nodes
    0      F2           1                1.0               1     N.CATH
    1      F1           1                2.0               0       N.LI
    2      F3           0                0.0               1
    """
    _check_threshold(threshold)
    n = net.n
    s, d, v = net.src, net.dst, net.value
    buyer_dep = v >= threshold * net.local_inbound[d]               # d depends on s as a buyer
    seller_dep = (v > 0) & (v >= threshold * net.sales[s])          # s depends on d as a customer
    # affected firms of f: g with (f → g buyer-dependent) or (g → f supplier-dependent), once each
    A = sp.csr_matrix((np.ones(int(buyer_dep.sum())), (s[buyer_dep], d[buyer_dep])), shape=(n, n))
    B = sp.csr_matrix((np.ones(int(seller_dep.sum())), (d[seller_dep], s[seller_dep])), shape=(n, n))
    U = (A + B)
    U.sum_duplicates()
    affected = np.diff(U.indptr)
    # nodes: qualifying links on nodes with 1 (lost) or 2 (weakened) firms
    q = cov.links[cov.links["qualifies"].to_numpy(bool)]
    node = network.codes(q["node_id"], cov.nodes["node_id"])
    nfirms = np.where(node >= 0, cov.nodes["firms"].to_numpy()[node], 0).astype(int)
    weight = np.where(node >= 0, cov.nodes["weight"].to_numpy(float)[node], 0.0)
    pos = _link_positions(cov, net, q)
    lost, weak = (nfirms == 1) & (pos >= 0), (nfirms == 2) & (pos >= 0)
    nodes_lost = np.bincount(pos[lost], minlength=n)
    lost_w = np.bincount(pos[lost], weights=weight[lost], minlength=n)
    weakened = np.bincount(pos[weak], minlength=n)
    # ids of the lost nodes per firm: one group per firm holding a single-firm node (≤ nodes)
    lost_ids = (pd.Series(q["node_id"].iloc[np.flatnonzero(lost)].to_numpy(object), index=pos[lost], dtype=object)
                .sort_values().groupby(level=0).agg("; ".join).astype(object))
    lost_at = np.zeros(n, np.int64)                      # per firm: 1 + its row of lost_ids, 0 for none
    lost_at[lost_ids.index.to_numpy(np.int64)] = np.arange(1, len(lost_ids) + 1)
    keep = np.flatnonzero(net.active_local)
    # most affected firms first, then nodes lost, value lost (largest first), then firm_id; the
    # columns are taken in that order at once
    value_lost = net.local_outbound[keep] + net.local_inbound[keep]
    order = np.lexsort((net._id_rank[keep], -value_lost, -nodes_lost[keep], -affected[keep]))
    sel = keep[order]
    out = pd.DataFrame({
        "firm_id": net._ids(sel),
        "value_out": net.local_outbound[sel], "value_in": net.local_inbound[sel],
    })
    out["value_lost"] = out["value_out"] + out["value_in"]
    total = net.total if total is None else float(total)
    out["value_share"] = out["value_lost"] / total if total > 0 else np.nan
    out["dependent_buyers"] = np.bincount(s[buyer_dep], minlength=n)[sel]
    out["dependent_suppliers"] = np.bincount(d[seller_dep], minlength=n)[sel]
    out["affected_firms"] = affected[sel]
    out["nodes_lost"] = nodes_lost[sel]
    out["nodes_lost_weight"] = lost_w[sel]
    out["nodes_weakened"] = weakened[sel]
    joined = pd.array(["", *lost_ids.astype(str)], dtype="str")
    out["lost_nodes"] = _text_column(joined.take(lost_at[sel]))
    if info is not None:
        rows = net._rows_in(info)[sel]
        for col in ("name", "name_zh", "zone", "anchor", "node_id", "node_name", "node_name_zh"):
            if col in info:
                out[col] = _at_rows(info[col], rows)
        if "anchor" in out:
            out["anchor"] = out["anchor"].fillna(False).astype(bool)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


# =========================================================================== security matrix


def security_matrix(sf: vs.SegmentFlows, cov: gmap.Coverage, *, candidates: pd.DataFrame | None = None,
                    full_at: int = FULL_AT, x_mid: float = 0.5, y_mid: float = 0.5) -> pd.DataFrame:
    """Industrial security per technology node: external dependence (x), substitutability (y), quadrant.

    Definitions in the module docstring: x = the share of what local firms bought from suppliers
    on the node that came from outside the park; y = min(alternatives, ``full_at``) / ``full_at``.
    Sorted by quadrant (:data:`QUADRANTS`, most worrying first; '' last), then dependence (highest
    first), then weight.

    Parameters
    ----------
    sf : SegmentFlows
        Node-level segment flows of the window: :func:`ecolib.analyses.valuestream.segment_flows`
        with ``level="node"``.
    cov : Coverage
        Node coverage of the month (:func:`ecolib.analyses.genemap.coverage`).
    candidates : DataFrame, optional
        The candidates table (firm_id, node_id, capability): alternatives outside the park.
    full_at : int, default 5
        Alternatives at which substitutability is 1 (≥ 1).
    x_mid, y_mid : float, default 0.5
        The quadrant boundaries on x and y (x ≥ x_mid: dependent; y ≥ y_mid: substitutable).

    Returns
    -------
    DataFrame
        One row per technology node. Columns: node_id, name, name_zh, segment_id, stage, status,
        core (bool), weight; local_bought (window value local firms bought from local suppliers on
        the node, currency), outside_bought (from outside suppliers on it, currency), dependence
        (x, a share in [0, 1]; 1 for a missing node nobody bought from; NaN when undefined),
        local_firms (qualifying local firms), candidates (candidates with capability ≥
        ``min_capability``), alternatives (their sum), substitutability (y, in [0, 1]), quadrant
        (``critical``, ``fragile``, ``watch``, ``secure``; '' when x is undefined).

    Raises
    ------
    ValueError
        When ``full_at`` < 1.

    See Also
    --------
    ecolib.analyses.valuestream.segment_flows : builds ``sf`` (``level="node"``).
    ecolib.analyses.genemap.coverage : builds ``cov``.
    gap_analysis : builds both and this table at once (also ``ecolib.analyse(ws, month).gaps.security``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import coverage
    >>> from ecolib.analyses.valuestream import segment_flows
    >>> t = tiny().tables
    >>> cov = coverage(t["chain_nodes"], t["firms"], t["firm_nodes"], month="2026-03")
    >>> sf = segment_flows(t, "2026-03", window=3, level="node")
    >>> s = security_matrix(sf, cov, candidates=t["candidates"])
    >>> s[["node_id", "status", "local_bought", "outside_bought", "dependence"]].round(3)   # N.LI: 38 of 60 from X1
      node_id   status  local_bought  outside_bought  dependence
    0  N.PACK  missing           0.0             0.0       1.000
    1    N.LI   single          22.0            38.0       0.633
    2  N.CATH   single          10.0             0.0       0.000
    3  N.CELL     thin          10.0             0.0       0.000
    >>> s[["node_id", "local_firms", "candidates", "substitutability", "quadrant"]]
      node_id  local_firms  candidates  substitutability  quadrant
    0  N.PACK            0           0               0.0  critical
    1    N.LI            1           0               0.2  critical
    2  N.CATH            1           0               0.2   fragile
    3  N.CELL            2           0               0.4   fragile
    """
    if int(full_at) < 1:
        raise ValueError(f"full_at must be ≥ 1, got {full_at}")
    nodes = cov.nodes
    ids = nodes["node_id"]
    local_b = sf.local.sum(axis=1).reindex(ids, fill_value=0.0).to_numpy(float)
    outside_b = sf.from_external.sum(axis=1).reindex(ids, fill_value=0.0).to_numpy(float)
    bought = local_b + outside_b
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(bought > 0, outside_b / bought, np.nan)
    x = np.where((bought <= 0) & (nodes["status"].to_numpy(object) == "missing"), 1.0, x)
    n_cand = gmap.candidate_counts(candidates, cov.min_capability).reindex(ids, fill_value=0).to_numpy(int)
    n_alt = nodes["firms"].to_numpy(int) + n_cand
    y = np.minimum(n_alt, int(full_at)) / float(full_at)
    high_x, high_y = x >= x_mid, y >= y_mid
    quad = np.select([high_x & ~high_y, ~high_x & ~high_y, high_x & high_y, ~high_x & high_y],
                     ["critical", "fragile", "watch", "secure"], default="").astype(object)
    quad = np.where(np.isnan(x), "", quad)
    out = pd.DataFrame({
        "node_id": ids.to_numpy(object), "name": nodes["name"].to_numpy(object),
        "name_zh": nodes["name_zh"].to_numpy(object), "segment_id": nodes["segment_id"].to_numpy(object),
        "stage": nodes["stage"].to_numpy(object), "status": nodes["status"].to_numpy(object),
        "core": nodes["core"].to_numpy(bool), "weight": nodes["weight"].to_numpy(float),
        "local_bought": local_b, "outside_bought": outside_b, "dependence": x,
        "local_firms": nodes["firms"].to_numpy(int), "candidates": n_cand, "alternatives": n_alt,
        "substitutability": y, "quadrant": quad,
    })
    rank = {q: i for i, q in enumerate(QUADRANTS)}
    out["_q"] = out["quadrant"].map(rank).fillna(len(rank))
    out = out.sort_values(["_q", "dependence", "weight"], ascending=[True, False, False], kind="stable")
    return out.drop(columns="_q").reset_index(drop=True)


# =========================================================================== everything at once


@dataclass
class GapAnalysis:
    """Everything the gap-analysis notebook shows for one month (built by :func:`gap_analysis`).

    Money in the workspace currency, flows summed over the settings' window.

    Attributes
    ----------
    month : str
        The report month, ``YYYY-MM``.
    threshold : float
        The dependence share in (0, 1] (``thresholds.dependence_share``).
    health : Health
        The health diagnosis (:func:`ecolib.analyses.health.health_workspace`).
    gene_map : GeneMap
        Coverage, node space and feasibility (:func:`ecolib.analyses.genemap.gene_map`).
    density : Series
        Density of every technology node given the park's present nodes, in [0, 1] (:func:`node_density`).
    priority : DataFrame
        :func:`gap_priority`: every gap node, node by node.
    decisions : DataFrame
        :func:`gap_decisions`: the gaps as decisions (a wholly missing segment with local demand
        as one), ranked, ties labelled; ``decisions.iloc[0]`` is the month's top gap. Columns:
        rank, decision_id, kind (``node``/``segment``), node_id (the segment's id for a segment),
        name, name_zh, segment_id, segment_name, segment_name_zh, stage, status, core, nodes
        (tuple of node ids), node_names, node_names_zh, n_nodes, lead_node, firms, candidates
        (:func:`ecolib.analyses.genemap.candidate_counts`; distinct firms for a segment),
        demand_value, the four components and their parts, score, reason, reasons (the tied
        largest components), related, tied (bool, equal at two decimals to a neighbour),
        tie_break (the step that put it ahead of the next tied decision: nodes, score, …, id).
    matches : DataFrame
        :func:`match_candidates` for the nodes of the ``top`` gap decisions (every node of a
        whole missing segment), ``per_node`` options each: what the page lists.
    all_matches : DataFrame
        :func:`match_candidates` for every gap node and every candidate on record (no cap per
        node), the nodes of ``matches`` first, then the other gap nodes in priority order: the
        spreadsheet's list.
    network : LocalNetwork
        The local firm network of the window (:func:`local_network`).
    info : DataFrame
        The firms' details by firm_id (:func:`firm_info`).
    single_nodes, dependent, ranking, security : DataFrame
        :func:`single_supplier_nodes`, :func:`dependent_buyers`, :func:`exit_ranking`,
        :func:`security_matrix`.
    exit : ExitStress or None
        The stress test of the page's firm (None: no active local firm); its ``value_share`` is
        of ``local_trade``.
    tables : mapping of str to DataFrame
        The workspace tables it was built from.
    top : int
        The number of top gap decisions whose nodes are matched with candidates (``top`` of
        :func:`gap_analysis`).
    local_trade : float
        The park's local trade of the window (currency): the value-stream map's local → local
        value, the one figure of the report; the denominator of every exit share (``exit``,
        ``ranking.value_share``, :meth:`stress`).

    See Also
    --------
    gap_analysis : builds it (also ``ecolib.analyse(ws, month).gaps``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> ga = gap_analysis(ws.tables, ws.settings, "2026-03")
    >>> ga.month, ga.threshold, ga.top, ga.exit.firm_id
    ('2026-03', 0.3, 5, 'F3')
    >>> ga.headline["security"], ga.headline["systemic_top"]
    ({'critical': 2, 'fragile': 2, 'watch': 0, 'secure': 0}, ['F2', 'F1', 'F3'])
    """
    month: str
    threshold: float
    health: Health
    gene_map: gmap.GeneMap
    density: pd.Series
    priority: pd.DataFrame
    matches: pd.DataFrame
    network: LocalNetwork
    info: pd.DataFrame
    single_nodes: pd.DataFrame
    dependent: pd.DataFrame
    ranking: pd.DataFrame
    exit: ExitStress | None
    security: pd.DataFrame
    tables: Mapping[str, pd.DataFrame] = field(repr=False, default_factory=dict)
    #: the number of top gap decisions matched with candidates (``top`` of :func:`gap_analysis`)
    top: int = 5
    #: :func:`gap_decisions`: the gaps as decisions, ranked (the month's top gap first)
    decisions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DECISION_COLUMNS))
    #: the park's local trade of the window (currency), the denominator of the exit shares
    local_trade: float = float("nan")
    #: :func:`match_candidates` for every gap node, every candidate (``matches``' nodes first)
    all_matches: pd.DataFrame = field(default_factory=pd.DataFrame)

    def stress(self, firm_id: str, *, per_node: int = 5) -> ExitStress:
        """The exit stress test of another firm, on the same month, network and settings.

        Parameters
        ----------
        firm_id : str
            The leaving firm (a firm_id of the firms table).
        per_node : int, default 5
            Backup options per node at most.

        Returns
        -------
        ExitStress
            As :func:`exit_stress`, with this analysis' network, coverage, info, candidates, density
            and threshold.

        See Also
        --------
        exit_stress : the computation.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> ws = tiny()
        >>> ga = gap_analysis(ws.tables, ws.settings, "2026-03")
        >>> e = ga.stress("F1")                # the only lithium firm
        >>> e.nodes_lost, e.affected["firm_id"].tolist(), e.value_lost
        (['N.LI'], ['F2'], 22.0)
        """
        return exit_stress(self.network, firm_id, cov=self.gene_map.coverage, firm_nodes=self.tables["firm_nodes"],
                           info=self.info, candidates=self.tables.get("candidates"), density=self.density,
                           threshold=self.threshold, per_node=per_node, total=self._total())

    def _total(self) -> float | None:
        return None if math.isnan(self.local_trade) else self.local_trade

    @property
    def not_evaluated(self) -> dict[str, str]:
        """What this analysis could not evaluate, with the data that would enable it.

        Keys: ``demand`` (the gap priority's demand pull; ``output`` or ``chain_edges``, see
        :func:`unavailable_components`) and, without any flow, ``trade`` (the stress test's trade
        lost and dependent firms, the dependent buyers), ``ranking`` (systemic importance) and
        ``security`` (external dependence), each ``flows``. Empty when everything was evaluated.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> ws = tiny()
        >>> gap_analysis(ws.tables, ws.settings, "2026-03").not_evaluated
        {}
        >>> t = dict(ws.tables, flows=ws.tables["flows"].iloc[:0])       # as loaded without flows
        >>> gap_analysis(t, ws.settings, "2026-03").not_evaluated
        {'trade': 'flows', 'ranking': 'flows', 'security': 'flows'}
        """
        out = dict(self.priority.attrs.get("not_evaluated", {}))
        flows = self.tables.get("flows")
        if flows is None or not len(flows):
            out.update(trade="flows", ranking="flows", security="flows")
        return out

    def reprioritise(self, weights: Mapping[str, Any]) -> pd.DataFrame:
        """:func:`gap_priority` again with other weights (nothing else recomputed).

        Parameters
        ----------
        weights : mapping of str to number or str
            Gap-priority weights (see :func:`priority_weights`; keys left out keep their default).

        Returns
        -------
        DataFrame
            The columns of :func:`gap_priority`.

        See Also
        --------
        gap_priority : the computation.
        priority_weights : how the weights are read.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> ws = tiny()
        >>> ga = gap_analysis(ws.tables, ws.settings, "2026-03")
        >>> ga.reprioritise({"importance": 0, "demand": 0, "feasibility": 0, "fragility": 1})["node_id"].tolist()
        ['N.PACK', 'N.LI', 'N.CATH', 'N.CELL']
        """
        return gap_priority(self.gene_map.coverage, self.gene_map.feasibility,
                            chain_nodes=self.tables["chain_nodes"], chain_edges=self.tables.get("chain_edges"),
                            candidates=self.tables.get("candidates"), weights=weights,
                            unavailable=self.priority.attrs.get("not_evaluated"))

    def redecide(self, weights: Mapping[str, Any]) -> pd.DataFrame:
        """:func:`gap_decisions` of :meth:`reprioritise` (the decisions with other weights).

        Parameters
        ----------
        weights : mapping of str to number or str
            Gap-priority weights (see :func:`priority_weights`).

        Returns
        -------
        DataFrame
            The columns of :func:`gap_decisions`.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> ws = tiny()
        >>> ga = gap_analysis(ws.tables, ws.settings, "2026-03")
        >>> d = ga.redecide({"importance": 0, "demand": 0, "feasibility": 0, "fragility": 1})
        >>> d[["decision_id", "score", "tied"]]            # N.LI and N.CATH tie at 0.60
          decision_id  score   tied
        0      N.PACK    1.0  False
        1        N.LI    0.6   True
        2      N.CATH    0.6   True
        3      N.CELL    0.3  False
        >>> d["tie_break"].tolist()                         # N.LI first: the more important node
        ['', 'importance', '', '']
        """
        return gap_decisions(self.reprioritise(weights), self.gene_map.coverage, self.tables.get("candidates"))

    @property
    def headline(self) -> dict:
        """Numbers for summary.json: the month, the health headline, gap_nodes, top_gaps and
        top_gap_scores (the first 10 nodes), decisions (the number of decisions), top_decisions
        and top_decision_scores (the first 10), ties (decision ids tied at two decimals with a
        neighbour, among the first 10), priority_weights, matched_candidates (distinct candidates
        matched), single_supplier_nodes, dependent_buyers (distinct buyers), dependent_pairs
        (buyer–supplier pairs), dependence_threshold, local_trade (the exit shares' denominator),
        systemic_top (the first 5 firms of the ranking), exit (:attr:`ExitStress.headline` or None),
        security (nodes per quadrant), critical_nodes.
        """
        p, d = self.priority, self.decisions.head(10)
        q = self.security["quadrant"].value_counts()
        top = self.ranking.head(5)
        return {
            "month": self.month,
            **self.health.headline,
            "gap_nodes": int(len(p)),
            "top_gaps": p["node_id"].head(10).tolist(),
            "top_gap_scores": [round(float(v), 6) for v in p["score"].head(10)],
            "decisions": int(len(self.decisions)),
            "top_decisions": d["decision_id"].tolist(),
            "top_decision_scores": [round(float(v), 6) for v in d["score"]],
            "ties": d.loc[d["tied"].astype(bool), "decision_id"].tolist() if len(d) else [],
            "priority_weights": p.attrs.get("weights", {}),
            "matched_candidates": int(self.matches["firm_id"].nunique()) if len(self.matches) else 0,
            "single_supplier_nodes": self.single_nodes["node_id"].tolist(),
            "dependent_buyers": int(self.dependent["buyer"].nunique()) if len(self.dependent) else 0,
            "dependent_pairs": int(len(self.dependent)),
            "dependence_threshold": self.threshold,
            "local_trade": _num(self.local_trade),
            "systemic_top": top["firm_id"].tolist(),
            "exit": self.exit.headline if self.exit is not None else None,
            "security": {k: int(q.get(k, 0)) for k in QUADRANTS},
            "critical_nodes": self.security.loc[self.security["quadrant"] == "critical", "node_id"].tolist(),
        }


def default_exit_firm(ranking: pd.DataFrame) -> str | None:
    """The firm the notebook stress-tests by default.

    The anchor firm with the highest systemic importance, else the top firm of the ranking.

    Parameters
    ----------
    ranking : DataFrame
        :func:`exit_ranking` (firm_id, and anchor when it was given ``info``).

    Returns
    -------
    str or None
        A firm_id; None for a ranking without rows (a park without active local firms).

    See Also
    --------
    exit_ranking : builds ``ranking``.
    gap_analysis : stress-tests this firm unless told another.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> r = gap_analysis(ws.tables, ws.settings, "2026-03").ranking
    >>> r["firm_id"].tolist(), r["anchor"].tolist()
    (['F2', 'F1', 'F3'], [False, False, True])
    >>> default_exit_firm(r)                 # F3 is the anchor, though F2 ranks first
    'F3'
    >>> default_exit_firm(r.drop(columns="anchor")), default_exit_firm(r.iloc[:0])
    ('F2', None)
    """
    if not len(ranking):
        return None
    anchors = ranking[ranking["anchor"]] if "anchor" in ranking else ranking.iloc[:0]
    return str((anchors if len(anchors) else ranking)["firm_id"].iloc[0])


def _node_flows(tables: Mapping[str, pd.DataFrame], month: str, window: int,
                value_stream: vs.ValueStream | None, base: vs.FlowGraph | None = None,
                firm_rows: np.ndarray | None = None) -> vs.SegmentFlows:
    """The node-level segment flows of the security matrix: those of ``value_stream`` when it
    was computed on the same window, every flow kind and the node level; else computed here
    (from ``base``, the window's flow graph of every kind, when given)."""
    if value_stream is not None:
        sf = value_stream.flows
        if (str(sf.level) == "node" and sf.kind is None and sf.month == month
                and list(sf.months) == mo.window(month, int(window))):
            return sf
    if base is None:
        return vs.segment_flows(tables, month, window=window, level="node")
    return vs._segment_flows(tables, base, month, None, "node", firm_rows)


def _local_trade(sf: vs.SegmentFlows, value_stream: vs.ValueStream | None) -> float:
    """The park's local trade of the window: the value-stream map's figure when it covers the same
    window and every flow kind, else the local value of the node-level flows (value is conserved
    across levels, so it is the same sum)."""
    if value_stream is not None and value_stream.kind is None and list(value_stream.flows.months) == list(sf.months):
        return float(value_stream.totals["local_value"])
    return float(vs.sourcing_totals(sf)["local_value"])


def gap_analysis(tables: Mapping[str, pd.DataFrame], settings: Settings | Mapping[str, Any], month: str, *,
                 exit_firm: str | None = None, top: int = 5, per_node: int = 5,
                 gene_map: gmap.GeneMap | None = None, value_stream: vs.ValueStream | None = None,
                 health: Health | None = None) -> GapAnalysis:
    """The whole gap analysis of ``month`` with the workspace's settings.

    Builds the gene map (unless given), the node density, the gap priority and the gap decisions,
    the candidate matches, the local network, the firm details, the single points of failure, the
    dependent buyers, the exit ranking, the security matrix and the exit stress test of one firm;
    exit shares are of the park's local trade as the value-stream map counts it.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables (firms, firm_nodes, chain_nodes, chain_edges, flows, candidates,
        kpis, benchmarks).
    settings : Settings or mapping
        The workspace settings: window, min_capability, priority_weights, dimensions,
        thresholds.dependence_share.
    month : str
        The report month, ``YYYY-MM``.
    exit_firm : str, optional
        The firm to stress-test (default :func:`default_exit_firm`).
    top : int, default 5
        Gap decisions whose nodes are matched with candidates (the first rows of the decisions).
    per_node : int, default 5
        Options per node, in the matches and in the backup plan.
    gene_map : GeneMap, optional
        The month's gene map (:func:`ecolib.analyses.genemap.gene_map` with the workspace's
        ``min_capability``), reused instead of computed again.
    value_stream : ValueStream, optional
        The month's value-stream map; its segment flows are reused for the security matrix
        when they are at node level on the same window and every flow kind (the value-stream
        page maps segments, so they are computed here at node level otherwise).
    health : Health, optional
        The month's health diagnosis (:func:`ecolib.analyses.health.health_workspace`), reused.

    Returns
    -------
    GapAnalysis
        health, gene_map, density, priority, decisions, matches, all_matches, network, info,
        single_nodes, dependent, ranking, exit, security, local_trade (tables described in :func:`gap_priority`,
        :func:`gap_decisions`,
        :func:`match_candidates`, :func:`single_supplier_nodes`, :func:`dependent_buyers`,
        :func:`exit_ranking`, :class:`ExitStress`, :func:`security_matrix`); money in the
        workspace currency summed over the window.

    See Also
    --------
    ecolib.analyses.month.MonthModel.gaps : the same, on the month model's shared parts
        (``ecolib.analyse(ws, month).gaps``).
    ecolib.analyses.genemap.gene_map, node_density, gap_priority, match_candidates : parts it builds.
    local_network, firm_info, single_supplier_nodes, dependent_buyers : parts it builds.
    exit_ranking, exit_stress, security_matrix : parts it builds.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> ga = gap_analysis(ws.tables, ws.settings, "2026-03")
    >>> ga.priority[["node_id", "status", "score"]].round(3)
      node_id   status  score
    0    N.LI   single  0.868
    1  N.CATH   single  0.770
    2  N.PACK  missing  0.550
    3  N.CELL     thin  0.310
    >>> ga.exit.firm_id, ga.exit.affected[["firm_id", "role", "share"]].to_dict("records")
    ('F3', [{'firm_id': 'F2', 'role': 'supplier', 'share': 1.0}])
    >>> gap_analysis(ws.tables, ws.settings, "2026-03", exit_firm="F1").exit.nodes_lost
    ['N.LI']
    """
    settings = as_settings(settings)
    window, cap, threshold = settings.window, settings.min_capability, settings.thresholds.dependence_share
    hl = health if health is not None else health_workspace(tables, settings, month)
    # each firm_nodes row's firm (its row in the firms table), coded once for the gene map, the
    # firm details and the node flows; the window's flows, coded once for the node flows and the
    # local network
    firm_rows = network.codes(tables["firm_nodes"]["firm_id"], tables["firms"]["firm_id"])
    base = vs.flow_graph(tables, month, window=window)
    cands = tables.get("candidates")
    # Two threads (numpy, scipy and arrow release the GIL in their loops): the node flows (sparse
    # products) are computed on the second while this one builds the gene map, the gap priority,
    # the local network and the firm details; then the dependent buyers there while the exit
    # ranking is computed here. The same results, in less time on a machine with two cores.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecolib-gaps") as pool:
        node_flows = pool.submit(_node_flows, tables, month, window, value_stream, base, firm_rows)
        gm = gene_map if gene_map is not None else gmap._gene_map(tables, month, min_capability=cap,
                                                                  use_chain_edges=True, firm_rows=firm_rows)
        density = node_density(gm.coverage, gm.space.proximity)
        priority = gap_priority(gm.coverage, gm.feasibility, chain_nodes=tables["chain_nodes"],
                                chain_edges=tables.get("chain_edges"), candidates=cands,
                                weights=settings.priority_weights,
                                unavailable=unavailable_components(tables, month))
        decisions = gap_decisions(priority, gm.coverage, cands)
        matched = [n for nodes in decisions["nodes"].head(int(top)) for n in nodes]
        matches = match_candidates(priority, cands, density, min_capability=cap, top=top, per_node=per_node,
                                   nodes=matched)
        every = matched + [n for n in priority["node_id"] if n not in set(matched)]
        all_matches = match_candidates(priority, cands, density, min_capability=cap, per_node=None, nodes=every)
        net = _local_network(tables["firms"], base, month)
        info = _firm_info(tables, month, firm_rows)
        _ = net._id_rank                                 # cached before both threads read it
        sf = node_flows.result()
        del base, node_flows
        release_memory()      # the flow codes and products, held free by the allocators
        dependent = pool.submit(dependent_buyers, net, info, threshold=threshold)
        single = single_supplier_nodes(gm.coverage, net, tables["firms"], cands)
        local_trade = _local_trade(sf, value_stream)
        ranking = exit_ranking(net, gm.coverage, info=info, threshold=threshold, total=local_trade)
        security = security_matrix(sf, gm.coverage, candidates=cands)
        dep = dependent.result()
    ga = GapAnalysis(month, threshold, hl, gm, density, priority, matches, net, info, single, dep, ranking, None,
                     security, tables, int(top), decisions=decisions,
                     local_trade=local_trade, all_matches=all_matches)
    firm = exit_firm or default_exit_firm(ranking)
    if firm is not None:
        ga.exit = ga.stress(firm, per_node=per_node)
    return ga
