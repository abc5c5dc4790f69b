"""The benchmarks' error vocabulary (domain layer).

``BenchmarkError`` (a :class:`~tanji.domain.factors.DomainError`): a value, a policy, a
threshold table or a scenario that does not make sense; the message says what was
expected.
"""

from __future__ import annotations

from tanji.domain.factors import DomainError

__all__ = ["BenchmarkError"]


class BenchmarkError(DomainError):
    """A benchmark input out of range or inconsistent (the message names the field)."""
