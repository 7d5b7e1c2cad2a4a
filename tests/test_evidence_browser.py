"""Evidence in headless Chromium at phone width: a tap shows the quote beside its marker, inside the
screen; the keyboard opens it, moves into it and back out; hover shows it; instant navigation to a
page with markers runs the script there too; print shows the numbered notes and no box."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from macros import sitemap
from tests.conftest import open_settled, project_kb, serious_accessibility_problems

pytestmark = pytest.mark.browser

KB = project_kb()
# The record page with the most markers.
PAGE = "{}/{}/".format(*max(((kind, record.id) for kind in sitemap.PAGED_KINDS for record in KB.records(kind).values()),
                            key=lambda found: (len(KB.records(found[0])[found[1]].evidence), found)))

BOX = ".kb-ev-pop"


def note_quote(page, marker) -> str:
    # Material's instant navigation makes links absolute: the note is the fragment.
    return page.locator("#" + marker.get_attribute("href").rsplit("#", 1)[1] + " q.kb-ev-quote").inner_text()


def test_a_tap_shows_the_quote_beside_its_marker_within_the_screen(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    open_settled(page, site_url + PAGE)
    markers = page.locator("a.kb-ev-link")
    assert markers.count() >= 2
    for index in (0, markers.count() - 1):
        marker = markers.nth(index)
        marker.scroll_into_view_if_needed()
        marker.tap()
        box = page.locator(BOX)
        assert box.is_visible()
        assert box.locator("q").inner_text() == note_quote(page, marker)
        assert box.locator(".kb-ev-source").inner_text().startswith("出自")
        left, right = page.evaluate("s => { const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.right]; }", BOX)
        assert left >= 0 and right <= 390, (left, right)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert marker.get_attribute("aria-expanded") == "true"
        assert "#kb-ev-" not in page.url, "the tap stays on the statement, not jumping to the note"
        page.locator("h1").tap()  # elsewhere: the box closes
        assert page.locator(BOX).count() == 0 and marker.get_attribute("aria-expanded") == "false"
    page.close()


def test_the_keyboard_opens_enters_and_leaves_the_note(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    open_settled(page, site_url + PAGE)
    marker = page.locator("a.kb-ev-link").first
    marker.focus()
    page.keyboard.press("Enter")
    box = page.locator(BOX)
    assert box.is_visible() and box.get_attribute("role") == "dialog"
    assert page.evaluate("document.activeElement.classList.contains('kb-ev-pop')")
    page.keyboard.press("Tab")  # into the box: its first link
    assert page.evaluate(f"document.querySelector('{BOX}').contains(document.activeElement) && document.activeElement.tagName") == "A"
    page.keyboard.press("Escape")
    assert page.locator(BOX).count() == 0
    assert page.evaluate("document.activeElement.classList.contains('kb-ev-link')")
    page.close()


def test_hover_shows_the_note(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_settled(page, site_url + PAGE)
    marker = page.locator("a.kb-ev-link").first
    marker.hover()
    page.locator(BOX).wait_for(state="visible", timeout=2000)
    assert page.locator(BOX).locator("q").inner_text() == note_quote(page, marker)
    page.mouse.move(0, 0)
    page.locator(BOX).wait_for(state="detached", timeout=2000)
    page.close()


def test_instant_navigation_to_a_page_with_markers_runs_its_script(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    open_settled(page, site_url + "about/")
    assert page.evaluate("typeof window.kbEvidenceListening") == "undefined"
    page.evaluate("url => window.location$.next(new URL(url, location.href))", site_url + PAGE)
    page.wait_for_function("() => window.kbEvidenceListening === true && document.querySelector('a.kb-ev-link[aria-haspopup]')")
    page.locator("a.kb-ev-link").first.click()
    assert page.locator(BOX).is_visible()
    page.close()


def test_print_shows_the_numbered_notes_and_no_box(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    open_settled(page, site_url + PAGE)
    page.locator("a.kb-ev-link").first.click()
    page.emulate_media(media="print")
    assert page.locator("section#evidence").is_visible()
    assert page.locator("section#evidence li").first.is_visible()
    assert not page.locator(BOX).is_visible() and not page.locator(".kb-ev-back").first.is_visible()
    assert page.locator("sup.kb-ev").first.is_visible()
    page.close()


def test_axe_finds_no_serious_problem_with_the_note_open(browser, site_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    open_settled(page, site_url + PAGE)
    page.locator("a.kb-ev-link").first.click()
    problems = serious_accessibility_problems(Axe(), page, PAGE)
    page.close()
    assert not problems, "\n".join(problems)
