"""Draw the graph as one self-contained, offline HTML page (pyvis / vis-network).

Node and edge data go into the page as JSON (Jinja's ``tojson`` escapes ``<``, ``>``, ``&``
and ``'``); tooltips are plain text that the page turns into DOM elements with
``textContent``, so labels and quotes, which are data, can never become markup.

Large views stay usable: the node and edge lists are built in bulk (pyvis's add_node is
quadratic), a view of more than ``LAYOUT_THRESHOLD`` nodes gets its positions from
:func:`_layout` and no physics (vis-network's never settles at 10,000 nodes), and a view
of more than ``max_nodes`` nodes keeps the best-connected ones and says so on the page.
"""

from __future__ import annotations

import functools
import gc
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import pyvis
from jinja2 import Environment, PackageLoader, Template
from markupsafe import Markup
from pyvis.network import Network
from rdflib import OWL, RDF, RDFS, SDO, SKOS, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from graph.describe import Describer, Index, Triples, triples_of
from graph.namespaces import MG, OA

if TYPE_CHECKING:  # numpy is imported where a large view needs it
    import numpy as np
    from numpy.typing import NDArray

_P = ParamSpec("_P")
_R = TypeVar("_R")

__all__ = [
    "FAMILIES",
    "LAYOUT_THRESHOLD",
    "MAX_NODES",
    "render_construct",
    "render_graph",
    "vertical_integration_view",
]


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


#: Views with more nodes than this get fixed positions from _layout and no physics.
LAYOUT_THRESHOLD = 500
#: Views with more nodes than this keep only the nodes with the most edges.
MAX_NODES = 10_000
_LAYOUT_SEED = 20240601
_SPACING = 120  # pixels a unit of _layout: nodes without links stand a unit apart
_GRID = 64  # cells a side of the grid that sums the push in _spring


def _merged(base: dict, changes: dict) -> dict:
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _merged(base[key], value) if isinstance(value, dict) else value
    return merged


# The same look without physics: positions come with the nodes; straight edges, and none
# drawn while the view is dragged or zoomed, keep 20,000 edges responsive.
_LARGE_OPTIONS = _merged(
    {key: value for key, value in _OPTIONS.items() if key != "physics"},
    {
        "layout": {"improvedLayout": False},
        "interaction": {"hideEdgesOnDrag": True, "hideEdgesOnZoom": True},
        "edges": {"smooth": {"enabled": False}},
    },
)
_LARGE_OPTIONS["physics"] = {"enabled": False}


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
    the ``max_nodes`` with the most edges and says so.
    """
    return _facts_page(Index(graph), title, only, predicates, max_nodes)


@_gc_paused
def vertical_integration_view(graph: Triples) -> str:
    """The business lines, the mg:feeds edges between them and who operates each line."""
    index = Index(graph)
    terms = _Terms(index)
    lines = {s for s, _ in index.pairs(RDF.type) if terms.family(s).key == "business-line"}
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
    )


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
        self.excluded.update(s for s, cls in index.pairs(RDF.type) if cls in _TERM_TYPES)
        self._rank: dict[Node, int] = {}  # class -> position of its family in FAMILIES
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
        types = self.index.objects(node, self.type)
        if not types:
            return FAMILIES[-1]
        return FAMILIES[min(map(self._family_rank, types))]

    def _family_rank(self, cls: Node) -> int:
        rank = self._rank.get(cls)
        if rank is None:
            classes = self.index.ancestors(cls)
            rank = self._rank[cls] = next(
                i for i, f in enumerate(FAMILIES) if not f.roots or classes.intersection(f.roots)
            )
        return rank


def _machinery(index: Index) -> set[Node]:
    """Claims, their quotes and selectors, and sources: never nodes of the facts."""
    roots = (MG.Claim, RDF.Statement, MG.Source, MG.SourceDocument, MG.BackgroundKnowledge)
    excluded: set[Node] = set()
    for s, cls in index.pairs(RDF.type):
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
        typed = {s for s, _ in index.pairs(RDF.type) if terms.is_node(s)}
        nodes = typed | subjects | {o for _, _, o in edges}
        if only is not None:
            nodes &= only
    return _page(index, terms, title, nodes, edges, values, max_nodes)


# --- the page -------------------------------------------------------------------------


def _page(
    index: Index,
    terms: _Terms,
    title: str,
    nodes: set[URIRef],
    edges: set[tuple[URIRef, URIRef, URIRef]],
    values: Iterable[tuple[Node, Node, Node]],
    max_nodes: int,
) -> str:
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    notice = ""
    if len(nodes) > max_nodes:
        total = len(nodes)
        nodes, edges = _best_connected(nodes, edges, max_nodes)
        notice = f"Showing {len(nodes):,} of {total:,} nodes: those with the most edges."
    describe = Describer(index)
    node_values: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in values:
        node_values.setdefault(s, []).append((p, o))
    ordered = sorted(nodes, key=str)
    ids = [str(node) for node in ordered]
    node_items = []
    for node, node_id, (label, tooltip) in zip(
        ordered, ids, describe.node_texts(ordered, node_values), strict=True
    ):
        family = terms.family(node)
        node_items.append(
            {
                "id": node_id,
                "label": label or node_id,
                "shape": family.shape,
                "color": family.color,
                "title": tooltip,
                "family": family.key,
            }
        )
    keyed = sorted((str(s), str(p), str(o), (s, p, o)) for s, p, o in edges)
    edge_items = []
    bends: dict[tuple[str, str], int] = {}  # edges so far between two nodes
    for (s_id, p_id, o_id, _), (label, tooltip) in zip(
        keyed, describe.edge_texts(e for *_, e in keyed), strict=True
    ):
        item = {
            "from": s_id,
            "to": o_id,
            "label": label,
            "title": tooltip,
            "predicate": p_id,
            "arrows": "to",  # as pyvis's add_edge does for a directed network
        }
        pair = (s_id, o_id) if s_id < o_id else (o_id, s_id)
        bent = bends.get(pair, 0)
        if bent:  # bend each further edge between the same two nodes apart
            item["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.25 * bent}
        bends[pair] = bent + 1
        edge_items.append(item)
    options = _OPTIONS
    if len(node_items) > LAYOUT_THRESHOLD:
        options = _LARGE_OPTIONS
        position = {node_id: i for i, node_id in enumerate(ids)}
        links = [(position[e["from"]], position[e["to"]]) for e in edge_items]
        for item, (x, y) in zip(node_items, _layout(len(ids), links), strict=True):
            item["x"], item["y"] = x, y
    net = Network(height="80vh", width="100%", directed=True, heading=title)
    # Our template replaces pyvis's, which links Bootstrap and vis from CDNs, shows the
    # heading twice and, if any tooltip contains "href", sets tooltips with innerHTML.
    net.templateEnv = _Templates(notice=notice)
    net.path = "view.html"
    net.options = options
    # Filled in bulk: add_node checks each id against a list and add_edge checks both
    # ends against the list of node ids, which is quadratic in the size of the view.
    net.nodes, net.edges = node_items, edge_items
    return net.generate_html()


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


# --- the layout of a large view -------------------------------------------------------


def _layout(count: int, links: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pixel positions for count nodes joined by links: the same for the same input.

    Linked nodes get a force-directed layout (_spring); nodes without links stand in
    rows under it, in the order given, instead of being pushed out to a ring around it.
    networkx's own layouts do not fit in the time a view has: its spring_layout took
    2.5 s for 600 nodes (50 iterations) and 14 s for 2 iterations at 10,000, its
    spectral_layout 1.8 s at 10,000, and forceatlas2 and kamada_kawai hold n-by-n
    matrices; _spring takes about 0.05 s at either size.
    """
    import numpy as np  # only large views need it

    src = np.fromiter((a for a, _ in links), dtype=np.intp, count=len(links))
    dst = np.fromiter((b for _, b in links), dtype=np.intp, count=len(links))
    degree = np.bincount(src, minlength=count) + np.bincount(dst, minlength=count)
    linked = np.flatnonzero(degree)
    lone = np.flatnonzero(degree == 0)
    renumbered = np.zeros(count, dtype=np.intp)
    renumbered[linked] = np.arange(linked.size)
    z = np.zeros(count, dtype=complex)
    z[linked] = _spring(linked.size, renumbered[src], renumbered[dst])
    if lone.size:
        left, right, top = -np.sqrt(lone.size) / 2, np.sqrt(lone.size) / 2, 0.0
        if linked.size:
            left, right = z[linked].real.min(), z[linked].real.max()
            top = z[linked].imag.max() + 2  # y grows downwards on the canvas
        row, column = np.divmod(np.arange(lone.size), max(1, int(right - left) + 1))
        z[lone] = left + column + 1j * (top + row)
    z = np.rint(z * _SPACING)
    return list(zip(z.real.astype(int).tolist(), z.imag.astype(int).tolist(), strict=True))


def _spring(count: int, src: NDArray[np.intp], dst: NDArray[np.intp]) -> NDArray[np.complex128]:
    """Positions, as complex numbers, for count nodes joined by links src[i] -> dst[i].

    Fruchterman-Reingold: springs along the links, every node pushing every other away,
    a pull towards the centre, and moves that cool down step by step. The all-pairs push
    is summed on a grid with FFTs, as particle-mesh simulations do, so a step costs
    O(nodes + links) and not O(nodes squared).
    """
    import numpy as np

    if count == 0:
        return np.zeros(0, dtype=complex)
    rng = np.random.default_rng(_LAYOUT_SEED)
    radius = np.sqrt(count)  # of the disc the nodes fill, one unit apart
    z = (rng.random(count) - 0.5 + 1j * (rng.random(count) - 0.5)) * 2 * radius
    # The push on a node from one in a grid cell (i, j) away: unit vector / distance.
    cells = 2 * _GRID  # padded, so that the FFT's wrap-around adds nothing
    offset = np.fft.fftfreq(cells, 1 / cells)
    dx, dy = np.meshgrid(offset, offset, indexing="ij")
    distance2 = dx * dx + dy * dy
    distance2[0, 0] = 1
    push = np.fft.rfft2(dx / distance2), np.fft.rfft2(dy / distance2)
    steps = int(np.clip(200_000 // count, 30, 150))
    for step in np.linspace(radius / 5, radius / 5 / steps, steps):  # the most a node moves
        left, bottom = z.real.min(), z.imag.min()
        side = max(z.real.max() - left, z.imag.max() - bottom) / (_GRID - 1) + 1e-9
        cell = ((z.real - left) / side).astype(np.intp) * cells
        cell += ((z.imag - bottom) / side).astype(np.intp)
        density = np.bincount(cell, minlength=cells * cells).reshape(cells, cells)
        spectrum = np.fft.rfft2(density.astype(float))
        across, down = (np.fft.irfft2(spectrum * p, s=density.shape).ravel() for p in push)
        force = (across[cell] + 1j * down[cell]) / side
        pull = z[dst] - z[src]
        pull *= np.abs(pull)
        force += np.bincount(src, pull.real, count) - np.bincount(dst, pull.real, count)
        force += 1j * (np.bincount(src, pull.imag, count) - np.bincount(dst, pull.imag, count))
        force -= z - z.mean()  # the pull towards the centre
        length = np.abs(force)
        z += force * (np.minimum(length, step) / np.maximum(length, 1e-9))
    # Small parts that the push threw far out come back to the rim of the rest.
    z -= np.median(z.real) + 1j * np.median(z.imag)
    distance = np.abs(z)
    rim = np.quantile(distance, 0.98) * 1.05
    far = distance > rim
    z[far] *= (rim + (distance[far] - rim) * 0.05) / distance[far]
    return _spread(z)


def _spread(z: NDArray[np.complex128], gap: float = 0.3) -> NDArray[np.complex128]:
    """z with the nodes that share a square of side gap set around a circle in it.

    The grid sums no push between nodes in one of its cells, so leaves of the same hub
    can end up on one spot, where a node would hide the others.
    """
    import numpy as np

    cell = np.floor(z.real / gap).astype(np.int64) << 32
    cell += np.floor(z.imag / gap).astype(np.int64) & 0xFFFFFFFF
    order = np.lexsort((np.arange(z.size), cell))  # by cell, then by node
    first = np.flatnonzero(np.r_[True, cell[order][1:] != cell[order][:-1]])
    size = np.diff(np.r_[first, z.size])
    crowd = np.repeat(size, size)  # how many share each node's cell, in that order
    place = np.arange(z.size) - np.repeat(first, size)
    radius = gap * np.maximum(0.5, crowd / (2 * np.pi))
    shared = crowd > 1
    offset = radius * np.exp(2j * np.pi * place / crowd)
    spread = z.copy()
    spread[order[shared]] += offset[shared]
    return spread


class _Templates:
    """Stands in for pyvis's Jinja environment (``net.templateEnv``) so that our page
    template gets the view's own variables besides those ``generate_html`` passes."""

    def __init__(self, **variables: object) -> None:
        self.variables = variables

    def get_template(self, name: str) -> _Template:
        return _Template(_environment().get_template(name), self.variables)


@dataclass(frozen=True)
class _Template:
    template: Template
    variables: dict[str, object]

    def render(self, **variables: object) -> str:
        return self.template.render(**variables, **self.variables)


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
    # tojson sorts keys by default; the lists are built in a fixed order already, and
    # sorting the keys of 30,000 items adds a sixth to the time of writing them.
    env.policies["json.dumps_kwargs"] = {}
    env.globals.update(
        vis_js=_vis_asset("vis-network.min.js"),
        vis_css=_vis_asset("vis-network.css"),
        legend=FAMILIES,
    )
    return env
