"""Views of the graph: which nodes and edges a view holds, and what the page says of each.

Each node and edge goes into the page (graph.page) with its tooltip, its labels, its
types and the claims that support it (status, quotes, source), so that the page can
style, filter and explain it from its own data (graph.style has the look).

Large views stay usable: the node and edge lists are built in bulk (pyvis's add_node is
quadratic), a view of more than ``LAYOUT_THRESHOLD`` nodes gets fixed positions from
graph.layout and no physics (vis-network's never settles at 10,000 nodes), and a view
of more than ``max_nodes`` nodes keeps the best-connected ones and says so on the page.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from rdflib import OWL, RDF, RDFS, SDO, SKOS, Literal, URIRef
from rdflib.namespace import PROV, TIME
from rdflib.term import Node

from graph.describe import Claim, Describer, Index, Triples, triples_of
from graph.layout import flow_layout, grouped_layout, spring_layout, timeline_layout
from graph.namespaces import MG, OA
from graph.page import page_html
from graph.style import (
    FAMILIES,
    FLOW_OPTIONS,
    GROUPED_OPTIONS,
    GROUPS,
    LARGE_OPTIONS,
    OPTIONS,
    EdgeStyle,
    Family,
    Group,
    edge_styles,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")
#: Sets the positions of a view's node items, given them and the edge items.
_Arrange = Callable[[list[dict], list[dict]], None]

__all__ = [
    "FAMILIES",
    "LAYOUT_THRESHOLD",
    "MAX_NODES",
    "paths_view",
    "render_construct",
    "render_graph",
    "timeline_view",
    "vertical_integration_view",
]


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
    "http://www.opengis.net/def/",  # reference systems and units, e.g. time:hasTRS's
)
_TYPE = RDF.type  # rdflib makes a new URIRef on every RDF.type
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

#: Views with more nodes than this get fixed positions from spring_layout and no physics.
LAYOUT_THRESHOLD = 500
#: Views with more nodes than this keep only the nodes with the most edges.
MAX_NODES = 10_000


def _gc_paused(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """function, run with Python's cyclic garbage collector paused.

    A large view allocates hundreds of thousands of small dicts, lists and strings, and
    each full collection that triggers walks the whole rdflib graph in memory again: a
    fifth of the time at 10,000 nodes. Any garbage is collected once the view is done.
    """

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@_gc_paused
def render_graph(
    graph: Triples,
    title: str,
    *,
    only: set[URIRef] | None = None,
    predicates: set[URIRef] | None = None,
    max_nodes: int = MAX_NODES,
) -> str:
    """The HTML page of a network of the graph's facts, without the claim machinery.

    Nodes are the individuals that facts talk about; edges are the IRI-to-IRI fact
    triples; literal facts go into the node's tooltip. ``only`` keeps just those nodes
    (and the edges between them); ``predicates`` keeps just the edges with those
    predicates and the nodes they join. Of more than ``max_nodes`` nodes, the page shows
    the ``max_nodes`` with the most edges and says so. A view of up to
    ``LAYOUT_THRESHOLD`` nodes is laid out in GROUPS, left to right, each in a box with
    its name: the corporate structure apart from the events, their rationales and risks,
    and their times and amounts.
    """
    return _facts_page(Index(graph), title, only, predicates, max_nodes, grouped=True)


@_gc_paused
def vertical_integration_view(graph: Triples) -> str:
    """The business lines, the mg:feeds edges between them and who operates each line."""
    index = Index(graph)
    terms = _Terms(index)
    lines = {s for s, _ in index.pairs(_TYPE) if terms.family(s).key == "business-line"}
    for s, o in index.pairs(MG.feeds):
        lines.update((s, o))
    lines.update(s for s, _ in index.pairs(MG.operatedBy))
    operators = {o for line in lines for o in index.objects(line, MG.operatedBy)}
    return _facts_page(
        index,
        "Vertical integration: which business line feeds which",
        {n for n in lines | operators if isinstance(n, URIRef)},
        {MG.feeds, MG.operatedBy},
        MAX_NODES,
        terms,
        arrange=functools.partial(_flow, MG.feeds),
    )


@_gc_paused
def paths_view(
    graph: Triples, routes: Iterable[Iterable[tuple[URIRef, URIRef]]], title: str, notice: str = ""
) -> str:
    """The mg:feeds hops of routes (each a list of (from, to) hops) left to right, hop by
    hop, each hop's edge with the claims that support it."""
    index = Index(graph)
    hops = {hop for route in routes for hop in route}
    return _page(
        index,
        _Terms(index),
        title,
        {node for hop in hops for node in hop},
        {(a, MG.feeds, b) for a, b in hops},
        (),
        MAX_NODES,
        functools.partial(_flow, MG.feeds),
        notice,
    )


@_gc_paused
def timeline_view(graph: Triples) -> str:
    """The events with a time (time:hasTime), each under its time, and the times left to
    right in the order time:before gives. A time reads as the source gives it: its
    mg:relativeTime ("im letzten Jahr"), else the German label of its date, after "etwa"
    and marked approximate where mg:approximate says so; never a date the graph lacks.
    Times that no time:before orders stand apart, below, and the page says so."""
    index = Index(graph)
    terms = _Terms(index)
    at = {
        event: time
        for event, time in index.pairs(TIME.hasTime)
        if terms.is_node(event) and terms.is_node(time)
    }
    times = set(at.values())
    order = [(a, b) for a, b in index.pairs(TIME.before) if a in times and b in times]
    describe = Describer(index)
    words = {str(time): _time_words(index, time, describe) for time in times}
    ordered = {str(t) for pair in order for t in pair}
    apart = sorted(words[t] for t in words if t not in ordered)
    notice = (
        "No source orders these times, so they stand apart, below the timeline: " + "; ".join(apart)
        if apart
        else ""
    )

    def arrange(node_items: list[dict], edge_items: list[dict]) -> None:
        positions = timeline_layout(
            sorted(words),
            [(str(a), str(b)) for a, b in order],
            {str(event): str(time) for event, time in at.items()},
        )
        for item in node_items:
            item["x"], item["y"] = positions[item["id"]]
            if item["id"] in words:
                item["label"] = words[item["id"]]

    return _facts_page(
        index,
        "Timeline: the events in the order the sources give",
        set(at) | times,
        {TIME.hasTime, TIME.before},
        MAX_NODES,
        terms,
        arrange=arrange,
        notice=notice,
    )


def _time_words(index: Index, time: Node, describe: Describer) -> str:
    """How the source gives a time: see timeline_view."""
    relative = [str(o) for o in index.objects(time, MG.relativeTime) if isinstance(o, Literal)]
    approximate = any(o == Literal(True) for o in index.objects(time, MG.approximate))
    dates = [
        str(label)
        for date in index.objects(time, TIME.inDateTime)
        for label in index.objects(date, RDFS.label)
        if isinstance(label, Literal) and label.language == "de"
    ]
    if relative:
        text = " / ".join(sorted(relative))
    elif dates:
        text = ("etwa " if approximate else "") + " / ".join(sorted(dates))
    else:
        text = describe.label(time)
    return f"{text} (approximate)" if approximate else text


@_gc_paused
def render_construct(
    graph: Triples, title: str, *, schema: Triples | None = None, max_nodes: int = MAX_NODES
) -> str:
    """The HTML page of any graph (e.g. a CONSTRUCT result), styled like render_graph.

    Every IRI-to-IRI triple is an edge, except rdf:type, which colours the node instead;
    literals go into the tooltips. ``schema`` (e.g. the full build) supplies the types,
    labels, subclass axioms and claims used for styling when ``graph`` lacks them.
    """
    index = Index(graph) if schema is None else Index(graph, schema)
    edges: set[tuple[URIRef, URIRef, URIRef]] = set()
    values: set[tuple[Node, Node, Node]] = set()
    nodes: set[URIRef] = set()
    for s, p, o in triples_of(graph):
        if not isinstance(s, URIRef):
            continue
        nodes.add(s)
        if isinstance(o, URIRef) and p != _TYPE:
            edges.add((s, p, o))
            nodes.add(o)
        elif isinstance(o, Literal):
            values.add((s, p, o))
    return _page(index, _Terms(index), title, nodes, edges, values, max_nodes)


# --- what is a node ------------------------------------------------------------------


class _Terms:
    """Which IRIs are the individuals of the facts, and the family each is drawn in."""

    def __init__(self, index: Index) -> None:
        self.index = index
        # Claim machinery, and ontology or schema terms outside the vocabularies' namespaces
        self.excluded = _machinery(index)
        self.excluded.update(s for s, cls in index.pairs(_TYPE) if cls in _TERM_TYPES)
        self._family_rank: dict[Node, int] = {}  # class -> position of its family in FAMILIES
        self._group_rank: dict[Node, int] = {}  # class -> position of its group in GROUPS
        self.type = index.own(_TYPE)
        self.not_facts = frozenset(map(index.own, _NOT_FACTS))

    def is_node(self, term: Node) -> bool:
        return (
            isinstance(term, URIRef)
            and term not in self.excluded
            and not str.startswith(term, _VOCABULARIES)  # not URIRef.startswith: no tuples
        )

    def family(self, node: Node) -> Family:
        """The first family in FAMILIES that one of the node's types falls under."""
        return FAMILIES[self._first(node, FAMILIES, self._family_rank)]

    def group(self, node: Node) -> int:
        """The position in GROUPS of the first group one of the node's types falls under."""
        return self._first(node, GROUPS, self._group_rank)

    def _first(self, node: Node, kinds: tuple[Family | Group, ...], ranks: dict) -> int:
        """The first of kinds (the last has no roots and takes the rest) that one of the
        node's types falls under; ranks caches the answer for each class."""
        types = self.index.objects(node, self.type)
        if not types:
            return len(kinds) - 1
        found = len(kinds) - 1
        for cls in types:
            rank = ranks.get(cls)
            if rank is None:
                classes = self.index.ancestors(cls)
                rank = ranks[cls] = next(
                    i for i, k in enumerate(kinds) if not k.roots or classes.intersection(k.roots)
                )
            found = min(found, rank)
        return found


def _machinery(index: Index) -> set[Node]:
    """Claims, their quotes and selectors, and sources: never nodes of the facts."""
    roots = (MG.Claim, RDF.Statement, MG.Source, MG.SourceDocument, MG.BackgroundKnowledge)
    excluded: set[Node] = set()
    for s, cls in index.pairs(_TYPE):
        if isinstance(cls, URIRef) and (
            str(cls).startswith(str(OA)) or not index.ancestors(cls).isdisjoint(roots)
        ):
            excluded.add(s)
    excluded.update(s for s, _ in index.pairs(RDF.subject))
    for p in (MG.evidence, OA.hasSelector, OA.hasSource, PROV.wasDerivedFrom):
        excluded.update(o for _, o in index.pairs(p))
    return excluded


def _facts_page(
    index: Index,
    title: str,
    only: set[URIRef] | None,
    predicates: set[URIRef] | None,
    max_nodes: int,
    terms: _Terms | None = None,
    arrange: _Arrange | None = None,
    notice: str = "",
    grouped: bool = False,
) -> str:
    terms = terms or _Terms(index)
    not_facts = terms.not_facts
    edges: set[tuple[URIRef, URIRef, URIRef]] = set()
    values: set[tuple[Node, Node, Node]] = set()
    subjects: set[URIRef] = set()  # nodes that state at least one fact
    for s, objects in index.by_subject.items():
        if not terms.is_node(s):
            continue
        for p, found in objects.items():
            if p in not_facts or str.startswith(p, _NOT_FACT_NAMESPACES):
                continue
            for o in found:
                if isinstance(o, URIRef) and terms.is_node(o):
                    edges.add((s, p, o))
                elif isinstance(o, (URIRef, Literal)):
                    values.add((s, p, o))
                else:
                    continue
                subjects.add(s)
    if predicates is not None:
        edges = {e for e in edges if e[1] in predicates}
    if only is not None:
        edges = {e for e in edges if e[0] in only and e[2] in only}
    if predicates is not None:
        nodes = {s for s, _, _ in edges} | {o for _, _, o in edges}
    else:
        typed = {s for s, _ in index.pairs(_TYPE) if terms.is_node(s)}
        nodes = typed | subjects | {o for _, _, o in edges}
        if only is not None:
            nodes &= only
    return _page(index, terms, title, nodes, edges, values, max_nodes, arrange, notice, grouped)


# --- the page -------------------------------------------------------------------------


def _page(
    index: Index,
    terms: _Terms,
    title: str,
    nodes: set[URIRef],
    edges: set[tuple[URIRef, URIRef, URIRef]],
    values: Iterable[tuple[Node, Node, Node]],
    max_nodes: int,
    arrange: _Arrange | None = None,
    notice: str = "",
    grouped: bool = False,
) -> str:
    """The page of the view; arrange, if given, sets the positions of its nodes (from
    the node and edge items), and the view has no physics; else a view of up to
    LAYOUT_THRESHOLD nodes, if grouped, is laid out in GROUPS (_group), else by physics."""
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    if len(nodes) > max_nodes:
        total = len(nodes)
        nodes, edges = _best_connected(nodes, edges, max_nodes)
        cut = f"Showing {len(nodes):,} of {total:,} nodes: those with the most edges."
        notice = f"{cut} {notice}" if notice else cut
    describe = Describer(index)
    styles = edge_styles((status, *about) for status, about in describe.statuses().items())
    claims = _ClaimTable()
    node_values: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in values:
        node_values.setdefault(s, []).append((p, o))
    ordered = sorted(nodes, key=str)
    ids = [str(node) for node in ordered]
    node_items = []
    types = terms.type
    kinds: dict[tuple[Node, ...], tuple[Family, list[str]]] = {}  # types -> family, names
    for node, node_id, (label, tooltip) in zip(
        ordered, ids, describe.node_texts(ordered, node_values), strict=True
    ):
        classes = tuple(index.objects(node, types))
        kind = kinds.get(classes)
        if kind is None:
            kind = kinds[classes] = (terms.family(node), sorted(map(describe.label, classes)))
        family = kind[0]
        item = {
            "id": node_id,
            "label": label or node_id,
            "shape": family.shape,
            "color": family.color,
            "title": tooltip,
            "family": family.key,
            "labels": describe.languages(node),
            "types": kind[1],
        }
        about = describe.claims_about(node)
        if about:
            item["claims"] = claims.numbers(about)
        node_items.append(item)
    keyed = sorted((str(s), str(p), str(o), (s, p, o)) for s, p, o in edges)
    edge_items = []
    bends: dict[tuple[str, str], int] = {}  # edges so far between two nodes
    shown_statuses: set[str] = set()
    for (s_id, p_id, o_id, _), (label, tooltip, support) in zip(
        keyed, describe.edge_texts(e for *_, e in keyed), strict=True
    ):
        item = {
            "from": s_id,
            "to": o_id,
            "label": label,
            "title": tooltip,
            "predicate": p_id,
        }  # arrows: graph.style's options give every edge one, to its object
        if support:  # else the page draws the edge as unsupported (status "")
            item["status"] = _style_status(support, styles)
            item["claims"] = claims.numbers(support)
            shown_statuses.update(c.status for c in support)
        else:
            shown_statuses.add("")
        pair = (s_id, o_id) if s_id < o_id else (o_id, s_id)
        bent = bends.get(pair, 0)
        if bent:  # bend each further edge between the same two nodes apart
            item["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.25 * bent}
        bends[pair] = bent + 1
        edge_items.append(item)
    options = OPTIONS
    regions: list[dict[str, object]] = []
    if arrange is not None:
        options = FLOW_OPTIONS
        arrange(node_items, edge_items)
    elif len(node_items) <= LAYOUT_THRESHOLD and grouped:
        options = GROUPED_OPTIONS
        regions = _group(terms, ordered, node_items, edge_items)
    elif len(node_items) > LAYOUT_THRESHOLD:
        options = LARGE_OPTIONS
        position = {node_id: i for i, node_id in enumerate(ids)}
        links = [(position[e["from"]], position[e["to"]]) for e in edge_items]
        for item, (x, y) in zip(node_items, spring_layout(len(ids), links), strict=True):
            item["x"], item["y"] = x, y
    shown_families = {item["family"] for item in node_items}
    legend_styles = [styles[s] for s in _legend_order(styles) if s in shown_statuses]
    predicates = sorted({e[1] for e in edges}, key=str)
    return page_html(
        title,
        options,
        node_items,
        edge_items,
        notice=notice,
        regions=regions,
        zoom_labels=options is not LARGE_OPTIONS,
        families=[f for f in FAMILIES if f.key in shown_families],
        edge_legend=legend_styles,
        background=[s for s in legend_styles if s.status and not s.quoted],
        styles={s.status: s.item() for s in legend_styles},
        claims=claims.items,
        predicates={
            str(p): {"name": describe.qname(p), "labels": describe.languages(p)} for p in predicates
        },
    )


def _group(
    terms: _Terms, nodes: list[URIRef], node_items: list[dict], edge_items: list[dict]
) -> list[dict[str, object]]:
    """Positions from grouped_layout, each group's nodes by family, then by label; and
    the regions the page draws behind the groups, each with its name."""
    members: list[list[tuple[int, str, str]]] = [[] for _ in GROUPS]
    for node, item in zip(nodes, node_items, strict=True):
        rank = FAMILIES.index(terms.family(node))
        members[terms.group(node)].append((rank, item["label"].casefold(), item["id"]))
    shown = [(group, sorted(found)) for group, found in zip(GROUPS, members, strict=True) if found]
    labels = {item["id"]: item["label"] for item in node_items}
    positions, boxes = grouped_layout(
        [[(node_id, labels[node_id]) for *_, node_id in found] for _, found in shown],
        [(e["from"], e["to"]) for e in edge_items],
    )
    for item in node_items:
        item["x"], item["y"] = positions[item["id"]]
    return [{"name": group.name, "box": box} for (group, _), box in zip(shown, boxes, strict=True)]


def _flow(flow: URIRef, node_items: list[dict], edge_items: list[dict]) -> None:
    """Positions from flow_layout: the flow edges left to right, the rest under them."""
    ends = [(e["from"], e["to"], e["predicate"] == str(flow)) for e in edge_items]
    positions = flow_layout(
        [item["id"] for item in node_items],
        [(a, b) for a, b, along in ends if along],
        [(a, b) for a, b, along in ends if not along],
    )
    for item in node_items:
        item["x"], item["y"] = positions[item["id"]]


class _ClaimTable:
    """The claims a page shows, each once; nodes and edges refer to them by number."""

    def __init__(self) -> None:
        self.items: list[dict[str, object]] = []
        self._number: dict[Claim, int] = {}

    def numbers(self, claims: Iterable[Claim]) -> list[int]:
        found = []
        for claim in sorted(set(claims)):
            number = self._number.get(claim)
            if number is None:
                number = self._number[claim] = len(self.items)
                self.items.append(
                    {
                        "statement": claim.statement,
                        "status": claim.status,
                        "statusName": claim.status_text,
                        "quotes": list(claim.quotes),
                        "comments": list(claim.comments),
                        "source": claim.source,
                    }
                )
            found.append(number)
        return found


def _style_status(support: list[Claim], styles: dict[str, EdgeStyle]) -> str:
    """The status an edge its claims support is drawn in: of the claims that quote a
    source if any does, by name."""
    return min((not styles[c.status].quoted, c.status_text, c.status) for c in support)[2]


def _legend_order(styles: dict[str, EdgeStyle]) -> list[str]:
    """Statuses whose claims quote a source first, then those that quote none, each by
    name, then the edges that no claim supports."""
    return sorted(styles, key=lambda s: (not s, not styles[s].quoted, styles[s].name))


def _best_connected(
    nodes: set[URIRef], edges: set[tuple[URIRef, URIRef, URIRef]], keep: int
) -> tuple[set[URIRef], set[tuple[URIRef, URIRef, URIRef]]]:
    """The keep nodes with the most edges (ties by IRI), and the edges between them."""
    degree: dict[URIRef, int] = dict.fromkeys(nodes, 0)
    for s, _, o in edges:
        degree[s] += 1
        degree[o] += 1
    kept = set(sorted(nodes, key=lambda n: (-degree[n], str(n)))[:keep])
    return kept, {e for e in edges if e[0] in kept and e[2] in kept}
