"""The tiny park: small enough to compute every number by hand.

Four local firms in two zones (North: lithium, cathode; South: cells, packs, the pack maker
exited in 2026-02), one outside supplier, a four-node battery chain with two stages, six
flows over 2026-01 to 2026-03 (2026-02 has none), three months of one KPI and a benchmark.
The tests pin their hand computations on it and every docstring example runs on it.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["tiny", "tiny_path"]


def tiny_path() -> Path:
    """The folder of the tiny park's files inside the installed package.

    Examples
    --------
    >>> sorted(p.name for p in tiny_path().iterdir())[:3]
    ['benchmarks.csv', 'chain_edges.csv', 'chain_nodes.csv']
    """
    return Path(str(resources.files("ecolib").joinpath("datasets/data/tiny")))


def tiny():
    """The tiny park, loaded and validated as any workspace is.

    Returns
    -------
    ecolib.workspace.Workspace
        A fresh workspace (its tables may be changed freely).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> ws = tiny()
    >>> ws.name, ws.months()
    ('tiny', ['2026-01', '2026-02', '2026-03'])
    >>> ws.tables["firms"][["firm_id", "zone", "local", "status"]].head(2)
      firm_id   zone  local  status
    0      F1  North   True  active
    1      F2  North   True  active
    """
    from ecolib.workspace import load_workspace

    return load_workspace(tiny_path())
