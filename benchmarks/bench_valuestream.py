"""Value-stream map (ecolib.analyses.valuestream) on the synthetic region: each analysis function timed.

Functions that take a segment flow matrix are timed on a matrix built in setup (not timed);
"segment flow matrix" times building it from the raw tables.
"""
from __future__ import annotations

from ecolib.analyses import valuestream as vsm
from ecolib.bench import Case
from ecolib.workspace import load_workspace


def _tables(region):
    ws = load_workspace(region)
    return ws.tables, ws.months()[-1]


def _with_flows(region):
    tables, month = _tables(region)
    return tables, month, vsm.segment_flows(tables, month, window=12)


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
]
