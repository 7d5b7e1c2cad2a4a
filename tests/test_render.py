"""Rendering functions, tested on data without a build."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from macros import render, sitemap
from macros.knowledge_base import KnowledgeBase, load_or_raise
from macros.models import Figure, Method, Region, Source, Step
from tests.records import write_records

EXTENSIONS = ["attr_list", "def_list", "md_in_html", "tables"]


def html_of(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    write_records(tmp_path)
    return load_or_raise(tmp_path / "data")


def test_steps_are_numbered_with_stable_anchors(kb: KnowledgeBase) -> None:
    out = html_of(render.method_steps(kb.methods["demo-method"]))
    assert out.startswith('<h2 id="how">怎么做</h2>')
    assert '<li class="kb-step" id="step-1">' in out or '<li id="step-1" class="kb-step">' in out
    assert 'id="step-2"' in out and "<strong>倾听</strong>：先听。" in out
    assert "<strong>解决</strong></li>" in out  # a step with no detail shows no dangling colon


def test_empty_sections_are_left_out(kb: KnowledgeBase) -> None:
    method = kb.methods["demo-method"]
    assert render.method_roles(method) == ""
    assert render.method_results(kb, method, "methods/demo-method.md") == ""


def test_data_is_escaped_everywhere() -> None:
    hostile = "<script>alert(1)</script>*粗*[链接](http://x)"
    method = Method(
        id="x", name=hostile, summary=hostile, sources=["s"], roles=[hostile],
        steps=[Step(name=hostile, detail=hostile)], origin={"community": hostile, "region": Region(city=hostile)},
    )
    kb = KnowledgeBase(methods={"x": method})
    page = "methods/x.md"
    for text in (render.title(method), render.method_overview(kb, method, page), render.method_steps(method), render.method_roles(method)):
        out = html_of(text)
        assert "<script>" not in out and "<em>" not in out and "<a href=\"http://x\"" not in out
        assert "&lt;script&gt;" in out


def test_empty_facts_are_left_out_and_unknown_is_said_where_it_matters(kb: KnowledgeBase) -> None:
    method = kb.methods["demo-method"]
    out = html_of(render.method_overview(kb, method, "methods/demo-method.md"))
    assert "<dt>地区</dt>" not in out and "来源未载明" not in out
    # the year is unknown; the earliest dated article citing the method stands in for it
    assert "<dt>首次报道</dt>\n<dd>2021年7月22日，测试报（所引来源中最早的报道）</dd>" in out
    leaderless = kb.studios["demo-studio"].model_copy(update={"id": "other", "leader": None})
    for kind, shown in (("社区书记工作室", True), ("培训项目", False)):
        card = html_of(render.studio_overview(kb, leaderless.model_copy(update={"type": kind}), "studios/other.md"))
        assert ("<dt>负责人</dt>\n<dd>来源未载明</dd>" in card) == shown
        assert card.count("来源未载明") == shown


def test_first_report_is_the_year_or_else_the_first_dated_article_cited(kb: KnowledgeBase) -> None:
    method = kb.methods["demo-method"]
    later = Source(id="later", topic="后来的报道", publication="晚报", date="2023-06-30", file="003_f725f6f0c08c7b0a.txt", script="简体")
    undated = Source(id="undated", topic="无日期<报道>", file="001_130949ea3cbd8891.txt", script="简体")
    sources = {"later": later, "undated": undated, "article": kb.sources["article"]}
    dated_twice = KnowledgeBase(methods=kb.methods, sources=sources)
    earliest = "（所引来源中最早的报道）"
    assert render.first_report(dated_twice, method.model_copy(update={"sources": ["later", "undated", "article"]})) == "2021年7月22日，测试报" + earliest
    assert render.first_report(dated_twice, method.model_copy(update={"sources": ["undated", "later"]})) == "2023年6月30日，晚报" + earliest
    assert render.first_report(dated_twice, method.model_copy(update={"sources": ["undated"]})) == ""
    assert render.first_report(dated_twice, method.model_copy(update={"sources": ["undated"], "year": 2019})) == "2019年"
    described = Source(id="t", topic="无刊名<报道>", date="2020", file="001_130949ea3cbd8891.txt", script="简体")
    headlined = described.model_copy(update={"title": "某某<标题>"})
    for source, shown in ((described, "无刊名&lt;报道&gt;（编者说明）"), (headlined, "《某某&lt;标题&gt;》")):
        unnamed = KnowledgeBase(methods=kb.methods, sources={"t": source})
        assert render.first_report(unnamed, method.model_copy(update={"sources": ["t"]})) == f"2020年，{shown}{earliest}"


def test_links_are_relative_to_the_page(kb: KnowledgeBase) -> None:
    studio = kb.studios["demo-studio"]
    out = render.studio_overview(kb, studio, "studios/demo-studio.md")
    assert "[王示例](../mentors/demo-mentor.md)" in out
    assert "[示例工作法](../methods/demo-method.md)" in render.studio_methods(kb, studio, "studios/demo-studio.md")


def test_back_links_join_both_sides(kb: KnowledgeBase) -> None:
    assert kb.methods_of_studio["demo-studio"] == ["demo-method"]
    assert kb.sites_of_studio["demo-studio"] == ["demo-site"]
    assert kb.studios_of_mentor["demo-mentor"] == ["demo-studio"]
    people = render.studio_people(kb, kb.studios["demo-studio"], "studios/demo-studio.md")
    assert "[王示例](../mentors/demo-mentor.md)，社区党委书记" in people


@pytest.mark.parametrize(
    ("qualifier", "expected"), [("", "500件"), ("余", "500余件"), ("近", "近500件"), ("以上", "500以上件")]
)
def test_figures_keep_the_sources_qualifier(qualifier: str, expected: str) -> None:
    figure = Figure(label="问题", value=500, unit="件", qualifier=qualifier, source="s")
    assert render.number_text(figure) == expected


@pytest.mark.parametrize(("value", "expected"), [("2018", "2018年"), ("2020-06", "2020年6月"), ("2021-07-22", "2021年7月22日"), (None, "来源未载明")])
def test_dates_keep_their_precision(value: str | None, expected: str) -> None:
    assert render.date_text(value) == expected


def test_site_wide_counts(kb: KnowledgeBase) -> None:
    assert render.count_by_kind(kb) == {"methods": 1, "studios": 1, "mentors": 1, "sites": 1}
    figures = render.site_figures(kb, "index.md")
    assert 'href="methods/"' in figures and '<span class="kb-figure-value">1</span>' in figures
    assert '<span class="kb-figure-label">示范点与阵地</span>' in figures


def test_page_without_record_is_an_error(kb: KnowledgeBase) -> None:
    with pytest.raises(LookupError, match="docs/methods/nothing.md 没有对应的数据文件"):
        render.page_record(kb, "methods", "methods/nothing.md")


def test_studio_without_leader_lists_only_its_members(kb: KnowledgeBase) -> None:
    studio = kb.studios["demo-studio"].model_copy(update={"leader": None})
    kb = KnowledgeBase(studios={"demo-studio": studio}, mentors=kb.mentors, methods=kb.methods, sites=kb.sites, sources=kb.sources)
    assert kb.mentors_of_studio["demo-studio"] == ["demo-mentor"]
    assert "负责人" not in render.studio_overview(kb, studio, "studios/demo-studio.md")
    assert "[王示例](../mentors/demo-mentor.md)" in render.studio_people(kb, studio, "studios/demo-studio.md")


def test_featured_methods_show_summary_and_steps(kb: KnowledgeBase) -> None:
    out = html_of(render.featured_methods(kb, ["demo-method"], "index.md"))
    assert '<div class="grid cards">' in out
    assert '<a href="methods/demo-method.md">示例工作法</a>' in out
    assert "怎么做：倾听 → 解决" in out
    with pytest.raises(LookupError, match="推荐的工作法不存在：nothing"):
        render.featured_methods(kb, ["nothing"], "index.md")


def test_every_kind_with_pages_finds_its_pages_record(kb: KnowledgeBase) -> None:
    for kind in sitemap.PAGED_KINDS:
        record_id = next(iter(kb.records(kind)))
        assert render.page_record(kb, kind, sitemap.record_path(kind, record_id)) is kb.records(kind)[record_id]


def test_a_published_anchor_the_data_no_longer_fill_stays_as_an_empty_alias() -> None:
    from macros.anchors import ALIAS_CLASS, keep_published_anchors, published_anchors

    published = published_anchors(["# header", "sites/x/", "sites/x/#people", "sites/x/#shows", "sites/y/#methods"])
    assert published == {"sites/x/": {"people", "shows"}, "sites/y/": {"methods"}}
    page = '<h2 id="shows">可以看到什么</h2>'
    kept = keep_published_anchors(page, published["sites/x/"])
    assert kept == page + f'<span class="{ALIAS_CLASS}" id="people"></span>'
    assert keep_published_anchors(kept, published["sites/x/"]) == kept  # present anchors are left alone
