"""What other features write to the log, in the transaction of the change itself.

Certificates: the subject is ``certificate:<number>``; the kind is
``certificate.<action>`` — ``issue`` or ``renew`` when granted, then each change of
status: ``suspend`` (暂停), ``reinstate``, ``withdraw`` (撤销, the body's revocation),
``expire``, ``cancel`` (注销). Labels (``label.*``) and admission decisions
(``admission.*``) are appended by their features with :func:`~.log.append`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tanji.db.models import CertificateRow
from tanji.services.ledger.log import LedgerEntry, append

__all__ = ["certificate_event"]


def _certificate(certificate: CertificateRow) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "status": certificate.status,
        "certification_type": certificate.certification_type,
        "product_name": certificate.product_name,
        "holder_org_id": certificate.holder_org_id,
        "body_org_id": certificate.body_org_id,
        "declared_value": certificate.declared_value,
        "unit": certificate.unit,
        "declared_unit": certificate.declared_unit,
        "rule_ref": certificate.rule_ref,
        "standard": certificate.standard,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "renews_id": certificate.renews_id,
    }


def certificate_event(
    session: Session, certificate: CertificateRow, action: str, **detail: Any
) -> LedgerEntry:
    """Append ``certificate.<action>`` for ``certificate`` as it now stands."""
    payload = {"certificate": _certificate(certificate), **detail}
    return append(session, f"certificate.{action}", f"certificate:{certificate.number}", payload)
