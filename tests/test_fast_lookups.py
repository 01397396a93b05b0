"""The fast paths that make the gap analysis of a million firms take seconds give exactly what the
plain pandas / arrow operations they replace give: id look-ups (a numpy hash table, a scan for a
few ids, first occurrences), text ranks, the primary node, a node's top firm, the gene map with
its firms coded once, the node flows in one product, and the loader's number parsing and trimming."""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import scipy.sparse as sp

from ecolib.analyses import genemap as G
from ecolib.analyses import valuestream as vs
from ecolib.foundations import frames, network
from ecolib.foundations.firms import primary_nodes
from ecolib.workspace import load as L

ALPHABET = ["a", "b", "Z", "0", "é", "中", " ", "-"]


def _index_in(values, value_set) -> np.ndarray:
    return pc.index_in(values, value_set=value_set).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _texts(rng: random.Random, longest: int) -> list:
    pool = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest))) for _ in range(rng.randint(1, 25))]
    return pool + [None]


@pytest.mark.parametrize("longest", [3, 7, 8, 20])
def test_hashed_and_few_codes_are_index_in(longest):
    """Short ids (exact keys) and long ones (hashed keys, every hit checked), with repeats,
    missing ids, sliced arrays; one table for several arrays; a few ids in a large set."""
    rng = random.Random(longest)
    for trial in range(400):
        pool = _texts(rng, longest)
        s = pa.array([rng.choice(pool) for _ in range(rng.randint(0, 30))], pa.large_string())
        v = pa.array([rng.choice(pool + ["zz"]) for _ in range(rng.randint(0, 40))], pa.large_string())
        if trial % 3 == 0 and len(v) > 2:
            v = v.slice(1)
        if trial % 5 == 0 and len(s) > 2:
            s = s.slice(1, len(s) - 2)
        expected = _index_in(v, s)
        assert network._hashed_codes(v, s).tolist() == expected.tolist()
        chunked = pa.chunked_array([v.slice(0, len(v) // 2), v.slice(len(v) // 2)], pa.large_string())
        assert network._hashed_codes(chunked, s).tolist() == expected.tolist()          # a column in chunks
        assert [c.tolist() for c in network._hashed_codes([v, s], s)] == [expected.tolist(), _index_in(s, s).tolist()]
        assert network._few_codes(v, s).tolist() == expected.tolist()


def test_hashed_codes_check_every_hit_against_the_text(monkeypatch):
    """With hashed keys (an id longer than 7 bytes) that collide all the time (a hash of 2 bits),
    the answer is still index_in's."""
    keys = network._text_keys
    monkeypatch.setattr(network, "_text_keys", lambda arr, exact: keys(arr, exact) & np.uint64(3))
    rng = random.Random(0)
    for _ in range(200):
        pool = _texts(rng, 12) + ["a long firm id"]
        s = pa.array([rng.choice(pool) for _ in range(rng.randint(0, 30))] + ["a long firm id"], pa.large_string())
        v = pa.array([rng.choice(pool) for _ in range(rng.randint(0, 30))], pa.large_string())
        assert network._hashed_codes(v, s).tolist() == _index_in(v, s).tolist()


def test_codes_of_many_ids_take_the_hashed_path_and_agree():
    n = network._HASHED_FROM + 10
    ids = pd.Series([f"F{i:07d}" for i in range(n)], dtype="str")
    rng = np.random.default_rng(0)
    wanted = pd.Series(np.where(rng.random(n // 2) < 0.1, "nobody", ids.to_numpy(object)[rng.integers(0, n, n // 2)]),
                       dtype="str")
    expected = _index_in(network._arrow(wanted), network._arrow(ids))
    assert (network.codes(wanted, ids) == expected).all()
    assert (network.codes(wanted.iloc[:50], ids) == expected[:50]).all()         # a few: one scan of the set


def test_first_rows():
    n = network._HASHED_FROM                    # large enough for the sort of the keys
    distinct = pd.Series([f"id-{i}" for i in range(n)], dtype="str")
    assert (network.first_rows(distinct) == np.arange(n)).all()
    repeated = pd.concat([distinct, distinct.iloc[:5]], ignore_index=True)
    assert network.first_rows(repeated).tolist()[-5:] == [0, 1, 2, 3, 4]
    assert network.first_rows(["b", "a", "b", None, None]).tolist() == [0, 1, 0, 3, 3]


def test_text_rank_sorts_as_pandas_sorts():
    rng = random.Random(3)
    values = [rng.choice(_texts(rng, 6)) for _ in range(500)]
    series = pd.Series(values, dtype="str")
    for repeated in (False, True):
        rank = frames.text_rank(series, repeated=repeated)
        order = np.lexsort((np.arange(len(series)), rank))
        assert series.iloc[order].tolist() == series.sort_values(kind="stable").tolist()
        assert (rank[series.isna().to_numpy()] == rank.max()).all()


def test_lookup_is_map():
    mapper = pd.Series(["up", "down", None], index=pd.Index(["N1", "N2", "N3"], dtype="str"), dtype="str")
    keys = pd.Series(["N2", "N9", None, "N1", "N3"], dtype="str")
    pd.testing.assert_series_equal(pd.Series(frames.lookup(keys, mapper)), keys.map(mapper))
    ints = pd.Series([1, 2], index=["a", "b"])
    pd.testing.assert_series_equal(pd.Series(frames.lookup(pd.Series(["b", "x"]), ints)), pd.Series(["b", "x"]).map(ints))
    flags = pd.Series([True, False], index=["a", "b"])
    assert list(frames.lookup(["a", "b", "c"]
                              , flags)[:2]) == [True, False] and pd.isna(frames.lookup(["c"], flags)[0])


def _primary_by_sorting(firms: pd.DataFrame, firm_nodes: pd.DataFrame) -> pd.Series:
    primary = (firm_nodes.sort_values(["firm_id", "share", "node_id"], ascending=[True, False, True])
               .drop_duplicates("firm_id")[["firm_id", "node_id"]])
    return firms[["firm_id"]].merge(primary, on="firm_id", how="left")["node_id"]


@pytest.mark.parametrize("missing_shares", [False, True])
def test_primary_nodes_as_sorting_gives_it(missing_shares):
    rng = np.random.default_rng(1)
    for _ in range(30):
        firms = pd.DataFrame({"firm_id": pd.Series([f"F{i}" for i in rng.integers(0, 40, 30)], dtype="str")})
        rows = 80
        links = pd.DataFrame({"firm_id": pd.Series([f"F{i}" for i in rng.integers(0, 45, rows)], dtype="str"),
                              "node_id": pd.Series([f"N{i}" for i in rng.integers(0, 6, rows)], dtype="str"),
                              "share": rng.choice([0.2, 0.5, 0.5, 1.0], rows)})
        if missing_shares:
            links.loc[rng.random(rows) < 0.2, "share"] = np.nan
        got = pd.Series(primary_nodes(firms, links), name="node_id")
        pd.testing.assert_series_equal(got, _primary_by_sorting(firms, links))


@pytest.mark.parametrize("missing", [False, True])
def test_top_rows_as_sorting_gives_them(missing):
    rng = np.random.default_rng(2)
    for _ in range(30):
        rows = 60
        node = rng.integers(-1, 5, rows)
        output = rng.choice([1.0, 2.0, 2.0, 3.0], rows)
        capability = rng.choice([0.4, 0.8, 0.8], rows)
        if missing:
            output[rng.random(rows) < 0.2] = np.nan
        firm = pd.Series([f"F{i}" for i in rng.integers(0, 9, rows)], dtype="str")
        frame = pd.DataFrame({"node": node, "output": output, "capability": capability, "firm_id": firm,
                              "row": np.arange(rows)})
        first = (frame[frame["node"] >= 0].sort_values(["node", "output", "capability", "firm_id"],
                                                       ascending=[True, False, False, True], kind="stable")
                 .drop_duplicates("node").set_index("node")["row"].reindex(range(5), fill_value=-1))
        assert G._top_rows(node, output, capability, firm, 5).tolist() == first.tolist()


def _random_tables(seed: int):
    """A small park with the awkward cases: links of firms outside the firms table, links to
    inner nodes, a candidate whose prefixed id is a firm's id, repeated links."""
    from ecolib.datasets import tiny

    t = {k: v.copy() for k, v in tiny().tables.items()}
    rng = np.random.default_rng(seed)
    leaves = t["chain_nodes"].loc[t["chain_nodes"]["is_leaf"], "node_id"].tolist()
    nodes = t["chain_nodes"]["node_id"].tolist()
    firm_ids = [f"P{i}" for i in range(40)] + ["candidate:C1"]
    t["firms"] = pd.DataFrame({
        "firm_id": firm_ids, "name": [f"Firm {i}" for i in range(len(firm_ids))],
        "local": rng.random(len(firm_ids)) < 0.8, "anchor": False, "zone": "Z",
        "output": np.where(rng.random(len(firm_ids)) < 0.2, np.nan, rng.integers(1, 5, len(firm_ids)) * 10.0),
        "employees": 1.0, "area": 1.0, "patents": 1.0,
        "status": np.where(rng.random(len(firm_ids)) < 0.1, "exited", "active"), "exit_month": None})
    rows = 120
    t["firm_nodes"] = pd.DataFrame({
        "firm_id": [rng.choice(firm_ids + ["OUT1", "OUT2"]) for _ in range(rows)],
        "node_id": [rng.choice(leaves if rng.random() < 0.9 else nodes) for _ in range(rows)],
        "capability": rng.choice([0.2, 0.5, 0.9], rows), "share": rng.choice([0.5, 1.0], rows)})
    t["candidates"] = pd.DataFrame({"firm_id": ["C1", "C2", "C2"], "name": ["c1", "c2", "c2"],
                                    "node_id": [leaves[0], leaves[1], leaves[-1]], "capability": [0.9, 0.6, 0.8]})
    return t


@pytest.mark.parametrize("seed", range(6))
def test_gene_map_with_firms_coded_once_is_the_gene_map(seed):
    t = _random_tables(seed)
    gm = G.gene_map(t, "2026-03")
    cov = G.coverage(t["chain_nodes"], t["firms"], t["firm_nodes"], month="2026-03")
    space = G.node_space(t["chain_nodes"], t["firm_nodes"], firms=t["firms"], candidates=t["candidates"],
                         chain_edges=t["chain_edges"])
    for name in ("nodes", "tree", "links"):
        pd.testing.assert_frame_equal(getattr(gm.coverage, name), getattr(cov, name), check_exact=True)
    assert gm.coverage.headline == cov.headline and gm.space.firms == space.firms
    pd.testing.assert_index_equal(gm.space.presence.locations, space.presence.locations)
    assert (gm.space.presence.data != space.presence.data).nnz == 0
    # the presence rows are the firms sorted by id, as pd.factorize(sort=True) of the ids gives them
    ok = t["firm_nodes"]["capability"] >= 0.3
    ids = t["firm_nodes"].loc[ok & t["firm_nodes"]["node_id"].isin(cov.nodes["node_id"]), "firm_id"]
    cands = "candidate:" + t["candidates"].loc[t["candidates"]["capability"] >= 0.3, "firm_id"]
    expected = pd.factorize(pd.concat([ids, cands]).astype(object), sort=True)[1]
    assert list(space.presence.locations) == list(expected)


def test_node_flows_in_one_product_are_the_three_products():
    """Sₓᵀ F Sₓ's blocks are, cell by cell, Sᵀ F S of each class of flows alone."""
    rng = np.random.default_rng(5)
    n, k, m = 60, 7, 900
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    base = network.FlowGraph(pa.array([f"F{i}" for i in range(n)]), rng.random(n) < 0.7, np.ones(n, bool),
                             np.ones(n), src, dst, np.round(rng.lognormal(3, 2, m), 2), ["2026-01"])
    S = sp.csr_matrix((rng.choice([0.25, 0.5, 1.0], 2 * n), (np.repeat(np.arange(n), 2), rng.integers(0, k, 2 * n))),
                      shape=(n, k))
    loc_s, loc_d = base.local[src], base.local[dst]
    for got, mask in zip(vs._z_by_class(base, S), (loc_s & loc_d, ~loc_s & loc_d, loc_s & ~loc_d)):
        F = base.matrix(mask)
        assert np.array_equal(got, np.asarray((S.T @ (F @ S)).todense()))


def test_product_is_scipys():
    """The sparse product without scipy's counting pass: the same entries, bit for bit."""
    rng = np.random.default_rng(0)
    for t in range(100):
        m, k, n = (int(x) for x in rng.integers(1, 30, 3))
        A = sp.random(m, k, density=float(rng.random()), random_state=t, format="csr")
        B = sp.random(k, n, density=float(rng.random()), random_state=t + 1000, format="csr")
        expected, got = A @ B, vs._product(A, B)
        assert (expected != got).nnz == 0 and np.array_equal(np.sort(expected.data), np.sort(got.data))


def test_loader_numbers_as_pandas_reads_them():
    texts = ["1", "-0", "0.1", "1e5", "2.2250738585072011e-308", "123456789012345678901", "", "inf", "nan",
             "007", ".5", "5."]
    series = pd.Series(texts, dtype="str")
    got = L._arrow_numbers(series)
    expected = pd.to_numeric(series, errors="coerce").to_numpy("float64")
    assert np.array_equal(got, expected, equal_nan=True) and (np.signbit(got) == np.signbit(expected)).all()
    assert L._arrow_numbers(pd.Series(["+9E24"], dtype="str")) is None      # left to pandas
    assert L._arrow_numbers(pd.Series(["1", "x"], dtype="str")) is None


def test_loader_trim_keeps_an_untouched_column_as_it_is():
    clean = pa.array(["a", "b c"])
    assert L._trim(clean) is clean
    assert L._trim(pa.array([" a", None, "b\u3000"])).to_pylist() == ["a", "", "b"]
