"""The project's Oxigraph store under `out/`: built, checked, extended, opened.

The store is a cache of the project's files and of the files loaded into it. A manifest
(`out/store.json`) records what it was built from; a store without a complete manifest,
built by another version, or older than its inputs is rebuilt, never used half-written.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from graph import __version__
from graph.atomic import locked, write_atomic
from graph.errors import InputError
from graph.project import Project
from graph.store.files import check_file, check_readable, load_file

STORE_FORMAT = 1
CHECKED_SIZE = 16 * 1024 * 1024
REBUILDS = 3  # a reader rebuilds a store this many times at most before it gives up


def _fingerprint(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def project_inputs(project: Project) -> dict[str, list[int]]:
    """Every file the store is built from, with its size and modification time."""
    files = [*project.ontology_files(), *project.seed_files(), *project.seeds_dir.glob("*.txt")]
    return {str(path): _fingerprint(path) for path in sorted(files)}


class Loaded(NamedTuple):
    """A file loaded into the store, in the named graph `graph`."""

    graph: str
    path: str
    fingerprint: list[int]


class Manifest(NamedTuple):
    inputs: dict[str, list[int]]
    graphs: dict[str, list[str]]  # named graph -> the project files in it
    loaded: tuple[Loaded, ...] = ()
    version: str = __version__
    store_format: int = STORE_FORMAT

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["loaded"] = tuple(Loaded(**entry) for entry in data.get("loaded", []))
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return None

    def write(self, path: Path) -> None:
        data = {**self._asdict(), "loaded": [entry._asdict() for entry in self.loaded]}
        write_atomic(path, json.dumps(data, indent=2, sort_keys=True).encode("utf-8"))

    def replacing(self, graph: str, entry: Loaded | None = None) -> Manifest:
        """The manifest with `entry` in place of what was loaded into `graph` (None: nothing)."""
        kept = tuple(e for e in self.loaded if e.graph != graph)
        return self._replace(loaded=(*kept, entry) if entry else kept)

    def is_current(self, project: Project) -> bool:
        if (self.version, self.store_format) != (__version__, STORE_FORMAT):
            return False
        if self.inputs != project_inputs(project):
            return False
        try:
            return all(_fingerprint(Path(e.path)) == e.fingerprint for e in self.loaded)
        except OSError:
            return False


def store_path(project: Project) -> Path:
    return project.out_dir / "store"


def manifest_path(project: Project) -> Path:
    return project.out_dir / "store.json"


def write_store(project: Project, assembled: ox.Store, graphs: dict[str, list[Path]]) -> None:
    """Write a fresh store of the assembled graphs and earlier loads, then swap it in.

    The manifest is removed first and written last, so a build that dies half-way
    leaves a store that the next command sees as incomplete and rebuilds.
    """
    previous = Manifest.read(manifest_path(project))
    kept = [e for e in (previous.loaded if previous else ()) if Path(e.path).is_file()]
    project.out_dir.mkdir(parents=True, exist_ok=True)
    _clear_leftovers(project)
    fresh = project.out_dir / f".store-{os.getpid()}"
    store = ox.Store(str(fresh))
    store.bulk_extend(assembled)
    loaded = []
    for entry in kept:
        load_file(store, Path(entry.path), entry.graph)
        loaded.append(entry._replace(fingerprint=_fingerprint(Path(entry.path))))
    store.flush()
    del store
    manifest_path(project).unlink(missing_ok=True)
    target = store_path(project)
    retired = project.out_dir / f".store-old-{os.getpid()}"
    if target.exists():
        target.rename(retired)
    fresh.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    Manifest(
        project_inputs(project),
        {g: [str(p) for p in paths] for g, paths in graphs.items()},
        tuple(loaded),
    ).write(manifest_path(project))


def lock_path(project: Project) -> Path:
    return project.out_dir / ".lock"


def is_current(project: Project) -> bool:
    manifest = Manifest.read(manifest_path(project))
    return manifest is not None and manifest.is_current(project) and store_path(project).is_dir()


Notice = Callable[[str], None]


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


@contextmanager
def reading(
    project: Project, rebuild: Callable[[Project], object], notice: Notice
) -> Iterator[None]:
    """Keep the store current, and unchanged by other processes, while the block reads it.

    The store is checked under the shared lock; a stale one is rebuilt under the
    exclusive lock, and then checked again under the shared one.
    """
    for _ in range(REBUILDS):
        with sharing(project, notice):
            if is_current(project):
                yield
                return
        with writing(project, notice):
            if not is_current(project):
                rebuild(project)
    raise InputError(
        f"{store_path(project)}: the store is out of date again as soon as it is built "
        "(is a loaded file still being written?)"
    )


def _clear_leftovers(project: Project) -> None:
    """Remove what runs that were killed left behind (callers hold the write lock)."""
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
    except OSError as error:
        raise InputError(f"{path}: cannot open the store: {error}") from None


def writable_store(project: Project, rebuild: Callable[[Project], object]) -> ox.Store:
    """The project's store opened for writing, rebuilt first when missing or stale
    (callers hold `writing`)."""
    if not is_current(project):
        rebuild(project)
    return open_store(project, writable=True)


def load(
    project: Project,
    files: list[Path],
    rebuild: Callable[[Project], object],
    progress: Callable[[Path], Callable[[int], None] | None] | None = None,
) -> list[str]:
    """Load RDF files into the store, each into the named graph of its file IRI.

    Files up to CHECKED_SIZE are parsed in full first, so a bad one leaves `out/` as it
    was; a larger bad file is taken out of the store again once its error shows (a second
    parse of a large file would cost as much as loading it).
    """
    for path in files:
        check_readable(path)
        if path.stat().st_size <= CHECKED_SIZE:
            check_file(path)
    store = writable_store(project, rebuild)
    manifest = Manifest.read(manifest_path(project))
    assert manifest is not None  # writable_store leaves a current manifest
    manifest_path(project).unlink()  # until it is back, the store counts as half-written
    graphs = []
    for path in files:
        graph = ox.NamedNode(path.resolve().as_uri())
        if store.contains_named_graph(graph):
            store.clear_graph(graph)
        try:
            load_file(store, path, graph.value, progress(path) if progress else None)
        except InputError:
            store.remove_graph(graph)
            manifest = manifest.replacing(graph.value)
            store.flush()
            manifest.write(manifest_path(project))
            raise
        entry = Loaded(graph.value, str(path.resolve()), _fingerprint(path))
        manifest = manifest.replacing(graph.value, entry)
        graphs.append(graph.value)
    store.flush()
    manifest.write(manifest_path(project))
    return graphs


def unload(project: Project, name: str, rebuild: Callable[[Project], object]) -> str:
    """Remove a loaded graph, named by its IRI or by its file's path."""
    manifest = Manifest.read(manifest_path(project))
    candidates = {name, Path(name).resolve().as_uri()} if not name.startswith("<") else {name[1:-1]}
    entries = [e for e in (manifest.loaded if manifest else []) if e.graph in candidates]
    if not entries:
        raise InputError(f"{name}: no such loaded graph (see `muskgraph graphs`)")
    store = writable_store(project, rebuild)
    manifest = Manifest.read(manifest_path(project))
    manifest_path(project).unlink()
    store.remove_graph(ox.NamedNode(entries[0].graph))
    store.flush()
    manifest.replacing(entries[0].graph).write(manifest_path(project))
    return entries[0].graph
