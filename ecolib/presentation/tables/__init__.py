"""Table specs: one per displayed table, saying which rows, which columns, their labels in
both languages and their formats; and the two renderers every table goes through (an escaped
HTML table for pages and widgets, a JSON payload for ``tables.xlsx``).

A page module (``ecolib.presentation.tables.gaps`` …) declares its tables::

    PRIORITY = Table("gaps.priority", rows=_priority_rows, max_rows=30, columns={
        "rank": ("gaps.col.rank", "count"),
        "node": "gaps.col.node",                  # text
        "score": ("gaps.col.score", "num2")})

and a notebook shows one with ``ctx.table(tables.gaps.PRIORITY, result)``. ``rows(source,
lang, currency)`` returns the rows to show with one column per key (names already in ``lang``);
formats are names in :data:`FORMATS`, so the same quantity reads the same on every page.

Examples
--------
>>> import pandas as pd
>>> spec = Table("demo.firms", rows=lambda df, lang, currency: df,
...              columns={"name": "common.firm", "output": ("common.output", "money"),
...                       "share": ("common.share", "share")})
>>> df = pd.DataFrame({"name": ["A <b>"], "output": [2.5e9], "share": [0.25]})
>>> print(spec.html(df, "en", "CNY"))  # doctest: +ELLIPSIS
<table class="ecolib-table"><thead><tr><th class="">Firm</th>...<td class="">A &lt;b&gt;</td><td class="num">CNY...2.5...bn</td><td class="num">25%</td></tr></tbody></table>
>>> spec.export(df, "zh", "CNY", sheet="企业")["data"]
[['A <b>', 2500000000.0, 0.25]]
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import pandas as pd

from ecolib.presentation import fmt
from ecolib.presentation.escape import html_text as esc
from ecolib.presentation.i18n import has, t

#: Rows of one table written to tables.xlsx at most (a region's full firm list stays usable).
EXPORT_MAX_ROWS = 100_000

Formatter = Callable[[Any, str, str], str]


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _text(v: Any, lang: str, currency: str) -> str:
    """Text as given; in Chinese its months read 2026年10月 (:func:`fmt.months_in_text`)."""
    return "–" if _missing(v) or (isinstance(v, str) and not v) else fmt.months_in_text(v, lang)


def _money(v: Any, lang: str, currency: str) -> str:
    return fmt.money(v, lang, currency).replace(" ", "\u00a0")


def _yes_no(v: Any, lang: str, currency: str) -> str:
    return "–" if _missing(v) else t("common.yes" if bool(v) else "common.no", lang)


def plain(value: Any) -> str:
    """A cell without a declared format: numbers with thousands separators, missing as '–'."""
    if _missing(value):
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


#: The formats a column may name: ``(value, lang, currency) -> text``. Missing values read '–'.
FORMATS: dict[str, Formatter] = {
    "auto": lambda v, lang, currency: fmt.months_in_text(v, lang) if isinstance(v, str) else plain(v),
    "text": _text,
    "count": lambda v, lang, currency: fmt.count(v),
    "share": lambda v, lang, currency: fmt.pct(v, 0),
    "share1": lambda v, lang, currency: fmt.pct(v, 1),
    "share2": lambda v, lang, currency: fmt.pct(v, 2),
    "num1": lambda v, lang, currency: fmt.number(v, 1),
    "num2": lambda v, lang, currency: fmt.number(v, 2),
    "num3": lambda v, lang, currency: fmt.number(v, 3),
    "num4": lambda v, lang, currency: fmt.number(v, 4),
    "money": _money,
    "yes_no": _yes_no,
}


@dataclass(frozen=True)
class Column:
    """One displayed column: the key in the rows, the i18n key of its label, its format."""
    key: str
    label: str
    format: str = "auto"

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"column {self.key!r}: unknown format {self.format!r}; one of {', '.join(FORMATS)}")


def _columns(spec: Mapping[str, str | tuple[str, str]]) -> tuple[Column, ...]:
    out = []
    for key, value in spec.items():
        label, form = (value, "auto") if isinstance(value, str) else value
        out.append(Column(key, label, form))
    return tuple(out)


@dataclass(frozen=True)
class Table:
    """A displayed table: ``rows(source, lang, currency)`` picks and names the rows;
    ``columns`` maps each shown key to its label (an i18n key) or to ``(label, format)``."""
    id: str
    columns: tuple[Column, ...] | Mapping[str, str | tuple[str, str]]
    rows: Callable[[Any, str, str], pd.DataFrame] = field(default=lambda source, lang, currency: source)
    max_rows: int = 60
    #: the first-column value of a total row (shown bold), if any: an i18n key (its text in the
    #: report's language is what the rows carry, e.g. ``common.total``) or a literal value
    total_row: str | None = None
    #: the columns written to tables.xlsx, when they differ from the shown ones (the page shows
    #: a narrow table, the spreadsheet keeps the details); None: the shown columns
    export_columns: tuple[Column, ...] | Mapping[str, str | tuple[str, str]] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.columns, tuple):
            object.__setattr__(self, "columns", _columns(self.columns))
        if self.export_columns is not None and not isinstance(self.export_columns, tuple):
            object.__setattr__(self, "export_columns", _columns(self.export_columns))

    def view(self, source: Any, lang: str = "en", currency: str = "CNY") -> pd.DataFrame:
        """The rows with the shown columns only, in their order (values not yet formatted)."""
        frame = self.rows(source, lang, currency)
        return frame[[c.key for c in self.columns]]

    def labels(self, lang: str = "en") -> list[str]:
        return [t(c.label, lang) for c in self.columns]

    def html(self, source: Any, lang: str = "en", currency: str = "CNY", *, max_rows: int | None = None) -> str:
        total = self.total_row
        if total is not None and has(total, lang):
            total = t(total, lang)
        return html_table(self.view(source, lang, currency), lang=lang, currency=currency,
                          columns={c.key: c.label for c in self.columns},
                          formats={c.key: c.format for c in self.columns},
                          total_row=total, max_rows=self.max_rows if max_rows is None else max_rows)

    def export(self, source: Any, lang: str = "en", currency: str = "CNY", *, sheet: str = "table") -> dict:
        cols = self.export_columns or self.columns
        frame = self.rows(source, lang, currency)
        return export_payload(frame[[c.key for c in cols]], lang=lang, currency=currency,
                              columns={c.key: c.label for c in cols},
                              formats={c.key: c.format for c in cols}, sheet=sheet)


def _formatter(f: str | Callable | None, lang: str, currency: str) -> Callable[[Any], str]:
    if f is None:
        return plain
    if isinstance(f, str):
        form = FORMATS[f]
        return lambda v: form(v, lang, currency)
    return f


def _label(key: str, lang: str) -> str:
    return t(key, lang) if has(key, lang) else str(key)


def html_table(frame: pd.DataFrame, *, lang: str = "en", currency: str = "CNY",
               columns: Mapping[str, str] | None = None,
               formats: Mapping[str, str | Callable[[Any], str]] | None = None, index: bool = False,
               total_row: Any = None, max_rows: int = 60) -> str:
    """``frame`` as an escaped HTML table with translated headers. ``columns`` maps column →
    i18n key (order kept, others dropped); ``formats`` maps column → a format name of
    :data:`FORMATS` or a callable; numeric columns are right-aligned."""
    data = frame.reset_index() if index else frame
    columns = columns or {c: c for c in data.columns}
    data = data[list(columns)].head(max_rows)
    numeric = {c for c in columns if pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])}
    forms = {c: _formatter((formats or {}).get(c), lang, currency) for c in columns}
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{esc(_label(k, lang))}</th>' for c, k in columns.items())
    first = data[data.columns[0]].tolist() if len(data.columns) else []
    texts = {c: [forms[c](v) for v in data[c].tolist()] for c in columns}   # display only: bounded by max_rows
    rows = []
    for i in range(len(data)):
        cls = ' class="total"' if total_row is not None and first[i] == total_row else ""
        cells = "".join(
            f'<td class="{"num" if c in numeric else ("wrap" if len(str(texts[c][i])) > 40 else "")}">{esc(texts[c][i])}</td>'
            for c in columns)
        rows.append(f"<tr{cls}>{cells}</tr>")
    return f'<table class="ecolib-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def export_payload(frame: pd.DataFrame, *, lang: str = "en", currency: str = "CNY",
                   columns: Mapping[str, str] | None = None,
                   formats: Mapping[str, str | Callable[[Any], str]] | None = None, index: bool = False,
                   sheet: str = "table") -> dict:
    """A table for tables.xlsx as JSON: translated headers; text columns through their
    formatter (e.g. stage codes → labels), numeric columns raw so Excel can compute with them."""
    data = frame.reset_index() if index else frame
    columns = columns or {c: c for c in data.columns}
    data = data[list(columns)].head(EXPORT_MAX_ROWS).copy()
    for c in data.columns:                  # yes / no in the report's language, not Excel's TRUE / FALSE
        if pd.api.types.is_bool_dtype(data[c]):
            data[c] = data[c].map({True: t("common.yes", lang), False: t("common.no", lang)})
    for c, f in (formats or {}).items():
        if c in data and not pd.api.types.is_numeric_dtype(data[c]) and not data[c].isin(
                [t("common.yes", lang), t("common.no", lang)]).all():
            form = _formatter(f, lang, currency)
            data[c] = data[c].map(form)
    headers = [_label(k, lang) for k in columns.values()]
    return {"sheet": str(sheet), "columns": headers, "data": json.loads(data.to_json(orient="values"))}
