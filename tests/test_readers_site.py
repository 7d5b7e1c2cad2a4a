"""Readers' pages in the built site: each page its own description for link cards, each script only
on the pages that use it, the home page promising only what the data hold, a Chinese 404 page."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mkdocs.config import load_config

from macros import facets, sitemap
from tests.conftest import ROOT, project_kb
from tests.pages import ParsedPages, edition_pages

pytestmark = pytest.mark.build

KB = project_kb()


def test_a_record_page_is_described_by_its_summary_and_few_pages_share_a_description(
        built_site: Path, site_pages: ParsedPages) -> None:
    for kind in sitemap.PAGED_KINDS:
        for record_id, record in KB.of_kind(kind).items():
            head = site_pages(built_site / f"{kind}/{record_id}/index.html").head
            described = head.find("meta", attrs={"name": "description"})["content"]
            assert described.startswith(record.name) and described[len(record.name) + 1:][:20] == record.summary[:20]
            assert head.find("meta", attrs={"property": "og:description"})["content"] == described
    said = Counter()
    for page in edition_pages(built_site, "index.html"):
        meta = site_pages(page).head.find("meta", attrs={"name": "description"}) if site_pages(page).head else None
        if meta is not None and not site_pages(page).find("meta", attrs={"http-equiv": "refresh"}):
            said[meta["content"]] += 1
    (most, times), = said.most_common(1)
    # The site's own description stands only where a page has no words of its own (facet value indexes).
    assert times <= len(facets.FACETS["methods"]) + sum(len(f) for f in facets.FACETS.values()), (most, times)


def test_each_script_only_on_the_pages_that_use_it(built_site: Path, site_pages: ParsedPages) -> None:
    loaded: dict[str, list[str]] = {"kb-facets.js": [], "kb-session.js": []}
    for page in edition_pages(built_site):
        tree = site_pages(page)
        sources = [script.get("src", "") for script in tree.select("script[src]")]
        for name, pages in loaded.items():
            if any(src.endswith(f"javascripts/{name}") for src in sources):
                pages.append(str(page.relative_to(built_site)))
                uses = tree.select_one(".kb-listing[data-kind]" if name == "kb-facets.js" else "#kb-session")
                assert uses is not None, f"{page}: loads {name} without using it"
    assert "training/session/index.html" in loaded["kb-session.js"] and len(loaded["kb-session.js"]) == 1
    assert {"methods/index.html", "studios/index.html", "browse/methods/theme/wuyeguanli/index.html"} <= set(loaded["kb-facets.js"])
    assert "methods/sanbu-tiaojie/index.html" not in loaded["kb-facets.js"]


def test_the_home_page_starts_from_the_problem_and_promises_only_what_there_is(
        built_site: Path, site_pages: ParsedPages) -> None:
    home = site_pages(built_site / "index.html")
    form = home.select_one("form.kb-ask")
    assert form["method"] == "get" and form["action"] == "./" and form.select_one("input[name=q][type=search]")
    said = form.select_one("label").get_text(strip=True) + form.select_one("input")["placeholder"]
    assert said == "遇到什么难题？例：物业矛盾、邻里纠纷、新书记上手"
    methods = facets.index_for(KB).kinds["methods"]
    shortcuts = {a.get_text(" ", strip=True).rsplit(" ", 1)[0] for a in home.select(".kb-theme-index a")}
    assert shortcuts == set(methods.labels["theme"].values())  # every theme, and only themes with methods
    text = home.select_one("article").get_text()
    themes = {theme for method in KB.methods.values() for theme in method.themes}
    named = {theme for theme in ("养老服务", *themes) if theme in text}
    assert named <= themes  # no theme named that has no method (the old page promised 养老服务)
    listing = site_pages(built_site / "methods/index.html").select_one("article").get_text()
    if not methods.order["year"]:
        assert "年份" not in listing  # no year filter promised where no method has a year


def test_the_404_page_is_in_chinese_with_a_search_box(built_site: Path, site_pages: ParsedPages) -> None:
    site_path = urlsplit(load_config(str(ROOT / "mkdocs.yml"))["site_url"]).path
    for page, root in (("404.html", site_path), ("zh-Hant/404.html", f"{site_path}zh-Hant/")):
        tree = site_pages(built_site / page)
        assert tree.h1.get_text(strip=True) in ("找不到这一页", "找不到這一頁")
        assert tree.select_one("form.kb-ask")["action"] == root
        assert "Not found" not in tree.get_text()
