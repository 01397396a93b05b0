"""ipywidgets explorers for JupyterLab, one module per analysis on one base class
(:class:`~ecolib.presentation.widgets.base.Explorer`). Notebooks show them only when run interactively on a
park with something to analyse (``ctx.explore``); reports never depend on them.

Modules are imported on first use, so ``import ecolib.presentation.widgets`` does not load every analysis.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from ecolib.presentation.widgets.base import Explorer, LiveFigure, redraw, table_box

_WHERE = {"MonthExplorer": "month", "ValueStreamExplorer": "valuestream", "GeneMapExplorer": "genemap",
          "ExitExplorer": "gaps", "PriorityExplorer": "gaps", "RuleExplorer": "evaluation",
          "NicheExplorer": "niche"}

__all__ = ["Explorer", "LiveFigure", "redraw", "table_box", *sorted(_WHERE)]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"ecolib.presentation.widgets.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'ecolib.presentation.widgets' has no attribute {name!r}")
