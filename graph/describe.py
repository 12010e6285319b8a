"""Names and tooltip texts for the nodes and edges of a graph, with their evidence.

Everything is looked up in an :class:`Index` read from the graph in one pass: rdflib
answers each triple pattern with a fresh generator, and a view of 10,000 nodes would ask
it hundreds of thousands of times.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Set
from dataclasses import dataclass
from itertools import chain

from rdflib import RDF, RDFS, SKOS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from graph.namespaces import MG, OA, bind_prefixes

LABELS = (RDFS.label, SKOS.prefLabel)
STATEMENT = (RDF.subject, RDF.predicate, RDF.object)
# rdflib makes a new URIRef on every RDF.type or MG.evidence: the hot paths use these.
_TYPE, _SUBCLASS_OF, _COMMENT = RDF.type, RDFS.subClassOf, RDFS.comment
_EVIDENCE, _ATTRIBUTION, _SELECTOR, _EXACT = MG.evidence, MG.attribution, OA.hasSelector, OA.exact
_MODALITY, _RULE = MG.modality, MG.inferredBy
_PASSAGE = (OA.start, OA.end, OA.hasSource, MG.localFile)


def page_name(file: str) -> str | None:
    """The reading view's file for a source's text file (`NAME.de.txt`: `source-NAME.html`);
    none for a file that is not a plain name under seeds/ (render writes no page for it)."""
    return (
        f"source-{file.split('.')[0]}.html"
        if file and "/" not in file and "\\" not in file
        else None
    )


_DERIVED_FROM = PROV.wasDerivedFrom
# A local name that rdflib's split_uri keeps whole (letters, digits, "-" and "_", not
# starting with a digit or "-"), so that its curie() is namespace prefix + ":" + name.
_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ALL = (None, None, None)  # graph.triples(_ALL), not iter(graph): a Dataset iterates quads
_NONE: tuple[Node, ...] = ()
_LANGUAGE_ORDER = {"de": 0, "en": 1}  # of the labels in a tooltip; others after


def _label_order(label: tuple[str, str]) -> tuple[int, str, str]:
    """German, English, then the other languages, of (language, text) pairs."""
    return (_LANGUAGE_ORDER.get(label[0], 2), *label)


#: What a view is drawn from: an rdflib graph, or a set of triples of rdflib terms.
Triples = Graph | Set[tuple[Node, Node, Node]]


def triples_of(graph: Triples) -> Iterable[tuple[Node, Node, Node]]:
    return graph.triples(_ALL) if isinstance(graph, Graph) else graph


class Index:
    """The triples of one or more graphs, grouped by subject and by predicate."""

    def __init__(self, *graphs: Triples) -> None:
        self.graphs = graphs
        triples = (
            triples_of(graphs[0])
            if len(graphs) == 1 and not isinstance(graphs[0], Dataset)
            else set(chain.from_iterable(map(triples_of, graphs)))  # each triple once
        )
        by_subject: dict[Node, dict[Node, list[Node]]] = {}
        by_predicate: dict[Node, list[tuple[Node, Node]]] = {}
        for s, p, o in triples:
            pairs = by_predicate.get(p)
            if pairs is None:
                by_predicate[p] = [(s, o)]
            else:
                pairs.append((s, o))
            objects = by_subject.get(s)
            if objects is None:
                by_subject[s] = {p: [o]}
                continue
            found = objects.get(p)
            if found is None:
                objects[p] = [o]
            else:
                found.append(o)
        self.by_subject = by_subject
        self.by_predicate = by_predicate
        self._own = {p: p for p in by_predicate}
        self._ancestors: dict[Node, frozenset[Node]] = {}

    def own(self, term: Node) -> Node:
        """The index's own object for a predicate it holds (else the term itself).

        rdflib compares terms in Python unless they are the same object, and a view looks
        up the same few predicates hundreds of thousands of times.
        """
        return self._own.get(term, term)

    def objects(self, subject: Node, predicate: Node) -> Iterable[Node]:
        return self.by_subject.get(subject, {}).get(predicate, _NONE)

    def pairs(self, predicate: Node) -> list[tuple[Node, Node]]:
        """The (subject, object) pairs of the triples with this predicate."""
        return self.by_predicate.get(predicate, [])

    def ancestors(self, cls: Node) -> frozenset[Node]:
        """cls and every class it is a rdfs:subClassOf, directly or not."""
        found = self._ancestors.get(cls)
        if found is None:
            seen = {cls}
            todo = [cls]
            while todo:
                for parent in self.objects(todo.pop(), _SUBCLASS_OF):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._ancestors[cls] = frozenset(seen)
        return found


@dataclass(frozen=True, order=True)
class Claim:
    """One claim as a view shows it: what it states, on whose word, and its evidence."""

    statement: str  # "subject \u2014 predicate \u2192 object", by their labels
    attribution_text: str  # on whose word: the attribution's English label, else its local name
    quotes: tuple[str, ...]  # the exact text of each quote, as the source has it
    comments: tuple[str, ...]  # what a claim without quotes rests on
    attribution: str  # the attribution IRI ("" for none): edges are styled by it
    source: str  # the label of the source (the rule, for an inference; "" for none)
    modality_text: str = ""  # what kind of statement: fact, plan, forecast, opinion, purpose
    passages: tuple[str, ...] = ()  # each quote's place in the reading view of its source
    modality: str = ""  # the modality IRI ("" for none): the page filters by it


class Describer:
    """Names and tooltip texts for the nodes and edges of one graph."""

    def __init__(self, graph: Triples | Index) -> None:
        self.index = graph if isinstance(graph, Index) else Index(graph)
        self.names = bind_prefixes(Graph()).namespace_manager
        bound = dict(self.names.namespaces())
        for source in self.index.graphs:
            for prefix, namespace in source.namespaces() if isinstance(source, Graph) else ():
                if prefix and prefix not in bound:
                    self.names.bind(prefix, namespace)
                    bound[prefix] = namespace
        # qname's shortcut: bound namespaces that end in "/" or "#", and the others
        self._slash_namespaces: dict[str, str] = {}
        odd = []
        for _, namespace in self.names.namespaces():
            if namespace.endswith(("/", "#")):
                self._slash_namespaces[str(namespace)] = self.names.store.prefix(namespace)
            else:
                odd.append(str(namespace))
        self._odd_namespaces = tuple(odd)
        own = self.index.own  # the index's own predicate objects, for the hot lookups
        self._labels_p, self._statement_p = tuple(map(own, LABELS)), tuple(map(own, STATEMENT))
        self._type_p, self._comment_p, self._evidence_p = map(own, (_TYPE, _COMMENT, _EVIDENCE))
        self._attribution_p, self._selector_p, self._exact_p = map(
            own, (_ATTRIBUTION, _SELECTOR, _EXACT)
        )
        self._passage_p = tuple(map(own, _PASSAGE))
        self._derived_p, self._modality_p, self._rule_p = map(
            own, (_DERIVED_FROM, _MODALITY, _RULE)
        )
        self._named: dict[Node, tuple[str, list[tuple[str, str]]]] = {}  # label, languages
        self._qname: dict[Node, str] = {}
        self._type_lines: dict[tuple[Node, ...], str] = {}  # a node's types -> its "type:" line
        self._predicate: dict[Node, str] = {}
        self._concept_names: dict[Node | None, str] = {}
        # Each claim is filed, once, under its statement and under the two nodes it joins.
        self._claims_of: dict[tuple[Node, Node, Node], list[Claim]] = {}
        self._claims_about: dict[Node, list[Claim]] = {}
        for claim in {c for c, _ in self.index.pairs(RDF.subject)}:
            statement, shown = self._claim(claim)
            if None in statement:
                continue  # about no node or edge: never shown
            self._claims_of.setdefault(statement, []).append(shown)
            for end in {statement[0], statement[2]}:
                self._claims_about.setdefault(end, []).append(shown)

    def _claim(self, claim: Node) -> tuple[tuple[Node, Node, Node], Claim]:
        """The statement a claim reifies, and how the claim shows in a view."""
        index = self.index
        facts = index.by_subject.get(claim, {})
        s, p, o = (facts.get(part, (None,))[0] for part in self._statement_p)
        quotes = {
            str(exact)
            for evidence in facts.get(self._evidence_p, _NONE)
            for selector in index.objects(evidence, self._selector_p)
            for exact in index.objects(selector, self._exact_p)
        }
        comments = {str(c) for c in facts.get(self._comment_p, _NONE)}
        if self._rule_p in facts:  # an inference: what it follows from is its comment
            comments |= {f"because: {self._premise(p)}" for p in facts.get(self._derived_p, _NONE)}
        attribution = facts.get(self._attribution_p, (None,))[0]
        modality = facts.get(self._modality_p, (None,))[0]
        source = facts.get(self._rule_p, facts.get(self._derived_p, (None,)))[0]
        shown = Claim(
            statement=self.statement(s, p, o) if None not in (s, p, o) else "",
            attribution_text=self.concept_name(attribution),
            quotes=tuple(sorted(quotes)),
            comments=tuple(sorted(comments)),
            attribution="" if attribution is None else str(attribution),
            source="" if source is None else self.label(source),
            modality_text="" if modality is None else self.concept_name(modality),
            passages=tuple(sorted(self._passages(facts.get(self._evidence_p, _NONE)))),
            modality="" if modality is None else str(modality),
        )
        return (s, p, o), shown

    def _passages(self, evidence: Iterable[Node]) -> Iterator[str]:
        """Where each quote stands in the reading view of its source: `PAGE#q-START-END`."""
        start_p, end_p, source_p, file_p = self._passage_p
        index = self.index
        for quote in evidence:
            files = [f for s in index.objects(quote, source_p) for f in index.objects(s, file_p)]
            for selector in index.objects(quote, self._selector_p):
                starts, ends = (
                    list(index.objects(selector, start_p)),
                    list(index.objects(selector, end_p)),
                )
                page = page_name(str(files[0])) if files else None
                if page and starts and ends:
                    yield f"{page}#q-{starts[0]}-{ends[0]}"

    def _premise(self, claim: Node) -> str:
        """A premise of an inferred claim in words: its statement, on whose word, how."""
        facts = self.index.by_subject.get(claim, {})
        s, p, o = (facts.get(part, (None,))[0] for part in self._statement_p)
        said = self.concept_name(facts.get(self._attribution_p, (None,))[0])
        modality = facts.get(self._modality_p, (None,))[0]
        how = f", {self.concept_name(modality)}" if modality is not None else ""
        statement = self.statement(s, p, o) if None not in (s, p, o) else self.qname(claim)
        return f"{statement} [{said}{how}]"

    def attributions(self) -> dict[str, tuple[str, bool]]:
        """Each attribution a claim of the graph has: its name, and whether any of its
        claims quotes a source."""
        found: dict[str, tuple[str, bool]] = {}
        for claims in self._claims_of.values():
            for claim in claims:
                quoted = found.get(claim.attribution, ("", False))[1] or bool(claim.quotes)
                found[claim.attribution] = (claim.attribution_text, quoted)
        return found

    def claims_about(self, node: Node) -> list[Claim]:
        """The claims whose statement has node as its subject or object."""
        return self._claims_about.get(node, [])

    def qname(self, term: Node) -> str:
        """The prefixed name of an IRI with a bound namespace, else the term as it is."""
        if not isinstance(term, URIRef):
            return str(term)
        found = self._qname.get(term)
        if found is None:
            found = self._qname[term] = self._shortcut(term) or self._curie(term)
        return found

    def _shortcut(self, iri: str) -> str | None:
        """rdflib's curie() for the common case, a simple name after a bound namespace
        that ends in "/" or "#", without its cost (5 us an IRI, 10,000 nodes a view)."""
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = self._slash_namespaces.get(iri[:cut])
        if (
            prefix is None
            or not _SIMPLE_NAME.fullmatch(iri, cut)
            or str.startswith(iri, self._odd_namespaces)  # a longer namespace may match
        ):
            return None
        return f"{prefix}:{iri[cut:]}"

    def _curie(self, iri: URIRef) -> str:
        try:
            return self.names.curie(iri, generate=False)
        except (KeyError, ValueError):
            return str(iri)

    def label(self, term: Node) -> str:
        """The English label, else German, else any label, else the prefixed name."""
        return self._naming(term)[0]

    def _naming(self, term: Node) -> tuple[str, list[tuple[str, str]]]:
        """label(term), and languages(term)."""
        found = self._named.get(term)
        if found is None:
            facts = self.index.by_subject.get(term, {})
            found_by = [facts.get(p, _NONE) for p in self._labels_p]
            # Literal.language is a property that rdflib computes on every read: once here.
            pairs = [
                (o.language or "", str(o))
                for found in found_by
                for o in found
                if isinstance(o, Literal)
            ]
            if len(pairs) > 1:
                if all(found_by):  # one predicate's objects are distinct; two may share one
                    pairs = list(dict.fromkeys(pairs))
                pairs.sort(key=_label_order)
            first = {}  # language -> its first label
            for language, text in reversed(pairs):
                first[language] = text
            chosen = first.get("en", first.get("de", pairs[0][1] if pairs else None))
            name = self.qname(term) if chosen is None else chosen
            found = self._named[term] = (name, pairs)
        return found

    def predicate(self, predicate: Node) -> str:
        """The predicate's rdfs:label in English, else its prefixed name."""
        found = self._predicate.get(predicate)
        if found is None:
            found = self._predicate[predicate] = self._english(
                predicate, (RDFS.label,)
            ) or self.qname(predicate)
        return found

    def _english(self, term: Node, predicates: Iterable[Node]) -> str | None:
        for p in predicates:
            for lit in sorted(self.index.objects(term, p), key=str):
                if isinstance(lit, Literal) and lit.language == "en":
                    return str(lit)
        return None

    def value(self, term: Node) -> str:
        if isinstance(term, Literal):
            return f"{term} ({term.language})" if term.language else str(term)
        return self.qname(term)

    def concept_name(self, concept: Node | None) -> str:
        found = self._concept_names.get(concept)
        if found is None:
            found = self._concept_names[concept] = self._concept_text(concept)
        return found

    def _concept_text(self, concept: Node | None) -> str:
        if concept is None:
            return "no attribution"
        english = self._english(concept, (SKOS.prefLabel, RDFS.label))
        if english is not None:
            return english
        local = self.qname(concept).rpartition(":")[2]
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()

    def evidence(self, claims: Collection[Claim]) -> list[str]:
        """The lines that list claims under a tooltip, each claim once, in order."""
        if not claims:
            return []
        lines = ["", "Evidence:"]
        for claim in sorted(set(claims)):
            head = f"\u2022 {claim.statement}" if claim.statement else ""
            kind = f", {claim.modality_text}" if claim.modality_text else ""
            lines.append(f"{head} [{claim.attribution_text}{kind}]")
            lines += [f"  \u201e{quote}\u201c" for quote in claim.quotes]
            lines += [f"  {comment}" for comment in claim.comments]
        return lines

    def languages(self, term: Node) -> list[tuple[str, str]]:
        """The term's labels as (language, text) pairs ("" for a label without one):
        German, English, then the other languages."""
        return self._naming(term)[1]

    def node_title(self, node: URIRef, values: Collection[tuple[Node, Node]]) -> str:
        name, pairs = self._naming(node)
        lines = [name]
        lines += [f"label ({language or '-'}): {text}" for language, text in pairs]
        lines.append(f"IRI: {self.qname(node)}")
        types = tuple(self.index.objects(node, self._type_p))
        if types:
            line = self._type_lines.get(types)
            if line is None:  # most nodes share their types with many others
                line = self._type_lines[types] = "type: " + ", ".join(
                    sorted(map(self.qname, types))
                )
            lines.append(line)
        if values:
            lines += sorted(f"{self.predicate(p)}: {self.value(o)}" for p, o in values)
        claims = self._claims_about.get(node)
        if claims:
            lines += self.evidence(claims)
        return "\n".join(lines)

    def statement(self, s: Node, p: Node, o: Node) -> str:
        # isinstance(o, URIRef) first: a miss on rdflib's term classes is slow (ABCMeta)
        literal = not isinstance(o, URIRef) and isinstance(o, Literal)
        target = self.value(o) if literal else self.label(o)
        return f"{self.label(s)} \u2014 {self.predicate(p)} \u2192 {target}"

    def edge_title(self, edge: tuple[URIRef, URIRef, URIRef]) -> str:
        title = f"{self.statement(*edge)}\n{self.qname(edge[1])}"
        claims = self._claims_of.get(edge)
        return "\n".join([title, *self.evidence(claims)]) if claims else title

    # In bulk, for large views: the same texts as above, with fewer calls per item.

    def node_texts(
        self, nodes: Iterable[URIRef], values: dict[Node, list[tuple[Node, Node]]]
    ) -> list[tuple[str, str]]:
        """(label(node), node_title(node, values[node])) for each node."""
        return [
            (self._naming(node)[0], self.node_title(node, values.get(node, _NONE)))
            for node in nodes
        ]

    def edge_texts(
        self, edges: Iterable[tuple[URIRef, URIRef, URIRef]]
    ) -> list[tuple[str, str, list[Claim]]]:
        """(predicate(p), edge_title(edge), claims_of(edge)) for each edge (s, p, o)
        between two IRIs."""
        named, naming, claims_of = self._named, self._naming, self._claims_of
        about: dict[Node, tuple[str, str]] = {}  # predicate -> its label, its qname
        texts = []
        for edge in edges:
            s, p, o = edge
            predicate = about.get(p)
            if predicate is None:
                predicate = about[p] = (self.predicate(p), self.qname(p))
            label = predicate[0]
            source = (named.get(s) or naming(s))[0]
            target = (named.get(o) or naming(o))[0]
            title = f"{source} \u2014 {label} \u2192 {target}\n{predicate[1]}"
            claims = claims_of.get(edge, [])
            if claims:
                title = "\n".join([title, *self.evidence(claims)])
            texts.append((label, title, claims))
        return texts
