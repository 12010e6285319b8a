"""The rendered page in a real headless Chromium: drawn, no console errors, no injection.

The test copies the page into a temporary folder with two small scripts added: one at
the top of <head> that records errors (uncaught exceptions, failed loads, console.error
and console.warn), one before </body> that waits for the network, hovers the node with
the hostile label so vis-network shows its tooltip, and writes what it saw as JSON into
the DOM. Chromium runs it from file:// with virtual time and no name resolution (so
nothing can come from the network) and prints the DOM with --dump-dom.
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
from pathlib import Path

import pytest
from rdflib import RDFS, Graph, Literal

from graph.namespaces import KG, OA
from graph.render import render_graph

CHROMIUM_TIMEOUT = 90  # seconds of wall time for one page; it takes about one

HOSTILE_EN = 'xAI <img src=x onerror="window.pwned=1">'
HOSTILE_DE = "xAI <script>window.pwned=1</script>"
HOSTILE_QUOTE = "</script><script>window.pwned=1</script>"
HOSTILE_TITLE = 'Musk <img src=x onerror="window.pwned=1"> <script>window.pwned=1</script>'

GRAPH = """
@prefix mg: <https://w3id.org/muskgraph/ontology#> .
@prefix kg: <https://w3id.org/muskgraph/id/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

mg:Company rdfs:subClassOf mg:Organization .
mg:LaunchServices rdfs:subClassOf mg:BusinessLine .
mg:AIModels rdfs:subClassOf mg:BusinessLine .
kg:elon-musk a mg:Person ; rdfs:label "Elon Musk"@de , "Elon Musk"@en ;
    mg:controls kg:spacex , kg:xai .
kg:spacex a mg:Company ; rdfs:label "SpaceX"@de , "SpaceX"@en .
kg:xai a mg:Company .
kg:launch a mg:LaunchServices ; rdfs:label "Launch services"@en ;
    mg:operatedBy kg:spacex ; mg:feeds kg:grok .
kg:grok a mg:AIModels ; rdfs:label "Grok"@en ; mg:operatedBy kg:xai .
kg:claim a mg:Claim ; rdf:subject kg:grok ; rdf:predicate mg:operatedBy ; rdf:object kg:xai ;
    mg:status mg:ReportedByArticle ; prov:wasDerivedFrom kg:article ; mg:evidence kg:quote .
kg:quote a oa:SpecificResource ; oa:hasSource kg:article ; oa:hasSelector kg:quote-text .
"""
EXPECTED_NODES = 5  # elon-musk, spacex, xai, launch, grok
EXPECTED_EDGES = 5

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

PROBE = """<script>
(function () {
  var report = {steps: []};
  var started = Date.now();
  function finish() {
    report.pwned = typeof window.pwned === "undefined" ? null : String(window.pwned);
    report.problems = window.__problems;
    report.heading = document.querySelector("h1").textContent;
    report.pageElements = document.querySelectorAll("body img, body a, h1 *").length;
    var out = document.createElement("pre");
    out.id = "probe-result";
    out.textContent = JSON.stringify(report);
    document.body.appendChild(out);
  }
  function canvas() { return document.querySelector("#mynetwork canvas"); }
  function painted() {  // read a copy, so that repeated reads draw no performance warning
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
  // Wait (in virtual time) until the network is drawn and no node moves any more.
  var last = null;
  function settle() {
    var now = JSON.stringify(network.getPositions());
    if (painted() > 0 && now === last) { measure(); return; }
    last = now;
    if (Date.now() - started > 12000) { report.error = "never settled"; finish(); return; }
    setTimeout(settle, 250);
  }
  function measure() {
    var c = canvas();
    report.canvas = c.width > 0 && c.height > 0;
    report.nodes = network.body.data.nodes.length;
    report.edges = network.body.data.edges.length;
    report.drawnNodes = network.body.nodeIndices.length;
    report.paintedPixels = painted();
    report.steps.push("drawn");
    hover(0);
  }
  // Move the mouse onto the hostile node until vis-network shows its tooltip.
  function hover(attempt) {
    var tip = document.querySelector(".vis-tooltip");
    if (tip && tip.style.visibility === "visible") {
      report.steps.push("tooltip after " + attempt + " hover(s)");
      report.tooltipShown = true;
      report.tooltipText = tip.textContent;
      report.tooltipElements = tip.querySelectorAll("*").length - tip.children.length;
      report.tooltipChildren = Array.prototype.map.call(tip.children, function (e) {
        return e.tagName + "." + e.className; });
      finish();
      return;
    }
    if (attempt === 8) { report.error = "no tooltip"; finish(); return; }
    var id = HOSTILE_ID;
    var at = network.canvasToDOM(network.getPositions([id])[id]);
    var box = canvas().getBoundingClientRect();
    canvas().dispatchEvent(new MouseEvent("mousemove", {
      bubbles: true, clientX: box.left + at.x, clientY: box.top + at.y}));
    setTimeout(function () { hover(attempt + 1); }, 500);
  }
  window.addEventListener("load", function () {
    try { settle(); } catch (e) { report.error = String(e); finish(); }
  });
})();
</script>"""


def hostile_graph() -> Graph:
    graph = Graph().parse(data=GRAPH, format="turtle")
    graph.add((KG.xai, RDFS.label, Literal(HOSTILE_EN, lang="en")))
    graph.add((KG.xai, RDFS.label, Literal(HOSTILE_DE, lang="de")))
    graph.add((KG["quote-text"], OA.exact, Literal(HOSTILE_QUOTE)))
    return graph


def instrument(page: str, hostile_id: str) -> str:
    assert page.count("<head>") == 1 and page.count("</body>") == 1
    probe = PROBE.replace("HOSTILE_ID", json.dumps(hostile_id))
    return page.replace("<head>", "<head>\n" + RECORDER, 1).replace("</body>", probe + "</body>", 1)


def run_chromium(chromium: str, url: str, profile: Path) -> tuple[str, str]:
    """Chromium's --dump-dom of url, and its log; its whole process group ends with it."""
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
        "--virtual-time-budget=20000",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        url,
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=CHROMIUM_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"chromium did not finish in {CHROMIUM_TIMEOUT} s\n{stderr[-3000:]}")
    finally:
        with contextlib.suppress(ProcessLookupError):  # helpers that outlive the browser
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, stderr[-3000:]
    return stdout, stderr


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("chromium not installed")
    return path


@pytest.fixture(scope="module")
def report(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("browser")
    page = folder / "page.html"
    page.write_text(
        instrument(render_graph(hostile_graph(), HOSTILE_TITLE), str(KG.xai)), encoding="utf-8"
    )
    dom, log = run_chromium(chromium, page.as_uri(), folder / "profile")
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    assert found, f"the probe wrote no result\n{dom[-2000:]}\n{log[-3000:]}"
    result = json.loads(html.unescape(found.group(1)))
    result["console"] = [line for line in log.splitlines() if ":CONSOLE" in line]
    return result


def test_probe_ran_every_step(report):
    assert report.get("error") is None
    assert report["steps"][0] == "drawn"
    assert report["steps"][1].startswith("tooltip after")


def test_network_is_drawn(report):
    assert report["canvas"] is True
    assert report["nodes"] == report["drawnNodes"] == EXPECTED_NODES
    assert report["edges"] == EXPECTED_EDGES
    assert report["paintedPixels"] > 1000


def test_no_console_errors(report):
    assert report["problems"] == []
    assert report["console"] == []


def test_hostile_label_shows_as_text_and_does_not_run(report):
    assert report["pwned"] is None
    assert report["tooltipShown"] is True
    assert HOSTILE_EN in report["tooltipText"]
    assert HOSTILE_DE in report["tooltipText"]
    assert HOSTILE_QUOTE in report["tooltipText"]
    assert report["tooltipChildren"] == ["DIV.mg-tooltip"]
    assert report["tooltipElements"] == 0  # nothing below the one text box
    assert report["heading"] == HOSTILE_TITLE
    assert report["pageElements"] == 0
