"""Views of the graph: which nodes and edges each view holds, and how it is laid out.

graph.facts says which IRIs are nodes and which triples are facts, graph.view makes the
page of a view from its nodes and edges, and graph.timeline has the timeline view.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from rdflib import RDF, Literal, URIRef
from rdflib.term import Node

from graph.describe import Index, Triples, triples_of
from graph.facts import Terms
from graph.layout import chain_layout
from graph.namespaces import MG
from graph.style import FAMILIES
from graph.timeline import timeline_view
from graph.view import LAYOUT_THRESHOLD, MAX_NODES, facts_page, flow, gc_paused, page, place

__all__ = [
    "FAMILIES",
    "LAYOUT_THRESHOLD",
    "MAX_NODES",
    "explanation_view",
    "paths_view",
    "render_construct",
    "render_graph",
    "timeline_view",
    "vertical_integration_view",
]


@gc_paused
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
    their sources, and their times and amounts.
    """
    return facts_page(Index(graph), title, only, predicates, max_nodes, grouped=True)


@gc_paused
def vertical_integration_view(graph: Triples) -> str:
    """The business lines, the mg:feeds edges between them and who operates each line."""
    index = Index(graph)
    terms = Terms(index)
    lines = {s for s, _ in index.pairs(RDF.type) if terms.family(s).key == "business-line"}
    for s, o in index.pairs(MG.feeds):
        lines.update((s, o))
    lines.update(s for s, _ in index.pairs(MG.operatedBy))
    operators = {o for line in lines for o in index.objects(line, MG.operatedBy)}
    return facts_page(
        index,
        "Vertical integration: which business line feeds which",
        {n for n in lines | operators if isinstance(n, URIRef)},
        {MG.feeds, MG.operatedBy},
        MAX_NODES,
        terms,
        arrange=functools.partial(flow, MG.feeds),
    )


@gc_paused
def paths_view(
    graph: Triples, routes: Iterable[Iterable[tuple[URIRef, URIRef]]], title: str, notice: str = ""
) -> str:
    """The mg:feeds hops of routes (each a list of (from, to) hops) left to right, hop by
    hop, each hop's edge with the claims that support it."""
    index = Index(graph)
    hops = {hop for route in routes for hop in route}
    return page(
        index,
        Terms(index),
        title,
        {node for hop in hops for node in hop},
        {(a, MG.feeds, b) for a, b in hops},
        (),
        MAX_NODES,
        functools.partial(flow, MG.feeds),
        notice,
    )


@gc_paused
def explanation_view(
    graph: Triples,
    chains: list[list[URIRef]],
    facts: set[tuple[URIRef, URIRef, URIRef]],
    title: str,
) -> str:
    """The chains `explain` finds: each chain's nodes left to right in its order, joined
    by its facts (in whichever direction each runs), each fact with its claims."""
    index = Index(graph)

    def arrange(node_items: list[dict], edge_items: list[dict]) -> None:
        place(node_items, chain_layout([[str(n) for n in chain] for chain in chains]))

    nodes = {node for chain in chains for node in chain}
    return page(index, Terms(index), title, nodes, facts, (), MAX_NODES, arrange)


@gc_paused
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
        if isinstance(o, URIRef) and p != RDF.type:
            edges.add((s, p, o))
            nodes.add(o)
        elif isinstance(o, Literal):
            values.add((s, p, o))
    return page(index, Terms(index), title, nodes, edges, values, max_nodes)
