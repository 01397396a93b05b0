"""The one health diagnosis (DESIGN.md §6, ecolib.analyses.health): a hand-computed park, edge cases, and
the proof that the monthly history the evaluation page draws is the diagnosis the gap page
shows, month by month, on the demo."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from conftest import DEMO
from ecolib.analyses import health as H
from ecolib.analyses.gaps import gap_analysis
from ecolib.presentation.narrative.health import trend_findings
from ecolib.workspace import load_workspace

DIMS = {"flow": H.Dimension("flow", ("x", "y")), "risk": H.Dimension("risk", ("z",), weight=2.0)}
BENCH = pd.DataFrame({"metric": ["x", "y", "z"], "value": [10.0, 4.0, 20.0],
                      "direction": ["higher", "lower", "lower"]})


def kpis(rows):
    return pd.DataFrame(rows, columns=["month", "metric", "value"])


def test_by_hand():
    k = kpis([("2026-01", "x", 12.0), ("2026-01", "y", 8.0), ("2026-01", "z", 10.0),
              ("2026-02", "x", 20.0), ("2026-03", "y", 2.0), ("2026-03", "z", 40.0)])
    h = H.health(k, BENCH, month="2026-03", dimensions=DIMS)
    m = h.metrics.set_index("metric")
    # x: 20 (2026-02, the latest) / 10 = 2.0, capped 1.5; y: 4 / 2 = 2.0, capped 1.5; z: 20 / 40 = 0.5
    assert m.at["x", "value_month"] == "2026-02" and m.at["x", "ratio"] == 2.0 and m.at["x", "score"] == 1.5
    assert m.at["y", "score"] == 1.5 and m.at["z", "score"] == 0.5
    d = h.dimensions.set_index("dimension")
    assert d.at["flow", "score"] == 1.5 and d.at["risk", "score"] == 0.5
    assert h.index == pytest.approx((1.5 * 1 + 0.5 * 2) / 3) and h.weakest == "risk"
    hh = H.health_history(k, BENCH, month="2026-03", dimensions=DIMS)
    # 2026-01: x 1.2, y 4/8 = 0.5 → flow 0.85; z 20/10 = 2 → 1.5
    assert hh.scores.loc["2026-01"].tolist() == pytest.approx([0.85, 1.5])
    assert hh.weakest.tolist() == ["flow", "flow", "risk"]
    assert hh.index.iloc[-1] == pytest.approx(h.index)


def test_edge_cases():
    empty = H.health(kpis([]), BENCH, month="2026-03", dimensions=DIMS)
    assert math.isnan(empty.index) and empty.weakest is None
    assert set(empty.metrics["status"]) == {"no_data"}
    no_bench = H.health(kpis([("2026-03", "x", 1.0)]), None, month="2026-03", dimensions=DIMS)
    assert no_bench.weakest is None and set(no_bench.metrics["status"]) == {"no_benchmark"}
    # a value older than max_age months no longer counts; a lower-is-better value of 0 is the cap
    old = H.health(kpis([("2025-01", "x", 10.0), ("2026-03", "z", 0.0)]), BENCH, month="2026-03",
                   dimensions=DIMS, max_age=12)
    assert old.metrics.set_index("metric").at["x", "status"] == "no_data"
    assert old.dimensions.set_index("dimension").at["risk", "score"] == 1.5
    zero_bench = BENCH.assign(value=[0.0, 4.0, 20.0])
    bad = H.health(kpis([("2026-03", "x", 5.0)]), zero_bench, month="2026-03", dimensions=DIMS)
    assert bad.metrics.set_index("metric").at["x", "status"] == "bad_benchmark"
    hh = H.health_history(kpis([]), BENCH, month="2026-03", dimensions=DIMS)
    assert hh.scores.empty and hh.months == []
    assert trend_findings(hh, "2026-03", "en")[0].startswith("No health dimension can be scored for 2026-03")
    with pytest.raises(ValueError):
        H.health(kpis([]), BENCH, month="2026-3")


@pytest.fixture(scope="module")
def demo():
    return load_workspace(DEMO)


def test_history_is_the_diagnosis_of_each_month_on_the_demo(demo):
    hh = H.health_history_workspace(demo.tables, demo.settings, "2026-10", span=24)
    assert len(hh.months) == 24
    for month in hh.months:
        h = H.health_workspace(demo.tables, demo.settings, month)
        scores = h.dimensions.set_index("dimension")["score"]
        np.testing.assert_allclose(hh.scores.loc[month, list(scores.index)].to_numpy(float), scores.to_numpy(float))
        assert hh.weakest[month] == h.weakest
        assert (math.isnan(h.index) and math.isnan(hh.index[month])) or hh.index[month] == pytest.approx(h.index)


def test_the_gap_page_and_the_evaluation_page_name_the_same_weakest_dimension(demo):
    ga = gap_analysis(demo.tables, demo.settings, "2026-10")
    hh = H.health_history_workspace(demo.tables, demo.settings, "2026-10")
    assert ga.health.weakest == hh.weakest["2026-10"] == "collaboration"
    score = ga.health.dimensions.set_index("dimension").at["collaboration", "score"]
    assert hh.scores.at["2026-10", "collaboration"] == pytest.approx(score)
    for lang, name in (("en", "Collaboration"), ("zh", "协同活跃度")):
        text = trend_findings(hh, "2026-10", lang)[-1]
        assert name in text and f"{100 * score:.0f}%" in text


def _cards(page: str) -> dict[str, str]:
    import html
    import re
    return {html.unescape(k): html.unescape(v) for v, k in
            re.findall(r'<div class="value">([^<]*)</div><div class="label">([^<]*)</div>', page)}


@pytest.mark.parametrize("lang, label, name", [("en", "Weakest dimension", "Collaboration"),
                                               ("zh", "最薄弱维度（短板）", "协同活跃度")])
def test_rendered_pages_agree_on_the_weakest_dimension(hostile_reports, lang, label, name):
    """The gap page's card, the index's card and the evaluation page's finding: one dimension,
    one score (the demo renders Collaboration at 46 % for 2026-10)."""
    folder = hostile_reports[lang].folder
    gap_card = _cards((folder / "03_gap_analysis.html").read_text(encoding="utf-8"))[label]
    index_card = _cards((folder / "index.html").read_text(encoding="utf-8"))[label]
    assert gap_card == index_card == f"{name} 46%"
    evaluation = (folder / "04_dynamic_evaluation.html").read_text(encoding="utf-8")
    weakest = [line for line in evaluation.splitlines() if ("weakest dimension is" in line or "最薄弱的维度" in line)]
    assert len(weakest) == 1 and name in weakest[0] and "46%" in weakest[0]


def test_max_age_one_counts_only_the_months_own_value():
    import pandas as pd
    k = pd.DataFrame({"month": ["2026-01", "2026-02"], "metric": ["a", "b"], "value": [1.0, 2.0]})
    b = pd.DataFrame({"metric": ["a", "b"], "value": [1.0, 1.0], "direction": ["higher", "higher"]})
    dims = {"d": H.Dimension("d", ("a", "b"))}
    one = H.health(k, b, month="2026-02", dimensions=dims, max_age=1)
    two = H.health(k, b, month="2026-02", dimensions=dims, max_age=2)
    st1 = one.metrics.set_index("metric")["status"]
    st2 = two.metrics.set_index("metric")["status"]
    assert st1["a"] != "ok" and st1["b"] == "ok"          # January's value is too old for max_age=1
    assert st2["a"] == "ok" and st2["b"] == "ok"
    with pytest.raises(ValueError, match="at least 1"):
        H.health(k, b, month="2026-02", dimensions=dims, max_age=0)
