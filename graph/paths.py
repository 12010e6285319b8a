"""Vertical-integration paths: which business line feeds which, hop by hop, with evidence."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from operator import attrgetter
from typing import BinaryIO

import networkx as nx

from graph.names import Names
from graph.query import Engine
from graph.store.terms import Term

_HOP_EVIDENCE = """
SELECT ?from ?to ?claim ?attribution ?modality ?source ?quote ?basis WHERE {
  ?from mg:feeds ?to .
  OPTIONAL {
    ?claim rdf:subject ?from ; rdf:predicate mg:feeds ; rdf:object ?to ;
           mg:attribution ?attribution ; mg:modality ?modality .
    { ?claim prov:wasDerivedFrom ?source FILTER NOT EXISTS { ?claim mg:inferredBy ?rule } }
    UNION { ?claim mg:inferredBy ?source }
    OPTIONAL { ?claim mg:evidence/oa:hasSelector/oa:exact ?quote }
    OPTIONAL { ?claim rdfs:comment ?basis FILTER (langMatches(lang(?basis), "en")) }
  }
}
"""


@dataclass(frozen=True, order=True)
class Support:
    """One claim behind a hop: on whose word (its attribution), what kind of statement,
    its source (the rule, for an inference), the quote if it has one, and its comment."""

    claim: Term
    attribution: Term
    modality: Term
    source: Term
    quote: str | None
    basis: str | None


@dataclass(frozen=True)
class Hop:
    source: Term
    target: Term
    support: tuple[Support, ...]


def feeds_network(engine: Engine) -> nx.DiGraph:
    """The mg:feeds edges as a directed graph; each edge carries the claims that support it."""
    network = nx.DiGraph()
    for start, end, claim, attribution, modality, source, quote, basis in engine.query(
        _HOP_EVIDENCE, "<feeds>"
    ).rows():
        network.add_edge(start, end)
        supports = network.edges[start, end].setdefault("support", set())
        if claim is not None:
            supports.add(Support(claim, attribution, modality, source, _text(quote), _text(basis)))
    return network


def _text(term: Term | None) -> str | None:
    return None if term is None else term.value


def hop(network: nx.DiGraph, start: Term, end: Term) -> Hop:
    return Hop(start, end, tuple(sorted(network.edges[start, end]["support"])))


def feed_paths(
    network: nx.DiGraph, source: Term, target: Term, max_hops: int = 8
) -> Iterator[list[Hop]]:
    """The simple mg:feeds paths from source to target, yielded as they are found:
    shortest first, and paths of one length in the order of their nodes' IRIs.

    For each length a depth-first search with sorted successors finds the paths of
    exactly that length in that order, so memory holds one path, not all of them (their
    number grows exponentially with the length). It enters only nodes that are still
    close enough to the target."""
    if source == target or source not in network or target not in network:
        return
    to_target = nx.single_source_shortest_path_length(
        network.reverse(copy=False), target, cutoff=max_hops
    )
    if source not in to_target:
        return
    successors: dict[Term, list[Term]] = {}
    hops = functools.cache(lambda a, b: hop(network, a, b))

    def onward(node: Term) -> list[Term]:
        if node not in successors:
            near = (n for n in network.successors(node) if n in to_target)
            successors[node] = sorted(near, key=attrgetter("value"))
        return successors[node]

    for length in range(to_target[source], max_hops + 1):
        path, on_path, choices = [source], {source}, [iter(onward(source))]
        while choices:
            left = length - len(path)  # hops left once the next node is entered
            for node in choices[-1]:
                if node == target:
                    if not left:
                        yield [hops(a, b) for a, b in pairwise([*path, target])]
                elif node not in on_path and to_target[node] <= left:
                    path.append(node)
                    on_path.add(node)
                    choices.append(iter(onward(node)))
                    break
            else:
                choices.pop()
                on_path.discard(path.pop())


def direct_hops(network: nx.DiGraph) -> list[list[Hop]]:
    """Every hop, as a path of its own, in the order of the IRIs."""
    return [[hop(network, a, b)] for a, b in sorted(network.edges)]


def reachable(network: nx.DiGraph) -> set[tuple[Term, Term]]:
    """All pairs (a, b) joined by one or more mg:feeds hops (a line in a cycle reaches itself)."""
    return {
        (a, b)
        for a in network
        for first in network.successors(a)
        for b in {first} | nx.descendants(network, first)
    }


def write_report(
    routes: Iterable[list[Hop]], names: Names, out: BinaryIO, max_paths: int = 0
) -> tuple[int, bool]:
    """Write each route as soon as it comes, each hop with the attribution, modality,
    source and quote of its claims; at most `max_paths` (0: all). Gives how many were
    written, and whether more exist."""
    written = 0
    told: dict[tuple[Term, Term], str] = {}  # each hop's text, made once: paths share hops
    for route in routes:
        if max_paths and written == max_paths:
            return written, True
        written += 1
        out.write(_route_text(route, names, written, told).encode("utf-8"))
        out.flush()
    return written, False


def hop_terms(route: list[Hop]) -> Iterator[Term]:
    """The terms a route is told with: its business lines, and its claims' attributions,
    modalities and sources."""
    for each in route:
        yield from (each.source, each.target)
        for support in each.support:
            yield from (support.attribution, support.modality, support.source)


def _route_text(
    route: list[Hop], names: Names, number: int, told: dict[tuple[Term, Term], str]
) -> str:
    names.learn(hop_terms(route))  # one query, for the terms not named before
    chain = " -> ".join(names.label(n) for n in [route[0].source, *(h.target for h in route)])
    steps = []
    for step, each in enumerate(route, 1):
        key = (each.source, each.target)
        if key not in told:
            told[key] = _hop_text(each, names)
        steps.append(f"  {step}. {told[key]}")
    return f"path {number}: {chain}\n{''.join(steps)}"


def _hop_text(each: Hop, names: Names) -> str:
    """A hop and its claims, after its number."""
    lines = [f"{names.node(each.source)} feeds {names.node(each.target)}"]
    if not each.support:
        lines.append("     (no claim supports this hop)")
    for support in each.support:
        said = f"„{support.quote}“" if support.quote else support.basis or ""
        lines.append(f"     [{_attribution(support, names)}] {said}".rstrip())
    return "".join(f"{line}\n" for line in lines)


def _attribution(support: Support, names: Names) -> str:
    """On whose word, what kind of statement, and the source, in words; the source once
    only when it reads as the attribution (background knowledge is both)."""
    attribution, source = names.label(support.attribution), names.label(support.source)
    said = f"{attribution}, {names.label(support.modality)}"
    return said if attribution == source else f"{said}, {source}"
