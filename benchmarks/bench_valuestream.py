"""Value-stream map (ecolib.analyses.valuestream) on the synthetic region: each analysis function timed.

Functions that take a segment flow matrix are timed on a matrix built in setup (not timed);
"segment flow matrix" times building it from the raw tables. The betweenness cases time
ecolib.foundations.network.betweenness (networkit) alone on park-like firm graphs of 500,
5,000 and 20,000 firms (exact; at 500 beside networkx, timed in setup) and 100,000 firms (the
pivot estimate), built in setup without the region.
"""
from __future__ import annotations

from ecolib.analyses import valuestream as vsm
from ecolib.bench import Case
from ecolib.foundations import network
from ecolib.workspace import load_workspace


def _tables(region):
    ws = load_workspace(region)
    return ws.tables, ws.months()[-1]


def _with_flows(region):
    tables, month = _tables(region)
    return tables, month, vsm.segment_flows(tables, month, window=12)


def _park_graph(firms: int, *, links: int = 3, seed: int = 0, reference: bool = False):
    """A park-like local firm graph (not the region's): preferential attachment (a few hub
    firms), ``links`` links per firm, lognormal money values, edge length 1 / value; with
    ``reference``, networkx's exact betweenness of it and the seconds it took. networkit is
    imported and warmed here, so the case times the computation only."""
    import time

    import networkx as nx
    import numpy as np

    G = nx.barabasi_albert_graph(firms, links, seed=seed)
    e = np.array(G.edges(), dtype=np.int64)
    value = np.random.default_rng(seed).lognormal(12, 1.5, len(e))
    length = value.max() / value
    network.betweenness(3, np.array([0, 1]), np.array([1, 2]), np.ones(2), exact_max=0, samples=2)
    ref = None
    if reference:
        nx.set_edge_attributes(G, {(int(u), int(v)): float(w) for u, v, w in zip(e[:, 0], e[:, 1], length)}, "length")
        started = time.perf_counter()
        bc = nx.betweenness_centrality(G, weight="length", normalized=True)
        ref = np.array([bc[i] for i in range(firms)]), time.perf_counter() - started
    return (firms, e[:, 0], e[:, 1], length), ref


def _betweenness(inputs, **options):
    """network.betweenness on a :func:`_park_graph`; one row: its method, and beside networkx
    (when computed) networkx's seconds and the largest difference."""
    import numpy as np

    graph, ref = inputs
    values, method = network.betweenness(*graph, **options)
    row = {"firms": graph[0], "links": len(graph[1]), "method": method}
    if ref is not None:
        row |= {"networkx_s": ref[1], "max_abs_diff_vs_networkx": float(np.abs(values - ref[0]).max())}
    return [row]


def _china(region):
    from ecolib.datasets.china_io import load_china_io
    return load_china_io(2020)


CASES = [
    Case("valuestream: segment flow matrix", setup=_tables,
         run=lambda i: vsm.segment_flows(i[0], i[1], window=12)),
    Case("valuestream: segment flow matrix, node level", setup=_tables,
         run=lambda i: vsm.segment_flows(i[0], i[1], window=12, level="node")),
    Case("valuestream: local sourcing", setup=_with_flows, run=lambda i: vsm.local_sourcing(i[2])),
    Case("valuestream: leakage + import dependence", setup=_with_flows, run=lambda i: vsm.leakage(i[2])),
    Case("valuestream: sourcing table (from tables)", setup=_tables,
         run=lambda i: vsm.sourcing_table(vsm.segment_flows(i[0], i[1], window=12))),
    Case("valuestream: isolated firms", setup=_tables, run=lambda i: vsm.isolated_firms(i[0], i[1], window=12)),
    Case("valuestream: broken links", setup=_with_flows,
         run=lambda i: vsm.broken_links(i[2], i[0]["chain_edges"])),
    Case("valuestream: collaboration density", setup=_tables, run=lambda i: vsm.collaboration(i[0], i[1], window=12)),
    Case("valuestream: linkages (segment IO view)", setup=_with_flows, run=lambda i: vsm.segment_io(i[2])),
    Case("valuestream: national linkages (China 2020)", setup=_china, run=vsm.national_linkages),
    Case("valuestream: connector firms (betweenness)", setup=_tables,
         run=lambda i: vsm.connector_firms(i[0], i[1], window=12), repeat=1),
    Case("valuestream: whole map (value_stream)", setup=_tables,
         run=lambda i: vsm.value_stream(i[0], i[1], window=12), repeat=1),
    *[Case(f"valuestream: betweenness exact, {firms:,} firms", needs_region=False,
           setup=lambda r, f=firms: _park_graph(f, reference=f <= 500),
           run=lambda i: _betweenness(i, exact_max=i[0][0]), repeat=repeat)
      for firms, repeat in ((500, 3), (5_000, 1), (20_000, 1))],
    Case("valuestream: betweenness sampled, 100k firms", needs_region=False, setup=lambda r: _park_graph(100_000),
         run=_betweenness, repeat=1),
]
