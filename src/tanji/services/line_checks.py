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

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import SupplierFootprintRow
from tanji.domain.bounds import IMPLAUSIBLE
from tanji.domain.problems import Problem
from tanji.domain.products import Line, LinkKind, ProductModel
from tanji.domain.rules import Finding, Severity
from tanji.domain.suppliers import split_supplier_ref
from tanji.domain.units import UnitError, convert, kind_of, parse_quantity, same_dimension
from tanji.io.activity_template import FactorChoice
from tanji.services.catalog import Readers, get_lci_version, readable, readers_of_org
from tanji.services.errors import InvalidInputError, ServiceError
from tanji.services.factors import FactorHit, parse_ref, resolve_factors, search_factors
from tanji.services.lci import _resolve_activity

#: The "clause" of the workspace's own findings (the pages translate it).
WORKSPACE = "Tanji workspace"

__all__ = ["MAX_CHOICES", "WORKSPACE", "check_lines", "factor_choices", "line_warnings"]

#: At most this many factors are offered per line in the Excel template's list.
MAX_CHOICES = 300


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
                problem = Problem("electricity-unit", line=line.id, name=_named(line), unit=unit)
                problems.append(problem)
                fields.setdefault("unit", problem)
            continue
        if link.kind in (LinkKind.ACTIVITY, LinkKind.SUPPLIER):
            missing = _missing(session, readers, line, link.kind, link.ref)
            if missing is not None:
                problems.append(missing)
                fields.setdefault(link.kind.value, missing)
            continue
        if link.kind is LinkKind.FACTOR:
            if link.ref not in found:
                problem = Problem(
                    "unknown-factor", line=line.id, name=_named(line), factor=link.ref
                )
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
                "unit-mismatch", line=line.id, name=_named(line), unit=unit, kind=kind_of(unit),
                factor=named, factor_unit=factor_unit, factor_kind=kind_of(factor_unit),
            )  # fmt: skip
            problems.append(problem)
            fields.setdefault("inline_unit" if named == "(inline)" else "unit", problem)
    if problems:
        raise InvalidInputError("; ".join(problems), fields=fields)


def _missing(
    session: Session, readers: Readers, line: Line, kind: LinkKind, ref: str
) -> Problem | None:
    """Why an activity or a stored supplier footprint a line links cannot be found (None
    when it can); a supplier's PACT file is the model reader's and the workspace's own."""
    if kind is LinkKind.SUPPLIER:
        if ref.startswith("pact:"):
            return None
        publisher, product = split_supplier_ref(ref)  # ``publisher|product id`` or an id
        query = select(SupplierFootprintRow.id).where(SupplierFootprintRow.product_id == product)
        if publisher:
            query = query.where(SupplierFootprintRow.publisher == publisher)
        found = session.scalar(query.limit(1))
        return (
            None
            if found is not None
            else Problem("unknown-supplier", line=line.id, name=_named(line), supplier=ref)
        )
    database, sep, rest = ref.partition(":")
    key = rest.rpartition("@")[0] if "@" in rest else rest
    version = rest.rpartition("@")[2] if "@" in rest else None
    try:
        if not sep or not database or not key:
            raise ServiceError(ref)
        dbv = get_lci_version(session, database, version)
        if not readable(session, dbv.database_id, readers):
            raise ServiceError(ref)
        _resolve_activity(session, dbv.id, key)
    except ServiceError:
        return Problem("unknown-activity", line=line.id, name=_named(line), activity=ref)
    return None


def _named(line: Line) -> str:
    """How a problem names a line on a page: its name, else its id."""
    return line.name or line.id


def _same(unit: str, other: str) -> bool:
    try:
        return same_dimension(unit, other)
    except UnitError:
        return False


def line_warnings(model: ProductModel) -> list[Finding]:
    """What a model may hold but a person should look at: a negative inline factor, an
    amount or an inline factor beyond the plausible (:data:`tanji.domain.bounds.IMPLAUSIBLE`)."""
    found = []
    for line in model.lines:
        for code, message in _implausible(line):
            found.append(Finding(Severity.WARNING, code, message, line.where, WORKSPACE, line.id))
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


def factor_choices(
    session: Session, org_id: int, lines: Sequence[Mapping[str, Any]], language: str = "zh"
) -> dict[str, list[FactorChoice]]:
    """The library's factors each factor line of a model document may choose in the Excel
    template, by line id: those per a unit of the line's kind (a line in m³ gets factors
    per m³ or per L, not per TJ), those sharing words with the line's name first, the
    line's own factor first of all; at most :data:`MAX_CHOICES` each."""
    wanted = [spec for spec in lines if "factor" in spec and "electricity" not in spec]
    if not wanted:
        return {}
    hits = search_factors(session, "", limit=20_000, readers=readers_of_org(session, org_id))
    by_unit: dict[str, list[FactorHit]] = {}
    choices: dict[str, list[FactorChoice]] = {}
    for spec in wanted:
        unit = _line_unit(spec)
        if unit is None:
            continue
        if unit not in by_unit:
            by_unit[unit] = [hit for hit in hits if _same(unit, hit.unit)]
        current = spec["factor"] if isinstance(spec["factor"], str) else ""
        words = _words(f"{spec['id']} {spec.get('name', '')}")

        ranked = sorted(by_unit[unit], key=lambda hit: _rank(hit, current, words))
        ranked = ranked[:MAX_CHOICES]
        choices[spec["id"]] = [(hit.ref.rsplit("@", 1)[0], _label(hit, language)) for hit in ranked]
    return {line_id: listed for line_id, listed in choices.items() if listed}


def _rank(hit: FactorHit, current: str, words: set[str]) -> tuple[int, int]:
    """The line's own factor first, then the factors sharing most words with the line."""
    ref = hit.ref.rsplit("@", 1)[0]
    own = ref in (current, current.rsplit("@", 1)[0])
    text = f"{ref} {hit.name_zh} {hit.name_en}".lower()
    return (0 if own else 1, -sum(word in text for word in words))


def _line_unit(spec: Mapping[str, Any]) -> str | None:
    if "transport" in spec:
        return "t*km"
    quantity = spec.get("quantity")
    if isinstance(quantity, Mapping):
        return str(quantity.get("unit", "")) or None
    try:
        return parse_quantity(str(quantity))[1]
    except UnitError:
        return None


def _words(text: str) -> set[str]:
    """Latin words of 3+ letters and Chinese character pairs, lower case."""
    lowered = text.lower()
    latin = {w for w in re.split(r"[^a-z0-9]+", lowered) if len(w) >= 3}
    chinese = "".join(re.findall(r"[\u4e00-\u9fff]", lowered))
    return latin | {chinese[i : i + 2] for i in range(len(chinese) - 1)}


def _label(hit: FactorHit, language: str) -> str:
    name = (hit.name_zh or hit.name_en) if language == "zh" else (hit.name_en or hit.name_zh)
    return f"{name} ({hit.geography}, /{hit.unit})" if hit.geography else f"{name} (/{hit.unit})"


def _implausible(line: Line) -> list[tuple[str, Problem]]:
    """An amount or an inline factor of a mass or energy unit beyond the plausible."""
    found: list[tuple[str, Problem]] = []
    kind = kind_of(line.unit)
    if kind in IMPLAUSIBLE and line.transport is None:
        unit, most, _ = IMPLAUSIBLE[kind]
        amount = _in(line.amount, line.unit, unit)
        if amount is not None and abs(amount) > most:
            problem = Problem("implausible-amount", line=line.id, name=line.name or line.id,
                              value=f"{line.amount:g}", unit=line.unit, limit=f"{most:g}",
                              limit_unit=unit)  # fmt: skip
            found.append(("implausible-amount", problem))
    inline = line.link.inline if line.link is not None else None
    if inline is not None and inline.co2e is not None and kind_of(inline.unit) in IMPLAUSIBLE:
        unit, _, most = IMPLAUSIBLE[kind_of(inline.unit)]
        per = _in(1.0, unit, inline.unit)  # kg CO2e per `unit` = co2e × (inline units per unit)
        if per is not None and abs(inline.co2e * per) > most:
            problem = Problem(
                "implausible-factor", line=line.id, name=line.name or line.id,
                factor=inline.name_en or line.id,
                value=f"{inline.co2e:g}", factor_unit=inline.unit,
                limit=f"{most:g}", limit_unit=unit,
            )  # fmt: skip
            found.append(("implausible-factor", problem))
    return found


def _in(amount: float, unit: str, to: str) -> float | None:
    try:
        return convert(amount, unit, to)
    except (UnitError, OverflowError, ValueError):
        return None
