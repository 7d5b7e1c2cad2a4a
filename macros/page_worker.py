"""Work on built pages done beside the build: a forked process on the second CPU.

MkDocs renders pages one after another on one CPU. What only reads a finished page (the
search index's text and words, the converted edition) needs nothing MkDocs does next, so the
build hands each page over as it is written (:meth:`PageWorker.page`) to a process that runs
every :class:`PageJob` on it, and, once told that the pages are done (:meth:`PageWorker.finish`),
each job's ``finish`` (the indexes), the jobs in processes of their own so that they end together.
The build meanwhile goes on, and asks for the jobs' results at its very end
(:meth:`PageWorker.results`). A job that fails stops the build with its message.

MkDocs renders every page's content before it writes any page: the search index's job cuts
each page's content into words then (:meth:`PageWorker.content`), so that the second CPU works
during that first pass too.

Plain Python, no MkDocs: kb_build/ makes the jobs and owns the worker (kb_build/stage.py).
With one CPU, or ``processes=False``, the jobs run in the build's own process, in the same order.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import os
import queue
import time
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol, runtime_checkable

from macros import forked, search_index
from macros.knowledge_base import KnowledgeBase
from macros.search_index import Page, page_from_html, plain_title


@dataclass
class BuiltPage:
    """One page as MkDocs writes it: ``relative`` to the site folder, the HTML it writes, its URL
    and title, and whether the search index takes it (Material's ``search: {exclude: true}`` says no)."""

    relative: str
    output: str
    url: str
    title: str
    searched: bool

    @functools.cached_property
    def text(self) -> str:
        """The page's text as read back from its file: MkDocs encodes what UTF-8 cannot as
        character references, and text mode reads line ends as ``\\n``."""
        text = self.output.encode("utf-8", "xmlcharrefreplace").decode("utf-8")
        return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text

    @functools.cached_property
    def search_page(self) -> Page | None:
        """What the search index reads of the page (its article's title and text); None when it has none
        or is left out. Worked out once, for every job that asks."""
        if not self.searched:
            return None
        found = page_from_html(self.text, self.url)
        if found is not None and not found.title:
            return Page(self.url, plain_title(self.title), found.text)
        return found


class PageJob(Protocol):
    """Work on each built page (``page``), then once on them all (``finish``, whose result must pickle)."""

    def page(self, page: BuiltPage) -> None: ...

    def finish(self) -> object: ...


@runtime_checkable
class Prepares(Protocol):
    """A page job with work that needs no page (:meth:`preparing`, one step per item it yields), done
    while the process waits for pages (MkDocs renders pages for a while before it writes the first)."""

    def preparing(self) -> Iterator[None]: ...


@runtime_checkable
class ReadsContent(Protocol):
    """A page job that also reads each page's content early (:meth:`PageWorker.content`)."""

    def content(self, url: str, html: str, searched: bool) -> None: ...


class IndexJob:
    """One edition's search index as a page job: each page's text, jieba's words of it and its terms,
    taken as the page is built; the index's files written into ``site/search/kb/`` by :meth:`finish`.

    Segmenting and counting terms are most of an index's work; done page by page they run beside
    the build instead of after it. The words go into the build's shared store (:class:`SiteInputs` ``words``), where the
    index finds them, as another edition's index does for a page that folds to the same text.
    """

    def __init__(self, site: Path, kb: KnowledgeBase, data_dir: Path, cache_dir: Path | None = None,
                 edition: str = "zh-Hans", convert: Callable[[str], str] = str) -> None:
        self.site, self.kb, self.data_dir, self.cache_dir = site, kb, data_dir, cache_dir
        self.edition, self.convert = edition, convert
        self._cache: search_index.WordCache | None = None  # made in the process that segments, at the first page
        self._builder: search_index.IndexBuilder | None = None
        self._cards: dict[str, search_index.Card] | None = None

    def preparing(self) -> Iterator[None]:
        """What the index's end needs and no page changes, a step at a time: the terms that stand for
        names (their pinyin keys' beginnings) and each method's completeness level, both shared by the
        editions, and this edition's record cards."""
        cache, _ = self._parts()
        inputs = search_index.site_inputs(self.kb)
        if not inputs.expansions:  # the first edition's job works them out for every edition
            expansions: defaultdict[str, set[str]] = defaultdict(set)
            yield from search_index.working_out_name_expansions(
                inputs.entries, inputs.fold, lambda word: cache.memo("pinyin", word, search_index.pinyin_keys), expansions)
            inputs.expansions.append(expansions)
        yield from search_index.working_out_levels(self.kb, search_index.pages_folder(self.data_dir))
        self._cards = search_index.site_record_cards(self.kb, self.data_dir, self.convert)

    def content(self, url: str, html: str, searched: bool) -> None:
        """A page's content as MkDocs renders it, before any page is written: its lines are cut into
        words now, beside the build's first pass over the pages, and the page finds them when it is
        written (:meth:`SiteInputs.line_words`)."""
        if not searched:  # the index leaves the page out
            return
        inputs = search_index.site_inputs(self.kb)
        for line in inputs.fold(search_index.page_text(html)).split("\n"):
            inputs.line_words(line)

    def add(self, page: Page) -> None:
        """A page of this edition: its words found, its terms into the index."""
        cache, builder = self._parts()
        inputs = search_index.site_inputs(self.kb)
        title, text = inputs.fold(page.title), inputs.fold(page.text)
        key = search_index.WordCache.key(title, text)
        if cache.knows(key):
            words = cache.words(key)
        else:
            words = [word for line in f"{title}\n{text}".split("\n") for word in inputs.line_words(line)]
            cache.put(key, words)
        inputs.words.setdefault(key, cache.used[key])
        builder.add(page, search_index.page_terms(title, text, words))

    def _parts(self) -> tuple[search_index.WordCache, search_index.IndexBuilder]:
        if self._cache is None or self._builder is None:
            inputs = search_index.site_inputs(self.kb)
            cache_dir = self.cache_dir
            path = search_index.word_cache_path(cache_dir, inputs.entries, self.edition) if cache_dir is not None else None
            self._cache = search_index.WordCache(path, inputs.words)
            self._builder = search_index.site_index_builder(self.kb, self.data_dir)
        return self._cache, self._builder

    def page(self, page: BuiltPage) -> None:
        """A built page of this edition."""
        if page.search_page is not None:
            self.add(page.search_page)

    def finish(self) -> search_index.IndexReport:
        started = time.perf_counter()
        cache, builder = self._parts()
        index = search_index.finish_site_index(builder, self.kb, cache, search_index.file_writer(self.site),
                                               self.data_dir, self.convert, self._cards)
        return search_index.IndexReport(index.docs, index.shards, index.terms, time.perf_counter() - started)


# Pages handed over but not yet taken: put() waits beyond this (a busy machine), which bounds their memory.
PAGES_IN_TRANSIT = 200


class PageWorker:
    """Runs ``jobs`` on every page handed over, in a forked process (see the module's docstring)."""

    def __init__(self, jobs: Sequence[PageJob], *, processes: bool | None = None) -> None:
        self.jobs = list(jobs)
        self.readers = _readers(self.jobs)
        self.forked = (os.cpu_count() or 1) > 1 if processes is None else processes
        self._finished = False
        self._results: list[object] | None = None
        if not self.forked:
            return
        context = multiprocessing.get_context("fork")
        self._queue: multiprocessing.Queue = context.Queue(PAGES_IN_TRANSIT)
        self._reply, reply_end = context.Pipe(duplex=False)
        self._process = forked.start(_serve, (self.jobs, self._queue, reply_end), "kb-pages")
        reply_end.close()
        # A build that stops without results() (an error, Ctrl-C) must not wait for the process at exit.
        self._stop = weakref.finalize(self, _stop, self._process, self._queue)

    def page(self, page: BuiltPage) -> None:
        if self._finished:
            raise RuntimeError(f"页面处理已结束，不再接收页面：{page.relative}")
        if not self.forked:
            for job in self.jobs:
                job.page(page)
            return
        self._send(("page", page))

    def content(self, url: str, html: str, searched: bool) -> None:
        """A page's content HTML, rendered before the pages are written, for the jobs that read it early
        (``searched``: whether the search index takes the page)."""
        if not self.readers:  # nothing to send it for
            return
        if not self.forked:
            for job in self.readers:
                job.content(url, html, searched)
            return
        self._send(("content", url, html, searched))

    def finish(self) -> None:
        """Every page is in: the jobs finish now (in the process) while the build goes on. Once is enough."""
        if self._finished:
            return
        self._finished = True
        if self.forked:
            self._send(("finish",))

    def results(self) -> list[object]:
        """Each job's ``finish`` result, in the jobs' order (waits for them)."""
        self.finish()
        if self._results is None:
            if not self.forked:
                for _ in _preparing(self.jobs):
                    pass
                self._results = [job.finish() for job in self.jobs]
            else:
                while not self._reply.poll(1):
                    if not self._process.is_alive():
                        raise RuntimeError(self._failure())
                outcome = self._reply.recv()
                if isinstance(outcome, str):
                    raise RuntimeError(f"页面处理进程出错：{outcome}")
                self._process.join()
                self._stop.detach()
                self._queue.close()
                self._results = outcome
        return self._results

    def close(self) -> None:
        """Stop the process (the build failed)."""
        if self.forked:
            self._stop()

    def _send(self, item: tuple) -> None:
        while True:
            try:
                self._queue.put(item, timeout=1)
                return
            except queue.Full:  # the process is behind, or it stopped
                if not self._process.is_alive():
                    raise RuntimeError(self._failure()) from None

    def _failure(self) -> str:
        """Why the process stopped: its own message, else its exit code."""
        if self._reply.poll():
            outcome = self._reply.recv()
            if isinstance(outcome, str):
                return f"页面处理进程出错：{outcome}"
        return f"页面处理{forked.exited(self._process)}，见上面的错误信息"


def _stop(process: multiprocessing.process.BaseProcess, pages: multiprocessing.Queue) -> None:
    pages.cancel_join_thread()  # what the process will never read is dropped, not waited for
    process.terminate()


def _serve(jobs: list[PageJob], pages: multiprocessing.Queue, reply: Connection) -> None:
    """The forked process: every job on each page as it comes; at the end the jobs' ``finish``,
    each but the first in a process of its own, forked now (it has every page's work at hand)."""
    readers = _readers(jobs)
    preparing: Iterator[None] | None = _preparing(jobs)
    try:
        while True:
            try:  # a step of the jobs' preparing whenever no page waits, until it is done
                kind, *item = pages.get(block=preparing is None)
            except queue.Empty:
                if preparing is not None and next(preparing, _PREPARED) is _PREPARED:
                    preparing = None
                continue
            if kind == "page":
                for job in jobs:
                    job.page(item[0])
            elif kind == "content":
                for reader in readers:
                    reader.content(*item)
            else:
                for _ in preparing or ():
                    pass
                reply.send(_finish_all(jobs))
                return
    except BaseException as error:  # reported by the build, which stops
        reply.send(forked.failure(error))
        raise


_PREPARED = object()


def _preparing(jobs: list[PageJob]) -> Iterator[None]:
    return itertools.chain.from_iterable(job.preparing() for job in jobs if isinstance(job, Prepares))


def _readers(jobs: list[PageJob]) -> list[ReadsContent]:
    return [job for job in jobs if isinstance(job, ReadsContent)]


def _finish_all(jobs: list[PageJob]) -> list[object]:
    if len(jobs) < 2:
        return [job.finish() for job in jobs]
    pipes = []
    for job in jobs[1:]:
        receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
        process = forked.start(_finish_one, (job, send), "kb-pages-finish")
        send.close()
        pipes.append((process, receive))
    results = [jobs[0].finish()]
    for process, receive in pipes:
        try:
            outcome = receive.recv()
        except EOFError:  # it ended without a word
            outcome = None
        process.join()
        if not isinstance(outcome, tuple):
            raise RuntimeError(outcome or f"收尾{forked.exited(process)}")
        results.append(outcome[0])
    return results


def _finish_one(job: PageJob, reply: Connection) -> None:
    try:
        reply.send((job.finish(),))
    except BaseException as error:
        reply.send(forked.failure(error))
        raise
