"""Shared fixtures: one strict build per test run, a local server, a browser."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mkdocs.config import load_config

from scripts.check_links import LinkProblem, internal_problems
from tests.pages import ParsedPages

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags that keep Debian's Chromium from calling Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fast tests first: unit tests, then those on the build, then the browser."""

    def rank(item: pytest.Item) -> int:
        return 2 if item.get_closest_marker("browser") else 1 if item.get_closest_marker("build") else 0

    items.sort(key=rank)


def build_site(project: Path, out: Path, config: str = "mkdocs.yml") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / config), "-d", str(out)],
        cwd=project, capture_output=True, text=True, env=env, check=False,
    )


def prebuilt_site() -> Path | None:
    """The site named by KB_SITE_DIR (CI's build job made it: Simplified at its root, Traditional
    in zh-Hant/), which the tests then read instead of building their own; None when unset."""
    named = os.environ.get("KB_SITE_DIR")
    if not named:
        return None
    site = ROOT / named
    missing = [page for page in ("index.html", "zh-Hant/index.html") if not (site / page).is_file()]
    if missing:
        pytest.fail(f"KB_SITE_DIR={named}：{site} 不是构建好的网站，缺少 {'、'.join(missing)}")
    return site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if (site := prebuilt_site()) is not None:
        return site
    out = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, out)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="session")
def editions_site(built_site: Path) -> Path:
    """Both editions laid out as published: the one build writes the Traditional edition into zh-Hant/."""
    return built_site


@pytest.fixture(scope="session")
def site_pages() -> ParsedPages:
    """Built pages parsed once for the whole run, shared by every test that reads them (tests/pages.py)."""
    return ParsedPages()


@pytest.fixture(scope="session")
def link_problems(editions_site: Path) -> list[LinkProblem]:
    """Every internal link or anchor of both editions that leads nowhere, checked once per run
    (scripts/check_links.py, from the site's path: 404.html links from there)."""
    site_path = urlsplit(load_config(str(ROOT / "mkdocs.yml"))["site_url"]).path
    return internal_problems(editions_site, site_path)


class QuietServer(http.server.ThreadingHTTPServer):
    """Says nothing when a browser drops a connection mid-answer (a page closed while a file was
    still on its way): that is the test ending, not the site failing. Other errors still print."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    yield from _serve(built_site)


@pytest.fixture(scope="session")
def editions_url(editions_site: Path) -> Iterator[str]:
    """Both editions served: the Simplified one at /, the Traditional one at /zh-Hant/."""
    yield from _serve(editions_site)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the project's data and pages, to break on purpose."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    return tmp_path


def copy_project(root: Path) -> Path:
    """A buildable copy of the project at ``root``: data/ and docs/ copied (to change), the
    configs, templates, macros and the build's stages (kb_build/) linked (to test as they are; MkDocs runs the installed plugin)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("data", "docs"):
        shutil.copytree(ROOT / name, root / name)
    for name in ("mkdocs.yml", "overrides", "macros", "kb_build"):
        (root / name).symlink_to(ROOT / name, target_is_directory=(ROOT / name).is_dir())
    return root


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory):
    """Both editions of a copy whose records, front matter and glossary carry hostile payloads
    (tests/hostile.py), built strictly once: (project, site folder)."""
    from tests.hostile import make_project

    project = make_project(tmp_path_factory.mktemp("hostile") / "project")
    site = project.root / "site"
    result = build_site(project.root, site)  # both editions: the Traditional one is written into zh-Hant/
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert result.returncode == 0, f"the hostile copy does not build:\n{output[-3000:]}"
    return project, site


@pytest.fixture(scope="session")
def hostile_url(hostile_site) -> Iterator[str]:
    yield from _serve(hostile_site[1])


# The page's own scripts have finished: its fonts are in, and every listing and the session builder filled in.
SETTLED = """() => document.fonts.status === "loaded"
  && [...document.querySelectorAll(".kb-listing[data-kind]")].every(listing => listing.dataset.ready)
  && [...document.querySelectorAll("#kb-session")].every(widget => widget.dataset.ready === "yes")"""


def open_settled(page, url: str) -> None:
    """Load ``url`` and wait until the page's own scripts have finished (SETTLED), rather than for the
    network to go quiet, which costs half a second more a page; tests that watch for requests to other
    hosts keep waiting for ``networkidle``."""
    page.goto(url, wait_until="load")
    page.wait_for_function(SETTLED)


def serious_accessibility_problems(axe, page, path: str) -> list[str]:
    """axe-core's serious and critical violations on the loaded ``page``, one line each."""
    problems = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            node = violation["nodes"][0]
            problems.append(f"/{path} {violation['id']} ×{len(violation['nodes'])}: {node['target']} {node['failureSummary'][:160]}")
    return problems
