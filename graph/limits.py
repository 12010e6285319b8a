"""Running query work under a time limit.

Neither engine can interrupt a running query, but Oxigraph releases the GIL while it
works and rdflib's Python yields it regularly, so a watchdog thread can end the process
at the deadline. Commands produce their whole answer before they write anything, so a
process ended this way leaves no output behind.
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
    from another thread with the error and must end the process."""
    if seconds <= 0:
        return work()
    error = LimitExceeded(
        f"{what} was stopped after {seconds:g} s (raise the limit with --timeout)"
    )
    watchdog = threading.Timer(seconds, stop, (error,))
    watchdog.daemon = True
    watchdog.start()
    try:
        return work()
    finally:
        watchdog.cancel()
