"""Spreadsheet habits accepted and normalised at load (issue 8, data/README.md "In every format").

Unit tests of each rule on small inputs, with the expected values written out; the corpus
(tests/test_bad_input_corpus.py) shows the same rules on whole workspaces as users make them.
Workspaces here are the corpus's small park (tests/corpus/build.py: months 2026-08..2026-10),
written to ``tmp_path`` with one thing changed.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecolib.contract import schema
from ecolib.workspace import load as W
from ecolib.workspace import load_workspace, month_of, validate_workspace

ROOT = Path(__file__).resolve().parents[1]


def _builder():
    spec = importlib.util.spec_from_file_location("corpus_build", ROOT / "tests" / "corpus" / "build.py")
    if spec.name in sys.modules:
        return sys.modules[spec.name]
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _builder()


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(W, "current_month", lambda: "2026-11")


def park(folder: Path, **tables) -> Path:
    """The corpus base park in ``folder`` as UTF-8 CSV; ``tables`` replace whole tables (rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    build.write_tables(folder, {**build.base(), **tables})
    build.write_settings(folder)
    return folder


def strings(problems) -> list[str]:
    return [str(p) for p in problems]


# --------------------------------------------------------------------------- months


@pytest.mark.parametrize("text, month, day", [
    ("2026-10", "2026-10", None),
    ("2026-1", "2026-01", None),
    ("2026/10", "2026-10", None),
    ("2026/3", "2026-03", None),
    ("2026.10", "2026-10", None),
    ("2026.03", "2026-03", None),
    ("2026年10月", "2026-10", None),
    ("2026年3月", "2026-03", None),
    ("2026 年 03 月份", "2026-03", None),
    ("202610", "2026-10", None),
    ("２０２６年１０月", "2026-10", None),    # full-width digits
    ("２０２６－１０", "2026-10", None),       # full-width hyphen
    (" 2026-10\u3000", "2026-10", None),      # stray spaces
    ("2026-10-01", "2026-10", 1),
    ("2026-10-1", "2026-10", 1),
    ("2026-10-01 00:00:00", "2026-10", 1),
    ("2026-10-01T00:00", "2026-10", 1),
    ("2026-10-15", "2026-10", 15),
    ("2026年10月1日", "2026-10", 1),
    ("2026/10/1", "2026-10", 1),              # a date cell as Excel on a Chinese Windows writes it
    ("2026/10/15 0:00", "2026-10", 15),
    ("2024-02-29", "2024-02", 29),            # a leap day
])
def test_months_as_people_write_them(text: str, month: str, day: int | None) -> None:
    assert month_of(text) == (month, day)


@pytest.mark.parametrize("text", [
    "2026-13", "2026-0", "2026.1", "2026/10-1", "1/10/2026", "2026-02-30", "2025-02-29", "Oct 2026",
    "46296", "2026", "26-10", "2026-10-01 25", "20261", "2026年13月",
])
def test_texts_that_are_not_months(text: str) -> None:
    assert month_of(text) == (None, None)


def test_month_messages_say_how_to_fix() -> None:
    describe = W._describe_month
    assert describe("2026.1") == (
        "expected a month written YYYY-MM (e.g. 2024-03), got '2026.1'; it could be January or October "
        "(Excel turns 2026.10 typed in a number cell into 2026.1): write 2026-01 or 2026-10")
    # 46296 days after Excel's day 0 (1899-12-30) is 2026-10-01
    assert describe("46296").endswith(
        "it looks like an Excel date serial number (46296 is 2026-10-01): format the column as a date or "
        "text, or write the month")
    assert describe("1/10/2026").endswith("if Excel turned the month into a date, format the column as text")
    assert describe("Oct 2026") == "expected a month written YYYY-MM (e.g. 2024-03), got 'Oct 2026'"


def test_dated_months_warn_once_per_column(tmp_path: Path) -> None:
    flows = build.base()["flows"]
    build.put(flows, 2, "month", "2026-08-01")   # the 1st: silent
    build.put(flows, 3, "month", "2026-08-12")
    build.put(flows, 6, "month", "2026-09-30")
    ws, problems = validate_workspace(park(tmp_path / "p", flows=flows))
    assert strings(problems) == [
        "warning: flows.csv row 3, column month: '2026-08-12' is a date; it was read as its month 2026-08; "
        "so were 1 more dates in this column"]
    assert ws.flows["month"].tolist()[:5] == ["2026-08"] * 4 + ["2026-09"]


# --------------------------------------------------------------------------- months far away


def _flows_with(months: list[str]) -> list[list[str]]:
    rows = [["month", "source", "target", "value"]]
    rows += [[m, "F002", "F001", "1"] for m in months]
    return rows


def test_a_month_far_after_the_data_is_an_error_and_a_gap_of_12_is_not(tmp_path: Path) -> None:
    # kpis hold 2026-08..2026-10; 2027-10 is 12 months after 2026-10: still the data
    ws, problems = validate_workspace(park(tmp_path / "a", flows=_flows_with(["2026-08", "2027-10"])))
    assert [p.message for p in problems if p.is_error] == []
    # 2027-11 is 13 months after 2026-10: a part of its own, after the data (3 months, 8 rows)
    ws, problems = validate_workspace(park(tmp_path / "b", flows=_flows_with(["2026-08", "2027-11"])))
    assert ws is None
    assert [str(p) for p in problems if p.is_error] == [
        "flows.csv row 3, column month: '2027-11' lies 13 months after the rest of the data (2026-08 to "
        "2026-10); is the year mistyped?"]


def test_a_month_far_before_the_data_is_only_a_warning(tmp_path: Path) -> None:
    ws, problems = validate_workspace(park(tmp_path / "p", flows=_flows_with(["2006-10", "2026-09"])))
    assert ws is not None
    assert strings(problems) == [
        "warning: flows.csv row 2, column month: '2006-10' lies 238 months before the rest of the data "
        "(2026-08 to 2026-10); is the year mistyped?"]  # 2026-08 is 20 × 12 − 2 = 238 months after 2006-10


def test_the_data_is_the_part_with_the_most_months(tmp_path: Path) -> None:
    # kpis 2026-08..10 (3 months, 6 rows) against flows all in 2099-01..02 (2 months, 9 rows)
    months = ["2099-01"] * 5 + ["2099-02"] * 4
    ws, problems = validate_workspace(park(tmp_path / "p", flows=_flows_with(months)))
    errors = [p for p in problems if p.is_error]
    assert len(errors) == 9 and {p.file for p in errors} == {"flows.csv"}
    # 2099-01 is (2099 − 2026) × 12 + (1 − 10) = 867 months after 2026-10
    assert errors[0].message.startswith("'2099-01' lies 867 months after the rest of the data (2026-08 to 2026-10)")


def test_exit_month_far_after_the_data(tmp_path: Path) -> None:
    firms = build.base()["firms"]
    build.put(firms, 5, "exit_month", "2027-10")  # 12 months after 2026-10: allowed (a warning: future)
    ws, problems = validate_workspace(park(tmp_path / "a", firms=firms))
    assert ws is not None and strings(problems) == [
        "warning: firms.csv row 5, column exit_month: '2027-10' is after the current month (2026-11, by this "
        "computer's clock)"]
    build.put(firms, 5, "exit_month", "2027-11")
    ws, problems = validate_workspace(park(tmp_path / "b", firms=firms))
    assert strings(problems) == [
        "firms.csv row 5, column exit_month: '2027-11' lies 13 months after the rest of the data (2026-08 to "
        "2026-10); is the year mistyped?"]


def test_no_months_no_month_problems() -> None:
    empty = {"flows": schema.empty_table("flows"), "kpis": schema.empty_table("kpis")}
    assert W._check_months(empty, {"flows": "flows.csv", "kpis": "kpis.csv"}) == []
    assert W._check_months({}, {}) == []


def test_the_clock_rule_follows_the_current_month(tmp_path: Path, monkeypatch) -> None:
    folder = park(tmp_path / "p")
    monkeypatch.setattr(W, "current_month", lambda: "2026-09")
    ws, problems = validate_workspace(folder)
    assert ws is not None  # warnings only: the three October flows and the two October KPIs
    assert [(p.file, p.row) for p in problems] == [("flows.csv", 9), ("flows.csv", 10), ("flows.csv", 11),
                                                   ("kpis.csv", 4), ("kpis.csv", 7)]
    assert str(problems[0]) == ("warning: flows.csv row 9, column month: '2026-10' is after the current month "
                                "(2026-09, by this computer's clock)")
    monkeypatch.setattr(W, "current_month", lambda: "2026-10")
    assert validate_workspace(folder)[1] == []


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("text, number", [
    ("1,234.5", 1234.5),
    ("1,234,567", 1234567.0),
    ("1 234 567", 1234567.0),
    ("12%", 0.12),
    ("12 %", 0.12),
    ("-12%", -0.12),
    ("¥1,200", 1200.0),
    ("￥1,200.50", 1200.5),
    ("1200元", 1200.0),
    ("12.5万", 125000.0),       # 12.5 × 10⁴
    ("1.2亿", 120000000.0),     # 1.2 × 10⁸
    ("12.5万元", 125000.0),
    ("(1,200)", -1200.0),
    ("(12%)", -0.12),
    ("１２３", 123.0),
    ("１，２３４．５", 1234.5),
    ("－５", -5.0),
    ("\u22125", -5.0),          # a typographic minus sign
    ("1.5e3", 1500.0),
])
def test_numbers_as_spreadsheets_write_them(text: str, number: float) -> None:
    assert W._lenient_numbers(pd.Series([text], dtype=object)).tolist() == [pytest.approx(number)]


@pytest.mark.parametrize("text", ["1,5e3", "1,23", "12,34,567", "1 2", "(12", "12)", "待定", "约120万", "12万亿",
                                  "¥", "%", "1.2.3", "abc"])
def test_texts_that_are_not_numbers(text: str) -> None:
    assert np.isnan(W._lenient_numbers(pd.Series([text], dtype=object))[0])


def test_lenient_numbers_of_nothing() -> None:
    assert W._lenient_numbers(pd.Series([], dtype=object)).tolist() == []


def test_settings_numbers_read_like_table_cells(tmp_path: Path) -> None:
    folder = park(tmp_path / "p")
    build.write_settings(folder, "min_capability: 30%\nwindow: '1,2'\n")
    ws, problems = validate_workspace(folder)
    assert strings(problems) == ["workspace.yaml, key window: expected a whole number of months from 1 to 240, "
                                 "got '1,2'"]
    build.write_settings(folder, "min_capability: 30%\n")
    assert load_workspace(folder).settings.min_capability == pytest.approx(0.3)


# --------------------------------------------------------------------------- ids, blanks, errors


def test_ids_lose_every_kind_of_surrounding_space_and_full_width_forms(tmp_path: Path) -> None:
    firms = build.base()["firms"]
    for row, firm in enumerate(["\ufeffF001", "F002\u200b", "\u00a0F003\u2003", "Ｆ００４", "X001\t"], 2):
        build.put(firms, row, "firm_id", firm)
    build.put(firms, 2, "name", "  Sunrise\u3000Cells\u3000")  # inside a value, a space stays
    ws = load_workspace(park(tmp_path / "p", firms=firms))
    assert ws.firms["firm_id"].tolist() == ["F001", "F002", "F003", "F004", "X001"]
    assert ws.firms["name"].tolist()[0] == "Sunrise\u3000Cells"


def test_ids_keep_their_case_and_unknown_ids_get_a_hint(tmp_path: Path) -> None:
    flows = build.base()["flows"]
    build.put(flows, 2, "source", "f002")
    ws, problems = validate_workspace(park(tmp_path / "p", flows=flows))
    assert strings(problems) == [
        "flows.csv row 2, column source: 'f002' is not a firm_id in firms (did you mean 'F002'? ids must match "
        "in upper and lower case)"]


def test_leading_zero_hint_only_for_digits(tmp_path: Path) -> None:
    unknown = pd.Series(["7", "07", "F7", "8"])
    targets = pd.Series(["007", "F007", "0008"])
    assert W._reference_hints(unknown, targets) == {
        "7": " (did you mean '007'? Excel drops the leading zeros of an id it takes for a number: format the "
             "column as text)",
        "07": " (did you mean '007'? Excel drops the leading zeros of an id it takes for a number: format the "
              "column as text)",
        "8": " (did you mean '0008'? Excel drops the leading zeros of an id it takes for a number: format the "
             "column as text)",
    }


def test_dashes_are_blank_but_not_in_free_text(tmp_path: Path) -> None:
    firms = build.base()["firms"]
    build.put(firms, 2, "output", "—")
    build.put(firms, 3, "zone", "-")
    ws = load_workspace(park(tmp_path / "p", firms=firms))
    assert np.isnan(ws.firms["output"].tolist()[0])
    assert ws.firms["zone"].tolist()[1] == "-"  # free text is kept as written


def test_excel_error_values_are_errors_in_every_column(tmp_path: Path) -> None:
    firms = build.base()["firms"]
    build.put(firms, 2, "name", "#REF!")
    build.put(firms, 3, "zone", "#NAME?")
    build.put(firms, 4, "local", "#N/A")  # not an error: "not available", the default applies
    flows = build.base()["flows"]
    build.put(flows, 2, "value", "#div/0!")
    ws, problems = validate_workspace(park(tmp_path / "p", firms=firms, flows=flows))
    assert strings(problems) == [
        "firms.csv row 2, column name: the cell shows the Excel error '#REF!': the formula behind it failed; "
        "correct the formula or type the value",
        "firms.csv row 3, column zone: the cell shows the Excel error '#NAME?': the formula behind it failed; "
        "correct the formula or type the value",
        "flows.csv row 2, column value: the cell shows the Excel error '#div/0!': the formula behind it failed; "
        "correct the formula or type the value",
    ]


def test_booleans_and_categories_in_full_width_and_any_case(tmp_path: Path) -> None:
    firms = build.base()["firms"]
    for row, (local, status) in enumerate([("Ｙ", "ＡＣＴＩＶＥ"), ("√", "在园"), ("ｔｒｕｅ", "Active"),
                                           ("是", "迁出"), ("×", "active")], 2):
        build.put(firms, row, "local", local)
        build.put(firms, row, "status", status)
    ws = load_workspace(park(tmp_path / "p", firms=firms))
    assert ws.firms["local"].tolist() == [True, True, True, True, False]
    assert ws.firms["status"].tolist() == ["active", "active", "active", "exited", "active"]


# --------------------------------------------------------------------------- headers, rows, names


def test_header_key() -> None:
    key = schema.header_key
    assert key(" Firm ID ") == key("firm-id") == key("FIRM_ID") == key("ＦＩＲＭ＿ＩＤ") == "firmid"
    assert key("*企业编号") == key("企业 编号") == key("企业编号＊") == "企业编号"
    assert key(None) == key(float("nan")) == ""


def test_every_chinese_header_reads_as_its_column_and_is_documented() -> None:
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for table in schema.TABLES.values():
        for column in table.columns:
            for header in column.headers:
                assert table.header_map[schema.header_key(header)] == column.name
                assert header in readme, (table.name, header)
        for alias in table.aliases:
            assert alias in readme


def test_a_header_may_not_name_two_columns() -> None:
    with pytest.raises(ValueError, match="would name both"):
        schema.Table("t", "", (schema.Column("a", "id", "", headers=("编号",)),
                               schema.Column("b", "id", "", headers=("编号",))), required=False)


def test_the_same_column_under_two_names_is_an_error(tmp_path: Path) -> None:
    kpis = [["month", "metric", "value", "数值"], ["2026-08", "x", "1", "2"]]
    ws, problems = validate_workspace(park(tmp_path / "p", kpis=kpis))
    assert strings(problems) == [
        "kpis.csv row 1, column value: columns C ('value') and D ('数值') both name value; only the first is read"]


def test_header_search_stops_after_ten_rows(tmp_path: Path) -> None:
    rows = build.base()["kpis"]
    folder = park(tmp_path / "a", kpis=[["月度指标"]] + [[""]] * 8 + rows)  # header on row 10: found
    assert load_workspace(folder).kpis["month"].tolist()[0] == "2026-08"
    folder = park(tmp_path / "b", kpis=[["月度指标"]] + [[""]] * 9 + rows)  # row 11: not looked for
    errors = [str(p) for p in validate_workspace(folder)[1] if p.is_error]
    assert errors[0] == "kpis.csv, column month: the required column 'month' is missing (columns found: 月度指标)"


def test_a_short_title_line_above_a_csv_header(tmp_path: Path) -> None:
    folder = park(tmp_path / "p")
    text = "滨江产业园 月度指标\r\n" + build._csv_text(build.base()["kpis"], ";")  # no separators in the title
    (folder / "kpis.csv").write_text(text, encoding="utf-8")
    ws, problems = validate_workspace(folder)
    assert strings(problems) == [
        "warning: kpis.csv row 2: the column names were found on row 2; row 1 above it is ignored (a title "
        "or note)"]
    assert ws.kpis["value"].tolist()[0] == 0.82


def test_a_total_word_in_a_row_with_ids_is_data(tmp_path: Path) -> None:
    kpis = build.base()["kpis"] + [["2026-10", "total", "5"], ["", "Total:", "99"], ["合计：", "", "99"]]
    ws, problems = validate_workspace(park(tmp_path / "p", kpis=kpis))
    assert ws.kpis["metric"].tolist()[-1] == "total"  # a metric called total, with its month
    assert strings(problems) == ["warning: kpis.csv row 9: a total row ('Total:'); it is ignored",
                                 "warning: kpis.csv row 10: a total row ('合计：'); it is ignored"]


def test_missing_table_hints(tmp_path: Path) -> None:
    folder = park(tmp_path / "p")
    (folder / "firm_nodes.csv").rename(folder / "园区数据.xlsx")
    problems = validate_workspace(folder)[1]
    assert strings(problems) == [
        "warning: 园区数据.xlsx: ignored: only one workbook, named workspace.xlsx, is read",
        "firm_nodes: the required table firm_nodes is missing: add firm_nodes.csv, firm_nodes.parquet or a sheet "
        "named firm_nodes in workspace.xlsx; '园区数据.xlsx' was not read: only a workbook named workspace.xlsx is"]


def test_txt_files_that_are_not_tables_are_skipped_silently(tmp_path: Path) -> None:
    folder = park(tmp_path / "p")
    (folder / "说明.txt").write_text("数据来源：园区管委会", encoding="utf-8")
    assert validate_workspace(folder)[1] == []


def test_a_references_check_waits_for_readable_ids(tmp_path: Path) -> None:
    firms = build.base()["firms"]
    build.put(firms, 2, "firm_id", "#REF!")
    problems = validate_workspace(park(tmp_path / "p", firms=firms))[1]
    # F001 is used in flows and firm_nodes, but only the broken cell is reported
    assert [(p.file, p.row, p.column) for p in problems] == [("firms.csv", 2, "firm_id")]


def test_the_demo_still_loads_without_warnings() -> None:
    ws = load_workspace(ROOT / "data" / "demo")
    assert ws.warnings == []
