"""Figures of the park overview, drawn from an :class:`~ecolib.analyses.overview.Overview`
(:func:`ecolib.analyses.overview.overview`, or ``ctx.model.overview`` in a notebook)."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecolib.analyses.overview import Overview
from ecolib.presentation import fmt
from ecolib.presentation.escape import plot_text
from ecolib.presentation.i18n import display_name, display_names, t
from ecolib.presentation.narrative.overview import stage_label, stage_names
from ecolib.presentation.plots.theme import PALETTE, STAGE_COLOURS, money_axis, month_labels


#: A run of Latin letters, digits and the marks inside a Latin word or number (kept on one line).
_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-/&]*")
_NO_LINE_START = set("，、。；：）》」』】%)")
_NO_LINE_END = set("（《「『【(")


def _cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


def wrap_label(text: str, width: float = 14) -> list[str]:
    """A label cut into lines of about ``width`` characters, never inside a word.

    English breaks at spaces (a word longer than a line stays whole); Chinese breaks between
    characters, but never inside a run of Latin letters or digits ("储能变流器PCS" keeps
    "PCS" whole), never before a closing mark nor after an opening one; a last line that would
    hold one character only is avoided by making the lines more equal. A Chinese character counts 1, a
    Latin letter, digit or space about half (their width on screen).

    Parameters
    ----------
    text : str
        The label (plain text; escape the lines for plotly with ``plot_text``).
    width : float
        The line width, in Chinese characters (or about twice as many Latin letters).

    Returns
    -------
    list of str
        The lines, in order (at least one).

    Examples
    --------
    >>> wrap_label("储能变流器PCS", 5)
    ['储能变流器', 'PCS']
    >>> wrap_label("储能变流器PCS", 4)
    ['储能变流', '器PCS']
    >>> wrap_label("三合一电驱总成", 6), wrap_label("BMS芯片（AFE）", 6)
    (['三合一电', '驱总成'], ['BMS芯片', '（AFE）'])
    >>> wrap_label("Large cylindrical cells", 7)
    ['Large', 'cylindrical', 'cells']
    >>> wrap_label("Power conversion systems (PCS)", 10)
    ['Power conversion', 'systems (PCS)']
    """
    text = str(text)
    if not any(_cjk(ch) for ch in text):
        lines, line = [], ""
        for word in text.split():
            trial = f"{line} {word}" if line else word
            if line and len(trial) * 0.55 > width:
                lines.append(line)
                line = word
            else:
                line = trial
        return lines + [line] if line else (lines or [text])
    tokens, i = [], 0
    while i < len(text):
        m = _LATIN_RUN.match(text, i)
        if m:
            tokens.append(m.group())
            i = m.end()
        else:
            tokens.append(text[i])
            i += 1
    size = [sum(1.0 if _cjk(ch) else 0.55 for ch in tok) for tok in tokens]

    def greedy(limit: float) -> list[str]:
        lines, line, used = [], "", 0.0
        for tok, w in zip(tokens, size):
            if line and used + w > limit + 1e-9 and tok not in _NO_LINE_START:
                carry = line[-1] if line[-1] in _NO_LINE_END and len(line) > 1 else ""   # an opening mark moves on
                lines.append(line[:len(line) - len(carry)].rstrip())
                line, used = carry, (1.0 if carry else 0.0)
                if tok == " ":
                    continue
            line += tok
            used += w
        if line.strip():
            lines.append(line.rstrip())
        return lines or [text]

    first = greedy(width)
    if len(first) == 1 or len(first[-1].strip()) >= 2:      # only a last line of one character is an orphan
        return first
    total = sum(size)
    limit = total / len(first)
    while limit < width:                      # an orphan at the end: the narrowest lines that need no more lines
        balanced = greedy(limit)
        if len(balanced) <= len(first):
            return balanced
        limit += 0.25
    return first


def zone_labels(zones, ov: Overview, lang: str = "en") -> list[str]:
    """The names of ``zones`` (zone ids) in ``lang``: the Chinese name (``ov.zone_zh``) in Chinese."""
    return [display_name(z, ov.zone_zh.get(z) if len(ov.zone_zh) else None, lang) for z in zones]


def stage_zone_bar(stage_zone: pd.DataFrame, lang: str = "en", *, names: list[str] | None = None,
                   stages: list[str] | None = None) -> go.Figure:
    """Stacked bars: active local firms per stage, one colour per zone.

    Parameters
    ----------
    stage_zone : DataFrame
        Firm counts by stage and zone (``Overview.stage_zone``,
        :func:`ecolib.analyses.overview.stage_zone_counts`).
    lang : str
        Language of the stage names, title and axes.
    names : list of str, optional
        The zones' names to show (:func:`zone_labels`), in the order of the columns; default
        the zone ids.
    stages : list of str, optional
        The stages' names to show, in the order of the rows
        (:func:`ecolib.presentation.narrative.overview.stage_names`); default the stage codes' names.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    labels = [stage_label(s, lang) for s in stage_zone.index] if stages is None else list(stages)
    names = list(stage_zone.columns) if names is None else names
    fig = go.Figure()
    for i, (zone, name) in enumerate(zip(stage_zone.columns, names)):
        fig.add_bar(x=[plot_text(x) for x in labels], y=stage_zone[zone].to_numpy(), name=plot_text(name),
                    marker_color=PALETTE[i % len(PALETTE)],
                    hovertemplate="%{x}<br>" + plot_text(name) + ": %{y}<extra></extra>")
    fig.update_layout(barmode="stack", title=t("overview.firms_chart_title", lang),
                      xaxis_title=t("common.stage", lang), yaxis_title=t("common.firms", lang), height=420)
    return fig


def flow_lines(flows: pd.DataFrame, window: list[str], lang: str = "en", *, currency: str = "CNY") -> go.Figure:
    """Monthly flow value by direction; months without data are gaps, marked on the axis."""
    fig = go.Figure()
    series = [("local", "overview.flow_local", PALETTE[0]), ("outbound", "overview.flow_outbound", PALETTE[1]),
              ("inbound", "overview.flow_inbound", PALETTE[3])]
    x = list(flows.index)
    for col, key, colour in series:
        fig.add_scatter(x=x, y=flows[col].to_numpy(), name=t(key, lang), mode="lines+markers",
                        line=dict(color=colour, width=2.5), connectgaps=False,
                        customdata=[plot_text(fmt.money(v, lang, currency)) for v in flows[col]],
                        hovertemplate="%{x}: %{customdata}<extra>" + t(key, lang) + "</extra>")
    if window and window[0] in x:
        fig.add_vrect(x0=window[0], x1=window[-1], fillcolor="#1f6f8b", opacity=0.07, line_width=0)
    missing = [m for m, miss in flows["missing"].items() if miss]
    if missing:
        fig.add_scatter(x=missing, y=[0] * len(missing), mode="markers", name=t("overview.flow_missing", lang),
                        marker=dict(symbol="x", size=10, color="#c0392b"), hoverinfo="x")
    fig.update_layout(title=t("overview.flows_chart_title", lang), height=420,
                      xaxis=dict(type="category", title=t("common.month", lang)))
    values = flows[["local", "outbound", "inbound"]].to_numpy(float).ravel()
    money_axis(fig, lang, currency, values=[0.0, *values[np.isfinite(values)]])
    fig.update_yaxes(range=[0, fig.layout.yaxis.tickvals[-1]])
    return month_labels(fig, lang)


def _tile_label(name: str, lang: str, leaf: bool = True) -> str:
    """A tile's label (escaped): a technology node's name on lines that do not cut a word; a
    stage's or segment's on one line (it heads its tile)."""
    lines = wrap_label(name, 6 if lang == "zh" else 6.5) if leaf else [name]
    return "<br>".join(plot_text(x) for x in lines)


def _tile_hover(name: str, firms: int, output: float, output_firms: int, lang: str, currency: str,
                min_capability: float | None) -> str:
    """A tile's hover text: its name, its local firms (with the capability they need, where
    given) and their output: not reported where none of them reports it, and how many do where
    only some do."""
    key = "overview.chain_firms_hover" if min_capability is None else "overview.chain_firms_hover_cap"
    lines = [plot_text(name), t(key, lang, n=fmt.count(firms), cap=fmt.number(min_capability or 0, 2))]
    if firms > 0 and (output_firms <= 0 or pd.isna(output)):
        lines.append(t("overview.chain_output_not_reported", lang))
    elif firms > 0 and output_firms < firms:
        lines.append(t("overview.chain_output_partial", lang, output=plot_text(fmt.money(output, lang, currency)),
                       n=fmt.count(output_firms), firms=fmt.count(firms)))
    elif firms > 0:
        lines.append(plot_text(fmt.money(output, lang, currency)))
    return "<br>".join(lines)


def chain_treemap(tree: pd.DataFrame, lang: str = "en", *, currency: str = "CNY", height: int = 820,
                  min_capability: float | None = None) -> go.Figure:
    """The chain tree as a treemap: stages, their segments, and the technology nodes sized by
    importance weight (so every node, covered or not, has its tile), coloured by stage, grey
    where no qualifying local firm works (capability ≥ ``min_capability``, as on the gene map).
    A label that does not fit its tile at a readable size is hidden (the tile is named on
    hover); labels wrap between words, never inside one.

    Parameters
    ----------
    tree : DataFrame
        ``Overview.tree`` (:func:`ecolib.analyses.overview.chain_tree`).
    lang, currency : str
        Language of the names and labels; currency of the amounts on hover.
    min_capability : float, optional
        The capability the firms counted on hover need (``Overview.min_capability``), named
        there; None: not named.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> fig = chain_treemap(overview(tiny().tables, "2026-03", window=3, history=3).tree, "zh")
    >>> fig.data[0].type, list(fig.data[0].labels[:2])
    ('treemap', ['上游', '中游'])
    """
    root = tree["parent_id"].isna()
    data = tree[~root]                                    # the stages are the top tiles
    name = display_names(data, lang)
    parents = data["parent_id"].where(data["parent_id"].isin(data["node_id"]), "")
    weight = data["weight"] if "weight" in data else pd.Series(1.0, index=data.index)
    values = weight.where(data["is_leaf"], 0.0).clip(lower=1e-9)
    stage_colour = data["stage"].map(STAGE_COLOURS).fillna(STAGE_COLOURS["unassigned"])
    colours = stage_colour.where(data["firms"] > 0, "#d5d8dc")
    output_firms = data["output_firms"] if "output_firms" in data else data["firms"]
    hover = [_tile_hover(n, int(f), o, int(k), lang, currency, min_capability)
             for n, f, o, k in zip(name, data["firms"], data["output"], output_firms)]
    text_colour = np.where(data["firms"].to_numpy() > 0, "white", "#37474f")
    top = parents.eq("").to_numpy()                      # a stage's tile is headed by the stage's short name
    shared = data.loc[top, "stage"].dropna().duplicated().any()   # several stage nodes per category: own names
    heads = [stage_label(st, lang) if is_top and isinstance(st, str) and st and not shared else n
             for n, st, is_top in zip(name, data["stage"], top)]
    labels = [_tile_label(n, lang, leaf) for n, leaf in zip(heads, data["is_leaf"])]
    fig = go.Figure(go.Treemap(
        ids=data["node_id"], parents=parents, labels=labels, values=values, branchvalues="remainder",
        marker=dict(colors=colours, line=dict(color="white", width=1.5)), customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", textfont=dict(size=13, color=list(text_colour)),
        tiling=dict(pad=2), pathbar=dict(visible=False), root=dict(color="white"), sort=False,
        textposition="middle center"))
    fig.update_layout(title=t("overview.chain_chart_title", lang), height=height,
                      margin=dict(l=10, r=10, t=60, b=10), uniformtext=dict(minsize=11, mode="hide"))
    return fig


def chain_sunburst(tree: pd.DataFrame, lang: str = "en", *, currency: str = "CNY",
                   min_capability: float | None = None) -> go.Figure:
    """The chain tree figure of the page (:func:`chain_treemap`; kept under its former name)."""
    return chain_treemap(tree, lang, currency=currency, min_capability=min_capability)


def overview_figures(ov: Overview, lang: str = "en", *, currency: str = "CNY") -> list[go.Figure]:
    """The overview's month-dependent figures, in page order (used by the month picker).

    Parameters
    ----------
    ov : Overview
        The month's profile (:func:`ecolib.analyses.overview.overview`).
    lang, currency : str
        Language of the labels; currency of the amounts.

    Returns
    -------
    list of plotly.graph_objects.Figure
        :func:`stage_zone_bar`, :func:`flow_lines`, :func:`chain_treemap`.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> figs = overview_figures(overview(tiny().tables, "2026-03", window=3, history=3), "zh")
    >>> [f.layout.title.text for f in figs]
    ['按阶段与片区划分的在园本地企业', '按方向划分的月度交易额', '产业链树：本地企业覆盖情况']
    """
    return [stage_zone_bar(ov.stage_zone, lang, names=zone_labels(ov.stage_zone.columns, ov, lang),
                           stages=stage_names(ov, ov.stage_zone.index, lang)),
            flow_lines(ov.flows, ov.window, lang, currency=currency),
            chain_treemap(ov.tree, lang, currency=currency, min_capability=ov.min_capability)]
