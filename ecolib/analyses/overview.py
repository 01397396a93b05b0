"""Park profile for a month: who is in the park, where, how big, how much they trade.

Pure functions over the workspace tables; results are numbers, ids and codes (the words, the
display names and the tables of the overview page are in
:mod:`ecolib.presentation.narrative.overview` and :mod:`ecolib.presentation.tables.overview`).

Which firms are counted: the firms **inside the park** (``local``) that are **active in the
month** (:func:`ecolib.foundations.firms.local_active`: status ``active``, or exited in a later
month), each counted once at the stage of its **primary node** (its node with the largest output
share, :func:`ecolib.foundations.firms.firm_profile`), whatever the capability on that node. The
park's output is the sum of those firms' annual ``output``.

Examples
--------
>>> from ecolib.datasets import tiny
>>> ov = overview(tiny().tables, "2026-03", window=3, history=3)
>>> ov.headline["local_firms"], ov.headline["output"], ov.headline["local_purchase_share"]
(3, 1300.0, 0.525)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecolib.contract.schema import STAGES  # the contract's vocabulary
from ecolib.foundations import chain, frames, months
from ecolib.foundations.firms import SIZE_COLUMNS, active_mask, firm_profile, local_active, reported  # noqa: F401

__all__ = ["Overview", "overview", "stage_zone_counts", "zone_summary", "zone_names", "monthly_flows", "chain_tree",
           "largest_firms", "ranking_basis", "largest_zone", "largest_stage", "year_on_year",
           "active_mask", "firm_profile", "local_active"]


def stage_zone_counts(profile: pd.DataFrame, chain_nodes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Active local firms by stage (rows) and zone (columns).

    Parameters
    ----------
    profile : DataFrame
        One row per firm (:func:`ecolib.foundations.firms.firm_profile`).
    chain_nodes : DataFrame, optional
        The chain tree. When given and two stage nodes share one stage category
        (:func:`ecolib.foundations.chain.shared_stages`), the rows are the stage nodes (index
        ``stage_id``, in chain order, then ``unassigned``), so each is named by its own name.

    Returns
    -------
    DataFrame
        Firm counts (int): index ``stage`` (the stage code of each firm's primary node, in chain
        order, then any other code such as ``unassigned``), one column per zone (a blank zone is
        ``–``). Each active local firm is counted once.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> p = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], "2026-03")
    >>> stage_zone_counts(p)
    zone       North  South
    stage
    upstream       2      0
    midstream      0      1
    """
    firms = local_active(profile).assign(zone=lambda d: d["zone"].fillna("").replace("", "–"))
    if chain_nodes is not None and chain.shared_stages(chain_nodes):
        ids = firms["stage_id"].astype(object).where(firms["stage_id"].notna(), "unassigned")
        table = pd.crosstab(ids.rename("stage_id"), firms["zone"])
        known = chain.level_nodes(chain_nodes, "stage")["node_id"].tolist()
        order = [s for s in known if s in table.index] + [s for s in table.index if s not in known]
        return table.reindex(order).fillna(0).astype(int)
    table = pd.crosstab(firms["stage"], firms["zone"])
    order = [s for s in STAGES if s in table.index] + [s for s in table.index if s not in STAGES]
    return table.reindex(order).fillna(0).astype(int)


def zone_summary(profile: pd.DataFrame) -> pd.DataFrame:
    """Per zone (plus a ``total`` row): the active local firms' size.

    Parameters
    ----------
    profile : DataFrame
        One row per firm (:func:`ecolib.foundations.firms.firm_profile`).

    Returns
    -------
    DataFrame
        Index ``zone`` (a blank zone is ``–``; the last row is ``total``). Columns: firms and
        anchors (int counts), employees (persons), output (annual, currency), area (m²),
        patents (count), output_per_m2 (currency / m² / year; NaN where area is 0) and
        patents_per_firm (NaN where a zone has no firm).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> p = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], "2026-03")
    >>> zone_summary(p)[["firms", "anchors", "employees", "output"]]
           firms  anchors  employees  output
    zone
    North      2        0       30.0   300.0
    South      1        1      100.0  1000.0
    total      3        1      130.0  1300.0
    """
    firms = local_active(profile).assign(zone=lambda d: d["zone"].fillna("").replace("", "–"))
    grouped = firms.groupby("zone").agg(
        firms=("firm_id", "size"), anchors=("anchor", "sum"), employees=("employees", "sum"),
        output=("output", "sum"), area=("area", "sum"), patents=("patents", "sum"))
    total = grouped.sum().rename("total")
    table = pd.concat([grouped, total.to_frame().T])
    table["output_per_m2"] = table["output"] / table["area"].where(table["area"] > 0)
    table["patents_per_firm"] = table["patents"] / table["firms"].where(table["firms"] > 0)
    table.index.name = "zone"
    return table.astype({"firms": int, "anchors": int})


def zone_names(firms: pd.DataFrame) -> pd.Series:
    """The Chinese name of every zone (``firms.zone_zh``; the zone itself where none is given).

    Parameters
    ----------
    firms : DataFrame
        The workspace's ``firms`` table (zone, and zone_zh where the workspace gives it).

    Returns
    -------
    Series
        ``zone_zh`` by zone (the first Chinese name given for a zone, preferring one that is not
        the zone's own name copied; a blank zone is ``–``), name ``zone_zh``; the table's zones
        in order of first appearance.

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"zone": ["East", "East", "North", ""], "zone_zh": ["East", "东区", None, None]})
    >>> zone_names(firms).to_dict()
    {'East': '东区', 'North': 'North', '–': '–'}
    """
    zone = firms["zone"].fillna("").astype(str).replace("", "–") if "zone" in firms else pd.Series(dtype=object)
    zh = firms["zone_zh"] if "zone_zh" in firms else pd.Series(None, index=firms.index, dtype=object)
    zh = zh.astype(object).where(zh.notna() & (zh.astype(str).str.strip() != ""), None)
    named = pd.DataFrame({"zone": zone, "zone_zh": zh}).dropna(subset=["zone_zh"])
    named = named.assign(copied=named["zone_zh"].astype(str) == named["zone"])   # a copied zone name counts last
    first = named.sort_values("copied", kind="stable").drop_duplicates("zone").set_index("zone")["zone_zh"]
    out = pd.Series(pd.unique(zone), dtype=object)
    return pd.Series(out.map(first).fillna(out).to_numpy(object), index=out.to_numpy(object), name="zone_zh")


def monthly_flows(flows: pd.DataFrame, firms: pd.DataFrame, month_list: list[str]) -> pd.DataFrame:
    """Flow value per month by direction relative to the park.

    Parameters
    ----------
    flows, firms : DataFrame
        The workspace's ``flows`` and ``firms`` tables (a firm is inside the park where ``local``).
    month_list : list of str
        The months to report, ``YYYY-MM``, in order.

    Returns
    -------
    DataFrame
        Index ``month`` (``month_list``). Columns (currency): local (local → local), outbound
        (local → external), inbound (external → local); and ``missing`` (True for a month with
        no flow rows at all: reported, not treated as zero; its values are NaN).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> monthly_flows(tables["flows"], tables["firms"], ["2026-01", "2026-02", "2026-03"])
    direction  local  outbound  inbound  missing
    month
    2026-01     30.0       5.0     30.0    False
    2026-02      NaN       NaN      NaN     True
    2026-03     12.0       0.0      8.0    False
    """
    local_ids = firms.loc[firms["local"], "firm_id"]
    f = flows[flows["month"].isin(month_list)]
    src_local = frames.isin(f["source"], local_ids)
    dst_local = frames.isin(f["target"], local_ids)
    direction = np.select([src_local & dst_local, src_local & ~dst_local, ~src_local & dst_local],
                          ["local", "outbound", "inbound"], default="external")
    table = (f.assign(direction=direction).pivot_table(index="month", columns="direction", values="value",
                                                       aggfunc="sum", fill_value=0.0))
    table = table.reindex(columns=["local", "outbound", "inbound"], fill_value=0.0)
    present = set(f["month"].unique())
    table = table.reindex(month_list)
    table["missing"] = [m not in present for m in month_list]
    table.index.name = "month"
    return table


def chain_tree(chain_nodes: pd.DataFrame, firm_nodes: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """Every chain node with the active local firms in its subtree and the output attributed
    to it (firm output × share on each leaf, summed up the tree).

    Parameters
    ----------
    chain_nodes, firm_nodes : DataFrame
        The workspace's chain tree and firm–node links (``share`` of the firm's output).
    profile : DataFrame
        One row per firm (:func:`ecolib.foundations.firms.firm_profile`).

    Returns
    -------
    DataFrame
        One row per chain node, in ``chain_nodes`` order. Columns: node_id, parent_id, name,
        name_zh, level, stage, weight, is_leaf; firms (distinct active local firms linked to the
        node or below it, by any of their nodes) and output (attributed annual output,
        currency; the root holds the park's output).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> p = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], "2026-03")
    >>> chain_tree(tables["chain_nodes"], tables["firm_nodes"], p).set_index("node_id").loc[
    ...     ["C", "N.CELL", "N.PACK"], ["firms", "output"]]
             firms  output
    node_id
    C            3  1300.0
    N.CELL       2  1100.0
    N.PACK       0     0.0
    """
    active = local_active(profile)[["firm_id", "output"]]
    links = firm_nodes.merge(active, on="firm_id", how="inner")
    attributed = (links["output"] * links["share"]).groupby(links["node_id"]).sum().rename("output")
    out = chain_nodes[["node_id", "parent_id", "name", "name_zh", "level", "stage", "weight", "is_leaf"]].copy()
    out["firms"] = chain.count_distinct_in_subtree(links, chain_nodes).to_numpy()
    out["output"] = chain.roll_up(attributed, chain_nodes).to_numpy()
    return out


def largest_firms(profile: pd.DataFrame, chain_nodes: pd.DataFrame, *, n: int = 10,
                  by: str | None = "output") -> pd.DataFrame:
    """The ``n`` active local firms with the largest ``by`` (output), with zone, stage and segment.

    Parameters
    ----------
    profile : DataFrame
        One row per firm (:func:`ecolib.foundations.firms.firm_profile`).
    chain_nodes : DataFrame
        The chain tree (names of the segments).
    n : int
        How many firms.
    by : str or None
        The quantity ranked by (``output``, or ``employees`` where no firm reports output;
        :func:`ranking_basis`); None: no ranking, no rows.

    Returns
    -------
    DataFrame
        Largest ``by`` first. Columns: firm_id, name, name_zh, zone, anchor, stage (code of
        the primary node's stage), stage_id, stage_name and stage_name_zh (the stage node),
        segment_id, segment and segment_zh (the segment's English and
        Chinese names; NaN without a segment), output (annual, currency), employees, patents.

    See Also
    --------
    ecolib.presentation.tables.overview.TOP_FIRMS : the table of these rows, names in a language.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> p = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], "2026-03")
    >>> largest_firms(p, tables["chain_nodes"], n=2)[["firm_id", "stage", "segment", "segment_zh", "output"]]
      firm_id      stage          segment segment_zh  output
    0      F3  midstream  Cells and packs     电芯与电池包  1000.0
    1      F2   upstream        Materials         材料   200.0
    """
    nodes = chain_nodes.set_index("node_id")
    firms = local_active(profile)
    top = firms.nlargest(n, by) if by is not None else firms.iloc[:0]
    zh = nodes["name_zh"] if "name_zh" in nodes else pd.Series(np.nan, index=nodes.index)
    stage_id = top["stage_id"] if "stage_id" in top else pd.Series(np.nan, index=top.index)
    top = top.assign(segment=top["segment_id"].map(nodes["name"]), segment_zh=top["segment_id"].map(zh),
                     stage_id=stage_id, stage_name=stage_id.map(nodes["name"]), stage_name_zh=stage_id.map(zh))
    return top[["firm_id", "name", "name_zh", "zone", "anchor", "stage", "stage_id", "stage_name", "stage_name_zh",
                "segment_id", "segment", "segment_zh", "output", "employees", "patents"]].reset_index(drop=True)


def ranking_basis(reported: dict[str, int]) -> str | None:
    """What the largest firms are ranked by: ``output`` when any firm reports it, else
    ``employees``, else None (no size given: no ranking, never the first firms by id).

    Examples
    --------
    >>> ranking_basis({"output": 3, "employees": 5}), ranking_basis({"output": 0, "employees": 5})
    ('output', 'employees')
    >>> ranking_basis({"output": 0, "employees": 0}) is None
    True
    """
    for col in ("output", "employees"):
        if reported.get(col, 0) > 0:
            return col
    return None


@dataclass
class Overview:
    """Everything the overview page shows for one month (see :func:`overview`).

    ``zones`` and ``top_firms`` carry ``zone_zh`` (the zone's Chinese name, :func:`zone_names`);
    ``zone_zh`` holds the same names by zone (for the zones of ``stage_zone``).

    ``headline`` holds the numbers of the page top and of ``summary.json``: local_firms,
    external_firms, zones, anchors, exited_firms (local firms gone by the month), output
    (annual output of the active local firms, currency; None when none of them reports it), local_flow_value, inbound_value,
    outbound_value (sums over ``window``, currency; None without flows), local_purchase_share (local / (local +
    inbound); NaN without purchases), technology_nodes, nodes_with_local_firm (leaves with at
    least one active local firm) and missing_flow_months (months of ``flows`` without data);
    flows_given (False: the workspace gives no transactions between firms, so the flow figures
    are not evaluated, not 0) and reported (active local firms giving each size column,
    :func:`ecolib.foundations.firms.reported`; 0: not reported, the sums are not 0 but unknown).

    ``stage_shared``: two stage nodes share one stage category (``stage_zone`` is then by stage
    node, named by its own name). ``top_by``: what ``top_firms`` is ranked by
    (:func:`ranking_basis`). ``zones`` has NaN in a size column no active local firm reports.
    """
    month: str
    window: list[str]
    profile: pd.DataFrame
    stage_zone: pd.DataFrame
    zones: pd.DataFrame
    flows: pd.DataFrame
    tree: pd.DataFrame
    top_firms: pd.DataFrame
    headline: dict = field(default_factory=dict)
    zone_zh: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    flows_given: bool = True
    reported: dict = field(default_factory=dict)
    stage_shared: bool = False
    top_by: str | None = "output"


def overview(tables: dict[str, pd.DataFrame], month: str, *, window: int = 12, history: int = 24) -> Overview:
    """The park profile for ``month``: firms, zones, flows over ``history`` months, chain tree,
    and headline numbers (flow totals over the ``window`` months ending at ``month``).

    Parameters
    ----------
    tables : dict of DataFrame
        The workspace tables (``firms``, ``firm_nodes``, ``chain_nodes``, ``flows``).
    month : str
        ``YYYY-MM``.
    window : int
        Months of the analysis window ending at ``month`` (the headline flow sums).
    history : int
        Months of flows shown, ending at ``month`` (months before the first reported flow are
        left out: outside the record, not missing).

    Returns
    -------
    Overview
        ``profile`` (:func:`~ecolib.foundations.firms.firm_profile`), ``stage_zone``
        (:func:`stage_zone_counts`), ``zones`` (:func:`zone_summary`), ``flows``
        (:func:`monthly_flows`), ``tree`` (:func:`chain_tree`), ``top_firms``
        (:func:`largest_firms`) and ``headline`` (see :class:`Overview`).

    See Also
    --------
    ecolib.analyses.month.MonthModel.overview : the same for the report's month, computed once.
    ecolib.presentation.narrative.overview : its headline cards and findings.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ov = overview(tiny().tables, "2026-03", window=3, history=3)
    >>> ov.headline["local_flow_value"], ov.headline["inbound_value"], ov.headline["missing_flow_months"]
    (42.0, 38.0, ['2026-02'])
    >>> ov.top_firms["firm_id"].tolist()
    ['F3', 'F2', 'F1']
    """
    profile = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], month)
    # months before the first reported flow are outside the record, not missing
    first = tables["flows"]["month"].min() if len(tables["flows"]) else month
    hist = [m for m in months.window(month, history) if m >= min(first, month)]
    flows = monthly_flows(tables["flows"], tables["firms"], hist)
    tree = chain_tree(tables["chain_nodes"], tables["firm_nodes"], profile)
    win = months.window(month, window)
    in_window = flows.loc[flows.index.isin(win)]
    local_firms = local_active(profile)
    given = reported(tables["firms"][(profile["local"] & profile["active"]).to_numpy()])
    flows_given = bool(len(tables["flows"]))
    leaves = tree[tree["is_leaf"]]
    local_value = float(in_window["local"].sum())
    bought = local_value + float(in_window["inbound"].sum())
    headline = {
        "local_firms": int(len(local_firms)),
        "external_firms": int((~profile["local"]).sum()),
        "zones": int(local_firms["zone"].replace("", np.nan).nunique()),
        "anchors": int(local_firms["anchor"].sum()),
        "exited_firms": int((profile["local"] & ~profile["active"]).sum()),
        "output": float(local_firms["output"].sum()) if given["output"] else None,   # None: not reported
        "local_flow_value": local_value if flows_given else None,                # None: not evaluated
        "inbound_value": float(in_window["inbound"].sum()) if flows_given else None,
        "outbound_value": float(in_window["outbound"].sum()) if flows_given else None,
        "local_purchase_share": local_value / bought if bought > 0 else float("nan"),
        "technology_nodes": int(len(leaves)),
        "nodes_with_local_firm": int((leaves["firms"] > 0).sum()),
        "missing_flow_months": [m for m, miss in flows["missing"].items() if miss] if flows_given else [],
        "flows_given": flows_given,
        "reported": given,
    }
    top_by = ranking_basis(given)
    top = largest_firms(profile, tables["chain_nodes"], by=top_by)
    names = zone_names(tables["firms"])
    zones = zone_summary(profile)
    for col in SIZE_COLUMNS:                    # no firm gives it: unknown, not 0
        if not given[col]:
            zones[col] = np.nan
    raw = tables["firms"]
    both = (pd.to_numeric(raw["output"], errors="coerce").notna()
            & pd.to_numeric(raw["area"], errors="coerce").notna()).to_numpy()
    land = zone_summary(profile[both]).reindex(zones.index)      # output per land: firms giving both only
    zones["output_per_m2"] = land["output"] / land["area"].where(land["area"] > 0)
    zones["patents_per_firm"] = zones["patents"] / zones["firms"].where(zones["firms"] > 0)
    zones.insert(0, "zone_zh", [names.get(z, z) if z != "total" else None for z in zones.index])
    top.insert(top.columns.get_loc("zone") + 1, "zone_zh",
               top["zone"].fillna("").astype(str).replace("", "–").map(names).to_numpy(object))
    return Overview(month, win, profile, stage_zone_counts(profile, tables["chain_nodes"]), zones, flows, tree, top,
                    headline, names, flows_given, given, chain.shared_stages(tables["chain_nodes"]), top_by)


def year_on_year(flows: pd.DataFrame, month: str, column: str = "local") -> float:
    """Growth of ``flows[column]`` in ``month`` over the same month a year earlier.

    Parameters
    ----------
    flows : DataFrame
        Monthly flows (:func:`monthly_flows`), indexed by month.
    month : str
        ``YYYY-MM``.
    column : str
        ``local``, ``outbound`` or ``inbound``.

    Returns
    -------
    float
        ``now / year_ago - 1`` (0.134 = 13.4 % higher); NaN where either month is outside
        ``flows`` or has no data, or the year-ago value is not positive.

    Examples
    --------
    >>> import pandas as pd
    >>> flows = pd.DataFrame({"local": [100.0, 120.0]}, index=["2025-03", "2026-03"])
    >>> round(year_on_year(flows, "2026-03"), 3)
    0.2
    >>> year_on_year(flows, "2025-03")
    nan
    """
    year_ago = months.shift(month, -12)
    if month not in flows.index or year_ago not in flows.index:
        return float("nan")
    now, before = flows.at[month, column], flows.at[year_ago, column]
    if pd.isna(now) or pd.isna(before) or before <= 0:
        return float("nan")
    return float(now / before - 1)


def largest_zone(ov: Overview) -> tuple[str, float] | None:
    """The zone with the largest output of active local firms, and its share of the park's.

    Parameters
    ----------
    ov : Overview
        The month's profile (:func:`overview`).

    Returns
    -------
    tuple of (str, float) or None
        The zone (``–`` for a blank zone) and its share of ``ov.headline["output"]`` (NaN where
        the park's output is 0); None without an active local firm.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> zone, share = largest_zone(overview(tiny().tables, "2026-03", window=3, history=3))
    >>> zone, round(share, 3)
    ('South', 0.769)
    """
    zones = ov.zones.drop(index="total")
    if zones.empty or zones["output"].isna().all():
        return None
    zone = zones["output"].idxmax()
    total = ov.headline["output"]
    return zone, (float(zones.at[zone, "output"] / total) if total else float("nan"))


def largest_stage(ov: Overview) -> tuple[str, int, float] | None:
    """The stage with the most active local firms (by primary node), its firms and their share.

    Parameters
    ----------
    ov : Overview
        The month's profile (:func:`overview`).

    Returns
    -------
    tuple of (str, int, float) or None
        The stage code, its number of firms and their share of all active local firms; None
        without an active local firm.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> stage, firms, share = largest_stage(overview(tiny().tables, "2026-03", window=3, history=3))
    >>> stage, firms, round(share, 3)
    ('upstream', 2, 0.667)
    """
    by_stage = ov.stage_zone.sum(axis=1)
    if not len(by_stage):
        return None
    return by_stage.idxmax(), int(by_stage.max()), float(by_stage.max() / by_stage.sum())
