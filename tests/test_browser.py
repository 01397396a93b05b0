"""Open every page of a rendered report in headless Chromium, as a client would.

The demo park rendered with a payload in every name field (``hostile_reports`` in conftest.py:
script, an image with onerror, a link, a style that fetches a URL, formulas, a template
expression), in English and Chinese. For every page, opened from disk (``file://``) with the
network off: no request leaves the page (every request is recorded; only the page's own file
and, for an analysis page, plotly.js and the style sheet beside it in the month folder are
allowed), no console error (a request the Content-Security-Policy blocks would log one), no
dialog, every figure drawn, no live element from data in the DOM, before and after hovering
every trace; and the layout at a 1400 px window, measured in the DOM (:data:`LAYOUT_JS`): no
table or other element wider than the page's main column or scrolling sideways, the page not
wider than the window, no two text labels of a chart on top of each other. The same for the
month as one file (``single_file_html``, built from the same render). Every page is opened
once (the ``browsed`` fixture) and judged by the tests below. Screenshots at 1400 px are kept
under ``reports/browser-check/`` for people to look at.

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


#: The layout of a page at the 1400 px window, measured in the DOM: ``wide`` (tables and other
#: elements wider than the main column, or scrolling sideways inside it, with the section they
#: sit under), ``overlaps`` (text labels of one plotly figure whose boxes intersect; rotated
#: labels as rotated boxes; hidden labels and the hover layer left out), ``small`` / ``cut``
#: (chart labels under 9 px, labels cut with "…": for people to look at), ``page`` (the page's
#: width against the viewport).
LAYOUT_JS = r"""() => {
  const TOL = 2;                                   // px of slack for rounding
  const heading = (el) => {                        // the section heading (h2, else h1) el sits under
    let best = null;
    for (const h of document.querySelectorAll('h1, h2')) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) best = h; else break;
    }
    return best ? best.textContent.trim().replace(/\s+/g, ' ').replace(/¶$/, '').slice(0, 80) : '';
  };
  const visible = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return false;
    }
    return true;
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    if (el.classList.length) d += '.' + [...el.classList].slice(0, 3).join('.');
    return d;
  };
  const main = document.querySelector('main') || document.body;
  const ms = getComputedStyle(main);
  const mr = main.getBoundingClientRect();
  const colLeft = mr.left + parseFloat(ms.paddingLeft), colRight = mr.right - parseFloat(ms.paddingRight);
  const colWidth = colRight - colLeft;
  const wide = [];
  const seen = new Set();
  const report = (el, what, width, limit) => {
    if (seen.has(el)) return;
    seen.add(el);
    wide.push({what, element: describe(el), width: Math.round(width), limit: Math.round(limit),
               section: heading(el), text: (el.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 60)});
  };
  // tables wider than the main column
  for (const t of document.querySelectorAll('table')) {
    if (!visible(t) || t.closest('svg')) continue;
    const r = t.getBoundingClientRect();
    if (r.width > colWidth + TOL) report(t, 'table wider than the main column', r.width, colWidth);
    else if (r.right > colRight + TOL) report(t, `table ends ${Math.round(r.right - colRight)} px right of the main column`, r.width, colRight - r.left);
  }
  // containers scrolling sideways (the table inside is cut off / needs a scroll bar)
  for (const el of main.querySelectorAll('*')) {
    if (el.closest('svg') || el.closest('.plotly-graph-div') || !visible(el)) continue;
    const ox = getComputedStyle(el).overflowX;
    if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden') && el.scrollWidth > el.clientWidth + TOL && el.clientWidth > 0) {
      const inner = el.querySelector('table') || el;
      report(inner, 'scrolls sideways inside ' + describe(el), el.scrollWidth, el.clientWidth);
    }
  }
  // any other element sticking out of the main column (leaf-most: skip ancestors of one reported)
  for (const el of main.querySelectorAll('*')) {
    if (el.closest('svg') || seen.has(el) || !visible(el)) continue;
    if (el.closest('.plotly-graph-div') && !el.classList.contains('plotly-graph-div')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > colRight + TOL || r.left < colLeft - TOL) {
      let clipped = false;                         // inside a scroll container already reported
      for (let p = el.parentElement; p && p !== main; p = p.parentElement) {
        if (seen.has(p) || seen.has(p.querySelector('table'))) { clipped = true; break; }
        const ox = getComputedStyle(p).overflowX;
        if (ox !== 'visible') { clipped = true; break; }
      }
      if (clipped) continue;
      if ([...el.children].some(c => { const cr = c.getBoundingClientRect(); return cr.right > colRight + TOL || cr.left < colLeft - TOL; })) continue;
      report(el, 'sticks out of the main column', r.right - colLeft, colWidth);
    }
  }
  // overlapping text labels in each plotly figure
  const corners = (el) => {
    const b = el.getBBox(), m = el.getScreenCTM();
    if (!m || b.width === 0 || b.height === 0) return null;
    const s = 1;                                   // shrink by 1 px on every side
    const pts = [[b.x + s, b.y + s], [b.x + b.width - s, b.y + s], [b.x + b.width - s, b.y + b.height - s], [b.x + s, b.y + b.height - s]];
    return pts.map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  const separated = (p, q) => {                    // separating axis test for two convex quads
    for (const poly of [p, q]) {
      for (let i = 0; i < poly.length; i++) {
        const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % poly.length];
        const nx = y2 - y1, ny = x1 - x2;
        let pmin = Infinity, pmax = -Infinity, qmin = Infinity, qmax = -Infinity;
        for (const [x, y] of p) { const v = nx * x + ny * y; pmin = Math.min(pmin, v); pmax = Math.max(pmax, v); }
        for (const [x, y] of q) { const v = nx * x + ny * y; qmin = Math.min(qmin, v); qmax = Math.max(qmax, v); }
        if (pmax <= qmin || qmax <= pmin) return true;
      }
    }
    return false;
  };
  const overlaps = [], small = [], cut = [];
  const MIN_FONT = 9;                              // px: smaller chart text is not legible
  document.querySelectorAll('.plotly-graph-div').forEach((div, fig) => {
    const labels = [];
    for (const el of div.querySelectorAll('svg text')) {
      if (el.closest('.hoverlayer') || el.closest('.modebar')) continue;
      const text = el.textContent.trim();
      if (!text || !visible(el)) continue;
      const fill = getComputedStyle(el).fillOpacity;
      if (fill !== '' && parseFloat(fill) === 0) continue;
      const c = corners(el);
      if (!c) continue;
      labels.push({el, text, c});
      const m = el.getScreenCTM();
      const px = parseFloat(getComputedStyle(el).fontSize) * Math.sqrt(m.a * m.a + m.b * m.b);
      if (px < MIN_FONT) small.push({figure: fig + 1, text: text.slice(0, 30), px: Math.round(px * 10) / 10});
      if (/…$|\.\.\.$/.test(text)) cut.push({figure: fig + 1, text: text.slice(0, 40)});
    }
    const title = (div.layout && div.layout.title && (div.layout.title.text || div.layout.title)) || '';
    let n = 0;
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        if (labels[i].el.contains(labels[j].el) || labels[j].el.contains(labels[i].el)) continue;
        if (!separated(labels[i].c, labels[j].c)) {
          n++;
          if (n <= 12) overlaps.push({figure: fig + 1, title: String(title).slice(0, 60), section: heading(div),
                                      a: labels[i].text.slice(0, 40), b: labels[j].text.slice(0, 40)});
        }
      }
    }
    if (n > 12) overlaps.push({figure: fig + 1, title: String(title).slice(0, 60), section: heading(div), more: n - 12});
  });
  const de = document.documentElement;
  return {wide, overlaps, small, cut, figures: document.querySelectorAll('.plotly-graph-div').length,
          page: {scrollWidth: de.scrollWidth, viewport: window.innerWidth, column: Math.round(colWidth)}};
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
        seen["layout"] = page.evaluate(LAYOUT_JS)
        seen["nav"] = page.evaluate("() => [...document.querySelectorAll('nav.ecolib-nav a')]"
                                    ".map(a => a.getAttribute('href'))")
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


def _pages(report) -> list[Path]:
    """The client pages of a rendered month: its analysis pages, its index, the series index."""
    return sorted(report.folder.glob("*.html")) + [report.folder.parent / "index.html"]


@pytest.fixture(scope="module")
def browsed(hostile_reports) -> dict:
    """Every page of the shared render opened once, en and zh: ``{(lang, path): seen}`` (see
    :func:`_check_page`), for the tests below to judge."""
    seen = {}
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            for lang, report in hostile_reports.items():
                shots = report.folder.parent / f"screenshots-{lang}"
                shots.mkdir(exist_ok=True)
                assets = _assets(report.folder)
                assert len(assets) == 2, assets                      # plotly.js and the style sheet
                for path in _pages(report):
                    analysis = path.parent == report.folder and path.name != "index.html"
                    seen[lang, path] = _check_page(
                        browser, path, shots, "series_index" if path.parent != report.folder else path.stem,
                        allowed=assets if analysis else frozenset())
        finally:
            browser.close()
    return seen


def test_every_page_offline_no_request_no_error_no_live_markup(hostile_reports, browsed):
    checked = 0
    for lang, report in hostile_reports.items():
        assets = _assets(report.folder)
        for path in _pages(report):
            seen = browsed[lang, path]
            analysis = path.parent == report.folder and path.name != "index.html"
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
    assert checked >= 2 * 8


def layout_problems(layout: dict) -> list[str]:
    """What :data:`LAYOUT_JS` found on a page, one line each (empty: the page fits)."""
    found = [f"{w['what']}: {w['element']} {w['width']} px > {w['limit']} px under {w['section']!r}: {w['text']!r}"
             for w in layout["wide"]]
    found += [f"figure {o['figure']} under {o['section']!r}: " +
              (f"{o['more']} more overlapping labels" if "more" in o else f"labels overlap: {o['a']!r} x {o['b']!r}")
              for o in layout["overlaps"]]
    if layout["page"]["scrollWidth"] > layout["page"]["viewport"]:
        found.append(f"the page is {layout['page']['scrollWidth']} px wide, the window {layout['page']['viewport']} px")
    return found


def test_every_page_fits_a_1400px_window_and_no_chart_labels_overlap(browsed):
    """At a 1400 px window no table (nor anything else) is wider than the page's main column
    or scrolls sideways, the page does not scroll sideways, and no two text labels of a chart
    overlap; measured in the DOM of every page, en and zh (the screenshots are kept beside the
    render for people to look at)."""
    found = [f"{lang}/{path.name}: {line}" for (lang, path), seen in browsed.items()
             for line in layout_problems(seen["layout"])]
    assert not found, "\n".join(["layout problems at 1400 px:"] + found)
