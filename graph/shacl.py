"""SHACL Core shapes compiled to SPARQL and answered by Oxigraph, in the store of the data.

pySHACL asks its questions node by node in Python, over a copy of the data in rdflib;
here each constraint of each targeted shape becomes one SELECT that lists the nodes
violating it. The translation reads whatever shapes the shapes graph holds and refuses a
construct it does not translate (SHACL-SPARQL, sh:closed, ...), so that no shape is
silently skipped.

pySHACL runs with the ontology and inference="rdfs"; here the data's schema
(rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range, wherever it is stated) is
read first. The instances under RDFS of each class the shapes name (explicit instances
of it or of a subclass, subjects of the properties whose domain is one of those, objects
of those whose range is) are written to a graph of their own while the shapes are
checked, and each property in a path is widened to its sub-properties. The rest of the
closure (every node an rdfs:Resource, ...) is left out: shapes of such classes are refused.

Where the results may still differ from pySHACL's (tests/test_shacl_engines.py compares
the two): ill-typed literals ("abc"^^xsd:integer) are found for the datatypes SPARQL
casts to (_CASTABLE) only; sh:pattern is Oxigraph's regular expression dialect, not
Python's; sh:lessThan between IRIs is a violation (SPARQL does not order IRIs) where
pySHACL compares their text; a shape without sh:message gets a message of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, count
from typing import Any, NamedTuple

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from graph.errors import InputError
from graph.prefixes import compact
from graph.rdfs import META_CLASSES, Schema
from graph.store.oxigraph_engine import OxigraphEngine
from graph.store.rdflib_bridge import from_rdflib

MAX_COUNT = 8  # the most values a count constraint names (n values are n(n-1)/2 filters)
# Shape parameters that say nothing to check.
_DESCRIPTIVE = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
# Each SHACL path form but sequences (lists), as SPARQL writes it (alternatives, a list,
# are joined by "|" where they are read).
_PATHS = {
    SH.inversePath: "^({})",
    SH.alternativePath: "({})",
    SH.zeroOrMorePath: "({})*",
    SH.oneOrMorePath: "({})+",
    SH.zeroOrOnePath: "({})?",
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
# Datatypes whose lexical form SPARQL can check by a cast: pySHACL refuses ill-typed
# literals ("abc"^^xsd:integer), as the SHACL spec asks.
_CASTABLE = {XSD.boolean, XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.dateTime}
_COMPARISONS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
_PAIRS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
_LOGICAL = {SH["and"]: " && ", SH["or"]: " || "}
# Each constraint parameter, and the method of _Compiler that checks it.
_CONSTRAINTS = {
    SH["class"]: "_class",
    SH.datatype: "_datatype",
    SH.nodeKind: "_node_kind",
    SH.minCount: "_min_count",
    SH.maxCount: "_max_count",
    SH.minLength: "_length",
    SH.maxLength: "_length",
    SH.pattern: "_pattern",
    SH.languageIn: "_language_in",
    SH.uniqueLang: "_unique_lang",
    SH.equals: "_equals",
    SH.disjoint: "_disjoint",
    SH.hasValue: "_has_value",
    SH["in"]: "_in",
    SH.node: "_node",
    SH["not"]: "_not",
    SH.xone: "_xone",
    SH.qualifiedMinCount: "_qualified",
    SH.qualifiedMaxCount: "_qualified",
    **dict.fromkeys(_COMPARISONS, "_comparison"),
    **dict.fromkeys(_PAIRS, "_pair"),
    **dict.fromkeys(_LOGICAL, "_logical"),
}
# Parameters read with a constraint's, and those that say nothing to check.
_OTHER_PARAMETERS = {
    *_DESCRIPTIVE,
    *_TARGETS,
    *_PATHS,
    SH.property,
    SH.path,
    SH.flags,
    SH.deactivated,
    SH.qualifiedValueShape,
    SH.qualifiedValueShapesDisjoint,
}
# The graph, in the store checked, that holds the instances of classes under RDFS while
# the shapes are checked.
_INSTANCES = "urn:muskgraph:rdfs-instances"
_INSTANCES_GRAPH = ox.NamedNode(_INSTANCES)
_TYPE = ox.NamedNode(str(RDF.type))


class Result(NamedTuple):
    """One validation result, as both engines report it."""

    focus: str  # the focus node as a person reads it
    path: str  # the result path in SPARQL syntax, "" for a node shape
    component: str  # e.g. "MinCountConstraintComponent"
    severity: str  # e.g. "Violation"
    message: str

    def line(self) -> str:
        return (
            f"{self.severity}: {self.focus}{' ' + self.path if self.path else ''}: {self.message}"
        )


class _Check(NamedTuple):
    """A graph pattern that matches when the focus (bound before it) violates a constraint."""

    component: str
    pattern: str
    outputs: tuple[str, ...] = ()  # variables that tell one result from another


class _Site(NamedTuple):
    """Where a constraint parameter is: its shape, and in SPARQL the shape's focus
    variable, path (None for a node shape) and value variable."""

    shape: Any
    parameter: Any
    focus: str
    path: str | None
    value: str
    nullable: bool  # the path may have length zero: the focus is one of its values

    @property
    def component(self) -> str:
        """The constraint component of the parameter, e.g. MinCountConstraintComponent."""
        name = str(self.parameter).removeprefix(str(SH))
        return f"{name[0].upper()}{name[1:]}ConstraintComponent"

    @property
    def values(self) -> str:
        return self.reach(self.value)

    def reach(self, name: str) -> str:
        """A pattern binding the variable `name` to each value node."""
        if self.path is None:
            return f"BIND({self.focus} AS {name})"
        if self.nullable:  # Oxigraph has no zero-length path from a node in no triple
            return (
                f"OPTIONAL {{ {self.focus} {self.path} {name}_ }} "
                f"BIND(COALESCE({name}_, {self.focus}) AS {name})"
            )
        return f"{self.focus} {self.path} {name} ."

    def has(self, term: str) -> str:
        """A pattern that matches when `term` (bound) is a value node."""
        if self.path is None:
            return f"FILTER(sameTerm({self.focus}, {term}))"
        found = f"{self.focus} {self.path} {term} ."
        if self.nullable:
            return f"{{ {found} }} UNION {{ FILTER(sameTerm({self.focus}, {term})) }}"
        return found


class ShapesGraph:
    """The shapes of a shapes graph, checked once for constructs the translation lacks."""

    def __init__(self, shapes: Graph, origin: str) -> None:
        self.graph = shapes
        self.origin = origin
        supported = set(_CONSTRAINTS) | _OTHER_PARAMETERS
        for subject, predicate, value in shapes:
            if str(predicate).startswith(str(SH)) and predicate not in supported:
                self.refuse(subject, f"{compact(str(predicate))} is not supported")
            if predicate == SH.qualifiedValueShapesDisjoint and value.eq(Literal(True)):
                self.refuse(subject, "sh:qualifiedValueShapesDisjoint true is not supported")
            if predicate == SH.property and shapes.value(subject, SH.path) is not None:
                self.refuse(subject, "sh:property on a property shape is not supported")
            if predicate in (SH.targetClass, SH["class"]) and value in META_CLASSES:
                self.refuse(subject, f"{compact(str(value))} has instances RDFS gives everything")
        self.targeted = sorted(
            {s for p in _TARGETS for s in shapes.subjects(p, None)}, key=lambda s: str(s)
        )

    def refuse(self, shape: Any, reason: str) -> None:
        raise InputError(
            f"{self.origin}: shape {term_text(shape)}: {reason} by the SPARQL engine "
            "(use --engine pyshacl)"
        )

    def results(self, engine: OxigraphEngine) -> list[Result]:
        """Every validation result of the data the engine reads. Its store must take
        writes: a graph of its own holds the instances of classes meanwhile."""
        compiler = _Compiler(self, Schema.read(engine))
        results = []
        try:
            compiler.infer_instances(engine.store)
            for shape in self.targeted:
                if self.deactivated(shape):
                    continue
                targets = compiler.targets(shape)
                for source, check in compiler.top_checks(shape):
                    outputs = " ".join(("?focus", *check.outputs))
                    query = f"SELECT DISTINCT {outputs} WHERE {{ {targets} {check.pattern} }}"
                    found = self.result(source, check.component)
                    origin = f"<{check.component} of {term_text(source)}>"
                    rows = engine.query(query, origin).rows()
                    results += [found._replace(focus=row[0].text()) for row in rows if row[0]]
        finally:
            engine.store.update(f"DROP SILENT GRAPH <{_INSTANCES}>")
        return results

    def result(self, shape: Any, component: str) -> Result:
        """A result of the shape's constraint component, for any focus node."""
        severity = self.graph.value(shape, SH.severity) or SH.Violation
        messages = sorted(str(m) for m in self.graph.objects(shape, SH.message))
        message = messages[0] if messages else f"{component} of {term_text(shape)}"
        return Result(
            "",
            path_text(self.graph, self.graph.value(shape, SH.path)),
            component,
            compact(str(severity)).removeprefix("sh:"),
            message,
        )

    def deactivated(self, shape: Any) -> bool:
        return any(value.eq(Literal(True)) for value in self.graph.objects(shape, SH.deactivated))


class _Compiler:
    """SPARQL for the constraints of a shapes graph, over one data schema."""

    def __init__(self, shapes: ShapesGraph, schema: Schema) -> None:
        self.shapes = shapes
        self.graph = shapes.graph
        self.schema = schema
        self._names = count()
        self._compiling: set[Any] = set()

    def var(self) -> str:
        return f"?v{next(self._names)}"

    def targets(self, shape: Any) -> str:
        """A pattern binding ?focus to each target of the shape."""
        parts = [
            f"{{ {self.instance('?focus', c)} }}" for c in self._objects(shape, SH.targetClass)
        ]
        parts += [
            f"{{ VALUES ?focus {{ {n.n3()} }} }}" for n in self._objects(shape, SH.targetNode)
        ]
        for prop in self._objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?focus {self.predicate(prop)} [] }}")
        for prop in self._objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ [] {self.predicate(prop)} ?focus }}")
        return " UNION ".join(parts)

    def top_checks(self, shape: Any) -> Iterator[tuple[Any, _Check]]:
        """The checks of a targeted shape and of its property shapes, with the shape each
        result is reported for."""
        for check in self.checks(shape, "?focus"):
            yield shape, check
        for prop in self._objects(shape, SH.property):
            if not self.shapes.deactivated(prop):
                for check in self.checks(prop, "?focus"):
                    yield prop, check

    def conforms(self, shape: Any, node: str) -> str:
        """A SPARQL expression, true when `node` conforms to the shape."""
        if shape in self._compiling:
            self.shapes.refuse(shape, "a shape that refers to itself is not supported")
        if self.shapes.deactivated(shape):
            return "true"
        self._compiling.add(shape)
        checks = list(self.checks(shape, node))
        for prop in self._objects(shape, SH.property):
            if not self.shapes.deactivated(prop):
                checks += self.checks(prop, node)
        self._compiling.discard(shape)
        return " && ".join(f"NOT EXISTS {{ {c.pattern} }}" for c in checks) or "true"

    def checks(self, shape: Any, focus: str) -> list[_Check]:
        """The checks of the shape's own parameters (not of its property shapes)."""
        path_node = self.graph.value(shape, SH.path)
        path = None if path_node is None else self.path(path_node)
        nullable = path_node is not None and self.nullable(path_node)
        value = self.var()
        checks = []
        for parameter, method in _CONSTRAINTS.items():
            for argument in self._objects(shape, parameter):
                site = _Site(shape, parameter, focus, path, value, nullable)
                check = getattr(self, method)(site, argument)
                if check is not None:
                    checks.append(check)
        return checks

    # Constraints on each value node: one result per value node that fails `test`.

    def _value_check(self, site: _Site, test: str) -> _Check:
        return _Check(site.component, f"{site.values} FILTER(!({test}))", (site.value,))

    def _class(self, site: _Site, cls: Any) -> _Check:
        v = site.value
        test = f"EXISTS {{ {self.instance(v, cls)} }}"
        # A literal can be no subject of the graph of instances: ask the data.
        test += f" || (isLiteral({v}) && EXISTS {{ {self.schema.instances(v, cls)} }})"
        return self._value_check(site, test)

    def _datatype(self, site: _Site, datatype: Any) -> _Check:
        v = site.value
        test = f"isLiteral({v}) && datatype({v}) = {datatype.n3()}"
        if datatype == RDF.langString:
            test += f' && lang({v}) != ""'
        elif datatype in _CASTABLE:
            test += f" && COALESCE(isLiteral({datatype.n3()}(str({v}))), false)"
        return self._value_check(site, test)

    def _node_kind(self, site: _Site, kind: Any) -> _Check:
        if kind not in _NODE_KINDS:
            self.shapes.refuse(site.shape, f"sh:nodeKind {term_text(kind)} is not a node kind")
        return self._value_check(site, _NODE_KINDS[kind].format(v=site.value))

    def _length(self, site: _Site, length: Any) -> _Check:
        operator = ">=" if site.parameter == SH.minLength else "<="
        v = site.value
        return self._value_check(
            site, f"!isBlank({v}) && COALESCE(strlen(str({v})) {operator} {int(length)}, false)"
        )

    def _pattern(self, site: _Site, pattern: Any) -> _Check:
        arguments = [f"str({site.value})", Literal(str(pattern)).n3()]
        flags = self.graph.value(site.shape, SH.flags)
        if flags is not None:
            arguments.append(Literal(str(flags)).n3())
        return self._value_check(site, f"!isBlank({site.value}) && regex({', '.join(arguments)})")

    def _language_in(self, site: _Site, languages: Any) -> _Check:
        v = site.value
        tags = [str(tag).lower() for tag in self._list(site.shape, languages)]
        matches = " || ".join(
            "true" if tag == "*" else f"langMatches(lang({v}), {Literal(tag).n3()})" for tag in tags
        )
        return self._value_check(
            site, f'COALESCE(lang({v}) != "" && ({matches or "false"}), false)'
        )

    def _comparison(self, site: _Site, bound: Any) -> _Check:
        operator = _COMPARISONS[site.parameter]
        return self._value_check(site, f"COALESCE({site.value} {operator} {bound.n3()}, false)")

    def _in(self, site: _Site, members: Any) -> _Check:
        listed = [f"sameTerm({site.value}, {m.n3()})" for m in self._list(site.shape, members)]
        return self._value_check(site, " || ".join(listed) or "false")

    def _node(self, site: _Site, other: Any) -> _Check:
        return self._value_check(site, self.conforms(other, site.value))

    def _not(self, site: _Site, other: Any) -> _Check:
        return self._value_check(site, f"!({self.conforms(other, site.value)})")

    def _logical(self, site: _Site, members: Any) -> _Check:
        tests = [f"({self.conforms(m, site.value)})" for m in self._list(site.shape, members)]
        empty = "true" if site.parameter == SH["and"] else "false"
        return self._value_check(site, _LOGICAL[site.parameter].join(tests) or empty)

    def _xone(self, site: _Site, members: Any) -> _Check:
        conforming = [
            f"IF({self.conforms(m, site.value)}, 1, 0)" for m in self._list(site.shape, members)
        ]
        return self._value_check(site, f"({' + '.join(conforming) or '0'}) = 1")

    # Constraints between the values and another property of the focus node.

    def _equals(self, site: _Site, prop: Any) -> _Check:
        """One result per value on one side only."""
        focus, value, other = site.focus, site.value, self.predicate(prop)
        pattern = (
            f"{{ {site.values} FILTER NOT EXISTS {{ {focus} {other} {value} }} }} UNION "
            f"{{ {focus} {other} {value} FILTER NOT EXISTS {{ {site.has(value)} }} }}"
        )
        return _Check(site.component, pattern, (value,))

    def _disjoint(self, site: _Site, prop: Any) -> _Check:
        pattern = f"{site.values} {site.focus} {self.predicate(prop)} {site.value} ."
        return _Check(site.component, pattern, (site.value,))

    def _pair(self, site: _Site, prop: Any) -> _Check:
        """One result per pair of a value and a value of `prop` that compare wrongly."""
        other = self.var()
        test = f"COALESCE({site.value} {_PAIRS[site.parameter]} {other}, false)"
        pattern = f"{site.values} {site.focus} {self.predicate(prop)} {other} . FILTER(!({test}))"
        return _Check(site.component, pattern, (site.value, other))

    # Constraints on the focus node as a whole: one result per focus node.

    def _count(
        self, site: _Site, least: int | None, most: int | None, shape: Any = None
    ) -> _Check | None:
        """At least `least` or at most `most` distinct values (that conform to `shape`)."""
        if not site.path:
            self.shapes.refuse(site.shape, f"{compact(str(site.parameter))} needs sh:path")
        if max(least or 0, (most or 0) + 1) > MAX_COUNT:
            self.shapes.refuse(site.shape, f"counts above {MAX_COUNT} are not translated")
        if least == 0:
            return None
        if least is not None:
            found = self._values(site, least, shape)
            return _Check(site.component, f"FILTER NOT EXISTS {{ {found} }}")
        found = self._values(site, (most or 0) + 1, shape)
        return _Check(site.component, f"FILTER EXISTS {{ {found} }}")

    def _values(self, site: _Site, how_many: int, shape: Any) -> str:
        """A pattern that matches when the focus has `how_many` distinct values."""
        names = [self.var() for _ in range(how_many)]
        parts = [site.reach(name) for name in names]
        if shape is not None:
            parts += [f"FILTER({self.conforms(shape, name)})" for name in names]
        parts += [f"FILTER(!sameTerm({a}, {b}))" for a, b in combinations(names, 2)]
        return " ".join(parts)

    def _min_count(self, site: _Site, least: Any) -> _Check | None:
        return self._count(site, int(least), None)

    def _max_count(self, site: _Site, most: Any) -> _Check | None:
        return self._count(site, None, int(most))

    def _qualified(self, site: _Site, bound: Any) -> _Check | None:
        qualified = self.graph.value(site.shape, SH.qualifiedValueShape)
        if qualified is None:
            self.shapes.refuse(site.shape, "a qualified count needs sh:qualifiedValueShape")
        if site.parameter == SH.qualifiedMinCount:
            return self._count(site, int(bound), None, qualified)
        return self._count(site, None, int(bound), qualified)

    def _unique_lang(self, site: _Site, unique: Any) -> _Check | None:
        """One result per language tag that two values share."""
        if not unique.eq(Literal(True)):
            return None
        if not site.path:
            self.shapes.refuse(site.shape, "sh:uniqueLang needs sh:path")
        v, other, language = site.value, self.var(), self.var()
        pattern = (
            f"{site.values} {site.reach(other)} "
            f'FILTER(!sameTerm({v}, {other}) && lang({v}) != "" '
            f"&& lcase(lang({v})) = lcase(lang({other}))) BIND(lcase(lang({v})) AS {language})"
        )
        return _Check(site.component, pattern, (language,))

    def _has_value(self, site: _Site, term: Any) -> _Check:
        return _Check(site.component, f"FILTER NOT EXISTS {{ {site.has(term.n3())} }}")

    # Classes, properties and paths, widened as RDFS entailment would.

    def instance(self, node: str, cls: Any) -> str:
        """A pattern that matches when `node` is an instance of the class under RDFS, as
        `infer_instances` wrote them."""
        return f"GRAPH <{_INSTANCES}> {{ {node} a {cls.n3()} }}"

    def infer_instances(self, store: ox.Store) -> None:
        """Write every instance of each class the shapes name, under RDFS, to a graph of
        their own: a shape asks again and again, the store finds them at once."""
        for cls in sorted(
            {*self.graph.objects(None, SH.targetClass), *self.graph.objects(None, SH["class"])}
        ):
            instances = self.schema.instances("?x", cls)
            found = store.query(
                f"SELECT DISTINCT ?x {{ {instances} FILTER(!isLiteral(?x)) }}",
                use_default_graph_as_union=True,
            )
            store.extend(
                ox.Quad(row[0], _TYPE, ox.NamedNode(str(cls)), _INSTANCES_GRAPH) for row in found
            )

    def predicate(self, prop: Any) -> str:
        if not isinstance(prop, URIRef):
            self.shapes.refuse(prop, "a property must be an IRI")
        if prop == RDF.type:
            self.shapes.refuse(prop, "rdf:type in a path is not supported")
        return "(" + "|".join(f"<{p}>" for p in sorted(self.schema.widened(str(prop)))) + ")"

    def path(self, node: Any) -> str:
        if isinstance(node, URIRef):
            return self.predicate(node)
        if (node, RDF.first, None) in self.graph:
            return "(" + "/".join(self.path(step) for step in self.graph.items(node)) + ")"
        for predicate, form in _PATHS.items():
            inner = self.graph.value(node, predicate)
            if inner is None:
                continue
            if predicate == SH.alternativePath:
                return "(" + "|".join(self.path(step) for step in self.graph.items(inner)) + ")"
            return form.format(self.path(inner))
        self.shapes.refuse(node, "a path that is not a SHACL property path")
        raise AssertionError  # refuse() raises

    def nullable(self, node: Any) -> bool:
        """Whether the path may have length zero."""
        if isinstance(node, URIRef):
            return False
        if (node, RDF.first, None) in self.graph:
            return all(self.nullable(step) for step in self.graph.items(node))
        if (node, SH.alternativePath, None) in self.graph:
            alternatives = self.graph.value(node, SH.alternativePath)
            return any(self.nullable(step) for step in self.graph.items(alternatives))
        if any((node, p, None) in self.graph for p in (SH.zeroOrMorePath, SH.zeroOrOnePath)):
            return True
        inner = self.graph.value(node, SH.inversePath) or self.graph.value(node, SH.oneOrMorePath)
        return inner is not None and self.nullable(inner)

    def _objects(self, shape: Any, parameter: Any) -> list[Any]:
        return sorted(self.graph.objects(shape, parameter), key=lambda o: str(o))

    def _list(self, shape: Any, head: Any) -> list[Any]:
        if head != RDF.nil and (head, RDF.first, None) not in self.graph:
            self.shapes.refuse(shape, "a parameter that takes a list has no list")
        return list(self.graph.items(head))


def term_text(term: Any) -> str:
    converted = from_rdflib(term)
    return "" if converted is None else converted.text()


def path_text(graph: Graph, path: Any) -> str:
    """A SHACL path as SPARQL writes it (`mg:attribution`, `^rdf:subject`,
    `mg:evidence/oa:hasSource`), not as the label of the blank node that holds it."""
    if path is None:
        return ""
    if isinstance(path, BNode):
        if (path, RDF.first, None) in graph:
            return "/".join(path_text(graph, step) for step in graph.items(path))
        for predicate, form in _PATHS.items():
            inner = graph.value(path, predicate)
            if inner is None:
                continue
            if predicate == SH.alternativePath:
                return "(" + "|".join(path_text(graph, step) for step in graph.items(inner)) + ")"
            return form.replace("({})", "{}").format(path_text(graph, inner))
    return term_text(path)
