"""Gene map (产业基因图谱): which technology nodes the park has, which are thin or missing, and
how feasible the missing ones are given what the park already does (DESIGN.md §5).

Pure functions over the workspace tables; vectorised (no loops over firms or nodes). The three
building blocks, meant to be reused by the gap analysis and the niche analysis:

``coverage(chain_nodes, firms, firm_nodes, *, month, min_capability)`` → :class:`Coverage`
    Per technology node (leaf of the chain tree): the *qualifying firms* — local firms active in
    ``month`` with capability ≥ ``min_capability`` on the node — their number, summed and best
    capability, the firm output attributed to the node and its concentration (HHI), and the
    status ``missing`` (0 firms), ``single`` (1), ``thin`` (2) or ``covered`` (≥ 3). Roll-ups to
    every node of the tree (segments, stages, the chain) and the chain coverage rate.

``node_space(chain_nodes, firm_nodes, *, candidates, chain_edges, min_capability)`` → :class:`NodeSpace`
    How related two technology nodes are (proximity φ in [0, 1]), see "Which proximity" below.

``feasibility(coverage, proximity)`` → DataFrame
    For each missing, single or thin node: its density given the park's present nodes.

``gene_map(tables, month, ...)`` bundles the three for the notebook; :func:`gap_nodes`,
:func:`branch_gaps`, :func:`node_firms` and :func:`stage_counts` pick the rows its tables show
(their words and labels are in :mod:`ecolib.presentation.narrative.genemap` and
:mod:`ecolib.presentation.tables.genemap`).

Definitions
-----------
* **Active local firm in month m**: ``local`` is true and the firm has not exited by m
  (:func:`ecolib.foundations.firms.active_mask`: status ``active``, or ``exit_month`` later than m).
  With ``month=None``: status ``active``.
* **Qualifying firm** of node p: an active local firm with a ``firm_nodes`` row on p whose
  capability ≥ ``min_capability`` (default 0.3, ``workspace.yaml``). A firm spread over two
  nodes qualifies for each node on its own capability there.
* **Attributed output** of node p (currency per year): Σ over its qualifying firms of
  ``firm output × share`` on p (``firm_nodes.share``). A firm without reported output adds 0.
* **HHI** of node p: Σ_f (o_fp / o_p)² over its qualifying firms, with o_fp the attributed
  output; in (0, 1], 1 for a single firm, 1/n for n equal firms; NaN when o_p = 0 or when a
  qualifying firm of p reports no output (its share is unknown, not 0; so is the top firm's
  share ``top_share``).
* **Status** of a node: by the number n of qualifying firms: ``missing`` n = 0, ``single``
  n = 1, ``thin`` n = 2, ``covered`` n ≥ 3. For a segment, stage or the chain the same rule is
  applied to the number of *distinct* qualifying firms anywhere in its subtree.
* **Coverage rate** of a subtree: Σ weight of its technology nodes not missing / Σ weight of
  its technology nodes (``chain_nodes.weight``); the chain coverage rate is the root's. NaN if
  the weights sum to 0.
* Technology nodes are the leaves of the tree. A ``firm_nodes`` row on a non-leaf node (a firm
  known only by its segment) counts in that node's roll-ups but covers no technology node.

Which proximity (feasibility)
-----------------------------
The proximity of two technology nodes p, p' combines two kinds of evidence:

1. **Capability proximity** (Atlas of Economic Complexity, Hidalgo et al. 2007): the location ×
   activity matrix is *firm × technology node presence* over every firm we know — local firms
   (active or exited), outside firms and candidates — with M_fp = 1 when the firm's capability
   on p ≥ ``min_capability``. φᶜ_pp' = Σ_f M_fp M_fp' / max(k_p, k_p') (k_p: firms on p), computed
   by :func:`ecolib.analyses.relatedness.proximity`. Two nodes are close when the same firms master
   both. It is month-independent: a firm that left still shows which technologies go together.
2. **Supply-chain proximity**: from ``chain_edges`` (p's output is an input of p'), φˢ_pp' =
   max(w_pp', w_p'p) / max over all edges of w, so the strongest relation is 1. An edge on a
   segment applies to each of its technology nodes. It matters where firm data is silent: in a
   park where nobody combines, say, battery packs and storage integration in one firm, the
   chain still says that a storage integrator buys packs and sells to grid operators.

**Minimum support**: a co-occurrence relation counts only when at least :data:`MIN_SUPPORT` firms
master both nodes (φᶜ_pp' = 0 below it; ``node_space(min_support=...)``). The default, 1, keeps
every relation (the demo's figures); with a firm list where one firm alone links two rare
nodes, 2 stops that one firm from making them fully related.

φ_pp' = max(φᶜ_pp', φˢ_pp') (diagonal 0), or φᶜ alone when ``chain_edges`` is not given.
**Feasibility** of node p for the park = density ω_p = Σ_p' M_p' φ_p'p / Σ_p' φ_p'p with M_p' = 1
for the park's present technology nodes (status not ``missing``), as
:func:`ecolib.analyses.relatedness.density_for_profile`: the share of p's relatedness that falls on
nodes the park already has, in [0, 1]. A node related to nothing (Σ φ = 0) has no feasibility
(NaN, "no evidence" on every page, blank in the spreadsheet) and ``no_evidence = True``; the gap
priority then scores it on its other components (:mod:`ecolib.analyses.gaps`).

**Evidence** behind each feasibility (:func:`feasibility`, columns ``related_present`` and
``evidence``): the number of present nodes related to p (φ > 0), and the kind of relation they
have to it: ``cooccurrence`` (only shared firms), ``chain`` (only chain edges), ``both``, or
``none``. When no firm masters two nodes (every firm on one node), φᶜ is 0 everywhere and
feasibility rests on the chain edges alone (``GeneMap.cooccurrence_empty``); a node with one
related present node has feasibility 1 on that one link, which the page says
(``weak_evidence``: ``related_present`` = 1).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from ecolib.foundations import chain, frames, network
from ecolib.analyses import relatedness
from ecolib.foundations.firms import active_mask
from ecolib.contract.schema import COVERAGE_STATUSES as STATUSES, GAP_STATUSES  # the contract's vocabulary

__all__ = [
    "STATUSES",
    "GAP_STATUSES",
    "FRAGILITY",
    "MIN_SUPPORT",
    "EVIDENCE_KINDS",
    "Coverage",
    "NodeSpace",
    "GeneMap",
    "coverage",
    "node_status",
    "node_space",
    "feasibility",
    "gene_map",
    "capability_matrix",
    "zone_node_matrix",
    "chain_graph",
    "segment_graph",
    "proximity_graph",
    "single_order",
    "related_segments",
    "missing_segments",
    "gap_nodes",
    "branch_gaps",
    "node_firms",
    "stage_counts", "candidate_counts", "main_activity"]

#: Least number of firms that must master both nodes before their co-occurrence counts as a
#: relation (module docstring, "Minimum support"); 1 keeps every co-occurrence.
MIN_SUPPORT = 1

#: The kinds of evidence behind a feasibility (``feasibility()["evidence"]``).
EVIDENCE_KINDS = ("both", "cooccurrence", "chain", "none")

#: Fragility of each gap status, as in the gap priority of DESIGN.md §6.
FRAGILITY = {"missing": 1.0, "single": 0.6, "thin": 0.3, "covered": 0.0}


# =========================================================================== coverage


def node_status(firms: pd.Series | np.ndarray) -> np.ndarray:
    """Status for numbers of qualifying firms: 0 → missing, 1 → single, 2 → thin, ≥ 3 → covered.

    Parameters
    ----------
    firms : Series, ndarray or list of int
        Numbers of qualifying firms (a count per node; 0 or less counts as missing).

    Returns
    -------
    ndarray of object
        One status per entry, a word of :data:`STATUSES` (``missing``, ``single``, ``thin``,
        ``covered``), in the order of ``firms``.

    See Also
    --------
    coverage : counts the qualifying firms of every node and applies this rule (per
        technology node, and to the distinct firms of every subtree).

    Examples
    --------
    >>> node_status([0, 1, 2, 3]).tolist()
    ['missing', 'single', 'thin', 'covered']
    """
    n = np.asarray(firms, dtype=np.float64)
    return np.select([n <= 0, n == 1, n == 2], ["missing", "single", "thin"], default="covered").astype(object)


@dataclass
class Coverage:
    """Node coverage for one month (see the module docstring for every definition).

    Built by :func:`coverage`; :func:`gene_map` bundles it with the node space and the
    feasibility of the gap nodes.

    Attributes
    ----------
    month : str or None
        The month (``YYYY-MM``) that decided which firms are active; None: firms with status
        ``active``.
    min_capability : float
        The capability a qualifying firm needs on a node, in (0, 1].
    nodes : DataFrame
        One row per technology node (leaf), in ``chain_nodes`` order. Columns: node_id, name,
        name_zh (``name`` where none is given), parent_id, segment_id, stage_id, stage,
        weight (importance, ``chain_nodes.weight``, unitless), core (bool), firms (qualifying
        firms, count), capability_sum, capability_max (of the qualifying firms on the node,
        capability in (0, 1]; max NaN without one), output (attributed output, currency per
        year; firms without a reported output add 0), firms_reporting (qualifying firms that
        report their output, count), hhi (concentration of that output, in (0, 1], NaN when
        the output is 0 or firms_reporting < firms), top_share (the top firm's part of that
        output, share in (0, 1], NaN as hhi), status, top_firm (qualifying firm with the largest attributed output, then the
        highest capability; None if none), firms_below (active local firms on the node with
        capability < min_capability, count), firms_exited (local firms on the node that are
        not active in the month, count).
    tree : DataFrame
        One row per chain node (every level), in ``chain_nodes`` order: node_id, parent_id,
        name, name_zh, level, depth, stage, weight, core, is_leaf, leaves (technology nodes
        in the subtree), missing, single, thin, covered (numbers of technology nodes in the
        subtree by status), core_leaves, core_gaps (core technology nodes not covered),
        leaf_weight, present_weight (summed weights of the subtree's technology nodes, all
        and not missing), coverage_rate (present_weight / leaf_weight, share in [0, 1], NaN
        when leaf_weight is 0), firms (distinct qualifying firms in the subtree, rows on
        inner nodes included), output (attributed output of the qualifying links in the
        subtree, currency per year), status (:func:`node_status` of ``firms``).
    links : DataFrame
        Every ``firm_nodes`` row of a local firm (of ``zones`` when given): firm_id,
        node_id, capability, share, output (firm output × share, currency per year, 0
        without reported output), reported (bool: the firm reports its output), active (in
        the month), qualifies (active and capability ≥ min_capability).
    coverage_rate : float
        The chain coverage rate (weight-weighted share of technology nodes not missing), in
        [0, 1] or NaN.
    headline : dict
        Numbers for summary.json: month, min_capability, technology_nodes, missing, single,
        thin, covered (technology nodes by status), nodes_with_local_firm (technology nodes
        not missing: at least one qualifying firm, the overview's count), core_nodes
        (core technology nodes), coverage_rate, missing_nodes,
        single_nodes, thin_nodes, core_gaps (core technology nodes not covered),
        missing_segments (segments all of whose technology nodes are missing),
        qualifying_firms (distinct).

    See Also
    --------
    coverage : builds it.
    gene_map : builds it with the node space and feasibility.
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map.coverage``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> t = ws.tables
    >>> cov = coverage(t["chain_nodes"], t["firms"], t["firm_nodes"], month="2026-03")
    >>> cov.coverage_rate, cov.present()        # weight 2 + 1 + 1 of 5 is not missing
    (0.8, ['N.LI', 'N.CATH', 'N.CELL'])
    >>> cov.segments[["node_id", "leaves", "missing", "firms", "coverage_rate"]]
      node_id  leaves  missing  firms  coverage_rate
    0   G.MAT       2        0      2            1.0
    1  G.CELL       2        1      2            0.5
    """

    month: str | None
    min_capability: float
    nodes: pd.DataFrame
    tree: pd.DataFrame
    links: pd.DataFrame
    coverage_rate: float
    headline: dict = field(default_factory=dict)

    @property
    def segments(self) -> pd.DataFrame:
        """Roll-up rows of the segments (depth 2)."""
        return self.tree[self.tree["level"] == "segment"].reset_index(drop=True)

    @property
    def stages(self) -> pd.DataFrame:
        """Roll-up rows of the stages (depth 1)."""
        return self.tree[self.tree["level"] == "stage"].reset_index(drop=True)

    def present(self) -> list[str]:
        """Technology nodes the park has (status not ``missing``)."""
        return self.nodes.loc[self.nodes["status"] != "missing", "node_id"].tolist()


def _check_min_capability(value: float) -> float:
    value = float(value)
    if not 0 < value <= 1:
        raise ValueError(f"min_capability must be in (0, 1], got {value!r}")
    return value


def _text(col: pd.Series) -> pd.Series:
    return col.astype(object).where(col.notna(), None)


def coverage(chain_nodes: pd.DataFrame, firms: pd.DataFrame, firm_nodes: pd.DataFrame, *,
             month: str | None = None, min_capability: float = 0.3,
             zones: Iterable[str] | None = None) -> Coverage:
    """Node coverage by active local firms (DESIGN.md §5; definitions in the module docstring).

    ``chain_nodes`` needs the derived columns of a loaded workspace (``is_leaf``, ``level``,
    ``segment_id``, ``stage_id``, ``stage``); ``firms`` needs firm_id, local, status,
    exit_month, output; ``firm_nodes`` firm_id, node_id, capability, share. ``month``
    (``YYYY-MM``) decides who is active (None: firms with status ``active``). ``zones``
    restricts the local firms to those zones (e.g. one zone's own gene map).

    Parameters
    ----------
    chain_nodes : DataFrame
        The chain tree as loaded (node_id, parent_id, name, name_zh, weight, core, depth,
        is_leaf, level, segment_id, stage_id, stage).
    firms : DataFrame
        The firms table: firm_id, local, status, exit_month, output (currency per year);
        zone when ``zones`` is given.
    firm_nodes : DataFrame
        Firm × node rows: firm_id, node_id, capability (in (0, 1]), share (of the firm's
        output on the node, in [0, 1]).
    month : str or None, default None
        ``YYYY-MM``: the firms active in it count (:func:`ecolib.foundations.firms.active_mask`);
        None: firms with status ``active``.
    min_capability : float, default 0.3
        Capability a firm needs on a node to qualify, in (0, 1] (``min_capability`` of
        workspace.yaml).
    zones : iterable of str, optional
        Only the local firms of these zones count (None: every local firm).

    Returns
    -------
    Coverage
        ``nodes`` (one row per technology node), ``tree`` (roll-ups for every chain node),
        ``links`` (the local firms' firm_nodes rows), ``coverage_rate`` (share in [0, 1] or
        NaN) and ``headline``; columns and units in :class:`Coverage`.

    Raises
    ------
    ValueError
        If ``min_capability`` is not in (0, 1].

    See Also
    --------
    ecolib.workspace.load_workspace : loads the tables with the derived columns.
    gene_map : this, the node space and the feasibility at once.
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map.coverage``
        builds it with the workspace's ``min_capability``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> cov = coverage(tables["chain_nodes"], tables["firms"], tables["firm_nodes"], month="2026-03")
    >>> cov.nodes[["node_id", "firms", "status"]]      # the pack maker F4 has left: packs are missing
      node_id  firms   status
    0    N.LI      1   single
    1  N.CATH      1   single
    2    N.CELL      2     thin
    3  N.PACK      0  missing
    """
    return _coverage(chain_nodes, firms, firm_nodes, month=month, min_capability=min_capability, zones=zones)


def _coverage(chain_nodes: pd.DataFrame, firms: pd.DataFrame, firm_nodes: pd.DataFrame, *, month: str | None,
              min_capability: float, zones: Iterable[str] | None, firm_of: np.ndarray | None = None) -> Coverage:
    """:func:`coverage`; ``firm_of``: each firm_nodes row's row in ``firms`` (-1: none), when the
    firm_ids of ``firms`` are distinct (:func:`gene_map` codes them once for this and the node space)."""
    min_capability = _check_min_capability(min_capability)
    nodes_all = chain_nodes.reset_index(drop=True)
    firm_cols = firms[["firm_id", "local", "output"]].copy()
    active = (active_mask(firms, month) if month is not None else firms["status"].eq("active")).to_numpy(bool)
    firm_cols["active"] = active
    local = firms["local"].to_numpy(bool)
    if zones is not None:
        local = local & firms["zone"].isin(list(zones)).to_numpy(bool)
    firm_cols = firm_cols[local]

    links, firm = _local_links(firm_nodes, firm_cols, firm_of, local)
    links["reported"] = pd.to_numeric(links["output"], errors="coerce").notna().to_numpy(bool)
    links["output"] = links["output"].fillna(0.0).to_numpy(np.float64) * links["share"].fillna(0.0).to_numpy(np.float64)
    links["qualifies"] = links["active"].to_numpy(bool) & (links["capability"].to_numpy(np.float64) >= min_capability)
    links = links.reset_index(drop=True)
    qualifies = links["qualifies"].to_numpy(bool)
    q = links[qualifies]

    # --- technology nodes -----------------------------------------------------------------
    # grouped by integer codes (the node's position among the leaves, -1 for another node; the
    # firm's row among the local firms): the same groups, sums and counts as by the ids
    leaves = nodes_all[nodes_all["is_leaf"].to_numpy(bool)]
    leaf_ids = pd.Index(leaves["node_id"])
    at = np.arange(len(leaf_ids))
    node = network.codes(links["node_id"], leaf_ids)
    qn, qf = node[qualifies], firm[qualifies]

    def per_node(values, codes=qn, how="sum", **fill):
        return pd.Series(values).groupby(codes).agg(how).reindex(at, **fill)

    def distinct_firms(mask):
        return _distinct_per(node[mask], firm[mask], len(leaf_ids))

    firms_n = pd.Series(distinct_firms(qualifies), index=leaf_ids)
    cap_sum = per_node(q["capability"].to_numpy(), fill_value=0.0).set_axis(leaf_ids)
    cap_max = per_node(q["capability"].to_numpy(), how="max").set_axis(leaf_ids)
    out = per_node(q["output"].to_numpy(), fill_value=0.0).set_axis(leaf_ids)
    reporting = pd.Series(distinct_firms(qualifies & links["reported"].to_numpy(bool)), index=leaf_ids)
    # concentration only where every qualifying firm reports its output (a firm without a
    # reported output is unknown, not 0: one reporting firm of four is not "100% of the node")
    judged = (out > 0) & (reporting == firms_n)
    total = np.where(qn >= 0, out.to_numpy(np.float64)[qn], np.nan)
    s = q["output"].to_numpy(np.float64) / np.where(total > 0, total, np.nan)
    hhi = pd.Series(s * s).groupby(qn).sum(min_count=1).reindex(at).set_axis(leaf_ids)
    hhi = hhi.where(judged)
    # the top firm of each node: largest output, then capability, then the first firm_id
    cap = q["capability"].to_numpy(np.float64)
    qout = q["output"].to_numpy(np.float64)
    top_row = _top_rows(qn, qout, cap, q["firm_id"], len(leaf_ids))
    top = pd.Series(_take_rows(q["firm_id"], top_row), index=leaf_ids)
    top_share = (pd.Series(pd.api.extensions.take(qout, top_row, allow_fill=True), index=leaf_ids)
                 / out.where(judged)).astype(np.float64)
    active = links["active"].to_numpy(bool)
    below = pd.Series(distinct_firms(active & (links["capability"].to_numpy(np.float64) < min_capability)),
                      index=leaf_ids)
    gone = pd.Series(distinct_firms(~active), index=leaf_ids)

    table = pd.DataFrame({
        "node_id": leaf_ids.to_numpy(object),
        "name": _text(leaves["name"]).to_numpy(),
        "name_zh": _text(leaves["name_zh"].fillna(leaves["name"]) if "name_zh" in leaves else leaves["name"]).to_numpy(),
        "parent_id": _text(leaves["parent_id"]).to_numpy(),
        "segment_id": _text(leaves["segment_id"]).to_numpy(),
        "stage_id": _text(leaves["stage_id"]).to_numpy(),
        "stage": _text(leaves["stage"]).to_numpy(),
        "weight": leaves["weight"].to_numpy(np.float64),
        "core": leaves["core"].to_numpy(bool),
        "firms": firms_n.to_numpy(np.int64),
        "capability_sum": cap_sum.to_numpy(np.float64),
        "capability_max": cap_max.to_numpy(np.float64),
        "output": out.to_numpy(np.float64),
        "firms_reporting": reporting.to_numpy(np.int64),
        "hhi": hhi.to_numpy(np.float64),
        "top_share": top_share.to_numpy(np.float64),
        "status": node_status(firms_n),
        "top_firm": _text(top).to_numpy(),
        "firms_below": below.to_numpy(np.int64),
        "firms_exited": gone.to_numpy(np.int64),
    })

    tree = _roll_up(nodes_all, table, q, qf)
    root = tree[tree["parent_id"].isna()]
    rate = float(root["coverage_rate"].iloc[0]) if len(root) else float("nan")
    counts = table["status"].value_counts()
    headline = {
        "month": month,
        "min_capability": min_capability,
        "technology_nodes": int(len(table)),
        **{s: int(counts.get(s, 0)) for s in STATUSES},
        "nodes_with_local_firm": int((table["status"] != "missing").sum()),
        "core_nodes": int(table["core"].sum()),
        "coverage_rate": rate,
        "missing_nodes": table.loc[table["status"] == "missing", "node_id"].tolist(),
        "single_nodes": table.loc[table["status"] == "single", "node_id"].tolist(),
        "thin_nodes": table.loc[table["status"] == "thin", "node_id"].tolist(),
        "core_gaps": table.loc[table["core"] & (table["status"] != "covered"), "node_id"].tolist(),
        "missing_segments": tree.loc[(tree["level"] == "segment") & (tree["leaves"] > 0)
                                     & (tree["missing"] == tree["leaves"]), "node_id"].tolist(),
        "qualifying_firms": int(len(frames.distinct(qf))),
    }
    cov = Coverage(month, min_capability, table, tree, links, rate, headline)
    # for the gap analysis: each link's firm as a code (its row among the local firms) and as its
    # row in the firms table, which the links' firm_ids are looked up from once, here
    cov._link_firm, cov._link_rows, cov._firm_ids = firm, np.flatnonzero(local)[firm], firms["firm_id"]
    return cov


def _local_links(firm_nodes: pd.DataFrame, firm_cols: pd.DataFrame, firm_of: np.ndarray | None = None,
                 local: np.ndarray | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """The firm_nodes rows of the local firms with the firm's output and activity (the inner
    join on firm_id, rows in firm_nodes order), and each row's firm as its row in ``firm_cols``
    (a code per distinct firm). ``firm_of``: the rows' rows in the whole firms table (distinct
    ids), of which ``local`` marks the rows of ``firm_cols``."""
    ids = firm_cols["firm_id"]
    if firm_of is not None:
        at = np.cumsum(local) - 1                                         # a firms row's row in firm_cols
        on = firm_of >= 0
        on[on] = local[firm_of[on]]
        firm = np.where(on, at[np.maximum(firm_of, 0)] if len(at) else -1, -1)
    elif not (network.first_rows(ids) == np.arange(len(ids))).all():    # a repeated firm_id: join rows
        links = firm_nodes[["firm_id", "node_id", "capability", "share"]].merge(
            firm_cols[["firm_id", "output", "active"]], on="firm_id", how="inner")
        return links, network.codes(links["firm_id"], ids)
    else:
        firm = network.codes(firm_nodes["firm_id"], ids)
    rows = np.flatnonzero(firm >= 0)
    firm = firm[rows]
    links = firm_nodes[["firm_id", "node_id", "capability", "share"]].take(rows)
    links["output"] = _take_rows(firm_cols["output"], firm)
    links["active"] = _take_rows(firm_cols["active"], firm)
    return links, firm


def _top_rows(node: np.ndarray, output: np.ndarray, capability: np.ndarray, firm_id: pd.Series, n: int) -> np.ndarray:
    """Per node 0 … n − 1, the row of its top link (-1: none): the largest output, then the
    largest capability, then the first firm_id (then the first row), as sorting the links by
    (node, output ↓, capability ↓, firm_id) and keeping each node's first row does. The best
    output and capability are found per node and only the links tied on both are sorted."""
    on = node >= 0
    if np.isnan(output[on]).any() or np.isnan(capability[on]).any():      # missing values sort last
        order = np.lexsort((frames.text_rank(firm_id), -np.nan_to_num(capability, nan=0.0), np.isnan(capability),
                            -np.nan_to_num(output, nan=0.0), np.isnan(output), node))
    else:
        best = np.full(n, -np.inf)
        np.maximum.at(best, node[on], output[on])
        tied = on & (output == best[np.maximum(node, 0)])
        best = np.full(n, -np.inf)
        np.maximum.at(best, node[tied], capability[tied])
        tied &= capability == best[np.maximum(node, 0)]
        rows = np.flatnonzero(tied)
        order = rows[np.lexsort((np.arange(len(rows)), frames.text_rank(firm_id.iloc[rows]), node[rows]))]
    lead = order[np.r_[True, node[order][1:] != node[order][:-1]]] if len(order) else order
    lead = lead[node[lead] >= 0]
    top = np.full(n, -1, np.int64)
    top[node[lead]] = lead
    return top


def _distinct_per(group: np.ndarray, item: np.ndarray, n: int) -> np.ndarray:
    """Per group 0 … n − 1, the number of distinct items (codes ≥ 0); groups < 0 left out."""
    ok = group >= 0
    pairs = frames.distinct(group[ok].astype(np.int64) * (int(item.max(initial=0)) + 1) + item[ok])
    return np.bincount(pairs // (int(item.max(initial=0)) + 1), minlength=n).astype(np.int64)


def _take_rows(values: pd.Series, rows: np.ndarray):
    """``values`` at positions ``rows`` (-1: missing), of its dtype (widened to hold a missing value)."""
    arr = values.array if isinstance(values.dtype, pd.api.extensions.ExtensionDtype) else values.to_numpy()
    return pd.api.extensions.take(arr, rows, allow_fill=True)


def _roll_up(nodes_all: pd.DataFrame, table: pd.DataFrame, q: pd.DataFrame, firm: np.ndarray) -> pd.DataFrame:
    """Subtree summaries for every chain node (loops: none; one merge per quantity)."""
    pairs = chain.ancestor_pairs(nodes_all[["node_id", "parent_id"]])
    ids = pd.Index(nodes_all["node_id"])
    leaf = table[["node_id", "status", "weight", "core"]].copy()
    leaf["present"] = leaf["status"] != "missing"
    for s in STATUSES:
        leaf[s] = (leaf["status"] == s).astype(np.int64)
    leaf["core_gap"] = (leaf["core"] & (leaf["status"] != "covered")).astype(np.int64)
    leaf["present_weight"] = leaf["weight"].where(leaf["present"], 0.0)
    joined = pairs.merge(leaf, on="node_id", how="inner")
    g = joined.groupby("ancestor_id")
    agg = pd.DataFrame({
        "leaves": g.size(),
        **{s: g[s].sum() for s in STATUSES},
        "core_leaves": g["core"].sum(),
        "core_gaps": g["core_gap"].sum(),
        "leaf_weight": g["weight"].sum(),
        "present_weight": g["present_weight"].sum(),
    }).reindex(ids)
    ints = ["leaves", *STATUSES, "core_leaves", "core_gaps"]
    agg[ints] = agg[ints].fillna(0).astype(np.int64)
    agg[["leaf_weight", "present_weight"]] = agg[["leaf_weight", "present_weight"]].fillna(0.0)
    # per chain node, its qualifying links' distinct firms and summed output, as grouping
    # pairs.merge(q, on="node_id") by ancestor gives them: an ancestor's rows come in the pairs'
    # order (distance, then the node's row: i.e. the node's depth, then its row), each node's
    # links in q's order. One pass per depth of the tree over the links in that order, grouped
    # by the ancestor at that depth (the same rows, in the same order, for each ancestor).
    depth = nodes_all["depth"].to_numpy(np.int64)
    pair_node, pair_anc = network.codes(pairs["node_id"], ids), network.codes(pairs["ancestor_id"], ids)
    top = int(depth.max(initial=0))
    above = np.full((top + 1, len(ids)), -1, np.int64)          # [d, node]: its ancestor at depth d
    ok = (pair_node >= 0) & (pair_anc >= 0)
    above[depth[pair_anc[ok]], pair_node[ok]] = pair_anc[ok]
    node = network.codes(q["node_id"], ids)
    reached = np.flatnonzero(node >= 0)
    reached = reached[above[:, node[reached]].max(axis=0) >= 0] if len(reached) else reached
    order = reached[np.argsort(depth[node[reached]] * len(ids) + node[reached], kind="stable")]
    value = q["output"].to_numpy(np.float64)[order]
    item = firm[order]
    firms_n, output = np.zeros(len(ids), np.int64), np.zeros(len(ids))
    for d in range(top + 1):                                    # a handful of depths
        anc = above[d, node[order]]
        on = anc >= 0
        firms_n += _distinct_per(anc[on], item[on], len(ids))
        sums = pd.Series(value[on]).groupby(anc[on]).sum()
        output[sums.index.to_numpy(np.int64)] = sums.to_numpy(np.float64)
    firms_n = pd.Series(firms_n, index=ids)
    output = pd.Series(output, index=ids)
    weight = agg["leaf_weight"].to_numpy(np.float64)
    rate = np.where(weight > 0, agg["present_weight"].to_numpy(np.float64) / np.where(weight > 0, weight, 1.0), np.nan)
    name_zh = nodes_all["name_zh"].fillna(nodes_all["name"]) if "name_zh" in nodes_all else nodes_all["name"]
    tree = pd.DataFrame({
        "node_id": ids.to_numpy(object),
        "parent_id": _text(nodes_all["parent_id"]).to_numpy(),
        "name": _text(nodes_all["name"]).to_numpy(),
        "name_zh": _text(name_zh).to_numpy(),
        "level": _text(nodes_all["level"]).to_numpy(),
        "depth": nodes_all["depth"].to_numpy(np.int64),
        "stage": _text(nodes_all["stage"]).to_numpy(),
        "weight": nodes_all["weight"].to_numpy(np.float64),
        "core": nodes_all["core"].to_numpy(bool),
        "is_leaf": nodes_all["is_leaf"].to_numpy(bool),
    })
    for col in agg.columns:
        tree[col] = agg[col].to_numpy()
    tree["coverage_rate"] = rate
    tree["firms"] = firms_n.to_numpy(np.int64)
    tree["output"] = output.to_numpy(np.float64)
    tree["status"] = node_status(tree["firms"])
    return tree


# =========================================================================== node space


@dataclass
class NodeSpace:
    """How related the technology nodes are (see "Which proximity" in the module docstring).

    Built by :func:`node_space`. Every node × node frame is indexed and labelled by the
    technology nodes in ``chain_nodes`` order.

    Attributes
    ----------
    presence : ecolib.analyses.relatedness.LabeledMatrix
        Firm × technology-node presence (scipy sparse, 0/1: capability ≥ ``min_capability``)
        over every firm known: local firms (active or exited), outside firms and candidates
        (their ids prefixed ``candidate:``); rows sorted by firm_id.
    capability_proximity : DataFrame
        φᶜ, node × node, in [0, 1] (diagonal 0).
    chain_proximity : DataFrame or None
        φˢ from the chain edges, in [0, 1] (diagonal 0), or None when no edges were used.
    proximity : DataFrame
        The combined φ = max(φᶜ, φˢ) (φᶜ alone without edges) used for feasibility.
    min_capability : float
        The capability that makes a firm present on a node, in (0, 1].
    firms : dict
        Numbers of firms (rows of ``presence``): ``known`` (all), ``candidates``, and, when
        :func:`node_space` was given the firms table, ``local`` and ``external``.

    See Also
    --------
    node_space : builds it.
    gene_map : builds it as ``gm.space``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> space = gene_map(ws.tables, "2026-03").space
    >>> space.firms                                # F4 has left, it still counts as local
    {'known': 5, 'candidates': 0, 'local': 4, 'external': 1}
    >>> space.presence.data.shape
    (5, 4)
    """

    presence: relatedness.LabeledMatrix
    capability_proximity: pd.DataFrame
    chain_proximity: pd.DataFrame | None
    proximity: pd.DataFrame
    min_capability: float
    firms: dict = field(default_factory=dict)


def node_space(chain_nodes: pd.DataFrame, firm_nodes: pd.DataFrame, *, firms: pd.DataFrame | None = None,
               candidates: pd.DataFrame | None = None, chain_edges: pd.DataFrame | None = None,
               min_capability: float = 0.3, min_support: int = MIN_SUPPORT) -> NodeSpace:
    """Proximity between technology nodes (definitions in the module docstring).

    ``firm_nodes`` (every firm: local, outside, exited) and ``candidates`` (optional) give the
    firm × node presence, ``capability ≥ min_capability``; ``firms`` (optional) only labels how
    many of them are local or outside. ``chain_edges`` (optional) adds supply-chain proximity.
    Rows on non-leaf nodes are ignored here. Sparse throughout: 100k firms × 500 nodes is fine.

    Parameters
    ----------
    chain_nodes : DataFrame
        The chain tree as loaded (node_id, parent_id, is_leaf).
    firm_nodes : DataFrame
        Firm × node rows of every firm (firm_id, node_id, capability in (0, 1]); month and
        activity play no part.
    firms : DataFrame, optional
        The firms table (firm_id, local): only for the counts ``local`` and ``external``.
    candidates : DataFrame, optional
        Candidate firms (firm_id, node_id, capability), added as firms of their own.
    chain_edges : DataFrame, optional
        Chain edges (source, target, weight; a missing weight counts 1) for φˢ; None:
        φ = φᶜ and ``chain_proximity`` is None.
    min_capability : float, default 0.3
        Capability that makes a firm present on a node, in (0, 1].

    Returns
    -------
    NodeSpace
        ``presence``, ``capability_proximity`` (φᶜ), ``chain_proximity`` (φˢ or None),
        ``proximity`` (φ, unitless in [0, 1], diagonal 0), ``min_capability``, ``firms``
        (counts); see :class:`NodeSpace`.

    Raises
    ------
    ValueError
        If ``min_capability`` is not in (0, 1].

    See Also
    --------
    ecolib.analyses.relatedness.proximity : φᶜ from the presence matrix.
    gene_map : builds this from the workspace tables (``gm.space``).
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map.space``.
    feasibility : uses ``proximity``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> t = ws.tables
    >>> space = node_space(t["chain_nodes"], t["firm_nodes"], firms=t["firms"])
    >>> space.chain_proximity is None
    True
    >>> float(space.capability_proximity.loc["N.CATH", "N.CELL"])   # F2 on both, F3 on cells: 1 / max(1, 2)
    0.5
    >>> space = node_space(t["chain_nodes"], t["firm_nodes"], chain_edges=t["chain_edges"])
    >>> space.proximity.loc["N.CELL"].tolist()                   # cathode → cells → packs
    [0.0, 1.0, 0.0, 1.0]
    """
    return _node_space(chain_nodes, firm_nodes, firms=firms, candidates=candidates, chain_edges=chain_edges,
                       min_capability=min_capability, min_support=min_support)


def _node_space(chain_nodes: pd.DataFrame, firm_nodes: pd.DataFrame, *, firms: pd.DataFrame | None,
                candidates: pd.DataFrame | None, chain_edges: pd.DataFrame | None, min_capability: float,
                min_support: int, firm_of: np.ndarray | None = None) -> NodeSpace:
    """:func:`node_space`; ``firm_of`` as in :func:`_coverage` (``firms`` then given)."""
    min_capability = _check_min_capability(min_capability)
    leaf_ids = pd.Index(chain_nodes.loc[chain_nodes["is_leaf"].to_numpy(bool), "node_id"].astype(object))
    r, c, firm_index, label_rows = _presence_rows(firm_nodes, candidates, leaf_ids, min_capability,
                                                  firm_of, firms["firm_id"] if firm_of is not None else None)
    data = sp.csr_array(sp.coo_array((np.ones(len(r)), (r, c)), shape=(len(firm_index), len(leaf_ids))))
    data.data[:] = 1.0  # duplicates (same firm and node twice) are presence 1
    presence = relatedness.LabeledMatrix(data, pd.Index(firm_index, dtype=object, name="firm_id"),
                                         pd.Index(leaf_ids, name="node_id"))
    phi_c = relatedness.proximity(presence) if len(firm_index) else pd.DataFrame(
        0.0, index=presence.activities, columns=presence.activities)
    if int(min_support) > 1 and len(firm_index):        # too few firms behind a relation: none
        support = (data.T @ data).toarray()
        phi_c = phi_c.where(support >= int(min_support), 0.0)
    phi_s = None
    combined = phi_c
    if chain_edges is not None:
        phi_s = _chain_proximity(chain_nodes, chain_edges, leaf_ids)
        combined = pd.DataFrame(np.maximum(phi_c.to_numpy(), phi_s.to_numpy()), index=leaf_ids, columns=leaf_ids)
    counts = {"known": int(len(firm_index))}
    labels = pa.array(firm_index, type=pa.large_string()) if len(firm_index) else pa.array([], pa.large_string())
    counts["candidates"] = int(pc.sum(pc.starts_with(labels, "candidate:")).as_py() or 0) if len(labels) else 0
    if firms is not None:
        row = network.codes(labels, firms["firm_id"]) if label_rows is None else label_rows
        local = firms["local"].to_numpy(object)
        is_local = np.where(row >= 0, local[np.maximum(row, 0)] if len(local) else None, np.nan)
        counts["local"] = int(np.sum(is_local == True))  # noqa: E712 (object array of bools / NaN)
        counts["external"] = int(np.sum(is_local == False))  # noqa: E712
    return NodeSpace(presence, phi_c, phi_s, combined, min_capability, counts)


def _presence_rows(firm_nodes: pd.DataFrame, candidates: pd.DataFrame | None, leaf_ids: pd.Index,
                   min_capability: float, firm_of: np.ndarray | None = None,
                   firm_ids: pd.Series | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The presence matrix's entries: row (firm, by sorted firm_id; a candidate's id prefixed
    ``candidate:``, its own namespace) and column (technology node) of every firm_nodes and
    candidates row with capability ≥ ``min_capability`` on a technology node, and the sorted
    ids (object array), as ``pd.factorize(ids, sort=True)`` of those rows gives them.
    ``firm_of``: the firm_nodes rows' rows in the firms table of the distinct ``firm_ids``; then
    also each sorted id's row in it (-1: not a firm's id), else None."""
    ok = firm_nodes["capability"].to_numpy(np.float64) >= min_capability
    col = network.codes(firm_nodes["node_id"], leaf_ids)
    keep = np.flatnonzero(ok & (col >= 0))
    if firm_of is not None:
        return _presence_rows_coded(firm_nodes, candidates, leaf_ids, min_capability, firm_of, firm_ids, keep, col)
    ids = network._arrow(firm_nodes["firm_id"]).take(keep)
    cols = [col[keep]]
    candidate = _candidate_entries(candidates, leaf_ids, min_capability)
    if candidate is not None:
        ids = pa.concat_arrays([ids, candidate[0]])
        cols.append(candidate[1])
    unique = pc.unique(ids)
    order = np.argsort(frames.text_rank(unique), kind="stable")
    unique = unique.take(order)                                          # sorted: the rows' order
    return network.codes(ids, unique), np.concatenate(cols), unique.to_numpy(zero_copy_only=False), None


def _candidate_entries(candidates: pd.DataFrame | None, leaf_ids: pd.Index, min_capability: float):
    """The candidates rows with capability ≥ ``min_capability`` on a technology node, as the
    presence matrix's entries: their ids prefixed ``candidate:`` (an arrow array) and their
    columns; None without candidates."""
    if candidates is None or not len(candidates):
        return None
    ok = candidates["capability"].to_numpy(np.float64) >= min_capability
    col = network.codes(candidates["node_id"], leaf_ids)
    keep = np.flatnonzero(ok & (col >= 0))
    labels = network._arrow(("candidate:" + candidates["firm_id"].astype(str)).to_numpy(object)[keep])
    return labels, col[keep]


def _presence_rows_coded(firm_nodes, candidates, leaf_ids, min_capability, firm_of, firm_ids, keep, col):
    """:func:`_presence_rows` with the firm_nodes rows' firms known (``firm_of``, rows of the
    distinct ``firm_ids``): only the other ids (of firms outside the table, of candidates) are
    coded here; the labels are the firms' ids and the others, sorted together."""
    ids = network._arrow(firm_ids)
    entry_firm = [firm_of[keep]]                          # per entry: its firm's row in firm_ids, or -1
    other = [network._arrow(firm_nodes["firm_id"]).take(keep[firm_of[keep] < 0])]
    cols = [col[keep]]
    candidate = _candidate_entries(candidates, leaf_ids, min_capability)
    if candidate is not None:
        labels, ccol = candidate
        as_firm = network.codes(labels, ids)              # a prefixed id that is a firm's id is that firm
        entry_firm.append(as_firm)
        other.append(labels.filter(pa.array(as_firm < 0)))
        cols.append(ccol)
    entry_firm = np.concatenate(entry_firm)
    other = pa.concat_arrays(other) if len(other) > 1 else other[0]   # the other entries' ids, in order
    other_unique = pc.unique(other)
    firm_rows = frames.distinct(entry_firm[entry_firm >= 0])
    labels = pa.concat_arrays([ids.take(firm_rows), other_unique])     # distinct: firms' ids, then the others
    order = np.argsort(frames.text_rank(labels), kind="stable")
    position = np.empty(len(labels), np.int64)
    position[order] = np.arange(len(labels))                         # a label's row among the sorted labels
    row_of_firm = np.full(len(ids), -1, np.int64)
    row_of_firm[firm_rows] = position[:len(firm_rows)]
    r = np.empty(len(entry_firm), np.int64)
    is_firm = entry_firm >= 0
    r[is_firm] = row_of_firm[entry_firm[is_firm]]
    r[~is_firm] = position[len(firm_rows) + network.codes(other, other_unique)] if len(other) else 0
    label_rows = np.r_[firm_rows, np.full(len(other_unique), -1, np.int64)][order]   # a sorted label's firm row
    return r, np.concatenate(cols), labels.take(order).to_numpy(zero_copy_only=False), label_rows


def _chain_proximity(chain_nodes: pd.DataFrame, chain_edges: pd.DataFrame, leaf_ids: pd.Index) -> pd.DataFrame:
    """φˢ_pp' = max(w_pp', w_p'p) / max w over leaf pairs; an edge on a non-leaf node applies to
    every technology node below it."""
    n = len(leaf_ids)
    empty = pd.DataFrame(np.zeros((n, n)), index=leaf_ids, columns=leaf_ids)
    if chain_edges is None or not len(chain_edges):
        return empty
    pairs = chain.ancestor_pairs(chain_nodes[["node_id", "parent_id"]])
    below = pairs[pairs["node_id"].isin(leaf_ids)][["ancestor_id", "node_id"]]
    w = chain_edges["weight"].fillna(1.0) if "weight" in chain_edges else pd.Series(1.0, index=chain_edges.index)
    e = pd.DataFrame({"source": chain_edges["source"].to_numpy(object), "target": chain_edges["target"].to_numpy(object),
                      "w": w.to_numpy(np.float64)})
    e = (e.merge(below.rename(columns={"ancestor_id": "source", "node_id": "s"}), on="source")
          .merge(below.rename(columns={"ancestor_id": "target", "node_id": "d"}), on="target"))
    e = e[e["s"] != e["d"]]
    if not len(e) or not (e["w"] > 0).any():
        return empty
    i = leaf_ids.get_indexer(e["s"])
    j = leaf_ids.get_indexer(e["d"])
    a = np.zeros((n, n))
    np.maximum.at(a, (i, j), e["w"].to_numpy())
    a = np.maximum(a, a.T) / e["w"].max()
    np.fill_diagonal(a, 0.0)
    return pd.DataFrame(a, index=leaf_ids, columns=leaf_ids)


# =========================================================================== feasibility


def feasibility(cov: Coverage | pd.DataFrame, proximity: pd.DataFrame, *,
                statuses: Iterable[str] | None = GAP_STATUSES, related: int = 3,
                related_min: float = 0.1, capability_proximity: pd.DataFrame | None = None,
                chain_proximity: pd.DataFrame | None = None) -> pd.DataFrame:
    """Feasibility of each gap node for the park: its density given the park's present nodes.

    ``cov`` is a :class:`Coverage` (or its ``nodes`` table: node_id, status); ``proximity`` a
    node × node DataFrame, e.g. ``NodeSpace.proximity``. Present nodes are those with status
    not ``missing``. Returns one row per technology node whose status is in ``statuses`` (None:
    every node), most feasible first, with columns node_id, status, feasibility (density in
    [0, 1], :func:`ecolib.analyses.relatedness.density_for_profile`), no_evidence (Σ φ = 0: related to
    no node at all; feasibility is then NaN, no score rather than 0), related (tuple of up to ``related`` present nodes
    with the largest φ to the node, only those with φ ≥ ``related_min``: the explanation of
    the number, not part of it) and related_proximity (their φ).

    Parameters
    ----------
    cov : Coverage or DataFrame
        Node coverage (:func:`coverage`), or a table with node_id and status.
    proximity : DataFrame
        Node × node proximity φ in [0, 1] (e.g. ``NodeSpace.proximity``); nodes of ``cov``
        that are not in it get no row.
    statuses : iterable of str or None, default ("missing", "single", "thin")
        The statuses of the nodes to rate (:data:`GAP_STATUSES`); None: every node.
    related : int, default 3
        Present nodes kept per node as its explanation.
    related_min : float, default 0.1
        Smallest φ of a present node kept in ``related``.
    capability_proximity, chain_proximity : DataFrame, optional
        φᶜ and φˢ (``NodeSpace.capability_proximity``, ``NodeSpace.chain_proximity``): name the
        kind of evidence (column ``evidence``); without them a related node's kind is
        ``cooccurrence`` when only ``proximity`` is given.

    Returns
    -------
    DataFrame
        One row per node, sorted by feasibility (descending), then status (worst first),
        then node_id (no score last): node_id, status, feasibility (density, share in [0, 1];
        NaN where no_evidence), no_evidence (bool), related (tuple of node ids), related_proximity (tuple of their φ, in
        [0, 1]), related_present (int: present nodes with φ > 0 to the node, the evidence
        the score rests on), evidence (``both``, ``cooccurrence``, ``chain`` or ``none``: the
        kind of relation those present nodes have to it, :data:`EVIDENCE_KINDS`).

    See Also
    --------
    coverage : builds ``cov``.
    node_space : builds ``proximity``.
    gene_map : both and this at once (``gm.feasibility``).
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map.feasibility``.

    Examples
    --------
    Firm data alone (φᶜ) says nothing about lithium or packs; the chain edges do
    (:func:`gene_map` combines both):

    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> feasibility(gm.coverage, gm.space.capability_proximity)[["node_id", "feasibility", "no_evidence", "related"]]
      node_id  feasibility  no_evidence    related
    0  N.CATH          1.0        False  (N.CELL,)
    1  N.CELL          1.0        False  (N.CATH,)
    2  N.PACK          NaN         True         ()
    3    N.LI          NaN         True         ()
    >>> feasibility(gm.coverage, gm.space.proximity)[["node_id", "status", "feasibility"]]
      node_id   status  feasibility
    0  N.PACK  missing          1.0
    1  N.CATH   single          1.0
    2    N.LI   single          1.0
    3  N.CELL     thin          0.5
    >>> gm.feasibility[["node_id", "related_present", "evidence"]]    # N.PACK: 1.0 on one chain link
      node_id  related_present evidence
    0  N.PACK                1    chain
    1  N.CATH                2     both
    2    N.LI                1    chain
    3  N.CELL                1     both
    """
    nodes = cov.nodes if isinstance(cov, Coverage) else cov
    labels = pd.Index(proximity.index)
    status = nodes.set_index("node_id")["status"]
    present = status.index[status.to_numpy() != "missing"]
    present = present[present.isin(labels)]
    dens = relatedness.density_for_profile(present, proximity)
    phi = proximity.reindex(index=labels, columns=labels).to_numpy(np.float64)
    want = status.index if statuses is None else status.index[status.isin(list(statuses))]
    want = want[want.isin(labels)]
    cols = labels.get_indexer(want)
    pres_idx = labels.get_indexer(present)
    no_ev = phi[:, cols].sum(axis=0) <= 0 if len(cols) else np.zeros(0, bool)
    dens_at = dens.to_numpy(np.float64)[cols] if len(cols) else np.zeros(0)
    out = pd.DataFrame({"node_id": want.to_numpy(object), "status": status.reindex(want).to_numpy(object),
                        "feasibility": np.where(no_ev, np.nan, dens_at),     # no evidence: no score, not 0
                        "no_evidence": no_ev})
    k = min(related, len(pres_idx))
    if k and len(cols):
        sub = phi[np.ix_(pres_idx, cols)]                      # present × gap
        order = np.argsort(-sub, axis=0, kind="stable")[:k]     # top-k present nodes per gap node
        top_phi = np.take_along_axis(sub, order, axis=0)
        names = present.to_numpy(object)[order]
        keep = (top_phi > 0) & (top_phi >= related_min)
        out["related"] = [tuple(n[m]) for n, m in zip(names.T, keep.T)]  # short lists: ≤ k each
        out["related_proximity"] = [tuple(p[m]) for p, m in zip(top_phi.T, keep.T)]
    else:
        out["related"] = [()] * len(out)
        out["related_proximity"] = [()] * len(out)
    sub = phi[np.ix_(pres_idx, cols)] if len(cols) else np.zeros((len(pres_idx), 0))
    out["related_present"] = (sub > 0).sum(axis=0).astype(np.int64)

    def _has(frame: pd.DataFrame | None) -> np.ndarray:
        if frame is None:
            return np.zeros(len(cols), bool)
        f = frame.reindex(index=labels, columns=labels).fillna(0.0).to_numpy(np.float64)
        return (f[np.ix_(pres_idx, cols)] > 0).any(axis=0) if len(cols) else np.zeros(0, bool)

    by_firms = _has(capability_proximity) if capability_proximity is not None or chain_proximity is not None \
        else out["related_present"].to_numpy() > 0
    by_chain = _has(chain_proximity)
    out["evidence"] = np.select([by_firms & by_chain, by_firms, by_chain], ["both", "cooccurrence", "chain"],
                                "none").astype(object)
    rank = pd.Categorical(out["status"], categories=list(STATUSES), ordered=True)
    out = out.assign(_s=rank).sort_values(["feasibility", "_s", "node_id"], ascending=[False, True, True])
    return out.drop(columns="_s").reset_index(drop=True)


# =========================================================================== bundle


@dataclass
class GeneMap:
    """Everything the gene-map notebook shows for one month.

    Built by :func:`gene_map`.

    Attributes
    ----------
    month : str or None
        The month (``YYYY-MM``) or None (firms with status ``active``).
    coverage : Coverage
        Node coverage (:func:`coverage`).
    space : NodeSpace
        Node proximity (:func:`node_space`).
    feasibility : DataFrame
        Feasibility of the gap nodes (:func:`feasibility`: node_id, status, feasibility in
        [0, 1], no_evidence, related, related_proximity).
    candidates : Series
        Per technology node (index node_id, every node), the number of distinct candidate
        firms with capability ≥ ``min_capability`` on it (any region; 0 where none).
    headline : dict
        Numbers for summary.json: the coverage headline (:attr:`Coverage.headline`) and
        ``feasibility`` (node_id → feasibility of each gap node, rounded to 6 places; None for
        a node without evidence).
    firms : DataFrame
        The workspace's firms table the map was built from (names, anchors).
    chain_edges : DataFrame or None
        The workspace's chain edges (None when it has none), for :func:`chain_graph`.
    candidate_links : DataFrame
        The candidate firms able to serve a node (firm_id, node_id; capability ≥
        ``min_capability``, one row per pair), behind ``candidates``; for counts over
        several nodes (:func:`missing_segments`).

    See Also
    --------
    gene_map : builds it.
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> gm.month, gm.headline["missing_nodes"], gm.headline["feasibility"]["N.CELL"]
    ('2026-03', ['N.PACK'], 0.5)
    >>> gm.candidates.to_dict()                    # the tiny park has no candidate firm
    {'N.LI': 0, 'N.CATH': 0, 'N.CELL': 0, 'N.PACK': 0}
    """

    month: str | None
    coverage: Coverage
    space: NodeSpace
    feasibility: pd.DataFrame
    candidates: pd.Series  # per node: candidates with capability ≥ min_capability
    headline: dict = field(default_factory=dict)
    firms: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    chain_edges: pd.DataFrame | None = field(default=None, repr=False)
    candidate_links: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"firm_id": [], "node_id": []}),
                                          repr=False)

    @property
    def cooccurrence_empty(self) -> bool:
        """True when no two technology nodes share a firm (every firm on one node, or no firm
        data): feasibility then rests on the chain edges alone.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> gene_map(tiny().tables, "2026-03").cooccurrence_empty
        False
        """
        phi = self.space.capability_proximity
        return not bool((phi.to_numpy(np.float64) > 0).any()) if len(phi) else True

    @property
    def weak_evidence(self) -> pd.DataFrame:
        """The gap nodes whose feasibility rests on one related present node (``related_present``
        = 1): a score of 1 there means one link, not a broad base. Rows of :attr:`feasibility`.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> gene_map(tiny().tables, "2026-03").weak_evidence["node_id"].tolist()
        ['N.PACK', 'N.LI', 'N.CELL']
        """
        f = self.feasibility
        return f[f["related_present"] == 1] if "related_present" in f else f.iloc[:0]

    def capability_matrix(self, **options) -> pd.DataFrame:
        """:func:`capability_matrix` of this map's coverage (``options``: nodes, top_nodes, max_firms)."""
        return capability_matrix(self.coverage, **options)

    def chain_graph(self):
        """:func:`chain_graph` of this map: the chain's edges between technology nodes."""
        return chain_graph(self.coverage.tree, self.chain_edges, self.coverage)

    def segment_graph(self):
        """:func:`segment_graph` of this map: the chain's edges summed between segments."""
        return segment_graph(self)

    def proximity_graph(self, **options):
        """:func:`proximity_graph` of this map's node space (``options``: extra_quantile, max_extra)."""
        return proximity_graph(self.space, self.coverage, **options)


def _candidate_links(candidates: pd.DataFrame | None, min_capability: float) -> pd.DataFrame:
    """(firm_id, node_id) of the candidates with capability ≥ ``min_capability``, one row per pair."""
    if candidates is None or not len(candidates):
        return pd.DataFrame({"firm_id": pd.Series(dtype=object), "node_id": pd.Series(dtype=object)})
    ok = candidates[candidates["capability"].to_numpy(np.float64) >= min_capability]
    return ok[["firm_id", "node_id"]].drop_duplicates().reset_index(drop=True)


def candidate_counts(candidates: pd.DataFrame | None, min_capability: float) -> pd.Series:
    """Per technology node, the number of distinct candidate firms able to serve it.

    A candidate (any region) counts on a node where its capability is at least
    ``min_capability``: the one count of candidates every page shows.

    Parameters
    ----------
    candidates : DataFrame or None
        The ``candidates`` table (firm_id, node_id, capability, …); None or empty: no counts.
    min_capability : float
        The capability a candidate needs on the node (``min_capability`` of the settings).

    Returns
    -------
    Series
        Counts indexed by node_id, only nodes with at least one candidate (int64), name
        ``candidates``.

    See Also
    --------
    gene_map : ``gm.candidates``, these counts for every technology node (0 where none).
    gap_nodes : shows them per gap node.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"firm_id": ["A", "A", "B", "C"], "node_id": ["N1", "N1", "N1", "N2"],
    ...                   "capability": [0.9, 0.8, 0.5, 0.1]})
    >>> candidate_counts(c, 0.3).to_dict()
    {'N1': 2}
    """
    if candidates is None or not len(candidates):
        return pd.Series(dtype="int64", name="candidates")
    ok = candidates[candidates["capability"].to_numpy(np.float64) >= min_capability]
    return ok.groupby("node_id")["firm_id"].nunique().astype(np.int64).rename("candidates")


def gene_map(tables: Mapping[str, pd.DataFrame], month: str | None, *, min_capability: float = 0.3,
             use_chain_edges: bool = True) -> GeneMap:
    """Coverage, node space and feasibility of every gap node for ``month``.

    Computed from the workspace tables (``chain_nodes``, ``firms``, ``firm_nodes``;
    ``chain_edges`` and ``candidates`` when present).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables (``ws.tables``): chain_nodes (with the loader's derived
        columns), firms, firm_nodes; chain_edges and candidates are used when present.
    month : str or None
        ``YYYY-MM``: the firms active in it count; None: firms with status ``active``.
    min_capability : float, default 0.3
        Capability a firm needs on a node, in (0, 1] (``min_capability`` of workspace.yaml).
    use_chain_edges : bool, default True
        Combine the supply-chain proximity φˢ with φᶜ; False: firm data alone (the map's
        ``chain_edges`` still holds the table, for :func:`chain_graph`).

    Returns
    -------
    GeneMap
        month, coverage (:func:`coverage`), space (:func:`node_space`), feasibility
        (:func:`feasibility` of the missing, single and thin nodes, density in [0, 1]),
        candidates (count per technology node), headline, firms and chain_edges; see
        :class:`GeneMap`.

    Raises
    ------
    ValueError
        If ``min_capability`` is not in (0, 1].

    See Also
    --------
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map`` builds
        this with the workspace's ``min_capability``.
    coverage, node_space, feasibility, candidate_counts : the parts.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> gm = gene_map(tables, "2026-03")
    >>> gm.feasibility[["node_id", "status", "feasibility"]]
      node_id   status  feasibility
    0  N.PACK  missing          1.0
    1  N.CATH   single          1.0
    2    N.LI   single          1.0
    3  N.CELL     thin          0.5
    """
    return _gene_map(tables, month, min_capability=min_capability, use_chain_edges=use_chain_edges)


def _gene_map(tables: Mapping[str, pd.DataFrame], month: str | None, *, min_capability: float,
              use_chain_edges: bool, firm_rows: np.ndarray | None = None) -> GeneMap:
    """:func:`gene_map`; ``firm_rows``: each firm_nodes row's row in the firms table (the first
    of its firm_id, -1 for none), when the caller has coded them."""
    firms, firm_nodes = tables["firms"], tables["firm_nodes"]
    distinct_ids = bool((network.first_rows(firms["firm_id"]) == np.arange(len(firms))).all())
    if firm_rows is None and distinct_ids:
        firm_rows = network.codes(firm_nodes["firm_id"], firms["firm_id"])       # coded once, for both below
    firm_of = firm_rows if distinct_ids else None
    cov = _coverage(tables["chain_nodes"], firms, firm_nodes, month=month, min_capability=min_capability,
                    zones=None, firm_of=firm_of)
    cands = tables.get("candidates")
    edges = tables.get("chain_edges") if use_chain_edges else None
    space = _node_space(tables["chain_nodes"], firm_nodes, firms=firms, candidates=cands, chain_edges=edges,
                        min_capability=min_capability, min_support=MIN_SUPPORT, firm_of=firm_of)
    feas = feasibility(cov, space.proximity, capability_proximity=space.capability_proximity,
                       chain_proximity=space.chain_proximity)
    n_cand = candidate_counts(cands, cov.min_capability).reindex(cov.nodes["node_id"], fill_value=0)
    n_cand = n_cand.astype(np.int64).rename("candidates")
    headline = dict(cov.headline)
    by_node = feas.set_index("node_id")["feasibility"]
    headline["feasibility"] = {k: (None if np.isnan(v) else round(float(v), 6))   # per gap node, in [0, 1];
                               for k, v in by_node.items()}                      # None: no evidence
    return GeneMap(month, cov, space, feas, n_cand, headline, firms=tables["firms"],
                   chain_edges=tables.get("chain_edges"), candidate_links=_candidate_links(cands, cov.min_capability))


# =========================================================================== views


def capability_matrix(cov: Coverage, *, nodes: Iterable[str] | None = None, top_nodes: int = 15,
                      max_firms: int = 30) -> pd.DataFrame:
    """Active local firm × technology node capability, for the heatmap.

    Nodes: ``nodes`` if given, else the ``top_nodes`` most important technology nodes (core
    first, then weight, then attributed output). Firms: active local firms with a
    ``firm_nodes`` row on one of them (below ``min_capability`` included), at most
    ``max_firms``, those with the largest summed capability on the nodes first. Cells are
    capabilities in (0, 1], NaN where the firm does not work on the node. Index firm_id,
    columns node_id (in the nodes' order).

    Parameters
    ----------
    cov : Coverage
        Node coverage (:func:`coverage`); its ``nodes`` and ``links`` are read.
    nodes : iterable of str, optional
        The technology nodes to show, in this order (None: the ``top_nodes`` most important).
    top_nodes : int, default 15
        Nodes shown when ``nodes`` is None.
    max_firms : int, default 30
        Firms shown at most.

    Returns
    -------
    DataFrame
        Firm × node capability (unitless, in (0, 1]; the largest where a firm has two rows
        on a node), NaN where the firm has no row on the node; index firm_id (largest summed
        capability first, ties in firm_id order), columns node_id. No row when no active
        local firm works on the nodes.

    See Also
    --------
    coverage : builds ``cov``.
    gene_map : builds it too (``gm.coverage``); :meth:`GeneMap.capability_matrix` is this.
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> capability_matrix(gene_map(tables, "2026-03").coverage)
    node_id  N.LI  N.CELL  N.CATH  N.PACK
    firm_id
    F2        NaN     0.4     0.8     NaN
    F3        NaN     1.0     NaN     NaN
    F1        0.9     NaN     NaN     NaN
    """
    table = cov.nodes
    if nodes is None:
        chosen = (table.sort_values(["core", "weight", "output", "node_id"], ascending=[False, False, False, True])
                  .head(top_nodes)["node_id"].tolist())
    else:
        chosen = list(nodes)
    links = cov.links[cov.links["active"].to_numpy(bool) & cov.links["node_id"].isin(chosen)]
    if not len(links):
        return pd.DataFrame(index=pd.Index([], name="firm_id"), columns=pd.Index(chosen, name="node_id"), dtype=float)
    wide = links.pivot_table(index="firm_id", columns="node_id", values="capability", aggfunc="max")
    wide = wide.reindex(columns=chosen)
    order = wide.sum(axis=1).sort_values(ascending=False, kind="stable")
    wide = wide.loc[order.index[:max_firms]]
    wide.columns.name = "node_id"
    return wide


def zone_node_matrix(firms: pd.DataFrame, firm_nodes: pd.DataFrame, *, month: str | None = None,
                     chain_nodes: pd.DataFrame | None = None, level: str = "node") -> pd.DataFrame:
    """Zone × node attributed output of active local firms (currency per year).

    The location × activity matrix for :func:`ecolib.analyses.relatedness.complexity` across
    zones (RCA, ECI, COI).

    ``level="segment"`` (needs ``chain_nodes``) sums technology nodes into their segments.
    Firms without a zone are left out.

    Parameters
    ----------
    firms : DataFrame
        The firms table: firm_id, local, zone, status, exit_month, output (currency per year).
    firm_nodes : DataFrame
        Firm × node rows: firm_id, node_id, share (of the firm's output, in [0, 1]).
    month : str or None, default None
        ``YYYY-MM``: the firms active in it count; None: firms with status ``active``.
    chain_nodes : DataFrame, optional
        The chain tree with ``segment_id`` (loaded workspace); needed for ``level="segment"``.
    level : {"node", "segment"}, default "node"
        Columns per node (every node with such a row, a technology node or not) or per
        segment (rows on nodes above the segments are left out).

    Returns
    -------
    DataFrame
        Zone × node (or segment) attributed output Σ output × share, currency per year,
        0 where a zone has none; index ``zone`` (zones with an active local firm that has
        a ``firm_nodes`` row, sorted), columns the node or segment ids (sorted by id).

    Raises
    ------
    ValueError
        For an unknown ``level``, or ``level="segment"`` without ``chain_nodes``.

    See Also
    --------
    ecolib.analyses.niche.zone_output : the same matrix with every zone and every group of a
        level, in chain order (``ecolib.analyse(ws, month).niche.output``).
    ecolib.analyses.relatedness.complexity : RCA, ECI, COI of such a matrix.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> zone_node_matrix(ws.tables["firms"], ws.tables["firm_nodes"], month="2026-03")
    node_id  N.CATH  N.CELL   N.LI
    zone
    North     100.0   100.0  100.0
    South       0.0  1000.0    0.0
    >>> zone_node_matrix(ws.tables["firms"], ws.tables["firm_nodes"], month="2026-03",
    ...                  chain_nodes=ws.tables["chain_nodes"], level="segment")
    node_id  G.CELL  G.MAT
    zone
    North     100.0  200.0
    South    1000.0    0.0
    """
    act = active_mask(firms, month) if month is not None else firms["status"].eq("active")
    f = firms[firms["local"].to_numpy(bool) & act.to_numpy(bool) & firms["zone"].fillna("").ne("")]
    links = firm_nodes.merge(f[["firm_id", "zone", "output"]], on="firm_id", how="inner")
    links = links.assign(value=links["output"].fillna(0.0) * links["share"].fillna(0.0))
    if level == "segment":
        if chain_nodes is None:
            raise ValueError('level="segment" needs chain_nodes')
        seg = chain_nodes.set_index("node_id")["segment_id"]
        links = links.assign(node_id=links["node_id"].map(seg)).dropna(subset=["node_id"])
    elif level != "node":
        raise ValueError(f'level must be "node" or "segment", got {level!r}')
    return links.pivot_table(index="zone", columns="node_id", values="value", aggfunc="sum", fill_value=0.0)


def chain_graph(chain_nodes: pd.DataFrame, chain_edges: pd.DataFrame, cov: Coverage):
    """The chain as a directed graph of technology nodes (networkx ``DiGraph``).

    Node attributes from ``cov.nodes`` (name, name_zh, segment_id, stage, weight, core, firms,
    status), edge attribute ``weight``. Edges on non-leaf nodes are left out.

    Parameters
    ----------
    chain_nodes : DataFrame
        The chain tree; not read (the nodes come from ``cov.nodes``), kept for the call
        signature (:meth:`GeneMap.chain_graph` passes ``coverage.tree``).
    chain_edges : DataFrame or None
        Chain edges: source, target, weight (a missing weight counts 1); None or empty: no
        edge.
    cov : Coverage
        Node coverage (:func:`coverage`): the nodes and their attributes.

    Returns
    -------
    networkx.DiGraph
        One node per technology node, with the attributes above (weight unitless, firms a
        count); one edge source → target per chain edge between two technology nodes, with
        its ``weight`` (a repeated pair keeps the last).

    See Also
    --------
    gene_map : builds ``cov`` and keeps the chain edges; :meth:`GeneMap.chain_graph` is this.
    proximity_graph : the undirected network of node proximity.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> g = chain_graph(gm.coverage.tree, ws.tables["chain_edges"], gm.coverage)
    >>> sorted(g.edges(data="weight"))
    [('N.CATH', 'N.CELL', 1.0), ('N.CELL', 'N.PACK', 1.0), ('N.LI', 'N.CATH', 1.0)]
    >>> g.nodes["N.PACK"]["status"], g.nodes["N.PACK"]["firms"]
    ('missing', 0)
    """
    import networkx as nx

    g = nx.DiGraph()
    cols = ["name", "name_zh", "segment_id", "stage", "weight", "core", "firms", "status"]
    attrs = cov.nodes.set_index("node_id")[cols].to_dict("index")
    g.add_nodes_from(attrs.items())
    if chain_edges is not None and len(chain_edges):
        e = chain_edges[chain_edges["source"].isin(attrs) & chain_edges["target"].isin(attrs)]
        w = e["weight"].fillna(1.0) if "weight" in e else pd.Series(1.0, index=e.index)
        g.add_weighted_edges_from(zip(e["source"], e["target"], w.astype(float)))
    return g


def segment_graph(gm: "GeneMap"):
    """The chain at segment level (networkx ``DiGraph``): one node per segment, one edge per
    pair of segments that the chain's edges link, with those edges counted.

    An edge on a technology node counts for its segment, an edge on a segment for the segment
    itself; edges within one segment and edges on a stage or the chain are left out.

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`gene_map`): its coverage (segments and their nodes' status) and
        the workspace's chain edges.

    Returns
    -------
    networkx.DiGraph
        Nodes: the segments with at least one technology node, in chain order, with
        attributes name, name_zh, stage, leaves (technology nodes), missing, single, thin,
        covered (technology nodes by status), core_gaps (core nodes not covered), firms
        (distinct qualifying firms), weight (summed importance of its nodes), coverage_rate
        (share in [0, 1]) and whole_missing (every node missing). Edges source → target with
        links (chain edges between the two segments, count), weight (their summed weight,
        a missing weight counts 1) and missing_links (those of them with a missing technology
        node, or a wholly missing segment, at either end; count).

    See Also
    --------
    chain_graph : the same edges between technology nodes.
    gene_map : builds ``gm``; :meth:`GeneMap.segment_graph` is this.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> g = segment_graph(gene_map(tiny().tables, "2026-03"))
    >>> sorted(g.edges(data=True))     # N.CATH → N.CELL; the other two edges stay inside a segment
    [('G.MAT', 'G.CELL', {'links': 1, 'weight': 1.0, 'missing_links': 0})]
    >>> g.nodes["G.CELL"]["missing"], g.nodes["G.CELL"]["whole_missing"]
    (1, False)
    """
    import networkx as nx

    cov = gm.coverage
    tree = cov.tree
    segs = tree[(tree["level"] == "segment") & (tree["leaves"] > 0)]
    g = nx.DiGraph()
    cols = ["name", "name_zh", "stage", "leaves", "missing", "single", "thin", "covered", "core_gaps", "firms",
            "leaf_weight", "coverage_rate"]
    attrs = segs.set_index("node_id")[cols].rename(columns={"leaf_weight": "weight"})
    attrs["whole_missing"] = (attrs["missing"] == attrs["leaves"]).to_numpy(bool)
    for c in ("leaves", "missing", "single", "thin", "covered", "core_gaps", "firms"):
        attrs[c] = attrs[c].astype(np.int64)
    g.add_nodes_from(attrs.to_dict("index").items())
    edges = gm.chain_edges
    if edges is None or not len(edges) or not len(segs):
        return g
    nodes = cov.nodes.set_index("node_id")
    seg_of = pd.concat([nodes["segment_id"], pd.Series(segs["node_id"].to_numpy(object), index=segs["node_id"])])
    missing = pd.concat([nodes["status"].eq("missing"), attrs["whole_missing"]])
    e = pd.DataFrame({"a": edges["source"].map(seg_of), "b": edges["target"].map(seg_of),
                      "w": (edges["weight"].fillna(1.0) if "weight" in edges else pd.Series(1.0, index=edges.index))
                      .astype(float),
                      "m": edges["source"].map(missing).fillna(False).astype(bool)
                      | edges["target"].map(missing).fillna(False).astype(bool)})
    e = e.dropna(subset=["a", "b"])
    e = e[(e["a"] != e["b"]) & e["a"].isin(attrs.index) & e["b"].isin(attrs.index)]
    agg = e.groupby(["a", "b"], sort=True).agg(links=("w", "size"), weight=("w", "sum"), missing_links=("m", "sum"))
    g.add_edges_from((a, b, {"links": int(r.links), "weight": float(r.weight), "missing_links": int(r.missing_links)})
                     for (a, b), r in zip(agg.index, agg.itertuples()))   # one per linked pair of segments
    return g


def proximity_graph(space: NodeSpace, cov: Coverage, *, extra_quantile: float = 0.95, max_extra: float = 2.0):
    """The node proximity network (networkx ``Graph``), as the Atlas draws the product space.

    The maximum spanning tree of φ plus the pairs with φ at or above the ``extra_quantile`` of
    the positive φ values, at most ``max_extra`` × (number of nodes) of them, strongest first
    (so the picture stays readable for 500 nodes). Edge attribute ``proximity``; node
    attributes as in :func:`chain_graph`. Nodes related to nothing stay isolated.

    Parameters
    ----------
    space : NodeSpace
        Node proximity (:func:`node_space`); ``space.proximity`` (φ) is drawn.
    cov : Coverage
        Node coverage (:func:`coverage`): the nodes and their attributes.
    extra_quantile : float, default 0.95
        Quantile (in [0, 1]) of the positive φ values above which a pair is added to the
        spanning tree.
    max_extra : float, default 2.0
        The added pairs are at most this many times the number of nodes.

    Returns
    -------
    networkx.Graph
        One node per technology node of ``cov`` (attributes as in :func:`chain_graph`);
        edges with attribute ``proximity`` (φ, unitless in (0, 1]).

    See Also
    --------
    gene_map : builds ``space`` and ``cov``; :meth:`GeneMap.proximity_graph` is this.
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map``.
    chain_graph : the directed chain.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> g = proximity_graph(gm.space, gm.coverage)
    >>> g.number_of_nodes(), sorted(g.edges())
    (4, [('N.CATH', 'N.CELL'), ('N.CELL', 'N.PACK'), ('N.LI', 'N.CATH')])
    >>> float(g.edges["N.CELL", "N.PACK"]["proximity"])
    1.0
    """
    import networkx as nx

    phi = space.proximity
    a = np.triu(phi.to_numpy(np.float64), 1)
    i, j = np.nonzero(a > 0)
    labels = phi.index.to_numpy(object)
    full = nx.Graph()
    full.add_weighted_edges_from(zip(labels[i], labels[j], a[i, j]), weight="proximity")
    tree = nx.maximum_spanning_tree(full, weight="proximity") if full.number_of_edges() else full
    g = nx.Graph()
    cols = ["name", "name_zh", "segment_id", "stage", "weight", "core", "firms", "status"]
    g.add_nodes_from(cov.nodes.set_index("node_id")[cols].to_dict("index").items())
    g.add_edges_from(tree.edges(data=True))
    if len(i):
        v = a[i, j]
        keep = np.flatnonzero(v >= np.quantile(v, extra_quantile))
        keep = keep[np.argsort(-v[keep], kind="stable")][: int(max_extra * len(labels))]
        g.add_weighted_edges_from(zip(labels[i][keep], labels[j][keep], v[keep]), weight="proximity")
    return g


# =========================================================================== gap nodes


def related_segments(gm: GeneMap, node_ids: Iterable[str], *, top: int = 3) -> pd.DataFrame:
    """The segments of the park's present nodes that ``node_ids`` are most related to.

    For every present technology node p' (status not missing) outside ``node_ids``, its
    proximity to the group is Σ_p φ_p'p over p in ``node_ids``; summed by the segment of p'.

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`gene_map`); φ is ``gm.space.proximity``.
    node_ids : iterable of str
        The group of technology nodes (e.g. the nodes of a missing segment).
    top : int, default 3
        How many segments to return at most.

    Returns
    -------
    DataFrame
        The ``top`` segments with proximity > 0, largest first: segment_id, proximity (that
        sum of φ, unitless), firms (distinct qualifying firms in the segment). No row when
        no present node is related to the group.

    See Also
    --------
    gene_map : builds ``gm``.
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map``.
    Coverage : ``headline["missing_segments"]`` lists segments whose nodes make such a group.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> related_segments(gene_map(tiny().tables, "2026-03"), ["N.PACK"])
      segment_id  proximity  firms
    0     G.CELL        1.0      2
    """
    ids = pd.Index(list(node_ids))
    phi = gm.space.proximity
    cols = ids[ids.isin(phi.columns)]
    nodes = gm.coverage.nodes.set_index("node_id")
    present = nodes.index[(nodes["status"] != "missing").to_numpy() & ~nodes.index.isin(ids)]
    present = present[present.isin(phi.index)]
    if not len(cols) or not len(present):
        return pd.DataFrame({"segment_id": [], "proximity": [], "firms": []})
    score = phi.loc[present, cols].sum(axis=1)
    by_seg = score.groupby(nodes.loc[present, "segment_id"].to_numpy()).sum()
    by_seg = by_seg[by_seg > 0].sort_values(ascending=False, kind="stable").head(top)
    firms = gm.coverage.tree.set_index("node_id")["firms"]
    return pd.DataFrame({"segment_id": by_seg.index.to_numpy(object), "proximity": by_seg.to_numpy(),
                         "firms": firms.reindex(by_seg.index).fillna(0).astype(np.int64).to_numpy()})


def missing_segments(gm: GeneMap, *, related: int = 3) -> pd.DataFrame:
    """The segments of which every technology node is missing, each as one gap.

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`gene_map`); the segments are ``coverage.headline["missing_segments"]``.
    related : int, default 3
        Segments the park has kept per missing segment (:func:`related_segments`).

    Returns
    -------
    DataFrame
        One row per such segment, the most important first (summed weight, then segment_id):
        segment_id, stage, nodes (tuple of its technology node ids, core first, then by
        weight), core (core nodes among them, count), weight (their summed importance),
        candidates (distinct candidate firms able to serve at least one of them: a firm on two
        nodes counts once), feasibility_min, feasibility_max (lowest and highest
        feasibility of its nodes with evidence, in [0, 1]; NaN when none has any),
        no_evidence (nodes related to nothing, count), related (tuple of the segment ids of
        :func:`related_segments`) and related_firms (tuple of their qualifying firms, counts).

    See Also
    --------
    gap_nodes : the missing nodes one by one (``whole_segments=False`` leaves these out).
    related_segments : the segments the park has that a group of nodes is related to.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> missing_segments(gene_map(tiny().tables, "2026-03"))   # G.CELL still has its cells
    Empty DataFrame
    Columns: [segment_id, stage, nodes, core, weight, candidates, feasibility_min, feasibility_max, no_evidence, related, related_firms]
    Index: []
    """
    cols = ["segment_id", "stage", "nodes", "core", "weight", "candidates", "feasibility_min", "feasibility_max",
            "no_evidence", "related", "related_firms"]
    segs = list(gm.coverage.headline.get("missing_segments", []))
    nodes = gm.coverage.nodes
    tree = gm.coverage.tree.set_index("node_id")
    feas = gm.feasibility.set_index("node_id")
    rows = []
    for seg in segs:                                  # the wholly missing segments: a handful at most
        leaves = nodes[nodes["segment_id"] == seg].sort_values(["core", "weight", "node_id"],
                                                               ascending=[False, False, True])
        ids = leaves["node_id"]
        ev = ~ids.map(feas["no_evidence"]).fillna(True).astype(bool)
        f = ids.map(feas["feasibility"])[ev.to_numpy()]
        rel = related_segments(gm, ids, top=related)
        cand = gm.candidate_links
        rows.append({"segment_id": seg, "stage": tree["stage"].get(seg), "nodes": tuple(ids),
                     "core": int(leaves["core"].sum()), "weight": float(leaves["weight"].sum()),
                     "candidates": int(cand.loc[cand["node_id"].isin(ids), "firm_id"].nunique()),
                     "feasibility_min": float(f.min()) if len(f) else np.nan,
                     "feasibility_max": float(f.max()) if len(f) else np.nan,
                     "no_evidence": int((~ev).sum()), "related": tuple(rel["segment_id"]),
                     "related_firms": tuple(int(x) for x in rel["firms"])})
    out = pd.DataFrame(rows, columns=cols)
    if not len(out):
        return out
    return out.sort_values(["weight", "segment_id"], ascending=[False, True]).reset_index(drop=True)


def single_order(nodes: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """Single-supplier nodes, most fragile first.

    Core nodes first; then nodes whose one firm is not an anchor firm (链主: an anchor's own
    node stands and falls with the anchor, a smaller sole supplier is the weaker link); then
    nodes that lost a firm (``firms_exited`` > 0); then by weight (descending) and node_id.

    Parameters
    ----------
    nodes : DataFrame
        Rows of :attr:`Coverage.nodes` (core, top_firm, firms_exited, weight, node_id).
    firms : DataFrame
        The firms table (firm_id, anchor); without an ``anchor`` column no firm is an anchor.

    Returns
    -------
    DataFrame
        ``nodes`` reordered (same columns, same index).

    See Also
    --------
    coverage : builds the nodes (``cov.nodes``).
    gap_nodes : lists the single-firm nodes in this order.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> nodes = gene_map(ws.tables, "2026-03").coverage.nodes
    >>> single = nodes[nodes["status"] == "single"]
    >>> single_order(single, ws.tables["firms"])[["node_id", "core", "weight", "top_firm"]]
      node_id  core  weight top_firm
    0    N.LI  True     2.0       F1
    1  N.CATH  True     1.0       F2
    """
    anchor = firms.set_index("firm_id")["anchor"] if "anchor" in firms else pd.Series(dtype=bool)
    by_anchor = nodes["top_firm"].map(anchor).fillna(False).astype(bool)
    return (nodes.assign(_a=by_anchor.to_numpy(), _x=nodes["firms_exited"].to_numpy() > 0)
            .sort_values(["core", "_a", "_x", "weight", "node_id"], ascending=[False, True, False, False, True])
            .drop(columns=["_a", "_x"]))


def gap_nodes(gm: GeneMap, status: str, *, whole_segments: bool = True) -> pd.DataFrame:
    """The technology nodes with coverage ``status``, most important first.

    The rows of the gene map's table of missing, single-firm or thin nodes.

    Order: single-firm nodes by :func:`single_order` (most fragile first); the others core
    first, then by weight (descending), then node_id.

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`gene_map`); ``gm.firms`` says which firms are anchors.
    status : {"missing", "single", "thin", "covered"}
        The coverage status of the nodes to list.
    whole_segments : bool, default True
        False: leave out the nodes of the segments missing as a whole
        (:func:`missing_segments` lists those, one row per segment).

    Returns
    -------
    DataFrame
        One row per node: node_id, status, segment_id, core, weight (importance), firms
        (qualifying firms), firms_below (active local firms under ``min_capability``),
        firms_exited (local firms not active in the month), candidates (candidate firms with
        capability ≥ ``min_capability``), feasibility (density in [0, 1], NaN for a node
        without evidence or without a feasibility row, e.g. a covered node), no_evidence (related to no node at
        all; True for a node without a feasibility row), related (tuple of the closest
        present node ids, :func:`feasibility`; () without a row), related_present and evidence
        (the evidence behind the feasibility, :func:`feasibility`; 0 and ``none`` without a row).

    Raises
    ------
    ValueError
        For a ``status`` not in :data:`STATUSES`.

    See Also
    --------
    gene_map : builds ``gm``.
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map``.
    single_order : the order of the single-firm nodes.
    node_firms : the firms behind each of these nodes.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> gap_nodes(gene_map(tiny().tables, "2026-03"), "single")[["node_id", "firms", "feasibility", "related"]]
      node_id  firms  feasibility         related
    0    N.LI      1          1.0       (N.CATH,)
    1  N.CATH      1          1.0  (N.LI, N.CELL)
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    nodes = gm.coverage.nodes
    sel = nodes[nodes["status"] == status]
    if not whole_segments:
        sel = sel[~sel["segment_id"].isin(list(gm.coverage.headline.get("missing_segments", [])))]
    if status == "single":
        sel = single_order(sel, gm.firms)
    else:
        sel = sel.sort_values(["core", "weight", "node_id"], ascending=[False, False, True])
    feas = gm.feasibility.set_index("node_id")
    related = sel["node_id"].map(feas["related"]).to_numpy(object)
    return pd.DataFrame({
        "node_id": sel["node_id"].to_numpy(object),
        "status": sel["status"].to_numpy(object),
        "segment_id": sel["segment_id"].to_numpy(object),
        "core": sel["core"].to_numpy(bool),
        "weight": sel["weight"].to_numpy(np.float64),
        "firms": sel["firms"].to_numpy(np.int64),
        "firms_below": sel["firms_below"].to_numpy(np.int64),
        "firms_exited": sel["firms_exited"].to_numpy(np.int64),
        "candidates": sel["node_id"].map(gm.candidates).fillna(0).astype(np.int64).to_numpy(),
        "feasibility": sel["node_id"].map(feas["feasibility"]).to_numpy(np.float64),
        "no_evidence": sel["node_id"].map(feas["no_evidence"]).fillna(True).to_numpy(bool),
        "related": pd.Series([r if isinstance(r, tuple) else () for r in related], dtype=object).to_numpy(object),
        "related_present": (sel["node_id"].map(feas["related_present"]).fillna(0).astype(np.int64).to_numpy()
                            if "related_present" in feas else np.zeros(len(sel), np.int64)),
        "evidence": (sel["node_id"].map(feas["evidence"]).fillna("none").to_numpy(object)
                     if "evidence" in feas else np.full(len(sel), "none", object)),
    })


def branch_gaps(gm: GeneMap, root: str | None = None) -> pd.DataFrame:
    """The gap nodes (missing, single, thin) under the chain node ``root``, worst status first.

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`gene_map`).
    root : str or None
        A chain node (stage, segment …); None: the whole chain.

    Returns
    -------
    DataFrame
        The rows of :func:`gap_nodes` for each status of :data:`GAP_STATUSES` in turn (each
        in its own order), kept where the node lies in the subtree of ``root`` (same
        columns); a fresh index.

    See Also
    --------
    gene_map : builds ``gm``.
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map``.
    gap_nodes : the rows of one status.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> branch_gaps(gene_map(tiny().tables, "2026-03"), "G.CELL")[["node_id", "status"]]
      node_id   status
    0  N.PACK  missing
    1  N.CELL     thin
    """
    table = pd.concat([gap_nodes(gm, s) for s in GAP_STATUSES], ignore_index=True)
    if root is not None:
        pairs = chain.ancestor_pairs(gm.coverage.tree[["node_id", "parent_id"]])
        inside = pairs.loc[pairs["ancestor_id"] == root, "node_id"]
        table = table[table["node_id"].isin(inside)]
    return table.reset_index(drop=True)


def node_firms(cov: Coverage, node_ids: Iterable[str]) -> pd.DataFrame:
    """The local firms on each of ``node_ids``, highest capability first, by their role there.

    Parameters
    ----------
    cov : Coverage
        Node coverage (:func:`coverage`); its ``links`` are read.
    node_ids : iterable of str
        Technology nodes.

    Returns
    -------
    DataFrame
        One row per ``firm_nodes`` row of a local firm on one of the nodes, sorted by
        capability (descending) then firm_id: node_id, firm_id, capability (0–1), role
        (``qualifying``: active with capability ≥ ``min_capability``; ``below``: active, under
        the threshold; ``exited``: not active in the month).

    See Also
    --------
    coverage : builds ``cov``.
    gene_map : builds it too (``gm.coverage``).
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map.coverage``.
    gap_nodes : the nodes to ask about.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> cov = gene_map(tiny().tables, "2026-03").coverage
    >>> node_firms(cov, ["N.CELL", "N.PACK"])
      node_id firm_id  capability        role
    0  N.CELL      F3         1.0  qualifying
    1  N.PACK      F4         0.7      exited
    2  N.CELL      F2         0.4  qualifying
    """
    links = cov.links[cov.links["node_id"].isin(list(node_ids))]
    role = np.select([links["qualifies"].to_numpy(bool), links["active"].to_numpy(bool)], ["qualifying", "below"],
                     default="exited").astype(object)
    out = pd.DataFrame({"node_id": links["node_id"].to_numpy(object), "firm_id": links["firm_id"].to_numpy(object),
                        "capability": links["capability"].to_numpy(np.float64), "role": role})
    return out.sort_values(["capability", "firm_id"], ascending=[False, True]).reset_index(drop=True)


def main_activity(gm: "GeneMap", *, level: str = "stage") -> pd.DataFrame:
    """The park's active local firms by the stage (or segment) of their main node, and their output.

    Each firm is counted once, where most of its output is (the rule of
    :func:`ecolib.foundations.firms.firm_profile`), so the counts add up to the park's active
    local firms and the output to theirs, as on the overview. A firm known only by a segment
    or stage counts there (at the stage level; at the segment level only when its node lies
    within a segment); a firm without any ``firm_nodes`` row has no stage and is not counted
    (the overview shows it as unassigned).

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`gene_map`): its firms, its month and its coverage's links and tree.
    level : {"stage", "segment"}
        The level of the chain tree to group by.

    Returns
    -------
    DataFrame
        One row per chain node of ``level`` with such firms, in chain order: node_id, firms
        (count), output (annual output of those firms, currency per year).

    See Also
    --------
    gene_map : builds ``gm``.
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map``.
    stage_counts : adds these counts to the coverage per stage.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> main_activity(gene_map(tiny().tables, "2026-03"))
      node_id  firms  output
    0    S.UP      2   300.0
    1   S.MID      1  1000.0
    """
    from ecolib.foundations.firms import firm_profile, local_active

    cov = gm.coverage
    tree = cov.tree                         # every chain node: a firm on a segment counts too
    month = gm.month or "9999-12"           # no month: firms with status active
    nodes = tree.assign(segment_id=chain.ancestor_at(tree, "segment").to_numpy(object))
    profile = local_active(firm_profile(gm.firms, cov.links, nodes, month))
    key = profile["node_id"].map(chain.ancestor_at(tree, level))
    out = (profile.assign(group=key).dropna(subset=["group"]).groupby("group", sort=False)
           .agg(firms=("firm_id", "size"), output=("output", "sum")))
    order = tree.loc[tree["level"] == level, "node_id"]
    out = out.reindex([n for n in order if n in out.index])
    return out.rename_axis("node_id").reset_index().astype({"firms": "int64", "output": "float64"})


def stage_counts(source: "Coverage | GeneMap", *, level: str = "stage") -> pd.DataFrame:
    """Technology nodes by status, core gaps, coverage rate, firms and output per stage.

    Per segment with ``level="segment"``; rows in chain order.

    Parameters
    ----------
    source : GeneMap or Coverage
        The gene map (:func:`gene_map`) or its node coverage (:func:`coverage`); the
        coverage's ``tree`` roll-ups are read. With a GeneMap the park's firms by main
        activity are added (:func:`main_activity`).
    level : {"stage", "segment"}
        The level of the chain tree to list.

    Returns
    -------
    DataFrame
        One row per chain node of ``level``: node_id, stage (code, None off the stage
        vocabulary), name, name_zh, leaves (technology nodes), covered, thin, single, missing
        (technology nodes by status), core_gaps (core nodes not covered), coverage_rate
        (importance-weighted share of nodes not missing, in [0, 1]), firms (distinct qualifying
        firms: a firm able to serve nodes of two stages counts in both), output (attributed to
        the qualifying links, currency per year); from a GeneMap also firms_main and
        output_main (firms by main activity and their output, each firm once: 0 where none).

    See Also
    --------
    gene_map : builds the GeneMap (``coverage`` builds a Coverage alone).
    ecolib.analyses.month.MonthModel.gene_map : ``ecolib.analyse(ws, month).gene_map``.
    main_activity : the firms_main and output_main columns.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> gm = gene_map(tiny().tables, "2026-03")
    >>> stage_counts(gm)[["node_id", "leaves", "covered", "thin", "single", "missing", "firms", "firms_main"]]
      node_id  leaves  covered  thin  single  missing  firms  firms_main
    0    S.UP       2        0     0       2        0      2           2
    1   S.MID       2        0     1       0        1      2           1
    """
    cov = source.coverage if isinstance(source, GeneMap) else source
    rows = cov.tree[cov.tree["level"] == level]
    rows = rows[["node_id", "stage", "name", "name_zh", "leaves", "covered", "thin", "single", "missing", "core_gaps",
                 "coverage_rate", "firms", "output"]].reset_index(drop=True)
    if isinstance(source, GeneMap):
        main = main_activity(source, level=level).set_index("node_id")
        rows["firms_main"] = rows["node_id"].map(main["firms"]).fillna(0).astype("int64").to_numpy()
        rows["output_main"] = rows["node_id"].map(main["output"]).fillna(0.0).to_numpy(np.float64)
    return rows
