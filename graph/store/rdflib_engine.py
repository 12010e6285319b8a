"""Queries answered by rdflib's memory store over the union of a dataset's graphs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import pyoxigraph as ox

from graph.errors import InputError
from graph.prefixes import PREFIXES
from graph.store.answer import Answer, answering
from graph.store.rdflib_bridge import from_rdflib, to_rdflib
from graph.store.serialize import serialize
from graph.store.terms import Term


def syntax_error(origin: str, error: Any, note: str = "") -> InputError:
    """A one-line error for a query rdflib's parser cannot read, with line and column."""
    reason = f"{error.msg} ({note})" if note else error.msg
    return InputError(f"{origin}:{error.lineno}:{error.column}: SPARQL syntax error: {reason}")


class RdflibAnswer(Answer):
    def __init__(self, result: Any, origin: str = "<query>") -> None:
        self._result = result
        self._origin = origin
        self.form = "SELECT" if result.type == "SELECT" else result.type
        if self.form == "DESCRIBE":
            self.form = "CONSTRUCT"
        self.variables = [str(v) for v in result.vars] if self.form == "SELECT" else []

    def rows(self) -> Iterator[tuple[Term | None, ...]]:
        with answering(self._origin, (Exception,)):  # rdflib raises all kinds
            for row in self._result:
                yield tuple(from_rdflib(term) for term in row)

    def boolean(self) -> bool:
        with answering(self._origin, (Exception,)):
            return bool(self._result.askAnswer)

    def triples(self) -> Iterator[tuple[Term, Term, Term]]:
        with answering(self._origin, (Exception,)):
            for triple in self._result.graph:
                yield tuple(from_rdflib(term) for term in triple)


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

    def query(
        self, text: str, origin: str, bindings: dict[str, Term] | None = None, union: bool = True
    ) -> Answer:
        import rdflib.plugins.sparql
        from pyparsing import ParseException
        from rdflib.plugins.sparql import prepareQuery

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches or reads files

        try:
            prepared = prepareQuery(text, initNs=PREFIXES)
        except ParseException as error:
            raise syntax_error(origin, error) from None
        except Exception as error:  # rdflib reports unknown prefixes and the like plainly
            raise InputError(f"{origin}: bad SPARQL: {error}") from None
        initial = {k: to_rdflib(v) for k, v in (bindings or {}).items()}
        try:
            return RdflibAnswer(self._dataset.query(prepared, initBindings=initial), origin)
        except Exception as error:
            raise InputError(f"{origin}: query failed: {error}") from None
