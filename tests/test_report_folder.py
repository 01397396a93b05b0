"""The month folder a client receives, and the month as one file.

A month folder holds plotly.js once (``plotly-<version>.min.js``, the exact bytes of
``plotly.offline.get_plotlyjs()``) and the pages' shared style sheet once; every analysis page
loads both by relative name, so the folder stays small and every page still opens offline (the
browser check in test_browser.py opens them). The single file (``--single-file``) holds the
index and every page, plotly.js and the styles inlined once. Built from the session's one demo
render (``hostile_reports`` in conftest.py); the runner's own ``--single-file`` run is in
test_cli.py.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from ecolib.presentation.escape import CONTENT_SECURITY_POLICY
from ecolib.report import plotly_file_name, single_file_html

#: The demo month folder, everything in it (the goal of the issue "Speed and size").
FOLDER_LIMIT = 6 * 2**20


def _analysis_pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.html") if p.name != "index.html")


def test_the_demo_month_folder_is_small(hostile_reports):
    for report in hostile_reports.values():
        sizes = {p.name: p.stat().st_size for p in report.folder.iterdir()}
        assert sum(sizes.values()) <= FOLDER_LIMIT, sizes
        pages = [sizes[p.name] for p in _analysis_pages(report.folder)]
        assert len(pages) == 6 and max(pages) < 400_000, sizes          # no page carries plotly.js


def test_pages_share_one_plotly_and_one_style_sheet(hostile_reports):
    from plotly.offline import get_plotlyjs

    for report in hostile_reports.values():
        folder = report.folder
        assert (folder / plotly_file_name()).read_bytes() == get_plotlyjs().encode("utf-8")
        sheets = set()
        for page in _analysis_pages(folder):
            head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
            assert re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', head) == [plotly_file_name()]
            sheets |= set(re.findall(r'<link rel="stylesheet" type="text/css" href="([^"]+)">', head))
            assert "<style" not in head                                   # all of it in the shared file
        [sheet] = sheets
        css = (folder / sheet).read_text(encoding="utf-8")
        assert css.startswith('@charset "utf-8";') and ".jp-OutputArea" in css and "ecolib-card" in css
        assert sorted(p.name for p in folder.iterdir() if p.suffix in (".js", ".css")) == sorted(
            [plotly_file_name(), sheet])


def test_pages_records_and_sheets_keep_the_order_of_the_notebooks(hostile_reports):
    """The notebooks run side by side; what they give is put together in their order."""
    import openpyxl

    for report in hostile_reports.values():
        summary = json.loads((report.folder / "summary.json").read_text(encoding="utf-8"))
        stems = [a["notebook"] for a in summary["analyses"]]
        assert stems == sorted(stems) and len(stems) == 6
        index = (report.folder / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<li><a href="(\d\d_[a-z_]+\.html)">', index)
        assert links == [f"{s}.html" for s in stems]
        prefixes = [name.split(" ", 1)[0] for name in
                    openpyxl.load_workbook(report.folder / "tables.xlsx", read_only=True).sheetnames[1:]]
        assert prefixes == sorted(prefixes) and set(prefixes) <= {s.split("_", 1)[0] for s in stems}


@pytest.fixture(scope="module")
def single_files(hostile_reports, hostile_demo, tmp_path_factory) -> dict[str, str]:
    from ecolib.workspace import load_workspace

    settings = load_workspace(hostile_demo).settings
    out = {}
    for lang, report in hostile_reports.items():
        park = settings.name_zh if lang == "zh" else report.summary["workspace"]
        out[lang] = single_file_html(report.folder, park=park)
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_month_as_one_file_holds_everything_once(hostile_reports, single_files, lang):
    from plotly.offline import get_plotlyjs

    text, report = single_files[lang], hostile_reports[lang]
    head = text[: text.index("</head>")]
    policies = [html.unescape(m) for m in re.findall(
        r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head)]
    assert policies == [CONTENT_SECURITY_POLICY]
    assert head.index("Content-Security-Policy") < head.index("<script")
    assert text.count(get_plotlyjs()[:200]) == 1                       # plotly.js inlined once
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", text), "a file or URL is loaded"
    [sheet] = {n for p in report.folder.glob("0*.html")
               for n in re.findall(r'href="(notebook-[0-9a-f]+\.css)"', p.read_text(encoding="utf-8"))}
    rule = "--jp-layout-color0:"                                       # a rule of JupyterLab's theme
    assert text.count(rule) == (report.folder / sheet).read_text(encoding="utf-8").count(rule)   # styles once
    assert f'<html lang="{lang}">' in text
    pages = _analysis_pages(report.folder)
    figures = sum(p.read_text(encoding="utf-8").count('class="plotly-graph-div"') for p in pages)
    assert text.count('class="plotly-graph-div"') == figures
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1][:5]
    for div in re.findall(r'class="plotly-graph-div" id="([^"]+)"', text):   # each figure draws into its div
        assert len(re.findall(rf'Plotly\.newPlot\(\s*"{re.escape(div)}"', text)) == 1, div
    for a in report.summary["analyses"]:                               # the index links to every section
        assert f'id="{a["notebook"]}"' in text and f'href="#{a["notebook"]}"' in text
    [nav] = re.findall(r'<nav class="ecolib-nav"[^>]*>(.*?)</nav>', text, re.S)   # one bar, the pages' own left out
    assert re.findall(r'href="([^"]*)"', nav) == (["#index"] + [f'#{a["notebook"]}' for a in report.summary["analyses"]]
                                                 + ["#glossary"])
    assert 'id="index"' in text and 'id="glossary"' in text
    assert "tables.xlsx" not in text and "summary.json" not in text    # those stay in the folder


def test_the_month_as_one_file_is_about_the_size_of_the_folder(hostile_reports, single_files):
    for lang, report in hostile_reports.items():
        folder = sum(p.stat().st_size for p in report.folder.iterdir() if p.suffix in (".html", ".js", ".css"))
        assert len(single_files[lang].encode("utf-8")) < folder
