"""A Tanji result made a PACT v3 footprint to serve: what PACT needs that a result does
not hold (:class:`FootprintDetails`) and the document :func:`tanji.io.pact.pact_document`
writes from both (:func:`publish_result`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from tanji.db.base import utcnow
from tanji.db.models import OrganisationRow, PactFootprintRow
from tanji.domain.accounts import Actor
from tanji.io.errors import DataFormatError
from tanji.io.pact import PactExport, pact_document
from tanji.services.errors import InvalidInputError, NotFoundError
from tanji.services.footprints import stored_result
from tanji.services.pact.host import MANAGE, add_footprint, certificate_of
from tanji.services.permissions import require_own_org

__all__ = ["FootprintDetails", "publish_result"]


@dataclass(frozen=True, kw_only=True)
class FootprintDetails:
    """What PACT needs that a Tanji result does not hold (see :class:`PactExport`)."""

    product_ids: Sequence[str]
    company_ids: Sequence[str]
    product_category_cpc: str = ""
    product_description: str = ""
    product_mass_per_declared_unit: float | None = None
    fossil_carbon_content: float = 0.0
    exempted_emissions_percent: float = 0.0
    geography: str = "CN-JS"


def publish_result(
    session: Session, actor: Actor, result_id: int, details: FootprintDetails
) -> PactFootprintRow:
    """Make a PACT v3 footprint of one of the enterprise's results, to serve.

    A valid certificate of the result is stated as the footprint's verification (its
    body as provider); without one the footprint is served only once released.
    """
    require_own_org(actor, actor.org_id, MANAGE)
    row = stored_result(session, result_id)
    if row.org_id != actor.org_id:
        raise NotFoundError(f"no footprint result #{result_id} in your organisation")
    result = json.loads(row.result)
    product = result["product"]
    cats = result.get("categories", {})
    amount, _, unit = row.per.partition(" ")
    per = float(amount or 1)
    period = product.get("reference_period") or [None, None]
    if not period[0] or not period[1]:
        raise InvalidInputError("the result has no reference period; PACT requires one")
    certificate = certificate_of(session, result_id, actor.org_id)
    body = session.get(OrganisationRow, certificate.body_org_id) if certificate else None
    biogenic = float(cats.get("biogenic", 0.0)) / per
    total = row.total / per
    removals = min(biogenic, 0.0)
    export = PactExport(
        id=str(uuid.uuid4()),
        version=1,
        created=utcnow(),
        company_name=product.get("company") or "(company not named)",
        company_ids=details.company_ids,
        product_name=product["name"]["zh"] or product["name"]["en"],
        product_ids=details.product_ids,
        product_description=details.product_description or product["name"]["en"] or "",
        product_category_cpc=details.product_category_cpc,
        declared_unit=unit,
        unitary_product_amount=1.0,
        total=total,
        excluding_biogenic=total - removals,
        fossil=total - biogenic - (cats.get("dluc", 0.0) + cats.get("aircraft", 0.0)) / per,
        biogenic_removals=removals,
        dluc=float(cats.get("dluc", 0.0)) / per,
        aircraft=float(cats.get("aircraft", 0.0)) / per,
        primary_data_share=(result.get("data_quality") or {}).get("primary_share"),
        period_start=date.fromisoformat(period[0]),
        period_end=date.fromisoformat(period[1]),
        geography=details.geography,
        boundary=str(product.get("boundary", "")),
        verified=certificate is not None,
        verifier=(body.name_en or body.name) if body is not None else "",
        fossil_carbon_content=details.fossil_carbon_content,
        product_mass_per_declared_unit=details.product_mass_per_declared_unit,
        exempted_emissions_percent=details.exempted_emissions_percent,
    )
    try:
        document = pact_document(export, spec="3.0")
    except DataFormatError as error:
        raise InvalidInputError(str(error)) from None
    return add_footprint(session, actor, document, result_id=result_id)
