"""Figures of the value-stream map (DESIGN.md §4). Each takes a result of
:mod:`ecolib.analyses.valuestream` and returns a ``go.Figure``; nothing is computed here but layout."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ecolib.presentation import fmt
from ecolib.presentation.escape import plot_text
from ecolib.presentation.i18n import display_names, has, t
from ecolib.presentation.plots.overview import wrap_label
from ecolib.presentation.plots.theme import PALETTE, STAGE_COLOURS, money_axis
from ecolib.analyses.valuestream import EXTERNAL, OTHER, SegmentFlows, main_flows
from ecolib.presentation.narrative.valuestream import group_names

QUADRANT_COLOURS = {"key": "#c0392b", "backward-oriented": "#e07a1f", "forward-oriented": "#1f6f8b",
                    "weak": "#9aa5ab"}
LEAK_COLOUR = "rgba(192, 57, 43, 0.35)"
IMPORT_COLOUR = "rgba(120, 130, 135, 0.35)"
#: The chain levels whose groups the Sankey and the sourcing chart can name (the page shows
#: segments; its explorer any of them): their words are ``valuestream.level.<level>.*``.
LEVELS = ("stage", "segment", "node")
#: The groups :func:`sourcing_bars` draws at most unless told otherwise.
SOURCING_MAX_ROWS = 30


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _stage_label(stage: str, lang: str) -> str:
    return t(f"stage.{stage}", lang) if has(f"stage.{stage}", lang) else str(stage)


def level_key(level: str, word: str) -> str:
    """The i18n key of ``word`` (``sankey_title``, ``sellers``, ``buyers``, ``other``,
    ``sourcing_title``, ``sourcing_more``, ``name``) naming the groups of ``level``, one of
    :data:`LEVELS`.

    Examples
    --------
    >>> from ecolib.presentation.i18n import t
    >>> t(level_key("node", "sankey_title"), "en", first="2026-01", last="2026-03")
    'Value flows between technology nodes, 2026-01 to 2026-03'
    >>> t(level_key("stage", "other"), "zh", n=2), t(level_key("segment", "name"), "en")
    ('其他阶段（2 个）', 'Segments')
    >>> level_key("sector", "other")
    Traceback (most recent call last):
    ...
    ValueError: level must be one of stage, segment, node, got 'sector'
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    return f"valuestream.level.{level}.{word}"


def _empty(title: str, lang: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=t("common.no_data", lang), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=15, color="#78909c"))
    fig.update_layout(title=title, height=260, xaxis=dict(visible=False), yaxis=dict(visible=False))
    return fig


def sankey_links(sf: SegmentFlows, *, min_value: float = 0.0, segments: int = 8, cover: float = 0.95) -> pd.DataFrame:
    """The links the Sankey draws (:func:`ecolib.analyses.valuestream.main_flows`): local group
    → group, outside suppliers → group, group → outside buyers, the ``segments`` largest
    sellers and buyers one by one and the others grouped as :data:`OTHER`, the largest links
    covering ``cover`` of all value, each at least ``min_value`` (currency, window).

    Columns: source, target (group ids, :data:`EXTERNAL` or :data:`OTHER`), value, kind (local,
    import, leak); ``attrs`` as :func:`~ecolib.analyses.valuestream.main_flows` gives them."""
    return main_flows(sf, segments=segments, cover=cover, min_value=min_value)


def sankey(sf: SegmentFlows, lang: str = "en", *, min_value: float = 0.0, segments: int = 8, cover: float = 0.95,
           currency: str = "CNY", links: pd.DataFrame | None = None, level: str = "segment") -> go.Figure:
    """Value across the chain as a two-column Sankey: sellers (local firms of each group, and
    outside suppliers) on the left, buyers (local firms of each group, and outside buyers) on
    the right, both in chain order and coloured by stage; the segments that trade little are
    one "other segments" node on each side, the smallest flows are left out
    (:func:`sankey_links`; ``links`` passes them ready-made, e.g.
    :attr:`~ecolib.analyses.valuestream.ValueStream.main`). Sales to outside buyers are red,
    purchases from outside grey.

    ``level`` (one of :data:`LEVELS`) is the level of ``sf``'s groups, which the title, the
    column heads and the grouped nodes name ("Other technology nodes (3)").

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import segment_flows
    >>> sf = segment_flows(tiny().tables, "2026-03", window=3, level="node")
    >>> fig = sankey(sf, "en", cover=1.0, level="node")
    >>> fig.layout.title.text, fig.layout.annotations[0].text
    ('Value flows between technology nodes, 2026-01 to 2026-03', '<b>Sellers: local firms by technology node</b>')
    """
    title = t(level_key(level, "sankey_title"), lang, first=sf.months[0], last=sf.months[-1])
    if links is None:
        links = sankey_links(sf, min_value=min_value, segments=segments, cover=cover)
    if links.empty:
        return _empty(title, lang)
    names = group_names(sf.groups, lang)
    order = list(sf.groups.index) + [OTHER, EXTERNAL]
    left = [g for g in order if g in set(links["source"])]
    right = [g for g in order if g in set(links["target"])]
    stage = sf.groups["stage"]
    grouped = {"source": links.attrs.get("other_sources", []), "target": links.attrs.get("other_targets", [])}

    def colour(g):
        if g == EXTERNAL:
            return STAGE_COLOURS["external"]
        if g == OTHER:
            return STAGE_COLOURS["unassigned"]
        return STAGE_COLOURS.get(stage.get(g, ""), STAGE_COLOURS["unassigned"])

    def label(g, side):
        if g == EXTERNAL:
            return t("valuestream.outside_suppliers" if side == "source" else "valuestream.outside_buyers", lang)
        if g == OTHER:
            return t(level_key(level, "other"), lang, n=len(grouped[side]))
        return plot_text(names[g])

    labels = [label(g, "source") for g in left] + [label(g, "target") for g in right]
    colours = [colour(g) for g in left] + [colour(g) for g in right]
    li = {g: i for i, g in enumerate(left)}
    ri = {g: len(left) + i for i, g in enumerate(right)}
    # x: two columns; y: chain order, spaced by the node's share of its column's value
    out_val = links.groupby("source")["value"].sum()
    in_val = links.groupby("target")["value"].sum()

    def ys(groups, values):
        v = np.array([values.get(g, 0.0) for g in groups], float)
        h = v / v.sum() * 0.82 if v.sum() > 0 else np.zeros(len(v))
        gap = 0.18 / max(len(groups), 1)
        top = np.cumsum(np.r_[0.0, h[:-1] + gap]) + 0.01
        return list(np.clip(top + h / 2, 0.001, 0.999))

    x = [0.001] * len(left) + [0.999] * len(right)
    y = ys(left, out_val) + ys(right, in_val)
    link_colour = np.where(links["kind"].eq("leak"), LEAK_COLOUR,
                           np.where(links["kind"].eq("import"), IMPORT_COLOUR,
                                    [_rgba(colour(s), 0.45) for s in links["source"]]))
    hover = [f"{labels[li[s]]} → {labels[ri[d]]}<br>{plot_text(fmt.money(v, lang, currency))}"
             for s, d, v in zip(links["source"], links["target"], links["value"])]
    node_value = [out_val.get(g, 0.0) for g in left] + [in_val.get(g, 0.0) for g in right]
    members = ([grouped["source"] if g == OTHER else [] for g in left]
               + [grouped["target"] if g == OTHER else [] for g in right])
    kind = "node" if level == "node" else "segment"                 # the measure word of "and N more"
    node_hover = [f"{lab}<br>{plot_text(fmt.money(v, lang, currency))}"
                  + (("<br>" + plot_text(fmt.capped([names[m] for m in ms], lang, kind=kind, most=6))) if ms else "")
                  for lab, v, ms in zip(labels, node_value, members)]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=labels, color=colours, x=x, y=y, pad=18, thickness=18, line=dict(color="white", width=0.5),
                  customdata=node_hover, hovertemplate="%{customdata}<extra></extra>"),
        link=dict(source=[li[s] for s in links["source"]], target=[ri[d] for d in links["target"]],
                  value=links["value"].to_numpy(float), color=list(link_colour), customdata=hover,
                  hovertemplate="%{customdata}<extra></extra>"),
        textfont=dict(size=13, color="#263238"),
    ))
    height = int(max(560, 46 * max(len(left), len(right)) + 180))
    fig.update_layout(title=title, height=height, margin=dict(l=20, r=20, t=110, b=20), font=dict(size=13))
    for xpos, anchor, key in ((0.0, "left", level_key(level, "sellers")), (1.0, "right", level_key(level, "buyers"))):
        fig.add_annotation(text=f"<b>{t(key, lang)}</b>", x=xpos, xanchor=anchor, y=1.0, yanchor="bottom",
                           xref="paper", yref="paper", showarrow=False, font=dict(size=13, color="#37474f"))
    return fig


def sourcing_bars(table: pd.DataFrame, lang: str = "en", *, currency: str = "CNY", max_rows: int = SOURCING_MAX_ROWS,
                  level: str = "segment") -> go.Figure:
    """Local sourcing (本地配套率) and the share of sales to buyers outside the park (``leakage``)
    per group with local firms, in chain order; hover shows the values behind each ratio. With
    more than ``max_rows`` groups, those with the most trade (purchases plus sales) are drawn and
    a note says how many are not (the table and the spreadsheet have every group). ``level``
    (one of :data:`LEVELS`) is the level of the groups, which the title and the note name.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import segment_flows, sourcing_table
    >>> table = sourcing_table(segment_flows(tiny().tables, "2026-03", window=3, level="node"))
    >>> fig = sourcing_bars(table, "en", max_rows=1, level="node")
    >>> fig.layout.title.text, fig.layout.annotations[0].text
    ('Local sourcing and sales outside the park, by technology node', '2 technology nodes with less trade not shown')
    """
    title = t(level_key(level, "sourcing_title"), lang)
    data = table[table["local_firms"] > 0]
    if data.empty:
        return _empty(title, lang)
    hidden = max(0, len(data) - max_rows)
    if hidden:
        trade = data["inflow"].fillna(0) + data["outflow"].fillna(0)
        data = data.loc[[g for g in data.index if g in trade.nlargest(max_rows, keep="first").index]]   # chain order
    names = group_names(data, lang)
    labels = [plot_text(names[g]) for g in data.index]
    fig = go.Figure()
    series = [("local_sourcing", "valuestream.col.local_sourcing", PALETTE[2], "local_inflow", "inflow"),
              ("leakage", "valuestream.col.leakage", PALETTE[3], "external_outflow", "outflow")]
    for col, key, colour, num, den in series:
        hover = [t("valuestream.hover_ratio", lang, part=plot_text(fmt.money(a, lang, currency)),
                   whole=plot_text(fmt.money(b, lang, currency))) for a, b in zip(data[num], data[den])]
        fig.add_bar(y=labels, x=data[col].to_numpy(float), orientation="h", name=t(key, lang), marker_color=colour,
                    customdata=hover, text=[fmt.pct(v) for v in data[col]], textposition="outside", cliponaxis=False,
                    textfont=dict(size=11),
                    hovertemplate="%{y}: %{x:.0%}<br>%{customdata}<extra>" + t(key, lang) + "</extra>")
    fig.update_layout(title=title, barmode="group", height=int(130 + 44 * len(labels)), bargap=0.2,
                      xaxis=dict(tickformat=".0%", range=[0, 1.12], title=None),
                      yaxis=dict(autorange="reversed", title=None), margin=dict(l=230, r=40, t=96, b=40))
    if hidden:
        fig.add_annotation(text=plot_text(t(level_key(level, "sourcing_more"), lang, n=hidden)), x=0, xref="paper", y=0,
                           yref="paper", yanchor="top", yshift=-24, showarrow=False, xanchor="left",
                           font=dict(size=12, color="#5f6b6d"))
    return fig


def broken_link_bars(broken: pd.DataFrame, lang: str = "en", *, top: int = 8, currency: str = "CNY") -> go.Figure:
    """For the largest broken links: the value that stays local, the value the local buyers of
    the link buy from outside, and the value the local suppliers sell to outside buyers."""
    title = t("valuestream.broken_chart_title", lang)
    br = broken[broken["status"] == "broken"].head(top)
    if br.empty:
        return _empty(title, lang)
    labels = [f"{plot_text(s)} → {plot_text(d)}" for s, d in zip(display_names(br, lang, base="source_name"),
                                                                   display_names(br, lang, base="target_name"))]
    fig = go.Figure()
    for col, key, colour in (("local_value", "valuestream.col.local_value", PALETTE[2]),
                             ("buyer_from_outside", "valuestream.col.buyer_from_outside", "#9aa5ab"),
                             ("supplier_to_outside", "valuestream.col.supplier_to_outside", PALETTE[3])):
        fig.add_bar(y=labels, x=br[col].to_numpy(float), orientation="h", name=t(key, lang), marker_color=colour,
                    customdata=[plot_text(fmt.money(v, lang, currency)) for v in br[col]],
                    hovertemplate="%{y}<br>%{customdata}<extra>" + t(key, lang) + "</extra>")
    fig.update_layout(title=title, barmode="group", height=int(130 + 62 * len(labels)),
                      yaxis=dict(autorange="reversed", title=None), margin=dict(l=260, r=30, t=96, b=50))
    return money_axis(fig, lang, currency, axis="x")


def linkage_quadrant(lk: pd.DataFrame, lang: str = "en", *, title: str | None = None, names: pd.Series | None = None,
                     highlight: pd.Index | None = None, size_col: str | None = "output",
                     colour_by: str = "stage") -> go.Figure:
    """Rasmussen backward (x) and forward (y) linkages, one point per segment or sector, with
    the lines BL = 1 and FL = 1 dividing the four quadrants (key sectors top right). Points
    are sized by ``size_col`` and coloured by stage (or by quadrant). With ``highlight``, the
    other points are grey and unlabelled."""
    title = title or t("valuestream.quadrant_title", lang)
    data = lk.dropna(subset=["BL", "FL"])
    if data.empty:
        return _empty(title, lang)
    if names is None:
        col = "name_zh" if lang == "zh" and "name_zh" in data else "name"
        names = data[col].astype(str)
    hi = np.ones(len(data), bool) if highlight is None else data.index.isin(highlight)
    raw = (names.reindex(data.index) if isinstance(names, pd.Series) else pd.Series(list(names)))
    text = np.asarray([plot_text(v) for v in raw], dtype=object)
    # point labels: wrapped at 12 characters; a word longer than 18 (a code, a URL) is cut, so
    # that a label never runs over the axis (the full name is in the hover)
    lines = [[x if len(x) <= 18 else x[:17] + "…" for x in wrap_label(str(v), 12)] for v in raw]
    tags = np.asarray(["<br>".join(plot_text(x) for x in ls) for ls in lines], dtype=object)
    size = np.full(len(data), 14.0)
    if size_col and size_col in data and data[size_col].max() > 0:
        size = 10 + 30 * np.sqrt(data[size_col].to_numpy(float) / data[size_col].max())
    size = np.where(hi, size, 9.0)
    pad_x = max(0.02, float(data["BL"].max() - data["BL"].min()) * 0.12)
    pad_y = max(0.02, float(data["FL"].max() - data["FL"].min()) * 0.12)
    x_range = [min(data["BL"].min(), 1) - pad_x, max(data["BL"].max(), 1) + pad_x]
    y_range = [min(data["FL"].min(), 1) - pad_y, max(data["FL"].max(), 1) + pad_y]
    score = _label_score(data, hi, size_col)
    position = _place_labels(data["BL"].to_numpy(float), data["FL"].to_numpy(float), lines, size, score,
                             x_range, y_range)
    shown = position != ""
    fig = go.Figure()
    if colour_by == "stage" and "stage" in data:
        groups = [(s, _stage_label(s, lang), STAGE_COLOURS.get(s, STAGE_COLOURS["unassigned"]))
                  for s in pd.unique(data["stage"])]
        key = data["stage"].to_numpy()
    else:
        groups = [(q, t(f"valuestream.quadrant.{q}", lang), QUADRANT_COLOURS[q]) for q in QUADRANT_COLOURS
                  if q in set(data["quadrant"])]
        key = data["quadrant"].to_numpy()
    for value, label, colour in groups:
        m = (key == value) & hi
        if not m.any():
            continue
        sub = data[m]
        fig.add_scatter(x=sub["BL"], y=sub["FL"], mode="markers+text", name=label,
                        text=np.where(shown[m], tags[m], ""),
                        textposition=[p or "top center" for p in position[m]],
                        textfont=dict(size=11), hovertext=text[m],
                        marker=dict(size=size[m], color=colour, opacity=0.8, line=dict(color="white", width=1)),
                        customdata=[t(f"valuestream.quadrant.{q}", lang) for q in sub["quadrant"]],
                        hovertemplate="<b>%{hovertext}</b><br>"
                                      + t("valuestream.hover_linkage", lang, bl="%{x:.2f}", fl="%{y:.2f}")
                                      + "<br>%{customdata}<extra></extra>")
    if (~hi).any():
        sub = data[~hi]
        fig.add_scatter(x=sub["BL"], y=sub["FL"], mode="markers", name=t("valuestream.other_sectors", lang),
                        hovertext=text[~hi], marker=dict(size=9, color="#cfd8dc", line=dict(color="white", width=1)),
                        hovertemplate="%{hovertext}<br>" + t("valuestream.hover_linkage", lang, bl="%{x:.2f}",
                                                                            fl="%{y:.2f}") + "<extra></extra>")
    fig.add_vline(x=1, line=dict(color="#78909c", dash="dash", width=1))
    fig.add_hline(y=1, line=dict(color="#78909c", dash="dash", width=1))
    for xa, ya, xan, yan, q in ((1, 1, "right", "top", "key"), (0, 1, "left", "top", "forward-oriented"),
                                (1, 0, "right", "bottom", "backward-oriented"), (0, 0, "left", "bottom", "weak")):
        fig.add_annotation(text=t(f"valuestream.quadrant.{q}", lang), x=xa, y=ya, xref="paper", yref="paper",
                           xanchor=xan, yanchor=yan, showarrow=False, font=dict(size=12, color=QUADRANT_COLOURS[q]))
    fig.update_layout(title=title, height=QUADRANT_HEIGHT,
                      xaxis=dict(title=t("valuestream.axis_bl", lang), range=x_range),
                      yaxis=dict(title=t("valuestream.axis_fl", lang), range=y_range))
    return fig


#: Height of the linkage charts and the plot area they leave at the report's width (px): the
#: main column is 1,180 px, less the theme's margins (60 left, 30 right, 96 top, 50 bottom).
QUADRANT_HEIGHT = 600
_PLOT_W, _PLOT_H = 1180 - 60 - 30, QUADRANT_HEIGHT - 96 - 50
#: Text of the point labels: 11 px; a Latin character about 6.2 px wide, a Chinese one 11 px.
_LINE_H, _LATIN_W, _CJK_W = 14.0, 6.2, 11.0


def _label_score(data: pd.DataFrame, highlight: np.ndarray, size_col: str | None) -> np.ndarray:
    """The order in which points get a label: highlighted points outside the "weak" quadrant
    first, then by ``size_col``; not highlighted: never (-inf)."""
    score = np.where(data["quadrant"].to_numpy() != "weak", 2.0, 0.0)
    if size_col and size_col in data and data[size_col].max() > 0:
        score = score + data[size_col].to_numpy(float) / data[size_col].max()
    return np.where(highlight, score, -np.inf)


def _text_box(lines: list[str]) -> tuple[float, float]:
    width = max((sum(_CJK_W if "\u2e80" <= ch <= "\u9fff" else _LATIN_W for ch in line) for line in lines),
                default=0.0)
    return width, _LINE_H * max(len(lines), 1)


def _place_labels(x: np.ndarray, y: np.ndarray, lines: list[list[str]], size: np.ndarray, score: np.ndarray,
                  x_range, y_range, *, most: int = 18, width: float = _PLOT_W, height: float = _PLOT_H) -> np.ndarray:
    """A text position for each point's label that overlaps no other label, no marker and no
    quadrant name, or "" for a point left unlabelled (named on hover).

    Points are labelled in the order of ``score`` (-inf: never), at most ``most``; each tries
    above, below, right, left and the four corners of its marker, in the plot area of
    ``width`` × ``height`` px, text boxes estimated from the characters (layout of ≤ 50 points).
    """
    n = len(x)
    pos = np.array([""] * n, dtype=object)
    if n == 0:
        return pos
    sx = (x - x_range[0]) / ((x_range[1] - x_range[0]) or 1.0) * width
    sy = (y - y_range[0]) / ((y_range[1] - y_range[0]) or 1.0) * height
    r = np.asarray(size, float) / 2 + 1
    markers = [(sx[i] - r[i], sy[i] - r[i], sx[i] + r[i], sy[i] + r[i]) for i in range(n)]
    corners = [(0, height - 18, 130, height), (width - 130, height - 18, width, height), (0, 0, 130, 18),
               (width - 130, 0, width, 18)]                        # the quadrant names
    placed: list[tuple[float, float, float, float]] = []

    def free(box, own):
        x0, y0, x1, y1 = box
        if x0 < -20 or x1 > width + 20 or y0 < -6 or y1 > height + 6:
            return False
        hit = lambda b: x0 < b[2] + 2 and b[0] - 2 < x1 and y0 < b[3] + 2 and b[1] - 2 < y1  # noqa: E731
        return not any(hit(b) for b in placed + corners) and not any(hit(m) for k, m in enumerate(markers) if k != own)

    order = [i for i in np.argsort(-score, kind="stable") if np.isfinite(score[i])][:most]
    for i in order:
        w, h = _text_box(lines[i])
        px, py, ri = sx[i], sy[i], r[i]
        options = (("top center", (px - w / 2, py + ri, px + w / 2, py + ri + h)),
                   ("bottom center", (px - w / 2, py - ri - h, px + w / 2, py - ri)),
                   ("middle right", (px + ri, py - h / 2, px + ri + w, py + h / 2)),
                   ("middle left", (px - ri - w, py - h / 2, px - ri, py + h / 2)),
                   ("top right", (px + ri * 0.7, py + ri * 0.7, px + ri * 0.7 + w, py + ri * 0.7 + h)),
                   ("top left", (px - ri * 0.7 - w, py + ri * 0.7, px - ri * 0.7, py + ri * 0.7 + h)),
                   ("bottom right", (px + ri * 0.7, py - ri * 0.7 - h, px + ri * 0.7 + w, py - ri * 0.7)),
                   ("bottom left", (px - ri * 0.7 - w, py - ri * 0.7 - h, px - ri * 0.7, py - ri * 0.7)))
        for name, box in options:
            if free(box, i):
                pos[i] = name
                placed.append(box)
                break
    return pos


def extraction_bars(lk: pd.DataFrame, lang: str = "en", *, top: int = 12, currency: str = "CNY") -> go.Figure:
    """The segments whose hypothetical extraction would cost the park the most output (share
    of total output, with the amount on hover), largest first."""
    title = t("valuestream.extraction_title", lang)
    data = lk.dropna(subset=["extraction_share"]).sort_values("extraction_share", ascending=False).head(top)
    if data.empty:
        return _empty(title, lang)
    col = "name_zh" if lang == "zh" and "name_zh" in data else "name"
    labels = [plot_text(v) for v in data[col]]
    fig = go.Figure()
    for q, colour in QUADRANT_COLOURS.items():  # one trace per quadrant: the legend explains the colours
        m = (data["quadrant"] == q).to_numpy()
        if not m.any():
            continue
        sub = data[m]
        fig.add_bar(y=[lab for lab, k in zip(labels, m) if k], x=sub["extraction_share"].to_numpy(float),
                    orientation="h", marker_color=colour, name=t(f"valuestream.quadrant.{q}", lang),
                    text=[fmt.pct(v, 1) for v in sub["extraction_share"]], textposition="outside", cliponaxis=False,
                    customdata=[plot_text(fmt.money(v, lang, currency)) for v in sub["extraction_loss"]],
                    hovertemplate="%{y}<br>%{x:.2%} · %{customdata}<extra></extra>")
    fig.update_layout(title=title, height=int(150 + 30 * len(labels)), barmode="overlay",
                      xaxis=dict(tickformat=".1%", title=t("valuestream.axis_extraction", lang),
                                 range=[0, float(data["extraction_share"].max()) * 1.2 or 1]),
                      yaxis=dict(categoryorder="array", categoryarray=labels, autorange="reversed", title=None),
                      margin=dict(l=230, r=40, t=96, b=50))
    return fig


def figures(vs, lang: str = "en", *, min_value: float = 0.0, currency: str = "CNY") -> list[go.Figure]:
    """The month/option-dependent figures of the explorer, in page order: Sankey (every flow
    of at least ``min_value``, the small segments grouped), sourcing."""
    return [sankey(vs.flows, lang, min_value=min_value, cover=1.0, currency=currency),
            sourcing_bars(vs.sourcing, lang, currency=currency)]


#: Shorter English names of the national sectors whose names are long (labels of a chart).
SHORT_SECTOR_NAMES = {
    "Communication equipment, computers and other electronic equipment": "Electronic and communication equipment",
    "Information transmission, software and information technology services": "Software and IT services",
    "Management of water conservancy, environment and public facilities": "Water, environment and public facilities",
    "Public administration, social security, and social organizations": "Public administration",
    "Paper, printing, and articles for culture, education, sports": "Paper, printing and stationery",
    "Wearing apparel, leather, fur, feather and related products": "Apparel and leather",
    "Agriculture, forestry, animal husbandry and fishery": "Agriculture, forestry and fishery",
}


def short_sector_name(name: str, limit: int = 44) -> str:
    """A national sector name short enough for a chart label ("Manufacture of chemical
    products" → "Chemical products"; a few long names by :data:`SHORT_SECTOR_NAMES`); cut with
    "…" only beyond ``limit`` characters (the chart wraps labels between words).

    Examples
    --------
    >>> short_sector_name("Manufacture of chemical products")
    'Chemical products'
    >>> short_sector_name("Information transmission, software and information technology services")
    'Software and IT services'
    """
    text = str(name)
    for prefix in ("Manufacture of ", "Production and supply of ", "Mining and processing of ", "Processing of ",
                   "Mining and washing of ", "Exploitation of ", "Smelting and processing of "):
        if text.startswith(prefix):
            text = text[len(prefix):]
            if prefix == "Smelting and processing of ":
                text = "smelting of " + text
            break
    text = text[:1].upper() + text[1:]
    text = SHORT_SECTOR_NAMES.get(text, text)
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,") + "…"


def national_quadrant(national: pd.DataFrame, mapped: pd.DataFrame, lang: str = "en") -> go.Figure:
    """The 42 national sectors on the linkage quadrant (``national``: from
    :func:`ecolib.analyses.valuestream.national_linkages`, ``MonthModel.national.linkages``); the
    sectors behind the park's chain (``mapped``: from
    :func:`ecolib.analyses.valuestream.national_key_sectors`, ``MonthModel.national.mapped``)
    coloured by quadrant and labelled, the others grey."""
    names = national["name_zh"].astype(str) if lang == "zh" else national["name_en"].map(short_sector_name)
    highlight = pd.Index(mapped["sector"]) if len(mapped) else pd.Index([])
    return linkage_quadrant(national, lang, title=t("valuestream.national_quadrant_title", lang), names=names,
                            highlight=highlight, size_col=None, colour_by="quadrant")
