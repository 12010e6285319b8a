"""The muskgraph command line: build, check, query, export and draw the knowledge graph.

Only this module knows about click. Commands import the core modules they use when they
run, so a command pays only for what it needs at start-up.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NoReturn

import click

from graph import __version__
from graph.errors import MuskgraphError
from graph.project import Project

if TYPE_CHECKING:
    from graph.sources import Source

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
VIEWS = ("graph", "vertical")
VIEW_FILES = {"graph": "muskgraph.html", "vertical": "vertical-integration.html"}


class CliError(click.ClickException):
    """A core error shown as one line, with the error's exit code."""

    def __init__(self, error: MuskgraphError) -> None:
        from graph.text import printable

        super().__init__(printable(str(error)))
        self.exit_code = error.exit_code


class Seconds(click.FloatRange):
    """A number of seconds, up to a year: a thread or a socket waits no longer."""

    def __init__(self, min: float, min_open: bool = False) -> None:
        super().__init__(min=min, max=365 * 24 * 3600, min_open=min_open)

    def convert(self, value, param, ctx) -> float:
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


class MuskgraphGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MuskgraphError as error:
            raise CliError(error) from None


pass_project = click.make_pass_decorator(Project)


@click.group("muskgraph", cls=MuskgraphGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="muskgraph")
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="MUSKGRAPH_PROJECT",
    help="Project directory (default: the nearest one above the working directory, "
    "else the one installed with muskgraph).",
)
@click.pass_context
def main(ctx: click.Context, project_dir: Path | None) -> None:
    """A knowledge graph of Elon Musk's corporate empire: build, query, check and draw it.

    \b
    Quick start:
      muskgraph build
      muskgraph query vertical-integration
      muskgraph render
    """
    try:
        ctx.obj = Project.locate(project_dir)
    except MuskgraphError as error:
        raise CliError(error) from None


def _to_stdout(write: Callable[[BinaryIO], object]) -> None:
    """Let `write` write to standard output; a reader that leaves early is no error."""
    stream = click.get_binary_stream("stdout")
    try:
        write(stream)
        stream.flush()
    except BrokenPipeError:  # the reader (head, less) left early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _emit(data: bytes, output: Path | None) -> None:
    """Write to a file atomically, or to standard output for `-` or no file."""
    if output is None or str(output) == "-":
        _to_stdout(lambda stream: stream.write(data))
        return
    from graph.atomic import write_atomic

    write_atomic(output, data)
    click.echo(f"wrote {output}", err=True)


def _notice(message: str) -> None:
    click.echo(message, err=True)


def _stop(error: MuskgraphError) -> NoReturn:
    """Show `error` as any other and end the process now: a query past its time limit
    cannot be interrupted, only left behind."""
    CliError(error).show()
    sys.stderr.flush()
    os._exit(error.exit_code)


def _rebuild(project: Project) -> None:
    from graph.sources import build_again

    build_again(project, _notice)


def source_options(limits: bool):
    """--store and --data (and with `limits`, --timeout and --max-rows), gathered into
    one `source` argument."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, store, data, endpoint=None, timeout=0, max_rows=0, **kwargs):
            from graph.sources import Source

            source = Source(store, data, timeout, max_rows, endpoint, _notice, _stop)
            return function(*args, source=source, **kwargs)

        options = [
            click.option(
                "--store",
                type=click.Choice(["oxigraph", "memory"]),
                default="oxigraph",
                show_default=True,
                help="oxigraph: the store under out/ (built when missing or stale); "
                "memory: rdflib's memory store.",
            ),
            click.option(
                "-d",
                "--data",
                multiple=True,
                type=click.Path(dir_okay=False, path_type=Path),
                help="Read this RDF file instead of the project (repeatable).",
            ),
        ]
        if limits:
            options += [
                click.option(
                    "--endpoint",
                    metavar="URL",
                    help="Ask this SPARQL 1.1 Protocol endpoint instead (credentials from "
                    "MUSKGRAPH_USER/MUSKGRAPH_PASSWORD or netrc).",
                ),
                click.option(
                    "--timeout",
                    type=Seconds(min=0),
                    default=30,
                    show_default=True,
                    help="Stop the query after this many seconds (0: no limit).",
                ),
                click.option(
                    "--max-rows",
                    type=click.IntRange(min=0),
                    default=100_000,
                    show_default=True,
                    help="Refuse answers with more rows or triples (0: no limit).",
                ),
            ]
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of standard output (`-`).",
)


@main.command()
@pass_project
def build(project: Project) -> None:
    """Build the graph into out/ in every RDF format.

    Merges the ontology and the seed facts, checks every quote against its source, and
    writes out/muskgraph.ttl, .trig (one named graph per source), .nt and .jsonld.
    Fails, leaving earlier outputs untouched, when a seed file does not parse or a
    quote is not found at its offsets in its source document.
    """
    from graph.build import build as build_outputs
    from graph.workspace import writing

    with writing(project, _notice):
        written = build_outputs(project)
    for path, size in written.items():
        click.echo(f"wrote {_shown(path)} ({size:,} bytes)", err=True)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@main.command()
@pass_project
def validate(project: Project) -> None:
    """Check shapes, quotes and violation queries.

    Runs the SHACL shapes (ontology/shapes.ttl), the quote check against the source
    documents, and every query whose name ends in -violation; prints one line per problem.

    \b
    Exit codes: 0 conforms, 1 does not conform, 2 could not load.
    """
    from graph.build import assemble
    from graph.query import library
    from graph.validate import check

    assembly = assemble(project, verify_quotes=False)
    report = check(
        assembly.engine,
        project.shapes_file,
        project.seeds_dir,
        library(project),
        assembly.origins,
    )
    for line in report.problems:
        click.echo(line)
    checked = "; ".join(report.checks)
    if not report.conforms:
        click.echo(f"does not conform: {len(report.problems)} problem(s) ({checked})", err=True)
        sys.exit(1)
    click.echo(f"conforms ({checked})", err=True)


@main.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["ttl", "trig", "nt", "jsonld"]),
    default="ttl",
    show_default=True,
)
@output_option
@source_options(limits=False)
@pass_project
def export(project: Project, fmt: str, output: Path | None, source: Source) -> None:
    """Write the whole graph in one RDF format.

    Writes everything the store holds (the project and loaded files) to standard output
    unless -o names a file. TriG keeps one named graph per source; Turtle and N-Triples
    list the graphs one after another.

    \b
    Examples:
      muskgraph export --format nt | wc -l
      muskgraph export --format jsonld -o muskgraph.jsonld
    """
    with source.holding(project):
        engine = source.engine(project)
        if output is None or str(output) == "-":
            _to_stdout(lambda stream: engine.export(fmt, stream))
            return
        from graph.atomic import atomic_writer

        with atomic_writer(output) as file:
            engine.export(fmt, file)
    click.echo(f"wrote {output}", err=True)


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, term = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--param")
        if name.lstrip("?$") in params:
            raise click.BadParameter(f"?{name.lstrip('?$')} is bound twice", param_hint="--param")
        params[name.lstrip("?$")] = term
    return params


@main.command()
@click.argument("reference", required=False)
@click.option("-e", "--expression", help="The SPARQL query text itself.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"]),
    help="table (default; shortens long values), csv, tsv, json or xml for SELECT/ASK; "
    "ttl (default), nt or jsonld for CONSTRUCT/DESCRIBE.",
)
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind ?NAME to VALUE."
)
@click.option(
    "--allow-service",
    multiple=True,
    metavar="IRI",
    help="Let SERVICE reach this endpoint (repeatable); no other is ever contacted.",
)
@output_option
@source_options(limits=True)
@pass_project
def query(
    project: Project,
    reference: str | None,
    expression: str | None,
    fmt: str | None,
    params: tuple[str, ...],
    allow_service: tuple[str, ...],
    output: Path | None,
    source: Source,
) -> None:
    """Run a SPARQL query and print its results.

    The query is a library NAME (see `muskgraph queries`), a FILE.rq, `-` for standard
    input, or -e TEXT. Queries see the union of all named graphs.

    VALUE in --param is an RDF term (`kg:spacex`, `<http://…>`, `"Juni"@de`, `42`) or
    plain text; it is bound to the variable, never pasted into the query.

    \b
    Examples:
      muskgraph query vertical-integration
      muskgraph query claims-by-status --param status=mg:AnonymousSources
      muskgraph query -e 'SELECT ?org WHERE { ?org a mg:Company }' --format csv
      muskgraph query control --data registry.nt --data news.ttl
    """
    from graph.query import QueryText, execute, prepare, resolve
    from graph.results import check_format, format_answer

    if (reference is None) == (expression is None):
        raise click.UsageError("give a query NAME, FILE or `-`, or -e TEXT (one of them)")
    text = QueryText(expression, "<inline>") if expression else resolve(project, reference)
    request = prepare(text, _params(params), allow_service)
    fmt = fmt or ("ttl" if request.gives_graph else "table")
    check_format(request.shape.form, fmt)
    data = source.run(
        project,
        f"the query {text.origin}",
        lambda engine: format_answer(execute(engine, request), fmt, source.max_rows),
    )
    _emit(data, output)


@main.command()
@pass_project
def queries(project: Project) -> None:
    """List the query library and what each query answers."""
    from graph.query import library

    named = library(project)
    width = max((len(name) for name in named), default=0)
    for name, text in named.items():
        click.echo(f"{name.ljust(width)}  {text.title}")


@main.command()
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

    with writing(project, _notice):
        loaded = load_files(project, list(files), _rebuild, _progress)
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


@main.command()
@click.argument("graph")
@pass_project
def unload(project: Project, graph: str) -> None:
    """Remove a loaded file's graph from the store (by graph IRI or file path)."""
    from graph.workspace import unload as unload_graph
    from graph.workspace import writing

    with writing(project, _notice):
        removed = unload_graph(project, graph, _rebuild)
    click.echo(f"unloaded <{removed}>", err=True)


@main.command()
@pass_project
def graphs(project: Project) -> None:
    """List the named graphs in the store with their number of triples."""
    from graph.query import QueryText, run

    text = QueryText(
        "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } "
        "GROUP BY ?graph ORDER BY ?graph",
        "<graphs>",
    )
    from graph.sources import Source

    source = Source("oxigraph", (), 0, 0, notice=_notice)
    with source.holding(project):
        for graph, triples in run(source.engine(project), text).rows():
            click.echo(f"{int(triples.value):>10,}  {graph.text()}")


@main.command()
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
    from graph.store import serialize

    target = Endpoint(endpoint, update_url=update_endpoint, store_url=endpoint, timeout=timeout)
    from graph.sources import Source

    source = Source("oxigraph", (), 0, 0, notice=_notice)
    with source.holding(project):
        store = source.engine(project).store
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


@main.command()
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option(
    "--max-hops",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Longest path to list.",
)
@source_options(limits=True)
@pass_project
def paths(
    project: Project, start: str | None, end: str | None, max_hops: int, source: Source
) -> None:
    """Show vertical-integration paths, hop by hop.

    Lists every path of mg:feeds hops from business line START to END, shortest first.

    START and END are IRIs, kg: names or labels. Each hop is printed with the status,
    source and quote of every claim that supports it. Without START and END, every
    direct hop is listed.

    \b
    Examples:
      muskgraph paths kg:rockets kg:ai-chatbots
      muskgraph paths Raketen "KI-Chatbots"
    """
    from graph.paths import feed_paths, feeds_network, find_node, hop, report

    if (start is None) != (end is None):
        raise click.UsageError("give both START and END, or neither")

    def work(engine) -> str | None:
        network = feeds_network(engine)
        if start is None:
            return report([[hop(network, a, b)] for a, b in sorted(network.edges)])
        first, last = find_node(engine, start), find_node(engine, end)
        routes = feed_paths(network, first, last, max_hops)
        return report(routes) if routes else None

    text = source.run(project, "the path search", work)
    if text is None:
        click.echo(f"no path from {start} to {end}", err=True)
        sys.exit(1)
    click.echo(text, nl=False)


@main.command()
@click.option(
    "--view",
    "views",
    type=click.Choice(VIEWS),
    multiple=True,
    help="Which view to draw: the whole graph, the vertical integration (default: both).",
)
@click.option("-q", "--query", "query_ref", help="Draw the graph a CONSTRUCT query returns.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write (one view only; default: out/).",
)
@source_options(limits=True)
@pass_project
def render(
    project: Project,
    views: tuple[str, ...],
    query_ref: str | None,
    output: Path | None,
    source: Source,
) -> None:
    """Draw interactive HTML views of the graph.

    The pages (pyvis) carry every script and style inline and open offline in any browser.

    \b
    Examples:
      muskgraph render
      muskgraph render --view vertical -o vertical.html
      muskgraph render --query control-graph
    """
    from graph.atomic import write_atomic
    from graph.query import prepare, resolve

    if query_ref and views:
        raise click.UsageError("--query and --view exclude each other")
    chosen = () if query_ref else views or VIEWS
    if output and len(chosen) > 1:
        raise click.UsageError("-o writes one view: choose it with --view")
    request = prepare(resolve(project, query_ref)) if query_ref else None
    if request and not request.gives_graph:
        raise click.UsageError(
            f"{request.query.origin}: --query needs a CONSTRUCT or DESCRIBE query"
        )

    def work(engine) -> dict[Path, str]:
        from graph import render as draw
        from graph.sources import construct_triples, ontology_triples

        if request:
            name = Path(request.query.origin).stem
            drawn = construct_triples(engine, request, source.max_rows)
            page = draw.render_construct(
                drawn, request.query.title or name, schema=ontology_triples(engine)
            )
            return {output or project.out_dir / f"{name}.html": page}
        union = engine.union()
        pages = {}
        for view in chosen:
            pages[output or project.out_dir / VIEW_FILES[view]] = (
                draw.render_graph(union, "muskgraph: the whole graph")
                if view == "graph"
                else draw.vertical_integration_view(union)
            )
        return pages

    for path, html in source.run(project, "rendering", work).items():
        write_atomic(path, html.encode("utf-8"))
        click.echo(f"wrote {_shown(path)}", err=True)
