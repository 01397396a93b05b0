"""Interactive gene map for JupyterLab: drill into a branch of the chain and move the
capability threshold; the treemap and the table of gap nodes redraw in place.

Shown only when a notebook runs with ``interactive = True``; reports never depend on it.
"""
from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ecolib.presentation import fmt
from ecolib.analyses import genemap as gmap
from ecolib.presentation.i18n import display_names, t
from ecolib.presentation.escape import html_text
from ecolib.presentation.narrative.genemap import stage_names
from ecolib.presentation.plots import genemap as plot
from ecolib.presentation.tables import genemap as gm_tables
from ecolib.presentation.widgets.base import Explorer, redraw, table_box


class GeneMapExplorer(Explorer):
    """A branch picker and a capability slider above the coverage treemap and a gap table.

    Moving the slider recomputes the gene map (coverage and feasibility) for that threshold;
    picking a branch shows only that part of the chain. Figures are redrawn in place.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], month: str | None, *, lang: str = "en",
                 currency: str = "CNY", min_capability: float = 0.3, use_chain_edges: bool = True) -> None:
        self.tables, self.month, self.lang, self.currency = tables, month, lang, currency
        self.use_chain_edges = use_chain_edges
        self._cache: dict[float, gmap.GeneMap] = {}
        tree = self._gene_map(min_capability).coverage.tree
        self._stage_names = stage_names(self._gene_map(min_capability), lang)
        root = tree.loc[tree["parent_id"].isna(), "node_id"]
        self.root = str(root.iloc[0]) if len(root) else None
        self.branch = widgets.Dropdown(options=self._branch_options(tree), value=self.root,
                                       description=t("genemap.explore.branch", lang),
                                       layout=widgets.Layout(width="520px"))
        self.threshold = widgets.FloatSlider(value=float(min_capability), min=0.05, max=1.0, step=0.05,
                                             description=t("genemap.explore.threshold", lang), readout_format=".2f",
                                             continuous_update=False, style={"description_width": "initial"},
                                             layout=widgets.Layout(width="420px"))
        self.summary = widgets.HTML()
        self.table = table_box()
        self.figure = self.live(self._treemap())
        self._fill_table()
        self.branch.observe(self._redraw, names="value")
        self.threshold.observe(self._redraw, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.branch, self.threshold]), self.figure, self.summary,
                                    self.table])

    # -- state ------------------------------------------------------------------------------
    def _gene_map(self, cap: float) -> gmap.GeneMap:
        key = round(float(cap), 4)
        if key not in self._cache:
            self._cache[key] = gmap.gene_map(self.tables, self.month, min_capability=key,
                                             use_chain_edges=self.use_chain_edges)
        return self._cache[key]

    @property
    def gene_map(self) -> gmap.GeneMap:
        return self._gene_map(self.threshold.value)

    def _selected_root(self) -> str | None:
        value = self.branch.value
        return None if value == self.root else value

    def _branch_options(self, tree: pd.DataFrame) -> list[tuple[str, str]]:
        rows = tree[tree["level"].isin(["stage", "segment"])]
        names = display_names(rows, self.lang)
        stages = rows["node_id"].map(self._stage_names).fillna("–").tolist()
        labels = [f"{n}" if lvl == "stage" else f"{st} › {n}"
                  for n, lvl, st in zip(names, rows["level"], stages)]  # a few dozen options
        return [(t("genemap.explore.whole_chain", self.lang), self.root)] + list(zip(labels, rows["node_id"]))

    # -- drawing ----------------------------------------------------------------------------
    def _treemap(self) -> go.Figure:
        return plot.coverage_treemap(self.gene_map.coverage, self.lang, currency=self.currency,
                                     root=self._selected_root(), height=640)

    def _fill_table(self) -> None:
        source = (self.gene_map, self._selected_root())
        n = len(gmap.branch_gaps(*source))
        self.summary.value = "<b>" + html_text(t("genemap.explore.gaps", self.lang, n=n,
                                                     cap=fmt.number(self.threshold.value, 2))) + "</b>"
        self.table.value = gm_tables.BRANCH.html(source, self.lang, self.currency)

    def _redraw(self, change: dict | None = None) -> None:
        redraw(self.figure, self._treemap())
        self._fill_table()


