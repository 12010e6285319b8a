"""Independent parsers accept every exported file, triple for triple.

`muskgraph build` writes out/muskgraph.{ttl,trig,nt,jsonld}. Each must parse, strictly,
in parsers that share no code with rdflib (which wrote them) or with each other: Serd
(`serdi`), Raptor (`rapper`) and Oxigraph (pyoxigraph), to as many triples (or quads)
as rdflib reads from the same file.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import servers
from rdflib import Dataset, Graph

from graph.build import output_path
from graph.project import Project

BASE = "https://w3id.org/muskgraph/id/"
RDFLIB_FORMATS = {"ttl": "turtle", "trig": "trig", "nt": "nt", "jsonld": "json-ld"}
OXIGRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
SERD_SYNTAX = {"ttl": "turtle", "trig": "trig", "nt": "ntriples"}
RAPTOR_SYNTAX = {"ttl": "turtle", "trig": "trig", "nt": "ntriples"}


def exported(project: Project, fmt: str) -> Path:
    path = output_path(project, fmt)
    assert path.is_file(), f"build wrote no {path.name}"
    return path


def rdflib_count(path: Path, fmt: str) -> int:
    """Triples rdflib reads from the file; for TriG and JSON-LD, quads over all its graphs."""
    if fmt in ("trig", "jsonld"):
        dataset = Dataset()
        dataset.parse(path, format=RDFLIB_FORMATS[fmt], publicID=BASE)
        return sum(len(graph) for graph in dataset.graphs())
    return len(Graph().parse(path, format=RDFLIB_FORMATS[fmt], publicID=BASE))


@pytest.mark.parametrize("fmt", sorted(SERD_SYNTAX))
def test_serd_reads_every_statement(built: Project, fmt: str) -> None:
    serdi = servers.require("serdi", "Debian package serdi")
    path = exported(built, fmt)
    output = "nquads" if fmt == "trig" else "ntriples"
    run = subprocess.run(
        [serdi, "-i", SERD_SYNTAX[fmt], "-o", output, "-q", str(path), BASE],
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr.decode()
    assert not run.stderr, run.stderr.decode()
    statements = [line for line in run.stdout.splitlines() if line.strip()]
    assert len(statements) == rdflib_count(path, fmt)


@pytest.mark.parametrize("fmt", sorted(RAPTOR_SYNTAX))
def test_raptor_reads_every_statement(built: Project, fmt: str) -> None:
    rapper = servers.require("rapper", "Debian package raptor2-utils")
    path = exported(built, fmt)
    run = subprocess.run(
        [rapper, "-i", RAPTOR_SYNTAX[fmt], "-c", str(path), BASE],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr.lower() and "error" not in run.stderr.lower(), run.stderr
    counted = re.search(r"Parsing returned (\d+) (?:triple|statement)s?", run.stderr)
    assert counted, run.stderr
    assert int(counted.group(1)) == rdflib_count(path, fmt)


@pytest.mark.parametrize("fmt", sorted(OXIGRAPH_FORMATS))
def test_oxigraph_reads_every_statement(built: Project, fmt: str) -> None:
    path = exported(built, fmt)
    statements = list(ox.parse(path=path, format=OXIGRAPH_FORMATS[fmt], base_iri=BASE))
    assert len(statements) == rdflib_count(path, fmt)
    if fmt == "trig":
        assert all(isinstance(q.graph_name, ox.NamedNode) for q in statements)


def test_every_parser_sees_the_same_graph_in_every_format(built: Project) -> None:
    """The flat exports say the same thing: Oxigraph reads one set of triples from each."""
    triple_sets = {
        fmt: {
            (q.subject, q.predicate, q.object)
            for q in ox.parse(path=exported(built, fmt), format=OXIGRAPH_FORMATS[fmt])
        }
        for fmt in OXIGRAPH_FORMATS
    }
    assert triple_sets["ttl"] == triple_sets["nt"] == triple_sets["jsonld"] == triple_sets["trig"]
