"""Browsing in Chromium: two facets combined, counted as the data count, shared by URL; no sideways
scrolling at 390 px and no serious axe-core finding on listing, region and explore pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from macros import facets, regions
from macros.knowledge_base import load_or_raise
from tests.conftest import ROOT, open_settled, serious_accessibility_problems

pytestmark = pytest.mark.browser

KB = load_or_raise(ROOT / "data")
THEME = "队伍培养"
PROVINCE = "辽宁省"
EXPECTED = [m.name for m in KB.methods.values()
            if THEME in m.themes and (regions.place(m.origin.region).province or regions.Division("", "")).name == PROVINCE]

PAGES = [
    "methods/", "studios/", "mentors/", "sites/", "themes/", "regions/", "regions/210000/", "regions/210100/",
    "browse/methods/theme/duiwupeiyang/", "browse/methods/page-2/", "browse/methods/studio/", "explore/lineage/",
    "explore/timeline/", f"methods/{next(iter(KB.methods))}/", f"studios/{next(iter(KB.studios))}/",
]


def listed(page) -> list[str]:
    names = []
    while True:
        names += page.locator(".kb-listing ol.kb-items a.kb-item-name").all_inner_texts()
        following = page.locator(".kb-pager a[rel=next]")
        if not following.count():
            return names
        following.click()
        page.wait_for_function("document.querySelector('.kb-listing').dataset.ready === 'true'")


def test_two_facets_combine_count_and_share_by_url(browser, site_url: str) -> None:
    assert len(EXPECTED) > facets.PAGE_SIZE // 4  # enough records for the check to mean something
    page = browser.new_page()
    open_settled(page, site_url + "methods/")
    page.wait_for_function("document.querySelector('.kb-listing').dataset.ready === 'true'")
    page.locator('.kb-facet[data-facet=theme] summary').click()
    page.locator('.kb-facet[data-facet=theme] a', has_text=THEME).click()
    page.locator('.kb-facet[data-facet=province] summary').click()
    province = page.locator('.kb-facet[data-facet=province] a', has_text=PROVINCE)
    # The count beside the value is that of the records matching both facets.
    assert province.locator(".kb-count").inner_text() == str(len(EXPECTED))
    province.click()
    assert page.locator(".kb-listing-count strong").inner_text() == str(len(EXPECTED))
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"theme": [facets.slug(THEME)], "province": ["210000"]}
    names = page.locator(".kb-listing ol.kb-items a.kb-item-name").all_inner_texts()
    assert names == EXPECTED[: facets.PAGE_SIZE]
    shared = browser.new_page()
    open_settled(shared, page.url)
    shared.wait_for_function("document.querySelector('.kb-listing').dataset.ready === 'true'")
    assert shared.locator(".kb-listing-count strong").inner_text() == str(len(EXPECTED))
    assert listed(shared) == EXPECTED
    page.close()
    shared.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_browsing_pages_fit_a_phone_and_pass_axe(browser, site_url: str, scheme: str) -> None:
    axe = Axe()
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    problems = []
    for path in PAGES:
        open_settled(page, site_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"/{path} scrolls {overflow}px sideways")
        problems += serious_accessibility_problems(axe, page, path)
    page.close()
    assert not problems, "\n".join(problems)
