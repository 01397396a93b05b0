"""Foundation: loading and validating a workspace, the park overview."""
from __future__ import annotations

from ecolib.analyses import overview
from ecolib.bench import Case
from ecolib.workspace import load_workspace


def _tables(region):
    ws = load_workspace(region)
    return ws.tables, ws.months()[-1]


CASES = [
    Case("workspace: load + validate (Parquet)", setup=lambda region: region, run=load_workspace, repeat=2),
    Case("overview: park profile for a month", setup=_tables,
         run=lambda inputs: overview.overview(inputs[0], inputs[1])),
]
