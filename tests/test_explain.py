"""`muskgraph explain A B`: the chains of facts between two nodes, each fact with its
claims, and an inference with the rule and the claims it follows from."""

from __future__ import annotations

import json

from graph.namespaces import KG, MG


def test_explain_shows_an_inference_with_its_rule_and_premises(cli) -> None:
    result = cli("explain", "SpaceX", "xAI")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "connection 1: SpaceX — xAI"
    at = lines.index("     SpaceX (kg:spacex) controls xAI (kg:xai)")
    assert lines[at + 1] == (
        "       [inferred by the graph (muskgraph's inference rules), fact, "
        "An acquirer controls what it acquired]"
    )
    assert lines[at + 2] == "       because:"
    premises = "\n".join(lines[at + 3 : at + 7])
    assert "acquirer SpaceX (kg:spacex)" in premises
    assert "[stated by the company (Elon Musk), fact, " in premises
    assert "„SpaceX hat xAI erworben“" in premises


def test_explain_as_json_gives_every_hop_with_claims_and_premises(cli) -> None:
    result = cli("explain", "kg:musk", "kg:x-corp", "--format", "json")
    assert result.exit_code == 0, result.output
    (connection,) = json.loads(result.stdout)["connections"]
    assert [n["iri"] for n in connection["nodes"]] == [str(KG.musk), str(KG.xai), str(KG["x-corp"])]
    for hop in connection["hops"]:
        for claim in hop:
            assert claim["attribution"].startswith(str(MG)) and claim["modality"].startswith(
                str(MG)
            )
            assert claim["quote"] or claim["basis"] or claim["premises"]
    first = {c["predicate"]: c for c in connection["hops"][0]}
    assert first[str(MG.controls)]["quote"] == "mit xAI, seinem Startup für künstliche Intelligenz"


def test_explain_follows_facts_in_either_direction(cli) -> None:
    forward, backward = cli("explain", "rockets", "spacex"), cli("explain", "spacex", "rockets")
    assert forward.stdout.startswith("connection 1: rockets — SpaceX\n")
    assert backward.stdout.startswith("connection 1: SpaceX — rockets\n")
    for result in (forward, backward):
        assert "     rockets (kg:rockets) operated by SpaceX (kg:spacex)\n" in result.stdout


def test_explain_of_unconnected_or_unknown_nodes(cli, tmp_path) -> None:
    lone = tmp_path / "lone.ttl"
    lone.write_text(
        "<https://w3id.org/muskgraph/id/lone> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "lone"@en .\n',
        encoding="utf-8",
    )
    assert cli("load", str(lone)).exit_code == 0
    result = cli("explain", "kg:lone", "spacex")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "kg:lone and spacex are not connected within 6 facts"
    result = cli("explain", "Tesla", "spacex")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("Error: no node is named 'Tesla'")


def test_render_explain_draws_the_chain_left_to_right_with_each_facts_claims(
    cli, project_copy
) -> None:
    from test_render import network_data

    result = cli("render", "--explain", "musk", "x-corp")
    assert result.exit_code == 0, result.output
    page = (project_copy / "out" / "explanation.html").read_text(encoding="utf-8")
    nodes, edges, _ = network_data(page)
    x = {n["id"]: n["x"] for n in nodes}
    assert x[str(KG.musk)] < x[str(KG.xai)] < x[str(KG["x-corp"])]
    assert {(e["from"], e["to"]) for e in edges} >= {
        (str(KG.musk), str(KG.xai)),
        (str(KG.xai), str(KG["x-corp"])),
    }
    assert all(e["claims"] for e in edges)
    missing = cli("render", "--explain", "kg:nope", "musk")
    assert missing.exit_code == 2 and not (project_copy / "out" / "nope.html").exists()
