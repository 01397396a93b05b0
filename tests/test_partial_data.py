"""Real data is often partial: the demo with its flows, indicators and benchmark removed and its
output blanked validates with warnings only and renders in English and Chinese with nothing
missing shown as 0 (issue "Real data": missing is not zero)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ecolib.report import render
from ecolib.workspace import validate_workspace

ROOT = Path(__file__).resolve().parents[1]
ZERO = re.compile(r"^\s*(CNY\s*)?[0０](\.0+)?\s*(%|元|个|家|m|bn|k)?\s*$")


@pytest.fixture(scope="module")
def stripped(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("partial") / "park"
    shutil.copytree(ROOT / "data" / "demo", folder)
    for name in ("flows.csv", "kpis.csv", "benchmarks.csv"):
        (folder / name).unlink()
    firms = pd.read_csv(folder / "firms.csv", dtype=str, keep_default_na=False)
    firms["output"] = ""
    firms.to_csv(folder / "firms.csv", index=False)
    return folder


def test_it_validates_with_warnings_only(stripped):
    ws, problems = validate_workspace(stripped)
    assert ws is not None and problems and all(not p.is_error for p in problems)
    assert any(p.column == "output" for p in problems)          # the blank column is named once


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_it_renders_with_no_zero_standing_for_missing_data(stripped, tmp_path, lang):
    report = render(stripped, ["2026-10"], lang=lang, out=tmp_path / "out", progress=lambda s: None)[0]
    summary = report.summary
    cards = [(a["notebook"], label, value) for a in summary["analyses"] for label, value in a["cards"]]
    assert len(cards) >= 20
    zeros = [c for c in cards if ZERO.match(str(c[2]))]
    assert zeros == [], zeros
    figures = {f["id"]: f for f in summary["figures"]}
    for fid in ("output", "local_trade", "local_sourcing", "health_index", "open_alerts", "broken_links"):
        assert figures[fid]["value"] is None and figures[fid]["verdict"] == "not_reported", fid
    index = report.index.read_text(encoding="utf-8")
    assert ("not evaluated" if lang == "en" else "未评估") in index
    assert len(list(report.folder.glob("0*.html"))) == 6
