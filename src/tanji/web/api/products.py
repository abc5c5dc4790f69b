"""``/api/v1/products``: the enterprise workspace over JSON (the services do the work).

Another organisation's product answers 404, as one that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.responses import Response

from tanji.services import products
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
from tanji.web.deps import AppDep, SessionDep
from tanji.web.security import ActorDep

router = APIRouter(prefix="/products", tags=["workspace"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such product in your workspace"}
}


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


@router.post("", status_code=201)
def create_product(body: ProductCreate, session: SessionDep, actor: ActorDep) -> ProductDetailRead:
    """A new product from a rule template (quantities to fill, factors to choose)."""
    product = products.create_product(session, actor, **body.model_dump())
    return ProductDetailRead.of_product(product)


@router.get("/{product_id}", responses=_NOT_FOUND)
def get_product(product_id: int, session: SessionDep, actor: ActorDep) -> ProductDetailRead:
    """A product with its working model document."""
    return ProductDetailRead.of_product(products.get_product(session, actor, product_id))


@router.put(
    "/{product_id}/document",
    responses=_NOT_FOUND,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "the whole product-model/1 document, YAML or JSON",
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
async def put_document(
    product_id: int,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    filename: str = "model.yaml",
) -> ProductDetailRead:
    """Replace the working document (validated; errors name the line and field)."""
    content = await request.body()
    product = products.update_document(session, actor, product_id, content, filename)
    return ProductDetailRead.of_product(product)


@router.put("/{product_id}/facts", responses=_NOT_FOUND)
def put_facts(
    product_id: int, body: ProductFactsWrite, session: SessionDep, actor: ActorDep
) -> ProductDetailRead:
    """Change the product's facts: names, declared and functional unit, output, company,
    site, boundary, reference period, identifiers (errors name the field)."""
    product = products.update_facts(session, actor, product_id, body.to_facts())
    return ProductDetailRead.of_product(product)


@router.post("/{product_id}/lines", status_code=201, responses=_NOT_FOUND)
def add_line(
    product_id: int, body: LineWrite, session: SessionDep, actor: ActorDep
) -> ProductDetailRead:
    """Add a line (a factor, an inline factor with its source, an LCI activity, a
    supplier's footprint, grid electricity, a transport leg or a direct emission)."""
    product = products.add_line(session, actor, product_id, body.to_input())
    return ProductDetailRead.of_product(product)


@router.put("/{product_id}/lines/{line_id}", responses=_NOT_FOUND)
def edit_line(
    product_id: int, line_id: str, body: LineWrite, session: SessionDep, actor: ActorDep
) -> ProductDetailRead:
    """Change a line (quality scores and uncertainty the body does not carry are kept)."""
    product = products.edit_line(session, actor, product_id, line_id, body.to_input())
    return ProductDetailRead.of_product(product)


@router.delete("/{product_id}/lines/{line_id}", status_code=204, responses=_NOT_FOUND)
def delete_line(product_id: int, line_id: str, session: SessionDep, actor: ActorDep) -> Response:
    """Remove a line."""
    products.delete_line(session, actor, product_id, line_id)
    return Response(status_code=204)


@router.get("/{product_id}/findings", responses=_NOT_FOUND)
def get_findings(product_id: int, app: AppDep, session: SessionDep, actor: ActorDep) -> FindingList:
    """The working document's findings under its rule (and the workspace's own)."""
    return FindingList.of(products.findings(session, app.backgrounds, actor, product_id))


@router.get(
    "/{product_id}/template.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}, **_NOT_FOUND},
)
def template_xlsx(
    product_id: int,
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
    responses={422: {"model": ActivityDataRead, "description": "refused; nothing changed"}},
)
async def upload_activity_data(
    product_id: int,
    file: Annotated[UploadFile, File(description="the filled activity-data template")],
    session: SessionDep,
    actor: ActorDep,
) -> Response:
    """Apply a filled activity-data template: all or nothing, every problem by cell
    (a refused workbook answers 422 with the report)."""
    content = await file.read()
    report = products.fill_activity_data(
        session, actor, product_id, content, file.filename or "activity-data.xlsx"
    )
    body = ActivityDataRead.of(report).model_dump()
    return JSONResponse(body, status_code=200 if report.applied else 422)


@router.get(
    "/{product_id}/model.yaml",
    response_class=Response,
    responses={200: {"content": {"application/yaml": {}}}, **_NOT_FOUND},
)
def model_yaml(product_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """The working document as a YAML file (line numbers match the findings)."""
    name, text = products.model_yaml(session, actor, product_id)
    return Response(text, media_type="application/yaml; charset=utf-8", headers=_attachment(name))


@router.post("/{product_id}/calculate", status_code=201, responses=_NOT_FOUND)
def calculate(
    product_id: int,
    app: AppDep,
    session: SessionDep,
    actor: ActorDep,
    body: CalculateRequest | None = None,
) -> CalculationRead:
    """Compute the working document (under its rule) and save it as a new version."""
    wanted = body or CalculateRequest(iterations=0)
    saved = products.calculate_product(
        session, app.backgrounds, actor, product_id, iterations=wanted.iterations, seed=wanted.seed
    )
    return CalculationRead.of(saved)


@router.get("/{product_id}/versions", responses=_NOT_FOUND)
def list_versions(product_id: int, session: SessionDep, actor: ActorDep) -> VersionList:
    """The footprints computed from the product, newest first."""
    found = products.versions(session, actor, product_id)
    return VersionList(count=len(found), data=[VersionRead.of(v) for v in found])


@router.delete("/{product_id}", status_code=204, responses=_NOT_FOUND)
def delete_product(product_id: int, session: SessionDep, actor: ActorDep) -> Response:
    """Delete a product (admins); its footprints stay with the organisation."""
    products.delete_product(session, actor, product_id)
    return Response(status_code=204)
