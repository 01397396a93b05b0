"""The month as one PDF for clients, printed by headless Chromium.

The input is the month as one self-contained HTML file (:func:`ecolib.report.single_file_html`:
the brief, then every analysis page as a section, plotly.js inlined). Chromium opens it offline
(no name resolves, and the file's Content-Security-Policy allows nothing to load), in print
media at the width of an A4 page's text column (:data:`PRINT_CSS`), lets plotly draw every
figure at the width of the screen layout (:data:`FIGURE_PX`) and waits until each is drawn,
then (:data:`PREPARE_JS`) opens every ``<details>``, scales each figure down to the column
(and to one sheet's height) and each table wider than the column down to it (CSS ``zoom``:
nothing is cut at the right edge), and prints A4 through the DevTools protocol
(``Page.printToPDF``): the brief first, each analysis page from a new sheet, table rows and
figures never split across sheets, table headers repeated on each sheet, the figures as
vectors (plotly draws SVG), the fonts embedded, the headings as the PDF's outline, and a
footer of the report's own with the month's title and "n / N" (Chromium's default header
and footer, which print the file's address and the date, are not used). The text maps of the
fonts are then corrected so that Chinese is searched and copied as the ideographs the page
shows (:func:`searchable_text`).

Chromium is driven over a pipe (``--remote-debugging-pipe``): no port is opened and nothing
beyond the standard library is needed. The Chromium used is ``$ECOLIB_CHROMIUM`` if set, else
the first of :data:`CHROMIUM_NAMES` on the ``PATH`` (Debian's ``chromium`` package, which the
browser test uses too). Without one, :func:`require_chromium` says in one line what to install.
"""
from __future__ import annotations

import base64
import contextlib
import html
import json
import os
import re
import select
import shutil
import signal
import tempfile
import time
import unicodedata
import zlib
from pathlib import Path

#: Executables tried in turn on the PATH when ``$ECOLIB_CHROMIUM`` is not set.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: The environment variable naming the Chromium (or Chrome) executable to use.
CHROMIUM_ENV = "ECOLIB_CHROMIUM"
#: What a machine without Chromium is told.
INSTALL_HINT = ("printing the PDF (--pdf) needs headless Chromium, which is not installed: install it "
                "(Debian/Ubuntu: apt-get install chromium fonts-noto-cjk; elsewhere Chromium or Chrome) "
                "or set ECOLIB_CHROMIUM to its executable")

#: A4 in millimetres and the margins of every sheet (the footer sits in the bottom margin).
PAGE_MM = (210.0, 297.0)
MARGIN_MM = {"top": 12.0, "bottom": 15.0, "left": 12.0, "right": 12.0}
_PX_PER_MM = 96 / 25.4
_MM_PER_INCH = 25.4
#: The text column of a sheet in CSS pixels: the width the page is laid out and drawn at.
COLUMN_PX = round((PAGE_MM[0] - MARGIN_MM["left"] - MARGIN_MM["right"]) * _PX_PER_MM)
SHEET_PX = round((PAGE_MM[1] - MARGIN_MM["top"] - MARGIN_MM["bottom"]) * _PX_PER_MM)
#: The width every figure is drawn at before it is scaled down to the column: the report's main
#: column on screen at a 1400 px window (1180 px less its padding), the layout the browser test
#: checks for labels on top of each other; at the column's own 703 px labels would collide.
FIGURE_PX = 1116
#: Seconds one printing may take in all (starting Chromium, drawing every figure, printing).
TIMEOUT = 300.0

#: Print rules added to the document (on top of the report's own ``@media print`` rules).
PRINT_CSS = """
@media print {
  html, body { background: #fff; }
  main { max-width: none; margin: 0; padding: 0; }
  .ecolib-nav, .modebar-container, a.anchor-link { display: none !important; }
  .jp-OutputArea-output, .jp-OutputArea, .jp-Cell-outputWrapper { overflow: visible !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr, li, dt, dd, .ecolib-card, .ecolib-findings li, .plotly-graph-div, .js-plotly-plot, svg, img,
  details.ecolib-rule, details.ecolib-page-cards summary { break-inside: avoid; }
  thead { display: table-header-group; }
  h1, h2, h3, h4, .ecolib-title, summary { break-after: avoid; }
  table.ecolib-table td { max-width: none; }
  .plotly-graph-div { width: %(figure)dpx !important; }
}
"""

#: Run in the page before printing (awaited): waits until every plotly figure is drawn, opens
#: every ``<details>``, makes links to other files plain text (in a PDF they would become file
#: addresses of this machine), scales each figure down to its column and to a sheet's height and
#: each table wider than its column down to it, waits for the fonts, and lists what still ends
#: right of the column. Returns what it found and did.
PREPARE_JS = r"""
(async (limitMs, figurePx, sheetPx) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const figures = [...document.querySelectorAll('.plotly-graph-div')];
  const drawn = (d) => !!(d._fullLayout && d.querySelector('svg.main-svg'));
  const until = Date.now() + limitMs;
  while (figures.some((d) => !drawn(d)) && Date.now() < until) await sleep(50);
  for (const d of document.querySelectorAll('details')) d.open = true;
  for (const a of document.querySelectorAll('a[href]')) {
    if (!a.getAttribute('href').startsWith('#')) a.removeAttribute('href');
  }
  let tall = 0;
  for (const d of figures.filter(drawn)) {         // drawn at figurePx wide (PRINT_CSS)
    const room = d.parentElement.clientWidth;
    if (room <= 0) continue;
    const box = d.getBoundingClientRect();
    let zoom = Math.min(1, room / box.width);
    if (box.height * zoom > sheetPx) { zoom = sheetPx / box.height; tall++; }
    if (zoom < 1) d.style.zoom = zoom.toFixed(4);
  }
  await frames();
  let wide = 0;
  for (const t of document.querySelectorAll('table')) {
    if (t.closest('svg') || t.closest('.plotly-graph-div')) continue;
    const box = t.parentElement;
    const room = box ? box.clientWidth : document.documentElement.clientWidth;
    const w = t.getBoundingClientRect().width;
    if (room > 0 && w > room + 1) { t.style.zoom = (room / w).toFixed(4); wide++; }
  }
  await document.fonts.ready;
  await frames();
  const main = document.querySelector('main') || document.body;
  const right = main.getBoundingClientRect().right + 1;
  const overflow = [...main.querySelectorAll('table, .plotly-graph-div, img, pre, svg.main-svg')]
    .filter((el) => !(el.closest('svg') && el.tagName !== 'svg') && el.getBoundingClientRect().right > right)
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''));
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) overflow.push('page');
  return {figures: figures.length, drawn: figures.filter(drawn).length, tall, wide, overflow};
})
"""

#: The footer of every sheet: the document's title (Chromium fills in ``title``, ``pageNumber``
#: and ``totalPages`` as text); nothing else of the document and no address or date.
FOOTER = ('<div style="box-sizing:border-box;width:100%;padding:0 {left}mm 0 {right}mm;font-size:8px;'
          'color:#607d8b;display:flex;justify-content:space-between;font-family:{fonts}">'
          '<span class="title" style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis;'
          'max-width:80%"></span><span><span class="pageNumber"></span> / <span class="totalPages"></span>'
          '</span></div>')
_FOOTER_FONTS = ("'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',"
                 "'WenQuanYi Micro Hei',Arial,sans-serif")


class PdfError(RuntimeError):
    """The PDF could not be printed; the message says why, in one line."""


def find_chromium() -> str | None:
    """The Chromium executable to print with, or None.

    ``$ECOLIB_CHROMIUM`` if set (a path, or a name on the ``PATH``), else the first of
    :data:`CHROMIUM_NAMES` found on the ``PATH``.

    Returns
    -------
    str or None
        The executable's full path; None when there is none.

    Examples
    --------
    >>> found = find_chromium()
    >>> found is None or Path(found).is_absolute()
    True
    """
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    for name in ([named] if named else CHROMIUM_NAMES):
        found = shutil.which(name)
        if found:
            return str(Path(found).absolute())
    return None


def require_chromium() -> str:
    """The Chromium executable (:func:`find_chromium`), or :class:`PdfError` saying what to install.

    Returns
    -------
    str
        The executable's full path.

    Raises
    ------
    PdfError
        No Chromium: one line naming the package to install (or, with ``$ECOLIB_CHROMIUM`` set
        to something that is not an executable, that variable).

    Examples
    --------
    >>> import os
    >>> saved = os.environ.get("ECOLIB_CHROMIUM")
    >>> os.environ["ECOLIB_CHROMIUM"] = "no-such-browser"
    >>> try:
    ...     require_chromium()
    ... except PdfError as err:
    ...     print(err)
    ECOLIB_CHROMIUM is set to 'no-such-browser', which is not an executable: ...
    >>> if saved is None:
    ...     del os.environ["ECOLIB_CHROMIUM"]
    ... else:
    ...     os.environ["ECOLIB_CHROMIUM"] = saved
    """
    found = find_chromium()
    if found:
        return found
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    if named:
        raise PdfError(f"{CHROMIUM_ENV} is set to {named!r}, which is not an executable: "
                       "point it at a Chromium or Chrome executable, or unset it")
    raise PdfError(INSTALL_HINT)


def html_to_pdf(document: str, target: str | Path, *, timeout: float = TIMEOUT) -> dict:
    """Print an HTML document to an A4 PDF with headless Chromium (see the module's text).

    Parameters
    ----------
    document : str
        A complete HTML document that needs nothing outside itself (the month as one file:
        :func:`ecolib.report.single_file_html`).
    target : str or Path
        The PDF to write (replaced if it exists; written only when the printing succeeded).
    timeout : float
        Seconds the whole printing may take.

    Returns
    -------
    dict
        ``figures`` (plotly figures in the document), ``drawn`` (of those, drawn before
        printing: all of them), ``tall`` (figures scaled down to fit a sheet), ``wide``
        (tables scaled down to fit their column), ``overflow`` (tables, figures and images
        that still end right of the column, as ``tag#id``; ``page`` if the page is wider than
        the sheet: none is expected), ``bytes`` (size of the PDF), ``seconds``.

    Raises
    ------
    PdfError
        No Chromium (:func:`require_chromium`), Chromium failing or taking longer than
        ``timeout``, or a figure not drawn.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "hello.pdf"
    ...     if find_chromium():                  # without Chromium there is nothing to print with
    ...         info = html_to_pdf("<!DOCTYPE html><html><body><h1>Hello</h1></body></html>", target)
    ...         assert target.read_bytes().startswith(b"%PDF-") and info["figures"] == 0
    """
    started = time.perf_counter()
    chromium = require_chromium()
    target = Path(target)
    marker = "</head>"
    at = document.find(marker)
    style = f'<style type="text/css">{PRINT_CSS % {"figure": FIGURE_PX}}</style>'
    document = document[:at] + style + document[at:] if at >= 0 else style + document
    with tempfile.TemporaryDirectory(prefix="ecolib-pdf-") as work:
        page = Path(work) / "month.html"
        page.write_text(document, encoding="utf-8")
        with _Chromium(chromium, Path(work) / "profile", timeout=timeout) as browser:
            info, data = browser.print(page, limit=max(1.0, timeout / 2))
    if info["drawn"] < info["figures"]:
        raise PdfError(f"{info['figures'] - info['drawn']} of {info['figures']} figures were not drawn "
                       f"in {timeout / 2:.0f} s; nothing was printed")
    data = searchable_text(data)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return {**{k: info[k] for k in ("figures", "drawn", "tall", "wide", "overflow")}, "bytes": len(data),
            "seconds": time.perf_counter() - started}


def month_pdf(folder: str | Path, target: str | Path, *, park: str, timeout: float = TIMEOUT) -> dict:
    """Print a rendered month folder to one PDF: the brief, then each analysis page.

    Parameters
    ----------
    folder : str or Path
        ``<out>/<report id>/<lang>/<month>/`` as the runner writes it.
    target : str or Path
        The PDF to write.
    park : str
        The park's name as the brief shows it (the Chinese name in a Chinese report).
    timeout : float
        Seconds the printing may take.

    Returns
    -------
    dict
        As :func:`html_to_pdf`.

    Examples
    --------
    >>> month_pdf("no-such-folder", "month.pdf", park="Demo")   # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    FileNotFoundError: ...
    """
    from ecolib.report import single_file_html

    return html_to_pdf(single_file_html(Path(folder), park=park), target, timeout=timeout)


# ---- Chromium over a pipe ---------------------------------------------------------------------

def _high_fd(fd: int) -> int:
    """``fd`` moved to 5 or above (the child's 3 and 4 must be set by dup2, which clears
    close-on-exec only when the numbers differ)."""
    import fcntl

    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)
    os.close(fd)
    return high


class _Chromium:
    """A headless Chromium of its own (own profile, own process group), spoken to over
    ``--remote-debugging-pipe``: commands go to its fd 3, answers and events come from its
    fd 4, one JSON message each, ended by a NUL byte."""

    def __init__(self, executable: str, profile: Path, *, timeout: float) -> None:
        self.executable, self.profile, self.timeout = executable, profile, timeout
        self.deadline = time.monotonic() + timeout
        self.pid: int | None = None
        self._buffer = b""
        self._next = 0
        self._events: list[dict] = []

    def __enter__(self) -> "_Chromium":
        self.profile.mkdir(parents=True, exist_ok=True)
        args = [self.executable, "--headless", "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
                "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-breakpad", "--disable-crash-reporter",
                "--disable-features=Translate,MediaRouter,OptimizationHints", "--disable-quic",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--mute-audio", "--hide-scrollbars",
                "about:blank"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")       # Chromium refuses to start its sandbox as root
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()
        to_child, self._write, self._read, from_child = map(_high_fd, (to_child, self._write, self._read, from_child))
        self._log = self.profile.parent / "chromium.log"
        log = os.open(self._log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            self.pid = os.posix_spawn(self.executable, args, os.environ, setsid=True, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, log, 1), (os.POSIX_SPAWN_DUP2, log, 2),
                (os.POSIX_SPAWN_DUP2, to_child, 3), (os.POSIX_SPAWN_DUP2, from_child, 4)])
        except OSError as err:
            for fd in (self._write, self._read):
                os.close(fd)
            raise PdfError(f"cannot start {self.executable}: {err.strerror or err}") from None
        finally:
            for fd in (to_child, from_child, log):
                os.close(fd)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None:
                with contextlib.suppress(PdfError, OSError):
                    self._send("Browser.close")
                    self._wait_exit(5.0)
        finally:
            if self.pid is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.pid, signal.SIGKILL)     # its process group: the browser and its helpers
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self.pid, 0)
                self.pid = None
            for fd in (self._write, self._read):
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _wait_exit(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = None
                return
            time.sleep(0.05)

    def _failure(self, what: str) -> PdfError:
        try:
            lines = [s for s in self._log.read_text(encoding="utf-8", errors="replace").splitlines()
                     if s.strip() and "[" in s and ("ERROR" in s or "FATAL" in s)]
        except OSError:
            lines = []
        last = f" (Chromium said: {' '.join(lines[-1].split())[:300]})" if lines else ""
        return PdfError(f"{what}{last}")

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            try:
                written = os.write(self._write, data)
            except BrokenPipeError:
                raise self._failure("Chromium stopped before printing") from None
            data = data[written:]
        return self._next

    def _message(self) -> dict:
        while b"\0" not in self._buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise PdfError(f"Chromium took longer than the {self.timeout:.0f} s allowed to print the PDF")
            ready, _, _ = select.select([self._read], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    raise self._failure("Chromium stopped before printing")
                self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        wanted = self._send(method, params, session)
        while True:
            message = self._message()
            if message.get("id") == wanted:
                if "error" in message:
                    raise PdfError(f"Chromium could not do {method}: {message['error'].get('message', message['error'])}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def wait_for(self, method: str, session: str) -> dict:
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == method and event.get("sessionId") == session:
                    return self._events.pop(i)
            message = self._message()
            if "method" in message:
                self._events.append(message)

    def print(self, page: Path, *, limit: float) -> tuple[dict, bytes]:
        """Open ``page`` (a file), prepare it (:data:`PREPARE_JS`) and print it."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=s)
        self.call("Emulation.setDeviceMetricsOverride", {"width": COLUMN_PX, "height": SHEET_PX,
                                                         "deviceScaleFactor": 1, "mobile": False}, s)
        self.call("Emulation.setEmulatedMedia", {"media": "print"}, s)
        navigated = self.call("Page.navigate", {"url": page.as_uri()}, s)
        if navigated.get("errorText"):
            raise PdfError(f"Chromium could not open the document: {navigated['errorText']}")
        self.wait_for("Page.loadEventFired", s)
        done = self.call("Runtime.evaluate", {"expression": f"{PREPARE_JS}({int(limit * 1000)}, {FIGURE_PX}, {SHEET_PX})",
                                              "awaitPromise": True, "returnByValue": True}, s)
        if "exceptionDetails" in done:
            raise PdfError(f"the document could not be prepared for printing: "
                           f"{done['exceptionDetails'].get('text', '')}")
        info = done["result"]["value"]
        footer = FOOTER.format(left=MARGIN_MM["left"], right=MARGIN_MM["right"], fonts=html.escape(_FOOTER_FONTS))
        printed = self.call("Page.printToPDF", {
            "paperWidth": PAGE_MM[0] / _MM_PER_INCH, "paperHeight": PAGE_MM[1] / _MM_PER_INCH,
            **{f"margin{side.title()}": mm / _MM_PER_INCH for side, mm in MARGIN_MM.items()},
            "printBackground": True, "displayHeaderFooter": True, "headerTemplate": "<span></span>",
            "footerTemplate": footer, "preferCSSPageSize": False, "scale": 1,
            "generateTaggedPDF": True, "generateDocumentOutline": True, "transferMode": "ReturnAsStream"}, s)
        chunks = []
        while True:
            read = self.call("IO.read", {"handle": printed["stream"], "size": 1 << 20}, s)
            chunks.append(base64.b64decode(read["data"]) if read.get("base64Encoded") else read["data"].encode("latin-1"))
            if read.get("eof"):
                break
        self.call("IO.close", {"handle": printed["stream"]}, s)
        return info, b"".join(chunks)


# ---- text that can be searched and copied -------------------------------------------------------

#: The CJK Radicals Supplement characters and the unified ideograph each looks like, as
#: ``radical:ideograph`` in hex (Unicode's EquivalentUnifiedIdeograph.txt, U+2E81..U+2EF3); the
#: Kangxi radicals (U+2F00..U+2FD5) map by NFKC.
_RADICAL_SUPPLEMENT = (
    "2E81:5382 2E82:4E5B 2E83:4E5A 2E84:4E59 2E85:4EBB 2E86:5182 2E87:20628 2E88:5200 2E89:5202 "
    "2E8A:535C 2E8B:353E 2E8C:5C0F 2E8D:5C0F 2E8E:5140 2E8F:5C23 2E90:5C22 2E91:21BC2 2E92:5DF3 "
    "2E93:5E7A 2E94:5F51 2E95:5F50 2E96:5FC4 2E97:5FC3 2E98:624C 2E99:6535 2E9B:65E1 2E9C:65E5 "
    "2E9D:6708 2E9E:6B7A 2E9F:6BCD 2EA0:6C11 2EA1:6C35 2EA2:6C3A 2EA3:706C 2EA4:722B 2EA5:722B "
    "2EA6:4E2C 2EA7:725B 2EA8:72AD 2EA9:738B 2EAA:24D14 2EAB:76EE 2EAC:793A 2EAD:793B 2EAE:25AD7 "
    "2EAF:7CF9 2EB0:7E9F 2EB1:7F53 2EB2:7F52 2EB3:34C1 2EB4:5197 2EB5:2626B 2EB6:7F8A 2EB7:2634C "
    "2EB8:2634B 2EB9:8002 2EBA:8080 2EBB:807F 2EBC:8089 2EBD:26951 2EBE:8279 2EBF:8279 2EC0:8279 "
    "2EC1:864E 2EC2:8864 2EC3:8980 2EC4:897F 2EC5:89C1 2EC6:89D2 2EC7:278B2 2EC8:8BA0 2EC9:8D1D "
    "2ECA:27FB7 2ECB:8F66 2ECC:8FB6 2ECD:8FB6 2ECE:8FB6 2ECF:9091 2ED0:9485 2ED1:9577 2ED2:9578 "
    "2ED3:957F 2ED4:95E8 2ED5:28E0F 2ED6:961D 2ED7:96E8 2ED8:9752 2ED9:97E6 2EDA:9875 2EDB:98CE "
    "2EDC:98DE 2EDD:98DF 2EDE:2967F 2EDF:98E0 2EE0:9963 2EE1:29810 2EE2:9A6C 2EE3:9AA8 2EE4:9B3C "
    "2EE5:9C7C 2EE6:9E1F 2EE7:5364 2EE8:9EA6 2EE9:9EC4 2EEA:9EFE 2EEB:6589 2EEC:9F50 2EED:6B6F "
    "2EEE:9F7F 2EEF:7ADC 2EF0:9F99 2EF1:9F9C 2EF2:4E80 2EF3:9F9F"
)
_RADICALS = {int(a, 16): chr(int(b, 16)) for a, b in (p.split(":") for p in _RADICAL_SUPPLEMENT.split())}
_RADICALS.update({c: unicodedata.normalize("NFKC", chr(c)) for c in range(0x2F00, 0x2FD6)})


def _ideograph(text: str) -> str:
    """``text`` with every CJK radical character replaced by the ideograph it looks like."""
    return "".join(_RADICALS.get(ord(ch), ch) for ch in text)


def searchable_text(pdf: bytes) -> bytes:
    r"""The PDF with its fonts' text maps (``/ToUnicode``) naming ideographs, not radicals.

    A CJK font such as Noto Sans CJK draws 月 and the Kangxi radical ⽉ with one glyph, and
    Chromium's PDF writer maps that glyph back to the radical: the page shows 月, but a reader
    searching for 月度 finds nothing and copied text holds ⽉. Every text map whose targets
    hold a radical is written again with the ideograph (:data:`_RADICALS`), as an incremental
    update appended to the file (nothing before it changes). A PDF laid out otherwise than
    Chromium writes it (an xref stream, a map it cannot read) is returned unchanged.

    Parameters
    ----------
    pdf : bytes
        A PDF as Chromium prints it.

    Returns
    -------
    bytes
        The same PDF, with an update that replaces its radical-bearing text maps, if any.

    Examples
    --------
    >>> import zlib
    >>> cmap = b"1 beginbfchar\n<B7> <2F49>\nendbfchar\n"
    >>> stream = zlib.compress(cmap)
    >>> body = (b"%PDF-1.4\n1 0 obj\n<< /Type /Font /ToUnicode 2 0 R >>\nendobj\n2 0 obj\n"
    ...         b"<< /Filter /FlateDecode /Length " + str(len(stream)).encode() + b" >>\nstream\n"
    ...         + stream + b"\nendstream\nendobj\n")
    >>> xref = len(body)
    >>> pdf = body + (f"xref\n0 3\n0000000000 65535 f \n{9:010d} 00000 n \n{body.index(b'2 0 obj'):010d} 00000 n \n"
    ...               f"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").encode()
    >>> fixed = searchable_text(pdf)
    >>> update = re.search(rb"stream\n(.*?)\nendstream", fixed[len(pdf):], re.S)[1]
    >>> fixed.startswith(pdf), zlib.decompress(update)       # the page's 月 is 月 again
    (True, b'1 beginbfchar\n<B7> <6708>\nendbfchar\n')
    >>> searchable_text(fixed) == fixed                  # nothing left to fix
    True
    """
    end = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf[-1024:])
    if not end:
        return pdf
    start = int(end[1])
    table = re.match(rb"xref\s+((?:\d+\s+\d+\s+(?:\d{10} \d{5} [nf]\s*)+)+)trailer\s*<<(.*?)>>\s*startxref",
                     pdf[start:], re.S)
    if not table:
        return pdf                                   # an xref stream: not what Chromium writes
    offsets: dict[int, int] = {}
    for first, entries in re.findall(rb"(\d+)\s+\d+\s+((?:\d{10} \d{5} [nf]\s*)+)", table[1]):
        for i, (offset, kind) in enumerate(re.findall(rb"(\d{10}) \d{5} ([nf])", entries)):
            if kind == b"n":
                offsets[int(first) + i] = int(offset)
    trailer = table[2]
    size, root = re.search(rb"/Size\s+(\d+)", trailer), re.search(rb"/Root\s+\d+\s+\d+\s+R", trailer)
    if not size or not root:
        return pdf
    updated: dict[int, bytes] = {}
    for number in sorted({int(n) for n in re.findall(rb"/ToUnicode\s+(\d+)\s+0\s+R", pdf)}):
        if number not in offsets:
            continue
        head = re.compile(rb"%d\s+0\s+obj\s*<<(.*?)>>\s*stream\r?\n" % number, re.S).match(pdf, offsets[number])
        length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", head[1]) if head else None
        if not length:
            continue
        raw = pdf[head.end():head.end() + int(length[1])]
        try:
            text = (zlib.decompress(raw) if b"/FlateDecode" in head[1] else raw).decode("latin-1")
        except zlib.error:
            continue
        fixed = _fix_cmap(text)
        if fixed != text:
            data = zlib.compress(fixed.encode("latin-1"))
            updated[number] = (b"%d 0 obj\n<< /Filter /FlateDecode /Length %d >>\nstream\n" % (number, len(data))
                               + data + b"\nendstream\nendobj\n")
    if not updated:
        return pdf
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    where = {}
    for number, obj in updated.items():
        where[number] = len(out)
        out += obj
    xref = len(out)
    out += b"xref\n" + b"".join(b"%d 1\n%010d 00000 n \n" % (n, where[n]) for n in sorted(where))
    info = re.search(rb"/Info\s+\d+\s+\d+\s+R", trailer)
    ids = re.search(rb"/ID\s*\[[^\]]*\]", trailer)
    out += (b"trailer\n<< /Size " + size[1] + b" " + root[0] + (b" " + info[0] if info else b"")
            + (b" " + ids[0] if ids else b"") + b" /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (start, xref))
    return bytes(out)


_HEX = re.compile(r"<([0-9A-Fa-f]*)>")


def _utf16(hexcode: str) -> str:
    return bytes.fromhex(hexcode).decode("utf-16-be", errors="surrogatepass")


def _fix_cmap(cmap: str) -> str:
    """A ``/ToUnicode`` CMap with radicals as ideographs: every mapping of a range that holds
    one is written out as single mappings (``bfchar``), the rest is kept as it is."""
    blocks = list(re.finditer(r"(\d+)\s+begin(bfchar|bfrange)\s(.*?)end\2", cmap, re.S))
    if not blocks or not any(0x2E80 <= ord(ch) <= 0x2FDF for b in blocks for h in _HEX.findall(b[3])
                             if len(h) % 4 == 0 for ch in _utf16(h)):
        return cmap
    mappings: list[tuple[str, str]] = []           # (source code in hex, target text)
    for block in blocks:
        if block[2] == "bfchar":
            pairs = _HEX.findall(block[3])
            mappings += [(pairs[i], _utf16(pairs[i + 1])) for i in range(0, len(pairs) - 1, 2)]
            continue
        for line in re.finditer(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block[3]):
            lo, hi, target = int(line[1], 16), int(line[2], 16), line[3]
            width = len(line[1])
            if target.startswith("["):
                texts = [_utf16(h) for h in _HEX.findall(target)]
            else:
                first = _utf16(target[1:-1])
                texts = [first[:-1] + chr(ord(first[-1]) + i) for i in range(hi - lo + 1)]
            mappings += [(f"{lo + i:0{width}X}", text) for i, text in enumerate(texts[:hi - lo + 1])]
    lines = []
    for i in range(0, len(mappings), 100):         # at most 100 mappings a block
        chunk = mappings[i:i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code}> <{_ideograph(text).encode('utf-16-be', errors='surrogatepass').hex().upper()}>"
                  for code, text in chunk]
        lines.append("endbfchar")
    return cmap[:blocks[0].start()] + "\n".join(lines) + cmap[blocks[-1].end():]
