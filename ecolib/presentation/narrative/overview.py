"""The words of the park overview (:mod:`ecolib.analyses.overview`): the headline cards and the
findings at the top of the page, and the values the section headings and intros name.

Every sentence is built from the :class:`~ecolib.analyses.overview.Overview` it speaks of; the
keys are under ``overview.*`` (``i18n/*/overview.yaml``). Values from data are inserted as plain
text; the page escapes the whole string when it renders HTML.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.overview import overview
>>> ov = overview(tiny().tables, "2026-03", window=3, history=3)
>>> headline_cards(ov, "en")["Active local firms"]
'3'
>>> findings(ov, "en")[0]
'The park has 3 active local firms in 2 zones, with annual output of CNY 1.3 k; South contributes the largest part (77%).'
"""
from __future__ import annotations

import math

from ecolib.analyses.overview import MIN_LAND_FIRMS, Overview, largest_stage, largest_zone, year_on_year
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_name, display_names, has, t

__all__ = ["stage_label", "stage_names", "zone_label", "headline_cards", "findings", "flows_values", "top_values",
           "zones_notes", "chain_values", "top_notes"]


def stage_label(stage: str, lang: str = "en") -> str:
    """The name of a stage code in ``lang`` (``stage.<code>``), or the code itself.

    Examples
    --------
    >>> stage_label("upstream", "zh"), stage_label("my_stage", "en")
    ('上游', 'my_stage')
    """
    key = f"stage.{stage}"
    return t(key, lang) if has(key, lang) else str(stage)


def stage_names(ov: Overview, stages, lang: str = "en") -> list[str]:
    """The names of ``stages`` (the index of ``ov.stage_zone``) in ``lang``: the stage category
    (Upstream …) when each category has one stage node, else each stage node's own name, so
    31 sectors mapped to four categories read as 31 names, not 31 "Upstream".

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> ov = overview(tiny().tables, "2026-03", window=3, history=3)
    >>> stage_names(ov, ov.stage_zone.index, "zh")
    ['上游', '中游']
    """
    if not ov.stage_shared:
        return [stage_label(s, lang) for s in stages]
    tree = ov.tree.set_index("node_id")
    return [display_name(tree.at[s, "name"], tree.at[s, "name_zh"], lang) if s in tree.index else stage_label(s, lang)
            for s in stages]


def zone_label(ov: Overview, zone: str, lang: str = "en") -> str:
    """A zone's name in ``lang``: its Chinese name (``ov.zone_zh``) in Chinese where given.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> zone_label(overview(tiny().tables, "2026-03", window=3, history=3), "South", "zh")
    'South'
    """
    zh = ov.zone_zh.get(zone) if len(ov.zone_zh) else None
    return display_name(zone, zh, lang)


def headline_cards(ov: Overview, lang: str = "en", currency: str = "CNY") -> dict[str, str]:
    """The headline figures of the page top.

    Parameters
    ----------
    ov : Overview
        The month's profile (:func:`ecolib.analyses.overview.overview`).
    lang, currency : str
        Language of the labels; currency of the amounts.

    Returns
    -------
    dict of str to str
        ``{label: value as text}`` in page order: active local firms, their annual output, local
        flows over the window, the share of purchases made locally, technology nodes with a
        local firm (``covered / total``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> cards = headline_cards(overview(tiny().tables, "2026-03", window=3, history=3), "zh")
    >>> list(cards.values())
    ['3', '1,300元', '42元', '52.5%', '3 / 4']
    """
    h = ov.headline
    not_evaluated = t("overview.not_evaluated", lang)
    return {
        t("overview.headline.local_firms", lang): fmt.count(h["local_firms"]),
        t("overview.headline.output", lang): (fmt.money(h["output"], lang, currency) if h["output"] is not None
                                              else t("overview.not_reported", lang)),
        t("overview.headline.local_flow_value", lang): (fmt.money(h["local_flow_value"], lang, currency)
                                                        if ov.flows_given else not_evaluated),
        t("overview.headline.local_purchase_share", lang): (fmt.pct(h["local_purchase_share"], 1)
                                                            if ov.flows_given else not_evaluated),
        t("overview.headline.nodes_with_local_firm", lang): f'{h["nodes_with_local_firm"]} / {h["technology_nodes"]}',
    }


def findings(ov: Overview, lang: str = "en", currency: str = "CNY") -> list[str]:
    """The findings under the headline cards: the park's size and largest zone, the largest
    stage, the local share of purchases, the year-on-year change of local flows, chain coverage,
    output per area of land (per m² in English, 亩均产值 in Chinese), firms that left, months
    without flow data.

    Parameters
    ----------
    ov : Overview
        The month's profile (:func:`ecolib.analyses.overview.overview`).
    lang, currency : str
        Language of the sentences; currency of the amounts.

    Returns
    -------
    list of str
        Plain-text sentences; one sentence only (``overview.finding.no_firms``) in a month with
        no active local firm.

    See Also
    --------
    ecolib.analyses.overview.largest_zone, ecolib.analyses.overview.largest_stage,
    ecolib.analyses.overview.year_on_year : the numbers the sentences name.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> for line in findings(overview(tiny().tables, "2026-03", window=3, history=3), "en")[1:]:
    ...     print(line)
    Upstream is the largest stage by number of firms: 2 firms, 67% of the park.
    In the 3 months to 2026-03, local firms bought CNY 42 from each other: 52% of all they bought. The other CNY 38 came from outside the park.
    3 of the chain's 4 technology nodes have at least one active local firm with capability 0.30 or more (as on the gene map); 1 has none.
    Output per m² of land: CNY 10 per m² across the park; North, South tie for the highest (CNY 10 per m²).
    1 local firm has left the park by 2026-03: Pack Co (left in 2026-02).
    No flow data was reported for 2026-02; those months are shown as gaps, not zeros.
    """
    h = ov.headline
    out: list[str] = []
    if h["local_firms"] == 0:
        return [t("overview.finding.no_firms", lang, month=ov.month)]
    zone = largest_zone(ov)
    if h["output"] is None:
        out.append(t("overview.finding.size_no_output", lang, firms=fmt.count(h["local_firms"]), zones=h["zones"]))
    elif zone is not None:
        name, share = zone
        out.append(t("overview.finding.size", lang, firms=fmt.count(h["local_firms"]), zones=h["zones"],
                     output=fmt.money(h["output"], lang, currency), zone=zone_label(ov, name, lang),
                     share=fmt.pct(share)))
    n_output = ov.reported.get("output", h["local_firms"]) if ov.reported else h["local_firms"]
    if 0 < n_output < h["local_firms"]:
        out.append(t("overview.finding.output_partial", lang, n=fmt.count(n_output), total=fmt.count(h["local_firms"])))
    stage = largest_stage(ov)
    if stage is not None:
        code, firms, share = stage
        out.append(t("overview.finding.stage_node" if ov.stage_shared else "overview.finding.stage", lang,
                     stage=stage_names(ov, [code], lang)[0], firms=fmt.count(firms), share=fmt.pct(share)))
    if not ov.flows_given:
        out.append(t("overview.finding.no_flows", lang))
    elif not math.isnan(h["local_purchase_share"]):
        out.append(t("overview.finding.local_share", lang, months=len(ov.window), month=ov.month,
                     local=fmt.money(h["local_flow_value"], lang, currency),
                     share=fmt.pct(h["local_purchase_share"]),
                     inbound=fmt.money(h["inbound_value"], lang, currency)))
    growth = year_on_year(ov.flows, ov.month, "local") if ov.flows_given else float("nan")
    if not math.isnan(growth):
        key = "overview.finding.yoy_up" if growth >= 0 else "overview.finding.yoy_down"
        out.append(t(key, lang, month=ov.month, pct=fmt.pct(abs(growth), 1)))
    missing_nodes = h["technology_nodes"] - h["nodes_with_local_firm"]
    out.append(t("overview.finding.nodes" if missing_nodes != 1 else "overview.finding.nodes_one", lang,
                 covered=h["nodes_with_local_firm"], total=h["technology_nodes"], missing=missing_nodes,
                 cap=fmt.number(ov.min_capability, 2)))
    land = _land(ov, lang, currency)
    if land:
        out.append(land)
    if h["exited_firms"]:
        out.append(_exited(ov, lang))
    if h["missing_flow_months"]:
        out.append(t("overview.finding.missing_months", lang, months=", ".join(h["missing_flow_months"])))
    return out


def _exited(ov: Overview, lang: str) -> str:
    """The sentence naming the local firms gone by the month and the month each left (the
    latest first, capped by :func:`ecolib.presentation.fmt.capped`)."""
    n = ov.headline["exited_firms"]
    gone = ov.exited
    items = [t("overview.finding.exited_firm", lang, name=name, month=month) if isinstance(month, str) else name
             for name, month in zip(display_names(gone, lang), gone["exit_month"])] if len(gone) else []
    names = fmt.capped(items, lang, kind="firm", total=max(n, len(items)))
    return t("overview.finding.exited_one" if n == 1 else "overview.finding.exited", lang, n=fmt.count(n),
             month=ov.month, firms=names)


def _land(ov: Overview, lang: str, currency: str) -> str | None:
    """The land-productivity sentence: the park's output per area and the zone where it is
    highest (ties at the shown precision named together); None without any area given. Where
    some firms report only one of output and area, it says on how many firms the figures rest,
    and a zone whose figure rests on fewer than :data:`~ecolib.analyses.overview.MIN_LAND_FIRMS`
    firms is not named the highest."""
    zones = ov.zones.drop(index="total")
    per = zones["output_per_m2"].dropna()
    total = ov.zones.at["total", "output_per_m2"] if "total" in ov.zones.index else float("nan")
    if per.empty or math.isnan(total):
        return None
    partial = _land_partial(ov)
    if partial and "land_thin" in zones:
        per = per[~zones.loc[per.index, "land_thin"].to_numpy(bool)]
        if per.empty:                                   # every zone's figure rests on too few firms
            return t("overview.finding.land_partial_no_zone", lang, n=fmt.count(ov.zones.at["total", "land_firms"]),
                     total=fmt.land_output(total, lang, currency), min=MIN_LAND_FIRMS)
    shown = per.map(lambda v: fmt.land_output(v, lang, currency))
    best = shown[shown == shown[per.idxmax()]].index
    sep = t("overview.name_sep", lang)
    values = dict(total=fmt.land_output(total, lang, currency), zone=sep.join(zone_label(ov, z, lang) for z in best),
                  value=shown[best[0]])
    if not partial:
        return t("overview.finding.land" if len(best) == 1 else "overview.finding.land_tie", lang, **values)
    return t("overview.finding.land_partial" if len(best) == 1 else "overview.finding.land_partial_tie", lang,
             n=fmt.count(ov.zones.at["total", "land_firms"]),
             firms=fmt.count(zones.loc[best[0], "land_firms"]), **values)


def _land_partial(ov: Overview) -> bool:
    """Some active local firm reports only one of output and area (or neither): output per m²
    rests on fewer firms than the table's output and land columns."""
    if "land_firms" not in ov.zones or "total" not in ov.zones.index:
        return False
    return int(ov.zones.at["total", "land_firms"]) < int(ov.zones.at["total", "firms"])


#: The size columns of the zones table, with the label each is named by in a sentence.
_SIZE_LABELS = {"employees": "common.employees", "output": "common.output", "area": "overview.col.area",
                "patents": "common.patents"}


def zones_notes(ov: Overview, lang: str = "en") -> list[str]:
    """Sentences under the zones table: the size columns no active local firm reports (left
    out of the table, :data:`ecolib.presentation.tables.overview.ZONES` via ``zones_table``)
    and, for a column only some firms report, how many do (the totals cover only those).
    Nothing when every firm reports every size.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> ov = overview(tiny().tables, "2026-03", window=3, history=3)
    >>> zones_notes(ov, "en")
    []
    >>> ov.reported = {"output": 3, "employees": 0, "area": 0, "patents": 2}
    >>> for line in zones_notes(ov, "en"):
    ...     print(line)
    Not reported by any firm, so left out of the table: Employees, Land (m²).
    Patents: reported by 2 of 3 firms; the figures cover only those firms.
    Patents per firm divides the patents by the 2 firms that report them, not by all firms.
    """
    total = ov.headline["local_firms"]
    if not ov.reported or not total:
        return []
    missing = [t(_SIZE_LABELS[c], lang) for c in _SIZE_LABELS if ov.reported.get(c, total) == 0]
    out = [t("overview.finding.columns_missing", lang, columns=t("overview.name_sep", lang).join(missing))] if missing else []
    for c, label in _SIZE_LABELS.items():
        n = ov.reported.get(c, total)
        if 0 < n < total:
            out.append(t("overview.finding.column_partial", lang, column=t(label, lang), n=fmt.count(n),
                         total=fmt.count(total)))
    land = _land_notes(ov, lang)
    shown = [c for c in _SIZE_LABELS if ov.reported.get(c, total) > 0 and c in ov.zones]
    if "output" in shown and "area" in shown and "output_per_m2" in ov.zones:
        shown.append("output_per_m2")
    if shown and ov.zones[shown].isna().to_numpy().any():          # a zone where nobody reports a size
        out.append(t("overview.finding.dash_not_reported", lang))
    n_patents = ov.reported.get("patents", total)
    if 0 < n_patents < total:
        out.append(t("overview.finding.patents_per_firm_basis", lang, n=fmt.count(n_patents)))
    return out + land


def _land_notes(ov: Overview, lang: str) -> list[str]:
    """Where output per m² rests on fewer firms than the output and land columns: on how many
    (park and zones, the table's column), and the zones whose figure rests on fewer than
    :data:`~ecolib.analyses.overview.MIN_LAND_FIRMS` firms (the table's ``land_firms`` column
    shows each zone's number next to its figure)."""
    if not _land_partial(ov) or not ov.reported.get("output") or not ov.reported.get("area"):
        return []
    n = int(ov.zones.at["total", "land_firms"])
    if n == 0:
        return [t("overview.finding.land_none", lang)]
    out = [t("overview.finding.land_basis", lang, n=fmt.count(n))]
    zones = ov.zones.drop(index="total")
    thin = zones[zones["land_thin"].to_numpy(bool)] if "land_thin" in zones else zones.iloc[:0]
    if len(thin):
        items = [t("overview.finding.land_thin_zone", lang, zone=zone_label(ov, z, lang), n=fmt.count(k))
                 for z, k in thin["land_firms"].items()]
        out.append(t("overview.finding.land_thin", lang, zones=fmt.capped(items, lang, kind="item", most=len(items)),
                     min=MIN_LAND_FIRMS))
    return out


def top_notes(ov: Overview, lang: str = "en") -> list[str]:
    """The sentence under the largest-firms table where one of its firms does not report a size
    the table shows (the dash there is not reported, not 0); nothing otherwise.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> ov = overview(tiny().tables, "2026-03", window=3, history=3)
    >>> top_notes(ov, "en")
    []
    >>> ov.top_firms.loc[0, "patents"] = float("nan")
    >>> top_notes(ov, "en")
    ['A dash (–) is a figure the firm does not report: not reported, not 0.']
    """
    total = ov.headline.get("local_firms", 0)
    shown = [c for c in ("output", "employees", "patents") if c in ov.top_firms and ov.reported.get(c, total) > 0]
    if shown and ov.top_firms[shown].isna().to_numpy().any():
        return [t("overview.finding.top_dash", lang)]
    return []


def top_values(ov: Overview, currency: str = "CNY", lang: str = "en") -> dict[str, object]:
    """The values the largest-firms section's intro names: ``basis``, what the firms are ranked
    by (annual output; employees, saying so, where no firm reports output).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> top_values(overview(tiny().tables, "2026-03", window=3, history=3), "CNY", "en")
    {'currency': 'CNY', 'basis': 'annual output (CNY)'}
    """
    by = ov.top_by or "output"
    return {"currency": currency, "basis": t(f"overview.top_basis.{by}", lang, currency=currency)}


def chain_values(ov: Overview) -> dict[str, object]:
    """The values the chain section's intro names (``overview.chain_intro``): ``cap``, the
    capability a firm needs on a node to cover it, as on the gene map.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> chain_values(overview(tiny().tables, "2026-03", window=3, history=3))
    {'cap': '0.30'}
    """
    return {"cap": fmt.number(ov.min_capability, 2)}


def flows_values(ov: Overview, currency: str = "CNY") -> dict[str, object]:
    """The values the flows section's heading and intro name (``overview.flows_intro``).

    Returns
    -------
    dict
        ``currency``, ``window`` (months in the analysis window) and ``month``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.overview import overview
    >>> flows_values(overview(tiny().tables, "2026-03", window=3, history=3))
    {'currency': 'CNY', 'window': 3, 'month': '2026-03'}
    """
    return {"currency": currency, "window": len(ov.window), "month": ov.month}
