"""Refuses page content that would run script or load from another host; marks links that leave the site.

One job, the markup of pages: every page's rendered content (its Markdown and
the macros' output) is checked by macros/page_safety.py — no ``<script>``, event
handler, ``javascript:``/``data:`` address, frame, embedded object or resource
from another host. All pages are checked, every problem is logged (page and
element, in Chinese), then the build stops before any page is written. Links to
other hosts get ``rel="noopener noreferrer"``.

Switch off: remove ``hooks/page_html.py`` from ``hooks:`` in mkdocs.yml (the
Content Security Policy of hooks/csp.py still blocks such script in browsers).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # hooks load by path; macros/ is beside
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mkdocs.exceptions import Abort

from macros.page_safety import content_problems, mark_outbound_links

log = logging.getLogger("mkdocs.hooks.page_html")
_refused: dict[str, list[str]] = {}


def on_pre_build(config):
    _refused.clear()


def on_page_content(html, page, config, files):
    problems = content_problems(html)
    if problems:
        _refused[page.file.src_uri] = problems
        for problem in problems:
            log.error("docs/%s  %s", page.file.src_uri, problem)
    return html


def on_env(env, config, files):
    if _refused:
        count = sum(len(problems) for problems in _refused.values())
        raise Abort(f"{len(_refused)} 个页面有 {count} 处不允许的网页代码，见上：页面里不能有脚本、事件属性、"
                    "javascript: 或 data: 地址、框架，也不能从其他网站加载图片等内容。")
    return env


def on_post_page(output, page, config):
    return mark_outbound_links(output)


def on_post_template(output_content, template_name, config):
    """The 404 page, written from a template rather than a page."""
    return mark_outbound_links(output_content) if template_name.endswith(".html") else output_content
