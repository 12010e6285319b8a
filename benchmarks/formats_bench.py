"""Answers of every format written as they come, against the same answers formed whole.

    python -m benchmarks.formats_bench [--size 1M] [--repeat 1]

On a throw-away project with the generated graph loaded, `muskgraph query` answers the
transitive-control query in each format twice: with `--max-rows 0 --timeout 0` (written
as the rows come) and with `--max-rows 0 --timeout 3600` (formed whole first, so that a
stop at the time limit writes nothing). Each run is a whole process, measured as
`benchmarks.run` measures (wall time, peak RSS from os.wait4), its answer written with
`-o`. It prints both, checks that the two answers are the same bytes, and gives bare
pyoxigraph's CSV of the same query on the same store as the reference.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.run import (
    DEFAULT_CACHE,
    OX_COLD,
    QUERIES,
    Bench,
    Cell,
    Runner,
    _align,
    _mb,
    _seconds,
    parse_size,
    size_label,
)

FORMATS = ("csv", "tsv", "json", "xml", "table")
STREAMED = ("--max-rows", "0", "--timeout", "0")
WHOLE = ("--max-rows", "0", "--timeout", "3600")
QUERY = QUERIES / "transitive-control.rq"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def measure(bench: Bench, size: int, formats: Sequence[str]) -> list[tuple[str, ...]]:
    """Rows of the report: per format, each way's time and peak RSS, and the answer."""
    runner, out = bench.runner, bench.work / "answers"
    out.mkdir()
    bench.restore_project()
    runner.run(bench.muskgraph("load", str(bench.data(size))))
    rows = []
    reference, answer = Cell(), out / "pyoxigraph.csv"
    store = bench.project / "out" / "store"
    for _ in range(bench.repeat):
        runner.measure(reference, bench.script(OX_COLD, store, QUERY), stdout=answer)
    rows.append(("pyoxigraph, csv", _seconds(reference.wall), _mb(reference.rss), "", "", "",
                 f"{answer.stat().st_size / 1e6:,.1f} MB"))  # fmt: skip
    for fmt in formats:
        cells, digests, written = {}, {}, 0
        ways = {"streamed": STREAMED, "whole": WHOLE} if fmt != "table" else {"whole": WHOLE}
        for way, limits in ways.items():
            cells[way], answer = Cell(), out / f"{way}.{fmt}"
            argv = bench.muskgraph("query", str(QUERY), "--format", fmt, *limits, "-o", str(answer))
            for _ in range(bench.repeat):
                runner.measure(cells[way], argv)
            if cells[way].ok:
                digests[way], written = _digest(answer), answer.stat().st_size
            answer.unlink(missing_ok=True)
        streamed = cells.get("streamed")
        same = "-" if len(digests) < 2 else "yes" if len(set(digests.values())) == 1 else "NO"
        rows.append(
            (f"muskgraph, {fmt}",
             _seconds(streamed.wall) if streamed else "-", _mb(streamed.rss) if streamed else "-",
             _seconds(cells["whole"].wall), _mb(cells["whole"].rss), same,
             f"{written / 1e6:,.1f} MB")
        )  # fmt: skip
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.formats_bench")
    parser.add_argument("--size", type=parse_size, default=1_000_000, help="default: 1M")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (default: 1)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="default: all")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("-v", "--verbose", action="store_true", help="show every run")
    args = parser.parse_args(argv)
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="formats-", dir=args.cache_dir) as work:
        bench = Bench(Path(work), args.cache_dir, args.repeat, Runner(0, args.verbose))
        bench.make_project()
        rows = measure(bench, args.size, args.formats.split(","))
    header = ("answer", "streamed", "RSS", "whole", "RSS", "same bytes", "answer size")
    print(
        f"transitive control at {size_label(args.size)} triples, median of {args.repeat} "
        "run(s), peak RSS the largest"
    )
    print("\n".join(_align([header, *rows])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
