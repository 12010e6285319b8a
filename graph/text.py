"""Text for a terminal: what data and files hold, shown without acting on the terminal."""

from __future__ import annotations

import re
import sys

# C0 and C1 controls (escape sequences, NUL, newlines) and bidi overrides: in a line for a
# terminal they can rewrite, hide or reorder what it shows.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """The text on one line, its control and bidi characters written as escapes."""
    return _UNSAFE.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def to_stderr(message: str) -> None:
    """A notice for whoever runs the command: one line on standard error."""
    print(message, file=sys.stderr)
