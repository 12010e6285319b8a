"""The record of loaded files: nothing the user loaded is lost or dropped silently, and
a damaged store or an unwritable out/ is one line, never a traceback."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CHECKOUT
from test_store import EXTRA, controlled_by_musk

from graph.build import OUTPUT_STEM
from graph.store.serialize import EXPORT_FORMATS

TESLA = "https://w3id.org/muskgraph/id/tesla"


@pytest.fixture
def extra(tmp_path: Path) -> Path:
    path = tmp_path / "extra.ttl"
    path.write_text(EXTRA, encoding="utf-8")
    return path.resolve()


def one_error(result) -> str:
    """The error of a command that failed cleanly: exit code 2, one line, no traceback."""
    assert result.exit_code == 2, result.output
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and result.stderr.endswith(errors[0] + "\n"), result.stderr
    return errors[0]


def exports(project: Path) -> dict[str, bytes]:
    return {fmt: (project / "out" / f"{OUTPUT_STEM}.{fmt}").read_bytes() for fmt in EXPORT_FORMATS}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".lock")


def change_a_seed(project: Path) -> None:
    facts = project / "seeds" / "background.ttl"
    text = facts.read_text(encoding="utf-8")
    assert '"background knowledge"@en' in text
    facts.write_text(text.replace('"background knowledge"@en', '"background"@en'), encoding="utf-8")


def test_a_loaded_file_gone_bad_is_named_and_can_be_unloaded(cli, extra) -> None:
    assert cli("load", str(extra)).exit_code == 0
    extra.write_text(EXTRA + "kg:musk mg:controls ", encoding="utf-8")
    error = one_error(cli("query", "control"))
    assert error.startswith(f"Error: {extra}:6:")
    assert error.endswith(f"(a loaded file: fix it, or remove it with muskgraph unload {extra})")
    result = cli("unload", str(extra))
    assert result.exit_code == 0, result.output
    assert TESLA not in controlled_by_musk(cli)
    assert "https://w3id.org/muskgraph/id/spacex" in controlled_by_musk(cli)


def test_a_deleted_loaded_file_is_said_listed_as_missing_and_unloadable(cli, extra) -> None:
    assert cli("load", str(extra)).exit_code == 0
    extra.unlink()
    result = cli("query", "control", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert f"{extra}: a loaded file is missing" in result.stderr
    assert f"muskgraph unload {extra}" in result.stderr
    listed = cli("graphs")
    assert f"   missing  <{extra.as_uri()}>\n" in listed.stdout
    assert "building it" not in listed.stderr  # the store is current without the file
    assert cli("unload", str(extra)).exit_code == 0
    assert extra.as_uri() not in cli("graphs").stdout
    assert "missing" not in cli("build").stderr


def test_loads_kept_in_an_earlier_manifest_are_kept(cli, project_copy, extra) -> None:
    """A store of format 1 kept the loaded files in out/store.json alone."""
    assert cli("build").exit_code == 0
    manifest = project_copy / "out" / "store.json"
    entry = {"graph": extra.as_uri(), "path": str(extra), "fingerprint": [0, 0]}
    data = {**json.loads(manifest.read_text(encoding="utf-8")), "store_format": 1}
    manifest.write_text(json.dumps({**data, "loaded": [entry]}), encoding="utf-8")
    (project_copy / "out" / "loaded.json").unlink()
    assert TESLA in controlled_by_musk(cli)
    assert cli("build").exit_code == 0
    assert TESLA in controlled_by_musk(cli)


def muskgraph(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "graph", "--project", str(project), *args]


def test_a_load_killed_mid_way_keeps_every_earlier_load(project_copy, extra, tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT)}
    subprocess.run(muskgraph(project_copy, "load", str(extra)), check=True, env=env)
    large = tmp_path / "large.nt"
    with large.open("w", encoding="utf-8") as file:
        for i in range(100_000):
            file.write(f'<https://example.org/s{i}> <https://example.org/p> "value {i}" .\n')
    manifest = project_copy / "out" / "store.json"
    loading = subprocess.Popen(
        muskgraph(project_copy, "load", str(large)), env=env, stderr=subprocess.DEVNULL
    )
    while loading.poll() is None and manifest.exists():  # the store is being written
        time.sleep(0.005)
    loading.send_signal(signal.SIGKILL)
    assert loading.wait() == -signal.SIGKILL
    graphs = subprocess.run(
        muskgraph(project_copy, "graphs"), env=env, capture_output=True, text=True
    )
    assert graphs.returncode == 0, graphs.stderr
    assert f"<{extra.as_uri()}>" in graphs.stdout


def test_a_load_that_fails_unexpectedly_keeps_every_earlier_load(
    cli, extra, tmp_path, monkeypatch
) -> None:
    assert cli("load", str(extra)).exit_code == 0
    other = tmp_path / "other.ttl"
    other.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")

    def crash(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("graph.workspace.load_file", crash)
    assert isinstance(cli("load", str(other)).exception, MemoryError)
    monkeypatch.undo()
    assert TESLA in controlled_by_musk(cli)


@pytest.mark.parametrize("damaged", ["*.sst", "MANIFEST-*", "CURRENT"])
def test_a_damaged_store_is_rebuilt_with_every_loaded_file(
    cli, project_copy, extra, damaged
) -> None:
    assert cli("load", str(extra)).exit_code == 0
    victim = max((project_copy / "out" / "store").glob(damaged), key=lambda p: p.stat().st_size)
    os.truncate(victim, 5)
    result = cli("query", "-e", "SELECT ?o WHERE { kg:musk mg:controls ?o }", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "the store is damaged: Corruption" in result.stderr
    assert "building it" in result.stderr
    assert TESLA in result.stdout


def test_a_file_in_the_place_of_out_is_one_line(cli, project_copy, extra) -> None:
    out = project_copy / "out"
    out.write_text("not a directory", encoding="utf-8")
    for args in (["build"], ["query", "control"], ["graphs"], ["load", str(extra)]):
        error = one_error(cli(*args))
        assert error == f"Error: {out}: cannot write: a file is in the way of a directory"


@pytest.fixture
def tmpfs_out(project_copy: Path):
    """Mount a tmpfs of SIZE on out/ (root only); unmounted after the test."""
    out = project_copy / "out"
    out.mkdir()

    def mount(size: str) -> Path:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(out)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        return out

    yield mount
    subprocess.run(["umount", "--lazy", str(out)], capture_output=True)  # a store may be open


@pytest.mark.parametrize("lock_file", ["lock file", "no lock file"])
def test_a_read_only_out_is_read_and_refuses_writers_in_one_line(
    cli, extra, tmpfs_out, lock_file
) -> None:
    out = tmpfs_out("8m")
    assert cli("load", str(extra)).exit_code == 0
    if lock_file == "no lock file":
        (out / ".lock").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
    assert TESLA in controlled_by_musk(cli)
    assert f"<{extra.as_uri()}>" in cli("graphs").stdout
    for args in (["build"], ["load", str(extra)], ["unload", str(extra)]):
        assert one_error(cli(*args)) == f"Error: {out}: cannot write: Read-only file system"


def test_a_build_on_a_full_disk_leaves_the_earlier_outputs(cli, project_copy, tmpfs_out) -> None:
    out = tmpfs_out("8m")
    first = cli("build")
    assert first.exit_code == 0, first.stderr
    before = exports(project_copy)
    change_a_seed(project_copy)
    status = os.statvfs(out)
    filler = out / "filler"
    filler.write_bytes(b"\0" * (status.f_bavail * status.f_frsize - 300_000))
    result = cli("build")
    assert exports(project_copy) == before
    assert one_error(result).endswith(": cannot write: No space left on device")
    assert leftovers(out) == []
    filler.unlink()
    again = cli("build")
    assert again.exit_code == 0, again.stderr
    assert exports(project_copy) != before


def test_a_build_whose_last_writes_fail_replaces_no_output(cli, project_copy, monkeypatch) -> None:
    assert cli("build").exit_code == 0
    before = exports(project_copy)
    change_a_seed(project_copy)
    durable = os.fsync

    def full_at_n_triples(fd: int) -> None:  # the disk fills as the third export is written
        if f".{OUTPUT_STEM}.nt." in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        durable(fd)

    monkeypatch.setattr(os, "fsync", full_at_n_triples)
    result = cli("build")
    assert exports(project_copy) == before
    assert one_error(result) == (
        f"Error: {project_copy / 'out' / 'muskgraph.nt'}: cannot write: No space left on device"
    )
    assert leftovers(project_copy / "out") == []


def store_files(project: Path) -> int:
    """The sorted files the store is made of: each bulk load adds its own until merged."""
    return len(list((project / "out" / "store").glob("*.sst")))


def test_a_load_and_a_rebuild_leave_the_store_compacted(cli, project_copy, tmp_path) -> None:
    import pyoxigraph as ox

    from benchmarks.generate import write

    data = tmp_path / "generated.nt"
    write(data, 20_000)
    for command in (("load", str(data)), ("load", str(data)), ("build",)):
        assert cli(*command).exit_code == 0
        after = store_files(project_copy)
        store = ox.Store(str(project_copy / "out" / "store"))
        store.optimize()
        del store
        assert store_files(project_copy) == after, command  # nothing was left to merge


EVERY_TRIPLE = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
EVERY_TRIPLE_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
NO_LIMITS = ("--max-rows", "0", "--timeout", "0")
LIMITS = ("--max-rows", "10000000", "--timeout", "3600")


def test_an_answer_without_limits_is_written_as_it_comes(cli, tmp_path) -> None:
    import tracemalloc

    from benchmarks.generate import write

    data = tmp_path / "generated.nt"
    write(data, 50_000)
    assert cli("load", str(data)).exit_code == 0
    answers = {}
    for fmt, text in (("csv", EVERY_TRIPLE), ("ttl", EVERY_TRIPLE_GRAPH)):
        for name, limits in (("limited", LIMITS), ("streamed", NO_LIMITS)):
            output = tmp_path / f"{name}.{fmt}"
            tracemalloc.start()
            result = cli("query", "-e", text, "--format", fmt, *limits, "-o", str(output))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert result.exit_code == 0, result.output
            answers[name, fmt] = output.read_bytes(), peak
        (limited, held), (streamed, streamed_peak) = (
            answers["limited", fmt],
            answers["streamed", fmt],
        )
        assert streamed == limited and len(streamed) > 1_000_000
        assert held > len(limited) > 4 * streamed_peak, (fmt, held, streamed_peak)
