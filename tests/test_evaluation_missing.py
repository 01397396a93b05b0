"""The evaluation page on partial data (issue 14): no KPIs or no benchmark is "not evaluated",
never "0 open alerts"; a rule against the benchmark without a benchmark value is not evaluated."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import DEMO
from ecolib.analyses import evaluation as ev
from ecolib.presentation.narrative import evaluation as narrative
from ecolib.presentation.tables import evaluation as tables
from ecolib.workspace import load_workspace


@pytest.fixture(scope="module")
def demo():
    return load_workspace(DEMO)


def test_no_kpis_is_not_evaluated(demo):
    empty = demo.tables["kpis"].iloc[0:0]
    e = ev.evaluate_workspace({**demo.tables, "kpis": empty}, demo.settings, "2026-10")
    assert not e.checks and e.headline["alerts_open"] is None and e.headline["open_critical"] is None
    for lang, word in (("en", "not evaluated"), ("zh", "未评估")):
        assert set(narrative.headline_cards(e, lang).values()) == {word}
    assert "monthly indicator values" in narrative.findings(e, "en")[0]
    assert narrative.alert_records(e, "en") == []
    checked = tables.RULES.view(tables.with_benchmark(e, "Riverside"), "en")["checked"].tolist()
    assert set(checked) == {"not evaluated: no indicator values"}


def test_no_benchmark_leaves_the_benchmark_rule_unevaluated(demo):
    tabs = {k: v for k, v in demo.tables.items() if k != "benchmarks"}
    e = ev.evaluate_workspace(tabs, demo.settings, "2026-10")
    assert "eco_value_density" not in e.checks and "talent_gap" in e.checks
    assert e.skipped.set_index("rule").at["eco_value_density", "reason"] == "no_benchmark"
    full = ev.evaluate_workspace(demo.tables, demo.settings, "2026-10")
    # the rules that do not need the benchmark give the same alerts as with it
    assert e.headline["open_warning"] == full.headline["open_warning"] == 2
    cards = narrative.headline_cards(e, "en")
    assert cards["Level 1 (critical) alerts"] == "not evaluated"      # its only rule needs the benchmark
    assert cards["Level 2 (warning) alerts"] == "2" and cards["Open alerts"] == "2"
    assert narrative.headline_cards(e, "zh")["一级（严重）预警"] == "未评估"
    note = narrative.benchmark_note(e, "en", benchmark="Riverside")
    assert note and "the benchmark park's values" in note
    assert "标杆园区的指标值" in narrative.benchmark_note(e, "zh")
    rule = e.rule("eco_value_density")
    for lang in ("en", "zh"):
        text = narrative.describe_rule(rule, e, lang, benchmark="Riverside")
        assert "–" not in text and "80%" in text
    assert narrative.describe_rule(rule, e, "en", benchmark="Riverside") == \
        "below 80% of the level of Riverside, for 3 months in a row"
    assert any("the benchmark park's values" in f for f in narrative.findings(e, "en"))


def test_demo_cards_unchanged(demo):
    e = ev.evaluate_workspace(demo.tables, demo.settings, "2026-10")
    assert narrative.benchmark_note(e, "en") is None
    assert narrative.headline_cards(e, "en") == {
        "Open alerts": "3", "Level 1 (critical) alerts": "1", "Level 2 (warning) alerts": "2",
        "New alerts this month": "1", "Alerts resolved this month": "0"}
