"""Pages that cannot be framed or re-based: every page's policy, the published editor's policy, and
in Chromium, a page of the site and the editor inside another site's frame."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from mkdocs.config import load_config

from kb_build.stage import Build
from kb_build.web_editor import WebEditor
from macros.cms import LOCAL_BACKEND
from macros.figures import tile_map
from macros.knowledge_base import KnowledgeBase
from tests.conftest import ROOT, _serve, project_kb

KB = project_kb()
METHOD = next(iter(KB.methods))
_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')
LOCAL_ADDRESSES = re.compile(r"localhost|127\.0\.0\.1|\[::1\]")


def _policy(html: str) -> str:
    found = _POLICY.search(html)
    assert found, "no Content-Security-Policy"
    return found.group(1).replace("&#39;", "'")


@pytest.mark.build
def test_every_built_page_refuses_a_base_plugins_and_forms_to_other_sites(built_site: Path) -> None:
    pages = [page for page in built_site.rglob("*.html") if "Content-Security-Policy" in page.read_text(encoding="utf-8")]
    assert len(pages) > 100
    for page in pages:
        policy = _policy(page.read_text(encoding="utf-8"))
        directives = dict((part.split() + [""])[:2] for part in policy.split("; "))
        where = page.relative_to(built_site).as_posix()
        assert directives.get("base-uri") == "'none'", where
        assert directives.get("form-action") in ("'self'", "'none'"), where
        assert directives.get("object-src", directives.get("default-src")) == "'none'", where


@pytest.mark.build
def test_every_page_loads_the_frame_guard_in_its_head(built_site: Path) -> None:
    for path in ("index.html", f"methods/{METHOD}/index.html", "404.html", "admin/index.html"):
        head = BeautifulSoup((built_site / path).read_text(encoding="utf-8"), "lxml").head
        scripts = [s["src"] for s in head.find_all("script", src=True)]
        assert any(src.endswith("kb-frame-guard.js") for src in scripts), path
        assert any(link["href"].endswith("kb-frame-guard.css") for link in head.find_all("link", rel="stylesheet")), path


@pytest.mark.build
def test_the_published_editor_names_no_local_address(built_site: Path) -> None:
    admin = built_site / "admin"
    policy = _policy((admin / "index.html").read_text(encoding="utf-8"))
    assert not LOCAL_ADDRESSES.search(policy), policy
    assert "base-uri 'none'" in policy and "object-src 'none'" in policy and "form-action 'none'" in policy
    config = (admin / "config.yml").read_text(encoding="utf-8")
    assert not LOCAL_ADDRESSES.search(config) and "local_backend" not in yaml.safe_load(config)


@pytest.mark.parametrize("command", ["serve", "build"])
def test_only_mkdocs_serve_lets_the_editor_reach_decap_server(command: str, tmp_path: Path) -> None:
    """`make editor` runs `mkdocs serve`, which serves at its own loopback address: the editor
    there talks to decap-server; a build for site_url never does."""
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path))
    if command == "serve":
        config.site_url = "http://127.0.0.1:8000/kb/"  # what `mkdocs serve` sets before every build
    WebEditor(Build(ROOT, KnowledgeBase(), live_edit=False)).on_post_build(config=config)
    policy = _policy((tmp_path / "admin" / "index.html").read_text(encoding="utf-8"))
    settings = yaml.safe_load((tmp_path / "admin" / "config.yml").read_text(encoding="utf-8"))
    if command == "serve":
        assert f"connect-src 'self' https://api.github.com {LOCAL_BACKEND}" in policy
        assert settings["local_backend"] == {"url": f"{LOCAL_BACKEND}/api/v1"}
    else:
        assert not LOCAL_ADDRESSES.search(policy) and "local_backend" not in settings


def test_the_tile_map_places_its_squares_by_class_not_style_attribute() -> None:
    squares = BeautifulSoup(tile_map(KB, "regions.md"), "lxml").select("ul.kb-tilemap > li")
    stylesheet = (ROOT / "docs" / "stylesheets" / "kb.css").read_text(encoding="utf-8")
    assert len(squares) == 34 and not any(square.has_attr("style") for square in squares)
    for square in squares:
        for name in square["class"]:
            assert re.search(rf"\.{name} {{ grid-(column|row): \d+; }}", stylesheet), name


# ---- in Chromium: framed by another site ---------------------------------------------------

@pytest.fixture(scope="module")
def framer(tmp_path_factory: pytest.TempPathFactory, site_url: str) -> Iterator[tuple[str, Path]]:
    """Another site (a second loopback port, so another origin) whose pages frame ours."""
    folder = tmp_path_factory.mktemp("framer")
    for address in _serve(folder):
        assert address != site_url
        yield address, folder


def _framed(browser, framer: tuple[str, Path], target: str, sandbox: str | None = None):
    """Open a page of the other site that frames ``target``; the Playwright page and the frame."""
    address, folder = framer
    name = f"frame-{abs(hash((target, sandbox)))}.html"
    attributes = "" if sandbox is None else f' sandbox="{sandbox}"'
    (folder / name).write_text(f'<!doctype html><title>另一个网站</title><p>点这里领奖品</p>'
                               f'<iframe id="victim" src="{target}" width="1000" height="700"{attributes}></iframe>',
                               encoding="utf-8")
    page = browser.new_page()
    page.goto(address + name, wait_until="load")
    frame = next((f for f in page.frames if f.url.startswith(target)), None)
    return page, frame


def _hidden_or_broke_out(page, frame, framer_address: str) -> bool:
    if not page.url.startswith(framer_address):
        return True  # the page left the frame and took the whole window
    return frame.evaluate("() => getComputedStyle(document.documentElement).display") == "none"


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", f"methods/{METHOD}/"])
def test_a_page_of_the_site_is_not_usable_in_another_sites_frame(browser, framer, site_url: str, path: str) -> None:
    page, frame = _framed(browser, framer, site_url + path)
    assert frame is not None
    assert _hidden_or_broke_out(page, frame, framer[0])
    assert not frame.locator("h1").first.is_visible()
    page.close()
    # Framed with script allowed but not the top window's navigation: hidden all the same.
    page, frame = _framed(browser, framer, site_url + path, sandbox="allow-scripts allow-same-origin")
    assert _hidden_or_broke_out(page, frame, framer[0]) and not frame.locator("h1").first.is_visible()
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False])
def test_a_page_of_the_site_shows_as_the_top_window_with_or_without_script(browser, site_url: str, javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(site_url + f"methods/{METHOD}/", wait_until="load")
    assert page.locator("h1").first.is_visible()
    context.close()


@pytest.mark.browser
def test_the_editor_shows_only_as_the_top_window(browser, framer, site_url: str) -> None:
    page = browser.new_page()
    page.goto(site_url + "admin/", wait_until="load")
    page.get_by_role("button").first.wait_for(state="visible", timeout=30000)  # Decap's sign-in
    page.close()

    page, frame = _framed(browser, framer, site_url + "admin/")
    frame.locator("button").first.wait_for(state="attached", timeout=30000)  # Decap ran, in the frame
    assert _hidden_or_broke_out(page, frame, framer[0])
    assert not frame.locator("button").first.is_visible()
    page.close()
    # A frame without script (sandbox): the guard cannot run, and the editor stays hidden.
    page, frame = _framed(browser, framer, site_url + "admin/", sandbox="")
    page.wait_for_timeout(500)
    assert frame.evaluate("() => getComputedStyle(document.documentElement).display") == "none"
    page.close()
