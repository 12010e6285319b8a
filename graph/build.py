"""Assembling the knowledge graph from a project and writing its exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Dataset, Graph, URIRef

from graph.errors import InputError
from graph.namespaces import MG, ONTOLOGY_IRI, bind_prefixes
from graph.project import Project
from graph.provenance import check_quotes
from graph.store import FORMATS, parse_rdf, serialize, write_atomic

OUTPUT_STEM = "muskgraph"
_SOURCE_CLASSES = (MG.SourceDocument, MG.BackgroundKnowledge)


def _declared_source(graph: Graph, path: Path) -> URIRef:
    sources = sorted({s for cls in _SOURCE_CLASSES for s in graph.subjects(RDF.type, cls)})
    if len(sources) != 1:
        found = ", ".join(str(s) for s in sources) or "none"
        raise InputError(
            f"{path}: a seed file must declare exactly one source "
            f"(a mg:SourceDocument or mg:BackgroundKnowledge); found {found}"
        )
    return sources[0]


@dataclass(frozen=True)
class Assembly:
    """The assembled dataset and the seed file each named graph came from."""

    dataset: Dataset
    origins: dict[URIRef, Path]


def assemble(project: Project, verify_quotes: bool = True) -> Assembly:
    """The ontology and every seed file in one dataset, one named graph per source.

    Quotes are checked against their source documents: a fact whose quote is not in its
    source stops the assembly (unless the caller reports mismatches itself).
    """
    dataset = bind_prefixes(Dataset(default_union=True))
    ontology = dataset.graph(URIRef(ONTOLOGY_IRI))
    ontology_files = project.ontology_files()
    if not ontology_files:
        raise InputError(f"{project.ontology_dir}: no ontology (*.ttl) found")
    for path in ontology_files:
        parse_rdf(path, into=ontology)
    origins: dict[URIRef, Path] = {}
    for path in project.seed_files():
        facts = parse_rdf(path)
        source = _declared_source(facts, path)
        target = dataset.graph(source)
        for triple in facts:
            target.add(triple)
        origins[source] = path
    if verify_quotes:
        check_quotes(dataset, project.seeds_dir, origins)
    return Assembly(dataset, origins)


def output_path(project: Project, fmt: str) -> Path:
    return project.out_dir / f"{OUTPUT_STEM}{FORMATS[fmt][1]}"


def build(project: Project) -> dict[Path, int]:
    """Write every export format to `out/`; return each file with its size in bytes.

    All serialisations are made before the first file is replaced, and each is written
    atomically, so a failed build leaves the previous outputs as they were.
    """
    dataset = assemble(project).dataset
    outputs = {output_path(project, fmt): serialize(dataset, fmt) for fmt in FORMATS}
    for path, data in outputs.items():
        write_atomic(path, data)
    return {path: len(data) for path, data in outputs.items()}
