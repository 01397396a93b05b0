"""Figures of the niche analysis: what they show on the tiny park, escaping, empty cases."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from ecolib.analyses import genemap as G
from ecolib.analyses import niche as N
from ecolib.presentation.plots import niche as plot
from ecolib.workspace import load_workspace

HOSTILE = "<script>x</script>"


@pytest.fixture
def tiny(tiny_park):
    return load_workspace(tiny_park).tables


def test_overlap_heatmap_frames_flagged_pairs(tiny):
    n = N.niche(tiny, "2026-03", threshold=0.4)
    fig = plot.overlap_heatmap(n, "en")
    z = np.array(fig.data[0].z, dtype=float)                            # None → NaN
    assert np.isnan(np.diag(z)).all()                                   # a zone with itself: no colour
    assert z[0, 1] == pytest.approx(1 / np.sqrt(5))
    assert len(fig.layout.shapes) == 2                                  # (North, South) and (South, North)
    assert len(plot.overlap_heatmap(N.niche(tiny, "2026-03"), "en").layout.shapes) == 0   # 0.447 < 0.7


def test_lq_heatmap_rows_and_hover(tiny):
    n = N.niche(tiny, "2026-03", level="node")
    fig = plot.lq_heatmap(n, "zh", currency="CNY")
    # N.PACK has no output in 2026-03 (F4 left): left out; the other three in chain order
    assert len(fig.layout.yaxis.ticktext) == 3 and "锂" in fig.layout.yaxis.ticktext[0]
    text = np.array(fig.data[0].text)
    assert text[0, 0] == f"{(100 / 300) / (100 / 1300):.2f}"          # North N.LI: (1/3) / (1/13) = 4.33
    assert text[0, 1] == ""                                              # South has nothing on N.LI
    few = plot.lq_heatmap(n, "en", max_rows=2)
    assert len(few.layout.yaxis.ticktext) == 2 and few.layout.annotations   # a note says one is hidden


def test_breadth_pair_and_embedding_figures(tiny):
    n = N.niche(tiny, "2026-03", threshold=0.4)
    br = plot.breadth_chart(n, "en")
    assert list(br.data[0].x) == [0.0, pytest.approx(0.8)]             # South 0, North 0.8
    pair = plot.pair_profile(n, "North", "South", "en")
    assert [tr.name for tr in pair.data] == ["North", "South"]
    assert list(pair.data[0].x) == [pytest.approx(-2 / 3), pytest.approx(-1 / 3)]   # North to the left
    assert pair.layout.yaxis.ticktext is None and pair.data[0].y[0].startswith("<b>")  # advised group in bold
    gm = G.gene_map(tiny, "2026-03")
    e = N.embedding(tiny, "2026-03", firm_id="F3", gm=gm, priority="simple")
    emb = plot.embedding_chart(e, gm, "Cell Co", "en")
    assert list(emb.data[0].x) == pytest.approx([0.15, 0.5])           # best on top (drawn last)
    assert "Packs" in emb.data[0].y[-1]


def test_figures_escape_zone_names(tiny):
    firms = tiny["firms"].assign(zone=tiny["firms"]["zone"].replace("North", HOSTILE))
    n = N.niche({**tiny, "firms": firms}, "2026-03", threshold=0.4)
    for fig in (plot.overlap_heatmap(n, "en"), plot.lq_heatmap(n, "en"), plot.breadth_chart(n, "en"),
                plot.pair_profile(n, HOSTILE, "South", "en")):
        assert HOSTILE not in fig.to_json() and "&lt;script&gt;" in fig.to_json()


def test_empty_cases_draw(tiny):
    none = N.niche({**tiny, "firms": tiny["firms"].assign(zone="")}, "2026-03")
    for fig in (plot.overlap_heatmap(none, "en"), plot.lq_heatmap(none, "en"), plot.breadth_chart(none, "en")):
        assert isinstance(fig, go.Figure)
    gm = G.gene_map(tiny, "2026-03")
    nothing = N.embedding(tiny, "2026-03", nodes=[], gm=gm)
    assert len(plot.embedding_chart(nothing, gm, "–", "en").data[0].x) == 0
