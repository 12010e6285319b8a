"""Claim sheets: the claims of one source as rows of a tab-separated file.

A sheet is what an analyst writes instead of Turtle: one row a statement, as in Wikidata's
QuickStatements, beside the source's text file. Tabs, because quotes from articles are
full of commas and quotation marks that CSV would have to escape, and because a
spreadsheet pastes and saves tab-separated rows as they are. The first row names the
columns (`subject predicate object by modality quote note`, and `prefix`/`suffix` for a
quote that occurs more than once); lines starting with `#` are comments.

- A row with `by` is a claim: the fact, who asserts it (`article` for the source's own
  author, a name of the graph, or `NAME via DOCUMENT`), its modality, and the quote as
  copied. The tool finds the quote in the text and writes the selectors.
- A row without `by` names things: `a` (a class), `label@LANG`, `altLabel@LANG`,
  `definition@LANG`, `comment@LANG`. The subject `source` describes the source itself
  (`file`, `title@LANG`, `lang`, `published`, `url`, `a`).

Every mistake of a sheet is reported at once, one line each: file, row, column, what is
wrong, and the nearest known name or sentence.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.atomic import write_atomic
from graph.errors import InputError, SheetErrors
from graph.prefixes import PREFIXES, expand
from graph.quotes import QuoteNotFound, locate
from graph.store.terms import parse_term, to_oxigraph

SUFFIX = ".tsv"
COLUMNS = ("subject", "predicate", "object", "by", "modality", "quote", "note", "prefix", "suffix")
MODALITIES = {m.lower(): m for m in ("Fact", "Plan", "Forecast", "Opinion", "Purpose")}
_NAMING = {
    "label": PREFIXES["rdfs"] + "label",
    "altlabel": PREFIXES["skos"] + "altLabel",
    "definition": PREFIXES["skos"] + "definition",
    "comment": PREFIXES["rdfs"] + "comment",
}
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_PREFIXED = re.compile(r"([a-z][a-z0-9-]*):([A-Za-z0-9_][\w.-]*)")
_AMOUNT = re.compile(r"([A-Z]{3}) ([>~]?)(\d+)")
_AUTHOR = {"en": "the author of \u2018{}\u2019", "de": "Autor von \u201e{}\u201c"}
_LITERAL = re.compile(r'".*|[+-]?\d+(\.\d+)?|true|false', re.S)


def _term(name: str) -> ox.NamedNode:
    return ox.NamedNode(expand(name))


RDF_TYPE, RDFS_LABEL, RDFS_COMMENT = _term("rdf:type"), _term("rdfs:label"), _term("rdfs:comment")
_KG = PREFIXES["kg"]


@dataclass
class Vocabulary:
    """What a sheet may name: the ontology's classes and properties, and the individuals
    every file of the project declares (with their classes)."""

    classes: set[str] = field(default_factory=set)
    properties: set[str] = field(default_factory=set)
    types: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, triples: Iterable[ox.Triple]) -> Vocabulary:
        kinds = {
            PREFIXES["owl"] + "Class": "classes",
            PREFIXES["rdfs"] + "Class": "classes",
            **dict.fromkeys(
                (
                    PREFIXES["owl"] + kind
                    for kind in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")
                ),
                "properties",
            ),
            PREFIXES["rdf"] + "Property": "properties",
        }
        vocabulary = cls()
        for triple in triples:
            if triple.predicate == RDF_TYPE and isinstance(triple.subject, ox.NamedNode):
                vocabulary.declare(triple.subject.value, triple.object.value)
                kind = kinds.get(triple.object.value)
                if kind:
                    getattr(vocabulary, kind).add(triple.subject.value)
        return vocabulary

    def declare(self, individual: str, type_iri: str) -> None:
        self.types.setdefault(individual, set()).add(type_iri)


@dataclass(frozen=True)
class Row:
    path: Path
    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    def error(self, column: str, message: str) -> str:
        return f"{self.path}:{self.number}: {column}: {message}"


class _Problems(Exception):
    """One mistake of a row, for the sheet's list."""


def read_rows(path: Path) -> list[Row]:
    """The rows of a sheet, each with its line number; the header names the columns."""
    rows: list[Row] = []
    header: list[str] | None = None
    with path.open(encoding="utf-8-sig", newline="") as file:
        for number, cells in enumerate(csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not any(c.strip() for c in cells) or cells[0].startswith("#"):
                continue
            cells = [c.strip() for c in cells]
            if header is None:
                header = [c.lower() for c in cells]
                unknown = [c for c in header if c not in COLUMNS]
                missing = [c for c in ("subject", "predicate", "object") if c not in header]
                if unknown or missing:
                    what = (
                        f"unknown column {unknown[0]!r}" if unknown else f"no column {missing[0]!r}"
                    )
                    raise SheetErrors(
                        [f"{path}:{number}: header: {what} (the columns are {', '.join(COLUMNS)})"]
                    )
                continue
            rows.append(Row(path, number, dict(zip(header, cells, strict=False))))
    if header is None:
        raise SheetErrors([f"{path}:1: header: the sheet is empty"])
    return rows


def source_iri(path: Path) -> str:
    """The IRI of the source a sheet describes: `kg:article-` and the sheet's name."""
    return f"{_KG}article-{path.name.removesuffix(SUFFIX)}"


def declared(path: Path, rows: list[Row]) -> Iterator[tuple[str, str]]:
    """Each individual the rows of a sheet declare with `a`, and its class, before any
    sheet is compiled, so that sheets may name each other's individuals."""
    source = source_iri(path)
    for row in rows:
        if row["predicate"] == "a" and row["subject"]:
            subject = source if row["subject"] == "source" else _iri(row["subject"], _KG)
            yield subject, _iri(row["object"], PREFIXES["mg"])
    yield source, PREFIXES["mg"] + "SourceDocument"
    yield _author(source), PREFIXES["prov"] + "Agent"


def _is_prefixed(text: str) -> bool:
    match = _PREFIXED.fullmatch(text)
    return bool(match) and match.group(1) in PREFIXES


def _iri(text: str, namespace: str) -> str:
    """A name of the sheet as an IRI: prefixed names as they read, bare ones in the
    namespace (kg: for individuals, mg: for classes and properties)."""
    return expand(text) if _is_prefixed(text) else namespace + text


def _author(source: str) -> str:
    return source.replace(f"{_KG}article-", f"{_KG}author-", 1)


def _slug(text: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("ß", "ss")).strip("-")
    return slug[:limit].rstrip("-") or "x"


def _local(node: ox.NamedNode | ox.Literal) -> str:
    if isinstance(node, ox.Literal):
        language = f"-{node.language}" if node.language else ""
        return _slug(node.value) + language
    value = node.value
    return _slug(value.removeprefix(_KG) if value.startswith(_KG) else re.split(r"[#/]", value)[-1])


def _closest(word: str, names: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(names), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _readable(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            return local if prefix in ("kg", "mg") else f"{prefix}:{local}"
    return iri


class Sheet:
    """One sheet compiled to triples: the source, its facts, their claims and quotes."""

    def __init__(self, path: Path, vocabulary: Vocabulary, seeds_dir: Path) -> None:
        self.path, self.vocabulary, self.seeds_dir = path, vocabulary, seeds_dir
        self.source = ox.NamedNode(source_iri(path))
        self.author = ox.NamedNode(_author(self.source.value))
        self.triples: list[ox.Triple] = []
        self._claims: set[str] = set()
        self._text: str | None = None

    def compile(self, rows: list[Row]) -> list[ox.Triple]:
        errors: list[str] = []
        for row in (r for r in rows if r["subject"] == "source"):
            self._guard(errors, self._source_row, row)
        if self._text is None:  # no quote can be looked for: say that alone
            raise SheetErrors(
                errors or [f"{self.path}:1: source: no row 'source file NAME' names the text"]
            )
        self._add(self.source, RDF_TYPE, _term("mg:SourceDocument"))
        self._add(self.source, _term("prov:wasAttributedTo"), self.author)
        self._add(self.author, RDF_TYPE, _term("prov:Agent"))
        self._add(self.author, RDF_TYPE, _term("mg:Author"))
        for row in (r for r in rows if r["subject"] != "source"):
            self._guard(errors, self._row, row)
        if errors:
            raise SheetErrors(errors)
        return self.triples

    def _add(self, subject, predicate, object_) -> None:
        self.triples.append(ox.Triple(subject, predicate, object_))

    # The source ------------------------------------------------------------------

    def _source_row(self, row: Row) -> None:
        predicate, value = row["predicate"], row["object"]
        key, _, language = predicate.partition("@")
        if key == "file":
            text_path = self.seeds_dir / value
            if Path(value).name != value or not text_path.is_file():
                raise _Problems(row.error("object", f"no text file {value!r} in {self.seeds_dir}"))
            self._text = text_path.read_text(encoding="utf-8")
            self._add(self.source, _term("mg:localFile"), ox.Literal(value))
        elif key == "title" and language:
            self._add(self.source, RDFS_LABEL, ox.Literal(value, language=language))
            self._add(
                self.author,
                RDFS_LABEL,
                ox.Literal(_AUTHOR.get(language, "{}").format(value), language=language),
            )
        elif key == "lang":
            self._add(self.source, _term("schema:inLanguage"), ox.Literal(value))
        elif key == "published":
            self._add(
                self.source,
                _term("schema:datePublished"),
                ox.Literal(value, datatype=_term("xsd:date")),
            )
        elif key == "url":
            self._add(
                self.source, _term("schema:url"), ox.Literal(value, datatype=_term("xsd:anyURI"))
            )
        elif key == "a":
            self._add(self.source, RDF_TYPE, self._class(row))
        else:
            raise _Problems(
                row.error(
                    "predicate",
                    f"{predicate!r}: a source row is file, title@LANG, lang, published, url or a",
                )
            )

    # Facts and names -------------------------------------------------------------

    def _row(self, row: Row) -> None:
        problems: list[str] = []
        subject = self._guard(problems, self._individual, row, "subject")
        key, _, language = row["predicate"].partition("@")
        if key.lower() in _NAMING and language:
            if row["by"]:
                problems.append(row.error("by", f"{key} names a thing; it takes no 'by'"))
            if subject is not None:
                self._add(
                    subject,
                    ox.NamedNode(_NAMING[key.lower()]),
                    ox.Literal(row["object"], language=language),
                )
            if problems:
                raise _Problems(*problems)
            return
        if key == "a":
            predicate, object_ = RDF_TYPE, self._guard(problems, self._class, row)
        else:
            predicate = self._guard(problems, self._property, row)
            object_ = self._guard(problems, self._object, row, subject, predicate)
        claimed = bool(row["by"] or row["modality"] or row["quote"])
        if predicate != RDF_TYPE and not claimed:
            problems.append(
                row.error("by", "a fact needs who asserts it (by), its modality and its quote")
            )
        parts = None
        if claimed:
            parts = self._guard(problems, self._claim_parts, row)
        if problems:
            raise _Problems(*problems)
        facts = object_ if isinstance(object_, list) else [(subject, predicate, object_)]
        for fact in facts:
            self._add(*fact)
            if parts is not None:
                self._claim(row, fact, *parts)

    def _guard(self, problems: list[str], read, row: Row, *args):
        try:
            return read(row, *args)
        except _Problems as found:
            problems.extend(found.args)
            return None

    def _individual(self, row: Row, column: str) -> ox.NamedNode:
        return self._named(row, column, row[column])

    def _named(self, row: Row, column: str, text: str) -> ox.NamedNode:
        if not text:
            raise _Problems(row.error(column, "empty"))
        iri = _iri(text, _KG) if _NAME.fullmatch(text) else self._prefixed(row, column, text)
        if iri not in self.vocabulary.types:
            names = [n.removeprefix(_KG) for n in self.vocabulary.types if n.startswith(_KG)]
            raise _Problems(
                row.error(
                    column,
                    f"unknown name {text!r}{_closest(text, names)}; "
                    "declare it with a row 'NAME a CLASS'",
                )
            )
        return ox.NamedNode(iri)

    def _prefixed(self, row: Row, column: str, text: str) -> str:
        if not _is_prefixed(text):
            raise _Problems(
                row.error(
                    column,
                    f"{text!r} is not a name (lower-case words with hyphens) nor prefix:name",
                )
            )
        return expand(text)

    def _class(self, row: Row) -> ox.NamedNode:
        text = row["object"]
        iri = _iri(text, PREFIXES["mg"])
        if iri not in self.vocabulary.classes:
            names = [_readable(c) for c in self.vocabulary.classes]
            raise _Problems(row.error("object", f"unknown class {text!r}{_closest(text, names)}"))
        return ox.NamedNode(iri)

    def _property(self, row: Row) -> ox.NamedNode:
        text = row["predicate"]
        iri = self._prefixed(row, "predicate", text) if ":" in text else PREFIXES["mg"] + text
        if iri not in self.vocabulary.properties:
            names = [_readable(p) for p in self.vocabulary.properties]
            raise _Problems(
                row.error("predicate", f"unknown property {text!r}{_closest(text, names)}")
            )
        return ox.NamedNode(iri)

    def _object(self, row: Row, subject, predicate):
        text = row["object"]
        amount = _AMOUNT.fullmatch(text)
        if amount:
            return self._amount(subject, predicate, *amount.groups())
        if _LITERAL.fullmatch(text):
            try:
                return to_oxigraph(parse_term(text))
            except InputError:
                pass
        elif _NAME.fullmatch(text) or _PREFIXED.fullmatch(text):
            return self._individual(row, "object")
        raise _Problems(
            row.error(
                "object",
                f'{text!r} is not a name, number, amount (USD ~50000) or literal ("text"@de)',
            )
        )

    def _amount(self, subject, predicate, currency: str, bound: str, value: str) -> list:
        """An amount of money with its bound: `USD >1000` (more than), `USD ~50` (about)."""
        if subject is None or predicate is None:
            raise _Problems()  # the subject's or predicate's own mistake is told already
        node = ox.NamedNode(f"{_KG}amount-{_local(subject)}-{_local(predicate)}")
        self._add(node, RDF_TYPE, _term("schema:MonetaryAmount"))
        figure = f"{int(value):,}"
        words = {"": ("", ""), ">": ("more than ", "mehr als "), "~": ("about ", "etwa ")}[bound]
        self._add(node, RDFS_LABEL, ox.Literal(f"{words[0]}{figure} {currency}", language="en"))
        self._add(
            node,
            RDFS_LABEL,
            ox.Literal(f"{words[1]}{figure.replace(',', '.')} {currency}", language="de"),
        )
        number = ox.Literal(value, datatype=_term("xsd:integer"))
        facts = [
            (subject, predicate, node),
            (node, _term("schema:minValue" if bound == ">" else "schema:value"), number),
            (node, _term("schema:currency"), ox.Literal(currency)),
        ]
        if bound == "~":
            facts.append(
                (node, _term("mg:approximate"), ox.Literal("true", datatype=_term("xsd:boolean")))
            )
        return facts

    # Claims ----------------------------------------------------------------------

    def _claim_parts(self, row: Row):
        problems: list[str] = []
        agent = document = None
        by, _, via = row["by"].partition(" via ")
        if not by:
            problems.append(
                row.error("by", "who asserts it: 'article', a name, or 'NAME via DOCUMENT'")
            )
        elif by == "article":
            agent = self.author
        else:
            agent = self._guard(problems, self._named, row, "by", by)
        if via:
            document = self._guard(problems, self._named, row, "by", via)
        modality = MODALITIES.get(row["modality"].lower())
        if modality is None:
            problems.append(
                row.error(
                    "modality",
                    f"{row['modality']!r}: one of {', '.join(MODALITIES)}"
                    + _closest(row["modality"], MODALITIES),
                )
            )
        span = self._guard(problems, self._span, row)
        if problems:
            raise _Problems(*problems)
        return agent, document, _term(f"mg:{modality}"), span

    def _span(self, row: Row):
        try:
            return locate(self._text or "", row["quote"], row["prefix"], row["suffix"])
        except QuoteNotFound as reason:
            raise _Problems(row.error("quote", str(reason))) from None

    def _attribution_kind(self, agent: ox.NamedNode) -> ox.NamedNode:
        if agent == self.author:
            return _term("mg:ReportedByArticle")
        if PREFIXES["mg"] + "AnonymousSourceGroup" in self.vocabulary.types.get(agent.value, ()):
            return _term("mg:AnonymousSources")
        return _term("mg:StatedByCompany")

    def _claim(self, row: Row, fact, agent, document, modality, span) -> None:
        subject, predicate, object_ = fact
        stem = _local(self.source).removeprefix("article-")  # two sources, two claims
        base = f"{_KG}claim-{stem}-{_local(subject)}-{_local(predicate)}-{_local(object_)}"
        claim_iri, n = base, 1
        while claim_iri in self._claims:
            n += 1
            claim_iri = f"{base}-{n}"
        self._claims.add(claim_iri)
        claim = ox.NamedNode(claim_iri)
        attribution = ox.NamedNode(
            f"{_KG}attribution-{_local(agent)}" + (f"-via-{_local(document)}" if document else "")
        )
        evidence = ox.NamedNode(f"{_KG}quote-{_local(self.source)}-{span.start}-{span.end}")
        text_selector = ox.NamedNode(f"{evidence.value}-text")
        position_selector = ox.NamedNode(f"{evidence.value}-position")
        mg, prov, oa = (lambda local, p=p: _term(f"{p}:{local}") for p in ("mg", "prov", "oa"))
        for p, o in (
            (RDF_TYPE, mg("Claim")),
            (_term("rdf:subject"), subject),
            (_term("rdf:predicate"), predicate),
            (_term("rdf:object"), object_),
            (mg("attribution"), self._attribution_kind(agent)),
            (mg("modality"), modality),
            (prov("wasAttributedTo"), agent),
            (prov("qualifiedAttribution"), attribution),
            (prov("wasDerivedFrom"), self.source),
            (mg("evidence"), evidence),
        ):
            self._add(claim, p, o)
        if row["note"]:
            self._add(claim, RDFS_COMMENT, ox.Literal(row["note"], language="en"))
        self._add(attribution, RDF_TYPE, prov("Attribution"))
        self._add(attribution, prov("agent"), agent)
        if document is not None:
            self._add(attribution, mg("statedIn"), document)
        self._add(evidence, RDF_TYPE, oa("SpecificResource"))
        self._add(evidence, oa("hasSource"), self.source)
        self._add(evidence, oa("hasSelector"), text_selector)
        self._add(evidence, oa("hasSelector"), position_selector)
        text = self._text or ""
        self._add(text_selector, RDF_TYPE, oa("TextQuoteSelector"))
        self._add(text_selector, oa("exact"), ox.Literal(text[span.start : span.end]))
        if row["prefix"]:
            self._add(
                text_selector,
                oa("prefix"),
                ox.Literal(text[max(0, span.start - len(row["prefix"])) : span.start]),
            )
        if row["suffix"]:
            self._add(
                text_selector,
                oa("suffix"),
                ox.Literal(text[span.end : span.end + len(row["suffix"])]),
            )
        self._add(position_selector, RDF_TYPE, oa("TextPositionSelector"))
        integer = _term("xsd:integer")
        self._add(position_selector, oa("start"), ox.Literal(str(span.start), datatype=integer))
        self._add(position_selector, oa("end"), ox.Literal(str(span.end), datatype=integer))


STARTER = """\
# Claims of {text} (docs/model.md, "Claim sheets"): one row a statement, tabs between
# the cells. Rows with "by" are claims: the fact, who asserts it (article, a name, or
# NAME via DOCUMENT), its modality (fact, plan, forecast, opinion, purpose) and the quote
# as copied from the text. Rows without "by" name things: NAME a CLASS, NAME label@LANG.
# For example (remove the "# " to use it):
# acme\ta\tCompany
# acme\tlabel@{lang}\tAcme
# musk\tcontrols\tacme\tarticle\tfact\tthe words of the text that say so
subject\tpredicate\tobject\tby\tmodality\tquote\tnote
source\tfile\t{text}
source\ttitle@{lang}\t{title}
source\tlang\t{lang}
"""


def starter_sheet(text: str, title: str, lang: str, published: str = "", url: str = "") -> str:
    """A new sheet for the text file `text`: its source rows, and how to add claims."""
    sheet = STARTER.format(text=text, title=title, lang=lang)
    sheet += f"source\tpublished\t{published}\n" if published else ""
    return sheet + (f"source\turl\t{url}\n" if url else "")


def compile_sheet(
    path: Path, rows: list[Row], vocabulary: Vocabulary, seeds_dir: Path
) -> list[ox.Triple]:
    """The triples of a sheet's rows (duplicates removed, in row order), or every mistake
    in them."""
    return list(dict.fromkeys(Sheet(path, vocabulary, seeds_dir).compile(rows)))


def add_source(
    seeds_dir: Path, text: Path, title: str | None, lang: str | None, published: str, url: str
) -> tuple[Path, Path]:
    """Copy a text into seeds/ (unless it is there) and write its starter sheet beside it;
    the text and the sheet written. The sheet is named after the text (`NAME.LANG.txt`
    gives `NAME.tsv`), and an existing sheet is never overwritten."""
    try:
        content = text.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SheetErrors([f"{text}: no such text file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SheetErrors([f"{text}: cannot read as UTF-8 text: {error}"]) from None
    name, _, suffix = text.name.removesuffix(".txt").partition(".")
    lang = lang or suffix
    if not re.fullmatch(r"[a-z]{2,3}", lang or ""):
        raise SheetErrors([f"{text}: give the text's language (--lang de, en, …)"])
    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        raise SheetErrors([f"--published {published!r}: a date as YYYY-MM-DD"])
    title = title or next((line.strip() for line in content.splitlines() if line.strip()), name)
    target, sheet = seeds_dir / text.name, seeds_dir / f"{_slug(name, 80)}{SUFFIX}"
    if sheet.exists():
        raise SheetErrors([f"{sheet}: a sheet of that name exists already"])
    if target.exists() and target.read_text(encoding="utf-8") != content:
        raise SheetErrors([f"{target}: another text of that name is in {seeds_dir}"])
    written = [sheet] + ([] if target.exists() else [target])
    write_atomic(sheet, starter_sheet(target.name, title, lang, published, url).encode("utf-8"))
    if target in written:
        write_atomic(target, content.encode("utf-8"))
    return target, sheet
