"""The month brief: the headline figures against the month before and this month's actions,
ranked by one rule (ecolib.analyses.brief), in words (presentation.narrative.brief) and on the
month's index page."""
from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from ecolib import datasets
from ecolib.analyses import brief as br
from ecolib.analyses.month import analyse
from ecolib.presentation.narrative.brief import brief_records, change_text

NAN = math.nan
ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- figures


def _verdicts(now, before):
    return br.figures(now, before).set_index("id")["verdict"].to_dict()


def test_verdicts_by_hand():
    v = _verdicts({"active_firms": 10, "open_alerts": 3, "broken_links": 2, "local_sourcing": 0.3004,
                   "health_index": 0.58, "output": 100.0, "local_trade": 1000.0, "missing_nodes": 6},
                  {"active_firms": 9, "open_alerts": 2, "broken_links": 4, "local_sourcing": 0.3000,
                   "health_index": 0.60, "output": 100.04, "local_trade": 900.0, "missing_nodes": 6})
    assert v == {"active_firms": "better",       # more firms: higher is better
                 "open_alerts": "worse",         # more alerts: lower is better
                 "broken_links": "better",
                 "local_sourcing": "same",       # +0.04 pp: below the 0.1 pp shown
                 "health_index": "worse",
                 "output": "same",               # 0.04 % of the amount: below the one decimal shown
                 "local_trade": "better",
                 "missing_nodes": "same"}


def test_first_month_and_not_reported():
    f = br.figures({"active_firms": 4, "output": NAN}, None).set_index("id")
    assert f.loc["active_firms", "verdict"] == "first"
    assert f.loc["output", "verdict"] == "not_reported"           # not given is not zero
    assert math.isnan(f.loc["output", "value"])
    assert list(f.index) == list(br.FIGURES)


def test_change_text_says_units():
    row = pd.Series({"unit": "money", "change": 112_600_000.0, "previous": 11_194_000_000.0, "verdict": "better"})
    assert change_text(row, "en") == "+CNY 112.6 m (+1.0%)"
    assert change_text(row, "zh") == "+1.1亿元（+1.0%）"
    down = pd.Series({"unit": "index", "change": -0.00976, "previous": 0.5948, "verdict": "worse"})
    assert change_text(down, "en") == "−1.0 pp"
    assert change_text(down, "zh") == "−1.0 个百分点"


# ----------------------------------------------------------------------------- the ranking rule


def _model(alerts=(), gap=None, exit_share=None, link_stake=None, local=1000.0):
    """A stand-in month model with just what the ranking reads."""
    current = pd.DataFrame([{"id": f"{m}@x", "rule": m, "metric": m, "severity": sev, "status": st,
                             "months_in_breach": ["2026-01"] * n, "value": 1.0, "opened": "2026-01"}
                            for m, sev, st, n in alerts],
                           columns=["id", "rule", "metric", "severity", "status", "months_in_breach", "value", "opened"])
    decisions = pd.DataFrame([{"decision_id": "N1", "node_id": "N1", "name": "Node one", "name_zh": "节点一",
                               "score": s} for s in ([gap] if gap is not None else [])],
                             columns=["decision_id", "node_id", "name", "name_zh", "score"])
    exit_ = (SimpleNamespace(firm_id="F1", value_share=exit_share, value_lost=exit_share * local,
                             affected=pd.DataFrame({"firm_id": ["F2"]}), nodes_lost=[])
             if exit_share is not None else None)
    broken = pd.DataFrame([{"source": "A", "target": "B", "source_name": "A", "target_name": "B",
                            "buyer_from_outside": link_stake, "supplier_to_outside": link_stake,
                            "value_at_stake": link_stake, "local_share": 0.0, "status": "broken"}]
                          if link_stake is not None else [],
                          columns=["source", "target", "source_name", "target_name", "buyer_from_outside",
                                   "supplier_to_outside", "value_at_stake", "local_share", "status"])
    return SimpleNamespace(evaluation=SimpleNamespace(current=current),
                           gaps=SimpleNamespace(decisions=decisions, priority=decisions, exit=exit_),
                           value_stream=SimpleNamespace(broken=broken, totals={"local_value": local}))


def test_rule_by_hand():
    m = _model(alerts=[("talent_gap", "warning", "ongoing", 2), ("eco", "critical", "new", 3),
                       ("tech", "warning", "ongoing", 3), ("note", "info", "new", 1)],
               gap=0.904, exit_share=0.325, link_stake=449.0)
    c = br.candidates(m)
    # critical new 1.0, gap 0.90, the two ongoing warnings 0.5 (three months in breach first),
    # the broken link 449 / 1000 = 0.449, the exit 0.325; the info alert is never an action
    assert c["subject"].tolist() == ["eco", "N1", "tech", "talent_gap", "A→B", "F1"]
    assert c["urgency"].round(3).tolist() == [1.0, 0.904, 0.5, 0.5, 0.449, 0.325]
    assert c["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert br.actions(m)["subject"].tolist() == ["eco", "N1", "tech"]


def test_equal_urgency_keeps_the_kind_order():
    # a gap at 0.6 and a new warning at 0.6: the alert first; a link at 0.6 after both
    m = _model(alerts=[("kpi", "warning", "new", 1)], gap=0.6, link_stake=600.0, exit_share=0.6)
    assert br.candidates(m)["kind"].tolist() == ["alert", "gap", "exit", "link"]


def test_nothing_to_do():
    c = br.candidates(_model())
    assert len(c) == 0 and list(c.columns) == ["kind", "subject", "urgency", "detail", "rank"]


def test_a_link_is_capped_at_one():
    c = br.candidates(_model(link_stake=5000.0, local=1000.0))
    assert c["urgency"].tolist() == [1.0]


# ----------------------------------------------------------------------------- on real models


@pytest.fixture(scope="module")
def demo_model():
    from ecolib.workspace import load_workspace
    return analyse(load_workspace(ROOT / "data" / "demo"), "2026-10")


def test_demo_brief(demo_model):
    b = demo_model.brief
    assert b.previous_month == "2026-09"
    assert len(b.actions) == 3
    assert b.actions.iloc[0]["kind"] == "alert" and b.actions.iloc[0]["subject"] == "eco_value_density"
    f = b.figures.set_index("id")["value"]
    ov = demo_model.overview.headline
    assert f["active_firms"] == ov["local_firms"] and f["output"] == ov["output"]
    assert f["local_trade"] == demo_model.value_stream.totals["local_value"]
    assert f["health_index"] == demo_model.health.index
    assert f["open_alerts"] == demo_model.evaluation.headline["alerts_open"]
    assert b.weakest == demo_model.health.weakest == "collaboration"


def test_demo_words(demo_model):
    for lang in ("en", "zh"):
        r = brief_records(demo_model, lang)
        assert 3 <= len(r["story"]) <= 5
        assert [a["rank"] for a in r["actions"]] == [1, 2, 3]
        assert all(a["what"] and a["why"] and a["programme"] and a["section"] for a in r["actions"])
        text = " ".join(r["story"] + [a["why"] for a in r["actions"]])
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text          # no id-style words
    zh = brief_records(demo_model, "zh")
    assert not re.search(r"[A-Za-z]{4,}", "".join(a["what"] + a["why"] for a in zh["actions"][:1]))


def test_first_month_of_the_tiny_park():
    m = analyse(datasets.tiny(), datasets.tiny().months()[0])
    assert m.brief.previous_month is None
    assert set(m.brief.figures["verdict"]) <= {"first", "not_reported"}
    r = brief_records(m, "en")
    assert all(f["change_text"] in ("first month", "not reported") for f in r["figures"])


# ----------------------------------------------------------------------------- the page


def test_index_is_the_brief(hostile_reports):
    for lang, report in hostile_reports.items():
        html = report.index.read_text(encoding="utf-8")
        summary = report.summary
        assert len(summary["brief"]["actions"]) <= 3
        assert [f["id"] for f in summary["figures"]] == list(br.FIGURES)
        actions = re.findall(r'<li class="ecolib-action action-(\w+)">(.*?)</li>', html, re.S)
        assert [k for k, _ in actions] == [a["kind"] for a in summary["brief"]["actions"]]
        for _, body in actions:                                     # each links to its evidence
            href = re.search(r'<div class="evidence">.*?<a href="([^"]+)"', body, re.S).group(1)
            page, anchor = href.split("#")
            target = (report.folder / page).read_text(encoding="utf-8")
            assert f'id="{anchor}"' in target, (lang, href)
        assert 'id="figures"' in html and 'id="actions"' in html


def test_without_transactions_trade_is_not_reported_not_zero():
    from ecolib.analyses.month import MonthModel
    ws = datasets.tiny()
    tables = dict(ws.tables)
    tables["flows"] = tables["flows"].iloc[0:0]
    m = MonthModel(tables, ws.settings, "2026-03", name="tiny", months=ws.months())
    f = m.brief.figures.set_index("id")
    for fid in ("local_trade", "local_sourcing", "broken_links"):
        assert f.loc[fid, "verdict"] == "not_reported" and math.isnan(f.loc[fid, "value"]), fid
    assert f.loc["active_firms", "value"] == 3
    r = brief_records(m, "en")
    assert any("not evaluated" in s for s in r["story"])
    assert not any(a["kind"] in ("link", "exit") for a in r["actions"])
