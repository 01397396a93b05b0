"""The second demo park: a biomedicine park (生物医药产业园) whose data arrive the way a real
park's usually do.

Built differently from the new-energy-vehicle demo (:mod:`ecolib.datasets.demo`) on purpose,
so that what works on one tidy dataset is seen to work on another kind:

* **Chinese only**: file names (``企业.csv``), column headers (``企业编号``), stage words
  (``上游``), yes/no (``是``/``否``), money in 万 (``3250万``) and every name, with no English
  name column; saved as Excel's "CSV UTF-8" (with a byte-order mark).
* **No flows, no indicators, no benchmark**: a firm list with industry codes, as most parks
  have; the value-stream map and the monthly evaluation say what would enable them.
* **Output for only part of the firms** (:data:`OUTPUT_REPORTED` of them), employees for most.
* **Several stage nodes per stage category**: eleven level-1 sectors (three upstream, four
  midstream, two downstream, two services), as a national classification gives.
* **Zones of very different sizes**, down to a one-firm incubator.
* A **sector-mapping table** (``部门对应.csv``) for the segments whose names the national
  sector rules do not recognise.

The chain (:data:`CHAIN`) and the planted situations are written out by hand; a seeded
generator fills in names, capabilities, sizes and which firms report output. The same seed
gives byte-identical files. ``README.md`` of the written folder lists the planted facts with
the figures of the data (:func:`biomed_facts`); tests pin them.

Examples
--------
>>> from ecolib.datasets.biomed import make_biomed, MISSING_SEGMENT
>>> tables = make_biomed()
>>> sorted(tables)[:3]
['candidates', 'chain_edges', 'chain_nodes']
>>> int((tables["chain_nodes"]["parent_id"] == "BIO").sum())      # stage nodes
11
>>> MISSING_SEGMENT
'M2C'
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .demo import refuse_existing

__all__ = ["BIOMED_SEED", "CHAIN", "FILES", "make_biomed", "biomed_facts", "write_biomed"]

#: Random seed of the shipped folder (``data/biomed``).
BIOMED_SEED = 20261202

#: The chain: stage node → (stage category, segments); segment → (name, nodes); node → (name,
#: weight, core). Node ids are the stage node's code, then a letter per segment, then a digit.
CHAIN: dict[str, tuple[str, str, dict[str, tuple[str, dict[str, tuple[str, float, bool]]]]]] = {
    "U1": ("上游", "原料与中间体", {
        "U1A": ("化学原料药", {"U1A1": ("手性中间体", 1.0, False), "U1A2": ("特色原料药", 1.5, False),
                           "U1A3": ("多肽原料药", 1.2, False)}),
        "U1B": ("生物原料", {"U1B1": ("细胞培养基", 2.5, True), "U1B2": ("层析填料", 2.2, True),
                          "U1B3": ("工具酶", 1.2, False)}),
    }),
    "U2": ("上游", "辅料与包材", {
        "U2A": ("药用辅料", {"U2A1": ("注射级辅料", 1.2, False), "U2A2": ("缓控释辅料", 1.0, False)}),
        "U2B": ("药包材", {"U2B1": ("中硼硅玻璃管", 2.0, True), "U2B2": ("预灌封注射器", 1.3, False)}),
    }),
    "U3": ("上游", "科研试剂与制药装备", {
        "U3A": ("科研试剂", {"U3A1": ("抗体试剂", 1.0, False), "U3A2": ("分子诊断原料酶", 1.1, False)}),
        "U3B": ("制药装备", {"U3B1": ("一次性生物反应器", 2.0, True), "U3B2": ("冻干机", 1.0, False)}),
    }),
    "M1": ("中游", "化学药", {
        "M1A": ("化学仿制药", {"M1A1": ("口服固体制剂", 1.0, False), "M1A2": ("注射剂", 1.2, False)}),
        "M1B": ("化学创新药", {"M1B1": ("小分子靶向药", 2.5, True), "M1B2": ("改良型新药", 1.3, False)}),
    }),
    "M2": ("中游", "生物药", {
        "M2A": ("抗体药物", {"M2A1": ("单克隆抗体", 2.8, True), "M2A2": ("双特异性抗体", 2.2, True),
                         "M2A3": ("抗体偶联药物", 2.6, True)}),
        "M2B": ("疫苗", {"M2B1": ("mRNA疫苗", 2.4, True), "M2B2": ("重组蛋白疫苗", 1.5, False)}),
        "M2C": ("细胞与基因治疗", {"M2C1": ("CAR-T细胞治疗", 2.7, True), "M2C2": ("AAV基因治疗载体", 2.5, True),
                             "M2C3": ("干细胞制剂", 1.6, False)}),
    }),
    "M3": ("中游", "现代中药", {
        "M3A": ("中药饮片与配方颗粒", {"M3A1": ("中药配方颗粒", 1.0, False)}),
        "M3B": ("中成药", {"M3B1": ("中药注射剂", 1.0, False)}),
    }),
    "M4": ("中游", "医疗器械", {
        "M4A": ("医学影像设备", {"M4A1": ("光子计数CT探测器", 2.4, True), "M4A2": ("超声诊断设备", 1.3, False)}),
        "M4B": ("体外诊断", {"M4B1": ("化学发光试剂", 1.4, False), "M4B2": ("POCT即时检测设备", 1.1, False)}),
        "M4C": ("高值医用耗材", {"M4C1": ("心血管支架", 1.5, False), "M4C2": ("骨科植入物", 1.2, False)}),
    }),
    "D1": ("下游", "医药流通", {
        "D1A": ("医药批发", {"D1A1": ("医药冷链物流", 1.2, False)}),
        "D1B": ("医药零售", {"D1B1": ("连锁药房", 0.8, False)}),
    }),
    "D2": ("下游", "医疗服务", {
        "D2A": ("医疗机构", {"D2A1": ("肿瘤专科医院", 1.2, False), "D2A2": ("第三方医学检验", 1.0, False)}),
    }),
    "S1": ("服务", "研发外包", {
        "S1A": ("合同研究CRO", {"S1A1": ("临床前研究", 1.5, False), "S1A2": ("临床试验服务", 1.6, False)}),
        "S1B": ("合同生产CDMO", {"S1B1": ("生物药CDMO", 2.2, True), "S1B2": ("化学药CDMO", 1.4, False)}),
    }),
    "S2": ("服务", "检测认证与注册", {
        "S2A": ("检测认证", {"S2A1": ("药品质量检测", 1.0, False), "S2A2": ("注册申报咨询", 0.9, False)}),
    }),
}

#: Input relations between nodes (supplier → user).
EDGES = [
    ("U1A1", "U1A2"), ("U1A1", "M1B1"), ("U1A2", "M1A1"), ("U1A2", "M1A2"), ("U1A3", "M1B2"),
    ("U1B1", "M2A1"), ("U1B1", "M2A2"), ("U1B1", "M2C1"), ("U1B1", "M2C2"), ("U1B1", "M2B2"), ("U1B1", "S1B1"),
    ("U1B2", "M2A1"), ("U1B2", "M2A2"), ("U1B2", "M2C2"), ("U1B2", "M2B2"), ("U1B2", "S1B1"),
    ("U1B3", "M2B1"), ("U1B3", "U3A2"), ("U2A1", "M1A2"), ("U2A1", "M2B1"), ("U2A2", "M1B2"), ("U2A2", "M1A1"),
    ("U2B1", "M1A2"), ("U2B1", "M2A1"), ("U2B1", "M2B1"), ("U2B1", "M2B2"), ("U2B2", "M2A1"), ("U2B2", "M2A2"),
    ("U2B2", "M2B1"), ("U3A1", "M4B1"), ("U3A2", "M4B2"), ("U3B1", "M2A1"), ("U3B1", "M2A2"), ("U3B1", "S1B1"),
    ("U3B1", "M2C2"), ("U3B2", "M1A2"), ("U3B2", "M2B2"),
    ("M2A1", "M2A3"), ("M2A2", "M2A3"), ("M1B1", "M2A3"), ("S1B1", "M2A3"),
    ("M1A1", "D1B1"), ("M1A2", "D1A1"), ("M2A1", "D1A1"), ("M2B2", "D1A1"), ("M2B1", "D1A1"),
    ("M2A1", "D2A1"), ("M2A2", "D2A1"), ("M2C1", "D2A1"), ("M1B1", "D2A1"), ("M4A1", "D2A1"), ("M4A2", "D2A1"),
    ("M4C1", "D2A1"), ("M4C2", "D2A1"), ("M4B1", "D2A2"), ("M4B2", "D2A2"), ("M3A1", "D1B1"), ("M3B1", "D2A1"),
    ("S1A1", "M1B1"), ("S1A1", "M2A1"), ("S1A2", "M1B1"), ("S1A2", "M2A1"), ("S1A2", "M2A2"),
    ("S1B2", "M1B2"), ("S2A1", "M1A2"), ("S2A1", "M2A1"), ("S2A2", "M1B1"), ("S2A2", "M2A1"), ("S2A2", "M4C1"),
]

#: Planted: a segment nobody in the park works on, though its inputs are here.
MISSING_SEGMENT = "M2C"
#: Planted: missing nodes in segments the park otherwise has (nobody works on them, or only
#: below the capability threshold: ``U2B1``, two glass makers at 0.15 and 0.25).
MISSING_NODES = ("M2A3", "M2B1", "M4A1", "U2B1")
#: Planted: core nodes resting on one active local firm (``U1B2``'s second firm has left).
SINGLE_CORE = ("U1B1", "U1B2")
#: Planted: a core node with two firms.
THIN_CORE = ("U3B1",)
#: Zones, their share of the local firms and the segments they lean to; the last two are
#: below the niche minimum of five firms and are listed apart.
ZONES = [
    ("生物医药港", None, ("U1", "M2", "S1")),
    ("高新技术产业开发区", None, ("M1", "M4", "U3")),
    ("临港产业园", 12, ("D1", "M3", "U2")),
    ("综合保税区", 3, ("D1",)),
    ("国际生命科学孵化器", 1, ("S1",)),
]
#: How many local firms the park has and how many report output, employees and area.
LOCAL_FIRMS, OUTPUT_REPORTED, EMPLOYEES_REPORTED, AREA_REPORTED = 118, 64, 97, 41
#: Zone sizes of the two large zones (the rest of the firms).
BIG_ZONES = (68, 34)
#: Anchor firms (链主): (node, zone).
ANCHORS = (("M2A1", "生物医药港"), ("S1B1", "高新技术产业开发区"))
#: The exited firm: it used to work on this node, and left in this month.
EXITED = ("U1B2", "2026-06")
#: Candidates to attract: (node, region, capability).
CANDIDATES = [
    ("M2A3", "江苏苏州", 0.92), ("M2A3", "上海浦东", 0.81), ("M2B1", "上海浦东", 0.88), ("M2B1", "广东深圳", 0.74),
    ("M2C1", "北京", 0.86), ("M2C1", "江苏苏州", 0.69), ("M2C2", "浙江杭州", 0.77), ("M2C3", "湖北武汉", 0.58),
    ("M4A1", "广东深圳", 0.83), ("M4A1", "辽宁沈阳", 0.61), ("U1B1", "浙江杭州", 0.79), ("U2B1", "山东淄博", 0.72),
]
#: Segments the sector rules do not recognise, mapped by hand (code of the 42-sector table:
#: 12 chemical products, pharmaceuticals included); ``U3B`` agrees with the rules. ``U2B``
#: (药包材, glass and syringes) is left unmapped on purpose: the report says so.
SECTOR_MAP = [("U1B", "12"), ("U2A", "12"), ("U3B", "17")]
#: The sector each segment ends in (rules or the table above); None: unmapped.
SECTORS = {"U1A": "12", "U1B": "12", "U2A": "12", "U2B": None, "U3A": "12", "U3B": "17", "M1A": "12", "M1B": "12",
           "M2A": "12", "M2B": "12", "M2C": "12", "M3A": "12", "M3B": "12", "M4A": "17", "M4B": "12", "M4C": "17",
           "D1A": "28", "D1B": "28", "D2A": "40", "S1A": "35", "S1B": "12", "S2A": "36"}

#: The files written: table → (file name, {column: Chinese header}).
FILES = {
    "chain_nodes": ("产业链节点.csv", {"node_id": "节点编号", "name": "节点名称", "parent_id": "上级节点编号",
                                  "stage": "阶段", "weight": "权重", "core": "是否核心"}),
    "chain_edges": ("节点关系.csv", {"source": "上游节点", "target": "下游节点"}),
    "firms": ("企业.csv", {"firm_id": "企业编号", "name": "企业名称", "zone": "片区", "anchor": "是否链主",
                         "employees": "从业人员", "output": "年产值", "area": "用地面积", "patents": "专利数",
                         "status": "状态", "exit_month": "退出月份"}),
    "firm_nodes": ("企业节点.csv", {"firm_id": "企业编号", "node_id": "节点编号", "capability": "能力值"}),
    "candidates": ("候选企业.csv", {"firm_id": "企业编号", "name": "企业名称", "node_id": "节点编号",
                                "capability": "能力值", "region": "所在地区"}),
    "sector_map": ("部门对应.csv", {"segment_id": "环节编号", "sector": "部门代码"}),
}

_BRAND = list("华康瑞博恒泰诺健安嘉源信宏和美德润贝君海")
_BRAND2 = list("科生医达普越联新盛禾元方明正远航睿晟")
_CITY = ["本市", "滨海", "江城", "云港"]
_KIND = {"U1": "生物科技有限公司", "U2": "医药材料有限公司", "U3": "生物仪器有限公司", "M1": "制药股份有限公司",
         "M2": "生物制药有限公司", "M3": "中药有限公司", "M4": "医疗器械有限公司", "D1": "医药物流有限公司",
         "D2": "医疗管理有限公司", "S1": "医药研发有限公司", "S2": "检测技术有限公司"}


def _tree() -> pd.DataFrame:
    rows = [("BIO", "生物医药产业链", None, None, 1.0, False)]
    for sid, (stage, sname, segments) in CHAIN.items():
        rows.append((sid, sname, "BIO", stage, 1.0, False))
        for gid, (gname, nodes) in segments.items():
            rows.append((gid, gname, sid, None, 1.0, False))
            rows.extend((nid, nname, gid, None, w, core) for nid, (nname, w, core) in nodes.items())
    return pd.DataFrame(rows, columns=["node_id", "name", "parent_id", "stage", "weight", "core"])


def _leaves() -> pd.DataFrame:
    return pd.DataFrame([(nid, gid, sid) for sid, (_, _, segs) in CHAIN.items() for gid, (_, nodes) in segs.items()
                         for nid in nodes], columns=["node_id", "segment", "stage_node"])


def _names(rng: np.random.Generator, n: int, kinds: list[str]) -> list[str]:
    """``n`` distinct firm names: a city, a two-character brand, the kind of firm."""
    first = rng.permutation(len(_BRAND) * len(_BRAND2))[:n]
    brands = [_BRAND[i // len(_BRAND2)] + _BRAND2[i % len(_BRAND2)] for i in first]
    cities = rng.choice(_CITY, n)
    return [f"{c}{b}{k}" for c, b, k in zip(cities, brands, kinds)]


def _firm_nodes(rng: np.random.Generator) -> pd.DataFrame:
    """One primary node per local firm (its count per node planted), a second node for about
    a quarter of them (in the same stage node: capability co-occurs), capabilities drawn."""
    leaves = _leaves()
    absent = set(MISSING_NODES) | {n for n in leaves["node_id"] if n.startswith(MISSING_SEGMENT)}
    counts = {n: int(rng.integers(3, 7)) for n in leaves["node_id"] if n not in absent}
    counts.update({n: 1 for n in SINGLE_CORE})
    counts.update({n: 2 for n in THIN_CORE})
    counts["U2B1"] = 2                                   # present, but only below the threshold
    total = sum(counts.values())
    # scale the primary counts to LOCAL_FIRMS - 1 (one more firm: the exited one)
    free = [n for n in counts if n not in SINGLE_CORE + THIN_CORE + ("U2B1",)]
    while total > LOCAL_FIRMS - 1:
        n = free[int(rng.integers(len(free)))]
        if counts[n] > 3:
            counts[n] -= 1
            total -= 1
    while total < LOCAL_FIRMS - 1:
        n = free[int(rng.integers(len(free)))]
        counts[n] += 1
        total += 1
    primary = np.repeat(list(counts), list(counts.values()))
    primary = np.append(primary, EXITED[0])              # the exited firm, last
    cap = np.round(rng.uniform(0.45, 0.95, len(primary)), 2)
    cap[primary == "U2B1"] = [0.15, 0.25]
    fn = pd.DataFrame({"firm": np.arange(len(primary)), "node_id": primary, "capability": cap})
    # a second node for about a quarter of the firms, in their stage node, never on a planted node
    stage_of = leaves.set_index("node_id")["stage_node"]
    planted = absent | set(SINGLE_CORE) | set(THIN_CORE)
    pool = leaves[~leaves["node_id"].isin(planted)].groupby("stage_node")["node_id"].agg(list)
    pick = (rng.random(len(primary) - 1) < 0.25) & ~np.isin(primary[:-1], list(planted))
    second = []
    for firm in np.flatnonzero(pick):                    # about 25 firms: the data's own size
        options = [n for n in pool[stage_of[primary[firm]]] if n != primary[firm]]
        if options:
            second.append((firm, options[int(rng.integers(len(options)))], round(float(rng.uniform(0.35, 0.8)), 2)))
    extra = pd.DataFrame(second, columns=["firm", "node_id", "capability"])
    return pd.concat([fn, extra], ignore_index=True)


def make_biomed(seed: int = BIOMED_SEED) -> dict[str, pd.DataFrame | dict]:
    """The biomedicine demo's tables (contract column names, values as they are written) and
    its settings (key ``settings``).

    Parameters
    ----------
    seed : int
        Random seed for names, capabilities, sizes and which firms report output; the planted
        situations do not depend on it.

    Returns
    -------
    dict
        ``chain_nodes``, ``chain_edges``, ``firms``, ``firm_nodes``, ``candidates``,
        ``sector_map`` (DataFrames) and ``settings`` (a dict for ``workspace.yaml``).

    Examples
    --------
    >>> t = make_biomed()
    >>> len(t["firms"]), int(t["firms"]["output"].notna().sum())
    (118, 64)
    """
    rng = np.random.default_rng(seed)
    chain = _tree()
    leaves = _leaves().set_index("node_id")
    fn = _firm_nodes(rng)
    n = LOCAL_FIRMS
    primary = fn.drop_duplicates("firm").set_index("firm")["node_id"].reindex(range(n))
    stage_node = leaves.loc[primary.to_numpy(), "stage_node"].to_numpy()
    # zones: the small ones first (firms of their segments), then the two large ones by leaning
    zone = np.full(n, "", dtype=object)
    for name, size, lean in ZONES:
        if size is None:
            continue
        fits = np.flatnonzero((zone == "") & np.isin(stage_node, lean) & (np.arange(n) < n - 1))
        zone[rng.choice(fits, size, replace=False)] = name
    rest = np.flatnonzero(zone == "")
    lean_a = np.isin(stage_node[rest], ZONES[0][2])
    p = np.where(lean_a, 0.85, 0.35)
    go_a = rng.random(len(rest)) < p
    order = np.argsort(~go_a, kind="stable")           # leaning firms first into the port
    zone[rest[order[:BIG_ZONES[0]]]] = ZONES[0][0]
    zone[rest[order[BIG_ZONES[0]:]]] = ZONES[1][0]
    # anchors: the first firm of the node in the zone named
    anchor = np.zeros(n, dtype=bool)
    for node, z in ANCHORS:
        hits = np.flatnonzero((primary.to_numpy() == node) & (zone == z))
        if not len(hits):
            hits = np.flatnonzero(primary.to_numpy() == node)
            zone[hits[0]] = z
        anchor[hits[0]] = True
    kinds = [_KIND[s] for s in stage_node]
    names = _names(rng, n, kinds)
    size = rng.lognormal(0, 1.0, n) * np.where(anchor, 12, 1)
    employees = np.round(40 * size + rng.integers(5, 40, n)).astype(float)
    output = np.round(2600 * size * rng.uniform(0.7, 1.3, n), 0)           # 万元
    area = np.round(4000 * np.sqrt(size) * rng.uniform(0.6, 1.4, n), -1)  # m²
    patents = rng.poisson(6 * np.sqrt(size)).astype(float)
    # who reports what: the anchors and the firms of the single-firm nodes always report output
    must = anchor | np.isin(primary.to_numpy(), SINGLE_CORE)
    def reported(k):
        others = np.flatnonzero(~must)
        chosen = np.zeros(n, dtype=bool)
        chosen[must] = True
        chosen[rng.choice(others, k - int(must.sum()), replace=False)] = True
        return chosen
    out_ok, emp_ok, area_ok = reported(OUTPUT_REPORTED), reported(EMPLOYEES_REPORTED), reported(AREA_REPORTED)
    status = np.full(n, "在园", dtype=object)
    status[n - 1] = "迁出"
    exit_month = np.where(np.arange(n) == n - 1, EXITED[1], None)
    ids = [f"SW{i + 1:04d}" for i in range(n)]
    firms = pd.DataFrame({
        "firm_id": ids, "name": names, "zone": zone, "anchor": np.where(anchor, "是", "否"),
        "employees": np.where(emp_ok, employees, np.nan), "output": np.where(out_ok, output, np.nan),
        "area": np.where(area_ok, area, np.nan), "patents": np.where(emp_ok, patents, np.nan),
        "status": status, "exit_month": exit_month})
    firm_nodes = pd.DataFrame({"firm_id": np.asarray(ids)[fn["firm"].to_numpy()], "node_id": fn["node_id"],
                               "capability": fn["capability"]})
    firm_nodes = firm_nodes.sort_values(["firm_id", "node_id"], kind="stable").reset_index(drop=True)
    cand_kinds = [_KIND[leaves.loc[node, "stage_node"]] for node, _, _ in CANDIDATES]
    cand_names = [f"{region[:2]}{name[2:]}" for (node, region, _), name in
                  zip(CANDIDATES, _names(np.random.default_rng(seed + 1), len(CANDIDATES), cand_kinds))]
    candidates = pd.DataFrame({"firm_id": [f"HX{i + 1:03d}" for i in range(len(CANDIDATES))], "name": cand_names,
                               "node_id": [c[0] for c in CANDIDATES], "capability": [c[2] for c in CANDIDATES],
                               "region": [c[1] for c in CANDIDATES]})
    edges = pd.DataFrame(EDGES, columns=["source", "target"])
    sector_map = pd.DataFrame(SECTOR_MAP, columns=["segment_id", "sector"])
    settings = {"name": "biomed", "report_id": "biomed", "display_name": "滨海生物医药产业园（演示）",
                "name_zh": "滨海生物医药产业园（演示）", "currency": "CNY", "min_capability": 0.3,
                "thresholds": {"niche_min_firms": 5}}
    return {"chain_nodes": chain, "chain_edges": edges, "firms": firms, "firm_nodes": firm_nodes,
            "candidates": candidates, "sector_map": sector_map, "settings": settings}


def biomed_facts(tables: dict) -> dict:
    """The planted facts, counted from the tables with plain pandas (what README.md states and
    the tests check the analyses against).

    Examples
    --------
    >>> f = biomed_facts(make_biomed())
    >>> f["local_firms"], f["output_reported"], f["stage_nodes"]
    (118, 64, {'上游': 3, '中游': 4, '下游': 2, '服务': 2})
    """
    chain, firms, fn = tables["chain_nodes"], tables["firms"], tables["firm_nodes"]
    active = firms[firms["status"] == "在园"]
    on = fn[fn["firm_id"].isin(active["firm_id"]) & (fn["capability"] >= 0.3)]
    per_node = on.groupby("node_id")["firm_id"].nunique()
    leaves = _leaves()
    names = chain.set_index("node_id")["name"]
    zones = active.groupby("zone").size().sort_values(ascending=False)
    stages = chain[chain["parent_id"] == "BIO"]
    return {
        "local_firms": len(firms), "active": len(active), "output_reported": int(firms["output"].notna().sum()),
        "employees_reported": int(firms["employees"].notna().sum()), "area_reported": int(firms["area"].notna().sum()),
        "stage_nodes": {s: int((stages["stage"] == s).sum()) for s in ("上游", "中游", "下游", "服务")},
        "segments": int(chain["parent_id"].isin(stages["node_id"]).sum()), "nodes": len(leaves),
        "missing": sorted(set(leaves["node_id"]) - set(per_node.index)),
        "single": sorted(per_node[per_node == 1].index), "thin": sorted(per_node[per_node == 2].index),
        "zones": {str(z): int(c) for z, c in zones.items()},
        "anchors": firms.loc[firms["anchor"] == "是", ["firm_id", "name", "zone"]].to_dict("records"),
        "exited": firms.loc[firms["status"] == "迁出", ["firm_id", "name", "exit_month"]].to_dict("records"),
        "names": names.to_dict(),
        "multi_node_firms": int((fn.groupby("firm_id").size() > 1).sum()),
    }


def _readme(tables: dict, seed: int) -> str:
    f = biomed_facts(tables)
    nm = f["names"]

    def nodes(ids):
        return "、".join(f"`{i}` {nm[i]}" for i in ids)

    segment_nodes = [i for i in f["missing"] if i.startswith(MISSING_SEGMENT)]
    other_missing = [i for i in f["missing"] if not i.startswith(MISSING_SEGMENT)]
    files = "\n".join(f"| `{FILES[t][0]}` | {t} | {len(tables[t]):,} |" for t in FILES)
    zones = "; ".join(f"{z} {c}" for z, c in f["zones"].items())
    anchors = "; ".join(f"`{a['firm_id']}` {a['name']} ({a['zone']})" for a in f["anchors"])
    ex = f["exited"][0]
    cand = "\n".join(f"| `{r.firm_id}` | {r.name} | `{r.node_id}` {nm[r.node_id]} | {r.capability:.2f} | {r.region} |"
                     for r in tables["candidates"].itertuples())
    smap = ", ".join(f"`{s}` {nm[s]} → {c}" for s, c in SECTOR_MAP)
    return f"""# Second demo workspace: a biomedicine park (滨海生物医药产业园（演示）)

Synthetic data, generated by `ecolib.datasets.biomed.write_biomed` (seed {seed}). Do not edit by
hand: regenerate with `ecolib demo data/biomed --park biomed` (the same seed gives byte-identical
files). All firms, names and figures are fictional.

This workspace is built the way a real park's data usually arrive, unlike the tidy
new-energy-vehicle demo in `data/demo`:

- **Chinese only**: file names, column headers (`企业编号`, `年产值`, …), stage words (`上游`),
  yes/no (`是`/`否`), money in 万 (`3250万`), every firm and node name; no English names.
  Saved as Excel's "CSV UTF-8" (with a byte-order mark).
- **No flows, no monthly indicators, no benchmark park**: the value-stream map, the monthly
  evaluation and the health comparison are "not evaluated", and each page says which table
  would enable them.
- **Output for {f['output_reported']} of the {f['local_firms']} firms**, employees for
  {f['employees_reported']}, land area for {f['area_reported']}: totals say how many firms they cover;
  nothing missing is shown as 0.
- **{sum(f['stage_nodes'].values())} stage nodes** (level-1 sectors) in four stage categories: upstream
  {f['stage_nodes']['上游']}, midstream {f['stage_nodes']['中游']}, downstream {f['stage_nodes']['下游']}, services
  {f['stage_nodes']['服务']}; {f['segments']} segments, {f['nodes']} technology nodes.
- **Zones of very different sizes** (active firms): {zones}.
- A **sector-mapping table** (`部门对应.csv`) for segments the national sector rules do not
  recognise: {smap} (codes of China's 42-sector input-output table). `U2B` {nm['U2B']} is left
  unmapped on purpose: the value-stream page lists it as not matched to a national sector.

| file | table | rows |
|---|---|---:|
{files}

## Facts built into the data

Counts use active local firms with capability ≥ 0.3 (the workspace's `min_capability`).

1. **A whole segment missing**: nobody in the park works on `{MISSING_SEGMENT}` {nm[MISSING_SEGMENT]}
   ({nodes(segment_nodes)}), though its inputs (culture media, chromatography resins, bioreactors)
   are made here. It is one gap decision, not three.
2. **Missing nodes in present segments**: {nodes(other_missing)}. `U2B1` has two firms, both
   below the threshold (capability 0.15 and 0.25). The antibody–drug conjugate `M2A3` has all of its
   inputs in the park (antibodies, small-molecule drugs, biologics CDMO): a strong fit.
3. **Core nodes on one firm**: {nodes(f['single'])}. `{ex['firm_id']}` {ex['name']} used to work on
   `{EXITED[0]}` and left in {ex['exit_month']}.
4. **Thin core node**: {nodes(THIN_CORE)}, two firms.
5. **Anchor firms** (链主): {anchors}.
6. **Small zones**: 综合保税区 ({f['zones']['综合保税区']} firms) and 国际生命科学孵化器
   ({f['zones']['国际生命科学孵化器']} firm) are below the niche minimum of 5 firms
   (`thresholds.niche_min_firms`): listed apart, not compared.
7. **Co-occurring capabilities**: {f['multi_node_firms']} firms work on two nodes of the same stage
   node, so relatedness rests on shared firms as well as on chain relations.
8. **Candidates** to attract ({len(tables['candidates'])}):

| candidate | name | node | capability | region |
|---|---|---|---:|---|
{cand}
"""


def _written(tables: dict, table: str) -> pd.DataFrame:
    """A table as written: Chinese headers, 是/否 already in place, money in 万."""
    file, headers = FILES[table]
    frame = tables[table][list(headers)].copy()
    if table == "firms":
        frame["output"] = [f"{v:.0f}万" if pd.notna(v) else "" for v in frame["output"]]
        for col in ("employees", "area", "patents"):
            frame[col] = [f"{v:.0f}" if pd.notna(v) else "" for v in frame[col]]
    if table == "chain_nodes":
        frame["core"] = np.where(frame["core"].to_numpy(bool), "是", "否")
    return frame.rename(columns=headers)


def write_biomed(directory, seed: int = BIOMED_SEED, *, overwrite: bool = True) -> Path:
    """Write the biomedicine demo workspace to ``directory`` (created if missing).

    Parameters
    ----------
    directory : str or Path
        The workspace folder to write.
    seed : int
        Random seed; the same seed gives byte-identical files.
    overwrite : bool
        If false, refuse (before writing anything) when one of the files already exists.

    Returns
    -------
    Path
        The directory.

    Raises
    ------
    FileExistsError
        ``overwrite`` is false and ``directory`` already holds a file the demo would write.

    Examples
    --------
    >>> import tempfile
    >>> folder = write_biomed(tempfile.mkdtemp())
    >>> sorted(p.name for p in folder.iterdir())[:3]
    ['README.md', 'workspace.yaml', '产业链节点.csv']
    """
    path = Path(directory)
    if not overwrite:
        refuse_existing(path, [file for file, _ in FILES.values()] + ["workspace.yaml", "README.md"])
    tables = make_biomed(seed)
    path.mkdir(parents=True, exist_ok=True)
    for table, (file, _) in FILES.items():
        _written(tables, table).to_csv(path / file, index=False, encoding="utf-8-sig", lineterminator="\n")
    header = "# Second demo workspace settings, generated by ecolib.datasets.biomed.write_biomed\n"
    text = yaml.safe_dump(tables["settings"], allow_unicode=True, sort_keys=False)
    (path / "workspace.yaml").write_text(header + text, encoding="utf-8", newline="\n")
    (path / "README.md").write_text(_readme(tables, seed), encoding="utf-8", newline="\n")
    return path
