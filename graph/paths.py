"""Vertical-integration paths: which business line feeds which, hop by hop, with evidence."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import networkx as nx
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from graph.errors import InputError
from graph.namespaces import PREFIXES, bind_prefixes

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


_VOCABULARY_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.Ontology,
    RDF.Property,
    RDFS.Class,
}


@dataclass(frozen=True)
class Support:
    """One claim behind a hop: status, source, the quote if it has one, and its comment."""

    claim: URIRef
    status: URIRef
    source: URIRef
    quote: str | None
    basis: str | None


@dataclass(frozen=True)
class Hop:
    source: URIRef
    target: URIRef
    support: tuple[Support, ...]


def feeds_network(graph: Graph) -> nx.DiGraph:
    """The mg:feeds edges as a directed graph; each edge carries the claims that support it."""
    network = nx.DiGraph()
    for row in graph.query(_HOP_EVIDENCE, initNs=PREFIXES):
        network.add_edge(row["from"], row.to)
        if row.claim is not None:
            support = Support(row.claim, row.status, row.source, _text(row.quote), _text(row.basis))
            network.edges[row["from"], row.to].setdefault("support", set()).add(support)
    return network


def _text(literal: Literal | None) -> str | None:
    return None if literal is None else str(literal)


def find_node(graph: Graph, name: str) -> URIRef:
    """A node by IRI, prefixed name, local name or label (any language, any case).

    A name that matches no label exactly may match the start of one label, if only one.
    """
    names = bind_prefixes(Graph()).namespace_manager
    if name.startswith("<") and name.endswith(">"):
        return URIRef(name[1:-1])
    prefix, _, local = name.partition(":")
    if local and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    wanted = name.casefold()
    nodes = {
        s
        for s, kind in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and kind not in _VOCABULARY_TYPES
    } - {s for kind in _VOCABULARY_TYPES for s in graph.subjects(RDF.type, kind)}
    matches = {
        s
        for s in nodes
        if s.n3(names).split(":", 1)[-1].casefold() == wanted
        or any(str(label).casefold() == wanted for label in graph.objects(s, RDFS.label))
    } or {
        s
        for s in nodes
        if any(str(label).casefold().startswith(wanted) for label in graph.objects(s, RDFS.label))
    }
    if len(matches) == 1:
        return matches.pop()
    if not matches:
        raise InputError(f"no node is named {name!r} (use an IRI, kg:name or a label)")
    listed = ", ".join(sorted(m.n3(names) for m in matches))
    raise InputError(f"{name!r} names several nodes: {listed}")


def feed_paths(graph: Graph, source: URIRef, target: URIRef, cutoff: int = 8) -> list[list[Hop]]:
    """Every simple mg:feeds path from source to target, shortest first."""
    network = feeds_network(graph)
    if source not in network or target not in network:
        return []
    paths = nx.all_simple_paths(network, source, target, cutoff=cutoff)
    ordered = sorted(paths, key=lambda path: (len(path), [str(node) for node in path]))
    return [
        [
            Hop(a, b, tuple(sorted(network.edges[a, b].get("support", ()), key=_support_key)))
            for a, b in pairwise(path)
        ]
        for path in ordered
    ]


def _support_key(support: Support) -> tuple[str, str]:
    return (str(support.claim), support.quote or "")


def reachable(graph: Graph) -> set[tuple[URIRef, URIRef]]:
    """All pairs (a, b) joined by one or more mg:feeds hops (a line in a cycle reaches itself)."""
    network = feeds_network(graph)
    return {
        (a, b)
        for a in network
        for first in network.successors(a)
        for b in {first} | nx.descendants(network, first)
    }
