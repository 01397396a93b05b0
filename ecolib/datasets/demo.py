"""Seeded generator of the demo workspace: a new-energy-vehicle industrial park (新能源汽车产业园).

``make_demo`` returns the eight workspace tables of DESIGN §3 plus the settings for
``workspace.yaml``; ``write_demo`` writes them as a workspace folder (CSV, YAML and a README
that documents, with concrete ids and figures computed from the data, the situations the
analyses are expected to find).

Everything is vectorised with numpy/pandas (loops only over the ~100 chain nodes, the ~30
segments or the months), so sizes can be scaled up; the same seed gives byte-identical files.

Situations built into the data (see ``demo_facts`` and the generated README):

a. energy-storage system integration (储能系统集成) has no local firm, although local pack
   makers and local grid/PV customers exist and candidates exist;
b. about 8 % of the active local firms have no local flow in the 12-month window;
c. the anchor vehicle maker takes ≥ 40 % of the outbound value of several local suppliers,
   and the BMS-chip node has exactly one active local firm with capability ≥ 0.3;
d. broken link cathode → cell: local cathode makers sell out of the park, local cell makers buy
   their cathode from outside;
e. KPI history with the early-warning breaches of DESIGN §7;
f. two zones with strongly overlapping segment portfolios, a third one differentiated.
"""

from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ecolib.contract import schema

__all__ = ["DEFAULT_SEED", "TABLE_NAMES", "demo_facts", "make_demo", "write_demo"]

DEFAULT_SEED = 20261026

TABLE_NAMES = (
    "chain_nodes",
    "chain_edges",
    "firms",
    "firm_nodes",
    "flows",
    "kpis",
    "benchmarks",
    "candidates",
)

# --------------------------------------------------------------------------------------------
# The chain tree: root -> stage -> segment -> technology node (leaf)
# --------------------------------------------------------------------------------------------

ROOT = ("NEV", "New-energy vehicle industry chain", "新能源汽车产业链")

# stage id, stage value, English name, Chinese name
STAGES = (
    ("UP", "upstream", "Upstream: resources and base materials", "上游：资源与基础材料"),
    ("MID", "midstream", "Midstream: battery materials, components and systems", "中游：电池材料、零部件与系统"),
    ("DOWN", "downstream", "Downstream: vehicles, charging, storage and recycling", "下游：整车、充电、储能与回收"),
    ("SVC", "service", "Producer services", "生产性服务"),
)

# segment id, English name, Chinese name, leaves: (code, English name, Chinese name, weight, core)
SEGMENTS = (
    ("UP.LITH", "Lithium resources", "锂资源", (
        ("BRINE", "Salt-lake brine lithium extraction", "盐湖提锂", 1.5, False),
        ("SPODUMENE", "Spodumene concentrate", "锂辉石精矿", 1.2, False),
        ("CARBONATE", "Battery-grade lithium carbonate", "电池级碳酸锂", 2.5, True),
        ("HYDROXIDE", "Battery-grade lithium hydroxide", "电池级氢氧化锂", 2.0, False),
    )),
    ("UP.NICO", "Nickel and cobalt", "镍钴资源", (
        ("MHP", "Mixed hydroxide precipitate (MHP)", "镍钴湿法中间品", 1.0, False),
        ("NISULFATE", "Nickel sulfate", "硫酸镍", 1.2, False),
        ("COSULFATE", "Cobalt sulfate", "硫酸钴", 1.2, False),
        ("PRECURSOR", "NCM precursor", "三元前驱体", 2.0, True),
    )),
    ("UP.GRAPH", "Graphite and carbon", "石墨与碳材料", (
        ("FLAKE", "Natural flake graphite", "天然鳞片石墨", 0.8, False),
        ("SPHERICAL", "Spherical graphite", "球形石墨", 1.0, False),
        ("NEEDLECOKE", "Needle coke", "针状焦", 1.0, False),
    )),
    ("UP.REE", "Rare earths and magnets", "稀土永磁材料", (
        ("NDPR", "Praseodymium-neodymium oxide", "氧化镨钕", 1.5, False),
        ("HEAVY", "Dysprosium and terbium", "镝铽重稀土", 1.2, False),
        ("NDFEB", "High-performance NdFeB magnets", "高性能钕铁硼磁材", 2.0, True),
    )),
    ("UP.METAL", "Foils and light metals", "铜箔铝箔与轻量化金属", (
        ("CUFOIL", "Lithium-battery copper foil", "锂电铜箔", 1.2, False),
        ("ALFOIL", "Battery aluminium foil", "电池铝箔", 0.8, False),
        ("ALALLOY", "Die-casting aluminium alloy", "免热处理压铸铝合金", 1.0, False),
    )),
    ("MID.CATH", "Cathode materials", "正极材料", (
        ("LFP", "Lithium iron phosphate (LFP)", "磷酸铁锂", 2.0, True),
        ("NCM", "High-nickel NCM cathode", "高镍三元正极", 2.5, True),
        ("LMFP", "Lithium manganese iron phosphate (LMFP)", "磷酸锰铁锂", 1.5, False),
        ("SODIUM", "Sodium-ion cathode", "钠电正极材料", 1.0, False),
    )),
    ("MID.ANODE", "Anode materials", "负极材料", (
        ("ARTIFICIAL", "Artificial graphite anode", "人造石墨负极", 1.5, False),
        ("NATURAL", "Natural graphite anode", "天然石墨负极", 1.0, False),
        ("SILICON", "Silicon-carbon anode", "硅碳负极", 2.0, True),
        ("HARDCARBON", "Hard-carbon anode", "硬碳负极", 1.0, False),
    )),
    ("MID.ELYT", "Electrolyte", "电解液", (
        ("LIPF6", "Lithium hexafluorophosphate (LiPF6)", "六氟磷酸锂", 1.5, False),
        ("SOLVENT", "Carbonate solvents", "碳酸酯溶剂", 0.8, False),
        ("LIFSI", "LiFSI lithium salt", "新型锂盐LiFSI", 1.5, False),
        ("FORMULATION", "Electrolyte formulation", "电解液配制", 1.2, False),
    )),
    ("MID.SEP", "Separator", "隔膜", (
        ("WET", "Wet-process separator", "湿法隔膜", 1.5, False),
        ("DRY", "Dry-process separator", "干法隔膜", 0.8, False),
        ("COATED", "Coated separator", "涂覆隔膜", 1.2, False),
    )),
    ("MID.CELL", "Battery cells", "动力电芯", (
        ("PRISMATIC", "Prismatic cells", "方形电芯", 3.0, True),
        ("POUCH", "Pouch cells", "软包电芯", 1.5, False),
        ("CYLINDRICAL", "Large cylindrical cells", "大圆柱电芯", 2.0, False),
        ("SODIUM", "Sodium-ion cells", "钠离子电芯", 1.5, False),
        ("SOLIDSTATE", "Solid-state cells", "固态电芯", 2.5, True),
    )),
    ("MID.BMS", "Battery management systems", "电池管理系统", (
        ("CHIP", "BMS chip (analog front-end)", "BMS芯片（AFE）", 3.0, True),
        ("SOFTWARE", "BMS software and SOC algorithms", "BMS软件与SOC算法", 2.0, True),
        ("MASTER", "BMS master control board", "BMS主控板", 1.5, False),
        ("SENSOR", "Current and temperature sensors", "电流与温度传感器", 0.8, False),
    )),
    ("MID.PACK", "Battery packs", "电池包", (
        ("CTP", "Cell-to-pack battery packs", "CTP电池包", 2.5, True),
        ("ASSEMBLY", "Module and pack assembly", "模组与PACK组装", 1.5, False),
        ("ENCLOSURE", "Pack enclosures and structural parts", "电池箱体与结构件", 1.0, False),
        ("THERMAL", "Battery thermal management", "电池热管理系统", 1.2, False),
    )),
    ("MID.MOTOR", "Drive motors", "驱动电机", (
        ("PMSM", "Permanent-magnet synchronous motors", "永磁同步电机", 2.0, False),
        ("STATOR", "Hairpin stators and rotors", "扁线定转子", 1.0, False),
        ("REDUCER", "Reduction gearboxes", "减速器", 1.0, False),
        ("EDRIVE", "Three-in-one e-drive units", "三合一电驱总成", 2.5, True),
    )),
    ("MID.ECU", "Electronic control", "电控系统", (
        ("MCU", "Motor control units", "电机控制器", 2.0, True),
        ("VCU", "Vehicle control units", "整车控制器", 1.5, False),
        ("OBC", "On-board chargers and DC/DC", "车载充电机与DC/DC", 1.2, False),
        ("HVHARNESS", "High-voltage connectors and harnesses", "高压连接器与线束", 0.8, False),
    )),
    ("MID.PSEMI", "Power semiconductors", "功率半导体", (
        ("IGBT", "IGBT modules", "IGBT模块", 2.5, True),
        ("SICMOS", "SiC MOSFETs", "碳化硅MOSFET", 3.0, True),
        ("SICSUB", "SiC substrates and epitaxy", "碳化硅衬底与外延", 2.0, False),
        ("MODULEPKG", "Power module packaging", "功率模块封装", 1.2, False),
    )),
    ("MID.SMART", "Intelligent and connected systems", "智能网联", (
        ("DOMAIN", "ADAS domain controllers", "智驾域控制器", 2.0, True),
        ("LIDAR", "Lidar", "激光雷达", 1.5, False),
        ("CAMERA", "Automotive camera modules", "车载摄像头模组", 0.8, False),
        ("COCKPIT", "Smart cockpit", "智能座舱", 1.2, False),
    )),
    ("MID.BODY", "Chassis and body", "底盘与车身", (
        ("GIGACAST", "Giga-casting body parts", "一体化压铸件", 1.5, False),
        ("BYWIRE", "Chassis-by-wire", "线控底盘", 2.0, False),
        ("SEATING", "Seats and interiors", "座椅与内饰", 0.6, False),
    )),
    ("DOWN.VEH", "Vehicle assembly", "整车制造", (
        ("PASSENGER", "New-energy passenger vehicles", "新能源乘用车", 3.0, True),
        ("COMMERCIAL", "New-energy commercial vehicles", "新能源商用车", 2.0, False),
        ("BUS", "New-energy buses", "新能源客车", 1.2, False),
        ("SPECIAL", "Special-purpose vehicles", "专用车", 0.8, False),
    )),
    ("DOWN.CHG", "Charging infrastructure", "充电基础设施", (
        ("DCFAST", "DC fast chargers", "直流快充桩", 1.5, False),
        ("ACPILE", "AC charging piles", "交流充电桩", 0.6, False),
        ("SWAP", "Battery-swap stations", "换电站", 1.2, False),
        ("OPERATOR", "Charging network operation", "充电运营平台", 1.0, False),
    )),
    ("DOWN.ESS", "Energy-storage system integration", "储能系统集成", (
        ("CONTAINER", "Utility-scale container storage integration", "大型储能集装箱系统集成", 3.0, True),
        ("CI", "Commercial and industrial storage integration", "工商业储能系统集成", 2.0, False),
        ("PCS", "Power conversion systems (PCS)", "储能变流器PCS", 2.0, True),
        ("EMS", "Storage energy management systems (EMS)", "储能能量管理系统EMS", 1.5, False),
    )),
    ("DOWN.GRID", "Grid and PV customers", "电网与光伏用户", (
        ("GRIDSVC", "Grid peak-shaving and frequency regulation", "电网侧调峰调频", 1.0, False),
        ("PVPLANT", "Photovoltaic power plants", "光伏电站", 1.0, False),
        ("MICROGRID", "Park microgrids", "园区微电网", 0.8, False),
    )),
    ("DOWN.RECY", "Battery recycling", "电池回收", (
        ("DISMANTLE", "Retired-battery dismantling", "退役电池拆解", 0.8, False),
        ("CASCADE", "Second-life battery use", "梯次利用", 1.2, False),
        ("HYDROMET", "Hydrometallurgical recovery", "湿法冶金再生", 1.5, False),
    )),
    ("SVC.TEST", "Testing and certification", "检测认证", (
        ("BATTERY", "Battery safety testing", "动力电池安全检测", 1.2, False),
        ("EMC", "EMC testing", "电磁兼容测试", 0.8, False),
        ("VEHICLE", "Vehicle type approval", "整车认证", 1.0, False),
    )),
    ("SVC.LOGI", "Logistics", "物流", (
        ("HAZMAT", "Dangerous-goods logistics", "危险品物流", 0.8, False),
        ("WAREHOUSE", "Smart warehousing", "智慧仓储", 0.6, False),
        ("VEHICLE", "Finished-vehicle logistics", "整车物流", 0.6, False),
    )),
    ("SVC.DATA", "Data annotation and data services", "数据标注与数据服务", (
        ("ANNOTATION", "Autonomous-driving data annotation", "自动驾驶数据标注", 1.0, False),
        ("PLATFORM", "Connected-vehicle data platforms", "车联网数据平台", 1.0, False),
    )),
    ("SVC.FIN", "Supply-chain finance", "供应链金融", (
        ("FACTORING", "Receivables factoring", "应收账款保理", 1.0, False),
        ("LEASING", "Financial leasing", "融资租赁", 0.8, False),
    )),
    ("SVC.SOFT", "Industrial software", "工业软件", (
        ("MES", "Manufacturing execution systems (MES)", "制造执行系统MES", 1.0, False),
        ("CAE", "CAE simulation software", "CAE仿真软件", 1.2, False),
        ("PLM", "PLM and R&D management", "PLM研发管理", 0.8, False),
    )),
)

# Chain edges: (sources, targets, weight); a token is a stage, segment or leaf id and stands
# for all the leaves below it. weight = input intensity (share of the target's input bill).
EDGE_SPEC = (
    ("UP.LITH.BRINE UP.LITH.SPODUMENE", "UP.LITH.CARBONATE UP.LITH.HYDROXIDE", 0.6),
    ("UP.LITH.CARBONATE", "MID.CATH.LFP MID.CATH.LMFP", 0.45),
    ("UP.LITH.CARBONATE", "MID.ELYT.LIPF6 MID.ELYT.LIFSI", 0.3),
    ("UP.LITH.HYDROXIDE", "MID.CATH.NCM", 0.45),
    ("UP.NICO.MHP", "UP.NICO.NISULFATE UP.NICO.COSULFATE", 0.6),
    ("UP.NICO.NISULFATE UP.NICO.COSULFATE", "UP.NICO.PRECURSOR", 0.5),
    ("UP.NICO.PRECURSOR", "MID.CATH.NCM", 0.55),
    ("UP.GRAPH.FLAKE", "UP.GRAPH.SPHERICAL", 0.6),
    ("UP.GRAPH.SPHERICAL", "MID.ANODE.NATURAL MID.ANODE.SILICON", 0.5),
    ("UP.GRAPH.NEEDLECOKE", "MID.ANODE.ARTIFICIAL", 0.5),
    ("UP.REE.NDPR UP.REE.HEAVY", "UP.REE.NDFEB", 0.55),
    ("UP.REE.NDFEB", "MID.MOTOR.PMSM MID.MOTOR.STATOR", 0.3),
    ("UP.METAL.CUFOIL UP.METAL.ALFOIL", "MID.CELL", 0.08),
    ("UP.METAL.ALALLOY", "MID.BODY.GIGACAST MID.PACK.ENCLOSURE", 0.4),
    ("MID.CATH.LFP MID.CATH.NCM MID.CATH.LMFP",
     "MID.CELL.PRISMATIC MID.CELL.POUCH MID.CELL.CYLINDRICAL MID.CELL.SOLIDSTATE", 0.35),
    ("MID.CATH.SODIUM", "MID.CELL.SODIUM", 0.35),
    ("MID.ANODE.ARTIFICIAL MID.ANODE.NATURAL MID.ANODE.SILICON",
     "MID.CELL.PRISMATIC MID.CELL.POUCH MID.CELL.CYLINDRICAL MID.CELL.SOLIDSTATE", 0.12),
    ("MID.ANODE.HARDCARBON", "MID.CELL.SODIUM", 0.12),
    ("MID.ELYT.LIPF6 MID.ELYT.SOLVENT MID.ELYT.LIFSI", "MID.ELYT.FORMULATION", 0.5),
    ("MID.ELYT.FORMULATION", "MID.CELL.PRISMATIC MID.CELL.POUCH MID.CELL.CYLINDRICAL MID.CELL.SODIUM", 0.08),
    ("MID.SEP.WET MID.SEP.DRY", "MID.SEP.COATED", 0.5),
    ("MID.SEP.COATED MID.SEP.WET", "MID.CELL", 0.06),
    ("MID.CELL", "MID.PACK.CTP MID.PACK.ASSEMBLY", 0.55),
    ("MID.CELL", "DOWN.ESS.CONTAINER DOWN.ESS.CI", 0.45),
    ("MID.BMS.CHIP", "MID.BMS.MASTER", 0.3),
    ("MID.BMS.SENSOR MID.BMS.SOFTWARE", "MID.BMS.MASTER", 0.15),
    ("MID.BMS.MASTER", "MID.PACK.CTP MID.PACK.ASSEMBLY DOWN.ESS.CONTAINER DOWN.ESS.CI", 0.06),
    ("MID.BMS.SOFTWARE", "DOWN.ESS.EMS", 0.2),
    ("MID.PACK.ENCLOSURE MID.PACK.THERMAL", "MID.PACK.CTP MID.PACK.ASSEMBLY", 0.08),
    ("MID.PACK.THERMAL", "DOWN.ESS.CONTAINER", 0.05),
    ("MID.PACK.CTP MID.PACK.ASSEMBLY", "DOWN.VEH", 0.3),
    ("MID.PACK.CTP MID.PACK.ASSEMBLY", "DOWN.ESS.CONTAINER DOWN.ESS.CI DOWN.CHG.SWAP", 0.2),
    ("MID.PACK.CTP MID.PACK.ASSEMBLY", "DOWN.RECY.DISMANTLE", 0.3),
    ("MID.MOTOR.STATOR", "MID.MOTOR.PMSM", 0.3),
    ("MID.MOTOR.PMSM MID.MOTOR.REDUCER", "MID.MOTOR.EDRIVE", 0.3),
    ("MID.MOTOR.EDRIVE", "DOWN.VEH", 0.12),
    ("MID.ECU.MCU", "MID.MOTOR.EDRIVE", 0.2),
    ("MID.ECU.VCU MID.ECU.OBC MID.ECU.HVHARNESS", "DOWN.VEH", 0.03),
    ("MID.ECU.HVHARNESS", "MID.PACK.CTP MID.PACK.ASSEMBLY", 0.03),
    ("MID.PSEMI.SICSUB", "MID.PSEMI.SICMOS", 0.4),
    ("MID.PSEMI.IGBT MID.PSEMI.SICMOS", "MID.PSEMI.MODULEPKG", 0.5),
    ("MID.PSEMI.MODULEPKG", "MID.ECU.MCU MID.ECU.OBC DOWN.ESS.PCS DOWN.CHG.DCFAST", 0.25),
    ("MID.SMART.CAMERA MID.SMART.LIDAR", "MID.SMART.DOMAIN", 0.3),
    ("MID.SMART.DOMAIN MID.SMART.COCKPIT", "DOWN.VEH.PASSENGER", 0.04),
    ("MID.BODY", "DOWN.VEH", 0.06),
    ("DOWN.VEH.COMMERCIAL DOWN.VEH.SPECIAL", "SVC.LOGI.HAZMAT SVC.LOGI.VEHICLE", 0.3),
    ("DOWN.VEH.PASSENGER DOWN.VEH.BUS", "DOWN.CHG.OPERATOR", 0.05),
    ("DOWN.CHG.DCFAST DOWN.CHG.ACPILE DOWN.CHG.SWAP", "DOWN.CHG.OPERATOR", 0.5),
    ("DOWN.ESS.PCS DOWN.ESS.EMS", "DOWN.ESS.CONTAINER DOWN.ESS.CI", 0.12),
    ("DOWN.ESS.CONTAINER", "DOWN.GRID.GRIDSVC DOWN.GRID.PVPLANT", 0.4),
    ("DOWN.ESS.CI", "DOWN.GRID.PVPLANT DOWN.GRID.MICROGRID DOWN.CHG.OPERATOR", 0.4),
    ("DOWN.RECY.DISMANTLE", "DOWN.RECY.CASCADE DOWN.RECY.HYDROMET", 0.4),
    ("DOWN.RECY.HYDROMET", "UP.LITH.CARBONATE UP.NICO.NISULFATE UP.NICO.COSULFATE", 0.1),
    ("DOWN.RECY.CASCADE", "DOWN.ESS.CI DOWN.GRID.MICROGRID", 0.1),
    ("SVC.TEST.BATTERY", "MID.CELL MID.PACK DOWN.RECY.CASCADE DOWN.ESS.CONTAINER DOWN.ESS.CI", 0.02),
    ("SVC.TEST.EMC", "MID.ECU MID.MOTOR MID.SMART MID.BMS MID.PSEMI DOWN.CHG", 0.01),
    ("SVC.TEST.VEHICLE", "DOWN.VEH", 0.01),
    ("SVC.LOGI.HAZMAT", "UP.LITH MID.ELYT MID.CELL DOWN.RECY", 0.02),
    ("SVC.LOGI.WAREHOUSE", "MID", 0.015),
    ("SVC.LOGI.VEHICLE", "DOWN.VEH", 0.02),
    ("SVC.DATA.ANNOTATION", "MID.SMART DOWN.VEH.PASSENGER", 0.02),
    ("SVC.DATA.PLATFORM", "DOWN.CHG DOWN.GRID DOWN.VEH MID.BMS.SOFTWARE DOWN.ESS.EMS", 0.01),
    ("SVC.FIN.FACTORING", "UP MID DOWN SVC.TEST SVC.LOGI SVC.DATA SVC.SOFT", 0.01),
    ("SVC.FIN.LEASING", "DOWN.VEH DOWN.CHG DOWN.GRID DOWN.RECY DOWN.ESS", 0.02),
    ("SVC.SOFT.MES", "MID UP.METAL", 0.005),
    ("SVC.SOFT.CAE", "MID.MOTOR MID.BODY MID.PACK MID.PSEMI DOWN.VEH", 0.005),
    ("SVC.SOFT.PLM", "DOWN.VEH MID.CELL MID.SMART", 0.005),
)

# --------------------------------------------------------------------------------------------
# Firm profiles per segment
# --------------------------------------------------------------------------------------------

ZONES = ("North Zone", "East Zone", "South Hi-tech Zone")
ZONES_ZH = ("北区", "东区", "南部高新区")
ZONE_FRACTIONS = (0.40, 0.35, 0.25)

# segment: local weights per zone (North, East, South), external weight, median annual output
# (million CNY), output per employee (million CNY), output per m² (thousand CNY; 0 = office
# space by head count), patent intensity, share of output sold to other firms
PROFILE = {
    "UP.LITH": ((2, 1, 0), 6, 300, 4.0, 12, 0.4, 0.85),
    "UP.NICO": ((1, 1, 0), 5, 250, 4.0, 12, 0.4, 0.85),
    "UP.GRAPH": ((1, 1, 0), 4, 120, 2.5, 10, 0.4, 0.85),
    "UP.REE": ((1, 1, 0), 4, 200, 3.0, 12, 0.6, 0.85),
    "UP.METAL": ((2, 2, 0), 4, 200, 3.0, 15, 0.4, 0.85),
    "MID.CATH": ((0, 0, 0), 12, 1200, 4.0, 15, 0.8, 0.85),
    "MID.ANODE": ((3, 2, 0), 4, 250, 2.5, 12, 0.7, 0.85),
    "MID.ELYT": ((2, 3, 0), 4, 220, 3.0, 15, 0.7, 0.85),
    "MID.SEP": ((2, 2, 0), 3, 220, 2.0, 12, 0.8, 0.85),
    "MID.CELL": ((0, 0, 0), 8, 800, 2.0, 20, 1.2, 0.85),
    "MID.BMS": ((1, 1, 4), 4, 70, 1.0, 25, 2.0, 0.80),
    "MID.PACK": ((3, 3, 0), 4, 350, 1.8, 20, 0.9, 0.80),
    "MID.MOTOR": ((4, 4, 0), 3, 180, 1.2, 18, 1.0, 0.80),
    "MID.ECU": ((3, 3, 3), 3, 120, 1.0, 22, 1.5, 0.80),
    "MID.PSEMI": ((0, 1, 6), 5, 150, 1.2, 25, 2.5, 0.80),
    "MID.SMART": ((1, 1, 6), 3, 70, 0.9, 25, 2.5, 0.75),
    "MID.BODY": ((5, 5, 0), 3, 160, 1.0, 15, 0.6, 0.80),
    "DOWN.VEH": ((0.5, 0.5, 0), 8, 400, 2.5, 50, 1.0, 0.05),
    "DOWN.CHG": ((1, 1, 2), 3, 60, 0.8, 15, 0.8, 0.50),
    "DOWN.ESS": ((0, 0, 0), 7, 900, 2.0, 20, 1.0, 0.60),
    "DOWN.GRID": ((1, 1, 1), 2, 80, 1.5, 10, 0.3, 0.0),
    "DOWN.RECY": ((1, 2, 0), 2, 90, 1.5, 10, 0.5, 0.85),
    "SVC.TEST": ((1, 1, 3), 2, 35, 0.5, 0, 0.5, 0.90),
    "SVC.LOGI": ((3, 3, 1), 3, 45, 0.6, 0, 0.1, 0.90),
    "SVC.DATA": ((0, 0, 4), 1, 20, 0.3, 0, 0.6, 0.90),
    "SVC.FIN": ((1, 1, 2), 2, 30, 1.5, 0, 0.1, 0.90),
    "SVC.SOFT": ((0.5, 0.5, 4), 2, 25, 0.5, 0, 1.5, 0.90),
}

# where a firm's extra (non-primary) node may come from besides its own segment
RELATED = {
    "UP.LITH": "UP.NICO", "UP.NICO": "UP.LITH", "UP.GRAPH": "MID.ANODE", "MID.ANODE": "UP.GRAPH",
    "UP.METAL": "MID.BODY", "MID.ELYT": "MID.SEP", "MID.SEP": "MID.ELYT", "MID.PACK": "MID.BMS",
    "MID.BMS": "MID.ECU", "MID.MOTOR": "MID.ECU", "MID.ECU": "MID.PSEMI", "MID.PSEMI": "MID.ECU",
    "MID.SMART": "SVC.DATA", "MID.BODY": "UP.METAL", "DOWN.CHG": "DOWN.GRID",
    "DOWN.GRID": "DOWN.CHG", "DOWN.RECY": "UP.LITH", "DOWN.ESS": "MID.PACK",
    "SVC.DATA": "SVC.SOFT", "SVC.SOFT": "SVC.DATA",
}

# English / Chinese industry words for firm names, per segment
WORDS = {
    "UP.LITH": (("Lithium Industry", "锂业"), ("Lithium Materials", "锂材料"), ("Lithium Energy", "锂能")),
    "UP.NICO": (("Cobalt & Nickel Materials", "钴镍材料"), ("New Energy Materials", "新能源材料")),
    "UP.GRAPH": (("Carbon Materials", "碳素材料"), ("Graphite", "石墨")),
    "UP.REE": (("Rare Earth", "稀土"), ("Magnetic Materials", "磁材")),
    "UP.METAL": (("Copper Foil", "铜箔"), ("Aluminium", "铝业"), ("Light Alloy", "轻合金")),
    "MID.CATH": (("Cathode Materials", "正极材料"), ("Lithium Battery Materials", "锂电材料")),
    "MID.ANODE": (("Anode Materials", "负极材料"), ("New Carbon Materials", "新碳材料")),
    "MID.ELYT": (("Electrolyte", "电解液"), ("Fluorine Chemicals", "氟化工")),
    "MID.SEP": (("Separator", "隔膜"), ("Membrane Technology", "膜科技")),
    "MID.CELL": (("Power Battery", "动力电池"), ("Energy Technology", "能源科技")),
    "MID.BMS": (("Battery Management", "电池管理"), ("Electronic Technology", "电子科技")),
    "MID.PACK": (("Battery Systems", "电池系统"), ("Thermal Management", "热管理"), ("Power Systems", "动力系统")),
    "MID.MOTOR": (("Motor", "电机"), ("Electric Drive", "电驱动")),
    "MID.ECU": (("Electronic Control", "电控"), ("Auto Electronics", "汽车电子")),
    "MID.PSEMI": (("Semiconductor", "半导体"), ("Power Devices", "功率器件")),
    "MID.SMART": (("Intelligent Driving", "智能驾驶"), ("Sensing Technology", "传感科技")),
    "MID.BODY": (("Auto Parts", "汽车零部件"), ("Precision Casting", "精密压铸"), ("Chassis Systems", "底盘系统")),
    "DOWN.VEH": (("Automobile", "汽车"), ("Special Vehicle", "专用汽车")),
    "DOWN.CHG": (("Charging Technology", "充电科技"), ("Energy Services", "能源服务")),
    "DOWN.ESS": (("Energy Storage", "储能"), ("Power Storage Systems", "储能系统")),
    "DOWN.GRID": (("Power Supply", "供电"), ("Solar Power", "光伏电力"), ("Microgrid Energy", "微电网能源")),
    "DOWN.RECY": (("Resource Recycling", "资源循环"), ("Renewable Resources", "再生资源")),
    "SVC.TEST": (("Testing & Certification", "检测认证"), ("Inspection Technology", "检测技术")),
    "SVC.LOGI": (("Supply Chain Management", "供应链管理"), ("Logistics", "物流")),
    "SVC.DATA": (("Data Technology", "数据科技"), ("Intelligent Data", "智能数据")),
    "SVC.FIN": (("Supply Chain Finance", "供应链金融"), ("Financial Leasing", "融资租赁")),
    "SVC.SOFT": (("Industrial Software", "工业软件"), ("Information Technology", "信息技术")),
}

# brand syllables (pinyin, character); distinct pinyin so English names stay distinct
SYLLABLES = (
    ("Heng", "恒"), ("Rui", "瑞"), ("Hua", "华"), ("Yuan", "远"), ("Xin", "鑫"), ("Bang", "邦"),
    ("De", "德"), ("Tai", "泰"), ("Hong", "宏"), ("Sheng", "盛"), ("Lian", "联"), ("Chuang", "创"),
    ("Ke", "科"), ("Qi", "启"), ("Jing", "晶"), ("Chi", "驰"), ("Tuo", "拓"), ("Yue", "越"),
    ("Kai", "凯"), ("Bo", "博"), ("Xiang", "翔"), ("Tian", "天"), ("Hai", "海"), ("Jia", "嘉"),
    ("An", "安"), ("Ming", "明"), ("Li", "力"), ("Da", "达"), ("Cheng", "诚"), ("Feng", "峰"),
    ("Yu", "宇"), ("Chen", "辰"), ("Zhuo", "卓"), ("Xing", "星"), ("Zhen", "振"), ("Teng", "腾"),
    ("Run", "润"), ("Hang", "航"), ("Zhi", "智"), ("Lan", "蓝"), ("Jun", "钧"), ("Bei", "贝"),
)

# syllable pairs that spell well-known brands or words; never used at the start of a brand
BRAND_BLACKLIST = ("安卓", "宏达", "恒瑞", "天安", "华安", "海天", "明星", "天明", "星辰", "宇航",
                   "航天", "博科", "科达", "安达", "德力", "力达", "华联", "联华")

# cities for firms outside the park: English, Chinese, province (the candidates' region)
CITIES = (
    ("Yichun", "宜春", "Jiangxi"), ("Ganzhou", "赣州", "Jiangxi"), ("Golmud", "格尔木", "Qinghai"),
    ("Yibin", "宜宾", "Sichuan"), ("Suining", "遂宁", "Sichuan"), ("Chengdu", "成都", "Sichuan"),
    ("Jinchang", "金昌", "Gansu"), ("Baotou", "包头", "Inner Mongolia"), ("Jixi", "鸡西", "Heilongjiang"),
    ("Ningde", "宁德", "Fujian"), ("Xiamen", "厦门", "Fujian"), ("Changzhou", "常州", "Jiangsu"),
    ("Wuxi", "无锡", "Jiangsu"), ("Suzhou", "苏州", "Jiangsu"), ("Shanghai", "上海", "Shanghai"),
    ("Ningbo", "宁波", "Zhejiang"), ("Hangzhou", "杭州", "Zhejiang"), ("Quzhou", "衢州", "Zhejiang"),
    ("Hefei", "合肥", "Anhui"), ("Wuhu", "芜湖", "Anhui"), ("Shenzhen", "深圳", "Guangdong"),
    ("Huizhou", "惠州", "Guangdong"), ("Guangzhou", "广州", "Guangdong"), ("Changsha", "长沙", "Hunan"),
    ("Wuhan", "武汉", "Hubei"), ("Xi'an", "西安", "Shaanxi"), ("Tianjin", "天津", "Tianjin"),
    ("Beijing", "北京", "Beijing"), ("Chongqing", "重庆", "Chongqing"), ("Zibo", "淄博", "Shandong"),
    ("Qingdao", "青岛", "Shandong"),
)
# the candidates' provinces in Chinese
PROVINCES_ZH = {
    "Jiangxi": "江西", "Qinghai": "青海", "Sichuan": "四川", "Gansu": "甘肃", "Inner Mongolia": "内蒙古",
    "Heilongjiang": "黑龙江", "Fujian": "福建", "Jiangsu": "江苏", "Shanghai": "上海", "Zhejiang": "浙江",
    "Anhui": "安徽", "Guangdong": "广东", "Hunan": "湖南", "Hubei": "湖北", "Shaanxi": "陕西",
    "Tianjin": "天津", "Beijing": "北京", "Chongqing": "重庆", "Shandong": "山东",
}
CITY_PREFERENCE = {
    "UP.LITH": ("Yichun", "Golmud", "Yibin", "Suining"),
    "UP.NICO": ("Jinchang", "Quzhou", "Ningbo"),
    "UP.GRAPH": ("Jixi", "Baotou"),
    "UP.REE": ("Baotou", "Ganzhou"),
    "MID.CATH": ("Changsha", "Ningde", "Yibin", "Hefei", "Changzhou"),
    "MID.CELL": ("Ningde", "Changzhou", "Hefei", "Huizhou", "Wuxi"),
    "MID.PSEMI": ("Shanghai", "Shenzhen", "Suzhou", "Xiamen"),
    "DOWN.ESS": ("Shenzhen", "Xiamen", "Hefei", "Changzhou", "Beijing"),
    "DOWN.VEH": ("Hefei", "Wuhu", "Chongqing", "Xi'an", "Guangzhou", "Shanghai", "Hangzhou"),
}

KINDS = tuple(sorted(schema.FLOW_KINDS))  # alphabetical: code order = sort order
K_CAPITAL, K_DATA, K_GOODS, K_SERVICE, K_TECH = range(5)
KIND_OF_SEGMENT = {"SVC.TEST": K_SERVICE, "SVC.LOGI": K_SERVICE, "SVC.DATA": K_DATA,
                   "SVC.FIN": K_CAPITAL, "SVC.SOFT": K_TECH}

# seasonality of park output and flows by calendar month (Spring Festival dip, year-end peak)
SEASON = np.array([0.97, 0.92, 1.00, 0.98, 0.99, 1.02, 0.97, 0.99, 1.03, 1.02, 1.03, 1.07])

OUTPUT_GROWTH = 0.105        # yoy growth of park output
LOCAL_FLOW_GROWTH = 0.16     # yoy growth of local inter-firm relationships (≈ 1.5 × output growth)
OTHER_FLOW_GROWTH = 0.08
ISOLATED_SHARE = 0.08
WINDOW = 12
MIN_CAPABILITY = 0.3

BENCH_SOURCE = "Benchmark park survey 2025 (synthetic)"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


class _Pool:
    """Items grouped by an integer key, drawn with probability proportional to a weight."""

    def __init__(self, group, item, weight, n_groups):
        group = np.asarray(group, dtype=np.int64)
        item = np.asarray(item, dtype=np.int64)
        weight = np.asarray(weight, dtype=float)
        order = np.lexsort((item, group))
        self.item = item[order]
        g = group[order]
        w = weight[order]
        self.cum = np.cumsum(w)
        self.count = np.bincount(g, minlength=n_groups)
        self.end = np.cumsum(self.count)
        self.start = self.end - self.count
        self.total = np.bincount(g, weights=w, minlength=n_groups)
        self.base = np.concatenate([[0.0], self.cum])[self.start]

    def has(self, q):
        q = np.asarray(q, dtype=np.int64)
        return (self.count[q] > 0) & (self.total[q] > 0)

    def draw(self, rng, q):
        """One item per query group (-1 where the group is empty)."""
        q = np.asarray(q, dtype=np.int64)
        u = rng.random(len(q))
        out = np.full(len(q), -1, dtype=np.int64)
        ok = self.has(q)
        if not ok.any():
            return out
        qo = q[ok]
        pos = np.searchsorted(self.cum, self.base[qo] + u[ok] * self.total[qo], side="right")
        pos = np.clip(pos, self.start[qo], self.end[qo] - 1)
        out[ok] = self.item[pos]
        return out


def _quota(total, weights):
    """Largest-remainder integer allocation of ``total`` proportional to ``weights``."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    raw = w / w.sum() * total
    base = np.floor(raw).astype(np.int64)
    rest = int(total - base.sum())
    order = np.lexsort((np.arange(len(w)), -(raw - base)))
    base[order[:rest]] += 1
    return base


def _months(end_month, n_months):
    end = pd.Period(end_month, freq="M")
    per = pd.period_range(end=end, periods=n_months, freq="M")
    return np.array(per.strftime("%Y-%m"), dtype=object), np.asarray(per.month) - 1


def _ids(prefix, first, n):
    """Zero-padded ids prefix0001... (at least 4 digits), vectorised."""
    width = max(4, len(str(first + n - 1)))
    return (prefix + pd.Series(np.arange(first, first + n)).astype(str).str.zfill(width)).to_numpy(dtype=object)


def _group_sum(keys, values, n):
    return np.bincount(keys, weights=values, minlength=n)


# --------------------------------------------------------------------------------------------
# chain
# --------------------------------------------------------------------------------------------


class _Chain:
    def __init__(self):
        rows = [(ROOT[0], ROOT[1], None, ROOT[2], None, 1.0, False)]
        stage_of = {sid: stage for sid, stage, _, _ in STAGES}
        seg_ids, leaf_ids, leaf_seg, leaf_w = [], [], [], []
        for sid, stage, en, zh in STAGES:
            rows.append((sid, en, ROOT[0], zh, stage, 1.0, False))
            for seg_id, sen, szh, leaves in SEGMENTS:
                if seg_id.split(".")[0] != sid:
                    continue
                seg_ids.append(seg_id)
                rows.append((seg_id, sen, sid, szh, stage, round(float(np.mean([lv[3] for lv in leaves])), 2), False))
                for code, len_, lzh, w, core in leaves:
                    leaf_ids.append(f"{seg_id}.{code}")
                    leaf_seg.append(len(seg_ids) - 1)
                    leaf_w.append(w)
                    rows.append((f"{seg_id}.{code}", len_, seg_id, lzh, stage_of[sid], float(w), bool(core)))
        self.nodes = pd.DataFrame(rows, columns=["node_id", "name", "parent_id", "name_zh", "stage", "weight", "core"])
        self.nodes["core"] = self.nodes["core"].astype(bool)
        self.seg_ids = np.array(seg_ids, dtype=object)
        self.leaf_ids = np.array(leaf_ids, dtype=object)
        self.leaf_seg = np.array(leaf_seg, dtype=np.int64)
        self.leaf_w = np.array(leaf_w, dtype=float)
        self.n_leaves = len(leaf_ids)
        self.leaf_index = {lid: i for i, lid in enumerate(leaf_ids)}
        self.seg_index = {sid: i for i, sid in enumerate(seg_ids)}
        self.seg_leaves = {s: np.flatnonzero(self.leaf_seg == i) for i, s in enumerate(seg_ids)}
        self.seg_nleaf = np.bincount(self.leaf_seg, minlength=len(seg_ids))
        self.seg_first = np.cumsum(self.seg_nleaf) - self.seg_nleaf  # leaves of a segment are contiguous

        # edges between leaves
        src, tgt, wts = [], [], []
        for s_tok, t_tok, w in EDGE_SPEC:
            s_leaves = np.concatenate([self._resolve(t) for t in s_tok.split()])
            t_leaves = np.concatenate([self._resolve(t) for t in t_tok.split()])
            ss, tt = np.meshgrid(s_leaves, t_leaves, indexing="ij")
            src.append(ss.ravel())
            tgt.append(tt.ravel())
            wts.append(np.full(ss.size, w))
        e = pd.DataFrame({"s": np.concatenate(src), "t": np.concatenate(tgt), "w": np.concatenate(wts)})
        e = e[e.s != e.t].groupby(["s", "t"], as_index=False)["w"].max()
        self.e_src = e.s.to_numpy()
        self.e_tgt = e.t.to_numpy()
        self.e_w = e.w.to_numpy()
        self.edges = pd.DataFrame({
            "source": self.leaf_ids[self.e_src],
            "target": self.leaf_ids[self.e_tgt],
            "weight": np.round(self.e_w, 3),
        }).sort_values(["source", "target"], ignore_index=True)

        prof = [PROFILE[s] for s in seg_ids]
        self.seg_zone_w = np.array([p[0] for p in prof], dtype=float)  # (n_seg, 3)
        self.seg_ext_w = np.array([p[1] for p in prof], dtype=float)
        self.seg_out = np.array([p[2] for p in prof], dtype=float) * 1e6
        self.seg_prod = np.array([p[3] for p in prof], dtype=float) * 1e6
        self.seg_dens = np.array([p[4] for p in prof], dtype=float) * 1e3
        self.seg_pat = np.array([p[5] for p in prof], dtype=float)
        self.seg_sales = np.array([p[6] for p in prof], dtype=float)
        self.leaf_kind = np.array([KIND_OF_SEGMENT.get(self.seg_ids[s], K_GOODS) for s in self.leaf_seg])
        self.leaf_kind[self.leaf_index["MID.BMS.SOFTWARE"]] = K_TECH
        self.seg_related = np.array([self.seg_index.get(RELATED.get(s, ""), -1) for s in seg_ids])

    def _resolve(self, token):
        if token in self.leaf_index:
            return np.array([self.leaf_index[token]])
        if token in self.seg_index:
            return self.seg_leaves[token]
        hits = [self.seg_leaves[s] for s in self.seg_ids if s.split(".")[0] == token]
        if not hits:
            raise KeyError(token)
        return np.concatenate(hits)

    def leaf(self, lid):
        return self.leaf_index[lid]

    def seg(self, sid):
        return self.seg_index[sid]


# --------------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------------


def _brands(rng, n):
    """n distinct brand names (English pinyin, Chinese) from 2 or 3 distinct syllables."""
    py = np.array([s[0] for s in SYLLABLES], dtype=object)
    zh = np.array([s[1] for s in SYLLABLES], dtype=object)
    m = len(SYLLABLES)
    space2, space3 = m * (m - 1), m * (m - 1) * (m - 2)
    bad = np.zeros((m, m), bool)
    pos = {ch: i for i, ch in enumerate(zh)}
    for w in BRAND_BLACKLIST:
        bad[pos[w[0]], pos[w[1]]] = True
    pad = int(bad.sum()) * (m - 2) + 1
    if n <= space2 // 2:
        idx = rng.choice(space2, size=min(n + pad, space2), replace=False)
        a = idx // (m - 1)
        b = idx % (m - 1)
        b = b + (b >= a)
        ok = ~bad[a, b]
        parts = [a[ok][:n], b[ok][:n]]
    else:
        k = min(n + pad, space3)
        idx = rng.choice(space3, size=k, replace=False)
        a = idx // ((m - 1) * (m - 2))
        r = idx % ((m - 1) * (m - 2))
        b = r // (m - 2)
        c = r % (m - 2)
        b = b + (b >= a)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        c = c + (c >= lo)
        c = c + (c >= hi)
        ok = ~bad[a, b]
        a, b, c = a[ok], b[ok], c[ok]
        if n > len(a):  # more firms than brands: repeat, numbered below
            rep = np.arange(n) % len(a)
            a, b, c = a[rep], b[rep], c[rep]
        parts = [a[:n], b[:n], c[:n]]
        space3 = len(ok.nonzero()[0])
    en = pd.Series(py[parts[0]])
    cn = pd.Series(zh[parts[0]])
    for p in parts[1:]:
        s = pd.Series(py[p]).str.lower()
        s = s.where(~s.str[0].isin(["a", "e", "o"]), "'" + s)
        en = en + s
        cn = cn + pd.Series(zh[p])
    if n > space3:  # only for very large regions: disambiguate repeats
        rep = pd.Series(np.arange(n) // space3)
        en = en.where(rep == 0, en + " " + (rep + 1).astype(str))
        cn = cn.where(rep == 0, cn + (rep + 1).astype(str))
    return en.to_numpy(dtype=object), cn.to_numpy(dtype=object)


def _names(rng, ch, seg, brand_en, brand_zh, city=None):
    """Company names from brand, an industry word of the segment and optionally a city."""
    n = len(seg)
    word_en = np.empty(n, dtype=object)
    word_zh = np.empty(n, dtype=object)
    u = rng.random(n)
    for s, sid in enumerate(ch.seg_ids):
        m = seg == s
        if not m.any():
            continue
        words = WORDS[sid]
        k = np.minimum((u[m] * len(words)).astype(int), len(words) - 1)
        word_en[m] = np.array([w[0] for w in words], dtype=object)[k]
        word_zh[m] = np.array([w[1] for w in words], dtype=object)[k]
    plc = rng.random(n) < 0.12
    en = pd.Series(brand_en) + " " + pd.Series(word_en) + " Co., Ltd."
    zh_suffix = np.where(plc, "股份有限公司", "有限公司")
    zh = pd.Series(brand_zh) + pd.Series(word_zh) + pd.Series(zh_suffix)
    if city is not None:
        en = pd.Series(np.array([c[0] for c in CITIES], dtype=object)[city]) + " " + en
        zh = pd.Series(np.array([c[1] for c in CITIES], dtype=object)[city]) + zh
    return en.to_numpy(dtype=object), zh.to_numpy(dtype=object)


def _cities(rng, ch, seg):
    """A city index per firm, preferring the segment's typical locations."""
    n = len(seg)
    city = rng.integers(0, len(CITIES), n)
    names = [c[0] for c in CITIES]
    pref_u = rng.random(n)
    pick = rng.random(n)
    for sid, pref in CITY_PREFERENCE.items():
        m = (seg == ch.seg(sid)) & (pref_u < 0.75)
        if m.any():
            idx = np.array([names.index(p) for p in pref])
            city[m] = idx[np.minimum((pick[m] * len(idx)).astype(int), len(idx) - 1)]
    return city


# --------------------------------------------------------------------------------------------
# firms and firm_nodes
# --------------------------------------------------------------------------------------------

# special local firms: role, zone index, nodes [(leaf, weight, capability)], output, names
SPECIALS = (
    ("anchor", 0, (("DOWN.VEH.PASSENGER", 1.0, 0.95),), 42e9,
     ("Qingyuan Automobile Co., Ltd.", "擎远汽车股份有限公司")),
    ("anchor_cv", 1, (("DOWN.VEH.COMMERCIAL", 0.6, 0.90), ("DOWN.VEH.BUS", 0.4, 0.86)), 16e9,
     ("Huatong Commercial Vehicle Co., Ltd.", "华通商用车有限公司")),
    ("anchor_cell", 0, (("MID.CELL.PRISMATIC", 0.8, 0.93), ("MID.PACK.ASSEMBLY", 0.2, 0.70)), 12e9,
     ("Ruineng Power Battery Co., Ltd.", "睿能动力电池股份有限公司")),
    ("bms_chip", 2, (("MID.BMS.CHIP", 0.8, 0.86), ("MID.BMS.SOFTWARE", 0.2, 0.55)), 1.8e8,
     ("Lingxin Microelectronics Co., Ltd.", "领芯微电子有限公司")),
    ("bms_chip_weak", 2, (("MID.BMS.MASTER", 0.85, 0.72), ("MID.BMS.CHIP", 0.15, 0.22)), 1.2e8, None),
    ("bms_chip_exited", 2, (("MID.BMS.CHIP", 1.0, 0.74),), 0.9e8, None),
    ("cathode", 0, (("MID.CATH.LFP", 0.75, 0.82), ("MID.CATH.LMFP", 0.25, 0.55)), None, None),
    ("cathode", 0, (("MID.CATH.NCM", 1.0, 0.88),), None, None),
    ("cathode", 0, (("MID.CATH.LFP", 1.0, 0.76),), None, None),
    ("cathode", 0, (("MID.CATH.NCM", 0.7, 0.71), ("MID.CATH.SODIUM", 0.3, 0.45)), None, None),
    ("cathode", 1, (("MID.CATH.LMFP", 1.0, 0.68),), None, None),
    ("cathode", 1, (("MID.CATH.LFP", 0.8, 0.79), ("MID.CATH.NCM", 0.2, 0.40)), None, None),
    ("cell", 0, (("MID.CELL.CYLINDRICAL", 0.7, 0.66), ("MID.PACK.ASSEMBLY", 0.3, 0.50)), None, None),
    ("cell", 1, (("MID.CELL.SODIUM", 1.0, 0.58),), None, None),
    ("cell", 1, (("MID.CELL.POUCH", 1.0, 0.63),), None, None),
    ("captive", 0, (("MID.PACK.CTP", 0.8, 0.78), ("MID.PACK.THERMAL", 0.2, 0.50)), None, None),
    ("pack", 0, (("MID.PACK.ASSEMBLY", 1.0, 0.70),), None, None),
    ("captive", 1, (("MID.PACK.ASSEMBLY", 0.85, 0.74), ("MID.BMS.MASTER", 0.15, 0.35)), None, None),
    ("pack", 1, (("MID.PACK.CTP", 1.0, 0.69),), None, None),
    ("grid", 0, (("DOWN.GRID.MICROGRID", 1.0, 0.80),), None, None),
    ("grid", 1, (("DOWN.GRID.PVPLANT", 1.0, 0.75),), None, None),
    ("grid", 2, (("DOWN.GRID.GRIDSVC", 0.8, 0.70), ("DOWN.GRID.PVPLANT", 0.2, 0.50)), None, None),
    ("factoring", 2, (("SVC.FIN.FACTORING", 1.0, 0.80),), None, None),
    ("factoring", 1, (("SVC.FIN.FACTORING", 0.7, 0.72), ("SVC.FIN.LEASING", 0.3, 0.55)), None, None),
    ("captive", 0, (("MID.MOTOR.EDRIVE", 1.0, 0.81),), None, None),
    ("captive", 1, (("MID.MOTOR.EDRIVE", 0.6, 0.77), ("MID.MOTOR.REDUCER", 0.4, 0.52)), None, None),
    ("captive", 0, (("MID.ECU.VCU", 1.0, 0.73),), None, None),
    ("captive", 0, (("MID.BODY.GIGACAST", 1.0, 0.80),), None, None),
    ("captive", 1, (("MID.BODY.BYWIRE", 1.0, 0.69),), None, None),
    ("captive", 0, (("MID.BODY.SEATING", 1.0, 0.75),), None, None),
)


def _firm_nodes_random(rng, ch, seg, local):
    """1–3 leaf nodes per firm: a primary leaf in its segment, extras in the segment or a related one."""
    n = len(seg)
    chip = ch.leaf("MID.BMS.CHIP")
    ess = ch.seg("DOWN.ESS")
    allowed_local = (ch.leaf_seg != ess) & (np.arange(ch.n_leaves) != chip)
    pool_all = _Pool(ch.leaf_seg, np.arange(ch.n_leaves), np.ones(ch.n_leaves), len(ch.seg_ids))
    pool_loc = _Pool(ch.leaf_seg[allowed_local], np.flatnonzero(allowed_local),
                     np.ones(int(allowed_local.sum())), len(ch.seg_ids))

    primary = np.where(local, pool_loc.draw(rng, seg), pool_all.draw(rng, seg))
    # external firms: the first firms of a segment cover its leaves round-robin
    ext = np.flatnonzero(~local)
    if len(ext):
        es = seg[ext]
        order = np.argsort(es, kind="stable")
        sorted_seg = es[order]
        first = np.r_[0, np.flatnonzero(np.diff(sorted_seg)) + 1]
        rank = np.arange(len(es)) - np.repeat(first, np.diff(np.r_[first, len(es)]))
        rr = rank < ch.seg_nleaf[sorted_seg]
        starts = ch.seg_first[sorted_seg]
        sel = ext[order][rr]
        primary[sel] = (starts + rank)[rr]

    k = rng.choice([1, 2, 3], size=n, p=[0.55, 0.30, 0.15])
    firm = np.repeat(np.arange(n), k)
    slot = np.arange(len(firm)) - np.repeat(np.cumsum(k) - k, k)
    fseg = seg[firm]
    related = ch.seg_related[fseg]
    use_rel = (rng.random(len(firm)) < 0.2) & (related >= 0)
    xseg = np.where(use_rel, related, fseg)
    xleaf = np.where(local[firm], pool_loc.draw(rng, xseg), pool_all.draw(rng, xseg))
    node = np.where(slot == 0, primary[firm], xleaf)
    weight = np.where(slot == 0, 1.0, rng.uniform(0.15, 0.6, len(firm)))
    cap = np.where(slot == 0, rng.uniform(0.35, 0.97, len(firm)), rng.uniform(0.1, 0.85, len(firm)))
    keep = node >= 0
    df = pd.DataFrame({"firm": firm[keep], "node": node[keep], "w": weight[keep], "cap": cap[keep],
                       "slot": slot[keep]})
    df = df.drop_duplicates(["firm", "node"], keep="first")
    return df


def _shares(df):
    """Integer shares in 1/10000 summing exactly to 10000 per firm (first row takes the rest)."""
    tot = df.groupby("firm")["w"].transform("sum")
    raw = np.floor(df["w"] / tot * 10000).astype(np.int64)
    first = ~df["firm"].duplicated()
    rest = 10000 - raw.groupby(df["firm"]).transform("sum")
    return np.where(first, raw + rest, raw)


def _build_firms(rng, ch, n_local, n_external, n_candidates, n_months):
    specials = SPECIALS
    n_spec = len(specials)
    n_rand = n_local - n_spec
    zone_q = _quota(n_rand, ZONE_FRACTIONS)
    r_zone, r_seg = [], []
    for z in range(3):
        q = _quota(zone_q[z], ch.seg_zone_w[:, z])
        r_seg.append(np.repeat(np.arange(len(ch.seg_ids)), q))
        r_zone.append(np.full(int(q.sum()), z))
    r_zone = np.concatenate(r_zone)
    r_seg = np.concatenate(r_seg)
    ext_seg = np.repeat(np.arange(len(ch.seg_ids)), _quota(n_external, ch.seg_ext_w))

    roles = np.array([s[0] for s in specials] + ["random"] * n_rand + ["external"] * n_external, dtype=object)
    zone = np.concatenate([[s[1] for s in specials], r_zone, np.full(n_external, -1)]).astype(np.int64)
    spec_seg = [ch.leaf_seg[ch.leaf(s[2][0][0])] for s in specials]
    seg = np.concatenate([spec_seg, r_seg, ext_seg]).astype(np.int64)
    N = len(seg)
    local = np.arange(N) < n_local

    # firm_nodes: random firms, then explicit specials
    rnd = _firm_nodes_random(rng, ch, seg[n_spec:], local[n_spec:])
    rnd["firm"] += n_spec
    sp_rows = [(i, ch.leaf(leaf), w, c, j) for i, s in enumerate(specials) for j, (leaf, w, c) in enumerate(s[2])]
    sp = pd.DataFrame(sp_rows, columns=["firm", "node", "w", "cap", "slot"])
    fn = pd.concat([sp, rnd], ignore_index=True)

    # size
    out_med = ch.seg_out[seg]
    sigma = np.where(local, 0.8, 0.7)
    output = out_med * np.exp(rng.normal(0.0, 1.0, N) * sigma)
    output = np.clip(output, 8e6, 6e9)
    output[~local] = np.clip(output[~local] * 3.0, 5e7, 8e10)  # outside suppliers/buyers are larger
    for i, s in enumerate(specials):
        if s[3] is not None:
            output[i] = s[3] * float(np.exp(rng.normal(0.0, 0.05)))
    cath = roles == "cathode"
    output[cath] = np.clip(1.2e9 * np.exp(rng.normal(0.0, 0.45, int(cath.sum()))), 4e8, 3.5e9)
    output = np.round(output, -4)
    employees = np.maximum(8, np.round(output / ch.seg_prod[seg] * np.exp(rng.normal(0, 0.3, N)))).astype(np.int64)
    dens = ch.seg_dens[seg]
    area = np.where(dens > 0, output / np.where(dens > 0, dens, 1.0), employees * 14.0)
    area = area * np.exp(rng.normal(0, 0.25, N))
    area = np.round(np.maximum(area, 200.0), -1)
    patents = rng.poisson(ch.seg_pat[seg] * employees ** 0.65 * 0.6).astype(np.int64)
    anchor = np.isin(roles, ["anchor", "anchor_cv", "anchor_cell"])
    patents[anchor] = patents[anchor] * 4

    # isolated and exited firms (random local firms only)
    rand_idx = np.flatnonzero(roles == "random")
    n_exit = max(3, int(round(0.02 * n_local)))
    perm = rng.permutation(rand_idx)
    exited = perm[: n_exit - 1]
    n_iso = int(round(ISOLATED_SHARE * (n_local - n_exit)))
    isolated = np.zeros(N, bool)
    isolated[perm[n_exit - 1 : n_exit - 1 + n_iso]] = True
    exit_idx = np.full(N, n_months, dtype=np.int64)
    exit_idx[exited] = rng.integers(n_months - 12, n_months - 1, len(exited))
    chip_exit = int(np.flatnonzero(roles == "bms_chip_exited")[0])
    exit_idx[chip_exit] = n_months - 8

    # ids: the anchor is F0001, other local firms get shuffled ids; externals X0001...
    new_pos = np.empty(N, dtype=np.int64)
    new_pos[0] = 0
    new_pos[1:n_local] = 1 + rng.permutation(n_local - 1)
    new_pos[n_local:] = np.arange(n_local, N)
    inv = np.empty(N, dtype=np.int64)
    inv[new_pos] = np.arange(N)

    # names
    names_en = np.empty(N, dtype=object)
    names_zh = np.empty(N, dtype=object)
    b_en, b_zh = _brands(rng, N + n_candidates)  # candidates get the remaining brands
    ln_en, ln_zh = _names(rng, ch, seg[:n_local], b_en[:n_local], b_zh[:n_local])
    city = _cities(rng, ch, seg[n_local:])
    xn_en, xn_zh = _names(rng, ch, seg[n_local:], b_en[n_local:N], b_zh[n_local:N], city=city)
    names_en[:n_local], names_zh[:n_local] = ln_en, ln_zh
    names_en[n_local:], names_zh[n_local:] = xn_en, xn_zh
    for i, s in enumerate(specials):
        if s[4] is not None:
            names_en[i], names_zh[i] = s[4]

    F = {
        "role": roles, "zone": zone, "seg": seg, "local": local, "output": output, "employees": employees,
        "area": area, "patents": patents, "anchor": anchor, "isolated": isolated, "exit_idx": exit_idx,
        "name": names_en, "name_zh": names_zh,
    }
    F = {k: v[inv] for k, v in F.items()}
    fn["firm"] = new_pos[fn["firm"].to_numpy()]
    fn = fn.sort_values(["firm", "slot"], kind="stable", ignore_index=True)
    fn["share_int"] = _shares(fn)
    fn = fn.sort_values(["firm", "node"], kind="stable", ignore_index=True)
    F["n"] = N
    F["n_local"] = n_local
    F["cand_brands"] = (b_en[N:], b_zh[N:])
    return F, fn


# --------------------------------------------------------------------------------------------
# flows
# --------------------------------------------------------------------------------------------


def _output_series(rng, F, cal_month, n_months):
    """Monthly park output (CNY): active local firms' annual output / 12 × trend × season."""
    local = F["local"]
    out = F["output"][local]
    ex = F["exit_idx"][local]
    lost = np.bincount(np.minimum(ex, n_months), weights=out, minlength=n_months + 1)[:n_months]
    base = (out.sum() - np.cumsum(lost)) / 12.0
    t = np.arange(n_months)
    trend = (1 + OUTPUT_GROWTH) ** ((t - (n_months - 1)) / 12.0)
    ts = trend * SEASON[cal_month]
    ts = ts / ts[-12:].mean()
    return np.round(base * ts * (1 + rng.normal(0, 0.004, n_months)), 2)


def _flows(rng, ch, F, fn, cal_month, output_kpi):
    N = F["n"]
    n_months = len(cal_month)
    local, out, iso, role = F["local"], F["output"], F["isolated"], F["role"]
    exit_idx = F["exit_idx"]
    active = exit_idx >= n_months
    fn_f = fn["firm"].to_numpy()
    fn_n = fn["node"].to_numpy()
    fn_s = fn["share_int"].to_numpy() / 10000.0
    fn_c = fn["cap"].to_numpy()
    nn = ch.n_leaves
    anchor = int(np.flatnonzero(role == "anchor")[0])
    anchor_cell = int(np.flatnonzero(role == "anchor_cell")[0])
    cathode = role == "cathode"
    captive = role == "captive"
    cath_leaf = ch.leaf_seg == ch.seg("MID.CATH")
    cell_leaf = ch.leaf_seg == ch.seg("MID.CELL")

    # primary node of each firm: its largest share
    o = np.lexsort((-fn_s, fn_f))
    first = np.r_[True, fn_f[o][1:] != fn_f[o][:-1]]
    prim_node = np.full(N, -1, dtype=np.int64)
    prim_node[fn_f[o][first]] = fn_n[o][first]
    w_pool = fn_s * fn_c * out[fn_f] ** 0.6
    m_loc = local[fn_f] & ~iso[fn_f]
    pool_loc = _Pool(fn_n[m_loc], fn_f[m_loc], w_pool[m_loc], nn)
    m_ext = ~local[fn_f]
    pool_ext = _Pool(fn_n[m_ext], fn_f[m_ext], w_pool[m_ext], nn)
    ext_has = pool_ext.has(np.arange(nn))
    loc_has = pool_loc.has(np.arange(nn))
    # target nodes are drawn among those with a possible buyer (outside only for some firms)
    out_edges = _Pool(ch.e_src, ch.e_tgt, ch.e_w * (ext_has | loc_has)[ch.e_tgt], nn)
    out_edges_ext = _Pool(ch.e_src, ch.e_tgt, ch.e_w * ext_has[ch.e_tgt], nn)

    rel_src, rel_tgt, rel_node, rel_val, rel_forced = [], [], [], [], []

    # ---- sales of local firms (to local or outside buyers)
    sales_frac = ch.seg_sales[ch.leaf_seg]
    ext_only = iso | cathode
    rows = np.flatnonzero(local[fn_f] & (sales_frac[fn_n] > 0)
                          & np.where(ext_only[fn_f], out_edges_ext.has(fn_n), out_edges.has(fn_n)))
    f = fn_f[rows]
    lam = fn_s[rows] * (0.8 + 0.8 * np.log10(np.maximum(out[f], 1e7) / 1e7))
    k = 1 + rng.poisson(lam)
    srow = np.repeat(rows, k)
    s_f = fn_f[srow]
    s_node = fn_n[srow]
    t_node = np.where(ext_only[s_f], out_edges_ext.draw(rng, s_node), out_edges.draw(rng, s_node))
    wexp = rng.exponential(1.0, len(srow))
    ufirm = rng.uniform(0.8, 1.1, N)
    budget = out[s_f] * fn_s[srow] * sales_frac[s_node] * ufirm[s_f]
    value = budget * wexp / _group_sum(srow, wexp, len(fn_f))[srow]
    p_loc = np.where(iso[s_f], 0.0, 0.55)
    p_loc = np.where(cathode[s_f], 0.0, p_loc)  # cathode makers: explicit local sales below
    want_local = rng.random(len(srow)) < p_loc
    b_loc = pool_loc.draw(rng, t_node)
    b_ext = pool_ext.draw(rng, t_node)
    b_loc = np.where(b_loc == s_f, -1, b_loc)
    normal = ~iso[s_f] & ~cathode[s_f]
    buyer = np.where(want_local & (b_loc >= 0), b_loc,
                     np.where(b_ext >= 0, b_ext, np.where(normal, b_loc, -1)))
    ok = buyer >= 0
    s_f, s_node, buyer, value = s_f[ok], s_node[ok], buyer[ok], value[ok]

    # captive suppliers: the anchor takes 50–70 % of their sales
    cap_firms = np.flatnonzero(captive)
    other = _group_sum(s_f, value, N)[cap_firms]
    alpha = rng.uniform(0.5, 0.7, len(cap_firms))
    cap_val = np.where(other > 0, other * alpha / (1 - alpha), out[cap_firms] * 0.5)
    s_f = np.r_[s_f, cap_firms]
    s_node = np.r_[s_node, prim_node[cap_firms]]
    buyer = np.r_[buyer, np.full(len(cap_firms), anchor)]
    value = np.r_[value, cap_val]
    forced = np.r_[np.zeros(len(value) - len(cap_firms), bool), np.ones(len(cap_firms), bool)]

    # cathode makers sell out of the park; some sell 2–8 % to the local cell anchor
    cath_firms = np.flatnonzero(cathode)
    ext_v = _group_sum(s_f, value, N)[cath_firms]
    tau = rng.uniform(0.02, 0.08, len(cath_firms)) * (rng.random(len(cath_firms)) < 0.6)
    tau[np.argmax(out[cath_firms])] = max(tau[np.argmax(out[cath_firms])], 0.03)
    sel = tau > 0
    loc_cath = (tau / (1 - tau) * ext_v)[sel]
    # the local link stays far below the cell anchor's outside cathode bill (≥ 30 % of its cell output)
    cell_share = fn_s[(fn_f == anchor_cell) & cell_leaf[fn_n]].sum()
    bill_cap = 0.05 * 0.30 * out[anchor_cell] * cell_share
    loc_cath *= min(1.0, bill_cap / max(loc_cath.sum(), 1.0))
    s_f = np.r_[s_f, cath_firms[sel]]
    s_node = np.r_[s_node, prim_node[cath_firms[sel]]]
    buyer = np.r_[buyer, np.full(int(sel.sum()), anchor_cell)]
    value = np.r_[value, loc_cath]
    forced = np.r_[forced, np.ones(int(sel.sum()), bool)]
    forced |= cathode[s_f]  # long-term supply contracts: every month

    # no local buyer takes local inputs above 45 % of its output
    ll = local[buyer]
    inflow = _group_sum(buyer[ll], value[ll], N)
    with np.errstate(divide="ignore", invalid="ignore"):
        capf = np.where(inflow > 0, np.minimum(1.0, 0.45 * out / inflow), 1.0)
    value = np.where(ll & ~forced, value * capf[buyer], value)
    rel_src.append(s_f), rel_tgt.append(buyer), rel_node.append(s_node), rel_val.append(value)
    rel_forced.append(forced)

    # ---- purchases of local firms from outside suppliers
    in_ext = _Pool(ch.e_tgt, ch.e_src, ch.e_w * ext_has[ch.e_src], nn)
    rows = np.flatnonzero(local[fn_f] & in_ext.has(fn_n))
    f = fn_f[rows]
    lam = fn_s[rows] * (0.5 + 0.6 * np.log10(np.maximum(out[f], 1e7) / 1e7))
    k = 1 + rng.poisson(lam)
    prow = np.repeat(rows, k)
    p_f = fn_f[prow]
    src_node = in_ext.draw(rng, fn_n[prow])
    supplier = pool_ext.draw(rng, src_node)
    wexp = rng.exponential(1.0, len(prow))
    budget = out[p_f] * fn_s[prow] * rng.uniform(0.1, 0.3, N)[p_f]
    value = budget * wexp / _group_sum(prow, wexp, len(fn_f))[prow]
    # local cell makers buy 30–40 % of their cell output as cathode material from outside
    in_cath = _Pool(ch.e_tgt, ch.e_src, ch.e_w * (ext_has & cath_leaf)[ch.e_src], nn)
    crow = np.flatnonzero(local[fn_f] & cell_leaf[fn_n] & in_cath.has(fn_n))
    crow = np.repeat(crow, 2)
    c_src = in_cath.draw(rng, fn_n[crow])
    c_sup = pool_ext.draw(rng, c_src)
    c_val = out[fn_f[crow]] * fn_s[crow] * rng.uniform(0.30, 0.40, len(crow)) / 2
    p_f = np.r_[p_f, fn_f[crow]]
    src_node = np.r_[src_node, c_src]
    supplier = np.r_[supplier, c_sup]
    value = np.r_[value, c_val]
    p_forced = np.r_[np.zeros(len(prow), bool), np.ones(len(crow), bool)]  # cathode: long-term contracts
    ok = supplier >= 0
    rel_src.append(supplier[ok]), rel_tgt.append(p_f[ok]), rel_node.append(src_node[ok])
    rel_val.append(value[ok]), rel_forced.append(p_forced[ok])

    src = np.concatenate(rel_src)
    tgt = np.concatenate(rel_tgt)
    node = np.concatenate(rel_node)
    annual = np.concatenate(rel_val)
    forced = np.concatenate(rel_forced)
    kind = ch.leaf_kind[node].copy()
    lic = (kind == K_GOODS) & (rng.random(len(kind)) < 0.03) & ~forced
    kind[lic] = K_TECH
    annual[lic] *= 0.15

    t, s, g, v, kd = _expand(rng, src, tgt, kind, annual, forced, local, exit_idx, cal_month)

    # ---- every active, non-isolated local firm has a local flow in the window
    win0 = n_months - WINDOW
    llw = local[s] & local[g] & (t >= win0)
    present = np.zeros(N, bool)
    present[s[llw]] = True
    present[g[llw]] = True
    deficient = np.flatnonzero(local & active & ~iso & ~present)
    if len(deficient):
        ok_pool = local[fn_f] & ~iso[fn_f] & active[fn_f]
        pool_act = _Pool(fn_n[ok_pool], fn_f[ok_pool], w_pool[ok_pool], nn)
        out_act = _Pool(ch.e_src, ch.e_tgt, ch.e_w * pool_act.has(np.arange(nn))[ch.e_tgt], nn)
        prim = prim_node[deficient]
        tn = out_act.draw(rng, prim)
        b = pool_act.draw(rng, np.maximum(tn, 0))
        b = np.where((tn < 0) | (b == deficient) | cathode[deficient], -1, b)
        fact_leaf = ch.leaf("SVC.FIN.FACTORING")
        fin = pool_act.draw(rng, np.full(len(deficient), fact_leaf))
        use_a = b >= 0
        f_src = np.where(use_a, deficient, fin)
        f_tgt = np.where(use_a, b, deficient)
        f_kind = np.where(use_a, ch.leaf_kind[prim], K_CAPITAL)
        f_val = out[deficient] * np.where(use_a, 0.08, 0.05)
        keep = (f_src >= 0) & (f_src != f_tgt)
        t2, s2, g2, v2, k2 = _expand(rng, f_src[keep], f_tgt[keep], f_kind[keep], f_val[keep],
                                     np.ones(int(keep.sum()), bool), local, exit_idx, cal_month)
        t, s, g, v, kd = (np.r_[t, t2], np.r_[s, s2], np.r_[g, g2], np.r_[v, v2], np.r_[kd, k2])

    # ---- one row per (month, source, target, kind)
    key = ((t.astype(np.int64) * N + s) * N + g) * len(KINDS) + kd
    uk, inv = np.unique(key, return_inverse=True)
    val = np.bincount(inv, weights=v)
    kd = uk % len(KINDS)
    rest = uk // len(KINDS)
    g = rest % N
    rest //= N
    s = rest % N
    t = rest // N

    # ---- year-over-year growth of local flows = elasticity × output growth (DESIGN §7)
    ll = local[s] & local[g]
    L = np.bincount(t[ll], weights=val[ll], minlength=n_months)
    elasticity = np.full(n_months, np.nan)
    scale = np.ones(n_months)
    target = L.copy()
    for m in range(12, n_months):
        e = rng.uniform(1.32, 1.68)
        if m == n_months - 9:
            e = 1.02  # Spring Festival stall of local orders: the one month out of band
        elasticity[m] = e
        g_out = output_kpi[m] / output_kpi[m - 12] - 1
        target[m] = target[m - 12] * (1 + e * g_out)
        scale[m] = target[m] / L[m]
    val = np.where(ll, val * scale[t], val)
    cents = np.maximum(np.rint(val * 100), 100000).astype(np.int64)  # at least 1,000 CNY

    flows = pd.DataFrame({"t": t, "s": s, "g": g, "kind": kd, "cents": cents})
    return flows


def _thin_flows(fl, n_firms, n_flows, seed):
    """About ``n_flows`` rows of ``fl``: whole source → target relationships, kept in a random
    order (own seeded stream, so the main stream is untouched) until the rows reach n_flows."""
    if n_flows < 1:
        raise ValueError("n_flows must be at least 1")
    if len(fl) <= n_flows:
        return fl
    key = fl["s"].to_numpy().astype(np.int64) * n_firms + fl["g"].to_numpy()
    pairs, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    order = np.random.default_rng([seed, 7919]).permutation(len(pairs))
    kept = np.cumsum(counts[order]) <= n_flows
    keep_pair = np.zeros(len(pairs), bool)
    keep_pair[order[kept]] = True
    return fl[keep_pair[inv.ravel()]].reset_index(drop=True)


def _expand(rng, src, tgt, kind, annual, forced, local, exit_idx, cal_month):
    """Monthly rows of relationships: start/end churn, gaps, growth, seasonality, exits."""
    n_months = len(cal_month)
    R = len(src)
    start = np.where(forced | (rng.random(R) < 0.75), 0, rng.integers(1, n_months - 5, R))
    late_end = rng.integers(np.minimum(start + 3, n_months - 1), n_months)
    end = np.where(forced | (rng.random(R) < 0.88), n_months - 1, late_end)
    p_act = np.where(forced, 1.0, 0.9)
    growth = np.where(local[src] & local[tgt], LOCAL_FLOW_GROWTH, OTHER_FLOW_GROWTH)
    r = np.repeat(np.arange(R), n_months)
    t = np.tile(np.arange(n_months), R)
    keep = (t >= start[r]) & (t <= end[r]) & (rng.random(len(r)) < p_act[r])
    keep &= (t < exit_idx[src[r]]) & (t < exit_idx[tgt[r]])
    r, t = r[keep], t[keep]
    val = (annual[r] / 12.0 * SEASON[cal_month[t]] * (1 + growth[r]) ** ((t - (n_months - 1)) / 12.0)
           * np.exp(rng.normal(0.0, 0.12, len(r))))
    return t, src[r], tgt[r], val, kind[r]


# --------------------------------------------------------------------------------------------
# KPIs and benchmarks
# --------------------------------------------------------------------------------------------


def _kpis(rng, F, months, output_kpi, local_flow):
    n = len(months)
    t = np.arange(n)
    last = n - 1
    local = F["local"]
    act_end = local & (F["exit_idx"] >= n)
    noise = lambda s: rng.normal(0.0, s, n)  # noqa: E731

    # area: Phase II delivered 15 months before the end, Phase III 2 months before the end
    area_end = np.round(F["area"][act_end].sum() / 0.8, -2)
    area = np.where(t >= last - 2, area_end, area_end / 1.18)
    area = np.where(t >= last - 14, area, area / 1.05)
    area = np.round(area, -2)
    # patents: valid patent stock, a batch of grants 2 months before the end
    pat_end = float(F["patents"][act_end].sum())
    patents = pat_end * np.exp(-0.0095 * (last - t)) / np.where(t >= last - 2, 1.0, 1.09)
    patents = np.maximum.accumulate(np.round(patents)).astype(np.int64)
    patents[-1] = int(pat_end)
    patents = np.minimum.accumulate(patents[::-1])[::-1]

    # talent: the gap reaches 25 % only in the last 2 months
    demand = np.round(2300 * (1.06 ** ((t - last) / 12)) * (1 + noise(0.02)))
    gap = np.clip(0.10 + 0.11 * t / max(last - 2, 1) + noise(0.008), 0.06, 0.225)
    gap[last - 1] = 0.262 + rng.uniform(0, 0.006)
    gap[last] = 0.281 + rng.uniform(0, 0.006)
    supply = np.round(demand * (1 - gap))

    # policy compliance: one month below 0.70
    compliance = np.clip(0.80 + 0.004 * t + noise(0.02), 0.74, 0.95)
    compliance[last - 5] = 0.66 + rng.uniform(0, 0.01)
    # technology substitution index crosses 0.60 two months before the end
    tsi = np.clip(0.36 + 0.21 * t / max(last - 3, 1) + noise(0.008), 0.30, 0.585)
    tsi[last - 2:] = np.array([0.615, 0.64, 0.665]) + rng.uniform(0, 0.01, 3)

    frac = t / max(last, 1)
    values = {
        "output": output_kpi,
        "area": area,
        "patents": patents.astype(float),
        "talent_demand": demand,
        "talent_supply": supply,
        "tech_substitution_index": np.round(tsi, 4),
        "policy_compliance": np.round(compliance, 4),
        "transaction_cost_share": np.round(0.19 - 0.035 * frac + noise(0.004), 4),
        "tech_adoption_days": np.round(138 - 26 * frac + noise(2.0), 1),
        "chain_repair_days": np.round(31 - 7 * frac + noise(1.0), 1),
        "tech_transactions": np.maximum(rng.poisson(14 + 8 * frac), 1).astype(float),
        "standards_participation": rng.poisson(1.6 + 0.8 * frac).astype(float),
        "equipment_utilization": np.round(0.59 + 0.07 * frac + noise(0.008), 4),
        "order_response_days": np.round(28 - 9 * frac + noise(0.6), 1),
        "collab_project_survival": np.round(0.41 + 0.09 * frac + noise(0.01), 4),
        "patent_conversion_rate": np.round(0.08 + 0.015 * frac + noise(0.002), 4),
        "energy_per_output": np.round(0.058 - 0.006 * frac + noise(0.0008), 4),
        "local_flow_value": local_flow,
    }
    kpis = pd.DataFrame({
        "month": np.repeat(months, len(values)),
        "metric": np.tile(np.array(list(values), dtype=object), n),
        "value": np.column_stack(list(values.values())).ravel(),
    }).sort_values(["month", "metric"], ignore_index=True)

    # benchmark of the ecological value density between the last 3 months and the rest
    evd = output_kpi / area / patents
    lo, hi = evd[-3:].max(), evd[:-3].min()
    if not hi > lo * 1.04:
        raise RuntimeError("demo KPI construction failed: value density margin too small")
    bench_evd = round(float(np.sqrt(lo * hi)) / 0.8, 4)
    bench = [
        ("eco_value_density", bench_evd, "higher"),
        ("value_flow_efficiency", 0.91, "higher"),
        ("tech_adoption_days", 75.0, "lower"),
        ("chain_repair_days", 12.0, "lower"),
        ("order_response_days", 9.0, "lower"),
        ("energy_per_output", 0.045, "lower"),
        ("tech_transactions", 55.0, "higher"),
        ("standards_participation", 15.0, "higher"),
        ("equipment_utilization", 0.83, "higher"),
        ("collab_project_survival", 0.68, "higher"),
        ("patent_conversion_rate", 0.25, "higher"),
        ("talent_gap", 0.10, "lower"),
        ("policy_compliance", 0.92, "higher"),
    ]
    benchmarks = pd.DataFrame(bench, columns=["metric", "value", "direction"])
    benchmarks["source"] = BENCH_SOURCE
    benchmarks.loc[benchmarks.metric == "eco_value_density", "source"] = (
        BENCH_SOURCE + "; monthly output / built area / valid patents")
    benchmarks = benchmarks.sort_values("metric", ignore_index=True)
    return kpis, benchmarks


# --------------------------------------------------------------------------------------------
# candidates
# --------------------------------------------------------------------------------------------


def _candidates(rng, ch, F, fn, n_candidates, n_months):
    if n_candidates <= 0:
        return pd.DataFrame(columns=["firm_id", "name", "name_zh", "node_id", "capability", "region", "region_zh"])
    f_of = fn.firm.to_numpy()
    act_loc = F["local"][f_of] & (F["exit_idx"][f_of] >= n_months) & (fn.cap.to_numpy() >= MIN_CAPABILITY)
    cover = np.bincount(fn.node.to_numpy()[act_loc], minlength=ch.n_leaves)
    ess = ch.seg_leaves["DOWN.ESS"]
    chip = ch.leaf("MID.BMS.CHIP")
    n_ess = min(n_candidates, max(5, int(round(0.10 * n_candidates))))
    n_chip = min(n_candidates - n_ess, max(3, int(round(0.06 * n_candidates))))
    n_rest = n_candidates - n_ess - n_chip
    w = ch.leaf_w / (1.0 + cover) ** 1.5
    w[ess] = 0
    w[chip] = 0
    rest = rng.choice(ch.n_leaves, size=n_rest, p=w / w.sum())
    primary = np.r_[ess[np.arange(n_ess) % len(ess)], np.full(n_chip, chip), rest].astype(np.int64)
    primary = primary[rng.permutation(n_candidates)]
    seg = ch.leaf_seg[primary]
    two = rng.random(n_candidates) < 0.35
    sib_pool = _Pool(ch.leaf_seg, np.arange(ch.n_leaves), np.ones(ch.n_leaves), len(ch.seg_ids))
    second = sib_pool.draw(rng, seg)
    second = np.where(two & (second != primary), second, -1)
    cap1 = np.round(rng.uniform(0.45, 0.95, n_candidates), 2)
    cap2 = np.round(rng.uniform(0.2, 0.7, n_candidates), 2)

    # brands distinct from the firms' ones (drawn together in _build_firms)
    b_en, b_zh = F["cand_brands"]
    city = _cities(rng, ch, seg)
    en, zh = _names(rng, ch, seg, b_en, b_zh, city=city)
    region = np.array([c[2] for c in CITIES], dtype=object)[city]
    region_zh = np.array([PROVINCES_ZH[c[2]] for c in CITIES], dtype=object)[city]
    ids = _ids("C", 1, n_candidates)
    base = pd.DataFrame({"firm_id": ids, "name": en, "name_zh": zh, "node_id": ch.leaf_ids[primary],
                         "capability": cap1, "region": region, "region_zh": region_zh})
    extra = base[second >= 0].copy()
    extra["node_id"] = ch.leaf_ids[second[second >= 0]]
    extra["capability"] = cap2[second >= 0]
    cand = pd.concat([base, extra], ignore_index=True)
    return cand.sort_values(["firm_id", "node_id"], ignore_index=True)


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def make_demo(
    seed: int = DEFAULT_SEED,
    *,
    n_local_firms: int = 300,
    n_external: int = 120,
    n_candidates: int = 60,
    end_month: str = "2026-10",
    n_months: int = 24,
    n_flows: int | None = None,
) -> dict[str, pd.DataFrame | dict]:
    """Return the demo workspace tables and the settings for ``workspace.yaml``.

    Keys: ``chain_nodes``, ``chain_edges``, ``firms``, ``firm_nodes``, ``flows``, ``kpis``,
    ``benchmarks``, ``candidates`` (DataFrames with the columns of DESIGN §3; ``firms`` and
    ``candidates`` carry an extra optional ``name_zh``) and ``settings`` (dict).
    Deterministic for a given seed and sizes; vectorised so that large sizes are fast.

    ``n_flows`` (scale option): about this many ``flows`` rows in total. The generator makes
    roughly 100 rows per local firm (24 months); with ``n_flows`` whole trading relationships
    (all months of a source → target pair) are kept at random (separate seeded stream) until
    the rows reach ``n_flows``, e.g. 100k local firms and ``n_flows=1_000_000``. ``None`` (the
    default) keeps every row, so the default output is unchanged.
    """
    if n_months < 15:
        raise ValueError("n_months must be at least 15 (two years are needed for year-on-year KPIs)")
    if n_local_firms < 60:
        raise ValueError("n_local_firms must be at least 60")
    if n_external < 60:
        raise ValueError("n_external must be at least 60")
    rng = np.random.default_rng(seed)
    months, cal_month = _months(end_month, n_months)
    ch = _Chain()
    F, fn = _build_firms(rng, ch, n_local_firms, n_external, n_candidates, n_months)
    output_kpi = _output_series(rng, F, cal_month, n_months)
    fl = _flows(rng, ch, F, fn, cal_month, output_kpi)
    if n_flows is not None:
        fl = _thin_flows(fl, F["n"], int(n_flows), seed)

    N, n_local = F["n"], F["n_local"]
    ids = np.concatenate([_ids("F", 1, n_local), _ids("X", 1, N - n_local)])

    ll = F["local"][fl.s.to_numpy()] & F["local"][fl.g.to_numpy()]
    local_cents = np.bincount(fl.t.to_numpy()[ll], weights=fl.cents.to_numpy()[ll], minlength=n_months)
    # exact: sum the integer cents (bincount's float sum is exact below 2**53 cents)
    local_flow = np.round(local_cents / 100.0, 2)

    kpis, benchmarks = _kpis(rng, F, months, output_kpi, local_flow)
    candidates = _candidates(rng, ch, F, fn, n_candidates, n_months)

    local = F["local"]
    exit_idx = F["exit_idx"]
    exited = exit_idx < n_months
    zone = np.where(local, np.array(ZONES, dtype=object)[np.maximum(F["zone"], 0)], None)
    firms = pd.DataFrame({
        "firm_id": ids,
        "name": F["name"],
        "name_zh": F["name_zh"],
        "zone": zone,
        "zone_zh": np.where(local, np.array(ZONES_ZH, dtype=object)[np.maximum(F["zone"], 0)], None),
        "local": local,
        "anchor": F["anchor"],
        "employees": F["employees"],
        "output": F["output"].astype(np.int64),
        "area": pd.array(np.where(local, F["area"], np.nan), dtype="Int64"),
        "patents": F["patents"],
        "status": np.where(exited, "exited", "active"),
        "exit_month": np.where(exited, months[np.minimum(exit_idx, n_months - 1)], None),
    })
    firm_nodes = pd.DataFrame({
        "firm_id": ids[fn.firm.to_numpy()],
        "node_id": ch.leaf_ids[fn.node.to_numpy()],
        "capability": np.round(np.clip(fn.cap.to_numpy(), 0.05, 1.0), 2),
        "share": fn.share_int.to_numpy() / 10000.0,
    }).sort_values(["firm_id", "node_id"], ignore_index=True)
    flows = pd.DataFrame({
        "month": months[fl.t.to_numpy()],
        "source": ids[fl.s.to_numpy()],
        "target": ids[fl.g.to_numpy()],
        "value": fl.cents.to_numpy() / 100.0,
        "kind": np.array(KINDS, dtype=object)[fl.kind.to_numpy()],
    })
    settings = {
        "name": "demo",
        "report_id": "demo",
        "display_name": "New Energy Vehicle Industrial Park (demo)",
        "name_zh": "新能源汽车产业园（演示）",
        "benchmark_name": "Riverside NEV Park (synthetic benchmark)",
        "benchmark_name_zh": "滨江新能源汽车产业园（合成标杆）",
        "currency": "CNY",
        "window": WINDOW,
        "min_capability": MIN_CAPABILITY,
    }
    return {
        "chain_nodes": ch.nodes.copy(),
        "chain_edges": ch.edges.copy(),
        "firms": firms,
        "firm_nodes": firm_nodes,
        "flows": flows,
        "kpis": kpis,
        "benchmarks": benchmarks,
        "candidates": candidates,
        "settings": settings,
    }


# --------------------------------------------------------------------------------------------
# facts about the generated data (for the README) and writing
# --------------------------------------------------------------------------------------------


def demo_facts(tables: dict) -> dict:
    """Figures behind the built-in situations a–f, computed from the tables with plain pandas.

    Works on the output of ``make_demo`` (any seed or size); ``write_demo`` renders it into the
    workspace README so the documented ids and numbers never drift from the data.
    """
    nodes, firms, fn = tables["chain_nodes"], tables["firms"], tables["firm_nodes"]
    flows, kpis, bench, cand = tables["flows"], tables["kpis"], tables["benchmarks"], tables["candidates"]
    window = int(tables.get("settings", {}).get("window", WINDOW))
    min_cap = float(tables.get("settings", {}).get("min_capability", MIN_CAPABILITY))
    months = sorted(flows.month.unique())
    win = months[-window:]
    fw = flows[flows.month.isin(win)]
    loc_ids = set(firms.loc[firms.local, "firm_id"])
    act = firms[firms.local & (firms.status == "active")]
    act_ids = set(act.firm_id)
    name = firms.set_index("firm_id")["name"]
    name_zh = firms.set_index("firm_id")["name_zh"]
    node_name = nodes.set_index("node_id")["name"]
    parent = nodes.set_index("node_id")["parent_id"]
    primary = (fn.sort_values(["firm_id", "share"], ascending=[True, False])
               .drop_duplicates("firm_id").set_index("firm_id")["node_id"])
    is_loc_s = fw.source.isin(loc_ids)
    is_loc_t = fw.target.isin(loc_ids)

    def on(prefix, firm_ids, cap=0.0):
        m = fn.node_id.str.startswith(prefix) & (fn.capability >= cap) & fn.firm_id.isin(firm_ids)
        return sorted(set(fn.loc[m, "firm_id"]))

    def firm_row(fid, **extra):
        return {"firm_id": fid, "name": name[fid], "name_zh": name_zh[fid], "node": primary[fid], **extra}

    facts = {"window": win, "end_month": months[-1], "months": months}
    facts["sizes"] = {t: len(tables[t]) for t in TABLE_NAMES}
    facts["park"] = {
        "local": int(firms.local.sum()), "active_local": len(act),
        "exited": int((firms.local & (firms.status == "exited")).sum()),
        "external": int((~firms.local).sum()),
        "leaves": int((~nodes.node_id.isin(nodes.parent_id.dropna())).sum()),
        "zones": act.groupby("zone").size().to_dict(),
        "output": float(act.output.sum()),
        "anchors": [firm_row(f) for f in firms.loc[firms.anchor, "firm_id"]],
    }

    # gene-map status of the technology nodes (active local firms with capability >= min_cap)
    leaf_ids = nodes.loc[~nodes.node_id.isin(nodes.parent_id.dropna()), "node_id"]
    strong = fn[fn.firm_id.isin(act_ids) & (fn.capability >= min_cap)]
    cover = strong.groupby("node_id").size().reindex(leaf_ids, fill_value=0)
    status = pd.cut(cover, [-1, 0, 1, 2, np.inf], labels=["missing", "single", "thin", "covered"])
    seg_cover = cover.groupby(cover.index.map(parent)).sum()
    facts["coverage"] = {
        "counts": {k: int(v) for k, v in status.value_counts().reindex(
            ["covered", "thin", "single", "missing"]).items()},
        "missing_segments": sorted(seg_cover[seg_cover == 0].index),
        "other_missing": sorted(n for n in cover[cover == 0].index if not n.startswith("DOWN.ESS.")),
    }

    # a. energy-storage integration missing
    output_of = firms.set_index("firm_id")["output"]  # once, not per firm (scaled demos)
    ess_nodes = nodes[nodes.parent_id == "DOWN.ESS"]
    ext_ids = set(firms.loc[~firms.local, "firm_id"])
    ext_ess = on("DOWN.ESS.", ext_ids)
    packs = on("MID.PACK.", act_ids, min_cap)
    grid = on("DOWN.GRID.", act_ids, min_cap)
    facts["a"] = {
        "nodes": [(r.node_id, r.name, r.name_zh) for r in ess_nodes.itertuples()],
        "local_firms": on("DOWN.ESS.", loc_ids),
        "external_integrators": len(ext_ess),
        "pack_makers": [firm_row(f, output=float(output_of[f])) for f in packs],
        "grid_customers": [firm_row(f) for f in grid],
        "pack_to_ext_ess": float(fw[fw.source.isin(packs) & fw.target.isin(ext_ess)].value.sum()),
        "ext_ess_to_grid": float(fw[fw.source.isin(ext_ess) & fw.target.isin(grid)].value.sum()),
        "candidates": cand[cand.node_id.str.startswith("DOWN.ESS.")][
            ["firm_id", "name", "node_id", "capability", "region"]].to_dict("records"),
    }

    # b. isolated firms
    ll = fw[is_loc_s & is_loc_t]
    connected = set(ll.source) | set(ll.target)
    iso = sorted(act_ids - connected)
    ext_trade = fw[fw.source.isin(iso) | fw.target.isin(iso)]
    zone_of = firms.set_index("firm_id")["zone"]  # once, not per firm: a scaled demo has thousands
    facts["b"] = {
        "isolated": [firm_row(f, zone=zone_of[f]) for f in iso],
        "share": len(iso) / max(len(act), 1),
        "with_external_trade": len(set(iso) & (set(ext_trade.source) | set(ext_trade.target))),
    }

    # c. anchor dependence and the BMS-chip single point of failure
    anchor = "F0001" if "F0001" in set(firms.loc[firms.anchor, "firm_id"]) else firms.loc[firms.anchor, "firm_id"].iloc[0]
    out = fw[fw.source.isin(act_ids)]
    total = out.groupby("source").value.sum()
    local_out = out[out.target.isin(loc_ids)].groupby("source").value.sum()
    to_anchor = out[out.target == anchor].groupby("source").value.sum()
    dep = pd.DataFrame({"outbound": total, "local_outbound": local_out, "to_anchor": to_anchor}).dropna()
    dep["share"] = dep.to_anchor / dep.outbound
    dep["share_local"] = dep.to_anchor / dep.local_outbound
    dep = dep[dep.share >= 0.4].sort_values("share", ascending=False)
    chip_rows = fn[fn.node_id == "MID.BMS.CHIP"].merge(firms[["firm_id", "local", "status"]], on="firm_id")
    chip_rows = chip_rows[chip_rows.local].sort_values("capability", ascending=False)
    facts["c"] = {
        "anchor": firm_row(anchor),
        "dependent_suppliers": [firm_row(f, outbound=float(r.outbound), to_anchor=float(r.to_anchor),
                                         share=float(r.share), share_local=float(r.share_local))
                                for f, r in dep.iterrows()],
        "chip_firms": [firm_row(r.firm_id, capability=float(r.capability), status=r.status)
                       for r in chip_rows.itertuples()],
        "chip_candidates": cand[cand.node_id == "MID.BMS.CHIP"][
            ["firm_id", "name", "capability", "region"]].to_dict("records"),
    }

    # d. broken cathode -> cell link
    cath = on("MID.CATH.", act_ids)
    cells = on("MID.CELL.", act_ids)
    all_cath = on("MID.CATH.", set(firms.firm_id))
    o = fw[fw.source.isin(cath)]
    o_tot = o.groupby("source").value.sum()
    o_ext = o[~o.target.isin(loc_ids)].groupby("source").value.sum().reindex(o_tot.index, fill_value=0)
    i = fw[fw.target.isin(cells) & fw.source.isin(all_cath)]
    i_tot = i.groupby("target").value.sum()
    i_ext = i[~i.source.isin(loc_ids)].groupby("target").value.sum().reindex(i_tot.index, fill_value=0)
    facts["d"] = {
        "cathode_makers": [firm_row(f, outflow=float(o_tot.get(f, 0.0)),
                                    external_share=float(o_ext.get(f, 0.0) / o_tot[f]) if f in o_tot else float("nan"))
                           for f in cath],
        "cell_makers": [firm_row(f, cathode_input=float(i_tot.get(f, 0.0)),
                                 external_share=float(i_ext.get(f, 0.0) / i_tot[f]) if f in i_tot else float("nan"))
                        for f in cells],
        "cathode_external_share": float(o_ext.sum() / o_tot.sum()),
        "cell_cathode_external_share": float(i_ext.sum() / i_tot.sum()),
        "local_link_share": float(i[i.source.isin(cath)].value.sum() / i.value.sum()),
    }

    # e. KPI history
    w = kpis.pivot(index="month", columns="metric", values="value").sort_index()
    b = bench.set_index("metric")["value"]
    evd = w.output / w.area / w.patents
    e = pd.DataFrame({
        "eco_value_density": evd,
        "evd_ratio": evd / b["eco_value_density"],
        "talent_gap": (w.talent_demand - w.talent_supply) / w.talent_demand,
        "policy_compliance": w.policy_compliance,
        "tech_substitution_index": w.tech_substitution_index,
        "elasticity": w.local_flow_value.pct_change(12) / w.output.pct_change(12),
        "output": w.output,
        "local_flow_value": w.local_flow_value,
    })
    first_low = e.index[e.evd_ratio < 0.8]
    step = [w.index.get_loc(first_low[0]) - 1, w.index.get_loc(first_low[0])] if len(first_low) else [-1, -1]
    facts["e"] = {"table": e, "bench_evd": float(b["eco_value_density"]),
                  "area": w.area.iloc[step].tolist(), "patents": w.patents.iloc[step].tolist(),
                  "evd_low": list(e.index[e.evd_ratio < 0.8]),
                  "talent_high": list(e.index[e.talent_gap >= 0.25]),
                  "compliance_low": list(e.index[e.policy_compliance < 0.7]),
                  "tsi_high": list(e.index[e.tech_substitution_index > 0.6]),
                  "elasticity_out": list(e.index[e.elasticity.notna() & ~e.elasticity.between(1.2, 1.8)]),
                  "elasticity_months": list(e.index[e.elasticity.notna()])}

    # f. zone niche overlap (segment output shares, active local firms)
    x = fn.merge(act[["firm_id", "zone", "output"]], on="firm_id")
    x["segment"] = x.node_id.map(parent)
    x["x"] = x.output * x.share
    zs = x.pivot_table(index="zone", columns="segment", values="x", aggfunc="sum", fill_value=0.0)
    p = zs.div(zs.sum(axis=1), axis=0)
    num = p.to_numpy() @ p.to_numpy().T
    norm = np.sqrt(np.diag(num))
    overlap = pd.DataFrame(num / np.outer(norm, norm), index=p.index, columns=p.index)
    facts["f"] = {
        "overlap": overlap,
        "top_segments": {z: [(s, node_name[s], float(v)) for s, v in p.loc[z].nlargest(4).items()] for z in p.index},
    }
    return facts


def _money(v):
    return f"{v / 1e6:,.1f} M CNY" if abs(v) < 1e9 else f"{v / 1e9:,.2f} bn CNY"


def _pct(v):
    return f"{100 * v:.1f} %"


def _readme(tables, seed, params, files):
    fa = demo_facts(tables)
    park, a, b, c, d, e, f = (fa[k] for k in ("park", "a", "b", "c", "d", "e", "f"))
    win = fa["window"]
    lines = []
    add = lines.append
    add("# Demo workspace: a new-energy-vehicle industrial park (新能源汽车产业园（演示）)")
    add("")
    add("Synthetic data, generated by `ecolib.datasets.write_demo` "
        f"(seed {seed}{', ' + ', '.join(f'{k}={v!r}' for k, v in params.items()) if params else ''}). "
        "Do not edit by hand: regenerate with `ecolib demo data/demo` or "
        "`python -c \"from ecolib.datasets import write_demo; write_demo('data/demo')\"` "
        "(the same seed gives byte-identical files). All firms, names and figures are fictional.")
    add("")
    add("## The park")
    add("")
    zones = ", ".join(f"{z} ({n} active firms)" for z, n in park["zones"].items())
    add(f"A new-energy-vehicle park with {park['local']} local firms ({park['active_local']} active, "
        f"{park['exited']} exited during the last {len(win)} months) in three zones: {zones}. "
        f"{park['external']} outside firms (suppliers and customers in other provinces, `local = false`) "
        f"appear as trading partners. Annual output of the active local firms: {_money(park['output'])}. "
        "Anchor firms (链主): " + "; ".join(f"`{r['firm_id']}` {r['name']} ({r['name_zh']}, `{r['node']}`)"
                                          for r in park["anchors"]) + ".")
    add("")
    add(f"The chain tree has a root (`NEV`), 4 stages (`UP`, `MID`, `DOWN`, `SVC`), "
        f"{tables['chain_nodes'].parent_id.isin(['UP', 'MID', 'DOWN', 'SVC']).sum()} segments and "
        f"{park['leaves']} technology nodes; node ids are `STAGE.SEGMENT.NODE`, e.g. `MID.BMS.CHIP`, "
        "and a segment is the parent of its technology nodes (e.g. `MID.BMS`). Flows run monthly from "
        f"{fa['months'][0]} to {fa['end_month']}; the value-stream window (`window` in `workspace.yaml`) "
        f"is {win[0]} to {win[-1]}. Extra optional columns: `name_zh` in `firms` and `candidates`. "
        "`candidates` has one row per candidate firm and technology node (some candidates cover two nodes). "
        "A firm with `status = exited` has no flow from its `exit_month` on. `kpis.local_flow_value` equals "
        "the month's sum of `flows` between two local firms (all kinds).")
    add("")
    add("| file | rows | size |")
    add("|---|---:|---:|")
    for t in TABLE_NAMES:
        add(f"| `{t}.csv` | {fa['sizes'][t]:,} | {files[t + '.csv'] / 1024:,.0f} KB |")
    add("")
    add(f"## Situations built into the data (window {win[0]} – {win[-1]})")
    add("")
    add("### a. Missing node: energy-storage system integration (储能系统集成)")
    add("")
    cov = fa["coverage"]
    add("Gene map at a glance (active local firms with capability ≥ 0.3 per technology node): "
        + ", ".join(f"{v} {k}" for k, v in cov["counts"].items()) + ". "
        f"Segments without any local firm: {', '.join(f'`{s}`' for s in cov['missing_segments'])}; "
        "other missing technology nodes (single leaves in otherwise present segments): "
        f"{', '.join(f'`{n}`' for n in cov['other_missing']) or 'none'}.")
    add("")
    add("No local firm (active or exited) has a `firm_nodes` row on any of the segment's nodes: "
        + ", ".join(f"`{n}` {en} ({zh})" for n, en, zh in a["nodes"]) + ". "
        f"Yet the park has {len(a['pack_makers'])} active local pack makers (capability ≥ 0.3 on `MID.PACK.*`) and "
        f"{len(a['grid_customers'])} local grid/PV customers: "
        + ", ".join(f"`{r['firm_id']}` {r['name']} (`{r['node']}`)" for r in a["grid_customers"]) + ". "
        f"The value goes round the outside: local pack makers sold {_money(a['pack_to_ext_ess'])} to the "
        f"{a['external_integrators']} outside integrators in the window, and outside integrators sold "
        f"{_money(a['ext_ess_to_grid'])} to the local grid/PV customers. Candidates for the node:")
    add("")
    add("| candidate | name | node | capability | region |")
    add("|---|---|---|---:|---|")
    for r in a["candidates"]:
        add(f"| `{r['firm_id']}` | {r['name']} | `{r['node_id']}` | {r['capability']:.2f} | {r['region']} |")
    add("")
    add("### b. Isolated firms (散落的珍珠)")
    add("")
    add(f"{len(b['isolated'])} of {park['active_local']} active local firms ({_pct(b['share'])}) have no flow "
        f"to or from another local firm in the window ({b['with_external_trade']} of them still trade with "
        "outside firms):")
    add("")
    add("| firm | name | main node | zone |")
    add("|---|---|---|---|")
    for r in b["isolated"]:
        add(f"| `{r['firm_id']}` | {r['name']} | `{r['node']}` | {r['zone']} |")
    add("")
    add("### c. Anchor dependence and a single point of failure")
    add("")
    an = c["anchor"]
    add(f"The anchor vehicle maker `{an['firm_id']}` {an['name']} ({an['name_zh']}) takes at least 40 % of the "
        f"outbound flow value (window) of {len(c['dependent_suppliers'])} active local suppliers:")
    add("")
    add("| supplier | name | main node | outbound | to anchor | share of outbound | share of local outbound |")
    add("|---|---|---|---:|---:|---:|---:|")
    for r in c["dependent_suppliers"]:
        add(f"| `{r['firm_id']}` | {r['name']} | `{r['node']}` | {_money(r['outbound'])} | {_money(r['to_anchor'])} "
            f"| {_pct(r['share'])} | {_pct(r['share_local'])} |")
    add("")
    strong = [r for r in c["chip_firms"] if r["status"] == "active" and r["capability"] >= 0.3]
    add("The BMS chip node `MID.BMS.CHIP` (BMS芯片, core, weight 3) has exactly "
        f"{len(strong)} active local firm with capability ≥ 0.3 (gene-map status `single`). Local firms on the node:")
    add("")
    add("| firm | name | capability | status |")
    add("|---|---|---:|---|")
    for r in c["chip_firms"]:
        add(f"| `{r['firm_id']}` | {r['name']} | {r['capability']:.2f} | {r['status']} |")
    add("")
    add("Candidates on the node: " + ", ".join(
        f"`{r['firm_id']}` {r['name']} ({r['capability']:.2f}, {r['region']})" for r in c["chip_candidates"]) + ".")
    add("")
    add("### d. Broken link cathode → cell (价值传导断裂)")
    add("")
    add(f"Local cathode makers sell {_pct(d['cathode_external_share'])} of their outflow to outside firms, while "
        f"local cell makers buy {_pct(d['cell_cathode_external_share'])} of their cathode input from outside; "
        f"the local cathode → cell flow carries {_pct(d['local_link_share'])} of the cells' cathode inflow "
        "(below the 10 % broken-link threshold).")
    add("")
    add("| cathode maker | name | node | outflow | to outside firms |")
    add("|---|---|---|---:|---:|")
    for r in d["cathode_makers"]:
        add(f"| `{r['firm_id']}` | {r['name']} | `{r['node']}` | {_money(r['outflow'])} | {_pct(r['external_share'])} |")
    add("")
    add("| cell maker | name | node | cathode input | from outside firms |")
    add("|---|---|---|---:|---:|")
    for r in d["cell_makers"]:
        add(f"| `{r['firm_id']}` | {r['name']} | `{r['node']}` | {_money(r['cathode_input'])} | {_pct(r['external_share'])} |")
    add("")
    add("### e. KPI history (动态评估体系)")
    add("")
    add(f"- Ecological value density (output / area / patents; benchmark {e['bench_evd']:.4f}) is below 80 % of "
        f"the benchmark in exactly {', '.join(e['evd_low'])} (3 consecutive months → ecosystem optimisation), "
        f"after a new phase of standard factory space (built area {e['area'][0]:,.0f} → {e['area'][1]:,.0f} m²) "
        f"and a batch of patent grants (valid patents {e['patents'][0]:,.0f} → {e['patents'][1]:,.0f}) "
        f"in {e['evd_low'][0]}; ≥ 80 % in every month before.")
    add(f"- Talent gap ≥ 25 % in {', '.join(e['talent_high'])} only (→ customised training).")
    add(f"- Policy compliance below 0.70 in {', '.join(e['compliance_low'])} only (→ compliance remediation).")
    add(f"- Technology substitution index above 0.60 from {e['tsi_high'][0]} on (→ innovation incubation).")
    n_in = len(e["elasticity_months"]) - len(e["elasticity_out"])
    add(f"- Elasticity (yoy growth of local inter-firm flow value / yoy growth of output) within [1.2, 1.8] in "
        f"{n_in} of {len(e['elasticity_months'])} months with a year-on-year value; outside: "
        f"{', '.join(e['elasticity_out']) or 'none'}.")
    add("")
    add("| month | value density | ratio to benchmark | talent gap | policy compliance | tech substitution | elasticity |")
    add("|---|---:|---:|---:|---:|---:|---:|")
    for m, r in e["table"].iterrows():
        el = "" if pd.isna(r.elasticity) else f"{r.elasticity:.2f}"
        add(f"| {m} | {r.eco_value_density:.4f} | {r.evd_ratio:.3f} | {r.talent_gap:.3f} | {r.policy_compliance:.3f} "
            f"| {r.tech_substitution_index:.3f} | {el} |")
    add("")
    add("### f. Zone niche overlap (生态位)")
    add("")
    add("Pianka overlap of the zones' segment output shares (output of active local firms attributed to "
        "segments by `firm_nodes.share`):")
    add("")
    ov = f["overlap"]
    add("| | " + " | ".join(ov.columns) + " |")
    add("|---|" + "---:|" * len(ov.columns))
    for z, r in ov.iterrows():
        add(f"| {z} | " + " | ".join(f"{v:.3f}" for v in r) + " |")
    add("")
    add("Largest segments per zone: " + "; ".join(
        f"{z}: " + ", ".join(f"`{s}` {_pct(v)}" for s, _, v in segs) for z, segs in f["top_segments"].items()) + ".")
    add("")
    return "\n".join(lines)


def _write_csv(df, path):
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = np.where(out[col].to_numpy(), "true", "false")
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def refuse_existing(path: Path, names: list[str]) -> None:
    """Raise FileExistsError (before anything is written) when ``path`` holds one of ``names``:
    a demo writer called with ``overwrite=False``."""
    existing = [n for n in names if (path / n).exists()]
    if existing:
        raise FileExistsError(errno.EEXIST, f"{path} already has {', '.join(existing)}", str(path / existing[0]))


def write_demo(directory, seed: int = DEFAULT_SEED, *, overwrite: bool = True, **kw) -> Path:
    """Write the demo workspace to ``directory``.

    Writes ``<table>.csv`` (UTF-8, no index, booleans as ``true``/``false``),
    ``workspace.yaml`` and ``README.md``; the folder is created if missing.

    Parameters
    ----------
    directory : str or Path
        The workspace folder to write.
    seed : int
        Random seed; the same seed and sizes give byte-identical files.
    overwrite : bool
        If false, refuse (before writing anything) when one of those files already exists.
    **kw
        Passed to ``make_demo`` (sizes, end month, number of months).

    Returns
    -------
    Path
        The directory.

    Raises
    ------
    FileExistsError
        ``overwrite`` is false and ``directory`` already holds a file the demo would write.
    """
    path = Path(directory)
    if not overwrite:
        refuse_existing(path, [f"{name}.csv" for name in TABLE_NAMES] + ["workspace.yaml", "README.md"])
    tables = make_demo(seed, **kw)
    path.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in TABLE_NAMES:
        _write_csv(tables[name], path / f"{name}.csv")
        files[f"{name}.csv"] = (path / f"{name}.csv").stat().st_size
    header = "# Demo workspace settings, generated by ecolib.datasets.write_demo\n"
    text = yaml.safe_dump(tables["settings"], allow_unicode=True, sort_keys=False)
    (path / "workspace.yaml").write_text(header + text, encoding="utf-8", newline="\n")
    (path / "README.md").write_text(_readme(tables, seed, kw, files), encoding="utf-8", newline="\n")
    return path
