"""No claim says more than its sentence: who asserts it, what kind of statement it is,
and what the graph infers are kept apart, and each is checked against the article's
words as a sceptical editor would."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Literal
from rdflib.namespace import PROV, SDO, TIME

from graph.namespaces import KG, MG, OA, WD

ARTICLE = KG["article-spacex-xai-merger"]


@pytest.fixture(scope="module")
def claims(dataset) -> list[dict]:
    """Every claim with its parts, its quote (if any) and its premises."""
    found = []
    for claim in set(dataset.subjects(RDF.type, MG.Claim)):
        exact = [
            str(e)
            for evidence in dataset.objects(claim, MG.evidence)
            for selector in dataset.objects(evidence, OA.hasSelector)
            for e in dataset.objects(selector, OA.exact)
        ]
        found.append(
            {
                "claim": claim,
                "fact": tuple(
                    dataset.value(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object)
                ),
                "attribution": dataset.value(claim, MG.attribution),
                "modality": dataset.value(claim, MG.modality),
                "agent": dataset.value(claim, PROV.wasAttributedTo),
                "derived": set(dataset.objects(claim, PROV.wasDerivedFrom)),
                "rule": dataset.value(claim, MG.inferredBy),
                "quote": " ".join(exact),
            }
        )
    return found


def about(claims, predicate=None, subject=None, obj=None) -> list[dict]:
    return [
        c
        for c in claims
        if (predicate is None or c["fact"][1] == predicate)
        and (subject is None or c["fact"][0] == subject)
        and (obj is None or c["fact"][2] == obj)
    ]


def test_only_what_the_article_calls_a_driver_is_a_driver(claims) -> None:
    drivers = about(claims, MG.drivenBy)
    assert drivers
    for claim in drivers:
        assert any(w in claim["quote"] for w in ("vorangetrieben", "Treiber", "Kernstrategie"))
        assert claim["modality"] == MG.Purpose


def sentence_of(text: str, quote: str) -> str:
    """The sentence (or heading) of the article that holds the quote."""
    start = text.index(quote)
    begin = max(text.rfind(end, 0, start) for end in (". ", "\n")) + 1
    stops = [i for i in (text.find(end, start + len(quote)) for end in (".", "\n")) if i >= 0]
    return text[begin : min(stops, default=len(text)) + 1]


def test_what_musk_says_is_his_and_what_the_sources_say_is_theirs(claims, project) -> None:
    text = (project.seeds_dir / "spacex-xai-merger.de.txt").read_text(encoding="utf-8")
    for claim in claims:
        said = sentence_of(text, claim["quote"]) if claim["quote"] else ""
        if claim["attribution"] == MG.StatedByCompany:
            assert claim["agent"] == KG.musk
            assert "schrieb Musk" in said or "Musk hat offen erklärt" in said, said
        if claim["attribution"] == MG.AnonymousSources:
            assert claim["agent"] == KG["two-sources"]
            assert "Zwei mit dem Plan vertraute Quellen" in said, said


def test_the_two_sources_are_an_agent_with_their_number(dataset) -> None:
    two = KG["two-sources"]
    assert (two, RDF.type, MG.AnonymousSourceGroup) in dataset
    assert dataset.value(two, MG.numberOfSources) == Literal(2)


def test_the_planned_stays_planned(claims) -> None:
    """The IPO and the data centres in orbit are plans, whoever speaks of them."""
    for claim in claims:
        subject, _, obj = claim["fact"]
        planned = {KG["spacex-xai-ipo"], KG["orbital-data-centres"], KG["time-ipo"]}
        if planned & {subject, obj} and claim["fact"][1] != MG.signals:
            assert claim["modality"] == MG.Plan, claim["claim"]


def test_an_inference_names_its_rule_and_premises_and_quotes_nothing(claims, dataset) -> None:
    inferred = [c for c in claims if c["attribution"] == MG.Inferred]
    assert {c["fact"] for c in inferred} >= {
        (KG.spacex, MG.owns, KG.xai),
        (KG.spacex, MG.controls, KG.xai),
        (KG.musk, MG.controls, KG["spacex-xai"]),
    }
    for claim in inferred:
        assert claim["rule"] is not None and not claim["quote"]
        assert claim["derived"] and all(
            (p, RDF.type, MG.Claim) in dataset for p in claim["derived"]
        )
        assert claim["agent"] == KG["muskgraph-rules"]
        premises = [next(c for c in claims if c["claim"] == p) for p in claim["derived"]]
        if any(p["modality"] == MG.Plan for p in premises):
            assert claim["modality"] == MG.Plan  # an inference from a plan is a plan


def test_no_source_is_credited_with_an_inference(claims) -> None:
    """What the memo says is that SpaceX acquired xAI, not that it owns or controls it."""
    for fact in [(KG.spacex, MG.owns, KG.xai), (KG.spacex, MG.controls, KG.xai)]:
        assert {c["attribution"] for c in about(claims, *fact[1:2], subject=fact[0])} == {
            MG.Inferred
        }


def test_one_deal_is_the_acquisition_and_the_merger(dataset) -> None:
    deal = KG["spacex-xai-merger"]
    assert {MG.Acquisition, MG.Merger} <= set(dataset.objects(deal, RDF.type))
    assert dataset.value(deal, MG.acquirer) == KG.spacex
    assert dataset.value(deal, MG.termsDisclosed) == Literal(False)
    amount = dataset.value(deal, MG.amount)
    assert dataset.value(amount, SDO.minValue) == Literal(1_000_000_000_000)
    announcement = KG["spacex-xai-merger-announcement"]
    assert dataset.value(announcement, MG.announces) == deal
    assert dataset.value(deal, TIME.hasTime) is None  # only the announcement is dated


def test_names_not_in_the_article_are_background_knowledge(dataset) -> None:
    article = dataset.graph(ARTICLE)
    text = " ".join(str(o) for o in article.objects(None, OA.exact))
    assert "X Corp." not in text
    assert not list(article.triples((None, SDO.sameAs, None)))
    assert not list(article.triples((None, SDO.legalName, None)))
    background = dataset.graph(KG.background)
    assert (KG["x-corp"], SDO.legalName, Literal("X Corp.")) in background
    assert (KG.musk, SDO.sameAs, WD.Q317521) in background


def test_background_knowledge_holds_no_speculation_about_the_plan(claims) -> None:
    for claim in claims:
        if claim["attribution"] == MG.BackgroundKnowledge:
            assert KG["orbital-data-centres"] not in (claim["fact"][0], claim["fact"][2])


def test_the_engine_has_the_four_business_lines_and_its_loop_is_an_opinion(claims) -> None:
    parts = {c["fact"][2] for c in about(claims, MG.hasComponent, KG["vertical-integration"])}
    assert parts == {KG.rockets, KG["ai-chatbots"], KG.x, KG.starlink}
    (loop,) = about(claims, MG.closedLoop)
    assert (loop["attribution"], loop["modality"]) == (MG.ReportedByArticle, MG.Opinion)
    assert "jede Komponente die andere speist" in loop["quote"]


def test_every_claim_of_the_article_has_a_qualified_attribution(dataset, claims) -> None:
    for claim in claims:
        if ARTICLE in claim["derived"]:
            attribution = dataset.value(claim["claim"], PROV.qualifiedAttribution)
            assert dataset.value(attribution, PROV.agent) == claim["agent"]
    memo = dataset.value(KG["attribution-musk-via-memo"], MG.statedIn)
    assert memo == KG.memo and dataset.value(memo, SDO.author) == KG.musk
    assert dataset.value(memo, RDFS.label) is not None
