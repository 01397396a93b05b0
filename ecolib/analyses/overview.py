"""Park profile for a month: who is in the park, where, how big, how much they trade.

Pure functions over the workspace tables. "Active in month m" means: the firm's status is
``active``, or it exited in a later month (``exit_month`` > m). A firm that exited in month m is
gone from m on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecolib.foundations import chain, frames, months
from ecolib.presentation import fmt
from ecolib.presentation.i18n import display_names, has, t
from ecolib.contract.schema import STAGES  # the contract's vocabulary
from ecolib.foundations.firms import active_mask, firm_profile, local_active  # noqa: F401



def stage_zone_counts(profile: pd.DataFrame) -> pd.DataFrame:
    """Active local firms by stage (rows, in chain order) and zone (columns)."""
    firms = local_active(profile).assign(zone=lambda d: d["zone"].fillna("").replace("", "–"))
    table = pd.crosstab(firms["stage"], firms["zone"])
    order = [s for s in STAGES if s in table.index] + [s for s in table.index if s not in STAGES]
    return table.reindex(order).fillna(0).astype(int)


def zone_summary(profile: pd.DataFrame) -> pd.DataFrame:
    """Per zone (plus a 'total' row): firms, anchors, employees, output, area, patents,
    output per m² (currency/m²/year) and patents per firm.

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


def monthly_flows(flows: pd.DataFrame, firms: pd.DataFrame, month_list: list[str]) -> pd.DataFrame:
    """Flow value per month by direction relative to the park.

    Columns: local (local → local), outbound (local → external), inbound (external → local),
    and ``missing`` (True for a month of ``month_list`` with no flow rows at all: reported, not
    treated as zero; its values are NaN).

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

    Columns: node_id, parent_id, name, name_zh, level, stage, weight, is_leaf, firms, output.
    """
    active = local_active(profile)[["firm_id", "output"]]
    links = firm_nodes.merge(active, on="firm_id", how="inner")
    attributed = (links["output"] * links["share"]).groupby(links["node_id"]).sum().rename("output")
    out = chain_nodes[["node_id", "parent_id", "name", "name_zh", "level", "stage", "weight", "is_leaf"]].copy()
    out["firms"] = chain.count_distinct_in_subtree(links, chain_nodes).to_numpy()
    out["output"] = chain.roll_up(attributed, chain_nodes).to_numpy()
    return out


def largest_firms(profile: pd.DataFrame, chain_nodes: pd.DataFrame, *, n: int = 10, lang: str = "en") -> pd.DataFrame:
    """The ``n`` active local firms with the largest output, with zone, stage and segment name.

    Columns: firm_id, name, zone, anchor, stage, segment, output, employees, patents.
    """
    names = display_names(chain_nodes, lang).set_axis(chain_nodes["node_id"].to_numpy(object))
    top = local_active(profile).nlargest(n, "output")
    top = top.assign(name=display_names(top, lang))
    return top.assign(segment=top["segment_id"].map(names))[
        ["firm_id", "name", "zone", "anchor", "stage", "segment", "output", "employees", "patents"]
    ].reset_index(drop=True)


@dataclass
class Overview:
    """Everything the overview section shows for one month."""
    month: str
    window: list[str]
    profile: pd.DataFrame
    stage_zone: pd.DataFrame
    zones: pd.DataFrame
    flows: pd.DataFrame
    tree: pd.DataFrame
    top_firms: pd.DataFrame
    headline: dict = field(default_factory=dict)


def overview(tables: dict[str, pd.DataFrame], month: str, *, window: int = 12, history: int = 24,
             lang: str = "en") -> Overview:
    """The park profile for ``month``: firms, zones, flows over ``history`` months, chain tree,
    and headline numbers (flow totals over the ``window`` months ending at ``month``)."""
    profile = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], month)
    # months before the first reported flow are outside the record, not missing
    first = tables["flows"]["month"].min() if len(tables["flows"]) else month
    hist = [m for m in months.window(month, history) if m >= min(first, month)]
    flows = monthly_flows(tables["flows"], tables["firms"], hist)
    tree = chain_tree(tables["chain_nodes"], tables["firm_nodes"], profile)
    win = months.window(month, window)
    in_window = flows.loc[flows.index.isin(win)]
    local_firms = local_active(profile)
    leaves = tree[tree["is_leaf"]]
    local_value = float(in_window["local"].sum())
    bought = local_value + float(in_window["inbound"].sum())
    headline = {
        "local_firms": int(len(local_firms)),
        "external_firms": int((~profile["local"]).sum()),
        "zones": int(local_firms["zone"].replace("", np.nan).nunique()),
        "anchors": int(local_firms["anchor"].sum()),
        "exited_firms": int((profile["local"] & ~profile["active"]).sum()),
        "output": float(local_firms["output"].sum()),
        "local_flow_value": local_value,
        "inbound_value": float(in_window["inbound"].sum()),
        "outbound_value": float(in_window["outbound"].sum()),
        "local_purchase_share": local_value / bought if bought > 0 else float("nan"),
        "technology_nodes": int(len(leaves)),
        "nodes_with_local_firm": int((leaves["firms"] > 0).sum()),
        "missing_flow_months": [m for m, miss in flows["missing"].items() if miss],
    }
    top = largest_firms(profile, tables["chain_nodes"], lang=lang)
    return Overview(month, win, profile, stage_zone_counts(profile), zone_summary(profile), flows, tree, top, headline)


def _yoy(flows: pd.DataFrame, month: str, column: str) -> float:
    year_ago = months.shift(month, -12)
    if month not in flows.index or year_ago not in flows.index:
        return float("nan")
    now, before = flows.at[month, column], flows.at[year_ago, column]
    if pd.isna(now) or pd.isna(before) or before <= 0:
        return float("nan")
    return float(now / before - 1)


def findings(ov: Overview, lang: str = "en", *, currency: str = "CNY") -> list[str]:
    """Plain-language findings for the overview, in ``lang``. Values from data are inserted as
    plain text; the caller escapes the whole string when rendering HTML."""
    h = ov.headline
    out: list[str] = []
    if h["local_firms"] == 0:
        return [t("overview.finding.no_firms", lang, month=ov.month)]
    zones = ov.zones.drop(index="total")
    top_zone = zones["output"].idxmax()
    out.append(t("overview.finding.size", lang, firms=fmt.count(h["local_firms"]), zones=h["zones"],
                 output=fmt.money(h["output"], lang, currency), zone=top_zone,
                 share=fmt.pct(zones.at[top_zone, "output"] / h["output"] if h["output"] else float("nan"))))
    by_stage = ov.stage_zone.sum(axis=1)
    if len(by_stage):
        stage = by_stage.idxmax()
        out.append(t("overview.finding.stage", lang, stage=t(f"stage.{stage}", lang) if has(f"stage.{stage}", lang) else stage,
                     firms=fmt.count(by_stage.max()), share=fmt.pct(by_stage.max() / by_stage.sum())))
    if not np.isnan(h["local_purchase_share"]):
        out.append(t("overview.finding.local_share", lang, months=len(ov.window), month=ov.month,
                     local=fmt.money(h["local_flow_value"], lang, currency),
                     share=fmt.pct(h["local_purchase_share"]),
                     inbound=fmt.money(h["inbound_value"], lang, currency)))
    growth = _yoy(ov.flows, ov.month, "local")
    if not np.isnan(growth):
        key = "overview.finding.yoy_up" if growth >= 0 else "overview.finding.yoy_down"
        out.append(t(key, lang, month=ov.month, pct=fmt.pct(abs(growth), 1)))
    missing_nodes = h["technology_nodes"] - h["nodes_with_local_firm"]
    out.append(t("overview.finding.nodes", lang, covered=h["nodes_with_local_firm"], total=h["technology_nodes"],
                 missing=missing_nodes))
    if h["exited_firms"]:
        out.append(t("overview.finding.exited", lang, n=h["exited_firms"], month=ov.month))
    if h["missing_flow_months"]:
        out.append(t("overview.finding.missing_months", lang, months=", ".join(h["missing_flow_months"])))
    return out


def headline_cards(ov: Overview, lang: str = "en", *, currency: str = "CNY") -> dict[str, str]:
    """The headline figures as ``{label: formatted value}`` for the top of the page."""
    h = ov.headline
    return {
        t("overview.headline.local_firms", lang): fmt.count(h["local_firms"]),
        t("overview.headline.output", lang): fmt.money(h["output"], lang, currency),
        t("overview.headline.local_flow_value", lang): fmt.money(h["local_flow_value"], lang, currency),
        t("overview.headline.local_purchase_share", lang): fmt.pct(h["local_purchase_share"], 1),
        t("overview.headline.nodes_with_local_firm", lang): f'{h["nodes_with_local_firm"]} / {h["technology_nodes"]}',
    }


#: Zone table columns → header keys, in display order.
ZONE_COLUMNS = {"zone": "common.zone", "firms": "common.firms", "anchors": "common.anchors",
                "employees": "common.employees", "output": "common.output", "area": "common.area",
                "patents": "common.patents", "output_per_m2": "common.output_per_m2",
                "patents_per_firm": "common.patents_per_firm"}


def zone_formats(lang: str = "en", currency: str = "CNY") -> dict:
    """Formatters for the zone table."""
    return {"zone": lambda z: t("common.total", lang) if z == "total" else z,
            "firms": fmt.count, "anchors": fmt.count, "employees": fmt.count,
            "output": lambda v: fmt.money(v, lang, currency), "area": fmt.count, "patents": fmt.count,
            "output_per_m2": lambda v: fmt.number(v, 0), "patents_per_firm": lambda v: fmt.number(v, 1)}


#: Largest-firms table columns → header keys.
TOP_FIRM_COLUMNS = {"name": "common.firm", "zone": "common.zone", "stage": "common.stage",
                    "segment": "common.segment", "output": "common.output", "employees": "common.employees",
                    "patents": "common.patents"}


def top_firm_formats(lang: str = "en", currency: str = "CNY") -> dict:
    return {"stage": lambda s: t(f"stage.{s}", lang) if has(f"stage.{s}", lang) else s,
            "output": lambda v: fmt.money(v, lang, currency), "employees": fmt.count, "patents": fmt.count,
            "segment": lambda v: "–" if pd.isna(v) else v, "zone": lambda v: "–" if pd.isna(v) or v == "" else v}
