"""Small fast table operations that pandas does slowly on string columns.

pandas 3 stores text as Arrow strings; ``Series.isin`` then builds a Python object per value
in the look-up set, which costs seconds for a million flows against 100k firm ids. These
helpers go through Arrow compute instead.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _arrow(values) -> pa.Array:
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.array
    try:
        return pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(np.asarray(values, dtype=object).astype(str), type=pa.large_string())


def isin(series: pd.Series, values) -> np.ndarray:
    """Boolean array: which entries of ``series`` (text ids) occur in ``values``.

    The fast equivalent of ``series.isin(values).to_numpy()`` for text ids (Arrow's hash
    look-up instead of one Python object per value).

    Parameters
    ----------
    series : Series
        The ids to test (e.g. ``flows["source"]``). Non-text values are compared as text.
    values : array-like
        The ids to look for: a list, array, Series or Index (not a ``set``: pandas refuses an
        unordered collection). Duplicates are allowed.

    Returns
    -------
    ndarray of bool
        One entry per entry of ``series``, in its order. A missing id (None/NaN) is True only
        when ``values`` holds a missing value too, as with ``Series.isin``.

    See Also
    --------
    ecolib.foundations.network.codes : the position of each id in a list of ids.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> local_ids = tables["firms"].loc[tables["firms"]["local"], "firm_id"]
    >>> isin(tables["flows"]["source"], local_ids).tolist()      # X1 is outside the park
    [True, True, False, True, True, False]
    """
    if len(series) == 0:
        return np.zeros(0, dtype=bool)
    result = pc.is_in(_arrow(series), value_set=_arrow(pd.unique(pd.Series(values, dtype="object"))))
    return result.to_numpy(zero_copy_only=False).astype(bool)


def lookup(keys, mapper: pd.Series):
    """The values of ``mapper`` at the labels ``keys``: ``pd.Series(keys).map(mapper)``'s values.

    The fast equivalent for text ids (the labels are found by
    :func:`ecolib.foundations.network.codes`, an Arrow / numpy hash look-up, instead of a Python
    object per key); ``mapper``'s index should be unique (``map`` refuses one that is not; here
    the first occurrence of a label counts).

    Parameters
    ----------
    keys : array-like
        The labels to look up (e.g. a firm_id column); non-text labels are compared as text.
    mapper : Series
        Values indexed by label (e.g. ``chain_nodes.set_index("node_id")["stage"]``).

    Returns
    -------
    ndarray or ExtensionArray
        One value per key, of ``mapper``'s dtype (a missing value where the label is absent;
        an integer or boolean dtype is widened to hold it, as ``map`` does).

    See Also
    --------
    isin : only whether each id occurs.

    Examples
    --------
    >>> import pandas as pd
    >>> stage = pd.Series(["up", "down"], index=["N1", "N2"])
    >>> list(lookup(pd.Series(["N2", "N9", "N1"]), stage))
    ['down', nan, 'up']
    >>> lookup(["N1", "N9"], pd.Series([3, 4], index=["N1", "N2"])).tolist()
    [3.0, nan]
    """
    from ecolib.foundations.network import codes

    pos = codes(keys, mapper.index)
    values = mapper.array if isinstance(mapper.dtype, pd.api.extensions.ExtensionDtype) else mapper.to_numpy()
    return pd.api.extensions.take(values, pos, allow_fill=True)


def text_rank(values, *, repeated: bool = False) -> np.ndarray:
    """Dense ranks of text values in sort order (0 = the smallest; missing values last).

    Equal texts get equal ranks, so sorting by the rank sorts as pandas sorts the text column
    (code-point order); a key for :func:`numpy.lexsort`, which sorts numbers only.

    Parameters
    ----------
    values : array-like of str
        The texts (non-text values are compared as text).
    repeated : bool, default False
        The values are a few texts many times over (node ids of firm links): only the distinct
        texts are sorted.

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> text_rank(["b", "a", None, "b", "é"]).tolist()
    [1, 0, 3, 1, 2]
    >>> text_rank(["b", "a", None, "b", "é"], repeated=True).tolist()
    [1, 0, 3, 1, 2]
    """
    from ecolib.foundations.network import _arrow as _one_array, codes

    arr = _one_array(values)
    if not len(arr):
        return np.zeros(0, np.int64)
    if repeated:
        unique = pc.unique(arr)
        return text_rank(unique)[codes(arr, unique)]
    ranks = pc.rank(arr, sort_keys="ascending", tiebreaker="dense")       # missing values last (the default)
    return ranks.to_numpy(zero_copy_only=False).astype(np.int64) - 1


def distinct(values) -> np.ndarray:
    """The distinct values of an integer (or other orderable, NaN-free) array, sorted.

    ``np.unique`` by sorting: numpy 2's hash-based ``np.unique`` is several times slower on
    millions of integer codes.

    Examples
    --------
    >>> distinct([3, 1, 3, 2]).tolist()
    [1, 2, 3]
    """
    x = np.sort(np.asarray(values))
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x

