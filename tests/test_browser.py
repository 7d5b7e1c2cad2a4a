"""The built site in a real headless Chromium."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import open_quiet, open_settled, project_kb

pytestmark = pytest.mark.browser

KB = project_kb()


def test_pages_make_no_request_to_another_host(browser, site_url: str) -> None:
    page = browser.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    method_id = next(iter(KB.methods))
    studio_id = next(iter(KB.studios))
    for path in ("", f"methods/{method_id}/", f"studios/{studio_id}/", "mentors/"):
        open_quiet(page, site_url + path)
    page.close()
    assert hosts == {urlsplit(site_url).netloc}


def test_step_anchor_lands_on_the_step(browser, site_url: str) -> None:
    method = next(m for m in KB.methods.values() if len(m.steps) >= 2)
    page = browser.new_page()
    open_settled(page, f"{site_url}methods/{method.id}/#step-2")
    step = page.locator("#step-2")
    assert method.steps[1].name in step.inner_text()
    assert step.is_visible()
    box = step.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
    page.close()


def test_colour_scheme_toggle_switches_to_dark(browser, site_url: str) -> None:
    page = browser.new_page(color_scheme="light")
    open_settled(page, site_url)
    assert page.locator("body").get_attribute("data-md-color-scheme") == "default"
    page.locator("label[for='__palette_1']").click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    page.close()
