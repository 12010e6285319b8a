"""The embedded store: rdflib's answers, loaded data, never a stale or half-built store."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from graph import workspace
from graph.errors import InputError
from graph.project import Project
from graph.query import library, run
from graph.store.serialize import NON_ASCII_SPACE
from graph.workspace import REBUILDS, manifest_path, reading, store_path

EXTRA = """\
@prefix kg: <https://w3id.org/muskgraph/id/> .
@prefix mg: <https://w3id.org/muskgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:tesla a mg:Company ; rdfs:label "Tesla"@en, "Tesla"@de .
kg:musk mg:controls kg:tesla .
"""


def answer_of(engine, query) -> Counter | bool:
    """An answer as a multiset of rows (or triples) in N-Triples syntax, or a boolean."""
    answer = run(engine, query)
    if answer.form == "ASK":
        return answer.boolean()
    items = answer.triples() if answer.form == "CONSTRUCT" else answer.rows()
    return Counter(tuple(t.n3() if t else None for t in item) for item in items)


def test_every_query_gives_the_same_answer_in_both_stores(project, store_engine, memory_engine):
    for name, query in library(project).items():
        assert answer_of(store_engine, query) == answer_of(memory_engine, query), name


def test_ordered_queries_keep_their_order_in_both_stores(project, store_engine, memory_engine):
    for name in ("timeline", "claim-counts"):
        query = library(project)[name]
        orders = []
        for engine in (store_engine, memory_engine):
            answer = run(engine, query)
            orders.append([row[0].n3() for row in answer.rows()])
        assert orders[0] == orders[1], name


@pytest.fixture
def extra(tmp_path: Path) -> Path:
    path = tmp_path / "extra.ttl"
    path.write_text(EXTRA, encoding="utf-8")
    return path


def controlled_by_musk(cli, *args: str) -> str:
    result = cli("query", "-e", "SELECT ?o WHERE { kg:musk mg:controls ?o }", "-f", "csv", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_loaded_data_is_queried_and_unloaded_again(cli, extra) -> None:
    assert "tesla" not in controlled_by_musk(cli)
    result = cli("load", str(extra))
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f"loaded <{extra.resolve().as_uri()}>\n")
    assert "https://w3id.org/muskgraph/id/tesla" in controlled_by_musk(cli)
    assert extra.resolve().as_uri() in cli("graphs").stdout
    assert "tesla" in controlled_by_musk(cli, "--store", "memory")
    assert cli("unload", str(extra)).exit_code == 0
    assert "tesla" not in controlled_by_musk(cli)


def test_loaded_data_survives_a_rebuild(cli, extra) -> None:
    assert cli("load", str(extra)).exit_code == 0
    assert cli("build").exit_code == 0
    assert "tesla" in controlled_by_musk(cli)


def test_a_malformed_file_is_not_loaded(cli, project_copy, tmp_path) -> None:
    assert cli("build").exit_code == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    result = cli("load", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:1:")
    assert len(result.stderr.splitlines()) == 1
    assert "spacex" in controlled_by_musk(cli)
    assert bad.resolve().as_uri() not in cli("graphs").stdout


@pytest.mark.parametrize("parsed_first", [True, False], ids=["small", "large"])
def test_a_bad_file_leaves_none_of_the_files_loaded_with_it(
    cli, extra, tmp_path, monkeypatch, parsed_first
) -> None:
    if not parsed_first:  # as a file too large to be parsed before it is loaded
        monkeypatch.setattr(workspace, "CHECKED_SIZE", 0)
    assert cli("build").exit_code == 0
    graphs = cli("graphs").stdout
    bad = tmp_path / "bad.ttl"
    bad.write_text(EXTRA + "kg:musk mg:controls ", encoding="utf-8")  # bad at its end
    result = cli("load", str(extra), str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:6:")
    assert cli("graphs").stdout == graphs
    assert "tesla" not in controlled_by_musk(cli)


def test_a_reloaded_file_gone_bad_leaves_what_it_replaces(cli, extra) -> None:
    assert cli("load", str(extra)).exit_code == 0
    extra.write_text(EXTRA + "kg:musk mg:controls ", encoding="utf-8")
    result = cli("load", str(extra))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {extra}:6:")
    extra.write_text(EXTRA, encoding="utf-8")  # as it was loaded: the store is current
    assert "tesla" in controlled_by_musk(cli)


def test_data_files_are_queried_without_touching_the_project(cli, project_copy, extra) -> None:
    result = cli("query", "-e", "SELECT ?o WHERE { kg:musk mg:controls ?o }", "--data", str(extra))
    assert result.exit_code == 0, result.output
    assert "kg:tesla" in result.stdout and "kg:spacex" not in result.stdout
    assert not (project_copy / "out").exists()


def test_paths_read_data_files_too(cli, tmp_path) -> None:
    lines = tmp_path / "lines.ttl"
    lines.write_text(
        "@prefix kg: <https://w3id.org/muskgraph/id/> .\n"
        "@prefix mg: <https://w3id.org/muskgraph/ontology#> .\n"
        "kg:a mg:feeds kg:b . kg:b mg:feeds kg:c .\n",
        encoding="utf-8",
    )
    result = cli("paths", "kg:a", "kg:c", "--data", str(lines))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("path 1: a -> b -> c\n  1. kg:a feeds kg:b\n")


def test_a_changed_seed_makes_the_store_rebuild(cli, project_copy) -> None:
    assert cli("build").exit_code == 0
    facts = project_copy / "seeds" / "background.ttl"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace('"Elon Musk"@en', '"Elon R. Musk"@en'),
        encoding="utf-8",
    )
    result = cli("query", "-e", "SELECT ?l WHERE { kg:musk rdfs:label ?l }", "-f", "csv")
    assert "building it" in result.stderr


@pytest.mark.parametrize("damage", ["no manifest", "other version", "store missing"])
def test_a_half_built_or_foreign_store_is_rebuilt(cli, project_copy, damage) -> None:
    assert cli("build").exit_code == 0
    project = Project.locate(project_copy)
    manifest = manifest_path(project)
    if damage == "no manifest":  # what a build killed before its last step leaves
        manifest.unlink()
    elif damage == "other version":
        data = json.loads(manifest.read_text(encoding="utf-8"))
        manifest.write_text(json.dumps({**data, "store_format": 0}), encoding="utf-8")
    else:
        for path in sorted(store_path(project).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        store_path(project).rmdir()
    result = cli("query", "control", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "building it" in result.stderr
    assert "https://w3id.org/muskgraph/id/spacex" in result.stdout


def test_n_triples_output_escapes_all_the_white_space_rdflib_stops_at() -> None:
    spaces = {chr(c) for c in range(0x80, sys.maxunicode + 1) if chr(c).isspace()}
    assert set(NON_ASCII_SPACE) == spaces


def test_a_store_that_stays_stale_is_given_up_after_a_few_rebuilds(project_copy) -> None:
    project = Project.locate(project_copy)
    rebuilds: list[Project] = []  # a rebuild that never makes the store current
    stale = pytest.raises(InputError, match="out of date again as soon as it is built")
    with stale, reading(project, rebuilds.append, lambda message: None):
        pytest.fail("read a stale store")
    assert len(rebuilds) == REBUILDS


def test_the_memory_store_refuses_a_graph_past_its_size(cli, monkeypatch) -> None:
    import graph.sources

    built = cli("build")
    assert built.exit_code == 0, built.output
    monkeypatch.setattr(graph.sources, "MEMORY_STORE_TRIPLES", 100)
    result = cli("query", "control", "--store", "memory")
    assert result.exit_code == 2, result.output
    assert re.fullmatch(
        r"Error: --store memory holds at most 100 triples and the graph has [\d,]+: "
        r"use the Oxigraph store \(--store oxigraph, the default\)\n",
        result.stderr,
    )
    assert result.stdout == ""
    assert cli("query", "control").exit_code == 0  # the Oxigraph store answers it
