"""The Sankey of the value-stream page (issue 13): the flows that matter, the rest grouped, by hand."""
from __future__ import annotations

import pytest

from conftest import write_tiny_park
from ecolib.analyses import valuestream as vsm
from ecolib.presentation.narrative import valuestream as narrative
from ecolib.presentation.plots import valuestream as plot
from ecolib.workspace import load_workspace
from test_valuestream import HAND, MONTH

EXT, OTHER = vsm.EXTERNAL, vsm.OTHER


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    return load_workspace(write_tiny_park(tmp_path_factory.mktemp("sankey") / "hand", **HAND)).tables


@pytest.fixture(scope="module")
def sf(hand):
    return vsm.segment_flows(hand, MONTH, window=3)


def _rows(links):
    return [(s, d, k, v) for s, d, k, v in zip(links["source"], links["target"], links["kind"], links["value"])]


def test_main_flows_group_the_small_segments_by_hand(sf):
    # sellers: vehicles 1000, cells 100 + 300 + 70 = 470, materials 50 + 150 + 10 + 40 = 250 → vehicles alone;
    # buyers: cells 150 + 100 + 250 = 500, vehicles 10 + 300 = 310, materials 50 + 200 = 250 → cells alone
    links = vsm.main_flows(sf, segments=1, cover=1.0)
    assert _rows(links) == [("G.VEH", EXT, "leak", 1000), (OTHER, OTHER, "local", 50 + 10 + 300),
                            (EXT, "G.CELL", "import", 250), (OTHER, "G.CELL", "local", 150 + 100),
                            (EXT, OTHER, "import", 200), (OTHER, EXT, "leak", 40 + 70)]
    assert links.attrs["total"] == pytest.approx(2170) and links.attrs["drawn"] == pytest.approx(2170)
    assert links.attrs["other_sources"] == ["G.MAT", "G.CELL"] and links.attrs["other_targets"] == ["G.MAT", "G.VEH"]
    # 90 % of 2170 = 1953: the five largest reach 2060, the sixth (110) is left out
    part = vsm.main_flows(sf, segments=1, cover=0.9)
    assert len(part) == 5 and part.attrs["hidden_links"] == 1 and part.attrs["hidden_value"] == pytest.approx(110)
    small = vsm.main_flows(sf, segments=1, cover=1.0, min_value=260)
    assert small["value"].tolist() == [1000, 360]


def test_no_grouping_when_few_segments(sf):
    links = vsm.main_flows(sf)                                           # 3 segments, 8 shown: none grouped
    assert OTHER not in set(links["source"]) | set(links["target"])
    # 95 % of 2170 = 2061.5: the seven largest reach 2070; 50, 40 and 10 are left out
    assert links.attrs["drawn"] == pytest.approx(2070) and links.attrs["hidden_links"] == 3
    one_left = vsm.main_flows(sf, segments=2, cover=1.0)              # a group of one is shown as itself
    assert OTHER not in set(one_left["source"]) | set(one_left["target"])


@pytest.mark.parametrize("lang, other", [("en", "Other segments (2)"), ("zh", "其他环节（2 个）")])
def test_sankey_draws_the_grouped_flows(hand, sf, lang, other):
    fig = plot.sankey(sf, lang, segments=1, cover=1.0)
    trace = fig.data[0]
    assert sum(trace.link.value) == pytest.approx(2170)
    assert list(trace.node.label).count(other) == 2                     # one on each side

    sf_empty = vsm.segment_flows(hand, "2030-01", window=1)
    assert plot.sankey(sf_empty, lang).data == ()                       # no flow: the "no data" figure


def test_the_intro_says_what_is_drawn(tmp_path):
    tables = load_workspace(write_tiny_park(tmp_path / "hand", **HAND)).tables
    vs = vsm.value_stream(tables, MONTH, window=3)
    assert narrative.flows_values(vs, "en")["drawn"] == ("The 7 largest flows are drawn, 95.4% of all value; "
                                                         "3 smaller flows (CNY\u00a0100) are not drawn.")
    assert narrative.flows_values(vs, "zh")["drawn"] == "图中画出最大的 7 条流向，占全部价值的 95.4%；其余 3 条较小的流向（100元）未画出。"
    one = dict(HAND, flows_csv="month,source,target,value,kind\n2026-03,F3,F4,300,goods\n")
    vs = vsm.value_stream(load_workspace(write_tiny_park(tmp_path / "one", **one)).tables, MONTH, window=3)
    assert narrative.flows_values(vs, "en")["drawn"] == "Every flow is drawn."
    assert narrative.flows_values(vs, "zh")["drawn"] == "图中画出了全部流向。"


# --------------------------------------------------------------------------- the level's words

def _heads(fig):
    return fig.layout.title.text, [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_default_level_is_segments(sf, lang):
    # the report pages call the functions without a level: the same figure as level="segment"
    assert plot.sankey(sf, lang, segments=1, cover=1.0).to_json() == \
        plot.sankey(sf, lang, segments=1, cover=1.0, level="segment").to_json()
    table = vsm.sourcing_table(sf)
    assert plot.sourcing_bars(table, lang, max_rows=1).to_json() == \
        plot.sourcing_bars(table, lang, max_rows=1, level="segment").to_json()


def test_sankey_names_the_level_it_is_given(hand):
    nodes = vsm.segment_flows(hand, MONTH, window=3, level="node")
    fig = plot.sankey(nodes, "en", segments=1, cover=1.0, level="node")
    title, heads = _heads(fig)
    assert title == "Value flows between technology nodes, 2026-01 to 2026-03"
    assert heads == ["<b>Sellers: local firms by technology node</b>", "<b>Buyers: local firms by technology node</b>"]
    trace = fig.data[0]
    grouped = [lab for lab in trace.node.label if lab.startswith("Other ")]
    assert len(grouped) == 2 and all(lab.startswith("Other technology nodes (") for lab in grouped)
    texts = list(trace.node.label) + list(trace.node.customdata) + list(trace.link.customdata) + [title, *heads]
    assert not any("segment" in x.lower() for x in texts)
    zh = plot.sankey(nodes, "zh", segments=1, cover=1.0, level="node")
    assert any(lab.startswith("其他技术节点（") for lab in zh.data[0].node.label)
    stages = vsm.segment_flows(hand, MONTH, window=3, level="stage")
    title, heads = _heads(plot.sankey(stages, "zh", cover=1.0, level="stage"))
    assert "各阶段之间的价值流" in title and heads[0] == "<b>卖方：按阶段划分的本地企业</b>"


def test_sourcing_bars_name_the_level_and_count_the_groups_left_out(hand):
    table = vsm.sourcing_table(vsm.segment_flows(hand, MONTH, window=3, level="node"))
    drawn = table[table["local_firms"] > 0]
    fig = plot.sourcing_bars(table, "en", max_rows=1, level="node")
    hidden = len(drawn) - 1
    assert fig.layout.title.text == "Local sourcing and sales outside the park, by technology node"
    assert [a.text for a in fig.layout.annotations] == [f"{hidden} technology nodes with less trade not shown"]
    assert len(fig.data[0].y) == 1
    zh = plot.sourcing_bars(table, "zh", max_rows=1, level="stage")
    assert zh.layout.title.text == "各阶段本地配套率与销往园区外的比例"
    assert zh.layout.annotations[0].text == f"另有{hidden}个交易额较小的阶段未显示"
    assert plot.sourcing_bars(table, "en", level="node").layout.annotations == ()   # ≤ SOURCING_MAX_ROWS: no note


def test_unknown_level_is_refused(sf):
    with pytest.raises(ValueError, match="level must be one of stage, segment, node"):
        plot.sankey(sf, "en", level="chain")
    with pytest.raises(ValueError, match="level must be one of"):
        plot.sourcing_bars(vsm.sourcing_table(sf), "en", level="sector")


def test_every_level_has_every_word():
    from ecolib.presentation.i18n import catalogue
    for lang in ("en", "zh"):
        words = {level: {k.split(".")[3] for k in catalogue(lang) if k.startswith(f"valuestream.level.{level}.")}
                 for level in plot.LEVELS}
        assert words["stage"] == words["segment"] == words["node"] - {"column"}, lang
        assert words["segment"] == {"name", "sankey_title", "sellers", "buyers", "other", "sourcing_title",
                                    "sourcing_more"}
        assert not any(k.startswith(("valuestream.widget.stage.", "valuestream.widget.node.",
                                     "valuestream.widget.level_")) for k in catalogue(lang))
