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
  inflow (= 1 − local sourcing). **Value leakage** (价值外溢) of group I: outflow of I's
  local firms to external firms / all outflow of I's local firms. Ratios with a zero
  denominator are NaN ("undefined", never a made-up 0), the value columns stay 0.
* **Isolated firms** (散落的珍珠): local firms active in the report month (``overview
  .active_mask``) with no flow to or from another local firm (active or since exited) in
  the window (kinds filtered as asked).
* **Connector firms** (金线): betweenness centrality of each local firm in the local firm
  graph of the window (edge = the value both ways between two local firms, length =
  1 / value, so heavy links are short), normalised as networkx does (share of the other
  firm pairs whose shortest path runs through the firm), and the number of distinct groups its
  local trading partners belong to (``segments_linked``). Up to ``exact_max`` (2,000) firms in
  the graph: exact, ``networkx.betweenness_centrality(weight=length)``. Above: Brandes'
  estimator from ``k`` seeded random source firms, rescaled like networkx's ``k`` option, with
  shortest paths from ``scipy.sparse.csgraph.dijkstra``: ``k`` = 256, cut to a budget of
  ``25e6 / edges`` sources for very large graphs but never below 32 (a 100k-firm, 1M-flow region:
  ~0.8M local edges, k = 32, a few seconds; pass ``samples=`` for more precision, the error of
  a firm's estimate shrinks like 1/√k). Equally short alternative paths (exact ties of money
  values) are broken arbitrarily there instead of split.
* **Broken links** (价值传导断裂): chain edges rolled up to the level (``I → J``, I ≠ J) where
  both I and J have active local firms but the local flow I → J is below ``threshold``
  (default 10 %, ``thresholds.broken_link_share`` in workspace.yaml) of J's inflow from group
  I overall (local + external suppliers of I): ``local_share = Z[I, J] / (Z[I, J] +
  from_external[I, J])``. Edges where J buys nothing from I at all are ``no_trade``.
* **Collaboration density**: directed local firm-to-firm links (pairs with a flow in the
  window, among the n active local firms) / (n (n − 1)); and the local inter-firm value / the
  local firms' output over the window (annual output × window / 12).
* **Input-output view** of the groups: ``x`` = output of active local firms attributed by
  share and scaled to the window (× window / 12), ``Z`` = the local flow matrix; A, L,
  Rasmussen linkages, the Ghosh variant and hypothetical extraction from
  :mod:`ecolib.analyses.iotable`. Groups with ``x = 0`` are left out (listed in ``excluded``).
* **National view**: the park's segments mapped to the 42 sectors of China's 2020
  input-output table (:data:`SECTOR_RULES`), with those sectors' national linkages.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from ecolib.foundations import chain
from ecolib.presentation import fmt
from ecolib.analyses import iotable
from ecolib.foundations import months as mo
from ecolib.presentation.i18n import display_name, display_names, t
from ecolib.foundations.firms import active_mask, firm_profile
from ecolib.contract.schema import FLOW_KINDS as KINDS, STAGES  # the contract's vocabulary

__all__ = [
    "UNASSIGNED", "EXTERNAL", "KINDS", "LEVEL_DEPTHS", "SECTOR_RULES",
    "level_groups", "group_table", "window_flows",
    "SegmentFlows", "segment_flows", "local_sourcing", "leakage", "sourcing_table", "sourcing_totals",
    "isolated_firms", "connector_firms", "betweenness", "broken_links", "collaboration",
    "SegmentIO", "segment_io", "national_linkages", "segment_sectors", "national_key_sectors",
    "ValueStream", "value_stream", "headline_cards", "findings",
]

#: Group of firms without any firm_nodes row (their flows are kept, value is conserved).
UNASSIGNED = "_unassigned"
#: Label of the external parties' row/column in :meth:`SegmentFlows.with_external`.
EXTERNAL = "_external"
LEVEL_DEPTHS = {"chain": 0, "stage": 1, "segment": 2, "node": None}
#: betweenness: exact up to this many firms in the local graph, sampled above
EXACT_MAX = 2000
SAMPLES = 256
MIN_SAMPLES = 32
SAMPLE_BUDGET = 25_000_000  # sampled sources × edges (≈ a few seconds of Dijkstra)


# =========================================================================== levels


def _depths(chain_nodes: pd.DataFrame) -> pd.Series:
    if "depth" in chain_nodes:
        return pd.Series(chain_nodes["depth"].to_numpy(int), index=chain_nodes["node_id"].to_numpy())
    pairs = chain.ancestor_pairs(chain_nodes)
    return pairs.groupby("node_id")["distance"].max().reindex(chain_nodes["node_id"]).astype(int)


def _level_depth(level: str | int) -> int | None:
    if isinstance(level, (int, np.integer)) and not isinstance(level, bool):
        if level < 0:
            raise ValueError(f"level depth must be ≥ 0, got {level}")
        return int(level)
    if level not in LEVEL_DEPTHS:
        raise ValueError(f"level must be one of {', '.join(LEVEL_DEPTHS)} or a depth, got {level!r}")
    return LEVEL_DEPTHS[level]


def level_groups(chain_nodes: pd.DataFrame, level: str | int = "segment") -> pd.Series:
    """The group of every node at ``level``: its ancestor at the level's depth, or the node
    itself when it is not deeper than that (``"node"``: every node is its own group).

    Returns a Series indexed by node_id, values group node_ids.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> level_groups(tables["chain_nodes"], "segment")[["N.LI", "N.CATH", "N.CELL", "N.PACK"]].tolist()
    ['G.MAT', 'G.MAT', 'G.CELL', 'G.CELL']
    """
    ids = chain_nodes["node_id"].astype(str).to_numpy()
    target = _level_depth(level)
    if target is None or len(ids) == 0:
        return pd.Series(ids, index=ids, name="group")
    depth = _depths(chain_nodes)
    pairs = chain.ancestor_pairs(chain_nodes)
    pairs = pairs[pairs["ancestor_id"].map(depth).to_numpy() == target]
    hit = pairs.set_index("node_id")["ancestor_id"].astype(str)
    out = hit.reindex(ids)
    out = pd.Series(np.where(out.isna(), ids, out.to_numpy(object)), index=ids, name="group")
    return out


def _zh_names(nodes: pd.DataFrame) -> np.ndarray:
    """Chinese node names (the English name where none is given), as an object array."""
    zh = nodes["name_zh"].fillna(nodes["name"]) if "name_zh" in nodes else nodes["name"]
    return zh.astype(str).to_numpy(object)


def group_table(chain_nodes: pd.DataFrame, level: str | int = "segment",
                extra: Iterable[str] = ()) -> pd.DataFrame:
    """The groups of a level in chain order (stage order, then the order of chain_nodes):
    the nodes at the level's depth (every node for ``"node"``: the leaves), plus ``extra``
    group ids (nodes above the level that firms are attached to, :data:`UNASSIGNED`).

    Columns: name, name_zh, stage, depth; index ``group``.
    """
    target = _level_depth(level)
    nodes = chain_nodes.assign(node_id=chain_nodes["node_id"].astype(str))
    depth = _depths(chain_nodes).to_numpy()
    if target is None:
        keep = nodes["is_leaf"].to_numpy(bool) if "is_leaf" in nodes else ~nodes["node_id"].isin(nodes["parent_id"])
    else:
        keep = depth == target
    extra = [e for e in dict.fromkeys(extra) if e not in set(nodes.loc[keep, "node_id"])]
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
        table = pd.concat([table, pd.DataFrame({"group": [UNASSIGNED], "name": ["(no chain node)"],
                                                "name_zh": ["（未关联产业链节点）"], "stage": ["unassigned"],
                                                "depth": [-1], "row": [len(nodes)]})], ignore_index=True)
    rank = {s: i for i, s in enumerate(STAGES)}
    table["stage_rank"] = table["stage"].map(rank).fillna(len(rank)).astype(int)
    table = table.sort_values(["stage_rank", "row"]).set_index("group")
    return table[["name", "name_zh", "stage", "depth"]]


# =========================================================================== flows in the window


def _kinds(kind) -> list[str] | None:
    if kind is None or (isinstance(kind, str) and kind in ("", "all")):
        return None
    kinds = [kind] if isinstance(kind, str) else list(kind)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"unknown flow kind(s) {bad}; choose from {', '.join(KINDS)}")
    return kinds


def _arrow(values) -> pa.Array:
    """Text values as one arrow large-string array (hash look-ups run in arrow's C++)."""
    try:
        arr = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array(pd.Series(values).astype(str).to_numpy(object), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr if (pa.types.is_string(arr.type) or pa.types.is_null(arr.type))
                      else pc.cast(arr, pa.string()), pa.large_string())
    return arr


def _codes(values, value_set) -> np.ndarray:
    """Position of each of ``values`` in ``value_set`` (-1 where absent or missing)."""
    idx = pc.index_in(_arrow(values), value_set=_arrow(value_set))
    return idx.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def window_mask(flows: pd.DataFrame, month: str, *, window: int = 12, kind=None) -> np.ndarray:
    """True for the flow rows of the ``window`` months ending at ``month`` (of the ``kind``s)."""
    if int(window) < 1:
        raise ValueError(f"window must be ≥ 1 month, got {window}")
    win = mo.window(month, int(window))
    keep = pc.is_in(_arrow(flows["month"]), value_set=_arrow(win)).to_numpy(zero_copy_only=False)
    kinds = _kinds(kind)
    if kinds is not None:
        keep = keep & pc.is_in(_arrow(flows["kind"]), value_set=_arrow(kinds)).to_numpy(zero_copy_only=False)
    return np.asarray(keep, bool)


def window_flows(flows: pd.DataFrame, month: str, *, window: int = 12, kind=None) -> pd.DataFrame:
    """The flow rows of the ``window`` months ending at ``month`` (of the given ``kind``s).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> window_flows(tables["flows"], "2026-03", window=2)     # 2026-02 and 2026-03
         month source target  value   kind
    4  2026-03     F1     F2   12.0  goods
    5  2026-03     X1     F2    8.0  goods
    """
    return flows[window_mask(flows, month, window=window, kind=kind)]


@dataclass
class _Base:
    """Integer-coded firms and window flows, shared by the analyses of one month."""
    firm_ids: pa.Array
    local: np.ndarray          # bool per firm
    active: np.ndarray         # bool per firm, active in the report month
    output: np.ndarray         # annual output per firm (missing → 0)
    src: np.ndarray            # firm index of each window flow (unknown ids dropped)
    dst: np.ndarray
    value: np.ndarray
    months: list[str]

    @property
    def n(self) -> int:
        return len(self.firm_ids)

    def between_firms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Window flows between two different firms (self-flows left out)."""
        ok = self.src != self.dst
        return self.src[ok], self.dst[ok], self.value[ok]


def _base(tables: dict, month: str, *, window: int, kind) -> _Base:
    firms, flows = tables["firms"], tables["flows"]
    firm_ids = _arrow(firms["firm_id"])
    keep = window_mask(flows, month, window=window, kind=kind)
    f = flows[keep]
    src = _codes(f["source"], firm_ids)
    dst = _codes(f["target"], firm_ids)
    value = f["value"].to_numpy(float)
    ok = (src >= 0) & (dst >= 0) & np.isfinite(value)
    return _Base(firm_ids, firms["local"].fillna(True).to_numpy(bool), active_mask(firms, month).to_numpy(bool),
                 pd.to_numeric(firms["output"], errors="coerce").fillna(0.0).to_numpy(float),
                 src[ok], dst[ok], value[ok], mo.window(month, int(window)))


def _shares(tables: dict, base: _Base, level) -> tuple[pd.DataFrame, pd.Series, sp.csr_matrix]:
    """Groups of the level, node → group, and the firms × groups share matrix S (a firm with
    no firm_nodes row: share 1 on :data:`UNASSIGNED`)."""
    firm_nodes, chain_nodes = tables["firm_nodes"], tables["chain_nodes"]
    node_group = level_groups(chain_nodes, level)
    fi = _codes(firm_nodes["firm_id"], base.firm_ids)
    gcode = _codes(firm_nodes["node_id"], node_group.index.to_numpy(object))
    g_of = np.where(gcode >= 0, node_group.to_numpy(object)[np.maximum(gcode, 0)], None)
    share = firm_nodes["share"].to_numpy(float)
    ok = (fi >= 0) & (gcode >= 0) & (share > 0)
    fi, g_of, share = fi[ok], g_of[ok], share[ok]
    has_node = np.zeros(base.n, bool)
    has_node[fi] = True
    missing = np.flatnonzero(~has_node)
    extra = list(pd.unique(g_of)) + ([UNASSIGNED] if len(missing) else [])
    groups = group_table(chain_nodes, level, extra=extra)
    gi = _codes(g_of, groups.index.to_numpy(object))
    un = groups.index.get_loc(UNASSIGNED) if len(missing) else 0
    S = sp.csr_matrix((np.r_[share, np.ones(len(missing))], (np.r_[fi, missing], np.r_[gi, np.full(len(missing), un)])),
                      shape=(base.n, len(groups)))
    return groups, node_group, S


def _z(base: _Base, S: sp.csr_matrix, mask: np.ndarray) -> np.ndarray:
    """Sᵀ F S for the flows selected by ``mask`` (dense groups × groups)."""
    F = sp.csr_matrix((base.value[mask], (base.src[mask], base.dst[mask])), shape=(base.n, base.n))
    return np.asarray((S.T @ (F @ S)).todense())


# =========================================================================== segment flows


@dataclass
class SegmentFlows:
    """Value flowing between the groups of one level over the window (currency of the
    workspace, summed over the window). Matrices are DataFrames indexed by supplying group
    (rows, ``source``) and using group (columns, ``target``), in chain order.
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
        """The local matrix with one extra row (external suppliers → each group's local
        firms) and one extra column (each group's local firms → external buyers), labelled
        :data:`EXTERNAL`; the corner holds external → external flows."""
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
    return _segment_flows(tables, _base(tables, month, window=window, kind=kind), month, kind, level)


def _segment_flows(tables: dict, base: _Base, month: str, kind, level) -> SegmentFlows:
    groups, node_group, S = _shares(tables, base, level)
    loc_s, loc_d = base.local[base.src], base.local[base.dst]
    labels = groups.index

    def frame(m):
        df = pd.DataFrame(m, index=labels.copy(), columns=labels.copy())
        df.index.name, df.columns.name = "source", "target"
        return df

    local = frame(_z(base, S, loc_s & loc_d))
    from_ext = frame(_z(base, S, ~loc_s & loc_d))
    to_ext = frame(_z(base, S, loc_s & ~loc_d))
    ext_only = float(base.value[~loc_s & ~loc_d].sum())
    groups = groups.copy()
    act_local = base.local & base.active
    groups["output"] = S.T @ (act_local * base.output * (len(base.months) / 12.0))
    groups["local_firms"] = np.asarray((S[act_local] > 0).sum(axis=0)).ravel().astype(int)
    return SegmentFlows(month, base.months, level, _kinds(kind), groups, local, from_ext, to_ext, ext_only,
                        node_group, S)


def _ratio(num, den) -> np.ndarray:
    num, den = np.asarray(num, float), np.asarray(den, float)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def local_sourcing(sf: SegmentFlows) -> pd.Series:
    """Local sourcing ratio (本地配套率) per group: local inflow / all inflow of the group's
    local firms, in [0, 1]; NaN for a group with no inflow.

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
    """Value leakage (价值外溢) and import dependence per group, both in [0, 1] (NaN when the
    denominator is 0): ``leakage`` = outflow of the group's local firms to external firms /
    all their outflow; ``import_dependence`` = inflow from external firms / all inflow."""
    ext_out, ext_in = sf.to_external.sum(axis=1), sf.from_external.sum(axis=0)
    outflow = sf.local.sum(axis=1) + ext_out
    inflow = sf.local.sum(axis=0) + ext_in
    return pd.DataFrame({"leakage": _ratio(ext_out, outflow), "import_dependence": _ratio(ext_in, inflow)},
                        index=sf.local.index)


def sourcing_table(sf: SegmentFlows) -> pd.DataFrame:
    """Per group (chain order): name, name_zh, stage, local_firms, output (window), the value
    columns local_inflow, external_inflow, inflow, local_outflow, external_outflow, outflow
    (currency, window) and the ratios local_sourcing, import_dependence, leakage."""
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
    """Park-wide totals over the window (currency): ``local_value`` (local → local),
    ``inbound`` (external → local), ``outbound`` (local → external), and the ratios
    ``local_sourcing`` = local / (local + inbound), ``leakage`` = outbound / (local + outbound)
    (NaN when undefined)."""
    local = float(sf.local.to_numpy().sum())
    inbound = float(sf.from_external.to_numpy().sum())
    outbound = float(sf.to_external.to_numpy().sum())
    return {"local_value": local, "inbound": inbound, "outbound": outbound,
            "local_sourcing": local / (local + inbound) if local + inbound > 0 else float("nan"),
            "leakage": outbound / (local + outbound) if local + outbound > 0 else float("nan")}


# =========================================================================== firms


def _profile(tables: dict, month: str) -> pd.DataFrame:
    """overview.firm_profile plus the name of the firm's main segment (segment_name, _zh)."""
    nodes = tables["chain_nodes"]
    profile = firm_profile(tables["firms"], tables["firm_nodes"], nodes, month)
    ids = nodes["node_id"].to_numpy(object)
    at = _codes(profile["segment_id"], ids)
    name = nodes["name"].astype(str).to_numpy(object)
    name_zh = _zh_names(nodes)
    profile["segment_name"] = np.where(at >= 0, name[np.maximum(at, 0)], "–")
    profile["segment_name_zh"] = np.where(at >= 0, name_zh[np.maximum(at, 0)], "–")
    return profile


_FIRM_COLUMNS = ["firm_id", "name", "name_zh", "zone", "anchor", "node_id", "segment_id", "segment_name",
                 "segment_name_zh", "stage", "output"]


def isolated_firms(tables: dict, month: str, *, window: int = 12, kind=None) -> pd.DataFrame:
    """Isolated firms (散落的珍珠): active local firms with no flow to or from another local
    firm in the window. Sorted by output, largest first.

    Columns: firm_id, name, name_zh, zone, anchor, node_id (main node), segment_id,
    segment_name, segment_name_zh, stage, output (annual, currency), external_inflow,
    external_outflow (their trade with external firms in the window, currency).
    """
    return _isolated(_base(tables, month, window=window, kind=kind), _profile(tables, month))


def _isolated(base: _Base, profile: pd.DataFrame) -> pd.DataFrame:
    s, d, v = base.between_firms()
    local, n = base.local, base.n
    ll = local[s] & local[d]
    linked = (np.bincount(s[ll], minlength=n) + np.bincount(d[ll], minlength=n)) > 0
    ext_in = np.bincount(d[~local[s]], weights=v[~local[s]], minlength=n)
    ext_out = np.bincount(s[~local[d]], weights=v[~local[d]], minlength=n)
    iso = local & base.active & ~linked
    out = profile[iso].assign(external_inflow=ext_in[iso], external_outflow=ext_out[iso])
    cols = _FIRM_COLUMNS + ["external_inflow", "external_outflow"]
    return out[cols].sort_values(["output", "firm_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _local_graph(base: _Base, *, directed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges (a, b, value) of the local firm graph of the window: one per firm pair (undirected:
    both directions summed, a < b) or per ordered pair (directed)."""
    s, d, v = base.between_firms()
    ll = base.local[s] & base.local[d] & (v > 0)
    s, d, v = s[ll], d[ll], v[ll]
    if not directed:
        s, d = np.minimum(s, d), np.maximum(s, d)
    m = sp.csr_matrix((v, (s, d)), shape=(base.n, base.n))   # duplicates summed (sorted, in C)
    m.sum_duplicates()
    coo = m.tocoo()
    return coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data


def betweenness(n: int, a: np.ndarray, b: np.ndarray, length: np.ndarray, *, directed: bool = False,
                exact_max: int = EXACT_MAX, samples: int | None = None, seed: int = 0) -> tuple[np.ndarray, str]:
    """Normalised betweenness centrality of the ``n`` nodes of a graph with edges ``a → b`` of
    the given ``length`` (> 0), as ``networkx.betweenness_centrality(normalized=True,
    weight=...)`` defines it. Returns (values, method): method ``"exact"`` (networkx, n ≤
    ``exact_max``) or ``"sampled k=…"`` (Brandes' estimator over ``k`` seeded random sources,
    scipy Dijkstra; see the module docstring for ``k`` and ties). Only nodes that have an edge
    count in ``n`` (isolated nodes get 0 and are not part of the normalisation).
    """
    out = np.zeros(n)
    used = np.unique(np.r_[a, b]).astype(np.int64)
    m = len(used)
    if m < 3:
        return out, "exact"
    pos = np.full(n, -1, np.int64)
    pos[used] = np.arange(m)
    ua, ub = pos[a], pos[b]
    if m <= exact_max:
        import networkx as nx
        G = nx.DiGraph() if directed else nx.Graph()
        G.add_nodes_from(range(m))
        G.add_weighted_edges_from(zip(ua.tolist(), ub.tolist(), np.asarray(length, float).tolist()), weight="length")
        bc = nx.betweenness_centrality(G, weight="length", normalized=True)
        out[used] = np.fromiter((bc[i] for i in range(m)), float, m)
        return out, "exact"
    if samples is None:
        k = int(min(SAMPLES, max(MIN_SAMPLES, SAMPLE_BUDGET // max(len(ua), 1))))
    else:
        k = int(samples)
    k = max(2, min(k, m))
    rng = np.random.default_rng(seed)
    sources = np.sort(rng.choice(m, size=k, replace=False))
    g = sp.csr_matrix((np.asarray(length, float), (ua, ub)), shape=(m, m))
    raw = np.zeros(m)
    for chunk in np.array_split(sources, max(1, math.ceil(k / 16))):  # loop over source batches
        _, pred = dijkstra(g, directed=directed, indices=chunk, return_predecessors=True)
        raw += _tree_dependencies(pred, chunk).sum(axis=0)
    is_source = np.zeros(m, bool)
    is_source[sources] = True
    # networkx's rescaling of the k-source estimator (endpoints excluded)
    scale = np.where(is_source, 1.0 / ((k - 1) * (m - 2)), 1.0 / (k * (m - 2)))
    if k == m:
        scale = np.full(m, 1.0 / ((m - 1) * (m - 2)))
    out[used] = raw * scale
    return out, f"sampled k={k}"


def _tree_dependencies(pred: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Brandes dependencies δ_s(v) for shortest-path trees given as scipy predecessor rows
    (one per source; -9999 for the source and unreachable nodes): with a unique shortest path
    to every node, δ_s(v) = number of descendants of v in s's tree. Vectorised: tree depths by
    pointer doubling, then subtree sizes accumulated one depth level at a time (deepest first)."""
    c, m = pred.shape
    flat_parent = np.where(pred >= 0, pred + (np.arange(c) * m)[:, None], -1).ravel()
    reach = (pred >= 0).ravel()
    reach[np.arange(c) * m + sources] = True
    depth = (flat_parent >= 0).astype(np.int64)
    jump = flat_parent.copy()
    while True:  # pointer doubling: O(log height) rounds
        idx = np.flatnonzero(jump >= 0)
        if len(idx) == 0:
            break
        target = jump[idx]
        depth[idx] += depth[target]
        jump[idx] = jump[target]
    size = reach.astype(float)
    order = np.argsort(depth, kind="stable")
    d_sorted = depth[order]
    bounds = np.searchsorted(d_sorted, np.arange(d_sorted[-1] + 2)) if len(d_sorted) else np.zeros(1, int)
    for h in range(int(d_sorted[-1]) if len(d_sorted) else 0, 0, -1):  # loop over tree depth levels
        nodes = order[bounds[h]:bounds[h + 1]]
        np.add.at(size, flat_parent[nodes], size[nodes])
    dep = np.where(reach, size - 1.0, 0.0)
    dep[np.arange(c) * m + sources] = 0.0
    return dep.reshape(c, m)


def connector_firms(tables: dict, month: str, *, window: int = 12, kind=None, level: str | int = "segment",
                    directed: bool = False, exact_max: int = EXACT_MAX, samples: int | None = None,
                    seed: int = 0) -> pd.DataFrame:
    """Connector firms (金线): active local firms ranked by betweenness centrality in the local
    firm graph of the window (edge length 1 / value; see the module docstring for exact vs
    sampled computation) and by the number of distinct groups (at ``level``) of their local
    trading partners.

    Columns: rank, firm_id, name, name_zh, zone, anchor, segment_id, segment_name(_zh), stage,
    output (annual), partners (distinct local trading partners), segments_linked,
    local_inflow, local_outflow (window, currency), betweenness (normalised, in [0, 1]).
    ``attrs["method"]`` says how betweenness was computed. Firms without a local partner are
    left out.
    """
    base = _base(tables, month, window=window, kind=kind)
    _, _, S = _shares(tables, base, level)
    return _connectors(base, S, _profile(tables, month), directed=directed, exact_max=exact_max, samples=samples,
                       seed=seed)


def _connectors(base: _Base, S: sp.csr_matrix, profile: pd.DataFrame, *, directed: bool, exact_max: int,
                samples: int | None, seed: int) -> pd.DataFrame:
    n = base.n
    a, b, val = _local_graph(base, directed=directed)
    length = val.max() / val if len(val) else val  # 1 / value, rescaled (same shortest paths)
    bc, method = betweenness(n, a, b, length, directed=directed, exact_max=exact_max, samples=samples, seed=seed)
    s, d, v = base.between_firms()
    ll = base.local[s] & base.local[d]
    local_in = np.bincount(d[ll], weights=v[ll], minlength=n)
    local_out = np.bincount(s[ll], weights=v[ll], minlength=n)
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
    """Collaboration density (DESIGN §4): ``firms`` n (active local firms), ``links``
    (ordered pairs of them with a flow in the window), ``density`` = links / (n (n − 1))
    (NaN when n < 2), ``local_value`` (flows between local firms in the window, currency),
    ``output`` (their annual output × window / 12) and ``value_intensity`` = local_value /
    output (NaN when output is 0)."""
    return _collaboration(_base(tables, month, window=window, kind=kind))


def _collaboration(base: _Base) -> dict:
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


def broken_links(sf: SegmentFlows, chain_edges: pd.DataFrame, *, threshold: float = 0.1) -> pd.DataFrame:
    """Broken links (价值传导断裂) along chain edges rolled up to the level of ``sf``.

    One row per group pair ``source → target`` (I ≠ J) joined by at least one chain edge,
    where both groups have active local firms. Columns:

    * source, target, source_name, source_name_zh, target_name, target_name_zh, edges (chain
      edges behind the pair), weight (their summed weight);
    * local_value: local firms of I → local firms of J (window, currency);
    * buyer_from_outside: external firms of I → local firms of J (the buyer side);
    * supplier_to_outside: local firms of I → external firms of J (the supplier side);
    * local_share = local_value / (local_value + buyer_from_outside) (NaN with no inflow);
    * supplier_local_share = local_value / (local_value + supplier_to_outside);
    * status: ``broken`` (local_share < threshold), ``connected``, or ``no_trade`` (J's local
      firms buy nothing from group I).

    Sorted: broken first, by the value bought from outside (largest first).
    """
    cols = ["source", "target", "source_name", "source_name_zh", "target_name", "target_name_zh", "edges",
            "weight", "local_value", "buyer_from_outside", "supplier_to_outside", "local_share",
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
    e["local_share"] = _ratio(e["local_value"], e["local_value"] + e["buyer_from_outside"])
    e["supplier_local_share"] = _ratio(e["local_value"], e["local_value"] + e["supplier_to_outside"])
    inflow = e["local_value"] + e["buyer_from_outside"]
    e["status"] = np.select([inflow <= 0, e["local_share"] < threshold], ["no_trade", "broken"], "connected")
    for side in ("source", "target"):
        e[f"{side}_name"] = groups["name"].reindex(e[side]).to_numpy()
        e[f"{side}_name_zh"] = groups["name_zh"].reindex(e[side]).to_numpy()
    e["_order"] = e["status"].map({"broken": 0, "connected": 1, "no_trade": 2})
    e = e.sort_values(["_order", "buyer_from_outside", "source", "target"], ascending=[True, False, True, True],
                      kind="stable")
    return e[cols].reset_index(drop=True)


# =========================================================================== input-output view


@dataclass
class SegmentIO:
    """Input-output view of the park's groups (see :mod:`ecolib.analyses.iotable`).

    ``model``: the IOModel (Z, x, f, A, L, B, G) of the included groups, or None;
    ``linkages``: per included group: name, name_zh, stage, output (x), BL, FL, FL_ghosh,
    quadrant, extraction_loss (currency, window), extraction_share;
    ``excluded``: groups left out (no output in the window); ``problem``: why no model could
    be computed (e.g. local inputs above output make I − A singular), else None.
    """
    model: iotable.IOModel | None
    linkages: pd.DataFrame
    excluded: list[str]
    problem: str | None = None


def segment_io(sf: SegmentFlows) -> SegmentIO:
    """A, L, Rasmussen and Ghosh linkages and hypothetical extraction of the groups of ``sf``:
    x = window output of active local firms by group, Z = local flows between groups."""
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


#: Park segment → China 42-sector input-output sectors: the first rule whose pattern matches
#: the segment's id or English name (case-insensitive) gives the sector codes; a segment no
#: rule matches falls back to its stage (``stage:<stage>``). Written for new-energy vehicle
#: and battery chains; pass ``rules=`` to use another mapping.
SECTOR_RULES: list[tuple[str, tuple[str, ...]]] = [
    (r"recycl", ("22",)),                                   # other manufacturing, waste resources
    (r"lithium|nickel|cobalt|rare earth|\bree\b|magnet|\bores?\b|mining", ("04", "14")),  # metal ores; smelting
    (r"graphite", ("05", "13")),                            # non-metal ores; non-metallic mineral products
    (r"foil|metal|alumin|copper|steel", ("14",)),           # smelting and processing of metals
    (r"cathode|anode|electrolyte|separator|chemical|material", ("12",)),  # chemical products
    (r"semiconductor|electronic|chip|sensor|intelligent|connected|smart|\becu\b", ("20",)),  # electronics
    (r"vehicle|chassis|body|\bveh\b", ("18",)),             # transport equipment
    (r"cell|battery|pack|\bbms\b|motor|charg|storage|\bess\b", ("19",)),  # electrical machinery
    (r"grid|\bpv\b|solar|power supply", ("24",)),           # electric power and heat
    (r"test|certif|inspect", ("36",)),                      # technical services
    (r"logist|warehous|transport", ("29",)),                # transport, storage, postal
    (r"software|data|digital|platform", ("31",)),           # information technology services
    (r"financ|leasing|factoring|insur", ("32",)),           # finance
    (r"research|r&d|design", ("35",)),                      # research and development
    (r"stage:upstream", ("04", "14")),
    (r"stage:midstream", ("19",)),
    (r"stage:downstream", ("18",)),
    (r"stage:service", ("34",)),                            # leasing and commercial services
]


def segment_sectors(groups: pd.DataFrame, *, rules: Sequence[tuple[str, Sequence[str]]] = SECTOR_RULES) -> pd.DataFrame:
    """The national input-output sectors behind each group: one row per (group, sector).

    ``groups`` is indexed by group id with columns name (and stage). Matching is on
    "<id> <name>" first, then on "stage:<stage>"; groups nothing matches are left out.
    Columns: group, name, name_zh, stage, sector, rule.
    """
    rows = []
    compiled = [(re.compile(p, re.IGNORECASE), tuple(codes), p) for p, codes in rules]
    for gid, row in groups.iterrows():  # a loop over groups (≤ a few hundred), not firms
        text = f"{str(gid).replace('.', ' ')} {row.get('name', '')}"
        hit = next(((codes, p) for rx, codes, p in compiled if not p.startswith("stage:") and rx.search(text)), None)
        if hit is None:
            stage_text = f"stage:{row.get('stage', '')}"
            hit = next(((codes, p) for rx, codes, p in compiled if p.startswith("stage:") and rx.fullmatch(stage_text)),
                       None)
        if hit is None:
            continue
        for code in hit[0]:
            rows.append({"group": gid, "name": row.get("name", ""), "name_zh": row.get("name_zh", row.get("name", "")),
                         "stage": row.get("stage", ""), "sector": code, "rule": hit[1]})
    return pd.DataFrame(rows, columns=["group", "name", "name_zh", "stage", "sector", "rule"])


def national_linkages(table) -> pd.DataFrame:
    """Linkages of a national input-output table (an ``ecolib.datasets.china_io.IOTable``):
    per sector name_en, name_zh, output (x, the table's unit), BL, FL, FL_ghosh, quadrant,
    extraction_loss, extraction_share."""
    lk = iotable.linkages(table.Z, table.x)
    out = pd.DataFrame({"name_en": table.names_en, "name_zh": table.names_zh, "output": table.x}).join(lk)
    out.index.name = "sector"
    return out


def national_key_sectors(groups: pd.DataFrame, table, *, rules=SECTOR_RULES) -> pd.DataFrame:
    """The national sectors behind the park's groups with their national linkages: one row
    per sector, with the groups mapped to it (``groups``: ids joined by ", "; ``names`` and
    ``names_zh``: their names) and ``park_output`` (the groups' window output, currency, split
    equally over a group's sectors). Sorted by BL + FL, key sectors first."""
    lk = national_linkages(table)
    mapping = segment_sectors(groups, rules=rules)
    cols = ["sector", "name_en", "name_zh", "BL", "FL", "FL_ghosh", "quadrant", "extraction_share", "groups",
            "names", "names_zh", "park_output"]
    if mapping.empty:
        return pd.DataFrame(columns=cols)
    out_by = groups["output"] if "output" in groups else pd.Series(0.0, index=groups.index)
    n_sectors = mapping.groupby("group")["sector"].transform("size")
    mapping["park_output"] = mapping["group"].map(out_by).fillna(0.0) / n_sectors
    agg = mapping.groupby("sector").agg(groups=("group", ", ".join), names=("name", ", ".join),
                                        names_zh=("name_zh", "、".join), park_output=("park_output", "sum"))
    out = agg.join(lk, how="inner").reset_index()
    out["_key"] = out["quadrant"].eq("key")
    out["_sum"] = out["BL"] + out["FL"]
    out = out.sort_values(["_key", "_sum"], ascending=[False, False], kind="stable")
    return out[cols].reset_index(drop=True)


# =========================================================================== everything at once


@dataclass
class ValueStream:
    """Everything the value-stream notebook shows for one month."""
    month: str
    window: list[str]
    level: str | int
    kind: list[str] | None
    threshold: float
    flows: SegmentFlows
    sourcing: pd.DataFrame
    totals: dict
    isolated: pd.DataFrame
    connectors: pd.DataFrame
    broken: pd.DataFrame
    collaboration: dict
    io: SegmentIO
    headline: dict = field(default_factory=dict)


def value_stream(tables: dict, month: str, *, window: int = 12, kind=None, level: str | int = "segment",
                 threshold: float = 0.1, exact_max: int = EXACT_MAX, samples: int | None = None,
                 seed: int = 0) -> ValueStream:
    """The whole value-stream map for ``month`` (see the module docstring for each part).

    ``headline`` holds JSON-friendly numbers for summary.json: local_value, inbound, outbound,
    local_sourcing, leakage, active_local_firms, isolated_firms, isolated_share, isolated_ids (first
    50), broken_link_count, broken_links (first 50 "source→target"), connectors (top three firm
    ids), betweenness_method, density, value_intensity, key_segments."""
    base = _base(tables, month, window=window, kind=kind)   # window flows coded once, shared below
    profile = _profile(tables, month)
    sf = _segment_flows(tables, base, month, kind, level)
    table = sourcing_table(sf)
    totals = sourcing_totals(sf)
    iso = _isolated(base, profile)
    con = _connectors(base, sf.shares, profile, directed=False, exact_max=exact_max, samples=samples, seed=seed)
    broken = broken_links(sf, tables.get("chain_edges"), threshold=threshold)
    collab = _collaboration(base)
    io = segment_io(sf)
    broken_ids = broken.loc[broken["status"] == "broken", ["source", "target"]]
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
        "connectors": con["firm_id"].head(3).tolist(),
        "betweenness_method": con.attrs.get("method", ""),
        "density": _num(collab["density"]), "value_intensity": _num(collab["value_intensity"]),
        "key_segments": io.linkages.index[io.linkages["quadrant"].eq("key")].tolist() if len(io.linkages) else [],
    }
    return ValueStream(month, sf.months, level, sf.kind, threshold, sf, table, totals, iso, con, broken, collab, io,
                       headline)


def _num(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


# =========================================================================== words


def group_names(groups: pd.DataFrame, lang: str = "en") -> pd.Series:
    """Display names of groups in ``lang`` (Chinese names when lang == "zh")."""
    names = display_names(groups, lang)
    if UNASSIGNED in names.index:
        names[UNASSIGNED] = t("valuestream.unassigned", lang)
    return names


def firm_name(row, lang: str) -> str:
    return display_name(row["name"], row.get("name_zh", ""), lang)


def headline_cards(vs: ValueStream, lang: str = "en", *, currency: str = "CNY") -> dict[str, str]:
    """Headline figures as ``{label: formatted value}``."""
    h = vs.headline
    n_broken = h["broken_link_count"]
    return {
        t("valuestream.headline.local_value", lang): fmt.money(h["local_value"], lang, currency),
        t("valuestream.headline.local_sourcing", lang): fmt.pct(vs.totals["local_sourcing"], 1),
        t("valuestream.headline.leakage", lang): fmt.pct(vs.totals["leakage"], 1),
        t("valuestream.headline.isolated", lang): f'{h["isolated_firms"]} / {h["active_local_firms"]}',
        t("valuestream.headline.broken", lang): fmt.count(n_broken),
    }


def findings(vs: ValueStream, section: str, lang: str = "en", *, currency: str = "CNY",
             national: pd.DataFrame | None = None) -> list[str]:
    """Plain-language findings of one section of the value-stream page, naming the segments,
    firms and numbers. ``section``: headline, sourcing, isolated, connectors, broken, io,
    national (that one needs ``national`` from :func:`national_key_sectors`). Values from data
    are plain text; the notebook helpers escape them."""
    money = lambda v: fmt.money(v, lang, currency)  # noqa: E731
    names = group_names(vs.flows.groups, lang)
    h, out = vs.headline, []
    lsep, nsep = t("valuestream.list_sep", lang), t("valuestream.name_sep", lang)
    key = f"valuestream.finding.{section}"
    if section == "headline":
        if vs.totals["local_value"] + vs.totals["inbound"] + vs.totals["outbound"] <= 0:
            return [t(f"{key}.no_flows", lang, first=vs.window[0], last=vs.window[-1])]
        out.append(t(f"{key}.volume", lang, first=vs.window[0], last=vs.window[-1], local=money(h["local_value"]),
                     inbound=money(h["inbound"]), outbound=money(h["outbound"]),
                     sourcing=fmt.pct(vs.totals["local_sourcing"], 1), leakage=fmt.pct(vs.totals["leakage"], 1)))
        c = vs.collaboration
        if c["firms"] >= 2:
            out.append(t(f"{key}.density", lang, links=fmt.count(c["links"]), firms=fmt.count(c["firms"]),
                         density=fmt.pct(c["density"], 2), intensity=fmt.pct(c["value_intensity"], 1)))
        return out
    if section == "sourcing":
        s = vs.sourcing[vs.sourcing["local_firms"] > 0]
        big = s[s["outflow"] > 0].sort_values("external_outflow", ascending=False).head(3)
        if len(big):
            items = lsep.join(t("valuestream.item.leak", lang, segment=names[g], value=money(r.external_outflow),
                                pct=fmt.pct(r.leakage)) for g, r in big.iterrows())
            out.append(t(f"{key}.leakage", lang, items=items))
        dep = s[s["inflow"] > 0].sort_values("external_inflow", ascending=False).head(3)
        if len(dep):
            items = lsep.join(t("valuestream.item.import", lang, segment=names[g], value=money(r.external_inflow),
                                pct=fmt.pct(r.import_dependence)) for g, r in dep.iterrows())
            out.append(t(f"{key}.imports", lang, items=items))
        best = s[s["inflow"] > 0].sort_values("local_sourcing", ascending=False).head(1)
        if len(best):
            g, r = next(best.iterrows())
            out.append(t(f"{key}.best", lang, segment=names[g], pct=fmt.pct(r.local_sourcing)))
        return out or [t(f"{key}.none", lang)]
    if section == "isolated":
        iso = vs.isolated
        if iso.empty:
            return [t(f"{key}.none", lang)]
        top = iso.head(5)
        items = nsep.join(t("valuestream.item.firm", lang, firm=firm_name(r, lang),
                            segment=_seg(r, lang), output=money(r["output"]))
                          for _, r in top.iterrows())
        out.append(t(f"{key}.count", lang, n=len(iso), total=h["active_local_firms"],
                     pct=fmt.pct(h["isolated_share"] or 0.0, 1), output=money(iso["output"].sum()), items=items))
        by_seg = iso.groupby("segment_id").size().sort_values(ascending=False)
        if len(by_seg) and by_seg.iloc[0] >= 2:
            tied = by_seg.index[by_seg == by_seg.iloc[0]]
            first = iso.drop_duplicates("segment_id").set_index("segment_id").loc[tied]
            segs = nsep.join(_seg(r, lang) for _, r in first.iterrows())
            out.append(t(f"{key}.cluster", lang, segment=segs, n=int(by_seg.iloc[0])))
        trade = int(((iso["external_inflow"] + iso["external_outflow"]) > 0).sum())
        out.append(t(f"{key}.outside", lang, n=trade,
                     value=money((iso["external_inflow"] + iso["external_outflow"]).sum())))
        return out
    if section == "connectors":
        con = vs.connectors
        if con.empty:
            return [t(f"{key}.none", lang)]
        items = lsep.join(t("valuestream.item.connector", lang, firm=firm_name(r, lang),
                            segment=_seg(r, lang), partners=int(r["partners"]),
                            segments=int(r["segments_linked"]), bc=fmt.number(r["betweenness"], 3))
                          for _, r in con.head(3).iterrows())
        out.append(t(f"{key}.top", lang, items=items))
        widest = con.sort_values(["segments_linked", "betweenness"], ascending=False).iloc[0]
        out.append(t(f"{key}.widest", lang, firm=firm_name(widest, lang), segments=int(widest["segments_linked"])))
        return out
    if section == "broken":
        br = vs.broken[vs.broken["status"] == "broken"]
        if br.empty:
            return [t(f"{key}.none", lang, threshold=fmt.pct(vs.threshold))]
        for _, r in br.head(4).iterrows():
            out.append(t(f"{key}.link", lang,
                         source=display_name(r["source_name"], r["source_name_zh"], lang),
                         target=display_name(r["target_name"], r["target_name_zh"], lang),
                         share=fmt.pct(r["local_share"], 1), local=money(r["local_value"]),
                         outside_in=money(r["buyer_from_outside"]), outside_out=money(r["supplier_to_outside"]),
                         threshold=fmt.pct(vs.threshold)))
        if len(br) > 4:
            out.append(t(f"{key}.more", lang, n=len(br) - 4))
        return out
    if section == "io":
        lk = vs.io.linkages
        if vs.io.problem or lk.empty:
            return [t(f"{key}.none", lang)]
        keys = lk[lk["quadrant"] == "key"].sort_values("BL", ascending=False)
        if len(keys):
            out.append(t(f"{key}.key", lang, items=nsep.join(names[g] for g in keys.index)))
        top = lk.sort_values("extraction_share", ascending=False).head(3)
        items = lsep.join(t("valuestream.item.extraction", lang, segment=names[g], pct=fmt.pct(r.extraction_share, 1),
                            value=money(r.extraction_loss)) for g, r in top.iterrows())
        out.append(t(f"{key}.extraction", lang, items=items))
        return out
    if section == "national":
        if national is None or national.empty:
            return []
        keys = national[national["quadrant"] == "key"]
        col = "names_zh" if lang == "zh" else "names"
        sector = "name_zh" if lang == "zh" else "name_en"
        if len(keys):
            items = lsep.join(t("valuestream.item.sector", lang, sector=r[sector], segments=r[col],
                                bl=fmt.number(r["BL"], 2), fl=fmt.number(r["FL"], 2)) for _, r in keys.iterrows())
            out.append(t(f"{key}.key", lang, items=items))
        weak = national[national["quadrant"] != "key"]
        if len(weak):
            out.append(t(f"{key}.other", lang, items=lsep.join(
                t("valuestream.item.sector_other", lang, sector=r[sector], segments=r[col],
                  quadrant=t(f"valuestream.quadrant.{r['quadrant']}", lang)) for _, r in weak.iterrows())))
        return out
    raise ValueError(f"unknown findings section {section!r}")


def _seg(row, lang: str) -> str:
    """A firm row's main segment name in ``lang``."""
    return display_name(row["segment_name"], row.get("segment_name_zh", ""), lang)


# =========================================================================== tables for display


def default_min_link(sf: SegmentFlows, share: float = 0.002) -> float:
    """A readable default for the smallest link drawn in the Sankey: ``share`` (0.2 %) of all
    window value (currency)."""
    return share * sf.total


def _firm_col(frame: pd.DataFrame, lang: str) -> pd.Series:
    if lang == "zh" and "name_zh" in frame:
        return frame["name_zh"].where(frame["name_zh"].fillna("") != "", frame["name"]).astype(str)
    return frame["name"].astype(str)


def _seg_col(frame: pd.DataFrame, lang: str) -> pd.Series:
    if lang == "zh" and "segment_name_zh" in frame:
        return frame["segment_name_zh"].astype(str)
    return frame["segment_name"].astype(str)


def sourcing_view(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`sourcing_table` for display: groups with local firms or trade, with ``segment``
    (name in ``lang``)."""
    shown = table[(table["local_firms"] > 0) | (table["inflow"] > 0) | (table["outflow"] > 0)]
    return shown.assign(segment=group_names(shown, lang)).reset_index()


def isolated_view(iso: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    return iso.assign(firm=_firm_col(iso, lang), segment=_seg_col(iso, lang),
                      external_trade=iso["external_inflow"] + iso["external_outflow"])


def connectors_view(con: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    return con.assign(firm=_firm_col(con, lang), segment=_seg_col(con, lang))


def broken_view(broken: pd.DataFrame, lang: str = "en", *, status: str | None = "broken") -> pd.DataFrame:
    rows = broken if status is None else broken[broken["status"] == status]
    col = "_name_zh" if lang == "zh" else "_name"
    return rows.assign(link=rows[f"source{col}"].astype(str) + " → " + rows[f"target{col}"].astype(str))


def io_view(lk: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    col = "name_zh" if lang == "zh" else "name"
    return lk.assign(segment=lk[col].astype(str),
                     quadrant_label=[t(f"valuestream.quadrant.{q}", lang) if isinstance(q, str) else "–"
                                     for q in lk["quadrant"]]).sort_values("extraction_share", ascending=False)


def national_view(nat: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    return nat.assign(sector_name=nat["name_zh" if lang == "zh" else "name_en"].astype(str),
                      segments=nat["names_zh" if lang == "zh" else "names"].astype(str),
                      quadrant_label=[t(f"valuestream.quadrant.{q}", lang) for q in nat["quadrant"]])


SOURCING_COLUMNS = {"segment": "common.segment", "local_firms": "valuestream.col.local_firms",
                    "inflow": "valuestream.col.inflow", "local_sourcing": "valuestream.col.local_sourcing",
                    "import_dependence": "valuestream.col.import_dependence", "outflow": "valuestream.col.outflow",
                    "external_outflow": "valuestream.col.external_outflow", "leakage": "valuestream.col.leakage"}
ISOLATED_COLUMNS = {"firm": "common.firm", "zone": "common.zone", "segment": "common.segment",
                    "output": "common.output", "external_trade": "valuestream.col.external_trade"}
CONNECTOR_COLUMNS = {"rank": "valuestream.col.rank", "firm": "common.firm", "segment": "common.segment",
                     "partners": "valuestream.col.partners", "segments_linked": "valuestream.col.segments_linked",
                     "betweenness": "valuestream.col.betweenness", "local_inflow": "valuestream.col.local_inflow",
                     "local_outflow": "valuestream.col.local_outflow"}
BROKEN_COLUMNS = {"link": "valuestream.col.link", "local_value": "valuestream.col.local_value",
                  "buyer_from_outside": "valuestream.col.buyer_from_outside",
                  "supplier_to_outside": "valuestream.col.supplier_to_outside",
                  "local_share": "valuestream.col.local_share"}
IO_COLUMNS = {"segment": "common.segment", "quadrant_label": "valuestream.col.quadrant", "BL": "valuestream.col.bl",
              "FL": "valuestream.col.fl", "FL_ghosh": "valuestream.col.fl_ghosh",
              "extraction_loss": "valuestream.col.extraction_loss",
              "extraction_share": "valuestream.col.extraction_share"}
NATIONAL_COLUMNS = {"sector": "valuestream.col.sector_code", "sector_name": "valuestream.col.sector",
                    "segments": "valuestream.col.park_segments", "quadrant_label": "valuestream.col.quadrant",
                    "BL": "valuestream.col.bl", "FL": "valuestream.col.fl",
                    "extraction_share": "valuestream.col.national_extraction"}


def formats(lang: str = "en", currency: str = "CNY") -> dict:
    """Formatters for every column of the value-stream tables."""
    money = lambda v: fmt.money(v, lang, currency).replace(" ", "\u00a0")  # noqa: E731  (no wrap in cells)
    pct = lambda v: fmt.pct(v, 1)  # noqa: E731
    return {"local_firms": fmt.count, "inflow": money, "outflow": money, "external_outflow": money,
            "local_sourcing": pct, "import_dependence": pct, "leakage": pct, "output": money,
            "external_trade": money, "rank": fmt.count, "partners": fmt.count, "segments_linked": fmt.count,
            "betweenness": lambda v: fmt.number(v, 3), "local_inflow": money, "local_outflow": money,
            "local_value": money, "buyer_from_outside": money, "supplier_to_outside": money, "local_share": pct,
            "BL": lambda v: fmt.number(v, 3), "FL": lambda v: fmt.number(v, 3), "FL_ghosh": lambda v: fmt.number(v, 3),
            "extraction_loss": money, "extraction_share": lambda v: fmt.pct(v, 2),
            "zone": lambda v: "–" if pd.isna(v) or v == "" else v}


def method_note(connectors: pd.DataFrame, lang: str = "en") -> str:
    """One sentence saying how betweenness was computed (exact, or sampled with k sources)."""
    method = str(connectors.attrs.get("method", "exact"))
    if method.startswith("sampled"):
        return t("valuestream.method_sampled", lang, k=method.split("k=")[-1])
    return t("valuestream.method_exact", lang)
