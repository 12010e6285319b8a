"""The README's "Adding a source", command by command: a second source, in English, is
registered, its sheet filled in, and its claims stand beside the article's in the
queries, `paths`, `explain` and the views."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from graph.namespaces import KG, MG

README = Path(__file__).resolve().parent.parent / "README.md"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("### Adding a source\n", 1)[1].split("\n### ", 1)[0]


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", section(), re.DOTALL)


@pytest.fixture
def added(cli, project_copy, tmp_path, monkeypatch):
    """The section's commands run in order, the sheet filled in as it shows."""
    (text,) = blocks("text")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "starship.en.txt").write_text(text, encoding="utf-8")
    register, after = blocks("sh")
    outputs = {}
    for line in register.splitlines():
        result = cli(*shlex.split(line)[1:])
        assert result.exit_code == 0, result.output
    (rows,) = blocks("tsv")
    with (project_copy / "seeds" / "starship.tsv").open("a", encoding="utf-8") as sheet:
        sheet.write(rows)
    for line in after.splitlines():
        result = cli(*shlex.split(line)[1:])
        assert result.exit_code == 0, (line, result.output)
        outputs[line] = result.stdout
    return outputs


def test_a_second_source_is_added_from_the_readme_alone(added, cli, project_copy) -> None:
    sheet = (project_copy / "seeds" / "starship.tsv").read_text(encoding="utf-8")
    assert "source\tpublished\t2026-10-13\n" in sheet
    sources = added["muskgraph sources"]
    assert "kg:article-starship" in sources and "kg:article-spacex-xai-merger" in sources
    explained = added["muskgraph explain starship spacex"]
    assert "[stated by the company (SpaceX), fact, Starship flies again]" in explained
    assert "the company said" in explained
    path = added["muskgraph paths starship starlink"]
    assert "[anonymous sources, plan, Starship flies again]" in path
    page = (project_copy / "out" / "muskgraph.html").read_text(encoding="utf-8")
    assert str(KG.starship) in page and "Starship flies again" in page
    query = cli("query", "claims-by-attribution", "--param", "agent=kg:two-people", "-f", "csv")
    assert query.exit_code == 0, query.output
    assert str(MG.Plan) in query.stdout and str(KG.starlink) in query.stdout


def test_the_new_source_is_validated_with_the_rest(added, cli) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "project: conforms"
