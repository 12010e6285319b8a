"""Vertical-integration paths: networkx and SPARQL agree, and every hop has its evidence."""

from __future__ import annotations

import pytest

from graph.errors import InputError
from graph.namespaces import KG, MG
from graph.paths import feed_paths, feeds_network, find_node, reachable
from graph.query import library, run
from graph.store.terms import Term


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
            assert feed_paths(network, a, b), f"networkx finds no path {a} -> {b}"


def test_direct_flag_matches_the_hops(project, store_engine, network) -> None:
    answer = run(store_engine, library(project)["vertical-integration-reach"])
    direct_column = answer.variables.index("direct")
    direct = {(r[0], r[2]) for r in answer.rows() if r[direct_column].value == "true"}
    assert direct == set(network.edges)


def test_every_hop_is_supported_by_a_claim_with_status_and_source(network) -> None:
    assert network.number_of_edges() >= 4
    for a, b, data in network.edges(data=True):
        assert data["support"], f"hop {a} -> {b} has no claim"
        for support in data["support"]:
            if support.status == iri(MG.BackgroundKnowledge):
                assert support.source == iri(KG.background) and support.quote is None
                assert support.basis, f"hop {a} -> {b}: background claim says nothing"
            else:
                assert support.quote, f"hop {a} -> {b}: article claim without quote"


def test_paths_are_simple_and_shortest_first(network) -> None:
    for a in network:
        for b in network:
            if a == b:
                continue
            routes = feed_paths(network, a, b)
            lengths = [len(route) for route in routes]
            assert lengths == sorted(lengths)
            for route in routes:
                nodes = [route[0].source, *(hop.target for hop in route)]
                assert len(set(nodes)) == len(nodes)
                assert nodes[0] == a and nodes[-1] == b


def test_rockets_feed_the_ai_chatbots_through_orbital_data_centres(network) -> None:
    routes = feed_paths(network, iri(KG.rockets), iri(KG["ai-chatbots"]))
    assert [hop.target for hop in routes[0]] == [
        iri(KG["orbital-data-centres"]),
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
