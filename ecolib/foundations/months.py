"""Month arithmetic on 'YYYY-MM' strings, the one month format of the workspace."""
from __future__ import annotations

import re

import pandas as pd

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def is_month(text: str) -> bool:
    """Whether ``text`` is a month in the workspace format ``YYYY-MM`` (month 01 to 12).

    Parameters
    ----------
    text : str
        The text to check; any other object is converted with ``str`` first.

    Returns
    -------
    bool
        True for exactly four digits, a hyphen and a two-digit month ``01`` … ``12``.

    See Also
    --------
    parse_range : a month or a month range typed by a user.
    ecolib.workspace.month_of : reads the months and dates spreadsheet users write.

    Examples
    --------
    >>> is_month("2026-03"), is_month("2026-13"), is_month("2026-3")
    (True, False, False)
    """
    return bool(MONTH_RE.match(str(text)))


def shift(month: str, k: int) -> str:
    """The month ``k`` months after ``month`` (negative: before).

    Parameters
    ----------
    month : str
        A month, ``YYYY-MM``.
    k : int
        Number of months to move (negative: back in time).

    Returns
    -------
    str
        The shifted month, ``YYYY-MM``.

    Raises
    ------
    ValueError
        If ``month`` cannot be read as a month.

    See Also
    --------
    window : the months ending at a month.

    Examples
    --------
    >>> shift("2026-01", -2)
    '2025-11'
    >>> shift("2025-12", 1)
    '2026-01'
    """
    return str(pd.Period(month, freq="M") + k)


def window(end_month: str, n: int) -> list[str]:
    """The ``n`` months ending at ``end_month``, oldest first.

    Parameters
    ----------
    end_month : str
        The last month of the window, ``YYYY-MM`` (included).
    n : int
        Number of months in the window; ``n ≤ 0`` gives an empty list.

    Returns
    -------
    list of str
        ``n`` consecutive months ``YYYY-MM``, oldest first, the last one ``end_month``.

    See Also
    --------
    span : every month between two months.
    ecolib.foundations.network.window_flows : the flows of such a window.

    Examples
    --------
    >>> window("2026-03", 3)
    ['2026-01', '2026-02', '2026-03']
    >>> window("2026-03", 0)
    []
    """
    if n <= 0:
        return []
    return [str(p) for p in pd.period_range(end=pd.Period(end_month, freq="M"), periods=n, freq="M")]


def span(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive.

    Parameters
    ----------
    first, last : str
        The first and the last month, ``YYYY-MM``.

    Returns
    -------
    list of str
        The months ``YYYY-MM`` in order; empty when ``first`` is after ``last``.

    See Also
    --------
    window : the ``n`` months ending at a month.
    parse_range : the months of a ``first..last`` text.

    Examples
    --------
    >>> span("2025-11", "2026-02")
    ['2025-11', '2025-12', '2026-01', '2026-02']
    >>> span("2026-03", "2026-01")
    []
    """
    if first > last:
        return []
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def parse_range(text: str) -> list[str]:
    """The months of a month or month range as typed on the command line.

    ``'2026-08..2026-10'`` → the three months; ``'2026-10'`` → ``['2026-10']``.

    Parameters
    ----------
    text : str
        ``YYYY-MM`` or ``YYYY-MM..YYYY-MM`` (both ends included).

    Returns
    -------
    list of str
        The months ``YYYY-MM``, oldest first.

    Raises
    ------
    ValueError
        With a plain message for anything else, and for a range that ends before it starts.

    See Also
    --------
    is_month : the check applied to each end.
    span : the months between the two ends.

    Examples
    --------
    >>> parse_range("2026-08..2026-10")
    ['2026-08', '2026-09', '2026-10']
    >>> parse_range("2026-10")
    ['2026-10']
    >>> parse_range("2026-10..2026-08")
    Traceback (most recent call last):
    ...
    ValueError: month range '2026-10..2026-08' ends before it starts
    """
    parts = str(text).split("..")
    if len(parts) not in (1, 2) or not all(is_month(p) for p in parts):
        raise ValueError(f"month {text!r} is not YYYY-MM or YYYY-MM..YYYY-MM")
    if len(parts) == 1:
        return parts
    months = span(parts[0], parts[1])
    if not months:
        raise ValueError(f"month range {text!r} ends before it starts")
    return months
