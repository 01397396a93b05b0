"""Render the monthly report: run every notebook with papermill, convert to client HTML.

Layout of one rendered month::

    <out>/<report id>/             one workspace (:func:`report_id`: the ``report_id`` setting, or
                                   its name and a short hash of its folder's path, ``demo-3f9a1c``)
      <lang>/                      ``en`` or ``zh``: each language has its own months and index
        index.html                 every rendered month with its alert counts (client)
        <month>/                   the client folder: only what goes to the client
            index.html             headline figures, alerts, links (no plotly.js: small)
            00_overview.html       one page per notebook, no code; loads the two files below
            plotly-<version>.min.js   plotly.js, once for the month (if a page has a figure)
            notebook-<hash>.css    the style sheets every page shares
            summary.json           headline numbers and alerts, machine-readable, deterministic
            tables.xlsx            every table of the report, one sheet each, cells stored as text
        <month>.html               with ``single_file``: the whole month in one file (client)
        <month>.pdf                with ``pdf``: the whole month as one A4 PDF (client; ecolib.pdf)
        _analyst/<month>/notebooks/*.ipynb
                                   the executed notebooks (analyst notes, paths of this machine)
        _analyst/<month>/pages/*.json
                                   each page's alerts and tables, for a later ``--only`` run
        _failed/<month>/           the notebook that failed the last run of that month, if it failed
        .<month>.lock              held (``flock``) by the run rendering that month

Every page opens offline by double-click: it loads plotly.js and its style sheet from the
folder by relative name, and its Content-Security-Policy allows nothing else
(:data:`ecolib.presentation.escape.CONTENT_SECURITY_POLICY`).

The month model is computed once (:func:`ecolib.analyses.month.analyse`) and stored; the
notebooks then run side by side, one kernel per core (:func:`report_workers`), each kernel
started while the model is computed and running one notebook after another in a fresh
namespace. Pages, records and the sheets of tables.xlsx keep the order of the notebooks.
A run of some notebooks only (``only``) keeps the month's other pages as published; the
month's index, summary.json and tables.xlsx then hold the kept pages and the new ones.

A month is built in a hidden ``.<month>.partial-<pid>`` folder and published by renaming it, so
an earlier report of that month stays intact until the new one is complete. One run at a time
renders a workspace's month: a second run stops at once with a message naming the holder of
the lock. A failing notebook stops the run (the first failing one in the order of the
notebooks, as in a run one after another), is kept under ``_failed/<month>/`` for diagnosis,
and nothing is published; a successful run removes that ``_failed/<month>/``. A run stopped by
Ctrl-C (SIGINT) or SIGTERM kills its kernels and removes its partial folder; one killed outright
leaves only a hidden partial folder, which the next run of that month removes (under the lock).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import hashlib
import json
import math
import os
import queue
import re
import shutil
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

import nbformat

from ecolib import __version__
from ecolib.analyses.month import analyse
from ecolib.presentation.escape import csp_meta, html_text, store_text
from ecolib.presentation.i18n import LANGS, has, t
from ecolib.presentation.names import park_name
from ecolib.presentation.narrative.brief import brief_records
from ecolib.foundations.months import is_month
from ecolib.contract.schema import ALERT_STATUSES, SEVERITIES
from ecolib.notebook import SUMMARY_MIMETYPE, TABLE_MIMETYPE, report_css, section_anchor
from ecolib.presentation.fmt import currency_unit, month_text
from ecolib.presentation.glossary import glossary_entries
from ecolib.presentation.page import NAV_SLOT, nav_bar, with_nav
from ecolib.workspace import Workspace, WorkspaceError, load_workspace

KERNEL_NAME = "ecolib"
KERNEL_DISPLAY = "Python (ecolib)"
#: Cells with these tags are for analysts and never reach a client report.
HIDDEN_TAGS = {"analyst-note", "parameters", "injected-parameters"}
MONTH_DIR = re.compile(r"^\d{4}-\d{2}$")


class ReportError(RuntimeError):
    """The report could not be rendered; the message says what and where, for a person."""


def default_notebooks_dir() -> Path:
    """The notebooks a report runs: ``ECOLIB_NOTEBOOKS`` if set; else the copy inside an
    installed package (a wheel or ``pip install .`` packs the project's ``notebooks/`` as
    ``ecolib/notebooks/``); else ``notebooks/`` of the project this package is installed from
    (an editable install, the folder analysts open in the lab)."""
    env = os.environ.get("ECOLIB_NOTEBOOKS")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent
    installed = package / "notebooks"
    return installed if installed.is_dir() else package.parent / "notebooks"


def discover_notebooks(directory: Path, only: Iterable[str] | None = None) -> list[Path]:
    """The notebooks to run, in file-name order. ``only`` selects by stem ('00_overview') or by
    name without the number prefix ('overview')."""
    found = sorted(p for p in Path(directory).glob("*.ipynb") if not p.name.startswith("."))
    if not found:
        raise ReportError(f"no notebooks found in {directory}")
    if not only:
        return found
    wanted, chosen = list(only), []
    for name in wanted:
        match = [p for p in found if p.stem == name or p.stem.split("_", 1)[-1] == name]
        if not match:
            names = ", ".join(p.stem for p in found)
            raise ReportError(f"no notebook called {name!r}; available: {names}")
        chosen.extend(m for m in match if m not in chosen)
    return sorted(chosen)


def ensure_kernel() -> str:
    """Make sure the ``ecolib`` kernel runs this very interpreter, and that it is the one found.

    The kernelspec is installed into this environment's prefix, and that prefix is put first on
    JUPYTER_PATH for this process, so a kernel of the same name elsewhere (user or system wide)
    cannot take over.
    """
    share = Path(sys.prefix) / "share" / "jupyter"
    spec_file = share / "kernels" / KERNEL_NAME / "kernel.json"
    current = None
    if spec_file.exists():
        try:
            current = json.loads(spec_file.read_text(encoding="utf-8")).get("argv", [None])[0]
        except (OSError, ValueError):
            current = None
    if current != sys.executable:
        from ipykernel.kernelspec import install
        install(kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY, prefix=sys.prefix)
    paths = [str(share)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != str(share)]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
    return KERNEL_NAME


# --------------------------------------------------------------------------------------------
# Conversion to HTML
# --------------------------------------------------------------------------------------------

def collect_records(nb: nbformat.NotebookNode) -> tuple[dict, list[dict]]:
    """The summary records (merged) and the exported tables of an executed notebook; both
    kinds of output are removed from it (in place) so they never reach the HTML."""
    merged: dict = {}
    tables: list[dict] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if out.get("output_type") in ("display_data", "execute_result") else {}
            if SUMMARY_MIMETYPE in data:
                merged.update(data[SUMMARY_MIMETYPE])
            elif TABLE_MIMETYPE in data:
                tables.append(data[TABLE_MIMETYPE])
            else:
                kept.append(out)
        cell["outputs"] = kept
    return merged, tables


#: Longest sheet name Excel accepts (in UTF-16 code units, as Excel counts).
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
#: Names Excel reserves for itself (compared case-insensitively).
RESERVED_SHEET_NAMES = frozenset({"history"})


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _clip_sheet(text: str, limit: int) -> str:
    text = text[:limit]                       # a character is at least one UTF-16 unit
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text.strip(" '")


def sheet_name(text: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts, made from ``text`` and unique within ``taken``.

    Excel's rules: none of ``[ ] : * ? / \\`` (nor characters XML cannot hold), no apostrophe at
    the start or the end, not empty, at most 31 characters, unique ignoring case, and not
    ``History``. Forbidden characters become spaces, runs of spaces one space; a name that is
    taken gets `` (2)``, `` (3)`` … within the length limit.

    Parameters
    ----------
    text : str
        The wanted name, e.g. ``"03 Stress test: if Zhang & Lee's exits"``.
    taken : set of str
        Case-folded names already used in the workbook; the new name is added to it.

    Returns
    -------
    str
        The sheet name.

    Examples
    --------
    >>> sheet_name("Firms by zone [2026]: all/any?", set())
    'Firms by zone 2026 all any'
    >>> sheet_name("'Stress test: Zhang & Lee'", set())
    'Stress test Zhang & Lee'
    >>> taken = {"about"}
    >>> sheet_name("About", taken), sheet_name("history", taken)
    ('About (2)', 'history (2)')
    """
    base = re.sub(r"\s+", " ", _SHEET_FORBIDDEN.sub(" ", str(text)))
    base = _clip_sheet(base.strip(" '"), SHEET_NAME_MAX) or "table"
    name, n = base, 2
    while name.casefold() in taken or name.casefold() in RESERVED_SHEET_NAMES:
        suffix = f" ({n})"
        name, n = _clip_sheet(base, SHEET_NAME_MAX - len(suffix)) + suffix, n + 1
    taken.add(name.casefold())
    return name




def _xlsx_value(ws, value):
    """A value for a write-only row: text always through :func:`ecolib.presentation.escape.store_text`."""
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value if math.isfinite(value) else store_text(WriteOnlyCell(ws), str(value))
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
    return store_text(WriteOnlyCell(ws), value)


def _width(values) -> float:
    return min(max(max((len(str(v)) for v in values), default=0) + 2, 8), 60)


def write_tables_xlsx(path: Path, exported: list[tuple[str, dict]], *, about: dict[str, str],
                      about_sheet: str = "About") -> None:
    """Write ``tables.xlsx``: an 'about' sheet, then one sheet per exported table.

    Every text cell (names from data, headers, the about values) is stored as text through
    :func:`ecolib.presentation.escape.store_text`, never as a formula; numbers stay numbers. Headers are
    bold and frozen, column widths follow the first 200 rows. Written in openpyxl's write-only
    mode, so a 100k-row table stays fast and small in memory.

    Parameters
    ----------
    path : Path
        The file to write.
    exported : list of (str, dict)
        ``(prefix, table)`` pairs; a table is the payload of
        :func:`ecolib.presentation.tables.export_payload`: ``sheet``, ``columns`` and ``data`` (rows).
    about : dict of str to str
        Label → value rows of the about sheet (park, month, version …).
    about_sheet : str
        Name of the about sheet, in the report's language.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    book = Workbook(write_only=True)
    taken: set[str] = set()
    ws = book.create_sheet(sheet_name(about_sheet, taken))
    rows = list(about.items())
    ws.column_dimensions["A"].width = _width(k for k, _ in rows)
    ws.column_dimensions["B"].width = max(_width(v for _, v in rows), 40)
    for label, value in rows:
        key = _xlsx_value(ws, label)
        if not isinstance(key, str) and hasattr(key, "font"):
            key.font = bold
        ws.append([key, _xlsx_value(ws, value)])
    for prefix, table in exported:
        ws = book.create_sheet(sheet_name(f"{prefix} {table['sheet']}", taken))
        columns, data = list(table["columns"]), table["data"]
        ws.freeze_panes = "A2"
        for i, col in enumerate(columns):
            ws.column_dimensions[get_column_letter(i + 1)].width = _width(
                [col] + [r[i] for r in data[:200] if i < len(r)])
        header = []
        for col in columns:
            cell = store_text(WriteOnlyCell(ws), str(col))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in data:
            ws.append([_xlsx_value(ws, v) for v in row])
    book.save(path)


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


def plotly_file_name() -> str:
    """The name of plotly.js in a month folder, ``plotly-<version>.min.js``: the file holds the
    exact bytes of :func:`plotly.offline.get_plotlyjs` (UTF-8)."""
    import plotly
    return f"plotly-{plotly.__version__}.min.js"


#: One HTML exporter per language, built on first use and reused for every page (building one
#: and compiling its template costs more than converting a page); used under the lock.
_EXPORTERS: dict[str, object] = {}
_EXPORT_LOCK = threading.Lock()


def _exporter(lang: str):
    exporter = _EXPORTERS.get(lang)
    if exporter is None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        class Exporter(HTMLExporter):
            def _validate_preprocessor(self, nbc, preprocessor):
                """Not after each of its dozen preprocessors: the notebook was validated when
                papermill wrote it, and nbconvert's preprocessors and ours keep it valid."""

        exporter = Exporter(
            template_name="ecolib",
            extra_template_basedirs=[str(resources.files("ecolib").joinpath("templates"))],
            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
            language_code=lang)
        exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS), enabled=True)
        exporter.from_notebook_node(nbformat.v4.new_notebook())   # load and compile every template now
        _EXPORTERS[lang] = exporter
    return exporter


def to_html(nb: nbformat.NotebookNode, *, lang: str, title: str, footer: str,
            plotly_src: str | None = None, nav: str | None = None) -> str:
    """Client HTML of an executed notebook: no input cells, no prompts, no analyst notes,
    nothing loaded from the network.

    plotly.js appears once, only if the page has a figure: inlined, or, with ``plotly_src``
    (a name relative to the page, e.g. :func:`plotly_file_name`), as a script tag that loads
    the file beside the page. The style sheets are inlined (see :func:`externalise_styles`).
    ``nav``: the bar of links at the top (:func:`month_nav`); without it the page keeps a slot
    for it (:data:`~ecolib.presentation.page.NAV_SLOT`, filled by
    :func:`~ecolib.presentation.page.with_nav` once every page's title is known)."""
    has_plot = any("Plotly.newPlot" in str(o.get("data", {}).get("text/html", ""))
                   for c in nb.cells for o in c.get("outputs", []))
    nb.metadata["title"] = title
    res = {"ecolib_css": report_css(), "ecolib_csp": csp_meta(), "ecolib_footer": footer,
           "ecolib_plotlyjs": "", "ecolib_plotlyjs_src": "", "ecolib_nav": nav or "", "ecolib_nav_slot": NAV_SLOT}
    if has_plot:
        res["ecolib_plotlyjs_src" if plotly_src else "ecolib_plotlyjs"] = plotly_src or _plotly_js()
    with _EXPORT_LOCK:
        body, _ = _exporter(lang).from_notebook_node(nb, resources=res)
    return body


_HEAD_STYLE = re.compile(r'<style type="text/css">(.*?)</style>', re.S)
#: How a style sheet moved out of the pages is named in the month folder.
STYLESHEET_PATTERN = "notebook-{digest}.css"


def externalise_styles(page: str) -> tuple[str, str | None, str]:
    """Move the style sheets of a page's head (ours, the notebook's, JupyterLab's: 265 kB, the
    same on every page) into one file beside the page.

    Returns
    -------
    tuple of (str, str or None, str)
        The page, now with one ``<link rel="stylesheet">`` where its ``<style>`` elements were;
        the file name (:data:`STYLESHEET_PATTERN`, named by a hash of its text, so pages with
        the same styles share one file); the file's text. A page whose head has no style, or
        whose styles are not one run of ``<style>`` elements (the order of the cascade could
        change), comes back unchanged, with None and "".
    """
    end = page.find("</head>")
    blocks = list(_HEAD_STYLE.finditer(page, 0, end)) if end > 0 else []
    if not blocks or any(page[a.end():b.start()].strip() for a, b in zip(blocks, blocks[1:])):
        return page, None, ""
    css = '@charset "utf-8";\n' + "\n".join(m.group(1).strip("\n") for m in blocks) + "\n"
    name = STYLESHEET_PATTERN.format(digest=hashlib.sha256(css.encode("utf-8")).hexdigest()[:12])
    link = f'<link rel="stylesheet" type="text/css" href="{name}">'
    return page[:blocks[0].start()] + link + page[blocks[-1].end():], name, css


# --------------------------------------------------------------------------------------------
# Index pages
# --------------------------------------------------------------------------------------------

_e = html_text     # one escaping helper for every page


def _page(title: str, body: str, lang: str, footer: str, nav: str = "") -> str:
    """An index page: ``body`` (HTML) under the bar of links ``nav`` (:func:`month_nav`), the
    footer at the end."""
    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">{csp_meta()}'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{_e(title)}</title>'
            f"<style>{report_css()}</style></head>"
            f'<body class="ecolib-page"><main>{nav}{body}<div class="ecolib-footer">{_e(footer)}</div></main></body></html>\n')


def month_nav(summary: dict, current: str | None = None, *, href: Callable[[dict], str] = lambda a: a["html"],
              brief: str = "index.html", glossary: str = "index.html#glossary",
              months: str | None = "../index.html") -> str:
    """The bar of links of a month's pages (:func:`~ecolib.presentation.page.nav_bar`): the
    brief, every analysis page of ``summary`` by its title, the glossary on the brief (if the
    report has one), the index of months; ``current`` is the link of the page it is on.
    ``href`` / ``brief`` / ``glossary`` / ``months``: the links in a month folder (the
    defaults) or in the single file (anchors, no index of months)."""
    lang = summary["lang"]
    return nav_bar([(href(a), a.get("title", a["notebook"])) for a in summary["analyses"]], lang,
                   current=current, brief=brief, glossary=glossary if glossary_entries(lang) else None,
                   months=months)


def _rank(value, order) -> int:
    return order.index(value) if value in order else len(order)


def sorted_alerts(alerts: list[dict]) -> list[dict]:
    """Most severe first, then new before ongoing before resolved, then the longest in breach
    (the order of the brief's actions, :mod:`ecolib.analyses.brief`)."""
    return sorted(alerts, key=lambda a: (_rank(a.get("severity"), SEVERITIES),
                                         _rank(a.get("status"), ALERT_STATUSES),
                                         -len(a.get("months_in_breach") or []), str(a.get("metric"))))


def _label(kind: str, value, lang: str) -> str:
    """Translated severity/status label (the evaluation analysis defines them), else the code."""
    key = f"evaluation.{kind}.{value}"
    return t(key, lang) if has(key, lang) else str(value)


def alert_counts(summary: dict) -> dict[str, int]:
    """Open alerts (new or ongoing) by severity, most severe first, plus ``resolved``."""
    counts: dict[str, int] = {}
    for alert in sorted_alerts(summary.get("alerts", [])):
        key = "resolved" if alert.get("status") == "resolved" else str(alert.get("severity", "info"))
        counts[key] = counts.get(key, 0) + 1
    return counts


def month_index(summary: dict, *, park: str, footer: str) -> str:
    """``index.html`` of one month: headline cards per analysis, alerts, links."""
    lang, month = summary["lang"], summary["month"]
    return _page(t("report.index_title", lang, park=park, month=month), _month_index_body(summary, park=park),
                 lang, footer, nav=month_nav(summary, "index.html"))


def _section_links(summary: dict, anchor_href: Callable[[dict, str], str]) -> dict[str, tuple[str, str]]:
    """Section key → (link, "page: section heading") for every section a page recorded."""
    links: dict[str, tuple[str, str]] = {}
    for a in summary.get("analyses", []):
        for key, heading in a.get("sections", []):
            text = t("brief.evidence_link", summary["lang"], page=a.get("title", a["notebook"]), section=heading)
            links.setdefault(key, (anchor_href(a, section_anchor(key)), text))
    return links


def _brief_html(summary: dict, lang: str, links: dict[str, tuple[str, str]]) -> str:
    """The brief of the month: what happened, this month's actions, the headline figures."""
    brief = summary.get("brief")
    if not brief:
        return ""
    parts = []
    if brief.get("story"):
        parts.append(f'<div class="ecolib-section" id="brief"><h2>{_e(t("brief.what_happened", lang))}</h2></div>'
                     f'<p class="ecolib-story">{_e(" ".join(brief["story"]) if lang != "zh" else "".join(brief["story"]))}</p>')
    parts.append(f'<div class="ecolib-section" id="actions"><h2>{_e(t("brief.actions_heading", lang))}</h2>'
                 f'<p class="intro">{_e(t("brief.actions_intro", lang))}</p></div>')
    items = []
    for action in brief.get("actions", []):
        link = links.get(action.get("section", ""))
        sep = t("brief.label_sep", lang)
        evidence = (f'<div class="evidence">{_e(t("brief.evidence", lang))}{sep}<a href="{_e(link[0])}">{_e(link[1])}</a></div>'
                    if link else "")
        items.append(f'<li class="ecolib-action action-{_e(action.get("kind"))}">'
                     f'<div class="what">{_e(action.get("what"))}</div>'
                     f'<div class="why"><b>{_e(t("brief.why", lang))}</b>{sep}{_e(action.get("why"))}</div>'
                     f'<div class="programme"><b>{_e(t("brief.programme_label", lang))}</b>{sep}{_e(action.get("programme"))}</div>'
                     f"{evidence}</li>")
    parts.append(f'<ol class="ecolib-actions">{"".join(items)}</ol>' if items
                 else f'<p>{_e(t("brief.no_actions", lang))}</p>')
    parts.append(f'<details class="ecolib-rule"><summary>{_e(t("brief.rule_heading", lang))}</summary>'
                 f'<p>{_e(brief.get("rule", ""))}</p></details>')
    figures = summary.get("figures") or []
    if figures:
        previous = brief.get("previous_month")
        intro = (t("brief.figures_intro", lang, previous=previous) if previous else t("brief.figures_intro_first", lang))
        cols = [("", t("brief.figure_col", lang)), (' class="num"', t("brief.this_month", lang, month=summary["month"]))]
        if previous:                        # no month before: no empty columns of "–"
            cols += [(' class="num"', t("brief.this_month", lang, month=previous)), (' class="num"', t("brief.change", lang))]
        head = "".join(f"<th{cls}>{_e(text)}</th>" for cls, text in cols + [("", t("brief.direction", lang))])
        rows = "".join(
            f'<tr class="verdict-{_e(f["verdict"])}"><td class="wrap">{_e(f["label"])}</td><td class="num">{_e(f["text"])}</td>'
            + (f'<td class="num">{_e(f["previous_text"])}</td><td class="num">{_e(f["change_text"])}</td>' if previous else "")
            + f'<td class="verdict">{_e(f["verdict_text"])}</td></tr>' for f in figures)
        parts.append(f'<div class="ecolib-section" id="figures"><h2>{_e(t("brief.figures_heading", lang))}</h2>'
                     f'<p class="intro">{_e(intro)}</p></div>'
                     f'<table class="ecolib-table ecolib-figures"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    return "".join(parts)


def _month_index_body(summary: dict, *, park: str, href: Callable[[dict], str] = lambda a: a["html"],
                      anchor_href: Callable[[dict, str], str] = lambda a, anchor: f'{a["html"]}#{anchor}',
                      files: bool = True) -> str:
    """The content of a month's index, the brief: ``href`` gives the link to an analysis page,
    ``anchor_href`` the link to one of its sections, ``files`` adds the links to tables.xlsx and
    summary.json (beside the page in the month folder)."""
    lang, month = summary["lang"], summary["month"]
    brief = summary.get("brief") or {}
    title = brief.get("title") or t("report.index_title", lang, park=park, month=month)
    parts = [f'<div class="ecolib-title"><h1>{_e(title)}</h1>'
             f'<div class="sub">{_e(t("report.index_intro", lang, month=month))}</div></div>']
    parts.append(_brief_html(summary, lang, _section_links(summary, anchor_href)))
    alerts = sorted_alerts(summary.get("alerts", []))
    if alerts:
        head = "".join(f"<th>{_e(t(k, lang))}</th>" for k in
                       ("report.alert.level", "report.alert.indicator", "report.alert.status",
                        "report.alert.message", "report.alert.action"))
        rows = "".join(f'<tr class="alert-{_e(a.get("severity"))}"><td>{_e(_label("severity", a.get("severity"), lang))}</td>'
                       f"<td>{_e(a.get('metric_name') or a.get('metric'))}</td>"
                       f"<td>{_e(_label('status', a.get('status'), lang))}</td>"
                       f'<td class="wrap">{_e(a.get("message"))}</td><td class="wrap">{_e(a.get("action"))}</td></tr>'
                       for a in alerts)
        alert_html = f'<table class="ecolib-table ecolib-alerts"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    elif any(f.get("id") == "open_alerts" and f.get("verdict") == "not_reported" for f in summary.get("figures", [])):
        alert_html = f"<p>{_e(t('report.alerts_not_evaluated', lang))}</p>"     # nothing evaluated is not "no alerts"
    else:
        alert_html = f"<p>{_e(t('report.no_alerts', lang))}</p>"
    parts.append(f'<div class="ecolib-section" id="alerts"><h2>{_e(t("report.alerts", lang))}</h2></div>{alert_html}')
    links = "".join(f'<li><a href="{_e(href(a))}">{_e(a.get("title", a["notebook"]))}</a></li>'
                    for a in summary["analyses"])
    groups = []
    for a in summary["analyses"]:
        cards = "".join(f'<div class="ecolib-card"><div class="value">{_e(v)}</div><div class="label">{_e(k)}</div></div>'
                        for k, v in a.get("cards", []))
        if cards:
            groups.append(f'<h3><a href="{_e(href(a))}">{_e(a.get("title", a["notebook"]))}</a></h3>'
                          f'<div class="ecolib-cards">{cards}</div>')
    parts.append(f'<div class="ecolib-section" id="pages"><h2>{_e(t("brief.pages_heading", lang))}</h2></div>'
                 f'<ul>{links}</ul>')
    if groups:
        parts.append(f'<details class="ecolib-page-cards"><summary>{_e(t("brief.pages_more", lang))}</summary>'
                     f'{"".join(groups)}</details>')
    parts.append(_glossary(lang))
    if files:
        parts.append(f'<div class="ecolib-section" id="files"><h2>{_e(t("report.files", lang))}</h2></div><ul>'
                     f'<li><a href="tables.xlsx">{_e(t("report.tables_xlsx", lang))}</a></li></ul>')
    return "".join(parts)


def _glossary(lang: str) -> str:
    """The glossary section of the brief (every page's technical terms), if there is one."""
    try:
        from ecolib.presentation.glossary import glossary_html
    except ImportError:
        return ""
    return glossary_html(lang)


def _month_summaries(workspace_dir: Path) -> list[tuple[str, dict]]:
    """(month, summary) of every rendered month of a workspace folder, newest first; a month
    whose summary.json cannot be read is left out."""
    months = []
    for folder in sorted((p for p in workspace_dir.iterdir() if p.is_dir() and MONTH_DIR.match(p.name)), reverse=True):
        try:
            months.append((folder.name, json.loads((folder / "summary.json").read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return months


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) else None


#: The change of a figure since the month before it in the index: arrow, verdict.
_ARROWS = {"up": "▲", "down": "▼", "same": "="}


def _change(figure: dict, before: dict | None) -> tuple[str, str]:
    """(direction, verdict) of ``figure`` against the same figure of the month before it:
    direction ``up`` / ``down`` / ``same`` (the same text at the precision shown is a tie), or
    "" where either month has no value; verdict ``better`` / ``worse`` by the figure's
    ``better`` (``higher`` / ``lower``), ``changed`` where it has none, ``same``."""
    now, then = _number(figure.get("value")), _number((before or {}).get("value"))
    if now is None or then is None:
        return "", ""
    if figure.get("text") == before.get("text") or now == then:
        return "same", "same"
    direction = "up" if now > then else "down"
    better = figure.get("better")
    if better not in ("higher", "lower"):
        return direction, "changed"
    return direction, "better" if (direction == "up") == (better == "higher") else "worse"


def _sparkline(values: list[float | None], label: str) -> str:
    """A small trend line (inline SVG, no script) of ``values``, oldest first, scaled to its own
    range; a month without a value breaks the line (a value alone between gaps is a dot). ""
    with fewer than two values."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    step = 94 / (len(values) - 1)               # 3 units of room at each end for the line's caps
    runs: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            y = 12.0 if high == low else 21 - 18 * (v - low) / (high - low)
            runs[-1].append(f"{3 + i * step:.1f},{y:.1f}")
    stroke = 'stroke="#1f6f8b" vector-effect="non-scaling-stroke" stroke-linecap="round"'
    lines = "".join(f'<polyline points="{" ".join(run)}" fill="none" stroke-width="1.6" {stroke}/>' if len(run) > 1
                    else f'<polyline points="{run[0]} {run[0]}" fill="none" stroke-width="3" {stroke}/>'
                    for run in runs if run)
    return (f'<svg class="spark" viewBox="0 0 100 24" preserveAspectRatio="none" width="100%" height="24" '
            f'role="img" aria-label="{_e(label)}">{lines}</svg>')


def _series_figures(months: list[tuple[str, dict]], lang: str) -> str:
    """The headline figures of the months that have them (the brief's ``summary["figures"]``):
    one row per month, newest first, one column per figure with its value and its change since
    the month before it in the index, a trend line per figure above its column."""
    rows = [(month, {f["id"]: f for f in s.get("figures") or [] if isinstance(f, dict) and f.get("id")})
            for month, s in months]
    same_lang = {month for month, s in months if s.get("lang") == lang}
    rows = [(month, figures) for month, figures in rows if figures]
    heading = f'<div class="ecolib-section" id="figures"><h2>{_e(t("report.series_figures_heading", lang))}</h2>'
    if not rows:
        return heading + f'<p class="intro">{_e(t("report.series_figures_none", lang))}</p></div>'
    ids: list[str] = []
    labels: dict[str, str] = {}
    for month, figures in rows:                       # the newest month's order, then older ones' figures
        ids += [fid for fid in figures if fid not in ids]
    for month, figures in sorted(rows, key=lambda row: row[0] not in same_lang):   # labels in the index's language
        for fid, f in figures.items():
            labels.setdefault(fid, str(f.get("label") or fid))
    sep = t("brief.label_sep", lang)
    head = f'<th>{_e(t("common.month", lang))}</th>' + "".join(f'<th class="num">{_e(labels[i])}</th>' for i in ids)
    oldest_first = list(reversed(rows))
    sparks = f'<th>{_e(t("report.series_trend", lang))}</th>' + "".join(
        "<th>" + _sparkline([_number(figures.get(i, {}).get("value")) for _, figures in oldest_first],
                            f'{labels[i]}{sep}' + t("report.series_months_span", lang,
                                                    first=month_text(oldest_first[0][0], lang),
                                                    last=month_text(oldest_first[-1][0], lang))) + "</th>"
        for i in ids)
    body = []
    for n, (month, figures) in enumerate(rows):
        cells = []
        for i in ids:
            f = figures.get(i)
            if f is None:
                cells.append('<td class="num">–</td>')
                continue
            before = next((older[i] for _, older in rows[n + 1:] if i in older), None)
            direction, verdict = _change(f, before)
            text = str(f.get("text") if f.get("text") not in (None, "") else "–")
            if direction:
                since = month_text(next(m for m, older in rows[n + 1:] if i in older), lang)
                tip = f'{t(f"brief.verdict.{verdict}", lang)} ({since})'
                cells.append(f'<td class="num {verdict}" title="{_e(tip)}">{_e(text)} '
                             f'<span aria-label="{_e(tip)}">{_ARROWS[direction]}</span></td>')
            else:
                cells.append(f'<td class="num">{_e(text)}</td>')
        body.append(f'<tr><td><a href="{_e(month)}/index.html">{_e(month_text(month, lang))}</a></td>{"".join(cells)}</tr>')
    return (heading + f'<p class="intro">{_e(t("report.series_figures_intro", lang))}</p></div>'
            f'<table class="ecolib-table ecolib-series"><thead><tr>{head}</tr><tr class="spark">{sparks}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def series_index(workspace_dir: Path, *, park: str, lang: str, footer: str) -> str:
    """``<workspace>/index.html``: the headline figures of every rendered month, newest first,
    with their change since the month before and a trend line each; then every month's report
    with its language and alert counts. Months, lists and labels as ``lang`` writes them.

    Parameters
    ----------
    workspace_dir : Path
        ``<out>/<report id>/<lang>/``: one folder per rendered month (``YYYY-MM``) with its
        summary.json (the brief's ``figures``: ``id``, ``label``, ``text``, ``value``, ``better``
        = ``"higher"`` / ``"lower"`` / None; a month without them is left out of the figures).
    park, lang, footer : str
        The park's name, the index's language, the footer line.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> root = Path(tempfile.mkdtemp())
    >>> for month, firms in (("2026-09", 290), ("2026-10", 294)):
    ...     _ = (root / month).mkdir()
    ...     _ = (root / month / "summary.json").write_text(json.dumps({"lang": "en", "month": month, "alerts": [],
    ...         "figures": [{"id": "firms", "label": "Active firms", "text": str(firms), "value": firms,
    ...                      "better": "higher"}]}))
    >>> page = series_index(root, park="Demo", lang="en", footer="")
    >>> '<td class="num better" title="better (2026-09)">294 <span' in page
    True
    """
    months = _month_summaries(workspace_dir)
    list_sep, sep = t("report.list_sep", lang), t("brief.label_sep", lang)
    rows = []
    for month, summary in months:
        counts = list_sep.join(f"{_label('severity', k, lang) if k != 'resolved' else _label('status', k, lang)}{sep}{v}"
                               for k, v in alert_counts(summary).items()) or "–"
        rows.append(f'<tr><td><a href="{_e(month)}/index.html">{_e(month_text(month, lang))}</a></td>'
                    f'<td>{_e(t("report.language", summary.get("lang", "en")))}</td><td>{_e(counts)}</td></tr>')
    head = (f"<tr><th>{_e(t('common.month', lang))}</th><th>{_e(t('report.language_col', lang))}</th>"
            f"<th>{_e(t('report.alerts', lang))}</th></tr>")
    body = (f'<div class="ecolib-title"><h1>{_e(t("report.series_title", lang, park=park))}</h1>'
            f'<div class="sub">{_e(t("report.series_intro", lang))} '
            f'<a href="../index.html">{_e(t("report.all_languages", lang))}</a></div></div>'
            + _series_figures(months, lang)
            + f'<div class="ecolib-section" id="reports"><h2>{_e(t("report.series_months_heading", lang))}</h2></div>'
            f'<table class="ecolib-table"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>')
    return _page(t("report.series_title", lang, park=park), body, lang, footer)


def languages_index(report_dir: Path, parks: dict[str, str], *, footer: str = "") -> str:
    """``<out>/<report id>/index.html``: the languages this workspace's report was rendered in,
    each as its own readers write it, with how many months and the latest, linking each
    language's index of months (``<lang>/index.html``).

    Parameters
    ----------
    report_dir : Path
        ``<out>/<report id>/``, holding one folder per language.
    parks : dict
        The park's name by language (:func:`~ecolib.presentation.names.park_name`).
    footer : str
        The footer line.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> root = Path(tempfile.mkdtemp())
    >>> for lang in ("en", "zh"):
    ...     _ = (root / lang / "2026-10").mkdir(parents=True)
    ...     _ = (root / lang / "2026-10" / "summary.json").write_text(json.dumps({"lang": lang, "month": "2026-10"}))
    >>> page = languages_index(root, {"en": "Demo Park", "zh": "示范园"})
    >>> '<a href="zh/index.html">中文</a>' in page and "示范园——已出 1 个月的报告，最新：2026年10月" in page
    True
    """
    rows = []
    for lang in LANGS:
        months = _month_summaries(report_dir / lang) if (report_dir / lang).is_dir() else []
        if months:
            line = t("report.languages_line", lang, park=parks.get(lang, ""), n=len(months),
                     latest=month_text(months[0][0], lang))
            rows.append(f'<li lang="{_e(lang)}"><a href="{_e(lang)}/index.html">{_e(t("report.language", lang))}</a>'
                        f" · {_e(line)}</li>")
    names = list(dict.fromkeys(parks.get(lang, "") for lang in LANGS if parks.get(lang)))
    title = " / ".join(names)
    body = (f'<div class="ecolib-title"><h1>{_e(title)}</h1>'
            f'<div class="sub">{_e(" / ".join(t("report.languages_intro", lang) for lang in LANGS))}</div></div>'
            f'<ul class="ecolib-languages">{"".join(rows)}</ul>')
    return _page(title, body, "en", footer)


# --------------------------------------------------------------------------------------------
# The month as one file
# --------------------------------------------------------------------------------------------

#: The sections of the single-file report (the bar of links is every page's, report.css).
_SINGLE_FILE_CSS = """
.ecolib-part { scroll-margin-top: 52px; }
.ecolib-part + .ecolib-part { border-top: 3px solid #1f6f8b; margin-top: 48px; padding-top: 12px; }
@media print { .ecolib-part + .ecolib-part { break-before: page; border-top: none; margin-top: 0; } }
"""
_LINKED_STYLE = re.compile(r'<link rel="stylesheet" type="text/css" href="([^"/\\]+)">')
_LINKED_SCRIPT = re.compile(r'<script\b[^>]*\bsrc="([^"/\\]+)"[^>]*></script>')
_FOOTER_END = re.compile(r'<div class="ecolib-footer">(.*?)</div>\s*$', re.S)
#: A page's own bar of links (or the slot for it) at the start of its ``<main>``.
_PAGE_NAV = re.compile(r'^\s*(?:<nav class="ecolib-nav"[^>]*>.*?</nav>|' + re.escape(NAV_SLOT) + ")", re.S)


def _prefix_ids(html: str, prefix: str) -> str:
    """Every ``id`` of a page's body made unique in the single file: ``id="X"`` and each quoted
    reference to it (``"X"``, ``'X'``, ``"#X"``: figure scripts, anchors) become ``prefix-X``."""
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    if not ids:
        return html
    names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return re.sub(rf"""(["'])(#?)({names})\1""", lambda m: f"{m[1]}{m[2]}{prefix}-{m[3]}{m[1]}", html)


def _part_href(a: dict) -> str:
    """The link to an analysis page inside the single file."""
    return "#" + a["notebook"]


def _part_anchor(a: dict, anchor: str) -> str:
    """The link to a section of an analysis page inside the single file (ids carry the page's prefix)."""
    return f"#{a['notebook']}-{anchor}"


def single_file_html(folder: Path, *, park: str) -> str:
    """The month in ``folder`` (a month folder as the runner writes it) as one self-contained
    HTML file: the index, then every analysis page as a section, a bar of links at the top;
    plotly.js and the style sheets inlined once; the same Content-Security-Policy (nothing is
    loaded from anywhere). tables.xlsx and summary.json stay in the folder.

    Parameters
    ----------
    folder : Path
        ``<out>/<report id>/<lang>/<month>/``: summary.json, the pages it lists, the files they link.
    park : str
        The park's name as the index shows it (the Chinese name in a Chinese report).
    """
    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    lang, month = summary["lang"], summary["month"]
    styles: list[str] = []
    scripts: list[str] = []
    body_tag, footer, sections = None, "", []
    for a in summary["analyses"]:
        page = (folder / a["html"]).read_text(encoding="utf-8")
        head, _, body = page.partition("</head>")
        for name in _LINKED_STYLE.findall(head):
            css = (folder / name).read_text(encoding="utf-8").removeprefix('@charset "utf-8";\n')
            if css not in styles:
                styles.append(css)
        for m in _HEAD_STYLE.finditer(head):
            if m.group(1) not in styles:
                styles.append(m.group(1))
        for name in _LINKED_SCRIPT.findall(head):
            if name not in scripts:
                scripts.append(name)
        if "Plotly.newPlot" in body and not scripts:          # a page with plotly.js inlined
            scripts.append(plotly_file_name())
        tag = re.search(r"<body\b[^>]*>", body)
        body_tag = body_tag or (tag.group(0) if tag else "<body>")
        inner = body[body.index("<main>") + len("<main>"):body.rindex("</main>")]
        inner = _PAGE_NAV.sub("", inner, count=1)              # one bar, the file's own
        end = _FOOTER_END.search(inner)
        if end:
            footer, inner = end.group(1), inner[:end.start()]
        sections.append(f'<section class="ecolib-part" id="{_e(a["notebook"])}">'
                        f'{_prefix_ids(inner, a["notebook"])}</section>')
    js = []
    for name in scripts:
        js.append(_plotly_js() if name == plotly_file_name() else (folder / name).read_text(encoding="utf-8"))
    nav = month_nav(summary, href=_part_href, brief="#index", glossary="#glossary", months=None)
    index = (f'<section class="ecolib-part ecolib-page" id="index">'
             f'{_month_index_body(summary, park=park, href=_part_href, files=False, anchor_href=_part_anchor)}</section>')
    title = t("report.index_title", lang, park=park, month=month)
    return ("<!DOCTYPE html>\n"
            f'<html lang="{_e(lang)}"><head><meta charset="utf-8">{csp_meta()}'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{_e(title)}</title>'
            + "".join(f'<script type="text/javascript">{code}</script>' for code in js)
            + "".join(f'<style type="text/css">{css}</style>' for css in styles or [report_css()])
            + f'<style type="text/css">{_SINGLE_FILE_CSS}</style></head>\n'
            f'{body_tag or "<body>"}<main>{nav}{index}{"".join(sections)}'
            f'<div class="ecolib-footer">{footer}</div></main></body></html>\n')


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------

@dataclass
class MonthReport:
    """One rendered month.

    ``folder`` is the client folder ``<out>/<report id>/<lang>/<month>/`` and ``index`` its
    ``index.html`` (``folder.parent / "index.html"`` is the index of months of that language);
    ``notebooks`` is the analyst folder of the executed notebooks
    (``<out>/<report id>/<lang>/_analyst/<month>/notebooks/``), never sent to a client;
    ``single_file`` the whole month as one HTML file, ``<out>/<report id>/<lang>/<month>.html``,
    if asked for; ``pdf`` the month as one PDF, ``<out>/<report id>/<lang>/<month>.pdf``, if asked
    for. ``seconds``: the model (``analyse``), each notebook (run and conversion), all the
    notebooks side by side (``notebooks``) and the whole month (``total``).
    """
    folder: Path
    index: Path
    summary: dict
    seconds: dict[str, float] = field(default_factory=dict)
    notebooks: Path | None = None
    single_file: Path | None = None
    pdf: Path | None = None


#: Longest report-folder name made from a workspace name, in UTF-8 bytes (file systems allow
#: 255 bytes per name; the hidden working folders add their own names inside it).
SLUG_MAX_BYTES = 80
ANALYST_DIR = "_analyst"
FAILED_DIR = "_failed"


def _safe_name(name: str) -> str:
    """The workspace's folder name: path and shell-hostile characters become ``_``, leading and
    trailing dots, dashes and underscores go, and a name longer than :data:`SLUG_MAX_BYTES`
    is cut at a character boundary and given a short hash of the full name (so two long names
    that share a beginning stay apart)."""
    text = str(name)
    cleaned = re.sub(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+', "_", text)
    cleaned = cleaned.encode("utf-8", "ignore").decode("utf-8").strip("._-")   # lone surrogates go
    raw = cleaned.encode("utf-8")
    if len(raw) > SLUG_MAX_BYTES:
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        head = raw[: SLUG_MAX_BYTES - len(digest) - 1].decode("utf-8", "ignore").rstrip("._-")
        cleaned = f"{head}-{digest}"
    return cleaned or "workspace"


#: Hex digits of the workspace folder's path hash in a report id.
REPORT_HASH_LENGTH = 6


def report_id(ws: Workspace) -> str:
    """The name of the workspace's report folder: its ``report_id`` setting when given, else a
    readable form of its name and a short hash of the workspace folder's resolved path, so two
    workspaces with the same name (two clients' folders both called ``data``) never share one.

    Parameters
    ----------
    ws : Workspace
        The loaded workspace (its ``path`` and ``settings``).

    Returns
    -------
    str
        e.g. ``demo-3f9a1c``; the same for every run on the same folder, wherever it is called from.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from ecolib.workspace.settings import Settings
    >>> ws = SimpleNamespace(name="Lingang EV park", path=Path("/parks/lingang"), settings=Settings())
    >>> rid = report_id(ws)
    >>> rid.startswith("Lingang_EV_park-") and len(rid) == len("Lingang_EV_park-") + REPORT_HASH_LENGTH
    True
    >>> report_id(SimpleNamespace(name="x", path=Path("/p"), settings=Settings(report_id="lingang-ev")))
    'lingang-ev'
    """
    given = getattr(ws.settings, "report_id", "")
    if given:
        return given
    where = str(Path(ws.path).resolve()).encode("utf-8", "surrogatepass")
    return f"{_safe_name(ws.name)}-{hashlib.sha1(where).hexdigest()[:REPORT_HASH_LENGTH]}"


def report_folder(ws: Workspace, out: str | Path, lang: str) -> Path:
    """``<out>/<report id>/<lang>/``: the folder of one workspace's reports in one language
    (:func:`report_id`), with the index of its months and one folder per month.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from ecolib.workspace.settings import Settings
    >>> ws = SimpleNamespace(name="x", path=Path("/p"), settings=Settings(report_id="lingang-ev"))
    >>> report_folder(ws, "reports", "zh").as_posix()
    'reports/lingang-ev/zh'
    """
    return Path(out) / report_id(ws) / lang


# ---- one run at a time per workspace and month ----------------------------------------------

@contextlib.contextmanager
def month_lock(ws_dir: Path, month: str):
    """Hold the lock of one month of one workspace's report folder for the length of a run.

    The lock is an exclusive ``flock`` on ``<ws_dir>/.<month>.lock``, taken without waiting:
    if another run holds it, :class:`ReportError` says which process (the holder writes its
    process id, host and start time into the file). The kernel releases the lock when the
    holder ends, however it ends, so a killed run never blocks the next one. The file is
    removed on release; a run that then finds it has locked a removed file tries again.

    Parameters
    ----------
    ws_dir : Path
        The workspace's report folder of one language, ``<out>/<report id>/<lang>/``
        (:func:`report_folder`; must exist).
    month : str
        ``YYYY-MM``.

    Yields
    ------
    Path
        The lock file.

    Raises
    ------
    ReportError
        Another run renders this month of this workspace.
    """
    import fcntl

    path = ws_dir / f".{month}.lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.read(fd, 400).decode("utf-8", "replace").strip()
            finally:
                os.close(fd)
            raise ReportError(
                f"{ws_dir / month}: another report run ({holder or 'a process that is just starting'}) is "
                f"rendering this month; wait for it to finish, then run again (lock: {path})") from None
        except BaseException:
            os.close(fd)
            raise
        try:
            st, now = os.fstat(fd), os.stat(path)
            same = (st.st_ino, st.st_dev) == (now.st_ino, now.st_dev)
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)                 # locked a lock file that its last holder just removed
    try:
        os.ftruncate(fd, 0)
        started = _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        os.write(fd, f"process {os.getpid()} on {socket.gethostname()}, started {started}\n".encode())
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


# ---- Ctrl-C and SIGTERM -----------------------------------------------------------------------

class _Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived while a month was being rendered."""


class _Signals:
    """SIGINT and SIGTERM raise :class:`_Interrupted` (once) instead of killing the run, so the
    run can clean up; while ``hold`` is set (publishing) they are only remembered."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.hold = False
        self._previous: dict = {}

    def _handler(self, signum, frame) -> None:
        if self.received is None:
            self.received = signum
            if not self.hold:
                raise _Interrupted(self.name)

    @property
    def name(self) -> str:
        return signal.Signals(self.received).name if self.received else ""

    def __enter__(self) -> "_Signals":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._previous.items():
            signal.signal(sig, old)


# ---- folders ----------------------------------------------------------------------------------

_REASONS = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "the disk quota is used up",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.EROFS: "the file system is read-only", errno.ENOTDIR: "a file is in the way",
            errno.EEXIST: "a file is in the way", errno.ENAMETOOLONG: "a name is too long",
            errno.EIO: "input/output error"}


def _reason(err: OSError) -> str:
    return _REASONS.get(err.errno, err.strerror or type(err).__name__)


def _where(err: OSError, ws_dir: Path, month: str) -> str:
    """The file the error names, as the place it was going to be published to."""
    if not err.filename:
        return str(ws_dir)
    path = Path(os.fsdecode(err.filename))
    parts = path.parts
    for i, part in enumerate(parts):
        if part.startswith(f".{month}.partial-") and i + 1 < len(parts):
            kind, rest = parts[i + 1], parts[i + 2:]
            if kind in (f"{month}.html", f"{month}.pdf"):
                return str(ws_dir / kind)
            base = ws_dir / month if kind == "client" else ws_dir / ANALYST_DIR / month
            return str(base.joinpath(*rest))
    return str(path)


def _in_the_way(path: Path) -> Path | None:
    """``path`` or the first of its parents that exists but is not a folder."""
    for p in [*reversed(path.parents), path]:
        if p.exists() and not p.is_dir():
            return p
    return None


def _make_dir(path: Path) -> None:
    blocker = _in_the_way(path)
    if blocker is not None:
        raise ReportError(f"{blocker} is a file where the report folder {path} should be; move it away and run again")
    path.mkdir(parents=True, exist_ok=True)


def _check_targets(ws_dir: Path, month: str) -> None:
    for target in (ws_dir / month, ws_dir / ANALYST_DIR / month / "notebooks", ws_dir / FAILED_DIR / month):
        blocker = _in_the_way(target)
        if blocker is not None:
            raise ReportError(f"{blocker} is a file where the report folder {target} should be; "
                              "move it away and run again")
    if (ws_dir / "index.html").is_dir():
        raise ReportError(f"{ws_dir / 'index.html'} is a folder where the index of months should be; "
                          "move it away and run again")
    if (ws_dir / f"{month}.html").is_dir():
        raise ReportError(f"{ws_dir / f'{month}.html'} is a folder where the month as one file should be; "
                          "move it away and run again")


def _recover(ws_dir: Path, month: str) -> None:
    """Clean what an interrupted earlier run of ``month`` left: its partial folders go; a
    published client or analyst folder that was moved aside but not replaced is put back.
    Only ever called while holding :func:`month_lock` for ``month``."""
    for partial in ws_dir.glob(f".{month}.partial-*"):
        shutil.rmtree(partial, ignore_errors=True)
    for parent in (ws_dir, ws_dir / ANALYST_DIR):
        final = parent / month
        for old in sorted(parent.glob(f".{month}.old-*")):
            if not final.exists():
                old.rename(final)
            else:
                shutil.rmtree(old, ignore_errors=True)


def _publish(tmp: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
        try:
            tmp.rename(final)
        except BaseException:
            old.rename(final)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(final)


@contextlib.contextmanager
def _folder_lock(folder: Path):
    """A short exclusive ``flock`` on the folder itself (waits): one writer of the index of
    months at a time, and no lock file left behind."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def check_workspace(workspace: str | Path) -> Workspace:
    """Load ``workspace``; a workspace that cannot be used raises :class:`ReportError`."""
    try:
        return load_workspace(Path(workspace))
    except WorkspaceError as err:
        raise ReportError(f"workspace {workspace} cannot be used:\n{err}") from None


def _one_line(text) -> str:
    return " ".join(str(text).split())


def render_month(ws: Workspace, month: str, *, lang: str = "en", only: Iterable[str] | None = None,
                 out: str | Path = "reports", notebooks_dir: str | Path | None = None,
                 progress: Callable[[str], None] = print, single_file: bool = False, pdf: bool = False,
                 series: "_Series | None" = None) -> MonthReport:
    """Render one month of ``ws`` (already loaded and valid) and publish it atomically.

    Parameters
    ----------
    ws : Workspace
        The loaded workspace.
    month : str
        ``YYYY-MM``, within the months the workspace has data for.
    lang : str
        Report language, one of :data:`ecolib.presentation.i18n.LANGS`.
    only : iterable of str, optional
        Run only these notebooks (see :func:`discover_notebooks`); the other pages of the month
        as published before are kept, and the month's index, summary.json and tables.xlsx hold
        the kept and the new pages.
    out : str or Path
        Output folder; the month goes to ``<out>/<report id>/<lang>/<month>/``
        (:func:`report_folder`).
    notebooks_dir : str or Path, optional
        Folder of the notebooks to run (default: :func:`default_notebooks_dir`).
    progress : callable
        Called with a line of progress per notebook.
    single_file : bool
        Also write the whole month as one self-contained HTML file,
        ``<out>/<report id>/<lang>/<month>.html`` (see :func:`single_file_html`); without it, an
        older one of that month is removed (it would disagree with the new folder).
    pdf : bool
        Also print the month as one A4 PDF, ``<out>/<report id>/<lang>/<month>.pdf``, with
        headless Chromium (:func:`ecolib.pdf.html_to_pdf`); without Chromium the run stops
        before rendering anything. Without it, an older PDF of that month is removed.
    series : _Series, optional
        What the months of one run share (:func:`render` passes it): the warm kernels, and the
        model of the month rendered just before, which this month's brief compares with.

    Returns
    -------
    MonthReport

    Raises
    ------
    ReportError
        Anything that stops the run, as one line naming what and where: a failing notebook,
        another run holding the month, a folder that cannot be written (read-only, disk full,
        a file in the way), Ctrl-C or SIGTERM. Nothing half-written is left, and an earlier
        report of the month is unchanged.
    """
    if lang not in LANGS:
        raise ReportError(f"language {lang!r} is not available; choose one of {', '.join(LANGS)}")
    if not is_month(month):
        raise ReportError(f"month {month!r} is not YYYY-MM")
    available = ws.months()          # none when the workspace has no monthly table (no flows, no kpis):
    if available and (month < available[0] or month > available[-1]):   # then any month is the firm list's
        raise ReportError(f"no data for {month}: workspace {ws.name} covers {available[0]}..{available[-1]}")
    if pdf:
        from ecolib.pdf import PdfError, require_chromium

        try:
            require_chromium()
        except PdfError as err:
            raise ReportError(str(err)) from None
    folder = Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()
    notebooks = discover_notebooks(folder, only)
    keep = {p.stem for p in discover_notebooks(folder)} - {p.stem for p in notebooks} if only else set()
    kernel = ensure_kernel()
    ws_dir = report_folder(ws, out, lang)
    signals = _Signals()
    try:
        with signals:
            _make_dir(ws_dir)
            with month_lock(ws_dir, month):
                signals.hold = True          # a recovery is a few renames: let it finish
                _recover(ws_dir, month)
                signals.hold = False
                if signals.received:
                    raise _Interrupted(signals.name)
                _check_targets(ws_dir, month)
                report = _render_locked(ws, month, ws_dir, notebooks, kernel, lang=lang, progress=progress,
                                        signals=signals, single_file=single_file, pdf=pdf, keep=keep,
                                        series=series)
    except _Interrupted:
        raise ReportError(f"interrupted ({signals.name or 'SIGINT'}): no report was published for {month} in "
                          f"{ws_dir}; an earlier report of {month} is unchanged") from None
    except OSError as err:
        raise ReportError(f"cannot write the report for {month}: {_reason(err)} ({_where(err, ws_dir, month)}); "
                          f"nothing was published, an earlier report of {month} is unchanged") from None
    if signals.received:             # arrived while publishing: the month is out, stop here
        raise ReportError(f"interrupted ({signals.name}) after the report for {month} was published at "
                          f"{report.folder}")
    return report


# ---- notebooks side by side -------------------------------------------------------------------

#: Arguments of every kernel the runner starts.
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]
#: Imported by each kernel as soon as it has started, while the month model is being computed,
#: with the modules the notebooks import (:func:`_warm_up`): ecolib's notebook set-up and every
#: analysis (reading the stored model back needs them all).
WARM_UP = ("ecolib.notebook", "ecolib.analyses.*")
#: Run in a kernel between two notebooks: a fresh namespace (IPython's ``%reset``), In [1]
#: again, the notebook folder as working directory; modules stay imported. The full garbage
#: collection that ``reset`` ends with (a fifth of a second, with pandas and plotly loaded) is
#: left to the collector's own schedule.
_RESET = """\
def _ecolib_reset(ip, gc, os, cwd):
    collect = gc.collect
    gc.collect = lambda generation=2: 0
    try:
        ip.reset(new_session=True)
    finally:
        gc.collect = collect
    os.chdir(cwd)
_ecolib_reset(get_ipython(), __import__("gc"), __import__("os"), {cwd!r})"""
POOL_ENGINE = "ecolib-pool"


def report_workers(n_notebooks: int) -> int:
    """How many notebooks run side by side: one per core this process may use, at most one per
    notebook; ``ECOLIB_REPORT_WORKERS`` (a whole number, at least 1) overrides the core count."""
    env = os.environ.get("ECOLIB_REPORT_WORKERS", "").strip()
    cores = int(env) if env.isdigit() and int(env) >= 1 else _cores()
    return max(1, min(n_notebooks, cores))


def _cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


#: Thread-pool settings of the compiled libraries a kernel uses (networkit's OpenMP, numpy's BLAS).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def kernel_threads(kernels: int) -> dict[str, str]:
    """The environment that gives each of ``kernels`` kernels running side by side its share of
    the cores for compiled code (networkit's betweenness, BLAS): ``cores // kernels``, at least 1,
    so that two kernels do not each start a thread per core and fight over them. A variable
    already set in this process's environment is left as it is.

    Examples
    --------
    >>> import os
    >>> env = kernel_threads(os.cpu_count() or 1)     # one kernel per core: one thread each
    >>> all(env[v] == "1" for v in env)
    True
    """
    share = str(max(1, _cores() // max(1, kernels)))
    return {v: share for v in THREAD_VARIABLES if v not in os.environ}


def _warm_up(notebooks: list[Path]) -> str:
    """Code that imports :data:`WARM_UP` and every module the notebooks' code imports at the top
    level of a cell (modules that fail to import are left to the notebook to report)."""
    import ast
    import pkgutil

    names: list[str] = []
    for name in WARM_UP:
        if name.endswith(".*"):
            package = __import__(name[:-2], fromlist=["__path__"])
            names += [f"{name[:-2]}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
        else:
            names.append(name)
    for path in notebooks:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:                    # noqa: BLE001  (papermill will say what is wrong)
            continue
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    names += [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.append(node.module)            # and what may be its submodules
                    names += [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    wanted = list(dict.fromkeys(names))
    return (f"import importlib as _il\nfor _m in {wanted!r}:\n    try:\n        _il.import_module(_m)\n"
            "    except BaseException:\n        pass\ndel _il, _m")


def _register_pool_engine() -> None:
    """papermill's nbclient engine on a kernel (and client) the runner started and stops itself:
    papermill parameterises, executes, records errors and writes the notebook as always; the
    kernel is not shut down after the notebook, so the next notebook of the run starts at once."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    if POOL_ENGINE in papermill_engines._engines:
        return

    class PoolEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, *, kc=None,
                                     **kwargs):
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout or kwargs.get("timeout"),
                                        startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                                        log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final_kwargs)
            client.kc = kc                                   # the kernel's client, ready: no new one
            return client.execute()

    papermill_engines.register(POOL_ENGINE, PoolEngine)


@dataclass
class _Job:
    index: int
    source: Path
    executed: Path
    parameters: dict


class _Kernels:
    """Notebooks run side by side, in ``size`` kernels (separate processes), in order of index:
    a worker thread per kernel takes the next notebook not yet taken.

    Each kernel starts at once (while the month model is computed) and imports
    :data:`WARM_UP`; it runs one notebook after another, each in a fresh namespace
    (:data:`_RESET`). A kernel that cannot be started or reset is replaced by papermill's own
    start of a kernel for each of that worker's notebooks (the error, if any, is then papermill's,
    as in a sequential run). Events go to ``events``: ``("started" | "done" | "failed", index,
    payload)``; the payload of "done" is ``(notebook, seconds)``, of "failed" the exception.

    The kernels serve one batch of notebooks (a month) after another: :meth:`submit` hands them
    the next month's notebooks (a fresh ``events`` queue), so the months of one run share warm
    kernels. A worker whose notebook failed stops; the run stops with it.
    """

    def __init__(self, kernel: str, cwd: Path, size: int, warm_up: str = "") -> None:
        self.kernel, self.cwd, self.size, self.warm_up = kernel, str(Path(cwd).resolve()), size, warm_up
        self.events: queue.Queue = queue.Queue()
        self.jobs: list[_Job] = []
        self._stop = threading.Event()
        self.started = False
        self._lock = threading.Lock()
        self._batches = threading.Condition(self._lock)  # notified when a batch is submitted, or at close
        self._batch = 0                                  # batches submitted so far
        self._next, self._limit = 0, None
        self._managers: dict[int, object] = {}         # slot -> kernel manager
        self._running: dict[int, int] = {}             # notebook index -> slot
        self._stopped: set[str] = set()                # threads whose kernel was killed on purpose
        self._threads = [threading.Thread(target=self._work, args=(slot,), daemon=True,
                                          name=f"ecolib-kernel-{slot}") for slot in range(size)]

    def start(self) -> "_Kernels":
        for thread in self._threads:
            thread.start()
        self.started = True
        return self

    def serves(self, kernel: str, cwd: Path, size: int) -> bool:
        """True if these kernels can run the notebooks of ``cwd`` in ``size`` kernels of ``kernel``."""
        return (not self._stop.is_set() and self.alive() and self.kernel == kernel
                and self.cwd == str(Path(cwd).resolve()) and self.size == size)

    def _quiet(self, record) -> bool:
        """papermill's log (nbclient's "Kernel died …") says nothing of a kernel stopped on purpose."""
        return not (self._stop.is_set() or record.threadName in self._stopped)

    def submit(self, jobs: list[_Job]) -> None:
        """Run ``jobs`` (the notebooks of one month); their events go to a fresh ``events``."""
        import logging

        _register_pool_engine()
        logger = logging.getLogger("papermill")
        if self._quiet not in logger.filters:
            logger.addFilter(self._quiet)
        with self._batches:
            self.events = queue.Queue()
            self.jobs = jobs
            self._next, self._limit = 0, None
            self._running = {}
            self._batch += 1
            self._batches.notify_all()

    def alive(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def cancel_after(self, index: int) -> None:
        """Take no notebook after ``index``; stop (kill the kernel of) those running after it."""
        with self._lock:
            self._limit = index if self._limit is None else min(self._limit, index)
            doomed = [slot for i, slot in self._running.items() if i > index]
            self._stopped |= {self._threads[slot].name for slot in doomed}
            managers = [self._managers.get(slot) for slot in doomed]
        for km in managers:
            _kill(km)

    def close(self) -> None:
        """Stop everything: no more notebooks, every kernel killed, the threads joined."""
        with self._batches:
            self._stop.set()
            self._batches.notify_all()
            managers = list(self._managers.values())
        for km in managers:
            _kill(km)
        for thread in self._threads:
            if thread.ident is not None:
                thread.join(timeout=20)
        import logging

        logging.getLogger("papermill").removeFilter(self._quiet)

    # ---- in the worker threads ----

    def _take(self, slot: int) -> _Job | None:
        """The next notebook for the worker in ``slot`` (marked as running there), or None."""
        with self._lock:
            if self._stop.is_set() or self._next >= len(self.jobs):
                return None
            if self._limit is not None and self._next > self._limit:
                return None
            job = self.jobs[self._next]
            self._next += 1
            self._running[job.index] = slot
            return job

    def _start_kernel(self, slot: int):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        km = AsyncKernelManager(kernel_name=self.kernel)
        with self._lock:
            if self._stop.is_set():
                return None, None
            self._managers[slot] = km
        kc = None
        try:
            run_sync(km.start_kernel)(extra_arguments=list(KERNEL_ARGS), cwd=self.cwd,
                                      env={**os.environ, **kernel_threads(self.size)})
            kc = km.client()                 # one client for the kernel's life, as nbclient makes it
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=120)
            kc.allow_stdin = False
            if self.warm_up:
                self._request(km, kc, self.warm_up, timeout=120)
        except BaseException:
            self._drop(slot, km, kc)
            raise
        return km, kc

    def _request(self, km, kc, code: str, timeout: float) -> str:
        """Run ``code`` silently in the kernel; its status ("ok", "error"). Raises if the kernel
        dies or does not answer in time."""
        from jupyter_core.utils import run_sync

        return run_sync(self._arequest)(km, kc, code, timeout)

    async def _arequest(self, km, kc, code: str, timeout: float) -> str:
        msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._stop.is_set():
            try:
                reply = await kc.get_shell_msg(timeout=0.5)
            except queue.Empty:
                if not await km.is_alive():
                    raise RuntimeError("the kernel died") from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return reply["content"].get("status", "")
        raise RuntimeError("the kernel did not answer")

    def _drop(self, slot: int, km, kc) -> None:
        with self._lock:
            self._managers.pop(slot, None)
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        if km is not None:
            from jupyter_core.utils import run_sync

            _kill(km)
            with contextlib.suppress(Exception):
                run_sync(km.shutdown_kernel)(now=True)

    def _execute(self, job: _Job, km, kc) -> nbformat.NotebookNode:
        import papermill as pm

        kwargs = {}
        if km is not None:
            kwargs = {"engine_name": POOL_ENGINE, "km": km, "kc": kc}
        return pm.execute_notebook(
            str(job.source), str(job.executed), parameters=job.parameters, kernel_name=self.kernel,
            progress_bar=False, request_save_on_cell_execute=False, extra_arguments=list(KERNEL_ARGS),
            resources={"metadata": {"path": self.cwd}}, shutdown_kernel="immediate", **kwargs)

    def _next_batch(self, seen: int) -> int:
        """Wait for a batch after the ``seen``-th (or for :meth:`close`); its number."""
        with self._batches:
            self._batches.wait_for(lambda: self._stop.is_set() or self._batch > seen)
            return self._batch

    def _work(self, slot: int) -> None:
        km = kc = None
        try:
            km, kc = self._start_kernel(slot)
        except Exception:                    # noqa: BLE001  (papermill starts one per notebook instead)
            km = kc = None
        try:
            fresh, batch = True, 0
            while not self._stop.is_set():
                batch = self._next_batch(batch)
                while (job := self._take(slot)) is not None:
                    if km is not None and not fresh:
                        try:
                            self._request(km, kc, _RESET.format(cwd=self.cwd), timeout=60)
                        except Exception:
                            self._drop(slot, km, kc)
                            km = kc = None
                    fresh = False
                    if self._stop.is_set() or (self._limit is not None and job.index > self._limit):
                        break                        # stopped while the kernel was being reset
                    self.events.put(("started", job.index, None))
                    started = time.perf_counter()
                    try:
                        nb = self._execute(job, km, kc)
                    except BaseException as err:     # noqa: BLE001  (reported in the main thread)
                        self.events.put(("failed", job.index, err))
                        return                       # the run stops at a failure
                    finally:
                        with self._lock:
                            self._running.pop(job.index, None)
                    self.events.put(("done", job.index, (nb, time.perf_counter() - started)))
        finally:
            self._drop(slot, km, kc)


def _kill(km) -> None:
    """Kill a kernel's process group at once (the kernel runs in a session of its own)."""
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            proc.kill()


def _render_locked(ws: Workspace, month: str, ws_dir: Path, notebooks: list[Path], kernel: str, *,
                   lang: str, progress: Callable[[str], None], signals: _Signals,
                   single_file: bool = False, pdf: bool = False, keep: Iterable[str] = (),
                   series: "_Series | None" = None) -> MonthReport:
    """Render and publish one month (under :func:`month_lock`). ``keep``: the stems of the pages
    that are not run this time but kept from the month as published (``--only``); ``series``:
    the kernels and the previous model shared with the other months of the run."""
    tmp = ws_dir / f".{month}.partial-{os.getpid()}"
    client, analyst = tmp / "client", tmp / "analyst"
    park = park_name(ws.settings, lang)
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    footer = f"ecolib {__version__} · {t('common.generated', lang, when=stamp, workspace=ws.name)}"
    summary = {"workspace": ws.name, "month": month, "lang": lang, "analyses": [], "alerts": []}
    seconds: dict[str, float] = {}
    exported: list[tuple[str, dict]] = []
    final, analyst_final = ws_dir / month, ws_dir / ANALYST_DIR / month
    single_final = ws_dir / f"{month}.html"
    pdf_final = ws_dir / f"{month}.pdf"
    n = len(notebooks)
    names = {i: source.name for i, source in enumerate(notebooks)}
    run_started = time.perf_counter()
    shared = series is not None
    kernels = series.kernels_for(kernel, notebooks) if shared else _Kernels(
        kernel, notebooks[0].parent, report_workers(n), _warm_up(notebooks))
    try:
        (analyst / "notebooks").mkdir(parents=True)
        client.mkdir()
        if not kernels.started:
            kernels.start()                  # the kernels start while the model is computed
        progress(f"analysing {month} …")
        started = time.perf_counter()
        model = series.model_for(ws, month) if shared else analyse(ws, month).compute()
        model_path = model.save(tmp / "model.pickle")   # every page reads this one
        seconds["analyse"] = time.perf_counter() - started
        progress(f"      done in {seconds['analyse']:.1f} s")
        values = {"workspace": str(ws.path.resolve()), "month": month, "lang": lang, "interactive": False,
                  "model": str(model_path.resolve())}
        import papermill as pm
        from papermill.iorw import local_file_io_cwd

        with local_file_io_cwd():            # papermill's file handler, set once for all threads
            kernels.submit([_Job(i, source.resolve(), (analyst / "notebooks" / source.name).resolve(),
                                 _parameters(source, values)) for i, source in enumerate(notebooks)])
            if shared:
                series.compute_ahead(ws, month)     # the next month's model, while these notebooks run
            with _EXPORT_LOCK:
                _exporter(lang)              # built while the first notebooks run
            pages: dict[int, tuple[dict, list[dict], str]] = {}
            failed: tuple[int, BaseException] | None = None
            while True:
                settled = set(pages) | ({failed[0]} if failed else set())
                if failed is None and len(pages) == n:
                    break
                if failed is not None and all(i in settled for i in range(failed[0])):
                    break
                try:
                    kind, i, payload = kernels.events.get(timeout=0.5)
                except queue.Empty:
                    if not kernels.alive() and kernels.events.empty():
                        raise RuntimeError("the notebook runner stopped unexpectedly") from None
                    continue
                if kind == "started":
                    progress(f"[{i + 1}/{n}] {names[i]} …")
                elif kind == "failed":
                    if failed is None or i < failed[0]:
                        failed = (i, payload)
                        kernels.cancel_after(i)
                elif failed is None or i < failed[0]:
                    nb, took = payload
                    converted = time.perf_counter()
                    source = notebooks[i]
                    records, tables = collect_records(nb)
                    title = records.get("title", source.stem)
                    page = to_html(nb, lang=lang, title=f"{park} · {title} · {month_text(month, lang)}", footer=footer,
                                   plotly_src=plotly_file_name())
                    page, css_name, css = externalise_styles(page)
                    if css_name and not (client / css_name).exists():
                        (client / css_name).write_text(css, encoding="utf-8")
                    pages[i] = (records, tables, page)      # written with its bar of links below
                    seconds[source.stem] = took + time.perf_counter() - converted
                    progress(f"[{i + 1}/{n}] {names[i]} done in {seconds[source.stem]:.1f} s")
        if failed is not None:
            i, err = failed
            source = notebooks[i]
            if not isinstance(err, pm.PapermillExecutionError):
                raise err
            if signals.received:             # Ctrl-C reached the kernel too: an interrupt, not a failure
                raise _Interrupted(signals.name) from None
            failed_dir = ws_dir / FAILED_DIR / month
            shutil.rmtree(failed_dir, ignore_errors=True)
            failed_dir.mkdir(parents=True)
            kept = failed_dir / source.name
            shutil.copyfile(analyst / "notebooks" / source.name, kept)
            line = next((s for s in str(err.source).splitlines() if s.strip()), "")
            raise ReportError(
                f"notebook {source.name} failed in cell {err.cell_index} (In [{err.exec_count}]: "
                f"{_one_line(line)}): {err.ename}: {_one_line(err.evalue)}; the failed notebook is kept at "
                f"{kept}; no report was published for {month}") from None
        if not shared:
            kernels.close()                  # free the cores for the rest (a run of months keeps them)
        seconds["notebooks"] = time.perf_counter() - started - seconds["analyse"]
        entries = {source.stem: pages[i] for i, source in enumerate(notebooks)}
        if keep:
            for stem, (records, tables, page) in _kept_pages(ws_dir / month, analyst_final, set(keep) - set(entries),
                                                             lang, client, analyst, progress).items():
                entries[stem] = (records, tables, page)
        plotly_used = False
        (analyst / "pages").mkdir()
        for stem in sorted(entries):             # the order of the notebooks' file names
            records, tables, page = entries[stem]
            plotly_used = plotly_used or f'src="{plotly_file_name()}"' in page.split("</head>", 1)[0]
            exported.extend((stem.split("_", 1)[0], table) for table in tables)
            summary["analyses"].append({"notebook": stem, "html": f"{stem}.html",
                                        "title": records.get("title", stem),
                                        "cards": records.get("cards", []), "headline": records.get("headline", {}),
                                        "sections": records.get("sections", [])})
            summary["alerts"].extend(records.get("alerts", []))
            (analyst / "pages" / f"{stem}.json").write_text(   # what a later --only run keeps of this page
                json.dumps({"alerts": records.get("alerts", []), "tables": tables}, ensure_ascii=False),
                encoding="utf-8")
        for stem in sorted(entries):             # every page links the brief and every other page
            (client / f"{stem}.html").write_text(
                with_nav(_PAGE_NAV_BAR.sub(NAV_SLOT, entries[stem][2], count=1), month_nav(summary, f"{stem}.html")),
                encoding="utf-8")
        brief = brief_records(model, lang)
        summary["figures"] = brief.pop("figures")
        summary["brief"] = brief | {"previous_month": model.brief.previous_month}
        if plotly_used:
            (client / plotly_file_name()).write_bytes(_plotly_js().encode("utf-8"))
        (client / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                             encoding="utf-8")
        write_tables_xlsx(client / "tables.xlsx", exported, about={
            t("report.about.park", lang): park, t("common.month", lang): month_text(month, lang),
            t("report.about.generated", lang): f"ecolib {__version__}, {stamp}",
            t("report.about.note", lang): t("report.about.note_text", lang,
                                            unit=currency_unit(ws.settings.currency, lang))},
            about_sheet=t("report.about.sheet", lang))
        (client / "index.html").write_text(month_index(summary, park=park, footer=footer), encoding="utf-8")
        single_tmp, pdf_tmp = tmp / f"{month}.html", tmp / f"{month}.pdf"
        whole = single_file_html(client, park=park) if single_file or pdf else ""
        if single_file:
            single_tmp.write_text(whole, encoding="utf-8")
        if pdf:
            from ecolib.pdf import PdfError, html_to_pdf

            progress(f"printing {month}.pdf …")
            try:
                printed = html_to_pdf(whole, pdf_tmp)
            except PdfError as err:
                raise ReportError(f"cannot print the PDF of {month}: {err}; no report was published "
                                  f"for {month}") from None
            progress(f"      done in {printed['seconds']:.1f} s")
        signals.hold = True                  # from here on the month is published, whatever arrives
        _publish(analyst, analyst_final)
        for asked, made, published in ((single_file, single_tmp, single_final), (pdf, pdf_tmp, pdf_final)):
            if asked:
                os.replace(made, published)
            elif published.is_file():        # an older one would disagree with the folder
                published.unlink()
        _publish(client, final)              # the client folder last: it is what makes the month
    except BaseException:
        kernels.close()                      # a failed month stops the run: its kernels go
        raise
    finally:
        if not shared:
            kernels.close()
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    failed_root = ws_dir / FAILED_DIR
    shutil.rmtree(failed_root / month, ignore_errors=True)     # a stale failure of this month
    with contextlib.suppress(OSError):
        failed_root.rmdir()                                     # only if empty
    index = ws_dir / "index.html"
    try:
        with _folder_lock(ws_dir):          # months of one workspace rendered side by side
            _write_atomically(index, series_index(ws_dir, park=park, lang=lang, footer=footer))
            _write_atomically(ws_dir.parent / "index.html",
                              languages_index(ws_dir.parent, {code: park_name(ws.settings, code) for code in LANGS}))
    except OSError as err:
        raise ReportError(f"the report for {month} was published at {final}, but the index of months "
                          f"could not be written: {_reason(err)} ({_where(err, ws_dir, month)})") from None
    seconds["total"] = time.perf_counter() - run_started
    return MonthReport(final, final / "index.html", summary, seconds, analyst_final / "notebooks",
                       single_final if single_file else None, pdf_final if pdf else None)


#: The bar of links of a published page (put back to :data:`NAV_SLOT` when the page is kept).
_PAGE_NAV_BAR = re.compile(r'<nav class="ecolib-nav"[^>]*>.*?</nav>', re.S)
#: The executed notebooks' and the kept pages' records, in the analyst folder of a month.
PAGES_DIR = "pages"


def _kept_pages(published: Path, analyst_published: Path, stems: set[str], lang: str, client: Path,
                analyst: Path, progress: Callable[[str], None]) -> dict[str, tuple[dict, list[dict], str]]:
    """The pages of the month as published (``published``, its analyst folder
    ``analyst_published``) whose notebooks are in ``stems``: stem → (records, tables, page), as
    a run gives them. The style sheets and scripts they load are copied into ``client``, their
    executed notebooks into ``analyst``. A page whose records are missing (an analyst folder
    removed by hand) is kept without its tables and alerts, and ``progress`` says so."""
    try:
        old = json.loads((published / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if old.get("lang") != lang:
        return {}
    kept = {}
    for a in old.get("analyses", []):
        stem = a.get("notebook")
        page_file = published / str(a.get("html", ""))
        if stem not in stems or not page_file.is_file():
            continue
        page = page_file.read_text(encoding="utf-8")
        head = page.split("</head>", 1)[0]
        for name in _LINKED_STYLE.findall(head) + _LINKED_SCRIPT.findall(head):
            if name != plotly_file_name() and (published / name).is_file() and not (client / name).exists():
                shutil.copyfile(published / name, client / name)
        try:
            saved = json.loads((analyst_published / PAGES_DIR / f"{stem}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
            progress(f"      {stem}: kept from the earlier run without its tables and alerts (their record is missing)")
        executed = analyst_published / "notebooks" / f"{stem}.ipynb"
        if executed.is_file():
            shutil.copyfile(executed, analyst / "notebooks" / executed.name)
        records = {k: a[k] for k in ("title", "cards", "headline", "sections") if k in a}
        records["alerts"] = saved.get("alerts", [])
        kept[stem] = (records, saved.get("tables", []), page)
        progress(f"      {stem}: kept from the earlier run")
    return kept


def _parameters(notebook: Path, values: dict) -> dict:
    """``values`` less the optional ``model`` where the notebook does not declare it (a notebook
    of its own may leave the month model out and analyse the workspace itself)."""
    import papermill as pm

    if "model" in pm.inspect_notebook(str(notebook)):
        return values
    return {k: v for k, v in values.items() if k != "model"}


class _Ahead(threading.Thread):
    """``fn()`` computed in a thread of its own; :meth:`result` waits for it (and raises what it
    raised). A daemon thread: a run that stops does not wait for it."""

    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__(daemon=True, name="ecolib-next-month")
        self.fn, self.value, self.error = fn, None, None
        self.start()

    def run(self) -> None:
        try:
            self.value = self.fn()
        except BaseException as err:         # noqa: BLE001  (raised again by result())
            self.error = err

    def result(self) -> object:
        self.join()
        if self.error is not None:
            raise self.error
        return self.value


@dataclass
class _Series:
    """What the months of one run share: the kernels (started once, warm for every month), the
    model of the month rendered last (the next month's brief compares with it, instead of
    computing it again), and the next month's model, computed while this month's notebooks run
    (the main process only waits for them then)."""
    months: list[str] = field(default_factory=list)
    kernels: _Kernels | None = None
    model: object | None = None
    ahead: tuple[str, _Ahead] | None = None

    def model_for(self, ws: Workspace, month: str):
        """The computed model of ``month``: the one of the language rendered before, the one
        computed ahead, or one computed now."""
        if self.model is not None and self.model.month == month and self.model.tables is ws.tables:
            return self.model                # the same month in another language
        ahead, self.ahead = self.ahead, None
        if ahead is not None and ahead[0] == month:
            model = ahead[1].result()
        else:
            model = analyse(ws, month, previous=self.model).compute()
        self.model = model
        return model

    def compute_ahead(self, ws: Workspace, month: str) -> None:
        """Start computing the model of the month rendered after ``month`` (:attr:`months`, in
        the order of the run), if any and if not started yet."""
        later = self.months[self.months.index(month) + 1:] if month in self.months else []
        if later and (self.ahead is None or self.ahead[0] != later[0]):
            before = self.model
            self.ahead = (later[0], _Ahead(lambda: analyse(ws, later[0], previous=before).compute()))

    def kernels_for(self, kernel: str, notebooks: list[Path]) -> _Kernels:
        """The shared kernels, (re)started if they cannot serve these notebooks."""
        size, cwd = report_workers(len(notebooks)), notebooks[0].parent
        if self.kernels is None or not self.kernels.serves(kernel, cwd, size):
            self.close()
            self.kernels = _Kernels(kernel, cwd, size, _warm_up(notebooks))
        return self.kernels

    def close(self) -> None:
        self.ahead = None                    # a model computed ahead for a month not rendered is dropped
        if self.kernels is not None:
            self.kernels.close()
            self.kernels = None


def render(workspace: str | Path, months: list[str], *, lang: str | Iterable[str] = "en",
           **kwargs) -> list[MonthReport]:
    """Validate the workspace once, then render each month in turn, in each language
    (see :func:`render_month` for the other arguments).

    One run computes each month's model once, for all its languages, and the next month's while
    this month's notebooks run; each month's brief compares with the model of the month before;
    the kernels start once and serve every month and language.

    Parameters
    ----------
    workspace : str or Path
        The workspace folder.
    months : list of str
        ``YYYY-MM``, in the order to render them.
    lang : str or iterable of str
        One language or several (``["en", "zh"]``).
    **kwargs
        As :func:`render_month`: ``only``, ``out``, ``notebooks_dir``, ``progress``, ``single_file``,
        ``pdf``.

    Returns
    -------
    list of MonthReport
        One per month and language, months in the order given, each month's languages in the
        order given.
    """
    langs = [lang] if isinstance(lang, str) else list(dict.fromkeys(lang))
    for code in langs:
        if code not in LANGS:
            raise ReportError(f"language {code!r} is not available; choose one of {', '.join(LANGS)}")
    ws = check_workspace(workspace)
    series = _Series(months=list(months))
    try:
        return [render_month(ws, m, lang=code, series=series, **kwargs) for m in months for code in langs]
    finally:
        series.close()
