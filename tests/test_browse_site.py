"""Browsing in the built site: every listing page exists, is paginated, counts what the data hold, and is link-checked."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros import facets, regions, sitemap
from scripts.check_links import LinkProblem, html_pages, report_internal
from tests.conftest import ROOT, project_kb
from tests.pages import ParsedPages

pytestmark = pytest.mark.build

KB = project_kb()


def page_of(site_pages: ParsedPages, site: Path, path: str) -> BeautifulSoup:
    return site_pages(site / path / "index.html")


def served(path: str) -> str:
    return sitemap.served(path)


def test_every_kind_is_listed_in_pages_of_twenty(built_site: Path, site_pages: ParsedPages) -> None:
    for kind in sitemap.PAGED_KINDS:
        records = list(KB.of_kind(kind))
        pages = math.ceil(len(records) / facets.PAGE_SIZE)
        shown = []
        for number in range(1, pages + 1):
            page = page_of(site_pages, built_site, served(sitemap.listing_path(kind, page=number)))
            items = page.select(".kb-listing ol.kb-items > li.kb-item")
            assert len(items) <= facets.PAGE_SIZE
            shown += [li.select_one("a.kb-item-name").get_text() for li in items]
        assert shown == [KB.records(kind)[r].name for r in records], kind
        assert not (built_site / served(sitemap.listing_path(kind, page=pages + 1))).exists()


def test_theme_pages_count_what_the_data_hold(built_site: Path, site_pages: ParsedPages) -> None:
    themes = Counter(t for m in KB.methods.values() for t in m.themes)
    index = page_of(site_pages, built_site, "themes")
    shown = {a.contents[0].strip(): int(a.select_one(".kb-count").get_text()) for a in index.select(".kb-theme-index a")}
    assert shown == dict(themes)
    for theme, count in themes.items():
        listed = []
        for number in range(1, math.ceil(count / facets.PAGE_SIZE) + 1):
            page = page_of(site_pages, built_site, served(sitemap.listing_path("methods", "theme", facets.slug(theme), number)))
            listed += [a.get_text() for a in page.select("ol.kb-items a.kb-item-name")]
        assert sorted(listed) == sorted(m.name for m in KB.methods.values() if theme in m.themes), theme


def test_province_facet_and_region_pages_agree_with_the_standard(built_site: Path, site_pages: ParsedPages) -> None:
    expected: Counter[str] = Counter()
    for method in KB.methods.values():
        where = regions.place(method.origin.region)
        expected[where.province.code if where.province else facets.UNKNOWN] += 1
    values = page_of(site_pages, built_site, served(sitemap.facet_index_path("methods", "province")))
    shown = {a["href"].strip("/").split("/")[-1]: int(a.select_one(".kb-count").get_text()) for a in values.select(".kb-facet-values a")}
    assert shown == dict(expected)
    beijing = page_of(site_pages, built_site, "regions/110000")
    assert beijing.find(id="cities") is None  # a municipality: districts straight under it
    assert (built_site / "regions/330500/index.html").is_file()  # 湖州市, whose province the source left out


def test_old_list_anchors_lead_on_to_the_record(built_site: Path, site_pages: ParsedPages) -> None:
    """Anchors published when mentors and sites were sections of one list still lead to their pages."""
    published = (ROOT / "data/published-paths.txt").read_text(encoding="utf-8").splitlines()
    for kind in ("mentors", "sites"):
        page = page_of(site_pages, built_site, kind)
        anchors = [entry.split("#", 1)[1] for entry in published if entry.startswith(f"{kind}/#")]
        assert anchors, kind
        for record_id in anchors:
            holder = page.find(id=record_id)
            assert holder is not None and holder.find("a")["href"].rstrip("/").endswith(record_id), record_id


@pytest.mark.slow
def test_link_check_covers_every_listing_and_region_page(editions_site: Path, link_problems: list[LinkProblem]) -> None:
    checked = {p.relative_to(editions_site).as_posix() for p in html_pages(editions_site)}
    generated = [p for p in checked if p.startswith(("browse/", "regions/", "explore/lineage/"))]
    assert "browse/methods/theme/index.html" in checked and "regions/210000/index.html" in checked
    problems = [p for p in link_problems if p.page in generated]
    assert not problems, report_internal(problems)


def test_tags_page_names_a_few_methods_per_theme_and_links_the_theme_listing(built_site: Path, site_pages: ParsedPages) -> None:
    page = page_of(site_pages, built_site, "tags")
    themes = Counter(t for m in KB.methods.values() for t in m.themes)
    for theme, count in themes.items():
        heading = page.find(id=f"tag:{theme}")  # the anchor method pages link to
        names = [a.get_text(strip=True) for a in heading.find_next("ul").select("a")]
        assert len(names) == min(count, 8) and set(names) <= {m.name for m in KB.methods.values() if theme in m.themes}
        more = heading.find_next("p", class_="kb-listing-count").a
        assert more["href"] == "../" + served(sitemap.listing_path("methods", "theme", facets.slug(theme)))
        listing = page_of(site_pages, built_site, served(sitemap.listing_path("methods", "theme", facets.slug(theme))))
        assert listing.select_one(".kb-listing-count strong").get_text() == str(count)


def test_each_article_has_a_listing_of_the_records_citing_it(built_site: Path, site_pages: ParsedPages) -> None:
    for source_id in KB.sources:
        for kind in sitemap.PAGED_KINDS:
            citing = [r.name for r in KB.records(kind).values() if source_id in r.sources]
            if not citing:
                continue
            page = page_of(site_pages, built_site, served(sitemap.listing_path(kind, "source", source_id)))
            names = [a.get_text() for a in page.select(".kb-listing a.kb-item-name")]
            assert names == citing[:facets.PAGE_SIZE], (source_id, kind)
