"""Bad inputs: every one ends in its documented exit code and one clean line on stderr.

The cases are data (tests/bad_inputs/cases.json, with the files it names beside it); this
module only places the inputs, runs the command and checks the outcome. For every case:
the exit code; exactly one line on stderr (usage errors too) matching the case's
pattern, with no control characters; no
"Traceback" anywhere; and out/ byte-identical to what `build` left before the command,
unless the case says the command writes there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import run_muskgraph, snapshot

BAD_INPUTS = Path(__file__).resolve().parent / "bad_inputs"
CASES = json.loads((BAD_INPUTS / "cases.json").read_text(encoding="utf-8"))["cases"]

# C0 and C1 controls (other than tab and newline) and bidi overrides: a line for a terminal
# that holds them can rewrite or hide what the terminal shows.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HUGE = 5 * 1024 * 1024  # characters in a generated literal
DEFAULT_HANG = 240  # seconds before a subprocess counts as hung (pytest stops at 300)


def huge_label() -> str:
    label = "a" * HUGE
    return (
        "<https://w3id.org/muskgraph/id/huge> <http://www.w3.org/2000/01/rdf-schema#label> "
        f'"{label}"@en .\n'
    )


def huge_comment() -> str:
    return f'\nkg:spacex rdfs:comment "{"a" * HUGE}"@en .\n'


LONG_TERM = 17 * 1024 * 1024  # characters: past the 16 MiB Oxigraph's parsers read at once
SEE_ALSO = "<http://www.w3.org/2000/01/rdf-schema#seeAlso>"
SPACEX = "<https://w3id.org/muskgraph/id/spacex>"


def huge_term_ntriples() -> str:
    return f'{SPACEX} {SEE_ALSO} "a" .\n{SPACEX} {SEE_ALSO} "{"a" * LONG_TERM}" .\n'


def huge_term_turtle() -> str:
    return f'\n{SPACEX} {SEE_ALSO} """\n{"a" * LONG_TERM}""" .\n'


def deep_blank_nodes() -> str:
    levels = 20_000
    return f"\n{SPACEX} {SEE_ALSO} {f'[ {SEE_ALSO} ' * levels}{SPACEX}{' ]' * levels} .\n"


def deep_list() -> str:
    return f"{SPACEX} {SEE_ALSO} {'( ' * 3000}{SPACEX}{' )' * 3000} .\n"


def deep_jsonld() -> str:
    levels = 20_000
    return '{"@id": "https://w3id.org/muskgraph/id/spacex", ' + (
        f'"{SEE_ALSO[1:-1]}": {{' * levels + '"@value": "a"' + "}" * levels + "}"
    )


RDF_XML = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
)


def deep_rdfxml() -> str:
    levels = 20_000
    nested = (
        "<rdfs:seeAlso><rdf:Description>" * levels + "</rdf:Description></rdfs:seeAlso>" * levels
    )
    return f'{RDF_XML}<rdf:Description rdf:about="urn:a">{nested}</rdf:Description></rdf:RDF>'


def entity_amplification() -> str:
    """One 100 KB entity referenced 2,000 times: 200 MB from a file of 106 KB."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "{"a" * 100_000}">]>\n'
        f'{RDF_XML}<rdf:Description rdf:about="urn:a"><rdfs:label>{"&a;" * 2000}</rdfs:label>'
        "</rdf:Description></rdf:RDF>"
    )


GENERATORS = {
    "huge-label": huge_label,
    "huge-comment": huge_comment,
    "huge-term-ntriples": huge_term_ntriples,
    "huge-term-turtle": huge_term_turtle,
    "deep-blank-nodes": deep_blank_nodes,
    "deep-list": deep_list,
    "deep-jsonld": deep_jsonld,
    "deep-rdfxml": deep_rdfxml,
    "entity-amplification": entity_amplification,
}


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    crash: str = ""  # an exception CliRunner caught, with its traceback


def place(inputs: list[dict[str, Any]], project: Path, scratch: Path) -> Path | None:
    """Put each input where the case says; return where the first one went."""
    first = None
    for spec in inputs:
        if "append" in spec:
            target = project / spec["append"]
        elif "to" in spec:
            target = project / spec["to"]
        else:
            target = scratch / spec["tmp"]
        if "file" in spec:
            data = (BAD_INPUTS / spec["file"]).read_bytes()
        elif "generate" in spec:
            data = GENERATORS[spec["generate"]]().encode("utf-8")
        else:
            data = None
        if spec.get("delete"):
            target.unlink()
        elif spec.get("mkdir"):
            target.mkdir(parents=True)
        elif spec.get("fifo"):
            os.mkfifo(target)
        elif "symlink" in spec:
            target.symlink_to(target.parent / spec["symlink"])
        elif "append" in spec:
            with target.open("ab") as file:
                file.write(data)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if "chmod" in spec:
            target.chmod(int(spec["chmod"], 8))
        first = first or target
    return first


def chmod_stops_reading(directory: Path) -> bool:
    """Whether a file with mode 000 is unreadable here (not for root, as in CI)."""
    probe = directory / "chmod-probe"
    probe.write_text("x", encoding="utf-8")
    probe.chmod(0)
    try:
        probe.read_bytes()
    except PermissionError:
        return True
    finally:
        probe.chmod(0o600)
        probe.unlink()
    return False


def expand(text: str, names: dict[str, str], regex: bool = False) -> str:
    for name, value in names.items():
        text = text.replace("{" + name + "}", re.escape(value) if regex else value)
    return text


def run_subprocess(project: Path, args: list[str], hang_after: float) -> Outcome:
    try:
        done = run_muskgraph(project, args, hang_after)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`muskgraph {' '.join(args)[:200]}` hangs: still running after {hang_after} s")
    decode = lambda data: data.decode("utf-8", errors="backslashreplace")  # noqa: E731
    return Outcome(done.returncode, decode(done.stdout), decode(done.stderr))


def run_cli(cli, args: list[str]) -> Outcome:
    result = cli(*args)
    crash = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = "".join(traceback.format_exception(*result.exc_info))
    return Outcome(result.exit_code, result.stdout, result.stderr, crash)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_bad_input(case: dict[str, Any], cli, project_copy: Path, tmp_path: Path) -> None:
    project = project_copy.resolve()
    scratch = (tmp_path / "scratch").resolve()
    scratch.mkdir()
    if any("chmod" in spec for spec in case["inputs"]) and not chmod_stops_reading(scratch):
        pytest.skip("chmod 000 does not stop this user (root) reading files")

    built = cli("build")
    assert built.exit_code == 0, built.output
    before = snapshot(project / "out")
    where = place(case["inputs"], project, scratch)
    names = {"tmp": str(scratch), "project": str(project)}
    if where is not None:
        names = {"file_uri": where.as_uri(), "file": str(where), **names}
    args = [expand(arg, names) for arg in case["args"]]

    if case.get("subprocess"):
        outcome = run_subprocess(project, args, case.get("hang_after", DEFAULT_HANG))
    else:
        outcome = run_cli(cli, args)
    shown = f"$ muskgraph {' '.join(args)[:300]}\n--- stdout:\n{outcome.stdout[:3000]}\n" + (
        f"--- stderr:\n{outcome.stderr[:3000]}\n{outcome.crash}"
    )

    assert not outcome.crash, shown
    assert "Traceback" not in outcome.stdout + outcome.stderr, shown
    assert outcome.exit_code == case["exit"], shown
    assert outcome.stderr.endswith("\n"), shown
    lines = outcome.stderr[:-1].split("\n")
    assert len(lines) == case.get("stderr_lines", 1), shown
    assert not UNSAFE.search(outcome.stderr), f"control characters on stderr\n{shown}"
    assert re.fullmatch(expand(case["stderr"], names, regex=True), lines[-1]), shown
    if "stdout" in case:
        assert re.search(expand(case["stdout"], names, regex=True), outcome.stdout), shown
    if "stdout_lacks" in case:
        assert case["stdout_lacks"] not in outcome.stdout, shown
    if "written" in case:
        written = Path(expand(case["written"]["path"], names)).read_bytes().decode("utf-8")
        assert re.fullmatch(case["written"]["matches"], written), f"{written[:500]!r}\n{shown}"
        if case["written"].get("no_controls"):
            assert not UNSAFE.search(written), f"control characters in {written!r}\n{shown}"
    if case.get("out") != "changed":
        after = snapshot(project / "out")
        changed = sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
        if case["exit"] == 0:  # a query that ran is remembered by the sandbox
            changed = [name for name in changed if name != "sandbox.json"]
        assert not changed, f"out/ changed: {changed}\n{shown}"


def test_the_corpus_is_large_and_every_file_is_used() -> None:
    used = {spec["file"] for case in CASES for spec in case["inputs"] if "file" in spec}
    present = {path.name for path in BAD_INPUTS.iterdir()} - {"cases.json"}
    assert len(CASES) >= 40
    assert used == present, (sorted(present - used), sorted(used - present))
