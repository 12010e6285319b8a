"""Grounding: every quoted span must stand, verbatim, at its offsets in its source document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from graph.errors import InputError, QuoteMismatch
from graph.namespaces import bind_prefixes

_QUOTES = """
SELECT ?claim ?evidence ?file ?exact ?start ?end WHERE {
  ?evidence oa:hasSource ?source ;
            oa:hasSelector ?quote, ?position .
  ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
  ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
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


def find_mismatches(
    dataset: Dataset, seeds_dir: Path, origins: dict[URIRef, Path] | None = None
) -> list[Mismatch]:
    """Every claim whose quote does not match its source text at its offsets."""
    origins = origins or {}
    texts: dict[str, str] = {}
    namespaces = bind_prefixes(Graph()).namespace_manager
    mismatches = []
    for row in dataset.query(_QUOTES, initNs=dict(namespaces.namespaces())):
        source_file = seeds_dir / str(row.file)
        if str(row.file) not in texts:
            try:
                texts[str(row.file)] = source_file.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise InputError(f"{source_file}: source document not found") from None
            except (OSError, UnicodeDecodeError) as error:
                raise InputError(f"{source_file}: cannot read: {error}") from None
        start, end = int(row.start), int(row.end)
        if texts[str(row.file)][start:end] != str(row.exact):
            node = row.claim if row.claim is not None else row.evidence
            mismatches.append(
                Mismatch(
                    claim=node.n3(namespaces),
                    turtle_file=_origin(dataset, node, origins),
                    source_file=source_file,
                    exact=str(row.exact),
                    start=start,
                    end=end,
                )
            )
    return mismatches


def _origin(dataset: Dataset, node: URIRef, origins: dict[URIRef, Path]) -> Path | None:
    for graph in dataset.graphs():
        if (node, None, None) in graph and graph.identifier in origins:
            return origins[graph.identifier]
    return None


def check_quotes(
    dataset: Dataset, seeds_dir: Path, origins: dict[URIRef, Path] | None = None
) -> None:
    """Raise QuoteMismatch naming the first bad quote (and how many more there are)."""
    mismatches = find_mismatches(dataset, seeds_dir, origins)
    if mismatches:
        more = f" (and {len(mismatches) - 1} more)" if len(mismatches) > 1 else ""
        raise QuoteMismatch(f"{mismatches[0]}{more}")
