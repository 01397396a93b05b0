"""``make bench``: time each analysis function on a synthetic region and report peak memory.

Cases live in ``benchmarks/bench_*.py`` (top level of the project): each module has a list
``CASES`` of :class:`Case`. A case's ``setup(region)`` builds its inputs (not timed) and its
``run(inputs)`` is timed. Every case runs in a fresh process, so the peak resident memory it
reports is its own (setup included). The region (100k firms, 1M flows, 500 technology nodes by
default) is built once by ``benchmarks/region.py`` and cached as a Parquet workspace under
``.bench/``.

``--report`` renders the monthly report of the region instead (every notebook, papermill, as
``ecolib report`` does) and prints the size of each page: every page must stay under
:data:`PAGE_LIMIT` (figures with very many points aggregate or sample). The test suite checks
that page sizes do not grow with the firm count on two small regions
(tests/test_size_guard.py); this is the full-size check.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "benchmarks"
#: The largest a report page may be (bytes), plotly.js included.
PAGE_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One timed case: ``setup(region)`` (not timed; ``region`` is None when the case does not
    need the synthetic region), ``run(inputs)`` timed ``repeat`` times. ``goal``: the issue's
    target, printed beside the figure. A ``run`` may return a list of rows (dicts) that compare
    ecolib with a reference implementation or give sizes: they are printed under the case and
    written to ``--json``. ``judge(result)`` (``result``: ``best_s``, ``median_s``, ``peak_mb``,
    ``largest_child_mb``, ``tree_peak_mb`` (this process and its kernels together), ``rows``) gives the case's lines of the goals table printed at the
    end: (goal, today's figure, met)."""
    name: str
    setup: Callable[[Path | None], Any]
    run: Callable[[Any], Any]
    repeat: int = 3
    needs_region: bool = True
    goal: str = ""
    judge: Callable[[dict], list[tuple[str, str, bool]]] | None = None


def within(goal: str, value: float | None, limit: float, unit: str, *, digits: int = 1) -> tuple[str, str, bool]:
    """A line of the goals table for a figure that must stay at most ``limit``.

    Examples
    --------
    >>> within("demo month report", 7.25, 8, "s")
    ('demo month report: ≤ 8 s', '7.2 s', True)
    """
    if value is None:
        return f"{goal}: ≤ {limit:g} {unit}", "not measured", False
    return f"{goal}: ≤ {limit:g} {unit}", f"{value:.{digits}f} {unit}", value <= limit


def at_least(goal: str, value: float | None, limit: float, unit: str = "×", *, digits: int = 1) -> tuple[str, str, bool]:
    """A line of the goals table for a figure that must reach ``limit``.

    Examples
    --------
    >>> at_least("io_model against pymrio", 1.19, 1)
    ('io_model against pymrio: ≥ 1 ×', '1.2 ×', True)
    """
    if value is None:
        return f"{goal}: ≥ {limit:g} {unit}", "not measured", False
    return f"{goal}: ≥ {limit:g} {unit}", f"{value:.{digits}f} {unit}", value >= limit


def first_row(result: dict, key: str):
    """``key`` of a case's first result row (``None`` without rows), for a ``judge``.

    Examples
    --------
    >>> first_row({"rows": [{"bundle_s": 12.5}]}, "bundle_s"), first_row({"rows": []}, "bundle_s")
    (12.5, None)
    """
    rows = result.get("rows") or []
    return rows[0].get(key) if rows else None


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    spec.loader.exec_module(module)
    return module


def discover(pattern: str | None = None, *, goals_only: bool = False) -> list[tuple[Path, Case]]:
    """The cases of ``benchmarks/bench_*.py`` whose name contains ``pattern`` (all: None); with
    ``goals_only``, only those with a line in the goals table (a ``judge``)."""
    cases = []
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        for case in getattr(_load(path), "CASES", []):
            if (not pattern or pattern in case.name) and (case.judge is not None or not goals_only):
                cases.append((path, case))
    return cases


class _TreePeak:
    """The largest resident memory of this process and all its descendants together (the kernels
    of a report run), sampled every ``every`` seconds in a thread while the case runs."""

    def __init__(self, every: float = 0.1) -> None:
        import threading

        self.every, self.peak = every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:           # ended between the listing and the reading
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def __enter__(self) -> "_TreePeak":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _child(path: str, name: str, region: str | None, queue) -> None:
    case = next(c for c in getattr(_load(Path(path)), "CASES") if c.name == name)
    with _TreePeak() as tree:
        inputs = case.setup(Path(region) if region else None)
        times, out = [], None
        for _ in range(case.repeat):
            out = None                     # the previous run's result does not count in this run's peak
            started = time.perf_counter()
            out = case.run(inputs)
            times.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [dict(r) for r in out] if isinstance(out, list) and all(isinstance(r, dict) for r in out) else []
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = {"case": name, "best_s": min(times), "median_s": sorted(times)[len(times) // 2], "peak_mb": peak_mb,
              "largest_child_mb": children_mb, "tree_peak_mb": max(tree.peak / 2**20, peak_mb), "goal": case.goal, "rows": json.loads(json.dumps(rows, default=str))}
    result["goals"] = [list(line) for line in case.judge(result)] if case.judge else []
    queue.put(result)


def _row_text(row: dict) -> str:
    return "  ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items())


def report_sizes(region: Path, month: str, out: Path) -> dict[str, int]:
    """Render every notebook for ``region`` and ``month`` into ``out``; the size of each page."""
    from ecolib.report import render

    started = time.perf_counter()
    result = render(region, [month], out=out, progress=lambda s: None)[0]
    print(f"report {month}: rendered in {time.perf_counter() - started:.1f} s, "
          f"{result.summary['analyses'][0]['headline'].get('local_firms', '?')} active local firms")
    return {p.name: p.stat().st_size for p in sorted(result.folder.glob("*.html"))}


def _report(region: Path, month: str) -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ecolib-bench-report-") as out:
        sizes = report_sizes(region, month, Path(out))
    print(f"{'page':<44}{'MB':>10}{'limit':>10}")
    for name, size in sizes.items():
        print(f"{name:<44}{size / 2**20:>10.2f}{'over' if size >= PAGE_LIMIT else 'ok':>10}")
    return 1 if any(size >= PAGE_LIMIT for size in sizes.values()) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ecolib-bench", description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--flows", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--only", default=None, help="run the cases whose name contains this text")
    parser.add_argument("--goals", action="store_true",
                        help="run only the cases of the goals table printed at the end")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument("--report", action="store_true",
                        help="render the region's monthly report instead and print page sizes "
                             f"(exit 1 if a page reaches {PAGE_LIMIT // 2**20} MB)")
    parser.add_argument("--month", default="2026-10", help="the month of --report")
    args = parser.parse_args(argv)

    cases = discover(args.only, goals_only=args.goals)
    region = None
    if args.report or any(case.needs_region for _, case in cases):   # built (or read from .bench/) only if needed
        region_module = _load(BENCH_DIR / "region.py")
        started = time.perf_counter()
        region = region_module.ensure_region(ROOT / ".bench", firms=args.firms, flows=args.flows, nodes=args.nodes)
        print(f"region {region.name}: ready in {time.perf_counter() - started:.1f} s")
    if args.report:
        return _report(region, args.month)
    ctx = mp.get_context("spawn")
    results = []
    print(f"{'case':<52}{'best s':>9}{'median s':>10}{'peak MB':>9}  goal")
    for path, case in cases:
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(str(path), case.name, str(region) if region else None, queue))
        proc.start()
        proc.join()
        if proc.exitcode != 0:
            print(f"{case.name:<52}{'failed (exit ' + str(proc.exitcode) + ')':>28}")
            continue
        r = queue.get()
        results.append(r)
        print(f"{r['case']:<52}{r['best_s']:>9.2f}{r['median_s']:>10.2f}{r['peak_mb']:>9.0f}  {r['goal']}")
        for row in r["rows"]:
            print(f"    {_row_text(row)}")
    goals = [line for r in results for line in r["goals"]]
    if goals:
        print(f"\n{'goal':<64}{'today':>16}  met")
        for goal, figure, met in goals:
            print(f"{goal:<64}{figure:>16}  {'yes' if met else 'NO'}")
        print(f"(load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}, "
              f"{os.cpu_count()} cores, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')})")
    if args.json:
        Path(args.json).write_text(json.dumps({"region": region.name if region else None, "results": results},
                                              indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
