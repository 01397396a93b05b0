"""Figures of the gap analysis: the health radar against the benchmark, the indicators against
the benchmark, the gap-priority bars split by component, the firms hit by an exit, the
systemic-importance ranking and the security matrix. Each takes a result of :mod:`ecolib.analyses.gaps`
and returns a ``go.Figure``; no metric is computed here."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecolib.analyses import gaps as G
from ecolib.analyses.health import Health
from ecolib.presentation import fmt
from ecolib.presentation.escape import plot_text
from ecolib.presentation.i18n import display_names, t
from ecolib.presentation.names import metric_name, name_of
from ecolib.presentation.narrative.gaps import score_text, status_label
from ecolib.presentation.plots.genemap import wrap_lines
from ecolib.presentation.plots.theme import PALETTE, STATUS_COLOURS, distinct_labels

COMPONENT_COLOURS = {"importance": "#1f6f8b", "demand": "#e07a1f", "feasibility": "#4c9f38", "fragility": "#c0392b"}
QUADRANT_COLOURS = {"critical": "#c0392b", "fragile": "#e67e22", "watch": "#f1c40f", "secure": "#27ae60"}
ROLE_COLOURS = {"buyer": "#1f6f8b", "supplier": "#e07a1f", "both": "#7d5ba6"}
BENCH_COLOUR = "#5f6b6d"




def _short(text: str, limit: int = 34) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrap(text: str, width: int = 18) -> str:
    """Escaped label in lines of about ``width`` Latin characters (a Chinese character counts
    two), broken between words, never inside one, also in a label that mixes Chinese names
    with English words (:func:`ecolib.presentation.plots.genemap.wrap_lines`)."""
    parts = wrap_lines(str(text), width / 2) or [str(text)]
    return "<br>".join(plot_text(p) for p in parts)


# ------------------------------------------------------------------------------ health


def health_radar(h: Health, lang: str = "en", *, benchmark: str | None = None) -> go.Figure:
    """Dimension scores of the park against the benchmark park (100 %, named ``benchmark``) on a
    radar; the weakest dimension marked. Dimensions without a score are drawn at 0 with '(–)'."""
    d = h.dimensions
    labels = [name_of(h.dims[x], lang) for x in d["dimension"]]
    score = d["score"].to_numpy(float)
    shown = np.nan_to_num(score, nan=0.0) * 100
    theta = [(plot_text(lab) if not np.isnan(s) else plot_text(lab) + " (–)") for lab, s in zip(labels, score)]
    if h.weakest is not None:
        i = list(d["dimension"]).index(h.weakest)
        theta[i] = f"<b>{theta[i]} ▼</b>"
    fig = go.Figure()
    fig.add_trace(go.Scatterpolar(r=[100] * len(theta) + [100], theta=theta + theta[:1], name=plot_text(benchmark or t("gaps.benchmark", lang)),
                                  line=dict(color=BENCH_COLOUR, dash="dash"), mode="lines",
                                  hoverinfo="skip"))
    fig.add_trace(go.Scatterpolar(r=list(shown) + list(shown[:1]), theta=theta + theta[:1], fill="toself",
                                  name=t("gaps.park", lang), line=dict(color=PALETTE[0]),
                                  fillcolor="rgba(31,111,139,0.25)", mode="lines+markers+text",
                                  text=[fmt.pct(s, 0) if not np.isnan(s) else "–" for s in score] + [""],
                                  textposition="top center",
                                  hovertemplate="%{theta}: %{r:.0f}%<extra></extra>"))
    top = max(150.0, float(np.nanmax(shown)) if len(shown) else 150.0)
    fig.update_layout(title=plot_text(t("gaps.health_title", lang,
                                        benchmark=benchmark or t("common.benchmark_park", lang))), height=480,
                      polar=dict(radialaxis=dict(range=[0, top], ticksuffix="%", angle=45, tickangle=45,
                                                 tickfont=dict(size=9, color="#90a4ae"))),
                      margin=dict(l=80, r=80, t=100, b=40))
    return fig


def metric_bars(h: Health, lang: str = "en", *, benchmark: str | None = None) -> go.Figure:
    """Every scored indicator as % of the benchmark park's level (capped; ``benchmark``: its
    name), grouped and coloured by dimension; a line at 100 %."""
    benchmark = benchmark or t("common.benchmark_park", lang)
    m = h.metrics[h.metrics["counted"]]
    dims = list(h.dims)
    fig = go.Figure()
    for i, dim in enumerate(dims):
        rows = m[m["dimension"] == dim]
        if not len(rows):
            continue
        fig.add_trace(go.Bar(
            y=[plot_text(metric_name(x, h.metric_defs, lang)) for x in rows["metric"]], x=rows["score"] * 100, orientation="h",
            name=plot_text(name_of(h.dims[dim], lang)), marker_color=PALETTE[i % len(PALETTE)],
            text=[fmt.pct(s, 0) for s in rows["score"]], textposition="outside", cliponaxis=False,
            hovertemplate="%{y}: %{x:.0f}%<extra></extra>"))
    fig.add_vline(x=100, line=dict(color=BENCH_COLOUR, dash="dash"))
    n = len(m)
    fig.update_layout(title=plot_text(t("gaps.metrics_title", lang, benchmark=benchmark)), height=max(320, 110 + 28 * n),
                      xaxis=dict(range=[0, 100 * h.cap + 15], ticksuffix="%"),
                      yaxis=dict(autorange="reversed"), margin=dict(l=230, r=40, t=100, b=40))
    return fig


# ------------------------------------------------------------------------------ priority


def _label(name: str, width: int = 40) -> str:
    """A bar label on at most two lines (cut with … only beyond them)."""
    lines = _wrap(name, width).split("<br>")
    if len(lines) > 2:
        lines = [lines[0], lines[1][: max(1, len(lines[1]) - 1)] + "…"]
    return "<br>".join(lines)


def priority_bars(priority: pd.DataFrame, lang: str = "en", *, top: int = 15) -> go.Figure:
    """The top gap decisions (``ga.decisions``; or nodes, ``ga.priority``) as stacked bars: each
    component's weighted part, so the length is the score; the status marked by a coloured
    square; a segment missing as a whole named as such; "(tied)" after a score tied at two
    decimals with a neighbour."""
    p = priority.head(int(top))
    names = display_names(p, lang)
    if "kind" in p:
        names = [t("gaps.decision.segment_card", lang, segment=n, n=int(k)) if kind == "segment" else n
                 for n, kind, k in zip(names, p["kind"], p["n_nodes"])]
    labels = distinct_labels([f'<span style="color:{STATUS_COLOURS.get(s, "#999")}">■</span> {_label(n)}'
                              for s, n in zip(p["status"], names)])
    tied = p["tied"].astype(bool).tolist() if "tied" in p else [False] * len(p)
    fig = go.Figure()
    w = priority.attrs.get("weights", G.DEFAULT_WEIGHTS)
    for k in G.COMPONENTS:
        if k in (priority.attrs.get("not_evaluated") or {}):
            continue                                  # not evaluated: no bar, no legend entry
        fig.add_trace(go.Bar(
            y=labels, x=p[f"part_{k}"], orientation="h", marker_color=COMPONENT_COLOURS[k],
            name=f"{t(f'gaps.component.{k}', lang)} ({fmt.pct(w.get(k, 0), 0)})",
            customdata=np.c_[p[k].to_numpy(float)],
            hovertemplate="%{y}<br>" + plot_text(t(f"gaps.component.{k}", lang)) + " %{customdata[0]:.2f} → %{x:.3f}"
                          "<extra></extra>"))
    fig.add_trace(go.Scatter(y=labels, x=p["score"], mode="text",
                             text=[plot_text(score_text(s, x, lang)) for s, x in zip(p["score"], tied)],
                             textposition="middle right", showlegend=False, hoverinfo="skip"))
    status_note = "   ".join(f'<span style="color:{STATUS_COLOURS[s]}">■</span> {plot_text(status_label(s, lang))}'
                              for s in ("missing", "single", "thin"))
    height = max(360, 150 + 38 * len(p))
    fig.update_layout(barmode="stack", title=t("gaps.priority_title", lang, n=len(p)),
                      height=height, yaxis=dict(autorange="reversed"),
                      legend=dict(traceorder="normal"),   # as the parts stack, left to right (plotly reverses stacks)
                      xaxis=dict(range=[0, 1.15], title=t("gaps.col.score", lang)),
                      margin=dict(l=300, r=40, t=120, b=60),
                      annotations=[dict(text=status_note, xref="paper", yref="paper", x=0, y=-0.02 - 30 / height,
                                        showarrow=False, xanchor="left", yanchor="top", font=dict(size=12))])
    return fig


# ------------------------------------------------------------------------------ exit


def exit_bars(e: G.ExitStress, lang: str = "en", *, firm_name: str = "", top: int = 30) -> go.Figure:
    """The firms hit by an exit: the share of their local supplies (buyers) or of all their
    sales (suppliers) that goes with the leaver, coloured by role; a line at the threshold."""
    a = e.affected.head(int(top))
    firms, nodes = display_names(a, lang), display_names(a, lang, base="node_name")
    labels = distinct_labels([_label(f, 40) for f in firms])
    fig = go.Figure()
    for role in G.ROLES:
        mask = (a["role"] == role).to_numpy()
        if not mask.any():
            continue
        fig.add_trace(go.Bar(
            y=np.array(labels, object)[mask], x=a.loc[mask, "share"] * 100, orientation="h",
            name=t(f"gaps.role.{role}", lang), marker_color=ROLE_COLOURS[role],
            customdata=np.c_[nodes[mask].map(plot_text).to_numpy(object),
                             [fmt.money(v, lang) for v in a.loc[mask, "lost"]]],
            hovertemplate="%{y} · %{customdata[0]}<br>%{x:.0f}% · %{customdata[1]}<extra></extra>"))
    fig.add_vline(x=e.threshold * 100, line=dict(color=BENCH_COLOUR, dash="dot"))
    fig.update_layout(title=t("gaps.exit_title", lang, firm=plot_text(firm_name or e.firm_id)), showlegend=True,
                      height=max(320, 140 + 36 * len(a)), barmode="overlay",
                      xaxis=dict(range=[0, 105], ticksuffix="%", title=t("gaps.col.share_lost", lang)),
                      yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=labels),
                      margin=dict(l=290, r=40, t=110, b=60))
    return fig


def ranking_bars(ranking: pd.DataFrame, lang: str = "en", *, currency: str = "CNY", top: int = 15) -> go.Figure:
    """Systemic importance: the top firms by local firms hit if they left; anchors in a darker
    colour; the hover shows the trade at stake and the nodes that would be lost."""
    r = ranking.head(int(top))
    firms, nodes = display_names(r, lang), display_names(r, lang, base="node_name")
    labels = distinct_labels([_label(f, 40) + (" ★" if a else "") for f, a in
                              zip(firms, r["anchor"] if "anchor" in r else [False] * len(r))])
    colours = [PALETTE[1] if a else PALETTE[0] for a in (r["anchor"] if "anchor" in r else [False] * len(r))]
    fig = go.Figure(go.Bar(
        y=labels, x=r["affected_firms"], orientation="h", marker_color=colours,
        text=[f"{int(n)} · {fmt.money(v, lang, currency)}" for n, v in zip(r["affected_firms"], r["value_lost"])],
        textposition="outside", cliponaxis=False,
        customdata=np.c_[nodes.map(plot_text).to_numpy(object), r["nodes_lost"].to_numpy(int)],
        hovertemplate="%{y} · %{customdata[0]}<br>" + plot_text(t("gaps.col.hit", lang)) + " %{x}<br>"
                      + plot_text(t("gaps.col.nodes_lost", lang)) + " %{customdata[1]}<extra></extra>"))
    fig.update_layout(title=t("gaps.ranking_title", lang, n=len(r)), height=max(320, 140 + 36 * len(r)),
                      yaxis=dict(autorange="reversed"), showlegend=False,
                      xaxis=dict(title=t("gaps.col.hit", lang), range=[0, max(1, float(r["affected_firms"].max()
                                                                                      if len(r) else 1)) * 1.35]),
                      margin=dict(l=290, r=40, t=90, b=60))
    return fig


# ------------------------------------------------------------------------------ security


def security_scatter(security: pd.DataFrame, lang: str = "en", *, label: int = 10, x_mid: float = 0.5,
                     y_mid: float = 0.5) -> go.Figure:
    """The security matrix: external dependence (x) against substitutability (y), quadrants
    shaded and named, points sized by importance and coloured by quadrant; the ``label`` most
    important critical nodes are named. Points are jittered slightly so equal values stay
    visible."""
    s = security[security["quadrant"] != ""].reset_index(drop=True)
    fig = go.Figure()
    shades = {"critical": (x_mid, 1.04, -0.04, y_mid), "fragile": (-0.04, x_mid, -0.04, y_mid),
              "watch": (x_mid, 1.04, y_mid, 1.16), "secure": (-0.04, x_mid, y_mid, 1.16)}
    for q, (x0, x1, y0, y1) in shades.items():
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=y0, y1=y1, line_width=0, fillcolor=QUADRANT_COLOURS[q],
                      opacity=0.08, layer="below")
        fig.add_annotation(x=x0 + 0.01 if x0 < x_mid else x1 - 0.01, y=y1 - 0.01 if y1 > y_mid else y0 + 0.01,
                           text=f"<b>{plot_text(t(f'gaps.quadrant.{q}', lang))}</b><br>{plot_text(t(f'gaps.quadrant_hint.{q}', lang))}",
                           showarrow=False, xanchor="left" if x0 < x_mid else "right",
                           yanchor="top" if y1 > y_mid else "bottom", align="left" if x0 < x_mid else "right",
                           font=dict(size=11, color=QUADRANT_COLOURS[q]))
    rng = np.random.default_rng(0)
    jitter_x = rng.uniform(-0.012, 0.012, len(s))
    jitter_y = rng.uniform(-0.03, 0.03, len(s))
    names = display_names(s, lang)
    for q in G.QUADRANTS:
        mask = (s["quadrant"] == q).to_numpy()
        if not mask.any():
            continue
        rows = s[mask]
        fig.add_trace(go.Scatter(
            x=rows["dependence"] + jitter_x[mask], y=rows["substitutability"] + jitter_y[mask], mode="markers",
            name=t(f"gaps.quadrant.{q}", lang),
            marker=dict(color=QUADRANT_COLOURS[q], size=6 + 5 * rows["weight"].to_numpy(float),
                        line=dict(color="white", width=1), opacity=0.85),
            customdata=np.c_[names[mask].map(plot_text).to_numpy(object),
                             [status_label(x, lang) for x in rows["status"]],
                             rows["dependence"].to_numpy(float) * 100, rows["alternatives"].to_numpy(int)],
            hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>" + plot_text(t("gaps.col.dependence", lang))
                          + " %{customdata[2]:.0f}%<br>" + plot_text(t("gaps.col.alternatives", lang))
                          + " %{customdata[3]}<extra></extra>"))
    crit = s[s["quadrant"] == "critical"].sort_values(["weight", "dependence"], ascending=False).head(int(label))
    # names of the most important critical nodes, stacked in a column left of the cluster
    crit = crit.sort_values("substitutability", ascending=False)
    step = min(0.05, (y_mid - 0.03) / max(len(crit), 1))
    for k, (i, r) in enumerate(crit.iterrows()):   # ≤ label annotations
        fig.add_annotation(x=r["dependence"] + jitter_x[i], y=r["substitutability"] + jitter_y[i],
                           ax=x_mid + 0.02, ay=y_mid - 0.04 - step * k, axref="x", ayref="y",
                           text=plot_text(_short(names[i], 30)), showarrow=True, arrowhead=0, arrowwidth=1,
                           arrowcolor="rgba(120,144,156,0.6)", xanchor="left", yanchor="middle",
                           font=dict(size=10, color="#37474f"), bgcolor="rgba(255,255,255,0.7)")
    fig.update_layout(title=t("gaps.security_title", lang), height=640,
                      xaxis=dict(title=t("gaps.axis_dependence", lang), range=[-0.04, 1.04], tickformat=".0%",
                                 zeroline=False),
                      yaxis=dict(title=t("gaps.axis_substitutability", lang), range=[-0.04, 1.16], tickformat=".0%",
                                 tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1.0],
                                 zeroline=False),
                      margin=dict(l=70, r=30, t=100, b=60))
    return fig
