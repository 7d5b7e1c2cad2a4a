"""Stage section_anchors: gives every fixed page section a meaningful anchor (``#cases``, ``#training`` …), keeping the
positional ids published before (``#_3``) as aliases; other headings keep the ids they had.

Adds the Markdown extension in macros/anchors.py, which runs just before the toc extension, and
keeps every anchor listed in data/published-paths.txt on its page: a section the data no longer
fill leaves an empty alias where links handed out before still land.
Switch off: ``section_anchors: false`` in the kb plugin's options (headings then
get toc's positional ids again, and the published ``#cases``… anchors fail the path test).
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb_build.stage import Stage
from macros.anchors import SECTION_IDS, SectionAnchorsExtension, keep_published_anchors, published_anchors

log = logging.getLogger("mkdocs.plugins.kb.section_anchors")


class SectionAnchors(Stage):
    name = "section_anchors"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.markdown_extensions.append(SectionAnchorsExtension())  # type: ignore[arg-type]  # MkDocs types the list as names; it takes extension objects too
        log.debug("section anchors: %s", "、".join(f"{name} #{anchor}" for name, anchor in SECTION_IDS.items()))
        listed = self.build.project / "data" / "published-paths.txt"
        self.published = published_anchors(listed.read_text(encoding="utf-8").splitlines() if listed.is_file() else [])
        return config

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        anchors = self.published.get(page.url, set())
        return keep_published_anchors(html, anchors) if anchors else html
