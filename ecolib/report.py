"""Render the monthly report: run every notebook with papermill, convert to client HTML.

Layout of one rendered month::

    <out>/<workspace>/
        index.html                 every rendered month with its alert counts (client)
        <month>/                   the client folder: only what goes to the client
            index.html             headline figures, alerts, links (no plotly.js: small)
            00_overview.html       one page per notebook, no code, plotly.js inlined once
            summary.json           headline numbers and alerts, machine-readable, deterministic
            tables.xlsx            every table of the report, one sheet each, cells stored as text
        _analyst/<month>/notebooks/*.ipynb
                                   the executed notebooks (analyst notes, paths of this machine)
        _failed/<month>/           the notebook that failed the last run of that month, if it failed
        .<month>.lock              held (``flock``) by the run rendering that month

A month is built in a hidden ``.<month>.partial-<pid>`` folder and published by renaming it, so
an earlier report of that month stays intact until the new one is complete. One run at a time
renders a workspace's month: a second run stops at once with a message naming the holder of
the lock. A failing notebook stops the run, is kept under ``_failed/<month>/`` for diagnosis,
and nothing is published; a successful run removes that ``_failed/<month>/``. A run stopped by
Ctrl-C (SIGINT) or SIGTERM removes its partial folder; one killed outright leaves only a hidden
partial folder, which the next run of that month removes (under the lock).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import hashlib
import json
import math
import os
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
from ecolib.foundations.months import is_month
from ecolib.contract.schema import ALERT_STATUSES, SEVERITIES
from ecolib.notebook import SUMMARY_MIMETYPE, TABLE_MIMETYPE, report_css
from ecolib.workspace import Workspace, WorkspaceError, load_workspace

KERNEL_NAME = "ecolib"
KERNEL_DISPLAY = "Python (ecolib)"
#: Cells with these tags are for analysts and never reach a client report.
HIDDEN_TAGS = {"analyst-note", "parameters", "injected-parameters"}
MONTH_DIR = re.compile(r"^\d{4}-\d{2}$")


class ReportError(RuntimeError):
    """The report could not be rendered; the message says what and where, for a person."""


def default_notebooks_dir() -> Path:
    """``notebooks/`` of the project this package is installed from (editable install)."""
    env = os.environ.get("ECOLIB_NOTEBOOKS")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "notebooks"


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
        :func:`ecolib.notebook.export_payload`: ``sheet``, ``columns`` and ``data`` (rows).
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


def to_html(nb: nbformat.NotebookNode, *, lang: str, title: str, footer: str) -> str:
    """Client HTML of an executed notebook: no input cells, no prompts, no analyst notes,
    plotly.js inlined once (only if the page has a figure), nothing loaded from the network."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="ecolib",
        extra_template_basedirs=[str(resources.files("ecolib").joinpath("templates"))],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        language_code=lang)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS), enabled=True)
    has_plot = any("Plotly.newPlot" in str(o.get("data", {}).get("text/html", ""))
                   for c in nb.cells for o in c.get("outputs", []))
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={
        "ecolib_plotlyjs": _plotly_js() if has_plot else "",
        "ecolib_css": report_css(),
        "ecolib_csp": csp_meta(),
        "ecolib_footer": footer,
    })
    return body


# --------------------------------------------------------------------------------------------
# Index pages
# --------------------------------------------------------------------------------------------

_e = html_text     # one escaping helper for every page


def _page(title: str, body: str, lang: str, footer: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">{csp_meta()}'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{_e(title)}</title>'
            f"<style>{report_css()}</style></head>"
            f'<body class="ecolib-page"><main>{body}<div class="ecolib-footer">{_e(footer)}</div></main></body></html>\n')


def _rank(value, order) -> int:
    return order.index(value) if value in order else len(order)


def sorted_alerts(alerts: list[dict]) -> list[dict]:
    """Most severe first, then new before ongoing before resolved."""
    return sorted(alerts, key=lambda a: (_rank(a.get("severity"), SEVERITIES),
                                         _rank(a.get("status"), ALERT_STATUSES), str(a.get("metric"))))


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
    parts = [f'<div class="ecolib-title"><h1>{_e(t("report.index_title", lang, park=park, month=month))}</h1>'
             f'<div class="sub">{_e(t("report.index_intro", lang, month=month))}</div></div>']
    groups = []
    for a in summary["analyses"]:
        cards = "".join(f'<div class="ecolib-card"><div class="value">{_e(v)}</div><div class="label">{_e(k)}</div></div>'
                        for k, v in a.get("cards", []))
        if cards:
            groups.append(f'<h3><a href="{_e(a["html"])}">{_e(a.get("title", a["notebook"]))}</a></h3>'
                          f'<div class="ecolib-cards">{cards}</div>')
    if groups:
        parts.append(f'<div class="ecolib-section"><h2>{_e(t("report.headline", lang))}</h2></div>{"".join(groups)}')
    links = "".join(f'<li><a href="{_e(a["html"])}">{_e(a.get("title", a["notebook"]))}</a></li>'
                    for a in summary["analyses"])
    parts.append(f'<div class="ecolib-section"><h2>{_e(t("report.analyses", lang))}</h2></div><ul>{links}</ul>')
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
        alert_html = f'<table class="ecolib-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    else:
        alert_html = f"<p>{_e(t('report.no_alerts', lang))}</p>"
    parts.append(f'<div class="ecolib-section"><h2>{_e(t("report.alerts", lang))}</h2></div>{alert_html}')
    parts.append(f'<div class="ecolib-section"><h2>{_e(t("report.files", lang))}</h2></div><ul>'
                 f'<li><a href="tables.xlsx">{_e(t("report.tables_xlsx", lang))}</a></li>'
                 f'<li><a href="summary.json">{_e(t("report.summary_json", lang))}</a></li></ul>')
    return _page(t("report.index_title", lang, park=park, month=month), "".join(parts), lang, footer)


def series_index(workspace_dir: Path, *, park: str, lang: str, footer: str) -> str:
    """``<workspace>/index.html``: every rendered month, newest first, with alert counts."""
    rows = []
    for folder in sorted((p for p in workspace_dir.iterdir() if p.is_dir() and MONTH_DIR.match(p.name)), reverse=True):
        try:
            summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        counts = ", ".join(f"{_label('severity', k, lang) if k != 'resolved' else _label('status', k, lang)}: {v}"
                           for k, v in alert_counts(summary).items()) or "–"
        rows.append(f'<tr><td><a href="{_e(folder.name)}/index.html">{_e(folder.name)}</a></td>'
                    f'<td>{_e(t("report.language", summary.get("lang", "en")))}</td><td>{_e(counts)}</td></tr>')
    head = (f"<tr><th>{_e(t('common.month', lang))}</th><th></th><th>{_e(t('report.alerts', lang))}</th></tr>")
    body = (f'<div class="ecolib-title"><h1>{_e(t("report.series_title", lang, park=park))}</h1>'
            f'<div class="sub">{_e(t("report.series_intro", lang))}</div></div>'
            f'<table class="ecolib-table"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>')
    return _page(t("report.series_title", lang, park=park), body, lang, footer)


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------

@dataclass
class MonthReport:
    """One rendered month.

    ``folder`` is the client folder ``<out>/<workspace>/<month>/`` and ``index`` its
    ``index.html``; ``notebooks`` is the analyst folder of the executed notebooks
    (``<out>/<workspace>/_analyst/<month>/notebooks/``), never sent to a client.
    """
    folder: Path
    index: Path
    summary: dict
    seconds: dict[str, float] = field(default_factory=dict)
    notebooks: Path | None = None


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
        The workspace's report folder, ``<out>/<workspace>/`` (must exist).
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
                 progress: Callable[[str], None] = print) -> MonthReport:
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
        Run only these notebooks (see :func:`discover_notebooks`).
    out : str or Path
        Output folder; the month goes to ``<out>/<workspace name>/<month>/``.
    notebooks_dir : str or Path, optional
        Folder of the notebooks to run (default: :func:`default_notebooks_dir`).
    progress : callable
        Called with a line of progress per notebook.

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
    available = ws.months()
    if not available or month < available[0] or month > available[-1]:
        covered = f"{available[0]}..{available[-1]}" if available else "no months"
        raise ReportError(f"no data for {month}: workspace {ws.name} covers {covered}")
    notebooks = discover_notebooks(Path(notebooks_dir) if notebooks_dir else default_notebooks_dir(), only)
    kernel = ensure_kernel()
    ws_dir = Path(out) / _safe_name(ws.name)
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
                                        signals=signals)
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


def _render_locked(ws: Workspace, month: str, ws_dir: Path, notebooks: list[Path], kernel: str, *,
                   lang: str, progress: Callable[[str], None], signals: _Signals) -> MonthReport:
    import papermill as pm

    tmp = ws_dir / f".{month}.partial-{os.getpid()}"
    client, analyst = tmp / "client", tmp / "analyst"
    park = ws.settings.name_zh if lang == "zh" else ws.name
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    footer = f"ecolib {__version__} · {t('common.generated', lang, when=stamp, workspace=ws.name)}"
    summary = {"workspace": ws.name, "month": month, "lang": lang, "analyses": [], "alerts": []}
    seconds: dict[str, float] = {}
    exported: list[tuple[str, dict]] = []
    final, analyst_final = ws_dir / month, ws_dir / ANALYST_DIR / month
    try:
        (analyst / "notebooks").mkdir(parents=True)
        client.mkdir()
        progress(f"analysing {month} …")
        started = time.perf_counter()
        model_path = analyse(ws, month).compute().save(tmp / "model.pickle")   # every page reads this one
        seconds["analyse"] = time.perf_counter() - started
        progress(f"      done in {seconds['analyse']:.1f} s")
        for i, source in enumerate(notebooks, 1):
            progress(f"[{i}/{len(notebooks)}] {source.name} …")
            started = time.perf_counter()
            executed = analyst / "notebooks" / source.name
            try:
                pm.execute_notebook(str(source), str(executed), kernel_name=kernel, progress_bar=False,
                                    cwd=str(source.parent), extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                                    parameters=_parameters(source, {
                                        "workspace": str(ws.path.resolve()), "month": month,
                                        "lang": lang, "interactive": False, "model": str(model_path.resolve())}))
            except pm.PapermillExecutionError as err:
                if signals.received:         # Ctrl-C reached the kernel too: an interrupt, not a failure
                    raise _Interrupted(signals.name) from None
                failed_dir = ws_dir / FAILED_DIR / month
                shutil.rmtree(failed_dir, ignore_errors=True)
                failed_dir.mkdir(parents=True)
                kept = failed_dir / source.name
                shutil.copyfile(executed, kept)
                line = next((s for s in str(err.source).splitlines() if s.strip()), "")
                raise ReportError(
                    f"notebook {source.name} failed in cell {err.cell_index} (In [{err.exec_count}]: "
                    f"{_one_line(line)}): {err.ename}: {_one_line(err.evalue)}; the failed notebook is kept at "
                    f"{kept}; no report was published for {month}") from None
            nb = nbformat.read(executed, as_version=4)
            records, tables = collect_records(nb)
            exported.extend((source.stem.split("_", 1)[0], table) for table in tables)
            title = records.get("title", source.stem)
            page = f"{source.stem}.html"
            (client / page).write_text(to_html(nb, lang=lang, title=f"{park} · {title} · {month}", footer=footer),
                                       encoding="utf-8")
            summary["analyses"].append({"notebook": source.stem, "html": page, "title": title,
                                        "cards": records.get("cards", []), "headline": records.get("headline", {})})
            summary["alerts"].extend(records.get("alerts", []))
            seconds[source.stem] = time.perf_counter() - started
            progress(f"      done in {seconds[source.stem]:.1f} s")
        (client / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                             encoding="utf-8")
        write_tables_xlsx(client / "tables.xlsx", exported, about={
            t("report.about.park", lang): park, t("common.month", lang): month,
            t("report.about.workspace", lang): ws.name, t("report.about.generated", lang): f"ecolib {__version__}, {stamp}",
            t("report.about.note", lang): t("report.about.note_text", lang)}, about_sheet=t("report.about.sheet", lang))
        (client / "index.html").write_text(month_index(summary, park=park, footer=footer), encoding="utf-8")
        signals.hold = True                  # from here on the month is published, whatever arrives
        _publish(analyst, analyst_final)
        _publish(client, final)              # the client folder last: it is what makes the month
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    failed = ws_dir / FAILED_DIR
    shutil.rmtree(failed / month, ignore_errors=True)          # a stale failure of this month
    with contextlib.suppress(OSError):
        failed.rmdir()                                          # only if empty
    index = ws_dir / "index.html"
    try:
        with _folder_lock(ws_dir):          # months of one workspace rendered side by side
            _write_atomically(index, series_index(ws_dir, park=park, lang=lang, footer=footer))
    except OSError as err:
        raise ReportError(f"the report for {month} was published at {final}, but the index of months "
                          f"could not be written: {_reason(err)} ({_where(err, ws_dir, month)})") from None
    return MonthReport(final, final / "index.html", summary, seconds, analyst_final / "notebooks")


def _parameters(notebook: Path, values: dict) -> dict:
    """``values`` less the optional ``model`` where the notebook does not declare it (a notebook
    of its own may leave the month model out and analyse the workspace itself)."""
    import papermill as pm

    if "model" in pm.inspect_notebook(str(notebook)):
        return values
    return {k: v for k, v in values.items() if k != "model"}


def render(workspace: str | Path, months: list[str], **kwargs) -> list[MonthReport]:
    """Validate the workspace once, then render each month in turn (see :func:`render_month`)."""
    ws = check_workspace(workspace)
    return [render_month(ws, m, **kwargs) for m in months]
