"""Stage editions: gives each page its edition links; after the build, writes the converted edition from the output.

One job: the site is built once, as the source edition (Simplified, ``extra.edition``
in mkdocs.yml). The stage

- gives each page's template the links to the same page in every edition
  (``extra.edition_links``; used by overrides/partials/alternate.html and
  overrides/sitemap.xml);
- writes each converted edition (``opencc`` set in ``extra.editions``: the
  Traditional one, into ``site/zh-Hant/``) from the built site, converted by
  OpenCC + data/glossary.yml + data/vocabulary-zh-Hant.yml: each page as MkDocs
  writes it, beside the build (a page job, :class:`macros.convert_edition.EditionJob`,
  which also writes the edition's search index), and after the build, after every
  other plugin and stage has written its files, the rest
  (:func:`macros.convert_edition.convert_rest`): the 404 page, redirect pages,
  sitemap, Material's search index and the text files copied from docs/ or
  generated (scripts, styles, JSON).

Switch off: ``editions: false`` in the kb plugin's options. The Simplified edition then builds as before, without the edition switch and
without the Traditional edition.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb_build.stage import Build, Stage
from macros.convert_edition import Addresses, EditionJob, Report, convert_rest, converts_page
from macros.editions import (
    TEXT_FILE_SUFFIXES,
    Converter,
    Edition,
    GlossaryError,
    edition_converter,
    edition_links,
    find_edition,
    parse_editions,
)
from macros.page_worker import IndexJob

log = logging.getLogger("mkdocs.plugins.kb.editions")

# Folders of the source edition alone: the web editor (stage web_editor); editors edit the Simplified source.
SOURCE_ONLY = ("admin/",)


class Editions(Stage):
    name = "editions"

    def __init__(self, build: Build) -> None:
        super().__init__(build)
        self.converted: list[tuple[Edition, Converter]] = []
        self.text_files: set[str] = set()  # text files copied from docs/ or generated, converted with the pages
        self.jobs: list[tuple[Edition, Converter, EditionJob]] = []
        self.pages: set[str] = set()  # the pages the jobs convert (relative to the site)
        self.rest: dict[EditionJob, Report] = {}  # the files converted after the build, by edition
        self.started = 0.0

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        project = self.build.project
        try:
            editions = parse_editions(config.extra.get("editions"))
            current = find_edition(editions, str(config.extra.get("edition", "")))
            if current.converted:
                raise ValueError(f"“{current.lang}”由源版本的构建转换而来，不单独构建；extra.edition 应为源版本")
            for edition in editions:
                if edition.converted:
                    converter = edition_converter({**config.extra, "edition": edition.lang}, project)
                    assert converter is not None
                    self.converted.append((edition, converter))
        except GlossaryError as error:
            raise PluginError(f"繁体版词表有误：{error}") from None
        except ValueError as error:
            raise PluginError(f"版本配置有误：{error}") from None
        config.extra["edition_links"] = edition_links(editions, current, config.site_url or "")
        # Material's header shows partials/alternate.html when this is set; the value
        # is not a list, so its own home-page-only <link rel=alternate> stay out.
        config.extra["alternate"] = True
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        docs = Path(config.docs_dir).resolve()
        for file in files:
            # Generated text files (the listings' JSON, stage generated_pages) are converted like docs/ files.
            from_docs = file.abs_src_path and Path(file.abs_src_path).resolve().is_relative_to(docs)
            if not file.is_documentation_page() and file.src_uri.endswith(TEXT_FILE_SUFFIXES) and (file.generated_by or from_docs):
                self.text_files.add(file.dest_uri)
        if self.build.partial:
            return files
        site, project = Path(config.site_dir), self.build.project
        for edition, converter in self.converted:
            addresses = Addresses(str(config.extra.get("edition")), edition, config.site_url or "", SOURCE_ONLY)
            # The edition's own search index when the project's search is on (stage search_index).
            index = IndexJob(site / edition.path, self.build.kb, project / "data", project / ".cache" / "search",
                             edition.lang, converter.convert) if config.extra.get("kb_search_worker") else None
            job = EditionJob(site, converter, addresses, index)
            self.jobs.append((edition, converter, job))
            self.build.page_jobs.append(job)
        return files

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        for _, _, job in self.jobs:  # the plugin hands the page to the job, beside the build
            if converts_page(page.file.dest_uri, output, job.addresses):
                self.pages.add(page.file.dest_uri)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Last: after the search index, the CSP of redirect pages and every plugin's files, the
        files that are not pages, while the pages' job writes the edition's index."""
        if self.build.partial:  # `make serve` re-rendered edited pages only (stage live_edit)
            log.info("实时预览：繁体版沿用上次整站构建（数据、模板或配置变了才重新转换）")
            return
        self.build.pages_done()
        self.started = time.perf_counter()
        for _, converter, job in self.jobs:
            self.rest[job] = convert_rest(Path(config.site_dir), converter, job.addresses, self.text_files, self.pages)

    def on_pages_done(self, *, results: Mapping[object, object]) -> None:
        for edition, converter, job in self.jobs:
            pages, rest = results[job], self.rest[job]
            assert isinstance(pages, Report)
            log.info("版本 %s：由构建结果转换 %d 页、%d 个文件（OpenCC %s，词表 %d 条，用语表 %d 条；其中搜索索引 %d 页），"
                     "构建完页面之后用时 %.1f 秒", edition.lang, pages.pages + rest.pages, pages.files + rest.files,
                     converter.config, len(converter.glossary.entries), len(converter.vocabulary), pages.indexed,
                     time.perf_counter() - self.started)
