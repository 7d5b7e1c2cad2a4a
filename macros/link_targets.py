"""Where a theme or a region named on a record page leads: the one place these targets are decided.

Pure functions, docs-relative paths (with anchor). A theme leads to its section of the tags
page; a region to its province's page, placed in GB/T 2260 (macros/regions.py), so a name
the standard does not know is never part of an address.
"""

from __future__ import annotations

from .models import Region

UNKNOWN_PROVINCE = "地区未载明"


def theme_target(theme: str) -> str:
    """``tags.md#tag:物业管理``: Material's tags page anchors each tag by its name."""
    return f"tags.md#tag:{theme}"


def region_target(region: Region) -> str | None:
    """The page of the record's province (``regions/110000.md``); ``None`` when the standard
    cannot place it."""
    from .facets import region_path  # facets renders with render.py, which uses this module
    from .regions import place

    province = place(region).province
    return region_path(province.code) if province else None
