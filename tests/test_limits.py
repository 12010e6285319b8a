"""The limits: the deadline stops work that runs on, never work that has returned; a
query too deep or too long for the parsers is refused before they read it."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import copy_project, run_muskgraph

from graph.errors import InputError
from graph.limits import LimitExceeded, in_child, within


def test_work_past_the_deadline_is_stopped_with_the_limit_in_the_message() -> None:
    stopped: list[LimitExceeded] = []
    within(0.05, lambda: time.sleep(0.5), "the query x", stopped.append)
    assert [str(error) for error in stopped] == [
        "the query x was stopped after 0.05 s (raise the limit with --timeout)"
    ]
    assert stopped[0].exit_code == 2


def test_work_done_before_the_deadline_is_never_stopped() -> None:
    stopped: list[LimitExceeded] = []
    assert within(0.05, lambda: "answer", "work", stopped.append) == "answer"
    time.sleep(0.15)
    assert stopped == []


def test_a_stop_under_way_holds_back_work_that_returns_meanwhile() -> None:
    """The answer is written once `within` returns: a stop then would cut it short."""
    seen_returned = []
    returned = threading.Event()

    def slow_stop(error: LimitExceeded) -> None:
        time.sleep(0.3)  # a real stop ends the process; this one looks around first
        seen_returned.append(returned.is_set())

    within(0.02, lambda: time.sleep(0.1), "work", slow_stop)
    returned.set()
    time.sleep(0.4)
    assert seen_returned == [False]


def test_no_limit_runs_the_work_in_this_thread() -> None:
    assert within(0, threading.current_thread, "work", lambda _: None) is threading.current_thread()


def test_work_in_a_child_gives_its_answer_or_its_error() -> None:
    assert in_child(30, lambda: {"page": "<html>", "rows": b"a,b"}, "work") == {
        "page": "<html>",
        "rows": b"a,b",
    }

    def refused() -> None:
        raise InputError("q.rq:1:2: bad")

    with pytest.raises(InputError, match=r"^q\.rq:1:2: bad$"):
        in_child(30, refused, "work")


def test_work_in_a_child_past_the_deadline_is_killed() -> None:
    with pytest.raises(LimitExceeded, match=r"^the query x was stopped after 0\.2 s"):
        in_child(0.2, lambda: time.sleep(60), "the query x")


DEEP = {
    "parentheses": "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
    "braces": "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
    "negations": "SELECT * WHERE { FILTER(" + "!" * 10_000 + "true) }",
    "union": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 50_000) + " }",
    "minus": "SELECT * WHERE { ?s ?p ?o " + "MINUS{}" * 4_000 + " }",
}


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
@pytest.mark.parametrize("shape", DEEP)
def test_a_query_too_deep_or_too_long_is_refused_not_a_crash(tmp_path, store, shape) -> None:
    """Oxigraph's parser and rdflib's recursion would end the process: refused before."""
    query = tmp_path / "deep.rq"
    query.write_text(DEEP[shape])
    done = run_muskgraph(copy_project(tmp_path), ["query", str(query), "--store", store], 60)
    assert done.returncode == 2, done.stderr
    message = done.stderr.decode()
    assert message.count("\n") == 1 and message.startswith(f"Error: {query}"), message
    assert "muskgraph refuses deeper queries" in message or "reads queries of up to" in message


def test_queries_within_the_bounds_run(cli) -> None:
    nested = "SELECT * WHERE { FILTER(" + "(" * 20 + "true" + ")" * 20 + ") }"
    result = cli("query", "-e", nested, "-f", "csv")
    assert result.exit_code == 0, result.output


def test_the_time_limit_covers_the_check_before_the_store_is_opened(tmp_path) -> None:
    """Oxigraph's syntax check runs the query on an empty store: a long chain of path
    steps takes it minutes, which --timeout must cut short too."""
    project = copy_project(tmp_path / "project")
    chain = "/".join(["<urn:p>"] * 900)
    args = ["query", "-e", f"SELECT * WHERE {{ ?s {chain} ?o }}", "--timeout", "2"]
    result = run_muskgraph(project, args, timeout=120)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "Error: checking the query <inline> was stopped after 2 s (raise the limit with --timeout)"
    ]
