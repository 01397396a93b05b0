"""Figures of the niche analysis: the zone × zone overlap heatmap, the zone × group location
quotient heatmap, the zones' niche breadth, the output mix of a flagged pair of zones, and a
firm's embedding opportunities. Each takes a result of :mod:`ecolib.analyses.niche` and returns a
``go.Figure``; metrics are never computed here."""
from __future__ import annotations


import numpy as np
import plotly.graph_objects as go

from ecolib.presentation import fmt
from ecolib.presentation.escape import plot_text
from ecolib.analyses import niche as nc
from ecolib.analyses.genemap import GeneMap
from ecolib.presentation.i18n import t
from ecolib.presentation.narrative.niche import group_names, node_names, weight_amount, weight_words, zone_names
from ecolib.presentation.plots.theme import PALETTE, STAGE_COLOURS, STATUS_COLOURS, distinct_labels

#: Diverging scale for LQ (log2 from 1/4 to 4): blue under-, orange over-specialised.
LQ_SCALE = [[0.0, "#1f6f8b"], [0.35, "#a9cfe0"], [0.5, "#f7f7f7"], [0.65, "#f6c08f"], [1.0, "#b34d00"]]
OVERLAP_SCALE = [[0.0, "#f7fbff"], [0.5, "#f4b183"], [0.7, "#e07a1f"], [1.0, "#9e2a1b"]]
LQ_CLIP = 2.0  # log2: LQ shown from 1/4 to 4




def zone_colour(n: nc.Niche, zone: str) -> str:
    """The colour of a zone, the same in every figure (by its position among the zones)."""
    pos = list(n.zones["zone"]).index(zone) if zone in set(n.zones["zone"]) else 0
    return PALETTE[pos % len(PALETTE)]


def _gaps(a: np.ndarray) -> np.ndarray:
    """NaN → None, so a heatmap shows an empty cell and a live FigureWidget gets valid JSON."""
    a = np.asarray(a, dtype=np.float64)
    return np.where(np.isnan(a), None, a.astype(object))


def _short(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------ overlap


def overlap_heatmap(n: nc.Niche, lang: str = "en") -> go.Figure:
    """Zone × zone Pianka overlap with values in the cells; pairs above the threshold framed."""
    zn = zone_names(n, lang)
    zones = [str(zn.get(z, z)) for z in n.overlap.index]
    labels = [plot_text(_short(z, 40)) for z in zones]
    z = n.overlap.to_numpy(np.float64).copy()
    k = len(zones)
    text = np.where(np.isnan(z), "–", np.char.mod("%.3f", np.nan_to_num(z))) if k else np.empty((0, 0), dtype=str)
    if k:                                               # a zone with itself: grey, no number
        np.fill_diagonal(z, np.nan)
        np.fill_diagonal(text, "")
    hover = [[f"{plot_text(zones[i])} – {plot_text(zones[j])}" for j in range(k)] for i in range(k)]   # zones × zones: small
    fig = go.Figure(go.Heatmap(
        z=_gaps(z), x=list(range(k)), y=list(range(k)), zmin=0, zmax=1, colorscale=OVERLAP_SCALE, xgap=3, ygap=3,
        hoverongaps=False,
        text=text, texttemplate="%{text}", textfont=dict(size=14), customdata=np.array(hover, dtype=object),
        hovertemplate="%{customdata}<br>" + plot_text(t("niche.overlap_axis", lang)) + ": %{z:.3f}<extra></extra>",
        colorbar=dict(title=dict(text=t("niche.overlap_axis", lang)), tickvals=[0, n.threshold, 1],
                      ticktext=["0", f"{n.threshold:.2f}", "1"], len=0.8)))
    shapes = []
    flagged = np.nan_to_num(z, nan=-1.0) > n.threshold
    np.fill_diagonal(flagged, False) if k else None
    for i, j in zip(*np.nonzero(flagged)):                 # flagged cells: a handful
        shapes.append(dict(type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5, xref="x", yref="y",
                           line=dict(color="#263238", width=3)))
    side = min(max(320, 160 + 90 * k), 900)
    fig.update_layout(
        title=t("niche.overlap_title", lang, threshold=fmt.number(n.threshold, 2)), height=side + 60,
        xaxis=dict(tickmode="array", tickvals=list(range(k)), ticktext=labels, side="bottom", showgrid=False,
                   automargin=True, constrain="domain"),
        yaxis=dict(tickmode="array", tickvals=list(range(k)), ticktext=labels, autorange="reversed", showgrid=False,
                   automargin=True, scaleanchor="x", constrain="domain"),
        shapes=shapes, plot_bgcolor="#eceff1", margin=dict(l=10, r=30, t=70, b=40))
    return fig


# ------------------------------------------------------------------------------ LQ


def lq_heatmap(n: nc.Niche, lang: str = "en", *, currency: str = "CNY", max_rows: int = 40) -> go.Figure:
    """Groups (rows, chain order) × zones (columns): LQ on a diverging log scale centred at 1,
    LQ in the cells, the zone's weight there (output as money, employees, or firms:
    :attr:`~ecolib.analyses.niche.Niche.weight`) and share on hover. Groups nobody produces in are left out; with
    more than ``max_rows`` groups, the largest by output are shown (a note says how many not)."""
    names = group_names(n, lang)
    stage = n.groups.set_index("group")["stage"]
    total = n.output.sum(axis=0)
    keep = total[total > 0]
    hidden = 0
    if len(keep) > max_rows:
        hidden = len(keep) - max_rows
        keep = keep.sort_values(ascending=False, kind="stable").head(max_rows)
    groups = [g for g in n.output.columns if g in keep.index]         # chain order
    zn = zone_names(n, lang)
    zones = [str(zn.get(z, z)) for z in n.output.index]
    lq = n.lq.reindex(columns=groups).T.to_numpy(np.float64)          # groups × zones
    out = n.output.reindex(columns=groups).T.to_numpy(np.float64)
    sh = n.shares.reindex(columns=groups).T.to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        colour = np.clip(np.log2(lq), -LQ_CLIP, LQ_CLIP)
    colour = np.where(out > 0, colour, np.nan)                         # nobody there: empty cell
    text = np.where(out > 0, np.char.mod("%.2f", np.nan_to_num(lq)), "")
    limit = 24 if lang == "zh" else 56
    row_labels = [f'<span style="color:{STAGE_COLOURS.get(stage.get(g), "#9aa5ab")}">■</span> '
                  f"{plot_text(_short(names.get(g, g), limit))}" for g in groups]
    lq_word = plot_text(t("niche.lq_axis", lang))
    cd = np.empty((len(groups), len(zones)), dtype=object)
    for i, g in enumerate(groups):                                     # groups × zones cells, display only
        for j, zname in enumerate(zones):
            cd[i, j] = (f"{plot_text(names.get(g, g))} · {plot_text(zname)}<br>{lq_word} {fmt.number(lq[i, j], 2)} · "
                        f"{plot_text(weight_amount(out[i, j], n.weight, lang, currency))} · {fmt.pct(sh[i, j], 1)}")
    ticks = [0.25, 0.5, 1, 2, 4]
    fig = go.Figure(go.Heatmap(
        z=_gaps(colour), x=list(range(len(zones))), y=list(range(len(groups))), zmin=-LQ_CLIP, zmax=LQ_CLIP,
        colorscale=LQ_SCALE, xgap=2, ygap=2, text=text, texttemplate="%{text}", textfont=dict(size=11),
        customdata=cd, hovertemplate="%{customdata}<extra></extra>", hoverongaps=False,
        colorbar=dict(title=dict(text=lq_word), tickvals=list(np.log2(ticks)), ticktext=["¼", "½", "1", "2", "4"],
                      lenmode="pixels", len=max(160, min(360, 26 * len(groups))), y=1, yanchor="top")))
    annotations = []
    if hidden:
        annotations.append(dict(text=plot_text(t("niche.lq_more", lang, n=hidden, level_plural=t(f"niche.level_plural.{n.level}", lang))),
                                x=0, xref="paper", y=0, yref="paper", yanchor="top", yshift=-10, showarrow=False,
                                xanchor="left", font=dict(size=12, color="#5f6b6d")))
    fig.update_layout(
        title=t("niche.lq_title", lang, level=t(f"niche.level.{n.level}", lang)),
        height=max(320, 160 + 26 * len(groups)), margin=dict(l=10, r=30, t=130, b=40),
        xaxis=dict(tickmode="array", tickvals=list(range(len(zones))), ticktext=[plot_text(_short(z, 24)) for z in zones],
                   side="top", showgrid=False, automargin=True),
        yaxis=dict(tickmode="array", tickvals=list(range(len(groups))), ticktext=row_labels, autorange="reversed",
                   showgrid=False, automargin=True),
        plot_bgcolor="#fafafa", annotations=annotations)
    return fig


# ------------------------------------------------------------------------------ breadth


def breadth_chart(n: nc.Niche, lang: str = "en") -> go.Figure:
    """Standardised Levins breadth per zone (bars), with the raw breadth and the number of
    groups of the level in the label; zones with no output are left out."""
    z = n.zones[~n.zones["no_output"]].sort_values(["breadth_std", "zone"], ascending=[True, True], na_position="first")
    k = n.output.shape[1]
    text = [t("niche.breadth_text", lang, b=fmt.number(b, 2), n=k, s=fmt.number(s, 3))
            for b, s in zip(z["breadth"], z["breadth_std"])]
    colours = [zone_colour(n, v) for v in z["zone"]]
    zn = zone_names(n, lang)
    fig = go.Figure(go.Bar(
        y=[plot_text(_short(zn.get(v, v), 40)) for v in z["zone"]], x=z["breadth_std"].fillna(0.0), orientation="h", text=text,
        textposition="outside", cliponaxis=False, marker_color=colours,
        hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    top = float(np.nanmax(z["breadth_std"])) if len(z) and z["breadth_std"].notna().any() else 1.0
    fig.update_layout(title=t("niche.breadth_title", lang), showlegend=False,
                      height=max(260, 150 + 50 * len(z)), margin=dict(l=10, r=40, t=70, b=50),
                      xaxis=dict(range=[0, max(min(1.0, top * 1.6), 0.1)], title=t("niche.col.breadth_std", lang)),
                      yaxis=dict(automargin=True))
    return fig


# ------------------------------------------------------------------------------ a flagged pair


def pair_profile(n: nc.Niche, a: str, b: str, lang: str = "en", *, top: int = 12) -> go.Figure:
    """Butterfly chart of two zones' mix (of output, or of the weight used): the ``top`` groups by combined share, zone a's
    shares to the left and b's to the right; the groups each should build on (the advice) in
    bold and full colour, the others pale."""
    names = group_names(n, lang)
    p = n.shares
    pa, pb = p.loc[a].fillna(0.0), p.loc[b].fillna(0.0)
    adv = n.advice[((n.advice["zone_a"] == a) & (n.advice["zone_b"] == b))
                   | ((n.advice["zone_a"] == b) & (n.advice["zone_b"] == a))]
    adv_a = set(adv.loc[adv["zone"] == a, "group"])
    adv_b = set(adv.loc[adv["zone"] == b, "group"])
    combined = (pa + pb).sort_values(ascending=False, kind="stable")
    chosen = list(combined[combined > 0].head(top).index)
    chosen += [g for g in list(adv_a) + list(adv_b) if g not in chosen]
    order = [g for g in p.columns if g in set(chosen)]                  # chain order
    limit = 24 if lang == "zh" else 56
    labels = distinct_labels([(f"<b>{plot_text(_short(names.get(g, g), limit))}</b>" if g in adv_a | adv_b
                               else plot_text(_short(names.get(g, g), limit))) for g in order])
    ca, cb = zone_colour(n, a), zone_colour(n, b)
    zn = zone_names(n, lang)
    a_name, b_name = str(zn.get(a, a)), str(zn.get(b, b))
    w = weight_words(n, lang)["w"]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=labels, x=[-pa[g] for g in order], orientation="h", name=plot_text(a_name),
        marker=dict(color=ca, opacity=[1.0 if g in adv_a else 0.4 for g in order]),
        text=[fmt.pct(pa[g], 0) for g in order], textposition="outside", cliponaxis=False,
        customdata=[fmt.pct(pa[g], 1) for g in order], hovertemplate=f"{plot_text(a_name)}: %{{customdata}}<extra></extra>"))
    fig.add_trace(go.Bar(
        y=labels, x=[pb[g] for g in order], orientation="h", name=plot_text(b_name),
        marker=dict(color=cb, opacity=[1.0 if g in adv_b else 0.4 for g in order]),
        text=[fmt.pct(pb[g], 0) for g in order], textposition="outside", cliponaxis=False,
        customdata=[fmt.pct(pb[g], 1) for g in order], hovertemplate=f"{plot_text(b_name)}: %{{customdata}}<extra></extra>"))
    m = float(max(pa.max(), pb.max(), 0.05)) * 1.25
    ticks = [v for v in (0.1, 0.25, 0.5, 0.75, 1.0) if v <= m] or [m / 2]
    fig.update_layout(
        title=t("niche.pair_title", lang, a=plot_text(a_name), b=plot_text(b_name), level=t(f"niche.level.{n.level}", lang),
                w=w),
        barmode="overlay", bargap=0.25, height=max(320, 160 + 30 * len(order)),
        xaxis=dict(range=[-m, m], tickvals=[-v for v in ticks[::-1]] + [0] + ticks,
                   ticktext=[fmt.pct(v, 0) for v in ticks[::-1]] + ["0"] + [fmt.pct(v, 0) for v in ticks],
                   title=t("niche.pair_axis", lang, w=w), zeroline=True, zerolinecolor="#90a4ae"),
        yaxis=dict(autorange="reversed", automargin=True), margin=dict(l=10, r=30, t=100, b=50))
    return fig


# ------------------------------------------------------------------------------ embedding


def embedding_chart(e: nc.Embedding, gm: GeneMap, firm_label: str, lang: str = "en", *, n: int = 10) -> go.Figure:
    """The firm's ``n`` best entry points (score > 0) as horizontal bars coloured by gap status,
    best on top; the label says fit × priority; ★ marks a core node."""
    top = e.top(n).iloc[::-1]
    names = node_names(gm, lang)
    limit = 24 if lang == "zh" else 56
    labels = distinct_labels([plot_text(_short(names.get(i, i), limit)) + (" ★" if c else "")
                              for i, c in zip(top["node_id"], top["core"])])
    text = [t("niche.embed_text", lang, density=fmt.pct(d, 0), priority=fmt.number(p, 2))
            for d, p in zip(top["density"], top["priority"])]
    status = [t(f"genemap.status.{s}", lang) for s in top["status"]]
    fig = go.Figure(go.Bar(
        y=labels, x=top["score"], orientation="h", text=text, textposition="outside", cliponaxis=False,
        marker_color=[STATUS_COLOURS.get(s, "#9aa5ab") for s in top["status"]], customdata=status,
        hovertemplate="%{y} (%{customdata})<br>" + plot_text(t("niche.score_axis", lang)) + ": %{x:.3f}<extra></extra>"))
    hi = float(top["score"].max()) if len(top) else 1.0
    fig.update_layout(
        title=t("niche.embed_title", lang, firm=plot_text(_short(firm_label, 40))), showlegend=False,
        height=max(280, 150 + 36 * len(top)), margin=dict(l=10, r=40, t=70, b=50),
        xaxis=dict(range=[0, hi * 1.6 if hi > 0 else 1.0], title=t("niche.score_axis", lang)),
        yaxis=dict(automargin=True))
    return fig
