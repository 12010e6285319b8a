"""Where a project's ontology, queries, seed facts and outputs live."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from graph.errors import InputError

SHAPES_FILE = "shapes.ttl"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _is_project(directory: Path) -> bool:
    return all((directory / name).is_dir() for name in ("ontology", "queries", "seeds"))


class Project(NamedTuple):
    """A muskgraph project: data directories to read and an `out/` directory to write."""

    data_root: Path
    out_dir: Path

    @classmethod
    def locate(cls, explicit: Path | None = None, cwd: Path | None = None) -> Project:
        """The explicit directory, else the nearest project above `cwd`, else the bundled one.

        The bundled project is the one installed with the package (or the checkout the
        package runs from); its outputs go to `out/` under the working directory.
        """
        cwd = (cwd or Path.cwd()).resolve()
        if explicit is not None:
            if not _is_project(explicit):
                raise InputError(
                    f"{explicit}: not a muskgraph project (needs ontology/, queries/, seeds/)"
                )
            return cls(explicit.resolve(), explicit.resolve() / "out")
        for directory in (cwd, *cwd.parents):
            if _is_project(directory):
                return cls(directory, directory / "out")
        for directory in (_PACKAGE_DIR, _PACKAGE_DIR.parent):
            if _is_project(directory):
                return cls(directory, cwd / "out")
        raise InputError("no muskgraph project found: pass --project DIR")

    @property
    def ontology_dir(self) -> Path:
        return self.data_root / "ontology"

    @property
    def queries_dir(self) -> Path:
        return self.data_root / "queries"

    @property
    def seeds_dir(self) -> Path:
        return self.data_root / "seeds"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / SHAPES_FILE

    def ontology_files(self) -> list[Path]:
        return sorted(p for p in self.ontology_dir.glob("*.ttl") if p.name != SHAPES_FILE)

    def seed_files(self) -> list[Path]:
        """The Turtle files of seeds/ (background knowledge, hand-written sources)."""
        return sorted(self.seeds_dir.glob("*.ttl"))

    def sheet_files(self) -> list[Path]:
        """The claim sheets of seeds/: one source document each, beside its text."""
        return sorted(self.seeds_dir.glob("*.tsv"))

    def rule_files(self) -> list[Path]:
        """The inference rules: the `construct-*` queries, run at build."""
        return [path for path in self.query_files() if path.stem.startswith("construct-")]

    def query_files(self) -> list[Path]:
        return sorted(self.queries_dir.glob("*.rq"), key=lambda path: path.stem)
