"""Stage record_section: shows where a record page sits: a breadcrumb to its listing above the title, and its section's
tab highlighted. Record pages (and training plans) are left out of the nav, which holds sections
only, so Material would otherwise highlight nothing.

The listing a page belongs under comes from ``macros/pages.section_index``; its title is the
nav's. The breadcrumb is drawn by overrides/partials/kb-breadcrumb.html from ``page.meta.kb_section``.
Switch off: ``record_section: false`` in the kb plugin's options.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from kb_build.stage import Build, Stage
from macros import pages


def _nav_item(nav: Navigation, src_uri: str) -> Section | Page | None:
    """The nav entry of the listing page: its section when it is a section's index, else the page."""
    for page in nav.pages:
        if page.file.src_uri == src_uri:
            return page.parent if page.parent is not None and page.is_index else page
    return None


class RecordSection(Stage):
    name = "record_section"

    def __init__(self, build: Build) -> None:
        super().__init__(build)
        self.highlighted: list[Section | Page] = []

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
        index = pages.section_index(page.file.src_uri)
        item = _nav_item(nav, index) if index else None
        if item is None:
            return context
        listing = next(p for p in nav.pages if p.file.src_uri == index)
        page.meta["kb_section"] = {"title": item.title, "url": listing.url}
        item.active = True  # cleared again once the page is written
        self.highlighted.append(item)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        while self.highlighted:
            self.highlighted.pop().active = False
        return output
