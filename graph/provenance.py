"""Grounding: every quoted span must stand, verbatim, at its offsets in its source document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.errors import InputError, QuoteMismatch
from graph.query import Engine

_QUOTES = """
SELECT ?claim ?evidence ?file ?exact ?start ?end ?graph WHERE {
  GRAPH ?graph {
    ?evidence oa:hasSource ?source ;
              oa:hasSelector ?quote, ?position .
    ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
    ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  }
  ?source mg:localFile ?file .
  OPTIONAL { ?claim mg:evidence ?evidence }
}
ORDER BY ?claim ?evidence
"""


@dataclass(frozen=True)
class Mismatch:
    """A quote that is not where its selectors say."""

    claim: str
    turtle_file: Path | None
    source_file: Path
    exact: str
    start: int
    end: int

    def __str__(self) -> str:
        where = f"{self.turtle_file}: " if self.turtle_file else ""
        return (
            f"{where}{self.claim}: quote {_shorten(self.exact)!r} is not at "
            f"{self.start}-{self.end} of {self.source_file}{self._hint()}"
        )

    def _hint(self) -> str:
        try:
            found = self.source_file.read_text(encoding="utf-8").find(self.exact)
        except OSError:
            return ""
        if found < 0:
            return " (nor anywhere in it)"
        return f" (it is at {found}-{found + len(self.exact)})"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _offset(value: str, node: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InputError(f"{node}: offset {value!r} is not a whole number") from None


def find_mismatches(
    engine: Engine, seeds_dir: Path, origins: dict[str, Path] | None = None
) -> list[Mismatch]:
    """Every claim whose quote does not match its source text at its offsets.

    `origins` maps named graphs to the Turtle file they came from, for the messages.
    """
    origins = origins or {}
    texts: dict[str, str] = {}
    mismatches = []
    for claim, evidence, file, exact, start, end, graph in engine.query(_QUOTES, "<quotes>").rows():
        if file.value in ("", ".", "..") or Path(file.value).name != file.value:
            raise InputError(
                f"{(claim or evidence).text()}: mg:localFile {file.value!r} is not a file "
                f"name under {seeds_dir}"
            )
        source_file = seeds_dir / file.value
        if file.value not in texts:
            try:
                texts[file.value] = source_file.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise InputError(f"{source_file}: source document not found") from None
            except (OSError, UnicodeDecodeError) as error:
                raise InputError(f"{source_file}: cannot read: {error}") from None
        node = (claim or evidence).text()
        first, last = _offset(start.value, node), _offset(end.value, node)
        if texts[file.value][first:last] != exact.value:
            mismatches.append(
                Mismatch(node, origins.get(graph.value), source_file, exact.value, first, last)
            )
    return mismatches


def check_quotes(engine: Engine, seeds_dir: Path, origins: dict[str, Path] | None = None) -> None:
    """Raise QuoteMismatch naming the first bad quote (and how many more there are)."""
    mismatches = find_mismatches(engine, seeds_dir, origins)
    if mismatches:
        more = f" (and {len(mismatches) - 1} more)" if len(mismatches) > 1 else ""
        raise QuoteMismatch(f"{mismatches[0]}{more}")
