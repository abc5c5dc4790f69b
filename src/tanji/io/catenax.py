"""Catena-X PCF aspect models (``io.catenax.pcf``, CX-0136): a PACT v3 ProductFootprint
out as version 9.0.0 (release R25.09, Rulebook v4) or 7.0.0 (the PACT-v2-aligned model),
and a Catena-X PCF in as a supplier's footprint.

Export — :func:`catenax_document` maps the PACT v3 document Tanji serves (see
:mod:`tanji.io.pact`) field by field. 9.0.0 is PACT-v3-aligned (decimal strings become
JSON numbers; the footprint goes into ``productionStage``; a cradle-to-gate footprint has
``distributionStageIncluded: false``); 7.0.0 uses PACT v2 names (``pcfExcludingBiogenic``,
``declaredUnit``, ``extWBCSD_…``, ``extTFS_…``; v3's standard codes become v2 names).

What Catena-X requires that a PACT footprint does not state must be given:
``waste_incineration`` (the allocation of waste incineration: cut-off, reverse cut-off,
system expansion) and, where the PACT footprint leaves it out,
``packaging_included``. ``geographyRegionOrSubregion`` is required by both versions: it is
taken from the footprint, or from the UN M49 sub-region of its country
(:data:`M49_SUBREGIONS`, a short table; another country must be given as ``region``).
Choices made here and not by the footprint (stated in docs/interoperability.md): mass
balancing is stated as not used ("not applicable"), CCS as not included (Tanji models
no technological capture), the PCF as retrospective, and no attestation of conformance
is written (its identifiers belong to the certifier).

Import — :func:`read_catenax` reads 9.0.0 or 7.0.0 (told apart by their shape) into a
:class:`~tanji.domain.suppliers.SupplierFootprint`: the production stage's values, which
is what a supplier line of a product model needs (cradle-to-gate).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, Literal

from tanji.domain.factors import DomainError, PefQuality
from tanji.domain.suppliers import SupplierFootprint
from tanji.domain.units import UnitError
from tanji.io.errors import DataFormatError

__all__ = [
    "CATENAX_VERSIONS",
    "M49_SUBREGIONS",
    "CatenaxVersion",
    "catenax_document",
    "read_catenax",
]

CatenaxVersion = Literal["9.0.0", "7.0.0"]
CATENAX_VERSIONS: Final = ("9.0.0", "7.0.0")

#: UN M49 sub-region of a few countries (UN Statistics Division, "Standard country or
#: area codes for statistical use (M49)", geographic regions).
M49_SUBREGIONS: Final = {
    "CN": "Eastern Asia",
    "JP": "Eastern Asia",
    "KR": "Eastern Asia",
    "DE": "Western Europe",
    "FR": "Western Europe",
    "NL": "Western Europe",
    "IT": "Southern Europe",
    "ES": "Southern Europe",
    "PL": "Eastern Europe",
    "US": "Northern America",
}
#: The region names both aspect models accept (UN M49 regions and sub-regions).
_M49_NAMES: Final = (
    "Africa", "Americas", "Asia", "Europe", "Oceania", "Australia and New Zealand",
    "Central Asia", "Eastern Asia", "Eastern Europe", "Latin America and the Caribbean",
    "Melanesia", "Micronesia", "Northern Africa", "Northern America", "Northern Europe",
    "Polynesia", "South-eastern Asia", "Southern Asia", "Southern Europe",
    "Sub-Saharan Africa", "Western Asia", "Western Europe",
)  # fmt: skip
_WASTE: Final = ("cut-off", "reverse cut-off", "system expansion")
_V2_STANDARDS: Final = {
    "ISO14067": "ISO Standard 14067",
    "ISO14040-44": "ISO Standard 14044",
    "GHGP-Product": "GHG Protocol Product Standard",
    "PEF": "PEF",
}
_UNITS: Final = {
    "liter": "L",
    "kilogram": "kg",
    "cubic meter": "m**3",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "ton kilometer": "t*km",
    "square meter": "m**2",
    "piece": "piece",
    "hour": "h",
}


def _number(pcf: dict[str, Any], name: str, default: float | None = None) -> float:
    value = pcf.get(name)
    if value is None:
        if default is None:
            raise DataFormatError("PACT footprint", f"pcf.{name}: required for Catena-X")
        return default
    return float(Decimal(str(value)))


def _region(pcf: dict[str, Any], region: str | None) -> dict[str, str]:
    country = pcf.get("geographyCountry") or str(pcf.get("geographyCountrySubdivision", ""))[:2]
    named = region or pcf.get("geographyRegionOrSubregion") or M49_SUBREGIONS.get(country)
    if not named:
        raise DataFormatError(
            "Catena-X export",
            f"geographyRegionOrSubregion: required by Catena-X; the country {country or '(none)'}"
            " is not in Tanji's M49 table: give the UN M49 sub-region",
        )
    if named not in _M49_NAMES:
        raise DataFormatError(
            "Catena-X export",
            f"geographyRegionOrSubregion: {named!r} is not a UN M49 region Catena-X lists "
            f"({', '.join(_M49_NAMES)})",
        )
    found = {"geographyRegionOrSubregion": named}
    if country:
        found["geographyCountry"] = country
    if pcf.get("geographyCountrySubdivision"):
        found["geographyCountrySubdivision"] = pcf["geographyCountrySubdivision"]
    return found


def catenax_document(
    footprint: dict[str, Any],
    *,
    version: CatenaxVersion = "9.0.0",
    waste_incineration: str,
    packaging_included: bool | None = None,
    boundary: Literal["Cradle-to-gate", "Cradle-to-grave"] = "Cradle-to-gate",
    region: str | None = None,
) -> dict[str, Any]:
    """The Catena-X PCF ``version`` of a PACT v3 ProductFootprint (a JSON-ready dict)."""
    if version not in CATENAX_VERSIONS:
        raise DataFormatError("Catena-X export", f"version: expected 9.0.0 or 7.0.0, not {version}")
    if waste_incineration not in _WASTE:
        raise DataFormatError(
            "Catena-X export",
            f"waste incineration allocation: expected one of {', '.join(_WASTE)}, "
            f"got {waste_incineration!r}",
        )
    pcf: dict[str, Any] = footprint["pcf"]
    packaging = pcf.get("packagingEmissionsIncluded", packaging_included)
    if packaging_included is not None:
        packaging = packaging_included
    if packaging is None:
        raise DataFormatError(
            "Catena-X export",
            "packaging: state whether packaging emissions are included (Catena-X requires it)",
        )
    exempted = _number(pcf, "exemptedEmissionsPercent", 0.0)
    limit = 10.0 if version == "9.0.0" else 5.0
    if exempted > limit:
        raise DataFormatError(
            "Catena-X export",
            f"exemptedEmissionsPercent: Catena-X PCF {version} allows at most {limit:g} %, "
            f"the footprint exempts {exempted:g} %",
        )
    if version == "9.0.0":
        return _v9(footprint, pcf, waste_incineration, bool(packaging), boundary, region, exempted)
    return _v7(footprint, pcf, waste_incineration, bool(packaging), boundary, region, exempted)


def _validity(footprint: dict[str, Any]) -> tuple[str, str]:
    start = footprint.get("validityPeriodStart") or footprint["pcf"]["referencePeriodEnd"]
    end = footprint.get("validityPeriodEnd")
    if not end:
        moment = datetime.fromisoformat(start.replace("Z", "+00:00")) + timedelta(days=3 * 365)
        end = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return start, end


def _v9(
    fp: dict[str, Any],
    pcf: dict[str, Any],
    waste: str,
    packaging: bool,
    boundary: str,
    region: str | None,
    exempted: float,
) -> dict[str, Any]:
    start, end = _validity(fp)
    quality: dict[str, Any] = {}
    if pcf.get("primaryDataShare") is not None:
        quality["primaryDataShare"] = _number(pcf, "primaryDataShare")
    methodology: dict[str, Any] = {
        "massBalancingInformation": [
            {
                "massBalancingUsed": False,
                "freeAttributionInMassBalancing": "not applicable",
                "massBalancingCertificateScheme": "not applicable",
            }
        ],
        "standards": [
            {
                "crossSectoralStandards": [
                    _V2_STANDARDS.get(s, s) for s in pcf.get("crossSectoralStandards", [])
                ],
                "productOrSectorSpecificRules": [
                    str(r.get("ruleNames", r)) if isinstance(r, dict) else str(r)
                    for r in pcf.get("productOrSectorSpecificRules", [])
                ],
            }
        ],
        "gwpCharacterizationFactorDetails": [
            {"ipccCharacterizationFactors": (pcf.get("ipccCharacterizationFactors") or ["AR6"])[0]}
        ],
        "allocationInForeground": [{"allocationWasteIncineration": waste}],
    }
    technology: dict[str, Any] = {"ccsTechnologicalCO2CaptureIncluded": False}
    if pcf.get("boundaryProcessesDescription"):
        technology["boundaryProcessesDescription"] = pcf["boundaryProcessesDescription"]
    production = {
        "pcfIncludingBiogenicUptake": _number(pcf, "pcfIncludingBiogenicUptake"),
        "pcfExcludingBiogenicUptake": _number(pcf, "pcfExcludingBiogenicUptake"),
        "fossilGhgEmissions": _number(pcf, "fossilGhgEmissions"),
        "biogenicCO2Uptake": _number(pcf, "biogenicCO2Uptake", 0.0),
        "landUseChangeGhgEmissions": _number(pcf, "landUseChangeGhgEmissions", 0.0),
        "aircraftGhgEmissions": _number(pcf, "aircraftGhgEmissions", 0.0),
    }
    product: dict[str, Any] = {
        "productNameCompany": fp["productNameCompany"],
        "productIds": list(fp["productIds"]),
        "declaredUnitOfMeasurement": pcf["declaredUnitOfMeasurement"],
        "declaredUnitAmount": _number(pcf, "declaredUnitAmount"),
        "productMassPerDeclaredUnit": _number(pcf, "productMassPerDeclaredUnit"),
        "productDescription": fp.get("productDescription", ""),
    }
    if fp.get("productClassifications"):
        product["productClassifications"] = list(fp["productClassifications"])
    content = {"fossilCarbonContent": _number(pcf, "fossilCarbonContent", 0.0)}
    if pcf.get("biogenicCarbonContent") is not None:
        content["biogenicCarbonContent"] = _number(pcf, "biogenicCarbonContent")
    return {
        "scopeOfPcfForm": [
            {
                "specVersion": "urn:io.catenax.pcf:datamodel:version:9.0.0",
                "partialFullPcf": boundary,
            }
        ],
        "companyAndProductInformation": [
            {
                "companyInformation": [
                    {"companyName": fp["companyName"], "companyIds": list(fp["companyIds"])}
                ],
                "productInformation": [product],
            }
        ],
        "pcfAssessmentAndMethodology": [
            {
                "dataSourcesAndQuality": [quality],
                "pcfAssessmentInformation": [
                    {
                        "technology": [technology],
                        "idAndVersion": [
                            {
                                "id": fp["id"],
                                "version": 0,
                                "status": fp.get("status", "Active"),
                                "retroOrProspectivePcfType": "Retrospective PCF",
                            }
                        ],
                        "boundarySpecifications": [{"exemptedEmissionsPercent": exempted}],
                        "geography": [_region(pcf, region)],
                        "time": [
                            {
                                "referencePeriodStart": pcf["referencePeriodStart"],
                                "referencePeriodEnd": pcf["referencePeriodEnd"],
                                "created": fp["created"],
                                "validityPeriodStart": start,
                                "validityPeriodEnd": end,
                            }
                        ],
                    }
                ],
                "pcfMethodology": [methodology],
            }
        ],
        "general": [{"comment": fp.get("comment", "")}],
        "carbonContent": [content],
        "productLifeCycleStagesAndEmissions": [
            {
                "productionStage": [production],
                "distributionStage": [{"distributionStageIncluded": boundary == "Cradle-to-grave"}],
                "packagingStage": [{"packagingEmissionsIncluded": packaging}],
            }
        ],
    }


def _v7(
    fp: dict[str, Any],
    pcf: dict[str, Any],
    waste: str,
    packaging: bool,
    boundary: str,
    region: str | None,
    exempted: float,
) -> dict[str, Any]:
    start, end = _validity(fp)
    classifications = fp.get("productClassifications") or []
    cpc = next(
        (c.rsplit(":", 1)[1] for c in classifications if ":un-cpc:" in c),
        None,
    )
    if cpc is None:
        raise DataFormatError(
            "Catena-X 7.0.0 export",
            "extWBCSD_productCodeCpc: required; the footprint has no UN CPC classification",
        )
    standards = [
        {"crossSectoralStandard": _V2_STANDARDS[s]}
        for s in pcf.get("crossSectoralStandards", [])
        if s in _V2_STANDARDS
    ] or [{"crossSectoralStandard": "Other"}]
    factors = (pcf.get("ipccCharacterizationFactors") or ["AR6"])[0]
    # PACT v2 (and 7.0.0) values are per ONE declared unit; v3 states an amount of them.
    per = _number(pcf, "declaredUnitAmount")

    def each(name: str, default: float | None = None) -> float:
        return _number(pcf, name, default) / per

    if factors not in ("AR5", "AR6"):
        raise DataFormatError(
            "Catena-X 7.0.0 export", f"characterization factors: AR5 or AR6, not {factors}"
        )
    body: dict[str, Any] = {
        "declaredUnit": pcf["declaredUnitOfMeasurement"],
        "unitaryProductAmount": per,
        "productMassPerDeclaredUnit": each("productMassPerDeclaredUnit"),
        "exemptedEmissionsPercent": exempted,
        **_region(pcf, region),
        "referencePeriodStart": pcf["referencePeriodStart"],
        "referencePeriodEnd": pcf["referencePeriodEnd"],
        "crossSectoralStandardsUsed": standards,
        "productOrSectorSpecificRules": [],
        "extWBCSD_characterizationFactors": factors,
        "extTFS_allocationWasteIncineration": waste,
        "secondaryEmissionFactorSources": [],
        "extWBCSD_packagingEmissionsIncluded": packaging,
        "pcfExcludingBiogenic": each("pcfExcludingBiogenicUptake"),
        "pcfIncludingBiogenic": each("pcfIncludingBiogenicUptake"),
        "fossilGhgEmissions": each("fossilGhgEmissions"),
        "biogenicCarbonWithdrawal": each("biogenicCO2Uptake", 0.0),
        "dlucGhgEmissions": each("landUseChangeGhgEmissions", 0.0),
        "aircraftGhgEmissions": each("aircraftGhgEmissions", 0.0),
        "extWBCSD_fossilCarbonContent": each("fossilCarbonContent", 0.0),
    }
    if pcf.get("primaryDataShare") is not None:
        body["primaryDataShare"] = _number(pcf, "primaryDataShare")
    if pcf.get("boundaryProcessesDescription"):
        body["boundaryProcessesDescription"] = pcf["boundaryProcessesDescription"]
    return {
        "id": fp["id"],
        "specVersion": "urn:io.catenax.pcf:datamodel:version:7.0.0",
        "partialFullPcf": boundary,
        "version": 0,
        "created": fp["created"],
        "extWBCSD_pfStatus": fp.get("status", "Active"),
        "validityPeriodStart": start,
        "validityPeriodEnd": end,
        "comment": fp.get("comment", ""),
        "companyName": fp["companyName"],
        "companyIds": list(fp["companyIds"]),
        "productDescription": fp.get("productDescription", ""),
        "productIds": list(fp["productIds"]),
        "extWBCSD_productCodeCpc": cpc,
        "productName": fp["productNameCompany"],
        "pcf": body,
    }


# --------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------


def _one(node: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    items = node.get(name)
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        raise DataFormatError(where, f"{name}: expected a list with one object")
    first: dict[str, Any] = items[0]
    return first


def _day(text: str, *, end: bool = False) -> date:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    day = moment.date()
    # PACT and Catena-X write the end of the period as the instant it ends: midnight
    # is the day after the last day included, 23:59:59 the last day itself.
    return day - timedelta(days=1) if end and moment.time() == datetime.min.time() else day


def read_catenax(document: object, *, source: str) -> SupplierFootprint:
    """A Catena-X PCF (9.0.0 or 7.0.0) as a supplier's footprint; ``source`` names the
    file or URL it came from (errors name it and the field)."""
    if not isinstance(document, dict):
        raise DataFormatError(source, "expected a Catena-X PCF: a JSON object")
    try:
        if "productLifeCycleStagesAndEmissions" in document:
            return _read_v9(document, source)
        if isinstance(document.get("pcf"), dict) and "extWBCSD_pfStatus" in document:
            return _read_v7(document, source)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise DataFormatError(
            source, f"not a valid Catena-X PCF: missing or wrong {error}"
        ) from None
    except (DomainError, UnitError) as error:
        raise DataFormatError(source, str(error)) from None
    raise DataFormatError(source, "neither a Catena-X PCF 9.0.0 nor 7.0.0 document")


def _unit(name: str, source: str, where: str) -> str:
    if name not in _UNITS:
        raise DataFormatError(source, f"{where}: unit {name!r} is not one Tanji converts")
    return _UNITS[name]


def _read_v9(d: dict[str, Any], source: str) -> SupplierFootprint:
    info = _one(d, "companyAndProductInformation", source)
    company = _one(info, "companyInformation", source)
    product = _one(info, "productInformation", source)
    method = _one(d, "pcfAssessmentAndMethodology", source)
    assessment = _one(method, "pcfAssessmentInformation", source)
    ident = _one(assessment, "idAndVersion", source)
    time = _one(assessment, "time", source)
    geography = _one(assessment, "geography", source)
    quality = _one(method, "dataSourcesAndQuality", source)
    stages = _one(d, "productLifeCycleStagesAndEmissions", source)
    production = _one(stages, "productionStage", source)
    total = float(production["pcfIncludingBiogenicUptake"])
    excluding = float(production["pcfExcludingBiogenicUptake"])
    share = quality.get("primaryDataShare")
    return SupplierFootprint(
        ref=str(ident["id"]),
        version=str(ident["version"]),
        product_id=str(product["productIds"][0]),
        product_name=str(product["productNameCompany"]),
        company=str(company["companyName"]),
        declared_amount=float(product["declaredUnitAmount"]),
        declared_unit=_unit(
            product["declaredUnitOfMeasurement"], source, "declaredUnitOfMeasurement"
        ),
        total=total,
        biogenic=total - excluding,
        dluc=float(production.get("landUseChangeGhgEmissions", 0.0)),
        aircraft=float(production.get("aircraftGhgEmissions", 0.0)),
        primary_data_share=float(share) / 100 if share is not None else None,
        quality=PefQuality(
            ter=_dqr(quality.get("technologicalDQR")),
            ger=_dqr(quality.get("geographicalDQR")),
            tir=_dqr(quality.get("temporalDQR")),
        ),
        period_start=_day(time["referencePeriodStart"]),
        period_end=_day(time["referencePeriodEnd"], end=True),
        geography=str(
            geography.get("geographyCountrySubdivision")
            or geography.get("geographyCountry")
            or geography.get("geographyRegionOrSubregion", "")
        ),
        verified=bool(d.get("attestationOfConformance")),
        verifier=str((d.get("attestationOfConformance") or [{}])[0].get("providerName", "")),
        source=f"Catena-X PCF 9.0.0 {source}",
    )


def _dqr(value: object) -> int | None:
    if value is None:
        return None
    return min(5, max(1, int(Decimal(str(value)).to_integral_value())))


def _read_v7(d: dict[str, Any], source: str) -> SupplierFootprint:
    pcf = d["pcf"]
    total = float(pcf.get("pcfIncludingBiogenic", pcf["pcfExcludingBiogenic"]))
    excluding = float(pcf["pcfExcludingBiogenic"])
    share = pcf.get("primaryDataShare")
    return SupplierFootprint(
        ref=str(d["id"]),
        version=str(d["version"]),
        product_id=str(d["productIds"][0]),
        product_name=str(d["productName"]),
        company=str(d["companyName"]),
        declared_amount=1.0,
        declared_unit=_unit(pcf["declaredUnit"], source, "pcf.declaredUnit"),
        total=total,
        biogenic=total - excluding,
        dluc=float(pcf.get("dlucGhgEmissions", 0.0)),
        aircraft=float(pcf.get("aircraftGhgEmissions", 0.0)),
        primary_data_share=float(share) / 100 if share is not None else None,
        period_start=_day(pcf["referencePeriodStart"]),
        period_end=_day(pcf["referencePeriodEnd"], end=True),
        geography=str(
            pcf.get("geographyCountrySubdivision")
            or pcf.get("geographyCountry")
            or pcf.get("geographyRegionOrSubregion", "")
        ),
        source=f"Catena-X PCF 7.0.0 {source}",
    )
