"""Render the monthly report: run every notebook with papermill, convert to client HTML.

Layout of one rendered month::

    <out>/<workspace>/<month>/
        index.html            headline figures, alerts, links (no plotly.js: small)
        00_overview.html      one page per notebook, no code, plotly.js inlined once
        summary.json          headline numbers and alerts, machine-readable, deterministic
        notebooks/*.ipynb     the executed notebooks, for analysts
    <out>/<workspace>/index.html   every rendered month with its alert counts

A month is built in a hidden temporary folder and published by renaming it, so an earlier
report of that month stays intact until the new one is complete. A failing notebook stops the
run, is kept under ``<out>/<workspace>/_failed/<month>/`` for diagnosis, and nothing is published.
"""
from __future__ import annotations

import datetime as _dt
import html
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

import nbformat

from ecolib import __version__
from ecolib.i18n import LANGS, has, t
from ecolib.months import is_month
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


def _sheet_name(text: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31] or "table"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def write_tables_xlsx(path: Path, exported: list[tuple[str, dict]], *, about: dict[str, str],
                      about_sheet: str = "About") -> None:
    """``tables.xlsx``: an 'about' sheet, then one sheet per exported table, headers frozen."""
    import pandas as pd

    taken: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame(list(about.items()), columns=["", " "]).to_excel(
            writer, sheet_name=_sheet_name(about_sheet, taken), index=False)
        for prefix, table in exported:
            frame = pd.DataFrame(table["data"], columns=table["columns"])
            sheet = _sheet_name(f"{prefix} {table['sheet']}", taken)
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for i, col in enumerate(frame.columns, 1):
                width = max([len(str(col))] + [len(str(v)) for v in frame.iloc[:200, i - 1]]) + 2
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(max(width, 8), 60)


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
        "ecolib_footer": footer,
    })
    return body


# --------------------------------------------------------------------------------------------
# Index pages
# --------------------------------------------------------------------------------------------

def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _page(title: str, body: str, lang: str, footer: str) -> str:
    code = lang
    return (f'<!DOCTYPE html>\n<html lang="{code}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{_e(title)}</title>'
            f"<style>{report_css()}</style></head>"
            f'<body class="ecolib-page"><main>{body}<div class="ecolib-footer">{_e(footer)}</div></main></body></html>\n')


SEVERITY_ORDER = ("critical", "warning", "info")
STATUS_ORDER = ("new", "ongoing", "resolved")


def _rank(value, order) -> int:
    return order.index(value) if value in order else len(order)


def sorted_alerts(alerts: list[dict]) -> list[dict]:
    """Most severe first, then new before ongoing before resolved."""
    return sorted(alerts, key=lambda a: (_rank(a.get("severity"), SEVERITY_ORDER),
                                         _rank(a.get("status"), STATUS_ORDER), str(a.get("metric"))))


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
                 f'<li><a href="summary.json">{_e(t("report.summary_json", lang))}</a></li>'
                 f'<li><a href="notebooks/">{_e(t("report.notebooks", lang))}</a></li></ul>')
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
    folder: Path
    index: Path
    summary: dict
    seconds: dict[str, float] = field(default_factory=dict)


def _safe_name(name: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\s]+', "_", str(name)).strip("._")
    return cleaned or "workspace"


def _recover(ws_dir: Path, month: str) -> None:
    """Clean what an interrupted earlier run left: partial folders go; a published report that
    was moved aside but not replaced is put back."""
    for partial in ws_dir.glob(f".{month}.partial-*"):
        shutil.rmtree(partial, ignore_errors=True)
    final = ws_dir / month
    for old in sorted(ws_dir.glob(f".{month}.old-*")):
        if not final.exists():
            old.rename(final)
        else:
            shutil.rmtree(old, ignore_errors=True)


def _publish(tmp: Path, final: Path) -> None:
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(final)


def check_workspace(workspace: str | Path) -> Workspace:
    try:
        return load_workspace(Path(workspace))
    except WorkspaceError as err:
        raise ReportError(f"workspace {workspace} cannot be used:\n{err}") from None


def render_month(ws: Workspace, month: str, *, lang: str = "en", only: Iterable[str] | None = None,
                 out: str | Path = "reports", notebooks_dir: str | Path | None = None,
                 progress: Callable[[str], None] = print) -> MonthReport:
    """Render one month of ``ws`` (already loaded and valid) and publish it atomically."""
    if lang not in LANGS:
        raise ReportError(f"language {lang!r} is not available; choose one of {', '.join(LANGS)}")
    if not is_month(month):
        raise ReportError(f"month {month!r} is not YYYY-MM")
    available = ws.months()
    if not available or month < available[0] or month > available[-1]:
        covered = f"{available[0]}..{available[-1]}" if available else "no months"
        raise ReportError(f"no data for {month}: workspace {ws.name} covers {covered}")
    import papermill as pm

    notebooks = discover_notebooks(Path(notebooks_dir) if notebooks_dir else default_notebooks_dir(), only)
    kernel = ensure_kernel()
    ws_dir = Path(out) / _safe_name(ws.name)
    ws_dir.mkdir(parents=True, exist_ok=True)
    _recover(ws_dir, month)
    tmp = ws_dir / f".{month}.partial-{os.getpid()}"
    (tmp / "notebooks").mkdir(parents=True)
    park = ws.settings.get("name_zh") if lang == "zh" else ws.name
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    footer = f"ecolib {__version__} · {t('common.generated', lang, when=stamp, workspace=ws.name)}"
    summary = {"workspace": ws.name, "month": month, "lang": lang, "analyses": [], "alerts": []}
    seconds: dict[str, float] = {}
    exported: list[tuple[str, dict]] = []
    try:
        for i, source in enumerate(notebooks, 1):
            progress(f"[{i}/{len(notebooks)}] {source.name} …")
            started = time.perf_counter()
            executed = tmp / "notebooks" / source.name
            try:
                pm.execute_notebook(str(source), str(executed), kernel_name=kernel, progress_bar=False,
                                    cwd=str(source.parent), extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                    parameters={
                                        "workspace": str(ws.path.resolve()), "month": month,
                                        "lang": lang, "interactive": False})
            except pm.PapermillExecutionError as err:
                failed_dir = ws_dir / "_failed" / month
                failed_dir.mkdir(parents=True, exist_ok=True)
                kept = failed_dir / source.name
                shutil.copyfile(executed, kept)
                line = next((s for s in str(err.source).splitlines() if s.strip()), "")
                raise ReportError(
                    f"notebook {source.name} failed in cell {err.cell_index} (In [{err.exec_count}]: {line.strip()}): "
                    f"{err.ename}: {err.evalue}\nThe failed notebook is kept at {kept}; "
                    f"no report was published for {month}.") from None
            nb = nbformat.read(executed, as_version=4)
            records, tables = collect_records(nb)
            exported.extend((source.stem.split("_", 1)[0], table) for table in tables)
            title = records.get("title", source.stem)
            page = f"{source.stem}.html"
            (tmp / page).write_text(to_html(nb, lang=lang, title=f"{park} · {title} · {month}", footer=footer),
                                    encoding="utf-8")
            summary["analyses"].append({"notebook": source.stem, "html": page, "title": title,
                                        "cards": records.get("cards", []), "headline": records.get("headline", {})})
            summary["alerts"].extend(records.get("alerts", []))
            seconds[source.stem] = time.perf_counter() - started
            progress(f"      done in {seconds[source.stem]:.1f} s")
        (tmp / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                          encoding="utf-8")
        write_tables_xlsx(tmp / "tables.xlsx", exported, about={
            t("report.about.park", lang): park, t("common.month", lang): month,
            t("report.about.workspace", lang): ws.name, t("report.about.generated", lang): f"ecolib {__version__}, {stamp}",
            t("report.about.note", lang): t("report.about.note_text", lang)}, about_sheet=t("report.about.sheet", lang))
        (tmp / "index.html").write_text(month_index(summary, park=park, footer=footer), encoding="utf-8")
        final = ws_dir / month
        _publish(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    (ws_dir / "index.html").write_text(series_index(ws_dir, park=park, lang=lang, footer=footer), encoding="utf-8")
    return MonthReport(final, final / "index.html", summary, seconds)


def render(workspace: str | Path, months: list[str], **kwargs) -> list[MonthReport]:
    """Validate the workspace once, then render each month in turn."""
    ws = check_workspace(workspace)
    return [render_month(ws, m, **kwargs) for m in months]
