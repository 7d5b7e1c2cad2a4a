"""Shared fixtures: one strict build per test run, a local server, a browser."""

from __future__ import annotations

import functools
import http.server
import json
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mkdocs.config import load_config

from macros.knowledge_base import KnowledgeBase, load_or_raise
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


@functools.cache
def project_kb() -> KnowledgeBase:
    """The project's records (data/), loaded once a process: some twenty test modules read them as
    they are imported, which each of `make test`'s processes does before its first test."""
    return load_or_raise(ROOT / "data")


# Session fixtures that read the whole site (every page parsed, every link followed): their tests
# are one xdist_group, run by one process of `make test`, so that the two do not both do that work.
WHOLE_SITE_FIXTURES = {"site_pages", "link_problems"}
# Each test's xdist_group, by test id, written by pytest-xdist's workers for its scheduler (pytest_xdist_make_scheduler).
GROUPS_FILE = "xdist-groups.json"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Fast tests first: unit tests, then those on the build, then the browser; in each, the slow ones
    first, so that `make test`'s processes end together rather than one waiting for the other's last long test."""

    def rank(item: pytest.Item) -> tuple[int, bool]:
        kind = 2 if item.get_closest_marker("browser") else 1 if item.get_closest_marker("build") else 0
        return kind, not item.get_closest_marker("slow")

    items.sort(key=rank)
    for item in items:
        if WHOLE_SITE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("whole-site"))
    if worker := os.environ.get("PYTEST_XDIST_WORKER"):
        groups = {item.nodeid: "+".join(sorted({str(mark.args[0]) for mark in item.iter_markers("xdist_group")}))
                  for item in items if item.get_closest_marker("xdist_group")}
        partial = run_folder(config) / f"{GROUPS_FILE}.{worker}"
        partial.write_text(json.dumps(groups), encoding="utf-8")
        partial.replace(run_folder(config) / GROUPS_FILE)  # the workers' collections are the same


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`--dist loadgroup` as pytest-xdist means it: tests of one xdist_group run in one worker. Its own
    scheduler reads the group from a suffix it gives the test's id, which pytest 9 no longer lets it
    change; this one reads the groups the workers wrote when they collected the tests."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class XdistGroups(LoadGroupScheduling):
        @functools.cached_property
        def groups(self) -> dict[str, str]:
            return json.loads((run_folder(config) / GROUPS_FILE).read_text(encoding="utf-8"))

        def _split_scope(self, nodeid: str) -> str:
            return self.groups.get(nodeid, nodeid)

    return XdistGroups(config, log)


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


# How long a process of the run waits for a build another one is making.
BUILD_WAIT_S = 1200


def run_folder(config: pytest.Config) -> Path:
    """The folder every process of this test run shares: pytest's temporary folder, or with
    pytest-xdist (`make test` runs two) the one its workers' own folders are in."""
    base = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]  # tmp_path_factory's, as xdist reads it
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _make_site(folder: Path) -> Path:
    result = build_site(ROOT, folder)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return folder


def _make_hostile_site(folder: Path) -> tuple[object, Path]:
    from tests.hostile import make_project

    project = make_project(folder / "project")
    site = project.root / "site"
    result = build_site(project.root, site)  # both editions: the Traditional one is written into zh-Hant/
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert result.returncode == 0, f"the hostile copy does not build:\n{output[-3000:]}"
    return project, site


# The builds of a run, by name: made once for all its processes (start_once, made_once).
SHARED_BUILDS: dict[str, Callable[[Path], object]] = {"site": _make_site, "hostile": _make_hostile_site}


def start_once(config: pytest.Config, name: str) -> None:
    """Start the build ``name`` in the background unless a process of this run already has: the
    first to create its claim file makes it, beside the tests it runs meanwhile, and leaves what it
    made (pickled) or why it failed for every process of the run."""
    shared = run_folder(config)
    try:
        (shared / f"{name}.claimed").touch(exist_ok=False)
    except FileExistsError:
        return

    def make() -> None:
        try:
            outcome: tuple[bool, object] = (True, SHARED_BUILDS[name](shared / name))
        except BaseException as error:  # handed to every test that needs the build
            outcome = (False, str(error) if isinstance(error, AssertionError) else traceback.format_exc())
        (shared / f"{name}.partial").write_bytes(pickle.dumps(outcome))
        (shared / f"{name}.partial").rename(shared / f"{name}.made")

    threading.Thread(target=make, name=f"build {name}", daemon=True).start()


def made_once(config: pytest.Config, name: str) -> object:
    """What the build ``name`` made (start_once), waiting for it; the test fails if the build did."""
    start_once(config, name)
    made = run_folder(config) / f"{name}.made"
    deadline = time.monotonic() + BUILD_WAIT_S
    while not made.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"build {name} did not finish within {BUILD_WAIT_S} s")
        time.sleep(0.2)
    succeeded, value = pickle.loads(made.read_bytes())
    if not succeeded:
        pytest.fail(str(value), pytrace=False)
    return value


def pytest_collection_finish(session: pytest.Session) -> None:
    """Builds the selected tests need start at once, in the background, while the unit tests run."""
    if session.config.option.collectonly:
        return
    needed = {fixture for item in session.items for fixture in getattr(item, "fixturenames", ())}
    if "built_site" in needed and not os.environ.get("KB_SITE_DIR"):
        start_once(session.config, "site")
    if "hostile_site" in needed:
        start_once(session.config, "hostile")


@pytest.fixture(scope="session")
def built_site(pytestconfig: pytest.Config) -> Path:
    if (site := prebuilt_site()) is not None:
        return site
    made = made_once(pytestconfig, "site")
    assert isinstance(made, Path)
    return made


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
def hostile_site(pytestconfig: pytest.Config):
    """Both editions of a copy whose records, front matter and glossary carry hostile payloads
    (tests/hostile.py), built strictly once: (project, site folder)."""
    return made_once(pytestconfig, "hostile")


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


def open_quiet(page, url: str) -> None:
    """Load ``url`` and wait until the page's network has been quiet for half a second, for tests that
    watch every request. Playwright's ``networkidle`` alone can come before the page has loaded: on a
    busy machine the scripts may still be running (then a query pasted at once reaches no search box)."""
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")


# The dark colour scheme changes colours and nothing else: every declaration under Material's and
# our [data-md-color-scheme=slate] sets a colour (color, fill, stroke, borders', backgrounds' and
# shadows' colours, custom properties only these read), or hides images addressed #only-light,
# which the site has none of; and of the palette toggle's two buttons the other one shows. So in
# the dark scheme axe-core runs the rules that read computed colours on the whole page, and every
# rule on the toggle; all the others find on each page what they found in the light scheme. The
# rules that read colours: those tagged cat.color (color-contrast-enhanced, AAA, is off), and
# those whose "is it a data table" test compares rows' background colours (isDataTable).
COLOUR_RULES = ["color-contrast", "link-in-text-block", "table-fake-caption", "td-has-header", "th-has-data-cells"]
AXE_RUNS: dict[str, list[tuple[str | None, dict]]] = {  # scheme: (part of the page or None for all of it, axe.run's options)
    "light": [(None, {"resultTypes": ["violations"]})],
    "dark": [(None, {"runOnly": {"type": "rule", "values": COLOUR_RULES}, "resultTypes": ["violations"]}),
             ("[data-md-component=palette]", {"resultTypes": ["violations"]})],
}
AXE_RUN = """([part, options]) => axe.run(part === null ? document : {include: [[part]]}, options).then(r => r.violations)"""


def with_axe(page, script: str) -> None:
    """axe-core (``script``) in the loaded ``page`` and in each page it loads after, injected through the
    debugging protocol, which the page's Content Security Policy does not govern: from then on as each
    document starts, rather than sent through Playwright again for every page (half a megabyte)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_init_script(script)
        page.evaluate(script)


def axe_violations(page, scheme: str) -> list[dict]:
    """axe-core's violations on the loaded ``page`` (axe injected) in colour ``scheme`` (AXE_RUNS)."""
    shown = page.evaluate("document.body.dataset.mdColorScheme")
    assert shown == {"light": "default", "dark": "slate"}[scheme], f"{page.url} shows colour scheme {shown}, not {scheme}"
    return [violation for part, options in AXE_RUNS[scheme] for violation in page.evaluate(AXE_RUN, [part, options])]


def serious_accessibility_problems(axe, page, path: str, scheme: str = "light") -> list[str]:
    """axe-core's serious and critical violations on the loaded ``page`` in colour ``scheme``, one line each."""
    with_axe(page, axe.axe_script)
    problems = []
    for violation in axe_violations(page, scheme):
        if violation["impact"] in ("serious", "critical"):
            node = violation["nodes"][0]
            problems.append(f"/{path} {violation['id']} ×{len(violation['nodes'])}: {node['target']} {node['failureSummary'][:160]}")
    return problems
