"""Gap analysis (ecolib.analyses.gaps) on the synthetic region (100k firms, 1M flows, 500 nodes): the
all-firms exit ranking (the performance target of issue 5: seconds), the local network it runs
on, one firm's stress test, gap priority, the security matrix, the health diagnosis and the
whole bundle; and the whole bundle on a region of its own, 1M firms and 10M flows (goal: 30 s,
3 GB peak memory with the loaded workspace). Inputs a case does not time are built in its setup."""
from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

from ecolib.analyses import gaps
from ecolib.analyses import genemap as gmap
from ecolib.analyses import valuestream as vsm
from ecolib.bench import Case, first_row, within
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


def _big(region):
    """The 1M-firm, 10M-flow region, loaded: (tables, settings, month, load figures). The region
    is built (once, cached under .bench/) in a process of its own, so that building it does not
    count in this case's peak memory; the figures say what loading alone takes."""
    from ecolib.bench import ROOT

    sizes = dict(firms=1_000_000, flows=10_000_000, nodes=500)
    folder = ROOT / ".bench" / "region-f{firms}-l{flows}-n{nodes}".format(**sizes)
    if not (folder / "workspace.yaml").exists():
        code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import region; "
                "region.ensure_region(Path(sys.argv[2]), firms=int(sys.argv[3]), flows=int(sys.argv[4]), "
                "nodes=int(sys.argv[5]))")
        subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(ROOT / ".bench"),
                        *(str(sizes[k]) for k in ("firms", "flows", "nodes"))], check=True)
    started = time.perf_counter()
    ws = load_workspace(folder)
    loaded = {"load_s": round(time.perf_counter() - started, 2),
              "load_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
              "rss_after_load_mb": round(_rss_mb())}
    return ws.tables, ws.settings, ws.months()[-1], loaded


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))


def _big_bundle(inputs):
    """The whole bundle; one row: loading alone (seconds, peak and resident memory after it)
    beside the bundle (seconds; the peak of the whole case is in the case's line)."""
    tables, settings, month, loaded = inputs
    started = time.perf_counter()
    ga = gaps.gap_analysis(tables, settings, month)
    return [{**loaded, "bundle_s": round(time.perf_counter() - started, 2),
             "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
             "ranked_firms": len(ga.ranking), "dependent_pairs": len(ga.dependent)}]


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
    Case("gaps: whole bundle, 1M firms, 10M flows", setup=_big, run=_big_bundle, repeat=1, needs_region=False,
         goal="≤ 30 s, ≤ 3 GB",
         judge=lambda r: [within("1M firms, 10M flows: gap-analysis bundle", first_row(r, "bundle_s"), 30, "s"),
                          within("1M firms, 10M flows: gap-analysis bundle, peak with the loaded workspace",
                                 r["tree_peak_mb"] / 1024, 3, "GB")]),
]
