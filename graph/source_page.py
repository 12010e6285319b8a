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
_KINDS = """
SELECT DISTINCT ?attribution ?modality ?quoted WHERE {
  ?claim mg:attribution ?attribution ; mg:modality ?modality .
  BIND (EXISTS { ?claim mg:evidence ?evidence } AS ?quoted)
}
"""
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
    looks = _looks(engine, names)
    pages = {}
    for source in sources.values():
        name, path = page_name(source.file), seeds_dir / source.file
        if name is None or not path.is_file():
            continue  # a source of loaded data, or an endpoint's: no text to show
        text = path.read_text(encoding="utf-8")
        pages[name] = _page(source, text, names, *looks)
    return pages


def _page(source: _Source, text: str, names: Names, attributions: dict, modalities: dict) -> str:
    claims, spans, seen = [], [], {}
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
        # the legend: only what the page holds
        "attributions": {
            k: v for k, v in attributions.items() if any(c["attribution"] == k for c in claims)
        },
        "modalities": {
            k: v for k, v in modalities.items() if any(c["modality"] == k for c in claims)
        },
    }
    return _template().render(title=data["title"], data=data)


def _looks(engine: Engine, names: Names) -> tuple[dict[str, dict], dict[str, dict]]:
    """How each attribution and modality of the graph is marked: in the colour and (for
    what is not a fact) the line its edges are drawn in by the graph view, which hands
    them out over the same attributions (each with whether its claims quote a source)
    and modalities of the whole graph."""
    quoted: dict[Term, bool] = {}
    kinds: set[Term] = set()
    for attribution, modality, quotes in engine.query(_KINDS, "<kinds of claim>").rows():
        quoted[attribution] = quoted.get(attribution, False) or quotes.value == "true"
        kinds.add(modality)
    names.learn([*quoted, *kinds])
    styles = edge_styles((t.value, names.label(t), q) for t, q in quoted.items())
    lines = modality_styles((t.value, names.label(t)) for t in kinds)
    underlines = itertools.cycle(_LINES)
    return (
        {t.value: {"name": names.label(t), "colour": styles[t.value].color} for t in quoted},
        {
            iri: {"name": kind["name"], "line": next(underlines) if kind["dashes"] else "solid"}
            for iri, kind in lines.items()  # in the order modality_styles hands out dashes
        },
    )


def _object_words(term: Term, names: Names) -> str:
    return names.label(term) if term.kind == "iri" else term.value


@cache
def _template():
    env = Environment(loader=PackageLoader("graph", "templates"), autoescape=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}
    return env.get_template("source.html")
