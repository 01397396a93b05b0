"""The chain tree: ancestor look-ups and roll-ups, vectorised over nodes.

The tree is ``chain_nodes`` (node_id, parent_id, ...), walked by the one tree walker of
:mod:`ecolib.workspace.tree`. Loops here run over tree depth (a handful of levels), never over
nodes or firms.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.contract.schema import STAGES
from ecolib.workspace.tree import ancestors_at_depth, node_depths


def ancestor_pairs(chain_nodes: pd.DataFrame) -> pd.DataFrame:
    """Every (node_id, ancestor_id) pair, each node being its own ancestor at distance 0.

    Built on the loader's tree walker (:func:`ecolib.workspace.tree.ancestors_at_depth`), one
    numpy pass per level of the tree.

    Parameters
    ----------
    chain_nodes : DataFrame
        The chain tree (node_id, parent_id; ``depth`` is used when present, else derived).
        Nodes that no root reaches get no pair.

    Returns
    -------
    DataFrame
        One row per (node, ancestor) pair, sorted by distance, then by the node's row in
        ``chain_nodes``; columns ``node_id``, ``ancestor_id`` (text) and ``distance``
        (int64, number of levels between them, 0 for the node itself).

    See Also
    --------
    ecolib.workspace.load_workspace : reads, checks and derives ``chain_nodes``.
    ecolib.workspace.tree.ancestors_at_depth : the tree walker used, one level at a time.

    Examples
    --------
    >>> import pandas as pd
    >>> nodes = pd.DataFrame({"node_id": ["C", "S", "N"], "parent_id": [None, "C", "S"]})
    >>> ancestor_pairs(nodes).values.tolist()
    [['C', 'C', 0], ['S', 'S', 0], ['N', 'N', 0], ['S', 'C', 1], ['N', 'S', 1], ['N', 'C', 2]]
    """
    depth = (chain_nodes["depth"] if "depth" in chain_nodes else node_depths(chain_nodes)).to_numpy(dtype="float64")
    ids = chain_nodes["node_id"].to_numpy(dtype=object)
    position = np.arange(len(ids))
    top = int(np.nanmax(depth)) if len(depth) and not np.isnan(depth).all() else 0
    frames = []
    for d in range(top, -1, -1):             # ancestor at depth d: distance depth - d
        anc = ancestors_at_depth(chain_nodes, d).to_numpy(dtype=object)
        keep = pd.notna(anc)
        frames.append(pd.DataFrame({"node_id": ids[keep], "ancestor_id": anc[keep],
                                    "distance": (depth[keep] - d).astype("int64"), "_row": position[keep]}))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["distance", "_row"], ignore_index=True).drop(columns="_row")


def roll_up(values: pd.Series, chain_nodes: pd.DataFrame) -> pd.Series:
    """Sum a per-node quantity over each node's subtree (the node itself included).

    Parameters
    ----------
    values : Series
        A quantity indexed by node_id (usually leaf nodes, e.g. output in currency per
        year); its unit is the unit of the result. Ids that are not in the tree are ignored.
    chain_nodes : DataFrame
        The chain tree (node_id, parent_id, [depth]).

    Returns
    -------
    Series
        Indexed by every node_id of the tree, in the order of ``chain_nodes``, named like
        ``values``: the sum of ``values`` over the node and all its descendants (same unit),
        0 where the subtree holds nothing.

    See Also
    --------
    ancestor_pairs : the (node, ancestor) pairs the sum runs over.
    count_distinct_in_subtree : the number of distinct items instead of a sum.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecolib.datasets import tiny
    >>> output = pd.Series({"N.LI": 100.0, "N.CATH": 200.0}, name="output")
    >>> roll_up(output, tiny().tables["chain_nodes"]).to_dict()
    {'C': 300.0, 'S.UP': 300.0, 'S.MID': 0.0, 'G.MAT': 300.0, 'G.CELL': 0.0,
     'N.LI': 100.0, 'N.CATH': 200.0, 'N.CELL': 0.0, 'N.PACK': 0.0}
    """
    pairs = ancestor_pairs(chain_nodes)
    joined = pairs.merge(values.rename("value"), left_on="node_id", right_index=True, how="inner")
    out = joined.groupby("ancestor_id")["value"].sum()
    return out.reindex(chain_nodes["node_id"], fill_value=0.0).rename(values.name)


def count_distinct_in_subtree(pairs_node_item: pd.DataFrame, chain_nodes: pd.DataFrame,
                              *, item: str = "firm_id") -> pd.Series:
    """Number of distinct items (e.g. firms) attached anywhere in each node's subtree.

    A firm on two leaves of one segment counts once for the segment.

    Parameters
    ----------
    pairs_node_item : DataFrame
        One row per (node, item) link, with columns ``node_id`` and ``item`` (e.g. the
        firm_nodes table, or only its links above a capability threshold).
    chain_nodes : DataFrame
        The chain tree (node_id, parent_id, [depth]).
    item : str
        The column of ``pairs_node_item`` that holds the items, default ``"firm_id"``.

    Returns
    -------
    Series of int
        Indexed by every node_id of the tree (in the order of ``chain_nodes``, no name): the
        number of distinct items linked to the node or any of its descendants, 0 when none.

    See Also
    --------
    ecolib.workspace.load_workspace : reads and checks firm_nodes and chain_nodes.
    ancestor_pairs : the (node, ancestor) pairs the count runs over.
    roll_up : the sum of a quantity instead of a count.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> tables = tiny().tables
    >>> n = count_distinct_in_subtree(tables["firm_nodes"], tables["chain_nodes"])
    >>> n.to_dict()                  # 5 firms in the chain: F2, on two nodes, counts once
    {'C': 5, 'S.UP': 3, 'S.MID': 3, 'G.MAT': 3, 'G.CELL': 3,
     'N.LI': 2, 'N.CATH': 1, 'N.CELL': 2, 'N.PACK': 1}
    """
    pairs = ancestor_pairs(chain_nodes)
    joined = pairs.merge(pairs_node_item[["node_id", item]], on="node_id", how="inner")
    out = joined.drop_duplicates(["ancestor_id", item]).groupby("ancestor_id").size()
    return out.reindex(chain_nodes["node_id"], fill_value=0).astype(int)


# =========================================================================== levels of the tree

#: Depth of each named level of the chain tree; ``node`` is the technology nodes (the leaves,
#: at whatever depth). An analysis that groups by level names them with these words.
LEVEL_DEPTHS = {"chain": 0, "stage": 1, "segment": 2, "node": None}


def level_depth(level: str | int) -> int | None:
    """The depth of ``level`` (a name of :data:`LEVEL_DEPTHS` or a depth ≥ 0); None for ``node``.

    Raises
    ------
    ValueError
        An unknown level name or a negative depth, naming the levels there are.

    Examples
    --------
    >>> level_depth("segment"), level_depth("node"), level_depth(3)
    (2, None, 3)
    """
    if isinstance(level, (int, np.integer)) and not isinstance(level, bool):
        if level < 0:
            raise ValueError(f"level depth must be ≥ 0, got {level}")
        return int(level)
    if level not in LEVEL_DEPTHS:
        raise ValueError(f"level must be one of {', '.join(LEVEL_DEPTHS)} or a depth, got {level!r}")
    return LEVEL_DEPTHS[level]


def ancestor_at(chain_nodes: pd.DataFrame, level: str | int) -> pd.Series:
    """Each node's group at ``level``: its ancestor at the level's depth (itself at that depth);
    missing for nodes above the level. For ``node``: the technology node itself, missing for
    the inner nodes of the tree.

    Parameters
    ----------
    chain_nodes : DataFrame
        The chain tree (node_id, parent_id; ``depth`` and ``is_leaf`` used when present, as the
        loader adds them).
    level : str or int
        A level of :data:`LEVEL_DEPTHS` or a depth.

    Returns
    -------
    Series
        Group node_id (text, missing above the level), indexed by node_id.

    See Also
    --------
    ecolib.workspace.tree.ancestors_at_depth : the walker this reads.

    Examples
    --------
    >>> import pandas as pd
    >>> nodes = pd.DataFrame({"node_id": ["C", "S", "G", "N"], "parent_id": [None, "C", "S", "G"]})
    >>> ancestor_at(nodes, "segment").tolist(), ancestor_at(nodes, "node").tolist()
    ([nan, nan, 'G', 'G'], [nan, nan, nan, 'N'])
    """
    ids = chain_nodes["node_id"].astype(str).to_numpy(object)
    depth = level_depth(level)
    if depth is None:
        leaf = (chain_nodes["is_leaf"].to_numpy(bool) if "is_leaf" in chain_nodes
                else ~chain_nodes["node_id"].isin(chain_nodes["parent_id"]).to_numpy(bool))
        return pd.Series(np.where(leaf, ids, None), index=ids, dtype=object).astype("str").where(leaf)
    return pd.Series(ancestors_at_depth(chain_nodes, depth).to_numpy(object), index=ids)


def level_nodes(chain_nodes: pd.DataFrame, level: str | int) -> pd.DataFrame:
    """The chain nodes of ``level`` in chain order: stage order (:data:`ecolib.contract.schema.STAGES`,
    nodes off it last), then the order of ``chain_nodes``.

    Returns
    -------
    DataFrame
        node_id, name, name_zh (as given, may be missing), stage (code, may be missing), depth;
        a fresh index.

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> level_nodes(tiny().tables["chain_nodes"], "segment")["node_id"].tolist()
    ['G.MAT', 'G.CELL']
    """
    depth = (chain_nodes["depth"] if "depth" in chain_nodes else node_depths(chain_nodes)).to_numpy(np.float64)
    target = level_depth(level)
    if target is None:
        keep = (chain_nodes["is_leaf"].to_numpy(bool) if "is_leaf" in chain_nodes
                else ~chain_nodes["node_id"].isin(chain_nodes["parent_id"]).to_numpy(bool))
    else:
        keep = depth == target
    rows = chain_nodes[keep]
    stage = rows["stage"] if "stage" in rows else pd.Series(None, index=rows.index, dtype=object)
    rank = stage.map({s: i for i, s in enumerate(STAGES)}).fillna(len(STAGES)).to_numpy()
    out = pd.DataFrame({"node_id": rows["node_id"].astype(str).to_numpy(object),
                        "name": rows["name"].to_numpy(object) if "name" in rows else rows["node_id"].to_numpy(object),
                        "name_zh": rows["name_zh"].to_numpy(object) if "name_zh" in rows else None,
                        "stage": stage.to_numpy(object), "depth": depth[keep].astype(np.int64),
                        "_rank": rank, "_row": np.arange(len(rows))})
    return out.sort_values(["_rank", "_row"], kind="stable").drop(columns=["_rank", "_row"]).reset_index(drop=True)


def shared_stages(chain_nodes: pd.DataFrame) -> bool:
    """True when two stage nodes (depth 1) share one stage category (``stage``): then a stage
    is named by its node's own name, not by the category (31 sectors are not 31 "Upstream").

    Examples
    --------
    >>> import pandas as pd
    >>> nodes = pd.DataFrame({"node_id": ["C", "A", "B"], "parent_id": [None, "C", "C"],
    ...                       "stage": [None, "upstream", "upstream"]})
    >>> shared_stages(nodes), shared_stages(nodes.iloc[:2])
    (True, False)
    """
    stages = level_nodes(chain_nodes, "stage")
    given = stages["stage"].dropna()
    return bool(given.duplicated().any())
