"""RDF files as others write them: read whole, or refused in one line (tests/bad_inputs
holds the refusals)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_muskgraph

# RDF/XML as Protégé writes it: namespace IRIs declared once as internal entities.
PROTEGE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
    <!ENTITY owl "http://www.w3.org/2002/07/owl#" >
    <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#" >
    <!ENTITY rdfs "http://www.w3.org/2000/01/rdf-schema#" >
    <!ENTITY rdf "http://www.w3.org/1999/02/22-rdf-syntax-ns#" >
    <!ENTITY rockets "http://example.org/rockets#" >
]>
<rdf:RDF xmlns="&rockets;" xml:base="http://example.org/rockets"
     xmlns:rdfs="&rdfs;" xmlns:owl="&owl;" xmlns:rdf="&rdf;">
    <owl:Ontology rdf:about="&rockets;"/>
    <owl:Class rdf:about="&rockets;Booster">
        <rdfs:label rdf:datatype="&xsd;string">Booster &amp; stage</rdfs:label>
        <rdfs:subClassOf rdf:resource="&owl;Thing"/>
    </owl:Class>
</rdf:RDF>
"""
SUBCLASS_OF_THING = (
    "ASK { <http://example.org/rockets#Booster> "
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://www.w3.org/2002/07/owl#Thing> ; "
    '<http://www.w3.org/2000/01/rdf-schema#label> "Booster & stage" }'
)


def test_a_protege_ontology_loads_and_its_entities_are_read(cli, tmp_path: Path) -> None:
    ontology = tmp_path / "rockets.owl"
    ontology.write_text(PROTEGE, encoding="utf-8")
    queried = cli("query", "-e", SUBCLASS_OF_THING, "--data", str(ontology))
    assert queried.exit_code == 0, queried.output
    assert queried.stdout.strip() == "yes"
    loaded = cli("load", str(ontology))
    assert loaded.exit_code == 0, loaded.output
    in_store = cli("query", "-e", SUBCLASS_OF_THING)
    assert in_store.exit_code == 0, in_store.output
    assert in_store.stdout.strip() == "yes"


def test_nesting_up_to_the_bound_is_read(cli, tmp_path: Path) -> None:
    see_also = "<http://www.w3.org/2000/01/rdf-schema#seeAlso>"
    nested = f"[ {see_also} " * 64 + "<urn:a>" + " ]" * 64
    data = tmp_path / "nested.ttl"
    data.write_text(f"<urn:a> {see_also} {nested} .\n", encoding="utf-8")
    counted = cli("query", "-e", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--data", str(data))
    assert counted.exit_code == 0, counted.output
    assert counted.stdout.split()[-3] == "65", counted.stdout


ILL_TYPED = (
    "\n<https://w3id.org/muskgraph/id/spacex> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
    '"2025-13-45"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
)
ILL_TYPED_QUERY = "SELECT ?date { ?s <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?date }"


@pytest.mark.parametrize(
    "args",
    [
        ["render", "--view", "graph", "-o", "{tmp}/view.html", "--data", "{data}"],
        ["validate"],
        ["paths", "--store", "memory"],
        ["query", "--store", "memory", "-e", ILL_TYPED_QUERY],
    ],
    ids=["render", "validate", "paths", "query"],
)
def test_ill_typed_literals_are_read_without_tracebacks(
    args: list[str], project_copy: Path, tmp_path: Path
) -> None:
    """rdflib logs a traceback for each literal it cannot convert: none reach stderr."""
    project = project_copy.resolve()
    with (project / "seeds" / "background.ttl").open("a", encoding="utf-8") as seed:
        seed.write(ILL_TYPED)
    data = tmp_path / "ill-typed.nt"
    data.write_text(ILL_TYPED.lstrip(), encoding="utf-8")
    loaded = run_muskgraph(project, ["load", str(data)], 120)
    assert loaded.returncode == 0, loaded.stderr
    args = [arg.replace("{tmp}", str(tmp_path)).replace("{data}", str(data)) for arg in args]
    done = run_muskgraph(project, args, 240)
    stderr = done.stderr.decode()
    # validate finds the unsourced seeAlso fact; every other command succeeds
    assert done.returncode == (1 if args[0] == "validate" else 0), stderr
    assert "Traceback" not in stderr and "Failed to convert" not in stderr, stderr
    if args[0] == "query":
        assert "2025-13-45" in done.stdout.decode()
