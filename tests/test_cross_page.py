"""The same quantity shows the same number on every page, in the index, summary.json and
tables.xlsx, in English and in Chinese.

Every page is drawn from one month model (``ecolib.analyse``), so a mismatch here means two
pages call two different things by one name. On the shared render of the demo (names carry
payloads, numbers are the demo's): active local firms, firms and output per stage, total
output, local trade and local sourcing, technology nodes, the health index and the weakest
dimension, candidates per node, alert counts.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import openpyxl
import pytest

from ecolib.analyses.month import analyse
from ecolib.presentation import fmt
from ecolib.presentation.i18n import t
from ecolib.presentation.names import name_of
from ecolib.presentation.tables import gaps as gaps_tables
from ecolib.presentation.tables import genemap as genemap_tables
from ecolib.presentation.tables import niche as niche_tables
from ecolib.presentation.tables import overview as overview_tables
from ecolib.report import alert_counts
from ecolib.workspace import load_workspace

MONTH = "2026-10"
LANGS = ("en", "zh")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def page_text(path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "\n".join(parser.parts)


@pytest.fixture(scope="module")
def model(hostile_demo):
    return analyse(load_workspace(hostile_demo), MONTH)


@pytest.fixture(scope="module")
def pages(hostile_reports):
    out = {}
    for lang, report in hostile_reports.items():
        summary = json.loads((report.folder / "summary.json").read_text(encoding="utf-8"))
        wb = openpyxl.load_workbook(report.folder / "tables.xlsx", read_only=True)
        sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
        wb.close()
        out[lang] = {"summary": summary, "sheets": sheets, "folder": report.folder,
                     "headline": {a["notebook"]: a["headline"] for a in summary["analyses"]},
                     "cards": {a["notebook"]: dict(a["cards"]) for a in summary["analyses"]}}
    return out


def rows_of(sheets, spec, lang) -> list[dict]:
    """Every row of every sheet holding the table ``spec`` (its headers in ``lang``), by column key."""
    cols = spec.export_columns or spec.columns          # what tables.xlsx holds (may be more than shown)
    labels = tuple(t(c.label, lang) for c in cols)
    keys = [c.key for c in cols]
    found = [rows[1:] for rows in sheets.values() if rows and tuple(rows[0]) == labels]
    assert found, f"no sheet of tables.xlsx holds the table {spec.id} ({lang})"
    return [dict(zip(keys, r)) for block in found for r in block]


def card(cards: dict, key: str, lang: str, **values) -> str:
    return cards[t(key, lang, **values)]


@pytest.mark.parametrize("lang", LANGS)
def test_active_local_firms_and_their_output(pages, model, lang):
    p = pages[lang]
    h = p["headline"]
    firms, output = model.overview.headline["local_firms"], model.overview.headline["output"]
    assert h["00_overview"]["local_firms"] == h["01_value_stream"]["active_local_firms"] == firms == 294
    assert card(p["cards"]["00_overview"], "overview.headline.local_firms", lang) == fmt.count(firms)
    assert card(p["cards"]["01_value_stream"], "valuestream.headline.isolated", lang).endswith(f"/ {fmt.count(firms)}")
    stages = rows_of(p["sheets"], genemap_tables.STAGES, lang)         # the gene map's stage table
    assert sum(r["firms_main"] for r in stages) == firms
    assert sum(r["output_main"] for r in stages) == pytest.approx(output)
    zones = rows_of(p["sheets"], overview_tables.zones_table(model.overview), lang)   # the overview's zone table
    total = [r for r in zones if r["zone"] == t("common.total", lang)]
    assert len(total) == 1 and total[0]["firms"] == firms and total[0]["output"] == pytest.approx(output)
    assert h["00_overview"]["output"] == pytest.approx(output)
    assert card(p["cards"]["00_overview"], "overview.headline.output", lang) == fmt.money(output, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_firms_per_stage_are_the_overviews(pages, model, lang):
    per_stage = model.overview.stage_zone.sum(axis=1)                  # the overview's chart
    stages = rows_of(pages[lang]["sheets"], genemap_tables.STAGES, lang)
    labels = {t(f"stage.{s}", lang): s for s in per_stage.index}
    shown = {labels[r["name"]]: r["firms_main"] for r in stages if r["name"] in labels}
    assert shown == {s: int(v) for s, v in per_stage.items()} and sum(shown.values()) == 294


@pytest.mark.parametrize("lang", LANGS)
def test_local_trade_sourcing_and_nodes(pages, lang):
    p = pages[lang]
    ov, vs, gm = (p["headline"][k] for k in ("00_overview", "01_value_stream", "02_gene_map"))
    assert ov["local_flow_value"] == pytest.approx(vs["local_value"])
    assert ov["local_purchase_share"] == pytest.approx(vs["local_sourcing"])
    assert ov["technology_nodes"] == gm["technology_nodes"] == 95
    oc, vc, gc = (p["cards"][k] for k in ("00_overview", "01_value_stream", "02_gene_map"))
    assert card(oc, "overview.headline.local_flow_value", lang) == card(vc, "valuestream.headline.local_value", lang)
    assert card(oc, "overview.headline.local_purchase_share", lang) == card(vc, "valuestream.headline.local_sourcing", lang)
    assert card(oc, "overview.headline.nodes_with_local_firm", lang).endswith("/ 95")
    # the gene map's card counts the same nodes with a local firm as the overview, in words
    assert gm["nodes_with_local_firm"] == ov["nodes_with_local_firm"] == 89
    assert card(gc, "genemap.headline.with_firm", lang, cap=fmt.number(gm["min_capability"], 2)) == t(
        "genemap.headline.of", lang, n="89", total="95")


@pytest.mark.parametrize("lang", LANGS)
def test_health_and_weakest_dimension_agree_on_every_page(pages, model, lang):
    p = pages[lang]
    h = model.health
    weakest = name_of(h.dims[h.weakest], lang)
    score = fmt.pct(h.dimensions.set_index("dimension").at[h.weakest, "score"], 0)
    index = fmt.pct(h.index, 1)                    # the index with one decimal everywhere (the brief's change is 1.0 pp)
    assert p["headline"]["03_gap_analysis"]["weakest"] == h.weakest == "collaboration"
    assert p["headline"]["03_gap_analysis"]["health_index"] == pytest.approx(h.index)
    gap_cards = p["cards"]["03_gap_analysis"]
    assert card(gap_cards, "gaps.headline.weakest", lang) == f"{weakest} {score}"
    assert card(gap_cards, "gaps.headline.health_index", lang) == index
    evaluation = page_text(p["folder"] / "04_dynamic_evaluation.html")
    weakest_line = t("health.trend.weakest", lang, dimension=weakest, month=MONTH, score=score, index=index)
    assert weakest_line in evaluation
    hh = model.health_history                      # the same diagnosis, month by month
    assert hh.weakest[MONTH] == h.weakest and hh.index[MONTH] == pytest.approx(h.index)
    index_page = page_text(p["folder"] / "index.html")
    assert f"{weakest} {score}" in index_page and index in index_page


CANDIDATE_TABLES = [gaps_tables.DECISIONS, gaps_tables.SINGLE, gaps_tables.SECURITY, genemap_tables.MISSING,
                    genemap_tables.SINGLE, genemap_tables.THIN, niche_tables.EMBEDDING]


@pytest.mark.parametrize("lang", LANGS)
def test_candidates_per_node_are_one_count(pages, model, lang):
    by_node: dict[str, set] = {}
    for spec in CANDIDATE_TABLES:
        for r in rows_of(pages[lang]["sheets"], spec, lang):
            node = re.sub(r" ★$", "", str(r["node"]))
            by_node.setdefault(node, set()).add((spec.id, r["candidates"]))
    counts = {n: {c for _, c in v} for n, v in by_node.items()}
    assert all(len(c) == 1 for c in counts.values()), {n: v for n, v in by_node.items() if len(counts[n]) > 1}
    several = [n for n, v in by_node.items() if len({s for s, _ in v}) > 1]
    assert len(several) >= 10                       # the check compares real overlaps
    names = model.gene_map.coverage.nodes.set_index("node_id")["name_zh" if lang == "zh" else "name"]
    expected = model.gene_map.candidates.rename(index=names)
    assert all(counts[n] == {int(expected[n])} for n in several)


@pytest.mark.parametrize("lang", LANGS)
def test_alert_counts_agree(pages, hostile_reports, lang):
    p = pages[lang]
    head = p["headline"]["04_dynamic_evaluation"]
    alerts = p["summary"]["alerts"]
    open_now = [a for a in alerts if a["status"] != "resolved"]
    assert head["alerts_open"] == len(open_now) >= 3
    assert head["open_critical"] == sum(a["severity"] == "critical" for a in open_now)
    assert head["alerts_new"] == sum(a["status"] == "new" for a in alerts)
    counts = alert_counts(p["summary"])                       # what the index and the index of months show
    assert sum(v for k, v in counts.items() if k != "resolved") == head["alerts_open"]
    assert counts.get("critical", 0) == head["open_critical"] and counts.get("warning", 0) == head["open_warning"]
    cards = p["cards"]["04_dynamic_evaluation"]
    assert card(cards, "evaluation.card.open", lang) == str(head["alerts_open"])
    assert card(cards, "evaluation.card.critical", lang) == str(head["open_critical"])
    months_index = page_text(hostile_reports[lang].folder.parent / "index.html")
    for kind, n in counts.items():                            # the index of months: counts by level
        label = t(f"evaluation.status.{kind}" if kind == "resolved" else f"evaluation.severity.{kind}", lang)
        assert f"{label}{':' if lang == 'en' else '：'}{' ' if lang == 'en' else ''}{n}" in months_index


def test_both_languages_carry_the_same_numbers(pages):
    assert pages["en"]["headline"] == pages["zh"]["headline"]
    strip = lambda alerts: [{k: v for k, v in a.items() if k not in ("action", "message", "metric_name")}  # noqa: E731
                            for a in alerts]
    assert strip(pages["en"]["summary"]["alerts"]) == strip(pages["zh"]["summary"]["alerts"])
