"""The firm-to-firm flow network of a window: firms and flows as integer codes, the flow
graph as sparse matrices, and its generic graph measures (betweenness centrality on weighted
shortest paths).

This is the one flow-network module: the analyses that look at who trades with whom (the
value-stream map's segment matrices, isolated and connector firms) start from
:func:`flow_graph` here instead of coding firms and flows themselves. Nothing here knows
about chain segments, thresholds or words.

Every function is vectorised (numpy, pyarrow compute, scipy.sparse, networkit): no loop over
firms or flows. Money is in the workspace currency; flow values are summed over the window.

Definitions
-----------
* **Window**: the ``window`` months ending at the report ``month``
  (:func:`ecolib.foundations.months.window`), optionally only some flow kinds (``kind``: one
  of :data:`KINDS` or a list of them; None, ``""`` or ``"all"``: every kind).
* **Flow graph** (:class:`FlowGraph`): every firm of the ``firms`` table is a node (its
  position in the table is its code); every window flow whose source and target are both
  firms of the table and whose value is finite is an edge ``src → dst`` with its ``value``
  (not yet summed per pair; flows with an unknown firm id are dropped).
* **Local edges** (:meth:`FlowGraph.local_edges`): the pairs of two different local firms
  with a positive flow, summed per ordered pair (directed) or per unordered pair (undirected).
* **Betweenness** (:func:`betweenness`): networkx's normalised betweenness centrality on
  shortest paths by edge length (the share of the other node pairs whose shortest path runs
  through the node; equally short paths share the pair), computed by networkit (compiled C++,
  MIT licence, parallel over sources). Exact (Brandes) up to :data:`EXACT_MAX` nodes with an
  edge; equal to ``networkx.betweenness_centrality(normalized=True, weight=...)`` to 1e-12
  (networkit compares path lengths exactly, as networkx does). Above, networkit's
  ``EstimateBetweenness`` (Geisberger, Sanders & Schultes 2008, "linear scaling"): ``k``
  seeded random pivots (drawn with replacement; ``k`` = :data:`SAMPLES`, cut to
  :data:`SAMPLE_BUDGET` / edges for very large graphs, never below :data:`MIN_SAMPLES`), each
  node's share of a pair weighted by its distance from the pivot, so that it is unbiased;
  directed graphs search forwards and backwards from the same pivots. The same seed gives
  the same values (rounded to 12 decimals, so the number of threads does not show). Its
  error, measured on a 20,000-firm preferential-attachment graph (3 links per firm, a few hub
  firms, lognormal money values; exact maximum 0.27): mean absolute error over the firms
  1.7e-4 at k = 32 and 1.0e-4 at k = 256; largest absolute error 0.048 (k = 32), 0.036 (64),
  0.022 (128), 0.016 (256); of the exact top 15, about 13 (k = 32) to 15 (k = 256) are in
  the estimated top 15. On a network without hubs (5,000 firms, 9 uniform-random links each,
  exact maximum 0.019) the top 15 is much less sure: 4 (k = 32), 8 (64), 10 (128), 11 (256)
  of them found, largest absolute error 0.020 to 0.005. The error shrinks like 1/√k.
  Cost, measured on the shared 2-core test machine (wall time; networkit uses every core):
  exact 0.08 s for 500 firms with 3 links each, 10–20 s for 5,000 and 7–9 minutes for
  20,000 (it grows like firms × links: the default exact limit is :data:`EXACT_MAX` = 5,000;
  raise ``exact_max`` where minutes are acceptable); 2 s for a dense 531-firm network of 114,000 links (networkx: 111 s).
  The estimate costs ``k`` single-source searches: 9 s for 32 pivots on 90,000 firms with
  810,000 links.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from ecolib.contract.schema import FLOW_KINDS as KINDS
from ecolib.foundations import months as mo
from ecolib.foundations.firms import active_mask

__all__ = ["KINDS", "EXACT_MAX", "SAMPLES", "MIN_SAMPLES", "SAMPLE_BUDGET", "flow_kinds", "codes", "window_mask",
           "window_flows", "FlowGraph", "flow_graph", "betweenness"]

#: betweenness: exact up to this many nodes with an edge, estimated from pivots above. Exact
#: costs grow like firms × links: 10–20 s at 5,000 firms but 7–9 minutes at 20,000 on two
#: cores, longer than a whole month report should take; pass ``exact_max=`` for more.
EXACT_MAX = 5_000
#: pivots of the estimate (before the budget cut)
SAMPLES = 256
#: never fewer pivots than this
MIN_SAMPLES = 32
#: pivots × edges (≈ 8 s on the 2-core test machine)
SAMPLE_BUDGET = 25_000_000


# =========================================================================== codes


def flow_kinds(kind) -> list[str] | None:
    """The flow kinds asked for, checked against :data:`KINDS` (None: every kind).

    Parameters
    ----------
    kind : str, list of str or None
        One kind, several, or None / ``""`` / ``"all"`` for every kind.

    Returns
    -------
    list of str or None
        The kinds, or None for no filter.

    Raises
    ------
    ValueError
        For a kind that is not in :data:`KINDS`.

    See Also
    --------
    window_mask : selects the flows of these kinds.

    Examples
    --------
    >>> flow_kinds("goods"), flow_kinds("all"), flow_kinds(["goods", "data"])
    (['goods'], None, ['goods', 'data'])
    >>> flow_kinds("cash")
    Traceback (most recent call last):
    ...
    ValueError: unknown flow kind(s) ['cash']; choose from goods, technology, data, service, capital
    """
    if kind is None or (isinstance(kind, str) and kind in ("", "all")):
        return None
    kinds = [kind] if isinstance(kind, str) else list(kind)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"unknown flow kind(s) {bad}; choose from {', '.join(KINDS)}")
    return kinds


def _arrow(values, *, combine: bool = True) -> pa.Array | pa.ChunkedArray:
    """Text values as one arrow large-string array (hash look-ups run in arrow's C++); with
    ``combine=False`` a chunked column stays in its chunks (no copy of a column of millions)."""
    try:
        arr = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array(pd.Series(values).astype(str).to_numpy(object), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray) and (combine or arr.num_chunks == 1):
        arr = arr.combine_chunks()
    if not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr if (pa.types.is_string(arr.type) or pa.types.is_null(arr.type))
                      else pc.cast(arr, pa.string()), pa.large_string())
    return arr


def codes(values, value_set) -> np.ndarray:
    """Position of each of ``values`` in ``value_set`` (text ids; -1 where absent or missing).

    Parameters
    ----------
    values, value_set : array-like of str
        The ids to look up, and the ids whose positions are the codes (non-text ids are
        compared as text).

    Returns
    -------
    ndarray of int64
        One code per value: the position (0-based) of its first occurrence in ``value_set``,
        -1 where it does not occur. A missing value (None/NaN) is -1 unless ``value_set``
        holds a missing value too (then it gets that position).

    See Also
    --------
    flow_graph : codes the flows' sources and targets by the firms' rows.
    ecolib.foundations.frames.isin : only whether each id occurs.

    Examples
    --------
    >>> codes(["F2", "X9", None, "F1"], ["F1", "F2", "F3"]).tolist()
    [1, -1, -1, 0]
    """
    values, value_set = _arrow(values, combine=False), _arrow(value_set)
    if len(value_set) >= _HASHED_FROM and len(values) >= _HASHED_FROM // 4:
        return _hashed_codes(values, value_set)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if len(value_set) >= _HASHED_FROM and len(values) * 64 < len(value_set):
        return _few_codes(values, value_set)
    idx = pc.index_in(values, value_set=value_set)
    return idx.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _few_codes(values: pa.Array, value_set: pa.Array) -> np.ndarray:
    """:func:`codes` of a few ids in a large value set: the set is scanned once against a hash
    table of the few ids (not a table built of the whole set); the same codes."""
    few = pc.index_in(value_set, value_set=values).fill_null(-1).to_numpy(zero_copy_only=False)
    at = np.flatnonzero(few >= 0)                      # set positions holding one of the ids, in order
    first = np.full(len(values), -1, np.int64)
    ids, where = np.unique(few[at], return_index=True) if len(at) else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    first[ids] = at[where]                             # per id (its first copy among values): its first position
    same = pc.index_in(values, value_set=values).fill_null(-1).to_numpy(zero_copy_only=False)
    return np.where(same >= 0, first[np.maximum(same, 0)] if len(first) else -1, -1).astype(np.int64)


def first_rows(values) -> np.ndarray:
    """For each id, the position of its first occurrence among ``values``: ``codes(values, values)``.

    Ids that are all distinct (the usual case: a table's key column) are recognised by sorting
    their keys (:func:`_text_keys`), without a look-up.

    Parameters
    ----------
    values : array-like of str
        The ids (e.g. ``firms["firm_id"]``).

    Returns
    -------
    ndarray of int64
        One position per id; ``arange(len(values))`` when no id repeats.

    Examples
    --------
    >>> first_rows(["F1", "F2", "F1", None]).tolist()
    [0, 1, 0, 3]
    """
    arr = _arrow(values)
    n = len(arr)
    if n >= _HASHED_FROM // 4 and not arr.null_count:
        longest = pc.max(pc.binary_length(arr)).as_py() or 0
        keys = np.sort(_text_keys(arr, longest <= 7))
        if not (keys[1:] == keys[:-1]).any():           # distinct keys: distinct ids
            return np.arange(n, dtype=np.int64)
    return codes(arr, arr)


#: :func:`codes` looks ids up in a numpy hash table when the value set has this many ids (and
#: there are a quarter as many values at least): arrow's ``index_in`` cost 0.36 µs per id for
#: ten million flows against a million firm ids on the 2-core test machine, the table 0.15 µs;
#: against 100,000 ids arrow's is the faster.
_HASHED_FROM = 300_000
#: ids looked up per step of :func:`_hashed_codes`
_LOOKUP_CHUNK = 1 << 21
_M1, _M2, _GOLD = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(0x9E3779B97F4A7C15)
_LOW_BYTES = np.array([(1 << (8 * r)) - 1 for r in range(8)] + [2 ** 64 - 1], dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element-wise on uint64 (a new array)."""
    x = x ^ (x >> np.uint64(30))
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def _text_keys(arr: pa.Array, exact: bool) -> np.ndarray:
    """A uint64 key per text of a large-string array, read 8 bytes at a time from its buffers
    (a loop over the 8-byte words of the longest text, not over the texts). ``exact`` (every
    text ≤ 7 bytes): the bytes and the length themselves, equal keys ⇔ equal texts; else a
    hash of them (equal texts ⇒ equal keys). Missing texts get some key; callers mask them."""
    n = len(arr)
    if not n:
        return np.zeros(0, np.uint64)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64, count=n + 1, offset=8 * arr.offset)
    base, nbytes = int(offsets[0]), int(offsets[-1] - offsets[0])
    data = np.zeros(nbytes + 8, np.uint8)                # padded: every 8-byte read stays inside
    if nbytes:
        data[:nbytes] = np.frombuffer(bufs[2], dtype=np.uint8, count=nbytes, offset=base)
    words = np.ndarray((nbytes + 1,), dtype="<u8", buffer=data, strides=(1,))  # a word at every byte
    start = offsets[:-1] - base
    length = offsets[1:] - offsets[:-1]
    if exact:
        return (words[np.minimum(start, nbytes)] & _LOW_BYTES[np.minimum(length, 8)]) \
            | (length.astype(np.uint64) << np.uint64(56))
    h = _mix(length.astype(np.uint64) + _GOLD)
    for k in range(0, int(length.max()), 8):
        rem = np.clip(length - k, 0, 8)
        h = np.where(rem > 0, _mix(h ^ (words[np.minimum(start + k, nbytes)] & _LOW_BYTES[rem])), h)
    return h


def _hashed_codes(values: pa.Array | list[pa.Array], value_set: pa.Array) -> np.ndarray | list[np.ndarray]:
    """:func:`codes` through an open-addressing hash table of the value set's keys (numpy,
    linear probing; each round of probes is one vectorised step over the ids still looking).
    Where keys are hashes, every hit is checked against the text itself and the few
    mismatches (a hash shared by two texts) are looked up by arrow: the result is exactly
    ``index_in``'s. A list of value arrays is looked up in one table (a list of codes)."""
    several = isinstance(values, list)
    values = values if several else [values]
    longest = max(pc.max(pc.binary_length(a)).as_py() or 0 for a in [*values, value_set])
    exact = longest <= 7
    set_null = value_set.is_null().to_numpy(zero_copy_only=False)
    keep = np.flatnonzero(~set_null)
    keys, first = np.unique(_text_keys(value_set, exact)[keep], return_index=True)   # first occurrence
    size = 1 << max(10, int(4 * len(keys) - 1).bit_length())                          # load ≤ 1/4
    mask = size - 1
    table_key, table_pos = np.zeros(size, np.uint64), np.full(size, -1, np.int64)
    slot = (_mix(keys) & np.uint64(mask)).astype(np.int64)
    todo = np.arange(len(keys))
    while len(todo):                                     # insert: one winner per free slot and round
        s = slot[todo]
        free = table_pos[s] < 0
        table_pos[s[free]] = todo[free]
        won = table_pos[s] == todo
        table_key[s[won]] = keys[todo[won]]
        todo = todo[~won]
        slot[todo] = (slot[todo] + 1) & mask
    taken = table_pos >= 0
    table_pos[taken] = keep[first[table_pos[taken]]]
    # each slot's key and position side by side (16 bytes, one memory access per probe)
    table = np.empty(size, np.complex128)
    words = table.view(np.uint64)
    words[0::2], words[1::2] = table_key, table_pos.view(np.uint64)
    del table_key, table_pos
    nulls = np.flatnonzero(set_null)
    results = []
    for arr in values:
        out = np.empty(len(arr), np.int64)
        for start in range(0, len(arr), _LOOKUP_CHUNK):  # in chunks: small temporary arrays
            part = arr.slice(start, _LOOKUP_CHUNK)
            if isinstance(part, pa.ChunkedArray):
                part = part.combine_chunks()
            wanted = _text_keys(part, exact)
            slot = (_mix(wanted) & np.uint64(mask)).astype(np.int64)
            got = table[slot].view(np.uint64)
            pos = got[1::2].view(np.int64)
            hit = (pos >= 0) & (got[0::2] == wanted)
            found = np.where(hit, pos, -1)
            todo = np.flatnonzero((pos >= 0) & ~hit)     # the slot holds another key: probe on
            while len(todo):
                s = (slot[todo] + 1) & mask
                slot[todo] = s
                got = table[s].view(np.uint64)
                pos = got[1::2].view(np.int64)
                hit = (pos >= 0) & (got[0::2] == wanted[todo])
                found[todo[hit]] = pos[hit]
                todo = todo[(pos >= 0) & ~hit]
            out[start:start + len(part)] = found
        missing = arr.is_null().to_numpy(zero_copy_only=False) if arr.null_count else np.zeros(len(arr), bool)
        if not exact:
            found = np.flatnonzero((out >= 0) & ~missing)
            same = pc.equal(arr.take(found), value_set.take(out[found])).to_numpy(zero_copy_only=False)
            wrong = found[~same]
            if len(wrong):
                out[wrong] = pc.index_in(arr.take(wrong), value_set=value_set).fill_null(-1) \
                    .to_numpy(zero_copy_only=False)
        if missing.any():
            out[missing] = nulls[0] if len(nulls) else -1
        results.append(out.astype(np.int64))
    return results if several else results[0]


# =========================================================================== flows in the window


def window_mask(flows: pd.DataFrame, month: str, *, window: int = 12, kind=None) -> np.ndarray:
    """True for the flow rows of the ``window`` months ending at ``month`` (of the ``kind``\\ s).

    Parameters
    ----------
    flows : DataFrame
        The workspace's flows table (month, source, target, value, kind).
    month : str
        The last month of the window, ``YYYY-MM``.
    window : int
        Months in the window (≥ 1).
    kind : str, list of str or None
        Flow kinds to keep (:func:`flow_kinds`); None for every kind.

    Returns
    -------
    ndarray of bool
        One entry per row of ``flows``.

    Raises
    ------
    ValueError
        For ``window`` < 1 or an unknown kind.

    See Also
    --------
    ecolib.workspace.load_workspace : reads and checks the flows table.
    ecolib.foundations.months.window : the months of the window.
    flow_kinds : the check of ``kind``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> window_mask(tiny().tables["flows"], "2026-03", window=2).tolist()
    [False, False, False, False, True, True]
    >>> window_mask(tiny().tables["flows"], "2026-03", window=3, kind="data").tolist()   # goods only
    [False, False, False, False, False, False]
    """
    if int(window) < 1:
        raise ValueError(f"window must be ≥ 1 month, got {window}")
    win = mo.window(month, int(window))
    keep = pc.is_in(_arrow(flows["month"]), value_set=_arrow(win)).to_numpy(zero_copy_only=False)
    kinds = flow_kinds(kind)
    if kinds is not None:
        keep = keep & pc.is_in(_arrow(flows["kind"]), value_set=_arrow(kinds)).to_numpy(zero_copy_only=False)
    return np.asarray(keep, bool)


def window_flows(flows: pd.DataFrame, month: str, *, window: int = 12, kind=None) -> pd.DataFrame:
    """The flow rows of the ``window`` months ending at ``month`` (of the given ``kind``\\ s).

    Parameters
    ----------
    flows : DataFrame
        The workspace's flows table.
    month, window, kind
        As in :func:`window_mask`.

    Returns
    -------
    DataFrame
        The rows of ``flows`` in the window (same columns, same index): month, source,
        target, value (currency of the workspace, per month), kind.

    See Also
    --------
    ecolib.workspace.load_workspace : reads and checks the flows table.
    window_mask : the row selection.
    flow_graph : the same flows coded by firm.

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


# =========================================================================== the flow graph


@dataclass
class FlowGraph:
    """Integer-coded firms and the window's flows between them (see the module docstring).

    Attributes
    ----------
    firm_ids : pyarrow.Array
        Every firm_id of the firms table; a firm's position is its code.
    local, active : ndarray of bool
        Per firm: inside the park (``firms.local``, missing → True); active in the report month
        (:func:`ecolib.foundations.firms.active_mask`).
    output : ndarray of float
        Per firm: annual output (currency per year; missing → 0).
    src, dst, value : ndarray
        One entry per window flow between two known firms: supplier code, buyer code, value
        (currency). Self-flows are kept here; :meth:`between_firms` leaves them out.
    months : list of str
        The months of the window, oldest first.

    See Also
    --------
    flow_graph : builds it from the workspace tables.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> g = flow_graph(tiny().tables, "2026-03", window=3)
    >>> g.n, g.firm_ids.to_pylist(), g.output.tolist()
    (5, ['F1', 'F2', 'F3', 'F4', 'X1'], [100.0, 200.0, 1000.0, 50.0, 500.0])
    """
    firm_ids: pa.Array
    local: np.ndarray
    active: np.ndarray
    output: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    value: np.ndarray
    months: list[str]

    @property
    def n(self) -> int:
        """Number of firms (nodes)."""
        return len(self.firm_ids)

    def between_firms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Window flows between two different firms (self-flows left out).

        Returns
        -------
        src, dst : ndarray of int64
            Supplier and buyer codes, one entry per flow (not summed per pair).
        value : ndarray of float
            The flows' values (currency).

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> g = flow_graph(tiny().tables, "2026-03", window=3)
        >>> [x.tolist() for x in g.between_firms()]
        [[0, 1, 4, 2, 0, 4], [1, 2, 2, 4, 1, 1], [10.0, 20.0, 30.0, 5.0, 12.0, 8.0]]
        """
        ok = self.src != self.dst
        if ok.all():                                    # no self-flow: the arrays themselves, read-only
            return tuple(_read_only(a) for a in (self.src, self.dst, self.value))
        return self.src[ok], self.dst[ok], self.value[ok]

    def matrix(self, mask: np.ndarray | None = None) -> sp.csr_matrix:
        """The firm × firm flow matrix ``F`` (suppliers in rows, buyers in columns, currency)
        of the flows selected by ``mask`` (a bool per flow; None: every flow), duplicates summed.

        Parameters
        ----------
        mask : ndarray of bool, optional
            One entry per flow (``src``, ``dst``, ``value``); None for every flow.

        Returns
        -------
        scipy.sparse.csr_matrix
            ``n × n``; ``F[i, j]`` is the value (currency, summed over the window) that firm
            ``i`` supplied to firm ``j``. Self-flows stay on the diagonal.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> g = flow_graph(tiny().tables, "2026-03", window=3)
        >>> g.matrix().toarray()[:3, :3].tolist()      # F1 → F2: 10 + 12, F2 → F3: 20
        [[0.0, 22.0, 0.0], [0.0, 0.0, 20.0], [0.0, 0.0, 0.0]]
        >>> g.matrix(g.value > 10).toarray()[:3, :3].tolist()      # only the flows above 10
        [[0.0, 12.0, 0.0], [0.0, 0.0, 20.0], [0.0, 0.0, 0.0]]
        """
        if mask is None:
            mask = np.ones(len(self.value), bool)
        return sp.csr_matrix((self.value[mask], (self.src[mask], self.dst[mask])), shape=(self.n, self.n))

    def local_edges(self, *, directed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edges ``(a, b, value)`` of the local firm graph of the window: the positive flows
        between two different local firms, one edge per firm pair (undirected: both
        directions summed, a < b) or per ordered pair (directed), sorted by (a, b).

        Parameters
        ----------
        directed : bool
            Keep the direction (one edge per ordered pair ``a → b``) or not (one per pair).

        Returns
        -------
        a, b : ndarray of int64
            Firm codes of the edge ends (undirected: ``a < b``).
        value : ndarray of float
            The flows summed per edge (currency, over the window).

        See Also
        --------
        betweenness : takes these edges.

        Examples
        --------
        >>> from ecolib.datasets import tiny
        >>> g = flow_graph(tiny().tables, "2026-03", window=3)
        >>> [x.tolist() for x in g.local_edges(directed=False)]     # X1 is outside the park
        [[0, 1], [1, 2], [22.0, 20.0]]
        """
        s, d, v = self.between_firms()
        ll = self.local[s] & self.local[d] & (v > 0)
        s, d, v = s[ll], d[ll], v[ll]
        if not directed:
            s, d = np.minimum(s, d), np.maximum(s, d)
        m = sp.csr_matrix((v, (s, d)), shape=(self.n, self.n))   # duplicates summed (sorted, in C)
        m.sum_duplicates()
        coo = m.tocoo()
        return coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data


def _read_only(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view


def flow_graph(tables: Mapping[str, pd.DataFrame], month: str, *, window: int = 12, kind=None) -> FlowGraph:
    """The flow graph of the ``window`` months ending at ``month``.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables; uses ``firms`` (firm_id, local, output, status, exit_month)
        and ``flows`` (month, source, target, value, kind).
    month : str
        The report month, ``YYYY-MM`` (the last month of the window; firms active in it are
        ``active``).
    window : int
        Months in the window (≥ 1).
    kind : str, list of str or None
        Flow kinds to keep (:func:`flow_kinds`).

    Returns
    -------
    FlowGraph
        Firms coded by their row in ``firms``; the window's flows between known firms with a
        finite value (see :class:`FlowGraph` for its fields).

    See Also
    --------
    ecolib.workspace.load_workspace : reads and checks the tables this takes.
    window_flows : the same flows as table rows.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> g = flow_graph(tiny().tables, "2026-03", window=3)
    >>> g.n, g.src.tolist(), g.dst.tolist(), g.months
    (5, [0, 1, 4, 2, 0, 4], [1, 2, 2, 4, 1, 1], ['2026-01', '2026-02', '2026-03'])
    >>> g.local.tolist(), g.active.tolist()           # X1 is outside; F4 exited in 2026-02
    ([True, True, True, True, False], [True, True, True, False, True])
    """
    firms, flows = tables["firms"], tables["flows"]
    firm_ids = _arrow(firms["firm_id"])
    mask = window_mask(flows, month, window=window, kind=kind)
    rows = None if mask.all() else np.flatnonzero(mask)           # only the columns used are taken
    source, target = (_arrow(flows[c], combine=False) if rows is None else _arrow(flows[c], combine=False).take(rows)
                      for c in ("source", "target"))
    if len(firm_ids) >= _HASHED_FROM and len(source) >= _HASHED_FROM // 4:
        src, dst = _hashed_codes([source, target], firm_ids)      # one table for both ends, chunk by chunk
    else:
        src, dst = codes(source, firm_ids), codes(target, firm_ids)
    del source, target
    value = flows["value"].to_numpy(float)
    value = value if rows is None else value[rows]
    ok = (src >= 0) & (dst >= 0) & np.isfinite(value)
    if ok.all():                                         # every flow kept: no copies of the codes
        value = value.copy() if rows is None else value
    else:
        src, dst, value = src[ok], dst[ok], value[ok]
    return FlowGraph(firm_ids, firms["local"].fillna(True).to_numpy(bool), active_mask(firms, month).to_numpy(bool),
                     pd.to_numeric(firms["output"], errors="coerce").fillna(0.0).to_numpy(float),
                     src, dst, value, mo.window(month, int(window)))


# =========================================================================== graph measures


def _networkit():
    """The networkit module, imported on first use (the value-stream map's connector firms are
    its only user). Its package ``__init__`` also imports matplotlib.pyplot and scikit-learn
    when they are installed, only for its plotting and link-prediction helpers (ecolib uses
    neither; together several seconds per kernel): while networkit loads they are hidden, unless
    already imported, so that networkit's own ImportError fallbacks apply."""
    import sys

    if "networkit" in sys.modules:
        return sys.modules["networkit"]
    hidden = [name for name in ("matplotlib", "sklearn") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None          # "import matplotlib" raises ImportError
    try:
        import networkit
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return networkit


@functools.cache
def _extra_pivots() -> int:
    """How many more pivots networkit's ``EstimateBetweenness(G, nSamples)`` draws than the
    ``nSamples`` it scales by: 1 in networkit 11 (its loop runs ``i <= nSamples``). Measured
    once on a cycle, where every pivot contributes the same total, so the estimated total
    betweenness over the exact one is drawn / ``nSamples`` whichever pivots are drawn."""
    nk = _networkit()
    n, asked = 11, 4
    ring = np.arange(n)
    C = nk.GraphFromCoo((np.ones(n), (ring, (ring + 1) % n)), n=n, directed=False, weighted=True)
    exact = sum(nk.centrality.Betweenness(C, normalized=True).run().scores())
    est = sum(nk.centrality.EstimateBetweenness(C, asked, True, False).run().scores())
    return int(round(asked * est / exact)) - asked


def _simple_edges(a: np.ndarray, b: np.ndarray, length: np.ndarray, directed: bool):
    """One edge per pair (ordered if ``directed``, else unordered with ``a < b``), the shortest
    of parallel edges; self-loops left out (they never lie on a shortest path)."""
    keep = a != b
    a, b, length = a[keep], b[keep], length[keep]
    if not directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((length, b, a))
    a, b, length = a[order], b[order], length[order]
    first = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])] if len(a) else np.zeros(0, bool)
    return a[first], b[first], length[first]


def _exact(nk, G) -> np.ndarray:
    """networkit's exact Brandes betweenness (Dijkstra, parallel over sources), normalised by
    (m − 1)(m − 2) like networkx (undirected: both directions of every pair are counted)."""
    return np.asarray(nk.centrality.Betweenness(G, normalized=True).run().scores(), dtype=np.float64)


def _estimate(nk, G, k: int, seed: int) -> np.ndarray:
    """networkit's ``EstimateBetweenness`` from ``k`` seeded random pivots (drawn with
    replacement), normalised like :func:`_exact`."""
    asked = max(1, k - _extra_pivots())
    nk.engineering.setSeed(int(seed), False)
    est = nk.centrality.EstimateBetweenness(G, asked, True, True).run()
    return np.asarray(est.scores(), dtype=np.float64) * (asked / k)


def betweenness(n: int, a: np.ndarray, b: np.ndarray, length: np.ndarray, *, directed: bool = False,
                exact_max: int = EXACT_MAX, samples: int | None = None, seed: int = 0) -> tuple[np.ndarray, str]:
    """Normalised betweenness centrality of the ``n`` nodes of a graph with edges ``a → b`` of
    the given ``length`` (> 0), as ``networkx.betweenness_centrality(normalized=True,
    weight=...)`` defines it: the share of the other node pairs whose shortest path runs
    through the node (equally short paths share the pair). Computed by networkit (compiled,
    parallel): exact up to ``exact_max`` nodes with an edge, a seeded estimate from ``k``
    random pivots above (see the module docstring for its error).

    Parameters
    ----------
    n : int
        Number of nodes (codes 0 … n − 1).
    a, b : ndarray of int
        Edge ends (one edge per pair; undirected edges once; of parallel edges the shortest
        counts, self-loops are ignored).
    length : ndarray of float
        Edge lengths (finite, > 0); shortest paths minimise their sum.
    directed : bool
        Directed edges (paths follow a → b only).
    exact_max : int
        Exact up to this many nodes with an edge; the pivot estimate above.
    samples : int, optional
        Pivots of the estimate (None: :data:`SAMPLES`, cut by :data:`SAMPLE_BUDGET`, at
        least :data:`MIN_SAMPLES`); its error shrinks like 1/√k. With ``samples`` at least
        the number of nodes with an edge every node is a pivot and the value is exact.
    seed : int
        Seed of the random choice of pivots (≥ 0; repeatable).

    Returns
    -------
    values : ndarray of float
        Per node, in [0, 1], rounded to 12 decimals (so that the order of the parallel sums,
        a few units in the 16th digit, never reorders nodes). Only nodes that have an edge
        count in the normalisation (isolated nodes get 0).
    method : str
        ``"exact"`` or ``"sampled k=…"``.

    Raises
    ------
    ValueError
        For edge arrays of different lengths, a length that is not finite and > 0, or a
        negative seed.

    See Also
    --------
    FlowGraph.local_edges : the edges of the local firm graph.

    Examples
    --------
    A path 0 – 1 – 2 (node 3 has no edge): every path between the other two runs through 1.

    >>> import numpy as np
    >>> a, b, length = np.array([0, 1]), np.array([1, 2]), np.array([1.0, 1.0])
    >>> values, method = betweenness(4, a, b, length)
    >>> values.tolist(), method
    ([0.0, 1.0, 0.0, 0.0], 'exact')
    >>> values, method = betweenness(4, a, b, length, exact_max=0, samples=3)   # every node a pivot
    >>> values.tolist(), method
    ([0.0, 1.0, 0.0, 0.0], 'sampled k=3')
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    length = np.asarray(length, dtype=np.float64)
    if not (len(a) == len(b) == len(length)):
        raise ValueError(f"a, b and length must have one entry per edge, got {len(a)}, {len(b)}, {len(length)}")
    if len(length) and not (np.isfinite(length) & (length > 0)).all():
        raise ValueError("edge lengths must be finite and > 0")
    if int(seed) < 0:
        raise ValueError(f"seed must be ≥ 0, got {seed}")
    out = np.zeros(n)
    used = np.unique(np.r_[a, b])
    m = len(used)
    if m < 3:
        return out, "exact"
    pos = np.full(n, -1, np.int64)
    pos[used] = np.arange(m)
    ua, ub, w = _simple_edges(pos[a], pos[b], length, directed)
    nk = _networkit()
    G = nk.GraphFromCoo((w, (ua, ub)), n=m, directed=directed, weighted=True)
    if m <= exact_max:
        out[used] = _exact(nk, G)
        return np.round(out, 12), "exact"
    if samples is None:
        k = int(min(SAMPLES, max(MIN_SAMPLES, SAMPLE_BUDGET // max(len(w), 1))))
    else:
        k = int(samples)
    k = max(2, min(k, m))
    if k == m:                       # every node a pivot: the estimate is the exact value
        out[used] = _exact(nk, G)
    elif directed:                   # forward and backward searches from the same pivots
        R = nk.GraphFromCoo((w, (ub, ua)), n=m, directed=True, weighted=True)
        out[used] = (_estimate(nk, G, k, seed) + _estimate(nk, R, k, seed)) / 2
    else:
        out[used] = _estimate(nk, G, k, seed)
    return np.round(out, 12), f"sampled k={k}"
