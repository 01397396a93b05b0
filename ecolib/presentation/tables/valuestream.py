"""The tables of the value-stream page (notebooks/01_value_stream.ipynb) and its explorer:
which rows, which columns, their labels and formats (see :mod:`ecolib.presentation.tables`).

Each spec's source is the part of :class:`ecolib.analyses.valuestream.ValueStream` it shows
(``vs.sourcing``, ``vs.isolated``, ``vs.connectors``, ``vs.broken``, ``vs.io.linkages``) or the
national view (``MonthModel.national``).

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.valuestream import value_stream
>>> vs = value_stream(tiny().tables, "2026-03", window=3)
>>> SOURCING.view(vs.sourcing, "zh")[["segment", "local_firms", "local_sourcing"]].round(3)
  segment  local_firms  local_sourcing
0      材料            2           0.733
1  电芯与电池包            2           0.477
>>> CONNECTORS.view(vs.connectors, "en")[["rank", "firm", "betweenness"]]
   rank        firm  betweenness
0     1  Cathode Co          1.0
1     2  Lithium Co          0.0
2     3     Cell Co          0.0
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from ecolib.analyses.valuestream import NationalSectors, ValueStream
from ecolib.presentation.i18n import display_names, t
from ecolib.presentation.narrative.valuestream import group_names, segment_lists
from ecolib.presentation.tables import Table

__all__ = ["SOURCING", "ISOLATED", "CONNECTORS", "BROKEN", "IO", "NATIONAL", "GROUP_COLUMN", "sourcing_table",
           "isolated_table"]


def _quadrant_labels(quadrants: pd.Series, lang: str) -> list[str]:
    """Translated linkage quadrants ('–' where there is none); one per segment or sector."""
    return [t(f"valuestream.quadrant.{q}", lang) if isinstance(q, str) else "–" for q in quadrants]


def _sourcing_rows(table: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """:func:`~ecolib.analyses.valuestream.sourcing_table`: the groups with local firms or
    trade, with ``segment`` (name in ``lang``)."""
    shown = table[(table["local_firms"] > 0) | (table["inflow"] > 0) | (table["outflow"] > 0)]
    return shown.assign(segment=group_names(shown, lang)).reset_index()


def _isolated_rows(iso: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """:func:`~ecolib.analyses.valuestream.isolated_firms` with names in ``lang`` and their
    trade with outside firms (inflow + outflow, window)."""
    return iso.assign(firm=display_names(iso, lang), segment=display_names(iso, lang, base="segment_name"),
                      zone=display_names(iso, lang, base="zone") if "zone_zh" in iso else iso["zone"],
                      external_trade=iso["external_inflow"] + iso["external_outflow"])


def _connector_rows(con: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """:func:`~ecolib.analyses.valuestream.connector_firms` with names in ``lang``."""
    return con.assign(firm=display_names(con, lang), segment=display_names(con, lang, base="segment_name"))


def _broken_rows(broken: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """The broken links of :func:`~ecolib.analyses.valuestream.broken_links` (status
    ``broken``, largest value at stake first), each named "supplier segment → buyer segment"
    in ``lang``."""
    rows = broken[broken["status"] == "broken"]
    return rows.assign(link=display_names(rows, lang, base="source_name") + " → "
                       + display_names(rows, lang, base="target_name"))


def _io_rows(lk: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """:attr:`SegmentIO.linkages <ecolib.analyses.valuestream.SegmentIO>` by extraction share
    (largest first), with segment names and quadrant labels in ``lang``."""
    rows = lk.assign(segment=display_names(lk, lang), quadrant_label=_quadrant_labels(lk["quadrant"], lang))
    rows = rows.sort_values("extraction_share", ascending=False)
    return rows


def _national_rows(nat: NationalSectors, lang: str, currency: str) -> pd.DataFrame:
    """The national sectors behind the park's chain, with sector and segment names and
    quadrant labels in ``lang``."""
    m = nat.mapped
    source = m["source"] if "source" in m else pd.Series("rules", index=m.index)
    return m.assign(sector_name=m["name_zh" if lang == "zh" else "name_en"].astype(str),
                    segments=segment_lists(m, lang),
                    quadrant_label=_quadrant_labels(m["quadrant"], lang),
                    source_label=[t(f"valuestream.national_source.{v}", lang) for v in source])


#: The label of the sourcing table's first column, by the chain level of its groups.
GROUP_COLUMN = {"stage": "common.stage", "segment": "common.segment", "node": "valuestream.level.node.column"}

#: Local sourcing and leakage by segment (source: ``vs.sourcing``); other levels: :func:`sourcing_table`.
SOURCING = Table("valuestream.sourcing", rows=_sourcing_rows, columns={
    "segment": GROUP_COLUMN["segment"],
    "local_firms": ("valuestream.col.local_firms", "count"),
    "inflow": ("valuestream.col.inflow", "money"),
    "local_sourcing": ("valuestream.col.local_sourcing", "share1"),
    "import_dependence": ("valuestream.col.import_dependence", "share1"),
    "outflow": ("valuestream.col.outflow", "money"),
    "external_outflow": ("valuestream.col.external_outflow", "money"),
    "leakage": ("valuestream.col.leakage", "share1")})

#: Isolated firms, largest first (source: ``vs.isolated``); the page shows 15, tables.xlsx all.
ISOLATED = Table("valuestream.isolated", rows=_isolated_rows, max_rows=15, columns={
    "firm": "common.firm",
    "zone": ("common.zone", "text"),
    "segment": "common.segment",
    "output": ("common.output", "money"),
    "external_trade": ("valuestream.col.external_trade", "money")})

_CONNECTOR_COLUMNS = {
    "rank": ("valuestream.col.rank", "count"),
    "firm": "common.firm",
    "segment": "common.segment",
    "partners": ("valuestream.col.partners", "count"),
    "segments_linked": ("valuestream.col.segments_linked", "count"),
    "betweenness": ("valuestream.col.betweenness", "num3")}

#: Connector firms, the top 15 by connector score (betweenness) on the page, every local firm
#: with its local purchases and sales in tables.xlsx (source: ``vs.connectors``).
CONNECTORS = Table("valuestream.connectors", rows=_connector_rows, max_rows=15, columns=_CONNECTOR_COLUMNS,
                   export_columns={**_CONNECTOR_COLUMNS,
                                   "local_inflow": ("valuestream.col.local_inflow", "money"),
                                   "local_outflow": ("valuestream.col.local_outflow", "money")})

#: Broken chain links, the 20 largest by value at stake (source: ``vs.broken``).
BROKEN = Table("valuestream.broken", rows=_broken_rows, max_rows=20, columns={
    "link": "valuestream.col.link",
    "value_at_stake": ("valuestream.col.value_at_stake", "money"),
    "buyer_from_outside": ("valuestream.col.buyer_from_outside", "money"),
    "local_value": ("valuestream.col.local_value", "money"),
    "local_share": ("valuestream.col.local_share", "share1"),
    "supplier_to_outside": ("valuestream.col.supplier_to_outside", "money")})

#: Linkages and hypothetical extraction of the park's segments (source: ``vs.io.linkages``).
IO = Table("valuestream.io", rows=_io_rows, columns={
    "segment": "common.segment",
    "quadrant_label": "valuestream.col.quadrant",
    "BL": ("valuestream.col.bl", "num3"),
    "FL": ("valuestream.col.fl", "num3"),
    "FL_ghosh": ("valuestream.col.fl_ghosh", "num3"),
    "extraction_loss": ("valuestream.col.extraction_loss", "money"),
    "extraction_share": ("valuestream.col.extraction_share", "share2")})

#: The national sectors behind the park's chain (source: ``MonthModel.national``).
NATIONAL = Table("valuestream.national", rows=_national_rows, columns={
    "sector": "valuestream.col.sector_code",
    "sector_name": "valuestream.col.sector",
    "segments": "valuestream.col.park_segments",
    "source_label": "valuestream.col.national_source",
    "quadrant_label": "valuestream.col.quadrant",
    "BL": ("valuestream.col.bl", "num3"),
    "FL": ("valuestream.col.fl", "num3"),
    "extraction_share": ("valuestream.col.national_extraction", "share2")})


def sourcing_table(level: str = "segment") -> Table:
    """:data:`SOURCING` for groups of ``level`` (``stage``, ``segment`` or ``node``): the first
    column named after them (:data:`GROUP_COLUMN`; the column key stays ``segment``).

    Examples
    --------
    >>> sourcing_table().labels("en")[0], sourcing_table("node").labels("zh")[0]
    ('Segment', '技术节点')
    >>> sourcing_table() is SOURCING
    True
    """
    if level not in GROUP_COLUMN:
        raise ValueError(f"level must be one of {', '.join(GROUP_COLUMN)}, got {level!r}")
    if level == "segment":
        return SOURCING
    return dataclasses.replace(SOURCING, columns=tuple(dataclasses.replace(c, label=GROUP_COLUMN[level])
                                                       if c.key == "segment" else c for c in SOURCING.columns))


def isolated_table(vs: ValueStream) -> Table:
    """:data:`ISOLATED` for ``vs``: without the output column where no active local firm reports
    its output (unknown, not CNY 0).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import value_stream
    >>> vs = value_stream(tiny().tables, "2026-03", window=3)
    >>> vs.output_reported = 0
    >>> [c.key for c in isolated_table(vs).columns]
    ['firm', 'zone', 'segment', 'external_trade']
    """
    if vs.output_reported != 0:
        return ISOLATED
    return dataclasses.replace(ISOLATED, columns=tuple(c for c in ISOLATED.columns if c.key != "output"))
