"""One look for every figure: colours, a CJK-capable font stack, margins."""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "ecolib"

#: Fonts tried in order: Chinese-capable system fonts on Windows, macOS and Linux first, so
#: Chinese labels render on a client's machine with no network.
FONT_FAMILY = (
    '"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "WenQuanYi Micro Hei", "Segoe UI", "Helvetica Neue", Arial, sans-serif'
)

PALETTE = ["#1f6f8b", "#e07a1f", "#4c9f38", "#c0392b", "#7d5ba6", "#8c6d31", "#d35fa0",
           "#5f6b6d", "#b5a300", "#17a3b8"]

#: Fixed colours so a stage looks the same in every figure of every report.
STAGE_COLOURS = {
    "upstream": "#1f6f8b",
    "midstream": "#e07a1f",
    "downstream": "#4c9f38",
    "service": "#7d5ba6",
    "external": "#9aa5ab",
    "unassigned": "#c8cdd0",
}

#: Coverage-status colours, shared by the gene map and the overview.
STATUS_COLOURS = {
    "missing": "#c0392b",
    "single": "#e67e22",
    "thin": "#f1c40f",
    "covered": "#27ae60",
}


def _template() -> go.layout.Template:
    tpl = go.layout.Template(pio.templates["plotly_white"])
    tpl.layout.font = dict(family=FONT_FAMILY, size=13, color="#263238")
    # title pinned to the top of the figure, legend just above the plot area: they never overlap
    tpl.layout.title = dict(font=dict(size=16), x=0.0, xanchor="left", y=0.98, yanchor="top", yref="container")
    tpl.layout.colorway = PALETTE
    tpl.layout.margin = dict(l=60, r=30, t=96, b=50)
    tpl.layout.legend = dict(orientation="h", yanchor="bottom", y=1.02, x=0)
    tpl.layout.hoverlabel = dict(font=dict(family=FONT_FAMILY))
    return tpl


def apply_theme() -> None:
    """Register the ``ecolib`` template and make it the default (idempotent)."""
    pio.templates[TEMPLATE_NAME] = _template()
    pio.templates.default = TEMPLATE_NAME


apply_theme()
