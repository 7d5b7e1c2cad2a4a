"""Handouts, short links, training material and pictures, tested as pure functions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
import segno

from macros import figures, handout, render, training
from macros.models import KnowledgeBase, Method, Step, Studio, load_or_raise
from tests.records import write_records

SITE = "https://example.org/kb/"


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    write_records(tmp_path)
    return load_or_raise(tmp_path / "data")


def html_of(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "def_list", "md_in_html", "tables"])


# ---- addresses and QR codes -----------------------------------------------------


def test_short_links_map_every_record_to_its_page() -> None:
    maps = handout.short_redirects({"methods": ["a-b"], "studios": ["c"], "mentors": ["x"], "sites": ["y"], "sources": ["z"]})
    assert maps == {"m/a-b.md": "methods/a-b.md", "s/c.md": "studios/c.md", "p/x.md": "mentors/x.md", "d/y.md": "sites/y.md"}
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
    block = handout.handout_block(kind="studios", record_id="hongyan", site_url=SITE, repo_url="https://github.com/o/r",
                                  commit="0123456789abcdef", files=["docs/studios/hongyan.md", "data/studios/hongyan.yml"])
    assert '<details class="kb-qr"' in block and "<summary>" in block
    assert "https://example.org/kb/s/hongyan/" in block and "https://example.org/kb/studios/hongyan/" in block
    assert 'href="https://github.com/o/r/blob/0123456789abcdef/data/studios/hongyan.yml"' in block
    assert "版本 0123456" in block
    without_git = handout.handout_block(kind="methods", record_id="x", site_url=SITE, repo_url="https://github.com/o/r",
                                        commit=None, files=["docs/methods/x.md"])
    assert "/blob/" not in without_git and "没有记录版本号" in without_git


def test_handout_target_names_the_record_whose_address_is_printed() -> None:
    assert handout.handout_target("methods/a-b.md") == ("methods", "a-b")
    assert handout.handout_target("studios/c.md") == ("studios", "c")
    assert handout.handout_target("training/a-b.md") == ("methods", "a-b")
    assert handout.handout_target("training/cards/a-b.md") == ("methods", "a-b")
    assert handout.handout_target("methods/index.md") is None
    assert handout.handout_target("regions.md") is None


def test_printed_links_show_short_links_or_absolute_addresses() -> None:
    page = '<a href="../../studios/c/">C</a> <a href="../other/#step-2">O</a> <a href="../../sources/#s1">S</a> <a href="https://x.org/">X</a> <a href="#how">H</a>'
    out = handout.mark_print_addresses(page, SITE, "methods/a/")
    assert '<a data-print="https://example.org/kb/s/c/" href="../../studios/c/">' in out
    assert 'data-print="https://example.org/kb/methods/other/#step-2"' in out
    assert 'data-print="https://example.org/kb/sources/#s1"' in out
    assert '<a href="https://x.org/">' in out and '<a href="#how">' in out


# ---- related methods ---------------------------------------------------------------


def test_related_methods_come_from_data_then_shared_themes() -> None:
    def method(mid: str, themes: list[str], related: list[str] | None = None) -> Method:
        return Method(id=mid, name=mid.upper(), sources=["s"], themes=themes, related=related or [])

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


def test_session_plan_reuses_the_case_and_exercises_and_adds_no_facts(kb: KnowledgeBase) -> None:
    method = kb.methods["demo-method"]
    plan = training.session_plan(kb, method, PAGE)
    assert plan.startswith("---\nrender_macros: false\n---")
    assert "# 示例工作法：培训方案" in plan
    assert "某社区的事例" in plan and "讨论题：为什么先听？" in plan
    assert "{{" not in plan  # the page's macro calls are not copied
    minutes = sum(m for _, m, _ in training.agenda(method))
    assert f"约 {minutes} 分钟" in plan and minutes == 10 + 5 * 2 + 15 + 20 + 25 + 5
    assert "第1步“倾听”" in plan and "第2步“解决”" in plan
    html = html_of(plan.split("---", 2)[2])
    assert 'id="agenda"' in html and 'id="case"' in html and 'id="exercise"' in html


def test_session_plan_without_page_sections_says_what_is_missing(kb: KnowledgeBase) -> None:
    plan = training.session_plan(kb, kb.methods["demo-method"], "# x\n")
    assert "方法页还没有案例" in plan and "方法页还没有培训建议" in plan


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
    assert bars[0].href == "../../regions/#北京市" and bars[1].href == "../../regions/#unknown"


def test_timeline_lists_dated_records_and_counts_the_undated(kb: KnowledgeBase) -> None:
    events = figures.timeline_events(kb)
    assert [(e.year, e.kind, e.record_id) for e in events] == [(2018, "studios", "demo-studio")]
    out = figures.timeline(kb, "explore/timeline.md")
    ET.fromstring(out[out.index("<svg"):out.index("</svg>") + 6])
    assert "### 2018年 {#y2018}" in out
    assert "来源没有写明年份的条目不在时间线上：工作法 1 个、示范点与阵地 1 个。" in out


def test_lineage_joins_studio_people_methods_and_sites(kb: KnowledgeBase) -> None:
    edges = figures.lineage_edges(kb)
    assert (("studios", "demo-studio"), ("mentors", "demo-mentor")) in edges
    assert (("studios", "demo-studio"), ("methods", "demo-method")) in edges
    assert (("studios", "demo-studio"), ("sites", "demo-site")) in edges
    svg = figures.lineage_svg(kb, "explore/lineage.md")
    ET.fromstring(svg)
    assert 'href="../../methods/demo-method/"' in svg
    tree = html_of(figures.lineage_tree(kb, "explore/lineage.md"))
    assert tree.index("示例工作室") < tree.index("王示例") < tree.index("示例工作法")


def test_lineage_skips_a_studio_without_a_leader() -> None:
    studio = Studio(id="s", name="S", type="社区书记工作室", sources=["x"])
    kb = KnowledgeBase(studios={"s": studio}, methods={"m": Method(id="m", name="M", sources=["x"], origin={"studio": "s"})})
    assert figures.lineage_edges(kb) == [(("studios", "s"), ("methods", "m"))]


def test_region_tree_nests_province_city_district_with_counts(kb: KnowledgeBase) -> None:
    out = html_of(figures.region_tree(kb, "regions.md"))
    assert '<h2 id="北京市">北京市（1）</h2>' in out
    assert "<strong>市未载明</strong>（1）" in out and "朝阳区（1）" in out
    assert '<h2 id="unknown">地区未载明（3）</h2>' in out
    assert out.index("北京市") < out.index("地区未载明")


def test_search_leaves_out_the_qr_block() -> None:
    from macros.search_index import page_text

    block = handout.handout_block(kind="methods", record_id="x", site_url=SITE, repo_url=None, commit=None, files=[])
    text = page_text("<p>正文</p>" + block + "<p>结尾</p>")
    assert text == "正文\n结尾"
