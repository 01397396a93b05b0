"""Hostile and broken input files (issue 12, the loader part): each is one clear message.

Every case here is refused or read safely, never with a traceback, and what the loader prints
stays small whatever the file holds: a link out of the workspace folder is not followed, a YAML
alias bomb is stopped before it is built, a workbook's declared size is not believed, a value
quoted in a message is clipped. Cases that are a folder of ordinary files live in the corpus
(tests/corpus/); the ones that need a symbolic link, a huge file or a monkeypatched error are
built here in a temporary folder. No assertion is about time: each case must finish with the
exact outcome (a hung case would time the run out).
"""
from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from conftest import TINY, write_tiny_park

from ecolib import cli
from ecolib.workspace import ROW_LIMIT, Problem, load_workspace, validate_workspace


def messages(folder: Path) -> list[str]:
    """Every problem of the workspace as ``ecolib validate`` prints it; loading never raises."""
    ws, problems = validate_workspace(folder)
    assert (ws is None) == any(p.is_error for p in problems)
    return [str(p) for p in problems]


def printed(folder: Path, capsys) -> str:
    cli.main(["validate", str(folder)])
    return capsys.readouterr().out


# --------------------------------------------------------------------------- workspace.yaml


def _alias_bomb(levels: int = 9) -> str:
    """The 'billion laughs': nine lists of nine aliases of the list before, under rules."""
    text = 'name: bomb\nrules:\n  - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for previous, name in zip("abcdefghi", "bcdefghij"[: levels - 1]):
        text += f"  - &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    return text


def test_yaml_alias_bomb_is_refused_with_one_message(tmp_path: Path, capsys) -> None:
    folder = write_tiny_park(tmp_path / "bomb", workspace_yaml=_alias_bomb())
    assert len((folder / "workspace.yaml").read_bytes()) < 400
    tracemalloc.start()
    assert messages(folder) == [
        "workspace.yaml: the file holds more than 10,000 values once its YAML aliases (*name) are expanded; "
        "settings are a few lines: write them out in full, without aliases"
    ]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50_000_000  # the document is never built (it would take gigabytes)
    assert len(printed(folder, capsys)) < 1_000


def test_yaml_aliases_that_expand_a_little_are_fine(tmp_path: Path) -> None:
    text = ("name: t\nrules:\n  - {metric: talent_gap, threshold: 0.2, action: &act Train people}\n"
            "  - {metric: policy_compliance, threshold: 0.6, action: *act}\n")
    ws = load_workspace(write_tiny_park(tmp_path / "p", workspace_yaml=text))
    assert [r["action"] for r in ws.settings["rules"]] == ["Train people", "Train people"]


def test_self_referencing_yaml_alias_is_refused(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml="name: t\nrules: &r\n  - *r\n")
    assert messages(folder) == [
        "workspace.yaml: the file holds more than 10,000 values once its YAML aliases (*name) are expanded; "
        "settings are a few lines: write them out in full, without aliases"
    ]


def test_values_quoted_from_settings_are_clipped(tmp_path: Path, capsys) -> None:
    long = "x" * 5_000
    text = (f"name: t\nwindow: {long}\nrules:\n  - [{', '.join(['1'] * 2_000)}]\n"
            + "".join(f"  - not a rule {n}\n" for n in range(100)) + f"{long[:900]}: 1\n")
    folder = write_tiny_park(tmp_path / "p", workspace_yaml=text)
    found = messages(folder)
    assert found[:2] == [
        "warning: workspace.yaml, key " + "x" * 59 + "…: not a known setting, ignored",
        "workspace.yaml, key window: expected a whole number ≥ 1, got '" + "x" * 59 + "…'",
    ]
    rules = [m for m in found if m.startswith("workspace.yaml, key rules")]
    assert rules[0] == ("workspace.yaml, key rules: entry 1: expected a mapping such as `metric: talent_gap` "
                        "followed by `threshold: 0.2`, got [1, 1, 1, 1, ...]")
    assert len(rules) == ROW_LIMIT + 1  # twenty, then a count
    assert rules[-1] == "workspace.yaml, key rules: ... and 81 more problems under this key"
    assert max(len(m) for m in found) < 300
    assert len(printed(folder, capsys)) < 6_000


def test_a_huge_settings_file_is_not_read(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml="name: t\n# " + "x" * 1_200_000 + "\n")
    assert messages(folder) == [
        "workspace.yaml: the file is 1.2 MB, too big for settings (at most 1 MB): it is not read; keep only "
        "the settings in it"
    ]


def test_deeply_nested_yaml_is_one_message(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml="rules: " + "[" * 5_000 + "]" * 5_000 + "\n")
    assert messages(folder) == [
        "workspace.yaml: the settings are nested too deeply to be read (lists inside lists, hundreds deep); "
        "settings are a few plain lines"
    ]


def test_a_number_with_thousands_of_digits_is_one_message(tmp_path: Path) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml="window: " + "9" * 6_000 + "\n")
    (problem,) = messages(folder)
    assert problem.startswith("workspace.yaml: a value cannot be read: ")
    assert len(problem) < 200


@pytest.mark.parametrize("name, reason", [
    ('"Riverside\\0Park"', "the text holds a control character (\\x00: a NUL, a tab or a line break); write it "
                           "on one line of plain characters"),
    ("|\n  Riverside\n  Park", "the text holds a control character (\\x0a: a NUL, a tab or a line break); write "
                               "it on one line of plain characters"),
    ("x" * 300, "the text is 300 characters long; at most 100 are allowed: shorten it"),
    ("🌊" * 70, "the name is too long to name the report folder (280 bytes in UTF-8, at most 255): shorten it"),
])
def test_workspace_name_must_fit_a_folder_name(tmp_path: Path, name: str, reason: str) -> None:
    folder = write_tiny_park(tmp_path / "p", workspace_yaml=f"name: {name}\n")
    assert messages(folder) == [f"workspace.yaml, key name: {reason}"]


def test_a_misspelt_threshold_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    text = "name: t\nthresholds:\n  niche_overlapp: 0.5\n  broken_link_share: 0.2\n"
    folder = write_tiny_park(tmp_path / "p", workspace_yaml=text)
    assert messages(folder) == [
        "workspace.yaml, key thresholds.niche_overlapp: not a key of thresholds (the keys are broken_link_share, "
        "dependence_share, niche_overlap), so it would be ignored (did you mean 'niche_overlap'?)"
    ]


def test_every_threshold_is_checked_at_load(tmp_path: Path) -> None:
    text = "name: t\nthresholds:\n  broken_link_share: 3\n"
    assert messages(write_tiny_park(tmp_path / "p", workspace_yaml=text)) == [
        "workspace.yaml, key thresholds: thresholds.broken_link_share must be in (0, 1], got 3.0"
    ]


def test_a_key_given_twice_names_both_lines(tmp_path: Path) -> None:
    text = ("name: t\nwindow: 3\ncurrency: CNY\nwindow: 6\npriority_weights:\n  importance: 0.5\n"
            "  importance: 0.3\nrules:\n  - metric: talent_gap\n    threshold: 0.2\n    threshold: 0.3\n")
    folder = write_tiny_park(tmp_path / "p", workspace_yaml=text)
    assert messages(folder) == [
        "workspace.yaml line 4, key window: given twice (lines 2 and 4); only the last would count: delete the "
        "one you do not mean",
        "workspace.yaml line 7, key priority_weights.importance: given twice (lines 6 and 7); only the last "
        "would count: delete the one you do not mean",
        "workspace.yaml line 11, key rules[1].threshold: given twice (lines 10 and 11); only the last would "
        "count: delete the one you do not mean",
    ]


def test_problem_messages_have_a_bounded_size() -> None:
    problem = Problem("flows.csv", 2, "x" * 500, "y" * 5_000)
    assert len(str(problem)) < 700
