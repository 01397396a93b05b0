"""The Excel template a park office fills in: ``workspace.xlsx`` with one sheet per table.

Everything in it comes from the contract (:mod:`ecolib.contract.schema`) and is shown in one
language: the sheet names (a table's name in English, its first Chinese alias in Chinese:
``企业``), the headers (the column's name, or its first Chinese header: ``企业编号``; ``*`` before
the required ones, which the loader ignores), the drop-down lists of the categories and of
yes/no (the allowed values, or their first Chinese aliases: ``上游``, ``在园``, ``是``), the units
and the example rows (each table's ``example``, marked in a last column headed ``example`` /
``示例`` that the loader reads as "ignore this row", :data:`~ecolib.contract.schema.EXAMPLE_HEADERS`).
The first sheet explains every table and column; the English texts are the contract's own,
the Chinese ones live in ``i18n/zh/template.yaml``. A hidden last sheet holds the lists the
drop-downs draw on; the loader skips both (:data:`~ecolib.contract.schema.NOTE_SHEETS`).

As written, the workbook validates with one message per required table that has no rows (and
a warning per sheet naming the example rows it ignored); filled in, it loads like the same
tables written as CSV files.
"""
from __future__ import annotations

import csv
import functools
import io
import unicodedata
from pathlib import Path
from typing import Any

from ecolib.contract import schema
from ecolib.contract.schema import TABLES, Column, Table
from ecolib.presentation.i18n import LANGS, t
from ecolib.workspace.load import WORKBOOK

__all__ = ["WORKBOOK", "template_workbook", "write_template", "sheet_name", "header_text", "choices"]

#: Excel's last row: the drop-downs and text formats cover each column below its header.
LAST_ROW = 1_048_576

_HEADER_FILL, _REQUIRED_FILL, _TITLE_FILL = "DDEBF7", "FCE4D6", "BDD7EE"
_EXAMPLE_FONT = {"italic": True, "color": "808080"}


def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")


def _in(lang: str, english: str, others: tuple[str, ...]) -> str:
    """A contract name in ``lang``: itself in English, its first Chinese synonym in Chinese."""
    _check(lang)
    if lang == "en":
        return english
    return next(o for o in others if not o.isascii())


def sheet_name(table: str, lang: str = "en") -> str:
    """The sheet of ``table`` in the template: its name, or its first Chinese alias.

    Examples
    --------
    >>> sheet_name("firms"), sheet_name("firms", "zh"), sheet_name("chain_nodes", "zh")
    ('firms', '企业', '产业链节点')
    """
    return _in(lang, table, TABLES[table].aliases)


def header_text(table: str, column: str, lang: str = "en") -> str:
    """The header of a column in the template: its name or first Chinese header, after a ``*``
    when the column is required (the loader reads both with or without it).

    Examples
    --------
    >>> header_text("firms", "firm_id"), header_text("firms", "firm_id", "zh"), header_text("firms", "zone", "zh")
    ('*firm_id', '*企业编号', '片区')
    """
    col = TABLES[table].column(column)
    return ("*" if col.required else "") + _in(lang, col.name, col.headers)


def _marker(lang: str) -> str:
    return _in(lang, schema.EXAMPLE_HEADERS[0], schema.EXAMPLE_HEADERS[1:])


@functools.cache
def _sector_names(lang: str) -> tuple[tuple[str, str], ...]:
    from ecolib.datasets.china_io import load_china_io

    table = load_china_io()
    names = table.names_en if lang == "en" else table.names_zh
    return tuple((code, str(names[code])) for code in table.x.index)


def _sectors(lang: str) -> dict[str, str]:
    """Sector code → its name in ``lang`` (the shipped national table's)."""
    return dict(_sector_names(lang))


def choices(column: Column, lang: str = "en") -> dict[str, Any]:
    """What a cell of a category or yes/no column may read in ``lang`` → the contract's value:
    the drop-down list of the column. A category shows its allowed values (Chinese: each
    value's first Chinese alias), a sector its name, yes/no the words of ``common.yes``/``no``.

    Examples
    --------
    >>> from ecolib.contract.schema import TABLES
    >>> list(choices(TABLES["chain_nodes"].column("stage"), "zh"))
    ['上游', '中游', '下游', '服务']
    >>> choices(TABLES["firms"].column("anchor"), "zh")
    {'是': True, '否': False}
    """
    if column.kind == "bool":
        return {t("common.yes", lang): True, t("common.no", lang): False}
    if column.allowed == schema.NATIONAL_SECTORS:
        return {name: code for code, name in _sectors(lang).items()}
    if lang == "en":
        return {value: value for value in column.allowed}
    chinese = {}
    for alias, value in column.aliases:
        if not alias.isascii():
            chinese.setdefault(value, alias)
    return {chinese[value]: value for value in column.allowed}


def _shown(column: Column, value: Any, lang: str) -> Any:
    """A contract value as the template shows it (categories and yes/no in ``lang``)."""
    if column.kind in ("bool", "category") and value is not None:
        return {v: k for k, v in choices(column, lang).items()}[value]
    return value


def _examples(table: Table, lang: str) -> list[list[Any]]:
    """The table's example rows in the contract's column order, typed as cells: numbers as
    numbers, yes/no and categories in ``lang``, blanks as None. In Chinese the Chinese name
    of a row (``name_zh``) becomes its name, as a Chinese park writes it."""
    from ecolib.datasets.china_io import sector_code

    rows = list(csv.DictReader(io.StringIO(table.example)))

    def reader(col: Column) -> Any:
        if col.kind == "bool":
            return lambda text: text.lower() in schema.TRUE_WORDS
        if col.allowed == schema.NATIONAL_SECTORS:
            return sector_code
        if col.kind == "category":
            return lambda text: col.alias_map[text.lower()]
        return float if col.kind in ("float", "int") else str

    read = {col.name: reader(col) for col in table.columns}
    out = []
    for row in rows:
        if lang != "en":
            for col in table.columns:
                if col.default_from and col.name.endswith("_zh") and row.get(col.name):
                    row[col.default_from], row[col.name] = row[col.name], ""
        cells = []
        for col in table.columns:
            text = (row.get(col.name) or "").strip()
            value = read[col.name](text) if text else None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            cells.append(_shown(col, value, lang))
        out.append(cells)
    return out


def _number(value: float) -> str:
    return f"{value:g}"


def _range(column: Column, lang: str) -> str:
    lo, hi = column.minimum, column.maximum
    if lo is not None and hi is not None:
        key = "both_exclusive" if column.exclusive_minimum else "both"
        return t(f"template.range.{key}", lang, min=_number(lo), max=_number(hi))
    if lo is not None:
        return t(f"template.range.{'min_exclusive' if column.exclusive_minimum else 'min'}", lang, min=_number(lo))
    if hi is not None:
        return t("template.range.max", lang, max=_number(hi))
    return ""


def _text(key: str, fallback: str | None, lang: str) -> str:
    """A Chinese text of the catalogue, or in English the contract's own (its keys stay empty)."""
    return t(key, lang) or (fallback or "")


def _default(table: Table, column: Column, lang: str) -> str:
    if column.required:
        return t("template.default.required", lang)
    if column.default_doc:
        text = _text(f"template.derived.{table.name}.{column.name}", column.default_doc, lang)
        return t("template.default.derived", lang, text=text)
    if column.default_from:
        return t("template.default.copies", lang, column=header_text(table.name, column.default_from, lang).lstrip("*"))
    if column.default is None:  # a number left blank is "not reported"; a text, simply empty
        return t(f"template.default.{'blank' if column.kind in ('float', 'int') else 'optional'}", lang)
    value = _shown(column, column.default, lang)
    return t("template.default.value", lang, value=_number(value) if isinstance(value, float) else value)


def _values(column: Column, lang: str) -> str:
    if column.allowed == schema.NATIONAL_SECTORS:
        return t("template.values.sector", lang)
    if column.kind in ("bool", "category"):
        return t("template.joiner", lang).join(choices(column, lang))
    if column.kind == "month":
        return t("template.values.month", lang)
    return _range(column, lang)


def _width(text: Any) -> int:
    """How many columns of Excel's default font ``text`` takes (CJK characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _sheet_notes(table: Table, lang: str) -> str:
    """What the instructions say about a table: its description, what it enables, its key and
    references."""
    parts = [_text(f"template.tables.{table.name}.description", table.description, lang)]
    if not table.required and table.enables:
        what = _text(f"template.tables.{table.name}.enables", table.enables, lang)
        parts.append(t("template.enables", lang, what=what))
    header = lambda name, column: header_text(name, column, lang).lstrip("*")  # noqa: E731
    if len(table.key) == 1:
        parts.append(t("template.key_one", lang, column=header(table.name, table.key[0])))
    elif table.key:
        joined = t("template.joiner", lang).join(header(table.name, k) for k in table.key)
        parts.append(t("template.key_many", lang, columns=joined))
    for ref in table.references:
        parts.append(t("template.reference", lang, column=header(table.name, ref.column),
                       table=sheet_name(ref.table, lang), target=header(ref.table, ref.target)))
    return ("" if lang == "zh" else " ").join(p.replace("`", "") for p in parts)


def _instructions(book: Any, lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = book.create_sheet(_in(lang, "instructions", schema.NOTE_SHEETS["instructions"]))
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = (18, 22, 14, 30, 16, 70)
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w
    ws.append([t("template.title", lang)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append([t("template.general", lang)])
    ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
    required = t("template.joiner", lang).join(sheet_name(n, lang) for n in schema.REQUIRED_TABLES)
    notes = [
        t("template.notes.sheets", lang),
        t("template.notes.required", lang),
        t("template.notes.tables", lang, required=required),
        t("template.notes.examples", lang, marker=_marker(lang)),
        t("template.notes.dropdowns", lang),
        t("template.notes.ids", lang, firm_nodes=sheet_name("firm_nodes", lang), firms=sheet_name("firms", lang),
          chain_nodes=sheet_name("chain_nodes", lang)),
        t("template.notes.money", lang),
        t("template.notes.months", lang),
        t("template.notes.save", lang),
    ]
    line = sum(widths[1:])
    for i, note in enumerate(notes, 1):
        ws.append([f"{i}.", note])
        row = ws.max_row
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(widths))
        ws.cell(row, 1).alignment = ws.cell(row, 2).alignment = wrap
        ws.row_dimensions[row].height = 15 * (1 + _width(note) // line)   # merged cells never autofit
    ws.append([])
    ws.append([t("template.sheets", lang)])
    ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
    headings = [t(f"template.heading.{k}", lang) for k in ("column", "required", "type", "values", "unit", "description")]
    for table in TABLES.values():
        ws.append([])
        status = t(f"template.table_{'required' if table.required else 'optional'}", lang)
        ws.append([sheet_name(table.name, lang), status, None, None, None, _sheet_notes(table, lang)])
        row = ws.max_row
        for cell in ws[row]:
            cell.fill = PatternFill("solid", fgColor=_TITLE_FILL)
            cell.alignment = wrap
        ws.cell(row, 1).font = Font(bold=True)
        ws.row_dimensions[row].height = 15 * (1 + _width(ws.cell(row, 6).value) // widths[-1])
        ws.append(headings)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for col in table.columns:
            unit = t(f"template.unit.{col.unit}", lang) if col.unit else ""
            description = _text(f"template.columns.{table.name}.{col.name}", col.description, lang).replace("`", "")
            ws.append([header_text(table.name, col.name, lang), _default(table, col, lang),
                       t(f"template.kind.{col.kind}", lang), _values(col, lang), unit, description])
            for cell in ws[ws.max_row]:
                cell.alignment = wrap
            if col.required:
                ws.cell(ws.max_row, 1).fill = PatternFill("solid", fgColor=_REQUIRED_FILL)
    ws.freeze_panes = "A2"


def _lists(book: Any, lang: str) -> tuple[Any, dict[tuple[str, ...], str]]:
    """The hidden sheet of drop-down lists: one column per list (a list shared by several
    columns, such as yes/no, once); returns it and list values → the range formula."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    ws = book.create_sheet(_in(lang, "lists", schema.NOTE_SHEETS["lists"]))
    ws.sheet_state = "hidden"
    ranges: dict[tuple[str, ...], str] = {}
    for table in TABLES.values():
        for col in table.columns:
            if col.kind not in ("bool", "category"):
                continue
            values = tuple(choices(col, lang))
            if values in ranges:
                continue
            position = len(ranges) + 1
            letter = get_column_letter(position)
            title = t("template.kind.bool", lang) if col.kind == "bool" else header_text(table.name, col.name, lang)
            ws.cell(1, position, title.lstrip("*"))
            for i, value in enumerate(values, 2):
                ws.cell(i, position, value)
            ws.column_dimensions[letter].width = max(_width(v) for v in values) + 2
            ranges[values] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(values) + 1}"
    return ws, ranges


def _table_sheet(book: Any, table: Table, lang: str, ranges: dict[tuple[str, ...], str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = book.create_sheet(sheet_name(table.name, lang))
    marker = _marker(lang)
    headers = [header_text(table.name, c.name, lang) for c in table.columns] + [marker]
    ws.append(headers)
    examples = _examples(table, lang)
    for row in examples:
        ws.append(row + [marker])
    example_font = Font(**_EXAMPLE_FONT)
    for position, header in enumerate(headers, 1):
        letter = get_column_letter(position)
        cell = ws.cell(1, position)
        cell.font = Font(bold=True, **({} if position <= len(table.columns) else _EXAMPLE_FONT))
        cell.alignment = Alignment(vertical="center")
        column = table.columns[position - 1] if position <= len(table.columns) else None
        fill = _REQUIRED_FILL if column is not None and column.required else _HEADER_FILL
        cell.fill = PatternFill("solid", fgColor=fill)
        text_cells = column is None or column.kind in ("id", "str", "month")
        if text_cells:  # ids keep their leading zeros and months stay 2026-10, not a date
            ws.column_dimensions[letter].number_format = "@"
        for row in range(2, len(examples) + 2):
            ws.cell(row, position).font = example_font
            if text_cells:
                ws.cell(row, position).number_format = "@"
        shown = [header, *(r[position - 1] for r in examples)] if column is not None else [header]
        ws.column_dimensions[letter].width = min(40, max(10, max(_width(v) for v in shown if v is not None) + 3))
        if column is None:
            continue
        unit = t(f"template.unit.{column.unit}", lang) if column.unit else ""
        note = _text(f"template.columns.{table.name}.{column.name}", column.description, lang).replace("`", "")
        note += f"\n{t('template.heading.unit', lang)}: {unit}" if unit else ""
        note += f"\n{_default(table, column, lang)}"
        comment = Comment(note, "ecolib")
        comment.width, comment.height = 260, 110
        cell.comment = comment
        if column.kind in ("bool", "category"):
            sector = column.allowed == schema.NATIONAL_SECTORS
            rule = DataValidation(
                type="list", formula1=ranges[tuple(choices(column, lang))], allow_blank=True,
                showErrorMessage=True, errorStyle="warning" if sector else "stop",
                errorTitle=t("template.error_title", lang),
                error=t(f"template.{'sector_error' if sector else 'error'}", lang),
            )
            rule.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"


def template_workbook(lang: str = "en") -> Any:
    """The template as an openpyxl workbook: the instructions, one sheet per table of the
    contract (in its order), the hidden lists of the drop-downs.

    Parameters
    ----------
    lang : {"en", "zh"}
        The language of the sheet names, headers, lists, examples and instructions.

    Returns
    -------
    openpyxl.Workbook

    Examples
    --------
    >>> book = template_workbook("zh")
    >>> book.sheetnames[:4], book.sheetnames[-1], book["下拉选项"].sheet_state
    (['填写说明', '产业链节点', '节点关系', '企业'], '下拉选项', 'hidden')
    >>> [c.value for c in book["企业节点"][1]]
    ['*企业编号', '*节点编号', '能力', '占比', '示例']
    """
    from openpyxl import Workbook

    _check(lang)  # before anything is built
    book = Workbook()
    book.remove(book.active)
    _instructions(book, lang)
    lists, ranges = _lists(book, lang)
    for table in TABLES.values():
        _table_sheet(book, table, lang, ranges)
    book.move_sheet(lists, offset=len(book.sheetnames) - 1 - book.sheetnames.index(lists.title))
    book.active = 0
    book.properties.creator = "ecolib"
    book.properties.title = t("template.title", lang)
    return book


def write_template(directory: str | Path, lang: str = "en", *, overwrite: bool = False) -> Path:
    """Write the template to ``directory/workspace.xlsx`` (the folder is created if missing).

    Parameters
    ----------
    directory : str or Path
        The workspace folder: the loader reads the workbook there once it is filled in.
    lang : {"en", "zh"}
        The template's language (see :func:`template_workbook`).
    overwrite : bool
        Replace an existing ``workspace.xlsx``; by default, refuse before writing anything.

    Returns
    -------
    Path
        The workbook written.

    Raises
    ------
    FileExistsError
        When the workbook exists and ``overwrite`` is false.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     print(write_template(folder, "zh").name)
    ...     try:
    ...         write_template(folder)
    ...     except FileExistsError as err:
    ...         print(err.strerror.endswith("already has workspace.xlsx"))
    workspace.xlsx
    True
    """
    from ecolib.datasets.demo import refuse_existing

    path = Path(directory)
    if not overwrite:
        refuse_existing(path, [WORKBOOK])
    book = template_workbook(lang)
    path.mkdir(parents=True, exist_ok=True)
    book.save(path / WORKBOOK)
    return path / WORKBOOK
