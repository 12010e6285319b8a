"""The graph written byte-stable in every export format."""

from __future__ import annotations

import json
import re

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
    """The graphs of a store or dataset, byte-stable: TriG and JSON-LD keep the graphs,
    the other formats merge them.

    Quads are sorted, graph by graph, so the same graphs always give the same bytes and
    each graph is written in one piece.
    """
    quads = sorted(store, key=lambda quad: (str(quad.graph_name), str(quad)))
    prefixes = _readable_prefixes(quads)
    if fmt in ("trig", "jsonld"):
        data = ox.serialize(quads, format=RDF_FORMATS[fmt], prefixes=prefixes)
    else:
        triples = sorted({quad.triple for quad in quads}, key=str)
        data = ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes)
    if fmt == "jsonld":
        context = _unambiguous(prefixes, quads)
        document = {"@context": context, "@graph": _compacted(json.loads(data), context)}
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    if fmt == "nt":  # the same terms: no other N-Triples token can hold such a space
        data = data.decode("utf-8").translate(_SPACE_ESCAPES).encode("utf-8")
    return _sorted_prefixes(data)


# The project's JSON-LD context: its prefixes, so that IRIs read as in Turtle. Written
# into every JSON-LD export (a store that loads it fetches nothing) and beside it by build.
JSONLD_CONTEXT = dict(PREFIXES)


def _unambiguous(prefixes: dict[str, str], quads: list[ox.Quad]) -> dict[str, str]:
    """The prefixes, less any that is also the scheme of an IRI of the data (`kg:x` as an
    IRI of its own): the context would make JSON-LD read it as a prefixed name."""
    schemes = {
        term.value.split(":", 1)[0]
        for quad in quads
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name)
        if isinstance(term, ox.NamedNode)
    }
    return {prefix: iri for prefix, iri in prefixes.items() if prefix not in schemes}


def _compacted(node: object, context: dict[str, str]) -> object:
    """Oxigraph's expanded JSON-LD with IRIs as prefixed names where the context's
    prefixes give them: keys, "@id" and "@type" values. Values keep their expanded form,
    so that every literal reads back as it was written."""
    if isinstance(node, list):
        return [_compacted(item, context) for item in node]
    if not isinstance(node, dict):
        return node
    shown = {}
    for key, value in node.items():
        if key in ("@id", "@type") and isinstance(value, str):
            shown[key] = _compact_iri(value, context)
        elif key.startswith("@"):
            shown[key] = _compacted(value, context)
        else:
            shown[_compact_iri(key, context)] = _compacted(value, context)
    return shown


def _compact_iri(iri: str, context: dict[str, str]) -> str:
    """A prefixed name for `iri` when one reads back as it: never for blank nodes, nor
    for a local part JSON-LD would take for an IRI of its own (like "//…")."""
    for prefix, namespace in context.items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_][\w.-]*(?<!\.)", local):
            return f"{prefix}:{local}"
    return iri


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
