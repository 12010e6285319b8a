"""The SPARQL query library, parameters, and results for people and programs."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from graph import sandbox
from graph.errors import InputError
from graph.project import Project
from graph.store import GRAPH_FORMATS, RESULT_FORMATS, Answer, OxigraphEngine, Term, parse_term

VIOLATION_SUFFIX = "-violation"


class Engine(Protocol):
    def query(self, text: str, origin: str, bindings: dict[str, Term] | None = None) -> Answer: ...


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


def bindings(query: QueryText, params: dict[str, str]) -> dict[str, Term]:
    """Parameter values as RDF terms, refusing names the query does not use."""
    variables = set(re.findall(r"[?$]([A-Za-z_]\w*)", query.text))
    for name in params:
        if name not in variables:
            raise InputError(f"{query.origin}: the query has no variable ?{name} to bind")
    return {name: parse_term(value) for name, value in params.items()}


@dataclass(frozen=True)
class Request:
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


def check_format(form: str, fmt: str) -> None:
    """Refuse a results format for a graph, or an RDF format for results."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        if fmt not in GRAPH_FORMATS:
            raise InputError(
                f"--format {fmt} is for SELECT and ASK; a {form} gives a graph: "
                f"use {', '.join(GRAPH_FORMATS)}"
            )
    elif fmt not in RESULT_FORMATS:
        raise InputError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; a {form} gives results: "
            f"use {', '.join(RESULT_FORMATS)}"
        )


def format_answer(answer: Answer, fmt: str) -> bytes:
    """An answer in a W3C results format, as a text table, or in an RDF syntax for graphs."""
    check_format(answer.form, fmt)
    if fmt == "table":
        return table(answer).encode("utf-8")
    return answer.serialize(fmt)


TABLE_CELL_WIDTH = 60


def _cell(term: Term | None) -> str:
    text = "" if term is None else " ".join(term.text().split())
    return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"


def table(answer: Answer) -> str:
    """SELECT rows as an aligned text table (long values shortened); ASK as yes or no."""
    if answer.form == "ASK":
        return ("yes" if answer.boolean() else "no") + "\n"
    header = answer.variables
    rows = [[_cell(term) for term in row] for row in answer.rows()]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
        for cells in [header, ["-" * w for w in widths], *rows]
    ]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
