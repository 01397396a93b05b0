"""Open every page of a rendered report in headless Chromium, as a client would.

The demo park rendered with a payload in every name field (``hostile_reports`` in conftest.py:
script, an image with onerror, a link, a style that fetches a URL, formulas, a template
expression), in English and Chinese. For every page, opened from disk (``file://``) with the
network off: no request leaves the page (every request is recorded; only the page's own file
and, for an analysis page, plotly.js and the style sheet beside it in the month folder are
allowed), no console error (a request the Content-Security-Policy blocks would log one), no
dialog, every figure drawn, no live element from data in the DOM, before and after hovering
every trace. The same for the month as one file (``single_file_html``, built from the same
render). Screenshots at 1400 px are kept under ``reports/browser-check/`` for people to look
at.

Needs Debian's ``chromium`` (``.ci/run`` installs it). Without it the test is skipped, unless
``ECOLIB_REQUIRE_BROWSER=1`` (set by CI) makes that a failure.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import PAYLOADS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if not CHROMIUM:
    if os.environ.get("ECOLIB_REQUIRE_BROWSER") == "1":
        raise RuntimeError("headless Chromium is required (ECOLIB_REQUIRE_BROWSER=1) but not installed")
    pytest.skip("headless Chromium not installed (apt-get install chromium)", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright

#: Elements that would be live if markup from data had got through.
LIVE_SELECTORS = ('a[href*="evil.test"]', '[style*="evil.test"]', 'img[src="x"]', "[onerror]",
                  'a[target="_blank"][href^="http"]')

HOVER_ALL = """() => {
  for (const div of document.querySelectorAll('.plotly-graph-div')) {
    (div.data || []).forEach((trace, i) => {
      const n = Math.min(((trace.x || trace.y || trace.labels || trace.z || []).length) || 1, 40);
      for (let p = 0; p < n; p++) {
        try { Plotly.Fx.hover(div, [{curveNumber: i, pointNumber: p}]); } catch (e) {}
      }
    });
    try { Plotly.Fx.unhover(div); } catch (e) {}
  }
}"""


def _check_page(browser, path: Path, shots: Path, name: str, allowed: frozenset[str] = frozenset()) -> dict:
    """Open ``path``; ``allowed``: the files beside it it may load (plotly.js, its style sheet)."""
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    seen: dict[str, list] = {"console": [], "dialogs": [], "requests": [], "loaded": []}
    own = path.as_uri()
    beside = {(path.parent / name).as_uri() for name in allowed}

    def request(r):
        if r.url in beside:
            seen["loaded"].append(r.url.rsplit("/", 1)[-1])
        elif r.url != own and not r.url.startswith("data:"):
            seen["requests"].append(r.url)

    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["console"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("request", request)
    try:
        page.goto(own, wait_until="load")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('svg.main-svg'))",
            timeout=30_000)
        seen["figures"] = page.evaluate("() => [...document.querySelectorAll('.plotly-graph-div')]"
                                        ".map(d => d.querySelectorAll('svg.main-svg').length > 0)")
        seen["text"] = page.inner_text("body")
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        seen["live"] = [s for s in LIVE_SELECTORS if page.query_selector(s)]
        page.evaluate(HOVER_ALL)
        page.wait_for_timeout(200)
        seen["live_after_hover"] = [s for s in LIVE_SELECTORS if page.query_selector(s)]
    finally:
        context.close()
    return seen


def _launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"])


def _assets(folder: Path) -> frozenset[str]:
    """The files an analysis page may load from its month folder."""
    return frozenset(p.name for p in folder.iterdir() if p.suffix in (".js", ".css"))


def test_every_page_offline_no_request_no_error_no_live_markup(hostile_reports):
    checked = 0
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            for lang, report in hostile_reports.items():
                shots = report.folder.parent / f"screenshots-{lang}"
                shots.mkdir(exist_ok=True)
                assets = _assets(report.folder)
                assert len(assets) == 2, assets                      # plotly.js and the style sheet
                pages = sorted(report.folder.glob("*.html")) + [report.folder.parent / "index.html"]
                for path in pages:
                    analysis = path.parent == report.folder and path.name != "index.html"
                    seen = _check_page(browser, path, shots, "series_index" if path.parent != report.folder else path.stem,
                                       allowed=assets if analysis else frozenset())
                    where = f"{lang}/{path.name}"
                    assert seen["requests"] == [], f"{where}: requests left the page: {seen['requests'][:5]}"
                    if analysis:                                     # both files, from the folder, once
                        assert sorted(seen["loaded"]) == sorted(assets), f"{where}: loaded {seen['loaded']}"
                    assert seen["dialogs"] == [], f"{where}: script from data ran: {seen['dialogs']}"
                    assert seen["console"] == [], f"{where}: console errors {seen['console'][:5]}"
                    assert all(seen["figures"]), f"{where}: figures not drawn {seen['figures']}"
                    assert seen["live"] == [] and seen["live_after_hover"] == [], \
                        f"{where}: live elements from data {seen['live'] or seen['live_after_hover']}"
                    if path.name != "index.html":
                        assert seen["figures"], f"{where} has no figure"
                    if path.name == "00_overview.html":   # the payloads are shown, as text
                        shown = {x for x in PAYLOADS if x in seen["text"]}
                        assert len(shown) >= 3, f"{where}: payloads not shown as text: {shown}"
                    checked += 1
        finally:
            browser.close()
    assert checked >= 2 * 8
