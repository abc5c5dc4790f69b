"""Request makers of the public directory's rows of the permission matrix
(:mod:`tests.web.test_permissions_matrix`): the demo's certified product (the label
demo's certificate, held by the demo battery maker) is the target."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from tests.web.label_matrix import demo_label
from tests.web.matrix_call import Call

from tanji.db.directory_tables import DisclosureRow
from tanji.db.label_tables import LabelRow
from tanji.db.models import CertificateRow
from tanji.services.directory.contacts import send_request

if TYPE_CHECKING:
    from tests.web.test_permissions_matrix import World


def demo_certificate(world: World) -> tuple[str, int]:
    """(number, holder organisation id) of the demo's labelled certificate."""
    public_id = demo_label(world.app)
    with world.app.unit_of_work() as uow:
        row = uow.session.scalar(
            select(CertificateRow)
            .join(LabelRow, LabelRow.certificate_id == CertificateRow.id)
            .where(LabelRow.public_id == public_id)
        )
        assert row is not None
        return row.number, row.holder_org_id


def product(world: World) -> Call:
    return Call(f"/api/v1/directory/products/{demo_certificate(world)[0]}")


def company(world: World) -> Call:
    return Call(f"/api/v1/directory/companies/{demo_certificate(world)[1]}")


def compare(world: World) -> Call:
    """The same product twice: refused (409) for everyone — the rule, not the caller."""
    number = demo_certificate(world)[0]
    return Call(f"/api/v1/directory/compare?a={number}&b={number}")


def procurement(_: World) -> Call:
    return Call("/api/v1/directory/procurement?category=general&declared_unit=1%20piece")


def contact(world: World) -> Call:
    body = {"certificate": demo_certificate(world)[0], "message": "矩阵测试：请报价。"}
    return Call("/api/v1/directory/contact-requests", body)


def reply(world: World) -> Call:
    """A fresh request from the matrix enterprise to the demo battery maker: the buyer's
    members may not answer it (403), other organisations do not see it (404)."""
    with world.app.unit_of_work() as uow:
        request_id = send_request(
            uow.session, world.enterprise.actor, demo_certificate(world)[0], "矩阵测试"
        )
    return Call(f"/api/v1/directory/contact-requests/{request_id}/reply", {"text": "答复"})


def disclosure(world: World) -> Call:
    """Version 0 is current for every caller: the callers' texts are cleared first."""
    orgs = [world.enterprise.actor.org_id, world.other.actor.org_id]
    with world.app.unit_of_work() as uow:
        uow.session.execute(delete(DisclosureRow).where(DisclosureRow.org_id.in_(orgs)))
    return Call("/api/v1/directory/disclosure", {"text": "矩阵测试", "version": 0})
