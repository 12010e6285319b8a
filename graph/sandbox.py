"""What a query may do: read the project's graphs, and nothing else unless the user says so.

Both engines follow SERVICE to any endpoint, and rdflib would read the IRIs of FROM. What
a query does is decided from its parse, before any engine runs it. pyoxigraph (0.5) has no
parser to call on its own, so rdflib's parser reads the query twice: as rdflib reads it
(codepoint escapes such as `\\u0053` replaced everywhere, SPARQL 1.1 section 19.2) and as
Oxigraph reads it (escapes replaced only inside strings and IRIs). A query in which neither
SERVICE nor FROM is written in any spelling, escapes replaced or not, names no endpoint
and no dataset: it skips that parse and the cost of importing rdflib. What was learnt of
a query that ran is remembered under its text (in `out/sandbox.json`), so a query run
again is not measured, parsed or checked again.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from graph import __version__
from graph.atomic import write_atomic
from graph.errors import InputError
from graph.prefixes import PREFIXES

MAX_LENGTH = 8_192  # characters; Oxigraph's recursion ends the process on long chains
MAX_DEPTH = 64  # brackets, and runs of `!`, one inside another
MEMORIES = 128  # queries remembered, each under its text (at most MAX_LENGTH characters)

# What the bracket count skips: comments, strings and IRIs. It only refuses, so it may
# be rougher than SPARQL's grammar; what a query may do is decided from its parse.
_NESTING = r"""
    \#[^\n]*
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
  | "(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'
  | <[^<>"{}|^`\\\x00-\x20]*>
  | (?P<open>[({\[]|(?:!\s*)+)|(?P<close>[)}\]])
"""
# As rdflib's parser replaces codepoint escapes: four hex digits, or eight, either case.
_RDFLIB_ESCAPE = r"(?i)\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)"
# As Oxigraph reads them, in strings and IRIs only.
_OXIGRAPH_ESCAPE = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
# The patterns are compiled where they are first used (`re` keeps them): a query run
# before is recalled from memory and needs none of them.
_WATCHED = ("SERVICE", "FROM")
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class Shape(NamedTuple):
    """What the sandbox learnt of a query: its form, the graphs it names in FROM, the
    variables a SELECT projects (None for the other forms), the endpoints it calls, and
    whether that was learnt now (not recalled from memory)."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    graphs: tuple[str, ...]
    variables: tuple[str, ...] | None = None
    services: tuple[str, ...] = ()
    learnt: bool = False


def check(
    text: str, origin: str, services: Iterable[str] = (), memory: Path | None = None
) -> Shape:
    """Refuse what is no read-only query, SERVICE to endpoints not in `services`, and
    queries past the size and nesting bounds; syntax errors are reported here too.

    The IRIs the query names in FROM and FROM NAMED come back in the shape: the caller
    must find them among its own graphs. `memory` is the file where what was learnt of
    queries that ran is remembered (None: none is).
    """
    allowed = set(services)
    shape = _recalled(memory, text) if memory else None
    if shape is not None and allowed.issuperset(shape.services):
        return shape
    bound(text, origin)
    shape = _parsed(text, origin, allowed) if could_name_service_or_dataset(text) else None
    if shape is None or not shape.services:  # it reaches nothing: an empty store checks
        form, variables = _oxigraph_reading(text, origin)  # the syntax as Oxigraph reads it
        shape = shape or Shape(form, (), variables, learnt=True)
    return shape


def _position(text: str, location: int) -> str:
    """LINE:COLUMN of a location in the text, counted from 1."""
    line = text.count("\n", 0, location) + 1
    return f"{line}:{location - text.rfind(chr(10), 0, location)}"


def bound(text: str, origin: str) -> None:
    """Refuse a query too long or too deeply nested for the parsers to survive."""
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"{origin}: the query has {len(text):,} characters; muskgraph reads queries "
            f"of up to {MAX_LENGTH:,}"
        )
    depth = 0
    for match in re.finditer(_NESTING, text, re.VERBOSE):
        if match.group("close"):
            depth = max(depth - 1, 0)
        elif match.group("open"):
            symbol = match.group()
            if depth + max(symbol.count("!"), 1) > MAX_DEPTH:
                raise InputError(
                    f"{origin}:{_position(text, match.start())}: the query nests more than "
                    f"{MAX_DEPTH} levels deep (brackets or `!`); muskgraph refuses deeper queries"
                )
            depth += 0 if symbol.startswith("!") else 1


def could_name_service_or_dataset(text: str) -> bool:
    """Whether SERVICE or FROM is written anywhere, in any case, escaped or not.

    Upper case as the parsers compare keywords: U+017F (long s) is S to rdflib.
    """
    readings = (text, re.sub(_RDFLIB_ESCAPE, _rdflib_character, text))
    return any(word in reading.upper() for reading in readings for word in _WATCHED)


def _rdflib_character(match: re.Match[str]) -> str:
    try:
        return chr(int(match.group(1), 16))
    except (ValueError, OverflowError):
        return match.group()


def _key(text: str) -> str:
    """The query's text itself keys its memory: exact, and no hash function to load
    (OpenSSL's hashlib costs a query's start more than reading the memory does)."""
    return f"{__version__}\n{text}"


def _memories(memory: Path) -> dict[str, Any]:
    try:
        remembered = json.loads(memory.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return remembered if isinstance(remembered, dict) else {}


def _recalled(memory: Path, text: str) -> Shape | None:
    """The shape of a query that ran before, if one did."""
    entry = _memories(memory).get(_key(text))
    try:
        form, graphs, variables, services = entry
        projection = None if variables is None else tuple(variables)
        return Shape(form, tuple(graphs), projection, tuple(services))
    except (TypeError, ValueError):
        return None


def remember(memory: Path, text: str, shape: Shape) -> None:
    """Keep what was learnt of a query that ran, for next time, where `out/` exists and
    can be written; the oldest are forgotten past MEMORIES."""
    if not shape.learnt or not memory.parent.is_dir():
        return
    memories = _memories(memory)
    memories[_key(text)] = [shape.form, shape.graphs, shape.variables, shape.services]
    kept = dict(list(memories.items())[-MEMORIES:])
    with contextlib.suppress(OSError, InputError):  # a read-only out/: learnt again next time
        write_atomic(memory, json.dumps(kept).encode("utf-8"))


def _parsed(text: str, origin: str, allowed: set[str]) -> Shape:
    """The query's shape, with the endpoints of its SERVICE calls, as both engines read
    it; a call to an endpoint not `allowed` is refused."""
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        as_rdflib = expandUnicodeEscapes(text)
    except ValueError as error:
        raise InputError(f"{origin}: SPARQL syntax error: {error}") from None
    as_oxigraph = re.sub(_OXIGRAPH_ESCAPE, "a", text)  # any character a string or IRI allows
    graphs, endpoints = [], []
    readings = {as_rdflib: "as rdflib reads it"}
    readings.setdefault(as_oxigraph, "as Oxigraph reads it")
    for reading, reader in readings.items():
        read, algebra = _read(reading, origin, reader)
        form = _FORMS[algebra.name]
        variables = [str(v) for v in algebra.PV] if form == "SELECT" else None
        for node in read["ServiceGraphPattern"]:
            target = str(node.term) if _is_iri(node.term) else None
            if target not in allowed:
                name = f"<{target}>" if target else "a variable endpoint"
                where = _position(reading, dict.get(node, "location", 0))
                raise InputError(
                    f"{origin}:{where}: SERVICE {name} is refused: queries reach other "
                    "endpoints only when allowed with --allow-service IRI"
                )
            endpoints.append(target)
        for clause in read["DatasetClause"]:
            graph = clause["default" if "default" in clause else "named"]
            if not _is_iri(graph):
                raise InputError(f"{origin}: cannot check the query: FROM {graph} is no IRI")
            graphs.append(str(graph))
    projection = None if variables is None else tuple(variables)
    graphs, endpoints = tuple(dict.fromkeys(graphs)), tuple(dict.fromkeys(endpoints))
    return Shape(form, graphs, projection, endpoints, learnt=True)


def _located(_text: str, location: int, tokens: Any) -> None:
    tokens[0]["location"] = location


def _read(reading: str, origin: str, reader: str) -> tuple[dict[str, list[Any]], Any]:
    """The SERVICE and dataset clauses of a query text whose escapes are replaced, as
    rdflib's parser reads them, and rdflib's algebra of it.

    The clauses are taken from the parse tree before it is translated: the translation
    moves FILTERs out of their groups in place, and loses those of a group inside a
    BIND's EXISTS, which Oxigraph runs. Translation resolves their prefixed names.
    """
    import logging

    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import Query, ServiceGraphPattern

    if _located not in ServiceGraphPattern.parseAction:  # where a refusal points
        ServiceGraphPattern.add_parse_action(_located)

    from graph.store.rdflib_engine import syntax_error

    terms = logging.getLogger("rdflib.term")  # warns of IRIs it reads from escaped names
    level = terms.level
    terms.setLevel(logging.ERROR)
    try:
        tree = Query.parse_string(reading, parse_all=True)
        read = {name: list(_named(tree, name)) for name in ("ServiceGraphPattern", "DatasetClause")}
        return read, translateQuery(tree, initNs=PREFIXES).algebra
    except ParseException as error:
        refuse_update(reading, origin)
        note = f"{reader}; a query that may name SERVICE or FROM runs only once it is read"
        raise syntax_error(origin, error, note) from None
    except RecursionError:
        raise InputError(f"{origin}: cannot check the query: it nests too deeply") from None
    except Exception as error:  # rdflib reports unknown prefixes and the like plainly
        raise InputError(f"{origin}: cannot check the query: {error}") from None
    finally:
        terms.setLevel(level)


def _named(tree: Any, name: str) -> Iterator[Any]:
    """Every node called `name` in a parse tree or algebra, walked without recursion."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            if node.name == name:
                yield node
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)


def _is_iri(term: Any) -> bool:
    from rdflib import URIRef

    return isinstance(term, URIRef)


def _oxigraph_reading(text: str, origin: str) -> tuple[str, tuple[str, ...] | None]:
    """The form and projection of a query that reaches nothing, run on an empty store."""
    import pyoxigraph as ox

    from graph.store.oxigraph_engine import OxigraphEngine

    try:
        answer = OxigraphEngine(ox.Store()).query(text, origin)
    except InputError:
        refuse_update(re.sub(_RDFLIB_ESCAPE, _rdflib_character, text), origin)
        raise
    return answer.form, tuple(answer.variables) if answer.form == "SELECT" else None


def refuse_update(text: str, origin: str) -> None:
    """Raise a clear error when `text`, which is no query, is a SPARQL update."""
    import pyparsing as pp
    from rdflib.plugins.sparql import parser

    start = pp.Empty().set_parse_action(lambda _text, location, _tokens: location)
    start.ignore("#" + pp.rest_of_line)
    try:
        _, location, *_ = (parser.Prologue + start + parser.Update1).parse_string(text)
    except (pp.ParseException, RecursionError):
        return
    keyword = re.match(r"\w*", text[location:]).group().upper()
    raise InputError(
        f"{origin}:{pp.lineno(location, text)}:{pp.col(location, text)}: {keyword} is an "
        "update; muskgraph runs read-only queries"
    )
