"""A remote SPARQL endpoint as an engine: the same answers, read over the SPARQL Protocol.

The protocol has no way to bind variables apart from the query text, so parameters go
in as a trailing VALUES clause written from parsed RDF terms (never from the text the
user typed), which the standard joins with the query's pattern.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox

from graph import sandbox
from graph.prefixes import PREFIXES
from graph.remote import Endpoint, NotSparqlError, sparql_query
from graph.store.answer import Answer
from graph.store.rdflib_bridge import rdflib_triples
from graph.store.terms import Term, from_oxigraph

_JSON = "application/sparql-results+json"
# The prefixes local engines know without declarations; a query's own declarations,
# which come after, win.
_PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
_NTRIPLES = "application/n-triples"


def _term(binding: dict[str, str]) -> Term:
    kind = binding["type"]
    if kind == "uri":
        return Term("iri", binding["value"])
    if kind == "bnode":
        return Term("bnode", binding["value"])
    datatype = binding.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return Term("literal", binding["value"], binding.get("xml:lang"), datatype)


class RemoteAnswer(Answer):
    def __init__(self, form: str, body: bytes, origin: str) -> None:
        self.form = "CONSTRUCT" if form in ("CONSTRUCT", "DESCRIBE") else form
        self.variables: list[str] = []
        self._body, self._origin = body, origin
        if self.form != "CONSTRUCT":
            try:
                self._document = json.loads(body)
            except ValueError:
                raise NotSparqlError(f"{origin}: the endpoint's answer is not JSON") from None
            self.variables = self._document.get("head", {}).get("vars", [])

    def rows(self) -> Iterator[tuple[Term | None, ...]]:
        for binding in self._document.get("results", {}).get("bindings", []):
            yield tuple(_term(binding[v]) if v in binding else None for v in self.variables)

    def boolean(self) -> bool:
        return bool(self._document.get("boolean"))

    def triples(self) -> Iterator[tuple[Term, Term, Term]]:
        for quad in ox.parse(self._body, format=ox.RdfFormat.N_TRIPLES):
            yield tuple(from_oxigraph(t) for t in (quad.subject, quad.predicate, quad.object))

    def is_empty(self) -> bool:
        """No rows, no triples, or a false ASK."""
        if self.form == "CONSTRUCT":
            return not self._body.strip()
        if self.form == "ASK":
            return not self.boolean()
        return not self._document.get("results", {}).get("bindings")


class RemoteEngine:
    """Queries answered by a SPARQL 1.1 Protocol endpoint.

    A store may keep pushed data in named graphs and answer queries from an empty
    default graph (`oxigraph serve` without --union-default-graph): every answer is then
    empty. The first empty answer has the store asked whether that is so, and `notice`
    told what to do about it. Queries are checked by the sandbox again (their form says
    what to accept), with the SERVICE endpoints in `services` allowed.
    """

    def __init__(
        self, endpoint: Endpoint, notice: Callable[[str], None], services: tuple[str, ...] = ()
    ) -> None:
        self.endpoint = endpoint
        self._notice = notice
        self._services = services
        self._checked = False

    def query(
        self, text: str, origin: str, bindings: dict[str, Term] | None = None, union: bool = True
    ) -> Answer:
        form = sandbox.check(text, origin, self._services).form or "SELECT"
        if bindings:
            names = " ".join(f"?{name}" for name in bindings)
            values = " ".join(term.n3() for term in bindings.values())
            text = f"{text}\nVALUES ({names}) {{ ({values}) }}"
        accept = _NTRIPLES if form in ("CONSTRUCT", "DESCRIBE") else _JSON
        body, _ = sparql_query(self.endpoint, _PROLOGUE + text, accept)
        answer = RemoteAnswer(form, body, origin)
        if not self._checked and answer.is_empty():
            self._checked = True
            self._check_default_graph()
        return answer

    def _ask(self, text: str) -> RemoteAnswer:
        return RemoteAnswer("ASK", sparql_query(self.endpoint, text, _JSON)[0], text)

    def _check_default_graph(self) -> None:
        if self._ask("ASK { ?s ?p ?o }").boolean():
            return
        if not self._ask("ASK { GRAPH ?g { ?s ?p ?o } }").boolean():
            return  # the store is empty
        count = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        graphs = next(self._ask(count).rows())[0]
        self._notice(
            f"warning: {self.endpoint.query_url} has an empty default graph but "
            f"{graphs.value if graphs else 'some'} named graphs: start the server with "
            "--union-default-graph (oxigraph serve), or query with FROM or GRAPH"
        )

    def graph_names(self) -> set[str]:
        answer = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", "<graphs>")
        return {row[0].value for row in answer.rows() if row[0] is not None}

    def union(self) -> set[tuple[Any, Any, Any]]:
        """Every triple the endpoint's default graph holds, as rdflib triples to draw."""
        return rdflib_triples(self.query("CONSTRUCT WHERE { ?s ?p ?o }", "<everything>").triples())
