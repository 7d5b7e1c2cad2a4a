"""Readers' pages without a build: a page's description for link cards, and facet counts that say
what a tap shows (the number beside a value is the number of records on the page it leads to)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from macros import descriptions, facets, sitemap
from macros.knowledge_base import KnowledgeBase
from macros.models import Method, Site, Source, Studio

SOURCE = {"x": Source(id="x", topic="t", file="000_276c0d5b3e7a7cff.txt", script="简体")}


def method(mid: str, themes: list[str], studio: str | None = None, **region: str) -> Method:
    return Method(id=mid, name=f"工作法{mid}", summary=f"{mid}的一句话。", themes=themes, sources=["x"],
                  origin={"studio": studio, "region": region})


@pytest.fixture
def kb() -> KnowledgeBase:
    studios = {"s1": Studio(id="s1", name="一号工作室", summary="工作室的一句话。", type="社区书记工作室", sources=["x"],
                            region={"province": "辽宁省", "city": "沈阳市"})}
    methods = {
        "a": method("a", ["物业管理", "矛盾调解"], "s1", province="辽宁省", city="沈阳市"),
        "b": method("b", ["物业管理"], province="北京市"),
        "c": method("c", ["矛盾调解"], province="辽宁省", city="大连市"),
        "d": method("d", ["党建引领"], "s1", province="辽宁省", city="沈阳市"),
    }
    methods.update({f"m{n}": method(f"m{n}", ["党建引领", "物业管理"], province="辽宁省", city="大连市") for n in range(25)})
    sites = {"z": Site(id="z", name="驿站", summary="驿站的一句话。", type="驿站", studio="s1", sources=["x"])}
    return KnowledgeBase(methods=methods, studios=studios, sites=sites, sources=SOURCE)


# ---- descriptions ------------------------------------------------------------------------------


def test_a_record_and_the_trainers_pages_made_from_it_are_described_by_its_summary(kb: KnowledgeBase) -> None:
    page = "<h1>x</h1><p>别的文字。</p>"
    assert descriptions.describe(kb, "methods/a.md", page) == "工作法a：a的一句话。"
    assert descriptions.describe(kb, "training/a.md", page) == "工作法a：a的一句话。"
    assert descriptions.describe(kb, "training/cards/a.md", page) == "工作法a：a的一句话。"
    assert descriptions.describe(kb, "training/visits/z.md", page) == "驿站：驿站的一句话。"
    assert descriptions.describe(kb, "studios/s1.md", page) == "一号工作室：工作室的一句话。"
    # A listing is not a record: its own first paragraph.
    assert descriptions.describe(kb, "methods/index.md", page) == "别的文字。"


def test_other_pages_are_described_by_their_first_paragraph_of_prose(kb: KnowledgeBase) -> None:
    page = ('<nav class="kb-breadcrumb"><p>工作法</p></nav><div class="admonition"><p>注意</p></div>'
            '<p><a href="x/">全部工作法</a></p><p>按<a href="r/">地区</a>归位的\n   条目。</p><p>第二段。</p>')
    # Notes, breadcrumbs and a lone link (a way on, not words about the page) are passed over.
    assert descriptions.describe(kb, "regions.md", page) == "按地区归位的 条目。"
    long = "长" * 300
    described = descriptions.describe(kb, "about.md", f"<p>{long}</p>")
    assert described is not None and len(described) == descriptions.LENGTH and described.endswith("…")
    assert descriptions.describe(kb, "tags.md", "<h1>标签</h1><ul><li>x</li></ul>") == "标签"  # no prose: the title
    assert descriptions.describe(kb, "x.md", "<ul><li>x</li></ul>") is None  # nothing: the site's then


def test_a_listing_without_prose_is_described_by_its_title_and_count(kb: KnowledgeBase) -> None:
    index = facets.build_index(kb)
    path = sitemap.combined_path("methods", [("theme", "wuyeguanli"), ("province", "210000")])
    page = facets.listing(index, "methods", {"theme": "wuyeguanli", "province": "210000"}, 1, path)
    html = "<h1>" + page.splitlines()[0].removeprefix("# ") + "</h1>" + page.split("\n", 2)[2]
    assert descriptions.describe(kb, path, html) == "工作法：主题 物业管理、省级行政区 辽宁省，共 26 个。"


# ---- facet counts ------------------------------------------------------------------------------


def shown_count(index: facets.BrowseIndex, kind: str, path: str) -> int:
    """The number of records the listing page at docs ``path`` says it shows."""
    page = facets.listing_pages(index)[path]() if path != sitemap.index_path(kind) else facets.first_page(index.kb, kind, path)
    return int(BeautifulSoup(page, "lxml").select_one(".kb-listing-count strong").get_text())


def test_a_value_counts_what_a_tap_shows_replacing_the_chosen_one(kb: KnowledgeBase) -> None:
    index = facets.build_index(kb).kinds["methods"]
    chosen = {"theme": "wuyeguanli", "province": "210000"}  # 物业管理 in 辽宁: a and the 25 m
    # Another theme replaces 物业管理 and keeps 辽宁: 党建引领 in 辽宁 is d and the 25 m, not 党建引领 within 物业管理.
    assert facets.tap(index, chosen, "theme", "dangjianyinling") == ("browse/methods/theme/dangjianyinling/province/210000/index.md", 26)
    # The chosen value, tapped, is dropped: every method of 辽宁.
    assert facets.tap(index, chosen, "theme", "wuyeguanli") == ("browse/methods/province/210000/index.md", 28)
    # A city is not paired with a theme: no page shows both, so the city's own listing, counted as such.
    assert facets.tap(index, chosen, "city", "210200") == ("browse/methods/city/210200/index.md", 26)
    # A studio leads to its own page, which lists its methods.
    assert facets.tap(index, chosen, "studio", "s1") == ("studios/s1.md", 2)


def test_only_paired_facets_and_at_most_two_have_a_page() -> None:
    assert facets.selection_path("methods", {}) == "methods/index.md"
    assert facets.selection_path("methods", {"province": "210000", "theme": "x"}) == "browse/methods/theme/x/province/210000/index.md"
    assert facets.selection_path("methods", {"theme": "x", "province": "210000"}, 2) == "browse/methods/theme/x/province/210000/page-2.md"
    assert facets.selection_path("methods", {"theme": "x", "city": "210200"}) is None
    assert facets.selection_path("methods", {"theme": "x", "province": "210000", "year": "2020"}) is None
    assert facets.selection_path("methods", {"studio": "s1"}) is None


def test_every_number_in_a_panel_is_the_count_of_the_page_it_leads_to(kb: KnowledgeBase) -> None:
    index = facets.build_index(kb)
    pages = facets.listing_pages(index)
    for path in ("methods/index.md", "browse/methods/theme/wuyeguanli/index.md",
                 "browse/methods/theme/wuyeguanli/province/210000/index.md", "browse/methods/city/210100/index.md"):
        page = pages[path]() if path in pages else facets.first_page(kb, "methods", path)
        panel = BeautifulSoup(page, "lxml").select_one(".kb-facets")
        checked = 0
        for link in panel.select("a"):
            count = link.select_one(".kb-count")
            number = int(count.get_text()) if count else int(re.search(r"显示 (\d+) 个", link.get_text())[1])
            target = sitemap.served(path).rstrip("/") + "/" + link["href"].split("#")[0]
            served = _normalised(target)
            if served.startswith("studios/"):
                continue  # a studio's own page
            docs_path = "methods/index.md" if served == "methods/" else served + "index.md"
            assert shown_count(index, "methods", docs_path) == number, (path, link.get_text(), docs_path)
            checked += 1
        assert checked >= 4, path


def _normalised(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts) + "/"


def test_pair_pages_exist_only_for_combinations_some_record_has(kb: KnowledgeBase) -> None:
    index = facets.build_index(kb)
    pairs = facets.paired_selections(index.kinds["methods"])
    assert pairs[(("theme", "wuyeguanli"), ("province", "210000"))] == 26
    assert (("theme", "dangjianyinling"), ("province", "110000")) not in pairs  # nobody: no page
    pages = facets.listing_pages(index)
    assert "browse/methods/theme/wuyeguanli/province/210000/page-2.md" in pages
    assert not any(p.startswith("browse/methods/theme/dangjianyinling/province/110000/") for p in pages)


def test_the_listing_says_only_filters_it_has(kb: KnowledgeBase) -> None:
    index = facets.build_index(kb)
    note = str(facets.filter_note(index, "methods"))
    assert "主题" in note and "地区" in note and "年份" not in note  # no method has a year


def test_a_filter_page_lands_on_its_results() -> None:
    methods = {f"m{n}": method(f"m{n}", ["物业管理"], province="辽宁省") for n in range(45)}
    index = facets.build_index(KnowledgeBase(methods=methods, sources=SOURCE))
    page = BeautifulSoup(facets.listing_pages(index)["browse/methods/theme/wuyeguanli/page-2.md"](), "lxml")
    assert page.select_one(f"#{facets.RESULTS} .kb-listing-count")
    assert all(a["href"].endswith(f"#{facets.RESULTS}") for a in page.select(".kb-pager a, .kb-facet[data-facet=theme] a"))


def test_a_drawings_links_keep_their_address_in_the_traditional_edition() -> None:
    """Charts link with xlink:href (macros/figures.py); like href, its value is an address, not text."""
    from macros.editions import convert_html

    page = '<svg><a xlink:href="../tags/#tag:队伍培养" aria-label="队伍培养"><text>队伍培养</text></a></svg>'
    out = convert_html(page, lambda text: text.replace("队伍培养", "隊伍培養"))
    assert 'xlink:href="../tags/#tag:队伍培养"' in out and 'aria-label="隊伍培養"' in out
