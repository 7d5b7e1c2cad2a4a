"""Fills mkdocs-redirects' ``redirect_maps`` from the data: /m/<id>/ and /s/<id>/ for every
method and studio, plus the renames recorded in ``data/redirects.yml`` (old page → new page).

Switch off: remove ``hooks/short_links.py`` from ``hooks:`` in mkdocs.yml (the plugin then
writes only the maps written in mkdocs.yml). The maps come from ``macros/handout.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's `macros` package

import logging  # noqa: E402
import yaml  # noqa: E402
from mkdocs.exceptions import Abort  # noqa: E402

from macros import handout  # noqa: E402

log = logging.getLogger("mkdocs.hooks.short_links")


def on_config(config, **kwargs):  # noqa: ANN001, ANN201, ARG001
    plugin = config.plugins.get("redirects")
    if plugin is None:
        log.warning("插件 redirects 未启用，短链接不会生成")
        return config
    root = Path(config.config_file_path).parent
    ids = {kind: sorted(p.stem for p in (root / "data" / kind).glob("*.yml")) for kind in handout.SHORT_PREFIX}
    maps = handout.short_redirects(ids)
    renames_file = root / "data" / "redirects.yml"
    if renames_file.is_file():
        renames = yaml.safe_load(renames_file.read_text(encoding="utf-8")) or {}
        if not isinstance(renames, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in renames.items()):
            raise Abort(f"{renames_file}: 应为“旧页面路径: 新页面路径”的映射，例如 methods/old-id.md: methods/new-id.md")
        maps.update(renames)
    plugin.config["redirect_maps"] = {**maps, **plugin.config.get("redirect_maps", {})}
    log.info("%d 个短链接与重定向", len(maps))
    return config
