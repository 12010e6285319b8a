"""Claim sheets: quotes found whatever copying did to them, every mistake of a sheet
reported at once, one line each, and nothing written when a sheet is wrong."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from conftest import snapshot

from graph.quotes import QuoteNotFound, locate

TEXT = (
    "Die am Montag angekündigte Fusion wird vorangetrieben.\n\n"
    "„SpaceX hat xAI erworben“, schrieb Musk. Musk hat xAI erworben, schrieb er."
)
SHEET = "spacex-xai-merger.tsv"


@pytest.mark.parametrize(
    "copied",
    [
        '"SpaceX hat xAI erworben", schrieb Musk',  # straight quotation marks
        "„SpaceX hat  xAI\nerworben“, schrieb Musk",  # runs of whitespace, a line break
        "„SpaceX hat xAI er\u00adworben“, schrieb Musk",  # a soft hyphen
        "“SpaceX hat xAI erworben”, schrieb Musk",  # English typographic marks
    ],
)
def test_a_quote_is_found_whatever_copying_did_to_it(copied: str) -> None:
    span = locate(TEXT, copied)
    assert TEXT[span.start : span.end] == "„SpaceX hat xAI erworben“, schrieb Musk"


def test_a_quote_in_another_normal_form_is_found_at_the_texts_offsets() -> None:
    text = unicodedata.normalize("NFD", TEXT)  # "ü" as "u" and a combining diaeresis
    span = locate(text, unicodedata.normalize("NFC", "am Montag angekündigte Fusion"))
    assert unicodedata.normalize("NFC", text[span.start : span.end]) == (
        "am Montag angekündigte Fusion"
    )


def test_a_quote_found_twice_needs_a_prefix_or_suffix_that_picks_one() -> None:
    with pytest.raises(QuoteNotFound, match="occurs 2 times in the text: give a prefix"):
        locate(TEXT, "hat xAI erworben")
    second = locate(TEXT, "hat xAI erworben", prefix="Musk")
    assert TEXT[second.start - 5 : second.end] == "Musk hat xAI erworben"
    first = locate(TEXT, "hat xAI erworben", suffix="“, schrieb Musk")
    assert first.start < second.start
    with pytest.raises(QuoteNotFound, match="occurs nowhere with the prefix and suffix given"):
        locate(TEXT, "hat xAI erworben", prefix="Tesla")


def test_a_quote_not_in_the_text_names_the_nearest_sentence() -> None:
    with pytest.raises(QuoteNotFound) as found:
        locate(TEXT, "Die am Dienstag angekündigte Fusion")
    assert str(found.value) == (
        "not in the text; the nearest sentence is: "
        "'Die am Montag angekündigte Fusion wird vorangetrieben.'"
    )


def append_rows(project_copy: Path, *rows: str) -> Path:
    sheet = project_copy / "seeds" / SHEET
    with sheet.open("a", encoding="utf-8") as file:
        file.writelines(row + "\n" for row in rows)
    return sheet


def test_every_mistake_of_a_sheet_is_one_line_with_row_and_column(cli, project_copy) -> None:
    assert cli("build").exit_code == 0
    before = snapshot(project_copy / "out")
    sheet = project_copy / "seeds" / SHEET
    first = len(sheet.read_text(encoding="utf-8").splitlines()) + 1
    append_rows(
        project_copy,
        "spacx\tcontrols\txai\tarticle\tfact\tSpaceX hat xAI erworben",
        "spacex\tcontrol\txai\tarticle\tfact\tSpaceX hat xAI erworben",
        "spacex\ta\tCompnay",
        "spacex\tcontrols\txai\tarticle\tfakt\tSpaceX hat xAI erworben",
        "spacex\tcontrols\txai",
        "spacex\tcontrols\txai\tnobody\tfact\tZwei mit dem Plan vertrauten Quellen",
    )
    result = cli("build")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    at = [f"Error: {sheet}:{first + n}: " for n in range(6)]
    assert result.stderr.splitlines() == [
        at[0] + "subject: unknown name 'spacx' (did you mean 'spacex'?); "
        "declare it with a row 'NAME a CLASS'",
        at[1] + "predicate: unknown property 'control' (did you mean 'controls'?)",
        at[2] + "object: unknown class 'Compnay' (did you mean 'Company'?)",
        at[3] + "modality: 'fakt': one of fact, plan, forecast, opinion, purpose "
        "(did you mean 'fact'?)",
        at[4] + "by: a fact needs who asserts it (by), its modality and its quote",
        at[5] + "by: unknown name 'nobody'; declare it with a row 'NAME a CLASS'",
        at[5] + "quote: not in the text; the nearest sentence is: "
        "'Zwei mit dem Plan vertraute Quellen weisen darauf hin, dass ein Börsengang (IPO) für "
        "etwa…'",
    ]
    assert snapshot(project_copy / "out") == before


def test_a_new_entity_is_declared_with_its_labels_and_claimed(cli, project_copy) -> None:
    append_rows(
        project_copy,
        "grok\ta\tAIModels",
        "grok\tlabel@en\tGrok",
        "grok\tlabel@de\tGrok",
        "grok\tfeeds\tx\tarticle\topinion\tsoziale Medien (X)\tA test's claim.",
    )
    assert cli("build").exit_code == 0
    result = cli("explain", "grok", "x", "--iris")
    assert result.exit_code == 0, result.output
    assert "kg:grok mg:feeds kg:x" in result.stdout
    assert "[mg:ReportedByArticle (kg:author-spacex-xai-merger), mg:Opinion," in result.stdout


def test_a_sheet_whose_text_is_missing_says_that_alone(cli, project_copy) -> None:
    (project_copy / "seeds" / "spacex-xai-merger.de.txt").unlink()
    result = cli("build")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "object: no text file 'spacex-xai-merger.de.txt'" in result.stderr


def test_a_sheets_mistakes_read_the_same_from_the_memory_store(cli, project_copy) -> None:
    """The memory store answers in a child process; its errors come back whole."""
    append_rows(project_copy, "spacx\tcontrols\txai\tarticle\tfact\tSpaceX hat xAI erworben")
    result = cli("query", "control", "--store", "memory", "--timeout", "30")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.endswith(
        ": subject: unknown name 'spacx' (did you mean 'spacex'?); "
        "declare it with a row 'NAME a CLASS'"
    )
