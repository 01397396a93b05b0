"""Size guard: a report page does not grow with the firm count, so every page of a report on a
100k-firm region stays under 10 MB.

Figures with very many points must aggregate or sample (firm networks show the strongest
links, heatmaps the most important nodes, ...). The regions are the benchmark generator's
(500 technology nodes, 1.5 flows per firm), at 3k and 15k firms (both above the size where the
connector ranking switches from exact to sampled betweenness, so both take the path a large
region takes): every page of the larger one may carry at most 20 % more data (the page without
the inlined plotly.js) than the same page of the smaller one, and the page size extrapolated
linearly to 100k firms stays under the limit. The pages are the report's own (the notebooks,
``collect_records``, ``to_html``), the notebooks run in one process (``render_in_process`` in
conftest.py; their sizes match a papermill render to the footer's bytes).

The full-size check renders the 100k-firm region with ``ecolib report``'s runner:
``make bench BENCH_ARGS="--report --flows 150000"`` (ecolib/bench.py), a measurement, not a test.
"""
from __future__ import annotations

import sys

import pytest

from conftest import ROOT, render_in_process
from ecolib.bench import PAGE_LIMIT

SMALL, LARGE, TARGET = 3_000, 15_000, 100_000
GROWTH = 1.20          # the larger region's page may carry at most 20 % more data


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from region import ensure_region

    cache = tmp_path_factory.mktemp("region")
    regions = {str(firms): ensure_region(cache, firms=firms, flows=firms * 3 // 2, nodes=500) for firms in (SMALL, LARGE)}
    pages = render_in_process(regions, "2026-10", tmp_path_factory.mktemp("out"))
    return {int(firms): report for firms, report in pages.items()}


def _sizes(report) -> dict[str, tuple[int, int]]:
    """Per page: (size in bytes, size without the inlined plotly.js)."""
    from plotly.offline import get_plotlyjs

    plotly_js = get_plotlyjs()
    sizes = {}
    for page in sorted(report.folder.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        size = page.stat().st_size
        sizes[page.name] = (size, size - text.count(plotly_js) * len(plotly_js.encode("utf-8")))
    return sizes


def test_pages_do_not_grow_with_the_firm_count(reports):
    small, large = _sizes(reports[SMALL]), _sizes(reports[LARGE])
    assert sorted(small) == sorted(large) and len(large) >= 7, large       # six notebooks and the index
    for name in large:
        (size_s, data_s), (size_l, data_l) = small[name], large[name]
        assert size_s < PAGE_LIMIT and size_l < PAGE_LIMIT, (name, size_s, size_l)
        assert data_l <= GROWTH * data_s, f"{name}: {data_s} bytes at {SMALL} firms, {data_l} at {LARGE}"
        at_target = size_l + max(0, size_l - size_s) * (TARGET - LARGE) / (LARGE - SMALL)
        assert at_target < PAGE_LIMIT, f"{name}: {at_target / 2**20:.1f} MB extrapolated to {TARGET} firms"
    for firms, report in reports.items():
        assert report.summary["analyses"][0]["headline"]["local_firms"] > 0.8 * firms
