"""Oxigraph terms, triples and quads handed to rdflib, for code that needs rdflib's API.

rdflib is imported when these are called, never at import.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from graph.store.terms import Term, from_oxigraph, plain_literal


def _not_a_failed_conversion(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Failed to convert Literal lexical form")


# rdflib logs a warning with a whole traceback for every ill-typed literal it makes
# ("2025-13-45"^^xsd:date); such a literal is data, kept and shown as it is written.
logging.getLogger("rdflib.term").addFilter(_not_a_failed_conversion)


class RdflibTerms(dict):
    """rdflib terms for Oxigraph terms or Terms, each distinct term converted once.

    A term met again is the same object, which rdflib compares fastest (its terms compare
    in Python). Literals keep the form the store has: by default rdflib rewrites
    "2025-02-02Z"^^xsd:date as "2025-02-02" (RDFLib/rdflib#803).
    """

    def __missing__(self, term: Any) -> Any:
        plain = term if isinstance(term, Term) else from_oxigraph(term)
        converted = self[term] = to_rdflib(plain, normalize=False)
        return converted


def rdflib_triples(triples: Iterable[tuple[Any, Any, Any]]) -> set[tuple[Any, Any, Any]]:
    """Triples of Oxigraph terms or Terms as the set of their rdflib triples: a triple
    given more than once (held by several graphs) is in it once."""
    terms = RdflibTerms()
    return {(terms[s], terms[p], terms[o]) for s, p, o in triples}


def rdflib_dataset(quads: Iterable[ox.Quad]) -> Any:
    """An rdflib Dataset (queried as the union of its graphs) of Oxigraph quads.

    Terms are converted one by one: rdflib's N-Quads parser rescans its whole buffer for
    every 2 KB it reads, so one literal of a few megabytes took minutes to parse.
    """
    from rdflib import Dataset
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from graph.namespaces import bind_prefixes

    dataset = bind_prefixes(Dataset(default_union=True))
    graphs: dict[Any, Any] = {}
    terms = RdflibTerms()
    for quad in quads:
        name = quad.graph_name
        if name not in graphs:
            graphs[name] = (
                dataset.graph(DATASET_DEFAULT_GRAPH_ID)
                if isinstance(name, ox.DefaultGraph)
                else dataset.graph(terms[name])
            )
        graphs[name].add((terms[quad.subject], terms[quad.predicate], terms[quad.object]))
    return dataset


def rdflib_graph(triples: Iterable[ox.Triple]) -> Any:
    """An rdflib Graph of Oxigraph triples (or of the triples of quads)."""
    from rdflib import Graph

    from graph.namespaces import bind_prefixes

    graph = bind_prefixes(Graph())
    terms = RdflibTerms()
    for triple in triples:
        graph.add((terms[triple.subject], terms[triple.predicate], terms[triple.object]))
    return graph


def from_rdflib(term: Any) -> Term | None:
    from rdflib import BNode, Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return plain_literal(str(term), term.language, datatype)
    return Term("bnode" if isinstance(term, BNode) else "iri", str(term))


def to_rdflib(term: Term, normalize: bool | None = None) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term.kind == "iri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    return Literal(term.value, lang=term.language, datatype=term.datatype, normalize=normalize)
