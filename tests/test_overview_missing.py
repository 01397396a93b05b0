"""Overview and value-stream pages without flows, without output, with two stage nodes in one
category (issue 14 items 1-3): 'not evaluated' / 'not reported', never 0; stages by name."""
import pandas as pd

from ecolib.analyses.overview import overview
from ecolib.analyses.valuestream import value_stream
from ecolib.datasets import tiny
from ecolib.presentation.narrative import overview as nov
from ecolib.presentation.narrative import valuestream as nvs
from ecolib.presentation.tables import overview as tov
from ecolib.presentation.tables import valuestream as tvs


def _tables(**change):
    t = {k: v.copy() for k, v in tiny().tables.items()}
    t.update(change)
    return t


def test_no_flows_not_evaluated_en_zh():
    t = _tables()
    t["flows"] = t["flows"].iloc[:0]
    ov = overview(t, "2026-03", window=3, history=3)
    assert not ov.flows_given and ov.headline["missing_flow_months"] == []
    for lang, word in (("en", "not evaluated"), ("zh", "未评估")):
        cards = list(nov.headline_cards(ov, lang).values())
        assert cards[2] == cards[3] == word
        assert not any("0" == c or c.endswith(" 0") for c in cards)
        vs = value_stream(t, "2026-03", window=3)
        assert not vs.flows_given
        assert set(nvs.headline_cards(vs, lang).values()) == {word}
        assert len(nvs.headline(vs, lang)) == 1


def test_blank_output_not_reported():
    t = _tables()
    t["firms"] = t["firms"].assign(output=float("nan"), employees=float("nan"))
    ov = overview(t, "2026-03", window=3, history=3)
    assert ov.headline["output"] is None and ov.top_by is None and ov.top_firms.empty
    assert nov.headline_cards(ov, "en")["Annual output of local firms"] == "not reported"
    assert nov.headline_cards(ov, "zh")["本地企业年产值"] == "未报送"
    text = " ".join(nov.findings(ov, "en"))
    assert "(–)" not in text and "CNY 0" not in text and "not reported" in text
    keys = [c.key for c in tov.zones_table(ov).columns]
    assert "output" not in keys and "employees" not in keys and "land_output" not in keys
    assert "Employees" in nov.zones_notes(ov, "en")[0]
    vs = value_stream(t, "2026-03", window=3)
    assert vs.output_reported == 0
    assert "output" not in [c.key for c in tvs.isolated_table(vs).columns]


def test_partial_output_says_how_many():
    t = _tables()
    t["firms"].loc[t["firms"]["firm_id"] == "F1", "output"] = float("nan")
    ov = overview(t, "2026-03", window=3, history=3)
    assert ov.reported["output"] == 2 and ov.top_by == "output"
    assert any("2 of 3 active local firms report" in s for s in nov.findings(ov, "en"))


def test_employees_ranking_when_output_blank():
    t = _tables()
    t["firms"] = t["firms"].assign(output=float("nan"))
    ov = overview(t, "2026-03", window=3, history=3)
    assert ov.top_by == "employees"
    assert "employees" in nov.top_values(ov, "CNY", "en")["basis"]


def test_two_stage_nodes_in_one_category_named():
    t = _tables()
    nodes = t["chain_nodes"]
    assert not overview(t, "2026-03", window=3, history=3).stage_shared      # the one-name-per-stage case
    nodes.loc[nodes["node_id"] == "S.MID", "stage"] = "upstream"            # two stage nodes, one category
    ov = overview(t, "2026-03", window=3, history=3)
    assert ov.stage_shared and list(ov.stage_zone.index) == ["S.UP", "S.MID"]
    names = nov.stage_names(ov, ov.stage_zone.index, "en")
    assert names == nodes.set_index("node_id").loc[["S.UP", "S.MID"], "name"].tolist()
    assert len(set(tov.TOP_FIRMS.view(ov, "en")["stage"])) == 2
