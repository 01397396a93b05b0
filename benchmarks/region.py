"""A synthetic region for benchmarks: many firms, many flows, a wide chain tree.

Uniform-random on purpose (the planted situations of the demo park are irrelevant here): it
measures how the analysis functions scale. Written once as a Parquet workspace and cached.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

STAGES = ["upstream", "midstream", "downstream", "service"]


def build_region(firms: int, flows: int, nodes: int, *, seed: int = 7, months: int = 12,
                 end_month: str = "2026-10", local_firms: int | None = None) -> dict[str, pd.DataFrame]:
    """The region's tables. ``local_firms``: how many firms are local (default: 90 % of
    ``firms``); when set, every flow has a local firm at one end at least, as in a park's
    records of its own firms' trade."""
    rng = np.random.default_rng(seed)
    n_seg = max(4, nodes // 5)
    seg_stage = np.arange(n_seg) * 4 // n_seg
    leaf_seg = np.arange(nodes) % n_seg
    chain_nodes = pd.concat([
        pd.DataFrame({"node_id": ["R"], "name": ["Region chain"], "parent_id": [None], "stage": [None]}),
        pd.DataFrame({"node_id": [f"S{i}" for i in range(4)], "name": [s.title() for s in STAGES],
                      "parent_id": "R", "stage": STAGES}),
        pd.DataFrame({"node_id": [f"G{j:03d}" for j in range(n_seg)], "name": [f"Segment {j}" for j in range(n_seg)],
                      "parent_id": [f"S{s}" for s in seg_stage], "stage": [STAGES[s] for s in seg_stage]}),
        pd.DataFrame({"node_id": [f"N{i:04d}" for i in range(nodes)], "name": [f"Node {i}" for i in range(nodes)],
                      "parent_id": [f"G{j:03d}" for j in leaf_seg], "stage": [STAGES[seg_stage[j]] for j in leaf_seg]}),
    ], ignore_index=True)
    chain_nodes["weight"] = np.round(rng.uniform(0.5, 3, len(chain_nodes)), 2)
    chain_nodes["core"] = rng.random(len(chain_nodes)) < 0.15
    src = rng.integers(0, nodes, nodes * 3)
    dst = rng.integers(0, nodes, nodes * 3)
    keep = leaf_seg[src] < leaf_seg[dst]
    chain_edges = pd.DataFrame({"source": [f"N{i:04d}" for i in src[keep]],
                                "target": [f"N{i:04d}" for i in dst[keep]]}).drop_duplicates()
    chain_edges["weight"] = 1.0

    ids = np.array([f"F{i:06d}" for i in range(firms)])
    local = rng.random(firms) < 0.9 if local_firms is None else np.arange(firms) < local_firms
    status = np.where(local & (rng.random(firms) < 0.01), "exited", "active")
    month_list = [str(p) for p in pd.period_range(end=end_month, periods=months, freq="M")]
    firm_table = pd.DataFrame({
        "firm_id": ids, "name": [f"Firm {i}" for i in range(firms)],
        "zone": np.where(local, np.char.add("Zone ", rng.integers(1, 6, firms).astype(str)), ""),
        "local": local, "anchor": local & (rng.random(firms) < 0.002),
        "employees": rng.integers(5, 2000, firms), "output": np.round(rng.lognormal(17, 1.2, firms), 2),
        "area": np.where(local, rng.integers(500, 50_000, firms), np.nan),
        "patents": rng.integers(0, 80, firms), "status": status,
        "exit_month": np.where(status == "exited", month_list[-3], None)})
    per_firm = rng.integers(1, 4, firms)
    fn = pd.DataFrame({"firm_id": np.repeat(ids, per_firm),
                       "node_id": np.char.add("N", np.char.zfill(rng.integers(0, nodes, per_firm.sum()).astype(str), 4))})
    fn = fn.drop_duplicates(["firm_id", "node_id"])
    fn["capability"] = np.round(rng.uniform(0.1, 1.0, len(fn)), 2)
    fn["share"] = 1.0 / fn.groupby("firm_id")["node_id"].transform("size")
    flow_table = pd.DataFrame({
        "month": np.array(month_list)[rng.integers(0, months, flows)],
        "source": ids[rng.integers(0, firms, flows)], "target": ids[rng.integers(0, firms, flows)],
        "value": np.round(rng.lognormal(12, 1.5, flows), 2),
        "kind": np.where(rng.random(flows) < 0.9, "goods", "service")})
    if local_firms is not None:            # one end local: the local end is drawn again where neither is
        neither = ~(np.isin(flow_table["source"], ids[local]) | np.isin(flow_table["target"], ids[local]))
        flow_table.loc[neither, "source"] = ids[rng.integers(0, local_firms, int(neither.sum()))]
    flow_table = flow_table[flow_table["source"] != flow_table["target"]]
    metrics = ["output", "area", "patents", "talent_demand", "talent_supply", "tech_substitution_index",
               "policy_compliance", "transaction_cost_share", "local_flow_value"]
    kpis = pd.DataFrame([(m, k, float(rng.uniform(0.1, 1))) for m in month_list for k in metrics],
                        columns=["month", "metric", "value"])
    benchmarks = pd.DataFrame({"metric": ["policy_compliance", "transaction_cost_share"], "value": [0.8, 0.1],
                               "direction": ["higher", "lower"], "source": "synthetic"})
    n_cand = max(10, firms // 100)
    candidates = pd.DataFrame({"firm_id": [f"C{i:06d}" for i in range(n_cand)],
                               "name": [f"Candidate {i}" for i in range(n_cand)],
                               "node_id": np.char.add("N", np.char.zfill(rng.integers(0, nodes, n_cand).astype(str), 4)),
                               "capability": np.round(rng.uniform(0.2, 1, n_cand), 2), "region": "Elsewhere"})
    return {"chain_nodes": chain_nodes, "chain_edges": chain_edges, "firms": firm_table, "firm_nodes": fn,
            "flows": flow_table, "kpis": kpis, "benchmarks": benchmarks, "candidates": candidates}


def ensure_region(cache: Path, *, firms: int, flows: int, nodes: int, local_firms: int | None = None) -> Path:
    """The cached region folder, built if missing."""
    folder = Path(cache) / (f"region-f{firms}-l{flows}-n{nodes}" + (f"-local{local_firms}" if local_firms else ""))
    done = folder / "workspace.yaml"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in build_region(firms, flows, nodes, local_firms=local_firms).items():
        table.to_parquet(folder / f"{name}.parquet", index=False)
    done.write_text(yaml.safe_dump({"name": folder.name, "window": 12}), encoding="utf-8")
    return folder
