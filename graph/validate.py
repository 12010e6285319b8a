"""Checking the graph: SHACL shapes, quotes against their sources, and violation queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import SH

from graph.namespaces import ONTOLOGY_IRI, bind_prefixes
from graph.provenance import find_mismatches
from graph.query import VIOLATION_SUFFIX, QueryText, run, term_text
from graph.store import flatten, parse_rdf


@dataclass
class Report:
    """What is wrong with a graph, one readable line per problem."""

    problems: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.problems


def shacl_problems(data: Graph, shapes: Graph, ontology: Graph) -> list[str]:
    """SHACL results as lines: focus node, path, message."""
    _, results, _ = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", allow_warnings=True
    )
    names = bind_prefixes(Graph())
    lines = []
    for result in results.subjects(SH.resultSeverity, None):
        severity = term_text(results.value(result, SH.resultSeverity), names).removeprefix("sh:")
        focus = term_text(results.value(result, SH.focusNode), names)
        path = term_text(results.value(result, SH.resultPath), names)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        message = messages[0] if messages else "violates a shape"
        lines.append(f"{severity}: {focus}{' ' + path if path else ''}: {message}")
    return sorted(lines)


def violation_problems(data: Graph, queries: dict[str, QueryText]) -> list[str]:
    """Rows of every `*-violation` query; each row is one problem."""
    names = bind_prefixes(Graph())
    lines = []
    for name, query in sorted(queries.items()):
        if not name.endswith(VIOLATION_SUFFIX):
            continue
        for row in run(data, query):
            cells = " ".join(term_text(term, names) for term in row)
            lines.append(f"{name}: {cells}")
    return lines


def check(
    dataset: Dataset,
    shapes_file: Path,
    seeds_dir: Path,
    queries: dict[str, QueryText],
    origins: dict[URIRef, Path] | None = None,
) -> Report:
    """Run every check on an assembled dataset."""
    shapes = parse_rdf(shapes_file)
    ontology = dataset.graph(URIRef(ONTOLOGY_IRI))
    report = Report()
    report.checks.append("quotes against their source documents")
    report.problems += [str(m) for m in find_mismatches(dataset, seeds_dir, origins)]
    report.checks.append(f"SHACL shapes ({shapes_file.name})")
    report.problems += shacl_problems(flatten(dataset), shapes, ontology)
    violations = sorted(n for n in queries if n.endswith(VIOLATION_SUFFIX))
    report.checks += [f"query {name}" for name in violations]
    report.problems += violation_problems(dataset, queries)
    return report
