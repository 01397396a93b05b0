"""Dynamic evaluation figures, the interactive threshold explorer, and the monthly series of
reports with alerts in summary.json and on the index pages."""
from __future__ import annotations

import json

import pytest

from conftest import DEMO, ROOT
from ecolib.analyses import evaluation as ev
from ecolib.analyses.month import analyse
from ecolib.presentation.widgets.evaluation import RuleExplorer
from ecolib.presentation.i18n import t
from ecolib.presentation.plots import evaluation as plot
from ecolib.workspace import load_workspace

NOTEBOOK = ROOT / "notebooks" / "04_dynamic_evaluation.ipynb"


@pytest.fixture(scope="module")
def demo():
    return load_workspace(DEMO)


@pytest.fixture(scope="module")
def october(demo):
    return ev.evaluate_workspace(demo.tables, demo.settings, "2026-10")


# --------------------------------------------------------------------------- figures


def test_trend_panels_thresholds_and_shading(october):
    fig = plot.rule_trends(october, "en")
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0] == ("Ecological value density: below 0.2598, which is 80% of the 0.3248 reached by the benchmark "
                         "park, for 3 months in a row")
    assert titles[-1].startswith("Ecological chain elasticity: outside the healthy band")   # level 3 last
    assert len(titles) == 5
    thresholds = [tr for tr in fig.data if tr.name == "Threshold"]
    assert thresholds[0].y[0] == pytest.approx(0.25984) and len(thresholds) == 6          # 4 lines + a band of 2
    # the value density alert month is shaded in the level-1 colour: 2026-10 is position 23 of 24
    red = [s for s in fig.layout.shapes if s.fillcolor == plot.SEVERITY_COLOURS["critical"] and s.yref.endswith("domain")]
    assert [(s.x0, s.x1) for s in red] == [(22.5, 23.5)]
    pending = next(tr for tr in fig.data if tr.name == "Out of range (no alert yet)")
    assert list(pending.x) == ["2026-08", "2026-09"]                                     # before the alert opened
    zh = plot.rule_trends(october, "zh")
    assert zh.layout.annotations[0].text == "生态价值密度：低于173.2，即标杆园区水平216.5的80%，连续3个月"
    # in Chinese the value density is plotted per 亩, as the page writes it (× 666.67)
    zh_threshold = next(tr for tr in zh.data if tr.name == "阈值")
    assert zh_threshold.y[0] == pytest.approx(0.25984 * 2000 / 3)
    named = plot.rule_trends(october, "en", benchmark="Riverside Park")
    assert "reached by Riverside Park, for 3 months" in named.layout.annotations[0].text


def test_timeline_codes_and_health_lines(demo, october):
    fig = plot.alert_timeline(october, "en")
    heat = fig.data[0]
    rows = dict(zip(heat.y, heat.z))
    # codes: 0 no data, 1 within range, 2 out of range (no alert yet), 3/4/5 alert open by level
    assert list(rows["Ecological value density"][-3:]) == [2, 2, 3]
    assert list(rows["Policy compliance"][-6:-4]) == [4, 1]                             # 2026-05 alert, 2026-06 fine
    assert list(rows["Ecological chain elasticity"][:12]) == [0] * 12                    # no yoy base in year one
    trend = analyse(demo, "2026-10").health_history                                # what the page draws
    lines = plot.health_lines(trend, "zh")
    assert [tr.name for tr in lines.data] == ["价值流动效率", "创新扩散速度", "风险抵御能力", "协同活跃度", "健康指数"]
    assert lines.data[-1].y[-1] == pytest.approx(trend.index.iloc[-1])


def test_figures_without_checkable_rules(tiny_park):
    ws = load_workspace(tiny_park)
    e = ev.evaluate_workspace(ws.tables, ws.settings, "2026-03")
    for fig in plot.evaluation_figures(e, "en"):
        assert len(fig.layout.annotations) == 1 and not fig.data                       # a note, no traces
    assert "No warning rule could be checked" in plot.rule_trends(e, "en").layout.annotations[0].text


# --------------------------------------------------------------------------- interactive


def _thresholds(explorer):
    name = t("evaluation.chart.threshold", explorer.lang)
    return [tr.y[0] for tr in explorer.figure.data if tr.name == name]


def test_explorer_recomputes_alerts_when_a_slider_moves(demo):
    metrics, rules = ev.from_settings(demo.settings)
    x = RuleExplorer(demo.kpis, demo.benchmarks, "2026-10", metrics=metrics, rules=rules)
    assert x.picker.value == "eco_value_density" and x.threshold.value == 0.8
    assert list(x.evaluation.ledger["id"]) == ["eco_value_density@2026-10"]
    figure = x.figure
    x.threshold.value = 0.95                      # as a user dragging the slider: 95% of 0.3248 = 0.30856
    assert _thresholds(x) == [pytest.approx(0.30856)]
    assert len(x.evaluation.ledger) == 2 and "2026-03" in x.table.value          # an earlier episode appears
    x.months.value = 1
    assert len(x.evaluation.ledger) > 2 and x.figure is figure                  # redrawn in place
    assert "alerts opened up to 2026-10: %d" % len(x.evaluation.ledger) in x.summary.value


def test_explorer_metric_picker_and_band(demo):
    x = RuleExplorer(demo.kpis, demo.benchmarks, "2026-10", lang="zh")
    x.picker.value = "elasticity"
    assert x.comparison.value == "outside" and x.band.value == (1.2, 1.8)
    assert x.band.layout.display is None and x.threshold.layout.display == "none"
    assert x.evaluation.ledger["opened"].tolist() == ["2026-02"]
    x.band.value = (1.45, 1.6)                    # a narrower healthy band: more months outside
    assert len(x.evaluation.ledger) > 1 and sorted(_thresholds(x)) == [1.45, 1.6]
    x.picker.value = "equipment_utilization"      # no rule: a trial rule at the benchmark (0.83, higher is better)
    assert (x.rule.comparison, x.rule.threshold) == ("<", 0.83)
    assert x.evaluation.current.iloc[0]["status"] == "ongoing"                   # utilisation is below 83% throughout
    x.comparison.value = ">"
    assert len(x.evaluation.ledger) == 0 and x.table.value == ""
    assert "设备利用率" in x.figure.layout.annotations[0].text


def test_explorer_labels_in_full_and_the_comparison_in_words(demo):
    metrics, rules = ev.from_settings(demo.settings)
    x = RuleExplorer(demo.kpis, demo.benchmarks, "2026-10", metrics=metrics, rules=rules)
    assert x.threshold.description == "× benchmark"                          # a factor of the benchmark
    for control in (x.picker, x.comparison, x.threshold, x.band, x.months):  # no label cut ("× bench…")
        assert control.style.description_width == "initial", control.description
    assert x.comparison.description == "Alert when" and x.comparison.label == "below (<)"
    assert [v for _, v in x.comparison.options] == list(ev.COMPARISONS)
    figure = x.figure
    x.comparison.label = "above (>)"               # as a user picking "above" in the list
    assert (x.comparison.value, x.rule.comparison) == (">", ">") and x.figure is figure
    assert x.figure.layout.annotations[0].text.startswith("Ecological value density: above 0.2598")
    assert "<td class=\"\">Resolved</td>" in x.table.value and "open in 2026-10: 0" in x.summary.value
    zh = RuleExplorer(demo.kpis, demo.benchmarks, "2026-10", lang="zh")
    assert zh.comparison.description == "预警条件" and zh.comparison.label == "低于阈值（<）"
    assert zh.months.description == "连续月数" and zh.months.style.description_width == "initial"


# --------------------------------------------------------------------------- the monthly series


@pytest.fixture(scope="module")
def series_reports(tmp_path_factory):
    from ecolib.report import render
    out = tmp_path_factory.mktemp("evaluation-reports")
    reports = render(DEMO, ["2026-07", "2026-10"], lang="en", out=out / "a", only=["dynamic_evaluation"],
                     notebooks_dir=NOTEBOOK.parent, progress=lambda s: None)
    again = render(DEMO, ["2026-10"], lang="en", out=out / "b", only=["dynamic_evaluation"],
                   notebooks_dir=NOTEBOOK.parent, progress=lambda s: None)[0]
    zh = render(DEMO, ["2026-10"], lang="zh", out=out / "zh", only=["dynamic_evaluation"],
                notebooks_dir=NOTEBOOK.parent, progress=lambda s: None)[0]
    return reports, again, zh


def test_series_alerts_in_summary_and_index_pages(series_reports):
    (july, october), again, zh = series_reports
    summary = json.loads((october.folder / "summary.json").read_text(encoding="utf-8"))
    alerts = {a["rule"]: a for a in summary["alerts"]}
    assert set(alerts) == {"eco_value_density", "tech_substitution_index", "talent_gap"}
    assert alerts["eco_value_density"]["status"] == "new" and alerts["eco_value_density"]["severity"] == "critical"
    assert json.loads((july.folder / "summary.json").read_text(encoding="utf-8"))["alerts"] == []
    index = (october.folder / "index.html").read_text(encoding="utf-8")
    assert "Ecological value density is below 0.2598, which is 80% of the 0.3248 reached by" in index
    series = (october.folder.parent / "index.html").read_text(encoding="utf-8")
    assert 'href="2026-10/index.html"' in series and 'href="2026-07/index.html"' in series
    assert "Level 1 (critical): 1, Level 2 (warning): 2" in series      # open alerts, most severe first
    page = (october.folder / "04_dynamic_evaluation.html").read_text(encoding="utf-8")
    assert page.count('class="plotly-graph-div"') == 3 and "Start the ecosystem optimisation programme" in page
    # same inputs, same summary.json
    assert (again.folder / "summary.json").read_bytes() == (october.folder / "summary.json").read_bytes()
    zh_page = (zh.folder / "04_dynamic_evaluation.html").read_text(encoding="utf-8")
    for heading in ("动态评估与预警", "对标标杆园区的健康度（逐月）", "现行预警规则", "生态链优化程序"):
        assert heading in zh_page
    assert "Dynamic evaluation" not in zh_page
