"""Checks of a product model's lines against the factor library, at save time.

The model reader (:mod:`tanji.io.product_model`) checks a document on its own: schema,
units that exist, bounds. What needs the library is checked here, when a change is saved
(a form, the API, a YAML upload, the Excel template), so a line that cannot be computed is
refused where it is typed instead of surfacing later as a calculation error:

- a factor reference (``DATABASE:CODE[@VERSION]``, also a transport leg's) names a
  factor of the library the organisation may read;
- the line's unit is of the kind the factor counts per (a line in kg with a per-kWh
  factor, natural gas in m³ with a per-TJ factor are refused — the message suggests the
  unit to give or a factor per the line's unit); inline factors too;
- an electricity line is in a unit of energy.

Each problem is a :class:`~tanji.domain.problems.Problem`: the English message (what the
API and the logs say) carrying a ``code`` and its ``values``, which the web layer says in
the reader's language (:mod:`tanji.web.ui.problems`). :func:`line_warnings` gives what is
allowed but suspicious (a negative factor) for the findings.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tanji.domain.problems import Problem
from tanji.domain.products import LinkKind, ProductModel
from tanji.domain.rules import Finding, Severity
from tanji.domain.units import UnitError, kind_of, same_dimension
from tanji.services.catalog import readers_of_org
from tanji.services.errors import InvalidInputError, ServiceError
from tanji.services.factors import parse_ref, resolve_factors

#: The "clause" of the workspace's own findings (the pages translate it).
WORKSPACE = "Tanji workspace"

__all__ = ["WORKSPACE", "check_lines", "line_warnings"]


def check_lines(session: Session, org_id: int, model: ProductModel) -> None:
    """Refuse a model whose lines name a factor that is not there or in a unit the
    factor does not count (every problem, each by its line; fields ``factor``/``unit``)."""
    readers = readers_of_org(session, org_id)
    refs = set()
    for line in model.lines:
        if line.link is not None and line.link.kind is LinkKind.FACTOR:
            try:
                parse_ref(line.link.ref)
            except ServiceError:
                continue  # the model reader's message stands for a malformed ref
            refs.add(line.link.ref)
    found = resolve_factors(session, refs, readers) if refs else {}
    problems: list[Problem] = []
    fields: dict[str, str] = {}
    for line in model.lines:
        link = line.link
        if link is None:
            continue
        unit = "t*km" if line.transport is not None else line.unit
        if link.kind is LinkKind.GRID:
            if not _same(unit, "kWh"):
                problem = Problem("electricity-unit", line=line.id, unit=unit)
                problems.append(problem)
                fields.setdefault("unit", problem)
            continue
        if link.kind is LinkKind.FACTOR:
            if link.ref not in found:
                problem = Problem("unknown-factor", line=line.id, factor=link.ref)
                problems.append(problem)
                fields.setdefault("factor", problem)
                continue
            factor_unit, named = found[link.ref][1].unit, link.ref
        elif link.kind is LinkKind.INLINE and link.inline is not None:
            factor_unit, named = link.inline.unit, "(inline)"
        else:
            continue
        if not _same(unit, factor_unit):
            problem = Problem(
                "unit-mismatch", line=line.id, unit=unit, kind=kind_of(unit), factor=named,
                factor_unit=factor_unit, factor_kind=kind_of(factor_unit),
            )  # fmt: skip
            problems.append(problem)
            fields.setdefault("inline_unit" if named == "(inline)" else "unit", problem)
    if problems:
        raise InvalidInputError("; ".join(problems), fields=fields)


def _same(unit: str, other: str) -> bool:
    try:
        return same_dimension(unit, other)
    except UnitError:
        return False


def line_warnings(model: ProductModel) -> list[Finding]:
    """What a model may hold but a person should look at: a negative inline factor."""
    found = []
    for line in model.lines:
        inline = line.link.inline if line.link is not None else None
        if inline is not None and inline.co2e is not None and inline.co2e < 0:
            message = Problem(
                "negative-factor", line=line.id, name=line.name or line.id,
                factor=inline.name_en or line.id, value=f"{inline.co2e:g}",
                factor_unit=inline.unit,
            )  # fmt: skip
            found.append(
                Finding(
                    Severity.WARNING, "negative-factor", message, line.where, WORKSPACE, line.id
                )
            )
    return found
