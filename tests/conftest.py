"""Shared fixtures: a throw-away copy of the project, its engines, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graph.build import assemble, build
from graph.cli import main
from graph.project import Project
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.rdflib_engine import RdflibEngine
from graph.workspace import open_store

CHECKOUT = Path(__file__).resolve().parent.parent
DATA_DIRS = ("ontology", "queries", "seeds")


# Past --timeout a command ends its process, which in-process would be pytest itself:
# here commands have no time limit unless a test gives one (run_muskgraph runs a process).
NO_TIME_LIMIT = {command: {"timeout": 0} for command in ("query", "paths", "render")}


def copy_project(root: Path) -> Path:
    for name in DATA_DIRS:
        shutil.copytree(CHECKOUT / name, root / name)
    return root


@pytest.fixture(scope="session")
def project() -> Project:
    """The project as checked out (read only: tests must not change it)."""
    return Project.locate(CHECKOUT)


@pytest.fixture(scope="session")
def dataset(project):
    """The assembled project as an rdflib Dataset."""
    return assemble(project).engine.dataset()


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Project:
    """A copy of the project, built once for the session (read only)."""
    project = Project.locate(copy_project(tmp_path_factory.mktemp("built")))
    build(project)
    return project


@pytest.fixture(scope="session")
def store_engine(built) -> OxigraphEngine:
    """The default engine: the Oxigraph store that `build` writes."""
    return OxigraphEngine(open_store(built))


@pytest.fixture(scope="session")
def memory_engine(dataset) -> RdflibEngine:
    """The alternative engine: rdflib's memory store."""
    return RdflibEngine(dataset)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under a directory with its bytes, to prove a failed run changed nothing."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's data directories that a test may change."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def cli(project_copy: Path) -> Callable[..., Result]:
    """Run `muskgraph --project <copy> ARGS...`; stdout and stderr are kept apart."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(
            main, ["--project", str(project_copy), *args], input=input, default_map=NO_TIME_LIMIT
        )

    return invoke


def run_muskgraph(project: Path, args: list[str], timeout: float) -> subprocess.CompletedProcess:
    """`muskgraph --project PROJECT ARGS...` as a process of its own, from this checkout:
    for what may end the process (a time limit) or needs a real one (signals, locks)."""
    env = {k: v for k, v in os.environ.items() if k != "MUSKGRAPH_PROJECT"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CHECKOUT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "graph", "--project", str(project), *args]
    return subprocess.run(
        command, capture_output=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL
    )
