"""Figures of the gene map: the chain tree coloured by coverage status, the firm × node
capability heatmap, the chain graph with its gaps, the node proximity network, and the gaps'
feasibility chart. Each takes an analysis result of :mod:`ecolib.analyses.genemap` (the
:class:`~ecolib.analyses.genemap.GeneMap` or its coverage) and returns a ``go.Figure``; what a
figure draws (the capability matrix, the chain and proximity graphs) comes from the analysis,
layouts (positions of nodes) are computed here, metrics never."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecolib.foundations import chain
from ecolib.presentation import fmt
from ecolib.presentation.escape import plot_text
from ecolib.analyses.genemap import Coverage, GeneMap
from ecolib.contract.schema import COVERAGE_STATUSES as STATUSES, STAGES
from ecolib.presentation.i18n import display_names, has, t
from ecolib.presentation.narrative.genemap import fit_text, node_label
from ecolib.presentation.plots.theme import STAGE_COLOURS, STATUS_COLOURS, distinct_labels

PARENT_COLOUR = "#eceff1"
ROOT_COLOUR = "#37474f"
EDGE_COLOUR = "rgba(96, 125, 139, 0.22)"




def _short(text: str, limit: int = 30) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+/%'’]*-?|\s+|.")      # a Latin word may break after a hyphen
_CLOSING = set("，。、；：）」』》〉,.;:)!?！？")


def _width(token: str) -> float:
    """Display width of a token in em of a Chinese character (Latin letters and digits about half)."""
    return sum(1.0 if ord(ch) > 0x2e7f else 0.55 for ch in token)


def _pack(tokens: list[str], width: float) -> list[str]:
    """Tokens packed greedily into lines of at most ``width`` (a token wider than that alone)."""
    lines: list[str] = []
    line, used = "", 0.0
    for tok in tokens:
        w = _width(tok)
        if tok.isspace():
            if line:
                line, used = line + " ", used + w
            continue
        if line.strip() and used + w > width and tok[0] not in _CLOSING:
            lines.append(line.rstrip())
            line, used = "", 0.0
        line, used = line + tok, used + w
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _runs(text: str) -> list[str]:
    """``text`` cut where the script changes (Chinese / Latin) and at spaces, brackets kept with
    the run they enclose: the places a label reads well broken at."""
    runs: list[str] = []
    kind = None                                  # the script of the last run: "cjk", "latin", "open"
    for tok in _TOKEN.findall(text):
        if tok.isspace():
            runs.append(" ")
            kind = None
            continue
        if tok in "）)」》" and runs:
            runs[-1] += tok
            continue
        if tok in "（(「《":
            runs.append(tok)
            kind = "open"
            continue
        this = "cjk" if ord(tok[0]) > 0x2e7f else "latin"
        if runs and (kind == "open" or kind == this):
            runs[-1] += tok
        else:
            runs.append(tok)
        kind = this
    return runs


def wrap_lines(text: str, width: float) -> list[str]:
    """``text`` broken into lines of about ``width`` Chinese characters (Latin letters count
    about half), never inside a Latin word or a number (so "储能变流器PCS" does not become
    "储能变流器PC / S") and never with a closing mark first on a line. Where it takes no more
    lines, Chinese text is broken where the script changes rather than inside a word, a line
    then running up to a third over ``width``.

    Examples
    --------
    >>> wrap_lines("储能变流器PCS", 4)
    ['储能变流器', 'PCS']
    >>> wrap_lines("电池级碳酸锂", 5)                  # no single character left on a line
    ['电池级', '碳酸锂']
    >>> wrap_lines("储能能量管理系统EMS", 7)
    ['储能能量管理系统', 'EMS']
    >>> wrap_lines("Power conversion systems (PCS)", 9)
    ['Power conversion', 'systems (PCS)']
    >>> wrap_lines("BMS芯片（AFE）", 4)
    ['BMS芯片', '（AFE）']
    """
    text = str(text)
    tokens = _TOKEN.findall(text)
    greedy = _pack(tokens, width) or [text]
    if len(greedy) > 1 and _width(greedy[-1]) <= 1:          # no orphan: balance the lines instead
        total = _width(text)
        for w in np.arange(width, total / len(greedy) - 1e-9, -0.5):
            if len(_pack(tokens, float(w))) == len(greedy):
                greedy = _pack(tokens, float(w))
    runs = _runs(text)
    if len(runs) > 1 and all(r.isspace() or _width(r) <= width * 4 / 3 for r in runs):
        by_runs = _pack(runs, width * 4 / 3)
        if by_runs and len(by_runs) <= len(greedy):
            return by_runs
    return greedy


def _wrap(text: str, width: int, lines: int | None = None) -> str:
    """Escaped label broken into lines of about ``width`` characters (:func:`wrap_lines`); with
    ``lines``, at most that many (the last one cut with "…")."""
    parts = wrap_lines(text, width)
    if lines is not None and len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1] + "…"
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
    status (missing, single firm, thin, 3 or more firms); stages in their stage colour, segments
    grey, each with its coverage rate on hover. ``root`` shows only that branch (drill-down).

    The chain's own top node is left out (its stages are the top tiles); names wrap between
    words (Chinese: where the script changes, never inside a Latin word); a label that does
    not fit its tile at a legible size is hidden (the name shows on hover)."""
    tree = cov.tree
    if root is not None:
        pairs = chain.ancestor_pairs(tree[["node_id", "parent_id"]])
        keep = set(pairs.loc[pairs["ancestor_id"] == root, "node_id"])
        if not keep:
            raise ValueError(f"{root!r} is not a node of the chain")
        tree = tree[tree["node_id"].isin(keep)]
    elif tree["parent_id"].isna().sum() == 1 and len(tree) > 1:
        top = tree.loc[tree["parent_id"].isna(), "node_id"].iloc[0]
        tree = tree[tree["node_id"] != top]          # the stages are the top tiles
    names = display_names(tree, lang).fillna(tree["node_id"])
    parents = tree["parent_id"].where(tree["parent_id"].isin(tree["node_id"]), "").fillna("")
    weight = tree["weight"].where(tree["is_leaf"], 0.0).clip(lower=1e-6)
    colours = np.where(tree["is_leaf"], tree["status"].map(STATUS_COLOURS).fillna(PARENT_COLOUR).to_numpy(object),
                       np.where(tree["level"].eq("stage"), tree["stage"].map(STAGE_COLOURS).fillna(PARENT_COLOUR),
                                PARENT_COLOUR))
    colours = np.where(parents.eq("") & ~tree["level"].eq("stage") & ~tree["is_leaf"], ROOT_COLOUR, colours)
    # one label line under each name: firms for technology nodes, coverage rate for parents
    sub = [
        (t("genemap.tile_leaf_one", lang) if n == 1 else t("genemap.tile_leaf", lang, n=int(n))) if leaf
        else t("genemap.tile_parent", lang, rate=fmt.pct(r, 0), missing=int(m), leaves=int(k))
        for leaf, n, s, r, m, k in zip(tree["is_leaf"], tree["firms"], tree["status"], tree["coverage_rate"],
                                       tree["missing"], tree["leaves"])]  # display strings, one per chain node
    # output as reported: a node whose firms report none is "not reported", one where only some
    # do says how many (parents sum their nodes' reported output)
    reporting = (cov.nodes.set_index("node_id")["firms_reporting"] if "firms_reporting" in cov.nodes
                 else pd.Series(dtype=float)).reindex(tree["node_id"]).to_numpy(np.float64)

    def output_text(leaf, n, o, k):
        if not leaf or n == 0 or np.isnan(k) or k >= n:
            return fmt.money(o, lang, currency)
        if k == 0:
            return t("genemap.hover_output_none", lang)
        return t("genemap.hover_output_part", lang, output=fmt.money(o, lang, currency), k=int(k), n=int(n))

    hover = [
        (_status_label(st, lang) if leaf else sb) + "<br>"
        + t("genemap.hover_node", lang, firms=int(n), output=output_text(leaf, n, o, k), weight=fmt.number(w, 1),
            core=t("genemap.yes", lang) if c else t("genemap.no", lang))
        for leaf, st, sb, n, o, w, c, k in zip(tree["is_leaf"], tree["status"], sub, tree["firms"], tree["output"],
                                               tree["weight"], tree["core"], reporting)]
    text_colour = np.where(tree["is_leaf"] & tree["status"].isin(["thin", "covered"]), "#1b2631",
                           np.where(tree["is_leaf"] | parents.eq("") | tree["level"].eq("stage"), "white", "#263238"))
    # tile text: technology nodes wrapped to the width their tile will about have (a tile is
    # near square, its area the node's share of the weight: 1 em = 13 px at this font size),
    # with their firms; parents their name
    leaf_w = tree["weight"].where(tree["is_leaf"], 0.0).clip(lower=0)
    area = 1160.0 * max(height - 110, 100) * 0.6
    side = np.sqrt(leaf_w / (leaf_w.sum() or 1.0) * area)
    ems = np.clip(0.8 * side / 13.0, 3.5, 12.0)        # a little narrower: tall tiles are common
    text = [(_wrap(n, float(e)) + "<br>" + plot_text(sb)) if leaf else plot_text(n)
            for n, leaf, sb, e in zip(names, tree["is_leaf"], sub, ems)]
    counts = cov.nodes[cov.nodes["node_id"].isin(tree["node_id"])]["status"].value_counts().to_dict()
    fig = go.Figure(go.Treemap(
        ids=tree["node_id"], parents=parents, values=weight, labels=[plot_text(n) for n in names], text=text,
        branchvalues="remainder", customdata=np.array(hover, dtype=object),
        texttemplate="%{text}", hovertemplate="<b>%{label}</b><br>%{customdata}<extra></extra>",
        marker=dict(colors=colours, line=dict(color="white", width=1.5), pad=dict(t=24, l=3, r=3, b=3)),
        textfont=dict(color=text_colour.tolist(), size=12), insidetextfont=dict(size=12),
        tiling=dict(pad=2), pathbar=dict(visible=True, textfont=dict(size=13)), maxdepth=-1, sort=False))
    title = t("genemap.map_title", lang, cap=fmt.number(cov.min_capability, 2))
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=96, b=10),
                      uniformtext=dict(minsize=9, mode="hide"),
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
    xt, hover_x, longest = [], [], 0.0
    for c in cols:  # one label per column (≤ a few dozen)
        s = nodes.at[c, "status"] if c in nodes.index else "missing"
        short = _short(node_names.get(c, c), 22 if lang == "zh" else 46)   # fits under the title
        longest = max(longest, _width(short))
        label = plot_text(short)
        mark = f'<span style="color:{STATUS_COLOURS[s]}">●</span> '
        xt.append(mark + (f"<b>{label}</b>" if s == "missing" else label))
        hover_x.append(f"{plot_text(node_names.get(c, c))} ({_status_label(s, lang)})")
    rows = [plot_text(_short(firm_names.get(f, f), 48)) for f in matrix.index]
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
        # the top margin holds the upright column labels: as tall as the longest (11 px text, a
        # Chinese character about 12 px), the status dot and the title above them
        height=max(420, 380 + 24 * len(rows)), margin=dict(l=10, r=30, t=int(min(320, 110 + 12 * longest)), b=30),
        xaxis=dict(tickmode="array", tickvals=list(range(len(cols))), ticktext=xt, side="top", tickangle=-90,
                   tickfont=dict(size=11), showgrid=False, automargin=True),
        yaxis=dict(tickmode="array", tickvals=list(range(len(rows))), ticktext=rows, autorange="reversed",
                   showgrid=False, automargin=True),
        plot_bgcolor="#fafafa",
        annotations=[dict(text=status_legend(None, lang), x=0, xref="paper", xanchor="left", y=0, yref="paper",
                          yanchor="top", yshift=-8, showarrow=False, font=dict(size=12))])
    return fig


# ------------------------------------------------------------------------------ networks

WHOLE_COLOUR = "#c0392b"        # a segment missing as a whole, links to a missing node
SOME_FILL = "#f9d6d2"           # a segment with some nodes missing (ring in WHOLE_COLOUR)
NONE_COLOUR = "#90a4ae"         # nothing missing
LINK_COLOUR = "rgba(96, 125, 139, 0.45)"


def _segment_layout(g) -> dict:
    """Columns by stage (upstream → midstream → downstream, services last); inside a stage,
    segments in sub-columns by their longest chain of inputs within the stage, each sitting
    just left of the segments it feeds; inside a column, segments in the order of the average
    height of their suppliers further left (fewer crossing links). Returns segment → (x, y)."""
    import networkx as nx

    stage = {n: (d.get("stage") or "unassigned") for n, d in g.nodes(data=True)}
    order = [s for s in STAGES if s in set(stage.values())] + sorted(set(stage.values()) - set(STAGES))
    inner = nx.DiGraph()
    inner.add_nodes_from(g.nodes)
    inner.add_edges_from((a, b) for a, b in g.edges() if stage[a] == stage[b])
    cond = nx.condensation(inner)
    height: dict[int, int] = {}
    for c in reversed(list(nx.topological_sort(cond))):
        succ = list(cond.successors(c))
        height[c] = 0 if not succ else 1 + max(height[x] for x in succ)
    h = {n: height[cond.graph["mapping"][n]] for n in g.nodes}
    col: dict[str, int] = {}
    offset = 0
    for st in order:
        segs = [n for n in g.nodes if stage[n] == st]
        deepest = max((h[n] for n in segs), default=0)
        for n in segs:
            col[n] = offset + deepest - h[n]
        offset += deepest + 1
    pos: dict[str, tuple[float, float]] = {}
    rank = {n: i for i, n in enumerate(g.nodes)}          # chain order
    for c in sorted(set(col.values())):
        segs = [n for n in g.nodes if col[n] == c]
        def key(n):
            ys = [pos[p][1] for p in g.predecessors(n) if p in pos]
            return (-float(np.mean(ys)) if ys else np.inf, rank[n])
        segs.sort(key=key)
        for i, n in enumerate(segs):
            pos[n] = (float(c), -(i - (len(segs) - 1) / 2.0))
    return pos


#: The most segments the chain graph draws; with more, those with the most missing nodes (then
#: the most links) are drawn and a note says how many are not.
CHAIN_GRAPH_SEGMENTS = 30


def chain_graph_figure(gm: GeneMap, lang: str = "en", *, hide_service_links: bool = True,
                       top: int = CHAIN_GRAPH_SEGMENTS) -> go.Figure:
    """The chain at segment level: segments in columns from upstream to downstream (services
    last), the chain's links between them as arrows (thicker for more links between their
    nodes), and the gaps in red: a red circle is a segment missing as a whole, a red ring a
    segment with some nodes missing, a red arrow carries links to or from a missing node.

    Parameters
    ----------
    gm : GeneMap
        The gene map; the graph is :meth:`ecolib.analyses.genemap.GeneMap.segment_graph`
        (:func:`ecolib.analyses.genemap.segment_graph`: the chain's edges summed per pair of
        segments).
    lang : str
        Language of the labels.
    hide_service_links : bool, default True
        Leave out the links of service segments (finance, logistics, testing: they serve
        nearly everything); the segments stay, in their own column.
    top : int, default CHAIN_GRAPH_SEGMENTS
        With more segments than this, the ``top`` with the most missing nodes (segments missing
        as a whole first, then by links) and the links among them are drawn, and a note under
        the graph says how many segments are left out (the tables list every node).

    Returns
    -------
    go.Figure
        One marker trace per kind of segment (a legend entry each), two legend entries for the
        links, the links as arrow annotations.
    """
    g = gm.segment_graph()
    data = pd.DataFrame.from_dict(dict(g.nodes(data=True)), orient="index")
    fig = go.Figure()
    hidden = max(0, len(data) - top)
    if hidden:
        degree = pd.Series(dict(g.degree(weight="links")), dtype=float).reindex(data.index).fillna(0)
        rank = pd.DataFrame({"whole": data["whole_missing"].astype(int), "missing": data["missing"], "links": degree})
        keep = rank.sort_values(["whole", "missing", "links"], ascending=False, kind="stable").index[:top]
        g = g.subgraph([n for n in data.index if n in set(keep)]).copy()      # chain order kept
        data = data.loc[list(g.nodes)]
    if not len(data):
        fig.update_layout(title=t("genemap.chain_title", lang), height=200, xaxis=dict(visible=False),
                          yaxis=dict(visible=False))
        return fig
    pos = _segment_layout(g)
    data["node_id"] = data.index
    names = display_names(data, lang).fillna(data["node_id"]).set_axis(data.index)
    leaf_names = display_names(gm.coverage.nodes, lang).set_axis(gm.coverage.nodes["node_id"])
    leaves = gm.coverage.nodes.groupby("segment_id")
    kind = np.where(data["whole_missing"], "whole", np.where(data["missing"] > 0, "some", "none"))
    ann: list[dict] = []
    labels: list[dict] = []
    # links: an arrow each (a few dozen segment pairs), red where a missing node is at either end
    max_links = max((d["links"] for _, _, d in g.edges(data=True)), default=1)
    for a, b, d in g.edges(data=True):
        if hide_service_links and "service" in (g.nodes[a].get("stage"), g.nodes[b].get("stage")):
            continue
        if pos[b][0] < pos[a][0]:
            continue                                      # recycling feeding raw materials: left out (said above)
        hot = d["missing_links"] > 0
        ann.append(dict(x=pos[b][0], y=pos[b][1], ax=pos[a][0], ay=pos[a][1], xref="x", yref="y", axref="x",
                        ayref="y", showarrow=True, arrowhead=2, arrowsize=0.9, standoff=12, startstandoff=12,
                        arrowwidth=1.0 + 3.0 * d["links"] / max_links, text="",
                        arrowcolor=WHOLE_COLOUR if hot else LINK_COLOUR))
    for name, colour in ((t("genemap.link_missing", lang), WHOLE_COLOUR), (t("genemap.link_other", lang), LINK_COLOUR)):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(color=colour, width=3), name=name,
                                 hoverinfo="skip"))
    styles = {"whole": (WHOLE_COLOUR, WHOLE_COLOUR, 2, "genemap.chain_whole"),
              "some": (SOME_FILL, WHOLE_COLOUR, 3.5, "genemap.chain_some"),
              "none": (NONE_COLOUR, "white", 1, "genemap.chain_none")}
    for k in ("whole", "some", "none"):
        d = data[kind == k]
        if not len(d):
            continue
        fill, ring, width, key = styles[k]
        label = []
        hover = []
        for n, row in d.iterrows():           # one label per segment (a few dozen)
            text = _wrap(names[n], 9)
            if k == "whole":
                text += "<br><b>" + plot_text(t("genemap.chain_label_whole", lang, leaves=int(row["leaves"]))) + "</b>"
            elif k == "some":
                text += "<br><b>" + plot_text(t("genemap.chain_label_some", lang, missing=int(row["missing"]),
                                                  leaves=int(row["leaves"]))) + "</b>"
            label.append(text)
            ids = leaves.get_group(n) if n in leaves.groups else pd.DataFrame({"node_id": [], "status": []})
            node_list = [plot_text(leaf_names.get(i, i)) + (" (" + _status_label(s, lang) + ")" if s != "covered" else "")
                         for i, s in zip(ids["node_id"], ids["status"])]
            hover.append(f"<b>{plot_text(names[n])}</b><br>"
                         + plot_text(t("genemap.chain_hover", lang, leaves=int(row["leaves"]), missing=int(row["missing"]),
                                       single=int(row["single"]), thin=int(row["thin"]), firms=int(row["firms"]),
                                       rate=fmt.pct(row["coverage_rate"], 0)))
                         + "<br>" + "<br>".join(node_list[:12]) + ("<br>…" if len(node_list) > 12 else ""))
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in d.index], y=[pos[n][1] for n in d.index], mode="markers",
            marker=dict(size=10 + 3.5 * np.sqrt(d["leaves"].astype(float).to_numpy()), color=fill,
                        line=dict(color=ring, width=width)),
            name=t(key, lang), hovertext=hover, hoverinfo="text"))
        # names as annotations on a white ground, above the arrows that pass under them
        labels += [dict(x=pos[n][0], y=pos[n][1], xref="x", yref="y", yshift=-11, yanchor="top", showarrow=False,
                        text=lab, font=dict(size=11, color="#37474f" if k == "none" else "#922b21"),
                        bgcolor="rgba(255, 255, 255, 0.85)", borderpad=1) for n, lab in zip(d.index, label)]
    # stage names above their columns
    xs = pd.DataFrame({"x": [pos[n][0] for n in data.index], "stage": data["stage"].fillna("unassigned").to_numpy()})
    top = max(p[1] for p in pos.values())
    for st, col in xs.groupby("stage")["x"]:
        name = t(f"stage.{st}", lang) if has(f"stage.{st}", lang) else str(st)
        ann.append(dict(x=(col.min() + col.max()) / 2, y=top + 0.75, xref="x", yref="y", showarrow=False,
                        text=f"<b>{plot_text(name)}</b>", font=dict(size=13, color=STAGE_COLOURS.get(st, "#37474f"))))
    if hidden:
        ann.append(dict(text=plot_text(t("genemap.chain_more", lang, n=hidden)), x=0, xref="paper", y=0, yref="paper",
                        yanchor="top", yshift=-4, showarrow=False, xanchor="left", font=dict(size=12, color="#5f6b6d")))
    rows = max(p[1] for p in pos.values()) - min(p[1] for p in pos.values()) + 1
    n_cols = max(p[0] for p in pos.values()) + 1
    fig.update_layout(title=t("genemap.chain_title", lang), height=int(min(1600, 230 + 92 * rows)),
                      xaxis=dict(visible=False, range=[-0.6, n_cols - 0.4]),
                      yaxis=dict(visible=False, range=[min(p[1] for p in pos.values()) - 0.8, top + 1.0]),
                      margin=dict(l=10, r=10, t=96, b=40 if hidden else 10), annotations=ann + labels,
                      hovermode="closest",
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"))
    return fig


def proximity_figure(gm: GeneMap, lang: str = "en", *, top: int = 20) -> go.Figure:
    """What the missing nodes build on: each missing node (left, with its fit with the park) and
    the nodes the park has that it is most related to (right, with their local firms), a line
    per relation, thicker for a stronger one (hover: the relatedness).

    Parameters
    ----------
    gm : GeneMap
        The gene map; the missing nodes, their fit and their closest present nodes are
        ``gm.feasibility`` (:func:`ecolib.analyses.genemap.feasibility`: ``related`` and
        ``related_proximity``, the relatedness φ of :func:`ecolib.analyses.genemap.node_space`).
    lang : str
        Language of the labels.
    top : int, default 20
        Missing nodes drawn at most: the most important ones (core first, then by weight), the
        title says so when there are more.

    Returns
    -------
    go.Figure
        The lines, one marker trace for the missing nodes and one per status of the related
        nodes (a legend entry each), an invisible trace at the middle of each line for its
        hover.
    """
    feas = gm.feasibility[gm.feasibility["status"] == "missing"]
    nodes = gm.coverage.nodes.set_index("node_id")
    total = len(feas)
    feas = (feas.assign(_c=nodes["core"].reindex(feas["node_id"]).to_numpy(bool),
                        _w=nodes["weight"].reindex(feas["node_id"]).to_numpy(np.float64))
            .sort_values(["_c", "_w", "node_id"], ascending=[False, False, True]).head(top))
    feas = feas.assign(_ne=feas["no_evidence"].astype(bool)).sort_values(["_ne", "feasibility", "node_id"],
                                                                         ascending=[True, False, True])
    names = display_names(nodes.reset_index(), lang).set_axis(nodes.index)
    fig = go.Figure()
    title = t("genemap.proximity_title", lang) + (t("genemap.proximity_top", lang, n=len(feas), total=total)
                                                  if total > len(feas) else "")
    if not len(feas):
        fig.update_layout(title=title, height=200, xaxis=dict(visible=False), yaxis=dict(visible=False),
                          annotations=[dict(text=plot_text(t("genemap.proximity_none", lang)), x=0.5, y=0.5,
                                            xref="paper", yref="paper", showarrow=False)])
        return fig
    left = list(feas["node_id"])
    y_left = {n: -float(i) for i, n in enumerate(left)}
    pairs = [(m, r, float(p)) for m, rel, phi in zip(feas["node_id"], feas["related"], feas["related_proximity"])
             for r, p in zip(rel, phi)]                            # ≤ 3 per missing node
    right: dict[str, list[float]] = {}
    for m, r, _ in pairs:
        right.setdefault(r, []).append(y_left[m])
    order = sorted(right, key=lambda r: (-float(np.mean(right[r])), r))
    span = max(len(left), len(order), 1)
    # the taller column sets the spacing; the other is centred against it
    yl = {n: -(i - (len(left) - 1) / 2.0) * (span - 1) / max(len(left) - 1, 1) for i, n in enumerate(left)}
    yr = {n: -(i - (len(order) - 1) / 2.0) * (span - 1) / max(len(order) - 1, 1) for i, n in enumerate(order)}
    xl, xr = 0.0, 1.0
    for m, r, p in pairs:                                          # a line per relation (a few dozen)
        fig.add_trace(go.Scatter(x=[xl, xr], y=[yl[m], yr[r]], mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color=f"rgba(96, 125, 139, {0.25 + 0.55 * p:.2f})", width=1 + 5 * p)))
    fig.add_trace(go.Scatter(
        x=[(xl + xr) / 2 for _ in pairs], y=[(yl[m] + yr[r]) / 2 for m, r, _ in pairs], mode="markers",
        marker=dict(size=10, color="rgba(0,0,0,0)"), showlegend=False, hoverinfo="text",
        hovertext=[f"{plot_text(names.get(m, m))} – {plot_text(names.get(r, r))}: "
                   + plot_text(t("genemap.proximity_hover", lang, phi=fmt.number(p, 2))) for m, r, p in pairs]))
    core = nodes["core"].reindex(left).fillna(False).to_numpy(bool)
    fit = [fit_text(f, ne, lang) for f, ne in zip(feas["feasibility"], feas["_ne"])]
    fig.add_trace(go.Scatter(
        x=[xl] * len(left), y=[yl[n] for n in left], mode="markers+text", textposition="middle left",
        text=[plot_text(f"{node_label(names.get(n, n), c, lang)} · {f}") for n, c, f in zip(left, core, fit)],
        textfont=dict(size=12, color="#37474f"), marker=dict(size=14, color=STATUS_COLOURS["missing"]),
        name=_status_label("missing", lang), hoverinfo="text",
        hovertext=[plot_text(names.get(n, n)) for n in left]))
    firms = nodes["firms"].reindex(order).fillna(0).astype(int)
    status = nodes["status"].reindex(order).fillna("covered")
    for s in STATUSES:
        sel = [r for r, st in zip(order, status) if st == s]
        if not sel:
            continue
        fig.add_trace(go.Scatter(
            x=[xr] * len(sel), y=[yr[r] for r in sel], mode="markers+text", textposition="middle right",
            text=[plot_text(f"{node_label(names.get(r, r), bool(nodes.at[r, 'core']), lang)} · "
                            + (t("genemap.tile_leaf_one", lang) if firms[r] == 1
                               else t("genemap.tile_leaf", lang, n=int(firms[r])))) for r in sel],
            textfont=dict(size=12, color="#37474f"), marker=dict(size=12, color=STATUS_COLOURS[s]),
            name=_status_label(s, lang), hoverinfo="text", hovertext=[plot_text(names.get(r, r)) for r in sel]))
    top = max(list(yl.values()) + list(yr.values())) + 0.9
    fig.update_layout(
        title=title, height=int(180 + 40 * span), hovermode="closest",
        xaxis=dict(visible=False, range=[-1.25, 2.25]), yaxis=dict(visible=False, range=[-(span - 1) / 2 - 0.7, top + 0.2]),
        margin=dict(l=10, r=10, t=96, b=10), legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"),
        annotations=[dict(x=xl, y=top, xref="x", yref="y", text="<b>" + plot_text(t("genemap.proximity_left", lang)) + "</b>",
                          showarrow=False, xanchor="right", font=dict(size=12)),
                     dict(x=xr, y=top, xref="x", yref="y", text="<b>" + plot_text(t("genemap.proximity_right", lang)) + "</b>",
                          showarrow=False, xanchor="left", font=dict(size=12))])
    return fig


# ------------------------------------------------------------------------------ feasibility


#: Bars of the feasibility chart at most (the most important nodes; the tables list them all).
FEASIBILITY_BARS = 40
#: Segments missing as a whole that get a colour and a legend entry of their own; beyond it they
#: share one ("in a segment missing as a whole"), so the legend stays one line above the bars.
SEGMENT_GROUPS = 4


def feasibility_chart(gm: GeneMap, lang: str = "en", *, statuses=("missing",), top: int = FEASIBILITY_BARS) -> go.Figure:
    """Fit with the park (feasibility: density given the park's present nodes, a score 0–1) of
    the gap nodes with ``statuses`` (default: the missing ones) as horizontal bars, the nodes of
    each segment missing as a whole together (one colour and legend entry per such segment),
    then the others; most feasible on top within each group; core nodes marked ★. A node the
    data relate to nothing gets no bar and reads "no evidence". More than ``top`` nodes: the
    ``top`` most important (core first, then importance), the title says so."""
    feas = gm.feasibility[gm.feasibility["status"].isin(list(statuses))]
    nodes = gm.coverage.nodes.set_index("node_id")
    total = len(feas)
    if total > int(top):
        key = nodes.reindex(feas["node_id"])
        feas = (feas.assign(_c=key["core"].to_numpy(bool), _w=key["weight"].to_numpy(np.float64))
                .sort_values(["_c", "_w", "node_id"], ascending=[False, False, True]).head(int(top))
                .drop(columns=["_c", "_w"]))
    names = display_names(nodes.reset_index(), lang).set_axis(nodes.index)
    tree = gm.coverage.tree
    seg_names = display_names(tree, lang).set_axis(tree["node_id"])
    whole = list(gm.coverage.headline.get("missing_segments", []))
    seg = nodes["segment_id"].reindex(feas["node_id"]).to_numpy(object)
    whole = [s for s in whole if s in set(seg)]
    merged = len(whole) > SEGMENT_GROUPS                  # many whole segments: one group for all
    if merged:
        group = np.array([0 if s in set(whole) else 1 for s in seg])
        whole = [None]
    else:
        group = np.array([whole.index(s) if s in whole else len(whole) for s in seg])
    feas = feas.assign(_g=group, _ne=feas["no_evidence"].astype(bool))
    feas = feas.sort_values(["_g", "_ne", "feasibility", "node_id"], ascending=[False, False, True, False])
    shades = ["#c0392b", "#922b21", "#e74c3c", "#641e16"]
    fig = go.Figure()
    for g in sorted(set(feas["_g"]), reverse=True):       # a handful of groups; the first drawn sits lowest
        d = feas[feas["_g"] == g]
        labels = distinct_labels([plot_text(node_label(names.get(n, n), bool(nodes.at[n, "core"]), lang))
                                  for n in d["node_id"]])
        name = (t("genemap.feasibility_in_segments", lang) if merged and g < len(whole)
                else t("genemap.feasibility_in_segment", lang, segment=seg_names.get(whole[g], whole[g]))
                if g < len(whole) else t("genemap.feasibility_alone", lang))
        colour = shades[g % len(shades)] if g < len(whole) else "#e59866"
        fig.add_trace(go.Bar(
            y=labels, x=np.where(d["_ne"], 0.0, d["feasibility"]), orientation="h",
            text=[fit_text(v, ne, lang) for v, ne in zip(d["feasibility"], d["_ne"])], textposition="outside",
            cliponaxis=False, marker_color=colour, name=plot_text(name),
            hovertemplate="%{y}: %{text}<extra></extra>"))
    title = t("genemap.feasibility_title", lang) + (t("genemap.feasibility_top", lang, n=len(feas), total=total)
                                                    if total > len(feas) else "")
    fig.update_layout(title=title, height=max(300, 190 + 34 * len(feas)),
                      xaxis=dict(range=[0, 1.12], tickvals=[0, 0.25, 0.5, 0.75, 1.0], tickformat=".2f",
                                 title=t("genemap.feasibility_axis", lang)),
                      yaxis=dict(automargin=True), barmode="overlay", showlegend=True,
                      legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", traceorder="reversed"),
                      margin=dict(l=10, r=40, t=110, b=60))
    return fig
