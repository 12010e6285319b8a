"""The reading view: each source document as a page a person reads, its text as it
stands with every quoted passage marked by who asserts it (colour) and what kind of
statement it is (underline), and on click the claims the passage supports, with links
to their nodes in the graph view.

Like the other views the page is one offline file; the text and the claims go in as
JSON and become DOM text with ``textContent``, never markup.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader

from graph.describe import page_name
from graph.names import Names
from graph.query import Engine
from graph.store.terms import Term
from graph.style import edge_styles, modality_styles

_CLAIMS = """
SELECT ?source ?file ?title ?claim ?start ?end ?s ?p ?o ?attribution ?modality ?agent
WHERE {
  ?source a mg:SourceDocument ; mg:localFile ?file .
  OPTIONAL { ?source rdfs:label ?title FILTER (langMatches(lang(?title), "en")) }
  ?claim prov:wasDerivedFrom ?source ; mg:evidence/oa:hasSelector ?position ;
         rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
         mg:attribution ?attribution ; mg:modality ?modality .
  ?position oa:start ?start ; oa:end ?end .
  OPTIONAL { ?claim prov:wasAttributedTo ?agent }
}
ORDER BY ?source ?start ?end ?claim
"""
# Underlines for the kinds of statement other than fact, in the order graph.style gives
# them their dashes; a fact is underlined solid, as its edge is drawn solid.
_LINES = ("dashed", "dotted", "double", "wavy")
GRAPH_PAGE = "muskgraph.html"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class _Source:
    iri: str
    file: str
    title: str
    rows: list[tuple]


def _segments(text: str, spans: list[tuple[int, int, int]]) -> list[list]:
    """The text cut at every quote's ends: each piece with the claims whose quote covers
    it, and its offsets (code points, as the selectors count them)."""
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = sorted({claim for s, e, claim in spans if s <= start and end <= e})
        pieces.append([text[start:end], covering, start, end])
    return pieces


def source_pages(engine: Engine, seeds_dir: Path, names: Names) -> dict[str, str]:
    """Each source document whose text is in `seeds_dir`, as its page, by file name."""
    sources: dict[str, _Source] = {}
    for row in engine.query(_CLAIMS, "<source pages>").rows():
        source, file, title = row[0], row[1], row[2]
        found = sources.setdefault(
            source.value, _Source(source.value, file.value, title.value if title else "", [])
        )
        found.rows.append(row[3:])
    names.learn(t for s in sources.values() for row in s.rows for t in row[3:] if t is not None)
    pages = {}
    for source in sources.values():
        path = seeds_dir / source.file
        if Path(source.file).name != source.file or not path.is_file():
            continue  # a source of loaded data, or an endpoint's: no text to show
        pages[page_name(source.file)] = _page(source, path.read_text(encoding="utf-8"), names)
    return pages


def _page(source: _Source, text: str, names: Names) -> str:
    claims, spans, seen = [], [], {}
    attributions, modalities = _looks(source, names)
    for claim, start, end, s, p, o, attribution, modality, agent in source.rows:
        if claim.value not in seen:
            seen[claim.value] = len(claims)
            kind, line = attributions[attribution.value], modalities[modality.value]
            claims.append(
                {
                    "statement": [names.label(s), names.label(p), _object_words(o, names)],
                    "nodes": [s.value]
                    + ([o.value] if o.kind == "iri" and p.value != _TYPE else []),
                    "attribution": attribution.value,
                    "attributionName": kind["name"],
                    "agent": names.label(agent) if agent is not None else "",
                    "modality": modality.value,
                    "modalityName": line["name"],
                }
            )
        spans.append((int(start.value), int(end.value), seen[claim.value]))
    data = {
        "title": source.title or source.file,
        "file": source.file,
        "graphPage": GRAPH_PAGE,
        "segments": _segments(text, spans),
        "claims": claims,
        "attributions": attributions,
        "modalities": modalities,
    }
    return _template().render(title=data["title"], data=data)


def _looks(source: _Source, names: Names) -> tuple[dict[str, dict], dict[str, dict]]:
    """How each attribution and modality of the source's claims is marked: in the colour
    and (for what is not a fact) the line that the graph view draws its edges in."""
    found = {t.value: names.label(t) for row in source.rows for t in row[6:8]}
    styles = edge_styles((iri, name, True) for iri, name in found.items())
    kinds = modality_styles(found.items())
    attributions = {
        iri: {"name": found[iri], "colour": styles[iri].color}
        for iri in sorted({row[6].value for row in source.rows})
    }
    lines = itertools.cycle(_LINES)
    modalities = {
        iri: {"name": found[iri], "line": "solid" if not kinds[iri]["dashes"] else next(lines)}
        for iri in sorted({row[7].value for row in source.rows})
    }
    return attributions, modalities


def _object_words(term: Term, names: Names) -> str:
    return names.label(term) if term.kind == "iri" else term.value


@cache
def _template():
    env = Environment(loader=PackageLoader("graph", "templates"), autoescape=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}
    return env.get_template("source.html")
