"""Stage page_memory: lets go of each page's Markdown once it is HTML, and of its HTML once the page is written.

One job: MkDocs converts every page before it writes any, and keeps each page's
Markdown and HTML until the build ends; at thousands of pages that is most of a
build's memory. Nothing reads a page's Markdown after it is converted, or its
HTML after it is written (the navigation and the tags use titles and addresses;
anchor checks use the anchors MkDocs collected while converting).

Switch off: ``page_memory: false`` in the kb plugin's options.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb_build.stage import Stage


class PageMemory(Stage):
    """Last of the stages; no other plugin reads a page's content or output after this one."""

    name = "page_memory"

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Empty, not None: MkDocs reads a page without Markdown as not yet read, whose title is None
        # (the navigation of every later page would say "None"); the title from the render is kept.
        page.markdown = ""
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        page.content = None
        return output
