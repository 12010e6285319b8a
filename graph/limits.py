"""Running query work under a time limit.

Neither engine can interrupt a running query, so the work runs in a forked child that
is killed at the deadline; what it produced comes back through a pipe.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import TypeVar

from graph.errors import InputError, MuskgraphError

Result = TypeVar("Result")


class LimitExceeded(MuskgraphError):
    """A query ran past its time limit or produced more rows than allowed."""

    exit_code = 2


_BROKEN = 70  # the child failed in a way it could not report


def within(seconds: float, work: Callable[[], Result], what: str) -> Result:
    """What `work` returns (it must pickle), computed in a child killed after `seconds`."""
    if seconds <= 0:
        return work()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        _child(work, writer, what)
    os.close(writer)
    deadline = time.monotonic() + seconds
    chunks = []
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([reader], [], [], remaining)[0]:
                os.kill(pid, signal.SIGKILL)
                raise LimitExceeded(
                    f"{what} was stopped after {seconds:g} s (raise the limit with --timeout)"
                )
            chunk = os.read(reader, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(reader)
        os.waitpid(pid, 0)
    kind, payload = pickle.loads(b"".join(chunks)) if chunks else ("broken", None)
    if kind == "ok":
        return payload
    if kind == "error":
        error_class, message = payload
        raise error_class(message)
    raise InputError(f"{what} failed unexpectedly")


def _child(work: Callable[[], object], writer: int, what: str) -> None:
    code = 0
    try:
        try:
            outcome = ("ok", work())
        except MuskgraphError as error:
            outcome = ("error", (type(error), str(error)))
        except Exception as error:  # one line for the user, as in the parent; no traceback
            reason = (str(error).splitlines() or [""])[0]
            outcome = ("error", (InputError, f"{what} failed: {type(error).__name__}: {reason}"))
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(writer, view) :]
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        code = _BROKEN
    finally:
        os._exit(code)
