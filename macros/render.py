"""Pure rendering: records in, Markdown (with escaped HTML) out.

Every function here takes data and returns text; nothing reads files or MkDocs
state, so the logic is unit-tested without a build. Links are written as
relative Markdown links to ``.md`` files so that MkDocs checks them in a strict
build and rewrites them for either URL style.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterable

from markupsafe import Markup

from . import regions, sitemap
from .citations import Notes, marked, marks, source_name
from .knowledge_base import KnowledgeBase
from .markup import UNKNOWN, date_text, esc, html_of, join, url_attr
from .models import Figure, Method, Record, Region, Source, Studio

_NOT_IN_ANCHOR = re.compile(r"[^\w-]+")


def anchor(text: str) -> Markup:
    """An ``id`` / ``{#anchor}`` from text (e.g. a province name): letters, digits, CJK and hyphens only."""
    cleaned = _NOT_IN_ANCHOR.sub("-", str(text)).strip("-")
    return Markup(cleaned or "x")


def link(kb: KnowledgeBase, kind: str, record_id: str, from_page: str) -> str:
    """A Markdown link from ``from_page`` (docs-relative) to a record, named by the record."""
    record = kb.of_kind(kind)[record_id]
    href = sitemap.link(sitemap.record_path(kind, record_id), from_page)
    return html_of("[{}](" + href + ")", source_name(record) if isinstance(record, Source) else getattr(record, "name", record_id))


def links(kb: KnowledgeBase, kind: str, ids: Iterable[str], from_page: str) -> str:
    return "、".join(link(kb, kind, record_id, from_page) for record_id in ids)


def region_text(region: Region) -> str:
    """The region's parts; empty when the source names no place (a list does not repeat "unknown")."""
    return esc(" ".join(region.parts()))


def region_link(region: Region, from_page: str) -> str:
    """The region's parts, the province a link to its listing; empty when the source names no place."""
    # The link is the province the source names; a province only the standard supplies is not shown.
    target = regions.province_page(region) if region.province else None
    if target is None:
        return esc(" ".join(region.parts()))
    rest = " ".join(region.parts()[1:])
    return f"[{esc(region.province)}]({sitemap.link(target, from_page)})" + (f" {esc(rest)}" if rest else "")


def theme_links(themes: Iterable[str], from_page: str) -> str:
    """Each theme a link to its listing. Raw HTML: the tags page's anchors exist only after the tags
    plugin has run, too late for MkDocs' check of Markdown links, so the URL is written as served."""
    return join("、", (html_of('<a href="{}">{}</a>', url_attr(sitemap.url(sitemap.theme_path(theme), from_page)), theme)
                       for theme in themes))


def number_text(figure: Figure) -> str:
    value = int(figure.value) if figure.value == int(figure.value) else figure.value
    prefix = figure.qualifier if figure.qualifier in ("近", "约", "超过") else ""
    suffix = figure.qualifier if figure.qualifier in ("余", "多", "以上") else ""
    return f"{prefix}{value}{suffix}{esc(figure.unit)}"


def _facts(rows: Iterable[tuple[str, str]]) -> str:
    """A definition list of the facts that are known; an empty one is left out, not called unknown."""
    return "\n".join(f"{label}\n:   {value}\n" for label, value in rows if value)


def _card(css_class: str, summary: str | None, facts: str) -> str:
    lead = f'<p class="kb-summary"><strong>一句话概括：</strong>{esc(summary)}</p>\n\n' if summary else ""
    return f'<div class="kb-card {css_class}" markdown>\n\n{lead}{facts}\n</div>\n'


def _section(heading: str, body: str, anchor: str) -> str:
    return f"## {heading} {{#{anchor}}}\n\n{body}\n" if body else ""


def title(record: Record) -> str:
    return esc(record.name)


def aliases_text(aliases: list[str]) -> str:
    return "、".join(esc(a) for a in aliases)


# ---- methods ---------------------------------------------------------------


def first_report(kb: KnowledgeBase, method: Method) -> str:
    """When a method was first reported, said once: the year the record gives, or else the date of the
    earliest dated article among its sources (``2021年7月22日，中国社会报``); empty when neither is known."""
    if method.year:
        return f"{method.year}年"
    cited = (kb.sources.get(source_id) for source_id in method.sources)
    dated = [source for source in cited if source and source.date]
    if not dated:
        return ""
    first = min(dated, key=lambda source: (source.date, source.id))
    return f"{date_text(first.date)}，{esc(first.publication) if first.publication else source_name(first)}（所引来源中最早的报道）"


def card_facts(record: Record, notes: Notes | None, rows: list[tuple[str, str, tuple[str, ...]]]) -> str:
    """A card's facts, each followed by the markers of the fields it shows; the name's own row only
    where the name carries evidence, and the aliases last."""
    name = marks(notes, record, "name")
    named = [("名称", esc(record.name) + name, ())] if name else []
    aliases = [("又称", aliases_text(record.aliases), ("aliases",))] if record.aliases else []
    return _facts((label, marked(notes, record, value, *fields)) for label, value, fields in [*named, *rows, *aliases])


def summary_text(record: Record, notes: Notes | None) -> str:
    return esc(record.summary) + marks(notes, record, "summary")


def method_overview(kb: KnowledgeBase, method: Method, page: str, notes: Notes | None = None) -> str:
    summary = summary_text(method, notes)  # first: markers are numbered in the order the reader meets them
    origin = method.origin
    source_parts = [
        links(kb, "studios", kb.studios_of_method(method.id), page),
        link(kb, "mentors", origin.founder, page) if origin.founder else "",
        esc(origin.community) if origin.community else "",
    ]
    facts = card_facts(method, notes, [
        ("出处", "，".join(p for p in source_parts if p), ("origin.studio", "origin.founder", "origin.community")),
        ("地区", region_link(origin.region, page), ("origin.region",)),
        ("首次报道", first_report(kb, method), ("year",)),
        ("主题", theme_links(method.themes, page), ()),
    ])
    return _card("kb-method", summary, facts)


def method_steps(method: Method, notes: Notes | None = None) -> str:
    """Numbered steps; ``#step-N`` anchors are part of the published URLs."""
    items = []
    for number, step in enumerate(method.steps, start=1):
        detail = f"：{esc(step.detail)}" if step.detail else ""
        items.append(
            f'<li id="step-{number}" class="kb-step"><a class="kb-step-anchor" href="#step-{number}">第{number}步</a> '
            f"<strong>{esc(step.name)}</strong>{detail}{marks(notes, method, f'steps.{number - 1}')}</li>"
        )
    body = f'<ol class="kb-steps">\n{chr(10).join(items)}\n</ol>{_whole_list(notes, method, "steps")}' if items else ""
    return _section("怎么做", body, "how")


def _whole_list(notes: Notes | None, record: Record, name: str) -> str:
    """The markers of evidence for a whole list (``steps``, not ``steps.0``), after it."""
    found = marks(notes, record, name, exact=True)
    return f'\n\n<p class="kb-ev-all">依据{found}</p>' if found else ""


def method_roles(method: Method, notes: Notes | None = None) -> str:
    roles = [f"- {esc(role)}" for role in method.roles]
    if roles:
        roles[-1] = f"{roles[-1]}{marks(notes, method, 'roles')}"  # str + Markup would escape the str again
    return _section("谁来做", "\n".join(roles), "who")


def figures_table(kb: KnowledgeBase, figures: list[Figure], page: str,
                  notes: Notes | None = None, record: Record | None = None, name: str = "") -> str:
    """The figures as a table; on a record's page (``record``, ``name`` its list) each row with its markers."""
    if not figures:
        return ""
    rows = ["| 统计内容 | 数字 | 统计时间 | 来源 |", "| --- | --- | --- | --- |"]
    for index, figure in enumerate(figures):
        when = date_text(figure.as_of) if figure.as_of else ""
        found = marks(notes, record, f"{name}.{index}") if record is not None else ""
        rows.append(f"| {esc(figure.label)} | {number_text(figure)}{found} | {when} | {link(kb, 'sources', figure.source, page)} |")
    return "\n".join(rows) + (_whole_list(notes, record, name) if record is not None else "")


def method_results(kb: KnowledgeBase, method: Method, page: str, notes: Notes | None = None) -> str:
    return _section("成效", figures_table(kb, method.results, page, notes, method, "results"), "results")


RELATED_LIMIT = 6


def related_method_ids(kb: KnowledgeBase, method: Method, limit: int = RELATED_LIMIT) -> list[str]:
    """Methods named as related in the data first, then those sharing the most themes."""
    named = list(kb.related_methods.get(method.id, []))
    by_theme = (i for i in kb.methods_by_shared_themes(method.themes) if i != method.id and i not in named)
    return named + list(itertools.islice(by_theme, max(limit - len(named), 0)))


def related_methods(kb: KnowledgeBase, method: Method, page: str) -> str:
    """``#related``: each related method with the themes it shares with this one."""
    lines = []
    for other_id in related_method_ids(kb, method):
        other = kb.methods[other_id]
        common = [t for t in other.themes if t in method.themes]
        note = f"（共同主题：{'、'.join(esc(t) for t in common)}）" if common else ""
        summary = f"：{esc(other.summary)}" if other.summary else ""
        lines.append(f"- {link(kb, 'methods', other_id, page)}{note}{summary}")
    return _section("相关工作法", "\n".join(lines), "related")


# ---- studios ---------------------------------------------------------------


def studio_overview(kb: KnowledgeBase, studio: Studio, page: str, notes: Notes | None = None) -> str:
    summary = summary_text(studio, notes)
    facts = card_facts(studio, notes, [
        ("类型", esc(studio.type), ("type",)),
        ("负责人", link(kb, "mentors", studio.leader, page) if studio.leader else leader_unknown(kb, studio), ("leader",)),
        ("地区", region_link(studio.region, page), ("region",)),
        ("成立", date_text(studio.founded) if studio.founded else "", ("founded",)),
        ("团队", esc(studio.team) if studio.team else "", ("team",)),
        ("组织结构", esc(studio.structure) if studio.structure else "", ("structure",)),
    ])
    return _card("kb-studio", summary, facts)


def leader_unknown(kb: KnowledgeBase, studio: Studio) -> str:
    """A secretary's studio is led by someone: when the sources name nobody, the reader is told, once."""
    return UNKNOWN if studio.type == "社区书记工作室" and not kb.mentors_of_studio.get(studio.id) else ""


def studio_methods(kb: KnowledgeBase, studio: Studio, page: str, notes: Notes | None = None) -> str:
    ids = kb.methods_of_studio.get(studio.id, [])
    body = "\n".join(f"- {link(kb, 'methods', i, page)}：{esc(kb.methods[i].summary or '')}".rstrip("：") for i in ids)
    return _section("工作法", body + (_whole_list(notes, studio, "methods") if body else ""), "methods")


def studio_people(kb: KnowledgeBase, studio: Studio, page: str) -> str:
    ids = kb.mentors_of_studio.get(studio.id, [])
    body = "\n".join(f"- {link(kb, 'mentors', i, page)}，{esc(kb.mentors[i].role)}" for i in ids)
    return _section("书记与导师", body, "people")


def studio_sites(kb: KnowledgeBase, studio: Studio, page: str, notes: Notes | None = None) -> str:
    ids = kb.sites_of_studio.get(studio.id, [])
    body = "\n".join(f"- {link(kb, 'sites', i, page)}（{esc(kb.sites[i].type)}）" for i in ids)
    return _section("示范点与阵地", body + (_whole_list(notes, studio, "sites") if body else ""), "sites")


def studio_figures(kb: KnowledgeBase, studio: Studio, page: str, notes: Notes | None = None) -> str:
    return _section("数字", figures_table(kb, studio.figures, page, notes, studio, "figures"), "figures")


# ---- sources ---------------------------------------------------------------


def source_line(source: Source) -> str:
    """Publication, author and date of an article (the title is the link that precedes it).

    What the article itself does not say is named once, at the end; readers never see the
    internal file name of an article.
    """
    parts: list[str] = [esc(source.publication)] if source.publication else []
    if source.author:
        parts.append(f"作者 {esc(source.author)}")
    if source.date:
        parts.append(date_text(source.date))
    missing = [label for label, value in (("刊载媒体", source.publication), ("日期", source.date)) if not value]
    if missing:
        parts.append(f"{'、'.join(missing)}未载明")
    for label, address in (("原文", source.url), ("存档", source.archive_url)):
        if address:
            parts.append(html_of('<a href="{}" rel="noopener noreferrer">{}</a>', url_attr(address), label))
    return "，".join(parts)


def cited_sources(kb: KnowledgeBase, source_ids: list[str], page: str) -> str:
    body = "\n".join(f"- {link(kb, 'sources', i, page)}：{source_line(kb.sources[i])}" for i in source_ids)
    return _section("来源", body, "sources")


# ---- indexes and figures ---------------------------------------------------

def count_by_kind(kb: KnowledgeBase) -> dict[str, int]:
    """Records per paged kind, by kind."""
    return {kind: len(kb.of_kind(kind)) for kind in sitemap.PAGED_KINDS}


def featured_methods(kb: KnowledgeBase, ids: list[str], page: str) -> str:
    """Cards for the methods an editor chose to feature, each with its summary and first steps."""
    unknown = [i for i in ids if i not in kb.methods]
    if unknown:
        raise LookupError(f"页面 docs/{page} 推荐的工作法不存在：{'、'.join(unknown)}（应为 data/methods/ 下的文件名）")
    cards = []
    for method_id in ids:
        method = kb.methods[method_id]
        steps = " → ".join(esc(step.name) for step in method.steps[:4])
        lines = [f"-   **{link(kb, 'methods', method_id, page)}**", "", "    ---", ""]
        if method.summary:
            lines += [f"    {esc(method.summary)}", ""]
        if steps:
            lines += [f"    怎么做：{steps}", ""]
        cards.append("\n".join(lines))
    return '<div class="grid cards" markdown>\n\n' + "\n".join(cards) + "\n</div>\n"


def site_figures(kb: KnowledgeBase, page: str) -> str:
    """The home page's headline numbers, each linking to its index."""
    cells = []
    for kind, count in count_by_kind(kb).items():
        href = url_attr(sitemap.url(sitemap.index_path(kind), page))
        cells.append(f'<a class="kb-figure" href="{href}"><span class="kb-figure-value">{count}</span> <span class="kb-figure-label">{sitemap.label(kind)}</span></a>')
    sources = len(kb.sources)
    return f'<div class="kb-figures">\n{chr(10).join(cells)}\n</div>\n\n以上数字由数据自动统计，全部出自 {sources} 篇来源文章。\n'


# ---- pages -------------------------------------------------------------------


def kind_of_page(page: str) -> str:
    return page.split("/", 1)[0]


def page_record(kb: KnowledgeBase, kind: str, page: str) -> Record:
    """The record a page presents: ``methods/<id>.md`` shows ``data/methods/<id>.yml``."""
    record_id = posixpath.splitext(posixpath.basename(page))[0]
    if kind_of_page(page) != kind or record_id not in kb.of_kind(kind):
        raise LookupError(f"页面 docs/{page} 没有对应的数据文件 data/{kind}/{record_id}.yml（页面文件名须与记录编号相同）")
    return kb.records(kind)[record_id]
