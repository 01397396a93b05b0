"""Tests for ecolib.analyses.iotable (textbook example, China 2020 table, edge cases)
and the shipped China input-output dataset loader."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecolib.analyses import iotable as io
from ecolib.datasets.china_io import IOTable, available_years, load_china_io

FIX = Path(__file__).parent / "fixtures" / "io_textbook"

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


# --------------------------------------------------------------------------------------
# Miller & Blair two-sector example
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mb() -> dict:
    return json.loads((FIX / "miller_blair.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mb_zx(mb):
    st = mb["stated_in_fixture"]
    labels = mb["sectors"]
    Z = pd.DataFrame(st["Z"]["value"], index=labels, columns=labels)
    x = pd.Series(st["x_total_output"]["value"], index=labels)
    return Z, x


def test_textbook_A_L(mb, mb_zx):
    st = mb["stated_in_fixture"]
    Z, x = mb_zx
    A = io.technical_coefficients(Z, x)
    np.testing.assert_allclose(A.to_numpy(), st["A_expected"]["value"], rtol=1e-12)
    L = io.leontief_inverse(A)
    np.testing.assert_allclose(L.to_numpy(), st["L_expected"]["value"], rtol=1e-5)  # fixture's tolerance
    exact = [[float(Fraction(v)) for v in row] for row in mb["derived_here_not_in_fixture"]["L_exact_fractions"]]
    np.testing.assert_allclose(L.to_numpy(), exact, rtol=1e-12)
    assert list(L.index) == list(L.columns) == mb["sectors"]
    model = io.io_model(Z, x)
    np.testing.assert_allclose(model.f, st["f_final_demand"]["value"], rtol=1e-12)
    pd.testing.assert_series_equal(io.final_demand(Z, x), model.f)
    np.testing.assert_allclose(model.L.to_numpy() @ model.f.to_numpy(), x, rtol=1e-12)  # x = L f
    # the book's f_new example: L · (600, 1500) ≈ x_new
    np.testing.assert_allclose(model.L.to_numpy() @ [600.0, 1500.0], st["x_new"]["value"], rtol=1e-4)


def test_textbook_ghosh(mb_zx):
    Z, x = mb_zx
    model = io.io_model(Z, x)
    xv = x.to_numpy()
    np.testing.assert_allclose(model.B.to_numpy(), [[0.15, 0.5], [0.1, 0.05]], rtol=1e-12)
    pd.testing.assert_frame_equal(io.allocation_coefficients(Z, x), model.B)
    pd.testing.assert_frame_equal(io.ghosh_inverse(model.B), model.G)
    # G = x̂⁻¹ L x̂
    np.testing.assert_allclose(model.G.to_numpy(), model.L.to_numpy() * xv[None, :] / xv[:, None], rtol=1e-12)


def test_textbook_linkages_by_hand(mb_zx):
    Z, x = mb_zx
    lk = io.linkages(Z, x)
    assert list(lk.columns) == ["BL", "FL", "FL_ghosh", "quadrant", "extraction_loss", "extraction_share"]
    # L = [[380, 100], [80, 340]] / 303: column sums 460, 440; row sums 480, 420; total 900
    # mean of all cells = 900 / 303 / 4 = 225 / 303
    np.testing.assert_allclose(lk.BL, [230 / 225, 220 / 225], rtol=1e-12)
    np.testing.assert_allclose(lk.FL, [240 / 225, 210 / 225], rtol=1e-12)
    # G = x̂⁻¹ L x̂ = [[380, 200], [40, 340]] / 303: row sums 580, 380; total 960 (mean 240/303)
    np.testing.assert_allclose(lk.FL_ghosh, [290 / 240, 190 / 240], rtol=1e-12)
    assert lk.quadrant.tolist() == ["key", "weak"]
    pd.testing.assert_frame_equal(io.rasmussen(io.leontief_inverse(io.technical_coefficients(Z, x))), lk[["BL", "FL"]])


def test_textbook_extraction_by_hand(mb_zx):
    Z, x = mb_zx
    # f = (350, 1700); extracting sec1 leaves x = (350, 1700 / (1 − 0.05)),
    # extracting sec2 leaves x = (350 / (1 − 0.15), 1700)
    loss1 = 3000 - 350 - 1700 / 0.95
    loss2 = 3000 - 1700 - 350 / 0.85
    for method in ["closed_form", "direct"]:
        h = io.hypothetical_extraction(Z, x, method=method)
        np.testing.assert_allclose(h.extraction_loss, [loss1, loss2], rtol=1e-12)
        np.testing.assert_allclose(h.extraction_share, [loss1 / 3000, loss2 / 3000], rtol=1e-12)
    lk = io.linkages(Z, x)
    np.testing.assert_allclose(lk.extraction_loss, [loss1, loss2], rtol=1e-12)


def _direct_extraction(Z: np.ndarray, x: np.ndarray, k: int) -> float:
    """Recompute one extraction from scratch, straight from the definition."""
    A = Z / x[None, :]
    f = x - Z.sum(axis=1)
    Ak = A.copy()
    Ak[k, :] = 0
    Ak[:, k] = 0
    return x.sum() - np.linalg.solve(np.eye(len(x)) - Ak, f).sum()


def test_extraction_closed_form_equals_direct_random():
    rng = np.random.default_rng(1)
    n = 12
    Z = rng.random((n, n)) * (rng.random((n, n)) < 0.7)
    x = Z.sum(axis=0) / rng.uniform(0.3, 0.8, n) + 1.0  # column sums of A in (0.3, 0.8)
    x = np.maximum(x, Z.sum(axis=1) + 0.5)  # non-negative final demand
    lk = io.linkages(Z, x)
    expected = [_direct_extraction(Z, x, k) for k in range(n)]
    np.testing.assert_allclose(lk.extraction_loss, expected, rtol=1e-10)
    np.testing.assert_allclose(io.hypothetical_extraction(Z, x, method="direct").extraction_loss, expected, rtol=1e-12)


# --------------------------------------------------------------------------------------
# China 2020 table
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def china() -> IOTable:
    return load_china_io(2020)


def test_china_loader(china):
    assert 2020 in available_years()
    assert china.year == 2020 and china.unit == "10,000 CNY" and not china.competitive
    codes = [f"{i:02d}" for i in range(1, 43)]
    assert china.Z.shape == (42, 42)
    assert list(china.Z.index) == codes and list(china.Z.columns) == codes
    for s in [china.x, china.f, china.imports, china.value_added, china.total_input, china.names_en, china.names_zh]:
        assert list(s.index) == codes
    assert china.names_en["01"].startswith("Agriculture") and china.names_zh["01"] == "农林牧渔产品和服务"
    # domestic gross output equals the total-input row (column balance)
    np.testing.assert_allclose(china.x, china.total_input, rtol=1e-12)
    # row balance x = Z·1 + f, and f is the sum of its components
    np.testing.assert_allclose(china.Z.sum(axis=1) + china.f, china.x, rtol=1e-12)
    np.testing.assert_allclose(china.final_demand.sum(axis=1), china.f, rtol=1e-12)
    # column balance with imported inputs and value added
    np.testing.assert_allclose(china.Z.sum(axis=0) + china.Z_imports.sum(axis=0) + china.value_added, china.x, rtol=1e-12)
    np.testing.assert_allclose(china.value_added_detail.sum(axis=1), china.value_added, rtol=1e-12)
    # aggregates from the data README (10,000 CNY)
    np.testing.assert_allclose(china.x.sum(), 2.699028e10, rtol=1e-6)
    np.testing.assert_allclose(china.imports.sum(), 1.626592e9, rtol=1e-6)
    np.testing.assert_allclose(china.value_added.sum(), 1.016422e10, rtol=1e-6)
    assert (china.imports[["25", "26", "28", "33", "39"]] == 0).all()


def test_china_competitive(china):
    comp = load_china_io(2020, competitive=True)
    assert comp.competitive
    pd.testing.assert_frame_equal(comp.Z, china.Z + china.Z_imports)
    pd.testing.assert_series_equal(comp.x, china.x)
    # x = Z·1 + f − imports
    np.testing.assert_allclose(comp.Z.sum(axis=1) + comp.f - comp.imports, comp.x, rtol=1e-12)
    A = io.technical_coefficients(comp.Z, comp.x)
    assert (A.sum(axis=0) < 1).all()
    lk = io.linkages(comp.Z, comp.x)
    np.testing.assert_allclose(lk.BL.mean(), 1.0, rtol=1e-12)


def test_china_unknown_year():
    with pytest.raises(ValueError, match="available"):
        load_china_io(1999)


def test_china_linkages(china):
    model = io.io_model(china.Z, china.x)
    A, L = model.A.to_numpy(), model.L.to_numpy()
    assert np.isfinite(A).all() and (A >= 0).all()
    assert (A.sum(axis=0) < 1).all()
    assert (L >= 0).all() and (np.diag(L) >= 1).all()
    np.testing.assert_allclose(model.f, china.f, rtol=1e-9)
    np.testing.assert_allclose(L @ model.f.to_numpy(), china.x, rtol=1e-9)
    lk = io.linkages(china.Z, china.x)
    assert lk.shape == (42, 6) and list(lk.index) == list(china.Z.index)
    for col in ["BL", "FL", "FL_ghosh"]:
        np.testing.assert_allclose(lk[col].mean(), 1.0, rtol=1e-12)
    assert set(lk.quadrant) <= set(io.QUADRANTS)
    key = (lk.BL > 1) & (lk.FL > 1)
    assert (lk.quadrant[key] == "key").all() and (lk.quadrant[~key] != "key").all()
    assert ((lk.extraction_share >= 0) & (lk.extraction_share <= 1)).all()
    assert lk.loc["27", "quadrant"] in {"key", "backward-oriented"}  # construction pulls on inputs
    # extraction equals a direct recomputation for some sectors
    z, x = china.Z.to_numpy(), china.x.to_numpy()
    for k in [0, 13, 26, 41]:
        np.testing.assert_allclose(lk.extraction_loss.iloc[k], _direct_extraction(z, x, k), rtol=1e-9)
    np.testing.assert_allclose(lk.extraction_share, lk.extraction_loss / x.sum(), rtol=1e-12)


# --------------------------------------------------------------------------------------
# edge cases and input handling
# --------------------------------------------------------------------------------------
def test_empty_table():
    lk = io.linkages(np.zeros((0, 0)), np.zeros(0))
    assert lk.empty and list(lk.columns) == ["BL", "FL", "FL_ghosh", "quadrant", "extraction_loss", "extraction_share"]
    assert io.leontief_inverse(np.zeros((0, 0))).shape == (0, 0)
    assert io.hypothetical_extraction(pd.DataFrame(), pd.Series(dtype=float)).empty


def test_zero_output_sector(mb_zx):
    Z, x = mb_zx
    Z3 = Z.reindex(index=["sec1", "sec2", "idle"], columns=["sec1", "sec2", "idle"], fill_value=0.0)
    x3 = pd.concat([x, pd.Series({"idle": 0.0})])
    A = io.technical_coefficients(Z3, x3)
    assert (A["idle"] == 0).all() and np.isfinite(A.to_numpy()).all()
    assert (io.allocation_coefficients(Z3, x3).loc["idle"] == 0).all()
    lk = io.linkages(Z3, x3)
    assert np.isfinite(lk[["BL", "FL", "FL_ghosh", "extraction_loss", "extraction_share"]].to_numpy()).all()
    assert lk.loc["idle", "extraction_loss"] == 0 and lk.loc["idle", "quadrant"] == "weak"
    # the other sectors keep their extraction losses
    np.testing.assert_allclose(lk.extraction_loss[["sec1", "sec2"]], io.linkages(Z, x).extraction_loss, rtol=1e-12)
    L = io.leontief_inverse(A)
    np.testing.assert_allclose(L["idle"], [0, 0, 1])


def test_all_zero_table():
    lk = io.linkages(np.zeros((3, 3)), np.zeros(3))
    np.testing.assert_allclose(lk.BL, 1.0)
    np.testing.assert_allclose(lk.extraction_share, 0.0)
    assert (lk.quadrant == "weak").all()


def test_singular_raises():
    Z = np.array([[0.0, 10.0], [10.0, 0.0]])  # each sector's whole output is the other's input
    with pytest.raises(ValueError, match="singular or ill-conditioned"):
        io.linkages(Z, np.array([10.0, 10.0]))
    with pytest.raises(ValueError, match="singular or ill-conditioned"):
        io.leontief_inverse(np.eye(3))


def test_bad_input():
    with pytest.raises(ValueError, match="square"):
        io.linkages(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="same sector labels"):
        io.linkages(pd.DataFrame(np.eye(2), index=["a", "b"], columns=["a", "c"]), np.ones(2))
    with pytest.raises(ValueError, match="x has"):
        io.linkages(np.eye(2) * 0.1, np.ones(3))
    with pytest.raises(ValueError, match="≥ 0"):
        io.linkages(np.eye(2) * 0.1, np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="NaN"):
        io.linkages(np.array([[np.nan, 0], [0, 0]]), np.ones(2))
    with pytest.raises(ValueError, match="method"):
        io.hypothetical_extraction(np.zeros((1, 1)), np.ones(1), method="other")


def test_label_alignment(mb_zx):
    Z, x = mb_zx
    ref = io.linkages(Z, x)
    shuffled = io.linkages(Z[["sec2", "sec1"]], x[["sec2", "sec1"]])
    pd.testing.assert_frame_equal(shuffled, ref)
    arr = io.linkages(Z.to_numpy(), x.to_numpy())
    np.testing.assert_allclose(arr.BL, ref.BL.to_numpy())
