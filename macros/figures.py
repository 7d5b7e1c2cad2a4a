"""Pictures of the data drawn at build time: bar charts, a timeline, a lineage graph, a region tree.

Pure functions: records in, inline SVG or Markdown out (escaped). No script,
no request to any host; every picture is followed by the same facts as text,
for screen readers and for print.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from . import facets, regions, sitemap
from .generated import GeneratedPage, Reader
from .knowledge_base import KnowledgeBase
from .render import esc, html_of, link
from .sitemap import listing_path, region_path, url

# ---- bar charts ----------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None


# Links inside an SVG use xlink:href: Material's instant navigation makes every [href] absolute by
# assigning el.href, which an SVG link's read-only href refuses with a script error on the page.
SVG_HREF = "xlink:href"
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def bar_chart(bars: list[Bar], title: str, unit: str = "") -> str:
    """A horizontal bar chart; each bar names its label and value, and links where ``href`` is given."""
    if not bars:
        return ""
    row, label_width, bar_width, top = 26, 150, 360, 8
    largest = max(bar.value for bar in bars) or 1
    height = top * 2 + row * len(bars)
    parts = [
        f'<svg class="kb-chart" {XLINK} viewBox="0 0 {label_width + bar_width + 60} {height}" width="{label_width + bar_width + 60}" '
        f'height="{height}" role="group" aria-label="{esc(title)}">',
        f"<title>{esc(title)}</title>",
        f'<line class="kb-axis" x1="{label_width}" y1="{top - 2}" x2="{label_width}" y2="{height - top + 2}" />',
    ]
    for index, bar in enumerate(bars):
        y = top + index * row
        length = max(2, round(bar_width * bar.value / largest))
        text = f"{bar.label}：{bar.value}{unit}"
        shapes = (
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">{esc(bar.label)}</text>'
            f'<rect class="kb-bar" x="{label_width}" y="{y + 4}" width="{length}" height="{row - 8}" />'
            f'<text x="{label_width + length + 6}" y="{y + 17}">{bar.value}</text>'
        )
        if bar.href:
            parts.append(f'<a {SVG_HREF}="{esc(bar.href)}" aria-label="{esc(text)}"><title>{esc(text)}</title>{shapes}</a>')
        else:
            parts.append(f'<g role="img" aria-label="{esc(text)}"><title>{esc(text)}</title>{shapes}</g>')
    parts.append("</svg>")
    return "".join(parts)


def theme_bars(kb: KnowledgeBase, from_page: str) -> list[Bar]:
    """Methods per theme, most first; each bar links to the theme's tag page."""
    counts: dict[str, int] = defaultdict(int)
    for method in kb.methods.values():
        for theme in method.themes:
            counts[theme] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Bar(theme, n, url(sitemap.theme_path(theme), from_page)) for theme, n in ordered]


def province_bars(kb: KnowledgeBase, from_page: str) -> list[Bar]:
    """Records (methods, studios, mentors, sites) per province in GB/T 2260, most first; bars link to the region pages."""
    _, members = _members(kb)
    std = regions.standard()
    bars = [Bar(std.divisions[code].name, members.total(code), url(region_path(code), from_page))
            for code in members.by_code if code != facets.UNKNOWN and std.divisions[code].level == "province"]
    bars.sort(key=lambda bar: (-bar.value, bar.label))
    if members.total(facets.UNKNOWN):
        bars.append(Bar(facets.UNKNOWN_LABEL, members.total(facets.UNKNOWN), url("regions.md#unknown", from_page)))
    return bars


def data_table(bars: list[Bar], header: tuple[str, str]) -> str:
    """The numbers behind a chart, as a Markdown table."""
    rows = [f"| {header[0]} | {header[1]} |", "| --- | ---: |"] + [f"| {esc(b.label)} | {b.value} |" for b in bars]
    return "\n".join(rows) + "\n"


# ---- timeline --------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    year: int
    kind: str
    record_id: str
    name: str
    what: str


def timeline_events(kb: KnowledgeBase) -> list[Event]:
    """Studios and programmes founded, methods first reported, sites opened — the years the data gives."""
    events = [Event(int(s.founded[:4]), "studios", s.id, s.name, f"{s.type}成立") for s in kb.studios.values() if s.founded]
    events += [Event(m.year, "methods", m.id, m.name, "工作法首次见于报道") for m in kb.methods.values() if m.year]
    events += [Event(int(s.opened[:4]), "sites", s.id, s.name, f"{s.type}启用") for s in kb.sites.values() if s.opened]
    order = {"studios": 0, "methods": 1, "sites": 2}
    return sorted(events, key=lambda e: (e.year, order[e.kind], e.name))


def undated(kb: KnowledgeBase) -> dict[str, int]:
    """How many records of each kind have no year in the data (they are not on the timeline)."""
    return {
        "studios": sum(1 for s in kb.studios.values() if not s.founded),
        "methods": sum(1 for m in kb.methods.values() if not m.year),
        "sites": sum(1 for s in kb.sites.values() if not s.opened),
    }


_MARK = {"studios": "kb-mark-studio", "methods": "kb-mark-method", "sites": "kb-mark-site"}


TIMELINE_STACK = 8  # marks (and list entries) per year and kind; the rest are counted and linked
_SHAPE_NAMES = {"studios": "方块为工作室与项目成立", "methods": "圆点为工作法首次见于报道", "sites": "三角为示范点与阵地启用"}


def _shape(kind: str, x: float, y: float) -> str:
    if kind == "studios":
        return f'<rect class="kb-bar {_MARK[kind]}" x="{x - 7}" y="{y - 7}" width="14" height="14" />'
    if kind == "methods":
        return f'<circle class="kb-bar {_MARK[kind]}" cx="{x}" cy="{y}" r="7" />'
    return f'<polygon class="kb-bar {_MARK[kind]}" points="{x},{y - 8} {x + 8},{y + 6} {x - 8},{y + 6}" />'


def _by_year(events: list[Event]) -> dict[int, list[Event]]:
    per_year: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        per_year[event.year].append(event)
    return per_year


def timeline_svg(events: list[Event], from_page: str) -> str:
    """Years along a line; above each year one linked mark per event, shaped by kind, at most TIMELINE_STACK a year."""
    if not events:
        return ""
    first, last = events[0].year, events[-1].year
    years = list(range(first, last + 1))
    step, left = 56, 40
    per_year = _by_year(events)
    tallest = min(max(len(v) for v in per_year.values()), TIMELINE_STACK + 1)
    base = 20 + tallest * 22
    width, height = left * 2 + step * (len(years) - 1), base + 40
    parts = [
        f'<svg class="kb-chart kb-timeline" {XLINK} viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="group" aria-label="时间线：{first}年至{last}年，共 {len(events)} 件事">',
        f"<title>时间线：{first}年至{last}年</title>",
        f'<line class="kb-axis" x1="{left - 20}" y1="{base}" x2="{width - left + 20}" y2="{base}" />',
    ]
    for index, year in enumerate(years):
        x = left + index * step
        parts.append(f'<line class="kb-axis" x1="{x}" y1="{base}" x2="{x}" y2="{base + 5}" />')
        if year in per_year or year in (first, last):
            parts.append(f'<text x="{x}" y="{base + 22}" text-anchor="middle">{year}</text>')
        shown = per_year.get(year, [])
        for level, event in enumerate(shown[:TIMELINE_STACK]):
            y = base - 16 - level * 22
            label = f"{event.year}年：{event.name}（{event.what}）"
            href = url(sitemap.record_path(event.kind, event.record_id), from_page)
            parts.append(f'<a {SVG_HREF}="{esc(href)}" aria-label="{esc(label)}"><title>{esc(label)}</title>{_shape(event.kind, x, y)}</a>')
        if len(shown) > TIMELINE_STACK:
            y = base - 12 - TIMELINE_STACK * 22
            more = f"{year}年另有 {len(shown) - TIMELINE_STACK} 件"
            parts.append(f'<a {SVG_HREF}="#y{year}" aria-label="{esc(more)}"><title>{esc(more)}</title>'
                         f'<text x="{x}" y="{y}" text-anchor="middle">+{len(shown) - TIMELINE_STACK}</text></a>')
    parts.append("</svg>")
    return "".join(parts)


def timeline_list(kb: KnowledgeBase, events: list[Event], from_page: str) -> str:
    """The timeline as text: one heading per year (``#y<year>``), at most TIMELINE_STACK records of a kind, then a link to the rest."""
    blocks = []
    for year, events_of_year in sorted(_by_year(events).items()):
        lines = [f"### {year}年 {{#y{year}}}\n"]
        for kind in ("studios", "methods", "sites"):
            of_kind = [e for e in events_of_year if e.kind == kind]
            for event in of_kind[:TIMELINE_STACK]:
                lines.append(f"- {link(kb, event.kind, event.record_id, from_page)}：{esc(event.what)}")
            if len(of_kind) > TIMELINE_STACK:
                target = url(listing_path(kind, "year", str(year)), from_page)
                lines.append(f'- <a href="{esc(target)}">这一年的全部 {len(of_kind)} 个{sitemap.label(kind)}</a>')
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def timeline(kb: KnowledgeBase, from_page: str) -> str:
    events = timeline_events(kb)
    missing = undated(kb)
    note = "、".join(f"{sitemap.label(k)} {n} 个" for k, n in missing.items() if n)
    tail = f"\n\n来源没有写明年份的条目不在时间线上：{note}。\n" if note else "\n"
    if not events:
        return f"数据里还没有写明年份的条目。{tail}"
    drawn = [kind for kind in _SHAPE_NAMES if any(e.kind == kind for e in events)]
    legend = "，".join(_SHAPE_NAMES[kind] for kind in drawn) + "；指向图形可看名称，点击进入详情。"
    return f'<div class="kb-figure-box">{timeline_svg(events, from_page)}</div>\n\n{legend}\n\n{timeline_list(kb, events, from_page)}{tail}'


# ---- regions ---------------------------------------------------------------------
# The hierarchy is GB/T 2260's (macros/regions.py): a municipality has no city level,
# a district sits under its real city. The tree and the map show counts only; the
# records are on one page per province and per city (regions/<code>/), each kind cut
# to REGION_SHOWN records with a link to its paginated listing.

REGION_SHOWN = 10


@dataclass
class RegionMembers:
    """Records per region code (and ``unknown``), per kind, in listing order; counted once."""

    by_code: dict[str, dict[str, list[str]]]
    counties: dict[str, Counter[str]]  # province or city code → county name → records
    cities: dict[str, Counter[str]]  # province code → city code → records

    def total(self, code: str) -> int:
        return sum(len(ids) for ids in self.by_code.get(code, {}).values())


def region_members(index: facets.BrowseIndex) -> RegionMembers:
    by_code: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    counties: dict[str, Counter[str]] = defaultdict(Counter)
    cities: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, kind_index in index.kinds.items():
        for rid in kind_index.ids:
            where = index.places[(kind, rid)]
            by_code[where.province.code if where.province else facets.UNKNOWN][kind].append(rid)
            if where.province and where.city:
                by_code[where.city.code][kind].append(rid)
                cities[where.province.code][where.city.code] += 1
            parent = where.city or where.province
            if parent and where.county:
                counties[parent.code][where.county.name] += 1
    return RegionMembers(by_code, counties, cities)


_members_of: dict[int, tuple[facets.BrowseIndex, RegionMembers]] = {}


def _members(kb: KnowledgeBase) -> tuple[facets.BrowseIndex, RegionMembers]:
    """The build's browse index and its region counts, counted once per index."""
    index = facets.index_for(kb)
    cached = _members_of.get(id(index))
    if cached is None or cached[0] is not index:
        _members_of.clear()
        cached = _members_of[id(index)] = (index, region_members(index))
    return cached


def province_anchor(province: str) -> str:
    """The stable anchor of a province on the regions page: its name (unknown → ``unknown``)."""
    return "unknown" if province == facets.UNKNOWN_LABEL else province


def _link(target: str, from_page: str, text: str, count: int | None = None, **attributes: str) -> Markup:
    extra = Markup("").join(html_of(' {}="{}"', k.replace("_", "-"), v) for k, v in attributes.items())
    number = html_of(' <span class="kb-count">{}</span>', count) if count is not None else ""
    return html_of('<a href="{}"{}>{}{}</a>', url(target, from_page), extra, text, number)


def region_tree(kb: KnowledgeBase, from_page: str) -> str:
    """Provinces (most records first) and under each its cities — or, in a municipality, its districts — with counts.

    Each province keeps its name as anchor (``regions/#辽宁省``), as the old tree did.
    """
    index, members = _members(kb)
    std = regions.standard()
    items = []
    for province in sorted(std.provinces(), key=lambda d: (-members.total(d.code), d.code)):
        if not members.total(province.code):
            continue
        if province.code[:2] in regions.MUNICIPALITIES:
            children = [Markup("<li>{} <span class=\"kb-count\">{}</span></li>").format(name, n)
                        for name, n in members.counties[province.code].most_common()]
        else:
            children = [html_of("<li>{}</li>", _link(region_path(code), from_page, std.divisions[code].name, n))
                        for code, n in members.cities[province.code].most_common()]
        nested = html_of("<ul>{}</ul>", Markup("").join(children)) if children else ""
        items.append(html_of('<li id="{}">{}{}</li>',
            province_anchor(province.name), _link(region_path(province.code), from_page, province.name, members.total(province.code)), nested))
    unknown = members.total(facets.UNKNOWN)
    if unknown:
        kinds = Markup("、").join(
            _link(listing_path(kind, "province", facets.UNKNOWN), from_page, sitemap.label(kind), len(ids))
            for kind, ids in members.by_code[facets.UNKNOWN].items())
        items.append(html_of('<li id="unknown">{} <span class="kb-count">{}</span>：{}</li>', facets.UNKNOWN_LABEL, unknown, kinds))
    return str(html_of('<ul class="kb-region-tree">{}</ul>\n', Markup("").join(items)))


def tile_label(name: str, count: int) -> Markup:
    """A square's words: the short name shown (黑龙江), the rest of the name (省) and the unit
    (条) for screen readers, so that what is read out contains what is seen."""
    short = regions.short_name(name)
    rest = name[len(short):] if name.startswith(short) else ""
    shown = html_of('{}<span class="kb-visually-hidden">{}</span>', short, rest) if rest else esc(short)
    return html_of('<span class="kb-tile-name">{}</span><span class="kb-tile-count">{}<span class="kb-visually-hidden"> 条</span></span>',
                   shown, count)


def tile_map(kb: KnowledgeBase, from_page: str) -> str:
    """The 34 provincial-level divisions as one square each on a grid (no boundaries), each a link with its count.

    An HTML grid, not a picture: every square is a real link whose words are its name and
    count, and the list of provinces below (region_tree) says the same in text. On a phone the
    grid is wider than the screen (a square is a 44-px target): it pans in its own frame.
    """
    _, members = _members(kb)
    std = regions.standard()
    squares = []
    for code, (column, row) in sorted(regions.TILE_GRID.items(), key=lambda item: (item[1][1], item[1][0])):
        count = members.total(code)
        squares.append(html_of('<li class="kb-col-{} kb-row-{}"><a class="kb-tile{}" href="{}">{}</a></li>',
            column, row + 1, " kb-tile-empty" if not count else "", url(region_path(code), from_page),
            tile_label(std.divisions[code].name, count)))
    # A frame that scrolls must be reachable by keyboard (tabindex) and say what it holds.
    return str(html_of('<div class="kb-tilemap-frame" role="region" tabindex="0" aria-label="方块图">'
                       '<ul class="kb-tilemap" aria-label="各省级行政区的条目数量（方块示意，不表示边界）">{}</ul></div>\n',
                       Markup("").join(squares)))


NEIGHBOURS_SHOWN = 3


def nearest_with_records(code: str, members: RegionMembers) -> list[str]:
    """The provinces with records nearest on the tile grid to province ``code`` (a reader of an empty
    province is sent next door), nearest first, ties by code."""
    column, row = regions.TILE_GRID[code]
    found = [other for other in regions.TILE_GRID if other != code and members.total(other)]
    found.sort(key=lambda other: (abs(regions.TILE_GRID[other][0] - column) + abs(regions.TILE_GRID[other][1] - row), other))
    return found[:NEIGHBOURS_SHOWN]


def region_page(kb: KnowledgeBase, code: str, from_page: str) -> str:
    """A province's or a city's page: where it sits, its cities or districts with counts, and its records by kind."""
    index, members = _members(kb)
    std = regions.standard()
    division = std.divisions[code]
    province = std.province_of(code)
    lines = [html_of("---\nrender_macros: false\n---\n\n# {}\n\n", Markup(esc(division.name)))]
    trail = [_link("regions.md", from_page, "按地区浏览")]
    if division.code != province.code:
        trail.append(_link(region_path(province.code), from_page, province.name))
    lines.append(html_of('<nav class="kb-breadcrumb" aria-label="位置">{}</nav>\n\n', Markup(" › ").join(trail)))
    total = members.total(code)
    if not total:
        lines.append(html_of("本知识库还没有{}的条目。\n\n", division.name))
        nearby = nearest_with_records(province.code, members)
        if nearby:
            near = Markup("").join(html_of("<li>{}</li>", _link(region_path(c), from_page, std.divisions[c].name, members.total(c)))
                                   for c in nearby)
            lines.append(html_of('<h2 id="nearby">附近有条目的地区</h2>\n<ul class="kb-facet-values">{}</ul>\n\n', near))
        lines.append(html_of("<p>{}、{}，或{}。</p>\n", _link("regions.md", from_page, "全部地区"),
            _link(listing_path("methods"), from_page, "全部工作法"), _link("editing/index.md", from_page, f"补充{division.name}的工作法")))
        return str(Markup("").join(lines))
    if division.level == "province" and code[:2] not in regions.MUNICIPALITIES and members.cities[code]:
        cities = Markup("").join(html_of("<li>{}</li>", _link(region_path(c), from_page, std.divisions[c].name, n))
                                 for c, n in members.cities[code].most_common())
        lines.append(html_of('<h2 id="cities">市</h2>\n<ul class="kb-facet-values">{}</ul>\n\n', cities))
    if members.counties[code]:
        counties = Markup("").join(html_of('<li>{} <span class="kb-count">{}</span></li>', name, n)
                                   for name, n in members.counties[code].most_common())
        lines.append(html_of('<h2 id="districts">区县</h2>\n<ul class="kb-region-counties">{}</ul>\n\n', counties))
    counted = "、".join(f"{sitemap.label(kind)} {len(ids)} 个" for kind, ids in members.by_code[code].items())
    lines.append(html_of("<p>本知识库里{}的条目共 {} 条：{}。</p>\n\n", division.name, total, counted))
    facet = "province" if division.level == "province" else "city"
    for kind, ids in members.by_code[code].items():
        shown = Markup("").join(html_of("<li>{}</li>",
            _link(sitemap.record_path(kind, rid), from_page, kb.records(kind)[rid].name)) for rid in ids[:REGION_SHOWN])
        more = _link(listing_path(kind, facet, code), from_page, f"全部 {len(ids)} 个{sitemap.label(kind)}，可再筛选")
        lines.append(html_of('<h2 id="{}">{} <span class="kb-count">{}</span></h2>\n<ul>{}</ul>\n<p>{}</p>\n\n',
            kind, sitemap.label(kind), len(ids), shown, more))
    return str(Markup("").join(lines))


def region_pages(kb: KnowledgeBase, read: Reader) -> Iterable[GeneratedPage]:
    """Producer for kb_build/generated_pages.py: a page per province (all 34) and per city with records."""
    _, members = _members(kb)
    codes = [d.code for d in regions.standard().provinces()]
    codes += [code for cities in members.cities.values() for code in cities]
    for code in codes:
        path = region_path(code)
        yield GeneratedPage(path, functools.partial(region_page, kb, code, path), "macros/figures.py")
