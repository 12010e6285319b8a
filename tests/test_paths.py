"""Vertical-integration paths: networkx and SPARQL agree, every hop has its evidence,
paths come shortest first and as they are found, and nodes are named by label."""

from __future__ import annotations

import io
import tracemalloc
from itertools import pairwise
from pathlib import Path

import networkx as nx
import pytest
from conftest import run_muskgraph

from graph.errors import InputError
from graph.names import Names, find_node
from graph.namespaces import KG, MG
from graph.paths import Hop, feed_paths, feeds_network, reachable, write_report
from graph.query import library, run
from graph.store.terms import Term

PREFIXES = (
    "@prefix kg: <https://w3id.org/muskgraph/id/> .\n"
    "@prefix mg: <https://w3id.org/muskgraph/ontology#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)


def iri(value: str) -> Term:
    return Term("iri", str(value))


@pytest.fixture(scope="module")
def network(store_engine):
    return feeds_network(store_engine)


def test_sparql_reachability_and_networkx_paths_agree(project, store_engine, network) -> None:
    answer = run(store_engine, library(project)["vertical-integration-reach"])
    from_sparql = {(row[0], row[2]) for row in answer.rows()}
    assert from_sparql
    assert from_sparql == reachable(network)
    for a, b in from_sparql:
        if a != b:
            assert next(feed_paths(network, a, b), None), f"no path {a} -> {b}"


def test_direct_flag_matches_the_hops(project, store_engine, network) -> None:
    answer = run(store_engine, library(project)["vertical-integration-reach"])
    direct_column = answer.variables.index("direct")
    direct = {(r[0], r[2]) for r in answer.rows() if r[direct_column].value == "true"}
    assert direct == set(network.edges)


def test_every_hop_is_supported_by_a_claim_with_attribution_and_source(network) -> None:
    assert network.number_of_edges() >= 4
    for a, b, data in network.edges(data=True):
        assert data["support"], f"hop {a} -> {b} has no claim"
        for support in data["support"]:
            assert support.modality.value.startswith(str(MG))
            if support.attribution == iri(MG.BackgroundKnowledge):
                assert support.source == iri(KG.background) and support.quote is None
                assert support.basis, f"hop {a} -> {b}: background claim says nothing"
            elif support.attribution == iri(MG.Inferred):
                assert support.source.value.startswith(str(KG["rule-"])) and not support.quote
            else:
                assert support.quote, f"hop {a} -> {b}: article claim without quote"


def test_paths_are_simple_and_shortest_first(network) -> None:
    for a in network:
        for b in network:
            if a == b:
                continue
            routes = list(feed_paths(network, a, b))
            lengths = [len(route) for route in routes]
            assert lengths == sorted(lengths)
            for route in routes:
                nodes = [route[0].source, *(hop.target for hop in route)]
                assert len(set(nodes)) == len(nodes)
                assert nodes[0] == a and nodes[-1] == b


def test_rockets_feed_the_ai_chatbots_through_orbital_data_centres(network) -> None:
    routes = list(feed_paths(network, iri(KG.rockets), iri(KG["ai-chatbots"])))
    assert [hop.target for hop in routes[0]] == [
        iri(KG["orbital-data-centres"]),
        iri(KG["ai-models"]),
        iri(KG["ai-chatbots"]),
    ]


@pytest.mark.parametrize(
    "name", ["kg:spacex", "spacex", "SpaceX", "<https://w3id.org/muskgraph/id/spacex>"]
)
def test_find_node_by_label_local_name_and_prefixed_name(store_engine, name) -> None:
    assert find_node(store_engine, name) == iri(KG.spacex)


def test_find_node_by_the_start_of_a_german_label(store_engine) -> None:
    assert find_node(store_engine, "Raketen") == iri(KG.rockets)


def test_find_node_unknown_name(store_engine) -> None:
    with pytest.raises(InputError, match="no node is named 'Tesla'"):
        find_node(store_engine, "Tesla")


def test_paths_command_prints_every_hop_with_its_quote(cli, network) -> None:
    a, b = sorted(network.edges)[0]
    result = cli("paths", a.text(), b.text())
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("path 1: ")
    for support in network.edges[a, b]["support"]:
        assert (support.quote or support.basis) in result.stdout


def test_paths_command_without_a_path(cli) -> None:
    result = cli("paths", "kg:musk", "kg:spacex")
    assert result.exit_code == 1
    assert result.stderr.endswith("no path from kg:musk to kg:spacex\n")


# Labels, attributions and sources in words


def test_paths_name_lines_attributions_and_sources_by_their_english_labels(cli) -> None:
    result = cli("paths", "kg:rockets", "kg:ai-chatbots")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "path 1: rockets -> data centres in orbit (planned) -> advanced AI models -> "
        "AI chatbots\n"
        "  1. rockets (kg:rockets) feeds data centres in orbit (planned) "
        "(kg:orbital-data-centres)\n"
        "     [inferred by the graph, forecast, Rockets may feed what their controller plans to "
        "put in orbit]\n"
    )
    assert (
        "     [the article's word, opinion, News article on the SpaceX\u2013xAI merger (German)] "
        "„Diese" in result.stdout
    )
    assert "     [background knowledge, fact] AI chatbots such as" in result.stdout
    assert "mg:" not in result.stdout


def test_paths_in_german(cli) -> None:
    result = cli("paths", "Raketen", "KI-Chatbots", "--lang", "de")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "path 1: Raketen -> Rechenzentren im Orbit (geplant) -> fortschrittliche KI-Modelle -> "
        "KI-Chatbots\n"
    )
    assert "[Hintergrundwissen, Tatsache] " in result.stdout
    assert (
        "[Wort des Artikels, Meinung, Nachrichtenartikel über die Fusion von SpaceX"
        in result.stdout
    )


def test_a_label_falls_back_to_the_other_language_then_to_the_local_name(cli, tmp_path) -> None:
    data = tmp_path / "lines.ttl"
    data.write_text(
        PREFIXES + 'kg:a mg:feeds kg:b . kg:a rdfs:label "Erz"@de . kg:b rdfs:label "Stahl"@de ,'
        ' "steel"@en .\n',
        encoding="utf-8",
    )
    result = cli("paths", "kg:a", "kg:b", "--data", str(data))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "path 1: Erz -> steel\n  1. Erz (kg:a) feeds steel (kg:b)\n     (no claim supports"
    )
    data.write_text(PREFIXES + "kg:a mg:feeds kg:b .\n", encoding="utf-8")
    result = cli("paths", "kg:a", "kg:b", "--data", str(data))
    assert result.stdout.startswith("path 1: a -> b\n  1. kg:a feeds kg:b\n")


def test_iris_print_prefixed_names_for_scripts(cli) -> None:
    result = cli("paths", "rockets", "ai-chatbots", "--iris")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "path 1: kg:rockets -> kg:orbital-data-centres -> kg:ai-models -> kg:ai-chatbots\n"
        "  1. kg:rockets feeds kg:orbital-data-centres\n"
        "     [mg:Inferred, mg:Forecast, kg:rule-launches-planned-orbit]\n"
    )
    assert "[mg:ReportedByArticle, mg:Opinion, kg:article-spacex-xai-merger] „" in result.stdout


# Many paths: the limit, the order, and memory


def layered(width: int, layers: int, shortcuts: bool = True) -> nx.DiGraph:
    """kg:start -> `layers` layers of `width` lines, each feeding every line of the next
    -> kg:end (width ** layers paths of layers + 1 hops), with shortcuts: start feeds
    end, and start feeds the first line of the third layer."""
    nodes = [[iri(KG[f"l{layer}-{i}"]) for i in range(width)] for layer in range(layers)]
    start, end = iri(KG.start), iri(KG.end)
    network = nx.DiGraph()
    network.add_edges_from((start, node) for node in nodes[0])
    network.add_edges_from((node, end) for node in nodes[-1])
    for above, below in pairwise(nodes):
        network.add_edges_from((a, b) for a in above for b in below)
    if shortcuts:
        network.add_edges_from([(start, end), (start, nodes[2][0])])
    return unsupported(network)


def unsupported(network: nx.DiGraph) -> nx.DiGraph:
    nx.set_edge_attributes(network, set(), "support")
    return network


def turtle(network: nx.DiGraph) -> str:
    return PREFIXES + "".join(f"{a.n3()} mg:feeds {b.n3()} .\n" for a, b in network.edges)


def path_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("path ")]


def test_max_rows_limits_the_paths_and_says_more_exist(cli, tmp_path) -> None:
    data = tmp_path / "layers.ttl"
    data.write_text(turtle(layered(6, 4)), encoding="utf-8")
    result = cli("paths", "kg:start", "kg:end", "--data", str(data), "--max-rows", "10")
    assert result.exit_code == 0, result.output
    assert len(path_lines(result.stdout)) == 10
    assert result.stderr == "showing the first 10 paths; more exist (raise --max-rows)\n"
    assert path_lines(result.stdout)[0] == "path 1: start -> end"


def test_max_rows_as_many_as_there_are_says_nothing_more(cli, tmp_path) -> None:
    data = tmp_path / "layers.ttl"
    data.write_text(turtle(layered(2, 2, shortcuts=False)), encoding="utf-8")
    result = cli("paths", "kg:start", "kg:end", "--data", str(data), "--max-rows", "4")
    assert result.exit_code == 0, result.output
    assert len(path_lines(result.stdout)) == 4 and result.stderr == ""
    result = cli("paths", "--data", str(data), "--max-rows", "3")
    assert len(path_lines(result.stdout)) == 3 and "more exist" in result.stderr


def nodes_of(route: list[Hop]) -> list[Term]:
    return [route[0].source, *(each.target for each in route)]


def test_paths_come_shortest_first_then_in_the_order_of_their_iris() -> None:
    network = layered(3, 4)
    network.add_edges_from([(iri(KG["l3-1"]), iri(KG["l1-2"])), (iri(KG.end), iri(KG.start))])
    unsupported(network)
    start, end = iri(KG.start), iri(KG.end)
    expected = sorted(
        nx.all_simple_paths(network, start, end, cutoff=8),
        key=lambda path: (len(path), [node.value for node in path]),
    )
    assert len(expected) > 100
    assert [nodes_of(route) for route in feed_paths(network, start, end)] == expected
    assert [nodes_of(r) for r in feed_paths(network, start, end, max_hops=3)] == [
        path for path in expected if len(path) <= 4
    ]


def test_the_first_paths_of_very_many_cost_little_memory() -> None:
    network = layered(6, 7)  # 6 ** 7 = 279,936 paths of 8 hops, and shorter ones
    tracemalloc.start()
    try:
        routes = feed_paths(network, iri(KG.start), iri(KG.end))
        first = [nodes_of(next(routes)) for _ in range(10)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000
    assert [len(path) for path in first] == [2] + [7] * 9  # start-end, then via kg:l2-0


def test_each_path_is_written_as_soon_as_it_is_found(network, store_engine) -> None:
    """Nothing is held back: when the search fails after two paths, both are written."""
    found = list(feed_paths(network, iri(KG.rockets), iri(KG["ai-chatbots"])))

    def search():
        yield from found
        raise RuntimeError("the search is still going")

    out = io.BytesIO()
    with pytest.raises(RuntimeError):
        write_report(search(), Names(store_engine), out)
    assert path_lines(out.getvalue().decode("utf-8"))[-1].startswith(f"path {len(found)}: ")


def test_the_time_limit_stops_a_long_search(project_copy: Path, tmp_path: Path) -> None:
    data = tmp_path / "layers.ttl"
    data.write_text(turtle(layered(6, 8)), encoding="utf-8")  # 6 ** 8 paths: too long
    args = ["paths", "kg:start", "kg:end", "--data", str(data), "--max-hops", "9"]
    done = run_muskgraph(project_copy, [*args, "--max-rows", "0", "--timeout", "1"], timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode().endswith(
        "the path search was stopped after 1 s (raise the limit with --timeout)\n"
    )
    assert b"Traceback" not in done.stderr


# Finding nodes by name


class Counting:
    """An engine that counts the rows its answers hand to Python."""

    def __init__(self, engine) -> None:
        self.engine, self.rows = engine, 0

    def query(self, text, origin, bindings=None):
        answer = self.engine.query(text, origin, bindings)
        rows = answer.rows

        def counted():
            for row in rows():
                self.rows += 1
                yield row

        answer.rows = counted
        return answer


@pytest.mark.parametrize("name", ["SpaceX", "spacex", "SPACEX", "kg:spacex"])
def test_a_node_is_found_without_reading_every_name(store_engine, name) -> None:
    counting = Counting(store_engine)
    assert find_node(counting, name) == iri(KG.spacex)
    assert counting.rows <= 3


def test_a_start_of_a_label_names_one_node_or_lists_them(store_engine) -> None:
    assert find_node(store_engine, "raketen") == iri(KG.rockets)
    with pytest.raises(
        InputError,
        match="'Sp' names several nodes: kg:boost-for-spacex, kg:spacex, kg:spacex-xai, ",
    ):
        find_node(store_engine, "Sp")


def test_labels_of_the_vocabulary_name_no_node(store_engine) -> None:
    assert find_node(store_engine, "background knowledge") == iri(KG.background)


def test_a_mistyped_name_gets_the_closest_labels(cli) -> None:
    result = cli("paths", "Raketn", "KI-Chatbots")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "\nError: no node is named 'Raketn': did you mean Raketen (kg:rockets)?\n"
    )
    result = cli("paths", "rockets", "Tesla")
    assert result.stderr == "Error: no node is named 'Tesla' (use an IRI, kg:name or a label)\n"


def test_the_readme_shows_what_paths_prints(cli) -> None:
    """Each line of the README's example is printed; a line cut short with … starts one."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```console\n$ muskgraph paths ", 1)[1].split("```", 1)[0]
    for command in example.split("$ muskgraph paths ")[:2]:
        args, *shown = command.splitlines()
        result = cli("paths", *args.split())
        printed = (result.stdout + result.stderr).splitlines()
        for line in shown:
            start = line.split("…")[0]
            assert any(out.startswith(start) for out in printed), line
