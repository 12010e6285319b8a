"""The page of a view, given its nodes and edges: each node and edge with its tooltip, its
labels, its types and the claims that support it (attribution, quotes, source), so that the
page (graph.page) can style, filter and explain it from its own data (graph.style has
the look), and where each stands (graph.layout).

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

from rdflib import URIRef
from rdflib.term import Node

from graph.describe import Claim, Describer, Index
from graph.facts import Terms, facts
from graph.layout import flow_layout, grouped_layout, spring_layout
from graph.namespaces import MG
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
    edge_styles,
    modality_styles,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")
#: Sets the positions of a view's node items, given them and the edge items.
Arrange = Callable[[list[dict], list[dict]], None]

__all__ = ["LAYOUT_THRESHOLD", "MAX_NODES", "facts_page", "flow", "gc_paused", "page", "place"]

#: Views with more nodes than this get fixed positions from spring_layout and no physics.
LAYOUT_THRESHOLD = 500
#: Views with more nodes than this keep only the nodes with the most edges.
MAX_NODES = 10_000


def gc_paused(function: Callable[_P, _R]) -> Callable[_P, _R]:
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


def facts_page(
    index: Index,
    title: str,
    only: set[URIRef] | None,
    predicates: set[URIRef] | None,
    max_nodes: int,
    terms: Terms | None = None,
    arrange: Arrange | None = None,
    notice: str = "",
    grouped: bool = False,
) -> str:
    """The page of the facts (graph.facts) that only and predicates keep."""
    terms = terms or Terms(index)
    nodes, edges, values = facts(index, terms, only, predicates)
    return page(index, terms, title, nodes, edges, values, max_nodes, arrange, notice, grouped)


def page(
    index: Index,
    terms: Terms,
    title: str,
    nodes: set[URIRef],
    edges: set[tuple[URIRef, URIRef, URIRef]],
    values: Iterable[tuple[Node, Node, Node]],
    max_nodes: int,
    arrange: Arrange | None = None,
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
    styles = edge_styles((iri, *about) for iri, about in describe.attributions().items())
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
    modalities: set[tuple[str, str]] = set()  # (name, IRI) of the claims on edges
    shown_attributions: set[str] = set()
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
        if support:  # else the page draws the edge as unsupported (attribution "")
            drawn_in = _drawn_in(support, styles)
            item["attribution"] = drawn_in.attribution
            if drawn_in.modality:
                item["modality"] = drawn_in.modality
            item["claims"] = claims.numbers(support)
            shown_attributions.update(c.attribution for c in support)
            modalities.update((c.modality_text, c.modality) for c in support if c.modality)
        else:
            shown_attributions.add("")
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
    legend_styles = [styles[s] for s in _legend_order(styles) if s in shown_attributions]
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
        modalities=[{"name": name, "iri": iri} for name, iri in sorted(modalities)],
        modality_styles=modality_styles((iri, name) for name, iri in modalities),
        background=[s for s in legend_styles if s.attribution and not s.quoted],
        styles={s.attribution: s.item() for s in legend_styles},
        claims=claims.items,
        predicates={
            str(p): {"name": describe.qname(p), "labels": describe.languages(p)} for p in predicates
        },
    )


def _group(
    terms: Terms, nodes: list[URIRef], node_items: list[dict], edge_items: list[dict]
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
    place(node_items, positions)
    return [{"name": group.name, "box": box} for (group, _), box in zip(shown, boxes, strict=True)]


def place(node_items: list[dict], positions: dict[str, tuple[int, int]]) -> None:
    """Put each node item at its position (x, y in pixels), for a view without physics."""
    for item in node_items:
        item["x"], item["y"] = positions[item["id"]]


def flow(flow: URIRef, node_items: list[dict], edge_items: list[dict]) -> None:
    """Positions from flow_layout: the flow edges left to right, the rest under them."""
    ends = [(e["from"], e["to"], e["predicate"] == str(flow)) for e in edge_items]
    positions = flow_layout(
        [item["id"] for item in node_items],
        [(a, b) for a, b, along in ends if along],
        [(a, b) for a, b, along in ends if not along],
    )
    place(node_items, positions)


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
                        "attribution": claim.attribution,
                        "attributionName": claim.attribution_text,
                        "modality": claim.modality,
                        "modalityName": claim.modality_text,
                        "quotes": list(claim.quotes),
                        "passages": list(claim.passages),
                        "comments": list(claim.comments),
                        "source": claim.source,
                    }
                )
            found.append(number)
        return found


def _drawn_in(support: list[Claim], styles: dict[str, EdgeStyle]) -> Claim:
    """The claim whose attribution (and kind of statement) an edge is drawn in: of the
    claims that quote a source if any does, by name, facts first."""
    return min(
        support,
        key=lambda c: (
            not styles[c.attribution].quoted,
            c.attribution_text,
            c.modality != str(MG.Fact),
            c,
        ),
    )


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
