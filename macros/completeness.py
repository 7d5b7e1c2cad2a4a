"""How complete a method or studio is: which fields and page sections are filled.

Pure functions: records and page Markdown in, a :class:`Completeness` or
Markdown out. Editors see the mark under each page's card and the least
complete records on the 资料完整度 page, so they know where help is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import sitemap
from .knowledge_base import KnowledgeBase
from .models import Method, Studio
from .render import esc, link

# Prose sections a method page is expected to have (headings written in docs/methods/<id>.md).
METHOD_SECTIONS = ("适用场景", "案例", "培训使用")
STUDIO_SECTIONS = ("概况",)

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


@dataclass(frozen=True)
class Completeness:
    filled: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.filled) + len(self.missing)

    @property
    def percent(self) -> int:
        return round(100 * len(self.filled) / self.total) if self.total else 100

    @property
    def level(self) -> str:
        if not self.missing:
            return "完整"
        return "较完整" if self.percent >= 70 else "待补充"


def sections(markdown: str) -> dict[str, bool]:
    """Each ``## heading`` of a page → whether its own prose (not macros, not comments) says anything."""
    found: dict[str, bool] = {}
    heading = None
    body: list[str] = []

    def close() -> None:
        if heading is not None:
            text = _MACRO.sub("", _COMMENT.sub("", "\n".join(body)))
            found[heading] = bool(text.strip())

    for line in markdown.splitlines():
        match = re.match(r"^##\s+(.+?)\s*(\{[^}]*\})?\s*$", line)
        if match:
            close()
            heading, body = match.group(1), []
        elif heading is not None:
            body.append(line)
    close()
    return found


def _score(checks: list[tuple[str, bool]], page_markdown: str, expected: tuple[str, ...]) -> Completeness:
    written = sections(page_markdown)
    checks = checks + [(f"“{name}”一节", written.get(name, False)) for name in expected]
    return Completeness(tuple(label for label, ok in checks if ok), tuple(label for label, ok in checks if not ok))


def of_method(kb: KnowledgeBase, method: Method, page_markdown: str) -> Completeness:
    origin = method.origin
    return _score([
        ("出处", bool(origin.studio or origin.founder or origin.community or kb.studios_of_method(method.id))),
        ("地区", bool(origin.region.province)),
        ("首次报道年份", method.year is not None),
        ("主题", bool(method.themes)),
        ("步骤", bool(method.steps)),
        ("参与角色", bool(method.roles)),
        ("成效数字", bool(method.results)),
        ("相关工作法", bool(kb.related_methods.get(method.id))),
    ], page_markdown, METHOD_SECTIONS)


def of_studio(kb: KnowledgeBase, studio: Studio, page_markdown: str) -> Completeness:
    return _score([
        ("地区", bool(studio.region.province)),
        ("成立时间", bool(studio.founded)),
        ("负责人", bool(studio.leader or kb.mentors_of_studio.get(studio.id))),
        ("团队", bool(studio.team)),
        ("组织结构", bool(studio.structure)),
        ("工作法", bool(kb.methods_of_studio.get(studio.id))),
        ("数字", bool(studio.figures)),
        ("示范点与阵地", bool(kb.sites_of_studio.get(studio.id))),
    ], page_markdown, STUDIO_SECTIONS)


def of_record(kb: KnowledgeBase, kind: str, record_id: str, page_markdown: str) -> Completeness:
    if kind == "methods":
        return of_method(kb, kb.methods[record_id], page_markdown)
    return of_studio(kb, kb.studios[record_id], page_markdown)


_LEVEL_CLASS = {"完整": "full", "较完整": "most", "待补充": "low"}


def mark(result: Completeness, page: str) -> str:
    """The line under a page's card: how complete it is and what is missing, with a link to help."""
    missing = f"，待补充：{'、'.join(esc(m) for m in result.missing)}" if result.missing else ""
    return (
        f'<p class="kb-completeness kb-completeness--{_LEVEL_CLASS[result.level]}" markdown>'
        f"资料完整度 <strong>{len(result.filled)}/{result.total}</strong>（{result.level}）{missing}。"
        f"[参与补充]({sitemap.link(sitemap.EDITING_PAGE, page)})</p>\n"
    )


def todo(page: str) -> str:
    """What an unwritten section shows until an editor fills it."""
    return f"本节尚待补充，欢迎[参与编辑]({sitemap.link(sitemap.EDITING_PAGE, page)})。\n{{: .kb-todo }}\n"


def ranking(kb: KnowledgeBase, pages: dict[tuple[str, str], str]) -> list[tuple[str, str, Completeness]]:
    """Every method and studio, least complete first (ties by kind and id, so the order is stable)."""
    rows = [(kind, record_id, of_record(kb, kind, record_id, pages.get((kind, record_id), "")))
            for kind in sitemap.PROSE_KINDS for record_id in kb.of_kind(kind)]
    return sorted(rows, key=lambda row: (row[2].percent, row[0], row[1]))


def table(kb: KnowledgeBase, pages: dict[tuple[str, str], str], page: str, limit: int = 30) -> str:
    """The 资料完整度 page's list: the least complete records and what each lacks."""
    rows = ranking(kb, pages)
    if not rows:
        return "还没有记录。\n"
    lines = ["| 记录 | 类型 | 完整度 | 待补充 |", "| --- | --- | --- | --- |"]
    for kind, record_id, result in rows[:limit]:
        lines.append(f"| {link(kb, kind, record_id, page)} | {sitemap.label(kind)} | {len(result.filled)}/{result.total} | "
                     f"{'、'.join(esc(m) for m in result.missing) or '—'} |")
    complete = sum(1 for *_, result in rows if not result.missing)
    summary = f"共 {len(rows)} 条工作法与工作室记录，其中 {complete} 条资料完整。下表列出最不完整的 {min(limit, len(rows))} 条。\n\n"
    return summary + "\n".join(lines) + "\n"


def read_pages(docs_dir: Path, kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    """The Markdown source of every method and studio page (missing pages read as empty)."""
    pages = {}
    for kind in sitemap.PROSE_KINDS:
        for record_id in kb.of_kind(kind):
            path = docs_dir / sitemap.record_path(kind, record_id)
            pages[(kind, record_id)] = path.read_text(encoding="utf-8") if path.is_file() else ""
    return pages
