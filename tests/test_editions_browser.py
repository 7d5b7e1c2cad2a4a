"""Both editions in headless Chromium: the edition switch and search in the Traditional edition."""

from __future__ import annotations

import pytest
from mkdocs.config import load_config
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from macros.editions import edition_converter
from tests.conftest import ROOT, open_settled, project_kb

pytestmark = pytest.mark.browser

KB = project_kb()
CONVERTER = edition_converter({**load_config(str(ROOT / "mkdocs.yml"))["extra"], "edition": "zh-Hant"}, ROOT)


def switch_to(page, lang: str) -> None:
    """Open the header's edition menu and pick an edition, as a reader does."""
    page.locator(".md-header__option.kb-editions button").hover()
    page.locator(f"a.md-select__link[hreflang={lang}]").click()


def test_switch_leads_to_the_same_page_in_the_other_edition_and_back(browser, editions_url: str) -> None:
    method = next(iter(KB.methods.values()))
    page = browser.new_page()
    open_settled(page, f"{editions_url}methods/{method.id}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    switch_to(page, "zh-Hant")
    page.wait_for_url(f"{editions_url}zh-Hant/methods/{method.id}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert page.locator("article h1").inner_text().startswith(CONVERTER.convert(method.name))
    assert CONVERTER.convert("社区工作法知识库") in page.title()
    switch_to(page, "zh-Hans")
    page.wait_for_url(f"{editions_url}methods/{method.id}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("article h1").inner_text().startswith(method.name)
    page.close()


@pytest.mark.parametrize("script", ["traditional", "simplified"])
def test_search_in_the_traditional_edition_finds_pages(browser, editions_url: str, script: str) -> None:
    method = next(m for m in KB.methods.values() if CONVERTER.convert(m.name) != m.name)
    query = CONVERTER.convert(method.name) if script == "traditional" else method.name
    page = browser.new_page()
    open_settled(page, f"{editions_url}zh-Hant/")
    box = page.locator("input.md-search__input")
    box.click()
    result = page.locator(f".md-search-result__item a[href*='methods/{method.id}/']").first
    # The engine may still be loading its index: type again until it answers (8 s at most).
    for _ in range(8):
        box.fill(query)
        try:
            result.wait_for(timeout=1000)
            break
        except PlaywrightTimeout:
            box.fill("")
    assert result.is_visible(), f"搜索“{query}”没有找到 methods/{method.id}/"
    shown = result.inner_text().replace("\u200b", "")  # an engine may mark word breaks
    assert CONVERTER.convert(method.name) in shown  # results show Traditional text
    page.close()
