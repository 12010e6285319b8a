"""How fast a large view renders, in Python and in headless Chromium.

    python3 benchmarks/render_bench.py                 # 10,000 nodes, 20,000 edges
    python3 benchmarks/render_bench.py --nodes 2000 --edges 4000 --browser-runs 0

It builds a synthetic corporate graph (people and companies with English and German
labels, joined by mg:controls and mg:owns, a tenth of the links backed by a claim with a
quote; the same graph for the same arguments), then times:

- render_graph, the median of --runs runs (and checks they give the same bytes), on
  what `muskgraph render` draws from: the graph put in an Oxigraph store and handed
  across as a set of rdflib triples (the hand-over is timed apart); and on the rdflib
  Graph itself, as a library user may call it;
- the references, measured in the same run on the same nodes: pyvis's add_node loop
  (what render.py did before; quadratic) and json.dumps of the page's node and edge
  lists (the least any page of this data costs);
- Chromium: from navigation until the page says the network is drawn (view.html's
  "networkdrawn" event: canvas painted, network ready), the median of --browser-runs
  fresh browsers; tests/chromium.py drives them, as it does for tests/test_browser.py.

The table gives each time as a multiple of the add_node loop's, so that runs on slower
or busier machines compare.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the checkout's graph/, tests/chromium.py

import chromium  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from pyvis.network import Network  # noqa: E402
from rdflib import OWL, RDF, RDFS, Graph, Literal  # noqa: E402
from rdflib.namespace import PROV  # noqa: E402

from graph.namespaces import KG, MG, OA  # noqa: E402
from graph.render import render_graph  # noqa: E402
from graph.store.oxigraph_engine import OxigraphEngine  # noqa: E402

TARGET_RENDER = 0.5  # seconds for 10,000 nodes and 20,000 edges
TARGET_DRAW = 3.0


def synthetic_graph(nodes: int = 10_000, edges: int = 20_000, seed: int = 20240601) -> Graph:
    """A corporate graph: a fifth of the nodes people, the rest companies (every seventh
    a startup), each with an English and a German label; edges mg:controls (three in
    five) or mg:owns, the owner picked in proportion to what it holds already, and every
    tenth edge reified as a claim with a quote, as the real graph reifies all of them."""
    rnd = random.Random(seed)
    graph = Graph()
    graph.bind("mg", MG)
    graph.bind("kg", KG)
    for sub, sup in (
        (MG.Company, MG.Organization),
        (MG.Startup, MG.Company),
        (MG.Claim, RDF.Statement),
        (MG.SourceDocument, MG.Source),
    ):
        graph.add((sub, RDFS.subClassOf, sup))
    for p, en, de in ((MG.controls, "controls", "kontrolliert"), (MG.owns, "owns", "besitzt")):
        graph.add((p, RDF.type, OWL.ObjectProperty))
        graph.add((p, RDFS.label, Literal(en, lang="en")))
        graph.add((p, RDFS.label, Literal(de, lang="de")))
    source = KG["bench-source"]
    graph.add((source, RDF.type, MG.SourceDocument))
    people = nodes // 5
    iris = []
    for i in range(nodes):
        if i < people:
            iri = KG[f"person-{i:05d}"]
            graph.add((iri, RDF.type, MG.Person))
            graph.add((iri, RDFS.label, Literal(f"Person {i}", lang="en")))
            graph.add((iri, RDFS.label, Literal(f"Person {i}", lang="de")))
        else:
            iri = KG[f"company-{i:05d}"]
            graph.add((iri, RDF.type, MG.Startup if i % 7 == 0 else MG.Company))
            graph.add((iri, RDFS.label, Literal(f"Company {i} Ltd", lang="en")))
            graph.add((iri, RDFS.label, Literal(f"Firma {i} GmbH", lang="de")))
            if i % 50 == 0:
                graph.add((iri, MG.ranking, Literal("eines der wertvollsten", lang="de")))
        iris.append(iri)
    # Preferential attachment: each endpoint of a link is entered into the pool again.
    pool = list(range(nodes))
    links: set[tuple[int, int]] = set()
    order: list[tuple[int, int]] = []

    def link(owner: int, owned: int) -> None:
        if owner != owned and (owner, owned) not in links:
            links.add((owner, owned))
            order.append((owner, owned))
            pool.extend((owner, owned))

    for owned in range(people, nodes):  # every company has an owner that came before it
        owner = pool[rnd.randrange(len(pool))]
        while owner >= owned:
            owner = pool[rnd.randrange(len(pool))]
        link(owner, owned)
    while len(order) < edges:
        link(pool[rnd.randrange(len(pool))], rnd.randrange(people, nodes))
    for n, (owner, owned) in enumerate(order[:edges]):
        s, o = iris[owner], iris[owned]
        p = MG.controls if rnd.random() < 0.6 else MG.owns
        graph.add((s, p, o))
        if n % 10 == 0:
            claim, quote, text = KG[f"claim-{n}"], KG[f"quote-{n}"], KG[f"quote-{n}-text"]
            graph.add((claim, RDF.type, MG.Claim))
            graph.add((claim, RDF.subject, s))
            graph.add((claim, RDF.predicate, p))
            graph.add((claim, RDF.object, o))
            graph.add((claim, MG.status, MG.ReportedByArticle))
            graph.add((claim, PROV.wasDerivedFrom, source))
            graph.add((claim, MG.evidence, quote))
            graph.add((quote, RDF.type, OA.SpecificResource))
            graph.add((quote, OA.hasSource, source))
            graph.add((quote, OA.hasSelector, text))
            graph.add((text, OA.exact, Literal(f"Quote {n}: <b>{s}</b> & {o}")))
    return graph


def timed(function: Callable[[], object], runs: int) -> tuple[list[float], list[float], object]:
    """Wall-clock and CPU seconds of each run, and the last run's result."""
    wall, cpu = [], []
    result = None
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        result = function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return wall, cpu, result


def network_data(page: str) -> tuple[list[dict], list[dict]]:
    def after(marker: str) -> list[dict]:
        return json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))[0]

    return (
        after('<script type="application/json" id="node-data">'),
        after('<script type="application/json" id="edge-data">'),
    )


def add_node_loop(nodes: list[dict]) -> None:
    """What render.py did before: one Network.add_node per node."""
    net = Network(directed=True)
    for node in nodes:
        fields = {k: v for k, v in node.items() if k not in ("id", "x", "y")}
        net.add_node(node["id"], **fields)


def draw(page: str, runs: int) -> tuple[list[float], list[float], dict]:
    """Milliseconds from navigation to "networkdrawn", and seconds of the whole browser
    run, for each of runs fresh browsers; and the last probe report."""
    path = chromium.find()
    if path is None:
        raise SystemExit("chromium is not installed; use --browser-runs 0")
    drawn, whole = [], []
    report: dict = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="render-bench-") as folder:
            report = chromium.open_page(path, page, chromium.DRAWN_PROBE, Path(folder))
        if report.get("error") or report["problems"] or report["console"]:
            raise SystemExit(f"the page did not draw cleanly: {report}")
        drawn.append(report["drawnAt"] / 1000)
        whole.append(report["seconds"])
    return drawn, whole, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7, help="render_graph runs")
    parser.add_argument("--browser-runs", type=int, default=3, help="Chromium runs (0: none)")
    args = parser.parse_args()

    started = time.perf_counter()
    graph = synthetic_graph(args.nodes, args.edges)
    print(
        f"graph: {args.nodes:,} nodes, {args.edges:,} edges, {len(graph):,} triples "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    title = f"Benchmark: {args.nodes:,} nodes"
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    union = OxigraphEngine(store).union()  # what `muskgraph render` draws from
    render_graph(union, title)  # warm up: imports, template, numpy's FFT
    render, render_cpu, page = timed(lambda: render_graph(union, title), args.runs)
    same = len({render_graph(union, title), render_graph(graph, title), page}) == 1
    handover, handover_cpu, _ = timed(lambda: OxigraphEngine(store).union(), args.runs)
    from_graph, from_graph_cpu, _ = timed(lambda: render_graph(graph, title), args.runs)
    nodes, edges = network_data(page)
    reference, reference_cpu, _ = timed(lambda: add_node_loop(nodes), max(3, args.runs // 2))
    serialise, serialise_cpu, _ = timed(lambda: (json.dumps(nodes), json.dumps(edges)), args.runs)

    unit = statistics.median(reference)
    rows: list[tuple[str, list[float], list[float] | None]] = [
        (f"render_graph: {len(nodes):,} nodes, {len(edges):,} edges", render, render_cpu),
        ("  the same from an rdflib Graph", from_graph, from_graph_cpu),
        ("the store's union as rdflib triples (hand-over)", handover, handover_cpu),
        ("reference: pyvis add_node loop, same nodes", reference, reference_cpu),
        ("floor: json.dumps of the node and edge lists", serialise, serialise_cpu),
    ]
    if args.browser_runs:
        drawn, whole, report = draw(page, args.browser_runs)
        _, blank, _ = draw(_blank_page(), 1)
        rows += [
            ("Chromium: navigation -> network drawn", drawn, None),
            ("Chromium: whole run (start, load, draw, dump)", whole, None),
        ]
    print(f"page: {len(page) / 1e6:.1f} MB; same bytes every run: {'yes' if same else 'NO'}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print()
    print(f"{'':48} {'median':>8} {'min':>8} {'CPU min':>8} {'x add_node':>11}")
    for name, seconds, cpu in rows:
        median = statistics.median(seconds)
        used = f"{min(cpu):7.3f}s" if cpu else f"{'-':>8}"
        print(f"{name:48} {median:7.3f}s {min(seconds):7.3f}s {used} {median / unit:10.2f}x")
    print("(wall-clock seconds, median and fastest run; CPU min: least process time of a")
    print(" run, which a busy machine inflates least; x add_node: median / its median)")
    print()
    print(f"target: render_graph <= {TARGET_RENDER} s at 10,000 nodes / 20,000 edges", end="")
    print(f" -> {statistics.median(render):.3f} s")
    if args.browser_runs:
        print(f"target: drawn in Chromium <= {TARGET_DRAW} s", end="")
        print(f" -> {statistics.median(drawn):.3f} s", end="")
        print(f" ({report['drawnNodes']:,} nodes, physics {report['physics']})")
        print(f"Chromium start-up alone (blank page, whole run): {blank[0]:.2f} s")


def _blank_page() -> str:
    return render_graph(Graph(), "blank")


if __name__ == "__main__":
    main()
