"""Niche page, issue 13: the two levels of overlap (segment vs technology node) in words, the
strongest entry point as the headline, ties at the shown precision, zones in Chinese.

Hand-made pair for the finer split: segments S1 ⊃ n1, n2 and S2 ⊃ n3; zones A and B (output
per year):

    A: n1 60, n2 40, n3 0      → S1 100           B: n1 0, n2 90, n3 10   → S1 90, S2 10

Inside S1 (the segment they share most), A's largest node is n1 (60 / 100 = 0.6), B's is n2
(90 / 90 = 1.0).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import DEMO
from ecolib.analyses import niche as N
from ecolib.analyses.month import analyse
from ecolib.presentation.narrative import niche as narr
from ecolib.presentation.tables import niche as TB
from ecolib.workspace import load_workspace


@pytest.fixture(scope="module")
def model():
    return analyse(load_workspace(DEMO), "2026-10")


def test_finer_split_by_hand():
    xf = pd.DataFrame({"n1": [60.0, 0.0], "n2": [40.0, 90.0], "n3": [0.0, 10.0]}, index=pd.Index(["A", "B"], name="zone"))
    x = pd.DataFrame({"S1": [100.0, 90.0], "S2": [0.0, 10.0]}, index=xf.index)
    p = N.shares(x)
    pairs = N.overlap_pairs(N.pianka(p), p)
    parent = pd.Series({"n1": "S1", "n2": "S1", "n3": "S2"})
    out = N.with_finer(pairs, N.pianka(N.shares(xf)), xf, parent).iloc[0]
    assert out["shared"] == "S1"
    assert (out["finer_a"], out["finer_share_a"]) == ("n1", pytest.approx(0.6))
    assert (out["finer_b"], out["finer_share_b"]) == ("n2", pytest.approx(1.0))
    # overlap by node: (0.4 × 0.9) / √((0.36 + 0.16) × (0.81 + 0.01)) = 0.36 / √0.4264
    assert out["overlap_finer"] == pytest.approx(0.36 / np.sqrt(0.52 * 0.82))
    # without the finer output: only the overlap, the split stays empty (None / NaN)
    bare = N.with_finer(pairs, N.pianka(N.shares(xf))).iloc[0]
    assert bare["finer_a"] is None and np.isnan(bare["finer_share_a"])
    # no pairs at all (one zone): the columns exist, no row
    one = N.with_finer(pairs.iloc[0:0], N.pianka(N.shares(xf)), xf, parent)
    assert len(one) == 0 and {"finer_a", "finer_share_b", "overlap_finer"} <= set(one.columns)


def test_demo_segment_and_node_levels_disagree_in_words(model):
    n = model.niche
    pr = n.pairs.iloc[0]
    # inside Vehicle assembly East makes mostly buses and trucks, North passenger cars
    assert (pr["finer_a"], pr["finer_b"]) == ("DOWN.VEH.COMMERCIAL", "DOWN.VEH.PASSENGER")
    assert pr["finer_share_a"] == pytest.approx(0.596, abs=5e-4) and pr["finer_share_b"] == pytest.approx(0.975, abs=5e-4)
    text = narr.findings(n, "en")
    finer = next(s for s in text if s.startswith("At the finer level"))
    assert "overlap only 0.060" in finer and "Inside Vehicle assembly, East Zone makes mostly New-energy commercial" in finer
    # what each level means, and which one the advice rests on
    assert "the segment overlap says the zones court the same industries" in finer
    assert "The advice below rests on the segment level" in finer
    assert "division of labour" not in " ".join(text)
    assert any(s.startswith("Advice, at the segment level: East Zone should build on") for s in text)
    # the first use of LQ, overlap and breadth says what each is
    joined = " ".join(text)
    assert "1 means the same mix, 0 nothing in common" in joined and "location quotients (LQ)" in joined
    assert "niche breadth" in joined


def test_demo_zones_in_chinese(model):
    n = model.niche
    assert n.zones.set_index("zone")["zone_zh"].to_dict() == {"East Zone": "东区", "North Zone": "北区",
                                                              "South Hi-tech Zone": "南部高新区"}
    zh = " ".join(narr.findings(n, "zh") + narr.entries_findings(model.entries, "zh"))
    cards = narr.headline_cards(n, model.embedding, model.gene_map, "zh", entries=model.entries)
    tables = " ".join(str(v) for spec in (TB.PORTFOLIO, TB.PAIRS, TB.ADVICE) for v in spec.view(n, "zh").to_numpy().ravel())
    tables += " ".join(TB.ENTRIES.view(model.entries, "zh")["zone"])
    for text in (zh, " ".join(cards) + " ".join(cards.values()), tables):
        assert "Zone" not in text and ("东区" in text or "南部高新区" in text)
    assert "东区与北区在争夺同一生态位" in zh and "在整车制造内部，东区以新能源商用车为主" in zh
    values = narr.embed_values(model.embedding, model.gene_map, model.tables["firms"], "zh")
    assert values["zone"] == "南部高新区"


def test_demo_headline_names_the_strongest_entry(model):
    cards = narr.headline_cards(model.niche, model.embedding, model.gene_map, "en", entries=model.entries)
    # before: the positioned firm's best (Utility-scale container storage integration, 0.093)
    # its 70% fit rests on one relation (through the BMS master board): the card says so
    assert cards["Strongest entry point for a small firm"] == "BMS chip (analog front-end) · score 0.595 · rests on one relation"
    best = narr.strongest_entry(model.entries, model.embedding)
    assert best["firm_id"] == "F0145" and best["ties"]["firm_id"].tolist() == ["F0179"]
    # the worked example is introduced as what it is, with both scores
    ex = narr.example_finding(model.embedding, model.entries, model.gene_map, model.tables["firms"], "en")
    assert len(ex) == 1 and "Ruichen Microgrid Energy" in ex[0] and "score 0.093, against 0.595" in ex[0]
    # the narrowest zone: South 0.108 vs North 0.110, apart at the three decimals shown
    assert cards["Narrowest niche (breadth on a 0–1 scale)"] == "South Hi-tech Zone (0.108)"


def test_ties_and_verdicts_by_hand(tiny_park):
    tables = load_workspace(tiny_park).tables
    n = N.niche(tables, "2026-03")                         # North – South 0.447: neither flagged nor distinct
    assert TB.PAIRS.view(n, "en")["verdict"].tolist() == ["Partly overlapping"]
    # two zones whose breadth reads the same: the card names both
    z = n.zones.copy()
    z["breadth_std"] = [0.25, 0.2504]
    cards = narr.headline_cards(N.Niche(**{**n.__dict__, "zones": z}), lang="en")
    assert cards["Narrowest niche (breadth on a 0–1 scale)"] == "North, South (0.250)"


def test_zone_names_without_a_chinese_column(tiny_park):
    tables = load_workspace(tiny_park).tables
    firms = tables["firms"].drop(columns=["zone_zh"], errors="ignore")
    n = N.niche({**tables, "firms": firms}, "2026-03")
    assert n.zones["zone_zh"].tolist() == n.zones["zone"].tolist()
    assert narr.zone_names(n, "zh").to_dict() == {"North": "North", "South": "South"}
    assert narr.zone_name(None, firms, "zh") == "–"
