"""Two footprint results side by side: total, stages, gases and every line.

Works on the result documents (``tanji calc --json``), so any two saved results compare:
two versions of one model, or two products with the same declared unit. Lines match by
``line id / term``; a line present in only one result shows the other side as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["compare_results"]


def _row(key: str, a: float, b: float) -> dict[str, Any]:
    difference = b - a
    return {
        "key": key,
        "a": a,
        "b": b,
        "difference": difference,
        "relative": difference / abs(a) if a else None,
    }


def _rows(left: Mapping[str, float], right: Mapping[str, float]) -> list[dict[str, Any]]:
    keys = list(left) + [k for k in right if k not in left]
    return [_row(k, left.get(k, 0.0), right.get(k, 0.0)) for k in keys]


def _lines(result: Mapping[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in result["lines"]:
        key = line["line"] if line["term"] == line["name"] else f"{line['line']} / {line['term']}"
        out[key] = out.get(key, 0.0) + line["co2e"]
    return out


def compare_results(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """The comparison of result ``b`` against result ``a`` (differences are b − a)."""
    warnings = []
    if a["per"] != b["per"]:
        warnings.append(f"declared units differ ({a['per']} vs {b['per']}): compare with care")
    if a.get("method") != b.get("method"):
        warnings.append(f"GWP sets differ ({a.get('method')} vs {b.get('method')})")
    return {
        "a": {"product": a["product"]["id"], "version": a["product"]["version"], "per": a["per"]},
        "b": {"product": b["product"]["id"], "version": b["product"]["version"], "per": b["per"]},
        "total": [_row("total", a["total"], b["total"])],
        "stages": _rows(a["stages"], b["stages"]),
        "gases": _rows(a["gases"], b["gases"]),
        "lines": _rows(_lines(a), _lines(b)),
        "warnings": warnings,
    }
