"""Handouts, short links, training material and pictures, tested as pure functions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
import segno

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


def test_qr_code_encodes_the_address_it_is_given() -> None:
    url = SITE + "methods/sanbu-tiaojie/"
    svg = handout.qr_svg(url, "二维码 <本页>")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "二维码 <本页>"
    # Same symbol as segno draws for the URL: same size, same modules.
    expected = segno.make(url, error="m", micro=False)
    assert root.get("width") == str((expected.symbol_size(scale=4, border=4))[0])
    drawn = re.findall(r'\sd="([^"]+)"', svg)
    assert drawn == re.findall(r'\sd="([^"]+)"', expected.svg_inline(scale=4, border=4, dark="#000", light="#fff"))
    assert len(drawn[-1]) > 100  # the modules, not only the white background


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


def test_session_plan_reuses_the_case_and_exercises_and_adds_no_facts(kb: KnowledgeBase) -> None:
    method = kb.methods["demo-method"]
    plan = training.session_plan(kb, method, PAGE)
    assert plan.startswith("---\nrender_macros: false\n---")
    assert "# 示例工作法：培训方案" in plan
    assert "某社区的事例" in plan and "讨论题：为什么先听？" in plan
    assert "{{" not in plan  # the page's macro calls are not copied
    case, exercises = training.method_sections(PAGE)
    parts = training.agenda(method, case, exercises)
    assert [part.key for part, _ in parts] == ["intro", "steps", "case", "exercise", "closing"]
    total = sum(minutes for _, minutes in parts)
    assert total in training.LENGTHS and f"时间\n:   {total} 分钟" in plan
    assert all(minutes % training.BLOCK == 0 and minutes > 0 for _, minutes in parts)
    html = html_of(plan.split("---", 2)[2])
    assert 'id="agenda"' in html and 'id="case"' in html and 'id="exercise"' in html
    assert "?methods=demo-method" in plan
    assert not headings_with_nothing_under_them(html)


def test_a_plan_uses_only_the_parts_the_method_has(kb: KnowledgeBase) -> None:
    method = kb.methods["demo-method"]
    plan = training.session_plan(kb, method, "# x\n")  # no case, no training section on the page
    assert "还没有" not in plan and "## 要复述的案例" not in plan
    assert [part.key for part, _ in training.agenda(method, "", "")] == ["intro", "steps", "prompts", "closing"]
    assert "第1步“倾听”" in plan and "第2步“解决”" in plan  # the step prompts are the exercise
    assert not headings_with_nothing_under_them(html_of(plan.split("---", 2)[2]))


def test_a_method_without_steps_or_case_is_planned_as_a_discussion_of_how_it_spread(kb: KnowledgeBase) -> None:
    bare = kb.methods["demo-method"].model_copy(update={"steps": [], "roles": []})
    plan = training.session_plan(kb, bare, "# x\n")
    assert [part.key for part, _ in training.agenda(bare, "", "")] == ["intro", "origin", "spread", "closing"]
    assert "## 讨论：一个做法怎么传开 {#spread}" in plan and "## 怎么做" not in plan and "按步骤" not in plan
    assert "还没有" not in plan and "没有" not in plan.split("## 流程", 1)[1].split("## 来源", 1)[0]
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


def test_session_data_is_plain_text_with_the_footers_of_the_print_pack(kb: KnowledgeBase) -> None:
    data = training.session_data(kb, {"demo-method": PAGE}, SITE, "ex.org")
    method = data["methods"]["demo-method"]
    assert method["card"] == "training/cards/demo-method/" and method["page"] == "methods/demo-method/"
    assert method["case"][0].startswith("某社区的事例，见示例工作室和另一法")  # links keep their words only
    assert [p["key"] for p in method["parts"]] == ["steps", "case", "exercise"]
    assert sum(data["closing"]["weight"] for _ in [0]) > 0 and data["opening"]["key"] == "intro"
    # A printed card stands for the method's card; its handout for the plan holding case and exercises.
    assert method["footer"] == {"address": SITE + "training/cards/demo-method/", "short": "ex.org/c/demo-method/"}
    assert method["handout_footer"] == {"address": SITE + "training/demo-method/", "short": "ex.org/t/demo-method/"}
    site = data["sites"]["demo-site"]
    assert site["page"] == "training/visits/demo-site/" and site["part"]["format"] == "实地观摩"
    assert site["footer"] == {"address": SITE + "training/visits/demo-site/", "short": "ex.org/v/demo-site/"}
    assert data["session"] == SITE + "training/session/"
    assert [f["name"] for f in data["formats"]] == ["讲授", "案例复盘", "分组推演", "角色扮演", "实地观摩"]
    assert [length for length, _ in data["lengths"]] == [60, 90, 120, 180, 210]


def test_method_links_lead_to_plan_card_session_and_a_prefilled_feedback_form(kb: KnowledgeBase) -> None:
    method = kb.methods["demo-method"].model_copy(update={"name": '示例 & "<法>"'})
    out = training.method_links(kb, method, "https://github.com/o/r")
    assert "(../training/demo-method.md)" in out and "(../training/cards/demo-method.md)" in out
    assert "(../training/session.md?methods=demo-method)" in out
    url = training.feedback_url("https://github.com/o/r", method)
    assert url.startswith("https://github.com/o/r/issues/new?template=used-method.yml&")
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(url).query)
    assert query["method"] == ['示例 & "<法>"（demo-method）'] and query["title"] == ['用过：示例 & "<法>"']
    assert "<法>" not in out and "&quot;" not in url and 'href="https://github.com/o/r/issues/new?template=used-method.yml&amp;' in out
    assert training.feedback_url(None, method) is None


def test_visit_sheet_says_what_to_look_at_and_what_to_ask(kb: KnowledgeBase) -> None:
    site = kb.sites["demo-site"]
    sheet = training.visit_plan(kb, site)
    assert f"# 观摩：{site.name}" in sheet and "## 在现场可以问的问题 {#ask}" in sheet
    assert ("## 看什么 {#look}" in sheet) == bool(site.shows)
    assert "(../../methods/demo-method.md)" in sheet  # the studio's method, asked about on site
    assert "电话" not in sheet
    assert not headings_with_nothing_under_them(html_of(sheet.split("---", 2)[2]))


def test_card_holds_the_method_on_one_page(kb: KnowledgeBase) -> None:
    card = training.method_card(kb, kb.methods["demo-method"])
    assert "# 工作法卡片：示例工作法" in card and 'id="step-2"' in card
    assert "(../../methods/demo-method.md)" in card


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
