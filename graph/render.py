"""Draw the graph as one self-contained, offline HTML page (pyvis / vis-network).

Node and edge data go into the page as JSON (Jinja's ``tojson`` escapes ``<``, ``>``, ``&``
and ``'``); tooltips are plain text that the page turns into DOM elements with
``textContent``, so labels and quotes, which are data, can never become markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyvis
from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from pyvis.network import Network
from rdflib import OWL, RDF, RDFS, SDO, SKOS, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from graph.describe import Describer
from graph.namespaces import MG, OA

__all__ = ["FAMILIES", "render_construct", "render_graph", "vertical_integration_view"]


@dataclass(frozen=True)
class Family:
    """How the nodes of one family of classes look, and its line in the legend."""

    key: str
    name: str
    roots: tuple[URIRef, ...]
    color: str
    shape: str
    glyph: str


#: Checked in order; a node belongs to the first family one of its types falls under.
FAMILIES = (
    Family("person", "Person", (MG.Person,), "#e15759", "dot", "\u25cf"),
    Family(
        "organisation",
        "Company / organisation",
        (MG.Organization, MG.Company),
        "#4e79a7",
        "square",
        "\u25a0",
    ),
    Family("business-line", "Business line", (MG.BusinessLine,), "#59a14f", "hexagon", "\u2b22"),
    Family("event", "Corporate event", (MG.CorporateEvent,), "#f28e2b", "diamond", "\u25c6"),
    Family(
        "rationale", "Strategic rationale", (MG.StrategicRationale,), "#b07aa1", "star", "\u2605"
    ),
    Family("other", "Other", (), "#9d9d9d", "triangle", "\u25b2"),
)

# Predicates that describe a node or belong to the claim machinery, never facts.
_NOT_FACTS = frozenset(
    {
        RDFS.label,
        RDFS.comment,
        SKOS.prefLabel,
        SKOS.altLabel,
        SKOS.definition,
        SKOS.inScheme,
        SDO.sameAs,
        SDO.name,
        OWL.sameAs,
        MG.status,
        MG.evidence,
        PROV.wasDerivedFrom,
    }
)
_NOT_FACT_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(OA))
# IRIs in these namespaces are ontology or schema terms: shown in tooltips, never nodes.
_VOCABULARIES = (
    str(MG),
    str(RDF),
    str(RDFS),
    str(OWL),
    str(SKOS),
    str(SDO),
    str(PROV),
    str(OA),
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/ns/shacl#",
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/2006/time#",
    "http://purl.org/dc/terms/",
    "https://spec.edmcouncil.org/fibo/ontology/",
)
_TERM_TYPES = frozenset(
    {
        RDFS.Class,
        OWL.Class,
        RDF.Property,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.Ontology,
        SKOS.ConceptScheme,
        URIRef("http://www.w3.org/ns/shacl#NodeShape"),
        URIRef("http://www.w3.org/ns/shacl#PropertyShape"),
    }
)
_ALL = (None, None, None)  # graph.triples(_ALL), not iter(graph): a Dataset iterates quads

_OPTIONS = {
    "layout": {"randomSeed": 20240601, "improvedLayout": True},
    "physics": {
        "solver": "barnesHut",
        "barnesHut": {
            "gravitationalConstant": -12000,
            "centralGravity": 0.15,
            "springLength": 200,
            "springConstant": 0.03,
            "damping": 0.35,
            "avoidOverlap": 0.6,
        },
        "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
        "minVelocity": 1,
        "maxVelocity": 40,
    },
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
    "nodes": {"size": 16, "font": {"size": 14, "face": "sans-serif"}},
    "edges": {
        "color": {"color": "#8a8a8a", "highlight": "#333333", "hover": "#333333"},
        "font": {"size": 11, "align": "middle", "face": "sans-serif"},
        "smooth": {"enabled": True, "type": "continuous", "roundness": 0.5},
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
    },
}


def render_graph(
    graph: Graph,
    title: str,
    *,
    only: set[URIRef] | None = None,
    predicates: set[URIRef] | None = None,
) -> str:
    """The HTML page of a network of the graph's facts, without the claim machinery.

    Nodes are the individuals that facts talk about; edges are the IRI-to-IRI fact
    triples; literal facts go into the node's tooltip. ``only`` keeps just those nodes
    (and the edges between them); ``predicates`` keeps just the edges with those
    predicates and the nodes they join.
    """
    excluded = _machinery(graph)

    def is_node(term: Node) -> bool:
        return isinstance(term, URIRef) and term not in excluded and not _is_term(graph, term)

    facts = [
        (s, p, o)
        for s, p, o in graph.triples(_ALL)
        if is_node(s)
        and p not in _NOT_FACTS
        and not str(p).startswith(_NOT_FACT_NAMESPACES)
        and isinstance(o, (URIRef, Literal))
    ]
    edges = {(s, p, o) for s, p, o in facts if is_node(o)}
    values = {(s, p, o) for s, p, o in facts if not is_node(o)}
    if predicates is not None:
        edges = {e for e in edges if e[1] in predicates}
    if only is not None:
        edges = {e for e in edges if e[0] in only and e[2] in only}
    if predicates is not None:
        nodes = {s for s, _, _ in edges} | {o for _, _, o in edges}
    else:
        typed = {s for s in graph.subjects(RDF.type, None) if is_node(s)}
        nodes = typed | {s for s, _, _ in facts} | {o for _, _, o in edges}
        if only is not None:
            nodes &= only
    return _page(graph, title, nodes, edges, values)


def vertical_integration_view(graph: Graph) -> str:
    """The business lines, the mg:feeds edges between them and who operates each line."""
    lines = {s for s in graph.subjects(RDF.type, None) if _family(graph, s).key == "business-line"}
    lines |= set(graph.subjects(MG.feeds, None)) | set(graph.objects(None, MG.feeds))
    lines |= set(graph.subjects(MG.operatedBy, None))
    operators = {o for line in lines for o in graph.objects(line, MG.operatedBy)}
    return render_graph(
        graph,
        "Vertical integration: which business line feeds which",
        only={n for n in lines | operators if isinstance(n, URIRef)},
        predicates={MG.feeds, MG.operatedBy},
    )


def render_construct(graph: Graph, title: str, *, schema: Graph | None = None) -> str:
    """The HTML page of any graph (e.g. a CONSTRUCT result), styled like render_graph.

    Every IRI-to-IRI triple is an edge, except rdf:type, which colours the node instead;
    literals go into the tooltips. ``schema`` (e.g. the full build) supplies the types,
    labels, subclass axioms and claims used for styling when ``graph`` lacks them.
    """
    context = graph
    if schema is not None:
        context = Graph()
        for source in (graph, schema):
            for triple in source.triples(_ALL):
                context.add(triple)
    triples = set(graph.triples(_ALL))
    edges = {
        (s, p, o)
        for s, p, o in triples
        if isinstance(s, URIRef) and isinstance(o, URIRef) and p != RDF.type
    }
    values = {(s, p, o) for s, p, o in triples if isinstance(s, URIRef) and isinstance(o, Literal)}
    nodes = {s for s, _, _ in edges} | {o for _, _, o in edges}
    nodes |= {s for s in graph.subjects() if isinstance(s, URIRef)}
    return _page(context, title, nodes, edges, values)


# --- what is a node ------------------------------------------------------------------


def _machinery(graph: Graph) -> set[Node]:
    """Claims, their quotes and selectors, and sources: never nodes of the facts."""
    excluded: set[Node] = set()
    for root in (MG.Claim, RDF.Statement, MG.Source, MG.SourceDocument, MG.BackgroundKnowledge):
        for cls in graph.transitive_subjects(RDFS.subClassOf, root):
            excluded.update(graph.subjects(RDF.type, cls))
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(o, URIRef) and str(o).startswith(str(OA)):
            excluded.add(s)
    excluded.update(graph.subjects(RDF.subject, None))
    for p in (MG.evidence, OA.hasSelector, OA.hasSource, PROV.wasDerivedFrom):
        excluded.update(graph.objects(None, p))
    return excluded


def _is_term(graph: Graph, iri: URIRef) -> bool:
    """Whether iri is an ontology or schema term rather than an individual."""
    if str(iri).startswith(_VOCABULARIES):
        return True
    return any(t in _TERM_TYPES for t in graph.objects(iri, RDF.type))


def _family(graph: Graph, node: Node) -> Family:
    classes: set[Node] = set()
    for cls in graph.objects(node, RDF.type):
        classes.update(graph.transitive_objects(cls, RDFS.subClassOf))
    return next(f for f in FAMILIES if not f.roots or classes.intersection(f.roots))


# --- the page -------------------------------------------------------------------------


def _page(
    graph: Graph,
    title: str,
    nodes: set[URIRef],
    edges: set[tuple[URIRef, URIRef, URIRef]],
    values: Iterable[tuple[Node, Node, Node]],
) -> str:
    describe = Describer(graph)
    node_values: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in values:
        node_values.setdefault(s, []).append((p, o))
    net = Network(height="80vh", width="100%", directed=True, heading=title)
    # Our template replaces pyvis's, which links Bootstrap and vis from CDNs, shows the
    # heading twice and, if any tooltip contains "href", sets tooltips with innerHTML.
    net.templateEnv = _environment()  # as Network.set_template_dir does
    net.path = "view.html"
    net.options = _OPTIONS
    for node in sorted(nodes, key=str):
        family = _family(graph, node)
        net.add_node(
            str(node),
            label=describe.label(node) or str(node),
            title=describe.node_title(node, node_values.get(node, [])),
            color=family.color,
            shape=family.shape,
            family=family.key,
        )
    parallel: dict[frozenset[str], int] = {}
    for s, p, o in sorted(edges, key=lambda e: tuple(map(str, e))):
        pair = frozenset((str(s), str(o)))
        extra = {}
        if pair in parallel:  # bend each further edge between the same two nodes apart
            extra["smooth"] = {
                "enabled": True,
                "type": "curvedCW",
                "roundness": 0.25 * parallel[pair],
            }
        parallel[pair] = parallel.get(pair, 0) + 1
        net.add_edge(
            str(s),
            str(o),
            label=describe.predicate(p),
            title=describe.edge_title((s, p, o)),
            predicate=str(p),
            **extra,
        )
    return net.generate_html()


def _vis_asset(name: str) -> Markup:
    """A file of the newest vis-network the installed pyvis ships (9.1.2 in pyvis 0.3.2)."""
    folders = (Path(pyvis.__file__).parent / "templates" / "lib").glob("vis-*")
    newest = max(folders, key=lambda f: tuple(int(n) for n in re.findall(r"\d+", f.name)))
    text = (newest / name).read_text(encoding="utf-8")
    # The .map file is not inlined: drop the reference so no tool goes looking for it.
    text = re.sub(r"^\s*/[/*][#@] sourceMappingURL=.*$", "", text, flags=re.M)
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{name} cannot be inlined: it closes its own element")
    return Markup(text)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("graph", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        vis_js=_vis_asset("vis-network.min.js"),
        vis_css=_vis_asset("vis-network.css"),
        legend=FAMILIES,
    )
    return env
