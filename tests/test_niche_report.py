"""The niche notebook in the report pipeline: the demo (situation f flagged) and the tiny park
with a hostile zone name, in English and Chinese."""
from __future__ import annotations

import json

import pytest

from conftest import DEMO, ROOT, TINY, write_tiny_park
from ecolib.report import render

NOTEBOOK = ROOT / "notebooks" / "05_niche_positioning.ipynb"
HOSTILE = "<script>alert(1)</script>"


def test_notebook_has_level_and_firm_parameters():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    params = "".join(code[0]["source"])
    assert "firm_id = None" in params and 'level = "segment"' in params


@pytest.fixture(scope="module")
def demo_en(tmp_path_factory):
    out = tmp_path_factory.mktemp("niche-demo")
    return render(DEMO, ["2026-10"], lang="en", out=out, only=["niche_positioning"], progress=lambda s: None)[0]


def test_demo_page_flags_east_and_north(demo_en):
    page = (demo_en.folder / "05_niche_positioning.html").read_text(encoding="utf-8")
    for text in ("Niche positioning of the zones", "East Zone and North Zone compete for the same niche",
                 "0.985", "Homogeneous competition", "Ruichen Microgrid Energy", "Utility-scale container storage",
                 "Where can a small firm fit into the chain?", "BMS chip (analog front-end) · score 0.595"):
        assert text in page
    assert page.count('class="plotly-graph-div"') >= 5 and "Traceback" not in page
    summary = json.loads((demo_en.folder / "summary.json").read_text(encoding="utf-8"))
    niche = next(a for a in summary["analyses"] if a["notebook"] == "05_niche_positioning")
    h = niche["headline"]
    assert [p[:2] for p in h["flagged_pairs"]] == [["East Zone", "North Zone"]]
    assert h["flagged_pairs"][0][2] == pytest.approx(0.985, abs=5e-4)
    assert h["embedding"]["firm_id"] == "F0190" and h["embedding"]["top"][0][0] == "DOWN.ESS.CONTAINER"
    assert dict(niche["cards"])["Pairs in homogeneous competition"] == f"1 of {h['pairs_compared']} compared"


def test_tiny_park_in_chinese_escapes_zone_names(tmp_path):
    firms = TINY["firms.csv"].replace(",North,", f",{HOSTILE},")
    # the tiny park's zones (2 firms and 1) are below the default minimum size (issue 14): allow them here
    settings = TINY["workspace.yaml"].rstrip() + "\n        thresholds:\n          niche_min_firms: 1\n"
    ws = write_tiny_park(tmp_path / "hostile", firms_csv=firms, workspace_yaml=settings)
    report = render(ws, ["2026-03"], lang="zh", out=tmp_path / "out", only=["niche_positioning"],
                    progress=lambda s: None)[0]
    page = (report.folder / "05_niche_positioning.html").read_text(encoding="utf-8")
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for text in ("园区各片区生态位定位", "生态位重叠度", "中小企业可以从哪里切入产业链", "主要发现"):
        assert text in page
    assert "Findings" not in page and "Traceback" not in page
