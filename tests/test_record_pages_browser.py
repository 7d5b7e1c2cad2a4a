"""Record pages in headless Chromium at phone width: nothing scrolls sideways, axe-core finds no
serious or critical problem, and an old positional anchor still lands on its section."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import open_settled, project_kb, serious_accessibility_problems

pytestmark = pytest.mark.browser

KB = project_kb()
# One page of each kind, each the record with the most to show (longest lists, longest names).
RECORD_PAGES = [
    f"methods/{max(KB.methods.values(), key=lambda m: (len(m.steps) + len(m.results), m.id)).id}/",
    f"studios/{max(KB.studios.values(), key=lambda s: (len(KB.methods_of_studio.get(s.id, [])), s.id)).id}/",
    f"mentors/{max(KB.mentors.values(), key=lambda m: (len(m.role) + len(m.summary or ''), m.id)).id}/",
    f"sites/{max(KB.sites.values(), key=lambda s: (len(s.shows or '') + len(s.name), s.id)).id}/",
]

# Anything inside the article that reaches past the viewport's right edge, and the page's own scroll width.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("article *")]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !el.closest(".md-typeset__scrollwrap"))
    .map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""));
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_record_pages_do_not_scroll_sideways_at_390_px(browser, site_url: str, scheme: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    problems = []
    for path in RECORD_PAGES:
        open_settled(page, site_url + path)
        page.locator("details.kb-page-meta > summary").click()  # the editors' matter, opened, must fit too
        assert page.locator(".kb-qr .kb-short-link").is_visible()
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["width"] or found["wide"]:
            problems.append(f"/{path}: scrollWidth {found['scroll']} > {found['width']}, {found['wide']}")
    page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_problem_on_record_pages(browser, site_url: str, scheme: str) -> None:
    axe = Axe()
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    problems = []
    for path in RECORD_PAGES:
        open_settled(page, site_url + path)
        assert page.locator("body").get_attribute("data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
        problems += serious_accessibility_problems(axe, page, path, scheme)
    page.close()
    assert not problems, "\n".join(problems)


def test_an_old_positional_anchor_lands_on_its_named_section(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    open_settled(page, f"{site_url}methods/zoudongshi-gongzuofa/")
    alias = page.locator("#cases .kb-anchor-alias").get_attribute("id")
    open_settled(page, f"{site_url}methods/zoudongshi-gongzuofa/#{alias}")
    # Material's instant navigation scrolls to a same-page fragment itself: let the scroll settle.
    page.wait_for_function("document.getElementById('cases').getBoundingClientRect().top >= "
                           "document.querySelector('.md-header').getBoundingClientRect().bottom", timeout=5000)
    top = page.locator("#cases").evaluate("el => el.getBoundingClientRect().top")
    header = page.locator(".md-header").evaluate("el => el.getBoundingClientRect().bottom")
    assert header <= top < 844 / 2, (alias, top, header)  # in view, below the sticky header
    page.close()
