"""The look of a page: the report's style sheet, the bar of links every page carries, and the
plotly options every figure shares."""
from __future__ import annotations

from importlib import resources

from ecolib.presentation.escape import html_text
from ecolib.presentation.i18n import t

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

#: Where an analysis page's bar goes until every page's title is known (the runner fills it in
#: with :func:`with_nav` once the last notebook has run). Text from data never holds it: every
#: ``<`` from data is escaped.
NAV_SLOT = "<!--ecolib-nav-->"


def report_css() -> str:
    """The style sheet of every page (``ecolib/templates/ecolib/report.css``)."""
    return resources.files("ecolib").joinpath("templates/ecolib/report.css").read_text(encoding="utf-8")


def nav_bar(pages: list[tuple[str, str]], lang: str, *, current: str | None = None, brief: str = "index.html",
            glossary: str | None = "index.html#glossary", months: str | None = None) -> str:
    """The bar of links at the top of every page of a month: the month's brief, every analysis
    page by its title, the glossary, and (in a month folder) the index of all months; the page
    it is on is marked (``aria-current="page"``). Hidden in print (report.css).

    Parameters
    ----------
    pages : list of (str, str)
        ``(link, title)`` of every analysis page, in the report's order; titles in the report's
        language (from data: escaped here).
    lang : str
        The report's language (the labels of the brief, the glossary and the months).
    current : str, optional
        The link of the page the bar is on (``brief`` for the brief).
    brief, glossary, months : str
        Links to the brief, its glossary and the index of months; None leaves a link out.

    Examples
    --------
    >>> bar = nav_bar([("00_overview.html", "Park <overview>")], "en", current="00_overview.html")
    >>> bar.startswith('<nav class="ecolib-nav"')
    True
    >>> '<a href="00_overview.html" aria-current="page">Park &lt;overview&gt;</a>' in bar
    True
    >>> '<a href="index.html">' in bar and 'href="index.html#glossary"' in bar
    True
    """
    links = [(brief, t("report.nav.brief", lang))] + list(pages)
    if glossary:
        links.append((glossary, t("report.nav.glossary", lang)))
    if months:
        links.append((months, t("report.nav.months", lang)))
    mark = ' aria-current="page"'
    items = "".join(f'<a href="{html_text(href)}"{mark if href == current else ""}>{html_text(title)}</a>'
                    for href, title in links)
    return f'<nav class="ecolib-nav" aria-label="{html_text(t("report.nav.label", lang))}">{items}</nav>'


def with_nav(page: str, nav: str) -> str:
    """``page`` (an analysis page, see :data:`NAV_SLOT`) with its bar of links in place.

    Examples
    --------
    >>> with_nav("<main>" + NAV_SLOT + "<h1>x</h1>", "<nav></nav>")
    '<main><nav></nav><h1>x</h1>'
    """
    return page.replace(NAV_SLOT, nav, 1)
