"""Interactive gene map for JupyterLab: drill into a branch of the chain and move the
capability threshold; the treemap and the table of gap nodes redraw in place.

Shown only when a notebook runs with ``interactive = True``; reports never depend on it.
"""
from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ecolib.foundations import chain
from ecolib.presentation import fmt
from ecolib.analyses import genemap as gmap
from ecolib.presentation.i18n import display_names, has, t
from ecolib.presentation.escape import html_text
from ecolib.presentation.tables import html_table
from ecolib.presentation.plots import genemap as plot
from ecolib.presentation.widgets.base import Explorer, redraw, table_box

#: Columns of the explorer's gap table → header keys.
BRANCH_COLUMNS = {"node": "genemap.col.node", "segment": "common.segment", "status_label": "genemap.col.status",
                  "firms": "genemap.col.firms", "candidates": "genemap.col.candidates",
                  "feasibility": "genemap.col.feasibility"}


def branch_gaps(gm: gmap.GeneMap, firms: pd.DataFrame, root: str | None, lang: str = "en") -> pd.DataFrame:
    """The gap nodes (missing, single, thin) under ``root`` (None: the whole chain), worst status
    first, as :func:`ecolib.analyses.genemap.gap_table` rows with a translated ``status_label``."""
    parts = [gmap.gap_table(gm, firms, s, lang=lang).assign(status=s) for s in gmap.GAP_STATUSES]
    table = pd.concat(parts, ignore_index=True)
    if root is not None:
        pairs = chain.ancestor_pairs(gm.coverage.tree[["node_id", "parent_id"]])
        inside = pairs.loc[pairs["ancestor_id"] == root, "node_id"]
        table = table[table["node_id"].isin(inside)]
    table = table.assign(status_label=table["status"].map(lambda s: t(f"genemap.status.{s}", lang)))
    return table.reset_index(drop=True)


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
        stage_label = rows["stage"].map(lambda s: t(f"stage.{s}", self.lang) if has(f"stage.{s}", self.lang) else s)
        labels = [f"{n}" if lvl == "stage" else f"{st} › {n}"
                  for n, lvl, st in zip(names, rows["level"], stage_label)]  # a few dozen options
        return [(t("genemap.explore.whole_chain", self.lang), self.root)] + list(zip(labels, rows["node_id"]))

    # -- drawing ----------------------------------------------------------------------------
    def _treemap(self) -> go.Figure:
        return plot.coverage_treemap(self.gene_map.coverage, self.lang, currency=self.currency,
                                     root=self._selected_root(), height=640)

    def _fill_table(self) -> None:
        gaps = branch_gaps(self.gene_map, self.tables["firms"], self._selected_root(), self.lang)
        self.summary.value = "<b>" + html_text(t("genemap.explore.gaps", self.lang, n=len(gaps),
                                                     cap=fmt.number(self.threshold.value, 2))) + "</b>"
        formats = gmap.gap_formats(self.lang)
        self.table.value = html_table(gaps, lang=self.lang, columns=BRANCH_COLUMNS, formats=formats, max_rows=200)

    def _redraw(self, change: dict | None = None) -> None:
        redraw(self.figure, self._treemap())
        self._fill_table()


