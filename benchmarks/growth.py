"""How cost grows with size: the table and the plot of docs/benchmarks.md's growth section.

    python -m benchmarks.growth out/bench/growth-small.json out/bench/growth-large.json \\
        [--svg docs/growth.svg]

Reads what `python -m benchmarks.run --json FILE` wrote (any number of files; a size
measured in two files is taken from the last), and prints, for load, transitive control
and the 3-hop join at each size: muskgraph's median wall time, microseconds per triple
of the graph in wall and CPU time, peak RSS, and the ratios to bare pyoxigraph; then,
per step, how far the cost per triple spreads from the smallest size to the largest, and
a verdict on each target. With --svg it also draws the CPU time per triple against the
size (log scale), muskgraph and bare pyoxigraph, as an SVG written with the standard
library: CPU time moves less than wall time when runs at different sizes meet a machine
shared differently.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.run import STEPS, _align, _mb, _seconds, size_label

GROWTH_STEPS = ("load", "transitive-control", "three-hop-join")
LABELS = dict(STEPS)
TOOLS = ("muskgraph", "pyoxigraph")
# Targets (issue "Flat cost from 100k to 10M triples").
MAX_SPREAD = 1.5  # muskgraph's cost per triple, largest size over smallest, per step
MAX_VS_PYOXIGRAPH = 1.2  # each step at each size
MAX_LOAD_RSS = 2_500_000_000  # the largest load, decimal bytes
COLOURS = {"load": "#1f77b4", "transitive-control": "#d62728", "three-hop-join": "#2ca02c"}


class Figure:
    """One tool's runs of one step at one size, as `benchmarks.run` recorded them."""

    def __init__(self, cell: dict) -> None:
        samples = cell["samples"] if cell.get("error") is None else []
        self.wall = statistics.median(s["wall"] for s in samples) if samples else None
        self.cpu = statistics.median(s["cpu"] for s in samples) if samples else None
        self.rss = max((s["rss"] for s in samples), default=None)
        self.runs = len(samples)


def read(paths: Sequence[Path]) -> dict[int, dict[str, dict[str, Figure]]]:
    """size -> step -> tool -> figure, from every file in turn."""
    sizes: dict[int, dict[str, dict[str, Figure]]] = {}
    for path in paths:
        document = json.loads(path.read_text(encoding="utf-8"))
        for size, steps in document["sizes"].items():
            sizes[int(size)] = {
                step: {tool: Figure(steps[step][tool]) for tool in TOOLS} for step in GROWTH_STEPS
            }
    return dict(sorted(sizes.items()))


def per_triple(figure: Figure, size: int, cpu: bool = False) -> float | None:
    """Microseconds (wall, or with `cpu` CPU) per triple of the graph."""
    seconds = figure.cpu if cpu else figure.wall
    return seconds / size * 1e6 if seconds else None


def _ratio(top: float | None, bottom: float | None) -> str:
    return f"{top / bottom:.2f}x" if top and bottom else "-"


def _cost(value: float | None) -> str:
    return f"{value:.2f}" if value else "-"


def table(sizes: dict[int, dict[str, dict[str, Figure]]]) -> str:
    header = ("size", "step", "runs", "muskgraph", "µs/triple", "cpu µs/triple", "peak RSS",
              "pyoxigraph", "µs/triple", "cpu µs/triple", "peak RSS", "mg/ox",
              "cpu mg/ox")  # fmt: skip
    rows = []
    for size, steps in sizes.items():
        for step in GROWTH_STEPS:
            mg, ox = steps[step]["muskgraph"], steps[step]["pyoxigraph"]
            rows.append(
                (size_label(size), LABELS[step], str(mg.runs),
                 _seconds(mg.wall), _cost(per_triple(mg, size)),
                 _cost(per_triple(mg, size, cpu=True)), _mb(mg.rss),
                 _seconds(ox.wall), _cost(per_triple(ox, size)),
                 _cost(per_triple(ox, size, cpu=True)), _mb(ox.rss),
                 _ratio(mg.wall, ox.wall), _ratio(mg.cpu, ox.cpu))
            )  # fmt: skip
    lines = _align([header, *rows])
    lines.append("")
    span = f"from {size_label(min(sizes))} to {size_label(max(sizes))}"
    for step in GROWTH_STEPS:
        for tool in TOOLS:
            for what, cpu in (("wall", False), ("cpu", True)):
                known = [c for s in sizes if (c := per_triple(sizes[s][step][tool], s, cpu))]
                if len(known) < 2:
                    continue
                lines.append(
                    f"{LABELS[step]}, {tool}, {what} µs per triple {span}: "
                    f"{' -> '.join(f'{c:.2f}' for c in known)} "
                    f"(largest over smallest {max(known) / min(known):.2f}x)"
                )
    return "\n".join(lines)


def verdicts(sizes: dict[int, dict[str, dict[str, Figure]]]) -> list[str]:
    """A line for each target: met or NOT MET, with its figures."""
    lines = []

    def verdict(target: str, met: bool, figures: str) -> None:
        lines.append(f"  {target}: {'met' if met else 'NOT MET'} ({figures})")

    span = f"from {size_label(min(sizes))} to {size_label(max(sizes))}"
    for step in GROWTH_STEPS:
        spreads = {}
        for what, cpu in (("wall", False), ("cpu", True)):
            known = [c for s in sizes if (c := per_triple(sizes[s][step]["muskgraph"], s, cpu))]
            spreads[what] = max(known) / min(known)
        verdict(f"{LABELS[step]}: µs per triple within {MAX_SPREAD}x {span}",
                spreads["wall"] <= MAX_SPREAD,
                f"wall {spreads['wall']:.2f}x, cpu {spreads['cpu']:.2f}x")  # fmt: skip
        ratios = {}
        for size in sizes:
            mg, ox = sizes[size][step]["muskgraph"], sizes[size][step]["pyoxigraph"]
            if mg.wall and ox.wall:
                ratios[size] = (mg.wall / ox.wall, mg.cpu / ox.cpu)
        shown = ", ".join(
            f"{size_label(s)} {wall:.2f}x (cpu {cpu:.2f}x)" for s, (wall, cpu) in ratios.items()
        )
        verdict(f"{LABELS[step]}: within {MAX_VS_PYOXIGRAPH}x of bare pyoxigraph at each size",
                all(wall <= MAX_VS_PYOXIGRAPH for wall, _ in ratios.values()), shown)  # fmt: skip
    largest = max(sizes)
    rss = sizes[largest]["load"]["muskgraph"].rss or 0
    verdict(f"{size_label(largest)} load: peak RSS at most {MAX_LOAD_RSS / 1e9:g} GB",
            0 < rss <= MAX_LOAD_RSS, _mb(rss))  # fmt: skip
    return lines


def svg(sizes: dict[int, dict[str, dict[str, Figure]]]) -> str:
    """Cost per triple against size on a log axis: muskgraph solid, pyoxigraph dashed."""
    width, height, left, right, top, bottom = 700, 400, 70, 230, 40, 50
    xs = [math.log10(s) for s in sizes]
    costs = [per_triple(f, s, cpu=True) for s, steps in sizes.items() for t in steps.values()
             for f in t.values()]  # fmt: skip
    ceiling = max(c for c in costs if c) * 1.1
    x0, x1 = min(xs), max(xs)

    def point(size: int, cost: float) -> tuple[float, float]:
        x = left + (math.log10(size) - x0) / ((x1 - x0) or 1) * (width - left - right)
        return x, top + (1 - cost / ceiling) * (height - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="22" font-size="14">CPU time per triple against size '
        "(median of each whole process)</text>",
    ]
    for tick in range(6):  # the cost axis
        cost = ceiling * tick / 5
        _, y = point(min(sizes), cost)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     'stroke="#ddd"/>')  # fmt: skip
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{cost:.1f}</text>')
    for size in sizes:  # the size axis
        x, _ = point(size, 0)
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                     f"{size_label(size)}</text>")  # fmt: skip
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 10}" '
                 'text-anchor="middle">triples in the graph (log scale)</text>')  # fmt: skip
    parts.append(f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 16 {(top + height - bottom) / 2})">'
                 "CPU µs per triple</text>")  # fmt: skip
    legend_y = top + 10
    for step in GROWTH_STEPS:
        for tool, dash in (("muskgraph", ""), ("pyoxigraph", ' stroke-dasharray="6 4"')):
            points = [
                point(s, c) for s in sizes if (c := per_triple(sizes[s][step][tool], s, cpu=True))
            ]
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            colour = COLOURS[step]
            parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"{dash}/>')  # fmt: skip
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
                      for x, y in points]  # fmt: skip
            lx = width - right + 15
            parts.append(f'<line x1="{lx}" y1="{legend_y}" x2="{lx + 25}" y2="{legend_y}" '
                         f'stroke="{colour}" stroke-width="2"{dash}/>')  # fmt: skip
            parts.append(f'<text x="{lx + 32}" y="{legend_y + 4}">'
                         f"{escape(LABELS[step])}, {tool}</text>")  # fmt: skip
            legend_y += 20
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.growth")
    parser.add_argument("results", nargs="+", type=Path, help="files of benchmarks.run --json")
    parser.add_argument("--svg", type=Path, help="also draw the cost per triple into this file")
    args = parser.parse_args(argv)
    sizes = read(args.results)
    print(table(sizes))
    print("\ntargets:", *verdicts(sizes), sep="\n")
    if args.svg:
        args.svg.write_text(svg(sizes), encoding="utf-8")
        print(f"wrote {args.svg}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
