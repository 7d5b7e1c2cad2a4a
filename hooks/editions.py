"""Makes a build one edition of the site; converts the Traditional edition's output.

One job: ``extra.edition`` in the config names the edition this build is
(``mkdocs.yml`` → zh-Hans, ``mkdocs.zh-Hant.yml`` → zh-Hant). The hook

- gives each page's template the links to the same page in every edition
  (``extra.edition_links``; used by overrides/partials/alternate.html and
  overrides/sitemap.xml) and the edition's own ``site_url``;
- when the edition is converted (``opencc`` set in ``extra.editions``), converts
  every rendered page, the 404 page, the search index and the text files copied
  from docs/ (scripts, styles, JSON) from the Simplified build output with
  :mod:`macros.editions` (OpenCC + data/glossary.yml + data/vocabulary-zh-Hant.yml). It runs after every
  other plugin and hook, so it converts their output too.

Switch off: remove ``hooks/editions.py`` from ``hooks:`` in mkdocs.yml. The
Simplified edition then builds as before without the edition switch; do not
build mkdocs.zh-Hant.yml then (it would publish Simplified pages).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# MkDocs loads hooks by file path; the project's pure modules live beside them.
if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros.editions import (
    TEXT_FILE_SUFFIXES,
    Converter,
    GlossaryError,
    convert_html,
    convert_search_index,
    convert_text_file,
    edition_converter,
    edition_links,
    edition_site_url,
    find_edition,
    parse_editions,
)

log = logging.getLogger("mkdocs.hooks.editions")

_converter: Converter | None = None
_static_text: list[Path] = []  # text files copied from docs/ or generated, converted after the build


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _converter
    _converter = None
    try:
        editions = parse_editions(config.extra.get("editions"))
        current = find_edition(editions, str(config.extra.get("edition", "")))
    except ValueError as error:
        raise PluginError(f"版本配置有误：{error}") from None
    root_url = config.site_url or ""
    if current.path and root_url:
        config.site_url = edition_site_url(root_url, current)
    config.extra["edition_links"] = edition_links(editions, current, root_url)
    # Material's header shows partials/alternate.html when this is set; the value
    # is not a list, so its own home-page-only <link rel=alternate> stay out.
    config.extra["alternate"] = True
    try:
        _converter = edition_converter(config.extra, Path(config.config_file_path).parent)
    except GlossaryError as error:
        raise PluginError(f"繁体版词表有误：{error}") from None
    if _converter:
        log.info("版本 %s：用 OpenCC %s、词表（%d 条）与用语表（%d 条）转换", current.lang, _converter.config,
                 len(_converter.glossary.entries), len(_converter.vocabulary))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _static_text.clear()
    if _converter:
        docs = Path(config.docs_dir).resolve()
        for file in files:
            # Generated text files (the listings' JSON, hooks/generated_pages.py) are converted like docs/ files.
            from_docs = file.abs_src_path and Path(file.abs_src_path).resolve().is_relative_to(docs)
            if not file.is_documentation_page() and file.src_uri.endswith(TEXT_FILE_SUFFIXES) and (file.generated_by or from_docs):
                _static_text.append(Path(file.abs_dest_path))
    return files


@event_priority(-100)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return convert_html(output, _converter.convert) if _converter else output


@event_priority(-100)
def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    if _converter and template_name.endswith(".html"):
        return convert_html(output_content, _converter.convert)
    return output_content


@event_priority(-100)
def on_post_build(config: MkDocsConfig) -> None:
    if not _converter:
        return
    for path in _static_text:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            converted = convert_text_file(path.name, text, _converter)
            if converted != text:
                path.write_text(converted, encoding="utf-8")
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file():
        data = json.loads(index.read_text(encoding="utf-8"))
        converted_index = convert_search_index(data, _converter.convert)
        index.write_text(json.dumps(converted_index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
