"""Commands that make and check the project's outputs: build, validate, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph.cli.common import (
    emit_with,
    notice,
    output_option,
    pass_project,
    shown,
    source_options,
    store_source,
    to_stdout,
)
from graph.project import Project

if TYPE_CHECKING:
    from graph.sources import Source
    from graph.validate import Report


@click.command()
@pass_project
def build(project: Project) -> None:
    """Build the graph into out/ in every RDF format.

    Compiles each claim sheet (finding every quote in its text), merges it with the
    ontology and the background knowledge, runs the inference rules
    (queries/construct-*.rq), and writes out/muskgraph.ttl, .trig and .jsonld (both one
    named graph per source; JSON-LD compacted with the project's context, also written
    as out/muskgraph-context.jsonld), .nt, and the ontology alone as RDF/XML
    (out/muskgraph-ontology.owl). Fails, leaving earlier outputs untouched, when a sheet
    has a mistake, a seed file does not parse or a quote is not found in its source.
    """
    from graph.build import build as build_outputs
    from graph.workspace import writing

    with writing(project, notice):
        written = build_outputs(project, notice)
    for path, size in written.items():
        click.echo(f"wrote {shown(path)} ({size:,} bytes)", err=True)


@click.command()
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI|FILE",
    help="Check only this loaded graph, named by its IRI or its file's path (repeatable).",
)
@click.option(
    "-d",
    "--data",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Check this RDF file with the project, without loading it (repeatable).",
)
@click.option("--project-only", is_flag=True, help="Check only the project (ontology and seeds).")
@click.option("--loaded-only", is_flag=True, help="Check only the loaded graphs.")
@click.option(
    "--engine",
    type=click.Choice(["oxigraph", "pyshacl"]),
    default="oxigraph",
    show_default=True,
    help="What checks the shapes: Oxigraph, answering them compiled to SPARQL, or pySHACL "
    "(the reference, slow on large graphs).",
)
@pass_project
def validate(
    project: Project,
    graphs: tuple[str, ...],
    data: tuple[Path, ...],
    project_only: bool,
    loaded_only: bool,
    engine: str,
) -> None:
    """Check the project and every loaded graph: quotes, shapes, violation queries.

    Runs the quote check against the source documents, the SHACL shapes
    (ontology/shapes.ttl) and every query whose name ends in -violation. The project's
    graphs are checked together; each loaded graph (or --data file) is checked with the
    project and charged with the problems it adds. Prints one line per problem, starting
    with where it is (`project` or the file), and one line per graph on stderr.

    \b
    Examples:
      muskgraph validate
      muskgraph validate --project-only
      muskgraph validate --graph registry.ttl
      muskgraph validate --data new-facts.ttl

    \b
    Exit codes: 0 all conform, 1 any does not conform, 2 could not load.
    """
    from graph.validate import Selection, check

    chosen = [
        name
        for name, given in (
            ("--project-only", project_only),
            ("--loaded-only", loaded_only),
            ("--graph/--data", graphs or data),
        )
        if given
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"{chosen[0]} and {chosen[1]} choose different graphs: give one")
    if graphs or data:
        selection = Selection(project=False, loaded=False, graphs=graphs, data=data)
    else:
        selection = Selection(project=not loaded_only, loaded=not project_only)
    reports, checks = check(project, selection, store_source(), engine)
    lines = [
        f"{place}: {problem}\n" for r in reports for place in [_place(r)] for problem in r.problems
    ]
    to_stdout(lambda stream: stream.write("".join(lines).encode("utf-8")))
    for report in reports:
        graph = f" <{report.graph}>" if report.graph else ""
        verdict = "conforms" if report.conforms else f"{len(report.problems):,} problem(s)"
        click.echo(f"{_place(report)}{graph}: {verdict}", err=True)
    checked = "; ".join(checks.names)
    problems = sum(len(report.problems) for report in reports)
    if not reports:
        click.echo("nothing to check: no graph is loaded (see `muskgraph load`)", err=True)
    elif problems:
        click.echo(f"does not conform: {problems:,} problem(s) ({checked})", err=True)
        sys.exit(1)
    else:
        click.echo(f"conforms ({checked})", err=True)


def _place(report: Report) -> str:
    """Where a report's problems are: the project, or the file a graph came from."""
    return report.name if report.graph is None else shown(Path(report.name))


@click.command()
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
    unless -o names a file. TriG and JSON-LD keep one named graph per source; Turtle and
    N-Triples merge them.

    \b
    Examples:
      muskgraph export --format nt | wc -l
      muskgraph export --format jsonld -o muskgraph.jsonld
    """
    with source.holding(project) as opened:
        engine = source.engine(project, opened)
        emit_with(lambda stream: engine.export(fmt, stream), output)
