"""The table format: as wide as the terminal, long values wrapped and never cut."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from conftest import NO_TIME_LIMIT

from graph.cli import main

QUOTES = (
    "SELECT ?status ?quote WHERE { ?claim mg:evidence/oa:hasSelector/oa:exact ?quote ; "
    "mg:attribution ?status } ORDER BY ?quote"
)


@pytest.fixture
def columns(built):
    """Run `muskgraph query ARGS` with $COLUMNS set (stdout is not a terminal here)."""

    def invoke(width: int | None, *args: str):
        env = {"COLUMNS": str(width) if width else None}  # None: not set
        runner = CliRunner(env=env)
        return runner.invoke(
            main, ["--project", str(built.data_root), "query", *args], default_map=NO_TIME_LIMIT
        )

    return invoke


def _csv(columns, *args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(columns(None, *args, "-f", "csv").stdout)))


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("width", [60, 100, 140])
def test_a_table_fits_the_width_and_wraps_every_quote_whole(columns, width) -> None:
    result = columns(width, "-e", QUOTES)
    assert result.exit_code == 0, result.output
    assert _widest(result.stdout) <= width
    header, _dashes, *body, count = result.stdout.splitlines()
    start = header.index("quote")
    statuses = {row["status"] for row in _csv(columns, "-e", QUOTES)}
    shown: list[list[str]] = []
    for line in body:
        if line[:start].strip():  # a row's first line: its status whole, never wrapped
            assert line[:start].strip() in {"mg:" + s.rpartition("#")[2] for s in statuses}
            shown.append([])
        shown[-1].append(line[start:].strip())
    quotes = [" ".join(row["quote"].split()) for row in _csv(columns, "-e", QUOTES)]
    assert [" ".join(lines) for lines in shown] == quotes
    assert any(len(lines) > 1 for lines in shown)  # some quote was wrapped, none cut
    assert count == f"({len(quotes)} rows)"


def test_a_table_that_cannot_fit_shows_each_row_as_a_record(columns) -> None:
    """The quick start's table: nine columns of IRIs and labels, and quotes."""
    result = columns(100, "vertical-integration")
    assert result.exit_code == 0, result.output
    assert _widest(result.stdout) <= 100
    records = result.stdout.split("-[ row ")[1:]
    rows = _csv(columns, "vertical-integration")
    assert len(records) == len(rows)
    label = max(map(len, rows[0]))
    for record, row in zip(records, rows, strict=True):
        values: dict[str, list[str]] = {}
        for line in record.splitlines()[1:]:
            name = line[:label].strip() or list(values)[-1]  # blank: the value goes on
            values.setdefault(name, []).append(line[label + 2 :])
        assert {name: " ".join(lines) for name, lines in values.items()}["quote"] == " ".join(
            row["quote"].split()
        )


def test_a_table_without_a_known_width_is_100_characters_at_most(columns) -> None:
    result = columns(None, "vertical-integration")
    assert result.exit_code == 0, result.output
    assert _widest(result.stdout) <= 100
    assert "…" not in result.stdout
