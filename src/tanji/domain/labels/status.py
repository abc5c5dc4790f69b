"""A label's status, derived from its certificate whenever it is read.

Design note: the status is never stored on the label. A stored copy would have to be
updated by every step of the certification process (and by the expiry sweep); deriving
it from the certificate's row at every read means a suspension or withdrawal shows on
the public page at the next request, and a certificate past its date shows as expired
even before the nightly sweep has run.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

__all__ = ["LabelStatus", "label_status"]


class LabelStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # no such label, or its signatures do not check


#: Certificate status → label status. A certificate given up by its holder (注销,
#: ``cancelled``) leaves no valid label behind: the platform shows it as revoked.
_FROM_CERTIFICATE = {
    "valid": LabelStatus.VALID,
    "suspended": LabelStatus.SUSPENDED,
    "withdrawn": LabelStatus.WITHDRAWN,
    "expired": LabelStatus.EXPIRED,
    "cancelled": LabelStatus.REVOKED,
}


def label_status(
    certificate_status: str | None,
    expires_on: date | None,
    *,
    label_revoked: bool,
    today: date,
) -> LabelStatus:
    """The label's status on ``today``: revoked if the label itself was revoked, else
    its certificate's, with a valid certificate past ``expires_on`` read as expired."""
    if label_revoked:
        return LabelStatus.REVOKED
    if certificate_status is None or expires_on is None:
        return LabelStatus.UNKNOWN
    status = _FROM_CERTIFICATE.get(certificate_status, LabelStatus.UNKNOWN)
    if status is LabelStatus.VALID and today > expires_on:
        return LabelStatus.EXPIRED
    return status
