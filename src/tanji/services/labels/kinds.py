"""The label kinds shipped in ``tanji/data/labels/kinds.yaml``."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from tanji.domain.certification import CertificationType
from tanji.domain.labels import LabelKind
from tanji.services.errors import InvalidInputError

__all__ = ["kind_for", "label_kind", "label_kinds"]


@cache
def label_kinds() -> tuple[LabelKind, ...]:
    """Every shipped kind, in the file's order."""
    text = resources.files("tanji.data").joinpath("labels/kinds.yaml").read_text("utf-8")
    return tuple(
        LabelKind(
            id=item["id"],
            certification_type=CertificationType(item["certification_type"]),
            name_zh=item["name_zh"],
            name_en=item["name_en"],
            states_value=bool(item["states_value"]),
            design_published=bool(item["design_published"]),
            source=" ".join(str(item["source"]).split()),
        )
        for item in yaml.safe_load(text)
    )


def label_kind(kind_id: str) -> LabelKind:
    for kind in label_kinds():
        if kind.id == kind_id:
            return kind
    known = ", ".join(k.id for k in label_kinds())
    raise InvalidInputError(f"Unknown label kind {kind_id!r}; expected one of {known}.")


def kind_for(certification_type: str) -> LabelKind:
    """The label kind issued from a certificate of ``certification_type``."""
    for kind in label_kinds():
        if kind.certification_type.value == certification_type:
            return kind
    raise InvalidInputError(f"No label kind for certification type {certification_type!r}.")
