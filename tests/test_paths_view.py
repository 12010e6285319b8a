"""render --paths: the mg:feeds paths from START to END, hop by hop, left to right, each
hop's edge with its evidence; read from the page's own data and in headless Chromium."""

from __future__ import annotations

import json

import chromium
import pytest
import test_render
from rdflib import RDFS, Literal
from test_browser import chromium_path, open_page  # noqa: F401 (a fixture)
from test_render import (
    HOSTILE_EN,
    TITLE,
    network_data,
    sample_graph,
)

from graph.namespaces import KG, MG
from graph.render import paths_view

ROCKETS, STARLINK, ORBIT, MODELS, CHATBOTS = (
    str(KG[name])
    for name in ("rockets", "starlink", "orbital-data-centres", "ai-models", "ai-chatbots")
)
COMPUTE_QUOTE = (
    "Diese Strategie geht auf den steigenden Bedarf an Rechenleistung ein, die für die "
    "Ausführung fortschrittlicher KI-Modelle erforderlich ist"
)


def claims_table(page: str) -> list[dict]:
    marker = '<script type="application/json" id="claim-data">'
    return json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))[0]


@pytest.fixture
def drawn(cli, project_copy):
    def draw(*args: str) -> tuple[object, str | None]:
        result = cli("render", "--paths", "kg:rockets", "kg:ai-chatbots", *args)
        written = project_copy / "out" / "paths.html"
        return result, written.read_text(encoding="utf-8") if written.exists() else None

    return draw


def test_paths_are_drawn_hop_by_hop_left_to_right_with_each_hops_evidence(drawn):
    result, page = drawn()
    assert result.exit_code == 0, result.stderr
    nodes, edges, options = network_data(page)
    x = {n["id"]: n["x"] for n in nodes}
    hops = {(e["from"], e["to"]) for e in edges}
    assert hops == {(ROCKETS, ORBIT), (ORBIT, MODELS), (MODELS, CHATBOTS)}
    assert {e["predicate"] for e in edges} == {str(MG.feeds)}
    assert x[ROCKETS] < x[ORBIT] < x[MODELS] < x[CHATBOTS]
    assert options["physics"] == {"enabled": False}
    table = claims_table(page)
    for edge in edges:  # every hop carries its claims: attribution, source, quote or basis
        for claim in (table[i] for i in edge["claims"]):
            assert claim["attribution"] and claim["source"]
            assert claim["quotes"] or claim["comments"]
    (compute,) = (e for e in edges if (e["from"], e["to"]) == (ORBIT, MODELS))
    assert any(COMPUTE_QUOTE in table[i]["quotes"] for i in compute["claims"])


def test_max_rows_keeps_the_first_paths_and_the_page_says_more_exist(cli, drawn, tmp_path):
    shortcut = tmp_path / "shortcut.ttl"
    shortcut.write_text(
        "<https://w3id.org/muskgraph/id/starlink> <https://w3id.org/muskgraph/ontology#feeds> "
        "<https://w3id.org/muskgraph/id/ai-chatbots> .\n",
        encoding="utf-8",
    )
    assert cli("load", str(shortcut)).exit_code == 0
    result, page = drawn("--max-rows", "1")
    assert result.exit_code == 0, result.stderr
    hops = {(e["from"], e["to"]) for e in network_data(page)[1]}
    assert hops == {(ROCKETS, STARLINK), (STARLINK, CHATBOTS)}  # the shortest path
    assert "Showing the first 1 paths; more exist (raise --max-rows)." in page


def test_no_path_exits_1_and_writes_nothing(cli, project_copy):
    result = cli("render", "--paths", "kg:ai-chatbots", "kg:rockets")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "no path from kg:ai-chatbots to kg:rockets"
    assert not (project_copy / "out" / "paths.html").exists()


def test_unknown_name_is_a_one_line_error_and_writes_nothing(cli, project_copy):
    result = cli("render", "--paths", "kg:nope", "kg:rockets")
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Error: no node is named 'kg:nope'")
    assert not (project_copy / "out" / "paths.html").exists()


def test_paths_exclude_view_and_query(cli):
    result = cli("render", "--paths", "kg:rockets", "kg:ai-chatbots", "--view", "graph")
    assert result.exit_code == 2
    assert "--query, --view, --paths and --explain exclude each other" in result.stderr


def hostile_page() -> str:
    graph = sample_graph()
    graph.set((KG.launch, RDFS.label, Literal(HOSTILE_EN, lang="en")))
    return paths_view(graph, [[(KG.launch, KG.starlink), (KG.starlink, KG["orbital-dc"])]], TITLE)


def test_hostile_labels_reach_the_paths_page_only_as_data():
    page = hostile_page()
    assert HOSTILE_EN in {n["label"] for n in network_data(page)[0]}
    for text in ("<img src=x", "<script>window.pwned"):
        assert text not in page
    test_render.test_page_loads_nothing_from_the_network(page)


def test_paths_page_draws_without_errors_and_a_hop_shows_its_quote(
    chromium_path,  # noqa: F811
    tmp_path,
):
    hop = json.dumps([str(KG.launch), str(KG.starlink)])
    probe = chromium.click_probe(  # the launch -> Starlink hop
        f"""var hop = {hop};
      network.selectEdges(network.body.data.edges.getIds({{filter: function (e) {{
        return e.from === hop[0] && e.to === hop[1]; }}}}));"""
    )
    report = open_page(chromium_path, hostile_page(), probe, tmp_path)
    assert report.get("error") is None
    assert report["paintedPixels"] > 1000
    assert report["problems"] == [] and report["console"] == []
    assert "\u201eRaketen bringen Starlink-Satelliten ins All\u201c" in report["panel"]
    assert report["pwned"] is None and HOSTILE_EN in report["panel"]
