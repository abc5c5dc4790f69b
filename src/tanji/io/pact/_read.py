"""Reading PACT ProductFootprint JSON (v2.x and v3.0) into :class:`SupplierFootprint`."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tanji.domain.factors import DomainError, PefQuality
from tanji.domain.suppliers import SupplierFootprint
from tanji.domain.units import UnitError
from tanji.io.errors import DataFormatError
from tanji.io.pact._schema import (
    _official_validator,
    _pointer,
    _show,
    _tanji_validator,
    _validate,
)
from tanji.io.pact._vocab import (
    _GEOGRAPHY_FIELDS,
    _SPEC_VERSION,
    _V2_UNITS,
    _V3_UNITS,
    OFFICIAL_SCHEMA_FILES,
    JsonPath,
)

# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


class _JsonError(ValueError):
    pass


def _no_constant(name: str) -> object:
    raise _JsonError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _load(path: Path) -> Any:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFormatError(source, "no such file") from None
    except UnicodeDecodeError:
        raise DataFormatError(source, "not UTF-8 text (PACT JSON is UTF-8)") from None
    except OSError as error:
        raise DataFormatError(source, f"cannot read the file: {error.strerror or error}") from None
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise DataFormatError(
            source, f"not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except _JsonError as error:
        raise DataFormatError(source, f"not valid JSON: {error}") from None
    except RecursionError:
        raise DataFormatError(source, "not valid JSON: nested too deeply") from None


def _footprints(document: object, source: str) -> list[tuple[JsonPath, object]]:
    """The ProductFootprints a PACT file holds, each with its JSON path."""
    if isinstance(document, list):
        return [((index,), item) for index, item in enumerate(document)]
    if not isinstance(document, dict):
        raise DataFormatError(
            source, f"expected a PACT ProductFootprint (a JSON object), got {_show(document)}"
        )
    if "pcf" in document or "specVersion" in document:
        return [((), document)]
    if "specversion" in document and "type" in document:  # a CloudEvents event
        payload = document.get("data")
        pfs = payload.get("pfs") if isinstance(payload, dict) else None
        if isinstance(pfs, list):
            return [(("data", "pfs", index), item) for index, item in enumerate(pfs)]
        raise DataFormatError(
            source,
            f"a PACT event ({document['type']}) that carries no ProductFootprint; only a "
            "RequestFulfilled event holds footprints, in data.pfs",
        )
    if "data" in document:
        payload = document["data"]
        if isinstance(payload, list):
            return [(("data", index), item) for index, item in enumerate(payload)]
        if isinstance(payload, dict):
            return [(("data",), payload)]
        raise DataFormatError(
            source, f"data: expected a ProductFootprint or a list of them, got {_show(payload)}"
        )
    if "code" in document and "message" in document:
        raise DataFormatError(
            source,
            f"a PACT error response ({document['code']}: {document['message']}), "
            "not a ProductFootprint",
        )
    raise DataFormatError(
        source,
        "expected a PACT ProductFootprint (an object with specVersion and pcf), a response "
        '{"data": [...]} or a RequestFulfilled event; found none of these',
    )


def read_pact_all(path: Path, *, schema_dir: Path | None = None) -> list[SupplierFootprint]:
    """Every ProductFootprint of a PACT JSON file (one footprint, a response, an event).

    ``schema_dir``: the folder of the official PACT JSON Schemas (see
    :data:`OFFICIAL_SCHEMA_FILES`); when given, each footprint must also pass the one of
    its ``specVersion``.
    """
    source = str(path)
    return [
        _Reader(path, prefix, schema_dir).footprint(item)
        for prefix, item in _footprints(_load(path), source)
    ]


def read_pact(path: Path, *, schema_dir: Path | None = None) -> SupplierFootprint:
    """The one ProductFootprint of a PACT JSON file; see :func:`read_pact_all`."""
    footprints = read_pact_all(path, schema_dir=schema_dir)
    if len(footprints) != 1:
        found = "no ProductFootprint" if not footprints else f"{len(footprints)} ProductFootprints"
        raise DataFormatError(
            str(path), f"expected exactly one ProductFootprint, found {found} (use read_pact_all)"
        )
    return footprints[0]


def read_pact_object(
    item: object, *, source: str, schema_dir: Path | None = None
) -> SupplierFootprint:
    """One ProductFootprint already parsed from JSON (an API answer, an event's ``pfs``);
    ``source`` names where it came from (a URL) in errors and in the footprint's source."""
    reader = _Reader(Path("pact.json"), (), schema_dir)
    reader.source = source  # a URL is no path: Path would fold its "//"
    supplier = reader.footprint(item)
    spec = item.get("specVersion") if isinstance(item, dict) else ""
    return replace(supplier, source=f"PACT {spec} {source}")


def _official_file(major: int, minor: int) -> str:
    if major == 2:
        return OFFICIAL_SCHEMA_FILES[(2, 3) if minor >= 3 else (2, 2)]
    return OFFICIAL_SCHEMA_FILES[(3, 0)]


class _Reader:
    def __init__(self, path: Path, prefix: JsonPath, schema_dir: Path | None) -> None:
        self.path = path
        self.source = str(path)
        self.prefix = prefix
        self.schema_dir = schema_dir

    def fail(self, path: JsonPath, problem: str) -> DataFormatError:
        return DataFormatError(self.source, f"{_pointer((*self.prefix, *path))}: {problem}")

    def footprint(self, item: object) -> SupplierFootprint:
        if not isinstance(item, dict):
            raise self.fail((), f"expected a ProductFootprint (a JSON object), got {_show(item)}")
        spec = item.get("specVersion")
        if spec is None:
            raise self.fail(("specVersion",), "required, but missing")
        if not isinstance(spec, str) or not re.fullmatch(_SPEC_VERSION, spec):
            raise self.fail(
                ("specVersion",),
                f'expected a version such as "2.3.0" or "3.0.0", got {_show(spec)}',
            )
        major, minor = (int(part) for part in spec.split(".")[:2])
        if major not in (2, 3):
            raise self.fail(
                ("specVersion",), f"PACT {spec} is not supported: Tanji reads PACT 2.x and 3.0"
            )
        _validate(
            _tanji_validator(major),
            item,
            self.prefix,
            self.source,
            f"not a valid PACT {spec} ProductFootprint",
            ours=True,
        )
        if self.schema_dir is not None:
            name = _official_file(major, minor)
            _validate(
                _official_validator((self.schema_dir / name).resolve()),
                item,
                self.prefix,
                self.source,
                f"not a valid PACT {spec} ProductFootprint (official schema {name})",
                ours=False,
            )
        try:
            return self.build(item, spec, major)
        except (DomainError, UnitError) as error:
            raise self.fail((), str(error)) from None

    def build(self, item: Mapping[str, Any], spec: str, major: int) -> SupplierFootprint:
        pcf: Mapping[str, Any] = item["pcf"]
        if major == 2:
            version = str(int(item["version"]))
            unit = _V2_UNITS[pcf["declaredUnit"]]
            amount = Decimal(1)
            excluding = self.decimal(pcf, "pCfExcludingBiogenic")
            including = self.decimal(pcf, "pCfIncludingBiogenic")
            dluc = self.decimal(pcf, "dLucGhgEmissions")
            share = pcf.get("primaryDataShare")
            primary = None if share is None else Decimal(str(share))
            assurance = pcf.get("assurance")
            proof: Mapping[str, Any] = assurance if isinstance(assurance, dict) else {}
            verified = proof.get("assurance") is True
        else:
            version = str(item.get("updated") or item["created"])
            name = pcf["declaredUnitOfMeasurement"]
            if name not in _V3_UNITS:
                raise self.fail(
                    ("pcf", "declaredUnitOfMeasurement"),
                    f"{name!r} has no unit in Tanji's unit registry (bits are dimensionless "
                    "there, so megabit-seconds would convert to hours)",
                )
            unit = _V3_UNITS[name]
            amount = self.decimal(pcf, "declaredUnitAmount") or Decimal(0)
            if amount <= 0:
                raise self.fail(
                    ("pcf", "declaredUnitAmount"), f"expected an amount > 0, got {amount}"
                )
            excluding = self.decimal(pcf, "pcfExcludingBiogenicUptake")
            including = self.decimal(pcf, "pcfIncludingBiogenicUptake")
            dluc = self.decimal(pcf, "landUseChangeGhgEmissions")
            primary = self.decimal(pcf, "primaryDataShare")
            verification = pcf.get("verification")
            verified = isinstance(verification, dict)
            proof = verification if isinstance(verification, dict) else {}
        assert excluding is not None  # required by the schema
        if primary is not None and not 0 <= primary <= 100:
            raise self.fail(
                ("pcf", "primaryDataShare"), f"expected a percentage from 0 to 100, got {primary}"
            )
        total = including if including is not None else excluding
        biogenic = including - excluding if including is not None else Decimal(0)
        aircraft = self.decimal(pcf, "aircraftGhgEmissions")
        start = self.moment(pcf, "referencePeriodStart")
        end = self.moment(pcf, "referencePeriodEnd")
        last_day = end.date() - timedelta(days=1) if end.time() == time(0) else end.date()
        return SupplierFootprint(
            ref=item["id"],
            version=version,
            product_id=item["productIds"][0],
            product_name=item["productNameCompany"],
            company=item["companyName"],
            declared_amount=float(amount),
            declared_unit=unit,
            total=float(total),
            biogenic=float(biogenic),
            dluc=float(dluc or Decimal(0)),
            aircraft=float(aircraft or Decimal(0)),
            primary_data_share=None if primary is None else float(primary / 100),
            quality=self.quality(pcf.get("dqi"), major),
            period_start=start.date(),
            period_end=last_day,
            geography=next((pcf[name] for name in _GEOGRAPHY_FIELDS if name in pcf), ""),
            verified=verified,
            verifier=str(proof.get("providerName", "")) if verified else "",
            source=f"PACT {spec} file {self.path.name}",
        )

    def decimal(self, pcf: Mapping[str, Any], name: str) -> Decimal | None:
        value = pcf.get(name)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError):  # the schema makes this unreachable
            raise self.fail(
                ("pcf", name), f"expected a decimal string, got {_show(value)}"
            ) from None
        if not math.isfinite(float(number)):
            raise self.fail(("pcf", name), f"the number {_show(value)} is too large")
        return number

    def moment(self, pcf: Mapping[str, Any], name: str) -> datetime:
        text = str(pcf[name])
        try:
            return datetime.fromisoformat(text.upper())
        except ValueError:
            raise self.fail(("pcf", name), f"not a valid date-time: {text!r}") from None

    def quality(self, dqi: object, major: int) -> PefQuality:
        if not isinstance(dqi, dict):
            return PefQuality()

        def rating(name: str) -> int | None:
            value = dqi.get(name)
            if value is None:
                return None
            score = int(Decimal(str(value)).to_integral_value(rounding=ROUND_HALF_UP))
            return min(5, max(1, score))

        return PefQuality(
            ter=rating("technologicalDQR"),
            ger=rating("geographicalDQR"),
            tir=rating("temporalDQR"),
            p=rating("reliabilityDQR") if major == 2 else None,
        )
