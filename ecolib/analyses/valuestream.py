"""Value-stream map (产业价值流图谱), DESIGN.md §4: where value flows between the chain's
segments, where it leaks out of the park, which firms are isolated, which connect, which chain
links are broken, and the input-output view of the park's segments.

Every function is pure and vectorised (numpy, pandas, scipy.sparse): no loop over firms or
flows, so a region of 100k firms and 1M flows is seconds (``make bench``). Money is in the
workspace currency (``currency`` in workspace.yaml); flow values are summed over the window.

Definitions
-----------
* **Window**: the ``window`` months ending at the report ``month`` (``months.window``).
  Optionally only some flow kinds (``kind``: goods, technology, data, service, capital).
* **Attribution**: a flow ``v`` from firm ``a`` to firm ``b`` is split over node groups by
  the firms' ``firm_nodes.share``: ``v · share(a, I) · share(b, J)`` goes from group ``I`` to
  group ``J``. In matrix form ``Z = Sᵀ F S`` with ``F`` the firm × firm flow matrix and ``S``
  the firm × group share matrix. A firm without any ``firm_nodes`` row is attributed wholly to
  the group :data:`UNASSIGNED`, so value is conserved: every level sums to the same total.
* **Level** (``level``): ``"segment"`` (default; depth 2, the parent of the technology nodes),
  ``"stage"`` (depth 1), ``"node"`` (every node its own group), ``"chain"`` (depth 0), or an
  int depth. A node deeper than the level goes to its ancestor at that depth; a node at or
  above it is its own group (rolling up the tree conserves value).
* **Local** and **external** firms: ``firms.local``. External parties trade with the park;
  they are attributed to groups by their own ``firm_nodes`` rows like any firm.
* **Segment flow matrix** ``Z[I, J]``: local → local value from group I to group J
  (:attr:`SegmentFlows.local`); with external parties: :attr:`SegmentFlows.from_external`
  (external firms of group I → local firms of J), :attr:`SegmentFlows.to_external` (local I →
  external firms of J) and :meth:`SegmentFlows.with_external` (one extra row and column).
* **Local sourcing ratio** (本地配套率) of group J: local inflow of J / all inflow of J, where
  inflow counts flows into J's local firms. **Import dependence** = external inflow / all
  inflow (= 1 − local sourcing). **Sales outside** of group I (``leakage``; 价值外溢 in the
  design, "value leakage"): outflow of I's local firms to external firms / all outflow of I's
  local firms. Selling outside the park is not a loss; the pages call it the share of sales to
  buyers outside the park. Ratios with a zero denominator are NaN ("undefined", never a
  made-up 0), the value columns stay 0.
* **Isolated firms** (散落的珍珠): local firms active in the report month
  (:func:`ecolib.foundations.firms.active_mask`) with no flow to or from another local firm
  (active or since exited) in the window (kinds filtered as asked).
* **Connector firms** (金线): betweenness centrality of each local firm in the local firm
  graph of the window (edge = the value both ways between two local firms, length =
  1 / value, so heavy links are short), normalised as networkx does (share of the other
  firm pairs whose shortest path runs through the firm), and the number of distinct groups its
  local trading partners belong to (``segments_linked``). Computed by
  :func:`ecolib.foundations.network.betweenness` (networkit): up to ``exact_max`` (5,000)
  firms in the graph exact, equal to ``networkx.betweenness_centrality(weight=length)``;
  above, networkit's unbiased pivot estimate from ``k`` seeded random pivot firms: ``k`` = 256,
  cut to ``25e6 / edges`` pivots for very large graphs but never below 32 (a 100k-firm,
  1M-flow region: ~0.8M local edges, k = 32, about 9 s; pass ``samples=`` for more precision;
  the error shrinks like 1/√k, figures in :mod:`ecolib.foundations.network`). Equally short
  alternative paths share the pair in both.
* **Broken links** (价值传导断裂): chain edges rolled up to the level (``I → J``, I ≠ J) where
  both I and J have active local firms and both halves hold: the local buyers (J) buy mostly
  from outside (``local_share = Z[I, J] / (Z[I, J] + from_external[I, J])`` below
  ``threshold``, default 10 %, ``thresholds.broken_link_share``) and the local suppliers (I)
  sell outside (``to_external[I, J] > 0``), with ``value_at_stake = min(from_external[I, J],
  to_external[I, J])`` at least ``min_value`` (default 10,000,000 in the currency over the
  window, ``thresholds.broken_link_min_value``). Links from service segments (stage
  ``service``) are not judged by default; the other statuses are in :func:`broken_links`.
* **Collaboration density**: directed local firm-to-firm links (pairs with a flow in the
  window, among the n active local firms) / (n (n − 1)); and the local inter-firm value / the
  local firms' output over the window (annual output × window / 12).
* **Input-output view** of the groups: ``x`` = output of active local firms attributed by
  share and scaled to the window (× window / 12), ``Z`` = the local flow matrix; A, L,
  Rasmussen linkages, the Ghosh variant and hypothetical extraction from
  :mod:`ecolib.analyses.iotable`. Groups with ``x = 0`` are left out (listed in ``excluded``).
* **National view** (:func:`national`): the park's segments mapped to the 42 sectors of
  China's 2020 input-output table (:data:`SECTOR_RULES`), with those sectors' national linkages.

The firms and window flows are coded once per month by :func:`ecolib.foundations.network.flow_graph`
(the one flow-network module). Pure: numbers, ids and codes only; the words, table specs and
figures of the page are in :mod:`ecolib.presentation` (``narrative.valuestream``,
``tables.valuestream``, ``plots.valuestream``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ecolib.analyses import iotable
from ecolib.contract.schema import STAGES, THRESHOLD_SETTINGS  # the contract's vocabulary and defaults
from ecolib.datasets.china_io import load_sector_rules, sector_code
from ecolib.foundations import chain, frames, network
from ecolib.foundations.firms import firm_profile, reported
from ecolib.foundations.network import KINDS, FlowGraph, codes, flow_graph, window_flows, window_mask  # noqa: F401
from ecolib.workspace.tree import node_depths

__all__ = [
    "UNASSIGNED", "EXTERNAL", "KINDS", "LEVEL_DEPTHS", "SECTOR_RULES",
    "level_groups", "group_table", "window_flows", "window_mask",
    "SegmentFlows", "segment_flows", "local_sourcing", "leakage", "sourcing_table", "sourcing_totals",
    "isolated_firms", "connector_firms", "broken_links", "collaboration",
    "SegmentIO", "segment_io", "national_linkages", "segment_mapping", "segment_sectors", "national_key_sectors",
    "NationalSectors", "national", "ValueStream", "value_stream", "default_min_link", "main_flows", "OTHER",
    "BROKEN_STATUSES", "SERVICE_STAGE",
]

#: Group of firms without any firm_nodes row (their flows are kept, value is conserved).
UNASSIGNED = "_unassigned"
#: Label of the external parties' row/column in :meth:`SegmentFlows.with_external`.
EXTERNAL = "_external"
LEVEL_DEPTHS = chain.LEVEL_DEPTHS


# =========================================================================== levels


def _depths(chain_nodes: pd.DataFrame) -> pd.Series:
    depth = chain_nodes["depth"] if "depth" in chain_nodes else node_depths(chain_nodes)
    return pd.Series(depth.to_numpy(int), index=chain_nodes["node_id"].to_numpy())


_level_depth = chain.level_depth


def level_groups(chain_nodes: pd.DataFrame, level: str | int = "segment") -> pd.Series:
    """The group of every node at ``level``.

    A node's group is its ancestor at the level's depth, or the node itself when it is not
    deeper than that (``"node"``: every node is its own group).

    Parameters
    ----------
    chain_nodes : DataFrame
        The chain tree (node_id, parent_id; depth and is_leaf as the loader adds them).
    level : str or int, default "segment"
        ``"chain"``, ``"stage"``, ``"segment"``, ``"node"`` or a depth ≥ 0
        (:data:`LEVEL_DEPTHS`).

    Returns
    -------
    Series
        Group node_id by node_id, every chain node, name ``group``.

    Raises
    ------
    ValueError
        For an unknown level name or a negative depth.

    See Also
    --------
    group_table : the groups of the level, in chain order.
    segment_flows : attributes the flows to these groups (``sf.node_group``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> level_groups(tables["chain_nodes"], "segment")[["N.LI", "N.CATH", "N.CELL", "N.PACK"]].tolist()
    ['G.MAT', 'G.MAT', 'G.CELL', 'G.CELL']
    """
    ids = chain_nodes["node_id"].astype(str).to_numpy()
    if len(ids) == 0:
        return pd.Series(ids, index=ids, name="group")
    group = chain.ancestor_at(chain_nodes, level).to_numpy(object)
    return pd.Series(np.where(pd.isna(group), ids, group), index=ids, name="group")


def _zh_names(nodes: pd.DataFrame) -> np.ndarray:
    """Chinese node names (the English name where none is given), as an object array."""
    zh = nodes["name_zh"].fillna(nodes["name"]) if "name_zh" in nodes else nodes["name"]
    return zh.astype(str).to_numpy(object)


def group_table(chain_nodes: pd.DataFrame, level: str | int = "segment",
                extra: Iterable[str] = ()) -> pd.DataFrame:
    """The groups of a level in chain order (stage order, then the order of chain_nodes).

    The nodes at the level's depth (for ``"node"``: the leaves), plus ``extra`` group ids
    (nodes above the level that firms are attached to, :data:`UNASSIGNED`).

    Columns: name, name_zh, stage, depth; index ``group``.

    Parameters
    ----------
    chain_nodes : DataFrame
        The chain tree (node_id, parent_id, name, name_zh, stage; depth and is_leaf as the
        loader adds them).
    level : str or int, default "segment"
        ``"chain"``, ``"stage"``, ``"segment"``, ``"node"`` or a depth ≥ 0.
    extra : iterable of str, default ()
        More group ids: chain nodes added in their place in the chain order, and
        :data:`UNASSIGNED` (last, stage ``unassigned``, depth −1, no name_zh).

    Returns
    -------
    DataFrame
        Index ``group`` (node ids); columns name, name_zh (``name`` where none is given),
        stage (code, '' where none), depth (int).

    Raises
    ------
    ValueError
        For an unknown level name or a negative depth.

    See Also
    --------
    level_groups : the group of every node.
    segment_flows : ``sf.groups`` is this with output and local firms per group.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> group_table(ws.tables["chain_nodes"], "segment", extra=["S.UP", UNASSIGNED])
                           name name_zh       stage  depth
    group
    S.UP               Upstream      上游    upstream      1
    G.MAT             Materials      材料    upstream      2
    G.CELL      Cells and packs  电芯与电池包   midstream      2
    _unassigned     _unassigned    None  unassigned     -1
    """
    target = _level_depth(level)
    nodes = chain_nodes.assign(node_id=chain_nodes["node_id"].astype(str))
    depth = _depths(chain_nodes).to_numpy()
    if target is None:
        keep = nodes["is_leaf"].to_numpy(bool) if "is_leaf" in nodes else ~nodes["node_id"].isin(nodes["parent_id"])
    else:
        keep = depth == target
    at_level = set(nodes.loc[keep, "node_id"])
    extra = [e for e in dict.fromkeys(extra) if e not in at_level]
    keep = keep | nodes["node_id"].isin(extra).to_numpy()
    table = pd.DataFrame({
        "group": nodes["node_id"].to_numpy(object),
        "name": nodes["name"].astype(str).to_numpy(object),
        "name_zh": _zh_names(nodes),
        "stage": (nodes["stage"] if "stage" in nodes else pd.Series("", index=nodes.index)).fillna("")
        .astype(str).to_numpy(object),
        "depth": depth,
        "row": np.arange(len(nodes)),
    })[keep]
    if UNASSIGNED in extra:
        table = pd.concat([table, pd.DataFrame({"group": [UNASSIGNED], "name": [UNASSIGNED],   # named by presentation
                                                "name_zh": [None], "stage": ["unassigned"],
                                                "depth": [-1], "row": [len(nodes)]})], ignore_index=True)
    rank = {s: i for i, s in enumerate(STAGES)}
    table["stage_rank"] = table["stage"].map(rank).fillna(len(rank)).astype(int)
    table = table.sort_values(["stage_rank", "row"]).set_index("group")
    return table[["name", "name_zh", "stage", "depth"]]


def _shares(tables: dict, base: FlowGraph, level, firm_rows: np.ndarray | None = None
            ) -> tuple[pd.DataFrame, pd.Series, sp.csr_matrix]:
    """Groups of the level, node → group, and the firms × groups share matrix S (a firm with
    no firm_nodes row: share 1 on :data:`UNASSIGNED`)."""
    firm_nodes, chain_nodes = tables["firm_nodes"], tables["chain_nodes"]
    node_group = level_groups(chain_nodes, level)
    fi = codes(firm_nodes["firm_id"], base.firm_ids) if firm_rows is None else firm_rows   # the row's firm
    gcode = codes(firm_nodes["node_id"], node_group.index.to_numpy(object))     # the row's node
    share = firm_nodes["share"].to_numpy(float)
    ok = (fi >= 0) & (gcode >= 0) & (share > 0)
    fi, gcode, share = fi[ok], gcode[ok], share[ok]
    has_node = np.zeros(base.n, bool)
    has_node[fi] = True
    missing = np.flatnonzero(~has_node)
    group_of = node_group.to_numpy(object)                                      # per chain node
    extra = list(dict.fromkeys(group_of[frames.distinct(gcode)])) + ([UNASSIGNED] if len(missing) else [])
    groups = group_table(chain_nodes, level, extra=extra)
    gi = codes(group_of, groups.index.to_numpy(object))[gcode]                  # the row's group
    un = groups.index.get_loc(UNASSIGNED) if len(missing) else 0
    S = sp.csr_matrix((np.r_[share, np.ones(len(missing))], (np.r_[fi, missing], np.r_[gi, np.full(len(missing), un)])),
                      shape=(base.n, len(groups)))
    return groups, node_group, S


def _product(A: sp.csr_matrix, B: sp.csr_matrix) -> sp.csr_matrix:
    """``A @ B`` of two CSR matrices, by scipy's own kernel (the same sums in the same order),
    without its first pass over the product that only counts the entries: the output is
    allocated for an upper bound (per row of A, the entries of the rows of B it reaches, at
    most B's columns) and cut to what the kernel wrote. Falls back to ``A @ B``."""
    try:
        from scipy.sparse import _sparsetools
        kernel = _sparsetools.csr_matmat
    except (ImportError, AttributeError):  # pragma: no cover - another scipy
        return A @ B
    A, B = sp.csr_matrix(A), sp.csr_matrix(B)
    M, N = A.shape[0], B.shape[1]
    reach = np.r_[0, np.cumsum(np.diff(B.indptr)[A.indices], dtype=np.int64)]  # B's row lengths, cumulated
    per_row = reach[A.indptr[1:]] - reach[A.indptr[:-1]]
    bound = int(np.minimum(per_row, N).sum())
    if bound == 0:
        return A @ B
    index = np.int32 if max(bound, A.nnz, B.nnz, M + 1, N + 1, A.shape[1] + 1) < 2 ** 31 - 1 else np.int64
    indptr = np.empty(M + 1, index)
    indices = np.empty(bound, index)
    data = np.empty(bound, np.result_type(A.dtype, B.dtype))
    try:
        kernel(M, N, A.indptr.astype(index, copy=False), A.indices.astype(index, copy=False), A.data,
               B.indptr.astype(index, copy=False), B.indices.astype(index, copy=False), B.data, indptr, indices, data)
    except (TypeError, ValueError):  # pragma: no cover - another scipy
        return A @ B
    nnz = int(indptr[-1])
    return sp.csr_matrix((data[:nnz], indices[:nnz], indptr), shape=(M, N))       # views: no copy


def _z_by_class(base: FlowGraph, S: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sᵀ F S (groups × groups) of the local → local, external → local and local → external
    flows at once: with Sₓ = [S of the local firms | S of the external firms] (firms × 2
    groups), the blocks of Sₓᵀ F Sₓ are the three matrices, from one flow matrix F of their
    flows (each class's flows summed per firm pair on their own, then put together). Each cell
    is the sum that Sᵀ F S of the class's flows alone gives, term by term in the same order."""
    k = S.shape[1]
    coo = sp.coo_matrix(S)
    ext = ~base.local[coo.row]
    Sx = sp.csr_matrix((coo.data, (coo.row, coo.col + k * ext)), shape=(S.shape[0], 2 * k))
    loc_s, loc_d = base.local[base.src], base.local[base.dst]
    F = base.matrix(loc_s & loc_d) + base.matrix(~loc_s & loc_d) + base.matrix(loc_s & ~loc_d)
    del loc_s, loc_d
    W = _product(F, Sx)
    del F
    # Sₓᵀ as CSR: the product then runs row by row without converting W (the same sums, in the
    # same order, as Sᵀ @ W with Sᵀ as CSC)
    Z = np.asarray(_product(Sx.T.tocsr(), W).todense())
    return Z[:k, :k].copy(), Z[k:, :k].copy(), Z[:k, k:].copy()


# =========================================================================== segment flows


@dataclass
class SegmentFlows:
    """Value flowing between the groups of one level over the window.

    In the currency of the workspace, summed over the window. Matrices are DataFrames
    indexed by supplying group (rows, ``source``) and using group (columns, ``target``), in
    chain order. Built by :func:`segment_flows`.

    Attributes
    ----------
    month : str
        The report month, ``YYYY-MM`` (the last month of the window).
    months : list of str
        The months of the window.
    level : str or int
        The grouping level.
    kind : list of str or None
        The flow kinds kept (None: every kind).
    groups : DataFrame
        The groups (:func:`group_table`, index ``group``): name, name_zh, stage, depth,
        output (window output of the active local firms by share: annual output × share ×
        window / 12, currency), local_firms (active local firms with a share in the group,
        count).
    local : DataFrame
        Local firms of I → local firms of J (currency, window).
    from_external : DataFrame
        External firms of I → local firms of J (currency, window).
    to_external : DataFrame
        Local firms of I → external firms of J (currency, window).
    external_only : float
        External → external flows (currency, window), kept for conservation.
    node_group : Series
        Group of every chain node (:func:`level_groups`).
    shares : scipy.sparse.csr_matrix
        Firms × groups share matrix S (firms in the order of the firms table).

    See Also
    --------
    segment_flows : builds it.
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.flows``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> sf = segment_flows(ws.tables, "2026-03", window=3)
    >>> sf.months, sf.total                           # every flow of the window, at every level
    (['2026-01', '2026-02', '2026-03'], 85.0)
    >>> sf.groups[["output", "local_firms"]]           # (100 + 200 / 2) × 3 / 12; (200 / 2 + 1000) × 3 / 12
            output  local_firms
    group
    G.MAT     50.0            2
    G.CELL   275.0            2
    >>> sf.with_external()
    target     G.MAT  G.CELL  _external
    source
    G.MAT       11.0    21.0        0.0
    G.CELL       0.0    10.0        5.0
    _external    4.0    34.0        0.0
    """
    month: str
    months: list[str]
    level: str | int
    kind: list[str] | None
    groups: pd.DataFrame          # name, name_zh, stage, depth, output, local_firms
    local: pd.DataFrame           # local firms of I → local firms of J
    from_external: pd.DataFrame   # external firms of I → local firms of J
    to_external: pd.DataFrame     # local firms of I → external firms of J
    external_only: float          # external → external (kept for conservation)
    node_group: pd.Series = field(repr=False, default=None)
    shares: sp.csr_matrix | None = field(repr=False, default=None)   # firms × groups share matrix S

    @property
    def total(self) -> float:
        """All window flow value (every class); equal at every level (conservation)."""
        return float(self.local.to_numpy().sum() + self.from_external.to_numpy().sum()
                     + self.to_external.to_numpy().sum() + self.external_only)

    def with_external(self) -> pd.DataFrame:
        """The local matrix with one extra row and column for the external parties.

        The extra row holds external suppliers → each group's local firms, the extra column
        each group's local firms → external buyers, both labelled :data:`EXTERNAL`; the
        corner holds external → external flows.
        """
        z = self.local.copy()
        z[EXTERNAL] = self.to_external.sum(axis=1)
        bottom = pd.DataFrame([list(self.from_external.sum(axis=0)) + [self.external_only]],
                              index=[EXTERNAL], columns=z.columns)
        out = pd.concat([z, bottom])
        out.index.name, out.columns.name = "source", "target"
        return out


def segment_flows(tables: dict, month: str, *, window: int = 12, kind=None,
                  level: str | int = "segment") -> SegmentFlows:
    """The segment flow matrices of the ``window`` months ending at ``month``.

    ``tables``: the workspace tables (firms, firm_nodes, chain_nodes, flows). ``groups``
    carries, per group, ``local_firms`` (active local firms with a share in the group) and
    ``output`` (their annual output × share, scaled to the window: × window / 12, currency).

    Parameters
    ----------
    tables : dict of str to DataFrame
        The workspace tables (``ws.tables``): firms, firm_nodes, chain_nodes, flows.
    month : str
        The report month, ``YYYY-MM`` (the last month of the window).
    window : int, default 12
        Months in the window (``settings.window``).
    kind : str, list of str or None
        Flow kinds to keep (goods, technology, data, service, capital); None: every kind.
    level : str or int, default "segment"
        The grouping level (segment, stage, node, chain or a depth).

    Returns
    -------
    SegmentFlows
        local, from_external, to_external (group × group, currency over the window),
        external_only, groups (with output and local_firms), node_group, shares; see
        :class:`SegmentFlows`.

    Raises
    ------
    ValueError
        For an unknown flow kind or level.

    See Also
    --------
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.flows``
        is this with the workspace's window.
    value_stream : this and every measure built on it.
    ecolib.foundations.network.flow_graph : the window's flows.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> sf = segment_flows(tables, "2026-03", window=3)
    >>> sf.local         # F2 works half on cathode (materials), half on cells: its flows split 50/50
    target  G.MAT  G.CELL
    source
    G.MAT    11.0    21.0
    G.CELL    0.0    10.0
    >>> sf.to_external.sum(axis=1).to_dict()                    # F3 sold 5 to the outside firm
    {'G.MAT': 0.0, 'G.CELL': 5.0}
    """
    return _segment_flows(tables, flow_graph(tables, month, window=window, kind=kind), month, kind, level)


def _segment_flows(tables: dict, base: FlowGraph, month: str, kind, level,
                   firm_rows: np.ndarray | None = None) -> SegmentFlows:
    """:func:`segment_flows` of the flow graph ``base``; ``firm_rows``: each firm_nodes row's
    firm (its row in the firms table), when the caller has coded them."""
    groups, node_group, S = _shares(tables, base, level, firm_rows)
    loc_s, loc_d = base.local[base.src], base.local[base.dst]
    labels = groups.index

    def frame(m):
        df = pd.DataFrame(m, index=labels.copy(), columns=labels.copy())
        df.index.name, df.columns.name = "source", "target"
        return df

    z_local, z_from, z_to = _z_by_class(base, S)
    local, from_ext, to_ext = frame(z_local), frame(z_from), frame(z_to)
    ext_only = float(base.value[~loc_s & ~loc_d].sum())
    groups = groups.copy()
    act_local = base.local & base.active
    groups["output"] = S.T @ (act_local * base.output * (len(base.months) / 12.0))
    groups["local_firms"] = np.asarray((S[act_local] > 0).sum(axis=0)).ravel().astype(int)
    return SegmentFlows(month, base.months, level, network.flow_kinds(kind), groups, local, from_ext, to_ext, ext_only,
                        node_group, S)


def _ratio(num, den) -> np.ndarray:
    num, den = np.asarray(num, float), np.asarray(den, float)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def local_sourcing(sf: SegmentFlows) -> pd.Series:
    """Local sourcing ratio (本地配套率) per group, in [0, 1].

    Local inflow / all inflow of the group's local firms; NaN for a group with no inflow.

    Parameters
    ----------
    sf : SegmentFlows
        The segment flows of the window (:func:`segment_flows`).

    Returns
    -------
    Series
        Share in [0, 1] (NaN without inflow) by group, in chain order, name
        ``local_sourcing``.

    See Also
    --------
    segment_flows : builds ``sf``.
    sourcing_table : this with the values behind it.
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.sourcing``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> sf = segment_flows(tables, "2026-03", window=3)
    >>> local_sourcing(sf).round(4).to_dict()   # materials: 11 / (11 + 4); cells: (21 + 10) / (31 + 34)
    {'G.MAT': 0.7333, 'G.CELL': 0.4769}
    """
    local_in = sf.local.sum(axis=0)
    inflow = local_in + sf.from_external.sum(axis=0)
    return pd.Series(_ratio(local_in, inflow), index=sf.local.columns, name="local_sourcing")


def leakage(sf: SegmentFlows) -> pd.DataFrame:
    """Value leakage (价值外溢) and import dependence per group, both in [0, 1].

    ``leakage`` = outflow of the group's local firms to external firms / all their outflow;
    ``import_dependence`` = inflow from external firms / all inflow; NaN when the
    denominator is 0.

    Parameters
    ----------
    sf : SegmentFlows
        The segment flows of the window (:func:`segment_flows`).

    Returns
    -------
    DataFrame
        Index the groups (chain order); columns leakage and import_dependence, shares in
        [0, 1] or NaN.

    See Also
    --------
    segment_flows : builds ``sf``.
    sourcing_table : this with the values behind it.
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.sourcing``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> leakage(segment_flows(ws.tables, "2026-03", window=3)).round(3)   # cells: 5 of 15 sold outside
            leakage  import_dependence
    source
    G.MAT     0.000              0.267
    G.CELL    0.333              0.523
    """
    ext_out, ext_in = sf.to_external.sum(axis=1), sf.from_external.sum(axis=0)
    outflow = sf.local.sum(axis=1) + ext_out
    inflow = sf.local.sum(axis=0) + ext_in
    return pd.DataFrame({"leakage": _ratio(ext_out, outflow), "import_dependence": _ratio(ext_in, inflow)},
                        index=sf.local.index)


def sourcing_table(sf: SegmentFlows) -> pd.DataFrame:
    """Inflow, outflow, local sourcing, import dependence and leakage per group.

    Per group (chain order): name, name_zh, stage, local_firms, output (window), the value
    columns local_inflow, external_inflow, inflow, local_outflow, external_outflow, outflow
    (currency, window) and the ratios local_sourcing, import_dependence, leakage.

    Parameters
    ----------
    sf : SegmentFlows
        The segment flows of the window (:func:`segment_flows`).

    Returns
    -------
    DataFrame
        Index ``group``; columns name, name_zh, stage, local_firms (count), output (window
        output of the active local firms, currency), local_inflow, external_inflow, inflow,
        local_outflow, external_outflow, outflow (currency, summed over the window),
        local_sourcing, import_dependence, leakage (shares in [0, 1], NaN when undefined).

    See Also
    --------
    segment_flows : builds ``sf``.
    local_sourcing, leakage : the ratios.
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.sourcing``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> table = sourcing_table(segment_flows(ws.tables, "2026-03", window=3))
    >>> table[["local_inflow", "external_inflow", "outflow", "local_sourcing"]].round(3)
            local_inflow  external_inflow  outflow  local_sourcing
    group
    G.MAT           11.0              4.0     32.0           0.733
    G.CELL          31.0             34.0     15.0           0.477
    """
    g = sf.groups
    out = g[["name", "name_zh", "stage", "local_firms", "output"]].copy()
    out["local_inflow"] = sf.local.sum(axis=0).to_numpy()
    out["external_inflow"] = sf.from_external.sum(axis=0).to_numpy()
    out["inflow"] = out["local_inflow"] + out["external_inflow"]
    out["local_outflow"] = sf.local.sum(axis=1).to_numpy()
    out["external_outflow"] = sf.to_external.sum(axis=1).to_numpy()
    out["outflow"] = out["local_outflow"] + out["external_outflow"]
    out["local_sourcing"] = local_sourcing(sf).to_numpy()
    lk = leakage(sf)
    out["import_dependence"] = lk["import_dependence"].to_numpy()
    out["leakage"] = lk["leakage"].to_numpy()
    out.index.name = "group"
    return out


def sourcing_totals(sf: SegmentFlows) -> dict:
    """Park-wide totals over the window: local, inbound and outbound value, local sourcing and leakage.

    ``local_value`` (local → local), ``inbound`` (external → local), ``outbound`` (local →
    external), in currency over the window, and the ratios ``local_sourcing`` = local /
    (local + inbound), ``leakage`` = outbound / (local + outbound) (NaN when undefined).

    Parameters
    ----------
    sf : SegmentFlows
        The segment flows of the window (:func:`segment_flows`).

    Returns
    -------
    dict
        local_value, inbound, outbound (float, currency over the window); local_sourcing,
        leakage (float, share in [0, 1] or NaN).

    See Also
    --------
    segment_flows : builds ``sf``.
    sourcing_table : the same per group.
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.totals``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> totals = sourcing_totals(segment_flows(ws.tables, "2026-03", window=3))
    >>> {k: round(v, 3) for k, v in totals.items()}       # 42 / (42 + 38); 5 / (42 + 5)
    {'local_value': 42.0, 'inbound': 38.0, 'outbound': 5.0, 'local_sourcing': 0.525, 'leakage': 0.106}
    """
    local = float(sf.local.to_numpy().sum())
    inbound = float(sf.from_external.to_numpy().sum())
    outbound = float(sf.to_external.to_numpy().sum())
    return {"local_value": local, "inbound": inbound, "outbound": outbound,
            "local_sourcing": local / (local + inbound) if local + inbound > 0 else float("nan"),
            "leakage": outbound / (local + outbound) if local + outbound > 0 else float("nan")}


# =========================================================================== firms


def _profile(tables: dict, month: str) -> pd.DataFrame:
    """overview.firm_profile plus the name of the firm's main segment (segment_name, _zh) and
    the Chinese name of its zone (zone_zh, the zone where none is given)."""
    nodes = tables["chain_nodes"]
    firms = tables["firms"]
    profile = firm_profile(firms, tables["firm_nodes"], nodes, month)
    zone_zh = firms["zone_zh"] if "zone_zh" in firms else firms["zone"]
    by_firm = pd.Series(zone_zh.to_numpy(object), index=firms["firm_id"].to_numpy(object))
    profile["zone_zh"] = profile["firm_id"].map(by_firm[~by_firm.index.duplicated()]).fillna(profile["zone"])
    ids = nodes["node_id"].to_numpy(object)
    at = codes(profile["segment_id"], ids)
    name = nodes["name"].astype(str).to_numpy(object)
    name_zh = _zh_names(nodes)
    profile["segment_name"] = np.where(at >= 0, name[np.maximum(at, 0)], "–")
    profile["segment_name_zh"] = np.where(at >= 0, name_zh[np.maximum(at, 0)], "–")
    return profile


_FIRM_COLUMNS = ["firm_id", "name", "name_zh", "zone", "zone_zh", "anchor", "node_id", "segment_id", "segment_name",
                 "segment_name_zh", "stage", "output"]


def isolated_firms(tables: dict, month: str, *, window: int = 12, kind=None) -> pd.DataFrame:
    """Isolated firms (散落的珍珠): active local firms with no flow to or from another local firm.

    No flow in the window, to or from a local firm active or since exited (kinds as asked).
    Sorted by output, largest first.

    Columns: firm_id, name, name_zh, zone, zone_zh, anchor, node_id (main node), segment_id,
    segment_name, segment_name_zh, stage, output (annual, currency), external_inflow,
    external_outflow (their trade with external firms in the window, currency).

    Parameters
    ----------
    tables : dict of str to DataFrame
        The workspace tables (``ws.tables``): firms, firm_nodes, chain_nodes, flows.
    month : str
        The report month, ``YYYY-MM`` (the last month of the window; firms active in it count).
    window : int, default 12
        Months in the window (``settings.window``).
    kind : str, list of str or None
        Flow kinds to keep; None: every kind.

    Returns
    -------
    DataFrame
        One row per isolated firm, sorted by output (descending) then firm_id; columns as
        above: anchor (bool), node_id (main node, :func:`ecolib.foundations.firms.firm_profile`),
        segment_name, segment_name_zh ('–' without a segment), stage (``unassigned`` without a
        node), output (currency per year), external_inflow, external_outflow (currency over
        the window).

    See Also
    --------
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.isolated``
        is this with the workspace's window.
    value_stream : this and the other measures at once.
    connector_firms : the firms that do connect.

    Examples
    --------
    In March alone only F1 sold to F2, so the cell maker F3 traded with no local firm:

    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> isolated_firms(ws.tables, "2026-03", window=1)[["firm_id", "segment_id", "output", "external_inflow"]]
      firm_id segment_id  output  external_inflow
    0      F3     G.CELL  1000.0              0.0
    >>> len(isolated_firms(ws.tables, "2026-03", window=3))
    0
    """
    return _isolated(flow_graph(tables, month, window=window, kind=kind), _profile(tables, month))


def _isolated(base: FlowGraph, profile: pd.DataFrame) -> pd.DataFrame:
    s, d, v = base.between_firms()
    local, n = base.local, base.n
    ll = local[s] & local[d]
    linked = (np.bincount(s[ll], minlength=n) + np.bincount(d[ll], minlength=n)) > 0
    ext_in = np.bincount(d[~local[s]], weights=v[~local[s]], minlength=n)
    ext_out = np.bincount(s[~local[d]], weights=v[~local[d]], minlength=n)
    iso = local & base.active & ~linked
    out = profile[iso].assign(external_inflow=ext_in[iso].astype(np.float64), external_outflow=ext_out[iso].astype(np.float64))
    cols = _FIRM_COLUMNS + ["external_inflow", "external_outflow"]
    return out[cols].sort_values(["output", "firm_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def connector_firms(tables: dict, month: str, *, window: int = 12, kind=None, level: str | int = "segment",
                    directed: bool = False, exact_max: int = network.EXACT_MAX, samples: int | None = None,
                    seed: int = 0) -> pd.DataFrame:
    """Connector firms (金线): active local firms ranked by betweenness centrality.

    Betweenness in the local firm graph of the window (edge length 1 / value; see the module
    docstring for exact vs sampled computation), then the number of distinct groups (at
    ``level``) of their local trading partners.

    Columns: rank, firm_id, name, name_zh, zone, zone_zh, anchor, segment_id, segment_name(_zh), stage,
    output (annual), partners (distinct local trading partners), segments_linked,
    local_inflow, local_outflow (window, currency), betweenness (normalised, in [0, 1]).
    ``attrs["method"]`` says how betweenness was computed. Firms without a local partner are
    left out.

    Parameters
    ----------
    tables : dict of str to DataFrame
        The workspace tables (``ws.tables``): firms, firm_nodes, chain_nodes, flows.
    month : str
        The report month, ``YYYY-MM`` (the last month of the window; firms active in it count).
    window : int, default 12
        Months in the window (``settings.window``).
    kind : str, list of str or None
        Flow kinds to keep; None: every kind.
    level : str or int, default "segment"
        The level of the groups counted in ``segments_linked``.
    directed : bool, default False
        Betweenness on the directed graph (paths follow the flows) instead of the
        undirected one (:func:`value_stream` uses undirected).
    exact_max : int, default 2000
        Exact betweenness up to this many firms in the graph, sampled above.
    samples : int, optional
        Source firms of the sampled estimator (None: the default budget).
    seed : int, default 0
        Seed of the sampled estimator.

    Returns
    -------
    DataFrame
        One row per active local firm with a local partner, by betweenness (descending),
        then segments_linked (descending), then firm_id; columns as above: rank (1 = first),
        partners, segments_linked (counts; the partners' groups, :data:`UNASSIGNED`
        included), local_inflow, local_outflow (currency over the window), betweenness
        (share in [0, 1]). ``attrs["method"]``: ``"exact"`` or ``"sampled k=…"``.

    See Also
    --------
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.connectors``
        is this with the workspace's window.
    ecolib.foundations.network.betweenness : the centrality.
    isolated_firms : the firms with no local partner.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> c = connector_firms(ws.tables, "2026-03", window=3)       # F1 → F2 → F3: F2 is on the path
    >>> c[["rank", "firm_id", "partners", "segments_linked", "betweenness"]]
       rank firm_id  partners  segments_linked  betweenness
    0     1      F2         2                2          1.0
    1     2      F1         1                2          0.0
    2     3      F3         1                2          0.0
    >>> c.attrs["method"]                  # 3 firms: exact (F2 is in both segments, so F1 and F3 link 2)
    'exact'
    """
    base = flow_graph(tables, month, window=window, kind=kind)
    _, _, S = _shares(tables, base, level)
    return _connectors(base, S, _profile(tables, month), directed=directed, exact_max=exact_max, samples=samples,
                       seed=seed)


def _connectors(base: FlowGraph, S: sp.csr_matrix, profile: pd.DataFrame, *, directed: bool, exact_max: int,
                samples: int | None, seed: int) -> pd.DataFrame:
    n = base.n
    a, b, val = base.local_edges(directed=directed)
    length = val.max() / val if len(val) else val  # 1 / value, rescaled (same shortest paths)
    bc, method = network.betweenness(n, a, b, length, directed=directed, exact_max=exact_max, samples=samples, seed=seed)
    s, d, v = base.between_firms()
    ll = base.local[s] & base.local[d]
    local_in = np.bincount(d[ll], weights=v[ll], minlength=n).astype(np.float64)
    local_out = np.bincount(s[ll], weights=v[ll], minlength=n).astype(np.float64)
    # partners (both directions) and the groups they belong to: (P · [S > 0]) > 0
    P = sp.csr_matrix((np.ones(2 * len(a)), (np.r_[a, b], np.r_[b, a])), shape=(n, n))
    P.sum_duplicates()
    partners = np.diff(P.indptr)
    member = (S > 0).astype(np.float64)
    segments_linked = np.diff(((P @ member) > 0).tocsr().indptr)
    keep = base.local & base.active & (partners > 0)
    out = profile[keep].assign(partners=partners[keep], segments_linked=segments_linked[keep],
                               local_inflow=local_in[keep], local_outflow=local_out[keep], betweenness=bc[keep])
    out = out.sort_values(["betweenness", "segments_linked", "firm_id"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    cols = ["rank"] + [c for c in _FIRM_COLUMNS if c != "node_id"] + ["partners", "segments_linked", "local_inflow",
                                                                      "local_outflow", "betweenness"]
    out = out[cols]
    out.attrs["method"] = method
    return out


def collaboration(tables: dict, month: str, *, window: int = 12, kind=None) -> dict:
    """Collaboration density (DESIGN §4): firm-to-firm links and value intensity of the local firms.

    ``firms`` n (active local firms), ``links`` (ordered pairs of them with a flow in the
    window), ``density`` = links / (n (n − 1)) (NaN when n < 2), ``local_value`` (flows
    between local firms in the window, currency), ``output`` (the active local firms' annual
    output × window / 12) and ``value_intensity`` = local_value / output (NaN when output
    is 0).

    Parameters
    ----------
    tables : dict of str to DataFrame
        The workspace tables (``ws.tables``): firms, firm_nodes, chain_nodes, flows.
    month : str
        The report month, ``YYYY-MM`` (the last month of the window; firms active in it count).
    window : int, default 12
        Months in the window (``settings.window``).
    kind : str, list of str or None
        Flow kinds to keep; None: every kind.

    Returns
    -------
    dict
        firms, links (int, counts); density (float, share in [0, 1] or NaN); local_value
        (currency over the window; flows between any two local firms, exited ones
        included), output (currency over the window); value_intensity (float, ratio or NaN).

    See Also
    --------
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.collaboration``
        is this with the workspace's window.
    value_stream : this and the other measures at once.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> c = collaboration(ws.tables, "2026-03", window=3)    # F1 → F2 and F2 → F3 of 3 × 2 pairs
    >>> {k: round(v, 3) for k, v in c.items()}
    {'firms': 3, 'links': 2, 'density': 0.333, 'local_value': 42.0, 'output': 325.0, 'value_intensity': 0.129}
    """
    return _collaboration(flow_graph(tables, month, window=window, kind=kind))


def _collaboration(base: FlowGraph) -> dict:
    s, d, v = base.between_firms()
    ll = base.local[s] & base.local[d]
    local_value = float(v[ll].sum())
    act = base.local & base.active
    aa = act[s] & act[d] & (v > 0)
    pairs = sp.csr_matrix((np.ones(int(aa.sum())), (s[aa], d[aa])), shape=(base.n, base.n))
    pairs.sum_duplicates()
    links = int(pairs.nnz)
    n = int(act.sum())
    output = float(base.output[act].sum()) * len(base.months) / 12.0
    return {"firms": n, "links": links, "density": links / (n * (n - 1)) if n >= 2 else float("nan"),
            "local_value": local_value, "output": output,
            "value_intensity": local_value / output if output > 0 else float("nan")}


# =========================================================================== broken links

#: The statuses of :func:`broken_links`, in the order the rows are sorted.
BROKEN_STATUSES = ("broken", "small", "short_supply", "connected", "no_trade", "not_judged")
#: The stage whose segments serve every other segment (logistics, finance, software, testing …).
SERVICE_STAGE = "service"
#: The defaults of the two broken-link settings (``thresholds`` in the workspace settings).
BROKEN_LINK_SHARE = float(THRESHOLD_SETTINGS["broken_link_share"].default)
BROKEN_LINK_MIN_VALUE = float(THRESHOLD_SETTINGS["broken_link_min_value"].default)


def broken_links(sf: SegmentFlows, chain_edges: pd.DataFrame, *, threshold: float = BROKEN_LINK_SHARE,
                 min_value: float = BROKEN_LINK_MIN_VALUE, services: str = "exclude") -> pd.DataFrame:
    """Broken links (价值传导断裂) along chain edges rolled up to the level of ``sf``.

    A chain link ``I → J`` (supplier segment → buyer segment) is **broken** when both halves
    hold and enough value is at stake:

    (a) the local buyers (local firms of J) buy mostly from outside: the local share of their
        purchases from segment I, ``local_value / (local_value + buyer_from_outside)``, is
        below ``threshold``;
    (b) the local suppliers (local firms of I) sell that kind outside: ``supplier_to_outside``
        (their sales to outside firms of J) is above 0;
    (c) ``value_at_stake = min(buyer_from_outside, supplier_to_outside)`` (what could be
        traded locally instead, at most) is at least ``min_value``.

    Links that start in a service segment (stage ``service``: logistics, finance, software,
    testing …) are not judged by default: a service serves every segment, so a thin link
    from a service to one segment does not mean the chain is broken (``services="judge"``
    applies the rule above to them too).

    One row per group pair ``source → target`` (I ≠ J) joined by at least one chain edge,
    where both groups have active local firms. Columns:

    * source, target, source_name, source_name_zh, target_name, target_name_zh, edges (chain
      edges behind the pair), weight (their summed weight);
    * local_value: local firms of I → local firms of J (window, currency);
    * buyer_from_outside: external firms of I → local firms of J (the buyer side);
    * supplier_to_outside: local firms of I → external firms of J (the supplier side);
    * value_at_stake = min(buyer_from_outside, supplier_to_outside);
    * local_share = local_value / (local_value + buyer_from_outside) (NaN with no inflow);
    * supplier_local_share = local_value / (local_value + supplier_to_outside);
    * status, one of :data:`BROKEN_STATUSES`:

      - ``broken``: (a), (b) and (c) hold;
      - ``small``: (a) and (b) hold, but the value at stake is below ``min_value``;
      - ``short_supply``: (a) holds, but the local suppliers sell none of it outside (local
        supply is short: a gap to fill, not a link to mend);
      - ``connected``: the local share is at least ``threshold``;
      - ``no_trade``: J's local firms buy nothing from segment I;
      - ``not_judged``: I is a service segment (with ``services="exclude"``).

    Sorted by status in the order above, then value_at_stake (largest first), then
    buyer_from_outside (largest first), then source and target.

    Parameters
    ----------
    sf : SegmentFlows
        The segment flows of the window (:func:`segment_flows`); its level decides the
        groups.
    chain_edges : DataFrame or None
        The chain edges (source, target, weight; a missing weight counts 1); None or empty:
        no row.
    threshold : float, default 0.1
        Half (a): the local share below which the local buyers buy mostly from outside
        (``thresholds.broken_link_share``).
    min_value : float, default 10,000,000
        Condition (c): the least value at stake of a broken link, in the currency over the
        window (``thresholds.broken_link_min_value``).
    services : {"exclude", "judge"}, default "exclude"
        Links from service segments: ``not_judged``, or judged like every other link.

    Returns
    -------
    DataFrame
        The columns above: edges (count), weight (summed ``chain_edges.weight``, unitless),
        local_value, buyer_from_outside, supplier_to_outside, value_at_stake (currency over
        the window), local_share, supplier_local_share (shares in [0, 1], NaN when
        undefined), status. No row (same columns) without edges.

    Raises
    ------
    ValueError
        For ``services`` other than "exclude" or "judge".

    See Also
    --------
    segment_flows : builds ``sf``.
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.broken``
        is this with the workspace's window, threshold and least value at stake.

    Examples
    --------
    Materials → cells is the one chain edge between two segments; 21 of the 55 that cell
    makers bought from materials firms came from local ones, but the local materials firms
    sell none of it outside: at a 50 % threshold, local supply is short, nothing is broken:

    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> sf = segment_flows(ws.tables, "2026-03", window=3)
    >>> links = broken_links(sf, ws.tables["chain_edges"], threshold=0.5, min_value=0)
    >>> links[["source", "target", "buyer_from_outside", "supplier_to_outside", "status"]]
      source  target  buyer_from_outside  supplier_to_outside        status
    0  G.MAT  G.CELL                34.0                  0.0  short_supply
    >>> round(float(links.at[0, "local_share"]), 3)
    0.382
    >>> broken_links(sf, ws.tables["chain_edges"])["status"].tolist()      # at the default 10 %
    ['connected']
    """
    if services not in ("exclude", "judge"):
        raise ValueError(f"services: expected 'exclude' or 'judge', got {services!r}")
    cols = ["source", "target", "source_name", "source_name_zh", "target_name", "target_name_zh", "edges",
            "weight", "local_value", "buyer_from_outside", "supplier_to_outside", "value_at_stake", "local_share",
            "supplier_local_share", "status"]
    if chain_edges is None or len(chain_edges) == 0:
        return pd.DataFrame(columns=cols)
    ng = sf.node_group
    e = pd.DataFrame({"source": ng.reindex(chain_edges["source"].astype(str).to_numpy(object)).to_numpy(object),
                      "target": ng.reindex(chain_edges["target"].astype(str).to_numpy(object)).to_numpy(object),
                      "weight": pd.to_numeric(chain_edges.get("weight", 1.0), errors="coerce")})
    e["weight"] = e["weight"].fillna(1.0)
    e = e.dropna(subset=["source", "target"])
    e = e[e["source"] != e["target"]]
    e = (e.groupby(["source", "target"], sort=False)
         .agg(edges=("weight", "size"), weight=("weight", "sum")).reset_index())
    groups = sf.groups
    has_local = groups["local_firms"] > 0
    e = e[e["source"].isin(groups.index[has_local]) & e["target"].isin(groups.index[has_local])]
    if e.empty:
        return pd.DataFrame(columns=cols)
    i = groups.index.get_indexer(e["source"])
    j = groups.index.get_indexer(e["target"])
    e["local_value"] = sf.local.to_numpy()[i, j]
    e["buyer_from_outside"] = sf.from_external.to_numpy()[i, j]
    e["supplier_to_outside"] = sf.to_external.to_numpy()[i, j]
    e["value_at_stake"] = np.minimum(e["buyer_from_outside"], e["supplier_to_outside"])
    e["local_share"] = _ratio(e["local_value"], e["local_value"] + e["buyer_from_outside"])
    e["supplier_local_share"] = _ratio(e["local_value"], e["local_value"] + e["supplier_to_outside"])
    inflow = e["local_value"] + e["buyer_from_outside"]
    service = groups["stage"].reindex(e["source"]).to_numpy(object) == SERVICE_STAGE
    if services == "judge":
        service = np.zeros(len(e), bool)
    buyers_outside = (inflow > 0) & (e["local_share"] < threshold)
    sellers_outside = e["supplier_to_outside"] > 0
    e["status"] = np.select(
        [service, inflow <= 0, ~buyers_outside, ~sellers_outside, e["value_at_stake"] < min_value],
        ["not_judged", "no_trade", "connected", "short_supply", "small"], "broken")
    for side in ("source", "target"):
        e[f"{side}_name"] = groups["name"].reindex(e[side]).to_numpy()
        e[f"{side}_name_zh"] = groups["name_zh"].reindex(e[side]).to_numpy()
    e["_order"] = e["status"].map({s: k for k, s in enumerate(BROKEN_STATUSES)})
    e = e.sort_values(["_order", "value_at_stake", "buyer_from_outside", "source", "target"],
                      ascending=[True, False, False, True, True], kind="stable")
    return e[cols].reset_index(drop=True)


# =========================================================================== input-output view


@dataclass
class SegmentIO:
    """Input-output view of the park's groups (see :mod:`ecolib.analyses.iotable`).

    Built by :func:`segment_io`.

    Attributes
    ----------
    model : ecolib.analyses.iotable.IOModel or None
        The IOModel (Z, x, f, A, L, B, G) of the included groups, or None.
    linkages : DataFrame
        Per included group (index ``group``): name, name_zh, stage, output (x, currency over
        the window), BL, FL, FL_ghosh (unitless, mean 1), quadrant (key,
        backward-oriented, forward-oriented, weak), extraction_loss (currency, window),
        extraction_share (of total output, in [0, 1]); the measures NaN when there is a
        ``problem``.
    excluded : list of str
        Groups left out (no output in the window).
    problem : str or None
        Why no model could be computed (e.g. local inputs above output make I − A
        singular), else None.

    See Also
    --------
    segment_io : builds it.
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.io``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> io = segment_io(segment_flows(ws.tables, "2026-03", window=3))
    >>> io.problem, io.excluded, io.model.A.round(3).values.tolist()     # A = Z / x by column
    (None, [], [[0.22, 0.076], [0.0, 0.036]])
    """
    model: iotable.IOModel | None
    linkages: pd.DataFrame
    excluded: list[str]
    problem: str | None = None


def segment_io(sf: SegmentFlows) -> SegmentIO:
    """A, L, Rasmussen and Ghosh linkages and hypothetical extraction of the groups of ``sf``.

    x = window output of active local firms by group, Z = local flows between groups; groups
    with x = 0 are left out.

    Parameters
    ----------
    sf : SegmentFlows
        The segment flows of the window (:func:`segment_flows`): ``local`` and
        ``groups["output"]``.

    Returns
    -------
    SegmentIO
        model, linkages (output in currency over the window; BL, FL, FL_ghosh unitless;
        extraction_loss currency; extraction_share in [0, 1]), excluded, problem; see
        :class:`SegmentIO`.

    See Also
    --------
    segment_flows : builds ``sf``.
    ecolib.analyses.iotable.linkages : the measures.
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream.io``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> io = segment_io(segment_flows(ws.tables, "2026-03", window=3))
    >>> io.linkages[["output", "BL", "FL", "quadrant", "extraction_share"]].round(3)
            output     BL     FL quadrant  extraction_share
    group
    G.MAT     50.0  1.059  1.143      key             0.098
    G.CELL   275.0  0.941  0.857     weak             0.114
    """
    x = sf.groups["output"]
    keep = x.index[(x > 0).to_numpy()]
    excluded = [g for g in x.index if g not in set(keep)]
    meta = sf.groups.loc[keep, ["name", "name_zh", "stage", "output"]]
    cols = ["name", "name_zh", "stage", "output", "BL", "FL", "FL_ghosh", "quadrant", "extraction_loss",
            "extraction_share"]
    if len(keep) == 0:
        return SegmentIO(None, pd.DataFrame(columns=cols), excluded, None)
    Z = sf.local.loc[keep, keep]
    try:
        model = iotable.io_model(Z, x.loc[keep])
        lk = iotable.linkages(Z, x.loc[keep])
    except ValueError as err:
        return SegmentIO(None, meta.assign(**{c: np.nan for c in cols[4:]})[cols], excluded, str(err))
    out = meta.join(lk)[cols]
    out.index.name = "group"
    return SegmentIO(model, out, excluded, None)


#: Park segment → China 42-sector input-output sectors: the shipped rules
#: (:func:`ecolib.datasets.china_io.load_sector_rules`), English and Chinese keywords for every
#: sector, then those written for new-energy vehicle and battery chains. The first rule whose
#: pattern matches the segment's id, name or Chinese name (case-insensitive) gives the sector
#: codes; a segment no rule matches is unmapped (never guessed from its stage). Pass
#: ``rules=`` to use another mapping, ``overrides=`` for the park's own mapping.
SECTOR_RULES: list[tuple[str, tuple[str, ...]]] = load_sector_rules()

#: How a segment got its sectors (column ``source`` of :func:`segment_mapping`).
MAPPING_SOURCES = ("workspace", "rules", "unmapped")


def _override_codes(overrides: pd.DataFrame | None) -> dict[str, tuple[str, ...]]:
    """segment_id → sector codes of the park's own mapping (names read as their codes; rows
    that name no sector are dropped, the loader has reported them)."""
    if overrides is None or len(overrides) == 0 or not {"segment_id", "sector"} <= set(overrides.columns):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for seg, sector in zip(overrides["segment_id"].astype(str), overrides["sector"]):
        code = sector_code(sector)
        if code is not None and code not in out.get(seg, ()):
            out[seg] = out.get(seg, ()) + (code,)
    return out


def segment_mapping(groups: pd.DataFrame, *, rules: Sequence[tuple[str, Sequence[str]]] = SECTOR_RULES,
                    overrides: pd.DataFrame | None = None) -> pd.DataFrame:
    """How every group maps to national input-output sectors: one row per group.

    The park's own mapping (``overrides``) wins; otherwise the first rule whose pattern
    matches "<id> <name> <name_zh>" (the id's dots read as spaces, case-insensitive) gives
    the sectors; a group neither gives is unmapped (no sectors). The group of firms without
    a chain node (:data:`UNASSIGNED`) is left out.

    Parameters
    ----------
    groups : DataFrame
        The groups of a level, indexed by group id: name, name_zh, stage
        (:attr:`SegmentFlows.groups`, :func:`group_table`).
    rules : list of (pattern, sector codes), default SECTOR_RULES
        Case-insensitive regular expressions and the sector codes they give; the first
        match wins.
    overrides : DataFrame, optional
        The park's own mapping (the workspace table ``sector_map``): segment_id (a group
        id), sector (a sector code or name of the 42-sector table); several rows for one
        segment give several sectors.

    Returns
    -------
    DataFrame
        One row per group, in the order of ``groups``: group, name, name_zh, stage,
        sectors (tuple of sector codes, empty when unmapped), source (``workspace``,
        ``rules`` or ``unmapped``), rule (the pattern that matched, '' otherwise).

    See Also
    --------
    segment_sectors : the same, one row per (group, sector), the mapped groups only.
    ecolib.datasets.china_io.load_sector_rules : the shipped rules.

    Examples
    --------
    >>> groups = pd.DataFrame({"name": ["Banks", "Other"], "name_zh": ["银行", "其他"], "stage": ["service"] * 2},
    ...                       index=["S.BANK", "S.X"])
    >>> segment_mapping(groups)[["group", "sectors", "source"]].values.tolist()
    [['S.BANK', ('32',), 'rules'], ['S.X', (), 'unmapped']]
    >>> own = pd.DataFrame({"segment_id": ["S.X"], "sector": ["34"]})
    >>> segment_mapping(groups, overrides=own)["source"].tolist()
    ['rules', 'workspace']
    """
    compiled = [(re.compile(p, re.IGNORECASE), tuple(sectors), p) for p, sectors in rules]
    own = _override_codes(overrides)
    rows = []
    for gid, row in groups.iterrows():  # a loop over groups (≤ a few hundred), not firms
        if gid == UNASSIGNED:
            continue
        name = row.get("name", "")
        name_zh = row.get("name_zh", name)
        name_zh = name if name_zh is None or (isinstance(name_zh, float) and np.isnan(name_zh)) else name_zh
        base = {"group": gid, "name": name, "name_zh": name_zh, "stage": row.get("stage", "")}
        if str(gid) in own:
            rows.append({**base, "sectors": own[str(gid)], "source": "workspace", "rule": ""})
            continue
        text = f"{str(gid).replace('.', ' ')} {name} {name_zh}"
        hit = next(((sectors, p) for rx, sectors, p in compiled if rx.search(text)), None)
        rows.append({**base, "sectors": hit[0] if hit else (), "source": "rules" if hit else "unmapped",
                     "rule": hit[1] if hit else ""})
    return pd.DataFrame(rows, columns=["group", "name", "name_zh", "stage", "sectors", "source", "rule"])


def segment_sectors(groups: pd.DataFrame, *, rules: Sequence[tuple[str, Sequence[str]]] = SECTOR_RULES,
                    overrides: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national input-output sectors behind each group: one row per (group, sector).

    :func:`segment_mapping` with one row per sector; unmapped groups are left out.

    Parameters
    ----------
    groups : DataFrame
        The groups of a level, indexed by group id: name, name_zh, stage
        (:attr:`SegmentFlows.groups`, :func:`group_table`).
    rules : list of (pattern, sector codes), default SECTOR_RULES
        Case-insensitive regular expressions and the sector codes they give; the first
        match wins.
    overrides : DataFrame, optional
        The park's own mapping (segment_id, sector); it wins over the rules.

    Returns
    -------
    DataFrame
        One row per (group, sector), groups in the order of ``groups``: group, name,
        name_zh, stage, sector (code of the 42-sector table, text), rule (the pattern that
        matched, '' for the park's own mapping), source (``workspace`` or ``rules``).

    See Also
    --------
    segment_mapping : one row per group, the unmapped ones included.
    segment_flows : builds the groups (``sf.groups``).
    national_key_sectors : the sectors with their national linkages.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> m = segment_sectors(group_table(ws.tables["chain_nodes"], "node"))
    >>> m[["group", "sector"]].values.tolist()          # lithium: ores and smelting; packs: electrical machinery
    [['N.LI', '04'], ['N.LI', '14'], ['N.CATH', '12'], ['N.CELL', '19'], ['N.PACK', '19']]
    """
    mapping = segment_mapping(groups, rules=rules, overrides=overrides)
    mapping = mapping[mapping["source"] != "unmapped"].explode("sectors").rename(columns={"sectors": "sector"})
    return mapping[["group", "name", "name_zh", "stage", "sector", "rule", "source"]].reset_index(drop=True)


def national_linkages(table) -> pd.DataFrame:
    """Linkages of a national input-output table.

    Parameters
    ----------
    table : ecolib.datasets.china_io.IOTable
        A national table (Z, x, names_en, names_zh by sector code).

    Returns
    -------
    DataFrame
        Indexed by ``sector`` (code): name_en, name_zh, output (x, the table's unit: 10,000
        CNY for China's), BL, FL, FL_ghosh (Rasmussen and Ghosh linkages, average 1),
        quadrant (key, backward-oriented, forward-oriented, weak), extraction_loss (the
        table's unit), extraction_share (of total output, 0–1).

    See Also
    --------
    ecolib.datasets.china_io.load_china_io : the shipped table of China.
    ecolib.analyses.iotable.linkages : the measures.

    Examples
    --------
    >>> from ecolib.datasets.china_io import load_china_io
    >>> lk = national_linkages(load_china_io(2020))
    >>> len(lk), lk.loc["19", "quadrant"]            # electrical machinery: a key sector
    (42, 'key')
    """
    lk = iotable.linkages(table.Z, table.x)
    out = pd.DataFrame({"name_en": table.names_en, "name_zh": table.names_zh, "output": table.x}).join(lk)
    out.index.name = "sector"
    return out


def national_key_sectors(groups: pd.DataFrame, table, *, rules=SECTOR_RULES,
                         overrides: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national sectors behind the park's groups, with their national linkages.

    Parameters
    ----------
    groups : DataFrame
        The groups of a level (:attr:`SegmentFlows.groups`: name, name_zh, stage, output),
        indexed by group id.
    table : ecolib.datasets.china_io.IOTable
        The national input-output table.
    rules : list of (pattern, sector codes)
        Segment → sector mapping (:data:`SECTOR_RULES`; see :func:`segment_mapping`).
    overrides : DataFrame, optional
        The park's own mapping (segment_id, sector), winning over the rules.

    Returns
    -------
    DataFrame
        One row per sector mapped to at least one group: sector (code), name_en, name_zh,
        BL, FL, FL_ghosh, quadrant, extraction_share (national, 0–1), groups (ids joined by
        ", "), names and names_zh (tuples of their names in chain order), park_output (the
        groups' window output, currency, split equally over a group's sectors), source
        (``rules``, ``workspace`` or ``both``: how its groups were mapped). Sorted by
        BL + FL, key sectors first.

    See Also
    --------
    segment_flows : builds ``groups`` (``sf.groups``).
    ecolib.datasets.china_io.load_china_io : the shipped table of China.
    segment_sectors : the group → sector mapping.
    national_linkages : every sector's linkages.
    national : both, as the page shows them.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.datasets.china_io import load_china_io
    >>> sf = segment_flows(tiny().tables, "2026-03", window=3)
    >>> national_key_sectors(sf.groups, load_china_io(2020))[["sector", "quadrant", "groups"]]
      sector quadrant  groups
    0     12      key   G.MAT
    1     19      key  G.CELL
    """
    lk = national_linkages(table)
    mapping = segment_sectors(groups, rules=rules, overrides=overrides)
    cols = ["sector", "name_en", "name_zh", "BL", "FL", "FL_ghosh", "quadrant", "extraction_share", "groups",
            "names", "names_zh", "park_output", "source"]
    if mapping.empty:
        return pd.DataFrame(columns=cols)
    out_by = groups["output"] if "output" in groups else pd.Series(0.0, index=groups.index)
    n_sectors = mapping.groupby("group")["sector"].transform("size")
    mapping["park_output"] = mapping["group"].map(out_by).fillna(0.0) / n_sectors
    agg = mapping.groupby("sector").agg(groups=("group", ", ".join), names=("name", tuple),
                                        names_zh=("name_zh", tuple), park_output=("park_output", "sum"),
                                        source=("source", lambda s: s.iloc[0] if s.nunique() == 1 else "both"))
    out = agg.join(lk, how="inner").reset_index()
    out["_key"] = out["quadrant"].eq("key")
    out["_sum"] = out["BL"] + out["FL"]
    out = out.sort_values(["_key", "_sum"], ascending=[False, False], kind="stable")
    return out[cols].reset_index(drop=True)


@dataclass
class NationalSectors:
    """The national input-output sectors behind the park's chain (the national view).

    Attributes
    ----------
    year : int
        Year of the national table.
    linkages : DataFrame
        Every national sector's linkages (:func:`national_linkages`).
    mapped : DataFrame
        The sectors behind the park's groups (:func:`national_key_sectors`).
    segments : DataFrame or None
        How every group was mapped, the unmapped ones included (:func:`segment_mapping`).

    See Also
    --------
    national : builds it.
    ecolib.analyses.month.MonthModel.national : ``ecolib.analyse(ws, month).national``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.datasets.china_io import load_china_io
    >>> nat = national(segment_flows(tiny().tables, "2026-03", window=3).groups, load_china_io(2020))
    >>> nat.mapped[["sector", "groups", "park_output"]]
      sector  groups  park_output
    0     12   G.MAT         50.0
    1     19  G.CELL        275.0
    """
    year: int
    linkages: pd.DataFrame
    mapped: pd.DataFrame
    segments: pd.DataFrame | None = None

    @property
    def unmapped(self) -> pd.DataFrame:
        """The groups no rule and no row of the park's own mapping gives a sector."""
        if self.segments is None:
            return pd.DataFrame(columns=["group", "name", "name_zh", "stage", "sectors", "source", "rule"])
        return self.segments[self.segments["source"] == "unmapped"]


def national(groups: pd.DataFrame, table, *, rules=SECTOR_RULES,
             overrides: pd.DataFrame | None = None) -> NationalSectors:
    """The national view of the park's groups.

    Every sector of ``table`` with its linkages, and the sectors the groups map to.

    Parameters
    ----------
    groups : DataFrame
        The groups of a level (:attr:`SegmentFlows.groups`).
    table : ecolib.datasets.china_io.IOTable
        The national input-output table (its ``year`` is kept).
    rules : list of (pattern, sector codes)
        Segment → sector mapping (:data:`SECTOR_RULES`).
    overrides : DataFrame, optional
        The park's own mapping (the workspace table ``sector_map``: segment_id, sector); it
        wins over the rules.

    Returns
    -------
    NationalSectors
        year (of ``table``), linkages (:func:`national_linkages`, every sector), mapped
        (:func:`national_key_sectors`, the sectors behind the groups), segments
        (:func:`segment_mapping`, every group and how it was mapped).

    See Also
    --------
    ecolib.analyses.month.MonthModel.national : ``ecolib.analyse(ws, month).national``, this for
        the month's value stream and China 2020.
    segment_flows : builds ``groups`` (``sf.groups``).
    ecolib.datasets.china_io.load_china_io : the shipped table of China.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.datasets.china_io import load_china_io
    >>> nat = national(segment_flows(tiny().tables, "2026-03", window=3).groups, load_china_io(2020))
    >>> nat.year, len(nat.linkages), nat.mapped["sector"].tolist()
    (2020, 42, ['12', '19'])
    """
    return NationalSectors(int(table.year), national_linkages(table),
                           national_key_sectors(groups, table, rules=rules, overrides=overrides),
                           segment_mapping(groups, rules=rules, overrides=overrides))


# =========================================================================== everything at once


@dataclass
class ValueStream:
    """Everything the value-stream page shows for one month (:func:`value_stream`).

    Attributes
    ----------
    month : str
        The report month.
    window : list of str
        The months of the window.
    level, kind, threshold, min_value
        The options it was computed with (kind None: every flow kind; threshold and min_value:
        the broken-link share and least value at stake).
    flows : SegmentFlows
        The segment flow matrices.
    sourcing : DataFrame
        :func:`sourcing_table`.
    totals : dict
        :func:`sourcing_totals`.
    isolated, connectors : DataFrame
        :func:`isolated_firms`, :func:`connector_firms`.
    broken : DataFrame
        :func:`broken_links` (every status; service links ``not_judged``).
    collaboration : dict
        :func:`collaboration`.
    io : SegmentIO
        :func:`segment_io`.
    headline : dict
        JSON-friendly numbers for summary.json (see :func:`value_stream`).
    flows_given : bool
        False when the workspace gives no transactions between firms at all: every part built on
        flows is then not evaluated (its zeros are not zeros), only what needs no flows holds.
    output_reported : int or None
        Active local firms that give their annual output (None: not counted); 0 means the
        output-based parts (the input-output view, the isolated firms' output) are not evaluated.

    See Also
    --------
    value_stream : builds it.
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> vs = value_stream(ws.tables, "2026-03", window=3)
    >>> vs.window, vs.level, vs.kind, vs.threshold, vs.min_value
    (['2026-01', '2026-02', '2026-03'], 'segment', None, 0.1, 10000000.0)
    >>> vs.sourcing["local_sourcing"].round(3).to_dict()
    {'G.MAT': 0.733, 'G.CELL': 0.477}
    """
    month: str
    window: list[str]
    level: str | int
    kind: list[str] | None
    threshold: float
    min_value: float
    flows: SegmentFlows
    sourcing: pd.DataFrame
    totals: dict
    isolated: pd.DataFrame
    connectors: pd.DataFrame
    broken: pd.DataFrame
    collaboration: dict
    io: SegmentIO
    headline: dict = field(default_factory=dict)
    flows_given: bool = True
    output_reported: int | None = None

    @property
    def min_link(self) -> float:
        """The smallest link the Sankey draws by default (:func:`default_min_link`, currency)."""
        return default_min_link(self.flows)

    @cached_property
    def main(self) -> pd.DataFrame:
        """The flows that matter, the rest grouped (:func:`main_flows` of :attr:`flows`, its defaults)."""
        return main_flows(self.flows)


def value_stream(tables: dict, month: str, *, window: int = 12, kind=None, level: str | int = "segment",
                 threshold: float = BROKEN_LINK_SHARE, min_value: float = BROKEN_LINK_MIN_VALUE,
                 services: str = "exclude", exact_max: int = network.EXACT_MAX, samples: int | None = None,
                 seed: int = 0) -> ValueStream:
    """The whole value-stream map for ``month`` (see the module docstring for each part).

    Parameters
    ----------
    tables : dict of str to DataFrame
        The workspace tables (firms, firm_nodes, chain_nodes, flows; chain_edges when
        present, for the broken links).
    month : str
        The report month, ``YYYY-MM`` (the last month of the window).
    window : int, default 12
        Months in the window (``settings.window``).
    kind : str, list of str or None
        Flow kinds (None: every kind).
    level : str or int, default "segment"
        The grouping level (segment, stage, node, chain or a depth).
    threshold : float, default 0.1
        Broken-link threshold on the local share, in [0, 1] (``thresholds.broken_link_share``).
    min_value : float, default 10,000,000
        The least value at stake of a broken link, currency over the window
        (``thresholds.broken_link_min_value``).
    services : {"exclude", "judge"}, default "exclude"
        Links from service segments: not judged, or judged like the others (:func:`broken_links`).
    exact_max, samples, seed
        Betweenness options (:func:`ecolib.foundations.network.betweenness`; defaults 2000,
        None, 0).

    Returns
    -------
    ValueStream
        The fields of :class:`ValueStream`. ``headline`` holds JSON-friendly numbers for
        summary.json: window (first, last), local_value, inbound, outbound (currency),
        local_sourcing, leakage (0–1 or None), active_local_firms, isolated_firms (counts),
        isolated_share (0–1 or None), isolated_ids (first 50), broken_link_count,
        broken_links (first 50 "source→target", largest value at stake first),
        largest_broken_link (``{source, target, value_at_stake}`` of the first, or None),
        broken_links_not_judged (links from service segments, count), broken_link_share,
        broken_link_min_value (the two settings used), connectors (top three firm ids),
        betweenness_method, density (0–1 or None), value_intensity (local value / window
        output, or None), key_segments (groups in the ``key`` quadrant of :func:`segment_io`),
        flows_given (False: no transactions between firms in the workspace, the trade figures
        above are not evaluated) and output_reported (active local firms giving their output).

    See Also
    --------
    ecolib.analyses.month.MonthModel.value_stream : ``ecolib.analyse(ws, month).value_stream``,
        this with the workspace's window and broken-link threshold.
    segment_flows, sourcing_table, sourcing_totals, isolated_firms : parts of it.
    connector_firms, broken_links, collaboration, segment_io : the other parts.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> vs = value_stream(tiny().tables, "2026-03", window=3)
    >>> vs.headline["local_value"], vs.headline["inbound"], vs.headline["connectors"]
    (42.0, 38.0, ['F2', 'F1', 'F3'])
    >>> round(vs.min_link, 4)                         # 0.2 % of the 85 traded in the window
    0.17
    """
    base = flow_graph(tables, month, window=window, kind=kind)   # window flows coded once, shared below
    profile = _profile(tables, month)
    sf = _segment_flows(tables, base, month, kind, level)
    table = sourcing_table(sf)
    totals = sourcing_totals(sf)
    iso = _isolated(base, profile)
    con = _connectors(base, sf.shares, profile, directed=False, exact_max=exact_max, samples=samples, seed=seed)
    broken = broken_links(sf, tables.get("chain_edges"), threshold=threshold, min_value=min_value, services=services)
    collab = _collaboration(base)
    io = segment_io(sf)
    broken_ids = broken.loc[broken["status"] == "broken", ["source", "target", "value_at_stake"]]
    n_active = collab["firms"]
    headline = {
        "window": [sf.months[0], sf.months[-1]],
        "local_value": totals["local_value"], "inbound": totals["inbound"], "outbound": totals["outbound"],
        "local_sourcing": _num(totals["local_sourcing"]), "leakage": _num(totals["leakage"]),
        "active_local_firms": n_active, "isolated_firms": int(len(iso)),
        "isolated_share": _num(len(iso) / n_active if n_active else float("nan")),
        "isolated_ids": iso["firm_id"].head(50).tolist(),
        "broken_link_count": int(len(broken_ids)),
        "broken_links": (broken_ids["source"].astype(str) + "→" + broken_ids["target"].astype(str)).head(50).tolist(),
        "largest_broken_link": ({"source": str(broken_ids.iloc[0]["source"]), "target": str(broken_ids.iloc[0]["target"]),
                                 "value_at_stake": float(broken_ids.iloc[0]["value_at_stake"])}
                                if len(broken_ids) else None),
        "broken_links_not_judged": int((broken["status"] == "not_judged").sum()),
        "broken_link_share": float(threshold), "broken_link_min_value": float(min_value),
        "connectors": con["firm_id"].head(3).tolist(),
        "betweenness_method": con.attrs.get("method", ""),
        "density": _num(collab["density"]), "value_intensity": _num(collab["value_intensity"]),
        "key_segments": io.linkages.index[io.linkages["quadrant"].eq("key")].tolist() if len(io.linkages) else [],
    }
    flows_given = bool(len(tables["flows"])) if tables.get("flows") is not None else False
    local = (profile["local"] & profile["active"]).to_numpy()
    output_reported = reported(tables["firms"][local], ("output",))["output"]
    headline["flows_given"], headline["output_reported"] = flows_given, output_reported
    return ValueStream(month, sf.months, level, sf.kind, float(threshold), float(min_value), sf, table, totals, iso,
                       con, broken, collab, io, headline, flows_given, output_reported)


def _num(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def default_min_link(sf: SegmentFlows, share: float = 0.002) -> float:
    """A readable default for the smallest link drawn in the Sankey.

    Parameters
    ----------
    sf : SegmentFlows
        The segment flows (:func:`segment_flows`).
    share : float
        Share of all window value (0.2 %).

    Returns
    -------
    float
        ``share`` × :attr:`SegmentFlows.total` (currency).

    See Also
    --------
    segment_flows : builds ``sf``.
    ValueStream.min_link : this for a value stream.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> round(default_min_link(segment_flows(tiny().tables, "2026-03", window=3)), 4)
    0.17
    """
    return share * sf.total



#: The group of the segments a figure does not show one by one (:func:`main_flows`).
OTHER = "_other"


def main_flows(sf: SegmentFlows, *, segments: int = 8, cover: float = 0.95, min_value: float = 0.0) -> pd.DataFrame:
    """The flows that matter for a two-column flow chart, the rest grouped.

    Every window flow of ``sf`` as a link: local (local firms of I → local firms of J),
    import (outside suppliers :data:`EXTERNAL` → local firms of J) and leak (local firms of I
    → outside buyers :data:`EXTERNAL`). The ``segments`` groups selling most (local sales +
    sales outside) keep their own seller node, the others are grouped as :data:`OTHER`; the
    same on the buyer side (local purchases + purchases from outside). Links are summed over
    the grouping; the largest are kept until they cover ``cover`` of all value (the smallest
    set that does), and each kept link is at least ``min_value``.

    Parameters
    ----------
    sf : SegmentFlows
        The segment flows of the window (:func:`segment_flows`).
    segments : int, default 8
        Sellers and buyers shown one by one (each side).
    cover : float, default 0.95
        Share of all value the kept links cover at least (1: every link).
    min_value : float, default 0
        The smallest link kept (currency over the window).

    Returns
    -------
    DataFrame
        source, target (group ids, :data:`EXTERNAL` or :data:`OTHER`), value (currency over
        the window), kind (local, import, leak), largest first. ``attrs``: total (all value),
        drawn (value of the kept links), hidden_links (links left out, count), hidden_value,
        other_sources, other_targets (the group ids grouped as :data:`OTHER` on each side).

    See Also
    --------
    segment_flows : builds ``sf``.
    ValueStream.main : this for a value stream.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> sf = segment_flows(tiny().tables, "2026-03", window=3)
    >>> links = main_flows(sf, cover=0.9)          # 34 + 21 + 11 + 10 + 5 cover 76 of 85 (89 %): one more
    >>> links
          source     target  value    kind
    0  _external     G.CELL   34.0  import
    1      G.MAT     G.CELL   21.0   local
    2      G.MAT      G.MAT   11.0   local
    3     G.CELL     G.CELL   10.0   local
    4     G.CELL  _external    5.0    leak
    >>> links.attrs["hidden_links"], links.attrs["hidden_value"], links.attrs["other_sources"]
    (1, 4.0, [])
    """
    labels = sf.local.index
    z = sf.local.to_numpy(float)
    parts = [pd.DataFrame({"source": np.repeat(labels.to_numpy(object), len(labels)),
                           "target": np.tile(labels.to_numpy(object), len(labels)),
                           "value": z.ravel(), "kind": "local"}),
             pd.DataFrame({"source": EXTERNAL, "target": labels.to_numpy(object),
                           "value": sf.from_external.to_numpy(float).sum(axis=0), "kind": "import"}),
             pd.DataFrame({"source": labels.to_numpy(object), "target": EXTERNAL,
                           "value": sf.to_external.to_numpy(float).sum(axis=1), "kind": "leak"})]
    links = pd.concat(parts, ignore_index=True)
    links = links[links["value"] > 0]
    total = float(links["value"].sum())

    def top(side: str) -> list:
        by = links[links[side] != EXTERNAL].groupby(side)["value"].sum().sort_values(ascending=False, kind="stable")
        return list(by.index[:max(int(segments), 0)]), list(by.index[max(int(segments), 0):])

    keep_s, other_s = top("source")
    keep_t, other_t = top("target")
    if len(other_s) == 1:                     # a group of one is shown as itself
        keep_s, other_s = keep_s + other_s, []
    if len(other_t) == 1:
        keep_t, other_t = keep_t + other_t, []
    src = links["source"].where(links["source"].isin(keep_s + [EXTERNAL]), OTHER)
    dst = links["target"].where(links["target"].isin(keep_t + [EXTERNAL]), OTHER)
    grouped = (links.assign(source=src, target=dst).groupby(["source", "target", "kind"], sort=False)["value"]
               .sum().reset_index())
    grouped = grouped.sort_values(["value", "source", "target"], ascending=[False, True, True], kind="stable")
    before = grouped["value"].cumsum().shift(fill_value=0.0).to_numpy()
    kept = (before < cover * total - 1e-9 * total) | (cover >= 1)
    kept &= grouped["value"].to_numpy() >= min_value
    out = grouped[kept][["source", "target", "value", "kind"]].reset_index(drop=True)
    out.attrs = {"total": total, "drawn": float(out["value"].sum()), "hidden_links": int((~kept).sum()),
                 "hidden_value": float(grouped.loc[~kept, "value"].sum()),
                 "other_sources": [g for g in labels if g in set(other_s)],
                 "other_targets": [g for g in labels if g in set(other_t)]}
    return out
