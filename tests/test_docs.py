"""Drift checks: the README's command reference, the query library, and lint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
import servers
from rdflib import Dataset

from graph.cli import main
from graph.query import library, run
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.rdflib_engine import RdflibEngine

CHECKOUT = Path(__file__).resolve().parent.parent


def test_readme_command_reference_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", "README.md"],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
    )
    if "No module named cogapp" in result.stderr:
        pytest.skip("cogapp is not installed (pip install -e '.[test]')")
    assert result.returncode == 0, "run `cog -r README.md`:\n" + result.stdout + result.stderr


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"$ muskgraph {command} --help" in (CHECKOUT / "README.md").read_text("utf-8")


def test_every_library_query_parses_and_says_what_it_answers(project) -> None:
    queries = library(project)
    assert queries
    engines = (OxigraphEngine(pyoxigraph.Store()), RdflibEngine(Dataset()))
    for name, query in queries.items():
        for engine in engines:
            run(engine, query)
        assert query.title.endswith("?"), f"{name}: the header should ask the question"


def test_ruff_finds_nothing() -> None:
    ruff = servers.installed("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([ruff, *args], cwd=CHECKOUT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
