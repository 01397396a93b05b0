"""Tables of the gene map: coverage by stage, the missing, single-firm and thin technology
nodes, and the explorer's gap nodes of one branch.

The rows come from :mod:`ecolib.analyses.genemap` (:func:`~ecolib.analyses.genemap.stage_counts`,
:func:`~ecolib.analyses.genemap.gap_nodes`, :func:`~ecolib.analyses.genemap.branch_gaps`,
:func:`~ecolib.analyses.genemap.node_firms`); here they get their names in the page's language
and the texts of their firm lists. Sources: a :class:`~ecolib.analyses.genemap.GeneMap` (or its
:class:`~ecolib.analyses.genemap.Coverage` for :data:`STAGES`), and ``(GeneMap, root)`` for
:data:`BRANCH`.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.genemap import gene_map
>>> gm = gene_map(tiny().tables, "2026-03")
>>> SINGLE.view(gm, "en")[["node", "firms", "candidates"]]
      node              firms  candidates
0  Lithium  Lithium Co (0.90)           0
1  Cathode  Cathode Co (0.80)           0
>>> print(STAGES.html(gm, "en", "CNY"))  # doctest: +ELLIPSIS
<table class="ecolib-table"><thead><tr><th class="">Stage</th>...
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.analyses.genemap import Coverage, GeneMap, branch_gaps, gap_nodes, node_firms, stage_counts
from ecolib.presentation.i18n import display_names, t
from ecolib.presentation.narrative.genemap import firm_caps, firm_names, list_text, stage_label
from ecolib.presentation.tables import Table

__all__ = ["STAGES", "MISSING", "SINGLE", "THIN", "BRANCH", "gap_view"]


def _dash(values: pd.Series) -> np.ndarray:
    """Display column: text, '–' where missing or empty."""
    v = values.astype(object).to_numpy()
    return np.array(["–" if x is None or (isinstance(x, float) and np.isnan(x)) or x == "" else x for x in v],
                    dtype=object)


def gap_view(gm: GeneMap, rows: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Rows of :func:`ecolib.analyses.genemap.gap_nodes` (or ``branch_gaps``) with their texts.

    Parameters
    ----------
    gm : GeneMap
        The gene map the rows are of (names of nodes, segments and firms).
    rows : DataFrame
        Gap node rows (node_id, status, segment_id, core, weight, candidates, feasibility,
        no_evidence, related).
    lang : str
        Language of the names.

    Returns
    -------
    DataFrame
        node_id, status, node and segment (names), core ("yes" or empty), weight, firms,
        below, exited ('Name (capability)' lists of the qualifying firms, the active firms
        under the threshold and the firms that left; '–' for none), candidates (0 for none),
        feasibility (0–1), no_evidence, related (names of the closest present
        nodes), status_label (the status in ``lang``).
    """
    nodes = gm.coverage.nodes
    tree = gm.coverage.tree
    names = display_names(nodes, lang).set_axis(nodes["node_id"])
    seg_names = display_names(tree, lang).set_axis(tree["node_id"])
    fnames = firm_names(gm.firms, lang)
    links = node_firms(gm.coverage, rows["node_id"])
    links["label"] = firm_caps(links["firm_id"].map(fnames).fillna(links["firm_id"]), links["capability"], lang)
    lists = {role: links[links["role"] == role].groupby("node_id")["label"].agg(lambda s: list_text(list(s), lang, 3))
             for role in ("qualifying", "below", "exited")}
    related = [list_text([str(names.get(i, i)) for i in ids], lang, 3) for ids in rows["related"]]  # ≤ 3 names each
    yes = t("genemap.yes", lang)
    return pd.DataFrame({
        "node_id": rows["node_id"].to_numpy(object),
        "status": rows["status"].to_numpy(object),
        "node": names.reindex(rows["node_id"]).to_numpy(object),
        "segment": rows["segment_id"].map(seg_names).to_numpy(object),
        "core": np.where(rows["core"].to_numpy(bool), yes, "").astype(object),
        "weight": rows["weight"].to_numpy(np.float64),
        "firms": _dash(rows["node_id"].map(lists["qualifying"])),
        "below": _dash(rows["node_id"].map(lists["below"])),
        "exited": _dash(rows["node_id"].map(lists["exited"])),
        "candidates": rows["candidates"].to_numpy(np.int64),        # a count: none on record is 0
        "feasibility": rows["feasibility"].to_numpy(np.float64),
        "no_evidence": rows["no_evidence"].to_numpy(bool),
        "related": _dash(pd.Series(related, dtype=object)),
        "status_label": [t(f"genemap.status.{s}", lang) for s in rows["status"]],
    })


def _status_rows(status: str):
    def rows(gm: GeneMap, lang: str, currency: str) -> pd.DataFrame:
        return gap_view(gm, gap_nodes(gm, status), lang)
    return rows


def _branch_rows(source: tuple[GeneMap, str | None], lang: str, currency: str) -> pd.DataFrame:
    gm, root = source
    return gap_view(gm, branch_gaps(gm, root), lang)


def _stage_rows(source: GeneMap | Coverage, lang: str, currency: str) -> pd.DataFrame:
    rows = stage_counts(source)
    names = display_names(rows, lang)
    label = [stage_label(s, lang) if not pd.isna(s) else n for s, n in zip(rows["stage"], names)]  # a few stages
    return rows.assign(name=pd.Series(label, index=rows.index, dtype=object))


_GAP = {"node": "genemap.col.node", "segment": "common.segment", "core": "genemap.col.core",
        "weight": ("genemap.col.weight", "num1")}

#: Coverage by stage: technology nodes by status, core gaps, coverage rate, firms, output.
STAGES = Table("genemap.stages", rows=_stage_rows, columns={
    "name": "common.stage", "leaves": ("genemap.col.nodes", "count"), "covered": ("genemap.status.covered", "count"),
    "thin": ("genemap.status.thin", "count"), "single": ("genemap.status.single", "count"),
    "missing": ("genemap.status.missing", "count"), "core_gaps": ("genemap.col.core_gaps", "count"),
    "coverage_rate": ("genemap.col.coverage_rate", "share"), "firms_main": ("genemap.col.firms_main", "count"),
    "output_main": ("common.output", "money"), "firms": ("genemap.col.qualifying_firms", "count")})

#: The missing technology nodes, core first, then by importance.
MISSING = Table("genemap.missing", rows=_status_rows("missing"), columns={
    **_GAP, "exited": "genemap.col.exited", "candidates": ("genemap.col.candidates", "count"),
    "feasibility": ("genemap.col.feasibility", "share"), "related": "genemap.col.related"})

#: The nodes one local firm carries, most fragile first.
SINGLE = Table("genemap.single", rows=_status_rows("single"), columns={
    **_GAP, "firms": "genemap.col.the_firm", "below": "genemap.col.below", "exited": "genemap.col.exited",
    "candidates": ("genemap.col.candidates", "count"), "feasibility": ("genemap.col.feasibility", "share")})

#: The nodes two local firms carry.
THIN = Table("genemap.thin", rows=_status_rows("thin"), columns={
    **_GAP, "firms": "genemap.col.firms", "below": "genemap.col.below",
    "candidates": ("genemap.col.candidates", "count"), "feasibility": ("genemap.col.feasibility", "share")})

#: The explorer's gap nodes of one branch (source ``(gm, root)``), worst status first.
BRANCH = Table("genemap.branch", rows=_branch_rows, max_rows=200, columns={
    "node": "genemap.col.node", "segment": "common.segment", "status_label": "genemap.col.status",
    "firms": "genemap.col.firms", "candidates": ("genemap.col.candidates", "count"),
    "feasibility": ("genemap.col.feasibility", "share")})
