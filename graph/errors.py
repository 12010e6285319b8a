"""The errors the core raises; only the CLI turns them into messages and exit codes."""


class MuskgraphError(Exception):
    """A problem the user can fix; the message is one line meant for them."""

    exit_code = 1


class InputError(MuskgraphError):
    """Input that cannot be loaded: a missing file, malformed RDF or SPARQL, an unknown name."""

    exit_code = 2


class QuoteMismatch(MuskgraphError):
    """A claim's quote is not found at its offsets in its source document."""


class SheetErrors(InputError):
    """Every mistake of a claim sheet, one line each (file, row, column, what is wrong)."""

    def __init__(self, lines: list[str] | str) -> None:
        # also from the one string of its message: an error from a child process (the
        # memory store's) is made again from its message
        super().__init__(lines if isinstance(lines, str) else "\n".join(lines))

    @property
    def lines(self) -> list[str]:
        return str(self).split("\n")
