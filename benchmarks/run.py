"""muskgraph against bare pyoxigraph and rdflib's memory store, on the same files.

    python -m benchmarks.run [--sizes 10k,100k,1M] [--repeat 3] [--skip-rdflib-above 100k]
    python -m benchmarks.run --smoke        # 10k, one repetition, no verdicts (CI)

For each size it generates the data once (`benchmarks.generate`, cached in out/bench/),
then times five steps with each tool: load the file, the transitive-control query, a
3-hop join, a Turtle export, and a drawing of about 10,000 nodes. Every measured step is a
whole process (interpreter start, imports and all), run --repeat times, interleaved tool
by tool so that a busy machine slows all three alike. It prints the median wall time of
each, the ratios, and each tool's peak RSS (ru_maxrss from os.wait4: the process and the
children it waited for). It also times `muskgraph query vertical-integration` on a fresh
project against `python -c "import click, pyoxigraph"` and against a bare pyoxigraph
script running the same query file on the same store (cold start), and gives a verdict on
each target at 1M triples. docs/benchmarks.md says what each figure contains.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from benchmarks.generate import write as generate_file
from graph.prefixes import PREFIXES

CHECKOUT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "queries"
DEFAULT_CACHE = CHECKOUT / "out" / "bench"
SEED = 1
TOOLS = ("muskgraph", "pyoxigraph", "rdflib")
# (key, label in the table); the two queries are the files of the same name in QUERIES.
STEPS = (
    ("load", "load"),
    ("transitive-control", "transitive control"),
    ("three-hop-join", "3-hop join"),
    ("export", "Turtle export"),
    ("render", "render 10k nodes"),
)
QUERY_STEPS = ("transitive-control", "three-hop-join")
LOAD_AND_QUERIES = "load + both queries"
PARSE_ROW = "rdflib parse (in each step)"
COLD_ROWS = (
    "muskgraph query vertical-integration",
    'python -c "import click, pyoxigraph"',
    "pyoxigraph: open out/store, the same query",
)
RENDER_QUERY = QUERIES / "render-10k.rq"
RENDER_TITLE = "Which company controls which, among the first 10,000 companies?"
COLD_QUERY = "vertical-integration"
# Targets at 1M triples (issue "Fast at any size").
TARGET_SIZE = 1_000_000
MAX_VS_PYOXIGRAPH = 1.25
MIN_VS_RDFLIB = 8.0
MAX_EXPORT_VS_DUMP = 1.5
MAX_RSS_BYTES = 1_000_000_000  # 1 GB, decimal
MAX_COLD_START = 1.5  # against importing click and pyoxigraph
MAX_COLD_VS_SCRIPT = 1.6  # against the bare pyoxigraph script
# muskgraph's query limits would refuse the 708,000 rows of transitive control at 1M and
# stop a slow run after 30 s: both off, which is also how a user asks for an answer to be
# written as it comes (bare pyoxigraph's script writes it as it comes too).
LIMITS = ("--timeout", "0", "--max-rows", "0")

# Bare pyoxigraph and rdflib: one small script per step, run as `python -c SCRIPT ARGS`.
# Each reports the times of its phases on stderr, on a line that starts with "BENCH ".
_REPORT = (
    "import json, sys\ndef report(**t):\n    print('BENCH ' + json.dumps(t), file=sys.stderr)\n"
)
OX_LOAD = (
    _REPORT
    + """
import time, pyoxigraph as ox
store_dir, data, graph = sys.argv[1:4]
start = time.perf_counter()
store = ox.Store(store_dir)
store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
store.flush()
store.optimize()  # as muskgraph's load does: from 5M on, bulk loads leave files to merge
report(work=time.perf_counter() - start)
"""
)
OX_QUERY = (
    _REPORT
    + """
import time, pyoxigraph as ox
store_dir, query = sys.argv[1:3]
start = time.perf_counter()
store = ox.Store.read_only(store_dir)
with open(query, encoding="utf-8") as file:
    result = store.query(file.read(), use_default_graph_as_union=True)
result.serialize(sys.stdout.buffer, format=ox.QueryResultsFormat.CSV)
sys.stdout.flush()
report(work=time.perf_counter() - start)
"""
)
# The cold start's reference: the least a script does to answer the same query file.
OX_COLD = """
import sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as file:
    result = store.query(file.read(), use_default_graph_as_union=True)
result.serialize(sys.stdout.buffer, format=ox.QueryResultsFormat.CSV)
"""
OX_EXPORT = (
    _REPORT
    + """
import time, pyoxigraph as ox
store_dir, graph, output, prefixes = sys.argv[1:5]
start = time.perf_counter()
store = ox.Store.read_only(store_dir)
store.dump(output, format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(graph),
           prefixes=json.loads(prefixes))
report(work=time.perf_counter() - start)
"""
)
# Drawing is muskgraph's own code (graph.render) in every column: the columns differ in
# how the CONSTRUCT is answered and handed to it. The styling schema is the ontology, as
# `muskgraph render --query` uses.
_DRAW = """
def to_rdflib(term):
    from rdflib import BNode, Literal, URIRef
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    datatype = term.datatype.value
    plain = term.language or datatype.endswith(("#string", "#langString"))
    return Literal(term.value, lang=term.language, datatype=None if plain else datatype)

def draw(graph, title, ontology_dir, output):
    from pathlib import Path
    from rdflib import Graph
    from graph.render import render_construct
    schema = Graph()
    for path in sorted(Path(ontology_dir).glob("*.ttl")):
        if path.name != "shapes.ttl":
            schema.parse(path, format="turtle")
    html = render_construct(graph, title, schema=schema)
    Path(output).write_text(html, encoding="utf-8")
"""
OX_RENDER = (
    _REPORT
    + _DRAW
    + """
import time, pyoxigraph as ox
store_dir, query, title, ontology_dir, output = sys.argv[1:6]
start = time.perf_counter()
store = ox.Store.read_only(store_dir)
with open(query, encoding="utf-8") as file:
    triples = store.query(file.read(), use_default_graph_as_union=True)
drawn = {tuple(map(to_rdflib, (t.subject, t.predicate, t.object))) for t in triples}
draw(drawn, title, ontology_dir, output)
report(work=time.perf_counter() - start, triples=len(drawn))
"""
)
# rdflib's memory store (one Graph: its fastest way to hold one file) keeps nothing
# between processes, so every step parses the file first; the parse is timed apart.
_RDFLIB_PARSE = """
import time
from rdflib import Graph
data = sys.argv[1]
start = time.perf_counter()
graph = Graph()
graph.parse(data, format="nt")
parsed = time.perf_counter()
"""
RDFLIB_LOAD = _REPORT + _RDFLIB_PARSE + "report(parse=parsed - start, triples=len(graph))\n"
RDFLIB_QUERY = (
    _REPORT
    + _RDFLIB_PARSE
    + """
with open(sys.argv[2], encoding="utf-8") as file:
    result = graph.query(file.read())
result.serialize(destination=sys.stdout.buffer, format="csv")
sys.stdout.flush()
report(parse=parsed - start, work=time.perf_counter() - parsed)
"""
)
RDFLIB_EXPORT = (
    _REPORT
    + _RDFLIB_PARSE
    + """
for prefix, namespace in json.loads(sys.argv[3]).items():
    graph.bind(prefix, namespace, override=True)
graph.serialize(destination=sys.argv[2], format="turtle")
report(parse=parsed - start, work=time.perf_counter() - parsed)
"""
)
RDFLIB_RENDER = (
    _REPORT
    + _DRAW
    + _RDFLIB_PARSE
    + """
query, title, ontology_dir, output = sys.argv[2:6]
with open(query, encoding="utf-8") as file:
    drawn = graph.query(file.read()).graph
draw(drawn, title, ontology_dir, output)
report(parse=parsed - start, work=time.perf_counter() - parsed, triples=len(drawn))
"""
)


class StepFailed(Exception):
    """A measured process exited with an error or ran out of time."""


@dataclass
class Sample:
    """One run of one process."""

    wall: float  # seconds, from just before the fork to just after the wait
    cpu: float  # user + system seconds, children included
    rss: int  # peak resident set, bytes (the largest of the process and its children)
    phases: dict[str, float] = field(default_factory=dict)  # what the script reported


@dataclass
class Cell:
    """One tool's runs of one step at one size."""

    samples: list[Sample] = field(default_factory=list)
    error: str | None = None
    answer: int | None = None  # rows or triples the step produced, to compare the tools

    @property
    def wall(self) -> float | None:
        return statistics.median(s.wall for s in self.samples) if self.ok else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(s.cpu for s in self.samples) if self.ok else None

    @property
    def rss(self) -> int | None:
        return max(s.rss for s in self.samples) if self.samples else None

    def phase(self, name: str) -> float | None:
        values = [s.phases[name] for s in self.samples if name in s.phases]
        return statistics.median(values) if self.ok and values else None

    @property
    def ok(self) -> bool:
        return bool(self.samples) and self.error is None


def parse_size(text: str) -> int:
    """`10k`, `100k`, `1M`, `250_000` -> a number of triples."""
    match = re.fullmatch(r"\s*([\d_]+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 10k, 100k or 1M")
    number, unit = match.groups()
    return int(float(number.replace("_", "")) * {"": 1, "k": 10**3, "m": 10**6}[unit.lower()])


def size_label(size: int) -> str:
    for unit, factor in (("M", 10**6), ("k", 10**3)):
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size:,}"


def _environment() -> dict[str, str]:
    """The children's environment: Python may cache bytecode, as an installed package has
    it (the first, unmeasured run of each command writes it)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("MUSKGRAPH_PROJECT", None)
    return env


class Runner:
    """Runs processes and measures them."""

    def __init__(self, timeout: float, verbose: bool) -> None:
        self.timeout = timeout
        self.verbose = verbose
        self.env = _environment()

    def run(
        self, argv: Sequence[str], stdout: Path | None = None, exits: tuple[int, ...] = (0,)
    ) -> Sample:
        with (
            open(stdout or os.devnull, "wb") as out,
            tempfile.TemporaryFile() as err,
        ):
            start = time.perf_counter()
            process = subprocess.Popen(
                list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                cwd=CHECKOUT, env=self.env,
            )  # fmt: skip
            expired = threading.Event()

            def stop() -> None:
                expired.set()
                process.kill()

            timer = threading.Timer(self.timeout, stop) if self.timeout else None
            if timer:
                timer.start()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            if timer:
                timer.cancel()
            process.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            messages = err.read().decode("utf-8", errors="replace")
        if expired.is_set():
            raise StepFailed(f"stopped after {self.timeout:g} s")
        if process.returncode not in exits:
            tail = "\n".join(messages.strip().splitlines()[-5:])
            raise StepFailed(f"exit status {process.returncode}: {tail}")
        phases = {}
        for line in messages.splitlines():
            if line.startswith("BENCH "):
                phases = json.loads(line[len("BENCH ") :])
        return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, phases)

    def measure(
        self,
        cell: Cell,
        argv: Sequence[str],
        stdout: Path | None = None,
        exits: tuple[int, ...] = (0,),
    ) -> None:
        """One more sample for `cell`; a failure is recorded and ends the cell's runs."""
        if cell.error is not None:
            return
        try:
            cell.samples.append(self.run(argv, stdout, exits))
        except StepFailed as error:
            cell.error = str(error)
        if self.verbose:
            last = f"{cell.samples[-1].wall:.2f} s" if cell.ok else f"failed ({cell.error})"
            print(f"  {' '.join(_short(a) for a in argv[:6])} ... {last}", file=sys.stderr)


def _short(arg: str) -> str:
    if "\n" in arg:
        return "<script>"
    return arg if len(arg) <= 60 else arg[:57] + "..."


def _count_rows(path: Path) -> int:
    """Rows of a CSV results file (the generated data has no line breaks in values)."""
    with path.open("rb") as file:
        return max(
            sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b"")) - 1, 0
        )


def _count_triples(path: Path) -> int:
    import pyoxigraph as ox

    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


class Bench:
    """One benchmark run: a throw-away project, the data, and the measurements."""

    def __init__(self, work: Path, cache: Path, repeat: int, runner: Runner) -> None:
        self.work, self.cache, self.repeat, self.runner = work, cache, repeat, runner
        self.project = work / "project"
        self.pristine = work / "project-out"  # the built project's out/, before any load
        self.python = sys.executable

    def muskgraph(self, *args: str) -> list[str]:
        return [self.python, "-m", "graph", "--project", str(self.project), *args]

    def script(self, code: str, *args: object) -> list[str]:
        return [self.python, "-c", code, *(str(a) for a in args)]

    def make_project(self) -> None:
        """Copy the project's data directories and build it once (unmeasured)."""
        for name in ("ontology", "queries", "seeds"):
            shutil.copytree(CHECKOUT / name, self.project / name)
        self.runner.run(self.muskgraph("build"))
        shutil.copytree(self.project / "out", self.pristine)

    def restore_project(self) -> None:
        shutil.rmtree(self.project / "out")
        shutil.copytree(self.pristine, self.project / "out")

    def data(self, size: int) -> Path:
        path = self.cache / f"bench-{size}-seed{SEED}.nt"
        if not path.exists():
            print(f"generating {path} ...", file=sys.stderr)
            generate_file(path, size, SEED)
        return path

    def cold_start(self, repeat: int) -> dict[str, Cell]:
        """`muskgraph query vertical-integration` on the fresh project against importing
        its two dependencies and against a bare pyoxigraph script answering the same query
        file from the same store, run in turn, after one unmeasured run of each (bytecode
        and page cache warm, the query's parse remembered by the sandbox)."""
        self.restore_project()
        store = self.project / "out" / "store"
        query = self.project / "queries" / f"{COLD_QUERY}.rq"
        commands = {
            COLD_ROWS[0]: self.muskgraph("query", COLD_QUERY),
            COLD_ROWS[1]: [self.python, "-c", "import click, pyoxigraph"],
            COLD_ROWS[2]: self.script(OX_COLD, store, query),
        }
        cells = {name: Cell() for name in commands}
        for argv in commands.values():
            self.runner.run(argv)
        for _ in range(repeat):
            for name, argv in commands.items():
                self.runner.measure(cells[name], argv)
        return cells

    def in_turns(
        self,
        row: dict[str, Cell],
        commands: dict[str, list[str]],
        outputs: dict[str, Path],
        count: Callable[[Path], int],
        to_stdout: bool = False,
    ) -> None:
        """Each tool's command --repeat times, the first tool rotating; then what each
        answered, counted in its output file (written by the command, or its stdout)."""
        for turn in range(self.repeat):
            for tool in _rotated(list(row), turn):
                stdout = outputs[tool] if to_stdout else None
                self.runner.measure(row[tool], commands[tool], stdout)
        for tool, cell in row.items():
            if cell.ok:
                cell.answer = count(outputs[tool])
            outputs[tool].unlink(missing_ok=True)

    def measure_size(
        self, size: int, with_rdflib: bool, steps: Sequence[str]
    ) -> dict[str, dict[str, Cell]]:
        """Every step in `steps` (the load always: the other steps read its store); a step
        left out keeps empty cells, shown as skipped."""
        data = self.data(size)
        graph = data.resolve().as_uri()
        tools = TOOLS if with_rdflib else TOOLS[:2]
        cells = {key: {tool: Cell() for tool in tools} for key, _ in STEPS}
        ox_store = self.work / "ox-store"
        out = self.work / "out"
        out.mkdir(exist_ok=True)
        prefixes = json.dumps(PREFIXES)
        ontology = self.project / "ontology"

        commands = {
            "muskgraph": self.muskgraph("load", str(data)),
            "pyoxigraph": self.script(OX_LOAD, ox_store, data, graph),
            "rdflib": self.script(RDFLIB_LOAD, data),
        }
        for turn in range(self.repeat):  # each load into a fresh store
            self.restore_project()
            shutil.rmtree(ox_store, ignore_errors=True)
            for tool in _rotated(tools, turn):
                self.runner.measure(cells["load"][tool], commands[tool])
        if with_rdflib and cells["load"]["rdflib"].ok:
            cells["load"]["rdflib"].answer = cells["load"]["rdflib"].samples[-1].phases["triples"]

        for key in (key for key in QUERY_STEPS if key in steps):
            query = QUERIES / f"{key}.rq"
            results = {tool: out / f"{key}-{tool}.csv" for tool in TOOLS}
            commands = {
                "muskgraph": self.muskgraph("query", str(query), "--format", "csv", *LIMITS),
                "pyoxigraph": self.script(OX_QUERY, ox_store, query),
                "rdflib": self.script(RDFLIB_QUERY, data, query),
            }
            self.in_turns(cells[key], commands, results, _count_rows, to_stdout=True)

        if "export" in steps:
            self.measure_export(cells["export"], data, graph, prefixes)
        if "render" in steps:
            self.measure_render(cells["render"], data, ontology)
        shutil.rmtree(ox_store, ignore_errors=True)
        return cells

    def measure_export(self, row: dict[str, Cell], data: Path, graph: str, prefixes: str) -> None:
        ox_store, out = self.work / "ox-store", self.work / "out"
        exports = {tool: out / f"export-{tool}.ttl" for tool in TOOLS}
        commands = {
            "muskgraph": self.muskgraph(
                "export", "--format", "ttl", "-o", str(exports["muskgraph"])
            ),
            "pyoxigraph": self.script(OX_EXPORT, ox_store, graph, exports["pyoxigraph"], prefixes),
            "rdflib": self.script(RDFLIB_EXPORT, data, exports["rdflib"], prefixes),
        }
        self.in_turns(row, commands, exports, _count_triples)

    def measure_render(self, row: dict[str, Cell], data: Path, ontology: Path) -> None:
        ox_store, out = self.work / "ox-store", self.work / "out"
        pages = {tool: out / f"render-{tool}.html" for tool in TOOLS}
        title = RENDER_TITLE
        commands = {
            "muskgraph": self.muskgraph(
                "render", "--query", str(RENDER_QUERY), "-o", str(pages["muskgraph"]), *LIMITS[:2]
            ),
            "pyoxigraph": self.script(
                OX_RENDER, ox_store, RENDER_QUERY, title, ontology, pages["pyoxigraph"]
            ),
            "rdflib": self.script(
                RDFLIB_RENDER, data, RENDER_QUERY, title, ontology, pages["rdflib"]
            ),
        }
        self.in_turns(row, commands, pages, _count_nodes)


def _rotated(tools: Sequence[str], turn: int) -> list[str]:
    """The tools in the order of this turn: each goes first in turn."""
    start = turn % len(tools)
    return [*tools[start:], *tools[:start]]


def _count_nodes(page: Path) -> int:
    """Nodes drawn in a page: each node item carries its family."""
    return page.read_text(encoding="utf-8").count('"family":')


# --- the report ------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 10:
        return f"{value:.2f} s"
    return f"{value:.1f} s" if value < 100 else f"{value:,.0f} s"


def _ratio(top: float | None, bottom: float | None) -> str:
    return f"{top / bottom:.2f}x" if top and bottom else "-"


def _mb(value: int | None) -> str:
    return f"{value / 1e6:,.0f} MB" if value else "-"


def load_and_queries(cells: dict[str, dict[str, Cell]]) -> dict[str, float | None]:
    """Load plus both queries. muskgraph and pyoxigraph: the sum of the three steps'
    medians (three processes, the store on disk between them). rdflib: its load step
    (process, imports, parse) plus the medians of the two queries' own work, after their
    parse: one parse for all, as if it ran in one process, which favours rdflib."""
    steps = ("load", *QUERY_STEPS)
    total: dict[str, float | None] = {}
    for tool in ("muskgraph", "pyoxigraph"):
        walls = [cells[s][tool].wall for s in steps]
        total[tool] = sum(walls) if None not in walls else None
    if "rdflib" in cells["load"]:
        parts = [cells["load"]["rdflib"].wall] + [
            cells[s]["rdflib"].phase("work") for s in QUERY_STEPS
        ]
        total["rdflib"] = sum(parts) if None not in parts else None
    return total


def _cell_text(cell: Cell | None) -> str:
    if cell is None or not (cell.samples or cell.error):
        return "skipped"
    return _seconds(cell.wall) if cell.ok else "failed"


def table(size: int, cells: dict[str, dict[str, Cell]], repeat: int, data: Path) -> str:
    header = (
        "step", "muskgraph", "pyoxigraph", "rdflib", "mg/ox", "rdflib/mg", "cpu mg/ox",
        "RSS mg", "RSS ox", "RSS rdflib",
    )  # fmt: skip
    rows = []
    for key, label in STEPS:
        row = cells[key]
        mg, ox, rl = row["muskgraph"], row["pyoxigraph"], row.get("rdflib")
        rows.append(
            (
                label,
                _cell_text(mg),
                _cell_text(ox),
                _cell_text(rl),
                _ratio(mg.wall, ox.wall),
                _ratio(rl.wall if rl else None, mg.wall),
                _ratio(mg.cpu, ox.cpu),
                _mb(mg.rss),
                _mb(ox.rss),
                _mb(rl.rss if rl else None),
            )
        )
    total = load_and_queries(cells)
    mg, ox, rl = total["muskgraph"], total["pyoxigraph"], total.get("rdflib")
    rss = {
        tool: max((cells[s][tool].rss or 0 for s in ("load", *QUERY_STEPS)), default=0)
        for tool in TOOLS
        if tool in cells["load"]
    }
    rows.append(
        (
            LOAD_AND_QUERIES,
            _seconds(mg),
            _seconds(ox),
            _seconds(rl) if "rdflib" in total else "skipped",
            _ratio(mg, ox),
            _ratio(rl, mg),
            "",
            _mb(rss.get("muskgraph")),
            _mb(rss.get("pyoxigraph")),
            _mb(rss.get("rdflib")),
        )
    )
    if "rdflib" in cells["load"]:
        parses = [s.phases["parse"] for k, _ in STEPS for s in cells[k]["rdflib"].samples]
        rows.append((PARSE_ROW, "", "", _seconds(statistics.median(parses) if parses else None)))
    title = (
        f"{size_label(size)} triples ({data.stat().st_size / 1e6:,.1f} MB of N-Triples): "
        f"median of {repeat} run{'s' if repeat != 1 else ''}, peak RSS the largest"
    )
    lines = [title, *_align([header, *rows])]
    checks = []
    for key, label in STEPS:
        answers = {t: c.answer for t, c in cells[key].items() if c.answer is not None}
        if answers:
            what = {"load": "triples", "export": "triples", "render": "nodes"}.get(key, "rows")
            shown = ", ".join(f"{t} {n:,}" for t, n in answers.items())
            checks.append(f"  {label}: {what}: {shown}")
    lines += ["answers (muskgraph's store also holds the project's own graphs):", *checks]
    for key, label in STEPS:
        for tool, cell in cells[key].items():
            if cell.error:
                lines.append(f"FAILED {label} ({tool}): {cell.error}")
    return "\n".join(lines)


def _align(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) if i < len(row) else 0 for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            (row[i] if i < len(row) else "").rjust(widths[i]) for i in range(1, len(widths))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def pair_ratio(top: Cell, bottom: Cell) -> float | None:
    """The median of the ratios of runs taken in turn (the first of each, the second, …):
    a machine that slows down between pairs slows both sides of each."""
    if not (top.ok and bottom.ok):
        return None
    pairs = zip(top.samples, bottom.samples, strict=True)
    return statistics.median(a.wall / b.wall for a, b in pairs)


def _pair_text(ratio: float | None) -> str:
    return f"{ratio:.2f}x" if ratio else "-"


def _ms(value: float | None) -> str:
    return f"{value * 1000:.1f} ms" if value else "-"


def cold_table(cells: dict[str, Cell], repeat: int) -> str:
    mg = cells[COLD_ROWS[0]]
    rows = [("cold start", "median", "mg/this", "cpu mg/this", "peak RSS")]
    for name in COLD_ROWS:
        cell = cells[name]
        cpu = mg.cpu / cell.cpu if mg.cpu and cell.cpu else None
        rows.append(
            (name, _ms(cell.wall), _pair_text(pair_ratio(mg, cell)), _pair_text(cpu),
             _mb(cell.rss))
        )  # fmt: skip
    lines = [
        f"cold start on the fresh project: median of {repeat} runs in turn; mg/this is the "
        "median of the pairs' ratios",
        *_align(rows),
    ]
    lines += [f"FAILED {name}: {cells[name].error}" for name in COLD_ROWS if cells[name].error]
    return "\n".join(lines)


def verdicts(
    results: dict[int, dict[str, dict[str, Cell]]], cold: dict[str, Cell]
) -> list[tuple[str, bool | None, str]]:
    """(target, met or not or None when not measured, the figures) for each target."""
    size = TARGET_SIZE if TARGET_SIZE in results else max(results)
    at = size_label(size)
    cells = results[size]
    total = load_and_queries(cells)
    found: list[tuple[str, bool | None, str]] = []

    def check(target: str, value: float | None, ok, figures: str) -> None:
        found.append((target, None if value is None else bool(ok(value)), figures))

    mg, ox, rl = total["muskgraph"], total["pyoxigraph"], total.get("rdflib")
    ratio = mg / ox if mg and ox else None
    check(
        f"{at}: load + both queries within {MAX_VS_PYOXIGRAPH}x of bare pyoxigraph",
        ratio, lambda r: r <= MAX_VS_PYOXIGRAPH,
        f"{_ratio(mg, ox)}: {_seconds(mg)} against {_seconds(ox)}",
    )  # fmt: skip
    ratio = rl / mg if rl and mg else None
    check(
        f"{at}: load + both queries at least {MIN_VS_RDFLIB:g}x faster than rdflib",
        ratio, lambda r: r >= MIN_VS_RDFLIB,
        f"{_ratio(rl, mg)}: {_seconds(rl)} against {_seconds(mg)}"
        if rl else "rdflib not measured at this size",
    )  # fmt: skip
    mg_export, ox_export = cells["export"]["muskgraph"].wall, cells["export"]["pyoxigraph"].wall
    ratio = mg_export / ox_export if mg_export and ox_export else None
    check(
        f"{at}: Turtle export within {MAX_EXPORT_VS_DUMP}x of pyoxigraph's dump",
        ratio, lambda r: r <= MAX_EXPORT_VS_DUMP,
        f"{_ratio(mg_export, ox_export)}: {_seconds(mg_export)} against {_seconds(ox_export)}",
    )  # fmt: skip
    peaks = {label: cells[key]["muskgraph"].rss or 0 for key, label in STEPS}
    worst = max(peaks, key=peaks.get)
    check(
        f"{at}: muskgraph's peak RSS at most {MAX_RSS_BYTES / 1e9:g} GB",
        peaks[worst] or None, lambda r: r <= MAX_RSS_BYTES,
        f"{_mb(peaks[worst])} ({worst})",
    )  # fmt: skip
    mg, imports, script = (cold[name] for name in COLD_ROWS)
    for reference, limit, cell in (
        ("importing click and pyoxigraph", MAX_COLD_START, imports),
        ("a bare pyoxigraph script answering the same query", MAX_COLD_VS_SCRIPT, script),
    ):
        ratio = pair_ratio(mg, cell)
        check(
            f"cold start within {limit}x of {reference} (median of pair ratios)",
            ratio, lambda r, limit=limit: r <= limit,
            f"{_pair_text(ratio)}: {_ms(mg.wall)} against {_ms(cell.wall)}",
        )  # fmt: skip
    return found


def machine() -> dict[str, str]:
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as file:
            kib = int(next(line for line in file if line.startswith("MemTotal")).split()[1])
        memory = f"{kib * 1024 / 1e9:.1f} GB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = {}
    for package in ("pyoxigraph", "rdflib", "click", "pyvis"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cpus": str(os.cpu_count()),
        "memory": memory,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "load average at start": load,
    }


# --- the command -----------------------------------------------------------------------


def add_run_arguments(parser: argparse.ArgumentParser, sizes: str) -> None:
    """The options of every benchmark that times whole processes on generated data."""
    parser.add_argument(
        "--sizes",
        default=sizes,
        type=lambda text: [parse_size(part) for part in text.split(",") if part.strip()],
        help=f"comma-separated sizes in triples (default: {sizes})",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step (default: 3)")
    parser.add_argument(
        "--smoke", action="store_true", help="10k, one run, no verdicts: a check that it works"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help="where the generated data is kept (default: out/bench)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show every run")


def parse_run_arguments(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None
) -> argparse.Namespace:
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.repeat = [10_000], 1
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Time muskgraph against bare pyoxigraph and rdflib's memory store.",
    )
    add_run_arguments(parser, "10k,100k,1M")
    parser.add_argument(
        "--skip-rdflib-above",
        type=parse_size,
        metavar="SIZE",
        help="leave rdflib out of sizes above SIZE (default: run it at every size)",
    )
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    parser.add_argument(
        "--timeout",
        type=float,
        default=3600,
        help="stop a measured process after this many seconds (default: 3600; 0: never)",
    )
    parser.add_argument(
        "--steps",
        default=",".join(key for key, _ in STEPS),
        type=lambda text: [part.strip() for part in text.split(",") if part.strip()],
        help=f"comma-separated steps, of {', '.join(k for k, _ in STEPS)} (default: all); "
        "the load always runs: the other steps read its store",
    )
    args = parse_run_arguments(parser, argv)
    unknown = set(args.steps) - {key for key, _ in STEPS}
    if unknown:
        parser.error(f"unknown step(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    about = machine()
    print("machine: " + "; ".join(f"{k}: {v}" for k, v in about.items()))
    print(f"command: python -m benchmarks.run {' '.join(argv or sys.argv[1:])}".rstrip())
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    runner = Runner(args.timeout, args.verbose)
    results: dict[int, dict[str, dict[str, Cell]]] = {}
    cold_repeat = 3 if args.smoke else max(20, args.repeat)
    with tempfile.TemporaryDirectory(prefix="run-", dir=args.cache_dir) as work:
        bench = Bench(Path(work), args.cache_dir, args.repeat, runner)
        try:
            bench.make_project()
        except StepFailed as error:
            print(f"error: cannot build the throw-away project: {error}", file=sys.stderr)
            return 2
        cold = bench.cold_start(cold_repeat)
        for size in args.sizes:
            with_rdflib = args.skip_rdflib_above is None or size <= args.skip_rdflib_above
            print(f"\nmeasuring {size_label(size)} ...", file=sys.stderr)
            results[size] = bench.measure_size(size, with_rdflib, args.steps)
            print("\n" + table(size, results[size], args.repeat, bench.data(size)), flush=True)
    print("\n" + cold_table(cold, cold_repeat))
    about["load average at end"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at end: {about['load average at end']}")
    failed = any(c.error for r in results.values() for row in r.values() for c in row.values())
    failed = failed or any(c.error for c in cold.values())
    if not args.smoke:
        print("\ntargets:")
        for target, met, figures in verdicts(results, cold):
            state = "not measured" if met is None else "met" if met else "NOT MET"
            print(f"  {target}: {state} ({figures})")
    if args.json:
        document = {
            "machine": about,
            "argv": list(argv or sys.argv[1:]),
            "cold_start": {name: asdict(cell) for name, cell in cold.items()},
            "sizes": {
                str(size): {
                    key: {tool: asdict(cell) for tool, cell in row.items()}
                    for key, row in cells.items()
                }
                for size, cells in results.items()
            },
        }
        args.json.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
