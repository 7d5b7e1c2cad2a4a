"""Fills mkdocs-redirects' ``redirect_maps`` from the data: a short link for every printable page
(/m/<id>/ methods, /s/ studios, /p/ mentors, /d/ sites, /t/ training plans, /c/ method cards,
/v/ visit sheets), plus the renames recorded in ``data/redirects.yml`` (old page → new page).

Switch off: remove ``hooks/short_links.py`` from ``hooks:`` in mkdocs.yml (the plugin then
writes only the maps written in mkdocs.yml). The maps come from ``macros/handout.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's `macros` package

import logging

from mkdocs.exceptions import Abort

from macros import handout, sitemap
from macros.redirects import REDIRECTS_FILE, load_redirects

log = logging.getLogger("mkdocs.hooks.short_links")


def on_config(config, **kwargs):
    plugin = config.plugins.get("redirects")
    if plugin is None:
        log.warning("插件 redirects 未启用，短链接不会生成")
        return config
    root = Path(config.config_file_path).parent
    ids = {kind: sorted(p.stem for p in (root / "data" / kind).glob("*.yml")) for kind in set(sitemap.RECORDS_OF.values())}
    maps = handout.short_redirects(ids)
    # The same check as the validator's: old paths inside the site, new paths existing pages of it.
    renames, problems = load_redirects(root / "data" / REDIRECTS_FILE, Path(config.docs_dir))
    if problems:
        raise Abort("data/redirects.yml 有问题，未生成重定向：\n" + "\n".join(problem.as_text(root) for problem in problems))
    maps.update(renames)
    plugin.config["redirect_maps"] = {**maps, **plugin.config.get("redirect_maps", {})}
    log.info("%d 个短链接与重定向", len(maps))
    return config
