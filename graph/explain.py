"""Explanations: how two nodes of the graph are connected, fact by fact, with who asserts
each fact and how, and for what the graph infers, the rule and the claims it rests on.

The connections are the shortest chains of claimed facts between the two nodes, followed
in either direction (SpaceX is linked to X through "SpaceX controls xAI" and "xAI
controls X Corp."): every fact of the graph has a claim, so the claims are the map.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import networkx as nx

from graph.names import Names
from graph.query import Engine
from graph.store.terms import Term

_CLAIMS = """
SELECT ?claim ?s ?p ?o ?attribution ?modality ?agent ?source ?quote ?basis WHERE {
  ?claim a mg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
         mg:attribution ?attribution ; mg:modality ?modality .
  OPTIONAL { ?claim prov:wasAttributedTo ?agent }
  OPTIONAL { ?claim prov:wasDerivedFrom ?source FILTER NOT EXISTS { ?claim mg:inferredBy ?r } }
  OPTIONAL { ?claim mg:inferredBy ?source }
  OPTIONAL { ?claim mg:evidence/oa:hasSelector/oa:exact ?quote }
  OPTIONAL { ?claim rdfs:comment ?basis FILTER (langMatches(lang(?basis), "en")) }
}
"""
_PREMISES = (
    "SELECT ?claim ?premise WHERE { ?claim mg:inferredBy ?rule ; prov:wasDerivedFrom ?premise }"
)
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Said:
    """One claim: the fact, on whose word and how, its source (the rule, for an
    inference), its quote or what it rests on, and the claims it is derived from."""

    claim: Term
    fact: tuple[Term, Term, Term]
    attribution: Term
    modality: Term
    agent: Term | None
    source: Term | None
    quote: str | None
    basis: str | None
    premises: tuple[Said, ...]


@dataclass(frozen=True)
class Hop:
    """The facts that join two neighbours of a chain, in whichever direction each runs."""

    ends: tuple[Term, Term]
    claims: tuple[Said, ...]


def _claims(engine: Engine) -> dict[Term, Said]:
    rows: dict[Term, list] = {}
    for claim, s, p, o, attribution, modality, agent, source, quote, basis in engine.query(
        _CLAIMS, "<claims>"
    ).rows():
        rows.setdefault(
            claim, [claim, (s, p, o), attribution, modality, agent, source, quote, basis]
        )
    premises: dict[Term, list[Term]] = {}
    for claim, premise in engine.query(_PREMISES, "<premises>").rows():
        premises.setdefault(claim, []).append(premise)
    made: dict[Term, Said] = {}

    def said(claim: Term, seen: frozenset[Term]) -> Said:
        if claim not in made:
            row = rows[claim]
            under = tuple(
                said(p, seen | {claim})
                for p in sorted(premises.get(claim, []), key=str)
                if p in rows and p not in seen
            )
            quote, basis = (None if t is None else t.value for t in row[6:8])
            made[claim] = Said(*row[:6], quote, basis, under)
        return made[claim]

    return {claim: said(claim, frozenset()) for claim in rows}


def connections(engine: Engine, start: Term, end: Term, max_hops: int = 6) -> Iterator[list[Hop]]:
    """The shortest chains of claimed facts from `start` to `end`, each a list of hops, as
    they are found; none when they are not connected within `max_hops`."""
    claims = _claims(engine)
    network = nx.Graph()
    for said in claims.values():
        s, p, o = said.fact
        if p.value != _TYPE and o.kind == "iri" and s != o:
            network.add_edge(s, o)
            network.edges[s, o].setdefault("claims", []).append(said)
    if start not in network or end not in network:
        return
    try:
        chains = nx.all_shortest_paths(network, start, end)
        for chain in chains:
            if len(chain) - 1 > max_hops:
                return
            yield [
                Hop((u, v), tuple(sorted(network.edges[u, v]["claims"], key=_claim_order)))
                for u, v in itertools.pairwise(chain)
            ]
    except nx.NetworkXNoPath:
        return


def nodes_of(chain: list[Hop]) -> list[Term]:
    """The nodes of a chain in its order, from start to end."""
    return [chain[0].ends[0], *(hop.ends[1] for hop in chain)]


def _claim_order(said: Said) -> tuple[str, str]:
    return str(said.fact[1]), str(said.claim)


def _terms(said: Said) -> Iterator[Term]:
    yield from (*said.fact, said.attribution, said.modality)
    yield from (t for t in (said.agent, said.source) if t is not None)
    for premise in said.premises:
        yield from _terms(premise)


def _fact_text(said: Said, names: Names) -> str:
    s, p, o = said.fact
    obj = names.node(o) if o.kind == "iri" else repr(o.value)
    return f"{names.node(s)} {names.label(p)} {obj}"


def _claim_lines(said: Said, names: Names, depth: int) -> list[str]:
    """A fact, then its claim: on whose word, how, from where, and what it says; under an
    inference, each premise the same way, after "because"."""
    pad = "     " + "    " * depth
    attribution = names.label(said.attribution)
    if said.agent is not None:
        attribution += f" ({names.label(said.agent)})"
    who = [attribution, names.label(said.modality)]
    if said.source is not None:
        who.append(names.label(said.source))
    told = f"„{said.quote}“" if said.quote else said.basis or ""
    lines = [f"{pad}{_fact_text(said, names)}", f"{pad}  [{', '.join(who)}] {told}".rstrip()]
    if said.premises:
        lines.append(f"{pad}  because:")
    for premise in said.premises:
        lines += _claim_lines(premise, names, depth + 1)
    return lines


def write_text(found: Iterator[list[Hop]], names: Names, out: BinaryIO, most: int = 0) -> int:
    """Each chain as it is found, every fact of a hop with its claims; gives the count."""
    written = 0
    for chain in found:
        if most and written == most:
            break
        written += 1
        nodes = nodes_of(chain)
        names.learn(t for hop in chain for said in hop.claims for t in _terms(said))
        lines = [f"connection {written}: " + " — ".join(names.label(n) for n in nodes)]
        for step, hop in enumerate(chain, 1):
            lines.append(f"  {step}. {' — '.join(names.label(n) for n in hop.ends)}")
            for said in hop.claims:
                lines += _claim_lines(said, names, 0)
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
        out.flush()
    return written


def _said_json(said: Said, names: Names) -> dict:
    s, p, o = said.fact

    def term(t: Term | None) -> str | None:
        return None if t is None else t.value

    return {
        "claim": term(said.claim),
        "subject": term(s),
        "predicate": term(p),
        "object": term(o),
        "objectIsIri": o.kind == "iri",
        "attribution": term(said.attribution),
        "attributionLabel": names.label(said.attribution),
        "modality": term(said.modality),
        "modalityLabel": names.label(said.modality),
        "agent": term(said.agent),
        "source": term(said.source),
        "quote": said.quote,
        "basis": said.basis,
        "premises": [_said_json(p, names) for p in said.premises],
    }


def write_json(found: Iterator[list[Hop]], names: Names, out: BinaryIO, most: int = 0) -> int:
    """The chains as one JSON document: each a list of nodes and of hops with their claims."""
    result = []
    for chain in found:
        if most and len(result) == most:
            break
        nodes = nodes_of(chain)
        names.learn(t for hop in chain for said in hop.claims for t in _terms(said))
        result.append(
            {
                "nodes": [{"iri": n.value, "label": names.label(n)} for n in nodes],
                "hops": [[_said_json(said, names) for said in hop.claims] for hop in chain],
            }
        )
    out.write(
        json.dumps({"connections": result}, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    )
    return len(result)
