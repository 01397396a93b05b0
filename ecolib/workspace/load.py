"""Load a workspace folder, validate it completely, and return typed tables.

A workspace is a folder holding the tables of DESIGN.md §3 (declared in :mod:`ecolib.contract.schema`)
as CSV files, as sheets of one ``workspace.xlsx``, or as Parquet files, plus an optional
``workspace.yaml`` with settings. ::

    ws = load_workspace("data/demo")          # raises WorkspaceError listing every problem
    ws.flows, ws.firms, ws.chain_nodes        # typed DataFrames, defaults applied
    ws.settings.window, ws.warnings, ws.summary()   # settings: a typed ecolib.workspace.settings.Settings

    ws, problems = validate_workspace(path)   # never raises for bad input; ws is None on errors

How loading works, in order:

1. **Read** every table as text (so a bad cell can be reported with its row): files and sheets
   named after a table or one of its aliases (``企业.csv``, a sheet ``交易``), CSV (also .txt,
   .tsv) decoded as UTF-8 (with or without BOM) or else GB18030, merged cells of a workbook
   filled down. The header row is looked for among the top rows (a title above it is skipped);
   column names are matched through :attr:`schema.Table.header_map` (case, spaces, full-width
   forms, Chinese headers). Fully blank rows, rows repeating the header, total rows
   (``合计``) and example rows (marked in a column headed ``example`` or ``示例``, as the Excel
   template of ``ecolib template`` writes them) are dropped, the last two with a warning; the
   template's instructions and list sheets are skipped; cells are stripped of every kind of space. A workbook is read cell by
   cell as its XML holds them (:func:`_parse_sheet`), so memory follows the data, not the range a
   sheet declares; formula cells without a saved value are errors, hidden sheets and rows
   warnings. A file that is a link out of the folder is refused unread (:func:`_unsafe_file`);
   ``workspace.yaml`` is composed before it is built, so an alias bomb, a key given twice or a
   file too big is one message (:func:`_load_yaml`). Every value quoted in a message is clipped
   (:func:`_clip`).
2. **Type** each column by its kind in the schema, reading numbers, months, true/false and
   categories as spreadsheet users write them (``1,234``, ``12%``, ``12.5万``, ``2026年10月``,
   ``是``), reporting cells that do not parse (Excel error values, ids in scientific notation),
   required cells left empty and values outside their limits; then fill defaults.
3. **Check** unique keys, references between tables (with a hint for ids that differ in case
   or lost their leading zeros), the node tree (one root, no cycles), firm_nodes shares (warn
   and rescale), firm status against exit month, self-flows, and months far from the rest of
   the data (a mistyped year: :func:`_check_months`).
4. **Derive** the convenience columns of chain_nodes (see :func:`add_node_columns`).

The accepted spellings and word lists are declared in :mod:`ecolib.contract.schema` and documented in
``data/README.md``; ``tests/corpus/`` holds a workspace for each habit and each kind of error.

Every check runs on whole columns (arrow ``is_in``, ``duplicated``, ``np.bincount``, numpy
indexing up the tree), never row by row: a million flows validate in about two seconds.
Each problem names the file, the row as the user counts it (header row 1, first data row 2,
for every format; rows above a header found lower down count too), the column and what is wrong; after ``ROW_LIMIT`` rows with the same
problem in a column the rest are summed up in one line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet
import yaml

from ecolib.contract import schema
from ecolib.workspace.numtext import HALFWIDTH as _HALFWIDTH
from ecolib.workspace.numtext import lenient_numbers as _lenient_numbers
from ecolib.contract.problems import ROW_LIMIT, Problem, suggest
from ecolib.contract.problems import clip as _clip
from ecolib.contract.problems import quote as _quote
from ecolib.contract.schema import LEVELS, TABLES, TEXT, Column, Reference, Table
from ecolib.workspace.settings import Settings, read_settings
from ecolib.workspace.tree import add_node_columns, ancestors_at_depth, node_depths  # noqa: F401
from ecolib.workspace.tree import depths_below as _depths, parent_positions as _parent_positions

__all__ = [
    "release_memory",
    "Problem",
    "WorkspaceError",
    "Workspace",
    "load_workspace",
    "validate_workspace",
    "validate_settings",
    "Settings",
    "add_node_columns",
    "node_depths",
    "ancestors_at_depth",
    "month_coverage",
    "month_of",
    "current_month",
    "decode_text",
    "ROW_LIMIT",
    "SHARE_TOLERANCE",
]

SHARE_TOLERANCE = 0.005  # a firm's shares may miss 1 by this much before we warn
WORKBOOK = "workspace.xlsx"
SETTINGS_FILES = ("workspace.yaml", "workspace.yml")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig also reads plain UTF-8


# =========================================================================== problems


class WorkspaceError(Exception):
    """The workspace cannot be loaded. ``problems`` holds every problem found (warnings too)."""

    def __init__(self, problems: Iterable[Problem], workspace: str = "workspace") -> None:
        self.problems = list(problems)
        self.workspace = workspace
        super().__init__(str(self))

    def __reduce__(self):  # keep problems when pickled (e.g. across processes)
        return type(self), (self.problems, self.workspace)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def __str__(self) -> str:
        counts = _plural(len(self.errors), "error")
        if self.warnings:
            counts += f" and {_plural(len(self.warnings), 'warning')}"
        lines = [f"workspace {self.workspace!r} cannot be loaded: {counts}"]
        return "\n".join(lines + [f"  {p}" for p in self.problems])


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a choice is close to ``word``, else empty."""
    return suggest(word, choices)


def _row_problems(
    label: str,
    bad: pd.Series | pd.DataFrame,
    column: str | None,
    describe: Callable[[Any], str],
    same: str,
    severity: str = "error",
) -> list[Problem]:
    """Problems for the offending rows ``bad`` (indexed by user row number).

    The first ``ROW_LIMIT`` rows get a message each, ``describe(value)`` (a value of a
    Series, or a row of a DataFrame as a dict); the rest are counted in one line saying
    ``same``.
    """
    if len(bad) == 0:
        return []
    head = bad.iloc[:ROW_LIMIT]
    values = head.to_dict("records") if isinstance(head, pd.DataFrame) else head.tolist()
    problems = [
        Problem(label, int(row), column, describe(value), severity)
        for row, value in zip(head.index, values)
    ]
    rest = len(bad) - len(head)
    if rest > 0:
        message = f"... and {rest:,} more rows with the same problem ({same})"
        problems.append(Problem(label, None, column, message, severity))
    return problems


# =========================================================================== reading


@dataclass(frozen=True)
class Source:
    """Where a table lives: a delimited text file (.csv, .txt, .tsv), a Parquet file or a sheet
    of the workbook."""

    table: str
    path: Path
    fmt: str  # 'csv', 'parquet' or 'xlsx'
    sheet: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name} [{self.sheet}]" if self.sheet else self.path.name


TEXT_SUFFIXES = (".csv", ".txt", ".tsv")  # delimited text; a .txt is what Excel's "Text" saves

# Trimmed from both ends of every cell and header: ASCII white space, the no-break and
# typographic spaces, the ideographic (full-width) space U+3000, and the invisible zero-width
# spaces, joiners, direction marks and byte-order mark that copying from web pages leaves.
_SPACES = "".join(chr(c) for c in (
    0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x2010),
    0x2028, 0x2029, 0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF,
))


def _trim(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Cells without surrounding spaces of any kind (see ``_SPACES``); missing → ''.

    A column with no missing cell and no cell to trim (the usual Parquet column) is returned as
    it is: trimming would copy it, millions of cells, for nothing."""
    trimmed = pc.utf8_trim(pc.fill_null(values, ""), characters=_SPACES)
    if (values.null_count == 0 and (pa.types.is_string(values.type) or pa.types.is_large_string(values.type))
            and trimmed.type == values.type and _text_bytes(trimmed) == _text_bytes(values)):
        return values                                   # nothing trimmed: the column itself, not its copy
    return trimmed


def _text_bytes(values: pa.Array | pa.ChunkedArray) -> int:
    """The bytes of all the texts of a column."""
    return int(pc.sum(pc.binary_length(values)).as_py() or 0)


def decode_text(data: bytes) -> tuple[str | None, str | None]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else GB18030. ``(text, encoding)``.

    Returns ``(None, guess)`` when the bytes are neither, ``guess`` naming the encoding for the
    error message: ``UTF-16`` (Excel's "Unicode Text", recognised by its byte-order mark), an
    ``Excel workbook`` saved under a text name, or charset_normalizer's idea (or None).
    """
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, "UTF-16, what Excel saves as \"Unicode Text\""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return None, "an Excel workbook, not text"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        return None, best.encoding if best is not None else None
    except Exception:  # pragma: no cover - a guess for a message only
        return None, None


def _normalise_header(name: Any) -> str:
    """``' Firm ID '`` → ``'firm_id'``; blank or missing → ``''`` (how unknown headers are shown)."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    return re.sub(r"[\s\-]+", "_", str(name).strip(_SPACES).lower())


def _find_header(spec: Table, grid: list[pa.Array], top: int = schema.HEADER_SEARCH_ROWS) -> int | None:
    """Position (0 = the first row of ``grid``) of the header row: the first of the ``top`` rows
    that names every required column; None when none does."""
    lookup = spec.header_map
    required = set(spec.required_columns)
    cells = [column[:top].to_pylist() for column in grid]
    for row in range(len(cells[0]) if cells else 0):
        named = {lookup.get(schema.header_key(column[row])) for column in cells}
        if required <= named:
            return row
    return None


@dataclass(frozen=True)
class _Merged:
    """A block of merged cells in a sheet that spans several rows (positions 0-based)."""

    ref: str
    first_row: int
    last_row: int
    first_col: int
    last_col: int
    value: Any


def _tidy(
    spec: Table, grid: list[pa.Array], label: str, *, header: list[Any] | None = None,
    merged: Iterable[_Merged] = (), row_numbers: np.ndarray | None = None,
    formulas: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Find the header, name the columns, strip the cells, drop blank and total rows, index the
    rows by user row number.

    ``grid`` holds, per column, the text cells in file order (nulls allowed), the header row
    among them unless ``header`` is given (Parquet). Headers are matched through
    ``spec.header_map`` (case, spaces, full-width forms and aliases such as 企业编号); unknown
    headers are kept under their normalised name for :func:`_check_columns` to warn about.
    Unnamed columns without data (trailing separators) are dropped silently; with data, with a
    warning. A column named twice is an error; the first one is kept. The work is done on
    arrow arrays: a few microseconds per column, whatever the size.

    A sheet gives only its rows that hold data, with ``row_numbers`` (the user's row number of
    each row of ``grid``; default 1, 2, 3 ...), and its ``formulas`` without a saved value (row
    numbers and column positions), reported as errors where they fall in the table.
    """
    problems: list[Problem] = []
    count = len(grid[0]) if grid else 0
    numbers = np.arange(1, count + 1) if row_numbers is None else np.asarray(row_numbers)
    if header is None:
        start = _find_header(spec, grid, int(np.searchsorted(numbers, schema.HEADER_SEARCH_ROWS, "right")))
        if start is None and not (count and numbers[0] == 1):
            return None, [Problem(label, 1, None, "this row must hold the column names, but it is empty")]
        start = start or 0
        header_row = int(numbers[start])
        header = [column[start].as_py() for column in grid]
        grid = [column[start + 1:] for column in grid]
        rows = numbers[start + 1:]
        if header_row > 1:
            above = "row 1 above it is" if header_row == 2 else f"rows 1 to {header_row - 1} above it are"
            message = f"the column names were found on row {header_row}; {above} ignored (a title or note)"
            problems.append(Problem(label, header_row, None, message, "warning"))
    else:
        header_row, rows = 1, numbers + 1
    if not any(h is not None and str(h).strip(_SPACES) for h in header):
        return None, [Problem(label, header_row, None, "this row must hold the column names, but it is empty")]
    lookup = spec.header_map
    raw = [_normalise_header(h) for h in header] + [""] * (len(grid) - len(header))
    names = [lookup.get(schema.header_key(h), r) if r else "" for h, r in zip(header + [None] * len(grid), raw)]
    marker = next((p for p, h in enumerate(header[:len(grid)]) if schema.header_key(h) in _EXAMPLE_KEYS), None)
    columns: dict[str, pa.Array] = {}
    position_of: dict[str, int] = {}
    unnamed: list[tuple[str, int]] = []  # columns with data but no name: (letter, first row with data)
    twice = 0
    for position, (name, values) in enumerate(zip(names, grid)):
        values = _trim(values)
        letter = _column_letter(position)
        if position == marker:
            continue  # the example mark: read below, never data
        if not name:
            if (first := pc.index(pc.not_equal(values, ""), True).as_py()) >= 0:
                unnamed_at = len(problems) if not unnamed else unnamed_at  # reported in column order
                unnamed.append((letter, int(rows[first])))
        elif name in columns and (twice := twice + 1) > ROW_LIMIT:
            continue  # counted below
        elif name in columns:
            first = position_of[name]
            if raw[position] == raw[first]:
                message = f"the column name appears twice (column {letter}); only the first is read"
            else:
                message = (f"columns {_column_letter(first)} ({_quote(header[first])}) and {letter} "
                           f"({_quote(header[position])}) both name {name}; only the first is read")
            problems.append(Problem(label, header_row, name, message))
        else:
            columns[name], position_of[name] = values, position
    if twice > ROW_LIMIT:
        message = f"... and {twice - ROW_LIMIT:,} more column names that appear twice; only the first of each is read"
        problems.append(Problem(label, header_row, None, message))
    if len(unnamed) == 1:
        (letter, first), = unnamed
        message = f"column {letter} has data (from row {first}) but no name in the header row; it is ignored"
        problems.insert(unnamed_at, Problem(label, header_row, None, message, "warning"))
    elif unnamed:
        shown = ", ".join(letter for letter, _ in unnamed[:5])
        more = f" and {len(unnamed) - 5:,} more" if len(unnamed) > 5 else ""
        message = (f"{len(unnamed):,} columns have data but no name in the header row: {shown}{more}; "
                   "they are ignored")
        problems.insert(unnamed_at, Problem(label, header_row, None, message, "warning"))
    if formulas is not None and len(formulas[0]):
        problems += _formula_problems(label, formulas, header_row, names, position_of)
    for block in merged:
        if block.first_row + 1 > header_row:  # a merged block among the data rows
            named = [n for n in names[block.first_col: block.last_col + 1] if n in columns]
            message = (f"cells {block.ref} are merged: rows {block.first_row + 1} to {block.last_row + 1} "
                       f"each take its value {_quote(block.value)}")
            problems.append(Problem(label, block.first_row + 1, named[0] if named else None, message, "warning"))
    if not columns:
        return pd.DataFrame(index=rows[:0]), problems
    filled = functools.reduce(pc.or_, [pc.not_equal(c, "") for c in columns.values()])
    repeated = functools.reduce(pc.and_, [
        pc.equal(values, str(header[position_of[name]]).strip(_SPACES)) for name, values in columns.items()
    ])
    if pc.any(repeated).as_py():  # blocks pasted one under the other, each with its header
        again = rows[repeated.to_numpy(zero_copy_only=False)]
        problems += _row_problems(label, pd.Series(again, index=again), None,
                                  lambda v: f"the row repeats the header (row {header_row}); it is ignored",
                                  "repeated header rows, ignored", "warning")
        filled = pc.and_(filled, pc.invert(repeated))
    total = _total_rows(spec, columns)
    if total is not None and pc.any(total).as_py():
        shown = pd.Series(_total_words(columns, total), index=rows[total.to_numpy(zero_copy_only=False)])
        problems += _row_problems(label, shown, None, lambda v: f"a total row ({_quote(v)}); it is ignored",
                                  "total rows, ignored", "warning")
        filled = pc.and_(filled, pc.invert(total))
    if marker is not None:
        marked = pc.and_(filled, pc.invert(pc.is_in(pc.utf8_lower(_trim(grid[marker])), value_set=_NOT_MARKS)))
        if pc.any(marked).as_py():
            problems.append(_example_rows(label, rows[marked.to_numpy(zero_copy_only=False)], marker, header[marker]))
            filled = pc.and_(filled, pc.invert(marked))
    table = pa.table(columns)
    del columns                                       # the table holds them; a filtered copy replaces them
    if not pc.all(filled).as_py():
        table = table.filter(filled)
    frame = table.to_pandas().set_axis(rows[filled.to_numpy(zero_copy_only=False)])
    if formulas is not None and len(formulas[0]):  # reported already: not blamed again as empty cells
        frame.attrs["reported"] = {name: formulas[0][formulas[1] == position]
                                   for name, position in position_of.items() if (formulas[1] == position).any()}
    return frame, problems


_EXAMPLE_KEYS = frozenset(schema.header_key(h) for h in schema.EXAMPLE_HEADERS)
# Cells of the example column that do not mark their row: blank, a word for nothing, a false word.
_NOT_MARKS = pa.array(sorted({"", *schema.MISSING_WORDS, *schema.FALSE_WORDS}), type=pa.string())


def _example_rows(label: str, rows: np.ndarray, position: int, header: Any) -> Problem:
    """One warning naming the example rows that were ignored (marked in the example column)."""
    one = len(rows) == 1
    message = (f"{_plural(len(rows), 'example row')} ignored ({'row' if one else 'rows'} {_row_spans(rows)}, marked "
               f"{_quote(header)} in column {_column_letter(position)}): delete {'it' if one else 'them'}, or clear "
               "the mark of a row that holds real data")
    return Problem(label, int(rows[0]), None, message, "warning")


def _row_spans(rows: np.ndarray, limit: int = 10) -> str:
    """Sorted row numbers as ranges: ``2 to 4, 7, 9, 10`` (at most ``limit`` ranges, then a count)."""
    starts = np.flatnonzero(np.diff(rows, prepend=rows[0] - 2) != 1)
    ends = np.append(starts[1:], len(rows)) - 1
    spans = [f"{rows[a]}" if a == b else f"{rows[a]}, {rows[b]}" if b == a + 1 else f"{rows[a]} to {rows[b]}"
             for a, b in zip(starts[:limit], ends[:limit])]
    more = f" and {len(starts) - limit:,} more ranges" if len(starts) > limit else ""
    return ", ".join(spans) + more


def _formula_problems(
    label: str, formulas: tuple[np.ndarray, np.ndarray], header_row: int, names: list[str],
    position_of: dict[str, int],
) -> list[Problem]:
    """Errors for the formula cells without a saved value that the table would read (in the
    header row or in a column that is read): each would silently read as empty. Grouped by
    column, ``ROW_LIMIT`` named and the rest counted."""
    rows, cols = formulas
    problems = []
    for col in np.unique(cols[rows >= header_row]):  # a loop over the columns that have such cells
        name = names[col] if col < len(names) else ""
        read = bool(name) and position_of.get(name) == col
        here = np.sort(rows[(cols == col) & (rows >= (header_row if not read else header_row + 1))])
        if not read:
            here = here[here == header_row]  # an ignored column: only its header cell matters
        letter = _column_letter(int(col))
        problems += _row_problems(
            label, pd.Series(here, index=here), name if read else None,
            lambda row: f"cell {letter}{row} holds a formula with no saved value (the program that wrote the "
            "workbook did not calculate it), so it would be read as empty; open and save the workbook in "
            "Excel, or paste the values", "formulas with no saved value",
        )
    return problems


# The total words as a spreadsheet writes them: lower, upper, title case, with a colon after.
_TOTALS = sorted({
    variant + colon
    for word in schema.TOTAL_WORDS
    for variant in (word, word.upper(), word.title(), word.capitalize())
    for colon in ("", ":", "：")
})
_TOTAL_WORDS = pa.array(_TOTALS, type=pa.string())
_TOTAL_OR_BLANK = pa.array(["", *_TOTALS], type=pa.string())


def _total_rows(spec: Table, columns: dict[str, pa.Array]) -> pa.Array | None:
    """Rows that are a spreadsheet's total line: every identifying cell (the table's required
    columns that are not numbers) is blank or a total word (合计, Total, 总计：...), and some cell
    of the row is a total word. One hash look-up per identifying column, then only the few
    candidate rows are looked at; None when there is none."""
    ids = [c.name for c in spec.columns if c.required and c.kind not in ("float", "int") and c.name in columns]
    if not ids:
        return None
    candidate = None
    for name in ids:
        here = pc.is_in(columns[name], value_set=_TOTAL_OR_BLANK)
        candidate = here if candidate is None else pc.and_(candidate, here)
        if not pc.any(candidate).as_py():
            return None
    rows = np.flatnonzero(candidate.to_numpy(zero_copy_only=False))
    labelled = np.zeros(len(rows), dtype=bool)
    for values in columns.values():
        labelled |= pc.is_in(values.take(rows), value_set=_TOTAL_WORDS).to_numpy(zero_copy_only=False)
    if not labelled.any():
        return None
    total = np.zeros(len(candidate), dtype=bool)
    total[rows[labelled]] = True
    return pa.array(total)


def _total_words(columns: dict[str, pa.Array], rows: pa.Array) -> list[str]:
    """The total word of each total row (for the message)."""
    found = None
    for values in columns.values():
        picked = values.filter(rows)
        hit = pc.is_in(picked, value_set=_TOTAL_WORDS)
        found = pc.if_else(hit, picked, found if found is not None else pa.nulls(len(picked), pa.string()))
    return found.to_pylist()


def _arrow_text(values: pd.Series) -> pa.Array:
    """A pandas column of text cells (missing allowed) as an arrow string array."""
    return pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def _column_letter(position: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA' (how a spreadsheet names column positions)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sniff_separator(text: str) -> str:
    """The separator: comma unless semicolons or tabs clearly win in the top lines (a title
    line above the header has few separators, so the busiest line of the top ones counts)."""
    top = text[:100_000].split("\n", schema.HEADER_SEARCH_ROWS)[: schema.HEADER_SEARCH_ROWS]
    counts = {sep: max(line.count(sep) for line in top) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def _read_csv(source: Source) -> tuple[pd.DataFrame | None, list[Problem]]:
    label = source.label
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        return None, [Problem(label, None, None, f"the file cannot be opened: {exc.strerror}")]
    text, encoding = decode_text(data)
    if text is None:
        guess = f" (it is {encoding})" if encoding else ""
        message = (
            f"the file is neither UTF-8 nor GB18030 text{guess}; "
            "save it again as 'CSV UTF-8' (in Excel: File → Save As → CSV UTF-8)"
        )
        return None, [Problem(label, None, None, message)]
    if not text.strip(_SPACES):
        return None, [Problem(label, None, None, "the file is empty; row 1 must hold the column names")]
    try:
        grid = _csv_grid(text, _sniff_separator(text))
    except (pd.errors.ParserError, ValueError) as exc:
        return None, [_csv_parser_problem(label, exc)]
    return _tidy(TABLES[source.table], grid, label)


def _csv_width(text: str, sep: str) -> int:
    """How many columns the table has: the most frequent field count among the top records
    (a title line above the header is shorter; one long data row does not count)."""
    import csv

    sample = text[:200_000]
    counts = []
    limit = csv.field_size_limit(len(sample) + 1)  # a cell may be longer than csv's 128 K default
    try:
        for record in csv.reader(io.StringIO(sample), delimiter=sep):
            if any(cell.strip() for cell in record):
                counts.append(len(record))
            if len(counts) >= 2 * schema.HEADER_SEARCH_ROWS:
                break
    except csv.Error:  # a broken quote in the sample: the records read so far decide
        pass
    finally:
        csv.field_size_limit(limit)
    return max(set(counts), key=lambda n: (counts.count(n), n)) if counts else 1


def _csv_grid(text: str, sep: str) -> list[pa.Array]:
    """Every column's cells as text, the header row first, blank lines kept as blank cells.

    pyarrow's reader is tried first (several times faster on big files); on anything it
    rejects, pandas' reader, which pads short rows (a title line) and names the line of a
    long one.
    """
    n_columns = text.split("\n", 1)[0].count(sep) + 1  # an upper bound: quotes only lower it
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=sep, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(n_columns)},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
        return [column.combine_chunks() for column in table.columns]
    except pa.ArrowInvalid:
        grid = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, dtype=str, names=range(_csv_width(text, sep)),
            keep_default_na=False, skip_blank_lines=False, index_col=False,
        )
        return [_arrow_text(grid[column]) for column in grid.columns]


def _csv_parser_problem(label: str, exc: Exception) -> Problem:
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
    if found:
        expected, row, saw = (int(g) for g in found.groups())
        message = (
            f"this row has {saw} values but the header has {expected} columns; a value that "
            "contains the separator (a comma) must be put in double quotes"
        )
        return Problem(label, row, None, message)
    found = re.search(r"EOF inside string starting at row (\d+)", str(exc))
    if found:
        message = ("a value on this row opens a double quote (\") that is never closed, so the rest of the file "
                   "would be one cell; close the quote or delete it")
        return Problem(label, int(found[1]) + 1, None, message)
    return Problem(label, None, None, f"the file cannot be read as CSV: {_clip(str(exc), 200)}")


def _as_text(values: pd.Series) -> pd.Series:
    """Typed cells (from Parquet or Excel) as the text a user would have typed.

    Missing → ''; booleans → 'true'/'false'; whole floats → '5' not '5.0' (ids); dates at the
    start of a month (how Excel stores a typed '2024-03') → '2024-03', other dates
    'YYYY-MM-DD' (read as their month, with a warning).
    """
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.strftime("%Y-%m" if values.dt.freqstr.startswith("M") else "%Y-%m-%d").fillna("")
    if pd.api.types.is_datetime64_any_dtype(values):
        return _dates_as_text(values)
    if pd.api.types.is_bool_dtype(values):
        return values.map({True: "true", False: "false"}).fillna("").astype(str)
    if pd.api.types.is_float_dtype(values):
        text = values.astype(str).where(values.notna(), "")
        whole = values.notna() & np.isfinite(values) & (values % 1 == 0) & (values.abs() < 2**53)
        return text.where(~whole, values[whole].astype("int64").astype(str)).astype(str)
    if values.dtype == object:
        kinds = values.map(type)
        dates = kinds.isin([dt.datetime, dt.date, pd.Timestamp])
        floats = kinds.isin([float, np.float64])
        bools = kinds.isin([bool, np.bool_])
        out = values.where(values.notna(), "").astype(str)
        if dates.any():
            out[dates] = _dates_as_text(pd.to_datetime(values[dates]))
        if floats.any():
            out[floats] = _as_text(values[floats].astype("float64"))
        if bools.any():
            out[bools] = values[bools].map({True: "true", False: "false"})
        return out
    return values.astype(str).where(values.notna(), "")


def _dates_as_text(stamps: pd.Series) -> pd.Series:
    month_start = (stamps.dt.day == 1) & (stamps.dt.normalize() == stamps)
    text = stamps.dt.strftime("%Y-%m-%d").where(~month_start, stamps.dt.strftime("%Y-%m"))
    return text.fillna("").astype(str)


def _read_parquet(source: Source) -> tuple[pd.DataFrame | None, list[Problem]]:
    label = source.label
    try:
        table = pa_parquet.read_table(source.path)
    except Exception as exc:  # pyarrow raises many kinds; any means "unreadable file"
        reason = str(exc).replace(str(source.path), source.path.name)  # never a path of this computer
        if isinstance(exc, OSError) and exc.strerror:
            reason = exc.strerror
        return None, [Problem(label, None, None, f"the file cannot be read as Parquet: {_clip(reason, 200)}")]
    cells, problems = [], []
    for name, column in zip(table.column_names, table.columns):
        text = _arrow_cells(column)
        if isinstance(text, str):
            problems.append(Problem(label, None, _clip(name), text))
        else:
            cells.append(text)
    if problems:
        return None, problems
    return _tidy(TABLES[source.table], cells, label, header=table.column_names)


def _arrow_cells(column: pa.ChunkedArray) -> pa.ChunkedArray | str:
    """A typed Parquet column as the text a user would have typed (as :func:`_as_text`), or
    why it cannot be.

    Numbers, flags and text are cast by arrow ('5', '0.1', 'true'); dates go through pandas.
    Bytes (a binary column, as some exports write text) are decoded as UTF-8, else GB18030, as a
    CSV file is, one distinct value at a time. A column of lists or records has no text.
    """
    kind = column.type
    if pa.types.is_nested(kind):
        return "the column holds lists or records, not one value per cell; write it as plain values"
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
        try:
            return pc.cast(column, pa.string())  # valid UTF-8 (checked by the cast)
        except pa.ArrowInvalid:
            encoded = pc.dictionary_encode(column).combine_chunks()
            try:
                words = [None if w is None else w.decode("gb18030") for w in encoded.dictionary.to_pylist()]
            except UnicodeDecodeError:
                return ("the column holds bytes that are neither UTF-8 nor GB18030 text; write it as a text "
                        "(string) column in UTF-8")
            return pc.take(pa.array(words, type=pa.string()), encoded.indices)
    if pa.types.is_floating(kind):
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, kind), column)
    if not (pa.types.is_timestamp(kind) or pa.types.is_date(kind)):
        try:
            return pc.cast(column, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return _arrow_text(_as_text(column.to_pandas()))


@dataclass
class _Sheet:
    """One worksheet read sparsely (:func:`_parse_sheet`): only the cells that hold a value.

    ``rows``, ``cols`` and ``text``: each such cell's row number (1 = the first row), column
    position (0 = column A) and value as the user would have typed it (:func:`_as_text`), blank
    cells left out. ``formulas``: row numbers and column positions of formula cells that have no
    saved value. ``hidden_rows``: row numbers hidden in Excel (filtered out, or hidden by hand).
    ``merged``: blocks of merged cells spanning several rows, as ``(ref, first_row, last_row,
    first_col, last_col)``, 0-based. ``hidden``: the sheet itself is hidden.

    Memory follows the cells that hold data, never the range the sheet declares: a stray space
    in XFD1048576 costs one cell, not a grid of 17 billion.
    """

    title: str
    hidden: bool
    rows: np.ndarray
    cols: np.ndarray
    text: np.ndarray
    formulas: tuple[np.ndarray, np.ndarray]
    hidden_rows: np.ndarray
    merged: list[tuple[str, int, int, int, int]]

    def has_data(self, top: int | None = None) -> bool:
        """Whether any cell holds a value (in the ``top`` rows when given)."""
        return bool(len(self.rows)) if top is None else bool((self.rows <= top).any())


_NO_VALUE = object()  # a formula cell the program that wrote the workbook did not calculate


@functools.cache
def _sheet_parser() -> type:
    """openpyxl's worksheet parser, reading saved values (``data_only``) and marking the formula
    cells that have none: openpyxl itself reads those as empty, silently."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict:
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                saved = element.find(VALUE_TAG)
                # an empty <v/> is a saved value only for a text result (t="str": the empty text)
                if saved is None or (not saved.text and element.get("t") not in ("str", "s", "inlineStr")):
                    cell["value"] = _NO_VALUE
            return cell

    return Parser


def _parse_sheet(book: Any, ws: Any) -> _Sheet:
    """Read one worksheet of a read-only workbook cell by cell as the XML holds them (rows and
    cells that are not written cost nothing), with its merged blocks and hidden rows."""
    from openpyxl.utils.cell import range_boundaries

    rows: list[int] = []
    cols: list[int] = []
    values: list[Any] = []
    formula_rows: list[int] = []
    formula_cols: list[int] = []
    with book._archive.open(ws._worksheet_path) as source:
        parser = _sheet_parser()(source, book.shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for _, cells in parser.parse():
            for cell in cells:
                value = cell["value"]
                if value is None:
                    continue
                if value is _NO_VALUE:
                    formula_rows.append(cell["row"])
                    formula_cols.append(cell["column"] - 1)
                else:
                    rows.append(cell["row"])
                    cols.append(cell["column"] - 1)
                    values.append(value)
    text = _as_text(pd.Series(values, dtype=object)).to_numpy(dtype=object) if values else np.array([], object)
    keep = pc.not_equal(_trim(pa.array(text, type=pa.string())), "").to_numpy(zero_copy_only=False)
    hidden_rows = np.array(sorted(int(r) for r, attrs in parser.row_dimensions.items()
                                  if str(attrs.get("hidden", "")).lower() in ("1", "true")), dtype=np.int64)
    blocks = []
    for merged in getattr(parser.merged_cells, "mergeCell", None) or []:
        min_col, min_row, max_col, max_row = range_boundaries(merged.ref)
        if max_row > min_row:
            blocks.append((merged.ref, min_row - 1, max_row - 1, min_col - 1, max_col - 1))
    return _Sheet(
        ws.title, ws.sheet_state in ("hidden", "veryHidden"),
        np.array(rows, dtype=np.int64)[keep], np.array(cols, dtype=np.int64)[keep], text[keep],
        (np.array(formula_rows, dtype=np.int64), np.array(formula_cols, dtype=np.int64)),
        hidden_rows, sorted(blocks, key=lambda block: (block[1], block[3])),
    )


def _workbook_sheets(path: Path) -> tuple[dict[str, _Sheet] | None, list[Problem]]:
    """Every sheet of the workbook, read sparsely (:func:`_parse_sheet`); or the one problem
    that stops the workbook being read."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    def unreadable(reason: str) -> tuple[None, list[Problem]]:
        return None, [Problem(path.name, None, None, f"the workbook cannot be opened: {reason}")]

    try:
        if path.stat().st_size == 0:
            return unreadable("the file is empty (0 bytes); save the workbook again from Excel")
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        return unreadable(exc.strerror or type(exc).__name__)
    except (BadZipFile, KeyError):
        return unreadable("it is not an Excel .xlsx workbook (an .xlsx is a zip archive of sheets); "
                          "save it again from Excel as \"Excel Workbook (*.xlsx)\"")
    except Exception as exc:  # XML and openpyxl errors all mean "unreadable"
        return unreadable(_clip(str(exc).replace(str(path), path.name), 200))
    sheets, problems = {}, []
    try:
        for ws in book.worksheets:
            try:
                sheets[ws.title] = _parse_sheet(book, ws)
            except Exception as exc:  # a broken sheet: the others are still read
                message = f"sheet {_quote(ws.title)} cannot be read: {_clip(str(exc), 200)}"
                problems.append(Problem(path.name, None, None, message))
    finally:
        book.close()
    return sheets, problems


def _sheet_grid(sheet: _Sheet) -> tuple[list[pa.Array], np.ndarray, list[_Merged]]:
    """The sheet's rows that hold data as text columns (A, B, ... up to the last column with
    data), their row numbers, and its merged blocks, each filled with its top-left value on the
    rows of the block that hold data (what the user sees in Excel). Blank rows and columns after
    the data are never materialised."""
    rows, cols, text = sheet.rows, sheet.cols, sheet.text
    filled: list[_Merged] = []
    if sheet.merged and len(rows):
        keys = rows * 20_000 + cols  # more than Excel's 16,384 columns: one number per cell
        order = np.argsort(keys, kind="stable")
        data_rows = np.unique(rows)
        add_rows, add_cols, add_text = [rows], [cols], [text]
        sorted_keys, sorted_text = keys[order], text[order]
        for ref, r0, r1, c0, c1 in sheet.merged:
            at = np.searchsorted(sorted_keys, (r0 + 1) * 20_000 + c0)
            if at == len(sorted_keys) or sorted_keys[at] != (r0 + 1) * 20_000 + c0:
                continue  # the block's top-left cell is empty
            value = sorted_text[at]
            block_rows = data_rows[(data_rows >= r0 + 1) & (data_rows <= r1 + 1)]
            block_cols = np.arange(c0, min(c1, int(cols.max())) + 1)
            add_rows.append(np.repeat(block_rows, len(block_cols)))
            add_cols.append(np.tile(block_cols, len(block_rows)))
            add_text.append(np.full(len(block_rows) * len(block_cols), value, dtype=object))
            filled.append(_Merged(ref, r0, r1, c0, c1, value))
        rows, cols, text = np.concatenate(add_rows), np.concatenate(add_cols), np.concatenate(add_text)
    numbers = np.unique(rows)
    position = np.searchsorted(numbers, rows)
    width = int(cols.max()) + 1 if len(cols) else 0
    order = np.argsort(cols, kind="stable")  # later cells (the merged fill) win within a column
    bounds = np.searchsorted(cols[order], np.arange(width + 1))
    grid = []
    for c in range(width):  # a loop over columns, each a numpy assignment
        cells = order[bounds[c]: bounds[c + 1]]
        if not len(cells):
            grid.append(pa.nulls(len(numbers), pa.string()))
            continue
        column = np.full(len(numbers), None, dtype=object)
        column[position[cells]] = text[cells]
        grid.append(pa.array(column, type=pa.string()))
    return grid, numbers, filled


def _read_sheet(source: Source, sheet: _Sheet) -> tuple[pd.DataFrame | None, list[Problem]]:
    problems = []
    if sheet.hidden:
        message = (f"the sheet is hidden in Excel; its table is read like the others: unhide it (right-click a "
                   "sheet tab → Unhide) to check it, or delete it if it should not count")
        problems.append(Problem(source.label, None, None, message, "warning"))
    if not sheet.has_data() and not len(sheet.formulas[0]):
        return None, problems + [Problem(source.label, 1, None, "the sheet is empty: row 1 must hold the column "
                                                                "names, the rows below the data")]
    grid, numbers, merged = _sheet_grid(sheet)
    frame, found = _tidy(TABLES[source.table], grid, source.label, merged=merged, row_numbers=numbers,
                         formulas=sheet.formulas)
    problems += found
    if frame is not None and len(sheet.hidden_rows):
        problems += _hidden_rows(source.label, frame.index.to_numpy(), sheet.hidden_rows)
    return frame, problems


def _hidden_rows(label: str, data_rows: np.ndarray, hidden: np.ndarray) -> list[Problem]:
    """One warning naming the data rows hidden in Excel (a filter, or hidden by hand)."""
    rows = data_rows[np.isin(data_rows, hidden)]
    if not len(rows):
        return []
    one = len(rows) == 1
    message = (f"{_plural(len(rows), 'row')} of data {'is' if one else 'are'} hidden in Excel (filtered out or "
               f"hidden by hand): {'row' if one else 'rows'} {_row_spans(rows)}; {'it is' if one else 'they are'} "
               f"read like every other row: delete {'it' if one else 'them'} from the sheet if "
               f"{'it' if one else 'they'} should not count")
    return [Problem(label, int(rows[0]), None, message, "warning")]


_NOTE_SHEETS = frozenset(schema.header_key(n) for name, others in schema.NOTE_SHEETS.items() for n in (name, *others))


def _table_names() -> dict[str, str]:
    """:func:`schema.header_key` of every table name and alias → the table."""
    return {schema.header_key(n): t.name for t in TABLES.values() for n in (t.name, *t.aliases)}


@dataclass
class _Found:
    """What the folder holds: the sources of each table, the workbook's sheets (read once),
    and the files and sheets that were not read (for hints when a table is missing)."""

    sources: dict[str, list[Source]]
    sheets: dict[str, _Sheet]
    ignored: list[str] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # tables whose file was refused unread
    book_failed: bool = False  # workspace.xlsx is there but could not be read: its tables are unknown


def _find_sources(folder: Path) -> _Found:
    """Which file (or sheet) holds which table; also the workbook's sheets, read once.

    Files and sheets are named after their table (``flows.csv``, a sheet ``flows``) or one of
    its aliases (``交易.csv``, a sheet ``企业``), matched ignoring case, spaces, underscores and
    full-width forms.
    """
    names = _table_names()
    found = _Found({name: [] for name in TABLES}, {})
    root = folder.resolve()
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "~$")))
    for path in entries:
        stem, suffix = path.stem, path.suffix.lower()
        table = names.get(schema.header_key(stem))
        read = (table and suffix in (*TEXT_SUFFIXES, ".parquet")) or path.name.lower() == WORKBOOK
        if not read and not path.is_file():
            continue  # a sub-folder, or something not named like a table: never opened
        if read and (reason := _unsafe_file(path, root)):
            found.problems.append(Problem(path.name, None, None, f"not read: {reason}"))
            if table:
                found.unreadable.add(table)
            found.book_failed |= path.name.lower() == WORKBOOK
            continue
        if suffix in (*TEXT_SUFFIXES, ".parquet"):
            fmt = "parquet" if suffix == ".parquet" else "csv"
            if table:
                found.sources[table].append(Source(table, path, fmt))
            elif suffix in (".csv", ".parquet"):  # any .txt may be a note: only a table's is read
                found.ignored.append(path.name)
                message = "not a workspace table, ignored" + _suggest(stem, TABLES)
                found.problems.append(Problem(path.name, None, None, message, "warning"))
        elif suffix == ".xlsx" and path.name.lower() == WORKBOOK:
            book, problems = _workbook_sheets(path)
            found.problems += problems
            found.book_failed = book is None
            for title, sheet in (book or {}).items():
                table = names.get(schema.header_key(title))
                if table:
                    found.sources[table].append(Source(table, path, "xlsx", title))
                    found.sheets[title] = sheet
                elif schema.header_key(title) in _NOTE_SHEETS:
                    continue  # a template's instructions or dropdown lists
                elif sheet.has_data(top=schema.HEADER_SEARCH_ROWS):
                    found.ignored_sheets.append(title)
                    message = (f"sheet {_quote(title)} is not a workspace table, ignored"
                               + _suggest(title.lower(), TABLES))
                    found.problems.append(Problem(path.name, None, None, message, "warning"))
        elif suffix == ".xls":
            found.ignored.append(path.name)
            message = f"the old .xls format is not read; save the workbook as {WORKBOOK}"
            found.problems.append(Problem(path.name, None, None, message, "warning"))
        elif suffix in (".xlsx", ".xlsm"):
            found.ignored.append(path.name)
            message = f"ignored: only one workbook, named {WORKBOOK}, is read"
            found.problems.append(Problem(path.name, None, None, message, "warning"))
    return found


def _missing_table_hint(name: str, found: _Found) -> str:
    """Why a required table may be missing: a file or sheet that looks like it, a workbook that
    is not read, or workbook sheets that are not named after tables."""
    keys = [schema.header_key(n) for n in (name, *TABLES[name].aliases)]
    for file in found.ignored:
        stem = schema.header_key(Path(file).stem)
        if Path(file).suffix.lower() in (*TEXT_SUFFIXES, ".parquet") and any(k in stem for k in keys):
            return f"; {file!r} was not read: rename it to {name}{Path(file).suffix.lower()}"
    books = [f for f in found.ignored if Path(f).suffix.lower() in (".xls", ".xlsx", ".xlsm")]
    if books:
        return f"; {', '.join(repr(b) for b in books)} was not read: only a workbook named {WORKBOOK} is"
    if found.ignored_sheets:
        sheets = ", ".join(repr(s) for s in found.ignored_sheets[:3])
        more = ", …" if len(found.ignored_sheets) > 3 else ""
        alias = f" (or {TABLES[name].aliases[0]!r})" if TABLES[name].aliases else ""
        return (f"; the sheets of {WORKBOOK} ({sheets}{more}) are not named after tables: rename the sheet "
                f"that holds {name} to {name!r}{alias}")
    return ""


def _read_tables(folder: Path) -> tuple[dict[str, tuple[str, pd.DataFrame]], set[str], _Found]:
    """Raw text tables by name, as ``(label, frame)``; the names found but unreadable; what the
    folder holds (its ``problems`` extended with the reading problems)."""
    found = _find_sources(folder)
    raw: dict[str, tuple[str, pd.DataFrame]] = {}
    unreadable: set[str] = set(found.unreadable)
    for name, sources in found.sources.items():
        if len(sources) > 1:
            labels = ", ".join(s.label for s in sources)
            message = f"the table {name} is given {len(sources)} times ({labels}); keep only one"
            found.problems.append(Problem(sources[0].label, None, None, message))
            unreadable.add(name)
            continue
        if not sources:
            continue
        source = sources[0]
        try:
            if source.fmt == "csv":
                frame, read_problems = _read_csv(source)
            elif source.fmt == "parquet":
                frame, read_problems = _read_parquet(source)
            else:
                frame, read_problems = _read_sheet(source, found.sheets[source.sheet])
        except (MemoryError, RecursionError, ValueError, OSError, pa.ArrowException) as exc:
            # the last guard of "bad input never gives a traceback": a file no reader above foresaw
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            message = f"the file cannot be read ({_clip(reason, 80)}); save it again from the program that made it"
            frame, read_problems = None, [Problem(source.label, None, None, message)]
        found.problems += read_problems
        if frame is None:
            unreadable.add(name)
        else:
            raw[name] = (source.label, frame)
    return raw, unreadable, found


# =========================================================================== typing


@dataclass
class _Parsed:
    """A column converted from text: its values (missing where blank or bad) and two masks.

    ``blank`` marks empty cells, ``bad`` cells that do not parse; ``describe(text)`` words
    the problem of one bad cell and ``same`` sums it up for the rows beyond ROW_LIMIT.
    ``dated`` (months only) marks full dates with a day other than the 1st, read as their month.
    """

    values: pd.Series
    blank: np.ndarray
    bad: np.ndarray
    describe: Callable[[Any], str] = lambda v: ""
    same: str = ""
    dated: np.ndarray | None = None


_MISSING_WORDS = pa.array(sorted(schema.MISSING_WORDS), type=pa.string())
def _is_missing_word(text: pd.Series) -> np.ndarray:
    """Cells that are blank or a spreadsheet's word for nothing ('NA', '#N/A', '-', ...)."""
    lower = pc.utf8_lower(pa.array(text, type=pa.string(), from_pandas=True))
    return pc.is_in(lower, value_set=_MISSING_WORDS).to_numpy(zero_copy_only=False)


def _halfwidth(text: pd.Series) -> pd.Series:
    """Full-width letters, digits and signs (Ｆ００１, ２０２６年１０月, ％) as ASCII; only the
    cells that are not ASCII already are touched."""
    cells = pa.array(text, type=pa.string(), from_pandas=True)
    wide = pc.invert(pc.fill_null(pc.string_is_ascii(cells), True)).to_numpy(zero_copy_only=False)
    if not wide.any():
        return text
    out = text.copy()
    out[wide] = text[wide].str.translate(_HALFWIDTH).str.strip(_SPACES)
    return out


_SCIENTIFIC_ID = r"^[0-9](\.[0-9]+)?[eE]\+[0-9]+$"


def _parse_text(text: pd.Series, column: Column) -> _Parsed:
    if column.kind == "str":
        cells = pa.array(text, type=pa.string(), from_pandas=True)
        blank = pc.equal(cells, "").to_numpy(zero_copy_only=False)
    else:
        blank = _is_missing_word(text)
    values = text.mask(blank) if blank.any() else text
    if column.kind != "id":
        return _Parsed(values, blank, np.zeros(len(text), dtype=bool))
    values = _halfwidth(values)
    cells = pa.array(values, type=pa.string(), from_pandas=True)
    bad = np.zeros(len(text), dtype=bool)
    if pc.any(pc.match_substring(cells, "+")).as_py():  # a quick scan before the regex
        bad = pc.fill_null(pc.match_substring_regex(cells, _SCIENTIFIC_ID), False).to_numpy(zero_copy_only=False)
    return _Parsed(
        values.mask(bad) if bad.any() else values, blank, bad,
        lambda v: f"{_quote(v)} is a long number that Excel wrote in scientific notation, so its "
        "digits are lost: format the column as text in Excel and type the ids again",
        "an id in scientific notation",
    )


def _arrow_numbers(text: pd.Series) -> np.ndarray | None:
    """``pd.to_numeric(text, errors="coerce")`` as float64, parsed by arrow when every cell is
    a plain number or blank (None otherwise): pandas builds a Python object per cell, seconds
    for a million flows. Cells with a leading ``+`` are left to pandas, which reads some of them
    a unit in the last place apart (``+9E24``); on every other number the two agree."""
    cells = pa.array(text, from_pandas=True)
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    if not (pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type)) or cells.null_count:
        return None
    if pc.any(pc.starts_with(cells, "+")).as_py():
        return None
    filled = pc.not_equal(cells, "")
    try:
        parsed = pc.cast(cells.filter(filled), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    values = np.full(len(cells), np.nan)
    values[filled.to_numpy(zero_copy_only=False)] = parsed.to_numpy(zero_copy_only=False)
    return values


def _parse_number(text: pd.Series, column: Column) -> _Parsed:
    values = _arrow_numbers(text)
    if values is None:
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", copy=True)
    failed = ~np.isfinite(values)  # text, blank, or inf
    blank = np.zeros(len(values), dtype=bool)
    if failed.any():
        blank[failed] = _is_missing_word(text[failed])
        retry = failed & ~blank
        if retry.any():
            values[retry] = _lenient_numbers(text[retry])
        values[~np.isfinite(values)] = np.nan
    bad = failed & ~blank & np.isnan(values)
    if column.kind == "int":
        bad |= np.isfinite(values) & (values % 1 != 0)
        values[bad] = np.nan
        describe, same = (lambda v: f"expected a whole number, got {_quote(v)}"), "not a whole number"
    else:
        describe, same = (lambda v: f"expected a number, got {_quote(v)}"), "not a number"
    return _Parsed(pd.Series(values, index=text.index), blank, bad, describe, same)


def _parse_by_uniques(
    text: pd.Series, convert: Callable[[str], Any]
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse the distinct texts only (months, flags and categories have few of them).

    ``convert`` maps one text to its value, or None when it is not valid. Returns
    ``(values, blank, bad)`` aligned with ``text``.
    """
    codes, uniques = pd.factorize(text)
    converted = np.array([None] + [convert(u) for u in uniques], dtype=object)
    missing = np.array([True] + [u.lower() in schema.MISSING_WORDS for u in uniques])
    values, blank = converted[codes + 1], missing[codes + 1]  # code -1 (a missing cell) → slot 0
    bad = pd.isna(values) & ~blank
    return pd.Series(values, index=text.index), blank, bad


_BOOLS = {**{w: True for w in schema.TRUE_WORDS}, **{w: False for w in schema.FALSE_WORDS}}


def _parse_bool(text: pd.Series, column: Column) -> _Parsed:
    values, blank, bad = _parse_by_uniques(text, lambda u: _BOOLS.get(u.translate(_HALFWIDTH).strip().lower()))
    return _Parsed(
        values, blank, bad,
        lambda v: f"expected true or false (also yes/no, y/n, 1/0, 是/否), got {_quote(v)}",
        "not true or false",
    )


# Months as spreadsheet users write them (after full-width digits are made ASCII):
# 2026-10, 2026-1, 2026/10, 2026.10 (two digits: 2026.1 is ambiguous), 2026年10月, 202610.
_MONTH = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/]\s*(?P<m1>\d{1,2})|\.(?P<m2>\d{2})|年\s*(?P<m3>\d{1,2})\s*月份?|(?P<m4>\d{2}))"
)
# Full dates read as their month: ISO 2026-10-01 (also 2026-10-1, with a time after it), the
# year-first 2026/10/1 that Excel on a Chinese Windows writes for a date cell, and
# 2026年10月1日. Day-first layouts (1/10/2026) are ambiguous and stay errors, see data/README.md.
_DAY = re.compile(
    r"(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"|(?P<y2>\d{4})\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
_DATE_LIKE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}.*|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}.*")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (1900 date system, after its leap-year bug)


def month_of(text: str) -> tuple[str | None, int | None]:
    """``(YYYY-MM, day)`` for a month or a full date as spreadsheet users write it (day None
    for a month); ``(None, None)`` when ``text`` is neither or names no real month/day."""
    text = text.translate(_HALFWIDTH).strip(_SPACES)
    found = _MONTH.fullmatch(text)
    if found:
        year, month, day = int(found["y"]), int(found["m1"] or found["m2"] or found["m3"] or found["m4"]), None
    elif found := _DAY.fullmatch(text):
        year = int(found["y"] or found["y2"])
        month, day = int(found["m"] or found["m2"]), int(found["d"] or found["d2"])
    else:
        return None, None
    if not 1 <= month <= 12:
        return None, None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None, None
    return f"{year:04d}-{month:02d}", day


def _describe_month(value: Any) -> str:
    message = f"expected a month written YYYY-MM (e.g. 2024-03), got {_quote(value)}"
    text = str(value).translate(_HALFWIDTH)
    if re.fullmatch(r"\d{4}\.\d", text):
        message += (f"; it could be January or October (Excel turns 2026.10 typed in a number cell into "
                    f"2026.1): write {text[:4]}-0{text[5]} or {text[:4]}-10")
    elif re.fullmatch(r"[2-7]\d{4}", text):
        day = _EXCEL_EPOCH + dt.timedelta(days=int(text))
        message += (f"; it looks like an Excel date serial number ({text} is {day:%Y-%m-%d}): format the "
                    "column as a date or text, or write the month")
    elif _DATE_LIKE.fullmatch(text):
        message += "; if Excel turned the month into a date, format the column as text"
    return message


def _parse_month(text: pd.Series, column: Column) -> _Parsed:
    dated: set[str] = set()

    def convert(unique: str) -> str | None:
        month, day = month_of(unique)
        if month is not None and day not in (None, 1):
            dated.add(unique)
        return month

    values, blank, bad = _parse_by_uniques(text, convert)
    mask = text.isin(dated).to_numpy(dtype=bool) if dated else None
    return _Parsed(values.astype(TEXT), blank, bad, _describe_month, "not a YYYY-MM month", mask)


def _parse_category(text: pd.Series, column: Column) -> _Parsed:
    if column.allowed == schema.NATIONAL_SECTORS:
        return _parse_sector(text, column)
    aliases = column.alias_map
    values, blank, bad = _parse_by_uniques(text, lambda u: aliases.get(u.translate(_HALFWIDTH).strip().lower()))
    allowed = ", ".join(column.allowed)
    return _Parsed(
        values.astype(TEXT), blank, bad,
        lambda v: f"{_quote(v)} is not one of: {allowed}" + _suggest(v, column.allowed),
        f"not one of: {allowed}",
    )


def _parse_sector(text: pd.Series, column: Column) -> _Parsed:
    """A sector of China's 42-sector input-output table, by code or English or Chinese name → its code."""
    from ecolib.datasets.china_io import sector_aliases, sector_code  # the shipped table's names
    values, blank, bad = _parse_by_uniques(text, lambda u: sector_code(u.translate(_HALFWIDTH)))
    names = sorted(set(sector_aliases()) - set(schema.NATIONAL_SECTORS))
    return _Parsed(
        values.astype(TEXT), blank, bad,
        lambda v: (f"{_quote(v)} is not a sector of China's 42-sector input-output table: give its code "
                   "(01 to 42) or its name in English or Chinese, e.g. 19 or 电气机械和器材" + _suggest(str(v).lower(), names)),
        "not a sector of China's 42-sector input-output table",
    )


_PARSERS: dict[str, Callable[[pd.Series, Column], _Parsed]] = {
    "id": _parse_text,
    "str": _parse_text,
    "float": _parse_number,
    "int": _parse_number,
    "bool": _parse_bool,
    "month": _parse_month,
    "category": _parse_category,
}

_EXCEL_ERRORS = pa.array(sorted(schema.EXCEL_ERRORS), type=pa.string())


def _excel_errors(text: pd.Series) -> np.ndarray:
    """Cells showing an Excel error value (#DIV/0!, #REF! ...): a formula that failed."""
    cells = pa.array(text, type=pa.string(), from_pandas=True)
    hash_cells = pc.fill_null(pc.starts_with(cells, "#"), False)
    if not pc.any(hash_cells).as_py():
        return np.zeros(len(text), dtype=bool)
    found = pc.is_in(pc.utf8_upper(cells), value_set=_EXCEL_ERRORS)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def _header_hint(name: str, spec: Table) -> str:
    """Why an unknown header may not have been recognised: a unit in brackets after a known
    name (``金额（万元）``), or a close spelling."""
    bare = re.sub(r"\s*[(（\[【].*[)）\]】]\s*$", "", name)
    if bare != name and (known := spec.header_map.get(schema.header_key(bare))):
        unit = name[len(bare):].strip()
        return (f" (without {unit!r} it would be {known}: rename the column {known}, and make sure its "
                "values are in the unit this contract gives)")
    return _suggest(name, spec.names)


def _check_columns(spec: Table, present: Iterable[str], label: str) -> list[Problem]:
    """Missing required columns (errors) and columns not in the contract (warnings)."""
    present = list(present)
    problems = []
    for name in spec.required_columns:
        if name not in present:
            found = ", ".join(_clip(p, 40) for p in present[:20]) if present else "none"
            found += f" and {len(present) - 20:,} more" if len(present) > 20 else ""
            message = f"the required column {name!r} is missing (columns found: {found})"
            problems.append(Problem(label, None, name, message))
    unknown = [name for name in present if name not in spec.names]
    for name in unknown[:ROW_LIMIT]:
        message = "not a column of this table, ignored" + _header_hint(name, spec)
        problems.append(Problem(label, None, name, message, "warning"))
    if len(unknown) > ROW_LIMIT:
        message = f"... and {len(unknown) - ROW_LIMIT:,} more columns that are not columns of this table, ignored"
        problems.append(Problem(label, None, None, message, "warning"))
    return problems


def _type_column(
    text: pd.Series, column: Column, label: str, reported: np.ndarray | None = None
) -> tuple[pd.Series, np.ndarray, list[Problem]]:
    """Convert one column, report bad cells, empty required cells and values out of range.

    Returns ``(values, invalid, problems)``: cells with an error are left missing (then
    defaulted) and flagged in ``invalid`` so that later checks do not blame them again.
    """
    parsed = _PARSERS[column.kind](text, column)
    if reported is not None and reported.any():  # cells with an error found while reading: not "empty"
        parsed.blank = parsed.blank & ~reported
    values, invalid = parsed.values, parsed.bad
    problems = []
    if column.kind in ("id", "str"):
        excel = _excel_errors(text)
    else:  # in typed columns an Excel error value is one of the cells that did not parse
        excel = np.zeros(len(text), dtype=bool)
        if invalid.any():
            excel[invalid] = _excel_errors(text[invalid])
    if excel.any():
        problems += _row_problems(
            label, text[excel], column.name,
            lambda v: f"the cell shows the Excel error {_quote(v)}: the formula behind it failed; "
            "correct the formula or type the value", "an Excel error value",
        )
        parsed.blank, invalid = parsed.blank & ~excel, invalid & ~excel
        values = values.mask(excel)
    if invalid.any():
        problems += _row_problems(label, text[invalid], column.name, parsed.describe, parsed.same)
    invalid = invalid | excel
    if parsed.dated is not None and parsed.dated.any():
        dated = text[parsed.dated & ~invalid]
        more = f"; so were {len(dated) - 1:,} more dates in this column" if len(dated) > 1 else ""
        message = f"{_quote(dated.iloc[0])} is a date; it was read as its month {values[dated.index[0]]}{more}"
        problems.append(Problem(label, int(dated.index[0]), column.name, message, "warning"))
    if column.required and parsed.blank.any():
        problems += _row_problems(
            label, text[parsed.blank], column.name,
            lambda v: "the cell is empty, but a value is required", "empty",
        )
    if column.has_range:
        outside = column.out_of_range(values.to_numpy())
        if outside.any():
            limits = column.range_text()
            problems += _row_problems(
                label, values[outside], column.name,
                lambda v: f"must be {limits}, got {_quote(v)}", f"not {limits}",
            )
            values, invalid = values.mask(outside), invalid | outside
    if reported is not None:
        invalid = invalid | reported
    if column.default is not None and values.hasnans:
        values = values.fillna(column.default)
    if values.dtype != column.dtype:
        values = values.astype(column.dtype)
    return values, invalid, problems


def _absent_column(column: Column, index: pd.Index) -> pd.Series:
    fill = np.nan if column.default is None else column.default
    return pd.Series(fill, index=index).astype(column.dtype)


def _type_table(
    spec: Table, raw: pd.DataFrame, label: str
) -> tuple[pd.DataFrame, dict[str, np.ndarray], list[Problem]]:
    """The typed table (index = user row numbers), its invalid cells by column, the problems."""
    problems = _check_columns(spec, raw.columns, label)
    columns, invalid = {}, {}
    for column in spec.columns:
        if column.name in raw.columns:
            reported = raw.attrs.get("reported", {}).get(column.name)
            reported = raw.index.isin(reported) if reported is not None else None
            columns[column.name], invalid[column.name], found = _type_column(raw[column.name], column, label, reported)
            problems += found
        else:
            columns[column.name] = _absent_column(column, raw.index)
            invalid[column.name] = np.zeros(len(raw), dtype=bool)
    for column in spec.columns:
        if column.default_from:
            columns[column.name] = columns[column.name].fillna(columns[column.default_from])
    typed = pd.DataFrame(columns, index=raw.index)
    if spec.required and typed.empty:
        problems.append(Problem(label, None, None, "the table has no rows of data"))
    elif typed.empty and spec.enables:
        problems.append(Problem(label, None, None, "the table has no rows of data, so these are not evaluated: "
                                                   f"{spec.enables}", "warning"))
    return typed, invalid, problems


# =========================================================================== checks


def _check_unique(
    frame: pd.DataFrame, key: tuple[str, ...], label: str, severity: str = "error"
) -> list[Problem]:
    """Rows repeating a key already used by an earlier row (rows with an empty key part skip)."""
    key = list(key)
    repeated = frame.duplicated(subset=key, keep="first").to_numpy()
    if not repeated.any():
        return []
    complete = frame[key].notna().all(axis=1).to_numpy()
    rows = frame.loc[complete, key]
    repeated = repeated[complete]
    first_row = pd.Series(rows.index, index=rows.index).groupby([rows[k] for k in key]).transform("min")
    bad = rows[repeated].assign(_first=first_row[repeated])
    if len(key) == 1:
        names = frame["name"] if "name" in frame and key[0] != "name" else None
        if names is not None:       # the names of both rows, where they differ: two firms, not a copy
            bad = bad.assign(_name=names.reindex(bad.index).to_numpy(),
                             _first_name=names.reindex(bad["_first"]).to_numpy())

        def describe(r: dict) -> str:
            text = f"{_quote(r[key[0]])} appears more than once (first in row {r['_first']})"
            here, there = r.get("_name"), r.get("_first_name")
            if isinstance(here, str) and isinstance(there, str) and here != there:
                text = (f"{_quote(r[key[0]])} appears more than once (first in row {r['_first']} as {_quote(there)}, "
                        f"here as {_quote(here)}): one firm listed twice, or two firms sharing one id?")
            return text
        column = key[0]
    else:
        def describe(r: dict) -> str:
            pair = " with ".join(f"{k} {_quote(r[k])}" for k in key)
            return f"{pair} appears more than once (first in row {r['_first']})"
        column = None
    return _row_problems(label, bad, column, describe, "a repeated " + " and ".join(key), severity)


def _isin(values: pd.Series, targets: pd.Series) -> pd.Series:
    """``values.isin(targets)`` for text columns, through pyarrow.

    pandas' own ``isin`` on arrow-backed strings converts the target set one value at a time,
    which costs seconds for 100k firm ids; pyarrow's ``is_in`` costs milliseconds.
    """
    haystack = pa.array(values, from_pandas=True)
    if pa.types.is_null(haystack.type):  # nothing but missing values
        return pd.Series(False, index=values.index)
    needles = pa.array(targets.dropna(), from_pandas=True).cast(haystack.type)
    found = pc.is_in(haystack, value_set=needles).fill_null(False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def _check_reference(frame: pd.DataFrame, ref: Reference, targets: pd.Series, label: str) -> list[Problem]:
    """Unknown ids, each distinct value once: at its first row, with the other rows it is in and
    their count, so that twenty rows of one unknown value do not hide seven other values."""
    values = frame[ref.column]
    unknown = values[values.notna() & ~_isin(values, targets)]
    if not len(unknown):
        return []
    codes, uniques = pd.factorize(unknown)              # in the order of first appearance
    counts = np.bincount(codes)
    shown = min(len(uniques), ROW_LIMIT)
    hint = _reference_hints(pd.Series(uniques[:shown]), targets)
    rows = unknown.index.to_numpy()
    problems = []
    for k in range(shown):                               # at most ROW_LIMIT values, not rows
        where = rows[codes == k]
        value = uniques[k]
        text = f"{_quote(value)} is not a {ref.target} in {ref.table}" + hint.get(value, "")
        if len(where) > 1:
            more = ", ".join(str(int(r)) for r in where[1:4])
            rest = f" and {len(where) - 4:,} more" if len(where) > 4 else ""
            text += (f"; also in row {more}" if len(where) == 2
                     else f"; also in rows {more}{rest} ({len(where):,} rows in all)")
        problems.append(Problem(label, int(where[0]), ref.column, text))
    if len(uniques) > shown:
        others = int(counts[shown:].sum())
        problems.append(Problem(label, None, ref.column,
                                f"... and {len(uniques) - shown:,} more values that are not a {ref.target} in "
                                f"{ref.table} ({others:,} rows)"))
    return problems


#: Stock-exchange suffixes of listed firms' codes (Shanghai, Shenzhen, Beijing, Hong Kong).
EXCHANGE_SUFFIX = re.compile(r"\.(SH|SS|SZ|BJ|HK)$", re.IGNORECASE)


def _reference_hints(unknown: pd.Series, targets: pd.Series) -> dict[str, str]:
    """For the unknown ids shown: a known id that differs only in case, or only by the leading
    zeros Excel drops from an id it takes for a number (``'1'`` for ``'001'``)."""
    wanted = set(unknown.dropna())
    known = targets.dropna().astype(str)
    by_case = {}
    lower = {w.lower() for w in wanted}
    for target in known[known.str.lower().isin(lower)]:
        by_case.setdefault(target.lower(), target)
    digits = {w for w in wanted if w.isdigit()}
    by_zeros = {}
    if digits:
        numeric = known[known.str.fullmatch(r"\d+").fillna(False)]
        for target in numeric[numeric.str.lstrip("0").isin({d.lstrip("0") for d in digits})]:
            by_zeros.setdefault(target.lstrip("0"), target)
    bare = known.str.replace(EXCHANGE_SUFFIX, "", regex=True).str.upper()
    by_suffix = dict(zip(bare[bare.isin({EXCHANGE_SUFFIX.sub("", w).upper() for w in wanted})], known[
        bare.isin({EXCHANGE_SUFFIX.sub("", w).upper() for w in wanted})]))
    hints = {}
    for value in wanted:
        stem = EXCHANGE_SUFFIX.sub("", value).upper()
        if (match := by_suffix.get(stem)) and match != value and match.lower() != value.lower():
            hints[value] = (f" (did you mean {match!r}? the stock-exchange suffix such as .SZ or .SH is "
                            "written in one table and not in the other: write the codes the same way in every table)")
        elif (match := by_case.get(value.lower())) and match != value:
            hints[value] = f" (did you mean {match!r}? ids must match in upper and lower case)"
        elif value in digits and (match := by_zeros.get(value.lstrip("0"))) and match != value:
            hints[value] = (f" (did you mean {match!r}? Excel drops the leading zeros of an id it takes "
                            "for a number: format the column as text)")
    return hints


def _cycle_members(parent: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Which of the ``candidates`` (nodes no root reaches) lie on a parent_id cycle.

    Each node has one parent, so repeatedly dropping the candidates that no remaining
    candidate names as its parent leaves exactly the cycles.
    """
    remaining = candidates & (parent >= 0)
    while True:
        named = np.zeros(len(parent), dtype=bool)
        named[parent[remaining]] = True
        kept = remaining & named
        if (kept == remaining).all():
            return kept
        remaining = kept


def _check_tree(nodes: pd.DataFrame, label: str) -> list[Problem]:
    """Exactly one root, and no node that is its own ancestor."""
    nodes = nodes[nodes["node_id"].notna() & ~nodes["node_id"].duplicated()]
    problems = []
    roots = nodes["node_id"][nodes["parent_id"].isna()]
    if roots.empty:
        message = "the tree has no root: exactly one node (the chain itself) must have an empty parent_id"
        problems.append(Problem(label, None, "parent_id", message))
    elif len(roots) > 1:
        shown = ", ".join(f"{_quote(n)} (row {r})" for r, n in roots.iloc[:5].items())
        more = f" and {len(roots) - 5:,} more" if len(roots) > 5 else ""
        message = (
            f"the tree has {len(roots):,} roots: {shown}{more}; exactly one node "
            "(the chain itself) may have an empty parent_id"
        )
        problems.append(Problem(label, None, "parent_id", message))
    parent = _parent_positions(nodes)
    on_cycle = _cycle_members(parent, np.isnan(_depths(parent, nodes["parent_id"].isna().to_numpy())))
    cycle = nodes[on_cycle]
    cycle = pd.DataFrame({"node_id": cycle["node_id"], "self": cycle["node_id"] == cycle["parent_id"]})

    def describe(r: dict) -> str:
        if r["self"]:
            return f"node {_quote(r['node_id'])} is its own parent"
        return (
            f"node {_quote(r['node_id'])} is its own ancestor: "
            "following parent_id from it comes back to it"
        )

    problems += _row_problems(label, cycle, "parent_id", describe, "part of a cycle")
    return problems


def _fill_shares(links: pd.DataFrame, label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Fill blank shares and rescale each firm's shares to sum to 1 (warning when off).

    A blank share gets an equal part of what the firm's given shares leave (all blank: 1/n).
    A firm whose shares sum to 0 gets equal shares. Per-firm sums are ``np.bincount`` over
    the firm codes; rows without a firm_id (reported elsewhere) form one extra group.
    """
    codes, firms = pd.factorize(links["firm_id"])
    group = np.where(codes < 0, len(firms), codes)
    size = len(firms) + 1

    def per_firm(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(group, weights=weights, minlength=size)

    share = links["share"].to_numpy(dtype="float64")
    blank = np.isnan(share)
    left = np.clip(1 - per_firm(np.where(blank, 0, share)), 0, None)
    filled = np.where(blank, (left / np.maximum(per_firm(blank.astype(float)), 1))[group], share)
    total, count = per_firm(filled), per_firm()
    with np.errstate(divide="ignore", invalid="ignore"):
        rescaled = np.where(total[group] > 0, filled / total[group], 1 / count[group])

    first_of_firm = np.zeros(len(links), dtype=bool)
    first_of_firm[np.unique(group, return_index=True)[1]] = True
    off = first_of_firm & (codes >= 0) & (np.abs(total - 1) > SHARE_TOLERANCE)[group]
    bad = pd.DataFrame({"firm": links["firm_id"], "total": total[group]})[off]

    def describe(r: dict) -> str:
        if r["total"] <= 0:
            return f"the shares of firm {_quote(r['firm'])} sum to 0; its nodes were given equal shares"
        return (
            f"the shares of firm {_quote(r['firm'])} sum to {r['total']:.4g}, not 1; "
            "they were rescaled to sum to 1"
        )

    problems = _row_problems(label, bad, "share", describe, "shares not summing to 1, rescaled", "warning")
    return links.assign(share=rescaled), problems


def _check_firm_status(firms: pd.DataFrame, invalid: dict[str, np.ndarray], label: str) -> list[Problem]:
    """Warn when status and exit_month disagree (a bad exit_month was reported already)."""
    status = firms["status"].to_numpy(dtype=object)
    has_month = firms["exit_month"].notna().to_numpy()
    active_with_exit = firms["exit_month"][(status == "active") & has_month]
    exited_no_month = firms["firm_id"][(status == "exited") & ~has_month & ~invalid["exit_month"]]
    return _row_problems(
        label, active_with_exit, "exit_month",
        lambda v: f"exit_month is {_quote(v)} but status is 'active'; "
        "set status to exited or clear exit_month",
        "exit_month set on an active firm", "warning",
    ) + _row_problems(
        label, exited_no_month, "exit_month",
        lambda v: "status is 'exited' but exit_month is empty",
        "exited firm without exit_month", "warning",
    )


def _check_self_links(frame: pd.DataFrame, label: str, what: str) -> list[Problem]:
    same = frame["source"][frame["source"].notna() & (frame["source"] == frame["target"])]
    return _row_problems(
        label, same, "target",
        lambda v: f"source and target are the same {what} {_quote(v)}",
        f"{what} linked to itself", "warning",
    )


def _check_candidate_names(candidates: pd.DataFrame, label: str) -> list[Problem]:
    """Warn when rows of one candidate firm give it different names."""
    firm = candidates["firm_id"]
    codes = pd.factorize(firm)[0]  # firms numbered in order of first appearance; -1: no firm_id
    first_row = np.flatnonzero((~firm.duplicated() & firm.notna()).to_numpy())  # indexed by code
    names = candidates["name"].to_numpy(dtype=object)
    first_name = np.where(codes >= 0, names[first_row[codes]] if len(first_row) else None, None)
    differs = (codes >= 0) & pd.notna(names) & pd.notna(first_name) & (names != first_name)
    bad = pd.DataFrame({"firm_id": candidates["firm_id"], "name": names, "first": first_name})[differs]
    return _row_problems(
        label, bad, "name",
        lambda r: f"candidate {_quote(r['firm_id'])} is called {_quote(r['name'])} here "
        f"but {_quote(r['first'])} in an earlier row",
        "a candidate with two names", "warning",
    )


def _check_table(
    name: str, frame: pd.DataFrame, invalid: dict[str, np.ndarray], label: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Checks within one table (keys and table-specific rules); returns the completed frame.

    ``invalid`` flags the cells that already had an error, so they are not blamed twice.
    """
    spec = TABLES[name]
    problems = _check_unique(frame, spec.key, label) if spec.key else []
    if name == "chain_nodes":
        problems += _check_tree(frame, label) if len(frame) else []
    elif name == "chain_edges":
        problems += _check_unique(frame, ("source", "target"), label, "warning")
        problems += _check_self_links(frame, label, "node")
    elif name == "firms":
        problems += _check_firm_status(frame, invalid, label)
    elif name == "firm_nodes":
        frame, found = _fill_shares(frame, label)
        problems += found
    elif name == "flows":
        problems += _check_self_links(frame, label, "firm")
    elif name == "candidates":
        problems += _check_candidate_names(frame, label)
    return frame, problems


# =========================================================================== chain_nodes


# =========================================================================== settings


def validate_settings(
    raw: dict, default_name: str, label: str = "workspace.yaml", kpi_metrics: Iterable[str] | None = None
) -> tuple[Settings, list[Problem]]:
    """The typed settings of a ``workspace.yaml`` document and every problem found in it; see
    :func:`ecolib.workspace.settings.read_settings` (unknown keys are warnings, errors keep the default).

    Parameters
    ----------
    raw : dict
        The document.
    default_name : str
        The workspace name when ``raw`` has none (the folder name).
    label : str
        The settings file, as problems name it.
    kpi_metrics : iterable of str, optional
        The metric names of the kpis table (a rule on a metric nobody reports is a warning).

    Returns
    -------
    settings : Settings
    problems : list of Problem
    """
    return read_settings(raw, default_name=default_name, label=label, kpi_metrics=kpi_metrics)


SETTINGS_MAX_BYTES = 1_000_000  # a settings file is a few lines; anything bigger is refused unread
SETTINGS_MAX_VALUES = 10_000  # values in workspace.yaml, YAML aliases expanded (a "billion laughs" stops here)


def _yaml_problems(root: yaml.Node, label: str) -> list[Problem]:
    """What the composed YAML document must not be: more than ``SETTINGS_MAX_VALUES`` values
    once aliases are expanded (one message), or a key given twice in one mapping (YAML keeps the
    last silently; one message per repeated key naming both lines).

    Aliases are allowed for reuse (``action: *remediate``), but each use counts: the walk stops
    as soon as the limit is passed, so an alias bomb costs a few thousand steps.
    """
    problems: list[Problem] = []
    count, seen, aliased = 0, set(), False
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        count += 1
        if count > SETTINGS_MAX_VALUES:
            how = " once its YAML aliases (*name) are expanded" if aliased else ""
            message = (f"the file holds more than {SETTINGS_MAX_VALUES:,} values{how}; settings are a few "
                       "lines: write them out in full, without aliases")
            return [Problem(label, None, None, message)]
        if id(node) in seen:
            aliased = True  # a node met again: an alias (its keys were checked the first time)
        if isinstance(node, yaml.MappingNode):
            lines: dict[str, int] = {}
            for position, (key, value) in enumerate(node.value):
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                inner = f"{path}.{name}" if path and name is not None else (name if name is not None else path)
                if id(node) not in seen and name is not None and name != "<<":
                    line = key.start_mark.line + 1
                    if name in lines:
                        message = (f"given twice (lines {lines[name]} and {line}); only the last would count: "
                                   "delete the one you do not mean")
                        problems.append(Problem(label, line, _clip(inner), message))
                    else:
                        lines[name] = line
                stack.append((value, inner))
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, f"{path}[{n}]" if path else f"[{n}]") for n, item in enumerate(node.value, 1)]
        seen.add(id(node))
    return sorted(problems, key=lambda p: p.row)


def _load_yaml(text: str, label: str) -> tuple[Any, list[Problem]]:
    """The settings document, or the one problem that stops it being read."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        problems = _yaml_problems(node, label) if node is not None else []
        if any(p.row is None for p in problems):  # too many values: do not build them
            return None, problems
        return (loader.construct_document(node) if node is not None else None), problems
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = _clip(getattr(exc, "problem", None) or str(exc), 200)
        row = mark.line + 1 if mark is not None else None
        if "'\\t'" in reason:
            reason += " (indent with spaces, not tabs)"
        return None, [Problem(label, row, None, f"not valid YAML: {reason}")]
    except RecursionError:
        return None, [Problem(label, None, None, "the settings are nested too deeply to be read (lists inside "
                                                 "lists, hundreds deep); settings are a few plain lines")]
    except ValueError as exc:  # PyYAML's int() of a number with thousands of digits
        return None, [Problem(label, None, None, f"a value cannot be read: {_clip(str(exc), 120)}")]
    finally:
        loader.dispose()


def _read_settings(folder: Path) -> tuple[dict | None, str, list[Problem]]:
    """The ``workspace.yaml`` document of ``folder`` (None when there is none or it cannot be
    read), the file's name as problems name it, and the problems of the file itself."""
    root = folder.resolve()
    found = [folder / name for name in SETTINGS_FILES if (folder / name).exists() or (folder / name).is_symlink()]
    if len(found) > 1:
        message = f"settings are given twice ({', '.join(p.name for p in found)}); keep only one"
        return None, found[0].name, [Problem(found[0].name, None, None, message)]
    if not found:
        return {}, SETTINGS_FILES[0], []
    label = found[0].name
    if reason := _unsafe_file(found[0], root):
        return None, label, [Problem(label, None, None, f"not read: {reason}")]
    try:
        size = found[0].stat().st_size
        if size > SETTINGS_MAX_BYTES:
            message = (f"the file is {size / 1e6:,.1f} MB, too big for settings (at most "
                       f"{SETTINGS_MAX_BYTES / 1e6:g} MB): it is not read; keep only the settings in it")
            return None, label, [Problem(label, None, None, message)]
        text, _ = decode_text(found[0].read_bytes())
    except OSError as exc:
        return None, label, [Problem(label, None, None, f"the file cannot be opened: {exc.strerror}")]
    if text is None:
        return None, label, [Problem(label, None, None, "the file is neither UTF-8 nor GB18030 text")]
    raw, problems = _load_yaml(text, label)
    if raw is None and problems:
        return None, label, problems
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        message = "expected `key: value` lines (e.g. `currency: CNY`) at the top level"
        return None, label, problems + [Problem(label, None, None, message)]
    return raw, label, problems


def _unsafe_file(path: Path, root: Path) -> str | None:
    """Why the loader must not read ``path``, a table or settings file of the workspace folder
    ``root`` (resolved); None when it may.

    A symbolic link is followed only to a file inside the folder: a link out of it (to another
    client's data, to ``/proc/self/environ``) is refused before anything is read, and its target
    is never named. Folders, pipes and devices named like a table are refused too.
    """
    try:
        target = path.resolve()
        if not target.is_relative_to(root):
            return ("it is a link to a file outside the workspace folder, and such files are never read; "
                    "copy the file into the folder instead")
        if not target.exists():
            return "it is a link to a file that does not exist"
        if target.is_dir():
            return "it is a folder, not a file"
        if not target.is_file():
            return "it is not a regular file (a pipe, a socket or a device)"
    except (OSError, RuntimeError):  # a loop of links, a name the system rejects
        return "it is a link that leads nowhere (a loop of links)"
    return None


# =========================================================================== workspace


def month_coverage(months: Iterable[str]) -> dict:
    """First and last month, how many distinct months, and the months missing in between."""
    present = sorted({m for m in months if isinstance(m, str)})
    if not present:
        return {"first": None, "last": None, "count": 0, "missing": []}
    every = pd.period_range(present[0], present[-1], freq="M").strftime("%Y-%m")
    return {
        "first": present[0],
        "last": present[-1],
        "count": len(present),
        "missing": sorted(set(every) - set(present)),
    }


@dataclass
class Workspace:
    """A loaded, validated workspace: settings and typed tables (see data/README.md).

    Tables are also attributes: ``ws.flows`` is ``ws.tables['flows']``. Optional tables that
    were not given are empty DataFrames with every column.
    """

    path: Path
    name: str
    settings: Settings
    tables: dict[str, pd.DataFrame] = field(repr=False)
    warnings: list[Problem] = field(default_factory=list, repr=False)

    @property
    def chain_nodes(self) -> pd.DataFrame:
        """The chain tree, with the derived columns of :func:`add_node_columns`."""
        return self.tables["chain_nodes"]

    @property
    def chain_edges(self) -> pd.DataFrame:
        return self.tables["chain_edges"]

    @property
    def firms(self) -> pd.DataFrame:
        return self.tables["firms"]

    @property
    def firm_nodes(self) -> pd.DataFrame:
        """Firm × node links; shares filled and summing to 1 per firm."""
        return self.tables["firm_nodes"]

    @property
    def flows(self) -> pd.DataFrame:
        return self.tables["flows"]

    @property
    def kpis(self) -> pd.DataFrame:
        return self.tables["kpis"]

    @property
    def benchmarks(self) -> pd.DataFrame:
        return self.tables["benchmarks"]

    @property
    def candidates(self) -> pd.DataFrame:
        return self.tables["candidates"]

    @property
    def sector_map(self) -> pd.DataFrame:
        return self.tables["sector_map"]

    def months(self) -> list[str]:
        """Sorted distinct months present in flows and kpis."""
        return sorted(set(self.flows["month"].dropna().unique()) | set(self.kpis["month"].dropna().unique()))

    def summary(self) -> dict:
        """Row counts, month coverage (overall and per table), firm counts, the optional tables
        with no rows (and what they would enable) and how many local firms report each figure
        of ``firms`` that may be left blank."""
        firms = self.firms
        return {
            "name": self.name,
            "tables": {name: len(frame) for name, frame in self.tables.items()},
            "months": month_coverage(self.months()),
            "months_by_table": {
                table: month_coverage(self.tables[table]["month"].dropna().unique()) for table in ("flows", "kpis")
            },
            "firms": {
                "total": len(firms),
                "local": int(firms["local"].sum()),
                "external": int((~firms["local"]).sum()),
                "active": int((firms["status"] == "active").sum()),
                "exited": int((firms["status"] == "exited").sum()),
            },
            # optional tables with no rows (not given, or given empty): what they would enable
            "not_given": {name: spec.enables for name, spec in TABLES.items()
                          if not spec.required and spec.enables and self.tables[name].empty},
            # columns of firms some report and others may not: local firms with a value
            "reported": {column.name: int(firms.loc[firms["local"], column.name].notna().sum())
                         for column in TABLES["firms"].columns if column.enables and column.default is None},
            "warnings": len(self.warnings),
        }


def validate_workspace(path: str | Path) -> tuple[Workspace | None, list[Problem]]:
    """Load and check the workspace at ``path``; never raises for bad input.

    Returns ``(workspace, problems)``; the workspace is None when any problem is an error.
    Problems come in the order found: settings, files, then table by table.
    """
    folder = Path(path)
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        return None, [Problem(str(path), None, None, f"the workspace folder {what}")]
    default_name = folder.resolve().name
    raw_settings, settings_label, problems = _read_settings(folder)
    file_problems = len(problems)  # the settings file's own problems come first
    raw, unreadable, found = _read_tables(folder)
    problems += found.problems

    tables: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    broken: set[tuple[str, str]] = set()  # (table, column) with cells that had an error
    given: dict[str, set[str]] = {}        # the columns each table's file has
    for name, spec in TABLES.items():
        if name in raw:
            labels[name], frame = raw.pop(name)         # the text table is dropped once typed
            given[name] = set(frame.columns)
            frame, invalid, typed_problems = _type_table(spec, frame, labels[name])
            broken |= {(name, column) for column, bad in invalid.items() if bad.any()}
            tables[name], checked = _check_table(name, frame, invalid, labels[name])
            problems += typed_problems + checked
        else:
            if spec.required and name not in unreadable and not found.book_failed:
                message = (
                    f"the required table {name} is missing: add {name}.csv, {name}.parquet "
                    f"or a sheet named {name} in {WORKBOOK}"
                ) + _missing_table_hint(name, found)
                problems.append(Problem(name, None, None, message))
            tables[name] = schema.empty_table(name)
    problems += _check_references(tables, labels, broken)
    problems += _check_months(tables, labels)
    problems += _check_empty_columns(tables, labels, given, broken)
    # workspace.yaml, every key checked (DESIGN.md §3, §7): after the tables, so that a rule on a
    # metric the kpis table does not report is named; its problems come first, after the file's
    kpis = tables.get("kpis")
    kpi_metrics = set(kpis["metric"].dropna().astype(str).unique()) if kpis is not None and "metric" in kpis else None
    settings, settings_problems = read_settings(raw_settings, default_name=default_name, label=settings_label,
                                                kpi_metrics=kpi_metrics)
    if raw_settings is not None:
        problems[file_problems:file_problems] = settings_problems
    problems = _cap_per_key(problems)

    if any(p.is_error for p in problems):
        return None, problems
    tables["chain_nodes"] = add_node_columns(tables["chain_nodes"])
    tables = {name: frame.reset_index(drop=True) for name, frame in tables.items()}
    workspace = Workspace(folder, settings.name, settings, tables, problems)
    release_memory()                                    # the reading's copies, kept by the allocators
    return workspace, problems


def release_memory() -> None:
    """Give the memory freed by large temporary tables back to the operating system.

    Arrow's allocator and the C library's keep freed blocks for reuse; after reading a big
    workspace (text copies of every column) or a step that made large temporary arrays, they
    can hold hundreds of megabytes that later steps do not reuse, counted in the resident
    memory on top of what is live. This asks both to return what they hold free (Arrow's
    ``release_unused``; glibc's ``malloc_trim`` where the C library is glibc). Nothing else
    changes; it takes milliseconds.

    Examples
    --------
    >>> release_memory()
    """
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library or system)."""
    try:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return None


def _cap_per_key(problems: list[Problem]) -> list[Problem]:
    """The problems of workspace.yaml with at most ``ROW_LIMIT`` per top-level key and severity
    (a list of ten thousand broken rules gives twenty messages and a count); others untouched."""
    kept, extra = [], {}
    shown: dict[tuple[str, str, str], int] = {}
    for problem in problems:
        if not problem.file.endswith((".yaml", ".yml")) or problem.column is None:
            kept.append(problem)
            continue
        group = (problem.file, re.split(r"[.\[]", problem.column, maxsplit=1)[0], problem.severity)
        shown[group] = shown.get(group, 0) + 1
        if shown[group] <= ROW_LIMIT:
            kept.append(problem)
        else:
            extra[group] = extra.get(group, 0) + 1
    for (file, key, severity), count in extra.items():
        what = "problems" if severity == "error" else "warnings"
        kept.append(Problem(file, None, key, f"... and {count:,} more {what} under this key", severity))
    return kept


def _check_empty_columns(tables: dict[str, pd.DataFrame], labels: dict[str, str],
                         given: dict[str, set[str]], broken: set[tuple[str, str]] = frozenset()) -> list[Problem]:
    """One warning per column the file has but that holds no value in any row (for firms: in any
    row of the park's own firms, since outside firms rarely carry output or area), naming what
    it disables. A column left out altogether is the workspace's choice and not warned about."""
    problems = []
    for name, label in labels.items():
        frame = tables[name]
        if not len(frame):
            continue
        if name == "firms" and "local" in frame:
            frame = frame[frame["local"].fillna(True).astype(bool)]
            if not len(frame):
                continue
        whose = " of the park's own firms" if name == "firms" else ""
        for column in TABLES[name].columns:
            if (column.enables and column.name in given.get(name, ()) and (name, column.name) not in broken
                    and frame[column.name].isna().all()):
                problems.append(Problem(label, None, column.name,
                                        f"no row{whose} has a value: {column.enables} will show as not reported",
                                        "warning"))
    return problems


def _check_references(
    tables: dict[str, pd.DataFrame], labels: dict[str, str], broken: set[tuple[str, str]] = frozenset()
) -> list[Problem]:
    """Unknown ids across tables; skipped when the referenced table was not read, or when some
    of its ids had an error (reported already: an id lost that way would be blamed everywhere)."""
    problems = []
    for name, label in labels.items():
        for ref in TABLES[name].references:
            if ref.table in labels and (ref.table, ref.target) not in broken:
                problems += _check_reference(tables[name], ref, tables[ref.table][ref.target], label)
    return problems


def _month_numbers(months: pd.Series) -> np.ndarray:
    """``YYYY-MM`` texts as month counts (year × 12 + month − 1), NaN where missing; computed
    on the distinct months only."""
    codes, uniques = pd.factorize(months)
    numbers = np.array([np.nan] + [int(m[:4]) * 12 + int(m[5:7]) - 1 for m in uniques], dtype="float64")
    return numbers[codes + 1]


def _month_text(number: float) -> str:
    return f"{int(number) // 12:04d}-{int(number) % 12 + 1:02d}"


def current_month() -> str:
    """This computer's calendar month, ``YYYY-MM``: only for the warning about months after it."""
    return dt.date.today().strftime("%Y-%m")


def _check_months(tables: dict[str, pd.DataFrame], labels: dict[str, str]) -> list[Problem]:
    """Months that cannot be right: a mistyped year, a month after today.

    The months of flows and kpis are split where two consecutive months lie more than
    ``MONTH_GAP`` months apart; the part with the most months (then rows) is the data. Rows in a
    part after it are errors (2099-01, 2062-10 for 2026-10), in a part before it warnings (the
    data may really have a hole). An exit_month more than ``MONTH_GAP`` months after the data is
    an error. Every other month after this computer's current month is a warning. The error rule
    does not depend on the date, so a workspace that loads today loads the same way later.
    """
    columns = [(name, "month") for name in ("flows", "kpis") if name in labels]
    numbers = {name: _month_numbers(tables[name][col]) for name, col in columns}
    present = np.concatenate([n[~np.isnan(n)] for n in numbers.values()]) if numbers else np.array([])
    if not len(present):
        return []
    months, counts = np.unique(present, return_counts=True)
    breaks = np.flatnonzero(np.diff(months) > schema.MONTH_GAP) + 1
    parts = np.split(np.arange(len(months)), breaks)
    body = max(parts, key=lambda p: (len(p), counts[p].sum(), -p[0]))
    first, last = months[body[0]], months[body[-1]]
    span = f"{_month_text(first)} to {_month_text(last)}"
    now = _month_numbers(pd.Series([current_month()]))[0]
    problems = []
    for name, column in columns + ([("firms", "exit_month")] if "firms" in labels else []):
        number = numbers.get(name) if column == "month" else _month_numbers(tables[name][column])
        month = tables[name][column]
        # a month after the data lies in a later part, so more than MONTH_GAP after its last month
        after = number > (last + schema.MONTH_GAP if column == "exit_month" else last)
        before = number < first if column == "month" else np.zeros(len(number), dtype=bool)
        far = pd.Series(number - last, index=month.index)[after]
        problems += _row_problems(
            labels[name], pd.DataFrame({"m": month[after], "gap": far}), column,
            lambda r: f"{_quote(r['m'])} lies {int(r['gap']):,} months after the rest of the data ({span}); "
            "is the year mistyped?", "a month far after the rest of the data",
        )
        ahead = pd.Series(first - number, index=month.index)[before]
        problems += _row_problems(
            labels[name], pd.DataFrame({"m": month[before], "gap": ahead}), column,
            lambda r: f"{_quote(r['m'])} lies {int(r['gap']):,} months before the rest of the data ({span}); "
            "is the year mistyped?", "a month far before the rest of the data", "warning",
        )
        future = (number > now) & ~after
        problems += _row_problems(
            labels[name], month[future], column,
            lambda v: f"{_quote(v)} is after the current month ({current_month()}, by this computer's clock)",
            "a month after the current month", "warning",
        )
    return problems


def load_workspace(path: str | Path) -> Workspace:
    """Load the workspace at ``path``; raise :class:`WorkspaceError` listing every problem."""
    workspace, problems = validate_workspace(path)
    if workspace is None:
        raise WorkspaceError(problems, Path(path).resolve().name or str(path))
    return workspace
