"""The words of the value-stream page (notebooks/01_value_stream.ipynb): one findings
function per report section, the headline cards, and the values the headings and intros name.

Every function takes a result of :mod:`ecolib.analyses.valuestream` (numbers, ids, codes)
and the report's language; names are shown in that language (Chinese names where given).
Values from data are plain text here; the notebook context escapes them.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.valuestream import value_stream
>>> vs = value_stream(tiny().tables, "2026-03", window=3)
>>> connectors(vs, "en")[1]
'Cathode Co links the most segments: its local partners come from 2 different segments.'
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ecolib.analyses.valuestream import OTHER, SERVICE_STAGE, UNASSIGNED, NationalSectors, ValueStream
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_name, display_names, t

__all__ = ["group_names", "firm_name", "intro_values", "headline_cards", "headline", "flows_values", "sourcing",
           "isolated", "method_note", "connectors_values", "connectors", "broken_values", "broken", "io",
           "national"]


# =========================================================================== names


def segment_lists(mapped: pd.DataFrame, lang: str = "en") -> list[str]:
    """The park's segments behind each national sector (``names``/``names_zh`` tuples of
    :func:`~ecolib.analyses.valuestream.national_key_sectors`) as one text in ``lang``: Chinese
    names where given, joined by the language's separator."""
    sep = t("valuestream.name_sep", lang)
    if lang != "zh":
        return [sep.join(map(str, en)) for en in mapped["names"]]
    return [sep.join(str(z) if isinstance(z, str) and z.strip() else str(e) for e, z in zip(en, zh))
            for en, zh in zip(mapped["names"], mapped["names_zh"])]        # a few sectors


def group_names(groups: pd.DataFrame, lang: str = "en") -> pd.Series:
    """Display names of the groups of a level in ``lang``.

    Parameters
    ----------
    groups : DataFrame
        Indexed by group id, with name and name_zh (:attr:`~ecolib.analyses.valuestream.SegmentFlows.groups`,
        or a table with those columns such as :func:`~ecolib.analyses.valuestream.sourcing_table`).
    lang : str
        ``en`` or ``zh``.

    Returns
    -------
    Series
        Names on the groups' index; the group of firms without a chain node
        (:data:`~ecolib.analyses.valuestream.UNASSIGNED`) gets its translated label.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import segment_flows
    >>> group_names(segment_flows(tiny().tables, "2026-03", window=3).groups, "zh").tolist()
    ['材料', '电芯与电池包']
    """
    names = display_names(groups, lang)
    if UNASSIGNED in names.index:
        names[UNASSIGNED] = t("valuestream.unassigned", lang)
    return names


def firm_name(row: Any, lang: str = "en") -> str:
    """A firm row's name in ``lang`` (``name``, or ``name_zh`` in Chinese where given)."""
    return display_name(row["name"], row.get("name_zh", ""), lang)


def _seg(row: Any, lang: str) -> str:
    """A firm row's main segment name in ``lang``."""
    return display_name(row["segment_name"], row.get("segment_name_zh", ""), lang)


def _money(lang: str, currency: str):
    return lambda v: fmt.money(v, lang, currency)  # noqa: E731


# =========================================================================== page top


def intro_values(vs: ValueStream) -> dict[str, Any]:
    """The values the page intro (``valuestream.intro``) names: first, last, months.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import value_stream
    >>> intro_values(value_stream(tiny().tables, "2026-03", window=3))
    {'first': '2026-01', 'last': '2026-03', 'months': 3}
    """
    return {"first": vs.window[0], "last": vs.window[-1], "months": len(vs.window)}


def headline_cards(vs: ValueStream, lang: str = "en", currency: str = "CNY") -> dict[str, str]:
    """The headline figures of the page as ``{label: formatted value}``.

    Parameters
    ----------
    vs : ValueStream
        :func:`ecolib.analyses.valuestream.value_stream`.
    lang, currency : str
        Report language; the workspace currency.

    Returns
    -------
    dict of str to str
        Local value traded, local sourcing rate, the share of local firms' sales going to
        buyers outside the park, isolated / active local firms, broken chain links.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import value_stream
    >>> cards = headline_cards(value_stream(tiny().tables, "2026-03", window=3), "en")
    >>> cards["Local sourcing rate"], cards["Isolated firms"], cards["Broken chain links"]
    ('52.5%', '0 / 3', '0')
    >>> cards["Sales to buyers outside the park, share of local firms' sales"]
    '10.6%'
    
    """
    h = vs.headline
    n_broken = h["broken_link_count"]
    if not vs.flows_given:                     # no transactions given: trade figures not evaluated, never 0
        return {t(f"valuestream.headline.{k}", lang): t("valuestream.not_evaluated", lang)
                for k in ("local_value", "local_sourcing", "leakage", "isolated", "broken")}
    return {
        t("valuestream.headline.local_value", lang): fmt.money(h["local_value"], lang, currency),
        t("valuestream.headline.local_sourcing", lang): fmt.pct(vs.totals["local_sourcing"], 1),
        t("valuestream.headline.leakage", lang): fmt.pct(vs.totals["leakage"], 1),
        t("valuestream.headline.isolated", lang): f'{h["isolated_firms"]} / {h["active_local_firms"]}',
        t("valuestream.headline.broken", lang): fmt.count(n_broken),
    }


def headline(vs: ValueStream, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Findings under the headline cards: the window's volume, sourcing and leakage, and the
    density of the local network (with at least two active local firms).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import value_stream
    >>> headline(value_stream(tiny().tables, "2026-03", window=3), "en")[1]
    '2 supply relations link the 3 active local firms (33.33% of all possible pairs); local inter-firm trade equals 12.9% of their output over the window.'
    """
    money = _money(lang, currency)
    h, out = vs.headline, []
    key = "valuestream.finding.headline"
    if not vs.flows_given:
        return [t(f"{key}.no_data", lang)]
    if vs.totals["local_value"] + vs.totals["inbound"] + vs.totals["outbound"] <= 0:
        return [t(f"{key}.no_flows", lang, first=vs.window[0], last=vs.window[-1])]
    out.append(t(f"{key}.volume", lang, first=vs.window[0], last=vs.window[-1], local=money(h["local_value"]),
                 inbound=money(h["inbound"]), outbound=money(h["outbound"]),
                 sourcing=fmt.pct(vs.totals["local_sourcing"], 1), leakage=fmt.pct(vs.totals["leakage"], 1)))
    c = vs.collaboration
    if c["firms"] >= 2:
        out.append(t(f"{key}.density", lang, links=fmt.count(c["links"]), firms=fmt.count(c["firms"]),
                     density=fmt.pct(c["density"], 2), intensity=fmt.pct(c["value_intensity"], 1)))
    return out


# =========================================================================== sections


def flows_values(vs: ValueStream, lang: str = "en", currency: str = "CNY", *, segments: int = 8) -> dict[str, str]:
    """The values the Sankey section's intro names: the currency and ``drawn``, the sentence
    saying which flows the figure draws (:attr:`~ecolib.analyses.valuestream.ValueStream.main`:
    the segments shown one by one, the largest flows and what is left out).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import value_stream
    >>> flows_values(value_stream(tiny().tables, "2026-03", window=3), "en", "CNY")
    {'currency': 'CNY', 'drawn': 'The 5 largest flows are drawn, 95.3% of all value; 1 smaller flows (CNY\xa04) are not drawn.'}
    """
    main = vs.main
    a = main.attrs
    if a.get("hidden_links", 0) == 0 and not a.get("other_sources") and not a.get("other_targets"):
        return {"currency": currency, "drawn": t("valuestream.flows_drawn_all", lang)}
    key = "valuestream.flows_drawn_grouped" if a.get("other_sources") or a.get("other_targets") else \
        "valuestream.flows_drawn_part"
    share = a["drawn"] / a["total"] if a.get("total") else float("nan")
    drawn = t(key, lang, shown=segments, links=fmt.count(len(main)), share=fmt.pct(share, 1),
              hidden=fmt.count(a["hidden_links"]),
              hidden_value=fmt.money(a["hidden_value"], lang, currency).replace(" ", "\u00a0"))
    return {"currency": currency, "drawn": drawn}


def sourcing(vs: ValueStream, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Findings of the local sourcing section: the segments selling most to buyers outside
    the park, buying most from outside, and sourcing the largest share locally (groups with
    local firms).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import value_stream
    >>> sourcing(value_stream(tiny().tables, "2026-03", window=3), "en")[-1]
    'Materials sources the largest share locally: 73%.'
    """
    money = _money(lang, currency)
    names = group_names(vs.flows.groups, lang)
    lsep = t("valuestream.list_sep", lang)
    key = "valuestream.finding.sourcing"
    out = []
    s = vs.sourcing[vs.sourcing["local_firms"] > 0]
    big = s[s["outflow"] > 0].sort_values("external_outflow", ascending=False).head(3)
    if len(big):
        items = lsep.join(t("valuestream.item.leak", lang, segment=names[g], value=money(r.external_outflow),
                            pct=fmt.pct(r.leakage)) for g, r in big.iterrows())
        out.append(t(f"{key}.leakage", lang, items=items))
    dep = s[s["inflow"] > 0].sort_values("external_inflow", ascending=False).head(3)
    if len(dep):
        items = lsep.join(t("valuestream.item.import", lang, segment=names[g], value=money(r.external_inflow),
                            pct=fmt.pct(r.import_dependence)) for g, r in dep.iterrows())
        out.append(t(f"{key}.imports", lang, items=items))
    best = s[s["inflow"] > 0].sort_values("local_sourcing", ascending=False).head(1)
    if len(best):
        g, r = next(best.iterrows())
        out.append(t(f"{key}.best", lang, segment=names[g], pct=fmt.pct(r.local_sourcing)))
    return out or [t(f"{key}.none", lang)]


def isolated(vs: ValueStream, lang: str = "en", currency: str = "CNY", *, table_rows: int = 15) -> list[str]:
    """Findings of the isolated-firms section: how many, the largest five, the segment with
    the most of them, how many trade with outside firms instead, and (with more than
    ``table_rows``, the rows the page's table shows) that the spreadsheet lists them all."""
    money = _money(lang, currency)
    nsep = t("valuestream.name_sep", lang)
    key = "valuestream.finding.isolated"
    iso, h, out = vs.isolated, vs.headline, []
    if iso.empty:
        return [t(f"{key}.none", lang)]
    top = iso.head(5)
    pct = fmt.pct(h["isolated_share"] or 0.0, 1)
    if vs.output_reported == 0:                # output not reported: no sizes, no "largest"
        items = nsep.join(t("valuestream.item.firm_no_output", lang, firm=firm_name(r, lang), segment=_seg(r, lang))
                          for _, r in top.iterrows())
        out.append(t(f"{key}.count_no_output", lang, n=len(iso), total=h["active_local_firms"], pct=pct, items=items))
    else:
        items = nsep.join(t("valuestream.item.firm", lang, firm=firm_name(r, lang),
                            segment=_seg(r, lang), output=money(r["output"]))
                          for _, r in top.iterrows())
        out.append(t(f"{key}.count", lang, n=len(iso), total=h["active_local_firms"],
                     pct=pct, output=money(iso["output"].sum()), items=items))
        given = int(iso["output_given"].sum()) if "output_given" in iso else len(iso)
        if given < len(iso):
            out.append(t(f"{key}.output_partial", lang, n=fmt.count(given)))
    by_seg = iso.groupby("segment_id").size().sort_values(ascending=False)
    if len(by_seg) and by_seg.iloc[0] >= 2:
        tied = by_seg.index[by_seg == by_seg.iloc[0]]
        first = iso.drop_duplicates("segment_id").set_index("segment_id").loc[tied]
        segs = nsep.join(_seg(r, lang) for _, r in first.iterrows())
        out.append(t(f"{key}.cluster", lang, segment=segs, n=int(by_seg.iloc[0])))
    trade = int(((iso["external_inflow"] + iso["external_outflow"]) > 0).sum())
    out.append(t(f"{key}.outside", lang, n=trade,
                 value=money((iso["external_inflow"] + iso["external_outflow"]).sum())))
    if len(iso) > table_rows:
        out.append(t(f"{key}.table_capped", lang, shown=table_rows, n=fmt.count(len(iso))))
    return out


def method_note(connectors: pd.DataFrame, lang: str = "en") -> str:
    """One sentence saying how betweenness was computed (exact, or sampled with k sources),
    from ``connectors.attrs["method"]`` (:func:`~ecolib.analyses.valuestream.connector_firms`)."""
    method = str(connectors.attrs.get("method", "exact"))
    if method.startswith("sampled"):
        return t("valuestream.method_sampled", lang, k=method.split("k=")[-1])
    return t("valuestream.method_exact", lang)


def connectors_values(vs: ValueStream, lang: str = "en") -> dict[str, str]:
    """The values the connector section's intro names: ``method`` (:func:`method_note`)."""
    return {"method": method_note(vs.connectors, lang)}


def connectors(vs: ValueStream, lang: str = "en", *, table_rows: int = 15) -> list[str]:
    """Findings of the connector-firms section: the three golden threads (highest connector
    score, betweenness), the firm whose local partners span the most segments, and (with more
    than ``table_rows``, the rows the page's table shows) that the spreadsheet lists them all."""
    lsep = t("valuestream.list_sep", lang)
    key = "valuestream.finding.connectors"
    con = vs.connectors
    if con.empty:
        return [t(f"{key}.none", lang)]
    items = lsep.join(t("valuestream.item.connector", lang, firm=firm_name(r, lang),
                        segment=_seg(r, lang), partners=int(r["partners"]),
                        segments=int(r["segments_linked"]), bc=fmt.number(r["betweenness"], 3))
                      for _, r in con.head(3).iterrows())
    widest = con.sort_values(["segments_linked", "betweenness"], ascending=False).iloc[0]
    out = [t(f"{key}.top", lang, items=items),
           t(f"{key}.widest", lang, firm=firm_name(widest, lang), segments=int(widest["segments_linked"]))]
    if len(con) > table_rows:
        out.append(t(f"{key}.table_capped", lang, shown=table_rows, n=fmt.count(len(con))))
    return out


def broken_values(vs: ValueStream, lang: str = "en", currency: str = "CNY") -> dict[str, str]:
    """The values the broken-links section's intro names: ``threshold`` (a percentage) and
    ``min_value`` (the least value at stake, money without line breaks).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import value_stream
    >>> broken_values(value_stream(tiny().tables, "2026-03", window=3))
    {'threshold': '10%', 'min_value': 'CNY\xa010.0\xa0m'}
    """
    return {"threshold": fmt.exact_pct(vs.threshold),
            "min_value": fmt.money(vs.min_value, lang, currency).replace(" ", "\u00a0")}


def _link_name(r: Any, lang: str) -> str:
    return t("valuestream.item.link", lang, source=display_name(r["source_name"], r["source_name_zh"], lang),
             target=display_name(r["target_name"], r["target_name_zh"], lang))


def broken(vs: ValueStream, lang: str = "en", currency: str = "CNY", *, top: int = 4,
           table_rows: int = 20) -> list[str]:
    """Findings of the broken-links section.

    How many links are broken and the value at stake; the ``top`` largest by value at stake,
    each with both halves (what the local buyers bought from outside and locally, what the
    local suppliers sold outside); where the table lists them; the links that meet both halves
    with too little at stake (``small``), those where local supply is short (``short_supply``),
    and the links from service segments that are not judged. Every sentence speaks only of the
    rows of its status (:func:`~ecolib.analyses.valuestream.broken_links`).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.valuestream import value_stream
    >>> print(broken(value_stream(tiny().tables, "2026-03", window=3, threshold=0.5, min_value=0), "en")[1])
    In one link the local buyers buy mostly from outside but the local suppliers sell none of it outside: local supply is short there, a gap to fill rather than a link to mend: Materials → Cells and packs.
    """
    money = _money(lang, currency)
    key = "valuestream.finding.broken"
    b = vs.broken
    status = b["status"] if "status" in b else pd.Series(dtype=object)
    br = b[status == "broken"]
    values = broken_values(vs, lang, currency)
    out = []
    if br.empty:
        out.append(t(f"{key}.none", lang, **values))
    else:
        first = br.iloc[0]
        if len(br) == 1:
            out.append(t(f"{key}.count_one", lang, link=_link_name(first, lang), value=money(first["value_at_stake"])))
        else:
            out.append(t(f"{key}.count", lang, n=fmt.count(len(br)), total=money(br["value_at_stake"].sum()),
                         link=_link_name(first, lang), value=money(first["value_at_stake"])))
        for _, r in br.head(top).iterrows():
            out.append(t(f"{key}.link", lang,
                         source=display_name(r["source_name"], r["source_name_zh"], lang),
                         target=display_name(r["target_name"], r["target_name_zh"], lang),
                         share=fmt.pct(r["local_share"], 1), local=money(r["local_value"]),
                         outside_in=money(r["buyer_from_outside"]), outside_out=money(r["supplier_to_outside"]),
                         stake=money(r["value_at_stake"])))
        if len(br) > top:
            out.append(t(f"{key}.more", lang) if len(br) <= table_rows else
                       t(f"{key}.more_capped", lang, shown=table_rows, n=fmt.count(len(br))))
    small = b[status == "small"]
    if len(small):
        out.append(t(f"{key}.small" + ("_one" if len(small) == 1 else ""), lang, n=fmt.count(len(small)), min_value=values["min_value"],
                     items=fmt.capped([_link_name(r, lang) for _, r in small.iterrows()], lang, kind="link")))
    short = b[status == "short_supply"]
    if len(short):
        out.append(t(f"{key}.short_supply" + ("_one" if len(short) == 1 else ""), lang, n=fmt.count(len(short)),
                     items=fmt.capped([_link_name(r, lang) for _, r in short.iterrows()], lang, kind="link")))
    skipped = b[status == "not_judged"]
    if len(skipped):
        groups = vs.flows.groups
        seg_ids = [g for g in groups.index if g in set(skipped["source"])]      # chain order
        names = group_names(groups.loc[seg_ids], lang).tolist()
        out.append(t(f"{key}.not_judged", lang, n=fmt.count(len(skipped)),
                     segments=fmt.capped(names, lang, kind="segment", most=5)))
    return out


def io(vs: ValueStream, lang: str = "en", currency: str = "CNY") -> list[str]:
    """Findings of the input-output section: the key segments of the local chain and the
    three whose hypothetical extraction would cost the park the most output."""
    money = _money(lang, currency)
    names = group_names(vs.flows.groups, lang)
    lsep, nsep = t("valuestream.list_sep", lang), t("valuestream.name_sep", lang)
    key = "valuestream.finding.io"
    lk = vs.io.linkages
    if vs.io.problem or lk.empty:
        return [t(f"{key}.none", lang)]
    out = []
    keys = lk[lk["quadrant"] == "key"].sort_values("BL", ascending=False)
    if len(keys):
        out.append(t(f"{key}.key", lang, items=nsep.join(names[g] for g in keys.index)))
    top = lk.sort_values("extraction_share", ascending=False).head(3)
    items = lsep.join(t("valuestream.item.extraction", lang, segment=names[g], pct=fmt.pct(r.extraction_share, 1),
                        value=money(r.extraction_loss)) for g, r in top.iterrows())
    out.append(t(f"{key}.extraction", lang, items=items))
    return out


def national(nat: NationalSectors, lang: str = "en") -> list[str]:
    """Findings of the national section: the key national sectors behind the park's chain
    (with their linkages), the quadrant of the others, the segments the park's own mapping
    placed, and the segments no rule matched (unmapped, with what would map them).

    Parameters
    ----------
    nat : NationalSectors
        :func:`ecolib.analyses.valuestream.national` (``MonthModel.national``).
    lang : str
        ``en`` or ``zh``.

    Returns
    -------
    list of str
        Empty when no segment maps to a national sector and none is unmapped.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.datasets.china_io import load_china_io
    >>> from ecolib.analyses.valuestream import national as national_sectors, segment_flows
    >>> nat = national_sectors(segment_flows(tiny().tables, "2026-03", window=3).groups, load_china_io(2020))
    >>> print(national(nat, "en")[0])
    Nationally, these sectors behind the park's chain are key sectors: Manufacture of chemical products (backward linkage 1.12, forward linkage 2.58), behind Materials; Manufacture of electrical machinery and equipment (backward linkage 1.24, forward linkage 1.06), behind Cells and packs.
    """
    mapped = nat.mapped
    out = []
    lsep = t("valuestream.list_sep", lang)
    key = "valuestream.finding.national"
    sector = "name_zh" if lang == "zh" else "name_en"
    if mapped is not None and not mapped.empty:
        mapped = mapped.assign(_segments=segment_lists(mapped, lang))
        col = "_segments"
        keys = mapped[mapped["quadrant"] == "key"]
        if len(keys):
            items = lsep.join(t("valuestream.item.sector", lang, sector=r[sector], segments=r[col],
                                bl=fmt.number(r["BL"], 2), fl=fmt.number(r["FL"], 2)) for _, r in keys.iterrows())
            out.append(t(f"{key}.key", lang, items=items))
        weak = mapped[mapped["quadrant"] != "key"]
        if len(weak):
            out.append(t(f"{key}.other", lang, items=lsep.join(
                t("valuestream.item.sector_other", lang, sector=r[sector], segments=r[col],
                  quadrant=t(f"valuestream.quadrant.{r['quadrant']}", lang)) for _, r in weak.iterrows())))
    segs = nat.segments
    if segs is None or segs.empty:
        return out
    names = {code: (r["name_zh"] if lang == "zh" else r["name_en"]) for code, r in nat.linkages.iterrows()}
    own = segs[segs["source"] == "workspace"]
    if len(own):
        items = [t("valuestream.item.national_own", lang, segment=display_name(r["name"], r["name_zh"], lang),
                   sectors=lsep.join(str(names.get(c, c)) for c in r["sectors"]))
                 for _, r in own.iterrows()]
        out.append(t(f"{key}.own" + ("_one" if len(own) == 1 else ""), lang, n=len(own),
                     items=fmt.capped(items, lang, kind="segment", most=5)))
    unmapped = segs[segs["source"] == "unmapped"]
    if len(unmapped):
        items = [display_name(r["name"], r["name_zh"], lang) for _, r in unmapped.iterrows()]
        out.append(t(f"{key}.unmapped" + ("_one" if len(unmapped) == 1 else ""), lang, n=len(unmapped),
                     items=fmt.capped(items, lang, kind="segment", most=8)))
    return out
