"""The data import pages: upload an emission-factor table or an LCI package, follow the
import's progress (a job, :mod:`tanji.web.imports`), read its summary.

Handlers only read the request and call :mod:`tanji.services.imports`, which decides who
may import (``factor.import``) and where. A form that does not pass its checks is shown
again with each problem next to its field; a file that cannot be read fails the job,
whose page says which file, row, column or entry, and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, File, Form, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tanji.domain.problems import problem_of
from tanji.services import imports
from tanji.services.catalog import VISIBILITIES
from tanji.services.errors import InvalidInputError
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.guards import limit
from tanji.web.i18n import language_of, translations
from tanji.web.imports import submit_import
from tanji.web.jobs import JobsDep, job_url
from tanji.web.routing import Router
from tanji.web.security import ActorDep, current_actor, verify_csrf
from tanji.web.ui.problems import say_all
from tanji.web.ui.templating import render

__all__ = ["router"]

router = Router(
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(current_actor), Depends(verify_csrf)],
)


def N_(message: str) -> str:  # noqa: N802 (the name gettext extractors look for)
    """Mark an English msgid for the catalogues; the template translates it."""
    return message


#: The formats offered, with their labels (English msgids).
FORMAT_CHOICES = (
    ("csv", N_("Emission-factor table (CSV)")),
    ("xlsx", N_("Emission-factor table (Excel .xlsx)")),
    ("olca-jsonld", N_("openLCA JSON-LD (zip)")),
    ("ecospold2", N_("ecoSpold2 (zip, or one .spold file)")),
    ("ilcd", N_("ILCD (zip)")),
    ("tidas-lci", N_("TIDAS, TianGong LCI data (zip)")),
    ("bw-datapackage", N_("Brightway datapackage (zip)")),
    ("ilcd-factors", N_("Factor database exchanged as ILCD (zip)")),
    ("tidas", N_("Factor database exchanged as TIDAS (zip)")),
)


def _form(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "destinations": imports.import_destinations(session, actor),
        "formats": FORMAT_CHOICES,
        "visibilities": VISIBILITIES,
        "values": values,
        "errors": errors,
    }
    return render(request, "data/import.html", context, status_code=status_code)


@router.get("/data/import")
def import_form(request: Request, session: SessionDep, actor: ActorDep) -> HTMLResponse:
    defaults = {
        "format": "csv", "visibility": "public",
        "unlinked": "error", "multi_output": "error", "providers": "error",
    }  # fmt: skip
    return _form(request, session, actor, defaults, {})


@router.post("/data/import")
def start_import(
    request: Request,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    jobs: JobsDep,
    file: Annotated[UploadFile | None, File()] = None,
    fmt: Annotated[str, Form(alias="format")] = "",
    name: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    visibility: Annotated[str, Form()] = "private",
    unlinked: Annotated[str, Form()] = "error",
    multi_output: Annotated[str, Form()] = "error",
    providers: Annotated[str, Form()] = "error",
) -> Response:
    """Check the form, then import in a job and show its progress."""
    limit(request, "upload", actor.user_id)
    values = {"format": fmt, "name": name, "version": version, "visibility": visibility,
              "unlinked": unlinked, "multi_output": multi_output,
              "providers": providers}  # fmt: skip
    try:
        order = imports.check_import(
            session, actor, fmt=fmt, filename=(file.filename or "") if file else "",
            name=name, version=version, visibility=visibility, unlinked=unlinked,
            multi_output=multi_output, providers=providers,
        )  # fmt: skip
    except InvalidInputError as error:
        fields = error.fields or {"form": problem_of(error)}
        errors = say_all(fields, translations(language_of(request)).gettext)
        return _form(request, session, actor, values, errors, status_code=422)
    assert file is not None  # check_import refuses a form without a file
    job = submit_import(app, jobs, actor, order, file.file, session)
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": job_url(job)})
    return RedirectResponse(job_url(job), status_code=303)


@router.get("/data/imports/{entry_id}")
def import_summary(
    request: Request, entry_id: Id, session: SessionDep, actor: ActorDep
) -> HTMLResponse:
    report = imports.import_report(session, actor, entry_id)
    return render(request, "data/imported.html", {"report": report})
