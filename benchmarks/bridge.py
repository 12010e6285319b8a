"""How rdflib code reads the Oxigraph store: handed across, or through oxrdflib.

    python -m benchmarks.bridge [--size 100k] [--runs 3]
    python -m benchmarks.bridge --smoke        # the project only, one run (CI)

muskgraph keeps rdflib where its ecosystem is: pyshacl (the reference SHACL engine,
`validate --engine pyshacl`) validates and graph.render draws rdflib terms. There are
two ways to give them the store's data. muskgraph hands it
across: the triples, converted once into a set for drawing and into rdflib's memory
store for pyshacl. oxrdflib instead lets rdflib read the store itself, as it is asked.
This script measures both in one process, on the project's graphs alone and with a
generated graph (benchmarks.generate) loaded beside them:

- draw: the whole-graph view (graph.render.render_graph) of the union of the graphs,
  from the union handed across (muskgraph), from a copy into an rdflib Dataset (what
  muskgraph did before), and from an rdflib Dataset on oxrdflib;
- SHACL: ontology/shapes.ttl over the project's graphs, as `muskgraph validate --engine
  pyshacl` runs pyshacl, on the inputs handed across (muskgraph) and on oxrdflib graphs;
- import: a process that imports graph.render, without and with oxrdflib.

Times are CPU seconds in this process (the least of --runs runs; imports: the median
wall time of 10 processes each). Each variant's answer is checked against muskgraph's.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, URIRef

from benchmarks.generate import write as generate_file
from benchmarks.run import parse_size, size_label
from graph.build import assemble
from graph.prefixes import ONTOLOGY_IRI
from graph.project import Project
from graph.render import render_graph
from graph.store.files import parse_file
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.rdflib_bridge import rdflib_dataset, rdflib_graph
from graph.validate import pyshacl_results, shacl_inputs

CHECKOUT = Path(__file__).resolve().parent.parent
TITLE = "bridge"


def least_cpu(work: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """The least CPU time of `runs` calls, and what the last call returned."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.process_time()
        result = work()
        best = min(best, time.process_time() - start)
    return best, result


def on_oxrdflib(store: ox.Store) -> Dataset:
    return Dataset(store=OxigraphStore(store=store), default_union=True)


def draw_rows(store: ox.Store, runs: int) -> list[tuple[str, float, bool]]:
    variants = {
        "handed across as a set (muskgraph)": lambda: OxigraphEngine(store).union(),
        "copied into an rdflib Dataset": lambda: rdflib_dataset(store),
        "read through oxrdflib": lambda: on_oxrdflib(store),
    }
    rows, reference = [], None
    for name, source in variants.items():
        seconds, page = least_cpu(lambda source=source: render_graph(source(), TITLE), runs)
        reference = reference or page
        rows.append((f"draw, {name}", seconds, page == reference))
    return rows


def shacl_rows(store: ox.Store, shapes: Graph, runs: int) -> list[tuple[str, float, bool]]:
    def handed_across() -> list[str]:
        data, ontology = shacl_inputs(OxigraphEngine(store))
        return sorted(r.line() for r in pyshacl_results(data, shapes, ontology))

    def through_oxrdflib() -> list[str]:
        ontology = Graph(store=OxigraphStore(store=store), identifier=URIRef(ONTOLOGY_IRI))
        return sorted(r.line() for r in pyshacl_results(on_oxrdflib(store), shapes, ontology))

    mine, problems = least_cpu(handed_across, runs)
    theirs, found = least_cpu(through_oxrdflib, runs)
    return [
        ("SHACL, handed across (muskgraph)", mine, True),
        ("SHACL, read through oxrdflib", theirs, found == problems),
    ]


def import_rows() -> list[tuple[str, float, bool]]:
    rows = []
    for name, code in (
        ("import graph.render", "import graph.render"),
        ("import graph.render and oxrdflib", "import graph.render, oxrdflib"),
    ):
        times = []
        for _ in range(10):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=CHECKOUT)
            times.append(time.perf_counter() - start)
        rows.append((name, statistics.median(times), True))
    return rows


def print_table(heading: str, rows: list[tuple[str, float, bool]]) -> None:
    print(heading)
    width = max(len(name) for name, _, _ in rows)
    for name, seconds, same in rows:
        ratio = seconds / rows[0][1]
        note = "" if same else "  (a different answer)"
        print(f"  {name.ljust(width)}  {seconds:7.3f} s  {ratio:5.2f}x{note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bridge", description=__doc__)
    parser.add_argument("--size", default="100k", help="generated triples (default: 100k)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each variant (default: 3)")
    parser.add_argument("--smoke", action="store_true", help="the project only, one run")
    args = parser.parse_args(argv)
    runs = 1 if args.smoke else args.runs
    # oxrdflib's literals go through rdflib's value conversion, which logs a traceback
    # for every xsd:gMonth of the project ("--06"); muskgraph keeps the lexical form.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)

    project = Project.locate(CHECKOUT)
    store = assemble(project).store
    shapes = rdflib_graph(parse_file(project.ontology_dir / "shapes.ttl"))
    count = len(store)
    print_table(f"the project ({count:,} triples)", draw_rows(store, runs))
    print_table("the project", shacl_rows(store, shapes, runs))
    if not args.smoke:
        size = parse_size(args.size)
        data = CHECKOUT / "out" / "bench" / f"bench-{size}-seed1.nt"
        if not data.exists():
            data.parent.mkdir(parents=True, exist_ok=True)
            generate_file(data, size)
        store.load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:x"))
        label = f"with {size_label(size)} generated triples ({len(store):,} in all)"
        print_table(label, draw_rows(store, runs))
    print_table("start-up (wall, median of 10 processes)", import_rows())
    return 0


if __name__ == "__main__":
    sys.exit(main())
