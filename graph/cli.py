"""The muskgraph command line: build, check, query, export and draw the knowledge graph.

Only this module knows about click. Commands import the core modules they use when they
run, so a command pays only for what it needs at start-up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


def _emit(data: bytes, output: Path | None) -> None:
    """Write to a file atomically, or to standard output for `-` or no file."""
    if output is None or str(output) == "-":
        stream = click.get_binary_stream("stdout")
        try:
            stream.write(data)
            stream.flush()
        except BrokenPipeError:  # the reader (head, less) left early: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    from graph.store import write_atomic

    write_atomic(output, data)
    click.echo(f"wrote {output}", err=True)


def _assembled(project: Project):
    from graph.build import assemble

    return assemble(project).dataset


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
        assembly.dataset,
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
@pass_project
def export(project: Project, fmt: str, output: Path | None) -> None:
    """Write the whole graph in one RDF format.

    Writes to standard output unless -o names a file.

    \b
    Examples:
      muskgraph export --format nt | wc -l
      muskgraph export --format jsonld -o muskgraph.jsonld
    """
    from graph.store import serialize

    _emit(serialize(_assembled(project), fmt), output)


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
@output_option
@pass_project
def query(
    project: Project,
    reference: str | None,
    expression: str | None,
    fmt: str | None,
    params: tuple[str, ...],
    output: Path | None,
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
    """
    from graph.query import QueryText, format_result, resolve, run

    if (reference is None) == (expression is None):
        raise click.UsageError("give a query NAME, FILE or `-`, or -e TEXT (one of them)")
    text = QueryText(expression, "<inline>") if expression else resolve(project, reference)
    bound = _params(params)
    result = run(_assembled(project), text, bound)
    default = "ttl" if result.type in ("CONSTRUCT", "DESCRIBE") else "table"
    _emit(format_result(result, fmt or default), output)


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
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option("--max-hops", default=8, show_default=True, help="Longest path to list.")
@pass_project
def paths(project: Project, start: str | None, end: str | None, max_hops: int) -> None:
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
    from graph.paths import Hop, feed_paths, feeds_network, find_node

    graph = _assembled(project)
    if (start is None) != (end is None):
        raise click.UsageError("give both START and END, or neither")
    if start is None:
        network = feeds_network(graph)
        routes = [
            [Hop(a, b, tuple(sorted(network.edges[a, b].get("support", ()))))]
            for a, b in sorted(network.edges)
        ]
    else:
        routes = feed_paths(graph, find_node(graph, start), find_node(graph, end), max_hops)
        if not routes:
            click.echo(f"no path from {start} to {end}", err=True)
            sys.exit(1)
    _print_routes(graph, routes)


def _print_routes(graph, routes) -> None:
    from graph.query import term_text

    def name(node) -> str:
        return term_text(node, graph)

    for number, route in enumerate(routes, 1):
        chain = " -> ".join(name(node) for node in [route[0].source, *(h.target for h in route)])
        click.echo(f"path {number}: {chain}")
        for step, hop in enumerate(route, 1):
            click.echo(f"  {step}. {name(hop.source)} feeds {name(hop.target)}")
            if not hop.support:
                click.echo("     (no claim supports this hop)")
            for support in hop.support:
                said = f"„{support.quote}“" if support.quote else support.basis or ""
                click.echo(f"     [{name(support.status)}, {name(support.source)}] {said}")


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
@pass_project
def render(
    project: Project, views: tuple[str, ...], query_ref: str | None, output: Path | None
) -> None:
    """Draw interactive HTML views of the graph.

    The pages (pyvis) carry every script and style inline and open offline in any browser.

    \b
    Examples:
      muskgraph render
      muskgraph render --view vertical -o vertical.html
      muskgraph render --query control-graph
    """
    from graph import render as views_module
    from graph.query import resolve, run
    from graph.store import write_atomic

    graph = _assembled(project)
    pages: dict[Path, str] = {}
    if query_ref:
        if views:
            raise click.UsageError("--query and --view exclude each other")
        text = resolve(project, query_ref)
        result = run(graph, text)
        if result.type not in ("CONSTRUCT", "DESCRIBE"):
            raise click.UsageError(f"{text.origin}: --query needs a CONSTRUCT or DESCRIBE query")
        name = Path(text.origin).stem if text.origin.endswith(".rq") else "query"
        pages[output or project.out_dir / f"{name}.html"] = views_module.render_construct(
            result.graph, text.title or name, schema=graph
        )
    else:
        chosen = views or VIEWS
        if output and len(chosen) > 1:
            raise click.UsageError("-o writes one view: choose it with --view")
        for view in chosen:
            html = (
                views_module.render_graph(graph, "muskgraph: the whole graph")
                if view == "graph"
                else views_module.vertical_integration_view(graph)
            )
            pages[output or project.out_dir / VIEW_FILES[view]] = html
    for path, html in pages.items():
        write_atomic(path, html.encode("utf-8"))
        click.echo(f"wrote {_shown(path)}", err=True)
