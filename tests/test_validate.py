"""`muskgraph validate`: the project and every loaded graph, each reported on its own;
0 all conform, 1 any does not (with a readable report), 2 cannot load."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_muskgraph
from test_grounding import BAD_INPUTS

from benchmarks.generate import MIN_TRIPLES
from benchmarks.generate import write as generate_file

PREFIXES = (
    "@prefix kg: <https://w3id.org/muskgraph/id/> .\n"
    "@prefix mg: <https://w3id.org/muskgraph/ontology#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)
# Facts about the project's individuals that no claim reifies: as the subject, as the object.
UNSOURCED = PREFIXES + "kg:xai mg:controls kg:spacex .\n<https://example.org/acme> mg:owns kg:x .\n"
LABELS = PREFIXES + 'kg:spacex rdfs:label "SpaceX"@fr .\n'
ELSEWHERE = (
    "<https://example.org/a> <https://example.org/knows> <https://example.org/b> .\n"
    "<http://www.wikidata.org/entity/Q42> <http://www.w3.org/2000/01/rdf-schema#label> "
    '"Douglas Adams"@en .\n'
)


def write(directory: Path, name: str, turtle: str) -> Path:
    path = directory / name
    path.write_text(turtle, encoding="utf-8")
    return path


def summary(path: Path, verdict: str) -> str:
    """The stderr line of a loaded graph or --data file."""
    return f"{path} <{path.resolve().as_uri()}>: {verdict}"


def remove_a_claims_modality(project_copy: Path) -> str:
    facts = project_copy / "seeds" / "background.ttl"
    turtle = facts.read_text(encoding="utf-8")
    claim = "kg:claim-xai-owns-x-corp"
    block = turtle[turtle.index(f"{claim}\n") :]
    modality = re.search(r"\n    mg:modality mg:\w+ ;", block)
    assert modality
    start = turtle.index(f"{claim}\n") + modality.start()
    facts.write_text(turtle[:start] + turtle[start + len(modality.group(0)) :], encoding="utf-8")
    return claim


def test_the_seeds_conform(cli) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == "project: conforms"
    assert result.stderr.splitlines()[-1].startswith("conforms (")


def test_a_claim_without_modality_does_not_conform(cli, project_copy: Path) -> None:
    claim = remove_a_claims_modality(project_copy)
    result = cli("validate")
    assert result.exit_code == 1
    assert any(
        line.startswith(f"project: Violation: {claim} mg:modality: ")
        for line in result.stdout.splitlines()
    ), result.stdout
    assert re.match(r"project: \d+ problem\(s\)\n", result.stderr)
    assert result.stderr.splitlines()[-1].startswith("does not conform: ")


def test_an_organisation_without_a_german_label_does_not_conform(cli, project_copy) -> None:
    facts = project_copy / "seeds" / "background.ttl"
    facts.write_text(
        facts.read_text(encoding="utf-8") + '\nkg:tesla a mg:Company ; rdfs:label "Tesla"@en .\n',
        encoding="utf-8",
    )
    result = cli("validate")
    assert result.exit_code == 1
    assert "kg:tesla" in result.stdout


def test_malformed_shapes_cannot_load(cli, project_copy: Path) -> None:
    shapes = project_copy / "ontology" / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x sh:y\n", "utf-8")
    result = cli("validate")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {shapes}:")
    assert len(result.stderr.splitlines()) == 1


def test_loaded_unsourced_facts_about_the_projects_individuals_do_not_conform(
    cli, tmp_path
) -> None:
    registry = write(tmp_path, "registry.ttl", UNSOURCED)
    assert cli("load", str(registry)).exit_code == 0
    result = cli("validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{registry}: ungrounded-fact-violation: <https://example.org/acme> mg:owns kg:x",
        f"{registry}: ungrounded-fact-violation: kg:xai mg:controls kg:spacex",
    ]
    assert result.stderr.splitlines()[:2] == [
        "project: conforms",
        summary(registry, "2 problem(s)"),
    ]
    assert result.stderr.splitlines()[-1].startswith("does not conform: 2 problem(s) (")


def test_loaded_generated_data_without_sources_does_not_conform(cli, tmp_path) -> None:
    generated = tmp_path / "generated.nt"
    generate_file(generated, MIN_TRIPLES)
    assert cli("load", str(generated)).exit_code == 0
    result = cli("validate")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert all(line.startswith(f"{generated}: ") for line in lines)
    assert any(
        ": ungrounded-fact-violation: kg:person-0 mg:controls kg:company-0" in x for x in lines
    )
    unclaimed = (
        "Violation: kg:acquisition-0 ^rdf:subject: A corporate event must be the rdf:subject"
    )
    assert any(line.startswith(f"{generated}: {unclaimed}") for line in lines)
    assert summary(generated, f"{len(lines):,} problem(s)") in result.stderr.splitlines()


def test_loaded_labels_and_data_about_other_things_conform(cli, tmp_path) -> None:
    labels = write(tmp_path, "labels.ttl", LABELS)
    elsewhere = write(tmp_path, "elsewhere.nt", ELSEWHERE)
    assert cli("load", str(labels), str(elsewhere)).exit_code == 0
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[:3] == [
        "project: conforms",
        summary(elsewhere, "conforms"),
        summary(labels, "conforms"),
    ]


def test_the_shapes_apply_to_loaded_data(cli, tmp_path) -> None:
    acme = write(
        tmp_path,
        "acme.ttl",
        PREFIXES + '<https://example.org/acme> a mg:Company ; rdfs:label "Acme"@en .\n',
    )
    assert cli("load", str(acme)).exit_code == 0
    result = cli("validate")
    assert result.exit_code == 1
    assert result.stdout == (
        f"{acme}: Violation: <https://example.org/acme> rdfs:label: "
        "Needs an rdfs:label in German (@de).\n"
    )


def test_a_loaded_graph_is_charged_with_what_it_breaks_in_the_project(cli, tmp_path) -> None:
    second = write(tmp_path, "second-label.ttl", PREFIXES + 'kg:spacex rdfs:label "Space X"@en .\n')
    assert cli("load", str(second)).exit_code == 0
    result = cli("validate")
    assert result.exit_code == 1
    assert result.stdout == (
        f"{second}: Violation: kg:spacex rdfs:label: At most one rdfs:label per language.\n"
    )
    assert result.stderr.splitlines()[0] == "project: conforms"


def test_the_projects_problems_are_not_charged_to_loaded_graphs(
    cli, project_copy, tmp_path
) -> None:
    labels = write(tmp_path, "labels.ttl", LABELS)
    assert cli("load", str(labels)).exit_code == 0
    remove_a_claims_modality(project_copy)
    result = cli("validate")
    assert result.exit_code == 1
    assert all(line.startswith("project: ") for line in result.stdout.splitlines())
    lines = result.stderr.splitlines()
    assert lines[0] == "the store is missing or out of date: building it"
    assert re.fullmatch(r"project: \d+ problem\(s\)", lines[1])
    assert lines[2] == summary(labels, "conforms")


def test_a_loaded_file_changed_since_loading_is_checked_as_it_is_now(cli, tmp_path) -> None:
    registry = write(tmp_path, "registry.ttl", LABELS)
    assert cli("load", str(registry)).exit_code == 0
    assert cli("validate").exit_code == 0
    write(tmp_path, "registry.ttl", UNSOURCED + "\n")
    result = cli("validate")
    assert result.exit_code == 1
    assert "the store is missing or out of date: building it" in result.stderr
    assert f"{registry}: ungrounded-fact-violation: kg:xai mg:controls kg:spacex" in result.stdout


def test_graph_chooses_the_loaded_graphs_to_check(cli, tmp_path) -> None:
    registry = write(tmp_path, "registry.ttl", UNSOURCED)
    labels = write(tmp_path, "labels.ttl", LABELS)
    assert cli("load", str(registry), str(labels)).exit_code == 0
    result = cli("validate", "--graph", str(labels))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:-1] == [summary(labels, "conforms")]
    by_iri = cli("validate", "--graph", f"<{registry.as_uri()}>", "--graph", str(labels))
    assert by_iri.exit_code == 1
    assert by_iri.stderr.splitlines()[:-1] == [
        summary(labels, "conforms"),
        summary(registry, "2 problem(s)"),
    ]


def test_a_graph_that_is_not_loaded_cannot_be_chosen(cli) -> None:
    result = cli("validate", "--graph", "nowhere.ttl")
    assert result.exit_code == 2
    assert result.stderr == "Error: nowhere.ttl: no such loaded graph (see `muskgraph graphs`)\n"
    project_graph = cli("validate", "--graph", "https://w3id.org/muskgraph/id/background")
    assert project_graph.exit_code == 2
    assert len(project_graph.stderr.splitlines()) == 1
    assert "is one of the project's graphs" in project_graph.stderr
    assert "--project-only" in project_graph.stderr


def test_project_only_and_loaded_only(cli, project_copy, tmp_path) -> None:
    registry = write(tmp_path, "registry.ttl", UNSOURCED)
    assert cli("load", str(registry)).exit_code == 0
    project_only = cli("validate", "--project-only")
    assert project_only.exit_code == 0, project_only.output
    assert str(registry) not in project_only.output
    remove_a_claims_modality(project_copy)
    loaded_only = cli("validate", "--loaded-only")
    assert loaded_only.exit_code == 1
    assert not any(line.startswith("project") for line in loaded_only.stdout.splitlines())
    assert loaded_only.stderr.splitlines()[-2:-1] == [summary(registry, "2 problem(s)")]
    both = cli("validate", "--project-only", "--graph", str(registry))
    assert both.exit_code == 2
    assert "--project-only and --graph/--data" in both.stderr


def test_loaded_only_with_nothing_loaded(cli) -> None:
    result = cli("validate", "--loaded-only")
    assert result.exit_code == 0
    assert result.stderr == "nothing to check: no graph is loaded (see `muskgraph load`)\n"


def test_data_files_are_checked_without_loading_them(cli, project_copy, tmp_path) -> None:
    registry = write(tmp_path, "registry.ttl", UNSOURCED)
    labels = write(tmp_path, "labels.ttl", LABELS)
    result = cli("validate", "-d", str(registry), "--data", str(labels))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == (
        f"{registry}: ungrounded-fact-violation: kg:xai mg:controls kg:spacex"
    )
    assert result.stderr.splitlines()[:-1] == [
        summary(registry, "2 problem(s)"),
        summary(labels, "conforms"),
    ]
    assert not (project_copy / "out").exists()  # neither loaded nor built
    assert cli("validate", "-d", str(labels)).exit_code == 0


def test_a_data_file_that_does_not_parse_cannot_load(cli, tmp_path) -> None:
    broken = write(tmp_path, "broken.ttl", PREFIXES + "kg:x mg:controls\n")
    result = cli("validate", "--data", str(broken))
    assert result.exit_code == 2
    assert re.fullmatch(rf"Error: {re.escape(str(broken))}:\d+:\d+: .+\n", result.stderr)


def test_loaded_graphs_when_the_project_does_not_build(cli, project_copy, tmp_path) -> None:
    labels = write(tmp_path, "labels.ttl", LABELS)
    assert cli("load", str(labels)).exit_code == 0
    seed = project_copy / "seeds" / "zz-quoted.ttl"  # a quote off its offsets: the store
    quoted = (BAD_INPUTS / "quoted-source.ttl").read_text(encoding="utf-8")  # is stale and
    seed.write_text(quoted.replace("oa:start 2299", "oa:start 2298"), "utf-8")  # cannot be rebuilt
    result = cli("validate")
    assert result.exit_code == 1
    assert "project: " in result.stdout and "is not at" in result.stdout
    assert f"{labels}: not checked: the store cannot be rebuilt" in result.stdout
    assert summary(labels, "1 problem(s)") in result.stderr.splitlines()


def test_checking_loaded_graphs_shows_no_traceback(project_copy, tmp_path) -> None:
    # pyshacl runs once per graph: its first run must not change how rdflib reads the
    # project's literals in the next one (an xsd:gMonth logged a traceback each time).
    labels = write(tmp_path, "labels.ttl", LABELS)
    assert run_muskgraph(project_copy, ["load", str(labels)], timeout=120).returncode == 0
    result = run_muskgraph(project_copy, ["validate"], timeout=300)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().splitlines()[:2] == [
        "project: conforms",
        summary(labels, "conforms"),
    ]


def test_a_date_without_its_calendar_does_not_conform(cli, project_copy: Path) -> None:
    """OWL-Time: every date description names exactly one temporal reference system."""
    background = project_copy / "seeds" / "background.ttl"
    text = background.read_text(encoding="utf-8")
    fact = "kg:time-ipo-date time:hasTRS <http://www.opengis.net/def/uom/ISO-8601/0/Gregorian> .\n"
    assert fact in text
    background.write_text(text.replace(fact, ""), encoding="utf-8")
    result = cli("validate")
    assert result.exit_code == 1
    assert re.search(
        r"^project: Violation: kg:time-ipo-date time:hasTRS: A date description names "
        r"exactly one temporal reference system",
        result.stdout,
        re.MULTILINE,
    ), result.stdout


def test_the_reference_engine_reports_the_same_problems(cli, project_copy, tmp_path) -> None:
    acme = write(
        tmp_path,
        "acme.ttl",
        PREFIXES + '<https://example.org/acme> a mg:Startup ; rdfs:label "Acme"@en .\n',
    )
    assert cli("load", str(acme)).exit_code == 0
    remove_a_claims_modality(project_copy)
    oxigraph = cli("validate")
    pyshacl = cli("validate", "--engine", "pyshacl")
    assert oxigraph.exit_code == pyshacl.exit_code == 1
    assert oxigraph.stdout == pyshacl.stdout
    assert f"{acme}: Violation: <https://example.org/acme> rdfs:label: " in oxigraph.stdout


def test_a_shape_the_engine_cannot_translate_cannot_load(cli, project_copy: Path) -> None:
    shapes = project_copy / "ontology" / "shapes.ttl"
    closed = "\nmgsh:ClosedShape a sh:NodeShape ; sh:targetNode kg:nowhere ; sh:closed true .\n"
    shapes.write_text(shapes.read_text(encoding="utf-8") + closed, encoding="utf-8")
    result = cli("validate")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {shapes}: shape <https://w3id.org/muskgraph/shapes#ClosedShape>: sh:closed "
        "is not supported by the SPARQL engine (use --engine pyshacl)\n"
    )
    assert cli("validate", "--engine", "pyshacl").exit_code == 0
