"""The muskgraph command line: build, check, query, export and draw the knowledge graph.

Only this package knows about click. Commands import the core modules they use when they
run, so a command pays only for what it needs at start-up. `common` holds what commands
share; `outputs`, `reading` and `data` hold the commands, by what they work on.
"""

from __future__ import annotations

from pathlib import Path

import click

from graph import __version__
from graph.cli import data, outputs, reading, sources
from graph.cli.common import CONTEXT, CliError, MuskgraphGroup
from graph.errors import MuskgraphError
from graph.project import Project


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


for command in (
    outputs.build,
    outputs.validate,
    outputs.export,
    reading.query,
    reading.queries,
    reading.paths,
    reading.explain,
    reading.render,
    data.load,
    data.unload,
    data.graphs,
    data.push,
    sources.add_source,
    sources.sources,
):
    main.add_command(command)
