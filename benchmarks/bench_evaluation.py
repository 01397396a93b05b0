"""Dynamic evaluation: the alert ledger over a long, wide KPI history.

KPIs do not grow with the number of firms, so the region's own kpis table is small. The cases
therefore use a synthetic history of their own: 20 years of months × 300 base KPIs, one derived
metric per KPI (year-on-year growth) and one rule per derived and per base metric (600 rules),
with gaps. The region case runs the full pipeline (history, rules, ledger, findings, tables) on
the region's kpis as loaded.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.analyses import evaluation as ev
from ecolib.bench import Case
from ecolib.foundations.months import span
from ecolib.presentation.narrative import evaluation as words
from ecolib.presentation.tables import evaluation as specs
from ecolib.workspace import load_workspace

MONTHS = span("2007-01", "2026-12")  # 240 months
N_KPIS = 300


def _wide_history(region):
    rng = np.random.default_rng(7)
    ids = [f"k{i:03d}" for i in range(N_KPIS)]
    values = rng.normal(1.0, 0.15, (len(MONTHS), N_KPIS)).cumsum(axis=0) / np.arange(1, len(MONTHS) + 1)[:, None]
    kpis = pd.DataFrame({"month": np.repeat(MONTHS, N_KPIS), "metric": np.tile(ids, len(MONTHS)),
                         "value": values.ravel()})
    kpis = kpis[rng.random(len(kpis)) > 0.02]                         # 2% of the cells not reported
    kpis = kpis[~kpis["month"].isin(MONTHS[100:102])]                 # two months with no data at all
    metrics = dict(ev.CATALOGUE)
    metrics.update({f"{k}_yoy": ev.Metric(f"{k}_yoy", f"yoy({k})", "share") for k in ids})
    rules = [ev.Rule(f"{k}_low", k, "<", 0.9, months=3, severity="warning") for k in ids]
    rules += [ev.Rule(f"{k}_yoy", f"{k}_yoy", "outside", (-0.05, 0.05), severity="info") for k in ids]
    bench = pd.DataFrame({"metric": ids, "value": 1.0, "direction": "higher"})
    return kpis, bench, metrics, rules


def _run_wide(inputs):
    kpis, bench, metrics, rules = inputs
    e = ev.evaluate(kpis, bench, month=MONTHS[-1], metrics=metrics, rules=rules)
    words.alert_records(e, "en")
    words.findings(e, "en")
    return e


def _region(region):
    ws = load_workspace(region)
    return ws.tables, ws.settings, ws.months()[-1]


def _run_region(inputs):
    tables, settings, month = inputs
    e = ev.evaluate_workspace(tables, settings, month)
    words.alert_records(e, "zh")
    specs.KPIS.view(e, "zh")
    words.findings(e, "zh")
    return e


CASES = [
    Case("evaluation: ledger, 240 months x 300 KPIs, 600 rules", setup=_wide_history, run=_run_wide),
    Case("evaluation: full pipeline on the region's kpis", setup=_region, run=_run_region),
]
