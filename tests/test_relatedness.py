"""Tests for ecolib.analyses.relatedness against the Stata ecomplexity ground truth and by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from ecolib.analyses import relatedness as R

FIX = Path(__file__).parent / "fixtures" / "ecomplexity"
YEARS = [1995, 1996]
RTOL, ATOL = 1e-6, 1e-9

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


# --------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------
def _load_trade() -> pd.DataFrame:
    df = pd.read_csv(FIX / "trade_data_sample.csv")
    # Stata stores the value as float32; feed the same numbers
    df["export_val"] = df["export_val"].astype(np.float32).astype(np.float64)
    return df


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    return _load_trade()


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return pd.read_csv(FIX / "stata_ground_truth.csv")


@pytest.fixture(scope="module")
def panel(trade) -> pd.DataFrame:
    return R.complexity_panel(trade, location="origin", activity="hs92", value="export_val", time="year")


def _wide(trade: pd.DataFrame, year: int) -> pd.DataFrame:
    return trade[trade.year == year].pivot(index="origin", columns="hs92", values="export_val")


COLUMNS = ["rca", "M", "density", "eci", "pci", "diversity", "ubiquity", "coi", "cog"]


# --------------------------------------------------------------------------------------
# Stata ground truth
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("column", COLUMNS)
def test_panel_matches_stata(panel, truth, year, column):
    merged = truth[truth.year == year].merge(
        panel, on=["year", "origin", "hs92"], how="left", suffixes=("_stata", ""), validate="1:1"
    )
    assert len(merged) == 300
    np.testing.assert_allclose(
        merged[column].to_numpy(float), merged[f"{column}_stata"].to_numpy(float), rtol=RTOL, atol=ATOL
    )


def test_panel_shape_and_columns(panel, trade):
    assert len(panel) == len(trade)
    assert list(panel.columns) == ["year", "origin", "hs92", "export_val", *COLUMNS]
    assert panel["M"].dtype == np.int64 and panel["diversity"].dtype == np.int64


@pytest.mark.parametrize("year", YEARS)
def test_wide_interface_matches_stata(trade, truth, year):
    res = R.complexity(_wide(trade, year))
    assert res.notes == ()
    long = res.to_long(location="origin", activity="hs92")
    merged = truth[truth.year == year].merge(long, on=["origin", "hs92"], suffixes=("_stata", ""))
    assert len(merged) == 300
    for column in COLUMNS:
        np.testing.assert_allclose(merged[column], merged[f"{column}_stata"], rtol=RTOL, atol=ATOL)
    # individual functions agree with the bundle
    pd.testing.assert_frame_equal(R.rca(_wide(trade, year)), res.rca)
    M = R.presence(_wide(trade, year))
    pd.testing.assert_frame_equal(M, res.M)
    pd.testing.assert_series_equal(R.diversity(M), res.diversity)
    pd.testing.assert_series_equal(R.ubiquity(M), res.ubiquity)
    pd.testing.assert_frame_equal(R.density(M), res.density)
    pd.testing.assert_series_equal(R.eci(M), res.eci)
    pd.testing.assert_series_equal(R.pci(M), res.pci)
    pd.testing.assert_series_equal(R.coi(M), res.coi)
    pd.testing.assert_frame_equal(R.cog(M), res.cog)


@pytest.mark.parametrize("year", YEARS)
def test_sparse_interface_matches_dense(trade, year):
    sub = trade[trade.year == year]
    lm = R.from_long(sub, location="origin", activity="hs92", value="export_val", sparse=True)
    assert isinstance(lm, R.LabeledMatrix)
    dense = R.complexity(_wide(trade, year))
    sparse = R.complexity(lm)
    assert isinstance(sparse.rca, R.LabeledMatrix) and isinstance(sparse.M, R.LabeledMatrix)
    np.testing.assert_allclose(sparse.rca.data.toarray(), dense.rca.to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(sparse.M.data.toarray(), dense.M.to_numpy())
    for name in ["density", "cog", "proximity"]:
        np.testing.assert_allclose(getattr(sparse, name), getattr(dense, name), rtol=1e-10, atol=1e-12)
    for name in ["eci", "pci", "coi", "diversity", "ubiquity"]:
        np.testing.assert_allclose(getattr(sparse, name), getattr(dense, name), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "kind,fname",
    [("symmetric", "discrete_sym"), ("asymmetric", "discrete_asym"), ("continuous", "continuous")],
)
@pytest.mark.parametrize("block,year", list(enumerate(YEARS)))
def test_proximity_matches_stata(trade, truth, kind, fname, block, year):
    px = pd.read_csv(FIX / f"stata_proximity_{fname}.csv").iloc[block * 900 : (block + 1) * 900]
    expected = px.pivot(index="hs92_1", columns="hs92_2", values="proximity")
    g = truth[truth.year == year]
    source = g.pivot(index="origin", columns="hs92", values="rca" if kind == "continuous" else "M")
    got = R.proximity(source, kind=kind)
    got = got.loc[expected.index, expected.columns]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=RTOL, atol=ATOL)
    # also via complexity() from the raw values
    res = R.complexity(_wide(trade, year), proximity_kind=kind)
    np.testing.assert_allclose(
        res.proximity.loc[expected.index, expected.columns].to_numpy(), expected.to_numpy(), rtol=RTOL, atol=ATOL
    )


def test_eci_identities(trade):
    for year in YEARS:
        res = R.complexity(_wide(trade, year))
        M = res.M.to_numpy()
        # ECI is the mean PCI of the present activities
        np.testing.assert_allclose(res.eci, (M @ res.pci.to_numpy()) / M.sum(axis=1), rtol=1e-12)
        # standardised over the 300 cells with ddof=1
        cells = np.repeat(res.eci.to_numpy(), M.shape[1])
        assert abs(cells.mean()) < 1e-12
        np.testing.assert_allclose(cells.std(ddof=1), 1.0, rtol=1e-12)
        assert np.corrcoef(res.eci, res.diversity)[0, 1] > 0
        # kbar = mean PCI over M = 1 cells = diversity-weighted mean ECI
        np.testing.assert_allclose(res.kbar, np.average(res.eci, weights=res.diversity), rtol=1e-12)


# --------------------------------------------------------------------------------------
# reference eigenvector implementation (definition, non-symmetric eig), both branches
# --------------------------------------------------------------------------------------
def _reference_eci(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    kc0, kp0 = M.sum(1), M.sum(0)
    Mt = (M / kp0[None, :]).T @ (M / kc0[:, None])  # M̃_pp' = Σ_c M_cp M_cp' / (k_c k_p)
    vals, vecs = np.linalg.eig(Mt)
    order = np.argsort(-vals.real)
    kp = vecs[:, order[1]].real
    kc = (M / kc0[:, None]) @ kp
    if np.corrcoef(kc, kc0)[0, 1] < 0:
        kc, kp = -kc, -kp
    s = np.repeat(kc, M.shape[1]).std(ddof=1)
    return (kc - kc.mean()) / s, (kp - kc.mean()) / s


@pytest.mark.parametrize("shape", [(60, 25), (25, 60)])  # activity-side and location-side branch
def test_eci_matches_reference_definition(shape):
    rng = np.random.default_rng(3)
    X = rng.lognormal(0, 1.5, shape) * (rng.random(shape) < 0.6)
    X[:, 0] += 1.0
    X[0, :] += 1.0
    res = R.complexity(X)
    M = res.M.to_numpy().astype(float)
    assert (M.sum(0) > 0).all() and (M.sum(1) > 0).all()
    e, p = _reference_eci(M)
    np.testing.assert_allclose(res.eci, e, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(res.pci, p, rtol=1e-8, atol=1e-10)
    # sparse path gives the same
    sres = R.complexity(sp.csr_array(X))
    np.testing.assert_allclose(sres.eci, res.eci, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sres.cog, res.cog, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sres.coi, res.coi, rtol=1e-10, atol=1e-12)


def test_continuous_sparse_equals_dense():
    rng = np.random.default_rng(5)
    X = rng.lognormal(0, 1, (40, 12)) * (rng.random((40, 12)) < 0.5)
    r = R.rca(X)
    dense = R.proximity(r, kind="continuous")
    sparse = R.proximity(R.rca(sp.csr_array(X)), kind="continuous")
    np.testing.assert_allclose(sparse.to_numpy(), dense.to_numpy(), rtol=1e-9, atol=1e-12)
    expected = (1 + np.corrcoef(r.to_numpy().T)) / 2
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(dense.to_numpy(), expected, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------------------
# hand-computed 3 × 3 case
# --------------------------------------------------------------------------------------
HAND_X = pd.DataFrame(
    [[4.0, 0.0, 2.0], [1.0, 3.0, 0.0], [1.0, 1.0, 2.0]], index=["a", "b", "c"], columns=["p", "q", "r"]
)


def test_hand_rca_presence():
    # row sums 6, 4, 4; column sums 6, 4, 4; total 14; RCA = X · 14 / (row · col)
    expected = np.array(
        [[14 / 9, 0.0, 7 / 6], [7 / 12, 21 / 8, 0.0], [7 / 12, 7 / 8, 7 / 4]]
    )
    np.testing.assert_allclose(R.rca(HAND_X).to_numpy(), expected, rtol=1e-15)
    M = R.presence(HAND_X)
    np.testing.assert_array_equal(M.to_numpy(), [[1, 0, 1], [0, 1, 0], [0, 0, 1]])
    assert R.diversity(M).tolist() == [2, 1, 1]
    assert R.ubiquity(M).tolist() == [1, 1, 2]
    # threshold
    np.testing.assert_array_equal(R.presence(HAND_X, threshold=2).to_numpy(), [[0, 0, 0], [0, 1, 0], [0, 0, 0]])


def test_hand_proximity_density():
    M = R.presence(HAND_X)
    # co-occurrence: only p and r together (location a); k = (1, 1, 2)
    sym = R.proximity(M)
    np.testing.assert_allclose(sym.to_numpy(), [[0, 0, 0.5], [0, 0, 0], [0.5, 0, 0]])
    asym = R.proximity(M, kind="asymmetric")  # row i: C_ij / k_i
    np.testing.assert_allclose(asym.to_numpy(), [[0, 0, 1.0], [0, 0, 0], [0.5, 0, 0]])
    dens = R.density(M)
    # ω_cp = Σ_p' M_cp' φ_p'p / Σ_p' φ_p'p ; column sums of φ = (0.5, 0, 0.5); q has none → 0
    np.testing.assert_allclose(dens.to_numpy(), [[1, 0, 1], [0, 0, 0], [1, 0, 0]])
    assert list(dens.index) == ["a", "b", "c"] and list(dens.columns) == ["p", "q", "r"]
    # density for one profile, three input forms
    for profile in [{"r"}, pd.Series({"r": 1}), np.array([0, 0, 1])]:
        d = R.density_for_profile(profile, sym)
        assert d.name == "density"
        np.testing.assert_allclose(d.to_numpy(), [1.0, 0.0, 0.0])
    pd.testing.assert_series_equal(
        R.density_for_profile(M.loc["a"], sym), dens.loc["a"].rename("density"), check_names=True
    )
    # asymmetric density: column normalisation
    np.testing.assert_allclose(R.density(M, asym).to_numpy(), [[1, 0, 1], [0, 0, 0], [1, 0, 0]])


def test_density_for_profile_bad_labels():
    sym = R.proximity(R.presence(HAND_X))
    with pytest.raises(ValueError, match="not in proximity"):
        R.density_for_profile({"zz"}, sym)
    with pytest.raises(ValueError, match="length"):
        R.density_for_profile(np.array([1, 0]), sym)


# --------------------------------------------------------------------------------------
# edge cases
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def base() -> pd.DataFrame:
    return _wide(_load_trade(), 1995)


def test_activity_nobody_has(base):
    X = base.copy()
    X["9999"] = 0.0
    res, ref = R.complexity(X), R.complexity(base)
    assert res.ubiquity["9999"] == 0
    assert (res.rca["9999"] == 0).all() and (res.density["9999"] == 0).all()
    assert np.isnan(res.pci["9999"])
    assert (res.proximity["9999"] == 0).all() and (res.proximity.loc["9999"] == 0).all()
    assert (res.cog["9999"] == 0).all()
    # everything else is unchanged (zero column excluded from the cells of s)
    np.testing.assert_allclose(res.eci, ref.eci, rtol=1e-12)
    np.testing.assert_allclose(res.pci.drop("9999"), ref.pci, rtol=1e-12)
    np.testing.assert_allclose(res.coi, ref.coi, rtol=1e-12)
    np.testing.assert_allclose(res.cog.drop(columns="9999"), ref.cog, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(res.density.drop(columns="9999"), ref.density, rtol=1e-12)


def test_location_with_no_activity(base):
    X = pd.concat([base, pd.DataFrame(0.0, index=["zzz"], columns=base.columns)])
    res, ref = R.complexity(X), R.complexity(base)
    assert res.diversity["zzz"] == 0
    assert (res.rca.loc["zzz"] == 0).all() and (res.density.loc["zzz"] == 0).all()
    assert np.isnan(res.eci["zzz"]) and np.isnan(res.coi["zzz"])
    assert np.isfinite(res.cog.loc["zzz"]).all()
    np.testing.assert_allclose(res.eci.drop("zzz"), ref.eci, rtol=1e-12)
    np.testing.assert_allclose(res.pci, ref.pci, rtol=1e-12)
    np.testing.assert_allclose(res.coi.drop("zzz"), ref.coi, rtol=1e-12)
    np.testing.assert_allclose(res.cog.drop("zzz"), ref.cog, rtol=1e-12, atol=1e-15)


def test_activity_everybody_has(base):
    M = R.presence(base)
    M["ALL"] = 1
    res = R.complexity(None, M=M)
    assert res.rca is None
    assert res.ubiquity["ALL"] == len(M)
    assert np.isfinite(res.eci).all() and np.isfinite(res.pci).all() and np.isfinite(res.coi).all()
    assert (res.cog["ALL"] == 0).all()
    # values: a column proportional to the row totals has RCA exactly 1 everywhere
    X = base.copy()
    X["ALL"] = X.sum(axis=1)
    res2 = R.complexity(X)
    np.testing.assert_allclose(res2.rca["ALL"], 1.0, rtol=1e-12)


def test_one_location():
    X = pd.DataFrame([[1.0, 0.0, 3.0]], index=["only"], columns=list("pqr"))
    res = R.complexity(X)
    np.testing.assert_array_equal(res.rca.to_numpy(), [[1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(res.M.to_numpy(), [[1, 0, 1]])
    assert res.eci.isna().all() and res.pci.isna().all() and res.coi.isna().all() and res.cog.isna().all().all()
    assert any("at least 2" in n for n in res.notes)
    assert R.eci(res.M).attrs["note"].startswith("ECI/PCI undefined")


@pytest.mark.parametrize("shape", [(0, 0), (0, 4), (4, 0)])
def test_empty_matrix(shape):
    for X in [np.zeros(shape), pd.DataFrame(np.zeros(shape)), sp.csr_array(shape)]:
        res = R.complexity(X)
        assert res.density.shape == shape and res.cog.shape == shape
        assert res.proximity.shape == (shape[1], shape[1])
        assert len(res.eci) == shape[0] and len(res.pci) == shape[1]
        assert len(res.to_long()) == 0
    assert R.rca(np.zeros(shape)).shape == shape


def test_all_zero_matrix():
    res = R.complexity(np.zeros((3, 4)))
    assert (res.rca.to_numpy() == 0).all() and (res.M.to_numpy() == 0).all()
    assert (res.density.to_numpy() == 0).all()
    assert res.eci.isna().all() and res.notes


def test_identical_locations_undefined():
    res = R.complexity(np.ones((4, 3)))
    assert res.eci.isna().all() and res.pci.isna().all()
    assert any("no second non-trivial eigenvalue" in n for n in res.notes)


def test_disconnected_network_noted():
    res = R.complexity(np.eye(3) * 5)
    assert np.isfinite(res.eci).all()
    assert any("disconnected" in n for n in res.notes)


def test_bad_input():
    with pytest.raises(ValueError, match="negative"):
        R.rca(np.array([[1.0, -1.0]]))
    with pytest.raises(ValueError, match="NaN"):
        R.rca(pd.DataFrame([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="0/1"):
        R.diversity(np.array([[0.5, 1.0]]))
    with pytest.raises(ValueError, match="threshold"):
        R.presence(np.ones((2, 2)), threshold=0)
    with pytest.raises(ValueError, match="kind"):
        R.proximity(np.ones((2, 2)), kind="other")
    with pytest.raises(ValueError, match="continuous"):
        R.complexity(None, M=np.eye(2), proximity_kind="continuous")


def test_from_long_and_labels():
    df = pd.DataFrame(
        {"firm": ["f2", "f1", "f1", "f2"], "node": ["n1", "n1", "n2", "n1"], "v": [1.0, 2.0, 3.0, 4.0]}
    )
    wide = R.from_long(df, location="firm", activity="node", value="v")
    assert list(wide.index) == ["f1", "f2"] and list(wide.columns) == ["n1", "n2"]
    np.testing.assert_array_equal(wide.to_numpy(), [[2.0, 3.0], [5.0, 0.0]])  # duplicates summed
    lm = R.from_long(df, location="firm", activity="node", value="v", sparse=True)
    pd.testing.assert_frame_equal(lm.to_frame(), wide, check_names=False)
    count = R.from_long(df, location="firm", activity="node")
    np.testing.assert_array_equal(count.to_numpy(), [[1, 1], [2, 0]])
    # scipy input keeps working and returns a LabeledMatrix for sparse results
    out = R.rca(sp.csr_matrix(wide.to_numpy()))
    assert isinstance(out, R.LabeledMatrix)
    np.testing.assert_allclose(out.data.toarray(), R.rca(wide).to_numpy())


def test_input_not_mutated():
    X = sp.csr_array(np.array([[1.0, 0.0], [0.0, 2.0]]))
    before = X.toarray().copy()
    R.complexity(X)
    np.testing.assert_array_equal(X.toarray(), before)
    df = HAND_X.copy()
    R.complexity(df)
    pd.testing.assert_frame_equal(df, HAND_X)


def test_large_sparse_smoke():
    rng = np.random.default_rng(0)
    n, k = 20_000, 200
    rows = np.repeat(np.arange(n), 5)
    X = sp.csr_array(sp.coo_array((rng.random(n * 5), (rows, rng.integers(0, k, n * 5))), shape=(n, k)))
    M = R.presence(X)
    assert R.diversity(M).shape == (n,) and R.ubiquity(M).shape == (k,)
    res = R.complexity(X)
    assert np.isfinite(res.density.to_numpy()).all()
    assert np.isfinite(res.eci).sum() == (res.diversity > 0).sum()


def test_panel_without_time(trade, panel):
    one = trade[trade.year == 1996].drop(columns="year")
    out = R.complexity_panel(one, location="origin", activity="hs92", value="export_val")
    ref = panel[panel.year == 1996].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(out.reset_index(drop=True), ref)


# --------------------------------------------------------------------------------------
# long-table path = matrix path
# --------------------------------------------------------------------------------------
def _random_panel(seed: int = 21) -> pd.DataFrame:
    """Two years of a sparse 70 × 40 long table: ~15 % of the cells, duplicates, explicit zeros,
    a location with only zero values and labels that differ between the years."""
    rng = np.random.default_rng(seed)
    parts = []
    for year, n, k in [(2024, 70, 40), (2025, 60, 45)]:
        popularity = rng.beta(0.8, 4.0, k)
        r, c = np.nonzero(rng.random((n, k)) < popularity[None, :] + 0.05)
        v = rng.lognormal(3, 2, len(r))
        v[rng.random(len(r)) < 0.05] = 0.0
        part = pd.DataFrame({"year": year, "loc": [f"L{i:03d}" for i in r], "act": [f"A{j:02d}" for j in c],
                             "value": v})
        dup = part.sample(15, random_state=seed)
        parts += [part, dup.assign(value=dup["value"] / 3), pd.DataFrame({"year": [year], "loc": ["Lzero"],
                                                                            "act": ["A00"], "value": [0.0]})]
    return pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize("kind", ["symmetric", "asymmetric", "continuous"])
@pytest.mark.parametrize("block_cells", [None, 64])  # one block; many blocks of one location
def test_panel_equals_matrix_path(monkeypatch, kind, block_cells):
    if block_cells:
        monkeypatch.setattr(R, "_BLOCK_CELLS", block_cells)
    df = _random_panel()
    out = R.complexity_panel(df, location="loc", activity="act", value="value", time="year", proximity_kind=kind)
    agg = df.groupby(["year", "loc", "act"], sort=False)["value"].sum().reset_index()
    pd.testing.assert_frame_equal(out[["year", "loc", "act", "value"]], agg)
    assert set(out.attrs["notes"]) == {2024, 2025}
    for year, sub in out.groupby("year"):
        wide = R.from_long(df[df.year == year], location="loc", activity="act", value="value")
        assert (wide.loc["Lzero"] == 0).all()
        for X in [wide, R.from_long(df[df.year == year], location="loc", activity="act", value="value", sparse=True)]:
            res = R.complexity(X, proximity_kind=kind)
            assert out.attrs["notes"][year] == res.notes
            cells = res.to_long(location="loc", activity="act")
            merged = sub.merge(cells, on=["loc", "act"], how="left", suffixes=("", "_matrix"), validate="1:1")
            for column in COLUMNS:
                got, want = merged[column].to_numpy(float), merged[f"{column}_matrix"].to_numpy(float)
                if column in ("M", "diversity", "ubiquity"):
                    np.testing.assert_array_equal(got, want, err_msg=column)
                else:
                    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=column)


def test_panel_keeps_notes_per_period():
    df = pd.DataFrame({
        "t": [1, 1, 1, 2, 2, 2, 2, 3, 3],
        "loc": ["a", "a", "b", "a", "b", "c", "c", "a", "b"],
        "act": ["p", "q", "p", "p", "q", "p", "q", "p", "q"],
        "v": [1.0, 2.0, 3.0, 5.0, 5.0, 1.0, 1.0, 4.0, 4.0],
    })
    out = R.complexity_panel(df, location="loc", activity="act", value="v", time="t")
    notes = out.attrs["notes"]
    assert set(notes) == {1, 2, 3}
    for t in [1, 2, 3]:
        assert notes[t] == R.complexity(R.from_long(df[df.t == t], location="loc", activity="act", value="v")).notes
    assert any("disconnected" in n for n in notes[3])  # a has only p, b only q
    assert out.loc[out.t == 3, "eci"].notna().all()
    one = R.complexity_panel(df[df.t == 1], location="loc", activity="act", value="v")
    assert list(one.attrs["notes"]) == [None]
    empty = R.complexity_panel(df.iloc[:0], location="loc", activity="act", value="v", time="t")
    assert len(empty) == 0 and empty.attrs["notes"] == {}
    with pytest.raises(ValueError, match="negative"):
        R.complexity_panel(df.assign(v=-df.v), location="loc", activity="act", value="v", time="t")
    # a missing value counts 0 (summed by key, as before), with or without duplicate keys
    gap = df.assign(v=df.v.where(df.index != 4))
    zero = R.complexity_panel(df.assign(v=df.v.where(df.index != 4, 0.0)), location="loc", activity="act", value="v",
                              time="t")
    for table in [gap, pd.concat([gap, gap.iloc[[0]].assign(v=0.0)], ignore_index=True)]:
        got = R.complexity_panel(table, location="loc", activity="act", value="v", time="t")
        pd.testing.assert_frame_equal(got, zero)
        assert got.v[4] == 0.0 and got.rca[4] == 0.0 and got.M[4] == 0
    with pytest.raises(ValueError, match="threshold"):
        R.complexity_panel(df, location="loc", activity="act", value="v", threshold=0)


def test_panel_no_dense_location_activity_array(monkeypatch):
    """The long-table path allocates nothing of the size of the dense locations × activities
    matrix (about 40,000 × 400 = 120 MB in float64) for a table of 90,000 cells: its traced
    peak (about 200 bytes per cell of the table) stays under a quarter of that, while it equals
    the matrix path."""
    import tracemalloc

    rng = np.random.default_rng(4)
    n, k, m = 45_000, 400, 90_000
    df = pd.DataFrame({"loc": rng.integers(0, n, m), "act": rng.zipf(1.3, m) % k, "v": rng.lognormal(0, 1, m)})
    df = df.drop_duplicates(["loc", "act"]).reset_index(drop=True)
    n_loc, n_act = df["loc"].nunique(), df["act"].nunique()
    assert n_loc > 35_000 and n_act > 350
    monkeypatch.setattr(R, "_BLOCK_CELLS", 2**16)
    tracemalloc.start()
    try:
        out = R.complexity_panel(df, location="loc", activity="act", value="v")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < n_loc * n_act * 8 / 4, f"traced peak {peak / 2**20:.1f} MB"
    assert out.attrs["notes"] == {None: ()}
    res = R.complexity(R.from_long(df, location="loc", activity="act", value="v", sparse=True))
    r, c = res.diversity.index.get_indexer(out["loc"]), res.ubiquity.index.get_indexer(out["act"])
    expected = {
        "rca": res.rca.data[r, c], "M": res.M.data[r, c], "density": res.density.to_numpy()[r, c],
        "cog": res.cog.to_numpy()[r, c], "eci": res.eci.to_numpy()[r], "coi": res.coi.to_numpy()[r],
        "diversity": res.diversity.to_numpy()[r], "pci": res.pci.to_numpy()[c], "ubiquity": res.ubiquity.to_numpy()[c],
    }
    for column in COLUMNS:
        np.testing.assert_allclose(out[column], np.asarray(expected[column]).ravel(), rtol=1e-10, atol=1e-12,
                                   err_msg=column)


def test_column_blocked_product_is_exact(monkeypatch):
    """The sparse × dense product by column blocks (for cache) gives the same bits as scipy's."""
    rng = np.random.default_rng(8)
    m = sp.random_array((300, 200), density=0.05, format="csr", rng=rng)
    b = rng.random((200, 350))
    monkeypatch.setattr(R, "_SPMM_BLOCK_BYTES", 200 * 8 * 64)  # blocks of 64 columns
    blocks = R._ColumnBlocks(b)
    assert len(blocks.blocks) == 6
    np.testing.assert_array_equal(R._spmm(m, blocks), m @ b)
    np.testing.assert_array_equal(R._spmm(m, b[:, :10]), m @ b[:, :10])
