"""The chain tree: ancestor look-ups and roll-ups, vectorised over nodes.

The tree is ``chain_nodes`` (node_id, parent_id, ...). Loops here run over tree depth (a
handful of levels), never over nodes or firms.
"""
from __future__ import annotations

import pandas as pd


def ancestor_pairs(chain_nodes: pd.DataFrame) -> pd.DataFrame:
    """Every (node_id, ancestor_id) pair, each node being its own ancestor at distance 0.

    Returns columns ``node_id``, ``ancestor_id``, ``distance``.
    """
    parent = chain_nodes.set_index("node_id")["parent_id"]
    parent = parent[parent.notna() & (parent.astype(str) != "")]
    current = pd.DataFrame({"node_id": chain_nodes["node_id"].to_numpy(),
                            "ancestor_id": chain_nodes["node_id"].to_numpy(), "distance": 0})
    frames = [current]
    for _ in range(len(chain_nodes)):  # bounded by depth; a valid tree ends long before
        step = current.assign(ancestor_id=current["ancestor_id"].map(parent)).dropna(subset=["ancestor_id"])
        if step.empty:
            break
        step = step.assign(distance=step["distance"] + 1)
        frames.append(step)
        current = step
    return pd.concat(frames, ignore_index=True)


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
