"""Label kinds as values: which certification a kind needs, its names and its source.

The kinds themselves are data (``tanji/data/labels/kinds.yaml``, each with the document
it comes from), read by :func:`tanji.services.labels.kinds.label_kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tanji.domain.certification import CertificationType

__all__ = ["LabelKind"]


@dataclass(frozen=True)
class LabelKind:
    """One kind of label. ``certification_type`` is the certificate it is issued from;
    ``states_value`` says whether the label prints the quantified footprint (R4.2: the
    footprint label does); ``design_published`` whether the published material
    describes its design (otherwise the rendering is the platform's own)."""

    id: str
    certification_type: CertificationType
    name_zh: str
    name_en: str
    states_value: bool
    design_published: bool
    source: str

    def __post_init__(self) -> None:
        if not self.id or not self.name_zh or not self.name_en or not self.source:
            raise ValueError(f"Label kind {self.id!r} needs an id, both names and a source.")
