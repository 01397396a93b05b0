"""The ecolib command and the kernel set-up."""
from __future__ import annotations

import json
import sys

import pytest

from conftest import write_tiny_park
from ecolib import cli
from ecolib.report import KERNEL_NAME, ensure_kernel


def test_validate_ok_prints_a_summary(tiny_park, capsys):
    assert cli.main(["validate", str(tiny_park)]) == 0
    out = capsys.readouterr().out
    assert "Workspace 'tiny' is valid." in out
    assert "months: 2026-01 to 2026-03 (3 months)" in out
    assert "flows: no rows for 2026-02" in out
    assert "4 local, 1 external" in out


def test_validate_lists_every_problem_and_exits_1(tmp_path, capsys):
    ws = write_tiny_park(tmp_path / "bad",
                         flows_csv="month,source,target,value\n2026-01,F1,F9999,10\n2026-13,F1,F2,-5\n")
    assert cli.main(["validate", str(ws)]) == 1
    out = capsys.readouterr().out
    assert "flows.csv row 2, column target: 'F9999' is not a firm_id in firms" in out
    assert "flows.csv row 3, column month" in out
    assert "flows.csv row 3, column value" in out
    assert "Traceback" not in out


def test_demo_command_writes_a_valid_workspace(tmp_path, capsys):
    assert cli.main(["demo", str(tmp_path / "park")]) == 0
    assert cli.main(["validate", str(tmp_path / "park")]) == 0


def test_kernel_of_this_environment_wins_over_another_of_the_same_name(tmp_path, monkeypatch):
    """A kernelspec called 'ecolib' elsewhere on JUPYTER_PATH (another venv, a system python)
    must not run the notebooks."""
    from jupyter_client.kernelspec import KernelSpecManager

    foreign = tmp_path / "share" / "kernels" / KERNEL_NAME
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text(json.dumps(
        {"argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "foreign", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share"))
    assert KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv[0] == "/usr/bin/python3"
    ensure_kernel()
    assert KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv[0] == sys.executable


def test_demo_refuses_an_existing_workspace_unless_forced(tmp_path, capsys):
    ws = write_tiny_park(tmp_path / "mine")
    before = {p.name: p.read_bytes() for p in ws.iterdir()}
    assert cli.main(["demo", str(ws)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(ws) in err and "--force" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in ws.iterdir()} == before           # nothing overwritten
    assert cli.main(["demo", str(ws), "--force"]) == 0
    assert (ws / "flows.csv").read_bytes() != before["flows.csv"]
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert cli.main(["demo", str(tmp_path / "a-file")]) == 1
    assert "is a file" in capsys.readouterr().err


def test_write_demo_can_refuse_to_overwrite(tmp_path):
    import pytest

    from ecolib.datasets import write_demo

    (tmp_path / "workspace.yaml").write_text("name: mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match="workspace.yaml"):
        write_demo(tmp_path, overwrite=False)
    assert (tmp_path / "workspace.yaml").read_text(encoding="utf-8") == "name: mine\n"


def test_demo_sizes_and_seed_are_checked_as_usage(tmp_path, capsys):
    import pytest

    for args in (["--firms", "-3"], ["--firms", "0"], ["--flows", "0"], ["--flows", "-10"], ["--seed", "-1"],
                 ["--firms", "many"]):
        with pytest.raises(SystemExit) as stop:
            cli.main(["demo", str(tmp_path / "park"), *args])
        assert stop.value.code == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"argument {args[0]}" in err and "Traceback" not in err, err
    assert not (tmp_path / "park").exists()
    assert cli.main(["demo", str(tmp_path / "park"), "--seed", "0", "--firms", "60", "--flows", "1000"]) == 0


def test_report_single_file_writes_the_month_as_one_file(tmp_path, capsys):
    """``--single-file``: the month folder as always, and ``<out>/<id>/<lang>/<month>.html`` with the
    index and every page, plotly.js inlined once, loading nothing; a run without it removes an
    older one (it would disagree with the new folder)."""
    import re

    from plotly.offline import get_plotlyjs

    from ecolib.report import report_folder
    from ecolib.workspace import load_workspace

    ws = write_tiny_park(tmp_path / "tiny")
    out = tmp_path / "out"
    assert cli.main(["report", str(ws), "--month", "2026-03", "--out", str(out), "--only", "overview",
                     "--single-file"]) == 0
    folder = report_folder(load_workspace(ws), out, "en")              # <out>/tiny-<hash>/en/
    single = folder / "2026-03.html"
    assert f"as one file: {single}" in capsys.readouterr().out
    text = single.read_text(encoding="utf-8")
    assert text.count(get_plotlyjs()[:200]) == 1 and 'id="00_overview"' in text and 'href="#00_overview"' in text
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=", text)
    assert (folder / "2026-03" / "00_overview.html").is_file()                 # the folder as well
    assert sorted(p.name for p in folder.iterdir()) == ["2026-03", "2026-03.html", "_analyst", "index.html"]
    assert cli.main(["report", str(ws), "--month", "2026-03", "--out", str(out), "--only", "overview"]) == 0
    assert not single.exists()


def test_report_in_two_languages_in_one_run(tmp_path, capsys):
    """``--lang en zh``: each month in both languages, each language's folder and index of
    months, and the index of the languages; the output names each."""
    from ecolib.report import report_folder
    from ecolib.workspace import load_workspace

    ws = write_tiny_park(tmp_path / "tiny")
    out = tmp_path / "out"
    assert cli.main(["report", str(ws), "--month", "2026-02..2026-03", "--out", str(out), "--only", "overview",
                     "--lang", "en", "zh"]) == 0
    printed = capsys.readouterr().out
    for code in ("en", "zh"):
        folder = report_folder(load_workspace(ws), out, code)
        for month in ("2026-02", "2026-03"):
            assert f"Report for {month} ({code}): {folder / month / 'index.html'}" in printed
            summary = json.loads((folder / month / "summary.json").read_text(encoding="utf-8"))
            assert summary["lang"] == code and summary["month"] == month
        assert f"All months ({code}): {folder / 'index.html'}" in printed
    assert f"Every language: {folder.parent / 'index.html'}" in printed
    with pytest.raises(SystemExit) as usage:
        cli.main(["report", str(ws), "--month", "2026-03", "--lang", "fr"])
    assert usage.value.code == 2 and "'fr'" in capsys.readouterr().err
