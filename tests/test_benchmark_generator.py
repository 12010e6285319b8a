"""The synthetic benchmark data: exact size, same bytes for a seed, valid N-Triples, and the
shape the benchmarks rely on (control chains eight hops deep, labels in both languages)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tracemalloc
from collections import defaultdict
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph, URIRef

from benchmarks import generate as gen
from benchmarks.generate import CONTROLLERS, DEPTH, MIN_TRIPLES, generate, literal, write

CHECKOUT = Path(__file__).resolve().parent.parent
SIZE = 10_000
PREFIX = "".join(
    f"PREFIX {prefix}: <{iri}>\n"
    for prefix, iri in [
        ("mg", gen.MG),
        ("rdfs", gen.RDFS),
        ("schema", gen.SCHEMA),
        ("time", gen.TIME),
        ("xsd", gen.XSD),
    ]
)
IRI = r"<[^<>\"{}|^`\\\s]+>"
LINE = re.compile(rf'{IRI} {IRI} (?:{IRI}|"(?:[^"\\\n\r]|\\["\\nr])*"(?:@[a-z]+|\^\^{IRI})?) \.\n')
COMPANY_CLASSES = (f"{gen.MG}Company", f"{gen.MG}Startup")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "bench.nt"
    write(path, SIZE)
    return path


@pytest.fixture(scope="module")
def store(data: Path) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.bulk_load(path=str(data), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def select(store: pyoxigraph.Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value for term in row) for row in store.query(PREFIX + query)]


def ask(store: pyoxigraph.Store, query: str) -> bool:
    return bool(store.query(PREFIX + query))


def hops(predicate: str, count: int) -> str:
    return "/".join([predicate] * count)


def test_literal_escapes_what_n_triples_requires_and_nothing_else() -> None:
    assert literal('Hans "Hansi" Müller \\ a\nb\rc\td', "en") == (
        '"Hans \\"Hansi\\" Müller \\\\ a\\nb\\rc\td"@en'
    )
    assert literal("2020-01-31", datatype=f"{gen.XSD}date") == (
        '"2020-01-31"^^<http://www.w3.org/2001/XMLSchema#date>'
    )
    assert literal("USD") == '"USD"'


@pytest.mark.parametrize("size", [MIN_TRIPLES, 1_001, 9_999, SIZE, 12_345, 100_000])
def test_gives_exactly_the_requested_number_of_well_formed_lines(size: int) -> None:
    count = 0
    for line in generate(size):
        assert LINE.fullmatch(line), line
        count += 1
    assert count == size


@pytest.mark.parametrize("size", [MIN_TRIPLES, 12_345])
def test_every_node_referred_to_is_written_with_a_type(size: int) -> None:
    """Holds for every size, because the data stops after a complete group of triples."""
    typed, referred = set(), set()
    for line in generate(size, seed=7):
        subject, predicate, obj = line[:-3].split(" ", 2)
        if predicate == gen.A:
            typed.add(subject)
        elif obj.startswith(f"<{gen.KG}"):
            referred.add(obj)
        assert subject.startswith(f"<{gen.KG}")
    assert referred <= typed


def test_same_seed_gives_the_same_bytes_in_any_process(data: Path, tmp_path: Path) -> None:
    """Also through the command line, with another string-hash seed."""
    out = tmp_path / "again.nt"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", "--triples", "10_000", "--out", str(out)],
        cwd=CHECKOUT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("10_000 triples, ")
    assert out.read_bytes() == data.read_bytes()
    assert not list(tmp_path.glob("*.part"))


def test_the_data_for_a_seed_changes_only_on_purpose(data: Path) -> None:
    """Benchmark results compare across commits only while the data stays the same: when a
    change to the generator is meant to change it, update this digest and say so in the
    changelog. (Checked identical on Python 3.10 to 3.13.)"""
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    assert digest == "d2e487218bfa4e49f221d26154cac18762f6c420732b7ce4021be1365e7f4370"


def test_another_seed_gives_other_data() -> None:
    assert list(generate(MIN_TRIPLES, seed=1)) != list(generate(MIN_TRIPLES, seed=2))


def test_parses_with_rdflib_into_as_many_distinct_triples_without_blank_nodes(data) -> None:
    graph = Graph().parse(data, format="nt")
    assert len(graph) == SIZE
    assert not any(isinstance(node, BNode) for triple in graph for node in triple)
    assert all(isinstance(s, URIRef) and s.startswith(gen.KG) for s in graph.subjects())


def test_parses_with_pyoxigraph_into_as_many_distinct_triples(data, store) -> None:
    triples = list(pyoxigraph.parse(path=str(data), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(triples) == SIZE
    assert len(store) == SIZE


def test_control_chains_are_eight_hops_deep_from_each_controller_and_no_deeper(store) -> None:
    heads = select(store, f"SELECT DISTINCT ?a WHERE {{ ?a {hops('mg:controls', DEPTH)} ?b }}")
    controllers = select(store, "SELECT DISTINCT ?p WHERE { ?p a mg:Person ; mg:controls [] }")
    assert sorted(heads) == sorted(controllers)
    assert len(controllers) == CONTROLLERS
    assert not ask(store, f"ASK {{ ?a {hops('mg:controls', DEPTH + 1)} ?b }}")


def test_ownership_chains_are_at_most_eight_hops_deep(store) -> None:
    assert ask(store, f"ASK {{ ?a {hops('mg:owns', DEPTH)} ?b }}")
    assert not ask(store, f"ASK {{ ?a {hops('mg:owns', DEPTH + 1)} ?b }}")


def test_control_forms_a_dag_with_some_companies_under_two_controllers(store) -> None:
    assert not ask(store, "ASK { ?c mg:controls+ ?c }")
    assert not ask(
        store,
        "ASK { VALUES ?class { mg:Company mg:Startup } ?c a ?class "
        "FILTER NOT EXISTS { [] mg:controls ?c } }",
    )
    assert ask(store, "ASK { ?a mg:controls ?c . ?b mg:controls ?c FILTER (?a != ?b) }")


def test_every_company_person_line_and_acquisition_has_one_label_in_english_and_german(
    store,
) -> None:
    languages: dict[str, list[str]] = defaultdict(list)
    for node, language in select(store, "SELECT ?s (lang(?l) AS ?x) WHERE { ?s rdfs:label ?l }"):
        languages[node].append(language)
    labelled = {*COMPANY_CLASSES, f"{gen.MG}Person", f"{gen.MG}Acquisition"} | {
        f"{gen.MG}{name}" for name, _, _ in gen.LINE_KINDS
    }
    nodes = select(store, "SELECT ?s ?class WHERE { ?s a ?class }")
    assert sum(cls in COMPANY_CLASSES for _, cls in nodes) > SIZE // 20
    for node, cls in nodes:
        if cls in labelled:
            assert sorted(languages[node]) == ["de", "en"], node
    assert set(languages) <= {node for node, cls in nodes if cls in labelled}


def test_labels_keep_umlauts_and_quotes(store) -> None:
    labels = {label for (label,) in select(store, "SELECT ?l WHERE { ?s rdfs:label ?l }")}
    assert any(label.startswith("Übernahme von ") for label in labels)
    quoted = [label for label in labels if '"' in label]
    assert len(quoted) >= CONTROLLERS
    assert all(re.fullmatch(r'[^"]+ "[^"]+" [^"]+', label) for label in quoted)
    assert any("\u201e" in label for label in labels)


def test_every_acquisition_has_parties_a_date_and_an_amount_in_usd(store) -> None:
    complete = """
      ?event a mg:Acquisition ;
        mg:acquirer ?buyer ; mg:acquiredOrganization ?bought ;
        time:hasTime ?instant ; mg:amount ?amount .
      ?instant a time:Instant ; time:inXSDDate ?day .
      ?amount a schema:MonetaryAmount ; schema:value ?value ; schema:currency "USD" .
      ?buyer mg:controls ?bought .
      FILTER (datatype(?day) = xsd:date && datatype(?value) = xsd:decimal && ?value > 0)
    """
    (events,) = select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a mg:Acquisition }")
    (good,) = select(store, f"SELECT (COUNT(DISTINCT ?event) AS ?n) WHERE {{ {complete} }}")
    assert int(events[0]) > SIZE // 100
    assert good == events


def test_business_lines_are_operated_by_companies_and_feed_each_other(store) -> None:
    assert not ask(
        store,
        "ASK { ?line mg:operatedBy ?o FILTER NOT EXISTS "
        "{ VALUES ?class { mg:Company mg:Startup } ?o a ?class } }",
    )
    assert not ask(store, "ASK { ?line mg:feeds+ ?line }")
    assert ask(store, "ASK { ?a mg:feeds/mg:feeds/mg:feeds ?b }")
    assert not ask(
        store,
        "ASK { ?a mg:feeds ?b . ?a mg:operatedBy/^mg:controls* ?top . ?top a mg:Person ."
        " FILTER NOT EXISTS { ?b mg:operatedBy/^mg:controls* ?top } }",
    )


def test_uses_only_terms_the_ontology_defines(data) -> None:
    ontology = Graph().parse(CHECKOUT / "ontology" / "muskgraph.ttl")
    used = set(re.findall(rf"<({re.escape(gen.MG)}[^>]+)>", data.read_text(encoding="utf-8")))
    assert len(used) > 15
    assert all((URIRef(term), None, None) in ontology for term in used), used


def test_streams_in_memory_that_does_not_grow_with_the_size() -> None:
    peaks = []
    for size in (MIN_TRIPLES, 50_000):
        tracemalloc.start()
        for _ in generate(size):
            pass
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 64 * 1024
    assert peaks[1] < 2 * peaks[0]


@pytest.mark.parametrize("triples", [0, MIN_TRIPLES - 1, 10.5, True])
def test_refuses_a_size_below_the_minimum_or_not_whole(triples) -> None:
    with pytest.raises(ValueError, match=f"at least {MIN_TRIPLES:_}"):
        generate(triples)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--triples", "10", "--out", "x.nt"], "--triples must be at least 1_000"),
        (["--triples", "many", "--out", "x.nt"], "not a whole number: 'many'"),
        (["--triples", "1000"], "the following arguments are required: --out"),
    ],
)
def test_command_line_refuses_bad_arguments_with_exit_code_2(args, message, capsys) -> None:
    with pytest.raises(SystemExit) as raised:
        gen.main(args)
    assert raised.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(message)


def test_command_line_reports_a_file_it_cannot_write_with_exit_code_1(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as raised:
        gen.main(["--triples", "1_000", "--out", str(tmp_path)])
    assert raised.value.code == 1
    assert capsys.readouterr().err == (
        f"python -m benchmarks.generate: error: cannot write {tmp_path}: Is a directory\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_command_line_writes_to_standard_output(capsysbinary) -> None:
    assert gen.main(["--triples", "1_000", "--out", "-"]) == 0
    captured = capsysbinary.readouterr()
    assert captured.out == "".join(generate(MIN_TRIPLES)).encode("utf-8")
    assert captured.err.startswith(b"1_000 triples, ")
