"""Writing one of our footprints (:class:`PactExport`) as a PACT 2.3 or 3.0
ProductFootprint."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from tanji.domain.units import UnitError, convert, same_dimension
from tanji.io.errors import DataFormatError
from tanji.io.pact._vocab import (
    _COUNTRY,
    _GLOBAL,
    _IPCC,
    _REGIONS,
    _STANDARD_CODES,
    _SUBDIVISION,
    _URN,
    _UUID,
    _V2_UNITS,
    _V3_UNITS,
    _V23_STANDARD_CODES,
    PactSpec,
)

# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PactExport:
    """One of our footprints, to be written as a PACT ProductFootprint.

    Amounts are kg CO2e (carbon contents: kg C) per one ``declared_unit`` (a unit string
    of ours: "kg", "t", "kWh", "m**2", "piece"...). ``total`` includes biogenic emissions
    and removals, ``excluding_biogenic`` leaves out the biogenic CO2 uptake
    (``biogenic_removals``, <= 0). ``unitary_product_amount`` is how many declared units
    one product holds (PACT v2 only). ``primary_data_share`` is a fraction (0..1).
    ``period_end`` is the last day included. ``geography``: "CN-JS" (ISO 3166-2), "CN"
    (ISO 3166-1), a UN region name from PACT's list, or "" for global.
    ``cross_sectoral_standards`` accepts v2 names ("ISO Standard 14067") or codes
    ("ISO14067"). Fields left None that the chosen PACT version requires make
    :func:`pact_document` fail with a message naming them.
    """

    id: str
    version: int
    created: datetime
    company_name: str
    company_ids: Sequence[str]
    product_name: str
    product_ids: Sequence[str]
    product_description: str
    product_category_cpc: str
    declared_unit: str
    unitary_product_amount: float
    total: float
    excluding_biogenic: float
    fossil: float
    period_start: date
    period_end: date
    biogenic_removals: float = 0.0
    dluc: float = 0.0
    aircraft: float = 0.0
    primary_data_share: float | None = None
    geography: str = ""
    characterization: str = "AR6"
    boundary: str = ""
    cross_sectoral_standards: Sequence[str] = ("ISO Standard 14067",)
    verified: bool = False
    verifier: str = ""
    fossil_carbon_content: float | None = None
    biogenic_carbon_content: float | None = None
    product_mass_per_declared_unit: float | None = None  # kg per declared_unit
    exempted_emissions_percent: float | None = None
    exempted_emissions_description: str = ""
    packaging_emissions_included: bool | None = None
    comment: str = ""


def write_pact(path: Path, export: PactExport, *, spec: PactSpec = "3.0") -> None:
    """Write ``export`` as a PACT ``spec`` ProductFootprint JSON file (UTF-8)."""
    document = pact_document(export, spec=spec)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def pact_document(export: PactExport, *, spec: PactSpec = "3.0") -> dict[str, Any]:
    """A PACT ``spec`` ("2.3" or "3.0") ProductFootprint, as a JSON-ready dict."""
    if spec not in ("2.3", "3.0"):
        raise DataFormatError(f"PACT export {export.id}", f"spec: expected 2.3 or 3.0, not {spec}")
    return _Writer(export, spec).document()


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text.lstrip("-").strip("0.") == "" else text


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# Our export fields that PACT requires but a calculation may not know → PACT's names.
_REQUIRED_NAMES: Final = {
    "fossil_carbon_content": "pcf.fossilCarbonContent",
    "biogenic_carbon_content": "pcf.biogenicCarbonContent",
    "exempted_emissions_percent": "pcf.exemptedEmissionsPercent",
}


@dataclass(frozen=True)
class _Amounts:
    """An export's amounts, checked, per one of our declared units."""

    total: Decimal
    excluding: Decimal
    fossil: Decimal
    removals: Decimal
    dluc: Decimal
    aircraft: Decimal
    fossil_carbon: Decimal
    biogenic_carbon: Decimal | None
    mass: Decimal | None  # kg of product
    exempted: Decimal  # percent
    share: Decimal | None  # percent


class _Writer:
    def __init__(self, export: PactExport, spec: PactSpec) -> None:
        self.x = export
        self.spec = spec
        self.v2 = spec == "2.3"
        self.source = f"PACT {spec} export {export.id or '(no id)'}"

    def fail(self, field: str, problem: str) -> DataFormatError:
        return DataFormatError(self.source, f"{field}: {problem}")

    def amount(
        self, field: str, value: float | None, sign: Literal["", ">= 0", "<= 0", "> 0"] = ""
    ) -> Decimal:
        if value is None:
            name = _REQUIRED_NAMES.get(field, field)
            raise self.fail(field, f"PACT {self.spec} requires {name}; give a value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            raise self.fail(field, f"expected a finite number, got {value}")
        ok = {
            "": True,
            ">= 0": value >= 0,
            "<= 0": value <= 0,
            "> 0": value > 0,
        }[sign]
        if not ok:
            raise self.fail(field, f"PACT {self.spec} requires a value {sign}, got {value}")
        return _dec(value + 0.0)

    def urns(self, field: str, values: Sequence[str]) -> list[str]:
        if isinstance(values, str) or not values:
            raise self.fail(field, "expected a non-empty list of URNs")
        for value in values:
            if not isinstance(value, str) or not re.match(_URN, value):
                raise self.fail(
                    field, f'expected URNs such as "urn:gtin:06901234567892", got {value!r}'
                )
        return _unique(values)

    def text(self, field: str, value: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "expected a non-empty string")
        return value

    def declared_unit(self) -> tuple[str, Decimal]:
        """The PACT declared unit for ours, and how many of them one of ours is."""
        unit = self.x.declared_unit
        table = _V2_UNITS if self.v2 else _V3_UNITS
        try:
            candidates = [name for name, ours in table.items() if same_dimension(unit, ours)]
        except UnitError as error:
            raise self.fail("declared_unit", str(error)) from None
        if not candidates:
            allowed = ", ".join(table)
            if self.v2 and same_dimension(unit, "piece"):
                problem = (
                    f"{unit!r}: PACT v2 has no per-piece declared unit (declaredUnit is one "
                    f"of {allowed}); export as PACT 3.0, whose declared unit may be 'piece'"
                )
            elif self.v2 and same_dimension(unit, "h"):
                problem = (
                    f"{unit!r}: PACT v2 has no per-hour declared unit (declaredUnit is one "
                    f"of {allowed}); export as PACT 3.0"
                )
            else:
                problem = f"no PACT {self.spec} declared unit for {unit!r}; PACT has {allowed}"
            raise self.fail("declared_unit", problem)
        factors = {name: convert(1.0, unit, table[name]) for name in candidates}
        for name, factor in factors.items():
            if math.isclose(factor, 1.0, rel_tol=1e-12):
                return name, Decimal(1)
        for name, factor in factors.items():
            exponent = round(math.log10(factor))
            if math.isclose(factor, 10.0**exponent, rel_tol=1e-12):
                return name, Decimal(1).scaleb(exponent)
        name = candidates[0]
        return name, _dec(factors[name])

    def geography(self) -> dict[str, str]:
        text = self.x.geography.strip()
        if text.upper() in _GLOBAL:
            return {}
        if re.fullmatch(_SUBDIVISION, text.upper()):
            return {"geographyCountrySubdivision": text.upper()}
        if re.fullmatch(_COUNTRY, text.upper()):
            return {"geographyCountry": text.upper()}
        if text in _REGIONS:
            return {"geographyRegionOrSubregion": text}
        raise self.fail(
            "geography",
            f"expected an ISO 3166-2 code (CN-JS), an ISO 3166-1 code (CN), a UN region "
            f"({', '.join(_REGIONS[:5])}...) or '' for global, got {text!r}",
        )

    def standards(self) -> dict[str, list[str]]:
        given = self.x.cross_sectoral_standards
        if isinstance(given, str):
            given = (given,)
        codes = _unique(_STANDARD_CODES.get(name, name) for name in given)
        if not codes:
            raise self.fail("cross_sectoral_standards", "expected at least one standard")
        if not self.v2:
            return {"crossSectoralStandards": codes}
        unknown = [code for code in codes if code not in _V23_STANDARD_CODES]
        if unknown:
            raise self.fail(
                "cross_sectoral_standards",
                f"PACT 2.3 knows {', '.join(_V23_STANDARD_CODES)} "
                f"(or {', '.join(_STANDARD_CODES)}), not {', '.join(unknown)}",
            )
        names = {code: name for name, code in _STANDARD_CODES.items()}
        used = [names[code] for code in codes if code in names]
        if not used:
            raise self.fail(
                "cross_sectoral_standards",
                "PACT 2.3 requires crossSectoralStandardsUsed, one of "
                f"{', '.join(_STANDARD_CODES)}",
            )
        return {"crossSectoralStandardsUsed": used, "crossSectoralStandards": codes}

    def product_mass(self) -> Decimal | None:
        """kg of product per one of our declared units, when given or evident."""
        x = self.x
        if x.product_mass_per_declared_unit is not None:
            return self.amount(
                "product_mass_per_declared_unit", x.product_mass_per_declared_unit, ">= 0"
            )
        if same_dimension(x.declared_unit, "kg"):
            return _dec(convert(1.0, x.declared_unit, "kg"))
        if any(same_dimension(x.declared_unit, unit) for unit in ("kWh", "t*km", "h")):
            return Decimal(0)  # energy, transport, services: PACT says 0
        return None

    def amounts(self) -> _Amounts:
        x = self.x
        share = None
        if x.primary_data_share is not None:
            share = self.amount("primary_data_share", x.primary_data_share, ">= 0") * 100
            if share > 100:
                raise self.fail(
                    "primary_data_share",
                    f"expected a fraction from 0 to 1, got {x.primary_data_share}",
                )
        exempted = self.amount("exempted_emissions_percent", x.exempted_emissions_percent, ">= 0")
        if self.v2 and exempted > 100:
            raise self.fail("exempted_emissions_percent", f"expected 0 to 100, got {exempted}")
        return _Amounts(
            total=self.amount("total", x.total),
            excluding=self.amount(
                "excluding_biogenic", x.excluding_biogenic, ">= 0" if self.v2 else ""
            ),
            fossil=self.amount("fossil", x.fossil, ">= 0"),
            removals=self.amount("biogenic_removals", x.biogenic_removals, "<= 0"),
            dluc=self.amount("dluc", x.dluc, ">= 0"),
            aircraft=self.amount("aircraft", x.aircraft, ">= 0"),
            fossil_carbon=self.amount("fossil_carbon_content", x.fossil_carbon_content, ">= 0"),
            biogenic_carbon=(
                self.amount("biogenic_carbon_content", x.biogenic_carbon_content, ">= 0")
                if self.v2 or x.biogenic_carbon_content is not None
                else None
            ),
            mass=self.product_mass(),
            exempted=exempted,
            share=share,
        )

    def document(self) -> dict[str, Any]:
        x = self.x
        if not isinstance(x.id, str) or not re.fullmatch(_UUID, x.id):
            raise self.fail("id", f"expected a UUID, got {x.id!r}")
        if isinstance(x.version, bool) or not isinstance(x.version, int) or x.version < 0:
            raise self.fail("version", f"expected an integer >= 0, got {x.version!r}")
        if x.period_start > x.period_end:
            raise self.fail("period_start", f"{x.period_start} is after period_end {x.period_end}")
        if not re.fullmatch(_IPCC, x.characterization):
            raise self.fail(
                "characterization",
                f"expected an IPCC assessment report such as AR6, got {x.characterization!r}",
            )
        created = x.created if x.created.tzinfo else x.created.replace(tzinfo=UTC)
        document: dict[str, Any] = {
            "id": x.id.lower(),
            "specVersion": "2.3.0" if self.v2 else "3.0.0",
        }
        if self.v2:
            document["version"] = x.version
        document["created"] = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        document["status"] = "Active"
        if self.v2 or x.comment:
            document["comment"] = x.comment
        document["companyName"] = self.text("company_name", x.company_name)
        document["companyIds"] = self.urns("company_ids", x.company_ids)
        document["productDescription"] = x.product_description
        document["productIds"] = self.urns("product_ids", x.product_ids)
        cpc = x.product_category_cpc.strip()
        if self.v2:
            document["productCategoryCpc"] = self.text("product_category_cpc", cpc)
        if cpc:
            if not re.fullmatch(r"[A-Za-z0-9.-]+", cpc):
                raise self.fail("product_category_cpc", f"expected a CPC code, got {cpc!r}")
            document["productClassifications"] = [f"urn:pact:productclassification:un-cpc:{cpc}"]
        document["productNameCompany"] = self.text("product_name", x.product_name)
        unit = self.declared_unit()
        amounts = self.amounts()
        document["pcf"] = self.v2_pcf(amounts, *unit) if self.v2 else self.v3_pcf(amounts, *unit)
        return document

    def period(self) -> dict[str, str]:
        """PACT's reference period; its end is exclusive: the day after our last day."""
        start, end = self.x.period_start, self.x.period_end + timedelta(days=1)
        return {
            "referencePeriodStart": f"{start.isoformat()}T00:00:00Z",
            "referencePeriodEnd": f"{end.isoformat()}T00:00:00Z",
        }

    def v3_pcf(self, a: _Amounts, pact_unit: str, per_ours: Decimal) -> dict[str, Any]:
        """v3 states the declared unit as an amount of a PACT unit; values stay ours."""
        x = self.x
        if a.mass is None:
            raise self.fail(
                "product_mass_per_declared_unit",
                "PACT 3.0 requires productMassPerDeclaredUnit for a declared unit of "
                f"{x.declared_unit!r}; give the product's mass in kg per declared unit",
            )
        pcf: dict[str, Any] = {
            "declaredUnitOfMeasurement": pact_unit,
            "declaredUnitAmount": _text(per_ours),
            "productMassPerDeclaredUnit": _text(a.mass),
            **self.period(),
            **self.geography(),
        }
        if x.boundary:
            pcf["boundaryProcessesDescription"] = x.boundary
        pcf["pcfExcludingBiogenicUptake"] = _text(a.excluding)
        pcf["pcfIncludingBiogenicUptake"] = _text(a.total)
        pcf["fossilGhgEmissions"] = _text(a.fossil)
        pcf["fossilCarbonContent"] = _text(a.fossil_carbon)
        if a.biogenic_carbon is not None:
            pcf["biogenicCarbonContent"] = _text(a.biogenic_carbon)
        pcf["landUseChangeGhgEmissions"] = _text(a.dluc)
        pcf["biogenicCO2Uptake"] = _text(a.removals)
        pcf["aircraftGhgEmissions"] = _text(a.aircraft)
        if x.packaging_emissions_included is not None:
            pcf["packagingEmissionsIncluded"] = x.packaging_emissions_included
        pcf["ipccCharacterizationFactors"] = [x.characterization]
        pcf.update(self.standards())
        pcf["exemptedEmissionsPercent"] = _text(a.exempted)
        if x.exempted_emissions_description:
            pcf["exemptedEmissionsDescription"] = x.exempted_emissions_description
        if a.share is not None:
            pcf["primaryDataShare"] = _text(a.share)
        if x.verified:
            pcf["verification"] = {"providerName": x.verifier} if x.verifier else {}
        return pcf

    def v2_pcf(self, a: _Amounts, pact_unit: str, per_ours: Decimal) -> dict[str, Any]:
        """v2 values are per one PACT unit: ours divided by how many of it one of ours is."""
        x = self.x

        def per(value: Decimal) -> str:
            return _text(value / per_ours)

        if x.characterization not in ("AR5", "AR6"):
            raise self.fail(
                "characterization",
                f"PACT 2.3 characterizationFactors is AR5 or AR6, not {x.characterization}",
            )
        if x.packaging_emissions_included is None:
            raise self.fail(
                "packaging_emissions_included",
                "PACT 2.3 requires packagingEmissionsIncluded; give True or False",
            )
        if x.verified and not x.verifier.strip():
            raise self.fail("verifier", "PACT 2.3 assurance requires the verifier's name")
        unitary = self.amount("unitary_product_amount", x.unitary_product_amount, "> 0")
        assert a.biogenic_carbon is not None  # required in v2: amounts() asked for it
        pcf: dict[str, Any] = {
            "declaredUnit": pact_unit,
            "unitaryProductAmount": _text(unitary * per_ours),
        }
        if a.mass is not None:
            pcf["productMassPerDeclaredUnit"] = per(a.mass)
        pcf.update(
            {
                "pCfExcludingBiogenic": per(a.excluding),
                "pCfIncludingBiogenic": per(a.total),
                "fossilGhgEmissions": per(a.fossil),
                "fossilCarbonContent": per(a.fossil_carbon),
                "biogenicCarbonContent": per(a.biogenic_carbon),
                "dLucGhgEmissions": per(a.dluc),
                "aircraftGhgEmissions": per(a.aircraft),
                "biogenicCarbonWithdrawal": per(a.removals),
                "characterizationFactors": x.characterization,
                "ipccCharacterizationFactorsSources": [x.characterization],
                **self.standards(),
                "boundaryProcessesDescription": x.boundary,
                **self.period(),
                **self.geography(),
                "exemptedEmissionsPercent": float(a.exempted),
                "exemptedEmissionsDescription": x.exempted_emissions_description,
                "packagingEmissionsIncluded": x.packaging_emissions_included,
            }
        )
        if a.share is not None:
            pcf["primaryDataShare"] = float(a.share)
        if x.verified:
            pcf["assurance"] = {"assurance": True, "providerName": x.verifier}
        return pcf
