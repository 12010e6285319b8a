"""RDF files: their formats, and reading, checking and bulk-loading them with Oxigraph."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.errors import InputError

RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
}


def rdf_format_of(path: Path) -> ox.RdfFormat:
    rdf_format = RDF_FORMATS.get(path.suffix.lower().lstrip("."))
    if rdf_format is None:
        known = ", ".join(f".{s}" for s in RDF_FORMATS)
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (known: {known})")
    return rdf_format


class _Counting:
    """A binary file that reports how many bytes were read from it."""

    def __init__(self, file: IO[bytes], report: Callable[[int], None]) -> None:
        self._file, self._report = file, report

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._report(len(data))
        return data


@contextmanager
def _reading(path: Path, verb: str) -> Iterator[None]:
    """Turn what reading an RDF file can raise into one-line InputErrors."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except SyntaxError as error:
        raise InputError(f"{path}:{_rdf_syntax_message(error)}") from None
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: cannot {verb}: {str(error).splitlines()[0]}") from None


def _check_xml(path: Path) -> None:
    """Refuse RDF/XML that is not well-formed XML, or that declares entities.

    Oxigraph's RDF/XML parser expands internal entities without limit (1 KB of nested
    entities becomes gigabytes) and returns the triples it has read so far from a file
    that ends early, without an error.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def refuse(name: str, *_: object) -> None:
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        raise InputError(
            f"{path}:{line}:{column}: XML entity {name!r} refused: entities are not read"
        )

    parser.EntityDeclHandler = refuse
    try:
        with path.open("rb") as file:
            parser.ParseFile(file)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        raise InputError(f"{path}:{error.lineno}:{error.offset + 1}: {reason}") from None


def load_file(
    store: ox.Store,
    path: Path,
    graph: str,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Bulk-load one RDF file into the named graph `graph` (triples of dataset formats
    without a graph go there too), reporting bytes read to `progress`."""
    rdf_format = rdf_format_of(path)
    with _reading(path, "load"):
        if rdf_format == ox.RdfFormat.RDF_XML:
            _check_xml(path)
        with path.open("rb") as file:
            source = _Counting(file, progress) if progress else file
            store.bulk_load(
                input=source,
                format=rdf_format,
                base_iri=path.resolve().as_uri(),
                to_graph=ox.NamedNode(graph),
            )


def check_file(path: Path) -> None:
    """Parse an RDF file to its end without keeping it: an InputError if it is bad."""
    rdf_format = rdf_format_of(path)
    with _reading(path, "read"):
        if rdf_format == ox.RdfFormat.RDF_XML:
            _check_xml(path)
        with path.open("rb") as file:
            for _ in ox.parse(file, format=rdf_format, base_iri=path.resolve().as_uri()):
                pass


def _rdf_syntax_message(error: SyntaxError) -> str:
    """`LINE:COLUMN: reason` from an Oxigraph parse error, or ` reason` without a position.

    Oxigraph words positions three ways ("at line 4 column 1", "between line 2 column 11
    and line 3 column 1", "at line 1 between columns 1 and 13") and sets `lineno` and
    `offset` (1-based) on the error for all of them.
    """
    message = str(error).splitlines()[0]
    reason = re.sub(r" \(line \d+\)$", "", re.sub(r"^Parser error [^:]*: ", "", message))
    if error.lineno is not None and error.offset is not None:
        return f"{error.lineno}:{error.offset}: {reason}"
    return f" {reason}"


def parse_file(path: Path) -> list[ox.Triple]:
    """The triples of an RDF file, or a one-line InputError naming file, line and column."""
    rdf_format = rdf_format_of(path)
    with _reading(path, "read"):
        if rdf_format == ox.RdfFormat.RDF_XML:
            _check_xml(path)
        quads = ox.parse(path.read_bytes(), format=rdf_format, base_iri=path.resolve().as_uri())
        return [quad.triple for quad in quads]


def memory_store(files: list[Path]) -> ox.Store:
    """An in-memory store of RDF files, each in the named graph of its file IRI."""
    store = ox.Store()
    for path in files:
        load_file(store, path, path.resolve().as_uri())
    return store
