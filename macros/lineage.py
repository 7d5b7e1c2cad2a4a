"""Lineage drawn around one record, and the whole network one studio at a time.

Pure functions. ``neighbourhood(kb, kind, record_id, from_page)`` gives a
record's own neighbourhood — who founded it, who leads or teaches it, where
it is shown, who learned it — as a short definition list of links, so it
reads at 390 px and never grows with the number of records (each list is cut
to ``NEIGHBOURS_SHOWN`` with a count of the rest). The network page is one
group per studio, ``STUDIOS_PER_PAGE`` groups a page, never one picture of
everything.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from markupsafe import Markup

from . import facets
from .generated import GeneratedPage, Reader
from .knowledge_base import KnowledgeBase
from .models import Mentor, Method, Site, Studio
from .render import html_of
from .sitemap import network_path, record_path, url

NEIGHBOURS_SHOWN = 8
STUDIOS_PER_PAGE = 10


def _links(kb: KnowledgeBase, kind: str, ids: Iterable[str | None], from_page: str) -> Markup:
    named = list(dict.fromkeys(i for i in ids if i))
    shown = [html_of('<a href="{}">{}</a>', url(record_path(kind, i), from_page), kb.records(kind)[i].name)
             for i in named[:NEIGHBOURS_SHOWN]]
    rest = html_of("等 {} 个", len(named)) if len(named) > NEIGHBOURS_SHOWN else ""
    return Markup("、").join(shown) + rest


def teachers_of_method(kb: KnowledgeBase, method: Method) -> list[str]:
    """The method's founder, then the mentors of the studios that spread it."""
    founder = [method.origin.founder] if method.origin.founder else []
    return list(dict.fromkeys(founder + [m for s in kb.studios_of_method(method.id) for m in kb.mentors_of_studio.get(s, []) if m]))


def sites_of_method(kb: KnowledgeBase, method: Method) -> list[str]:
    """The sites of the studios that spread the method."""
    return list(dict.fromkeys(site for s in kb.studios_of_method(method.id) for site in kb.sites_of_studio.get(s, [])))


def neighbours(kb: KnowledgeBase, kind: str, record_id: str) -> list[tuple[str, str, list[str]]]:
    """(relation, kind of the neighbours, their ids) around one record, empty relations left out."""
    record = kb.of_kind(kind)[record_id]
    found: list[tuple[str, str, list[str]]] = []
    if isinstance(record, Method):
        founder = [record.origin.founder] if record.origin.founder else []
        teachers = [m for m in teachers_of_method(kb, record) if m not in founder]
        found += [("提出者", "mentors", founder), ("出自", "studios", kb.studios_of_method(record_id)),
                  ("同一工作室或项目的书记与导师", "mentors", teachers), ("同一工作室或项目的示范点", "sites", sites_of_method(kb, record))]
    elif isinstance(record, Studio):
        leader = [record.leader] if record.leader else []
        people = [m for m in kb.mentors_of_studio.get(record_id, []) if m and m not in leader]
        found += [("负责人", "mentors", leader), ("书记与导师", "mentors", people),
                  ("传授的工作法", "methods", kb.methods_of_studio.get(record_id, [])),
                  ("示范点与阵地", "sites", kb.sites_of_studio.get(record_id, []))]
    elif isinstance(record, Mentor):
        studios = kb.studios_of_mentor.get(record_id, [])
        found += [("所在工作室与项目", "studios", studios), ("提出的工作法", "methods", kb.methods_of_mentor.get(record_id, [])),
                  ("工作室传授的工作法", "methods",
                   [m for s in studios for m in kb.methods_of_studio.get(s, []) if m not in kb.methods_of_mentor.get(record_id, [])])]
    elif isinstance(record, Site):
        studios = kb.studios_of_site(record_id)
        found += [("所属工作室与项目", "studios", studios),
                  ("所属工作室或项目的工作法", "methods", [m for s in studios for m in kb.methods_of_studio.get(s, [])])]
    return [(relation, target, list(dict.fromkeys(ids))) for relation, target, ids in found if ids]


def neighbourhood(kb: KnowledgeBase, kind: str, record_id: str, from_page: str) -> str:
    """The ``#lineage`` section of a record's page: its neighbours by relation, or nothing when it has none."""
    rows = [html_of("<div><dt>{}</dt><dd>{}</dd></div>", relation, _links(kb, target, ids, from_page))
            for relation, target, ids in neighbours(kb, kind, record_id)]
    record = kb.of_kind(kind)[record_id]
    if isinstance(record, Mentor) and record.mentees is not None:
        rows.append(html_of("<div><dt>带教</dt><dd>{} 人（来源只写了人数）</dd></div>", record.mentees))
    if not rows:
        return ""
    return str(html_of('\n## 传承关系 {{#lineage}}\n\n<dl class="kb-neighbourhood">{}</dl>\n', Markup("").join(rows)))


# ---- the whole network, a studio at a time ------------------------------------------------


def _studio_group(kb: KnowledgeBase, studio_id: str, from_page: str) -> Markup:
    rows = Markup("").join(html_of("<div><dt>{}</dt><dd>{}</dd></div>", relation, _links(kb, target, ids, from_page))
                           for relation, target, ids in neighbours(kb, "studios", studio_id))
    title = html_of('<a href="{}">{}</a>', url(record_path("studios", studio_id), from_page), kb.studios[studio_id].name)
    body = html_of('<dl class="kb-neighbourhood">{}</dl>', rows) if rows else Markup("<p>来源没有写到它的导师、工作法或示范点。</p>")
    return html_of('<li class="kb-item"><span class="kb-item-name">{}</span>{}</li>', title, body)


def _loose_group(kb: KnowledgeBase, method_ids: list[str], from_page: str) -> Markup:
    items = Markup("").join(
        html_of("<li>{}{}</li>",
            html_of('<a href="{}">{}</a>', url(record_path("methods", m), from_page), kb.methods[m].name),
            html_of("，{}提出", _links(kb, "mentors", [kb.methods[m].origin.founder], from_page)) if kb.methods[m].origin.founder else "")
        for m in method_ids)
    return html_of('<li class="kb-item"><span class="kb-item-name">不属于任何工作室的工作法</span><ul>{}</ul></li>', items)


def network_groups(kb: KnowledgeBase) -> list[tuple[str, list[str]]]:
    """The network's groups in order: one per studio, then methods without a studio in groups of ``NEIGHBOURS_SHOWN``."""
    groups: list[tuple[str, list[str]]] = [("studio", [s]) for s in kb.studios]
    loose = [m.id for m in kb.methods.values() if not kb.studios_of_method(m.id)]
    groups += [("loose", chunk) for chunk in facets.paginate(loose, NEIGHBOURS_SHOWN) if chunk]
    return groups


def network_page(kb: KnowledgeBase, number: int, from_page: str) -> str:
    pages = facets.paginate(network_groups(kb), STUDIOS_PER_PAGE)
    items = Markup("").join(_studio_group(kb, ids[0], from_page) if what == "studio" else _loose_group(kb, ids, from_page)
                            for what, ids in pages[number - 1])
    pager = facets.pager(len(pages), number, network_path, from_page)
    return str(html_of('<ol class="kb-items kb-network">{}</ol>{}\n', items, pager))


def network_pages(kb: KnowledgeBase, read: Reader) -> Iterable[GeneratedPage]:
    """Producer for kb_build/generated_pages.py: the network's pages after the first (which is explore/lineage.md)."""
    count = len(facets.paginate(network_groups(kb), STUDIOS_PER_PAGE))
    for number in range(2, count + 1):
        path = network_path(number)
        yield GeneratedPage(path, functools.partial(_network_page_markdown, kb, number, path), "macros/lineage.py")


def _network_page_markdown(kb: KnowledgeBase, number: int, path: str) -> str:
    return f"---\nrender_macros: false\n---\n\n# 传承图谱（第 {number} 页）\n\n" + network_page(kb, number, path)
