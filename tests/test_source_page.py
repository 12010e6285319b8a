"""The reading view: a source's text as it stands, each quoted passage marked and, on a
click, the claims it supports, with links into the graph view; offline and escaped."""

from __future__ import annotations

import json
import re

import pytest
from test_browser import chromium_path, open_page  # noqa: F401 (a fixture)

from graph.namespaces import KG, MG
from graph.source_page import page_name

MEMO = "SpaceX hat xAI erworben"


def page_data(page: str) -> dict:
    marker = '<script type="application/json" id="source-data">'
    return json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))[0]


@pytest.fixture(scope="module")
def page(built) -> str:
    from click.testing import CliRunner

    from graph.cli import main

    result = CliRunner().invoke(
        main, ["--project", str(built.data_root), "render", "--view", "sources"]
    )
    assert result.exit_code == 0, result.output
    return (built.out_dir / page_name("spacex-xai-merger.de.txt")).read_text(encoding="utf-8")


def test_the_page_holds_the_text_as_it_stands(page, project) -> None:
    text = (project.seeds_dir / "spacex-xai-merger.de.txt").read_text(encoding="utf-8")
    data = page_data(page)
    assert "".join(segment[0] for segment in data["segments"]) == text
    for words, _, start, end in data["segments"]:
        assert text[start:end] == words


def test_every_quoted_passage_carries_its_claims_with_attribution_and_modality(page) -> None:
    data = page_data(page)
    marked = [s for s in data["segments"] if s[1]]
    assert len(marked) > 30
    memo = next(s for s in marked if s[0] == MEMO)
    claims = [data["claims"][i] for i in memo[1]]
    assert {c["attributionName"] for c in claims} == {"stated by the company"}
    assert {c["agent"] for c in claims} == {"Elon Musk"}
    assert str(KG.spacex) in {n for c in claims for n in c["nodes"]}
    assert set(data["attributions"]) >= {str(MG.StatedByCompany), str(MG.AnonymousSources)}
    assert set(data["modalities"]) >= {str(MG.Fact), str(MG.Plan), str(MG.Opinion)}


def test_the_page_loads_nothing_and_keeps_data_out_of_markup(page) -> None:
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<mark" not in page.split("<script", 1)[0]  # passages are made by the script


@pytest.fixture(scope="module")
def clicked(chromium_path, page, tmp_path_factory) -> dict:  # noqa: F811
    probe = """<script>
(function () {
  var report = {};
  try {
    var mark = document.getElementById("q-2299-2322");
    report.found = !!mark;
    mark.click();
    report.panel = document.getElementById("panel").textContent;
    report.links = Array.prototype.map.call(
      document.querySelectorAll("#panel a"), function (a) { return a.getAttribute("href"); });
    report.marks = document.querySelectorAll("#text mark").length;
  } catch (e) { report.error = String(e); }
  report.problems = window.__problems;
  var out = document.createElement("pre");
  out.id = "probe-result";
  out.textContent = JSON.stringify(report);
  document.body.appendChild(out);
})();
</script>"""
    return open_page(chromium_path, page, probe, tmp_path_factory.mktemp("source"))


def test_clicking_a_passage_shows_its_claims_and_links_into_the_graph(clicked) -> None:
    assert clicked.get("error") is None and clicked["found"]
    assert clicked["problems"] == []
    assert "\u201eSpaceX hat xAI erworben\u201c supports:" in clicked["panel"]
    assert "stated by the company (Elon Musk), fact" in clicked["panel"]
    assert (
        "muskgraph.html#node=https%3A%2F%2Fw3id.org%2Fmuskgraph%2Fid%2Fspacex" in clicked["links"]
    )
    assert clicked["marks"] > 30
