"""Numbers as a park director reads them, in English or Chinese."""
from __future__ import annotations

import math

from ecolib.presentation.i18n import has, t


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


def exact_pct(value: float) -> str:
    """0.6 → '60%', 0.255 → '25.5%' (no needless decimals in thresholds)."""
    if value is None or not math.isfinite(float(value)):
        return "–"
    pct = 100 * float(value)
    return f"{pct:.0f}%" if abs(pct - round(pct)) < 1e-9 else f"{pct:.1f}%"


def format_value(value: float, unit: str, lang: str = "en", currency: str = "CNY", *, exact: bool = False) -> str:
    """A metric value as a park director reads it, by the metric's unit.

    share → percent (one decimal; ``exact`` for thresholds: no needless decimals), ratio → two
    decimals, days → one decimal with the unit word, count → whole number, money → the currency
    (:func:`money`), area → m², density → four decimals, anything else → up to four
    significant digits followed by the unit text.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    value = float(value)
    if unit == "share":
        return exact_pct(value) if exact else pct(value, 1)
    if unit == "ratio":
        return number(value, 2)
    if unit == "days":
        return t("evaluation.days_value", lang, n=number(value, 1))
    if unit == "count":
        return count(value)
    if unit == "money":
        return money(value, lang, currency)
    if unit == "area":
        return f"{count(value)} m²"
    if unit == "density":
        return f"{value:,.4f}"
    size = abs(value)
    text = f"{value:,.0f}" if size >= 1000 else f"{value:,.2f}" if size >= 1 else f"{value:#.3g}"
    return text if unit in ("number", "") else f"{text} {unit}"


def unit_text(unit: str, lang: str = "en", currency: str = "CNY") -> str:
    """The unit as a column label: '%', 'days', the currency, or the workspace's own text."""
    key = f"evaluation.unit.{unit}"
    return t(key, lang, currency=currency) if has(key, lang) else unit
