"""Relatedness and economic complexity (Atlas of Economic Complexity definitions).

Works on any *location × activity* matrix ``X`` of non-negative values: zone × node
output, firm × node capability, country × product exports. ``X`` may be

* a wide :class:`pandas.DataFrame` (index = locations, columns = activities),
* a 2-D :class:`numpy.ndarray` (labels ``0..n-1``),
* a :mod:`scipy.sparse` matrix/array, or a :class:`LabeledMatrix` (sparse data with
  labels), e.g. from :func:`from_long` (``sparse=True``) for large firm × node tables.

Dense input gives ``DataFrame`` results; sparse input gives :class:`LabeledMatrix` for the
matrices that stay sparse (RCA, presence) and dense ``DataFrame`` s for the ones that do not
(density, COG: one float64 per location × activity cell, e.g. 400 MB for 100k × 500).
:func:`complexity_panel` takes a long table instead and returns every measure at its rows
only, without any dense location × activity array (memory grows with the rows of the table).

Definitions (c = location, p = activity; all sums over the matrix given)
-----------------------------------------------------------------------
* **RCA** (Balassa revealed comparative advantage, dimensionless)
  ``RCA_cp = (X_cp / Σ_p X_cp) / (Σ_c X_cp / Σ_cp X_cp)``.
* **Presence** ``M_cp = 1 if RCA_cp ≥ threshold`` (default 1), else 0.
* **Diversity** ``k_c = Σ_p M_cp`` (number of activities), **ubiquity**
  ``k_p = Σ_c M_cp`` (number of locations).
* **Proximity** (activity × activity, in [0, 1]) with co-occurrence ``C = MᵀM``:
  ``"symmetric"`` (default): ``φ_pp' = C_pp' / max(k_p, k_p')``;
  ``"asymmetric"``: ``φ_pp' = C_pp' / k_p`` (P(p' present | p present));
  ``"continuous"``: ``φ_pp' = (1 + corr_c(RCA_cp, RCA_cp')) / 2`` (Pearson correlation
  across locations of the RCA columns).  The diagonal is always 0, as in Stata
  ``genproximity``.
* **Density** (in [0, 1]) ``ω_cp = Σ_p' M_cp' φ_p'p / Σ_p' φ_p'p``: the share of the
  proximity of ``p`` to all activities that falls on activities location ``c`` has.
* **ECI / PCI**: ``kp`` = eigenvector of the second-largest eigenvalue of
  ``M̃_pp' = Σ_c M_cp M_cp' / (k_c k_p)`` and ``kc = (M / k_c) · kp`` (so a location's
  ECI is the mean PCI of its present activities).  Sign chosen so that
  ``corr(kc, diversity) > 0``.  ``ECI = (kc − mean(kc)) / s``,
  ``PCI = (kp − mean(kc)) / s``, with ``s`` the sample standard deviation (ddof = 1) of
  ``kc`` taken over all location × activity *cells* (i.e. each location counted once per
  activity column), exactly as the Stata ``ecomplexity`` package computes it.
* **k̄** = mean PCI over the cells with ``M = 1``.
* **COI** (complexity outlook index): ``raw_c = Σ_p (1 − M_cp) ω_cp (PCI_p − k̄)``,
  standardised like ECI: ``(raw − mean) / s`` (mean over locations, ddof = 1 SD over cells).
* **COG** (complexity outlook gain):
  ``COG_cp = (1 − M_cp) Σ_p' (1 − M_cp') φ_pp' (PCI_p' − k̄) / Σ_p'' φ_p''p'``
  0 where ``M_cp = 1``. Acquiring ``p`` raises the density of every activity ``p'`` by
  ``φ_pp' / Σ_p'' φ_p''p'``; COG sums those density gains over the activities ``c`` does not
  have yet, each weighted by how much more complex than ``k̄`` it is (Hausmann et al.'s
  opportunity gain). It is not the change of raw COI: that would also lose ``p``'s own term
  ``ω_cp (PCI_p − k̄)`` and count the gains on ``p`` itself differently.

Edge-case conventions (results are always defined; nothing raises for these)
-----------------------------------------------------------------------------
* ``0 / 0`` in RCA (all-zero row or column, or an all-zero matrix) is 0, so an
  all-zero location has diversity 0 and an activity nobody has has ubiquity 0.
* Proximity with a zero denominator (activity with ubiquity 0; a constant RCA column
  or fewer than 2 locations for ``"continuous"``) is 0.  Density of an activity whose
  proximity column sums to 0 is 0; an all-zero location has density 0 everywhere.
* ECI/PCI are computed on the sub-matrix of locations with diversity > 0 and
  activities with ubiquity > 0 (the cells of ``s`` are that sub-matrix's cells, so
  adding all-zero rows or columns changes nothing).  Locations with diversity 0 get
  ECI = NaN and COI = NaN; activities with ubiquity 0 get PCI = NaN and contribute
  nothing to COI/COG.
* ECI/PCI/COI/COG are all NaN, with the reason in ``ComplexityResult.notes`` (and in
  ``Series.attrs["note"]`` for :func:`eci_pci`), when fewer than 2 locations have
  diversity > 0, fewer than 2 activities have ubiquity > 0, or ``M̃`` has no second
  non-trivial eigenvector (``kc`` constant, e.g. every location has every activity).
  COI alone is NaN if raw COI does not vary across locations.
* A disconnected location–activity network (eigenvalue 1 repeated) or a repeated
  second eigenvalue makes ECI not unique; values are still returned, with a note.
* An empty matrix gives empty results.
* Negative, NaN or infinite input values raise ``ValueError`` (bad input, not an edge case).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Union

import numpy as np
import pandas as pd
import scipy.linalg as sla
import scipy.sparse as sp

__all__ = [
    "LabeledMatrix",
    "ComplexityResult",
    "from_long",
    "rca",
    "presence",
    "diversity",
    "ubiquity",
    "proximity",
    "density",
    "density_for_profile",
    "eci_pci",
    "eci",
    "pci",
    "coi",
    "cog",
    "complexity",
    "complexity_panel",
]

ProximityKind = Literal["symmetric", "asymmetric", "continuous"]
_PROXIMITY_KINDS = ("symmetric", "asymmetric", "continuous")

# relative tolerance used to decide that an eigenvalue gap or a spread is zero
_EIG_TOL = 1e-10


# --------------------------------------------------------------------------------------
# containers
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabeledMatrix:
    """A sparse location × activity matrix with labels.

    ``data`` is a ``scipy.sparse.csr_array`` of shape ``(len(locations), len(activities))``.
    Returned by :func:`from_long` with ``sparse=True`` and by :func:`rca` /
    :func:`presence` for sparse input; accepted by every function of this module.

    Attributes
    ----------
    data : scipy.sparse.csr_array
        The values (any sparse matrix or array is converted to a ``csr_array``).
    locations : pandas.Index
        Row labels (e.g. firm ids or zones).
    activities : pandas.Index
        Column labels (e.g. node ids).

    Raises
    ------
    ValueError
        If the shape of ``data`` does not match the numbers of labels.

    See Also
    --------
    from_long : builds one from a long table.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> m = LabeledMatrix(sp.csr_array(np.array([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])),
    ...                   ["f1", "f2", "f3"], ["p", "q"])
    >>> m.shape, m.data.nnz
    ((3, 2), 4)
    >>> m.to_frame()
          p    q
    f1  2.0  0.0
    f2  0.0  1.0
    f3  1.0  1.0
    """

    data: sp.csr_array
    locations: pd.Index
    activities: pd.Index

    def __post_init__(self) -> None:
        data = sp.csr_array(self.data)
        locations = pd.Index(self.locations)
        activities = pd.Index(self.activities)
        if data.shape != (len(locations), len(activities)):
            raise ValueError(
                f"LabeledMatrix: data has shape {data.shape} but there are "
                f"{len(locations)} locations and {len(activities)} activities"
            )
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "locations", locations)
        object.__setattr__(self, "activities", activities)

    @property
    def shape(self) -> tuple[int, int]:
        """``(number of locations, number of activities)``."""
        return self.data.shape

    def to_frame(self) -> pd.DataFrame:
        """Dense wide DataFrame (index = locations, columns = activities).

        Returns
        -------
        DataFrame
            The values of ``data`` (same unit), zeros included: one float64 per cell, so
            only for matrices that fit in memory densely.
        """
        return pd.DataFrame(self.data.toarray(), index=self.locations, columns=self.activities)


@dataclass(frozen=True)
class ComplexityResult:
    """All relatedness and complexity measures for one location × activity matrix.

    Made by :func:`complexity` (definitions in the module docstring).

    Attributes
    ----------
    rca : DataFrame, LabeledMatrix or None
        RCA matrix (dimensionless, ≥ 0; ``None`` when only a presence matrix was given;
        a :class:`LabeledMatrix` for sparse input).
    M : DataFrame or LabeledMatrix
        Presence matrix (0/1 integers), location × activity.
    diversity, ubiquity : Series of int64
        Number of activities present per location / number of locations per activity
        (names ``"diversity"``, ``"ubiquity"``).
    proximity : DataFrame
        Activity × activity φ in [0, 1], diagonal 0.
    density : DataFrame
        Location × activity density ω in [0, 1] (dense also for sparse input).
    eci : Series
        ECI per location (standardised, unitless; NaN where undefined), name ``"eci"``.
    pci : Series
        PCI per activity (standardised with ECI's mean and SD, unitless), name ``"pci"``.
    coi : Series
        Complexity outlook index per location (standardised, unitless), name ``"coi"``.
    cog : DataFrame
        Complexity outlook gain per location × activity (density × PCI units; 0 where
        ``M = 1``).
    kbar : float
        Mean PCI over the cells with M = 1 (NaN when PCI is undefined).
    notes : tuple of str
        Reasons for undefined (NaN) or non-unique values; empty when all is regular.
    threshold : float
        The RCA threshold used for presence.
    proximity_kind : str
        ``"symmetric"``, ``"asymmetric"``, ``"continuous"``, or ``"given"`` when ``phi``
        was passed.

    See Also
    --------
    complexity : builds it.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> res = complexity(X)
    >>> res.diversity.tolist(), res.ubiquity.tolist(), res.proximity_kind, res.notes
    ([2, 2, 2, 1], [2, 2, 2, 1], 'symmetric', ())
    >>> complexity(None, M=res.M).rca is None          # presence given: no RCA
    True
    """

    rca: pd.DataFrame | LabeledMatrix | None
    M: pd.DataFrame | LabeledMatrix
    diversity: pd.Series
    ubiquity: pd.Series
    proximity: pd.DataFrame
    density: pd.DataFrame
    eci: pd.Series
    pci: pd.Series
    coi: pd.Series
    cog: pd.DataFrame
    kbar: float
    notes: tuple[str, ...] = field(default=())
    threshold: float = 1.0
    proximity_kind: str = "symmetric"

    def to_long(self, *, location: str = "location", activity: str = "activity") -> pd.DataFrame:
        """One row per location × activity cell (all cells), Stata ``ecomplexity`` columns:
        location, activity, rca, M, density, eci, pci, diversity, ubiquity, coi, cog.

        Materialises every cell (n_locations × n_activities rows): for large sparse inputs
        prefer :func:`complexity_panel`, which returns only the cells of the input table.

        Parameters
        ----------
        location, activity : str
            Names of the two label columns (default ``"location"``, ``"activity"``).

        Returns
        -------
        DataFrame
            Rows location by location, activities in matrix order; columns ``location``,
            ``activity`` (labels), ``rca`` (dimensionless; NaN when no values were given),
            ``M`` (0/1), ``density`` (in [0, 1]), ``eci``, ``pci`` (standardised),
            ``diversity``, ``ubiquity`` (counts), ``coi`` (standardised), ``cog``.

        Examples
        --------
        >>> import pandas as pd
        >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
        ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
        >>> cells = complexity(X).to_long(location="zone", activity="node")
        >>> cells[["zone", "node", "rca", "M", "density", "cog"]].head(3).round(3)
          zone node    rca  M  density    cog
        0   z1    a  0.868  0      0.0 -0.162
        1   z1    b  0.955  0      0.5 -1.309
        2   z1    c  1.273  1      0.5  0.000
        """
        locs = self.diversity.index
        acts = self.ubiquity.index
        nc, na = len(locs), len(acts)
        r = np.repeat(np.arange(nc), na)
        c = np.tile(np.arange(na), nc)
        return _cells_frame(self, r, c, locs[r], acts[c], location=location, activity=activity)


def _dense_of(m: pd.DataFrame | LabeledMatrix) -> np.ndarray:
    return m.data.toarray() if isinstance(m, LabeledMatrix) else m.to_numpy()


def _cells_frame(res, r, c, loc_values, act_values, *, location, activity) -> pd.DataFrame:
    def cell(m):
        if isinstance(m, LabeledMatrix):
            return np.asarray(m.data[r, c]).ravel() if len(r) else np.zeros(0)
        return m.to_numpy()[r, c]

    out = {
        location: np.asarray(loc_values),
        activity: np.asarray(act_values),
        "rca": cell(res.rca) if res.rca is not None else np.full(len(r), np.nan),
        "M": cell(res.M).astype(np.int64),
        "density": res.density.to_numpy()[r, c],
        "eci": res.eci.to_numpy()[r],
        "pci": res.pci.to_numpy()[c],
        "diversity": res.diversity.to_numpy()[r],
        "ubiquity": res.ubiquity.to_numpy()[c],
        "coi": res.coi.to_numpy()[r],
        "cog": res.cog.to_numpy()[r, c],
    }
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------
# input handling
# --------------------------------------------------------------------------------------
@dataclass
class _Mat:
    a: np.ndarray | sp.csr_array  # float64
    rows: pd.Index
    cols: pd.Index

    @property
    def sparse(self) -> bool:
        return sp.issparse(self.a)


MatrixLike = Union[pd.DataFrame, np.ndarray, sp.spmatrix, sp.sparray, LabeledMatrix]


def _coerce(X: MatrixLike, *, name: str = "X") -> _Mat:
    if isinstance(X, LabeledMatrix):
        a = sp.csr_array(X.data, dtype=np.float64, copy=True)
        rows, cols = X.locations, X.activities
    elif isinstance(X, pd.DataFrame):
        a = X.to_numpy(dtype=np.float64, na_value=np.nan)
        rows, cols = X.index, X.columns
    elif sp.issparse(X):
        a = sp.csr_array(X, dtype=np.float64, copy=True)
        rows, cols = pd.RangeIndex(a.shape[0]), pd.RangeIndex(a.shape[1])
    else:
        a = np.asarray(X, dtype=np.float64)
        if a.ndim != 2:
            raise ValueError(f"{name} must be 2-dimensional (locations × activities), got ndim={a.ndim}")
        rows, cols = pd.RangeIndex(a.shape[0]), pd.RangeIndex(a.shape[1])
    if sp.issparse(a):
        a.sum_duplicates()
        vals = a.data
    else:
        vals = a
    if vals.size and not np.isfinite(vals).all():
        raise ValueError(f"{name} contains NaN or infinite values; fill missing cells with 0 explicitly")
    if vals.size and (vals < 0).any():
        raise ValueError(f"{name} contains negative values; location × activity values must be ≥ 0")
    if sp.issparse(a):
        a.eliminate_zeros()
    return _Mat(a, pd.Index(rows), pd.Index(cols))


def _coerce_presence(M: MatrixLike, *, name: str = "M") -> _Mat:
    m = _coerce(M, name=name)
    vals = m.a.data if m.sparse else m.a
    if vals.size and not ((vals == 0) | (vals == 1)).all():
        raise ValueError(
            f"{name} must be a presence matrix with values 0/1; "
            "use presence(X, threshold=...) to derive it from values"
        )
    return m


def _wrap(a, m: _Mat):
    if sp.issparse(a):
        return LabeledMatrix(a, m.rows, m.cols)
    return pd.DataFrame(a, index=m.rows, columns=m.cols, copy=False)


def from_long(
    df: pd.DataFrame,
    *,
    location: str,
    activity: str,
    value: str | None = None,
    sparse: bool = False,
) -> pd.DataFrame | LabeledMatrix:
    """Pivot a long table (one row per location, activity, value) to a matrix.

    Duplicate (location, activity) rows are summed; missing cells are 0.  Without
    ``value`` every row counts 1 (e.g. a firm × node membership list).  Labels are
    sorted.  Returns a wide DataFrame, or a :class:`LabeledMatrix` if ``sparse=True``
    (use it for large, mostly empty tables such as 100k firms × 500 nodes).

    Parameters
    ----------
    df : DataFrame
        The long table.
    location, activity : str
        Its columns with the row and column labels (must not be missing).
    value : str, optional
        Its column with the values (numeric; the unit of the result). None: every row
        counts 1, so a list without duplicate pairs gives a 0/1 presence matrix.
    sparse : bool
        Return a :class:`LabeledMatrix` instead of a dense DataFrame.

    Returns
    -------
    DataFrame or LabeledMatrix
        Locations × activities (sorted labels; index named ``location``, columns named
        ``activity``), float64: the summed values (or row counts), 0 for absent pairs.
        Values are not checked here; the functions that take the matrix reject negative
        or NaN values.

    Raises
    ------
    ValueError
        If a column is missing from ``df`` or a label is missing.

    See Also
    --------
    ecolib.workspace.load_workspace : the firm_nodes table (firm × node links).
    ecolib.analyses.genemap.zone_node_matrix : a zone × node matrix built directly.
    rca, presence, complexity : take the matrix.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> links = tiny().tables["firm_nodes"]
    >>> from_long(links, location="firm_id", activity="node_id")      # which firm works on which node
    node_id  N.CATH  N.CELL  N.LI  N.PACK
    firm_id
    F1          0.0     0.0   1.0     0.0
    F2          1.0     1.0   0.0     0.0
    F3          0.0     1.0   0.0     0.0
    F4          0.0     0.0   0.0     1.0
    X1          0.0     0.0   1.0     0.0
    >>> m = from_long(links, location="firm_id", activity="node_id", value="capability", sparse=True)
    >>> m.shape, m.data.nnz, m.to_frame().loc["F2"].tolist()
    ((5, 4), 6, [0.8, 0.4, 0.0, 0.0])
    """
    for col in [location, activity] + ([value] if value is not None else []):
        if col not in df.columns:
            raise ValueError(f"from_long: column {col!r} not in the table (columns: {list(df.columns)})")
    r, rows = pd.factorize(df[location], sort=True)
    c, cols = pd.factorize(df[activity], sort=True)
    if (r < 0).any() or (c < 0).any():
        raise ValueError(f"from_long: {location!r} and {activity!r} must not be missing")
    v = np.ones(len(df)) if value is None else pd.to_numeric(df[value]).to_numpy(dtype=np.float64)
    a = sp.coo_array((v, (r, c)), shape=(len(rows), len(cols))).tocsr()
    a.sum_duplicates()
    rows = pd.Index(rows, name=location)
    cols = pd.Index(cols, name=activity)
    if sparse:
        return LabeledMatrix(a, rows, cols)
    return pd.DataFrame(a.toarray(), index=rows, columns=cols, copy=False)


# --------------------------------------------------------------------------------------
# array kernels (float64 dense ndarray or csr_array)
# --------------------------------------------------------------------------------------
def _safe_inv(v: np.ndarray) -> np.ndarray:
    out = np.zeros_like(v, dtype=np.float64)
    nz = v != 0
    out[nz] = 1.0 / v[nz]
    return out


def _rowsum(a) -> np.ndarray:
    return np.asarray(a.sum(axis=1), dtype=np.float64).ravel()


def _colsum(a) -> np.ndarray:
    return np.asarray(a.sum(axis=0), dtype=np.float64).ravel()


def _rca_factors(a) -> tuple[np.ndarray, np.ndarray]:
    """Row and column factors of RCA: ``RCA_cp = X_cp · fr_c · fc_p`` (0 for zero totals)."""
    rs, cs = _rowsum(a), _colsum(a)
    total = rs.sum()
    return _safe_inv(rs), total * _safe_inv(cs)


def _rca_arr(a):
    fr, fc = _rca_factors(a)
    if sp.issparse(a):
        out = a.copy()
        row = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
        out.data = out.data * fr[row] * fc[out.indices]
        return out
    return a * fr[:, None] * fc[None, :]


def _presence_arr(r, threshold: float):
    if sp.issparse(r):
        out = r.copy()
        out.data = (out.data >= threshold).astype(np.float64)
        out.eliminate_zeros()
        return out
    return (r >= threshold).astype(np.float64)


def _gram(m) -> np.ndarray:
    """MᵀM as a dense float64 array (exact for 0/1 matrices)."""
    if sp.issparse(m):
        return np.asarray((m.T @ m).toarray(), dtype=np.float64)
    if m.shape[0] < 2**24:  # integer counts are exact in float32 below 2**24
        m32 = m.astype(np.float32)
        return (m32.T @ m32).astype(np.float64)
    return m.T @ m


def _proximity_arr(m, kind: str) -> np.ndarray:
    if kind == "continuous":
        return _continuous_proximity_arr(m)
    C = _gram(m)
    u = np.diag(C).copy()  # ubiquity
    if kind == "symmetric":
        phi = C * _safe_inv(np.maximum.outer(u, u))
    else:  # asymmetric: row p divided by k_p
        phi = C * _safe_inv(u)[:, None]
    np.fill_diagonal(phi, 0.0)
    return phi


def _continuous_proximity_arr(r) -> np.ndarray:
    n, k = r.shape
    if n < 2:
        return np.zeros((k, k))
    mu = _colsum(r) / n
    if sp.issparse(r):
        cov = (np.asarray((r.T @ r).toarray()) - n * np.outer(mu, mu)) / (n - 1)
    else:
        rc = r - mu[None, :]
        cov = rc.T @ rc / (n - 1)
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    ok = sd > _EIG_TOL * np.maximum(1.0, np.abs(mu))
    inv = np.where(ok, 1.0 / np.where(ok, sd, 1.0), 0.0)
    corr = np.clip(cov * inv[:, None] * inv[None, :], -1.0, 1.0)
    phi = (1.0 + corr) / 2.0
    phi[~ok, :] = 0.0
    phi[:, ~ok] = 0.0
    np.fill_diagonal(phi, 0.0)
    return phi


#: Bytes of a column block of the dense operand in :func:`_spmm` (about an L2/L3 cache share).
_SPMM_BLOCK_BYTES = 2**21


class _ColumnBlocks:
    """A dense matrix ``b`` cut into contiguous column blocks of about
    :data:`_SPMM_BLOCK_BYTES` each (a single block when ``b`` is small), for :func:`_spmm`."""

    def __init__(self, b: np.ndarray):
        b = np.asarray(b, dtype=np.float64)
        self.shape = b.shape
        width = max(64, _SPMM_BLOCK_BYTES // (8 * max(b.shape[0], 1)))
        if width >= b.shape[1]:
            self.blocks = [(0, np.ascontiguousarray(b))]
        else:
            self.blocks = [(j, np.ascontiguousarray(b[:, j:j + width])) for j in range(0, b.shape[1], width)]


def _spmm(m, b: np.ndarray | _ColumnBlocks) -> np.ndarray:
    """``m @ b`` for a sparse ``m`` and a dense ``b``, one column block of ``b`` at a time:
    scipy's kernel adds rows of ``b``, which stay in cache when ``b`` is cut in blocks (about
    3× faster for 2,000 activities). Every entry is the same sum in the same order, so the
    result is the same to the last bit."""
    cb = b if isinstance(b, _ColumnBlocks) else _ColumnBlocks(b)
    if len(cb.blocks) == 1:
        return np.asarray(m @ cb.blocks[0][1])
    out = np.empty((m.shape[0], cb.shape[1]))
    for j, blk in cb.blocks:
        out[:, j:j + blk.shape[1]] = m @ blk
    return out


def _density_arr(m, phi: np.ndarray) -> np.ndarray:
    num = _spmm(m, phi) if sp.issparse(m) else np.asarray(m @ phi)
    return num * _safe_inv(phi.sum(axis=0))[None, :]


@dataclass
class _EciOut:
    eci: np.ndarray  # per location, NaN where undefined
    pci: np.ndarray  # per activity
    mean: float
    s: float
    ncells: int
    rows: np.ndarray  # bool mask of included locations
    notes: list[str]


def _eci_arr(m) -> _EciOut:
    nc_all, np_all = m.shape
    kc0, kp0 = _rowsum(m), _colsum(m)
    rows, cols = kc0 > 0, kp0 > 0
    nc, npp = int(rows.sum()), int(cols.sum())
    nan_c, nan_p = np.full(nc_all, np.nan), np.full(np_all, np.nan)
    notes: list[str] = []

    def undefined(reason: str) -> _EciOut:
        return _EciOut(nan_c, nan_p, np.nan, np.nan, 0, rows, [reason])

    if nc < 2:
        return undefined(
            f"ECI/PCI undefined: {nc} location(s) with diversity > 0 (at least 2 needed); "
            "ECI, PCI, COI and COG are NaN"
        )
    if npp < 2:
        return undefined(
            f"ECI/PCI undefined: {npp} activit(y/ies) with ubiquity > 0 (at least 2 needed); "
            "ECI, PCI, COI and COG are NaN"
        )
    full = nc == nc_all and npp == np_all
    if sp.issparse(m):
        msub = m if full else m[np.flatnonzero(rows)][:, np.flatnonzero(cols)]
    else:
        msub = m if full else m[np.ix_(rows, cols)]
    dc, dp = kc0[rows], kp0[cols]
    # A = Dc^-1/2 M Dp^-1/2; eigenvectors of M̃ (product side) are Dp^-1/2 v for the
    # symmetric AᵀA, and of the location-side matrix Dc^-1/2 u for AAᵀ.
    if sp.issparse(msub):
        a = sp.diags_array(1.0 / np.sqrt(dc)) @ msub @ sp.diags_array(1.0 / np.sqrt(dp))
        S = (a.T @ a).toarray() if npp <= nc else (a @ a.T).toarray()
    else:
        a = msub * (1.0 / np.sqrt(dc))[:, None] * (1.0 / np.sqrt(dp))[None, :]
        S = a.T @ a if npp <= nc else a @ a.T
    n = S.shape[0]
    lo = max(n - 3, 0)
    vals, vecs = sla.eigh(S, subset_by_index=[lo, n - 1])
    lam1, lam2 = vals[-1], vals[-2]
    v2 = vecs[:, -2]
    if lam2 <= _EIG_TOL * max(lam1, 1.0):
        return undefined(
            "ECI/PCI undefined: M̃ has no second non-trivial eigenvalue (all locations have "
            "the same mix of activities); ECI, PCI, COI and COG are NaN"
        )
    if lam1 - lam2 <= _EIG_TOL:
        notes.append(
            "ECI/PCI not unique: the largest eigenvalue of M̃ is repeated, i.e. the "
            "location–activity network is disconnected; ECI separates its components"
        )
    elif len(vals) >= 3 and lam2 - vals[-3] <= _EIG_TOL * lam1:
        notes.append("ECI/PCI not unique: the second eigenvalue of M̃ is repeated")
    if npp <= nc:
        kp = v2 / np.sqrt(dp)
    else:
        kp = np.asarray(msub.T @ (v2 / np.sqrt(dc))) / dp
    kc = np.asarray(msub @ kp) / dc
    # sign: ECI correlates positively with diversity
    sign = 0.0
    if np.ptp(dc) > 0 and np.ptp(kc) > 0:
        sign = np.sign(np.corrcoef(kc, dc)[0, 1])
    if sign == 0 and np.ptp(dp) > 0 and np.ptp(kp) > 0:  # fallback: rarer activities more complex
        sign = -np.sign(np.corrcoef(kp, dp)[0, 1])
    if sign == 0:  # fallback: largest |deviation| positive (deterministic)
        dev = kc - kc.mean()
        sign = np.sign(dev[np.argmax(np.abs(dev))]) or 1.0
    kc, kp = kc * sign, kp * sign
    mean = kc.mean()
    ncells = nc * npp
    s = float(np.sqrt(npp * np.sum((kc - mean) ** 2) / (ncells - 1)))
    if not s > _EIG_TOL * max(np.abs(kc).max(), np.finfo(float).tiny):
        return undefined("ECI/PCI undefined: kc does not vary across locations; ECI, PCI, COI and COG are NaN")
    eci_v, pci_v = nan_c.copy(), nan_p.copy()
    eci_v[rows] = (kc - mean) / s
    pci_v[cols] = (kp - mean) / s
    return _EciOut(eci_v, pci_v, float(mean), s, ncells, rows, notes)


@dataclass
class _OutlookOut:
    coi: np.ndarray
    cog: np.ndarray
    kbar: float
    notes: list[str]


def _outlook_weights(m, phi: np.ndarray, e: _EciOut) -> tuple[float, np.ndarray, np.ndarray]:
    """k̄, ``v = PCI − k̄`` (0 where PCI is undefined) and ``w = v / Σ_p'' φ_p''p`` (COG weights)."""
    kp0 = _colsum(m)
    ok = ~np.isnan(e.pci)
    kbar = float(np.sum(kp0[ok] * e.pci[ok]) / np.sum(kp0[ok]))
    v = np.where(ok, e.pci - kbar, 0.0)  # undefined PCI contributes nothing
    return kbar, v, v * _safe_inv(phi.sum(axis=0))


def _raw_coi(m, dens: np.ndarray, v: np.ndarray) -> np.ndarray:
    """raw COI = Σ_p (1 − M) ω (pci − k̄), per location (rows of ``m``)."""
    if sp.issparse(m):
        return dens @ v - np.asarray(m.multiply(dens) @ v).ravel()
    return (dens * (1.0 - m)) @ v


def _cog_sparse(m, phi_t: np.ndarray | _ColumnBlocks, g: np.ndarray, w: np.ndarray) -> np.ndarray:
    """COG of a sparse ``m`` before zeroing its present cells: ``g − (M diag(w)) φᵀ``, with
    ``g = φ w`` and ``phi_t = φᵀ``."""
    out = _spmm(m @ sp.diags_array(w), phi_t)
    np.subtract(g[None, :], out, out=out)
    return out


def _coi_standardise(raw: np.ndarray, e: _EciOut) -> tuple[np.ndarray, list[str]]:
    coi = np.full(raw.shape[0], np.nan)
    rows = e.rows
    rr = raw[rows]
    mean = rr.mean()
    npp = e.ncells // int(rows.sum())
    s = float(np.sqrt(npp * np.sum((rr - mean) ** 2) / (e.ncells - 1)))
    if s > _EIG_TOL * max(np.abs(rr).max(), np.finfo(float).tiny):
        coi[rows] = (rr - mean) / s
        return coi, []
    return coi, ["COI undefined: raw complexity outlook does not vary across locations; COI is NaN"]


def _outlook_arr(m, phi: np.ndarray, dens: np.ndarray, e: _EciOut) -> _OutlookOut:
    nc_all, np_all = m.shape
    if np.isnan(e.pci).all():
        return _OutlookOut(np.full(nc_all, np.nan), np.full((nc_all, np_all), np.nan), np.nan, [])
    kbar, v, w = _outlook_weights(m, phi, e)
    raw = _raw_coi(m, dens, v)
    # COG = (1 − M) ⊙ (W φᵀ), W_cp' = (1 − M_cp') (pci_p' − k̄) / Σ_p'' φ_p''p'
    if sp.issparse(m):
        cog = _cog_sparse(m, phi.T, phi @ w, w)
        mr = m.tocoo()
        cog[mr.row, mr.col] = 0.0
    else:
        cog = ((1.0 - m) * w[None, :]) @ phi.T
        np.putmask(cog, m != 0, 0.0)
    coi, notes = _coi_standardise(raw, e)
    return _OutlookOut(coi, cog, kbar, notes)


# --------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------
def rca(X: MatrixLike) -> pd.DataFrame | LabeledMatrix:
    """Balassa revealed comparative advantage (dimensionless).

    ``RCA_cp = (X_cp / Σ_p X_cp) / (Σ_c X_cp / Σ_cp X_cp)``; 0 where a row or column
    total is 0.  Same labels as ``X``; sparse input gives a :class:`LabeledMatrix`.

    Parameters
    ----------
    X : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        Location × activity values ≥ 0 (any unit, e.g. output in currency per year); an
        ndarray or a bare sparse matrix gets the labels ``0 … n − 1``.

    Returns
    -------
    DataFrame or LabeledMatrix
        RCA per cell (dimensionless, ≥ 0; > 1 where the location's share of the activity
        is above the activity's share of the whole matrix), float64, labels of ``X``.

    Raises
    ------
    ValueError
        For NaN, infinite or negative values, or input that is not 2-D.

    See Also
    --------
    from_long : a matrix from a long table.
    ecolib.analyses.genemap.zone_node_matrix : the zone × node output of a park.
    presence : RCA ≥ threshold.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> rca(X).round(3)
            a      b      c      d
    z1  0.868  0.955  1.273  1.909
    z2  0.955  1.167  1.167  0.000
    z3  1.273  1.167  0.000  0.000
    z4  1.909  0.000  0.000  0.000
    """
    m = _coerce(X)
    return _wrap(_rca_arr(m.a), m)


def presence(X: MatrixLike, *, threshold: float = 1.0) -> pd.DataFrame | LabeledMatrix:
    """Presence matrix ``M_cp = 1 if RCA_cp ≥ threshold else 0`` (integers 0/1).

    ``threshold`` must be > 0, so a location never "has" an activity with value 0.
    To use your own presence rule, build the 0/1 matrix yourself and pass it as ``M``.

    Parameters
    ----------
    X : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        Location × activity values ≥ 0 (as for :func:`rca`).
    threshold : float
        RCA at or above which an activity is present (> 0), default 1.

    Returns
    -------
    DataFrame or LabeledMatrix
        0/1 int64 per cell, labels of ``X`` (a :class:`LabeledMatrix` for sparse input).

    Raises
    ------
    ValueError
        For ``threshold`` ≤ 0 or bad values (as :func:`rca`).

    See Also
    --------
    from_long : a matrix from a long table.
    rca : the RCA compared with the threshold.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> presence(X)
        a  b  c  d
    z1  0  0  1  1
    z2  0  1  1  0
    z3  1  1  0  0
    z4  1  0  0  0
    >>> presence(X, threshold=1.2).sum().tolist()
    [2, 0, 1, 1]
    """
    if not threshold > 0:
        raise ValueError(f"threshold must be > 0, got {threshold!r}")
    m = _coerce(X)
    p = _presence_arr(_rca_arr(m.a), threshold)
    return _wrap(p.astype(np.int64), m)


def diversity(M: MatrixLike) -> pd.Series:
    """Diversity ``k_c = Σ_p M_cp``: number of activities present in each location.

    Parameters
    ----------
    M : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        A 0/1 presence matrix (location × activity); values other than 0 and 1 raise.

    Returns
    -------
    Series of int64
        Number of activities per location, indexed by location, name ``"diversity"``.

    Raises
    ------
    ValueError
        If ``M`` is not 0/1.

    See Also
    --------
    presence : builds ``M`` from values.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> M = presence(X)          # z1: c, d; z2: b, c; z3: a, b; z4: a
    >>> diversity(M).to_dict()
    {'z1': 2, 'z2': 2, 'z3': 2, 'z4': 1}
    """
    m = _coerce_presence(M)
    return pd.Series(_rowsum(m.a).astype(np.int64), index=m.rows, name="diversity")


def ubiquity(M: MatrixLike) -> pd.Series:
    """Ubiquity ``k_p = Σ_c M_cp``: number of locations where each activity is present.

    Parameters
    ----------
    M : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        A 0/1 presence matrix (location × activity); values other than 0 and 1 raise.

    Returns
    -------
    Series of int64
        Number of locations per activity, indexed by activity, name ``"ubiquity"``.

    Raises
    ------
    ValueError
        If ``M`` is not 0/1.

    See Also
    --------
    presence : builds ``M`` from values.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> M = presence(X)          # z1: c, d; z2: b, c; z3: a, b; z4: a
    >>> ubiquity(M).to_dict()
    {'a': 2, 'b': 2, 'c': 2, 'd': 1}
    """
    m = _coerce_presence(M)
    return pd.Series(_colsum(m.a).astype(np.int64), index=m.cols, name="ubiquity")


def proximity(data: MatrixLike, *, kind: ProximityKind = "symmetric") -> pd.DataFrame:
    """Activity × activity proximity φ in [0, 1], diagonal 0.

    ``data`` is the presence matrix ``M`` for ``kind="symmetric"``
    (``C_pp'/max(k_p, k_p')``) and ``"asymmetric"`` (row p: ``C_pp'/k_p``, i.e. the
    probability that p' is present where p is), and the **RCA matrix** for
    ``"continuous"`` (``(1 + corr(RCA_p, RCA_p'))/2`` across locations).  Zero
    denominators give 0.

    Parameters
    ----------
    data : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        Location × activity: the 0/1 presence matrix ``M`` (``"symmetric"``,
        ``"asymmetric"``) or the RCA matrix (``"continuous"``).
    kind : {"symmetric", "asymmetric", "continuous"}
        The definition (module docstring), default ``"symmetric"``.

    Returns
    -------
    DataFrame
        Activity × activity φ in [0, 1] (index and columns = the activities of ``data``),
        diagonal 0; symmetric except for ``"asymmetric"`` (row ``p``: P(p' | p)).

    Raises
    ------
    ValueError
        For an unknown ``kind``, a non-0/1 ``M``, or bad values.

    See Also
    --------
    presence : builds ``M``.
    rca : builds the RCA matrix.
    density : uses φ.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> M = presence(X)          # z1: c, d; z2: b, c; z3: a, b; z4: a
    >>> proximity(M)
         a    b    c    d
    a  0.0  0.5  0.0  0.0
    b  0.5  0.0  0.5  0.0
    c  0.0  0.5  0.0  0.5
    d  0.0  0.0  0.5  0.0
    >>> proximity(M, kind="asymmetric").loc["d"].tolist()     # where d is, c is
    [0.0, 0.0, 1.0, 0.0]
    >>> proximity(rca(X), kind="continuous").round(3).loc["a"].tolist()
    [0.0, 0.065, 0.083, 0.229]
    """
    if kind not in _PROXIMITY_KINDS:
        raise ValueError(f"kind must be one of {_PROXIMITY_KINDS}, got {kind!r}")
    m = _coerce(data, name="RCA") if kind == "continuous" else _coerce_presence(data)
    phi = _proximity_arr(m.a, kind)
    return pd.DataFrame(phi, index=m.cols, columns=m.cols, copy=False)


def _coerce_phi(phi, cols: pd.Index) -> np.ndarray:
    if isinstance(phi, pd.DataFrame):
        if not (phi.index.equals(cols) and phi.columns.equals(cols)):
            missing = cols.difference(phi.index).union(cols.difference(phi.columns))
            if len(missing):
                raise ValueError(f"proximity lacks activities {list(missing[:5])}")
            phi = phi.reindex(index=cols, columns=cols)
        a = phi.to_numpy(dtype=np.float64)
    else:
        a = np.asarray(phi.toarray() if sp.issparse(phi) else phi, dtype=np.float64)
    if a.shape != (len(cols), len(cols)):
        raise ValueError(f"proximity must be {len(cols)} × {len(cols)}, got {a.shape}")
    if a.size and not np.isfinite(a).all():
        raise ValueError("proximity contains NaN or infinite values")
    return a


def density(M: MatrixLike, phi: pd.DataFrame | np.ndarray | None = None) -> pd.DataFrame:
    """Density ``ω_cp = Σ_p' M_cp' φ_p'p / Σ_p' φ_p'p`` (in [0, 1] for φ in [0, 1]).

    ``phi`` defaults to the symmetric proximity of ``M``; a DataFrame is aligned on the
    activity labels.  Activities whose proximity column sums to 0 get density 0.
    Always returns a dense location × activity DataFrame.

    Parameters
    ----------
    M : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        A 0/1 presence matrix (location × activity).
    phi : DataFrame or ndarray, optional
        Activity × activity proximity (e.g. :func:`proximity` of a larger region). A
        DataFrame must hold every activity of ``M`` (extra ones are ignored); an array must
        be in ``M``'s column order.

    Returns
    -------
    DataFrame
        Location × activity density (a share in [0, 1] for φ in [0, 1]; present
        activities included), labels of ``M``.

    Raises
    ------
    ValueError
        If ``M`` is not 0/1, or ``phi`` lacks activities, has the wrong shape or holds
        NaN/inf.

    See Also
    --------
    presence : builds ``M``.
    proximity : builds ``phi``.
    density_for_profile : the same for one location's set of activities.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> M = presence(X)          # z1: c, d; z2: b, c; z3: a, b; z4: a
    >>> density(M)
          a    b    c    d
    z1  0.0  0.5  0.5  1.0
    z2  1.0  0.5  0.5  1.0
    z3  1.0  0.5  0.5  0.0
    z4  0.0  0.5  0.0  0.0
    """
    m = _coerce_presence(M)
    a = _proximity_arr(m.a, "symmetric") if phi is None else _coerce_phi(phi, m.cols)
    return pd.DataFrame(_density_arr(m.a, a), index=m.rows, columns=m.cols, copy=False)


def density_for_profile(M_row, proximity: pd.DataFrame | np.ndarray) -> pd.Series:
    """Density of every activity given one location's set of present activities.

    Used for the feasibility of a missing node given a park's present nodes, or of a
    node given a firm's own nodes.  ``M_row`` may be

    * a Series indexed by activity (0/1 or bool; activities not listed count as absent),
    * a 1-D numpy array aligned with the proximity's rows (0/1 or bool),
    * any other collection (list, set, Index) of the labels of the present activities.

    Returns ``Σ_p' M_p' φ_p'p / Σ_p' φ_p'p`` for every activity ``p`` of the proximity
    (present ones included), name ``"density"``.  Zero proximity column → 0.

    Parameters
    ----------
    M_row : Series, ndarray or collection of labels
        The present activities, in one of the three forms above.
    proximity : DataFrame or ndarray
        Square activity × activity φ (a DataFrame's columns are aligned on its index; an
        array's activities are labelled ``0 … n − 1``).

    Returns
    -------
    Series
        Density per activity of ``proximity`` (a share in [0, 1] for φ in [0, 1]), indexed
        by its activities, name ``"density"``.

    Raises
    ------
    ValueError
        For activities not in ``proximity``, a wrong length, non-0/1 values, a non-square
        or non-finite ``proximity``.
    TypeError
        If ``M_row`` is a string or not a collection.

    See Also
    --------
    proximity : builds φ (e.g. from a firm × node presence matrix).
    from_long : the firm × node matrix of the firm_nodes table.

    Examples
    --------
    Node proximity from which firms work on which node (tiny park): F2 works on both
    cathodes and cells, so a firm on cathodes is close to cells.

    >>> from ecolib.datasets import tiny
    >>> links = tiny().tables["firm_nodes"]
    >>> phi = proximity(from_long(links, location="firm_id", activity="node_id"))
    >>> density_for_profile(["N.CATH"], phi).to_dict()
    {'N.CATH': 0.0, 'N.CELL': 1.0, 'N.LI': 0.0, 'N.PACK': 0.0}
    >>> density_for_profile(pd.Series({"N.CATH": 1, "N.LI": 0}), phi).tolist()
    [0.0, 1.0, 0.0, 0.0]
    """
    if isinstance(proximity, pd.DataFrame):
        labels = proximity.index
        if not proximity.columns.equals(labels):
            proximity = proximity.reindex(columns=labels)
        phi = _coerce_phi(proximity, labels)
    else:
        phi = np.asarray(proximity, dtype=np.float64)
        if phi.ndim != 2 or phi.shape[0] != phi.shape[1]:
            raise ValueError(f"proximity must be square, got shape {phi.shape}")
        labels = pd.RangeIndex(phi.shape[0])
        phi = _coerce_phi(phi, labels)
    if isinstance(M_row, pd.Series):
        unknown = M_row.index.difference(labels)
        if len(unknown):
            raise ValueError(f"M_row has activities not in proximity: {list(unknown[:5])}")
        v = M_row.reindex(labels, fill_value=0).to_numpy(dtype=np.float64)
    elif isinstance(M_row, np.ndarray):
        v = M_row.astype(np.float64).ravel()
        if v.shape[0] != len(labels):
            raise ValueError(f"M_row has length {v.shape[0]}, proximity has {len(labels)} activities")
    elif isinstance(M_row, Iterable) and not isinstance(M_row, (str, bytes)):
        present = pd.Index(list(M_row))
        unknown = present.difference(labels)
        if len(unknown):
            raise ValueError(f"activities not in proximity: {list(unknown[:5])}")
        v = labels.isin(present).astype(np.float64)
    else:
        raise TypeError("M_row must be a Series, a 1-D array or a collection of activity labels")
    if v.size and not ((v == 0) | (v == 1)).all():
        raise ValueError("M_row must be 0/1 (presence)")
    out = (v @ phi) * _safe_inv(phi.sum(axis=0))
    return pd.Series(out, index=labels, name="density")


def eci_pci(M: MatrixLike) -> tuple[pd.Series, pd.Series]:
    """Economic Complexity Index (per location) and Product Complexity Index (per activity).

    Stata ``ecomplexity`` conventions (see module docstring).  Undefined cases give NaN
    and the reason in ``.attrs["note"]`` of both Series (a non-unique result keeps its
    values and gets a note too).

    Parameters
    ----------
    M : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        A 0/1 presence matrix (location × activity).

    Returns
    -------
    eci : Series
        ECI per location (standardised, unitless: mean 0 and SD 1 over the cells), name
        ``"eci"``; NaN for locations with diversity 0.
    pci : Series
        PCI per activity (standardised with ECI's mean and SD), name ``"pci"``; NaN for
        activities with ubiquity 0.

    Raises
    ------
    ValueError
        If ``M`` is not 0/1.

    See Also
    --------
    presence : builds ``M``.
    complexity : every measure at once.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> M = presence(X)          # z1: c, d; z2: b, c; z3: a, b; z4: a
    >>> e, p = eci_pci(M)
    >>> e.round(3).to_dict()        # a location's ECI is the mean PCI of its activities
    {'z1': 1.343, 'z2': 0.455, 'z3': -0.653, 'z4': -1.146}
    >>> p.round(3).to_dict()
    {'a': -1.146, 'b': -0.16, 'c': 1.07, 'd': 1.617}
    >>> e, p = eci_pci(pd.DataFrame([[1, 1], [1, 1]]))       # same mix everywhere
    >>> e.tolist(), e.attrs["note"]
    ([nan, nan], 'ECI/PCI undefined: M̃ has no second non-trivial eigenvalue (all locations
    have the same mix of activities); ECI, PCI, COI and COG are NaN')
    """
    m = _coerce_presence(M)
    e = _eci_arr(m.a)
    note = "; ".join(e.notes)
    s_e = pd.Series(e.eci, index=m.rows, name="eci")
    s_p = pd.Series(e.pci, index=m.cols, name="pci")
    if note:
        s_e.attrs["note"] = note
        s_p.attrs["note"] = note
    return s_e, s_p


def eci(M: MatrixLike) -> pd.Series:
    """Economic Complexity Index per location (standardised). See :func:`eci_pci`.

    Parameters
    ----------
    M : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        A 0/1 presence matrix (location × activity).

    Returns
    -------
    Series
        ECI per location (standardised, unitless), name ``"eci"``; a note in
        ``.attrs["note"]`` when undefined or not unique.

    See Also
    --------
    presence : builds ``M``.
    eci_pci : ECI and PCI together.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> M = presence(X)          # z1: c, d; z2: b, c; z3: a, b; z4: a
    >>> eci(M).round(3).tolist()
    [1.343, 0.455, -0.653, -1.146]
    """
    return eci_pci(M)[0]


def pci(M: MatrixLike) -> pd.Series:
    """Product (activity) Complexity Index, standardised with ECI's mean and SD.

    Parameters
    ----------
    M : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        A 0/1 presence matrix (location × activity).

    Returns
    -------
    Series
        PCI per activity (unitless), name ``"pci"``; a note in ``.attrs["note"]`` when
        undefined or not unique.

    See Also
    --------
    presence : builds ``M``.
    eci_pci : ECI and PCI together.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> M = presence(X)          # z1: c, d; z2: b, c; z3: a, b; z4: a
    >>> pci(M).round(3).tolist()          # d, present in one location only, is the most complex
    [-1.146, -0.16, 1.07, 1.617]
    """
    return eci_pci(M)[1]


def coi(M: MatrixLike, phi: pd.DataFrame | np.ndarray | None = None) -> pd.Series:
    """Complexity Outlook Index per location (standardised); ``phi`` defaults to the
    symmetric proximity of ``M``.

    Parameters
    ----------
    M : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        A 0/1 presence matrix (location × activity).
    phi : DataFrame or ndarray, optional
        Activity × activity proximity to use instead (as in :func:`density`).

    Returns
    -------
    Series
        COI per location (standardised like ECI, unitless), name ``"coi"``; NaN where
        undefined (the reason is in :attr:`ComplexityResult.notes` of :func:`complexity`).

    See Also
    --------
    presence : builds ``M``.
    proximity : builds ``phi``.
    complexity : every measure, with the notes.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> M = presence(X)          # z1: c, d; z2: b, c; z3: a, b; z4: a
    >>> coi(M).round(3).to_dict()
    {'z1': -0.875, 'z2': 0.287, 'z3': 1.462, 'z4': -0.875}
    """
    return complexity(None, M=M, phi=phi).coi


def cog(M: MatrixLike, phi: pd.DataFrame | np.ndarray | None = None) -> pd.DataFrame:
    """Complexity Outlook Gain per location × activity (0 where present).

    Parameters
    ----------
    M : DataFrame, ndarray, scipy.sparse matrix or LabeledMatrix
        A 0/1 presence matrix (location × activity).
    phi : DataFrame or ndarray, optional
        Activity × activity proximity to use instead (default: symmetric proximity of ``M``).

    Returns
    -------
    DataFrame
        Location × activity COG (density gain × PCI above k̄, unitless; negative when the
        activities it brings closer are less complex than k̄); 0 where ``M = 1``, NaN when
        PCI is undefined.

    See Also
    --------
    presence : builds ``M``.
    proximity : builds ``phi``.
    complexity : every measure, with the notes.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> M = presence(X)          # z1: c, d; z2: b, c; z3: a, b; z4: a
    >>> cog(M).round(3)
            a      b      c      d
    z1 -0.162 -1.309  0.000  0.000
    z2  0.000  0.000  0.000  0.000
    z3  0.000  0.000  1.453  0.453
    z4  0.000  0.453  1.292  0.453
    """
    return complexity(None, M=M, phi=phi).cog


def complexity(
    X: MatrixLike | None,
    *,
    M: MatrixLike | None = None,
    threshold: float = 1.0,
    proximity_kind: ProximityKind = "symmetric",
    phi: pd.DataFrame | np.ndarray | None = None,
) -> ComplexityResult:
    """Every measure of this module for one location × activity matrix.

    Parameters
    ----------
    X : DataFrame, ndarray, scipy.sparse matrix, LabeledMatrix or None
        Location × activity values (≥ 0, any unit, e.g. output in currency per year).
        May be ``None`` if ``M`` is given (then ``rca`` is ``None``).
    M : same types, optional
        A presence matrix (0/1) to use instead of ``RCA ≥ threshold``; same shape/labels
        as ``X`` when both are given.
    threshold : float
        RCA threshold for presence (> 0), default 1; checked and used only with ``X``.
    proximity_kind : {"symmetric", "asymmetric", "continuous"}
        ``"symmetric"`` (Stata default), ``"asymmetric"`` or ``"continuous"`` (needs ``X``).
    phi : DataFrame or ndarray, optional
        A proximity matrix to use instead (e.g. one estimated on a larger region); aligned
        as in :func:`density`.

    Conventions are those of the Stata ``ecomplexity`` package; see the module docstring
    for the formulas and for the edge cases (undefined values are NaN with a note).

    Returns
    -------
    ComplexityResult
        Fields ``rca``, ``M``, ``diversity``, ``ubiquity``, ``proximity``, ``density``,
        ``eci``, ``pci``, ``coi``, ``cog``, ``kbar``, ``notes``, ``threshold``,
        ``proximity_kind`` (see :class:`ComplexityResult`); ``to_long()`` gives one row per
        cell.

    Raises
    ------
    ValueError
        If neither ``X`` nor ``M`` is given, for an unknown ``proximity_kind``,
        ``threshold`` ≤ 0, ``"continuous"`` without ``X``, ``M`` and ``X`` with different
        labels, or bad values.

    See Also
    --------
    from_long : a matrix from a long table.
    ecolib.analyses.genemap.zone_node_matrix : the zone × node output of a park.
    complexity_panel : the same on a long table, period by period.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> res = complexity(X)
    >>> res.eci.round(3).tolist(), res.pci.round(3).tolist()
    ([1.343, 0.455, -0.653, -1.146], [-1.146, -0.16, 1.07, 1.617])
    >>> res.coi.round(3).tolist(), round(res.kbar, 3), res.notes
    ([-0.875, 0.287, 1.462, -0.875], 0.164, ())

    The two zones of the tiny park share no node: ECI only tells the two parts apart.

    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import zone_node_matrix
    >>> tables = tiny().tables
    >>> Z = zone_node_matrix(tables["firms"], tables["firm_nodes"], month="2026-03")
    >>> Z
    node_id  N.CATH  N.CELL   N.LI
    zone
    North     100.0   100.0  100.0
    South       0.0  1000.0    0.0
    >>> res = complexity(Z)
    >>> res.eci.round(3).to_dict()
    {'North': 0.913, 'South': -0.913}
    >>> res.notes
    ('ECI/PCI not unique: the largest eigenvalue of M̃ is repeated, i.e. the location–activity
      network is disconnected; ECI separates its components',
     'COI undefined: raw complexity outlook does not vary across locations; COI is NaN')
    """
    if proximity_kind not in _PROXIMITY_KINDS:
        raise ValueError(f"proximity_kind must be one of {_PROXIMITY_KINDS}, got {proximity_kind!r}")
    if X is None and M is None:
        raise ValueError("give X (values) or M (presence matrix)")
    notes: list[str] = []
    r_out = None
    if X is not None:
        x = _coerce(X)
        if not threshold > 0:
            raise ValueError(f"threshold must be > 0, got {threshold!r}")
        r = _rca_arr(x.a)
        r_out = _wrap(r, x)
    if M is not None:
        m = _coerce_presence(M)
        if X is not None and (m.a.shape != x.a.shape or not (m.rows.equals(x.rows) and m.cols.equals(x.cols))):
            raise ValueError("M and X must have the same shape and labels")
    else:
        m = _Mat(_presence_arr(r, threshold), x.rows, x.cols)
    ma = m.a
    if phi is not None:
        ph = _coerce_phi(phi, m.cols)
    elif proximity_kind == "continuous":
        if X is None:
            raise ValueError('proximity_kind="continuous" needs the values X (it uses RCA)')
        ph = _continuous_proximity_arr(r)
    else:
        ph = _proximity_arr(ma, proximity_kind)
    dens = _density_arr(ma, ph)
    e = _eci_arr(ma)
    notes += e.notes
    o = _outlook_arr(ma, ph, dens, e)
    notes += o.notes
    m_out = _wrap(ma.astype(np.int64), m)
    return ComplexityResult(
        rca=r_out,
        M=m_out,
        diversity=pd.Series(_rowsum(ma).astype(np.int64), index=m.rows, name="diversity"),
        ubiquity=pd.Series(_colsum(ma).astype(np.int64), index=m.cols, name="ubiquity"),
        proximity=pd.DataFrame(ph, index=m.cols, columns=m.cols, copy=False),
        density=pd.DataFrame(dens, index=m.rows, columns=m.cols, copy=False),
        eci=pd.Series(e.eci, index=m.rows, name="eci"),
        pci=pd.Series(e.pci, index=m.cols, name="pci"),
        coi=pd.Series(o.coi, index=m.rows, name="coi"),
        cog=pd.DataFrame(o.cog, index=m.rows, columns=m.cols, copy=False),
        kbar=o.kbar,
        notes=tuple(notes),
        threshold=float(threshold),
        proximity_kind=proximity_kind if phi is None else "given",
    )


def complexity_panel(
    df: pd.DataFrame,
    *,
    location: str,
    activity: str,
    value: str,
    time: str | None = None,
    threshold: float = 1.0,
    proximity_kind: ProximityKind = "symmetric",
) -> pd.DataFrame:
    """Long-table interface like Stata ``ecomplexity value, i(location) p(activity) t(time)``.

    Computed separately for each ``time`` value (if given).  Returns one row per distinct
    (time, location, activity) of ``df`` (duplicates summed, first-occurrence order) with
    the columns: [time], location, activity, value, rca, M, density, eci, pci, diversity,
    ubiquity, coi, cog.  Location × activity cells absent from ``df`` count as 0 but are
    not added as rows.

    The numbers are those of :func:`complexity` on each period's sparse matrix, but no dense
    location × activity array is built: memory grows with the rows of ``df`` (plus one
    activity × activity proximity per period), not with locations × activities, so a table of
    100k firms × 2,000 nodes with a few links per firm fits where the dense matrix would not.

    Parameters
    ----------
    df : DataFrame
        The long table, one row per (time,) location, activity and value.
    location, activity : str
        Its label columns (must not be missing).
    value : str
        Its value column (numeric, ≥ 0 after summing; any unit).
    time : str, optional
        Its period column (e.g. year or month); each period is computed on its own matrix.
    threshold : float
        RCA threshold for presence (> 0), default 1.
    proximity_kind : {"symmetric", "asymmetric", "continuous"}
        As in :func:`complexity`.

    Returns
    -------
    DataFrame
        Index ``0 … n − 1``; columns ``time`` (if given), ``location``, ``activity``, the
        ``value`` column (summed, its unit), ``rca`` (dimensionless), ``M`` (0/1),
        ``density`` (in [0, 1]), ``eci``, ``pci`` (standardised within the period),
        ``diversity``, ``ubiquity`` (counts), ``coi`` (standardised), ``cog``.
        ``.attrs["notes"]`` is a dict period → tuple of str: the notes of :func:`complexity`
        for that period's matrix (why values are NaN or not unique; empty tuple when all is
        regular), with the key ``None`` when ``time`` is not given. pandas carries ``attrs``
        through selections, but not through every operation: read them from the result.

    Raises
    ------
    ValueError
        For a missing column, missing keys, or bad values.

    See Also
    --------
    ecolib.workspace.load_workspace : tables such as firm_nodes to build ``df`` from.
    complexity : one matrix, with the notes.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[5, 3, 2, 1], [3, 2, 1, 0], [2, 1, 0, 0], [1, 0, 0, 0]],
    ...                  index=["z1", "z2", "z3", "z4"], columns=["a", "b", "c", "d"], dtype=float)
    >>> long = X.stack().rename("output").rename_axis(["zone", "node"]).reset_index()
    >>> panel = complexity_panel(long, location="zone", activity="node", value="output")
    >>> panel[["zone", "node", "output", "rca", "M", "eci", "pci"]].head(3).round(3)
      zone node  output    rca  M    eci    pci
    0   z1    a     5.0  0.868  0  1.343 -1.146
    1   z1    b     3.0  0.955  0  1.343 -0.160
    2   z1    c     2.0  1.273  1  1.343  1.070
    >>> mirrored = long["output"].to_numpy()[::-1]           # 2026: z1 has only d, ...
    >>> two = pd.concat([long.assign(year=2025), long.assign(year=2026, output=mirrored)])
    >>> by_year = complexity_panel(two, location="zone", activity="node", value="output", time="year")
    >>> by_year.groupby("year")["eci"].first().round(3).to_dict()       # z1's ECI each year
    {2025: 1.343, 2026: -1.146}
    >>> by_year.attrs["notes"]
    {2025: (), 2026: ()}

    The tiny park's two zones share no node, as for :func:`complexity`:

    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import zone_node_matrix
    >>> tables = tiny().tables
    >>> Z = zone_node_matrix(tables["firms"], tables["firm_nodes"], month="2026-03")
    >>> zones = Z.stack().rename("output").reset_index()
    >>> cells = complexity_panel(zones[zones.output > 0], location="zone", activity="node_id", value="output")
    >>> cells.attrs["notes"][None] == complexity(Z).notes
    True
    """
    keys = ([time] if time is not None else []) + [location, activity]
    for col in keys + [value]:
        if col not in df.columns:
            raise ValueError(f"complexity_panel: column {col!r} not in the table")
    if df[keys].isna().any().any():
        raise ValueError(f"complexity_panel: key columns {keys} must not be missing")
    if not threshold > 0:
        raise ValueError(f"threshold must be > 0, got {threshold!r}")
    if proximity_kind not in _PROXIMITY_KINDS:
        raise ValueError(f"proximity_kind must be one of {_PROXIMITY_KINDS}, got {proximity_kind!r}")
    try:
        agg, notes, out = _panel_measures(df[keys + [value]].reset_index(drop=True), keys, value, time,
                                          threshold=threshold, proximity_kind=proximity_kind)
    except _NeedsSum:  # sum duplicates into the first occurrence's row (a missing value counts 0)
        agg = df.groupby(keys, sort=False)[value].sum().reset_index()
        agg, notes, out = _panel_measures(agg, keys, value, time, threshold=threshold, proximity_kind=proximity_kind)
    res = agg.copy(deep=False)  # copy-on-write: the key and value columns are not copied
    for k in ["rca", "M", "density", "eci", "pci", "diversity", "ubiquity", "coi", "cog"]:
        res[k] = out.pop(k)
    res.attrs["notes"] = notes
    return res


class _NeedsSum(Exception):
    """The long table has rows with the same (time, location, activity), or missing values:
    it is summed by key first (as ``groupby(...).sum()``, where a missing value counts 0)."""


def _panel_measures(agg: pd.DataFrame, keys: list[str], value: str, time: str | None, *, threshold: float,
                    proximity_kind: str):
    """``(agg, notes, out)``: every measure for every row of ``agg`` (a long table), period by
    period; ``notes`` per period code (periods in order of first occurrence), ``out`` the
    measure columns. Raises :class:`_NeedsSum` if a (time, location, activity) repeats or a
    value is missing."""
    location, activity = keys[-2], keys[-1]
    n = len(agg)
    idx_type = np.int32 if n < 2**31 - 1 else np.int64
    lc = pd.factorize(agg[location], sort=True)[0].astype(idx_type)
    ac = pd.factorize(agg[activity], sort=True)[0].astype(idx_type)
    tc, nt = None, 1
    if time is not None:
        tc, periods = pd.factorize(agg[time], sort=False)
        nt = len(periods)
        if nt <= 1:
            tc = None
    values = agg[value]
    if values.dtype != np.float64:
        values = pd.to_numeric(values)
    v = values.to_numpy(dtype=np.float64)
    if np.isnan(v).any():
        raise _NeedsSum
    out = {k: np.empty(n) for k in ["rca", "density", "eci", "pci", "coi", "cog"]}
    out |= {k: np.empty(n, dtype=np.int64) for k in ["M", "diversity", "ubiquity"]}
    notes: dict = {}
    if nt <= 1:  # one period: its codes are those of the whole table
        cells = _cell_matrix(lc, ac, (int(lc.max(initial=-1)) + 1, int(ac.max(initial=-1)) + 1))
        del lc, ac
        notes[0] = _panel_cells(cells, v, out, None, threshold=threshold, proximity_kind=proximity_kind)
    else:  # the rows of each period (in table order)
        order = np.argsort(tc, kind="stable")
        for t, idx in enumerate(np.split(order, np.cumsum(np.bincount(tc, minlength=nt))[:-1])):
            r, nr = _local_codes(lc[idx])
            c, na = _local_codes(ac[idx])
            cells = _cell_matrix(r, c, (nr, na))
            del r, c
            notes[t] = _panel_cells(cells, v[idx], out, idx, threshold=threshold, proximity_kind=proximity_kind)
    if time is None:
        return agg, {None: notes[0]}, out
    first = np.unique(tc, return_index=True)[1] if tc is not None else np.arange(min(n, 1))
    labels = agg[time].to_numpy()[first]
    return agg, {(lab.item() if isinstance(lab, np.generic) else lab): notes[t] for t, lab in enumerate(labels)}, out


def _local_codes(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes renumbered ``0 … m − 1`` in the same order (the labels present in a period)."""
    if not len(codes):
        return codes, 0
    present = np.zeros(int(codes.max()) + 1, dtype=bool)
    present[codes] = True
    if present.all():
        return codes, len(present)
    new = (np.cumsum(present) - 1).astype(codes.dtype)
    return new[codes], int(present.sum())


#: Cells per dense block (location rows × all activities) in :func:`_panel_cells`: 2**21
#: float64 cells are 16 MB per block array.
_BLOCK_CELLS = 2**21


def _cell_matrix(r: np.ndarray, c: np.ndarray, shape: tuple[int, int]) -> sp.csr_array:
    """The cells ``(r, c)`` of a long table as a canonical CSR matrix of ``shape`` (rows
    sorted, columns sorted within a row) whose data are the cells' positions in the table + 1
    (so that no entry is an explicit 0). Raises :class:`_NeedsSum` if a cell repeats."""
    cells = sp.csr_array((np.arange(1, len(r) + 1, dtype=r.dtype), (r, c)), shape=shape)
    if cells.nnz != len(r):
        raise _NeedsSum
    return cells


def _panel_cells(
    cells: sp.csr_array, v: np.ndarray, out: dict[str, np.ndarray], idx: np.ndarray | None, *,
    threshold: float, proximity_kind: str,
) -> tuple[str, ...]:
    """Every measure at the cells of one period's matrix (``cells`` from :func:`_cell_matrix`,
    values ``v`` in table order), written to ``out[measure][idx]`` (``idx=None``: to all of
    ``out[measure]``); returns the notes. ``cells`` is used up (its data are changed).

    Same numbers as :func:`complexity` on the sparse matrix, without any dense location ×
    activity array: presence is a sparse matrix on the table's cells; the per-cell values
    are computed and written a block of locations at a time (about :data:`_BLOCK_CELLS`
    location × activity cells), and so are the dense density and COG of the block, read at
    the block's cells of the table, and the block's raw COI; then dropped.
    """
    n, (n_rows, n_cols) = cells.nnz, cells.shape
    cols = {name: out[name] if idx is None else np.empty(n, dtype=out[name].dtype) for name in out}
    cell_of = cells.data  # CSR position → position in the table (of the period)
    cell_of -= 1
    indices, indptr = cells.indices, cells.indptr
    per_row = np.diff(indptr)
    step = max(1, _BLOCK_CELLS // max(n_cols, 1))
    blocks = [(lo, min(lo + step, n_rows)) for lo in range(0, n_rows, step)]

    def cells_of(lo, hi):  # the table positions, columns and block rows of locations lo … hi − 1
        at = slice(indptr[lo], indptr[hi])
        return cell_of[at], indices[at], np.repeat(np.arange(hi - lo), per_row[lo:hi])

    def put_rows(name, per_location, lo, hi, at):
        cols[name][at] = np.repeat(per_location[lo:hi], per_row[lo:hi])

    # values (checked), RCA (as _rca_arr computes it: (x · fr) · fc, 0 for the table's zero
    # values) and presence, block by block
    if n and not np.isfinite(v).all():
        raise ValueError("X contains NaN or infinite values; fill missing cells with 0 explicitly")
    if n and (v < 0).any():
        raise ValueError("X contains negative values; location × activity values must be ≥ 0")
    fr, fc = _rca_factors(sp.csr_array((v[cell_of], indices, indptr), shape=cells.shape))
    keep = np.empty(n, dtype=bool)  # in CSR order
    continuous = proximity_kind == "continuous"
    rca_csr = np.empty(n) if continuous else None
    for lo, hi in blocks:
        at, cl, rl = cells_of(lo, hi)
        rca = v[at]
        rca *= fr[lo:hi][rl]
        rca *= fc[cl]
        cols["rca"][at] = rca
        keep[indptr[lo]:indptr[hi]] = rca >= threshold
        if continuous:
            rca_csr[indptr[lo]:indptr[hi]] = rca
    kept_before = np.concatenate([[0], np.cumsum(keep, dtype=indptr.dtype)])
    ma = sp.csr_array((np.ones(int(kept_before[-1])), indices[keep], kept_before[indptr]), shape=cells.shape)
    del kept_before
    cols["M"][cell_of] = keep
    del keep
    if continuous:
        ph = _continuous_proximity_arr(sp.csr_array((rca_csr, indices, indptr), shape=cells.shape))
        del rca_csr
    else:
        ph = _proximity_arr(ma, proximity_kind)
    e = _eci_arr(ma)
    notes = list(e.notes)
    diversity, ubiquity = _rowsum(ma).astype(np.int64), _colsum(ma).astype(np.int64)
    inv = _safe_inv(ph.sum(axis=0))
    defined = not np.isnan(e.pci).all()
    if defined:
        _, vv, w = _outlook_weights(ma, ph, e)
        g, ph_t = ph @ w, _ColumnBlocks(ph.T)
        raw = np.empty(n_rows)
    ph_blocks = _ColumnBlocks(ph)
    for lo, hi in blocks:
        at, cl, rl = cells_of(lo, hi)
        put_rows("diversity", diversity, lo, hi, at)
        put_rows("eci", e.eci, lo, hi, at)
        cols["ubiquity"][at] = ubiquity[cl]
        cols["pci"][at] = e.pci[cl]
        m_blk = ma[lo:hi]
        dens = _spmm(m_blk, ph_blocks)
        dens *= inv[None, :]  # as _density_arr
        cols["density"][at] = dens[rl, cl]
        if defined:
            raw[lo:hi] = _raw_coi(m_blk, dens, vv)
            del dens
            cog = _cog_sparse(m_blk, ph_t, g, w)[rl, cl]
            cog[cols["M"][at] != 0] = 0.0
            cols["cog"][at] = cog
        else:
            cols["cog"][at] = np.nan
    if defined:
        coi, coi_notes = _coi_standardise(raw, e)
        notes += coi_notes
    else:
        coi = np.full(n_rows, np.nan)
    for lo, hi in blocks:
        put_rows("coi", coi, lo, hi, cell_of[indptr[lo]:indptr[hi]])
    if idx is not None:
        for name, col in cols.items():
            out[name][idx] = col
    return tuple(notes)
