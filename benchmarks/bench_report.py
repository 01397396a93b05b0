"""The monthly report end to end on the demo park (data/demo): one month (six pages, as
``make report`` renders it) and the 12-month series, with the size of the client folder.

Goals of the speed issue: a demo month in ≤ 8 s wall on 2 cores, its folder ≤ 6 MB, the
12-month series ≤ 60 s. The 100k-firm region's report is ``make bench BENCH_ARGS="--report"``.

A workspace of the shape a real province's listed firms have (about 600 local firms, 4,000
outside firms, 500 technology nodes, 300k flows with a local firm at one end at least) renders
its month report in ≤ 30 s (the real-data issue's goal).
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ecolib.bench import ROOT, Case

DEMO = ROOT / "data" / "demo"


def _out(region=None) -> dict:
    from ecolib.report import ensure_kernel

    ensure_kernel()                       # registered once, outside the timing
    return {"out": Path(tempfile.mkdtemp(prefix="ecolib-bench-report-"))}


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def _month(i) -> list[dict]:
    from ecolib.report import render

    shutil.rmtree(i["out"], ignore_errors=True)
    r = render(DEMO, ["2026-10"], out=i["out"], progress=lambda s: None)[0]
    pages = sorted(r.folder.glob("*.html"))
    return [{"month": "2026-10", "folder_MB": round(_folder_mb(r.folder), 2), "goal_MB": 6,
             "largest_page_MB": round(max(p.stat().st_size for p in pages) / 2**20, 2),
             **{f"{k}_s": round(v, 2) for k, v in r.seconds.items()}}]


def _province(region=None) -> dict:
    import region as synthetic           # benchmarks/region.py (on the path while cases load)

    inputs = _out()
    inputs["workspace"] = synthetic.ensure_region(ROOT / ".bench", firms=4_600, flows=300_000, nodes=500,
                                                  local_firms=600)
    return inputs


def _province_month(i) -> list[dict]:
    from ecolib.report import render

    shutil.rmtree(i["out"], ignore_errors=True)
    r = render(i["workspace"], ["2026-10"], out=i["out"], progress=lambda s: None)[0]
    return [{"local_firms": r.summary["analyses"][0]["headline"].get("local_firms"),
             "folder_MB": round(_folder_mb(r.folder), 2), **{f"{k}_s": round(v, 2) for k, v in r.seconds.items()}}]


def _series(i) -> list[dict]:
    from ecolib.foundations.months import span
    from ecolib.report import render

    shutil.rmtree(i["out"], ignore_errors=True)
    months = span("2025-11", "2026-10")
    reports = render(DEMO, months, out=i["out"], progress=lambda s: None)
    return [{"months": len(reports), "folder_MB": round(sum(_folder_mb(r.folder) for r in reports), 1)}]


CASES = [
    Case("report: demo month, 6 pages (en)", setup=_out, run=_month, repeat=2, needs_region=False,
         goal="≤ 8 s, folder ≤ 6 MB"),
    Case("report: 600 local + 4,000 outside firms, 300k flows", setup=_province, run=_province_month,
         repeat=1, needs_region=False, goal="≤ 30 s"),
    Case("report: demo 12-month series (en)", setup=_out, run=_series, repeat=1, needs_region=False,
         goal="≤ 60 s"),
]
