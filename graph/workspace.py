"""The project's Oxigraph store under `out/`: built, checked, extended, opened.

Two files say what the store holds. The record (`out/loaded.json`) lists the files the
user loaded; it is written, atomically, before the store is touched, so a command that
dies at any point loses nothing the user loaded. The manifest (`out/store.json`) says
what the store was built from; it is removed while the store changes and written last.
The store is a cache of the project's files and the record: one without a manifest that
matches them (half-written, built by another version, older than its inputs) or that
cannot be opened (damaged) is rebuilt from them, never used.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from graph import __version__
from graph.atomic import cannot_write, locked, make_directory, write_atomic
from graph.errors import InputError
from graph.project import Project
from graph.store.files import check_bounds, check_file, check_readable, load_file

STORE_FORMAT = 2
CHECKED_SIZE = 16 * 1024 * 1024
REBUILDS = 3  # a reader rebuilds a store this many times at most before it gives up

Notice = Callable[[str], None]


def _fingerprint(path: Path) -> list[int] | None:
    """A file's size and modification time; None when it is not there."""
    try:
        status = path.stat()
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns]


def project_inputs(project: Project) -> dict[str, list[int] | None]:
    """Every file the store is built from, with its size and modification time."""
    files = [
        *project.ontology_files(),
        *project.seed_files(),
        *project.sheet_files(),
        *project.rule_files(),
        *project.seeds_dir.glob("*.txt"),
    ]
    return {str(path): _fingerprint(path) for path in sorted(files)}


class Loaded(NamedTuple):
    """A file the user loaded, into the named graph `graph`."""

    graph: str
    path: str


def record_path(project: Project) -> Path:
    return project.out_dir / "loaded.json"


def manifest_path(project: Project) -> Path:
    return project.out_dir / "store.json"


def store_path(project: Project) -> Path:
    return project.out_dir / "store"


def lock_path(project: Project) -> Path:
    return project.out_dir / ".lock"


def read_record(project: Project) -> tuple[Loaded, ...]:
    """The files the user loaded, in the order they were loaded."""
    path = record_path(project)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return _record_in_manifest(project)
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    try:
        return tuple(Loaded(**entry) for entry in json.loads(text))
    except (ValueError, TypeError):
        raise InputError(
            f"{path}: not a record of loaded files (fix it, or remove it to forget them all)"
        ) from None


def _record_in_manifest(project: Project) -> tuple[Loaded, ...]:
    """What a manifest of STORE_FORMAT 1, from before the record, says was loaded."""
    try:
        data = json.loads(manifest_path(project).read_text(encoding="utf-8"))
        return tuple(Loaded(entry["graph"], entry["path"]) for entry in data["loaded"])
    except (OSError, ValueError, TypeError, KeyError):
        return ()


def write_record(project: Project, record: tuple[Loaded, ...]) -> None:
    data = [entry._asdict() for entry in record]
    write_atomic(record_path(project), json.dumps(data, indent=2).encode("utf-8"))


def _fingerprints(record: tuple[Loaded, ...]) -> dict[str, list[int] | None]:
    return {entry.path: _fingerprint(Path(entry.path)) for entry in record}


class Manifest(NamedTuple):
    inputs: dict[str, list[int] | None]
    graphs: dict[str, list[str]]  # named graph -> the project files in it
    loaded: dict[str, list[int] | None]  # loaded file -> its fingerprint (None: missing)
    version: str = __version__
    store_format: int = STORE_FORMAT

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def write(self, path: Path) -> None:
        write_atomic(path, json.dumps(self._asdict(), indent=2, sort_keys=True).encode("utf-8"))

    def is_current(self, project: Project, record: tuple[Loaded, ...]) -> bool:
        return (
            (self.version, self.store_format) == (__version__, STORE_FORMAT)
            and self.inputs == project_inputs(project)
            and self.loaded == _fingerprints(record)
        )


class Opened(NamedTuple):
    """The store, opened, with the manifest and record it was found current with: a
    command reads them once, when it checks the store."""

    store: ox.Store
    manifest: Manifest
    record: tuple[Loaded, ...]

    @property
    def missing(self) -> list[Loaded]:
        """The loaded files that were not there when the store was built or checked."""
        return [entry for entry in self.record if self.manifest.loaded.get(entry.path) is None]


def load_recorded(
    store: ox.Store, record: tuple[Loaded, ...], notice: Notice
) -> dict[str, list[int] | None]:
    """Load every file of the record that is there into `store`; say which are not.

    Returns each file's fingerprint, taken before it was read (None: missing)."""
    import shlex

    fingerprints: dict[str, list[int] | None] = {}
    for entry in record:
        path = Path(entry.path)
        remove = f"muskgraph unload {shlex.quote(entry.path)}"
        fingerprints[entry.path] = _fingerprint(path)
        if fingerprints[entry.path] is None:
            notice(
                f"{path}: a loaded file is missing: its graph is left out of the store "
                f"(restore it, or remove it with {remove})"
            )
            continue
        try:
            load_file(store, path, entry.graph)
        except InputError as error:
            raise InputError(
                f"{error} (a loaded file: fix it, or remove it with {remove})"
            ) from None
    return fingerprints


def compact(store: ox.Store) -> None:
    """Write the store to disk and merge the files a bulk load leaves behind.

    Each bulk load adds its own sorted files and a reload leaves the old graph's deletions
    beside them; queries read every one until they are merged. docs/benchmarks.md gives
    what merging costs and saves (a few milliseconds on the project's own graphs).
    """
    store.flush()
    store.optimize()


def write_store(
    project: Project, assembled: ox.Store, graphs: dict[str, list[Path]], notice: Notice
) -> None:
    """Write a fresh store of the assembled graphs and the loaded files, then swap it in.

    The old store stays until the new one is whole. The manifest is removed just before
    the swap and written after it, so a build that dies half-way leaves a store that the
    next command sees as incomplete and rebuilds.
    """
    record = read_record(project)
    make_directory(project.out_dir)
    if not record_path(project).exists():  # a store of STORE_FORMAT 1 kept it in its manifest
        write_record(project, record)
    import shutil

    fresh = project.out_dir / f".store-{os.getpid()}"
    try:
        with cannot_write(store_path(project)):
            store = ox.Store(str(fresh))
            store.bulk_extend(assembled)
            loaded = load_recorded(store, record, notice)
            compact(store)
            del store
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    manifest_path(project).unlink(missing_ok=True)
    target = store_path(project)
    retired = project.out_dir / f".store-old-{os.getpid()}"
    if target.exists():
        target.rename(retired)
    fresh.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    files = {graph: [str(path) for path in paths] for graph, paths in graphs.items()}
    Manifest(project_inputs(project), files, loaded).write(manifest_path(project))


def _waiting(notice: Notice) -> Callable[[], None]:
    return lambda: notice("waiting for another muskgraph process to finish with out/")


@contextmanager
def writing(project: Project, notice: Notice) -> Iterator[None]:
    """Hold the project's outputs for one writer: builds and loads never interleave."""
    with locked(lock_path(project), exclusive=True, on_wait=_waiting(notice)):
        yield


@contextmanager
def sharing(project: Project, notice: Notice) -> Iterator[None]:
    """Keep the project's outputs unchanged by writers while the block reads them."""
    with locked(lock_path(project), exclusive=False, on_wait=_waiting(notice)):
        yield


def _opened(
    project: Project,
    writable: bool,
    notice: Notice | None = None,
    record: tuple[Loaded, ...] | None = None,
) -> Opened | None:
    """The store if it is current and opens; None when it must be rebuilt (a damaged
    store is said to be so, to `notice`). `record` is the record, if the caller has
    read it already."""
    manifest = Manifest.read(manifest_path(project))
    if manifest is None or not store_path(project).is_dir():
        return None
    record = read_record(project) if record is None else record
    if not manifest.is_current(project, record):
        return None
    path = str(store_path(project))
    try:
        store = ox.Store(path) if writable else ox.Store.read_only(path)
    except (OSError, RuntimeError) as error:  # RuntimeError: "Corruption: …"
        if notice:
            notice(f"{path}: the store is damaged: {str(error).splitlines()[0]}")
        return None
    return Opened(store, manifest, record)


@contextmanager
def reading(
    project: Project, rebuild: Callable[[Project], object], notice: Notice
) -> Iterator[Opened]:
    """The store, opened read-only, kept current and unchanged by other processes while
    the block reads it.

    The store is checked under the shared lock; a stale or damaged one is rebuilt under
    the exclusive lock, and then checked again under the shared one.
    """
    for _ in range(REBUILDS):
        with sharing(project, notice):
            opened = _opened(project, writable=False)
            if opened is not None:
                yield opened
                return
        with writing(project, notice):
            if _opened(project, writable=False, notice=notice) is None:
                rebuild(project)
    raise _stale_again(project)


def _stale_again(project: Project) -> InputError:
    return InputError(
        f"{store_path(project)}: the store is out of date again as soon as it is built "
        "(is a loaded file still being written?)"
    )


def clear_leftovers(project: Project) -> None:
    """Remove what runs that were killed left behind (callers hold the write lock)."""
    import shutil

    for path in project.out_dir.glob(".store-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in project.out_dir.glob(".*.tmp"):
        path.unlink(missing_ok=True)


def open_store(project: Project, writable: bool = False) -> ox.Store:
    """The project's store as it is: callers hold `reading`, which keeps it current, or
    `writing` and call `writable_store`."""
    path = str(store_path(project))
    try:
        return ox.Store(path) if writable else ox.Store.read_only(path)
    except (OSError, RuntimeError) as error:
        raise InputError(f"{path}: cannot open the store: {error}") from None


def writable_store(
    project: Project, rebuild: Callable[[Project], object], notice: Notice
) -> Opened:
    """The project's store opened for writing, rebuilt first when missing, stale or
    damaged (callers hold `writing`)."""
    opened = _opened(project, writable=True, notice=notice)
    if opened is not None:
        return opened
    rebuild(project)
    opened = _opened(project, writable=True, notice=notice)
    if opened is None:
        raise _stale_again(project)
    return opened


def load(
    project: Project,
    files: list[Path],
    rebuild: Callable[[Project], object],
    notice: Notice,
    progress: Callable[[Path], Callable[[int], None] | None] | None = None,
) -> list[str]:
    """Load RDF files into the store, each into the named graph of its file IRI.

    Files up to CHECKED_SIZE are parsed in full first, and every file is checked against
    the reading bounds, before the store is opened: a bad one leaves `out/` as it was. A
    larger file is not parsed twice (that would cost as much as loading it): if it turns
    out bad, the graphs this load added are taken out again, and the graph it replaces is
    gone.
    """
    for path in files:  # a full parse checks the bounds too
        check_readable(path)
        (check_file if path.stat().st_size <= CHECKED_SIZE else check_bounds)(path)
    store, manifest, earlier = writable_store(project, rebuild, notice)
    replaced = {entry.graph for entry in earlier}
    entries = {p.resolve().as_uri(): Loaded(p.resolve().as_uri(), str(p.resolve())) for p in files}
    write_record(project, _replacing(earlier, entries.values()))
    manifest_path(project).unlink()  # until it is back, the store counts as half-written
    fingerprints = dict(manifest.loaded)
    done: list[Loaded] = []
    with cannot_write(store_path(project)):
        for entry in entries.values():
            path, graph = Path(entry.path), ox.NamedNode(entry.graph)
            fingerprint = _fingerprint(path)
            store.remove_graph(graph)
            try:
                load_file(
                    store, path, entry.graph, progress(path) if progress else None, bounded=True
                )
            except InputError:
                kept = [e for e in done if e.graph in replaced]  # the new ones go again
                for gone in (entry, *(e for e in done if e not in kept)):
                    store.remove_graph(ox.NamedNode(gone.graph))
                    fingerprints.pop(gone.path, None)
                store.flush()
                before = tuple(e for e in earlier if e.graph != entry.graph)
                write_record(project, _replacing(before, kept))
                manifest._replace(loaded=fingerprints).write(manifest_path(project))
                raise
            fingerprints[entry.path] = fingerprint
            done.append(entry)
        compact(store)
    manifest._replace(loaded=fingerprints).write(manifest_path(project))
    return list(entries)


def _replacing(record: tuple[Loaded, ...], entries: Iterable[Loaded]) -> tuple[Loaded, ...]:
    """The record with `entries` in place of what was loaded into their graphs."""
    graphs = {entry.graph for entry in entries}
    return (*(e for e in record if e.graph not in graphs), *entries)


def find_loaded(record: tuple[Loaded, ...], name: str) -> Loaded:
    """The loaded graph named by its IRI (bare or in `<>`) or by its file's path."""
    candidates = {name, Path(name).resolve().as_uri()} if not name.startswith("<") else {name[1:-1]}
    for entry in record:
        if entry.graph in candidates:
            return entry
    raise InputError(f"{name}: no such loaded graph (see `muskgraph graphs`)")


def unload(project: Project, name: str) -> str:
    """Remove a loaded graph, named by its IRI or by its file's path.

    Works whatever state the store is in: the record is written first; a current store
    loses the graph at once, any other is rebuilt without it by the next command.
    """
    record = read_record(project)
    gone = find_loaded(record, name)  # before the store is opened: a mistake changes nothing
    opened = _opened(project, writable=True, record=record)
    write_record(project, tuple(e for e in record if e != gone))
    if opened is None:
        return gone.graph
    manifest_path(project).unlink()
    with cannot_write(store_path(project)):
        opened.store.remove_graph(ox.NamedNode(gone.graph))
        opened.store.flush()
    loaded = {path: f for path, f in opened.manifest.loaded.items() if path != gone.path}
    opened.manifest._replace(loaded=loaded).write(manifest_path(project))
    return gone.graph
