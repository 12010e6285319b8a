"""Checking the graph: SHACL shapes, quotes against their sources, and violation queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import SH

from graph.namespaces import ONTOLOGY_IRI
from graph.provenance import find_mismatches
from graph.query import VIOLATION_SUFFIX, Engine, QueryText, run
from graph.store.files import parse_file
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.rdflib_bridge import from_rdflib, rdflib_graph


@dataclass
class Report:
    """What is wrong with a graph, one readable line per problem."""

    problems: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.problems


def shacl_inputs(engine: OxigraphEngine) -> tuple[Graph, Graph]:
    """The union of the engine's graphs, and its ontology graph, in rdflib's memory store:
    pyshacl asks many small questions, which rdflib answers fastest from memory."""
    data = Graph()
    for triple in engine.union():
        data.add(triple)
    ontology = engine.store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_IRI))
    return data, rdflib_graph(ontology)


def shacl_problems(data: Graph, shapes: Graph, ontology: Graph) -> list[str]:
    """SHACL results as lines: focus node, path, message."""
    _, results, _ = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", allow_warnings=True
    )
    lines = []
    for result in results.subjects(SH.resultSeverity, None):
        severity = _text(results.value(result, SH.resultSeverity)).removeprefix("sh:")
        focus = _text(results.value(result, SH.focusNode))
        path = _text(results.value(result, SH.resultPath))
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        message = messages[0] if messages else "violates a shape"
        lines.append(f"{severity}: {focus}{' ' + path if path else ''}: {message}")
    return sorted(lines)


def _text(term) -> str:
    converted = from_rdflib(term)
    return "" if converted is None else converted.text()


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


def check(
    engine: OxigraphEngine,
    shapes_file: Path,
    seeds_dir: Path,
    queries: dict[str, QueryText],
    origins: dict[str, Path] | None = None,
) -> Report:
    """Run every check on the assembled graphs that `engine` holds."""
    shapes = rdflib_graph(parse_file(shapes_file))
    report = Report()
    report.checks.append("quotes against their source documents")
    report.problems += [str(m) for m in find_mismatches(engine, seeds_dir, origins)]
    report.checks.append(f"SHACL shapes ({shapes_file.name})")
    data, ontology = shacl_inputs(engine)
    report.problems += shacl_problems(data, shapes, ontology)
    violations = sorted(n for n in queries if n.endswith(VIOLATION_SUFFIX))
    report.checks += [f"query {name}" for name in violations]
    report.problems += violation_problems(engine, queries)
    return report
