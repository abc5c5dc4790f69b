"""Lines of a workspace product model, as forms and the API describe them.

A :class:`LineInput` is what a person fills in to add or change one line — its kind
(a library factor, an inline factor with its source, an LCI activity, a supplier's
footprint, grid electricity, a transport leg, a direct emission of a gas) and the fields
of that kind. :func:`line_mapping` turns it into the line of a ``product-model/1``
document (docs/product-models.md), which the model checks then validate like any file;
:func:`line_input` reads a document line back for an edit form.

Design note: the workspace stores the model *document*, not rows per line, so a form, an
upload of the YAML file and the Excel activity-data template all change the same thing
and are checked by the same code (:mod:`tanji.io.product_model`). The alternative — a
table of lines — would have needed a second validation path and a document generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tanji.domain.bounds import amount_problem, factor_problem, name_problem
from tanji.domain.products import GRID_BASES
from tanji.domain.suppliers import split_supplier_ref, supplier_ref
from tanji.domain.units import UnitError, convert
from tanji.services.errors import InvalidInputError

__all__ = [
    "INSTRUMENTS",
    "LINE_KINDS",
    "PLACEHOLDER_PUBLISHER",
    "SHIPPED_TRANSPORT",
    "TRANSPORT_MODES",
    "InlineFactor",
    "Instrument",
    "LineInput",
    "is_placeholder",
    "line_input",
    "line_kind",
    "line_mapping",
    "placeholder_factor",
]

LINE_KINDS = ("factor", "inline", "activity", "supplier", "electricity", "transport", "gas")
TRANSPORT_MODES = ("road", "rail", "inland-waterway", "sea-container", "sea-bulk", "air")
#: The shipped well-to-wheel factor per t·km each transport mode defaults to
#: (``freight-transport``, DESNZ 2025; see data/SOURCES.md): road and rail are UK values
#: used as proxies for China, air is without radiative forcing. Inland waterway has no
#: shipped factor (DESNZ publishes none and no Chinese one was found): such a leg needs a
#: factor chosen from the library or given inline, and never gets an invented one.
SHIPPED_TRANSPORT: Mapping[str, str] = {
    "road": "freight-transport:DESNZ2025-FREIGHT-ROAD-HGV-ALL-AVG-WTW",
    "rail": "freight-transport:DESNZ2025-FREIGHT-RAIL-TRAIN-WTW",
    "sea-container": "freight-transport:DESNZ2025-FREIGHT-SEA-CONTAINER-AVG-WTW",
    "sea-bulk": "freight-transport:DESNZ2025-FREIGHT-SEA-BULK-AVG-WTW",
    "air": "freight-transport:DESNZ2025-FREIGHT-AIR-INTERNATIONAL-NORF-WTW",
}
INSTRUMENTS = ("green-certificate", "green-power", "ppa")
#: The publisher of the inline placeholder a template (or a transport leg without a
#: factor) carries: 0 kg CO2e until someone chooses a factor. The workspace findings flag
#: every line that still has one.
PLACEHOLDER_PUBLISHER = "Tanji template — factor to be chosen"
_PLACEHOLDER_TITLE = (
    "No factor chosen yet; pick one from the factor library or give a published factor "
    "with its source"
)
_DATA = ("primary", "secondary")


@dataclass(frozen=True)
class InlineFactor:
    """A factor written into the model: per ``unit``, ``co2e_kg``, and its source."""

    unit: str
    co2e_kg: float
    publisher: str
    title: str
    name: str = ""
    year: int | None = None
    url: str = ""


@dataclass(frozen=True)
class Instrument:
    """A market-based electricity instrument: green certificates (1 MWh each), green
    power or a PPA (``mwh`` covered), with its ids and evidence."""

    instrument: str
    ids: tuple[str, ...]
    evidence: str
    mwh: float | None = None


@dataclass(frozen=True)
class LineInput:
    """One line as a form fills it in; only the fields of its ``kind`` are read."""

    id: str
    stage: str
    kind: str
    name: str = ""
    amount: float | None = None
    unit: str = ""
    process: str = ""
    data: str = "secondary"
    evidence: str = ""
    factor: str = ""  # factor (and transport): DATABASE:CODE[@VERSION]
    inline: InlineFactor | None = None  # inline (and transport)
    activity: str = ""  # DATABASE:ACTIVITY[@VERSION]
    supplier: str = ""  # "PUBLISHER|PRODUCT ID" (or a product id alone, an older line)
    gas: str = ""  # CO2, CH4-fossil, N2O, SF6, HFC-134a, …
    geography: str = "CN-JS"  # electricity: the grid
    year: int | None = None
    basis: str = ""  # electricity: lifecycle, location, residual; "" = the rule's
    instruments: tuple[Instrument, ...] = ()
    mode: str = ""  # transport
    mass_t: float | None = None
    distance_km: float | None = None


def _number(value: float) -> str:
    return f"{value:.15g}"


def placeholder_factor(unit: str) -> dict[str, Any]:
    """The inline placeholder of a line whose factor is still to be chosen."""
    return {
        "unit": unit,
        "co2e_kg": 0,
        "name": "待选择 factor to be chosen",
        "illustrative": True,
        "source": {"publisher": PLACEHOLDER_PUBLISHER, "title": _PLACEHOLDER_TITLE},
    }


def is_placeholder(factor: Any) -> bool:
    """Whether a line's ``factor`` value is the template placeholder."""
    return (
        isinstance(factor, Mapping)
        and isinstance(factor.get("source"), Mapping)
        and factor["source"].get("publisher") == PLACEHOLDER_PUBLISHER
    )


def _inline(factor: InlineFactor) -> dict[str, Any]:
    source: dict[str, Any] = {"publisher": factor.publisher.strip(), "title": factor.title.strip()}
    if factor.year is not None:
        source["year"] = factor.year
    if factor.url.strip():
        source["url"] = factor.url.strip()
    out: dict[str, Any] = {"unit": factor.unit.strip(), "co2e_kg": factor.co2e_kg}
    if factor.name.strip():
        out["name"] = factor.name.strip()
    out["source"] = source
    return out


def _check(line: LineInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    if line.kind not in LINE_KINDS:
        problems["kind"] = f"expected one of {', '.join(LINE_KINDS)}, got {line.kind!r}"
        return problems
    if not line.id.strip():
        problems["id"] = "required: a short id such as 'cathode' (letters, digits, - _ .)"
    if not line.stage.strip():
        problems["stage"] = "required: the life-cycle stage of the line"
    if line.data not in _DATA:
        problems["data"] = f"expected primary or secondary, got {line.data!r}"
    if (problem := name_problem(line.name)) is not None:
        problems["name"] = problem
    if line.kind == "transport":
        if line.mass_t is None or line.mass_t < 0:
            problems["mass_t"] = "required: the mass carried, in t (0 or more)"
        if line.distance_km is None or line.distance_km < 0:
            problems["distance_km"] = "required: the distance, in km (0 or more)"
        for key in ("mass_t", "distance_km"):
            value = getattr(line, key)
            if key not in problems and (problem := amount_problem(value)) is not None:
                problems[key] = problem
        if line.mode not in TRANSPORT_MODES:
            problems["mode"] = f"expected one of {', '.join(TRANSPORT_MODES)}"
    else:
        if line.amount is None or line.amount < 0:
            problems["amount"] = "required: the quantity (a number, 0 or more)"
        elif (problem := amount_problem(line.amount)) is not None:
            problems["amount"] = problem
        if not line.unit.strip():
            problems["unit"] = "required: the unit of the quantity (kg, t, kWh, MWh, GJ, …)"
    required = {"factor": "factor", "activity": "activity", "supplier": "supplier", "gas": "gas"}
    name = required.get(line.kind)
    if name is not None and not str(getattr(line, name)).strip():
        problems[name] = f"required for a {line.kind} line"
    if line.kind == "inline" and line.inline is None:
        problems["inline"] = "required: the factor's unit, value and source"
    if line.inline is not None and line.kind in ("inline", "transport"):
        if not line.inline.unit.strip():
            problems["inline_unit"] = "required: per what unit (kg, kWh, t*km)"
        if (problem := factor_problem(line.inline.co2e_kg)) is not None:
            problems["inline_co2e"] = problem
        if not line.inline.publisher.strip() or not line.inline.title.strip():
            problems["inline_source"] = "required: who published the factor, and in what document"
    if line.kind == "electricity":
        if not line.geography.strip():
            problems["geography"] = "required: the grid, e.g. CN-JS (Jiangsu), CN-EAST, CN"
        if line.basis and line.basis not in GRID_BASES:
            problems["basis"] = f"expected one of {', '.join(GRID_BASES)}, or empty (the rule's)"
        for i, instrument in enumerate(line.instruments):
            if instrument.instrument not in INSTRUMENTS:
                problems[f"instruments[{i}]"] = f"expected one of {', '.join(INSTRUMENTS)}"
            elif not instrument.ids or not instrument.evidence.strip():
                problems[f"instruments[{i}]"] = "give the certificate or contract ids and evidence"
            elif instrument.instrument != "green-certificate" and not instrument.mwh:
                problems[f"instruments[{i}]"] = "give the energy the contract covers (MWh)"
    return problems


def line_mapping(line: LineInput, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The document line of ``line``; fields a form does not edit (quality scores,
    uncertainty, reporting) are kept from ``previous``. Raises :class:`InvalidInputError`
    naming each field at fault."""
    problems = _check(line)
    if problems:
        detail = "; ".join(f"{k}: {v}" for k, v in problems.items())
        raise InvalidInputError(f"line {line.id or '(new)'}: {detail}", fields=problems)
    out: dict[str, Any] = {"id": line.id.strip(), "stage": line.stage.strip()}
    if line.process.strip():
        out["process"] = line.process.strip()
    if line.name.strip():
        out["name"] = line.name.strip()
    if line.kind == "transport":
        out["transport"] = {
            "mass": f"{_number(line.mass_t or 0.0)} t",
            "distance": f"{_number(line.distance_km or 0.0)} km",
            "mode": line.mode,
        }
        if line.factor.strip():
            out["factor"] = line.factor.strip()
        elif line.inline is not None:
            out["factor"] = _inline(line.inline)
        elif line.mode in SHIPPED_TRANSPORT:
            out["factor"] = SHIPPED_TRANSPORT[line.mode]
        else:
            out["factor"] = placeholder_factor("t*km")
    else:
        out["quantity"] = f"{_number(line.amount or 0.0)} {line.unit.strip()}"
        out.update(_link(line))
    out["data"] = line.data
    if line.evidence.strip():
        out["evidence"] = line.evidence.strip()
    for kept in ("quality", "uncertainty", "reporting", "allocate"):
        if previous is not None and kept in previous:
            out[kept] = previous[kept]
    return out


def _link(line: LineInput) -> dict[str, Any]:
    if line.kind == "factor":
        return {"factor": line.factor.strip()}
    if line.kind == "inline":
        assert line.inline is not None
        return {"factor": _inline(line.inline)}
    if line.kind == "activity":
        return {"activity": line.activity.strip()}
    if line.kind == "supplier":
        publisher, product = split_supplier_ref(line.supplier.strip())
        link = {"product": product.strip()}
        if publisher:
            link["publisher"] = publisher.strip()
        return {"supplier": link}
    if line.kind == "gas":
        return {"gas": line.gas.strip()}
    grid: dict[str, Any] = {"geography": line.geography.strip()}
    if line.year is not None:
        grid["year"] = line.year
    if line.basis:
        grid["basis"] = line.basis
    electricity: dict[str, Any] = {"grid": grid}
    market = []
    for instrument in line.instruments:
        entry: dict[str, Any] = {
            "instrument": instrument.instrument,
            "ids": list(instrument.ids),
            "evidence": instrument.evidence.strip(),
        }
        if instrument.mwh:
            entry["quantity"] = f"{_number(instrument.mwh)} MWh"
        market.append(entry)
    if market:
        electricity["market"] = market
    return {"electricity": electricity}


def line_kind(spec: Mapping[str, Any]) -> str:
    """The kind of a document line (``model``, ``cff`` and ``scrap`` lines are edited as
    YAML by practitioners and have no form)."""
    if "transport" in spec:
        return "transport"
    if "electricity" in spec:
        return "electricity"
    if "factor" in spec:
        return "factor" if isinstance(spec["factor"], str) else "inline"
    for kind in ("activity", "supplier", "gas", "model", "cff", "scrap"):
        if kind in spec:
            return kind
    return "factor"


def _split(quantity: Any) -> tuple[float | None, str]:
    if isinstance(quantity, Mapping):
        return float(quantity["amount"]), str(quantity["unit"])
    text = str(quantity or "").strip()
    number, _, unit = text.partition(" ")
    try:
        return float(number.replace(",", "")), unit.strip()
    except ValueError:
        return None, text


def _in(quantity: Any, unit: str) -> float | None:
    amount, given = _split(quantity)
    if amount is None:
        return None
    try:
        return convert(amount, given or unit, unit)
    except UnitError:
        return None


def line_input(spec: Mapping[str, Any]) -> LineInput:
    """A document line as the edit form shows it."""
    kind = line_kind(spec)
    amount, unit = _split(spec.get("quantity"))
    factor = spec.get("factor")
    inline = None
    if isinstance(factor, Mapping) and not is_placeholder(factor):
        source = factor.get("source") or {}
        inline = InlineFactor(
            unit=str(factor.get("unit", "")),
            co2e_kg=float(factor.get("co2e_kg") or 0.0),
            publisher=str(source.get("publisher", "")),
            title=str(source.get("title", "")),
            name=str(factor.get("name", "")),
            year=source.get("year"),
            url=str(source.get("url", "")),
        )
    electricity = spec.get("electricity") or {}
    grid = electricity.get("grid") or {}
    transport = spec.get("transport") or {}
    mass = _in(transport.get("mass"), "t")
    distance = _in(transport.get("distance"), "km")
    instruments = tuple(
        Instrument(
            m["instrument"],
            tuple(m.get("ids", ())),
            m.get("evidence", ""),
            _split(m["quantity"])[0] if "quantity" in m else None,
        )
        for m in electricity.get("market", [])
    )
    return LineInput(
        id=str(spec.get("id", "")),
        stage=str(spec.get("stage", "")),
        kind=kind,
        name=str(spec.get("name", "")),
        amount=amount,
        unit=unit,
        process=str(spec.get("process", "")),
        data=str(spec.get("data", "secondary")),
        evidence=str(spec.get("evidence", "")),
        factor=factor if isinstance(factor, str) else "",
        inline=inline,
        activity=str(spec.get("activity", "")),
        supplier=supplier_ref(
            str((spec.get("supplier") or {}).get("publisher", "")),
            str((spec.get("supplier") or {}).get("product", "")),
        ),
        gas=str(spec.get("gas", "")),
        geography=str(grid.get("geography", "CN-JS")),
        year=grid.get("year"),
        basis=str(grid.get("basis", "")),
        instruments=instruments,
        mode=str(transport.get("mode", "")),
        mass_t=mass,
        distance_km=distance,
    )
