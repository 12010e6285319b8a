"""Checking the graph: SHACL shapes, quotes against their sources, and violation queries,
on the project and on each graph beside it (a loaded graph, or a file named to check).

The project is checked alone. A graph beside it is checked together with the project, not
with the other loaded graphs, and is charged with the problems it brings: those found in
the project with the graph that are not found in the project alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import SH

from graph.build import assemble
from graph.errors import InputError, QuoteMismatch
from graph.namespaces import ONTOLOGY_IRI
from graph.project import Project
from graph.provenance import find_mismatches
from graph.query import VIOLATION_SUFFIX, Engine, QueryText, library, run
from graph.shacl import Result, ShapesGraph, path_text, term_text
from graph.store.files import load_file, memory_store, parse_file
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.rdflib_bridge import rdflib_graph
from graph.workspace import Loaded, find_loaded, read_record

if TYPE_CHECKING:
    from graph.sources import Source

PROJECT = "project"


@dataclass
class Report:
    """What is wrong with one part of what is checked, one readable line per problem."""

    name: str  # PROJECT, or the file a graph came from
    graph: str | None = None  # the graph's IRI; None for the project's graphs
    problems: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.problems


class Selection(NamedTuple):
    """What to check: the project, every loaded graph, or the loaded graphs and files named."""

    project: bool = True
    loaded: bool = True
    graphs: tuple[str, ...] = ()  # loaded graphs, by IRI or file path
    data: tuple[Path, ...] = ()  # files, checked without loading them


def shacl_inputs(engine: OxigraphEngine) -> tuple[Graph, Graph]:
    """The union of the engine's graphs, and its ontology graph, in rdflib's memory store:
    pyshacl asks many small questions, which rdflib answers fastest from memory."""
    data = Graph()
    for triple in engine.union():
        data.add(triple)
    ontology = engine.store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_IRI))
    return data, rdflib_graph(ontology)


@contextmanager
def _rdflib_conversions() -> Iterator[None]:
    """Keep rdflib's conversions of literals to Python values as they were.

    pyshacl's RDFS inference (owlrl) adds its own to rdflib's table and leaves them there;
    its xsd:gMonth one refuses "--06", and rdflib then logs a traceback for every such
    literal made later in the process (the project's, when a loaded graph is checked).
    """
    from rdflib.term import _toPythonMapping

    saved = dict(_toPythonMapping)
    try:
        yield
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)


def pyshacl_results(data: Graph, shapes: Graph, ontology: Graph) -> list[Result]:
    """pySHACL's results, with the ontology and RDFS inference: the reference engine."""
    from pyshacl import validate as shacl_validate  # slow to import, and seldom used

    with _rdflib_conversions():
        _, results, _ = shacl_validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", allow_warnings=True
        )
    found = []
    for result in results.subjects(SH.resultSeverity, None):
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        component = term_text(results.value(result, SH.sourceConstraintComponent))
        found.append(
            Result(
                term_text(results.value(result, SH.focusNode)),
                path_text(results, results.value(result, SH.resultPath)),
                component.removeprefix("sh:"),
                term_text(results.value(result, SH.resultSeverity)).removeprefix("sh:"),
                messages[0] if messages else "violates a shape",
            )
        )
    return found


def violation_problems(engine: Engine, queries: dict[str, QueryText]) -> list[str]:
    """Rows of every `*-violation` query; each row is one problem."""
    lines = []
    for name, query in sorted(queries.items()):
        if not name.endswith(VIOLATION_SUFFIX):
            continue
        for row in run(engine, query).rows():
            cells = " ".join("" if term is None else term.text() for term in row)
            lines.append(f"{name}: {cells}")
    return lines


class Checks:
    """The project's checks: quotes against their sources, SHACL shapes, violation queries."""

    def __init__(self, project: Project, engine: str = "oxigraph") -> None:
        """`engine` checks the shapes: "oxigraph" answers them compiled to SPARQL
        (graph.shacl), "pyshacl" is the reference it is tested against."""
        self.assembly = assemble(project, verify_quotes=False)
        self.shapes_file = project.shapes_file
        self.shapes = rdflib_graph(parse_file(project.shapes_file))
        self.shacl = self._pyshacl
        if engine == "oxigraph":  # refuses, before any check, a shape it cannot translate
            self.shacl = ShapesGraph(self.shapes, str(self.shapes_file)).results
        self.seeds_dir = project.seeds_dir
        self.queries = library(project)
        self._project: list[str] | None = None

    @property
    def names(self) -> list[str]:
        return [
            "quotes against their source documents",
            f"SHACL shapes ({self.shapes_file.name})",
            *(f"query {name}" for name in sorted(self.queries) if name.endswith(VIOLATION_SUFFIX)),
        ]

    def _pyshacl(self, engine: OxigraphEngine) -> list[Result]:
        data, ontology = shacl_inputs(engine)
        return pyshacl_results(data, self.shapes, ontology)

    def _run(self, engine: OxigraphEngine) -> list[str]:
        problems = [str(m) for m in find_mismatches(engine, self.seeds_dir, self.assembly.origins)]
        problems += sorted(result.line() for result in self.shacl(engine))
        return problems + violation_problems(engine, self.queries)

    def project(self) -> list[str]:
        """The problems of the project's graphs alone."""
        if self._project is None:
            self._project = self._run(OxigraphEngine(self.assembly.store))
        return self._project

    def beside(self, store: ox.Store) -> list[str]:
        """The problems the graphs in `store` bring to the project (the project's graphs
        are added to `store`)."""
        known = set(self.project())
        store.extend(self.assembly.store)
        return [problem for problem in self._run(OxigraphEngine(store)) if problem not in known]


class Beside(NamedTuple):
    """A graph to check beside the project, in a store of its own in memory; `store` is
    None when the graph could not be read, and `unread` says why."""

    name: str
    graph: str
    store: ox.Store | None
    unread: str = ""


def _data_files(paths: Iterable[Path]) -> list[Beside]:
    return [Beside(str(path), path.resolve().as_uri(), memory_store([path])) for path in paths]


def _chosen(
    record: tuple[Loaded, ...], selection: Selection, project_graphs: set[str]
) -> list[Loaded]:
    """The loaded graphs the selection names, or all of them, by file path."""
    for name in selection.graphs:
        if name.strip("<>") in project_graphs:
            raise InputError(
                f"{name}: is one of the project's graphs, which are checked together "
                "(use --project-only)"
            )
    if selection.graphs:
        entries = [find_loaded(record, name) for name in selection.graphs]
    else:
        entries = list(record)
    unique = {entry.graph: entry for entry in entries}
    return sorted(unique.values(), key=lambda entry: entry.path)


def _read_again(entry: Loaded) -> Beside:
    """A loaded graph in a store of its own, read again from its file: Oxigraph parses it in
    a third of the time reading the graph back out of the store takes. The store holds
    the file as it is now (it is rebuilt when a loaded file changed), and no graph for a
    file that is gone."""
    store = ox.Store()
    if Path(entry.path).is_file():
        load_file(store, Path(entry.path), entry.graph)
    return Beside(entry.path, entry.graph, store)


def _loaded_graphs(
    project: Project, selection: Selection, project_graphs: set[str], source: Source
) -> list[Beside]:
    """The chosen loaded graphs, once the store is current (rebuilt when stale)."""
    if not selection.loaded and not selection.graphs:
        return []
    chosen = _chosen(read_record(project), selection, project_graphs)
    if not chosen:
        return []  # nothing is loaded: the store is not needed
    try:
        with source.holding(project):
            return [_read_again(entry) for entry in chosen]
    except QuoteMismatch:  # the store is stale and the project does not build
        reason = "not checked: the store cannot be rebuilt while a quote of the project is wrong"
        return [Beside(entry.path, entry.graph, None, reason) for entry in chosen]


def check(
    project: Project, selection: Selection, source: Source, engine: str = "oxigraph"
) -> tuple[list[Report], Checks]:
    """Check what `selection` chooses, the shapes by `engine`; the reports, and the checks
    that were run."""
    checks = Checks(project, engine)
    graphs = set(checks.assembly.files)
    besides = _loaded_graphs(project, selection, graphs, source) + _data_files(selection.data)
    reports = [Report(PROJECT, problems=checks.project())] if selection.project else []
    for beside in besides:
        problems = [beside.unread] if beside.store is None else checks.beside(beside.store)
        reports.append(Report(beside.name, beside.graph, problems))
    return reports, checks
