"""Registers the knowledge base's macros with mkdocs-macros; the logic lives in render.py."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import Abort

from macros import benchmark, completeness, figures, pages, render, training
from macros.models import load_project

log = logging.getLogger("mkdocs.plugins.macros.kb")


def define_env(env) -> None:  # noqa: ANN001 (mkdocs-macros' environment object)
    root = Path(env.project_dir)
    kb, problems = load_project(root)
    if problems:
        for problem in problems:
            log.error(problem.as_text(root))
        raise Abort(f"数据校验未通过：{len(problems)} 个问题，见上。可运行 python -m scripts.validate 查看。")

    def page() -> str:
        return env.page.file.src_uri

    def current(kind: str):  # noqa: ANN202
        return render.page_record(kb, kind, page())

    def completeness_mark() -> str:
        kind = render.kind_of_page(page())
        return completeness.mark(completeness.of_record(kb, kind, current(kind).id, env.page.file.content_string), page())

    macros = {
        "title": lambda: render.title(current(render.kind_of_page(page()))),
        "method_overview": lambda: render.method_overview(kb, current("methods"), page()) + completeness_mark(),
        "method_steps": lambda: render.method_steps(current("methods")),
        "method_roles": lambda: render.method_roles(current("methods")),
        "method_results": lambda: render.method_results(kb, current("methods"), page()),
        # Who teaches a method and where to see it go before its related methods: hand-written
        # method pages call related_methods() already, so they gain the section without an edit.
        "related_methods": lambda: pages.method_learning(kb, current("methods"), page()) + render.related_methods(kb, current("methods"), page()),
        "studio_overview": lambda: render.studio_overview(kb, current("studios"), page()) + completeness_mark(),
        "studio_methods": lambda: render.studio_methods(kb, current("studios"), page()),
        "studio_people": lambda: render.studio_people(kb, current("studios"), page()),
        "studio_sites": lambda: render.studio_sites(kb, current("studios"), page()),
        "studio_figures": lambda: render.studio_figures(kb, current("studios"), page()),
        "mentor_overview": lambda: pages.mentor_overview(kb, current("mentors"), page()),
        "mentor_studios": lambda: pages.mentor_studios(kb, current("mentors"), page()),
        "mentor_methods": lambda: pages.mentor_methods(kb, current("mentors"), page()),
        "site_overview": lambda: pages.site_overview(kb, current("sites"), page()),
        "site_shows": lambda: pages.site_shows(current("sites")),
        "site_studio": lambda: pages.site_studio(kb, current("sites"), page()),
        "cited_sources": lambda: render.cited_sources(kb, current(render.kind_of_page(page())).sources, page()),
        "method_table": lambda: render.method_table(kb, page()),
        "studio_table": lambda: render.studio_table(kb, page()),
        "mentor_table": lambda: render.mentor_table(kb, page()),
        "mentor_directory": lambda: render.mentor_directory(kb, page()),
        "site_table": lambda: render.site_table(kb, page()),
        "site_directory": lambda: render.site_directory(kb, page()),
        "source_directory": lambda: render.source_directory(kb, page()),
        "site_figures": lambda: render.site_figures(kb, page()),
        "featured_methods": lambda *ids: render.featured_methods(kb, list(ids), page()),
        "theme_table": lambda: render.theme_table(kb, page()),
        "region_table": lambda: render.region_table(kb, page()),
        "region_tree": lambda: figures.region_tree(kb, page()),
        "theme_chart": lambda: figures.bar_chart(figures.theme_bars(kb, page()), "各主题的工作法数量", "个"),
        "theme_chart_table": lambda: figures.data_table(figures.theme_bars(kb, page()), ("主题", "工作法")),
        "province_chart": lambda: figures.bar_chart(figures.province_bars(kb, page()), "各省级行政区的条目数量", "条"),
        "province_chart_table": lambda: figures.data_table(figures.province_bars(kb, page()), ("省级行政区", "条目")),
        "timeline": lambda: figures.timeline(kb, page()),
        "lineage": lambda: figures.lineage(kb, page()),
        "training_index": lambda: training.training_index(kb, page()),
        "todo": lambda: completeness.todo(page()),
        "completeness_table": lambda: completeness.table(kb, completeness.read_pages(Path(env.conf["docs_dir"]), kb), page()),
        "benchmark_table": lambda: benchmark.benchmark_section(root),
    }
    for name, function in macros.items():
        env.macro(function, name)
