"""The timeline view: the events in the order the sources give, with their times in the
sources' words and their claims, read from the page's own data and in headless Chromium."""

from __future__ import annotations

import json
import re

import chromium
import pytest
import test_render
from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.namespace import TIME
from test_browser import chromium_path, open_page  # noqa: F401 (a fixture)
from test_render import (
    HOSTILE_DE,
    HOSTILE_EN,
    PREFIXES,
    network_data,
)

from graph.namespaces import KG, MG
from graph.render import render_graph, timeline_view

MERGER_QUOTE = "Die Fusion von X mit xAI im letzten Jahr"
IPO_QUOTE = (
    "Zwei mit dem Plan vertraute Quellen weisen darauf hin, dass ein Börsengang (IPO) für "
    "etwa Juni geplant ist."
)
ORDER = [KG["x-xai-merger"], KG["spacex-xai-merger-announcement"], KG["spacex-xai-ipo"]]

# A time that no time:before orders, and an event with a hostile label at it.
UNORDERED = (
    PREFIXES
    + """
@prefix time: <http://www.w3.org/2006/time#> .
kg:early a mg:Merger ; rdfs:label "early merger"@en ; time:hasTime kg:time-early .
kg:late a mg:PlannedIPO ; rdfs:label "late IPO"@en ; time:hasTime kg:time-late .
kg:time-early a time:Instant ; mg:relativeTime "im letzten Jahr"@de ; time:before kg:time-late .
kg:time-late a time:Instant ; mg:relativeTime "bald"@de .
kg:lone a mg:Spending ; time:hasTime kg:time-lone .
kg:time-lone a time:Instant ; mg:relativeTime "irgendwann"@de .
"""
)


@pytest.fixture(scope="module")
def page(dataset) -> str:
    return timeline_view(dataset)


@pytest.fixture(scope="module")
def nodes(page: str) -> dict[str, dict]:
    return {node["id"]: node for node in network_data(page)[0]}


def claims_table(page: str) -> list[dict]:
    marker = '<script type="application/json" id="claim-data">'
    return json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))[0]


def time_of(page: str, event) -> str:
    (edge,) = (
        e
        for e in network_data(page)[1]
        if e["from"] == str(event) and e["predicate"] == str(TIME.hasTime)
    )
    return edge["to"]


def test_events_stand_left_to_right_in_the_order_the_sources_give(page, nodes):
    xs = [nodes[str(event)]["x"] for event in ORDER]
    assert xs == sorted(xs) and len(set(xs)) == 3
    for event in ORDER:  # each event in the column of its time, under it
        time = nodes[time_of(page, event)]
        assert (nodes[str(event)]["x"], nodes[str(event)]["y"] > time["y"]) == (time["x"], True)
    assert network_data(page)[2]["physics"] == {"enabled": False}
    assert 'id="notice"' not in page  # every time is ordered


def test_times_are_a_kind_of_their_own_in_every_view(page, nodes, dataset):
    times = {time_of(page, event) for event in ORDER}
    whole = {n["id"]: n for n in network_data(render_graph(dataset, "Whole"))[0]}
    dates = {  # the time:GeneralDateTimeDescription of each time
        str(date) for time in times for date in dataset.objects(URIRef(time), TIME.inDateTime)
    }
    assert len(dates) == len(times) == 3
    for view in (nodes, whole):
        assert {n for n in view if view[n]["family"] == "time"} >= times
        assert all(view[t]["shape"] == "triangleDown" for t in times)
    assert {n for n in whole if whole[n]["family"] == "time"} == times | dates
    for view in (page, render_graph(dataset, "Whole")):
        assert re.search(r'data-filter="family"\s+value="time"', view)
    # The reference system of the dates is a term of a vocabulary, not a node.
    assert not any(n.startswith("http://www.opengis.net/") for n in whole)


def test_times_read_as_the_sources_give_them_never_as_dates(page, nodes):
    labels = [nodes[time_of(page, event)]["label"] for event in ORDER]
    assert labels == ["im letzten Jahr", "am Montag", "etwa Juni (approximate)"]
    assert not any("2025" in node["label"] for node in nodes.values())


def test_each_events_claims_carry_their_quotes_attribution_and_source(page, nodes):
    table = claims_table(page)
    for event, quote in ((ORDER[0], MERGER_QUOTE), (ORDER[2], IPO_QUOTE)):
        (claim,) = (
            table[i]
            for i in nodes[str(event)]["claims"]
            if quote in table[i]["quotes"] and "time" in table[i]["statement"].lower()
        )
        assert claim["attribution"] and claim["attributionName"] and claim["source"]


def test_a_time_no_source_orders_stands_apart_and_the_page_says_so():
    graph = Graph().parse(data=UNORDERED, format="turtle")
    page = timeline_view(graph)
    at = {n["id"]: (n["x"], n["y"]) for n in network_data(page)[0]}
    assert at[str(KG.early)][0] < at[str(KG.late)][0]
    ordered = max(y for node, (_, y) in at.items() if "lone" not in node)
    assert at[str(KG["time-lone"])][1] > ordered
    assert at[str(KG.lone)][1] > at[str(KG["time-lone"])][1]
    notice = re.search(r'<p id="notice"[^>]*>(.*?)</p>', page, re.DOTALL).group(1)
    assert "No source orders these times" in notice and "irgendwann" in notice


def test_hostile_labels_reach_the_timeline_only_as_data():
    graph = Graph().parse(data=UNORDERED, format="turtle")
    graph.set((KG.early, RDFS.label, Literal(HOSTILE_EN, lang="en")))
    graph.set((KG["time-late"], MG.relativeTime, Literal(HOSTILE_DE, lang="de")))
    graph.add((KG.lone, RDFS.label, Literal(HOSTILE_DE, lang="de")))
    page = timeline_view(graph)
    assert {n["label"] for n in network_data(page)[0]} >= {HOSTILE_EN, HOSTILE_DE}
    for text in ("<img src=x", "<script>window.pwned"):
        assert text not in page


def test_timeline_loads_nothing_from_the_network(page):
    test_render.test_page_loads_nothing_from_the_network(page)


def test_render_writes_the_timeline_alone_or_with_the_other_views(cli, project_copy):
    alone = cli("render", "--view", "timeline")
    assert alone.exit_code == 0, alone.stderr
    assert sorted(p.name for p in (project_copy / "out").glob("*.html")) == ["timeline.html"]
    assert "etwa Juni (approximate)" in (project_copy / "out" / "timeline.html").read_text()
    every = cli("render")
    assert every.exit_code == 0, every.stderr
    assert {"timeline.html", "muskgraph.html", "vertical-integration.html"} <= {
        p.name for p in (project_copy / "out").glob("*.html")
    }


@pytest.fixture(scope="module")
def click_report(chromium_path, page, tmp_path_factory) -> dict:  # noqa: F811
    probe = chromium.click_probe(f"network.selectNodes([{json.dumps(str(ORDER[0]))}]);")
    return open_page(chromium_path, page, probe, tmp_path_factory.mktemp("timeline"))


def test_timeline_draws_without_console_errors(click_report, nodes):
    assert click_report.get("error") is None
    assert click_report["drawnNodes"] == len(nodes)
    assert click_report["paintedPixels"] > 1000
    assert click_report["problems"] == []
    assert click_report["console"] == []


def test_clicking_an_event_shows_its_quote_in_the_panel(click_report):
    assert "merger of X and xAI" in click_report["panel"]
    assert f"\u201e{MERGER_QUOTE}\u201c" in click_report["panel"]
