"""Rendering: the page's node and edge data, checked by structure, not by snapshot."""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef

from graph.namespaces import KG, MG, OA
from graph.render import (
    FAMILIES,
    LAYOUT_THRESHOLD,
    render_construct,
    render_graph,
    vertical_integration_view,
)
from graph.store.oxigraph_engine import OxigraphEngine

TITLE = "Musk <script>window.pwned=1</script> & Co"
HOSTILE_EN = 'xAI <img src=x onerror="window.pwned=1">'
HOSTILE_DE = "xAI <script>window.pwned=1</script>"
HOSTILE_QUOTE = '</script><script>window.pwned=1</script><a href="javascript:window.pwned=1">x</a>'

# The prefixes of the small graphs in these tests and in test_browser.py.
PREFIXES = """
@prefix mg: <https://w3id.org/muskgraph/ontology#> .
@prefix kg: <https://w3id.org/muskgraph/id/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

# A small graph that follows docs/model.md: an excerpt of the ontology, the facts, and the
# claims (with quotes, or background knowledge) that support them.
SAMPLE = """
@prefix mg: <https://w3id.org/muskgraph/ontology#> .
@prefix kg: <https://w3id.org/muskgraph/id/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix wd: <http://www.wikidata.org/entity/> .

<https://w3id.org/muskgraph/ontology> a owl:Ontology .
mg:Person a owl:Class .
mg:Company a owl:Class ; rdfs:subClassOf mg:Organization .
mg:BusinessLine a owl:Class .
mg:LaunchServices rdfs:subClassOf mg:BusinessLine .
mg:SatelliteInternet rdfs:subClassOf mg:BusinessLine .
mg:AIModels rdfs:subClassOf mg:BusinessLine .
mg:DataCentres rdfs:subClassOf mg:BusinessLine .
mg:OrbitalDataCentres rdfs:subClassOf mg:DataCentres .
mg:Acquisition rdfs:subClassOf mg:CorporateEvent .
mg:StrategicRationale rdfs:subClassOf skos:Concept .
mg:Claim rdfs:subClassOf rdf:Statement .
mg:SourceDocument rdfs:subClassOf mg:Source .
mg:BackgroundKnowledge rdfs:subClassOf mg:Source .
mg:feeds a owl:ObjectProperty ; rdfs:label "feeds"@en , "speist"@de .
mg:StatedByCompany a skos:Concept ; skos:prefLabel "stated by company"@en .
mg:ArticleOpinion a skos:Concept .

kg:elon-musk a mg:Person ; rdfs:label "Elon Musk"@de , "Elon Musk"@en ;
    schema:sameAs wd:Q317521 ; mg:controls kg:spacex , kg:xai ; mg:owns kg:spacex .
kg:spacex a mg:Company ; rdfs:label "SpaceX"@de , "SpaceX (en)"@en ;
    mg:ranking "eines der wertvollsten Privatunternehmen der Welt"@de .
kg:xai a mg:Company .
kg:spacex-acquires-xai a mg:Acquisition ;
    rdfs:label "Übernahme von xAI durch SpaceX"@de , "SpaceX acquires xAI"@en ;
    mg:acquirer kg:spacex ; mg:acquiredOrganization kg:xai ; mg:termsDisclosed false ;
    mg:drivenBy kg:orbital-compute .
kg:orbital-compute a mg:StrategicRationale ; rdfs:label "Rechenzentren im All"@de ;
    mg:concerns kg:xai .
kg:launch a mg:LaunchServices ; rdfs:label "Launch services"@en ;
    mg:operatedBy kg:spacex ; mg:feeds kg:starlink .
kg:starlink a mg:SatelliteInternet ; rdfs:label "Starlink"@en ;
    mg:operatedBy kg:spacex ; mg:feeds kg:orbital-dc .
kg:orbital-dc a mg:OrbitalDataCentres ; rdfs:label "Orbital data centres"@en ;
    mg:operatedBy kg:spacex ; mg:feeds kg:grok .
kg:grok a mg:AIModels ; rdfs:label "Grok"@en ; mg:operatedBy kg:xai .

kg:claim-acquirer a mg:Claim ;
    rdf:subject kg:spacex-acquires-xai ; rdf:predicate mg:acquirer ; rdf:object kg:spacex ;
    mg:attribution mg:StatedByCompany ; prov:wasDerivedFrom kg:article ; mg:evidence kg:quote-memo .
kg:quote-memo a oa:SpecificResource ; oa:hasSource kg:article ;
    oa:hasSelector kg:quote-memo-text , kg:quote-memo-position .
kg:quote-memo-text a oa:TextQuoteSelector ; oa:exact "SpaceX hat xAI erworben" .
kg:quote-memo-position a oa:TextPositionSelector ; oa:start 0 ; oa:end 23 .

kg:claim-launch-feeds-starlink a mg:Claim ;
    rdf:subject kg:launch ; rdf:predicate mg:feeds ; rdf:object kg:starlink ;
    mg:attribution mg:ArticleOpinion ; prov:wasDerivedFrom kg:article ; mg:evidence kg:quote-feeds .
kg:quote-feeds a oa:SpecificResource ; oa:hasSource kg:article ;
    oa:hasSelector kg:quote-feeds-text .
kg:quote-feeds-text a oa:TextQuoteSelector ;
    oa:exact "Raketen bringen Starlink-Satelliten ins All" .

kg:claim-musk-controls-spacex a mg:Claim ;
    rdf:subject kg:elon-musk ; rdf:predicate mg:controls ; rdf:object kg:spacex ;
    mg:attribution mg:BackgroundKnowledge ; prov:wasDerivedFrom kg:background ;
    rdfs:comment "Musk founded SpaceX and runs it as CEO." .

kg:claim-xai-concerned a mg:Claim ;
    rdf:subject kg:orbital-compute ; rdf:predicate mg:concerns ; rdf:object kg:xai ;
    mg:attribution mg:ArticleOpinion ; prov:wasDerivedFrom kg:article ; mg:evidence kg:quote-xai .
kg:quote-xai a oa:SpecificResource ; oa:hasSource kg:article ; oa:hasSelector kg:quote-xai-text .

kg:article a mg:SourceDocument ; mg:localFile "spacex-xai-merger.de.txt" .
kg:background a mg:BackgroundKnowledge .
"""

FACT_NODES = {
    KG["elon-musk"],
    KG.spacex,
    KG.xai,
    KG["spacex-acquires-xai"],
    KG["orbital-compute"],
    KG.launch,
    KG.starlink,
    KG["orbital-dc"],
    KG.grok,
}
FACT_EDGES = {
    (KG["elon-musk"], MG.controls, KG.spacex),
    (KG["elon-musk"], MG.controls, KG.xai),
    (KG["elon-musk"], MG.owns, KG.spacex),
    (KG["spacex-acquires-xai"], MG.acquirer, KG.spacex),
    (KG["spacex-acquires-xai"], MG.acquiredOrganization, KG.xai),
    (KG["spacex-acquires-xai"], MG.drivenBy, KG["orbital-compute"]),
    (KG["orbital-compute"], MG.concerns, KG.xai),
    (KG.launch, MG.operatedBy, KG.spacex),
    (KG.launch, MG.feeds, KG.starlink),
    (KG.starlink, MG.operatedBy, KG.spacex),
    (KG.starlink, MG.feeds, KG["orbital-dc"]),
    (KG["orbital-dc"], MG.operatedBy, KG.spacex),
    (KG["orbital-dc"], MG.feeds, KG.grok),
    (KG.grok, MG.operatedBy, KG.xai),
}


def sample_graph() -> Graph:
    graph = Graph().parse(data=SAMPLE, format="turtle")
    graph.add((KG.xai, RDFS.label, Literal(HOSTILE_EN, lang="en")))
    graph.add((KG.xai, RDFS.label, Literal(HOSTILE_DE, lang="de")))
    graph.add((KG["quote-xai-text"], OA.exact, Literal(HOSTILE_QUOTE)))
    return graph


def corporate_graph(people: int, companies: int, links: int, seed: int = 7) -> Graph:
    """People and companies with English and German labels, joined by mg:controls and
    mg:owns, the owners picked in proportion to what they hold already."""
    rnd = random.Random(seed)
    graph = Graph()
    graph.add((MG.Company, RDFS.subClassOf, MG.Organization))
    owners = [KG[f"person-{i}"] for i in range(people)]
    companies_ = [KG[f"company-{i}"] for i in range(companies)]
    for i, person in enumerate(owners):
        graph.add((person, RDF.type, MG.Person))
        graph.add((person, RDFS.label, Literal(f"Person {i}", lang="en")))
    for i, company in enumerate(companies_):
        graph.add((company, RDF.type, MG.Company))
        graph.add((company, RDFS.label, Literal(f"Company {i}", lang="en")))
        graph.add((company, RDFS.label, Literal(f"Firma {i}", lang="de")))
    pool = owners + companies_
    edges = set()
    while len(edges) < links:
        owner, owned = rnd.choice(pool), rnd.choice(companies_)
        if owner != owned and (owner, owned) not in edges:
            edges.add((owner, owned))
            pool.append(owner)
            graph.add((owner, rnd.choice((MG.controls, MG.owns)), owned))
    return graph


def network_data(html: str) -> tuple[list[dict], list[dict], dict]:
    """The nodes, edges and options that the page hands to vis-network."""

    def json_after(marker: str):
        assert html.count(marker) == 1, marker
        value, _ = json.JSONDecoder().raw_decode(html, html.index(marker) + len(marker))
        return value

    return (
        json_after('<script type="application/json" id="node-data">'),
        json_after('<script type="application/json" id="edge-data">'),
        json_after("var options = "),
    )


@pytest.fixture(scope="module")
def page() -> str:
    return render_graph(sample_graph(), TITLE)


@pytest.fixture(scope="module")
def nodes(page: str) -> dict[str, dict]:
    return {node["id"]: node for node in network_data(page)[0]}


@pytest.fixture(scope="module")
def edges(page: str) -> list[dict]:
    return network_data(page)[1]


def triples(edges: list[dict]) -> set[tuple[URIRef, URIRef, URIRef]]:
    return {(URIRef(e["from"]), URIRef(e["predicate"]), URIRef(e["to"])) for e in edges}


def between(edges: list[dict], source: URIRef, target: URIRef) -> list[dict]:
    return [e for e in edges if (e["from"], e["to"]) == (str(source), str(target))]


def test_nodes_are_the_individuals_of_the_facts_without_claim_machinery(nodes):
    assert set(nodes) == {str(n) for n in FACT_NODES}


def test_edges_are_the_fact_triples(edges):
    assert len(edges) == len(FACT_EDGES)
    assert triples(edges) == FACT_EDGES


def test_edge_label_is_the_predicates_english_label_else_its_prefixed_name(edges):
    labels = {(URIRef(e["predicate"])): e["label"] for e in edges}
    assert labels[MG.feeds] == "feeds"
    assert labels[MG.controls] == "mg:controls"
    assert labels[MG.acquiredOrganization] == "mg:acquiredOrganization"


def test_node_label_prefers_english_then_german_then_prefixed_name(nodes):
    assert nodes[str(KG.spacex)]["label"] == "SpaceX (en)"
    assert nodes[str(KG["orbital-compute"])]["label"] == "Rechenzentren im All"
    assert nodes[str(KG.xai)]["label"] == HOSTILE_EN


def test_parallel_edges_are_bent_apart(edges):
    musk_spacex = between(edges, KG["elon-musk"], KG.spacex)
    assert len(musk_spacex) == 2
    assert musk_spacex[0].get("smooth") != musk_spacex[1].get("smooth")


@pytest.mark.parametrize(
    ("node", "family"),
    [
        (KG["elon-musk"], "person"),
        (KG.spacex, "organisation"),  # mg:Company rdfs:subClassOf mg:Organization
        (KG.launch, "business-line"),
        (KG["orbital-dc"], "business-line"),  # through mg:DataCentres
        (KG["spacex-acquires-xai"], "event"),
        (KG["orbital-compute"], "rationale"),
    ],
)
def test_nodes_are_coloured_and_shaped_by_class_family(nodes, node, family):
    expected = next(f for f in FAMILIES if f.key == family)
    drawn = nodes[str(node)]
    assert (drawn["family"], drawn["color"], drawn["shape"]) == (
        family,
        expected.color,
        expected.shape,
    )


def test_families_differ_in_colour_and_shape(page):
    assert len({f.color for f in FAMILIES}) == len({f.shape for f in FAMILIES}) == len(FAMILIES)


def test_unknown_class_is_other():
    graph = Graph()
    graph.add((KG.thing, RDF.type, MG.Gadget))
    graph.add((KG.thing, MG.concerns, KG.other))
    drawn = {n["id"]: n["family"] for n in network_data(render_graph(graph, "t"))[0]}
    assert drawn == {str(KG.thing): "other", str(KG.other): "other"}


def test_tooltip_shows_labels_in_both_languages_types_values_and_quotes(nodes):
    tooltip = nodes[str(KG.spacex)]["title"]
    assert "label (de): SpaceX" in tooltip
    assert "label (en): SpaceX (en)" in tooltip
    assert "type: mg:Company" in tooltip
    assert "mg:ranking: eines der wertvollsten Privatunternehmen der Welt (de)" in tooltip
    assert "\u201eSpaceX hat xAI erworben\u201c" in tooltip
    assert "[stated by company]" in tooltip


def test_tooltip_marks_background_knowledge(nodes):
    tooltip = nodes[str(KG["elon-musk"])]["title"]
    assert "Elon Musk \u2014 mg:controls \u2192 SpaceX (en) [background knowledge]" in tooltip
    assert "Musk founded SpaceX and runs it as CEO." in tooltip


def test_edge_tooltip_carries_its_claims(edges):
    (feeds,) = between(edges, KG.launch, KG.starlink)
    assert "\u201eRaketen bringen Starlink-Satelliten ins All\u201c" in feeds["title"]
    assert "[article opinion]" in feeds["title"]


def test_hostile_labels_and_quotes_reach_the_page_only_as_data(page, nodes):
    tooltip = nodes[str(KG.xai)]["title"]
    assert f"label (en): {HOSTILE_EN}" in tooltip
    assert f"label (de): {HOSTILE_DE}" in tooltip
    assert HOSTILE_QUOTE in tooltip
    # In the HTML source every "<" of the data is escaped, so nothing can close the script.
    for text in ("<img src=x", "<script>window.pwned", "</script><script>", "<a href="):
        assert text not in page
    assert "<h1>Musk &lt;script&gt;window.pwned=1&lt;/script&gt; &amp; Co</h1>" in page
    # Tooltips become elements via textContent; no innerHTML popup (pyvis's "href" mode).
    assert "box.textContent = item.title" in page
    assert "popup.innerHTML" not in page


def test_page_loads_nothing_from_the_network(page):
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page, re.I)
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "bootstrap"):
        assert cdn not in page.lower()
    assert "vis.Network=" in page or "Network:" in page  # vis-network itself is inline
    assert ".vis-network" in page  # and its stylesheet


def test_same_graph_gives_same_bytes_whatever_the_triple_order(page):
    shuffled = Graph()
    for triple in sorted(sample_graph(), key=lambda t: tuple(map(str, t)), reverse=True):
        shuffled.add(triple)
    again = render_graph(shuffled, TITLE)
    assert again == page
    assert render_graph(sample_graph(), TITLE) == page


# rdflib 7.6's own Dataset.triples reads its deprecated default_context when default_union.
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_dataset_with_named_graphs_renders_like_its_union(page):
    """Regression: iterating a Dataset yields quads, which broke the first version."""
    dataset = Dataset(default_union=True)
    facts = dataset.graph(KG["article-spacex-xai-merger"])
    ontology = dataset.graph(URIRef("https://w3id.org/muskgraph/ontology"))
    for s, p, o in sample_graph():
        (ontology if str(s).startswith(str(MG)) else facts).add((s, p, o))
    assert_drawn_like_the_sample(dataset, page)


def test_a_store_renders_like_its_union_with_each_triple_once(page):
    store = ox.Store()
    for graph in ("urn:graph:a", "urn:graph:b"):  # every triple in both graphs
        data = sample_graph().serialize(format="nt")
        store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    assert_drawn_like_the_sample(OxigraphEngine(store).union(), page)


def assert_drawn_like_the_sample(source, page: str) -> None:
    """Both views of `source` have the nodes and edges of the sample graph's views."""
    assert network_data(render_graph(source, TITLE))[:2] == network_data(page)[:2]
    assert (
        network_data(vertical_integration_view(source))[:2]
        == network_data(vertical_integration_view(sample_graph()))[:2]
    )


@pytest.fixture(scope="module")
def constructed_page() -> str:
    return render_construct(sample_graph(), TITLE)


def test_layout_is_seeded_and_physics_settles(constructed_page):
    options = network_data(constructed_page)[2]
    assert isinstance(options["layout"]["randomSeed"], int)
    assert options["physics"]["solver"] in options["physics"]
    assert options["physics"]["stabilization"]["enabled"] is True
    assert options["physics"]["stabilization"]["iterations"] <= 1000


def test_small_construct_view_has_physics_and_no_fixed_positions(constructed_page):
    nodes = network_data(constructed_page)[0]
    assert not any("x" in node or "y" in node for node in nodes)
    assert regions(constructed_page) == []


def regions(html: str) -> list[dict]:
    marker = '<script type="application/json" id="region-data">'
    return json.JSONDecoder().raw_decode(html, html.index(marker) + len(marker))[0]


def test_whole_graph_view_stands_the_groups_apart_left_to_right(page, nodes):
    """The corporate structure, then the events, then their rationales: each group's
    nodes inside its own named box, the boxes side by side, and no physics."""
    boxes = regions(page)
    assert [r["name"] for r in boxes] == [
        "Corporate structure",
        "Events",
        "Rationales, risks, effects, assessments",
    ]
    group_of = {
        "person": 0, "organisation": 0, "business-line": 0, "event": 1, "rationale": 2
    }  # fmt: skip
    for node in nodes.values():
        left, top, right, bottom = boxes[group_of[node["family"]]]["box"]
        assert left < node["x"] < right and top < node["y"] < bottom, node["label"]
    edges = [r["box"] for r in boxes]
    assert all(a[2] < b[0] for a, b in itertools.pairwise(edges))  # apart
    assert network_data(page)[2]["physics"] == {"enabled": False}


def test_grouped_nodes_of_a_column_leave_room_for_their_labels(nodes):
    column: dict[int, list[dict]] = {}
    for node in nodes.values():
        column.setdefault(node["x"], []).append(node)
    for members in column.values():
        members.sort(key=lambda n: n["y"])
        for upper, lower in itertools.pairwise(members):
            lines = len(upper["label"]) // 17 + 1
            assert lower["y"] - upper["y"] >= 20 * lines + 20, upper["label"]


@pytest.fixture(scope="module")
def large_page() -> str:
    return render_graph(corporate_graph(120, 480, 1200), "Large")


def test_large_view_gets_fixed_positions_and_no_physics(large_page):
    nodes, edges, options = network_data(large_page)
    assert len(nodes) == 600 > LAYOUT_THRESHOLD
    assert len(edges) == 1200
    assert all(type(n["x"]) is int and type(n["y"]) is int for n in nodes)
    assert len({(n["x"], n["y"]) for n in nodes}) == len(nodes)  # no two on one spot
    assert options["physics"] == {"enabled": False}
    assert options["layout"]["improvedLayout"] is False
    assert options["edges"]["smooth"]["enabled"] is False
    # The rest of the look stays: shapes and colours by family, labels, tooltips.
    assert {n["family"] for n in nodes} == {"person", "organisation"}
    assert all(n["label"] and n["title"] for n in nodes)
    assert 'id="notice"' not in large_page


def test_linked_nodes_lie_closer_to_their_neighbours_than_to_the_rest(large_page):
    nodes, edges, _ = network_data(large_page)
    at = {n["id"]: complex(n["x"], n["y"]) for n in nodes}
    linked = sorted(abs(at[e["from"]] - at[e["to"]]) for e in edges)
    pairs = zip(nodes, reversed(nodes), strict=True)
    everyone = sorted(abs(at[a["id"]] - at[b["id"]]) for a, b in pairs)
    assert linked[len(linked) // 2] < everyone[len(everyone) // 2] / 2  # medians


def test_large_view_gives_the_same_bytes_whatever_the_triple_order(large_page):
    shuffled = Graph()
    triples_ = list(corporate_graph(120, 480, 1200))
    random.Random(1).shuffle(triples_)
    for triple in triples_:
        shuffled.add(triple)
    assert render_graph(shuffled, "Large") == large_page


@pytest.mark.parametrize("count", [LAYOUT_THRESHOLD, LAYOUT_THRESHOLD + 1])
def test_fixed_positions_start_just_past_the_threshold(count):
    graph = Graph()
    for i in range(count):
        graph.add((KG[f"company-{i:04d}"], RDF.type, MG.Company))
    nodes, _, options = network_data(render_construct(graph, "Unlinked"))
    assert len(nodes) == count
    large = count > LAYOUT_THRESHOLD
    assert options["physics"].get("enabled", True) is not large
    assert all(("x" in n and "y" in n) is large for n in nodes)
    # The whole-graph view groups up to the threshold, and lays out beyond it.
    grouped = render_graph(graph, "Unlinked")
    assert len(regions(grouped)) == (0 if large else 1)
    assert all("x" in n and "y" in n for n in network_data(grouped)[0])


def test_cut_down_view_says_so_and_keeps_the_best_connected_nodes():
    graph = Graph()
    for hub, leaves in (("hub-a", 5), ("hub-b", 4), ("hub-c", 3)):
        for i in range(leaves):
            graph.add((KG[hub], MG.controls, KG[f"{hub}-leaf-{i}"]))
    for i in range(10):
        graph.add((KG[f"alone-{i}"], RDF.type, MG.Company))
    page = render_graph(graph, "Cut down", max_nodes=5)
    nodes, edges, _ = network_data(page)
    # 3 hubs, 12 leaves, 10 alone; of the leaves (one edge each) the first by IRI
    kept = {KG["hub-a"], KG["hub-b"], KG["hub-c"], KG["hub-a-leaf-0"], KG["hub-a-leaf-1"]}
    assert {n["id"] for n in nodes} == {str(n) for n in kept}
    assert triples(edges) == {
        (KG[hub], MG.controls, KG[leaf])
        for hub, leaf in (("hub-a", "hub-a-leaf-0"), ("hub-a", "hub-a-leaf-1"))
    }
    notice = re.search(r'<p id="notice" role="status">(.*?)</p>', page, re.S)
    assert notice
    assert notice.group(1) == "Showing 5 of 25 nodes: those with the most edges."
    # Below the limit, no notice.
    assert 'id="notice"' not in render_graph(graph, "Whole", max_nodes=25)


def test_max_nodes_must_be_positive():
    with pytest.raises(ValueError, match="max_nodes must be at least 1, not 0"):
        render_graph(sample_graph(), "None", max_nodes=0)


def test_cut_down_applies_to_construct_pages_too():
    graph = Graph()
    for i in range(6):
        graph.add((KG.hub, MG.owns, KG[f"company-{i}"]))
    nodes, edges, _ = network_data(render_construct(graph, "Construct", max_nodes=3))
    assert {n["id"] for n in nodes} == {str(KG.hub), str(KG["company-0"]), str(KG["company-1"])}
    assert len(edges) == 2


def test_only_keeps_those_nodes_and_the_edges_between_them():
    keep = {KG["elon-musk"], KG.spacex, KG.launch}
    nodes, edges, _ = network_data(render_graph(sample_graph(), "t", only=keep))
    assert {n["id"] for n in nodes} == {str(n) for n in keep}
    assert triples(edges) == {e for e in FACT_EDGES if e[0] in keep and e[2] in keep}


def test_predicates_keeps_those_edges_and_the_nodes_they_join():
    nodes, edges, _ = network_data(render_graph(sample_graph(), "t", predicates={MG.controls}))
    assert triples(edges) == {e for e in FACT_EDGES if e[1] == MG.controls}
    assert {n["id"] for n in nodes} == {str(KG["elon-musk"]), str(KG.spacex), str(KG.xai)}


def test_vertical_integration_view_shows_feeds_chain_and_operators():
    nodes, edges, _ = network_data(vertical_integration_view(sample_graph()))
    assert {n["id"] for n in nodes} == {
        str(n) for n in (KG.launch, KG.starlink, KG["orbital-dc"], KG.grok, KG.spacex, KG.xai)
    }
    assert triples(edges) == {e for e in FACT_EDGES if e[1] in (MG.feeds, MG.operatedBy)}
    (feeds,) = between(edges, KG.launch, KG.starlink)
    assert "Raketen bringen Starlink-Satelliten ins All" in feeds["title"]
    assert "[article opinion]" in feeds["title"]


def test_render_construct_draws_every_iri_triple_styled_by_the_schema():
    constructed = Graph()
    constructed.add((KG.launch, MG.feeds, KG.starlink))
    constructed.add((KG["claim-launch-feeds-starlink"], MG.evidence, KG["quote-feeds"]))
    constructed.add((KG.launch, MG.note, Literal("a literal, not a node")))
    page = render_construct(constructed, "Construct", schema=sample_graph())
    nodes, edges, _ = network_data(page)
    drawn = {n["id"]: n for n in nodes}
    assert set(drawn) == {
        str(n)
        for n in (KG.launch, KG.starlink, KG["claim-launch-feeds-starlink"], KG["quote-feeds"])
    }
    assert triples(edges) == {
        (KG.launch, MG.feeds, KG.starlink),
        (KG["claim-launch-feeds-starlink"], MG.evidence, KG["quote-feeds"]),
    }
    assert drawn[str(KG.launch)]["family"] == "business-line"
    assert drawn[str(KG.launch)]["label"] == "Launch services"
    assert "mg:note: a literal, not a node" in drawn[str(KG.launch)]["title"]
    # As sets of triples (what the command line hands over) they draw the same.
    assert render_construct(set(constructed), "Construct", schema=set(sample_graph())) == page
    # Without a schema the same triples draw, unstyled.
    plain = {n["id"]: n for n in network_data(render_construct(constructed, "Construct"))[0]}
    assert set(plain) == set(drawn)
    assert plain[str(KG.launch)]["family"] == "other"


def test_empty_graph_gives_a_page_without_nodes():
    nodes, edges, _ = network_data(render_graph(Graph(), "Empty"))
    assert nodes == edges == []


def test_rendering_writes_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    render_graph(sample_graph(), "t")
    assert list(tmp_path.iterdir()) == []
