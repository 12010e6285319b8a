"""What a command imports: reading the store must not pay for rdflib, pyvis, networkx
or pyshacl, whose imports cost more than the query itself."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import CHECKOUT

HEAVY = ("rdflib", "pyvis", "networkx", "pyshacl", "numpy", "jinja2", "IPython")
PROBE = """
import sys
from graph.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(" ".join(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["query", "control"],
        ["query", "control", "--format", "json"],
        ["query", "-e", "ASK { ?s ?p ?o }", "--format", "csv"],
        ["queries"],
        ["graphs"],
    ],
    ids=" ".join,
)
def test_reading_the_store_imports_none_of_the_heavy_libraries(cli, project_copy, args) -> None:
    assert cli("build").exit_code == 0
    probe = [sys.executable, "-c", PROBE, "--project", str(project_copy), *args]
    done = subprocess.run(probe, capture_output=True, text=True, cwd=CHECKOUT, timeout=60)
    assert done.returncode == 0, done.stderr
    imported = set(done.stderr.split("\n")[-2].split())
    assert "pyoxigraph" in imported or args == ["queries"]
    assert imported.isdisjoint(HEAVY), sorted(imported.intersection(HEAVY))
