"""The workspace's JSON contract (``/api/v1/products``): by intent — create, read, write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from tanji.domain.rules import Finding
from tanji.services.product_calculation import FindingsReport, SavedResult
from tanji.services.product_facts import ProductFacts
from tanji.services.product_lines import InlineFactor, Instrument, LineInput
from tanji.services.products import (
    ActivityDataReport,
    ProductSummary,
    Template,
    Version,
    WorkspaceProduct,
)
from tanji.web.api.common import Timestamp

__all__ = [
    "ActivityDataRead",
    "CalculateRequest",
    "CalculationRead",
    "FindingList",
    "FindingRead",
    "LineWrite",
    "ProductCreate",
    "ProductDetailRead",
    "ProductFactsWrite",
    "ProductList",
    "ProductRead",
    "TemplateList",
    "TemplateRead",
    "VersionList",
    "VersionRead",
]


class TemplateRead(BaseModel):
    key: str
    rule_id: str
    title: dict[str, str]
    description: dict[str, str]

    @classmethod
    def of(cls, t: Template) -> TemplateRead:
        return cls(
            key=t.key,
            rule_id=t.rule_id,
            title={"zh": t.title.zh, "en": t.title.en},
            description={"zh": t.description.zh, "en": t.description.en},
        )


class TemplateList(BaseModel):
    count: int
    data: list[TemplateRead]


class VersionRead(BaseModel):
    result_id: int
    total: float
    unit: str
    per: str
    created_at: Timestamp
    created_by: int | None
    fingerprint: str
    iterations: int
    illustrative: bool
    result_url: str

    @classmethod
    def of(cls, v: Version) -> VersionRead:
        return cls(
            result_id=v.result_id,
            total=v.total,
            unit=v.unit,
            per=v.per,
            created_at=v.created_at,
            created_by=v.created_by,
            fingerprint=v.fingerprint,
            iterations=v.iterations,
            illustrative=v.illustrative,
            result_url=f"/workspace/results/{v.result_id}",
        )


class VersionList(BaseModel):
    count: int
    data: list[VersionRead]


class ProductRead(BaseModel):
    id: int
    code: str
    name_zh: str
    name_en: str
    category: str
    rule_ref: str | None
    updated_at: Timestamp
    lines: int
    latest: VersionRead | None
    version: int = Field(
        description="the product's version, also its ETag: send it as If-Match with a change"
    )

    @classmethod
    def of(cls, p: ProductSummary) -> ProductRead:
        return cls(
            id=p.id,
            code=p.code,
            name_zh=p.name_zh,
            name_en=p.name_en,
            category=p.category,
            rule_ref=p.rule_ref,
            updated_at=p.updated_at,
            lines=p.lines,
            latest=VersionRead.of(p.latest) if p.latest else None,
            version=p.version,
        )


class ProductList(BaseModel):
    count: int
    data: list[ProductRead]


class ProductDetailRead(ProductRead):
    document: dict[str, Any] = Field(description="the working product-model/1 document")

    @classmethod
    def of_product(cls, p: WorkspaceProduct) -> ProductDetailRead:
        base = ProductRead.of(p.summary).model_dump()
        return cls(**base, document=dict(p.document))


class ProductCreate(BaseModel):
    template: Literal["battery", "pv", "steel", "general"] = Field(
        description="the rule template the product starts from"
    )
    code: str = Field(description="unique in your organisation, e.g. lfp-cell-280")
    name_zh: str = ""
    name_en: str = ""
    declared_unit: str | None = Field(None, description="e.g. '1 kWh' (default: the rule's)")
    output: str | None = Field(None, description="the production the lines cover, e.g. '1000 kWh'")
    company: str | None = Field(
        None, description="ignored: the company is the owning organisation's name"
    )
    site: str = ""


class InlineFactorWrite(BaseModel):
    unit: str
    co2e_kg: float
    publisher: str
    title: str
    name: str = ""
    year: int | None = None
    url: str = ""


class InstrumentWrite(BaseModel):
    instrument: Literal["green-certificate", "green-power", "ppa"]
    ids: list[str]
    evidence: str
    mwh: float | None = Field(None, description="energy covered (green power, PPA)")


class LineWrite(BaseModel):
    """One line; only the fields of its ``kind`` are read."""

    id: str
    stage: str
    kind: Literal["factor", "inline", "activity", "supplier", "electricity", "transport", "gas"]
    name: str = ""
    amount: float | None = Field(None, description="the quantity (all kinds but transport)")
    unit: str = ""
    process: str = Field("", description="the rule process the line models")
    data: Literal["primary", "secondary"] = "secondary"
    evidence: str = ""
    factor: str = Field("", description="factor/transport: DATABASE:CODE[@VERSION]")
    inline: InlineFactorWrite | None = None
    activity: str = ""
    supplier: str = Field("", description="the supplier product's id on the platform")
    gas: str = ""
    geography: str = "CN-JS"
    year: int | None = None
    instruments: list[InstrumentWrite] = []
    mode: str = Field("", description="transport: road, rail, sea-container, sea-bulk, …")
    mass_t: float | None = None
    distance_km: float | None = None

    def to_input(self) -> LineInput:
        inline = InlineFactor(**self.inline.model_dump()) if self.inline else None
        instruments = tuple(
            Instrument(i.instrument, tuple(i.ids), i.evidence, i.mwh) for i in self.instruments
        )
        fields = self.model_dump(exclude={"inline", "instruments"})
        return LineInput(**fields, inline=inline, instruments=instruments)


class ProductFactsWrite(BaseModel):
    """The product's facts, all of them (an empty text removes an optional fact); the
    service checks each and names the field at fault."""

    name_zh: str = ""
    name_en: str = ""
    declared_unit: str = Field(description="what the footprint is per, e.g. '1 kWh'")
    output: str = Field(
        "", description="the production the lines cover, e.g. '100000 kWh' (default: 1 unit)"
    )
    functional_unit_zh: str = ""
    functional_unit_en: str = ""
    functional_unit_declared_units: float | None = Field(
        None, description="declared units per functional unit"
    )
    company: str = Field("", description="ignored: the owning organisation's name is kept")
    site: str = ""
    boundary: Literal["cradle-to-gate", "cradle-to-grave"] = "cradle-to-gate"
    period_start: str = Field("", description="reference period start, YYYY-MM-DD")
    period_end: str = Field("", description="reference period end, YYYY-MM-DD")
    gtin: str = ""
    company_code: str = ""
    industrial_internet: str = Field("", description="industrial internet identifier")

    def to_facts(self) -> ProductFacts:
        return ProductFacts(**self.model_dump())


class FindingRead(BaseModel):
    severity: str
    code: str
    message: str = Field(description="In the language asked for (Accept-Language)")
    line: str = Field(description="Where in the model file: file, line number, field")
    clause: str
    line_id: str = Field("", description="The id of the model's line it is about, if any")

    @classmethod
    def of(cls, f: Finding, say: Callable[[str], str] | None = None) -> FindingRead:
        return cls(
            severity=f.severity.value,
            code=f.code,
            message=say(f.message) if say is not None else f.message,
            line=f.line,
            clause=f.clause,
            line_id=f.line_id,
        )


class FindingList(BaseModel):
    rule: str | None
    errors: int
    warnings: int
    data: list[FindingRead]

    @classmethod
    def of(cls, report: FindingsReport, say: Callable[[str], str] | None = None) -> FindingList:
        return cls(
            rule=report.rule.ref if report.rule else None,
            errors=report.errors,
            warnings=report.warnings,
            data=[FindingRead.of(f, say) for f in report.findings],
        )


class ActivityDataRead(BaseModel):
    applied: bool
    changes: list[str]
    problems: list[str] = Field(description="by cell; when there are any, nothing changed")
    notes: list[str] = Field(
        default_factory=list,
        description="lines changed, removed or added since the workbook was downloaded",
    )

    @classmethod
    def of(cls, report: ActivityDataReport) -> ActivityDataRead:
        return cls(
            applied=report.applied,
            changes=list(report.changes),
            problems=list(report.problems),
            notes=list(report.notes),
        )


class CalculateRequest(BaseModel):
    iterations: int = Field(0, ge=0, description="Monte Carlo iterations (0: none)")
    seed: int | None = None


class CalculationRead(BaseModel):
    result_id: int
    total: float
    unit: str
    per: str
    illustrative: bool
    result_url: str

    @classmethod
    def of(cls, saved: SavedResult) -> CalculationRead:
        return cls(
            result_id=saved.result_id,
            total=saved.total,
            unit=saved.unit,
            per=saved.per,
            illustrative=saved.illustrative,
            result_url=f"/workspace/results/{saved.result_id}",
        )
