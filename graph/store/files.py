"""RDF files: their formats, and reading, checking and bulk-loading them with Oxigraph."""

from __future__ import annotations

import errno
import re
import stat
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar

import pyoxigraph as ox

from graph.errors import InputError

T = TypeVar("T")

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
PARSER_BUFFER = 16 * 1024 * 1024  # the longest term Oxigraph's parsers read from a stream
MAX_NESTING = 64  # blank nodes and lists in one another (RDFC-1.0 time grows as its cube)
MAX_EXPANSION = 10  # XML entities may make text and attributes this many times the file


def rdf_format_of(path: Path) -> ox.RdfFormat:
    rdf_format = RDF_FORMATS.get(path.suffix.lower().lstrip("."))
    if rdf_format is None:
        known = ", ".join(f".{s}" for s in RDF_FORMATS)
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (known: {known})")
    return rdf_format


def check_readable(path: Path) -> None:
    """An InputError unless `path` is a regular file or a link to one (opening a FIFO
    would wait for a writer)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError(f"{path}: is a symbolic link loop") from None
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a directory, not an RDF file")
    if stat.S_ISFIFO(mode):
        raise InputError(f"{path}: is a FIFO, not a regular file")
    if not stat.S_ISREG(mode):
        raise InputError(f"{path}: is not a regular file")


class _Counting:
    """A binary file that counts the bytes read from it, and reports them to `report`."""

    def __init__(self, file: IO[bytes], report: Callable[[int], None] | None) -> None:
        self._file, self._report = file, report
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.count += len(data)
        if self._report:
            self._report(len(data))
        return data


def _read(
    path: Path,
    verb: str,
    use: Callable[[_Counting, ox.RdfFormat], T],
    progress: Callable[[int], None] | None = None,
    bounded: bool = False,
) -> T:
    """`use(file, format)` on the checked file (`bounded`: `check_bounds` has checked it
    already); what reading it raises as one-line InputErrors."""
    check_readable(path)
    rdf_format = rdf_format_of(path)
    source = None
    try:
        if not bounded:
            _check_nesting(path, rdf_format)
        with path.open("rb") as file:
            source = _Counting(file, progress)
            return use(source, rdf_format)
    except SyntaxError as error:
        raise InputError(f"{path}:{_rdf_syntax_message(error)}") from None
    except MemoryError as error:
        if source is None or "buffer maximal size" not in str(error):
            raise
        line = _line_at(path, source.count - PARSER_BUFFER)
        raise InputError(
            f"{path}:{line}: a term from this line on is longer than "
            f"{PARSER_BUFFER >> 20} MiB, the most Oxigraph's parser reads"
        ) from None
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: cannot {verb}: {str(error).splitlines()[0]}") from None


def _line_at(path: Path, offset: int) -> int:
    """The line of the first character after `offset` that is not white space."""
    lines = 1
    with path.open("rb") as file:
        while offset > 0:
            chunk = file.read(min(offset, 1 << 20))
            lines, offset = lines + chunk.count(b"\n"), offset - len(chunk)
        after = file.read(4096)
        return lines + after[: len(after) - len(after.lstrip())].count(b"\n")


# Patterns of tokens, compiled (with re.DOTALL) when a file is checked, not at import.
_TURTLE_TOKENS = (
    rb'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    rb"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    rb'|"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*"'
    rb"|'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'"
    rb"|<<|>>|<[^<>\s]*>|#[^\n\r]*|\\.|[\[\]()]"
)
_JSON_TOKENS = rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]'
# format: (its tokens, those that open a level, the most levels read, what nests)
_NESTING = {
    ox.RdfFormat.TURTLE: (_TURTLE_TOKENS, (b"[", b"(", b"<<"), MAX_NESTING, "blank nodes or lists"),
    ox.RdfFormat.JSON_LD: (_JSON_TOKENS, (b"{", b"["), 2 * MAX_NESTING, "JSON objects and arrays"),
}
_NESTING[ox.RdfFormat.TRIG] = _NESTING[ox.RdfFormat.TURTLE]
_CLOSING = {b"[": b"]", b"(": b")", b"<<": b">>", b"{": b"}"}


def _check_nesting(path: Path, rdf_format: ox.RdfFormat) -> None:
    """Refuse a file whose blank nodes, lists or elements nest deeper than their bound:
    canonicalising (RDFC-1.0) 500 nested blank nodes takes 20 s, and rdflib and pyshacl
    recurse through them until the interpreter crashes."""
    if rdf_format == ox.RdfFormat.RDF_XML:
        _check_xml(path)
        return
    if rdf_format not in _NESTING or path.stat().st_size == 0:
        return
    import mmap

    tokens, opening, limit, what = _NESTING[rdf_format]
    closing = {_CLOSING[token] for token in opening}
    depth = deepest = 0
    first = None
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for match in re.compile(tokens, re.DOTALL).finditer(data):
            token = match.group()
            if token in opening:
                depth += 1
                deepest = max(deepest, depth)
                if depth > limit and first is None:
                    first = match.start()
            elif token in closing:
                depth = max(depth - 1, 0)
        if first is not None:
            before = data[:first]
            line, column = before.count(b"\n") + 1, first - before.rfind(b"\n")
            raise InputError(f"{path}:{line}:{column}: {_too_deep(what, deepest, limit)}")


def _too_deep(what: str, depth: int, limit: int) -> str:
    return f"{what} nested {depth} deep (at most {limit} are read)"


def _check_xml(path: Path) -> None:
    """Refuse RDF/XML that is not well-formed, nests elements too deep, or declares
    entities that are not plain text.

    Oxigraph's RDF/XML parser expands internal entities without limit (1 KB of nested
    entities becomes gigabytes) and returns the triples it has read so far from a file
    that ends early, without an error. So internal entities (`<!ENTITY owl "http://…">`,
    as Protégé writes them) are read only when their values refer to no other entity and
    all text and attributes together stay within MAX_EXPANSION times the file's size;
    external and parameter entities are refused.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    budget = MAX_EXPANSION * path.stat().st_size + (1 << 20)
    limit = 2 * MAX_NESTING + 1  # a node element and a property element a level, in rdf:RDF
    depth = deepest = expanded = 0
    first = None

    def refuse(reason: str) -> None:
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        raise InputError(f"{path}:{line}:{column}: {reason}")

    def declared(name: str, parameter: bool, value: str | None, *_: object) -> None:
        if parameter:
            refuse(f"XML entity {name!r} refused: parameter entities are not read")
        if value is None:
            refuse(f"XML entity {name!r} refused: external entities are not read")
        if re.search("&[^#]", value):
            refuse(f"XML entity {name!r} refused: its value refers to another entity")

    def text(data: str) -> None:
        nonlocal expanded
        expanded += len(data)
        if expanded > budget:
            refuse(f"XML entities expand to over {MAX_EXPANSION} times the file's size")

    def start(_: str, attributes: dict[str, str]) -> None:
        nonlocal depth, deepest, first
        depth += 1
        deepest = max(deepest, depth)
        if depth > limit and first is None:
            first = f"{parser.CurrentLineNumber}:{parser.CurrentColumnNumber + 1}"
        text("".join(attributes.values()))

    def end(_: str) -> None:
        nonlocal depth
        depth -= 1

    parser.EntityDeclHandler = declared
    parser.CharacterDataHandler = text
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with path.open("rb") as file:
            parser.ParseFile(file)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        raise InputError(f"{path}:{error.lineno}:{error.offset + 1}: {reason}") from None
    if first is not None:
        raise InputError(f"{path}:{first}: {_too_deep('XML elements', deepest, limit)}")


def check_bounds(path: Path) -> None:
    """Refuse a file that is not a readable RDF file, or past a reading bound (nesting,
    XML entities), without parsing it."""
    _read(path, "read", lambda _file, _format: None)


def load_file(
    store: ox.Store,
    path: Path,
    graph: str,
    progress: Callable[[int], None] | None = None,
    bounded: bool = False,
) -> None:
    """Bulk-load one RDF file into the named graph `graph` (triples of dataset formats
    without a graph go there too), reporting bytes read to `progress`; `bounded`: the
    file passed `check_bounds` already."""
    _read(
        path,
        "load",
        lambda file, rdf_format: store.bulk_load(
            input=file,
            format=rdf_format,
            base_iri=path.resolve().as_uri(),
            to_graph=ox.NamedNode(graph),
        ),
        progress,
        bounded,
    )


def _quads(path: Path, file: _Counting, rdf_format: ox.RdfFormat) -> Iterator[ox.Quad]:
    return ox.parse(file, format=rdf_format, base_iri=path.resolve().as_uri())


def check_file(path: Path) -> None:
    """Parse an RDF file to its end without keeping it: an InputError if it is bad."""
    _read(path, "read", lambda file, rdf_format: deque(_quads(path, file, rdf_format), 0))


def parse_file(path: Path) -> list[ox.Triple]:
    """The triples of an RDF file, or a one-line InputError naming file, line and column."""
    return _read(
        path, "read", lambda file, rdf_format: [q.triple for q in _quads(path, file, rdf_format)]
    )


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


def memory_store(files: list[Path]) -> ox.Store:
    """An in-memory store of RDF files, each in the named graph of its file IRI."""
    store = ox.Store()
    for path in files:
        check_readable(path)  # before resolve(), which a symbolic link loop ends in
        load_file(store, path, path.resolve().as_uri())
    return store
