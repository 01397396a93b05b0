"""The glossary of a report: every technical term a page explains, in plain words.

Each page keeps its terms in its own i18n file, under ``<page>.glossary.<id>`` with two keys,
``term`` (the name as the pages use it) and ``text`` (one or two plain sentences), in both
languages; a term used on several pages is defined once, by the page that owns it. This module
collects them from the catalogue of a language (:func:`glossary_entries`) and renders the
glossary section of the month's brief (:func:`glossary_html`, ``index.html#glossary``; each term
has the anchor ``glossary-<id>`` for pages to link to).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ecolib.presentation.escape import html_text
from ecolib.presentation.i18n import catalogue, has, t

__all__ = ["GlossaryEntry", "glossary_entries", "glossary_html", "glossary_anchor"]

#: ``<page>.glossary.<id>.term`` / ``.text`` in a flat catalogue.
_KEY = re.compile(r"^(?P<page>[a-z0-9_]+)\.glossary\.(?P<id>[a-z0-9_]+)\.(?P<field>term|text)$")

#: The pages in the report's order (their i18n files): a page's terms come in its group, the
#: groups in this order; terms of other files (common, the brief) come first, as general terms.
PAGE_ORDER = ("overview", "valuestream", "genemap", "gaps", "evaluation", "niche")


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: ``id`` (its key, the anchor ``glossary-<id>``), ``page`` (the i18n file that
    owns it), ``term`` and ``text`` in the catalogue's language."""
    id: str
    page: str
    term: str
    text: str


def glossary_anchor(term_id: str) -> str:
    """The anchor of a term in the glossary (on the month's brief, ``index.html#<anchor>``).

    Examples
    --------
    >>> glossary_anchor("betweenness")
    'glossary-betweenness'
    """
    return f"glossary-{term_id}"


def _entries(lang: str) -> dict[tuple[str, str], dict[str, str]]:
    found: dict[tuple[str, str], dict[str, str]] = {}
    for key, value in catalogue(lang).items():
        m = _KEY.match(key)
        if m:
            found.setdefault((m["page"], m["id"]), {})[m["field"]] = value
    return found


def _page_rank(page: str) -> int:
    return PAGE_ORDER.index(page) + 1 if page in PAGE_ORDER else 0


def glossary_entries(lang: str) -> list[GlossaryEntry]:
    """Every glossary entry of ``lang``'s catalogue: the general terms first, then each page's
    terms in the report's order of pages; within a group in the alphabetical order of the
    English terms (the same order in both languages). An entry missing ``term`` or ``text``
    is left out (tests/test_client_text.py checks that none is).

    Examples
    --------
    >>> entries = glossary_entries("en")
    >>> all(e.term and e.text for e in entries)
    True
    """
    here, english = _entries(lang), _entries("en")

    def order(key: tuple[str, str]):
        page, term_id = key
        return _page_rank(page), page, english.get(key, {}).get("term", term_id).casefold(), term_id

    return [GlossaryEntry(term_id, page, fields["term"], fields["text"])
            for (page, term_id), fields in sorted(here.items(), key=lambda kv: order(kv[0]))
            if fields.get("term") and fields.get("text")]


def _group_heading(page: str, lang: str) -> str:
    key = f"{page}.title"
    if page in PAGE_ORDER and has(key, lang):
        return t(key, lang)
    return t("report.glossary_general", lang)


def glossary_html(lang: str) -> str:
    """The glossary section in ``lang``: a heading (anchor ``glossary``), a line on what it
    holds, and for each group of terms (general, then page by page) a list of terms, each
    with its anchor :func:`glossary_anchor`; "" when the catalogue has no entry. All text
    escaped.

    Examples
    --------
    >>> html = glossary_html("en")
    >>> html == "" or html.startswith('<div class="ecolib-section" id="glossary">')
    True
    """
    entries = glossary_entries(lang)
    if not entries:
        return ""
    groups: dict[str, list[GlossaryEntry]] = {}
    seen: set[str] = set()
    for e in entries:
        if e.id in seen:               # defined twice: the first page (the owner) keeps it
            continue
        seen.add(e.id)
        groups.setdefault(_group_heading(e.page, lang), []).append(e)
    body = "".join(
        f'<h3>{html_text(heading)}</h3><dl class="ecolib-glossary">'
        + "".join(f'<dt id="{html_text(glossary_anchor(e.id))}">{html_text(e.term)}</dt><dd>{html_text(e.text)}</dd>'
                  for e in items)
        + "</dl>"
        for heading, items in groups.items())
    return (f'<div class="ecolib-section" id="glossary"><h2>{html_text(t("report.glossary_heading", lang))}</h2>'
            f'<p class="intro">{html_text(t("report.glossary_intro", lang))}</p></div>{body}')
