"""What a query may do: read the graphs, within a time and a row limit, and nothing else."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest
from conftest import run_muskgraph

from graph.errors import InputError
from graph.sandbox import check


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A socket on a free loopback port that counts who connects to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            server.accept()[0].close()
            count += 1
        except BlockingIOError:
            return count


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_service_reaches_no_endpoint(cli, listener, store) -> None:
    port = listener.getsockname()[1]
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    result = cli("query", "-e", query, "--store", store)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: <inline>:1:18: SERVICE <http://127.0.0.1:{port}/sparql> is refused: queries "
        "reach other endpoints only when allowed with --allow-service IRI"
    )
    assert connections(listener) == 0


def test_service_to_an_allowed_endpoint_is_contacted(project_copy, listener) -> None:
    endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    query = f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"
    args = ["query", "-e", query, "--allow-service", endpoint, "--timeout", "2"]
    result = run_muskgraph(project_copy, args, timeout=60)
    assert result.returncode == 2  # nobody answers: the listener never replies
    assert b"was stopped after 2 s" in result.stderr
    assert connections(listener) >= 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "1:1: INSERT is an update"),
        ("PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }", "1:19: DELETE is an update"),
        ("LOAD <file:///etc/passwd>", "1:1: LOAD is an update"),
        ("# comment\nDROP ALL", "2:1: DROP is an update"),
        ("SELECT * { SERVICE SILENT ?endpoint { ?s ?p ?o } }", "SERVICE a variable endpoint"),
    ],
)
def test_updates_and_services_are_refused(text, message) -> None:
    with pytest.raises(InputError, match=message):
        check(text, "<q>")


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://x/>",
        "PREFIX ex: <http://e/> SELECT ?service WHERE { ?service ex:LOAD ex:DROP }",
    ],
)
def test_keywords_inside_strings_iris_comments_and_names_are_fine(text) -> None:
    assert check(text, "<q>").form == "SELECT"


def test_from_names_only_graphs_in_the_store(cli) -> None:
    result = cli("query", "-e", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: <inline>: FROM <file:///etc/passwd> is refused: it names no graph in the "
        "store (see `muskgraph graphs`)"
    )
    known = "https://w3id.org/muskgraph/id/background"
    ask = f"ASK FROM <{known}> WHERE {{ kg:starlink mg:operatedBy kg:spacex }}"
    assert cli("query", "-e", ask).stdout == "yes\n"


def test_a_cartesian_product_stops_at_the_row_limit(cli) -> None:
    result = cli("query", "-e", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "--max-rows", "1000")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: the query gives more than 1,000 rows (add LIMIT, or raise the limit with "
        "--max-rows)"
    )


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
def test_the_row_limit_holds_in_every_format(cli, fmt) -> None:
    query = "SELECT * WHERE { ?a ?b ?c } LIMIT 11"
    assert cli("query", "-e", query, "--max-rows", "11", "-f", fmt).exit_code == 0
    result = cli("query", "-e", query.replace("11", "12"), "--max-rows", "11", "-f", fmt)
    assert result.exit_code == 2
    assert "more than 11 rows" in result.stderr


def test_the_csv_row_limit_counts_rows_not_line_breaks(cli) -> None:
    query = 'SELECT ?x WHERE { VALUES ?x { "one\\ntwo\\r\\nthree" } }'
    result = cli("query", "-e", query, "-f", "csv", "--max-rows", "1")
    assert result.exit_code == 0, result.output
    assert "three" in result.stdout


def test_output_to_a_device_writes_into_it(cli) -> None:
    before = os.stat("/dev/null")
    assert cli("query", "control", "-f", "csv", "-o", "/dev/null").exit_code == 0
    after = os.stat("/dev/null")
    assert (after.st_mode, after.st_rdev) == (before.st_mode, before.st_rdev)


def test_the_time_limit_stops_a_backtracking_regex_in_the_memory_store(
    cli, project_copy, tmp_path
) -> None:
    """Python's `re` holds the GIL while it backtracks: no thread can stop it, a kill can."""
    data = tmp_path / "long.nt"
    data.write_text(f'<urn:s> <urn:p> "{"a" * 60}" .\n', encoding="utf-8")
    assert cli("load", str(data)).exit_code == 0
    query = 'SELECT ?x WHERE { ?s ?p ?x FILTER REGEX(?x, "(a+)+b") }'
    args = ["query", "-e", query, "--store", "memory", "--timeout", "2"]
    result = run_muskgraph(project_copy, args, timeout=60)  # unstopped, it runs for ages
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "Error: the query <inline> was stopped after 2 s (raise the limit with --timeout)"
    ]
    assert result.stdout == b""
