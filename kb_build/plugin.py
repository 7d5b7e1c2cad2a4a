"""The build's owner: the ``kb`` MkDocs plugin (entry point in pyproject.toml, listed under ``plugins:``).

It loads the knowledge base once per build (macros/knowledge_base.py), reports its problems
once, in Chinese, and stops the build before anything reads the records; mkdocs-macros takes
the same knowledge base from it (macros/main.py). Then it runs the stages, one job each, in
the order of :data:`STAGES`, at every MkDocs event; a stage switched off in the plugin's
options (config.py) does not run.

Where the stages run among the other plugins: ``kb`` is listed last under ``plugins:``, so at
an event's default priority its stages run after search, macros, tags and redirects (a page's
Markdown after macros rendered it; the files after Material's search and mkdocs-redirects wrote
theirs). The priorities below are the only exceptions.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from kb_build.config import KbConfig
from kb_build.csp import Csp
from kb_build.editions import Editions
from kb_build.generated_pages import GeneratedPages
from kb_build.handout import Handout
from kb_build.live_edit import LiveEdit
from kb_build.page_description import PageDescription
from kb_build.page_html import PageHtml
from kb_build.page_memory import PageMemory
from kb_build.page_meta import PageMeta
from kb_build.page_text import PageText
from kb_build.record_section import RecordSection
from kb_build.search_index import SearchIndex
from kb_build.section_anchors import SectionAnchors
from kb_build.short_links import ShortLinks
from kb_build.stage import Build, Stage
from kb_build.static_files import StaticFiles
from kb_build.theme_tags import ThemeTags
from kb_build.training_pages import TrainingPages
from kb_build.web_editor import WebEditor
from macros.knowledge_base import load_project
from macros.page_worker import BuiltPage

log = logging.getLogger("mkdocs.plugins.kb")

# The order in which the stages run, at every event; written here and nowhere else. What it must keep:
# live_edit first (it decides whether this build is partial); generated_pages and training_pages add
# files before editions lists the text files to convert; page_html marks a page's links before
# search_index reads it and csp hashes its scripts after everything else changed it; editions
# converts the finished site last (after search_index, web_editor and csp wrote theirs); page_memory
# lets go of a page once every other stage has used it.
STAGES: tuple[type[Stage], ...] = (
    StaticFiles,
    LiveEdit,
    PageText,
    PageMeta,
    PageDescription,
    ShortLinks,
    ThemeTags,
    TrainingPages,
    Handout,
    GeneratedPages,
    SectionAnchors,
    RecordSection,
    PageHtml,
    SearchIndex,
    Csp,
    WebEditor,
    Editions,
    PageMemory,
)

T = TypeVar("T")


class KbPlugin(BasePlugin[KbConfig]):
    """Owns one build: its knowledge base (:class:`Build`) and the stages switched on."""

    def __init__(self) -> None:
        super().__init__()
        self.build: Build | None = None
        self.stages: list[Stage] = []

    def _run(self, event: str, item: T, **context: Any) -> T:
        """Each stage's handler of ``event``, in order, each given what the one before returned."""
        for stage in self.stages:
            handler = getattr(stage, event, None)
            if handler is not None:
                result = handler(item, **context)
                item = item if result is None else result
        return item

    def _notify(self, event: str, **context: Any) -> None:
        for stage in self.stages:
            handler = getattr(stage, event, None)
            if handler is not None:
                handler(**context)

    @event_priority(100)  # before mkdocs-macros' on_config, whose define_env takes the knowledge base from here
    def _load(self, config: MkDocsConfig) -> None:
        project = Path(config.config_file_path).parent
        kb, problems = load_project(project)
        if problems:
            for problem in problems:
                log.error(problem.as_text(project))
            raise Abort(f"数据校验未通过：{len(problems)} 个问题，见上。可运行 python -m scripts.validate 查看。")
        self.build = Build(project, kb, live_edit=self.config.live_edit)
        self.stages = [stage(self.build) for stage in STAGES if self.config[stage.name]]
        log.debug("阶段：%s", " → ".join(stage.name for stage in self.stages))

    def _configure(self, config: MkDocsConfig) -> MkDocsConfig:  # after the other plugins' on_config
        return self._run("on_config", config)

    on_config = CombinedEvent(_load, _configure)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self._notify("on_pre_build", config=config)

    @event_priority(100)  # before mkdocs-redirects' on_files checks that short links lead to existing (generated) pages
    def on_files(self, files, *, config):
        return self._run("on_files", files, config=config)

    def on_nav(self, nav, *, config, files):
        return self._run("on_nav", nav, config=config, files=files)

    @event_priority(110)  # before Material's tags plugin renders its listings (100) with the filter theme_tags adds
    def on_env(self, env, *, config, files):
        return self._run("on_env", env, config=config, files=files)

    def on_page_markdown(self, markdown, *, page, config, files):
        return self._run("on_page_markdown", markdown, page=page, config=config, files=files)

    def on_page_content(self, html, *, page, config, files):
        html = self._run("on_page_content", html, page=page, config=config, files=files)
        if self.build is not None and self.build.page_jobs:  # read early, beside the build (macros/page_worker.py)
            self.build.hand_over_content(page.url, html, not _search_excluded(page))
        return html

    def on_page_context(self, context, *, page, config, nav):
        return self._run("on_page_context", context, page=page, config=config, nav=nav)

    def on_post_page(self, output, *, page, config):
        output = self._run("on_post_page", output, page=page, config=config)
        if self.build is not None and self.build.page_jobs:  # the page as it is written, to the jobs beside the build
            self.build.hand_over(BuiltPage(page.file.dest_uri, output, page.url, page.title or "", not _search_excluded(page)))
        return output

    def on_post_template(self, output_content, *, template_name, config):
        return self._run("on_post_template", output_content, template_name=template_name, config=config)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._notify("on_post_build", config=config)
        if self.build is not None:
            try:
                results = self.build.page_results()
            except RuntimeError as error:  # a job failed; its process printed the details
                raise PluginError(str(error)) from None
            self._notify("on_pages_done", results=results)

    def on_build_error(self, *, error: Exception) -> None:
        self._notify("on_build_error", error=error)
        if self.build is not None:
            self.build.close()


def _search_excluded(page: Any) -> bool:
    """Material's convention, ``search: {exclude: true}`` in a page's meta (the generated listings)."""
    return bool((page.meta.get("search") or {}).get("exclude"))
