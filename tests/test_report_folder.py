"""The month folder a client receives, and the month as one file.

A month folder holds plotly.js once (``plotly-<version>.min.js``, the exact bytes of
``plotly.offline.get_plotlyjs()``) and the pages' shared style sheet once; every analysis page
loads both by relative name, so the folder stays small and every page still opens offline (the
browser check in test_browser.py opens them). The single file (``--single-file``) holds the
index and every page, plotly.js and the styles inlined once. Built from the session's one demo
render (``hostile_reports`` in conftest.py); the runner's own ``--single-file`` run is in
test_cli.py. Where a report goes (``<out>/<report id>/<lang>/<month>/``: two workspaces of one
name apart, en and zh apart, ``--only`` keeping the other pages, ``report_id``) is tested at the
end with two small notebooks.
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


# ------------------------------------------------------------------------------ where a report goes
# Runner mechanics on the tiny park with two small notebooks (a few seconds a run), never the
# real analyses: folders that cannot collide, en and zh apart, ``--only`` keeping the other pages.

M = "2026-03"
_PARAMS = 'workspace = ""\nmonth = ""\nlang = "en"\ninteractive = True'
_PAGE = '''\
from IPython.display import HTML, display
from ecolib.notebook import SUMMARY_MIMETYPE, TABLE_MIMETYPE
display(HTML("<p>{text}</p>"))
display({{SUMMARY_MIMETYPE: {{"title": "{title}", "cards": [["Firms", "4"]], "alerts": {alerts}}}}}, raw=True)
display({{TABLE_MIMETYPE: {{"sheet": "{title} table", "columns": ["Firm", "Value"], "data": [["A Co", 1]]}}}}, raw=True)
'''
_ALERT = [{"severity": "warning", "status": "new", "metric": "beta_metric", "message": "beta alert"}]


def _page_notebook(path: Path, title: str, text: str, alerts=()) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "ecolib", "display_name": "Python (ecolib)", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(_PARAMS, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(_PAGE.format(text=text, title=title, alerts=list(alerts)))]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def two_pages(tmp_path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _page_notebook(folder / "00_alpha.ipynb", "Alpha", "alpha first run")
    _page_notebook(folder / "01_beta.ipynb", "Beta", "beta first run", _ALERT)
    return folder


def _render(ws: Path, out: Path, notebooks: Path, **kwargs):
    from ecolib.report import render

    kwargs.setdefault("progress", lambda s: None)
    return render(ws, [M], out=out, notebooks_dir=notebooks, **kwargs)[0]


def test_two_workspaces_with_the_same_name_publish_into_two_folders(tmp_path, two_pages):
    """Two clients' folders both called ``data``, both workspaces named ``tiny``: two report
    folders, each named by the name and a hash of its workspace folder's path; neither month
    replaces the other."""
    from conftest import write_tiny_park
    from ecolib.report import report_id
    from ecolib.workspace import load_workspace

    first = write_tiny_park(tmp_path / "client-a" / "data")
    second = write_tiny_park(tmp_path / "client-b" / "data")
    out = tmp_path / "out"
    a, b = _render(first, out, two_pages), _render(second, out, two_pages)
    assert a.folder != b.folder and a.folder.is_dir() and b.folder.is_dir()
    ids = sorted(p.name for p in out.iterdir())
    assert ids == sorted({report_id(load_workspace(first)), report_id(load_workspace(second))}) and len(ids) == 2
    assert all(re.fullmatch(r"tiny-[0-9a-f]{6}", i) for i in ids)
    assert a.folder == out / report_id(load_workspace(first)) / "en" / M
    again = _render(tmp_path / "client-a" / ".." / "client-a" / "data", out, two_pages)   # the same folder,
    assert again.folder == a.folder                                                     # however it is named


def test_en_then_zh_keeps_both(tmp_path, two_pages):
    from conftest import write_tiny_park

    ws = write_tiny_park(tmp_path / "tiny")
    out = tmp_path / "out"
    en = _render(ws, out, two_pages, lang="en")
    zh = _render(ws, out, two_pages, lang="zh")
    assert en.folder.parent.name == "en" and zh.folder.parent.name == "zh"
    assert en.folder.parents[1] == zh.folder.parents[1]                   # one workspace, two languages
    for report, lang in ((en, "en"), (zh, "zh")):
        summary = json.loads((report.folder / "summary.json").read_text(encoding="utf-8"))
        assert summary["lang"] == lang and (report.folder / "00_alpha.html").is_file()
        index = (report.folder.parent / "index.html").read_text(encoding="utf-8")   # the index of months,
        assert f'<html lang="{lang}">' in index and f'href="{M}/index.html"' in index   # one per language


def test_only_rerenders_the_named_pages_and_keeps_the_others(tmp_path, two_pages):
    """``--only alpha``: alpha is new; beta is kept as published, with its alert and its table;
    the index, summary.json and tables.xlsx hold both; every page links both."""
    import openpyxl

    from conftest import write_tiny_park

    ws = write_tiny_park(tmp_path / "tiny")
    out = tmp_path / "out"
    first = _render(ws, out, two_pages)
    beta_before = (first.folder / "01_beta.html").read_text(encoding="utf-8")
    _page_notebook(two_pages / "00_alpha.ipynb", "Alpha", "alpha second run")
    _page_notebook(two_pages / "01_beta.ipynb", "Beta", "beta second run", _ALERT)   # not run: stays as it was
    lines: list[str] = []
    again = _render(ws, out, two_pages, only=["alpha"], progress=lines.append)
    folder = again.folder
    assert folder == first.folder
    assert sorted(p.name for p in folder.glob("*.html")) == ["00_alpha.html", "01_beta.html", "index.html"]
    assert "alpha second run" in (folder / "00_alpha.html").read_text(encoding="utf-8")
    beta = (folder / "01_beta.html").read_text(encoding="utf-8")
    assert "beta first run" in beta and "beta second run" not in beta
    assert beta == beta_before                                          # the same pages: the same bar of links
    assert any("01_beta: kept from the earlier run" in line for line in lines), lines
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert [a["notebook"] for a in summary["analyses"]] == ["00_alpha", "01_beta"]
    assert [a["message"] for a in summary["alerts"]] == ["beta alert"]          # the kept page's alert
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="00_alpha.html"' in index and 'href="01_beta.html"' in index and "beta alert" in index
    sheets = openpyxl.load_workbook(folder / "tables.xlsx", read_only=True).sheetnames
    assert sheets[1:] == ["00 Alpha table", "01 Beta table"]
    assert sorted(p.name for p in again.notebooks.glob("*.ipynb")) == ["00_alpha.ipynb", "01_beta.ipynb"]
    for name in ("00_alpha.html", "01_beta.html"):
        nav = re.search(r'<nav class="ecolib-nav"[^>]*>.*?</nav>', (folder / name).read_text(encoding="utf-8"), re.S)
        assert nav and 'href="00_alpha.html"' in nav[0] and 'href="01_beta.html"' in nav[0], name

    third = _render(ws, out, two_pages, only=["beta"])                  # and the other way round
    assert "alpha second run" in (third.folder / "00_alpha.html").read_text(encoding="utf-8")
    assert "beta second run" in (third.folder / "01_beta.html").read_text(encoding="utf-8")
    single = _render(ws, out, two_pages, only=["alpha"], single_file=True).single_file
    text = single.read_text(encoding="utf-8")                           # the one file holds the kept page too
    assert "alpha second run" in text and "beta second run" in text


def test_report_id_names_the_folder_and_a_bad_one_is_a_validate_error(tmp_path, two_pages, capsys):
    from conftest import TINY, write_tiny_park
    from ecolib import cli

    settings = TINY["workspace.yaml"]
    ws = write_tiny_park(tmp_path / "tiny", workspace_yaml=settings + "report_id: lingang-ev_2026\n")
    assert cli.main(["validate", str(ws)]) == 0
    out = tmp_path / "out"
    report = _render(ws, out, two_pages)
    assert report.folder == out / "lingang-ev_2026" / "en" / M
    moved = tmp_path / "elsewhere" / "copy"
    moved.parent.mkdir()
    import shutil

    shutil.copytree(ws, moved)
    assert _render(moved, out, two_pages).folder == report.folder       # stable wherever the folder is
    capsys.readouterr()
    for bad in ("../escape", "a b", ".hidden", "x/y", "-rf", "dot."):
        ws = write_tiny_park(tmp_path / "bad", workspace_yaml=settings + f"report_id: '{bad}'\n")
        assert cli.main(["validate", str(ws)]) == 1, bad
        text = capsys.readouterr().out
        assert "report_id" in text and "cannot name a folder safely" in text, text
    assert not (out / "escape").exists() and sorted(p.name for p in out.iterdir()) == ["lingang-ev_2026"]
