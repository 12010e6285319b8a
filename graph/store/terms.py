"""RDF terms as every engine gives them: `Term`, and conversions to and from Oxigraph."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import pyoxigraph as ox

from graph.errors import InputError
from graph.prefixes import PREFIXES, TURTLE_PREFIXES, compact

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# Where str.splitlines() breaks a line, as \\uXXXX (N-Triples allows the escape in IRIs
# and strings): a term stays on one line for every reader of lines.
_LINE_BREAKS = {c: f"\\u{ord(c):04X}" for c in "\x0b\x1c\x1d\x1e\x85\u2028\u2029"}
_IRI_ESCAPES = str.maketrans(_LINE_BREAKS)
_ESCAPES = str.maketrans(
    {**_LINE_BREAKS, "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    | {"\b": "\\b", "\f": "\\f"}
)


class Term(NamedTuple):
    """An RDF term, whichever engine produced it; plain literals have no datatype."""

    kind: str  # "iri", "literal" or "bnode"
    value: str
    language: str | None = None
    datatype: str | None = None

    def n3(self) -> str:
        """The term in N-Triples syntax (escaped, on one line)."""
        if self.kind == "iri":
            return f"<{self.value.translate(_IRI_ESCAPES)}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = f'"{self.value.translate(_ESCAPES)}"'
        if self.language:
            return f"{text}@{self.language}"
        return f"{text}^^<{self.datatype}>" if self.datatype else text

    def text(self) -> str:
        """The term as a person reads it: a prefixed name, or a literal's text."""
        if self.kind == "iri":
            return compact(self.value)
        return self.value if self.kind == "literal" else f"_:{self.value}"


def plain_literal(value: str, language: str | None, datatype: str | None) -> Term:
    if datatype in (XSD_STRING, RDF_LANG_STRING):
        datatype = None
    return Term("literal", value, language or None, datatype)


def from_oxigraph(term: Any) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("iri", term.value)
    if isinstance(term, ox.Literal):
        return plain_literal(term.value, term.language, term.datatype.value)
    return Term("bnode", term.value)


def is_iri(value: str) -> bool:
    """Whether the text is an absolute IRI Oxigraph accepts."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def to_oxigraph(term: Term) -> Any:
    if term.kind == "iri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    datatype = ox.NamedNode(term.datatype) if term.datatype else None
    return ox.Literal(term.value, datatype=datatype)


def parse_term(value: str) -> Term:
    """A parameter value as one RDF term: `<iri>`, `prefix:name`, a Turtle literal, or text.

    Values are parsed as single terms and bound to variables, never pasted into a query,
    so they cannot change its structure.
    """
    prefix = value.split(":", 1)[0]
    looks_like_term = (
        value.startswith(("<", '"', "'"))
        or (":" in value and prefix in PREFIXES)
        or re.fullmatch(r"[+-]?\d+(\.\d+)?|true|false", value)
    )
    if not looks_like_term:
        return Term("literal", value)
    document = f"{TURTLE_PREFIXES}<urn:s> <urn:p> {value} ."
    try:
        triples = list(ox.parse(input=document, format=ox.RdfFormat.TURTLE))
    except SyntaxError:
        triples = []
    if len(triples) != 1 or isinstance(triples[0].object, ox.BlankNode):
        raise InputError(f"--param value {value!r} is not a single RDF term")
    return from_oxigraph(triples[0].object)
