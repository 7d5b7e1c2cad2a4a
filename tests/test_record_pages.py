"""Record pages and generated pages, tested as pure functions (no build)."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from macros import (
    anchors,
    facets,
    forked,
    generated,
    lineage,
    page_meta,
    pages,
    render,
    training,
)
from macros.knowledge_base import KnowledgeBase, load_or_raise
from macros.models import Method, Origin, Region
from tests.records import write_records


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    write_records(tmp_path)
    return load_or_raise(tmp_path / "data")


# ---- the generated-pages mechanism ------------------------------------------------


def test_a_hand_written_page_replaces_the_generated_one_and_is_not_rendered(kb: KnowledgeBase) -> None:
    rendered: list[str] = []

    def producer(kb: KnowledgeBase, read: generated.Reader):
        for path in ("a/one.md", "a/two.md"):
            yield generated.GeneratedPage(path, lambda p=path: rendered.append(p) or f"# {p}\n", "data/x.yml")

    pages, counts = generated.collect({"测试": producer}, kb, lambda path: None, lambda path: path == "a/one.md")
    assert [(page.path, page.render()) for page in pages] == [("a/two.md", "# a/two.md\n")]
    assert rendered == ["a/two.md"] and counts == {"测试": 1}


def test_pages_rendered_beside_the_build_arrive_whole_and_a_failure_names_its_page() -> None:
    def page(path: str) -> generated.GeneratedPage:
        def render() -> str:
            if path == "b/broken.md":
                raise KeyError("demo")
            return f"# {path}\n" + "社区" * 50_000  # larger than a pipe holds at once
        return generated.GeneratedPage(path, render, "data/x.yml")

    aside = generated.rendered_aside([page("a/one.md"), page("a/two.md"), page("b/broken.md"), page("c/after.md")])
    try:
        assert aside.text(1).startswith("# a/two.md\n社区") and len(aside.text(0)) == len("# a/one.md\n") + 100_000
        with pytest.raises(forked.AsideError, match=r"生成页面 b/broken.md 出错：KeyError: 'demo'"):
            aside.text(2)
        with pytest.raises(forked.AsideError, match="b/broken.md"):  # nothing after it was rendered
            aside.text(3)
    finally:
        aside.close()


def test_two_producers_claiming_one_path_name_both(kb: KnowledgeBase) -> None:
    def producer(kb: KnowledgeBase, read: generated.Reader):
        yield generated.GeneratedPage("same.md", lambda: "", "data/x.yml")

    with pytest.raises(generated.GeneratedPageConflict, match="same.md.*“甲”.*“乙”"):
        generated.collect({"甲": producer, "乙": producer}, kb, lambda path: None, lambda path: False)


def test_training_pages_read_the_method_page_prose(kb: KnowledgeBase) -> None:
    page_text = "# x\n\n## 案例\n\n某社区用它调解了一起纠纷。\n"
    reads: list[str] = []

    def read(path: str) -> str | None:
        reads.append(path)
        return page_text if path == "methods/demo-method.md" else None

    pages, counts = generated.collect({"培训": training.training_pages}, kb, read, lambda path: False)
    by_path = {page.path: (page.source, page.render()) for page in pages}
    assert set(by_path) == {"training/demo-method.md", "training/cards/demo-method.md", "training/visits/demo-site.md"}
    assert by_path["training/demo-method.md"][0] == "data/methods/demo-method.yml"
    assert "某社区用它调解了一起纠纷。" in by_path["training/demo-method.md"][1]
    assert reads == ["methods/demo-method.md"] and counts == {"培训": 3}


# ---- record pages -------------------------------------------------------------------


def html_of(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "def_list", "md_in_html", "tables", "toc"])


def test_every_record_gets_a_page_from_its_data(kb: KnowledgeBase) -> None:
    made = {page.path: page for page in pages.record_pages(kb, lambda path: None)}
    assert set(made) == {"methods/demo-method.md", "studios/demo-studio.md", "mentors/demo-mentor.md", "sites/demo-site.md"}
    assert made["mentors/demo-mentor.md"].source == "data/mentors/demo-mentor.yml"
    site_page = made["sites/demo-site.md"].render()
    assert site_page.startswith("# {{ title() }}\n") and "{{ site_overview() }}" in site_page
    calls = {kind: re.findall(r"\{\{ (\w+)\(\) \}\}", made[f"{kind}/{i}.md"].render())
             for kind, i in (("methods", "demo-method"), ("studios", "demo-studio"), ("mentors", "demo-mentor"), ("sites", "demo-site"))}
    assert all(calls[kind] == list(pages.PAGE_TEMPLATES[kind]) for kind in calls)


def test_mentor_page_shows_only_what_is_known(kb: KnowledgeBase) -> None:
    mentor = kb.mentors["demo-mentor"]
    card = html_of(pages.mentor_overview(kb, mentor, "mentors/demo-mentor.md"))
    assert "<dt>职务</dt>\n<dd>社区党委书记</dd>" in card
    assert "<dt>地区</dt>" not in card and "<dt>带教人数</dt>" not in card and "未载明" not in card
    placed = mentor.model_copy(update={"region": Region(province="北京市", district="朝阳区"), "mentees": 12})
    card = html_of(pages.mentor_overview(kb, placed, "mentors/demo-mentor.md"))
    assert '<dd><a href="../regions/110000.md">北京市</a> 朝阳区</dd>' in card and "<dd>12人</dd>" in card
    studios = html_of(pages.mentor_studios(kb, mentor, "mentors/demo-mentor.md"))
    assert 'id="studios"' in studios and '<a href="../studios/demo-studio.md">示例工作室</a>（社区书记工作室，负责人）：北京市 朝阳区' in studios
    methods = html_of(pages.mentor_methods(kb, mentor, "mentors/demo-mentor.md"))
    assert 'id="methods"' in methods and '<a href="../methods/demo-method.md">示例工作法</a>' in methods


def test_site_page_shows_what_can_be_seen_its_studio_methods_and_people(kb: KnowledgeBase) -> None:
    site = kb.sites["demo-site"]
    card = html_of(pages.site_overview(kb, site, "sites/demo-site.md"))
    assert "<dt>类型</dt>\n<dd>驿站</dd>" in card and '<a href="../studios/demo-studio.md">示例工作室</a>' in card
    assert "<dt>启用</dt>" not in card and "未载明" not in card
    # Without a description from the source, the section holds only the visit sheet.
    assert pages.site_shows(site) == ("## 可以看到什么 {#shows}\n\n"
                                      "带队观摩前，可以打印这里的[观摩单](../training/visits/demo-site.md)：看什么、问什么。\n")
    shows = html_of(pages.site_shows(site.model_copy(update={"shows": "<script>alert(1)</script> 淋浴间"})))
    assert 'id="shows"' in shows and "&lt;script&gt;" in shows and "<script>" not in shows
    studio = html_of(pages.site_studio(kb, site, "sites/demo-site.md"))
    assert 'id="methods"' in studio and '<a href="../methods/demo-method.md">示例工作法</a>' in studio
    assert 'id="people"' in studio and '<a href="../mentors/demo-mentor.md">王示例</a>，社区党委书记' in studio


def test_method_page_names_who_teaches_it_and_where_to_see_it(kb: KnowledgeBase) -> None:
    out = html_of(pages.method_learning(kb, kb.methods["demo-method"], "methods/demo-method.md"))
    assert 'id="learn"' in out and 'id="lineage"' in out  # one section; the neighbourhood's anchor leads to it
    assert '<dt>出自</dt>\n<dd><a href="../studios/demo-studio.md">示例工作室</a></dd>' in out
    assert '<dt>书记与导师</dt>\n<dd><a href="../mentors/demo-mentor.md">王示例</a></dd>' in out
    assert '<dt>示范点与阵地</dt>\n<dd><a href="../sites/demo-site.md">示例驿站</a></dd>' in out
    lonely = Method(id="lonely", name="孤立工作法", summary="一句话。", sources=["article"])
    kb = KnowledgeBase(methods={**kb.methods, "lonely": lonely}, studios=kb.studios, mentors=kb.mentors, sites=kb.sites, sources=kb.sources)
    assert pages.method_learning(kb, lonely, "methods/lonely.md") == ""


def test_cross_links_are_the_same_relation_read_from_both_ends(kb: KnowledgeBase) -> None:
    founder = kb.methods["demo-method"].model_copy(update={"id": "founded", "origin": Origin(founder="demo-mentor")})
    kb = KnowledgeBase(methods={**kb.methods, "founded": founder}, studios=kb.studios, mentors=kb.mentors, sites=kb.sites, sources=kb.sources)
    for method in kb.methods.values():
        for mentor in kb.mentors.values():
            assert (mentor.id in lineage.teachers_of_method(kb, method)) == (method.id in pages.methods_of_mentor(kb, mentor))
        for site in kb.sites.values():
            assert (site.id in lineage.sites_of_method(kb, method)) == (method.id in pages.methods_of_site(kb, site))
    assert "（提出者）" in pages.mentor_methods(kb, kb.mentors["demo-mentor"], "mentors/demo-mentor.md")


def test_a_record_page_lists_a_bounded_number_of_neighbours(kb: KnowledgeBase) -> None:
    many = {f"m{n}": Method(id=f"m{n}", name=f"工作法{n}", summary="一句话。", sources=["article"]) for n in range(pages.LIST_LIMIT + 5)}
    studio = kb.studios["demo-studio"].model_copy(update={"methods": list(many)})
    kb = KnowledgeBase(methods=many, studios={"demo-studio": studio}, mentors=kb.mentors, sites=kb.sites, sources=kb.sources)
    out = pages.mentor_methods(kb, kb.mentors["demo-mentor"], "mentors/demo-mentor.md")
    assert out.count("](../methods/") == pages.LIST_LIMIT and "另有 5 个，见所在工作室的页面" in out


def test_sources_are_named_by_publication_title_and_date_never_by_file(kb: KnowledgeBase) -> None:
    source = kb.sources["article"]
    assert render.source_line(source) == "测试报，2021年7月22日"
    silent = source.model_copy(update={"publication": None, "date": None, "author": "某记者"})
    assert render.source_line(silent) == "作者 某记者，刊载媒体、日期未载明"
    listing = facets.source_directory(kb, "sources.md")
    assert "## 测试来源（编者说明） {#article}" in listing and ".txt" not in listing and source.file not in listing


# ---- anchors, links, view source ---------------------------------------------------------


def test_fixed_sections_get_meaningful_ids_and_keep_their_positional_ones() -> None:
    text = "# 某工作法\n\n## 适用场景\n\n## 怎么做 {#how}\n\n## 案例\n\n## 培训使用\n\n## 补充说明\n\n## 来源\n"
    plain = markdown.markdown(text, extensions=["attr_list", "toc"])
    named = markdown.markdown(text, extensions=[anchors.SectionAnchorsExtension(), "attr_list", "toc"])
    before = dict(zip(re.findall(r"<h\d[^>]*>([^<]*)<", plain), re.findall(r'<h\d id="([^"]+)"', plain), strict=True))
    assert before == {"某工作法": "_1", "适用场景": "_2", "怎么做": "how", "案例": "_3", "培训使用": "_4", "补充说明": "_5", "来源": "_6"}
    for heading, semantic in (("适用场景", "when"), ("案例", "cases"), ("培训使用", "training")):
        assert f'<h2 id="{semantic}"><span class="kb-anchor-alias" id="{before[heading]}"></span>{heading}</h2>' in named
    assert '<h2 id="_5">补充说明</h2>' in named and '<h1 id="_1">某工作法</h1>' in named  # the others do not move
    # Without 案例, 培训使用 was #_3: that id stays with it.
    assert '<h2 id="training"><span class="kb-anchor-alias" id="_3"></span>' in markdown.markdown(
        "# 某\n\n## 适用场景\n\n## 培训使用\n", extensions=[anchors.SectionAnchorsExtension(), "toc"])


def test_theme_and_region_values_link_to_their_listings() -> None:
    assert render.theme_links(["物业管理", "养老服务"], "methods/x.md") == (
        '<a href="../../tags/#tag:物业管理">物业管理</a>、<a href="../../tags/#tag:养老服务">养老服务</a>')
    assert render.region_link(Region(province="辽宁省", city="沈阳市"), "sites/x.md") == "[辽宁省](../regions/210000.md) 沈阳市"
    assert render.region_link(Region(city="湖州市"), "sites/x.md") == "湖州市"
    assert render.region_link(Region(), "sites/x.md") == ""


def test_view_source_leads_to_the_file_the_page_is_built_from() -> None:
    repo, edit = "https://github.com/o/r", "edit/main/docs/"
    assert page_meta.view_url(repo, edit, "docs/editing/index.md") == "https://github.com/o/r/raw/main/docs/editing/index.md"
    assert page_meta.source_file("editing/index.md") == "docs/editing/index.md"
    assert page_meta.source_file("../data/mentors/fu-zhuo.yml") == "data/mentors/fu-zhuo.yml"
    assert page_meta.source_file(None) is None


def test_a_record_page_sits_under_its_listing() -> None:
    assert pages.section_index("methods/sanbu-tiaojie.md") == "methods/index.md"
    assert pages.section_index("sites/haizhiqi-yizhan.md") == "sites/index.md"
    assert pages.section_index("training/cards/sanbu-tiaojie.md") == "training/index.md"
    assert pages.section_index("methods/index.md") is None
    assert pages.section_index("about.md") is None and pages.section_index("explore/lineage.md") is None
