"""Figures of the park overview, drawn from an :class:`~ecolib.analyses.overview.Overview`
(:func:`ecolib.analyses.overview.overview`, or ``ctx.model.overview`` in a notebook)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ecolib.analyses.overview import Overview
from ecolib.presentation import fmt
from ecolib.presentation.escape import plot_text
from ecolib.presentation.i18n import display_names, t
from ecolib.presentation.narrative.overview import stage_label
from ecolib.presentation.plots.theme import PALETTE, STAGE_COLOURS


def stage_zone_bar(stage_zone: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Stacked bars: active local firms per stage, one colour per zone.

    Parameters
    ----------
    stage_zone : DataFrame
        Firm counts by stage and zone (``Overview.stage_zone``,
        :func:`ecolib.analyses.overview.stage_zone_counts`).
    lang : str
        Language of the stage names, title and axes.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    labels = [stage_label(s, lang) for s in stage_zone.index]
    fig = go.Figure()
    for i, zone in enumerate(stage_zone.columns):
        fig.add_bar(x=labels, y=stage_zone[zone].to_numpy(), name=plot_text(zone),
                    marker_color=PALETTE[i % len(PALETTE)],
                    hovertemplate="%{x}<br>" + plot_text(zone) + ": %{y}<extra></extra>")
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
                      xaxis=dict(type="category", title=t("common.month", lang)),
                      yaxis=dict(title=plot_text(currency), rangemode="tozero"))
    return fig


def chain_sunburst(tree: pd.DataFrame, lang: str = "en", *, currency: str = "CNY") -> go.Figure:
    """The chain tree as a sunburst: technology nodes sized by importance weight (so every node,
    covered or not, is visible), coloured by stage, grey where no active local firm works."""
    name = display_names(tree, lang)
    weight = tree["weight"] if "weight" in tree else pd.Series(1.0, index=tree.index)
    values = weight.where(tree["is_leaf"], 0.0).clip(lower=1e-9)
    colours = tree["stage"].map(STAGE_COLOURS).fillna(STAGE_COLOURS["unassigned"])
    colours = colours.where(tree["firms"] > 0, "#d5d8dc").where(tree["parent_id"].notna(), "#37474f")
    hover = [t("overview.chain_firms_hover", lang, n=n) + "<br>" + plot_text(fmt.money(o, lang, currency))
             for n, o in zip(tree["firms"], tree["output"])]
    fig = go.Figure(go.Sunburst(
        ids=tree["node_id"], parents=tree["parent_id"].fillna(""), labels=name.map(plot_text), values=values,
        branchvalues="remainder", marker=dict(colors=colours, line=dict(color="white", width=1)),
        customdata=hover, hovertemplate="<b>%{label}</b><br>%{customdata}<extra></extra>",
        insidetextorientation="radial", maxdepth=4))
    fig.update_layout(title=t("overview.chain_chart_title", lang), height=760, margin=dict(l=10, r=10, t=60, b=10))
    return fig


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
        :func:`stage_zone_bar`, :func:`flow_lines`, :func:`chain_sunburst`.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> figs = overview_figures(overview(tiny().tables, "2026-03", window=3, history=3), "zh")
    >>> [f.layout.title.text for f in figs]
    ['按环节与片区划分的在园本地企业', '按方向划分的月度流量', '产业链树：本地企业覆盖情况']
    """
    return [stage_zone_bar(ov.stage_zone, lang), flow_lines(ov.flows, ov.window, lang, currency=currency),
            chain_sunburst(ov.tree, lang, currency=currency)]
