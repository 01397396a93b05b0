"""Tables of the gene map: coverage by stage, the segments missing as a whole, the other
missing nodes, the single-firm and thin technology nodes, and the explorer's gap nodes of one
branch.

The rows come from :mod:`ecolib.analyses.genemap` (:func:`~ecolib.analyses.genemap.stage_counts`,
:func:`~ecolib.analyses.genemap.missing_segments`, :func:`~ecolib.analyses.genemap.gap_nodes`,
:func:`~ecolib.analyses.genemap.branch_gaps`, :func:`~ecolib.analyses.genemap.node_firms`);
here they get their names in the page's language and the texts of their firm lists. The page
shows narrow tables (short lists, "and N more", ★ for a core node, the fit with the park as a
score or "no evidence"); tables.xlsx gets the details (every firm, importance, the score as a
number). Sources: a :class:`~ecolib.analyses.genemap.GeneMap` (or its
:class:`~ecolib.analyses.genemap.Coverage` for :data:`STAGES`), and ``(GeneMap, root)`` for
:data:`BRANCH`.

Examples
--------
>>> from ecolib.datasets import tiny
>>> from ecolib.analyses.genemap import gene_map
>>> gm = gene_map(tiny().tables, "2026-03")
>>> SINGLE.view(gm, "en")[["node_label", "firms", "candidates", "fit"]]
  node_label              firms  candidates   fit
0  Lithium ★  Lithium Co (0.90)           0  1.00
1  Cathode ★  Cathode Co (0.80)           0  1.00
>>> print(STAGES.html(gm, "en", "CNY"))  # doctest: +ELLIPSIS
<table class="ecolib-table"><thead><tr><th class="">Stage</th>...
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ecolib.analyses.genemap import (Coverage, GeneMap, branch_gaps, gap_nodes, missing_segments, node_firms,
                                     stage_counts)
from ecolib.presentation.i18n import display_names, t
from ecolib.presentation.narrative.genemap import (evidence_text, firm_caps, firm_names, fit_range, fit_text, list_text,
                                                   node_label,
                                                   stage_names)
from ecolib.presentation.tables import Table

__all__ = ["STAGES", "MISSING_SEGMENTS", "MISSING", "SINGLE", "THIN", "BRANCH", "gap_view", "segment_view"]

#: Names shown in one cell of the page before "and N more" (the spreadsheet keeps them all).
SHOWN = 2


def _dash(values: pd.Series) -> np.ndarray:
    """Display column: text, '–' where missing or empty."""
    v = values.astype(object).to_numpy()
    return np.array(["–" if x is None or (isinstance(x, float) and np.isnan(x)) or x == "" else x for x in v],
                    dtype=object)


def _lists(labels: pd.DataFrame, node_ids: pd.Series, lang: str, limit: int | None) -> np.ndarray:
    """Per node of ``node_ids``, its ``labels`` (node_id, label) joined: the first ``limit``
    and "and N more" (None: all of them); '–' for none."""
    n = 10 ** 9 if limit is None else limit
    joined = labels.groupby("node_id")["label"].agg(lambda s: list_text(list(s), lang, n, kind="firm"))
    return _dash(node_ids.map(joined))


def _col(rows: pd.DataFrame, name: str, default) -> list:
    """A column of ``rows`` as a list, ``default`` in every row when it is absent."""
    return rows[name].tolist() if name in rows else [default] * len(rows)


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
        node_id, status, node and segment (names), node_label (the name, ★ for a core node),
        core ("yes" or empty), weight, firms, below, exited ('Name (capability)' lists of the
        qualifying firms, the active firms under the threshold and the firms that left,
        :data:`SHOWN` names then "and N more"; '–' for none), others (below and exited in one
        list, the page's cell), firms_all, below_all, exited_all (every name), candidates (0
        for none), feasibility (0–1; NaN where the node is related to nothing), fit (the
        score as text, "no evidence" where there is none), evidence (the related nodes the park
        has and how they relate, :func:`~ecolib.presentation.narrative.genemap.evidence_text`), no_evidence (bool),
        no_evidence_label ("yes" or "no" in ``lang``), related, related_all
        (names of the closest present nodes, three at most, and all of them), status_label
        (the status in ``lang``).
    """
    nodes = gm.coverage.nodes
    tree = gm.coverage.tree
    names = display_names(nodes, lang).set_axis(nodes["node_id"])
    seg_names = display_names(tree, lang).set_axis(tree["node_id"])
    fnames = firm_names(gm.firms, lang)
    links = node_firms(gm.coverage, rows["node_id"])
    fname = links["firm_id"].map(fnames).fillna(links["firm_id"])
    links["label"] = firm_caps(fname, links["capability"], lang)
    ids = rows["node_id"]
    lists = {}
    for role in ("qualifying", "below", "exited"):
        part = links[links["role"] == role]
        lists[role] = (_lists(part, ids, lang, SHOWN), _lists(part, ids, lang, None))
    others = pd.concat([
        links[links["role"] == "below"].assign(
            label=[t("genemap.others_below", lang, firm=f, cap=f"{c:.2f}")
                   for f, c in zip(fname[links["role"] == "below"], links.loc[links["role"] == "below", "capability"])]),
        links[links["role"] == "exited"].assign(
            label=[t("genemap.others_left", lang, firm=f) for f in fname[links["role"] == "exited"]])])
    no_ev = rows["no_evidence"].to_numpy(bool)
    feas = rows["feasibility"].to_numpy(np.float64)
    rel_names = [[str(names.get(i, i)) for i in r] for r in rows["related"]]   # ≤ 3 names each
    yes = t("genemap.yes", lang)
    core = rows["core"].to_numpy(bool)
    node = names.reindex(ids).to_numpy(object)
    return pd.DataFrame({
        "node_id": ids.to_numpy(object),
        "status": rows["status"].to_numpy(object),
        "node": node,
        "node_label": [node_label(n, c, lang) for n, c in zip(node, core)],
        "segment": rows["segment_id"].map(seg_names).to_numpy(object),
        "core": np.where(core, yes, "").astype(object),
        "weight": rows["weight"].to_numpy(np.float64),
        "firms": lists["qualifying"][0], "firms_all": lists["qualifying"][1],
        "below": lists["below"][0], "below_all": lists["below"][1],
        "exited": lists["exited"][0], "exited_all": lists["exited"][1],
        "others": _lists(others, ids, lang, SHOWN),
        "candidates": rows["candidates"].to_numpy(np.int64),        # a count: none on record is 0
        "feasibility": np.where(no_ev, np.nan, feas),
        "fit": [fit_text(f, ne, lang) for f, ne in zip(feas, no_ev)],
        "no_evidence": no_ev,
        "no_evidence_label": np.where(no_ev, yes, t("genemap.no", lang)).astype(object),
        "evidence": [evidence_text(n, k, lang) for n, k in zip(_col(rows, "related_present", 0), _col(rows, "evidence", "none"))],
        "related": _dash(pd.Series([list_text(r, lang, 3, kind="node") for r in rel_names], dtype=object)),
        "related_all": _dash(pd.Series([list_text(r, lang, len(r)) for r in rel_names], dtype=object)),
        "status_label": [t(f"genemap.status.{s}", lang) for s in rows["status"]],
    })


def segment_view(gm: GeneMap, lang: str = "en") -> pd.DataFrame:
    """The segments missing as a whole (:func:`ecolib.analyses.genemap.missing_segments`) with
    their texts.

    Parameters
    ----------
    gm : GeneMap
        The gene map (names of segments and nodes).
    lang : str
        Language of the names.

    Returns
    -------
    DataFrame
        segment_id, segment (name), stage (its name), nodes (names, ★ for a core node, six
        then "and N more"), nodes_all (every name), n_nodes, core (count), weight (summed
        importance), candidates (distinct firms), feasibility_min, feasibility_max (NaN
        without evidence), fit (the range as text), no_evidence (count), related (the closest
        segments the park has, with their local firms).

    Examples
    --------
    >>> from ecolib.datasets import tiny
    >>> from ecolib.analyses.genemap import gene_map
    >>> len(segment_view(gene_map(tiny().tables, "2026-03"), "en"))    # no segment missing as a whole
    0
    """
    seg = missing_segments(gm)
    nodes = gm.coverage.nodes.set_index("node_id")
    tree = gm.coverage.tree
    names = display_names(nodes.reset_index(), lang).set_axis(nodes.index)
    seg_names = display_names(tree, lang).set_axis(tree["node_id"])
    labels = [[node_label(names.get(i, i), bool(nodes.at[i, "core"]), lang) for i in ids] for ids in seg["nodes"]]
    related = [list_text([t("genemap.finding.segment_firms", lang, segment=seg_names.get(r, r), firms=int(n))
                          for r, n in zip(rs, fs)], lang, 3) for rs, fs in zip(seg["related"], seg["related_firms"])]
    return pd.DataFrame({
        "segment_id": seg["segment_id"].to_numpy(object),
        "segment": seg["segment_id"].map(seg_names).to_numpy(object),
        "stage": seg["segment_id"].map(stage_names(gm, lang)).fillna("–").to_numpy(object),
        "nodes": [list_text(x, lang, 6, kind="node") for x in labels],
        "nodes_all": [list_text(x, lang, len(x)) for x in labels],
        "n_nodes": [len(x) for x in labels],
        "core": seg["core"].to_numpy(np.int64),
        "weight": seg["weight"].to_numpy(np.float64),
        "candidates": seg["candidates"].to_numpy(np.int64),
        "feasibility_min": seg["feasibility_min"].to_numpy(np.float64),
        "feasibility_max": seg["feasibility_max"].to_numpy(np.float64),
        "fit": [fit_range(a, b, lang) for a, b in zip(seg["feasibility_min"], seg["feasibility_max"])],
        "no_evidence": seg["no_evidence"].to_numpy(np.int64),
        "related": _dash(pd.Series(related, dtype=object)),
    })


def _status_rows(status: str, whole_segments: bool = True):
    def rows(gm: GeneMap, lang: str, currency: str) -> pd.DataFrame:
        return gap_view(gm, gap_nodes(gm, status, whole_segments=whole_segments), lang)
    return rows


def _segment_rows(gm: GeneMap, lang: str, currency: str) -> pd.DataFrame:
    return segment_view(gm, lang)


def _branch_rows(source: tuple[GeneMap, str | None], lang: str, currency: str) -> pd.DataFrame:
    gm, root = source
    return gap_view(gm, branch_gaps(gm, root), lang)


def _output_reported(gm: GeneMap) -> bool:
    """True when at least one local firm of the firms table reports its output."""
    f = gm.firms
    if "output" not in f:
        return False
    local = f["local"].fillna(False).astype(bool) if "local" in f else pd.Series(True, index=f.index)
    return bool(pd.to_numeric(f.loc[local, "output"], errors="coerce").notna().any())


def _stage_rows(source: GeneMap | Coverage, lang: str, currency: str) -> pd.DataFrame:
    rows = stage_counts(source)
    label = rows["node_id"].map(stage_names(source, lang))
    if isinstance(source, GeneMap) and "output_main" in rows and not _output_reported(source):
        rows = rows.assign(output_main=np.nan)           # no firm reports output: unknown, not 0
    return rows.assign(name=pd.Series(label.to_numpy(object), index=rows.index, dtype=object))


#: The details every gap table writes to tables.xlsx (after its own first columns).
_DETAILS = {"node": "genemap.col.node", "segment": "common.segment", "core": "genemap.col.core",
            "weight": ("genemap.col.weight", "num1"), "firms_all": "genemap.col.firms",
            "below_all": "genemap.col.below", "exited_all": "genemap.col.exited",
            "candidates": ("genemap.col.candidates", "count"), "feasibility": ("genemap.col.feasibility", "num2"),
            "no_evidence_label": "genemap.col.no_evidence", "evidence": "genemap.col.evidence",
            "related_all": "genemap.col.related"}

#: Coverage by stage: technology nodes by status, core gaps, coverage rate, firms and output by
#: main activity (each firm once, as on the overview; the firms able to serve a stage's nodes,
#: which count a firm in every stage it works in, are left out: two firm counts side by side read
#: as a contradiction).
STAGES = Table("genemap.stages", rows=_stage_rows, max_rows=30, columns={
    "name": "common.stage", "leaves": ("genemap.col.nodes", "count"), "covered": ("genemap.status.covered", "count"),
    "thin": ("genemap.status.thin", "count"), "single": ("genemap.status.single", "count"),
    "missing": ("genemap.status.missing", "count"), "core_gaps": ("genemap.col.core_gaps", "count"),
    "coverage_rate": ("genemap.col.coverage_rate", "share"), "firms_main": ("genemap.col.firms_main", "count"),
    "output_main": ("common.output", "money")})

#: The segments missing as a whole, one row each with its nodes, the most important first.
MISSING_SEGMENTS = Table("genemap.missing_segments", rows=_segment_rows, max_rows=10, columns={
    "segment": "genemap.col.missing_segment", "nodes": "genemap.col.segment_nodes",
    "weight": ("genemap.col.weight_sum", "num1"), "candidates": ("genemap.col.candidates", "count"),
    "fit": "genemap.col.feasibility", "related": "genemap.col.related_segments"},
    export_columns={"segment": "genemap.col.missing_segment", "stage": "common.stage",
                    "nodes_all": "genemap.col.segment_nodes", "core": ("genemap.col.core_count", "count"),
                    "weight": ("genemap.col.weight_sum", "num1"), "candidates": ("genemap.col.candidates", "count"),
                    "feasibility_min": ("genemap.col.feasibility_low", "num2"),
                    "feasibility_max": ("genemap.col.feasibility_high", "num2"),
                    "no_evidence": ("genemap.col.no_evidence_count", "count"),
                    "related": "genemap.col.related_segments"})

#: The missing technology nodes outside the segments missing as a whole, core first, then by
#: importance.
MISSING = Table("genemap.missing", rows=_status_rows("missing", whole_segments=False), max_rows=25, columns={
    "node_label": "genemap.col.node_core", "segment": "common.segment", "weight": ("genemap.col.weight", "num1"),
    "exited": "genemap.col.exited", "candidates": ("genemap.col.candidates", "count"),
    "fit": "genemap.col.feasibility", "evidence": "genemap.col.evidence", "related": "genemap.col.related"},
    export_columns=_DETAILS)

#: The nodes one local firm carries, most fragile first.
SINGLE = Table("genemap.single", rows=_status_rows("single"), max_rows=25, columns={
    "node_label": "genemap.col.node_core", "segment": "common.segment", "firms": "genemap.col.the_firm",
    "others": "genemap.col.others", "candidates": ("genemap.col.candidates", "count"),
    "fit": "genemap.col.feasibility", "evidence": "genemap.col.evidence"}, export_columns=_DETAILS)

#: The nodes two local firms carry.
THIN = Table("genemap.thin", rows=_status_rows("thin"), max_rows=25, columns={
    "node_label": "genemap.col.node_core", "segment": "common.segment", "firms": "genemap.col.the_two",
    "others": "genemap.col.others", "candidates": ("genemap.col.candidates", "count"),
    "fit": "genemap.col.feasibility", "evidence": "genemap.col.evidence"}, export_columns=_DETAILS)

#: The explorer's gap nodes of one branch (source ``(gm, root)``), worst status first.
BRANCH = Table("genemap.branch", rows=_branch_rows, max_rows=200, columns={
    "node_label": "genemap.col.node_core", "segment": "common.segment", "status_label": "genemap.col.status",
    "firms": "genemap.col.firms", "candidates": ("genemap.col.candidates", "count"),
    "fit": "genemap.col.feasibility"})
