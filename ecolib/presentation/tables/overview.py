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

import dataclasses

import pandas as pd

from ecolib.analyses.overview import Overview
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_name, display_names, t
from ecolib.presentation.narrative.overview import stage_label
from ecolib.presentation.tables import Column, Table

__all__ = ["ZONES", "TOP_FIRMS", "zones_table", "top_firms_table"]


def _zone_rows(ov: Overview, lang: str, currency: str) -> pd.DataFrame:
    """One row per zone (its name in ``lang``) then the total row (``common.total`` in ``lang``);
    area and output per area in the language's unit (m² and per m² in English, 亩 and 亩均产值
    in 万元/亩 in Chinese, :func:`ecolib.presentation.fmt.land_output_value`)."""
    rows = ov.zones.reset_index()
    names = display_names(rows, lang, base="zone") if "zone_zh" in rows else rows["zone"]
    rows["zone"] = names.where(rows["zone"] != "total", t("common.total", lang))
    rows["area_shown"] = [fmt.area_value(v, lang) for v in rows["area"]]
    rows["land_output"] = [fmt.land_output_value(v, lang) for v in rows["output_per_m2"]]
    return rows


def _top_firm_rows(ov: Overview, lang: str, currency: str) -> pd.DataFrame:
    """The largest firms with firm, stage and segment names in ``lang``."""
    top = ov.top_firms
    if ov.stage_shared and "stage_name" in top:          # several stage nodes per category: the node's name
        stage = [display_name(n, z, lang) if isinstance(n, str) else stage_label(s, lang)
                 for n, z, s in zip(top["stage_name"], top["stage_name_zh"], top["stage"])]
    else:
        stage = top["stage"].map(lambda s: stage_label(s, lang)).tolist()
    return top.assign(name=display_names(top, lang),
                      zone=display_names(top, lang, base="zone") if "zone_zh" in top else top["zone"],
                      stage=stage,
                      segment=display_names(top, lang, base="segment").where(top["segment_id"].notna(), None))


#: Zones at a glance (``overview.zones``): per zone and in total, the active local firms' size.
ZONES = Table("overview.zones", rows=_zone_rows, total_row="common.total", columns={
    "zone": ("common.zone", "text"),
    "firms": ("common.firms", "count"),
    "anchors": ("common.anchors", "count"),
    "employees": ("common.employees", "count"),
    "output": ("common.output", "money"),
    "area_shown": ("overview.col.area", "count"),              # m² (en), 亩 (zh)
    "patents": ("common.patents", "count"),
    "land_output": ("overview.col.land_output", "count"),      # currency / m² a year (en), 万元/亩 (zh)
    "land_firms": ("overview.col.land_firms", "count"),        # firms behind it (shown where some report one only)
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


#: The size columns each table shows only where some active local firm reports the quantity.
_SIZE_KEYS = {"employees": "employees", "output": "output", "area_shown": "area", "patents": "patents",
              "land_output": ("output", "area"), "land_firms": ("output", "area"), "patents_per_firm": "patents"}


def _given(ov: Overview, spec: Table) -> Table:
    """``spec`` without the columns of a size no active local firm reports (unknown, not 0)."""
    if not ov.reported:
        return spec
    def shown(key: str) -> bool:
        needs = _SIZE_KEYS.get(key)
        needs = (needs,) if isinstance(needs, str) else (needs or ())
        return all(ov.reported.get(c, 1) > 0 for c in needs)
    return dataclasses.replace(spec, columns=tuple(c for c in spec.columns if shown(c.key)))


#: Labels of the zones table's averages where they rest on fewer firms than the table counts.
_PARTIAL_LABELS = {"land_output": "overview.col.land_output_partial",
                   "patents_per_firm": "overview.col.patents_per_firm_partial"}


def zones_table(ov: Overview) -> Table:
    """:data:`ZONES` for ``ov``: without the columns of a size no firm reports
    (:func:`ecolib.presentation.narrative.overview.zones_notes` names them). Where some firms
    report only one of output and area, the output per area says it is from the firms reporting
    both and each zone's number of them (``land_firms``) stands next to it; where some firms
    report no patents, patents per firm says it is per reporting firm.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> ov = overview(tiny().tables, "2026-03", window=3, history=3)
    >>> [c.key for c in zones_table(ov).columns][-3:]          # everyone reports everything
    ['patents', 'land_output', 'patents_per_firm']
    >>> ov.reported = {"output": 3, "employees": 3, "area": 0, "patents": 3}
    >>> [c.key for c in zones_table(ov).columns]
    ['zone', 'firms', 'anchors', 'employees', 'output', 'patents', 'patents_per_firm']
    """
    spec = _given(ov, ZONES)
    total = ov.headline.get("local_firms", 0)
    zones = ov.zones
    land_partial = ("land_firms" in zones and "total" in zones.index
                    and int(zones.at["total", "land_firms"]) < int(zones.at["total", "firms"]))
    partial = {"land_output": land_partial, "patents_per_firm": 0 < ov.reported.get("patents", total) < total}
    columns = []
    for c in spec.columns:
        if c.key == "land_firms" and not land_partial:
            continue
        columns.append(Column(c.key, _PARTIAL_LABELS[c.key], c.format) if partial.get(c.key) else c)
    return dataclasses.replace(spec, columns=tuple(columns))


def top_firms_table(ov: Overview) -> Table:
    """:data:`TOP_FIRMS` for ``ov``: without the columns of a size no firm reports."""
    return _given(ov, TOP_FIRMS)
