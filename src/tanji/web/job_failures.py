"""What a failed job says (:mod:`tanji.web.jobs`): English for the API and the log,
and, where the failure is one the platform knows, a
:class:`~tanji.domain.problems.Problem` (stored with its code and values by
:func:`tanji.services.jobs.finish`) that the job's page says in the reader's language."""

from __future__ import annotations

from tanji.domain.problems import Problem, problem_of
from tanji.io.errors import DataFormatError, ImportProblemsError
from tanji.io.factor_table import FactorTableError

__all__ = ["failure_of", "told"]


def failure_of(error: BaseException, *, listed: bool) -> str:
    """What a failed job says (English for the API and the log): a
    :class:`~tanji.domain.problems.Problem` where the failure is one the platform
    knows, so the job's page says it in the reader's language."""
    said = problem_of(error)
    if isinstance(said, Problem):
        return said
    if isinstance(error, ImportProblemsError):  # the problems themselves: ``rows``
        count = len(error.problems)
        return Problem(
            "import-problems", file=error.source, n=count,
            count=f"{count} problem{'s' if count != 1 else ''}",
        )  # fmt: skip
    if isinstance(error, FactorTableError):
        count = len(error.errors)
        return Problem(
            "import-table", file=error.source, n=count,
            count=f"{count} error{'s' if count != 1 else ''}",
            lines="\n".join(str(e) for e in error.errors),
        )  # fmt: skip
    if isinstance(error, DataFormatError):
        return Problem("import-unreadable", file=error.source, problem=told(error.problem))
    return str(error).split("\n", 1)[0] if listed else str(error)


def told(detail: str) -> Problem:
    """A problem's detail as a :class:`~tanji.domain.problems.Problem`: itself, or the
    text without a code of its own (a library's words), which a page shows as a detail
    that is not the platform's words (``import-untold``)."""
    return detail if isinstance(detail, Problem) else Problem("import-untold", original=detail)
