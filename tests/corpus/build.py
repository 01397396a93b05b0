"""The bad-input corpus: broken workspaces as park staff really produce them (issue 8).

Each case is a folder next to this file holding a small park (the base below) with one habit
or mistake built in the way a user makes it: a workbook saved by Excel with Chinese sheet names,
a CSV saved by Excel on a Chinese Windows (GB18030), a title row merged above the header, a
total row at the bottom, an id Excel turned into 9.13E+17, and so on. Each case also says what
ecolib does with it, so that the test (tests/test_bad_input_corpus.py) and the table of
``README.md`` come from one place:

* ``accepted``: the workspace loads, with the documented normalisation (``check`` asserts it)
  and exactly the ``warnings`` listed;
* ``rejected``: loading fails with exactly the ``errors`` (and ``warnings``) listed, each
  naming the file, the row and the column where they apply, and the problem.

Regenerate the folders and README.md after changing a case::

    python tests/corpus/build.py            # rewrites tests/corpus/<case>/ and README.md

The XLSX files are written with openpyxl, as Excel would save them (typed cells: dates,
numbers, error values; merged cells); text files are written byte for byte in the encoding
named. Months are 2026-08 to 2026-10; the clock-dependent warning ("after the current month")
is tested with the current month fixed at 2026-11.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CURRENT_MONTH = "2026-11"  # the clock during the corpus tests

# --------------------------------------------------------------------------- the base park

Rows = list[list[Any]]

BASE: dict[str, Rows] = {
    "chain_nodes": [
        ["node_id", "name", "parent_id", "name_zh", "stage", "weight", "core"],
        ["ESS", "Energy storage", "", "储能", "", "1", "false"],
        ["UP", "Materials and cells", "ESS", "材料与电芯", "upstream", "1", "false"],
        ["MID", "Systems", "ESS", "系统", "midstream", "1", "false"],
        ["CELL", "Battery cells", "UP", "电芯", "", "1", "false"],
        ["SYS", "System integration", "MID", "系统集成", "", "1", "false"],
        ["CELL.LFP", "LFP cells", "CELL", "磷酸铁锂电芯", "", "1.5", "true"],
        ["CELL.SEP", "Separators", "CELL", "隔膜", "", "1", "false"],
        ["SYS.BMS", "Battery management", "SYS", "电池管理系统", "", "2", "true"],
        ["SYS.PCS", "Power conversion", "SYS", "储能变流器", "", "1", "false"],
    ],
    "chain_edges": [
        ["source", "target", "weight"],
        ["CELL.SEP", "CELL.LFP", "1"],
        ["CELL.LFP", "SYS.BMS", "1"],
        ["CELL.LFP", "SYS.PCS", "0.5"],
    ],
    "firms": [
        ["firm_id", "name", "name_zh", "zone", "local", "anchor", "employees", "output", "area", "patents",
         "status", "exit_month"],
        ["F001", "Sunrise Cells", "旭日电芯", "North", "true", "true", "1200", "850000000", "60000", "140",
         "active", ""],
        ["F002", "Thinfilm Separators", "薄膜隔膜", "North", "true", "false", "300", "120000000", "15000", "35",
         "active", ""],
        ["F003", "Gridwise Controls", "网智控制", "South", "true", "false", "180", "90000000", "6000", "60",
         "active", ""],
        ["F004", "Harbor Power", "港湾电力", "South", "true", "false", "90", "40000000", "3000", "12",
         "exited", "2026-09"],
        ["X001", "Coastal Materials", "沿海材料", "", "false", "false", "", "", "", "", "active", ""],
    ],
    "firm_nodes": [
        ["firm_id", "node_id", "capability", "share"],
        ["F001", "CELL.LFP", "0.9", "0.8"],
        ["F001", "SYS.BMS", "0.4", "0.2"],
        ["F002", "CELL.SEP", "0.7", "1"],
        ["F003", "SYS.BMS", "0.8", "0.6"],
        ["F003", "SYS.PCS", "0.5", "0.4"],
        ["F004", "SYS.PCS", "0.6", "1"],
        ["X001", "CELL.SEP", "1", "1"],
    ],
    "flows": [
        ["month", "source", "target", "value", "kind"],
        ["2026-08", "F002", "F001", "3500000", "goods"],
        ["2026-08", "X001", "F002", "1200000", "goods"],
        ["2026-08", "F001", "F003", "800000", "goods"],
        ["2026-08", "F004", "F003", "200000", "goods"],
        ["2026-09", "F002", "F001", "3600000", "goods"],
        ["2026-09", "X001", "F002", "1100000", "goods"],
        ["2026-09", "F003", "F001", "150000", "technology"],
        ["2026-10", "F002", "F001", "3700000", "goods"],
        ["2026-10", "X001", "F002", "1300000", "goods"],
        ["2026-10", "F001", "F003", "900000", "goods"],
    ],
    "kpis": [
        ["month", "metric", "value"],
        ["2026-08", "policy_compliance", "0.82"],
        ["2026-09", "policy_compliance", "0.8"],
        ["2026-10", "policy_compliance", "0.78"],
        ["2026-08", "talent_demand", "1200"],
        ["2026-09", "talent_demand", "1250"],
        ["2026-10", "talent_demand", "1300"],
    ],
    "benchmarks": [
        ["metric", "value", "direction", "source"],
        ["policy_compliance", "0.9", "higher", "benchmark park survey 2025"],
    ],
    "candidates": [
        ["firm_id", "name", "name_zh", "node_id", "capability", "region"],
        ["C001", "Voltbridge Power", "伏桥电力", "SYS.PCS", "0.85", "Jiangsu"],
    ],
}
SETTINGS = "name: Corpus Park\nname_zh: 语料园区\ncurrency: CNY\nwindow: 3\n"

# Chinese headers and sheet names a Chinese template uses (all in ecolib/schema.py).
ZH_HEADERS = {
    "chain_nodes": ["节点编号", "节点名称", "上级节点", "中文名称", "阶段", "权重", "核心技术"],
    "chain_edges": ["上游节点", "下游节点", "权重"],
    "firms": ["企业编号", "企业名称", "中文名称", "片区", "是否本地", "是否链主", "员工人数", "年产值",
              "占地面积", "专利数", "状态", "退出月份"],
    "firm_nodes": ["企业编号", "节点编号", "能力", "占比"],
    "flows": ["月份", "来源", "去向", "金额", "类型"],
    "kpis": ["月份", "指标", "数值"],
    "benchmarks": ["指标", "标杆值", "方向", "数据来源"],
    "candidates": ["企业编号", "企业名称", "中文名称", "节点编号", "能力", "地区"],
}
ZH_SHEETS = {
    "chain_nodes": "产业链节点", "chain_edges": "节点关系", "firms": "企业", "firm_nodes": "企业节点",
    "flows": "交易", "kpis": "指标", "benchmarks": "标杆", "candidates": "候选企业",
}


def base() -> dict[str, Rows]:
    """Fresh copies of the base tables (header row first), ready to be broken."""
    return {name: [list(row) for row in rows] for name, rows in BASE.items()}


def column(rows: Rows, name: str) -> int:
    return rows[0].index(name)


def put(rows: Rows, row: int, name: str, value: Any) -> None:
    """Set the cell of spreadsheet row ``row`` (header = row 1) in column ``name``."""
    rows[row - 1][column(rows, name)] = value


# --------------------------------------------------------------------------- writers


def _csv_text(rows: Rows, sep: str = ",") -> str:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if (sep in text or '"' in text) else text
    return "".join(sep.join(cell(v) for v in row) + "\r\n" for row in rows)


def write_csv(folder: Path, name: str, rows: Rows, *, encoding: str = "utf-8", sep: str = ",",
              text: str | None = None) -> None:
    """A CSV as Excel writes it (CRLF line ends); ``text`` replaces the rows when given."""
    data = text if text is not None else _csv_text(rows, sep)
    (folder / name).write_bytes(data.encode(encoding))


def write_tables(folder: Path, tables: dict[str, Rows], *, encoding: str = "utf-8", sep: str = ",",
                 skip: tuple[str, ...] = ()) -> None:
    for name, rows in tables.items():
        if name not in skip:
            write_csv(folder, f"{name}.csv", rows, encoding=encoding, sep=sep)


def typed(value: Any) -> Any:
    """A cell as Excel stores what a user types: numbers as numbers, the rest as text."""
    if not isinstance(value, str) or value == "":
        return None if value == "" else value
    try:
        number = float(value.replace(",", "")) if value.strip() == value else None
    except ValueError:
        return value
    if number is None or value.lower() in ("nan", "inf", "-inf", "infinity"):
        return value
    return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number


def write_xlsx(folder: Path, sheets: dict[str, Rows], *, merges: dict[str, list[str]] | None = None,
               convert: Callable[[Any], Any] = typed, name: str = "workspace.xlsx",
               edit: Callable[[Any], None] | None = None) -> None:
    """One workbook, a sheet per entry, cells typed as Excel would type them; ``edit(book)``
    changes the workbook before it is saved (what a script or an ERP export does)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([convert(v) for v in row])
        for ref in (merges or {}).get(title, []):
            sheet.merge_cells(ref)
    if edit is not None:
        edit(book)
    when = dt.datetime(2026, 11, 2, 9, 30)
    book.properties.creator = "park office"
    book.properties.created = book.properties.modified = when
    book.save(folder / name)


def write_settings(folder: Path, text: str = SETTINGS, encoding: str = "utf-8") -> None:
    (folder / "workspace.yaml").write_bytes(text.encode(encoding))


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    """One broken workspace: how it is built, and what loading it must give.

    ``outcome`` is ``accepted`` or ``rejected``. ``errors`` and ``warnings`` are the exact
    problem lines (``str(problem)``, warnings without the ``warning:`` prefix). ``check``
    asserts the normalisation of an accepted case on the loaded workspace; ``handled`` says in
    words what ecolib does (the README column).
    """

    name: str
    broken: str
    outcome: str
    handled: str
    build: Callable[[Path], None]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    check: Callable[[Any], None] | None = None


CASES: list[Case] = []


def case(name: str, broken: str, outcome: str, handled: str, *, errors=(), warnings=(), check=None):
    """Decorator registering the function below it as the builder of a case."""
    def register(build: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES.append(Case(name, broken, outcome, handled, build, list(errors), list(warnings), check))
        return build
    return register


def same(actual: Any, expected: Any, what: str) -> None:
    """Assert equality with a message naming what was compared (checks of accepted cases)."""
    actual = actual.tolist() if hasattr(actual, "tolist") else actual
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def base_check(ws: Any) -> None:
    """What every accepted case must still load as: the base park's key numbers."""
    same(ws.firms["firm_id"], ["F001", "F002", "F003", "F004", "X001"], "firms.firm_id")
    same(sorted(ws.flows["month"].unique()), ["2026-08", "2026-09", "2026-10"], "flows months")
    same(round(float(ws.flows["value"].sum())), 16450000, "sum of flows.value")
    same(ws.flows["source"].tolist()[:3], ["F002", "X001", "F001"], "flows.source")
    same(len(ws.chain_nodes), 9, "chain_nodes rows")


# ---- accepted: spreadsheet habits read and normalised -------------------------------------


def _check_zh(ws: Any) -> None:
    base_check(ws)
    same(ws.firms["local"].tolist(), [True, True, True, True, False], "firms.local from 是/否")
    same(ws.chain_nodes.set_index("node_id").loc["UP", "stage"], "upstream", "stage 上游")
    same(ws.flows["kind"].tolist()[6], "technology", "kind 技术")


@case("xlsx_chinese_sheets_and_headers",
      "workspace.xlsx from a Chinese template: sheets 产业链节点, 节点关系, 企业, 企业节点, 交易, 指标, 标杆, "
      "候选企业; Chinese column headers (企业编号, 企业名称, 月份, 来源, 去向, 金额 ...); 是/否, 上游, 技术",
      "accepted", "sheets and headers read through the alias lists of data/README.md; 是/否 → true/false; "
      "上游 → upstream, 技术 → technology",
      check=_check_zh)
def _(folder: Path) -> None:
    tables = base()
    zh = {"true": "是", "false": "否", "upstream": "上游", "midstream": "中游", "goods": "货物",
          "technology": "技术", "higher": "越高越好", "active": "在园", "exited": "退出"}
    sheets = {}
    for name, rows in tables.items():
        body = [[zh.get(v, v) for v in row] for row in rows[1:]]
        sheets[ZH_SHEETS[name]] = [ZH_HEADERS[name], *body]
    write_xlsx(folder, sheets)
    write_settings(folder)


def _check_gb(ws: Any) -> None:
    base_check(ws)
    same(ws.firms["name"].tolist()[:2], ["旭日电芯有限公司", "薄膜隔膜科技"], "Chinese names")
    same(ws.firms["status"].tolist()[3], "exited", "状态 退出")


@case("csv_gb18030",
      "every table saved by Excel on a Chinese Windows as plain \"CSV\" (GB18030), with Chinese firm names "
      "and status 退出",
      "accepted", "decoded as GB18030; 退出 → exited", check=_check_gb)
def _(folder: Path) -> None:
    tables = base()
    put(tables["firms"], 2, "name", "旭日电芯有限公司")
    put(tables["firms"], 3, "name", "薄膜隔膜科技")
    put(tables["firms"], 5, "status", "退出")
    write_tables(folder, tables, encoding="gb18030")
    write_settings(folder, encoding="gb18030")


@case("csv_utf8_bom_semicolons",
      "CSV UTF-8 with a byte-order mark and semicolons between values (Excel with European list "
      "separators)",
      "accepted", "BOM dropped; the separator recognised from the header row", check=base_check)
def _(folder: Path) -> None:
    write_tables(folder, base(), encoding="utf-8-sig", sep=";")
    write_settings(folder)


@case("csv_saved_as_txt",
      "firms and flows saved with Excel's \"Text (Tab delimited)\": firms.txt and flows.txt, tabs, GB18030",
      "accepted", "a .txt (or .tsv) named after a table is read like a CSV; tabs recognised", check=base_check)
def _(folder: Path) -> None:
    tables = base()
    write_tables(folder, tables, skip=("firms", "flows"))
    for name in ("firms", "flows"):
        write_csv(folder, f"{name}.txt", tables[name], encoding="gb18030", sep="\t")
    write_settings(folder)


def _check_months(ws: Any) -> None:
    base_check(ws)
    same(ws.flows["month"].tolist(), ["2026-08"] * 4 + ["2026-09"] * 3 + ["2026-10"] * 3, "flows.month")
    same(ws.kpis["month"].tolist(), ["2026-08", "2026-09", "2026-10"] * 2, "kpis.month")


@case("months_as_people_type_them",
      "months typed 2026/8, 2026-08-01, 2026年8月, 2026.08, 2026-9, 2026年09月, 202609, 2026.10, "
      "２０２６年１０月 (full-width), 2026-10-01 00:00:00",
      "accepted", "every spelling normalised to YYYY-MM", check=_check_months)
def _(folder: Path) -> None:
    tables = base()
    for row, month in enumerate(["2026/8", "2026-08-01", "2026年8月", "2026.08", "2026-9", "2026年09月",
                                 "202609", "2026.10", "２０２６年１０月", "2026-10-01 00:00:00"], 2):
        put(tables["flows"], row, "month", month)
    for row, month in enumerate(["2026-8", "2026-9", "2026-10", "2026/08", "2026/09", "2026/10"], 2):
        put(tables["kpis"], row, "month", month)
    write_tables(folder, tables)
    write_settings(folder)


def _check_dates(ws: Any) -> None:
    _check_months(ws)


@case("xlsx_month_cells_are_dates",
      "workspace.xlsx where Excel turned the typed months into dates (1 Aug 2026 ...); one flow dated "
      "15 Oct 2026",
      "accepted", "a date on the 1st is its month; another day is read as its month, with a warning",
      warnings=["workspace.xlsx [flows] row 9, column month: '2026-10-15' is a date; it was read as its "
                "month 2026-10"],
      check=_check_dates)
def _(folder: Path) -> None:
    tables = base()

    def date(value: Any) -> Any:
        if isinstance(value, str) and len(value) == 7 and value[4] == "-" and value[:4].isdigit():
            return dt.datetime(int(value[:4]), int(value[5:]), 1)
        if value == "2026-10-15":
            return dt.datetime(2026, 10, 15)
        return typed(value)

    put(tables["flows"], 9, "month", "2026-10-15")
    write_xlsx(folder, tables, convert=date)
    write_settings(folder)


def _check_numbers(ws: Any) -> None:
    base_check(ws)
    same(ws.firms["output"].tolist()[:3], [850000000.0, 120000000.0, 90000000.0], "firms.output")
    same(ws.firms["employees"].tolist()[0], 1200.0, "employees '1,200'")
    same(ws.firm_nodes["capability"].tolist()[:2], [0.9, 0.4], "capability in %")
    same(ws.kpis["value"].tolist()[:3], [0.82, 0.8, 0.78], "kpis in %")
    same(ws.kpis["value"].tolist()[3], -1200.0, "accounting negative (1,200)")


@case("numbers_as_excel_formats_them",
      "numbers copied from formatted cells: 3,500,000; ¥1,200,000; 80万; 3 600 000; 1,100,000.00; "
      "８.５亿 (full-width); 90%; 82 %; 1,200 employees; an accounting negative (1,200) in a KPI",
      "accepted", "separators, ¥/元, 万 (×10⁴), 亿 (×10⁸), % (÷100), (…) as negative, full-width digits",
      check=_check_numbers)
def _(folder: Path) -> None:
    tables = base()
    for row, value in enumerate(["3,500,000", "¥1,200,000", "80万", "200,000元", "3 600 000",
                                 "1,100,000.00", "150,000", "3,700,000", "130万", "90万"], 2):
        put(tables["flows"], row, "value", value)
    for row, value in enumerate(["８.５亿", "1.2亿", "9000万"], 2):
        put(tables["firms"], row, "output", value)
    put(tables["firms"], 2, "employees", "1,200")
    put(tables["firm_nodes"], 2, "capability", "90%")
    put(tables["firm_nodes"], 3, "capability", "40 %")
    for row, value in enumerate(["82%", "80 %", "78%", "(1,200)"], 2):
        put(tables["kpis"], row, "value", value)
    write_tables(folder, tables)
    write_settings(folder)


def _check_ids(ws: Any) -> None:
    base_check(ws)
    same(ws.firms["name"].tolist()[0], "Sunrise Cells", "name without trailing spaces")
    same(ws.firm_nodes["firm_id"].tolist()[:3], ["F001", "F001", "F002"], "firm_nodes.firm_id")


@case("ids_with_stray_spaces",
      "ids copied from web pages and chat: 'F001 ' (trailing space), '\\u3000F002' (full-width space), "
      "'F003\\u00a0' (no-break space), 'F002\\u200b' (zero-width space), 'Ｆ００１' (typed in full-width mode)",
      "accepted", "surrounding spaces of every kind removed; full-width letters and digits made half-width",
      check=_check_ids)
def _(folder: Path) -> None:
    tables = base()
    put(tables["firms"], 2, "firm_id", "F001 ")
    put(tables["firms"], 2, "name", "Sunrise Cells  ")
    put(tables["firms"], 3, "firm_id", "\u3000F002")
    put(tables["firms"], 4, "firm_id", "F003\u00a0")
    put(tables["flows"], 2, "source", "F002\u200b")
    put(tables["flows"], 2, "target", "Ｆ００１")
    put(tables["firm_nodes"], 2, "firm_id", " F001")
    write_tables(folder, tables)
    write_settings(folder)


def _check_bools(ws: Any) -> None:
    base_check(ws)
    same(ws.firms["local"].tolist(), [True, True, True, True, False], "firms.local")
    same(ws.firms["anchor"].tolist(), [True, False, False, False, False], "firms.anchor")
    same(ws.chain_nodes["core"].tolist(), [False] * 5 + [True, False, True, False], "chain_nodes.core")


@case("booleans_many_ways",
      "true/false written 是/否, Y/N, 1/0, TRUE/FALSE, √/× in local, anchor and core",
      "accepted", "each read as true or false", check=_check_bools)
def _(folder: Path) -> None:
    tables = base()
    for row, (local, anchor) in enumerate([("是", "√"), ("Y", "×"), ("1", "否"), ("TRUE", "N"), ("否", "0")], 2):
        put(tables["firms"], row, "local", local)
        put(tables["firms"], row, "anchor", anchor)
    for row, core in enumerate(["否", "N", "0", "no", "", "是", "×", "√", "FALSE"], 2):
        put(tables["chain_nodes"], row, "core", core)
    write_tables(folder, tables)
    write_settings(folder)


def _check_title(ws: Any) -> None:
    base_check(ws)
    same(ws.firms["name_zh"].tolist()[0], "旭日电芯", "firms read below the title")


@case("xlsx_title_row_above_header",
      "the firms sheet has a title merged over A1:L1 (\"滨江储能产业园企业名录（2026年10月）\") and a blank row "
      "above the header, which is on row 3",
      "accepted", "the header is found on row 3; the rows above are ignored with a warning; rows keep their "
      "spreadsheet numbers",
      warnings=["workspace.xlsx [firms] row 3: the column names were found on row 3; rows 1 to 2 above it are "
                "ignored (a title or note)"],
      check=_check_title)
def _(folder: Path) -> None:
    tables = base()
    tables["firms"] = [["滨江储能产业园企业名录（2026年10月）"], [], *tables["firms"]]
    write_xlsx(folder, tables, merges={"firms": ["A1:L1"]})
    write_settings(folder)


@case("xlsx_two_level_header",
      "the flows sheet has a merged group header (\"交易信息\" over A1:C1, \"金额与类型\" over D1:E1) above the "
      "column names",
      "accepted", "the column names are found on row 2; row 1 is ignored with a warning",
      warnings=["workspace.xlsx [flows] row 2: the column names were found on row 2; row 1 above it is ignored "
                "(a title or note)"],
      check=base_check)
def _(folder: Path) -> None:
    tables = base()
    tables["flows"] = [["交易信息", "", "", "金额与类型", ""], *tables["flows"]]
    write_xlsx(folder, tables, merges={"flows": ["A1:C1", "D1:E1"]})
    write_settings(folder)


@case("total_row_at_bottom",
      "flows.csv with a 序号 (row number) column in front and a 合计 row at the bottom summing the values",
      "accepted", "the total row is ignored with a warning; the 序号 column is ignored with a warning",
      warnings=["flows.csv row 12: a total row ('合计'); it is ignored",
                "flows.csv, column 序号: not a column of this table, ignored"],
      check=base_check)
def _(folder: Path) -> None:
    rows = base()["flows"]
    numbered = [["序号", *rows[0]]] + [[str(i), *row] for i, row in enumerate(rows[1:], 1)]
    numbered.append(["合计", "", "", "", "16450000", ""])
    tables = base()
    tables["flows"] = numbered
    write_tables(folder, tables)
    write_settings(folder)


@case("trailing_separators_and_blank_lines",
      "CSV files from Excel whose used range was larger than the data: every row ends in ,,, and blank "
      "lines follow the data (and one sits between rows)",
      "accepted", "empty columns without a name and blank rows are dropped silently; rows are still "
      "numbered as in the file", check=base_check)
def _(folder: Path) -> None:
    tables = base()
    for name, rows in tables.items():
        padded = [row + ["", "", ""] for row in rows]
        if name == "flows":
            padded.insert(5, [""] * len(padded[0]))
        padded += [[""] * len(padded[0])] * 3
        write_csv(folder, f"{name}.csv", padded)
    write_settings(folder)


@case("xlsx_merged_month_cells",
      "in the flows sheet the month is typed once per block and the cells merged down (A2:A5, A6:A8, A9:A11)",
      "accepted", "each row of a merged block takes the block's value, with a warning per block",
      warnings=["workspace.xlsx [flows] row 2, column month: cells A2:A5 are merged: rows 2 to 5 each take its "
                "value '2026-08'",
                "workspace.xlsx [flows] row 6, column month: cells A6:A8 are merged: rows 6 to 8 each take its "
                "value '2026-09'",
                "workspace.xlsx [flows] row 9, column month: cells A9:A11 are merged: rows 9 to 11 each take its "
                "value '2026-10'"],
      check=base_check)
def _(folder: Path) -> None:
    tables = base()
    flows = tables["flows"]
    for row in (3, 4, 5, 7, 8, 10, 11):
        put(flows, row, "month", "")
    write_xlsx(folder, tables, merges={"flows": ["A2:A5", "A6:A8", "A9:A11"]})
    write_settings(folder)


@case("blocks_pasted_with_their_headers",
      "flows.csv made by pasting three monthly exports one under the other, each with its own header row",
      "accepted", "rows that repeat the header are ignored, with a warning each",
      warnings=["flows.csv row 6: the row repeats the header (row 1); it is ignored",
                "flows.csv row 10: the row repeats the header (row 1); it is ignored"],
      check=base_check)
def _(folder: Path) -> None:
    tables = base()
    flows = tables["flows"]
    tables["flows"] = [flows[0], *flows[1:5], flows[0], *flows[5:8], flows[0], *flows[8:]]
    write_tables(folder, tables)
    write_settings(folder)


def _check_dashes(ws: Any) -> None:
    base_check(ws)
    same(ws.firms["employees"].isna().tolist(), [False, True, False, False, True], "employees blank")
    same(ws.firms["output"].isna().tolist(), [False, False, True, False, True], "output blank")


@case("dashes_and_na_for_missing",
      "numbers not reported written -, —, #N/A, N/A in the firms table",
      "accepted", "read as blank cells (the column's default: not reported)", check=_check_dashes)
def _(folder: Path) -> None:
    tables = base()
    put(tables["firms"], 3, "employees", "-")
    put(tables["firms"], 4, "output", "#N/A")
    put(tables["firms"], 5, "area", "—")
    put(tables["firms"], 6, "patents", "N/A")
    write_tables(folder, tables)
    write_settings(folder)


def _check_shares(ws: Any) -> None:
    base_check(ws)
    shares = ws.firm_nodes["share"].tolist()
    same([round(s, 4) for s in shares[3:5]], [0.6667, 0.3333], "F003 shares rescaled from 60% + 30%")


@case("shares_as_percent_not_summing",
      "firm_nodes shares typed as percentages; F003's 60% and 30% add up to 90%",
      "accepted", "percentages read as fractions; F003's shares rescaled to sum to 1, with a warning",
      warnings=["firm_nodes.csv row 5, column share: the shares of firm 'F003' sum to 0.9, not 1; they were "
                "rescaled to sum to 1"],
      check=_check_shares)
def _(folder: Path) -> None:
    tables = base()
    for row, share in enumerate(["80%", "20%", "100%", "60%", "30%", "100%", "100%"], 2):
        put(tables["firm_nodes"], row, "share", share)
    write_tables(folder, tables)
    write_settings(folder)


@case("header_spellings",
      "firms headers written 'Firm ID', '*企业名称' (template's required mark), 'ＺＯＮＥ' (full-width), "
      "'Local ', 'ANCHOR', 'Employees'",
      "accepted", "headers matched ignoring case, spaces, full-width forms and the * mark", check=base_check)
def _(folder: Path) -> None:
    tables = base()
    tables["firms"][0][:7] = ["Firm ID", "*企业名称", "name_zh", "ＺＯＮＥ", "Local ", "ANCHOR", "Employees"]
    write_tables(folder, tables)
    write_settings(folder)


@case("mixed_formats",
      "small tables in workspace.xlsx (English sheet names), the big flows table as flows.csv next to it",
      "accepted", "each table read from where it is", check=base_check)
def _(folder: Path) -> None:
    tables = base()
    flows = tables.pop("flows")
    write_xlsx(folder, tables)
    write_csv(folder, "flows.csv", flows)
    write_settings(folder)


@case("chinese_file_names",
      "CSV files named in Chinese (产业链节点.csv, 节点关系.csv, 企业.csv, 企业节点.csv, 交易.csv, 指标.csv, "
      "标杆.csv, 候选企业.csv), GB18030",
      "accepted", "file names read through the table aliases", check=base_check)
def _(folder: Path) -> None:
    for name, rows in base().items():
        write_csv(folder, f"{ZH_SHEETS[name]}.csv", rows, encoding="gb18030")
    write_settings(folder)


@case("month_after_today",
      "kpis include a row for 2026-12, a month that has not happened yet (the clock says 2026-11)",
      "accepted", "loaded, with a warning naming the row (this rule alone uses the computer's clock)",
      warnings=["kpis.csv row 8, column month: '2026-12' is after the current month (2026-11, by this "
                "computer's clock)"],
      check=base_check)
def _(folder: Path) -> None:
    tables = base()
    tables["kpis"].append(["2026-12", "policy_compliance", "0.85"])
    write_tables(folder, tables)
    write_settings(folder)


def _check_categories(ws: Any) -> None:
    base_check(ws)
    same(ws.firms["status"].tolist(), ["active"] * 3 + ["exited", "active"], "firms.status")
    same(ws.flows["kind"].tolist()[6], "technology", "flows.kind")
    same(ws.benchmarks["direction"].tolist(), ["higher"], "benchmarks.direction")


@case("chinese_categories",
      "categories in Chinese: stage 上游/中游, status 在园/退出, kind 货物/技术, direction 越高越好",
      "accepted", "translated through the synonyms listed with each column", check=_check_categories)
def _(folder: Path) -> None:
    tables = base()
    zh = {"upstream": "上游", "midstream": "中游", "active": "在园", "exited": "退出", "goods": "货物",
          "technology": "技术", "higher": "越高越好"}
    for name in ("chain_nodes", "firms", "flows", "benchmarks"):
        tables[name] = [tables[name][0]] + [[zh.get(v, v) for v in row] for row in tables[name][1:]]
    write_tables(folder, tables)
    write_settings(folder)


# ---- rejected: true errors, reported with file, row, column and problem -------------------


@case("xlsx_default_sheet_names",
      "workspace.xlsx whose sheets were never renamed: Sheet1 … Sheet8",
      "rejected", "each required table reported missing, with the sheet names in the message",
      errors=[
              "chain_nodes: the required table chain_nodes is missing: add chain_nodes.csv, "
               "chain_nodes.parquet or a sheet named chain_nodes in workspace.xlsx; the sheets of "
               "workspace.xlsx ('Sheet1', 'Sheet2', 'Sheet3', …) are not named after tables: rename the "
               "sheet that holds chain_nodes to 'chain_nodes' (or '产业链节点')",
              "firms: the required table firms is missing: add firms.csv, firms.parquet or a sheet named "
               "firms in workspace.xlsx; the sheets of workspace.xlsx ('Sheet1', 'Sheet2', 'Sheet3', …) are "
               "not named after tables: rename the sheet that holds firms to 'firms' (or '企业')",
              "firm_nodes: the required table firm_nodes is missing: add firm_nodes.csv, "
               "firm_nodes.parquet or a sheet named firm_nodes in workspace.xlsx; the sheets of "
               "workspace.xlsx ('Sheet1', 'Sheet2', 'Sheet3', …) are not named after tables: rename the "
               "sheet that holds firm_nodes to 'firm_nodes' (or '企业节点')",
      ],
      warnings=[
              "workspace.xlsx: sheet 'Sheet1' is not a workspace table, ignored",
              "workspace.xlsx: sheet 'Sheet2' is not a workspace table, ignored",
              "workspace.xlsx: sheet 'Sheet3' is not a workspace table, ignored",
              "workspace.xlsx: sheet 'Sheet4' is not a workspace table, ignored",
              "workspace.xlsx: sheet 'Sheet5' is not a workspace table, ignored",
              "workspace.xlsx: sheet 'Sheet6' is not a workspace table, ignored",
              "workspace.xlsx: sheet 'Sheet7' is not a workspace table, ignored",
              "workspace.xlsx: sheet 'Sheet8' is not a workspace table, ignored",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    write_xlsx(folder, {f"Sheet{i}": rows for i, rows in enumerate(tables.values(), 1)})
    write_settings(folder)


@case("duplicate_firm_ids",
      "firms lists F002 twice, the second time as 'F002 ' with a trailing space (a copy-pasted row)",
      "rejected", "the ids are stripped, so the second row repeats F002",
      errors=[
              "firms.csv row 5, column firm_id: 'F002' appears more than once (first in row 3 as "
              "'Thinfilm Separators', here as 'Thinfilm Separators Co.'): one firm listed twice, or two firms "
              "sharing one id?",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    tables["firms"].insert(4, ["F002 ", "Thinfilm Separators Co.", "薄膜隔膜", "North", "true", "false", "310",
                               "120000000", "15000", "35", "active", ""])
    write_tables(folder, tables)
    write_settings(folder)


@case("flow_to_unknown_firm",
      "a flow goes to F009, a firm that is not in the firms table",
      "rejected", "the unknown id is named with its row",
      errors=[
              "flows.csv row 4, column target: 'F009' is not a firm_id in firms",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["flows"], 4, "target", "F009")
    write_tables(folder, tables)
    write_settings(folder)


@case("node_tree_cycle",
      "the parent of CELL was set to CELL.LFP, its own child: CELL → CELL.LFP → CELL",
      "rejected", "every node on the cycle is named",
      errors=[
              "chain_nodes.csv row 5, column parent_id: node 'CELL' is its own ancestor: following "
               "parent_id from it comes back to it",
              "chain_nodes.csv row 7, column parent_id: node 'CELL.LFP' is its own ancestor: following "
               "parent_id from it comes back to it",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["chain_nodes"], 5, "parent_id", "CELL.LFP")
    write_tables(folder, tables)
    write_settings(folder)


@case("two_roots",
      "the parent of the stage MID was left empty, so the tree has two roots",
      "rejected", "both roots named with their rows",
      errors=[
              "chain_nodes.csv, column parent_id: the tree has 2 roots: 'ESS' (row 2), 'MID' (row 4); "
               "exactly one node (the chain itself) may have an empty parent_id",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["chain_nodes"], 4, "parent_id", "")
    write_tables(folder, tables)
    write_settings(folder)


@case("negative_numbers",
      "a firm's output typed -2,500 and a refund entered as a flow of (120,000) in accounting format",
      "rejected", "values below the column's limit (≥ 0) are errors",
      errors=[
              'firms.csv row 3, column output: must be ≥ 0, got -2500',
              'flows.csv row 8, column value: must be ≥ 0, got -150000',
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["firms"], 3, "output", "-2,500")
    put(tables["flows"], 8, "value", "(150,000)")
    write_tables(folder, tables)
    write_settings(folder)


@case("empty_flows_sheet",
      "the flows sheet of workspace.xlsx holds only the header row",
      "accepted", "flows are optional: an empty flows table is a warning, and the value stream is not evaluated",
      warnings=[
              "workspace.xlsx [flows]: the table has no rows of data, so these are not evaluated: the value-stream "
              "map (trade between firms, local sourcing, broken links, connector firms), the input-output view, the "
              "anchor-exit stress test and demand pull",
      ],
      check=lambda ws: same(len(ws.flows), 0, "flows rows"),
)
def _(folder: Path) -> None:
    tables = base()
    tables["flows"] = tables["flows"][:1]
    write_xlsx(folder, tables)
    write_settings(folder)


@case("empty_csv_file",
      "firm_nodes.csv is a file of 0 bytes (an export that failed)",
      "rejected", "the empty file is named",
      errors=[
              'firm_nodes.csv: the file is empty; row 1 must hold the column names',
      ],
)
def _(folder: Path) -> None:
    write_tables(folder, base(), skip=("firm_nodes",))
    (folder / "firm_nodes.csv").write_bytes(b"")
    write_settings(folder)


@case("month_far_in_future",
      "one flow dated 2099-01 (a placeholder year) among the 2026 data",
      "rejected", "a month more than 12 months after the rest of the data is an error (no clock involved)",
      errors=[
              "flows.csv row 11, column month: '2099-01' lies 867 months after the rest of the data "
               "(2026-08 to 2026-10); is the year mistyped?",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["flows"], 11, "month", "2099-01")
    write_tables(folder, tables)
    write_settings(folder)


@case("year_typo",
      "the October KPIs typed with the year 2062 instead of 2026",
      "rejected", "the months far after the rest of the data are named, row by row",
      errors=[
              "kpis.csv row 4, column month: '2062-10' lies 432 months after the rest of the data (2026-08 "
               "to 2026-10); is the year mistyped?",
              "kpis.csv row 7, column month: '2062-10' lies 432 months after the rest of the data (2026-08 "
               "to 2026-10); is the year mistyped?",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["kpis"], 4, "month", "2062-10")
    put(tables["kpis"], 7, "month", "2062-10")
    write_tables(folder, tables)
    write_settings(folder)


@case("text_in_number_column",
      "flow values written 待定 (to be decided) and 约120万 (about 1.2 M)",
      "rejected", "each cell named with what was found",
      errors=[
              "flows.csv row 3, column value: expected a number, got '待定'",
              "flows.csv row 6, column value: expected a number, got '约120万'",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["flows"], 3, "value", "待定")
    put(tables["flows"], 6, "value", "约120万")
    write_tables(folder, tables)
    write_settings(folder)


@case("excel_error_cells",
      "workspace.xlsx with formulas that failed: a KPI showing #DIV/0!, a firm's output #REF!, a capability "
      "#VALUE!",
      "rejected", "each Excel error value named as such",
      errors=[
              "workspace.xlsx [firms] row 4, column output: the cell shows the Excel error '#REF!': the "
               "formula behind it failed; correct the formula or type the value",
              "workspace.xlsx [firm_nodes] row 6, column capability: the cell shows the Excel error "
               "'#VALUE!': the formula behind it failed; correct the formula or type the value",
              "workspace.xlsx [kpis] row 3, column value: the cell shows the Excel error '#DIV/0!': the "
               "formula behind it failed; correct the formula or type the value",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["kpis"], 3, "value", "#DIV/0!")
    put(tables["firms"], 4, "output", "#REF!")
    put(tables["firm_nodes"], 6, "capability", "#VALUE!")
    write_xlsx(folder, tables)
    write_settings(folder)


@case("capability_out_of_range",
      "capabilities of 0 and 150%",
      "rejected", "capability must be in (0, 1]",
      errors=[
              'firm_nodes.csv row 3, column capability: must be in (0, 1], got 0',
              'firm_nodes.csv row 7, column capability: must be in (0, 1], got 1.5',
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["firm_nodes"], 3, "capability", "0")
    put(tables["firm_nodes"], 7, "capability", "150%")
    write_tables(folder, tables)
    write_settings(folder)


@case("duplicate_kpi_month_metric",
      "a KPI entered twice for October, once as 2026-10 and once as 2026/10",
      "rejected", "months are normalised first, so the second row repeats (2026-10, talent_demand)",
      errors=[
              "kpis.csv row 8: month '2026-10' with metric 'talent_demand' appears more than once (first "
               "in row 7)",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    tables["kpis"].append(["2026/10", "talent_demand", "1310"])
    write_tables(folder, tables)
    write_settings(folder)


@case("unknown_stage",
      "stages written 上游环节 and upstrem",
      "rejected", "the allowed values are listed, with a close match suggested",
      errors=[
              "chain_nodes.csv row 3, column stage: '上游环节' is not one of: upstream, midstream, downstream, "
               "service",
              "chain_nodes.csv row 4, column stage: 'upstrem' is not one of: upstream, midstream, "
               "downstream, service (did you mean 'upstream'?)",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["chain_nodes"], 3, "stage", "上游环节")
    put(tables["chain_nodes"], 4, "stage", "upstrem")
    write_tables(folder, tables)
    write_settings(folder)


@case("missing_firm_nodes_table",
      "firm_nodes was downloaded again from a browser and saved as 'firm_nodes (1).csv'",
      "rejected", "the table is reported missing, naming the file that looks like it",
      errors=[
              "firm_nodes: the required table firm_nodes is missing: add firm_nodes.csv, "
               "firm_nodes.parquet or a sheet named firm_nodes in workspace.xlsx; 'firm_nodes (1).csv' was "
               "not read: rename it to firm_nodes.csv",
      ],
      warnings=[
              "firm_nodes (1).csv: not a workspace table, ignored (did you mean 'firm_nodes'?)",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    write_tables(folder, tables, skip=("firm_nodes",))
    write_csv(folder, "firm_nodes (1).csv", tables["firm_nodes"])
    write_settings(folder)


@case("value_header_with_unit",
      "the flows value column is headed 金额（万元） (amount in 10,000 CNY)",
      "rejected", "the required column value is missing; the header is named, with how to fix it",
      errors=[
              "flows.csv, column value: the required column 'value' is missing (columns found: month, "
               "source, target, 金额（万元）, kind)",
      ],
      warnings=[
              "flows.csv, column 金额（万元）: not a column of this table, ignored (without '（万元）' it would be "
               "value: rename the column value, and make sure its values are in the unit this contract "
               "gives)",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    tables["flows"][0][3] = "金额（万元）"
    write_tables(folder, tables)
    write_settings(folder)


@case("table_in_csv_and_sheet",
      "flows given twice: flows.csv and a 交易 sheet in workspace.xlsx",
      "rejected", "both places are named",
      errors=[
              'flows.csv: the table flows is given 2 times (flows.csv, workspace.xlsx [交易]); keep only one',
      ],
)
def _(folder: Path) -> None:
    tables = base()
    write_tables(folder, tables, skip=("flows",))
    write_csv(folder, "flows.csv", tables["flows"])
    write_xlsx(folder, {"交易": tables["flows"]})
    write_settings(folder)


@case("utf16_unicode_text",
      "flows saved with Excel's \"Unicode Text\": flows.txt in UTF-16 with tabs",
      "rejected", "the encoding is named, with how to save the file instead",
      errors=[
              "flows.txt: the file is neither UTF-8 nor GB18030 text (it is UTF-16, what Excel saves as "
               '"Unicode Text"); save it again as \'CSV UTF-8\' (in Excel: File → Save As → CSV UTF-8)',
      ],
)
def _(folder: Path) -> None:
    tables = base()
    write_tables(folder, tables, skip=("flows",))
    write_csv(folder, "flows.txt", tables["flows"], encoding="utf-16", sep="\t")
    write_settings(folder)


@case("xlsx_saved_as_csv",
      "firms.csv is really an Excel workbook: it was renamed from firms.xlsx instead of saved as CSV",
      "rejected", "the file is named as a workbook, with how to save it",
      errors=[
              "firms.csv: the file is neither UTF-8 nor GB18030 text (it is an Excel workbook, not text); "
               "save it again as 'CSV UTF-8' (in Excel: File → Save As → CSV UTF-8)",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    write_tables(folder, tables, skip=("firms",))
    write_xlsx(folder, {"Sheet1": tables["firms"]}, name="firms.csv")
    write_settings(folder)


@case("unquoted_comma_in_name",
      "firms.csv typed by hand with a name containing a comma, not in quotes: Sunrise Cells, Inc.",
      "rejected", "the row with one value too many is named",
      errors=[
              "firms.csv row 2: this row has 13 values but the header has 12 columns; a value that "
               "contains the separator (a comma) must be put in double quotes",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    text = _csv_text(tables["firms"]).replace("Sunrise Cells", "Sunrise Cells, Inc.")
    write_csv(folder, "firms.csv", [], text=text)
    write_tables(folder, tables, skip=("firms",))
    write_settings(folder)


@case("excel_dropped_leading_zeros",
      "firm ids are 001 … 005 in firms.csv and flows.csv, but firm_nodes went through Excel, which turned "
      "them into the numbers 1 … 5",
      "rejected", "each unknown id is named with the id it probably was",
      errors=[
              "firm_nodes.csv row 2, column firm_id: '1' is not a firm_id in firms (did you mean '001'? "
               "Excel drops the leading zeros of an id it takes for a number: format the column as text); also in row 3",
              "firm_nodes.csv row 4, column firm_id: '2' is not a firm_id in firms (did you mean '002'? "
               "Excel drops the leading zeros of an id it takes for a number: format the column as text)",
              "firm_nodes.csv row 5, column firm_id: '3' is not a firm_id in firms (did you mean '003'? "
               "Excel drops the leading zeros of an id it takes for a number: format the column as text); also in row 6",
              "firm_nodes.csv row 7, column firm_id: '4' is not a firm_id in firms (did you mean '004'? "
               "Excel drops the leading zeros of an id it takes for a number: format the column as text)",
              "firm_nodes.csv row 8, column firm_id: '5' is not a firm_id in firms (did you mean '005'? "
               "Excel drops the leading zeros of an id it takes for a number: format the column as text)",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    zeros = {"F001": "001", "F002": "002", "F003": "003", "F004": "004", "X001": "005"}
    for name, columns in (("firms", ["firm_id"]), ("flows", ["source", "target"]), ("firm_nodes", ["firm_id"])):
        rows = tables[name]
        for col in columns:
            i = column(rows, col)
            for row in rows[1:]:
                row[i] = zeros[row[i]] if name != "firm_nodes" else str(int(zeros[row[i]]))
    write_tables(folder, tables)
    write_settings(folder)


@case("ids_in_scientific_notation",
      "firms identified by their 18-digit credit codes; firms.csv went through Excel, which showed two of them "
      "as 9.13202E+17 and wrote them so (flows and firm_nodes, exported from another system, have the codes)",
      "rejected", "the ids are reported as lost, with how to keep them; references to firms are checked once "
      "the firm ids are readable",
      errors=[
              "firms.csv row 2, column firm_id: '9.13202E+17' is a long number that Excel wrote in "
               "scientific notation, so its digits are lost: format the column as text in Excel and type "
               "the ids again",
              "firms.csv row 3, column firm_id: '9.13203E+17' is a long number that Excel wrote in "
               "scientific notation, so its digits are lost: format the column as text in Excel and type "
               "the ids again",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    codes = {"F001": "913202001234567891", "F002": "913203009876543212"}
    for row in tables["firms"][1:]:
        row[0] = {"F001": "9.13202E+17", "F002": "9.13203E+17"}.get(row[0], row[0])
    for row in tables["firm_nodes"][1:]:
        row[0] = codes.get(row[0], row[0])
    for row in tables["flows"][1:]:
        row[1], row[2] = codes.get(row[1], row[1]), codes.get(row[2], row[2])
    write_tables(folder, tables)
    write_settings(folder)


@case("month_as_excel_serial",
      "in workspace.xlsx the kpis months were pasted as values into General cells: 46235, 46266, 46296",
      "rejected", "each serial number named with the date it stands for",
      errors=[
              "workspace.xlsx [kpis] row 2, column month: expected a month written YYYY-MM (e.g. 2024-03), "
               "got '46235'; it looks like an Excel date serial number (46235 is 2026-08-01): format the "
               "column as a date or text, or write the month",
              "workspace.xlsx [kpis] row 3, column month: expected a month written YYYY-MM (e.g. 2024-03), "
               "got '46266'; it looks like an Excel date serial number (46266 is 2026-09-01): format the "
               "column as a date or text, or write the month",
              "workspace.xlsx [kpis] row 4, column month: expected a month written YYYY-MM (e.g. 2024-03), "
               "got '46296'; it looks like an Excel date serial number (46296 is 2026-10-01): format the "
               "column as a date or text, or write the month",
              "workspace.xlsx [kpis] row 5, column month: expected a month written YYYY-MM (e.g. 2024-03), "
               "got '46235'; it looks like an Excel date serial number (46235 is 2026-08-01): format the "
               "column as a date or text, or write the month",
              "workspace.xlsx [kpis] row 6, column month: expected a month written YYYY-MM (e.g. 2024-03), "
               "got '46266'; it looks like an Excel date serial number (46266 is 2026-09-01): format the "
               "column as a date or text, or write the month",
              "workspace.xlsx [kpis] row 7, column month: expected a month written YYYY-MM (e.g. 2024-03), "
               "got '46296'; it looks like an Excel date serial number (46296 is 2026-10-01): format the "
               "column as a date or text, or write the month",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    serial = {"2026-08": 46235, "2026-09": 46266, "2026-10": 46296}
    for row in tables["kpis"][1:]:
        row[0] = serial[row[0]]
    write_xlsx(folder, tables)
    write_settings(folder)


@case("month_2026_1_ambiguous",
      "kpis months typed into number cells as 2026.08, 2026.09, 2026.10: Excel keeps 2026.08 and 2026.09 but "
      "shows October as 2026.1",
      "rejected", "2026.08 and 2026.09 are read as months; 2026.1 is reported as ambiguous",
      errors=[
              "workspace.xlsx [kpis] row 4, column month: expected a month written YYYY-MM (e.g. 2024-03), "
               "got '2026.1'; it could be January or October (Excel turns 2026.10 typed in a number cell "
               "into 2026.1): write 2026-01 or 2026-10",
              "workspace.xlsx [kpis] row 7, column month: expected a month written YYYY-MM (e.g. 2024-03), "
               "got '2026.1'; it could be January or October (Excel turns 2026.10 typed in a number cell "
               "into 2026.1): write 2026-01 or 2026-10",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    numbers = {"2026-08": 2026.08, "2026-09": 2026.09, "2026-10": 2026.1}
    for row in tables["kpis"][1:]:
        row[0] = numbers[row[0]]
    write_xlsx(folder, tables)
    write_settings(folder)


def _check_slash_dates(ws: Any) -> None:
    same(sorted(ws.kpis["month"].unique()), ["2026-08", "2026-09", "2026-10"], "kpi months")


@case("slash_dates_in_month_column",
      "kpis exported from Excel on a Chinese Windows with the months as dates: 2026/8/1, 2026/9/1, 2026/10/1",
      "accepted", "a year-first date with slashes on the 1st is read as its month, like 2026-08-01",
      check=_check_slash_dates)
def _(folder: Path) -> None:
    tables = base()
    for row in tables["kpis"][1:]:
        row[0] = f"{row[0][:4]}/{int(row[0][5:])}/1"
    write_tables(folder, tables)
    write_settings(folder)


@case("day_first_dates_in_month_column",
      "kpis typed as day/month/year dates (1/8/2026, 1/9/2026, 1/10/2026), as a European-style locale writes them",
      "rejected", "a date that does not start with the year is ambiguous (1/8 could be 1 Aug or 8 Jan) and is "
      "reported with how to fix it",
      errors=[
          f"kpis.csv row {row}, column month: expected a month written YYYY-MM (e.g. 2024-03), got "
          f"'1/{month}/2026'; if Excel turned the month into a date, format the column as text"
          for row, month in zip(range(2, 8), [8, 9, 10, 8, 9, 10])
      ],
)
def _(folder: Path) -> None:
    tables = base()
    for row in tables["kpis"][1:]:
        row[0] = f"1/{int(row[0][5:])}/{row[0][:4]}"
    write_tables(folder, tables)
    write_settings(folder)


@case("fraction_in_whole_number",
      "employees typed 12.5 (an average) and patents 3.0e1",
      "rejected", "a whole-number column with a fraction is an error; 3.0e1 (30) is fine",
      errors=[
              "firms.csv row 4, column employees: expected a whole number, got '12.5'",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["firms"], 4, "employees", "12.5")
    put(tables["firms"], 5, "patents", "3.0e1")
    write_tables(folder, tables)
    write_settings(folder)


@case("not_a_boolean",
      "local written 待定 and anchor written 链主 instead of 是",
      "rejected", "the accepted words are listed",
      errors=[
              "firms.csv row 3, column local: expected true or false (also yes/no, y/n, 1/0, 是/否), got '待定'",
              "firms.csv row 2, column anchor: expected true or false (also yes/no, y/n, 1/0, 是/否), got '链主'",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["firms"], 3, "local", "待定")
    put(tables["firms"], 2, "anchor", "链主")
    write_tables(folder, tables)
    write_settings(folder)


@case("required_cells_empty",
      "two flows whose buyer was left empty",
      "rejected", "each empty required cell named",
      errors=[
              'flows.csv row 3, column target: the cell is empty, but a value is required',
              'flows.csv row 9, column target: the cell is empty, but a value is required',
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["flows"], 3, "target", "")
    put(tables["flows"], 9, "target", "")
    write_tables(folder, tables)
    write_settings(folder)


@case("exit_month_far_in_future",
      "a firm's exit month typed 2099-12 as a placeholder",
      "rejected", "an exit month more than 12 months after the data is an error",
      errors=[
              "firms.csv row 5, column exit_month: '2099-12' lies 878 months after the rest of the data "
               "(2026-08 to 2026-10); is the year mistyped?",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    put(tables["firms"], 5, "exit_month", "2099-12")
    write_tables(folder, tables)
    write_settings(folder)


@case("settings_out_of_range",
      "workspace.yaml edited in Notepad (GB18030) with window: 0 and min_capability: 30%",
      "rejected", "window must be a whole number of months from 1 to 240; 30% is read as 0.3, like a table cell",
      errors=[
              'workspace.yaml, key window: expected a whole number of months from 1 to 240, got 0',
      ],
)
def _(folder: Path) -> None:
    write_tables(folder, base())
    write_settings(folder, "name: 语料园区\nwindow: 0\nmin_capability: 30%\n", encoding="gb18030")


def _check_shares(ws: Any) -> None:
    base_check(ws)
    t = ws.settings.thresholds
    same([t.broken_link_share, t.dependence_share, t.niche_overlap], [0.1, 0.3, 0.7], "thresholds from 10%, 30%, 70%")
    same(ws.settings.window, 12, "window '12' (quoted)")
    same({r.id: r.threshold for r in ws.settings.rules}["talent_gap"], 0.2, "rule threshold 20%")


@case("settings_shares_as_percent",
      "workspace.yaml thresholds written as percentages (broken_link_share: 10%, dependence_share: 30%, "
      "niche_overlap: 70%), window quoted, a rule threshold 20%",
      "accepted", "every number of workspace.yaml is read as a table cell is: 10% is 0.1 (issue 11: 10% used to "
      "pass validate and then fail the value-stream page, 70% was refused)",
      check=_check_shares)
def _(folder: Path) -> None:
    write_tables(folder, base())
    write_settings(folder, SETTINGS.replace("window: 3", "window: '12'") + "thresholds:\n  broken_link_share: 10%\n"
                   "  dependence_share: 30%\n  niche_overlap: 70%\nrules:\n  - metric: talent_gap\n    threshold: 20%\n")


@case("settings_that_would_fail_a_notebook",
      "workspace.yaml with window: 1e300 and rule formulas 1/0, 10 ** 400, (0-1) ** 0.5 and lag(output, 10**20)",
      "rejected", "what validate accepts cannot fail a page: a window beyond 240 months and formulas wrong whatever "
      "the data are refused at load, each with its key and reason",
      errors=[
          "workspace.yaml, key window: expected a whole number of months from 1 to 240, got '1e300'",
          "workspace.yaml, key rules: entry 1 (a), field formula: divides by zero: the divisor '0' is always 0; "
          "got '1/0'",
          "workspace.yaml, key rules: entry 2 (b), field formula: the exponent in '10 ** 400' is out of range: at "
          "most 100 in size; got '10 ** 400'",
          "workspace.yaml, key rules: entry 3 (c), field formula: '(0 - 1) ** 0.5' is not a real number (a "
          "negative number to a fractional power); got '(0-1) ** 0.5'",
          "workspace.yaml, key rules: entry 4 (d), field formula: lag: the number of months must be a whole number "
          "≥ 1 and at most 240, written as a number, not '10 ** 20'; got 'lag(output, 10**20)'",
      ],
)
def _(folder: Path) -> None:
    write_tables(folder, base())
    rules = "".join(f"  - metric: {m}\n    formula: {f}\n" for m, f in
                    (("a", "1/0"), ("b", "10 ** 400"), ("c", "(0-1) ** 0.5"), ("d", "lag(output, 10**20)")))
    write_settings(folder, "name: Corpus Park\nwindow: 1e300\nrules:\n" + rules)


@case("settings_not_yaml",
      "workspace.yaml indented with a tab under priority_weights",
      "rejected", "the line is named",
      errors=[
              "workspace.yaml line 4: not valid YAML: found character '\\t' that cannot start any token "
               "(indent with spaces, not tabs)",
      ],
)
def _(folder: Path) -> None:
    write_tables(folder, base())
    write_settings(folder, "name: Corpus Park\nwindow: 3\npriority_weights:\n\timportance: 0.4\n")


@case("missing_required_column",
      "firm_nodes without its node_id column (deleted by mistake)",
      "rejected", "the missing column is named with the columns found",
      errors=[
              "firm_nodes.csv, column node_id: the required column 'node_id' is missing (columns found: "
               "firm_id, capability, share)",
      ],
)
def _(folder: Path) -> None:
    tables = base()
    tables["firm_nodes"] = [[row[0], *row[2:]] for row in tables["firm_nodes"]]
    write_tables(folder, tables)
    write_settings(folder)


# ---- hostile and machine-written files (issue 12) ------------------------------------------


def _uncalculated(book: Any) -> None:
    # a script (openpyxl, an ERP export) writes formulas but never calculates them
    book["firms"]["H3"] = "=H2/7"
    book["firms"]["H4"] = "=H2/10"


@case("xlsx_formulas_not_calculated",
      "workspace.xlsx written by a script: two output cells of firms are formulas (=H2/7) that were never "
      "calculated, so the file holds no value for them",
      "rejected", "each formula cell without a saved value is named (sheet, row, column, cell) with what to do; "
      "it is not read as an empty cell",
      errors=[f"workspace.xlsx [firms] row {row}, column output: cell H{row} holds a formula with no saved value "
              "(the program that wrote the workbook did not calculate it), so it would be read as empty; open and "
              "save the workbook in Excel, or paste the values" for row in (3, 4)],
)
def _(folder: Path) -> None:
    write_xlsx(folder, base(), edit=_uncalculated)
    write_settings(folder)


def _stray_cells(book: Any) -> None:
    book["firms"]["XFD1048576"] = " "  # a space typed in the last cell of the sheet
    book["flows"]["OJ1000000"] = "x"  # a key pressed far below and to the right


@case("xlsx_stray_cells_far_away",
      "workspace.xlsx of 10 KB whose firms sheet has a space in its last cell XFD1048576 and whose flows sheet "
      "has an x in OJ1000000, so each sheet says it is a million rows long",
      "accepted", "only the cells that hold data are read (not the size the sheet declares): the space is "
      "blank, the x is in a column without a name",
      warnings=["workspace.xlsx [flows] row 1: column OJ has data (from row 1000000) but no name in the header "
                "row; it is ignored"],
      check=base_check)
def _(folder: Path) -> None:
    write_xlsx(folder, base(), edit=_stray_cells)
    write_settings(folder)


def _hide(book: Any) -> None:
    book["benchmarks"].sheet_state = "hidden"
    for row in (4, 5):  # an AutoFilter left on: two firms filtered out of view
        book["firms"].row_dimensions[row].hidden = True


@case("xlsx_hidden_sheet_and_filtered_rows",
      "workspace.xlsx with the benchmarks sheet hidden and a filter left on in firms that hides rows 4 and 5",
      "accepted", "hidden sheets and rows are read like the others, with a warning naming them",
      warnings=["workspace.xlsx [firms] row 4: 2 rows of data are hidden in Excel (filtered out or hidden by hand): "
                "rows 4, 5; they are read like every other row: delete them from the sheet if they should not "
                "count",
                "workspace.xlsx [benchmarks]: the sheet is hidden in Excel; its table is read like the others: "
                "unhide it (right-click a sheet tab → Unhide) to check it, or delete it if it should not count"],
      check=base_check)
def _(folder: Path) -> None:
    write_xlsx(folder, base(), edit=_hide)
    write_settings(folder)


@case("xlsx_zero_bytes",
      "workspace.xlsx of 0 bytes (a copy that failed), and no other table file",
      "rejected", "one message: the tables it should hold are not reported missing one by one",
      errors=["workspace.xlsx: the workbook cannot be opened: the file is empty (0 bytes); save the workbook "
              "again from Excel"],
)
def _(folder: Path) -> None:
    (folder / "workspace.xlsx").write_bytes(b"")
    write_settings(folder)


def _check_gbk(ws: Any) -> None:
    base_check(ws)
    same(ws.candidates["name"].tolist(), ["伏桥电力"], "candidates.name decoded as GB18030")


@case("parquet_text_as_gb18030_bytes",
      "candidates.parquet exported by a Chinese ERP with the name column as raw bytes in GB18030 (a binary "
      "column, not text)",
      "accepted", "bytes are decoded as UTF-8, else GB18030, as a CSV file is", check=_check_gbk)
def _(folder: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = base()
    write_tables(folder, tables, skip=("candidates",))
    header, *rows = tables["candidates"]
    columns = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    columns["name"] = pa.array([n.encode("gb18030") for n in columns["name_zh"]], pa.binary())
    pq.write_table(pa.table(columns), folder / "candidates.parquet")
    write_settings(folder)


ALIAS_BOMB = "name: Corpus Park\nrules:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  - &{name} [" + ", ".join([f"*{before}"] * 9) + "]\n" for before, name in zip("abcdefgh", "bcdefghi"))


@case("settings_alias_bomb",
      f"a {len(ALIAS_BOMB)}-byte workspace.yaml whose rules are a YAML alias bomb (\"billion laughs\": nine lists "
      "of nine aliases of the list before, 387 million values once expanded)",
      "rejected", "refused with one message before the values are built; aliases that expand to a few values "
      "are allowed",
      errors=["workspace.yaml: the file holds more than 10,000 values once its YAML aliases (*name) are expanded; "
              "settings are a few lines: write them out in full, without aliases"],
)
def _(folder: Path) -> None:
    write_tables(folder, base())
    write_settings(folder, ALIAS_BOMB)


@case("settings_repeated_and_misspelt_keys",
      "workspace.yaml with two window: lines (3, then 6 added at the bottom) and thresholds.dependance_share "
      "(misspelt)",
      "rejected", "a key given twice names both lines (YAML would keep the last silently); an unknown key of "
      "thresholds is an error with the closest key",
      errors=["workspace.yaml line 7, key window: given twice (lines 4 and 7); only the last would count: delete "
              "the one you do not mean",
              "workspace.yaml, key thresholds.dependance_share: not a key of thresholds (the keys are "
              "broken_link_share, dependence_share, niche_overlap, niche_min_firms, niche_min_share, broken_link_min_value), so it would be ignored (did you mean "
              "'dependence_share'?)"],
)
def _(folder: Path) -> None:
    write_tables(folder, base())
    write_settings(folder, SETTINGS + "thresholds:\n  dependance_share: 40%\nwindow: 6\n")


@case("settings_name_with_control_character",
      "workspace.yaml whose name ends in a NUL character (pasted from another program) and whose name_zh is "
      "a 150-character description",
      "rejected", "the name becomes a folder name: no control characters, at most 100 characters",
      errors=["workspace.yaml, key name: the text holds a control character (\\x00: a NUL, a tab or a line "
              "break); write it on one line of plain characters",
              "workspace.yaml, key name_zh: the text is 150 characters long; at most 100 are allowed: shorten it"],
)
def _(folder: Path) -> None:
    write_tables(folder, base())
    write_settings(folder, f'name: "Corpus Park\\0"\nname_zh: {"语料园区储能产业链" * 16}{"园" * 6}\nwindow: 3\n')


# --------------------------------------------------------------------------- README and main


def _outcome(c: Case) -> str:
    if c.outcome == "accepted":
        lines = [f"**accepted**: {c.handled}"] + [f"warning: `{w}`" for w in c.warnings]
    else:
        lines = [f"**rejected**: {c.handled}"] + [f"`{e}`" for e in c.errors]
        lines += [f"warning: `{w}`" for w in c.warnings]
    return "<br>".join(line.replace("|", "\\|") for line in lines)


def readme() -> str:
    accepted = sum(c.outcome == "accepted" for c in CASES)
    lines = [
        "# Bad-input corpus",
        "",
        f"{len(CASES)} workspaces as park staff really produce them: {accepted} spreadsheet habits that ecolib "
        f"reads and normalises, {len(CASES) - accepted} true errors that stop loading with a message naming the "
        "file, the row, the column and the problem. Every case is the small park of `build.py` with one thing "
        "built in; `tests/test_bad_input_corpus.py` loads each and checks the outcome below exactly, and that "
        "`ecolib report` on a rejected case exits with status 1 and writes no report. The rules are documented "
        "in [`data/README.md`](../../data/README.md).",
        "",
        "Regenerate the folders and this file with `python tests/corpus/build.py` (do not edit by hand). "
        "Messages are shown as `ecolib validate` prints them. The one rule that reads the computer's clock "
        "(a month after the current month: a warning) is tested with the current month fixed at "
        f"{CURRENT_MONTH}.",
        "",
        "| case | what is broken (as the user did it) | outcome and messages |",
        "|---|---|---|",
    ]
    for c in CASES:
        broken = c.broken.replace("|", "\\|")
        lines.append(f"| [`{c.name}`]({c.name}/) | {broken} | {_outcome(c)} |")
    return "\n".join(lines) + "\n"


def build(target: Path = HERE) -> None:
    """Write every case folder under ``target`` (emptied first) and README.md."""
    for c in CASES:
        folder = target / c.name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        c.build(folder)
    (target / "README.md").write_text(readme(), encoding="utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(f"{len(CASES)} cases written to {Path(sys.argv[1]) if len(sys.argv) > 1 else HERE}")
