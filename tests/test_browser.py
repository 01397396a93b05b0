"""Open every page of a rendered demo report in headless Chromium with the network off.

Checks what a client would hit: console errors, figures that fail to draw, and script run
from data (two firms carry hostile names). Screenshots are kept under
``reports/browser-check/`` for people to look at.

Needs Debian's ``chromium`` (``.ci/run`` installs it). Without it the test is skipped, unless
``ECOLIB_REQUIRE_BROWSER=1`` (set by CI) makes that a failure.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import DEMO, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HOSTILE = {"F0001": "<script>alert(1)</script>", "F0259": "<img src=x onerror=alert(1)>"}
OUT = ROOT / "reports" / "browser-check"

if not CHROMIUM:
    if os.environ.get("ECOLIB_REQUIRE_BROWSER") == "1":
        raise RuntimeError("headless Chromium is required (ECOLIB_REQUIRE_BROWSER=1) but not installed")
    pytest.skip("headless Chromium not installed (apt-get install chromium)", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


def hostile_demo(folder: Path) -> Path:
    """The demo park with two prominent firms renamed to markup."""
    shutil.copytree(DEMO, folder)
    firms = pd.read_csv(folder / "firms.csv", dtype=str, keep_default_na=False)
    for firm_id, name in HOSTILE.items():
        firms.loc[firms["firm_id"] == firm_id, ["name", "name_zh"]] = name
    firms.to_csv(folder / "firms.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from ecolib.report import render

    ws = hostile_demo(tmp_path_factory.mktemp("ws") / "demo")
    shutil.rmtree(OUT, ignore_errors=True)
    return [render(ws, ["2026-10"], lang=lang, out=OUT / lang, progress=lambda s: None)[0] for lang in ("en", "zh")]


def _check_page(page, path: Path, shots: Path) -> dict:
    problems: dict[str, list] = {"console": [], "dialogs": []}
    page.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems["console"].append(str(e)))
    page.on("dialog", lambda d: (problems["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('svg.main-svg'))",
        timeout=30_000)
    drawn = page.evaluate("() => [...document.querySelectorAll('.plotly-graph-div')]"
                          ".map(d => d.querySelectorAll('svg.main-svg').length > 0)")
    problems["figures"] = drawn
    problems["text"] = page.inner_text("body")
    page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=True)
    return problems


def test_every_page_renders_offline_without_errors_or_injected_script(rendered):
    checked = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            for report in rendered:
                shots = report.folder / "screenshots"
                shots.mkdir(exist_ok=True)
                pages = sorted(report.folder.glob("*.html")) + [report.folder.parent / "index.html"]
                for path in pages:
                    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    result = _check_page(page, path, shots)
                    context.close()
                    assert result["dialogs"] == [], f"{path.name}: script from data ran: {result['dialogs']}"
                    assert result["console"] == [], f"{path.name}: console errors {result['console']}"
                    assert all(result["figures"]), f"{path.name}: figures not drawn {result['figures']}"
                    if path.name != "index.html":
                        assert result["figures"], f"{path.name} has no figure"
                    if path.name == "00_overview.html":   # the hostile names are shown, as text
                        assert all(name in result["text"] for name in HOSTILE.values())
                    checked += 1
        finally:
            browser.close()
    assert checked >= 2 * 3
