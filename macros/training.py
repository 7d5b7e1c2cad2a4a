"""Trainers' material generated from a method's data and page: a session plan and a one-page card.

Pure functions. Nothing here states a fact of its own: names, steps, roles,
figures and sources come from the record; the case and the exercises come from
the method page's ``## 案例`` and ``## 培训使用`` sections. What is generated
is only the frame a session runs in (timing, order, prompts).
"""

from __future__ import annotations

import posixpath
import re

from . import render
from .models import KnowledgeBase, Method

CASE_HEADING = "案例"
TRAINING_HEADING = "培训使用"

# Minutes per part of a session; explaining takes this many minutes per step.
INTRO, PER_STEP, CASE, DISCUSSION, EXERCISE, CLOSING = 10, 5, 15, 20, 25, 5


def plan_path(method_id: str) -> str:
    return f"training/{method_id}.md"


def card_path(method_id: str) -> str:
    return f"training/cards/{method_id}.md"


def page_sections(markdown: str) -> dict[str, str]:
    """The ``## `` sections of a page by heading text (attribute lists and anchors dropped)."""
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    fence = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and line.startswith("## "):
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current = re.sub(r"\s*\{[^}]*\}\s*$", "", line[3:]).strip()
            lines = []
        elif not fence and line.startswith("# "):
            continue
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return sections


_MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def rebase_links(markdown: str, from_page: str, to_page: str) -> str:
    """Relative Markdown links written on ``from_page`` rewritten to work from ``to_page``."""

    def replace(match: re.Match[str]) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(from_page), path))
        moved = posixpath.relpath(resolved, posixpath.dirname(to_page) or ".")
        return f"{match.group(1)}{moved}{'#' + anchor if anchor else ''}{match.group(3)}"

    return _MD_LINK.sub(replace, markdown)


def _without_macros(markdown: str) -> str:
    """Page text with its ``{{ macro() }}`` calls left out (their content is rendered from data here)."""
    return re.sub(r"^\s*\{\{.*?\}\}\s*$", "", markdown, flags=re.MULTILINE).strip()


def agenda(method: Method) -> list[tuple[str, int, str]]:
    """(part, minutes, what happens) for a session on ``method``."""
    steps = max(1, len(method.steps))
    return [
        ("导入", INTRO, "读一句话概括，说明这个工作法出自哪里、解决什么问题"),
        ("讲解步骤", PER_STEP * steps, f"逐一讲解 {len(method.steps)} 个步骤，每步请学员复述要点" if method.steps else "按方法页讲解做法"),
        ("案例复盘", CASE, "复述下面的案例，请学员指出每一步在案例中对应的做法"),
        ("讨论", DISCUSSION, "围绕讨论题分组发言"),
        ("分组推演", EXERCISE, "按分组练习的安排推演或角色扮演，每组汇报"),
        ("小结", CLOSING, "回顾步骤，发放工作法卡片"),
    ]


def step_prompts(method: Method) -> list[str]:
    """Questions a trainer can ask about each step (prompts, not facts)."""
    return [f"第{n}步“{render.esc(step.name)}”：在你的社区由谁来做？需要事先准备什么？"
            for n, step in enumerate(method.steps, start=1)]


def session_plan(kb: KnowledgeBase, method: Method, method_page_markdown: str) -> str:
    """The Markdown of ``training/<id>.md``."""
    page = plan_path(method.id)
    method_page = render.record_path("methods", method.id)
    sections = page_sections(method_page_markdown)
    case = _without_macros(sections.get(CASE_HEADING, ""))
    training = _without_macros(sections.get(TRAINING_HEADING, ""))
    parts = agenda(method)
    total = sum(minutes for _, minutes, _ in parts)
    back = posixpath.relpath(method_page, posixpath.dirname(page))
    card = posixpath.relpath(card_path(method.id), posixpath.dirname(page))
    goal = (f"学员能说出“{render.esc(method.name)}”的 {len(method.steps)} 个步骤和每一步做什么"
            if method.steps else f"学员能说明“{render.esc(method.name)}”怎么做")
    goal += "，知道由谁来做" if method.roles else ""
    goal += "，并能用它分析本社区的一件真实事务。"
    out = [
        "---\nrender_macros: false\n---\n",
        f"# {render.esc(method.name)}：培训方案\n",
        f"[工作法页面]({back}) · [打印工作法卡片]({card})\n",
        render.method_overview(kb, method, page),
        '<div class="kb-card kb-plan-block" markdown>\n',
        f"时间\n:   约 {total} 分钟（可按下表增减）\n",
        f"目标\n:   {goal}\n",
        "形式\n:   案例复盘、分组推演、角色扮演\n",
        "</div>\n",
        "## 流程 {#agenda}\n",
        "| 环节 | 时间 | 做什么 |\n| --- | ---: | --- |",
        *[f"| {name} | {minutes} 分钟 | {what} |" for name, minutes, what in parts],
        "",
        render.method_steps(method),
        render.method_roles(method),
        "## 要复述的案例 {#case}\n",
        rebase_links(case, method_page, page) if case else "方法页还没有案例。请从下面的来源文章中选一件事例复述，只讲来源写明的事实。",
        "",
        "## 讨论题与分组练习 {#exercise}\n",
        rebase_links(training, method_page, page) if training else "方法页还没有培训建议，可以用下面按步骤生成的提问。",
        "",
        "按步骤提问：\n",
        *[f"- {prompt}" for prompt in step_prompts(method)],
        "",
        render.method_results(kb, method, page),
        render.cited_sources(kb, method.sources, page),
    ]
    return "\n".join(part for part in out if part is not None) + "\n"


def method_card(kb: KnowledgeBase, method: Method) -> str:
    """The Markdown of ``training/cards/<id>.md``: the method on one printed page."""
    page = card_path(method.id)
    back = posixpath.relpath(render.record_path("methods", method.id), posixpath.dirname(page))
    out = [
        "---\nrender_macros: false\nhide:\n  - navigation\n  - toc\n---\n",
        f"# 工作法卡片：{render.esc(method.name)}\n",
        '<div class="kb-method-card" markdown>\n',
        render.method_overview(kb, method, page),
        render.method_steps(method),
        render.method_roles(method),
        render.method_results(kb, method, page),
        render.cited_sources(kb, method.sources, page),
        "</div>\n",
        f"[返回工作法页面]({back}){{ .kb-no-print }}\n",
    ]
    return "\n".join(part for part in out if part) + "\n"


def training_index(kb: KnowledgeBase, page: str) -> str:
    """``training/index.md``: every method with its plan and card."""
    rows = ["| 工作法 | 培训方案 | 工作法卡片 | 步骤 |", "| --- | --- | --- | ---: |"]
    for method in kb.methods.values():
        plan = posixpath.relpath(plan_path(method.id), posixpath.dirname(page))
        card = posixpath.relpath(card_path(method.id), posixpath.dirname(page))
        rows.append(f"| {render.link(kb, 'methods', method.id, page)} | [培训方案]({plan}) | [卡片]({card}) | {len(method.steps) or '—'} |")
    return "\n".join(rows) + "\n"
