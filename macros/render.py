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
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from . import regions, sitemap
from .knowledge_base import KnowledgeBase
from .models import Figure, Method, Record, Region, Source, Studio

UNKNOWN = "来源未载明"

# Characters HTML and Markdown (with its extensions: attr_list, abbr, tables, tildes) give a
# meaning to, written as character references. References read the same in Markdown text,
# in raw HTML blocks, in inline SVG and in quoted attribute values, so ``esc`` is right in all of them.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
_ENTITIES.update({char: f"&#{ord(char)};" for char in "\\`*_[]{}|#~!"})
_SPECIALS = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def esc(text: object) -> Markup:
    """Text from data, safe as Markdown text, as HTML text and as a quoted attribute value.

    Returns :class:`markupsafe.Markup`, the type of text that is already safe:
    a ``Markup`` is passed through unchanged, so escaping twice is harmless, and
    anything else is escaped. Line breaks become spaces: data fields are inline
    text and must not start a block (a list, a raw HTML block, a definition).
    """
    if isinstance(text, Markup):
        return text
    flat = _LINE_BREAKS.sub(" ", str(text))
    return Markup(_SPECIALS.sub(lambda m: _ENTITIES[m.group()], flat))


def html_of(template: str, *args: object, **kwargs: object) -> Markup:
    """HTML (or Markdown) from a trusted template and untrusted values: ``html_of("<b>{}</b>", name)``.

    Every value goes through :func:`esc` unless it is already ``Markup``, before it is put in:
    the values are then safe text, so plain ``str.format`` fills the template (markupsafe's own
    formatter, which escapes as it goes, costs ten times as much on pages of many links).
    """
    return Markup(template.format(*(esc(a) for a in args), **{k: esc(v) for k, v in kwargs.items()}))


def join(separator: str, parts: Iterable[object]) -> Markup:
    """``separator.join(parts)`` with each part escaped unless it is already ``Markup``."""
    return Markup(separator).join(esc(part) for part in parts)


_SAFE_SCHEMES = ("", "http", "https", "mailto")


def url_attr(url: str) -> Markup:
    """A URL for an ``href``/``src`` attribute of raw HTML: relative or http(s) only, escaped.

    ``javascript:``, ``data:`` and every other scheme raise ``ValueError``.
    """
    text = str(url).strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        raise ValueError(f"不允许的链接地址：{text[:80]}")
    return Markup(escape(text))


_NOT_IN_ANCHOR = re.compile(r"[^\w-]+")


def anchor(text: str) -> Markup:
    """An ``id`` / ``{#anchor}`` from text (e.g. a province name): letters, digits, CJK and hyphens only."""
    cleaned = _NOT_IN_ANCHOR.sub("-", str(text)).strip("-")
    return Markup(cleaned or "x")


def link(kb: KnowledgeBase, kind: str, record_id: str, from_page: str) -> str:
    """A Markdown link from ``from_page`` (docs-relative) to a record, named by the record."""
    record = kb.of_kind(kind)[record_id]
    href = sitemap.link(sitemap.record_path(kind, record_id), from_page)
    return html_of("[{}](" + href + ")", getattr(record, "name", getattr(record, "title", record_id)))


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


def date_text(value: str | None) -> str:
    """``2021-07-22`` → ``2021年7月22日``; partial dates keep their precision."""
    if not value:
        return UNKNOWN
    parts = [int(p) for p in value.split("-")]
    return "".join(f"{n}{unit}" for n, unit in zip(parts, ("年", "月", "日"), strict=False))


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


def earliest_report(kb: KnowledgeBase, method: Method) -> str:
    """Where a method's year is unknown: the earliest dated article among its sources,
    e.g. ``最早见于 2021-07-22《中国社会报》`` (its title where the publication is not named);
    empty when none of them is dated."""
    cited = (kb.sources.get(source_id) for source_id in method.sources)
    dated = [source for source in cited if source and source.date]
    if not dated:
        return ""
    first = min(dated, key=lambda source: (source.date, source.id))
    return f"最早见于 {esc(first.date)}《{esc(first.publication or first.title)}》"


def method_overview(kb: KnowledgeBase, method: Method, page: str) -> str:
    origin = method.origin
    source_parts = [
        links(kb, "studios", kb.studios_of_method(method.id), page),
        link(kb, "mentors", origin.founder, page) if origin.founder else "",
        esc(origin.community) if origin.community else "",
    ]
    facts = [
        ("出处", "，".join(p for p in source_parts if p)),
        ("地区", region_link(origin.region, page)),
        ("首次报道", f"{method.year}年" if method.year else earliest_report(kb, method)),
        ("主题", theme_links(method.themes, page)),
    ]
    if method.aliases:
        facts.append(("又称", aliases_text(method.aliases)))
    return _card("kb-method", method.summary, _facts(facts))


def method_steps(method: Method) -> str:
    """Numbered steps; ``#step-N`` anchors are part of the published URLs."""
    items = []
    for number, step in enumerate(method.steps, start=1):
        detail = f"：{esc(step.detail)}" if step.detail else ""
        items.append(
            f'<li id="step-{number}" class="kb-step"><a class="kb-step-anchor" href="#step-{number}">第{number}步</a> '
            f"<strong>{esc(step.name)}</strong>{detail}</li>"
        )
    body = f'<ol class="kb-steps">\n{chr(10).join(items)}\n</ol>' if items else ""
    return _section("怎么做", body, "how")


def method_roles(method: Method) -> str:
    return _section("谁来做", "\n".join(f"- {esc(role)}" for role in method.roles), "who")


def figures_table(kb: KnowledgeBase, figures: list[Figure], page: str) -> str:
    if not figures:
        return ""
    rows = ["| 统计内容 | 数字 | 统计时间 | 来源 |", "| --- | --- | --- | --- |"]
    for figure in figures:
        when = date_text(figure.as_of) if figure.as_of else ""
        rows.append(f"| {esc(figure.label)} | {number_text(figure)} | {when} | {link(kb, 'sources', figure.source, page)} |")
    return "\n".join(rows)


def method_results(kb: KnowledgeBase, method: Method, page: str) -> str:
    return _section("成效", figures_table(kb, method.results, page), "results")


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


def studio_overview(kb: KnowledgeBase, studio: Studio, page: str) -> str:
    facts = [
        ("类型", esc(studio.type)),
        ("负责人", link(kb, "mentors", studio.leader, page) if studio.leader else leader_unknown(kb, studio)),
        ("地区", region_link(studio.region, page)),
        ("成立", date_text(studio.founded) if studio.founded else ""),
        ("团队", esc(studio.team) if studio.team else ""),
        ("组织结构", esc(studio.structure) if studio.structure else ""),
    ]
    if studio.aliases:
        facts.append(("又称", aliases_text(studio.aliases)))
    return _card("kb-studio", studio.summary, _facts(facts))


def leader_unknown(kb: KnowledgeBase, studio: Studio) -> str:
    """A secretary's studio is led by someone: when the sources name nobody, the reader is told, once."""
    return UNKNOWN if studio.type == "社区书记工作室" and not kb.mentors_of_studio.get(studio.id) else ""


def studio_methods(kb: KnowledgeBase, studio: Studio, page: str) -> str:
    ids = kb.methods_of_studio.get(studio.id, [])
    body = "\n".join(f"- {link(kb, 'methods', i, page)}：{esc(kb.methods[i].summary or '')}".rstrip("：") for i in ids)
    return _section("工作法", body, "methods")


def studio_people(kb: KnowledgeBase, studio: Studio, page: str) -> str:
    ids = kb.mentors_of_studio.get(studio.id, [])
    body = "\n".join(f"- {link(kb, 'mentors', i, page)}，{esc(kb.mentors[i].role)}" for i in ids)
    return _section("书记与导师", body, "people")


def studio_sites(kb: KnowledgeBase, studio: Studio, page: str) -> str:
    ids = kb.sites_of_studio.get(studio.id, [])
    body = "\n".join(f"- {link(kb, 'sites', i, page)}（{esc(kb.sites[i].type)}）" for i in ids)
    return _section("示范点与阵地", body, "sites")


def studio_figures(kb: KnowledgeBase, studio: Studio, page: str) -> str:
    return _section("数字", figures_table(kb, studio.figures, page), "figures")


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
