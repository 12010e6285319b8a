"""What a query may do: read the project's graphs, and nothing else unless the user says so.

Both engines would follow SERVICE to any endpoint, and rdflib would fetch FROM IRIs and
run LOAD; the query text is therefore read token by token before any engine sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from graph.errors import InputError

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<variable>[?$][\w]+)
  | (?P<pname>[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*)
  | (?P<word>[A-Za-z][A-Za-z_]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


class Token(NamedTuple):
    kind: str
    text: str
    line: int
    column: int


def tokens(text: str) -> Iterator[Token]:
    """SPARQL tokens with their positions; comments and white space are dropped."""
    line, line_start = 1, 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("comment", "space"):
            yield Token(kind, match.group(), line, match.start() - line_start + 1)
        newlines = match.group().count("\n")
        if newlines:
            line += newlines
            line_start = match.start() + match.group().rindex("\n") + 1


class Shape(NamedTuple):
    """What the sandbox learnt of a query: its form and the graphs it names in FROM."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None when it is no query
    graphs: tuple[str, ...]


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescaped(text: str) -> str:
    """The text with SPARQL codepoint escapes (`\\u0053`) replaced, as rdflib reads it.

    SPARQL 1.1 (19.2) replaces them before parsing, so `\\u0053ERVICE` is SERVICE to
    rdflib; Oxigraph replaces them only inside strings and IRIs.
    """

    def character(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group()

    return _CODEPOINT.sub(character, text)


def check(text: str, origin: str, services: Iterable[str] = ()) -> Shape:
    """Refuse updates, LOAD, and SERVICE to endpoints not in `services`.

    The IRIs the query names in FROM and FROM NAMED come back in the shape: the caller
    must find them among its own graphs. The text is read as written and with its
    codepoint escapes replaced, so that no engine sees a keyword the sandbox did not.
    """
    shapes = [
        _check(variant, origin, services) for variant in dict.fromkeys([text, _unescaped(text)])
    ]
    graphs = tuple(dict.fromkeys(graph for shape in shapes for graph in shape.graphs))
    return Shape(shapes[0].form or shapes[-1].form, graphs)


def _check(text: str, origin: str, services: Iterable[str]) -> Shape:
    allowed = set(services)
    found = list(tokens(text))
    words = [t for t in found if t.kind == "word"]
    form = next((t for t in words if t.text.upper() not in ("BASE", "PREFIX")), None)
    if form is not None and form.text.upper() in _UPDATES:
        raise InputError(
            f"{origin}:{form.line}:{form.column}: {form.text.upper()} is an update; "
            "muskgraph runs read-only queries"
        )
    if form is None or form.text.upper() not in _FORMS:
        return Shape(None, ())  # not a query at all: the engine reports the syntax error
    graphs = []
    for index, token in enumerate(found):
        keyword = token.text.upper() if token.kind == "word" else None
        if keyword == "SERVICE":
            following = [t for t in found[index + 1 : index + 3] if t.text.upper() != "SILENT"]
            target = following[0] if following else None
            endpoint = target.text[1:-1] if target and target.kind == "iri" else None
            if endpoint is None or endpoint not in allowed:
                name = f"<{endpoint}>" if endpoint else "a variable endpoint"
                raise InputError(
                    f"{origin}:{token.line}:{token.column}: SERVICE {name} is refused: queries "
                    "reach other endpoints only when allowed with --allow-service IRI"
                )
        elif keyword == "FROM":
            following = found[index + 1 : index + 3]
            named = following and following[0].text.upper() == "NAMED"
            target = following[1 if named else 0] if len(following) > int(bool(named)) else None
            if target is not None and target.kind == "iri":
                graphs.append(target.text[1:-1])
    return Shape(form.text.upper(), tuple(graphs))
