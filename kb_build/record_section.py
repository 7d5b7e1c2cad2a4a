"""Shows where a record page sits: a breadcrumb to its listing above the title, and its section's
tab highlighted. Record pages (and training plans) are left out of the nav, which holds sections
only, so Material would otherwise highlight nothing.

The listing a page belongs under comes from ``macros/pages.section_index``; its title is the
nav's. The breadcrumb is drawn by overrides/partials/kb-breadcrumb.html from ``page.meta.kb_section``.
Switch off: remove ``hooks/record_section.py`` from ``hooks:`` in mkdocs.yml.
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # `mkdocs` run as a script does not add the project
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging

from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from macros import pages

log = logging.getLogger("mkdocs.hooks.record_section")
_highlighted: list[Section | Page] = []


def _nav_item(nav, src_uri: str):
    """The nav entry of the listing page: its section when it is a section's index, else the page."""
    for page in nav.pages:
        if page.file.src_uri == src_uri:
            return page.parent if page.parent is not None and page.is_index else page
    return None


def on_page_context(context, page, config, nav, **kwargs):
    index = pages.section_index(page.file.src_uri)
    item = _nav_item(nav, index) if index else None
    if item is None:
        return context
    listing = next(p for p in nav.pages if p.file.src_uri == index)
    page.meta["kb_section"] = {"title": item.title, "url": listing.url}
    item.active = True  # cleared again once the page is written
    _highlighted.append(item)
    return context


def on_post_page(output, page, config, **kwargs):
    while _highlighted:
        _highlighted.pop().active = False
    return output
