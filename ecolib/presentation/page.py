"""The look of a page: the report's style sheet and the plotly options every figure shares."""
from __future__ import annotations

from importlib import resources

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def report_css() -> str:
    """The style sheet of every page (``ecolib/templates/ecolib/report.css``)."""
    return resources.files("ecolib").joinpath("templates/ecolib/report.css").read_text(encoding="utf-8")
