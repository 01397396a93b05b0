"""Chinese numbers, amounts and months: one rule each (fmt.py), applied by i18n.t() to every
placeholder value, by the table formats to every text cell, and by the figure helpers of
plots/theme.py to money and month axes."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import plotly.graph_objects as go
import pytest

from ecolib.presentation import fmt
from ecolib.presentation.i18n import t
from ecolib.presentation.plots.theme import money_axis, month_labels
from ecolib.presentation.tables import Table

# ------------------------------------------------------------------------------ amounts


@pytest.mark.parametrize("value, currency, zh, en", [
    (12_345_678_900, "CNY", "123.5亿元", "CNY 12.3 bn"),
    (45_600, "CNY", "4.6万元", "CNY 45.6 k"),
    (8_500, "CNY", "8,500元", "CNY 8.5 k"),
    (999, "CNY", "999元", "CNY 999"),
    (0, "CNY", "0元", "CNY 0"),
    (-250_000_000, "CNY", "-2.5亿元", "CNY -250.0 m"),
    (-3_000, "CNY", "-3,000元", "CNY -3.0 k"),
    (99_999_999, "CNY", "1.0亿元", "CNY 100.0 m"),        # rounds up into 亿, never 10,000.0万
    (9_999.6, "CNY", "1.0万元", "CNY 10.0 k"),
    (999_960, "CNY", "100.0万元", "CNY 1.0 m"),
    (3e8, "USD", "3.0亿美元", "USD 300.0 m"),
    (3e8, "HKD", "3.0亿港元", "HKD 300.0 m"),
    (3e8, "XAU", "3.0亿 XAU", "XAU 300.0 m"),             # no Chinese name: the code, spaced
    (2.5e12, "CNY", "2.5万亿元", "CNY 2,500 bn"),
])
def test_money_in_both_languages(value, currency, zh, en):
    assert fmt.money(value, "zh", currency) == zh
    assert fmt.money(value, "en", currency) == en


def test_money_missing_and_infinite():
    for v in (None, float("nan"), float("inf")):
        assert fmt.money(v, "zh") == "–" and fmt.money(v) == "–"


def test_format_value_money_uses_the_same_rule():
    assert fmt.format_value(1.5e9, "money", "zh") == "15.0亿元"
    assert fmt.format_value(-4.2e4, "money", "zh", "USD") == "-4.2万美元"


def test_money_ticks_one_unit_per_axis():
    values, labels = fmt.money_ticks(0, 1.2e9, "zh")
    assert values[0] == 0 and values[-1] >= 1.2e9
    assert labels == ["0", "2.5亿元", "5亿元", "7.5亿元", "10亿元", "12.5亿元"]   # not 0.25B / 5,000万
    assert fmt.money_ticks(0, 4.5e7, "zh", unit=False)[1] == ["0", "1,000万", "2,000万", "3,000万", "4,000万", "5,000万"]
    assert fmt.money_ticks(0, 1.2e9)[1][-1] == "1.25 bn"
    assert fmt.money_ticks(-3e4, 6e4, "zh")[1][:3] == ["-4万元", "-2万元", "0"]
    assert fmt.money_ticks(0, 800, "zh")[1][-1] == "800元"
    assert fmt.money_ticks(0, 0, "zh") == ([0.0, 1.0], ["0", "1元"])        # an empty axis still reads


def test_money_axis_sets_ticks_title_and_range():
    fig = money_axis(go.Figure(go.Bar(y=["a", "b"], x=[5.16e9, 1.1e9], orientation="h")), "zh", axis="x")
    ax = fig.layout.xaxis
    assert ax.ticktext == ("0", "20亿", "40亿", "60亿") and ax.title.text == "金额（元）"
    assert tuple(ax.range) == (0.0, 6e9)                                  # the last tick shows
    en = money_axis(go.Figure(go.Bar(y=["a"], x=[5.16e9], orientation="h")), "en", "USD", axis="x").layout.xaxis
    assert en.ticktext[-1] == "6 bn" and en.title.text == "Amount (USD)"
    row = money_axis(go.Figure(go.Scatter(y=[2e4, 9e4])), "zh", span=(1e4, 1e5), title=False).layout.yaxis
    assert row.ticktext == ("2万元", "4万元", "6万元", "8万元", "10万元") and row.range is None


# ------------------------------------------------------------------------------- months


def test_month_text_and_ranges():
    assert fmt.month_text("2026-10", "zh") == "2026年10月"
    assert fmt.month_text("2026-03", "zh") == "2026年3月"
    assert fmt.month_text("2026-10", "en") == "2026-10"
    assert fmt.month_text("2026-12-02", "zh") == "2026年12月2日"
    assert fmt.month_range("2026-08", "2026-10", "zh") == "2026年8月至10月"
    assert fmt.month_range("2025-11", "2026-10", "zh") == "2025年11月至2026年10月"
    assert fmt.month_range("2026-10", "2026-10", "zh") == "2026年10月"
    assert fmt.month_range("2026-08", "2026-10", "en") == "2026-08 – 2026-10"


@pytest.mark.parametrize("text, zh", [
    ("3 个月（2026-08 – 2026-10）", "3 个月（2026年8月至10月）"),
    ("2026-08 – 2026-10, 2026-12", "2026年8月至10月、2026年12月"),
    ("2025-12 – 2026-02", "2025年12月至2026年2月"),
    ("2026-05", "2026年5月"),
    ("批次 A-2026-10", "批次 A-2026-10"),                       # part of an id: left alone
    ("2026-10/index.html", "2026-10/index.html"),                # a path: left alone
    ("12026-10", "12026-10"), ("2026-13", "2026-13"), ("2026-10-15 08:00", "2026年10月15日 08:00"),
])
def test_months_in_text(text, zh):
    assert fmt.months_in_text(text, "zh") == zh
    assert fmt.months_in_text(text, "en") == text


def test_t_writes_every_month_placeholder_in_chinese():
    """The one place: no caller formats a month for a Chinese sentence."""
    assert t("common.report_for", "zh", month="2026-10") == "2026年10月月度报告"
    assert t("common.report_for", "en", month="2026-10") == "Report for 2026-10"
    # {first} 至 {last} in a template: one range; a run of months inside a value: one range
    assert t("valuestream.intro", "zh", first="2026-08", last="2026-10", months=3).startswith("2026年8月至10月（3 个月）")
    assert t("valuestream.intro", "zh", first="2025-11", last="2026-10", months=12).startswith("2025年11月至2026年10月")
    text = t("evaluation.message.ongoing", "zh", metric="人才供需缺口", condition="达到或超过 25%", month="2026-10",
             value="28.2%", count="2 个月", months="2026-09 – 2026-10", opened="2026-09", meaning="", vs="")
    assert "2026-" not in text and "2026年10月为" in text and "（2026年9月至10月）" in text and "自2026年9月开启" in text
    # not a month: numbers and format specs untouched
    assert t("evaluation.n_months", "zh", n=3) == "3个月"


def test_t_writes_the_currency_placeholder_in_chinese():
    assert "（元）" in t("overview.flows_intro", "zh", currency="CNY", month="2026-10", window=12)
    assert "（美元）" in t("overview.flows_intro", "zh", currency="USD", month="2026-10", window=12)
    assert "(CNY)" in t("overview.flows_intro", "en", currency="CNY", month="2026-10", window=12)
    assert fmt.unit_text("money", "zh", "CNY") == "元"


def test_table_text_cells_write_months_in_chinese():
    spec = Table("demo.months", columns={"opened": "common.month", "runs": ("common.month", "text")})
    import pandas as pd
    rows = pd.DataFrame({"opened": ["2026-05"], "runs": ["2026-08 – 2026-10"]})
    assert "2026年5月" in spec.html(rows, "zh") and "2026年8月至10月" in spec.html(rows, "zh")
    assert "2026-05" in spec.html(rows, "en")


def test_month_labels_rewrites_a_month_axis():
    fig = go.Figure(go.Scatter(x=["2026-09", "2026-10"], y=[1, 2]))
    fig.add_vrect(x0="2026-09", x1="2026-10")
    fig.update_xaxes(type="category", categoryarray=["2026-09", "2026-10"])
    month_labels(fig, "zh")
    assert fig.data[0].x == ("2026年9月", "2026年10月")
    assert fig.layout.xaxis.categoryarray == ("2026年9月", "2026年10月")
    assert (fig.layout.shapes[0].x0, fig.layout.shapes[0].x1) == ("2026年9月", "2026年10月")
    mixed = go.Figure(go.Bar(x=["2026-09", "East Zone"], y=[1, 2]))
    assert month_labels(mixed, "zh").data[0].x == ("2026-09", "East Zone")   # not a month axis
    en = go.Figure(go.Scatter(x=["2026-09"], y=[1]))
    assert month_labels(en, "en").data[0].x == ("2026-09",)


# ------------------------------------------------------------------- the rendered zh pages

_MONTH = re.compile(r"(?<![\d/\-])20\d\d-(0[1-9]|1[0-2])(?![\d/])")
PAGES = ("00_overview", "01_value_stream", "02_gene_map", "03_gap_analysis", "04_dynamic_evaluation",
         "05_niche_positioning")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.scripts, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in is None:
            self.text.append(data)


def _figure_texts(script: str) -> list[str]:
    m = re.search(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", script)
    if not m:
        return []
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(script, m.end())
    layout, _ = decoder.raw_decode(script, re.compile(r",\s*").match(script, end).end())
    layout.pop("template", None)
    out: list[str] = []

    def walk(o):
        if isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
        elif isinstance(o, str):
            out.append(o)
    walk(data)
    walk(layout)
    return out


@pytest.mark.parametrize("page", PAGES)
def test_zh_pages_write_months_and_amounts_in_chinese(hostile_reports, page):
    html = (hostile_reports["zh"].folder / f"{page}.html").read_text(encoding="utf-8")
    parser = _Text()
    parser.feed(html)
    body = "".join(parser.text)
    figures = [s for script in parser.scripts for s in _figure_texts(script)]
    for where, texts in (("text", [body]), ("figures", figures)):
        months = sorted({m.group(0) for s in texts for m in _MONTH.finditer(s)})
        assert not months, f"{page} ({where}) shows months as {months[:5]}: they read 2026年10月 in Chinese"
    assert not re.search(r"\d\s*(bn|[kMB])\b", body), f"{page}: an amount in English units"


# ------------------------------------------------------------------ lists and other units


def test_capped_lists_use_the_measure_word_of_what_they_list():
    firms = ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司"]
    assert fmt.capped(firms, "zh", kind="firm") == "甲公司、乙公司、丙公司等，另有 2 家"     # never "等另外 2 项"
    assert fmt.capped(["节点一", "节点二"], "zh", kind="node", most=1) == "节点一等，另有 1 个"
    assert fmt.capped(["a", "b"], "zh", kind="link", most=1).endswith("另有 1 条")
    assert fmt.capped(["a", "b"], "zh", kind="no-such-kind", most=1).endswith("另有 1 项")
    assert fmt.capped(firms, "en", kind="firm") == "甲公司, 乙公司, 丙公司 and 2 more"
    assert fmt.capped(firms[:3], "zh", kind="firm") == "甲公司、乙公司、丙公司"


def test_area_reads_in_the_report_language():
    assert fmt.format_value(7_270_400, "area", "zh") == "7,270,400 平方米"
    assert fmt.format_value(7_270_400, "area", "en") == "7,270,400 m²"
