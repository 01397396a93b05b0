"""One look for every figure: colours, a CJK-capable font stack, margins; and the two
language rules of an axis: a money axis reads 5亿元 / 5,000万元 in Chinese (not 0.5B) and
CNY 0.5 bn-style units in English (:func:`money_axis`); a month axis reads 2026年10月 in Chinese
(:func:`month_labels`)."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ecolib.presentation import fmt
from ecolib.presentation.i18n import t

TEMPLATE_NAME = "ecolib"

#: Fonts tried in order: Chinese-capable system fonts on Windows, macOS and Linux first, so
#: Chinese labels render on a client's machine with no network.
FONT_FAMILY = (
    '"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "WenQuanYi Micro Hei", "Segoe UI", "Helvetica Neue", Arial, sans-serif'
)

PALETTE = ["#1f6f8b", "#e07a1f", "#4c9f38", "#c0392b", "#7d5ba6", "#8c6d31", "#d35fa0",
           "#5f6b6d", "#b5a300", "#17a3b8"]

#: Fixed colours so a stage looks the same in every figure of every report.
STAGE_COLOURS = {
    "upstream": "#1f6f8b",
    "midstream": "#e07a1f",
    "downstream": "#4c9f38",
    "service": "#7d5ba6",
    "external": "#9aa5ab",
    "unassigned": "#c8cdd0",
}

#: Coverage-status colours, shared by the gene map and the overview.
STATUS_COLOURS = {
    "missing": "#c0392b",
    "single": "#e67e22",
    "thin": "#f1c40f",
    "covered": "#27ae60",
}


def _template() -> go.layout.Template:
    tpl = go.layout.Template(pio.templates["plotly_white"])
    tpl.layout.font = dict(family=FONT_FAMILY, size=13, color="#263238")
    # title pinned 14 px below the top of the figure (in pixels: a fraction of the height would
    # move it down into the legend of a tall figure), legend just above the plot area
    tpl.layout.title = dict(font=dict(size=16), x=0.0, xanchor="left", y=1.0, yanchor="top", yref="container",
                            pad=dict(t=14))
    tpl.layout.colorway = PALETTE
    tpl.layout.margin = dict(l=60, r=30, t=96, b=50)
    tpl.layout.legend = dict(orientation="h", yanchor="bottom", y=1.02, x=0)
    tpl.layout.hoverlabel = dict(font=dict(family=FONT_FAMILY))
    return tpl


def _axis_values(fig: go.Figure, axis: str, row: int | None, col: int | None) -> list[float]:
    """The numbers plotted along ``axis`` ("x" or "y") by the traces on that axis (or the
    subplot ``row``/``col``): bars, lines, markers."""
    target = None
    if row is not None or col is not None:
        sub = fig.get_subplot(row or 1, col or 1)
        target = getattr(sub, f"{axis}axis").plotly_name.replace("axis", "") if sub is not None else None
    out: list[float] = []
    for trace in fig.data:
        if target is not None and (getattr(trace, f"{axis}axis", None) or axis) != target:
            continue
        values = getattr(trace, axis, None)
        if values is None:
            continue
        arr = np.asarray(values, dtype=object)
        nums = [float(v) for v in arr.ravel() if isinstance(v, (int, float, np.number)) and not isinstance(v, bool)]
        out.extend(v for v in nums if math.isfinite(v))
    return out


def money_axis(fig: go.Figure, lang: str = "en", currency: str = "CNY", *, axis: str = "y",
               values: Iterable[float] | None = None, span: tuple[float, float] | None = None,
               row: int | None = None, col: int | None = None, title: bool = True) -> go.Figure:
    """Make ``axis`` ("x" or "y") of ``fig`` a money axis in the report's language: round tick
    values with labels in one unit (Chinese 亿 / 万, English bn / m / k; :func:`fmt.money_ticks`)
    and, with ``title``, the axis titled with the currency as the language writes it
    ("金额（元）" over ticks "5亿", "Amount (CNY)" over "0.5 bn"); without a title the Chinese
    ticks carry the currency ("5亿元").

    The ticks span ``span`` (the range a figure already chose: ticks inside it) or else
    ``values`` or else every number the figure's traces plot along that axis, zero included;
    then the axis range runs from the first tick to the last, so every tick shows.
    ``row``/``col`` pick one subplot. Returns ``fig`` (changed in place).

    Examples
    --------
    >>> fig = go.Figure(go.Bar(x=["a", "b"], y=[3.2e8, 1.1e9]))
    >>> fig = money_axis(fig, "zh")
    >>> fig.layout.yaxis.ticktext, fig.layout.yaxis.title.text
    (('0', '2.5亿', '5亿', '7.5亿', '10亿', '12.5亿'), '金额（元）')
    >>> money_axis(go.Figure(go.Bar(y=["a"], x=[4.5e6], orientation="h")), "en", axis="x").layout.xaxis.ticktext
    ('0', '1 m', '2 m', '3 m', '4 m', '5 m')
    >>> money_axis(go.Figure(go.Scatter(y=[2e4, 9e4])), "zh", span=(1e4, 1e5), title=False).layout.yaxis.ticktext
    ('2万元', '4万元', '6万元', '8万元', '10万元')
    """
    update: dict[str, Any] = {}
    if span is not None:
        low, high = float(span[0]), float(span[1])
        ticks, labels = fmt.money_ticks(low, high, lang, currency, unit=not title)
        keep = [(v, s) for v, s in zip(ticks, labels) if low <= v <= high] or list(zip(ticks, labels))
        ticks, labels = [v for v, _ in keep], [s for _, s in keep]
    else:
        data = list(values) if values is not None else _axis_values(fig, axis, row, col)
        data = [float(v) for v in data if v is not None and math.isfinite(float(v))]
        ticks, labels = fmt.money_ticks(min(data, default=0.0), max(data, default=0.0), lang, currency,
                                        unit=not title)
        update["range"] = [ticks[0], ticks[-1]]
    update.update(tickmode="array", tickvals=ticks, ticktext=labels)
    if title:
        update["title"] = dict(text=t("common.money_axis", lang, currency=currency))
    getattr(fig, f"update_{axis}axes")(row=row, col=col, **update)
    return fig


def _is_month(value: Any) -> bool:
    return isinstance(value, str) and fmt.MONTH_PATTERN.fullmatch(value) is not None


def _months(values: Any) -> Any:
    """``values`` with each month written in Chinese, when every text among them is a month."""
    if values is None or isinstance(values, str):
        return fmt.month_text(values, "zh") if _is_month(values) else values
    items = list(values)
    texts = [v for v in items if isinstance(v, str)]
    if not texts or not all(_is_month(v) for v in texts):
        return values
    return [fmt.month_text(v, "zh") if isinstance(v, str) else v for v in items]


def month_labels(fig: go.Figure, lang: str = "en") -> go.Figure:
    """Write the months of a figure's category axes as the language writes them (Chinese
    2026年10月; English unchanged): the traces' x and y values, the category order of each
    axis, and the ends of shapes and positions of annotations placed at a month, so hover
    texts, ticks and shaded windows all agree. Returns ``fig`` (changed in place).

    Examples
    --------
    >>> fig = go.Figure(go.Scatter(x=["2026-09", "2026-10"], y=[1, 2]))
    >>> fig.add_vrect(x0="2026-09", x1="2026-10").update_xaxes(type="category")  # doctest: +ELLIPSIS
    Figure(...)
    >>> fig = month_labels(fig, "zh")
    >>> fig.data[0].x, fig.layout.shapes[0].x0
    (('2026年9月', '2026年10月'), '2026年9月')
    """
    if lang != "zh":
        return fig
    for trace in fig.data:
        for key in ("x", "y"):
            values = getattr(trace, key, None) if key in trace else None
            if values is not None and not isinstance(values, (int, float)):
                new = _months(values)
                if new is not values:
                    trace[key] = new
    for name in [k for k in fig.layout if k.startswith(("xaxis", "yaxis"))]:
        ax = fig.layout[name]
        if ax.categoryarray is not None:
            ax.categoryarray = _months(ax.categoryarray)
        if ax.tickvals is not None and ax.ticktext is None and all(_is_month(v) for v in ax.tickvals):
            ax.tickvals = _months(ax.tickvals)
    for shape in fig.layout.shapes or ():
        for key in ("x0", "x1", "y0", "y1"):
            if _is_month(shape[key]):
                shape[key] = fmt.month_text(shape[key], "zh")
    for note in fig.layout.annotations or ():
        for key in ("x", "y"):
            if _is_month(note[key]):
                note[key] = fmt.month_text(note[key], "zh")
    return fig


def distinct_labels(labels: list[str]) -> list[str]:
    """Category labels made distinct without changing how they read: a label that repeats an
    earlier one (two long names cut to the same text) gets invisible zero-width spaces, so that
    plotly draws one bar per row instead of stacking two rows on one category.

    Examples
    --------
    >>> distinct_labels(["Battery …", "Battery …", "Motor"])
    ['Battery …', 'Battery …\u200b', 'Motor']
    """
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        k = seen.get(label, 0)
        seen[label] = k + 1
        out.append(label + "\u200b" * k)
    return out


def apply_theme() -> None:
    """Register the ``ecolib`` template and make it the default (idempotent)."""
    pio.templates[TEMPLATE_NAME] = _template()
    pio.templates.default = TEMPLATE_NAME


apply_theme()
