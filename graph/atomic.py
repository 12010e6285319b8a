"""Writing files so that readers see the old content or the new, never a part."""

from __future__ import annotations

import fcntl
import io
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

from graph.errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_error(path: Path, error: OSError) -> InputError:
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return InputError(f"{path}: cannot write: a file is in the way of a directory")
    reason = error.strerror or str(error).splitlines()[0]
    return InputError(f"{path}: cannot write: {reason}")


@contextmanager
def cannot_write(path: Path) -> Iterator[None]:
    """Turn an OSError while writing `path` (read-only, full, in the way) into one line."""
    try:
        yield
    except OSError as error:
        raise _write_error(path, error) from None


class _Target(io.FileIO):
    """The file being written, whose own failures (a full disk) say "cannot write" with
    the path written to; an OSError of the code that fills it (reading an input file)
    passes through as it is."""

    def __init__(self, file: int | Path, path: Path) -> None:
        super().__init__(file, "wb")
        self.target = path

    def write(self, data: bytes) -> int:
        try:
            return super().write(data)
        except OSError as error:
            raise _write_error(self.target, error) from None


def _open_target(file: int | Path, path: Path) -> BinaryIO:
    return io.BufferedWriter(_Target(file, path))


def make_directory(path: Path) -> None:
    with cannot_write(path):
        path.mkdir(parents=True, exist_ok=True)


@contextmanager
def _staged(path: Path) -> Iterator[tuple[BinaryIO, Callable[[], None]]]:
    """A temporary file beside `path` and the step that renames it over `path`; the
    temporary vanishes unless that step ran."""
    import tempfile  # only where a file is written

    make_directory(path.parent)
    with cannot_write(path):
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )

    def rename() -> None:
        with cannot_write(path):
            os.replace(temporary, path)

    try:
        with _open_target(handle, path) as file:
            yield file, rename
    finally:
        Path(temporary).unlink(missing_ok=True)


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file that replaces `path` when the block ends, and vanishes if it fails.

    A path that exists but is no regular file (/dev/null, a FIFO) is written in place:
    renaming over it would replace the device. Only a failure to write or rename the
    file is reported as one ("PATH: cannot write: …"); an error of the block's own
    passes through unchanged.
    """
    if path.exists() and not path.is_file():
        with cannot_write(path):
            target = _open_target(path, path)
        with target as file:
            yield file
        return
    with _staged(path) as (file, rename):
        yield file
        _finish(file, path)
        rename()


def _finish(file: BinaryIO, path: Path) -> None:
    """Make the written file durable, with the permissions a new file gets."""
    with cannot_write(path):
        file.flush()
        os.fsync(file.fileno())
        os.chmod(file.fileno(), 0o666 & ~_umask())  # mkstemp makes it private (0600)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a whole file atomically."""
    with atomic_writer(path) as file:
        file.write(data)


@contextmanager
def replacing_all(files: dict[Path, bytes]) -> Iterator[None]:
    """Write every file to a temporary first; when the block ends without error, rename
    them all into place. A full disk or a failed block leaves every file as it was."""
    with ExitStack() as stack:
        renames = []
        for path, data in files.items():
            file, rename = stack.enter_context(_staged(path))
            with cannot_write(path):
                file.write(data)
            _finish(file, path)
            renames.append(rename)
        yield
        for rename in renames:
            rename()


def _lock_handle(path: Path, exclusive: bool) -> int | None:
    """The lock file opened; a reader of a read-only `out/` opens it read-only, or goes
    without where it cannot be made (then no writer can make it either)."""
    if exclusive:
        make_directory(path.parent)
        with cannot_write(path.parent):
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            return os.open(path, flags, 0o666)
        except OSError:
            continue
    return None


@contextmanager
def locked(
    path: Path, exclusive: bool, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold an advisory lock on `path` (shared for readers, exclusive for writers).

    Waits for the lock; `on_wait` is called once if it has to.
    """
    handle = _lock_handle(path, exclusive)
    if handle is None:
        yield
        return
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, mode)
        yield
    finally:
        os.close(handle)  # closing the file releases the lock
