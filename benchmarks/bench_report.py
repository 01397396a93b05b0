"""The monthly report end to end on the demo park (data/demo): one month (six pages, as
``make report`` renders it) and the 12-month series, with the size of the client folder.

Goals of the speed issue: a demo month in ≤ 8 s wall on 2 cores, its folder ≤ 6 MB, the
12-month series ≤ 60 s; a workspace of the shape a real province's listed firms have (about 600
local firms, 4,000 outside firms, 500 technology nodes, 300k flows with a local firm at one end at
least) in ≤ 20 s; the synthetic region's month report (100k firms, 1M flows, 500 nodes) in ≤ 90 s
with at most 3 GB resident for the runner and its kernels together. The page sizes of the
region's report are ``make bench BENCH_ARGS="--report"``.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ecolib.bench import ROOT, Case, first_row, within

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


def _region(region) -> dict:
    return _out() | {"workspace": region}


def _region_month(i) -> list[dict]:
    return _province_month(i)


def _series(i) -> list[dict]:
    from ecolib.foundations.months import span
    from ecolib.report import render

    shutil.rmtree(i["out"], ignore_errors=True)
    months = span("2025-11", "2026-10")
    reports = render(DEMO, months, out=i["out"], progress=lambda s: None)
    return [{"months": len(reports), "folder_MB": round(sum(_folder_mb(r.folder) for r in reports), 1)}]


CASES = [
    Case("report: demo month, 6 pages (en)", setup=_out, run=_month, repeat=2, needs_region=False,
         goal="≤ 8 s, folder ≤ 6 MB",
         judge=lambda r: [within("demo month report, 6 pages, 2 cores", r["best_s"], 8, "s"),
                          within("demo month folder", first_row(r, "folder_MB"), 6, "MB")]),
    Case("report: demo 12-month series (en)", setup=_out, run=_series, repeat=1, needs_region=False,
         goal="≤ 60 s", judge=lambda r: [within("demo 12-month series", r["best_s"], 60, "s")]),
    Case("report: 600 local + 4,000 outside firms, 300k flows", setup=_province, run=_province_month,
         repeat=1, needs_region=False, goal="≤ 20 s",
         judge=lambda r: [within("600-firm workspace month report", r["best_s"], 20, "s")]),
    Case("report: the region's month (100k firms, 1M flows)", setup=_region, run=_region_month, repeat=1,
         goal="≤ 90 s, ≤ 3 GB (runner and kernels)",
         judge=lambda r: [within("100k-firm region month report", r["best_s"], 90, "s"),
                          within("100k-firm region month report, peak", r["tree_peak_mb"] / 1024, 3, "GB")]),
]
