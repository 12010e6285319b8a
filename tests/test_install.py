"""A non-editable install carries its ontology, queries and seeds and works anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The package as a wheel would install it, unpacked into a fresh directory."""
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(CHECKOUT),
        ],
        check=True,
        capture_output=True,
    )
    site = tmp_path_factory.mktemp("site")
    (wheel,) = wheels.glob("muskgraph-*.whl")
    zipfile.ZipFile(wheel).extractall(site)
    return site


def run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    launcher = (
        f"import sys; sys.path.insert(0, {str(site)!r}); import graph; "
        f"assert graph.__file__.startswith({str(site)!r}), graph.__file__; "
        "from graph.cli import main; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", launcher, *args], cwd=cwd, capture_output=True, text=True
    )


def test_installed_package_builds_and_queries_from_an_empty_directory(installed, tmp_path):
    built = run_installed(installed, tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "muskgraph.ttl").stat().st_size > 0
    listed = run_installed(installed, tmp_path, "queries")
    assert "vertical-integration" in listed.stdout
    answered = run_installed(installed, tmp_path, "query", "vertical-integration", "-f", "csv")
    assert answered.returncode == 0, answered.stderr
    assert len(answered.stdout.splitlines()) > 1
