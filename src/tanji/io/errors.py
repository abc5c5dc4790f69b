"""Errors of the file-format layer: every one names the file (and entry) at fault."""

from __future__ import annotations


class DataFormatError(Exception):
    """A file could not be read as the format it claims to be.

    ``source`` names the file (and, where known, the entry or resource inside it);
    ``problem`` says what is wrong and what was expected.
    """

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem
