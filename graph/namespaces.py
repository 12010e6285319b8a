"""rdflib namespaces for the IRIs in `graph.prefixes`, and binding them on graphs."""

from __future__ import annotations

from typing import TypeVar

from rdflib import Graph, Namespace

from graph.prefixes import ONTOLOGY_IRI, PREFIXES

MG = Namespace(PREFIXES["mg"])
KG = Namespace(PREFIXES["kg"])
OA = Namespace(PREFIXES["oa"])
WD = Namespace(PREFIXES["wd"])

__all__ = ["KG", "MG", "OA", "ONTOLOGY_IRI", "PREFIXES", "WD", "bind_prefixes"]

AnyGraph = TypeVar("AnyGraph", bound=Graph)


def bind_prefixes(graph: AnyGraph) -> AnyGraph:
    """Bind the project's prefixes (replacing rdflib's defaults) and return the graph."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace), override=True, replace=True)
    return graph
