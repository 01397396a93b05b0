"""Issue 14 on the gene map: the evidence behind the fit with the park, the minimum support of a
co-occurrence, stage nodes named by name when they share a category, and charts that scale.

Numbers computed by hand on the tiny park (tests/conftest.py): F2 masters N.CATH (0.8) and N.CELL
(0.4), the only firm on two nodes; the chain edges are N.LI → N.CATH → N.CELL → N.PACK.
"""
from __future__ import annotations

import numpy as np
import pytest

from ecolib.analyses import genemap as G
from ecolib.datasets import tiny as tiny_workspace
from ecolib.presentation.narrative import genemap as W
from ecolib.presentation.plots import genemap as P
from ecolib.presentation.tables import genemap as T


@pytest.fixture()
def tables():
    return dict(tiny_workspace().tables)


def test_evidence_kind_and_count_by_hand(tables):
    gm = G.gene_map(tables, "2026-03")
    f = gm.feasibility.set_index("node_id")
    # present nodes: N.LI, N.CATH (single), N.CELL (thin); N.PACK missing (F4 left)
    # N.PACK: related only to N.CELL, by the chain edge → 1 node, chain links only, feasibility 1
    assert (f.at["N.PACK", "related_present"], f.at["N.PACK", "evidence"], f.at["N.PACK", "feasibility"]) == (1, "chain", 1.0)
    # N.CATH: N.LI (chain) and N.CELL (chain and F2) → 2 nodes, both kinds
    assert (f.at["N.CATH", "related_present"], f.at["N.CATH", "evidence"]) == (2, "both")
    # N.LI: N.CATH by the chain only
    assert (f.at["N.LI", "related_present"], f.at["N.LI", "evidence"]) == (1, "chain")
    assert set(gm.weak_evidence["node_id"]) == {"N.PACK", "N.LI", "N.CELL"}
    assert not gm.cooccurrence_empty
    # without chain edges N.PACK and N.LI have no evidence at all
    bare = G.gene_map(tables, "2026-03", use_chain_edges=False).feasibility.set_index("node_id")
    assert bare.at["N.PACK", "evidence"] == "none" and bare.at["N.PACK", "related_present"] == 0
    assert bare.at["N.CELL", "evidence"] == "cooccurrence"


def test_minimum_support_drops_single_firm_relations(tables):
    t = tables
    one = G.node_space(t["chain_nodes"], t["firm_nodes"], firms=t["firms"], min_capability=0.3)
    assert one.capability_proximity.at["N.CATH", "N.CELL"] == 0.5          # F2 / max(1, 2)
    two = G.node_space(t["chain_nodes"], t["firm_nodes"], firms=t["firms"], min_capability=0.3, min_support=2)
    assert float(two.capability_proximity.to_numpy().sum()) == 0.0         # one firm is not enough
    assert G.MIN_SUPPORT == 1                                             # the default keeps every relation


def test_every_firm_on_one_node_says_the_fit_rests_on_chain_links(tables):
    fn = tables["firm_nodes"]
    tables["firm_nodes"] = fn[~((fn["firm_id"] == "F2") & (fn["node_id"] == "N.CELL"))].reset_index(drop=True)
    gm = G.gene_map(tables, "2026-03")
    assert gm.cooccurrence_empty
    assert set(gm.feasibility["evidence"]) <= {"chain", "none"}
    for lang, words in (("en", "rests on the chain's input links alone"), ("zh", "仅依据产业链上的投入关系")):
        assert any(words in s for s in W.findings(gm, lang))


def test_evidence_column_beside_the_fit(tables):
    gm = G.gene_map(tables, "2026-03")
    for lang, one in (("en", "1 node: one chain link only"), ("zh", "1个节点：仅一条产业链关联")):
        rows = T.SINGLE.rows(gm, lang, "CNY")
        assert one in set(rows["evidence"])
        assert T.SINGLE.labels(lang)[-1] in ("Evidence: related nodes the park has", "依据：园区已有的关联节点")
    assert W.evidence_text(0, "none") == "none" and W.evidence_text(3, "both") == "3 nodes: shared firms and chain links"


def test_stage_nodes_named_by_name_when_they_share_a_category(tables):
    nodes = tables["chain_nodes"].copy()
    nodes.loc[nodes["node_id"].isin(["S.UP", "S.MID"]), "stage"] = "upstream"   # two stage nodes, one category
    nodes.loc[nodes["node_id"] == "S.UP", "name"] = "Mining sector"
    nodes.loc[nodes["node_id"] == "S.MID", "name"] = "Battery sector"
    tables["chain_nodes"] = nodes
    gm = G.gene_map(tables, "2026-03")
    assert list(T.STAGES.view(gm, "en")["name"]) == ["Mining sector", "Battery sector"]
    assert W.stage_names(gm, "en")["N.CELL"] == "Battery sector"
    weakest = [s for s in W.findings(gm, "en") if "weakest stage" in s]
    assert all(s.startswith(("Mining sector", "Battery sector")) for s in weakest)
    assert not any("Upstream is the weakest" in s for s in W.findings(gm, "en"))
    # the demo shape (one node per category) keeps the category's name
    demo = G.gene_map(tiny_workspace().tables, "2026-03")
    assert list(T.STAGES.view(demo, "en")["name"]) == ["Upstream", "Midstream"]
    assert list(T.STAGES.view(demo, "zh")["name"]) == ["上游", "中游"]


def test_stage_output_not_reported_is_not_zero(tables):
    tables["firms"] = tables["firms"].assign(output=np.nan)
    gm = G.gene_map(tables, "2026-03")
    rows = T.STAGES.rows(gm, "en", "CNY")
    assert rows["output_main"].isna().all()
    assert "CNY 0" not in T.STAGES.html(gm, "en")


def test_feasibility_chart_shows_the_top_nodes_and_says_so(tables):
    tables["firm_nodes"] = tables["firm_nodes"][tables["firm_nodes"]["firm_id"] != "F1"]   # N.LI missing too
    gm = G.gene_map(tables, "2026-03")
    assert set(gm.feasibility.loc[gm.feasibility["status"] == "missing", "node_id"]) == {"N.LI", "N.PACK"}
    fig = P.feasibility_chart(gm, "en", top=1)
    assert sum(len(tr.y) for tr in fig.data) == 1
    assert "(the 1 most important of 2)" in fig.layout.title.text
    assert "most important" not in P.feasibility_chart(gm, "en").layout.title.text

