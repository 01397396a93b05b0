"""Plotly figure builders, one module per analysis, one theme (``theme.py``).

A plot function takes an analysis result (a DataFrame) and returns a ``go.Figure``; it never
computes metrics itself.
"""
from ecolib.presentation.plots.theme import TEMPLATE_NAME, apply_theme

__all__ = ["TEMPLATE_NAME", "apply_theme"]
