"""Gives each page its edition links; after the build, writes the converted edition from the output.

One job: the site is built once, as the source edition (Simplified, ``extra.edition``
in mkdocs.yml). The hook

- gives each page's template the links to the same page in every edition
  (``extra.edition_links``; used by overrides/partials/alternate.html and
  overrides/sitemap.xml);
- after the build, after every other plugin and hook has written its files,
  writes each converted edition (``opencc`` set in ``extra.editions``: the
  Traditional one, into ``site/zh-Hant/``) from the built site with
  :func:`macros.convert_edition.convert_site`: pages, the 404 page, sitemap,
  search indexes and the text files copied from docs/ or generated (scripts,
  styles, JSON), converted by OpenCC + data/glossary.yml + data/vocabulary-zh-Hant.yml.

Switch off: remove ``hooks/editions.py`` from ``hooks:`` in mkdocs.yml. The
Simplified edition then builds as before, without the edition switch and
without the Traditional edition.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

# MkDocs loads hooks by file path; the project's pure modules live beside them.
if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hooks.search_index import DATA
from hooks.search_index import write as write_search_index
from macros.convert_edition import Addresses, convert_site
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
from macros.search_index import Page

log = logging.getLogger("mkdocs.hooks.editions")

# Folders of the source edition alone: the web editor (hooks/web_editor.py); editors edit the Simplified source.
SOURCE_ONLY = ("admin/",)

_converted: list[tuple[Edition, Converter]] = []
_text_files: set[str] = set()  # text files copied from docs/ or generated, converted with the pages


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _converted.clear()
    project = Path(config.config_file_path).parent
    try:
        editions = parse_editions(config.extra.get("editions"))
        current = find_edition(editions, str(config.extra.get("edition", "")))
        if current.converted:
            raise ValueError(f"“{current.lang}”由源版本的构建转换而来，不单独构建；extra.edition 应为源版本")
        for edition in editions:
            if edition.converted:
                converter = edition_converter({**config.extra, "edition": edition.lang}, project)
                assert converter is not None
                _converted.append((edition, converter))
    except GlossaryError as error:
        raise PluginError(f"繁体版词表有误：{error}") from None
    except ValueError as error:
        raise PluginError(f"版本配置有误：{error}") from None
    config.extra["edition_links"] = edition_links(editions, current, config.site_url or "")
    # Material's header shows partials/alternate.html when this is set; the value
    # is not a list, so its own home-page-only <link rel=alternate> stay out.
    config.extra["alternate"] = True
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _text_files.clear()
    docs = Path(config.docs_dir).resolve()
    for file in files:
        # Generated text files (the listings' JSON, hooks/generated_pages.py) are converted like docs/ files.
        from_docs = file.abs_src_path and Path(file.abs_src_path).resolve().is_relative_to(docs)
        if not file.is_documentation_page() and file.src_uri.endswith(TEXT_FILE_SUFFIXES) and (file.generated_by or from_docs):
            _text_files.add(file.dest_uri)
    return files


@event_priority(-200)  # last: after the search index, the CSP of redirect pages and every plugin's files
def on_post_build(config: MkDocsConfig) -> None:
    if os.environ.get("KB_PARTIAL_BUILD") == "1":  # `make serve` re-rendered edited pages only (hooks/live_edit.py)
        log.info("实时预览：繁体版沿用上次整站构建（数据、模板或配置变了才重新转换）")
        return
    site = Path(config.site_dir)
    project = Path(config.config_file_path).parent
    project_data = project / "data"

    def index(folder: Path, pages: list[Page]) -> None:
        write_search_index(folder, pages, project_data if project_data.is_dir() else DATA, project / ".cache" / "search",
                           edition_lang, edition_convert)

    for edition, converter in _converted:
        edition_lang, edition_convert = edition.lang, converter.convert
        addresses = Addresses(str(config.extra.get("edition")), edition, config.site_url or "", SOURCE_ONLY)
        try:
            report = convert_site(site, converter, addresses, _text_files, index=index)
        except RuntimeError as error:  # the index's own process failed; its error is printed above
            raise PluginError(f"版本 {edition.lang}：{error}") from None
        log.info("版本 %s：由构建结果转换 %d 页、%d 个文件（OpenCC %s，词表 %d 条，用语表 %d 条；其中搜索索引 %d 页），用时 %.1f 秒",
                 edition.lang, report.pages, report.files, converter.config, len(converter.glossary.entries),
                 len(converter.vocabulary), report.indexed, report.seconds)
