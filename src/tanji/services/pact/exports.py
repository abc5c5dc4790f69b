"""Exports for other exchanges: the EU battery passport's carbon-footprint section of a
result, the Catena-X PCF of a served PACT footprint, and a Catena-X PCF imported as a
supplier's footprint."""

from __future__ import annotations

import json
from typing import Any, Literal

from sqlalchemy.orm import Session

from tanji.db.models import PactFootprintRow
from tanji.domain.accounts import Actor
from tanji.domain.suppliers import SupplierFootprint
from tanji.io.battery_pass import battery_pass_document
from tanji.io.catenax import CatenaxVersion, catenax_document, read_catenax
from tanji.io.errors import DataFormatError
from tanji.services.audit import audit
from tanji.services.errors import InvalidInputError, NotFoundError
from tanji.services.footprints import store_supplier, stored_result
from tanji.services.permissions import require_own_org

__all__ = ["battery_passport", "catenax_of_footprint", "import_catenax"]


def _result(session: Session, actor: Actor | None, result_id: int) -> dict[str, Any]:
    row = stored_result(session, result_id)
    if actor is not None:
        require_own_org(actor, actor.org_id, "product.read")
        if row.org_id != actor.org_id and not actor.is_platform_admin:
            raise NotFoundError(f"no footprint result #{result_id} in your organisation")
    result: dict[str, Any] = json.loads(row.result)
    result["per"] = row.per
    return result


def battery_passport(
    session: Session,
    actor: Actor | None,
    result_id: int,
    *,
    study_url: str,
    performance_class: str | None = None,
    lifetime_energy_kwh: float | None = None,
) -> dict[str, Any]:
    """The Battery Pass 1.2.0 carbon-footprint section of a result (``actor`` None: the
    operator, from the command line)."""
    result = _result(session, actor, result_id)
    try:
        return battery_pass_document(
            result,
            study_url=study_url,
            performance_class=performance_class,
            lifetime_energy_kwh=lifetime_energy_kwh,
        )
    except DataFormatError as error:
        raise InvalidInputError(str(error)) from None


def catenax_of_footprint(
    session: Session,
    actor: Actor,
    footprint_id: int,
    *,
    version: CatenaxVersion = "9.0.0",
    waste_incineration: str | None = None,
    packaging_included: bool | None = None,
    boundary: Literal["Cradle-to-gate", "Cradle-to-grave"] = "Cradle-to-gate",
    region: str | None = None,
) -> dict[str, Any]:
    """The Catena-X PCF of one of the enterprise's PACT footprints. The allocation of
    waste incineration is the result's end-of-life method when that is cut-off;
    otherwise it must be given."""
    require_own_org(actor, actor.org_id, "product.read")
    row = session.get(PactFootprintRow, footprint_id)
    if row is None or row.org_id != actor.org_id:
        raise NotFoundError(f"no PACT footprint #{footprint_id} in your organisation")
    if (
        waste_incineration is None
        and row.result_id is not None
        and _result(session, actor, row.result_id).get("end_of_life") == "cut-off"
    ):
        waste_incineration = "cut-off"
    if waste_incineration is None:
        raise InvalidInputError(
            "waste incineration allocation: state it (cut-off, reverse cut-off or system "
            "expansion); Catena-X requires it and the footprint does not say"
        )
    try:
        return catenax_document(
            json.loads(row.document),
            version=version,
            waste_incineration=waste_incineration,
            packaging_included=packaging_included,
            boundary=boundary,
            region=region,
        )
    except DataFormatError as error:
        raise InvalidInputError(str(error)) from None


def import_catenax(
    session: Session, actor: Actor | None, document: object, *, source: str
) -> SupplierFootprint:
    """Keep a Catena-X PCF (9.0.0 or 7.0.0) as a supplier's footprint."""
    if actor is not None:
        require_own_org(actor, actor.org_id, "product.write")
    try:
        supplier = read_catenax(document, source=source)
    except DataFormatError as error:
        raise InvalidInputError(str(error)) from None
    publisher = f"org:{actor.org_id}" if actor is not None and actor.org_id else "local"
    supplier = store_supplier(session, supplier, origin="catena-x", publisher=publisher)
    audit(session, actor, "catenax.import", "supplier_footprint", supplier.ref, None,
          {"version": supplier.version, "source": source})  # fmt: skip
    return supplier
