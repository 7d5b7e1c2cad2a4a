"""Browsing in Chromium: two facets combined, counted as the data count, shared by URL; no sideways
scrolling at 390 px and no serious axe-core finding on listing, region and explore pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from macros import facets, regions
from tests.conftest import open_settled, project_kb, serious_accessibility_problems

pytestmark = pytest.mark.browser

KB = project_kb()
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
        page.wait_for_function("() => document.querySelector('.kb-listing').dataset.ready === 'true'")


def test_two_facets_combine_count_and_share_by_url(browser, site_url: str) -> None:
    assert len(EXPECTED) > facets.PAGE_SIZE // 4  # enough records for the check to mean something
    page = browser.new_page()
    open_settled(page, site_url + "methods/")
    page.wait_for_function("() => document.querySelector('.kb-listing').dataset.ready === 'true'")
    page.locator('.kb-facet[data-facet=theme] summary').click()
    page.locator('.kb-facet[data-facet=theme] a', has_text=THEME).click()
    page.locator('.kb-facet[data-facet=province] summary').click()
    province = page.locator('.kb-facet[data-facet=province] a', has_text=PROVINCE)
    # The count beside the value is that of the records matching both facets.
    assert province.locator(".kb-count").inner_text() == str(len(EXPECTED))
    province.click()
    page.wait_for_url("**/#kb-results")
    page.wait_for_function("() => document.querySelector('.kb-listing').dataset.ready === 'true'")
    assert page.locator(".kb-listing-count strong").inner_text() == str(len(EXPECTED))
    # A theme and a province make a page of their own: the address reads without JavaScript too.
    assert urlsplit(page.url).path.endswith(f"/browse/methods/theme/{facets.slug(THEME)}/province/210000/")
    # The results are in view after the tap, not a screen below the facets.
    assert page.locator(".kb-listing-count").evaluate("e => e.getBoundingClientRect().top < innerHeight")
    names = page.locator(".kb-listing ol.kb-items a.kb-item-name").all_inner_texts()
    assert names == EXPECTED[: facets.PAGE_SIZE]
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        shared = context.new_page()
        shared.goto(page.url, wait_until="load")
        if javascript:
            shared.wait_for_function("() => document.querySelector('.kb-listing').dataset.ready === 'true'")
        assert shared.locator(".kb-listing-count strong").inner_text() == str(len(EXPECTED))
        assert listed(shared) == EXPECTED
        context.close()
    page.close()


def test_a_value_counts_what_a_tap_on_it_shows(browser, site_url: str) -> None:
    """With a theme chosen, another theme's number is that of the list a tap on it shows (it replaces the first)."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    open_settled(page, site_url + "methods/?city=210100")  # a selection that has no page: combined in place
    page.locator('.kb-facet[data-facet=theme] summary').click()
    links = page.locator('.kb-facet[data-facet=theme] a[data-kb-facet]')
    for number in range(min(3, links.count())):
        link = page.locator('.kb-facet[data-facet=theme] a[data-kb-facet]').nth(number)
        said = link.locator(".kb-count").inner_text() if link.locator(".kb-count").count() else None
        before = page.url
        link.click()
        page.wait_for_url(lambda address, before=before: address != before)
        if said is not None:  # (a chosen value says what dropping it shows in words instead)
            page.wait_for_function("said => document.querySelector('.kb-listing[data-ready=true] .kb-listing-count strong')"
                                   "?.textContent === said", arg=said, timeout=10_000)
        page.wait_for_function("() => document.querySelector('.kb-listing').dataset.ready === 'true'")
        assert "city=210100" in page.url  # the other facet's choice stays
        if not page.locator('.kb-facet[data-facet=theme] summary').evaluate("e => e.parentElement.open"):
            page.locator('.kb-facet[data-facet=theme] summary').click()
    height = page.locator(".kb-facets a").first.evaluate("e => e.getBoundingClientRect().height")
    assert height >= 44  # a finger's target
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.slow
def test_browsing_pages_fit_a_phone_and_pass_axe(browser, site_url: str, scheme: str) -> None:
    axe = Axe()
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    problems = []
    for path in PAGES:
        open_settled(page, site_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"/{path} scrolls {overflow}px sideways")
        problems += serious_accessibility_problems(axe, page, path, scheme)
    page.close()
    assert not problems, "\n".join(problems)
