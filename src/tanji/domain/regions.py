"""Where an organisation is registered: Jiangsu and its 13 prefecture-level cities.

Region codes extend ISO 3166-2 (``CN-JS`` is Jiangsu) with a short city suffix
(``CN-JS-SZ`` is Suzhou); ``division`` is the city's administrative division code
(GB/T 2260), the same six digits that stand at positions 3–8 of a unified social credit
code issued there. Data, not logic: the registration form lists it, the services check
against it, reports print the names.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["JIANGSU", "JIANGSU_CITIES", "REGIONS", "Region", "region_name"]


@dataclass(frozen=True)
class Region:
    """A province or city: its code, its names and its division code (GB/T 2260)."""

    code: str
    name_zh: str
    name_en: str
    division: str

    def name(self, language: str) -> str:
        """The name in ``language`` (``zh`` or ``en``)."""
        return self.name_zh if language == "zh" else self.name_en


JIANGSU = Region("CN-JS", "江苏省", "Jiangsu Province", "320000")

#: The 13 prefecture-level cities, in the order of their division codes.
JIANGSU_CITIES: tuple[Region, ...] = (
    Region("CN-JS-NJ", "南京市", "Nanjing", "320100"),
    Region("CN-JS-WX", "无锡市", "Wuxi", "320200"),
    Region("CN-JS-XZ", "徐州市", "Xuzhou", "320300"),
    Region("CN-JS-CZ", "常州市", "Changzhou", "320400"),
    Region("CN-JS-SZ", "苏州市", "Suzhou", "320500"),
    Region("CN-JS-NT", "南通市", "Nantong", "320600"),
    Region("CN-JS-LYG", "连云港市", "Lianyungang", "320700"),
    Region("CN-JS-HA", "淮安市", "Huai'an", "320800"),
    Region("CN-JS-YC", "盐城市", "Yancheng", "320900"),
    Region("CN-JS-YZ", "扬州市", "Yangzhou", "321000"),
    Region("CN-JS-ZJ", "镇江市", "Zhenjiang", "321100"),
    Region("CN-JS-TZ", "泰州市", "Taizhou", "321200"),
    Region("CN-JS-SQ", "宿迁市", "Suqian", "321300"),
)

#: Every region an organisation may be registered in, by code.
REGIONS: dict[str, Region] = {region.code: region for region in (JIANGSU, *JIANGSU_CITIES)}


def region_name(code: str, language: str) -> str:
    """The name of a region code in ``language``; an unknown code is shown as it is."""
    region = REGIONS.get(code)
    return region.name(language) if region is not None else code
