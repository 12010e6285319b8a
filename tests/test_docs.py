"""Drift checks: the README's command reference, the query library, and lint."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pyoxigraph
import pytest
import servers
from click.testing import CliRunner
from rdflib import RDF, RDFS, Dataset

from graph.cli import main
from graph.namespaces import MG
from graph.query import library, run
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.rdflib_engine import RdflibEngine

CHECKOUT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("page", ["README.md", "docs/model.md"])
def test_generated_sections_are_up_to_date(page: str) -> None:
    """The README's command reference and the model's sentence table are what the
    current CLI and build give."""
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", page],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
    )
    if "No module named cogapp" in result.stderr:
        pytest.skip("cogapp is not installed (pip install -e '.[test]')")
    assert result.returncode == 0, f"run `cog -r {page}`:\n" + result.stdout + result.stderr


@pytest.mark.parametrize("command", main.list_commands(click.Context(main)))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"$ muskgraph {command} --help" in (CHECKOUT / "README.md").read_text("utf-8")


def test_every_library_query_parses_and_says_what_it_answers(project) -> None:
    queries = library(project)
    assert queries
    engines = (OxigraphEngine(pyoxigraph.Store()), RdflibEngine(Dataset()))
    for name, query in queries.items():
        for engine in engines:
            run(engine, query)
        if name.startswith("construct-"):  # a rule says what follows, then shows it
            rule, _, example = query.title.partition(": ")
            assert rule and example.endswith("."), f"{name}: the header should state the rule"
        else:
            assert query.title.endswith("?"), f"{name}: the header should ask the question"


def test_ruff_finds_nothing() -> None:
    ruff = servers.installed("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([ruff, *args], cwd=CHECKOUT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def _company_examples() -> list[str]:
    """The inline company queries the README and `query --help` show."""
    help_text = CliRunner().invoke(main, ["query", "--help"]).output
    readme = (CHECKOUT / "README.md").read_text("utf-8")
    found = re.findall(r"muskgraph query -e '([^']*mg:Company[^']*)'", readme + help_text)
    assert len(found) >= 3, found  # Using it, the help text, and its copy in the reference
    return sorted(set(found))


@pytest.mark.parametrize("example", _company_examples())
def test_company_examples_find_every_kind_of_company(cli, dataset, example) -> None:
    kinds = set(dataset.transitive_subjects(RDFS.subClassOf, MG.Company))
    companies = {str(c) for kind in kinds for c in dataset.subjects(RDF.type, kind)}
    assert len(companies) > len(set(dataset.subjects(RDF.type, MG.Company)))  # subclasses
    result = cli("query", "-e", example, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert set(result.stdout.splitlines()[1:]) == companies
