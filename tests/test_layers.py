"""The layers point one way, and the folder layout says which layer a module is in.

contract → workspace loading (and the built-in datasets) → foundations → analyses →
presentation → notebook context, report runner, CLI (the modules at the top of the package).
Every import of every module (at the top or inside a function) is parsed with ``ast``; an
import of a higher layer fails, and so does any import of i18n, plotly, ipywidgets or IPython
below the presentation layer, or a ``lang`` parameter in an analysis. No exceptions list.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ecolib"

#: Layer of each top-level folder of the package; modules directly in ``ecolib/`` are the top.
RANK = {"contract": 0, "workspace": 1, "datasets": 1, "foundations": 2, "analyses": 3, "presentation": 4}
TOP = 5
NAMES = {0: "contract", 1: "workspace loading", 2: "foundations", 3: "analyses", 4: "presentation",
         5: "notebook context, report runner, CLI"}
#: Third-party packages only the presentation layer and above may use.
PRESENTATION_ONLY = {"plotly", "ipywidgets", "IPython", "anywidget", "nbformat", "nbconvert", "papermill"}
#: ... and of those, the ones only the top (and the widgets) may use.
TOP_ONLY = {"nbformat", "nbconvert", "papermill"}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rank(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:                       # ecolib itself
        return TOP
    return RANK.get(parts[1], TOP)


def imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, str(path))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.module == "__future__":
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if target == "ecolib":            # from ecolib import analyses, workspace …
                out += [(node.lineno, f"ecolib.{alias.name}") for alias in node.names]
            else:
                out.append((node.lineno, target))
    return out


def test_every_module_sits_in_a_layer_folder_or_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "bench.py", "cli.py", "notebook.py", "pdf.py", "report.py"]
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert folders == sorted(RANK)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path):
    here = module_name(path)
    mine = rank(here)
    wrong = []
    for line, target in imports(path):
        root = target.split(".")[0]
        if root == "ecolib":
            if rank(target) > mine:
                wrong.append(f"line {line}: {target} ({NAMES[rank(target)]}) from {NAMES[mine]}")
        elif root in PRESENTATION_ONLY and mine < RANK["presentation"]:
            wrong.append(f"line {line}: {target} below the presentation layer")
        elif root in TOP_ONLY and mine < TOP:
            wrong.append(f"line {line}: {target} is for the report runner only")
    assert not wrong, f"{here} imports against the layers:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", [p for p in modules() if rank(module_name(p)) < RANK["presentation"]],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_nothing_below_presentation_takes_a_language(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    takes = [f"line {f.lineno}: {f.name}()" for f in ast.walk(tree)
             if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
             and any(a.arg == "lang" for a in f.args.args + f.args.kwonlyargs + f.args.posonlyargs)]
    assert not takes, f"{module_name(path)} has functions that take a language:\n" + "\n".join(takes)


def test_the_checker_sees_a_wrong_import():
    """The parser finds lazy imports inside functions and relative ones."""
    fake = PACKAGE / "analyses" / "probe.py"          # parsed from text, never written
    source = "def f():\n    from ecolib.presentation import i18n\n    from ..notebook import setup\n    import plotly\n"
    found = [t for _, t in imports(fake, source)]
    assert found == ["ecolib.presentation", "ecolib.notebook", "plotly"]
    assert all(rank(t) > rank(module_name(fake)) for t in found[:2])


def _strings_outside_docstrings(tree: ast.AST) -> list[ast.Constant]:
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


@pytest.mark.parametrize("path", [p for p in modules() if module_name(p).split(".")[1:2] in (["analyses"], ["foundations"])],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_analyses_hold_no_words_of_a_language(path):
    """Words a reader sees live in the presentation layer: no Chinese text in the code of an
    analysis or a foundation (docstrings may quote the seed's terms), and no English label
    written for a page (a test on CJK only: English identifiers are everywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    cjk = [f"line {n.lineno}: {n.value[:40]!r}" for n in _strings_outside_docstrings(tree)
           if any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in n.value)]
    assert not cjk, f"{module_name(path)} holds Chinese text outside docstrings:\n" + "\n".join(cjk)
