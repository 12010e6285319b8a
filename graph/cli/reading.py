"""Commands that answer from the graph: query, queries, paths, explain, render."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph.cli.common import (
    emit,
    emit_with,
    output_option,
    pass_project,
    shown,
    source_options,
    table_width,
    to_stdout,
)
from graph.project import Project

if TYPE_CHECKING:
    from graph.sources import Source

VIEWS = ("graph", "vertical", "timeline", "sources")
SANDBOX_MEMORY = "sandbox.json"
VIEW_FILES = {
    "graph": "muskgraph.html",
    "vertical": "vertical-integration.html",
    "timeline": "timeline.html",
}


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


@click.command()
@click.argument("reference", required=False)
@click.option("-e", "--expression", help="The SPARQL query text itself.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"]),
    help="table (default; as wide as the terminal, else $COLUMNS, else 100 characters; "
    "long values wrap), csv, tsv, json or xml for SELECT/ASK; "
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
      muskgraph query claims-by-attribution --param attribution=mg:AnonymousSources
      muskgraph query -e 'SELECT ?org WHERE { ?org a/rdfs:subClassOf* mg:Company }' -f csv
      muskgraph query control --data registry.nt --data news.ttl
    """
    from graph.query import QueryText, execute, mistaken_names, prepare, resolve
    from graph.results import check_format, format_answer, write_answer

    if (reference is None) == (expression is None):
        raise click.UsageError("give a query NAME, FILE or `-`, or -e TEXT (one of them)")
    text = QueryText(expression, "<inline>") if expression else resolve(project, reference)
    # Parses are remembered beside the project's store; files and endpoints leave out/ alone.
    memory = None if source.data or source.endpoint else project.out_dir / SANDBOX_MEMORY
    bound = _params(params)
    source = source._replace(services=allow_service)
    request = source.checking(
        f"the query {text.origin}", lambda: prepare(text, bound, allow_service, memory)
    )
    fmt = fmt or ("ttl" if request.gives_graph else "table")
    check_format(request.shape.form, fmt)

    def warn(engine) -> None:
        for warning in mistaken_names(engine, request):
            click.echo(warning, err=True)

    def work(engine) -> bytes:
        answer = format_answer(execute(engine, request), fmt, source.max_rows, table_width())
        warn(engine)
        return answer

    def streamed(engine) -> None:  # no limit asks for the whole answer before writing
        answer = execute(engine, request)
        emit_with(lambda stream: write_answer(answer, fmt, stream, table_width()), output)
        warn(engine)

    if source.max_rows == 0 and source.timeout == 0:
        source.run(project, f"the query {text.origin}", streamed)
    else:
        emit(source.run(project, f"the query {text.origin}", work), output)
    if memory:
        from graph.sandbox import remember

        remember(memory, text.text, request.shape)


@click.command()
@pass_project
def queries(project: Project) -> None:
    """List the query library and what each query answers."""
    from graph.query import library

    named = library(project)
    width = max((len(name) for name in named), default=0)
    for name, text in named.items():
        click.echo(f"{name.ljust(width)}  {text.title}")


def label_options(command):
    """--lang and --iris: how the nodes of an answer in words are named."""
    command = click.option(
        "--iris",
        is_flag=True,
        help="Show prefixed names (kg:rockets) instead of labels, for scripts.",
    )(command)
    return click.option(
        "--lang",
        type=click.Choice(["en", "de"]),
        default="en",
        show_default=True,
        help="Language of the labels shown (else the other one, else the local name).",
    )(command)


@click.command()
@click.argument("start", required=False)
@click.argument("end", required=False)
@click.option(
    "--max-hops",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Longest path to list.",
)
@label_options
@source_options(limits=True, max_rows_help="List at most this many paths (0: no limit).")
@pass_project
def paths(
    project: Project,
    start: str | None,
    end: str | None,
    max_hops: int,
    lang: str,
    iris: bool,
    source: Source,
) -> None:
    """Show vertical-integration paths, hop by hop.

    Lists the paths of mg:feeds hops from business line START to END, shortest first
    (paths of one length in the order of their IRIs), each as soon as it is found; at
    most --max-rows of them.

    START and END are IRIs, kg: names or labels. Each hop names its business lines by
    label, with the kg: name in brackets, and every claim that supports it: on whose word
    (its attribution), what kind of statement (its modality) and its source, in words,
    and its quote. Without START and END, every direct hop is listed.

    \b
    Examples:
      muskgraph paths kg:rockets kg:ai-chatbots
      muskgraph paths Raketen "KI-Chatbots" --lang de
      muskgraph paths rockets ai-chatbots --iris | grep '^path'
    """
    from graph.names import Names, find_node
    from graph.paths import direct_hops, feed_paths, feeds_network, hop_terms, write_report

    if (start is None) != (end is None):
        raise click.UsageError("give both START and END, or neither")

    def work(engine) -> tuple[int, bool] | None:
        network = feeds_network(engine)
        names = Names(engine, lang, iris)
        if start is None:
            routes = direct_hops(network)
            names.learn(term for route in routes for term in hop_terms(route))  # in bulk
        else:
            first, last = find_node(engine, start), find_node(engine, end)
            routes = feed_paths(network, first, last, max_hops)
        return to_stdout(lambda stream: write_report(routes, names, stream, source.max_rows))

    written, more = source.run(project, "the path search", work) or (None, False)
    if more:
        listed = f"{written:,} paths" if written != 1 else "path"
        click.echo(f"showing the first {listed}; more exist (raise --max-rows)", err=True)
    elif written == 0:
        click.echo(f"no path from {start} to {end}", err=True)
        sys.exit(1)


@click.command()
@click.argument("start")
@click.argument("end")
@click.option(
    "--max-hops",
    type=click.IntRange(min=1),
    default=6,
    show_default=True,
    help="Longest chain of facts to follow.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Words for a person, or JSON for a program.",
)
@label_options
@source_options(limits=True, max_rows_help="List at most this many connections (0: no limit).")
@pass_project
def explain(
    project: Project,
    start: str,
    end: str,
    max_hops: int,
    fmt: str,
    lang: str,
    iris: bool,
    source: Source,
) -> None:
    """Explain how two nodes are connected, fact by fact, and on whose word.

    Follows the shortest chains of facts between START and END, in either direction
    (control, ownership, mergers, business lines, purposes, ...). Every fact comes with
    its claims: who asserts it (the company, the article, anonymous sources, background
    knowledge, or the graph's own inference), what kind of statement it is (fact, plan,
    forecast, opinion, purpose), and its quote or what it rests on. An inferred fact
    names its rule and, indented under "because", the claims it is derived from.

    START and END are IRIs, kg: names or labels.

    \b
    Examples:
      muskgraph explain musk x-corp
      muskgraph explain SpaceX xAI --format json
      muskgraph explain rockets "KI-Modelle" --lang de
    """
    from graph.explain import connections, write_json, write_text
    from graph.names import Names, find_node

    def work(engine) -> int:
        first, last = find_node(engine, start), find_node(engine, end)
        found = connections(engine, first, last, max_hops)
        write = write_json if fmt == "json" else write_text
        names = Names(engine, lang, iris)
        return to_stdout(lambda stream: write(found, names, stream, source.max_rows))

    if not source.run(project, "the explanation", work):
        click.echo(f"{start} and {end} are not connected within {max_hops} facts", err=True)
        sys.exit(1)


@click.command()
@click.option(
    "--view",
    "views",
    type=click.Choice(VIEWS),
    multiple=True,
    metavar="VIEW",
    help="Which view to draw: graph (the whole graph), vertical (the vertical integration), "
    "timeline (the events in order), sources (one reading page a source: its text with "
    "the quoted passages marked); default: all four.",
)
@click.option("-q", "--query", "query_ref", help="Draw the graph a CONSTRUCT query returns.")
@click.option(
    "--paths",
    "ends",
    nargs=2,
    metavar="START END",
    help="Draw the mg:feeds paths from START to END (as `paths` finds them, at most "
    "--max-rows), hop by hop; default file: out/paths.html.",
)
@click.option(
    "--explain",
    "explained",
    nargs=2,
    metavar="START END",
    help="Draw how START and END are connected (as `explain` finds it, at most --max-rows "
    "chains), fact by fact with each fact's claims; default file: out/explanation.html.",
)
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
    ends: tuple[str, str] | None,
    explained: tuple[str, str] | None,
    output: Path | None,
    source: Source,
) -> None:
    """Draw interactive HTML views of the graph.

    The pages (pyvis) carry every script and style inline and open offline in any browser.
    Besides the graph views, each source document gets a reading page,
    out/source-NAME.html: its text with every quoted passage marked by who asserts it and
    how, the claims of a passage on click, and links to their nodes in the graph view.

    \b
    Examples:
      muskgraph render
      muskgraph render --view vertical -o vertical.html
      muskgraph render --view timeline
      muskgraph render --view sources
      muskgraph render --query control-graph
      muskgraph render --paths kg:rockets kg:ai-chatbots
      muskgraph render --explain musk x-corp
    """
    from graph.atomic import write_atomic
    from graph.query import prepare, resolve

    if sum(map(bool, (query_ref, views, ends, explained))) > 1:
        raise click.UsageError("--query, --view, --paths and --explain exclude each other")
    chosen = () if query_ref or ends or explained else views or VIEWS
    if output and (len(chosen) > 1 or "sources" in chosen):
        raise click.UsageError("-o writes one view: choose it with --view (not sources)")
    request = (
        source.checking(f"the query {query_ref}", lambda: prepare(resolve(project, query_ref)))
        if query_ref
        else None
    )
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
        if ends:
            return _paths_page(
                engine, ends, source.max_rows, output or project.out_dir / "paths.html"
            )
        if explained:
            target = output or project.out_dir / "explanation.html"
            return _explanation_page(engine, explained, source.max_rows, target)
        union = engine.union()
        views = {
            "graph": lambda: draw.render_graph(union, "muskgraph: the whole graph"),
            "vertical": lambda: draw.vertical_integration_view(union),
            "timeline": lambda: draw.timeline_view(union),
        }
        pages = {
            output or project.out_dir / VIEW_FILES[view]: views[view]()
            for view in chosen
            if view != "sources"
        }
        if "sources" in chosen:
            from graph.names import Names
            from graph.source_page import source_pages

            found = source_pages(engine, project.seeds_dir, Names(engine))
            pages.update({project.out_dir / name: page for name, page in found.items()})
        return pages

    pages = source.run(project, "rendering", work)
    if ends and not pages:
        click.echo(f"no path from {ends[0]} to {ends[1]}", err=True)
        sys.exit(1)
    if explained and not pages:
        click.echo(f"{explained[0]} and {explained[1]} are not connected", err=True)
        sys.exit(1)
    for path, html in pages.items():
        write_atomic(path, html.encode("utf-8"))
        click.echo(f"wrote {shown(path)}", err=True)


def _paths_page(engine, ends: tuple[str, str], max_rows: int, output: Path) -> dict[Path, str]:
    """The page of the mg:feeds paths between ends (at most max_rows, 0: all), under the
    file name output; none if there is no path."""
    from itertools import islice

    from rdflib import URIRef

    from graph import render as draw
    from graph.names import find_node
    from graph.paths import feed_paths, feeds_network

    first, last = (find_node(engine, name) for name in ends)
    found = feed_paths(feeds_network(engine), first, last)
    routes = list(islice(found, max_rows or None))
    if not routes:
        return {}
    notice = ""
    if max_rows and next(found, None) is not None:
        notice = f"Showing the first {len(routes):,} paths; more exist (raise --max-rows)."
    hops = [[(URIRef(h.source.value), URIRef(h.target.value)) for h in route] for route in routes]
    title = f"Paths from {ends[0]} to {ends[1]}, hop by hop"
    page = draw.paths_view(engine.union(), hops, title, notice)
    return {output: page}


def _explanation_page(
    engine, ends: tuple[str, str], max_rows: int, output: Path
) -> dict[Path, str]:
    """The page of the chains of facts between ends (at most max_rows, 0: all), under
    the file name output; none if they are not connected."""
    from itertools import islice

    from rdflib import URIRef

    from graph import render as draw
    from graph.explain import connections, nodes_of
    from graph.names import find_node

    first, last = (find_node(engine, name) for name in ends)
    found = list(islice(connections(engine, first, last), max_rows or None))
    if not found:
        return {}
    nodes = [[URIRef(node.value) for node in nodes_of(chain)] for chain in found]
    facts = {
        tuple(URIRef(t.value) for t in said.fact)
        for chain in found
        for hop in chain
        for said in hop.claims
    }
    title = f"How {ends[0]} and {ends[1]} are connected, fact by fact"
    return {output: draw.explanation_view(engine.union(), nodes, facts, title)}
