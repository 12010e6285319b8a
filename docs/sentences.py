"""The table of docs/model.md "The article, sentence by sentence", made from the build.

Run by cog (`cog -r docs/model.md`); a test checks that the page is current.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from graph.build import assemble
from graph.prefixes import compact
from graph.project import Project

_CLAIMS = """
PREFIX mg: <https://w3id.org/muskgraph/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?start ?s ?p ?o ?attribution ?modality WHERE {
  ?claim mg:evidence/oa:hasSelector ?position ;
         rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
         mg:attribution/skos:prefLabel ?attribution ; mg:modality/skos:prefLabel ?modality .
  ?position oa:start ?start .
  FILTER (lang(?attribution) = "en" && lang(?modality) = "en")
}
"""
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\u201c\"]?|$)", re.M)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(article: str = "spacex-xai-merger.de.txt") -> str:
    project = Project.locate(Path(__file__).resolve().parent.parent)
    text = (project.seeds_dir / article).read_text(encoding="utf-8")
    sentences = [
        (m.start(), m.end(), m.group().strip())
        for m in _SENTENCE.finditer(text)
        if m.group().strip()
    ]
    said: dict[int, list[str]] = {}
    for row in assemble(project).store.query(_CLAIMS, use_default_graph_as_union=True):
        start = int(row["start"].value)
        where = next(i for i, (first, last, _) in enumerate(sentences) if first <= start < last)
        obj = row["o"]
        shown = compact(obj.value) if isinstance(obj, ox.NamedNode) else f"\u201c{obj.value}\u201d"
        said.setdefault(where, []).append(
            f"{compact(row['s'].value)} {compact(row['p'].value)} {shown} "
            f"({row['attribution'].value}, {row['modality'].value})"
        )
    lines = ["| sentence | claims |", "| --- | --- |"]
    for i, (_, _, sentence) in enumerate(sentences):
        claims = "<br>".join(sorted(set(said.get(i, [])))) or "—"
        lines.append(f"| {_cell(sentence)} | {_cell(claims)} |")
    return "\n".join(lines) + "\n"
