"""The workspace tables, their columns and the ``workspace.yaml`` settings, declared once.

This module is declarative: it says *what* a workspace holds (DESIGN.md §3); checking a real
folder against it is :mod:`ecolib.workspace`. The same declarations generate the reference
tables of ``data/README.md``, so the user documentation cannot drift from the code::

    python -m ecolib.contract.schema data/README.md     # rewrite the generated blocks in place

Column kinds
------------
``id``        text identifier, surrounding spaces removed (stored as ``str``)
``str``       free text, surrounding spaces removed (``str``)
``float``     a number (``float64``)
``int``       a whole number, stored as ``float64`` so that "not reported" can stay ``NaN``
``bool``      true/false, also yes/no, y/n, 1/0, 是/否, any case (``bool``)
``month``     a calendar month written ``YYYY-MM`` (``str``)
``category``  one of a fixed set of lower-case words (``str``); a few Chinese synonyms are
              accepted and translated (``上游`` → ``upstream``)

Spreadsheet habits
------------------
Tables arrive from Excel, often on Chinese Windows machines. Each column lists the other
headers it is read from (``headers``: ``企业编号`` → ``firm_id``) and each table the other
sheet and file names it is read from (``aliases``: a sheet ``企业`` → ``firms``). The word lists
below (blank, true/false, total rows, Excel error values) and :data:`MONTH_GAP` are the rest of
the declared leniency; :mod:`ecolib.workspace` applies them and ``data/README.md`` documents them
(generated from here).

Defaults
--------
One rule for every column: its default is used both when the column is absent and when a
cell is blank. ``default=None`` means "not reported" and stays missing (``NaN``): totals skip
it, ratios stay ``NaN`` instead of dividing by an invented zero. ``default_from`` copies
another column of the row (every ``name_zh`` copies ``name``). Two defaults depend on other
rows and are described by ``default_doc``, computed in :mod:`ecolib.workspace`:
``firm_nodes.share`` (equal split of what the firm's other rows leave) and
``chain_nodes.stage`` (inherited from the nearest ancestor).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Column",
    "Reference",
    "Table",
    "Setting",
    "TABLES",
    "REQUIRED_TABLES",
    "OPTIONAL_TABLES",
    "DERIVED_NODE_COLUMNS",
    "SETTINGS",
    "THRESHOLDS",
    "THRESHOLD_SETTINGS",
    "WINDOW_MAX",
    "NAME_MAX_LENGTH",
    "NAME_MAX_BYTES",
    "PRIORITY_WEIGHTS",
    "STAGES",
    "STATUSES",
    "FLOW_KINDS",
    "DIRECTIONS",
    "NATIONAL_SECTORS",
    "LEVELS",
    "TRUE_WORDS",
    "FALSE_WORDS",
    "MISSING_WORDS",
    "TEXT",
    "TOTAL_WORDS",
    "EXCEL_ERRORS",
    "MONTH_GAP",
    "HEADER_SEARCH_ROWS",
    "EXAMPLE_HEADERS",
    "NOTE_SHEETS",
    "empty_table",
    "render_habits",
    "range_text",
    "render_columns",
    "render_example",
    "render_settings",
    "render_derived",
    "sync_readme",
]

KINDS = ("id", "str", "float", "int", "bool", "month", "category")

# -- every vocabulary once: the analyses, plots, report and widgets import these ---------------
#: Chain stages, in chain order (upstream first): the order of every stage list and chart.
STAGES = ("upstream", "midstream", "downstream", "service")
#: A firm's status (firms.status).
STATUSES = ("active", "exited")
#: What a flow carries (flows.kind).
FLOW_KINDS = ("goods", "technology", "data", "service", "capital")
#: Which way a benchmark metric is better (benchmarks.direction).
DIRECTIONS = ("higher", "lower")
#: Codes of the 42 sectors of China's national input-output table shipped with ecolib
#: (``sector_map.sector``; the loader also accepts a sector's English or Chinese name).
NATIONAL_SECTORS = tuple(f"{i:02d}" for i in range(1, 43))
#: chain_nodes.level by depth 0, 1, 2, 3+.
LEVELS = ("chain", "stage", "segment", "node")
#: The levels an analysis groups firms and flows by (the chain root is not one).
GROUP_LEVELS = LEVELS[1:]
#: A technology node's coverage by active local firms, worst first (the gene map, §5).
COVERAGE_STATUSES = ("missing", "single", "thin", "covered")
#: The coverage statuses that are gaps (everything but ``covered``).
GAP_STATUSES = COVERAGE_STATUSES[:-1]
#: Early-warning levels, most severe first (三级预警: 一级, 二级, 三级).
SEVERITIES = ("critical", "warning", "info")
#: An alert's status as of the report month.
ALERT_STATUSES = ("new", "ongoing", "resolved")

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "1.0", "是", "√", "✓", "✔"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "0.0", "否", "×", "✗", "✘"})
# Spreadsheet spellings of "nothing here", treated as a blank cell in every column except
# free text (a firm may well be called "None Ltd"): also the dashes Chinese tables and
# Excel's accounting format put in an empty cell.
MISSING_WORDS = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "none", "-", "--", "—", "——", "－"})
# A row whose identifying cells are blank except one of these words is a total row that a
# spreadsheet user added at the bottom (or between blocks): it is ignored with a warning.
# (A colon after the word is allowed: ``合计：``.)
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "共计", "总合计", "total", "totals", "grand total",
                         "subtotal", "sum"})
# What a cell shows when its formula failed (Excel writes the same text into a CSV). ``#N/A``
# is not among them: it is the usual "not available" and counts as blank (MISSING_WORDS).
EXCEL_ERRORS = frozenset({"#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!",
                          "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                          "#GETTING_DATA"})
# Months of flows and kpis more than this many months away from the rest of the data are a
# mistyped year (2062-10 for 2026-10, 2099-01): after the data an error, before it a warning.
MONTH_GAP = 12
# The header row is looked for among this many rows at the top of a sheet or CSV file (a
# title, a note or a merged group header above the column names).
HEADER_SEARCH_ROWS = 10
# A column headed one of these marks example rows (the Excel template of ``ecolib template``
# writes a few in each sheet): a row with a value in it, other than blank or a false word (``否``),
# is an example and ignored with a warning; the column itself is never data.
EXAMPLE_HEADERS = ("example", "示例")
# Sheets of ``workspace.xlsx`` that hold notes, not a table, as name → other names (the
# template's instructions and the lists its dropdowns draw on): they are skipped, without a warning.
NOTE_SHEETS: dict[str, tuple[str, ...]] = {"instructions": ("填写说明", "说明"), "lists": ("下拉选项",)}

# Text columns: pandas' own string dtype (``str``, pandas ≥ 3), missing values stay NaN.
TEXT = "str" if int(pd.__version__.split(".")[0]) >= 3 else object

_DTYPES = {
    "id": TEXT,
    "str": TEXT,
    "month": TEXT,
    "category": TEXT,
    "float": "float64",
    "int": "float64",
    "bool": "bool",
}
_KIND_TEXT = {
    "id": "id (text)",
    "str": "text",
    "float": "number",
    "int": "whole number",
    "bool": "true/false",
    "month": "month `YYYY-MM`",
    "category": "category",
}


def range_text(minimum: float | None, maximum: float | None, exclusive_minimum: bool = False) -> str:
    """Limits in words: ``≥ 0``, ``> 0``, ``≤ 1``, ``in (0, 1]``; empty when unbounded."""
    if minimum is not None and maximum is not None:
        return f"in {'(' if exclusive_minimum else '['}{minimum:g}, {maximum:g}]"
    if minimum is not None:
        return f"{'>' if exclusive_minimum else '≥'} {minimum:g}"
    if maximum is not None:
        return f"≤ {maximum:g}"
    return ""


@dataclass(frozen=True)
class Column:
    """One column of a table: its type, whether it is required, its default and its limits.

    ``default`` fills blank cells and an absent column (None: stays missing);
    ``default_from`` names another column of the row to copy instead (name_zh ← name).
    ``minimum``/``maximum`` bound the value (``exclusive_minimum`` makes the lower bound
    strict, as for capability in (0, 1]); ``allowed`` lists the values of a category;
    ``aliases`` maps accepted synonyms (lower-case) to an allowed value; ``headers`` lists other
    names the column is read from (Chinese headers: ``企业编号`` for ``firm_id``).
    """

    name: str
    kind: str
    description: str
    required: bool = False
    default: Any = None
    default_from: str | None = None
    default_doc: str | None = None
    allowed: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    unit: str = ""
    headers: tuple[str, ...] = ()
    #: What the column's values enable; the loader warns once when no row of the park's own
    #: firms (or of the table) has a value, naming what will show as "not reported".
    enables: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")
        if (self.kind == "category") != bool(self.allowed):
            raise ValueError(f"column {self.name}: a category and only a category has allowed values")

    @property
    def dtype(self) -> Any:
        """The pandas dtype of the column after loading."""
        return _DTYPES[self.kind]

    @property
    def alias_map(self) -> dict[str, str]:
        """Accepted spellings (lower-case) → allowed value, the allowed values included."""
        return {**{v: v for v in self.allowed}, **dict(self.aliases)}

    @property
    def has_range(self) -> bool:
        return self.minimum is not None or self.maximum is not None

    def range_text(self) -> str:
        """The limits in words, e.g. ``≥ 0``, ``in (0, 1]``; empty when unbounded."""
        return range_text(self.minimum, self.maximum, self.exclusive_minimum)

    def out_of_range(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of the numbers outside the limits (NaN is never out)."""
        bad = np.zeros(len(values), dtype=bool)
        if self.minimum is not None:
            bad |= (values <= self.minimum) if self.exclusive_minimum else (values < self.minimum)
        if self.maximum is not None:
            bad |= values > self.maximum
        return bad

    def default_text(self) -> str:
        """How the default reads in the documentation."""
        if self.required:
            return "**required**"
        if self.default_doc:
            return self.default_doc
        if self.default_from:
            return f"copies `{self.default_from}`"
        if self.default is None:
            return "empty"
        if isinstance(self.default, bool):
            return f"`{str(self.default).lower()}`"
        if isinstance(self.default, float):
            return f"`{self.default:g}`"
        return f"`{self.default}`"

    def type_text(self) -> str:
        """The type in words for the documentation."""
        if self.kind == "category" and self.allowed == NATIONAL_SECTORS:
            return ("a sector of China's 42-sector input-output table: its code `01`–`42` or its English "
                    "or Chinese name (`19`, `Manufacture of electrical machinery and equipment`, `电气机械和器材`)")
        if self.kind == "category":
            text = ", ".join(f"`{v}`" for v in self.allowed)
            zh = list(dict.fromkeys(k for k, _ in self.aliases if not k.isascii()))
            return f"one of {text}" + (f" (also {', '.join(zh)})" if zh else "")
        return _KIND_TEXT[self.kind]


@dataclass(frozen=True)
class Reference:
    """``column`` of this table must hold a value of ``target`` in table ``table``."""

    column: str
    table: str
    target: str


def header_key(name: Any) -> str:
    """How header, sheet and file names are compared: full-width letters and digits made
    half-width, lower case, without spaces, underscores, hyphens and the ``*`` that templates put
    on required columns. ``' Firm ID '``, ``'firm-id'`` and ``'*企业编号'`` → ``'firmid'``, ``'企业编号'``.
    """
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    text = str(name).translate(HALFWIDTH).lower()
    return re.sub(r"[\s_\-*\u200b\ufeff]+", "", text)


# Full-width forms of ASCII (what a Chinese input method types in full-width mode: Ｆ００１, ２０２６,
# ％, －) and the ideographic space → their ASCII counterparts.
HALFWIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


@dataclass(frozen=True)
class Table:
    """One workspace table: its columns, unique key, references to other tables, an example.

    ``aliases`` are other sheet names (in ``workspace.xlsx``) and file names (``企业.csv``) the
    table is read from.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    required: bool
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    example: str = ""
    aliases: tuple[str, ...] = ()
    #: What an optional table enables: a reports says it is "not evaluated" without it, and the
    #: loader warns when the table is given without rows.
    enables: str | None = None

    def __post_init__(self) -> None:
        seen: dict[str, str] = {header_key(h): "the example mark" for h in EXAMPLE_HEADERS}
        for column in self.columns:
            for header in (column.name, *column.headers):
                key = header_key(header)
                if seen.setdefault(key, column.name) != column.name:
                    raise ValueError(f"{self.name}: header {header!r} would name both "
                                     f"{seen[key]} and {column.name}")

    @property
    def header_map(self) -> dict[str, str]:
        """:func:`header_key` of every accepted header → the column it names."""
        return {header_key(h): c.name for c in self.columns for h in (c.name, *c.headers)}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


def _col(name: str, kind: str, description: str, **options: Any) -> Column:
    return Column(name=name, kind=kind, description=description, **options)


_ZH_STAGES = (("上游", "upstream"), ("中游", "midstream"), ("下游", "downstream"), ("服务", "service"))
_ZH_STATUSES = (("在园", "active"), ("正常", "active"), ("退出", "exited"), ("迁出", "exited"))
_ZH_KINDS = (
    ("货物", "goods"), ("商品", "goods"), ("技术", "technology"), ("数据", "data"),
    ("服务", "service"), ("资本", "capital"), ("资金", "capital"),
)
_ZH_DIRECTIONS = (("越高越好", "higher"), ("越低越好", "lower"))


CHAIN_NODES = Table(
    name="chain_nodes",
    description=(
        "The industrial chain as a tree: one root (the chain), then stages, segments and "
        "technology nodes (the leaves). Every node except the root names its parent."
    ),
    required=True,
    key=("node_id",),
    references=(Reference("parent_id", "chain_nodes", "node_id"),),
    columns=(
        _col("node_id", "id", "Unique identifier of the node.", required=True,
             headers=("节点编号", "节点代码", "节点ID")),
        _col("name", "str", "Name of the node (English or the working language).", required=True,
             headers=("节点名称", "名称")),
        _col("parent_id", "id", "node_id of the parent; empty for the root and only for the root.",
             headers=("上级节点", "上级节点编号", "上级编号", "父节点", "父节点编号")),
        _col("name_zh", "str", "Chinese name.", default_from="name",
             headers=("中文名称", "中文名")),
        _col(
            "stage", "category",
            "Stage of the chain. Usually set on the stage nodes only: nodes below inherit it.",
            allowed=STAGES, aliases=_ZH_STAGES, default_doc="inherited from the nearest ancestor",
            headers=("阶段", "所属阶段", "上中下游"),
        ),
        _col("weight", "float", "Importance of the node (gap priority, coverage rate).",
             default=1.0, minimum=0,
             headers=("权重", "重要度")),
        _col("core", "bool", "Core technology node (核心技术).", default=False,
             headers=("核心技术", "是否核心", "是否核心技术")),
    ),
    example="""\
node_id,name,parent_id,name_zh,stage,weight,core
ESS,Energy storage,,储能,,1,false
UP,Materials and cells,ESS,材料与电芯,upstream,1,false
MID,Systems,ESS,系统,midstream,1,false
CELL,Battery cells,UP,电芯,,1,false
CELL.LFP,LFP cell manufacturing,CELL,磷酸铁锂电芯制造,,1.5,true
CELL.SEP,Separators,CELL,隔膜,,1,false
SYS,System integration,MID,系统集成,,1,false
SYS.BMS,Battery management systems,SYS,电池管理系统,,2,true
SYS.PCS,Power conversion systems,SYS,储能变流器,,1,false
""",
    aliases=("产业链节点", "产业链", "节点"),
)

CHAIN_EDGES = Table(
    name="chain_edges",
    description="Input relations between nodes: the output of `source` is an input of `target`.",
    required=False,
    references=(
        Reference("source", "chain_nodes", "node_id"),
        Reference("target", "chain_nodes", "node_id"),
    ),
    columns=(
        _col("source", "id", "node_id of the supplying node.", required=True,
             headers=("上游节点", "供给节点", "投入节点", "上游", "来源")),
        _col("target", "id", "node_id of the using node.", required=True,
             headers=("下游节点", "需求节点", "使用节点", "下游", "去向")),
        _col("weight", "float", "Strength of the relation.", default=1.0, minimum=0,
             headers=("权重", "关联强度")),
    ),
    example="""\
source,target,weight
CELL.SEP,CELL.LFP,1
CELL.LFP,SYS.BMS,1
CELL.LFP,SYS.PCS,0.5
""",
    aliases=("节点关系", "产业链关系", "投入关系"),
)

FIRMS = Table(
    name="firms",
    description=(
        "Every firm that appears anywhere: the park's own firms and, with `local` = false, "
        "the outside parties they trade with."
    ),
    required=True,
    key=("firm_id",),
    columns=(
        _col("firm_id", "id", "Unique identifier of the firm.", required=True,
             headers=("企业编号", "企业代码", "企业ID")),
        _col("name", "str", "Name of the firm.", required=True,
             headers=("企业名称", "名称")),
        _col("name_zh", "str", "Chinese name of the firm.", default_from="name",
             headers=("中文名称", "企业中文名称", "中文名")),
        _col("zone", "str", "Zone or sub-park the firm is in (niche analysis).",
             headers=("片区", "所在片区", "分园区", "园区"),
             enables="the comparison of zones (niche positioning) and the firms per zone"),
        _col("zone_zh", "str", "Chinese name of the zone, shown in Chinese reports.", default_from="zone",
             headers=("片区中文名", "片区中文名称")),
        _col("local", "bool", "Inside the park; false for external suppliers and buyers.", default=True,
             headers=("本地", "是否本地", "园内", "是否园内")),
        _col("anchor", "bool", "Anchor firm of the chain (链主).", default=False,
             headers=("链主", "是否链主", "链主企业")),
        _col("employees", "int", "Number of employees.", minimum=0, unit="people",
             headers=("员工数", "员工人数", "从业人员", "从业人数", "职工人数"),
             enables="the employee counts of the overview"),
        _col("output", "float", "Annual output.", minimum=0, unit="currency per year",
             headers=("产值", "年产值", "总产值"),
             enables="annual output, output per area, the largest firms by output and output shares"),
        _col("area", "float", "Floor or land area used.", minimum=0, unit="m²",
             headers=("面积", "占地面积", "用地面积"),
             enables="output per area (亩均产值)"),
        _col("patents", "int", "Number of patents held.", minimum=0, unit="patents",
             headers=("专利", "专利数", "专利数量"),
             enables="the patent counts of the overview"),
        _col("status", "category", "Whether the firm is still in the park.", default="active",
             allowed=STATUSES, aliases=_ZH_STATUSES,
             headers=("状态", "经营状态", "在园状态")),
        _col("exit_month", "month", "Month the firm left (with status `exited`).",
             headers=("退出月份", "迁出月份")),
    ),
    example="""\
firm_id,name,name_zh,zone,local,anchor,employees,output,area,patents,status,exit_month
F001,Sunrise Cells,旭日电芯,North,true,true,1200,850000000,60000,140,active,
F002,Thinfilm Separators,薄膜隔膜,North,true,false,300,120000000,15000,35,active,
F003,Gridwise Controls,网智控制,South,true,false,180,90000000,6000,60,exited,2024-06
X001,Coastal Materials (outside),,,false,false,,,,,active,
""",
    aliases=("企业", "企业名录", "企业信息"),
)

FIRM_NODES = Table(
    name="firm_nodes",
    description="Which firm works on which node, how well, and with which share of its output.",
    required=True,
    key=("firm_id", "node_id"),
    references=(
        Reference("firm_id", "firms", "firm_id"),
        Reference("node_id", "chain_nodes", "node_id"),
    ),
    columns=(
        _col("firm_id", "id", "The firm.", required=True,
             headers=("企业编号", "企业代码", "企业ID")),
        _col("node_id", "id", "The chain node (usually a leaf).", required=True,
             headers=("节点编号", "节点代码", "节点ID")),
        _col("capability", "float", "How capable the firm is on the node.", default=1.0,
             minimum=0, maximum=1, exclusive_minimum=True,
             headers=("能力", "能力值", "技术能力")),
        _col("share", "float", "Share of the firm's output in the node; a firm's shares sum to 1.",
             minimum=0, maximum=1,
             default_doc="equal split of what the firm's other rows leave (all blank: 1/n)",
             headers=("占比", "份额", "产值占比")),
    ),
    example="""\
firm_id,node_id,capability,share
F001,CELL.LFP,0.9,0.8
F001,SYS.BMS,0.4,0.2
F002,CELL.SEP,0.7,
F003,SYS.BMS,0.8,0.6
F003,SYS.PCS,0.5,0.4
X001,CELL.SEP,1,
""",
    aliases=("企业节点", "企业环节"),
)

FLOWS = Table(
    name="flows",
    description=(
        "Monthly value flowing from one firm to another (purchases, licences, data, services, "
        "investment). External parties are firms with `local` = false."
    ),
    enables='the value-stream map (trade between firms, local sourcing, broken links, connector firms), the input-output view, the anchor-exit stress test and demand pull',
    required=False,
    references=(
        Reference("source", "firms", "firm_id"),
        Reference("target", "firms", "firm_id"),
    ),
    columns=(
        _col("month", "month", "Month of the flow.", required=True,
             headers=("月份", "年月", "统计月份")),
        _col("source", "id", "firm_id of the supplier (where the value comes from).", required=True,
             headers=("上游", "来源", "来源企业", "供方", "供应方", "卖方")),
        _col("target", "id", "firm_id of the buyer (where the value goes).", required=True,
             headers=("下游", "去向", "去向企业", "需方", "采购方", "买方")),
        _col("value", "float", "Value of the flow in the month.", required=True, minimum=0,
             unit="currency",
             headers=("金额", "数值", "交易额", "交易金额")),
        _col("kind", "category", "What flows.", default="goods", allowed=FLOW_KINDS, aliases=_ZH_KINDS,
             headers=("类型", "类别", "流动类型")),
    ),
    example="""\
month,source,target,value,kind
2024-01,F002,F001,3500000,goods
2024-01,X001,F001,1200000,goods
2024-01,F001,F003,800000,
2024-02,F003,F001,150000,technology
""",
    aliases=("流量", "交易", "交易流量", "往来"),
)

KPIS = Table(
    name="kpis",
    description="Monitored indicators, long format: one row per month and metric (DESIGN.md §7).",
    enables='the dynamic evaluation (indicators and early warnings) and the health diagnosis',
    required=False,
    key=("month", "metric"),
    columns=(
        _col("month", "month", "Month of the measurement.", required=True,
             headers=("月份", "年月", "统计月份")),
        _col("metric", "id", "Metric name, e.g. `policy_compliance`, `talent_demand`.", required=True,
             headers=("指标", "指标名称", "指标代码")),
        _col("value", "float", "Measured value.", required=True, unit="metric's own",
             headers=("数值", "指标值", "值")),
    ),
    example="""\
month,metric,value
2024-01,policy_compliance,0.82
2024-01,talent_demand,1200
2024-01,talent_supply,950
2024-02,policy_compliance,0.76
""",
    aliases=("指标", "月度指标"),
)

BENCHMARKS = Table(
    name="benchmarks",
    description="The benchmark park (标杆园区): one value per metric.",
    enables='the comparison with the benchmark park (health diagnosis) and the rules set against the benchmark',
    required=False,
    key=("metric",),
    columns=(
        _col("metric", "id", "Metric name, as in `kpis`.", required=True,
             headers=("指标", "指标名称", "指标代码")),
        _col("value", "float", "Benchmark value.", required=True, unit="metric's own",
             headers=("数值", "标杆值", "基准值")),
        _col("direction", "category", "Whether a higher or a lower value is better.", default="higher",
             allowed=DIRECTIONS, aliases=_ZH_DIRECTIONS,
             headers=("方向", "优化方向")),
        _col("source", "str", "Where the benchmark comes from.",
             headers=("来源", "数据来源")),
    ),
    example="""\
metric,value,direction,source
policy_compliance,0.9,higher,benchmark park survey 2023
chain_repair_days,7,lower,benchmark park survey 2023
""",
    aliases=("标杆", "标杆园区", "对标"),
)

CANDIDATES = Table(
    name="candidates",
    description=(
        "Firms outside the park that could be attracted, one row per firm and node it can "
        "serve (a candidate with several nodes has several rows)."
    ),
    enables='candidate matching (who could fill a gap)',
    required=False,
    key=("firm_id", "node_id"),
    references=(Reference("node_id", "chain_nodes", "node_id"),),
    columns=(
        _col("firm_id", "id", "Identifier of the candidate firm.", required=True,
             headers=("企业编号", "企业代码", "企业ID")),
        _col("name", "str", "Name of the candidate firm.", required=True,
             headers=("企业名称", "名称")),
        _col("name_zh", "str", "Chinese name of the candidate firm.", default_from="name",
             headers=("中文名称", "企业中文名称", "中文名")),
        _col("node_id", "id", "A node the candidate can serve.", required=True,
             headers=("节点编号", "节点代码", "节点ID")),
        _col("capability", "float", "How capable the candidate is on the node.", default=1.0,
             minimum=0, maximum=1, exclusive_minimum=True,
             headers=("能力", "能力值", "技术能力")),
        _col("region", "str", "Where the candidate is now.",
             headers=("地区", "所在地区", "省份")),
        _col("region_zh", "str", "Chinese name of the region, shown in Chinese reports.", default_from="region",
             headers=("地区中文名", "地区中文名称")),
    ),
    example="""\
firm_id,name,name_zh,node_id,capability,region
C001,Voltbridge Power,伏桥电力,SYS.PCS,0.85,Jiangsu
C001,Voltbridge Power,伏桥电力,SYS.BMS,0.5,Jiangsu
C002,Polar Separator,,CELL.SEP,0.7,Guangdong
""",
    aliases=("候选企业", "招商候选", "招商目标"),
)

SECTOR_MAP = Table(
    name="sector_map",
    description=(
        "The park's own mapping of chain segments to the 42 sectors of China's national "
        "input-output table; it wins over ecolib's name rules (several rows for one segment "
        "give several sectors)."
    ),
    required=False,
    key=("segment_id", "sector"),
    references=(Reference("segment_id", "chain_nodes", "node_id"),),
    columns=(
        _col("segment_id", "id", "The segment (a `node_id` of `chain_nodes`, usually at depth 2).", required=True,
             headers=("环节编号", "环节代码", "节点编号", "节点代码", "节点ID")),
        _col("sector", "category", "The national sector behind the segment.", required=True,
             allowed=NATIONAL_SECTORS,
             headers=("部门", "部门代码", "国民经济部门", "投入产出部门")),
    ),
    example="""\
segment_id,sector
CELL,19
SYS,电气机械和器材
SYS,31
""",
    aliases=("部门对应", "环节部门对应", "行业部门对应"),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (CHAIN_NODES, CHAIN_EDGES, FIRMS, FIRM_NODES, FLOWS, KPIS, BENCHMARKS, CANDIDATES, SECTOR_MAP)
}
REQUIRED_TABLES = tuple(name for name, t in TABLES.items() if t.required)
OPTIONAL_TABLES = tuple(name for name, t in TABLES.items() if not t.required)

# Columns the loader adds to chain_nodes (documentation; computed in ecolib.workspace).
DERIVED_NODE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("depth", "int64", "Distance from the root: root 0, stages 1, segments 2, technology nodes 3."),
    ("is_leaf", "bool", "True when no node names this node as its parent."),
    ("level", "str", "`chain`, `stage`, `segment`, `node` for depth 0, 1, 2, 3 (deeper: `node`)."),
    ("stage_id", "str", "The ancestor at depth 1 (a stage is its own); empty for the root."),
    ("segment_id", "str", "The ancestor at depth 2: the parent of a technology node, a segment "
     "itself; empty for the root and the stages."),
    ("stage", "str", "Replaced by the stage filled down from the nearest ancestor that has one."),
)


def empty_table(name: str) -> pd.DataFrame:
    """A table with no rows but every column, in the dtypes a loaded table has."""
    table = TABLES[name]
    return pd.DataFrame({c.name: pd.Series(dtype=c.dtype) for c in table.columns})


# --------------------------------------------------------------------------- settings

PRIORITY_WEIGHTS: dict[str, float] = {
    "importance": 0.3,
    "demand": 0.3,
    "feasibility": 0.2,
    "fragility": 0.2,
}


@dataclass(frozen=True)
class Setting:
    """One key of ``workspace.yaml``.

    ``kind``: ``str``, ``int``, ``float``, ``share`` (a number in [0, 1], also written ``10%``),
    ``weights`` (a mapping of PRIORITY_WEIGHTS keys to numbers ≥ 0), ``mapping`` or ``list``
    (their content is checked by :mod:`ecolib.workspace.settings`). ``unit`` names what a number counts
    (``months``), for messages.
    """

    name: str
    kind: str
    default: Any
    description: str
    default_doc: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    keys: tuple[str, ...] | None = None  # a mapping's only allowed keys (None: any)
    max_length: int | None = None  # text: at most this many characters (and no control characters)
    unit: str | None = None

    def range_text(self) -> str:
        return range_text(self.minimum, self.maximum, self.exclusive_minimum)

    def accepts(self, number: float) -> bool:
        """Whether a number lies within the setting's limits."""
        lo, hi = self.minimum, self.maximum
        too_low = lo is not None and (number <= lo if self.exclusive_minimum else number < lo)
        return not too_low and (hi is None or number <= hi)

    def default_text(self) -> str:
        if self.default_doc:
            return self.default_doc
        if isinstance(self.default, dict):
            if not self.default:
                return "`{}`"
            return ", ".join(f"{k} `{v:g}`" for k, v in self.default.items())
        if isinstance(self.default, list):
            return "`[]`"
        return f"`{self.default}`"


# The keys of ``thresholds:``, who reads them and their limits (checked at load by ecolib.workspace.settings).
THRESHOLD_SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("broken_link_share", "share", 0.1, "value stream, broken links", minimum=0, maximum=1,
                exclusive_minimum=True),
        Setting("dependence_share", "share", 0.3, "gap analysis, single points of failure", minimum=0, maximum=1,
                exclusive_minimum=True),
        Setting("niche_overlap", "share", 0.7, "niche positioning, homogeneous competition", minimum=0, maximum=1),
        Setting("niche_min_firms", "int", 5, "niche positioning: the least number of active local firms a zone "
                "needs to be compared (smaller zones are listed apart)", minimum=1),
        Setting("niche_min_share", "share", 0.01, "niche positioning: the least share of all zones' output (of "
                "their firms where output is not reported) a zone needs to be compared", minimum=0, maximum=1),
        Setting("broken_link_min_value", "float", 10_000_000, "value stream, broken links: the least value at "
                "stake (what the buyers bought from outside and the suppliers sold outside, the smaller of the "
                "two, over the flow window, in the currency)", minimum=0, unit="currency"),
    )
}
THRESHOLDS: dict[str, str] = {
    name: f"{s.description}: default {s.default:,g}, {s.range_text()}" for name, s in THRESHOLD_SETTINGS.items()
}
WINDOW_MAX = 240  # months of flows at most (20 years): a larger window is a typing mistake
NAME_MAX_LENGTH = 100  # characters of the workspace name: it names the report folder and titles pages
NAME_MAX_BYTES = 255  # the longest folder name most file systems allow, in UTF-8 bytes
REPORT_ID_MAX_LENGTH = 64  # characters of `report_id`, the report folder's name when given
#: A `report_id`: a folder name safe on every file system and in a shell (letters, digits, dot,
#: dash, underscore; starting with a letter or a digit, not ending with a dot).
REPORT_ID_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$")

SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("name", "str", None, "Name of the park or workspace, shown in reports and naming the "
                f"report folder: at most {NAME_MAX_LENGTH} characters, no control characters.",
                default_doc="the folder name", max_length=NAME_MAX_LENGTH),
        Setting("name_zh", "str", None, f"Chinese name, shown in Chinese reports (at most {NAME_MAX_LENGTH} "
                "characters).", default_doc="copies `name`", max_length=NAME_MAX_LENGTH),
        Setting("display_name", "str", None, "Name of the park as English reports show it (at most "
                f"{NAME_MAX_LENGTH} characters).", default_doc="copies `name`", max_length=NAME_MAX_LENGTH),
        Setting("benchmark_name", "str", None, "Name of the benchmark park of `benchmarks`, shown in "
                f"reports (at most {NAME_MAX_LENGTH} characters).", default_doc="\"the benchmark park\"",
                max_length=NAME_MAX_LENGTH),
        Setting("benchmark_name_zh", "str", None, "Chinese name of the benchmark park (at most "
                f"{NAME_MAX_LENGTH} characters).", default_doc="copies `benchmark_name`", max_length=NAME_MAX_LENGTH),
        Setting("report_id", "str", None, "Name of the workspace's report folder, for a name that stays the "
                "same wherever the workspace folder is: letters, digits, `.`, `-` and `_`, starting with a letter "
                f"or a digit, at most {REPORT_ID_MAX_LENGTH} characters.",
                default_doc="the name and a short hash of the workspace folder's path, e.g. `demo-3f9a1c`",
                max_length=REPORT_ID_MAX_LENGTH),
        Setting("currency", "str", "CNY", "Currency of `firms.output` and `flows.value` (at most 12 "
                "characters).", max_length=12),
        Setting("window", "int", 12, "Months of flows used by the value-stream analysis, "
                f"ending at the report month (whole number from 1 to {WINDOW_MAX}).", minimum=1,
                maximum=WINDOW_MAX, unit="months"),
        Setting("min_capability", "float", 0.3, "Capability a firm needs on a node to count as "
                "covering it (gene map), in (0, 1].", minimum=0, maximum=1, exclusive_minimum=True),
        Setting("priority_weights", "weights", dict(PRIORITY_WEIGHTS),
                "Weights of the gap-priority components (DESIGN.md §6). Keys left out keep their "
                "default; the weights are rescaled to sum to 1."),
        Setting("thresholds", "mapping", {}, "Threshold overrides (DESIGN.md §4, §6, §8), shares written "
                "`0.1` or `10%`; the keys: "
                + "; ".join(f"`{k}` ({v})" for k, v in THRESHOLDS.items()) + ".", keys=tuple(THRESHOLDS)),
        Setting("rules", "list", [], "Evaluation rules added to or replacing the catalogue's (§7); formulas "
                "are checked at load (no division by a constant zero, no overflow, months of `lag`/`avg` "
                "from 1 to 240)."),
        Setting("dimensions", "mapping", {}, "Health-diagnosis dimensions: metric groups and "
                "weights (§6)."),
    )
}


# --------------------------------------------------------------------------- documentation


def render_columns(name: str) -> str:
    """Markdown reference table of one table's columns, with the other headers each is read from."""
    table = TABLES[name]
    lines = [
        "| column | also headed | type | required / default | limits | unit | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in table.columns:
        column = f"**`{c.name}`**" if c.required else f"`{c.name}`"
        lines.append(
            f"| {column} | {', '.join(c.headers)} | {c.type_text()} | {c.default_text()} "
            f"| {c.range_text()} | {c.unit} | {c.description} |"
        )
    facts = []
    if table.aliases:
        facts.append("sheet or file also named " + ", ".join(table.aliases))
    if table.key:
        facts.append("unique key: " + ", ".join(f"`{k}`" for k in table.key))
    facts += [f"`{r.column}` must be a `{r.target}` of `{r.table}`" for r in table.references]
    status = "required table" if table.required else "optional table"
    if not table.required and table.enables:
        facts.insert(0, f"without it, these are not evaluated: {table.enables}")
    return "\n".join([f"*{status}*" + "".join(f"; {f}" for f in facts) + ".", "", *lines])


def _words(words: frozenset[str], blank: bool = False) -> str:
    shown = sorted((w for w in words if w), key=lambda w: (not w.isascii(), w.lower()))
    return ("blank, " if blank else "") + ", ".join(f"`{w}`" for w in shown)


def render_habits() -> str:
    """Markdown table of the word lists that make spreadsheet habits readable."""
    rows = [
        ("blank cell (except in free text)", _words(MISSING_WORDS, blank=True)),
        ("true", _words(TRUE_WORDS) + " (any case)"),
        ("false", _words(FALSE_WORDS) + " (any case)"),
        ("total row (ignored)", _words(TOTAL_WORDS) + " (lower, upper or title case; a colon may follow)"),
        ("Excel error value (an error)", _words(EXCEL_ERRORS)),
    ]
    lines = ["| a cell reading | is taken as |", "|---|---|"]
    lines += [f"| {words} | {meaning} |" for meaning, words in rows]
    return "\n".join(lines)


def render_example(name: str) -> str:
    """The table's example as a fenced CSV block."""
    return f"```csv\n{TABLES[name].example}```"


def render_derived() -> str:
    """Markdown table of the columns the loader adds to chain_nodes."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    lines += [f"| `{n}` | {t} | {d} |" for n, t, d in DERIVED_NODE_COLUMNS]
    return "\n".join(lines)


def render_settings() -> str:
    """Markdown reference table of the workspace.yaml keys."""
    lines = ["| key | type | default | description |", "|---|---|---|---|"]
    for s in SETTINGS.values():
        lines.append(f"| `{s.name}` | {s.kind} | {s.default_text()} | {s.description} |")
    return "\n".join(lines)


def _generated_blocks() -> dict[str, str]:
    blocks = {f"columns:{n}": render_columns(n) for n in TABLES}
    blocks |= {f"example:{n}": render_example(n) for n in TABLES}
    blocks["derived:chain_nodes"] = render_derived()
    blocks["settings"] = render_settings()
    blocks["habits"] = render_habits()
    return blocks


# An opening marker line, anything up to the closing marker (never across another block).
_BLOCK = re.compile(
    r"(?P<open><!-- generated:(?P<name>[\w:]+) -->\n)"
    r"(?:(?!<!-- generated:).)*?"
    r"(?P<close><!-- /generated -->)",
    re.S,
)


def sync_readme(text: str) -> str:
    """Return ``text`` with every ``<!-- generated:NAME -->`` block re-rendered from this module.

    Unknown block names are left untouched, so the function is safe on any markdown file.
    """
    blocks = _generated_blocks()

    def replace(match: re.Match) -> str:
        body = blocks.get(match["name"])
        return match[0] if body is None else match["open"] + body + "\n" + match["close"]

    return _BLOCK.sub(replace, text)


def _main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m ecolib.contract.schema README.md  (rewrites its generated blocks)")
        return 2
    path = Path(argv[0])
    old = path.read_text(encoding="utf-8")
    new = sync_readme(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    print(f"{path}: {'updated' if new != old else 'already up to date'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv[1:]))
