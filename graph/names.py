"""Nodes by the names people give them, and the names to show for nodes.

A node is found by IRI, prefixed name, kg: local name or label; the store does the
matching (bound literal values first, so an index answers), and only a name that
matches nothing makes Python look at labels, to suggest the closest.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from itertools import islice

from graph.errors import InputError
from graph.prefixes import PREFIXES
from graph.query import Engine
from graph.store.terms import Term, is_iri

LANGUAGES = ("en", "de")
# Label properties, the most preferred first.
_LABELS = ("skos:prefLabel", "rdfs:label", "skos:altLabel", "dcterms:title")
_LABELLING = f"VALUES ?labelling {{ {' '.join(_LABELS)} }}"
_LABEL_PATH = "|".join(_LABELS)  # for a bound label: an index look-up per property
# For every label: a union of patterns scans faster than the alternative path.
_ANY_LABEL = " UNION ".join(f"{{ ?node {p} ?label }}" for p in _LABELS)
_MANY = 10  # nodes listed when a name is ambiguous

# The name as it is typed, in each language or none, and as a kg: local name: every
# branch is bound to a term, so the store's indexes answer.
_EXACTLY = f"""
SELECT DISTINCT ?node ?en ?de ?plain ?local ?lowered WHERE {{
  {{ ?node {_LABEL_PATH} ?en }} UNION {{ ?node {_LABEL_PATH} ?de }}
  UNION {{ ?node {_LABEL_PATH} ?plain }}
  UNION {{ ?local a [] BIND (?local AS ?node) }} UNION {{ ?lowered a [] BIND (?lowered AS ?node) }}
}}
"""

# Any case: the labels equal to the name, else those that start with it (a scan). The
# name is a VALUES clause inside the pattern, not a binding: an endpoint is sent
# bindings as a VALUES clause after the query, which its FILTER would not see.
_LOOSELY = f"""
SELECT DISTINCT ?node (LCASE(STR(?label)) = ?lower AS ?exact) WHERE {{
  VALUES ?lower {{ LOWERED_NAME }}
  {_ANY_LABEL}
  FILTER (STRSTARTS(LCASE(STR(?label)), ?lower))
}}
ORDER BY DESC(?exact) ?node
LIMIT 100
"""

# Of some nodes, the individuals: typed, and not a class, property, ontology or concept
# (attributions and modalities are concepts).
_INDIVIDUALS = """
SELECT DISTINCT ?node WHERE {
  VALUES ?node { %s }
  ?node a [] .
  FILTER NOT EXISTS {
    VALUES ?vocabulary { owl:Class owl:ObjectProperty owl:DatatypeProperty
                         owl:AnnotationProperty owl:Ontology rdf:Property rdfs:Class
                         skos:Concept skos:ConceptScheme }
    ?node a ?vocabulary .
  }
}
"""

_EVERY_LABEL = f"SELECT ?node ?label WHERE {{ {_ANY_LABEL} }}"


def _known(engine: Engine, name: str, iri: str) -> Term:
    """The node with this IRI, if the graph has it (a typo is no node, not a missing path)."""
    if not is_iri(iri):
        raise InputError(f"{name!r} is not an IRI")
    node = Term("iri", iri)
    occurs = "ASK { { ?node ?p ?o } UNION { ?s ?p ?node } }"
    if not engine.query(occurs, "<names>", {"node": node}).boolean():
        raise InputError(f"no node is named {name!r} (use an IRI, kg:name or a label)")
    return node


def _individuals(engine: Engine, nodes: list[Term]) -> set[Term]:
    nodes = [node for node in nodes if node.kind == "iri"]
    if not nodes:
        return set()
    query = _INDIVIDUALS % " ".join(node.n3() for node in nodes)
    return {row[0] for row in engine.query(query, "<names>").rows()}


def _kg_iri(local: str) -> Term:
    """kg:local, or where that is no IRI, the kg: namespace itself (which names no node)."""
    iri = PREFIXES["kg"] + local
    return Term("iri", iri if is_iri(iri) else PREFIXES["kg"])


def find_node(engine: Engine, name: str) -> Term:
    """A node by IRI, prefixed name, kg: local name or label (English or German, any case).

    A name that matches no label exactly may match the start of one label, if only one.
    """
    if not name.strip():
        raise InputError("a node name cannot be empty")
    prefix, _, local = name.partition(":")
    if name.startswith("<") and name.endswith(">"):
        return _known(engine, name, name[1:-1])
    if local and prefix in PREFIXES:
        return _known(engine, name, PREFIXES[prefix] + local)
    exactly = {
        "en": Term("literal", name, "en"),
        "de": Term("literal", name, "de"),
        "plain": Term("literal", name),
        "local": _kg_iri(name),
        "lowered": _kg_iri(name.lower()),
    }
    matches = _individuals(
        engine, [row[0] for row in engine.query(_EXACTLY, "<names>", exactly).rows()]
    )
    if not matches:
        loosely = _LOOSELY.replace("LOWERED_NAME", Term("literal", name.lower()).n3())
        rows = list(engine.query(loosely, "<names>").rows())
        found = _individuals(engine, [row[0] for row in rows])
        exact = {row[0] for row in rows if row[1].value == "true"} & found
        matches = exact or found
    if len(matches) == 1:
        return matches.pop()
    if not matches:
        raise InputError(f"no node is named {name!r}{_suggestion(engine, name)}")
    listed = ", ".join(sorted(m.text() for m in matches)[:_MANY])
    more = ", …" if len(matches) > _MANY else ""
    raise InputError(f"{name!r} names several nodes: {listed}{more}")


def _suggestion(engine: Engine, name: str) -> str:
    """`: did you mean …?` with the labels closest to a name that matches none, or a hint.

    A label is compared whole and by its start as long as the name, which may be the
    start of a label. Only a name that matches nothing pays for this."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(name.casefold())  # difflib keeps what it learns of the second
    best: dict[Term, tuple[float, str]] = {}  # node -> (minus how close, its closest label)
    for node, label in engine.query(_EVERY_LABEL, "<names>").rows():
        text = label.value.casefold()
        score = max(_closeness(matcher, text), _closeness(matcher, text[: len(name)]))
        if score >= _CLOSE and (-score, label.value) < best.get(node, (0.0, "")):
            best[node] = (-score, label.value)
    closest = sorted((score, label, node) for node, (score, label) in best.items())[:20]
    individuals = _individuals(engine, [node for _, _, node in closest])
    named = [f"{label} ({node.text()})" for _, label, node in closest if node in individuals][:3]
    if not named:
        return " (use an IRI, kg:name or a label)"
    return f": did you mean {' or '.join(named)}?"


_CLOSE = 0.75


def _closeness(matcher: difflib.SequenceMatcher, text: str) -> float:
    matcher.set_seq1(text)
    if matcher.real_quick_ratio() < _CLOSE or matcher.quick_ratio() < _CLOSE:
        return 0.0
    return matcher.ratio()


class Names:
    """What to call nodes in a report: the label in one language, else in the other,
    else any label, else the local name; or, with `iris`, the prefixed name."""

    def __init__(self, engine: Engine, language: str = "en", iris: bool = False) -> None:
        self.engine, self.iris = engine, iris
        self._rank = {code: 0 if code == language else 1 for code in LANGUAGES}
        self._shown: dict[Term, tuple[str, str]] = {}  # the term's label(), its node()

    def learn(self, terms: Iterable[Term]) -> None:
        """Look up the labels of the terms not looked up before, a thousand a query."""
        new = iter({term for term in terms if term not in self._shown})
        while chunk := list(islice(new, 1000)):
            labels = {} if self.iris else self._labels(chunk)
            for term in chunk:
                label, text = labels.get(term), term.text()
                if label:
                    self._shown[term] = (label, f"{label} ({text})")
                else:
                    self._shown[term] = (text if self.iris else _local_name(term), text)

    def _labels(self, terms: list[Term]) -> dict[Term, str]:
        values = " ".join(term.n3() for term in terms if term.kind == "iri")
        query = f"""SELECT ?node ?labelling ?label WHERE {{
          VALUES ?node {{ {values} }} {_LABELLING} ?node ?labelling ?label }}"""
        best: dict[Term, tuple[int, int, str]] = {}
        for node, labelling, label in self.engine.query(query, "<labels>").rows():
            language = self._rank.get(label.language, 2 if label.language is None else 3)
            rank = (language, _LABELS.index(labelling.text()), label.value)
            best[node] = min(best.get(node, rank), rank)
        return {node: rank[2] for node, rank in best.items()}

    def label(self, term: Term) -> str:
        """The term's label, else its local name; with `iris`, its prefixed name."""
        if term not in self._shown:
            self.learn([term])
        return self._shown[term][0]

    def node(self, term: Term) -> str:
        """The label and the prefixed name in brackets, or the prefixed name alone."""
        if term not in self._shown:
            self.learn([term])
        return self._shown[term][1]


def _local_name(term: Term) -> str:
    text = term.text()
    return text if text.startswith("<") else text.partition(":")[2]
