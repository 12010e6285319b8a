"""Reading and writing RDF: clean parse errors, deterministic serialisation, atomic files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from graph.errors import InputError
from graph.namespaces import bind_prefixes

# format key -> (rdflib format name, file suffix, media type)
FORMATS: dict[str, tuple[str, str, str]] = {
    "ttl": ("turtle", ".ttl", "text/turtle"),
    "trig": ("trig", ".trig", "application/trig"),
    "nt": ("nt", ".nt", "application/n-triples"),
    "jsonld": ("json-ld", ".jsonld", "application/ld+json"),
}

_PARSER_BY_SUFFIX = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}


def _syntax_position(error: BadSyntax) -> str:
    text: bytes = error._str
    if error._i < 0:
        return f"{error.lines}"
    line = text.count(b"\n", 0, error._i) + 1
    column = error._i - text.rfind(b"\n", 0, error._i)
    return f"{line}:{column}"


def parse_rdf(path: Path, into: Graph | None = None) -> Graph:
    """Parse an RDF file (format from its suffix) into a graph, raising one-line InputErrors."""
    graph = into if into is not None else Graph()
    rdf_format = _PARSER_BY_SUFFIX.get(path.suffix.lower())
    if rdf_format is None:
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    try:
        graph.parse(data=data, format=rdf_format, publicID=path.resolve().as_uri())
    except BadSyntax as error:
        raise InputError(f"{path}:{_syntax_position(error)}: {error._why}") from None
    except Exception as error:  # rdflib's other parsers raise assorted exception types
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"{path}: {message}") from None
    return graph


def canonical(graph: Graph) -> Graph:
    """The graph with blank nodes relabelled canonically, so serialisations are byte-stable."""
    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    relabelled = bind_prefixes(Graph())
    for triple in sorted(to_canonical_graph(graph)):
        relabelled.add(triple)
    return relabelled


def flatten(dataset: Dataset) -> Graph:
    """All triples of all named graphs in one graph, inserted in sorted order."""
    flat = bind_prefixes(Graph())
    for triple in sorted(set(dataset.triples((None, None, None)))):
        flat.add(triple)
    return flat


def serialize(dataset: Dataset, fmt: str) -> bytes:
    """Serialise a dataset deterministically: Turtle, N-Triples and JSON-LD are flattened."""
    rdf_format = FORMATS[fmt][0]
    if fmt == "trig":
        ordered = bind_prefixes(Dataset())
        for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
            if len(graph):
                target = ordered.graph(graph.identifier)
                for triple in sorted(canonical(graph)):
                    target.add(triple)
        return ordered.serialize(format="trig", encoding="utf-8")
    flat = canonical(flatten(dataset))
    if fmt == "nt":
        lines = flat.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    if fmt == "jsonld":
        return flat.serialize(format="json-ld", encoding="utf-8", indent=2, sort_keys=True)
    return flat.serialize(format=rdf_format, encoding="utf-8")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private (0600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
