"""Which grid electricity factor a line takes: the resolver's choice, as a pure function.

The store (or any resolver) lists the published factors of the line's basis as
``(ref, geography, year)``; :func:`grid_choice` picks one and says why
(:class:`~tanji.domain.burdens.GridChoice`).
"""

from __future__ import annotations

from collections.abc import Sequence

from tanji.domain.burdens import GridChoice
from tanji.domain.geography import fallback_chain, level_of
from tanji.domain.products import Link

__all__ = ["grid_choice", "grid_label"]


def grid_label(choice: GridChoice) -> str:
    """A short English label for the trace (its wording is part of a result's fingerprint,
    so it stays as results were first saved with); the result page words the choice."""
    label = f"{choice.basis} grid {choice.geography} {choice.year}"
    if choice.geography != choice.asked or (
        choice.asked_year is not None and choice.year != choice.asked_year
    ):
        asked = f"{choice.asked} {choice.asked_year}" if choice.asked_year else choice.asked
        label += f" (asked: {asked}; nearest published)"
    return label


def grid_choice(
    link: Link, basis: str, candidates: Sequence[tuple[str, str, int]]
) -> tuple[str, GridChoice] | None:
    """The grid factor (ref) a link takes among ``(ref, geography, year)`` candidates.

    For the year asked: the province, then its regional grid, then the nation; then the
    latest earlier year in the same order; a later year only if nothing earlier is
    published. With no year asked, the latest year published, finest geography first.
    """
    chain = fallback_chain(link.ref)
    found: dict[tuple[str, int], str] = {}
    for ref, geography, year in candidates:
        found.setdefault((geography, year), ref)  # the first database (by name) wins
    years = sorted({year for _, geography, year in candidates if geography in chain})
    if not years:
        return None
    asked = link.year
    if asked is None:
        order = [(y, "latest") for y in reversed(years)]
    else:
        order = [(asked, "")] if asked in years else []
        order += [(y, "earlier") for y in reversed(years) if y < asked]
        order += [(y, "later") for y in years if y > asked]
    for year, why in order:
        for level, geography in enumerate(chain):
            if (geography, year) in found:
                if why:
                    reason = why
                elif level == 0:
                    reason = "exact"
                else:
                    reason = "regional" if level_of(geography) == 1 else "national"
                return found[(geography, year)], GridChoice(
                    basis, link.ref, asked, geography, year, reason
                )
    return None
