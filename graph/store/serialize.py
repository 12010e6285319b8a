"""The graph written byte-stable in every export format."""

from __future__ import annotations

import json

import pyoxigraph as ox

from graph.prefixes import PREFIXES
from graph.store.files import RDF_FORMATS

# Non-ASCII white space (what str.isspace() accepts past ASCII), which IRIs may hold:
# rdflib's N-Triples parser ends an IRI at the first character that matches `\\s`.
NON_ASCII_SPACE = (
    "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + ("\u2028\u2029\u202f\u205f\u3000")
)
_SPACE_ESCAPES = str.maketrans({c: f"\\u{ord(c):04X}" for c in NON_ASCII_SPACE})


EXPORT_FORMATS = ("ttl", "trig", "nt", "jsonld")


def serialize(store: ox.Store | ox.Dataset, fmt: str) -> bytes:
    """The graphs of a store or dataset, byte-stable: TriG keeps the graphs, other
    formats merge them.

    Quads are sorted, so the same graphs always give the same bytes.
    """
    quads = sorted(store, key=str)
    prefixes = _readable_prefixes(quads)
    if fmt == "trig":
        data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    else:
        triples = sorted({quad.triple for quad in quads}, key=str)
        data = ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes)
    if fmt == "jsonld":
        return (json.dumps(json.loads(data), indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "nt":  # the same terms: no other N-Triples token can hold such a space
        data = data.decode("utf-8").translate(_SPACE_ESCAPES).encode("utf-8")
    return _sorted_prefixes(data)


def _readable_prefixes(quads: list[ox.Quad]) -> dict[str, str]:
    """The prefixes, less any under which an IRI ends in ".": Oxigraph would write it as
    `kg:a\\.`, valid Turtle that rdflib cannot read (RDFLib/rdflib#933)."""
    iris = {
        term.value
        for quad in quads
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name)
        if isinstance(term, ox.NamedNode) and term.value.endswith(".")
    }
    return {
        prefix: namespace
        for prefix, namespace in PREFIXES.items()
        if not any(iri.startswith(namespace) for iri in iris)
    }


def _sorted_prefixes(data: bytes) -> bytes:
    """Oxigraph writes @prefix lines in hash order, which changes from run to run."""
    lines = data.split(b"\n")
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), 0)
    return b"\n".join(sorted(lines[:count]) + lines[count:])
