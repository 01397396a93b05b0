"""The one setup call of every notebook, and the few display helpers notebooks use.

A notebook does::

    ctx = setup(workspace, month, lang=lang, interactive=interactive, model=model, title="overview.title")
    m = ctx.model                          # every analysis of the month, computed once
    ctx.section("overview.firms")          # heading + intro, in the report's language
    ctx.show(figure)                       # a plotly figure (static HTML in reports)
    ctx.table(tables.gaps.PRIORITY, ga)    # a table spec and the result its rows come from
    ctx.findings([...])                    # plain-language findings, escaped
    ctx.record(local_firms=312)            # headline numbers for summary.json

Everything shown that comes from data is HTML-escaped here, once.

**The session's workspace and month.** In interactive use (``interactive=True``) a notebook
whose parameters leave ``workspace`` at None takes the session's workspace, and its month
unless the notebook names one: the environment variables ``ECOLIB_WORKSPACE`` and
``ECOLIB_MONTH`` when either is set, otherwise the lab file ``ecolib-lab.yaml`` (``workspace:``,
``month:``; ``make lab WORKSPACE=... MONTH=...`` writes it in the project folder) found in the
notebook's folder or a folder above it (:func:`session_choice`). A report run
(``interactive=False``) reads neither: the runner passes every parameter.

**Errors.** Bad input raises :class:`SetupError`. Interactively the setup call shows it as one
box and stops the notebook's run with :class:`NotebookStopped`, whose traceback IPython does
not print; in a report run the ``SetupError`` fails the run.

**Saving.** :func:`strip_on_save` is the lab's pre-save hook (``make lab`` sets it): a notebook
of ``notebooks/`` is written as committed, without outputs or the metadata the lab adds.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from IPython.display import HTML, display

from ecolib.presentation import plots  # noqa: F401  (registers the plotly theme)
from ecolib.analyses.month import MonthModel, analyse, load_model
from ecolib.presentation.escape import html_text
from ecolib.presentation.i18n import LANGS, t
from ecolib.presentation.names import benchmark_name, park_name
from ecolib.presentation.page import PLOTLY_CONFIG, report_css
from ecolib.presentation.tables import Table
from ecolib.workspace.settings import Settings
from ecolib.workspace import WorkspaceError, load_workspace

#: Mimetype of the outputs that carry headline numbers for summary.json. The report runner
#: collects them and removes them before the HTML is written.
SUMMARY_MIMETYPE = "application/vnd.ecolib.summary+json"
#: Mimetype of the outputs that carry a table for ``tables.xlsx`` (collected and removed the same way).
TABLE_MIMETYPE = "application/vnd.ecolib.table+json"


#: The environment variables naming the workspace and the month of an interactive session.
WORKSPACE_ENV, MONTH_ENV = "ECOLIB_WORKSPACE", "ECOLIB_MONTH"
#: The lab file naming them (``workspace:``, ``month:``), looked for in the notebook's folder and above.
LAB_FILE = "ecolib-lab.yaml"


class SetupError(RuntimeError):
    """The notebook cannot run: bad workspace, month or language. The message says why;
    ``problems`` lists each problem for the box a notebook shows, under the i18n heading
    ``heading`` (None: the problems speak for themselves), and ``note`` says which setting
    chose the value."""

    def __init__(self, message: str, *, problems: Sequence[str] = (), heading: str | None = None,
                 note: str = "") -> None:
        super().__init__(message)
        self.problems = list(problems) or [message]
        self.heading = heading
        self.note = note          # where the failing value came from, shown under the problems


class NotebookStopped(SetupError):
    """Stops an interactive notebook's run after its setup call has shown why, in one box.

    IPython prints no traceback for it (``_render_traceback_`` returns no lines): JupyterLab
    shows the box and, under it, the one line ``NotebookStopped: <message>``; the cells after
    it do not run."""

    def _render_traceback_(self) -> list[str]:
        return []


#: Every string shown in a page goes through this one helper (see :mod:`ecolib.presentation.escape`).
esc = html_text


@dataclass
class Context:
    """What a notebook works with: the month model (every analysis of the park and month,
    computed once), the language and the mode."""

    model: MonthModel
    lang: str = "en"
    interactive: bool = False
    summary: dict = field(default_factory=dict, repr=False)
    #: Why there is nothing to analyse in this park and month (``(i18n key, values)``), or None.
    nothing: tuple[str, dict] | None = field(default=None, repr=False)
    _figures: int = field(default=0, repr=False)
    _section: str = field(default="", repr=False)
    _sections: list = field(default_factory=list, repr=False)

    # -- data ---------------------------------------------------------------------------
    @property
    def month(self) -> str:
        return self.model.month

    @property
    def months(self) -> list[str]:
        """Every month with data in the workspace."""
        return self.model.months

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        return self.model.tables

    @property
    def settings(self) -> Settings:
        """The workspace's typed settings, checked at load (``ctx.settings.window``)."""
        return self.model.settings

    @property
    def currency(self) -> str:
        return self.settings.currency

    @property
    def park_name(self) -> str:
        return park_name(self.settings, self.lang)

    @property
    def benchmark_name(self) -> str:
        """The benchmark park's name in the page's language ("the benchmark park" if not given)."""
        return benchmark_name(self.settings, self.lang)

    @property
    def explore(self) -> bool:
        """True where a notebook shows its explorer widgets: run interactively, on a park
        with something to analyse."""
        return self.interactive and self.nothing is None

    def t(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    def at(self, month: str) -> MonthModel:
        """The month model of another month of the same workspace, with the same options
        (nothing computed yet; the last few asked for are kept)."""
        if month == self.month:
            return self.model
        known = self.__dict__.setdefault("_at", {})
        if month not in known:
            if len(known) >= 4:
                known.pop(next(iter(known)))
            known[month] = replace(self.model, month=month)
        return known[month]

    def month_picker(self, build: Callable[[MonthModel], Sequence[go.Figure | None]]) -> Any:
        """A month picker above live figures (:class:`~ecolib.presentation.widgets.MonthExplorer`),
        shown where the notebook explores (:attr:`explore`) and the workspace has another month.

        ``build(model)`` returns the figures of a month model (:meth:`at`), always as many, in the
        same order; None stands for a figure the month has no data for. Picking a month redraws
        them; the page above the picker stays at the notebook's month. Returns the explorer, or
        None where none is shown."""
        months = sorted(set(self.months) | {self.month})
        if not self.explore or len(months) < 2:
            return None
        from ecolib.presentation.widgets import MonthExplorer

        def figures(month: str) -> list[go.Figure]:
            return [self._no_data() if fig is None else fig for fig in build(self.at(month))]

        explorer = MonthExplorer(months, self.month, figures, label=self.t("common.pick_month"))
        display(explorer.widget)
        return explorer

    def _no_data(self) -> go.Figure:
        fig = go.Figure()
        fig.add_annotation(text=self.t("common.no_data"), showarrow=False, x=0.5, y=0.5, xref="paper",
                           yref="paper", font=dict(size=15, color="#78909c"))
        fig.update_layout(height=260, xaxis=dict(visible=False), yaxis=dict(visible=False))
        return fig

    # -- display ------------------------------------------------------------------------
    def title(self, key: str) -> None:
        self.record(title=self.t(key))
        display(HTML(
            f"<style>{report_css()}</style>"
            f'<div class="ecolib-title"><h1>{esc(self.t(key))}</h1>'
            f'<div class="sub">{esc(self.park_name)} · {esc(self.t("common.report_for", month=self.month))}</div></div>'))

    def paragraph(self, key: str, **values: Any) -> None:
        if self.nothing is not None:
            return
        display(HTML(f'<p class="intro">{esc(self.t(key, **values))}</p>'))

    def section(self, key: str, *, intro: str | None = None, **values: Any) -> None:
        """Heading ``<key>_heading`` and intro ``<key>_intro`` of a section (``intro``: another
        key for the intro, e.g. the sentence saying which data would enable a section that
        cannot run; the section keeps its heading and anchor)."""
        heading = self.t(f"{key}_heading", **values)
        intro = (self.t(intro or f"{key}_intro", **values) if self.nothing is None
                 else self.t("common.nothing.section"))
        self._section = heading
        anchor = section_anchor(key)
        self._sections.append([key, heading])
        self.record(sections=self._sections)     # the month's brief links to the evidence by these
        display(HTML(f'<div class="ecolib-section" id="{esc(anchor)}"><h2>{esc(heading)}</h2>'
                     f'<p class="intro">{esc(intro)}</p></div>'))

    def show(self, fig: go.Figure) -> None:
        """A plotly figure: live in JupyterLab, a static div (plotly.js in the page head) in reports."""
        if self.nothing is not None:
            return
        if self.interactive:
            fig.show()
            return
        self._figures += 1
        display(HTML(fig.to_html(full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG,
                                 div_id=f"ecolib-fig-{self._figures}", default_width="100%")))

    def cards(self, items: Mapping[str, str]) -> None:
        """Headline cards: ``{label: formatted value}``."""
        if self.nothing is not None:
            return
        cells = "".join(f'<div class="ecolib-card"><div class="value">{esc(v)}</div><div class="label">{esc(k)}</div></div>'
                        for k, v in items.items())
        display(HTML(f'<div class="ecolib-cards">{cells}</div>'))
        self.record(cards=[[k, v] for k, v in items.items()])   # pairs keep the order in summary.json

    def table(self, spec: Table, source: Any, *, max_rows: int | None = None, sheet: str | None = None) -> None:
        """The table ``spec`` (:class:`ecolib.presentation.tables.Table`) of ``source`` (the
        analysis result its rows come from), as an escaped HTML table.

        When the page leaves rows out (more than ``max_rows``, default ``spec.max_rows``), a line
        under the table says how many and that the spreadsheet has them. In a report run the
        whole table also goes to ``tables.xlsx``, on a sheet named ``sheet`` (default: the
        current section heading), with translated headers and numbers kept as numbers."""
        if self.nothing is not None:
            return
        shown = spec.max_rows if max_rows is None else max_rows
        display(HTML(spec.html(source, self.lang, self.currency, max_rows=shown)))
        left = len(spec.rows(source, self.lang, self.currency)) - int(shown)
        if left > 0:
            self.paragraph("common.table_more", n=left)
        if not self.interactive:
            display({TABLE_MIMETYPE: spec.export(source, self.lang, self.currency,
                                                 sheet=sheet or self._section or "table")}, raw=True)

    def findings(self, items: list[str]) -> None:
        if not items or self.nothing is not None:
            return
        lis = "".join(f"<li>{esc(s)}</li>" for s in items)
        display(HTML(f'<div class="ecolib-findings"><h3>{esc(self.t("common.findings"))}</h3><ul>{lis}</ul></div>'))

    def record(self, **values: Any) -> None:
        """Headline numbers and facts for ``summary.json`` (JSON-serialisable). Kept in
        ``self.summary``; in a report run also emitted as an output the runner collects
        (JupyterLab has no renderer for it, so interactively nothing is shown)."""
        values = json.loads(json.dumps(values, default=_json_default))
        self.summary.update(values)
        if not self.interactive:
            display({SUMMARY_MIMETYPE: values}, raw=True)


def section_anchor(key: str) -> str:
    """The HTML id of the section ``key`` (``gaps.priority`` → ``gaps-priority``): the month's
    brief links to ``<page>.html#<id>``.

    Examples
    --------
    >>> section_anchor("gaps.priority")
    'gaps-priority'
    """
    return key.replace(".", "-")


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def resolve_workspace(workspace: str | Path) -> Path:
    return Path(workspace).expanduser().resolve()


def find_lab_file(start: str | Path | None = None) -> Path | None:
    """The lab file (:data:`LAB_FILE`) in ``start`` (default: the current folder, a notebook's
    own) or the nearest folder above it, or None."""
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / LAB_FILE).is_file():
            return folder / LAB_FILE
    return None


def read_lab_file(path: str | Path) -> dict:
    r"""The workspace and month a lab file names: ``{"workspace": path or None, "month": str or None}``.

    A relative workspace is relative to the file's folder. A month left out, empty or
    ``latest`` is None (the latest month with data).

    Raises
    ------
    SetupError
        If the file cannot be read or is not a mapping of ``workspace`` and ``month``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / LAB_FILE).write_text("workspace: data/biomed\nmonth: 2026-09\n")
    >>> lab = read_lab_file(folder / LAB_FILE)
    >>> lab["workspace"] == folder / "data" / "biomed", lab["month"]
    (True, '2026-09')
    >>> _ = (folder / LAB_FILE).write_text("workspce: data/biomed\n")
    >>> read_lab_file(folder / LAB_FILE)
    Traceback (most recent call last):
    ...
    ecolib.notebook.SetupError: .../ecolib-lab.yaml: unknown key 'workspce' (the keys are workspace and month)
    """
    path = Path(path)
    data = _lab_values(path)
    return {"workspace": None if data["workspace"] is None else path.parent / data["workspace"],
            "month": data["month"]}


def _lab_values(path: Path) -> dict:
    """The workspace and month of a lab file as written (``latest`` and empty: None)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise SetupError(f"{path}: cannot be read ({str(err).splitlines()[0]})") from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise SetupError(f"{path}: must hold 'workspace:' and 'month:' lines")
    for key in data:
        if key not in ("workspace", "month"):
            raise SetupError(f"{path}: unknown key {key!r} (the keys are workspace and month)")
    values = {key: None if data.get(key) is None else str(data[key]).strip() for key in ("workspace", "month")}
    return {key: None if v in (None, "") or (key == "month" and v == "latest") else v for key, v in values.items()}


def session_choice(workspace: str | Path | None = None, month: str | None = None, *,
                   start: str | Path | None = None, environ: Mapping[str, str] | None = None
                   ) -> tuple[str | Path | None, str | None, dict[str, str]]:
    """The workspace and month an interactive notebook runs on, and where each came from.

    A notebook that names its workspace (its parameters) runs on it, at the month it names
    (None: the latest). One that leaves the workspace at None takes the session's: the
    environment (:data:`WORKSPACE_ENV`, :data:`MONTH_ENV`) when either variable is set, else the
    lab file found from ``start`` (:func:`find_lab_file`), and the session's month unless it
    names one itself. A month ``latest`` or empty is None.

    Returns
    -------
    tuple
        ``(workspace, month, sources)``: ``sources`` maps ``workspace`` and ``month`` to what
        set them when the session did (the variable's name or the lab file's path).

    Examples
    --------
    >>> session_choice("../data/demo", "2026-10", environ={"ECOLIB_WORKSPACE": "/parks/a"})
    ('../data/demo', '2026-10', {})
    >>> session_choice(None, None, environ={"ECOLIB_WORKSPACE": "/parks/a", "ECOLIB_MONTH": "2026-09"})
    ('/parks/a', '2026-09', {'workspace': 'ECOLIB_WORKSPACE', 'month': 'ECOLIB_MONTH'})
    >>> session_choice(None, "2026-08", environ={"ECOLIB_WORKSPACE": "/parks/a", "ECOLIB_MONTH": "2026-09"})
    ('/parks/a', '2026-08', {'workspace': 'ECOLIB_WORKSPACE'})
    >>> session_choice("../data/demo", None, environ={"ECOLIB_MONTH": "2026-09"})   # its own park: its latest month
    ('../data/demo', None, {})
    """
    environ = os.environ if environ is None else environ
    given_ws, given_month = workspace not in (None, ""), month not in (None, "")
    if given_ws:
        return workspace, (month if given_month else None), {}
    env_ws, env_month = environ.get(WORKSPACE_ENV, "").strip(), environ.get(MONTH_ENV, "").strip()
    if env_ws or env_month:
        chosen = {"workspace": env_ws or None, "month": None if env_month in ("", "latest") else env_month}
        named = {"workspace": WORKSPACE_ENV, "month": MONTH_ENV}
    else:
        lab = find_lab_file(start)
        chosen = read_lab_file(lab) if lab is not None else {"workspace": None, "month": None}
        named = {"workspace": str(lab), "month": str(lab)}
    sources = {key: named[key] for key in ("workspace", "month")
               if chosen[key] is not None and not (key == "month" and given_month)}
    return chosen["workspace"], (month if given_month else chosen["month"]), sources


def setup(workspace: str | Path | None = None, month: str | None = None, *, lang: str = "en",
          interactive: bool = False, title: str | None = None, model: str | Path | MonthModel | None = None,
          **options: Any) -> Context:
    """The month model of the workspace and month, the theme, the page title.

    ``model``: a month model stored by the report runner (its path), read back instead of
    loading and analysing the workspace again, so that every page shows the same numbers;
    None (interactive use): the workspace is loaded, validated and analysed here, each part on
    first use. ``workspace``, ``month`` None: in interactive use the session's choice
    (:func:`session_choice`: ``ECOLIB_WORKSPACE`` / ``ECOLIB_MONTH``, else ``ecolib-lab.yaml``);
    ``month`` None there too: the latest month with data. A month must lie within the months
    the workspace has data for (any month where it has no monthly table). ``options``: the
    page's own choices (``exit_firm``, ``niche_level``, ``niche_firm``, ``niche_nodes``; see
    :class:`ecolib.analyses.month.MonthModel`).

    Bad input raises :class:`SetupError` with every problem listed (a workspace's problems
    also shown as a box). Interactively the setup call shows the problems as one box instead
    and raises :class:`NotebookStopped`, which stops the run without a traceback."""
    try:
        return _setup(workspace, month, lang=lang, interactive=interactive, title=title, model=model, **options)
    except SetupError as err:
        if not interactive:
            raise
        display(HTML(f"<style>{report_css()}</style>{_problems_box(err, lang if lang in LANGS else 'en')}"))
        summary = err.problems[0] if len(err.problems) == 1 else str(err).splitlines()[0]
        raise NotebookStopped(summary, problems=err.problems, heading=err.heading, note=err.note) from None


def _problems_box(err: SetupError, lang: str) -> str:
    heading = f"<b>{esc(t(err.heading, lang))}</b>" if err.heading else ""
    items = "".join(f"<li>{esc(p)}</li>" for p in err.problems)
    note = f"<p>{esc(err.note)}</p>" if err.note else ""
    return f'<div class="ecolib-problems">{heading}<ul>{items}</ul>{note}</div>'


def _setup(workspace: str | Path | None, month: str | None, *, lang: str, interactive: bool,
           title: str | None, model: str | Path | MonthModel | None, **options: Any) -> Context:
    if lang not in LANGS:
        raise SetupError(f"language {lang!r} is not available; choose one of {', '.join(LANGS)}")
    stored = isinstance(model, MonthModel) or (isinstance(model, (str, Path)) and str(model))
    sources: dict[str, str] = {}
    if interactive and not stored:
        workspace, month, sources = session_choice(workspace, month)
    where = f" (set by {sources['month']})" if "month" in sources else ""
    from ecolib.foundations.months import is_month
    if month not in (None, "") and not is_month(month):
        raise SetupError(f"month {month!r} is not YYYY-MM{where}: write it as year and month, e.g. \"2026-10\"")
    if isinstance(model, (str, Path)) and str(model):
        m = load_model(model)
    elif isinstance(model, MonthModel):
        m = model
    else:
        if workspace in (None, ""):
            raise SetupError("no workspace chosen: set workspace = \"../data/demo\" (a workspace folder) in the "
                             f"parameters cell, start the lab with make lab WORKSPACE=data/demo, or set {WORKSPACE_ENV}")
        try:
            ws = load_workspace(resolve_workspace(workspace))
        except WorkspaceError as err:
            failed = SetupError(str(err), problems=[str(p) for p in err.problems], heading="common.data_problems",
                                note=f"The workspace was set by {sources['workspace']}." if "workspace" in sources else "")
            if not interactive:
                display(HTML(_problems_box(failed, lang)))
            raise failed from None
        months = ws.months()
        if month in (None, "") and not months:
            raise SetupError(f"workspace {ws.path.name} has no months with data: choose a month{where}, "
                             "e.g. month = \"2026-10\" in the parameters cell or make lab MONTH=2026-10")
        if month not in (None, "") and months and not months[0] <= month <= months[-1]:
            raise SetupError(f"no data for {month}{where}: workspace {ws.path.name} covers {months[0]}..{months[-1]}")
        m = analyse(ws, month)
    if month not in (None, "") and str(month) != m.month:
        raise SetupError(f"the stored month model is for {m.month}, not {month}")
    m = m.with_options(**options)
    ctx = Context(m, lang, bool(interactive), nothing=nothing_to_analyse(m.tables, m.month))
    if title:
        ctx.title(title)
    if ctx.nothing is not None:
        key, values = ctx.nothing
        display(HTML(f'<div class="ecolib-notice"><b>{esc(ctx.t("common.nothing.heading", month=ctx.month))}</b>'
                     f"<p>{esc(ctx.t(key, **values))}</p></div>"))
    return ctx


def nothing_to_analyse(tables: Mapping[str, pd.DataFrame], month: str) -> tuple[str, dict] | None:
    """Why a park has nothing any analysis could work on in ``month``, or None.

    A valid workspace can still be empty for analysis: a chain of its root node alone, no
    firm inside the park, or no local firm still active in the month. Pages then say so once
    at the top and under every heading instead of drawing empty charts and zeros.

    Returns
    -------
    tuple of (str, dict) or None
        The i18n key of the reason and the values it names (``firms``, ``local``, ``month``).

    Examples
    --------
    >>> import pandas as pd
    >>> nodes = pd.DataFrame({"node_id": ["C", "N1"]})
    >>> firms = pd.DataFrame({"firm_id": ["F1"], "local": [True], "status": ["exited"],
    ...                       "exit_month": ["2026-01"]})
    >>> nothing_to_analyse({"chain_nodes": nodes, "firms": firms}, "2026-03")
    ('common.nothing.none_active', {'local': 1, 'month': '2026-03'})
    >>> nothing_to_analyse({"chain_nodes": nodes, "firms": firms}, "2025-12") is None
    True
    """
    from ecolib.foundations.firms import active_mask

    if len(tables["chain_nodes"]) <= 1:
        return "common.nothing.root_only", {}
    firms = tables["firms"]
    local = firms["local"].to_numpy(bool)
    if not local.any():
        return "common.nothing.no_local", {"firms": int(len(firms))}
    if not (local & active_mask(firms, month).to_numpy(bool)).any():
        return "common.nothing.none_active", {"local": int(local.sum()), "month": month}
    return None


# -- the lab ------------------------------------------------------------------------------
#: What a committed notebook keeps of its metadata (``language_info`` only its ``name``);
#: a cell keeps only its ``tags``.
NOTEBOOK_METADATA = ("kernelspec", "language_info", "title")


def clean_notebook(nb: dict) -> dict:
    """``nb`` (a notebook as JSON) as it is committed: no outputs, no execution counts, no
    metadata the lab adds (widget state, the kernel's language details, cell timings, the
    collapsed or scrolled state of outputs). Changed in place and returned.

    Examples
    --------
    >>> nb = {"metadata": {"kernelspec": {"name": "ecolib"}, "widgets": {"state": {}},
    ...                    "language_info": {"name": "python", "version": "3.11.2"}},
    ...       "cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"], "scrolled": True},
    ...                  "execution_count": 3, "outputs": [{"output_type": "stream"}], "source": "x = 1"},
    ...                 {"cell_type": "markdown", "metadata": {"jupyter": {}}, "source": "# x"}]}
    >>> clean = clean_notebook(nb)
    >>> clean["metadata"]
    {'kernelspec': {'name': 'ecolib'}, 'language_info': {'name': 'python'}}
    >>> clean["cells"][0]
    {'cell_type': 'code', 'metadata': {'tags': ['parameters']}, 'execution_count': None, 'outputs': [], 'source': 'x = 1'}
    >>> clean["cells"][1]["metadata"]
    {}
    """
    meta = nb.get("metadata", {})
    kept = {k: meta[k] for k in NOTEBOOK_METADATA if k in meta}
    if isinstance(kept.get("language_info"), dict):
        kept["language_info"] = {k: v for k, v in kept["language_info"].items() if k == "name"}
    nb["metadata"] = kept
    for cell in nb.get("cells", []):
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k == "tags"}
        if cell.get("cell_type") == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
    return nb


def strip_on_save(model: dict, path: str, contents_manager: Any = None, **kwargs: Any) -> None:
    """JupyterLab's pre-save hook (``make lab`` sets ``ContentsManager.pre_save_hook`` to it):
    a notebook saved into the folder the report runner reads (``notebooks/``, or
    ``ECOLIB_NOTEBOOKS``) is written as committed (:func:`clean_notebook`), so that neither the
    lab's autosave nor a save writes outputs into the tracked notebooks. The lab keeps showing
    the outputs until the notebook is closed; a notebook saved anywhere else keeps them.

    Examples
    --------
    >>> import types
    >>> from ecolib.report import default_notebooks_dir
    >>> lab = types.SimpleNamespace(root_dir=str(default_notebooks_dir().parent))
    >>> cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [{}], "source": ""}
    >>> model = {"type": "notebook", "content": {"metadata": {}, "cells": [dict(cell)]}}
    >>> strip_on_save(model, "notebooks/00_overview.ipynb", lab)
    >>> model["content"]["cells"][0]["outputs"]
    []
    >>> model = {"type": "notebook", "content": {"metadata": {}, "cells": [dict(cell)]}}
    >>> strip_on_save(model, "reports/00_overview.ipynb", lab)     # elsewhere: as it is
    >>> model["content"]["cells"][0]["outputs"]
    [{}]
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    from ecolib.report import default_notebooks_dir

    root = Path(getattr(contents_manager, "root_dir", None) or os.getcwd())
    saved = (root / str(path).lstrip("/")).resolve()
    if saved.parent == default_notebooks_dir().resolve():
        clean_notebook(model["content"])


def write_lab_file(path: str | Path, *, workspace: str | None = None, month: str | None = None,
                   keep: bool = False) -> dict:
    """Write the lab file ``path``: the workspace (relative to the file's folder, or absolute)
    and month (None: the latest) every notebook opens in the lab (:func:`session_choice`).

    ``keep``: keep what the file already names where ``workspace`` or ``month`` is None (a new
    workspace without a month opens at its latest month). Returns what the file now names.

    Raises
    ------
    SetupError
        If the workspace folder does not exist or the month is not ``YYYY-MM``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "park").mkdir()
    >>> write_lab_file(folder / LAB_FILE, workspace="park", month="2026-09")
    {'workspace': 'park', 'month': '2026-09'}
    >>> write_lab_file(folder / LAB_FILE, month="2026-08", keep=True)
    {'workspace': 'park', 'month': '2026-08'}
    >>> write_lab_file(folder / LAB_FILE, workspace="prak")
    Traceback (most recent call last):
    ...
    ecolib.notebook.SetupError: no workspace folder prak in ...
    """
    from ecolib.foundations.months import is_month

    path = Path(path)
    chosen = _lab_values(path) if keep and path.is_file() else {"workspace": None, "month": None}
    if workspace is not None:
        chosen = {"workspace": str(workspace), "month": None}
    if month is not None:
        chosen["month"] = None if month.strip() in ("", "latest") else month.strip()
    ws = chosen["workspace"]
    if ws is not None and not (path.parent / ws).is_dir():
        raise SetupError(f"no workspace folder {ws} in {path.parent}")
    if chosen["month"] is not None and not is_month(chosen["month"]):
        raise SetupError(f"month {chosen['month']!r} is not YYYY-MM")
    path.write_text("# The workspace and month every notebook opens in JupyterLab (a notebook's own parameters win).\n"
                    "# Written by make lab WORKSPACE=... MONTH=...; edit it and run a notebook again to switch.\n"
                    f"workspace: {'' if ws is None else json.dumps(ws, ensure_ascii=False)}\n"
                    f"month: {chosen['month'] or 'latest'}\n", encoding="utf-8")
    return chosen


def _lab_main(argv: Sequence[str]) -> int:
    """``python -m ecolib.notebook lab FILE [--workspace W] [--month M]``: what ``make lab`` runs
    before starting JupyterLab (writes FILE, or keeps it; prints the choice)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m ecolib.notebook lab")
    parser.add_argument("file")
    parser.add_argument("--workspace")
    parser.add_argument("--month")
    parser.add_argument("--default-workspace", help="the workspace when neither the file nor --workspace names one")
    args = parser.parse_args(argv)
    path = Path(args.file)
    try:
        current = read_lab_file(path) if path.is_file() else {"workspace": None}
        workspace = args.workspace
        if workspace is None and current["workspace"] is None:
            workspace = args.default_workspace
        if workspace and not Path(workspace).is_absolute():       # given from here: kept relative to the file
            workspace = os.path.relpath(Path.cwd() / workspace, path.resolve().parent)
        chosen = write_lab_file(path, workspace=workspace, month=args.month, keep=True)
    except SetupError as err:
        print(f"make lab: {err}", file=sys.stderr)
        return 2
    print(f"Notebooks open workspace {chosen['workspace']}, month {chosen['month'] or 'latest'} ({path.name}: "
          "edit it, or make lab WORKSPACE=... MONTH=...)")
    shadow = [name for name in (WORKSPACE_ENV, MONTH_ENV) if os.environ.get(name, "").strip()]
    if shadow:
        print(f"Note: {' and '.join(shadow)} set in this shell win over {path.name}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] != ["lab"]:
        sys.exit("usage: python -m ecolib.notebook lab FILE [--workspace W] [--month M]")
    sys.exit(_lab_main(sys.argv[2:]))
