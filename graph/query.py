"""The SPARQL query library, checked queries and their parameters."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple, Protocol

from graph import sandbox
from graph.errors import InputError
from graph.prefixes import PREFIXES
from graph.project import Project
from graph.store.answer import Answer
from graph.store.terms import Term, parse_term

VIOLATION_SUFFIX = "-violation"


class Engine(Protocol):
    def query(
        self, text: str, origin: str, bindings: dict[str, Term] | None = None, union: bool = True
    ) -> Answer:
        """Answer over the union of the graphs, or, with `union` False, over the dataset
        the query's FROM clauses name (rdflib and endpoints read FROM whatever `union` says;
        Oxigraph would take the union in place of the FROM graphs)."""


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
    import difflib

    names = [path.stem for path in project.query_files()]
    close = difflib.get_close_matches(reference, names, n=1)
    guess = f": did you mean {close[0]}?" if close else ""
    raise InputError(f"unknown query {reference!r}{guess} (see `muskgraph queries`)")


def bindings(query: QueryText, shape: sandbox.Shape, params: dict[str, str]) -> dict[str, Term]:
    """Parameter values as RDF terms, refusing names the query does not use and, in a
    SELECT, variables it does not project (Oxigraph binds no others)."""
    variables = set(re.findall(r"[?$]([A-Za-z_]\w*)", query.text))
    for name in params:
        if name not in variables:
            raise InputError(f"{query.origin}: the query has no variable ?{name} to bind")
        if shape.variables is not None and name not in shape.variables:
            raise InputError(
                f"{query.origin}: ?{name} is not in the SELECT projection: only projected "
                "variables can be bound with --param"
            )
    return {name: parse_term(value) for name, value in params.items()}


def mistaken_names(engine: Engine, request: Request) -> list[str]:
    """Warnings for parameters bound as text that look like the local name of a node in
    the graph (`spacex` for kg:spacex): a query bound so finds nothing without a word."""
    warnings = []
    for name, term in request.bindings.items():
        if term != Term("literal", term.value) or not re.fullmatch(r"[A-Za-z][\w-]*", term.value):
            continue
        for prefix in ("kg", "mg"):
            node = Term("iri", PREFIXES[prefix] + term.value).n3()
            ask = f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} UNION {{ ?s {node} ?o }} }}"
            if engine.query(ask, "<param check>").boolean():
                warnings.append(
                    f"warning: --param {name}={term.value} is bound as the text "
                    f'"{term.value}"; did you mean {prefix}:{term.value}?'
                )
                break
    return warnings


class Request(NamedTuple):
    """A query checked against the sandbox, with its parameters bound."""

    query: QueryText
    bindings: dict[str, Term]
    shape: sandbox.Shape

    @property
    def gives_graph(self) -> bool:
        return self.shape.form in ("CONSTRUCT", "DESCRIBE")


def prepare(
    query: QueryText,
    params: dict[str, str] | None = None,
    services: tuple[str, ...] = (),
    memory: Path | None = None,
) -> Request:
    """Check a query before any store is opened: sandbox, syntax, parameters; `memory`
    is where the sandbox recalls the queries it parsed (see `sandbox.remember`)."""
    if not query.text.strip():
        raise InputError(f"{query.origin}: the query is empty")
    shape = sandbox.check(query.text, query.origin, services, memory)
    return Request(query, bindings(query, shape, params or {}), shape)


def execute(engine: Engine, request: Request) -> Answer:
    """Run a prepared query over the union of the engine's graphs."""
    known = engine.graph_names()
    for graph in request.shape.graphs:
        if graph not in known:
            raise InputError(
                f"{request.query.origin}: FROM <{graph}> is refused: it names no graph in "
                "the store (see `muskgraph graphs`)"
            )
    query = request.query
    return engine.query(query.text, query.origin, request.bindings, union=not request.shape.graphs)


def run(
    engine: Engine,
    query: QueryText,
    params: dict[str, str] | None = None,
    services: tuple[str, ...] = (),
) -> Answer:
    """Check and run a query with bound parameters."""
    return execute(engine, prepare(query, params, services))
