"""The ontology: bilingual labels and definitions, and only borrowed terms that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SDO, TIME, VANN, DefinedNamespaceMeta

from graph.namespaces import MG, OA, ONTOLOGY_IRI, PREFIXES

CHECKOUT = Path(__file__).resolve().parent.parent
VOCAB = CHECKOUT.parent / "shared" / "vocab"
CLOSED = {str(ns): ns for ns in (ORG, PROV, TIME, SDO, SKOS, DCTERMS, VANN)}


@pytest.fixture(scope="module")
def ontology(project) -> Graph:
    graph = Graph()
    for path in project.ontology_files():
        graph.parse(path)
    return graph


def every_term(project, dataset) -> set[URIRef]:
    """Every IRI in the ontology, shapes and the assembled graph (sheets, background and
    inferences), and every prefixed name in the queries."""
    terms: set[URIRef] = {t for quad in dataset.quads() for t in quad[:3] if isinstance(t, URIRef)}
    for path in project.ontology_dir.glob("*.ttl"):
        for triple in Graph().parse(path):
            terms.update(t for t in triple if isinstance(t, URIRef))
    names = re.compile(r"\b([a-z][\w-]*):([A-Za-z_][\w-]*)")
    for path in project.query_files():
        for prefix, local in names.findall(path.read_text(encoding="utf-8")):
            if prefix in PREFIXES:
                terms.add(URIRef(PREFIXES[prefix] + local))
    return terms


def test_ontology_has_an_iri_a_version_and_its_metadata(ontology) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    version = ontology.value(header, OWL.versionInfo)
    assert ontology.value(header, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    for predicate in (DCTERMS.license, DCTERMS.creator, DCTERMS.created, DCTERMS.modified):
        assert ontology.value(header, predicate) is not None, predicate
    assert str(ontology.value(header, VANN.preferredNamespacePrefix)) == "mg"
    assert str(ontology.value(header, VANN.preferredNamespaceUri)) == str(MG)


BUILT_IN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
OWL_KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def test_every_borrowed_class_and_property_is_declared_for_owl_tools(dataset, ontology) -> None:
    """OWL 2 tools show an undeclared entity as a bare IRI and DL checkers refuse it."""
    graphs = [ontology, *(g for g in dataset.graphs() if len(g))]
    axioms = (RDFS.subClassOf, RDFS.domain, RDFS.range, RDFS.subPropertyOf)
    used = {p for graph in graphs for p in graph.predicates()}
    used |= {c for graph in graphs for c in graph.objects(None, RDF.type)}
    used |= {o for p in axioms for o in ontology.objects(None, p) if o != RDF.PlainLiteral}
    borrowed = {t for t in used if isinstance(t, URIRef) and not str(t).startswith(BUILT_IN)}
    undeclared = {
        t for t in borrowed if t not in MG and not OWL_KINDS & set(ontology.objects(t, RDF.type))
    }
    assert sorted(undeclared) == []


def test_properties_are_aligned_as_properties_not_as_skos_concepts(ontology) -> None:
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    properties |= set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    matched = [p for p in properties if set(ontology.objects(p, SKOS.closeMatch))]
    assert matched == []


def test_every_class_and_property_is_labelled_and_defined_in_english_and_german(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept)
    terms = {t for kind in kinds for t in ontology.subjects(RDF.type, kind) if t in MG}
    assert len(terms) > 40
    for term in sorted(terms):
        for predicate in ((RDFS.label, SKOS.prefLabel), (SKOS.definition,)):
            languages = {
                literal.language for p in predicate for literal in ontology.objects(term, p)
            }
            assert {"en", "de"} <= languages, f"{term}: {predicate[0]} in {languages}"


def test_feeds_and_controls_are_not_transitive(ontology) -> None:
    for prop in (MG.feeds, MG.controls):
        assert (prop, RDF.type, OWL.TransitiveProperty) not in ontology


def test_every_project_term_is_defined_by_the_ontology(project, dataset, ontology) -> None:
    defined = set(ontology.subjects(RDF.type, None))
    used = {t for t in every_term(project, dataset) if t in MG}
    assert used - defined == set()


def test_every_borrowed_w3c_term_exists(project, dataset) -> None:
    unknown = []
    for term in every_term(project, dataset):
        for namespace, closed in CLOSED.items():
            if str(term).startswith(namespace):
                local = str(term)[len(namespace) :]
                assert isinstance(closed, DefinedNamespaceMeta)
                if local not in closed.__annotations__ and not hasattr(closed, local):
                    unknown.append(str(term))
    assert unknown == []


@pytest.mark.parametrize(
    ("prefix", "listing"), [("oa", "oa-terms.txt"), ("fibo", "fibo-terms.txt")]
)
def test_every_web_annotation_and_fibo_term_exists(project, dataset, prefix, listing) -> None:
    if not (VOCAB / listing).exists():
        pytest.skip(f"{VOCAB / listing} is not beside this checkout")
    known = set((VOCAB / listing).read_text(encoding="utf-8").split())
    if prefix == "oa":
        used = {
            str(t)[len(str(OA)) :]
            for t in every_term(project, dataset)
            if str(t).startswith(str(OA))
        }
    else:
        fibo = "https://spec.edmcouncil.org/fibo/ontology/"
        used = {str(t) for t in every_term(project, dataset) if str(t).startswith(fibo)}
    assert used
    assert used - known == set()
