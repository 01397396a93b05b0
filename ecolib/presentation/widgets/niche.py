"""Interactive niche analysis for JupyterLab: pick the level (stage / segment / technology
node), move the overlap threshold and pick a firm; the overlap and LQ heatmaps, the table of
flagged pairs with their advice, and the firm's embedding chart and table redraw in place.

Shown only when a notebook runs with ``interactive = True``; reports never depend on it.
"""
from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ecolib.presentation import fmt
from ecolib.analyses import genemap as gmap
from ecolib.analyses import niche as nc
from ecolib.presentation.i18n import t
from ecolib.presentation.escape import html_text
from ecolib.presentation.narrative.niche import firm_names
from ecolib.presentation.plots import niche as plot
from ecolib.presentation.tables import niche as niche_tables
from ecolib.presentation.widgets.base import Explorer, redraw, table_box

#: Firms offered in the firm picker at most (the smallest first: the question is about small firms).
MAX_FIRMS = 2_000


def firm_options(firms: pd.DataFrame, firm_nodes: pd.DataFrame, month: str | None, lang: str = "en", *,
                 include: str | None = None, limit: int = MAX_FIRMS) -> list[tuple[str, str]]:
    """The options of the firm picker.

    Parameters
    ----------
    firms, firm_nodes : DataFrame
        The workspace tables.
    month : str or None
        ``YYYY-MM``.
    lang : str
        Language of the names.
    include : str, optional
        A firm always offered (the one shown).
    limit : int
        Firms at most.

    Returns
    -------
    list of (str, str)
        (label, firm_id) of the firms :func:`ecolib.analyses.niche.small_firm_pool` offers, in
        its order (smallest output first), labelled with name, zone and output (output not
        reported reads "–").

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> firm_options(tables["firms"], tables["firm_nodes"], "2026-03")[0]
    ('Lithium Co · North · CNY 100', 'F1')
    """
    chosen = nc.small_firm_pool(firms, firm_nodes, month, include=include, limit=limit)
    names = firm_names(chosen, lang)
    zone = chosen["zone"].astype(object).where(chosen["zone"].notna(), "–")
    labels = [f"{names.get(f, f)} · {z} · {fmt.money(o, lang)}"
              for f, z, o in zip(chosen["firm_id"], zone, pd.to_numeric(chosen["output"], errors="coerce"))]
    return list(zip(labels, chosen["firm_id"].astype(str)))                # ≤ limit options


class NicheExplorer(Explorer):
    """A level picker, an overlap-threshold slider and a firm picker above the niche figures.

    Changing the level recomputes the zone portfolios; the threshold only re-flags pairs; the
    firm recomputes its embedding on the (cached) gene map. Figures redraw in place.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], month: str | None, *, lang: str = "en",
                 currency: str = "CNY", level: str = "segment", threshold: float = nc.DEFAULT_THRESHOLD,
                 firm_id: str | None = None, gm: gmap.GeneMap | None = None, min_capability: float = 0.3,
                 weights: Mapping | None = None, min_firms: int = 1, min_zone_share: float = 0.0) -> None:
        self.tables, self.month, self.lang, self.currency = tables, month, lang, currency
        self.min_firms, self.min_zone_share = min_firms, min_zone_share   # the page's minimum zone sizes
        self.weights = weights
        self.gm = gm if gm is not None else gmap.gene_map(tables, month, min_capability=min_capability)
        self._cache: dict[str, nc.Niche] = {}
        if firm_id is None:
            firm_id = nc.default_firm(tables, month, gm=self.gm)
        self.level = widgets.Dropdown(options=[(t(f"niche.level.{lv}", lang), lv) for lv in nc.LEVELS], value=level,
                                      description=t("niche.explore.level", lang))
        self.threshold = widgets.FloatSlider(value=float(threshold), min=0.0, max=1.0, step=0.05,
                                             description=t("niche.explore.threshold", lang), readout_format=".2f",
                                             continuous_update=False, style={"description_width": "initial"})
        options = firm_options(tables["firms"], tables["firm_nodes"], month, lang, include=firm_id)
        self.firm = widgets.Dropdown(options=options or [("–", None)], value=firm_id if options else None,
                                     description=t("niche.explore.firm", lang), layout=widgets.Layout(width="560px"))
        self.overlap_figure = self.live(plot.overlap_heatmap(self.niche, lang))
        self.lq_figure = self.live(plot.lq_heatmap(self.niche, lang, currency=currency))
        self.summary = widgets.HTML()
        self.advice = table_box()
        self.embed_figure = self.live(self._embed_figure())
        self.embed_table = table_box()
        self._fill_tables()
        self._fill_embedding_table()
        self.level.observe(self._redraw_niche, names="value")
        self.threshold.observe(self._redraw_niche, names="value")
        self.firm.observe(self._redraw_embedding, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.level, self.threshold]), self.overlap_figure, self.summary,
                                    self.advice, self.lq_figure, self.firm, self.embed_figure, self.embed_table])

    # -- state ------------------------------------------------------------------------------
    def _portfolio(self, level: str) -> nc.Niche:
        if level not in self._cache:
            self._cache[level] = nc.niche(self.tables, self.month, level=level, threshold=nc.DEFAULT_THRESHOLD,
                                          min_firms=self.min_firms, min_zone_share=self.min_zone_share)
        return self._cache[level]

    @property
    def niche(self) -> nc.Niche:
        """The niche result for the current level and threshold (pairs re-flagged, advice redone)."""
        return nc.with_threshold(self._portfolio(self.level.value), float(self.threshold.value))

    @property
    def embedding(self) -> nc.Embedding | None:
        if self.firm.value is None:
            return None
        return nc.embedding(self.tables, self.month, firm_id=self.firm.value, gm=self.gm, weights=self.weights)

    # -- drawing ----------------------------------------------------------------------------
    def _embed_figure(self) -> go.Figure:
        e = self.embedding
        if e is None:
            return go.Figure()
        label = str(firm_names(self.tables["firms"], self.lang).get(e.firm_id, e.firm_id))
        return plot.embedding_chart(e, self.gm, label, self.lang)

    def _fill_tables(self) -> None:
        n = self.niche
        self.summary.value = "<b>" + html_text(t("niche.explore.flagged", self.lang, n=len(n.flagged),
                                                     threshold=fmt.number(n.threshold, 2))) + "</b>"
        self.advice.value = niche_tables.advice(n).html(n, self.lang, self.currency) if len(n.advice) else ""

    def _fill_embedding_table(self) -> None:
        e = self.embedding
        if e is None:
            self.embed_table.value = ""
            return
        self.embed_table.value = (niche_tables.EMBEDDING.html(e, self.lang, self.currency) if len(e.top(1))
                                  else "<p>" + html_text(t("niche.no_opportunity", self.lang)) + "</p>")

    def _redraw_niche(self, change: dict | None = None) -> None:
        n = self.niche
        redraw(self.overlap_figure, plot.overlap_heatmap(n, self.lang))
        redraw(self.lq_figure, plot.lq_heatmap(n, self.lang, currency=self.currency))
        self._fill_tables()

    def _redraw_embedding(self, change: dict | None = None) -> None:
        redraw(self.embed_figure, self._embed_figure())
        self._fill_embedding_table()
