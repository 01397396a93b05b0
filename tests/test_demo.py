"""Tests of the demo workspace generator (ecolib.datasets.demo).

The situations a–f are checked from the tables with plain pandas, independently of the
generator's own bookkeeping, so the README figures and the analyses can rely on them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from ecolib.datasets import DEFAULT_SEED, TABLE_NAMES, make_demo, write_demo

REPO = Path(__file__).resolve().parents[1]
END = "2026-10"
MONTHS = list(pd.period_range(end=END, periods=24, freq="M").strftime("%Y-%m"))
WINDOW = MONTHS[-12:]

COLUMNS = {
    "chain_nodes": ["node_id", "name", "parent_id", "name_zh", "stage", "weight", "core"],
    "chain_edges": ["source", "target", "weight"],
    "firms": ["firm_id", "name", "name_zh", "zone", "zone_zh", "local", "anchor", "employees", "output", "area",
              "patents", "status", "exit_month"],
    "firm_nodes": ["firm_id", "node_id", "capability", "share"],
    "flows": ["month", "source", "target", "value", "kind"],
    "kpis": ["month", "metric", "value"],
    "benchmarks": ["metric", "value", "direction", "source"],
    "candidates": ["firm_id", "name", "name_zh", "node_id", "capability", "region", "region_zh"],
}
KPI_METRICS = {
    "output", "area", "patents", "talent_demand", "talent_supply", "tech_substitution_index",
    "policy_compliance", "transaction_cost_share", "tech_adoption_days", "chain_repair_days",
    "tech_transactions", "standards_participation", "equipment_utilization", "order_response_days",
    "collab_project_survival", "patent_conversion_rate", "energy_per_output", "local_flow_value",
}
BENCH_METRICS = {
    "eco_value_density": "higher", "value_flow_efficiency": "higher", "tech_adoption_days": "lower",
    "chain_repair_days": "lower", "order_response_days": "lower", "energy_per_output": "lower",
    "tech_transactions": "higher", "standards_participation": "higher", "equipment_utilization": "higher",
    "collab_project_survival": "higher", "patent_conversion_rate": "higher", "talent_gap": "lower",
    "policy_compliance": "higher",
}


@pytest.fixture(scope="module")
def demo():
    return make_demo()


# ---------------------------------------------------------------- helpers (plain pandas)


def leaves(d):
    nodes = d["chain_nodes"]
    return nodes[~nodes.node_id.isin(nodes.parent_id.dropna())]


def active_local(d):
    f = d["firms"]
    return f[f.local & (f.status == "active")]


def window_flows(d):
    fl = d["flows"]
    return fl[fl.month.isin(WINDOW)]


def local_ids(d):
    f = d["firms"]
    return set(f.loc[f.local, "firm_id"])


def firms_on(d, prefix, *, local=True, active=True, min_cap=0.0):
    fn = d["firm_nodes"]
    f = d["firms"]
    ids = fn.loc[fn.node_id.str.startswith(prefix) & (fn.capability >= min_cap), "firm_id"]
    sel = f[f.firm_id.isin(ids)]
    if local is not None:
        sel = sel[sel.local == local]
    if active:
        sel = sel[sel.status == "active"]
    return set(sel.firm_id)


def kpi_wide(d):
    return d["kpis"].pivot(index="month", columns="metric", values="value").sort_index()


def bench(d, metric):
    b = d["benchmarks"].set_index("metric")
    return float(b.loc[metric, "value"])


def zone_segment_shares(d):
    f = active_local(d)
    fn = d["firm_nodes"].merge(f[["firm_id", "zone", "output"]], on="firm_id")
    parent = d["chain_nodes"].set_index("node_id")["parent_id"]
    fn["segment"] = fn.node_id.map(parent)
    fn["x"] = fn.output * fn.share
    x = fn.pivot_table(index="zone", columns="segment", values="x", aggfunc="sum", fill_value=0.0)
    return x.div(x.sum(axis=1), axis=0)


def pianka(p, a, b):
    return float((p.loc[a] * p.loc[b]).sum() / np.sqrt((p.loc[a] ** 2).sum() * (p.loc[b] ** 2).sum()))


# ---------------------------------------------------------------- contract


def test_tables_and_columns(demo):
    assert set(demo) == set(TABLE_NAMES) | {"settings"}
    for name, cols in COLUMNS.items():
        assert list(demo[name].columns) == cols, name
        assert len(demo[name]) > 0, name


def test_settings(demo):
    assert demo["settings"] == {
        "name": "demo", "report_id": "demo", "display_name": "New Energy Vehicle Industrial Park (demo)",
        "name_zh": "新能源汽车产业园（演示）", "benchmark_name": "Riverside NEV Park (synthetic benchmark)",
        "benchmark_name_zh": "滨江新能源汽车产业园（合成标杆）", "currency": "CNY", "window": 12,
        "min_capability": 0.3,
    }


def test_sizes(demo):
    f = demo["firms"]
    assert f.local.sum() == 300
    assert (~f.local).sum() == 120
    assert demo["candidates"].firm_id.nunique() == 60
    assert len(leaves(demo)) >= 80
    assert 20_000 <= len(demo["flows"]) <= 40_000


def test_chain_tree(demo):
    nodes = demo["chain_nodes"]
    assert nodes.node_id.is_unique
    roots = nodes[nodes.parent_id.isna()]
    assert len(roots) == 1
    assert nodes.parent_id.dropna().isin(nodes.node_id).all()
    stages = nodes[nodes.parent_id == roots.node_id.iloc[0]]
    assert sorted(stages.stage) == ["downstream", "midstream", "service", "upstream"]
    assert nodes.loc[nodes.parent_id.notna(), "stage"].isin(
        ["upstream", "midstream", "downstream", "service"]).all()
    # depth 3 for every leaf: leaf -> segment -> stage -> root
    parent = nodes.set_index("node_id")["parent_id"]
    lv = leaves(demo).node_id
    assert lv.map(parent).map(parent).map(parent).eq(roots.node_id.iloc[0]).all()
    # stage inherited
    stage = nodes.set_index("node_id")["stage"]
    assert (lv.map(stage).to_numpy() == lv.map(parent).map(parent).map(stage).to_numpy()).all()
    assert (nodes.weight >= 0).all() and nodes.core.dtype == bool
    assert leaves(demo).core.sum() >= 10
    seg_names = set(nodes.loc[nodes.node_id.isin(lv.map(parent)), "name"])
    for s in ["Cathode materials", "Anode materials", "Electrolyte", "Separator", "Battery cells",
              "Battery management systems", "Battery packs", "Drive motors", "Electronic control",
              "Power semiconductors", "Vehicle assembly", "Charging infrastructure", "Battery recycling",
              "Energy-storage system integration", "Grid and PV customers", "Testing and certification",
              "Logistics", "Supply-chain finance", "Industrial software"]:
        assert s in seg_names, s
    assert nodes.name_zh.notna().all()


def test_chain_edges(demo):
    e = demo["chain_edges"]
    lv = set(leaves(demo).node_id)
    assert e.source.isin(lv).all() and e.target.isin(lv).all()
    assert not e.duplicated(["source", "target"]).any()
    assert (e.source != e.target).all()
    pairs = set(zip(e.source, e.target))
    for s, t in [("MID.CATH.LFP", "MID.CELL.PRISMATIC"), ("MID.CELL.PRISMATIC", "MID.PACK.CTP"),
                 ("MID.BMS.CHIP", "MID.BMS.MASTER"), ("MID.PACK.CTP", "DOWN.VEH.PASSENGER"),
                 ("MID.PACK.CTP", "DOWN.ESS.CONTAINER"), ("DOWN.ESS.CONTAINER", "DOWN.GRID.PVPLANT"),
                 ("MID.PACK.CTP", "DOWN.RECY.DISMANTLE")]:
        assert (s, t) in pairs, (s, t)
    assert (e.source.str.startswith("SVC.")).sum() > 100  # services feed many nodes


def test_firms(demo):
    f = demo["firms"]
    assert f.firm_id.is_unique
    assert f.local.dtype == bool and f.anchor.dtype == bool
    assert set(f.status) == {"active", "exited"}
    assert f.loc[f.local, "zone"].nunique() == 3
    assert f.loc[~f.local, "zone"].isna().all()
    assert (f.output > 0).all() and (f.employees > 0).all() and (f.patents >= 0).all()
    assert f.loc[f.local, "area"].notna().all()
    ex = f[f.status == "exited"]
    assert 3 <= len(ex) <= 10
    assert ex.exit_month.isin(WINDOW).all()
    assert f.loc[f.status == "active", "exit_month"].isna().all()
    anchors = f[f.anchor]
    assert 1 <= len(anchors) <= 3 and anchors.local.all()
    assert f.loc[f.firm_id == "F0001", "anchor"].item()
    assert f.loc[f.firm_id == "F0001", "output"].item() > 1e10
    small = f.loc[f.local & ~f.anchor, "output"]
    assert small.median() < 3e8 and (small.between(1e7, 1e8).mean() > 0.3)
    assert f.name.str.endswith("Co., Ltd.").all() and f.name_zh.str.endswith("公司").all()
    assert not f.name.duplicated().any()


def test_firm_nodes(demo):
    fn = demo["firm_nodes"]
    f = demo["firms"]
    assert fn.firm_id.isin(f.firm_id).all()
    assert set(f.firm_id) == set(fn.firm_id)
    assert fn.node_id.isin(leaves(demo).node_id).all()
    assert not fn.duplicated(["firm_id", "node_id"]).any()
    assert ((fn.capability > 0) & (fn.capability <= 1)).all()
    assert (fn.share > 0).all()
    sums = fn.groupby("firm_id").share.sum()
    assert np.allclose(sums, 1.0, atol=1e-9)
    assert fn.groupby("firm_id").size().between(1, 3).all()


def test_flows(demo):
    fl = demo["flows"]
    f = demo["firms"]
    assert fl.source.isin(f.firm_id).all() and fl.target.isin(f.firm_id).all()
    assert (fl.source != fl.target).all()
    assert (fl.value > 0).all()
    assert set(fl.month) == set(MONTHS)
    assert set(fl.kind) == {"goods", "technology", "data", "service", "capital"}
    assert (fl.kind == "goods").mean() > 0.5
    assert not fl.duplicated(["month", "source", "target", "kind"]).any()
    assert fl.month.str.fullmatch(r"\d{4}-\d{2}").all()
    # no flow between two outside firms
    loc = local_ids(demo)
    assert (fl.source.isin(loc) | fl.target.isin(loc)).all()
    # sorted output
    assert fl.equals(fl.sort_values(["month", "source", "target", "kind"], ignore_index=True))


def test_flows_follow_chain_edges(demo):
    """Every flow links a supplier node to a buyer node along a chain edge (goods) or is a service."""
    fl = demo["flows"][["source", "target", "kind"]].drop_duplicates()
    fn = demo["firm_nodes"]
    e = demo["chain_edges"]
    pairs = fl.merge(fn[["firm_id", "node_id"]].rename(columns={"firm_id": "source", "node_id": "s"}), on="source")
    pairs = pairs.merge(fn[["firm_id", "node_id"]].rename(columns={"firm_id": "target", "node_id": "t"}), on="target")
    pairs = pairs.merge(e.rename(columns={"source": "s", "target": "t"}), on=["s", "t"], how="left")
    linked = pairs.groupby(["source", "target", "kind"]).weight.apply(lambda w: w.notna().any())
    assert linked.all(), linked[~linked].index.tolist()[:5]


def test_flow_values_consistent_with_output(demo):
    f = demo["firms"].set_index("firm_id")
    fl = window_flows(demo)
    out = fl.groupby("source").value.sum()
    ratio = out / f.loc[out.index, "output"]
    loc = ratio[f.loc[ratio.index, "local"] & ~f.loc[ratio.index, "anchor"]]
    assert loc.median() > 0.2 and loc.quantile(0.95) < 1.5


def test_exited_firms_have_no_flows_after_exit(demo):
    f = demo["firms"]
    fl = demo["flows"]
    ex = f.loc[f.status == "exited", ["firm_id", "exit_month"]]
    for col in ["source", "target"]:
        m = fl.merge(ex, left_on=col, right_on="firm_id")
        assert (m.month < m.exit_month).all()
    # but they traded before
    assert ex.firm_id.isin(set(fl.source) | set(fl.target)).all()


def test_kpis_and_benchmarks(demo):
    k = demo["kpis"]
    assert set(k.metric) == KPI_METRICS
    assert not k.duplicated(["month", "metric"]).any()
    assert len(k) == 24 * len(KPI_METRICS)
    w = kpi_wide(demo)
    assert list(w.index) == MONTHS
    assert w.notna().all().all()
    for m in ["tech_substitution_index", "policy_compliance", "transaction_cost_share",
              "equipment_utilization", "collab_project_survival", "patent_conversion_rate"]:
        assert w[m].between(0, 1).all(), m
    assert (w.patents.diff().dropna() >= 0).all() and (w.area.diff().dropna() >= 0).all()
    assert (w.talent_supply < w.talent_demand).all()
    b = demo["benchmarks"]
    assert dict(zip(b.metric, b.direction)) == BENCH_METRICS
    assert b.source.str.contains("synthetic").all() and (b.value > 0).all()
    f = active_local(demo)
    assert w.patents.iloc[-1] == f.patents.sum()
    assert abs(w.output.iloc[-12:].sum() / f.output.sum() - 1) < 0.05


def test_local_flow_value_equals_local_flows(demo):
    fl = demo["flows"]
    loc = local_ids(demo)
    s = fl[fl.source.isin(loc) & fl.target.isin(loc)].groupby("month").value.sum()
    w = kpi_wide(demo)
    np.testing.assert_allclose(w.local_flow_value.to_numpy(), s.reindex(w.index).to_numpy(), rtol=1e-12, atol=0.005)


def test_candidates(demo):
    c = demo["candidates"]
    assert not c.duplicated(["firm_id", "node_id"]).any()
    assert not c.firm_id.isin(demo["firms"].firm_id).any()
    assert c.node_id.isin(leaves(demo).node_id).all()
    assert ((c.capability > 0) & (c.capability <= 1)).all()
    assert c.groupby("firm_id")[["name", "name_zh", "region"]].nunique().eq(1).all().all()
    assert c.region.notna().all()
    assert (c.node_id.str.startswith("DOWN.ESS.")).sum() >= 4
    assert (c.node_id == "MID.BMS.CHIP").sum() >= 3


# ---------------------------------------------------------------- situations


def test_a_energy_storage_integration_missing(demo):
    ess = firms_on(demo, "DOWN.ESS.", local=True, active=True)
    assert ess == set()
    assert firms_on(demo, "DOWN.ESS.", local=True, active=False) == set()  # never had one
    assert len(firms_on(demo, "MID.PACK.", min_cap=0.3)) >= 3
    assert len(firms_on(demo, "DOWN.GRID.", min_cap=0.3)) >= 2
    assert len(firms_on(demo, "DOWN.ESS.", local=False)) >= 4
    c = demo["candidates"]
    assert c.loc[c.node_id.str.startswith("DOWN.ESS."), "firm_id"].nunique() >= 4
    # it is the only segment of the chain without any active local firm (capability >= 0.3)
    fn = demo["firm_nodes"]
    parent = demo["chain_nodes"].set_index("node_id")["parent_id"]
    strong = fn[fn.firm_id.isin(active_local(demo).firm_id) & (fn.capability >= 0.3)]
    present = set(strong.node_id.map(parent))
    assert set(leaves(demo).node_id.map(parent)) - present == {"DOWN.ESS"}
    # the value goes round the outside: local packs -> outside integrators -> local grid customers
    fl = window_flows(demo)
    ext_ess = firms_on(demo, "DOWN.ESS.", local=False)
    packs = firms_on(demo, "MID.PACK.")
    grid = firms_on(demo, "DOWN.GRID.")
    assert fl[fl.source.isin(packs) & fl.target.isin(ext_ess)].value.sum() > 0
    assert fl[fl.source.isin(ext_ess) & fl.target.isin(grid)].value.sum() > 0


def test_b_isolated_firms(demo):
    act = active_local(demo)
    fl = window_flows(demo)
    loc = local_ids(demo)
    ll = fl[fl.source.isin(loc) & fl.target.isin(loc)]
    connected = set(ll.source) | set(ll.target)
    isolated = set(act.firm_id) - connected
    share = len(isolated) / len(act)
    assert 0.07 <= share <= 0.09, share
    # some isolated firms still trade with outside firms
    assert (fl.source.isin(isolated) | fl.target.isin(isolated)).any()


def test_c_anchor_dependence(demo):
    fl = window_flows(demo)
    loc = local_ids(demo)
    act = set(active_local(demo).firm_id)
    out = fl[fl.source.isin(act)]
    total = out.groupby("source").value.sum()
    local_out = out[out.target.isin(loc)].groupby("source").value.sum()
    to_anchor = out[out.target == "F0001"].groupby("source").value.sum()
    share_total = (to_anchor / total).dropna()
    share_local = (to_anchor / local_out).dropna()
    assert (share_total >= 0.4).sum() >= 5
    assert (share_local >= 0.4).sum() >= 5


def test_c_bms_chip_single_supplier(demo):
    strong = firms_on(demo, "MID.BMS.CHIP", min_cap=0.3)
    assert len(strong) == 1
    # and the node is not trivially empty otherwise: a weak local firm, an exited one, candidates
    assert len(firms_on(demo, "MID.BMS.CHIP")) >= 2
    assert len(firms_on(demo, "MID.BMS.CHIP", active=False, min_cap=0.3)) >= 2


def test_d_broken_cathode_link(demo):
    fl = window_flows(demo)
    loc = local_ids(demo)
    cath = firms_on(demo, "MID.CATH.")
    cells = firms_on(demo, "MID.CELL.")
    all_cath = firms_on(demo, "MID.CATH.", local=None)
    assert len(cath) >= 3 and len(cells) >= 2
    out = fl[fl.source.isin(cath)]
    ext_share = out[~out.target.isin(loc)].groupby("source").value.sum() / out.groupby("source").value.sum()
    assert set(ext_share.index) == cath
    assert (ext_share > 0.8).all()
    assert out[~out.target.isin(loc)].value.sum() / out.value.sum() > 0.8
    inp = fl[fl.target.isin(cells) & fl.source.isin(all_cath)]
    ext_in = inp[~inp.source.isin(loc)].groupby("target").value.sum() / inp.groupby("target").value.sum()
    assert set(ext_in.index) == cells
    assert (ext_in > 0.8).all()
    # the link exists locally but carries < 10 % of the cells' cathode inflow (DESIGN §4)
    local_link = inp[inp.source.isin(cath)].value.sum()
    assert 0 < local_link < 0.1 * inp.value.sum()


def test_e_value_density(demo):
    w = kpi_wide(demo)
    evd = w.output / w.area / w.patents
    ratio = evd / bench(demo, "eco_value_density")
    below = ratio < 0.8
    assert list(below[below].index) == ["2026-08", "2026-09", "2026-10"]


def test_e_talent_gap(demo):
    w = kpi_wide(demo)
    gap = (w.talent_demand - w.talent_supply) / w.talent_demand
    assert list(gap[gap >= 0.25].index) == ["2026-09", "2026-10"]


def test_e_policy_compliance(demo):
    w = kpi_wide(demo)
    assert list(w.index[w.policy_compliance < 0.70]) == ["2026-05"]


def test_e_tech_substitution(demo):
    w = kpi_wide(demo)
    assert list(w.index[w.tech_substitution_index > 0.60]) == ["2026-08", "2026-09", "2026-10"]


def test_e_elasticity(demo):
    w = kpi_wide(demo)
    el = (w.local_flow_value.pct_change(12) / w.output.pct_change(12)).dropna()
    assert list(el.index) == MONTHS[12:]
    assert el.between(1.2, 1.8).sum() >= 10
    assert (w.output.pct_change(12).dropna() > 0.05).all()


def test_f_zone_niche_overlap(demo):
    p = zone_segment_shares(demo)
    zones = sorted(p.index)
    assert zones == ["East Zone", "North Zone", "South Hi-tech Zone"]
    assert pianka(p, "North Zone", "East Zone") > 0.7
    assert pianka(p, "North Zone", "South Hi-tech Zone") < 0.5
    assert pianka(p, "East Zone", "South Hi-tech Zone") < 0.5


# ---------------------------------------------------------------- files and determinism


def read_dir(path):
    return {p.name: p.read_bytes() for p in sorted(Path(path).iterdir())}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo_a")
    write_demo(d)
    return d


def test_write_demo_files(written):
    names = sorted(p.name for p in written.iterdir())
    assert names == sorted([f"{t}.csv" for t in TABLE_NAMES] + ["workspace.yaml", "README.md"])
    firms = (written / "firms.csv").read_text(encoding="utf-8")
    header = firms.splitlines()[0]
    assert header == ",".join(COLUMNS["firms"])
    assert "True" not in firms and "False" not in firms and ",true," in firms and ",false," in firms
    assert "擎远汽车" in firms
    nodes = pd.read_csv(written / "chain_nodes.csv", dtype=str, keep_default_na=False)
    assert set(nodes.core) == {"true", "false"}
    flows = pd.read_csv(written / "flows.csv", dtype={"value": str})
    assert flows.value.str.fullmatch(r"\d+(\.\d{1,2})?").all()
    settings = yaml.safe_load((written / "workspace.yaml").read_text(encoding="utf-8"))
    assert settings["name"] == "demo" and settings["window"] == 12
    total = sum(p.stat().st_size for p in written.iterdir())
    assert total < 5_000_000
    for p in written.iterdir():
        text = p.read_text(encoding="utf-8")
        assert not re.search(r"/(work|home|root)/", text) and "\r" not in text


def test_written_tables_round_trip(written, demo):
    fl = pd.read_csv(written / "flows.csv")
    pd.testing.assert_frame_equal(fl, demo["flows"], check_dtype=False)
    firms = pd.read_csv(written / "firms.csv", true_values=["true"], false_values=["false"])
    assert firms.local.dtype == bool and firms.local.sum() == 300


def test_readme_documents_situations(written, demo):
    text = (written / "README.md").read_text(encoding="utf-8")
    for key in ["F0001", "MID.BMS.CHIP", "DOWN.ESS.CONTAINER", "2026-08", "2026-05", "Pianka"]:
        assert key in text, key
    chip = firms_on(demo, "MID.BMS.CHIP", min_cap=0.3).pop()
    assert chip in text
    for fid in sorted(firms_on(demo, "MID.CATH.")):
        assert fid in text


def test_deterministic(written, tmp_path):
    write_demo(tmp_path / "again")
    assert read_dir(written) == read_dir(tmp_path / "again")
    write_demo(tmp_path / "other", seed=DEFAULT_SEED + 1)
    other = read_dir(tmp_path / "other")
    assert other["flows.csv"] != read_dir(written)["flows.csv"]
    assert other["chain_nodes.csv"] == read_dir(written)["chain_nodes.csv"]


def test_other_seed_keeps_situations():
    d = make_demo(seed=7)
    test_a_energy_storage_integration_missing(d)
    test_b_isolated_firms(d)
    test_c_anchor_dependence(d)
    test_c_bms_chip_single_supplier(d)
    test_d_broken_cathode_link(d)
    test_e_value_density(d)
    test_e_talent_gap(d)
    test_e_policy_compliance(d)
    test_e_tech_substitution(d)
    test_e_elasticity(d)
    test_f_zone_niche_overlap(d)
    test_local_flow_value_equals_local_flows(d)


def test_committed_demo_is_current(written):
    committed = REPO / "data" / "demo"
    if not (committed / "flows.csv").exists():
        pytest.skip("data/demo not generated")
    assert read_dir(committed) == read_dir(written), "regenerate with ecolib.datasets.write_demo('data/demo')"


def test_scales_to_large_parks():
    """The situations hold at scale too (speed: make bench / ecolib demo --firms)."""
    d = make_demo(n_local_firms=20_000, n_external=2_000, n_candidates=500)
    f, fl, fn = d["firms"], d["flows"], d["firm_nodes"]
    assert f.local.sum() == 20_000 and f.firm_id.is_unique
    assert fl.source.isin(f.firm_id).all() and fl.target.isin(f.firm_id).all()
    assert np.allclose(fn.groupby("firm_id").share.sum(), 1.0)
    assert len(fl) > 500_000
    test_b_isolated_firms(d)
    test_e_value_density(d)
    test_local_flow_value_equals_local_flows(d)
