"""The month as one self-contained HTML file, in headless Chromium: offline, no request, no
error, no live markup, every figure drawn, one bar of links, every table within the page and no
chart labels on top of each other at a 1400 px window. In its own module so that the test session's two
workers run it beside the page-by-page check of tests/test_browser.py."""
from __future__ import annotations

from test_browser import _check_page, _launch, layout_problems, sync_playwright  # noqa: F401  (skips without Chromium)


def test_the_month_as_one_file_offline_no_request_no_error_no_live_markup(hostile_reports, hostile_demo, tmp_path):
    """The single-file report of the same render: opens on its own (written away from the
    folder), draws every figure of every page, loads nothing. Checked in Chinese (CJK names and
    fonts; the file is assembled the same way in both languages, whose pages
    test_browser.py checks one by one)."""
    from ecolib.report import single_file_html
    from ecolib.workspace import load_workspace

    settings = load_workspace(hostile_demo).settings
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            for lang, report in [("zh", hostile_reports["zh"])]:
                alone = tmp_path / lang / "month.html"
                alone.parent.mkdir()
                park = settings.name_zh if lang == "zh" else report.summary["workspace"]
                alone.write_text(single_file_html(report.folder, park=park), encoding="utf-8")
                shots = report.folder.parent / f"screenshots-{lang}"
                shots.mkdir(exist_ok=True)
                seen = _check_page(browser, alone, shots, "single_file")
                where = f"{lang}/single file"
                assert seen["requests"] == [], f"{where}: requests left the page: {seen['requests'][:5]}"
                assert seen["dialogs"] == [], f"{where}: script from data ran: {seen['dialogs']}"
                assert seen["console"] == [], f"{where}: console errors {seen['console'][:5]}"
                pages = sum(p.read_text(encoding="utf-8").count('class="plotly-graph-div"')
                            for p in report.folder.glob("0*.html"))
                assert len(seen["figures"]) == pages and all(seen["figures"]), f"{where}: {seen['figures']}"
                assert seen["live"] == [] and seen["live_after_hover"] == [], \
                    f"{where}: live elements from data {seen['live'] or seen['live_after_hover']}"
                for a in report.summary["analyses"]:
                    assert a["title"] in seen["text"], f"{where}: {a['title']} missing"
                assert seen["nav"] == ["#index"] + [f'#{a["notebook"]}' for a in report.summary["analyses"]] + [
                    "#glossary"], f"{where}: bar of links {seen['nav']}"
                problems = layout_problems(seen["layout"])          # at 1400 px, as the pages one by one
                assert not problems, "\n".join([f"{where}: layout problems at 1400 px:"] + problems)
        finally:
            browser.close()
