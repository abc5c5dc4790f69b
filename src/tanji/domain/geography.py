"""Chinese geographies of the grid factors: provinces, regional grids and the nation.

Codes are ISO 3166-2:CN (``CN-JS`` Jiangsu …); the regional grids of the MEE/NBS
electricity CO2 factor notices get ``CN-NORTH``, ``CN-EAST`` …. A province falls back to
its regional grid, then to ``CN``, when no factor of its own is published.

Regional membership follows the regional grids named in the notices (华北, 东北, 华东,
华中, 西北, 南方, 西南). The notices' own list of provinces per region was not read;
the membership here is that of the regional grid companies (State Grid's regional
branches and China Southern Power Grid). Inner Mongolia is split between the North and
Northeast grids, so it has no regional fallback: it goes straight to the national factor.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NATIONAL", "PLACES", "Place", "fallback_chain", "level_of", "place"]

NATIONAL = "CN"


@dataclass(frozen=True)
class Place:
    code: str
    zh: str
    en: str
    level: str  # national, regional, province
    region: str = ""  # a province's regional grid ("" where it has none)

    def name(self, language: str) -> str:
        return self.en if language == "en" else self.zh


_REGIONS = (
    ("CN-NORTH", "华北", "North China"),
    ("CN-NORTHEAST", "东北", "Northeast China"),
    ("CN-EAST", "华东", "East China"),
    ("CN-CENTRAL", "华中", "Central China"),
    ("CN-NORTHWEST", "西北", "Northwest China"),
    ("CN-SOUTH", "南方", "South China"),
    ("CN-SOUTHWEST", "西南", "Southwest China"),
)
_PROVINCES = (
    ("CN-BJ", "北京", "Beijing", "CN-NORTH"),
    ("CN-TJ", "天津", "Tianjin", "CN-NORTH"),
    ("CN-HE", "河北", "Hebei", "CN-NORTH"),
    ("CN-SX", "山西", "Shanxi", "CN-NORTH"),
    ("CN-SD", "山东", "Shandong", "CN-NORTH"),
    ("CN-NM", "内蒙古", "Inner Mongolia", ""),
    ("CN-LN", "辽宁", "Liaoning", "CN-NORTHEAST"),
    ("CN-JL", "吉林", "Jilin", "CN-NORTHEAST"),
    ("CN-HL", "黑龙江", "Heilongjiang", "CN-NORTHEAST"),
    ("CN-SH", "上海", "Shanghai", "CN-EAST"),
    ("CN-JS", "江苏", "Jiangsu", "CN-EAST"),
    ("CN-ZJ", "浙江", "Zhejiang", "CN-EAST"),
    ("CN-AH", "安徽", "Anhui", "CN-EAST"),
    ("CN-FJ", "福建", "Fujian", "CN-EAST"),
    ("CN-HA", "河南", "Henan", "CN-CENTRAL"),
    ("CN-HB", "湖北", "Hubei", "CN-CENTRAL"),
    ("CN-HN", "湖南", "Hunan", "CN-CENTRAL"),
    ("CN-JX", "江西", "Jiangxi", "CN-CENTRAL"),
    ("CN-SN", "陕西", "Shaanxi", "CN-NORTHWEST"),
    ("CN-GS", "甘肃", "Gansu", "CN-NORTHWEST"),
    ("CN-QH", "青海", "Qinghai", "CN-NORTHWEST"),
    ("CN-NX", "宁夏", "Ningxia", "CN-NORTHWEST"),
    ("CN-XJ", "新疆", "Xinjiang", "CN-NORTHWEST"),
    ("CN-GD", "广东", "Guangdong", "CN-SOUTH"),
    ("CN-GX", "广西", "Guangxi", "CN-SOUTH"),
    ("CN-YN", "云南", "Yunnan", "CN-SOUTH"),
    ("CN-GZ", "贵州", "Guizhou", "CN-SOUTH"),
    ("CN-HI", "海南", "Hainan", "CN-SOUTH"),
    ("CN-CQ", "重庆", "Chongqing", "CN-SOUTHWEST"),
    ("CN-SC", "四川", "Sichuan", "CN-SOUTHWEST"),
    ("CN-XZ", "西藏", "Tibet", "CN-SOUTHWEST"),
)

PLACES: dict[str, Place] = {
    NATIONAL: Place(NATIONAL, "全国", "China (national)", "national"),
    **{code: Place(code, zh, en, "regional") for code, zh, en in _REGIONS},
    **{code: Place(code, zh, en, "province", region) for code, zh, en, region in _PROVINCES},
}


def place(code: str) -> Place:
    """The place of a code; an unknown code is its own name (a geography outside China)."""
    return PLACES.get(code) or Place(code, code, code, "province" if "-" in code else "national")


def level_of(code: str) -> int:
    """0 national, 1 regional, 2 provincial (finer is higher)."""
    return {"national": 0, "regional": 1, "province": 2}[place(code).level]


def fallback_chain(code: str) -> tuple[str, ...]:
    """The geography asked, then its regional grid, then the nation (for Chinese codes)."""
    chain = [code]
    region = place(code).region
    if region:
        chain.append(region)
    if code.startswith(NATIONAL + "-"):
        chain.append(NATIONAL)
    return tuple(chain)
