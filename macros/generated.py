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

import multiprocessing
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection

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


class RenderError(Exception):
    """A generated page's rendering failed; the message is Chinese and names the page."""


class RenderedAside:
    """The pages' Markdown, rendered one after another in a forked process while the build goes on.

    A large site's listings and record pages take about a tenth of its build on one CPU, and the
    build needs a page's Markdown only when it comes to render that page, after every hand-written
    one. What arrives is kept until :meth:`markdown` asks for it (a thread takes it from the pipe,
    so the process never waits for the build).
    """

    def __init__(self, pages: Sequence[GeneratedPage]) -> None:
        self.pages = pages
        self._received: dict[int, str] = {}
        self._failure: str | None = None
        self._done = False
        self._arrived = threading.Condition()
        receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
        self._process = forked.start(_render_all, (pages, send), "kb-generated", daemon=True)
        send.close()
        threading.Thread(target=self._take, args=(receive,), name="kb-generated", daemon=True).start()

    def markdown(self, number: int) -> str:
        """Page ``number``'s Markdown (waits for it); once: it is not kept after."""
        with self._arrived:
            self._arrived.wait_for(lambda: number in self._received or self._done)
            if number in self._received:
                return self._received.pop(number)
        if self._failure:
            raise RenderError(self._failure)
        self._process.join(timeout=5)
        raise RenderError(f"生成页面 {self.pages[number].path} 时{forked.exited(self._process)}")

    def close(self) -> None:
        """Stop the process (the build ended before every page was asked for)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def _take(self, receive: Connection) -> None:
        while True:
            try:
                number, text, failure = receive.recv()
            except EOFError:
                number, text, failure = -1, "", None
            with self._arrived:
                if number >= 0 and failure is None:
                    self._received[number] = text
                else:
                    self._done, self._failure = True, failure
                self._arrived.notify_all()
            if number < 0 or failure is not None:
                receive.close()
                return


def _render_all(pages: Sequence[GeneratedPage], send: Connection) -> None:
    for number, page in enumerate(pages):
        try:
            text = page.render()
        except Exception as error:  # reported by the build, which stops
            send.send((number, "", f"生成页面 {page.path} 出错：{forked.failure(error)}"))
            return
        send.send((number, text, None))
