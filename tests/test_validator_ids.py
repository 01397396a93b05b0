"""The validator on real identifiers: stock codes with and without their exchange suffix, one
line per distinct unknown value (with its rows and count), a repeated id with two names, and
``ecolib validate … | head`` without a traceback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import write_tiny_park

from ecolib.workspace import validate_workspace


def _errors(folder: Path) -> list[str]:
    _, problems = validate_workspace(folder)
    return [str(p) for p in problems if p.is_error]


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_an_exchange_suffix_written_in_one_table_only(tiny_park):
    _edit(tiny_park, "firms.csv", "\nF1,", "\n301025,")
    _edit(tiny_park, "firm_nodes.csv", "\nF1,", "\n301025.SZ,")
    _edit(tiny_park, "flows.csv", ",F1,", ",301025,")
    _edit(tiny_park, "flows.csv", "\nF1,", "\n301025,")
    errors = _errors(tiny_park)
    suffix = [e for e in errors if "'301025.SZ' is not a firm_id in firms" in e]
    assert suffix and "did you mean '301025'? the stock-exchange suffix" in suffix[0], errors


def test_each_unknown_value_once_with_its_rows(tiny_park):
    text = (tiny_park / "firm_nodes.csv").read_text(encoding="utf-8").splitlines()
    header, rows = text[0], text[1:]
    fields = header.split(",")
    col = fields.index("firm_id")
    out = [header]
    for i, line in enumerate(rows):
        cells = line.split(",")
        cells[col] = "GHOST" if i < 3 else cells[col]
        out.append(",".join(cells))
    (tiny_park / "firm_nodes.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    errors = [e for e in _errors(tiny_park) if "GHOST" in e and "is not a firm_id" in e]
    assert len(errors) == 1, errors                       # one line for the value, not one per row
    assert "row 2, column firm_id" in errors[0] and "also in rows 3, 4 (3 rows in all)" in errors[0]


def test_a_repeated_id_with_two_names_names_both(tiny_park):
    lines = (tiny_park / "firms.csv").read_text(encoding="utf-8").splitlines()
    first = next(line for line in lines[1:] if line.startswith("F2,"))
    lines.append(first.replace(first.split(",")[1], "Someone Else", 1))
    (tiny_park / "firms.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = [e for e in _errors(tiny_park) if "'F2'" in e and "firms.csv" in e]
    assert errors and "here as 'Someone Else'" in errors[0] and "two firms sharing one id" in errors[0], errors


def test_validate_into_a_closed_pipe_has_no_traceback(tiny_park):
    # a long list of problems into a reader that stops after one line
    lines = (tiny_park / "flows.csv").read_text(encoding="utf-8").splitlines()
    body = [lines[0]] + [f"{lines[1].split(',')[0]},NOPE{i},1,goods" for i in range(2000)]
    (tiny_park / "flows.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
    run = subprocess.run(f'"{sys.executable}" -m ecolib.cli validate "{tiny_park}" | head -1',
                         shell=True, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr, run.stderr
    assert run.stdout.strip()


def test_a_column_empty_in_every_row_is_warned_once(tiny_park):
    import pandas as pd
    firms = pd.read_csv(tiny_park / "firms.csv", dtype=str)
    firms["output"] = ""
    firms.to_csv(tiny_park / "firms.csv", index=False)
    _, problems = validate_workspace(tiny_park)
    warned = [str(p) for p in problems if p.column == "output"]
    assert warned == ["warning: firms.csv, column output: no row of the park's own firms has a value: annual "
                      "output, output per area, the largest firms by output and output shares will show as not "
                      "reported"], warned
    assert not any(p.is_error for p in problems)
