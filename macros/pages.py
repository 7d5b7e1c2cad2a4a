"""A page for every record: mentors and sites like methods and studios, and the links between them.

Pure functions, records in and Markdown (escaped through ``render.esc``/``render.link``) out.
A record whose kind has no hand-written page at ``docs/<kind>/<id>.md`` gets one generated
from :data:`PAGE_TEMPLATES` (see :func:`record_pages`, registered in kb_build/generated_pages.py):
the template only calls macros, so a generated page and a hand-written one show the data
the same way, and a hand-written page only adds prose.

What a page lists is drawn around its record (its studios, their methods, sites and people),
never from every record, so a page does not grow with the size of the knowledge base.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from . import lineage, render, sitemap
from .anchors import ALIAS_CLASS
from .citations import Notes, marks
from .generated import GeneratedPage, Reader
from .knowledge_base import KnowledgeBase
from .models import Mentor, Method, Site
from .render import esc, link, links

# A list on a record page shows at most this many entries; the rest are on the studio's page.
LIST_LIMIT = 20

# The Markdown of a record page that has no prose of its own: macro calls only.
PAGE_TEMPLATES = {
    "methods": ("title", "method_overview", "method_steps", "method_roles", "method_results",
                "related_methods", "cited_sources"),
    "studios": ("title", "studio_overview", "studio_methods", "studio_people", "studio_sites",
                "studio_figures", "cited_sources"),
    "mentors": ("title", "mentor_overview", "mentor_studios", "mentor_methods", "cited_sources"),
    "sites": ("title", "site_overview", "site_shows", "site_studio", "cited_sources"),
}


def page_template(kind: str) -> str:
    """``# {{ title() }}`` then one block per macro, as a hand-written page would have them."""
    first, *rest = PAGE_TEMPLATES[kind]
    return f"# {{{{ {first}() }}}}\n\n" + "".join(f"{{{{ {name}() }}}}\n\n" for name in rest)


def record_pages(kb: KnowledgeBase, read: Reader) -> Iterable[GeneratedPage]:
    """A page for every record of the four kinds; a hand-written page at the same path replaces it."""
    for kind in sitemap.PAGED_KINDS:
        template = page_template(kind)
        for record_id in kb.of_kind(kind):
            yield GeneratedPage(sitemap.record_path(kind, record_id), functools.partial(str, template), sitemap.data_file(kind, record_id))


# The listing a page belongs under: where its breadcrumb leads and which tab is highlighted.
SECTION_INDEX = {**{kind: sitemap.index_path(kind) for kind in sitemap.PAGED_KINDS}, "training": sitemap.TRAINING_INDEX}


def section_index(src_uri: str) -> str | None:
    """``methods/x.md`` → ``methods/index.md`` (also ``training/cards/x.md`` → ``training/index.md``);
    ``None`` for an index page itself and for pages outside these folders."""
    folder = src_uri.split("/", 1)[0]
    index = SECTION_INDEX.get(folder) if "/" in src_uri else None
    return index if index != src_uri else None


def _capped(ids: list[str], item: Callable[[str], str], more: str) -> list[str]:
    """List items for up to ``LIST_LIMIT`` records, then one line saying where the rest are."""
    items = [f"- {item(record_id)}" for record_id in ids[:LIST_LIMIT]]
    if len(ids) > LIST_LIMIT:
        items.append(f"- 另有 {len(ids) - LIST_LIMIT} 个，见{more}")
    return items


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


# ---- who teaches what, where it can be seen --------------------------------------


def methods_of_mentor(kb: KnowledgeBase, mentor: Mentor) -> list[str]:
    """The methods a mentor founded, then those of the studios they belong to (the inverse of :func:`lineage.teachers_of_method`)."""
    studios = kb.studios_of_mentor.get(mentor.id, [])
    return _unique(kb.methods_of_mentor.get(mentor.id, []) + [m for s in studios for m in kb.methods_of_studio.get(s, [])])


def methods_of_site(kb: KnowledgeBase, site: Site) -> list[str]:
    """The methods of the site's studios (the inverse of :func:`lineage.sites_of_method`)."""
    return _unique(m for s in kb.studios_of_site(site.id) for m in kb.methods_of_studio.get(s, []))


def _capped_links(kb: KnowledgeBase, kind: str, ids: list[str], page: str, more: str) -> str:
    """Links to up to ``LIST_LIMIT`` records, then how many there are and where the rest are."""
    shown = links(kb, kind, ids[:LIST_LIMIT], page)
    return shown + (f"等 {len(ids)} 个（其余见{more}）" if len(ids) > LIST_LIMIT else "")


# The method's neighbourhood (macros/lineage.py) is what "who teaches it, where can I see it"
# asks; one section says it, under the anchor trainers have shared (#learn). The anchor the
# neighbourhood had on its own (#lineage) stays an alias inside the heading.
LEARN_ALIASES = ("lineage",)
# Under the heading 向谁学、去哪看 the shorter names say it, and leave the links room at 390 px.
LEARN_LABELS = {"同一工作室或项目的书记与导师": "书记与导师", "同一工作室或项目的示范点": "示范点与阵地"}


def method_learning(kb: KnowledgeBase, method: Method, page: str) -> str:
    """``#learn`` on a method page: who founded it, the studios it comes from, who teaches it, where it can be seen."""
    rows = lineage.neighbours(kb, "methods", method.id)
    if not rows:
        return ""
    facts = [(LEARN_LABELS.get(relation, relation), _capped_links(kb, kind, ids, page, "工作室的页面"))
             for relation, kind, ids in rows]
    from_studios = any(relation in LEARN_LABELS for relation, _, _ in rows)
    note = "\n\n书记与导师、示范点与阵地，都属于传播这个工作法的工作室（提出者另列）。" if from_studios else ""
    aliases = "".join(f'<span class="{ALIAS_CLASS}" id="{alias}"></span>' for alias in LEARN_ALIASES)
    return render._section(f"{aliases}向谁学、去哪看",
                           f'<div class="kb-card kb-learn" markdown>\n\n{render._facts(facts)}\n</div>{note}', "learn")


# ---- mentors ----------------------------------------------------------------------


def mentor_overview(kb: KnowledgeBase, mentor: Mentor, page: str, notes: Notes | None = None) -> str:
    summary = render.summary_text(mentor, notes)  # first: markers are numbered in the order the reader meets them
    facts = render.card_facts(mentor, notes, [
        ("职务", esc(mentor.role), ("role",)),
        ("社区或单位", esc(mentor.community) if mentor.community else "", ("community",)),
        ("地区", render.region_link(mentor.region, page), ("region",)),
        ("从事社区工作", f"{mentor.years_of_service}年" if mentor.years_of_service is not None else "", ("years_of_service",)),
        ("带教人数", f"{mentor.mentees}人" if mentor.mentees is not None else "", ("mentees",)),
    ])
    return render._card("kb-mentor", summary, facts)


def mentor_studios(kb: KnowledgeBase, mentor: Mentor, page: str, notes: Notes | None = None) -> str:
    """``#studios``: each studio or programme the mentor belongs to, with its kind and place."""
    items = []
    for studio_id in kb.studios_of_mentor.get(mentor.id, [])[:LIST_LIMIT]:
        studio = kb.studios[studio_id]
        role = "，负责人" if studio.leader == mentor.id else ""
        place = render.region_text(studio.region)
        items.append(f"- {link(kb, 'studios', studio_id, page)}（{esc(studio.type)}{role}）" + (f"：{place}" if place else ""))
    body = "\n".join(items)
    return render._section("工作室与项目", body + (render._whole_list(notes, mentor, "studios") if body else ""), "studios")


def mentor_methods(kb: KnowledgeBase, mentor: Mentor, page: str) -> str:
    """``#methods``: the methods the mentor founded and those their studios spread."""
    founded = kb.methods_of_mentor.get(mentor.id, [])
    ids = methods_of_mentor(kb, mentor)
    items = _capped(ids, lambda i: link(kb, "methods", i, page) + ("（提出者）" if i in founded else ""), "所在工作室的页面")
    body = "\n".join(items)
    if body:
        body = "所属工作室与项目的工作法（标“提出者”的由本人提出）：\n\n" + body
    return render._section("工作法", body, "methods")


# ---- sites ------------------------------------------------------------------------


def site_overview(kb: KnowledgeBase, site: Site, page: str, notes: Notes | None = None) -> str:
    summary = render.summary_text(site, notes)  # first: markers are numbered in the order the reader meets them
    facts = render.card_facts(site, notes, [
        ("类型", esc(site.type), ("type",)),
        ("地区", render.region_link(site.region, page), ("region",)),
        ("所属工作室或项目", links(kb, "studios", kb.studios_of_site(site.id), page), ("studio",)),
        ("启用", render.date_text(site.opened) if site.opened else "", ("opened",)),
        ("命名", esc(site.designation) if site.designation else "", ("designation",)),
    ])
    return render._card("kb-site", summary, facts)


def site_shows(site: Site, notes: Notes | None = None) -> str:
    """``#shows``: what a visitor can see there, as the source describes it, and the visit sheet
    a trainer takes along (training/visits/<id>/)."""
    page = sitemap.record_path("sites", site.id)
    sheet = f"带队观摩前，可以打印这里的[观摩单]({sitemap.link(sitemap.visit_path(site.id), page)})：看什么、问什么。"
    shows = f"{esc(site.shows)}{marks(notes, site, 'shows')}\n\n" if site.shows else ""
    return render._section("可以看到什么", shows + sheet, "shows")


def site_studio(kb: KnowledgeBase, site: Site, page: str) -> str:
    """``#methods``: the methods of the site's studio, and ``#people``: its mentors."""
    studios = kb.studios_of_site(site.id)
    methods = methods_of_site(kb, site)
    people = _unique(m for s in studios for m in kb.mentors_of_studio.get(s, []))
    parts = []
    if methods:
        intro = f"所属的{links(kb, 'studios', studios, page)}传播这些工作法：\n\n"
        parts.append(render._section("工作法", intro + "\n".join(_capped(methods, lambda i: link(kb, "methods", i, page), "工作室的页面")), "methods"))
    if people:
        items = [f"- {link(kb, 'mentors', m, page)}，{esc(kb.mentors[m].role)}" for m in people[:LIST_LIMIT]]
        parts.append(render._section("书记与导师", "\n".join(items), "people"))
    return "\n".join(parts)
