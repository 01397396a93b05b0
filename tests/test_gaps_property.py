"""Property test: the all-firms exit ranking (sparse, vectorised) equals the single-firm exit
stress test run firm by firm, on random small parks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecolib.analyses import gaps as G
from ecolib.analyses import genemap as gmap
from ecolib.workspace import load_workspace

M = "2026-03"
NODES = ["N.LI", "N.CATH", "N.CELL", "N.PACK"]


@pytest.fixture(scope="module")
def chain_nodes(tmp_path_factory):
    from conftest import write_tiny_park
    return load_workspace(write_tiny_park(tmp_path_factory.mktemp("p") / "tiny")).tables["chain_nodes"]


@st.composite
def parks(draw):
    n = draw(st.integers(2, 9))
    ids = [f"F{i}" for i in range(n)]
    local = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    exited = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    firms = pd.DataFrame({"firm_id": ids, "name": ids, "name_zh": ids, "zone": "Z", "local": local,
                          "anchor": False, "output": 100.0, "employees": 10.0, "area": 5.0, "patents": 1.0,
                          "status": np.where(exited, "exited", "active"),
                          "exit_month": np.where(exited, "2026-02", None)})
    links = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, len(NODES) - 1),
                                    st.sampled_from([0.1, 0.3, 0.5, 0.9])), min_size=1, max_size=2 * n))
    fn = pd.DataFrame(links, columns=["f", "p", "capability"]).drop_duplicates(["f", "p"])
    fn = pd.DataFrame({"firm_id": [ids[i] for i in fn["f"]], "node_id": [NODES[j] for j in fn["p"]],
                       "capability": fn["capability"].to_numpy(float)})
    fn["share"] = 1.0 / fn.groupby("firm_id")["node_id"].transform("size")
    # values chosen so that shares land exactly on the 30 % threshold sometimes (3 of 10)
    flows = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.sampled_from([1.0, 2.0, 3.0, 7.0, 10.0]),
                                    st.sampled_from(["2026-01", "2026-03", "2025-06"])), max_size=4 * n))
    flows = pd.DataFrame(flows, columns=["s", "d", "value", "month"])
    flows = pd.DataFrame({"month": flows["month"].astype(str), "source": [ids[i] for i in flows["s"]],
                          "target": [ids[i] for i in flows["d"]], "value": flows["value"].astype(float),
                          "kind": "goods"})
    threshold = draw(st.sampled_from([0.3, 0.5, 1.0]))
    return firms, fn, flows, threshold


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(park=parks())
def test_ranking_equals_single_firm_runs(chain_nodes, park):
    firms, fn, flows, threshold = park
    tables = {"firms": firms, "firm_nodes": fn, "flows": flows, "chain_nodes": chain_nodes}
    net = G.local_network(tables, M, window=3)
    cov = gmap.coverage(chain_nodes, firms, fn, month=M)
    info = G.firm_info(tables, M)
    ranking = G.exit_ranking(net, cov, info=info, threshold=threshold).set_index("firm_id")
    active_local = firms.loc[net.active_local, "firm_id"].tolist()
    assert sorted(ranking.index) == sorted(active_local)
    for firm in active_local:   # the single-firm version, firm by firm (a handful of firms)
        e = G.exit_stress(net, firm, cov=cov, firm_nodes=fn, info=info, threshold=threshold)
        row = ranking.loc[firm]
        assert row["value_lost"] == pytest.approx(e.value_lost)
        assert row["value_out"] == pytest.approx(e.value_out) and row["value_in"] == pytest.approx(e.value_in)
        assert row["dependent_buyers"] == e.dependent_buyers
        assert row["dependent_suppliers"] == e.dependent_suppliers
        assert row["affected_firms"] == len(e.affected)
        assert row["nodes_lost"] == len(e.nodes_lost)
        assert row["lost_nodes"] == "; ".join(sorted(e.nodes_lost))
        assert row["nodes_weakened"] == int(((e.nodes["firms_before"] == 2) & e.nodes["qualifies"]).sum())
