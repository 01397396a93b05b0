"""Gene map: relatedness on a 5,000 × 1,000 location × activity matrix; coverage, node space
and feasibility on the synthetic region (100k firms, 500 technology nodes)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.analyses import genemap, relatedness
from ecolib.bench import Case
from ecolib.workspace import load_workspace


def _matrix(region, *, sparse: bool = False):
    """5,000 locations × 1,000 activities, ~10 % of cells non-zero, lognormal values; every
    location has its own scale and every activity its own popularity (so RCA varies)."""
    rng = np.random.default_rng(11)
    n, k = 5_000, 1_000
    popularity = rng.beta(0.6, 4.0, k)
    mask = rng.random((n, k)) < popularity[None, :] * 0.6
    values = np.where(mask, rng.lognormal(10, 2, (n, k)), 0.0)
    frame = pd.DataFrame(values, index=[f"L{i:05d}" for i in range(n)], columns=[f"A{j:04d}" for j in range(k)])
    if sparse:
        long = frame.stack()
        long = long[long > 0].rename("v").reset_index()
        return relatedness.from_long(long, location="level_0", activity="level_1", value="v", sparse=True)
    return frame


def _tables(region):
    ws = load_workspace(region)
    return ws.tables, ws.months()[-1]


def _coverage(inputs):
    tables, month = inputs
    return genemap.coverage(tables["chain_nodes"], tables["firms"], tables["firm_nodes"], month=month)


def _space_and_feasibility(inputs):
    tables, month = inputs
    cov = genemap.coverage(tables["chain_nodes"], tables["firms"], tables["firm_nodes"], month=month)
    space = genemap.node_space(tables["chain_nodes"], tables["firm_nodes"], firms=tables["firms"],
                               candidates=tables["candidates"], chain_edges=tables["chain_edges"])
    return genemap.feasibility(cov, space.proximity)


CASES = [
    Case("genemap: relatedness 5,000 × 1,000 (dense)", setup=_matrix, run=relatedness.complexity),
    Case("genemap: relatedness 5,000 × 1,000 (sparse)", setup=lambda r: _matrix(r, sparse=True),
         run=relatedness.complexity),
    Case("genemap: coverage 100k firms × 500 nodes", setup=_tables, run=_coverage),
    Case("genemap: node space + feasibility 100k firms", setup=_tables, run=_space_and_feasibility),
    Case("genemap: gene_map bundle 100k firms", setup=_tables,
         run=lambda inputs: genemap.gene_map(inputs[0], inputs[1]), repeat=2),
]
