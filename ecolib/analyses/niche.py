"""Niche positioning (生态位错位) across zones and small-firm embedding (中小企业三阶定位),
DESIGN.md §8.

Pure functions over the workspace tables; vectorised (numpy/pandas, no loop over firms,
zones or nodes). Money is in the workspace currency per year (``firms.output``).

Zone portfolios
---------------
* **Zone output** ``x_zs`` (currency/year): for each zone z and group s of the chosen
  ``level`` (``"segment"``, the default; ``"stage"``; or ``"node"``, the technology nodes),
  Σ over the zone's local firms active in ``month`` of ``output × share`` on the nodes of s
  (``firm_nodes.share``; :func:`ecolib.foundations.firms.active_mask` decides who is active). Reuses
  :func:`ecolib.analyses.genemap.zone_node_matrix` (node level) and sums nodes into their group
  (``chain_nodes.segment_id`` / ``stage_id``). A ``firm_nodes`` row on a node *above* the
  level (a firm known only by its stage, at the segment level) has no group there: its
  output is left out of the matrix and reported as ``Niche.unattributed``. Rows are every zone
  that has a local firm (exited ones included, so a zone whose firms all left shows as a
  zone with no output), sorted by name; columns are every group of the level in chain order
  (stage order, then the order of ``chain_nodes``), groups nobody produces in included.
  Firms without a zone are left out.
* **Shares** ``p_zs = x_zs / Σ_s x_zs``; a zone with no output has no shares (NaN row).
* **Location quotient** ``LQ_zs = (x_zs / x_z) / (x_s / x)`` with ``x_z`` the zone's total,
  ``x_s`` the group's total over all zones and ``x`` the grand total. LQ > 1: the zone is
  more specialised in s than the region as a whole. NaN where ``x_z = 0`` or ``x_s = 0``.

Niche overlap and breadth
-------------------------
* **Pianka overlap** ``O_ab = Σ_s p_as p_bs / √(Σ_s p_as² · Σ_s p_bs²)``, in [0, 1]:
  symmetric, 1 for identical portfolios (also proportional ones), 0 for disjoint ones; the
  diagonal is 1. NaN for a zone with no output. **Contribution** of group s to the overlap
  of a pair: ``p_as p_bs / √(Σ p_a² Σ p_b²)`` (they sum to ``O_ab``): where the two compete
  head-on.
* **Homogeneous competition** (同质化竞争): a pair with ``O_ab > threshold`` (strictly above;
  default 0.7, ``thresholds.niche_overlap`` in workspace.yaml).
* **Levins breadth** ``B_z = 1 / Σ_s p_zs²``, from 1 (all output in one group) to n (an even
  spread over all n groups of the level); **standardised** ``(B − 1) / (n − 1)`` in [0, 1]
  with n the number of groups of the level in the chain (the niche space on offer, groups
  nobody produces in included). NaN for a zone with no output, and standardised NaN when the
  level has a single group.
* **Differentiation advice** for each flagged pair (a, b): for each of the two zones, the
  ``top`` groups with the largest LQ advantage ``LQ_as − LQ_bs > 0`` over the other zone,
  among the groups that carry at least ``min_share`` (default 1 %) of the zone's own output
  (a sliver of output in a group nobody else has gives a large LQ but is no position to
  build on). LQ counts as 0 where a zone has no output in a group.

Embedding opportunities (三阶定位)
---------------------------------
For a firm (``firm_id``) or a capability profile (``nodes``: technology node ids):

* **Own nodes** of a firm: its ``firm_nodes`` rows on technology nodes with capability ≥
  ``min_capability`` (default 0.3, as the gene map); a firm with no such row falls back to
  all its technology nodes (``weak_profile = True``).
* **Gap nodes**: technology nodes with gene-map status missing, single or thin
  (:func:`ecolib.analyses.genemap.coverage`), minus the profile's own nodes.
* **Relatedness density** ``ω_p = Σ_{p' ∈ own} φ_p'p / Σ_p' φ_p'p``
  (:func:`ecolib.analyses.relatedness.density_for_profile`) on the gene map's node proximity φ
  (:func:`ecolib.analyses.genemap.node_space`: firm × node co-occurrence combined with chain links):
  the share of node p's relatedness that falls on what the firm already does.
* **Gap priority** (:func:`gap_priority`), in [0, 1]: by default the gap analysis's priority
  (:func:`ecolib.analyses.gaps.gap_priority`, DESIGN.md §6: weighted importance, demand pull,
  feasibility and fragility, weights ``priority_weights`` of workspace.yaml). Where that module
  is not available, or with ``priority="simple"``, a documented simple priority:
  ``priority_p = fragility(status_p) × importance_p``, fragility 1 missing, 0.6 single,
  0.3 thin (:data:`ecolib.analyses.genemap.FRAGILITY`), importance = node weight / the largest
  technology-node weight of the chain. ``Embedding.priority_source`` says which was used.
* **Score** ``= ω_p × priority_p`` in [0, 1]; gap nodes ranked by score (then priority,
  then node id). The table keeps every component and the own nodes closest to each gap
  node (the reasons).
* **Default firm** (:func:`default_firm`): the smallest-output active local firm that is
  not an anchor, has output > 0, and has an own node with a direct chain link to a missing
  node of strength ``φˢ ≥ min_link`` (default 0.1: at least a tenth of the strongest input
  link of the chain; the weak links of producer services to everything fall below it); if
  the park has no missing node, to any gap node; ties by firm id. With no such firm: the
  smallest-output active local non-anchor firm with a technology node. None when the park
  has no local firm with a technology node.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ecolib.presentation import fmt
from ecolib.foundations import frames
from ecolib.analyses import genemap, relatedness
from ecolib.presentation.i18n import display_names, t
from ecolib.foundations.firms import active_mask
from ecolib.contract.schema import GROUP_LEVELS as LEVELS, STAGES  # the contract's vocabulary

__all__ = [
    "LEVELS",
    "DEFAULT_THRESHOLD",
    "Niche",
    "Embedding",
    "zone_output",
    "shares",
    "location_quotient",
    "pianka",
    "levins",
    "overlap_pairs",
    "differentiation",
    "niche",
    "with_finer",
    "PRIORITY_SOURCES",
    "simple_priority",
    "gap_priority",
    "own_nodes",
    "small_firms_near_gaps",
    "default_firm",
    "embedding",
    "best_entries",
    "section_values",
    "embed_values",
    "priority_values",
    "embed_section",
    "portfolio_table",
    "pairs_view",
    "advice_view",
    "embedding_view",
    "entries_view",
    "entries_findings",
    "headline_cards",
    "findings",
    "embedding_findings",
]

#: The next finer level of each level (the overlap there tells rivals from a division of labour).
FINER = {"stage": "segment", "segment": "node"}
#: Overlap above which a pair of zones is flagged as homogeneous competition.
DEFAULT_THRESHOLD = 0.7


# =========================================================================== zone portfolios


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    return level


def _check_threshold(value: float) -> float:
    value = float(value)
    if not 0 <= value <= 1:
        raise ValueError(f"the overlap threshold must be in [0, 1], got {value!r}")
    return value


def level_groups(chain_nodes: pd.DataFrame, level: str = "segment") -> pd.DataFrame:
    """The groups of ``level`` in chain order (stage order, then ``chain_nodes`` order), with
    columns group, name, name_zh, stage; and ``group_of``: node_id → group (empty for nodes
    above the level) as the attribute ``frame.attrs['group_of']``."""
    _check_level(level)
    nodes = chain_nodes.reset_index(drop=True)
    if level == "node":
        keep = nodes["is_leaf"].to_numpy(bool)
        group_of = nodes["node_id"].where(keep)
    else:
        col = "stage_id" if level == "stage" else "segment_id"
        group_of = nodes[col].where(nodes[col].notna() & (nodes[col].astype(str) != ""))
        keep = (nodes["level"] == level).to_numpy(bool)
    rows = nodes[keep]
    name_zh = rows["name_zh"].fillna(rows["name"]) if "name_zh" in rows else rows["name"]
    rank = rows["stage"].map({s: i for i, s in enumerate(STAGES)}).fillna(len(STAGES))
    table = pd.DataFrame({"group": rows["node_id"].astype(object).to_numpy(), "name": rows["name"].astype(object).to_numpy(),
                          "name_zh": name_zh.astype(object).to_numpy(),
                          "stage": rows["stage"].astype(object).to_numpy(), "_r": rank.to_numpy(),
                          "_o": np.arange(len(rows))})
    table = table.sort_values(["_r", "_o"], kind="stable").drop(columns=["_r", "_o"]).reset_index(drop=True)
    table.attrs["group_of"] = pd.Series(group_of.to_numpy(object), index=nodes["node_id"].to_numpy(object))
    return table


def zone_output(firms: pd.DataFrame, firm_nodes: pd.DataFrame, chain_nodes: pd.DataFrame, *,
                month: str | None = None, level: str = "segment") -> pd.DataFrame:
    """Zone × group output ``x_zs`` (currency/year) of active local firms (module docstring).

    Index ``zone`` (every zone with a local firm, sorted), columns the groups of ``level`` in
    chain order. ``frame.attrs['unattributed']`` holds the output on nodes above the level.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> zone_output(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], month="2026-03")
    group  G.MAT  G.CELL
    zone
    North  200.0   100.0
    South    0.0  1000.0
    """
    groups = level_groups(chain_nodes, level)
    zone = firms["zone"].astype(object).where(firms["zone"].notna(), "")
    local = firms["local"].fillna(True).to_numpy(bool)
    zones = pd.Index(sorted(set(zone[local & (zone != "").to_numpy(bool)].astype(str))), name="zone")
    by_node = genemap.zone_node_matrix(firms, firm_nodes, month=month)   # zone × node (currency/year)
    cols = pd.Index(groups["group"], name="group")
    if by_node.shape[1] == 0 or by_node.shape[0] == 0:
        out = pd.DataFrame(0.0, index=zones, columns=cols)
        out.attrs["unattributed"] = 0.0
        return out
    g = groups.attrs["group_of"].reindex(by_node.columns)
    has_group = g.notna().to_numpy()
    unattributed = float(by_node.loc[:, ~has_group].to_numpy().sum())
    summed = by_node.loc[:, has_group].T.groupby(g[has_group].to_numpy()).sum().T
    out = summed.reindex(index=zones, columns=cols, fill_value=0.0).astype(np.float64)
    out.index.name, out.columns.name = "zone", "group"
    out.attrs["unattributed"] = unattributed
    return out


def shares(x: pd.DataFrame) -> pd.DataFrame:
    """Output shares ``p_zs = x_zs / Σ_s x_zs`` (rows sum to 1; NaN row for a zone with no output).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> x = zone_output(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], month="2026-03")
    >>> shares(x).round(3)
    group  G.MAT  G.CELL
    zone
    North  0.667  0.333
    South  0.000  1.000
    """
    a = x.to_numpy(np.float64)
    tot = a.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tot > 0, a / np.where(tot > 0, tot, 1.0), np.nan)
    return pd.DataFrame(p, index=x.index, columns=x.columns)


def location_quotient(x: pd.DataFrame) -> pd.DataFrame:
    """``LQ_zs = (x_zs / x_z) / (x_s / x)``; NaN where the zone or the group has no output.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> x = zone_output(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], month="2026-03")
    >>> location_quotient(x).round(3)      # North: (200 / 300) / (200 / 1300)
    group  G.MAT  G.CELL
    zone
    North  4.333  0.394
    South  0.000  1.182
    """
    a = x.to_numpy(np.float64)
    xz = a.sum(axis=1, keepdims=True)
    xs = a.sum(axis=0, keepdims=True)
    total = a.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        lq = (a / xz) / (xs / total)
    lq = np.where((xz > 0) & (xs > 0), lq, np.nan)
    return pd.DataFrame(lq, index=x.index, columns=x.columns)


def pianka(p: pd.DataFrame) -> pd.DataFrame:
    """Pianka overlap of every pair of rows of ``p`` (shares, or any non-negative profile: the
    measure is scale-free). Symmetric zone × zone frame, diagonal 1, NaN for an all-zero or
    NaN row.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> x = zone_output(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], month="2026-03")
    >>> pianka(shares(x)).round(3)        # (1/3) / √(5/9 · 1) = 1/√5
    zone   North  South
    zone
    North  1.000  0.447
    South  0.447  1.000
    """
    a = np.nan_to_num(p.to_numpy(np.float64), nan=0.0)
    gram = a @ a.T
    norm = np.sqrt(np.diag(gram))
    with np.errstate(invalid="ignore", divide="ignore"):
        o = gram / np.outer(norm, norm)
    ok = norm > 0
    o = np.where(ok[:, None] & ok[None, :], np.clip(o, 0.0, 1.0), np.nan)
    np.fill_diagonal(o, np.where(ok, 1.0, np.nan))
    return pd.DataFrame(o, index=p.index, columns=p.index)


def levins(p: pd.DataFrame, *, n: int | None = None) -> pd.DataFrame:
    """Levins breadth per row of shares ``p``: ``breadth = 1 / Σ p²`` and ``breadth_std =
    (breadth − 1) / (n − 1)`` with ``n`` the number of groups (default: the columns of p).
    NaN for a row without shares; ``breadth_std`` NaN when n ≤ 1.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> x = zone_output(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], month="2026-03")
    >>> levins(shares(x))                 # North: 1 / (4/9 + 1/9) = 1.8; standardised (1.8 − 1) / (2 − 1)
           breadth  breadth_std
    zone
    North      1.8          0.8
    South      1.0          0.0
    """
    a = p.to_numpy(np.float64)
    n = p.shape[1] if n is None else int(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        ss = np.nansum(a * a, axis=1)
        ok = ~np.isnan(a).all(axis=1) & (ss > 0) if a.shape[1] else np.zeros(a.shape[0], bool)
        b = np.where(ok, 1.0 / np.where(ok, ss, 1.0), np.nan)
        std = (b - 1.0) / (n - 1) if n > 1 else np.full_like(b, np.nan)
    return pd.DataFrame({"breadth": b, "breadth_std": std}, index=p.index)


def overlap_pairs(overlap: pd.DataFrame, p: pd.DataFrame | None = None, *,
                  threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Every pair of zones (a before b in the overlap's order) with its overlap and whether it
    is flagged (``overlap > threshold``), highest overlap first (NaN last). With shares ``p``:
    also the group contributing most to the overlap (``shared``), its contribution and each
    zone's share of it (``share_a``, ``share_b``)."""
    threshold = _check_threshold(threshold)
    zones = overlap.index.to_numpy(object)
    ia, ib = np.triu_indices(len(zones), k=1)
    o = overlap.to_numpy(np.float64)[ia, ib] if len(ia) else np.zeros(0)
    out = pd.DataFrame({"zone_a": zones[ia], "zone_b": zones[ib], "overlap": o,
                        "flagged": np.nan_to_num(o, nan=-1.0) > threshold})
    if p is not None:
        a = np.nan_to_num(p.reindex(index=overlap.index).to_numpy(np.float64), nan=0.0)
        norm = np.sqrt((a * a).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            contrib = a[ia] * a[ib] / (norm[ia] * norm[ib])[:, None]
        contrib = np.nan_to_num(contrib, nan=0.0)
        k = np.argmax(contrib, axis=1) if contrib.shape[1] else np.zeros(len(ia), int)
        rows = np.arange(len(ia))
        has = contrib.shape[1] > 0 and len(ia) > 0
        best = contrib[rows, k] if has else np.zeros(len(ia))
        none = np.full(len(ia), None, dtype=object)       # no group at all: nothing is shared
        out["shared"] = np.where(best > 0, p.columns.to_numpy(object)[k], None) if has else none
        out["shared_contribution"] = np.where(best > 0, best, np.nan)
        out["share_a"] = np.where(best > 0, a[ia, k], np.nan) if has else np.full(len(ia), np.nan)
        out["share_b"] = np.where(best > 0, a[ib, k], np.nan) if has else np.full(len(ia), np.nan)
    out = out.assign(_o=np.nan_to_num(o, nan=-1.0)).sort_values(["_o", "zone_a", "zone_b"],
                                                                 ascending=[False, True, True], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def differentiation(lq: pd.DataFrame, p: pd.DataFrame, pairs: pd.DataFrame, *, top: int = 3,
                    min_share: float = 0.01) -> pd.DataFrame:
    """Differentiation advice for the flagged pairs of ``pairs`` (module docstring).

    One row per (pair, zone, rank): zone_a, zone_b (the pair), zone (advised), other, rank
    (1 = largest advantage), group, lq (the zone's LQ), lq_other, advantage (lq − lq_other),
    share (of the zone's output), share_other. A zone with no group ahead of the other gets no
    row.
    """
    flagged = pairs[pairs["flagged"].to_numpy(bool)]
    cols = ["zone_a", "zone_b", "zone", "other", "rank", "group", "lq", "lq_other", "advantage", "share",
            "share_other"]
    if not len(flagged) or lq.shape[1] == 0 or top <= 0:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("zone_a", "zone_b", "zone", "other", "group")
                                          else np.float64) for c in cols})
    zone_idx = pd.Index(lq.index)
    za = np.r_[flagged["zone_a"].to_numpy(object), flagged["zone_b"].to_numpy(object)]   # the pair, both ways
    zb = np.r_[flagged["zone_b"].to_numpy(object), flagged["zone_a"].to_numpy(object)]
    pair_a = np.r_[flagged["zone_a"].to_numpy(object), flagged["zone_a"].to_numpy(object)]
    pair_b = np.r_[flagged["zone_b"].to_numpy(object), flagged["zone_b"].to_numpy(object)]
    order = np.r_[np.arange(len(flagged)) * 2, np.arange(len(flagged)) * 2 + 1]          # a then b per pair
    i, j = zone_idx.get_indexer(za), zone_idx.get_indexer(zb)
    L = np.nan_to_num(lq.to_numpy(np.float64), nan=0.0)
    P = np.nan_to_num(p.reindex(index=lq.index, columns=lq.columns).to_numpy(np.float64), nan=0.0)
    adv = L[i] - L[j]
    eligible = (P[i] >= min_share) & (P[i] > 0) & (adv > 0)
    adv_m = np.where(eligible, adv, -np.inf)
    k = min(top, adv.shape[1])
    idx = np.argsort(-adv_m, axis=1, kind="stable")[:, :k]                # rows × k
    picked = np.take_along_axis(adv_m, idx, axis=1)
    r, c = np.nonzero(np.isfinite(picked))
    g = idx[r, c]
    out = pd.DataFrame({
        "zone_a": pair_a[r], "zone_b": pair_b[r], "zone": za[r], "other": zb[r], "rank": c + 1,
        "group": lq.columns.to_numpy(object)[g], "lq": L[i[r], g], "lq_other": L[j[r], g],
        "advantage": adv[r, g], "share": P[i[r], g], "share_other": P[j[r], g], "_o": order[r]})
    return out.sort_values(["_o", "rank"], kind="stable").drop(columns="_o").reset_index(drop=True)


# =========================================================================== bundle


@dataclass
class Niche:
    """Zone portfolios, overlap, breadth and advice for one month and level (module docstring).

    output, shares, lq : zone × group frames. overlap : zone × zone Pianka overlap.
    zones : one row per zone: zone, firms (active local), output, groups (groups with output),
        breadth, breadth_std, top_group, top_share, no_output.
    pairs : :func:`overlap_pairs`. advice : :func:`differentiation`.
    groups : the level's groups (group, name, name_zh, stage) in chain order.
    unattributed : output on nodes above the level (left out), currency/year.
    finer_overlap : the Pianka overlap at the next finer level (:data:`FINER`; None at the
        node level); ``pairs.overlap_finer`` carries it per pair. A pair that overlaps in
        segments but not in technology nodes makes different things within the same segments.
    """

    month: str | None
    level: str
    threshold: float
    output: pd.DataFrame
    shares: pd.DataFrame
    lq: pd.DataFrame
    overlap: pd.DataFrame
    zones: pd.DataFrame
    pairs: pd.DataFrame
    advice: pd.DataFrame
    groups: pd.DataFrame
    unattributed: float = 0.0
    headline: dict = field(default_factory=dict)
    finer_overlap: pd.DataFrame | None = None

    @property
    def flagged(self) -> pd.DataFrame:
        return self.pairs[self.pairs["flagged"].to_numpy(bool)].reset_index(drop=True)


def niche(tables: Mapping[str, pd.DataFrame], month: str | None, *, level: str = "segment",
          threshold: float = DEFAULT_THRESHOLD, top: int = 3, min_share: float = 0.01) -> Niche:
    """Zone portfolios, LQ, Pianka overlap, Levins breadth, flagged pairs and differentiation
    advice from the workspace tables (``chain_nodes``, ``firms``, ``firm_nodes``)."""
    _check_level(level)
    threshold = _check_threshold(threshold)
    firms, chain_nodes = tables["firms"], tables["chain_nodes"]
    x = zone_output(firms, tables["firm_nodes"], chain_nodes, month=month, level=level)
    p = shares(x)
    lq = location_quotient(x)
    o = pianka(p)
    b = levins(p)
    finer = None
    if level in FINER:
        xf = zone_output(firms, tables["firm_nodes"], chain_nodes, month=month, level=FINER[level])
        finer = pianka(shares(xf))
    pairs = with_finer(overlap_pairs(o, p, threshold=threshold), finer)
    advice = differentiation(lq, p, pairs, top=top, min_share=min_share)
    groups = level_groups(chain_nodes, level)

    act = active_mask(firms, month) if month is not None else firms["status"].eq("active")
    live = firms[firms["local"].fillna(True).to_numpy(bool) & act.to_numpy(bool)]
    n_firms = live.groupby(live["zone"].astype(object).where(live["zone"].notna(), ""))["firm_id"].nunique()
    tot = x.sum(axis=1)
    a = p.to_numpy(np.float64)
    has_out = (tot > 0).to_numpy()
    k = np.argmax(np.nan_to_num(a, nan=-1.0), axis=1) if a.shape[1] else np.zeros(len(x), int)
    top_group = np.where(has_out, x.columns.to_numpy(object)[k] if a.shape[1] else None, None)
    zones = pd.DataFrame({
        "zone": x.index.to_numpy(object),
        "firms": n_firms.reindex(x.index).fillna(0).astype(np.int64).to_numpy(),
        "output": tot.to_numpy(np.float64),
        "groups": (x.to_numpy() > 0).sum(axis=1).astype(np.int64),
        "breadth": b["breadth"].to_numpy(),
        "breadth_std": b["breadth_std"].to_numpy(),
        "top_group": top_group,
        "top_share": np.where(has_out, a[np.arange(len(x)), k] if a.shape[1] else np.nan, np.nan),
        "no_output": ~has_out,
    })
    flagged = pairs[pairs["flagged"]]
    headline = {
        "month": month,
        "level": level,
        "threshold": threshold,
        "zones": int(len(x)),
        "zones_without_output": zones.loc[zones["no_output"], "zone"].tolist(),
        "groups": int(x.shape[1]),
        "flagged_pairs": [[a_, b_, round(float(v), 6)] for a_, b_, v in
                          zip(flagged["zone_a"], flagged["zone_b"], flagged["overlap"])],
        "max_overlap": (None if not len(pairs) or pairs["overlap"].isna().all()
                        else [pairs.at[0, "zone_a"], pairs.at[0, "zone_b"], round(float(pairs.at[0, "overlap"]), 6)]),
        "breadth_std": {z: (None if np.isnan(v) else round(float(v), 6)) for z, v in
                        zip(zones["zone"], zones["breadth_std"])},
        "unattributed_output": float(x.attrs.get("unattributed", 0.0)),
    }
    return Niche(month, level, threshold, x, p, lq, o, zones, pairs, advice, groups,
                 float(x.attrs.get("unattributed", 0.0)), headline, finer)


def with_finer(pairs: pd.DataFrame, finer: pd.DataFrame | None) -> pd.DataFrame:
    """``pairs`` with ``overlap_finer``: each pair's overlap in ``finer`` (NaN without)."""
    if finer is None or not len(pairs):
        return pairs.assign(overlap_finer=np.nan)
    idx = pd.Index(finer.index)
    i, j = idx.get_indexer(pairs["zone_a"]), idx.get_indexer(pairs["zone_b"])
    f = finer.to_numpy(np.float64)
    ok = (i >= 0) & (j >= 0)
    return pairs.assign(overlap_finer=np.where(ok, f[np.maximum(i, 0), np.maximum(j, 0)], np.nan))


# =========================================================================== embedding


#: Where the gap priority can come from: the gap analysis (§6) or the simple stand-in.
PRIORITY_SOURCES = ("auto", "gaps", "simple")


def _gaps_module():
    """:mod:`ecolib.analyses.gaps` if it provides ``gap_priority`` (it is optional here), else None."""
    try:
        from ecolib.analyses import gaps
    except ImportError:
        return None
    return gaps if callable(getattr(gaps, "gap_priority", None)) else None


def simple_priority(cov: genemap.Coverage) -> pd.DataFrame:
    """The simple gap priority: ``fragility × importance`` for every gap node (status missing,
    single or thin), fragility from :data:`ecolib.analyses.genemap.FRAGILITY` (1 missing, 0.6 single,
    0.3 thin), importance = node weight / the largest technology-node weight (0 when every
    weight is 0). Columns node_id, status, fragility, importance, priority."""
    nodes = cov.nodes
    gap = nodes[nodes["status"].isin(genemap.GAP_STATUSES).to_numpy(bool)]
    wmax = float(nodes["weight"].max()) if len(nodes) else 0.0
    frag = gap["status"].map(genemap.FRAGILITY).to_numpy(np.float64)
    imp = gap["weight"].to_numpy(np.float64) / wmax if wmax > 0 else np.zeros(len(gap))
    out = pd.DataFrame({"node_id": gap["node_id"].to_numpy(object), "status": gap["status"].to_numpy(object),
                        "fragility": frag, "importance": imp, "priority": frag * imp})
    out.attrs["source"] = "simple"
    return out


def gap_priority(cov: genemap.Coverage, *, gm: genemap.GeneMap | None = None,
                 tables: Mapping[str, pd.DataFrame] | None = None, weights: Mapping | None = None,
                 source: str = "auto") -> pd.DataFrame:
    """Priority of every gap node (status missing, single or thin), in [0, 1] (module docstring).

    ``source="auto"``: the gap analysis's priority (:func:`ecolib.analyses.gaps.gap_priority`) when that
    module is available and ``gm`` (the gene map, for feasibility) and ``tables`` (chain_nodes;
    chain_edges and candidates when present) are given, else :func:`simple_priority`;
    ``"gaps"`` insists on the former, ``"simple"`` on the latter. ``weights``: the
    ``priority_weights`` of workspace.yaml. Columns node_id, status, fragility, importance,
    priority (plus demand and feasibility from the gap analysis); ``attrs['source']`` is
    ``"gaps"`` or ``"simple"``.
    """
    if source not in PRIORITY_SOURCES:
        raise ValueError(f"source must be one of {', '.join(PRIORITY_SOURCES)}, got {source!r}")
    gaps = _gaps_module() if source != "simple" else None
    usable = gaps is not None and gm is not None and tables is not None
    if source == "gaps" and not usable:
        raise ValueError('source="gaps" needs ecolib.analyses.gaps and the gene map (gm=) and tables (tables=)')
    if not usable:
        return simple_priority(cov)
    try:
        full = gaps.gap_priority(cov, gm.feasibility, chain_nodes=tables["chain_nodes"],
                                 chain_edges=tables.get("chain_edges"), candidates=tables.get("candidates"),
                                 weights=weights)
        out = pd.DataFrame({"node_id": full["node_id"].to_numpy(object), "status": full["status"].to_numpy(object),
                            "fragility": full["fragility"].to_numpy(np.float64),
                            "importance": full["importance"].to_numpy(np.float64),
                            "demand": full["demand"].to_numpy(np.float64),
                            "feasibility": full["feasibility"].to_numpy(np.float64),
                            "priority": full["score"].to_numpy(np.float64)})
    except (TypeError, KeyError, AttributeError):
        # the gap analysis changed its interface: "auto" keeps the report running on the simple
        # priority (tests/test_niche.py::test_priority_from_the_gap_analysis notices the drift)
        if source == "gaps":
            raise
        return simple_priority(cov)
    out.attrs["source"] = "gaps"
    return out


def own_nodes(firm_nodes: pd.DataFrame, firm_id: str, leaves: Iterable[str], *,
              min_capability: float = 0.3) -> tuple[list[str], bool]:
    """A firm's own technology nodes (capability ≥ ``min_capability``), and whether the
    profile is weak (no such node: all its technology nodes are used instead)."""
    leaves = pd.Index(list(leaves))
    rows = firm_nodes[(firm_nodes["firm_id"] == firm_id).to_numpy(bool) & frames.isin(firm_nodes["node_id"], leaves)]
    strong = rows[rows["capability"].to_numpy(np.float64) >= min_capability]
    if len(strong):
        return list(dict.fromkeys(strong["node_id"].astype(str))), False
    return list(dict.fromkeys(rows["node_id"].astype(str))), bool(len(rows))


def _live_local(firms: pd.DataFrame, month: str | None) -> np.ndarray:
    act = active_mask(firms, month) if month is not None else firms["status"].eq("active")
    return firms["local"].fillna(True).to_numpy(bool) & act.to_numpy(bool)


def small_firm_pool(firms: pd.DataFrame, firm_nodes: pd.DataFrame, month: str | None, *,
                    include: str | None = None, limit: int = 2_000) -> pd.DataFrame:
    """The firms a small firm's embedding can be asked for: active local firms with at least
    one ``firm_nodes`` row, smallest annual output first (then firm id; output not reported
    last, never taken for 0), at most ``limit``; ``include`` is always in (first if added).

    Returns
    -------
    DataFrame
        Rows of ``firms``, in that order.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> small_firm_pool(tables["firms"], tables["firm_nodes"], "2026-03")["firm_id"].tolist()
    ['F1', 'F2', 'F3']
    """
    act = active_mask(firms, month) if month is not None else firms["status"].eq("active")
    pool = firms[firms["local"].fillna(True).to_numpy(bool) & act.to_numpy(bool)
                 & frames.isin(firms["firm_id"], firm_nodes["firm_id"])]
    output = pd.to_numeric(pool["output"], errors="coerce")
    order = pd.DataFrame({"output": output, "firm_id": pool["firm_id"]}).sort_values(
        ["output", "firm_id"], na_position="last", kind="stable").index
    chosen = pool.loc[order].head(int(limit))
    if include is not None and include not in set(chosen["firm_id"]):
        chosen = pd.concat([firms[firms["firm_id"] == include], chosen])
    return chosen


def small_firms_near_gaps(tables: Mapping[str, pd.DataFrame], month: str | None, gm: genemap.GeneMap, *,
                          n: int = 10, min_link: float = 0.1) -> pd.DataFrame:
    """The ``n`` smallest-output active local non-anchor firms with output > 0 whose own nodes
    have a direct chain link (φˢ ≥ ``min_link``) to a missing node (to a gap node when none is
    missing), smallest first: firm_id, output. The pool :func:`default_firm` picks from."""
    firms, fn = tables["firms"], tables["firm_nodes"]
    nodes = gm.coverage.nodes
    status = nodes.set_index("node_id")["status"]
    targets = status.index[(status == "missing").to_numpy()]
    if not len(targets):
        targets = status.index[status.isin(genemap.GAP_STATUSES).to_numpy()]
    phi_s = gm.space.chain_proximity if gm.space.chain_proximity is not None else gm.space.proximity
    if not len(targets):
        return pd.DataFrame({"firm_id": [], "output": []})
    near = phi_s.reindex(index=status.index, columns=targets).fillna(0.0).max(axis=1) >= min_link
    near_nodes = near.index[near.to_numpy()].difference(targets)
    anchor = firms["anchor"].fillna(False).to_numpy(bool) if "anchor" in firms else np.zeros(len(firms), bool)
    pool = firms[_live_local(firms, month) & ~anchor]
    ok = fn[frames.isin(fn["firm_id"], pool["firm_id"]) & frames.isin(fn["node_id"], near_nodes)
            & (fn["capability"].to_numpy(np.float64) >= gm.coverage.min_capability)]
    out = pool[frames.isin(pool["firm_id"], ok["firm_id"])][["firm_id", "output"]].copy()
    out["output"] = pd.to_numeric(out["output"], errors="coerce").fillna(0.0)
    out = out[out["output"] > 0].sort_values(["output", "firm_id"], kind="stable").head(n)
    return out.reset_index(drop=True)


def default_firm(tables: Mapping[str, pd.DataFrame], month: str | None, *, gm: genemap.GeneMap | None = None,
                 min_link: float = 0.1, min_capability: float = 0.3) -> str | None:
    """The firm the embedding section looks at by default (rule in the module docstring)."""
    if gm is None:
        gm = genemap.gene_map(tables, month, min_capability=min_capability)
    near = small_firms_near_gaps(tables, month, gm, n=1, min_link=min_link)
    if len(near):
        return str(near.at[0, "firm_id"])
    firms, fn = tables["firms"], tables["firm_nodes"]
    anchor = firms["anchor"].fillna(False).to_numpy(bool) if "anchor" in firms else np.zeros(len(firms), bool)
    pool = firms[_live_local(firms, month) & ~anchor]
    leaves = pd.Index(gm.coverage.nodes["node_id"])
    with_node = fn.loc[frames.isin(fn["node_id"], leaves), "firm_id"]
    pool = pool[frames.isin(pool["firm_id"], with_node)][["firm_id", "output"]].copy()
    if not len(pool):
        return None
    pool["output"] = pd.to_numeric(pool["output"], errors="coerce").fillna(0.0)
    pool = pool.assign(_z=pool["output"] <= 0).sort_values(["_z", "output", "firm_id"], kind="stable")
    return str(pool.iloc[0]["firm_id"])


@dataclass
class Embedding:
    """Embedding opportunities for one firm or capability profile (module docstring).

    firm_id : the firm (None for a profile given as nodes). nodes : the own nodes used.
    weak_profile : the firm has no node with capability ≥ min_capability (all its nodes used).
    table : gap nodes ranked by score: rank, node_id, name, name_zh, segment_id, stage,
        status, core, weight, firms (qualifying local firms on the node), candidates,
        density, fragility, importance, priority, score, related (own nodes closest to the gap
        node, up to 3, φ > 0), related_proximity (their φ).
    priority_source : where the gap priority comes from: "gaps" (the gap analysis) or "simple"
        (:func:`simple_priority`).
    """

    month: str | None
    firm_id: str | None
    nodes: list[str]
    weak_profile: bool
    table: pd.DataFrame
    priority_source: str = "simple"
    headline: dict = field(default_factory=dict)

    def top(self, n: int = 10, *, positive: bool = True) -> pd.DataFrame:
        t_ = self.table[self.table["score"] > 0] if positive else self.table
        return t_.head(n).reset_index(drop=True)


def embedding(tables: Mapping[str, pd.DataFrame], month: str | None, *, firm_id: str | None = None,
              nodes: Iterable[str] | None = None, gm: genemap.GeneMap | None = None,
              min_capability: float = 0.3, related: int = 3, priority: str = "auto",
              weights: Mapping | None = None) -> Embedding:
    """Gap nodes ranked for a firm (``firm_id``) or a capability profile (``nodes``); with
    neither, for :func:`default_firm`. ``gm`` (a :class:`ecolib.analyses.genemap.GeneMap` of the same
    month) saves recomputing the gene map. ``priority`` / ``weights``: the gap priority's
    source and weights (:func:`gap_priority`). Raises ValueError for an unknown firm or node."""
    if gm is None:
        gm = genemap.gene_map(tables, month, min_capability=min_capability)
    cov = gm.coverage
    leaves = pd.Index(cov.nodes["node_id"])
    weak = False
    if nodes is not None:
        profile = list(dict.fromkeys(str(n) for n in nodes))
        unknown = [n for n in profile if n not in set(leaves)]
        if unknown:
            raise ValueError(f"not technology nodes of the chain: {', '.join(unknown[:5])}")
        firm_id = None
    else:
        if firm_id is None:
            firm_id = default_firm(tables, month, gm=gm)
        if firm_id is not None:
            if not tables["firms"]["firm_id"].eq(firm_id).any():
                raise ValueError(f"firm {firm_id!r} is not in firms")
            profile, weak = own_nodes(tables["firm_nodes"], firm_id, leaves, min_capability=cov.min_capability)
        else:
            profile = []
    phi = gm.space.proximity
    dens = relatedness.density_for_profile(pd.Index(profile), phi) if len(phi) else pd.Series(dtype=np.float64)
    prio = gap_priority(cov, gm=gm, tables=tables, weights=weights, source=priority)
    source = prio.attrs.get("source", "simple")
    prio = prio[~prio["node_id"].isin(profile).to_numpy(bool)].reset_index(drop=True)
    info = cov.nodes.set_index("node_id")
    ids = prio["node_id"].to_numpy(object)
    density = dens.reindex(ids).fillna(0.0).to_numpy(np.float64)
    table = pd.DataFrame({
        "node_id": ids,
        "name": info["name"].reindex(ids).to_numpy(object),
        "name_zh": info["name_zh"].reindex(ids).to_numpy(object),
        "segment_id": info["segment_id"].reindex(ids).to_numpy(object),
        "stage": info["stage"].reindex(ids).to_numpy(object),
        "status": prio["status"].to_numpy(object),
        "core": info["core"].reindex(ids).fillna(False).astype(bool).to_numpy(),
        "weight": info["weight"].reindex(ids).to_numpy(np.float64),
        "firms": info["firms"].reindex(ids).fillna(0).astype(np.int64).to_numpy(),
        "candidates": gm.candidates.reindex(ids).fillna(0).astype(np.int64).to_numpy(),
        "density": density,
        "fragility": prio["fragility"].to_numpy(np.float64),
        "importance": prio["importance"].to_numpy(np.float64),
        "priority": prio["priority"].to_numpy(np.float64),
        "score": density * prio["priority"].to_numpy(np.float64),
    })
    # reasons: the own nodes closest to each gap node (≤ ``related`` per node, φ > 0)
    own = pd.Index(profile)
    own = own[own.isin(phi.index)]
    k = min(related, len(own))
    if k and len(table):
        sub = phi.loc[own, table["node_id"]].to_numpy(np.float64)          # own × gap
        order = np.argsort(-sub, axis=0, kind="stable")[:k]
        top_phi = np.take_along_axis(sub, order, axis=0)
        names = own.to_numpy(object)[order]
        keep = top_phi > 0
        table["related"] = [tuple(n[m]) for n, m in zip(names.T, keep.T)]   # ≤ k each
        table["related_proximity"] = [tuple(v[m]) for v, m in zip(top_phi.T, keep.T)]
    else:
        table["related"] = [()] * len(table)
        table["related_proximity"] = [()] * len(table)
    table = table.sort_values(["score", "priority", "node_id"], ascending=[False, False, True], kind="stable")
    table = table.reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    best = table[table["score"] > 0]
    headline = {
        "firm_id": firm_id,
        "nodes": profile,
        "weak_profile": weak,
        "priority_source": source,
        "opportunities": int(len(best)),
        "top": [[n, round(float(s), 6)] for n, s in zip(best["node_id"].head(5), best["score"].head(5))],
    }
    return Embedding(month, firm_id, profile, weak, table, source, headline)


def best_entries(gm: genemap.GeneMap, firm_nodes: pd.DataFrame, firm_ids: Iterable[str], *,
                 tables: Mapping[str, pd.DataFrame] | None = None, weights: Mapping | None = None,
                 priority: str = "auto", chunk: int = 20_000) -> pd.DataFrame:
    """The best embedding opportunity of each firm of ``firm_ids`` at once (vectorised): the
    same density × priority score as :func:`embedding` for every firm (own nodes:
    capability ≥ the gene map's ``min_capability``; firms with none use all their nodes;
    ``tables``, ``weights``, ``priority`` as for :func:`gap_priority`).
    Returns firm_id, nodes (number of own nodes), node_id (best gap node, None if no gap
    node scores > 0), density, priority, score. Firms are processed ``chunk`` at a time so
    memory stays bounded (chunk × nodes floats)."""
    cov = gm.coverage
    leaves = pd.Index(gm.space.proximity.index)
    ids = pd.Index(firm_ids if isinstance(firm_ids, (pd.Series, pd.Index, np.ndarray)) else list(firm_ids),
                   dtype=object).unique()
    rows = firm_nodes[frames.isin(firm_nodes["firm_id"], ids) & frames.isin(firm_nodes["node_id"], leaves)]
    r = ids.get_indexer(rows["firm_id"].to_numpy(object))
    c = leaves.get_indexer(rows["node_id"].to_numpy(object))
    strong = rows["capability"].to_numpy(np.float64) >= cov.min_capability
    has_strong = np.zeros(len(ids), bool)
    has_strong[r[strong]] = True
    use = strong | ~has_strong[r]                                # no strong node: all its nodes
    M = sp.csr_array(sp.coo_array((np.ones(int(use.sum())), (r[use], c[use])), shape=(len(ids), len(leaves))))
    M.sum_duplicates()
    M.data[:] = 1.0                                             # presence 0/1
    phi = gm.space.proximity.to_numpy(np.float64)
    colsum = phi.sum(axis=0)
    inv = np.where(colsum > 0, 1.0 / np.where(colsum > 0, colsum, 1.0), 0.0)
    prio = (gap_priority(cov, gm=gm, tables=tables, weights=weights, source=priority).set_index("node_id")["priority"]
            .reindex(leaves).fillna(0.0).to_numpy(np.float64))
    weighted = phi * (inv * prio)[None, :]                      # score = M φ diag(inv · priority)
    best_node = np.full(len(ids), -1)
    best = np.zeros(len(ids))
    for s in range(0, len(ids), chunk):          # chunks of firms: bounded memory, not a per-firm loop
        m = M[s:s + chunk]
        score = np.asarray(m @ weighted)                        # firms × nodes
        own_r = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        score[own_r, m.indices] = 0.0                           # own nodes are no opportunity
        k = np.argmax(score, axis=1)
        v = score[np.arange(len(k)), k]
        best_node[s:s + chunk] = np.where(v > 0, k, -1)
        best[s:s + chunk] = v
    kk = np.maximum(best_node, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        best_d = best / prio[kk]                                # density = score / priority (> 0 where chosen)
    node = np.where(best_node >= 0, leaves.to_numpy(object)[np.maximum(best_node, 0)], None)
    return pd.DataFrame({"firm_id": ids.to_numpy(object), "nodes": np.asarray(M.sum(axis=1)).astype(np.int64),
                         "node_id": node, "density": np.where(best_node >= 0, best_d, np.nan),
                         "priority": np.where(best_node >= 0, prio[np.maximum(best_node, 0)], np.nan),
                         "score": best})


# =========================================================================== report text and views




def group_names(n: Niche, lang: str = "en") -> pd.Series:
    """group id → name in ``lang``."""
    return pd.Series(display_names(n.groups, lang).to_numpy(object), index=n.groups["group"].to_numpy(object))


def firm_names(firms: pd.DataFrame, lang: str = "en") -> pd.Series:
    return pd.Series(display_names(firms, lang).to_numpy(object), index=firms["firm_id"].to_numpy(object))


def _list(items: list[str], lang: str, limit: int = 4) -> str:
    sep = "、" if lang == "zh" else ", "
    shown = sep.join(str(i) for i in items[:limit])
    if len(items) > limit:
        shown += t("niche.and_more", lang, n=len(items) - limit)
    return shown


def level_label(level: str, lang: str = "en") -> str:
    return t(f"niche.level.{level}", lang)


def section_values(n: Niche, lang: str = "en", *, currency: str = "CNY", min_share: float = 0.01) -> dict:
    """Placeholders the section texts use: level, level_plural, n (groups of the level),
    threshold, min_share, currency."""
    return {"level": level_label(n.level, lang), "level_plural": t(f"niche.level_plural.{n.level}", lang),
            "n": int(n.output.shape[1]), "threshold": fmt.number(n.threshold, 2), "min_share": fmt.pct(min_share, 0),
            "currency": currency}


def embed_values(e: Embedding, gm: genemap.GeneMap, firms: pd.DataFrame, lang: str = "en", *,
                 currency: str = "CNY", chosen: bool = False) -> dict:
    """Placeholders of the embedding section's intro: firm, zone, output, nodes, why (how the
    firm was chosen; empty when ``chosen`` by the user)."""
    nodes = own_nodes_text(e.nodes, gm, lang)
    if e.firm_id is None:
        return {"firm": t("niche.profile_label", lang), "zone": "", "output": "", "nodes": nodes, "why": "",
                **priority_values(e, lang)}
    info = firms.set_index("firm_id").loc[e.firm_id]
    zone = info.get("zone")
    return {"firm": str(firm_names(firms, lang).get(e.firm_id, e.firm_id)),
            "zone": zone if isinstance(zone, str) and zone else "–",
            "output": fmt.money(info.get("output"), lang, currency), "nodes": nodes,
            "why": t("niche.embed_why_chosen" if chosen else "niche.embed_why_default", lang),
            **priority_values(e, lang)}


def embed_section(e: Embedding) -> str | None:
    """The i18n key of the embedding section: a firm's, a capability profile's, or None when
    there is nothing to position."""
    if e.firm_id is not None:
        return "niche.embed"
    return "niche.embed_profile" if e.nodes else None


def priority_values(e: Embedding, lang: str = "en") -> dict:
    """How the gap priority was made, in words: ``priority_def`` (short) and
    ``priority_method`` (for the method section), by ``e.priority_source``."""
    src = e.priority_source if e.priority_source in ("gaps", "simple") else "simple"
    return {"priority_def": t(f"niche.priority_def.{src}", lang),
            "priority_method": t(f"niche.priority_method.{src}", lang)}


def portfolio_table(n: Niche, lang: str = "en", *, top: int = 3) -> pd.DataFrame:
    """Per zone: firms, output, groups with output, breadth (raw and standardised), and its
    ``top`` largest groups with their share (text)."""
    names = group_names(n, lang)
    p = n.shares
    a = np.nan_to_num(p.to_numpy(np.float64), nan=-1.0)
    k = min(top, a.shape[1])
    idx = np.argsort(-a, axis=1, kind="stable")[:, :k] if k else np.zeros((len(p), 0), int)
    vals = np.take_along_axis(a, idx, axis=1)
    cols = p.columns.to_numpy(object)
    sep = "；" if lang == "zh" else "; "
    largest = [sep.join(f"{names.get(cols[g], cols[g])} {fmt.pct(v, 0)}" for g, v in zip(gi, vi) if v > 0) or "–"
               for gi, vi in zip(idx, vals)]                          # zones × top: a handful of rows
    z = n.zones
    return pd.DataFrame({"zone": z["zone"].to_numpy(object), "firms": z["firms"].to_numpy(np.int64),
                         "output": z["output"].to_numpy(np.float64), "groups": z["groups"].to_numpy(np.int64),
                         "breadth": z["breadth"].to_numpy(np.float64),
                         "breadth_std": z["breadth_std"].to_numpy(np.float64), "largest": largest})


PORTFOLIO_COLUMNS = {"zone": "common.zone", "firms": "common.firms", "output": "common.output",
                     "groups": "niche.col.groups", "breadth": "niche.col.breadth",
                     "breadth_std": "niche.col.breadth_std", "largest": "niche.col.largest"}


def portfolio_formats(lang: str = "en", currency: str = "CNY") -> dict:
    return {"firms": fmt.count, "output": lambda v: fmt.money(v, lang, currency), "groups": fmt.count,
            "breadth": lambda v: fmt.number(v, 2), "breadth_std": lambda v: fmt.number(v, 2)}


def pairs_view(n: Niche, lang: str = "en") -> pd.DataFrame:
    """Every pair of zones: zones, overlap, verdict, the group where they overlap most."""
    names = group_names(n, lang)
    pr = n.pairs
    verdict = np.where(pr["flagged"].to_numpy(bool), t("niche.verdict.flagged", lang),
                       np.where(pr["overlap"].isna().to_numpy(), t("niche.verdict.undefined", lang),
                                t("niche.verdict.distinct", lang)))
    shared = [("–" if g is None or (isinstance(g, float) and np.isnan(g)) else
               t("niche.shared_cell", lang, group=names.get(g, g), a=fmt.pct(sa, 0), b=fmt.pct(sb, 0)))
              for g, sa, sb in zip(pr.get("shared", [None] * len(pr)), pr.get("share_a", [np.nan] * len(pr)),
                                   pr.get("share_b", [np.nan] * len(pr)))]     # pairs of zones: few
    return pd.DataFrame({"pair": [f"{a} – {b}" for a, b in zip(pr["zone_a"], pr["zone_b"])],
                         "overlap": pr["overlap"].to_numpy(np.float64), "verdict": verdict, "shared": shared})


PAIR_COLUMNS = {"pair": "niche.col.pair", "overlap": "niche.col.overlap", "verdict": "niche.col.verdict",
                "shared": "niche.col.shared"}


def pair_formats(lang: str = "en") -> dict:
    return {"overlap": lambda v: fmt.number(v, 3)}


def advice_view(n: Niche, lang: str = "en") -> pd.DataFrame:
    """One row per flagged pair and zone: the groups it should build on (LQ vs the other zone)."""
    names = group_names(n, lang)
    adv = n.advice
    if not len(adv):
        return pd.DataFrame({"pair": [], "zone": [], "build_on": [], "other": []})
    item = [t("niche.advice_item", lang, group=names.get(g, g), lq=fmt.number(a, 2), lq_other=fmt.number(b, 2),
              share=fmt.pct(s, 0)) for g, a, b, s in zip(adv["group"], adv["lq"], adv["lq_other"], adv["share"])]
    adv = adv.assign(item=item)
    sep = "；" if lang == "zh" else "; "
    g = adv.groupby(["zone_a", "zone_b", "zone", "other"], sort=False)["item"].agg(lambda s: sep.join(s))
    out = g.reset_index()
    return pd.DataFrame({"pair": [f"{a} – {b}" for a, b in zip(out["zone_a"], out["zone_b"])],
                         "zone": out["zone"].to_numpy(object), "build_on": out["item"].to_numpy(object),
                         "other": out["other"].to_numpy(object)})


ADVICE_COLUMNS = {"pair": "niche.col.pair", "zone": "common.zone", "build_on": "niche.col.build_on"}


def embedding_view(e: Embedding, gm: genemap.GeneMap, lang: str = "en", *, n: int = 10) -> pd.DataFrame:
    """The top ``n`` opportunities (score > 0) with their reasons, for the report table."""
    top = e.top(n)
    nodes = gm.coverage.nodes
    node_names = pd.Series(display_names(nodes, lang).to_numpy(object), index=nodes["node_id"].to_numpy(object))
    tree = gm.coverage.tree
    seg_names = pd.Series(display_names(tree, lang).to_numpy(object), index=tree["node_id"].to_numpy(object))
    reasons = []
    for rel, phis in zip(top["related"], top["related_proximity"]):    # ≤ n rows (display)
        items = [t("niche.reason_item", lang, node=node_names.get(r, r), phi=fmt.number(v, 2))
                 for r, v in zip(rel, phis)]
        reasons.append(_list(items, lang, 3) if items else t("niche.reason_none", lang))
    status = [t(f"genemap.status.{s}", lang) for s in top["status"]]
    return pd.DataFrame({
        "rank": top["rank"].to_numpy(np.int64),
        "node": [f"{node_names.get(i, i)}{' ★' if c else ''}" for i, c in zip(top["node_id"], top["core"])],
        "segment": top["segment_id"].map(seg_names).to_numpy(object),
        "status": status,
        "firms": top["firms"].to_numpy(np.int64),
        "density": top["density"].to_numpy(np.float64),
        "priority": top["priority"].to_numpy(np.float64),
        "score": top["score"].to_numpy(np.float64),
        "reasons": reasons,
        "candidates": top["candidates"].to_numpy(np.int64),
    })


EMBED_COLUMNS = {"rank": "niche.col.rank", "node": "genemap.col.node", "status": "genemap.col.status",
                 "density": "niche.col.density", "priority": "niche.col.priority", "score": "niche.col.score",
                 "reasons": "niche.col.reasons", "candidates": "genemap.col.candidates"}


def embed_formats(lang: str = "en") -> dict:
    return {"rank": fmt.count, "firms": fmt.count, "density": lambda v: fmt.pct(v, 0),
            "priority": lambda v: fmt.number(v, 2), "score": lambda v: fmt.number(v, 3),
            "candidates": lambda v: fmt.count(v) if v else "–"}


def entries_view(entries: pd.DataFrame, firms: pd.DataFrame, firm_nodes: pd.DataFrame, gm: genemap.GeneMap,
                 lang: str = "en") -> pd.DataFrame:
    """:func:`best_entries` rows for display: firm, zone, output, its main node (largest
    share), best entry node, density, score."""
    info = firms.set_index("firm_id")
    fnames = firm_names(firms, lang)
    nodes = gm.coverage.nodes
    node_names = pd.Series(display_names(nodes, lang).to_numpy(object), index=nodes["node_id"].to_numpy(object))
    main = (firm_nodes[frames.isin(firm_nodes["firm_id"], entries["firm_id"])]
            .sort_values(["firm_id", "share", "node_id"], ascending=[True, False, True])
            .drop_duplicates("firm_id").set_index("firm_id")["node_id"])
    entries = entries.assign(own=entries["firm_id"].map(main).map(node_names).fillna("–"))
    entries = entries.sort_values("score", ascending=False, kind="stable")      # best opportunity first
    return pd.DataFrame({
        "firm": entries["firm_id"].map(fnames).to_numpy(object),
        "zone": entries["firm_id"].map(info["zone"]).fillna("–").to_numpy(object),
        "output": pd.to_numeric(entries["firm_id"].map(info["output"]), errors="coerce").to_numpy(np.float64),
        "own": entries["own"].to_numpy(object) if "own" in entries else "",
        "entry": [node_names.get(i, "–") if isinstance(i, str) else "–" for i in entries["node_id"]],
        "density": entries["density"].to_numpy(np.float64),
        "score": entries["score"].to_numpy(np.float64),
    })


ENTRY_COLUMNS = {"firm": "common.firm", "zone": "common.zone", "output": "common.output", "own": "niche.col.own_nodes",
                 "entry": "niche.col.best_entry", "density": "niche.col.density", "score": "niche.col.score"}


def entry_formats(lang: str = "en", currency: str = "CNY") -> dict:
    return {"output": lambda v: fmt.money(v, lang, currency), "density": lambda v: fmt.pct(v, 0),
            "score": lambda v: fmt.number(v, 3)}


def entries_findings(entries: pd.DataFrame, firms: pd.DataFrame, gm: genemap.GeneMap, lang: str = "en", *,
                     currency: str = "CNY") -> list[str]:
    """One sentence on the strongest opportunity among :func:`best_entries` rows."""
    ok = entries[entries["score"] > 0]
    if not len(ok):
        return []
    best = ok.loc[ok["score"].idxmax()]
    nodes = gm.coverage.nodes
    node_names = pd.Series(display_names(nodes, lang).to_numpy(object), index=nodes["node_id"].to_numpy(object))
    info = firms.set_index("firm_id").loc[best["firm_id"]]
    zone = info.get("zone")
    return [t("niche.finding.entries_best", lang, firm=firm_names(firms, lang).get(best["firm_id"], best["firm_id"]),
              zone=zone if isinstance(zone, str) and zone else "–", output=fmt.money(info.get("output"), lang, currency),
              node=node_names.get(best["node_id"], best["node_id"]), density=fmt.pct(best["density"], 0),
              score=fmt.number(best["score"], 3), n=len(entries))]


def own_nodes_text(nodes: Iterable[str], gm: genemap.GeneMap, lang: str = "en") -> str:
    """Names of a profile's nodes, joined."""
    info = gm.coverage.nodes
    names = pd.Series(display_names(info, lang).to_numpy(object), index=info["node_id"].to_numpy(object))
    return _list([str(names.get(i, i)) for i in nodes], lang, 4)


def headline_cards(n: Niche, e: Embedding | None = None, gm: genemap.GeneMap | None = None,
                   lang: str = "en") -> dict[str, str]:
    """Headline figures ``{label: value}`` for the top of the page and index.html."""
    cards = {t("niche.headline.zones", lang): fmt.count(len(n.zones)),
             t("niche.headline.flagged", lang): fmt.count(len(n.flagged))}
    if n.headline["max_overlap"]:
        a, b, v = n.headline["max_overlap"]
        cards[t("niche.headline.max_overlap", lang, a=a, b=b)] = fmt.number(v, 3)
    z = n.zones[~n.zones["no_output"]]
    if len(z) and z["breadth_std"].notna().any():
        narrow = z.loc[z["breadth_std"].idxmin()]
        cards[t("niche.headline.narrowest", lang)] = f"{narrow['zone']} ({fmt.number(narrow['breadth_std'], 2)})"
    if e is not None and gm is not None and len(e.top(1)):
        top = e.top(1).iloc[0]
        nodes = gm.coverage.nodes.set_index("node_id")
        name = display_names(nodes.reset_index(), lang).set_axis(nodes.index).get(top["node_id"], top["node_id"])
        cards[t("niche.headline.best_entry", lang)] = str(name)
    return cards


def findings(n: Niche, lang: str = "en", *, currency: str = "CNY") -> list[str]:
    """Plain-language findings on zone niches, in ``lang``, naming zones, groups and numbers.
    Values from data are inserted as plain text; the caller escapes the strings."""
    out: list[str] = []
    names = group_names(n, lang)
    lvl = level_label(n.level, lang)
    z = n.zones
    live = z[~z["no_output"]]
    if not len(z):
        return [t("niche.finding.no_zones", lang)]
    if len(z) == 1:
        out.append(t("niche.finding.one_zone", lang, zone=z.iloc[0]["zone"]))
    for _, row in z[z["no_output"]].iterrows():          # zones: a handful
        out.append(t("niche.finding.no_output", lang, zone=row["zone"], month=n.month or ""))
    fl = n.flagged
    if len(fl):
        for _, pr in fl.iterrows():                       # flagged pairs: a handful
            shared = pr.get("shared")
            text = t("niche.finding.flagged", lang, a=pr["zone_a"], b=pr["zone_b"], overlap=fmt.number(pr["overlap"], 3),
                     threshold=fmt.number(n.threshold, 2))
            if isinstance(shared, str):
                text += t("niche.finding.flagged_shared", lang, group=names.get(shared, shared),
                          sa=fmt.pct(pr["share_a"], 0), sb=fmt.pct(pr["share_b"], 0), a=pr["zone_a"], b=pr["zone_b"])
            adv = n.advice[(n.advice["zone_a"] == pr["zone_a"]) & (n.advice["zone_b"] == pr["zone_b"])]
            parts = []
            for zone in (pr["zone_a"], pr["zone_b"]):
                mine = adv[adv["zone"] == zone]
                if len(mine):
                    items = [t("niche.finding.advice_group", lang, group=names.get(g, g), lq=fmt.number(a, 2),
                               lq_other=fmt.number(b, 2)) for g, a, b in zip(mine["group"], mine["lq"], mine["lq_other"])]
                    parts.append(t("niche.finding.advice_zone", lang, zone=zone, groups=_list(items, lang, 3)))
            out.append(text)
            if parts:
                out.append(t("niche.finding.advice", lang, a=pr["zone_a"], b=pr["zone_b"],
                             advice=("；" if lang == "zh" else "; ").join(parts)))
            fine = pr.get("overlap_finer")
            if n.level in FINER and fine is not None and not np.isnan(fine) and fine <= n.threshold:
                out.append(t("niche.finding.finer", lang, a=pr["zone_a"], b=pr["zone_b"], finer=fmt.number(fine, 3),
                             finer_plural=t(f"niche.level_plural.{FINER[n.level]}", lang),
                             level_plural=t(f"niche.level_plural.{n.level}", lang)))
    elif len(live) > 1:
        top = n.pairs.iloc[0]
        out.append(t("niche.finding.none_flagged", lang, threshold=fmt.number(n.threshold, 2), a=top["zone_a"],
                     b=top["zone_b"], overlap=fmt.number(top["overlap"], 3)))
    distinct = n.pairs[(n.pairs["overlap"] < 0.3).to_numpy(bool)]
    if len(distinct) and len(live) > 2:
        low = distinct.iloc[-1]
        out.append(t("niche.finding.distinct", lang, a=low["zone_a"], b=low["zone_b"],
                     overlap=fmt.number(low["overlap"], 3)))
    if len(live) > 1 and live["breadth_std"].notna().any():
        wide = live.loc[live["breadth_std"].idxmax()]
        narrow = live.loc[live["breadth_std"].idxmin()]
        out.append(t("niche.finding.breadth", lang, wide=wide["zone"], wb=fmt.number(wide["breadth"], 1),
                     ws=fmt.number(wide["breadth_std"], 2), narrow=narrow["zone"], nb=fmt.number(narrow["breadth"], 1),
                     ns=fmt.number(narrow["breadth_std"], 2), n=n.output.shape[1], level=lvl,
                     top=names.get(narrow["top_group"], narrow["top_group"]), share=fmt.pct(narrow["top_share"], 0)))
    if n.unattributed > 0:
        out.append(t("niche.finding.unattributed", lang, output=fmt.money(n.unattributed, lang, currency), level=lvl))
    return out


def embedding_findings(e: Embedding, gm: genemap.GeneMap, firms: pd.DataFrame, lang: str = "en", *,
                       currency: str = "CNY") -> list[str]:
    """Plain-language findings on the embedding opportunities of one firm or profile."""
    nodes = gm.coverage.nodes
    node_names = pd.Series(display_names(nodes, lang).to_numpy(object), index=nodes["node_id"].to_numpy(object))
    out: list[str] = []
    if e.firm_id is None and not e.nodes:
        return [t("niche.finding.no_firm", lang)]
    if e.firm_id is not None:
        info = firms.set_index("firm_id").loc[e.firm_id]
        who = firm_names(firms, lang).get(e.firm_id, e.firm_id)
        zone = info.get("zone")
        out.append(t("niche.finding.embed_firm", lang, firm=who, zone=zone if isinstance(zone, str) and zone else "–",
                     output=fmt.money(info.get("output"), lang, currency),
                     nodes=_list([str(node_names.get(i, i)) for i in e.nodes], lang, 4)))
        if e.weak_profile:
            out.append(t("niche.finding.weak_profile", lang, cap=fmt.number(gm.coverage.min_capability, 2)))
    else:
        out.append(t("niche.finding.embed_profile", lang, nodes=_list([str(node_names.get(i, i)) for i in e.nodes], lang, 4)))
    top = e.top(3)
    if not len(top):
        out.append(t("niche.finding.embed_none", lang))
        return out
    first = top.iloc[0]
    rel = [str(node_names.get(r, r)) for r in first["related"]]
    out.append(t("niche.finding.embed_best", lang, node=node_names.get(first["node_id"], first["node_id"]),
                 status=t(f"genemap.status.{first['status']}", lang).lower() if lang == "en" else
                 t(f"genemap.status.{first['status']}", lang),
                 density=fmt.pct(first["density"], 0), priority=fmt.number(first["priority"], 2),
                 score=fmt.number(first["score"], 3), related=_list(rel, lang, 3) if rel else "–",
                 candidates=int(first["candidates"])))
    if len(top) > 1:
        items = [t("niche.finding.embed_item", lang, node=node_names.get(i, i), score=fmt.number(s, 3))
                 for i, s in zip(top["node_id"].iloc[1:], top["score"].iloc[1:])]
        out.append(t("niche.finding.embed_next", lang, items=_list(items, lang, 3)))
    if e.priority_source == "simple":
        out.append(t("niche.finding.embed_priority_note", lang))
    return out
