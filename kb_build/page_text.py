"""Escapes the front-matter text that the theme prints into HTML as it is.

One job: Material writes ``page.meta.title``, ``description``, ``author`` and
``subtitle`` into the page (``<meta content="…">``, the header, the navigation)
without escaping them, and MkDocs takes a page's title from ``title`` too. A
page's front matter is written by contributors, so these values are escaped
here, once, to HTML text like the titles MkDocs takes from a page's ``# heading``
(overrides/main.html escapes ``<title>`` itself).

Switch off: remove ``hooks/page_text.py`` from ``hooks:`` in mkdocs.yml (only
if no page sets these keys).
"""

from __future__ import annotations

import logging

from markupsafe import escape

log = logging.getLogger("mkdocs.hooks.page_text")

PRINTED_AS_HTML = ("title", "description", "author", "subtitle")


def on_page_markdown(markdown, page, config, files):
    for key in PRINTED_AS_HTML:
        value = page.meta.get(key)
        if value is not None and not isinstance(value, str):
            value = str(value)
        if value is not None:
            page.meta[key] = str(escape(value))
    return markdown
