"""Files written whole or not at all, and a failure named for what failed: writing the
file, or the work that fills it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.atomic import atomic_writer
from graph.errors import InputError


def test_an_error_of_the_work_that_fills_the_file_is_not_called_a_write_error(tmp_path) -> None:
    target = tmp_path / "answer.csv"
    missing = tmp_path / "missing.nt"
    with pytest.raises(FileNotFoundError) as raised, atomic_writer(target) as file:
        file.write(b"half of it")
        missing.read_bytes()
    assert raised.value.filename == str(missing)
    assert list(tmp_path.iterdir()) == []  # no answer and no temporary left


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_a_write_error_naming_the_file() -> None:
    target = Path("/dev/full")  # every write fails with ENOSPC
    full = r"^/dev/full: cannot write: No space left on device$"
    with pytest.raises(InputError, match=full), atomic_writer(target) as file:
        file.write(b"x" * 100_000)  # past the buffer: the write itself fails


def test_a_file_that_cannot_be_put_in_place_is_a_write_error(tmp_path, monkeypatch) -> None:
    target = tmp_path / "answer.csv"
    target.write_bytes(b"the old answer")

    def refuse(source: str, destination: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    refused = rf"^{target}: cannot write: Permission denied$"
    with pytest.raises(InputError, match=refused), atomic_writer(target) as file:
        file.write(b"the new answer")
    assert os.listdir(tmp_path) == ["answer.csv"]  # the temporary is gone
    assert target.read_bytes() == b"the old answer"
