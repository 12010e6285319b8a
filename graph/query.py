"""The SPARQL query library, checked queries and their parameters."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple, Protocol

import pyoxigraph as ox

from graph import sandbox
from graph.errors import InputError
from graph.project import Project
from graph.store.answer import Answer
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.terms import Term, parse_term

VIOLATION_SUFFIX = "-violation"


class Engine(Protocol):
    def query(self, text: str, origin: str, bindings: dict[str, Term] | None = None) -> Answer: ...


class QueryText(NamedTuple):
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


def bindings(query: QueryText, params: dict[str, str]) -> dict[str, Term]:
    """Parameter values as RDF terms, refusing names the query does not use."""
    variables = set(re.findall(r"[?$]([A-Za-z_]\w*)", query.text))
    for name in params:
        if name not in variables:
            raise InputError(f"{query.origin}: the query has no variable ?{name} to bind")
    return {name: parse_term(value) for name, value in params.items()}


class Request(NamedTuple):
    """A query checked against the sandbox, with its parameters bound."""

    query: QueryText
    bindings: dict[str, Term]
    shape: sandbox.Shape

    @property
    def gives_graph(self) -> bool:
        return self.shape.form in ("CONSTRUCT", "DESCRIBE")


def prepare(
    query: QueryText, params: dict[str, str] | None = None, services: tuple[str, ...] = ()
) -> Request:
    """Check a query before any store is opened: sandbox, syntax, parameters."""
    if not query.text.strip():
        raise InputError(f"{query.origin}: the query is empty")
    shape = sandbox.check(query.text, query.origin, services)
    if not services:  # safe to try on an empty store: it can reach nothing
        OxigraphEngine(ox.Store()).query(query.text, query.origin)
    return Request(query, bindings(query, params or {}), shape)


def execute(engine: Engine, request: Request) -> Answer:
    """Run a prepared query over the union of the engine's graphs."""
    known = engine.graph_names()
    for graph in request.shape.graphs:
        if graph not in known:
            raise InputError(
                f"{request.query.origin}: FROM <{graph}> is refused: it names no graph in "
                "the store (see `muskgraph graphs`)"
            )
    return engine.query(request.query.text, request.query.origin, request.bindings)


def run(
    engine: Engine,
    query: QueryText,
    params: dict[str, str] | None = None,
    services: tuple[str, ...] = (),
) -> Answer:
    """Check and run a query with bound parameters."""
    return execute(engine, prepare(query, params, services))
