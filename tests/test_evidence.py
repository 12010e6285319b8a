"""What a view shows of the evidence: edge styles by the attribution of their claims, a legend
of what the view holds, the data of the evidence panel, legible labels, and the
vertical integration laid out as a flow. The page's script is tested in
test_browser.py; these tests read the data it is given.
"""

from __future__ import annotations

import json
import re

import pytest
from test_render import PREFIXES, TITLE, between, network_data, sample_graph

from graph.namespaces import KG, MG
from graph.render import FAMILIES, render_graph, vertical_integration_view


@pytest.fixture(scope="module")
def page() -> str:
    return render_graph(sample_graph(), TITLE)


def by_id(page: str) -> dict[str, dict]:
    return {node["id"]: node for node in network_data(page)[0]}


def legend(page: str, kind: str) -> list[str]:
    """The families or attributions the page's legend lists, in order."""
    return re.findall(rf'<label data-{kind}="([^"]*)"', page)


def page_table(page: str, name: str):
    """One of the tables the page's script reads: styles, claims, predicates."""
    marker = f'<script type="application/json" id="{name}-data">'
    assert page.count(marker) == 1
    return json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))[0]


def edge_attributions(page: str) -> set[str]:
    """The attributions of the claims of the page's edges, and "" if an edge has none."""
    claims = page_table(page, "claim")
    return {
        claims[i]["attribution"] if "claims" in e else ""
        for e in network_data(page)[1]
        for i in e.get("claims", [0])
    }


def test_legend_lists_only_the_kinds_and_edge_styles_in_the_view(page):
    nodes = by_id(page)
    shown = {n["family"] for n in nodes.values()}
    assert legend(page, "family") == [f.key for f in FAMILIES if f.key in shown]
    assert "other" not in legend(page, "family")
    assert set(legend(page, "attribution")) == edge_attributions(page)
    assert set(legend(page, "attribution")) == {
        str(MG.StatedByCompany),
        str(MG.ArticleOpinion),
        str(MG.BackgroundKnowledge),
        "",  # edges no claim supports
    }
    vertical = vertical_integration_view(sample_graph())
    assert legend(vertical, "family") == ["organisation", "business-line"]
    assert set(legend(vertical, "attribution")) == edge_attributions(vertical)
    assert str(MG.StatedByCompany) not in legend(vertical, "attribution")


def test_edges_are_styled_by_the_attribution_of_their_claims(page):
    edges = network_data(page)[1]
    styles = page_table(page, "style")

    def style(source, target, predicate):
        (edge,) = [e for e in between(edges, source, target) if e["predicate"] == str(predicate)]
        attribution = edge.get("attribution", "")  # none: no claim supports the edge
        return attribution, styles[attribution]

    background = style(KG["elon-musk"], KG.spacex, MG.controls)
    stated = style(KG["spacex-acquires-xai"], KG.spacex, MG.acquirer)
    opinion = style(KG.launch, KG.starlink, MG.feeds)
    unsupported = style(KG["elon-musk"], KG.spacex, MG.owns)
    assert [s for s, _ in (background, stated, opinion, unsupported)] == [
        str(MG.BackgroundKnowledge),
        str(MG.StatedByCompany),
        str(MG.ArticleOpinion),
        "",
    ]
    assert background[1]["dashes"] and background[1]["quoted"] is False
    assert background[1]["name"] == "background knowledge"
    assert stated[1]["dashes"] is opinion[1]["dashes"] is False  # solid: a source says it
    assert stated[1]["quoted"] is opinion[1]["quoted"] is True
    assert stated[1]["name"] == "stated by company"  # the attribution's label in the data
    assert unsupported[1]["name"] == "no claim supports it"
    looks = {(s["color"], str(s["dashes"]), s["width"]) for s in styles.values()}
    assert len(looks) == len(styles) == 4


RUMOUR = (
    PREFIXES
    + """
mg:Rumour skos:prefLabel "rumour"@en , "Gerücht"@de .
mg:Hearsay skos:prefLabel "hearsay"@en .
kg:claim-owns a mg:Claim ; rdf:subject kg:elon-musk ; rdf:predicate mg:owns ;
    rdf:object kg:spacex ; mg:attribution mg:Rumour ; prov:wasDerivedFrom kg:article ;
    mg:evidence kg:quote-owns .
kg:quote-owns a oa:SpecificResource ; oa:hasSource kg:article ; oa:hasSelector kg:owns-text .
kg:owns-text oa:exact "Musk soll SpaceX gehören" .
kg:claim-drives a mg:Claim ; rdf:subject kg:spacex-acquires-xai ; rdf:predicate mg:drivenBy ;
    rdf:object kg:orbital-compute ; mg:attribution mg:Hearsay ; prov:wasDerivedFrom kg:pub ;
    rdfs:comment "Someone said so in a pub." .
"""
)


def test_an_attribution_the_model_adds_gets_its_own_style_legend_line_and_filter():
    graph = sample_graph().parse(data=RUMOUR, format="turtle")
    page = render_graph(graph, "New attributions")
    styles = page_table(page, "style")
    rumour, hearsay = styles[str(MG.Rumour)], styles[str(MG.Hearsay)]
    assert (rumour["name"], rumour["quoted"], rumour["dashes"]) == ("rumour", True, False)
    assert rumour["color"] not in {s["color"] for k, s in styles.items() if k != str(MG.Rumour)}
    assert (hearsay["name"], hearsay["quoted"]) == ("hearsay", False)
    assert hearsay["dashes"] and hearsay["dashes"] != styles[str(MG.BackgroundKnowledge)]["dashes"]
    assert {str(MG.Rumour), str(MG.Hearsay)} <= set(legend(page, "attribution"))
    button = re.search(r'<button type="button" id="hide-background"[^>]*>(.*?)</button>', page)
    assert button
    assert button.group(1) == "Hide background knowledge and hearsay"


def test_page_data_gives_the_panel_labels_types_claims_quotes_and_sources(page):
    nodes, edges = by_id(page), network_data(page)[1]
    spacex = nodes[str(KG.spacex)]
    assert spacex["labels"] == [["de", "SpaceX"], ["en", "SpaceX (en)"]]
    assert spacex["types"] == ["mg:Company"]
    claims = page_table(page, "claim")
    quoted = [claims[i] for i in spacex["claims"] if claims[i]["quotes"]]
    assert quoted == [
        {
            "statement": "SpaceX acquires xAI \u2014 mg:acquirer \u2192 SpaceX (en)",
            "attribution": str(MG.StatedByCompany),
            "attributionName": "stated by company",
            "modality": "",
            "modalityName": "",
            "quotes": ["SpaceX hat xAI erworben"],
            "passages": ["source-spacex-xai-merger.html#q-0-23"],
            "comments": [],
            "source": "kg:article",
        }
    ]
    (controls,) = [
        e for e in between(edges, KG["elon-musk"], KG.spacex) if e["predicate"] == str(MG.controls)
    ]
    (background,) = [claims[i] for i in controls.get("claims", [])]
    assert background["comments"] == ["Musk founded SpaceX and runs it as CEO."]
    assert background["source"] == "kg:background"
    predicates = page_table(page, "predicate")
    assert predicates[str(MG.feeds)] == {
        "name": "mg:feeds",
        "labels": [["de", "speist"], ["en", "feeds"]],
    }


def test_page_says_to_click_and_to_hover(page):
    assert '<p id="hint">Click a node or edge for its evidence; hover for a quick look.</p>' in page


def test_labels_are_big_enough_to_read(page):
    options = network_data(page)[2]
    assert options["nodes"]["font"]["size"] >= 14
    assert options["edges"]["font"]["size"] >= 12


def test_vertical_integration_view_is_laid_out_as_a_flow_left_to_right():
    nodes, _, options = network_data(vertical_integration_view(sample_graph()))
    at = {n["id"]: (n["x"], n["y"]) for n in nodes}
    chain = [KG.launch, KG.starlink, KG["orbital-dc"], KG.grok]
    assert [at[str(n)][0] for n in chain] == sorted({at[str(n)][0] for n in chain})
    assert len({at[str(n)][1] for n in chain}) == 1  # one row
    assert all(at[str(o)][1] > at[str(KG.launch)][1] for o in (KG.spacex, KG.xai))  # below
    assert options["physics"] == {"enabled": False}


def test_a_loop_in_the_flow_is_drawn_as_a_loop():
    graph = sample_graph()
    graph.add((KG.grok, MG.feeds, KG["orbital-dc"]))  # back from the last step
    nodes, edges, _ = network_data(vertical_integration_view(graph))
    at = {n["id"]: n["x"] for n in nodes}
    feeds = [e for e in edges if e["predicate"] == str(MG.feeds)]
    backwards = [e for e in feeds if at[e["from"]] > at[e["to"]]]
    assert [(e["from"], e["to"]) for e in backwards] == [(str(KG.grok), str(KG["orbital-dc"]))]
    pair = between(edges, KG["orbital-dc"], KG.grok) + backwards
    assert sum("smooth" in e for e in pair) == 1  # the two edges bend apart


def test_an_edge_whose_claim_has_no_attribution_is_drawn_like_an_unsupported_one():
    graph = sample_graph()
    graph.remove((KG["claim-launch-feeds-starlink"], MG.attribution, None))
    page = render_graph(graph, "No attribution")
    (feeds,) = between(network_data(page)[1], KG.launch, KG.starlink)
    styles = page_table(page, "style")
    assert feeds["attribution"] == ""
    assert styles[""]["name"] == "no claim supports it"
