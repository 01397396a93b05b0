"""Issue 14, item 4: national sectors for any chain.

Rules in English and Chinese cover all 42 sectors of the shipped table; a segment no rule
matches is unmapped (never guessed from its stage); the park's own mapping (``sector_map``)
wins over the rules; a bad sector in it is a validate error naming file, row and column.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ecolib.analyses import valuestream as vsm
from ecolib.datasets.china_io import SECTOR_CODES, load_china_io, sector_code
from ecolib.presentation.narrative import valuestream as narrative
from ecolib.presentation.tables import valuestream as tables
from ecolib.workspace import load_workspace
from ecolib.workspace.load import WorkspaceError

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
TABLE = load_china_io(2020)


def _groups(names, names_zh=None, stage="service"):
    names = list(names)
    return pd.DataFrame({"name": names, "name_zh": list(names_zh) if names_zh is not None else names,
                         "stage": stage}, index=[f"S{i:02d}" for i in range(len(names))])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_sector_is_reachable_by_its_own_name(lang):
    names = TABLE.names_en if lang == "en" else TABLE.names_zh
    m = vsm.segment_mapping(_groups(names.tolist()))
    assert list(m["sectors"]) == [(c,) for c in SECTOR_CODES]
    assert set(m["source"]) == {"rules"}


@pytest.mark.parametrize("name,code", [
    ("农业", "01"), ("渔业", "01"), ("种植业", "01"), ("银行", "32"), ("医药制造", "12"), ("生物医药", "12"),
    ("Crop farming", "01"), ("Fishery", "01"), ("Banking", "32"), ("Pharmaceutical manufacturing", "12"),
    ("煤炭开采", "02"), ("原油开采", "03"), ("铁矿采选", "04"), ("采石", "05"), ("食品加工", "06"), ("纺织", "07"),
    ("服装", "08"), ("家具", "09"), ("造纸", "10"), ("炼油", "11"), ("化工", "12"), ("水泥", "13"), ("钢铁", "14"),
    ("五金", "15"), ("机床", "16"), ("医疗器械", "17"), ("汽车", "18"), ("电池", "19"), ("集成电路", "20"),
    ("仪器仪表", "21"), ("再生资源", "22"), ("设备维修", "23"), ("发电", "24"), ("燃气", "25"), ("自来水", "26"),
    ("建筑施工", "27"), ("批发", "28"), ("物流", "29"), ("餐饮", "30"), ("软件", "31"), ("保险", "32"),
    ("房地产", "33"), ("咨询", "34"), ("研发", "35"), ("检测", "36"), ("环境治理", "37"), ("家政", "38"),
    ("教育", "39"), ("医院", "40"), ("旅游", "41"), ("政府", "42"),
])
def test_common_names_map_right(name, code):
    assert vsm.segment_mapping(_groups([name]))["sectors"].tolist() == [(code,)]


def test_chinese_only_names_never_fall_back_by_stage():
    names = ["农业", "渔业", "银行", "医药制造", "其他", "未分类"]
    stages = ["upstream", "upstream", "service", "downstream", "service", "midstream"]
    g = _groups(names).assign(stage=stages)
    m = vsm.segment_mapping(g).set_index("name")
    assert m.loc["农业", "sectors"] == ("01",) and m.loc["渔业", "sectors"] == ("01",)
    assert m.loc["银行", "sectors"] == ("32",) and m.loc["医药制造", "sectors"] == ("12",)
    assert m.loc["其他", "source"] == "unmapped" and m.loc["其他", "sectors"] == ()
    assert m.loc["未分类", "source"] == "unmapped"
    wrong = {"14", "34", "18"}                       # the old stage guesses: smelting, leasing, transport equipment
    assert not any(set(s) & wrong for s in m["sectors"])
    flat = vsm.segment_sectors(g)
    assert set(flat["group"]) == {"S00", "S01", "S02", "S03"}   # unmapped groups have no sector rows


def test_demo_mapping_unchanged():
    """The EV demo's 27 segments keep the sectors the old English-only rules gave them."""
    ws = load_workspace(DEMO)
    from ecolib.analyses.valuestream import group_table
    g = group_table(ws.tables["chain_nodes"], "segment")
    m = vsm.segment_mapping(g).set_index("group")["sectors"]
    expected = {
        "UP.LITH": ("04", "14"), "UP.NICO": ("04", "14"), "UP.GRAPH": ("05", "13"), "UP.REE": ("04", "14"),
        "UP.METAL": ("14",), "MID.CATH": ("12",), "MID.ANODE": ("12",), "MID.ELYT": ("12",), "MID.SEP": ("12",),
        "MID.CELL": ("19",), "MID.BMS": ("19",), "MID.PACK": ("19",), "MID.MOTOR": ("19",), "MID.ECU": ("20",),
        "MID.PSEMI": ("20",), "MID.SMART": ("20",), "MID.BODY": ("18",), "DOWN.VEH": ("18",), "DOWN.CHG": ("19",),
        "DOWN.ESS": ("19",), "DOWN.GRID": ("24",), "DOWN.RECY": ("22",), "SVC.TEST": ("36",), "SVC.LOGI": ("29",),
        "SVC.DATA": ("31",), "SVC.FIN": ("32",), "SVC.SOFT": ("31",),
    }
    assert m.to_dict() == expected


def test_override_wins_and_is_said():
    g = _groups(["银行", "其他", "Battery cells"])
    own = pd.DataFrame({"segment_id": ["S00", "S01", "S01"], "sector": ["34", "Finance", "电气机械和器材"]})
    nat = vsm.national(g, TABLE, overrides=own)
    seg = nat.segments.set_index("group")
    assert seg.loc["S00", "sectors"] == ("34",) and seg.loc["S00", "source"] == "workspace"   # wins over 银行 → 32
    assert seg.loc["S01", "sectors"] == ("32", "19") and seg.loc["S02", "source"] == "rules"
    assert nat.unmapped.empty
    src = nat.mapped.set_index("sector")["source"]
    assert src["34"] == "workspace" and src["32"] == "workspace" and src["19"] == "both"
    view = tables.NATIONAL.view(nat, "en").set_index("sector")["source_label"]
    assert view["34"] == "The park's own mapping" and view["19"] == "Names and the park's mapping"
    text = " ".join(narrative.national(nat, "en"))
    assert "The park's own mapping sets the sector of 2 segments" in text
    zh = " ".join(narrative.national(nat, "zh"))
    assert "有 2 个环节按园区自定的对应关系确定部门" in zh and "其他（金融；电气机械和器材）" in zh


def test_unmapped_shown_in_one_sentence():
    g = _groups(["其他", "未分类", "银行"], stage="upstream")
    nat = vsm.national(g, TABLE)
    assert nat.mapped["sector"].tolist() == ["32"]
    en = narrative.national(nat, "en")
    unm = [s for s in en if "match no national sector" in s]
    assert len(unm) == 1 and "其他, 未分类" in unm[0] and "The analyst can give the park's own mapping" in unm[0]
    zh = narrative.national(nat, "zh")
    assert any("有 2 个环节的名称未能对应到任何全国部门" in s and "其他、未分类" in s for s in zh)
    only = vsm.national(_groups(["其他"]), TABLE)                       # nothing mapped: still said
    assert only.mapped.empty and narrative.national(only, "en") == [
        "One segment matches no national sector by its name and is left out of this view: 其他. "
        "The analyst can give the park's own mapping for it."]


def test_sector_code_names():
    assert sector_code("1") == "01" and sector_code("Construction") == "27" and sector_code("建筑") == "27"
    assert sector_code("建筑业") is None and sector_code(None) is None


def _copy_demo(tmp_path, rows: str) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(DEMO, ws)
    (ws / "sector_map.csv").write_text("segment_id,sector\n" + rows, encoding="utf-8")
    return ws


def test_workspace_override_reaches_the_model(tmp_path):
    from ecolib.analyses.month import analyse
    ws = load_workspace(_copy_demo(tmp_path, "SVC.FIN,34\nDOWN.ESS,电力、热力的生产和供应\n"))
    assert ws.tables["sector_map"]["sector"].tolist() == ["34", "24"]
    nat = analyse(ws, "2026-10").national
    seg = nat.segments.set_index("group")
    assert seg.loc["SVC.FIN", "sectors"] == ("34",) and seg.loc["SVC.FIN", "source"] == "workspace"
    assert seg.loc["DOWN.ESS", "sectors"] == ("24",)
    assert (seg.drop(["SVC.FIN", "DOWN.ESS"])["source"] == "rules").all()


def test_bad_sector_is_a_clear_error(tmp_path):
    with pytest.raises(WorkspaceError) as err:
        load_workspace(_copy_demo(tmp_path, "SVC.FIN,32\nDOWN.ESS,Power grid\n"))
    bad = [p for p in err.value.errors if p.column == "sector"]
    assert len(bad) == 1 and bad[0].row == 3 and bad[0].file == "sector_map.csv"
    assert "'Power grid' is not a sector of China's 42-sector input-output table" in bad[0].message


def test_empty_sector_map_changes_nothing(tmp_path):
    ws = load_workspace(DEMO)
    assert "sector_map" in ws.tables and ws.tables["sector_map"].empty
