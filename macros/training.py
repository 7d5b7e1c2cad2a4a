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

from . import completeness, editing, handout, render, sitemap
from .evidence import CITE_CALL
from .generated import GeneratedPage, Reader
from .knowledge_base import KnowledgeBase
from .models import Method, Site
from .sitemap import SESSION_PAGE, card_path, plan_path, record_path, visit_path

CASE_HEADING = "案例"
TRAINING_HEADING = "培训使用"

# The lengths a trainer can choose, in minutes; half a day is 210 (a morning of three and a half hours).
LENGTHS = (60, 90, 120, 180, 210)
LENGTH_NAMES = {60: "60 分钟", 90: "90 分钟", 120: "120 分钟", 180: "180 分钟", 210: "半天（210 分钟）"}


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


# The formats a trainer can choose, described from the sources' own programmes (the source ids
# say where); 讲授 is the plain lecture, the frame every other format starts from.
FORMATS: dict[str, tuple[str, list[str]]] = {
    "讲授": ("培训者照着工作法页和卡片讲做法和步骤，学员逐条复述要点。", []),
    "案例复盘": ("把一件真实发生过的事从头讲一遍，再一起回看每一步为什么这样做。红雁加油站的“四步闭环”"
                 "把案例复盘排在实地观摩之后；北苑社区案例工坊在模拟调解之后开复盘会。",
                 ["hongyan-report", "liaoning-reports"]),
    "分组推演": ("学员分组，拿一件典型事件推演怎么处理，各组汇报。它是红雁加油站“四步闭环”的第三步；"
                 "大东区导师王丽娟的“课程表”上，每月第二个周六是“案例解剖日”，导师选取典型事件带学员做沙盘推演。",
                 ["hongyan-report", "liaoning-reports"]),
    "角色扮演": ("学员分别扮演事件里的各方，把处理过程模拟一遍。北苑社区案例工坊还原了一起拖了几个月的"
                 "停车位纠纷，学员轮流扮演业委会主任、投诉居民等角色。", ["liaoning-reports"]),
    "实地观摩": ("到示范点看实际的做法，向那里的人提问。红雁加油站的“四步闭环”"
                 "（实地观摩—案例复盘—分组推演—实战检验）以它开头。", ["hongyan-report"]),
}


def plain_text(markdown: str) -> str:
    """Markdown from a page or from the escaping helpers as plain text: links keep their words."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    text = re.sub(r"\*\*|__", "", text)
    return html.unescape(text).strip()


def names(items: Iterable[str]) -> str:
    """Names as a list no one misreads: each in 《》 (names themselves contain "、")."""
    return "".join(f"《{name}》" for name in items)


# ---- the exercises a method page states ---------------------------------------------
#
# The 培训使用 section writes each exercise as one paragraph that opens with its kind and, in
# brackets, its group size and time: "角色扮演（三人一组，约20分钟）：…", "小组练习（约30分钟，
# 可分两次）：…" (CONTRIBUTING.md). The plan keeps that time; the roles, the group size and what
# the trainer has to ready beforehand are read from the same paragraph.

EXERCISE_KINDS = ("角色扮演", "小组练习")
_EXERCISE = re.compile(rf"^({'|'.join(EXERCISE_KINDS)})（([^）]*)）：(.+)$", re.S)
_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUMERAL = f"[{''.join(_NUMERALS)}]"
_GROUP = re.compile(rf"^({_NUMERAL})(?:至({_NUMERAL}))?人一组$")
_MINUTES = re.compile(r"^约(\d+)分钟$")
# "一人扮社区书记" "两人分别扮…" "其余分别扮…" "一人当观察员"
_ASSIGNED = re.compile(rf"(?:({_NUMERAL})人|其余)(?:分别)?(?:扮演|扮|当|任)([^，。；：]+)")
# "分配调解人、业委会主任……和观察员五个角色"
_ROLE_COUNT = re.compile(rf"分配([^。；]+?)({_NUMERAL})个角色")
# Roles an exercise may name without giving them to anyone.
_HELPER_ROLES = ("观察员", "记录员", "计时员")
_BEFOREHAND = re.compile(r"培训者|事先")


@dataclass(frozen=True)
class Exercise:
    """One exercise of a method page, as its paragraph states it."""

    kind: str
    minutes: int
    group: str  # as written ("三人一组"); empty when the page names none
    size: tuple[int, int] | None  # people per group, least and most
    roles: tuple[str, ...]  # who plays whom, as written
    beforehand: tuple[str, ...]  # sentences naming what the trainer readies beforehand
    remark: str  # the bracket's other words ("可分两次")
    markdown: str  # the paragraph as written


def _sentences(text: str) -> list[str]:
    return [s for s in re.findall(r"[^。；]+[。；]?", text) if s.strip()]


def exercises(training: str) -> list[Exercise]:
    """The exercises a 培训使用 section states in the documented form."""
    found = []
    for block in re.split(r"\n\s*\n", training):
        match = _EXERCISE.match(plain_text(" ".join(block.split())))
        if not match:
            continue
        kind, bracket, body = match.groups()
        minutes, group, size, remarks = 0, "", None, []
        for item in (item.strip() for item in re.split("[，,]", bracket)):
            if minute_match := _MINUTES.match(item):
                minutes = int(minute_match.group(1))
            elif group_match := _GROUP.match(item):
                least = _NUMERALS[group_match.group(1)]
                group, size = item, (least, _NUMERALS[group_match.group(2)] if group_match.group(2) else least)
            elif item:
                remarks.append(item)
        if not minutes:
            continue
        roles = [m.group(0) for m in _ASSIGNED.finditer(body)] + [m.group(0) for m in _ROLE_COUNT.finditer(body)]
        beforehand = tuple(s for s in _sentences(body) if _BEFOREHAND.search(s))
        found.append(Exercise(kind, minutes, group, size, tuple(roles), beforehand, "，".join(remarks), block.strip()))
    return found


def exercise_problems(training: str) -> list[str]:
    """What does not add up in a section's exercises: an exercise without its time, more roles
    than people, a helper role (观察员) no one is given. In Chinese, for the page's editor."""
    problems = []
    stated = exercises(training)
    for block in re.split(r"\n\s*\n", training):
        text = plain_text(" ".join(block.split()))
        if text.startswith(EXERCISE_KINDS) and not any(e.markdown == block.strip() for e in stated):
            problems.append(f"“{text[:12]}……”没有按“{EXERCISE_KINDS[0]}（三人一组，约20分钟）：”的写法写明时长")
    for exercise in stated:
        if not exercise.size:
            continue
        body = plain_text(exercise.markdown)
        counted = sum(_NUMERALS[m.group(1)] for m in _ASSIGNED.finditer(body) if m.group(1))
        counted += sum(_NUMERALS[m.group(2)] for m in _ROLE_COUNT.finditer(body))
        rest = any(not m.group(1) for m in _ASSIGNED.finditer(body))
        least, most = exercise.size
        if counted and not rest and not least <= counted <= most:
            problems.append(f"{exercise.kind}写“{exercise.group}”，分到角色的却有 {counted} 人")
        given = "".join(exercise.roles)
        for helper in _HELPER_ROLES:
            if helper in body and helper not in given and counted >= most:
                problems.append(f"{exercise.kind}要{helper}做事，但“{exercise.group}”的人都已分到别的角色")
    return problems


def discussion_questions(training: str) -> list[str]:
    """The numbered questions of a 培训使用 section."""
    return [plain_text(q) for q in re.findall(r"^\s*\d+\.\s+(.+)$", training, re.MULTILINE)]


# The plain lecture, the format every plan page is timed in (the session builder's default).
LECTURE = "讲授"


# ---- parts of a session -------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part of a session.

    ``minutes`` is its natural pace; for a fixed part (an exercise, a visit, a break) the time
    it states, kept unless the plan names the cut, and never below ``least``. A flexible part
    shares the time left in proportion to ``minutes``. An optional part may be left out when
    the session cannot hold it (the plan names it). ``prepare`` is what the trainer readies for
    it: (heading of 课前准备, item). Text is plain (escaped where it is written out).
    """

    key: str
    name: str
    minutes: int
    what: str
    format: str
    fixed: bool = False
    least: int = 5
    optional: bool = False
    owner: str = ""  # the method or site it belongs to
    prepare: tuple[tuple[str, str], ...] = ()


# Parts are timed in blocks of this many minutes.
BLOCK = 5
# A session of at least each of these lengths gets one more break of BREAK minutes.
BREAKS_FROM = (90, 180)
BREAK = 10
# A site visit: time on site, and the journey there and back (the plan says to adjust it).
VISIT_MINUTES = 45
TRAVEL_MINUTES = 30
# 课前准备, in this order.
PREPARE_HEADINGS = ("印发", "练习要事先准备的", "场地", "分组", "角色", "计时")

FACILITATION = {
    "角色扮演": (
        "开始前念一遍情境，把角色写在纸条上发给各组，每人先默读自己的角色一分钟。",
        "扮演中培训者不打断；哪一组卡住了，只提醒练习说明里的任务是什么。",
        "演完先请扮演的人说感受，再请旁观的人说看到了什么，最后回到练习说明里的讨论。",
    ),
    "小组练习": (
        "开始前说清每组要交出什么（见练习说明），写在白板上。",
        "时间过半时巡视一遍，提醒还没动笔的组先写出要点。",
        "各组汇报限时，听的组先说一处好的，再提一个问题。",
    ),
}


def _ceil_block(minutes: float) -> int:
    return max(BLOCK, -(-int(minutes) // BLOCK) * BLOCK)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _plain_length(markdown: str) -> int:
    """Characters a trainer reads aloud: link targets and Markdown marks not counted."""
    return len(re.sub(r"\]\([^)]*\)|[\[\]*_#>`|-]|\s", "", markdown))


def unknowns(method: Method, case: str) -> list[str]:
    """What the method's data and page do not say that a session would teach."""
    missing = []
    if not method.steps:
        missing.append("步骤")
    elif not all(step.detail for step in method.steps):
        missing.append("步骤说明")
    if not case:
        missing.append("案例")
    return missing


def _exercise_part(method: Method, exercise: Exercise) -> Part:
    owner = f"《{method.name}》{exercise.kind}"
    prepare: list[tuple[str, str]] = [("练习要事先准备的", f"{owner}：{s}") for s in exercise.beforehand]
    if "围坐" in exercise.markdown:
        prepare.append(("场地", f"{owner}：椅子围成一圈"))
    elif exercise.kind == "角色扮演":
        prepare.append(("场地", f"{owner}：每组一处能面对面坐下的角落，组与组隔开些"))
    else:
        prepare.append(("场地", f"{owner}：每组一张桌子，备大白纸或 A3 纸和笔"))
    group = "，".join(x for x in (exercise.group, exercise.remark) if x)
    prepare.append(("分组", f"{owner}：{group or '分组见练习说明'}"))
    if exercise.roles:
        prepare.append(("角色", f"{owner}：" + "；".join(exercise.roles) + "（事先写在纸条上，每组一套）"))
    who = f"（{exercise.group}）" if exercise.group else ""
    return Part("exercise", exercise.kind, _ceil_block(exercise.minutes),
                f"{exercise.kind}{who}：按练习说明进行，练习写明约 {exercise.minutes} 分钟",
                "角色扮演" if exercise.kind == "角色扮演" else "分组推演",
                fixed=True, least=max(2 * BLOCK, _ceil_block(exercise.minutes * 2 / 3)), optional=True,
                owner=method.name, prepare=tuple(prepare))


def method_parts(method: Method, case: str, training: str) -> list[Part]:
    """The parts a method brings to a session, only from what its data and page hold: no time
    for steps or a case the sources do not give (that is said in the part 已知与待问)."""
    parts: list[Part] = []
    detailed = [step for step in method.steps if step.detail]
    if detailed:
        listed = "".join(f"“{step.name}”" for step in method.steps)
        who = "，并说明每一项由谁来做" if method.roles else ""
        parts.append(Part("steps", "讲解“怎么做”", _clamp(BLOCK * len(detailed), BLOCK, 25),
                          f"逐一讲解工作法页“怎么做”一节列出的 {len(method.steps)} 项（{listed}），请学员复述要点{who}",
                          "讲授", owner=method.name))
    missing = unknowns(method, case)
    if missing:
        parts.append(Part("known", "已知与待问", BLOCK,
                          f"讲清来源写了什么；说明没有公开的：{'；'.join(missing)}；请学员列出要向出处问的问题",
                          "讲授", owner=method.name))
    if case:
        parts.append(Part("case", "案例复盘", _clamp(10 + _plain_length(case) // 80, 10, 20),
                          f"复述案例，请学员{'指出“怎么做”的每一项在案例中对应的做法' if detailed else '说出书记做了什么、为什么这样做'}",
                          "案例复盘", owner=method.name))
    questions = discussion_questions(training)
    if questions:
        parts.append(Part("discussion", "讨论题", _clamp(BLOCK * len(questions), 10, 15),
                          f"{len(questions)} 道讨论题，分组发言，每组推一人汇报", "分组推演", optional=True, owner=method.name,
                          prepare=(("场地", "讨论题：学员按桌分组，每组推一人汇报"),)))
    elif not training and method.steps:
        parts.append(Part("discussion", "按步骤讨论", _clamp(BLOCK * len(method.steps), 10, 15),
                          "按“怎么做”的每一项提问，各组说出本社区由谁来做、事先要准备什么", "分组推演",
                          optional=True, owner=method.name))
    parts.extend(_exercise_part(method, exercise) for exercise in exercises(training))
    return parts


def visit_part(site: Site) -> Part:
    """A site visit with its journey: one block, kept whole or left out."""
    minutes = VISIT_MINUTES + TRAVEL_MINUTES
    return Part("visit", "实地观摩", minutes,
                f"到《{site.name}》观摩：往返路程按 {TRAVEL_MINUTES} 分钟计（按实际路程调整），现场 {VISIT_MINUTES} 分钟，按观摩单看和问",
                "实地观摩", fixed=True, least=minutes, optional=True, owner=site.name,
                prepare=(("场地", f"观摩《{site.name}》：事先联系那里，约好时间和接待的人，安排往返交通"),))


# The opening's words, the names of the methods between them (kb-session.js puts them there too).
OPENING_WHAT = ("说明这一课要学的工作法", "和各自要解决的问题")


def opening(method_names: list[str]) -> Part:
    """The first part, naming the methods of the session."""
    return Part("intro", "导入", 10, OPENING_WHAT[0] + names(method_names) + OPENING_WHAT[1], "讲授")


CLOSING = Part("closing", "小结", 5, "回顾要点，发放工作法卡片，请学员写下回社区后先用哪一步", "讲授")
BREAK_PART = Part("break", "休息", BREAK, "休息", "", fixed=True, least=BREAK)
TIMEKEEPING = "每个环节的起止时间见流程表；请一位助手或学员计时，每个练习结束前 5 分钟提醒收尾"


# ---- fitting the parts to a length (kb-session.js does the same in the browser) ------


def allocate(weights: list[int], total: int) -> list[int]:
    """Minutes per part, in blocks of ``BLOCK``, in proportion to ``weights``, adding up to ``total``.

    Largest remainder: every part gets at least one block; blocks left over go to the parts
    whose share was cut most.
    """
    units = total // BLOCK
    if units < len(weights):
        raise ValueError(f"{total} 分钟排不下 {len(weights)} 个环节：每个环节至少 {BLOCK} 分钟")
    whole = sum(weights)
    shares = [weight * units / whole for weight in weights]
    blocks = [max(1, int(share)) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (blocks[i] - shares[i], i))
    index = 0
    while sum(blocks) < units:
        blocks[by_remainder[index % len(blocks)]] += 1
        index += 1
    while sum(blocks) > units:
        largest = max(range(len(blocks)), key=lambda i: (blocks[i], -i))
        blocks[largest] -= 1
    return [block * BLOCK for block in blocks]


@dataclass(frozen=True)
class Plan:
    """Parts with their minutes (breaks included) adding up to the length; what was cut, what left out."""

    rows: list[tuple[Part, int]]
    cuts: list[tuple[Part, int]]  # a fixed part and the minutes it got, fewer than it states
    dropped: list[Part]


def breaks_for(total: int) -> int:
    return sum(1 for length in BREAKS_FROM if total >= length)


def _fit_kept(parts: list[Part], total: int, chosen: str) -> tuple[list[int], list[int]] | None:
    """Minutes per part and the breaks' positions (after that many parts), or None if they cannot fit."""
    breaks = min(breaks_for(total), len(parts) - 1)
    room = total - breaks * BREAK
    given = [part.minutes if part.fixed else 0 for part in parts]
    flexible = [i for i, part in enumerate(parts) if not part.fixed]
    over = sum(given) + BLOCK * len(flexible) - room
    while over > 0:  # shorten the exercise with the most room above its least, one block at a time
        slack = [(given[i] - part.least, -i) for i, part in enumerate(parts) if part.fixed and given[i] > part.least]
        if not slack:
            return None
        index = -max(slack)[1]
        given[index] -= BLOCK
        over -= BLOCK
    weights = [parts[i].minutes * (2 if parts[i].format == chosen and parts[i].key not in ("intro", "closing") else 1)
               for i in flexible]
    for i, minutes in zip(flexible, allocate(weights, room - sum(given)), strict=True):
        given[i] = minutes
    positions: list[int] = []
    for k in range(1, breaks + 1):
        target = k * total / (breaks + 1)
        candidates = [b for b in range(max(positions, default=0) + 1, len(parts))]
        positions.append(min(candidates, key=lambda b: (abs(sum(given[:b]) + BREAK * (k - 1) - target), b)))
    return given, positions


def fit(parts: list[Part], total: int, chosen: str = "") -> Plan | None:
    """The parts fitted to ``total`` minutes with its breaks. Flexible parts shrink first; then
    optional ones are left out (discussions, then visits, then exercises, the last chosen first)
    and exercises shortened; each cut and each part left out is named. None when even the
    parts that cannot be left out do not fit."""
    order = ([i for i in reversed(range(len(parts))) if parts[i].optional and not parts[i].fixed]
             + [i for i in reversed(range(len(parts))) if parts[i].optional and parts[i].key == "visit"]
             + [i for i in reversed(range(len(parts))) if parts[i].optional and parts[i].fixed and parts[i].key != "visit"])
    dropped: list[int] = []
    while True:
        kept = [part for i, part in enumerate(parts) if i not in dropped]
        fitted = _fit_kept(kept, total, chosen)
        if fitted:
            given, positions = fitted
            rows: list[tuple[Part, int]] = []
            for index, (part, minutes) in enumerate(zip(kept, given, strict=True)):
                if index in positions:
                    rows.append((BREAK_PART, BREAK))
                rows.append((part, minutes))
            cuts = [(part, minutes) for part, minutes in zip(kept, given, strict=True) if part.fixed and minutes < part.minutes]
            return Plan(rows, cuts, [parts[i] for i in sorted(dropped)])
        if len(dropped) == len(order):
            return None
        dropped.append(order[len(dropped)])


def length_for(parts: list[Part]) -> int | None:
    """The shortest choosable length that holds every part at its own time, or None."""
    for length in LENGTHS:
        plan = fit(parts, length)
        if plan and not plan.cuts and not plan.dropped:
            return length
    return None


def clock(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def trade_offs(plan: Plan, parts: list[Part]) -> list[str]:
    """What the plan shortened or left out, and the length that would keep everything (plain text)."""
    lines = [f"{names([part.owner])}{part.name}：写明约 {part.minutes} 分钟，这里排 {minutes} 分钟（缩短 {part.minutes - minutes} 分钟）"
             for part, minutes in plan.cuts]
    lines += [f"没排进：{names([part.owner])}{part.name}（{part.minutes} 分钟）" for part in plan.dropped]
    if lines:
        whole = length_for(parts)
        lines.append(f"要全部按写明的时间排，请选 {whole} 分钟的课" if whole else "要全部按写明的时间排，请少选几个工作法或示范点，分两次上")
    return lines


def preparation(rows: list[tuple[Part, int]], copies: list[str]) -> list[tuple[str, list[str]]]:
    """课前准备 from the parts scheduled: (heading, items) in ``PREPARE_HEADINGS`` order."""
    items: dict[str, list[str]] = {heading: [] for heading in PREPARE_HEADINGS}
    items["印发"] = list(copies)
    for part, _ in rows:
        for heading, item in part.prepare:
            if item not in items[heading]:
                items[heading].append(item)
    items["计时"] = [TIMEKEEPING]
    return [(heading, found) for heading, found in items.items() if found]


def method_copies(method: Method, handout: bool) -> list[str]:
    """What each learner gets of a method."""
    return [f"工作法卡片{names([method.name])}：每位学员一张"] + (
        [f"学员讲义{names([method.name])}（案例和练习）：每位学员一份"] if handout else [])


def site_copies(site: Site) -> list[str]:
    return [f"观摩单{names([site.name])}：每位学员一份"]


def step_prompts(method: Method) -> list[str]:
    """Questions a trainer can ask about each step (prompts, not facts)."""
    return [f"第{n}步“{render.esc(step.name)}”：在你的社区由谁来做？需要事先准备什么？"
            for n, step in enumerate(method.steps, start=1)]


def _missing_detail(method: Method, item: str) -> str:
    """What a missing item means for this method, in words a trainer can ask about."""
    if item == "步骤":
        return "它分哪几步、每一步由谁来做"
    if item == "步骤说明":
        return "".join(f"“{render.esc(s.name)}”" for s in method.steps if not s.detail) + "具体怎么做"
    return "用它办过的一件事：谁、遇到什么、怎么做、结果如何"


def ask_the_source(kb: KnowledgeBase, method: Method, page: str, missing: list[str]) -> str:
    """The block 已知与待问: what the sources say of the method, what they do not, whom to ask."""
    origin = method.origin
    who = [render.link(kb, "studios", i, page) for i in kb.studios_of_method(method.id)]
    if origin.founder:
        who.append(render.link(kb, "mentors", origin.founder, page))
    if origin.community:
        who.append(render.esc(origin.community))
    known = [f"名称和一句话概括：{render.esc(method.summary)}" if method.summary else "名称"]
    if method.steps:
        known.append("“怎么做”列出的项目：" + "".join(f"“{render.esc(s.name)}”" for s in method.steps))
    known.append(f"来源文章 {len(method.sources)} 篇，见[来源](#sources)")
    where = ("可以问：" + "".join(f"《{w}》" for w in who)) if who else "来源没有写明提出者，可以先问报道它的媒体或所在街道"
    return ("## 已知与待问 {#unknown}\n\n"
            "这一课不给来源没有的内容排时间。\n\n"
            "已经知道的\n:   " + "；".join(known) + "\n\n"
            "来源没有写的\n:   " + "；".join(_missing_detail(method, item) for item in missing) + "\n\n"
            "向谁问\n:   " + where + "\n")


def method_sections(method_page_markdown: str) -> tuple[str, str]:
    """The case and the training section of a method page, without their macro calls."""
    sections = page_sections(method_page_markdown)
    return (_without_macros(sections.get(CASE_HEADING, "")), _without_macros(sections.get(TRAINING_HEADING, "")))


WHEN_HEADING = "适用场景"


def when_to_use(method_page_markdown: str) -> str:
    """The 适用场景 section's own words: the paragraphs before its first macro call or note."""
    text = page_sections(method_page_markdown).get(WHEN_HEADING, "")
    return re.split(r"^\s*(?:\{\{|!!!|\?\?\?)", text, maxsplit=1, flags=re.MULTILINE)[0].strip()


def agenda_table(rows: list[tuple[Part, int]]) -> str:
    """The agenda as a Markdown table: 时段 (kept on one line by kb-print.css), 环节, 做什么."""
    lines = ['<div class="kb-agenda" markdown>\n', "| 时段 | 环节 | 做什么 |", "| --- | --- | --- |"]
    start = 0
    for part, minutes in rows:
        lines.append(f"| {clock(start)}–{clock(start + minutes)}<br>{minutes} 分钟 | {render.esc(part.name)} | {render.esc(part.what)} |")
        start += minutes
    return "\n".join(lines) + "\n\n</div>\n"


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {render.esc(item)}" for item in items)


NOTES = '<div class="kb-notes kb-print-only" aria-hidden="true"><p>笔记</p></div>\n'


def session_plan(kb: KnowledgeBase, method: Method, method_page_markdown: str) -> str:
    """The Markdown of ``training/<id>.md``: only the parts the method's data and page hold."""
    page = plan_path(method.id)
    method_page = record_path("methods", method.id)
    case, training = method_sections(method_page_markdown)
    parts = [opening([method.name]), *method_parts(method, case, training), CLOSING]
    total = length_for(parts) or LENGTHS[-1]
    plan = fit(parts, total, LECTURE)
    assert plan is not None  # one method's parts always fit the longest length once optional ones go
    back = sitemap.link(method_page, page)
    card = sitemap.link(card_path(method.id), page)
    missing = unknowns(method, case)
    goal = (f"学员能说出“{render.esc(method.name)}”的“怎么做”列出的各项和每一项做什么"
            if any(s.detail for s in method.steps) else f"学员能讲清“{render.esc(method.name)}”的来源写了什么、还要问清什么")
    goal += "，知道由谁来做" if method.roles else ""
    goal += "，并能用它分析本社区的一件真实事务。" if case else "。"
    formats = "、".join(dict.fromkeys(part.format for part, _ in plan.rows if part.format))
    exercise_md = rebase_links(training, method_page, page) if training else ""
    if not training and method.steps:
        exercise_md = "\n".join(f"- {prompt}" for prompt in step_prompts(method))
    kinds = dict.fromkeys(e.kind for e in exercises(training))
    facilitation = "".join(f"\n\n带练提示（{kind}）：\n\n" + _bullets(FACILITATION[kind]) for kind in kinds)
    prepare = preparation(plan.rows, method_copies(method, bool(case or training)))
    trade = trade_offs(plan, parts)
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
        "## 课前准备 {#prepare}\n\n" + "\n".join(f"{heading}\n:   " + "<br>".join(render.esc(i) for i in items) + "\n"
                                               for heading, items in prepare),
        "## 流程 {#agenda}\n",
        agenda_table(plan.rows),
        ("时间不够时的取舍：\n\n" + _bullets(trade) + "\n") if trade else "",
        render.method_steps(method),
        render.method_roles(method),
        ask_the_source(kb, method, page, missing) if missing else "",
        f"## 要复述的案例 {{#case}}\n\n{rebase_links(case, method_page, page)}\n" if case else "",
        f"## 讨论题与分组练习 {{#exercise}}\n\n{exercise_md}{facilitation}\n" if exercise_md else "",
        NOTES if case or exercise_md else "",
        render.method_results(kb, method, page),
        render.cited_sources(kb, method.sources, page),
    ]
    return "\n".join(part for part in out if part) + "\n"


# A card is one printed page: it shows this many figures and says where the rest are.
CARD_RESULTS = 4


def method_card(kb: KnowledgeBase, method: Method, method_page_markdown: str = "") -> str:
    """The Markdown of ``training/cards/<id>.md``: the method on one printed page."""
    page = card_path(method.id)
    back = sitemap.link(record_path("methods", method.id), page)
    results = render.method_results(kb, method.model_copy(update={"results": method.results[:CARD_RESULTS]}), page)
    if len(method.results) > CARD_RESULTS:
        results += f"\n\n另有 {len(method.results) - CARD_RESULTS} 项成效数字，见[工作法页面]({back}#results)。\n"
    when = when_to_use(method_page_markdown)
    out = [
        "---\nrender_macros: false\nhide:\n  - navigation\n  - toc\n---\n",
        f"# 工作法卡片：{render.esc(method.name)}\n",
        '<div class="kb-method-card" markdown>\n',
        render.method_overview(kb, method, page),
        f"## {WHEN_HEADING} {{#when}}\n\n{rebase_links(when, record_path('methods', method.id), page)}\n" if when else "",
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


def training_index(kb: KnowledgeBase, page: str, read: Reader) -> str:
    """``training/index.md``: the methods (up to ``INDEX_SHOWN``) with their plan, card and how much
    of them a trainer can use (the completeness level, from the data and the method's page)."""
    rows = ["| 工作法 | 培训方案 | 工作法卡片 | 资料 |", "| --- | --- | --- | --- |"]
    for method in list(kb.methods.values())[:INDEX_SHOWN]:
        plan = sitemap.link(plan_path(method.id), page)
        card = sitemap.link(card_path(method.id), page)
        level = completeness.of_method(kb, method, read(record_path("methods", method.id)) or "").level
        rows.append(f"| {render.link(kb, 'methods', method.id, page)} | [培训方案]({plan}) | [卡片]({card}) | {render.esc(level)} |")
    rest = ""
    if len(kb.methods) > INDEX_SHOWN:
        listing = sitemap.link(sitemap.index_path("methods"), page)
        rest = (f"\n共 {len(kb.methods)} 个工作法，这里列出前 {INDEX_SHOWN} 个。每个工作法页末尾都有它的培训方案和卡片；"
                f"在[工作法]({listing})列表里可以按主题、地区找到要讲的工作法。\n")
    return "\n".join(rows) + "\n" + rest


def site_studios(kb: KnowledgeBase, site: Site) -> list[str]:
    """The studios a site belongs to: the one it names and those that list it."""
    return list(dict.fromkeys(([site.studio] if site.studio else []) + kb.studios_of_site(site.id)))


def visit_questions(kb: KnowledgeBase, site: Site) -> list[str]:
    """Questions to ask at a site (prompts, not facts), each drawn from what its record says:
    what it is, who runs it, what to look at, when it opened, what it was named."""
    studios = [kb.studios[i].name for i in site_studios(kb, site)]
    questions = [f"这个{site.type}每天做些什么？来的都是哪些人，他们怎么知道这里？"]
    questions.append(f"记录说它属于{names(studios)}：日常由谁来管，经费和人手从哪里来？" if studios
                     else "它平时由谁来管？经费和人手从哪里来？")
    if site.shows:
        questions.append("记录里写的可以看的东西，现场都能看到吗？它是怎么一步步办起来的，最初是谁提出、谁出力？")
    if site.opened:
        questions.append(f"它{render.date_text(site.opened)}启用以来，做法改过什么？为什么改？")
    if site.designation:
        questions.append(f"被命名为“{site.designation}”以后，来观摩的人多吗？别的社区学去了什么？")
    questions.append("如果在我们社区办一个类似的地方，最先要准备什么？")
    return questions


def visit_plan(kb: KnowledgeBase, site: Site) -> str:
    """The Markdown of ``training/visits/<id>.md``: what to look at and what to ask at a site."""
    page = visit_path(site.id)
    studios = site_studios(kb, site)
    facts = [
        ("是什么", render.esc(site.type)),
        ("地区", render.region_text(site.region)),
        ("所属工作室或项目", "<br>".join(render.link(kb, "studios", i, page) for i in studios)),
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
        _bullets(visit_questions(kb, site)) + "\n",
        NOTES,
        render.cited_sources(kb, site.sources, page),
    ]
    return "\n".join(part for part in out if part) + "\n"


# ---- feedback ----------------------------------------------------------------------------

FEEDBACK_TEMPLATE = "used-method.yml"
CORRECTION_TEMPLATE = "report-error.yml"
# The mail a trainer writes: the questions of the used-method form, and of a correction.
USED_MAIL = ("在哪个社区用的（可不写）：", "什么时候用的：", "哪里管用：", "哪里不管用：")


def _mail_body(lines: Iterable[str]) -> str:
    return "\n".join([*lines, "", editing.NO_PERSONAL_DATA])


def feedback_url(repo_url: str | None, method: Method) -> str | None:
    """A new-issue form on the repository, prefilled with the method (``None`` without a repository)."""
    if not repo_url:
        return None
    query = urlencode({"template": FEEDBACK_TEMPLATE, "title": f"用过：{method.name}",
                       "labels": "用过的反馈", "method": f"{method.name}（{method.id}）"})
    return f"{repo_url.rstrip('/')}/issues/new?{query}"


def method_links(kb: KnowledgeBase, method: Method, repo_url: str | None, feedback_email: str | None = None,
                 site_url: str = "") -> str:
    """The trainer's links under a method page: its plan, its card, a session with it, and two
    ways to tell the maintainers: a mail (no account needed) and the GitHub form beside it."""
    page = record_path("methods", method.id)
    items = [
        f"[培训方案]({sitemap.link(plan_path(method.id), page)})",
        f"[工作法卡片]({sitemap.link(card_path(method.id), page)})",
        f"[用它组一堂课]({session_link(page, [method.id])})",
    ]
    lines = []
    github = feedback_url(repo_url, method)
    named = f"{method.name}（{method.id}）"
    if feedback_email:
        used = editing.mail_link(feedback_email, f"用过：{method.name}", _mail_body([f"工作法：{named}", *USED_MAIL]))
        address = site_url.rstrip("/") + "/" + sitemap.served(page) if site_url else sitemap.served(page)
        wrong = editing.mail_link(feedback_email, f"更正：{method.name}", _mail_body([f"哪一页：{address}", *editing.CORRECTION_MAIL[1:]]))
        lines.append(f'<a class="kb-used-it" href="{render.url_attr(used)}">我用过这个方法（发邮件）</a> · '
                     f'<a class="kb-correct-it" href="{render.url_attr(wrong)}">这页有错（发邮件）</a>')
    if github:
        correction = f"{repo_url.rstrip('/')}/issues/new?{urlencode({'template': CORRECTION_TEMPLATE})}" if repo_url else ""
        lines.append(f'<a class="kb-used-it-github" href="{render.url_attr(github)}">我用过这个方法（GitHub 表格）</a> · '
                     f'<a href="{render.url_attr(correction)}">这页有错（GitHub 表格）</a>')
    mailbox = f"邮件发到维护者的信箱 {render.esc(feedback_email)}，不需要任何账号；" if feedback_email else ""
    note = f"\n\n{mailbox}有 GitHub 账号也可以填表。两种都只问你用得怎样、哪里不对，不问个人信息。" if lines else ""
    return ('\n\n<div class="kb-training-links kb-no-print" markdown>\n\n## 培训与反馈 {#trainer-links}\n\n'
            + " · ".join(items) + "\n\n" + "<br>\n".join(lines) + note + "\n\n</div>\n")


# ---- the session builder's data ------------------------------------------------------------


def _blocks(markdown: str) -> list[str]:
    """Paragraphs and list items of a page section, as plain text lines (the builder's pack cannot
    show evidence notes, so cite() calls are left out; the plan pages keep them)."""
    lines = []
    for block in re.split(r"\n\s*\n", CITE_CALL.sub("", markdown)):
        for line in block.splitlines() if re.match(r"\s*(?:[-*]|\d+\.)\s", block) else [" ".join(block.split())]:
            if line.strip():
                lines.append(plain_text(line))
    return lines


def _part(part: Part) -> dict[str, object]:
    return {"key": part.key, "name": part.name, "minutes": part.minutes, "what": part.what, "format": part.format,
            "fixed": part.fixed, "least": part.least, "optional": part.optional, "owner": part.owner,
            "prepare": [list(item) for item in part.prepare]}


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
        page_md = method_pages.get(method.id, "")
        case, training = method_sections(page_md)
        results = method.results[:CARD_RESULTS]
        methods[method.id] = {
            "name": method.name,
            "summary": method.summary or "",
            "themes": list(method.themes),
            "level": completeness.of_method(kb, method, page_md).level,
            "unknown": unknowns(method, case),
            "exercises": [f"{e.kind} {e.minutes} 分钟" for e in exercises(training)],
            "page": sitemap.served(record_path("methods", method.id)),
            "plan": sitemap.served(plan_path(method.id)),
            "card": sitemap.served(card_path(method.id)),
            "facts": _card_facts(kb, method),
            "when": _blocks(when_to_use(page_md)),
            "steps": [{"name": step.name, "detail": step.detail or ""} for step in method.steps],
            "roles": list(method.roles),
            "results": [[f.label, plain_text(render.number_text(f)), render.date_text(f.as_of) if f.as_of else "",
                         kb.sources[f.source].heading] for f in results],
            "more_results": max(0, len(method.results) - CARD_RESULTS),
            "parts": [_part(part) for part in method_parts(method, case, training)],
            "copies": method_copies(method, bool(case or training)),
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
            "summary": site.summary or "",
            "region": " ".join(site.region.parts()),
            "studios": [kb.studios[i].name for i in site_studios(kb, site)],
            "shows": site.shows or "",
            "page": visit,
            "questions": visit_questions(kb, site),
            "sources": [kb.sources[source_id].heading for source_id in site.sources],
            "footer": footer(visit_path(site.id)),
            "copies": site_copies(site),
            "part": _part(visit_part(site)),
        }
    return {
        "session": root + sitemap.served(SESSION_PAGE),
        "block": BLOCK,
        "break": _part(BREAK_PART),
        "breaks_from": list(BREAKS_FROM),
        "prepare_headings": list(PREPARE_HEADINGS),
        "timekeeping": TIMEKEEPING,
        "lengths": [[length, LENGTH_NAMES[length]] for length in LENGTHS],
        "formats": [{"name": name, "description": text, "sources": [kb.sources[i].heading for i in ids if i in kb.sources]}
                    for name, (text, ids) in FORMATS.items()],
        "opening": _part(opening([])),
        "opening_what": list(OPENING_WHAT),
        "facilitation": {kind: list(notes) for kind, notes in FACILITATION.items()},
        "lecture": LECTURE,
        "closing": _part(CLOSING),
        "methods": methods,
        "sites": sites,
    }


def _card_facts(kb: KnowledgeBase, method: Method) -> list[list[str]]:
    """The card's facts as plain text, in the order and with the labels of ``render.method_overview``."""
    origin = method.origin
    where = [*(kb.studios[i].name for i in kb.studios_of_method(method.id)),
             *([kb.mentors[origin.founder].name] if origin.founder else []), *([origin.community] if origin.community else [])]
    facts = [["出处", names(where) if where else ""], ["地区", " ".join(origin.region.parts())],
             ["首次报道", f"{method.year}年" if method.year else ""], ["主题", "、".join(method.themes)]]
    return [pair for pair in facts if pair[1]]


def training_pages(kb: KnowledgeBase, read: Reader) -> Iterable[GeneratedPage]:
    """A session plan and a one-page card for every method, a visit sheet for every site."""
    read = functools.cache(read)  # the plan and the card read the same method page: once
    for method in kb.methods.values():
        source = sitemap.data_file("methods", method.id)
        yield GeneratedPage(plan_path(method.id), functools.partial(_plan_page, kb, method, read), source)
        yield GeneratedPage(card_path(method.id), functools.partial(_card_page, kb, method, read), source)
    for site in kb.sites.values():
        yield GeneratedPage(visit_path(site.id), functools.partial(visit_plan, kb, site), sitemap.data_file("sites", site.id))


def _plan_page(kb: KnowledgeBase, method: Method, read: Reader) -> str:
    return session_plan(kb, method, read(record_path("methods", method.id)) or "")


def _card_page(kb: KnowledgeBase, method: Method, read: Reader) -> str:
    return method_card(kb, method, read(record_path("methods", method.id)) or "")
