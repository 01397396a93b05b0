"""Input-output analysis of a square inter-sector flow matrix (DESIGN §4, "Input-output view").

Notation (n sectors; values in the currency unit of the table, e.g. 10,000 CNY)
--------------------------------------------------------------------------------
* ``Z[i, j]``: intermediate sales from sector ``i`` (row) to sector ``j`` (column).
* ``x[j]``: gross output of sector ``j`` (same unit as ``Z``).
* ``f = x − Z·1``: final demand (everything sector ``i`` sells outside the
  intermediate matrix), derived so that ``x = Z·1 + f`` holds exactly.
* Technical coefficients ``A = Z x̂⁻¹`` (``A[i, j]`` = input from ``i`` per unit of
  output of ``j``, unitless), Leontief inverse ``L = (I − A)⁻¹`` (``x = L f``).
* Allocation (Ghosh) coefficients ``B = x̂⁻¹ Z`` (share of ``i``'s output sold to ``j``),
  Ghosh inverse ``G = (I − B)⁻¹``.
* Rasmussen linkages (dimensionless, average 1 over sectors):
  backward ``BL_j = (Σ_i L_ij / n) / (Σ_ij L_ij / n²)``,
  forward ``FL_i = (Σ_j L_ij / n) / (Σ_ij L_ij / n²)``,
  Ghosh forward ``FL_ghosh_i = (Σ_j G_ij / n) / (Σ_ij G_ij / n²)``.
* Quadrant (from ``BL`` and the Leontief ``FL``): ``key`` (BL > 1 and FL > 1),
  ``backward-oriented`` (BL > 1, FL ≤ 1), ``forward-oriented`` (BL ≤ 1, FL > 1),
  ``weak`` (both ≤ 1).
* Hypothetical extraction of sector ``k``: keep ``f`` fixed, set row and column ``k``
  of ``A`` to zero (``A₋ₖ``) and compute ``x₋ₖ = (I − A₋ₖ)⁻¹ f``;
  ``extraction_loss_k = Σ x − Σ x₋ₖ`` (currency unit) and
  ``extraction_share_k = extraction_loss_k / Σ x``.
  Since row ``k`` of ``A₋ₖ`` is zero, ``x₋ₖ[k] = f_k``, and the block-inverse
  (Schur complement) identity ``(I − A)₋ₖ,₋ₖ⁻¹ = L₋ₖ,₋ₖ − L₋ₖ,ₖ Lₖ,₋ₖ / L_kk`` gives
  ``x₋ₖ[i] = x_i − L_ik x_k / L_kk`` for ``i ≠ k``, hence the closed form
  ``extraction_loss_k = x_k (Σ_i L_ik) / L_kk − f_k``, evaluated for all sectors at once
  (``method="closed_form"``, default).  ``method="direct"`` solves the n extracted
  systems one by one (reference implementation; the two agree to rounding).

Conventions for edge cases
--------------------------
* A sector with zero output (``x_j = 0``) gets a zero column in ``A`` and a zero row in
  ``B`` (it buys and sells nothing per unit of output), so ``L`` and ``G`` stay defined.
  Its linkages are computed as for any other sector (typically BL, FL < 1).
* An empty table (n = 0) gives empty results with the documented columns.
* When ``Σ x = 0`` the extraction share is 0 (there is nothing to lose).
* A singular or ill-conditioned ``I − A`` (1-norm condition number > 1e12, e.g. a sector
  whose intermediate inputs equal its output with no leakage) raises ``ValueError``.  The
  inverse comes from one LU factorisation with partial pivoting (LAPACK ``getrf``, then
  ``getrs`` on the identity, as ``np.linalg.inv`` does); an exactly zero pivot is reported by
  the factorisation itself, and the condition number ``‖I − A‖₁ ‖L‖₁`` is then computed
  exactly from the inverse in O(n²) (no SVD, which cost several inversions).  The 1-norm
  condition number is within a factor n of the 2-norm one.  When
  every ``x > 0``, ``I − B = x̂⁻¹ (I − A) x̂``, so ``G = x̂⁻¹ L x̂`` is obtained from ``L``
  without a second inversion and checked the same way (``‖I − B‖₁ ‖G‖₁``); with a
  zero-output sector ``I − B`` is factorised on its own.
* Labels: a DataFrame ``Z`` must have the same labels on both axes (columns are aligned
  to the index order).  ``x`` given as a Series or a one-column DataFrame is aligned to
  those labels (its order does not matter); it must carry exactly the labels of ``Z``
  (no missing, extra or duplicate label), else ``ValueError``.  A numpy array (or a list)
  ``x``, and any ``x`` with an array ``Z``, is taken by position.  NaN/inf or negative
  ``x`` raise ``ValueError``.
* Negative flows: negative entries in ``Z`` (e.g. corrections or returns booked as negative
  sales) are not an error, but the results assume non-negative flows (``L ≥ 0``, shares in
  [0, 1]), so they are reported as a note: :attr:`IOModel.notes`, and
  ``.attrs["note"]`` of the tables returned by :func:`final_demand`,
  :func:`technical_coefficients`, :func:`allocation_coefficients`,
  :func:`hypothetical_extraction` and :func:`linkages` (the same for negative
  coefficients passed to :func:`leontief_inverse` / :func:`ghosh_inverse`).  The same
  sentence is also issued once per call as a :class:`UserWarning` (pointing at the caller's
  line; :func:`linkages` warns once, not once more for the :func:`io_model` it builds on;
  :func:`rasmussen` neither notes nor warns).  Without a problem the note is absent (empty
  ``notes``) and nothing is warned.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy.linalg import lapack

__all__ = [
    "IOModel",
    "io_model",
    "final_demand",
    "technical_coefficients",
    "leontief_inverse",
    "allocation_coefficients",
    "ghosh_inverse",
    "rasmussen",
    "hypothetical_extraction",
    "linkages",
    "QUADRANTS",
]

#: quadrant labels used by :func:`linkages`
QUADRANTS = ("key", "backward-oriented", "forward-oriented", "weak")

_MAX_COND = 1e12
#: from this many sectors on, (I − A)⁻¹ is computed in place with scipy's LAPACK
_IN_PLACE_MIN_N = 400


@dataclass(frozen=True)
class IOModel:
    """Demand-driven (Leontief) and supply-driven (Ghosh) model of one flow table.

    ``Z, A, L, B, G`` are n × n DataFrames with the sector labels on both axes;
    ``x`` (gross output) and ``f = x − Z·1`` (final demand) are Series.

    Attributes
    ----------
    Z : DataFrame
        Intermediate flows, supplying sector (rows) → using sector (columns), in the
        currency unit of the table.
    x : Series
        Gross output per sector (same unit), name ``"x"``.
    f : Series
        Final demand ``x − Z·1`` per sector (same unit), name ``"f"``.
    A : DataFrame
        Technical coefficients ``Z x̂⁻¹`` (input from row sector per unit of output of the
        column sector, unitless).
    L : DataFrame
        Leontief inverse ``(I − A)⁻¹`` (gross output of the row sector per unit of final
        demand for the column sector, unitless).
    B : DataFrame
        Allocation coefficients ``x̂⁻¹ Z`` (share of the row sector's output sold to the
        column sector, unitless).
    G : DataFrame
        Ghosh inverse ``(I − B)⁻¹`` (unitless).
    notes : tuple of str
        Problems with the input that did not stop the computation (e.g. negative entries
        in ``Z``), one sentence each; empty when there is none.

    See Also
    --------
    io_model : builds it.

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> m = io_model(Z, pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"]))
    >>> m.A.sum().round(3).tolist(), m.B.sum(axis=1).round(3).tolist()
    ([0.15, 0.562, 0.75], [0.45, 0.625, 0.167])
    >>> m.notes
    ()
    """

    Z: pd.DataFrame
    x: pd.Series
    f: pd.Series
    A: pd.DataFrame
    L: pd.DataFrame
    B: pd.DataFrame
    G: pd.DataFrame
    notes: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------------------
# input handling and kernels
# --------------------------------------------------------------------------------------
def _coerce(
    Z, x=None, *, what: str = "Z", warn: bool = True
) -> tuple[np.ndarray, np.ndarray | None, pd.Index, list[str]]:
    """``Z`` (and ``x``) as float arrays in the order of the sector labels, the labels, and
    the notes on the input (negative entries, each also a ``UserWarning`` unless ``warn`` is
    false); ``ValueError`` for what cannot be used."""
    is_frame = isinstance(Z, pd.DataFrame)
    if is_frame:
        labels = Z.index
        if not Z.columns.equals(labels):
            if len(Z.columns) != len(labels) or not labels.is_unique or set(Z.columns) != set(labels):
                raise ValueError(
                    f"{what} must have the same sector labels on rows and columns "
                    f"(rows {list(labels[:5])}…, columns {list(Z.columns[:5])}…)"
                )
            Z = Z.reindex(columns=labels)
        z = Z.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        z = np.asarray(Z, dtype=np.float64)
        if z.ndim != 2:
            raise ValueError(f"{what} must be a square 2-D matrix, got ndim={z.ndim}")
        labels = pd.RangeIndex(z.shape[0])
    if z.shape[0] != z.shape[1]:
        raise ValueError(f"{what} must be square (n × n), got shape {z.shape}")
    # two read passes, no n × n temporary: NaN propagates into min, ±inf shows in min/max
    lo, hi = (float(z.min()), float(z.max())) if z.size else (0.0, 0.0)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{what} contains NaN or infinite values")
    notes = _negative_notes(z, labels, what) if lo < 0 else []
    if warn:
        _warn(notes)
    if x is None:
        return z, None, labels, notes
    x = _align_x(x, labels, is_frame)
    xv = np.asarray(x, dtype=np.float64).ravel()
    if xv.shape[0] != z.shape[0]:
        raise ValueError(f"x has {xv.shape[0]} values but Z has {z.shape[0]} sectors")
    if xv.size and not np.isfinite(xv).all():
        raise ValueError("x contains NaN or infinite values")
    if (xv < 0).any():
        bad = list(labels[np.flatnonzero(xv < 0)[:5]])
        raise ValueError(f"x (gross output) must be ≥ 0; negative for sectors {bad}")
    return z, xv, labels, notes


def _align_x(x, labels: pd.Index, is_frame: bool):
    """``x`` in the order of ``labels``: a one-column DataFrame becomes its column; a Series
    (with a DataFrame ``Z``) is aligned by label and must carry exactly ``labels``."""
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise ValueError(
                f"x must be a Series, a one-column DataFrame or an array; got a DataFrame with "
                f"{x.shape[1]} columns {list(x.columns[:5])}"
            )
        x = x.iloc[:, 0]
    if not (isinstance(x, pd.Series) and is_frame) or x.index.equals(labels):
        return x
    if not x.index.is_unique:
        dup = list(x.index[x.index.duplicated()].unique()[:5])
        raise ValueError(f"x has duplicate sector labels {dup}; give one value per sector of Z")
    if not labels.is_unique:
        raise ValueError("Z has duplicate sector labels, so x cannot be aligned to it by label; "
                         "pass x as a numpy array (by position)")
    missing = labels.difference(x.index)
    extra = x.index.difference(labels)
    if len(missing) or len(extra):
        parts = []
        if len(missing):
            parts.append(f"{len(missing)} sector(s) of Z have no value in x ({list(missing[:5])})")
        if len(extra):
            parts.append(f"{len(extra)} label(s) of x are not sectors of Z ({list(extra[:5])})")
        raise ValueError(
            "x and Z have different sector labels: " + "; ".join(parts) + ". x is aligned to Z "
            "by label: give exactly one value per sector of Z (e.g. x.loc[Z.index]), or a numpy "
            "array to match by position"
        )
    return x.reindex(labels)


def _negative_notes(m: np.ndarray, labels: pd.Index, what: str) -> list[str]:
    neg = m < 0
    count = int(np.count_nonzero(neg))
    if not count:
        return []
    i, j = np.unravel_index(int(np.argmin(m)), m.shape)
    row, col = (v.item() if isinstance(v, np.generic) else v for v in (labels[i], labels[j]))
    kind = "flows" if what == "Z" else "coefficients"
    return [
        f"{what} has {count} negative entr{'y' if count == 1 else 'ies'} (smallest {m[i, j]:.6g}, "
        f"row {row!r}, column {col!r}); the input-output measures assume "
        f"non-negative {kind}, so L, G, the linkages and the extraction losses may be "
        "meaningless (negative or shares outside [0, 1]): check the table"
    ]


def _warn(notes: list[str]) -> None:
    """Each note as a ``UserWarning`` attributed to the first caller outside this module."""
    if not notes:
        return
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=level)


def _with_note(obj, notes: list[str] | tuple[str, ...]):
    if notes:
        obj.attrs["note"] = "; ".join(notes)
    return obj


def _safe_inv(v: np.ndarray) -> np.ndarray:
    out = np.zeros_like(v, dtype=np.float64)
    nz = v != 0
    out[nz] = 1.0 / v[nz]
    return out


def _abs_colsums(m: np.ndarray) -> np.ndarray:
    """Column sums of ``|m|``, in blocks of about 4 MB (no n × n temporary)."""
    if m.size <= 1 << 19:
        with np.errstate(over="ignore", invalid="ignore"):
            return np.abs(m).sum(axis=0)
    out = np.zeros(m.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        if m.flags.f_contiguous:
            step = max(1, (1 << 19) // m.shape[0])
            for j in range(0, m.shape[1], step):
                out[j:j + step] = np.abs(m[:, j:j + step]).sum(axis=0)
        else:
            step = max(1, (1 << 19) // m.shape[1])
            for i in range(0, m.shape[0], step):
                out += np.abs(m[i:i + step]).sum(axis=0)
    return out


def _norm1_I_minus(a: np.ndarray) -> float:
    """``‖I − a‖₁`` without forming ``I − a``."""
    d = np.diagonal(a)
    return float(np.max(_abs_colsums(a) - np.abs(d) + np.abs(1.0 - d)))


def _checked_cond(what: str, norm_m: float, inv: np.ndarray) -> None:
    """``ValueError`` unless ``‖M‖₁ ‖M⁻¹‖₁ ≤ _MAX_COND`` (the exact 1-norm condition
    number, O(n²) once the inverse is there; NaN/inf in the inverse fail too)."""
    with np.errstate(over="ignore", invalid="ignore"):
        cond = norm_m * float(np.max(_abs_colsums(inv)))
    if not cond <= _MAX_COND:  # also NaN
        raise _ill_conditioned(what, cond)


def _ill_conditioned(what: str, cond: float) -> ValueError:
    return ValueError(
        f"(I − {what}) is singular or ill-conditioned (condition number {cond:.3g}); "
        "the inverse is not defined. Check that every sector's intermediate inputs are "
        "below its output (column sums of A < 1) and that no group of sectors only "
        "trades among itself without final demand or value added."
    )


def _inverse_of_I_minus(a: np.ndarray, *, what: str) -> np.ndarray:
    """``(I − a)⁻¹`` from one LU factorisation with partial pivoting (LAPACK ``getrf``, then
    ``getrs`` on the identity: the algorithm of ``np.linalg.inv``).  ``ValueError`` if a pivot
    is exactly zero, or if the 1-norm condition number ``‖I − a‖₁ ‖(I − a)⁻¹‖₁`` exceeds
    :data:`_MAX_COND`.

    From :data:`_IN_PLACE_MIN_N` sectors on, scipy's LAPACK factorises a column-major copy in
    place and solves into the identity (no further n × n copy; the column-major result goes
    into a DataFrame without a copy); below, ``np.linalg.solve``, whose small solves do not
    stall when other processes keep the cores busy."""
    n = a.shape[0]
    if n == 0:
        return np.zeros((0, 0))
    if n < _IN_PLACE_MIN_N:
        m = np.eye(n) - a
        norm_m = float(np.max(_abs_colsums(m)))
        try:
            inv = np.linalg.solve(m, np.eye(n))
        except np.linalg.LinAlgError:  # an exactly zero pivot: singular
            raise _ill_conditioned(what, np.inf) from None
        _checked_cond(what, norm_m, inv)
        return inv
    m = np.negative(a, order="F")  # column-major: LAPACK factorises it in place
    diag = np.arange(n)
    m[diag, diag] += 1.0
    norm_m = float(np.max(_abs_colsums(m)))
    lu, piv, info = lapack.dgetrf(m, overwrite_a=True)
    if info > 0:  # an exactly zero pivot: singular
        raise _ill_conditioned(what, np.inf)
    inv, info = lapack.dgetrs(lu, piv, np.eye(n, order="F"), overwrite_b=True)
    if info != 0:  # pragma: no cover - only for invalid arguments
        raise RuntimeError(f"LAPACK getrs failed (info={info})")
    _checked_cond(what, norm_m, inv)
    return inv


def _ghosh_from_leontief(L: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``G = (I − B)⁻¹`` for ``B = x̂⁻¹ Z``: ``x̂⁻¹ L x̂`` when every ``x > 0`` (then
    ``I − B = x̂⁻¹ (I − A) x̂``), checked like a factorised inverse (exact 1-norm condition
    number); with a zero-output sector, a factorisation of ``I − B`` of its own."""
    n = L.shape[0]
    if n == 0 or not (x > 0).all():
        return _inverse_of_I_minus(b, what="B")
    G = np.empty_like(L, order="F")
    r = (1.0 / x)[:, None]
    step = max(1, (1 << 19) // n)
    for j in range(0, n, step):  # column blocks: the second product runs in cache
        blk = slice(j, j + step)
        np.multiply(L[:, blk], x[None, blk], out=G[:, blk])
        G[:, blk] *= r
    _checked_cond("B", _norm1_I_minus(b), G)
    return G


def _rasmussen_arr(L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = L.shape[0]
    if n == 0:
        return np.zeros(0), np.zeros(0)
    mean_all = L.sum() / n**2
    return L.sum(axis=0) / n / mean_all, L.sum(axis=1) / n / mean_all


def _extraction_arr(a: np.ndarray, L: np.ndarray, x: np.ndarray, f: np.ndarray, method: str) -> np.ndarray:
    n = a.shape[0]
    if n == 0:
        return np.zeros(0)
    if method == "closed_form":
        d = np.diag(L)
        return x * L.sum(axis=0) / d - f
    loss = np.empty(n)
    I = np.eye(n)
    total = x.sum()
    for k in range(n):  # n ≤ a few hundred: acceptable, see module docstring
        ak = a.copy()
        ak[k, :] = 0.0
        ak[:, k] = 0.0
        loss[k] = total - np.linalg.solve(I - ak, f).sum()
    return loss


def _share(loss: np.ndarray, total: float) -> np.ndarray:
    return loss / total if total > 0 else np.zeros_like(loss)


# --------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------
def final_demand(Z, x) -> pd.Series:
    """Final demand ``f = x − Z·1`` (same unit as ``Z``), name ``"f"``.

    Parameters
    ----------
    Z : DataFrame or array-like
        n × n intermediate flows, supplying sector (rows) → using sector (columns), in the
        currency unit of the table (e.g. 10,000 CNY, or currency over a window). A DataFrame
        needs the same labels on both axes. Negative entries are allowed but noted (see
        Returns).
    x : Series, one-column DataFrame or array-like
        Gross output per sector (same unit, ≥ 0). A Series or one-column DataFrame is
        aligned to the labels of a DataFrame ``Z`` and must have exactly those labels
        (``ValueError`` otherwise); an array is taken by position.

    Returns
    -------
    Series
        ``x − Z·1`` per sector (currency unit of ``Z``; negative when a sector's
        intermediate sales exceed its output), name ``"f"``. When ``Z`` has negative
        entries, ``.attrs["note"]`` says so and the same sentence is issued once as a
        ``UserWarning`` (the same on every function of this module that takes ``Z``).

    See Also
    --------
    ecolib.analyses.valuestream.segment_flows : a park's ``Z`` (``sf.local``) and ``x``
        (``sf.groups["output"]``).
    ecolib.datasets.china_io.load_china_io : China's national table (``Z``, ``x``).

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> x = pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"])
    >>> final_demand(Z, x).tolist()
    [55.0, 30.0, 50.0]
    """
    z, xv, labels, notes = _coerce(Z, x)
    return _with_note(pd.Series(xv - z.sum(axis=1), index=labels, name="f"), notes)


def technical_coefficients(Z, x) -> pd.DataFrame:
    """Technical coefficients ``A = Z x̂⁻¹`` (unitless); columns with ``x = 0`` are 0.

    Parameters
    ----------
    Z, x
        Intermediate flows and gross output, as in :func:`final_demand`.

    Returns
    -------
    DataFrame
        n × n, sector labels on both axes: ``A[i, j] = Z[i, j] / x[j]``, the input from
        ``i`` per unit of output of ``j`` (unitless; the column sums are the intermediate
        input share of each sector's output).

    See Also
    --------
    ecolib.analyses.valuestream.segment_flows : a park's ``Z`` and ``x``.
    ecolib.datasets.china_io.load_china_io : China's national ``Z`` and ``x``.
    leontief_inverse : takes ``A``.

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> x = pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"])
    >>> A = technical_coefficients(Z, x)
    >>> A.round(3)
          a      b      c
    a  0.05  0.375  0.167
    b  0.10  0.125  0.500
    c  0.00  0.062  0.083
    >>> A.sum().round(3).tolist()       # intermediate inputs per unit of output
    [0.15, 0.562, 0.75]
    """
    z, xv, labels, notes = _coerce(Z, x)
    A = pd.DataFrame(z * _safe_inv(xv)[None, :], index=labels, columns=labels, copy=False)
    return _with_note(A, notes)


def allocation_coefficients(Z, x) -> pd.DataFrame:
    """Ghosh allocation coefficients ``B = x̂⁻¹ Z`` (unitless); rows with ``x = 0`` are 0.

    Parameters
    ----------
    Z, x
        Intermediate flows and gross output, as in :func:`final_demand`.

    Returns
    -------
    DataFrame
        n × n, sector labels on both axes: ``B[i, j] = Z[i, j] / x[i]``, the share of
        ``i``'s output sold to ``j`` (unitless, in [0, 1] when ``Z ≥ 0`` and the row sums
        do not exceed ``x``).

    See Also
    --------
    ecolib.analyses.valuestream.segment_flows : a park's ``Z`` and ``x``.
    ecolib.datasets.china_io.load_china_io : China's national ``Z`` and ``x``.
    ghosh_inverse : takes ``B``.

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> x = pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"])
    >>> allocation_coefficients(Z, x).round(3)
           a      b      c
    a  0.050  0.300  0.100
    b  0.125  0.125  0.375
    c  0.000  0.083  0.083
    """
    z, xv, labels, notes = _coerce(Z, x)
    B = pd.DataFrame(z * _safe_inv(xv)[:, None], index=labels, columns=labels, copy=False)
    return _with_note(B, notes)


def leontief_inverse(A) -> pd.DataFrame:
    """Leontief inverse ``L = (I − A)⁻¹``; ``ValueError`` if ``I − A`` is singular or
    ill-conditioned (1-norm condition number > 1e12).

    Parameters
    ----------
    A : DataFrame or array-like
        n × n technical coefficients (unitless), same labels on both axes for a DataFrame.

    Returns
    -------
    DataFrame
        n × n, labels of ``A`` on both axes: ``L[i, j]`` is the gross output of ``i``
        needed per unit of final demand for ``j`` (unitless, ≥ 1 on the diagonal for
        ``A ≥ 0``); ``x = L f``. A note in ``.attrs["note"]`` when ``A`` has negative
        entries.

    Raises
    ------
    ValueError
        If ``I − A`` is singular or ill-conditioned, or ``A`` is not square or holds
        NaN/inf.

    See Also
    --------
    technical_coefficients : builds ``A``.
    rasmussen : the linkages of ``L``.

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> x = pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"])
    >>> L = leontief_inverse(technical_coefficients(Z, x))
    >>> L.round(3)
           a      b      c
    a  1.106  0.508  0.478
    b  0.132  1.250  0.706
    c  0.009  0.085  1.139
    >>> (L @ final_demand(Z, x)).round(6).tolist()      # x = L f
    [100.0, 80.0, 60.0]
    """
    a, _, labels, notes = _coerce(A, what="A")
    L = pd.DataFrame(_inverse_of_I_minus(a, what="A"), index=labels, columns=labels, copy=False)
    return _with_note(L, notes)


def ghosh_inverse(B) -> pd.DataFrame:
    """Ghosh inverse ``G = (I − B)⁻¹``; ``ValueError`` if ``I − B`` is singular.

    Parameters
    ----------
    B : DataFrame or array-like
        n × n allocation coefficients (unitless), same labels on both axes for a DataFrame.

    Returns
    -------
    DataFrame
        n × n, labels of ``B`` on both axes (unitless); ``xᵀ = vᵀ G`` for the primary
        inputs ``v`` of the supply-driven model.

    Raises
    ------
    ValueError
        If ``I − B`` is singular or ill-conditioned (1-norm condition number > 1e12), or
        ``B`` is not square or holds NaN/inf.

    See Also
    --------
    allocation_coefficients : builds ``B``.
    rasmussen : the linkages of ``G`` (``FL`` is the Ghosh forward linkage).

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> x = pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"])
    >>> ghosh_inverse(allocation_coefficients(Z, x)).round(3)
           a      b      c
    a  1.106  0.407  0.287
    b  0.164  1.250  0.529
    c  0.015  0.114  1.139
    """
    b, _, labels, notes = _coerce(B, what="B")
    G = pd.DataFrame(_inverse_of_I_minus(b, what="B"), index=labels, columns=labels, copy=False)
    return _with_note(G, notes)


def io_model(Z, x) -> IOModel:
    """All matrices of the Leontief and Ghosh models for flows ``Z`` and output ``x``.

    Parameters
    ----------
    Z, x
        Intermediate flows and gross output, as in :func:`final_demand`.

    Returns
    -------
    IOModel
        Fields ``Z`` (a copy, currency unit of ``Z``), ``x`` and ``f`` (Series, same unit),
        ``A``, ``L``, ``B``, ``G`` (n × n DataFrames, unitless) and ``notes`` (e.g. negative
        entries in ``Z``; empty when none); see :class:`IOModel`. ``L`` comes from one LU
        factorisation of ``I − A``; ``G`` from ``x̂⁻¹ L x̂`` when every ``x > 0`` (no second
        inversion), else from a factorisation of ``I − B``.

    Raises
    ------
    ValueError
        For inconsistent labels or shapes (including an ``x`` Series / one-column DataFrame
        whose labels are not exactly those of ``Z``), NaN/inf, negative ``x``, or a singular
        or ill-conditioned ``I − A`` or ``I − B``.

    See Also
    --------
    ecolib.analyses.valuestream.segment_flows : a park's ``Z`` and ``x``.
    ecolib.datasets.china_io.load_china_io : China's national ``Z`` and ``x``.
    linkages : the linkage table of the same model.

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> x = pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"])
    >>> m = io_model(Z, x)
    >>> m.f.tolist(), m.L.loc["b"].round(3).tolist()
    ([55.0, 30.0, 50.0], [0.132, 1.25, 0.706])

    ``x`` is matched to ``Z`` by label, in any order:

    >>> io_model(Z, x.iloc[::-1].to_frame("output")).L.equals(m.L)
    True

    Negative flows are computed but noted (and warned, once):

    >>> import warnings
    >>> Zn = Z.copy()
    >>> Zn.loc["c", "a"] = -2.0
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     mn = io_model(Zn, x)
    >>> mn.notes                                       # doctest: +ELLIPSIS
    ("Z has 1 negative entry (smallest -2, row 'c', column 'a'); ...",)
    >>> [str(w.message) for w in caught] == list(mn.notes)
    True
    """
    z, xv, labels, notes = _coerce(Z, x)
    inv = _safe_inv(xv)
    a = z * inv[None, :]
    b = z * inv[:, None]
    L = _inverse_of_I_minus(a, what="A")
    G = _ghosh_from_leontief(L, b, xv)

    def frame(m):  # the arrays are new and column-major: no copy
        return pd.DataFrame(m, index=labels, columns=labels, copy=False)

    if isinstance(Z, pd.DataFrame) and not z.flags.writeable and Z.columns.equals(labels):
        Zf = Z.astype(np.float64)  # z is a read-only view of Z's data: a lazy (copy-on-write) copy
    elif isinstance(Z, pd.DataFrame) and z.flags.writeable:
        Zf = frame(z)  # z is already a new array (converted, or gathered from several blocks)
    else:
        Zf = frame(np.array(z, order="F", copy=True))
    return IOModel(
        Z=Zf,
        x=pd.Series(xv, index=labels, name="x"),
        f=pd.Series(xv - z.sum(axis=1), index=labels, name="f"),
        A=frame(a),
        L=frame(L),
        B=frame(b),
        G=frame(G),
        notes=tuple(notes),
    )


def rasmussen(L) -> pd.DataFrame:
    """Rasmussen backward (``BL``, column means) and forward (``FL``, row means) linkages of
    an inverse matrix ``L``, each divided by the mean of all its cells.  Pass ``G`` to
    get the Ghosh-based indices.  Columns ``BL, FL``; each averages 1 over sectors.

    Parameters
    ----------
    L : DataFrame or array-like
        An n × n inverse matrix: the Leontief ``L`` or the Ghosh ``G``.

    Returns
    -------
    DataFrame
        Indexed by sector (labels of ``L``), columns ``BL`` (column mean / mean of all
        cells) and ``FL`` (row mean / mean of all cells), both unitless with mean 1; a
        value > 1 is an above-average linkage.

    See Also
    --------
    leontief_inverse : builds ``L``.
    ghosh_inverse : builds ``G``.
    linkages : both indices, the quadrant and the extraction loss in one table.

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> x = pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"])
    >>> r = rasmussen(leontief_inverse(technical_coefficients(Z, x)))
    >>> r.round(3)
          BL     FL
    a  0.691  1.160
    b  1.022  1.157
    c  1.287  0.684
    >>> r.mean().round(6).tolist()
    [1.0, 1.0]
    """
    m, _, labels, _ = _coerce(L, what="L", warn=False)
    bl, fl = _rasmussen_arr(m)
    return pd.DataFrame({"BL": bl, "FL": fl}, index=labels)


def hypothetical_extraction(
    Z, x, *, method: Literal["closed_form", "direct"] = "closed_form"
) -> pd.DataFrame:
    """Loss of total gross output when each sector is hypothetically extracted.

    Final demand ``f = x − Z·1`` is held fixed and row and column ``k`` of ``A`` are set
    to zero.  Columns ``extraction_loss`` (unit of ``Z``) and ``extraction_share``
    (fraction of ``Σ x``).  See the module docstring for the closed form.

    Parameters
    ----------
    Z, x
        Intermediate flows and gross output, as in :func:`final_demand`.
    method : {"closed_form", "direct"}
        ``"closed_form"`` (default) evaluates ``x_k (Σ_i L_ik) / L_kk − f_k`` for all
        sectors at once; ``"direct"`` solves the n extracted systems one by one (reference;
        the two agree to rounding).

    Returns
    -------
    DataFrame
        Indexed by sector, columns ``extraction_loss`` (``Σ x − Σ x₋ₖ``, currency unit of
        ``Z``) and ``extraction_share`` (that loss / ``Σ x``, a fraction; 0 when
        ``Σ x = 0``).

    Raises
    ------
    ValueError
        For an unknown ``method``, bad input, or a singular or ill-conditioned ``I − A``.

    See Also
    --------
    ecolib.analyses.valuestream.segment_flows : a park's ``Z`` and ``x``.
    ecolib.datasets.china_io.load_china_io : China's national ``Z`` and ``x``.
    linkages : the same loss with the Rasmussen indices.

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> x = pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"])
    >>> hypothetical_extraction(Z, x).round(3)
       extraction_loss  extraction_share
    a           57.703             0.240
    b           87.990             0.367
    c           72.362             0.302
    >>> hypothetical_extraction(Z, x, method="direct")["extraction_loss"].round(3).tolist()
    [57.703, 87.99, 72.362]
    """
    if method not in ("closed_form", "direct"):
        raise ValueError(f"method must be 'closed_form' or 'direct', got {method!r}")
    z, xv, labels, notes = _coerce(Z, x)
    a = z * _safe_inv(xv)[None, :]
    L = _inverse_of_I_minus(a, what="A")
    f = xv - z.sum(axis=1)
    loss = _extraction_arr(a, L, xv, f, method)
    out = pd.DataFrame(
        {"extraction_loss": loss, "extraction_share": _share(loss, xv.sum())}, index=labels
    )
    return _with_note(out, notes)


def linkages(Z, x) -> pd.DataFrame:
    """Sector linkage table for flows ``Z`` (n × n) and gross output ``x``.

    Returns a DataFrame indexed by sector with columns

    * ``BL``: Rasmussen backward linkage from ``L`` (unitless, mean 1),
    * ``FL``: Rasmussen forward linkage from ``L`` (unitless, mean 1),
    * ``FL_ghosh``: forward linkage from the Ghosh inverse ``G`` (unitless, mean 1),
    * ``quadrant``: ``key`` / ``backward-oriented`` / ``forward-oriented`` / ``weak``
      (from ``BL`` and ``FL``, threshold 1),
    * ``extraction_loss``: loss of total output if the sector is extracted (unit of Z),
    * ``extraction_share``: that loss as a fraction of total output ``Σ x``.

    Raises ``ValueError`` if ``I − A`` (or ``I − B``) is singular or ill-conditioned.

    Parameters
    ----------
    Z : DataFrame or array-like
        n × n intermediate flows, supplying sector (rows) → using sector (columns), in the
        currency unit of the table; a DataFrame needs the same labels on both axes.
    x : Series, one-column DataFrame or array-like
        Gross output per sector (same unit, ≥ 0), matched to ``Z`` as in
        :func:`final_demand` (by label, or by position for an array).

    Returns
    -------
    DataFrame
        One row per sector (index = labels of ``Z``) with the six columns above; ``BL``,
        ``FL``, ``FL_ghosh`` unitless (mean 1 over sectors), ``quadrant`` one of
        :data:`QUADRANTS`, ``extraction_loss`` in the unit of ``Z``, ``extraction_share``
        a fraction of ``Σ x`` (0 when ``Σ x = 0``). An empty table gives these columns
        and no row. ``.attrs["note"]`` holds :attr:`IOModel.notes` when there are any
        (negative entries in ``Z``).

    See Also
    --------
    ecolib.analyses.valuestream.segment_flows : a park's ``Z`` (``sf.local``) and ``x``
        (``sf.groups["output"]``).
    ecolib.datasets.china_io.load_china_io : China's national ``Z`` and ``x``.
    io_model : the matrices behind the table.

    Examples
    --------
    >>> import pandas as pd
    >>> Z = pd.DataFrame([[5.0, 30.0, 10.0], [10.0, 10.0, 30.0], [0.0, 5.0, 5.0]],
    ...                  index=["a", "b", "c"], columns=["a", "b", "c"])
    >>> x = pd.Series([100.0, 80.0, 60.0], index=["a", "b", "c"])
    >>> linkages(Z, x).round(3)
          BL     FL  FL_ghosh           quadrant  extraction_loss  extraction_share
    a  0.691  1.160     1.078   forward-oriented           57.703             0.240
    b  1.022  1.157     1.163                key           87.990             0.367
    c  1.287  0.684     0.759  backward-oriented           72.362             0.302

    The park's segments (flows and output of the window, currency):

    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import segment_flows
    >>> sf = segment_flows(tiny().tables, "2026-03", window=3)
    >>> linkages(sf.local, sf.groups["output"])[["BL", "FL", "quadrant"]].round(3)
               BL     FL quadrant
    source
    G.MAT   1.059  1.143      key
    G.CELL  0.941  0.857     weak
    """
    model = io_model(Z, x)
    L = model.L.to_numpy()
    bl, fl = _rasmussen_arr(L)
    _, fl_g = _rasmussen_arr(model.G.to_numpy())
    xv, f = model.x.to_numpy(), model.f.to_numpy()
    loss = _extraction_arr(model.A.to_numpy(), L, xv, f, "closed_form")
    quadrant = np.select(
        [(bl > 1) & (fl > 1), bl > 1, fl > 1], list(QUADRANTS[:3]), default=QUADRANTS[3]
    )
    labels = model.Z.index
    out = pd.DataFrame(
        {
            "BL": bl,
            "FL": fl,
            "FL_ghosh": fl_g,
            "quadrant": np.asarray(quadrant, dtype=object),
            "extraction_loss": loss,
            "extraction_share": _share(loss, xv.sum()),
        },
        index=labels,
    )
    return _with_note(out, model.notes)
