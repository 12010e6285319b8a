"""SHACL Core shapes compiled to SPARQL, answered by Oxigraph on the store itself.

pySHACL asks its questions node by node in Python, over a copy of the data in rdflib;
here each constraint of each targeted shape becomes one SELECT that lists the nodes
violating it. The translation reads whatever shapes the shapes graph holds and refuses a
construct it does not translate (SHACL-SPARQL, sh:closed, ...), so that no shape is
silently skipped.

pySHACL runs with the ontology and inference="rdfs"; its RDFS closure is not materialised
here. The data's schema (rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range) is
read first, and each class is widened to what RDFS entails: explicit instances of it or
of a subclass, subjects of the properties whose domain is one of those, objects of those
whose range is. Each property in a path is widened to its sub-properties.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import combinations, count
from typing import Any, NamedTuple

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from graph.errors import InputError
from graph.prefixes import compact
from graph.store.rdflib_bridge import from_rdflib
from graph.store.terms import from_oxigraph

# Shape parameters that say nothing to check.
_DESCRIPTIVE = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
_PATHS = {
    SH.inversePath: "^({})",
    SH.alternativePath: "",
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
# Classes RDFS gives every node, property or class: their instances are not inferred here.
_META_CLASSES = {RDFS.Resource, RDFS.Class, RDF.Property, RDFS.Literal, RDFS.Datatype}


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
    """Where a constraint parameter is: its shape, and the SPARQL of the shape's focus
    variable, path (None for a node shape), value variable and the pattern binding it."""

    shape: Any
    parameter: Any
    focus: str
    path: str | None
    value: str
    values: str


class Schema(NamedTuple):
    """The data's RDFS schema: what widens a class or a property."""

    subclasses: dict[str, set[str]]
    subproperties: dict[str, set[str]]
    domains: dict[str, set[str]]  # property -> classes
    ranges: dict[str, set[str]]

    @classmethod
    def read(cls, store: ox.Store) -> Schema:
        def pairs(pattern: str) -> dict[str, set[str]]:
            found: dict[str, set[str]] = {}
            for row in store.query(
                f"SELECT ?a ?b {{ {pattern} }}", use_default_graph_as_union=True
            ):
                if isinstance(row["a"], ox.NamedNode) and isinstance(row["b"], ox.NamedNode):
                    found.setdefault(row["b"].value, set()).add(row["a"].value)
            return found

        return cls(
            pairs(f"?a <{RDFS.subClassOf}>+ ?b"),
            pairs(f"?a <{RDFS.subPropertyOf}>+ ?b"),
            _inverted(pairs(f"?a <{RDFS.domain}> ?b")),
            _inverted(pairs(f"?a <{RDFS.range}> ?b")),
        )

    def widened(self, prop: str) -> set[str]:
        return {prop} | self.subproperties.get(prop, set())


def _inverted(mapping: dict[str, set[str]]) -> dict[str, set[str]]:
    inverted: dict[str, set[str]] = {}
    for key, values in mapping.items():
        for value in values:
            inverted.setdefault(value, set()).add(key)
    return inverted


class ShapesGraph:
    """The shapes of a shapes graph, checked once for constructs the translation lacks."""

    def __init__(self, shapes: Graph, origin: str) -> None:
        self.graph = shapes
        self.origin = origin
        supported = (
            _DESCRIPTIVE
            | _TARGETS
            | set(_PATHS)
            | set(_COMPARISONS)
            | set(_PAIRS)
            | set(_LOGICAL)
            | {SH.property, SH.path, SH["class"], SH.datatype, SH.nodeKind, SH.minCount}
            | {SH.maxCount, SH.minLength, SH.maxLength, SH.pattern, SH.flags, SH.languageIn}
            | {SH.uniqueLang, SH.equals, SH.disjoint, SH.hasValue, SH["in"], SH.node, SH["not"]}
            | {SH.xone, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}
            | {SH.qualifiedValueShapesDisjoint, SH.deactivated}
        )
        for subject, predicate, value in shapes:
            if str(predicate).startswith(str(SH)) and predicate not in supported:
                self.refuse(subject, f"{compact(str(predicate))} is not supported")
            if predicate == SH.qualifiedValueShapesDisjoint and value.eq(Literal(True)):
                self.refuse(subject, "sh:qualifiedValueShapesDisjoint true is not supported")
            if predicate == SH.property and shapes.value(subject, SH.path) is not None:
                self.refuse(subject, "sh:property on a property shape is not supported")
            if predicate in (SH.targetClass, SH["class"]) and value in _META_CLASSES:
                self.refuse(subject, f"{compact(str(value))} has instances RDFS gives everything")
        self.targeted = sorted(
            {s for p in _TARGETS for s in shapes.subjects(p, None)}, key=lambda s: str(s)
        )

    def refuse(self, shape: Any, reason: str) -> None:
        raise InputError(
            f"{self.origin}: shape {term_text(shape)}: {reason} by the SPARQL engine "
            "(use --engine pyshacl)"
        )

    def results(self, store: ox.Store) -> list[Result]:
        """Every validation result of the data in `store` (the union of its graphs)."""
        compiler = _Compiler(self, Schema.read(store))
        results = []
        for shape in self.targeted:
            if self.deactivated(shape):
                continue
            targets = compiler.targets(shape)
            for source, check in compiler.top_checks(shape):
                outputs = " ".join(("?focus", *check.outputs))
                query = f"SELECT DISTINCT {outputs} WHERE {{ {targets} {check.pattern} }}"
                rows = store.query(query, use_default_graph_as_union=True)
                results += [self.result(row["focus"], source, check.component) for row in rows]
        return results

    def result(self, focus: Any, shape: Any, component: str) -> Result:
        severity = self.graph.value(shape, SH.severity) or SH.Violation
        messages = sorted(str(m) for m in self.graph.objects(shape, SH.message))
        message = messages[0] if messages else f"{component} of {term_text(shape)}"
        path = self.graph.value(shape, SH.path)
        return Result(
            from_oxigraph(focus).text(),
            path_text(self.graph, path) if path is not None else "",
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
        value = self.var()
        values = f"{focus} {path} {value} ." if path else f"BIND({focus} AS {value})"
        checks = []
        for parameter, make in self._makers().items():
            for argument in self._objects(shape, parameter):
                check = make(_Site(shape, parameter, focus, path, value, values), argument)
                if check is not None:
                    checks.append(check)
        return checks

    def _makers(self) -> dict[Any, Callable[..., _Check | None]]:
        makers: dict[Any, Callable[..., _Check | None]] = {
            SH["class"]: self._class,
            SH.datatype: self._datatype,
            SH.nodeKind: self._node_kind,
            SH.minCount: self._min_count,
            SH.maxCount: self._max_count,
            SH.minLength: self._length,
            SH.maxLength: self._length,
            SH.pattern: self._pattern,
            SH.languageIn: self._language_in,
            SH.uniqueLang: self._unique_lang,
            SH.equals: self._equals,
            SH.disjoint: self._disjoint,
            SH.hasValue: self._has_value,
            SH["in"]: self._in,
            SH.node: self._node,
            SH["not"]: self._not,
            SH.xone: self._xone,
            SH.qualifiedMinCount: self._qualified,
            SH.qualifiedMaxCount: self._qualified,
        }
        for parameter in _COMPARISONS:
            makers[parameter] = self._comparison
        for parameter in _PAIRS:
            makers[parameter] = self._pair
        for parameter in _LOGICAL:
            makers[parameter] = self._logical
        return makers

    # Value-based constraints: one result per value node.

    def _class(self, site: _Site, cls: Any) -> _Check:
        return _Check(
            "ClassConstraintComponent",
            f"{site.values} FILTER NOT EXISTS {{ {self.instance(site.value, cls)} }}",
            (site.value,),
        )

    def _datatype(self, site: _Site, datatype: Any) -> _Check:
        test = f"isLiteral({site.value}) && datatype({site.value}) = {datatype.n3()}"
        if datatype == RDF.langString:
            test += f' && lang({site.value}) != ""'
        elif datatype in _CASTABLE:
            test += f" && COALESCE(isLiteral({datatype.n3()}(str({site.value}))), false)"
        return _Check(
            "DatatypeConstraintComponent", f"{site.values} FILTER(!({test}))", (site.value,)
        )

    def _node_kind(self, site: _Site, kind: Any) -> _Check:
        if kind not in _NODE_KINDS:
            self.shapes.refuse(site.shape, f"sh:nodeKind {term_text(kind)} is not a node kind")
        test = _NODE_KINDS[kind].format(v=site.value)
        return _Check(
            "NodeKindConstraintComponent", f"{site.values} FILTER(!({test}))", (site.value,)
        )

    def _length(self, site: _Site, length: Any) -> _Check:
        operator, name = (
            (">=", "MinLength") if site.parameter == SH.minLength else ("<=", "MaxLength")
        )
        test = f"isBlank({site.value}) || !COALESCE(strlen(str({site.value})) {operator} {int(length)}, false)"
        return _Check(f"{name}ConstraintComponent", f"{site.values} FILTER({test})", (site.value,))

    def _pattern(self, site: _Site, pattern: Any) -> _Check:
        flags = self.graph.value(site.shape, SH.flags)
        arguments = f"str({site.value}), {Literal(str(pattern)).n3()}"
        if flags is not None:
            arguments += f", {Literal(str(flags)).n3()}"
        test = f"isBlank({site.value}) || !regex({arguments})"
        return _Check("PatternConstraintComponent", f"{site.values} FILTER({test})", (site.value,))

    def _language_in(self, site: _Site, languages: Any) -> _Check:
        tags = [str(tag).lower() for tag in self._list(site.shape, languages)]
        matches = " || ".join(
            "true" if tag == "*" else f"langMatches(lang({site.value}), {Literal(tag).n3()})"
            for tag in tags
        )
        test = f'COALESCE(lang({site.value}) != "" && ({matches or "false"}), false)'
        return _Check(
            "LanguageInConstraintComponent", f"{site.values} FILTER(!({test}))", (site.value,)
        )

    def _comparison(self, site: _Site, bound: Any) -> _Check:
        test = f"COALESCE({site.value} {_COMPARISONS[site.parameter]} {bound.n3()}, false)"
        name = str(site.parameter).removeprefix(str(SH))
        return _Check(
            f"{name[0].upper()}{name[1:]}ConstraintComponent",
            f"{site.values} FILTER(!({test}))",
            (site.value,),
        )

    def _in(self, site: _Site, members: Any) -> _Check:
        listed = " || ".join(
            f"sameTerm({site.value}, {m.n3()})" for m in self._list(site.shape, members)
        )
        return _Check(
            "InConstraintComponent", f"{site.values} FILTER(!({listed or 'false'}))", (site.value,)
        )

    def _node(self, site: _Site, other: Any) -> _Check:
        test = self.conforms(other, site.value)
        return _Check("NodeConstraintComponent", f"{site.values} FILTER(!({test}))", (site.value,))

    def _not(self, site: _Site, other: Any) -> _Check:
        test = self.conforms(other, site.value)
        return _Check("NotConstraintComponent", f"{site.values} FILTER({test})", (site.value,))

    def _logical(self, site: _Site, members: Any) -> _Check:
        operator = _LOGICAL[site.parameter]
        tests = [f"({self.conforms(m, site.value)})" for m in self._list(site.shape, members)]
        name = "And" if operator == " && " else "Or"
        test = operator.join(tests) or ("true" if name == "And" else "false")
        return _Check(
            f"{name}ConstraintComponent", f"{site.values} FILTER(!({test}))", (site.value,)
        )

    def _xone(self, site: _Site, members: Any) -> _Check:
        conforming = " + ".join(
            f"IF({self.conforms(m, site.value)}, 1, 0)" for m in self._list(site.shape, members)
        )
        return _Check(
            "XoneConstraintComponent",
            f"{site.values} FILTER(({conforming or '0'}) != 1)",
            (site.value,),
        )

    # Pairs of site.values: one result per site.value, or per pair that fails.

    def _equals(self, site: _Site, prop: Any) -> _Check:
        other = self.predicate(prop)
        has_value = (
            f"{site.focus} {site.path} {site.value}"
            if site.path
            else f"FILTER(sameTerm({site.focus}, {site.value}))"
        )
        pattern = (
            f"{{ {site.values} FILTER NOT EXISTS {{ {site.focus} {other} {site.value} }} }} UNION "
            f"{{ {site.focus} {other} {site.value} FILTER NOT EXISTS {{ {has_value} }} }}"
        )
        return _Check("EqualsConstraintComponent", pattern, (site.value,))

    def _disjoint(self, site: _Site, prop: Any) -> _Check:
        pattern = f"{site.values} {site.focus} {self.predicate(prop)} {site.value} ."
        return _Check("DisjointConstraintComponent", pattern, (site.value,))

    def _pair(self, site: _Site, prop: Any) -> _Check:
        other = self.var()
        test = f"COALESCE({site.value} {_PAIRS[site.parameter]} {other}, false)"
        name = "LessThan" if site.parameter == SH.lessThan else "LessThanOrEquals"
        pattern = f"{site.values} {site.focus} {self.predicate(prop)} {other} . FILTER(!({test}))"
        return _Check(f"{name}ConstraintComponent", pattern, (site.value, other))

    # Counts: one result per site.focus node.

    def _distinct_values(self, focus: str, path: str, how_many: int, shape: Any = None) -> str:
        """A pattern that matches when the focus has `how_many` distinct values on the
        path (each conforming to `shape`, if given)."""
        names = [self.var() for _ in range(how_many)]
        parts = [f"{focus} {path} {name} ." for name in names]
        if shape is not None:
            parts += [f"FILTER({self.conforms(shape, name)})" for name in names]
        parts += [f"FILTER(!sameTerm({a}, {b}))" for a, b in combinations(names, 2)]
        return " ".join(parts)

    def _min_count(self, site: _Site, minimum: Any) -> _Check | None:
        if not site.path:
            self.shapes.refuse(site.shape, "sh:minCount on a node shape is not allowed")
        if int(minimum) == 0:
            return None
        pattern = (
            f"FILTER NOT EXISTS {{ {self._distinct_values(site.focus, site.path, int(minimum))} }}"
        )
        return _Check("MinCountConstraintComponent", pattern)

    def _max_count(self, site: _Site, maximum: Any) -> _Check:
        if not site.path:
            self.shapes.refuse(site.shape, "sh:maxCount on a node shape is not allowed")
        pattern = (
            f"FILTER EXISTS {{ {self._distinct_values(site.focus, site.path, int(maximum) + 1)} }}"
        )
        return _Check("MaxCountConstraintComponent", pattern)

    def _qualified(self, site: _Site, bound: Any) -> _Check | None:
        qualified = self.graph.value(site.shape, SH.qualifiedValueShape)
        if qualified is None or not site.path:
            self.shapes.refuse(
                site.shape, "a qualified count needs sh:path and sh:qualifiedValueShape"
            )
        if site.parameter == SH.qualifiedMinCount:
            if int(bound) == 0:
                return None
            found = self._distinct_values(site.focus, site.path, int(bound), qualified)
            return _Check(
                "QualifiedMinCountConstraintComponent", f"FILTER NOT EXISTS {{ {found} }}"
            )
        found = self._distinct_values(site.focus, site.path, int(bound) + 1, qualified)
        return _Check("QualifiedMaxCountConstraintComponent", f"FILTER EXISTS {{ {found} }}")

    def _unique_lang(self, site: _Site, unique: Any) -> _Check | None:
        if not unique.eq(Literal(True)):
            return None
        if not site.path:
            self.shapes.refuse(site.shape, "sh:uniqueLang on a node shape is not allowed")
        other, language = self.var(), self.var()
        pattern = (
            f"{site.values} {site.focus} {site.path} {other} . "
            f'FILTER(!sameTerm({site.value}, {other}) && lang({site.value}) != "" '
            f"&& lcase(lang({site.value})) = lcase(lang({other}))) BIND(lcase(lang({site.value})) AS {language})"
        )
        return _Check("UniqueLangConstraintComponent", pattern, (language,))

    def _has_value(self, site: _Site, term: Any) -> _Check:
        if site.path:
            return _Check(
                "HasValueConstraintComponent",
                f"FILTER NOT EXISTS {{ {site.focus} {site.path} {term.n3()} }}",
            )
        return _Check(
            "HasValueConstraintComponent", f"FILTER(!sameTerm({site.focus}, {term.n3()}))"
        )

    # Classes, properties and paths, widened as RDFS entailment would.

    def instance(self, node: str, cls: Any) -> str:
        """A pattern that matches when `node` is an instance of the class under RDFS."""
        classes = {str(cls)} | self.schema.subclasses.get(str(cls), set())
        parts = [f"{node} <{RDF.type}>/<{RDFS.subClassOf}>* {cls.n3()} ."]
        for inferred, direction in ((self.schema.domains, ""), (self.schema.ranges, "^")):
            props = {p for c in classes for p in inferred.get(c, set())}
            widened = sorted({w for p in props for w in self.schema.widened(p)})
            if widened:
                alternatives = "|".join(f"<{p}>" for p in widened)
                parts.append(f"{node} {direction}({alternatives}) [] .")
        return " UNION ".join(f"{{ {part} }}" for part in parts)

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
    """A SHACL path as SPARQL writes it (`mg:status`, `^rdf:subject`, `mg:evidence/oa:hasSource`),
    not as the label of the blank node that holds it."""
    if path is None:
        return ""
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_text(graph, inverse)
    steps = list(graph.items(path)) if isinstance(path, BNode) else []
    if steps:
        return "/".join(path_text(graph, step) for step in steps)
    return term_text(path)
