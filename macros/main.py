"""Registers the knowledge base's macros with mkdocs-macros; the logic lives in render.py.

Pages reach these macros and nothing else: before a page is rendered,
``on_pre_page_macros`` refuses any template code but ``{{ macro(literal, …) }}``
(macros/template_check.py), and the page is rendered in a sandboxed Jinja
environment whose only names are these macros (no filter but ``indent``, no file loader).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from jinja2.sandbox import ImmutableSandboxedEnvironment
from mkdocs.exceptions import Abort

from macros import (
    benchmark,
    citations,
    completeness,
    editing,
    facets,
    figures,
    lineage,
    pages,
    render,
    template_check,
    training,
)
from macros.knowledge_base import KnowledgeBase

log = logging.getLogger("mkdocs.plugins.macros.kb")

# The macros this module registers: the only names a page may use.
REGISTERED: set[str] = set()


def knowledge_base(config) -> KnowledgeBase:
    """The build's knowledge base, loaded and checked by its owner, the kb plugin (kb_build/plugin.py),
    whose on_config runs before this plugin's."""
    build = getattr(config.plugins.get("kb"), "build", None)
    if build is None:
        raise Abort("mkdocs.yml 的 plugins 里没有 kb 插件（kb_build/）：宏显示的数据由它加载")
    return build.kb


def define_env(env) -> None:
    root = Path(env.project_dir)
    kb = knowledge_base(env.conf)

    def page() -> str:
        return env.page.file.src_uri

    def current(kind: str):
        return render.page_record(kb, kind, page())

    def completeness_mark() -> str:
        kind = render.kind_of_page(page())
        return completeness.mark(completeness.of_record(kb, kind, current(kind).id, env.page.file.content_string), page())

    # The page's evidence notes, numbered as its macros run; on_post_page_macros appends them.
    env.kb_notes = PageNotes(kb)

    def notes() -> citations.Notes:
        return env.kb_notes.of(page())

    def overview(kind: str, card: str) -> str:
        """A record's card, then how well its facts are supported (and, for prose kinds, how complete it is)."""
        record = current(kind)
        return card + citations.unsupported_mark(record) + (completeness_mark() if kind in ("methods", "studios") else "")

    def read_page(path: str) -> str | None:
        """A hand-written page's Markdown by docs path (None where the page is generated)."""
        file = Path(env.conf["docs_dir"]) / path
        return file.read_text(encoding="utf-8") if file.is_file() else None

    published_list = root / "data" / "published-paths.txt"
    published = published_list.read_text(encoding="utf-8").splitlines() if published_list.is_file() else []

    macros = {
        "title": lambda: render.title(current(render.kind_of_page(page()))),
        "method_overview": lambda: overview("methods", render.method_overview(kb, current("methods"), page(), notes())),
        "method_steps": lambda: render.method_steps(current("methods"), notes()),
        "method_roles": lambda: render.method_roles(current("methods"), notes()),
        "method_results": lambda: render.method_results(kb, current("methods"), page(), notes()),
        # Who teaches a method and where to see it (its lineage) go before its related methods:
        # hand-written method pages call related_methods() already, so they gain the section without an edit.
        "related_methods": lambda: (pages.method_learning(kb, current("methods"), page())
                                    + render.related_methods(kb, current("methods"), page())),
        "studio_overview": lambda: overview("studios", render.studio_overview(kb, current("studios"), page(), notes())),
        "studio_methods": lambda: render.studio_methods(kb, current("studios"), page(), notes()),
        "studio_people": lambda: render.studio_people(kb, current("studios"), page()),
        "studio_sites": lambda: render.studio_sites(kb, current("studios"), page(), notes()) + lineage.neighbourhood(kb, "studios", current("studios").id, page()),
        "studio_figures": lambda: render.studio_figures(kb, current("studios"), page(), notes()),
        "mentor_overview": lambda: overview("mentors", pages.mentor_overview(kb, current("mentors"), page(), notes())),
        "mentor_studios": lambda: pages.mentor_studios(kb, current("mentors"), page(), notes()),
        "mentor_methods": lambda: pages.mentor_methods(kb, current("mentors"), page()),
        "site_overview": lambda: overview("sites", pages.site_overview(kb, current("sites"), page(), notes())),
        "site_shows": lambda: pages.site_shows(current("sites"), notes()),
        # Prose cites its source right after the sentence or paragraph: {{ cite("hongyan-report", "原文摘句") }}.
        "cite": lambda source_id, quote: notes().cite(source_id, quote),
        "site_studio": lambda: pages.site_studio(kb, current("sites"), page()),
        "cited_sources": lambda: render.cited_sources(kb, current(render.kind_of_page(page())).sources, page()),
        "source_directory": lambda: facets.source_directory(kb, page()),
        "site_figures": lambda: render.site_figures(kb, page()),
        "featured_methods": lambda *ids: render.featured_methods(kb, list(ids), page()),
        "region_tree": lambda: figures.region_tree(kb, page()),
        "tile_map": lambda: figures.tile_map(kb, page()),
        "theme_chart": lambda: figures.bar_chart(figures.theme_bars(kb, page()), "各主题的工作法数量", "个"),
        "theme_chart_table": lambda: figures.data_table(figures.theme_bars(kb, page()), ("主题", "工作法")),
        "province_chart": lambda: figures.bar_chart(figures.province_bars(kb, page()), "各省级行政区的条目数量", "条"),
        "province_chart_table": lambda: figures.data_table(figures.province_bars(kb, page()), ("省级行政区", "条目")),
        "timeline": lambda: figures.timeline(kb, page()),
        "lineage": lambda: lineage.network_page(kb, 1, page()),
        "neighbourhood": lambda kind=None, record_id=None: lineage.neighbourhood(kb, kind or render.kind_of_page(page()), record_id or current(render.kind_of_page(page())).id, page()),
        "listing": lambda kind: facets.first_page(kb, kind, page(), read_page),
        "legacy_anchors": lambda kind: facets.legacy_anchors(kb, kind, published, page()),
        "theme_index": lambda: facets.theme_index(kb, page()),
        "training_index": lambda: training.training_index(kb, page(), read_page),
        "todo": lambda: completeness.todo(page()),
        "editing_paths": lambda: editing.editing_paths(
            env.conf["site_url"] or "", env.conf["repo_url"] or "", "main", editing.issue_forms(root / ".github/ISSUE_TEMPLATE"),
            env.conf["extra"].get("feedback_email")),
        "completeness_table": lambda: completeness.table(kb, completeness.read_pages(Path(env.conf["docs_dir"]), kb), page()),
        "benchmark_table": lambda: benchmark.benchmark_section(root),
    }
    for name, function in macros.items():
        env.macro(function, name)
    REGISTERED.clear()
    REGISTERED.update(macros)


class PageNotes:
    """The evidence notes of the page being rendered (held by the plugin, not by this module)."""

    def __init__(self, kb) -> None:
        self.kb = kb
        self.current: citations.Notes | None = None

    def of(self, page: str) -> citations.Notes:
        if self.current is None or self.current.page != page:
            self.current = citations.Notes(self.kb, page)
        return self.current

    def finish(self) -> str:
        """The notes section of the page just rendered; the next page starts afresh."""
        section = self.current.section() if self.current is not None else ""
        self.current = None
        return section


def on_post_page_macros(env) -> None:
    """After a page's macros ran: its evidence notes go at its end, and the page asks for their script (overrides/main.html)."""
    section = env.kb_notes.finish() if hasattr(env, "kb_notes") else ""
    if section:
        env.markdown = env.markdown.rstrip("\n") + "\n\n" + str(section)  # str: Markup + text would escape the page
        env.page.meta["kb_evidence"] = True


def on_pre_page_macros(env) -> None:
    """Before a page is rendered: sandbox the engine, then refuse anything but calls of our macros."""
    _sandbox(env)
    if hasattr(env, "kb_notes"):
        env.kb_notes.finish()  # a page whose rendering failed leaves nothing behind
    page = env.page
    if page.meta.get("render_macros") is False:
        return  # not rendered: its text stays text
    source = page.file.content_string
    offset = source[: len(source) - len(env.markdown)].count("\n") if source.endswith(env.markdown) else 0
    problems = [(problem.line + offset, problem.message) for problem in template_check.template_problems(env.markdown, REGISTERED)]
    if page.title and env.has_j2(page.title):
        problems += [(1, f"标题：{problem.message}") for problem in template_check.template_problems(page.title, REGISTERED)]
    if problems:
        for line, message in problems:
            log.error("docs/%s:%d  %s", page.file.src_uri, line, message)
        raise Abort(f"页面 docs/{page.file.src_uri} 有 {len(problems)} 处不允许的模板写法，见上。"
                    "页面里只能调用本站的宏，参数只能是直接写出的文字或数字，例如 {{ method_steps() }}。")


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, compiling a page text once: the pages generated for records of one kind share theirs."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._compiled = lru_cache(maxsize=64)(super().from_string)

    def from_string(self, source, globals=None, template_class=None):
        if globals is None and template_class is None and isinstance(source, str):
            return self._compiled(source)
        return super().from_string(source, globals, template_class)


def _sandbox(env) -> None:
    """Swap mkdocs-macros' Jinja environment for a sandbox holding only our macros (defence in depth)."""
    if isinstance(env.env, ImmutableSandboxedEnvironment):
        return
    sandbox = _Sandbox(undefined=env.env.undefined, loader=None, autoescape=False)  # Markdown out, not HTML: the values are escaped by render.esc
    sandbox.globals = {name: env.env.globals[name] for name in REGISTERED}
    sandbox.filters = {name: env.env.filters[name] for name in template_check.ALLOWED_FILTERS}
    sandbox.tests = {}
    env._env = sandbox  # mkdocs-macros 1.5 keeps its environment here; tests/test_hardening_macros.py checks
