"""Which grid electricity factor a result line took, and why, in the page's language.

The result document keeps the choice as data (``lines[].grid``: basis, geography and
year asked and taken, reason, the rule whose basis it is); this words it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tanji.domain.geography import place

__all__ = ["basis_name", "grid_name", "grid_note"]

Gettext = Callable[[str], str]


def basis_name(basis: str, _: Gettext) -> str:
    names = {
        "lifecycle": _("life-cycle electricity carbon footprint factor"),
        "location": _("electricity CO2 emission factor (CO2 only)"),
        "residual": _("electricity CO2 emission factor excluding market-traded non-fossil power"),
    }
    return names.get(basis, basis)


def grid_note(grid: Mapping[str, Any] | None, language: str, _: Gettext) -> str:
    """One sentence on the factor taken, one on who chose its basis ("" for no grid)."""
    if not grid:
        return ""
    asked = place(grid["asked"]).name(language)
    taken = place(grid["geography"]).name(language)
    values = {
        "asked": asked,
        "year": grid["asked_year"] or "",
        "basis": basis_name(grid["basis"], _),
        "place": taken,
        "taken_year": grid["year"],
    }
    reasons = {
        "exact": _("%(asked)s %(year)s: the %(basis)s of %(place)s %(taken_year)s"),
        "regional": _(
            "%(asked)s %(year)s: no provincial %(year)s %(basis)s is published; "
            "the %(place)s regional %(taken_year)s factor is used"
        ),
        "national": _(
            "%(asked)s %(year)s: no provincial or regional %(year)s %(basis)s is published; "
            "the national %(taken_year)s factor is used"
        ),
        "earlier": _(
            "%(asked)s %(year)s: no %(year)s %(basis)s is published; the latest earlier "
            "one, %(place)s %(taken_year)s, is used"
        ),
        "later": _(
            "%(asked)s %(year)s: no %(basis)s of %(year)s or earlier is published; the "
            "earliest later one, %(place)s %(taken_year)s, is used"
        ),
        "latest": _(
            "%(asked)s, no year given: the latest %(basis)s published, %(place)s "
            "%(taken_year)s, is used"
        ),
    }
    text = reasons.get(grid["reason"], reasons["exact"]) % values
    why = {
        "rule": _("The rule %(rule)s takes this factor: %(reason)s"),
        "model": _("The model states this basis."),
        "default": _(
            "Neither the model nor a rule states a basis: a product footprint takes the "
            "life-cycle factor."
        ),
        "market": _(
            "Market-based electricity: the remainder takes the factor excluding "
            "market-traded non-fossil power (CO2 only; no life-cycle one is published)."
        ),
    }
    source = grid.get("basis_from", "default")
    reason = grid.get("rule_reason_en" if language == "en" else "rule_reason_zh") or ""
    if source == "rule" and not reason:
        reason = grid.get("rule_reason_zh") or grid.get("rule_reason_en") or "—"
    extra = why.get(source, "") % {"rule": grid.get("rule", ""), "reason": reason}
    return f"{text}. {extra}" if language == "en" else f"{text}。{extra}"


def grid_name(grid: Mapping[str, Any], language: str) -> str:
    """The name of the factor taken, in the page's language (results saved without it: "")."""
    first, second = ("name_en", "name_zh") if language == "en" else ("name_zh", "name_en")
    return str(grid.get(first) or grid.get(second) or "")
