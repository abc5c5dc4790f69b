"""Carbon labels: what a label says (the claim), which state it is in, and the product
identifiers a label's QR code carries.

- :mod:`.identifiers`: GTIN check digits, GS1 Digital Link URIs (ISO/IEC 18975) and
  Handle-style industrial-internet identifiers (工业互联网标识, ``88.…/…``);
- :mod:`.kinds`: the label kinds (footprint, low-carbon, carbon-neutral) as values;
- :mod:`.claim`: the claim document a label's signatures cover;
- :mod:`.status`: the label's status, derived from its certificate at every read.

docs/labels.md describes the whole.
"""

from tanji.domain.labels.claim import CLAIM_TYPE, ClaimInput, build_claim, claim_problems
from tanji.domain.labels.identifiers import (
    IdentifierError,
    digital_link,
    gtin_check_digit,
    normalise_gtin,
    parse_handle,
    valid_batch,
)
from tanji.domain.labels.kinds import LabelKind
from tanji.domain.labels.status import LabelStatus, label_status

__all__ = [
    "CLAIM_TYPE",
    "ClaimInput",
    "IdentifierError",
    "LabelKind",
    "LabelStatus",
    "build_claim",
    "claim_problems",
    "digital_link",
    "gtin_check_digit",
    "label_status",
    "normalise_gtin",
    "parse_handle",
    "valid_batch",
]
