"""Issue 14 on the gap page: what was not given is "not evaluated", never 0.

Hand computation on the tiny park (tests/conftest.py), default weights importance 0.3, demand 0.3,
feasibility 0.2, fragility 0.2. Without demand the other three are rescaled to sum 1:
importance 0.3/0.7 = 3/7, feasibility 2/7, fragility 2/7. N.LI (importance 2/2 = 1, feasibility 1,
single: fragility 0.6) scores 3/7 + 2/7 + 0.6 · 2/7 = 0.885714…; N.PACK (importance 0.5,
feasibility 1, missing: 1) 1.5/7 + 2/7 + 2/7 = 0.785714….
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from ecolib.analyses import gaps as G
from ecolib.analyses.genemap import gene_map
from ecolib.datasets import tiny as tiny_workspace
from ecolib.presentation.narrative import gaps as W
from ecolib.presentation.narrative import health as HW
from ecolib.presentation.tables import gaps as T


@pytest.fixture()
def ws():
    return tiny_workspace()


def _without(ws, **changes):
    t = dict(ws.tables)
    t.update(changes)
    return t


def test_demand_not_evaluated_without_output_by_hand(ws):
    t = _without(ws, firms=ws.tables["firms"].assign(output=np.nan))
    assert G.unavailable_components(t, "2026-03") == {"demand": "output"}
    ga = G.gap_analysis(t, ws.settings, "2026-03")
    p = ga.priority.set_index("node_id")
    assert p["demand"].isna().all() and p["part_demand"].isna().all()          # unknown, not 0
    assert p.at["N.LI", "score"] == pytest.approx(3 / 7 + 2 / 7 + 0.6 * 2 / 7)
    assert p.at["N.PACK", "score"] == pytest.approx(1.5 / 7 + 2 / 7 + 2 / 7)
    assert ga.priority.attrs["weights"] == pytest.approx({"importance": 3 / 7, "feasibility": 2 / 7,
                                                          "fragility": 2 / 7})
    assert ga.priority.attrs["evaluated"] == ("importance", "feasibility", "fragility")
    assert all("demand" not in r for r in ga.priority["reasons"])
    assert ga.decisions.attrs["not_evaluated"] == {"demand": "output"}
    # the reweighting survives the explorer's sliders
    assert ga.reprioritise({"importance": 1, "demand": 1})["demand"].isna().all()
    for lang, words in (("en", "Demand pull was not evaluated: it needs the firms' annual output"),
                        ("zh", "需求拉动未评估：需要企业年产值")):
        assert any(s.startswith(words) for s in W.priority(ga, lang))
        assert any(s.startswith(words) for s in W.summary(ga, lang))


def test_demand_not_evaluated_without_chain_edges(ws):
    t = _without(ws, chain_edges=ws.tables["chain_edges"].iloc[:0])
    assert G.unavailable_components(t, "2026-03") == {"demand": "chain_edges"}
    # one firm reporting output is enough to evaluate it (the others add nothing, as before)
    part = ws.tables["firms"].assign(output=[100.0, np.nan, np.nan, np.nan, np.nan])
    assert G.unavailable_components(_without(ws, firms=part), "2026-03") == {}


def test_trade_analyses_not_evaluated_without_flows(ws):
    t = _without(ws, flows=ws.tables["flows"].iloc[:0])
    ga = G.gap_analysis(t, ws.settings, "2026-03")
    assert ga.not_evaluated == {"trade": "flows", "ranking": "flows", "security": "flows"}
    cards = W.headline_cards(ga, "en")
    assert cards["If Cell Co left: firms hit"] == "not evaluated"
    assert cards["Critical technology nodes"] == "not evaluated"
    assert W.headline_cards(ga, "zh")["高危技术节点"] == "未评估"
    assert W.ranking(ga, "en") == ["The systemic importance of each firm was not evaluated: it needs "
                                   "monthly transactions between firms."]
    assert W.security(ga, "zh") == ["对外依存度未评估，安全矩阵因此无法给出：需要企业间的月度交易数据。"]
    exit_words = W.exit(ga, "en")
    assert exit_words[0].startswith("The trade Cell Co would take with it")
    assert not any("CNY 0" in s for s in exit_words)
    assert any("not evaluated" in s for s in W.single(ga, "en"))
    rows = T.SINGLE.rows(ga, "en", "CNY")
    assert rows["local_buyers"].isna().all() and rows["local_sales"].isna().all()
    # with flows nothing is "not evaluated"
    full = G.gap_analysis(ws.tables, ws.settings, "2026-03")
    assert full.not_evaluated == {}
    assert W.headline_cards(full, "en")["Critical technology nodes"] == "2"


def test_health_not_evaluated_names_the_missing_data(ws):
    ga = G.gap_analysis(ws.tables, ws.settings, "2026-03")
    assert math.isnan(ga.health.index)
    assert HW.headline_cards(ga.health, "en")["Health index (benchmark = 100%)"] == "not evaluated"
    assert HW.headline_cards(ga.health, "zh")["健康指数（标杆 = 100%）"] == "未评估"
    t = _without(ws, kpis=ws.tables["kpis"].iloc[:0], benchmarks=ws.tables["benchmarks"].iloc[:0])
    h = G.gap_analysis(t, ws.settings, "2026-03").health
    assert HW.missing_data(h) == "kpis_benchmarks"
    assert HW.findings(h, "en") == ["The park's health was not evaluated: it needs monthly indicator values "
                                    "and the benchmark park's values."]


def test_matches_fit_is_the_gene_maps_score(ws):
    ga = G.gap_analysis(ws.tables, ws.settings, "2026-03")
    gm = gene_map(ws.tables, "2026-03")
    assert T.MATCHES.labels("en")[5] == "Fit with the park (0–1)"
    assert "%" not in " ".join(W.matches(ga, "en"))
    if len(ga.matches):
        one = ga.matches.iloc[0]
        assert f"fit with the park {one['park_fit']:.2f}" in " ".join(W.matches(ga, "en"))
    assert set(gm.feasibility["node_id"]) >= set(ga.priority["node_id"])
