"""The bad-input corpus of tests/corpus/ (issue 8): broken workspaces as park staff produce them.

Every case is either accepted with its documented normalisation (its ``check`` passes and the
warnings are exactly the ones listed) or rejected with exactly the listed messages, each naming
the file, the row and column where they apply, and the problem. Loading never raises, and
``ecolib report`` on a rejected case exits with status 1 before running any notebook, writing
nothing. The expectations live with the cases in tests/corpus/build.py, which also writes the
folders and the README table; two tests keep those in step with it.
"""
from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest

from ecolib import cli, report
from ecolib.workspace import load as workspace_module
from ecolib.report import ReportError, check_workspace
from ecolib.workspace import WorkspaceError, load_workspace, validate_workspace

CORPUS = Path(__file__).resolve().parent / "corpus"


def _load_builder():
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


build = _load_builder()
CASES = {c.name: c for c in build.CASES}
REJECTED = [name for name, c in CASES.items() if c.outcome == "rejected"]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The one clock-dependent rule (a month after the current month) sees 2026-11."""
    monkeypatch.setattr(workspace_module, "current_month", lambda: build.CURRENT_MONTH)


def test_corpus_is_large_and_covers_both_outcomes() -> None:
    assert len(CASES) >= 30
    outcomes = {c.outcome for c in CASES.values()}
    assert outcomes == {"accepted", "rejected"}
    assert len(REJECTED) >= 20
    for c in CASES.values():
        assert (CORPUS / c.name).is_dir(), f"{c.name}: run python tests/corpus/build.py"
        assert c.outcome == "rejected" or c.check is not None, f"{c.name}: an accepted case needs a check"
        assert c.outcome == "accepted" or c.errors, f"{c.name}: a rejected case lists its errors"


@pytest.mark.parametrize("name", list(CASES))
def test_case_is_accepted_or_rejected_exactly_as_documented(name: str) -> None:
    case = CASES[name]
    ws, problems = validate_workspace(CORPUS / name)  # never raises
    errors = [str(p) for p in problems if p.is_error]
    warnings = [str(p).removeprefix("warning: ") for p in problems if not p.is_error]
    assert errors == case.errors
    assert warnings == case.warnings
    if case.outcome == "accepted":
        assert ws is not None
        case.check(ws)
    else:
        assert ws is None
        for problem in problems:
            assert problem.file and problem.message
            # a problem about a file names the file as the user sees it (not a path of ours)
            assert "/" not in problem.file and "\\" not in problem.file


@pytest.mark.parametrize("name", REJECTED)
def test_rejected_case_never_gets_a_report(name: str, tmp_path: Path, monkeypatch, capsys) -> None:
    def no_notebooks(*args, **kwargs):
        raise AssertionError("a rejected workspace must not reach the notebooks")

    monkeypatch.setattr(report, "render_month", no_notebooks)
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(CORPUS / name)
    assert [str(p) for p in caught.value.errors] == CASES[name].errors
    with pytest.raises(ReportError) as caught:
        check_workspace(CORPUS / name)
    assert CASES[name].errors[0] in str(caught.value)

    out = tmp_path / "reports"
    code = cli.main(["report", str(CORPUS / name), "--month", "2026-10", "--out", str(out)])
    assert code == cli.EXIT_PROBLEMS
    assert not out.exists() or not any(out.iterdir())
    assert CASES[name].errors[0] in capsys.readouterr().err


@pytest.mark.parametrize("name", list(CASES))
def test_validate_command_prints_the_problems(name: str, capsys) -> None:
    case = CASES[name]
    code = cli.main(["validate", str(CORPUS / name)])
    printed = capsys.readouterr().out
    assert code == (cli.EXIT_OK if case.outcome == "accepted" else cli.EXIT_PROBLEMS)
    for line in case.errors + case.warnings:
        assert line in printed


def _xlsx_content(path: Path) -> dict:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(path.read_bytes()))  # also a workbook saved as .csv
    return {  # the cells written, not the sheet's whole range (a stray cell in XFD1048576)
        sheet.title: (sorted((key, cell.value) for key, cell in sheet._cells.items()),
                      sorted(str(r) for r in sheet.merged_cells.ranges), sheet.sheet_state,
                      sorted(r for r, d in sheet.row_dimensions.items() if d.hidden))
        for sheet in book.worksheets
    }


def test_committed_folders_are_what_the_builder_writes(tmp_path: Path) -> None:
    build.build(tmp_path)
    for name in CASES:
        committed = sorted(p.name for p in (CORPUS / name).iterdir())
        fresh = sorted(p.name for p in (tmp_path / name).iterdir())
        assert committed == fresh, name
        for file in fresh:
            a, b = CORPUS / name / file, tmp_path / name / file
            if a.read_bytes()[:2] == b"PK":  # workbooks: compare cells and merges, not zip bytes
                assert _xlsx_content(a) == _xlsx_content(b), f"{name}/{file}"
            elif a.read_bytes()[:4] == b"PAR1":  # Parquet: compare the table (the bytes name the writer)
                import pyarrow.parquet as pq
                assert pq.read_table(a).equals(pq.read_table(b)), f"{name}/{file}"
            else:
                assert a.read_bytes() == b.read_bytes(), f"{name}/{file}"


def test_readme_lists_every_case() -> None:
    text = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert text == build.readme(), "run: python tests/corpus/build.py"
    for name in CASES:
        assert f"[`{name}`]({name}/)" in text
