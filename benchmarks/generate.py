"""Synthetic corporate empires as N-Triples, for benchmarks of muskgraph at scale.

    python -m benchmarks.generate --triples 1_000_000 --out out/bench-1m.nt [--seed 1]

The output holds exactly the requested number of triples, all distinct, with no blank
nodes, and is byte-identical for the same size and seed. It is streamed: memory does not
grow with the size. `benchmarks/README.md` describes what the data holds.

In Python: `generate(triples, seed)` yields the lines (each ends in a newline) and
`write(path, triples, seed)` writes them to a file.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from graph.prefixes import PREFIXES

MG, KG, RDF, RDFS = PREFIXES["mg"], PREFIXES["kg"], PREFIXES["rdf"], PREFIXES["rdfs"]
SCHEMA, TIME, XSD = PREFIXES["schema"], PREFIXES["time"], PREFIXES["xsd"]

CONTROLLERS = 4  # ultimate controllers: people at the top of one empire each
DEPTH = 8  # levels of companies under each controller: control paths have at most 8 hops
MIN_TRIPLES = 1_000

# How often each feature occurs, per company below the top of an empire.
P_STARTUP = 0.2  # the company is an mg:Startup rather than an mg:Company
P_PARENT_OWNS = 0.75  # the controlling parent also owns it
P_JOINT_CONTROL = 0.05  # a second company on the parent's level controls it too
P_STAKE = 0.1  # a company on the parent's level owns (a stake in) it ...
P_FOREIGN_STAKE = 0.3  # ... and that company belongs to another empire
P_ACQUIRED = 0.3  # the parent took control through an mg:Acquisition
P_INITIATED = 0.5  # the empire's controller initiated that acquisition
P_FOUNDED = 0.6  # a startup has a founder (a new person who owns it)
P_FEEDS = 0.7  # a business line feeds an earlier line of the same empire
LINES = (0.55, 0.85)  # business lines per company: 0 below the first, 1 below the second, else 2

ACQUISITION_TRIPLES = 12  # + 1 when initiated
LINE_TRIPLES = 4  # + 1 when it feeds another
FOUNDER_TRIPLES = 5
EXPECTED_TRIPLES_PER_COMPANY = (
    4  # type, two labels, controlled by the parent
    + P_PARENT_OWNS
    + P_JOINT_CONTROL
    + P_STAKE
    + P_ACQUIRED * (ACQUISITION_TRIPLES + P_INITIATED)
    + (LINES[1] - LINES[0] + 2 * (1 - LINES[1])) * (LINE_TRIPLES + P_FEEDS)
    + P_STARTUP * P_FOUNDED * FOUNDER_TRIPLES
)
# The plan sizes the empires for this share of the triples; the last empire's bottom level
# grows until the rest is used, so a plan that comes out a little large or small is fine.
PLANNED_SHARE = 0.97

FIRST_DAY = date(1995, 1, 1).toordinal()
LAST_DAY = date(2025, 12, 31).toordinal()


def _iri(namespace: str, name: str) -> str:
    return f"<{namespace}{name}>"


A = _iri(RDF, "type")
LABEL = _iri(RDFS, "label")
PERSON, COMPANY, STARTUP = (_iri(MG, name) for name in ("Person", "Company", "Startup"))
CONTROLS, OWNS = _iri(MG, "controls"), _iri(MG, "owns")
ACQUISITION, ACQUIRER, ACQUIRED = (
    _iri(MG, name) for name in ("Acquisition", "acquirer", "acquiredOrganization")
)
INITIATED_BY, AMOUNT = _iri(MG, "initiatedBy"), _iri(MG, "amount")
OPERATED_BY, FEEDS = _iri(MG, "operatedBy"), _iri(MG, "feeds")
FOUNDER = _iri(SCHEMA, "founder")
MONETARY_AMOUNT, VALUE, CURRENCY = (
    _iri(SCHEMA, name) for name in ("MonetaryAmount", "value", "currency")
)
HAS_TIME, INSTANT, IN_XSD_DATE = (_iri(TIME, name) for name in ("hasTime", "Instant", "inXSDDate"))
USD = '"USD"'

# Vocabulary for names; each seed shuffles it. (English, German) where they differ.
STEMS = (
    "Falcon", "Raptor", "Kestrel", "Merlin", "Dragon", "Starbase", "Boca Chica", "Hawthorne",
    "Grünheide", "Fremont", "Colossus", "Optimus", "Cortex", "Aurora", "Nova", "Orion", "Vega",
    "Polaris", "Sirius", "Zenith", "Nordlicht", "Sternwarte", "Gipfelstürmer", "Mühlenberg",
    "Löwenstein", "Bärental", "Eisvogel", "Äquator", "Überflug", "Weißdorn",
)  # fmt: skip
SECTORS = (
    ("Orbital Systems", "Orbitalsysteme"), ("Energy Storage", "Energiespeicher"),
    ("Neural Interfaces", "Neuronale Schnittstellen"), ("Tunnelling", "Tunnelbau"),
    ("Satellite Networks", "Satellitennetze"), ("Battery Materials", "Batteriewerkstoffe"),
    ("Autonomous Driving", "Autonomes Fahren"), ("Launch Services", "Startdienste"),
    ("Solar Roofs", "Solardächer"), ("Robotics", "Robotik"), ("Data Centres", "Rechenzentren"),
    ("Chip Design", "Chipentwicklung"), ("Mining", "Bergbau"), ("Logistics", "Logistik"),
    ("Media", "Medien"), ("Payments", "Zahlungsverkehr"),
)  # fmt: skip
FORMS = ("Inc.", "LLC", "Corp.", "Ltd", "GmbH", "AG", "SE", "S.A.")
HOLDING = ("Holdings", "Holding")
FIRST_NAMES = (
    "Anna", "Jürgen", "Björn", "Zoë", "Søren", "François", "Łukasz", "Ana", "Mia", "Kai",
    "Lena", "Tobias", "Chloé", "Mateo", "Priya", "Hiroshi", "Amara", "Inès", "Jörg", "Malte",
)  # fmt: skip
LAST_NAMES = (
    "Müller", "Schäfer", "Köhler", "Groß", "Weiß", "Brandt", "Novák", "Dvořák", "García",
    "Okafor", "Nakamura", "Lindqvist", "O'Neill", "Nguyen", "Fischer", "Krüger", "Hoffmann",
    "Bauer", "Zimmermann", "Østergaard",
)  # fmt: skip
NICKNAMES = ("Rocket", "Technoking", "Boss", "Chief Engineer", "Starman", "Captain")
NICKNAME_EN = '{first} "{nickname}" {last}'  # ASCII quotes: escaped in N-Triples
NICKNAME_DE = "{first} \u201e{nickname}\u201c {last}"  # German quotes: not escaped
P_NICKNAME = 0.05  # founders; every controller has one
# (class, English, German): the business lines a company may run.
LINE_KINDS = (
    ("LaunchServices", "launch services", "Startdienste"),
    ("SatelliteInternet", "satellite internet", "Satelliteninternet"),
    ("AIModels", "AI models", "KI-Modelle"),
    ("SocialMedia", "social media", "soziale Medien"),
    ("DataCentres", "data centres", "Rechenzentren"),
    ("OrbitalDataCentres", "orbital data centres", "Rechenzentren im Orbit"),
    ("BusinessLine", "battery cells", "Batteriezellen"),
    ("BusinessLine", "tunnel boring", "Tunnelbohrung"),
    ("BusinessLine", "brain-computer interfaces", "Gehirn-Computer-Schnittstellen"),
    ("BusinessLine", "humanoid robots", "humanoide Roboter"),
    ("BusinessLine", "solar roofs", "Solardächer"),
    ("BusinessLine", "electric vehicles", "Elektrofahrzeuge"),
    ("BusinessLine", "payments", "Zahlungsdienste"),
)

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def literal(text: str, language: str | None = None, datatype: str | None = None) -> str:
    """An N-Triples literal: `"text"@language`, `"text"^^<datatype>` or `"text"`.

    Escapes what N-Triples requires (backslash, double quote, line feed, carriage return)
    and nothing else, as canonical N-Triples does: other characters stay as UTF-8.
    """
    quoted = f'"{text.translate(_ESCAPES)}"'
    if language:
        return f"{quoted}@{language}"
    if datatype:
        return f"{quoted}^^<{datatype}>"
    return quoted


def _t(subject: str, predicate: str, obj: str) -> str:
    return f"{subject} {predicate} {obj} .\n"


def _labels(node: str, english: str, german: str) -> list[str]:
    return [_t(node, LABEL, literal(english, "en")), _t(node, LABEL, literal(german, "de"))]


def _company(k: int) -> str:
    return _iri(KG, f"company-{k}")


def _level_sizes(companies: int) -> list[int]:
    """Sizes of the DEPTH levels of one empire, growing by a constant ratio (1, r, r², …),
    each at least 1, adding up to about `companies`. Floats by + and * only, which IEEE
    rounds the same everywhere, so the plan does not depend on the platform's maths library.
    """
    low, high = 1.0, float(companies)
    for _ in range(60):
        ratio = (low + high) / 2
        total, size = 0.0, 1.0
        for _ in range(DEPTH):
            total, size = total + size, size * ratio
        low, high = (ratio, high) if total < companies else (low, ratio)
    sizes, size = [], 1.0
    for _ in range(DEPTH):
        sizes.append(max(1, round(size)))
        size *= low
    return sizes


class _Empires:
    """One run of the generator: the random stream, the plan and the counters.

    Companies are numbered in the order they are written: empire by empire, level by
    level, so each level of each empire is a range of numbers and any company on it can be
    picked without remembering anything else. Every unit refers only to nodes written
    before it (or in it), so every prefix of the units is a consistent graph.
    """

    def __init__(self, triples: int, seed: int) -> None:
        rng = self.rng = random.Random(seed)
        self.stems = rng.sample(STEMS, len(STEMS))
        self.sectors = rng.sample(SECTORS, len(SECTORS))
        self.forms = rng.sample(FORMS, len(FORMS))
        # Company k gets name number (k * stride + offset) mod names: a permutation, so
        # names repeat only after `names` companies, and then with a number added.
        self.names = len(STEMS) * len(SECTORS) * len(FORMS)
        self.stride = next(
            s for s in itertools.count(rng.randrange(self.names)) if math.gcd(s, self.names) == 1
        )
        self.offset = rng.randrange(self.names)
        companies = PLANNED_SHARE * triples / EXPECTED_TRIPLES_PER_COMPANY
        weights = [0.6 + 0.8 * rng.random() for _ in range(CONTROLLERS)]
        self.plan = [_level_sizes(max(DEPTH, int(companies * w / sum(weights)))) for w in weights]
        self.level_starts: list[list[int]] = []
        self.roots: dict[int, int] = {}  # company number of each empire's top -> empire
        self.companies = self.people = self.lines = self.acquisitions = 0

    def units(self) -> Iterator[list[str]]:
        """Groups of triples that belong together, in the order they are written."""
        for empire, sizes in enumerate(self.plan):
            controller, person = self.person(nickname=True)
            yield person
            starts: list[int] = []
            self.level_starts.append(starts)
            first_line = self.lines
            for level in range(DEPTH):
                starts.append(self.companies)
                open_ended = empire == CONTROLLERS - 1 and level == DEPTH - 1
                for _ in itertools.count() if open_ended else range(sizes[level]):
                    yield from self.company(empire, level, controller, first_line)

    def top_up(self, count: int) -> Iterator[str]:
        """`count` (fewer than the largest unit) more triples, each complete on its own:
        the first controller holds direct stakes in companies 1, 2, … (no unit writes
        those)."""
        assert count < self.companies - 1, "too few companies to top up"
        controller = _iri(KG, "person-0")
        for k in range(1, count + 1):
            yield _t(controller, OWNS, _company(k))

    def person(self, nickname: bool) -> tuple[str, list[str]]:
        rng, n = self.rng, self.people
        self.people += 1
        node = _iri(KG, f"person-{n}")
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if nickname:
            names = {"first": first, "nickname": rng.choice(NICKNAMES), "last": last}
            english, german = NICKNAME_EN.format(**names), NICKNAME_DE.format(**names)
        else:
            english = german = f"{first} {last}"
        return node, [_t(node, A, PERSON), *_labels(node, english, german)]

    def company_name(self, k: int) -> tuple[str, str]:
        """The (English, German) name of company k, computed from k alone."""
        if k in self.roots:
            stem = self.stems[self.roots[k] % len(self.stems)]
            return f"{stem} {HOLDING[0]}", f"{stem} {HOLDING[1]}"
        number = (k * self.stride + self.offset) % self.names
        stem = self.stems[number % len(self.stems)]
        number //= len(self.stems)
        english, german = self.sectors[number % len(self.sectors)]
        form = self.forms[number // len(self.sectors)]
        repeat = k // self.names
        suffix = f" {repeat + 1} {form}" if repeat else f" {form}"
        return f"{stem} {english}{suffix}", f"{stem} {german}{suffix}"

    def pick(self, empire: int, level: int, besides: int | None = None) -> int | None:
        """A random company on `level` of `empire` (other than `besides`, on that level)."""
        start, size = self.level_starts[empire][level], self.plan[empire][level]
        if besides is None:
            return start + self.rng.randrange(size)
        if size < 2:
            return None
        k = start + self.rng.randrange(size - 1)
        return k + 1 if k >= besides else k

    def company(
        self, empire: int, level: int, controller: str, first_line: int
    ) -> Iterator[list[str]]:
        rng, k = self.rng, self.companies
        self.companies += 1
        if level == 0:
            self.roots[k] = empire
        node, names = _company(k), self.company_name(k)
        startup = level > 0 and rng.random() < P_STARTUP
        core = [_t(node, A, STARTUP if startup else COMPANY), *_labels(node, *names)]
        parent = None
        if level == 0:
            core += [_t(controller, CONTROLS, node), _t(controller, OWNS, node)]
        else:
            parent = self.pick(empire, level - 1)
            core.append(_t(_company(parent), CONTROLS, node))
            if rng.random() < P_PARENT_OWNS:
                core.append(_t(_company(parent), OWNS, node))
            if rng.random() < P_JOINT_CONTROL:
                partner = self.pick(empire, level - 1, besides=parent)
                if partner is not None:
                    core.append(_t(_company(partner), CONTROLS, node))
            if rng.random() < P_STAKE:
                if empire and rng.random() < P_FOREIGN_STAKE:
                    holder = self.pick(rng.randrange(empire), level - 1)
                else:
                    holder = self.pick(empire, level - 1, besides=parent)
                if holder is not None:
                    core.append(_t(_company(holder), OWNS, node))
        yield core
        if parent is not None and rng.random() < P_ACQUIRED:
            yield self.acquisition(parent, k, names, controller)
        draw = rng.random()
        if draw >= LINES[0]:
            kind = rng.randrange(len(LINE_KINDS))
            yield self.line(node, names, kind, first_line)
            if draw >= LINES[1]:
                other = rng.randrange(len(LINE_KINDS) - 1)
                yield self.line(node, names, other + (other >= kind), first_line)
        if startup and rng.random() < P_FOUNDED:
            founder, unit = self.person(nickname=rng.random() < P_NICKNAME)
            yield [*unit, _t(node, FOUNDER, founder), _t(founder, OWNS, node)]

    def acquisition(
        self, buyer: int, bought: int, bought_names: tuple[str, str], controller: str
    ) -> list[str]:
        rng, n = self.rng, self.acquisitions
        self.acquisitions += 1
        event, instant, amount = (
            _iri(KG, f"acquisition-{n}{part}") for part in ("", "-time", "-amount")
        )
        buyer_names = self.company_name(buyer)
        day = date.fromordinal(rng.randrange(FIRST_DAY, LAST_DAY + 1)).isoformat()
        value = rng.randrange(1, 1000) * 10 ** rng.randrange(5, 9)  # 100 000 to 99.9 billion
        unit = [
            _t(event, A, ACQUISITION),
            *_labels(
                event,
                f"Acquisition of {bought_names[0]} by {buyer_names[0]}",
                f"Übernahme von {bought_names[1]} durch {buyer_names[1]}",
            ),
            _t(event, ACQUIRER, _company(buyer)),
            _t(event, ACQUIRED, _company(bought)),
            _t(event, HAS_TIME, instant),
            _t(event, AMOUNT, amount),
            _t(instant, A, INSTANT),
            _t(instant, IN_XSD_DATE, literal(day, datatype=f"{XSD}date")),
            _t(amount, A, MONETARY_AMOUNT),
            _t(amount, VALUE, literal(str(value), datatype=f"{XSD}decimal")),
            _t(amount, CURRENCY, USD),
        ]
        if rng.random() < P_INITIATED:
            unit.append(_t(event, INITIATED_BY, controller))
        return unit

    def line(self, operator: str, names: tuple[str, str], kind: int, first_line: int) -> list[str]:
        rng, n = self.rng, self.lines
        self.lines += 1
        node = _iri(KG, f"line-{n}")
        cls, english, german = LINE_KINDS[kind]
        unit = [
            _t(node, A, _iri(MG, cls)),
            *_labels(node, f"{english} of {names[0]}", f"{german} von {names[1]}"),
            _t(node, OPERATED_BY, operator),
        ]
        if n > first_line and rng.random() < P_FEEDS:
            unit.append(_t(node, FEEDS, _iri(KG, f"line-{rng.randrange(first_line, n)}")))
        return unit


def generate(triples: int, seed: int = 1) -> Iterator[str]:
    """Exactly `triples` N-Triples lines (each ending in a newline) of a synthetic empire.

    The same `triples` and `seed` give the same lines. Raises ValueError below MIN_TRIPLES.
    """
    if isinstance(triples, bool) or not isinstance(triples, int) or triples < MIN_TRIPLES:
        raise ValueError(f"triples must be a whole number of at least {MIN_TRIPLES:_}")
    return _lines(triples, seed)


def _lines(triples: int, seed: int) -> Iterator[str]:
    empires = _Empires(triples, seed)
    budget = triples
    for unit in empires.units():
        if len(unit) > budget:
            break
        budget -= len(unit)
        yield from unit
    yield from empires.top_up(budget)


def _chunks(lines: Iterable[str], size: int = 4096) -> Iterator[bytes]:
    lines = iter(lines)
    while batch := list(itertools.islice(lines, size)):
        yield "".join(batch).encode("utf-8")


def write(path: str | os.PathLike[str], triples: int, seed: int = 1) -> int:
    """Write `generate(triples, seed)` to `path` ("-": standard output); return the bytes.

    Makes missing parent directories. The file appears only when complete (written beside
    it, then renamed).
    """
    lines = generate(triples, seed)
    written = 0
    if str(path) == "-":
        for chunk in _chunks(lines):
            written += sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return written
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with open(partial, "wb") as out:
            for chunk in _chunks(lines):
                written += out.write(chunk)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _count(text: str) -> int:
    try:
        return int(text)  # accepts 1_000_000
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate",
        description="Write a synthetic corporate empire of exactly N triples as N-Triples.",
        epilog="The same N and seed always give the same bytes. See benchmarks/README.md.",
    )
    parser.add_argument(
        "--triples", type=_count, required=True, metavar="N", help="triples to write: 1_000_000"
    )
    parser.add_argument(
        "--out", required=True, metavar="FILE.nt", help="file to write; - is stdout"
    )
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.triples < MIN_TRIPLES:
        parser.error(f"--triples must be at least {MIN_TRIPLES:_}")
    started = time.perf_counter()
    try:
        size = write(args.out, args.triples, args.seed)
    except OSError as error:
        parser.exit(1, f"{parser.prog}: error: cannot write {args.out}: {error.strerror}\n")
    print(
        f"{args.triples:_} triples, {size:_} bytes in {time.perf_counter() - started:.1f} s"
        f" -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
