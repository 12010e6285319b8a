"""Running query work under a time limit.

Neither engine can interrupt a running query, but Oxigraph releases the GIL while it
works and rdflib's Python yields it regularly, so a watchdog thread can end the process
at the deadline. Commands produce their whole answer before they write anything, so a
process ended this way leaves no output behind; only `paths` writes each path as it finds
it (their number grows exponentially), and leaves the paths written so far.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import NoReturn, TypeVar

from graph.errors import MuskgraphError

Result = TypeVar("Result")
Stop = Callable[["LimitExceeded"], NoReturn]


class LimitExceeded(MuskgraphError):
    """A query ran past its time limit or produced more rows than allowed."""

    exit_code = 2


def end_process(error: MuskgraphError) -> NoReturn:
    """Report `error` on standard error and end the process at once, whatever it is doing."""
    print(error, file=sys.stderr, flush=True)
    os._exit(error.exit_code)


def within(seconds: float, work: Callable[[], Result], what: str, stop: Stop) -> Result:
    """What `work` returns; if it runs past `seconds` (0: no limit), `stop` is called
    from another thread with the error and must end the process.

    Once `work` has returned the deadline no longer counts: the caller may be writing
    the answer, which a stop half-way would cut short.
    """
    if seconds <= 0:
        return work()
    error = LimitExceeded(
        f"{what} was stopped after {seconds:g} s (raise the limit with --timeout)"
    )
    finished = threading.Event()
    deciding = threading.Lock()  # the deadline and the end of the work, one at a time

    def expire() -> None:
        with deciding:
            if not finished.is_set():
                stop(error)

    watchdog = threading.Timer(seconds, expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        return work()
    finally:
        with deciding:
            finished.set()
        watchdog.cancel()
