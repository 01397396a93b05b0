"""Broken links (issue 13): both halves, the least value at stake, service segments not judged,
every number computed by hand on a park of three local firms; the words true for their rows."""
from __future__ import annotations

import pytest

from conftest import write_tiny_park
from ecolib.analyses import valuestream as vsm
from ecolib.presentation.i18n import t
from ecolib.presentation.narrative import valuestream as narrative
from ecolib.presentation.tables import valuestream as tables
from ecolib.workspace import load_workspace

MONTH = "2026-03"
M = 1_000_000

# Materials (upstream) → cells (midstream), and logistics (a service) → cells and → materials.
# M1, C1, L1 are local; XM, XC, XL outside firms of the same segments. Window 2026-01..03.
PARK = {
    "chain_nodes_csv": """\
        node_id,name,parent_id,name_zh,stage,weight,core
        C,EV chain,,新能源汽车链,,1,false
        S.UP,Upstream,C,上游,upstream,1,false
        S.MID,Midstream,C,中游,midstream,1,false
        S.SVC,Services,C,服务,service,1,false
        G.MAT,Materials,S.UP,材料,upstream,1,false
        G.CELL,Cells,S.MID,电芯,midstream,1,false
        G.LOG,Logistics,S.SVC,物流,service,1,false
        N.MAT,Cathode,G.MAT,正极,upstream,1,false
        N.CELL,Pouch cells,G.CELL,软包电芯,midstream,1,false
        N.LOG,Freight,G.LOG,货运,service,1,false
        """,
    "chain_edges_csv": """\
        source,target,weight
        N.MAT,N.CELL,1
        N.LOG,N.CELL,1
        N.LOG,N.MAT,1
        """,
    "firms_csv": """\
        firm_id,name,name_zh,zone,local,anchor,employees,output,area,patents,status,exit_month
        M1,Mat Co,材料公司,East,true,false,10,400000000,100,1,active,
        C1,Cell Co,电芯公司,East,true,true,50,900000000,300,5,active,
        L1,Log Co,物流公司,North,true,false,5,100000000,50,0,active,
        XM,Outside Mat,外部材料,,false,false,,,,,active,
        XC,Outside Cell,外部电芯,,false,false,,,,,active,
        XL,Outside Log,外部物流,,false,false,,,,,active,
        """,
    "firm_nodes_csv": """\
        firm_id,node_id,capability,share
        M1,N.MAT,0.9,1
        C1,N.CELL,0.9,1
        L1,N.LOG,0.9,1
        XM,N.MAT,1,1
        XC,N.CELL,1,1
        XL,N.LOG,1,1
        """,
    # materials → cells: local 5 m, cell makers buy 95 m outside, local materials firms sell 40 m outside
    # logistics → cells: local 1 m, 50 m bought outside, 30 m sold outside; logistics → materials: 10 m local
    "flows_csv": """\
        month,source,target,value,kind
        2026-01,M1,C1,5000000,goods
        2026-02,XM,C1,95000000,goods
        2026-03,M1,XC,40000000,goods
        2026-01,L1,C1,1000000,service
        2026-02,XL,C1,50000000,service
        2026-03,L1,XC,30000000,service
        2026-02,L1,M1,10000000,service
        """,
    "kpis_csv": "month,metric,value\n2026-03,output,1\n",
    "workspace_yaml": "name: links\nwindow: 3\n",
}


def _park(tmp_path, **changes) -> dict:
    return load_workspace(write_tiny_park(tmp_path / "links", **dict(PARK, **changes))).tables


@pytest.fixture
def park(tmp_path) -> dict:
    return _park(tmp_path)


def _links(tables, **options):
    sf = vsm.segment_flows(tables, MONTH, window=3)
    return vsm.broken_links(sf, tables["chain_edges"], **options).set_index(["source", "target"])


def test_both_halves_and_the_value_at_stake_by_hand(park):
    br = _links(park)                                                # defaults: 10 %, CNY 10 m, services left out
    mc = br.loc[("G.MAT", "G.CELL")]
    assert (mc["local_value"], mc["buyer_from_outside"], mc["supplier_to_outside"]) == (5 * M, 95 * M, 40 * M)
    assert mc["local_share"] == pytest.approx(5 / 100)               # (a) 5 / (5 + 95) < 10 %
    assert mc["value_at_stake"] == 40 * M                            # min(95 m, 40 m)
    assert mc["status"] == "broken"
    assert br.loc[("G.LOG", "G.CELL"), "status"] == "not_judged"     # logistics: a service segment
    assert br.loc[("G.LOG", "G.MAT"), "status"] == "not_judged"
    assert list(br.index[:1]) == [("G.MAT", "G.CELL")]               # broken first


def test_the_least_value_at_stake_is_inclusive(park):
    assert _links(park, min_value=40 * M).loc[("G.MAT", "G.CELL"), "status"] == "broken"
    assert _links(park, min_value=40 * M + 1).loc[("G.MAT", "G.CELL"), "status"] == "small"
    assert _links(park, min_value=0).loc[("G.MAT", "G.CELL"), "status"] == "broken"


def test_the_buyer_half_uses_the_share_threshold(park):
    assert _links(park, threshold=0.05).loc[("G.MAT", "G.CELL"), "status"] == "connected"   # 5 % is not below 5 %
    assert _links(park, threshold=0.0501).loc[("G.MAT", "G.CELL"), "status"] == "broken"


def test_without_the_supplier_half_local_supply_is_short(tmp_path):
    flows = PARK["flows_csv"].replace("        2026-03,M1,XC,40000000,goods\n", "")
    br = _links(_park(tmp_path, flows_csv=flows), min_value=0)
    mc = br.loc[("G.MAT", "G.CELL")]
    assert mc["supplier_to_outside"] == 0 and mc["value_at_stake"] == 0 and mc["status"] == "short_supply"


def test_service_links_can_be_judged_by_the_same_rule(park):
    br = _links(park, services="judge")
    lc = br.loc[("G.LOG", "G.CELL")]
    assert lc["local_share"] == pytest.approx(1 / 51) and lc["value_at_stake"] == 30 * M and lc["status"] == "broken"
    assert br.loc[("G.LOG", "G.MAT"), "status"] == "connected"      # 10 m local, nothing from outside
    # sorted by value at stake: materials → cells (40 m) before logistics → cells (30 m)
    assert list(br.index[:2]) == [("G.MAT", "G.CELL"), ("G.LOG", "G.CELL")]
    with pytest.raises(ValueError, match="services"):
        _links(park, services="maybe")


def test_empty_cases(park):
    sf = vsm.segment_flows(park, MONTH, window=3)
    none = vsm.broken_links(sf, park["chain_edges"].iloc[0:0])
    assert none.empty and {"value_at_stake", "status"} <= set(none.columns)
    assert vsm.broken_links(sf, None).empty
    quiet = vsm.broken_links(vsm.segment_flows(park, "2027-01", window=3), park["chain_edges"])   # no flow
    assert set(quiet["status"]) == {"no_trade", "not_judged"} and (quiet["value_at_stake"] == 0).all()
    vs = vsm.value_stream(park, "2027-01", window=3)
    assert vs.headline["broken_link_count"] == 0 and vs.headline["largest_broken_link"] is None
    for lang in ("en", "zh"):
        assert narrative.broken(vs, lang)[0] == t("valuestream.finding.broken.none", lang,
                                                  **narrative.broken_values(vs, lang))


def test_one_firm_in_two_segments(tmp_path):
    # F works half on cathode (materials), half on cells: XM → F 100 m is 50 m materials → cells bought outside,
    # F → XC 40 m is 20 m materials → cells sold outside; no local trade between two firms at all
    firms = """\
        firm_id,name,name_zh,zone,local,anchor,employees,output,area,patents,status,exit_month
        F,Solo Co,独家公司,East,true,false,10,400000000,100,1,active,
        XM,Outside Mat,外部材料,,false,false,,,,,active,
        XC,Outside Cell,外部电芯,,false,false,,,,,active,
        """
    nodes = "firm_id,node_id,capability,share\nF,N.MAT,0.9,0.5\nF,N.CELL,0.9,0.5\nXM,N.MAT,1,1\nXC,N.CELL,1,1\n"
    flows = "month,source,target,value,kind\n2026-02,XM,F,100000000,goods\n2026-03,F,XC,40000000,goods\n"
    tables = _park(tmp_path, firms_csv=firms, firm_nodes_csv=nodes, flows_csv=flows)
    mc = _links(tables).loc[("G.MAT", "G.CELL")]
    assert (mc["local_value"], mc["buyer_from_outside"], mc["supplier_to_outside"]) == (0, 50 * M, 20 * M)
    assert mc["local_share"] == 0 and mc["value_at_stake"] == 20 * M and mc["status"] == "broken"


def test_the_headline_and_the_month_model_carry_the_definition(park, tmp_path):
    from ecolib.analyses.month import analyse
    vs = vsm.value_stream(park, MONTH, window=3)
    h = vs.headline
    assert h["broken_link_count"] == 1 and h["broken_links"] == ["G.MAT→G.CELL"]
    assert h["largest_broken_link"] == {"source": "G.MAT", "target": "G.CELL", "value_at_stake": 40 * M}
    assert h["broken_links_not_judged"] == 2 and h["broken_link_min_value"] == 10 * M
    # the setting reaches the month model: CNY 50 m at stake needed → the link is only "small"
    folder = write_tiny_park(tmp_path / "strict", **dict(
        PARK, workspace_yaml="name: links\nwindow: 3\nthresholds:\n  broken_link_min_value: 50000000\n"))
    model = analyse(load_workspace(folder), MONTH)
    assert model.value_stream.min_value == 50 * M
    assert model.value_stream.broken.set_index(["source", "target"]).loc[("G.MAT", "G.CELL"), "status"] == "small"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_sentence_is_true_for_its_rows(park, lang, tmp_path):
    vs = vsm.value_stream(park, MONTH, window=3)
    text = narrative.broken(vs, lang)
    if lang == "en":
        assert text[0] == "One chain link is broken: Materials → Cells, with CNY 40.0 m at stake."
        assert text[1] == ("Materials → Cells: local Cells firms bought CNY 95.0 m of these supplies from outside the "
                           "park and only 5.0% from local firms (CNY 5.0 m), while local Materials firms sold CNY 40.0 m "
                           "to Cells buyers outside the park; CNY 40.0 m is at stake.")
        assert text[2].startswith("2 links that start in service segments (Logistics) are not judged")
    else:
        assert text[0] == "产业链上有 1 处断点：材料 → 电芯，可争取的本地交易额为 4,000万元。"
        assert "本地材料企业向园区外的电芯客户销售 4,000万元" in text[1]
        assert "（物流）出发的 2 条链接不作判断" in text[2]
    assert len(text) == 3
    # without the supplier half no sentence says the suppliers sell outside
    flows = PARK["flows_csv"].replace("        2026-03,M1,XC,40000000,goods\n", "")
    short = vsm.value_stream(_park(tmp_path / "short", flows_csv=flows), MONTH, window=3)
    words = " ".join(narrative.broken(short, lang))
    assert ("sold" not in words) if lang == "en" else ("向园区外的电芯客户销售" not in words)
    assert ("local supply is short" in words) if lang == "en" else ("本地供给不足" in words)


def test_the_table_lists_broken_links_by_value_at_stake(park):
    vs = vsm.value_stream(park, MONTH, window=3, services="judge", min_value=0)
    view = tables.BROKEN.view(vs.broken, "en")
    assert view["link"].tolist() == ["Materials → Cells", "Logistics → Cells"]
    assert view["value_at_stake"].tolist() == [40 * M, 30 * M]
    assert tables.BROKEN.view(vs.broken, "zh")["link"].tolist() == ["材料 → 电芯", "物流 → 电芯"]
    html = tables.BROKEN.html(vs.broken, "zh", "CNY")
    assert "4,000万元" in html and "可争取的本地交易额" in html
