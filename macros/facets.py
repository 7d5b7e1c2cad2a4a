"""Browsing by facets: which records carry which facet values, counts, pages, and the listings.

Pure functions. :func:`build_index` reads the records once per build; every
listing page, facet page and JSON shard is rendered from that index, so no
page scans the records and no page grows with their number: a listing shows
at most ``PAGE_SIZE`` records and at most ``FACET_SHOWN`` values per facet.

Addresses (docs-relative paths; MkDocs serves them as directories):

- ``<kind>/index.md`` — page 1 of every record of a kind (the hand-kept page);
- ``browse/<kind>/page-<n>.md`` — its further pages;
- ``browse/<kind>/<facet>/<value>/index.md`` and ``…/page-<n>.md`` — one facet value;
- ``browse/<kind>/<facet>/<value>/<facet>/<value>/index.md`` — two values of ``PAIRED`` facets,
  whose numbers of values do not grow with the records (themes, types, provinces, years), so a
  shared filter of two reads without JavaScript;
- ``browse/<kind>/<facet>/index.md`` — every value of a facet with its count;
- ``browse/<kind>/facets.json`` and ``browse/<kind>/shard-<n>.json`` — what
  docs/javascripts/kb-facets.js combines in the browser.

Values in addresses are ASCII slugs: region codes (GB/T 2260), record ids,
years, and the pinyin of themes and types.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from markupsafe import Markup
from pypinyin import lazy_pinyin

from . import completeness, sitemap
from .citations import source_name
from .generated import GeneratedPage, Reader
from .knowledge_base import KnowledgeBase
from .models import Mentor, Method, Record, Region, Site, Studio
from .regions import Place, place
from .render import esc, html_of, links, source_line
from .sitemap import (
    PAGED_KINDS,
    facet_index_path,
    listing_path,
    record_path,
    region_path,
    root_of,
    served,
    url,
)

PAGE_SIZE = 20
SHARD_SIZE = 50
FACET_SHOWN = 10
VALUES_PER_PAGE = 200
UNKNOWN = "unknown"
UNKNOWN_LABEL = "地区未载明"


def slug(text: str) -> str:
    """物业管理 → ``wuyeguanli``: a theme's or type's name as an address."""
    return "".join(lazy_pinyin(text)).lower()


@dataclass(frozen=True)
class FacetSpec:
    key: str
    label: str


# Every kind can be browsed by the article its facts come from: the sources page links
# each article's records there, so it stays the same size however many records cite one.
SOURCE_FACET = FacetSpec("source", "来源文章")
FACETS: dict[str, tuple[FacetSpec, ...]] = {
    "methods": (FacetSpec("theme", "主题"), FacetSpec("province", "省级行政区"), FacetSpec("city", "市"),
                FacetSpec("studio", "工作室与项目"), FacetSpec("year", "首次报道年份"), SOURCE_FACET),
    "studios": (FacetSpec("type", "类型"), FacetSpec("province", "省级行政区"), FacetSpec("city", "市"),
                FacetSpec("year", "成立年份"), SOURCE_FACET),
    "mentors": (FacetSpec("province", "省级行政区"), FacetSpec("city", "市"), FacetSpec("studio", "工作室与项目"),
                SOURCE_FACET),
    "sites": (FacetSpec("type", "类型"), FacetSpec("province", "省级行政区"), FacetSpec("city", "市"),
              FacetSpec("studio", "工作室与项目"), FacetSpec("year", "启用年份"), SOURCE_FACET),
}


def region_of(record: Record) -> Region:
    """Where a record is; a method is where it comes from."""
    if isinstance(record, Method):
        return record.origin.region
    if isinstance(record, (Studio, Mentor, Site)):
        return record.region
    raise TypeError(f"{record.kind} 的记录没有地区")


def year_of(record: object) -> str | None:
    if isinstance(record, Method):
        return str(record.year) if record.year else None
    when = getattr(record, "founded", None) or getattr(record, "opened", None)
    return when[:4] if when else None


@dataclass
class KindIndex:
    """One kind's records in listing order, each with its facet values (slugs)."""

    kind: str
    ids: list[str]
    values: dict[str, dict[str, tuple[str, ...]]]  # record id → facet → value slugs
    labels: dict[str, dict[str, str]]  # facet → value slug → label
    order: dict[str, list[str]] = field(default_factory=dict)  # facet → value slugs, most records first

    def __post_init__(self) -> None:
        # Built once: a page of one facet value looks its records up instead of scanning them.
        self.members: dict[tuple[str, str], list[str]] = defaultdict(list)
        for rid in self.ids:
            for facet, slugs in self.values[rid].items():
                for value in slugs:
                    self.members[(facet, value)].append(rid)
        self.totals: dict[str, Counter[str]] = {spec.key: Counter() for spec in FACETS[self.kind]}
        for (facet, value), ids in self.members.items():
            self.totals[facet][value] = len(ids)

    def matching(self, selected: dict[str, str]) -> list[str]:
        """Records carrying every selected value, in listing order."""
        if not selected:
            return list(self.ids)
        groups = sorted((self.members.get(pair, []) for pair in selected.items()), key=len)
        others = [set(group) for group in groups[1:]]
        return [rid for rid in groups[0] if all(rid in other for other in others)]

    def counts(self, selected: dict[str, str]) -> dict[str, Counter[str]]:
        """For each facet, how many of the records matching ``selected`` carry each value."""
        if not selected:
            return self.totals
        counts: dict[str, Counter[str]] = {spec.key: Counter() for spec in FACETS[self.kind]}
        for rid in self.matching(selected):
            for facet, slugs in self.values[rid].items():
                counts[facet].update(slugs)
        return counts


@dataclass
class BrowseIndex:
    kb: KnowledgeBase
    kinds: dict[str, KindIndex]
    places: dict[tuple[str, str], Place]  # (kind, id) → place in GB/T 2260
    # Method id → how complete it is (macros/completeness.py), once the pages' prose has been read.
    levels: dict[str, str] = field(default_factory=dict)


def _record_values(kb: KnowledgeBase, kind: str, record: Record, where: Place) -> dict[str, list[tuple[str, str]]]:
    """Facet → [(slug, label)] of one record."""
    values: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if isinstance(record, Method):
        values["theme"] = [(slug(t), t) for t in record.themes]
        values["studio"] = [(s, kb.studios[s].name) for s in kb.studios_of_method(record.id)]
    if isinstance(record, (Studio, Site)):
        values["type"] = [(slug(record.type), record.type)]
    if isinstance(record, Mentor):
        values["studio"] = [(s, kb.studios[s].name) for s in kb.studios_of_mentor.get(record.id, [])]
    if isinstance(record, Site):
        values["studio"] = [(s, kb.studios[s].name) for s in kb.studios_of_site(record.id)]
    values["province"] = [(where.province.code, where.province.name)] if where.province else [(UNKNOWN, UNKNOWN_LABEL)]
    if where.city:
        values["city"] = [(where.city.code, where.city.name)]
    year = year_of(record)
    if year and any(spec.key == "year" for spec in FACETS[kind]):
        values["year"] = [(year, f"{year}年")]
    values["source"] = [(s, kb.sources[s].heading) for s in record.sources]
    return values


def _most_first(counts: Counter[str]) -> list[str]:
    """Values by how many records carry them, the unknown value last, ties by value."""
    return sorted(counts, key=lambda value: (value == UNKNOWN, -counts[value], value))


def build_index(kb: KnowledgeBase) -> BrowseIndex:
    """Every record's facet values and place, read once."""
    kinds: dict[str, KindIndex] = {}
    places: dict[tuple[str, str], Place] = {}
    for kind in PAGED_KINDS:
        values: dict[str, dict[str, tuple[str, ...]]] = {}
        labels: dict[str, dict[str, str]] = {spec.key: {} for spec in FACETS[kind]}
        for record in kb.records(kind).values():
            rid = record.id
            places[(kind, rid)] = where = place(region_of(record))
            pairs = _record_values(kb, kind, record, where)
            values[rid] = {facet: tuple(dict.fromkeys(s for s, _ in found)) for facet, found in pairs.items() if found}
            for facet, found in pairs.items():
                labels[facet].update(found)
        index = KindIndex(kind, list(values), values, labels)
        totals = index.totals
        index.order = {f: _most_first(totals[f]) for f in totals}
        kinds[kind] = index
    return BrowseIndex(kb, kinds, places)


_indexes: dict[int, tuple[KnowledgeBase, BrowseIndex]] = {}


def index_for(kb: KnowledgeBase, read: Reader | None = None) -> BrowseIndex:
    """The index of ``kb``, built once per loaded base (the macros and the page producers share it);
    with ``read`` (a page's Markdown by docs path) the methods' completeness levels too."""
    cached = _indexes.get(id(kb))
    if cached is None or cached[0] is not kb:
        _indexes.clear()
        cached = _indexes[id(kb)] = (kb, build_index(kb))
    index = cached[1]
    if read is not None and not index.levels:
        for _ in completeness.working_out_method_levels(kb, read, index.levels):
            pass
    return index


# ---- pages and addresses ---------------------------------------------------------------


def paginate(items: list, size: int = PAGE_SIZE) -> list[list]:
    """Items in pages of ``size``; no items make one empty page (a listing always has page 1)."""
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]


# A studio's own page already lists its methods, people and sites: its facet value leads
# there without JavaScript, instead of one more listing per studio (thousands at scale).
RECORD_FACETS = {"studio": "studios"}


def value_target(kind: str, facet: str, value: str) -> str:
    """Where a facet value leads without JavaScript: its listing, or the record it names."""
    if facet in RECORD_FACETS:
        return record_path(RECORD_FACETS[facet], value)
    return listing_path(kind, facet, value)


# Facets whose values combine two at a time on pages of their own: their numbers of values are fixed
# by the world (themes, types, provinces, years), not by the records, so the pages stay few.
PAIRED: dict[str, tuple[str, ...]] = {
    "methods": ("theme", "province", "year"), "studios": ("type", "province", "year"),
    "mentors": (), "sites": ("type", "province", "year"),
}


def ordered(kind: str, selected: dict[str, str]) -> list[tuple[str, str]]:
    """The chosen (facet, value) pairs in the kind's facet order, the order of an address."""
    return [(spec.key, selected[spec.key]) for spec in FACETS[kind] if spec.key in selected]


def selection_path(kind: str, selected: dict[str, str], page: int = 1) -> str | None:
    """The docs path of the listing page showing exactly ``selected``, or None when no page does
    (three facets, a record facet combined, or two facets not both ``PAIRED``)."""
    chosen = ordered(kind, selected)
    if any(facet in RECORD_FACETS for facet, _ in chosen) or len(chosen) > 2:
        return None
    if len(chosen) == 2 and not all(facet in PAIRED[kind] for facet, _ in chosen):
        return None
    return sitemap.combined_path(kind, chosen, page)


def tap(kind_index: KindIndex, selected: dict[str, str], facet: str, value: str) -> tuple[str, int]:
    """Where a tap on ``value`` leads without JavaScript from a page showing ``selected``, and how many
    records it shows there: the value replaces the facet's (or, chosen already, is dropped); when no
    page shows that combination, the value's own listing (or the record it names)."""
    kind = kind_index.kind
    if selected.get(facet) == value:
        after = {f: v for f, v in selected.items() if f != facet}
    else:
        after = {**selected, facet: value}
    path = selection_path(kind, after)
    if path is None:
        after = {facet: value}
        path = value_target(kind, facet, value)
    return path, len(kind_index.matching(after))


def paired_selections(kind_index: KindIndex) -> dict[tuple[tuple[str, str], ...], int]:
    """Every combination of two ``PAIRED`` facet values that some record carries, with its number of records."""
    keys = [spec.key for spec in FACETS[kind_index.kind] if spec.key in PAIRED[kind_index.kind]]
    found: Counter[tuple[tuple[str, str], ...]] = Counter()
    for rid in kind_index.ids:
        values = kind_index.values[rid]
        for first, second in itertools.combinations(keys, 2):
            for a in values.get(first, ()):
                for b in values.get(second, ()):
                    found[((first, a), (second, b))] += 1
    return dict(found)


def listing_pages(index: BrowseIndex) -> dict[str, Callable[[], str]]:
    """Every generated listing page (docs path → function rendering its Markdown)."""
    pages: dict[str, Callable[[], str]] = {}
    for kind, kind_index in index.kinds.items():
        selections: dict[tuple[tuple[str, str], ...], int] = {(): len(kind_index.ids)}
        totals = kind_index.counts({})
        for spec in FACETS[kind]:
            values = kind_index.order[spec.key]
            for number in range(1, len(paginate(values, VALUES_PER_PAGE)) + 1):
                path = facet_index_path(kind, spec.key, number)
                pages[path] = functools.partial(facet_values_page, index, kind, spec, number, path)
            for value in values if spec.key not in RECORD_FACETS else ():
                selections[((spec.key, value),)] = totals[spec.key][value]
        selections.update(paired_selections(kind_index))
        for chosen, count in selections.items():
            for number in range(1 if chosen else 2, pages_for(count) + 1):
                path = sitemap.combined_path(kind, list(chosen), number)
                pages[path] = functools.partial(listing, index, kind, dict(chosen), number, path)
    return pages


def pages_for(count: int) -> int:
    """How many listing pages ``count`` records fill (at least one)."""
    return max(1, -(-count // PAGE_SIZE))


def data_files(index: BrowseIndex) -> dict[str, Callable[[], str]]:
    """The JSON the browser combines facets from: one index and record shards per kind."""
    files: dict[str, Callable[[], str]] = {}
    for kind, kind_index in index.kinds.items():
        files[f"browse/{kind}/facets.json"] = functools.partial(facets_json, index, kind)
        for number in range(len(paginate(kind_index.ids, SHARD_SIZE))):
            files[f"browse/{kind}/shard-{number}.json"] = functools.partial(shard_json, index, kind, number)
    return files


SOURCE = "macros/facets.py"  # what an editor changes to change a listing: its rendering, not one record
# Listings repeat what record pages say: out of the search index, or they would crowd out the records.
GENERATED_HEADER = "---\nrender_macros: false\nsearch:\n  exclude: true\nhide:\n  - toc\n---\n\n"


def _with_header(render: Callable[[], str]) -> str:
    return GENERATED_HEADER + render()


def browse_pages(kb: KnowledgeBase, read: Reader) -> Iterable[GeneratedPage]:
    """Producer for kb_build/generated_pages.py: every listing page beyond page 1, facet pages and JSON."""
    index = index_for(kb, read)
    for path, render in listing_pages(index).items():
        yield GeneratedPage(path, functools.partial(_with_header, render), SOURCE)
    for path, render in data_files(index).items():
        yield GeneratedPage(path, render, SOURCE)


# ---- cards ---------------------------------------------------------------------------

Fact = tuple[str, list[tuple[str, str | None]]]  # label, [(text, docs path or None)]


def region_facts(where: Place, kind: str, index: BrowseIndex) -> list[tuple[str, str | None]]:
    """The place as linked parts: province and city to their region pages, the county as text."""
    parts: list[tuple[str, str | None]] = []
    if where.province:
        parts.append((where.province.name, region_path(where.province.code)))
    if where.city:
        parts.append((where.city.name, region_path(where.city.code)))
    if where.county:
        parts.append((where.county.name, None))
    parts += [(name, None) for name in where.unplaced]
    return parts


def card_facts(index: BrowseIndex, kind: str, record_id: str) -> list[Fact]:
    """What a listing says of a record besides its name and summary; empty facts are left out."""
    kb = index.kb
    record = kb.of_kind(kind)[record_id]
    where = index.places[(kind, record_id)]
    facts: list[Fact] = []

    def studios(ids: Iterable[str]) -> list[tuple[str, str | None]]:
        return [(kb.studios[s].name, record_path("studios", s)) for s in ids]

    if isinstance(record, Method):
        facts.append(("主题", [(t, listing_path("methods", "theme", slug(t))) for t in record.themes]))
        facts.append(("出处", studios(kb.studios_of_method(record_id))))
    if isinstance(record, (Studio, Site)):
        facts.append(("类型", [(record.type, listing_path(kind, "type", slug(record.type)))]))
    if isinstance(record, Studio):
        facts.append(("负责人", [(kb.mentors[record.leader].name, record_path("mentors", record.leader))] if record.leader else []))
    if isinstance(record, Mentor):
        facts.append(("职务", [(record.role, None)]))
        facts.append(("社区或单位", [(record.community, None)] if record.community else []))
        facts.append(("工作室与项目", studios(kb.studios_of_mentor.get(record_id, []))))
    if isinstance(record, Site):
        facts.append(("所属工作室", studios(kb.studios_of_site(record_id))))
    facts.append(("地区", region_facts(where, kind, index)))
    year = year_of(record)
    if year:
        label = {"methods": "首次报道", "studios": "成立", "sites": "启用"}[kind]
        facts.append((label, [(f"{year}年", listing_path(kind, "year", year))]))
    if isinstance(record, Method) and record_id in index.levels:
        facts.append((COMPLETENESS_LABEL, [(index.levels[record_id], None)]))
    return [(label, parts) for label, parts in facts if parts]


# The card fact that says how much of what a reader can use a method has (a badge: kb.css; not searched).
COMPLETENESS_LABEL = "资料完整度"


def _parts_html(parts: list[tuple[str, str | None]], from_page: str) -> Markup:
    # esc, not plain HTML escaping: generated pages pass through the macros plugin and Markdown,
    # so braces and Markdown specials in data must not survive as themselves.
    rendered = [html_of('<a href="{}">{}</a>', url(target, from_page), text) if target else esc(text) for text, target in parts]
    return Markup("、").join(rendered)


def card(index: BrowseIndex, kind: str, record_id: str, from_page: str) -> Markup:
    """A record in a listing: its name (a link), its summary and its facts as a definition list."""
    record = index.kb.records(kind)[record_id]
    summary = record.summary
    facts = Markup("").join(
        html_of('<div{}><dt>{}</dt><dd>{}</dd></div>', Markup(' class="kb-item-level"') if label == COMPLETENESS_LABEL else "",
                label, _parts_html(parts, from_page))
        for label, parts in card_facts(index, kind, record_id)
    )
    return Markup(
        '<li class="kb-item"><a class="kb-item-name" href="{}">{}</a>{}<dl class="kb-item-facts">{}</dl></li>'
    ).format(
        url(record_path(kind, record_id), from_page),
        record.name,
        html_of('<p class="kb-item-summary">{}</p>', summary) if summary else "",
        facts,
    )


# ---- listing pages ---------------------------------------------------------------------


def pager(count: int, current: int, path_of: Callable[[int], str], from_page: str) -> Markup:
    """Previous, next, first, last and the pages around the current one: at most nine links."""
    if count <= 1:
        return Markup("")
    shown = sorted({1, count, *range(max(1, current - 2), min(count, current + 2) + 1)})
    items: list[Markup] = []
    if current > 1:
        items.append(html_of('<li><a href="{}" rel="prev">上一页</a></li>', url(path_of(current - 1), from_page)))
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append(Markup('<li aria-hidden="true">…</li>'))
        if number == current:
            items.append(html_of('<li><span aria-current="page">{}</span></li>', number))
        else:
            items.append(html_of('<li><a href="{}">{}</a></li>', url(path_of(number), from_page), number))
        previous = number
    if current < count:
        items.append(html_of('<li><a href="{}" rel="next">下一页</a></li>', url(path_of(current + 1), from_page)))
    return html_of('<nav class="kb-pager" aria-label="分页"><ul>{}</ul></nav>', Markup("").join(items))


RESULTS = "kb-results"  # the anchor of a listing's results: a tap on a facet lands on them


def facet_panel(index: BrowseIndex, kind: str, selected: dict[str, str], from_page: str) -> Markup:
    """Each facet's most frequent values, each with the number of records a tap on it shows and
    leading there (tap); the chosen values marked, a tap on one drops it.

    Without JavaScript these are the ways in; kb-facets.js replaces the panel with the same
    facets combined in any number, counted the same way.
    """
    kind_index = index.kinds[kind]
    groups: list[Markup] = []
    for spec in FACETS[kind]:
        values = kind_index.order[spec.key]
        chosen = selected.get(spec.key)
        shown = values[:FACET_SHOWN]
        if chosen in values and chosen not in shown:
            shown = [*shown[:-1], chosen]
        links: list[Markup] = []
        for slug_ in shown:
            target, count = tap(kind_index, selected, spec.key, slug_)
            if not count:
                continue
            label = kind_index.labels[spec.key][slug_]
            listed = target == listing_path(kind) or target.startswith("browse/")  # not a record's own page
            href = url(f"{target}#{RESULTS}" if listed else target, from_page)
            if slug_ == chosen:
                links.append(html_of('<li><a href="{}" aria-current="true">{}<span class="kb-facet-drop" aria-hidden="true">✕</span>'
                                     '<span class="kb-visually-hidden">（取消，显示 {} 个）</span></a></li>', href, label, count))
            else:
                links.append(html_of('<li><a href="{}">{} <span class="kb-count">{}</span></a></li>', href, label, count))
        if not links:
            continue
        more = ""
        if len(values) > len(shown):
            more = html_of('<li><a href="{}">全部 {} 个</a></li>', url(facet_index_path(kind, spec.key), from_page), len(values))
        # Folded, so that on a phone the records come first; the facet in use is open.
        groups.append(html_of('<details class="kb-facet" data-facet="{}"{}><summary>{}</summary><ul>{}{}</ul></details>',
            spec.key, Markup(" open") if chosen else "",
            html_of("{}：{}", spec.label, kind_index.labels[spec.key][chosen]) if chosen else spec.label,
            Markup("").join(links), more))
    return html_of('<nav class="kb-facets" aria-label="筛选">{}</nav>', Markup("").join(groups))


def filter_note(index: BrowseIndex, kind: str) -> Markup:
    """What a kind's listing can be filtered by: only the facets some record has a value of."""
    kind_index = index.kinds[kind]
    labels = list(dict.fromkeys("地区" if spec.key in ("province", "city") else spec.label
                                for spec in FACETS[kind] if kind_index.order[spec.key]))
    if not labels:
        return Markup("")
    return html_of('<p class="kb-listing-how">可以按{}筛选，几项可以同时用；每项后面的数字是点它以后列出的条目数。</p>',
                   "、".join(labels[:-1]) + "或" + labels[-1] if len(labels) > 1 else labels[0])


def listing(index: BrowseIndex, kind: str, selected: dict[str, str], number: int, from_page: str) -> str:
    """One page of a listing: the facets, the records of that page as cards, the pager."""
    kind_index = index.kinds[kind]
    ids = kind_index.matching(selected)
    pages = paginate(ids)
    number = min(number, len(pages))
    label = sitemap.label(kind)
    if selected:
        chosen = "、".join(f"{next(s.label for s in FACETS[kind] if s.key == f)} {kind_index.labels[f][v]}"
                          for f, v in ordered(kind, selected))
        # A Markdown heading: the value (a studio's name) is escaped for Markdown as well as HTML.
        heading = Markup(esc(f"{label}：{chosen}"))
        title = html_of("# {}\n\n", heading) if number == 1 else html_of("# {}（第 {} 页）\n\n", heading, number)
    else:
        title = Markup("") if number == 1 else html_of("# {}（第 {} 页）\n\n", label, number)
    first = (number - 1) * PAGE_SIZE + 1
    shown = html_of('<p class="kb-listing-count">共 <strong>{}</strong> 个，本页第 {}–{} 个。</p>',
        len(ids), first if ids else 0, first + len(pages[number - 1]) - 1 if ids else 0)
    cards = Markup("").join(card(index, kind, rid, from_page) for rid in pages[number - 1])
    root = root_of(from_page)
    state = json.dumps(dict(ordered(kind, selected)), separators=(",", ":"))

    def page_path(n: int) -> str:
        return f"{selection_path(kind, selected, n)}#{RESULTS}"

    body = Markup(
        '<div class="kb-listing" data-kind="{kind}" data-root="{root}" data-base="{base}" data-state="{state}" data-page="{number}">'
        '{panel}<div class="kb-listing-body" id="{results}">{shown}<ol class="kb-items" start="{first}">{cards}</ol>{pager}</div></div>\n'
    ).format(
        kind=kind, root=root, base=url(listing_path(kind), from_page), state=state, number=number, results=RESULTS,
        panel=facet_panel(index, kind, selected, from_page), shown=shown, first=first, cards=cards,
        pager=pager(len(pages), number, page_path, from_page),
    )
    return str(title + (filter_note(index, kind) if not selected and number == 1 else Markup("")) + body)


def facet_values_page(index: BrowseIndex, kind: str, spec: FacetSpec, number: int, from_page: str) -> str:
    """Every value of one facet with its count, in pages of ``VALUES_PER_PAGE``."""
    kind_index = index.kinds[kind]
    totals = kind_index.counts({})
    pages = paginate(kind_index.order[spec.key], VALUES_PER_PAGE)
    items = Markup("").join(
        html_of('<li><a href="{}">{} <span class="kb-count">{}</span></a></li>',
            url(value_target(kind, spec.key, v), from_page), kind_index.labels[spec.key][v], totals[spec.key][v])
        for v in pages[number - 1]
    )
    heading = Markup("# {}：按{}（第 {} 页）\n\n" if number > 1 else "# {}：按{}\n\n").format(sitemap.label(kind), spec.label, number)
    lead = html_of("<p>{}按{}分，共 {} 个，数字是每个的条目数。</p>\n", sitemap.label(kind), spec.label, len(kind_index.order[spec.key]))
    back = lead + html_of('<p><a href="{}">全部{}</a></p>', url(listing_path(kind), from_page), sitemap.label(kind))
    body = html_of('<ul class="kb-facet-values">{}</ul>{}\n',
        items, pager(len(pages), number, lambda n: facet_index_path(kind, spec.key, n), from_page))
    return str(heading + back + body)


# ---- JSON for the browser --------------------------------------------------------------


def facets_json(index: BrowseIndex, kind: str) -> str:
    """Facet values and, per record (listing order), the indices of its values: what the browser counts."""
    kind_index = index.kinds[kind]
    facets = []
    for spec in FACETS[kind]:
        values = kind_index.order[spec.key]
        facets.append({"key": spec.key, "label": spec.label,
                       "values": [[v, kind_index.labels[spec.key][v]] for v in values]})
    position = {spec.key: {v: i for i, v in enumerate(kind_index.order[spec.key])} for spec in FACETS[kind]}
    records = [[[position[s.key][v] for v in kind_index.values[rid].get(s.key, ())] for s in FACETS[kind]]
               for rid in kind_index.ids]
    # What the browser needs to write a selection's address as the page the build made for it (selection_path).
    addresses = {"paired": list(PAIRED[kind]), "recordFacets": sorted(RECORD_FACETS)}
    data = {"kind": kind, "pageSize": PAGE_SIZE, "shardSize": SHARD_SIZE, "facets": facets, "records": records, **addresses}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def shard_json(index: BrowseIndex, kind: str, number: int) -> str:
    """Cards of ``SHARD_SIZE`` records as data (addresses from the site root); the browser escapes nothing: it sets text."""
    ids = paginate(index.kinds[kind].ids, SHARD_SIZE)[number]
    cards = []
    for rid in ids:
        record = index.kb.records(kind)[rid]
        facts = [[label, [[text, served(target) if target else None] for text, target in parts]]
                 for label, parts in card_facts(index, kind, rid)]
        cards.append({"name": record.name, "url": served(record_path(kind, rid)),
                      "summary": record.summary, "facts": facts})
    return json.dumps(cards, ensure_ascii=False, separators=(",", ":"))


# ---- pages written by hand that call these ------------------------------------------------


def first_page(kb: KnowledgeBase, kind: str, from_page: str, read: Reader | None = None) -> str:
    """Page 1 of a kind's listing, on the kind's hand-kept index page."""
    return listing(index_for(kb, read), kind, {}, 1, from_page)


def legacy_anchors(kb: KnowledgeBase, kind: str, published: Iterable[str], from_page: str) -> str:
    """The anchors that records had on this list page once (``mentors/#fu-zhuo``), each leading on to the record.

    ``published`` is data/published-paths.txt: once records have pages of their own, only
    the anchors listed there are kept, so the block is fixed in size however many records
    are added later.
    """
    prefix = served(from_page) + "#"
    records = kb.records(kind)
    ids = [entry[len(prefix):] for entry in published if entry.startswith(prefix)]
    # A record whose address is still an anchor here (no page of its own) needs its anchor too.
    ids += [rid for rid in records if record_path(kind, rid).startswith(from_page + "#") and rid not in ids]
    links = [html_of('<li id="{}"><a href="{}">{}</a></li>', rid, url(record_path(kind, rid), from_page), records[rid].name)
             for rid in ids if rid in records]
    if not links:
        return ""
    return str(html_of('<details class="kb-legacy-anchors"><summary>以前在本页的条目（旧链接）</summary><ul>{}</ul></details>\n',
        Markup("").join(links)))


SOURCE_SHOWN = 20  # records of a kind named under an article on the sources page; the rest are in its listing


def source_directory(kb: KnowledgeBase, from_page: str) -> str:
    """Every article (its anchor is its id), and by kind the records that cite it: up to
    ``SOURCE_SHOWN`` named, then a link to all of them in the listing browsed by that article."""
    kinds = index_for(kb).kinds
    blocks = []
    for source in kb.sources.values():
        rows = []
        for kind in PAGED_KINDS:
            ids = kinds[kind].members.get((SOURCE_FACET.key, source.id), [])
            if not ids:
                continue
            more = ""
            if len(ids) > SOURCE_SHOWN:
                target = sitemap.link(listing_path(kind, SOURCE_FACET.key, source.id), from_page)
                more = f"……[全部 {len(ids)} 个]({target})"
            rows.append(f"- {esc(sitemap.label(kind))}（{len(ids)}）：{links(kb, kind, ids[:SOURCE_SHOWN], from_page)}{more}")
        body = "\n".join(rows) or "尚无记录引用这篇文章。"
        blocks.append(f"## {source_name(source)} {{#{source.id}}}\n\n{source_line(source)}\n\n{body}\n")
    return "\n".join(blocks)


def theme_index(kb: KnowledgeBase, from_page: str) -> str:
    """Every theme with its number of methods, each linking to the theme's paginated listing."""
    kind_index = index_for(kb).kinds["methods"]
    totals = kind_index.counts({})["theme"]
    items = Markup("").join(
        html_of('<li><a href="{}">{} <span class="kb-count">{}</span></a></li>',
            url(listing_path("methods", "theme", v), from_page), kind_index.labels["theme"][v], totals[v])
        for v in kind_index.order["theme"]
    )
    return str(html_of('<ul class="kb-facet-values kb-theme-index">{}</ul>\n', items))
