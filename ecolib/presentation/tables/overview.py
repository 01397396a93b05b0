"""The tables of the park overview page: the zones at a glance and the largest local firms.

Both are read from an :class:`~ecolib.analyses.overview.Overview`
(:func:`ecolib.analyses.overview.overview`, or ``ctx.model.overview`` in a notebook).

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.overview import overview
>>> ov = overview(tiny().tables, "2026-03", window=3, history=3)
>>> ZONES.view(ov, "zh")[["zone", "firms", "output"]]
    zone  firms  output
0  North      2   300.0
1  South      1  1000.0
2     合计      3  1300.0
>>> TOP_FIRMS.view(ov, "zh")[["name", "stage", "segment"]]
         name stage segment
0     Cell Co    中游  电芯与电池包
1  Cathode Co    上游      材料
2  Lithium Co    上游      材料
"""
from __future__ import annotations


import pandas as pd

from ecolib.analyses.overview import Overview
from ecolib.presentation.i18n import display_names, t
from ecolib.presentation.narrative.overview import stage_label
from ecolib.presentation.tables import Table

__all__ = ["ZONES", "TOP_FIRMS"]


def _zone_rows(ov: Overview, lang: str, currency: str) -> pd.DataFrame:
    """One row per zone then the total row (its zone reads ``common.total`` in ``lang``)."""
    rows = ov.zones.reset_index()
    rows["zone"] = rows["zone"].where(rows["zone"] != "total", t("common.total", lang))
    return rows


def _top_firm_rows(ov: Overview, lang: str, currency: str) -> pd.DataFrame:
    """The largest firms with firm, stage and segment names in ``lang``."""
    top = ov.top_firms
    return top.assign(name=display_names(top, lang),
                      stage=top["stage"].map(lambda s: stage_label(s, lang)),
                      segment=display_names(top, lang, base="segment").where(top["segment_id"].notna(), None))


#: Zones at a glance (``overview.zones``): per zone and in total, the active local firms' size.
ZONES = Table("overview.zones", rows=_zone_rows, total_row="common.total", columns={
    "zone": ("common.zone", "text"),
    "firms": ("common.firms", "count"),
    "anchors": ("common.anchors", "count"),
    "employees": ("common.employees", "count"),
    "output": ("common.output", "money"),
    "area": ("common.area", "count"),
    "patents": ("common.patents", "count"),
    "output_per_m2": ("common.output_per_m2", "count"),       # currency / m² / year, whole units
    "patents_per_firm": ("common.patents_per_firm", "num1"),
})

#: The largest local firms (``overview.top``), ten by the analysis.
TOP_FIRMS = Table("overview.top_firms", rows=_top_firm_rows, columns={
    "name": ("common.firm", "text"),
    "zone": ("common.zone", "text"),
    "stage": ("common.stage", "text"),
    "segment": ("common.segment", "text"),
    "output": ("common.output", "money"),
    "employees": ("common.employees", "count"),
    "patents": ("common.patents", "count"),
})
