"""The SPARQL query library and running queries with bound parameters."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pyparsing import ParseException
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from graph.errors import InputError
from graph.namespaces import PREFIXES, bind_prefixes
from graph.project import Project

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
VIOLATION_SUFFIX = "-violation"


@dataclass(frozen=True)
class QueryText:
    """A query's text and where it came from (a file name, `<stdin>` or `<inline>`)."""

    text: str
    origin: str

    @property
    def description(self) -> str:
        """The query's header comment, without the `#` marks."""
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            lines.append(line.lstrip("#").strip())
        return " ".join(line for line in lines if line)

    @property
    def title(self) -> str:
        """The first sentence of the description."""
        return re.split(r"(?<=[.?!])\s", self.description, maxsplit=1)[0]


def read_query_file(path: Path) -> QueryText:
    try:
        return QueryText(path.read_text(encoding="utf-8"), str(path))
    except FileNotFoundError:
        raise InputError(f"{path}: no such query file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from None


def library(project: Project) -> dict[str, QueryText]:
    """The named queries of a project, by file stem."""
    return {path.stem: read_query_file(path) for path in project.query_files()}


def resolve(project: Project, reference: str) -> QueryText:
    """A query by library name, by path to a `.rq` file, or `-` for standard input."""
    if reference == "-":
        return QueryText(sys.stdin.read(), "<stdin>")
    path = Path(reference)
    if path.suffix == ".rq" or path.exists():
        return read_query_file(path)
    named = project.queries_dir / f"{reference}.rq"
    if named.is_file():
        return read_query_file(named)
    raise InputError(f"unknown query {reference!r}: see `muskgraph queries` for the library")


def prepare(query: QueryText) -> Query:
    """Parse a query, reporting syntax errors with the origin, line and column."""
    try:
        return prepareQuery(query.text, initNs=PREFIXES)
    except ParseException as error:
        raise InputError(
            f"{query.origin}:{error.lineno}:{error.column}: SPARQL syntax error: {error.msg}"
        ) from None
    except Exception as error:  # rdflib reports unknown prefixes and the like as plain errors
        raise InputError(f"{query.origin}: bad SPARQL: {error}") from None


def query_form(prepared: Query) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return prepared.algebra.name.removesuffix("Query").upper()


def parse_term(value: str) -> Node:
    """A parameter value as an RDF term: `<iri>`, `prefix:name`, a Turtle literal, or text.

    Values are parsed as single RDF terms, never pasted into the query, so they cannot
    change its structure.
    """
    prefix = value.split(":", 1)[0]
    looks_like_term = (
        value.startswith(("<", '"', "'"))
        or (":" in value and prefix in PREFIXES)
        or re.fullmatch(r"[+-]?\d+(\.\d+)?|true|false", value)
    )
    if not looks_like_term:
        return Literal(value)
    probe = bind_prefixes(Graph())
    turtle = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    try:
        probe.parse(data=f"{turtle}<urn:s> <urn:p> {value} .", format="turtle")
    except Exception:  # any parse failure means the value is not one valid term
        raise InputError(f"--param value {value!r} is not a single RDF term") from None
    objects = list(probe.objects(URIRef("urn:s"), URIRef("urn:p")))
    if len(objects) != 1 or len(probe) != 1:
        raise InputError(f"--param value {value!r} is not a single RDF term")
    return objects[0]


def bindings(prepared: Query, query: QueryText, params: dict[str, str]) -> dict[str, Node]:
    """Parameter values as initBindings, refusing names the query does not use."""
    variables = {str(v) for v in prepared.algebra.get("_vars", set())}
    variables |= set(re.findall(r"[?$]([A-Za-z_][\w]*)", query.text))
    for name in params:
        if name not in variables:
            raise InputError(f"{query.origin}: the query has no variable ?{name} to bind")
    return {name: parse_term(value) for name, value in params.items()}


def run(graph: Graph, query: QueryText, params: dict[str, str] | None = None) -> Result:
    """Run a query over a graph (for a dataset: the union of its graphs)."""
    prepared = prepare(query)
    try:
        return graph.query(prepared, initBindings=bindings(prepared, query, params or {}))
    except InputError:
        raise
    except Exception as error:
        raise InputError(f"{query.origin}: query failed: {error}") from None


def format_result(result: Result, fmt: str) -> bytes:
    """A result in a W3C results format, a text table, or an RDF syntax for graphs."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        if fmt not in GRAPH_FORMATS:
            raise InputError(
                f"--format {fmt} is for SELECT and ASK; a {result.type} gives a graph: "
                f"use {', '.join(GRAPH_FORMATS)}"
            )
        graph = bind_prefixes(Graph())
        for triple in sorted(result.graph):
            graph.add(triple)
        return graph.serialize(format=GRAPH_FORMATS[fmt], encoding="utf-8")
    if fmt not in RESULT_FORMATS:
        raise InputError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; a {result.type} gives results: "
            f"use {', '.join(RESULT_FORMATS)}"
        )
    if fmt == "table":
        return table(result).encode("utf-8")
    if fmt == "tsv":
        return tsv(result).encode("utf-8")
    return result.serialize(format=fmt, encoding="utf-8")


def tsv(result: Result) -> str:
    """SPARQL 1.1 TSV results: terms in Turtle syntax, tabs and newlines escaped.

    rdflib parses this format but does not write it.
    """
    if result.type == "ASK":
        return "?_askResult\n" + ("true" if result.askAnswer else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    lines += ["\t".join(_tsv_term(row[v]) for v in result.vars) for row in result]
    return "\n".join(lines) + "\n"


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if not isinstance(term, Literal):
        return term.n3()
    text = f'"{str(term).translate(_TSV_ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype:
        return f"{text}^^<{term.datatype}>"
    return text


def term_text(term: Node | None, graph: Graph) -> str:
    """A term as a person reads it: prefixed names for IRIs, the text of literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return term.n3(graph.namespace_manager)
    return str(term)


TABLE_CELL_WIDTH = 60


def _cell(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"


def table(result: Result) -> str:
    """SELECT rows as an aligned text table (long values shortened); ASK as yes or no."""
    if result.type == "ASK":
        return ("yes" if result.askAnswer else "no") + "\n"
    names = bind_prefixes(Graph())
    header = [str(v) for v in result.vars]
    rows = [[_cell(term_text(row[v], names)) for v in result.vars] for row in result]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
        for cells in [header, ["-" * w for w in widths], *rows]
    ]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
