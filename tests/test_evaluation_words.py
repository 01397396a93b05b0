"""The evaluation page in words a park director reads (issue 13): thresholds with what they
are, the benchmark park named, units that read, the programme an alert starts, what each
indicator measures, the weakest dimension the same as the gap analysis's; Chinese per 亩.

Demo, 2026-10: ecological value density 0.2370 against the benchmark's 0.3248 (0.2370 / 0.3248
= 0.730 → 73%); the threshold 0.8 × 0.3248 = 0.25984. Per 亩 (× 2000 / 3): 158.0, 216.5, 173.2.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import DEMO
from ecolib.analyses import evaluation as ev
from ecolib.analyses.month import analyse
from ecolib.presentation import fmt
from ecolib.presentation.i18n import catalogue
from ecolib.presentation.names import benchmark_name, name_of
from ecolib.presentation.narrative import evaluation as narrative
from ecolib.presentation.narrative import health as health_narrative
from ecolib.presentation.tables import evaluation as tables
from ecolib.workspace import load_workspace


@pytest.fixture(scope="module")
def model():
    return analyse(load_workspace(DEMO), "2026-10")


def test_density_threshold_and_benchmark_in_words(model):
    e = model.evaluation
    bench = benchmark_name(model.settings, "en")
    assert bench == "Riverside NEV Park (synthetic benchmark)"
    text = narrative.findings(e, "en", benchmark=bench)
    first = next(s for s in text if s.startswith("Level 1 (critical)"))
    assert "below 0.2598, which is 80% of the 0.3248 reached by Riverside NEV Park (synthetic benchmark)" in first
    assert "0.2370 in 2026-10, 73% of the level of Riverside NEV Park" in first
    # what the indicator is, where the page first names it; the programme it starts
    assert "(monthly output per m² of the area in use, divided by the number of valid patents" in first
    assert "What to do: Start the ecosystem optimisation programme" in first
    tsi = next(s for s in text if "Technology substitution index" in s)
    assert "(the share of the park's technologies being displaced by newer ones" in tsi
    # the other rules' indicators are explained once too
    assert any(s.startswith("What the other indicators with a warning rule measure: Policy compliance, the share")
               for s in text)


def test_chinese_per_mu_and_programmes(model):
    e = model.evaluation
    assert fmt.format_value(0.2370, "density", "zh") == "158.0" and fmt.format_value(0.2370, "density", "en") == "0.2370"
    assert fmt.format_value(7_270_400, "area", "zh") == "7,270,400 平方米"      # an area itself stays in m²
    zh = " ".join(narrative.findings(e, "zh", benchmark=benchmark_name(model.settings, "zh")))
    assert "低于173.2，即滨江新能源汽车产业园（合成标杆）水平216.5的80%" in zh and "为158.0" in zh
    programmes = {r.id: narrative.programme_of(r, "zh") for r in ev.DEFAULT_RULES}
    assert programmes == {"eco_value_density": "生态链优化程序", "tech_substitution_index": "创新孵化计划",
                          "policy_compliance": "合规改造", "talent_gap": "定制化培养",
                          "elasticity": "加强监测（不启动专项计划）"}
    # no English word in the Chinese findings and tables (ids, units, month words)
    cells = " ".join(str(v) for spec in (tables.ALERTS, tables.KPIS, tables.RULES)
                     for v in spec.view(e, "zh").to_numpy().ravel())
    for text in (zh, cells):
        assert not re.search(r"[A-Za-z]{2,}", text), re.findall(r"[A-Za-z]{2,}", text)[:5]


def test_every_indicator_has_a_unit_that_reads(model):
    e = model.evaluation
    for lang in ("en", "zh"):
        units = tables.KPIS.view(e, lang).set_index("metric")["unit"]
        assert (units.astype(str).str.strip() != "").all(), units[units == ""]
    en = tables.KPIS.view(e, "en").set_index("metric")["unit"]
    assert en["Energy use per unit of output"] == "tonnes of standard coal per 10,000 CNY of output"   # was empty
    assert en["Ecological value density"] == "CNY per m² per patent (monthly output)"
    assert en["Valid patents"] == "patents" and en["Talent demand"] == "people"
    zh = tables.KPIS.view(e, "zh").set_index("metric")["unit"]
    assert zh["单位产值能耗"] == "吨标准煤/万元" and zh["生态价值密度"] == "元/亩/件专利（月产值）" and zh["月度产值"] == "元"


def test_the_weakest_dimension_is_the_one_diagnosis(model):
    weakest = model.health.weakest
    assert model.health_history.weakest[model.month] == weakest == "collaboration"
    text = health_narrative.trend_findings(model.health_history, model.month, "en")[-1]
    assert f"The weakest dimension is {name_of(model.health.dims[weakest], 'en')} at 46%" in text
    assert "stave" not in text


def test_named_tables_and_edge_cases(model):
    e = model.evaluation
    named = tables.with_benchmark(e, "Riverside Park")
    rules = tables.RULES.view(named, "en").set_index("metric")
    assert rules.at["Ecological value density", "condition"].endswith("reached by Riverside Park, for 3 months in a row")
    assert rules.at["Policy compliance", "programme"] == "Compliance remediation"
    # a rule against the benchmark without a usable benchmark value: no share of it
    k = pd.DataFrame({"month": ["2026-01"], "metric": ["output"], "value": [75.0]})
    r = ev.Rule("low", "output", "<", 0.8, basis="benchmark")
    zero = ev.evaluate(k, pd.DataFrame({"metric": ["output"], "value": [0.0], "direction": ["higher"]}),
                       month="2026-01", rules=[r])
    assert narrative.value_vs_benchmark(zero, r, 75.0, "en") == ""
    none = ev.evaluate(k, None, month="2026-01", rules=[r])
    assert narrative.value_vs_benchmark(none, r, 75.0, "en") == ""
    assert narrative.value_vs_benchmark(none, r, float("nan"), "en") == ""
    # a workspace rule of its own names no programme: the cell is empty ("–"), not invented
    own = ev.evaluate(k, None, month="2026-01", rules=[ev.Rule("mine", "output", "<", 100.0)])
    assert tables.ALERTS.view(own, "en")["programme"].tolist() == [None]


def test_glossary_entries_in_both_languages():
    for page in ("evaluation", "niche"):
        ids = {lang: {k.split(".")[2] for k in catalogue(lang) if k.startswith(f"{page}.glossary.")}
               for lang in ("en", "zh")}
        assert ids["en"] == ids["zh"] and len(ids["en"]) >= 6
        for lang in ("en", "zh"):
            for i in ids[lang]:
                assert catalogue(lang)[f"{page}.glossary.{i}.term"] and catalogue(lang)[f"{page}.glossary.{i}.text"]
    en = catalogue("en")
    assert "niche.glossary.location_quotient.text" in en and "niche.glossary.niche_overlap.text" in en
    assert "evaluation.glossary.tech_substitution_index.text" in en


def test_a_change_in_points_is_the_difference_of_the_values_shown():
    import pandas as pd
    from ecolib.presentation.tables.evaluation import _change_text
    row = pd.Series({"previous": 0.1584, "current": 0.16051, "change": 0.00211, "relative": 0.0133, "trend": -1.0})
    assert _change_text(row, "share", "en", "CNY") == "+0.3 pp (worse)"       # 15.8% → 16.1%, not +0.2
    same = pd.Series({"previous": 0.0951, "current": 0.0949, "change": -0.0002, "relative": -0.002, "trend": -1.0})
    assert _change_text(same, "share", "en", "CNY") == "0.0 pp"                # 9.5% → 9.5%: no change shown
