"""Stage page_text: escapes the front-matter text that the theme prints into HTML as it is.

One job: Material writes ``page.meta.title``, ``description``, ``author`` and
``subtitle`` into the page (``<meta content="…">``, the header, the navigation)
without escaping them, and MkDocs takes a page's title from ``title`` too. A
page's front matter is written by contributors, so these values are escaped
here, once, to HTML text like the titles MkDocs takes from a page's ``# heading``
(overrides/main.html escapes ``<title>`` itself).

Switch off: ``page_text: false`` in the kb plugin's options (only if no page sets
these keys).
"""

from __future__ import annotations

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb_build.stage import Stage

PRINTED_AS_HTML = ("title", "description", "author", "subtitle")


class PageText(Stage):
    name = "page_text"

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        for key in PRINTED_AS_HTML:
            value = page.meta.get(key)
            if value is not None and not isinstance(value, str):
                value = str(value)
            if value is not None:
                page.meta[key] = str(escape(value))
        return markdown
