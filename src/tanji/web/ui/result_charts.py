"""What the result page draws: the result document shaped for the charts and tables.

Pure functions of the result document (``tanji calc --json``) and the page's language;
the page puts :func:`chart_data` in a JSON data island that ``static/js/charts.js``
reads, and the same rows fill the tables under each chart (for screen readers, and for
anyone who wants the numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tanji.services.results import Comparison, ResultDetail

__all__ = [
    "GAS_SUFFIXES",
    "LINES_IN_FLOW",
    "chart_data",
    "compare_chart_data",
    "gas_label",
    "line_rows",
    "stage_rows",
]

Gettext = Callable[[str], str]

#: Lines drawn one by one in the flow chart (at most this many, each at least
#: :data:`FLOW_MIN_SHARE` of the total); smaller ones are grouped per stage, so the
#: chart's labels do not overlap.
LINES_IN_FLOW = 8
FLOW_MIN_SHARE = 0.015
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: Gas id suffixes → English msgids.
GAS_SUFFIXES = {"fossil": "fossil", "biogenic": "biogenic", "dluc": "land-use change"}


def gas_label(gas: str, gettext: Gettext) -> str:
    """``CH4-fossil`` → ``CH₄ (fossil)``; ``CO2e`` (factors given only as CO₂e) named so."""
    if gas == "CO2e":
        return gettext("CO₂e not split by gas")
    if gas == "other":
        return gettext("Other gases")
    formula, sep, suffix = gas.rpartition("-")
    if not sep or suffix.lower() not in GAS_SUFFIXES:
        formula, suffix = gas, ""
    if not formula.startswith(("HFC", "PFC", "HCFC", "CFC")):  # numbers there are names
        formula = formula.translate(_SUBSCRIPTS)
    if suffix:
        return f"{formula} ({gettext(GAS_SUFFIXES[suffix.lower()])})"
    return formula


def _stage_name(stage: str, names: Mapping[str, tuple[str, str]], language: str) -> str:
    zh, en = names.get(stage, (stage, stage))
    return en if language == "en" else zh


def stage_rows(detail: ResultDetail, language: str) -> list[dict[str, Any]]:
    """Every stage of the model (in its order, then any other the result has)."""
    result = detail.result
    total = result["total"]
    stages = dict(result["stages"])
    order = list(detail.stage_names) + [s for s in stages if s not in detail.stage_names]
    return [
        {
            "id": stage,
            "name": _stage_name(stage, detail.stage_names, language),
            "value": stages.get(stage, 0.0),
            "share": stages.get(stage, 0.0) / total if total else None,
        }
        for stage in order
        if stage in stages
    ]


def gas_rows(result: Mapping[str, Any], gettext: Gettext) -> list[dict[str, Any]]:
    total = result["total"]
    gases = sorted(result["gases"].items(), key=lambda item: -abs(item[1]))
    return [
        {"id": gas, "name": gas_label(gas, gettext), "value": value, "share": value / total}
        for gas, value in gases
        if total
    ]


def line_rows(detail: ResultDetail, language: str) -> list[dict[str, Any]]:
    """The root model's lines (terms of one line merged), largest contribution first."""
    result = detail.result
    total = result["total"]
    root = result["product"]["id"]
    rows: dict[str, dict[str, Any]] = {}
    for line in result["lines"]:
        if line["model"] != root:
            continue
        row = rows.setdefault(
            line["line"],
            {
                "id": line["line"],
                "name": line["name"],
                "stage": line["stage"],
                "stage_name": _stage_name(line["stage"], detail.stage_names, language),
                "quantity": line["quantity"],
                "unit": line["unit"],
                "value": 0.0,
                "terms": [],
            },
        )
        row["value"] += line["co2e"]
        row["terms"].append(line)
    for row in rows.values():
        row["share"] = row["value"] / total if total else None
    return sorted(rows.values(), key=lambda row: -abs(row["value"]))


def _flow(
    stages: list[dict[str, Any]], lines: list[dict[str, Any]], total_label: str, other: str
) -> dict[str, Any]:
    """Sankey nodes and links: total → stage → line. Credits (negative) cannot flow, so
    they are left to the tables; small lines are grouped per stage."""
    positive = [line for line in lines if line["value"] > 0]
    total = sum(line["value"] for line in positive)
    large = [line for line in positive if line["value"] >= FLOW_MIN_SHARE * total]
    shown = {line["id"] for line in large[:LINES_IN_FLOW]}
    nodes = [{"name": "total", "label": total_label}]
    links: list[dict[str, Any]] = []
    for stage in stages:
        inflow = sum(line["value"] for line in positive if line["stage"] == stage["id"])
        if inflow <= 0:
            continue
        nodes.append({"name": f"stage:{stage['id']}", "label": stage["name"]})
        links.append({"source": "total", "target": f"stage:{stage['id']}", "value": inflow})
        grouped = 0.0
        count = 0
        here = [line for line in positive if line["stage"] == stage["id"]]
        if len([line for line in here if line["id"] not in shown]) == 1:
            shown |= {line["id"] for line in here}  # a group of one is the line itself
        for line in here:
            if line["id"] in shown:
                nodes.append({"name": f"line:{line['id']}", "label": line["name"]})
                links.append(
                    {
                        "source": f"stage:{stage['id']}",
                        "target": f"line:{line['id']}",
                        "value": line["value"],
                    }
                )
            else:
                grouped += line["value"]
                count += 1
        if count:
            name = f"other:{stage['id']}"
            nodes.append({"name": name, "label": f"{other} ({count})"})
            links.append({"source": f"stage:{stage['id']}", "target": name, "value": grouped})
    credits = any(line["value"] < 0 for line in lines)
    return {"nodes": nodes, "links": links, "credits": credits}


def chart_data(detail: ResultDetail, language: str, gettext: Gettext) -> dict[str, Any]:
    """The data island of the result page (numbers and item names; axis labels come from
    the template)."""
    result = detail.result
    stages = stage_rows(detail, language)
    lines = line_rows(detail, language)
    uncertainty = result.get("uncertainty") or {}
    histogram = uncertainty.get("histogram")
    return {
        "total": result["total"],
        "stages": [{"name": s["name"], "value": s["value"]} for s in stages if s["value"]],
        "gases": [{"name": g["name"], "value": g["value"]} for g in gas_rows(result, gettext)],
        "flow": _flow(stages, lines, gettext("Total footprint"), gettext("Other lines")),
        "histogram": (
            {
                "edges": histogram["edges"],
                "counts": histogram["counts"],
                "mean": uncertainty["mean"],
                "p2_5": uncertainty["p2_5"],
                "p97_5": uncertainty["p97_5"],
                "total": result["total"],
            }
            if histogram and uncertainty.get("sd")
            else None
        ),
    }


def compare_chart_data(comparison: Comparison, language: str) -> dict[str, Any]:
    """Stages of two results side by side."""
    names = comparison.stage_names
    return {
        "stages": [_stage_name(row["key"], names, language) for row in comparison.table["stages"]],
        "a": [row["a"] for row in comparison.table["stages"]],
        "b": [row["b"] for row in comparison.table["stages"]],
    }
