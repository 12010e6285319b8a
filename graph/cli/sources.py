"""Commands for the sources of the graph: add-source, sources."""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli.common import emit, pass_project, shown, store_source, table_width
from graph.project import Project


@click.command("add-source")
@click.argument("text", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", help="The source's title (default: the text's first line).")
@click.option("--lang", help="The text's language, e.g. en or de (default: from NAME.LANG.txt).")
@click.option("--published", default="", metavar="YYYY-MM-DD", help="When it was published.")
@click.option("--url", default="", help="Where it was published.")
@pass_project
def add_source(
    project: Project, text: Path, title: str | None, lang: str | None, published: str, url: str
) -> None:
    """Register a source: its text in seeds/ and a claim sheet to fill in.

    Copies TEXT into seeds/ (unless it is there) and writes seeds/NAME.tsv beside it,
    with the source's rows and a commented example. Add one row a claim to the sheet,
    then `muskgraph build`: the quotes are looked up in the text, and every mistake of
    the sheet is named with its row and column.

    \b
    Examples:
      muskgraph add-source starship-test.en.txt --title "Starship's fifth flight"
      muskgraph add-source memo.txt --lang en --published 2026-02-02 --url https://example.org
    """
    from graph.sheet import add_source as register

    target, sheet = register(project.seeds_dir, text, title, lang, published, url)
    click.echo(f"wrote {shown(sheet)} for {shown(target)}: add its claims, then build", err=True)


@click.command()
@pass_project
def sources(project: Project) -> None:
    """List the sources with their claims, by attribution and modality.

    One row for each source (every document, the background knowledge, the rules'
    inferences), attribution and modality, with the number of claims.
    """
    from graph.query import execute, library, prepare
    from graph.results import format_answer

    request = prepare(library(project)["sources"])

    def work(engine) -> bytes:
        return format_answer(execute(engine, request), "table", 0, table_width())

    emit(store_source().run(project, "the list of sources", work), None)
