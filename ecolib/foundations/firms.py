"""The firms of a month: who is operating, and each firm's primary node, segment and stage.

"Active in month m" means: the firm's status is ``active``, or it exited in a later month
(``exit_month`` > m). A firm that exited in month m is gone from m on. Every analysis counts
firms with these two functions.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.foundations.frames import lookup, text_rank


def active_mask(firms: pd.DataFrame, month: str) -> pd.Series:
    """True for firms operating in ``month`` (see module docstring).

    A firm is gone when its status is ``exited`` and its ``exit_month`` is ``month`` or
    earlier, or is blank (an exited firm without an exit month is gone in every month).
    Every other firm is active; there is no entry month.

    Parameters
    ----------
    firms : DataFrame
        The workspace's firms table; uses ``status`` and ``exit_month`` (``YYYY-MM`` text).
    month : str
        The month, ``YYYY-MM``.

    Returns
    -------
    Series of bool
        One entry per firm, same index as ``firms``.

    See Also
    --------
    ecolib.workspace.load_workspace : reads and checks the firms table.
    firm_profile : the firms with their primary node and this flag.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> active_mask(tables["firms"], "2026-03").tolist()     # F4 exited in 2026-02
    [True, True, True, False, True]
    >>> active_mask(tables["firms"], "2026-01").tolist()
    [True, True, True, True, True]
    """
    exited = firms["status"].eq("exited")
    exit_month = firms["exit_month"].fillna("")
    left_already = exited & ((exit_month == "") | (exit_month <= month))
    return ~left_already


def firm_profile(firms: pd.DataFrame, firm_nodes: pd.DataFrame, chain_nodes: pd.DataFrame,
                 month: str) -> pd.DataFrame:
    """One row per firm with its primary node, segment and stage, and whether it is active.

    The primary node is the firm's node with the largest output share (ties: the
    alphabetically first node_id).

    Parameters
    ----------
    firms : DataFrame
        The workspace's firms table (firm_id, name, [name_zh], zone, local, anchor,
        employees, output, area, patents, status, exit_month).
    firm_nodes : DataFrame
        The firm × node links (firm_id, node_id, share).
    chain_nodes : DataFrame
        The chain tree with the loader's derived columns (node_id, segment_id, stage).
    month : str
        The month whose activity is reported, ``YYYY-MM``.

    Returns
    -------
    DataFrame
        One row per row of ``firms``, in its order, index ``0 … n − 1``, columns

        * ``firm_id``, ``name``, ``name_zh`` (``name`` when the table has no ``name_zh``),
          ``zone``, ``local`` (inside the park), ``anchor`` (链主): as in ``firms``;
        * ``employees`` (people), ``output`` (currency per year), ``area`` (m²),
          ``patents`` (number): floats, missing → 0;
        * ``active``: bool, :func:`active_mask` in ``month``;
        * ``node_id``: the primary node (NaN for a firm without a node);
        * ``segment_id``: that node's segment (NaN when none);
        * ``stage``: that node's stage, ``"unassigned"`` when none;
        * ``stage_id``: that node's stage node (its ancestor at depth 1; NaN when none).

    See Also
    --------
    ecolib.workspace.load_workspace : reads and checks the three tables.
    active_mask : the ``active`` column.
    local_active : the active firms inside the park.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> p = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], "2026-03")
    >>> p[["firm_id", "node_id", "stage", "active"]]
      firm_id node_id      stage  active
    0      F1    N.LI   upstream    True
    1      F2  N.CATH   upstream    True
    2      F3  N.CELL  midstream    True
    3      F4  N.PACK  midstream   False
    4      X1    N.LI   upstream    True
    >>> p[["firm_id", "segment_id", "output"]].head(2)      # F2: N.CATH and N.CELL 0.5 each
      firm_id segment_id  output
    0      F1      G.MAT   100.0
    1      F2      G.MAT   200.0
    """
    return _profile(firms, firm_nodes, chain_nodes, month)


def _profile(firms: pd.DataFrame, firm_nodes: pd.DataFrame, chain_nodes: pd.DataFrame, month: str,
             firm_rows: np.ndarray | None = None) -> pd.DataFrame:
    """:func:`firm_profile`; ``firm_rows`` as in :func:`primary_nodes`."""
    nodes = chain_nodes.set_index("node_id")
    profile = firms.reset_index(drop=True)
    profile["node_id"] = primary_nodes(firms, firm_nodes, firm_rows=firm_rows)
    if "name_zh" not in profile:
        profile["name_zh"] = profile["name"]
    profile["segment_id"] = lookup(profile["node_id"], nodes["segment_id"])
    profile["stage"] = pd.Series(lookup(profile["node_id"], nodes["stage"]), index=profile.index).fillna("unassigned")
    profile["active"] = active_mask(firms, month).to_numpy()
    for col in ("employees", "output", "area", "patents"):
        profile[col] = pd.to_numeric(profile[col], errors="coerce").fillna(0.0)
    profile["stage_id"] = lookup(profile["node_id"], nodes["stage_id"]) if "stage_id" in nodes else None
    keep = ["firm_id", "name", "name_zh", "zone", "local", "anchor", "employees", "output", "area", "patents",
            "active", "node_id", "segment_id", "stage", "stage_id"]
    return profile[keep]


def primary_nodes(firms: pd.DataFrame, firm_nodes: pd.DataFrame, *, firm_rows: np.ndarray | None = None):
    """Each firm's primary node: of its ``firm_nodes`` rows, the node with the largest share
    (a missing share last; ties: the alphabetically first node_id), as :func:`firm_profile`
    reports it.

    Parameters
    ----------
    firms : DataFrame
        Firms (firm_id).
    firm_nodes : DataFrame
        The firm × node links (firm_id, node_id, share).
    firm_rows : ndarray of int, optional
        Each firm_nodes row's firm as its row in ``firms`` (the first of its firm_id; -1 for
        none): ``ecolib.foundations.network.codes(firm_nodes["firm_id"], firms["firm_id"])``,
        when the caller has it already.

    Returns
    -------
    ndarray or ExtensionArray
        One node_id per row of ``firms`` (of ``firm_nodes.node_id``'s dtype; missing for a firm
        without a row).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> t = tiny().tables
    >>> list(primary_nodes(t["firms"], t["firm_nodes"]))        # F2: N.CATH and N.CELL 0.5 each
    ['N.LI', 'N.CATH', 'N.CELL', 'N.PACK', 'N.LI']
    """
    from ecolib.foundations.network import codes, first_rows

    firm = codes(firm_nodes["firm_id"], firms["firm_id"]) if firm_rows is None else firm_rows   # the firm's row
    share = pd.to_numeric(firm_nodes["share"], errors="coerce").to_numpy(np.float64)
    node_rank = text_rank(firm_nodes["node_id"], repeated=True)
    on = firm >= 0
    if np.isnan(share[on]).any():                                     # a missing share sorts last
        order = np.lexsort((node_rank, -np.nan_to_num(share, nan=0.0), np.isnan(share), firm))
    else:                                # the largest share per firm, then the first node among those
        best = np.full(len(firms), -np.inf)
        np.maximum.at(best, firm[on], share[on])
        rows = np.flatnonzero(on & (share == best[np.maximum(firm, 0)]))
        order = rows[np.lexsort((node_rank[rows], firm[rows]))]
    order = order[firm[order] >= 0]
    lead = order[np.r_[True, firm[order][1:] != firm[order][:-1]]] if len(order) else order
    row = np.full(len(firms), -1, np.int64)
    row[firm[lead]] = lead
    row = row[first_rows(firms["firm_id"])]                         # a repeated firm_id: its first row's
    column = firm_nodes["node_id"]
    values = column.array if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) else column.to_numpy()
    return pd.api.extensions.take(values, row, allow_fill=True)


def local_active(profile: pd.DataFrame) -> pd.DataFrame:
    """The firms inside the park (``local``) that are active in the profile's month.

    No capability threshold: every such firm counts once (the park overview's firms, zones and
    output; the gene map's "qualifying firms" also need capability ≥ ``min_capability`` on a node).

    Parameters
    ----------
    profile : DataFrame
        One row per firm (:func:`firm_profile`), with bool columns ``local`` and ``active``.

    Returns
    -------
    DataFrame
        The rows of ``profile`` with ``local`` and ``active`` true (same columns and units,
        same index).

    See Also
    --------
    firm_profile : builds ``profile``.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> p = firm_profile(tables["firms"], tables["firm_nodes"], tables["chain_nodes"], "2026-03")
    >>> local_active(p)["firm_id"].tolist()            # F4 has left, X1 is outside the park
    ['F1', 'F2', 'F3']
    """
    return profile[profile["local"] & profile["active"]]




#: The firm sizes a workspace may leave blank (some or all firms): missing is "not reported", never 0.
SIZE_COLUMNS = ("employees", "output", "area", "patents")


def reported(firms: pd.DataFrame, columns=SIZE_COLUMNS) -> dict[str, int]:
    """How many rows of ``firms`` give each size column (a value, 0 included; blank is not given).

    :func:`firm_profile` fills a blank size with 0 so sums stay sums; this says how many firms a
    sum covers, so a page can say "not reported" (none given) or "covers n firms" (some).

    Parameters
    ----------
    firms : DataFrame
        The workspace's firms table, or some of its rows (e.g. the active local firms).
    columns : sequence of str
        The columns to count, default :data:`SIZE_COLUMNS`; a column the table lacks counts 0.

    Returns
    -------
    dict of str to int
        Firms with a value, by column.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"output": [1.0, None, 0.0], "employees": [None, None, None]})
    >>> reported(f, ("output", "employees", "area"))
    {'output': 2, 'employees': 0, 'area': 0}
    """
    return {c: int(pd.to_numeric(firms[c], errors="coerce").notna().sum()) if c in firms else 0 for c in columns}
