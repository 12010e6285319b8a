"""OWL reasoners read the ontology and find it, with the data, consistent.

owlready2 runs the reasoners bundled with it (Pellet, HermiT) in Java; it reads the
ontology from the RDF/XML that `build` writes, as RDF/XML-only tools do.
"""

from __future__ import annotations

import os
import shutil

import pytest

from graph.build import ontology_path, output_path
from graph.namespaces import MG

owlready2 = pytest.importorskip("owlready2")


@pytest.fixture(scope="module", autouse=True)
def java() -> None:
    if shutil.which("java") is None:
        message = "java is not installed (Debian: default-jre-headless); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_owlready2_reads_the_ontology_from_rdf_xml(built) -> None:
    world = owlready2.World()
    ontology = world.get_ontology(ontology_path(built).as_uri()).load()
    classes = {entity.iri for entity in ontology.classes()}
    assert {str(MG.Company), str(MG.Claim), str(MG.BusinessLine)} <= classes


REASONERS = {
    "pellet": lambda world: owlready2.sync_reasoner_pellet(world, debug=0),
    # OWL-Time dates are xsd:gYear and xsd:gMonth, which are not in OWL 2's datatype map:
    # HermiT refuses them unless told to leave them aside.
    "hermit": lambda world: owlready2.sync_reasoner_hermit(
        world, debug=0, ignore_unsupported_datatypes=True
    ),
}


@pytest.mark.parametrize("reasoner", sorted(REASONERS))
def test_reasoners_find_the_ontology_and_data_consistent(built, reasoner) -> None:
    world = owlready2.World()
    world.get_ontology(output_path(built, "nt").as_uri()).load(format="ntriples")
    try:
        REASONERS[reasoner](world)
    except owlready2.OwlReadyInconsistentOntologyError as error:
        pytest.fail(f"{reasoner} finds the graph inconsistent: {error}")
