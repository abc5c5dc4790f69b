"""Errors of the file-format layer: every one names the file (and entry) at fault."""

from __future__ import annotations

from tanji.domain.lci import ImportNote


class DataFormatError(Exception):
    """A file could not be read as the format it claims to be.

    ``source`` names the file (and, where known, the entry or resource inside it);
    ``problem`` says what is wrong and what was expected.
    """

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class ImportProblemsError(DataFormatError):
    """A file could be read, but some of its processes cannot be imported under the
    chosen import policies: every problem of the whole file, collected in one pass.

    ``problems`` holds them as :class:`~tanji.domain.lci.ImportNote` rows (process,
    exchange, ``"error"``, detail): callers show them as a table.
    """

    def __init__(self, source: str, problems: tuple[ImportNote, ...]) -> None:
        count = len(problems)
        lines = [
            f"{count} problem{'s' if count != 1 else ''}; nothing was imported "
            "(see the import policies: tanji data import --help):",
            *(f"  {p.process} | {p.exchange or '—'} | {p.detail}" for p in problems),
        ]
        super().__init__(source, "\n".join(lines))
        self.problems = problems
