"""Niche positioning on the synthetic region (100k firms in 5 zones, 500 technology nodes):
zone portfolios with LQ, overlap, breadth and advice; embedding for one firm; the best entry
point of every local firm at once."""
from __future__ import annotations

from ecolib.analyses import genemap, niche
from ecolib.bench import Case
from ecolib.workspace import load_workspace


def _tables(region):
    ws = load_workspace(region)
    return ws.tables, ws.months()[-1]


def _with_gene_map(region):
    tables, month = _tables(region)
    return tables, month, genemap.gene_map(tables, month)


def _local_ids(inputs):
    tables, month, gm = inputs
    firms = tables["firms"]
    ids = firms.loc[firms["local"].to_numpy(bool), "firm_id"]
    return gm, tables["firm_nodes"], ids


CASES = [
    Case("niche: zone portfolios, overlap, advice (segment)", setup=_tables,
         run=lambda i: niche.niche(i[0], i[1], threshold=0.2)),
    Case("niche: zone portfolios, overlap, advice (node)", setup=_tables,
         run=lambda i: niche.niche(i[0], i[1], level="node", threshold=0.2)),
    Case("niche: default firm + embedding (gene map given)", setup=_with_gene_map,
         run=lambda i: niche.embedding(i[0], i[1], gm=i[2])),
    Case("niche: embedding from scratch (incl. gene map)", setup=_tables,
         run=lambda i: niche.embedding(i[0], i[1]), repeat=2),
    Case("niche: best entry of every local firm (90k)", setup=lambda r: _local_ids(_with_gene_map(r)),
         run=lambda i: niche.best_entries(*i), repeat=2),
]
