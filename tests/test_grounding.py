"""Every quote must stand at its offsets in its source; a quote that is not there stops
the build, whether a sheet gives it or Turtle written by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import snapshot

from graph.namespaces import KG, OA

ARTICLE = "spacex-xai-merger.de.txt"
SHEET = "spacex-xai-merger.tsv"
BAD_INPUTS = Path(__file__).resolve().parent / "bad_inputs"


def test_every_quote_is_verbatim_at_its_offsets(project, dataset) -> None:
    text = (project.seeds_dir / ARTICLE).read_text(encoding="utf-8")
    facts = dataset.graph(KG["article-spacex-xai-merger"])
    quotes = 0
    for evidence in set(facts.subjects(OA.hasSource, None)):
        selectors = set(facts.objects(evidence, OA.hasSelector))
        (exact,) = {facts.value(s, OA.exact) for s in selectors} - {None}
        (start,) = {facts.value(s, OA.start) for s in selectors} - {None}
        (end,) = {facts.value(s, OA.end) for s in selectors} - {None}
        assert text[int(start) : int(end)] == str(exact)
        quotes += 1
    assert quotes >= 40


def tamper_sheet_quote(project_copy: Path, quote: str = "SpaceX hat xAI erworben") -> int:
    """Change a word of one quote in the sheet; return the line numbers it was on."""
    path = project_copy / "seeds" / SHEET
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [
        n
        for n, line in enumerate(lines, 1)
        if f"\t{quote}\t" in line or line.endswith(f"\t{quote}\n")
    ]
    for n in changed:
        lines[n - 1] = lines[n - 1].replace(quote, quote.replace("erworben", "gekauft"))
    path.write_text("".join(lines), encoding="utf-8")
    return changed


def test_a_quote_not_in_the_text_stops_the_build_and_names_each_row(cli, project_copy) -> None:
    assert cli("build").exit_code == 0
    before = snapshot(project_copy / "out")
    rows = tamper_sheet_quote(project_copy)
    result = cli("build")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    sheet = project_copy / "seeds" / SHEET
    assert lines == [
        f"Error: {sheet}:{row}: quote: not in the text; the nearest sentence is: "
        "'„SpaceX hat xAI erworben, um die ehrgeizigste, vertikal integrierte "
        "Innovationsmaschine a…'"
        for row in rows
    ]
    assert len(rows) >= 3
    assert snapshot(project_copy / "out") == before


def test_a_changed_source_text_stops_the_build(cli, project_copy) -> None:
    article = project_copy / "seeds" / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("Musk", "Mosk"), "utf-8")
    result = cli("build")
    assert result.exit_code == 2
    assert "quote: not in the text" in result.stderr


def test_a_hand_written_quote_off_its_offsets_stops_build_and_validate(cli, project_copy) -> None:
    seed = project_copy / "seeds" / "zz-quoted.ttl"
    shutil.copy(BAD_INPUTS / "quoted-source.ttl", seed)
    assert cli("build").exit_code == 0
    seed.write_text(seed.read_text("utf-8").replace("oa:start 2299", "oa:start 2298"), "utf-8")
    built = cli("build")
    assert built.exit_code == 1
    assert (
        f"Error: {seed}: kg:claim-hand: quote 'SpaceX hat xAI erworben' is not at 2298-2322"
        in built.stderr
    )
    checked = cli("validate")
    assert checked.exit_code == 1
    assert "is not at" in checked.stdout
    assert "does not conform" in checked.stderr
