"""Figures of the gene map: the chain tree coloured by coverage status, the firm × node
capability heatmap, the chain graph with its gaps, the node proximity network, and the gaps'
feasibility chart. Each takes an analysis result of :mod:`ecolib.analyses.genemap` (the
:class:`~ecolib.analyses.genemap.GeneMap` or its coverage) and returns a ``go.Figure``; what a
figure draws (the capability matrix, the chain and proximity graphs) comes from the analysis,
layouts (positions of nodes) are computed here, metrics never."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecolib.foundations import chain
from ecolib.presentation import fmt
from ecolib.presentation.escape import plot_text
from ecolib.analyses.genemap import Coverage, GeneMap
from ecolib.contract.schema import COVERAGE_STATUSES as STATUSES, STAGES
from ecolib.presentation.i18n import display_names, has, t
from ecolib.presentation.plots.theme import STAGE_COLOURS, STATUS_COLOURS

PARENT_COLOUR = "#eceff1"
ROOT_COLOUR = "#37474f"
EDGE_COLOUR = "rgba(96, 125, 139, 0.22)"




def _short(text: str, limit: int = 30) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrap(text: str, width: int, lines: int) -> str:
    """Escaped label broken into ``lines`` lines of about ``width`` characters (CJK: per character)."""
    import textwrap
    text = str(text)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        parts = [text[i:i + width] for i in range(0, len(text), width)]
    else:
        parts = textwrap.wrap(text, width, break_long_words=False) or [text]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: max(width - 1, 1)] + "…"
    return "<br>".join(plot_text(p) for p in parts)


def _status_label(status: str, lang: str) -> str:
    return t(f"genemap.status.{status}", lang)




def status_legend(counts: dict[str, int] | None, lang: str) -> str:
    """One line of coloured squares and status names (with counts), for an annotation."""
    parts = []
    for s in STATUSES:
        n = "" if counts is None else f" ({counts.get(s, 0)})"
        parts.append(f'<span style="color:{STATUS_COLOURS[s]}">■</span> {_status_label(s, lang)}{n}')
    return "   ".join(parts)


# ------------------------------------------------------------------------------ treemap


def coverage_treemap(cov: Coverage, lang: str = "en", *, currency: str = "CNY", root: str | None = None,
                     height: int = 900) -> go.Figure:
    """The chain tree as a treemap: technology nodes sized by importance weight and coloured by
    status (missing, single firm, thin, covered); stages in their stage colour, segments grey,
    each labelled with its coverage rate. ``root`` shows only that branch (drill-down)."""
    tree = cov.tree
    if root is not None:
        pairs = chain.ancestor_pairs(tree[["node_id", "parent_id"]])
        keep = set(pairs.loc[pairs["ancestor_id"] == root, "node_id"])
        if not keep:
            raise ValueError(f"{root!r} is not a node of the chain")
        tree = tree[tree["node_id"].isin(keep)]
    names = display_names(tree, lang).fillna(tree["node_id"])
    parents = tree["parent_id"].where(tree["parent_id"].isin(tree["node_id"]), "").fillna("")
    weight = tree["weight"].where(tree["is_leaf"], 0.0).clip(lower=1e-6)
    colours = np.where(tree["is_leaf"], tree["status"].map(STATUS_COLOURS).fillna(PARENT_COLOUR).to_numpy(object),
                       np.where(tree["level"].eq("stage"), tree["stage"].map(STAGE_COLOURS).fillna(PARENT_COLOUR),
                                PARENT_COLOUR))
    colours = np.where(parents.eq(""), ROOT_COLOUR, colours)
    # one label line under each name: firms for technology nodes, coverage rate for parents
    sub = [
        (t("genemap.tile_leaf_one", lang) if n == 1 else t("genemap.tile_leaf", lang, n=int(n))) if leaf
        else t("genemap.tile_parent", lang, rate=fmt.pct(r, 0), missing=int(m), leaves=int(k))
        for leaf, n, s, r, m, k in zip(tree["is_leaf"], tree["firms"], tree["status"], tree["coverage_rate"],
                                       tree["missing"], tree["leaves"])]  # display strings, one per chain node
    hover = [
        (_status_label(st, lang) if leaf else sb) + "<br>"
        + t("genemap.hover_node", lang, firms=int(n), output=fmt.money(o, lang, currency), weight=fmt.number(w, 1),
            core=t("genemap.yes", lang) if c else t("genemap.no", lang))
        for leaf, st, sb, n, o, w, c in zip(tree["is_leaf"], tree["status"], sub, tree["firms"], tree["output"],
                                            tree["weight"], tree["core"])]
    text_colour = np.where(tree["is_leaf"] & tree["status"].isin(["thin", "covered"]), "#1b2631",
                           np.where(tree["is_leaf"] | parents.eq("") | tree["level"].eq("stage"), "white", "#263238"))
    counts = cov.nodes[cov.nodes["node_id"].isin(tree["node_id"])]["status"].value_counts().to_dict()
    fig = go.Figure(go.Treemap(
        ids=tree["node_id"], parents=parents, values=weight,
        labels=[_wrap(n, 7 if lang == "zh" else 14, 3) if leaf else plot_text(n)
                for n, leaf in zip(names, tree["is_leaf"])],  # technology nodes wrapped to fit their tiles
        branchvalues="remainder", customdata=np.column_stack([sub, hover]),
        texttemplate="<b>%{label}</b><br>%{customdata[0]}",
        hovertemplate="<b>%{label}</b><br>%{customdata[1]}<extra></extra>",
        marker=dict(colors=colours, line=dict(color="white", width=1.5)),
        textfont=dict(color=text_colour.tolist(), size=12), tiling=dict(pad=2),
        pathbar=dict(visible=True), maxdepth=-1, sort=False))
    title = t("genemap.map_title", lang, cap=fmt.number(cov.min_capability, 2))
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=96, b=10),
                      uniformtext=dict(minsize=8, mode="hide"),
                      annotations=[dict(text=status_legend(counts, lang), x=0, xref="paper", xanchor="left",
                                        y=1.0, yref="paper", yanchor="bottom", showarrow=False, font=dict(size=13))])
    return fig


# ------------------------------------------------------------------------------ heatmap


def capability_heatmap(gm: GeneMap, lang: str = "en", *, nodes: list[str] | None = None, top_nodes: int = 15,
                       max_firms: int = 30) -> go.Figure:
    """Firm × node capability of the active local firms on the most important technology nodes.

    Parameters
    ----------
    gm : GeneMap
        The gene map (:func:`ecolib.analyses.genemap.gene_map`); the cells are
        :func:`ecolib.analyses.genemap.capability_matrix` of its coverage, firm names from ``gm.firms``.
    lang : str
        Language of the labels.
    nodes, top_nodes, max_firms
        Which nodes and how many firms, as in :func:`~ecolib.analyses.genemap.capability_matrix`.

    Returns
    -------
    go.Figure
        Cells below the coverage threshold are pale orange (the firm works on the node but does
        not count), empty cells mean no capability; node labels carry the node's status, missing
        ones in bold.
    """
    cov = gm.coverage
    matrix = gm.capability_matrix(nodes=nodes, top_nodes=top_nodes, max_firms=max_firms)
    firms = gm.firms
    nodes = cov.nodes.set_index("node_id")
    node_names = display_names(nodes.reset_index(), lang).set_axis(nodes.index)
    firm_names = display_names(firms, lang).set_axis(firms["firm_id"].to_numpy()) if len(firms) else pd.Series(dtype=object)
    cols = list(matrix.columns)
    xt, hover_x = [], []
    for c in cols:  # one label per column (≤ a few dozen)
        s = nodes.at[c, "status"] if c in nodes.index else "missing"
        label = plot_text(_short(node_names.get(c, c), 16 if lang == "zh" else 30))
        mark = f'<span style="color:{STATUS_COLOURS[s]}">●</span> '
        xt.append(mark + (f"<b>{label}</b>" if s == "missing" else label))
        hover_x.append(f"{plot_text(node_names.get(c, c))} ({_status_label(s, lang)})")
    rows = [plot_text(_short(firm_names.get(f, f), 34)) for f in matrix.index]
    z = matrix.to_numpy(dtype=float)
    cap = cov.min_capability
    scale = [[0.0, "#fdebd0"], [max(cap - 1e-6, 0.0), "#f5cba7"], [cap, "#d6eaf8"], [1.0, "#1f4e79"]]
    text = np.where(np.isnan(z), "", np.char.mod("%.2f", np.nan_to_num(z))) if z.size else np.empty(z.shape, str)
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(len(cols))), y=list(range(len(rows))), zmin=0, zmax=1, colorscale=scale,
        text=text, texttemplate="%{text}", textfont=dict(size=10), xgap=2, ygap=2, hoverongaps=False,
        customdata=np.array([[f"{rows[i]}<br>{hover_x[j]}" for j in range(len(cols))] for i in range(len(rows))]
                            if len(rows) and len(cols) else np.empty((0, 0))),
        hovertemplate="%{customdata}<br>" + t("genemap.col.capability", lang) + ": %{z:.2f}<extra></extra>",
        colorbar=dict(title=dict(text=t("genemap.col.capability", lang)), tickvals=[0, cap, 1],
                      ticktext=["0", f"{cap:.2f}", "1"], len=0.6)))
    fig.update_layout(
        title=t("genemap.heatmap_title", lang, cap=fmt.number(cap, 2)),
        height=max(420, 330 + 24 * len(rows)), margin=dict(l=10, r=30, t=270, b=30),
        xaxis=dict(tickmode="array", tickvals=list(range(len(cols))), ticktext=xt, side="top", tickangle=-90,
                   tickfont=dict(size=11), showgrid=False, automargin=True),
        yaxis=dict(tickmode="array", tickvals=list(range(len(rows))), ticktext=rows, autorange="reversed",
                   showgrid=False, automargin=True),
        plot_bgcolor="#fafafa",
        annotations=[dict(text=status_legend(None, lang), x=0, xref="paper", xanchor="left", y=0, yref="paper",
                          yanchor="top", yshift=-8, showarrow=False, font=dict(size=12))])
    return fig


# ------------------------------------------------------------------------------ networks


def _edge_trace(pos: dict, edges, *, colour: str, width: float, name: str | None = None,
                dash: str | None = None) -> go.Scatter:
    xs, ys = [], []
    for a, b in edges:  # drawing: one segment per edge (bounded by the chain's edges)
        xs += [pos[a][0], pos[b][0], None]
        ys += [pos[a][1], pos[b][1], None]
    return go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=colour, width=width, dash=dash), hoverinfo="skip",
                      showlegend=name is not None, name=name or "")


def _node_traces(g, pos: dict, lang: str, *, label_statuses=("missing", "single"), label_all: bool = False,
                 label_core_gaps: bool = False, label_limit: int = 26,
                 label_side: float | None = None) -> list[go.Scatter]:
    """One marker trace per status (a legend entry each). Labels right of the markers, or,
    with ``label_side``, left of markers whose x is below it (labels point away from the middle)."""
    traces = []
    data = pd.DataFrame.from_dict(dict(g.nodes(data=True)), orient="index")
    if not len(data):
        return traces
    data["node_id"] = data.index
    names = display_names(data, lang).fillna(data["node_id"])
    for s in STATUSES:  # one trace per status: a legend entry each
        d = data[data["status"] == s]
        if not len(d):
            continue
        nm = names.reindex(d.index)
        labelled = np.full(len(d), label_all or s in label_statuses)
        if label_core_gaps and s != "covered":
            labelled |= d["core"].to_numpy(bool)
        show = bool(labelled.any())
        fig_text = [plot_text(_short(n, label_limit)) if k else "" for n, k in zip(nm, labelled)] if show else None
        hover = [f"<b>{plot_text(n)}</b><br>{_status_label(s, lang)} · "
                 + t("genemap.hover_firms", lang, n=int(f)) + (" · " + t("genemap.col.core", lang) if c else "")
                 for n, f, c in zip(nm, d["firms"], d["core"])]
        size = 8 + 4 * np.sqrt(d["weight"].astype(float).clip(lower=0).to_numpy())
        xs = np.array([pos[n][0] for n in d.index], dtype=float)
        side = "middle right" if label_side is None else np.where(xs < label_side, "middle left", "middle right").tolist()
        traces.append(go.Scatter(
            x=xs, y=[pos[n][1] for n in d.index], mode="markers+text" if show else "markers",
            text=fig_text, textposition=side, textfont=dict(size=10, color="#37474f"),
            marker=dict(color=STATUS_COLOURS[s], size=size, line=dict(color=np.where(d["core"], "#1b2631", "white"),
                                                                     width=np.where(d["core"], 2, 1))),
            name=_status_label(s, lang), hovertext=hover, hoverinfo="text"))
    return traces


def _chain_layout(g, nodes: pd.DataFrame) -> dict:
    """Columns by stage (upstream → midstream → downstream, services last); inside a stage,
    segments in sub-columns by their longest chain of inputs within the stage; nodes stacked
    by segment."""
    import networkx as nx

    seg = nodes.set_index("node_id")["segment_id"].fillna("")
    stage = nodes.set_index("node_id")["stage"].fillna("unassigned")
    seg_stage = stage.groupby(seg).first()
    sg = nx.DiGraph()
    sg.add_nodes_from(seg_stage.index)
    for a, b in g.edges():  # segment graph from the node edges (bounded by the edges)
        sa, sb = seg.get(a, ""), seg.get(b, "")
        if sa != sb and seg_stage.get(sa) == seg_stage.get(sb):
            sg.add_edge(sa, sb)
    cond = nx.condensation(sg)
    # "as late as possible": a segment sits just left of the segments it feeds, which spreads
    # the many pure suppliers of a stage over its columns instead of piling them in the first
    height = {}
    for c in reversed(list(nx.topological_sort(cond))):
        succ = list(cond.successors(c))
        height[c] = 0 if not succ else 1 + max(height[x] for x in succ)
    layer = {}
    for st in set(seg_stage):
        segs = [s for s in seg_stage.index if seg_stage[s] == st]
        deepest = max((height[cond.graph["mapping"][s]] for s in segs), default=0)
        for s in segs:
            layer[s] = deepest - height[cond.graph["mapping"][s]]
    order = [s for s in STAGES if s in set(stage)] + sorted(set(stage) - set(STAGES))
    offset, col_of = 0, {}
    for st in order:
        segs = [s for s in seg_stage.index if seg_stage[s] == st]
        depth = max((layer[s] for s in segs), default=0)
        for s in segs:
            col_of[s] = offset + layer[s]
        offset += depth + 1
    frame = nodes.assign(col=nodes["segment_id"].fillna("").map(col_of).fillna(offset).astype(int))
    frame = frame.sort_values(["col", "segment_id", "node_id"])
    frame["row"] = frame.groupby("col").cumcount()
    n_rows = frame.groupby("col")["row"].transform("size")
    tallest = int(n_rows.max()) if len(frame) else 1
    frame["y"] = -(frame["row"] + (tallest - n_rows) / 2.0)
    return {n: (float(c), float(y)) for n, c, y in zip(frame["node_id"], frame["col"], frame["y"])}


def chain_graph_figure(gm: GeneMap, lang: str = "en", *, hide_service_links: bool = True) -> go.Figure:
    """The chain graph of the gene map: technology nodes in columns from upstream to downstream
    (services last), coloured by status; links into and out of missing nodes in red.

    Parameters
    ----------
    gm : GeneMap
        The gene map; the graph is :meth:`ecolib.analyses.genemap.GeneMap.chain_graph`
        (:func:`ecolib.analyses.genemap.chain_graph` on the workspace's chain edges).
    lang : str
        Language of the labels.
    hide_service_links : bool, default True
        Leave out the many links of service nodes (finance, logistics, testing: they serve
        nearly everything).

    Returns
    -------
    go.Figure
    """
    g = gm.chain_graph()
    cov = gm.coverage
    nodes = cov.nodes[cov.nodes["node_id"].isin(list(g.nodes))]
    pos = _chain_layout(g, nodes)
    status = nodes.set_index("node_id")["status"]
    stage = nodes.set_index("node_id")["stage"]
    missing = set(status.index[status == "missing"])
    hot, faint = [], []
    for a, b in g.edges():  # bounded by the chain's edges
        if hide_service_links and "service" in (stage.get(a), stage.get(b)):
            continue
        (hot if a in missing or b in missing else faint).append((a, b))
    traces = [_edge_trace(pos, faint, colour=EDGE_COLOUR, width=1),
              _edge_trace(pos, hot, colour="rgba(192, 57, 43, 0.75)", width=2,
                          name=t("genemap.link_missing", lang))]
    traces += _node_traces(g, pos, lang, label_all=True, label_limit=21)
    fig = go.Figure(traces)
    n_rows = max((1 - y for _, y in pos.values()), default=1)
    n_cols = max((x for x, _ in pos.values()), default=0) + 1
    # stage names above their columns
    ann = []
    cols = pd.DataFrame({"x": [p[0] for p in pos.values()], "stage": [stage.get(n) for n in pos]})
    for st, xs in cols.groupby("stage")["x"]:
        label = t(f"stage.{st}", lang) if has(f"stage.{st}", lang) else str(st)
        ann.append(dict(x=(xs.min() + xs.max()) / 2, y=0.9, xref="x", yref="y", text=f"<b>{plot_text(label)}</b>",
                        showarrow=False, font=dict(size=13, color=STAGE_COLOURS.get(st, "#37474f"))))
    fig.update_layout(title=t("genemap.chain_title", lang), height=int(min(2400, 160 + 30 * n_rows)),
                      xaxis=dict(visible=False, range=[-0.3, n_cols + 0.2]), yaxis=dict(visible=False),
                      margin=dict(l=10, r=10, t=96, b=10), annotations=ann, hovermode="closest")
    return fig


def proximity_figure(gm: GeneMap, lang: str = "en", *, seed: int = 7) -> go.Figure:
    """The node proximity network of the gene map: nodes close together are often mastered by
    the same firms or linked in the chain; colour is coverage status.

    Parameters
    ----------
    gm : GeneMap
        The gene map; the network is :meth:`ecolib.analyses.genemap.GeneMap.proximity_graph`
        (:func:`ecolib.analyses.genemap.proximity_graph`: maximum spanning tree of φ plus the
        strongest pairs).
    lang : str
        Language of the labels.
    seed : int, default 7
        Seed of the spring layout (the same seed draws the same picture).

    Returns
    -------
    go.Figure
    """
    import networkx as nx

    g = gm.proximity_graph()
    connected = [n for n in g.nodes if g.degree(n) > 0]
    lonely = [n for n in g.nodes if g.degree(n) == 0]
    sub = g.subgraph(connected)
    pos = {}
    if len(connected) > 1:
        # spread out (k above networkx's default 1/√n) so that labels have room
        pos = nx.spring_layout(sub, weight="proximity", seed=seed, k=2.2 / np.sqrt(len(connected)),
                               iterations=300 if len(connected) <= 200 else 80)
    elif connected:
        pos = {connected[0]: np.array([0.0, 0.0])}
    # nodes related to nothing: a row below the network
    for i, n in enumerate(lonely):
        pos[n] = np.array([-1.0 + 2.0 * (i + 0.5) / max(len(lonely), 1), -1.35])
    widths = [(a, b, d.get("proximity", 0.0)) for a, b, d in g.edges(data=True)]
    strong = [(a, b) for a, b, w in widths if w >= 0.5]
    weak = [(a, b) for a, b, w in widths if w < 0.5]
    traces = [_edge_trace(pos, weak, colour="rgba(96, 125, 139, 0.25)", width=1),
              _edge_trace(pos, strong, colour="rgba(96, 125, 139, 0.6)", width=2.2)]
    centre = float(np.median([p[0] for p in pos.values()])) if pos else None
    traces += _node_traces(g, pos, lang, label_statuses=("missing",), label_core_gaps=True, label_limit=26,
                           label_side=centre)
    fig = go.Figure(traces)
    xs = [float(p[0]) for p in pos.values()] or [0.0]
    pad = 0.22 * (max(xs) - min(xs) or 1.0)  # room for the labels on both sides
    fig.update_layout(title=t("genemap.proximity_title", lang), height=820,
                      xaxis=dict(visible=False, range=[min(xs) - pad, max(xs) + pad]), yaxis=dict(visible=False),
                      margin=dict(l=10, r=10, t=96, b=10), hovermode="closest")
    return fig


# ------------------------------------------------------------------------------ feasibility


def feasibility_chart(gm: GeneMap, lang: str = "en", *, statuses=("missing",)) -> go.Figure:
    """Feasibility (density given the park's present nodes) of the gap nodes with ``statuses``
    (default: the missing ones) as horizontal bars coloured by status, most feasible on top;
    core nodes marked ★. Bars of nodes related to nothing read "no evidence"."""
    feas = gm.feasibility[gm.feasibility["status"].isin(list(statuses))]
    nodes = gm.coverage.nodes.set_index("node_id")
    names = display_names(nodes.reset_index(), lang).set_axis(nodes.index)
    feas = feas.sort_values(["feasibility", "node_id"], ascending=[True, False])
    labels = [plot_text(_short(names.get(n, n), 40)) + (" ★" if nodes.at[n, "core"] else "") for n in feas["node_id"]]
    text = [t("genemap.no_evidence", lang) if ne else fmt.pct(v, 0)
            for v, ne in zip(feas["feasibility"], feas["no_evidence"])]
    fig = go.Figure(go.Bar(
        y=labels, x=feas["feasibility"], orientation="h", text=text, textposition="outside", cliponaxis=False,
        marker_color=[STATUS_COLOURS[s] for s in feas["status"]],
        hovertemplate="%{y}: %{x:.0%}<extra></extra>"))
    fig.update_layout(title=t("genemap.feasibility_title", lang), height=max(300, 150 + 34 * len(feas)),
                      xaxis=dict(range=[0, 1.15], tickformat=".0%", title=t("genemap.col.feasibility", lang)),
                      yaxis=dict(automargin=True), showlegend=False, margin=dict(l=10, r=40, t=80, b=50))
    return fig
