"""Inference rules: the `construct-*` queries of queries/, run at build until nothing new
follows.

A rule derives a fact and, with it, the claim that says so: attributed to the graph's
own rules (`mg:Inferred`), naming the rule (`mg:inferredBy`) and the claims it rests on
(`prov:wasDerivedFrom`), never quoting a source. What the rules derive goes into a graph
of its own, `kg:inferences`, so that no source is credited with it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.errors import InputError
from graph.prefixes import PREFIXES, TURTLE_PREFIXES, expand
from graph.query import QueryText, read_query_file

INFERENCES = ox.NamedNode(PREFIXES["kg"] + "inferences")
MAX_ROUNDS = 16


def rule_node(path: Path) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES["kg"] + "rule-" + path.stem.removeprefix("construct-"))


def _term(name: str) -> ox.NamedNode:
    return ox.NamedNode(expand(name))


def _description(path: Path, query: QueryText) -> list[ox.Triple]:
    """The rule as a node of the graph: its file, and as its label the header's first
    sentence up to its colon ("An acquirer owns what it acquired")."""
    node = rule_node(path)
    label = query.title.partition(":")[0].rstrip(".") or path.stem
    return [
        ox.Triple(node, _term("rdf:type"), _term("mg:InferenceRule")),
        ox.Triple(node, _term("rdfs:label"), ox.Literal(label, language="en")),
        ox.Triple(node, _term("mg:queryFile"), ox.Literal(path.name)),
    ]


# The source of what the rules derive, and the agent its claims are attributed to.
_MACHINERY = """
kg:inferences a mg:Inferences ;
    rdfs:label "inferences of muskgraph's rules"@en ,
        "Schlussfolgerungen der Regeln von muskgraph"@de ;
    prov:wasAttributedTo kg:muskgraph-rules .
kg:muskgraph-rules a prov:SoftwareAgent , prov:Agent ;
    rdfs:label "muskgraph's inference rules"@en , "Schlussregeln von muskgraph"@de .
"""


def _machinery() -> list[ox.Triple]:
    return [q.triple for q in ox.parse(TURTLE_PREFIXES + _MACHINERY, format=ox.RdfFormat.TURTLE)]


def infer(store: ox.Store, rules: list[Path]) -> list[ox.Triple]:
    """Every triple the rules derive from `store`, run again on what they derived until
    nothing new follows; the store gets them too, in the graph `kg:inferences`."""
    queries = {path: read_query_file(path) for path in rules}
    derived: list[ox.Triple] = []
    if rules:
        derived = _machinery()
        for path, query in queries.items():
            derived.extend(_description(path, query))
        store.extend(ox.Quad(*t, INFERENCES) for t in derived)
    for _ in range(MAX_ROUNDS):
        new = []
        for path, query in queries.items():
            try:
                answer = store.query(query.text, use_default_graph_as_union=True)
            except SyntaxError as error:
                raise InputError(f"{path}: {error}") from None
            if not isinstance(answer, ox.QueryTriples):
                raise InputError(f"{path}: a rule must be a CONSTRUCT query")
            new.extend(t for t in answer if not any(store.quads_for_pattern(*t)))
        if not new:
            return derived
        unique = list(dict.fromkeys(new))
        store.extend(ox.Quad(*t, INFERENCES) for t in unique)
        derived.extend(unique)
    raise InputError(f"the rules in queries/ still derive new triples after {MAX_ROUNDS} rounds")
