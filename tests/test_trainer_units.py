"""Handouts, short links, training material and pictures, tested as pure functions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
import zxingcpp

from macros import figures, handout, render, training
from macros.knowledge_base import KnowledgeBase, load_or_raise
from macros.models import Method
from tests.records import write_records

SITE = "https://example.org/kb/"


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    write_records(tmp_path)
    return load_or_raise(tmp_path / "data")


def html_of(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "def_list", "md_in_html", "tables"])


# ---- addresses and QR codes -----------------------------------------------------


def test_short_links_map_every_printable_page_to_itself() -> None:
    maps = handout.short_redirects({"methods": ["a-b"], "studios": ["c"], "mentors": ["x"], "sites": ["y"], "sources": ["z"]})
    assert maps == {"m/a-b.md": "methods/a-b.md", "s/c.md": "studios/c.md", "p/x.md": "mentors/x.md", "d/y.md": "sites/y.md",
                    "t/a-b.md": "training/a-b.md", "c/a-b.md": "training/cards/a-b.md", "v/y.md": "training/visits/y.md"}
    assert handout.absolute("https://example.org/kb", handout.short_path("methods", "a-b")) == "https://example.org/kb/m/a-b/"


def drawn_modules(svg: str) -> tuple[int, bytearray]:
    """The picture the SVG's strokes draw, one byte per module (0 dark, 255 light): (width, pixels)."""
    width = int(ET.fromstring(svg).get("viewBox", "").split()[2]) // 4
    pixels = bytearray(b"\xff" * width * width)
    x = y = 0.0
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", re.findall(r'\sd="([^"]+)"', svg)[-1]):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            row = int(y)
            for column in range(int(x), int(x) + int(first)):
                pixels[row * width + column] = 0
            x += int(first)
    return width, pixels


def test_qr_code_encodes_the_address_it_is_given() -> None:
    url = SITE + "methods/sanbu-tiaojie/"
    svg = handout.qr_svg(url, "二维码 <本页>")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "二维码 <本页>"
    assert root.get("class") == "kb-qr-code" and root.get("width") == root.get("height") == root.get("viewBox", "").split()[2]
    # What the strokes draw is a QR code of the address, error correction M, with a quiet zone of 4 modules.
    width, pixels = drawn_modules(svg)
    assert pixels[: 4 * width] == b"\xff" * 4 * width and pixels[4 * width + 4] == 0
    decoded = zxingcpp.read_barcode(memoryview(pixels).cast("B", (width, width)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert decoded is not None and decoded.text == url and decoded.ec_level == "M"


def test_handout_block_carries_address_short_link_and_version() -> None:
    studio = handout.handout_target("studios/hongyan.md")
    block = handout.handout_block(handout=studio, site_url=SITE, short_host="ex.org/kb",
                                  repo_url="https://github.com/o/r", commit="0123456789abcdef")
    # On screen (folded with the editors' matter) the short link and the files, no QR code; the commit in small type.
    assert "<svg" not in block.screen and "用手机扫码" not in block.screen and "引用此版本" not in block.screen
    assert 'href="https://example.org/kb/s/hongyan/">ex.org/kb/s/hongyan/</a>' in block.screen
    assert 'href="https://github.com/o/r/blob/0123456789abcdef/data/studios/hongyan.yml"' in block.screen
    assert '<span class="kb-version-id">（版本 0123456）</span>' in block.screen
    # On paper the address, the short link and the QR code.
    assert "本页网址：https://example.org/kb/studios/hongyan/<br>短链接：ex.org/kb/s/hongyan/" in block.paper
    assert 'aria-label="本页网址的二维码：https://example.org/kb/studios/hongyan/"' in block.paper
    without_git = handout.handout_block(handout=handout.handout_target("methods/x.md"), site_url=SITE, short_host=None,
                                        repo_url="https://github.com/o/r", commit=None)
    assert "/blob/" not in without_git.screen + without_git.paper and "版本" not in without_git.screen + without_git.paper


def test_a_plan_card_or_visit_sheet_prints_its_own_address_and_short_link() -> None:
    for source, page, short in (("training/a-b.md", "training/a-b/", "t/a-b/"),
                                ("training/cards/a-b.md", "training/cards/a-b/", "c/a-b/"),
                                ("training/visits/c.md", "training/visits/c/", "v/c/")):
        target = handout.handout_target(source)
        block = handout.handout_block(handout=target, site_url=SITE, short_host="ex.org", repo_url=None, commit=None)
        footer = block.paper
        assert f"本页网址：{SITE}{page}<br>短链接：ex.org/{short}<br>" in footer and "methods/a-b/" not in footer
        assert f'aria-label="本页网址的二维码：{SITE}{page}"' in footer


def test_short_link_is_printed_whole_only_when_short_enough_to_type() -> None:
    assert handout.short_link_text("kb.example.cn", "m/sanbu-tiaojie/") == "kb.example.cn/m/sanbu-tiaojie/"
    long_host = "shequ-gongzuofa.github.io/kb"
    assert handout.short_link_text(long_host, "m/sanbu-tiaojie/") == "m/sanbu-tiaojie/（接在 shequ-gongzuofa.github.io/kb/ 之后）"
    assert handout.host_of("https://shequ-gongzuofa.github.io/kb/") == long_host


def test_handout_target_names_the_page_its_short_link_and_files() -> None:
    assert handout.handout_target("methods/a-b.md") == handout.Handout(
        "methods/a-b/", "m/a-b/", ("docs/methods/a-b.md", "data/methods/a-b.yml"))
    assert handout.handout_target("studios/c.md").short == "s/c/"
    assert handout.handout_target("training/cards/a-b.md").short == "c/a-b/"
    assert handout.handout_target("training/a-b.md").files == ("docs/methods/a-b.md", "data/methods/a-b.yml")
    assert handout.handout_target("training/visits/c.md").files == ("data/sites/c.yml",)
    for not_a_handout in ("methods/index.md", "training/index.md", "training/session.md", "regions.md"):
        assert handout.handout_target(not_a_handout) is None


def test_printed_links_show_addresses_only_where_their_words_do_not() -> None:
    page = ('<a href="../../studios/c/">C</a> <a href="../other/#step-2">O</a> <a href="../../sources/#s1">S</a> '
            '<a href="https://x.org/">X</a> <a href="https://x.org/a">https://x.org/a</a> <a href="#how">H</a> '
            '<a class="kb-short-link" href="https://example.org/kb/m/a/">https://example.org/kb/m/a/</a>')
    out = handout.mark_print_addresses(page, SITE, "methods/a/", "ex.org")
    assert '<a data-print="ex.org/s/c/" href="../../studios/c/">C</a>' in out
    assert 'data-print="ex.org/m/other/#step-2"' in out  # the short link keeps the anchor
    assert '<a href="../../sources/#s1">S</a>' in out  # the source line names the article already
    assert '<a data-print="https://x.org/" href="https://x.org/">X</a>' in out
    assert '<a href="https://x.org/a">https://x.org/a</a>' in out and '<a href="#how">' in out
    assert '<a class="kb-short-link" href="https://example.org/kb/m/a/">' in out
    # A long host: the record's short path alone (the footer says which host it follows).
    assert 'data-print="s/c/"' in handout.mark_print_addresses(page, SITE, "methods/a/", "shequ-gongzuofa.github.io/kb")
    # A region, a facet's list or a theme is linked by its name: nothing printed after it.
    named = ('<a href="../../regions/210000/">辽宁省</a> <a href="../../browse/methods/theme/duiwupeiyang/">队伍培养</a> '
             '<a href="../../tags/#tag:队伍培养">队伍培养</a>')
    assert handout.mark_print_addresses(named, SITE, "methods/a/", "ex.org") == named
    # A plan, card or visit sheet has a short link too; the session builder and the indexes do not.
    trainers = ('<a href="../../training/cards/a/">卡</a> <a href="../../training/a/">方案</a> <a href="../../training/visits/y/">观</a> '
                '<a href="../../training/session/">组课</a> <a href="../../training/">培训</a> <a href="../../training/cards/">卡片</a>')
    out = handout.mark_print_addresses(trainers, SITE, "methods/a/", "ex.org")
    assert ['ex.org/c/a/', 'ex.org/t/a/', 'ex.org/v/y/', f"{SITE}training/session/", f"{SITE}training/", f"{SITE}training/cards/"] \
        == re.findall(r'data-print="([^"]+)"', out)


# ---- related methods ---------------------------------------------------------------


def test_related_methods_come_from_data_then_shared_themes() -> None:
    def method(mid: str, themes: list[str], related: list[str] | None = None) -> Method:
        return Method(id=mid, name=mid.upper(), summary="一句话。", sources=["s"], themes=themes, related=related or [])

    kb = KnowledgeBase(methods={
        "a": method("a", ["矛盾调解", "物业管理"], ["d"]),
        "b": method("b", ["矛盾调解"]),
        "c": method("c", ["矛盾调解", "物业管理"]),
        "d": method("d", ["养老服务"]),
        "e": method("e", ["养老服务"]),
    })
    assert render.related_method_ids(kb, kb.methods["a"]) == ["d", "c", "b"]
    out = html_of(render.related_methods(kb, kb.methods["a"], "methods/a.md"))
    assert out.startswith('<h2 id="related">')
    assert "（共同主题：矛盾调解、物业管理）" in out


# ---- training material ---------------------------------------------------------------

PAGE = """# {{ title() }}

{{ method_overview() }}

## 案例

某社区的事例，见[示例工作室](../studios/demo-studio.md)和[另一法](other.md#step-1)。

## 培训使用 {#use}

讨论题：为什么先听？

{{ related_methods() }}
"""


def test_page_sections_are_read_by_heading() -> None:
    sections = training.page_sections(PAGE)
    assert sections["案例"].startswith("某社区的事例")
    assert sections["培训使用"].startswith("讨论题：为什么先听？")


def test_links_in_reused_sections_still_lead_to_the_same_pages() -> None:
    text = "见[工作室](../studios/x.md)、[另一法](other.md#step-1)、[外站](https://x.org/a.md)。"
    out = training.rebase_links(text, "methods/a.md", "training/cards/a.md")
    assert "(../../studios/x.md)" in out and "(../../methods/other.md#step-1)" in out and "(https://x.org/a.md)" in out


def headings_with_nothing_under_them(page_html: str) -> list[str]:
    """Headings followed directly by another heading of the same or a higher level, or by nothing."""
    from bs4 import BeautifulSoup

    empty = []
    headings = BeautifulSoup(page_html, "lxml").find_all(re.compile(r"^h[1-6]$"))
    for heading in headings:
        level = int(heading.name[1])
        following = heading.find_next(lambda tag, heading=heading: tag is not heading and (tag.name in {"p", "ul", "ol", "table", "dl", "div", "li", "svg"} or re.match(r"^h[1-6]$", tag.name or "")))
        if following is None or (re.match(r"^h[1-6]$", following.name) and int(following.name[1]) <= level):
            empty.append(heading.get_text(strip=True))
    return empty


def plan_of(method: Method, page: str, total: int, chosen: str = training.LECTURE) -> tuple[list[training.Part], training.Plan]:
    case, exercises = training.method_sections(page)
    parts = [training.opening([method.name]), *training.method_parts(method, case, exercises), training.CLOSING]
    plan = training.fit(parts, total, chosen)
    assert plan is not None
    return parts, plan


def test_session_plan_reuses_the_case_and_exercises_and_adds_no_facts(kb: KnowledgeBase) -> None:
    method = kb.methods["demo-method"]
    plan = training.session_plan(kb, method, PAGE)
    assert plan.startswith("---\nrender_macros: false\n---")
    assert "# 示例工作法：培训方案" in plan
    assert "某社区的事例" in plan and "讨论题：为什么先听？" in plan
    assert "{{" not in plan  # the page's macro calls are not copied
    _, fitted = plan_of(method, PAGE, 60)
    # One step has its detail, one only its name: the steps are taught, the rest is named as unknown.
    assert [part.key for part, _ in fitted.rows] == ["intro", "steps", "known", "case", "closing"]
    assert sum(minutes for _, minutes in fitted.rows) == 60 and "时间\n:   60 分钟" in plan
    assert all(minutes % training.BLOCK == 0 and minutes > 0 for _, minutes in fitted.rows)
    html = html_of(plan.split("---", 2)[2])
    assert 'id="agenda"' in html and 'id="case"' in html and 'id="exercise"' in html and 'id="prepare"' in html
    assert "“解决”具体怎么做" in plan and "## 已知与待问 {#unknown}" in plan
    assert "?methods=demo-method" in plan
    assert not headings_with_nothing_under_them(html)


def test_a_plan_uses_only_the_parts_the_method_has(kb: KnowledgeBase) -> None:
    method = kb.methods["demo-method"]
    plan = training.session_plan(kb, method, "# x\n")  # no case, no training section on the page
    assert "还没有" not in plan and "## 要复述的案例" not in plan
    _, fitted = plan_of(method, "# x\n", 60)
    assert [part.key for part, _ in fitted.rows] == ["intro", "steps", "known", "discussion", "closing"]
    assert "第1步“倾听”" in plan and "第2步“解决”" in plan  # the step prompts are the exercise
    assert not headings_with_nothing_under_them(html_of(plan.split("---", 2)[2]))


def test_a_method_known_only_by_name_gets_no_time_for_steps_or_a_case(kb: KnowledgeBase) -> None:
    bare = kb.methods["demo-method"].model_copy(update={"steps": [], "roles": []})
    plan = training.session_plan(kb, bare, "# x\n")
    _, fitted = plan_of(bare, "# x\n", 60)
    assert [part.key for part, _ in fitted.rows] == ["intro", "known", "closing"]
    known = next(part for part, _ in fitted.rows if part.key == "known")
    assert known.minutes == training.BLOCK and "步骤；案例" in known.what
    assert "## 已知与待问 {#unknown}" in plan and "## 怎么做" not in plan and "讲解" not in plan
    assert "它分哪几步" in plan and "[示例工作室]" in plan  # whom to ask: its studio
    assert not headings_with_nothing_under_them(html_of(plan.split("---", 2)[2]))


@pytest.mark.parametrize("weights", [[10, 20, 15, 30, 5], [10, 10, 5], [10] * 12, [1, 100]])
@pytest.mark.parametrize("total", training.LENGTHS)
def test_allocated_minutes_add_up_to_the_chosen_length(weights: list[int], total: int) -> None:
    minutes = training.allocate(weights, total)
    assert sum(minutes) == total and all(m >= training.BLOCK and m % training.BLOCK == 0 for m in minutes)
    heaviest = max(range(len(weights)), key=weights.__getitem__)
    assert minutes[heaviest] == max(minutes)  # in proportion to the weights


def test_a_length_too_short_for_the_parts_is_refused() -> None:
    with pytest.raises(ValueError, match="60 分钟排不下 13 个环节"):
        training.allocate([10] * 13, 60)


# ---- exercises, as the method pages state them -------------------------------------------

ROLE_PLAY = ("角色扮演（三人一组，约20分钟）：由学员自拟一起常见的邻里纠纷，一人扮社区书记，两人扮争执双方。"
             "书记必须依次走完三个环节，每个环节结束时由观察员举牌示意。演完后小组讨论。")
GROUP_WORK = "小组练习（约60分钟，可分两次）：以培训所在地附近一处公共空间为对象（由培训者事先征得同意），每组完成四件事。"


def test_an_exercise_states_its_kind_time_group_and_roles() -> None:
    role_play, group_work = training.exercises(f"讨论题：\n\n1. 为什么？\n2. 怎么办？\n\n{ROLE_PLAY}\n\n{GROUP_WORK}")
    assert (role_play.kind, role_play.minutes, role_play.group, role_play.size) == ("角色扮演", 20, "三人一组", (3, 3))
    assert role_play.roles == ("一人扮社区书记", "两人扮争执双方")
    assert (group_work.kind, group_work.minutes, group_work.size, group_work.remark) == ("小组练习", 60, None, "可分两次")
    assert group_work.beforehand == ("以培训所在地附近一处公共空间为对象（由培训者事先征得同意），每组完成四件事。",)
    assert training.discussion_questions("讨论题：\n\n1. 为什么？\n2. 怎么办？") == ["为什么？", "怎么办？"]
    ranged = training.exercises("小组练习（五至六人一组，约40分钟）：各组写方案。")[0]
    assert ranged.size == (5, 6) and ranged.minutes == 40


def test_three_people_for_four_roles_is_found() -> None:
    assert training.exercise_problems(ROLE_PLAY) == ["角色扮演要观察员做事，但“三人一组”的人都已分到别的角色"]
    fixed = ROLE_PLAY.replace("三人一组", "四人一组").replace("两人扮争执双方。", "两人扮争执双方，一人当观察员。")
    assert training.exercise_problems(fixed) == []
    assert training.exercise_problems("角色扮演（两人一组，约15分钟）：一人扮甲，两人扮乙。") == ["角色扮演写“两人一组”，分到角色的却有 3 人"]
    assert training.exercise_problems("角色扮演（三人一组）：一人扮甲。") == ["“角色扮演（三人一组）：一……”没有按“角色扮演（三人一组，约20分钟）：”的写法写明时长"]


def test_every_method_page_states_its_exercises_so_a_plan_can_time_them() -> None:
    from tests.conftest import ROOT

    problems = {}
    for page in sorted((ROOT / "docs/methods").glob("*.md")):
        _, section = training.method_sections(page.read_text(encoding="utf-8"))
        if found := training.exercise_problems(section):
            problems[page.name] = found
    assert not problems, problems


# ---- fitting a session -----------------------------------------------------------------------


def three_methods(kb: KnowledgeBase) -> list[training.Part]:
    """Three methods with role plays of 30, 20 and 30 minutes, steps, a case and questions each."""
    base = kb.methods["demo-method"]
    parts = [training.opening(["甲", "乙、丙", "丁"])]
    for name, minutes in (("甲", 30), ("乙、丙", 20), ("丁", 30)):
        method = base.model_copy(update={"name": name, "steps": [s.model_copy(update={"detail": "说明。"}) for s in base.steps]})
        page = (f"# x\n\n## 案例\n\n{'某社区的一件事。' * 20}\n\n## 培训使用\n\n讨论题：\n\n1. 甲？\n2. 乙？\n\n"
                f"角色扮演（三人一组，约{minutes}分钟）：一人扮书记，两人扮居民。")
        parts += training.method_parts(method, *training.method_sections(page))
    return [*parts, training.CLOSING]


def test_a_two_hour_session_of_three_methods_keeps_or_names_every_exercise_and_has_a_break(kb: KnowledgeBase) -> None:
    parts = three_methods(kb)
    plan = training.fit(parts, 120, training.LECTURE)
    assert plan is not None
    assert sum(minutes for _, minutes in plan.rows) == 120
    assert [part.key for part, _ in plan.rows].count("break") == 1
    given = {(part.owner, part.key): minutes for part, minutes in plan.rows}
    cut = {part.owner: minutes for part, minutes in plan.cuts}
    for part in parts:
        if part.key == "exercise":
            assert part in plan.dropped or given[(part.owner, "exercise")] == part.minutes or part.owner in cut, part.owner
    lines = training.trade_offs(plan, parts)
    for part, minutes in plan.cuts:
        assert f"《{part.owner}》角色扮演：写明约 {part.minutes} 分钟，这里排 {minutes} 分钟（缩短 {part.minutes - minutes} 分钟）" in lines
    assert lines[-1] == f"要全部按写明的时间排，请选 {training.length_for(parts)} 分钟的课"
    # At three hours every exercise keeps its own time and nothing is left out.
    roomy = training.fit(parts, 180, training.LECTURE)
    assert roomy and not roomy.cuts and not roomy.dropped and [p.key for p, _ in roomy.rows].count("break") == 2
    assert training.fit(parts, 120, training.LECTURE) == plan  # the same choices, the same plan


def test_a_visit_is_one_block_with_its_travel_or_is_named_as_left_out(kb: KnowledgeBase) -> None:
    visit = training.visit_part(kb.sites["demo-site"])
    assert visit.minutes == training.VISIT_MINUTES + training.TRAVEL_MINUTES and "往返路程" in visit.what
    parts = [training.opening([]), visit, training.CLOSING]
    plan = training.fit(parts, 120)
    assert plan and (visit, visit.minutes) in plan.rows and sum(m for _, m in plan.rows) == 120
    crowded = three_methods(kb)
    crowded.insert(1, visit)
    short = training.fit(crowded, 60)
    assert short and visit in short.dropped and "没排进：《示例驿站》实地观摩（75 分钟）" in training.trade_offs(short, crowded)
    assert sum(m for _, m in short.rows) == 60 and not any(p.key == "break" for p, _ in short.rows)


def test_preparation_comes_from_the_exercises_scheduled(kb: KnowledgeBase) -> None:
    parts = three_methods(kb)
    plan = training.fit(parts, 180)
    assert plan
    prepared = dict(training.preparation(plan.rows, training.method_copies(kb.methods["demo-method"], True)))
    assert list(prepared) == ["印发", "场地", "分组", "角色", "计时"]
    assert "《乙、丙》角色扮演：三人一组" in prepared["分组"]
    assert "《甲》角色扮演：一人扮书记；两人扮居民（事先写在纸条上，每组一套）" in prepared["角色"]
    assert prepared["印发"][0] == "工作法卡片《示例工作法》：每位学员一张"


def test_session_data_is_plain_text_with_the_footers_of_the_print_pack(kb: KnowledgeBase) -> None:
    data = training.session_data(kb, {"demo-method": PAGE}, SITE, "ex.org")
    method = data["methods"]["demo-method"]
    assert method["card"] == "training/cards/demo-method/" and method["page"] == "methods/demo-method/"
    assert method["case"][0].startswith("某社区的事例，见示例工作室和另一法")  # links keep their words only
    assert [p["key"] for p in method["parts"]] == ["steps", "known", "case"]
    assert method["unknown"] == ["步骤说明"] and method["level"] in ("完整", "较完整", "待补充")
    assert data["opening"]["key"] == "intro" and data["break"]["minutes"] == training.BREAK
    # A printed card stands for the method's card; its handout for the plan holding case and exercises.
    assert method["footer"] == {"address": SITE + "training/cards/demo-method/", "short": "ex.org/c/demo-method/"}
    assert method["handout_footer"] == {"address": SITE + "training/demo-method/", "short": "ex.org/t/demo-method/"}
    site = data["sites"]["demo-site"]
    assert site["page"] == "training/visits/demo-site/" and site["part"]["format"] == "实地观摩" and site["part"]["fixed"]
    assert site["footer"] == {"address": SITE + "training/visits/demo-site/", "short": "ex.org/v/demo-site/"}
    assert data["session"] == SITE + "training/session/"
    assert [f["name"] for f in data["formats"]] == ["讲授", "案例复盘", "分组推演", "角色扮演", "实地观摩"]
    assert [length for length, _ in data["lengths"]] == [60, 90, 120, 180, 210]


def test_feedback_by_mail_needs_no_account_and_is_escaped_by_construction(kb: KnowledgeBase) -> None:
    from urllib.parse import parse_qs, unquote, urlsplit

    from bs4 import BeautifulSoup

    method = kb.methods["demo-method"].model_copy(update={"name": '示例 & "<法>"\n?x=1#y'})
    out = training.method_links(kb, method, "https://github.com/o/r", "kb@example.org", SITE)
    assert "(../training/demo-method.md)" in out and "(../training/cards/demo-method.md)" in out
    assert "(../training/session.md?methods=demo-method)" in out
    links = {a.get_text(): a["href"] for a in BeautifulSoup(html_of(out), "lxml").select("a")}
    used = urlsplit(links["我用过这个方法（发邮件）"])
    assert used.scheme == "mailto" and unquote(used.path) == "kb@example.org"
    query = parse_qs(used.query)
    assert query["subject"] == ['用过：示例 & "<法>"\n?x=1#y'] and "哪里不管用：" in query["body"][0]
    assert not re.search(r"[\s<>\"#]", links["我用过这个方法（发邮件）"])  # nothing leaves the link
    wrong = parse_qs(urlsplit(links["这页有错（发邮件）"]).query)
    assert wrong["body"][0].startswith(f"哪一页：{SITE}methods/demo-method/")
    github = parse_qs(urlsplit(links["我用过这个方法（GitHub 表格）"]).query)
    assert github["template"] == ["used-method.yml"] and github["method"] == [f"{method.name}（demo-method）"]
    assert "<法>" not in out
    without_mail = training.method_links(kb, method, "https://github.com/o/r")
    assert "mailto:" not in without_mail and "GitHub 表格" in without_mail
    assert training.feedback_url(None, method) is None


def test_visit_sheet_asks_from_the_site_record_and_leaves_room_for_notes(kb: KnowledgeBase) -> None:
    site = kb.sites["demo-site"]
    sheet = training.visit_plan(kb, site)
    assert f"# 观摩：{site.name}" in sheet and "## 在现场可以问的问题 {#ask}" in sheet
    assert ("## 看什么 {#look}" in sheet) == bool(site.shows)
    questions = training.visit_questions(kb, site)
    assert "记录说它属于《示例工作室》：日常由谁来管，经费和人手从哪里来？" in questions
    assert f"这个{site.type}每天做些什么？来的都是哪些人，他们怎么知道这里？" == questions[0]
    assert not any("示例工作法" in q for q in questions)  # no template question per studio method
    named = training.visit_questions(kb, site.model_copy(update={"designation": "教学示范点", "opened": "2019"}))
    assert "被命名为“教学示范点”以后，来观摩的人多吗？别的社区学去了什么？" in named and any("2019年启用" in q for q in named)
    assert 'class="kb-notes' in sheet and "电话" not in sheet
    assert not headings_with_nothing_under_them(html_of(sheet.split("---", 2)[2]))


def test_card_holds_the_method_and_when_to_use_it(kb: KnowledgeBase) -> None:
    page = "# x\n\n## 适用场景\n\n用于邻里纠纷。\n\n{{ method_steps() }}\n\n!!! note \"已知与未知\"\n    说明。\n\n## 案例\n\n事。\n"
    card = training.method_card(kb, kb.methods["demo-method"], page)
    assert "# 工作法卡片：示例工作法" in card and 'id="step-2"' in card
    assert "## 适用场景 {#when}\n\n用于邻里纠纷。\n" in card and "已知与未知" not in card
    assert "(../../methods/demo-method.md)" in card


def test_names_are_listed_so_that_names_with_a_pause_mark_stay_whole() -> None:
    assert training.names(["党建引领、百姓说事、法官讲法", "甲"]) == "《党建引领、百姓说事、法官讲法》《甲》"
    assert "《党建引领、百姓说事》" in training.opening(["党建引领、百姓说事"]).what


# ---- pictures --------------------------------------------------------------------------


def test_bar_chart_is_valid_svg_with_named_linked_bars() -> None:
    svg = figures.bar_chart([figures.Bar("矛盾<调解>", 4, "../tags/#tag:x"), figures.Bar("养老", 2)], "各主题", "个")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    links = root.findall(f"{ns}a") or root.findall("a")
    assert root.get("aria-label") == "各主题"
    assert [a.get("aria-label") for a in links] == ["矛盾<调解>：4个"]
    widths = [int(r.get("width")) for r in root.iter() if r.tag.endswith("rect")]
    assert widths == [360, 180]  # bar length is proportional to the value
    assert figures.bar_chart([], "空") == ""


def test_theme_and_province_counts(kb: KnowledgeBase) -> None:
    assert [(b.label, b.value) for b in figures.theme_bars(kb, "explore/charts.md")] == [("矛盾调解", 1)]
    bars = figures.province_bars(kb, "explore/charts.md")
    assert [(b.label, b.value) for b in bars] == [("北京市", 1), ("地区未载明", 3)]
    assert bars[0].href == "../../regions/110000/" and bars[1].href == "../../regions/#unknown"


def test_timeline_lists_dated_records_and_counts_the_undated(kb: KnowledgeBase) -> None:
    events = figures.timeline_events(kb)
    assert [(e.year, e.kind, e.record_id) for e in events] == [(2018, "studios", "demo-studio")]
    out = figures.timeline(kb, "explore/timeline.md")
    ET.fromstring(out[out.index("<svg"):out.index("</svg>") + 6])
    assert "### 2018年 {#y2018}" in out
    assert "来源没有写明年份的条目不在时间线上：工作法 1 个、示范点与阵地 1 个。" in out


def test_region_tree_follows_the_standard_with_counts(kb: KnowledgeBase) -> None:
    out = figures.region_tree(kb, "regions.md")
    # 北京市 is a municipality: its district sits directly under it, with no "city" level.
    assert '<li id="北京市"><a href="110000/">北京市 <span class="kb-count">1</span></a><ul><li>朝阳区 <span class="kb-count">1</span></li></ul></li>' in out
    assert "市未载明" not in out and '<li id="unknown">地区未载明 <span class="kb-count">3</span>' in out
    assert out.index("北京市") < out.index("地区未载明")


def test_search_leaves_out_the_qr_block() -> None:
    from macros.search_index import page_text

    block = handout.handout_block(handout=handout.handout_target("methods/x.md"), site_url=SITE, short_host=None,
                                  repo_url=None, commit=None)
    text = page_text("<p>正文</p>" + block.paper + "<p>结尾</p>")
    assert text == "正文\n结尾"


def test_relative_links_resolve_as_urljoin_does() -> None:
    """The printed address of a relative link is worked out without urljoin (thousands of links a
    build); it must lead where urljoin says, or leave the link to urljoin."""
    from urllib.parse import urljoin

    root = "https://example.invalid/kb/"
    pages = ["", "methods/", "methods/a/", "training/cards/a-b/", "404.html", "a/b.html", "a/b/c/d/"]
    hrefs = ["../", "../../x/", "x/", "./", ".", "..", "../x/#y", "x/y/#a-b", "../../../../x/", "a//b/",
             "%E4%B8%AD/", "x", "x/y", "../../", "./a/../b/", "a/./b/", "..#x", "x/..", "x/../", "x/.",
             "methods/a/#cases", "?q=1", "/abs/", "mailto:a@b.c", "https://e.invalid/x/"]
    for page in pages:
        for href in hrefs:
            joined = urljoin(root + page, href)
            expected = joined[len(root):] if joined.startswith(root) else None
            if handout._PLAIN_RELATIVE.match(href):  # the fast way is taken; None sends it to urljoin
                assert handout.site_path(page, href) in (expected, None), (page, href)
                assert expected is None or handout.site_path(page, href) is not None, (page, href)
