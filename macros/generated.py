"""Pages the build generates from the data: what a producer is, and how their pages are collected.

A *producer* is a function ``(kb, read) -> iterable of GeneratedPage``. ``read(path)`` returns
the Markdown of the hand-written page at a docs-relative ``path`` (``None`` when there is none),
so a producer can draw on a page's prose. A ``GeneratedPage`` names its docs path, the
function that renders its Markdown (called only when the page is added) and the repository
file an editor changes to change it (its "view source" and edit links point there).

A hand-written page at the same path wins over a generated one: that is how an optional
``docs/mentors/<id>.md`` adds prose to a mentor's page. Producers are registered in one
place, ``REGISTRY`` in ``kb_build/generated_pages.py``; the producers themselves live beside
the rendering they use (``record_pages`` in macros/pages.py, ``training_pages`` in macros/training.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import forked
from .knowledge_base import KnowledgeBase

Reader = Callable[[str], "str | None"]


@dataclass(frozen=True)
class GeneratedPage:
    path: str  # docs-relative, e.g. ``mentors/fu-zhuo.md``
    render: Callable[[], str]  # the page's Markdown
    source: str  # repository path an editor changes, e.g. ``data/mentors/fu-zhuo.yml``


Producer = Callable[[KnowledgeBase, Reader], Iterable[GeneratedPage]]


class GeneratedPageConflict(Exception):
    """Two producers generate the same path."""


def collect(registry: Mapping[str, Producer], kb: KnowledgeBase, read: Reader,
            exists: Callable[[str], bool]) -> tuple[list[GeneratedPage], dict[str, int]]:
    """Every producer's pages that no hand-written page replaces (not rendered yet), and a count per producer.

    Raises :class:`GeneratedPageConflict` when two producers claim one path (naming both).
    """
    claimed: dict[str, str] = {}
    pages: list[GeneratedPage] = []
    counts: dict[str, int] = {}
    for name, producer in registry.items():
        counts[name] = 0
        for page in producer(kb, read):
            if page.path in claimed:
                raise GeneratedPageConflict(f"生成页面 {page.path} 同时由“{claimed[page.path]}”和“{name}”生成")
            claimed[page.path] = name
            if exists(page.path):
                continue
            pages.append(page)
            counts[name] += 1
    return pages, counts


def rendered_aside(pages: Sequence[GeneratedPage]) -> forked.MadeAside:
    """The pages' Markdown, rendered one after another in a forked process while the build goes on: a large
    site's listings and record pages take about a tenth of its build on one CPU, and the build reads a
    generated page's Markdown only after every hand-written one."""
    return forked.MadeAside([(f"页面 {page.path}", page.render) for page in pages], "kb-generated")
