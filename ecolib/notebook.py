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
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

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


class SetupError(RuntimeError):
    """The notebook cannot run: bad workspace, month or language. The message says why."""


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


def setup(workspace: str | Path, month: str | None = None, *, lang: str = "en", interactive: bool = False,
          title: str | None = None, model: str | Path | MonthModel | None = None, **options: Any) -> Context:
    """The month model of the workspace and month, the theme, the page title.

    ``model``: a month model stored by the report runner (its path), read back instead of
    loading and analysing the workspace again, so that every page shows the same numbers;
    None (interactive use): the workspace is loaded, validated and analysed here, each part on
    first use. ``month`` None: the latest month with data. ``options``: the page's own choices
    (``exit_firm``, ``niche_level``, ``niche_firm``, ``niche_nodes``; see
    :class:`ecolib.analyses.month.MonthModel`). Bad input raises ``SetupError`` with every
    problem listed (and, in a notebook, shows them as a readable box first)."""
    if lang not in LANGS:
        raise SetupError(f"language {lang!r} is not available; choose one of {', '.join(LANGS)}")
    from ecolib.foundations.months import is_month
    if month not in (None, "") and not is_month(month):
        raise SetupError(f"month {month!r} is not YYYY-MM")
    if isinstance(model, (str, Path)) and str(model):
        m = load_model(model)
    elif isinstance(model, MonthModel):
        m = model
    else:
        try:
            ws = load_workspace(resolve_workspace(workspace))
        except WorkspaceError as err:
            items = "".join(f"<li>{esc(p)}</li>" for p in err.problems)
            display(HTML(f'<div class="ecolib-problems"><b>{esc(t("common.data_problems", lang))}</b><ul>{items}</ul></div>'))
            raise SetupError(str(err)) from None
        if month in (None, "") and not ws.months():
            raise SetupError(f"workspace {ws.path.name} has no months with data")
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
