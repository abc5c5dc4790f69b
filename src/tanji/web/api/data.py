"""Data imports over the API: upload a factor table or an LCI package; it is imported in
a job (see :mod:`tanji.web.imports`), followed with ``GET /api/v1/jobs/{id}``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from tanji.services import imports
from tanji.services.imports import FORMATS, ImportReport
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.guards import limit
from tanji.web.imports import submit_import
from tanji.web.jobs import JobsDep, JobStatus
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["router"]

router = Router(prefix="/data", tags=["data"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "The caller may not import (factor.import) or not into this database"},
    422: {"description": "An input is missing or invalid (error.fields names each)"},
    429: {"description": "Too many uploads lately (Retry-After)"},
}


class ImportSubmitted(BaseModel):
    """An import accepted and running as a job."""

    job_id: str
    status: JobStatus
    job_url: str = Field(description="Its progress as JSON: GET this until status is done")
    page_url: str = Field(description="Its progress page, for a person")


class ImportRead(BaseModel):
    """What an import stored (the job's ``result_url`` names its page, /data/imports/ID)."""

    id: int
    kind: str = Field(description="factors or lci")
    database: str
    version: str = Field(description="The new version's label")
    format: str
    file: str
    records: int = Field(description="Factors in the new version, or LCI activities")
    counts: dict[str, Any] = Field(
        description="factors: new, changed, unchanged, removed; LCI: activities, flows, "
        "exchanges, methods, product_systems, unmapped_flows"
    )
    cut_off_inputs: list[str]
    notes: list[dict[str, str]] = Field(
        default=[],
        description="What the import policies did: process, exchange, kind (cut-off, "
        "co-product dropped, own allocation, provider chosen, uncertainty dropped, unit "
        "converted, reference by its only product) and detail",
    )
    ghg_warnings: list[str] = Field(
        default=[],
        description="Flows to air that look like greenhouse gases but have no GWP "
        "(name, compartment, CAS): Tanji's GWP methods count them as zero",
    )

    @classmethod
    def of(cls, report: ImportReport) -> ImportRead:
        return cls(
            id=report.id,
            kind=report.kind,
            database=report.database,
            version=report.version,
            format=report.format,
            file=report.filename,
            records=report.records,
            counts=report.counts,
            cut_off_inputs=list(report.cut_off_inputs),
            notes=[asdict(n) for n in report.notes],
            ghg_warnings=list(report.ghg_warnings),
        )


@router.post("/imports", status_code=202, responses=_ERRORS)
def submit(
    request: Request,
    app: AppDep,
    session: SessionDep,
    actor: ActorDep,
    jobs: JobsDep,
    file: Annotated[UploadFile, File(description="The factor table or LCI package")],
    fmt: Annotated[str, Form(alias="format", description=f"One of: {', '.join(FORMATS)}")],
    name: Annotated[str, Form(description="The database (created if new)")],
    version: Annotated[str, Form(description="The new version's label; empty: next number")] = "",
    visibility: Annotated[str, Form(description="private, shared or public")] = "private",
    unlinked: Annotated[
        str, Form(description="LCI inputs without a provider: error or cut-off")
    ] = "error",
    multi_output: Annotated[
        str,
        Form(
            description="LCI processes with several products, no allocation: error, "
            "reference-only or own"
        ),
    ] = "error",
    providers: Annotated[
        str, Form(description="a product several processes provide: error or default-provider")
    ] = "error",
) -> ImportSubmitted:
    """Import a file as a new version of a database, in the background (editors of
    associations and of the provincial department, the platform operator's admins)."""
    limit(request, "upload", actor.user_id)
    order = imports.check_import(
        session, actor, fmt=fmt, filename=file.filename or "", name=name, version=version,
        visibility=visibility, unlinked=unlinked, multi_output=multi_output,
        providers=providers,
    )  # fmt: skip
    job = submit_import(app, jobs, actor, order, file.file, session)
    return ImportSubmitted(
        job_id=job.id,
        status=job.status,
        job_url=f"/api/v1/jobs/{job.id}",
        page_url=f"/jobs/{job.id}",
    )


@router.get("/imports/{entry_id}", responses={404: {"description": "No such import"}})
def get_import(entry_id: Id, session: SessionDep, actor: ActorDep) -> ImportRead:
    """What an import stored; its organisation's people (and the operator) may read it."""
    return ImportRead.of(imports.import_report(session, actor, entry_id))
