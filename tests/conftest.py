"""Shared fixtures: a throw-away copy of the project and a CLI runner bound to it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.build import assemble
from graph.cli import main
from graph.project import Project

CHECKOUT = Path(__file__).resolve().parent.parent
DATA_DIRS = ("ontology", "queries", "seeds")


@pytest.fixture(scope="session")
def project() -> Project:
    """The project as checked out (read only: tests must not change it)."""
    return Project.locate(CHECKOUT)


@pytest.fixture(scope="session")
def dataset(project):
    return assemble(project).dataset


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's data directories that a test may change."""
    root = tmp_path / "project"
    for name in DATA_DIRS:
        shutil.copytree(CHECKOUT / name, root / name)
    return root


@pytest.fixture
def cli(project_copy: Path) -> Callable[..., Result]:
    """Run `muskgraph --project <copy> ARGS...`; stdout and stderr are kept apart."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(main, ["--project", str(project_copy), *args], input=input)

    return invoke
