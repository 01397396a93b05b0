"""Client pages speak the client's language: no word of the developer's reaches them.

Everything a client reads of the session's shared demo render (conftest.py, en and zh): the text
of every page (the brief, each analysis page, the index of months; the tooltips), every string a
figure shows (its data and layout, not plotly's theme), every cell of tables.xlsx. None may hold

* a file name: ``*.yaml``, ``*.csv``, ``*.py``, ``*.ipynb`` (the workspace's files, the code);
* a setting key (:data:`ecolib.contract.schema.SETTINGS`, :data:`~ecolib.contract.schema.THRESHOLD_SETTINGS`),
  dotted (``thresholds.dependence_share``) or not (``priority_weights``); one-word keys
  (``window``, ``currency``) are ordinary words and are not looked for;
* a module name: ``ecolib.`` or ``ecolib/`` followed by a name;
* an id-style name: a column or table of the contract with an underscore (``firm_id``,
  ``node_id``, ``exit_month``, ``firm_nodes``), or any other snake_case word (``dependence_share``,
  a metric's id such as ``talent_gap`` shown instead of its name).

The pages say "the analyst can change this" instead (the analyst notes keep the technical
names, and stay out of the client folder). The glossary that explains the technical terms is
checked here too: every entry has a term and a text, in both languages.
"""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ecolib.contract.schema import SETTINGS, TABLES, THRESHOLD_SETTINGS

FILE_NAME = re.compile(r"[\w./-]*\.(?:ya?ml|csv|py|ipynb)\b", re.I)
SNAKE = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w])")
#: Names that must never show, whatever the text around them.
NAMES = sorted({*SETTINGS, *THRESHOLD_SETTINGS, *TABLES,
                *(c.name for table in TABLES.values() for c in table.columns)} - {""}, key=len, reverse=True)
DOTTED = re.compile(r"\b(?:thresholds|priority_weights|rules|dimensions)\.\w+")
#: The one-word names (``window``, ``source``) are ordinary words: only the ones with ``_``.
ID_NAMES = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in NAMES if "_" in n) + r")(?!\w)")


def offences(text: str) -> list[str]:
    """The developer's words in ``text``: file names, setting keys, module and column names.

    >>> offences("Set thresholds.dependence_share in workspace.yaml (see ecolib/gaps.py); firm_id")
    ['workspace.yaml', 'ecolib/gaps.py', 'thresholds.dependence_share', 'firm_id']
    >>> offences("Local sourcing is 30.8%: tables.xlsx keeps every row.")
    []
    """
    found = [m.group(0) for m in FILE_NAME.finditer(text)]
    found += [m.group(0) for m in re.finditer(r"\becolib[./][\w./]*", text)
              if not any(m.group(0) in f for f in found)]
    found += [m.group(0) for m in DOTTED.finditer(text) if not any(m.group(0) in f for f in found)]
    found += [m.group(0) for pattern in (ID_NAMES, SNAKE) for m in pattern.finditer(text)
              if not any(m.group(0) in f for f in found)]
    return list(dict.fromkeys(found))


class _Text(HTMLParser):
    """The text a reader sees: element content outside scripts and styles, and the tooltips
    and labels (``title``, ``alt``, ``aria-label``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


#: Plotly properties that hold no text a reader sees (ids, modes, styles, layout wiring).
_PLOT_HIDDEN = {"template", "type", "mode", "uid", "ids", "parents", "legendgroup", "xaxis", "yaxis", "hoverinfo",
                "textposition", "textinfo", "branchvalues", "orientation", "barmode", "family", "color", "colors",
                "colorscale", "fill", "dash", "symbol", "anchor", "overlaying", "side", "xref", "yref", "xanchor",
                "yanchor", "tickformat", "hoverformat", "tickmode", "layer", "valign", "align", "arrangement",
                "categoryorder", "autorange", "constrain", "scaleanchor", "bgcolor", "bordercolor", "insidetextorientation"}


def _plot_strings(value, key: str = ""):
    if key in _PLOT_HIDDEN:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _plot_strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _plot_strings(v, key)


def _figures(page: str):
    """The data and layout of every plotly figure of a page (the arguments of Plotly.newPlot)."""
    decoder = json.JSONDecoder()
    for m in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", page):
        data, end = decoder.raw_decode(page, m.end())
        layout, _ = decoder.raw_decode(page, re.match(r",\s*", page[end:]).end() + end)
        yield data, layout


def page_texts(path: Path) -> list[str]:
    """Every text a reader of the page sees, figures included."""
    page = path.read_text(encoding="utf-8")
    parser = _Text()
    parser.feed(page)
    texts = parser.parts
    for data, layout in _figures(page):
        texts += [html.unescape(s) for s in _plot_strings([data, layout])]
    return texts


def workbook_texts(path: Path) -> list[tuple[str, str]]:
    """(sheet, text) of every text cell of a workbook, headers and the About sheet included."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return [(sheet.title, str(cell)) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for cell in row if isinstance(cell, str)] + [(title, title) for title in book.sheetnames]


def _excerpt(text: str, word: str, around: int = 60) -> str:
    at = text.find(word)
    start, end = max(at - around, 0), at + len(word) + around
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _client_offences(report) -> list[str]:
    """'<where>: <word> in <the text around it>' for every developer's word a client reads."""
    found = []
    pages = sorted(report.folder.glob("*.html")) + [report.folder.parent / "index.html"]
    for path in pages:
        where = path.name if path.parent == report.folder else "index of months"
        for text in dict.fromkeys(page_texts(path)):
            found += [f"{where}: {word!r} in {_excerpt(text, word)!r}" for word in offences(text)]
    for sheet, text in dict.fromkeys(workbook_texts(report.folder / "tables.xlsx")):
        found += [f"tables.xlsx [{sheet}]: {word!r} in {_excerpt(text, word)!r}" for word in offences(text)]
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_file_setting_module_or_column_name_reaches_a_client(hostile_reports, lang):
    found = _client_offences(hostile_reports[lang])
    assert not found, "\n".join([f"{lang}: developer's words in client files ({len(found)}):"] + found)


def test_the_text_scan_finds_what_it_looks_for(tmp_path):
    """The scan reads page text, tooltips and figures, and not markup or plotly's theme."""
    page = tmp_path / "p.html"
    figure = json.dumps([{"type": "bar", "x": ["a"], "hovertext": ["see firm_nodes.csv"], "uid": "x_y"}])
    page.write_text(f'<html><body><p title="thresholds.niche_overlap">ok</p><div class="ecolib_x">fine</div>'
                    f'<script>Plotly.newPlot("d", {figure}, {{"template": {{"a_b": "c_d"}}}}, {{}})</script>'
                    f"<p>ecolib.report</p></body></html>", encoding="utf-8")
    words = [w for text in page_texts(page) for w in offences(text)]
    assert words == ["thresholds.niche_overlap", "ecolib.report", "firm_nodes.csv"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_glossary_entry_has_a_term_and_a_text(lang):
    from ecolib.presentation.i18n import catalogue

    keys = [k for k in catalogue(lang) if re.match(r"^[a-z0-9_]+\.glossary\.", k)]
    entries: dict[str, set[str]] = {}
    for key in keys:
        m = re.match(r"^([a-z0-9_]+)\.glossary\.([a-z0-9_]+)\.(\w+)$", key)
        assert m, f"{lang}: {key} is not <page>.glossary.<id>.term|text"
        entries.setdefault(f"{m[1]}.{m[2]}", set()).add(m[3])
    bad = {k: v for k, v in entries.items() if v != {"term", "text"}}
    assert not bad, f"{lang}: glossary entries need exactly 'term' and 'text': {bad}"
    assert all(catalogue(lang)[k].strip() for k in keys)


def test_the_glossary_has_the_same_terms_in_both_languages():
    from ecolib.presentation.glossary import glossary_entries, glossary_html

    en, zh = ([(e.page, e.id) for e in glossary_entries(lang)] for lang in ("en", "zh"))
    assert sorted(en) == sorted(zh), {"only en": sorted(set(en) - set(zh)), "only zh": sorted(set(zh) - set(en))}
    ids = [term for _, term in en]
    assert len(ids) == len(set(ids)), f"a term is defined on two pages: {[i for i in ids if ids.count(i) > 1]}"
    for lang in ("en", "zh"):
        text = glossary_html(lang)
        assert all(f'id="glossary-{i}"' in text for i in ids)
        for e in glossary_entries(lang):
            assert offences(e.term + " " + e.text) == [], (lang, e.id, offences(e.term + " " + e.text))
