"""The muskgraph command line: build, check, query, export and draw the knowledge graph.

Only this module knows about click. Commands import the core modules they use when they
run, so a command pays only for what it needs at start-up.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import click

from graph import __version__
from graph.errors import MuskgraphError
from graph.project import Project

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
VIEWS = ("graph", "vertical")
VIEW_FILES = {"graph": "muskgraph.html", "vertical": "vertical-integration.html"}


class CliError(click.ClickException):
    """A core error shown as one line, with the error's exit code."""

    def __init__(self, error: MuskgraphError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


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


def _rebuild(project: Project) -> None:
    from graph.build import build as build_outputs

    click.echo("the store is missing or out of date: building it", err=True)
    build_outputs(project)


@dataclass(frozen=True)
class Source:
    """Which data a command reads: the project's store, rdflib's memory store, or files."""

    store: str
    data: tuple[Path, ...]

    def engine(self, project: Project):
        if self.data:
            from graph.store import OxigraphEngine, memory_store

            return OxigraphEngine(memory_store(list(self.data)))
        if self.store == "memory":
            from graph.build import memory_dataset
            from graph.store import RdflibEngine

            return RdflibEngine(memory_dataset(project))
        from graph.store import OxigraphEngine
        from graph.workspace import open_store

        return OxigraphEngine(open_store(project, _rebuild))


def source_options(function):
    """--store and --data, gathered into one `source` argument."""

    @click.option(
        "--store",
        type=click.Choice(["oxigraph", "memory"]),
        default="oxigraph",
        show_default=True,
        help="oxigraph: the store under out/ (built when missing or stale); memory: "
        "rdflib's memory store.",
    )
    @click.option(
        "-d",
        "--data",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read this RDF file instead of the project (repeatable).",
    )
    @functools.wraps(function)
    def wrapper(*args, store: str, data: tuple[Path, ...], **kwargs):
        return function(*args, source=Source(store, data), **kwargs)

    return wrapper


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

    for path, size in build_outputs(project).items():
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
@source_options
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
@source_options
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
    from graph.query import QueryText, check_format, execute, format_answer, prepare, resolve

    if (reference is None) == (expression is None):
        raise click.UsageError("give a query NAME, FILE or `-`, or -e TEXT (one of them)")
    text = QueryText(expression, "<inline>") if expression else resolve(project, reference)
    request = prepare(text, _params(params), allow_service)
    fmt = fmt or ("ttl" if request.gives_graph else "table")
    check_format(request.shape.form, fmt)
    _emit(format_answer(execute(source.engine(project), request), fmt), output)


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

    for graph in load_files(project, list(files), _rebuild, _progress):
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

    click.echo(f"unloaded <{unload_graph(project, graph, _rebuild)}>", err=True)


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
    for graph, triples in run(Source("oxigraph", ()).engine(project), text).rows():
        click.echo(f"{int(triples.value):>10,}  {graph.text()}")


@main.command()
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option("--max-hops", default=8, show_default=True, help="Longest path to list.")
@source_options
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
    from graph.paths import feed_paths, feeds_network, find_node, hop

    if (start is None) != (end is None):
        raise click.UsageError("give both START and END, or neither")
    engine = source.engine(project)
    network = feeds_network(engine)
    if start is None:
        routes = [[hop(network, a, b)] for a, b in sorted(network.edges)]
    else:
        first, last = find_node(engine, start), find_node(engine, end)
        routes = feed_paths(network, first, last, max_hops)
        if not routes:
            click.echo(f"no path from {start} to {end}", err=True)
            sys.exit(1)
    for number, route in enumerate(routes, 1):
        chain = " -> ".join(n.text() for n in [route[0].source, *(h.target for h in route)])
        click.echo(f"path {number}: {chain}")
        for step, each in enumerate(route, 1):
            click.echo(f"  {step}. {each.source.text()} feeds {each.target.text()}")
            if not each.support:
                click.echo("     (no claim supports this hop)")
            for support in each.support:
                said = f"„{support.quote}“" if support.quote else support.basis or ""
                click.echo(f"     [{support.status.text()}, {support.source.text()}] {said}")


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
@source_options
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
    from graph import render as draw
    from graph.atomic import write_atomic
    from graph.query import resolve, run

    if query_ref and views:
        raise click.UsageError("--query and --view exclude each other")
    chosen = () if query_ref else views or VIEWS
    if output and len(chosen) > 1:
        raise click.UsageError("-o writes one view: choose it with --view")
    engine = source.engine(project)
    dataset = engine.dataset()
    pages: dict[Path, str] = {}
    if query_ref:
        text = resolve(project, query_ref)
        answer = run(engine, text)
        if answer.form != "CONSTRUCT":
            raise click.UsageError(f"{text.origin}: --query needs a CONSTRUCT or DESCRIBE query")
        from rdflib import Graph

        from graph.store import to_rdflib

        drawn = Graph()
        for triple in answer.triples():
            drawn.add(tuple(to_rdflib(term) for term in triple))
        name = Path(text.origin).stem if text.origin.endswith(".rq") else "query"
        pages[output or project.out_dir / f"{name}.html"] = draw.render_construct(
            drawn, text.title or name, schema=dataset
        )
    for view in chosen:
        html = (
            draw.render_graph(dataset, "muskgraph: the whole graph")
            if view == "graph"
            else draw.vertical_integration_view(dataset)
        )
        pages[output or project.out_dir / VIEW_FILES[view]] = html
    for path, html in pages.items():
        write_atomic(path, html.encode("utf-8"))
        click.echo(f"wrote {_shown(path)}", err=True)
