"""Gap-analysis figures, findings, explorers (driven as a user would) and the notebook in the
report pipeline; the demo park's planted situations a (storage integration missing) and c
(suppliers hanging on the anchor F0001) must show."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import DEMO, ROOT, write_tiny_park
from ecolib.analyses import gaps as G
from ecolib.analyses import health as H
from ecolib.presentation.narrative import gaps as words
from ecolib.presentation.plots import gaps as P
from ecolib.presentation.widgets.gaps import ExitExplorer, PriorityExplorer
from ecolib.report import render
from ecolib.workspace import load_workspace

NOTEBOOK = ROOT / "notebooks" / "03_gap_analysis.ipynb"
HOSTILE = "<script>alert(1)</script>"
M = "2026-03"

# data/demo/README.md situation c: the 25 suppliers the anchor F0001 takes ≥ 40 % of the outbound of
ANCHOR_SUPPLIERS = {"F0136", "F0209", "F0235", "F0176", "F0071", "F0033", "F0249", "F0034", "F0043", "F0207",
                    "F0257", "F0187", "F0298", "F0066", "F0222", "F0110", "F0195", "F0039", "F0108", "F0048",
                    "F0168", "F0120", "F0248", "F0282", "F0053"}


@pytest.fixture(scope="module")
def demo():
    ws = load_workspace(DEMO)
    return G.gap_analysis(ws.tables, ws.settings, "2026-10")


@pytest.fixture
def tiny(tiny_park):
    ws = load_workspace(tiny_park)
    return G.gap_analysis(ws.tables, ws.settings, M)


# =========================================================================== the demo park


def test_demo_storage_integration_is_a_top_priority(demo):
    top = demo.priority.head(5)
    ess = top[top["segment_id"] == "DOWN.ESS"]
    assert {"DOWN.ESS.CONTAINER", "DOWN.ESS.CI"} <= set(ess["node_id"])           # situation a
    assert (ess["status"] == "missing").all()
    text = " ".join(words.priority(demo, "en"))
    assert "The whole Energy-storage system integration segment is missing: its 4 technology nodes" in text
    assert ("1. Energy-storage system integration (whole segment missing, 4 nodes, tied at 0.90, mostly importance); "
            "2. Solid-state cells (missing, tied at 0.90, mostly demand pull); 3. Prismatic cells (single firm, "
            "score 0.87, mostly importance and demand pull)") in text
    assert ("Energy-storage system integration (#1) and Solid-state cells (#2) are tied at 0.90; Energy-storage "
            "system integration is ranked ahead because it closes 4 gap nodes at once (Solid-state cells: 1).") in text
    zh = " ".join(words.priority(demo, "zh"))
    assert "1. 储能系统集成（整个环节缺失，共 4 个节点，得分并列 0.90，主要因素：重要度）" in zh
    assert "储能系统集成排在前面，因为它可一次补齐 4 个缺口节点" in zh
    assert words.headline_cards(demo, "en")["Top gap to close: a whole segment (4 nodes)"] == \
        "Energy-storage system integration"
    m = demo.matches
    best = m[(m["node_id"] == "DOWN.ESS.CONTAINER") & (m["option"] == 1)]
    assert best["firm_id"].tolist() == ["C0006"]                                   # capability 0.94
    assert set(m.loc[m["node_id"] == "DOWN.ESS.CI", "firm_id"]) == {"C0005", "C0053"}


def test_demo_anchor_exit_shows_the_dependent_suppliers(demo):
    e = demo.exit
    assert e.firm_id == "F0001"                                                    # the most systemic anchor
    hit = set(e.affected.loc[e.affected["role"].isin(["supplier", "both"]), "firm_id"])
    assert ANCHOR_SUPPLIERS <= hit                                                 # situation c
    assert e.nodes_lost == ["DOWN.VEH.PASSENGER"]
    assert demo.ranking["firm_id"].iloc[0] == "F0001"
    chip = demo.single_nodes.set_index("node_id").loc["MID.BMS.CHIP"]
    assert chip["firm_id"] == "F0294" and chip["candidates"] == 4
    zh = " ".join(words.exit(demo, "zh"))
    assert "擎远汽车股份有限公司" in zh and "泰越融资租赁有限公司" in zh


def test_demo_health_and_security(demo):
    assert demo.health.weakest == "collaboration"
    assert set(demo.health.dimensions["dimension"]) == set(H.DIMENSIONS)
    sec = demo.security.set_index("node_id")
    assert (sec.loc[["DOWN.ESS.CONTAINER", "DOWN.ESS.CI"], "quadrant"] == "critical").all()
    h = demo.headline
    json.dumps(h)                                                                   # JSON-friendly
    assert h["systemic_top"][0] == "F0001" and "DOWN.ESS.CONTAINER" in h["top_gaps"][:5]


# =========================================================================== figures


def test_figures(demo):
    radar = P.health_radar(demo.health, "en")
    assert list(radar.data[0].r[:4]) == [100] * 4                                  # the benchmark ring
    assert any("▼" in th for th in radar.data[1].theta)                           # the weakest dimension marked
    bars = P.priority_bars(demo.priority, "zh", top=10)
    assert len(bars.data) == 5 and len(bars.data[0].y) == 10                      # 4 components + score text
    total = sum(pd.Series(tr.x) for tr in bars.data[:4])
    assert list(total.round(9)) == list(demo.priority["score"].head(10).round(9))  # parts add up to the score
    dec = P.priority_bars(demo.decisions, "en", top=10)                            # the page's chart: decisions
    assert "segment, 4 nodes" in dec.data[0].y[0] and list(dec.data[4].text[:3]) == [
        "0.90\u00a0(tied)", "0.90\u00a0(tied)", "0.87"]
    total = sum(pd.Series(tr.x) for tr in dec.data[:4])
    assert list(total.round(9)) == list(demo.decisions["score"].head(10).round(9))
    ex = P.exit_bars(demo.exit, "en", firm_name="Qingyuan")
    assert sum(len(tr.y) for tr in ex.data) == min(30, len(demo.exit.affected))
    rk = P.ranking_bars(demo.ranking, "en")
    assert "★" in rk.data[0].y[0]
    sec = P.security_scatter(demo.security, "zh")
    assert {tr.name for tr in sec.data} == {"高危", "脆弱", "关注", "安全"}
    assert P.metric_bars(demo.health).data


def test_names_from_data_are_escaped(tmp_path):
    nodes = (write_tiny_park(tmp_path / "x") / "chain_nodes.csv").read_text().replace("Packs,", f"{HOSTILE},")
    firms = (tmp_path / "x" / "firms.csv").read_text().replace("Cathode Co", HOSTILE)
    ws = load_workspace(write_tiny_park(tmp_path / "p", chain_nodes_csv=nodes, firms_csv=firms))
    ga = G.gap_analysis(ws.tables, ws.settings, M)
    labels = " ".join(map(str, P.priority_bars(ga.priority).data[0].y))
    assert HOSTILE not in labels and "&lt;script&gt;" in labels
    assert HOSTILE not in " ".join(map(str, P.ranking_bars(ga.ranking).data[0].y))


# =========================================================================== explorers


def test_exit_explorer_redraws_for_another_firm(tiny):
    x = ExitExplorer(tiny)
    assert x.picker.value == "F3"                                                  # the anchor
    fig = x.figure
    assert "F3" not in x.summary.value and "Cell Co" in x.summary.value
    assert [list(tr.y) for tr in fig.data] == [["Cathode Co"]]                    # F2 loses its customer
    x.picker.value = "F2"                                                          # as a user picking a firm
    assert x.figure is fig                                                         # redrawn in place
    assert sorted(y for tr in fig.data for y in tr.y) == ["Cell Co", "Lithium Co"]
    assert "Cells" in x.table.value and "Cell Co" in x.table.value                # backup: F3 on N.CELL
    assert "nodes lost: Cathode" in x.summary.value                                # F2 alone held N.CATH


def test_priority_explorer_reranks(tiny):
    x = PriorityExplorer(tiny)
    fig = x.figure
    first = list(fig.data[0].y)
    assert "Lithium" in first[0]
    for k in ("importance", "demand", "feasibility"):
        x.sliders[k].value = 0.0
    x.sliders["fragility"].value = 1.0                                             # only fragility counts
    assert x.figure is fig and "Packs" in list(fig.data[0].y)[0]                  # the missing node first
    assert x.priority["node_id"].iloc[0] == "N.PACK" and "Packs" in x.table.value
    assert x.decisions["decision_id"].iloc[0] == "N.PACK" and ">tied<" in x.table.value    # LI and CATH tie at 0.60


# =========================================================================== the notebook


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("gaps-report")
    firms = (write_tiny_park(base / "x") / "firms.csv").read_text().replace("Cathode Co", HOSTILE)
    ws = write_tiny_park(base / "tiny", firms_csv=firms)
    return {lang: render(ws, [M], lang=lang, out=base / lang, only=["gap_analysis"], progress=lambda s: None)[0]
            for lang in ("en", "zh")}


def test_gap_page_in_both_languages(reports):
    en = (reports["en"].folder / "03_gap_analysis.html").read_text(encoding="utf-8")
    zh = (reports["zh"].folder / "03_gap_analysis.html").read_text(encoding="utf-8")
    for text in ("Gap analysis", "Which gaps to close first", "Single points of failure", "Security matrix",
                 "Stress test: if Cell Co left the park"):
        assert text in en
    for text in ("缺口诊断", "优先补齐哪些缺口", "单点故障", "产业安全评估矩阵", "主要发现"):
        assert text in zh
    assert "Findings" not in zh
    for page in (en, zh):
        assert HOSTILE not in page and "Traceback" not in page
        # issue 14: the tiny park scores no health dimension, so the radar and the indicator bars
        # are left out (the page says the health was not evaluated) instead of drawn empty
        assert page.count('class="plotly-graph-div"') >= 4
    summary = json.loads((reports["en"].folder / "summary.json").read_text(encoding="utf-8"))
    gap = next(a for a in summary["analyses"] if a["notebook"] == "03_gap_analysis")
    assert gap["title"] == "Gap analysis" and gap["headline"]["systemic_top"] == ["F2", "F1", "F3"]
