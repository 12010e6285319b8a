"""The rendered page in a real headless Chromium: drawn, no console errors, no injection.

tests/chromium.py drives the browser. The small page's probe waits until the network is
drawn and no node moves any more, hovers the node with the hostile label so vis-network
shows its tooltip, and reports what it saw. The large page (more nodes than
LAYOUT_THRESHOLD, so laid out here, without physics) must be drawn without errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import chromium
import pytest
from rdflib import RDFS, Graph, Literal
from test_render import corporate_graph

from graph.namespaces import KG, OA
from graph.render import LAYOUT_THRESHOLD, render_graph

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
LARGE_NODES = 2000  # 400 people, 1,600 companies
LARGE_EDGES = 4000

HOVER_PROBE = (
    """<script>
(function () {"""
    + chromium.PROBE_LIBRARY
    + """
  var report = {steps: []};
  var started = Date.now();
  function done() {
    report.pwned = typeof window.pwned === "undefined" ? null : String(window.pwned);
    report.heading = document.querySelector("h1").textContent;
    report.pageElements = document.querySelectorAll("body img, body a, h1 *").length;
    finish(report);
  }
  // Wait (in virtual time) until the network is drawn and no node moves any more.
  var last = null;
  function settle() {
    var now = JSON.stringify(network.getPositions());
    if (painted() > 0 && now === last) { measure(); return; }
    last = now;
    if (Date.now() - started > 12000) { report.error = "never settled"; done(); return; }
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
      done();
      return;
    }
    if (attempt === 8) { report.error = "no tooltip"; done(); return; }
    var id = HOSTILE_ID;
    var at = network.canvasToDOM(network.getPositions([id])[id]);
    var box = canvas().getBoundingClientRect();
    canvas().dispatchEvent(new MouseEvent("mousemove", {
      bubbles: true, clientX: box.left + at.x, clientY: box.top + at.y}));
    setTimeout(function () { hover(attempt + 1); }, 500);
  }
  window.addEventListener("load", function () {
    try { settle(); } catch (e) { report.error = String(e); done(); }
  });
})();
</script>"""
)


def hostile_graph() -> Graph:
    graph = Graph().parse(data=GRAPH, format="turtle")
    graph.add((KG.xai, RDFS.label, Literal(HOSTILE_EN, lang="en")))
    graph.add((KG.xai, RDFS.label, Literal(HOSTILE_DE, lang="de")))
    graph.add((KG["quote-text"], OA.exact, Literal(HOSTILE_QUOTE)))
    return graph


@pytest.fixture(scope="module")
def chromium_path() -> str:
    path = chromium.find()
    if path is None:
        pytest.skip("chromium not installed")
    return path


@pytest.fixture(scope="module")
def report(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    page = render_graph(hostile_graph(), HOSTILE_TITLE)
    probe = HOVER_PROBE.replace("HOSTILE_ID", json.dumps(str(KG.xai)))
    return open_page(chromium_path, page, probe, tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def large_report(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    page = render_graph(corporate_graph(400, 1600, LARGE_EDGES), "Large")
    return open_page(chromium_path, page, chromium.DRAWN_PROBE, tmp_path_factory.mktemp("large"))


def open_page(chromium_path: str, page: str, probe: str, folder: Path) -> dict:
    try:
        return chromium.open_page(chromium_path, page, probe, folder)
    except chromium.ChromiumError as error:
        pytest.fail(str(error))


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


def test_large_page_is_drawn_from_fixed_positions_without_errors(large_report):
    assert large_report.get("error") is None
    assert LARGE_NODES > LAYOUT_THRESHOLD
    assert large_report["canvas"] is True
    assert large_report["nodes"] == large_report["drawnNodes"] == LARGE_NODES
    assert large_report["edges"] == LARGE_EDGES
    assert large_report["physics"] is False
    assert large_report["paintedPixels"] > 1000
    assert large_report["problems"] == []
    assert large_report["console"] == []
