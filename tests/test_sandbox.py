"""What a query may do: read the graphs, within a time and a row limit, and nothing else."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from conftest import run_muskgraph
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import sandbox
from graph.cli import main
from graph.errors import InputError
from graph.sandbox import check, remember


class Listener:
    """A socket server thread on a free loopback port that counts who connects to it
    and hangs up on them at once."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}/sparql"
        self.count, self.stopping = 0, threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                self.server.accept()[0].close()
                self.count += 1
            except TimeoutError:
                continue

    def connections(self) -> int:
        time.sleep(0.1)  # a connection under way is counted
        return self.count

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_service_reaches_no_endpoint(cli, listener, store) -> None:
    port = listener.port
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    result = cli("query", "-e", query, "--store", store)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: <inline>:1:18: SERVICE <http://127.0.0.1:{port}/sparql> is refused: queries "
        "reach other endpoints only when allowed with --allow-service IRI"
    )
    assert listener.connections() == 0


def test_service_to_an_allowed_endpoint_is_contacted(project_copy, listener) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{listener.endpoint}> {{ ?s ?p ?o }} }}"
    args = ["query", "-e", query, "--allow-service", listener.endpoint, "--timeout", "20"]
    result = run_muskgraph(project_copy, args, timeout=60)
    assert result.returncode == 2  # the listener hangs up without an answer
    assert b"Traceback" not in result.stderr
    assert listener.connections() >= 1


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


NAMES = "PREFIX ex: <http://example.org/> PREFIX a·b: <http://example.org/dot/>\n"
HIDING = [  # local names with escapes and prefixes beyond \\w, which once hid a SERVICE
    r"OPTIONAL { ?s ex:a\.b ?o }",
    r"OPTIONAL { ?s ex:a%41 ?o }",
    r"OPTIONAL { ?s ex:\-x\~y ?o }",
    r"OPTIONAL { ?s a·b:c ?o }",
    r"OPTIONAL { ?s ex:a\#b ?o }",
]
ENGINES = [["--store", "oxigraph"], ["--store", "memory"], ["--data", "DATA"]]


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("data") / "data.nt"
    path.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    return str(path)


def engine_args(engine: list[str], data_file: str) -> list[str]:
    return [data_file if arg == "DATA" else arg for arg in engine]


@pytest.mark.parametrize("engine", ENGINES, ids=" ".join)
@pytest.mark.parametrize("hiding", HIDING)
def test_service_after_escaped_names_is_refused(cli, listener, data_file, engine, hiding) -> None:
    query = f"{NAMES}SELECT * WHERE {{ {hiding} SERVICE <{listener.endpoint}> {{ ?x ?y ?z }} }}"
    result = cli("query", "-e", query, *engine_args(engine, data_file))
    assert result.exit_code == 2, result.output
    refusal = result.stderr.splitlines()[-1]
    assert f"SERVICE <{listener.endpoint}> is refused" in refusal or (
        "SERVICE or FROM runs only once it is read" in refusal  # rdflib stops at `\#`
    )
    assert listener.connections() == 0


UPPER_CASE_TWINS = {"S": "\u017f", "I": "\u0131"}  # long s and dotless i: S and I to rdflib


def spelt(word: str, draw) -> str:
    """A keyword in random case, some letters as codepoint escapes or upper-case twins."""
    letters = []
    for letter in word:
        twins = [letter.upper(), letter.lower(), UPPER_CASE_TWINS.get(letter, letter)]
        letter = draw(st.sampled_from(twins))
        if draw(st.integers(0, 5)) == 0:
            letter = f"\\u{ord(letter):04X}" if draw(st.booleans()) else f"\\U{ord(letter):08X}"
        letters.append(letter)
    return "".join(letters)


@st.composite
def service_queries(draw, endpoint: str) -> str:
    silent = draw(st.sampled_from(["", " SILENT", " silent"]))
    target, binding = draw(
        st.sampled_from(
            [
                (f"<{endpoint}>", ""),
                ("ep:sparql", ""),
                ("?endpoint", f"BIND(<{endpoint}> AS ?endpoint) "),
                ("?endpoint", f"VALUES ?endpoint {{ <{endpoint}> }} "),
            ]
        )
    )
    hiding = draw(st.sampled_from(["", *HIDING]))
    pattern = f"{hiding} {binding}{spelt('SERVICE', draw)}{silent} {target} {{ ?x ?y ?z }}"
    for _ in range(draw(st.integers(0, 3))):
        pattern = draw(
            st.sampled_from(
                [
                    f"OPTIONAL {{ {pattern} }}",
                    f"{{ {pattern} }} UNION {{ ?s ?p ?o }}",
                    f"{{ ?s ?p ?o }} UNION {{ {pattern} }}",
                    f"?s ?p ?o MINUS {{ {pattern} }}",
                    f"FILTER EXISTS {{ {pattern} }}",
                    f"FILTER (NOT EXISTS {{ {pattern} }})",
                    f"BIND (EXISTS {{ {pattern} }} AS ?found)",
                    f"{{ SELECT * WHERE {{ {pattern} }} }}",
                    f"GRAPH ?g {{ {pattern} }}",
                    f"{draw(st.sampled_from(HIDING))} {pattern}",
                ]
            )
        )
    form = draw(
        st.sampled_from(
            ["SELECT * WHERE", "ASK", "CONSTRUCT { ?s ?p ?o } WHERE", "DESCRIBE ?s WHERE"]
        )
    )
    prefix = f"PREFIX ep: <{endpoint.removesuffix('sparql')}>\n"
    return f"{NAMES}{prefix}{form} {{ {pattern} }}"


def test_service_anywhere_the_grammar_allows_reaches_nothing(
    project_copy, listener, data_file
) -> None:
    """Whatever hides a SERVICE, on every engine: refused, and the listener hears nothing."""

    @settings(max_examples=60, deadline=None, database=None)
    @given(query=service_queries(listener.endpoint), engine=st.sampled_from(ENGINES))
    def refused(query: str, engine: list[str]) -> None:
        args = ["--project", str(project_copy), "query", "-e", query]
        result = CliRunner().invoke(main, [*args, *engine_args(engine, data_file)])
        assert result.exit_code == 2, (query, result.output)
        assert listener.count == 0, query

    refused()
    assert listener.connections() == 0


@pytest.mark.parametrize("engine", ENGINES[:2], ids=" ".join)
@pytest.mark.parametrize(
    "query",
    [
        "SELECT (COUNT(*) AS ?n) FROM kg:no-such-graph WHERE { ?s ?p ?o }",
        "SELECT (COUNT(*) AS ?n) FROM NAMED kg:no-such-graph WHERE { GRAPH ?g { ?s ?p ?o } }",
        "ASK FROM kg:no-such-graph { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } FROM kg:no-such-graph WHERE { ?s ?p ?o }",
        "DESCRIBE kg:spacex FROM kg:no-such-graph",
    ],
)
def test_from_written_as_a_prefixed_name_is_checked(cli, engine, query) -> None:
    result = cli("query", "-e", query, *engine)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == (
        "Error: <inline>: FROM <https://w3id.org/muskgraph/id/no-such-graph> is refused: it "
        "names no graph in the store (see `muskgraph graphs`)"
    )


@pytest.mark.parametrize(
    ("dataset", "pattern"),
    [("FROM kg:background", "?s ?p ?o"), ("FROM NAMED kg:background", "GRAPH ?g { ?s ?p ?o }")],
)
def test_from_gives_the_graph_it_names_on_both_engines(cli, dataset, pattern) -> None:
    """What FROM names, as GRAPH names it: not the union of every graph."""
    expected = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH kg:background { ?s ?p ?o } }"
    query = f"SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ {pattern} }}"
    for store in ("oxigraph", "memory"):
        answer = cli("query", "-e", query, "-f", "csv", "--store", store)
        assert answer.exit_code == 0, answer.output
        assert answer.stdout == cli("query", "-e", expected, "-f", "csv").stdout, store


def test_a_query_rdflib_cannot_read_is_refused_when_it_may_name_a_dataset(cli) -> None:
    """Oxigraph accepts `ASKFROM`; rdflib's parser, which decides, does not."""
    query = "ASKFROM <https://w3id.org/muskgraph/id/background> { ?s ?p ?o }"
    result = cli("query", "-e", query)
    assert result.exit_code == 2
    assert "SPARQL syntax error" in result.stderr
    assert "a query that may name SERVICE or FROM runs only once it is read" in result.stderr


REMEMBERED = "SELECT ?from WHERE { ?from prov:wasDerivedFrom ?source }"


def test_a_query_that_ran_is_not_parsed_again(tmp_path, monkeypatch) -> None:
    memory = tmp_path / "sandbox.json"
    first = check(REMEMBERED, "<q>", memory=memory)
    remember(memory, REMEMBERED, first)

    def parse_again(*_args) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(sandbox, "_parsed", parse_again)
    assert check(REMEMBERED, "<q>", memory=memory)[:4] == first[:4]
    with pytest.raises(AssertionError, match="parsed again"):  # another text is parsed
        check(REMEMBERED + " LIMIT 1", "<q>", memory=memory)


def test_a_remembered_query_may_do_no_more_than_it_is_allowed_now(tmp_path, listener) -> None:
    memory = tmp_path / "sandbox.json"
    query = f"SELECT * WHERE {{ SERVICE <{listener.endpoint}> {{ ?s ?p ?o }} }}"
    remember(memory, query, check(query, "<q>", [listener.endpoint], memory))
    assert memory.exists()
    with pytest.raises(InputError, match=r"^<q>:1:18: SERVICE <.*> is refused"):
        check(query, "<q>", (), memory)
    assert listener.connections() == 0


def test_only_queries_that_ran_are_remembered_and_the_memory_stays_small(cli, project_copy):
    memory = project_copy / "out" / "sandbox.json"
    assert cli("query", "-e", REMEMBERED.replace("?source", "<file:///etc/passwd>")).exit_code == 0
    assert len(json.loads(memory.read_text())) == 1
    refused = "SELECT ?from FROM <file:///etc/passwd> WHERE { ?from ?p ?o }"
    assert cli("query", "-e", refused).exit_code == 2
    assert len(json.loads(memory.read_text())) == 1
    for number in range(sandbox.MEMORIES + 10):
        query = f"{REMEMBERED} LIMIT {number}"
        remember(memory, query, check(query, "<q>", memory=memory))
    assert len(json.loads(memory.read_text())) == sandbox.MEMORIES


def test_without_out_nothing_is_remembered(tmp_path) -> None:
    memory = tmp_path / "no-such-dir" / "sandbox.json"
    remember(memory, REMEMBERED, check(REMEMBERED, "<q>", memory=memory))
    assert not memory.parent.exists()


@pytest.mark.parametrize("engine", ENGINES, ids=" ".join)
@pytest.mark.parametrize(
    "pattern",
    [
        "BIND (EXISTS { FILTER EXISTS { SERVICE ep:sparql { ?x ?y ?z } } } AS ?found)",
        "BIND (EXISTS { ?a ?b ?c FILTER EXISTS { SERVICE <ENDPOINT> { ?x ?y ?z } } } AS ?f)",
        "FILTER EXISTS { BIND (EXISTS { FILTER (NOT EXISTS { SERVICE ep:sparql {} }) } AS ?f) }",
    ],
)
def test_service_in_a_filter_of_an_exists_in_a_bind_is_refused(
    cli, listener, data_file, engine, pattern
) -> None:
    """rdflib's translation drops such FILTERs from its algebra; the parse tree keeps them."""
    prefix = f"PREFIX ep: <{listener.endpoint.removesuffix('sparql')}>\n"
    query = f"{prefix}ASK {{ {pattern.replace('ENDPOINT', listener.endpoint)} }}"
    result = cli("query", "-e", query, *engine_args(engine, data_file))
    assert result.exit_code == 2, result.output
    assert f"SERVICE <{listener.endpoint}> is refused" in result.stderr
    assert listener.connections() == 0
