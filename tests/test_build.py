"""Building: every export re-parses to the same graph, byte-stable, and bad input stops it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from graph.build import OUTPUT_STEM, assemble, build
from graph.namespaces import KG, ONTOLOGY_IRI
from graph.project import Project
from graph.store import FORMATS

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


@pytest.fixture
def built(project_copy: Path) -> Path:
    build(Project.locate(project_copy))
    return project_copy


def test_build_writes_every_format(built: Path) -> None:
    assert sorted(outputs(built)) == sorted(f"{OUTPUT_STEM}{s[1]}" for s in FORMATS.values())


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_each_export_reparses_in_pyoxigraph_to_the_same_triples(built, dataset, fmt) -> None:
    path = built / "out" / f"{OUTPUT_STEM}{FORMATS[fmt][1]}"
    expected = {
        tuple(pyoxigraph_term(t) for t in triple) for triple in dataset.triples((None,) * 3)
    }
    assert oxigraph_triples(path, fmt) == expected


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_each_export_reparses_in_rdflib_to_an_isomorphic_graph(built, dataset, fmt) -> None:
    path = built / "out" / f"{OUTPUT_STEM}{FORMATS[fmt][1]}"
    reparsed = Dataset(default_union=True)
    reparsed.parse(path, format=FORMATS[fmt][0])
    expected = Graph()
    for triple in dataset.triples((None, None, None)):
        expected.add(triple)
    flat = Graph()
    for triple in reparsed.triples((None, None, None)):
        flat.add(triple)
    assert isomorphic(flat, expected)


def test_trig_holds_one_named_graph_per_source(built: Path) -> None:
    reparsed = Dataset()
    reparsed.parse(built / "out" / f"{OUTPUT_STEM}.trig", format="trig")
    names = {g.identifier for g in reparsed.graphs() if len(g)}
    assert names == {URIRef(ONTOLOGY_IRI), KG["article-spacex-xai-merger"], KG.background}


def test_build_is_byte_for_byte_deterministic(project_copy: Path) -> None:
    project = Project.locate(project_copy)
    build(project)
    first = outputs(project_copy)
    build(project)
    assert outputs(project_copy) == first


def test_article_is_a_byte_copy_of_the_shared_seed(project: Project) -> None:
    shared = project.data_root.parent / "shared" / "seeds" / "spacex-xai-merger.de.txt"
    if not shared.exists():
        pytest.skip(f"{shared} is not beside this checkout")
    assert (project.seeds_dir / "spacex-xai-merger.de.txt").read_bytes() == shared.read_bytes()


def test_assemble_keeps_each_source_in_its_own_graph(project: Project) -> None:
    assembly = assemble(project)
    assert set(assembly.origins) == {KG["article-spacex-xai-merger"], KG.background}
    assert {p.name for p in assembly.origins.values()} == {
        "spacex-xai-merger.ttl",
        "background.ttl",
    }
