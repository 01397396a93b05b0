"""Gap analysis (ecolib.analyses.gaps) on the synthetic region (100k firms, 1M flows, 500 nodes): the
all-firms exit ranking (the performance target of issue 5: seconds), the local network it runs
on, one firm's stress test, gap priority, the security matrix, the health diagnosis and the
whole bundle. Inputs a case does not time are built in its setup."""
from __future__ import annotations

from ecolib.analyses import gaps
from ecolib.analyses import genemap as gmap
from ecolib.analyses import valuestream as vsm
from ecolib.bench import Case
from ecolib.workspace import load_workspace


def _tables(region):
    ws = load_workspace(region)
    return ws.tables, ws.settings, ws.months()[-1]


def _network(region):
    tables, settings, month = _tables(region)
    cov = gmap.coverage(tables["chain_nodes"], tables["firms"], tables["firm_nodes"], month=month)
    net = gaps.local_network(tables, month, window=12)
    return tables, month, cov, net, gaps.firm_info(tables, month)


def _ranking(inputs):
    tables, month, cov, net, info = inputs
    return gaps.exit_ranking(net, cov, info=info)


def _one_exit(inputs):
    tables, month, cov, net, info = inputs
    firm = gaps.exit_ranking(net, cov)["firm_id"].iloc[0] if not hasattr(_one_exit, "firm") else _one_exit.firm
    _one_exit.firm = firm
    return gaps.exit_stress(net, firm, cov=cov, firm_nodes=tables["firm_nodes"], info=info,
                            candidates=tables["candidates"])


def _gene(region):
    tables, settings, month = _tables(region)
    return tables, month, gmap.gene_map(tables, month)


def _priority(inputs):
    tables, month, gm = inputs
    return gaps.gap_priority(gm.coverage, gm.feasibility, chain_nodes=tables["chain_nodes"],
                             chain_edges=tables["chain_edges"], candidates=tables["candidates"])


def _security(inputs):
    tables, month, gm = inputs
    sf = vsm.segment_flows(tables, month, window=12, level="node")
    return gaps.security_matrix(sf, gm.coverage, candidates=tables["candidates"])


CASES = [
    Case("gaps: exit ranking, every firm (network built)", setup=_network, run=_ranking),
    Case("gaps: local network from the tables", setup=_tables,
         run=lambda i: gaps.local_network(i[0], i[2], window=12)),
    Case("gaps: exit stress test, one firm", setup=_network, run=_one_exit),
    Case("gaps: gap priority (gene map built)", setup=_gene, run=_priority),
    Case("gaps: security matrix (incl. node flows)", setup=_gene, run=_security),
    Case("gaps: health diagnosis", setup=_tables, run=lambda i: gaps.health_workspace(i[0], i[1], i[2])),
    Case("gaps: whole gap analysis bundle", setup=_tables, run=lambda i: gaps.gap_analysis(i[0], i[1], i[2]),
         repeat=2),
]
