"""Month arithmetic on 'YYYY-MM' strings, the one month format of the workspace."""
from __future__ import annotations

import re

import pandas as pd

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def is_month(text: str) -> bool:
    return bool(MONTH_RE.match(str(text)))


def shift(month: str, k: int) -> str:
    """The month ``k`` months after ``month`` (negative: before).

    Examples
    --------
    >>> shift("2026-01", -2)
    '2025-11'
    """
    return str(pd.Period(month, freq="M") + k)


def window(end_month: str, n: int) -> list[str]:
    """The ``n`` months ending at ``end_month``, oldest first.

    Examples
    --------
    >>> window("2026-03", 3)
    ['2026-01', '2026-02', '2026-03']
    """
    if n <= 0:
        return []
    return [str(p) for p in pd.period_range(end=pd.Period(end_month, freq="M"), periods=n, freq="M")]


def span(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive.

    Examples
    --------
    >>> span("2025-11", "2026-02")
    ['2025-11', '2025-12', '2026-01', '2026-02']
    """
    if first > last:
        return []
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def parse_range(text: str) -> list[str]:
    """'2026-08..2026-10' → the three months; '2026-10' → ['2026-10'].

    Raises ``ValueError`` with a plain message for anything else.
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
