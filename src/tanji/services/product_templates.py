"""Product templates: a starter ``product-model/1`` document per rule, shipped in
``tanji/data/templates`` (see :data:`TEMPLATES`).

Design note: they are data files, not derived from the rule at run time, so a reviewer
reads exactly what an enterprise starts from, and a test checks each one against its
rule (stages, required processes) and the shipped factors.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

from tanji.domain.products import LocalText
from tanji.io.product_model import parse_document
from tanji.services.errors import InvalidInputError

__all__ = ["TEMPLATES", "Template", "template_document", "template_named"]


@dataclass(frozen=True)
class Template:
    """A starter model for a rule: ``file`` in ``tanji/data/templates``."""

    key: str
    rule_id: str
    file: str
    title: LocalText
    description: LocalText


TEMPLATES: tuple[Template, ...] = (
    Template(
        "battery",
        "cn-battery-declaration",
        "lithium-battery.yaml",
        LocalText("锂离子电池（电芯或电池包）", "Lithium-ion battery (cell or pack)"),
        LocalText(
            "按国内动力电池碳足迹申报做法：材料获取、电池制造（须用现场数据）、分销运输、"
            "回收利用；声明单位 1 kWh 额定能量。",
            "After China's battery declaration practice: material acquisition, battery "
            "manufacturing (site data), distribution, recycling; per 1 kWh of rated energy.",
        ),
    ),
    Template(
        "pv",
        "pv-module-csi",
        "pv-module.yaml",
        LocalText("晶硅光伏组件", "Crystalline silicon PV module"),
        LocalText(
            "硅片、电池片制造与组件封装（须用现场数据）、出口海运；声明单位 1 kWp 峰值功率。",
            "Wafers, cell manufacturing and module assembly (site data), export by sea; "
            "per 1 kWp of peak power.",
        ),
    ),
    Template(
        "steel",
        "steel-worldsteel",
        "steel.yaml",
        LocalText("钢材产品", "Steel product"),
        LocalText(
            "按 worldsteel 方法：原燃料与钢厂工序（须用现场数据），寿命终止按废钢价值；"
            "声明单位 1 t 钢材。",
            "After the worldsteel method: raw materials and the steelworks (site data), "
            "value of scrap at end of life; per 1 t of steel.",
        ),
    ),
    Template(
        "general",
        "general-gbt24067",
        "general.yaml",
        LocalText("其他产品（通用方法）", "Other product (general method)"),
        LocalText(
            "GB/T 24067-2024（ISO 14067）通用方法：无品类规则的产品；声明单位由企业确定。",
            "The general method of GB/T 24067-2024 (ISO 14067) for a product without a "
            "category rule; you set the declared unit.",
        ),
    ),
)


def template_named(key: str) -> Template:
    """The template ``key``; an unknown key is invalid input naming the known ones."""
    for template in TEMPLATES:
        if template.key == key:
            return template
    known = ", ".join(t.key for t in TEMPLATES)
    raise InvalidInputError(
        f"template {key!r}: expected one of {known}", fields={"template": f"one of {known}"}
    )


def template_document(key: str) -> dict[str, Any]:
    """The starter document of a template (a fresh copy)."""
    template = template_named(key)
    text = resources.files("tanji.data").joinpath("templates", template.file)
    data: dict[str, Any] = parse_document(text.read_text(encoding="utf-8"), template.file).data
    return data
