"""Wire schemas of ``/api/v1/admission`` (docs/admission.md): by intent, apart from tables."""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, Field

from tanji.domain.admission import (
    BackgroundRecord,
    Quantity,
    Recommendation,
    RecordKind,
    Review,
    UnitExchange,
)
from tanji.domain.factors import PefQuality
from tanji.services.admission.databases import BackgroundDatabase
from tanji.services.admission.propagation import Dependent
from tanji.services.admission.submissions import EvidenceFile, SubmissionSummary, SubmissionView
from tanji.services.errors import invalid_field


class Dqr(BaseModel):
    """Data-quality ratings 1 (excellent) to 5: TeR, GeR, TiR and precision P (PEF)."""

    ter: int = Field(ge=1, le=5)
    ger: int = Field(ge=1, le=5)
    tir: int = Field(ge=1, le=5)
    p: int = Field(ge=1, le=5)

    def value(self) -> PefQuality:
        return PefQuality(self.ter, self.ger, self.tir, self.p)


class QuantityWrite(BaseModel):
    name: str = Field(max_length=200)
    amount: float
    unit: str = Field(max_length=40)
    evidence: list[str] = Field(default_factory=list, max_length=50)


class UnitExchangeWrite(BaseModel):
    kind: str = Field(description="technosphere (an input from a provider) or biosphere")
    target: str = Field(max_length=200, description="the provider activity's or the "
                        "elementary flow's key in the target LCI database")  # fmt: skip
    amount: float = Field(description="per unit of the record's reference (its unit)")
    unit: str = Field(default="", max_length=40)
    quantity: str = Field(default="", max_length=200, description="the quantity it comes from")


class RecordWrite(BaseModel):
    kind: RecordKind
    code: str = Field(max_length=200)
    name_zh: str = Field(default="", max_length=500)
    name_en: str = Field(default="", max_length=500)
    unit: str = Field(max_length=40)
    geography: str = Field(max_length=80)
    product: str = Field(max_length=200)
    year: int
    co2e: float = Field(description="kg CO2e per unit")
    gwp_basis: str = "IPCC-AR6-GWP100"
    gsd: float | None = None
    dqr: Dqr
    quantities: list[QuantityWrite] = Field(default_factory=list, max_length=200)
    result_id: int | None = None
    confidential: list[str] = Field(default_factory=list, max_length=200)
    notes: str = Field(default="", max_length=5000)
    exchanges: list[UnitExchangeWrite] = Field(
        default_factory=list, max_length=500,
        description="an LCI activity's unit process, for an LCI database",
    )  # fmt: skip

    def value(self) -> BackgroundRecord:
        return BackgroundRecord(
            kind=self.kind, code=self.code, name_zh=self.name_zh, name_en=self.name_en,
            unit=self.unit, geography=self.geography, product=self.product, year=self.year,
            co2e=self.co2e, gwp_basis=self.gwp_basis, gsd=self.gsd, dqr=self.dqr.value(),
            quantities=tuple(Quantity(q.name, q.amount, q.unit, tuple(q.evidence))
                             for q in self.quantities),
            result_id=self.result_id, confidential=frozenset(self.confidential),
            notes=self.notes,
            exchanges=tuple(UnitExchange(e.kind, e.target, e.amount, e.unit, e.quantity)
                            for e in self.exchanges),
        )  # fmt: skip


class EvidenceWrite(BaseModel):
    name: str = Field(max_length=300)
    kind: str = Field(description="metering_point, calibration_certificate, invoice, "
                      "production_record, certificate, result_report, other")  # fmt: skip
    media_type: str = Field(default="application/octet-stream", max_length=120)
    calibrates: str = Field(default="", max_length=300, description="the metering point's file")
    content_base64: str


class SubmissionCreate(BaseModel):
    database_id: int = Field(description="the background database (GET /admission/databases)")
    record: RecordWrite
    evidence: list[EvidenceWrite] = Field(max_length=50)

    def files(self) -> list[EvidenceFile]:
        found = []
        for i, e in enumerate(self.evidence):
            try:
                content = base64.b64decode(e.content_base64, validate=True)
            except (binascii.Error, ValueError):
                raise invalid_field(f"evidence[{i}].content_base64", "Not base64.") from None
            found.append(EvidenceFile(e.name, e.kind, content, e.media_type, e.calibrates))
        return found


class ReviewWrite(BaseModel):
    completeness: int = Field(ge=1, le=5)
    representativeness: int = Field(ge=1, le=5)
    consistency: int = Field(ge=1, le=5, description="with comparable records")
    dqr: Dqr = Field(description="the DQR the reviewer proposes")
    recommendation: Recommendation
    summary: str = Field(max_length=5000)
    comments: dict[str, str] = Field(default_factory=dict, description="field → comment")

    def value(self, org_id: int) -> Review:
        return Review(
            org_id,
            self.completeness,
            self.representativeness,
            self.consistency,
            self.dqr.value(),
            self.recommendation,
            self.summary,
            self.comments,
        )


class RejectWrite(BaseModel):
    reasons: list[str] = Field(max_length=50)


class DatabaseRead(BaseModel):
    id: int
    name: str
    sector: str
    sector_zh: str
    sector_en: str
    scope: str
    operator: str
    department: str
    min_reviews: int
    anonymous_reviews: bool
    visibility: str
    reviewers: list[str]

    @classmethod
    def of(cls, d: BackgroundDatabase) -> DatabaseRead:
        data = asdict(d)
        data.pop("department_org_id")
        return cls(**data)


class DatabaseList(BaseModel):
    count: int
    data: list[DatabaseRead]


class SubmissionRead(BaseModel):
    id: int
    database: str
    sector: str
    submitter: str
    kind: str
    code: str
    product: str
    geography: str
    state: str
    reviews: int
    min_reviews: int
    outlier: bool
    created_at: str

    @classmethod
    def of(cls, s: SubmissionSummary) -> SubmissionRead:
        return cls(**asdict(s))


class SubmissionList(BaseModel):
    count: int
    data: list[SubmissionRead]


class SubmissionDetail(BaseModel):
    submission: SubmissionRead
    record: dict[str, Any]
    full: bool = Field(description="whether you see the confidential fields")
    evidence: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    comparison: dict[str, Any]
    decision_reasons: list[str]
    database_version: str | None
    roles: list[str]

    @classmethod
    def of(cls, v: SubmissionView) -> SubmissionDetail:
        return cls(
            submission=SubmissionRead.of(v.summary), record=v.record, full=v.full,
            evidence=list(v.evidence), reviews=[asdict(r) for r in v.reviews],
            checks=[{"key": c.key, "description": c.description, "blocking": c.blocking,
                     "passed": c.passed, "missing": [m.english() for m in c.missing]}
                    for c in v.checks],
            comparison=v.comparison, decision_reasons=list(v.decision_reasons),
            database_version=v.database_version, roles=sorted(v.roles),
        )  # fmt: skip


class Created(BaseModel):
    id: int


class AdmittedRead(BaseModel):
    submission_id: int
    database: str
    version: str
    factor_ref: str = Field(
        description="database:CODE@n (a factor) or database:key@version (an LCI activity "
        "admitted as a unit process)"
    )


class DependentRead(BaseModel):
    result_id: int
    product_code: str
    product_id: int | None
    total: float
    unit: str
    stale: list[str]

    @classmethod
    def of(cls, d: Dependent) -> DependentRead:
        return cls(result_id=d.result_id, product_code=d.product_code, product_id=d.product_id,
                   total=d.total, unit=d.unit, stale=list(d.stale))  # fmt: skip


class DependentList(BaseModel):
    database: str
    version: str | None
    count: int
    data: list[DependentRead]


class PropagationCreate(BaseModel):
    database: str
    version: str | None = None


class JobStarted(BaseModel):
    job_id: str
    url: str
