"""What a reading command reads: the project's store, rdflib's memory store, RDF files
or a remote endpoint; how it is held while read; and the limits it runs under."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from graph.limits import Stop, end_process, in_child, within
from graph.project import Project
from graph.query import Engine, Request
from graph.text import to_stderr

T = TypeVar("T")
MEMORY_STORE_TRIPLES = 200_000
"""The most triples `--store memory` takes. rdflib holds every triple as Python objects:
handing it a million (synthetic, one named graph) took 80 s and 1.2 GB, past the
default --timeout, before a query even began."""
Notice = Callable[[str], None]


def build_again(project: Project, notice: Notice = to_stderr) -> None:
    """Build the project again: its store was missing, half-written, foreign, stale or
    damaged."""
    from graph.build import build

    notice("the store is missing or out of date: building it")
    build(project, notice)


class Source(NamedTuple):
    """What a reading command reads (the store, rdflib's memory store, files or an
    endpoint), the limits it runs under, and the SERVICE endpoints the user allowed."""

    store: str
    data: tuple[Path, ...]
    timeout: float
    max_rows: int
    endpoint: str | None = None
    notice: Notice = to_stderr
    stop: Stop = end_process
    services: tuple[str, ...] = ()

    def engine(self, project: Project, opened: Any = None) -> Engine:
        """The engine to read with; `opened` is what `holding` gave: the project's store,
        opened (`graph.workspace.Opened`)."""
        if self.endpoint:
            from graph.endpoint import RemoteEngine
            from graph.remote import Endpoint

            endpoint = Endpoint(self.endpoint, timeout=self.timeout or 30.0)
            return RemoteEngine(endpoint, self.notice, self.services)
        if self.data:
            from graph.store.files import memory_store
            from graph.store.oxigraph_engine import OxigraphEngine

            return OxigraphEngine(memory_store(list(self.data)))
        if self.store == "memory":
            from graph.build import memory_dataset
            from graph.store.rdflib_engine import RdflibEngine

            return RdflibEngine(memory_dataset(project, MEMORY_STORE_TRIPLES, self.notice))
        from graph.store.oxigraph_engine import OxigraphEngine

        return OxigraphEngine(opened.store)

    def build_again(self, project: Project) -> None:
        build_again(project, self.notice)

    def holding(self, project: Project) -> contextlib.AbstractContextManager[Any]:
        """Keep what a command reads of the project current and unchanged meanwhile: the
        store (opened, with the manifest and record it was checked with, for `engine`),
        or for rdflib's memory store the record of loaded files."""
        if self.endpoint or self.data:
            return contextlib.nullcontext()
        from graph.workspace import reading, sharing

        if self.store == "memory":
            return sharing(project, self.notice)
        return reading(project, self.build_again, self.notice)

    def checking(self, what: str, work: Callable[[], T]) -> T:
        """`work()`, the check of a query before any store is opened, under the time
        limit: Oxigraph's syntax check runs the query on an empty store, which some
        queries (a long chain of path steps) take minutes to do."""
        return within(self.timeout, work, f"checking {what}", self.stop)

    def run(self, project: Project, what: str, work: Callable[[Any], T]) -> T:
        """`work(engine)`; past the time limit, `stop` ends the process, or for rdflib's
        memory store (which a thread cannot stop) the child doing the work is killed."""
        with self.holding(project) as opened:

            def task() -> T:
                return work(self.engine(project, opened))

            if self.store == "memory" and not (self.endpoint or self.data):
                return in_child(self.timeout, task, what)
            return within(self.timeout, task, what, self.stop)


def construct_triples(engine: Engine, request: Request, max_rows: int) -> set[tuple]:
    """The triples a CONSTRUCT request gives, as rdflib triples to draw."""
    from graph.query import execute
    from graph.results import limited
    from graph.store.rdflib_bridge import rdflib_triples

    return rdflib_triples(limited(execute(engine, request).triples(), max_rows, "triples"))


def ontology_triples(engine: Engine) -> set[tuple]:
    """The ontology graph as rdflib triples, for the classes and labels a drawing uses."""
    from graph.prefixes import ONTOLOGY_IRI
    from graph.store.rdflib_bridge import rdflib_triples

    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_IRI}> {{ ?s ?p ?o }} }}"
    return rdflib_triples(engine.query(query, "<ontology>").triples())
