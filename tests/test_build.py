"""Building: every export re-parses to the same graph, byte-stable, and bad input stops it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from graph.build import OUTPUT_STEM, assemble, build, ontology_path
from graph.namespaces import KG, ONTOLOGY_IRI
from graph.project import Project
from graph.store.serialize import EXPORT_FORMATS

OXIGRAPH_FORMATS = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}


def outputs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "out").glob(f"{OUTPUT_STEM}.*"))}


def oxigraph_triples(path: Path, fmt: str) -> set[tuple[str, str, str]]:
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in pyoxigraph.parse(path=str(path), format=OXIGRAPH_FORMATS[fmt])
    }


def rdflib_triples(graph: Graph) -> set[tuple[str, str, str]]:
    return {tuple(pyoxigraph_term(t) for t in triple) for triple in graph}


def pyoxigraph_term(term) -> str:
    """rdflib term as pyoxigraph prints it (N-Triples), to compare the two parsers' output."""
    return str(term.n3()) if not isinstance(term, URIRef) else f"<{term}>"


RDFLIB_FORMATS = {"ttl": "turtle", "trig": "trig", "nt": "nt", "jsonld": "json-ld"}


@pytest.fixture
def built_copy(project_copy: Path) -> Path:
    build(Project.locate(project_copy))
    return project_copy


def test_build_writes_every_format(built_copy: Path) -> None:
    assert sorted(outputs(built_copy)) == sorted(f"{OUTPUT_STEM}.{f}" for f in EXPORT_FORMATS)


def test_build_writes_the_ontology_alone_as_rdf_xml(built_copy: Path) -> None:
    project = Project.locate(built_copy)
    written = Graph().parse(ontology_path(project), format="xml")
    ontology = Graph()
    for path in project.ontology_files():
        ontology.parse(path)
    assert isomorphic(written, ontology)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_each_export_reparses_in_pyoxigraph_to_the_same_triples(built_copy, dataset, fmt) -> None:
    path = built_copy / "out" / f"{OUTPUT_STEM}.{fmt}"
    expected = {
        tuple(pyoxigraph_term(t) for t in triple) for triple in dataset.triples((None,) * 3)
    }
    assert oxigraph_triples(path, fmt) == expected


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_each_export_reparses_in_rdflib_to_an_isomorphic_graph(built_copy, dataset, fmt) -> None:
    path = built_copy / "out" / f"{OUTPUT_STEM}.{fmt}"
    reparsed = Dataset(default_union=True)
    reparsed.parse(path, format=RDFLIB_FORMATS[fmt])
    expected = Graph()
    for triple in dataset.triples((None, None, None)):
        expected.add(triple)
    flat = Graph()
    for triple in reparsed.triples((None, None, None)):
        flat.add(triple)
    assert isomorphic(flat, expected)


def test_trig_holds_one_named_graph_per_source(built_copy: Path) -> None:
    reparsed = Dataset()
    reparsed.parse(built_copy / "out" / f"{OUTPUT_STEM}.trig", format="trig")
    names = {g.identifier for g in reparsed.graphs() if len(g)}
    assert names == {
        URIRef(ONTOLOGY_IRI),
        KG["article-spacex-xai-merger"],
        KG.background,
        KG.inferences,
    }


def test_build_is_byte_for_byte_deterministic(project_copy: Path) -> None:
    """Two builds in two processes (hash seeds differ between processes) give the same bytes."""
    command = [sys.executable, "-m", "graph", "--project", str(project_copy), "build"]
    subprocess.run(command, check=True, capture_output=True)
    first = outputs(project_copy)
    subprocess.run(command, check=True, capture_output=True)
    assert outputs(project_copy) == first


def test_article_is_a_byte_copy_of_the_shared_seed(project: Project) -> None:
    shared = project.data_root.parent / "shared" / "seeds" / "spacex-xai-merger.de.txt"
    if not shared.exists():
        pytest.skip(f"{shared} is not beside this checkout")
    assert (project.seeds_dir / "spacex-xai-merger.de.txt").read_bytes() == shared.read_bytes()


def test_assemble_keeps_each_source_in_its_own_graph(project: Project) -> None:
    assembly = assemble(project)
    assert {graph: [p.name for p in paths] for graph, paths in assembly.files.items()} == {
        ONTOLOGY_IRI: ["muskgraph.ttl"],
        str(KG["article-spacex-xai-merger"]): ["spacex-xai-merger.tsv"],
        str(KG.background): ["background.ttl"],
        str(KG.inferences): [p.name for p in project.rule_files()],
    }
