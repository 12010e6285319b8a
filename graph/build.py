"""Assembling the knowledge graph from a project and writing its exports and store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.atomic import replacing_all
from graph.errors import InputError, SheetErrors
from graph.prefixes import ONTOLOGY_IRI, PREFIXES
from graph.project import Project
from graph.provenance import check_quotes
from graph.rules import INFERENCES, infer
from graph.sheet import Vocabulary, compile_sheet, declared, read_rows, source_iri
from graph.store.files import parse_file
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.serialize import EXPORT_FORMATS, JSONLD_CONTEXT, serialize
from graph.text import to_stderr
from graph.workspace import Notice, clear_leftovers, load_recorded, read_record, write_store

OUTPUT_STEM = "muskgraph"
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_BACKGROUND = ox.NamedNode(PREFIXES["mg"] + "BackgroundKnowledge")
_ONTOLOGY_GRAPH = ox.NamedNode(ONTOLOGY_IRI)
_SOURCE_CLASSES = {ox.NamedNode(PREFIXES["mg"] + "SourceDocument"), _BACKGROUND}


def _declared_source(triples: list[ox.Triple], path: Path) -> tuple[str, bool]:
    """The source a seed file declares, and whether it is background knowledge."""
    sources = sorted(
        {
            (t.subject.value, t.object == _BACKGROUND)
            for t in triples
            if t.predicate == _RDF_TYPE and t.object in _SOURCE_CLASSES
        }
    )
    if len(sources) != 1:
        found = ", ".join(source for source, _ in sources) or "none"
        raise InputError(
            f"{path}: a seed file must declare exactly one source "
            f"(a mg:SourceDocument or mg:BackgroundKnowledge); found {found}"
        )
    return sources[0]


@dataclass(frozen=True)
class Assembly:
    """The assembled graphs (in an in-memory store) and the files each came from.

    `dataset` holds the same quads with every literal as its file writes it: the store
    keeps literals in canonical form ("01"^^xsd:integer as "1"), so exports are written
    from the dataset.
    """

    store: ox.Store
    files: dict[str, list[Path]]
    dataset: ox.Dataset

    @property
    def origins(self) -> dict[str, Path]:
        """The first file of each graph, to name in error messages."""
        return {graph: paths[0] for graph, paths in self.files.items()}

    @property
    def engine(self) -> OxigraphEngine:
        return OxigraphEngine(self.store)


def assemble(project: Project, verify_quotes: bool = True) -> Assembly:
    """The ontology and every seed file, one named graph per source, blank nodes
    labelled canonically.

    A triple that several sources state is stored once, in the first graph that has it:
    the ontology, then source documents, then background knowledge. (Oxigraph counts a
    triple once per graph when it queries their union; each source's claims still say
    who states what.) Quotes are checked against their source documents: a fact whose
    quote is not in its source stops the assembly, unless the caller reports mismatches.
    """
    ontology_files = project.ontology_files()
    if not ontology_files:
        raise InputError(f"{project.ontology_dir}: no ontology (*.ttl) found")
    parts = [(False, ONTOLOGY_IRI, path, parse_file(path)) for path in ontology_files]
    for path in project.seed_files():
        triples = parse_file(path)
        source, background = _declared_source(triples, path)
        parts.append((background, source, path, triples))
    parts.extend(_sheets(project, [triples for *_, triples in parts]))
    dataset = ox.Dataset()
    files: dict[str, list[Path]] = {}
    stored: set[ox.Triple] = set()
    for _, graph, path, triples in sorted(parts, key=lambda part: part[0]):
        files.setdefault(graph, []).append(path)
        for triple in triples:
            if triple not in stored:
                stored.add(triple)
                dataset.add(ox.Quad(*triple, ox.NamedNode(graph)))
    rules = project.rule_files()
    if rules:
        files[INFERENCES.value] = rules
        reasoning = ox.Store()
        reasoning.extend(dataset)
        for triple in infer(reasoning, rules):
            dataset.add(ox.Quad(*triple, INFERENCES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    store = ox.Store()
    store.extend(dataset)
    assembly = Assembly(store, files, dataset)
    if verify_quotes:
        check_quotes(assembly.engine, project.seeds_dir, assembly.origins)
    return assembly


def _sheets(project: Project, parsed: list[list[ox.Triple]]):
    """Each claim sheet compiled, as a part of the assembly: names may come from any file
    of the project, the ontology's or another sheet's."""
    sheets = project.sheet_files()
    if not sheets:
        return []
    vocabulary = Vocabulary.of(t for triples in parsed for t in triples)
    errors: list[str] = []
    rows = {}
    for path in sheets:
        try:
            rows[path] = read_rows(path)
        except SheetErrors as found:
            errors.extend(found.lines)
            continue
        for individual, type_iri in declared(path, rows[path]):
            vocabulary.declare(individual, type_iri)
    parts = []
    for path, read in rows.items():
        try:
            compiled = compile_sheet(path, read, vocabulary, project.seeds_dir)
            parts.append((False, source_iri(path), path, compiled))
        except SheetErrors as found:
            errors.extend(found.lines)
    if errors:
        raise SheetErrors(errors)
    return parts


def output_path(project: Project, fmt: str) -> Path:
    return project.out_dir / f"{OUTPUT_STEM}.{fmt}"


def context_path(project: Project) -> Path:
    """The project's JSON-LD context alone, for JSON-LD written elsewhere to use."""
    return project.out_dir / f"{OUTPUT_STEM}-context.jsonld"


def ontology_path(project: Project) -> Path:
    """The ontology alone in RDF/XML, for OWL tools that read nothing else (owlready2)."""
    return project.out_dir / f"{OUTPUT_STEM}-ontology.owl"


def build(project: Project, notice: Notice = to_stderr) -> dict[Path, int]:
    """Write every export format, the ontology as RDF/XML, and the store to `out/`; return
    each file with its size.

    Every export is written to a temporary and the new store beside the old one before
    the first output is replaced, so a failed build (a bad seed, a full disk) leaves the
    previous outputs as they were, never a mix of old and new.
    """
    assembly = assemble(project)
    outputs = {
        output_path(project, fmt): serialize(assembly.dataset, fmt) for fmt in EXPORT_FORMATS
    }
    ontology = (quad for quad in assembly.dataset if quad.graph_name == _ONTOLOGY_GRAPH)
    context = json.dumps({"@context": JSONLD_CONTEXT}, indent=2)
    outputs[context_path(project)] = (context + "\n").encode()
    outputs[ontology_path(project)] = serialize(ox.Dataset(ontology), "owl")
    clear_leftovers(project)
    with replacing_all(outputs):
        write_store(project, assembly.store, assembly.files, notice)
    return {path: len(data) for path, data in outputs.items()}


def memory_dataset(project: Project, most_triples: int, notice: Notice) -> Any:
    """The project and every file loaded into its store, in rdflib's memory store;
    refused past `most_triples`, before any is handed to rdflib."""
    store = assemble(project).store
    load_recorded(store, read_record(project), notice)
    if len(store) > most_triples:
        raise InputError(
            f"--store memory holds at most {most_triples:,} triples and the graph has "
            f"{len(store):,}: use the Oxigraph store (--store oxigraph, the default)"
        )
    return OxigraphEngine(store).dataset()
