"""The product's files: the model as YAML and the Excel activity-data template, down and up."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from tanji.services import products
from tanji.services.product_lock import StaleVersionError
from tanji.web.conflicts import form_version
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.guards import limit
from tanji.web.i18n import language_of
from tanji.web.security import ActorDep
from tanji.web.ui.workspace._common import (
    FORM_ERRORS,
    XLSX,
    conflict,
    render_product,
    router,
    see,
)

# --- files -------------------------------------------------------------------------------


def _download(content: bytes | str, media_type: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/workspace/products/{product_id}/model.yaml")
def download_yaml(product_id: Id, session: SessionDep, actor: ActorDep) -> Response:
    name, text = products.model_yaml(session, actor, product_id)
    return _download(text, "application/yaml; charset=utf-8", name)


@router.get("/workspace/products/{product_id}/template.xlsx")
def download_template(
    request: Request, product_id: Id, session: SessionDep, actor: ActorDep
) -> Response:
    """The workbook in the page's language (``?lang=``, else the reader's cookie)."""
    name, content = products.activity_template(session, actor, product_id, language_of(request))
    return _download(content, XLSX, name)


@router.post("/workspace/products/{product_id}/document")
def upload_yaml(
    request: Request,
    product_id: Id,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    version: Annotated[str, Form()] = "",
) -> Response:
    """Replace the model by a file, parsed in a worker thread (a sync handler) within
    the limits of docs/web.md."""
    limit(request, "upload", actor.user_id)
    content = file.file.read()
    try:
        products.update_document(
            session, actor, product_id, content, file.filename or "",
            expected_version=form_version(version),
        )  # fmt: skip
    except StaleVersionError as error:
        return conflict(request, session, app, actor, product_id, error)
    except FORM_ERRORS as error:
        session.rollback()
        extra = {"yaml_error": str(error)}
        return render_product(request, session, app, actor, product_id, extra, status_code=422)
    return see(f"/workspace/products/{product_id}")


@router.post("/workspace/products/{product_id}/activity-data")
def upload_activity_data(
    request: Request,
    product_id: Id,
    session: SessionDep,
    app: AppDep,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    version: Annotated[str, Form()] = "",
) -> Response:
    """Apply a filled workbook, read in a worker thread (a sync handler) within the
    limits of docs/web.md."""
    limit(request, "upload", actor.user_id)
    content = file.file.read()
    try:
        report = products.fill_activity_data(
            session, actor, product_id, content, file.filename or "activity-data.xlsx",
            expected_version=form_version(version),
        )  # fmt: skip
    except StaleVersionError as error:
        return conflict(request, session, app, actor, product_id, error)
    status = 200 if report.applied else 422
    return render_product(
        request, session, app, actor, product_id, {"excel": report}, status_code=status
    )
