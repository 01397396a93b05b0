"""The chain tree: ancestor look-ups and roll-ups, vectorised over nodes.

The tree is ``chain_nodes`` (node_id, parent_id, ...), walked by the one tree walker of
:mod:`ecolib.workspace.tree`. Loops here run over tree depth (a handful of levels), never over
nodes or firms.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.workspace.tree import ancestors_at_depth, node_depths


def ancestor_pairs(chain_nodes: pd.DataFrame) -> pd.DataFrame:
    """Every (node_id, ancestor_id) pair, each node being its own ancestor at distance 0.

    Built on the loader's tree walker (:func:`ecolib.workspace.tree.ancestors_at_depth`), one
    numpy pass per level of the tree.

    Returns columns ``node_id``, ``ancestor_id``, ``distance``.

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

    ``values`` is indexed by node_id (usually leaf nodes); the result is indexed by every
    node_id of the tree, 0 where the subtree holds nothing.
    """
    pairs = ancestor_pairs(chain_nodes)
    joined = pairs.merge(values.rename("value"), left_on="node_id", right_index=True, how="inner")
    out = joined.groupby("ancestor_id")["value"].sum()
    return out.reindex(chain_nodes["node_id"], fill_value=0.0).rename(values.name)


def count_distinct_in_subtree(pairs_node_item: pd.DataFrame, chain_nodes: pd.DataFrame,
                              *, item: str = "firm_id") -> pd.Series:
    """Number of distinct items (e.g. firms) attached anywhere in each node's subtree.

    ``pairs_node_item`` has columns ``node_id`` and ``item``; a firm on two leaves of one
    segment counts once for the segment.
    """
    pairs = ancestor_pairs(chain_nodes)
    joined = pairs.merge(pairs_node_item[["node_id", item]], on="node_id", how="inner")
    out = joined.drop_duplicates(["ancestor_id", item]).groupby("ancestor_id").size()
    return out.reindex(chain_nodes["node_id"], fill_value=0).astype(int)
