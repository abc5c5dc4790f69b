"""The engine's error vocabulary.

Every failure the engine can report is an :class:`EngineError`; callers (the command
line, the services, the web layer) catch that root and show its message, which says what
is wrong and what to do. ::

    EngineError
    ├── InvalidSystemError          the matrices do not describe a solvable LCA system
    │   ├── NonSquareSystemError    products and activities do not pair one to one
    │   ├── InvalidProductionError  a reference product with zero output
    │   ├── NonFiniteValueError     NaN or infinity in an amount or factor
    │   └── SingularSystemError     the technosphere matrix cannot be solved
    ├── UnknownIdError              an activity, product, flow or method id not in the system
    ├── InvalidUncertaintyError     distribution parameters that cannot be sampled
    └── SolverUnavailableError      a configured solver backend is not installed

Numerical trouble that is not fatal (a direct solve that needed a step of iterative
refinement to meet its residual check) is a :class:`NumericalWarning`, never an error and
never silence. A Monte Carlo iteration solved by the direct fallback is exact, not
trouble: results count those fallbacks.
"""

from __future__ import annotations


class EngineError(Exception):
    """Root of all errors raised by :mod:`tanji.engine`."""


class InvalidSystemError(EngineError):
    """The triples given do not describe a valid LCA system."""


class NonSquareSystemError(InvalidSystemError):
    """The technosphere has products without an activity, or activities without a product.

    Every activity must produce exactly one reference product whose id is the activity's
    id, so that production sits on the diagonal of A.
    """


class InvalidProductionError(InvalidSystemError):
    """An activity's reference production (its diagonal entry in A) is zero.

    A negative reference production is valid: it is a waste treatment.
    """


class NonFiniteValueError(InvalidSystemError):
    """An amount, characterization factor or demand is NaN or infinite."""


class SingularSystemError(InvalidSystemError):
    """The technosphere matrix is singular: some supply cannot be determined.

    Usually an activity whose inputs consume at least all of its own output, or a loop of
    activities that only supply each other.
    """


class UnknownIdError(EngineError, KeyError):
    """An id (activity, flow, tag or method) is not part of the system."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class InvalidUncertaintyError(EngineError):
    """Distribution parameters that cannot be sampled (unknown type, bad bounds, ...)."""


class SolverUnavailableError(EngineError):
    """The configured solver backend (PARDISO, UMFPACK) is not installed."""


class NumericalWarning(UserWarning):
    """Numerical trouble that the engine handled: an ill-conditioned solve it refined."""
