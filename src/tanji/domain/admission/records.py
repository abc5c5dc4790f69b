"""What is submitted to a background database: a record, its quantities, its evidence.

A submission turns an enterprise's or association's data into a candidate background
record: an LCI activity (aggregated to its cradle-to-gate value per unit), an emission
factor, or a footprint result (ideally certified). Every record carries the quantities
behind its value (metered electricity, production volume, purchased materials, …), each
naming the evidence files it traces to, and the data-quality ratings (PEF TeR, GeR, TiR,
P) the submitter claims. Fields named confidential are withheld from the public record
and shown only to the reviewers and the competent department.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tanji.domain.admission.reasons import Reason
from tanji.domain.factors import GWP_BASES, PefQuality

__all__ = [
    "CONFIDENTIAL_ALLOWED",
    "WITHHELD",
    "BackgroundRecord",
    "EvidenceItem",
    "EvidenceKind",
    "Quantity",
    "RecordKind",
    "UnitExchange",
    "public_view",
]

#: What a withheld field shows to those who may not see it.
WITHHELD = "withheld"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RecordKind(StrEnum):
    """What a submission turns into a background record."""

    LCI_ACTIVITY = "lci_activity"
    EMISSION_FACTOR = "emission_factor"
    FOOTPRINT_RESULT = "footprint_result"


class EvidenceKind(StrEnum):
    """The kinds of evidence a quantity traces to."""

    METERING_POINT = "metering_point"  # a meter and its readings (电表、燃气表…)
    CALIBRATION_CERTIFICATE = "calibration_certificate"  # 计量器具检定/校准证书
    INVOICE = "invoice"  # purchase invoices (发票)
    PRODUCTION_RECORD = "production_record"  # production ledgers (生产记录)
    CERTIFICATE = "certificate"  # a footprint certificate (产品碳足迹认证证书)
    RESULT_REPORT = "result_report"  # the footprint report of a result
    OTHER = "other"


@dataclass(frozen=True)
class EvidenceItem:
    """One evidence file as the process sees it: its name, kind and SHA-256.

    ``calibrates`` names the metering-point file a calibration certificate covers.
    """

    name: str
    kind: EvidenceKind
    sha256: str
    calibrates: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise Reason("admission.invalid.text", {"field": "evidence name"}).error()
        if not _SHA256.match(self.sha256):
            raise Reason(
                "admission.invalid.sha256", {"name": self.name, "sha256": self.sha256}
            ).error()


@dataclass(frozen=True)
class Quantity:
    """A quantity behind the record's value and the evidence files (by name) it traces to."""

    name: str
    amount: float
    unit: str
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise Reason("admission.invalid.text", {"field": "quantity name"}).error()
        if not math.isfinite(self.amount):
            raise Reason("admission.invalid.number", {"field": self.name, "expected": ""}).error()


@dataclass(frozen=True)
class UnitExchange:
    """One exchange of an LCI activity's unit process, per unit of the record's reference.

    ``kind`` is ``technosphere`` (an input, ``target`` the key of its provider activity in
    the target LCI database) or ``biosphere`` (an emission or resource, ``target`` the key
    of an elementary flow of that database); ``quantity`` names the record's quantity it
    is computed from (the evidence it traces to).
    """

    kind: str
    target: str
    amount: float
    unit: str = ""
    quantity: str = ""

    def __post_init__(self) -> None:
        if self.kind not in EXCHANGE_KINDS:
            raise Reason(
                "admission.invalid.kind",
                {
                    "field": "exchange kind",
                    "value": self.kind,
                    "allowed": ", ".join(EXCHANGE_KINDS),
                },
            ).error()
        if not self.target.strip():
            raise Reason("admission.invalid.text", {"field": "exchange target"}).error()
        if not math.isfinite(self.amount):
            raise Reason(
                "admission.invalid.number", {"field": f"exchange {self.target}", "expected": ""}
            ).error()


#: The exchanges a unit process lists (its reference product is the record itself).
EXCHANGE_KINDS = ("technosphere", "biosphere")


#: The fields a submitter may withhold: the quantities (by ``quantity:<name>``), the
#: product code and the notes. The value, its unit, geography and names are the record
#: itself and are always public.
CONFIDENTIAL_ALLOWED = ("product", "notes")


@dataclass(frozen=True)
class BackgroundRecord:
    """The candidate record: a value in kg CO2e per ``unit`` of ``name`` in ``geography``.

    ``product`` is the product code the record describes (the key of inter-comparison
    with ``geography``); ``gsd`` the geometric standard deviation of a lognormal
    uncertainty (``None`` when unknown); ``result_id`` the footprint result a
    ``footprint_result`` record comes from.
    """

    kind: RecordKind
    code: str
    name_zh: str
    name_en: str
    unit: str
    geography: str
    product: str
    year: int
    co2e: float
    dqr: PefQuality
    gwp_basis: str = "IPCC-AR6-GWP100"
    gsd: float | None = None
    quantities: tuple[Quantity, ...] = ()
    result_id: int | None = None
    confidential: frozenset[str] = field(default_factory=frozenset)
    notes: str = ""
    #: A made-up value (demo, examples): the admitted factor is marked illustrative too.
    illustrative: bool = False
    #: An LCI activity's unit process (per unit of ``unit``), for an LCI database.
    exchanges: tuple[UnitExchange, ...] = ()

    def __post_init__(self) -> None:
        for name in ("code", "unit", "geography", "product"):
            if not str(getattr(self, name)).strip():
                raise Reason("admission.invalid.text", {"field": name}).error()
        if not (self.name_zh.strip() or self.name_en.strip()):
            raise Reason("admission.invalid.text", {"field": "name_zh, name_en"}).error()
        if not (math.isfinite(self.co2e) and self.co2e >= 0):
            raise Reason("admission.invalid.number", {"field": "co2e", "expected": " ≥ 0"}).error()
        if self.gwp_basis not in GWP_BASES:
            raise Reason(
                "admission.invalid.kind",
                {"field": "gwp_basis", "value": self.gwp_basis, "allowed": ", ".join(GWP_BASES)},
            ).error()
        if self.gsd is not None and not (math.isfinite(self.gsd) and self.gsd > 1):
            raise Reason("admission.invalid.number", {"field": "gsd", "expected": " > 1"}).error()
        if not 1900 <= self.year <= 2100:
            raise Reason("admission.invalid.number", {"field": "year", "expected": ""}).error()
        if None in (self.dqr.ter, self.dqr.ger, self.dqr.tir, self.dqr.p):
            raise Reason("admission.invalid.text", {"field": "dqr (TeR, GeR, TiR, P)"}).error()
        known = {*CONFIDENTIAL_ALLOWED, *(f"quantity:{q.name}" for q in self.quantities)}
        for name in sorted(self.confidential - known):
            raise Reason(
                "admission.invalid.confidential",
                {"field": name, "known": ", ".join(sorted(known))},
            ).error()
        if self.exchanges and self.kind is not RecordKind.LCI_ACTIVITY:
            raise Reason(
                "admission.invalid.kind",
                {"field": "exchanges", "value": self.kind.value, "allowed": "lci_activity"},
            ).error()
        names = {q.name for q in self.quantities}
        for exchange in self.exchanges:
            if exchange.quantity and exchange.quantity not in names:
                raise Reason(
                    "admission.invalid.kind",
                    {"field": f"exchange {exchange.target}: quantity",
                     "value": exchange.quantity, "allowed": ", ".join(sorted(names))},
                ).error()  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """Every field, as stored (the confidential ones included)."""
        return {
            "kind": self.kind.value,
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "unit": self.unit,
            "geography": self.geography,
            "product": self.product,
            "year": self.year,
            "co2e": self.co2e,
            "gwp_basis": self.gwp_basis,
            "gsd": self.gsd,
            "dqr": {"ter": self.dqr.ter, "ger": self.dqr.ger, "tir": self.dqr.tir, "p": self.dqr.p},
            "quantities": [
                {"name": q.name, "amount": q.amount, "unit": q.unit, "evidence": list(q.evidence)}
                for q in self.quantities
            ],
            "result_id": self.result_id,
            "confidential": sorted(self.confidential),
            "notes": self.notes,
            "illustrative": self.illustrative,
            "exchanges": [
                {"kind": e.kind, "target": e.target, "amount": e.amount, "unit": e.unit,
                 "quantity": e.quantity}
                for e in self.exchanges
            ],
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BackgroundRecord:
        dqr = data.get("dqr") or {}
        return cls(
            kind=RecordKind(data["kind"]),
            code=str(data["code"]),
            name_zh=str(data.get("name_zh") or ""),
            name_en=str(data.get("name_en") or ""),
            unit=str(data["unit"]),
            geography=str(data["geography"]),
            product=str(data["product"]),
            year=int(data["year"]),
            co2e=float(data["co2e"]),
            gwp_basis=str(data.get("gwp_basis") or "IPCC-AR6-GWP100"),
            gsd=None if data.get("gsd") is None else float(data["gsd"]),
            dqr=PefQuality(dqr.get("ter"), dqr.get("ger"), dqr.get("tir"), dqr.get("p")),
            quantities=tuple(
                Quantity(
                    str(q["name"]),
                    float(q["amount"]),
                    str(q["unit"]),
                    tuple(q.get("evidence") or ()),
                )
                for q in data.get("quantities") or ()
            ),
            result_id=None if data.get("result_id") is None else int(data["result_id"]),
            confidential=frozenset(data.get("confidential") or ()),
            notes=str(data.get("notes") or ""),
            illustrative=bool(data.get("illustrative")),
            exchanges=tuple(
                UnitExchange(
                    str(e["kind"]),
                    str(e["target"]),
                    float(e["amount"]),
                    str(e.get("unit") or ""),
                    str(e.get("quantity") or ""),
                )
                for e in data.get("exchanges") or ()
            ),
        )


def public_view(record: BackgroundRecord) -> dict[str, Any]:
    """The record as anyone may read it: confidential fields show :data:`WITHHELD`."""
    data = record.as_dict()
    for name in record.confidential:
        if name.startswith("quantity:"):
            wanted = name.removeprefix("quantity:")
            for quantity in data["quantities"]:
                if quantity["name"] == wanted:
                    quantity["amount"] = WITHHELD
                    quantity["unit"] = WITHHELD
        else:
            data[name] = WITHHELD
    return data
