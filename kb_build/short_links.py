"""Stage short_links: fills mkdocs-redirects' ``redirect_maps`` from the data: a short link for every printable page
(/m/<id>/ methods, /s/ studios, /p/ mentors, /d/ sites, /t/ training plans, /c/ method cards,
/v/ visit sheets), plus the renames recorded in ``data/redirects.yml`` (old page → new page).

Switch off: ``short_links: false`` in the kb plugin's options (mkdocs-redirects then
writes only the maps written in mkdocs.yml). The maps come from ``macros/handout.py``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from kb_build.stage import Stage
from macros import handout, sitemap
from macros.redirects import REDIRECTS_FILE, load_redirects

log = logging.getLogger("mkdocs.plugins.kb.short_links")


class ShortLinks(Stage):
    name = "short_links"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        plugin = config.plugins.get("redirects")
        if plugin is None:
            log.warning("插件 redirects 未启用，短链接不会生成")
            return config
        root = self.build.project
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
