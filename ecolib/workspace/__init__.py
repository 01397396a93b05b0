"""Workspace loading: reading the tables of a workspace folder, parsing their cells, checking
them against the contract (:mod:`ecolib.contract.schema`), and reading ``workspace.yaml`` into
one typed settings object (:mod:`~ecolib.workspace.settings`, with the rule grammar of
:mod:`~ecolib.workspace.rules` and the one number parser of :mod:`~ecolib.workspace.numtext`).

Imports only the contract layer below it.
"""
from ecolib.workspace.load import Workspace, WorkspaceError, load_workspace, month_of, validate_workspace

__all__ = ["Workspace", "WorkspaceError", "load_workspace", "month_of", "validate_workspace"]
