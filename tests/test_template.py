"""The Excel template of ``ecolib template``: what it holds, and that the loader reads it.

As written it validates with only "what is missing" (and the example rows it ignored); with the
example marks cleared its examples are a small valid park; filled with the demo's tables it loads
the same tables as ``data/demo``.
"""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ecolib import cli
from ecolib.contract import schema
from ecolib.contract.schema import TABLES
from ecolib.datasets.china_io import sector_code
from ecolib.presentation.i18n import catalogue
from ecolib.presentation.template import LAST_ROW, choices, header_text, sheet_name, write_template
from ecolib.workspace import load_workspace, validate_workspace

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
LANGS = ("en", "zh")


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    """The template of each language, written once: lang → its folder."""
    root = tmp_path_factory.mktemp("templates")
    return {lang: write_template(root / lang, lang).parent for lang in LANGS}


def _book(templates, lang, **kw) -> openpyxl.Workbook:
    return openpyxl.load_workbook(templates[lang] / "workspace.xlsx", **kw)


def _table_of(title: str) -> str | None:
    names = {schema.header_key(n): t.name for t in TABLES.values() for n in (t.name, *t.aliases)}
    return names.get(schema.header_key(title))


def _marker_column(ws) -> int:
    return ws.max_column            # the example mark is the last column


# ----------------------------------------------------------------------------- what it holds


@pytest.mark.parametrize("lang", LANGS)
def test_one_sheet_per_table_after_the_instructions_and_the_lists_hidden_last(templates, lang):
    book = _book(templates, lang)
    first, *tables, lists = book.worksheets
    notes = {schema.header_key(n) for k, v in schema.NOTE_SHEETS.items() for n in (k, *v)}
    assert schema.header_key(first.title) in notes and first.sheet_state == "visible"
    assert schema.header_key(lists.title) in notes and lists.sheet_state == "hidden"
    assert [_table_of(ws.title) for ws in tables] == list(TABLES)
    assert [ws.title for ws in tables] == [sheet_name(n, lang) for n in TABLES]
    assert book.active.title == first.title
    if lang == "zh":
        assert [ws.title for ws in tables][:4] == ["产业链节点", "节点关系", "企业", "企业节点"]


@pytest.mark.parametrize("lang", LANGS)
def test_headers_are_the_columns_the_loader_maps_with_the_example_mark_last(templates, lang):
    book = _book(templates, lang)
    for name, table in TABLES.items():
        ws = book[sheet_name(name, lang)]
        headers = [c.value for c in ws[1]]
        assert [table.header_map[schema.header_key(h)] for h in headers[:-1]] == list(table.names)
        assert headers[-1] in schema.EXAMPLE_HEADERS
        assert [h.startswith("*") for h in headers[:-1]] == [c.required for c in table.columns]
        assert all(h.lstrip("*").isascii() == (lang == "en") for h in headers), headers
        assert ws.freeze_panes == "A2"
        assert all(ws.column_dimensions[c.column_letter].width >= 10 for c in ws[1])
        assert ws[1][0].comment is not None                  # the column's description on hover
    assert [c.value for c in book[sheet_name("firms", lang)][1]][:2] == (
        ["*firm_id", "*name"] if lang == "en" else ["*企业编号", "*企业名称"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_category_and_yes_no_column_has_a_dropdown_of_words_the_loader_reads(templates, lang):
    from ecolib.workspace.load import _parse_bool, _parse_category

    book = _book(templates, lang)
    for name, table in TABLES.items():
        ws = book[sheet_name(name, lang)]
        rules = {str(r.sqref): r for r in ws.data_validations.dataValidation}
        listed = [c for c in table.columns if c.kind in ("bool", "category")]
        assert len(rules) == len(listed), name
        for col in listed:
            letter = ws.cell(1, table.names.index(col.name) + 1).column_letter
            rule = rules[f"{letter}2:{letter}{LAST_ROW}"]
            assert rule.type == "list" and rule.allow_blank and rule.showErrorMessage
            sheet, cells = re.fullmatch(r"'?(.+?)'?!(\$\w+\$\d+:\$\w+\$\d+)", rule.formula1).groups()
            values = [c.value for row in book[sheet][cells.replace("$", "")] for c in row]
            assert values == list(choices(col, lang)), (name, col.name)
            parse = _parse_bool if col.kind == "bool" else _parse_category
            parsed = parse(pd.Series(values, dtype=schema.TEXT), col)
            assert not parsed.bad.any() and not parsed.blank.any(), (name, col.name, values)
            expected = [True, False] if col.kind == "bool" else list(col.allowed)
            assert list(parsed.values) == expected, (name, col.name)
    zh = {c.name: list(choices(c, "zh")) for t in TABLES.values() for c in t.columns if c.kind == "category"}
    if lang == "zh":
        assert zh["stage"] == ["上游", "中游", "下游", "服务"] and zh["direction"] == ["越高越好", "越低越好"]
        assert list(choices(TABLES["firms"].column("local"), "zh")) == ["是", "否"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_example_rows_are_marked_grey_and_typed(templates, lang):
    ws = _book(templates, lang)[sheet_name("firms", lang)]
    marker = ws.cell(1, _marker_column(ws)).value
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(pd.read_csv(io.StringIO(TABLES["firms"].example)))
    assert all(row[-1] == marker for row in rows)
    assert all(ws.cell(r, 1).font.i for r in range(2, len(rows) + 2))
    employees = TABLES["firms"].names.index("employees")
    assert rows[0][employees] == 1200                       # numbers as numbers
    anchor = TABLES["firms"].names.index("anchor")
    assert rows[0][anchor] == ("yes" if lang == "en" else "是")
    assert ws.column_dimensions["A"].number_format == "@"   # ids stay text (leading zeros)


@pytest.mark.parametrize("lang", LANGS)
def test_the_instructions_explain_every_table_and_column_with_units(templates, lang):
    ws = _book(templates, lang).worksheets[0]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    text = "\n".join(cells)
    first_column = {str(row[0].value) for row in ws.iter_rows()}
    for name, table in TABLES.items():
        assert sheet_name(name, lang) in first_column
        for col in table.columns:
            assert header_text(name, col.name, lang) in first_column, (name, col.name)
    marker = schema.EXAMPLE_HEADERS[0] if lang == "en" else schema.EXAMPLE_HEADERS[1]
    assert marker in text
    if lang == "en":                  # the contract's own texts, one home
        for table in TABLES.values():
            assert all(c.description.replace("`", "") in text for c in table.columns)
        assert "yuan per year" in text and "m²" in text
    else:
        assert "元/年" in text and "平方米" in text and "3250万" in text
        assert "上游、中游、下游、服务" in text and "是、否" in text
        # native Chinese: no file, format or setting names beyond the sheet names themselves
        for word in ("workspace", "yaml", "csv", "ecolib", ".xlsx", "schema", "README", "None"):
            assert word.lower() not in text.lower(), word
        descriptions = [row[5].value for row in ws.iter_rows(min_row=1) if len(row) > 5 and row[5].value]
        assert descriptions and all(re.search(r"[\u4e00-\u9fff]", d) for d in descriptions)


def test_the_chinese_texts_cover_the_contract_and_the_english_ones_are_the_contracts():
    en, zh = catalogue("en"), catalogue("zh")
    for name, table in TABLES.items():
        keys = [f"template.columns.{name}.{c.name}" for c in table.columns]
        keys.append(f"template.tables.{name}.description")
        if table.enables:
            keys.append(f"template.tables.{name}.enables")
        keys += [f"template.derived.{name}.{c.name}" for c in table.columns if c.default_doc]
        assert all(zh[k].strip() for k in keys), name
        assert all(en[k] == "" for k in keys), name
    ours = {k for k in zh if re.match(r"template\.(columns|tables|derived)\.", k)}
    assert ours == {k for k in ours if k.split(".")[2] in TABLES}
    units = {c.unit for t in TABLES.values() for c in t.columns if c.unit}
    assert all(f"template.unit.{u}" in zh for u in units)


def test_the_marks_and_note_sheets_name_no_table_or_column():
    tables = {schema.header_key(n) for t in TABLES.values() for n in (t.name, *t.aliases)}
    notes = {schema.header_key(n) for k, v in schema.NOTE_SHEETS.items() for n in (k, *v)}
    assert not tables & notes
    assert not {schema.header_key(h) for h in schema.EXAMPLE_HEADERS} & {
        k for t in TABLES.values() for k in t.header_map}


# ----------------------------------------------------------------------------- what the loader makes of it


@pytest.mark.parametrize("lang", LANGS)
def test_the_template_as_written_says_what_is_missing_without_a_traceback(templates, lang, capsys):
    assert cli.main(["validate", str(templates[lang])]) == 1
    out = capsys.readouterr().out
    assert "Traceback" not in out
    ws, problems = validate_workspace(templates[lang])
    errors = [str(p) for p in problems if p.is_error]
    assert errors == [f"workspace.xlsx [{sheet_name(n, lang)}]: the table has no rows of data"
                      for n in schema.REQUIRED_TABLES]
    warnings = [p.message for p in problems if not p.is_error]
    examples = [w for w in warnings if "example row" in w]
    assert len(examples) == len(TABLES)
    assert all(re.match(r"\d+ example rows ignored \(rows 2 to \d+|2 example rows ignored \(rows 2, 3", w)
               for w in examples), examples
    others = [w for w in warnings if w not in examples]
    assert len(others) == sum(1 for t in TABLES.values() if not t.required and t.enables)
    assert all(w.startswith("the table has no rows of data, so these are not evaluated") for w in others)
    assert "not a workspace table" not in out          # the instructions and lists are skipped quietly


def _clear_marks(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    book = openpyxl.load_workbook(src / "workspace.xlsx")
    for ws in book.worksheets:
        if _table_of(ws.title):
            for row in range(2, ws.max_row + 1):
                ws.cell(row, _marker_column(ws)).value = None
    book.save(dst / "workspace.xlsx")
    return dst


@pytest.fixture(scope="module")
def examples_as_csv(tmp_path_factory) -> dict[str, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("examples")
    for name, table in TABLES.items():
        (folder / f"{name}.csv").write_text(table.example, encoding="utf-8")
    return load_workspace(folder).tables


@pytest.mark.parametrize("lang", LANGS)
def test_the_examples_with_their_marks_cleared_are_a_valid_park(templates, lang, tmp_path, examples_as_csv):
    folder = _clear_marks(templates[lang], tmp_path / "cleared")
    ws, problems = validate_workspace(folder)
    assert ws is not None, [str(p) for p in problems if p.is_error]
    assert not [p for p in problems if "example row" in p.message]
    for name, frame in examples_as_csv.items():
        got = ws.tables[name]
        if lang == "zh":     # a row's Chinese name is its name there, as a Chinese park writes it
            for col in TABLES[name].columns:
                if col.name.endswith("_zh") and col.default_from:
                    assert list(got[col.default_from]) == list(frame[col.name]), (name, col.name)
                    assert list(got[col.name]) == list(got[col.default_from]), (name, col.name)
                    got = got.drop(columns=[col.name, col.default_from])
                    frame = frame.drop(columns=[col.name, col.default_from])
        pd.testing.assert_frame_equal(got, frame, obj=name)


def _fill(src: Path, dst: Path, lang: str, park: Path = DEMO) -> Path:
    """A copy of the template filled with the tables of ``park`` (examples deleted), as a park
    office would paste them: numbers as numbers, in Chinese yes/no and categories as the lists
    show them; and the park's settings file beside it."""
    dst.mkdir(parents=True)
    book = openpyxl.load_workbook(src / "workspace.xlsx")
    for name, table in TABLES.items():
        ws = book[sheet_name(name, lang)]
        ws.delete_rows(2, ws.max_row)
        file = park / f"{name}.csv"
        if not file.exists():
            continue
        data = pd.read_csv(file, dtype=str, keep_default_na=False)
        columns = [table.header_map[schema.header_key(c.value)] for c in ws[1][:-1]]
        cells = []
        for col in columns:
            spec = table.column(col)
            values = data[col] if col in data else pd.Series("", index=data.index)
            if spec.kind in ("float", "int"):
                values = pd.to_numeric(values.replace("", None)).astype(object)
                values = values.where(values.notna(), None)
            elif spec.kind in ("bool", "category") and lang == "zh":
                shown = {v: k for k, v in choices(spec, lang).items()}
                read = (lambda v: v.lower() in schema.TRUE_WORDS) if spec.kind == "bool" else (lambda v: v)
                values = values.map(lambda v: shown[read(v)] if v else None)
            else:
                values = values.replace("", None)
            cells.append(values.tolist())
        for row in zip(*cells):
            ws.append(list(row))
    book.save(dst / "workspace.xlsx")
    shutil.copy(park / "workspace.yaml", dst / "workspace.yaml")
    return dst


#: The English template filled with the demo (every table, 25,000 flows: openpyxl takes seconds
#: to write and read them), the Chinese one with the tiny park (every table, Chinese words).
FILLED = [("en", DEMO), ("zh", Path(__file__).resolve().parents[1] / "ecolib" / "datasets" / "data" / "tiny")]


@pytest.mark.parametrize("lang, park", FILLED, ids=[lang for lang, _ in FILLED])
def test_a_filled_copy_loads_the_tables_of_the_park_it_was_filled_with(templates, lang, park, tmp_path):
    folder = _fill(templates[lang], tmp_path / "filled", lang, park)
    got, problems = validate_workspace(folder)      # what `ecolib validate` runs
    assert got is not None, [str(p) for p in problems if p.is_error][:5]
    want = load_workspace(park)
    assert got.settings == want.settings
    for name in TABLES:
        pd.testing.assert_frame_equal(got.tables[name], want.tables[name], obj=name)
    absent = {f"[{sheet_name(name, lang)}]" for name in TABLES if not (park / f"{name}.csv").exists()}
    warned = [w for w in got.warnings if not any(w.file.endswith(sheet) for sheet in absent)]
    assert len(warned) == len(want.warnings)          # no example rows, no note sheets warned about
    assert all("no rows" in w.message for w in got.warnings if w not in warned)   # a table the park lacks


# ----------------------------------------------------------------------------- the marks, anywhere


def test_example_marks_in_a_csv_drop_only_the_marked_rows(tmp_path):
    from conftest import write_tiny_park

    folder = write_tiny_park(tmp_path / "park")
    lines = (folder / "firms.csv").read_text(encoding="utf-8").splitlines()
    marks = ["示例", "否", "", "-", "no", ""]                  # not marks: blank, a word for nothing, a false word
    lines = [f"{line},{mark}" for line, mark in zip(lines, marks)]
    lines += ["X8,Example Ltd,,false,false,,,,,active,,示例", "X9,Sample Ltd,,false,false,,,,,active,,e.g."]
    (folder / "firms.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws, problems = validate_workspace(folder)
    assert ws is not None, [str(p) for p in problems if p.is_error]
    assert list(ws.firms["firm_id"]) == ["F1", "F2", "F3", "F4", "X1"]
    found = [p for p in problems if "example row" in p.message]
    assert [(p.row, p.severity) for p in found] == [(7, "warning")]
    assert found[0].message.startswith("2 example rows ignored (rows 7, 8, marked '示例' in column L)")
    assert not [p for p in problems if "not a column" in p.message]


def test_a_sheet_named_like_the_instructions_is_skipped_quietly_and_another_still_warned(tmp_path):
    from conftest import write_tiny_park

    folder = write_tiny_park(tmp_path / "park")
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为填报说明"])
    book.create_sheet("备注").append(["其他内容"])
    book.save(folder / "workspace.xlsx")
    ws, problems = validate_workspace(folder)
    assert ws is not None
    ignored = [p.message for p in problems if "not a workspace table" in p.message]
    assert ignored == ["sheet '备注' is not a workspace table, ignored"]


# ----------------------------------------------------------------------------- the command


def test_the_command_writes_refuses_to_overwrite_and_forces(tmp_path, capsys):
    park = tmp_path / "park"
    assert cli.main(["template", str(park), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert str(park / "workspace.xlsx") in out and "ecolib validate" in out
    written = (park / "workspace.xlsx").read_bytes()
    assert cli.main(["template", str(park)]) == 1
    err = capsys.readouterr().err
    assert "already has workspace.xlsx" in err and "--force" in err and "Traceback" not in err
    assert (park / "workspace.xlsx").read_bytes() == written
    assert cli.main(["template", str(park / "workspace.xlsx"), "--force"]) == 0   # the workbook's own path
    assert openpyxl.load_workbook(park / "workspace.xlsx").sheetnames[1] == "chain_nodes"
    assert cli.main(["template", str(tmp_path / "other.xlsx")]) == 2
    assert "must be named workspace.xlsx" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert cli.main(["template", str(tmp_path / "file")]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        cli.main(["template", str(park), "--lang", "fr"])
    assert exit_.value.code == 2
