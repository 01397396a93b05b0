"""A valid workspace with nothing to analyse still gets a report that says so.

Three such parks, each valid: every local firm has exited by the month; no firm is inside the
park; the chain is its root node alone. Every page renders, says at the top why there is
nothing to analyse and which list would change that, and says under every heading that there
is nothing here, with no chart, table, card or finding standing in for data (a 0 would read
as a measurement).

The pages of the two parks that run all six notebooks are built in one process
(``render_in_process`` in conftest.py: the notebooks, ``collect_records``, ``to_html`` and
``month_index`` of the report); the third goes through ``ecolib report``'s runner (papermill,
a kernel per notebook, publishing), so the runner's path for an empty park is covered too.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import render_in_process, write_tiny_park
from ecolib.notebook import nothing_to_analyse
from ecolib.report import render
from ecolib.workspace import load_workspace

ALL_EXITED = """\
firm_id,name,zone,local,anchor,employees,output,area,patents,status,exit_month
F1,Lithium Co,North,true,false,10,100,10,1,exited,2026-01
F2,Cathode Co,North,true,false,20,200,20,2,exited,2026-02
F3,Cell Co,South,true,true,100,1000,100,10,exited,2026-03
F4,Pack Co,South,true,false,5,50,5,0,exited,2026-02
X1,Outside Supplier,,false,false,50,500,0,0,active,
"""
NONE_LOCAL = """\
firm_id,name,zone,local,anchor,employees,output,area,patents,status,exit_month
F1,Lithium Co,North,false,false,10,100,10,1,active,
F2,Cathode Co,North,false,false,20,200,20,2,active,
F3,Cell Co,South,false,true,100,1000,100,10,active,
F4,Pack Co,South,false,false,5,50,5,0,active,
X1,Outside Supplier,,false,false,50,500,0,0,active,
"""
ROOT_ONLY = {
    "chain_nodes_csv": "node_id,name,parent_id,name_zh,stage,weight,core\nC,EV chain,,新能源汽车链,,1,false\n",
    "chain_edges_csv": "source,target,weight\n",
    "firm_nodes_csv": "firm_id,node_id,capability,share\nF1,C,0.9,1\nF2,C,0.8,1\nF3,C,1.0,1\nF4,C,0.7,1\nX1,C,0.9,1\n",
}


def test_the_reason_is_found_from_the_tables(tmp_path):
    cases = {
        "all_exited": (write_tiny_park(tmp_path / "a", firms_csv=ALL_EXITED), "common.nothing.none_active"),
        "none_local": (write_tiny_park(tmp_path / "b", firms_csv=NONE_LOCAL), "common.nothing.no_local"),
        "root_only": (write_tiny_park(tmp_path / "c", **ROOT_ONLY), "common.nothing.root_only"),
        "tiny": (write_tiny_park(tmp_path / "d"), None),
    }
    for name, (folder, expected) in cases.items():
        ws = load_workspace(folder)
        reason = nothing_to_analyse(ws.tables, "2026-03")
        assert (reason[0] if reason else None) == expected, name
    ws = load_workspace(cases["all_exited"][0])
    # F3 leaves in 2026-03: in 2026-02 the park still has an active local firm
    assert nothing_to_analyse(ws.tables, "2026-02") is None
    assert nothing_to_analyse(ws.tables, "2026-03") == ("common.nothing.none_active", {"local": 4, "month": "2026-03"})


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


FILES = {"all_exited": {"firms_csv": ALL_EXITED}, "none_local": {"firms_csv": NONE_LOCAL}, "root_only": ROOT_ONLY}
IN_PROCESS = ("all_exited", "root_only")


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    """The six pages of each park of IN_PROCESS, all built in one process."""
    base = tmp_path_factory.mktemp("empty")
    return render_in_process({case: write_tiny_park(base / case, **FILES[case]) for case in IN_PROCESS},
                             "2026-03", base / "out")


@pytest.mark.parametrize("case, only", [("all_exited", None), ("root_only", None),
                                        ("none_local", ["gene_map", "niche_positioning"])])
def test_each_page_says_there_is_nothing_to_analyse(request, tmp_path, case, only):
    if case in IN_PROCESS:
        report = request.getfixturevalue("in_process")[case]
    else:                                                   # ecolib report's runner
        ws = write_tiny_park(tmp_path / case, **FILES[case])
        report = render(ws, ["2026-03"], only=only, out=tmp_path / "out", progress=lambda s: None)[0]
    pages = sorted(p for p in report.folder.glob("*.html") if p.name != "index.html")
    assert len(pages) == (6 if only is None else len(only))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        text = _text(html)
        assert "Nothing to analyse for 2026-03" in text, page.name
        headings = len(re.findall(r'<div class="ecolib-section"[^>]*><h2>', html))
        assert headings >= 1 and text.count("Nothing to analyse here") == headings, page.name
        assert "Plotly.newPlot" not in html and '<table class="ecolib-table"' not in html, page.name
        assert 'class="ecolib-card"' not in html and 'class="ecolib-findings"' not in html, page.name
    index = (report.folder / "index.html").read_text(encoding="utf-8")
    assert 'class="ecolib-card"' not in index


def test_notebooks_run_interactively_on_a_park_with_nothing_to_analyse(tmp_path):
    """In JupyterLab the same pages run top to bottom; no explorer is built on an empty park."""
    import json

    from IPython.display import display

    from conftest import ROOT

    ws = write_tiny_park(tmp_path / "empty", firms_csv=ALL_EXITED)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        scope = {"display": display}
        for cell in cells:
            exec("".join(cell["source"]), scope)
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                scope.update(workspace=str(ws), month="2026-03", lang="zh", interactive=True)
        assert scope["ctx"].nothing[0] == "common.nothing.none_active" and not scope["ctx"].explore, path.name
        assert "explorer" not in scope, path.name
