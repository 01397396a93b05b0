"""The month as one PDF (``ecolib report … --pdf``, :mod:`ecolib.pdf`), printed by headless Chromium.

The shared demo render (``hostile_reports``: a payload in every name field), en and zh, printed
once each (the ``printed`` fixture) and read back with pypdf: A4 sheets in a sane number, the
brief first, each analysis page from a new sheet in the report's order, every figure drawn,
nothing wider than the text column, page numbers "n / N" on every sheet, every font embedded,
the Chinese text extractable as the ideographs the page shows (no radical look-alikes), no
address or path of this machine anywhere in the file. Then one run of the command on the tiny
park (``--only overview --pdf``), and the one line a machine without Chromium gets.

The PDFs are kept under ``reports/browser-check/`` beside the browser test's screenshots, for
people to look at. Needs Debian's ``chromium`` (``.ci/run`` installs it); without it the tests
that print are skipped, unless ``ECOLIB_REQUIRE_BROWSER=1`` (set by CI) makes that a failure.
"""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import write_tiny_park
from ecolib import cli
from ecolib.pdf import INSTALL_HINT, find_chromium

CHROMIUM = find_chromium()
if not CHROMIUM and os.environ.get("ECOLIB_REQUIRE_BROWSER") == "1":
    raise RuntimeError("headless Chromium is required (ECOLIB_REQUIRE_BROWSER=1) but not installed")
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="headless Chromium not installed (apt-get install chromium)")

MONTH = "2026-10"
#: A4 in PDF points, and the text column's right edge (12 mm margin) with a little slack.
A4_PT = (595.92, 841.92)
COLUMN_RIGHT_PT = A4_PT[0] - 12 / 25.4 * 72 + 2
#: Characters that look like ideographs but are radicals (CJK Radicals Supplement, Kangxi Radicals).
RADICALS = re.compile("[\u2e80-\u2fdf]")


def _flat(text: str) -> str:
    """Text as compared here: compatibility forms folded (NFKC: the ligature ﬁ is fi, a
    full-width colon a colon), all white space gone (lines break anywhere in a PDF)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _read(path: Path) -> dict:
    """What a reader gets from the PDF: its sheets' sizes, each sheet's text, the right-most
    start of a line of text (points), every font and whether it is embedded, every link's URI,
    the outline's top level (title, sheet)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    texts, right, fonts, uris = [], 0.0, [], []
    for page in reader.pages:
        starts: list[float] = []

        def visit(text, cm, tm, font, size, starts=starts):
            if text.strip():
                starts.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

        texts.append(page.extract_text(visitor_text=visit))
        right = max([right, *starts])
        for ref in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = ref.get_object()
            kind = font.get("/Subtype")
            descriptor = (font["/DescendantFonts"][0].get_object() if kind == "/Type0" else font).get("/FontDescriptor")
            embedded = kind == "/Type3" or bool(descriptor and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")))
            fonts.append((str(font.get("/BaseFont", kind)), embedded))
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action.get_object():
                uris.append(str(action.get_object()["/URI"]))
    return {"sizes": {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages},
            "texts": texts, "right": right, "fonts": fonts, "uris": uris,
            "outline": [(item.title, reader.get_destination_page_number(item))      # top level: h1s
                        for item in reader.outline if hasattr(item, "title")]}


@pytest.fixture(scope="module")
def printed(hostile_reports, hostile_demo) -> dict:
    """The shared render printed once in each language: ``{lang: (report, info, read, raw)}``
    (:func:`ecolib.pdf.month_pdf`'s answer, :func:`_read`, the file's bytes)."""
    if not CHROMIUM:
        pytest.skip("headless Chromium not installed (apt-get install chromium)")
    from ecolib.pdf import month_pdf
    from ecolib.presentation.names import park_name
    from ecolib.workspace import load_workspace

    settings = load_workspace(hostile_demo).settings
    done = {}
    for lang, report in hostile_reports.items():
        target = report.folder.parent / f"print-{lang}" / f"{MONTH}.pdf"
        target.parent.mkdir(exist_ok=True)
        info = month_pdf(report.folder, target, park=park_name(settings, lang))
        done[lang] = (report, info, _read(target), target.read_bytes())
    return done


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_month_as_one_pdf_brief_first_then_each_page_on_a4(printed, lang):
    report, info, read, _ = printed[lang]
    analyses = report.summary["analyses"]
    figures = sum(p.read_text(encoding="utf-8").count('class="plotly-graph-div"') for p in report.folder.glob("0*.html"))
    assert info["figures"] == info["drawn"] == figures > 0, info
    assert info["overflow"] == [], f"{lang}: wider than the text column: {info['overflow']}"
    texts = read["texts"]
    assert read["sizes"] == {(596, 842)}, read["sizes"]                         # A4 portrait, every sheet
    assert len(analyses) + 1 <= len(texts) <= 250, len(texts)                  # brief and pages, each on its own
    flat = [_flat(t) for t in texts]
    headings = [_flat(report.summary["brief"]["title"])] + [_flat(a["title"]) for a in analyses]
    outline = [(_flat(title), sheet) for title, sheet in read["outline"]]
    assert [title for title, _ in outline] == headings, read["outline"]      # the brief, then each page
    sheets = [sheet for _, sheet in outline]
    assert sheets[0] == 0 and sheets == sorted(set(sheets)), sheets
    for title, sheet in outline:              # each opens a sheet of its own, its title on top
        assert flat[sheet].startswith(title), f"{lang}: sheet {sheet + 1} starts {texts[sheet][:80]!r}, not {title!r}"
    for i, text in enumerate(texts, 1):       # the footer: the month's title and n / N
        assert re.search(rf"\b{i} / {len(texts)}\s*$", text), f"{lang}: sheet {i} has no page number: {text[-80:]!r}"
    assert read["right"] <= COLUMN_RIGHT_PT, f"{lang}: text starts at {read['right']:.0f} pt, right of the column"
    assert read["fonts"] and all(ok for _, ok in read["fonts"]), sorted({f for f, ok in read["fonts"] if not ok})


@needs_chromium
def test_chinese_text_is_text_the_ideographs_the_page_shows(printed):
    """The zh PDF's text is Chinese as written (月 is U+6708, not the Kangxi radical ⽉ that
    Noto Sans CJK draws with the same glyph), so a reader finds 月度 and copies what it sees."""
    report, _, read, _ = printed["zh"]
    text = "".join(read["texts"])
    assert not RADICALS.search(text), sorted(set(RADICALS.findall(text)))[:20]
    flat = _flat(text)
    for words in ["园区概览", "月", "页", *[a["title"] for a in report.summary["analyses"]]]:
        assert _flat(words) in flat, words
    assert len(re.findall("[\u4e00-\u9fff]", text)) > 5000


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_path_or_address_of_this_machine_in_the_pdf(printed, lang):
    """Neither Chromium's default header and footer (the file's address, the date) nor a link
    to a file: no ``file:`` address, no folder of this machine, in the text, the links or the
    bytes (metadata, outline)."""
    report, _, read, raw = printed[lang]
    text = "\n".join(read["texts"])
    places = {str(report.folder), str(report.folder.parent), str(Path.home()), "/tmp/", "file:", "ecolib-pdf-"}
    for place in places:
        assert place not in text, f"{lang}: {place!r} in the text"
        assert place.encode() not in raw, f"{lang}: {place!r} in the file"
    assert [u for u in read["uris"] if not u.startswith(("http://", "https://", "mailto:"))] == [], read["uris"]


@needs_chromium
def test_report_pdf_writes_the_month_as_one_pdf(tmp_path, capsys):
    """``ecolib report … --only overview --pdf`` on the tiny park: ``<out>/<id>/<lang>/<month>.pdf``
    beside the folder, the brief then the overview page; a later run without ``--pdf`` removes it."""
    from pypdf import PdfReader

    from ecolib.report import report_folder
    from ecolib.workspace import load_workspace

    ws = write_tiny_park(tmp_path / "tiny")
    out = tmp_path / "out"
    assert cli.main(["report", str(ws), "--month", "2026-03", "--out", str(out), "--only", "overview", "--pdf"]) == 0
    folder = report_folder(load_workspace(ws), out, "en")
    pdf = folder / "2026-03.pdf"
    assert f"as PDF: {pdf}" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == ["2026-03", "2026-03.pdf", "_analyst", "index.html"]
    pages = [_flat(p.extract_text()) for p in PdfReader(pdf).pages]
    assert 2 <= len(pages) <= 12, len(pages)
    assert pages[0].startswith(_flat("tiny: monthly brief")), pages[0][:100]
    assert any(p.startswith(_flat("Park overview")) for p in pages[1:]), [p[:40] for p in pages]
    assert cli.main(["report", str(ws), "--month", "2026-03", "--out", str(out), "--only", "overview"]) == 0
    assert not pdf.exists()


def test_report_pdf_without_chromium_stops_first_with_one_line(tmp_path, monkeypatch, capsys):
    """No Chromium on the machine: ``--pdf`` stops before rendering anything, with one line
    saying what to install (exit 1); nothing is written."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.delenv("ECOLIB_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(empty))                  # no executable at all on the PATH
    ws = write_tiny_park(tmp_path / "tiny")
    out = tmp_path / "out"
    assert cli.main(["report", str(ws), "--month", "2026-03", "--out", str(out), "--pdf"]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {INSTALL_HINT}\n" and "apt-get install chromium" in err, err
    assert not out.exists()
    monkeypatch.setenv("ECOLIB_CHROMIUM", str(tmp_path / "no-such-chromium"))
    assert cli.main(["report", str(ws), "--month", "2026-03", "--out", str(out), "--pdf"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ECOLIB_CHROMIUM" in err and not out.exists(), err
