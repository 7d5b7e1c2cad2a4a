"""Stable, meaningful section anchors: ``## 案例`` is ``#cases`` on every page, whatever comes before it.

MkDocs' toc extension names a heading it cannot slugify (Chinese text) by position:
``#_1``, ``#_2``… so 案例 was ``#_3`` on one page and 培训使用 ``#_3`` on another, and an
added heading would move every later one. This Markdown extension runs just before toc:

- a fixed section heading (see :data:`SECTION_IDS`) gets its semantic id, and keeps the
  positional id toc would have given it as an alias (an empty ``span`` inside the heading),
  so links shared before still land on it;
- every other heading gets exactly the id toc would have given it, so nothing else moves.

Headings with an id written in the page (``{#how}``) are left alone, as toc leaves them.
Page prose is not edited: the ids come from the heading text.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from html import escape as html_escape

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.toc import (
    remove_fnrefs,
    render_inner_html,
    slugify,
    strip_tags,
    unique,
)
from markdown.treeprocessors import Treeprocessor

# Section heading (as written in docs/<kind>/<id>.md) → its id on every page.
SECTION_IDS = {
    "适用场景": "when",
    "案例": "cases",
    "培训使用": "training",
    "概况": "overview",
}
ALIAS_CLASS = "kb-anchor-alias"
_ID = re.compile(r'\sid="([^"]+)"')
_HEADING = {"h1", "h2", "h3", "h4", "h5", "h6"}


class SectionAnchors(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        toc = self.md.treeprocessors["toc"] if "toc" in self.md.treeprocessors else None  # noqa: SIM401 -- a markdown Registry has no get()
        slug = getattr(toc, "slugify", slugify)
        separator = getattr(toc, "sep", "-")
        used = {el.attrib["id"] for el in root.iter() if "id" in el.attrib}
        counters: dict[str, int] = {}
        for el in root.iter():
            if el.tag not in _HEADING or "id" in el.attrib:
                continue
            name = strip_tags(render_inner_html(remove_fnrefs(el), self.md))
            positional = unique(slug(html.unescape(name), separator), used, counters)  # what toc would assign
            semantic = SECTION_IDS.get(name.strip())
            if semantic is None or semantic in used:
                el.set("id", positional)
                continue
            used.add(semantic)
            el.set("id", semantic)
            alias = etree.Element("span", {"id": positional, "class": ALIAS_CLASS})
            alias.tail, el.text = el.text, None
            el.insert(0, alias)


def published_anchors(lines: list[str]) -> dict[str, set[str]]:
    """data/published-paths.txt's lines → each page's published anchors (``methods/x/`` → ``{"how"}``)."""
    anchors: dict[str, set[str]] = {}
    for line in lines:
        path, _, anchor = line.strip().partition("#")
        if anchor and not line.startswith("#"):
            anchors.setdefault(path, set()).add(anchor)
    return anchors


def keep_published_anchors(html: str, published: set[str]) -> str:
    """A published anchor whose section the data no longer fill (a relation removed as unsupported)
    stays as an empty alias at the end of the page, so a link handed out before still opens it."""
    present = set(_ID.findall(html))
    missing = sorted(published - present)
    return html + "".join(f'<span class="{ALIAS_CLASS}" id="{html_escape(anchor)}"></span>' for anchor in missing)


class SectionAnchorsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After attr_list (8) has set the ids written in the page, before toc (5) names the rest.
        md.treeprocessors.register(SectionAnchors(md), "kb_section_anchors", 6)
