"""Stage page_html: refuses page content that would run script or load from another host; marks links that leave the site.

One job, the markup of pages: every page's rendered content (its Markdown and
the macros' output) is checked by macros/page_safety.py — no ``<script>``, event
handler, ``javascript:``/``data:`` address, frame, embedded object or resource
from another host. All pages are checked, every problem is logged (page and
element, in Chinese), then the build stops before any page is written. Links to
other hosts get ``rel="noopener noreferrer"``.

Switch off: ``page_html: false`` in the kb plugin's options (the Content Security
Policy of the stage csp still blocks such script in browsers).
"""

from __future__ import annotations

import logging

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb_build.stage import Build, Stage
from macros.page_safety import content_problems, mark_outbound_links

log = logging.getLogger("mkdocs.plugins.kb.page_html")


class PageHtml(Stage):
    name = "page_html"

    def __init__(self, build: Build) -> None:
        super().__init__(build)
        self.refused: dict[str, list[str]] = {}

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        problems = content_problems(html)
        if problems:
            self.refused[page.file.src_uri] = problems
            for problem in problems:
                log.error("docs/%s  %s", page.file.src_uri, problem)
        return html

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Every page is converted before the theme's environment is made: all problems are known here."""
        if self.refused:
            count = sum(len(problems) for problems in self.refused.values())
            raise Abort(f"{len(self.refused)} 个页面有 {count} 处不允许的网页代码，见上：页面里不能有脚本、事件属性、"
                        "javascript: 或 data: 地址、框架，也不能从其他网站加载图片等内容。")
        return env

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return mark_outbound_links(output)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The 404 page, written from a template rather than a page."""
        return mark_outbound_links(output_content) if template_name.endswith(".html") else output_content
