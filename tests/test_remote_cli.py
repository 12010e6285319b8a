"""The CLI against a real Oxigraph server: push, then the same answers there as here."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import servers


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[servers.Oxigraph]:
    with servers.oxigraph(tmp_path_factory.mktemp("oxigraph")) as running:
        yield running


@pytest.fixture
def pushed(cli, server) -> servers.Oxigraph:
    result = cli("push", "--endpoint", f"{server.base}/store", "--replace")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].endswith(f"graph(s) to {server.base}/store")
    return server


def rows(text: str) -> list[tuple[str, ...]]:
    return sorted(tuple(row) for row in csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "args",
    [
        ("vertical-integration",),
        ("control",),
        ("timeline",),
        ("claims-by-attribution", "--param", "attribution=mg:AnonymousSources"),
        ("evidence", "--param", "subject=kg:spacex-xai-merger"),
    ],
)
def test_queries_answer_the_same_there_as_here(cli, pushed, args) -> None:
    here = cli("query", *args, "-f", "csv")
    there = cli("query", *args, "-f", "csv", "--endpoint", f"{pushed.base}/query")
    assert there.exit_code == 0, there.output
    assert rows(there.stdout) == rows(here.stdout)


def test_push_reports_what_it_sent_and_replace_keeps_one_copy(cli, pushed) -> None:
    again = cli("push", "--endpoint", f"{pushed.base}/store", "--replace")
    assert again.exit_code == 0, again.output
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    here = cli("query", "-e", count, "-f", "csv").stdout
    there = cli("query", "-e", count, "-f", "csv", "--endpoint", f"{pushed.base}/query").stdout
    assert there == here
    sent = int(again.stderr.split("sent ")[1].split(" triples")[0].replace(",", ""))
    assert sent == int(here.splitlines()[1])


@pytest.mark.parametrize(
    "ends", [("rockets", "ai-chatbots"), ("Raketen", "KI-Chatbots"), ("ROCKETS", "ai CHATBOTS")]
)
def test_paths_read_the_endpoint(cli, pushed, ends) -> None:
    """By kg: name, by the start of a label and by a label in any case, as here."""
    here = cli("paths", *ends)
    there = cli("paths", *ends, "--endpoint", f"{pushed.base}/query")
    assert there.exit_code == 0, there.output
    assert there.stdout == here.stdout


def test_render_reads_the_endpoint(cli, pushed, tmp_path) -> None:
    page = tmp_path / "vertical.html"
    args = ("render", "--view", "vertical", "-o", str(page))
    result = cli(*args, "--endpoint", f"{pushed.base}/query")
    assert result.exit_code == 0, result.output
    assert "kg:starlink" in page.read_text(encoding="utf-8") or "starlink" in page.read_text(
        encoding="utf-8"
    )


def test_a_refused_connection_is_one_clear_line(cli) -> None:
    url = f"http://127.0.0.1:{servers.free_port()}/query"
    result = cli("query", "control", "--endpoint", url)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: cannot reach {url}: connection refused"]


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory) -> Iterator[servers.Oxigraph]:
    """`oxigraph serve` without --union-default-graph: queries read its default graph."""
    with servers.oxigraph(tmp_path_factory.mktemp("oxigraph-plain"), options=()) as running:
        yield running


def test_an_empty_default_graph_beside_named_graphs_is_pointed_out(cli, plain_server) -> None:
    pushed = cli("push", "--endpoint", f"{plain_server.base}/store", "--replace")
    assert pushed.exit_code == 0, pushed.output
    graphs = len(cli("graphs").stdout.splitlines())
    url = f"{plain_server.base}/query"
    warning = (
        f"warning: {url} has an empty default graph but {graphs} named graphs: start the "
        "server with --union-default-graph (oxigraph serve), or query with FROM or GRAPH"
    )
    query = cli("query", "vertical-integration", "--endpoint", url)
    assert query.exit_code == 0, query.output
    assert query.stdout.endswith("(0 rows)\n")
    assert query.stderr.splitlines() == [warning]
    paths = cli("paths", "rockets", "ai-chatbots", "--endpoint", url)
    assert paths.exit_code == 2
    assert paths.stderr.splitlines()[0] == warning
    assert len(paths.stderr.splitlines()) == 2  # and the error


def test_a_union_default_graph_gives_no_warning(cli, pushed) -> None:
    result = cli("query", "-e", "ASK { ?s mg:nothing ?o }", "--endpoint", f"{pushed.base}/query")
    assert result.exit_code == 0, result.output
    assert result.stdout == "no\n"
    assert result.stderr == ""
