"""The benchmark runs end to end: `python -m benchmarks.run --smoke` measures every step
with every tool and prints the whole table. No timing is asserted: CI machines vary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.run import COLD_ROWS, LOAD_AND_QUERIES, PARSE_ROW, STEPS, TOOLS

CHECKOUT = Path(__file__).resolve().parent.parent


def smoke_run(module: str, cache: Path) -> str:
    """What `python -m MODULE --smoke` prints, once it has exited 0."""
    command = [sys.executable, "-m", module, "--smoke", "--cache-dir", str(cache)]
    result = subprocess.run(command, cwd=CHECKOUT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_smoke_run_prints_every_row(tmp_path: Path) -> None:
    stdout = smoke_run("benchmarks.run", tmp_path)
    lines = stdout.splitlines()
    header = next(line for line in lines if line.startswith("step "))
    assert header.split()[:4] == ["step", *TOOLS]
    for label in [label for _, label in STEPS] + [LOAD_AND_QUERIES, PARSE_ROW, *COLD_ROWS]:
        row = next((line for line in lines if line.startswith(label)), None)
        assert row is not None, f"no row {label!r} in:\n{stdout}"
        assert "failed" not in row and "skipped" not in row, row
    for _, label in STEPS:  # a figure in seconds for each tool
        row = next(line for line in lines if line.startswith(label))
        assert row.count(" s ") + row.endswith(" s") >= len(TOOLS), row
    assert "targets:" not in stdout  # --smoke gives no verdicts
    assert "10k triples" in stdout
    assert list(tmp_path.glob("run-*")) == []  # the work directory is cleaned up


def test_bridge_smoke_run_gives_the_same_answers_every_way() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.bridge", "--smoke"],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(rows) == 7, result.stdout
    assert all(line.rstrip().endswith("x") for line in rows), result.stdout  # same answers


def test_validate_smoke_run_prints_each_step_against_the_load(tmp_path: Path) -> None:
    stdout = smoke_run("benchmarks.validate_bench", tmp_path)
    lines = stdout.splitlines()
    for step in ("load", "validate --engine oxigraph", "validate --engine pyshacl"):
        row = next((line for line in lines if line.startswith(step + " ")), None)
        assert row is not None, f"no row {step!r} in:\n{stdout}"
        assert row.count("x ") == 2, row  # wall and CPU against the load
    assert "target:" not in stdout  # --smoke gives no verdict
    assert list(tmp_path.glob("validate-*")) == []  # the work directory is cleaned up
