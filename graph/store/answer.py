"""The answer every engine gives: rows of `Term`s, a truth value, or triples."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graph.errors import InputError
from graph.store.terms import Term


class Answer:
    """A query's answer: the rows of a SELECT, the truth of an ASK, or a graph."""

    form: str  # SELECT, ASK or CONSTRUCT (CONSTRUCT and DESCRIBE both give a graph)
    variables: list[str]

    def rows(self) -> Iterator[tuple[Term | None, ...]]:
        raise NotImplementedError

    def boolean(self) -> bool:
        raise NotImplementedError

    def triples(self) -> Iterator[tuple[Term, Term, Term]]:
        raise NotImplementedError


@contextmanager
def answering(origin: str, errors: tuple[type[BaseException], ...]) -> Iterator[None]:
    """Errors raised while an answer is read (engines evaluate lazily) as one-line errors."""
    try:
        yield
    except errors as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        raise InputError(f"{origin}: query failed: {reason}") from None
