"""``/api/v1/products``: the enterprise workspace over JSON (the services do the work).

Another organisation's product answers 404, as one that does not exist.

Optimistic concurrency (docs/web.md): a product's responses carry its version as
``ETag``; a change of the product as a whole or of one of its lines (``PUT`` and
``DELETE``) must send it back as ``If-Match`` (428 without, 412 when the product has
changed since, with the current version and the changes made since). Adding a line
(``POST …/lines``) and uploading activity data may leave it out: they apply to the
current version under the product's lock.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from tanji.services import product_calculation, products
from tanji.web.api.product_schemas import (
    ActivityDataRead,
    CalculateRequest,
    CalculationRead,
    FindingList,
    LineWrite,
    ProductCreate,
    ProductDetailRead,
    ProductFactsWrite,
    ProductList,
    ProductRead,
    TemplateList,
    TemplateRead,
    VersionList,
    VersionRead,
)
from tanji.web.conflicts import IfMatch, api_language, etag, expected_version
from tanji.web.deps import AppDep, Id, SessionDep
from tanji.web.guards import limit
from tanji.web.i18n import translations
from tanji.web.routing import Router
from tanji.web.security import ActorDep
from tanji.web.ui.problems import say

router = Router(prefix="/products", tags=["workspace"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such product in your workspace"}
}
_ETAG = {"ETag": {"description": 'The product\'s version ("7"): send it as If-Match with a change',
                  "schema": {"type": "string"}}}  # fmt: skip
_READ: dict[int | str, dict[str, Any]] = {**_NOT_FOUND, 200: {"headers": _ETAG}}
_CHANGE: dict[int | str, dict[str, Any]] = {
    **_NOT_FOUND,
    200: {"headers": _ETAG},
    409: {"description": "The change contradicts the product (a line id already used)"},
    412: {"description": "The product has changed since the version in If-Match: the error "
          "names the current version and the changes since; nothing was saved"},
    428: {"description": "If-Match is required: GET the product and send its ETag"},
}  # fmt: skip


def _tagged(product: products.WorkspaceProduct, response: Response) -> ProductDetailRead:
    response.headers["ETag"] = etag(product.version)
    return ProductDetailRead.of_product(product)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/templates")
def list_templates() -> TemplateList:
    """The rule templates a product can start from."""
    data = [TemplateRead.of(t) for t in products.TEMPLATES]
    return TemplateList(count=len(data), data=data)


@router.get("")
def list_products(session: SessionDep, actor: ActorDep) -> ProductList:
    """Your organisation's products, each with its latest footprint."""
    found = products.list_products(session, actor)
    return ProductList(count=len(found), data=[ProductRead.of(p) for p in found])


@router.post("", status_code=201, responses={201: {"headers": _ETAG}})
def create_product(
    body: ProductCreate, session: SessionDep, actor: ActorDep, response: Response
) -> ProductDetailRead:
    """A new product from a rule template (quantities to fill, factors to choose)."""
    product = products.create_product(session, actor, **body.model_dump(exclude={"company"}))
    return _tagged(product, response)


@router.get("/{product_id}", responses=_READ)
def get_product(
    product_id: Id, session: SessionDep, actor: ActorDep, response: Response
) -> ProductDetailRead:
    """A product with its working model document; its version is the ``ETag``."""
    return _tagged(products.get_product(session, actor, product_id), response)


@router.put(
    "/{product_id}/document",
    responses=_CHANGE,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "the whole product-model/1 document, YAML or JSON",
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
async def put_document(
    product_id: Id,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    if_match: IfMatch = None,
    filename: str = "model.yaml",
) -> ProductDetailRead:
    """Replace the working document (validated; errors name the line and field).
    Requires ``If-Match``. The file is parsed in a worker thread, within the limits of
    docs/web.md (a YAML alias bomb is refused, not expanded)."""
    expected = expected_version(if_match)
    content = await request.body()
    product = await run_in_threadpool(
        products.update_document, session, actor, product_id, content, filename,
        expected_version=expected, version_required=True,
    )  # fmt: skip
    return _tagged(product, response)


@router.put("/{product_id}/facts", responses=_CHANGE)
def put_facts(
    product_id: Id,
    body: ProductFactsWrite,
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProductDetailRead:
    """Change the product's facts: names, declared and functional unit, output, company,
    site, boundary, reference period, identifiers (errors name the field). Requires
    ``If-Match``."""
    expected = expected_version(if_match)
    product = products.update_facts(
        session,
        actor,
        product_id,
        body.to_facts(),
        expected_version=expected,
        version_required=True,
    )
    return _tagged(product, response)


@router.post("/{product_id}/lines", status_code=201, responses=_CHANGE)
def add_line(
    product_id: Id,
    body: LineWrite,
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProductDetailRead:
    """Add a line (a factor, an inline factor with its source, an LCI activity, a
    supplier's footprint, grid electricity, a transport leg or a direct emission).
    ``If-Match`` is optional: adds of different lines commute, so without it the line
    is added to the current version."""
    expected = expected_version(if_match)
    product = products.add_line(
        session, actor, product_id, body.to_input(), expected_version=expected
    )
    return _tagged(product, response)


@router.put("/{product_id}/lines/{line_id}", responses=_CHANGE)
def edit_line(
    product_id: Id,
    line_id: str,
    body: LineWrite,
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProductDetailRead:
    """Change a line (quality scores and uncertainty the body does not carry are kept).
    Requires ``If-Match``."""
    expected = expected_version(if_match)
    product = products.edit_line(
        session,
        actor,
        product_id,
        line_id,
        body.to_input(),
        expected_version=expected,
        version_required=True,
    )
    return _tagged(product, response)


@router.delete("/{product_id}/lines/{line_id}", status_code=204, responses=_CHANGE)
def delete_line(
    product_id: Id, line_id: str, session: SessionDep, actor: ActorDep, if_match: IfMatch = None
) -> Response:
    """Remove a line. Requires ``If-Match``; the new version is the answer's ``ETag``."""
    expected = expected_version(if_match)
    product = products.delete_line(
        session, actor, product_id, line_id, expected_version=expected, version_required=True
    )
    return Response(status_code=204, headers={"ETag": etag(product.version)})


@router.get("/{product_id}/findings", responses=_NOT_FOUND)
def get_findings(
    request: Request, product_id: Id, app: AppDep, session: SessionDep, actor: ActorDep
) -> FindingList:
    """The working document's findings under its rule (and the workspace's own)."""
    language = api_language(request)
    gettext = translations(language).gettext
    report = product_calculation.findings(session, app.backgrounds, actor, product_id)
    if language == "en":  # the services' own English, as the command line says it
        return FindingList.of(report)
    return FindingList.of(report, lambda message: say(message, gettext))


@router.get(
    "/{product_id}/template.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}, **_NOT_FOUND},
)
def template_xlsx(
    product_id: Id,
    session: SessionDep,
    actor: ActorDep,
    lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
) -> Response:
    """The Excel activity-data template of the working document."""
    name, content = products.activity_template(session, actor, product_id, lang)
    return Response(content, media_type=XLSX, headers=_attachment(name))


@router.post(
    "/{product_id}/activity-data",
    response_model=ActivityDataRead,
    responses={
        422: {
            "description": "refused, nothing changed: the report (ActivityDataRead) of every "
            "problem by cell, or the error body for a malformed request"
        },
        429: {"description": "too many uploads lately (Retry-After)"},
        **{k: v for k, v in _CHANGE.items() if k != 200},
    },
)
async def upload_activity_data(
    request: Request,
    product_id: Id,
    file: Annotated[UploadFile, File(description="the filled activity-data template")],
    session: SessionDep,
    actor: ActorDep,
    if_match: IfMatch = None,
) -> Response:
    """Apply a filled activity-data template: all or nothing, every problem by cell
    (a refused workbook answers 422 with the report). ``If-Match`` is optional: without
    it, the workbook applies to the version it was read against (412 if the product
    changed while it was read). Read in a worker thread, within the limits of
    docs/web.md."""
    limit(request, "upload", actor.user_id)
    expected = expected_version(if_match)
    content = await file.read()
    report = await run_in_threadpool(
        products.fill_activity_data, session, actor, product_id, content,
        file.filename or "activity-data.xlsx", expected_version=expected,
    )  # fmt: skip
    body = ActivityDataRead.of(report).model_dump()
    return JSONResponse(body, status_code=200 if report.applied else 422)


@router.get(
    "/{product_id}/model.yaml",
    response_class=Response,
    responses={200: {"content": {"application/yaml": {}}}, **_NOT_FOUND},
)
def model_yaml(product_id: Id, session: SessionDep, actor: ActorDep) -> Response:
    """The working document as a YAML file (line numbers match the findings)."""
    name, text = products.model_yaml(session, actor, product_id)
    return Response(text, media_type="application/yaml; charset=utf-8", headers=_attachment(name))


@router.post(
    "/{product_id}/calculate",
    status_code=201,
    responses={**_NOT_FOUND, 429: {"description": "too many calculations lately (Retry-After)"}},
)
def calculate(
    request: Request,
    product_id: Id,
    app: AppDep,
    session: SessionDep,
    actor: ActorDep,
    body: CalculateRequest | None = None,
) -> CalculationRead:
    """Compute the working document (under its rule) and save it as a new version."""
    limit(request, "calculate", actor.user_id)
    wanted = body or CalculateRequest(iterations=0)
    saved = product_calculation.calculate_product(
        session, app.backgrounds, actor, product_id, iterations=wanted.iterations, seed=wanted.seed
    )
    return CalculationRead.of(saved)


@router.get("/{product_id}/versions", responses=_NOT_FOUND)
def list_versions(product_id: Id, session: SessionDep, actor: ActorDep) -> VersionList:
    """The footprints computed from the product, newest first."""
    found = products.versions(session, actor, product_id)
    return VersionList(count=len(found), data=[VersionRead.of(v) for v in found])


@router.delete("/{product_id}", status_code=204, responses=_CHANGE)
def delete_product(
    product_id: Id, session: SessionDep, actor: ActorDep, if_match: IfMatch = None
) -> Response:
    """Delete a product (admins); its footprints stay with the organisation. Requires
    ``If-Match``."""
    expected = expected_version(if_match)
    products.delete_product(
        session, actor, product_id, expected_version=expected, version_required=True
    )
    return Response(status_code=204)
