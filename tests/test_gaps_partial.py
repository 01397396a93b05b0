"""Gap analysis on partial data (data/biomed: output for 63 of 117 active local firms, no flows):
a component that cannot be evaluated for a node is left out of its score (never a silent 0),
a demand of 0 says why, "no evidence" has no fit and no match score, every candidate of every
gap node reaches the spreadsheet, counts read in the right number, and the priority chart's
labels break between words.

Hand case on the tiny park of conftest.py with F2 (Cathode Co) reporting no output; default
weights importance 0.3, demand 0.3, feasibility 0.2, fragility 0.2; chain N.LI → N.CATH →
N.CELL → N.PACK:

* N.LI: its only buyer node N.CATH has one active local firm, F2, silent → demand unknown
  (``output_missing``): scored on importance 1, feasibility 1, fragility 0.6 with the weights
  rescaled by 1 / 0.7: (0.3 + 0.2 + 0.12) / 0.7 = 0.885714…;
* N.CATH: buyers on N.CELL are F2 (silent) and F3 (1000 × share 1): D = 1000, 1 of 2 report
  (``buyers``, a lower bound); the largest known demand → 1; score 0.15 + 0.3 + 0.2 + 0.12 = 0.77;
* N.CELL: its buyer node N.PACK has only F4, who left → 0 (``no_local_buyer``);
* N.PACK: no edge from it → 0 (``no_buyer_link``).
"""
from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest

from ecolib.analyses import gaps as G
from ecolib.analyses.genemap import gene_map
from ecolib.analyses.month import analyse
from ecolib.datasets import tiny as tiny_workspace
from ecolib.presentation.narrative import gaps as W
from ecolib.presentation.plots import gaps as P
from ecolib.presentation.tables import gaps as T
from ecolib.workspace import load_workspace

M = "2026-03"


@pytest.fixture(scope="module")
def biomed():
    return analyse(load_workspace("data/biomed"), "2026-10").gaps


@pytest.fixture()
def ws():
    return tiny_workspace()


def _silent_f2(ws):
    firms = ws.tables["firms"].copy()
    firms.loc[firms["firm_id"] == "F2", "output"] = np.nan
    return dict(ws.tables, firms=firms)


# ----------------------------------------------------------------------------- demand pull


def test_demand_basis_and_rescaled_score_by_hand(ws):
    ga = G.gap_analysis(_silent_f2(ws), ws.settings, M)
    assert ga.not_evaluated == {}                                     # some output is reported
    p = ga.priority.set_index("node_id")
    assert p["demand_basis"].to_dict() == {"N.LI": "output_missing", "N.CATH": "buyers",
                                           "N.PACK": "no_buyer_link", "N.CELL": "no_local_buyer"}
    assert math.isnan(p.at["N.LI", "demand_value"]) and math.isnan(p.at["N.LI", "demand"])   # unknown, not 0
    assert math.isnan(p.at["N.LI", "part_demand"]) and bool(p.at["N.LI", "rescaled"])
    assert p.at["N.LI", "score"] == pytest.approx((0.3 + 0.2 + 0.2 * 0.6) / 0.7)
    assert p.at["N.LI", "part_importance"] == pytest.approx(0.3 / 0.7)
    assert (p.at["N.CATH", "demand_value"], p.at["N.CATH", "demand"]) == (1000.0, 1.0)
    assert (p.at["N.CATH", "buyer_firms"], p.at["N.CATH", "buyer_firms_reporting"]) == (2, 1)
    assert p.at["N.CATH", "score"] == pytest.approx(0.77) and not p.at["N.CATH", "rescaled"]
    assert (p.at["N.CELL", "demand"], p.at["N.PACK", "demand"]) == (0.0, 0.0)
    parts = ga.priority[[f"part_{k}" for k in G.COMPONENTS]].sum(axis=1, skipna=True)
    assert np.allclose(parts, ga.priority["score"])                    # the chart's bars add up to the score


def test_demand_zero_and_unknown_are_said(ws):
    ga = G.gap_analysis(_silent_f2(ws), ws.settings, M)
    en = W.priority(ga, "en")
    assert ("Demand pull is 0 for Packs: the chain data list no node that buys from it, so no local demand can be "
            "counted. Input links from it in the chain data (which nodes use its output) would change its score.") in en
    assert "Demand pull is 0 for Cells: the nodes that buy from it have no active local firm." in en
    assert ("Demand pull was not evaluated for Lithium: none of the local firms that would buy from it reports its "
            "output, so its score rests on the other parts, with their weights rescaled.") in en
    assert ("Demand pull counts only reported output: for 1 gap node only some of the local firms that would buy "
            "from it report it (Cathode: 1 of 2), so its demand pull may be understated.") in en
    zh = " ".join(W.priority(ga, "zh"))
    assert "电池包的需求拉动为 0" in zh and "锂的需求拉动未评估" in zh and "正极：2 家中 1 家填报" in zh


def test_no_output_at_all_says_it_once(ws):
    t = dict(ws.tables, firms=ws.tables["firms"].assign(output=np.nan))
    ga = G.gap_analysis(t, ws.settings, M)
    assert ga.priority["demand"].isna().all()
    assert W.priority_components(ga.priority, ga, "en") == []          # the one "not evaluated" sentence says it
    assert sum(s.startswith("Demand pull was not evaluated: it needs") for s in W.priority(ga, "en")) == 1


def test_biomed_adc_demand_zero_is_explained(biomed):
    p = biomed.priority.set_index("node_id")
    assert p.at["M2A3", "demand_basis"] == "no_buyer_link" and p.at["M2A3", "demand"] == 0
    assert p.at["M2A3", "feasibility"] == 1.0                           # the strongest fit, ranked low: said why
    no_link = sorted(p.index[p["demand_basis"] == "no_buyer_link"])
    assert no_link == ["M2A3", "M2C2", "M2C3"]
    en = " ".join(W.priority(biomed, "en"))
    assert ("Demand pull is 0 for 抗体偶联药物, AAV基因治疗载体, 干细胞制剂: the chain data list no node that buys "
            "from them") in en
    assert "抗体偶联药物、AAV基因治疗载体、干细胞制剂的需求拉动为 0" in " ".join(W.priority(biomed, "zh"))
    # every buyer reports nothing for no node here; the partial output is said
    assert not (p["demand_basis"] == "output_missing").any() and "Demand pull counts only reported output" in en


# ----------------------------------------------------------------------------- no evidence: no fit, no match


def test_no_evidence_feasibility_leaves_the_score_by_hand(biomed):
    r = biomed.priority.set_index("node_id").loc["M2C3"]
    assert math.isnan(r["feasibility"]) and math.isnan(r["part_feasibility"]) and bool(r["rescaled"])
    assert r["score"] == pytest.approx((0.3 * r["importance"] + 0.3 * 0.0 + 0.2 * 1.0) / 0.8)
    assert "Feasibility is not scored for 干细胞制剂: the data relate it to nothing" in " ".join(W.priority(biomed, "en"))


def test_match_without_fit_by_hand():
    priority = pd.DataFrame({"rank": [1, 2], "node_id": ["A", "B"]})
    cands = pd.DataFrame({"firm_id": ["X", "X", "Y", "Z", "V"], "name": ["X", "X", "Y", "Z", "V"],
                          "node_id": ["A", "B", "B", "B", "B"], "capability": [0.8, 0.6, 0.9, 0.7, 0.2]})
    density = pd.Series({"A": 0.5, "B": np.nan})                      # B: related to nothing
    m = G.match_candidates(priority, cands, density, nodes=["A", "B"], per_node=None)
    b = m[m["node_id"] == "B"].set_index("firm_id")
    # X's fit rests on A alone (0.5): match 0.6 × 0.5 = 0.3; Y and Z have no fit, no match; V is below 0.3
    assert list(b.index) == ["X", "Y", "Z"]
    assert (b.at["X", "park_fit"], b.at["X", "fit_nodes"], b.at["X", "match"]) == (0.5, 1, pytest.approx(0.3))
    assert math.isnan(b.at["Y", "park_fit"]) and math.isnan(b.at["Y", "match"]) and b.at["Y", "fit_nodes"] == 0


def test_node_density_has_no_score_without_evidence(ws):
    gm = gene_map(ws.tables, M, use_chain_edges=False)                # N.PACK and N.LI relate to nothing
    d = G.node_density(gm.coverage, gm.space.proximity)
    assert math.isnan(d["N.PACK"]) and math.isnan(d["N.LI"]) and d["N.CELL"] == 1.0


def test_biomed_stem_cell_candidate_has_no_fake_zero(biomed):
    row = biomed.matches.set_index("firm_id").loc["HX008"]
    assert row["node_id"] == "M2C3" and math.isnan(row["park_fit"]) and math.isnan(row["match"])
    view = T.MATCHES.rows(biomed, "en", "CNY").set_index("firm_id").loc["HX008"]
    assert (view["fit_label"], view["match_label"]) == ("no evidence", "–")
    sheet = T.MATCHES.export(biomed, "en", "CNY")
    rec = [dict(zip(sheet["columns"], r)) for r in sheet["data"]]
    stem = [r for r in rec if r["Candidate"] == "湖北康睿生物制药有限公司"][0]
    assert stem["Fit with the park (0–1)"] is None and stem["Match"] is None      # blank, not 0
    en = " ".join(W.matches(biomed, "en"))
    assert "湖北康睿生物制药有限公司 (湖北武汉, capability 0.58, no fit with the park: no evidence)" in en
    assert "fit with the park 0.00" not in en
    assert "The data relate 干细胞制剂 to nothing, so its candidates have no fit with the park and no match score" in en
    assert "无关联数据，没有园区基础契合度" in " ".join(W.matches(biomed, "zh"))


# ----------------------------------------------------------------------------- every candidate in the spreadsheet


def test_every_candidate_of_every_gap_reaches_the_spreadsheet(biomed):
    cands = biomed.tables["candidates"]
    ok = cands[(cands["capability"] >= 0.3) & cands["node_id"].isin(biomed.priority["node_id"])]
    assert set(zip(biomed.all_matches["node_id"], biomed.all_matches["firm_id"])) == set(zip(ok["node_id"], ok["firm_id"]))
    rows = T.MATCHES.rows(biomed, "en", "CNY")
    shown = T.matches_shown(biomed)
    assert shown == len(biomed.matches) < len(rows) == len(ok) == 12
    assert rows.head(shown)[["node_id", "firm_id"]].values.tolist() == biomed.matches[["node_id", "firm_id"]].values.tolist()
    adc = rows[rows["node_id"] == "M2A3"].set_index("firm_id")
    assert set(adc.index) == {"HX001", "HX002"} and not adc["in_top"].any()
    assert adc.at["HX001", "match"] == pytest.approx(0.92)
    assert "江苏瑞明" not in T.MATCHES.html(biomed, "en", max_rows=shown)
    assert len(T.MATCHES.export(biomed, "en", "CNY")["data"]) == 12
    key, values = W.matches_more(biomed, "en")
    from ecolib.presentation.i18n import t
    assert t(key, "en", **values) == ("The report's spreadsheet lists every candidate of every gap node, among them "
                                      "those of 1 gap node outside the top 5 decisions: 抗体偶联药物 (2 candidates).")
    key, values = W.matches_more(biomed, "zh")
    assert "抗体偶联药物（2 家候选企业）" in t(key, "zh", **values)


def test_no_candidate_no_more_line(ws):
    ga = G.gap_analysis(ws.tables, ws.settings, M)
    assert ga.all_matches.empty and W.matches_more(ga, "en") is None


# ----------------------------------------------------------------------------- counts


def test_gap_counts_in_the_right_number(ws, biomed):
    ga = G.gap_analysis(ws.tables, ws.settings, M)
    one = dataclasses.replace(ga, single_nodes=ga.single_nodes.head(1))
    assert W.single(one, "en")[0] == "1 technology node rests on one local firm, a core node: Lithium (Lithium Co)."
    lone = ga.ranking[ga.ranking["nodes_lost"] > 0].head(1)
    assert "1 firm is the only local firm on a technology node." in W.ranking(dataclasses.replace(ga, ranking=lone), "en")
    d = biomed.decisions.copy()
    seg = d["kind"] == "segment"
    for n, words in ((1, "1 candidate firm on record could serve at least one of its nodes."),
                     (0, "No candidate firm on record can serve any of its nodes.")):
        d.loc[seg, "candidates"] = n
        assert any(s.endswith(words) for s in W.priority(biomed, "en", decisions=d))


# ----------------------------------------------------------------------------- the priority chart


def _breaks_inside_a_word(label: str, original: str) -> bool:
    """A line break between two Latin letters or digits that ``original`` writes together."""
    lines = [re.sub(r"<[^>]+>", "", x) for x in label.split("<br>")]
    for a, b in zip(lines, lines[1:]):
        tail, head = re.search(r"[A-Za-z0-9]*$", a).group(), re.match(r"[A-Za-z0-9]*", b).group()
        if tail and head and tail + head in original:
            return True
    return False


def test_priority_labels_break_between_words_and_the_legend_follows_the_bars(biomed):
    fig = P.priority_bars(biomed.decisions, "en")
    assert "(whole segment, 3 nodes)" in fig.data[0].y[0]
    for text in ("细胞与基因治疗细胞与基因治疗细胞与基因 (whole segment, 3 nodes)",
                 "细胞与基因治疗 (whole segment, 3 nodes) and a much longer English tail for the test"):
        label = P._label(text)
        assert "<br>" in label and not _breaks_inside_a_word(label, text)
    assert _breaks_inside_a_word("whole segme<br>nt", "whole segment")      # the check itself
    assert fig.layout.legend.traceorder == "normal"
    assert [tr.name.split(" (")[0] for tr in fig.data[:4]] == ["Importance", "Demand pull", "Feasibility", "Fragility"]
