"""Stage search_index: writes the site's Chinese search index (see macros/search_index.py) at build time.

Collects each page as written, then after the build writes the index and
its worker to ``search/kb/``; the search box (``overrides/partials/search.html``
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
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from kb_build.stage import Build, Stage
from macros import search_index
from macros.knowledge_base import KnowledgeBase

log = logging.getLogger("mkdocs.plugins.kb.search_index")

WORKER = "search/kb/worker.js"  # written with the index (macros/search_index.py worker_script)


class SearchIndex(Stage):
    name = "search_index"

    def __init__(self, build: Build) -> None:
        super().__init__(build)
        self.pages: dict[str, search_index.Page] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.extra["kb_search_worker"] = WORKER
        _stop_materials_index(config)
        return config

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """After page_html marked the page's links; csp, next, adds only its policy."""
        # Pages marked `search: {exclude: true}` (Material's convention; the generated listings) stay out.
        if not self.build.partial and not (page.meta.get("search") or {}).get("exclude"):
            found = search_index.page_from_html(output, page.url)
            if found is not None:
                self.pages[page.url] = found if found.title else search_index.Page(
                    page.url, search_index.plain_title(page.title or ""), found.text)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.build.partial:
            log.info("搜索索引：沿用上次整站构建的索引（实时预览只重建了改过的页面）")
            return
        started = time.perf_counter()
        index = write(Path(config.site_dir), list(self.pages.values()), self.build.kb, self.build.project / "data",
                      self.build.project / ".cache" / "search", config.extra.get("edition", "zh-Hans"))
        log.info("搜索索引：%d 页，%d 个分片，%d 个词项，用时 %.1f 秒",
                 index.docs, index.shards, index.terms, time.perf_counter() - started)


def _stop_materials_index(config: MkDocsConfig) -> None:
    """Material's search plugin would parse (and segment with jieba) every page for a lunr index
    that this engine replaces: it adds nothing now, so its ``search_index.json`` keeps only its
    configuration. The stages' ``on_config`` runs after the plugins', so its index object exists."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(plugin, "search_index", None)
    if index is not None and hasattr(index, "add_entry_from_context"):
        index.add_entry_from_context = lambda page: None
        log.debug("Material 的 lunr 索引不再收集页面（其文档不会被使用）")


def write(site: Path, pages: list[search_index.Page], kb: KnowledgeBase, data_dir: Path,
          cache_dir: Path | None = None, edition: str = "zh-Hans",
          convert: Callable[[str], str] = str) -> search_index.Index:
    """Build the index of ``pages`` into ``site/search/``; jieba's words cached under ``cache_dir`` for ``edition``;
    ``convert`` turns the data's words (kinds, summaries) into the edition's script."""
    out = site / "search" / "kb"
    folders: set[Path] = set()

    def write_file(name: str, text: str) -> None:
        path = out / name
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_text(text, encoding="utf-8")

    index = search_index.build_site_index(pages, kb, cache_dir, edition, write_file, data_dir, convert)
    material = site / "search" / "search_index.json"
    if material.exists():
        material.write_text(search_index.stub_search_index(material.read_text(encoding="utf-8")), encoding="utf-8")
    return index
