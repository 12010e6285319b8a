"""The reading view: a source's text as it stands, each quoted passage marked and, on a
click, the claims it supports, with links into the graph view; offline and escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import chromium
import pytest
from click.testing import CliRunner
from conftest import NO_TIME_LIMIT, copy_project
from test_browser import chromium_path, open_page  # noqa: F401 (a fixture)

from graph.cli import main
from graph.describe import page_name
from graph.namespaces import KG, MG

MEMO = "SpaceX hat xAI erworben"


def page_data(page: str) -> dict:
    marker = '<script type="application/json" id="source-data">'
    return json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))[0]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The out/ of a copy of the project after `muskgraph render`."""
    root = copy_project(tmp_path_factory.mktemp("rendered"))
    result = CliRunner().invoke(main, ["--project", str(root), "render"], default_map=NO_TIME_LIMIT)
    assert result.exit_code == 0, result.output
    return root / "out"


@pytest.fixture(scope="module")
def page(rendered) -> str:
    return (rendered / page_name("spacex-xai-merger.de.txt")).read_text(encoding="utf-8")


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


def test_the_page_loads_nothing(page) -> None:
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


HOSTILE = 'Acme </script><img src=x onerror="window.pwned=1"> kauft <b>Beta</b>.'


def test_a_hostile_text_is_data_on_its_page(cli, project_copy, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hostile.de.txt").write_text(HOSTILE, encoding="utf-8")
    assert cli("add-source", "hostile.de.txt", "--title", "<b>t</b>").exit_code == 0
    with (project_copy / "seeds" / "hostile.tsv").open("a", encoding="utf-8") as sheet:
        sheet.write("spacex\tcontrols\txai\tarticle\topinion\t<img src=x onerror=\n")
    assert cli("render", "--view", "sources").exit_code == 0
    page = (project_copy / "out" / "source-hostile.html").read_text(encoding="utf-8")
    assert "<img" not in page and "</script><" not in page and "<b>" not in page
    assert "".join(segment[0] for segment in page_data(page)["segments"]) == HOSTILE


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


def test_the_graph_view_links_each_quote_to_its_passage(rendered) -> None:
    page = (rendered / "muskgraph.html").read_text(encoding="utf-8")
    marker = '<script type="application/json" id="claim-data">'
    claims = json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))[0]
    memo = [c for c in claims if "SpaceX hat xAI erworben" in c["quotes"]]
    assert memo and all(
        c["passages"] == ["source-spacex-xai-merger.html#q-2299-2322"] for c in memo
    )
    assert {c["modalityName"] for c in memo} == {"fact"}


@pytest.fixture(scope="module")
def opened_on_a_node(chromium_path, rendered, tmp_path_factory) -> dict:  # noqa: F811
    """The graph view opened from a reading view's link, #node=IRI."""
    graph_page = (rendered / "muskgraph.html").read_text(encoding="utf-8")
    spacex = "https://w3id.org/muskgraph/id/spacex"
    assert "/^#node=(.+)$/.exec(window.location.hash)" in graph_page
    graph_page = graph_page.replace(
        "/^#node=(.+)$/.exec(window.location.hash)",
        f"/^#node=(.+)$/.exec('#node={spacex.replace('/', '%2F')}')",
    )
    probe = chromium.click_probe("")
    return open_page(chromium_path, graph_page, probe, tmp_path_factory.mktemp("node"))


def test_a_link_from_a_reading_view_opens_the_graph_on_its_node(opened_on_a_node) -> None:
    assert opened_on_a_node.get("error") is None
    assert opened_on_a_node["problems"] == []
    assert "SpaceX" in opened_on_a_node["panel"] and "IRI" in opened_on_a_node["panel"]


@pytest.fixture(scope="module")
def modality_filtered(chromium_path, rendered, tmp_path_factory) -> dict:  # noqa: F811
    """The whole-graph view before and after unticking one kind of statement: plan."""
    plan = json.dumps(str(MG.Plan))
    select = f"""
      var box = document.querySelector('#legend input[data-filter="modality"][value={plan}]');
      var table = JSON.parse(document.getElementById("claim-data").textContent);
      function visible() {{
        return network.body.data.edges.get({{filter: function (e) {{ return !e.hidden; }}}});
      }}
      function onlyPlans(edge) {{
        return (edge.claims || []).length && edge.claims.every(function (i) {{
          return table[i].modality === {plan}; }});
      }}
      report.legend = Array.prototype.map.call(
        document.querySelectorAll('#modality-legend label'), function (l) {{
          return l.textContent.trim(); }});
      report.plansBefore = visible().filter(onlyPlans).length;
      report.before = visible().length;
      box.checked = false;
      box.dispatchEvent(new Event("change"));
      report.plansAfter = visible().filter(onlyPlans).length;
      report.after = visible().length;
    """
    graph_page = (rendered / "muskgraph.html").read_text(encoding="utf-8")
    probe = chromium.click_probe(select)
    return open_page(chromium_path, graph_page, probe, tmp_path_factory.mktemp("modality"))


def test_the_graph_view_filters_by_kind_of_statement(modality_filtered) -> None:
    assert modality_filtered.get("error") is None and modality_filtered["problems"] == []
    assert set(modality_filtered["legend"]) == {"fact", "plan", "forecast", "opinion", "purpose"}
    assert modality_filtered["plansBefore"] > 0
    assert modality_filtered["plansAfter"] == 0
    assert (
        modality_filtered["after"] == modality_filtered["before"] - modality_filtered["plansBefore"]
    )


def test_quoted_edges_are_drawn_in_the_line_of_their_kind_of_statement(rendered) -> None:
    page = (rendered / "muskgraph.html").read_text(encoding="utf-8")

    def table(name: str):
        marker = f'<script type="application/json" id="{name}-data">'
        return json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))[0]

    kinds, styles = table("modality-style"), table("style")
    assert kinds[str(MG.Fact)]["dashes"] is False
    others = [kinds[str(m)]["dashes"] for m in (MG.Plan, MG.Forecast, MG.Opinion, MG.Purpose)]
    assert all(others) and len({str(d) for d in others}) == 4  # each a line of its own
    edges = table("edge")
    planned = [
        e for e in edges if e.get("modality") == str(MG.Plan) and styles[e["attribution"]]["quoted"]
    ]
    assert planned  # e.g. the IPO planned by Musk, on the article's word
    assert {e["from"] for e in planned} >= {str(KG["spacex-xai-ipo"])}


def test_the_reading_view_marks_who_asserts_in_the_graph_views_colours(page, rendered) -> None:
    data = page_data(page)
    graph_page = (rendered / "muskgraph.html").read_text(encoding="utf-8")
    marker = '<script type="application/json" id="style-data">'
    styles = json.JSONDecoder().raw_decode(graph_page, graph_page.index(marker) + len(marker))[0]
    assert data["attributions"]
    for iri, look in data["attributions"].items():
        assert look["colour"] == styles[iri]["color"], iri
    assert data["modalities"][str(MG.Fact)]["line"] == "solid"
    assert str(MG.BackgroundKnowledge) not in data["attributions"]  # no claim of it here
