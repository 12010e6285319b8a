"""Where queries are answered: Oxigraph (on disk or in memory) or rdflib's memory store.

Both engines give the same `Answer`: rows of engine-neutral `Term`s and serialisations
in the W3C result formats. This module imports pyoxigraph only; rdflib is imported
when the rdflib engine is used, so commands the store answers start fast.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NamedTuple

import pyoxigraph as ox

from graph.errors import InputError
from graph.prefixes import PREFIXES, compact

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
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
# Where str.splitlines() breaks a line, as \\uXXXX (N-Triples allows the escape in IRIs
# and strings): a term stays on one line for every reader of lines.
_LINE_BREAKS = {c: f"\\u{ord(c):04X}" for c in "\x0b\x1c\x1d\x1e\x85\u2028\u2029"}
_IRI_ESCAPES = str.maketrans(_LINE_BREAKS)
_ESCAPES = str.maketrans(
    {**_LINE_BREAKS, "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    | {"\b": "\\b", "\f": "\\f"}
)
# Non-ASCII white space (what str.isspace() accepts past ASCII), which IRIs may hold:
# rdflib's N-Triples parser ends an IRI at the first character that matches `\\s`.
NON_ASCII_SPACE = (
    "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + ("\u2028\u2029\u202f\u205f\u3000")
)
_SPACE_ESCAPES = str.maketrans({c: f"\\u{ord(c):04X}" for c in NON_ASCII_SPACE})


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


def _literal(value: str, language: str | None, datatype: str | None) -> Term:
    if datatype in (XSD_STRING, RDF_LANG_STRING):
        datatype = None
    return Term("literal", value, language or None, datatype)


def from_oxigraph(term: Any) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("iri", term.value)
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.language, term.datatype.value)
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
    declarations = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    document = f"{declarations}<urn:s> <urn:p> {value} ."
    try:
        triples = list(ox.parse(input=document, format=ox.RdfFormat.TURTLE))
    except SyntaxError:
        triples = []
    if len(triples) != 1 or isinstance(triples[0].object, ox.BlankNode):
        raise InputError(f"--param value {value!r} is not a single RDF term")
    return from_oxigraph(triples[0].object)


def syntax_error(origin: str, error: Exception) -> InputError:
    """A one-line error for a query Oxigraph cannot parse, with line and column."""
    message = str(error).splitlines()[0]
    match = re.match(r"error at (\d+):(\d+): (.*)", message)
    if not match:
        return InputError(f"{origin}: SPARQL syntax error: {message}")
    line, column, reason = match.groups()
    if "Prefix not found" in reason:
        reason = "unknown prefix"
    return InputError(f"{origin}:{line}:{column}: SPARQL syntax error: {reason}")


class Answer:
    """A query's answer: the rows of a SELECT, the truth of an ASK, or a graph."""

    form: str  # SELECT, ASK or CONSTRUCT (CONSTRUCT and DESCRIBE both give a graph)
    variables: list[str]

    def rows(self) -> Iterator[tuple[Term | None, ...]]:
        raise NotImplementedError

    def boolean(self) -> bool:
        raise NotImplementedError

    def triples(self) -> Iterator[tuple[Term, Term, Term]]:
        raise NotImplementedError


@contextmanager
def _answering(origin: str, errors: tuple[type[BaseException], ...]) -> Iterator[None]:
    """Errors raised while an answer is read (engines evaluate lazily) as one-line errors."""
    try:
        yield
    except errors as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        raise InputError(f"{origin}: query failed: {reason}") from None


class _RowLimit(io.BytesIO):
    """A buffer for CSV results that refuses the record after the last one allowed."""

    def __init__(self, max_rows: int) -> None:
        super().__init__()
        self.max_rows, self.records, self.exceeded = max_rows, 0, False
        self.quoted = False  # the last chunk ended inside a quoted value

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        parts = chunk.split(b'"')  # outside and inside quotes, by turns
        outside = parts[1::2] if self.quoted else parts[0::2]
        self.records += sum(part.count(b"\n") for part in outside)
        self.quoted ^= len(parts) % 2 == 0  # an odd number of quotes flips the state
        if self.max_rows and self.records > self.max_rows + 1:  # the header is a record
            self.exceeded = True
            raise OSError("more rows than allowed")
        return super().write(data)


class OxigraphAnswer(Answer):
    def __init__(self, result: Any, origin: str = "<query>") -> None:
        self._result = result
        self._origin = origin
        if isinstance(result, ox.QuerySolutions):
            self.form, self.variables = "SELECT", [v.value for v in result.variables]
        elif isinstance(result, ox.QueryBoolean):
            self.form, self.variables = "ASK", []
        else:
            self.form, self.variables = "CONSTRUCT", []

    def csv(self, max_rows: int) -> bytes | None:
        """The rows as SPARQL CSV, written by Oxigraph itself (no Python object per row),
        or None once there are more than `max_rows` (0: no limit)."""
        output = _RowLimit(max_rows)
        with _answering(self._origin, (ValueError, RuntimeError)):
            try:
                self._result.serialize(output, format=ox.QueryResultsFormat.CSV)
            except OSError:
                if output.exceeded:
                    return None
                raise
        return output.getvalue()

    def rows(self) -> Iterator[tuple[Term | None, ...]]:
        with _answering(self._origin, (OSError, ValueError, RuntimeError)):
            for solution in self._result:
                yield tuple(from_oxigraph(solution[v]) for v in self.variables)

    def boolean(self) -> bool:
        return bool(self._result)

    def triples(self) -> Iterator[tuple[Term, Term, Term]]:
        with _answering(self._origin, (OSError, ValueError, RuntimeError)):
            for triple in self._result:
                yield (
                    from_oxigraph(triple.subject),
                    from_oxigraph(triple.predicate),
                    from_oxigraph(triple.object),
                )


class OxigraphEngine:
    """Queries answered by Oxigraph over the union of the store's graphs."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def query(self, text: str, origin: str, bindings: dict[str, Term] | None = None) -> Answer:
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            result = self.store.query(
                text,
                prefixes=PREFIXES,
                use_default_graph_as_union=True,
                substitutions=substitutions,
            )
        except SyntaxError as error:
            raise syntax_error(origin, error) from None
        except (OSError, ValueError, RuntimeError) as error:
            raise InputError(f"{origin}: query failed: {str(error).splitlines()[0]}") from None
        return OxigraphAnswer(result, origin)

    def graph_names(self) -> set[str]:
        return {graph.value for graph in self.store.named_graphs()}

    def dataset(self) -> Any:
        """The store's quads as an rdflib Dataset, for code that needs rdflib's API."""
        return rdflib_dataset(self.store)

    def union(self) -> set[tuple[Any, Any, Any]]:
        """The union of the store's graphs as rdflib triples, for graph.render: a set
        is built in a fraction of the time an rdflib store takes."""
        return rdflib_triples((quad.subject, quad.predicate, quad.object) for quad in self.store)

    def export(self, fmt: str, output: IO[bytes]) -> None:
        """Write every graph in the store: dataset formats keep the graph names."""
        rdf_format = RDF_FORMATS[fmt]
        if rdf_format.supports_datasets:
            self.store.dump(output, format=rdf_format, prefixes=PREFIXES)
            return
        graphs = [ox.DefaultGraph(), *sorted(self.store.named_graphs(), key=str)]
        for graph in graphs:  # concatenated documents; a triple in two graphs appears twice
            self.store.dump(output, format=rdf_format, from_graph=graph, prefixes=PREFIXES)


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


class RdflibTerms(dict):
    """rdflib terms for Oxigraph terms or Terms, each distinct term converted once.

    A term met again is the same object, which rdflib compares fastest (its terms compare
    in Python). Literals keep the form the store has: by default rdflib rewrites
    "2025-02-02Z"^^xsd:date as "2025-02-02" (RDFLib/rdflib#803).
    """

    def __missing__(self, term: Any) -> Any:
        plain = term if isinstance(term, Term) else from_oxigraph(term)
        converted = self[term] = to_rdflib(plain, normalize=False)
        return converted


def rdflib_triples(triples: Iterable[tuple[Any, Any, Any]]) -> set[tuple[Any, Any, Any]]:
    """Triples of Oxigraph terms or Terms as the set of their rdflib triples: a triple
    given more than once (held by several graphs) is in it once."""
    terms = RdflibTerms()
    return {(terms[s], terms[p], terms[o]) for s, p, o in triples}


def rdflib_dataset(quads: Iterable[ox.Quad]) -> Any:
    """An rdflib Dataset (queried as the union of its graphs) of Oxigraph quads.

    Terms are converted one by one: rdflib's N-Quads parser rescans its whole buffer for
    every 2 KB it reads, so one literal of a few megabytes took minutes to parse.
    """
    from rdflib import Dataset
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from graph.namespaces import bind_prefixes

    dataset = bind_prefixes(Dataset(default_union=True))
    graphs: dict[Any, Any] = {}
    terms = RdflibTerms()
    for quad in quads:
        name = quad.graph_name
        if name not in graphs:
            graphs[name] = (
                dataset.graph(DATASET_DEFAULT_GRAPH_ID)
                if isinstance(name, ox.DefaultGraph)
                else dataset.graph(terms[name])
            )
        graphs[name].add((terms[quad.subject], terms[quad.predicate], terms[quad.object]))
    return dataset


def rdflib_graph(triples: Iterable[ox.Triple]) -> Any:
    """An rdflib Graph of Oxigraph triples (or of the triples of quads)."""
    from rdflib import Graph

    from graph.namespaces import bind_prefixes

    graph = bind_prefixes(Graph())
    terms = RdflibTerms()
    for triple in triples:
        graph.add((terms[triple.subject], terms[triple.predicate], terms[triple.object]))
    return graph


def memory_store(files: list[Path]) -> ox.Store:
    """An in-memory store of RDF files, each in the named graph of its file IRI."""
    store = ox.Store()
    for path in files:
        load_file(store, path, path.resolve().as_uri())
    return store


class RdflibAnswer(Answer):
    def __init__(self, result: Any, origin: str = "<query>") -> None:
        self._result = result
        self._origin = origin
        self.form = "SELECT" if result.type == "SELECT" else result.type
        if self.form == "DESCRIBE":
            self.form = "CONSTRUCT"
        self.variables = [str(v) for v in result.vars] if self.form == "SELECT" else []

    def rows(self) -> Iterator[tuple[Term | None, ...]]:
        with _answering(self._origin, (Exception,)):  # rdflib raises all kinds
            for row in self._result:
                yield tuple(from_rdflib(term) for term in row)

    def boolean(self) -> bool:
        with _answering(self._origin, (Exception,)):
            return bool(self._result.askAnswer)

    def triples(self) -> Iterator[tuple[Term, Term, Term]]:
        with _answering(self._origin, (Exception,)):
            for triple in self._result.graph:
                yield tuple(from_rdflib(term) for term in triple)


def from_rdflib(term: Any) -> Term | None:
    from rdflib import BNode, Literal

    if term is None:
        return None
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return _literal(str(term), term.language, datatype)
    return Term("bnode" if isinstance(term, BNode) else "iri", str(term))


def to_rdflib(term: Term, normalize: bool | None = None) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term.kind == "iri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    return Literal(term.value, lang=term.language, datatype=term.datatype, normalize=normalize)


class RdflibEngine:
    """Queries answered by rdflib's memory store over the union of a dataset's graphs."""

    def __init__(self, dataset: Any) -> None:
        self._dataset = dataset

    def union(self) -> Any:
        """The union of the dataset's graphs, for graph.render: the dataset itself."""
        return self._dataset

    def graph_names(self) -> set[str]:
        return {str(graph.identifier) for graph in self._dataset.graphs()}

    def export(self, fmt: str, output: IO[bytes]) -> None:
        store = ox.Store()
        quads = self._dataset.serialize(format="nquads", encoding="utf-8")
        store.load(quads, format=ox.RdfFormat.N_QUADS)
        output.write(serialize(store, fmt))

    def query(self, text: str, origin: str, bindings: dict[str, Term] | None = None) -> Answer:
        import rdflib.plugins.sparql
        from pyparsing import ParseException
        from rdflib.plugins.sparql import prepareQuery

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches or reads files

        try:
            prepared = prepareQuery(text, initNs=PREFIXES)
        except ParseException as error:
            raise InputError(
                f"{origin}:{error.lineno}:{error.column}: SPARQL syntax error: {error.msg}"
            ) from None
        except Exception as error:  # rdflib reports unknown prefixes and the like plainly
            raise InputError(f"{origin}: bad SPARQL: {error}") from None
        initial = {k: to_rdflib(v) for k, v in (bindings or {}).items()}
        try:
            return RdflibAnswer(self._dataset.query(prepared, initBindings=initial), origin)
        except Exception as error:
            raise InputError(f"{origin}: query failed: {error}") from None
