"""The second demo (data/biomed): a biomedicine park with Chinese-only data, no flows, no
indicators, output for part of the firms, eleven stage nodes in four stage categories and
zones of very different sizes. The shipped folder is what the writer writes; it validates with
word of what is not given; the analyses find the facts its README states; its report renders
in English and Chinese with nothing missing shown as 0 (issue "Real data")."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import ecolib
from ecolib.cli import main as cli
from ecolib.datasets.biomed import (ANCHORS, CANDIDATES, EXITED, FILES, LOCAL_FIRMS, MISSING_NODES, MISSING_SEGMENT,
                                    OUTPUT_REPORTED, SECTORS, SINGLE_CORE, THIN_CORE, biomed_facts, make_biomed,
                                    write_biomed)
from ecolib.presentation.tables import genemap as genemap_tables
from ecolib.report import render
from ecolib.workspace import load_workspace, validate_workspace

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "biomed"
MONTH = "2026-10"
ZERO = re.compile(r"^\s*(CNY\s*)?[0０](\.0+)?\s*(%|元|个|家|m|bn|k)?\s*$")


@pytest.fixture(scope="module")
def model():
    return ecolib.analyse(load_workspace(FOLDER), MONTH)


@pytest.fixture(scope="module")
def facts():
    return biomed_facts(make_biomed())


def test_the_shipped_folder_is_what_the_writer_writes(tmp_path):
    write_biomed(tmp_path)
    shipped = sorted(p.name for p in FOLDER.iterdir())
    assert shipped == sorted(p.name for p in tmp_path.iterdir())
    for name in shipped:
        assert (FOLDER / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_it_is_written_as_chinese_spreadsheets_are():
    firms = (FOLDER / FILES["firms"][0]).read_bytes()
    assert firms.startswith("\ufeff企业编号,企业名称,片区".encode("utf-8"))      # CSV UTF-8, Chinese headers
    text = firms.decode("utf-8-sig")
    assert "万," in text and ",是," in text and "在园" in text
    names = pd.read_csv(FOLDER / FILES["chain_nodes"][0], encoding="utf-8-sig")["节点名称"]
    latin = names.str.replace(r"mRNA|CAR-T|AAV|POCT|CRO|CDMO", "", regex=True).str.contains(r"[A-Za-z]{3,}")
    assert not latin.any()                                                     # no English names


def test_it_validates_and_says_what_is_not_given(capsys):
    ws, problems = validate_workspace(FOLDER)
    assert ws is not None and not [p for p in problems if p.is_error]
    summary = ws.summary()
    assert set(summary["not_given"]) == {"flows", "kpis", "benchmarks"}
    assert summary["reported"]["output"] == OUTPUT_REPORTED and summary["firms"]["local"] == LOCAL_FIRMS
    assert cli(["validate", str(FOLDER)]) == 0
    out = capsys.readouterr().out
    assert f"output {OUTPUT_REPORTED}" in out and "no flows: not evaluated: the value-stream map" in out


def test_the_gene_map_finds_the_planted_gaps(model, facts):
    h = model.gene_map.coverage.headline
    segment = sorted(n for n in facts["names"] if n.startswith(MISSING_SEGMENT) and n != MISSING_SEGMENT)
    assert sorted(h["missing_nodes"]) == sorted([*MISSING_NODES, *segment]) == facts["missing"]
    assert h["missing_segments"] == [MISSING_SEGMENT]
    assert sorted(h["single_nodes"]) == sorted(SINGLE_CORE) == facts["single"]
    assert h["thin_nodes"] == list(THIN_CORE) == facts["thin"]


def test_the_missing_segment_is_one_decision_at_the_top(model):
    d = model.gaps.decisions
    top = d.iloc[0]
    assert (top["kind"], top["name"], top["status"]) == ("segment", "细胞与基因治疗", "missing")
    assert not d["node_id"].astype(str).str.startswith(MISSING_SEGMENT + "1").any() or top["kind"] == "segment"


def test_stage_nodes_are_named(model):
    stages = genemap_tables.STAGES.view(model.gene_map, "en")
    assert len(stages) == 11
    assert {"原料与中间体", "生物药", "医疗器械", "研发外包"} <= set(stages.iloc[:, 0])


def test_small_zones_are_listed_apart(model, facts):
    n = model.niche
    assert sorted(n.headline["zones_too_small"]) == ["国际生命科学孵化器", "综合保税区"]
    assert n.headline["zones"] == 3 and not n.headline["flagged_pairs"]
    assert facts["zones"]["国际生命科学孵化器"] == 1 and facts["zones"]["综合保税区"] == 3


def test_segments_map_to_national_sectors_or_say_unmapped(model):
    got = {r.group: (r.sectors[0] if r.sectors else None) for r in model.national.segments.itertuples()}
    assert got == SECTORS
    sources = model.national.segments.set_index("group")["source"]
    assert sources["U2B"] == "unmapped" and sources["U1B"] == "workspace" and sources["D1A"] == "rules"


def test_overview_reports_what_is_reported(model):
    h = model.overview.headline
    assert h["flows_given"] is False
    assert h["local_flow_value"] is None and h["inbound_value"] is None
    assert h["reported"]["output"] == OUTPUT_REPORTED - 1      # the exited firm reported output too


def test_anchors_exit_and_candidates(facts):
    firms = make_biomed()["firms"]
    anchors = firms[firms["anchor"] == "是"]
    assert len(anchors) == len(ANCHORS) == len(facts["anchors"])
    assert facts["exited"][0]["exit_month"] == EXITED[1]
    assert len(make_biomed()["candidates"]) == len(CANDIDATES)


def test_readme_states_the_facts(facts):
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    assert f"Output for {facts['output_reported']} of the {facts['local_firms']} firms" in text
    assert "综合保税区 (3 firms)" in text and "国际生命科学孵化器\n   (1 firm)" in text
    for node in facts["missing"] + facts["single"]:
        assert f"`{node}` {facts['names'][node]}" in text
    assert f"{facts['multi_node_firms']} firms work on two nodes" in text


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("biomed")


@pytest.fixture(scope="module", params=["en", "zh"])
def report(request, out):
    return request.param, render(FOLDER, [MONTH], lang=request.param, out=out, progress=lambda s: None)[0]


def test_its_report_renders_with_no_zero_for_missing_data(report):
    lang, r = report
    assert len(list(r.folder.glob("0*.html"))) == 6
    cards = [(a["notebook"], label, value) for a in r.summary["analyses"] for label, value in a["cards"]]
    assert len(cards) >= 20 and [c for c in cards if ZERO.match(str(c[2]))] == []
    figures = {f["id"]: f for f in r.summary["figures"]}
    for fid in ("local_trade", "local_sourcing", "health_index", "open_alerts", "broken_links"):
        assert figures[fid]["value"] is None and figures[fid]["verdict"] == "not_reported", fid
    assert figures["output"]["value"] is not None


def test_its_pages_say_what_would_enable_the_rest(report):
    lang, r = report
    vs = (r.folder / "01_value_stream.html").read_text(encoding="utf-8")
    ev = (r.folder / "04_dynamic_evaluation.html").read_text(encoding="utf-8")
    index = r.index.read_text(encoding="utf-8")
    assert ("not evaluated" if lang == "en" else "未评估") in index
    assert "细胞与基因治疗" in index                                  # the top decision is in the brief
    word = {"en": ("transactions", "indicators"), "zh": ("交易", "指标")}[lang]
    assert word[0] in vs and word[1] in ev
    gm = (r.folder / "02_gene_map.html").read_text(encoding="utf-8")
    assert "细胞培养基" in gm and "原料与中间体" in gm


def test_the_languages_are_kept_apart_and_linked(report):
    lang, r = report
    assert r.folder.parts[-3:] == ("biomed", lang, MONTH)
    top = (r.folder.parents[1] / "index.html").read_text(encoding="utf-8")
    rendered = ["en", "zh"][: ["en", "zh"].index(lang) + 1]       # en is rendered first
    for code in rendered:
        assert f'<a href="{code}/index.html">' in top
    assert "滨海生物医药产业园（演示）" in top
    assert '<a href="../index.html">' in (r.folder.parent / "index.html").read_text(encoding="utf-8")
