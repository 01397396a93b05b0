"""Tests for ecolib.workspace (loading, validation, derived columns) and ecolib.contract.schema.

Every test builds a small workspace in ``tmp_path`` from ``base_tables()``: a chain root,
2 stages, 2 segments, 4 leaf nodes; 4 firms including one external; flows over 3 months;
kpis, benchmarks, chain edges and candidates. A check is tested by breaking one cell and
asserting the problem: file, row as the user counts it (header = row 1), column and text.
Row numbers below: DataFrame index i is file row i + 2.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecolib.contract import schema
from ecolib.workspace.rules import DEFAULT_RULES
from ecolib.workspace.settings import DIMENSIONS, Thresholds
from ecolib.workspace.load import (
    ROW_LIMIT,
    Problem,
    Workspace,
    WorkspaceError,
    add_node_columns,
    ancestors_at_depth,
    load_workspace,
    month_coverage,
    validate_workspace,
)

README = Path(__file__).resolve().parents[1] / "data" / "README.md"

BASE_CSV = {
    "chain_nodes": """\
node_id,name,parent_id,name_zh,stage,weight,core
EV,EV batteries,,动力电池,,,
S1,Materials,EV,材料,upstream,,
S2,Packs and systems,EV,系统,downstream,,
G1,Cells,S1,,,,
G2,Packs,S2,,,,
N1,Cathode,G1,正极,,2,true
N2,Anode,G1,负极,,,
N3,BMS,G2,,,,yes
N4,Pack assembly,G2,,,0.5,
""",
    "chain_edges": """\
source,target,weight
N1,N3,1
N2,N3,
N3,N4,2
""",
    "firms": """\
firm_id,name,zone,local,anchor,employees,output,area,patents,status,exit_month
A,Alpha Cathode,Z1,true,true,100,1000,500,10,active,
B,Beta Anode,Z1,yes,,50,400,,3,active,
C,Gamma Packs,Z2,1,,20,,,,exited,2024-02
X,Outside Supplier,,false,,,,,,,
""",
    "firm_nodes": """\
firm_id,node_id,capability,share
A,N1,0.9,0.5
A,N3,0.5,0.5
B,N2,0.8,
C,N4,,
X,N1,,
""",
    "flows": """\
month,source,target,value,kind
2024-01,B,A,100,goods
2024-01,X,A,50,
2024-02,A,C,30,technology
2024-02,B,A,120,
2024-03,X,B,10,capital
2024-03,A,B,5,data
""",
    "kpis": """\
month,metric,value
2024-01,policy_compliance,0.8
2024-02,policy_compliance,0.75
2024-03,policy_compliance,0.72
2024-01,talent_demand,100
""",
    "benchmarks": """\
metric,value,direction,source
policy_compliance,0.9,higher,benchmark park
chain_repair_days,7,lower,
""",
    "candidates": """\
firm_id,name,node_id,capability,region
K1,Kappa Systems,N3,0.7,Jiangsu
K1,Kappa Systems,N4,,Jiangsu
K2,Lambda Anode,N2,0.6,Anhui
""",
}

BASE_YAML = "name: Test Park\nname_zh: 测试园区\nwindow: 6\n"


_BASE = {
    name: pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).astype(object)
    for name, text in BASE_CSV.items()
}


def base_tables() -> dict[str, pd.DataFrame]:
    """The valid workspace as text DataFrames (fresh copies), ready to be broken by a test."""
    return {name: frame.copy() for name, frame in _BASE.items()}


def write_workspace(
    folder: Path,
    tables: dict[str, pd.DataFrame] | None = None,
    fmt: str = "csv",
    settings: str | None = BASE_YAML,
    encoding: str = "utf-8",
) -> Path:
    """Write ``tables`` (default: the valid base) as CSV, one XLSX workbook or Parquet."""
    tables = base_tables() if tables is None else tables
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        for name, frame in tables.items():
            frame.to_csv(folder / f"{name}.csv", index=False, encoding=encoding)
    elif fmt == "xlsx":
        with pd.ExcelWriter(folder / "workspace.xlsx", engine="openpyxl") as writer:
            for name, frame in tables.items():
                frame.to_excel(writer, sheet_name=name, index=False)
    elif fmt == "parquet":
        for name, frame in tables.items():
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    if settings is not None:
        (folder / "workspace.yaml").write_text(settings, encoding="utf-8")
    return folder


def problems_for(folder: Path) -> list[Problem]:
    workspace, problems = validate_workspace(folder)
    assert (workspace is None) == any(p.is_error for p in problems)
    return problems


def only(problems: list[Problem], **where) -> Problem:
    """The single problem whose fields match ``where``; fails listing them all otherwise."""
    found = [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]
    listing = "\n".join(map(str, problems))
    assert len(found) == 1, f"expected one problem with {where}, got:\n{listing}"
    return found[0]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "park")


# --------------------------------------------------------------------------- valid input


def test_valid_workspace_loads_typed_with_defaults(base: Path) -> None:
    ws = load_workspace(base)
    assert isinstance(ws, Workspace) and ws.warnings == []
    assert ws.name == "Test Park"
    assert ws.settings.name_zh == "测试园区" and ws.settings.window == 6
    assert ws.settings.currency == "CNY" and ws.settings.min_capability == 0.3
    assert dict(ws.settings.priority_weights) == schema.PRIORITY_WEIGHTS
    assert ws.settings.thresholds == Thresholds() and ws.settings.rules == DEFAULT_RULES
    assert list(ws.settings.dimensions) == list(DIMENSIONS)
    assert ws.settings.window == 6 and ws.settings.name_zh == "测试园区"

    for name, table in schema.TABLES.items():
        frame = ws.tables[name]
        assert getattr(ws, name) is frame
        for column in table.columns:
            assert frame[column.name].dtype == pd.Series(dtype=column.dtype).dtype, (name, column.name)
        assert isinstance(frame.index, pd.RangeIndex)

    nodes = ws.chain_nodes.set_index("node_id")
    assert nodes.loc["N2", "weight"] == 1.0 and nodes.loc["N1", "weight"] == 2.0
    assert nodes["core"].tolist() == [False] * 5 + [True, False, True, False]
    assert nodes.loc["G1", "name_zh"] == "Cells" and nodes.loc["EV", "name_zh"] == "动力电池"
    assert pd.isna(nodes.loc["EV", "parent_id"])

    firms = ws.firms.set_index("firm_id")
    assert firms["local"].tolist() == [True, True, True, False]
    assert firms["anchor"].tolist() == [True, False, False, False]
    assert firms.loc["X", "status"] == "active" and firms.loc["C", "exit_month"] == "2024-02"
    assert np.isnan(firms.loc["C", "output"]) and firms.loc["A", "employees"] == 100.0
    assert firms.loc["A", "name_zh"] == "Alpha Cathode"  # no name_zh column: copies name

    links = ws.firm_nodes
    assert links["capability"].tolist() == [0.9, 0.5, 0.8, 1.0, 1.0]
    assert links["share"].tolist() == [0.5, 0.5, 1.0, 1.0, 1.0]
    assert ws.flows["kind"].tolist() == ["goods", "goods", "technology", "goods", "capital", "data"]
    assert ws.chain_edges["weight"].tolist() == [1.0, 1.0, 2.0]
    assert ws.benchmarks["direction"].tolist() == ["higher", "lower"]
    assert ws.candidates["capability"].tolist() == [0.7, 1.0, 0.6]
    assert ws.months() == ["2024-01", "2024-02", "2024-03"]


def test_absent_optional_tables_and_columns_take_defaults(tmp_path: Path) -> None:
    tables = base_tables()
    for name in ("chain_edges", "kpis", "benchmarks", "candidates"):
        del tables[name]
    tables["flows"] = tables["flows"].drop(columns="kind")
    tables["firms"] = tables["firms"][["firm_id", "name"]]
    ws = load_workspace(write_workspace(tmp_path / "p", tables, settings=None))

    assert ws.name == "p" and ws.settings.name_zh == "p" and ws.settings.window == 12
    for name in ("chain_edges", "kpis", "benchmarks", "candidates"):
        frame = ws.tables[name]
        assert frame.empty and list(frame.columns) == list(schema.TABLES[name].names)
        assert frame.dtypes.equals(schema.empty_table(name).dtypes)
    assert (ws.flows["kind"] == "goods").all()
    assert ws.firms["local"].all() and not ws.firms["anchor"].any()
    assert (ws.firms["status"] == "active").all()
    assert ws.firms["output"].isna().all() and ws.firms["output"].dtype == "float64"
    assert ws.months() == ["2024-01", "2024-02", "2024-03"]


def test_derived_chain_node_columns(base: Path) -> None:
    nodes = load_workspace(base).chain_nodes.set_index("node_id")
    assert nodes["depth"].dtype == "int64"
    assert nodes["depth"].tolist() == [0, 1, 1, 2, 2, 3, 3, 3, 3]  # EV, S1, S2, G1, G2, N1..N4
    assert nodes["is_leaf"][nodes["is_leaf"]].index.tolist() == ["N1", "N2", "N3", "N4"]
    assert nodes["level"].tolist() == ["chain", "stage", "stage", "segment", "segment"] + ["node"] * 4
    assert nodes["stage_id"].fillna("-").tolist() == ["-", "S1", "S2", "S1", "S2", "S1", "S1", "S2", "S2"]
    assert nodes["segment_id"].fillna("-").tolist() == ["-", "-", "-", "G1", "G2", "G1", "G1", "G2", "G2"]
    up, down = "upstream", "downstream"
    assert nodes["stage"].fillna("-").tolist() == ["-", up, down, up, down, up, up, down, down]


def test_ancestors_at_depth_on_a_deeper_unbalanced_tree() -> None:
    nodes = pd.DataFrame(
        {
            "node_id": ["R", "A", "B", "A1", "A11", "A111"],
            "parent_id": [np.nan, "R", "R", "A", "A1", "A11"],
            "stage": [np.nan, "upstream", np.nan, np.nan, "service", np.nan],
        }
    ).astype({"node_id": schema.TEXT, "parent_id": schema.TEXT, "stage": schema.TEXT})
    assert ancestors_at_depth(nodes, 1).fillna("-").tolist() == ["-", "A", "B", "A", "A", "A"]
    assert ancestors_at_depth(nodes, 3).fillna("-").tolist() == ["-", "-", "-", "-", "A11", "A11"]
    out = add_node_columns(nodes)
    assert out["level"].tolist() == ["chain", "stage", "stage", "segment", "node", "node"]
    assert out["segment_id"].fillna("-").tolist() == ["-", "-", "-", "A1", "A1", "A1"]
    # stage filled down from the nearest ancestor that has one
    assert out["stage"].fillna("-").tolist() == ["-", "upstream", "-", "upstream", "service", "service"]


def test_xlsx_and_parquet_load_identically(tmp_path: Path) -> None:
    from_csv = load_workspace(write_workspace(tmp_path / "csv"))
    for fmt in ("xlsx", "parquet"):
        other = load_workspace(write_workspace(tmp_path / fmt, fmt=fmt))
        assert other.warnings == []
        for name in schema.TABLES:
            pd.testing.assert_frame_equal(other.tables[name], from_csv.tables[name], obj=f"{fmt} {name}")


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_typed_cells_dates_numbers_booleans(tmp_path: Path, fmt: str) -> None:
    tables = base_tables()
    flows = tables["flows"].copy()
    flows["month"] = pd.to_datetime(flows["month"])  # Excel turns a typed 2024-01 into a date
    flows["value"] = flows["value"].astype(float)
    firms = tables["firms"].copy()
    firms["local"] = [True, True, True, False]
    firms["employees"] = pd.array([100, 50, 20, None], dtype="Int64")
    firms["output"] = [1000.0, 400.0, np.nan, np.nan]
    tables |= {"flows": flows, "firms": firms}
    ws = load_workspace(write_workspace(tmp_path / "p", tables, fmt=fmt))
    assert ws.warnings == []
    assert ws.months() == ["2024-01", "2024-02", "2024-03"]
    assert ws.flows["value"].sum() == 315.0
    assert ws.firms["local"].tolist() == [True, True, True, False]
    assert ws.firms["employees"].tolist()[:3] == [100.0, 50.0, 20.0]
    assert ws.firms["output"].isna().tolist() == [False, False, True, True]


def test_header_problems(tmp_path: Path) -> None:
    folder = write_workspace(tmp_path / "p")
    (folder / "benchmarks.csv").write_text(
        "metric,value,,Value,direction\npolicy_compliance,0.9,note,0.8,higher\n", encoding="utf-8"
    )
    problems = problems_for(folder)
    assert [str(p) for p in problems] == [
        "warning: benchmarks.csv row 1: column C has data (from row 2) but no name in the header row; it is ignored",
        "benchmarks.csv row 1, column value: the column name appears twice (column D); only the first is read",
    ]


def test_header_only_optional_table_and_trailing_commas(tmp_path: Path) -> None:
    folder = write_workspace(tmp_path / "p")
    (folder / "kpis.csv").write_text("month,metric,value,,\n", encoding="utf-8")
    (folder / "benchmarks.csv").write_text("metric,value,,\npolicy_compliance,0.9,,\n,,,\n", encoding="utf-8")
    ws = load_workspace(folder)
    assert [str(p) for p in ws.warnings] == [       # a table given without rows: said once, not an error
        "warning: kpis.csv: the table has no rows of data, so these are not evaluated: the dynamic evaluation "
        "(indicators and early warnings) and the health diagnosis"]
    assert ws.kpis.empty and list(ws.kpis.columns) == ["month", "metric", "value"]
    assert ws.benchmarks["metric"].tolist() == ["policy_compliance"]


def test_workbook_extra_sheets_and_files(tmp_path: Path) -> None:
    folder = write_workspace(tmp_path / "p", fmt="xlsx")
    from openpyxl import load_workbook

    book = load_workbook(folder / "workspace.xlsx")
    book.create_sheet("Notes")["A1"] = "read me"
    book["flows"].title = " Flows "  # sheet names match ignoring case and spaces
    book.save(folder / "workspace.xlsx")
    (folder / "old.xls").write_bytes(b"")
    (folder / "~$workspace.xlsx").write_bytes(b"lock file")
    ws = load_workspace(folder)
    assert [str(p) for p in ws.warnings] == [
        "warning: old.xls: the old .xls format is not read; save the workbook as workspace.xlsx",
        "warning: workspace.xlsx: sheet 'Notes' is not a workspace table, ignored",
    ]
    assert len(ws.flows) == 6


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_chinese_csv_encodings(tmp_path: Path, encoding: str) -> None:
    tables = base_tables()
    tables["firms"]["name"] = ["甲正极材料有限公司", "乙负极", "丙电池包", "园外供应商"]
    tables["chain_nodes"].loc[1, "stage"] = "上游"  # Chinese synonym
    folder = write_workspace(tmp_path / "p", tables, encoding=encoding)
    raw = (folder / "firms.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # so the GB18030 path is really taken
    ws = load_workspace(folder)
    assert ws.firms["name"].tolist() == ["甲正极材料有限公司", "乙负极", "丙电池包", "园外供应商"]
    assert ws.firm_nodes.columns[0] == "firm_id"  # a BOM does not stick to the first header
    assert ws.chain_nodes.loc[1, "stage"] == "upstream"


def test_lenient_cells_headers_and_blank_rows(tmp_path: Path) -> None:
    folder = write_workspace(tmp_path / "p")
    (folder / "flows.csv").write_text(
        " Month ,Source,TARGET, value ,kind\n"
        "2024-01, B ,A,\"1,200.5\",Goods\n"
        ",,,,\n"
        "\n"
        "2024-02,X,A,NA,\n"
        "2024-03,X,B,50%,capital\n",
        encoding="utf-8",
    )
    problems = problems_for(folder)
    # the blank lines are skipped but counted: the empty value is on row 5
    assert str(only(problems, row=5)) == "flows.csv row 5, column value: the cell is empty, but a value is required"
    (folder / "flows.csv").write_text(
        "month;source;target;value\n2024-01;B;A;1,5e3\n", encoding="utf-8"
    )
    problem = only(problems_for(folder), file="flows.csv")
    assert (problem.row, problem.column) == (2, "value")
    assert problem.message == "expected a number, got '1,5e3'"
    (folder / "flows.csv").write_text("month;source;target;value\n2024-01; B ;A;1200\n", encoding="utf-8")
    ws = load_workspace(folder)
    assert ws.flows["source"].tolist() == ["B"] and ws.flows["value"].tolist() == [1200.0]


def test_percent_and_thousands_separators(tmp_path: Path) -> None:
    tables = base_tables()
    tables["flows"].loc[0, "value"] = "1,200.5"
    tables["firm_nodes"].loc[0:1, "capability"] = ["90%", "50 %"]
    ws = load_workspace(write_workspace(tmp_path / "p", tables))
    assert ws.flows.loc[0, "value"] == 1200.5
    assert ws.firm_nodes["capability"].tolist()[:2] == [0.9, 0.5]


# --------------------------------------------------------------------------- each check


def _set(table: str, index: int, column: str, value: str):
    def mutate(tables: dict[str, pd.DataFrame]) -> None:
        tables[table].loc[index, column] = value
    return mutate


def _drop_column(table: str, column: str):
    def mutate(tables: dict[str, pd.DataFrame]) -> None:
        tables[table] = tables[table].drop(columns=column)
    return mutate


def _rename_column(table: str, old: str, new: str):
    def mutate(tables: dict[str, pd.DataFrame]) -> None:
        tables[table] = tables[table].rename(columns={old: new})
    return mutate


def _repeat_row(table: str, index: int):
    def mutate(tables: dict[str, pd.DataFrame]) -> None:
        tables[table] = pd.concat([tables[table], tables[table].iloc[[index]]], ignore_index=True)
    return mutate


# (mutation, file, row, column, message, severity)
CASES = {
    "missing required column": (
        _drop_column("flows", "value"), "flows.csv", None, "value",
        "the required column 'value' is missing (columns found: month, source, target, kind)", "error"),
    "unknown column": (
        _rename_column("firms", "output", "outptu"), "firms.csv", None, "outptu",
        "not a column of this table, ignored (did you mean 'output'?)", "warning"),
    "text in a number column": (
        _set("flows", 3, "value", "abc"), "flows.csv", 5, "value", "expected a number, got 'abc'", "error"),
    "fraction in a whole-number column": (
        _set("firms", 1, "employees", "2.5"), "firms.csv", 3, "employees", "expected a whole number, got '2.5'", "error"),
    "not a boolean": (
        _set("firms", 0, "local", "maybe"), "firms.csv", 2, "local",
        "expected true or false (also yes/no, y/n, 1/0, 是/否), got 'maybe'", "error"),
    "required cell empty": (
        _set("flows", 0, "target", ""), "flows.csv", 2, "target", "the cell is empty, but a value is required", "error"),
    "duplicate node_id": (
        _repeat_row("chain_nodes", 8), "chain_nodes.csv", 11, "node_id",
        "'N4' appears more than once (first in row 10)", "error"),
    "duplicate firm_id": (
        _repeat_row("firms", 3), "firms.csv", 6, "firm_id", "'X' appears more than once (first in row 5)", "error"),
    "duplicate firm_nodes pair": (
        _repeat_row("firm_nodes", 2), "firm_nodes.csv", 7, None,
        "firm_id 'B' with node_id 'N2' appears more than once (first in row 4)", "error"),
    "duplicate kpi month and metric": (
        _set("kpis", 1, "month", "2024-01"), "kpis.csv", 3, None,
        "month '2024-01' with metric 'policy_compliance' appears more than once (first in row 2)", "error"),
    "duplicate benchmark metric": (
        _set("benchmarks", 1, "metric", "policy_compliance"), "benchmarks.csv", 3, "metric",
        "'policy_compliance' appears more than once (first in row 2)", "error"),
    "duplicate candidate firm and node": (
        _set("candidates", 1, "node_id", "N3"), "candidates.csv", 3, None,
        "firm_id 'K1' with node_id 'N3' appears more than once (first in row 2)", "error"),
    "negative flow value": (
        _set("flows", 0, "value", "-5"), "flows.csv", 2, "value", "must be ≥ 0, got -5", "error"),
    "negative output": (
        _set("firms", 0, "output", "-2500"), "firms.csv", 2, "output", "must be ≥ 0, got -2500", "error"),
    "negative area": (_set("firms", 0, "area", "-1"), "firms.csv", 2, "area", "must be ≥ 0, got -1", "error"),
    "negative patents": (_set("firms", 0, "patents", "-3"), "firms.csv", 2, "patents", "must be ≥ 0, got -3", "error"),
    "negative employees": (
        _set("firms", 0, "employees", "-10"), "firms.csv", 2, "employees", "must be ≥ 0, got -10", "error"),
    "negative node weight": (
        _set("chain_nodes", 5, "weight", "-1"), "chain_nodes.csv", 7, "weight", "must be ≥ 0, got -1", "error"),
    "negative edge weight": (
        _set("chain_edges", 0, "weight", "-0.5"), "chain_edges.csv", 2, "weight", "must be ≥ 0, got -0.5", "error"),
    "capability zero": (
        _set("firm_nodes", 0, "capability", "0"), "firm_nodes.csv", 2, "capability", "must be in (0, 1], got 0", "error"),
    "capability above one": (
        _set("candidates", 0, "capability", "1.5"), "candidates.csv", 2, "capability", "must be in (0, 1], got 1.5", "error"),
    "share above one": (
        _set("firm_nodes", 2, "share", "1.2"), "firm_nodes.csv", 4, "share", "must be in [0, 1], got 1.2", "error"),
    "stage not allowed": (
        _set("chain_nodes", 1, "stage", "Upstrem"), "chain_nodes.csv", 3, "stage",
        "'Upstrem' is not one of: upstream, midstream, downstream, service (did you mean 'upstream'?)", "error"),
    "status not allowed": (
        _set("firms", 0, "status", "closed"), "firms.csv", 2, "status", "'closed' is not one of: active, exited", "error"),
    "kind not allowed": (
        _set("flows", 0, "kind", "money"), "flows.csv", 2, "kind",
        "'money' is not one of: goods, technology, data, service, capital", "error"),
    "direction not allowed": (
        _set("benchmarks", 0, "direction", "up"), "benchmarks.csv", 2, "direction", "'up' is not one of: higher, lower", "error"),
    "month 13": (
        _set("flows", 4, "month", "2024-13"), "flows.csv", 6, "month",
        "expected a month written YYYY-MM (e.g. 2024-03), got '2024-13'", "error"),
    "month as a date": (
        _set("kpis", 0, "month", "1/1/2024"), "kpis.csv", 2, "month",
        "expected a month written YYYY-MM (e.g. 2024-03), got '1/1/2024'; "
        "if Excel turned the month into a date, format the column as text", "error"),
    "bad exit month": (
        _set("firms", 2, "exit_month", "Feb 2024"), "firms.csv", 4, "exit_month",
        "expected a month written YYYY-MM (e.g. 2024-03), got 'Feb 2024'", "error"),
    "unknown parent": (
        _set("chain_nodes", 3, "parent_id", "S9"), "chain_nodes.csv", 5, "parent_id",
        "'S9' is not a node_id in chain_nodes", "error"),
    "unknown edge source": (
        _set("chain_edges", 0, "source", "N9"), "chain_edges.csv", 2, "source", "'N9' is not a node_id in chain_nodes", "error"),
    "unknown edge target": (
        _set("chain_edges", 2, "target", "N9"), "chain_edges.csv", 4, "target", "'N9' is not a node_id in chain_nodes", "error"),
    "unknown firm in firm_nodes": (
        _set("firm_nodes", 4, "firm_id", "Y"), "firm_nodes.csv", 6, "firm_id", "'Y' is not a firm_id in firms", "error"),
    "unknown node in firm_nodes": (
        _set("firm_nodes", 2, "node_id", "N7"), "firm_nodes.csv", 4, "node_id", "'N7' is not a node_id in chain_nodes", "error"),
    "unknown flow source": (
        _set("flows", 1, "source", "F9999"), "flows.csv", 3, "source", "'F9999' is not a firm_id in firms", "error"),
    "unknown flow target": (
        _set("flows", 5, "target", "F9999"), "flows.csv", 7, "target", "'F9999' is not a firm_id in firms", "error"),
    "unknown candidate node": (
        _set("candidates", 2, "node_id", "N0"), "candidates.csv", 4, "node_id", "'N0' is not a node_id in chain_nodes", "error"),
    "two roots": (
        _set("chain_nodes", 2, "parent_id", ""), "chain_nodes.csv", None, "parent_id",
        "the tree has 2 roots: 'EV' (row 2), 'S2' (row 4); exactly one node (the chain itself) may have an empty parent_id",
        "error"),
    "node is its own parent": (
        _set("chain_nodes", 8, "parent_id", "N4"), "chain_nodes.csv", 10, "parent_id", "node 'N4' is its own parent", "error"),
    "exit month on an active firm": (
        _set("firms", 0, "exit_month", "2024-03"), "firms.csv", 2, "exit_month",
        "exit_month is '2024-03' but status is 'active'; set status to exited or clear exit_month", "warning"),
    "exited firm without exit month": (
        _set("firms", 2, "exit_month", ""), "firms.csv", 4, "exit_month",
        "status is 'exited' but exit_month is empty", "warning"),
    "flow to itself": (
        _set("flows", 0, "target", "B"), "flows.csv", 2, "target", "source and target are the same firm 'B'", "warning"),
    "edge to itself": (
        _set("chain_edges", 0, "target", "N1"), "chain_edges.csv", 2, "target", "source and target are the same node 'N1'", "warning"),
    "candidate with two names": (
        _set("candidates", 1, "name", "Kappa Sys"), "candidates.csv", 3, "name",
        "candidate 'K1' is called 'Kappa Sys' here but 'Kappa Systems' in an earlier row", "warning"),
    "shares not summing to one": (
        _set("firm_nodes", 1, "share", "0.3"), "firm_nodes.csv", 2, "share",
        "the shares of firm 'A' sum to 0.8, not 1; they were rescaled to sum to 1", "warning"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_check_reports_file_row_column_and_message(tmp_path: Path, case: str) -> None:
    mutate, file, row, column, message, severity = CASES[case]
    tables = base_tables()
    mutate(tables)
    problems = problems_for(write_workspace(tmp_path / "p", tables))
    problem = only(problems, file=file, row=row, column=column)
    assert problem.message == message
    assert problem.severity == severity
    others = [p for p in problems if p is not problem]
    assert others == [], "one broken cell should give one problem:\n" + "\n".join(map(str, others))


def test_problem_str_names_file_row_and_column() -> None:
    problem = Problem("flows.csv", 812, "target", "'F9999' is not a firm_id in firms")
    assert str(problem) == "flows.csv row 812, column target: 'F9999' is not a firm_id in firms"
    assert str(Problem("firm_nodes", None, None, "missing", "warning")) == "warning: firm_nodes: missing"
    assert str(Problem("workspace.yaml", 3, None, "bad")) == "workspace.yaml line 3: bad"
    assert str(Problem("workspace.yaml", None, "window", "bad")) == "workspace.yaml, key window: bad"


def test_cycle_without_root(tmp_path: Path) -> None:
    tables = base_tables()
    tables["chain_nodes"].loc[0, "parent_id"] = "N1"  # EV → N1 → G1 → S1 → EV
    problems = problems_for(write_workspace(tmp_path / "p", tables))
    assert only(problems, row=None, column="parent_id").message.startswith("the tree has no root")
    cycle_rows = sorted(p.row for p in problems if "own ancestor" in p.message)
    assert cycle_rows == [2, 3, 5, 7]  # EV, S1, G1, N1; the nodes hanging below are not blamed
    assert only(problems, row=2).message == (
        "node 'EV' is its own ancestor: following parent_id from it comes back to it"
    )


def test_shares_are_filled_and_rescaled(tmp_path: Path) -> None:
    tables = base_tables()
    tables["firm_nodes"] = pd.DataFrame(
        {"firm_id": ["A", "A", "A", "B", "B", "C", "X"], "node_id": ["N1", "N2", "N3", "N2", "N3", "N4", "N1"],
         "capability": "", "share": ["0.5", "", "", "0.3", "0.3", "0", ""]}
    )
    ws, problems = validate_workspace(write_workspace(tmp_path / "p", tables))
    assert [str(p) for p in problems] == [
        "warning: firm_nodes.csv row 5, column share: the shares of firm 'B' sum to 0.6, not 1; "
        "they were rescaled to sum to 1",
        "warning: firm_nodes.csv row 7, column share: the shares of firm 'C' sum to 0; its nodes were "
        "given equal shares",
    ]
    assert ws.firm_nodes["share"].tolist() == [0.5, 0.25, 0.25, 0.5, 0.5, 1.0, 1.0]
    assert ws.firm_nodes.groupby("firm_id")["share"].sum().tolist() == pytest.approx([1, 1, 1, 1])


def test_missing_and_empty_required_tables(tmp_path: Path) -> None:
    tables = base_tables()
    del tables["firm_nodes"]
    tables["flows"] = tables["flows"].iloc[0:0]
    problems = problems_for(write_workspace(tmp_path / "p", tables))
    assert only(problems, file="firm_nodes").message == (
        "the required table firm_nodes is missing: add firm_nodes.csv, firm_nodes.parquet "
        "or a sheet named firm_nodes in workspace.xlsx"
    )
    flows = only(problems, file="flows.csv")      # flows are optional: no rows is a warning
    assert flows.severity == "warning" and flows.message.startswith("the table has no rows of data, so these")
    assert len(problems) == 2


def test_missing_firms_table_does_not_flood_references(tmp_path: Path) -> None:
    tables = base_tables()
    del tables["firms"]
    problems = problems_for(write_workspace(tmp_path / "p", tables))
    assert [p.file for p in problems] == ["firms"]


def test_many_rows_with_the_same_problem_are_summed_up(tmp_path: Path) -> None:
    tables = base_tables()
    n = ROW_LIMIT + 9_812
    tables["flows"] = pd.DataFrame(
        {"month": "2024-01", "source": "A", "target": [f"F{i}" for i in range(n)], "value": "1"}
    )
    problems = [p for p in problems_for(write_workspace(tmp_path / "p", tables)) if p.column == "target"]
    assert len(problems) == ROW_LIMIT + 1
    assert [p.row for p in problems[:ROW_LIMIT]] == list(range(2, ROW_LIMIT + 2))
    assert str(problems[-1]) == (
        "flows.csv, column target: ... and 9,812 more values that are not a firm_id in firms (9,812 rows)"
    )


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    tables = base_tables()
    tables["flows"].loc[0, "value"] = "abc"
    tables["flows"].loc[1, "target"] = "F9999"
    tables["firms"].loc[3, "status"] = "gone"
    tables["chain_nodes"].loc[3, "parent_id"] = "Q"
    tables["firms"] = tables["firms"].rename(columns={"zone": "zones"})
    folder = write_workspace(tmp_path / "p", tables, settings="window: 0\ncolour: red\n")
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(folder)
    error = caught.value
    assert len(error.errors) == 5 and len(error.warnings) == 2
    lines = str(error).splitlines()
    assert lines[0] == "workspace 'p' cannot be loaded: 5 errors and 2 warnings"
    assert "  flows.csv row 2, column value: expected a number, got 'abc'" in lines
    assert "  flows.csv row 3, column target: 'F9999' is not a firm_id in firms" in lines
    assert "  firms.csv row 5, column status: 'gone' is not one of: active, exited" in lines
    assert "  chain_nodes.csv row 5, column parent_id: 'Q' is not a node_id in chain_nodes" in lines
    assert "  workspace.yaml, key window: expected a whole number of months from 1 to 240, got 0" in lines
    assert "  warning: workspace.yaml, key colour: not a known setting, ignored" in lines
    assert len(lines) == 1 + len(error.problems)


# --------------------------------------------------------------------------- files and settings


def test_bad_folders_and_files_never_raise(tmp_path: Path) -> None:
    workspace, problems = validate_workspace(tmp_path / "nowhere")
    assert workspace is None and [p.message for p in problems] == ["the workspace folder does not exist"]
    (tmp_path / "file.txt").write_text("x")
    assert validate_workspace(tmp_path / "file.txt")[1][0].message == "the workspace folder is not a folder"

    folder = write_workspace(tmp_path / "p")
    (folder / "kpis.csv").write_bytes("month,metric,value\n2024-01,x,1\n".encode("utf-16"))
    (folder / "benchmarks.parquet").write_bytes(b"not parquet at all")
    (folder / "workspace.xlsx").write_bytes(b"not a zip file")
    (folder / "workspace.yaml").write_text("name: [unclosed\nwindow: 3\n", encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    problems = problems_for(folder)
    assert only(problems, file="kpis.csv").message.startswith(
        "the file is neither UTF-8 nor GB18030 text"
    )
    assert "save it again as 'CSV UTF-8'" in only(problems, file="kpis.csv").message
    assert only(problems, file="benchmarks.csv").message == (
        "the table benchmarks is given 2 times (benchmarks.csv, benchmarks.parquet); keep only one"
    )
    assert only(problems, file="workspace.xlsx").message.startswith("the workbook cannot be opened")
    yaml_problem = only(problems, file="workspace.yaml")
    assert yaml_problem.row == 2 and yaml_problem.message.startswith("not valid YAML")
    assert only(problems, file="notes.csv").severity == "warning"


def test_table_in_two_formats(tmp_path: Path) -> None:
    folder = write_workspace(tmp_path / "p")
    with pd.ExcelWriter(folder / "workspace.xlsx", engine="openpyxl") as writer:
        base_tables()["flows"].to_excel(writer, sheet_name="flows", index=False)
    problems = problems_for(folder)
    assert [str(p) for p in problems] == [
        "flows.csv: the table flows is given 2 times (flows.csv, workspace.xlsx [flows]); keep only one"
    ]


def test_csv_rows_with_too_many_or_too_few_values(tmp_path: Path) -> None:
    folder = write_workspace(tmp_path / "p")
    (folder / "kpis.csv").write_text(
        'month,metric,value\n2024-01,"a, quoted",1\n2024-02,x,1,000\n', encoding="utf-8"
    )
    problem = only(problems_for(folder), file="kpis.csv")
    assert problem.row == 3
    assert problem.message.startswith("this row has 4 values but the header has 3 columns")
    # a short row is padded with empty cells
    (folder / "kpis.csv").write_text('month,metric,value\n2024-01,"a, quoted",1\n2024-02,x\n', encoding="utf-8")
    assert [str(p) for p in problems_for(folder)] == [
        "kpis.csv row 3, column value: the cell is empty, but a value is required"
    ]


def test_settings_validation(tmp_path: Path) -> None:
    settings = (
        "currency: USD\nwindow: '24'\nmin_capability: 1.5\n"
        "priority_weights: {importance: 0.6, feasability: 0.1}\nrules: {a: 1}\nthresholds: {broken_link_share: 0.2}\n"
    )
    problems = problems_for(write_workspace(tmp_path / "p", settings=settings))
    assert [str(p) for p in problems] == [
        "workspace.yaml, key min_capability: expected a number in (0, 1], got 1.5",
        "workspace.yaml, key priority_weights: unknown weight 'feasability' (the weights are importance, "
        "demand, feasibility, fragility) (did you mean 'feasibility'?)",
        "workspace.yaml, key rules: expected a list (lines starting with '- ')",
    ]
    ws = load_workspace(write_workspace(tmp_path / "q", settings="window: '24'\npriority_weights: {importance: 0.6}\n"))
    assert ws.settings.window == 24 and ws.name == "q"
    weights = dict(ws.settings.priority_weights)
    assert weights == pytest.approx({"importance": 6 / 13, "demand": 3 / 13, "feasibility": 2 / 13, "fragility": 2 / 13})
    assert [str(p) for p in ws.warnings] == [
        "warning: workspace.yaml, key priority_weights: the weights sum to 1.3, not 1; they were rescaled to sum to 1"
    ]


# --------------------------------------------------------------------------- summary


def test_summary_counts_and_missing_months(tmp_path: Path) -> None:
    tables = base_tables()
    flows = tables["flows"]
    may = pd.DataFrame([["2024-05", "A", "B", "1", ""]], columns=flows.columns)
    tables["flows"] = pd.concat([flows[flows["month"] != "2024-02"], may])
    ws = load_workspace(write_workspace(tmp_path / "p", tables))
    summary = ws.summary()
    assert summary["tables"] == {
        "chain_nodes": 9, "chain_edges": 3, "firms": 4, "firm_nodes": 5,
        "flows": 5, "kpis": 4, "benchmarks": 2, "candidates": 3, "sector_map": 0,
    }
    assert summary["firms"] == {"total": 4, "local": 3, "external": 1, "active": 3, "exited": 1}
    assert summary["months"] == {"first": "2024-01", "last": "2024-05", "count": 4, "missing": ["2024-04"]}
    assert summary["months_by_table"]["flows"]["missing"] == ["2024-02", "2024-04"]
    assert summary["months_by_table"]["kpis"] == {"first": "2024-01", "last": "2024-03", "count": 3, "missing": []}
    assert ws.months() == ["2024-01", "2024-02", "2024-03", "2024-05"]
    assert month_coverage([]) == {"first": None, "last": None, "count": 0, "missing": []}


# --------------------------------------------------------------------------- the contract


def test_readme_is_in_sync_with_schema() -> None:
    text = README.read_text(encoding="utf-8")
    assert schema.sync_readme(text) == text, "run: python -m ecolib.contract.schema data/README.md"
    for name in schema.TABLES:
        assert f"<!-- generated:columns:{name} -->" in text and f"<!-- generated:example:{name} -->" in text


def test_readme_examples_form_a_valid_workspace(tmp_path: Path) -> None:
    for name, table in schema.TABLES.items():
        (tmp_path / f"{name}.csv").write_text(table.example, encoding="utf-8")
    ws = load_workspace(tmp_path)
    assert ws.warnings == []
    assert ws.firm_nodes.groupby("firm_id")["share"].sum().tolist() == pytest.approx([1, 1, 1, 1])


def test_many_repeated_problems_are_grouped(tmp_path: Path) -> None:
    """100k flows with many self-flows: 20 listed, then a count (speed is measured by make bench)."""
    n = 100_000
    rng = np.random.default_rng(0)
    firms = np.array(["A", "B", "C", "X"])
    flows = pd.DataFrame({
        "month": rng.choice(["2024-01", "2024-02", "2024-03"], n),
        "source": firms[rng.integers(0, 4, n)],
        "target": firms[rng.integers(0, 4, n)],
        "value": rng.random(n).round(3),
    })
    folder = write_workspace(tmp_path / "p")
    flows.to_csv(folder / "flows.csv", index=False)
    ws, problems = validate_workspace(folder)
    assert ws is not None and len(ws.flows) == n
    assert sum(p.row is not None for p in problems) == ROW_LIMIT  # self-flows: 20 listed, then a count
    assert any("more rows with the same problem" in p.message for p in problems)
