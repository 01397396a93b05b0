"""Hostile and broken input files (issue 12, the loader part): each is one clear message.

Every case here is refused or read safely, never with a traceback, and what the loader prints
stays small whatever the file holds: a link out of the workspace folder is not followed, a YAML
alias bomb is stopped before it is built, a workbook's declared size is not believed, a value
quoted in a message is clipped. Cases that are a folder of ordinary files live in the corpus
(tests/corpus/); the ones that need a symbolic link, a huge file or a monkeypatched error are
built here in a temporary folder. No assertion is about time: each case must finish with the
exact outcome (a hung case would time the run out).
"""
from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from conftest import TINY, write_tiny_park

from ecolib.presentation.names import action_of, name_of
from ecolib import cli
from ecolib.workspace.load import ROW_LIMIT, Problem, load_workspace, validate_workspace


def messages(folder: Path) -> list[str]:
    """Every problem of the workspace as ``ecolib validate`` prints it; loading never raises."""
    ws, problems = validate_workspace(folder)
    assert (ws is None) == any(p.is_error for p in problems)
    return [str(p) for p in problems]


def printed(folder: Path, capsys) -> str:
    cli.main(["validate", str(folder)])
    return capsys.readouterr().out


# --------------------------------------------------------------------------- workspace.yaml


def _alias_bomb(levels: int = 9) -> str:
    """The 'billion laughs': nine lists of nine aliases of the list before, under rules."""
    text = 'name: bomb\nrules:\n  - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for previous, name in zip("abcdefghi", "bcdefghij"[: levels - 1]):
        text += f"  - &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    return text


def test_yaml_alias_bomb_is_refused_with_one_message(tmp_path: Path, capsys) -> None:
    folder = write_tiny_park(tmp_path / "bomb", workspace_yaml=_alias_bomb())
    assert len((folder / "workspace.yaml").read_bytes()) < 400
    tracemalloc.start()
    assert messages(folder) == [
        "workspace.yaml: the file holds more than 10,000 values once its YAML aliases (*name) are expanded; "
        "settings are a few lines: write them out in full, without aliases"
    ]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50_000_000  # the document is never built (it would take gigabytes)
    assert len(printed(folder, capsys)) < 1_000


def test_yaml_aliases_that_expand_a_little_are_fine(tmp_path: Path) -> None:
    text = ("name: t\nrules:\n  - {metric: talent_gap, threshold: 0.2, action: &act Train people}\n"
            "  - {metric: policy_compliance, threshold: 0.6, action: *act}\n")
    ws = load_workspace(write_tiny_park(tmp_path / "p", workspace_yaml=text))
    rules = {r.id: r for r in ws.settings.rules}
    assert [action_of(rules[r], "en") for r in ("talent_gap", "policy_compliance")] == ["Train people", "Train people"]


def test_self_referencing_yaml_alias_is_refused(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml="name: t\nrules: &r\n  - *r\n")
    assert messages(folder) == [
        "workspace.yaml: the file holds more than 10,000 values once its YAML aliases (*name) are expanded; "
        "settings are a few lines: write them out in full, without aliases"
    ]


def test_values_quoted_from_settings_are_clipped(tmp_path: Path, capsys) -> None:
    long = "x" * 5_000
    text = (f"name: t\nwindow: {long}\nrules:\n  - [{', '.join(['1'] * 2_000)}]\n"
            + "".join(f"  - not a rule {n}\n" for n in range(100)) + f"{long[:900]}: 1\n")
    folder = write_tiny_park(tmp_path / "p", workspace_yaml=text)
    found = messages(folder)
    assert found[:2] == [
        "warning: workspace.yaml, key " + "x" * 59 + "…: not a known setting, ignored",
        "workspace.yaml, key window: expected a whole number of months from 1 to 240, got '" + "x" * 59 + "…'",
    ]
    rules = [m for m in found if m.startswith("workspace.yaml, key rules")]
    assert rules[0] == ("workspace.yaml, key rules: entry 1: expected a mapping such as `metric: talent_gap` "
                        "followed by `threshold: 0.2`, got [1, 1, 1, 1, ...]")
    assert len(rules) == ROW_LIMIT + 1  # twenty, then a count
    assert rules[-1] == "workspace.yaml, key rules: ... and 81 more problems under this key"
    assert max(len(m) for m in found) < 300
    assert len(printed(folder, capsys)) < 6_000


def test_a_huge_settings_file_is_not_read(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml="name: t\n# " + "x" * 1_200_000 + "\n")
    assert messages(folder) == [
        "workspace.yaml: the file is 1.2 MB, too big for settings (at most 1 MB): it is not read; keep only "
        "the settings in it"
    ]


def test_deeply_nested_yaml_is_one_message(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml="rules: " + "[" * 5_000 + "]" * 5_000 + "\n")
    assert messages(folder) == [
        "workspace.yaml: the settings are nested too deeply to be read (lists inside lists, hundreds deep); "
        "settings are a few plain lines"
    ]


def test_a_number_with_thousands_of_digits_is_one_message(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml="window: " + "9" * 6_000 + "\n")
    (problem,) = messages(folder)
    assert problem.startswith("workspace.yaml: a value cannot be read: ")
    assert len(problem) < 200


@pytest.mark.parametrize("name, reason", [
    ('"Riverside\\0Park"', "the text holds a control character (\\x00: a NUL, a tab or a line break); write it "
                           "on one line of plain characters"),
    ("|\n  Riverside\n  Park", "the text holds a control character (\\x0a: a NUL, a tab or a line break); write "
                               "it on one line of plain characters"),
    ("x" * 300, "the text is 300 characters long; at most 100 are allowed: shorten it"),
    ("🌊" * 70, "the name is too long to name the report folder (280 bytes in UTF-8, at most 255): shorten it"),
])
def test_workspace_name_must_fit_a_folder_name(tmp_path: Path, name: str, reason: str) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml=f"name: {name}\n")
    assert messages(folder) == [f"workspace.yaml, key name: {reason}"]


def test_a_misspelt_threshold_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    text = "name: t\nthresholds:\n  niche_overlapp: 0.5\n  broken_link_share: 0.2\n"
    folder = write_tiny_park(tmp_path / "p", workspace_yaml=text)
    assert messages(folder) == [
        "workspace.yaml, key thresholds.niche_overlapp: not a key of thresholds (the keys are broken_link_share, "
        "dependence_share, niche_overlap, niche_min_firms, niche_min_share, broken_link_min_value), so it would be ignored (did you mean 'niche_overlap'?)"
    ]


def test_every_threshold_is_checked_at_load(tmp_path: Path) -> None:
    text = "name: t\nthresholds:\n  broken_link_share: 3\n"
    assert messages(write_tiny_park(tmp_path / "p", workspace_yaml=text)) == [
        "workspace.yaml, key thresholds.broken_link_share: expected a share greater than 0 and at most 1 (like 0.1 "
        "or 10%), got 3"
    ]


def test_a_key_given_twice_names_both_lines(tmp_path: Path) -> None:
    text = ("name: t\nwindow: 3\ncurrency: CNY\nwindow: 6\npriority_weights:\n  importance: 0.5\n"
            "  importance: 0.3\nrules:\n  - metric: talent_gap\n    threshold: 0.2\n    threshold: 0.3\n")
    folder = write_tiny_park(tmp_path / "p", workspace_yaml=text)
    assert messages(folder) == [
        "workspace.yaml line 4, key window: given twice (lines 2 and 4); only the last would count: delete the "
        "one you do not mean",
        "workspace.yaml line 7, key priority_weights.importance: given twice (lines 6 and 7); only the last "
        "would count: delete the one you do not mean",
        "workspace.yaml line 11, key rules[1].threshold: given twice (lines 10 and 11); only the last would "
        "count: delete the one you do not mean",
    ]


def test_problem_messages_have_a_bounded_size() -> None:
    problem = Problem("flows.csv", 2, "x" * 500, "y" * 5_000)
    assert len(str(problem)) < 700


# --------------------------------------------------------------------------- files that are links


SECRET = "SECRET_TOKEN=do-not-print-me"


@pytest.mark.parametrize("name", ["firms.csv", "candidates.csv", "flows.parquet", "workspace.xlsx", "workspace.yaml"])
def test_a_link_out_of_the_folder_is_refused_unread(tmp_path: Path, capsys, name: str) -> None:
    outside = tmp_path / "elsewhere" / "data.csv"
    outside.parent.mkdir()
    outside.write_text(f"{SECRET},firm_id\n{SECRET},x\n", encoding="utf-8")
    folder = write_tiny_park(tmp_path / "park")
    (folder / name).unlink(missing_ok=True)
    os.symlink(outside, folder / name)
    found = messages(folder)
    assert found[0] == (f"{name}: not read: it is a link to a file outside the workspace folder, and such files "
                        "are never read; copy the file into the folder instead")
    if name in ("candidates.csv", "flows.parquet", "workspace.yaml"):  # optional: nothing else is wrong
        assert found == found[:1]
    out = printed(folder, capsys)
    assert SECRET not in out and str(outside) not in out


def test_a_relative_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "park")
    write_tiny_park(tmp_path / "other")
    os.symlink("../other/candidates_secret.csv", folder / "candidates.csv")
    (tmp_path / "other" / "candidates_secret.csv").write_text(f"firm_id,name,node_id\n{SECRET},x,N.LI\n")
    assert messages(folder) == [
        "candidates.csv: not read: it is a link to a file outside the workspace folder, and such files are never "
        "read; copy the file into the folder instead"
    ]


def test_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "park")
    (folder / "firms.csv").rename(folder / "firms-2026-10.dat")
    os.symlink("firms-2026-10.dat", folder / "firms.csv")
    assert load_workspace(folder).firms["firm_id"].tolist() == ["F1", "F2", "F3", "F4", "X1"]


def test_the_workspace_folder_may_itself_be_a_link(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "park")
    os.symlink(folder, tmp_path / "alias")
    assert len(load_workspace(tmp_path / "alias").firms) == 5


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.mkdir(), "it is a folder, not a file"),
    (lambda p: os.mkfifo(p), "it is not a regular file (a pipe, a socket or a device)"),
    (lambda p: os.symlink("nothing-here.csv", p), "it is a link to a file that does not exist"),
    (lambda p: (os.symlink(p.with_name("b.csv"), p), os.symlink(p, p.with_name("b.csv"))),
     "it is a link that leads nowhere (a loop of links)"),
])
def test_a_table_name_that_is_not_a_file_is_one_message(tmp_path: Path, make, reason: str) -> None:
    folder = write_tiny_park(tmp_path / "park")
    (folder / "flows.csv").unlink()
    make(folder / "flows.csv")
    assert messages(folder) == [f"flows.csv: not read: {reason}"]


def test_a_settings_folder_is_one_message(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "park")
    (folder / "workspace.yaml").unlink()
    (folder / "workspace.yaml").mkdir()
    assert messages(folder) == ["workspace.yaml: not read: it is a folder, not a file"]


# --------------------------------------------------------------------------- workbooks


def _workbook(folder: Path, edit=None) -> Path:
    """The tiny park as workspace.xlsx (cells as text, like a template), changed by ``edit``."""
    import csv
    import io
    from textwrap import dedent

    from openpyxl import Workbook

    folder.mkdir(parents=True)
    book = Workbook()
    book.remove(book.active)
    for name, text in TINY.items():
        if name.endswith(".csv"):
            sheet = book.create_sheet(name[:-4])
            for row in csv.reader(io.StringIO(dedent(text))):
                sheet.append(row)
    if edit:
        edit(book)
    book.save(folder / "workspace.xlsx")
    (folder / "workspace.yaml").write_text("name: book\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("cell, value", [("XFD1048576", " "), ("OJ1000000", "x"), ("XFD1048576", "x")])
def test_a_stray_cell_far_away_costs_nothing(tmp_path: Path, cell: str, value: str) -> None:
    def stray(book) -> None:
        book["flows"][cell] = value

    folder = _workbook(tmp_path / "book", stray)
    assert (folder / "workspace.xlsx").stat().st_size < 20_000
    tracemalloc.start()
    ws, problems = validate_workspace(folder)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100_000_000  # the declared range would be 17 billion cells (128 GiB)
    assert ws is not None and len(ws.flows) == 6
    column = cell.rstrip("0123456789")
    expected = [] if value == " " else [
        f"warning: workspace.xlsx [flows] row 1: column {column} has data (from row {cell[len(column):]}) but no "
        "name in the header row; it is ignored"]
    assert [str(p) for p in problems] == expected


def test_many_formulas_without_a_saved_value_are_grouped(tmp_path: Path) -> None:
    def formulas(book) -> None:
        sheet = book["flows"]
        for row in range(2, 8):
            sheet[f"D{row}"] = f"=D{row + 1}*2"
        for row in range(8, 40):
            sheet[f"D{row}"] = "=1+1"
            for col in "ABC":
                sheet[f"{col}{row}"] = sheet[f"{col}2"].value
        sheet["F1"] = '=UPPER("note")'  # a header cell made by a formula

    found = messages(_workbook(tmp_path / "book", formulas))
    assert found[0] == (
        "workspace.xlsx [flows] row 2, column value: cell D2 holds a formula with no saved value (the program "
        "that wrote the workbook did not calculate it), so it would be read as empty; open and save the workbook "
        "in Excel, or paste the values")
    assert found[ROW_LIMIT] == ("workspace.xlsx [flows], column value: ... and 18 more rows with the same problem "
                                "(formulas with no saved value)")
    assert found[ROW_LIMIT + 1].startswith("workspace.xlsx [flows] row 1: cell F1 holds a formula with no saved")
    assert len(found) == ROW_LIMIT + 2


def test_filtered_rows_in_many_ranges_are_one_warning(tmp_path: Path) -> None:
    def hide(book) -> None:
        sheet = book["firms"]
        for row in (2, 4, 6):
            sheet.row_dimensions[row].hidden = True
        sheet.row_dimensions[50].hidden = True  # a hidden blank row: nothing to say

    ws = load_workspace(_workbook(tmp_path / "book", hide))
    assert len(ws.firms) == 5
    assert [str(p) for p in ws.warnings] == [
        "warning: workspace.xlsx [firms] row 2: 3 rows of data are hidden in Excel (filtered out or hidden by "
        "hand): rows 2, 4, 6; they are read like every other row: delete them from the sheet if they should not "
        "count"]


def test_a_broken_workbook_is_one_message_without_a_path(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "workspace.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert messages(folder) == [
        "workspace.xlsx: the workbook cannot be opened: it is not an Excel .xlsx workbook (an .xlsx is a zip "
        "archive of sheets); save it again from Excel as \"Excel Workbook (*.xlsx)\""]


# --------------------------------------------------------------------------- CSV and Parquet


def test_ten_thousand_unnamed_columns_are_one_warning(tmp_path: Path, capsys) -> None:
    folder = write_tiny_park(tmp_path / "p")
    lines = (folder / "flows.csv").read_text().splitlines()
    (folder / "flows.csv").write_text("\n".join(
        [lines[0] + "," * 10_000] + [line + ",v" * 10_000 for line in lines[1:]]) + "\n")
    assert messages(folder) == [
        "warning: flows.csv row 1: 10,000 columns have data but no name in the header row: F, G, H, I, J and "
        "9,995 more; they are ignored"]
    assert len(printed(folder, capsys).splitlines()) < 10


def test_thousands_of_unknown_columns_are_counted(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p")
    lines = (folder / "kpis.csv").read_text().splitlines()
    extra = [f"extra_{n}" for n in range(3_000)]
    (folder / "kpis.csv").write_text("\n".join(
        [lines[0] + "," + ",".join(extra)] + [line + ",1" * 3_000 for line in lines[1:]]) + "\n")
    found = messages(folder)
    assert found[:2] == ["warning: kpis.csv, column extra_0: not a column of this table, ignored",
                         "warning: kpis.csv, column extra_1: not a column of this table, ignored"]
    assert found[ROW_LIMIT:] == [
        "warning: kpis.csv: ... and 2,980 more columns that are not columns of this table, ignored"]

    # and a required column missing lists a few of the columns found, not all of them
    (folder / "kpis.csv").write_text(",".join(extra) + "\n" + ",".join(["1"] * 3_000) + "\n")
    missing = [m for m in messages(folder) if "required column" in m]
    assert missing[0].startswith("kpis.csv, column month: the required column 'month' is missing (columns found: "
                                 "extra_0, extra_1")
    assert missing[0].endswith("extra_19 and 2,980 more)")


def test_a_csv_cell_longer_than_the_csv_module_allows_is_read(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p")
    lines = (folder / "firms.csv").read_text().splitlines()
    long = "Lithium " + "x" * 200_000
    lines[1] = lines[1].replace("Lithium Co", f'"{long}"')
    # a title line above the header sends the file to the lenient reader (Python's csv module)
    (folder / "firms.csv").write_text("Firms of the park\n" + "\n".join(lines) + "\n")
    ws = load_workspace(folder)
    assert ws.firms["name"].iloc[0] == long
    assert [str(p) for p in ws.warnings] == [
        "warning: firms.csv row 2: the column names were found on row 2; row 1 above it is ignored (a title or "
        "note)"]


def test_a_quote_that_never_closes_names_its_row(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p", kpis_csv='month,metric,value\n2026-01,"output,100\n2026-02,output,1\n')
    assert messages(folder) == [
        "kpis.csv row 2: a value on this row opens a double quote (\") that is never closed, so the rest of the "
        "file would be one cell; close the quote or delete it"]


def test_an_empty_file_is_one_message(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p")
    (folder / "flows.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    assert messages(folder) == ["flows.csv: the file is empty; row 1 must hold the column names"]


def test_parquet_problems_name_the_file_and_column(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = write_tiny_park(tmp_path / "p")
    pq.write_table(pa.table({"firm_id": ["C1"], "name": pa.array([b"\xff\xfe\xfa"], pa.binary()),
                             "node_id": [["N.LI", "N.CELL"]]}), folder / "candidates.parquet")
    assert messages(folder) == [
        "candidates.parquet, column name: the column holds bytes that are neither UTF-8 nor GB18030 text; write "
        "it as a text (string) column in UTF-8",
        "candidates.parquet, column node_id: the column holds lists or records, not one value per cell; write it "
        "as plain values"]
    (folder / "candidates.parquet").write_bytes(b"")
    (problem,) = messages(folder)
    assert problem.startswith("candidates.parquet: the file cannot be read as Parquet: ")
    assert str(tmp_path) not in problem


def test_an_unreadable_file_is_one_message(tmp_path: Path, monkeypatch) -> None:
    import pyarrow.parquet as pq

    from ecolib.workspace import load as workspace

    folder = write_tiny_park(tmp_path / "p")
    pq.write_table(_kpis_table(), folder / "kpis.parquet")
    (folder / "kpis.csv").unlink()
    denied = PermissionError(13, "Permission denied")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name in ("flows.csv", "workspace.yaml"):
            raise denied
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(workspace.pa_parquet, "read_table", lambda *a, **k: (_ for _ in ()).throw(denied))
    assert messages(folder) == [
        "workspace.yaml: the file cannot be opened: Permission denied",
        "flows.csv: the file cannot be opened: Permission denied",
        "kpis.parquet: the file cannot be read as Parquet: Permission denied",
    ]


def _kpis_table():
    import pyarrow as pa

    return pa.table({"month": ["2026-01"], "metric": ["output"], "value": [100.0]})


def test_a_misspelt_dimension_is_named_with_a_suggestion(tmp_path: Path) -> None:
    text = "name: t\ndimensions:\n  resilence: [chain_repair_days]\n  talent: [talent_gap]\n"
    ws = load_workspace(write_tiny_park(tmp_path / "p", workspace_yaml=text))
    assert [str(p) for p in ws.warnings] == [
        "warning: workspace.yaml, key dimensions.resilence: not one of the default dimensions (value_flow, "
        "innovation, resilience, collaboration): added as a new one (did you mean 'resilience'?)"]
