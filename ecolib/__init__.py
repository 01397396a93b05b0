"""ecolib: analytic workbook for industrial parks and development zones.

The public entry points, loaded on first use (``import ecolib`` stays quick)::

    import ecolib
    ws = ecolib.load_workspace("data/demo")           # read, validate, or raise with every problem
    ws, problems = ecolib.validate_workspace("data/demo")
    m = ecolib.analyse(ws, "2026-10")                 # every analysis of the month, each computed once
    m.gaps.priority, m.health.weakest, m.evaluation.alerts
    ecolib.datasets.tiny()                            # the small park of the tests and examples

The package is in layers, each folder importing only the ones before it (``tests/test_layers.py``):

=======================  =====================================================================
``ecolib.contract``      the tables a workspace holds and the vocabularies (stages, statuses …)
``ecolib.workspace``     reading and checking a workspace; ``workspace.yaml`` as typed settings
``ecolib.datasets``      the demo park, the tiny park, China's national input-output tables
``ecolib.foundations``   months, the chain tree, firms of a month, the firm-to-firm flow network
``ecolib.analyses``      pure analyses, tables in, results out; ``analyses.month`` composes them
``ecolib.presentation``  words (i18n, narrative), number formats, table specs, plots, widgets
``ecolib.notebook`` …    the notebook setup, the report runner (``report``), the CLI (``cli``)
=======================  =====================================================================

Short names reach the modules an analyst uses most: ``ecolib.gaps`` is
:mod:`ecolib.analyses.gaps`, likewise ``overview``, ``valuestream``, ``iotable``, ``genemap``,
``relatedness``, ``health``, ``evaluation``, ``niche``, ``month``, ``months``, ``chain``,
``schema``, ``settings``, ``rules``, ``numtext``, ``fmt``, ``escape``, ``i18n``, ``plots``.

Examples
--------
>>> import ecolib
>>> ws = ecolib.load_workspace(ecolib.datasets.tiny_path())
>>> ws.name
'tiny'
>>> "gaps" in dir(ecolib) and callable(ecolib.gaps.gap_analysis)
True
>>> ecolib.analyse(ws).month
'2026-03'
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_FUNCTIONS = {"load_workspace": "ecolib.workspace", "validate_workspace": "ecolib.workspace",
              "analyse": "ecolib.analyses.month", "load_model": "ecolib.analyses.month"}
#: Short names of the modules an analyst reaches for (``ecolib.gaps`` is ``ecolib.analyses.gaps``).
_MODULES = {
    "schema": "contract.schema",
    "workspace": "workspace", "settings": "workspace.settings", "rules": "workspace.rules",
    "numtext": "workspace.numtext",
    "months": "foundations.months", "chain": "foundations.chain",
    "overview": "analyses.overview", "valuestream": "analyses.valuestream", "iotable": "analyses.iotable",
    "genemap": "analyses.genemap", "relatedness": "analyses.relatedness", "health": "analyses.health",
    "gaps": "analyses.gaps", "evaluation": "analyses.evaluation", "niche": "analyses.niche",
    "month": "analyses.month",
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
