"""The shapes checked by Oxigraph (graph.shacl, what `validate` runs) find what pySHACL
finds: each result's focus node, path and constraint component, as often, on the project,
on the bad inputs that change it or are read beside it, on a generated graph, and on
SHACL constructs the project's shapes do not use yet."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph
from test_bad_inputs import CASES, place

from benchmarks.generate import MIN_TRIPLES
from benchmarks.generate import write as generate_file
from graph.build import assemble
from graph.errors import InputError
from graph.namespaces import KG, MG
from graph.project import Project
from graph.shacl import Result, ShapesGraph
from graph.store.files import memory_store, parse_file
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.rdflib_bridge import rdflib_graph
from graph.validate import pyshacl_results, shacl_inputs

# Bad inputs that change the project (appended to a seed, or a seed of their own) and
# still let it assemble; and bad inputs read as data files beside the project.
IN_THE_PROJECT = [
    case
    for case in CASES
    if case["exit"] != 2
    and any("append" in spec or spec.get("to", "").startswith("seeds/") for spec in case["inputs"])
]
BESIDE_THE_PROJECT = [
    case
    for case in CASES
    if case["exit"] == 0
    and case["inputs"]
    and all(
        "tmp" in spec and spec.get("file", "").endswith((".ttl", ".nt")) for spec in case["inputs"]
    )
]


def found(results: list[Result]) -> Counter[tuple[str, str, str]]:
    return Counter((result.focus, result.path, result.component) for result in results)


def both_engines(store: ox.Store, shapes: Graph) -> tuple[Counter, Counter]:
    """The results of the SPARQL engine, and pySHACL's, over the union of the graphs."""
    engine = OxigraphEngine(store)
    fast = ShapesGraph(shapes, "shapes.ttl").results(engine)
    data, ontology = shacl_inputs(engine)
    return found(fast), found(pyshacl_results(data, shapes, ontology))


def project_store(root: Path) -> tuple[ox.Store, Graph]:
    """The project's graphs in a store of their own, and its shapes."""
    project = Project.locate(root)
    store = ox.Store()
    store.extend(assemble(project, verify_quotes=False).store)
    return store, rdflib_graph(parse_file(project.shapes_file))


def test_the_project(project_copy: Path) -> None:
    store, shapes = project_store(project_copy)
    fast, reference = both_engines(store, shapes)
    assert fast == reference == Counter()  # the project conforms
    nobody, organization = ox.NamedNode(KG.nobody), ox.NamedNode(MG.Organization)
    store.add(ox.Quad(nobody, ox.NamedNode(RDF.type), organization))  # with no label
    fast, reference = both_engines(store, shapes)
    assert fast == reference
    assert {(focus, path) for focus, path, _ in fast} == {("kg:nobody", "rdfs:label")}


@pytest.mark.parametrize("case", IN_THE_PROJECT, ids=[case["id"] for case in IN_THE_PROJECT])
def test_bad_inputs_in_the_project(case, project_copy: Path, tmp_path: Path) -> None:
    place(case["inputs"], project_copy, tmp_path)
    fast, reference = both_engines(*project_store(project_copy))
    assert fast == reference


@pytest.mark.parametrize(
    "case", BESIDE_THE_PROJECT, ids=[case["id"] for case in BESIDE_THE_PROJECT]
)
def test_bad_inputs_beside_the_project(case, project_copy: Path, tmp_path: Path) -> None:
    data = place(case["inputs"], project_copy, tmp_path)
    assert data is not None
    project, shapes = project_store(project_copy)
    store = memory_store([data])
    store.extend(project)
    fast, reference = both_engines(store, shapes)
    assert fast == reference


def test_a_generated_graph_beside_the_project(project_copy: Path, tmp_path: Path) -> None:
    generated = tmp_path / "generated.nt"
    generate_file(generated, MIN_TRIPLES * 3)
    project, shapes = project_store(project_copy)
    store = memory_store([generated])
    store.extend(project)
    fast, reference = both_engines(store, shapes)
    assert fast == reference
    assert fast  # the generated data has no claims: its events break the shapes


PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
"""
# Constructs of SHACL Core beyond those of ontology/shapes.ttl (so far), each with data
# that meets it and data that does not.
SHAPES = (
    PREFIXES
    + """
ex:NodeShape a sh:NodeShape ;
    sh:targetNode ex:a , ex:b , ex:nowhere ;
    sh:not ex:HasBadName ;
    sh:and ( ex:HasName [ sh:path ex:code ; sh:maxCount 1 ] ) ;
    sh:in ( ex:a ex:b ex:nowhere ) ;
    sh:nodeKind sh:BlankNodeOrIRI ;
    sh:property ex:Code , ex:Range , ex:Paths , ex:Pairs , ex:Words .
ex:HasBadName sh:path ex:name ; sh:hasValue "bad" .
ex:HasName sh:path ex:name ; sh:minCount 1 .
ex:Code sh:path ex:code ; sh:datatype xsd:integer ; sh:maxInclusive 10 ; sh:minExclusive 0 .
ex:Range sh:path ex:start ; sh:lessThanOrEquals ex:end ; sh:disjoint ex:end .
ex:Paths sh:path [ sh:alternativePath ( ex:knows [ sh:zeroOrMorePath ex:parent ] ) ] ;
    sh:nodeKind sh:IRI ; sh:qualifiedValueShape ex:HasName ; sh:qualifiedMaxCount 1 .
ex:Pairs sh:path [ sh:oneOrMorePath ex:knows ] ; sh:equals ex:friend .
ex:Words sh:path [ sh:zeroOrOnePath ex:word ] ;
    sh:maxLength 4 ; sh:pattern "^A" ; sh:flags "i" ; sh:languageIn ( "en" "*" ) .

ex:ObjectShape a sh:NodeShape ;
    sh:targetObjectsOf ex:parent ;
    sh:severity sh:Warning ;
    sh:class ex:Person ;
    sh:property [ sh:path ex:name ; sh:maxCount 0 ] .
ex:Unused a sh:NodeShape ; sh:deactivated true ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; sh:minCount 5 ] .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Agent ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:uniqueLang true ] .
"""
)
DATA = (
    PREFIXES
    + """
ex:Person rdfs:subClassOf ex:Agent .
ex:parent rdfs:range ex:Person .
ex:child rdfs:subPropertyOf ex:parent .
ex:a ex:name "A" ; ex:code 3 , "x"^^xsd:integer ; ex:start 1 ; ex:end 2 ;
    ex:knows ex:b ; ex:friend ex:b , ex:c ; ex:child ex:p ; ex:word "abc"@en , "Apple" , 5 .
ex:b ex:name "bad" , "B"@en , "Bee"@en ; ex:code 11 , 0 ; ex:start 3 , "z" ; ex:end 3 ;
    ex:knows ex:c , [ ex:name "n" ] ; ex:parent ex:a , ex:c ; ex:word "alpha"@de .
ex:c ex:name "C" ; ex:knows ex:a .
ex:p ex:name "P" .
ex:q a ex:Person .
"""
)


def test_constructs_beyond_the_projects_shapes() -> None:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/g"))
    fast, reference = both_engines(store, shapes)
    assert fast == reference
    assert len(set(component for _, _, component in fast)) >= 15


@pytest.mark.parametrize(
    "construct",
    [
        "sh:closed true",
        'sh:sparql [ sh:select "SELECT $this WHERE { }" ]',
        "sh:property [ sh:path ex:x ; sh:property [ sh:path ex:y ; sh:minCount 1 ] ]",
        "sh:node ex:Refused",
        "sh:class rdfs:Resource",
        "sh:property [ sh:path rdf:type ; sh:minCount 1 ]",
        "sh:property [ sh:path ex:x ; sh:minCount 9 ]",
        "sh:property [ sh:path ex:x ; sh:maxCount 8 ]",
    ],
)
def test_a_construct_the_translation_lacks_is_refused(construct: str) -> None:
    turtle = (
        PREFIXES
        + "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        + f"ex:Refused a sh:NodeShape ; sh:targetNode ex:a ; {construct} .\n"
    )
    shapes = Graph().parse(data=turtle, format="turtle")
    with pytest.raises(InputError, match=r"^shapes\.ttl: shape .+ \(use --engine pyshacl\)$"):
        ShapesGraph(shapes, "shapes.ttl").results(OxigraphEngine(ox.Store()))
