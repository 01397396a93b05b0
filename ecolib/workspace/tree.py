"""The chain tree as the loader checks and derives it, and as every analysis walks it.

The tree is ``chain_nodes`` (``node_id``, ``parent_id``, …). Walking it is numpy indexing with
the row position of each node's parent: loops run over tree depth (a handful of levels), never
over nodes. This is the one tree walker: the loader derives the columns of
:func:`add_node_columns` with it, and :mod:`ecolib.foundations.chain` builds its roll-ups on
:func:`ancestors_at_depth`.

Examples
--------
>>> import pandas as pd
>>> nodes = pd.DataFrame({"node_id": ["C", "S", "G", "N1", "N2"], "parent_id": [None, "C", "S", "G", "G"],
...                       "stage": [None, "upstream", None, None, None]})
>>> node_depths(nodes).tolist()
[0.0, 1.0, 2.0, 3.0, 3.0]
>>> ancestors_at_depth(nodes, 2).tolist()
[nan, nan, 'G', 'G', 'G']
>>> add_node_columns(nodes)[["node_id", "level", "segment_id", "stage", "is_leaf"]]
  node_id    level segment_id     stage  is_leaf
0       C    chain        NaN       NaN    False
1       S    stage        NaN  upstream    False
2       G  segment          G  upstream    False
3      N1     node          G  upstream     True
4      N2     node          G  upstream     True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.contract.schema import LEVELS, TEXT

__all__ = ["add_node_columns", "ancestors_at_depth", "node_depths"]


def parent_positions(nodes: pd.DataFrame) -> np.ndarray:
    """Row position of each node's parent; -1 for the root and unknown parents.

    Node ids must be unique. Walking the tree with these positions is plain numpy indexing.
    """
    return pd.Index(nodes["node_id"]).get_indexer(nodes["parent_id"])


def depths_below(parent: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Depth below the roots (a boolean mask), NaN where no root is reached; level by level."""
    depth = np.full(len(parent), np.nan)
    level, d = roots, 0
    while level.any():
        depth[level] = d
        level = np.isin(parent, np.flatnonzero(level)) & np.isnan(depth)
        d += 1
    return depth


def _climb(parent: np.ndarray, depths: np.ndarray, depth: int) -> np.ndarray:
    """Row position of each node's ancestor at ``depth`` (itself at that depth); -1 above it."""
    position, level = np.arange(len(parent)), depths.copy()
    while (up := level > depth).any():
        position[up] = parent[position[up]]
        level[up] -= 1
    return np.where(depths >= depth, position, -1)


def node_depths(nodes: pd.DataFrame) -> pd.Series:
    """Depth of each node below the root(s) (root 0), NaN for nodes no root reaches.

    Node ids must be unique. Walks the tree one level at a time (vectorised over a level).
    """
    roots = (nodes["parent_id"].isna() & nodes["node_id"].notna()).to_numpy()
    return pd.Series(depths_below(parent_positions(nodes), roots), index=nodes.index)


def ancestors_at_depth(nodes: pd.DataFrame, depth: int) -> pd.Series:
    """The node_id of each node's ancestor at ``depth`` (a node at that depth is its own).

    NaN for nodes shallower than ``depth``. ``nodes`` is a valid tree (unique ids, one
    root); ``nodes['depth']`` is used when present. All nodes climb one level per step, so
    the cost is (tree depth) numpy lookups.
    """
    depths = (nodes["depth"] if "depth" in nodes else node_depths(nodes)).to_numpy(dtype="float64")
    return _ids_at(nodes, _climb(parent_positions(nodes), depths, depth))


def _ids_at(nodes: pd.DataFrame, positions: np.ndarray) -> pd.Series:
    """node_id at each row position; NaN where the position is -1."""
    ids = nodes["node_id"].to_numpy(dtype=object)[positions]
    return pd.Series(np.where(positions >= 0, ids, None), index=nodes.index).astype(TEXT)


def _fill_down(values: pd.Series, parent: np.ndarray, depth: int) -> pd.Series:
    """``values`` with blanks taken from the nearest ancestor that has one (``depth`` passes)."""
    filled = values.to_numpy(dtype=object, copy=True)
    for _ in range(depth):  # each pass reaches one level further down
        take = pd.isna(filled) & (parent >= 0)
        filled[take] = filled[parent[take]]
    return pd.Series(filled, index=values.index).astype(TEXT)


def add_node_columns(nodes: pd.DataFrame) -> pd.DataFrame:
    """chain_nodes (a valid tree) with the derived columns added.

    ``depth`` (root 0), ``is_leaf``, ``level`` (chain/stage/segment/node for depth 0/1/2/3+),
    ``stage_id`` (ancestor at depth 1), ``segment_id`` (ancestor at depth 2: a leaf's parent
    in the usual four-level tree, a segment itself) and ``stage`` filled down from the
    nearest ancestor that has one.
    """
    parent = parent_positions(nodes)
    depths = depths_below(parent, nodes["parent_id"].isna().to_numpy())
    out = nodes.assign(depth=depths.astype("int64"))
    out["is_leaf"] = ~np.isin(np.arange(len(out)), parent)
    out["level"] = pd.Series(np.array(LEVELS)[np.minimum(depths, len(LEVELS) - 1).astype(int)],
                             index=out.index).astype(TEXT)
    out["stage_id"] = _ids_at(out, _climb(parent, depths, 1))
    out["segment_id"] = _ids_at(out, _climb(parent, depths, 2))
    out["stage"] = _fill_down(out["stage"], parent, int(depths.max()))
    return out
