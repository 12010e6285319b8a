"""Names and tooltip texts for the nodes and edges of a graph, with their evidence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from graph.namespaces import MG, OA, bind_prefixes

LABELS = (RDFS.label, SKOS.prefLabel)


@dataclass(frozen=True)
class Claim:
    statement: tuple[Node, Node, Node]
    status: Node | None
    quotes: tuple[str, ...]
    comments: tuple[str, ...]


class Describer:
    """Names and tooltip texts for the nodes and edges of one graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.names = bind_prefixes(Graph()).namespace_manager
        for prefix, namespace in graph.namespaces():
            if prefix and prefix not in dict(self.names.namespaces()):
                self.names.bind(prefix, namespace)
        self.claims = [self._claim(c) for c in set(graph.subjects(RDF.subject, None))]

    def _claim(self, claim: Node) -> Claim:
        g = self.graph
        statement = (
            g.value(claim, RDF.subject),
            g.value(claim, RDF.predicate),
            g.value(claim, RDF.object),
        )
        quotes = {
            str(exact)
            for evidence in g.objects(claim, MG.evidence)
            for selector in g.objects(evidence, OA.hasSelector)
            for exact in g.objects(selector, OA.exact)
        }
        comments = {str(c) for c in g.objects(claim, RDFS.comment)}
        return Claim(
            statement, g.value(claim, MG.status), tuple(sorted(quotes)), tuple(sorted(comments))
        )

    def qname(self, term: Node) -> str:
        if isinstance(term, URIRef):
            try:
                return self.names.curie(term, generate=False)
            except (KeyError, ValueError):
                return str(term)
        return str(term)

    def _labels(self, term: Node) -> list[Literal]:
        found = {o for p in LABELS for o in self.graph.objects(term, p) if isinstance(o, Literal)}
        order = {"de": 0, "en": 1}
        return sorted(
            found, key=lambda lit: (order.get(lit.language or "", 2), lit.language or "", str(lit))
        )

    def label(self, term: Node) -> str:
        """The English label, else German, else any label, else the prefixed name."""
        labels = self._labels(term)
        for language in ("en", "de"):
            for lit in labels:
                if lit.language == language:
                    return str(lit)
        return str(labels[0]) if labels else self.qname(term)

    def predicate(self, predicate: Node) -> str:
        """The predicate's rdfs:label in English, else its prefixed name."""
        for lit in sorted(self.graph.objects(predicate, RDFS.label), key=str):
            if isinstance(lit, Literal) and lit.language == "en":
                return str(lit)
        return self.qname(predicate)

    def value(self, term: Node) -> str:
        if isinstance(term, Literal):
            return f"{term} ({term.language})" if term.language else str(term)
        return self.qname(term)

    def status(self, status: Node | None) -> str:
        if status is None:
            return "no status"
        if status == MG.BackgroundKnowledge:
            return "background knowledge"
        for p in (SKOS.prefLabel, RDFS.label):
            for lit in sorted(self.graph.objects(status, p), key=str):
                if isinstance(lit, Literal) and lit.language == "en":
                    return str(lit)
        local = self.qname(status).rpartition(":")[2]
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()

    def evidence(self, claims: Iterable[Claim]) -> list[str]:
        lines = []
        entries = set()
        for claim in claims:
            head = f"\u2022 {self.statement(*claim.statement)}"
            body = [f"  \u201e{q}\u201c" for q in claim.quotes] + [f"  {c}" for c in claim.comments]
            entries.add((head, self.status(claim.status), tuple(body)))
        for head, status, body in sorted(entries):
            lines.append(f"{head} [{status}]")
            lines.extend(body)
        return ["", "Evidence:", *lines] if lines else []

    def node_title(self, node: URIRef, values: Iterable[tuple[Node, Node]]) -> str:
        lines = [self.label(node)]
        lines += [f"label ({lit.language or '-'}): {lit}" for lit in self._labels(node)]
        lines.append(f"IRI: {self.qname(node)}")
        types = sorted(self.qname(t) for t in self.graph.objects(node, RDF.type))
        if types:
            lines.append("type: " + ", ".join(types))
        lines += sorted(f"{self.predicate(p)}: {self.value(o)}" for p, o in values)
        claims = [c for c in self.claims if node in (c.statement[0], c.statement[2])]
        return "\n".join(lines + self.evidence(claims))

    def statement(self, s: Node, p: Node, o: Node) -> str:
        target = self.value(o) if isinstance(o, Literal) else self.label(o)
        return f"{self.label(s)} \u2014 {self.predicate(p)} \u2192 {target}"

    def edge_title(self, edge: tuple[URIRef, URIRef, URIRef]) -> str:
        lines = [self.statement(*edge), self.qname(edge[1])]
        return "\n".join(lines + self.evidence(c for c in self.claims if c.statement == edge))
