"""JupyterLab as analysts use it: the session's workspace and month (``ECOLIB_WORKSPACE`` /
``ECOLIB_MONTH``, ``ecolib-lab.yaml``), setup errors as one box without a traceback, the month
picker of every notebook, saves that keep ``notebooks/`` as committed, and ``make lab``."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from conftest import ROOT, write_tiny_park
from ecolib.notebook import (LAB_FILE, MONTH_ENV, WORKSPACE_ENV, NotebookStopped, SetupError, session_choice,
                             setup, strip_on_save, write_lab_file)

NOTEBOOKS = ROOT / "notebooks"
#: The tiny park's KPIs with an indicator a default warning rule watches, so that the dynamic
#: evaluation has checks (and its month picker) too.
KPIS = """\
    month,metric,value
    2026-01,output,100
    2026-01,tech_substitution_index,0.50
    2026-02,output,110
    2026-02,tech_substitution_index,0.70
    2026-03,output,120
    2026-03,tech_substitution_index,0.65
    """


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project folder: ``data/tiny``, ``notebooks/`` and the lab file naming the tiny park at
    2026-02; no session variables set."""
    monkeypatch.delenv(WORKSPACE_ENV, raising=False)
    monkeypatch.delenv(MONTH_ENV, raising=False)
    write_tiny_park(tmp_path / "data" / "tiny", kpis_csv=KPIS)
    (tmp_path / "notebooks").mkdir()
    write_lab_file(tmp_path / LAB_FILE, workspace="data/tiny", month="2026-02")
    return tmp_path


# ------------------------------------------------------------------------------ the choice
def test_the_lab_file_is_found_from_the_notebook_folder_and_the_environment_wins(project):
    lab, notebooks = project / LAB_FILE, project / "notebooks"
    assert session_choice(start=notebooks, environ={}) == (project / "data" / "tiny", "2026-02",
                                                           {"workspace": str(lab), "month": str(lab)})
    assert session_choice(None, "2026-01", start=notebooks, environ={})[1:] == ("2026-01", {"workspace": str(lab)})
    # either variable set: the file is not read at all (its month belongs to its workspace)
    assert session_choice(start=notebooks, environ={WORKSPACE_ENV: "/parks/a"}) == \
        ("/parks/a", None, {"workspace": WORKSPACE_ENV})
    # a notebook that names its own workspace takes nothing from the session
    assert session_choice("../data/demo", None, start=notebooks, environ={MONTH_ENV: "2026-09"}) == \
        ("../data/demo", None, {})


def test_interactive_setup_uses_the_session_and_a_report_run_ignores_it(project, monkeypatch):
    monkeypatch.chdir(project / "notebooks")
    ctx = setup(None, None, interactive=True)
    assert (ctx.model.name, ctx.month) == ("tiny", "2026-02")
    monkeypatch.setenv(WORKSPACE_ENV, str(project / "data" / "tiny"))
    monkeypatch.setenv(MONTH_ENV, "2026-01")
    assert setup(None, None, interactive=True).month == "2026-01"
    with pytest.raises(SetupError, match="no workspace chosen") as caught:
        setup(None, None, interactive=False)
    assert not isinstance(caught.value, NotebookStopped)


@pytest.mark.parametrize("workspace, month, message", [
    ("data/tinyy", None, "tinyy"),
    ("data/tiny", "2026-13", "is not YYYY-MM"),
    ("data/tiny", "2026-07", "no data for 2026-07: workspace tiny covers 2026-01..2026-03"),
    (None, None, "no workspace chosen"),
])
def test_setup_errors_stop_an_interactive_notebook_quietly(project, monkeypatch, workspace, month, message):
    monkeypatch.chdir(project)
    (project / LAB_FILE).unlink()
    with pytest.raises(NotebookStopped, match=message) as caught:
        setup(workspace, month, interactive=True)
    assert caught.value._render_traceback_() == []          # IPython prints no traceback for it
    with pytest.raises(SetupError, match=message) as caught:  # a report run fails as before
        setup(workspace, month, interactive=False)
    assert not isinstance(caught.value, NotebookStopped)


def test_make_lab_writes_and_keeps_the_choice(project, monkeypatch, capsys):
    """What make lab runs before JupyterLab (python -m ecolib.notebook lab), from the project folder."""
    from ecolib.notebook import _lab_main

    monkeypatch.chdir(project)

    def lab(*args: str) -> tuple[int, str, str]:
        code = _lab_main([str(project / LAB_FILE), "--default-workspace", "data/tiny", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    assert "month 2026-02" in lab()[1]                                          # make lab alone keeps it
    assert "month 2026-03" in lab("--month", "2026-03")[1]
    assert "workspace data/tiny, month latest" in lab("--workspace", "data/tiny")[1]   # a park: its latest
    assert lab("--workspace", "data/tinyy")[::2] == (2, f"make lab: no workspace folder data/tinyy in {project}\n")
    assert lab("--month", "2026-13")[0] == 2
    assert "workspace data/tiny, month latest" in lab()[1]                      # unchanged by the failures
    (project / LAB_FILE).unlink()
    assert "workspace data/tiny, month latest" in lab()[1]                      # none yet: the default
    monkeypatch.setenv(WORKSPACE_ENV, "/parks/a")
    assert f"{WORKSPACE_ENV} set in this shell win" in lab()[1]


# ------------------------------------------------------------------------------ notebooks run as an analyst
def _outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_an_analyst_run_takes_the_session_workspace_and_month(project, monkeypatch, tmp_path):
    """papermill as an analyst runs a notebook: interactive, ECOLIB_WORKSPACE and ECOLIB_MONTH
    set, into a folder of its own (no lab file above it)."""
    run = tmp_path / "run"
    run.mkdir()
    monkeypatch.setenv(WORKSPACE_ENV, str(project / "data" / "tiny"))
    monkeypatch.setenv(MONTH_ENV, "2026-02")
    nb = pm.execute_notebook(str(NOTEBOOKS / "00_overview.ipynb"), str(run / "out.ipynb"), kernel_name="ecolib",
                             parameters={"interactive": True}, cwd=str(run), progress_bar=False)
    html = "".join(o.get("data", {}).get("text/html", "") for o in _outputs(nb))
    assert "Report for 2026-02" in html and "tiny" in html
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in _outputs(nb))  # the picker
    assert not [o for o in _outputs(nb) if o.output_type == "error"]


@pytest.mark.parametrize("case", ["typo", "month"])
def test_a_bad_workspace_or_month_is_one_box_and_no_traceback(project, monkeypatch, tmp_path, case):
    run = tmp_path / "run"
    run.mkdir()
    params = {"interactive": True}
    if case == "typo":
        monkeypatch.setenv(WORKSPACE_ENV, str(project / "data" / "tinyy"))
    else:
        params.update(workspace=str(project / "data" / "tiny"), month="2026-13")
    with pytest.raises(pm.PapermillExecutionError) as caught:
        pm.execute_notebook(str(NOTEBOOKS / "02_gene_map.ipynb"), str(run / "out.ipynb"), kernel_name="ecolib",
                            parameters=params, cwd=str(run), progress_bar=False)
    assert caught.value.ename == "NotebookStopped"
    nb = nbformat.read(run / "out.ipynb", as_version=4)
    outputs = _outputs(nb)
    boxes = [o for o in outputs if 'class="ecolib-problems"><' in o.get("data", {}).get("text/html", "")]
    errors = [o for o in outputs if o.output_type == "error"]
    assert len(boxes) == 1 and len(errors) == 1 and errors[0]["traceback"] == []
    text = json.dumps(outputs)
    assert "Traceback" not in text and "File \\\"" not in text and "\\u001b[" not in text
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    box = boxes[0]["data"]["text/html"]
    assert ("the workspace folder does not exist" in box and WORKSPACE_ENV in box) if case == "typo" else \
        "2026-13" in box
    setup_cell = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "setup(" in c.source)
    assert all(not c.outputs for c in nb.cells[setup_cell + 1:] if c.cell_type == "code")   # the run stopped


def test_a_report_run_still_fails_on_a_bad_month(project, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    with pytest.raises(pm.PapermillExecutionError) as caught:
        pm.execute_notebook(str(NOTEBOOKS / "02_gene_map.ipynb"), str(run / "out.ipynb"), kernel_name="ecolib",
                            parameters={"workspace": str(project / "data" / "tiny"), "month": "2026-13",
                                        "interactive": False}, cwd=str(run), progress_bar=False)
    assert caught.value.ename == "SetupError" and "2026-13" in caught.value.evalue and caught.value.traceback


def test_every_notebook_has_a_month_picker_that_redraws(project, monkeypatch):
    """Each notebook run interactively (cell by cell, as in the lab) has a month picker over
    the workspace's months; picking a month redraws its figures."""
    import ecolib.notebook

    def display(*args, **kwargs):      # nothing to show outside a kernel
        pass

    monkeypatch.setattr(ecolib.notebook, "display", display)
    ws = project / "data" / "tiny"
    changed = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        scope = {"display": display}
        for cell in cells:
            exec(cell.source, scope)
            if "parameters" in cell.metadata.get("tags", []):
                scope.update(workspace=str(ws), month="2026-03", interactive=True)
        picker = scope.get("picker")
        assert picker is not None, path.name
        assert list(picker.picker.options) == ["2026-01", "2026-02", "2026-03"] and picker.picker.value == "2026-03"
        before = [f.to_json() for f in picker.build("2026-03")]
        picker.picker.value = "2026-01"                         # as a user picking another month
        changed[path.stem] = before != [f.to_json() for f in picker.build("2026-01")]
        assert scope["ctx"].month == "2026-03"                  # the page stays at its month
    assert changed["00_overview"] and changed["01_value_stream"] and changed["02_gene_map"]


# ------------------------------------------------------------------------------ saving
def _with_lab_leftovers(source: Path) -> dict:
    """The notebook as the lab saves it after a run: outputs, counts, the kernel's language
    details, widget state, cell timings."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    nb["metadata"]["language_info"].update(version="3.11.2", mimetype="text/x-python", file_extension=".py")
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    for n, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell.update(execution_count=n + 1, outputs=[{"output_type": "stream", "name": "stdout", "text": "42\n"}])
        cell["metadata"]["execution"] = {"iopub.status.busy": "2026-10-01T10:00:00Z"}
    return nb


def test_a_save_in_the_lab_writes_the_notebook_as_committed(tmp_path, monkeypatch):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    source = NOTEBOOKS / "00_overview.ipynb"
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.setenv("ECOLIB_NOTEBOOKS", str(tmp_path / "notebooks"))
    cm = FileContentsManager(root_dir=str(tmp_path))
    cm.pre_save_hook = strip_on_save                 # as make lab sets it
    for where in ("notebooks", "work"):
        cm.save({"type": "notebook", "format": "json", "content": _with_lab_leftovers(source)},
                f"{where}/{source.name}")
    assert (tmp_path / "notebooks" / source.name).read_bytes() == source.read_bytes()
    kept = nbformat.read(tmp_path / "work" / source.name, as_version=4)        # elsewhere: as saved
    assert any(c.outputs for c in kept.cells if c.cell_type == "code")


# ------------------------------------------------------------------------------ make lab
def _make_lab_line(tmp_path: Path, uid: int) -> str:
    fake = tmp_path / f"bin{uid}"
    fake.mkdir()
    (fake / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (fake / "id").chmod(0o755)
    out = subprocess.run(["make", "-n", "-C", str(ROOT), "lab", f"LAB_FILE={tmp_path / LAB_FILE}"],
                         env={**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}, capture_output=True, text=True,
                         check=True).stdout
    return out[out.index("jupyter lab"):]


def test_make_lab_allows_root_only_as_root(tmp_path):
    assert "--allow-root" in _make_lab_line(tmp_path, 0)
    assert "--allow-root" not in _make_lab_line(tmp_path, 1000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, method: str = "GET", body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_the_project_folder_and_saves_clean(tmp_path):
    """``make lab`` as this user (root in CI): the server starts, its root is the project folder,
    it opens at notebooks/, and saving a tracked notebook after a run leaves it as committed."""
    port, token = _free_port(), "labtest"
    lab_file = tmp_path / LAB_FILE
    server = subprocess.Popen(
        ["make", "-s", "-C", str(ROOT), "lab", f"LAB_FILE={lab_file}", f"WORKSPACE={ROOT / 'data' / 'biomed'}",
         "MONTH=2026-09", f"LAB_ARGS=--no-browser --port {port} --IdentityProvider.token={token}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    source = NOTEBOOKS / "00_overview.ipynb"
    committed = source.read_bytes()
    try:
        deadline = time.monotonic() + 120
        while not (_port_open(port) and _get(f"{base}/api/status?token={token}")[0] == 200):
            assert server.poll() is None, server.stdout.read()
            assert time.monotonic() < deadline, "the lab did not start"
            time.sleep(0.5)
        assert "month: 2026-09" in lab_file.read_text(encoding="utf-8")
        status, headers, _ = _get(f"{base}/?token={token}")
        assert status == 302 and headers["Location"].startswith("/lab/tree/notebooks")
        status, _, body = _get(f"{base}/api/contents?token={token}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert {"notebooks", "data", "reports"} <= names
        status, _, _ = _get(f"{base}/api/contents/notebooks/{source.name}?token={token}", "PUT",
                            {"type": "notebook", "format": "json", "content": _with_lab_leftovers(source)})
        assert status == 200
        assert source.read_bytes() == committed
    finally:
        if source.read_bytes() != committed:
            source.write_bytes(committed)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0
