"""Month arithmetic, number formatting, translations, chain roll-ups."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from ecolib.foundations import chain, months
from ecolib.presentation import fmt
from ecolib.presentation.i18n import catalogue, t


def test_months():
    assert months.window("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert months.window("2026-02", 0) == []
    assert months.shift("2026-01", -12) == "2025-01"
    assert months.parse_range("2026-08..2026-10") == ["2026-08", "2026-09", "2026-10"]
    assert months.parse_range("2026-10") == ["2026-10"]
    for bad in ("2026-13", "2026/10", "2026-10..2026-08", "x"):
        with pytest.raises(ValueError):
            months.parse_range(bad)


def test_money_and_percent():
    assert fmt.money(12_345_678_900, "en") == "CNY 12.3 bn"
    assert fmt.money(12_345_678_900, "zh") == "123.5亿元"
    assert fmt.money(45_600, "zh") == "4.6万元"
    assert fmt.money(float("nan")) == "–"
    assert fmt.pct(0.4567, 1) == "45.7%"
    assert fmt.count(1234.4) == "1,234"


def test_both_languages_have_the_same_keys_and_placeholders():
    en, zh = catalogue("en"), catalogue("zh")
    assert set(en) == set(zh)
    field = re.compile(r"{(\w+)}")
    for key in en:
        assert set(field.findall(en[key])) == set(field.findall(zh[key])), key
    assert t("overview.title", "zh") == "园区概览"
    with pytest.raises(KeyError, match="no en text"):
        t("no.such.key")


def test_roll_up_and_distinct_counts():
    nodes = pd.DataFrame({"node_id": ["R", "A", "B", "a1", "a2", "b1"],
                          "parent_id": [None, "R", "R", "A", "A", "B"]})
    values = pd.Series({"a1": 1.0, "a2": 2.0, "b1": 4.0})
    assert chain.roll_up(values, nodes).to_dict() == {"R": 7.0, "A": 3.0, "B": 4.0, "a1": 1.0, "a2": 2.0, "b1": 4.0}
    pairs = pd.DataFrame({"node_id": ["a1", "a2", "b1"], "firm_id": ["f", "f", "g"]})
    counts = chain.count_distinct_in_subtree(pairs, nodes)
    assert counts.to_dict() == {"R": 2, "A": 1, "B": 1, "a1": 1, "a2": 1, "b1": 1}


def test_fast_isin_matches_pandas():
    from ecolib.foundations import frames

    s = pd.Series(["F1", "X9", None, "F2", "F1"], dtype="str")
    assert frames.isin(s, pd.Series(["F1", "F2"])).tolist() == [True, False, False, True, True]
    assert frames.isin(s, []).tolist() == [False] * 5
    assert frames.isin(s.iloc[:0], ["F1"]).tolist() == []
