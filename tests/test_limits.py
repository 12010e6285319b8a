"""The time limit: the deadline stops work that runs on, never work that has returned."""

from __future__ import annotations

import threading
import time

import pytest

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
