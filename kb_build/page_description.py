"""Stage page_description: each page's own description (<meta name="description"> and og:description,
written by overrides/main.html), for search engines and the link card a chat app draws: a record's
summary on its page and the trainers' pages made from it, else the page's first paragraph. A
description set in a page's front matter stays. Logic: macros/descriptions.py.

Switch off: ``page_description: false`` in the kb plugin's options (every page then shares the
site's description).
"""

from __future__ import annotations

import logging

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb_build.stage import Stage
from macros import descriptions

log = logging.getLogger("mkdocs.plugins.kb.page_description")


class PageDescription(Stage):
    name = "page_description"

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if "description" in page.meta:
            return html  # the page's own, escaped by the page_text stage
        text = descriptions.describe(self.build.kb, page.file.src_uri, html)
        if text:
            # Material prints page.meta.description as it is, like front matter that page_text escaped.
            page.meta["description"] = str(escape(text))
        return html
