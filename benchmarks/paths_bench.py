"""What `muskgraph paths` costs: many paths, and naming an end by label.

    python -m benchmarks.paths_bench                     # layers 6 x 7, ends named at 1M
    python -m benchmarks.paths_bench --triples 100k --repeat 1

Two measurements, each a whole process (benchmarks.run's Runner: wall time and peak RSS,
the median and the largest of --repeat runs):

- **Many paths.** A layered graph (kg:start, 7 layers of 6 business lines each feeding
  every line of the next, kg:end: 6 ** 7 = 279,936 paths of 8 hops) read with --data:
  the first 10 paths (--max-rows 10), and all of them (--max-rows 0) written to
  /dev/null.
- **Naming an end.** On a throw-away project with a generated graph of --triples loaded
  (benchmarks.generate, seed 1), the path between two business lines named by IRI, and
  the same named by their English labels.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from itertools import pairwise
from pathlib import Path

from benchmarks.generate import write as generate_file
from benchmarks.run import CHECKOUT, SEED, Runner, Sample, parse_size

WIDTH, LAYERS = 6, 7
# Two business lines of the generated graph (seed 1), two mg:feeds hops apart.
START, END = "kg:line-13", "kg:line-3"


def layered_turtle(width: int, layers: int) -> str:
    lines = [
        "@prefix kg: <https://w3id.org/muskgraph/id/> .",
        "@prefix mg: <https://w3id.org/muskgraph/ontology#> .",
    ]
    names = [
        ["kg:start"],
        *([f"kg:l{layer}-{i}" for i in range(width)] for layer in range(layers)),
        ["kg:end"],
    ]
    for above, below in pairwise(names):
        lines += [f"{a} mg:feeds {b} ." for a in above for b in below]
    return "\n".join(lines) + "\n"


def label_of(data: Path, node: str) -> str:
    """The English label of a kg: node in an N-Triples file."""
    iri = node.replace("kg:", "https://w3id.org/muskgraph/id/")
    marker = f'<{iri}> <http://www.w3.org/2000/01/rdf-schema#label> "'
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(marker) and line.rstrip().endswith("@en ."):
                return line[len(marker) :].rsplit('"@en', 1)[0]
    raise SystemExit(f"{node} has no English label in {data}")


def report(name: str, samples: list[Sample]) -> None:
    wall = statistics.median(s.wall for s in samples)
    rss = max(s.rss for s in samples)
    print(f"{name:<44} {wall:7.2f} s {rss / 1e6:7.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=parse_size, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=CHECKOUT / "out" / "bench")
    args = parser.parse_args(argv)
    runner = Runner(timeout=3600, verbose=False)
    python = [sys.executable, "-m", "graph"]
    limits = ["--timeout", "3600"]

    def measure(name: str, argv: list[str]) -> None:
        runner.run(argv)  # unmeasured: bytecode and page cache warm
        report(name, [runner.run(argv) for _ in range(args.repeat)])

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for folder in ("ontology", "queries", "seeds"):
            shutil.copytree(CHECKOUT / folder, work / "project" / folder)
        project = [*python, "--project", str(work / "project")]
        layers = work / "layers.ttl"
        layers.write_text(layered_turtle(WIDTH, LAYERS), encoding="utf-8")
        print(f"many paths: {WIDTH} x {LAYERS} layers, {WIDTH**LAYERS:,} paths of 8 hops")
        ends = ["paths", "kg:start", "kg:end", "--data", str(layers), *limits]
        measure("first 10 (--max-rows 10)", [*project, *ends, "--max-rows", "10"])
        measure("all (--max-rows 0, to /dev/null)", [*project, *ends, "--max-rows", "0"])

        data = args.cache_dir / f"bench-{args.triples}-seed{SEED}.nt"
        if not data.exists():
            args.cache_dir.mkdir(parents=True, exist_ok=True)
            generate_file(data, args.triples, SEED)
        runner.run([*project, "load", str(data)])
        print(f"naming the ends: {args.triples:,} triples loaded")
        measure(f"by IRI ({START} {END})", [*project, "paths", START, END, *limits])
        labels = [label_of(data, START), label_of(data, END)]
        measure("by English label", [*project, "paths", *labels, *limits])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
