"""Pictures of the data drawn at build time: bar charts, a timeline, a lineage graph, a region tree.

Pure functions: records in, inline SVG or Markdown out (escaped). No script,
no request to any host; every picture is followed by the same facts as text,
for screen readers and for print.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass

from .models import KnowledgeBase, Method, Mentor, Region, Site, Studio
from .render import anchor, esc, link, record_path

KIND_LABELS = {"methods": "工作法", "studios": "工作室与项目", "mentors": "书记与导师", "sites": "示范点与阵地"}
UNKNOWN_REGION = "地区未载明"


def _directory_url(docs_path: str) -> str:
    """``a/b.md`` → ``a/b/``, ``a/index.md`` → ``a/`` (MkDocs' directory URLs)."""
    if posixpath.basename(docs_path) == "index.md":
        return posixpath.dirname(docs_path) + "/" if posixpath.dirname(docs_path) else ""
    return posixpath.splitext(docs_path)[0] + "/"


def page_url(target: str, from_page: str) -> str:
    """URL of a docs page (``x.md`` with optional ``#anchor``) relative to the URL of ``from_page``.

    Raw HTML (the SVG pictures) is not rewritten by MkDocs, so links are written as served.
    """
    path, _, anchor = target.partition("#")
    start = _directory_url(from_page) or "."
    relative = posixpath.relpath(_directory_url(path) or ".", start)
    relative = "./" if relative == "." else relative + "/"
    return relative + (f"#{anchor}" if anchor else "")


def url_of(kind: str, record_id: str, from_page: str) -> str:
    """URL of a record's page (or anchor) relative to the URL of ``from_page``."""
    return page_url(record_path(kind, record_id), from_page)


# ---- bar charts ----------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None


def bar_chart(bars: list[Bar], title: str, unit: str = "") -> str:
    """A horizontal bar chart; each bar names its label and value, and links where ``href`` is given."""
    if not bars:
        return ""
    row, label_width, bar_width, top = 26, 150, 360, 8
    largest = max(bar.value for bar in bars) or 1
    height = top * 2 + row * len(bars)
    parts = [
        f'<svg class="kb-chart" viewBox="0 0 {label_width + bar_width + 60} {height}" width="{label_width + bar_width + 60}" '
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
            parts.append(f'<a href="{esc(bar.href)}" aria-label="{esc(text)}"><title>{esc(text)}</title>{shapes}</a>')
        else:
            parts.append(f'<g role="img" aria-label="{esc(text)}"><title>{esc(text)}</title>{shapes}</g>')
    parts.append("</svg>")
    return "".join(parts)


def _province(region: Region) -> str:
    return region.province or UNKNOWN_REGION


def _region_of(record: Method | Studio | Mentor | Site) -> Region:
    return record.origin.region if isinstance(record, Method) else record.region


def province_anchor(province: str) -> str:
    """The stable anchor of a province on the regions page: its name (unknown → ``unknown``)."""
    return "unknown" if province == UNKNOWN_REGION else str(anchor(province))


def theme_bars(kb: KnowledgeBase, from_page: str) -> list[Bar]:
    """Methods per theme, most first; each bar links to the theme's tag page."""
    counts: dict[str, int] = defaultdict(int)
    for method in kb.methods.values():
        for theme in method.themes:
            counts[theme] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Bar(theme, n, page_url(f"tags.md#tag:{theme}", from_page)) for theme, n in ordered]


def province_bars(kb: KnowledgeBase, from_page: str) -> list[Bar]:
    """Records (methods, studios, mentors, sites) per province, most first; bars link to the region tree."""
    counts: dict[str, int] = defaultdict(int)
    for kind in KIND_LABELS:
        for record in kb.of_kind(kind).values():
            counts[_province(_region_of(record))] += 1  # type: ignore[arg-type]
    ordered = sorted(counts.items(), key=lambda item: (item[0] == UNKNOWN_REGION, -item[1], item[0]))
    return [Bar(p, n, page_url(f"regions.md#{province_anchor(p)}", from_page)) for p, n in ordered]


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


def timeline_svg(events: list[Event], from_page: str) -> str:
    """Years along a line; above each year one linked dot per event, shaped by kind."""
    if not events:
        return ""
    first, last = events[0].year, events[-1].year
    years = list(range(first, last + 1))
    step, left, base = 56, 40, 0
    per_year: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        per_year[event.year].append(event)
    tallest = max(len(v) for v in per_year.values())
    base = 20 + tallest * 22
    width, height = left * 2 + step * (len(years) - 1), base + 40
    parts = [
        f'<svg class="kb-chart kb-timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="group" aria-label="时间线：{first}年至{last}年，共 {len(events)} 件事">',
        f"<title>时间线：{first}年至{last}年</title>",
        f'<line class="kb-axis" x1="{left - 20}" y1="{base}" x2="{width - left + 20}" y2="{base}" />',
    ]
    for index, year in enumerate(years):
        x = left + index * step
        parts.append(f'<line class="kb-axis" x1="{x}" y1="{base}" x2="{x}" y2="{base + 5}" />')
        if year in per_year or year in (first, last):
            parts.append(f'<text x="{x}" y="{base + 22}" text-anchor="middle">{year}</text>')
        for level, event in enumerate(per_year.get(year, [])):
            y = base - 16 - level * 22
            label = f"{event.year}年：{event.name}（{event.what}）"
            shape = (
                f'<rect class="kb-bar {_MARK[event.kind]}" x="{x - 7}" y="{y - 7}" width="14" height="14" />'
                if event.kind == "studios"
                else f'<circle class="kb-bar {_MARK[event.kind]}" cx="{x}" cy="{y}" r="7" />'
                if event.kind == "methods"
                else f'<polygon class="kb-bar {_MARK[event.kind]}" points="{x},{y - 8} {x + 8},{y + 6} {x - 8},{y + 6}" />'
            )
            href = url_of(event.kind, event.record_id, from_page)
            parts.append(f'<a href="{esc(href)}" aria-label="{esc(label)}"><title>{esc(label)}</title>{shape}</a>')
    parts.append("</svg>")
    return "".join(parts)


def timeline_list(kb: KnowledgeBase, events: list[Event], from_page: str) -> str:
    """The timeline as text: one heading per year, anchored ``#y<year>``."""
    blocks = []
    for year in sorted({e.year for e in events}):
        lines = [f"### {year}年 {{#y{year}}}\n"]
        for event in (e for e in events if e.year == year):
            lines.append(f"- {link(kb, event.kind, event.record_id, from_page)}：{esc(event.what)}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def timeline(kb: KnowledgeBase, from_page: str) -> str:
    events = timeline_events(kb)
    missing = undated(kb)
    note = "、".join(f"{KIND_LABELS[k]} {n} 个" for k, n in missing.items() if n)
    legend = "方块为工作室与项目成立，圆点为工作法首次见于报道，三角为示范点与阵地启用；指向图形可看名称，点击进入详情。"
    tail = f"\n\n来源没有写明年份的条目不在时间线上：{note}。\n" if note else "\n"
    if not events:
        return f"数据里还没有写明年份的条目。{tail}"
    return f'<div class="kb-figure-box">{timeline_svg(events, from_page)}</div>\n\n{legend}\n\n{timeline_list(kb, events, from_page)}{tail}'


# ---- lineage ----------------------------------------------------------------------


def lineage_edges(kb: KnowledgeBase) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """(from, to) pairs of (kind, id): studio → its people, studio or person → method, studio → site."""
    edges: list[tuple[tuple[str, str], tuple[str, str]]] = []

    def add(a: tuple[str, str], b: tuple[str, str]) -> None:
        if (a, b) not in edges:
            edges.append((a, b))

    for studio_id in kb.studios:
        for mentor_id in filter(None, kb.mentors_of_studio.get(studio_id, [])):
            add(("studios", studio_id), ("mentors", mentor_id))
        for method_id in kb.methods_of_studio.get(studio_id, []):
            # A method founded by one of the studio's people hangs from that person, not twice.
            founders = [m for m in kb.mentors_of_studio.get(studio_id, []) if m and method_id in kb.methods_of_mentor.get(m, [])]
            if not founders:
                add(("studios", studio_id), ("methods", method_id))
        for site_id in kb.sites_of_studio.get(studio_id, []):
            add(("studios", studio_id), ("sites", site_id))
    for mentor_id, method_ids in kb.methods_of_mentor.items():
        for method_id in method_ids:
            add(("mentors", mentor_id), ("methods", method_id))
    return edges


COLUMNS = ("studios", "mentors", "methods", "sites")


def _short(text: str, limit: int = 11) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lineage_svg(kb: KnowledgeBase, from_page: str) -> str:
    """Four columns (studios, people, methods, sites) joined by lines; every node links to its record."""
    edges = lineage_edges(kb)
    if not edges:
        return ""
    used = {node for edge in edges for node in edge}
    columns = {kind: [rid for rid in kb.of_kind(kind) if (kind, rid) in used] for kind in COLUMNS}
    # Fewer crossings: each column sorted by the mean row of the nodes it is joined to on its left.
    for c, kind in enumerate(COLUMNS[1:], start=1):
        rank = {node: row for k in COLUMNS[:c] for row, node in enumerate((k, rid) for rid in columns[k])}
        def mean_row(rid: str, kind: str = kind, rank: dict = rank) -> float:
            rows = [rank[a] for a, b in edges if b == (kind, rid) and a in rank]
            return sum(rows) / len(rows) if rows else float("inf")
        columns[kind].sort(key=mean_row)
    col_width, node_w, node_h, gap, top = 190, 165, 26, 10, 34
    rows = max(len(ids) for ids in columns.values())
    width, height = col_width * len(COLUMNS), top + rows * (node_h + gap) + 6
    position: dict[tuple[str, str], tuple[int, int]] = {}
    for c, kind in enumerate(COLUMNS):
        for r, rid in enumerate(columns[kind]):
            position[(kind, rid)] = (c * col_width + 8, top + r * (node_h + gap))
    parts = [
        f'<svg class="kb-chart kb-lineage-graph" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="group" aria-label="传承图谱：工作室与项目、书记与导师、工作法、示范点与阵地之间的关系">',
        "<title>传承图谱</title>",
    ]
    for c, kind in enumerate(COLUMNS):
        parts.append(f'<text x="{c * col_width + 8}" y="18" font-weight="700">{esc(KIND_LABELS[kind])}</text>')
    for a, b in edges:
        (x1, y1), (x2, y2) = position[a], position[b]
        if x2 < x1:
            (x1, y1), (x2, y2) = (x2, y2), (x1, y1)
        start, end = (x1 + node_w, y1 + node_h / 2), (x2, y2 + node_h / 2)
        middle = (start[0] + end[0]) / 2
        parts.append(
            f'<path class="kb-edge" d="M{start[0]},{start[1]} C{middle},{start[1]} {middle},{end[1]} {end[0]},{end[1]}" '
            'fill="none" aria-hidden="true" />'
        )
    for (kind, rid), (x, y) in position.items():
        name = getattr(kb.of_kind(kind)[rid], "name")
        parts.append(
            f'<a href="{esc(url_of(kind, rid, from_page))}" aria-label="{esc(KIND_LABELS[kind])}：{esc(name)}">'
            f"<title>{esc(name)}</title>"
            f'<rect class="kb-node kb-node-{kind}" x="{x}" y="{y}" width="{node_w}" height="{node_h}" rx="4" />'
            f'<text x="{x + 8}" y="{y + 17}">{esc(_short(name))}</text></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


def lineage_tree(kb: KnowledgeBase, from_page: str) -> str:
    """The same relations as nested lists: studio → people (with how many they trained) → methods → sites."""

    def item(kind: str, rid: str, extra: str = "") -> str:
        return f'<span class="kb-node-kind">{KIND_LABELS[kind]}</span>{link(kb, kind, rid, from_page)}{extra}'

    lines: list[str] = []
    for studio in kb.studios.values():
        lines.append(f"- {item('studios', studio.id)}")
        for mentor_id in filter(None, kb.mentors_of_studio.get(studio.id, [])):
            mentor = kb.mentors[mentor_id]
            trained = f"，带教 {mentor.mentees} 人" if mentor.mentees is not None else ""
            lines.append(f"    - {item('mentors', mentor_id, f'（{esc(mentor.role)}{trained}）')}")
            for method_id in kb.methods_of_mentor.get(mentor_id, []):
                lines.append(f"        - {item('methods', method_id)}")
        for method_id in kb.methods_of_studio.get(studio.id, []):
            if not any(method_id in kb.methods_of_mentor.get(m, []) for m in kb.mentors_of_studio.get(studio.id, [])):
                lines.append(f"    - {item('methods', method_id)}")
        for site_id in kb.sites_of_studio.get(studio.id, []):
            where = region_text_plain(kb.sites[site_id].region)
            lines.append(f"    - {item('sites', site_id, f'（{esc(where)}）' if where else '')}")
    loose = [m for m in kb.methods.values() if not m.origin.studio and not kb.studios_of_method(m.id)]
    for method in loose:
        founder = f"，{link(kb, 'mentors', method.origin.founder, from_page)}提出" if method.origin.founder else ""
        lines.append(f"- {item('methods', method.id, founder)}")
    return '<div class="kb-lineage" markdown>\n\n' + "\n".join(lines) + "\n\n</div>\n"


def region_text_plain(region: Region) -> str:
    return " ".join(region.parts()[1:4])


def lineage(kb: KnowledgeBase, from_page: str) -> str:
    svg = lineage_svg(kb, from_page)
    graph = f'<div class="kb-figure-box kb-scroll">{svg}</div>\n\n' if svg else ""
    return f"{graph}{lineage_tree(kb, from_page)}"


# ---- regions ---------------------------------------------------------------------


def region_tree(kb: KnowledgeBase, from_page: str) -> str:
    """Province → city → district → records, with the number of records at every level.

    Provinces are headings anchored by their name (``#辽宁省``), so charts and
    other pages can link to them.
    """
    tree: dict[str, dict[str, dict[str, list[tuple[str, str]]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for kind in KIND_LABELS:
        for record in kb.of_kind(kind).values():
            region = _region_of(record)  # type: ignore[arg-type]
            tree[_province(region)][region.city or "市未载明"][region.district or "区县未载明"].append((kind, record.id))  # type: ignore[attr-defined]

    def count(node: object) -> int:
        return len(node) if isinstance(node, list) else sum(count(child) for child in node.values())  # type: ignore[attr-defined]

    blocks = []
    provinces = sorted(tree, key=lambda p: (p == UNKNOWN_REGION, -count(tree[p]), p))
    for province in provinces:
        cities = tree[province]
        per_kind = defaultdict(int)
        for districts in cities.values():
            for records in districts.values():
                for kind, _ in records:
                    per_kind[kind] += 1
        summary = "，".join(f"{KIND_LABELS[k]} {per_kind[k]}" for k in KIND_LABELS if per_kind[k])
        lines = [f"## {esc(province)}（{count(cities)}） {{#{province_anchor(province)}}}\n\n{summary}\n"]
        for city in sorted(cities, key=lambda c: (c.endswith("未载明"), -count(cities[c]), c)):
            lines.append(f"- **{esc(city)}**（{count(cities[city])}）")
            for district in sorted(cities[city], key=lambda d: (d.endswith("未载明"), d)):
                records = cities[city][district]
                lines.append(f"    - {esc(district)}（{len(records)}）")
                for kind, rid in records:
                    lines.append(f'        - <span class="kb-node-kind">{KIND_LABELS[kind]}</span>{link(kb, kind, rid, from_page)}')
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)

