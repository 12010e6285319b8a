"""Commands that make and check the project's outputs: build, validate, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph.cli.common import (
    notice,
    output_option,
    pass_project,
    shown,
    source_options,
    to_stdout,
)
from graph.project import Project

if TYPE_CHECKING:
    from graph.sources import Source


@click.command()
@pass_project
def build(project: Project) -> None:
    """Build the graph into out/ in every RDF format.

    Merges the ontology and the seed facts, checks every quote against its source, and
    writes out/muskgraph.ttl, .trig (one named graph per source), .nt and .jsonld, and
    the ontology alone as RDF/XML (out/muskgraph-ontology.owl). Fails, leaving earlier
    outputs untouched, when a seed file does not parse or a quote is not found at its
    offsets in its source document.
    """
    from graph.build import build as build_outputs
    from graph.workspace import writing

    with writing(project, notice):
        written = build_outputs(project, notice)
    for path, size in written.items():
        click.echo(f"wrote {shown(path)} ({size:,} bytes)", err=True)


@click.command()
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
    unless -o names a file. TriG keeps one named graph per source; Turtle and N-Triples
    list the graphs one after another.

    \b
    Examples:
      muskgraph export --format nt | wc -l
      muskgraph export --format jsonld -o muskgraph.jsonld
    """
    with source.holding(project) as store:
        engine = source.engine(project, store)
        if output is None or str(output) == "-":
            to_stdout(lambda stream: engine.export(fmt, stream))
            return
        from graph.atomic import atomic_writer

        with atomic_writer(output) as file:
            engine.export(fmt, file)
    click.echo(f"wrote {output}", err=True)
