"""How complete a method or studio is: how much of what a reader can use it has.

Pure functions: records and page Markdown in, a :class:`Completeness` or
Markdown out. Substance weighs more than field count: steps with details (names
alone count a third), a case, and the share of statements backed by the
articles' words count most. Editors see the mark under each page's card and the
least complete records on the 资料完整度 page; listings show ``level`` as a badge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import evidence, render, sitemap
from .knowledge_base import KnowledgeBase
from .models import Method, Record, Studio
from .render import esc, link

# Prose sections a method page is expected to have (headings written in docs/methods/<id>.md).
METHOD_SECTIONS = ("适用场景", "案例", "培训使用")
STUDIO_SECTIONS = ("概况",)

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


@dataclass(frozen=True)
class Check:
    """One thing a reader can use, its weight, and how much of it the record has (0 to ``weight``)."""

    label: str
    weight: float
    got: float
    note: str = ""  # what is short, e.g. 只有名称

    @property
    def full(self) -> bool:
        return self.got >= self.weight


@dataclass(frozen=True)
class Completeness:
    """How much of what a reader can use a record has: weighed checks, the missing ones named."""

    checks: tuple[Check, ...]

    @property
    def filled(self) -> tuple[str, ...]:
        return tuple(check.label for check in self.checks if check.full)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(check.label + (f"（{check.note}）" if check.note else "") for check in self.checks if not check.full)

    @property
    def total(self) -> int:
        return len(self.checks)

    @property
    def percent(self) -> int:
        weight = sum(check.weight for check in self.checks)
        return round(100 * sum(check.got for check in self.checks) / weight) if weight else 100

    @property
    def level(self) -> str:
        """A short label for listings and search results: 完整, 较完整 or 待补充."""
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


# What a method page gives a reader, by weight: steps one can follow (names alone are a third of it),
# a real case, when to use it, the words of the articles behind its facts, then the facts themselves.
STEPS_WEIGHT = 3.0
CASE_WEIGHT = 2.0
EVIDENCE_WEIGHT = 3.0


def _check(label: str, ok: bool, weight: float = 1.0) -> Check:
    return Check(label, weight, weight if ok else 0.0)


def _sections(page_markdown: str, expected: tuple[str, ...], weights: dict[str, float]) -> list[Check]:
    written = sections(page_markdown)
    return [_check(f"“{name}”一节", written.get(name, False), weights.get(name, 1.0)) for name in expected]


def evidence_check(record: Record, page_markdown: str) -> Check:
    """The share of the record's statements (fields and paragraphs of prose) that carry the article's words."""
    paragraphs = evidence.prose_paragraphs(page_markdown)
    stated = len(evidence.statements(record)) + len(paragraphs)
    backed = len(evidence.supported(record)) + sum(paragraph.cited for paragraph in paragraphs)
    share = backed / stated if stated else 1.0
    return Check("依据", EVIDENCE_WEIGHT, EVIDENCE_WEIGHT * share, "" if share >= 1 else f"{backed}/{stated} 条附原文")


def steps_check(method: Method) -> Check:
    """Steps a reader can follow have details; names alone count a third."""
    if not method.steps:
        return Check("步骤", STEPS_WEIGHT, 0.0)
    detailed = sum(1 for step in method.steps if says_how(step.detail))
    share = (1 + 2 * detailed / len(method.steps)) / 3
    note = "" if detailed == len(method.steps) else ("只有名称" if not detailed else f"{detailed}/{len(method.steps)} 步有说明")
    return Check("步骤", STEPS_WEIGHT, STEPS_WEIGHT * share, note)


# A step's detail shorter than this (e.g. “寇庆阳套路的第二环。”) says nothing a reader can do.
MIN_DETAIL = 12
# Nor does one that says the article gives no detail.
_NOT_GIVEN = re.compile(r"未载明|未写明|未交代|没有写|没有交代|没写")


def says_how(detail: str | None) -> bool:
    """Whether a step's detail tells a reader what to do."""
    return detail is not None and len(detail.strip()) >= MIN_DETAIL and not _NOT_GIVEN.search(detail)


def of_method(kb: KnowledgeBase, method: Method, page_markdown: str) -> Completeness:
    origin = method.origin
    return Completeness((
        steps_check(method),
        *_sections(page_markdown, METHOD_SECTIONS, {"案例": CASE_WEIGHT}),
        evidence_check(method, page_markdown),
        _check("出处", bool(origin.studio or origin.founder or origin.community or kb.studios_of_method(method.id))),
        _check("地区", bool(origin.region.province)),
        # The year, or else the date of the earliest article: the card shows it once (render.first_report).
        _check("首次报道", bool(render.first_report(kb, method))),
        _check("参与角色", bool(method.roles)),
        _check("成效数字", bool(method.results)),
    ))


def working_out_method_levels(kb: KnowledgeBase, read: Callable[[str], str | None], levels: dict[str, str]) -> Iterator[None]:
    """Each method's level into ``levels``, one method a step (``read``: a page's Markdown by docs path):
    the listings take them all at once, the search's worker a step whenever it waits for a page."""
    for method in kb.methods.values():
        if method.id not in levels:
            levels[method.id] = of_method(kb, method, read(sitemap.record_path("methods", method.id)) or "").level
            yield


def of_studio(kb: KnowledgeBase, studio: Studio, page_markdown: str) -> Completeness:
    return Completeness((
        *_sections(page_markdown, STUDIO_SECTIONS, {"概况": CASE_WEIGHT}),
        evidence_check(studio, page_markdown),
        _check("地区", bool(studio.region.province)),
        _check("成立时间", bool(studio.founded)),
        _check("负责人", bool(studio.leader or kb.mentors_of_studio.get(studio.id))),
        _check("团队", bool(studio.team)),
        _check("组织结构", bool(studio.structure)),
        _check("工作法", bool(kb.methods_of_studio.get(studio.id))),
        _check("数字", bool(studio.figures)),
        _check("示范点与阵地", bool(kb.sites_of_studio.get(studio.id))),
    ))


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
        f"资料完整度 <strong>{result.percent}%</strong>（{result.level}）{missing}。"
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
        lines.append(f"| {link(kb, kind, record_id, page)} | {sitemap.label(kind)} | {result.percent}% | "
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
