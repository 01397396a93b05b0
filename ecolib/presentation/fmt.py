"""Numbers as a park director reads them, in English or Chinese."""
from __future__ import annotations

import math


def _bad(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float, lang: str = "en", currency: str = "CNY") -> str:
    """12_345_678_900 → 'CNY 12.3 bn' (en) or '123.5亿元' (zh, for CNY)."""
    if _bad(value):
        return "–"
    v = float(value)
    if lang == "zh":
        unit = "元" if currency == "CNY" else f" {currency}"
        for size, word in ((1e8, "亿"), (1e4, "万")):
            if abs(v) >= size:
                return f"{v / size:,.1f}{word}{unit}"
        return f"{v:,.0f}{unit}"
    for size, word in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(v) >= size:
            return f"{currency} {v / size:,.1f} {word}"
    return f"{currency} {v:,.0f}"


def count(value: float) -> str:
    return "–" if _bad(value) else f"{int(round(float(value))):,}"


def pct(value: float, digits: int = 0) -> str:
    """0.4567 → '45.7%' with digits=1."""
    return "–" if _bad(value) else f"{100 * float(value):.{digits}f}%"


def number(value: float, digits: int = 1) -> str:
    return "–" if _bad(value) else f"{float(value):,.{digits}f}"
