"""Park profile for a month: who is in the park, where, how big, how much they trade.

Pure functions over the workspace tables; results are numbers, ids and codes (the words, the
display names and the tables of the overview page are in
:mod:`ecolib.presentation.narrative.overview` and :mod:`ecolib.presentation.tables.overview`).

Which firms are counted: the firms **inside the park** (``local``) that are **active in the
month** (:func:`ecolib.foundations.firms.local_active`: status ``active``, or exited in a later
month), each counted once at the stage of its **primary node** (its node with the largest output
share, :func:`ecolib.foundations.firms.firm_profile`), whatever the capability on that node. The
park's output is the sum of those firms' annual ``output``.

Which firms **cover a technology node** (the headline "nodes with an active local firm" and the
chain tree): the gene map's *qualifying firms*, active local firms with capability ≥
``min_capability`` on the node (:func:`ecolib.analyses.genemap.coverage`, reused here, so the two
pages cannot count differently).

Sizes as reported: a firm that gives no ``output`` (employees, area, patents) adds nothing to a
sum and is not counted in a per-firm average; a sum over firms none of which reports the value is
NaN (not reported), never 0. Output per m² of land is taken over the firms that report both
output and area (``land_firms`` of them); a zone's figure on fewer than :data:`MIN_LAND_FIRMS`
firms is thin (``land_thin``).

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

from ecolib.analyses import genemap
from ecolib.contract.schema import STAGES  # the contract's vocabulary
from ecolib.foundations import chain, frames, months
from ecolib.foundations.firms import SIZE_COLUMNS, active_mask, firm_profile, local_active, reported  # noqa: F401

__all__ = ["Overview", "overview", "stage_zone_counts", "zone_summary", "zone_names", "monthly_flows", "chain_tree",
           "largest_firms", "ranking_basis", "largest_zone", "largest_stage", "year_on_year", "exited_firms",
           "reported_sizes", "MIN_LAND_FIRMS", "active_mask", "firm_profile", "local_active"]

#: Fewest firms reporting both output and area on which a zone's output per m² is more than a
#: thin figure (below it the page marks the figure: ``Overview.zones["land_thin"]``).
MIN_LAND_FIRMS = 3


def reported_sizes(profile: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """``profile`` with its size columns as the firms report them: NaN where a firm gives none.

    :func:`ecolib.foundations.firms.firm_profile` fills a blank size with 0; the overview sums
    and averages only what was reported, so it takes the sizes back from ``firms`` (same rows,
    same order).

    Examples
    --------
    >>> import pandas as pd
    >>> firms = pd.DataFrame({"output": [5.0, None], "area": ["", 3]})
    >>> profile = pd.DataFrame({"firm_id": ["A", "B"], "output": [5.0, 0.0], "area": [0.0, 3.0]})
    >>> reported_sizes(profile, firms)[["output", "area"]].to_dict("list")
    {'output': [5.0, nan], 'area': [nan, 3.0]}
    """
    out = profile.copy()
    for col in SIZE_COLUMNS:
        if col in out:
            raw = firms[col] if col in firms else pd.Series(np.nan, index=firms.index)
            out[col] = pd.to_numeric(raw, errors="coerce").to_numpy(np.float64)
    return out


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
    """Per zone (plus a ``total`` row): the active local firms' size, over the firms that report it.

    Parameters
    ----------
    profile : DataFrame
        One row per firm (:func:`ecolib.foundations.firms.firm_profile`); a size that is NaN is
        not reported (:func:`reported_sizes`) and adds to no sum or average.

    Returns
    -------
    DataFrame
        Index ``zone`` (a blank zone is ``–``; the last row is ``total``). Columns: firms and
        anchors (int counts), employees (persons), output (annual, currency), area (m²),
        patents (count): sums over the firms reporting each, NaN where none does;
        output_per_m2 (currency / m² / year: the output of the firms that report both output
        and area over their area; NaN without such a firm or where their area is 0),
        patents_per_firm (patents over the firms that report patents; NaN without one);
        employees_firms, output_firms, area_firms, patents_firms (firms reporting each, int),
        land_firms (firms reporting both output and area, int) and land_thin (True where the
        output per m² rests on 1 to :data:`MIN_LAND_FIRMS` − 1 firms).

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
    >>> p.loc[p["firm_id"] == "F3", ["output", "patents"]] = float("nan")   # South's one firm reports neither
    >>> zone_summary(p).loc[["South", "total"], ["output", "output_per_m2", "patents_per_firm", "land_firms"]]
           output  output_per_m2  patents_per_firm  land_firms
    zone
    South     NaN            NaN               NaN           0
    total   300.0           10.0               1.5           2
    """
    firms = local_active(profile).assign(zone=lambda d: d["zone"].fillna("").replace("", "–"))
    both = firms["output"].notna() & firms["area"].notna()
    firms = firms.assign(land_output=firms["output"].where(both), land_area=firms["area"].where(both),
                         land_firms=both.astype(int),
                         **{f"{c}_firms": firms[c].notna().astype(int) for c in SIZE_COLUMNS})
    sums = ["employees", "output", "area", "patents", "land_output", "land_area"]
    counts = ["firms", "anchors", *(f"{c}_firms" for c in SIZE_COLUMNS), "land_firms"]
    grouped = firms.groupby("zone")
    table = pd.concat([grouped["firm_id"].size().rename("firms"), grouped["anchor"].sum().rename("anchors"),
                       grouped[counts[2:]].sum(), grouped[sums].sum(min_count=1)], axis=1)
    total = pd.concat([table[counts].sum(), table[sums].sum(min_count=1)]).rename("total")
    table = pd.concat([table, total.to_frame().T])
    table["output_per_m2"] = table["land_output"] / table["land_area"].where(table["land_area"] > 0)
    table["patents_per_firm"] = table["patents"] / table["patents_firms"].where(table["patents_firms"] > 0)
    table["land_thin"] = (table["land_firms"] > 0) & (table["land_firms"] < MIN_LAND_FIRMS)
    table.index.name = "zone"
    cols = ["firms", "anchors", "employees", "output", "area", "patents", "output_per_m2", "patents_per_firm",
            *counts[2:], "land_thin"]
    return table[cols].astype({c: int for c in counts}).astype({"land_thin": bool})


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


def chain_tree(chain_nodes: pd.DataFrame, firm_nodes: pd.DataFrame, profile: pd.DataFrame, *,
               min_capability: float = 0.3, coverage: genemap.Coverage | None = None) -> pd.DataFrame:
    """Every chain node with the local firms that cover it, as the gene map counts them, and the
    output attributed to it (their output × share on each node, summed up the tree).

    Parameters
    ----------
    chain_nodes, firm_nodes : DataFrame
        The workspace's chain tree and firm–node links (``capability``, ``share`` of the
        firm's output).
    profile : DataFrame
        One row per firm (:func:`ecolib.foundations.firms.firm_profile`; sizes as reported,
        :func:`reported_sizes`: a NaN output adds nothing).
    min_capability : float
        Capability a firm needs on a node to cover it (``min_capability`` of workspace.yaml).
    coverage : Coverage, optional
        The gene map's coverage of the same month and threshold
        (:func:`ecolib.analyses.genemap.coverage`); None: computed from ``profile``.

    Returns
    -------
    DataFrame
        One row per chain node, in ``chain_nodes`` order. Columns: node_id, parent_id, name,
        name_zh, level, stage, weight, is_leaf; firms (distinct *qualifying* firms, active
        local firms with capability ≥ ``min_capability``, on the node or below it: the gene
        map's ``firms``), output (annual output attributed to the qualifying links, currency;
        NaN where none of those firms reports output) and output_firms (how many of them do).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> p = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], "2026-03")
    >>> chain_tree(tables["chain_nodes"], tables["firm_nodes"], p).set_index("node_id").loc[
    ...     ["C", "N.CELL", "N.PACK"], ["firms", "output", "output_firms"]]
             firms  output  output_firms
    node_id
    C            3  1300.0             3
    N.CELL       2  1100.0             2
    N.PACK       0     NaN             0
    """
    if coverage is None:        # the profile's own activity decides (status for coverage's month=None)
        firms = profile[["firm_id", "local", "output"]].assign(
            status=np.where(profile["active"].to_numpy(bool), "active", "exited"))
        coverage = genemap.coverage(chain_nodes, firms, firm_nodes, month=None, min_capability=min_capability)
    links = coverage.links[coverage.links["qualifies"].to_numpy(bool)][["firm_id", "node_id", "share"]]
    links = links.merge(profile[["firm_id", "output"]].drop_duplicates("firm_id"), on="firm_id", how="left")
    given = links[links["output"].notna()]
    attributed = (given["output"] * given["share"].fillna(0.0)).groupby(given["node_id"]).sum().rename("output")
    out = chain_nodes[["node_id", "parent_id", "name", "name_zh", "level", "stage", "weight", "is_leaf"]].copy()
    out["firms"] = coverage.tree.set_index("node_id")["firms"].reindex(out["node_id"]).fillna(0).astype(int).to_numpy()
    out["output_firms"] = chain.count_distinct_in_subtree(given, chain_nodes).to_numpy()
    out["output"] = chain.roll_up(attributed, chain_nodes).where(out["output_firms"].to_numpy() > 0).to_numpy()
    return out[["node_id", "parent_id", "name", "name_zh", "level", "stage", "weight", "is_leaf", "firms", "output",
                "output_firms"]]


def exited_firms(profile: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """The local firms that have left the park by the profile's month, latest first.

    Parameters
    ----------
    profile : DataFrame
        One row per firm (:func:`ecolib.foundations.firms.firm_profile`).
    firms : DataFrame
        The workspace's firms table (same rows; ``exit_month``).

    Returns
    -------
    DataFrame
        firm_id, name, name_zh, zone, exit_month (``YYYY-MM``; None where the table gives no
        month), the latest exit first (ties and unknown months by firm_id, unknown last).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> p = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], "2026-03")
    >>> exited_firms(p, tables["firms"])[["firm_id", "exit_month"]].to_dict("records")
    [{'firm_id': 'F4', 'exit_month': '2026-02'}]
    """
    gone = (profile["local"].to_numpy(bool) & ~profile["active"].to_numpy(bool))
    month = firms["exit_month"] if "exit_month" in firms else pd.Series(None, index=firms.index, dtype=object)
    month = month.astype(object).where(month.notna() & (month.astype(str).str.strip() != ""), None)
    out = profile.loc[gone, ["firm_id", "name", "name_zh", "zone"]].assign(exit_month=month.to_numpy(object)[gone])
    known = out["exit_month"].notna()
    out = pd.concat([out[known].sort_values(["exit_month", "firm_id"], ascending=[False, True]),
                     out[~known].sort_values("firm_id")])
    return out.reset_index(drop=True)


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
        Chinese names; NaN without a segment), output (annual, currency), employees, patents
        (NaN: not reported). A firm that does not report ``by`` is not ranked.

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
    top = firms[firms[by].notna()].nlargest(n, by) if by is not None else firms.iloc[:0]   # unreported: not ranked
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
    inbound); NaN without purchases), technology_nodes, nodes_with_local_firm (technology nodes
    with at least one qualifying firm, capability ≥ ``min_capability``: the gene map's count,
    :func:`ecolib.analyses.genemap.coverage`) and missing_flow_months (months of ``flows`` without data);
    flows_given (False: the workspace gives no transactions between firms, so the flow figures
    are not evaluated, not 0) and reported (active local firms giving each size column,
    :func:`ecolib.foundations.firms.reported`; 0: not reported, the sums are not 0 but unknown).

    ``stage_shared``: two stage nodes share one stage category (``stage_zone`` is then by stage
    node, named by its own name). ``top_by``: what ``top_firms`` is ranked by
    (:func:`ranking_basis`). ``zones`` has NaN in a size column no active local firm reports.
    ``profile`` holds the sizes as reported (NaN: not reported, :func:`reported_sizes`).
    ``exited``: the local firms gone by the month (:func:`exited_firms`). ``min_capability``:
    the capability a firm needs on a node to cover it (``tree``, ``nodes_with_local_firm``).
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
    exited: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["firm_id", "name", "name_zh", "zone", "exit_month"]))
    min_capability: float = 0.3


def overview(tables: dict[str, pd.DataFrame], month: str, *, window: int = 12, history: int = 24,
             min_capability: float = 0.3, coverage: "genemap.Coverage | None" = None) -> Overview:
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
    min_capability : float
        Capability a firm needs on a technology node to cover it (``min_capability`` of
        workspace.yaml), as on the gene map.
    coverage : Coverage, optional
        The gene map's coverage of ``month`` at ``min_capability``
        (:func:`ecolib.analyses.genemap.coverage`), when already computed (the month model
        passes its gene map's); computed here otherwise.

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
    profile = reported_sizes(firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], month),
                             tables["firms"])
    # months before the first reported flow are outside the record, not missing
    first = tables["flows"]["month"].min() if len(tables["flows"]) else month
    hist = [m for m in months.window(month, history) if m >= min(first, month)]
    flows = monthly_flows(tables["flows"], tables["firms"], hist)
    cov = coverage if coverage is not None else genemap.coverage(    # the gene map's one definition
        tables["chain_nodes"], tables["firms"], tables["firm_nodes"], month=month, min_capability=min_capability)
    tree = chain_tree(tables["chain_nodes"], tables["firm_nodes"], profile, coverage=cov)
    win = months.window(month, window)
    in_window = flows.loc[flows.index.isin(win)]
    local_firms = local_active(profile)
    given = reported(tables["firms"][(profile["local"] & profile["active"]).to_numpy()])
    flows_given = bool(len(tables["flows"]))
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
        "technology_nodes": int(cov.headline["technology_nodes"]),
        "nodes_with_local_firm": int(cov.headline["nodes_with_local_firm"]),
        "missing_flow_months": [m for m, miss in flows["missing"].items() if miss] if flows_given else [],
        "flows_given": flows_given,
        "reported": given,
    }
    top_by = ranking_basis(given)
    top = largest_firms(profile, tables["chain_nodes"], by=top_by)
    names = zone_names(tables["firms"])
    zones = zone_summary(profile)
    zones.insert(0, "zone_zh", [names.get(z, z) if z != "total" else None for z in zones.index])
    top.insert(top.columns.get_loc("zone") + 1, "zone_zh",
               top["zone"].fillna("").astype(str).replace("", "–").map(names).to_numpy(object))
    return Overview(month, win, profile, stage_zone_counts(profile, tables["chain_nodes"]), zones, flows, tree, top,
                    headline, names, flows_given, given, chain.shared_stages(tables["chain_nodes"]), top_by,
                    exited_firms(profile, tables["firms"]), cov.min_capability)


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
