"""Readers on phones, in Chromium at 390 px: one page of every type, in both colour schemes and both
editions, does not scroll sideways, logs no console error and no page error, and axe-core (vendored
from npm: node_modules/axe-core, pinned in package-lock.json) finds nothing serious or critical.
The site is served under its published path with 404.html for a missing page, as GitHub Pages does."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mkdocs.config import load_config

from tests.conftest import ROOT, SETTLED, QuietServer, axe_violations, project_kb, with_axe

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
KB = project_kb()
METHOD, STUDIO = "sanbu-tiaojie", next(iter(KB.studios))
MENTOR, SITE = next(iter(KB.mentors)), next(iter(KB.sites))
SITE_PATH = urlsplit(load_config(str(ROOT / "mkdocs.yml"))["site_url"]).path  # /kb/
WIDTH = 390

# One page of every type; the Traditional edition's are the same under zh-Hant/.
PAGE_TYPES = [
    "",  # home
    "methods/", "studios/", "mentors/", "sites/",  # listings
    "browse/methods/theme/wuyeguanli/", "browse/methods/page-2/", "browse/methods/province/",  # generated listings
    f"methods/{METHOD}/", f"studios/{STUDIO}/",  # record pages written by hand
    f"mentors/{MENTOR}/", f"sites/{SITE}/",  # record pages generated from the data
    "themes/", "tags/", "regions/", "regions/210000/",
    "explore/", "explore/timeline/", "explore/charts/", "explore/lineage/",
    "training/", "training/session/", f"training/{METHOD}/", f"training/cards/{METHOD}/",
    "sources/", "editing/", "editing/completeness/", "about/", "about/performance/",
    "no-such-page/",  # the 404 page
]


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The built site under its published path; 404.html (with status 404) for anything missing."""

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        inside = path[len(SITE_PATH) - 1:] if path.startswith(SITE_PATH) else "/__outside__"
        return super().translate_path(inside)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def published_url(editions_site: Path) -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(editions_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SITE_PATH}"
    server.shutdown()


def axe_findings(page, path: str, scheme: str) -> list[str]:
    """axe-core's serious and critical violations on the loaded page in colour ``scheme``, one line each."""
    with_axe(page, AXE.read_text(encoding="utf-8"))
    return [f"/{path} axe {v['id']} ({v['impact']}) ×{len(v['nodes'])}: {v['nodes'][0]['target']}"
            for v in axe_violations(page, scheme) if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("edition", ["", "zh-Hant/"], ids=["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.slow
def test_every_page_type_reads_on_a_phone(browser, published_url: str, scheme: str, edition: str) -> None:
    assert AXE.is_file(), f"{AXE} 不存在：先运行 make（npm ci 装入 package.json 的 axe-core）"
    context = browser.new_context(viewport={"width": WIDTH, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    here = {"path": ""}

    def on_console(message) -> None:
        # The missing page's own request is the one 404 the console may report.
        if message.type == "error" and not (here["path"].endswith("no-such-page/") and message.location["url"] == page.url):
            errors.append(f"/{here['path']} console: {message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"/{here['path']} page error: {error}"))
    problems: list[str] = []
    for path in PAGE_TYPES:
        here["path"] = edition + path
        page.goto(published_url + edition + path, wait_until="load")
        page.wait_for_function(SETTLED)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"/{edition}{path} is {width}px wide")
        # A table inside Material's scrolling wrapper does not widen the page, but still hides columns.
        tables = page.evaluate("[...document.querySelectorAll('.md-content table')].map(t => Math.ceil(t.getBoundingClientRect().width))")
        if any(table > WIDTH for table in tables):
            problems.append(f"/{edition}{path} has tables {tables}px wide")
        problems += axe_findings(page, edition + path, scheme)
    context.close()
    assert not problems + errors, "\n".join(problems + errors)


def test_the_home_page_asks_first_and_its_box_works_without_javascript(browser, published_url: str) -> None:
    for javascript in (True, False):
        context = browser.new_context(viewport={"width": WIDTH, "height": 844}, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(published_url, wait_until="load")
        box = page.locator("form.kb-ask input[name=q]")
        first_theme = page.locator(".kb-theme-index a").first
        # On the first screen of a phone: the box and the themes as shortcuts.
        assert box.evaluate("e => e.getBoundingClientRect().bottom") < 844
        assert first_theme.evaluate("e => e.getBoundingClientRect().bottom") < 844
        box.fill("物业矛盾")
        box.press("Enter")
        if javascript:  # the form is a data-kb-search entry: the site's search opens with the question, in place
            page.wait_for_function("() => document.querySelector('.md-search__input').value === '物业矛盾'")
            assert page.url == published_url
        else:  # a plain GET to the home page, whose ?q= the search reads once scripts run
            page.wait_for_url("**/?q=*")
            assert page.url.split("?")[0] == published_url and "q=%E7%89%A9%E4%B8%9A" in page.url
        context.close()


def test_the_edition_switch_keeps_the_page_and_section_after_instant_navigation(browser, published_url: str) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": 844})
    page.goto(published_url + "methods/", wait_until="load")
    page.wait_for_function(SETTLED)
    page.locator(f'.kb-items a.kb-item-name[href*="{METHOD}"]').first.click()  # Material's instant navigation
    page.wait_for_url(f"**/methods/{METHOD}/")
    page.evaluate("location.hash = '#sources'")
    page.locator(".kb-editions button").click()
    page.locator('.kb-editions a[hreflang="zh-Hant"]').click()
    page.wait_for_url(f"**/zh-Hant/methods/{METHOD}/#sources")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    page.close()
