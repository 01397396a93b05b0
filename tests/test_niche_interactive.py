"""The interactive niche explorer, driven from pytest as a user would: pick a level, move the
threshold, pick a firm; the figures redraw in place."""
from __future__ import annotations

import numpy as np

from ecolib.presentation.widgets.niche import NicheExplorer, firm_options
from ecolib.workspace import load_workspace


def test_explorer_redraws_in_place(tiny_park):
    ws = load_workspace(tiny_park)
    ex = NicheExplorer(ws.tables, "2026-03", lang="en", threshold=0.7)
    overlap, lq, emb = ex.overlap_figure, ex.lq_figure, ex.embed_figure
    assert len(overlap.layout.shapes) == 0 and "0 pairs" in ex.summary.value and ex.advice.value == ""
    assert ex.overlap_figure.data[0].z[0][0] is None          # empty cells are null, not NaN (valid widget JSON)
    # the threshold below the North–South overlap (0.447): the pair is flagged, advice appears
    ex.threshold.value = 0.4
    assert len(ex.overlap_figure.layout.shapes) == 2 and "1 pairs" in ex.summary.value
    assert "North" in ex.advice.value and "Materials" in ex.advice.value
    # the level: segments (2 rows) → technology nodes (3 with output)
    assert len(ex.lq_figure.layout.yaxis.ticktext) == 2
    ex.level.value = "node"
    assert len(ex.lq_figure.layout.yaxis.ticktext) == 3
    assert ex.overlap_figure is overlap and ex.lq_figure is lq                  # same widgets, redrawn
    # the firm: the default is F2 (the small firm next to the missing N.PACK); pick F3
    assert ex.firm.value == "F2" and "Lithium" in ex.embed_figure.data[0].y[-1]
    ex.firm.value = "F3"
    assert "Packs" in ex.embed_figure.data[0].y[-1] and ex.embed_figure is emb
    assert "Packs" in ex.embed_table.value


def test_firm_options_smallest_first(tiny_park):
    ws = load_workspace(tiny_park)
    opts = firm_options(ws.tables["firms"], ws.tables["firm_nodes"], "2026-03", "zh")
    # active local firms with a node, by output: F1 100, F2 200, F3 1000 (F4 left, X1 outside)
    assert [v for _, v in opts] == ["F1", "F2", "F3"]
    assert [v for _, v in firm_options(ws.tables["firms"], ws.tables["firm_nodes"], "2026-03", limit=1,
                                       include="F3")] == ["F3", "F1"]
    assert np.all([isinstance(label, str) for label, _ in opts])
