"""Every quote must stand at its offsets in its source; a tampered quote stops the build."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import snapshot
from rdflib import Graph

from graph.namespaces import OA

ARTICLE = "spacex-xai-merger.de.txt"
FACTS = "spacex-xai-merger.ttl"


def test_every_quote_is_verbatim_at_its_offsets(project) -> None:
    text = (project.seeds_dir / ARTICLE).read_text(encoding="utf-8")
    facts = Graph().parse(project.seeds_dir / FACTS)
    quotes = 0
    for evidence in set(facts.subjects(OA.hasSource, None)):
        selectors = set(facts.objects(evidence, OA.hasSelector))
        (exact,) = {facts.value(s, OA.exact) for s in selectors} - {None}
        (start,) = {facts.value(s, OA.start) for s in selectors} - {None}
        (end,) = {facts.value(s, OA.end) for s in selectors} - {None}
        assert text[int(start) : int(end)] == str(exact)
        quotes += 1
    assert quotes >= 15


def tamper_first_quote(project_copy: Path) -> str:
    """Change one word inside the first oa:exact literal; return the original literal."""
    path = project_copy / "seeds" / FACTS
    turtle = path.read_text(encoding="utf-8")
    match = re.search(r'oa:exact "([^"]*?)(\w{4,})', turtle)
    assert match, "no oa:exact literal found"
    path.write_text(
        turtle[: match.start(2)] + match.group(2)[::-1] + turtle[match.end(2) :], encoding="utf-8"
    )
    return match.group(0)


def test_a_tampered_quote_stops_the_build_and_names_fact_and_files(cli, project_copy) -> None:
    assert cli("build").exit_code == 0
    before = snapshot(project_copy / "out")
    tamper_first_quote(project_copy)
    result = cli("build")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert message.startswith(f"Error: {project_copy / 'seeds' / FACTS}: kg:claim-")
    assert f"of {project_copy / 'seeds' / ARTICLE}" in message
    assert snapshot(project_copy / "out") == before


def test_a_changed_source_text_stops_the_build(cli, project_copy) -> None:
    article = project_copy / "seeds" / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("Musk", "Mosk"), "utf-8")
    result = cli("build")
    assert result.exit_code == 1
    assert "is not at" in result.stderr


def test_validate_reports_every_tampered_quote(cli, project_copy) -> None:
    tamper_first_quote(project_copy)
    result = cli("validate")
    assert result.exit_code == 1
    assert "is not at" in result.stdout
    assert "does not conform" in result.stderr
