"""What every stage of the build is given: one build's shared state, owned by the plugin (plugin.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from mkdocs.config.defaults import MkDocsConfig

from macros.forked import MadeAside
from macros.knowledge_base import KnowledgeBase
from macros.page_worker import BuiltPage, PageJob, PageWorker


@dataclass
class Build:
    """One build's state, made by the plugin once the knowledge base is loaded; the next build
    (each rebuild of `mkdocs serve`) gets a new one."""

    project: Path  # the folder of mkdocs.yml: data/, docs/, node_modules/, .cache/
    kb: KnowledgeBase  # every record, loaded and checked once for this build
    live_edit: bool  # `make serve`: rebuilds render the edited pages only (stage live_edit)
    partial: bool = False  # this rebuild renders the edited pages only: stages that read the whole site keep the last output
    # Work on each built page beside the build (macros/page_worker.py): stages add their jobs before
    # the first page is rendered (on_files); the plugin hands every page over and waits for the jobs at the end.
    page_jobs: list[PageJob] = field(default_factory=list)
    worker: PageWorker | None = None

    def hand_over(self, page: BuiltPage) -> None:
        if self.page_jobs:
            self._worker().page(page)

    def hand_over_content(self, url: str, html: str, searched: bool) -> None:
        if self.page_jobs:
            self._worker().content(url, html, searched)

    def _worker(self) -> PageWorker:
        if self.worker is None:  # forked now: the knowledge base and the configuration are complete
            self.worker = PageWorker(self.page_jobs)
        return self.worker

    def pages_done(self) -> None:
        """Every page is built: the jobs finish (their indexes) while the build writes its last files."""
        if self.worker is not None:
            self.worker.finish()

    def page_results(self) -> dict[PageJob, object]:
        """Each job's result (waits for them)."""
        if self.worker is None and self.page_jobs:  # a site without pages
            self.worker = PageWorker(self.page_jobs, processes=False)
        return dict(zip(self.page_jobs, self.worker.results(), strict=True)) if self.worker is not None else {}

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()


class Stage:
    """One job of the build. A stage implements the MkDocs events it needs, with MkDocs' own
    arguments (``on_files(files, *, config)`` …); the plugin calls them in the order of its STAGES."""

    name: ClassVar[str]  # its switch among the plugin's options, and its logger mkdocs.plugins.kb.<name>

    # Besides MkDocs' events, ``on_pages_done(*, results)``: after on_post_build, with each page
    # job's result (Build.page_jobs), once they are all done.

    def __init__(self, build: Build) -> None:
        self.build = build


class StageWithAside(Stage):
    """A stage whose texts are made beside the build (:class:`macros.forked.MadeAside`, in ``aside``):
    the process stops when the build ends, or fails, before it has made them all."""

    aside: MadeAside | None = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._stop_aside()

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_aside()

    def _stop_aside(self) -> None:
        if self.aside is not None:
            self.aside.close()
