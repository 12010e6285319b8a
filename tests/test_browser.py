"""The rendered page in a real headless Chromium: drawn, no console errors, no injection.

tests/chromium.py drives the browser. The small page's probe waits until the network is
drawn and no node moves any more, hovers the node with the hostile label so vis-network
shows its tooltip, and reports what it saw. The evidence probe uses the page's filters
and its panel as a reader does, and checks what they show against the page's own data.
The large page (more nodes than LAYOUT_THRESHOLD, so laid out here, without physics)
must be drawn without errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import chromium
import pytest
from rdflib import RDFS, Graph, Literal
from test_render import PREFIXES, corporate_graph

from graph.namespaces import KG, MG, OA
from graph.render import LAYOUT_THRESHOLD, render_graph

HOSTILE_EN = 'xAI <img src=x onerror="window.pwned=1">'
HOSTILE_DE = "xAI <script>window.pwned=1</script>"
HOSTILE_QUOTE = "</script><script>window.pwned=1</script>"
HOSTILE_TITLE = 'Musk <img src=x onerror="window.pwned=1"> <script>window.pwned=1</script>'

GRAPH = (
    PREFIXES
    + """
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
    mg:attribution mg:ReportedByArticle ; prov:wasDerivedFrom kg:article ; mg:evidence kg:quote .
kg:quote a oa:SpecificResource ; oa:hasSource kg:article ; oa:hasSelector kg:quote-text .
kg:claim-feeds a mg:Claim ; rdf:subject kg:launch ; rdf:predicate mg:feeds ; rdf:object kg:grok ;
    mg:attribution mg:BackgroundKnowledge ; prov:wasDerivedFrom kg:background ;
    rdfs:comment "Rockets carry the satellites that the models run on." .
kg:article rdfs:label "Der Artikel"@de , "The article"@en .
kg:background rdfs:label "what everyone knows"@en .
mg:operatedBy rdfs:label "operated by"@en , "betrieben von"@de .
mg:ReportedByArticle skos:prefLabel "reported by the article"@en .
mg:BackgroundKnowledge skos:prefLabel "background knowledge"@en .
"""
)
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
    report.labelPixels = network.getScale() * network.body.nodes[HOSTILE_ID].options.font.size;
    // The page's own regions (the whole-graph view's groups), on screen at this zoom.
    report.regions = regions.length;
    report.regionsInView = regions.every(function (region) {
      var corner = network.canvasToDOM({x: region.box[0], y: region.box[1]});
      var opposite = network.canvasToDOM({x: region.box[2], y: region.box[3]});
      return corner.x >= 0 && corner.y >= 0 &&
        opposite.x <= c.clientWidth + 0.5 && opposite.y <= c.clientHeight + 0.5;
    });
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


# Reads the page's own data (not its script's variables), then uses the legend's filters
# and the evidence panel and reports what is visible after each step.
EVIDENCE_PROBE = (
    """<script>
(function () {"""
    + chromium.PROBE_LIBRARY
    + """
  var report = {};
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  function visible(items) {
    return items.get({filter: function (item) { return !item.hidden; }});
  }
  function visibleEdges() { return visible(network.body.data.edges); }
  function visibleNodes() { return visible(network.body.data.nodes); }
  function drawn(items) {  // what vis-network itself will draw
    return Object.keys(items).filter(function (id) { return !items[id].options.hidden; });
  }
  function click(selection) {
    network.emit("click", {nodes: selection.nodes || [], edges: selection.edges || []});
  }
  function run() {
    var styles = read("style-data"), claims = read("claim-data");
    var pageNodes = read("node-data"), pageEdges = read("edge-data");
    function attributions(edge) {
      return (edge.claims || []).map(function (i) { return claims[i].attribution; });
    }
    var background = Object.keys(styles).filter(function (s) {
      return s && !styles[s].quoted; });
    function onlyBackground(edge) {
      var found = attributions(edge);
      return found.length > 0 && found.every(function (s) {
        return background.indexOf(s) >= 0; });
    }
    report.hint = document.getElementById("hint").textContent;
    report.background = background;
    report.pageBackgroundEdges = pageEdges.filter(onlyBackground).length;
    report.edgesBefore = visibleEdges().length;
    var button = document.getElementById("hide-background");
    report.button = button.textContent;
    button.click();
    var after = visibleEdges();
    report.edgesAfterHiding = after.length;
    report.visibleBackgroundEdges = after.filter(onlyBackground).length;
    report.visibleInBackgroundStyle = after.filter(function (e) {
      return background.indexOf(e.attribution) >= 0; }).length;
    report.drawnEdgesAfterHiding = drawn(network.body.edges).length;
    button.click();
    report.edgesAfterShowing = visibleEdges().length;
    var only = document.getElementById("only-quoted");
    report.onlyButton = only.textContent;
    only.click();
    report.onlyButtonPressed = only.textContent;
    report.unquotedAfterOnly = visibleEdges().filter(function (e) {
      return !(e.claims || []).some(function (i) { return styles[claims[i].attribution].quoted; });
    }).length;
    report.edgesAfterOnly = visibleEdges().length;
    only.click();
    report.edgesAfterOnlyAgain = visibleEdges().length;
    var box = document.querySelector('#legend input[data-filter="family"][value="business-line"]');
    box.checked = false;
    box.dispatchEvent(new Event("change"));
    var lines = {};
    pageNodes.forEach(function (n) { if (n.family === "business-line") { lines[n.id] = 1; } });
    report.businessLines = Object.keys(lines).length;
    report.visibleLines = visibleNodes().filter(function (n) { return lines[n.id]; }).length;
    report.edgesOfHiddenLines = visibleEdges().filter(function (e) {
      return lines[e.from] || lines[e.to]; }).length;
    report.drawnNodesWithoutLines = drawn(network.body.nodes).length;
    box.checked = true;
    box.dispatchEvent(new Event("change"));
    var panel = document.getElementById("panel");
    click({nodes: [NODE_ID]});
    report.nodePanel = panel.textContent;
    report.nodePanelLangs = Array.prototype.map.call(
      panel.querySelectorAll("[lang]"), function (e) { return e.lang; });
    report.nodePanelMarkup = panel.querySelectorAll("img, script, a, iframe").length;
    var edge = visibleEdges().filter(function (e) { return onlyBackground(e); })[0];
    click({edges: [edge.id]});
    report.edgePanel = panel.textContent;
    report.pwned = typeof window.pwned === "undefined" ? null : String(window.pwned);
    finish(report);
  }
  function start() {
    try { run(); } catch (e) { report.error = String(e) + " " + e.stack; finish(report); }
  }
  if (document.body.hasAttribute("data-drawn")) { start(); }
  else { document.addEventListener("networkdrawn", start); }
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
def evidence_report(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    page = render_graph(hostile_graph(), HOSTILE_TITLE)
    probe = EVIDENCE_PROBE.replace("NODE_ID", json.dumps(str(KG.xai)))
    return open_page(chromium_path, page, probe, tmp_path_factory.mktemp("evidence"))


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


def test_node_labels_are_at_least_14_pixels_at_the_zoom_the_page_opens_with(report):
    assert report["labelPixels"] >= 14


def test_the_whole_graph_opens_with_each_group_in_view(report):
    assert report["regions"] == 1  # people, companies and business lines: the structure
    assert report["regionsInView"] is True


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


def test_page_says_to_click_and_to_hover(evidence_report):
    assert evidence_report.get("error") is None
    assert evidence_report["hint"] == (
        "Click a node or edge for its evidence; hover for a quick look."
    )


def test_hide_background_knowledge_hides_every_edge_that_rests_only_on_it(evidence_report):
    assert evidence_report["background"] == [str(MG.BackgroundKnowledge)]
    assert evidence_report["button"] == "Hide background knowledge"
    assert evidence_report["pageBackgroundEdges"] == 1  # launch feeds grok
    assert evidence_report["edgesBefore"] == EXPECTED_EDGES
    assert evidence_report["edgesAfterHiding"] == EXPECTED_EDGES - 1
    assert evidence_report["drawnEdgesAfterHiding"] == EXPECTED_EDGES - 1
    assert evidence_report["visibleBackgroundEdges"] == 0
    assert evidence_report["visibleInBackgroundStyle"] == 0
    assert evidence_report["edgesAfterShowing"] == EXPECTED_EDGES  # a second click


def test_show_only_what_the_sources_say_keeps_only_quoted_edges(evidence_report):
    assert evidence_report["onlyButton"] == "Show only what the sources say"
    assert evidence_report["onlyButtonPressed"] == "Show everything"
    assert evidence_report["unquotedAfterOnly"] == 0
    assert 0 < evidence_report["edgesAfterOnly"] < EXPECTED_EDGES
    assert evidence_report["edgesAfterOnlyAgain"] == EXPECTED_EDGES


def test_filter_by_kind_hides_those_nodes_and_their_edges(evidence_report):
    assert evidence_report["businessLines"] == 2  # launch, grok
    assert evidence_report["visibleLines"] == 0
    assert evidence_report["edgesOfHiddenLines"] == 0
    assert evidence_report["drawnNodesWithoutLines"] == EXPECTED_NODES - 2


def test_panel_shows_labels_type_claims_quotes_and_sources_as_text(evidence_report):
    text = evidence_report["nodePanel"]
    for expected in (HOSTILE_EN, HOSTILE_DE, "mg:Company", "reported by the article"):
        assert expected in text
    assert f"\u201e{HOSTILE_QUOTE}\u201c" in text
    assert "Source: The article" in text
    assert {"de", "en"} <= set(evidence_report["nodePanelLangs"])
    assert evidence_report["nodePanelMarkup"] == 0
    assert evidence_report["pwned"] is None


def test_panel_shows_an_edges_background_claim_with_what_it_rests_on(evidence_report):
    text = evidence_report["edgePanel"]
    assert "Launch services \u2014 mg:feeds \u2192 Grok" in text
    assert "background knowledge" in text
    assert "Rockets carry the satellites that the models run on." in text
    assert "Source: what everyone knows" in text


def test_evidence_page_has_no_console_errors(evidence_report):
    assert evidence_report["problems"] == []
    assert evidence_report["console"] == []


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
