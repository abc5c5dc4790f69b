"""Request makers of the label rows of the permission matrix
(:mod:`tests.web.test_permissions_matrix`): the demo's certified product and its label
are the targets (made once per store by the label demo step)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from tests.web.matrix_call import Call

from tanji.bootstrap import App
from tanji.db.label_tables import LabelRow
from tanji.db.models import CertificateRow
from tanji.services.labels.demo import load_label_demo
from tanji.services.labels.issuance import issue_label
from tanji.services.signing import KeyRing
from tanji.web.security import secret_key

if TYPE_CHECKING:
    from tests.web.test_permissions_matrix import World


def _keys(app: App) -> KeyRing:
    return KeyRing.from_secret(secret_key(app.settings))


def demo_label(app: App) -> str:
    """The demo label's public id: a label in force (the demo step makes one again when
    another row has withdrawn the certificate of the one before)."""
    url = load_label_demo(app, "http://testserver", _keys(app))
    return url.rsplit("/", 1)[1]


def _certificate(app: App) -> tuple[str, object]:
    public_id = demo_label(app)
    with app.unit_of_work() as uow:
        row = uow.session.scalar(select(LabelRow).where(LabelRow.public_id == public_id))
        assert row is not None
        certificate = uow.session.get(CertificateRow, row.certificate_id)
        assert certificate is not None
        return certificate.number, certificate.holder_org_id


def issue(world: World) -> Call:
    number, _ = _certificate(world.app)
    return Call("/api/v1/labels", {"certificate": number})


def read(world: World) -> Call:
    return Call(f"/api/v1/labels/{demo_label(world.app)}")


def revoke(world: World) -> Call:
    """A fresh label of the demo certificate (issued by the operator) to revoke."""
    from tanji.services import logins
    from tanji.services.accounts import DEMO_ACCOUNTS

    number, _ = _certificate(world.app)
    with world.app.unit_of_work() as uow:
        operator = logins.authenticate(uow.session, *DEMO_ACCOUNTS[0][:2])
        issued = issue_label(
            uow.session, operator, number, base_url="http://testserver", keys=_keys(world.app)
        )
    return Call(f"/api/v1/labels/{issued.public_id}/revoke", {"reason": "矩阵测试"})


def identifiers(world: World) -> Call:
    body = {"gtin": "09520123456788", "handle": "88.100.1/MATRIX-1"}  # GS1's example GTIN
    return Call(f"/api/v1/products/{world.product()}/identifiers", body)
