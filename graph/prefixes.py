"""The IRIs of every namespace muskgraph defines or borrows, as plain strings.

Kept free of rdflib so that commands answered by the store start fast;
`graph.namespaces` builds rdflib namespaces from these.
"""

import functools

ONTOLOGY_IRI = "https://w3id.org/muskgraph/ontology"

PREFIXES: dict[str, str] = {
    "mg": "https://w3id.org/muskgraph/ontology#",
    "kg": "https://w3id.org/muskgraph/id/",
    "oa": "http://www.w3.org/ns/oa#",
    "wd": "http://www.wikidata.org/entity/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "vann": "http://purl.org/vocab/vann/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "fibo-cae-ca": "https://spec.edmcouncil.org/fibo/ontology/CAE/CorporateEvents/CorporateActions/",
    "fibo-fnd-rel-rel": "https://spec.edmcouncil.org/fibo/ontology/FND/Relations/Relations/",
    "fibo-fnd-oac-own": "https://spec.edmcouncil.org/fibo/ontology/FND/OwnershipAndControl/Ownership/",
}


#: Every prefix as Turtle declarations, for a snippet of Turtle to be parsed.
TURTLE_PREFIXES = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())


def expand(name: str) -> str:
    """The IRI of a prefixed name of the project's prefixes (`mg:Claim`)."""
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


@functools.lru_cache(maxsize=1 << 16)
def compact(iri: str) -> str:
    """An IRI as a prefixed name where a prefix fits, else in angle brackets (remembered:
    a report of many problems names the same nodes again and again)."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and all(c.isalnum() or c in "-_." for c in local) and local[-1] != ".":
                return f"{prefix}:{local}"
    return f"<{iri}>"
