"""The value-stream notebook in the report pipeline, in English and Chinese."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, write_tiny_park
from ecolib.report import render
from test_valuestream import HAND

NOTEBOOK = ROOT / "notebooks" / "01_value_stream.ipynb"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("vs-report")
    firms = HAND["firms_csv"].replace("Loner Co", HOSTILE)           # the isolated firm, named in a table
    ws = write_tiny_park(base / "hand", **dict(HAND, firms_csv=firms))
    return {lang: render(ws, ["2026-03"], lang=lang, out=base / lang, only=["value_stream"],
                         progress=lambda s: None)[0] for lang in ("en", "zh")}


def test_value_stream_page_in_both_languages(reports):
    en = (reports["en"].folder / "01_value_stream.html").read_text(encoding="utf-8")
    zh = (reports["zh"].folder / "01_value_stream.html").read_text(encoding="utf-8")
    for text in ("Value-stream map", "Isolated firms", "Connector firms", "Broken links in the chain",
                 "national sectors", "Pack Co"):
        assert text in en
    for text in ("产业价值流图谱", "孤立企业", "连接型企业", "产业链断裂环节", "全国部门", "主要发现"):
        assert text in zh
    assert "Isolated firms" not in zh and "Findings" not in zh
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in en              # the English name, escaped
    assert "孤独" in zh                                                # Chinese pages use name_zh
    for page in (en, zh):
        assert HOSTILE not in page
        assert page.count('class="plotly-graph-div"') >= 5 and "Traceback" not in page


def test_summary_has_the_headline(reports):
    summary = json.loads((reports["en"].folder / "summary.json").read_text(encoding="utf-8"))
    vs = next(a for a in summary["analyses"] if a["notebook"] == "01_value_stream")
    assert vs["title"] == "Value-stream map"
    h = vs["headline"]
    assert h["local_value"] == 610 and h["isolated_firms"] == 1 and h["isolated_ids"] == ["F5"]
    assert h["connectors"] == ["F3", "F2", "F1"] and h["broken_link_count"] == 0
    assert dict(vs["cards"])["Isolated firms"] == "1 / 5"
