"""Text from data made inert, once, for each place it is shown.

Names of firms, nodes, zones, regions, candidates, benchmark sources, rule actions and the
park itself come from the client's files. None of them may become live anywhere a report goes:

* :func:`html_text` for HTML element content and attribute values (pages, the index);
* :func:`plot_text` for every string that reaches a plotly figure: labels, tick texts, hover
  text, titles, legend entries, annotations. Plotly renders a subset of HTML in these
  (``<a href>``, ``<b>``, ``<span style>``, entities) and substitutes ``%{...}`` in templates;
* :func:`store_text` for a workbook cell: a string is stored as text, never as a formula,
  whatever it starts with (``=HYPERLINK(...)``, ``=cmd|...``);
* :func:`csv_text` for a cell of a CSV export (OWASP's neutralisation, for spreadsheets that
  evaluate a CSV cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return).

:data:`CONTENT_SECURITY_POLICY` is the policy every report page declares: no request leaves the
page (no fetch, no image, font or style from a URL); inline scripts and styles, and the script
and style sheet beside the page in its folder.
"""
from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["CONTENT_SECURITY_POLICY", "csp_meta", "csv_text", "html_text", "plot_text", "store_text"]

#: The page may run its own inline scripts and styles and the script and style sheet beside it
#: (``'self'``: ``plotly-<version>.min.js`` and ``notebook-<hash>.css`` in the month folder); it
#: may show images only from ``data:`` URIs and may load nothing else from anywhere: no fetch, no
#: frame, no image, font or style from a URL.
#:
#: ``'self'`` is what lets a page opened by double-click (``file://``) load its sibling files:
#: Chromium and Edge block them without it (``'unsafe-inline'`` covers inline code only), and
#: match ``'self'`` of a ``file:`` page to local ``file:`` URLs, never to ``http(s):``, ``ws:``
#: or ``data:``; Firefox loads them either way and blocks the network all the same (tested:
#: Chromium 156, Firefox 153 ESR). Served by a web server, ``'self'`` is that server alone. The
#: scheme source ``file:`` would do for a double-click but no more, and break a served report.
#: No Subresource-Integrity hash on the script tag: Chromium and Firefox both refuse to check
#: ``integrity`` on a ``file:`` script (it has no CORS) and block it.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self' 'unsafe-inline'; "
                           "style-src 'self' 'unsafe-inline'; img-src data:; font-src data:; "
                           "connect-src 'none'; form-action 'none'; base-uri 'none'")


def csp_meta() -> str:
    """The ``<meta http-equiv="Content-Security-Policy">`` tag for the head of a report page.

    Examples
    --------
    >>> csp_meta().startswith('<meta http-equiv="Content-Security-Policy"')
    True
    """
    return f'<meta http-equiv="Content-Security-Policy" content="{html.escape(CONTENT_SECURITY_POLICY)}">'


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN: nothing to show
        return ""
    return str(value)


def html_text(value: Any) -> str:
    """``value`` as text safe inside an HTML element or a quoted attribute.

    Examples
    --------
    >>> html_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> html_text(None)
    ''
    """
    return html.escape(_text(value), quote=True)


def plot_text(value: Any) -> str:
    """``value`` as text for a plotly label, hover text, title or annotation.

    Markup characters become entities (plotly shows them as the characters), and a ``%{`` that
    would start a template substitution in a hover or text template is broken up.

    Examples
    --------
    >>> plot_text('<a href="http://x">Cathode & Co</a>')
    '&lt;a href="http://x"&gt;Cathode &amp; Co&lt;/a&gt;'
    >>> plot_text('%{x}')
    '%&#123;x}'
    """
    return html.escape(_text(value), quote=False).replace("%{", "%&#123;")


def store_text(cell: Any, value: Any) -> Any:
    """Put ``value`` into an openpyxl ``cell``; a string is stored as text, never a formula.

    openpyxl turns any string that starts with ``=`` into a formula; this keeps it a string
    cell, which Excel and LibreOffice show as the text it is. Control characters that a
    workbook cannot hold are dropped (openpyxl would refuse the whole file). Other values are
    stored as they are (numbers stay numbers). Works on the cells of a write-only worksheet
    (``openpyxl.cell.WriteOnlyCell``) too. Returns the cell.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> cell = store_text(Workbook().active["A1"], '=HYPERLINK("http://x", "click")')
    >>> cell.data_type, cell.value
    ('s', '=HYPERLINK("http://x", "click")')
    >>> store_text(Workbook().active["A1"], "Bell\x07 Co").value
    'Bell Co'
    """
    if isinstance(value, str):
        value = _ILLEGAL_IN_CELL.sub("", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


#: Characters an XML worksheet cannot contain (the same set openpyxl refuses).
_ILLEGAL_IN_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> str:
    """``value`` for a CSV cell: a leading formula character is neutralised with a quote.

    Examples
    --------
    >>> csv_text('=cmd|" /C calc"!A0')
    '\\'=cmd|" /C calc"!A0'
    >>> csv_text("Cathode Co")
    'Cathode Co'
    """
    text = _text(value)
    return "'" + text if text.startswith(_CSV_TRIGGERS) else text
