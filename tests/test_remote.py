"""graph.remote against real triple stores: Oxigraph server and Virtuoso, on 127.0.0.1.

The graph goes up one named graph per source (as in out/muskgraph.trig), through the
Graph Store Protocol; the stores are queried over their union default graph (Oxigraph
with --union-default-graph, Virtuoso by default), as rdflib queries the assembled dataset.
Every query of the library must give the same answer there as here: the same variables,
the same rows as a multiset, the same order of the ORDER BY keys, the same triples from a
CONSTRUCT, terms compared in N-Triples syntax. Where a store differs through a limitation
of its own, the test says which and why, as a strict xfail.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import servers
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from graph import remote
from graph.errors import InputError
from graph.remote import Endpoint, NotSparqlError, RemoteError

CHECKOUT = Path(__file__).resolve().parent.parent
QUERIES = {path.stem: path.read_text(encoding="utf-8") for path in CHECKOUT.glob("queries/*.rq")}
RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"

# Where Virtuoso 7.2 (Debian 12) answers otherwise, and why: queries it cannot run...
TRANSITIVE = (
    "Virtuoso 7.2 cannot run a property path with + when neither end is bound "
    "(error TR...: 'Query contains a transitive derived table but neither end of it is "
    "bound by equality to other columns or parameters')"
)
VIRTUOSO_FAILS = {"control": TRANSITIVE, "vertical-integration-reach": TRANSITIVE}
# ...and queries it answers with the right values in other lexical forms or datatypes.
BOOLEAN = 'Virtuoso 7.2 answers xsd:boolean true and false as "1" and "0" in SELECT results'
BIG_INTEGER = (
    "Virtuoso 7.2 stores an xsd:integer beyond 2^31-1 (50000000000, 1000000000000) as xsd:decimal"
)
VIRTUOSO_LEXICAL = {
    "claims-by-attribution": f"{BOOLEAN}; {BIG_INTEGER}",
    "evidence": f"{BOOLEAN}; {BIG_INTEGER}",
    "ipo-plan": f"{BOOLEAN}; {BIG_INTEGER}",
    "timeline": BOOLEAN,
}


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch, tmp_path) -> Path:
    """No credentials from the environment or ~/.netrc unless a test sets them."""
    monkeypatch.delenv(remote.USER_VARIABLE, raising=False)
    monkeypatch.delenv(remote.PASSWORD_VARIABLE, raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("")
    monkeypatch.setenv("NETRC", str(netrc))
    return netrc


# -- comparing answers ------------------------------------------------------------------


def _literal(lexical: str, language: str | None, datatype: str | None) -> str:
    text = lexical.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    if language:
        return f'"{text}"@{language.lower()}'
    if datatype and datatype != str(XSD.string):
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def nt(term: object) -> str | None:
    """An rdflib term in N-Triples syntax (blank nodes all alike); None when unbound."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return "_:b"
    assert isinstance(term, Literal), term
    return _literal(str(term), term.language, str(term.datatype) if term.datatype else None)


def nt_json(binding: dict | None) -> str | None:
    """A term of SPARQL 1.1 Query Results JSON in N-Triples syntax."""
    if binding is None:
        return None
    if binding["type"] == "uri":
        return f"<{binding['value']}>"
    if binding["type"] == "bnode":
        return "_:b"
    return _literal(binding["value"], binding.get("xml:lang"), binding.get("datatype"))


@dataclass
class Answer:
    form: str
    variables: list[str]
    rows: list[tuple[str | None, ...]]
    triples: set[tuple[str | None, ...]]
    boolean: bool | None = None


def order_keys(text: str) -> list[str] | None:
    """The ORDER BY variables of a query (None when it has no ORDER BY)."""
    found: list = []

    def visit(node: object) -> None:
        if getattr(node, "name", None) == "OrderBy":
            found.append(node)
        if hasattr(node, "items"):
            for value in node.values():
                if hasattr(value, "name"):
                    visit(value)

    visit(prepareQuery(text).algebra)
    if not found:
        return None
    return [str(getattr(condition, "expr", condition)) for condition in found[0]["expr"]]


def query_form(text: str) -> str:
    return prepareQuery(text).algebra.name.removesuffix("Query").upper()


def local_answer(dataset: Dataset, text: str) -> Answer:
    result = dataset.query(text)
    if result.type == "ASK":
        return Answer("ASK", [], [], set(), bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        triples = {tuple(nt(t) for t in triple) for triple in result.graph}
        return Answer(result.type, [], [], triples)
    variables = [str(v) for v in result.vars]
    rows = [tuple(nt(row[v]) for v in result.vars) for row in result]
    return Answer("SELECT", variables, rows, set())


def remote_answer(endpoint: Endpoint, text: str) -> Answer:
    form = query_form(text)
    if form in ("CONSTRUCT", "DESCRIBE"):
        body, media_type = remote.sparql_query(endpoint, text, NTRIPLES)
        syntax = "nt" if media_type in (NTRIPLES, "text/plain") else "turtle"
        graph = Graph().parse(data=body.decode("utf-8"), format=syntax)
        return Answer(form, [], [], {tuple(nt(t) for t in triple) for triple in graph})
    body, media_type = remote.sparql_query(endpoint, text, RESULTS_JSON)
    assert media_type == RESULTS_JSON
    results = json.loads(body)
    if form == "ASK":
        return Answer("ASK", [], [], set(), bool(results["boolean"]))
    variables = results["head"]["vars"]
    rows = [
        tuple(nt_json(solution.get(v)) for v in variables)
        for solution in results["results"]["bindings"]
    ]
    return Answer("SELECT", variables, rows, set())


_TYPED = re.compile(r'"(.*)"\^\^<http://www\.w3\.org/2001/XMLSchema#(\w+)>')
_LANGUAGE_TAGGED = re.compile(r'".*"@[A-Za-z0-9-]+')
_NUMBERS = {"integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger"}


def value_of(term: str | None) -> str | None:
    """A boolean or number literal by its value (datatype "number" for all numbers)."""
    match = _TYPED.fullmatch(term or "")
    if not match:
        return term
    lexical, datatype = match.groups()
    if datatype == "boolean":
        return f"boolean {lexical in ('1', 'true')}"
    if datatype in _NUMBERS:
        return f"number {Decimal(lexical).normalize():f}"
    return term


def by_value(answer: Answer) -> Answer:
    return Answer(
        answer.form,
        answer.variables,
        [tuple(value_of(t) for t in row) for row in answer.rows],
        {tuple(value_of(t) for t in triple) for triple in answer.triples},
        answer.boolean,
    )


def assert_same_answer(name: str, local: Answer, there: Answer) -> None:
    assert there.form == local.form, name
    assert there.boolean == local.boolean, name
    assert there.triples == local.triples, name
    assert there.variables == local.variables, name
    missing = Counter(local.rows) - Counter(there.rows)
    extra = Counter(there.rows) - Counter(local.rows)
    assert not missing and not extra, f"{name}: missing {dict(missing)}, extra {dict(extra)}"
    keys = order_keys(QUERIES[name])
    if keys:
        positions = [local.variables.index(key) for key in keys]
        assert order_of(there.rows, positions) == order_of(local.rows, positions), (
            f"{name}: ORDER BY {' '.join(keys)} gives another order"
        )


def order_of(rows: list[tuple[str | None, ...]], positions: list[int]) -> list[tuple]:
    """The ORDER BY keys of each row, as far as SPARQL defines their order.

    SPARQL leaves the order of language-tagged literals to the store ("b"@en may come
    before or after "M"@de), so a row's keys stop at the first one; rows equal up to it
    are ties.
    """
    keys = []
    for row in rows:
        key: list[str | None] = []
        for position in positions:
            term = row[position]
            if term is not None and _LANGUAGE_TAGGED.fullmatch(term):
                key.append("a language-tagged literal")
                break
            key.append(term)
        keys.append(tuple(key))
    return keys


# -- the stores, loaded with the graph --------------------------------------------------


def graphs_as_ntriples(dataset: Dataset) -> dict[str | None, bytes]:
    """Each non-empty named graph of the dataset, in N-Triples."""
    return {
        str(graph.identifier): graph.serialize(format="nt", encoding="utf-8")
        for graph in dataset.graphs()
        if len(graph) and str(graph.identifier) != "urn:x-rdflib:default"
    }


@dataclass
class Loaded:
    name: str
    endpoint: Endpoint
    graphs: dict[str | None, bytes]
    answers: dict[str, Answer] = dataclasses.field(default_factory=dict)

    def answer(self, name: str) -> Answer:
        if name not in self.answers:
            self.answers[name] = remote_answer(self.endpoint, QUERIES[name])
        return self.answers[name]


@pytest.fixture(scope="session")
def here(dataset: Dataset) -> Callable[[str], Answer]:
    """A query's answer from rdflib over the assembled dataset (each query run once)."""
    answers: dict[str, Answer] = {}

    def answer(name: str) -> Answer:
        if name not in answers:
            answers[name] = local_answer(dataset, QUERIES[name])
        return answers[name]

    return answer


@contextlib.contextmanager
def started(kind: str, directory: Path) -> Iterator[tuple[Endpoint, dict[str, str]]]:
    """A store of that kind, running, and the environment that logs in to it."""
    if kind == "oxigraph":
        with servers.oxigraph(directory) as server:
            yield server.endpoint, {}
    else:
        with servers.virtuoso(directory) as server:
            login = {remote.USER_VARIABLE: server.user, remote.PASSWORD_VARIABLE: server.password}
            yield server.endpoint, login


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def loaded(request, tmp_path_factory, dataset) -> Iterator[Loaded]:
    """A store holding the graph, one named graph per source, pushed through the GSP."""
    graphs = graphs_as_ntriples(dataset)
    with started(request.param, tmp_path_factory.mktemp(request.param)) as (endpoint, login):
        with pytest.MonkeyPatch.context() as env:
            for name, value in login.items():
                env.setenv(name, value)
            remote.push_graphs(endpoint, graphs, NTRIPLES, replace=True)
        yield Loaded(request.param, endpoint, graphs)


def test_every_named_graph_arrives_whole(loaded: Loaded, dataset: Dataset) -> None:
    assert len(loaded.graphs) >= 3  # the ontology, the article, the background
    for name in loaded.graphs:
        local = dataset.graph(URIRef(str(name)))
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        answer = remote_answer(loaded.endpoint, query)
        assert answer.rows == [(_literal(str(len(local)), None, str(XSD.integer)),)], name


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_answers_there_as_here(loaded: Loaded, here, name, request):
    """The same terms, lexical forms and datatypes included."""
    if loaded.name == "virtuoso":
        reason = VIRTUOSO_FAILS.get(name) or VIRTUOSO_LEXICAL.get(name)
        if reason:
            request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    assert_same_answer(name, here(name), loaded.answer(name))


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_answers_the_same_values_there(loaded: Loaded, here, name, request):
    """The same values: booleans and numbers compared by value, not by lexical form."""
    if loaded.name == "virtuoso" and name in VIRTUOSO_FAILS:
        request.applymarker(pytest.mark.xfail(reason=VIRTUOSO_FAILS[name], strict=True))
    assert_same_answer(name, by_value(here(name)), by_value(loaded.answer(name)))


def test_describe_names_the_service(loaded: Loaded) -> None:
    line = remote.describe(loaded.endpoint)
    assert line.startswith(f"{loaded.endpoint.query_url}: SPARQL endpoint")
    assert "\n" not in line


# -- pushing: add, replace, default graph, an atomic swap -------------------------------


@pytest.fixture(scope="module")
def scratch_oxigraph(tmp_path_factory) -> Iterator[servers.Oxigraph]:
    """An Oxigraph server of its own for the tests that change what it holds."""
    with servers.oxigraph(tmp_path_factory.mktemp("oxigraph-scratch")) as server:
        yield server


@pytest.fixture(scope="module")
def scratch_virtuoso(tmp_path_factory) -> Iterator[servers.Virtuoso]:
    with servers.virtuoso(tmp_path_factory.mktemp("virtuoso-scratch")) as server:
        yield server


def triples(n: int, start: int = 0) -> bytes:
    return "".join(f'<urn:s{i}> <urn:p> "{i}" .\n' for i in range(start, start + n)).encode()


def count(endpoint: Endpoint, graph: str | None) -> int:
    pattern = "{ ?s ?p ?o }" if graph is None else f"{{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    body, _ = remote.sparql_query(
        endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {pattern}", RESULTS_JSON
    )
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("use_update", [False, True], ids=["put", "staged-move"])
def test_push_adds_and_replace_replaces(scratch_oxigraph, use_update: bool) -> None:
    endpoint = scratch_oxigraph.endpoint
    if not use_update:
        endpoint = Endpoint(endpoint.query_url, None, endpoint.store_url)
    graph = f"urn:test:add-replace:{use_update}"
    remote.push(endpoint, triples(3), NTRIPLES, graph)
    remote.push(endpoint, triples(2, start=3), NTRIPLES, graph)
    assert count(endpoint, graph) == 5
    remote.push(endpoint, triples(4, start=100), NTRIPLES, graph, replace=True)
    assert count(endpoint, graph) == 4
    body, _ = remote.sparql_query(
        endpoint, f"ASK {{ GRAPH <{graph}> {{ <urn:s0> ?p ?o }} }}", RESULTS_JSON
    )
    assert json.loads(body)["boolean"] is False
    staging = "SELECT ?g WHERE { GRAPH ?g { } FILTER STRSTARTS(STR(?g), 'urn:uuid:') }"
    body, _ = remote.sparql_query(endpoint, staging, RESULTS_JSON)
    assert json.loads(body)["results"]["bindings"] == [], "a staging graph was left behind"


def test_push_into_the_default_graph(tmp_path_factory) -> None:
    # A server without --union-default-graph, so the default graph is a graph of its own.
    directory = tmp_path_factory.mktemp("oxigraph-default")
    program = servers.require("oxigraph", "PyPI package oxigraph")
    port = servers.free_port()
    args = [program, "serve", "--location", str(directory / "store")]
    process = servers.Process.start(
        [*args, "--bind", f"{servers.HOST}:{port}"], directory, directory / "log"
    )
    try:
        base = f"http://{servers.HOST}:{port}"
        process.wait_until_answers(f"{base}/query")
        endpoint = Endpoint(f"{base}/query", f"{base}/update", f"{base}/store")
        remote.push(endpoint, triples(3), "text/turtle")
        remote.push(endpoint, triples(1, start=9), NTRIPLES, "urn:test:named")
        assert count(endpoint, None) == 3
        remote.push(endpoint, triples(2, start=5), NTRIPLES, replace=True)
        assert count(endpoint, None) == 2
        assert count(endpoint, "urn:test:named") == 1
    finally:
        process.stop()


def assert_readers_see_old_or_new(
    endpoint: Endpoint, replace_endpoint: Endpoint, sizes: tuple[int, int]
) -> None:
    """While a graph is replaced again and again, a reader sees it whole, old or new."""
    graph = "urn:test:swap"
    old, new = triples(sizes[0]), triples(sizes[1], start=100_000)
    remote.push(replace_endpoint, old, NTRIPLES, graph, replace=True)
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        deadline = time.monotonic() + 120
        while not done.is_set() and time.monotonic() < deadline:
            seen.append(count(endpoint, graph))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for data in (new, old, new):
            remote.push(replace_endpoint, data, NTRIPLES, graph, replace=True)
    finally:
        done.set()
        reader.join(150)
    assert len(seen) >= 3, "the reader did not get to read during the swaps"
    assert set(seen) <= set(sizes), sorted(set(seen))


@pytest.mark.parametrize("use_update", [False, True], ids=["put", "staged-move"])
def test_replace_swaps_the_graph_at_once_on_oxigraph(scratch_oxigraph, use_update: bool) -> None:
    endpoint = scratch_oxigraph.endpoint
    replacing = endpoint if use_update else Endpoint(endpoint.query_url, None, endpoint.store_url)
    assert_readers_see_old_or_new(endpoint, replacing, (10_000, 12_500))


@pytest.mark.xfail(
    reason="Virtuoso 7.2 lets readers see a graph half replaced, by a PUT and by a MOVE "
    "alike (observed: 0, 666, 1250 triples of 2000 or 2500); not strict: it is a race",
    strict=False,
)
def test_a_staged_move_swaps_the_graph_at_once_on_virtuoso(scratch_virtuoso, monkeypatch):
    monkeypatch.setenv(remote.USER_VARIABLE, scratch_virtuoso.user)
    monkeypatch.setenv(remote.PASSWORD_VARIABLE, scratch_virtuoso.password)
    # Virtuoso's MOVE takes from a second to minutes for tens of thousands of triples.
    patient = dataclasses.replace(scratch_virtuoso.endpoint, timeout=120)
    assert_readers_see_old_or_new(patient, patient, (2_000, 2_500))


def test_push_graphs_swaps_every_graph_in_one_update(scratch_oxigraph) -> None:
    endpoint = scratch_oxigraph.endpoint
    graphs = {"urn:test:one": triples(2), "urn:test:two": triples(3, start=10)}
    remote.push_graphs(endpoint, graphs, NTRIPLES, replace=True)
    remote.push_graphs(endpoint, {"urn:test:one": triples(1)}, NTRIPLES, replace=True)
    assert (count(endpoint, "urn:test:one"), count(endpoint, "urn:test:two")) == (1, 3)


# -- credentials ------------------------------------------------------------------------


def test_virtuoso_takes_digest_credentials_from_the_environment(scratch_virtuoso, monkeypatch):
    monkeypatch.setenv(remote.USER_VARIABLE, scratch_virtuoso.user)
    monkeypatch.setenv(remote.PASSWORD_VARIABLE, scratch_virtuoso.password)
    endpoint = scratch_virtuoso.endpoint
    remote.push(endpoint, triples(2), NTRIPLES, "urn:test:env", replace=True)
    remote.sparql_update(endpoint, "INSERT DATA { GRAPH <urn:test:env> { <urn:a> <urn:b> 1 } }")
    assert count(endpoint, "urn:test:env") == 3


def test_virtuoso_takes_digest_credentials_from_netrc(scratch_virtuoso, no_ambient_credentials):
    no_ambient_credentials.write_text(
        f"machine {servers.HOST}\n  login {scratch_virtuoso.user}\n"
        f"  password {scratch_virtuoso.password}\n"
    )
    remote.push(scratch_virtuoso.endpoint, triples(4), NTRIPLES, "urn:test:netrc", replace=True)
    assert count(scratch_virtuoso.endpoint, "urn:test:netrc") == 4


def test_virtuoso_without_credentials_says_how_to_give_them(scratch_virtuoso) -> None:
    endpoint = scratch_virtuoso.endpoint
    with pytest.raises(RemoteError) as caught:
        remote.push(endpoint, triples(1), NTRIPLES, "urn:test:none")
    assert str(caught.value) == (
        f"{endpoint.store_url}?graph=urn%3Atest%3Anone: HTTP 401 Unauthorized (set "
        f"MUSKGRAPH_USER and MUSKGRAPH_PASSWORD, or a netrc entry for {servers.HOST})"
    )


def test_virtuoso_refusing_the_password_says_so(scratch_virtuoso, monkeypatch) -> None:
    monkeypatch.setenv(remote.USER_VARIABLE, scratch_virtuoso.user)
    monkeypatch.setenv(remote.PASSWORD_VARIABLE, "not-the-password")
    with pytest.raises(RemoteError, match=r"HTTP 401 .*\(the credentials for 127\.0\.0\.1 were"):
        remote.sparql_update(scratch_virtuoso.endpoint, "CLEAR SILENT GRAPH <urn:test:x>")


def basic_auth_stub():
    def answer(request, body):
        if (
            request.headers.get("Authorization")
            != "Basic " + base64.b64encode(b"ann:s3cret").decode()
        ):
            return 401, {"WWW-Authenticate": 'Basic realm="stub"'}, b"who are you?"
        return 200, {"Content-Type": RESULTS_JSON}, b'{"head": {}, "boolean": true}'

    return servers.stub(answer)


def test_basic_credentials_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(remote.USER_VARIABLE, "ann")
    monkeypatch.setenv(remote.PASSWORD_VARIABLE, "s3cret")
    with basic_auth_stub() as stub:
        body, _ = remote.sparql_query(Endpoint(f"{stub.url}/sparql"), "ASK {}", RESULTS_JSON)
    assert json.loads(body)["boolean"] is True


def test_basic_credentials_come_from_netrc_for_the_host(no_ambient_credentials) -> None:
    no_ambient_credentials.write_text(
        "machine example.org login bob password wrong\n"
        f"machine {servers.HOST} login ann password s3cret\n"
    )
    with basic_auth_stub() as stub:
        body, _ = remote.sparql_query(Endpoint(f"{stub.url}/sparql"), "ASK {}", RESULTS_JSON)
    assert json.loads(body)["boolean"] is True


def test_a_user_without_a_password_is_refused(monkeypatch) -> None:
    monkeypatch.setenv(remote.USER_VARIABLE, "ann")
    with pytest.raises(InputError) as caught:
        remote.credentials("http://127.0.0.1/sparql")
    assert str(caught.value) == (
        "MUSKGRAPH_USER is set but MUSKGRAPH_PASSWORD is not: set both or neither"
    )


def test_a_missing_netrc_named_by_netrc_is_an_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "absent"))
    with pytest.raises(InputError) as caught:
        remote.credentials("http://127.0.0.1/sparql")
    assert str(caught.value) == f"{tmp_path / 'absent'}: no such netrc file (named by $NETRC)"


def test_credentials_never_go_in_the_url() -> None:
    with pytest.raises(InputError) as caught:
        Endpoint("http://ann:s3cret@127.0.0.1/sparql")
    assert str(caught.value) == (
        "http://127.0.0.1/sparql: credentials do not go in the URL: set MUSKGRAPH_USER and "
        "MUSKGRAPH_PASSWORD, or a netrc entry for 127.0.0.1"
    )


# -- errors: one clear line each ----------------------------------------------------------


def test_connection_refused() -> None:
    url = f"http://{servers.HOST}:{servers.free_port()}/query"
    with pytest.raises(RemoteError) as caught:
        remote.sparql_query(Endpoint(url), "ASK {}", RESULTS_JSON)
    assert str(caught.value) == f"cannot reach {url}: connection refused"


def test_a_server_that_never_answers_times_out() -> None:
    with servers.silent_server() as base:
        started_at = time.monotonic()
        with pytest.raises(RemoteError) as caught:
            remote.sparql_query(Endpoint(f"{base}/query", timeout=0.5), "ASK {}", RESULTS_JSON)
        assert time.monotonic() - started_at < 10
    assert str(caught.value) == f"{base}/query: no answer within 0.5 s"


def test_an_http_error_carries_the_servers_message(scratch_oxigraph) -> None:
    endpoint = scratch_oxigraph.endpoint
    with pytest.raises(RemoteError) as caught:
        remote.sparql_query(endpoint, "SELECT WHERE nonsense", RESULTS_JSON)
    message = str(caught.value)
    assert message.startswith(f"{endpoint.query_url}: HTTP 400 Bad Request: ")
    assert len(message) > len(f"{endpoint.query_url}: HTTP 400 Bad Request: ") + 5
    assert "\n" not in message


def test_a_wrong_path_is_a_404_with_the_servers_message(scratch_oxigraph) -> None:
    url = f"{scratch_oxigraph.base}/nothing-here"
    with pytest.raises(RemoteError) as caught:
        remote.sparql_query(Endpoint(url), "ASK {}", RESULTS_JSON)
    assert str(caught.value) == (
        f"{url}: HTTP 404 Not Found: POST /nothing-here is not supported by this server"
    )


def test_virtuoso_errors_keep_the_first_paragraph_only(scratch_virtuoso) -> None:
    endpoint = scratch_virtuoso.endpoint
    with pytest.raises(RemoteError) as caught:
        remote.sparql_query(endpoint, "SELECT nonsense", RESULTS_JSON)
    assert str(caught.value) == (
        f"{endpoint.query_url}: HTTP 400 Bad Request: Virtuoso 37000 Error SP030: SPARQL "
        "compiler, line 1: syntax error at 'nonsense' before '}'"
    )


def test_an_html_page_is_not_a_sparql_service() -> None:
    page = b"<!doctype html><html><head><title>Welcome</title></head><body>Hi</body></html>"
    answer = (200, {"Content-Type": "text/html"}, page)
    with (
        servers.stub(lambda request, body: answer) as stub,
        pytest.raises(NotSparqlError) as caught,
    ):
        remote.sparql_query(Endpoint(f"{stub.url}/"), "ASK {}", RESULTS_JSON)
    assert str(caught.value) == (
        f"{stub.url}/ answered text/html, not SPARQL results: is it a SPARQL query endpoint?"
    )


def test_an_html_error_page_is_read_as_text() -> None:
    page = (
        b"<html><head><title>502 Bad Gateway</title><style>h1 {}</style></head><body>"
        b"<h1>502 Bad Gateway</h1><p>The upstream &amp; friends are down.</p></body></html>"
    )
    answer = (502, {"Content-Type": "text/html"}, page)
    with servers.stub(lambda request, body: answer) as stub, pytest.raises(RemoteError) as caught:
        remote.sparql_query(Endpoint(f"{stub.url}/sparql"), "ASK {}", RESULTS_JSON)
    assert str(caught.value) == (
        f"{stub.url}/sparql: HTTP 502 Bad Gateway: The upstream & friends are down."
    )


def test_a_long_error_is_cut_to_one_line() -> None:
    text = ("word " * 200).encode() + b"\n\nstack trace\n  at somewhere"
    answer = (500, {"Content-Type": "text/plain"}, text)
    with servers.stub(lambda request, body: answer) as stub, pytest.raises(RemoteError) as caught:
        remote.sparql_query(Endpoint(f"{stub.url}/sparql"), "ASK {}", RESULTS_JSON)
    message = str(caught.value)
    assert "\n" not in message and "stack trace" not in message
    assert message.endswith("…") and len(message) < 400


# -- what goes over the wire -----------------------------------------------------------


def recording_stub():
    return servers.stub(lambda request, body: (204, {}, b""))


def test_push_speaks_the_graph_store_protocol() -> None:
    with recording_stub() as stub:
        endpoint = Endpoint(f"{stub.url}/sparql", store_url=f"{stub.url}/store?repo=a")
        remote.push(endpoint, b"", "text/turtle", "https://w3id.org/muskgraph/id/x")
        remote.push(endpoint, b"", "text/turtle", replace=True)
    sent = [(r["method"], r["path"], r["headers"]["Content-Type"]) for r in stub.requests]
    assert sent == [
        ("POST", "/store?repo=a&graph=https%3A%2F%2Fw3id.org%2Fmuskgraph%2Fid%2Fx", "text/turtle"),
        ("PUT", "/store?repo=a&default", "text/turtle"),
    ]


def test_queries_go_as_url_encoded_forms() -> None:
    def answer(request, body):
        return 200, {"Content-Type": RESULTS_JSON}, json.dumps({"echo": body.decode()}).encode()

    with servers.stub(answer) as stub:
        body, media_type = remote.sparql_query(
            Endpoint(f"{stub.url}/sparql"), "ASK { ?s ?p 'é&' }", RESULTS_JSON
        )
    assert media_type == RESULTS_JSON
    assert json.loads(body)["echo"] == "query=ASK+%7B+%3Fs+%3Fp+%27%C3%A9%26%27+%7D"
    assert stub.requests[0]["headers"]["Accept"] == RESULTS_JSON


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: remote.push(Endpoint("http://h/q"), b"", "text/turtle"),
            "http://h/q: no Graph Store Protocol URL to push to",
        ),
        (
            lambda: remote.push(Endpoint("http://h/q", store_url="http://h/s"), b"", "text/html"),
            "'text/html' is not an RDF syntax the Graph Store Protocol takes",
        ),
        (
            lambda: remote.push(
                Endpoint("http://h/q", store_url="http://h/s"), b"", "application/trig"
            ),
            "application/trig holds several graphs; push each graph in a triple syntax "
            "(text/turtle, application/n-triples) under its own name",
        ),
        (
            lambda: remote.push(
                Endpoint("http://h/q", store_url="http://h/s"), b"", "text/turtle", "not an iri"
            ),
            "'not an iri' is not an absolute IRI to name a graph with",
        ),
        (
            lambda: remote.sparql_update(Endpoint("http://h/q"), "CLEAR ALL"),
            "http://h/q: no SPARQL Update URL given",
        ),
        (lambda: Endpoint("ftp://h/q"), "'ftp://h/q' is not an http:// or https:// URL"),
        (lambda: Endpoint("http://h/q", timeout=0), "timeout must be more than 0 seconds, not 0"),
    ],
)
def test_bad_requests_are_refused_before_sending(call, message: str) -> None:
    with pytest.raises(InputError) as caught:
        call()
    assert str(caught.value) == message


# -- the recipes in docs/triple-stores.md are the ones tested ---------------------------

DOCS = CHECKOUT / "docs" / "triple-stores.md"


def test_the_documented_virtuoso_ini_is_the_tested_one() -> None:
    documented = re.search(r"```ini\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert documented, "docs/triple-stores.md has no virtuoso.ini"
    tested = servers.VIRTUOSO_INI.format(
        dir="/srv/virtuoso", host="127.0.0.1", sql_port=1111, http_port=8890
    )
    assert documented.group(1) == tested


def test_the_documented_oxigraph_command_is_the_tested_one() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "oxigraph serve --location oxigraph-store --bind 127.0.0.1:7878 " in text
    assert "--union-default-graph" in servers.OXIGRAPH_OPTIONS
    assert " ".join(servers.OXIGRAPH_OPTIONS) in text
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    command = "oxigraph serve --location oxigraph-store --bind 127.0.0.1:7878 "
    assert command + " ".join(servers.OXIGRAPH_OPTIONS) in readme
