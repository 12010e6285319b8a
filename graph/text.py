"""Text for a terminal: what data and files hold, shown without acting on the terminal."""

from __future__ import annotations

import sys

# C0 and C1 controls (escape sequences, NUL, newlines) and bidi overrides: in a line for a
# terminal they can rewrite, hide or reorder what it shows.
_UNSAFE = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPED = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNSAFE}
_ESCAPED.update({ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"})  # as Python writes them


def printable(text: str) -> str:
    """The text on one line, its control and bidi characters written as escapes."""
    return text.translate(_ESCAPED)


def to_stderr(message: str) -> None:
    """A notice for whoever runs the command: one line on standard error."""
    print(message, file=sys.stderr)
