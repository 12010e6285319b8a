"""Crash safety: a build killed at any moment, or builds run at once, never leave
half-written or mixed outputs."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.build import OUTPUT_STEM
from graph.project import Project
from graph.store.serialize import EXPORT_FORMATS
from graph.workspace import writing

KILLS = 20


def command(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "graph", "--project", str(project), *args]


def exports(project: Path) -> dict[str, bytes]:
    return {fmt: (project / "out" / f"{OUTPUT_STEM}.{fmt}").read_bytes() for fmt in EXPORT_FORMATS}


def answers_control(project: Path) -> None:
    result = subprocess.run(
        command(project, "query", "control", "-f", "csv"), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "https://w3id.org/muskgraph/id/x-corp" in result.stdout


@pytest.fixture
def reference(project_copy: Path) -> dict[str, bytes]:
    subprocess.run(command(project_copy, "build"), check=True, capture_output=True)
    return exports(project_copy)


def test_a_build_killed_at_random_points_leaves_complete_outputs(project_copy, reference):
    started = time.monotonic()
    subprocess.run(command(project_copy, "build"), check=True, capture_output=True)
    duration = time.monotonic() - started
    chance = random.Random(20)
    for _ in range(KILLS):
        build = subprocess.Popen(command(project_copy, "build"), stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(0, duration * 1.2))
        build.send_signal(signal.SIGKILL)
        build.wait()
        assert exports(project_copy) == reference
        answers_control(project_copy)  # rebuilds the store first if the kill broke it
    subprocess.run(command(project_copy, "build"), check=True, capture_output=True)
    leftovers = [p.name for p in (project_copy / "out").iterdir() if p.name.startswith(".")]
    assert leftovers == [".lock"]


def test_builds_started_at_once_wait_for_each_other(project_copy, reference) -> None:
    builds = [
        subprocess.Popen(command(project_copy, "build"), stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for build in builds:
        _, errors = build.communicate(timeout=120)
        assert build.returncode == 0, errors
    assert exports(project_copy) == reference
    answers_control(project_copy)


def test_queries_during_a_build_see_a_whole_store(project_copy, reference) -> None:
    build = subprocess.Popen(command(project_copy, "build"), stderr=subprocess.DEVNULL)
    try:
        for _ in range(3):
            answers_control(project_copy)
    finally:
        build.wait(timeout=120)
    assert build.returncode == 0


def test_a_memory_store_query_waits_while_out_is_written(project_copy, reference) -> None:
    """--store memory reads the manifest of loaded files: never while a load rewrites it."""
    query = command(project_copy, "query", "control", "--store", "memory", "-f", "csv")
    with writing(Project.locate(project_copy), lambda message: None):
        waiting = subprocess.Popen(query, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1)
    answer, errors = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, errors
    assert "waiting for another muskgraph process to finish with out/" in errors
    assert "https://w3id.org/muskgraph/id/x-corp" in answer
