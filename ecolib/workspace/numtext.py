"""Numbers as spreadsheet users write them: the one number parser of the workspace layer.

Table cells (:func:`parse_numbers`, whole columns) and ``workspace.yaml`` settings
(:func:`parse_number`, one value) are read by the same grammar: plain numbers (``0.1``,
``-3``, ``1e5``), thousands separators (``1,234.5``, ``1 234``), percentages (``12%`` → 0.12),
a ¥ or 元, the Chinese units 万 (10⁴) and 亿 (10⁸) (``12.5万`` → 125000, ``1.2亿``), accounting
negatives (``(1,200)`` → −1200) and full-width digits (``１２３``). ``nan``, ``inf`` and numbers
too large for a float are never numbers; a setting that needs a bounded value also gives its
bounds, so ``window: 1e300`` is refused at load.
"""
from __future__ import annotations

import functools
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from ecolib.contract import schema

__all__ = ["parse_number", "parse_numbers", "lenient_numbers"]

HALFWIDTH = str.maketrans({**schema.HALFWIDTH, 0x2212: "-", 0xFFE5: "¥"})  # also − and ￥
NUMBER = re.compile(
    r"(?P<open>\()?(?P<sign>[+-])?¥?(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d{1,3}(?: \d{3})+(?:\.\d*)?"
    r"|\d+(?:\.\d*)?|\.\d+)(?P<exp>[eE][+-]?\d+)?(?P<unit>万|亿)?元?(?P<pct1>%)?(?P<close>\))?(?P<pct2>%)?"
)
UNITS = {"万": 1e4, "亿": 1e8}


def lenient_numbers(text: pd.Series) -> np.ndarray:
    """The grammar of the module docstring on a column of texts; NaN where it does not apply.

    Parameters
    ----------
    text : Series of str
        Cells, stripped.

    Returns
    -------
    ndarray of float64
        One number per cell (NaN: not a number as written, or too large for a float).

    Examples
    --------
    >>> lenient_numbers(pd.Series(["1,234.5", "12%", "12.5万", "(1,200)", "abc"])).tolist()
    [1234.5, 0.12, 125000.0, -1200.0, nan]
    """
    core = text.str.translate(HALFWIDTH).str.replace(r"[\s\u00a0\u202f\u2009]+", " ", regex=True)
    core = core.str.replace(r"(?<=[^\d]) | (?=[^\d])", "", regex=True).str.strip()
    parts = core.str.extract(NUMBER.pattern + "$")
    whole = core.str.fullmatch(NUMBER.pattern).fillna(False).to_numpy(dtype=bool)
    digits = parts["digits"].str.replace(r"[, ]", "", regex=True) + parts["exp"].fillna("")
    numbers = pd.to_numeric(digits, errors="coerce").to_numpy(dtype="float64")
    with np.errstate(over="ignore", invalid="ignore"):
        numbers = numbers * parts["unit"].map(UNITS).fillna(1).to_numpy(dtype="float64")
    percent = parts["pct1"].notna() | parts["pct2"].notna()
    numbers = np.where(percent.to_numpy(), numbers / 100, numbers)
    opened, closed = parts["open"].notna().to_numpy(), parts["close"].notna().to_numpy()
    negative = (parts["sign"] == "-").fillna(False).to_numpy(dtype=bool) | (opened & closed)
    numbers = np.where(negative, -numbers, numbers)
    numbers = np.where(whole & (opened == closed), numbers, np.nan)
    numbers[~np.isfinite(numbers)] = np.nan
    return numbers


def parse_numbers(text: pd.Series) -> np.ndarray:
    """A column of cell texts as numbers: plain numbers first (fast), then the lenient grammar
    for the rest. NaN where a cell is not a finite number (blank, text, ``inf``, ``1e999``).

    Parameters
    ----------
    text : Series of str
        Cells, stripped.

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> parse_numbers(pd.Series(["0.1", "10%", "1,000", "80万", "inf"])).tolist()
    [0.1, 0.1, 1000.0, 800000.0, nan]
    """
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", copy=True)
    failed = ~np.isfinite(values)
    if failed.any():
        values[failed] = lenient_numbers(text[failed])
    return values


@functools.lru_cache(maxsize=4096)
def _text_number(text: str) -> float:
    return float(lenient_numbers(pd.Series([text], dtype=object))[0])


def parse_number(value: Any, *, minimum: float | None = None, maximum: float | None = None,
                 exclusive_minimum: bool = False, whole: bool = False) -> float | int | None:
    """One settings value (a YAML scalar) as a number, or None when it is not one.

    Numbers are read by the grammar of the module docstring (text as a table cell is read);
    a YAML number is taken as it is. None for booleans, ``nan``, ``inf``, numbers too large for
    a float, containers, and numbers outside the bounds given.

    Parameters
    ----------
    value : any
        What workspace.yaml holds under the key.
    minimum, maximum : float, optional
        Bounds, inclusive (``minimum`` exclusive with ``exclusive_minimum=True``).
    exclusive_minimum : bool
        The value must be greater than ``minimum``.
    whole : bool
        The value must be a whole number; an ``int`` is returned.

    Returns
    -------
    float or int or None

    Examples
    --------
    >>> [parse_number(v) for v in (0.1, "10%", "1,000", "80万", "1.2亿")]
    [0.1, 0.1, 1000.0, 800000.0, 120000000.0]
    >>> parse_number("1e300", minimum=1, maximum=240, whole=True) is None
    True
    >>> parse_number(float("nan")), parse_number(True), parse_number("abc")
    (None, None, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            number = float(value)
        except OverflowError:  # an int with hundreds of digits
            return None
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 100:
            return None
        number = _text_number(text)
    else:
        return None
    if not math.isfinite(number):
        return None
    if whole and number % 1:
        return None
    if minimum is not None and (number <= minimum if exclusive_minimum else number < minimum):
        return None
    if maximum is not None and number > maximum:
        return None
    return int(number) if whole else number
