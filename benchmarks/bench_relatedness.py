"""Relatedness and economic complexity: ecolib against the Growth Lab's ``ecomplexity``, side by
side, on synthetic location × activity tables (1,000 × 500 and 5,000 × 1,000); ecolib alone at
20,000 × 2,000, where ``ecomplexity`` would need dense 20,000 × 20,000 matrices.

Inputs: a long table (year, location, activity, value) of the non-zero cells of the matrix
(about 8 % of the cells; every location has its own scale and every activity its own
popularity, so RCA varies), and at 5,000 × 1,000 also the **full** table (the same values and
a 0 in every other cell, as the Atlas panels are). Implementations:

* ``ecomplexity``: ``ecomplexity.ecomplexity`` on the long table (RCA threshold 1, discrete
  symmetric proximity: the defaults; without its optional log-supermodularity check, which
  ecolib does not do either; it returns every location × activity cell);
* ``ecolib panel``: :func:`ecolib.analyses.relatedness.complexity_panel` on the same long table
  (returns the rows of the table);
* ``ecolib matrix``: :func:`ecolib.analyses.relatedness.complexity` on the wide dense
  DataFrame (pivoted in the setup, not timed).

Each implementation runs in a fresh process of its own (``python bench_relatedness.py
--measure ...``): input built (not timed), the call timed (best of ``repeat``, the result
dropped between runs), peak resident memory of that process (setup included) as ``make bench``
measures it. A comparison case of ``make bench`` runs the three for one input and returns one
row per implementation with the ratios to ``ecomplexity`` (× faster, × less peak memory); its
own time and peak are those of the driver, not of the implementations. ``python
benchmarks/bench_relatedness.py [--only TEXT]`` prints the same rows as a table.

``ecomplexity`` is a benchmark-only dependency (the ``bench`` extra); it is imported only here,
in the process that runs it; without it, its rows say so and the ecolib rows have no ratios.
"""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pandas as pd

from ecolib.analyses import relatedness
from ecolib.bench import Case, at_least, within

YEAR = 2025
COLUMNS = {"time": "year", "loc": "location", "prod": "activity", "val": "value"}
COMPARED = [(1_000, 500, False), (5_000, 1_000, False), (5_000, 1_000, True)]
LARGE = (20_000, 2_000)
#: Runs per implementation (best of): ecomplexity takes about a minute at 5,000 × 1,000.
REPEAT = {"ecomplexity": {1_000: 3, 5_000: 1}, "ecolib panel": {1_000: 3, 5_000: 3}, "ecolib matrix": {1_000: 3, 5_000: 3}}


def long_table(n: int, k: int, *, full: bool = False, seed: int = 11) -> pd.DataFrame:
    """The non-zero cells (``full``: all cells) of an ``n × k`` location × activity matrix as a
    long table, built by blocks of rows (no dense ``n × k`` array, so that the setup does not
    set the peak)."""
    rng = np.random.default_rng(seed)
    popularity = rng.beta(0.6, 4.0, k) * 0.6
    scale = rng.lognormal(0.0, 1.0, n)
    locations = pd.Index([f"L{i:05d}" for i in range(n)], dtype="str")
    activities = pd.Index([f"A{j:04d}" for j in range(k)], dtype="str")
    rows, cols, values = [], [], []
    block = max(1, 2_000_000 // k)
    for start in range(0, n, block):
        present = rng.random((min(block, n - start), k)) < popularity[None, :]
        r, c = np.nonzero(present)
        v = rng.lognormal(10.0, 2.0, len(r)) * scale[r + start]
        if full:  # the same values, and a 0 in every other cell
            dense = np.zeros(present.shape)
            dense[r, c] = v
            r, c = np.divmod(np.arange(dense.size), k)
            v = dense.ravel()
        rows.append((r + start).astype(np.int32))
        cols.append(c.astype(np.int32))
        values.append(v)
    r, c = np.concatenate(rows), np.concatenate(cols)
    return pd.DataFrame({"year": YEAR, "location": locations.take(r), "activity": activities.take(c),
                         "value": np.concatenate(values)})


def _wide(n: int, k: int, full: bool = False) -> pd.DataFrame:
    return relatedness.from_long(long_table(n, k, full=full), location="location", activity="activity",
                                 value="value")


def _ecomplexity(df: pd.DataFrame) -> pd.DataFrame:
    import warnings

    from ecomplexity import ecomplexity  # benchmark-only dependency (the bench extra)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ecomplexity(df, COLUMNS, verbose=False, check_logsupermodularity=False)


def _panel(df: pd.DataFrame) -> pd.DataFrame:
    return relatedness.complexity_panel(df, location="location", activity="activity", value="value", time="year")


#: implementation → (setup(n, k, full), run(inputs))
IMPLEMENTATIONS = {
    "ecomplexity": (lambda n, k, full: long_table(n, k, full=full), _ecomplexity),
    "ecolib panel": (lambda n, k, full: long_table(n, k, full=full), _panel),
    "ecolib matrix": (_wide, relatedness.complexity),
}


def _measure_here(impl: str, n: int, k: int, full: bool, repeat: int) -> dict:
    """Time ``impl`` in this process (best of ``repeat``); peak resident memory, setup included."""
    import resource
    import time

    setup, run = IMPLEMENTATIONS[impl]
    inputs = setup(n, k, full)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run(inputs)  # the result is dropped before the next run
        times.append(time.perf_counter() - started)
    return {"best_s": min(times), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(impl: str, n: int, k: int, full: bool = False, repeat: int = 3) -> dict:
    """Time and peak of ``impl`` on the ``n × k`` input, in a fresh process of its own."""
    cmd = [sys.executable, __file__, "--measure", impl, str(n), str(k), "full" if full else "nonzero", str(repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["exit " + str(proc.returncode)])[-1]
        return {"error": last[:120]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _label(n: int, k: int, full: bool = False) -> str:
    return f"relatedness {n:,} × {k:,}{' full' if full else ''}"


def compare(spec: tuple[int, int, bool]) -> list[dict]:
    """One row per implementation on one input: seconds (best run), peak MB and, for ecolib,
    how many times faster and how many times less peak memory than ``ecomplexity``."""
    n, k, full = spec
    impls = ["ecomplexity", "ecolib panel"] + ([] if full else ["ecolib matrix"])
    rows, base = [], None
    for impl in impls:
        r = measure(impl, n, k, full, REPEAT[impl][n])
        row = {"implementation": impl}
        if "error" in r:
            rows.append(row | {"error": r["error"]})
            continue
        row |= {"s": round(r["best_s"], 3), "peak MB": round(r["peak_mb"])}
        if impl == "ecomplexity":
            base = r
        elif base:
            row |= {"× faster": round(base["best_s"] / r["best_s"], 1),
                    "× less memory": round(base["peak_mb"] / r["peak_mb"], 2)}
        rows.append(row)
    return rows


_CASE_FIELDS = {f.name for f in dataclasses.fields(Case)}


def _case(name: str, setup, run, *, repeat: int = 3, goal: str = "", judge=None) -> Case:
    # needs_region / goal / judge exist in newer versions of ecolib.bench only
    extra = {"needs_region": False, "goal": goal, "judge": judge}
    return Case(name, setup=setup, run=run, repeat=repeat, **{k: v for k, v in extra.items() if k in _CASE_FIELDS})


def _judge(label: str):
    """The goals of the speed issue on one compared input: each ecolib path ≥ 20× faster than
    ``ecomplexity``, and the panel path's peak at most half of ``ecomplexity``'s."""
    def judge(r: dict) -> list:
        rows = {row["implementation"]: row for row in r["rows"]}
        lines = [at_least(f"{label}, {impl} path, speed vs ecomplexity", rows.get(f"ecolib {impl}", {}).get("× faster"),
                          20) for impl in ("panel", "matrix") if f"ecolib {impl}" in rows]
        lines.append(at_least(f"{label}, panel path, memory vs ecomplexity",
                              rows.get("ecolib panel", {}).get("× less memory"), 2, digits=2))
        return lines
    return judge


CASES = [
    _case(f"{_label(n, k, full)} vs ecomplexity", setup=lambda r, s=(n, k, full): s, run=compare, repeat=1,
          goal="ecolib ≥ 20× faster (both paths), panel peak ≤ ½ ecomplexity's" if n == 5_000 else "",
          judge=_judge(_label(n, k, full)) if n == 5_000 else None)
    for n, k, full in COMPARED
] + [
    _case(f"{_label(*LARGE)}: ecolib panel", setup=lambda r: long_table(*LARGE), run=_panel, repeat=1,
          goal="peak ≤ 4 GB", judge=lambda r: [within(f"{_label(*LARGE)}, panel path, peak", r["peak_mb"] / 1024, 4,
                                                     "GB", digits=2)]),
    _case(f"{_label(*LARGE)}: ecolib matrix", setup=lambda r: _wide(*LARGE), run=relatedness.complexity, repeat=1),
]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="compare on the inputs whose label contains this text")
    parser.add_argument("--measure", nargs=5, metavar=("IMPL", "N", "K", "CELLS", "REPEAT"),
                        help="(internal) time one implementation in this process and print JSON")
    args = parser.parse_args(argv)
    if args.measure:
        impl, n, k, cells, repeat = args.measure
        print(json.dumps(_measure_here(impl, int(n), int(k), cells == "full", int(repeat))))
        return 0
    print(f"{'input':<34}{'implementation':<16}{'s':>9}{'peak MB':>9}{'× faster':>10}{'× less mem':>12}")
    for spec in COMPARED:
        if args.only and args.only not in _label(*spec):
            continue
        for row in compare(spec):
            if "error" in row:
                print(f"{_label(*spec):<34}{row['implementation']:<16}  {row['error']}")
                continue
            ratios = f"{row['× faster']:>10.1f}{row['× less memory']:>12.2f}" if "× faster" in row else ""
            print(f"{_label(*spec):<34}{row['implementation']:<16}{row['s']:>9.2f}{row['peak MB']:>9.0f}{ratios}",
                  flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
