"""Which IRIs of a graph are the individuals its facts talk about, and which of its
triples are facts: not the claim machinery, not ontology or schema terms, not labels."""

from __future__ import annotations

import functools

from rdflib import OWL, RDF, RDFS, SDO, SKOS, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from graph.describe import Index
from graph.namespaces import MG, OA
from graph.style import FAMILIES, GROUPS, Family, Group

__all__ = ["Terms", "facts"]


# Predicates that describe a node or belong to the claim machinery, never facts.
_NOT_FACTS = frozenset(
    {
        RDFS.label,
        RDFS.comment,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.definition,
        SKOS.inScheme,
        SDO.sameAs,
        SDO.name,
        OWL.sameAs,
        MG.attribution,
        MG.modality,
        MG.evidence,
        PROV.wasDerivedFrom,
    }
)
_NOT_FACT_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(OA))
# IRIs in these namespaces are ontology or schema terms: shown in tooltips, never nodes.
_VOCABULARIES = (
    str(MG),
    str(RDF),
    str(RDFS),
    str(OWL),
    str(SKOS),
    str(SDO),
    str(PROV),
    str(OA),
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/ns/shacl#",
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/2006/time#",
    "http://purl.org/dc/terms/",
    "https://spec.edmcouncil.org/fibo/ontology/",
    "http://www.opengis.net/def/",  # reference systems and units, e.g. time:hasTRS's
)
_TYPE = RDF.type  # rdflib makes a new URIRef on every RDF.type
_TERM_TYPES = frozenset(
    {
        RDFS.Class,
        OWL.Class,
        RDF.Property,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.Ontology,
        SKOS.ConceptScheme,
        URIRef("http://www.w3.org/ns/shacl#NodeShape"),
        URIRef("http://www.w3.org/ns/shacl#PropertyShape"),
    }
)


class Terms:
    """Which IRIs are the individuals of the facts, the family each is drawn in and the
    group of the whole-graph view it stands in."""

    def __init__(self, index: Index) -> None:
        self.index = index
        # Claim machinery, and ontology or schema terms outside the vocabularies' namespaces
        self.excluded = _machinery(index)
        self.excluded.update(s for s, cls in index.pairs(_TYPE) if cls in _TERM_TYPES)
        self._family_rank: dict[Node, int] = {}  # class -> position of its family in FAMILIES
        self._group_rank: dict[Node, int] = {}  # class -> position of its group in GROUPS
        self.type = index.own(_TYPE)
        self.not_facts = frozenset(map(index.own, _NOT_FACTS))

    def is_node(self, term: Node) -> bool:
        return (
            isinstance(term, URIRef)
            and term not in self.excluded
            and not str.startswith(term, _VOCABULARIES)  # not URIRef.startswith: no tuples
        )

    def family(self, node: Node) -> Family:
        """The first family in FAMILIES that one of the node's types falls under."""
        return FAMILIES[self._first(node, FAMILIES, self._family_rank)]

    def group(self, node: Node) -> int:
        """The position in GROUPS of the first group one of the node's types falls under."""
        return self._first(node, GROUPS, self._group_rank)

    def _first(self, node: Node, kinds: tuple[Family | Group, ...], ranks: dict) -> int:
        """The first of kinds (the last has no roots and takes the rest) that one of the
        node's types falls under; ranks caches the answer for each class."""
        types = self.index.objects(node, self.type)
        if not types:
            return len(kinds) - 1
        found = len(kinds) - 1
        for cls in types:
            rank = ranks.get(cls)
            if rank is None:
                classes = self.index.ancestors(cls)
                rank = ranks[cls] = next(
                    i for i, k in enumerate(kinds) if not k.roots or classes.intersection(k.roots)
                )
            found = min(found, rank)
        return found


def _machinery(index: Index) -> set[Node]:
    """Claims, their quotes and selectors, sources, the attributions that say on whose
    word a claim is and the rules that inferred it: never nodes of the facts."""
    roots = (MG.Claim, RDF.Statement, MG.Source, MG.SourceDocument, MG.BackgroundKnowledge)
    excluded: set[Node] = set()
    for s, cls in index.pairs(_TYPE):
        if isinstance(cls, URIRef) and (
            str(cls).startswith(str(OA)) or not index.ancestors(cls).isdisjoint(roots)
        ):
            excluded.add(s)
    excluded.update(s for s, _ in index.pairs(RDF.subject))
    for p in (
        MG.evidence,
        OA.hasSelector,
        OA.hasSource,
        PROV.wasDerivedFrom,
        PROV.qualifiedAttribution,
        MG.inferredBy,
    ):
        excluded.update(o for _, o in index.pairs(p))
    return excluded


def facts(
    index: Index, terms: Terms, only: set[URIRef] | None, predicates: set[URIRef] | None
) -> tuple[set[URIRef], set[tuple[URIRef, URIRef, URIRef]], set[tuple[Node, Node, Node]]]:
    """The nodes, the IRI-to-IRI fact edges and the literal (or vocabulary) values of
    the facts: only those between the nodes ``only``, if given; only the edges with
    ``predicates`` and the nodes they join, if given."""
    not_facts = terms.not_facts
    is_node = functools.cache(terms.is_node)  # each node is the object of several facts
    edges: set[tuple[URIRef, URIRef, URIRef]] = set()
    values: set[tuple[Node, Node, Node]] = set()
    subjects: set[URIRef] = set()  # nodes that state at least one fact
    for s, objects in index.by_subject.items():
        if not is_node(s):
            continue
        for p, found in objects.items():
            if p in not_facts or str.startswith(p, _NOT_FACT_NAMESPACES):
                continue
            for o in found:
                if isinstance(o, URIRef) and is_node(o):
                    edges.add((s, p, o))
                elif isinstance(o, (URIRef, Literal)):
                    values.add((s, p, o))
                else:
                    continue
                subjects.add(s)
    if predicates is not None:
        edges = {e for e in edges if e[1] in predicates}
    if only is not None:
        edges = {e for e in edges if e[0] in only and e[2] in only}
    if predicates is not None:
        nodes = {s for s, _, _ in edges} | {o for _, _, o in edges}
    else:
        typed = {s for s, _ in index.pairs(_TYPE) if is_node(s)}
        nodes = typed | subjects | {o for _, _, o in edges}
        if only is not None:
            nodes &= only
    return nodes, edges, values
