"""Tests for ecolib.analyses.iotable (textbook example, China 2020 table, edge cases)
and the shipped China input-output dataset loader."""

from __future__ import annotations

import os

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


# --------------------------------------------------------------------------------------
# x matched to Z by label (issue 15, part 5)
# --------------------------------------------------------------------------------------
def test_textbook_x_as_one_column_frame(mb, mb_zx):
    """x in pymrio's layout (a one-column DataFrame "indout") gives the book's A and L."""
    st = mb["stated_in_fixture"]
    Z, x = mb_zx
    xdf = x.to_frame("indout")
    A = io.technical_coefficients(Z, xdf)
    np.testing.assert_allclose(A.to_numpy(), st["A_expected"]["value"], rtol=1e-12)
    np.testing.assert_allclose(io.leontief_inverse(A).to_numpy(), st["L_expected"]["value"], rtol=1e-5)
    np.testing.assert_allclose(io.final_demand(Z, xdf.iloc[::-1]), st["f_final_demand"]["value"], rtol=1e-12)


def test_china_x_in_another_order(china):
    """A one-column DataFrame or a Series x in reverse order is matched by label, not by
    position (it used to be taken by position: BL off by up to 36)."""
    ref = io.linkages(china.Z, china.x)
    for x in [china.x.iloc[::-1].to_frame("output"), china.x.iloc[::-1], china.x.sample(frac=1.0, random_state=3)]:
        pd.testing.assert_frame_equal(io.linkages(china.Z, x), ref)
        model = io.io_model(china.Z, x)
        pd.testing.assert_series_equal(model.x, china.x.rename("x"), check_index_type=False)
        pd.testing.assert_frame_equal(io.hypothetical_extraction(china.Z, x), ref[["extraction_loss", "extraction_share"]])
    # a numpy array stays positional: reversed values are the reversed outputs
    rev = io.linkages(china.Z, china.x.to_numpy()[::-1].copy())
    pd.testing.assert_frame_equal(rev, io.linkages(china.Z, pd.Series(china.x.to_numpy()[::-1], index=china.Z.index)))
    assert not np.allclose(rev.BL, ref.BL)


def test_x_labels_must_match(china):
    Z, x = china.Z, china.x
    with pytest.raises(ValueError, match=r"different sector labels: 1 sector\(s\) of Z have no value in x \(\['42'\]\)"):
        io.io_model(Z, x.drop("42"))
    with pytest.raises(ValueError, match=r"1 label\(s\) of x are not sectors of Z \(\['99'\]\)"):
        io.linkages(Z, pd.concat([x, pd.Series({"99": 1.0})]))
    with pytest.raises(ValueError, match="different sector labels"):
        io.technical_coefficients(Z, x.rename(index=lambda c: f"S{c}").to_frame())
    with pytest.raises(ValueError, match="duplicate sector labels"):
        io.final_demand(Z, pd.concat([x.iloc[:-1], x.iloc[:1]]))
    with pytest.raises(ValueError, match="one-column DataFrame"):
        io.io_model(Z, pd.DataFrame({"a": x, "b": x}))
    # the mismatch message says how to fix it
    with pytest.raises(ValueError, match=r"x\.loc\[Z\.index\]"):
        io.io_model(Z.iloc[:40, :40], x)


def test_x_with_array_Z_is_positional(mb_zx):
    Z, x = mb_zx
    ref = io.linkages(Z.to_numpy(), x.to_numpy())
    pd.testing.assert_frame_equal(io.linkages(Z.to_numpy(), x.to_frame()), ref)
    pd.testing.assert_frame_equal(io.linkages(Z.to_numpy(), x.to_numpy()[:, None]), ref)


# --------------------------------------------------------------------------------------
# negative flows: a note (and a UserWarning, tests/test_iotable_checks.py), not silence (issue 15, part 5)
# --------------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:[ZAB] has . negative entr:UserWarning")
def test_negative_flows_are_noted(mb_zx):
    Z, x = mb_zx
    Zn = Z.copy()
    Zn.loc["sec2", "sec1"] = -20.0
    model = io.io_model(Zn, x)
    assert len(model.notes) == 1
    note = model.notes[0]
    assert note.startswith("Z has 1 negative entry (smallest -20, row 'sec2', column 'sec1')")
    assert "check the table" in note
    # the numbers are still computed (A = Z / x as usual)
    assert model.A.loc["sec2", "sec1"] == -20.0 / 1000.0
    np.testing.assert_allclose(model.L.to_numpy() @ model.f.to_numpy(), x, rtol=1e-12)
    for out in [io.linkages(Zn, x), io.hypothetical_extraction(Zn, x), io.technical_coefficients(Zn, x),
                io.allocation_coefficients(Zn, x), io.final_demand(Zn, x)]:
        assert out.attrs["note"] == note
    assert io.leontief_inverse(model.A).attrs["note"].startswith("A has 1 negative entry")
    assert io.ghosh_inverse(model.B).attrs["note"].startswith("B has 1 negative entry")
    # several negative cells: counted, the smallest named
    Zm = Zn.copy()
    Zm.loc["sec1", "sec1"] = -50.0
    assert io.io_model(Zm, x).notes[0].startswith("Z has 2 negative entries (smallest -50, row 'sec1', column 'sec1')")


def test_no_note_without_problem(china, mb_zx):
    Z, x = mb_zx
    assert io.io_model(Z, x).notes == ()
    assert io.io_model(china.Z, china.x).notes == ()
    for out in [io.linkages(china.Z, china.x), io.hypothetical_extraction(Z, x), io.leontief_inverse(np.zeros((2, 2)))]:
        assert "note" not in out.attrs


def test_negative_x_still_rejected():
    with pytest.raises(ValueError, match=r"≥ 0; negative for sectors \['b'\]"):
        io.io_model(pd.DataFrame(np.zeros((2, 2)), index=["a", "b"], columns=["a", "b"]),
                    pd.Series([1.0, -1.0], index=["a", "b"]))


# --------------------------------------------------------------------------------------
# the singularity check (LU + 1-norm condition number, no SVD) and the large-table path
# --------------------------------------------------------------------------------------
def _random_table(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    Z = rng.random((n, n)) * (rng.random((n, n)) < 0.3)
    x = np.maximum(Z.sum(axis=0) / rng.uniform(0.3, 0.8, n), Z.sum(axis=1) * 1.1) + 1.0
    return Z, x


@pytest.mark.parametrize("n", [12, io._IN_PLACE_MIN_N + 7])
def test_inverses_equal_reference(n):
    """L and G on both code paths (numpy below ``_IN_PLACE_MIN_N``, in-place LAPACK from it
    on) equal a plain ``np.linalg.inv``; G from ``x̂⁻¹ L x̂`` equals ``(I − B)⁻¹``."""
    Z, x = _random_table(n, seed=n)
    model = io.io_model(Z, x)
    A, B = Z / x[None, :], Z / x[:, None]
    np.testing.assert_allclose(model.L.to_numpy(), np.linalg.inv(np.eye(n) - A), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model.G.to_numpy(), np.linalg.inv(np.eye(n) - B), rtol=1e-10, atol=1e-15)
    pd.testing.assert_frame_equal(io.leontief_inverse(model.A), model.L)
    np.testing.assert_allclose(io.ghosh_inverse(model.B).to_numpy(), model.G.to_numpy(), rtol=1e-10, atol=1e-15)
    # a zero-output sector: G from a factorisation of I − B of its own
    x0 = x.copy()
    x0[3] = 0.0
    Z0 = Z.copy()
    Z0[:, 3] = 0.0
    m0 = io.io_model(Z0, x0)
    B0 = Z0 * io._safe_inv(x0)[:, None]
    np.testing.assert_allclose(m0.G.to_numpy(), np.linalg.inv(np.eye(n) - B0), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("n", [2, io._IN_PLACE_MIN_N])
def test_ill_conditioned_raises(n):
    """Exactly singular (a zero pivot) and nearly singular (condition ~1e14) both raise,
    on both code paths; a well-conditioned table of the same size does not."""
    Z = np.zeros((n, n))
    Z[0, 1] = Z[1, 0] = 10.0  # sectors 0 and 1 only sell to each other
    x = np.ones(n)
    x[:2] = 10.0
    with pytest.raises(ValueError, match=r"singular or ill-conditioned \(condition number inf\)"):
        io.io_model(Z, x)
    x[:2] = 10.0 + 1e-13  # a leak of 1e-14 of output: cond(I − A) ≈ 1e14
    with pytest.raises(ValueError, match="singular or ill-conditioned"):
        io.io_model(Z, x)
    x[:2] = 10.0 + 1e-3  # cond ≈ 1e4: fine
    assert np.isfinite(io.io_model(Z, x).L.to_numpy()).all()


def test_condition_number_is_the_1_norm_one():
    """The check uses ‖I − A‖₁ ‖(I − A)⁻¹‖₁, within a factor n of the 2-norm condition
    number the SVD gave."""
    Z, x = _random_table(30, seed=5)
    A = Z / x[None, :]
    M = np.eye(30) - A
    c1 = np.linalg.cond(M, 1)
    L = io._inverse_of_I_minus(A, what="A")
    np.testing.assert_allclose(np.abs(M).sum(axis=0).max() * np.abs(L).sum(axis=0).max(), c1, rtol=1e-10)
    assert np.linalg.cond(M) / 30 <= c1 <= 30 * np.linalg.cond(M)


# --------------------------------------------------------------------------------------
# reference data (the project's shared reference folder beside the repository, or
# $ECOLIB_REFERENCE) read independently of the loader
# --------------------------------------------------------------------------------------
REFERENCE = Path(os.environ.get("ECOLIB_REFERENCE", Path(__file__).resolve().parents[2] / "shared" / "reference")) \
    / "china_io" / "china_2020_42.csv"


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference copy of the NBS table not on this machine")
def test_china_reference_csv(china):
    """The NBS 2020 table as packaged by ionet, read per its README: the loader's Z and x are
    its Domestic block and GO column, and the model reproduces x = L f (README: balanced)."""
    raw = pd.read_csv(REFERENCE, dtype={"Code": str})
    dom = raw[raw["Origin"] == "Domestic"].set_index("Code")
    codes = [f"{i:02d}" for i in range(1, 43)]
    Z = dom.loc[codes, codes].astype(float)
    x = dom.loc[codes, "GO"].astype(float)
    np.testing.assert_allclose(Z.to_numpy(), china.Z.to_numpy(), rtol=1e-15)
    np.testing.assert_allclose(x.to_numpy(), china.x.to_numpy(), rtol=1e-15)
    model = io.io_model(Z, x.iloc[::-1].to_frame("GO"))  # by label
    np.testing.assert_allclose(model.f, dom.loc[codes, "TFU"].astype(float), rtol=1e-9)
    np.testing.assert_allclose(model.L.to_numpy() @ model.f.to_numpy(), x, rtol=1e-9)
    np.testing.assert_allclose(x.sum(), 2.699028e10, rtol=1e-6)  # README aggregate
