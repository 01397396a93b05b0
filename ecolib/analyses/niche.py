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

* **Weight** (``Niche.weight``): output where at least :data:`WEIGHT_COVERAGE` (90 %) of the
  active local firms with a zone report it; else employees where that many report them; else
  firm counts (each firm weighs 1). ``x_zs`` is then the zone's employees, or firms, on the
  groups (split by the same ``firm_nodes.share``); firms without the weight are left out and
  counted in ``Niche.unweighted``. Missing output is never read as 0.
* **Minimum sizes** (``thresholds.niche_min_firms``, ``thresholds.niche_min_share``): a zone
  with fewer active local firms than ``min_firms`` (but some), or with some weight but less than
  ``min_share`` of all zones' weight, takes no part in shares, LQ, overlap or breadth (a 1-firm
  zone has the breadth of its one firm and an LQ that measures nothing). Such zones are listed
  apart in ``Niche.small``; every measure below is over the zones compared.

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
  then node id). The table keeps every component, the number of own nodes related to each gap
  node (``relations``: φ > 0; a fit that rests on one relation is one link, not a broad base,
  as the gene map's ``weak_evidence``) and the own nodes closest to each gap
  node (the reasons).
* **Default firm** (:func:`default_firm`): the smallest-output active local firm that is
  not an anchor, has output > 0, and has an own node with a direct chain link to a missing
  node of strength ``φˢ ≥ min_link`` (default 0.1: at least a tenth of the strongest input
  link of the chain; the weak links of producer services to everything fall below it); if
  the park has no missing node, to any gap node; ties by firm id. With no such firm: the
  smallest-output active local non-anchor firm with a technology node. None when the park
  has no local firm with a technology node.
* **Other small firms next to the gaps** (:func:`small_firm_entries`): the best entry point of
  each of the ten smallest firms of that pool at once (:func:`best_entries`), best first.
  A firm that reports no output cannot be sized: it is left out of the pool (never taken for
  0) and counted (``Entries.unsized``), so the page can say so.

Results are numbers, ids and codes; the words and tables of the page are in
``ecolib.presentation.narrative.niche`` and ``ecolib.presentation.tables.niche``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ecolib.foundations import chain, frames
from ecolib.analyses import genemap, relatedness
from ecolib.foundations.firms import active_mask
from ecolib.contract.schema import GROUP_LEVELS as LEVELS, STAGES  # the contract's vocabulary

__all__ = [
    "LEVELS",
    "WEIGHTS", "WEIGHT_COVERAGE", "zone_weight", "weight_reported",
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
    "small_firm_pool",
    "small_firms_near_gaps",
    "default_firm",
    "embedding",
    "best_entries",
    "Entries",
    "small_firm_entries",
    "main_nodes",
    "with_threshold",
    "FINER",
    "DISTINCT_BELOW", "level_groups"]

#: The next finer level of each level (the overlap there tells rivals from a division of labour).
FINER = {"stage": "segment", "segment": "node"}
#: Overlap above which a pair of zones is flagged as homogeneous competition.
DEFAULT_THRESHOLD = 0.7
#: Overlap below which a pair of zones occupies clearly different niches (they complement each other).
DISTINCT_BELOW = 0.3
#: What a zone's portfolio is weighed by, in order of preference.
WEIGHTS = ("output", "employees", "firms")
#: The share of the active local firms (with a zone) that must report a weight for it to be used.
WEIGHT_COVERAGE = 0.9


def zone_weight(firms: pd.DataFrame, month: str | None = None) -> tuple[str, pd.DataFrame, int]:
    """What the zones' portfolios are weighed by (module docstring): output, employees or firms.

    Parameters
    ----------
    firms : DataFrame
        The firms table (firm_id, zone, local, status, exit_month, output; employees optional).
    month : str or None, default None
        ``YYYY-MM``: the firms active in it count; None: firms with status ``active``.

    Returns
    -------
    weight : str
        ``output``, ``employees`` or ``firms`` (:data:`WEIGHTS`).
    firms : DataFrame
        The firms table with ``output`` replaced by the weight (employees, or 1 per firm), so
        :func:`zone_output` sums it; unchanged for ``output``.
    unweighted : int
        Active local firms with a zone that do not report the weight (left out of the sums).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"firm_id": ["a", "b"], "zone": ["N", "N"], "local": [True, True],
    ...                   "status": ["active"] * 2, "output": [5.0, None], "employees": [10.0, 20.0]})
    >>> w, g, k = zone_weight(f)
    >>> w, g["output"].tolist(), k                       # output for 1 of 2 firms: employees instead
    ('employees', [10.0, 20.0], 0)
    >>> w, g, k = zone_weight(f.assign(employees=None))
    >>> w, g["output"].tolist(), k
    ('firms', [1.0, 1.0], 0)
    >>> zone_weight(f.assign(output=[5.0, 0.0]))[0]      # a reported 0 is a value
    'output'
    """
    live = _zoned_live(firms, month)
    n = int(live.sum())
    for col in ("output", "employees"):
        if col not in firms:
            continue
        given = pd.to_numeric(firms[col], errors="coerce").notna().to_numpy(bool)
        if n and (given & live).sum() >= WEIGHT_COVERAGE * n:
            values = pd.to_numeric(firms[col], errors="coerce").astype(np.float64)
            return col, (firms if col == "output" else firms.assign(output=values)), int((live & ~given).sum())
    return "firms", firms.assign(output=1.0), 0


def _zoned_live(firms: pd.DataFrame, month: str | None) -> np.ndarray:
    """The active local firms with a zone (the firms :func:`zone_weight` counts), as a mask."""
    act = active_mask(firms, month) if month is not None else firms["status"].eq("active")
    zone = firms["zone"].astype(object)
    return (firms["local"].fillna(True).to_numpy(bool) & act.to_numpy(bool)
            & zone.notna().to_numpy(bool) & (zone.astype(str).str.strip() != "").to_numpy(bool))


def weight_reported(firms: pd.DataFrame, month: str | None = None) -> dict:
    """How many of the firms :func:`zone_weight` counts report each possible weight.

    Says why the portfolios fall back from output (reported by nobody, or by too few).

    Parameters
    ----------
    firms : DataFrame
        The firms table (firm_id, zone, local, status, exit_month; output, employees optional).
    month : str or None, default None
        ``YYYY-MM``: the firms active in it count; None: firms with status ``active``.

    Returns
    -------
    dict
        ``firms``: active local firms with a zone (count); ``output``, ``employees``: how many
        of them report it (count; None when the table has no such column). A reported 0 counts
        as reported.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"firm_id": ["a", "b", "c"], "zone": ["N", "N", None], "local": [True] * 3,
    ...                   "status": ["active"] * 3, "output": [5.0, None, 1.0]})
    >>> weight_reported(f)                       # c has no zone: not counted
    {'firms': 2, 'output': 1, 'employees': None}
    """
    live = _zoned_live(firms, month)
    out = {"firms": int(live.sum())}
    for col in ("output", "employees"):
        out[col] = (int((pd.to_numeric(firms[col], errors="coerce").notna().to_numpy(bool) & live).sum())
                    if col in firms else None)
    return out


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
    """The groups of ``level`` in chain order, and the group of every node.

    Chain order is stage order, then ``chain_nodes`` order; columns group, name, name_zh,
    stage; and ``group_of``: node_id → group (empty for nodes above the level) as the
    attribute ``frame.attrs['group_of']``.

    Parameters
    ----------
    chain_nodes : DataFrame
        The chain tree (node_id, parent_id, name, name_zh, stage; depth and is_leaf as the
        loader adds them).
    level : {"stage", "segment", "node"}, default "segment"
        The level (:data:`LEVELS`); ``node``: the technology nodes.

    Returns
    -------
    DataFrame
        One row per group: group (node id), name, name_zh (``name`` where none is given),
        stage (code). ``attrs['group_of']``: Series node_id → group id for every chain node,
        NaN for nodes above the level (at the ``node`` level: every inner node).

    Raises
    ------
    ValueError
        For a level not in :data:`LEVELS`.

    See Also
    --------
    ecolib.foundations.chain.level_nodes : the groups.
    ecolib.foundations.chain.ancestor_at : the group of each node.
    niche : keeps this as ``n.groups`` (``ecolib.analyse(ws, month).niche.groups``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> g = level_groups(ws.tables["chain_nodes"], "segment")
    >>> g[["group", "name", "stage"]]
        group             name      stage
    0   G.MAT        Materials   upstream
    1  G.CELL  Cells and packs  midstream
    >>> g.attrs["group_of"][["S.UP", "N.CATH", "N.PACK"]].tolist()     # a stage is above the segments
    [nan, 'G.MAT', 'G.CELL']
    """
    _check_level(level)
    nodes = chain_nodes.reset_index(drop=True)
    group_of = chain.ancestor_at(nodes, level)
    rows = chain.level_nodes(nodes, level)
    name_zh = rows["name_zh"].where(rows["name_zh"].notna(), rows["name"])
    table = pd.DataFrame({"group": rows["node_id"].to_numpy(object), "name": rows["name"].to_numpy(object),
                          "name_zh": name_zh.to_numpy(object), "stage": rows["stage"].to_numpy(object)})
    table.attrs["group_of"] = pd.Series(group_of.to_numpy(object), index=nodes["node_id"].to_numpy(object))
    return table


def zone_output(firms: pd.DataFrame, firm_nodes: pd.DataFrame, chain_nodes: pd.DataFrame, *,
                month: str | None = None, level: str = "segment") -> pd.DataFrame:
    """Zone × group output ``x_zs`` (currency/year) of active local firms (module docstring).

    Index ``zone`` (every zone with a local firm, sorted), columns the groups of ``level`` in
    chain order. ``frame.attrs['unattributed']`` holds the output on nodes above the level.

    Parameters
    ----------
    firms : DataFrame
        The firms table: firm_id, zone, local, status, exit_month, output (currency per year).
    firm_nodes : DataFrame
        Firm × node rows: firm_id, node_id, share (of the firm's output on the node, 0–1).
    chain_nodes : DataFrame
        The chain tree as loaded (node_id, parent_id, name, name_zh, stage, depth, is_leaf).
    month : str or None, default None
        ``YYYY-MM``: the firms active in it count; None: firms with status ``active``.
    level : {"segment", "stage", "node"}, default "segment"
        The groups (:data:`LEVELS`).

    Returns
    -------
    DataFrame
        Zone × group output Σ output × share, currency per year (0 where a zone has none;
        a zone whose firms all left is a row of 0). ``attrs['unattributed']``: output on
        nodes above the level, currency per year (float).

    Raises
    ------
    ValueError
        For a level not in :data:`LEVELS`.

    See Also
    --------
    ecolib.analyses.genemap.zone_node_matrix : the zone × node matrix summed here.
    level_groups : the groups and each node's group.
    niche : this with shares, LQ, overlap and breadth (``ecolib.analyse(ws, month).niche.output``).

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

    Parameters
    ----------
    x : DataFrame
        Zone × group output, currency per year (:func:`zone_output`).

    Returns
    -------
    DataFrame
        Same index and columns: each zone's share of its output per group, in [0, 1]; a row
        of NaN for a zone with no output.

    See Also
    --------
    zone_output : builds ``x``.
    niche : ``n.shares`` (``ecolib.analyse(ws, month).niche.shares``).

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
    """Location quotient ``LQ_zs = (x_zs / x_z) / (x_s / x)``; NaN where the zone or the group has no output.

    Parameters
    ----------
    x : DataFrame
        Zone × group output, currency per year (:func:`zone_output`).

    Returns
    -------
    DataFrame
        Same index and columns: LQ ≥ 0 (unitless; > 1: the zone is more specialised in the
        group than the region), NaN where the zone or the group has no output.

    See Also
    --------
    zone_output : builds ``x``.
    niche : ``n.lq`` (``ecolib.analyse(ws, month).niche.lq``).
    differentiation : advice from the LQ.

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
    """Pianka overlap of every pair of rows of ``p``.

    ``p`` holds shares, or any non-negative profile: the measure is scale-free. Symmetric zone
    × zone frame, diagonal 1, NaN for an all-zero or NaN row.

    Parameters
    ----------
    p : DataFrame
        Zone × group shares (:func:`shares`) or any non-negative profile; NaN counts as 0.

    Returns
    -------
    DataFrame
        Zone × zone overlap in [0, 1] (index and columns the index of ``p``), diagonal 1,
        NaN in the rows and columns of a zone whose profile is all 0 or NaN.

    See Also
    --------
    shares : builds ``p`` from :func:`zone_output`.
    overlap_pairs : the pairs, flagged.
    niche : ``n.overlap`` (``ecolib.analyse(ws, month).niche.overlap``).

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
    """Levins breadth per row of shares ``p``, raw and standardised.

    ``breadth = 1 / Σ p²`` and ``breadth_std = (breadth − 1) / (n − 1)`` with ``n`` the
    number of groups (default: the columns of p). NaN for a row without shares;
    ``breadth_std`` NaN when n ≤ 1.

    Parameters
    ----------
    p : DataFrame
        Zone × group shares (:func:`shares`).
    n : int, optional
        Number of groups of the level (the niche space on offer); None: the columns of ``p``.

    Returns
    -------
    DataFrame
        Index of ``p``; columns breadth (in [1, n], unitless) and breadth_std (in [0, 1]).

    See Also
    --------
    shares : builds ``p``.
    niche : ``n.zones`` carries both (``ecolib.analyse(ws, month).niche.zones``).

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
    """Every pair of zones with its overlap and whether it is flagged (``overlap > threshold``).

    Zone a comes before zone b in the overlap's order; highest overlap first (NaN last). With
    shares ``p``: also the group contributing most to the overlap (``shared``), its
    contribution and each zone's share of it (``share_a``, ``share_b``).

    Parameters
    ----------
    overlap : DataFrame
        Zone × zone Pianka overlap (:func:`pianka`).
    p : DataFrame, optional
        Zone × group shares (:func:`shares`) the overlap was computed from.
    threshold : float, default 0.7
        A pair is flagged when its overlap is strictly above this, in [0, 1]
        (:data:`DEFAULT_THRESHOLD`, ``thresholds.niche_overlap`` of workspace.yaml).

    Returns
    -------
    DataFrame
        One row per pair, sorted by overlap (descending, NaN last), then zone_a, zone_b:
        zone_a, zone_b, overlap (in [0, 1], NaN when a zone has no output), flagged (bool);
        with ``p`` also shared (group id, None when the two share nothing),
        shared_contribution (that group's part of the overlap, in [0, 1]), share_a, share_b
        (each zone's share of its output in that group, in [0, 1]; NaN when nothing is
        shared).

    Raises
    ------
    ValueError
        If ``threshold`` is not in [0, 1].

    See Also
    --------
    pianka : builds ``overlap``.
    shares : builds ``p``.
    differentiation : advice for the flagged pairs.
    niche : ``n.pairs`` (``ecolib.analyse(ws, month).niche.pairs``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> t = ws.tables
    >>> p = shares(zone_output(t["firms"], t["firm_nodes"], t["chain_nodes"], month="2026-03"))
    >>> pairs = overlap_pairs(pianka(p), p, threshold=0.4)
    >>> pairs[["zone_a", "zone_b", "overlap", "flagged", "shared", "share_a", "share_b"]].round(3)
      zone_a zone_b  overlap  flagged  shared  share_a  share_b
    0  North  South    0.447     True  G.CELL    0.333      1.0
    """
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

    Parameters
    ----------
    lq : DataFrame
        Zone × group location quotients (:func:`location_quotient`); NaN counts as 0.
    p : DataFrame
        Zone × group shares (:func:`shares`).
    pairs : DataFrame
        Zone pairs (:func:`overlap_pairs`); only the rows with ``flagged`` true are advised.
    top : int, default 3
        Groups advised per zone at most.
    min_share : float, default 0.01
        Share of a zone's own output (in [0, 1]) a group needs to be advised.

    Returns
    -------
    DataFrame
        The columns above, for each flagged pair in the order of ``pairs``, zone_a's advice
        then zone_b's, by rank: lq, lq_other (unitless, 0 where a zone has no output in the
        group), advantage (> 0), share, share_other (shares of each zone's output, in
        [0, 1]). No row (same columns) when nothing is flagged.

    See Also
    --------
    location_quotient, shares, overlap_pairs : build the inputs.
    niche : ``n.advice`` (``ecolib.analyse(ws, month).niche.advice``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> t = ws.tables
    >>> x = zone_output(t["firms"], t["firm_nodes"], t["chain_nodes"], month="2026-03")
    >>> p = shares(x)
    >>> pairs = overlap_pairs(pianka(p), p, threshold=0.4)       # flag North–South (0.447)
    >>> differentiation(location_quotient(x), p, pairs)[["zone", "rank", "group", "lq", "lq_other", "share"]].round(3)
        zone  rank   group     lq  lq_other  share
    0  North     1   G.MAT  4.333     0.000  0.667
    1  South     1  G.CELL  1.182     0.394  1.000
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

    Built by :func:`niche`; :func:`with_threshold` re-flags it at another threshold.

    Attributes
    ----------
    month : str or None
        The month (``YYYY-MM``); None: firms with status ``active``.
    level : str
        The level of the groups: ``stage``, ``segment`` or ``node``.
    threshold : float
        The overlap above which a pair is flagged, in [0, 1].
    output : DataFrame
        Zone × group output x_zs, currency per year (:func:`zone_output`).
    shares : DataFrame
        Zone × group shares p_zs, in [0, 1] (:func:`shares`).
    lq : DataFrame
        Zone × group location quotients, unitless (:func:`location_quotient`).
    overlap : DataFrame
        Zone × zone Pianka overlap, in [0, 1] (:func:`pianka`).
    zones : DataFrame
        One row per zone: zone, zone_zh (its Chinese name, ``firms.zone_zh``; the zone
        where none is given), firms (active local firms, count), output (currency per
        year), groups (groups with output, count), breadth (Levins, in [1, n]), breadth_std
        (in [0, 1]), top_group (the group with the largest share; None without output),
        top_share (its share, in [0, 1]; NaN without output), no_output (bool).
    pairs : DataFrame
        :func:`overlap_pairs` with the shares, plus overlap_finer (:func:`with_finer`).
    advice : DataFrame
        :func:`differentiation` of the flagged pairs.
    groups : DataFrame
        The level's groups (group, name, name_zh, stage) in chain order (:func:`level_groups`).
    unattributed : float
        Output on nodes above the level (left out), currency per year.
    headline : dict
        Numbers for summary.json: month, level, threshold, zones (count),
        zones_without_output, groups (count), flagged_pairs ([zone_a, zone_b, overlap] each),
        max_overlap ([zone_a, zone_b, overlap] of the first pair, or None), breadth_std
        (zone → value or None), unattributed_output (currency per year).
    finer_overlap : DataFrame or None
        The Pianka overlap at the next finer level (:data:`FINER`; None at the node level);
        ``pairs.overlap_finer`` carries it per pair. A pair that overlaps in segments but not
        in technology nodes makes different things within the same segments.
    finer_output : DataFrame or None
        Zone × group output at the next finer level (:func:`zone_output`; None at the node
        level), currency per year.
    finer_groups : DataFrame or None
        The groups of the next finer level (:func:`level_groups`: group, name, name_zh,
        stage) with ``parent``, the group at this level each belongs to; None at the node level.
    weight : str
        What the portfolios are weighed by: ``output``, ``employees`` or ``firms``
        (:func:`zone_weight`); ``output`` and the other columns named after output then hold it.
    unweighted : int
        Active local firms with a zone left out for not reporting the weight.
    reported : dict
        :func:`weight_reported`: the active local firms with a zone (``firms``) and how many of
        them report ``output`` and ``employees`` (None: no such column), counts; why the weight
        is what it is.
    small : DataFrame
        The zones too small to compare (module docstring, minimum sizes): zone, zone_zh, firms,
        output (their weight), share (of all zones' weight), reason (``firms``: fewer active
        local firms than the minimum; ``share``: too small a share). Not in the other frames.

    See Also
    --------
    niche : builds it.
    ecolib.analyses.month.MonthModel.niche : ``ecolib.analyse(ws, month).niche``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> n = niche(ws.tables, "2026-03")
    >>> n.level, n.threshold, n.groups["group"].tolist(), n.unattributed
    ('segment', 0.7, ['G.MAT', 'G.CELL'], 0.0)
    >>> n.headline["max_overlap"], len(n.flagged)
    (['North', 'South', 0.447214], 0)
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
    finer_output: pd.DataFrame | None = None
    finer_groups: pd.DataFrame | None = None
    weight: str = "output"
    unweighted: int = 0
    reported: dict = field(default_factory=dict)
    small: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["zone", "zone_zh", "firms", "output", "share", "reason"]))

    @property
    def flagged(self) -> pd.DataFrame:
        """The flagged rows of :attr:`pairs` (overlap > threshold), highest overlap first."""
        return self.pairs[self.pairs["flagged"].to_numpy(bool)].reset_index(drop=True)


def niche(tables: Mapping[str, pd.DataFrame], month: str | None, *, level: str = "segment",
          threshold: float = DEFAULT_THRESHOLD, top: int = 3, min_share: float = 0.01,
          min_firms: int = 1, min_zone_share: float = 0.0) -> Niche:
    """Zone portfolios, LQ, Pianka overlap, Levins breadth, flagged pairs and differentiation advice.

    From the workspace tables (``chain_nodes``, ``firms``, ``firm_nodes``); definitions in the
    module docstring.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables (``ws.tables``): firms, firm_nodes, chain_nodes.
    month : str or None
        ``YYYY-MM``: the firms active in it count; None: firms with status ``active``.
    level : {"segment", "stage", "node"}, default "segment"
        The groups zones are compared on (:data:`LEVELS`).
    threshold : float, default 0.7
        Overlap above which a pair is flagged, in [0, 1] (``thresholds.niche_overlap``).
    top : int, default 3
        Groups advised per zone of a flagged pair (:func:`differentiation`).
    min_share : float, default 0.01
        Share of a zone's output (in [0, 1]) a group needs to be advised.
    min_firms : int, default 1
        Active local firms a zone needs to be compared (``thresholds.niche_min_firms``; the
        month model passes the workspace's, default 5).
    min_zone_share : float, default 0.0
        Share of all zones' weight (in [0, 1]) a zone with some weight needs to be compared
        (``thresholds.niche_min_share``).

    Returns
    -------
    Niche
        output, shares, lq, overlap, zones, pairs, advice, groups, unattributed, headline,
        finer_overlap; columns and units in :class:`Niche`.

    Raises
    ------
    ValueError
        For a level not in :data:`LEVELS` or a threshold not in [0, 1].

    See Also
    --------
    ecolib.analyses.month.MonthModel.niche : ``ecolib.analyse(ws, month).niche`` builds this
        with the workspace's threshold (level ``niche_level``).
    zone_output, shares, location_quotient, pianka, levins, overlap_pairs, differentiation :
        the parts.
    with_threshold : the same portfolios at another threshold.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> n = niche(ws.tables, "2026-03")
    >>> n.zones[["zone", "firms", "output", "breadth_std", "top_group", "top_share"]].round(3)
        zone  firms  output  breadth_std top_group  top_share
    0  North      2   300.0          0.8     G.MAT      0.667
    1  South      1  1000.0          0.0    G.CELL      1.000
    >>> n.pairs[["zone_a", "zone_b", "overlap", "flagged", "shared", "overlap_finer"]].round(3)
      zone_a zone_b  overlap  flagged  shared  overlap_finer
    0  North  South    0.447    False  G.CELL          0.577
    """
    _check_level(level)
    threshold = _check_threshold(threshold)
    chain_nodes = tables["chain_nodes"]
    weight, firms, unweighted = zone_weight(tables["firms"], month)
    x = zone_output(firms, tables["firm_nodes"], chain_nodes, month=month, level=level)
    act = active_mask(firms, month) if month is not None else firms["status"].eq("active")
    live = firms[firms["local"].fillna(True).to_numpy(bool) & act.to_numpy(bool)]
    n_firms = live.groupby(live["zone"].astype(object).where(live["zone"].notna(), ""))["firm_id"].nunique()
    counts = n_firms.reindex(x.index).fillna(0).astype(np.int64)
    size = x.sum(axis=1)
    grand = float(size.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        part = size / grand if grand > 0 else size * np.nan
    few = ((counts > 0) & (counts < int(min_firms))).to_numpy(bool)   # a zone without active firm: no output
    slight = ((size > 0) & (part < float(min_zone_share))).to_numpy(bool) & ~few
    zone_zh_all = _zone_names_zh(firms).reindex(x.index)
    small = pd.DataFrame({
        "zone": x.index.to_numpy(object)[few | slight],
        "zone_zh": zone_zh_all.where(zone_zh_all.notna(), pd.Series(x.index, index=x.index)).to_numpy(object)[few | slight],
        "firms": counts.to_numpy(np.int64)[few | slight],
        "output": size.to_numpy(np.float64)[few | slight],
        "share": part.to_numpy(np.float64)[few | slight],
        "reason": np.where(few, "firms", "share")[few | slight].astype(object),
    })
    x = x.loc[~(few | slight)]
    p = shares(x)
    lq = location_quotient(x)
    o = pianka(p)
    b = levins(p)
    finer, xf, finer_groups = None, None, None
    groups = level_groups(chain_nodes, level)
    if level in FINER:
        xf = zone_output(firms, tables["firm_nodes"], chain_nodes, month=month, level=FINER[level]).loc[x.index]
        finer = pianka(shares(xf))
        finer_groups = level_groups(chain_nodes, FINER[level])
        finer_groups = finer_groups.assign(
            parent=groups.attrs["group_of"].reindex(finer_groups["group"]).to_numpy(object))
    pairs = with_finer(overlap_pairs(o, p, threshold=threshold), finer, xf, _parents(finer_groups))
    advice = differentiation(lq, p, pairs, top=top, min_share=min_share)
    tot = x.sum(axis=1)
    a = p.to_numpy(np.float64)
    has_out = (tot > 0).to_numpy()
    k = np.argmax(np.nan_to_num(a, nan=-1.0), axis=1) if a.shape[1] else np.zeros(len(x), int)
    top_group = np.where(has_out, x.columns.to_numpy(object)[k] if a.shape[1] else None, None)
    zone_zh = _zone_names_zh(firms).reindex(x.index)
    zones = pd.DataFrame({
        "zone": x.index.to_numpy(object),
        "zone_zh": zone_zh.where(zone_zh.notna(), pd.Series(x.index, index=x.index)).to_numpy(object),
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
        "weight": weight,
        "zones_too_small": small["zone"].tolist(),
        "min_firms": int(min_firms),
        "min_zone_share": float(min_zone_share),
        # pairs were compared only with two zones that have a weight: else not evaluated (None), never 0
        "pairs_compared": int(np.isfinite(pairs["overlap"].to_numpy(np.float64)).sum()) if len(pairs) else 0,
    }
    if not headline["pairs_compared"]:
        headline["flagged_pairs"] = None
    return Niche(month, level, threshold, x, p, lq, o, zones, pairs, advice, groups,
                 float(x.attrs.get("unattributed", 0.0)), headline, finer, xf, finer_groups,
                 weight=weight, unweighted=unweighted, reported=weight_reported(tables["firms"], month), small=small)


def _parents(finer_groups: pd.DataFrame | None) -> pd.Series | None:
    """Finer group → its group at the level compared (from :attr:`Niche.finer_groups`)."""
    return None if finer_groups is None else pd.Series(finer_groups["parent"].to_numpy(object),
                                                       index=finer_groups["group"].to_numpy(object))


def _zone_names_zh(firms: pd.DataFrame) -> pd.Series:
    """Zone → its Chinese name (``firms.zone_zh``; the zone itself where none is given)."""
    zone = firms["zone"].astype(object)
    zh = firms["zone_zh"].astype(object) if "zone_zh" in firms else zone
    blank = zh.isna() | (zh.astype(str).str.strip() == "")
    frame = pd.DataFrame({"zone": zone, "zh": zh.where(~blank, zone)})[zone.notna().to_numpy()]
    return frame.drop_duplicates("zone").set_index("zone")["zh"]


def with_finer(pairs: pd.DataFrame, finer: pd.DataFrame | None, finer_output: pd.DataFrame | None = None,
               parent: pd.Series | None = None) -> pd.DataFrame:
    """``pairs`` with ``overlap_finer`` (each pair's overlap in ``finer``, NaN without) and,
    given the finer output, what each zone makes inside the group they share most.

    The two levels answer different questions: the overlap at the level compared says whether
    two zones court the same industries (investors, land, support); the finer overlap says
    whether their firms make the same products. Inside the ``shared`` group, ``finer_a`` is
    zone a's largest finer group and ``finer_share_a`` its share of zone a's output in the
    shared group (likewise for b): "both in vehicle assembly, one making buses, the other cars".

    Parameters
    ----------
    pairs : DataFrame
        Zone pairs (:func:`overlap_pairs`: zone_a, zone_b, and shared when made with shares).
    finer : DataFrame or None
        Zone × zone Pianka overlap at the next finer level (:data:`FINER`), or None.
    finer_output : DataFrame, optional
        Zone × group output at the finer level (:func:`zone_output`), currency per year.
    parent : Series, optional
        Each column of ``finer_output`` → its group at the level of ``pairs`` (NaN above it).

    Returns
    -------
    DataFrame
        A copy of ``pairs`` with overlap_finer (in [0, 1]; NaN when ``finer`` is None or lacks
        one of the zones); finer_a, finer_b (finer group id, None when the zone has no output
        in the shared group or nothing is shared) and finer_share_a, finer_share_b (in
        [0, 1], NaN likewise).

    See Also
    --------
    pianka : builds ``finer`` (on the shares of :func:`zone_output` at the finer level).
    overlap_pairs : builds ``pairs``.
    niche : ``n.pairs`` carries the columns (``ecolib.analyse(ws, month).niche.pairs``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> t = ws.tables
    >>> def output_at(level):
    ...     return zone_output(t["firms"], t["firm_nodes"], t["chain_nodes"], month="2026-03", level=level)
    >>> x, xf = output_at("segment"), output_at("node")
    >>> pairs = overlap_pairs(pianka(shares(x)), shares(x))
    >>> parent = level_groups(t["chain_nodes"], "segment").attrs["group_of"].reindex(xf.columns)
    >>> out = with_finer(pairs, pianka(shares(xf)), xf, parent)    # North: 1/3 on each of three nodes
    >>> out[["zone_a", "zone_b", "overlap", "overlap_finer", "shared", "finer_a", "finer_share_a", "finer_b"]].round(3)
      zone_a zone_b  overlap  overlap_finer  shared finer_a  finer_share_a finer_b
    0  North  South    0.447          0.577  G.CELL  N.CELL            1.0  N.CELL
    """
    n = len(pairs)
    out = pairs.assign(overlap_finer=np.nan, finer_a=np.full(n, None, dtype=object),
                       finer_b=np.full(n, None, dtype=object), finer_share_a=np.nan, finer_share_b=np.nan)
    if finer is None or not n:
        return out
    idx = pd.Index(finer.index)
    i, j = idx.get_indexer(pairs["zone_a"]), idx.get_indexer(pairs["zone_b"])
    f = finer.to_numpy(np.float64)
    ok = (i >= 0) & (j >= 0)
    out["overlap_finer"] = np.where(ok, f[np.maximum(i, 0), np.maximum(j, 0)], np.nan)
    if finer_output is None or parent is None or "shared" not in pairs or not finer_output.shape[1]:
        return out
    cols = finer_output.columns.to_numpy(object)
    par = parent.reindex(finer_output.columns).to_numpy(object)
    inside = par[None, :] == pairs["shared"].to_numpy(object)[:, None]          # pairs × finer groups
    zidx = pd.Index(finer_output.index)
    xo = finer_output.to_numpy(np.float64)
    for side, zcol in (("a", "zone_a"), ("b", "zone_b")):
        r = zidx.get_indexer(pairs[zcol])
        vals = np.where(inside & (r >= 0)[:, None], xo[np.maximum(r, 0)], 0.0)
        total = vals.sum(axis=1)
        k = vals.argmax(axis=1)
        has = total > 0
        out[f"finer_{side}"] = np.where(has, cols[k], None)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"finer_share_{side}"] = np.where(has, vals[np.arange(n), k] / total, np.nan)
    return out


def with_threshold(n: Niche, threshold: float) -> Niche:
    """The same zone portfolios flagged at another overlap threshold.

    Pairs re-flagged and advice redone (default ``top`` and ``min_share`` of :func:`niche`),
    nothing else recomputed.

    Parameters
    ----------
    n : Niche
        A result of :func:`niche`.
    threshold : float
        The overlap above which a pair is flagged, in [0, 1].

    Returns
    -------
    Niche
        ``n`` with ``threshold``, ``pairs``, ``advice`` and the headline's ``threshold`` and
        ``flagged_pairs`` for the new threshold; the portfolios are the same objects.

    Raises
    ------
    ValueError
        If ``threshold`` is not in [0, 1].

    See Also
    --------
    niche : builds ``n``.
    ecolib.analyses.month.MonthModel.niche : ``ecolib.analyse(ws, month).niche`` builds it too.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> n = niche(tiny().tables, "2026-03")              # North–South overlap 0.447 < 0.7
    >>> len(n.flagged), len(with_threshold(n, 0.4).flagged)
    (0, 1)
    """
    threshold = _check_threshold(threshold)
    pairs = with_finer(overlap_pairs(n.overlap, n.shares, threshold=threshold), n.finer_overlap, n.finer_output,
                       _parents(n.finer_groups))
    advice = differentiation(n.lq, n.shares, pairs)
    flagged = pairs[pairs["flagged"].to_numpy(bool)]
    headline = {**n.headline, "threshold": threshold,
                "flagged_pairs": [[a_, b_, round(float(v), 6)] for a_, b_, v in
                                  zip(flagged["zone_a"], flagged["zone_b"], flagged["overlap"])]}
    if not n.headline.get("pairs_compared", 1):     # no pair could be compared: not evaluated, not 0
        headline["flagged_pairs"] = None
    return replace(n, threshold=threshold, pairs=pairs, advice=advice, headline=headline)


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
    """The simple gap priority: ``fragility × importance`` for every gap node.

    Gap nodes have status missing, single or thin; fragility from
    :data:`ecolib.analyses.genemap.FRAGILITY` (1 missing, 0.6 single, 0.3 thin), importance =
    node weight / the largest technology-node weight (0 when every weight is 0). Columns
    node_id, status, fragility, importance, priority.

    Parameters
    ----------
    cov : Coverage
        Node coverage (:func:`ecolib.analyses.genemap.coverage`): status and weight per node.

    Returns
    -------
    DataFrame
        One row per gap node, in the order of ``cov.nodes`` (chain order): node_id, status,
        fragility, importance, priority (each in [0, 1]); ``attrs['source']`` is
        ``"simple"``.

    See Also
    --------
    ecolib.analyses.genemap.gene_map : builds the coverage (``gm.coverage``; also
        ``ecolib.analyse(ws, month).gene_map.coverage``).
    gap_priority : this or the gap analysis's priority.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> ws = tiny()
    >>> simple_priority(gene_map(ws.tables, "2026-03").coverage)     # lithium weighs 2, the others 1
      node_id   status  fragility  importance  priority
    0    N.LI   single        0.6         1.0      0.60
    1  N.CATH   single        0.6         0.5      0.30
    2  N.CELL     thin        0.3         0.5      0.15
    3  N.PACK  missing        1.0         0.5      0.50
    """
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

    Parameters
    ----------
    cov : Coverage
        Node coverage (:func:`ecolib.analyses.genemap.coverage`).
    gm : GeneMap, optional
        The gene map of the same month (its feasibility), needed for the gap analysis.
    tables : mapping of str to DataFrame, optional
        The workspace tables (chain_nodes; chain_edges and candidates when present), needed
        for the gap analysis.
    weights : mapping, optional
        ``priority_weights`` of workspace.yaml (importance, demand, feasibility, fragility);
        None: the gap analysis's defaults.
    source : {"auto", "gaps", "simple"}, default "auto"
        Where the priority comes from (:data:`PRIORITY_SOURCES`). With ``"auto"``, a gap
        analysis whose interface changed (TypeError, KeyError, AttributeError) falls back
        to :func:`simple_priority`.

    Returns
    -------
    DataFrame
        One row per gap node: node_id, status, fragility, importance, (demand,
        feasibility,) priority, each in [0, 1]. From the gap analysis highest score first
        (priority is its ``score``), else in chain order.

    Raises
    ------
    ValueError
        For an unknown ``source``, or ``source="gaps"`` without the gap analysis, ``gm`` or
        ``tables``.

    See Also
    --------
    ecolib.analyses.gaps.gap_priority : the gap analysis's priority.
    simple_priority : the stand-in.
    ecolib.analyses.genemap.gene_map : builds ``gm`` and ``cov`` (``gm.coverage``; also
        ``ecolib.analyse(ws, month).gene_map``).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> prio = gap_priority(gm.coverage, gm=gm, tables=ws.tables)
    >>> prio.attrs["source"], prio[["node_id", "demand", "feasibility", "priority"]].round(3).values.tolist()
    ('gaps', [['N.LI', 0.826, 1.0, 0.868], ['N.CATH', 1.0, 1.0, 0.77], ['N.PACK', 0.0, 1.0, 0.55], ['N.CELL', 0.0, 0.5, 0.31]])
    >>> gap_priority(gm.coverage).attrs["source"]          # no gene map, no tables: the simple one
    'simple'
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
    """A firm's own technology nodes (capability ≥ ``min_capability``), and whether the profile is weak.

    A weak profile has no such node: all the firm's technology nodes are used instead.

    Parameters
    ----------
    firm_nodes : DataFrame
        Firm × node rows: firm_id, node_id, capability (in (0, 1]).
    firm_id : str
        The firm.
    leaves : iterable of str
        The technology node ids (rows on other nodes are ignored).
    min_capability : float, default 0.3
        Capability that makes a node the firm's own.

    Returns
    -------
    nodes : list of str
        The own nodes, in ``firm_nodes`` order, each once (empty for a firm without a row on
        a technology node).
    weak : bool
        True when the firm has technology-node rows but none reaches ``min_capability``.

    See Also
    --------
    embedding : ranks the gap nodes for these nodes.
    ecolib.analyses.genemap.gene_map : ``gm.coverage.nodes["node_id"]`` are the leaves.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> leaves = ["N.LI", "N.CATH", "N.CELL", "N.PACK"]
    >>> own_nodes(ws.tables["firm_nodes"], "F2", leaves)
    (['N.CATH', 'N.CELL'], False)
    >>> own_nodes(ws.tables["firm_nodes"], "F2", leaves, min_capability=0.9)    # 0.8 and 0.4: weak
    (['N.CATH', 'N.CELL'], True)
    """
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
    """The firms a small firm's embedding can be asked for, smallest first.

    Active local firms with at least one ``firm_nodes`` row, smallest annual output first
    (then firm id; output not reported last, never taken for 0), at most ``limit``;
    ``include`` is always in (first if added).

    Parameters
    ----------
    firms : DataFrame
        The firms table: firm_id, local, status, exit_month, output (currency per year).
    firm_nodes : DataFrame
        Firm × node rows (firm_id); a firm needs one to be in the pool.
    month : str or None
        ``YYYY-MM``: the firms active in it count; None: firms with status ``active``.
    include : str, optional
        A firm id always in the result: added first (whatever its status) when the rule
        does not pick it.
    limit : int, default 2000
        Firms at most (before ``include`` is added).

    Returns
    -------
    DataFrame
        Rows of ``firms`` (same columns and index), in that order.

    See Also
    --------
    embedding : the opportunities of one of these firms.
    small_firms_near_gaps : the smallest firms next to a gap.

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
    """The ``n`` smallest active local firms next to a gap, smallest first.

    Active local non-anchor firms with output > 0 whose own nodes (capability ≥ the gene
    map's ``min_capability``) have a direct chain link (φˢ ≥ ``min_link``) to a missing node
    (to a gap node when none is missing), smallest output first: firm_id, output. The pool
    :func:`default_firm` picks from.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables: firms (firm_id, local, anchor, status, exit_month, output)
        and firm_nodes.
    month : str or None
        ``YYYY-MM``: the firms active in it count; None: firms with status ``active``.
    gm : GeneMap
        The gene map of the same month: node status and ``space.chain_proximity`` (the
        combined φ when the map has no chain proximity).
    n : int, default 10
        Firms at most.
    min_link : float, default 0.1
        Chain link strength φˢ (in [0, 1]) that counts as "next to a gap".

    Returns
    -------
    DataFrame
        firm_id, output (currency per year, > 0), sorted by output then firm_id; a fresh
        index. No row when no firm qualifies or the park has no gap node.
        ``attrs['unsized']``: the firms that qualify but report no output (count): they cannot
        be sized, so they are left out (never taken for 0).

    See Also
    --------
    ecolib.analyses.genemap.gene_map : builds ``gm`` (also ``ecolib.analyse(ws, month).gene_map``).
    small_firm_entries : the best entry point of each of these firms.
    default_firm : the first of them.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> ws = tiny()
    >>> small_firms_near_gaps(ws.tables, "2026-03", gene_map(ws.tables, "2026-03"))   # F2's cells feed packs
      firm_id  output
    0      F2   200.0
    """
    firms, fn = tables["firms"], tables["firm_nodes"]
    nodes = gm.coverage.nodes
    status = nodes.set_index("node_id")["status"]
    targets = status.index[(status == "missing").to_numpy()]
    if not len(targets):
        targets = status.index[status.isin(genemap.GAP_STATUSES).to_numpy()]
    phi_s = gm.space.chain_proximity if gm.space.chain_proximity is not None else gm.space.proximity
    if not len(targets):
        empty = pd.DataFrame({"firm_id": [], "output": []})
        empty.attrs["unsized"] = 0
        return empty
    near = phi_s.reindex(index=status.index, columns=targets).fillna(0.0).max(axis=1) >= min_link
    near_nodes = near.index[near.to_numpy()].difference(targets)
    anchor = firms["anchor"].fillna(False).to_numpy(bool) if "anchor" in firms else np.zeros(len(firms), bool)
    pool = firms[_live_local(firms, month) & ~anchor]
    ok = fn[frames.isin(fn["firm_id"], pool["firm_id"]) & frames.isin(fn["node_id"], near_nodes)
            & (fn["capability"].to_numpy(np.float64) >= gm.coverage.min_capability)]
    out = pool[frames.isin(pool["firm_id"], ok["firm_id"])][["firm_id", "output"]].drop_duplicates("firm_id")
    out["output"] = pd.to_numeric(out["output"], errors="coerce")
    unsized = int(out["output"].isna().sum())                 # cannot be sized: left out, never taken for 0
    out = out[(out["output"] > 0).to_numpy(bool)].sort_values(["output", "firm_id"], kind="stable").head(n)
    out = out.reset_index(drop=True)
    out.attrs["unsized"] = unsized
    return out


def default_firm(tables: Mapping[str, pd.DataFrame], month: str | None, *, gm: genemap.GeneMap | None = None,
                 min_link: float = 0.1, min_capability: float = 0.3) -> str | None:
    """The firm the embedding section looks at by default (rule in the module docstring).

    The first firm of :func:`small_firms_near_gaps`; without one, the smallest-output active
    local non-anchor firm with a ``firm_nodes`` row on a technology node (firms with output
    ≤ 0 or not reported last, ties by firm id).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables (firms, firm_nodes, chain_nodes; chain_edges and candidates
        when present, for a gene map built here).
    month : str or None
        ``YYYY-MM``: the firms active in it count; None: firms with status ``active``.
    gm : GeneMap, optional
        The gene map of the same month (None: built here).
    min_link : float, default 0.1
        Chain link strength φˢ that counts as "next to a gap".
    min_capability : float, default 0.3
        Capability threshold of the gene map built when ``gm`` is None.

    Returns
    -------
    str or None
        The firm id; None when the park has no active local non-anchor firm with a
        technology node.

    See Also
    --------
    ecolib.analyses.genemap.gene_map : builds ``gm`` (also ``ecolib.analyse(ws, month).gene_map``).
    small_firms_near_gaps : the pool of the first rule.
    embedding : uses this firm when given neither a firm nor nodes.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> default_firm(ws.tables, "2026-03")
    'F2'
    """
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

    Built by :func:`embedding`.

    Attributes
    ----------
    month : str or None
        The month (``YYYY-MM``); None: firms with status ``active``.
    firm_id : str or None
        The firm (None for a profile given as nodes, or when no default firm was found).
    nodes : list of str
        The own nodes used (technology node ids).
    weak_profile : bool
        The firm has no node with capability ≥ min_capability (all its nodes used).
    table : DataFrame
        Gap nodes (not the own nodes) ranked by score: rank (1 = best), node_id, name,
        name_zh, segment_id, stage, status, core (bool), weight (importance,
        ``chain_nodes.weight``, unitless), firms (qualifying local firms on the node,
        count), candidates (count), density (share of the node's relatedness on the own
        nodes), relations (own nodes related to the node, φ > 0, count: the fit rests on
        that many relations), fragility, importance, priority, score (= density × priority),
        each of these five in [0, 1]; related (tuple of the own nodes closest to the gap node, up to
        ``related`` of :func:`embedding`, φ > 0), related_proximity (tuple of their φ).
    priority_source : str
        Where the gap priority comes from: "gaps" (the gap analysis) or "simple"
        (:func:`simple_priority`).
    headline : dict
        Numbers for summary.json: firm_id, nodes, weak_profile, priority_source,
        opportunities (gap nodes with score > 0), top ([node_id, score] of up to five best,
        score rounded to 6 places).
    gene_map : GeneMap or None
        The gene map the opportunities were ranked on (node names, segments, the
        relatedness behind the reasons).

    See Also
    --------
    embedding : builds it.
    ecolib.analyses.month.MonthModel.embedding : ``ecolib.analyse(ws, month).embedding``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> e = embedding(ws.tables, "2026-03")                 # the default firm
    >>> e.firm_id, e.nodes, e.weak_profile, e.priority_source
    ('F2', ['N.CATH', 'N.CELL'], False, 'gaps')
    >>> e.headline["top"]
    [['N.LI', 0.86793], ['N.PACK', 0.55]]
    """

    month: str | None
    firm_id: str | None
    nodes: list[str]
    weak_profile: bool
    table: pd.DataFrame
    priority_source: str = "simple"
    headline: dict = field(default_factory=dict)
    gene_map: genemap.GeneMap | None = field(default=None, repr=False)

    def top(self, n: int = 10, *, positive: bool = True) -> pd.DataFrame:
        """The first ``n`` rows of :attr:`table` (only those with score > 0 when ``positive``), a fresh index."""
        t_ = self.table[self.table["score"] > 0] if positive else self.table
        return t_.head(n).reset_index(drop=True)


def embedding(tables: Mapping[str, pd.DataFrame], month: str | None, *, firm_id: str | None = None,
              nodes: Iterable[str] | None = None, gm: genemap.GeneMap | None = None,
              min_capability: float = 0.3, related: int = 3, priority: str = "auto",
              weights: Mapping | None = None) -> Embedding:
    """Gap nodes ranked for a firm (``firm_id``) or a capability profile (``nodes``).

    With neither, for :func:`default_firm` (module docstring, "Embedding opportunities").

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables (chain_nodes, chain_edges, firms, firm_nodes; candidates if any).
    month : str or None
        ``YYYY-MM``; None: firms with status active.
    firm_id : str, optional
        The firm to position (its own nodes: capability ≥ the gene map's ``min_capability``).
    nodes : iterable of str, optional
        A capability profile of technology node ids, instead of a firm.
    gm : GeneMap, optional
        The gene map of the same month (saves recomputing it).
    min_capability : float
        Capability threshold of the gene map built when ``gm`` is None.
    related : int
        Own nodes kept per gap node as its reasons.
    priority : {"auto", "gaps", "simple"}
        Where the gap priority comes from (:func:`gap_priority`).
    weights : mapping, optional
        ``priority_weights`` of workspace.yaml.

    Returns
    -------
    Embedding
        ``table``: the gap nodes (not the profile's own) ranked by score = density × priority,
        each in [0, 1]; ``gene_map``: ``gm``; the other fields in :class:`Embedding`. With
        neither ``firm_id`` nor ``nodes`` and no default firm, ``firm_id`` is None and the
        profile is empty (every score 0).

    Raises
    ------
    ValueError
        An unknown firm, a node that is not a technology node of the chain, or an unknown
        ``priority`` (:func:`gap_priority`).

    See Also
    --------
    ecolib.analyses.month.MonthModel.embedding : ``ecolib.analyse(ws, month).embedding`` builds
        this on the month's gene map, with the workspace's priority weights.
    ecolib.analyses.genemap.gene_map : builds ``gm``.
    own_nodes : the firm's profile.
    gap_priority : the priority.
    best_entries : the best opportunity of many firms at once.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> e = embedding(tiny().tables, "2026-03", firm_id="F3", priority="simple")
    >>> e.nodes, e.table[["node_id", "density", "score"]].round(2).values.tolist()
    (['N.CELL'], [['N.PACK', 1.0, 0.5], ['N.CATH', 0.5, 0.15], ['N.LI', 0.0, 0.0]])
    """
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
    own_in = pd.Index(profile)[pd.Index(profile).isin(phi.index)] if len(phi) else pd.Index([])
    relations = ((phi.loc[own_in, ids].to_numpy(np.float64) > 0).sum(axis=0).astype(np.int64)
                 if len(own_in) and len(ids) else np.zeros(len(ids), np.int64))
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
        "relations": relations,
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
    return Embedding(month, firm_id, profile, weak, table, source, headline, gm)


def best_entries(gm: genemap.GeneMap, firm_nodes: pd.DataFrame, firm_ids: Iterable[str], *,
                 tables: Mapping[str, pd.DataFrame] | None = None, weights: Mapping | None = None,
                 priority: str = "auto", chunk: int = 20_000) -> pd.DataFrame:
    """The best embedding opportunity of each firm of ``firm_ids`` at once (vectorised).

    The same density × priority score as :func:`embedding` for every firm (own nodes:
    capability ≥ the gene map's ``min_capability``; firms with none use all their nodes;
    ``tables``, ``weights``, ``priority`` as for :func:`gap_priority`).
    Returns firm_id, nodes (number of own nodes), node_id (best gap node, None if no gap
    node scores > 0), density, priority, score, relations. Firms are processed ``chunk`` at a time so
    memory stays bounded (chunk × nodes floats).

    Parameters
    ----------
    gm : GeneMap
        The gene map of the month: coverage, node proximity φ, feasibility.
    firm_nodes : DataFrame
        Firm × node rows: firm_id, node_id, capability (rows on inner nodes are ignored).
    firm_ids : iterable of str
        The firms (duplicates dropped, first kept).
    tables : mapping of str to DataFrame, optional
        The workspace tables, for the gap analysis's priority (:func:`gap_priority`).
    weights : mapping, optional
        ``priority_weights`` of workspace.yaml.
    priority : {"auto", "gaps", "simple"}, default "auto"
        Where the gap priority comes from (:func:`gap_priority`).
    chunk : int, default 20000
        Firms scored at a time.

    Returns
    -------
    DataFrame
        One row per firm, in the order of ``firm_ids``: firm_id, nodes (own technology
        nodes used, count; 0 for a firm without one), node_id (best gap node, None when none
        scores > 0), density, priority (in [0, 1], NaN without a best node), score (= density
        × priority, in [0, 1], 0 without a best node), relations (own nodes related to the best
        node, φ > 0, count: the fit rests on that many relations; 0 without a best node).

    See Also
    --------
    ecolib.analyses.genemap.gene_map : builds ``gm`` (also ``ecolib.analyse(ws, month).gene_map``).
    small_firms_near_gaps : the firms the page asks about.
    small_firm_entries : this with the firms' names and main nodes.
    embedding : every opportunity of one firm.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> ws = tiny()
    >>> gm = gene_map(ws.tables, "2026-03")
    >>> best_entries(gm, ws.tables["firm_nodes"], ["F1", "F2", "F3", "F9"], priority="simple")
      firm_id  nodes node_id  density  priority  score  relations
    0      F1      1  N.CATH      0.5       0.3   0.15          1
    1      F2      2    N.LI      1.0       0.6   0.60          1
    2      F3      1  N.PACK      1.0       0.5   0.50          1
    3      F9      0     NaN      NaN       NaN   0.00          0
    """
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
    linked = (phi > 0).astype(np.float64)                       # own node p' related to gap node p (0/1)
    best_node = np.full(len(ids), -1)
    best = np.zeros(len(ids))
    relations = np.zeros(len(ids), np.int64)
    for s in range(0, len(ids), chunk):          # chunks of firms: bounded memory, not a per-firm loop
        m = M[s:s + chunk]
        score = np.asarray(m @ weighted)                        # firms × nodes
        own_r = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        score[own_r, m.indices] = 0.0                           # own nodes are no opportunity
        k = np.argmax(score, axis=1)
        v = score[np.arange(len(k)), k]
        best_node[s:s + chunk] = np.where(v > 0, k, -1)
        best[s:s + chunk] = v
        # own nodes related (φ > 0) to each firm's best node, over the firm's nonzeros
        rel = np.bincount(own_r, weights=linked[m.indices, k[own_r]], minlength=m.shape[0]) if len(own_r) \
            else np.zeros(m.shape[0])
        relations[s:s + chunk] = np.where(v > 0, np.rint(rel), 0).astype(np.int64)
    kk = np.maximum(best_node, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        best_d = best / prio[kk]                                # density = score / priority (> 0 where chosen)
    node = np.where(best_node >= 0, leaves.to_numpy(object)[np.maximum(best_node, 0)], None)
    return pd.DataFrame({"firm_id": ids.to_numpy(object), "nodes": np.asarray(M.sum(axis=1)).astype(np.int64),
                         "node_id": node, "density": np.where(best_node >= 0, best_d, np.nan),
                         "priority": np.where(best_node >= 0, prio[np.maximum(best_node, 0)], np.nan),
                         "score": best, "relations": relations})


# =========================================================================== small firms next to the gaps


def main_nodes(firm_nodes: pd.DataFrame, firm_ids: Iterable[str]) -> pd.Series:
    """Each firm's main node: its ``firm_nodes`` row with the largest share.

    Ties go to the first node id; any node of the chain counts (the rule of
    :func:`ecolib.foundations.firms.firm_profile`).

    Parameters
    ----------
    firm_nodes : DataFrame
        firm_id, node_id, share.
    firm_ids : iterable of str
        The firms asked for.

    Returns
    -------
    Series
        node_id by firm_id (sorted by firm_id), for the firms of ``firm_ids`` with a
        ``firm_nodes`` row.

    See Also
    --------
    ecolib.foundations.firms.firm_profile : the same main node, with segment and stage.
    small_firm_entries : shows it as ``main_node``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> main_nodes(tiny().tables["firm_nodes"], ["F2", "F3"]).to_dict()
    {'F2': 'N.CATH', 'F3': 'N.CELL'}
    """
    ids = pd.Index(firm_ids if isinstance(firm_ids, (pd.Series, pd.Index, np.ndarray)) else list(firm_ids),
                   dtype=object)
    rows = firm_nodes[frames.isin(firm_nodes["firm_id"], ids)]
    return (rows.sort_values(["firm_id", "share", "node_id"], ascending=[True, False, True])
            .drop_duplicates("firm_id").set_index("firm_id")["node_id"])


@dataclass
class Entries:
    """The best entry point of each of the smallest firms next to the gaps.

    The section "other small firms next to the gaps"; built by :func:`small_firm_entries`.

    Attributes
    ----------
    month : str or None
        The month (``YYYY-MM``).
    table : DataFrame
        One row per firm of :func:`small_firms_near_gaps`, best opportunity first (score
        descending, then the smallest output): firm_id, name, name_zh, zone, zone_zh, output
        (currency per year), main_node (:func:`main_nodes`; None without a row), nodes (own
        nodes used, count), node_id (best gap node, None when none scores > 0), density,
        priority, score (as :func:`best_entries`, each in [0, 1]), relations (own nodes
        related to the best node, count: 1 means the fit rests on a single relation), related
        (tuple of those own nodes, closest first, at most three).
    gene_map : GeneMap or None
        The gene map the scores were computed on (node names).
    unsized : int
        Firms next to a gap left out because they report no output (count): without it they
        cannot be ranked by size (:func:`small_firms_near_gaps`).

    See Also
    --------
    small_firm_entries : builds it.
    ecolib.analyses.month.MonthModel.entries : ``ecolib.analyse(ws, month).entries``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> ws = tiny()
    >>> en = small_firm_entries(ws.tables, "2026-03", gene_map(ws.tables, "2026-03"), priority="simple")
    >>> en.best[["firm_id", "node_id", "score"]].to_dict()       # None when no firm has an opportunity
    {'firm_id': 'F2', 'node_id': 'N.LI', 'score': 0.6}
    """

    month: str | None
    table: pd.DataFrame
    gene_map: genemap.GeneMap | None = field(default=None, repr=False)
    unsized: int = 0

    @property
    def best(self) -> pd.Series | None:
        """The row with the strongest opportunity (score > 0), or None."""
        ok = self.table[self.table["score"] > 0]
        return None if not len(ok) else ok.iloc[0]


def small_firm_entries(tables: Mapping[str, pd.DataFrame], month: str | None, gm: genemap.GeneMap, *,
                       n: int = 10, min_link: float = 0.1, weights: Mapping | None = None,
                       priority: str = "auto") -> Entries:
    """The best entry point of each of the ``n`` smallest firms next to a gap, at once.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The workspace tables (firms, firm_nodes, chain_nodes; chain_edges and candidates for
        the gap analysis's priority).
    month : str or None
        ``YYYY-MM``.
    gm : GeneMap
        The gene map of the same month.
    n : int
        Firms at most (:func:`small_firms_near_gaps`).
    min_link : float
        Chain link strength that counts as "next to a gap".
    weights : mapping, optional
        ``priority_weights`` of workspace.yaml.
    priority : {"auto", "gaps", "simple"}
        Where the gap priority comes from (:func:`gap_priority`).

    Returns
    -------
    Entries
        Columns in :class:`Entries`; output in the workspace currency per year; density,
        priority and score in [0, 1].

    See Also
    --------
    ecolib.analyses.month.MonthModel.entries : ``ecolib.analyse(ws, month).entries`` builds this
        on the month's gene map, with the workspace's priority weights.
    small_firms_near_gaps : which firms.
    best_entries : their best gap node.
    ecolib.analyses.genemap.gene_map : builds ``gm``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> tables = tiny().tables
    >>> en = small_firm_entries(tables, "2026-03", gene_map(tables, "2026-03"), priority="simple")
    >>> en.table[["firm_id", "main_node", "node_id", "score"]].values.tolist()
    [['F2', 'N.CATH', 'N.LI', 0.6]]
    """
    firms = tables["firms"]
    near = small_firms_near_gaps(tables, month, gm, n=n, min_link=min_link)
    best = best_entries(gm, tables["firm_nodes"], near["firm_id"], tables=tables, weights=weights, priority=priority)
    info = firms.drop_duplicates("firm_id").set_index("firm_id").reindex(best["firm_id"])
    name = info["name"] if "name" in info else pd.Series(best["firm_id"].to_numpy(object), index=info.index)
    name_zh = info["name_zh"] if "name_zh" in info else name
    main = main_nodes(tables["firm_nodes"], best["firm_id"])
    table = pd.DataFrame({
        "firm_id": best["firm_id"].to_numpy(object),
        "name": name.to_numpy(object),
        "name_zh": name_zh.to_numpy(object),
        "zone": info["zone"].to_numpy(object),
        "zone_zh": _zone_names_zh(firms).reindex(info["zone"]).to_numpy(object),
        "output": pd.to_numeric(info["output"], errors="coerce").to_numpy(np.float64),
        "main_node": main.reindex(best["firm_id"]).to_numpy(object),
        "nodes": best["nodes"].to_numpy(np.int64),
        "node_id": best["node_id"].to_numpy(object),
        "density": best["density"].to_numpy(np.float64),
        "priority": best["priority"].to_numpy(np.float64),
        "score": best["score"].to_numpy(np.float64),
        "relations": best["relations"].to_numpy(np.int64),
        "related": _related_own(gm, tables["firm_nodes"], best),
    })
    table = table.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)   # best first
    return Entries(month, table, gm, unsized=int(near.attrs.get("unsized", 0)))


def _related_own(gm: genemap.GeneMap, firm_nodes: pd.DataFrame, best: pd.DataFrame, k: int = 3) -> list[tuple]:
    """Per row of :func:`best_entries` (a handful of firms): the firm's own nodes related to its
    best node (φ > 0), closest first, at most ``k``; () without a best node."""
    phi = gm.space.proximity
    cap = gm.coverage.min_capability
    rows = firm_nodes[frames.isin(firm_nodes["firm_id"], best["firm_id"]) & frames.isin(firm_nodes["node_id"], phi.index)]
    strong = rows[rows["capability"].to_numpy(np.float64) >= cap]
    use = pd.concat([strong, rows[~frames.isin(rows["firm_id"], strong["firm_id"])]])   # no strong node: all
    gaps = best[["firm_id", "node_id"]].dropna().rename(columns={"node_id": "gap"})
    pairs = use[["firm_id", "node_id"]].merge(gaps, on="firm_id").drop_duplicates(["firm_id", "node_id"])
    if not len(pairs):
        return [()] * len(best)
    pairs["phi"] = phi.to_numpy(np.float64)[phi.index.get_indexer(pairs["node_id"]),
                                            phi.columns.get_indexer(pairs["gap"])]
    pairs = pairs[pairs["phi"] > 0].sort_values(["firm_id", "phi", "node_id"], ascending=[True, False, True])
    got = pairs.groupby("firm_id")["node_id"].agg(lambda v: tuple(v.head(k)))
    return [got.get(f, ()) for f in best["firm_id"]]
