"""The report pipeline end to end: papermill → HTML, offline, escaped, atomic."""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import DEMO, HOSTILE_PARK, ROOT, TINY, write_tiny_park
from ecolib import cli
from ecolib.report import ReportError, plotly_file_name, render, report_folder
from ecolib.analyses.month import analyse
from ecolib.workspace import load_workspace

NOTEBOOKS = ROOT / "notebooks"
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def _ws_dir(ws: Path, out: Path, lang: str = "en") -> Path:
    """``<out>/<report id>/<lang>/``, the workspace's report folder of one language."""
    return report_folder(load_workspace(ws), out, lang)


def _html_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.html") if p.name != "index.html")


@pytest.fixture(scope="module")
def demo_reports(hostile_reports):
    """The demo, 2026-10, every notebook, en and zh: the session's one demo render (conftest.py,
    names and the park's name carry payloads; the numbers are the demo's)."""
    return hostile_reports["en"], hostile_reports["zh"]


def test_report_files_exist(demo_reports):
    en, _ = demo_reports
    folder = en.folder
    assert folder.name == "2026-10" and folder.parent.name == "en"        # <out>/<report id>/<lang>/<month>
    assert folder.parents[1].name == "demo"        # the demo's report_id (a workspace without one: name + hash)
    assert not set('<>/ "') & set(folder.parents[1].name)
    assert (folder / "index.html").is_file() and (folder / "summary.json").is_file()
    notebooks = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert [p.stem for p in _html_files(folder)] == notebooks          # every notebook, picked up by itself
    assert not (folder / "notebooks").exists()                          # analyst material stays out
    assert en.notebooks == folder.parent / "_analyst" / "2026-10" / "notebooks"
    assert sorted(p.stem for p in en.notebooks.glob("*.ipynb")) == notebooks
    [css] = [p.name for p in folder.glob("notebook-*.css")]             # the pages' shared style sheet
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{n}.html" for n in notebooks] + ["index.html", "summary.json", "tables.xlsx", plotly_file_name(), css])
    assert (folder.parent / "index.html").is_file()                    # the series index
    assert not list(folder.parent.glob(".*"))                           # no temporary folder, no lock left


def test_every_page_is_offline_with_figures_and_no_code(demo_reports):
    from plotly.offline import get_plotlyjs
    plotly_js = get_plotlyjs()
    for report in demo_reports:
        assert (report.folder / plotly_file_name()).read_bytes() == plotly_js.encode("utf-8")   # once a month
        for page in _html_files(report.folder):
            text = page.read_text(encoding="utf-8")
            head = text.split("</head>", 1)[0]
            assert text.count('class="plotly-graph-div"') >= 3, page
            assert plotly_js[:120] not in text, f"plotly.js is inlined in {page.name}"
            assert re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", text) == [plotly_file_name()], page
            assert head.index(f'src="{plotly_file_name()}"') < text.index("Plotly.newPlot")
            links = re.findall(r'<link rel="stylesheet" type="text/css" href="([^"]+)">', head)
            assert len(links) == 1 and (report.folder / links[0]).is_file() and "<style" not in head, page
            assert len(text.encode("utf-8")) < 400_000, f"{page.name}: {len(text.encode())} bytes"
            assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", text), page
            assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", text), page
            assert not re.search(r'class="[^"]*(jp-InputArea|jp-InputPrompt|jp-CodeMirrorEditor)', text), page
            assert "ctx.show(" not in text and "import " not in text.split("<script", 1)[0]
            assert "Traceback" not in text


def test_index_and_summary(demo_reports):
    en, _ = demo_reports
    summary = json.loads((en.folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["month"] == "2026-10" and summary["lang"] == "en" and summary["workspace"] == HOSTILE_PARK
    overview = next(a for a in summary["analyses"] if a["notebook"] == "00_overview")
    assert overview["headline"]["local_firms"] > 250
    assert overview["cards"] and overview["title"] == "Park overview"
    index = (en.folder / "index.html").read_text(encoding="utf-8")
    assert 'href="00_overview.html"' in index and "plotly" not in index.lower()
    for label, value in overview["cards"]:
        assert value in index


def _nav_links(text: str) -> list[tuple[str, str, bool]]:
    """The bar of links of a page: (link, text, is the current page), in order."""
    import html

    [nav] = re.findall(r'<nav class="ecolib-nav"[^>]*>(.*?)</nav>', text, re.S)       # one bar
    return [(html.unescape(href), html.unescape(label), bool(current)) for href, current, label in
            re.findall(r'<a href="([^"]*)"( aria-current="page")?>(.*?)</a>', nav)]


def test_every_page_links_the_brief_the_glossary_and_every_other_page(demo_reports):
    """A bar at the top of every page of the month (the brief, each analysis page, the series
    index) links the brief, every analysis page by its title in the report's language and the
    glossary on the brief; the page it is on is marked; print hides it."""
    from ecolib.presentation.i18n import t

    for report in demo_reports:
        lang, analyses = report.summary["lang"], report.summary["analyses"]
        expected = ([("index.html", t("report.nav.brief", lang))] + [(a["html"], a["title"]) for a in analyses]
                    + [("index.html#glossary", t("report.nav.glossary", lang)), ("../index.html", t("report.nav.months", lang))])
        for name in ["index.html"] + [a["html"] for a in analyses]:
            text = (report.folder / name).read_text(encoding="utf-8")
            links = _nav_links(text)
            assert [(h, label) for h, label, _ in links] == expected, (lang, name, links)
            assert [h for h, _, current in links if current] == [name], (lang, name)
            assert text.index('class="ecolib-nav"') < text.index("<h1"), name          # at the top
        assert 'id="glossary"' in (report.folder / "index.html").read_text(encoding="utf-8")
        assert all(a["title"] != a["notebook"] for a in analyses)                      # titles, not file names
    _, zh = demo_reports
    assert [label for _, label, _ in _nav_links((zh.folder / "index.html").read_text(encoding="utf-8"))][:2] == [
        "月度简报", "园区概览"]
    css = (demo_reports[0].folder / "index.html").read_text(encoding="utf-8")
    assert re.search(r"@media print \{.*?\.ecolib-nav \{ display: none; \}", css)


def test_client_files_name_no_path_of_this_machine(demo_reports, hostile_demo):
    """html, json and xlsx go to clients: no path of this machine, no link to the executed
    notebooks (they carry analyst notes and paths, and stay in _analyst/)."""
    import sys
    import zipfile

    workspace = str(hostile_demo.resolve())
    secrets = {str(ROOT), str(DEMO.resolve()), workspace, sys.prefix, str(Path.home())}
    for report in demo_reports:
        secrets |= {str(report.folder.parents[2])}
        files = sorted(report.folder.iterdir()) + [report.folder.parent / "index.html"]
        assert {p.suffix for p in files} == {".html", ".json", ".xlsx", ".js", ".css"}
        for path in files:
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as book:
                    texts = [book.read(n).decode("utf-8") for n in book.namelist()]
            else:
                texts = [path.read_text(encoding="utf-8")]
            for text in texts:
                leaked = [s for s in secrets if s in text]
                assert not leaked, (path.name, leaked)
        index = (report.folder / "index.html").read_text(encoding="utf-8")
        assert "notebooks/" not in index and ".ipynb" not in index
        assert workspace in (report.notebooks / "00_overview.ipynb").read_text(encoding="utf-8")


def test_tables_xlsx_has_every_table_with_translated_headers(demo_reports):
    import openpyxl

    en, zh = demo_reports
    book = openpyxl.load_workbook(en.folder / "tables.xlsx", read_only=True)
    assert book.sheetnames[0] == "About"
    zones = book["00 Zones at a glance"]
    rows = list(zones.values)
    assert rows[0][:3] == ("Zone", "Firms", "Anchor firms")
    assert rows[-1][0] == "Total" and isinstance(rows[-1][1], int)      # numbers stay numbers
    assert "00 Largest local firms" in book.sheetnames
    zh_book = openpyxl.load_workbook(zh.folder / "tables.xlsx", read_only=True)
    assert "00 各片区概况" in zh_book.sheetnames and zh_book.sheetnames[0] == "说明"
    assert 'href="tables.xlsx"' in (en.folder / "index.html").read_text(encoding="utf-8")


def test_chinese_report_has_chinese_headings(demo_reports):
    _, zh = demo_reports
    page = (zh.folder / "00_overview.html").read_text(encoding="utf-8")
    for heading in ("园区概览", "按阶段与片区划分的企业", "主要发现", "各片区概况"):
        assert heading in page
    for english in ("Firms by stage and zone", "Findings", "Zones at a glance"):
        assert english not in page
    assert '<html lang="zh">' in page
    assert "园区概览" in (zh.folder / "index.html").read_text(encoding="utf-8")


def test_hostile_firm_names_are_escaped(tmp_path):
    # the tiny park with hostile names on its two largest firms
    text = TINY["firms.csv"].replace("Cell Co", HOSTILE[0]).replace("Cathode Co", HOSTILE[1])
    ws = write_tiny_park(tmp_path / "hostile", firms_csv=text)
    report = render(ws, ["2026-03"], out=tmp_path / "out", progress=lambda s: None, only=["overview"])[0]
    page = (report.folder / "00_overview.html").read_text(encoding="utf-8")
    for name in HOSTILE:
        assert name not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def _broken_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "ecolib", "display_name": "Python (ecolib)", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('workspace = ""\nmonth = ""\nlang = "en"\ninteractive = True',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("raise ValueError('planted failure')")]
    path = folder / "01_broken.ipynb"
    nbformat.write(nb, path)
    return path


def test_failing_notebook_keeps_earlier_report(tmp_path, capsys):
    ws = write_tiny_park(tmp_path / "tiny")
    out = tmp_path / "out"
    good = render(ws, ["2026-03"], out=out, only=["overview"], progress=lambda s: None)[0]   # runner mechanics:
    before = {p.name: p.read_bytes() for p in good.folder.iterdir() if p.is_file()}       # one real notebook

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(NOTEBOOKS / "00_overview.ipynb", notebooks)
    _broken_notebook(notebooks)
    code = cli.main(["report", str(ws), "--month", "2026-03", "--out", str(out), "--notebooks", str(notebooks)])
    err = capsys.readouterr().err
    assert code == 1
    assert "01_broken.ipynb" in err and "cell 3" in err and "planted failure" in err
    after = {p.name: p.read_bytes() for p in good.folder.iterdir() if p.is_file()}
    assert after == before                                            # earlier report untouched
    assert (_ws_dir(ws, out) / "_failed" / "2026-03" / "01_broken.ipynb").is_file()
    assert not list(_ws_dir(ws, out).glob(".2026-03*"))                 # nothing half-written


def test_report_rejects_bad_month_and_bad_workspace(tmp_path, capsys):
    ws = write_tiny_park(tmp_path / "tiny")
    assert cli.main(["report", str(ws), "--month", "2027-01", "--out", str(tmp_path / "o")]) == 1
    assert "no data for 2027-01" in capsys.readouterr().err
    assert cli.main(["report", str(ws), "--month", "2026-13", "--out", str(tmp_path / "o")]) == 2
    broken = write_tiny_park(tmp_path / "broken", flows_csv="month,source,target,value\n2026-01,F1,F9999,10\n")
    assert cli.main(["report", str(broken), "--month", "2026-01", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "F9999" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_only_unknown_notebook_is_a_clear_error(tmp_path):
    ws = write_tiny_park(tmp_path / "tiny")
    with pytest.raises(ReportError, match="no notebook called 'nope'"):
        render(ws, ["2026-03"], out=tmp_path / "o", only=["nope"], progress=lambda s: None)


def test_killed_run_leaves_earlier_report_and_rerun_is_identical(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    ws = write_tiny_park(tmp_path / "tiny")
    out = tmp_path / "out"
    good = render(ws, ["2026-03"], out=out, only=["overview"], progress=lambda s: None)[0]   # runner mechanics:
    before = {p.name: p.read_bytes() for p in good.folder.iterdir() if p.is_file()}       # one real notebook

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(NOTEBOOKS / "00_overview.ipynb", notebooks)
    slow = nbformat.v4.new_notebook()
    slow.metadata["kernelspec"] = {"name": "ecolib", "display_name": "Python (ecolib)", "language": "python"}
    marker = tmp_path / "slow-started"
    slow.cells = [nbformat.v4.new_code_cell(f"import pathlib, time\npathlib.Path({str(marker)!r}).touch()\n"
                                            "time.sleep(120)")]
    nbformat.write(slow, notebooks / "01_slow.ipynb")
    proc = subprocess.Popen([sys.executable, "-m", "ecolib.cli", "report", str(ws), "--month", "2026-03", "--out",
                             str(out), "--notebooks", str(notebooks)], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not marker.exists() and proc.poll() is None:   # the slow one runs
        time.sleep(0.2)
    partial = list(_ws_dir(ws, out).glob(".2026-03.partial-*"))
    assert marker.exists() and partial, proc.communicate()[0]
    os.killpg(proc.pid, signal.SIGKILL)                       # the process, mid-way (its kernels, in
    proc.wait()                                               # sessions of their own, see it go and end)

    after = {p.name: p.read_bytes() for p in good.folder.iterdir() if p.is_file()}
    assert after == before                                    # the published month is intact
    visible = [p.name for p in _ws_dir(ws, out).iterdir() if not p.name.startswith(".")]
    assert sorted(visible) == ["2026-03", "_analyst", "index.html"]   # nothing half-written looks like a report
    for leftover in _ws_dir(ws, out).glob(".2026-03.*"):
        assert not list(leftover.rglob("index.html")) and not list(leftover.rglob("summary.json"))

    again = render(ws, ["2026-03"], out=out, only=["overview"], progress=lambda s: None)[0]
    assert (again.folder / "summary.json").read_bytes() == before["summary.json"]   # same inputs, same summary
    assert not list(_ws_dir(ws, out).glob(".2026-03.*"))       # the rerun cleaned up


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_is_committed_clean(path):
    """Every notebook: the ecolib kernel, no outputs, a first code cell of tagged parameters."""
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"] == {"name": "ecolib", "display_name": "Python (ecolib)", "language": "python"}
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    for name in ("workspace", "month", "lang", "interactive"):
        assert re.search(rf"^{name} = ", code[0].source, re.M), name


def _tiny_notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "ecolib", "display_name": "Python (ecolib)", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('workspace = ""\nmonth = ""\nlang = "en"\ninteractive = True',
                                          metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(s) for s in sources)]
    nbformat.write(nb, path)
    return path


def test_the_first_failing_notebook_in_order_is_reported(tmp_path):
    """Notebooks run side by side; when two fail, the run names the first in order (as a run one
    after another would), even if the later one fails first."""
    ws = write_tiny_park(tmp_path / "tiny")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _tiny_notebook(notebooks / "00_late.ipynb", "import time\ntime.sleep(3)", "raise ValueError('late failure')")
    _tiny_notebook(notebooks / "01_early.ipynb", "raise ValueError('early failure')")
    _tiny_notebook(notebooks / "02_never.ipynb", "x = 1")
    with pytest.raises(ReportError, match=r"notebook 00_late\.ipynb failed in cell 3 .*late failure") as caught:
        render(ws, ["2026-03"], out=tmp_path / "out", notebooks_dir=notebooks, progress=lambda s: None)
    assert "early" not in str(caught.value)
    assert [p.name for p in (_ws_dir(ws, tmp_path / "out") / "_failed" / "2026-03").iterdir()] == ["00_late.ipynb"]
    assert not (_ws_dir(ws, tmp_path / "out") / "2026-03").exists()
    assert not list(_ws_dir(ws, tmp_path / "out").glob(".2026-03*"))


def test_a_kernel_runs_each_notebook_in_a_fresh_namespace(tmp_path, monkeypatch):
    """One kernel for three notebooks (ECOLIB_REPORT_WORKERS=1): each starts with nothing of the
    one before (names, working directory) and counts its cells from In [1]."""
    import os

    monkeypatch.setenv("ECOLIB_REPORT_WORKERS", "1")
    ws = write_tiny_park(tmp_path / "tiny")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    check = ("import os\nassert 'leak' not in globals(), 'a name of the notebook before'\n"
             f"assert os.getcwd() == {str(notebooks.resolve())!r}, os.getcwd()\nleak = os.getpid()\nos.chdir('/')")
    for name in ("00_a", "01_b", "02_c"):
        _tiny_notebook(notebooks / f"{name}.ipynb", check, "print(leak)")
    report = render(ws, ["2026-03"], out=tmp_path / "out", notebooks_dir=notebooks, progress=lambda s: None)[0]
    pids = set()
    for name in ("00_a", "01_b", "02_c"):
        nb = nbformat.read(report.notebooks / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), name
        pids.add(code[-1].outputs[0]["text"].strip())
    assert len(pids) == 1 and str(os.getpid()) not in pids                   # one kernel, not this process
    assert os.getcwd() != "/"


def test_the_months_of_one_run_share_their_kernels_and_the_model_before(tmp_path, monkeypatch):
    """Three months in two languages in one run: the kernels start once and serve every month
    and language (the same kernel process, ECOLIB_REPORT_WORKERS=1); each month's model is
    computed once for both languages; each month's brief compares with the model the run has
    just computed (not a second model of that month); and its summary is the one a run of that
    month alone writes."""
    from ecolib import report as runner
    from ecolib.analyses.month import MonthModel

    monkeypatch.setenv("ECOLIB_REPORT_WORKERS", "1")
    ws = write_tiny_park(tmp_path / "tiny")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _tiny_notebook(notebooks / "00_a.ipynb", "import os\nprint(os.getpid())")
    previous = MonthModel.previous
    given = []

    def spy(self):
        model = previous(self)
        given.append((self.month, None if model is None else (model.month, "brief" in model.computed())))
        return model

    monkeypatch.setattr(MonthModel, "previous", spy)
    analysed = []

    def counted(ws, month, **options):
        analysed.append(month)
        return analyse(ws, month, **options)

    monkeypatch.setattr(runner, "analyse", counted)
    reports = render(ws, ["2026-01", "2026-02", "2026-03"], lang=["en", "zh"], out=tmp_path / "out",
                     notebooks_dir=notebooks, progress=lambda s: None)
    assert [(r.summary["month"], r.summary["lang"]) for r in reports] == [
        (m, code) for m in ("2026-01", "2026-02", "2026-03") for code in ("en", "zh")]
    pids = {nbformat.read(r.notebooks / "00_a.ipynb", as_version=4).cells[-1].outputs[0]["text"].strip()
            for r in reports}
    assert len(pids) == 1                                                     # one kernel for the whole run
    assert analysed == ["2026-01", "2026-02", "2026-03"]                      # once a month, for both languages
    assert given == [("2026-01", None), ("2026-02", ("2026-01", True)), ("2026-03", ("2026-02", True))]
    alone = render(ws, ["2026-03"], out=tmp_path / "alone", notebooks_dir=notebooks, progress=lambda s: None)[0]
    assert given[-1] == ("2026-03", ("2026-02", False))                        # alone: a fresh model of February
    for key in ("brief", "figures", "alerts"):
        assert alone.summary[key] == reports[-2].summary[key], key


def test_a_kernel_that_cannot_be_started_early_is_left_to_papermill(tmp_path, monkeypatch):
    """If the runner's own kernel does not start, papermill starts one for the notebook, as in a
    run one after another: the report is the same."""
    from ecolib import report as runner

    def refuse(self, slot):
        raise RuntimeError("no kernel today")

    monkeypatch.setattr(runner._Kernels, "_start_kernel", refuse)
    ws = write_tiny_park(tmp_path / "tiny")
    result = render(ws, ["2026-03"], out=tmp_path / "out", only=["overview"], progress=lambda s: None)[0]
    page = (result.folder / "00_overview.html").read_text(encoding="utf-8")
    assert page.count('class="plotly-graph-div"') >= 3 and (result.folder / plotly_file_name()).is_file()


def _month_summary(folder: Path, month: str, lang: str, figures: list[dict] | None, alerts=()) -> None:
    (folder / month).mkdir(parents=True)
    summary = {"workspace": "demo", "month": month, "lang": lang, "analyses": [], "alerts": list(alerts)}
    if figures is not None:
        summary["figures"] = figures
    (folder / month / "summary.json").write_text(json.dumps(summary), encoding="utf-8")


def _figure(fid: str, value, text: str, better="higher", label=None) -> dict:
    return {"id": fid, "label": label or fid.title(), "text": text, "value": value, "better": better}


def test_the_index_of_months_shows_the_trend_of_the_headline_figures(tmp_path):
    """The index of months: a row per month with figures (newest first), a column per headline
    figure with its change since the month before it (up / down / tie at the precision shown;
    better or worse by the figure's direction), a trend line per figure; a month rendered
    before the brief existed has no figures and is left out of that table but not of the list."""
    from ecolib.report import series_index

    ws = tmp_path / "demo"
    _month_summary(ws, "2026-07", "en", None)                                   # an old render
    _month_summary(ws, "2026-08", "en", [_figure("firms", 290, "290"), _figure("alerts", 4, "4", "lower"),
                                         _figure("share", 0.3049, "30.5%")])
    _month_summary(ws, "2026-09", "en", [_figure("firms", 292, "292"), _figure("alerts", 2, "2", "lower"),
                                         _figure("share", 0.3051, "30.5%"), _figure("mood", 1, "1", None)])
    _month_summary(ws, "2026-10", "en", [_figure("firms", 291, "291"), _figure("alerts", 3, "3", "lower"),
                                         _figure("share", 0.3083, "30.8%"), _figure("mood", None, "not reported", None)],
                   alerts=[{"severity": "critical", "status": "new", "metric": "m"},
                           {"severity": "warning", "status": "ongoing", "metric": "n"}])
    page = series_index(ws, park="Demo <Park>", lang="en", footer="f")
    table = page[page.index('class="ecolib-table ecolib-series"'):page.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1])
    assert [re.search(r'href="([^"]+)"', r).group(1) for r in rows] == [
        "2026-10/index.html", "2026-09/index.html", "2026-08/index.html"]       # 2026-07 has no figures
    newest = re.findall(r"<td([^>]*)>(.*?)</td>", rows[0])[1:]
    assert newest[0] == (' class="num worse" title="worse (2026-09)"', '291 <span aria-label="worse (2026-09)">▼</span>')
    assert newest[1][0] == ' class="num worse" title="worse (2026-09)"' and "▲" in newest[1][1]   # more alerts: worse
    assert newest[2][0].startswith(' class="num better"') and "▲" in newest[2][1]
    assert newest[3] == (' class="num"', "not reported")                        # missing is not a change
    middle = re.findall(r"<td([^>]*)>(.*?)</td>", rows[1])[1:]
    assert middle[2][0].startswith(' class="num same"') and "=" in middle[2][1]   # 30.5% and 30.5%: a tie
    oldest = re.findall(r"<td([^>]*)>(.*?)</td>", rows[2])[1:]
    assert oldest[3] == (' class="num"', "–") and all("span" not in c for _, c in oldest)   # first month: no arrow
    assert table.count('<svg class="spark"') == 3                               # firms, alerts, share (mood: one value)
    assert "<script" not in page and "Demo &lt;Park&gt;" in page
    months = page[page.index('id="reports"'):]
    assert [m for m in re.findall(r'href="(2026-\d\d)/index.html"', months)] == ["2026-10", "2026-09", "2026-08", "2026-07"]
    assert "Level 1 (critical): 1, Level 2 (warning): 1" in html.unescape(months)

    zh = series_index(ws, park="园区", lang="zh", footer="f")
    assert "2026年10月" in zh and ">2026-10<" not in zh
    zh_months = zh[zh.index('id="reports"'):]
    assert "：1、" in zh_months and ", " not in zh_months and ": " not in zh_months


def test_the_index_of_months_without_figures_says_so(tmp_path):
    from ecolib.report import series_index

    _month_summary(tmp_path / "ws", "2026-10", "en", None)
    page = series_index(tmp_path / "ws", park="P", lang="en", footer="f")
    assert "<table class=\"ecolib-table ecolib-series\"" not in page and "render them again" in page and 'href="2026-10/index.html"' in page
