"""The timeline view: the events in the order the sources give, at their times."""

from __future__ import annotations

from rdflib import RDFS, Literal
from rdflib.namespace import TIME
from rdflib.term import Node

from graph.describe import Describer, Index, Triples
from graph.facts import Terms
from graph.layout import timeline_layout
from graph.namespaces import MG
from graph.view import MAX_NODES, facts_page, gc_paused, place

__all__ = ["timeline_view"]


@gc_paused
def timeline_view(graph: Triples) -> str:
    """The events with a time (time:hasTime), each under its time, and the times left to
    right in the order time:before gives. A time reads as the source gives it: its
    mg:relativeTime ("im letzten Jahr"), else the German label of its date, after "etwa"
    and marked approximate where mg:approximate says so; never a date the graph lacks.
    Times that no time:before orders stand apart, below, and the page says so."""
    index = Index(graph)
    terms = Terms(index)
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
        place(node_items, positions)
        for item in node_items:
            if item["id"] in words:
                item["label"] = words[item["id"]]

    return facts_page(
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
