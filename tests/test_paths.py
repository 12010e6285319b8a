"""Vertical-integration paths: networkx and SPARQL agree, and every hop has its evidence."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph.errors import InputError
from graph.namespaces import KG, MG
from graph.paths import feed_paths, feeds_network, find_node, reachable
from graph.query import library, run


def test_sparql_reachability_and_networkx_paths_agree(project, dataset) -> None:
    rows = run(dataset, library(project)["vertical-integration-reach"])
    from_sparql = {(row["from"], row["to"]) for row in rows}
    assert from_sparql
    assert from_sparql == reachable(dataset)
    for a, b in from_sparql:
        if a != b:
            assert feed_paths(dataset, a, b), f"networkx finds no path {a} -> {b}"


def test_direct_flag_matches_the_hops(project, dataset) -> None:
    rows = run(dataset, library(project)["vertical-integration-reach"])
    direct = {(row["from"], row["to"]) for row in rows if row.direct.toPython()}
    assert direct == set(feeds_network(dataset).edges)


def test_every_hop_is_supported_by_a_claim_with_status_and_source(dataset) -> None:
    network = feeds_network(dataset)
    assert network.number_of_edges() >= 4
    for a, b, data in network.edges(data=True):
        supports = data.get("support")
        assert supports, f"hop {a} -> {b} has no claim"
        for support in supports:
            if support.status == MG.BackgroundKnowledge:
                assert support.source == KG.background and support.quote is None
            else:
                assert support.quote, f"hop {a} -> {b}: article claim without quote"


def test_paths_are_simple_and_shortest_first(dataset) -> None:
    network = feeds_network(dataset)
    for a in network:
        for b in network:
            if a == b:
                continue
            routes = feed_paths(dataset, a, b)
            lengths = [len(route) for route in routes]
            assert lengths == sorted(lengths)
            for route in routes:
                nodes = [route[0].source, *(hop.target for hop in route)]
                assert len(set(nodes)) == len(nodes)
                assert nodes[0] == a and nodes[-1] == b


def test_find_node_by_label_local_name_and_prefixed_name(dataset) -> None:
    spacex = KG.spacex
    assert find_node(dataset, "kg:spacex") == spacex
    assert find_node(dataset, "spacex") == spacex
    assert find_node(dataset, "SpaceX") == spacex
    assert find_node(dataset, f"<{spacex}>") == URIRef(spacex)


def test_find_node_unknown_name(dataset) -> None:
    with pytest.raises(InputError, match="no node is named 'Tesla'"):
        find_node(dataset, "Tesla")


def test_paths_command_prints_every_hop_with_its_quote(cli, dataset) -> None:
    network = feeds_network(dataset)
    a, b = next(iter(sorted(network.edges)))
    result = cli("paths", str(a.n3()), str(b.n3()))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("path 1: ")
    for support in network.edges[a, b]["support"]:
        assert (support.quote or "mg:BackgroundKnowledge") in result.stdout


def test_paths_command_without_a_path(cli) -> None:
    result = cli("paths", "kg:musk", "kg:spacex")
    assert result.exit_code == 1
    assert result.stderr == "no path from kg:musk to kg:spacex\n"
