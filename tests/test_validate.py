"""`muskgraph validate`: 0 conforms, 1 does not conform (with a readable report), 2 cannot load."""

from __future__ import annotations

import re
from pathlib import Path


def test_the_seeds_conform(cli) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("conforms (")


def test_a_claim_without_status_does_not_conform(cli, project_copy: Path) -> None:
    facts = project_copy / "seeds" / "spacex-xai-merger.ttl"
    turtle = facts.read_text(encoding="utf-8")
    claim = "kg:claim-spacex-owns-xai"
    block = turtle[turtle.index(f"{claim}\n") :]
    status = re.search(r"\n    mg:status mg:\w+ ;", block)
    assert status
    start = turtle.index(f"{claim}\n") + status.start()
    facts.write_text(turtle[:start] + turtle[start + len(status.group(0)) :], encoding="utf-8")
    result = cli("validate")
    assert result.exit_code == 1
    assert any(
        line.startswith(f"Violation: {claim} mg:status: ") for line in result.stdout.splitlines()
    ), result.stdout
    assert result.stderr.startswith("does not conform: ")


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
