"""Dynamic evaluation: metric formulas, the default rules on hand-made series, the alert ledger,
missing months, benchmarks, idempotency, and the demo park's situation e."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from conftest import DEMO
from ecolib.analyses import evaluation as ev
from ecolib.foundations.months import span
from ecolib.presentation import fmt
from ecolib.presentation.narrative import evaluation as narrative
from ecolib.presentation.tables import evaluation as tables
from ecolib.workspace import load_workspace

START = "2025-01"


def series(values: dict[str, list], start: str = START) -> pd.DataFrame:
    """A kpis table: one list of monthly values per metric from ``start``; None = not reported."""
    rows = []
    for metric, vals in values.items():
        for month, value in zip(span(start, "2099-12"), vals):
            if value is not None:
                rows.append((month, metric, float(value)))
    return pd.DataFrame(rows, columns=["month", "metric", "value"])


def bench(**values: float) -> pd.DataFrame:
    return pd.DataFrame({"metric": list(values), "value": list(values.values()), "direction": "higher"})


def month(i: int) -> str:
    """The i-th month of the hand-made series, counted from 1."""
    return span(START, "2099-12")[i - 1]


def rule(rule_id: str) -> ev.Rule:
    return next(r for r in ev.DEFAULT_RULES if r.id == rule_id)


def states(e: ev.Evaluation, rule_id: str) -> list[str]:
    return e.checks[rule_id]["state"].tolist()


# --------------------------------------------------------------------------- formulas


def test_catalogue_formulas_by_hand():
    kpis = series({"output": [100, 120], "area": [10, 10], "patents": [2, 4],
                   "talent_demand": [200, 200], "talent_supply": [150, 160], "transaction_cost_share": [0.2, 0.15]})
    h = ev.metric_history(kpis)
    assert list(h.index) == [month(1), month(2)]
    # value density = output / area / patents: 100 / 10 / 2 = 5; 120 / 10 / 4 = 3
    assert h["eco_value_density"].tolist() == [5.0, 3.0]
    # talent gap = (demand − supply) / demand: (200 − 150) / 200 = 0.25; 40 / 200 = 0.2
    assert h["talent_gap"].tolist() == [0.25, 0.2]
    # value-flow efficiency = 1 − transaction cost share
    assert h["value_flow_efficiency"].tolist() == pytest.approx([0.8, 0.85])
    # elasticity needs a year of history: no value, not a guess
    assert h["elasticity"].isna().all()


def test_elasticity_is_yoy_local_flows_over_yoy_output():
    kpis = series({"output": [100] * 12 + [110, 120], "local_flow_value": [50] * 12 + [57.5, 60]})
    h = ev.metric_history(kpis)
    # month 13: local flows +15% (57.5 / 50 − 1), output +10% → 1.5; month 14: +20% / +20% → 1.0
    assert h["elasticity"].iloc[12:].tolist() == pytest.approx([1.5, 1.0])
    assert h["output_yoy"].iloc[12] == pytest.approx(0.10)


def test_formula_functions_by_hand():
    metrics = {"x": ev.Metric("x"), "y": ev.Metric("y"),
               "lagged": ev.Metric("lagged", "lag(x, 2)"), "growth": ev.Metric("growth", "mom(x)"),
               "mean3": ev.Metric("mean3", "avg(x, 3)"), "spread": ev.Metric("spread", "abs(x - y)"),
               "low": ev.Metric("low", "min(x, y)"), "high": ev.Metric("high", "max(x, y) ** 2 / 2"),
               "nested": ev.Metric("nested", "lagged + 1")}
    h = ev.metric_history(series({"x": [1, 2, 4, 8], "y": [3, 3, 3, 3]}), metrics)
    nan = float("nan")
    assert h["lagged"].tolist() == pytest.approx([nan, nan, 1, 2], nan_ok=True)
    assert h["growth"].tolist() == pytest.approx([nan, 1, 1, 1], nan_ok=True)      # 2/1 − 1, 4/2 − 1, ...
    assert h["mean3"].tolist() == pytest.approx([nan, nan, 7 / 3, 14 / 3], nan_ok=True)  # (1+2+4)/3, (2+4+8)/3
    assert h["spread"].tolist() == [2, 1, 1, 5]
    assert h["low"].tolist() == [1, 2, 3, 3]
    assert h["high"].tolist() == [4.5, 4.5, 8, 32]                                   # 3²/2, 3²/2, 4²/2, 8²/2
    assert h["nested"].tolist() == pytest.approx([nan, nan, 2, 3], nan_ok=True)     # derived of a derived


def test_division_by_zero_gives_no_value_not_infinity():
    h = ev.metric_history(series({"output": [100, 0, 50], "area": [10, 10, 0], "patents": [1, 1, 1]}))
    # 100/10/1 = 10; 0/10/1 = 0 (zero output is a value); 50/0 → missing, never inf
    assert h["eco_value_density"].tolist()[:2] == [10.0, 0.0]
    assert math.isnan(h["eco_value_density"].iloc[2])


@pytest.mark.parametrize("formula, problem", [
    ("output / ", "not a valid formula"),
    ("__import__('os')", "unknown function"),
    ("output.real", "not allowed"),
    ("lag(output, 0)", "whole number ≥ 1"),
    ("lag(output, k)", "whole number ≥ 1"),
    ("'text' + output", "not a number"),
    ("output if area else patents", "not allowed"),
])
def test_bad_formulas_are_rejected_with_a_reason(formula, problem):
    assert problem in ev.check_formula(formula)
    assert ev.check_formula("yoy(local_flow_value) / yoy(output)") is None


# --------------------------------------------------------------------------- default rules


def test_value_density_fires_exactly_at_the_third_consecutive_month_and_resets():
    # density = output / 10 m² / 1 patent; benchmark 10 → threshold 80% × 10 = 8
    # months:    1  2  3  4  5  6  7  8  9
    density = [9, 7, 7, 9, 7, 7, 7, 7, 9]
    kpis = series({"output": [10 * d for d in density], "area": [10] * 9, "patents": [1] * 9})
    b = bench(eco_value_density=10.0)
    rules = [rule("eco_value_density")]
    at = {i: ev.evaluate(kpis, b, month=month(i), rules=rules) for i in range(1, 10)}
    # two breach months, then a good month: the count resets, no alert
    assert all(len(at[i].ledger) == 0 for i in range(1, 7))
    assert [w["run"] for w in at[6].watch.to_dict("records")] == [2]
    # the third consecutive breach month (7) opens it, with the three months
    seven = at[7].ledger.iloc[0]
    assert (seven["opened"], seven["status"], seven["months_in_breach"]) == (month(7), "new", [month(5), month(6), month(7)])
    assert seven["low"] == pytest.approx(8.0) and seven["severity"] == "critical"
    eight = at[8].ledger.iloc[0]
    assert (eight["status"], eight["months_in_breach"]) == ("ongoing", [month(5), month(6), month(7), month(8)])
    nine = at[9].ledger.iloc[0]
    assert (nine["status"], nine["resolved"]) == ("resolved", month(9))
    assert states(at[9], "eco_value_density") == ["ok", "breach", "breach", "ok", "breach", "breach", "alert", "alert", "ok"]


def test_tech_substitution_above_060_is_strict():
    kpis = series({"tech_substitution_index": [0.55, 0.60, 0.61, 0.59]})
    e = ev.evaluate(kpis, month=month(4), rules=[rule("tech_substitution_index")])
    assert states(e, "tech_substitution_index") == ["ok", "ok", "alert", "ok"]   # 0.60 is not above 0.60
    a = e.ledger.iloc[0]
    assert (a["opened"], a["resolved"], a["severity"]) == (month(3), month(4), "warning")


def test_policy_compliance_below_070_is_strict():
    kpis = series({"policy_compliance": [0.71, 0.70, 0.69, 0.75]})
    e = ev.evaluate(kpis, month=month(3), rules=[rule("policy_compliance")])
    assert states(e, "policy_compliance") == ["ok", "ok", "alert"]
    assert e.current["status"].tolist() == ["new"]


def test_talent_gap_at_025_breaches():
    # gap = (100 − supply) / 100: 0.20, 0.25 (at the threshold: breach), 0.24, 0.26
    kpis = series({"talent_demand": [100] * 4, "talent_supply": [80, 75, 76, 74]})
    e = ev.evaluate(kpis, month=month(4), rules=[rule("talent_gap")])
    assert states(e, "talent_gap") == ["ok", "alert", "ok", "alert"]
    assert e.ledger[["opened", "resolved", "status"]].values.tolist() == [[month(2), month(3), "resolved"],
                                                                          [month(4), None, "new"]]
    assert len(e.current) == 1 and e.current.iloc[0]["opened"] == month(4)


def test_elasticity_band_breaks_on_both_sides():
    # a flat first year, then yoy growth of output 10% and local flows 15%, 11%, 20%, 14%
    # elasticity: 1.5 (in), 1.1 (below 1.2), 2.0 (above 1.8), 1.4 (in)
    kpis = series({"output": [100] * 12 + [110] * 4, "local_flow_value": [100] * 12 + [115, 111, 120, 114]})
    e = ev.evaluate(kpis, month=month(16), rules=[rule("elasticity")])
    assert e.history["elasticity"].iloc[12:].tolist() == pytest.approx([1.5, 1.1, 2.0, 1.4])
    assert states(e, "elasticity")[12:] == ["ok", "alert", "alert", "ok"]
    assert states(e, "elasticity")[:12] == ["nodata"] * 12
    a = e.ledger.iloc[0]
    assert a["months_in_breach"] == [month(14), month(15)] and a["resolved"] == month(16)
    assert (a["low"], a["high"], a["severity"]) == (1.2, 1.8, "info")


def test_relative_threshold_follows_the_benchmark():
    r = ev.Rule("util", "equipment_utilization", "<", 0.9, basis="benchmark")
    kpis = series({"equipment_utilization": [0.70, 0.75]})
    # benchmark 0.8 → threshold 0.72: only month 1 breaches; benchmark 0.9 → 0.81: both
    low = ev.evaluate(kpis, bench(equipment_utilization=0.8), month=month(2), rules=[r])
    high = ev.evaluate(kpis, bench(equipment_utilization=0.9), month=month(2), rules=[r])
    assert states(low, "util") == ["alert", "ok"]
    assert states(high, "util") == ["alert", "alert"]
    assert high.checks["util"]["low"].iloc[0] == pytest.approx(0.81)


def test_relative_band_and_non_strict_comparisons():
    kpis = series({"x": [0.5, 1.0, 1.5, 2.0]})
    band = ev.Rule("b", "x", "outside", (0.5, 1.5), basis="benchmark")      # × 2 → [1.0, 3.0]
    at_most = ev.Rule("le", "x", "<=", 1.0)
    at_least = ev.Rule("ge", "x", ">=", 1.5)
    e = ev.evaluate(kpis, bench(x=2.0), month=month(4), rules=[band, at_most, at_least])
    assert states(e, "b") == ["alert", "ok", "ok", "ok"]
    assert states(e, "le") == ["alert", "alert", "ok", "ok"]
    assert states(e, "ge") == ["ok", "ok", "alert", "alert"]


# --------------------------------------------------------------------------- gaps and benchmarks


def test_a_missing_month_is_reported_and_interrupts_the_count():
    # month 4 has no KPI row at all; value density breaches in 2, 3, 5, 6
    density = [9, 7, 7, None, 7, 7]
    kpis = series({"output": [None if d is None else 10 * d for d in density],
                   "area": [10, 10, 10, None, 10, 10], "patents": [1, 1, 1, None, 1, 1]})
    e = ev.evaluate(kpis, bench(eco_value_density=10.0), month=month(6), rules=[rule("eco_value_density")])
    assert e.missing_months == [month(4)]
    assert len(e.history) == 6 and e.history.loc[month(4)].isna().all()   # a row of gaps, not filled
    assert states(e, "eco_value_density") == ["ok", "breach", "breach", "nodata", "breach", "breach"]
    assert len(e.ledger) == 0                                              # 2 + 2 months, never 3 in a row
    assert any(month(4) in f for f in narrative.findings(e, "en"))


def test_an_open_alert_stays_open_through_a_missing_month():
    kpis = series({"policy_compliance": [0.8, 0.6, None, 0.65, 0.8]})
    e4 = ev.evaluate(kpis, month=month(4), rules=[rule("policy_compliance")])
    assert states(e4, "policy_compliance") == ["ok", "alert", "alert_nodata", "alert"]
    a = e4.ledger.iloc[0]
    assert (a["status"], a["months_in_breach"]) == ("ongoing", [month(2), month(4)])
    e3 = ev.evaluate(kpis, month=month(3), rules=[rule("policy_compliance")])
    record = narrative.alert_records(e3, "en")[0]
    assert record["value"] is None and record["status"] == "ongoing"          # no value in the report month
    assert "no data for " + month(3) in record["message"]
    e5 = ev.evaluate(kpis, month=month(5), rules=[rule("policy_compliance")])
    assert e5.ledger.iloc[0]["resolved"] == month(5)


def test_metric_gap_inside_the_history_is_reported():
    kpis = series({"talent_demand": [100, 100, 100], "talent_supply": [80, None, 80], "policy_compliance": [0.8] * 3})
    e = ev.evaluate(kpis, month=month(3), rules=[rule("talent_gap")])
    assert e.missing_months == [] and e.gaps == {"talent_gap": [month(2)]}
    assert any("Talent gap has no value for " + month(2) in f for f in narrative.findings(e, "en"))


def test_a_metric_with_no_benchmark():
    kpis = series({"tech_substitution_index": [0.7], "equipment_utilization": [0.5]})
    relative = ev.Rule("util", "equipment_utilization", "<", 0.8, basis="benchmark")
    e = ev.evaluate(kpis, bench(policy_compliance=0.9), month=month(1), rules=[relative, rule("tech_substitution_index")])
    assert e.skipped.to_dict("records") == [{"rule": "util", "metric": "equipment_utilization", "reason": "no_benchmark"}]
    assert list(e.checks) == ["tech_substitution_index"]                    # the absolute rule still runs
    table = tables.KPIS.view(e, "en").set_index("metric")
    assert table.loc["Equipment utilisation", "benchmark"] == "–"
    assert table.loc["Equipment utilisation", "to_benchmark"] == "–"
    assert any("there is no benchmark value for their indicator" in f for f in narrative.findings(e, "en"))


def test_no_kpis_one_month_and_unknown_rule_metric():
    empty = ev.evaluate(series({}), month="2026-03")
    assert len(empty.history) == 0 and len(empty.ledger) == 0
    assert narrative.findings(empty, "en") == ["No indicator data has been reported up to 2026-03; the warning rules "
                                               "cannot be checked (they need monthly indicator values), so no alert "
                                               "was evaluated."]
    # issue 14: nothing evaluated is not "0 alerts"
    assert narrative.alert_records(empty) == [] and empty.headline["alerts_open"] is None
    assert set(narrative.headline_cards(empty, "en").values()) == {"not evaluated"}
    assert set(narrative.headline_cards(empty, "zh").values()) == {"未评估"}
    one = ev.evaluate(series({"policy_compliance": [0.5]}), month=month(1))
    assert one.current["status"].tolist() == ["new"]
    assert set(one.skipped["rule"]) == {"eco_value_density", "tech_substitution_index", "talent_gap", "elasticity"}
    # a report month after the last KPI month: the months in between are missing
    later = ev.evaluate(series({"policy_compliance": [0.5]}), month=month(3))
    assert later.missing_months == [month(2), month(3)]
    assert later.current.iloc[0]["status"] == "ongoing" and math.isnan(later.current.iloc[0]["value"])


# --------------------------------------------------------------------------- idempotency


def _records(kpis, b, m):
    e = ev.evaluate(kpis, b, month=m)
    return e, json.dumps(narrative.alert_records(e, "en"), sort_keys=True), json.dumps(narrative.alert_records(e, "zh"), sort_keys=True)


def test_ledger_for_a_month_does_not_depend_on_later_data_or_on_reruns():
    ws = load_workspace(DEMO)
    kpis, b = ws.kpis, ws.benchmarks
    m = "2026-09"
    full, en_full, zh_full = _records(kpis, b, m)
    cut, en_cut, zh_cut = _records(kpis[kpis["month"] <= m], b, m)
    pd.testing.assert_frame_equal(full.ledger, cut.ledger)
    assert en_full == en_cut and zh_full == zh_cut
    assert _records(kpis, b, m)[1] == en_full                                # a rerun: the same records
    # computed later, the alerts that existed at M kept their id, opening month and early months
    later = ev.evaluate(kpis, b, month="2026-10").ledger.set_index("id")
    for row in full.ledger.to_dict("records"):
        assert later.at[row["id"], "opened"] == row["opened"]
        assert later.at[row["id"], "months_in_breach"][:len(row["months_in_breach"])] == row["months_in_breach"]


def test_records_are_plain_json_with_the_agreed_keys():
    e = ev.evaluate(load_workspace(DEMO).kpis, load_workspace(DEMO).benchmarks, month="2026-10")
    records = narrative.alert_records(e, "zh")
    keys = {"id", "metric", "metric_name", "severity", "status", "opened", "months_in_breach", "value", "threshold",
            "message", "action"}
    for r in records:
        assert keys <= set(r) and r["severity"] in ev.SEVERITIES and r["status"] in ev.STATUSES
        json.dumps(r, allow_nan=False)                                       # no NaN in summary.json
    assert records[0]["metric_name"] == "生态价值密度"


# --------------------------------------------------------------------------- the demo park (situation e)


@pytest.fixture(scope="module")
def demo():
    return load_workspace(DEMO)


def test_demo_2026_10_shows_situation_e(demo):
    e = ev.evaluate_workspace(demo.tables, demo.settings, "2026-10")
    current = e.current.set_index("rule")
    assert set(current.index) == {"eco_value_density", "talent_gap", "tech_substitution_index"}
    assert current.at["eco_value_density", "status"] == "new"
    assert current.at["eco_value_density", "months_in_breach"] == ["2026-08", "2026-09", "2026-10"]
    assert current.at["eco_value_density", "severity"] == "critical"
    # benchmark 0.3248 × 0.8 = 0.25984; 2026-10 density 0.2370 (data/demo/README.md, situation e)
    assert current.at["eco_value_density", "low"] == pytest.approx(0.25984)
    assert current.at["eco_value_density", "value"] == pytest.approx(0.2370, abs=5e-5)
    assert current.at["talent_gap", "months_in_breach"] == ["2026-09", "2026-10"]
    assert current.at["tech_substitution_index", "opened"] == "2026-08"
    earlier = e.earlier.set_index("rule")
    assert earlier.at["policy_compliance", "months_in_breach"] == ["2026-05"]
    assert earlier.at["policy_compliance", "resolved"] == "2026-06"
    assert earlier.at["elasticity", "months_in_breach"] == ["2026-02"]
    assert e.headline["open_critical"] == 1 and e.headline["open_warning"] == 2 and e.missing_months == []
    text = " ".join(narrative.findings(e, "en"))
    assert "Ecological value density" in text and "0.2370" in text and "ecosystem optimisation" in text
    zh = " ".join(narrative.findings(e, "zh"))
    assert "生态价值密度" in zh and "生态链优化程序" in zh and "定制化培养" in zh


def test_demo_2026_07_has_no_value_density_alert_yet(demo):
    e = ev.evaluate_workspace(demo.tables, demo.settings, "2026-07")
    assert "eco_value_density" not in set(e.ledger["rule"])
    assert e.headline["alerts_open"] == 0
    e8 = ev.evaluate_workspace(demo.tables, demo.settings, "2026-08")
    watch = e8.watch.set_index("rule")
    assert watch.at["eco_value_density", "run"] == 1 and watch.at["eco_value_density", "needed"] == 3
    assert any("2026-10" in f and "Ecological value density" in f for f in narrative.findings(e8, "en"))


def test_kpi_table_on_the_demo(demo):
    e = ev.evaluate_workspace(demo.tables, demo.settings, "2026-10")
    values = ev.kpi_values(e)
    assert values.at["talent_supply", "change"] == 1642 - 1673 and values.at["talent_supply", "trend"] == -1
    assert values.at["chain_repair_days", "to_benchmark"] == pytest.approx(12 / 23.9)
    # value-flow efficiency 1 − 0.1605 = 0.8395 vs 0.91; adoption 75 / 112.5
    assert values.at["value_flow_efficiency", "to_benchmark"] == pytest.approx(0.8395 / 0.91)
    assert values.at["tech_adoption_days", "to_benchmark"] == pytest.approx(75 / 112.5)
    table = tables.KPIS.view(e, "en").set_index("metric")
    assert table.at["Talent gap", "change"] == "+1.6 pp (worse)"            # 28.2% − 26.6%


def test_display_helpers():
    assert fmt.format_value(0.25, "share", exact=True) == "25%"
    assert fmt.format_value(0.2546, "share") == "25.5%"
    assert fmt.format_value(12.34, "days", "zh") == "12.3天"
    assert fmt.format_value(float("nan"), "ratio") == "–"
    assert fmt.format_value(1.5e9, "money", "zh") == "15.0亿元"
    assert fmt.format_value(0.053, "number") == "0.0530"
    assert narrative.months_text(["2026-01", "2026-02", "2026-03", "2026-05"], "en") == "2026-01 – 2026-03, 2026-05"
    r = ev.Rule("x", "eco_value_density", "<", 0.8, basis="benchmark", months=3)
    # the threshold with what it is: 80% of the benchmark park's level, named (issue 13)
    assert narrative.describe_rule(r, 0.3248, "en", benchmark="Riverside Park") == (
        "below 0.2598, which is 80% of the 0.3248 reached by Riverside Park, for 3 months in a row")
    # in Chinese per 亩: 0.25984 × 666.67 = 173.2, 0.3248 × 666.67 = 216.5
    assert narrative.describe_rule(r, 0.3248, "zh") == "低于173.2，即标杆园区水平216.5的80%，连续3个月"
    assert narrative.describe_rule(rule("elasticity"), None, "en") == "outside the healthy band 1.20 – 1.80"
    assert narrative.describe_rule(rule("elasticity"), None, "zh") == "超出健康区间1.20至1.80"


def test_pure_parts_the_page_reads(demo):
    e = ev.evaluate_workspace(demo.tables, demo.settings, "2026-10")
    rules = ev.rules_in_force(e).set_index("rule")
    assert list(rules.index)[0] == "eco_value_density" and rules["checked"].all() and rules["reason"].isna().all()
    assert rules.at["eco_value_density", "low"] == pytest.approx(0.25984)           # 0.8 × 0.3248
    assert ev.rule_threshold(rule("elasticity"), None) == (1.2, 1.8)
    # resolved before 2026-10 and since 2025-11: policy compliance (2026-06), elasticity (2026-03)
    assert set(ev.recent_earlier(e)["rule"]) == {"policy_compliance", "elasticity"}
    assert ev.recent_earlier(e, months=5)["rule"].tolist() == ["policy_compliance"]  # since 2026-06
    assert len(ev.recent_earlier(e, months=4)) == 0                                  # since 2026-07
    e8 = ev.evaluate_workspace(demo.tables, demo.settings, "2026-08")
    assert e8.watch.set_index("rule").at["eco_value_density", "deadline"] == "2026-10"   # month 1 of 3
    ledger = ev.ledger_newest_first(e)
    assert ledger["opened"].is_monotonic_decreasing


def test_table_specs_show_the_month(demo):
    e = ev.evaluate_workspace(demo.tables, demo.settings, "2026-10")
    alerts = tables.ALERTS.view(e, "en")
    assert tables.ALERTS.labels("en") == ["Level", "Indicator", "Status", "Value this month", "Rule",
                                          "Programme it starts", "What to do"]
    assert alerts.iloc[0]["metric"] == "Ecological value density"
    assert alerts.iloc[0]["status"] == "New this month; out of range for 3 months (2026-08 – 2026-10)"
    assert alerts.iloc[0]["value"] == "0.2370 (73% of the level of the benchmark park)"      # 0.2370 / 0.3248
    assert alerts["programme"].tolist() == ["Ecosystem optimisation programme", "Innovation incubation programme",
                                            "Customised training programme"]
    # tables.xlsx keeps the opened month and the months out of range in columns of their own
    assert {"opened", "months"} <= {c.key for c in tables.ALERTS.export_columns}
    assert len(alerts) == len(e.current) and len(tables.EARLIER.view(e, "en")) == len(ev.recent_earlier(e))
    html = tables.RULES.html(e, "zh")
    assert "生态价值密度" in html and html.count("<tr>") == 1 + len(e.rules)
