"""The command line: exit codes, one-line errors, help, and output that pipes."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import snapshot
from rdflib.query import Result

from graph.cli import main

COMMANDS = main.list_commands(click.Context(main))


def assert_clean_error(result, exit_code: int, message: str) -> None:
    """One line on stderr, the expected exit code, no traceback."""
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [message]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    for flag in ("-h", "--help"):
        result = CliRunner().invoke(main, [command, flag])
        assert result.exit_code == 0, result.output
        summary = main.get_command(click.Context(main), command).help.splitlines()[0]
        assert summary in result.output
        assert result.output.startswith(f"Usage: muskgraph {command} ")


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graph", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("muskgraph, version ")


def test_the_command_ends_with_its_exit_code_and_its_output_whole(tmp_path) -> None:
    """`muskgraph` ends the process without tearing the interpreter down: what it wrote
    must still arrive, and its exit code too."""
    listing = subprocess.run([sys.executable, "-m", "graph", "queries"], capture_output=True)
    assert listing.returncode == 0
    assert listing.stdout.endswith(b"\n") and b"vertical-integration" in listing.stdout
    unknown = subprocess.run(
        [sys.executable, "-m", "graph", "query", "no-such-query"], capture_output=True, text=True
    )
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines() == [
        "Error: unknown query 'no-such-query' (see `muskgraph queries`)"
    ]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_standard_output_is_one_line_of_error(tmp_path) -> None:
    data = tmp_path / "data.ttl"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n")
    query = [sys.executable, "-m", "graph", "query", "-e", "SELECT * { ?s ?p ?o }", "-d", data]
    with open("/dev/full", "wb") as full:
        result = subprocess.run(query, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        "Error: standard output: cannot write: No space left on device"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["query", "control", "--frmat", "csv"],
            "Error: No such option '--frmat'. (Did you mean one of: '--data', '--format'?) "
            "(see muskgraph query --help)",
        ),
        (["frob"], "Error: No such command 'frob'. (see muskgraph --help)"),
        (["--bogus", "queries"], "Error: No such option '--bogus'. (see muskgraph --help)"),
        (
            ["query", "--format"],
            "Error: Option '--format' requires an argument. (see muskgraph query --help)",
        ),
        (
            ["paths", "kg:rockets"],
            "Error: give both START and END, or neither (see muskgraph paths --help)",
        ),
        (
            ["load"],
            "Error: Missing argument 'FILES...'. (see muskgraph load --help)",
        ),
        (
            ["export", "--format", "xml"],
            "Error: Invalid value for '-f' / '--format': 'xml' is not one of 'ttl', 'trig', "
            "'nt', 'jsonld'. (see muskgraph export --help)",
        ),
    ],
)
def test_usage_errors_are_one_line_with_where_help_is(cli, args, message) -> None:
    assert_clean_error(cli(*args), 2, message)


def test_unknown_query_name(cli) -> None:
    assert_clean_error(
        cli("query", "no-such-query"),
        2,
        "Error: unknown query 'no-such-query' (see `muskgraph queries`)",
    )


def test_a_mistyped_query_name_gets_the_closest_name(cli) -> None:
    assert_clean_error(
        cli("query", "contrl"),
        2,
        "Error: unknown query 'contrl': did you mean control? (see `muskgraph queries`)",
    )


def test_missing_query_file(cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.rq"
    assert_clean_error(cli("query", str(missing)), 2, f"Error: {missing}: no such query file")


def test_bad_sparql_names_file_line_and_column(cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("# broken\nSELECT ?x WHERE {\n  ?x ?y\n}\n", encoding="utf-8")
    result = cli("query", str(bad))
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"Error: {re.escape(str(bad))}:\d+:\d+: SPARQL syntax error: .+\n", result.stderr
    )
    assert len(result.stderr.splitlines()) == 1


def test_inline_query_with_unknown_prefix(cli) -> None:
    result = cli("query", "-e", "SELECT ?x WHERE { ?x a nope:Thing }")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: <inline>")
    assert len(result.stderr.splitlines()) == 1


def test_query_needs_exactly_one_query(cli) -> None:
    result = cli("query")
    assert result.exit_code == 2
    assert "give a query NAME, FILE or `-`, or -e TEXT" in result.stderr


def test_param_that_tries_to_inject_sparql_is_refused(cli) -> None:
    assert_clean_error(
        cli("query", "claims-by-attribution", "--param", 'attribution="x" } } DROP ALL { {'),
        2,
        "Error: --param value '\"x\" } } DROP ALL { {' is not a single RDF term",
    )


def test_param_for_a_variable_the_query_lacks(cli) -> None:
    result = cli("query", "control", "--param", "nosuch=kg:spacex")
    assert result.exit_code == 2
    assert result.stderr.endswith("control.rq: the query has no variable ?nosuch to bind\n")


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_param_for_a_variable_outside_the_projection_is_refused_on_both_engines(cli, store) -> None:
    query = "SELECT ?operator WHERE { ?line mg:operatedBy ?operator }"
    result = cli("query", "-e", query, "--param", "line=kg:starlink", "--store", store)
    assert_clean_error(
        result,
        2,
        "Error: <inline>: ?line is not in the SELECT projection: only projected variables "
        "can be bound with --param",
    )


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_a_projected_param_gives_one_answer_on_both_engines(cli, store) -> None:
    query = "SELECT ?line ?operator WHERE { ?line mg:operatedBy ?operator }"
    args = ["query", "-e", query, "--param", "line=kg:starlink", "-f", "csv"]
    result = cli(*args, "--store", store)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "line,operator",
        "https://w3id.org/muskgraph/id/starlink,https://w3id.org/muskgraph/id/spacex",
    ]


def test_a_param_bound_as_text_that_names_a_node_is_warned_of(cli) -> None:
    result = cli("query", "evidence", "--param", "subject=spacex-xai-merger", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        "warning: --param subject=spacex-xai-merger is bound as the text "
        '"spacex-xai-merger"; did you mean kg:spacex-xai-merger?'
    )
    status = cli(
        "query", "claims-by-attribution", "--param", "attribution=AnonymousSources", "-f", "csv"
    )
    assert status.stderr.splitlines()[-1].endswith("did you mean mg:AnonymousSources?")
    plain = cli("query", "evidence", "--param", "subject=no-such-node", "-f", "csv")
    assert "warning" not in plain.stderr
    named = cli("query", "evidence", "--param", "subject=kg:spacex-xai-merger", "-f", "csv")
    assert "warning" not in named.stderr


def test_result_format_that_does_not_fit_the_query_form(cli) -> None:
    result = cli("query", "-e", "CONSTRUCT WHERE { ?s mg:controls ?o }", "--format", "csv")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --format csv is for SELECT and ASK")


def test_missing_project_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--project", str(tmp_path), "queries"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {tmp_path}: not a muskgraph project (needs ontology/, queries/, seeds/)"
    )


def test_malformed_seed_turtle_names_file_line_and_column(cli, project_copy: Path) -> None:
    assert cli("build").exit_code == 0
    before = snapshot(project_copy / "out")
    broken = project_copy / "seeds" / "broken.ttl"
    broken.write_text(
        '@prefix kg: <https://w3id.org/muskgraph/id/> .\nkg:a kg:b "open .\n', encoding="utf-8"
    )
    result = cli("build")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {broken}:2:")
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(project_copy / "out") == before


def test_seed_without_a_source_is_refused(cli, project_copy: Path) -> None:
    orphan = project_copy / "seeds" / "orphan.ttl"
    orphan.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    result = cli("build")
    assert result.exit_code == 2
    assert "must declare exactly one source" in result.stderr


def test_select_results_in_w3c_formats(cli) -> None:
    as_json = json.loads(cli("query", "control", "--format", "json").stdout)
    assert as_json["head"]["vars"][:2] == ["controller", "controllerLabel"]
    rows = list(csv.DictReader(io.StringIO(cli("query", "control", "--format", "csv").stdout)))
    assert len(rows) == len(as_json["results"]["bindings"]) > 0
    tsv = cli("query", "control", "--format", "tsv").stdout
    assert tsv.splitlines()[0].split("\t")[:2] == ["?controller", "?controllerLabel"]
    from_tsv = Result.parse(io.StringIO(tsv), format="tsv")
    from_json = Result.parse(io.StringIO(json.dumps(as_json)), format="json")
    assert sorted(map(tuple, from_tsv)) == sorted(map(tuple, from_json))
    xml = cli("query", "control", "--format", "xml").stdout
    assert "http://www.w3.org/2005/sparql-results#" in xml


def test_ask_and_construct(cli) -> None:
    assert cli("query", "-e", "ASK { kg:musk mg:controls kg:spacex }").stdout == "yes\n"
    turtle = cli("query", "-e", "CONSTRUCT WHERE { kg:musk mg:controls ?o }").stdout
    assert "kg:musk mg:controls" in turtle


def test_query_from_standard_input(cli) -> None:
    result = cli(
        "query", "-", "--format", "csv", input="SELECT ?o WHERE { kg:musk mg:controls ?o }"
    )
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/muskgraph/id/spacex" in result.stdout


def test_export_writes_to_a_file_or_stdout(cli, tmp_path: Path) -> None:
    target = tmp_path / "g.nt"
    assert cli("export", "--format", "nt", "-o", str(target)).exit_code == 0
    assert cli("export", "--format", "nt").stdout_bytes == target.read_bytes()


def test_queries_lists_every_query_with_its_question(cli, project) -> None:
    listed = cli("queries").stdout.splitlines()
    assert [line.split()[0] for line in listed] == [p.stem for p in project.query_files()]
    assert all(len(line.split(None, 1)) == 2 for line in listed)
