"""Answers written out: W3C SPARQL result formats, RDF syntaxes, or a table for people.

One writer per format serves both engines, so their output is alike, and every writer
stops at a row limit instead of filling memory. The result formats are written piece
by piece (`PIECES`), so that an answer without limits goes out as its rows come; only
the table needs every row first, to fit its columns to the width.
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import BinaryIO

import pyoxigraph as ox

from graph.errors import InputError
from graph.limits import LimitExceeded
from graph.prefixes import PREFIXES
from graph.store.answer import Answer
from graph.store.files import RDF_FORMATS
from graph.store.terms import Term, to_oxigraph
from graph.text import printable

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
TABLE_WIDTH = 100  # where the width of the terminal is not known
TABLE_MIN_WIDTH = 20  # the least room a record's value is given
ROWS_PER_WRITE = 1000  # pieces of an answer joined into one write while it streams


def check_format(form: str | None, fmt: str) -> None:
    """Refuse a results format for a graph, or an RDF format for results."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        if fmt not in GRAPH_FORMATS:
            raise InputError(
                f"--format {fmt} is for SELECT and ASK; a {form} gives a graph: "
                f"use {', '.join(GRAPH_FORMATS)}"
            )
    elif fmt not in RESULT_FORMATS:
        raise InputError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; a {form} gives results: "
            f"use {', '.join(RESULT_FORMATS)}"
        )


def _too_many(max_rows: int, what: str) -> LimitExceeded:
    return LimitExceeded(
        f"the query gives more than {max_rows:,} {what} "
        "(add LIMIT, or raise the limit with --max-rows)"
    )


def limited(items: Iterable, max_rows: int, what: str) -> Iterator:
    """The items, or LimitExceeded once there are more than `max_rows` (0: no limit)."""
    for count, item in enumerate(items, 1):
        if max_rows and count > max_rows:
            raise _too_many(max_rows, what)
        yield item


def format_answer(answer: Answer, fmt: str, max_rows: int = 0, width: int = TABLE_WIDTH) -> bytes:
    """An answer in the format `fmt`, refusing more than `max_rows` rows or triples; a
    table is at most `width` characters wide."""
    check_format(answer.form, fmt)
    if answer.form == "CONSTRUCT":
        triples = [
            ox.Triple(*(to_oxigraph(term) for term in triple))
            for triple in limited(answer.triples(), max_rows, "triples")
        ]
        return ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=PREFIXES)
    if answer.form == "ASK":
        return _boolean(answer.boolean(), fmt).encode("utf-8")
    if fmt == "csv" and hasattr(answer, "csv"):  # Oxigraph writes CSV itself, much faster
        data = answer.csv(max_rows)
        if data is None:
            raise _too_many(max_rows, "rows")
        return data
    rows = limited(answer.rows(), max_rows, "rows")  # formatted as they come
    if fmt == "table":
        return table(answer.variables, rows, width).encode("utf-8")
    return "".join(PIECES[fmt](answer.variables, rows)).encode("utf-8")


def write_answer(answer: Answer, fmt: str, stream: BinaryIO, width: int = TABLE_WIDTH) -> None:
    """An answer in the format `fmt`, with no row limit, written into `stream` as it
    comes, the same bytes `format_answer` gives; a table and a truth value, whole."""
    check_format(answer.form, fmt)
    if answer.form == "CONSTRUCT":
        triples = (ox.Triple(*(to_oxigraph(term) for term in t)) for t in answer.triples())
        ox.serialize(triples, stream, format=RDF_FORMATS[fmt], prefixes=PREFIXES)
    elif answer.form == "SELECT" and fmt == "csv" and hasattr(answer, "write_csv"):
        answer.write_csv(stream)
    elif answer.form == "SELECT" and fmt in PIECES:
        pieces = PIECES[fmt](answer.variables, answer.rows())
        while batch := "".join(islice(pieces, ROWS_PER_WRITE)):
            stream.write(batch.encode("utf-8"))
    else:
        stream.write(format_answer(answer, fmt, 0, width))


def _boolean(value: bool, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{str(value).lower()}</boolean></sparql>\n"
        )
    if fmt == "table":
        return "yes\n" if value else "no\n"
    return f"{str(value).lower()}\n"


Rows = Iterable[tuple[Term | None, ...]]


def _cell(term: Term | None) -> str:
    return "" if term is None else printable(" ".join(term.text().split()))


def _fitted(cells: list[list[str]], room: int) -> list[int] | None:
    """Column widths that fit `room` characters, or None when the columns cannot fit
    without breaking words. Narrow columns keep their width; the widest are narrowed to
    one width, none below its longest word."""
    columns = list(zip(*cells, strict=True))
    natural = [max(map(len, column)) for column in columns]
    words = [
        max(len(word) for cell in column for word in [*cell.split(), ""]) for column in columns
    ]

    def widths(cap: int) -> list[int]:
        return [min(n, max(w, cap)) for n, w in zip(natural, words, strict=True)]

    if sum(widths(0)) > room:
        return None
    low, high = 0, max(natural, default=0)  # the widest cap that fits, by halves
    while low < high:
        cap = (low + high + 1) // 2
        low, high = (cap, high) if sum(widths(cap)) <= room else (low, cap - 1)
    return widths(low)


def _wrapped(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(width, 1), break_on_hyphens=False) or [""]


def _count(count: int) -> str:
    return f"({count} row{'s' if count != 1 else ''})"


def table(variables: list[str], rows: Rows, width: int = TABLE_WIDTH) -> str:
    """Rows as an aligned text table for people, at most `width` characters wide.

    The widest columns are narrowed and their values wrapped onto continuation lines at
    spaces, never cut. When the columns cannot fit so, each row is shown as a record
    instead: one line a variable, its value wrapped beside it.
    """
    cells = [[_cell(term) for term in row] for row in rows]
    widths = _fitted([variables, *cells], width - 2 * (len(variables) - 1))
    if widths is None:
        return _records(variables, cells, width)
    lines = []
    for row in [variables, ["-" * w for w in widths], *cells]:
        parts = [_wrapped(cell, w) for cell, w in zip(row, widths, strict=True)]
        for depth in range(max((len(part) for part in parts), default=1)):
            pieces = [part[depth] if depth < len(part) else "" for part in parts]
            line = "  ".join(p.ljust(w) for p, w in zip(pieces, widths, strict=True))
            lines.append(line.rstrip())
    lines.append(_count(len(cells)))
    return "\n".join(lines) + "\n"


def _records(variables: list[str], cells: list[list[str]], width: int) -> str:
    """Rows one after another, each variable on a line with its value wrapped beside it."""
    label = max(map(len, variables))
    room = max(width - label - 2, TABLE_MIN_WIDTH)
    lines = []
    for number, row in enumerate(cells, 1):
        lines.append(f"-[ row {number} ]".ljust(min(width, label + 2 + room), "-"))
        for variable, cell in zip(variables, row, strict=True):
            for depth, piece in enumerate(_wrapped(cell, room)):
                lines.append(f"{variable if depth == 0 else '':<{label}}  {piece}".rstrip())
    lines.append(_count(len(cells)))
    return "\n".join(lines) + "\n"


def _plain(term: Term) -> str:
    return f"_:{term.value}" if term.kind == "bnode" else term.value


def csv_pieces(variables: list[str], rows: Rows) -> Iterator[str]:
    """SPARQL 1.1 CSV, a line at a time: plain values, no types or languages."""
    import csv  # Oxigraph writes its own answers' CSV

    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\r\n")

    def written(values: list[str]) -> str:
        writer.writerow(values)
        text = line.getvalue()
        line.seek(0)
        line.truncate()
        return text

    yield written(variables)
    for row in rows:
        yield written(["" if t is None else _plain(t) for t in row])


def tsv_pieces(variables: list[str], rows: Rows) -> Iterator[str]:
    """SPARQL 1.1 TSV, a line at a time: terms in N-Triples syntax."""
    yield "\t".join(f"?{v}" for v in variables) + "\n"
    for row in rows:
        yield "\t".join("" if t is None else t.n3() for t in row) + "\n"


def _json_term(term: Term) -> dict[str, str]:
    kinds = {"iri": "uri", "bnode": "bnode", "literal": "literal"}
    value = {"type": kinds[term.kind], "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype:
        value["datatype"] = term.datatype
    return value


def json_pieces(variables: list[str], rows: Rows) -> Iterator[str]:
    """SPARQL 1.1 Query Results JSON, one binding to a line."""
    head = json.dumps({"vars": variables}, ensure_ascii=False)
    yield f'{{"head": {head}, "results": {{"bindings": ['
    separator = "\n"
    for row in rows:
        binding = {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        yield separator + json.dumps(binding, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}}\n"


_NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"  # compiled when XML is asked for


def _xml_term(term: Term) -> str:
    from xml.sax.saxutils import escape, quoteattr  # it imports urllib: only when needed

    if re.search(_NOT_XML, term.value):
        raise InputError(
            "a value holds control characters that XML 1.0 cannot carry: use --format json"
        )
    if term.kind == "iri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def xml_pieces(variables: list[str], rows: Rows) -> Iterator[str]:
    """SPARQL Query Results XML, a line at a time."""
    from xml.sax.saxutils import quoteattr

    yield '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
    yield "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head>\n"
    yield "<results>\n"
    for row in rows:
        bound = "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        )
        yield f"<result>{bound}</result>\n"
    yield "</results>\n</sparql>\n"


PIECES: dict[str, Callable[[list[str], Rows], Iterator[str]]] = {
    "csv": csv_pieces,
    "tsv": tsv_pieces,
    "json": json_pieces,
    "xml": xml_pieces,
}
"""Each result format's writer: the pieces of its document, in order."""
