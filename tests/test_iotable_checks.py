"""ecolib.analyses.iotable, issue "Speed and size" item 5: negative flows warned once, x
aligned by label (or rejected), and the LU-based singularity check keeping the results and
messages of the SVD check it replaced."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from ecolib.analyses import iotable as io

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

LABELS = ["a", "b", "c"]


def _hand_table():
    """The 3-sector table of the module's doctests (x = 100, 80, 60)."""
    Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]], index=LABELS, columns=LABELS)
    x = pd.Series([100.0, 80.0, 60.0], index=LABELS)
    return Z, x


def _caught(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [w for w in caught if issubclass(w.category, UserWarning)]


# --------------------------------------------------------------------------------------
# negative entries in Z: one UserWarning per call, naming how many and the largest
# --------------------------------------------------------------------------------------
def test_negative_Z_warns_once_per_call():
    Z, x = _hand_table()
    Zn = Z.copy()
    Zn.loc["c", "a"] = -2.0
    Zn.loc["b", "b"] = -7.5
    for fn in [io.io_model, io.linkages, io.hypothetical_extraction, io.final_demand,
               io.technical_coefficients, io.allocation_coefficients]:
        out, caught = _caught(fn, Zn, x)
        assert len(caught) == 1, fn.__name__  # linkages builds on io_model: still once
        msg = str(caught[0].message)
        assert msg.startswith("Z has 2 negative entries (smallest -7.5, row 'b', column 'b')"), msg
        assert caught[0].filename == __file__  # points at the caller, not into iotable
        notes = out.notes if isinstance(out, io.IOModel) else (out.attrs["note"],)
        assert list(notes) == [msg]  # the same sentence as the note on the result


def test_negative_Z_still_computed_as_before():
    """The warning changes nothing in the numbers: a hand-checked cell and x = L f."""
    Z, x = _hand_table()
    Zn = Z.copy()
    Zn.loc["c", "a"] = -2.0
    model, _ = _caught(io.io_model, Zn, x)
    assert model.A.loc["c", "a"] == -2.0 / 100.0
    assert model.f.tolist() == [55.0, 30.0, 52.0]  # 60 − (−2 + 5 + 5)
    np.testing.assert_allclose(model.L.to_numpy() @ model.f.to_numpy(), x.to_numpy(), rtol=1e-12)


def test_negative_coefficients_warn_but_rasmussen_does_not():
    Z, x = _hand_table()
    A = io.technical_coefficients(Z, x)
    A.loc["c", "a"] = -0.02
    _, caught = _caught(io.leontief_inverse, A)
    assert len(caught) == 1 and str(caught[0].message).startswith("A has 1 negative entry (smallest -0.02")
    L = -io.leontief_inverse(io.technical_coefficients(Z, x))
    _, caught = _caught(io.rasmussen, L)
    assert caught == []


def test_no_warning_without_negative_entries():
    Z, x = _hand_table()
    for fn in [io.io_model, io.linkages, io.hypothetical_extraction]:
        _, caught = _caught(fn, Z, x)
        assert caught == []
    _, caught = _caught(io.linkages, np.zeros((0, 0)), np.zeros(0))  # edge: empty table
    assert caught == []
    _, caught = _caught(io.linkages, np.zeros((3, 3)), np.zeros(3))  # edge: nothing reported
    assert caught == []


# --------------------------------------------------------------------------------------
# x aligned to Z by label
# --------------------------------------------------------------------------------------
def test_reversed_x_equals_aligned_result():
    Z, x = _hand_table()
    ref = io.io_model(Z, x)
    for xr in [x.iloc[::-1], x.iloc[::-1].to_frame("output"), x[["b", "c", "a"]]]:
        m = io.io_model(Z, xr)
        for name in ["A", "L", "B", "G"]:
            pd.testing.assert_frame_equal(getattr(m, name), getattr(ref, name))
        pd.testing.assert_series_equal(m.x, ref.x)
        pd.testing.assert_series_equal(m.f, ref.f)
        pd.testing.assert_frame_equal(io.linkages(Z, xr), io.linkages(Z, x))
    # hand check of the aligned value: A[a, b] = Z[a, b] / x[b] = 30 / 80
    assert io.technical_coefficients(Z, x.iloc[::-1]).loc["a", "b"] == 30.0 / 80.0
    # a positional array in reverse order is NOT realigned
    rev = io.technical_coefficients(Z, x.to_numpy()[::-1].copy())
    assert rev.loc["a", "b"] == 30.0 / 80.0 and rev.loc["a", "a"] == 5.0 / 60.0


def test_mismatched_x_labels_raise_naming_them():
    Z, x = _hand_table()
    with pytest.raises(ValueError, match=r"1 sector\(s\) of Z have no value in x \(\['c'\]\)"):
        io.io_model(Z, x.drop("c"))
    with pytest.raises(ValueError, match=r"1 label\(s\) of x are not sectors of Z \(\['z'\]\)"):
        io.io_model(Z, x.rename({"c": "z"}).to_frame())
    with pytest.raises(ValueError, match=r"no value in x \(\['c'\]\); 1 label\(s\) of x are not sectors of Z \(\['z'\]\)"):
        io.linkages(Z, x.rename({"c": "z"}))


# --------------------------------------------------------------------------------------
# the LU-based singularity check
# --------------------------------------------------------------------------------------
def test_near_singular_still_raises_with_the_old_message():
    """Two sectors selling only to each other with a leak of 1e-13 of output: the old SVD
    check refused it (2-norm condition ≈ 1e14); the LU check refuses it with the same text."""
    Z = pd.DataFrame([[0.0, 10.0, 0.0], [10.0, 0.0, 0.0], [0.0, 0.0, 1.0]], index=LABELS, columns=LABELS)
    x = pd.Series([10.0 + 1e-12, 10.0 + 1e-12, 5.0], index=LABELS)
    A = (Z / x).to_numpy()
    assert np.linalg.cond(np.eye(3) - A) > 1e12  # what the SVD check looked at
    for fn in [io.io_model, io.linkages, io.hypothetical_extraction]:
        with pytest.raises(ValueError) as err:
            fn(Z, x)
        msg = str(err.value)
        assert msg.startswith("(I − A) is singular or ill-conditioned (condition number ")
        assert msg.endswith("the inverse is not defined. Check that every sector's intermediate inputs are "
                            "below its output (column sums of A < 1) and that no group of sectors only "
                            "trades among itself without final demand or value added.")
    with pytest.raises(ValueError, match=r"^\(I − B\) is singular or ill-conditioned"):
        io.ghosh_inverse(io.allocation_coefficients(Z, x))
    # exactly singular: the zero pivot reports condition number inf
    with pytest.raises(ValueError, match=r"\(I − A\) is singular or ill-conditioned \(condition number inf\)"):
        io.leontief_inverse(np.eye(3))


def test_well_conditioned_results_equal_plain_inverse():
    """The textbook 3-sector L by hand-checkable identity (I − A) L = I, and equal to inv."""
    Z, x = _hand_table()
    m = io.io_model(Z, x)
    A = m.A.to_numpy()
    np.testing.assert_allclose((np.eye(3) - A) @ m.L.to_numpy(), np.eye(3), atol=1e-14)
    np.testing.assert_allclose(m.L.to_numpy(), np.linalg.inv(np.eye(3) - A), rtol=1e-14)
    np.testing.assert_allclose(m.L.loc["b"].round(3).tolist(), [0.132, 1.25, 0.706])
