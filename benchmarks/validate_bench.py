"""`muskgraph validate` against `muskgraph load` of the same generated graph, in one run.

    python -m benchmarks.validate_bench [--sizes 100k,1M] [--repeat 3] [--pyshacl-up-to 100k]
    python -m benchmarks.validate_bench --smoke        # 10k, one run, no verdict

For each size: a throw-away project (built once) into which `muskgraph load` loads the
generated file (benchmarks.generate), then `muskgraph validate` checks the project and
the loaded graph (whose events break the shapes: the generated data has no claims), with
the default engine and, up to --pyshacl-up-to, with `--engine pyshacl`, the reference.
Every step is a whole process, run --repeat times in turn, each repetition on a fresh
load. It prints the median wall and CPU time (user + system) of each, and the ratios to
the load of the same size measured in the same run: the target (issue 14) is validate
in at most 3 times the load's time at 1M triples.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.run import (
    Bench,
    Cell,
    Runner,
    add_run_arguments,
    machine,
    parse_run_arguments,
    parse_size,
    size_label,
)

TARGET_SIZE = 1_000_000
MAX_VS_LOAD = 3.0
ENGINES = ("oxigraph", "pyshacl")
NOT_CONFORMING = (0, 1)  # validate exits 1 when it finds problems


def measure_size(bench: Bench, size: int, with_pyshacl: bool) -> dict[str, Cell]:
    data = bench.data(size)
    steps = ["load", *(f"validate --engine {e}" for e in ENGINES[: 1 + with_pyshacl])]
    cells = {step: Cell() for step in steps}
    for _ in range(bench.repeat):
        bench.restore_project()
        bench.runner.measure(cells["load"], bench.muskgraph("load", str(data)))
        for step in steps[1:]:
            command = bench.muskgraph(*step.split())
            bench.runner.measure(cells[step], command, exits=NOT_CONFORMING)
    return cells


def table(size: int, cells: dict[str, Cell], repeat: int) -> str:
    load = cells["load"]
    lines = [
        f"{size_label(size)} triples (median of {repeat})",
        f"{'step':<28} {'wall':>9} {'CPU':>9} {'wall/load':>10} {'CPU/load':>9} {'peak RSS':>9}",
    ]
    for step, cell in cells.items():
        if not cell.ok:
            lines.append(f"{step:<28} failed: {cell.error}")
            continue
        wall_ratio = cell.wall / load.wall if load.ok else float("nan")
        cpu_ratio = cell.cpu / load.cpu if load.ok else float("nan")
        lines.append(
            f"{step:<28} {cell.wall:>7.2f} s {cell.cpu:>7.2f} s {wall_ratio:>9.2f}x "
            f"{cpu_ratio:>8.2f}x {(cell.rss or 0) / 1e6:>6.0f} MB"
        )
    return "\n".join(lines)


def verdict(cells: dict[str, Cell]) -> str:
    load, validate = cells["load"], cells[f"validate --engine {ENGINES[0]}"]
    if not (load.ok and validate.ok):
        return "not measured"
    wall, cpu = validate.wall / load.wall, validate.cpu / load.cpu
    met = wall <= MAX_VS_LOAD and cpu <= MAX_VS_LOAD
    return f"{'met' if met else 'NOT MET'} (wall {wall:.2f}x, CPU {cpu:.2f}x the load)"


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.validate_bench",
        description="Time muskgraph validate against muskgraph load of the same data.",
    )
    add_run_arguments(parser, "100k,1M")
    parser.add_argument(
        "--pyshacl-up-to",
        type=parse_size,
        default=100_000,
        metavar="SIZE",
        help="run validate --engine pyshacl up to SIZE triples (default: 100k)",
    )
    return parse_run_arguments(parser, argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    print("machine: " + "; ".join(f"{k}: {v}" for k, v in machine().items()))
    print(f"command: python -m benchmarks.validate_bench {' '.join(argv or sys.argv[1:])}")
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    runner = Runner(timeout=3600, verbose=args.verbose)
    results = {}
    with tempfile.TemporaryDirectory(prefix="validate-", dir=args.cache_dir) as work:
        bench = Bench(Path(work), args.cache_dir, args.repeat, runner)
        bench.make_project()
        for size in args.sizes:
            print(f"\nmeasuring {size_label(size)} ...", file=sys.stderr)
            results[size] = measure_size(bench, size, size <= args.pyshacl_up_to)
            print("\n" + table(size, results[size], args.repeat), flush=True)
    if not args.smoke and TARGET_SIZE in results:
        print(f"\ntarget: validate <= {MAX_VS_LOAD:g}x load at 1M: {verdict(results[TARGET_SIZE])}")
    failed = any(cell.error for cells in results.values() for cell in cells.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
