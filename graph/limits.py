"""Running query work under a time limit.

Neither engine can interrupt a running query. Oxigraph releases the GIL while it works,
so a watchdog thread can end the process at the deadline (`within`). rdflib cannot be
stopped that way: its REGEX is Python's `re`, which holds the GIL for as long as one
match backtracks (`(a+)+b` on a long "aaa…" ran for minutes), so neither a thread nor a
signal handler runs until it is done. Its work runs in a forked child instead, killed at
the deadline (`in_child`). Commands produce their whole answer before they write
anything, so work stopped either way leaves no output behind; only `paths` writes each
path as it finds it (their number grows exponentially), and leaves the paths written so
far.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import NoReturn, TypeVar

from graph.errors import InputError, MuskgraphError

Result = TypeVar("Result")
Stop = Callable[["LimitExceeded"], NoReturn]


class LimitExceeded(MuskgraphError):
    """A query ran past its time limit or produced more rows than allowed."""

    exit_code = 2


def end_process(error: MuskgraphError) -> NoReturn:
    """Report `error` on standard error and end the process at once, whatever it is doing."""
    print(error, file=sys.stderr, flush=True)
    os._exit(error.exit_code)


def _past(seconds: float, what: str) -> LimitExceeded:
    return LimitExceeded(f"{what} was stopped after {seconds:g} s (raise the limit with --timeout)")


def within(seconds: float, work: Callable[[], Result], what: str, stop: Stop) -> Result:
    """What `work` returns; if it runs past `seconds` (0: no limit), `stop` is called
    from another thread with the error and must end the process.

    Once `work` has returned the deadline no longer counts: the caller may be writing
    the answer, which a stop half-way would cut short.
    """
    if seconds <= 0:
        return work()
    error = _past(seconds, what)
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


def in_child(seconds: float, work: Callable[[], Result], what: str) -> Result:
    """What `work` returns (it must pickle), computed in a forked child that is killed
    after `seconds` (0: no limit, in this process); past it, LimitExceeded."""
    if seconds <= 0:
        return work()
    import pickle
    import signal

    sys.stdout.flush()
    sys.stderr.flush()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        _child(work, writer, what)
    os.close(writer)
    deadline = time.monotonic() + seconds
    chunks = []
    try:
        while chunk := _read_until(reader, deadline):
            chunks.append(chunk)
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        raise _past(seconds, what) from None
    finally:
        os.close(reader)
        os.waitpid(pid, 0)
    if not chunks:
        raise InputError(f"{what} failed: its process ended without an answer")
    kind, payload = pickle.loads(b"".join(chunks))
    if kind == "error":
        error_class, message = payload
        raise error_class(message)
    return payload


def _read_until(reader: int, deadline: float) -> bytes:
    import select

    remaining = deadline - time.monotonic()
    if remaining <= 0 or not select.select([reader], [], [], remaining)[0]:
        raise TimeoutError
    return os.read(reader, 1 << 20)


def _child(work: Callable[[], object], writer: int, what: str) -> NoReturn:
    import pickle

    try:
        try:
            outcome = ("ok", work())
        except MuskgraphError as error:
            outcome = ("error", (type(error), str(error)))
        except Exception as error:  # one line, as the parent would show it; no traceback
            reason = (str(error).splitlines() or [""])[0]
            outcome = ("error", (InputError, f"{what} failed: {type(error).__name__}: {reason}"))
        view = memoryview(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
        while view:
            view = view[os.write(writer, view) :]
    finally:
        os._exit(0)
