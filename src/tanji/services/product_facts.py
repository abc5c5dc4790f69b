"""The facts of a workspace product, as a form and the API describe them.

:class:`ProductFacts` is what a person fills in about the product itself — its names,
declared and functional unit, the production the activity data cover (``output``),
company, site, system boundary, reference period and identifiers. :func:`apply_facts`
writes them into the ``product``/``output`` fields of a ``product-model/1`` document
(docs/product-models.md), which the model checks then validate like any file;
:func:`facts_of` reads them back for the form. The category is not a fact here: it ties
the product to its accounting rule and is changed in the YAML file.

Each field a form can get wrong is checked here first, so the problem is named by the
form's field; :func:`field_of` names the field of a problem the model checks find.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tanji.domain.bounds import amount_problem, name_problem
from tanji.domain.problems import Problem
from tanji.domain.units import UnitError, convert, parse_quantity
from tanji.services.errors import InvalidInputError

__all__ = [
    "BOUNDARIES",
    "IDENTIFIERS",
    "ProductFacts",
    "apply_facts",
    "facts_of",
    "field_of",
]

BOUNDARIES = ("cradle-to-gate", "cradle-to-grave")
#: The identifier schemes of ``product.identifiers`` (the schema allows these only).
IDENTIFIERS = ("gtin", "company_code", "industrial_internet")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GTIN = re.compile(r"^\d{8,14}$")
#: A document path (as the model checks write it) → the form field it belongs to.
_FIELDS = (
    ("product.name", "name_zh"),
    ("product.declared_unit", "declared_unit"),
    ("product.functional_unit.declared_units", "functional_unit_declared_units"),
    ("product.functional_unit", "functional_unit_zh"),
    ("product.company", "company"),
    ("product.site", "site"),
    ("product.boundary", "boundary"),
    ("product.reference_period.start", "period_start"),
    ("product.reference_period", "period_end"),
    ("product.identifiers.gtin", "gtin"),
    ("product.identifiers.company_code", "company_code"),
    ("product.identifiers.industrial_internet", "industrial_internet"),
    ("output", "output"),
)


@dataclass(frozen=True)
class ProductFacts:
    """The product's facts as a form fills them in; an empty text removes an optional
    fact (``output`` then defaults to one declared unit). Dates are ``YYYY-MM-DD``."""

    name_zh: str = ""
    name_en: str = ""
    declared_unit: str = ""
    output: str = ""
    functional_unit_zh: str = ""
    functional_unit_en: str = ""
    functional_unit_declared_units: float | None = None
    company: str = ""
    site: str = ""
    boundary: str = "cradle-to-gate"
    period_start: str = ""
    period_end: str = ""
    gtin: str = ""
    company_code: str = ""
    industrial_internet: str = ""


def _text(value: Any) -> tuple[str, str]:
    if isinstance(value, Mapping):
        return str(value.get("zh", "")), str(value.get("en", ""))
    return (str(value), "") if value else ("", "")


def _quantity(value: Any) -> str:
    if isinstance(value, Mapping):
        return f"{value.get('amount', '')} {value.get('unit', '')}".strip()
    return str(value or "")


def facts_of(document: Mapping[str, Any]) -> ProductFacts:
    """The facts of a document, as the form shows them."""
    product = document.get("product") or {}
    name_zh, name_en = _text(product.get("name"))
    functional = product.get("functional_unit") or {}
    fu_zh, fu_en = _text(functional.get("description"))
    period = product.get("reference_period") or {}
    identifiers = product.get("identifiers") or {}
    declared_units = functional.get("declared_units")
    return ProductFacts(
        name_zh=name_zh,
        name_en=name_en,
        declared_unit=_quantity(product.get("declared_unit")),
        output=_quantity(document.get("output")),
        functional_unit_zh=fu_zh,
        functional_unit_en=fu_en,
        functional_unit_declared_units=float(declared_units) if declared_units else None,
        company=str(product.get("company", "")),
        site=str(product.get("site", "")),
        boundary=str(product.get("boundary", "cradle-to-gate")),
        period_start=str(period.get("start", "")),
        period_end=str(period.get("end", "")),
        **{scheme: str(identifiers.get(scheme, "")) for scheme in IDENTIFIERS},
    )


def _unit_of(text: str, name: str, problems: dict[str, str]) -> tuple[float, str] | None:
    try:
        amount, unit = parse_quantity(text)
    except UnitError as error:
        said = str(error)
        unknown = re.fullmatch(r"unknown unit '(.*)'", said)
        problems[name] = (
            Problem("unit-unknown", unit=unknown.group(1)) if unknown
            else Problem("quantity-expected", text=text) if said.startswith("expected a number")
            else said
        )  # fmt: skip
        return None
    if not amount > 0:
        problems[name] = Problem("amount-not-positive", text=text)
        return None
    if (problem := amount_problem(amount)) is not None:
        problems[name] = problem
        return None
    return amount, unit


def _date(text: str, name: str, problems: dict[str, str]) -> date | None:
    try:
        if _DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    problems[name] = Problem("date-expected", text=text)
    return None


def _check(facts: ProductFacts) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not (facts.name_zh.strip() or facts.name_en.strip()):
        problems["name_zh"] = Problem("name-missing")
    for key in ("name_zh", "name_en", "functional_unit_zh", "functional_unit_en"):
        if (problem := name_problem(getattr(facts, key))) is not None:
            problems[key] = problem
    declared = _unit_of(facts.declared_unit.strip(), "declared_unit", problems)
    output = _unit_of(facts.output.strip(), "output", problems) if facts.output.strip() else None
    if declared is not None and output is not None:
        try:
            convert(output[0], output[1], declared[1])
        except UnitError:
            problems["output"] = Problem("output-unit", unit=declared[1], text=facts.output.strip())
    described = facts.functional_unit_zh.strip() or facts.functional_unit_en.strip()
    count = facts.functional_unit_declared_units
    if described and (count is None or not count > 0):
        problems["functional_unit_declared_units"] = (
            "how many declared units make one functional unit (a positive number)"
        )
    if count is not None and not described:
        problems["functional_unit_zh"] = "describe the functional unit (Chinese or English)"
    if facts.boundary not in BOUNDARIES:
        problems["boundary"] = f"expected one of {', '.join(BOUNDARIES)}, got {facts.boundary!r}"
    start, end = facts.period_start.strip(), facts.period_end.strip()
    if start or end:
        first = _date(start, "period_start", problems)
        last = _date(end, "period_end", problems)
        if first is not None and last is not None and first > last:
            problems["period_end"] = Problem("period-order", end=end, start=start)
    if facts.gtin.strip() and not _GTIN.match(facts.gtin.strip()):
        problems["gtin"] = Problem("gtin-digits")
    return problems


def _set(mapping: dict[str, Any], key: str, value: Any) -> None:
    if value:
        mapping[key] = value
    else:
        mapping.pop(key, None)


def _local(zh: str, en: str) -> dict[str, str]:
    return {k: v.strip() for k, v in (("zh", zh), ("en", en)) if v.strip()}


def apply_facts(document: Mapping[str, Any], facts: ProductFacts) -> dict[str, Any]:
    """A copy of ``document`` with its ``product`` facts and ``output`` set from ``facts``
    (the category and every other field kept). Raises :class:`InvalidInputError` naming
    each field at fault."""
    problems = _check(facts)
    if problems:
        detail = "; ".join(f"{k}: {v}" for k, v in problems.items())
        raise InvalidInputError(f"product facts: {detail}", fields=problems)
    data: dict[str, Any] = copy.deepcopy(dict(document))
    product: dict[str, Any] = data.setdefault("product", {})
    product["name"] = _local(facts.name_zh, facts.name_en)
    product["declared_unit"] = facts.declared_unit.strip()
    described = _local(facts.functional_unit_zh, facts.functional_unit_en)
    functional = (
        {"description": described, "declared_units": facts.functional_unit_declared_units}
        if described
        else None
    )
    _set(product, "functional_unit", functional)
    _set(product, "company", facts.company.strip())
    _set(product, "site", facts.site.strip())
    product["boundary"] = facts.boundary
    start, end = facts.period_start.strip(), facts.period_end.strip()
    _set(product, "reference_period", {"start": start, "end": end} if start else None)
    identifiers = {s: str(getattr(facts, s)).strip() for s in IDENTIFIERS}
    _set(product, "identifiers", {s: v for s, v in identifiers.items() if v})
    _set(data, "output", facts.output.strip())
    return data


def field_of(problem: str) -> str:
    """The form field a model-check problem (``product.declared_unit: …``) is about, or
    ``form`` when it is about none of them."""
    for path, name in _FIELDS:
        if problem.startswith((f"{path}:", f"{path}.", f"{path}[")):
            return name
    return "form"
