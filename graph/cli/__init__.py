"""The muskgraph command line: build, check, query, export and draw the knowledge graph.

Only this package knows about click. A command's module is imported when the command
runs (`COMMANDS`), and commands import the core modules they use when they run, so a
command pays only for what it needs at start-up. `common` holds what commands share;
`outputs`, `reading`, `data` and `sources` hold the commands, by what they work on.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from graph import __version__
from graph.cli.common import CONTEXT, CliError, MuskgraphGroup
from graph.errors import MuskgraphError
from graph.project import Project

COMMANDS = {
    "build": "outputs:build",
    "validate": "outputs:validate",
    "export": "outputs:export",
    "query": "reading:query",
    "queries": "reading:queries",
    "paths": "reading:paths",
    "explain": "reading:explain",
    "render": "reading:render",
    "load": "data:load",
    "unload": "data:unload",
    "graphs": "data:graphs",
    "push": "data:push",
    "add-source": "sources:add_source",
    "sources": "sources:sources",
}


@click.group("muskgraph", cls=MuskgraphGroup, commands_in=COMMANDS, context_settings=CONTEXT)
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


def run() -> NoReturn:
    """The `muskgraph` command: `main`, then the process ends as soon as what it wrote is
    flushed, without tearing the interpreter down.

    Freeing every module and object one by one is a tenth of a short command's time, and
    the system frees them at once; a command has closed its files and stores by the time
    it returns. An error click did not turn into an exit code still ends the usual way,
    with its traceback.
    """
    code: int | str | None = 0
    try:
        main(prog_name="muskgraph")
    except SystemExit as done:
        code = done.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
    except OSError:  # as Python ends when it cannot flush standard output
        code = code or 120
    sys.stderr.flush()
    os._exit(code or 0)
