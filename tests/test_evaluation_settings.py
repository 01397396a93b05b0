"""Rules and metrics from workspace.yaml: overrides, additions, malformed entries reported at load."""
from __future__ import annotations

from textwrap import dedent

import pytest

from conftest import TINY, write_tiny_park
from ecolib.presentation.names import action_of, name_of
from ecolib.analyses import evaluation as ev
from ecolib.presentation.narrative import evaluation as narrative
from ecolib.workspace import WorkspaceError, load_workspace, validate_workspace


def parse(*entries, **settings):
    return ev.parse_settings({"rules": list(entries), **settings})


def errors(found):
    return [f.message for f in found if f.severity == "error"]


def test_no_settings_gives_the_defaults():
    metrics, rules, found = ev.parse_settings({"rules": []})
    assert metrics == ev.CATALOGUE and rules == list(ev.DEFAULT_RULES) and found == []
    assert {r.id: r.severity for r in rules} == {
        "eco_value_density": "critical", "tech_substitution_index": "warning", "policy_compliance": "warning",
        "talent_gap": "warning", "elasticity": "info"}


def test_override_a_default_rule_by_its_metric():
    _, rules, found = parse({"metric": "talent_gap", "threshold": "20%", "months": 2, "severity": "一级"})
    r = {x.id: x for x in rules}["talent_gap"]
    assert (r.comparison, r.threshold, r.months, r.severity) == (">=", 0.2, 2, "critical")  # comparison kept
    assert action_of(r, "en").startswith("Start customised training")                           # default action kept
    assert len(rules) == len(ev.DEFAULT_RULES) and found == []


def test_add_a_metric_with_its_rule_and_switch_a_rule_off():
    metrics, rules, found = parse(
        {"metric": "local_sourcing", "formula": "local_flow_value / output", "name": "Local sourcing",
         "name_zh": "本地配套强度", "unit": "share", "direction": "higher", "comparison": "below",
         "threshold": 0.8, "basis": "benchmark", "months": 2, "severity": "critical",
         "action": "Match local suppliers", "action_zh": "对接本地供应商"},
        {"metric": "elasticity", "enabled": False},
        {"metric": "talent_gap", "name_zh": "人才缺口"})
    assert found == []
    m = metrics["local_sourcing"]
    assert (m.formula, m.unit, name_of(m, "zh"), name_of(m, "en")) == ("local_flow_value / output", "share", "本地配套强度", "Local sourcing")
    assert name_of(metrics["talent_gap"], "zh") == "人才缺口" and metrics["talent_gap"].formula == ev.CATALOGUE["talent_gap"].formula
    r = {x.id: x for x in rules}
    assert (r["local_sourcing"].comparison, r["local_sourcing"].basis, action_of(r["local_sourcing"], "zh")) == ("<", "benchmark", "对接本地供应商")
    assert r["elasticity"].enabled is False
    # the new rule works: local flows / output = 10/100, 7/100, 7/100 against 80% of a 0.1 benchmark = 0.08
    import pandas as pd
    kpis = pd.DataFrame({"month": ["2026-01"] * 2 + ["2026-02"] * 2 + ["2026-03"] * 2,
                         "metric": ["local_flow_value", "output"] * 3, "value": [10, 100, 7, 100, 7, 100]})
    bench = pd.DataFrame({"metric": ["local_sourcing"], "value": [0.1], "direction": ["higher"]})
    e = ev.evaluate(kpis, bench, month="2026-03", metrics=metrics, rules=rules)
    assert "elasticity" not in e.checks and "elasticity" not in set(e.skipped["rule"])   # off: not even listed
    alert = e.current.set_index("rule").loc["local_sourcing"]
    assert alert["opened"] == "2026-03" and alert["months_in_breach"] == ["2026-02", "2026-03"]
    assert narrative.alert_records(e, "zh")[0]["metric_name"] == "本地配套强度"


def test_a_second_rule_on_the_same_metric_needs_its_own_id():
    _, rules, found = parse({"id": "talent_gap_severe", "metric": "talent_gap", "comparison": ">=",
                             "threshold": 0.35, "severity": "critical"})
    assert found == [] and [r.id for r in rules].count("talent_gap_severe") == 1
    assert {r.id for r in rules} >= {"talent_gap", "talent_gap_severe"}


def test_malformed_rules_are_all_reported_with_entry_and_field():
    _, _, found = parse(
        "talent_gap",                                                          # 1: not a mapping
        {"metric": "talent_gap", "threshold": "high"},                         # 2
        {"metric": "policy_compliance", "comparison": "=<<"},                  # 3
        {"metric": "new_one", "comparison": ">"},                              # 4: no threshold
        {"metric": "elasticity", "threshold": 1.5},                            # 5: a band rule needs a pair
        {"metric": "x1", "comparison": "outside", "threshold": [2, 1]},        # 6: low > high
        {"metric": "tech_substitution_index", "months": 0, "severity": "urgent"},  # 7: two fields
        {"metric": "y", "formula": "output / (area"},                          # 8
        {"metric": "talent_gap", "threshold": 0.3},                            # 9: talent_gap again
        {"threshold": 0.3},                                                    # 10: no metric
        {"metric": "policy compliance", "threshold": 0.6},                     # 11: not an id
    )
    messages = errors(found)
    expected = [
        "entry 1: expected a mapping",
        "entry 2 (talent_gap), field threshold: expected a number (0.25 or 25%) or a pair [low, high], got 'high'",
        "entry 3 (policy_compliance), field comparison: expected one of <, <=, >, >=, outside, got '=<<'",
        "entry 4 (new_one), field threshold: missing",
        "entry 5 (elasticity), field threshold: the comparison 'outside' needs a band [low, high], got 1.5",
        "entry 6 (x1), field threshold: the band [low, high] must have low < high",
        "entry 7 (tech_substitution_index), field months: expected a whole number of consecutive months from 1 to "
        "240, got 0",
        "entry 7 (tech_substitution_index), field severity: expected one of critical, warning, info, got 'urgent'",
        "entry 8 (y), field formula: not a valid formula",
        "entry 9 (talent_gap), field id: the rule 'talent_gap' is already set by entry 2",
        "entry 10, field metric: missing",
        "entry 11 (policy compliance), field metric: expected a metric id",
    ]
    for start in expected:
        assert sum(m.startswith(start) for m in messages) == 1, start
    assert len(messages) == len(expected)
    with pytest.raises(ev.RuleError, match="entry 1 \\(policy_compliance\\), field comparison"):
        ev.from_settings({"rules": [{"metric": "policy_compliance", "comparison": "=<<"}]})


def test_warnings_unknown_field_typo_metric_and_circular_formulas():
    _, _, found = ev.parse_settings(
        {"rules": [{"metric": "talent_gap", "treshold": 0.3},
                   {"id": "compliance_low", "metric": "policy_complience", "comparison": "<", "threshold": 0.6}]},
        kpi_metrics={"policy_compliance", "output"})
    warnings = [f.message for f in found if f.severity == "warning"]
    assert "entry 1 (talent_gap), field treshold: not a known field, ignored (did you mean 'threshold'?)" in warnings
    assert any("'policy_complience' is neither in kpis nor defined by a formula" in w
               and "did you mean 'policy_compliance'" in w for w in warnings)
    assert errors(found) == []
    _, _, circular = parse({"metric": "a", "formula": "b + 1"}, {"metric": "b", "formula": "a * 2"})
    assert any("refer to each other in a circle" in m for m in errors(circular))
    _, _, itself = parse({"metric": "a", "formula": "a + 1"})
    assert errors(itself) == ["entry 1 (a), field formula: the formula of 'a' uses 'a' itself"]


def test_metrics_mapping_is_read_when_the_schema_has_it():
    metrics, rules, found = ev.parse_settings({"rules": [], "metrics": {"sourcing": {"formula": "local_flow_value / output"}}})
    assert found == [] and metrics["sourcing"].formula == "local_flow_value / output"
    assert len(rules) == len(ev.DEFAULT_RULES)                      # a metric alone adds no rule


# --------------------------------------------------------------------------- at load


def _park(tmp_path, rules_yaml: str):
    settings = dedent(TINY["workspace.yaml"]) + dedent(rules_yaml)
    return write_tiny_park(tmp_path / "park", workspace_yaml=settings)


def test_malformed_rule_stops_the_load_with_a_clear_problem(tmp_path):
    folder = _park(tmp_path, """\
        rules:
          - metric: talent_gap
            threshold: 20%
          - metric: policy_compliance
            comparison: "=<<"
            threshold: lots
        """)
    ws, problems = validate_workspace(folder)
    assert ws is None
    texts = [str(p) for p in problems if p.file == "workspace.yaml"]
    assert texts == [
        "workspace.yaml, key rules: entry 2 (policy_compliance), field comparison: expected one of <, <=, >, >=, "
        "outside, got '=<<'",
        "workspace.yaml, key rules: entry 2 (policy_compliance), field threshold: expected a number (0.25 or 25%) "
        "or a pair [low, high], got 'lots'",
    ]
    with pytest.raises(WorkspaceError, match="entry 2 \\(policy_compliance\\), field comparison"):
        load_workspace(folder)


def test_valid_overrides_load_and_apply(tmp_path):
    folder = _park(tmp_path, """\
        rules:
          - metric: output
            comparison: "<"
            threshold: 0.75
            basis: benchmark
            months: 2
            severity: warning
            action: Find the cause of the fall in output
            action_zh: 查明产值下降原因
          - metric: outptu
            comparison: "<"
            threshold: 1
        """)
    ws = load_workspace(folder)
    warnings = [str(w) for w in ws.warnings if w.file == "workspace.yaml"]
    assert len(warnings) == 1 and "'outptu' is neither in kpis" in warnings[0] and "did you mean 'output'" in warnings[0]
    # tiny park: output 100, 110, 120 against 75% of the benchmark 150 = 112.5 → 2026-01, 2026-02 in breach
    e = ev.evaluate_workspace(ws.tables, ws.settings, "2026-02")
    alert = e.current.set_index("rule").loc["output"]
    assert alert["months_in_breach"] == ["2026-01", "2026-02"] and alert["low"] == pytest.approx(112.5)
    assert narrative.alert_records(e, "zh")[0]["action"] == "查明产值下降原因"
    assert set(e.skipped["reason"]) == {"no_data"}                   # the typo rule and the defaults: no data
    later = ev.evaluate_workspace(ws.tables, ws.settings, "2026-03")
    assert later.current.set_index("rule").at["output", "status"] == "resolved"   # 120 ≥ 112.5
