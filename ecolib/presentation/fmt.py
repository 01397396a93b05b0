"""Numbers, amounts and months as a park director reads them, in English or Chinese.

The Chinese rules live here, once: amounts in 万 / 亿 with the currency's Chinese name
(:func:`money`, :func:`money_ticks`), months as 2026年10月 and month ranges as 2026年8月至10月
(:func:`month_text`, :func:`month_range`, :func:`months_in_text`). ``i18n.t()`` applies the
month rule to every placeholder value of a Chinese text, so a sentence, card or heading never
needs to call it; tables and figures call these helpers directly. English keeps ``2026-10``
(the month's own form, as in the report's folders and the month picker).
"""
from __future__ import annotations

import math
import re
from typing import Any

from ecolib.presentation.i18n import has, t


def _bad(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def currency_unit(currency: str = "CNY", lang: str = "en") -> str:
    """The currency as a unit in ``lang``: the code in English; in Chinese its Chinese name
    where the catalogue has one (CNY → 元, USD → 美元 …), else the code.

    Examples
    --------
    >>> currency_unit("CNY", "zh"), currency_unit("USD", "zh"), currency_unit("XAU", "zh"), currency_unit("CNY")
    ('元', '美元', 'XAU', 'CNY')
    """
    code = str(currency or "").strip()
    key = f"common.currency_unit.{code.upper()}"
    return t(key, lang) if lang == "zh" and code and has(key, lang) else code


#: Chinese amount units, largest first: (size, word).
_ZH_UNITS = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
_EN_UNITS = ((1e9, "bn"), (1e6, "m"), (1e3, "k"))


def _scaled(v: float, units: tuple[tuple[float, str], ...], digits: int = 1) -> tuple[str, str]:
    """``(number text, unit word)`` of ``v`` in the largest unit it reaches after rounding
    (99,999,999 reads 1.0亿, not 10,000.0万; 9,999.6 reads 1.0万); from 1,000 units on without
    decimals (28,310,000 reads 2,831万: the tenth adds nothing a reader uses)."""
    for i, (size, word) in enumerate(units):
        if abs(v) >= size:
            if i > 0 and abs(round(v / size, digits)) >= units[i - 1][0] / size:
                size, word = units[i - 1]
            scaled = v / size
            return f"{scaled:,.{0 if abs(round(scaled, digits)) >= 1000 else digits}f}", word   # 2,831万, not 2,831.0万
    size, word = units[-1]
    if abs(round(v)) >= size:
        return f"{v / size:,.{digits}f}", word
    return f"{v:,.0f}", ""


def money(value: float, lang: str = "en", currency: str = "CNY") -> str:
    """An amount: 'CNY 12.3 bn' (en); in Chinese in 万 / 亿 with the currency's Chinese name.

    Negative amounts keep their sign; amounts under 1万 (1k) are whole units; missing is '–'.

    Examples
    --------
    >>> money(12_345_678_900), money(12_345_678_900, "zh"), money(45_600, "zh")
    ('CNY 12.3 bn', '123.5亿元', '4.6万元')
    >>> money(28_310_000, "zh"), money(2_150_000, "zh")
    ('2,831万元', '215.0万元')
    >>> money(-250_000_000, "zh"), money(8_500, "zh"), money(0, "zh"), money(3e8, "zh", "USD")
    ('-2.5亿元', '8,500元', '0元', '3.0亿美元')
    >>> money(99_999_999, "zh"), money(999_960), money(None, "zh"), money(2.5e12, "zh")
    ('1.0亿元', 'CNY 1.0 m', '–', '2.5万亿元')
    """
    if _bad(value) or not math.isfinite(float(value)):
        return "–"
    v = float(value)
    if lang == "zh":
        number, word = _scaled(v, _ZH_UNITS)
        unit = currency_unit(currency, lang)
        return f"{number}{word}{unit}" if unit != currency or not unit else f"{number}{word} {unit}"
    number, word = _scaled(v, _EN_UNITS)
    return f"{currency} {number} {word}" if word else f"{currency} {number}"


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / max(target, 1)
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def money_ticks(low: float, high: float, lang: str = "en", currency: str = "CNY",
                target: int = 5, *, unit: bool = True) -> tuple[list[float], list[str]]:
    """Round tick values spanning ``[low, high]`` (zero included) and their labels for a money
    axis: one unit for the whole axis, chosen by its largest tick (亿 / 万 in Chinese, followed
    by the currency's Chinese name unless ``unit`` is False because the axis title names it;
    bn / m / k in English, the currency code left to the axis title).

    Examples
    --------
    >>> money_ticks(0, 1.2e9, "zh")
    ([0.0, 250000000.0, 500000000.0, 750000000.0, 1000000000.0, 1250000000.0], ['0', '2.5亿元', '5亿元', '7.5亿元', '10亿元', '12.5亿元'])
    >>> money_ticks(0, 1.2e9)[1]
    ['0', '0.25 bn', '0.5 bn', '0.75 bn', '1 bn', '1.25 bn']
    >>> money_ticks(-3e4, 6e4, "zh")[1]
    ['-4万元', '-2万元', '0', '2万元', '4万元', '6万元']
    >>> money_ticks(0, 0, "zh")
    ([0.0, 1.0], ['0', '1元'])
    >>> money_ticks(0, 5.2e9, "zh", unit=False)[1]
    ['0', '20亿', '40亿', '60亿']
    """
    lo, hi = min(0.0, float(low)), max(0.0, float(high))
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi - lo <= 0:
        lo, hi = 0.0, max(1.0, abs(float(high)) if math.isfinite(float(high)) else 1.0)
    step = max(1.0, _nice_step(hi - lo, target))          # whole currency units
    start, stop = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    values = [round(i * step, 6) for i in range(start, stop + 1)]
    biggest = max(abs(v) for v in values)
    units = _ZH_UNITS if lang == "zh" else _EN_UNITS
    size, word = next(((s, w) for s, w in units if biggest >= s), (1.0, ""))
    name = currency_unit(currency, lang) if lang == "zh" and unit else ""
    labels = []
    for v in values:
        if v == 0:
            labels.append("0")
            continue
        text = f"{v / size:,.3f}".rstrip("0").rstrip(".")
        labels.append(f"{text}{word}{name}" if lang == "zh" else (f"{text} {word}" if word else text))
    return [float(v) for v in values], labels


# ----------------------------------------------------------------------------------- months

#: A month (2026-10) or a day (2026-10-01) inside a text; not part of a longer id or path.
MONTH_PATTERN = re.compile(r"(?<![0-9A-Za-z_/.\-])(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?(?![0-9A-Za-z_/]|-\d)")


def _parts(month: Any) -> tuple[int, int, int | None] | None:
    m = MONTH_PATTERN.fullmatch(str(month).strip()) if month is not None else None
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None


def month_text(month: Any, lang: str = "en") -> str:
    """A month as the report's language writes it: ``2026-10`` in English, ``2026年10月`` in
    Chinese (a day ``2026-10-01`` → ``2026年10月1日``). Anything else is returned as text.

    Examples
    --------
    >>> month_text("2026-10", "zh"), month_text("2026-03", "zh"), month_text("2026-10", "en")
    ('2026年10月', '2026年3月', '2026-10')
    >>> month_text("2026-12-02", "zh"), month_text(None, "zh"), month_text("Q3", "zh")
    ('2026年12月2日', '–', 'Q3')
    """
    if month is None or (isinstance(month, float) and math.isnan(month)):
        return "–"
    parts = _parts(month)
    if parts is None or lang != "zh":
        return str(month)
    y, m, d = parts
    return f"{y}年{m}月" + (f"{d}日" if d else "")


def month_range(first: Any, last: Any, lang: str = "en") -> str:
    """A run of months: ``2025-11 – 2026-10`` in English; in Chinese ``2026年8月至10月``
    within one year, ``2025年11月至2026年10月`` across years; one month alone when equal.

    Examples
    --------
    >>> month_range("2026-08", "2026-10", "zh"), month_range("2025-11", "2026-10", "zh")
    ('2026年8月至10月', '2025年11月至2026年10月')
    >>> month_range("2026-10", "2026-10", "zh"), month_range("2026-08", "2026-10", "en")
    ('2026年10月', '2026-08 – 2026-10')
    """
    if str(first) == str(last):
        return month_text(first, lang)
    if lang != "zh":
        return f"{first} – {last}"
    a, b = _parts(first), _parts(last)
    if a and b and a[0] == b[0] and a[2] is None and b[2] is None:
        return f"{a[0]}年{a[1]}月至{b[1]}月"
    return f"{month_text(first, lang)}至{month_text(last, lang)}"


_OPEN, _CLOSE = "\ue000", "\ue001"          # private-use marks around a month inside a text
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_MARKED = f"{_OPEN}([^{_CLOSE}]*){_CLOSE}"


def mark_months(value: Any) -> Any:
    """``value`` with every month in it marked for :func:`unmark_months` (texts and periods;
    other values unchanged, so format specs such as ``{n:,}`` keep working)."""
    if isinstance(value, str) or type(value).__name__ == "Period":
        text = str(value)
        return MONTH_PATTERN.sub(lambda m: f"{_OPEN}{m.group(0)}{_CLOSE}", text) if _OPEN not in text else text
    return value


def unmark_months(text: str, lang: str = "zh") -> str:
    """Write the marked months of ``text`` in ``lang``: ranges (``A – B``, ``A 至 B``) as
    :func:`month_range`, lists (``A, B``) joined with 、 in Chinese, and no space between a
    Chinese month and the Chinese text around it."""
    if _OPEN not in text:
        return text
    if lang == "zh":
        rng = re.compile(f"{_MARKED}[ \u00a0]*(?:至|到|–|—|~|-)[ \u00a0]*{_MARKED}")
        text = rng.sub(lambda m: f"{_OPEN}{month_range(m.group(1), m.group(2), lang)}{_CLOSE}", text)
        text = re.sub(f"({_CLOSE})[ \u00a0]*[,，][ \u00a0]*({_OPEN})", r"\1、\2", text)
        text = re.sub(f"([{_CJK}])[ \u00a0]+({_OPEN})", r"\1\2", text)
        text = re.sub(f"({_CLOSE})[ \u00a0]+([{_CJK}])", r"\1\2", text)
    return re.sub(_MARKED, lambda m: month_text(m.group(1), lang) if _parts(m.group(1)) else m.group(1), text)


def months_in_text(text: Any, lang: str = "en") -> str:
    """Every month in ``text`` written as ``lang`` writes it (see :func:`unmark_months`); for
    table cells and figure labels that hold months (English: unchanged).

    Examples
    --------
    >>> months_in_text("异常 3 个月（2026-08 – 2026-10, 2026-12）", "zh")
    '异常 3 个月（2026年8月至10月、2026年12月）'
    >>> months_in_text("2026-08, 2026-09", "zh"), months_in_text("2026-08, 2026-09", "en")
    ('2026年8月、2026年9月', '2026-08, 2026-09')
    """
    if text is None:
        return "–"
    return str(text) if lang != "zh" else unmark_months(mark_months(str(text)), lang)


# ------------------------------------------------------------------------------------ lists

def capped(items, lang: str = "en", *, kind: str = "item", most: int = 3, sep: str | None = None,
           empty: str = "–", total: int | None = None) -> str:
    """The first ``most`` of ``items`` joined as the language lists names (、 in Chinese), with
    "and N more" when there are more, in the measure word of what they are: ``kind`` "firm"
    (家), "node" / "segment" (个), "link" (条) or "item" (项). ``sep`` replaces the list
    separator (e.g. "; " between items that hold commas themselves); ``empty`` is the text of
    an empty list; ``total`` is the length of the whole list when only its head is passed.
    The one rule for capped lists: every "and N more" of the report is this.

    Examples
    --------
    >>> capped(["甲公司", "乙公司", "丙公司", "丁公司"], "zh", kind="firm")
    '甲公司、乙公司、丙公司等，另有 1 家'
    >>> capped(["A", "B", "C", "D", "E"], "en", kind="node"), capped(["A"], "en"), capped([], "zh")
    ('A, B, C and 2 more', 'A', '–')
    """
    items = [str(x) for x in items]
    if not items:
        return empty
    shown = (t("common.list_sep", lang) if sep is None else sep).join(items[:most])
    total = len(items) if total is None else int(total)
    if total <= most:
        return shown
    key = f"common.and_more.{kind}" if has(f"common.and_more.{kind}", lang) else "common.and_more.item"
    return t(key, lang, items=shown, n=total - most)


# ---------------------------------------------------------------------------------- numbers

#: Square metres in one mu (亩), the unit of land in Chinese park practice: 1 亩 = 2000 / 3 m² ≈ 666.67 m².
M2_PER_MU = 2000 / 3


def area_value(m2: float, lang: str = "en") -> float:
    """An area in the unit the language's readers use: m² in English, 亩 (mu) in Chinese.

    Examples
    --------
    >>> area_value(6_666.7, "en"), round(area_value(6_666.7, "zh"), 2)
    (6666.7, 10.0)
    """
    if _bad(m2):
        return float("nan")
    return float(m2) / M2_PER_MU if lang == "zh" else float(m2)


def land_output_value(per_m2: float, lang: str = "en") -> float:
    """Output per area as a number in the language's unit: per m² in English (currency / m²),
    亩均产值 in Chinese (10,000 currency units per mu, 万元/亩).

    Examples
    --------
    >>> land_output_value(22_500, "en"), land_output_value(22_500, "zh")   # 22,500 × 666.67 / 10,000
    (22500.0, 1500.0)
    """
    if _bad(per_m2):
        return float("nan")
    return float(per_m2) * M2_PER_MU / 1e4 if lang == "zh" else float(per_m2)


def land_output(per_m2: float, lang: str = "en", currency: str = "CNY") -> str:
    """Output per area as a park director reads it: 'CNY 22,500 per m²' in English, 亩均产值
    in whole 万元/亩 in Chinese ('1,500万元/亩'); missing (no area given) is '–'.

    Examples
    --------
    >>> land_output(22_500, "en"), land_output(22_500, "zh"), land_output(float("nan"), "zh")
    ('CNY 22,500 per m²', '1,500万元/亩', '–')
    """
    if _bad(per_m2):
        return "–"
    if lang == "zh":
        unit = "元" if currency == "CNY" else f" {currency}"
        return f"{land_output_value(per_m2, lang):,.0f}万{unit}/亩"
    return f"{currency} {float(per_m2):,.0f} per m²"


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


def metric_value(value: float, unit: str, lang: str = "en") -> float:
    """A metric value in the unit the language's readers use (the number a page shows and a
    chart plots): in Chinese a ``density`` (output per area per patent) per 亩 instead of per m²
    (:data:`M2_PER_MU`), as Chinese park practice measures output per area (亩均); anything else
    unchanged (an ``area`` itself stays in m², 平方米 in Chinese).

    Examples
    --------
    >>> metric_value(0.237, "density", "en"), round(metric_value(0.237, "density", "zh"), 1)
    (0.237, 158.0)
    >>> metric_value(6_666.7, "area", "zh"), metric_value(0.5, "share", "zh")
    (6666.7, 0.5)
    """
    if _bad(value):
        return float("nan")
    if lang == "zh" and unit == "density":
        return float(value) * M2_PER_MU
    return float(value)


def format_value(value: float, unit: str, lang: str = "en", currency: str = "CNY", *, exact: bool = False) -> str:
    """A metric value as a park director reads it, by the metric's unit.

    share → percent (one decimal; ``exact`` for thresholds: no needless decimals), ratio → two
    decimals, days → one decimal with the unit word, count → whole number, money → the currency
    (:func:`money`), area → m², density → four decimals (per 亩, one decimal, in Chinese:
    :func:`metric_value`), anything else → up to four
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
        return f"{count(value)} {unit_text('area', lang, currency)}"
    if unit == "density":                 # per m² in English (four decimals), per 亩 in Chinese (one)
        return f"{metric_value(value, unit, lang):,.1f}" if lang == "zh" else f"{value:,.4f}"
    size = abs(value)
    text = f"{value:,.0f}" if size >= 1000 else f"{value:,.2f}" if size >= 1 else f"{value:#.3g}"
    return text if unit in ("number", "") else f"{text} {unit}"


def unit_text(unit: str, lang: str = "en", currency: str = "CNY") -> str:
    """The unit as a column label: '%', 'days', the currency, or the workspace's own text."""
    key = f"evaluation.unit.{unit}"
    return t(key, lang, currency=currency) if has(key, lang) else unit
