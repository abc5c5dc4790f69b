"""The public JSON contract of results, comparisons and jobs (API v1)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tanji.services.results import Comparison, ResultDetail, ResultSummary
from tanji.web.api.common import Timestamp
from tanji.web.jobs import Job, JobStatus

__all__ = [
    "ComparisonRead",
    "ComparisonRow",
    "FindingRead",
    "JobRead",
    "ResultRead",
    "ResultSummaryRead",
    "RuleUsedRead",
]


class ResultSummaryRead(BaseModel):
    id: int
    product_code: str
    product_id: int | None
    org_id: int | None = Field(description="The owning organisation; null for operator data.")
    version: str
    name_zh: str
    name_en: str
    total: float = Field(description="kg CO2e per declared unit")
    unit: str
    per: str = Field(description="The declared unit, e.g. '1 kWh'")
    method: str = Field(description="The GWP set, e.g. ipcc-ar6-gwp100")
    created_at: Timestamp
    illustrative: bool
    iterations: int = Field(description="Monte Carlo iterations; 0 when none was run")

    @classmethod
    def of(cls, s: ResultSummary) -> ResultSummaryRead:
        return cls(
            id=s.id,
            product_code=s.product_code,
            product_id=s.product_id,
            org_id=s.org_id,
            version=s.version,
            name_zh=s.name_zh,
            name_en=s.name_en,
            total=s.total,
            unit=s.unit,
            per=s.per,
            method=s.method,
            created_at=s.created_at,
            illustrative=s.illustrative,
            iterations=s.iterations,
        )


class RuleUsedRead(BaseModel):
    ref: str
    title_zh: str
    title_en: str
    applied: bool


class FindingRead(BaseModel):
    severity: str
    code: str
    message: str
    line: str
    clause: str


class ResultRead(BaseModel):
    summary: ResultSummaryRead
    rule: RuleUsedRead | None
    findings: list[FindingRead]
    versions: list[ResultSummaryRead] = Field(
        description="Every result of the same product, newest first"
    )
    result: dict[str, Any] = Field(
        description="The result document, as printed by `tanji calc --json` "
        "(format footprint-result/1)"
    )

    @classmethod
    def of(cls, d: ResultDetail) -> ResultRead:
        return cls(
            summary=ResultSummaryRead.of(d.summary),
            rule=RuleUsedRead(
                ref=d.rule.ref,
                title_zh=d.rule.title_zh,
                title_en=d.rule.title_en,
                applied=d.rule.applied,
            )
            if d.rule is not None
            else None,
            findings=[
                FindingRead(
                    severity=f.severity.value,
                    code=f.code,
                    message=f.message,
                    line=f.line,
                    clause=f.clause,
                )
                for f in d.findings
            ],
            versions=[ResultSummaryRead.of(v) for v in d.versions],
            result=dict(d.result),
        )


class ComparisonRow(BaseModel):
    key: str
    a: float
    b: float
    difference: float = Field(description="b − a")
    relative: float | None = Field(description="(b − a) / |a|; null when a is 0")


class ComparisonRead(BaseModel):
    a: ResultSummaryRead
    b: ResultSummaryRead
    total: list[ComparisonRow]
    stages: list[ComparisonRow]
    gases: list[ComparisonRow]
    lines: list[ComparisonRow]
    warnings: list[str]

    @classmethod
    def of(cls, c: Comparison) -> ComparisonRead:
        t = c.table

        def rows(key: str) -> list[ComparisonRow]:
            return [ComparisonRow(**row) for row in t[key]]

        return cls(
            a=ResultSummaryRead.of(c.a),
            b=ResultSummaryRead.of(c.b),
            total=rows("total"),
            stages=rows("stages"),
            gases=rows("gases"),
            lines=rows("lines"),
            warnings=list(t["warnings"]),
        )


class JobRead(BaseModel):
    id: str
    title: str
    status: JobStatus
    done: int
    total: int
    fraction: float = Field(description="0…1")
    message: str
    result_url: str | None = Field(description="Where to go when the job is done")
    error: str | None = Field(description="Why the job failed, for the user")

    @classmethod
    def of(cls, job: Job) -> JobRead:
        return cls(
            id=job.id,
            title=job.title,
            status=job.status,
            done=job.done,
            total=job.total,
            fraction=job.fraction,
            message=job.message,
            result_url=job.result_url,
            error=job.error,
        )
