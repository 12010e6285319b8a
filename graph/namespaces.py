"""Every namespace muskgraph defines or borrows, defined once."""

from __future__ import annotations

from typing import TypeVar

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, TIME, XSD

MG = Namespace("https://w3id.org/muskgraph/ontology#")
KG = Namespace("https://w3id.org/muskgraph/id/")
ONTOLOGY_IRI = "https://w3id.org/muskgraph/ontology"
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")
FIBO_CAE_CA = Namespace(
    "https://spec.edmcouncil.org/fibo/ontology/CAE/CorporateEvents/CorporateActions/"
)
FIBO_FND_REL_REL = Namespace("https://spec.edmcouncil.org/fibo/ontology/FND/Relations/Relations/")
FIBO_FND_OAC_OWN = Namespace(
    "https://spec.edmcouncil.org/fibo/ontology/FND/OwnershipAndControl/Ownership/"
)

PREFIXES: dict[str, Namespace] = {
    "mg": MG,
    "kg": KG,
    "oa": OA,
    "wd": WD,
    "org": Namespace(str(ORG)),
    "schema": Namespace(str(SDO)),
    "prov": Namespace(str(PROV)),
    "time": Namespace(str(TIME)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "sh": Namespace(str(SH)),
    "fibo-cae-ca": FIBO_CAE_CA,
    "fibo-fnd-rel-rel": FIBO_FND_REL_REL,
    "fibo-fnd-oac-own": FIBO_FND_OAC_OWN,
}

AnyGraph = TypeVar("AnyGraph", bound=Graph)


def bind_prefixes(graph: AnyGraph) -> AnyGraph:
    """Bind the project's prefixes (replacing rdflib's defaults) and return the graph."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
