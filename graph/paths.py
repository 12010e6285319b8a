"""Vertical-integration paths: which business line feeds which, hop by hop, with evidence."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from graph.errors import InputError
from graph.prefixes import PREFIXES
from graph.query import Engine
from graph.store.terms import Term, is_iri

_HOP_EVIDENCE = """
SELECT ?from ?to ?claim ?status ?source ?quote ?basis WHERE {
  ?from mg:feeds ?to .
  OPTIONAL {
    ?claim rdf:subject ?from ; rdf:predicate mg:feeds ; rdf:object ?to ;
           mg:status ?status ; prov:wasDerivedFrom ?source .
    OPTIONAL { ?claim mg:evidence/oa:hasSelector/oa:exact ?quote }
    OPTIONAL { ?claim rdfs:comment ?basis FILTER (langMatches(lang(?basis), "en")) }
  }
}
"""

# Individuals with a name: anything typed that is not itself a class or property.
_NAMED = """
SELECT DISTINCT ?node ?label WHERE {
  ?node a ?type .
  FILTER (isIRI(?node))
  FILTER NOT EXISTS {
    VALUES ?vocabulary { owl:Class owl:ObjectProperty owl:DatatypeProperty
                         owl:AnnotationProperty owl:Ontology rdf:Property rdfs:Class }
    ?node a ?vocabulary .
  }
  OPTIONAL { ?node rdfs:label ?label }
}
"""


@dataclass(frozen=True, order=True)
class Support:
    """One claim behind a hop: status, source, the quote if it has one, and its comment."""

    claim: Term
    status: Term
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
    for start, end, claim, status, source, quote, basis in engine.query(
        _HOP_EVIDENCE, "<feeds>"
    ).rows():
        network.add_edge(start, end)
        supports = network.edges[start, end].setdefault("support", set())
        if claim is not None:
            supports.add(Support(claim, status, source, _text(quote), _text(basis)))
    return network


def _text(term: Term | None) -> str | None:
    return None if term is None else term.value


def hop(network: nx.DiGraph, start: Term, end: Term) -> Hop:
    return Hop(start, end, tuple(sorted(network.edges[start, end]["support"])))


_OCCURS = "ASK { { ?node ?p ?o } UNION { ?s ?p ?node } }"


def _known(engine: Engine, name: str, iri: str) -> Term:
    """The node with this IRI, if the graph has it (a typo is no node, not a missing path)."""
    if not is_iri(iri):
        raise InputError(f"{name!r} is not an IRI")
    node = Term("iri", iri)
    if not engine.query(_OCCURS, "<names>", {"node": node}).boolean():
        raise InputError(f"no node is named {name!r} (use an IRI, kg:name or a label)")
    return node


def find_node(engine: Engine, name: str) -> Term:
    """A node by IRI, prefixed name, local name or label (any language, any case).

    A name that matches no label exactly may match the start of one label, if only one.
    """
    if not name.strip():
        raise InputError("a node name cannot be empty")
    prefix, _, local = name.partition(":")
    if name.startswith("<") and name.endswith(">"):
        return _known(engine, name, name[1:-1])
    if local and prefix in PREFIXES:
        return _known(engine, name, PREFIXES[prefix] + local)
    wanted = name.casefold()
    labels: dict[Term, set[str]] = {}
    for node, label in engine.query(_NAMED, "<names>").rows():
        labels.setdefault(node, set()).update([label.value.casefold()] if label else [])
    exact = {
        node
        for node, names in labels.items()
        if node.text().split(":", 1)[-1].casefold() == wanted or wanted in names
    }
    matches = exact or {
        n for n, names in labels.items() if any(x.startswith(wanted) for x in names)
    }
    if len(matches) == 1:
        return matches.pop()
    if not matches:
        raise InputError(f"no node is named {name!r} (use an IRI, kg:name or a label)")
    listed = ", ".join(sorted(m.text() for m in matches))
    raise InputError(f"{name!r} names several nodes: {listed}")


def feed_paths(network: nx.DiGraph, source: Term, target: Term, cutoff: int = 8) -> list[list[Hop]]:
    """Every simple mg:feeds path from source to target, shortest first."""
    if source not in network or target not in network:
        return []
    paths = nx.all_simple_paths(network, source, target, cutoff=cutoff)
    ordered = sorted(paths, key=lambda path: (len(path), [node.value for node in path]))
    return [[hop(network, a, b) for a, b in pairwise(path)] for path in ordered]


def reachable(network: nx.DiGraph) -> set[tuple[Term, Term]]:
    """All pairs (a, b) joined by one or more mg:feeds hops (a line in a cycle reaches itself)."""
    return {
        (a, b)
        for a in network
        for first in network.successors(a)
        for b in {first} | nx.descendants(network, first)
    }


def report(routes: list[list[Hop]]) -> str:
    """Routes as text: each hop with the status, source and quote of its claims."""
    lines = []
    for number, route in enumerate(routes, 1):
        chain = " -> ".join(n.text() for n in [route[0].source, *(h.target for h in route)])
        lines.append(f"path {number}: {chain}")
        for step, each in enumerate(route, 1):
            lines.append(f"  {step}. {each.source.text()} feeds {each.target.text()}")
            if not each.support:
                lines.append("     (no claim supports this hop)")
            for support in each.support:
                said = f"„{support.quote}“" if support.quote else support.basis or ""
                lines.append(f"     [{support.status.text()}, {support.source.text()}] {said}")
    return "".join(f"{line}\n" for line in lines)
