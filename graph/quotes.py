"""Finding a quote, as an author copied it, in the text of its source.

Copying text changes it: typographic quotation marks become straight ones, line breaks and
runs of spaces become one space, soft hyphens appear or vanish, and an editor may store
"ä" as one code point or two (NFC or NFD). The quote is looked for in a folded copy of the
text in which all of these read alike, and its offsets are mapped back to the text as it
stands, so that `text[start:end]` is the source's own wording.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

_FOLDED = str.maketrans(
    {
        # typographic double and single quotation marks, and dashes
        **dict.fromkeys("\u201e\u201c\u201d\u201f\u00ab\u00bb\u301d\u301e\uff02", '"'),
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2039\u203a\u2032", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014", "-"),
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
    }
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class QuoteNotFound(ValueError):
    """The quote is not in the text, or not once; the message says which and why."""


def _fold(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the offset in `text` it comes from."""
    folded: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        if char.isspace():
            if folded and folded[-1] == " ":
                continue
            pieces = " "
        else:
            pieces = unicodedata.normalize("NFD", char).translate(_FOLDED)
        folded.extend(pieces)
        origin.extend([offset] * len(pieces))
    return "".join(folded), origin


def fold(text: str) -> str:
    """A quote or a piece of context as it is compared: folded, without outer spaces."""
    return _fold(text)[0].strip()


def locate(text: str, quote: str, prefix: str = "", suffix: str = "") -> Span:
    """Where `quote` stands in `text`: the one place, or the one that `prefix` and
    `suffix` (text just before and after it) single out."""
    folded, origin = _fold(text)
    wanted = fold(quote)
    if not wanted:
        raise QuoteNotFound("the quote is empty")
    starts = [m.start() for m in re.finditer(f"(?={re.escape(wanted)})", folded)]
    if not starts:
        raise QuoteNotFound(f"not in the text; the nearest sentence is: {nearest(text, quote)}")
    before, after = fold(prefix), fold(suffix)
    chosen = [
        s
        for s in starts
        if folded[:s].rstrip().endswith(before)
        and folded[s + len(wanted) :].lstrip().startswith(after)
    ]
    if len(chosen) != 1:
        how = "with the prefix and suffix given" if before or after else "in the text"
        count = f"{len(chosen)} times" if chosen else "nowhere"
        raise QuoteNotFound(
            f"occurs {count} {how}: give a prefix or suffix (the words just before or "
            "after it) that picks one"
        )
    start = chosen[0]
    return Span(origin[start], origin[start + len(wanted) - 1] + 1)


def nearest(text: str, quote: str, width: int = 90) -> str:
    """The sentence of `text` that holds most of `quote` (the shorter of two that hold as
    much), shortened to `width` characters."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    wanted = fold(quote)

    def held(sentence: str) -> tuple[int, int]:
        matcher = difflib.SequenceMatcher(None, wanted, fold(sentence), autojunk=False)
        return sum(block.size for block in matcher.get_matching_blocks()), -len(sentence)

    best = max(sentences, key=held, default="")
    return repr(best if len(best) <= width else best[: width - 1] + "…")
