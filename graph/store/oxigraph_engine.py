"""Queries answered by Oxigraph, on disk or in memory, over the union of its graphs."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any

import pyoxigraph as ox

from graph.errors import InputError
from graph.prefixes import PREFIXES
from graph.store.answer import Answer, answering
from graph.store.files import RDF_FORMATS
from graph.store.terms import Term, from_oxigraph, to_oxigraph


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
        output = _RowLimit(max_rows) if max_rows else io.BytesIO()  # no limit: no count
        try:
            self.write_csv(output)
        except OSError:
            if output.exceeded:
                return None
            raise
        return output.getvalue()

    def write_csv(self, stream: IO[bytes]) -> None:
        """The rows as SPARQL CSV, written by Oxigraph into `stream` as they come."""
        with answering(self._origin, (ValueError, RuntimeError)):
            self._result.serialize(stream, format=ox.QueryResultsFormat.CSV)

    def rows(self) -> Iterator[tuple[Term | None, ...]]:
        with answering(self._origin, (OSError, ValueError, RuntimeError)):
            for solution in self._result:
                yield tuple(map(from_oxigraph, solution))

    def boolean(self) -> bool:
        return bool(self._result)

    def triples(self) -> Iterator[tuple[Term, Term, Term]]:
        with answering(self._origin, (OSError, ValueError, RuntimeError)):
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

    def query(
        self, text: str, origin: str, bindings: dict[str, Term] | None = None, union: bool = True
    ) -> Answer:
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            result = self.store.query(
                text,
                prefixes=PREFIXES,
                use_default_graph_as_union=union,
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
        from graph.store.rdflib_bridge import rdflib_dataset

        return rdflib_dataset(self.store)

    def union(self) -> set[tuple[Any, Any, Any]]:
        """The union of the store's graphs as rdflib triples, for graph.render: a set
        is built in a fraction of the time an rdflib store takes."""
        from graph.store.rdflib_bridge import rdflib_triples

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
