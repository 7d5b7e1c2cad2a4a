"""Stage search_index: writes the site's Chinese search index (see macros/search_index.py) at build time.

Reads each page, and finds its words, beside the build as the page is written
(macros/page_worker.py), then writes the index and its worker to ``search/kb/``; the search box (``overrides/partials/search.html``
with ``docs/javascripts/kb-search.js``) starts the worker named by
``config.extra.kb_search_worker`` when a reader opens search. Material's
search plugin is kept for its header button and box, kept from collecting
pages for its own index, and its ``search_index.json`` is cut down to its
configuration (Material's own search script is never started).

jieba's words of each page are kept in ``.cache/search/`` between builds (see
``WordCache``), so a rebuild segments only the pages whose text changed.

Switch it off with the environment variable ``KB_SEARCH=off`` (mkdocs.yml passes it to the
option ``search_index`` of the kb plugin): the site then uses Material's default search.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from kb_build.stage import Build, Stage
from macros import search_index
from macros.page_worker import IndexJob

log = logging.getLogger("mkdocs.plugins.kb.search_index")

WORKER = "search/kb/worker.js"  # written with the index (macros/search_index.py worker_script)


class SearchIndex(Stage):
    name = "search_index"

    def __init__(self, build: Build) -> None:
        super().__init__(build)
        self.job: IndexJob | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.extra["kb_search_worker"] = WORKER
        _stop_materials_index(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Each page is read, and its words found, beside the build as it is written (the plugin hands
        it over after every stage's on_post_page); pages marked ``search: {exclude: true}``
        (Material's convention; the generated listings) stay out."""
        if not self.build.partial:
            self.job = IndexJob(Path(config.site_dir), self.build.kb, self.build.project / "data",
                                self.build.project / ".cache" / "search", config.extra.get("edition", "zh-Hans"))
            self.build.page_jobs.append(self.job)
        return files

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.job is None:
            log.info("搜索索引：沿用上次整站构建的索引（实时预览只重建了改过的页面）")
            return
        self.build.pages_done()  # the index is written beside the rest of the build
        material = Path(config.site_dir) / "search" / "search_index.json"
        if material.exists():
            material.write_text(search_index.stub_search_index(material.read_text(encoding="utf-8")), encoding="utf-8")

    def on_pages_done(self, *, results: Mapping[object, object]) -> None:
        index = results.get(self.job)
        if isinstance(index, search_index.IndexReport):
            log.info("搜索索引：%d 页，%d 个分片，%d 个词项，用时 %.1f 秒", index.docs, index.shards, index.terms, index.seconds)


def _stop_materials_index(config: MkDocsConfig) -> None:
    """Material's search plugin would parse (and segment with jieba) every page for a lunr index
    that this engine replaces: it adds nothing now, so its ``search_index.json`` keeps only its
    configuration. The stages' ``on_config`` runs after the plugins', so its index object exists."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(plugin, "search_index", None)
    if index is not None and hasattr(index, "add_entry_from_context"):
        index.add_entry_from_context = lambda page: None
        log.debug("Material 的 lunr 索引不再收集页面（其文档不会被使用）")

