"""What every command shares: one-line errors, the project, outputs, and the options
of commands that read the graph."""

from __future__ import annotations

import functools
import importlib
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NoReturn, TypeVar

import click

from graph.errors import MuskgraphError
from graph.project import Project

if TYPE_CHECKING:
    from graph.sources import Source

T = TypeVar("T")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CliError(click.ClickException):
    """A core error shown as one line, with the error's exit code."""

    def __init__(self, error: MuskgraphError) -> None:
        from graph.text import printable

        lines = getattr(error, "lines", [str(error)])
        super().__init__("\nError: ".join(printable(line) for line in lines))
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


class OneLineUsageError(click.ClickException):
    """A usage error as every other error: one line, with where help is, exit code 2."""

    exit_code = 2

    def __init__(self, error: click.UsageError, command_path: str) -> None:
        from graph.text import printable

        message = printable(" ".join(error.format_message().split()))
        super().__init__(f"{message} (see {command_path} --help)")


def _command_path(error: click.UsageError, ctx: click.Context) -> str:
    """The command the error is about: click leaves some parse errors without one."""
    if error.ctx is not None:
        return error.ctx.command_path
    return " ".join(filter(None, [ctx.command_path, ctx.invoked_subcommand]))


class MuskgraphGroup(click.Group):
    """The muskgraph group: core errors and usage errors of the group and of every
    command are shown as one line, instead of click's usage, hint and error.

    `commands_in` names each command's place, `MODULE:ATTRIBUTE` within this package: a
    module is imported when one of its commands is asked for (click's lazy group).
    """

    def __init__(self, *args, commands_in: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commands_in = commands_in

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands_in)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.commands_in:
            module, _, attribute = self.commands_in[name].partition(":")
            package = __name__.rpartition(".")[0]
            command = getattr(importlib.import_module(f"{package}.{module}"), attribute)
            self.add_command(command, name)
        return self.commands.get(name)

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            path = error.ctx.command_path if error.ctx else info_name
            raise OneLineUsageError(error, path) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MuskgraphError as error:
            raise CliError(error) from None
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            raise OneLineUsageError(error, _command_path(error, ctx)) from None


pass_project = click.make_pass_decorator(Project)


def to_stdout(write: Callable[[BinaryIO], T]) -> T | None:
    """What `write` gives after writing to standard output; None if the reader left
    early, which is no error."""
    stream = sys.stdout.buffer
    try:
        written = write(stream)
        stream.flush()
    except BrokenPipeError:  # the reader (head, less) left early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return None
    except OSError as error:  # a full disk, a device that refuses
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # drop the rest
        raise CliError(MuskgraphError(f"standard output: cannot write: {error.strerror}")) from None
    return written


def emit(data: bytes, output: Path | None) -> None:
    """Write to a file atomically, or to standard output for `-` or no file."""
    emit_with(lambda stream: stream.write(data), output)


def emit_with(write: Callable[[BinaryIO], object], output: Path | None) -> None:
    """Let `write` fill a file atomically, or standard output for `-` or no file."""
    if output is None or str(output) == "-":
        to_stdout(write)
        return
    from graph.atomic import atomic_writer

    with atomic_writer(output) as file:
        write(file)
    click.echo(f"wrote {output}", err=True)


def table_width() -> int:
    """How wide a table may be: $COLUMNS, else the terminal's width, else (standard output
    is not a terminal) the results' default. The rule of `shutil.get_terminal_size`,
    without importing shutil (and the compression modules it imports) into every query."""
    from graph.results import TABLE_WIDTH

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or TABLE_WIDTH
    except (AttributeError, ValueError, OSError):
        return TABLE_WIDTH


def notice(message: str) -> None:
    click.echo(message, err=True)


def stop(error: MuskgraphError) -> NoReturn:
    """Show `error` as any other and end the process now: a query past its time limit
    cannot be interrupted, only left behind."""
    CliError(error).show()
    sys.stderr.flush()
    os._exit(error.exit_code)


def rebuild(project: Project) -> None:
    from graph.sources import build_again

    build_again(project, notice)


def store_source() -> Source:
    """The project's store, for commands that read it without --store or --data."""
    from graph.sources import Source

    return Source("oxigraph", (), 0, 0, notice=notice)


def source_options(
    limits: bool, max_rows_help: str = "Refuse answers with more rows or triples (0: no limit)."
):
    """--store and --data (and with `limits`, --timeout and --max-rows), gathered into
    one `source` argument."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, store, data, endpoint=None, timeout=0, max_rows=0, **kwargs):
            from graph.sources import Source

            source = Source(store, data, timeout, max_rows, endpoint, notice, stop)
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
                    help=max_rows_help,
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


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
