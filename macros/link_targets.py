"""Where a theme or a region named on a record page leads: the one place these targets are decided.

Pure functions, docs-relative paths (with anchor). Today a theme leads to its section of
the tags page and a region to its province on the regions page; when per-theme or
per-region listing pages exist, change these two functions and every record page follows.
"""

from __future__ import annotations

from .models import Region

UNKNOWN_PROVINCE = "地区未载明"


def theme_target(theme: str) -> str:
    """``tags.md#tag:物业管理``: Material's tags page anchors each tag by its name."""
    return f"tags.md#tag:{theme}"


def region_target(region: Region) -> str | None:
    """The regions page at the record's province (``regions.md#北京市``); ``None`` without a province."""
    return f"regions.md#{region.province}" if region.province else None
