"""Headless Chromium for the browser tests and benchmarks/render_bench.py.

A page is copied into a folder with two scripts added: RECORDER, at the top of <head>,
records errors (uncaught exceptions, failed loads, console.error and console.warn); a
probe, before </body>, waits for the network and writes what it saw as JSON into a
<pre id="probe-result">. Chromium opens the copy from file:// with virtual time and no
name resolution (so nothing can come from the network) and prints the DOM with
--dump-dom; probe_result reads the JSON back.

Virtual time skips the waits between tasks (timers, frames), not the work in them, so
performance.now() in a probe counts the time Chromium spends on the page.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

TIMEOUT = 90  # seconds of wall time for one page; a small one takes about one

RECORDER = """<script>
window.__problems = [];
window.addEventListener("error", function (event) {
  var target = event.target && event.target !== window ? event.target.outerHTML : "";
  window.__problems.push("error: " + (event.message || target));
}, true);
window.addEventListener("unhandledrejection", function (event) {
  window.__problems.push("unhandled rejection: " + event.reason);
});
["error", "warn"].forEach(function (level) {
  var original = console[level];
  console[level] = function () {
    window.__problems.push(level + ": " + Array.prototype.join.call(arguments, " "));
    return original.apply(console, arguments);
  };
});
</script>"""

# Shared by the probes: painted() counts the canvas's non-transparent pixels, reading a
# copy so that repeated reads draw no performance warning; finish() writes the report.
PROBE_LIBRARY = """
  function canvas() { return document.querySelector("#mynetwork canvas"); }
  function painted() {
    var c = canvas();
    var copy = document.createElement("canvas");
    copy.width = c.width;
    copy.height = c.height;
    var context = copy.getContext("2d", {willReadFrequently: true});
    context.drawImage(c, 0, 0);
    var pixels = context.getImageData(0, 0, c.width, c.height).data;
    var count = 0;
    for (var i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { count += 1; } }
    return count;
  }
  function finish(report) {
    report.problems = window.__problems;
    var out = document.createElement("pre");
    out.id = "probe-result";
    out.textContent = JSON.stringify(report);
    document.body.appendChild(out);
  }
"""

# Waits for the page's own signal that the network is on the canvas (view.html's
# "networkdrawn" event), then reports when that was and what was drawn.
DRAWN_PROBE = (
    """<script>
(function () {"""
    + PROBE_LIBRARY
    + """
  var report = {};
  function drawn() {
    report.drawnAt = performance.now();  // ms since navigation started
    try {
      var c = canvas();
      report.canvas = c.width > 0 && c.height > 0;
      report.nodes = network.body.data.nodes.length;
      report.edges = network.body.data.edges.length;
      report.drawnNodes = network.body.nodeIndices.length;
      report.physics = network.physics.physicsEnabled;
      report.paintedPixels = painted();
      report.notice = (document.getElementById("notice") || {}).textContent || null;
    } catch (e) { report.error = String(e); }
    finish(report);
  }
  if (document.body.hasAttribute("data-drawn")) { drawn(); }
  else { document.addEventListener("networkdrawn", drawn); }
})();
</script>"""
)


def click_probe(select: str) -> str:
    """A probe that waits for the network, runs select (JavaScript statements that
    select nodes or edges of `network` through vis-network's API), clicks the selection
    as a reader does and reports what was drawn and what the evidence panel then shows."""
    return (
        """<script>
(function () {"""
        + PROBE_LIBRARY
        + """
  var report = {};
  function run() {
    try {
      report.drawnNodes = network.body.nodeIndices.length;
      report.paintedPixels = painted();
"""
        + select
        + """
      network.emit("click", {nodes: network.getSelectedNodes(),
                             edges: network.getSelectedEdges()});
      report.panel = document.getElementById("panel").textContent;
      report.pwned = typeof window.pwned === "undefined" ? null : String(window.pwned);
    } catch (e) { report.error = String(e) + " " + e.stack; }
    finish(report);
  }
  if (document.body.hasAttribute("data-drawn")) { run(); }
  else { document.addEventListener("networkdrawn", run); }
})();
</script>"""
    )


class ChromiumError(Exception):
    """Chromium failed, hung, or the probe wrote nothing."""


def find() -> str | None:
    """The Chromium executable, if one is installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def instrument(page: str, probe: str) -> str:
    """The page with RECORDER at the top of <head> and probe just before </body>."""
    if page.count("<head>") != 1 or page.count("</body>") != 1:
        raise ChromiumError("the page needs exactly one <head> and one </body>")
    return page.replace("<head>", "<head>\n" + RECORDER, 1).replace("</body>", probe + "</body>", 1)


def run(
    chromium: str,
    url: str,
    profile: Path,
    *,
    budget_ms: int = 20_000,
    screenshot: Path | None = None,
) -> tuple[str, str, float]:
    """Chromium's --dump-dom of url (or, given screenshot, a PNG of the window written
    there), its log, and the seconds it ran; its whole process group ends with it."""
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
        f"--virtual-time-budget={budget_ms}",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom" if screenshot is None else f"--screenshot={screenshot}",
        url,
    ]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise ChromiumError(f"chromium did not finish in {TIMEOUT} s\n{stderr[-3000:]}") from None
    finally:
        with contextlib.suppress(ProcessLookupError):  # helpers that outlive the browser
            os.killpg(process.pid, signal.SIGKILL)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise ChromiumError(f"chromium exited with {process.returncode}\n{stderr[-3000:]}")
    return stdout, stderr, seconds


def probe_result(dom: str, log: str) -> dict:
    """The probe's report, with the console lines of Chromium's log under "console"."""
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    if not found:
        raise ChromiumError(f"the probe wrote no result\n{dom[-2000:]}\n{log[-3000:]}")
    result = json.loads(html.unescape(found.group(1)))
    result["console"] = [line for line in log.splitlines() if ":CONSOLE" in line]
    return result


def open_page(
    chromium: str, page: str, probe: str, folder: Path, *, budget_ms: int = 20_000
) -> dict:
    """Open page (HTML) with probe in Chromium; the probe's report, plus "seconds" of
    wall time for the whole browser run."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "page.html"
    path.write_text(instrument(page, probe), encoding="utf-8")
    dom, log, seconds = run(chromium, path.as_uri(), folder / "profile", budget_ms=budget_ms)
    result = probe_result(dom, log)
    result["seconds"] = seconds
    return result
