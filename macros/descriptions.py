"""A page's own description, for search engines and the link card a chat app draws (<meta name=
"description">, og:description): the record's summary on a record's page and on the trainers'
pages made from it, else the page's first paragraph, else its title, else none (the site's stands).

Pure: a knowledge base, a docs path and the page's rendered HTML in, plain text out (the
template escapes it once, see overrides/main.html).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from . import sitemap
from .knowledge_base import KnowledgeBase

LENGTH = 120  # characters; link cards show two or three lines
# Blocks whose first paragraph is not the page's own words: notes, figures, breadcrumbs, listing counts.
NOT_PROSE = ".admonition, details, nav, figure, .kb-listing, .kb-completeness, .kb-breadcrumb"


def record_of(src_uri: str) -> tuple[str, str] | None:
    """(kind, id) of the record a page is about: ``methods/x.md``, ``training/cards/x.md`` → a method."""
    folder, name = posixpath.split(src_uri)
    kind = sitemap.RECORDS_OF.get(folder)
    if kind is None or not name.endswith(".md") or name == "index.md":
        return None
    return kind, name[:-3]


def shortened(text: str, length: int = LENGTH) -> str:
    """``text`` on one line, cut at ``length`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def first_paragraph(page_html: str) -> str:
    """The text of the page's first paragraph of prose (not a lone link, which is a way on), or ""."""
    tree = LexborHTMLParser(page_html)
    for paragraph in tree.css("p"):
        if any(node.css_matches(NOT_PROSE) for node in _ancestors(paragraph.parent)):
            continue
        text = paragraph.text(separator="", strip=False).strip()
        links = "".join(a.text(separator="", strip=False) for a in paragraph.css("a")).strip()
        if text and text != links:
            return text
    return ""


def title_summary(page_html: str) -> str:
    """A page without prose said by its title, with its count on a listing: 工作法：主题 物业管理，共 5 个。"""
    tree = LexborHTMLParser(page_html)
    title, count = tree.css_first("h1"), tree.css_first(".kb-listing-count strong")
    if title is None:
        return ""
    text = title.text(strip=True).removesuffix("¶")
    return f"{text}，共 {count.text(strip=True)} 个。" if count is not None else text


def _ancestors(node: LexborNode | None) -> Iterator[LexborNode]:
    while node is not None and node.tag not in ("html", "body", "-undef"):
        yield node
        node = node.parent


def describe(kb: KnowledgeBase, src_uri: str, page_html: str) -> str | None:
    """The description of the page at ``src_uri``, or None to keep the site's."""
    record = record_of(src_uri)
    if record is not None:
        kind, record_id = record
        found = kb.records(kind).get(record_id)
        if found is not None and found.summary:
            return shortened(f"{found.name}：{found.summary}")
    text = first_paragraph(page_html) or title_summary(page_html)
    return shortened(text) if text else None
