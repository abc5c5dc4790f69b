"""Import policies: what the LCI readers do with what real exports contain.

Published databases (the US LCI database as openLCA JSON-LD, ecoinvent-style ecoSpold2,
ILCD sets) hold processes that an exact matrix cannot take as they stand: inputs whose
provider is not in the file, processes with several products and no allocation, a product
made by several processes with no link saying which, broken uncertainty records, amounts
in another unit of the same dimension, a product output without the reference flag. The
readers of openLCA JSON-LD, ecoSpold2 and ILCD use the same words for each:

* ``unlinked``: a product input (or waste output) that no process of the file provides.
  ``error`` (the default) or ``cut-off``: dropped, and reported per activity.
* ``multi_output``: a process with several products (or treated wastes) and no
  allocation. ``error`` (the default); ``reference-only``: the reference product keeps
  every input and emission, the co-products are dropped (each reported); ``own``: the
  process's own allocation factors where it has them (openLCA JSON-LD: the method whose
  factors are complete, physical before economic before causal; the others stay errors).
* ``providers``: a product that several processes provide, with no link in the file.
  ``error`` (the default) or ``default-provider``: the process's ``defaultProvider``
  where it names one, else the rule :data:`PROVIDER_RULE` (reported per exchange).

Never a choice, always reported: invalid uncertainty records are dropped with a note per
exchange (the amount is kept); amounts in another unit of the same dimension are
converted with pint and the factor recorded; a process with exactly one product output
and no quantitative-reference flag takes that output as its reference.

:class:`ImportLog` collects, over a whole file, the notes (what a policy did) and the
problems (what no policy allows); :meth:`ImportLog.finish` raises
:class:`~tanji.io.errors.ImportProblemsError` with every problem at once, so nothing is
stored unless the whole file imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from tanji.domain.lci import ImportNote
from tanji.io.errors import ImportProblemsError

__all__ = [
    "MULTI_OUTPUT",
    "PROVIDERS",
    "PROVIDER_RULE",
    "UNLINKED",
    "ImportLog",
    "ImportPolicy",
    "choose_provider",
]

UNLINKED: Final = ("error", "cut-off")
MULTI_OUTPUT: Final = ("error", "reference-only", "own")
PROVIDERS: Final = ("error", "default-provider")

#: How ``providers="default-provider"`` chooses among several providers when the
#: exchange names none (written into the report next to each choice).
PROVIDER_RULE: Final = (
    "no default provider named: the one provider in the consumer's location, "
    "else the first by name and id"
)

#: Note kinds (the "what" column of the report).
CUT_OFF = "cut-off"
CO_PRODUCT_DROPPED = "co-product dropped"
OWN_ALLOCATION = "own allocation"
PROVIDER_CHOSEN = "provider chosen"
UNCERTAINTY_DROPPED = "uncertainty dropped"
UNIT_CONVERTED = "unit converted"
IMPLICIT_REFERENCE = "reference by its only product"
ERROR = "error"


@dataclass(frozen=True)
class ImportPolicy:
    """The choices of one import (see the module docstring); defaults refuse."""

    unlinked: str = "error"
    multi_output: str = "error"
    providers: str = "error"

    def __post_init__(self) -> None:
        for name, choices in (
            ("unlinked", UNLINKED),
            ("multi_output", MULTI_OUTPUT),
            ("providers", PROVIDERS),
        ):
            value = getattr(self, name)
            if value not in choices:
                raise ValueError(
                    f"{name.replace('_', '-')}: expected {' or '.join(map(repr, choices))}, "
                    f"got {value!r}"
                )


class ImportLog:
    """The notes and problems of one import, collected over the whole file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.notes: list[ImportNote] = []
        self.problems: list[ImportNote] = []

    def note(self, process: str, exchange: str, kind: str, detail: str) -> None:
        self.notes.append(ImportNote(process, exchange, kind, detail))

    def error(self, process: str, exchange: str, detail: str) -> None:
        self.problems.append(ImportNote(process, exchange, ERROR, detail))

    def finish(self) -> tuple[ImportNote, ...]:
        """The notes; raises :class:`ImportProblemsError` listing every problem if any."""
        if self.problems:
            raise ImportProblemsError(self.source, tuple(self.problems))
        return tuple(self.notes)


def choose_provider(
    consumer_location: str, candidates: list[tuple[str, str, str]]
) -> tuple[str, str, str]:
    """:data:`PROVIDER_RULE` over ``(key, name, location)`` candidates."""
    local = [c for c in candidates if c[2] and c[2] == consumer_location]
    if len(local) == 1:
        return local[0]
    return min(candidates, key=lambda c: (c[1], c[0]))
