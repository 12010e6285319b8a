"""How a view looks: node kinds by class, edge styles by the attribution (colour) and,
on quoted edges, the modality (line) of their claims.

Nothing here lists today's attributions: an edge is drawn in the style of the attribution
of the claims that support it, and each attribution found in the graph gets its style from
what its claims are (claims that quote a source, in colour, solid; claims that quote
none, such as background knowledge, in grey, dashed), its name from the ontology.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import PROV, TIME

from graph.namespaces import MG


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
    Family(
        "time",
        "Time",
        (TIME.TemporalEntity, TIME.Instant, TIME.Interval, TIME.GeneralDateTimeDescription),
        "#76b7b2",
        "triangleDown",
        "\u25bc",
    ),
    Family("other", "Other", (), "#9d9d9d", "triangle", "\u25b2"),
)


@dataclass(frozen=True)
class Group:
    """A part of the whole-graph view that stands apart: its caption and its classes."""

    name: str
    roots: tuple[URIRef, ...]


#: The whole-graph view's groups, left to right: who is who, what happened, why and to
#: what end, who says so (authors, memos, anonymous sources), and when and for how
#: much. A node goes to the first group one of its types falls under; the last takes
#: the rest.
GROUPS = (
    Group(
        "Corporate structure",
        (MG.Person, MG.Organization, MG.Company, MG.OrganizationGroup, MG.BusinessLine),
    ),
    Group("Events", (MG.CorporateEvent,)),
    Group(
        "Rationales, risks, effects, assessments",
        (MG.StrategicRationale, MG.Risk, MG.Effect, MG.Assessment),
    ),
    Group("Sources", (PROV.Agent, MG.Author, MG.AnonymousSourceGroup, MG.Memo)),
    Group("Times, amounts", ()),
)


@dataclass(frozen=True)
class EdgeStyle:
    """How the edges whose claims have one attribution look, and their line in the legend."""

    attribution: str  # the attribution IRI; "" for edges that no claim supports
    name: str
    color: str
    dashes: tuple[int, ...]  # vis-network's dash pattern: () for a solid line
    width: int
    quoted: bool  # its claims quote a source (False: background knowledge)

    def item(self) -> dict[str, object]:
        """The style as the page's script reads it."""
        return {
            "name": self.name,
            "color": self.color,
            "dashes": list(self.dashes) or False,
            "width": self.width,
            "quoted": self.quoted,
        }


# Colours for attributions whose claims quote a source; dash patterns for those that
# quote none. They are handed out in the order of the attribution IRIs, and repeat past
# the end with a different line: the same attribution looks the same in every view.
_QUOTED_COLORS = ("#1f5f99", "#d95f02", "#1b9e77", "#222222", "#c51b7d", "#7a7a00")
_UNQUOTED_DASHES = ((10, 7), (3, 5), (12, 4, 3, 4))
_UNQUOTED_COLOR = "#8f8f8f"
UNSUPPORTED = EdgeStyle("", "no claim supports it", "#e6a1a1", (), 1, False)


def edge_styles(attributions: Iterable[tuple[str, str, bool]]) -> dict[str, EdgeStyle]:
    """The style of each attribution (IRI, name, whether its claims quote a source), and
    of UNSUPPORTED under "", which claims without an attribution (never valid) share."""
    styles = {"": UNSUPPORTED}
    quoted = unquoted = 0
    for attribution, name, quotes in sorted(attributions):
        if not attribution:
            continue
        if quotes:
            dashes = () if quoted < len(_QUOTED_COLORS) else (14, 3)
            color = _QUOTED_COLORS[quoted % len(_QUOTED_COLORS)]
            styles[attribution] = EdgeStyle(attribution, name, color, dashes, 2, True)
            quoted += 1
        else:
            dashes = _UNQUOTED_DASHES[unquoted % len(_UNQUOTED_DASHES)]
            styles[attribution] = EdgeStyle(attribution, name, _UNQUOTED_COLOR, dashes, 2, False)
            unquoted += 1
    return styles


# Dash patterns for the kinds of statement other than fact, on edges a source's quote
# supports (a fact is drawn solid; edges no quote supports keep the dashes of their
# attribution): handed out in the order of the modality IRIs.
_MODALITY_DASHES = ((8, 5), (2, 4), (12, 4, 2, 4), (16, 6))


def modality_styles(modalities: Iterable[tuple[str, str]]) -> dict[str, dict[str, object]]:
    """The look of each kind of statement (IRI, name) on quoted edges, for the page."""
    styles: dict[str, dict[str, object]] = {}
    others = 0
    for iri, name in sorted(modalities):
        if iri == str(MG.Fact):
            dashes: object = False
        else:
            dashes = list(_MODALITY_DASHES[others % len(_MODALITY_DASHES)])
            others += 1
        styles[iri] = {"name": name, "dashes": dashes}
    return styles


def merged(base: dict, changes: dict) -> dict:
    """base with changes, nested dicts merged key by key."""
    result = dict(base)
    for key, value in changes.items():
        inner = base.get(key)
        result[key] = merged(inner, value) if isinstance(inner, dict) else value
    return result


# Nodes' labels are 16 px at scale 1, and the page zooms so that they are drawn at 14 px
# or more; edges' labels show only on the edge under the mouse or selected.
OPTIONS = {
    "layout": {"randomSeed": 20240601, "improvedLayout": True},
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -260,
            "centralGravity": 0.012,
            "springLength": 170,
            "springConstant": 0.06,
            "damping": 0.5,
            "avoidOverlap": 1,
        },
        "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
        "minVelocity": 1,
        "maxVelocity": 40,
    },
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
    "nodes": {"size": 16, "font": {"size": 16, "face": "sans-serif"}},
    "edges": {
        "color": {"inherit": False},
        "font": {"size": 14, "align": "middle", "face": "sans-serif", "strokeWidth": 4},
        "smooth": {"enabled": True, "type": "continuous", "roundness": 0.5},
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
    },
}

# The same look without physics: positions come with the nodes; straight edges, and none
# drawn while the view is dragged or zoomed, keep 20,000 edges responsive.
LARGE_OPTIONS = merged(
    {key: value for key, value in OPTIONS.items() if key != "physics"},
    {
        "layout": {"improvedLayout": False},
        "interaction": {"hideEdgesOnDrag": True, "hideEdgesOnZoom": True},
        "edges": {"smooth": {"enabled": False}},
    },
)
LARGE_OPTIONS["physics"] = {"enabled": False}

# A flow: positions come with the nodes, edges curve a little so that loops show, and
# labels wrap to stay within their step of the flow (graph.layout's 340 px).
FLOW_OPTIONS = merged(
    {key: value for key, value in OPTIONS.items() if key != "physics"},
    {
        "layout": {"improvedLayout": False},
        "nodes": {"widthConstraint": {"maximum": 250}},  # graph.layout's step: 340 px
        "edges": {"smooth": {"type": "curvedCW", "roundness": 0.15}},
    },
)
FLOW_OPTIONS["physics"] = {"enabled": False}

# The groups of the whole-graph view: as a flow, with smaller nodes, and labels wrapped
# within the columns of graph.layout's grouped_layout (160 px apart), outlined in white
# so that they read where edges cross them.
GROUPED_OPTIONS = merged(
    FLOW_OPTIONS,
    {
        "nodes": {
            "size": 10,
            "widthConstraint": {"maximum": 150},
            "font": {"strokeWidth": 3, "strokeColor": "#ffffff"},
        }
    },
)
