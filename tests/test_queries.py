"""Each query of the library gives the answer the article (or the background) gives."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import XSD, Literal, Variable

from graph.namespaces import KG, MG, WD
from graph.project import Project
from graph.query import library, run
from graph.store.rdflib_bridge import to_rdflib


@pytest.fixture(scope="module")
def ask(project, store_engine):
    """Rows of a library query on the default store, as dicts of rdflib terms."""
    queries = library(project)

    def rows(name: str, **params: str) -> list[dict]:
        answer = run(store_engine, queries[name], params)
        return [
            {v: to_rdflib(t) for v, t in zip(answer.variables, row, strict=True) if t}
            for row in answer.rows()
        ]

    return rows


def test_vertical_integration_lists_every_hop_with_its_source(ask) -> None:
    hops = {(r["from"], r["to"]): r for r in ask("vertical-integration")}
    assert {
        (KG.rockets, KG.starlink),
        (KG.rockets, KG["orbital-data-centres"]),
        (KG["orbital-data-centres"], KG["ai-models"]),
        (KG.x, KG["ai-chatbots"]),
    } <= set(hops)
    compute = hops[KG["orbital-data-centres"], KG["ai-models"]]
    assert (compute["attribution"], compute["modality"]) == (MG.ReportedByArticle, MG.Plan)
    assert "Bedarf an Rechenleistung" in compute["quote"]
    assert hops[KG.rockets, KG.starlink]["source"] == KG.background
    launch = hops[KG.rockets, KG["orbital-data-centres"]]
    assert (launch["attribution"], launch["modality"]) == (MG.Inferred, MG.Plan)
    assert launch["source"] == KG["rule-launches-planned-orbit"]
    assert "quote" not in launch
    for row in ask("vertical-integration"):
        assert row["source"] in (
            KG["article-spacex-xai-merger"],
            KG.background,
            KG["rule-launches-planned-orbit"],
        )


def test_rockets_reach_the_ai_chatbots_through_orbital_data_centres(ask) -> None:
    reach = {
        (r["from"], r["to"]): r["direct"].toPython() for r in ask("vertical-integration-reach")
    }
    assert reach[KG.rockets, KG["ai-chatbots"]] is False
    assert reach[KG["orbital-data-centres"], KG["ai-models"]] is True


def test_musk_controls_spacex_and_xai_directly_and_x_corp_through_xai(ask) -> None:
    control = {(r["controller"], r["organisation"]): str(r["how"]) for r in ask("control")}
    assert control[KG.musk, KG.spacex] == "direct"
    assert control[KG.musk, KG.xai] == "direct"
    assert control[KG.musk, KG["x-corp"]] == "indirect"
    assert control[KG.spacex, KG["x-corp"]] == "indirect"  # after the deal, through xAI


def test_ownership_is_kept_apart_from_control(ask) -> None:
    owned = {(r["owner"], r["owned"]): r for r in ask("ownership")}
    spacex_owns_xai = owned[KG.spacex, KG.xai]
    assert (spacex_owns_xai["attribution"], spacex_owns_xai["source"]) == (
        MG.Inferred,
        KG["rule-acquirer-owns"],
    )
    assert (KG.musk, KG.spacex) not in owned


def test_timeline_puts_x_before_the_merger_before_the_ipo(ask) -> None:
    order = {r["event"]: int(r["earlier"]) for r in ask("timeline")}
    announcement = KG["spacex-xai-merger-announcement"]
    assert order[KG["x-xai-merger"]] < order[announcement] < order[KG["spacex-xai-ipo"]]
    assert KG["spacex-xai-merger"] not in order  # only its announcement is dated
    monday = next(r for r in ask("timeline") if r["event"] == announcement)
    assert str(monday["relative"]) == "am Montag"


def test_ipo_plan_about_june_about_50_billion_usd_from_two_sources(ask) -> None:
    rows = ask("ipo-plan")
    assert {r["ipo"] for r in rows} == {KG["spacex-xai-ipo"]}
    plan = rows[0]
    assert "issuer" not in plan  # the article names none
    assert plan["month"] == Literal("--06", datatype=XSD.gMonth)
    assert plan["approximateMonth"].toPython() is True
    assert Decimal(str(plan["amount"])) == Decimal(50_000_000_000)
    assert str(plan["currency"]) == "USD"
    assert plan["approximateAmount"].toPython() is True
    assert {r["modality"] for r in rows if r["predicate"] != MG.signals} == {MG.Plan}
    anonymous = [r for r in rows if r["attribution"] == MG.AnonymousSources]
    assert {str(r["predicate"]).rsplit("#", 1)[1] for r in anonymous} == {"type", "hasTime"}
    assert all("Zwei mit dem Plan vertraute Quellen" in r["quote"] for r in anonymous)


def test_merger_drivers_are_only_what_the_article_calls_drivers(ask) -> None:
    rows = [r for r in ask("merger-drivers") if r["event"] == KG["spacex-xai-merger"]]
    drivers = {r["rationale"] for r in rows if r["relation"] == MG.drivenBy}
    assert drivers == {
        KG["financial-synergies"],
        KG["race-for-ai-dominance"],
        KG["space-data-centres"],
    }
    for row in rows:
        if row["relation"] == MG.drivenBy:
            assert any(w in row["quote"] for w in ("vorangetrieben", "Treiber", "Kernstrategie"))
    purposes = {r["rationale"]: r for r in rows if r["relation"] == MG.purpose}
    assert purposes[KG["vertical-integration"]]["attribution"] == MG.StatedByCompany
    assert "um seine Kontrolle" in purposes[KG["consolidate-control"]]["quote"]


def test_claims_by_attribution_binds_an_attribution(ask) -> None:
    anonymous = ask("claims-by-attribution", attribution="mg:AnonymousSources")
    assert anonymous
    assert {r["attribution"] for r in anonymous} == {MG.AnonymousSources}
    assert {r["agent"] for r in anonymous} == {KG["two-sources"]}
    assert all(r.get("quote") for r in anonymous)


def test_claim_counts_cover_every_attribution_and_modality(ask) -> None:
    rows = ask("claim-counts")
    assert {r["attribution"] for r in rows} == {
        MG.StatedByCompany,
        MG.ReportedByArticle,
        MG.AnonymousSources,
        MG.BackgroundKnowledge,
        MG.Inferred,
    }
    assert {r["modality"] for r in rows} == {MG.Fact, MG.Plan, MG.Forecast, MG.Opinion, MG.Purpose}


def test_evidence_gives_the_memo_sentence_for_the_acquisition(ask, project) -> None:
    rows = ask("evidence", subject="kg:spacex-xai-merger", predicate="mg:acquirer")
    assert len(rows) == 1
    (row,) = rows
    text = (project.seeds_dir / "spacex-xai-merger.de.txt").read_text(encoding="utf-8")
    assert text[int(row["start"]) : int(row["end"])] == str(row["quote"])
    assert str(row["quote"]).startswith("SpaceX hat xAI erworben")
    assert (row["attribution"], row["modality"]) == (MG.StatedByCompany, MG.Fact)


def test_inferences_name_their_rule_and_premises(ask) -> None:
    rows = ask("inferences")
    derived = {(r["subject"], r["predicate"], r["object"]) for r in rows}
    assert {
        (KG.spacex, MG.owns, KG.xai),
        (KG.spacex, MG.controls, KG.xai),
        (KG.musk, MG.controls, KG["spacex-xai"]),
    } <= derived
    for row in rows:
        assert row["premiseAttribution"] != MG.Inferred or row["rule"]
    plans = {r["object"] for r in rows if r["modality"] == MG.Plan}
    assert KG["orbital-data-centres"] in plans  # an inference from a plan is a plan


def test_background_knowledge_is_never_attributed_to_the_article(ask) -> None:
    background = ask("background-knowledge")
    assert (KG.starlink, MG.operatedBy, KG.spacex) in {
        (r["subject"], r["predicate"], r["object"]) for r in background
    }
    assert all(r.get("basis") for r in background)


def test_wikidata_links_only_where_certain(dataset) -> None:
    from rdflib.namespace import SDO

    links = {(s, o) for s, o in dataset.subject_objects(SDO.sameAs) if str(o).startswith(WD)}
    assert links == {(KG.musk, WD.Q317521), (KG.spacex, WD.Q193701), (KG.x, WD.Q918)}


@pytest.mark.parametrize("name", ["unasserted-claim-violation", "ungrounded-fact-violation"])
def test_violation_queries_find_nothing_in_the_seeds(ask, name) -> None:
    assert ask(name) == []


def test_ungrounded_fact_violation_catches_a_fact_without_a_claim(cli, project_copy) -> None:
    facts = project_copy / "seeds" / "background.ttl"
    facts.write_text(
        facts.read_text(encoding="utf-8") + "\nkg:musk mg:controls kg:starlink-corp .\n",
        encoding="utf-8",
    )
    result = cli("validate")
    assert result.exit_code == 1
    assert "ungrounded-fact-violation: kg:musk mg:controls kg:starlink-corp" in result.stdout


def _sort_keys(query) -> tuple[set[str], set[str]]:
    """The variables a SELECT projects, and those its ORDER BY sorts on."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.algebra import traverse

    algebra = prepareQuery(query.text).algebra
    keys: set[str] = set()

    def visit(node):
        if getattr(node, "name", None) == "OrderBy":
            for condition in node.expr:
                expression = getattr(condition, "expr", condition)
                found = [expression] if isinstance(expression, Variable) else expression._vars
                keys.update(str(v) for v in found)

    traverse(algebra, visitPre=visit)
    return {str(v) for v in algebra["PV"]}, keys


ORDERED = [
    name
    for name, query in library(Project.locate(Path(__file__).resolve().parent.parent)).items()
    if "ORDER BY" in query.text
]


@pytest.mark.parametrize("name", ORDERED)
def test_ordered_queries_sort_on_every_column(project, name) -> None:
    """Rows that differ never tie, so every engine, and every page of LIMIT/OFFSET,
    gives them in the same order."""
    projected, keys = _sort_keys(library(project)[name])
    assert projected - keys == set()


@pytest.mark.parametrize("name", ORDERED)
def test_ordered_queries_give_the_same_order_on_both_engines(
    project, store_engine, memory_engine, name
) -> None:
    query = library(project)[name]
    assert list(run(store_engine, query).rows()) == list(run(memory_engine, query).rows())
