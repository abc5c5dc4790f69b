"""An emission factor (and its source) as plain JSON values, and back."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from tanji.domain.factors import (
    Boundary,
    DomainError,
    EmissionFactor,
    FactorKind,
    GasAmount,
    Pedigree,
    PefQuality,
    Source,
    Uncertainty,
)
from tanji.io.errors import DataFormatError

__all__ = ["factor_from_json", "factor_to_json", "source_from_json", "source_to_json"]


def source_to_json(source: Source) -> dict[str, Any]:
    return asdict(source)


def source_from_json(where: str, data: Any) -> Source:
    try:
        return Source(**data)
    except (TypeError, DomainError) as error:
        raise DataFormatError(where, f"source: {error}") from error


def factor_to_json(factor: EmissionFactor) -> dict[str, Any]:
    """Every field but the source (which travels as a source dataset)."""
    data = asdict(factor)
    del data["source"]
    data["kind"] = factor.kind.value
    data["boundary"] = factor.boundary.value
    data["valid_from"] = factor.valid_from.isoformat() if factor.valid_from else None
    data["valid_to"] = factor.valid_to.isoformat() if factor.valid_to else None
    return data


def factor_from_json(where: str, data: Any, source: Source) -> EmissionFactor:
    try:
        values = dict(data)
        values["kind"] = FactorKind(values["kind"])
        values["boundary"] = Boundary(values["boundary"])
        for name in ("valid_from", "valid_to"):
            values[name] = date.fromisoformat(values[name]) if values.get(name) else None
        values["gases"] = tuple(GasAmount(**g) for g in values.get("gases", ()))
        values["uncertainty"] = Uncertainty(**values.get("uncertainty", {}))
        values["pedigree"] = Pedigree(**values.get("pedigree", {}))
        values["pef"] = PefQuality(**values.get("pef", {}))
        return EmissionFactor(source=source, **values)
    except (KeyError, TypeError, ValueError, DomainError) as error:
        raise DataFormatError(where, f"tanji:factor record: {error}") from error
