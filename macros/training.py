"""Trainers' material generated from a method's data and page: a session plan and a one-page card.

Pure functions. Nothing here states a fact of its own: names, steps, roles,
figures and sources come from the record; the case and the exercises come from
the method page's ``## 案例`` and ``## 培训使用`` sections. What is generated
is only the frame a session runs in (timing, order, prompts).
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from . import handout, render, sitemap
from .generated import GeneratedPage, Reader
from .knowledge_base import KnowledgeBase
from .models import Method, Site
from .sitemap import SESSION_PAGE, card_path, plan_path, record_path, visit_path

CASE_HEADING = "案例"
TRAINING_HEADING = "培训使用"

# The lengths a trainer can choose, in minutes; half a day is 210 (a morning of three and a half hours).
LENGTHS = (60, 90, 120, 180, 210)
LENGTH_NAMES = {60: "60 分钟", 90: "90 分钟", 120: "120 分钟", 180: "180 分钟", 210: "半天（210 分钟）"}
# Parts are timed in blocks of this many minutes.
BLOCK = 5


# The QR encoder kb-session.js loads on the session builder page (qrcode-generator from npm).
QR_ENCODER_SCRIPT = "javascripts/vendor/qrcode-generator.js"


def session_link(from_page: str, method_ids: list[str], site_ids: list[str] | None = None) -> str:
    """A relative link to the session builder with these methods (and sites) already picked."""
    query = {"methods": ",".join(method_ids)} if method_ids else {}
    if site_ids:
        query["sites"] = ",".join(site_ids)
    return sitemap.link(SESSION_PAGE, from_page) + "?" + urlencode(query, safe=",")


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
        moved = sitemap.link(resolved, to_page)
        return f"{match.group(1)}{moved}{'#' + anchor if anchor else ''}{match.group(3)}"

    return _MD_LINK.sub(replace, markdown)


def _without_macros(markdown: str) -> str:
    """Page text with its ``{{ macro() }}`` calls left out (their content is rendered from data here)."""
    return re.sub(r"^\s*\{\{.*?\}\}\s*$", "", markdown, flags=re.MULTILINE).strip()


@dataclass(frozen=True)
class Part:
    """One part of a session: what happens, how long it takes at its natural pace, in which format.

    ``what`` is plain text (escaped where it is written out); ``weight`` is in minutes before
    the parts are fitted to the chosen length.
    """

    key: str
    name: str
    weight: int
    what: str
    format: str


# The formats a trainer can choose, described from the sources' own programmes (the source ids
# say where); 讲授 is the plain lecture, the frame every other format starts from.
FORMATS: dict[str, tuple[str, list[str]]] = {
    "讲授": ("培训者照着工作法页和卡片讲做法和步骤，学员逐条复述要点。", []),
    "案例复盘": ("把一件真实发生过的事从头讲一遍，再一起回看每一步为什么这样做。红雁加油站的“四步闭环”"
                 "把案例复盘排在实地观摩之后；北苑社区案例工坊在模拟调解之后开复盘会。",
                 ["hongyan-report", "liaoning-reports"]),
    "分组推演": ("学员分组，拿一件典型事件推演怎么处理，各组汇报。它是红雁加油站“四步闭环”的第三步；"
                 "大东区导师帮带每月第二个周六是“案例解剖日”，导师选取典型事件带学员做沙盘推演。",
                 ["hongyan-report", "liaoning-reports"]),
    "角色扮演": ("学员分别扮演事件里的各方，把处理过程模拟一遍。北苑社区案例工坊还原了一起拖了几个月的"
                 "停车位纠纷，学员轮流扮演业委会主任、投诉居民等角色。", ["liaoning-reports"]),
    "实地观摩": ("到示范点看实际的做法，向那里的人提问。红雁加油站的“四步闭环”"
                 "（实地观摩—案例复盘—分组推演—实战检验）以它开头。", ["hongyan-report"]),
}


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _plain_length(markdown: str) -> int:
    """Characters a trainer reads aloud: link targets and Markdown marks not counted."""
    return len(re.sub(r"\]\([^)]*\)|[\[\]*_#>`|-]|\s", "", markdown))


def method_parts(method: Method, case: str, training: str) -> list[Part]:
    """The parts a method brings to a session, only from what its data and page hold."""
    parts: list[Part] = []
    if method.steps:
        names = "、".join(step.name for step in method.steps)
        who = "，并说明每一步由谁来做" if method.roles else ""
        parts.append(Part("steps", "讲解步骤", _clamp(5 * len(method.steps), 10, 30),
                          f"逐一讲解“{method.name}”的 {len(method.steps)} 个步骤（{names}），每步请学员复述要点{who}", "讲授"))
    else:
        parts.append(Part("origin", "讲出处", 10, f"讲“{method.name}”出自哪里、传到了哪里", "讲授"))
    if case:
        link_step = "指出每一步在案例中对应的做法" if method.steps else "说出书记在其中做了什么、为什么这样做"
        parts.append(Part("case", "案例复盘", _clamp(10 + _plain_length(case) // 80, 10, 25),
                          f"复述“{method.name}”的案例，请学员{link_step}", "案例复盘"))
    if training:
        role_play = "扮演" in training
        parts.append(Part("exercise", "角色扮演" if role_play else "分组推演", _clamp(15 + _plain_length(training) // 40, 20, 40),
                          f"围绕“{method.name}”的讨论题分组发言，再按练习的安排{'分角色模拟' if role_play else '推演'}，每组汇报",
                          "角色扮演" if role_play else "分组推演"))
    elif not method.steps:
        parts.append(Part("spread", "讨论怎么传开", 20,
                          "请学员说说本社区学过哪些外来做法，哪些照搬、哪些改了，怎样算真正学会", "分组推演"))
    else:
        parts.append(Part("prompts", "按步骤讨论", _clamp(5 * len(method.steps), 10, 30),
                          f"按“{method.name}”的步骤提问，各组说出本社区由谁来做、事先要准备什么", "分组推演"))
    return parts


def opening(method_names: list[str]) -> Part:
    """The first part; the session builder adds the names of the methods it chains."""
    names = f"（{'、'.join(method_names)}）" if method_names else ""
    return Part("intro", "导入", 10, f"说明这一课要学的工作法{names}和各自要解决的问题", "讲授")


CLOSING = Part("closing", "小结", 5, "回顾要点，发放工作法卡片，请学员写下回社区后先用哪一步", "讲授")


def fitting_length(parts: list[Part]) -> int:
    """The shortest choosable length that holds the parts at their natural pace (else the longest)."""
    need = sum(part.weight for part in parts)
    return next((length for length in LENGTHS if length >= need), LENGTHS[-1])


def allocate(weights: list[int], total: int) -> list[int]:
    """Minutes per part, in blocks of ``BLOCK``, in proportion to ``weights``, adding up to ``total``.

    Largest remainder: every part gets at least one block; blocks left over go to the parts
    whose share was cut most. kb-session.js does the same in the browser.
    """
    units = total // BLOCK
    if units < len(weights):
        raise ValueError(f"{total} 分钟排不下 {len(weights)} 个环节：每个环节至少 {BLOCK} 分钟")
    whole = sum(weights)
    shares = [weight * units / whole for weight in weights]
    blocks = [max(1, int(share)) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: blocks[i] - shares[i])
    index = 0
    while sum(blocks) < units:
        blocks[by_remainder[index % len(blocks)]] += 1
        index += 1
    while sum(blocks) > units:
        largest = max(range(len(blocks)), key=lambda i: blocks[i])
        blocks[largest] -= 1
    return [block * BLOCK for block in blocks]


def agenda(method: Method, case: str, training: str) -> list[tuple[Part, int]]:
    """(part, minutes) of a session on ``method`` alone, fitted to the shortest length that holds it."""
    parts = [opening([method.name]), *method_parts(method, case, training), CLOSING]
    minutes = allocate([part.weight for part in parts], fitting_length(parts))
    return list(zip(parts, minutes, strict=True))


def step_prompts(method: Method) -> list[str]:
    """Questions a trainer can ask about each step (prompts, not facts)."""
    return [f"第{n}步“{render.esc(step.name)}”：在你的社区由谁来做？需要事先准备什么？"
            for n, step in enumerate(method.steps, start=1)]


def spread_prompts(kb: KnowledgeBase, method: Method, page: str) -> list[str]:
    """Questions for a discussion of how a method travels between communities (prompts, not facts)."""
    studios = render.links(kb, "studios", kb.studios_of_method(method.id), page)
    where = f"它和{studios}有关：这些地方是怎么把经验讲给别的社区听的？" if studios else "它是怎么被报道、被别的社区知道的？"
    return [
        f"“{render.esc(method.name)}”出自哪里？{where}",
        "一个社区学另一个社区的做法时，哪些可以照搬，哪些必须按本社区的情况改？",
        "怎么判断一个做法已经被别的社区真正学会了？",
    ]


def method_sections(method_page_markdown: str) -> tuple[str, str]:
    """The case and the training section of a method page, without their macro calls."""
    sections = page_sections(method_page_markdown)
    return (_without_macros(sections.get(CASE_HEADING, "")), _without_macros(sections.get(TRAINING_HEADING, "")))


def session_plan(kb: KnowledgeBase, method: Method, method_page_markdown: str) -> str:
    """The Markdown of ``training/<id>.md``: only the parts the method's data and page hold."""
    page = plan_path(method.id)
    method_page = record_path("methods", method.id)
    case, training = method_sections(method_page_markdown)
    parts = agenda(method, case, training)
    total = sum(minutes for _, minutes in parts)
    back = sitemap.link(method_page, page)
    card = sitemap.link(card_path(method.id), page)
    goal = (f"学员能说出“{render.esc(method.name)}”的 {len(method.steps)} 个步骤和每一步做什么"
            if method.steps else f"学员能讲清“{render.esc(method.name)}”出自哪里，并用它讨论一个做法怎么在社区之间传开")
    goal += "，知道由谁来做" if method.roles else ""
    goal += "，并能用它分析本社区的一件真实事务。" if case or method.steps else "。"
    formats = "、".join(dict.fromkeys(part.format for part, _ in parts))
    exercise = rebase_links(training, method_page, page) if training else ""
    if not training and method.steps:
        exercise = "\n".join(f"- {prompt}" for prompt in step_prompts(method))
    out = [
        "---\nrender_macros: false\n---\n",
        f"# {render.esc(method.name)}：培训方案\n",
        # On paper the first two print their short links; a session is put together on screen.
        f"[工作法页面]({back}) · [工作法卡片]({card})"
        f'<span class="kb-no-print"> · [和别的工作法组成一堂课]({session_link(page, [method.id])})</span>\n',
        render.method_overview(kb, method, page),
        '<div class="kb-card kb-plan-block" markdown>\n',
        f"时间\n:   {total} 分钟\n",
        f"目标\n:   {goal}\n",
        f"形式\n:   {formats}\n",
        "</div>\n",
        "## 流程 {#agenda}\n",
        "| 环节 | 时间 | 做什么 |\n| --- | ---: | --- |\n"
        + "".join(f"| {part.name} | {minutes} 分钟 | {render.esc(part.what)} |\n" for part, minutes in parts),
        render.method_steps(method),
        render.method_roles(method),
        f"## 要复述的案例 {{#case}}\n\n{rebase_links(case, method_page, page)}\n" if case else "",
        f"## 讨论题与分组练习 {{#exercise}}\n\n{exercise}\n" if exercise else "",
        "" if method.steps or training else "## 讨论：一个做法怎么传开 {#spread}\n\n"
        + "\n".join(f"- {prompt}" for prompt in spread_prompts(kb, method, page)) + "\n",
        render.method_results(kb, method, page),
        render.cited_sources(kb, method.sources, page),
    ]
    return "\n".join(part for part in out if part) + "\n"


# A card is one printed page: it shows this many figures and says where the rest are.
CARD_RESULTS = 4


def method_card(kb: KnowledgeBase, method: Method) -> str:
    """The Markdown of ``training/cards/<id>.md``: the method on one printed page."""
    page = card_path(method.id)
    back = sitemap.link(record_path("methods", method.id), page)
    results = render.method_results(kb, method.model_copy(update={"results": method.results[:CARD_RESULTS]}), page)
    if len(method.results) > CARD_RESULTS:
        results += f"\n\n另有 {len(method.results) - CARD_RESULTS} 项成效数字，见[工作法页面]({back}#results)。\n"
    out = [
        "---\nrender_macros: false\nhide:\n  - navigation\n  - toc\n---\n",
        f"# 工作法卡片：{render.esc(method.name)}\n",
        '<div class="kb-method-card" markdown>\n',
        render.method_overview(kb, method, page),
        render.method_steps(method),
        render.method_roles(method),
        results,
        render.cited_sources(kb, method.sources, page),
        "</div>\n",
        f"[返回工作法页面]({back}){{ .kb-no-print }}\n",
    ]
    return "\n".join(part for part in out if part) + "\n"


# The index names at most this many methods, so that it does not grow with the knowledge base;
# every method page ends with links to its own plan and card.
INDEX_SHOWN = 40


def training_index(kb: KnowledgeBase, page: str) -> str:
    """``training/index.md``: the methods (up to ``INDEX_SHOWN``) with their plan and card."""
    rows = ["| 工作法 | 培训方案 | 工作法卡片 | 步骤 |", "| --- | --- | --- | ---: |"]
    for method in list(kb.methods.values())[:INDEX_SHOWN]:
        plan = sitemap.link(plan_path(method.id), page)
        card = sitemap.link(card_path(method.id), page)
        rows.append(f"| {render.link(kb, 'methods', method.id, page)} | [培训方案]({plan}) | [卡片]({card}) | {len(method.steps) or '—'} |")
    rest = ""
    if len(kb.methods) > INDEX_SHOWN:
        listing = sitemap.link(sitemap.index_path("methods"), page)
        rest = (f"\n共 {len(kb.methods)} 个工作法，这里列出前 {INDEX_SHOWN} 个。每个工作法页末尾都有它的培训方案和卡片；"
                f"在[工作法]({listing})列表里可以按主题、地区找到要讲的工作法。\n")
    return "\n".join(rows) + "\n" + rest


def site_studios(kb: KnowledgeBase, site: Site) -> list[str]:
    """The studios a site belongs to: the one it names and those that list it."""
    return list(dict.fromkeys(([site.studio] if site.studio else []) + kb.studios_of_site(site.id)))


def visit_questions(kb: KnowledgeBase, site: Site, page: str) -> list[str]:
    """Questions to ask at a site (prompts, not facts), from what the record says it shows."""
    questions = []
    if site.shows:
        questions.append("这里能看到的做法是怎么一步步办起来的？最初是谁提出、谁出力？")
    questions.append(f"这个{render.esc(site.type)}平时由谁来管，居民怎么知道、怎么来用？")
    for method_id in dict.fromkeys(m for studio_id in site_studios(kb, site) for m in kb.studios[studio_id].methods):
        questions.append(f"在这里能看到{render.link(kb, 'methods', method_id, page)}的哪些做法？")
    questions.append("如果在我们社区办一个类似的地方，最先要准备什么？")
    return questions


def visit_plan(kb: KnowledgeBase, site: Site) -> str:
    """The Markdown of ``training/visits/<id>.md``: what to look at and what to ask at a site."""
    page = visit_path(site.id)
    studios = site_studios(kb, site)
    facts = [
        ("类型", render.esc(site.type)),
        ("地区", render.region_text(site.region)),
        ("所属", render.links(kb, "studios", studios, page)),
        ("命名", render.esc(site.designation) if site.designation else ""),
    ]
    facts_md = "\n".join(f"{label}\n:   {value}\n" for label, value in facts if value)
    summary = f'<p class="kb-summary">{render.esc(site.summary)}</p>\n\n' if site.summary else ""
    out = [
        "---\nrender_macros: false\n---\n",
        f"# 观摩：{render.esc(site.name)}\n",
        f"[和工作法组成一堂课]({session_link(page, [], [site.id])}){{ .kb-no-print }}\n",
        f'<div class="kb-card kb-site" markdown>\n\n{summary}{facts_md}\n</div>\n',
        f"## 看什么 {{#look}}\n\n{render.esc(site.shows)}\n" if site.shows else "",
        "## 在现场可以问的问题 {#ask}\n",
        "\n".join(f"- {question}" for question in visit_questions(kb, site, page)) + "\n",
        render.cited_sources(kb, site.sources, page),
    ]
    return "\n".join(part for part in out if part) + "\n"


def method_links(kb: KnowledgeBase, method: Method, repo_url: str | None) -> str:
    """The trainer's links under a method page: its plan, its card, a session with it, and feedback."""
    page = record_path("methods", method.id)
    items = [
        f"[培训方案]({sitemap.link(plan_path(method.id), page)})",
        f"[工作法卡片]({sitemap.link(card_path(method.id), page)})",
        f"[用它组一堂课]({session_link(page, [method.id])})",
    ]
    feedback = feedback_url(repo_url, method)
    if feedback:
        items.append(f'<a class="kb-used-it" href="{render.url_attr(feedback)}">我用过这个方法</a>')
    return ('\n\n<div class="kb-training-links kb-no-print" markdown>\n\n## 培训与反馈 {#trainer-links}\n\n'
            + " · ".join(items) + "\n\n</div>\n")


FEEDBACK_TEMPLATE = "used-method.yml"


def feedback_url(repo_url: str | None, method: Method) -> str | None:
    """A new-issue form on the repository, prefilled with the method (``None`` without a repository)."""
    if not repo_url:
        return None
    query = urlencode({"template": FEEDBACK_TEMPLATE, "title": f"用过：{method.name}",
                       "labels": "用过的反馈", "method": f"{method.name}（{method.id}）"})
    return f"{repo_url.rstrip('/')}/issues/new?{query}"


# A site visit at its natural pace, in minutes (travel not counted).
VISIT_WEIGHT = 30


def plain_text(markdown: str) -> str:
    """Markdown from a page or from the escaping helpers as plain text: links keep their words."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    text = re.sub(r"\*\*|__", "", text)
    return html.unescape(text).strip()


def _blocks(markdown: str) -> list[str]:
    """Paragraphs and list items of a page section, as plain text lines."""
    lines = []
    for block in re.split(r"\n\s*\n", markdown):
        for line in block.splitlines() if re.match(r"\s*(?:[-*]|\d+\.)\s", block) else [" ".join(block.split())]:
            if line.strip():
                lines.append(plain_text(line))
    return lines


def _part(part: Part) -> dict[str, object]:
    return {"key": part.key, "name": part.name, "weight": part.weight, "what": part.what, "format": part.format}


def session_data(kb: KnowledgeBase, method_pages: dict[str, str], site_url: str, short_host: str | None = None) -> dict[str, object]:
    """What the session builder assembles plans from (``training/session.json``).

    Plain text only: kb-session.js puts every string into the page with ``textContent``.
    Addresses are site-relative directory URLs; every page of the print pack carries a footer
    (``footer``): the published address of the page it stands for and its short link, which
    kb-session.js prints with that address's QR code. A card stands for the method's card, a
    handout (case and exercises) for the method's training plan, which holds both, a visit
    sheet for the site's visit sheet; the plan for the builder's own address with its choices.
    """
    root = site_url.rstrip("/") + "/"
    host = short_host or handout.host_of(site_url)

    def footer(path: str) -> dict[str, str]:
        folder, _, record_id = path.removesuffix(".md").rpartition("/")
        return {"address": root + sitemap.served(path), "short": handout.short_link_text(host, handout.short_path(folder, record_id))}

    methods = {}
    for method in kb.methods.values():
        case, training = method_sections(method_pages.get(method.id, ""))
        methods[method.id] = {
            "name": method.name,
            "summary": method.summary or "",
            "page": sitemap.served(record_path("methods", method.id)),
            "plan": sitemap.served(plan_path(method.id)),
            "card": sitemap.served(card_path(method.id)),
            "steps": [{"name": step.name, "detail": step.detail or ""} for step in method.steps],
            "roles": list(method.roles),
            "parts": [_part(part) for part in method_parts(method, case, training)],
            "case": _blocks(case),
            "exercise": _blocks(training),
            "sources": [kb.sources[source_id].heading for source_id in method.sources],
            "footer": footer(card_path(method.id)),
            "handout_footer": footer(plan_path(method.id)),
        }
    sites = {}
    for site in kb.sites.values():
        visit = sitemap.served(visit_path(site.id))
        sites[site.id] = {
            "name": site.name,
            "type": site.type,
            "region": " ".join(site.region.parts()),
            "shows": site.shows or "",
            "page": visit,
            "questions": [plain_text(q) for q in visit_questions(kb, site, visit_path(site.id))],
            "sources": [kb.sources[source_id].heading for source_id in site.sources],
            "footer": footer(visit_path(site.id)),
            "part": _part(Part("visit", "实地观摩", VISIT_WEIGHT, f"到{site.name}观摩，按观摩单提问", "实地观摩")),
        }
    return {
        "session": root + sitemap.served(SESSION_PAGE),
        "block": BLOCK,
        "lengths": [[length, LENGTH_NAMES[length]] for length in LENGTHS],
        "formats": [{"name": name, "description": text, "sources": [kb.sources[i].heading for i in ids if i in kb.sources]}
                    for name, (text, ids) in FORMATS.items()],
        "opening": _part(opening([])),
        "closing": _part(CLOSING),
        "methods": methods,
        "sites": sites,
    }


def training_pages(kb: KnowledgeBase, read: Reader) -> Iterable[GeneratedPage]:
    """A session plan and a one-page card for every method, a visit sheet for every site."""
    for method in kb.methods.values():
        source = sitemap.data_file("methods", method.id)
        yield GeneratedPage(plan_path(method.id), functools.partial(_plan_page, kb, method, read), source)
        yield GeneratedPage(card_path(method.id), functools.partial(method_card, kb, method), source)
    for site in kb.sites.values():
        yield GeneratedPage(visit_path(site.id), functools.partial(visit_plan, kb, site), sitemap.data_file("sites", site.id))


def _plan_page(kb: KnowledgeBase, method: Method, read: Reader) -> str:
    return session_plan(kb, method, read(record_path("methods", method.id)) or "")
