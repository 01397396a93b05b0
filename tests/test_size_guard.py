"""Size guard: every page of a report on a 100k-firm region stays under 10 MB.

Figures with very many points must aggregate or sample (firm networks show the strongest
links, heatmaps the most important nodes, ...). The region is the benchmark generator's,
at 100k firms but with fewer flows than the benchmark to keep the test short.
"""
from __future__ import annotations

import sys

import pytest

from conftest import ROOT

LIMIT = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def big_report(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from region import ensure_region

    from ecolib.report import render

    region = ensure_region(tmp_path_factory.mktemp("region"), firms=100_000, flows=150_000, nodes=500)
    return render(region, ["2026-10"], out=tmp_path_factory.mktemp("out"), progress=lambda s: None)[0]


def test_every_page_of_a_100k_firm_report_is_under_10_mb(big_report):
    pages = sorted(big_report.folder.glob("*.html"))
    assert len(pages) >= 2
    sizes = {p.name: p.stat().st_size for p in pages}
    assert all(size < LIMIT for size in sizes.values()), sizes
    assert big_report.summary["analyses"][0]["headline"]["local_firms"] > 80_000
