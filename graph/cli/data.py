"""Commands for data beyond the project: load, unload, graphs, push."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.cli.common import (
    Seconds,
    notice,
    pass_project,
    rebuild,
    store_source,
)
from graph.project import Project


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_project
def load(project: Project, files: tuple[Path, ...]) -> None:
    """Add RDF files to the store, each in its own named graph.

    Turtle, N-Triples, TriG, N-Quads, RDF/XML and JSON-LD, by file extension. A file's
    graph is named by its file IRI; loading a file again replaces its graph. Queries,
    paths and render see loaded data; `muskgraph unload` removes it again.

    \b
    Examples:
      muskgraph load wikidata-extract.nt registry.ttl
    """
    from graph.workspace import load as load_files
    from graph.workspace import writing

    with writing(project, notice):
        loaded = load_files(project, list(files), rebuild, notice, _progress)
    for graph in loaded:
        click.echo(f"loaded <{graph}>", err=True)


PROGRESS_THRESHOLD = 10 * 1024 * 1024


def _progress(path: Path):
    """A progress callback for large files when stderr is a terminal, else None."""
    if not sys.stderr.isatty() or path.stat().st_size < PROGRESS_THRESHOLD:
        return None
    bar = click.progressbar(length=path.stat().st_size, label=path.name, file=sys.stderr)
    bar.__enter__()

    def advance(size: int) -> None:
        bar.update(size)
        if bar.pos >= bar.length:
            bar.__exit__(None, None, None)

    return advance


@click.command()
@click.argument("graph")
@pass_project
def unload(project: Project, graph: str) -> None:
    """Remove a loaded file's graph from the store (by graph IRI or file path)."""
    from graph.workspace import unload as unload_graph
    from graph.workspace import writing

    with writing(project, notice):
        removed = unload_graph(project, graph)
    click.echo(f"unloaded <{removed}>", err=True)


@click.command()
@pass_project
def graphs(project: Project) -> None:
    """List the named graphs in the store with their number of triples.

    A loaded file that is no longer there is listed as `missing`: restore it, or
    remove it with `muskgraph unload`.
    """
    from graph.query import QueryText, run

    text = QueryText(
        "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } "
        "GROUP BY ?graph ORDER BY ?graph",
        "<graphs>",
    )
    source = store_source()
    with source.holding(project) as opened:
        for graph, triples in run(source.engine(project, opened), text).rows():
            click.echo(f"{int(triples.value):>10,}  {graph.text()}")
        for entry in opened.missing:
            click.echo(f"{'missing':>10}  <{entry.graph}>")


@click.command()
@click.option("--endpoint", required=True, metavar="URL", help="The store's Graph Store URL.")
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="Send the graph, flattened, into this one named graph (default: one named graph "
    "per source, as in the store).",
)
@click.option("--replace", is_flag=True, help="Replace the graphs instead of adding to them.")
@click.option(
    "--update-endpoint",
    metavar="URL",
    help="The store's SPARQL Update URL: with --replace, all graphs are staged and swapped "
    "in by one request.",
)
@click.option(
    "--timeout",
    type=Seconds(min=0, min_open=True),
    default=60,
    show_default=True,
    help="Seconds to wait for the store at each step.",
)
@pass_project
def push(
    project: Project,
    endpoint: str,
    graph_iri: str | None,
    replace: bool,
    update_endpoint: str | None,
    timeout: float,
) -> None:
    """Upload the graph to a triple store over the Graph Store Protocol.

    Sends every graph of the store (the project and loaded files) as N-Triples, each
    into the named graph of the same name, or all of them flattened into --graph.
    Credentials come from MUSKGRAPH_USER and MUSKGRAPH_PASSWORD, else from netrc.

    \b
    Examples:
      muskgraph push --endpoint http://127.0.0.1:7878/store --replace
      muskgraph push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth \\
          --graph https://example.org/muskgraph
    """
    import pyoxigraph as ox

    from graph.remote import Endpoint, push_graphs
    from graph.store.serialize import serialize

    target = Endpoint(endpoint, update_url=update_endpoint, store_url=endpoint, timeout=timeout)
    source = store_source()
    with source.holding(project) as opened:
        store = opened.store
        if graph_iri:
            graphs = {graph_iri: serialize(store, "nt")}
        else:
            names = sorted(store.named_graphs(), key=str)
            graphs = {
                name.value: store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
                for name in names
            }
    push_graphs(target, graphs, "application/n-triples", replace)
    triples = sum(data.count(b"\n") for data in graphs.values())
    click.echo(f"sent {triples:,} triples in {len(graphs)} graph(s) to {endpoint}", err=True)
