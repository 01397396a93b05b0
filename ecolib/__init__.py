"""ecolib: analytic workbook for industrial parks and development zones.

The public entry points, loaded on first use (``import ecolib`` stays quick)::

    import ecolib
    ws = ecolib.load_workspace("data/demo")           # read, validate, or raise with every problem
    ws, problems = ecolib.validate_workspace("data/demo")
    ecolib.gaps.gap_analysis(ws.tables, ws.settings, "2026-10")
    ecolib.datasets.tiny()                            # the small park of the tests and examples

Analyses (pure: tables in, results out): :mod:`~ecolib.valuestream`, :mod:`~ecolib.iotable`,
:mod:`~ecolib.genemap`, :mod:`~ecolib.relatedness`, :mod:`~ecolib.health`, :mod:`~ecolib.gaps`,
:mod:`~ecolib.evaluation`, :mod:`~ecolib.niche`, :mod:`~ecolib.overview`; foundations:
:mod:`~ecolib.months`, :mod:`~ecolib.chain`, :mod:`~ecolib.rules` (metrics, rules, formulas);
settings: :mod:`~ecolib.settings` (``workspace.yaml`` parsed once, typed), :mod:`~ecolib.numtext`
(the one number parser); presentation: :mod:`~ecolib.plots`,
:mod:`~ecolib.escape`, :mod:`~ecolib.fmt`, :mod:`~ecolib.i18n`.

Examples
--------
>>> import ecolib
>>> ws = ecolib.load_workspace(ecolib.datasets.tiny_path())
>>> ws.name
'tiny'
>>> "gaps" in dir(ecolib) and callable(ecolib.gaps.gap_analysis)
True
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_FUNCTIONS = {"load_workspace": "ecolib.workspace", "validate_workspace": "ecolib.workspace"}
#: Short names of the modules an analyst reaches for (``ecolib.gaps`` is ``ecolib.analyses.gaps``).
_MODULES = {
    "schema": "contract.schema",
    "workspace": "workspace", "settings": "workspace.settings", "rules": "workspace.rules",
    "numtext": "workspace.numtext",
    "months": "foundations.months", "chain": "foundations.chain",
    "overview": "analyses.overview", "valuestream": "analyses.valuestream", "iotable": "analyses.iotable",
    "genemap": "analyses.genemap", "relatedness": "analyses.relatedness", "health": "analyses.health",
    "gaps": "analyses.gaps", "evaluation": "analyses.evaluation", "niche": "analyses.niche",
    "fmt": "presentation.fmt", "escape": "presentation.escape", "i18n": "presentation.i18n",
    "plots": "presentation.plots",
    "datasets": "datasets", "report": "report",
}

__all__ = ["__version__", *sorted(_FUNCTIONS), *_MODULES]


def __getattr__(name: str) -> Any:
    if name in _FUNCTIONS:
        return getattr(import_module(_FUNCTIONS[name]), name)
    if name in _MODULES:
        return import_module(f"ecolib.{_MODULES[name]}")
    raise AttributeError(f"module 'ecolib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
