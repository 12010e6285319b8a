"""What RDFS entails of the data, as the SHACL translation (`graph.shacl`) needs it: the
classes and properties that widen a class or a property, and the instances of a class."""

from __future__ import annotations

from typing import Any, NamedTuple

from rdflib import RDF, RDFS

from graph.store.oxigraph_engine import OxigraphEngine

# Classes RDFS gives every node, property or class: their instances are not inferred here.
META_CLASSES = {RDFS.Resource, RDFS.Class, RDF.Property, RDFS.Literal, RDFS.Datatype}


class Schema(NamedTuple):
    """The data's RDFS schema: what widens a class or a property. Each maps an IRI to the
    IRIs that RDFS entailment adds to it."""

    subclasses: dict[str, set[str]]  # class -> its subclasses, at any depth
    subproperties: dict[str, set[str]]  # property -> its sub-properties, at any depth
    domains: dict[str, set[str]]  # class -> the properties whose rdfs:domain it is
    ranges: dict[str, set[str]]  # class -> the properties whose rdfs:range it is

    @classmethod
    def read(cls, engine: OxigraphEngine) -> Schema:
        def pairs(pattern: str) -> dict[str, set[str]]:
            found: dict[str, set[str]] = {}
            for a, b in engine.query(f"SELECT ?a ?b {{ {pattern} }}", "<schema>").rows():
                if a is not None and b is not None and a.kind == b.kind == "iri":
                    found.setdefault(b.value, set()).add(a.value)
            return found

        return cls(
            pairs(f"?a <{RDFS.subClassOf}>+ ?b"),
            pairs(f"?a <{RDFS.subPropertyOf}>+ ?b"),
            pairs(f"?a <{RDFS.domain}> ?b"),
            pairs(f"?a <{RDFS.range}> ?b"),
        )

    def widened(self, prop: str) -> set[str]:
        return {prop} | self.subproperties.get(prop, set())

    def instances(self, node: str, cls: Any) -> str:
        """A pattern that matches when `node` is an instance of the class under RDFS:
        explicitly of it or of a subclass, or by the domain or range of a property."""
        classes = {str(cls)} | self.subclasses.get(str(cls), set())
        parts = [f"{node} <{RDF.type}>/<{RDFS.subClassOf}>* {cls.n3()} ."]
        for inferred, direction in ((self.domains, ""), (self.ranges, "^")):
            props = {p for c in classes for p in inferred.get(c, set())}
            widened = sorted({w for p in props for w in self.widened(p)})
            if widened:
                alternatives = "|".join(f"<{p}>" for p in widened)
                parts.append(f"{node} {direction}({alternatives}) [] .")
        return " UNION ".join(f"{{ {part} }}" for part in parts)
