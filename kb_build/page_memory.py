"""Lets go of each page's Markdown once it is HTML, and of its HTML once the page is written.

One job: MkDocs converts every page before it writes any, and keeps each page's
Markdown and HTML until the build ends; at thousands of pages that is most of a
build's memory. Nothing reads a page's Markdown after it is converted, or its
HTML after it is written (the navigation and the tags use titles and addresses;
anchor checks use the anchors MkDocs collected while converting).

Switch off: remove ``hooks/page_memory.py`` from ``hooks:`` in mkdocs.yml.
"""

from __future__ import annotations

import logging

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.page_memory")


@event_priority(-1000)  # after every other hook and plugin has seen the page's HTML
def on_page_content(html, page, config, files):
    # Empty, not None: MkDocs reads a page without Markdown as not yet read, whose title is None
    # (the navigation of every later page would say "None"); the title from the render is kept.
    page.markdown = ""
    return html


@event_priority(-1000)  # after the page is written by everything that changes it
def on_post_page(output, page, config):
    page.content = None
    return output
