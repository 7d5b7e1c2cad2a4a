"""The shared build: every record has a page, pages link both ways, anchors are named, sources are files that exist."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from mkdocs.config import load_config

from macros import handout, lineage, pages, sitemap
from macros.anchors import ALIAS_CLASS, SECTION_IDS
from tests.conftest import ROOT, project_kb
from tests.pages import ParsedPages

pytestmark = pytest.mark.build

KB = project_kb()
CONFIG = load_config(str(ROOT / "mkdocs.yml"))


def linked_records(section: BeautifulSoup | None, page: str, kind: str) -> set[str]:
    """Ids of the records of ``kind`` that links in ``section`` lead to (from the page at ``page``)."""
    if section is None:
        return set()
    found = set()
    for a in section.select("a[href]"):
        path = urlsplit(urljoin(f"http://x/{page}", a["href"])).path.strip("/").split("/")
        if len(path) == 2 and path[0] == kind:
            found.add(unquote(path[1]))
    return found


def section(page: BeautifulSoup, anchor: str) -> BeautifulSoup | None:
    """The elements from the heading ``#anchor`` to the next heading, wrapped in one soup."""
    heading = page.find(id=anchor)
    if heading is None:
        return None
    if heading.name not in ("h2", "h3"):
        heading = heading.find_parent(["h2", "h3"])
        if heading is None:  # a published anchor kept as an empty alias: the section has nothing
            return None
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name in ("h1", "h2"):
            break
        parts.append(str(sibling))
    return BeautifulSoup("".join(parts), "lxml")


def test_every_record_has_a_page_with_its_name_handout_and_short_link(built_site: Path, site_pages: ParsedPages) -> None:
    site_url = CONFIG["site_url"]
    for kind in sitemap.PAGED_KINDS:
        for record_id, record in KB.of_kind(kind).items():
            page = site_pages(built_site / f"{kind}/{record_id}/index.html")
            assert page.h1.get_text(strip=True).startswith(record.name), (kind, record_id)
            short = f"{site_url}{handout.short_path(kind, record_id)}"
            assert page.select_one(".kb-qr a.kb-short-link")["href"] == short
            assert handout.short_path(kind, record_id) in page.select_one(".kb-print-footer").get_text()
            redirect = site_pages(built_site / f"{handout.short_path(kind, record_id)}index.html").find("meta", attrs={"http-equiv": "refresh"})
            assert redirect["content"].endswith(f"url=../../{kind}/{record_id}/")
            assert page.find(id="sources") is not None


def test_generated_pages_cite_their_data_file_only(built_site: Path, site_pages: ParsedPages) -> None:
    for kind in ("mentors", "sites"):
        for record_id in KB.of_kind(kind):
            if (ROOT / "docs" / kind / f"{record_id}.md").is_file():
                continue
            versions = [a.get_text() for a in site_pages(built_site / f"{kind}/{record_id}/index.html").select(".kb-version a")]
            assert versions in ([], [f"{record_id}.yml"]), (kind, record_id, versions)


def test_methods_and_the_mentors_and_sites_around_them_link_both_ways(built_site: Path, site_pages: ParsedPages) -> None:
    checked = 0
    for method in KB.methods.values():
        path = f"methods/{method.id}/"
        learn = section(site_pages(built_site / (path + "index.html")), "learn")
        mentors, sites = linked_records(learn, path, "mentors"), linked_records(learn, path, "sites")
        assert mentors == set(lineage.teachers_of_method(KB, method)) and sites == set(lineage.sites_of_method(KB, method)), method.id
        for kind, ids in (("mentors", mentors), ("sites", sites)):
            for other in ids:
                back = f"{kind}/{other}/"
                assert method.id in linked_records(section(site_pages(built_site / (back + "index.html")), "methods"), back, "methods"), (back, method.id)
                checked += 1
    assert checked > len(KB.sites)  # every site belongs to a studio with methods
    for site in KB.sites.values():
        path = f"sites/{site.id}/"
        listed = linked_records(section(site_pages(built_site / (path + "index.html")), "methods"), path, "methods")
        assert listed == set(pages.methods_of_site(KB, site)), site.id


def test_fixed_sections_have_meaningful_anchors_and_keep_the_positional_ones(built_site: Path, site_pages: ParsedPages) -> None:
    found = {anchor: 0 for anchor in SECTION_IDS.values()}
    for kind in ("methods", "studios"):
        for record_id in KB.of_kind(kind):
            page = site_pages(built_site / f"{kind}/{record_id}/index.html")
            for heading in page.select("article h2"):
                text = heading.get_text(strip=True).rstrip("¶")
                if text in SECTION_IDS:
                    assert heading["id"] == SECTION_IDS[text], (record_id, text)
                    alias = heading.select_one(f"span.{ALIAS_CLASS}")
                    assert alias is not None and re.fullmatch(r"_\d+", alias["id"]), (record_id, text)
                    found[heading["id"]] += 1
    assert found["cases"] >= 20 and found["training"] >= 30 and found["overview"] >= 20 and found["when"] >= 30


def test_view_source_and_edit_links_lead_to_files_that_exist(built_site: Path, site_pages: ParsedPages) -> None:
    repo = CONFIG["repo_url"].rstrip("/") + "/"
    missing, pages_checked = [], 0
    for html in built_site.rglob("index.html"):
        page = site_pages(html)
        links = [a["href"] for a in page.select("a.md-content__button, .kb-page-meta__links a[href^='http']")]
        if not links:
            continue
        pages_checked += 1
        for href in links:
            match = re.fullmatch(re.escape(repo) + r"(?:edit|raw|tree|blob)/main/(.+)", href)
            assert match, (html, href)
            if not (ROOT / match.group(1)).exists():
                missing.append(f"{html.relative_to(built_site)}: {href}")
    assert pages_checked > sum(len(KB.of_kind(kind)) for kind in sitemap.PAGED_KINDS)
    assert not missing, "\n".join(missing[:20])


def test_record_pages_are_quiet_about_what_the_sources_do_not_say(built_site: Path, site_pages: ParsedPages) -> None:
    for kind in sitemap.PAGED_KINDS:
        for record_id in KB.of_kind(kind):
            text = site_pages(built_site / f"{kind}/{record_id}/index.html").select_one("article").get_text()
            assert text.count("来源未载明") <= 1, (kind, record_id)
    nanshatan = site_pages(built_site / "studios/nanshatan-gongzuoshi/index.html").select_one(".kb-card")
    assert "负责人" in nanshatan.get_text() and "来源未载明" in nanshatan.get_text()


def test_sources_page_names_articles_never_files(built_site: Path, site_pages: ParsedPages) -> None:
    text = site_pages(built_site / "sources/index.html").select_one("article").get_text()
    for source in KB.sources.values():
        assert source.heading in text and source.file not in text
        if source.publication:
            assert source.publication in text
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", text)


def test_a_record_page_shows_where_it_sits(built_site: Path, site_pages: ParsedPages) -> None:
    nav_titles = {"methods": "工作法", "studios": "工作室与项目", "mentors": "书记与导师", "sites": "示范点与阵地"}
    for kind, title in nav_titles.items():
        for record_id, record in KB.of_kind(kind).items():
            page = site_pages(built_site / f"{kind}/{record_id}/index.html")
            crumb = page.select_one("nav.kb-breadcrumb")
            assert crumb.a.get_text(strip=True) == title and crumb.a["href"] == "../"
            assert crumb.select_one("[aria-current=page]").get_text(strip=True) == record.name
            assert [tab.get_text(strip=True) for tab in page.select(".md-tabs__item--active")] == [title]
    # The highlight is cleared after each page: a page outside the sections highlights only its own tab.
    assert [tab.get_text(strip=True) for tab in site_pages(built_site / "about/index.html").select(".md-tabs__item--active")] == ["关于"]


def test_a_site_page_offers_its_visit_sheet(built_site: Path, site_pages: ParsedPages) -> None:
    for site_id in KB.sites:
        links = [a["href"] for a in site_pages(built_site / f"sites/{site_id}/index.html").select("#shows ~ p a[href]")]
        assert f"../../training/visits/{site_id}/" in links, site_id
        assert (built_site / f"training/visits/{site_id}/index.html").is_file()
