"""Benchmark of site search: ours, Material's default (lunr) and Pagefind, on the same sites.

    python -m scripts.bench_search                 # real site, 1,000 and 5,000 generated pages
    python -m scripts.bench_search --sizes 1000    # only these generated sizes (0 = real site only)
    python -m scripts.bench_search --relevance     # the judged query set on the real site
    python -m scripts.bench_search --phone         # first answer per judged query on a slow phone

For each site and engine it reports the search bytes a reader downloads
before the first result (raw and gzipped), the time and renderer memory until
search is ready, the query-to-first-result time in headless Chromium, and the
build time. Generated sites live in a temporary folder: synthetic pages made
of clauses of the real site's pages, titled with record names, never added
to docs/. A measurement, not a test: nothing here asserts a speed.

``--relevance`` types every query of data/search-judgements.yml into each
engine on the real site and reports MRR (first relevant result within the
first ten), the share of queries with a relevant record in the first three,
the zero-result rate of the queries that have an answer, how many no-answer
queries return nothing, and the bytes and time to the first answer.

``--phone`` measures what a reader on a phone waits for: the site served
gzipped (as GitHub Pages serves it), each judged query in a fresh browser
context (cold cache) under DevTools-protocol throttling (400 kbit/s both ways,
400 ms latency, CPU 4x slower). The page loads unthrottled and settles; then the
search box is opened and the query pasted at once, and the script counts the
requests and bytes from that moment to the first result shown, and the time.
Median and slowest go to ``data/benchmark/search-phone.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:  # playwright is loaded only when a benchmark runs
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb_build.plugin import STAGES
from macros import sitemap
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, QuietHandler

QUERIES = ["走动式工作法", "服务中心", "调解", "殷金鳳", "zdsgzf", "社区"]
TIMEOUT_MS = 300_000


@dataclass
class Result:
    site: str
    engine: str
    pages: int
    build_s: float
    ready_ms: float = 0.0
    rss_mb: float = 0.0
    first_raw: int = 0
    first_gz: int = 0
    query_ms: list[float] = field(default_factory=list)
    query_gz: list[int] = field(default_factory=list)  # fetched before the query's first result
    total_gz: list[int] = field(default_factory=list)  # fetched for the query in all
    hits: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------
# Sites
# --------------------------------------------------------------------------
def mkdocs_build(config: Path, out: Path, search: bool) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_SEARCH": "on" if search else "off"}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)],
                            cwd=config.parent, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"构建失败：{config}\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def pagefind_index(site: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--silent"],
                            capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"Pagefind 失败：{result.stderr[-3000:]}")
    return time.perf_counter() - started


def clauses_of(site: Path) -> list[str]:
    """Clauses of the real site's pages (from our index's page texts)."""
    found: list[str] = []
    for path in sorted((site / "search" / "kb" / "d").glob("*.json")):
        text = json.loads(path.read_text(encoding="utf-8"))["x"]
        found += [c.strip() for c in re.split(r"[。！？；\n]", text) if len(c.strip()) >= 6]
    return found


def generate(pages: int, clauses: list[str], names: list[str], where: Path) -> Path:
    """A MkDocs project of ``pages`` synthetic Chinese pages using this project's theme, search stage and CSS
    (the kb plugin with its other stages off; the records of its search lexicon are this repository's)."""
    rng = random.Random(pages)
    docs = where / "docs"
    (docs / "stylesheets").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "stylesheets" / "kb.css", docs / "stylesheets" / "kb.css")
    (docs / "index.md").write_text("# 生成的测试站点\n\n用于搜索基准测试。\n", encoding="utf-8")
    (docs / "themes.md").write_text("# 按主题浏览\n", encoding="utf-8")
    for number in range(pages):
        title = f"{rng.choice(names)}（{number}）"
        body: list[str] = []
        while sum(map(len, body)) < 1200:
            paragraph = "，".join(rng.choice(clauses) for _ in range(rng.randint(2, 5)))
            body.append(paragraph + "。")
        folder = docs / "p" / f"{number // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number:05d}.md").write_text(f"# {title}\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    config = {
        "site_name": "生成的测试站点",
        "site_url": "https://example.invalid/",
        "theme": {"name": "material", "language": "zh", "custom_dir": str(ROOT / "overrides"), "font": False,
                  "features": ["search.suggest", "search.highlight"]},
        "extra_css": ["stylesheets/kb.css"],
        "plugins": [{"search": {"lang": "zh"}}, {"kb": {stage.name: stage.name == "search_index" for stage in STAGES}}],
        "nav": [{"首页": "index.md"}, {"按主题浏览": "themes.md"}],
        "validation": {"nav": {"omitted_files": "ignore"}},
    }
    (where / "data").symlink_to(ROOT / "data", target_is_directory=True)
    # JSON is YAML: the search stage follows KB_SEARCH (mkdocs_build) as in the project's mkdocs.yml.
    text = json.dumps(config, ensure_ascii=False, indent=1).replace('"search_index": true', '"search_index": !ENV [KB_SEARCH, true]', 1)
    (where / "mkdocs.yml").write_text(text, encoding="utf-8")
    return where / "mkdocs.yml"


# --------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------
class KeepAliveHandler(QuietHandler):
    """HTTP/1.1 with keep-alive, as static hosts serve; http.server's default opens a connection per file."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs, 40 ms a file


class GzipHandler(KeepAliveHandler):
    """Text files gzipped when the browser accepts it, as GitHub Pages serves them."""

    COMPRESSED = (".html", ".js", ".json", ".css", ".svg", ".xml", ".txt")

    def send_head(self):  # http.server's own signature
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in self.COMPRESSED and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a browser closed a connection mid-answer (a context ended): not the site's fault


class Server:
    def __init__(self, directory: Path, gzipped: bool = False) -> None:
        handler = functools.partial(GzipHandler if gzipped else KeepAliveHandler, directory=str(directory))
        self.httpd = QuietServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self) -> None:
        self.httpd.shutdown()


def search_file(engine: str, path: str) -> bool:
    if engine == "pagefind":
        return path.startswith("/pagefind/")
    if engine == "lunr":
        return path.startswith("/search/") or "/workers/" in path or "/lunr/" in path
    return path.startswith("/search/") or path.endswith("kb-search-worker.js")


def sizes(site: Path, paths: set[str]) -> tuple[int, int]:
    raw = gz = 0
    for path in paths:
        data = (site / unquote(path).lstrip("/")).read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, 6))
    return raw, gz


def renderer_rss_mb() -> float:
    """Resident memory of the renderer processes (page and its workers) of the browsers this script started."""
    children: dict[int, list[int]] = {}
    cmdlines: dict[int, bytes] = {}
    rss: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdlines[int(proc.name)] = (proc / "cmdline").read_bytes()
            rss[int(proc.name)] = int((proc / "statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(proc.name))
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        if b"--type=renderer" in cmdlines.get(pid, b""):
            total += rss.get(pid, 0)
    return total / 2**20


READY_JS = """() => new Promise(resolve => {
  const meta = document.querySelector('.md-search-result__meta')
  const done = () => !/正在初始化/.test(meta.textContent)
  if (done()) return resolve(performance.now())
  new MutationObserver((_, o) => { if (done()) { o.disconnect(); resolve(performance.now()) } })
    .observe(meta, {childList: true, characterData: true, subtree: true})
})"""

QUERY_JS = """q => new Promise(resolve => {
  const input = document.querySelector('.md-search__input')
  const list = document.querySelector('.md-search-result__list')
  const meta = document.querySelector('.md-search-result__meta')
  const t0 = performance.now()
  const finish = () => resolve([performance.now() - t0, list.children.length])
  const o = new MutationObserver(() => {
    if (list.children.length || /没有找到/.test(meta.textContent)) { o.disconnect(); finish() }
  })
  o.observe(list.parentElement, {childList: true, characterData: true, subtree: true})
  input.value = q
  input.dispatchEvent(new KeyboardEvent('keyup', {key: 'End', bubbles: true}))
})"""

PAGEFIND_READY_JS = """async () => {
  window.pf = await import('/pagefind/pagefind.js')
  await window.pf.init()
  return performance.now()
}"""

PAGEFIND_QUERY_JS = """async q => {
  const t0 = performance.now()
  const found = await window.pf.search(q)
  if (found.results.length) await found.results[0].data()
  return [performance.now() - t0, found.results.length]
}"""


@contextlib.contextmanager
def search_session(playwright, site: Path, engine: str) -> Iterator[tuple[Server, Page, list[str], float]]:
    """``site`` served and open in a browser of its own (so its memory is its own) with ``engine``'s
    search ready: the server, the page, the paths the page has fetched so far and the time to ready."""
    server = Server(site)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    try:
        page.goto(server.url, wait_until="load")
        if engine == "pagefind":
            ready_ms = page.evaluate(PAGEFIND_READY_JS)
        else:
            page.locator(".md-search__input").click()
            ready_ms = page.evaluate(READY_JS)
        yield server, page, fetched, ready_ms
    finally:
        browser.close()
        server.close()


def measure(playwright, site: Path, result: Result) -> Result:
    """One engine on one site, in a browser of its own (so its memory is its own)."""
    search = functools.partial(search_file, result.engine)
    with search_session(playwright, site, result.engine) as (_, page, fetched, ready_ms):
        result.ready_ms, result.rss_mb = ready_ms, renderer_rss_mb()
        seen: set[str] = set()
        for number, query in enumerate(QUERIES):
            before = len(fetched)
            elapsed, hits = page.evaluate(PAGEFIND_QUERY_JS if result.engine == "pagefind" else QUERY_JS, query)
            at_first = len(fetched)
            page.wait_for_timeout(400)  # what a query goes on loading after its first answer
            first = {p for p in fetched[before:at_first] if search(p)} - seen
            if number == 0:
                first |= {p for p in fetched[:before] if search(p)}
                result.first_raw, result.first_gz = sizes(site, first)
            later = {p for p in fetched[before:] if search(p)} - seen - first
            result.query_gz.append(sizes(site, first)[1])
            result.total_gz.append(sizes(site, first | later)[1])
            seen |= first | later
            result.query_ms.append(elapsed)
            result.hits.append(hits)
    return result


# --------------------------------------------------------------------------
def run_site(label: str, config: Path, work: Path, pages: int, playwright) -> list[Result]:
    kb_site, plain_site = work / f"{label}-kb", work / f"{label}-lunr"
    kb_build = mkdocs_build(config, kb_site, search=True)
    pages = pages or json.loads((kb_site / "search" / "kb" / "meta.json").read_text(encoding="utf-8"))["docs"]
    plain_build = mkdocs_build(config, plain_site, search=False)
    pagefind_s = pagefind_index(plain_site)
    results = [
        measure(playwright, kb_site, Result(label, "kb", pages, kb_build)),
        measure(playwright, plain_site, Result(label, "lunr", pages, plain_build)),
        measure(playwright, plain_site, Result(label, "pagefind", pages, plain_build + pagefind_s)),
    ]
    for result in results:
        print(row(result), flush=True)
    return results


HEADER = ("| site | engine | build s | ready ms | renderer RSS MB | bytes before 1st result raw / gzip "
          "| query→1st result ms (median / max) | gzip KB before a later query's 1st result (max) / in all (max) |")


def row(r: Result) -> str:
    later = r.query_ms[1:] or r.query_ms
    return (f"| {r.site} ({r.pages} pages) | {r.engine} | {r.build_s:.1f} | {r.ready_ms:.0f} | {r.rss_mb:.0f} "
            f"| {r.first_raw / 1024:.0f} KB / {r.first_gz / 1024:.0f} KB "
            f"| {r.query_ms[0]:.0f} (cold), {statistics.median(later):.0f} / {max(later):.0f} "
            f"| {max(r.query_gz[1:] or [0]) / 1024:.0f} / {max(r.total_gz[1:] or [0]) / 1024:.0f} |")


# --------------------------------------------------------------------------
# Relevance: the judged query set
# --------------------------------------------------------------------------
JUDGEMENTS = ROOT / "data" / "search-judgements.yml"
RANKED = 10  # results read per query; a relevant record further down counts as not found


@dataclass(frozen=True)
class Judged:
    query: str
    why: str
    want: tuple[str, ...]  # "kind/id" of records, or site paths ending in "/"


def load_judgements(path: Path = JUDGEMENTS) -> tuple[list[Judged], list[str]]:
    """The judged queries and the no-answer queries; every wrong entry is reported at once, in Chinese."""
    import yaml

    from macros.knowledge_base import load_or_raise

    kb = load_or_raise(ROOT / "data")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems: list[str] = []
    judged: list[Judged] = []
    for number, entry in enumerate(data.get("queries") or [], 1):
        query, want = str(entry.get("q") or ""), [str(w) for w in entry.get("want") or []]  # pasted text keeps its spaces
        if not query.strip() or not want:
            problems.append(f"{path.name} 第 {number} 个查询：q 和 want 都不能为空")
            continue
        for item in want:
            kind, _, record = item.partition("/")
            is_record = kind in sitemap.PAGED_KINDS and record in kb.of_kind(kind)
            if not (item.endswith("/") or is_record):
                problems.append(f"{path.name} 查询“{query}”：want 中的 {item} 不是已有记录（类别/编号）或站内路径（以 / 结尾）")
        judged.append(Judged(query, str(entry.get("why") or ""), tuple(want)))
    no_answer = [str(q).strip() for q in data.get("no_answer") or [] if str(q).strip()]
    if problems:
        sys.exit("评测集有误：\n" + "\n".join(problems))
    return judged, no_answer


def relevant_locations(site: Path, want: Iterable[str]) -> set[str]:
    """Site paths that count as answering ``want``: a record's page, its training plan and card,
    or, for a record without a page of its own, the list page it sits on."""
    found: set[str] = set()
    for item in want:
        if item.endswith("/"):
            found.add(item)
            continue
        kind, _, record = item.partition("/")
        own = f"{kind}/{record}/"
        found.add(own if (site / own / "index.html").exists() else f"{kind}/")
        if kind == "methods":
            found |= {sitemap.served(path) for path in (sitemap.plan_path(record), sitemap.card_path(record))}
    return found


SETTLED_JS = """() => new Promise(resolve => {
  // the engine may send a longer second answer: wait until the list has not changed for 300 ms (at most 3 s)
  const list = document.querySelector('.md-search-result__list')
  let timer = setTimeout(done, 300)
  const o = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, 300) })
  const cap = setTimeout(done, 3000)
  function done() {
    o.disconnect(); clearTimeout(cap)
    resolve([...list.querySelectorAll(':scope > .md-search-result__item')].map(li => li.querySelector('a').href))
  }
  o.observe(list, {childList: true, subtree: true, characterData: true})
})"""

CLEAR_JS = """() => new Promise(resolve => {
  // an empty box first, so the next query's time runs from nothing shown to its first answer
  const input = document.querySelector('.md-search__input')
  const list = document.querySelector('.md-search-result__list')
  const meta = document.querySelector('.md-search-result__meta')
  input.value = ''
  input.dispatchEvent(new KeyboardEvent('keyup', {key: 'End', bubbles: true}))
  const started = performance.now()
  const check = () => (!list.children.length && /键入/.test(meta.textContent)) || performance.now() - started > 3000
    ? resolve() : setTimeout(check, 10)
  check()
})"""

PAGEFIND_RANKED_JS = """async ([q, n]) => {
  const found = await window.pf.search(q)
  const data = await Promise.all(found.results.slice(0, n).map(r => r.data()))
  return data.map(d => d.url)
}"""


@dataclass
class Judgement:
    engine: str
    ranks: list[int | None] = field(default_factory=list)  # rank of the first relevant result per judged query
    empty: list[bool] = field(default_factory=list)  # judged query with no result at all
    silent: list[bool] = field(default_factory=list)  # no-answer query that returned nothing
    query_ms: list[float] = field(default_factory=list)
    first_gz: int = 0
    misses: list[str] = field(default_factory=list)

    def row(self) -> str:
        judged = len(self.ranks)
        mrr = sum(1 / r for r in self.ranks if r) / judged
        top3 = sum(1 for r in self.ranks if r and r <= 3) / judged
        return (f"| {self.engine} | {mrr:.3f} | {top3:.1%} | {sum(self.empty) / judged:.1%} "
                f"| {sum(self.silent)}/{len(self.silent)} | {self.first_gz / 1024:.0f} KB "
                f"| {statistics.median(self.query_ms):.0f} ms |")


def site_path(url: str, base: str) -> str:
    return urlsplit(url).path.removeprefix(urlsplit(base).path).removesuffix("index.html")


def judge(playwright, site: Path, engine: str, judged: list[Judged], no_answer: list[str]) -> Judgement:
    """Every judged and no-answer query typed into one engine on one site, in a fresh browser."""
    result = Judgement(engine)
    with search_session(playwright, site, engine) as (server, page, fetched, _):
        for number, query in enumerate([j.query for j in judged] + no_answer):
            if engine == "pagefind":
                elapsed, _ = page.evaluate(PAGEFIND_QUERY_JS, query)
                shown = page.evaluate(PAGEFIND_RANKED_JS, [query, RANKED])
            else:
                page.evaluate(CLEAR_JS)
                elapsed, _ = page.evaluate(QUERY_JS, query)
                shown = page.evaluate(SETTLED_JS)
            if number == 0:
                result.first_gz = sizes(site, {p for p in fetched if search_file(engine, p)})[1]
            result.query_ms.append(elapsed)
            locations = list(dict.fromkeys(site_path(url, server.url) for url in shown))[:RANKED]
            if number < len(judged):
                want = relevant_locations(site, judged[number].want)
                rank = next((i for i, loc in enumerate(locations, 1) if loc in want), None)
                result.ranks.append(rank)
                result.empty.append(not locations)
                if not rank or rank > 3:
                    result.misses.append(f"{query}（{judged[number].why}）→ {'、'.join(locations[:3]) or '无结果'}")
            else:
                result.silent.append(not locations)
                if locations:
                    result.misses.append(f"{query}（应无结果）→ {'、'.join(locations[:3])}")
    return result


def relevance(project: Path, work: Path, playwright) -> None:
    judged, no_answer = load_judgements()
    kb_site, plain_site = work / "real-kb", work / "real-lunr"
    mkdocs_build(project / "mkdocs.yml", kb_site, search=True)
    mkdocs_build(project / "mkdocs.yml", plain_site, search=False)
    pagefind_index(plain_site)
    print(f"{len(judged)} judged queries, {len(no_answer)} no-answer queries ({JUDGEMENTS.relative_to(ROOT)})\n")
    print("| engine | MRR | relevant in top 3 | zero results (answerable) | no-answer queries empty "
          "| gzip bytes to 1st answer (cold) | query→1st answer (median) |")
    print("|" + " --- |" * 7, flush=True)
    results = [judge(playwright, site, engine, judged, no_answer)
               for site, engine in ((kb_site, "kb"), (plain_site, "lunr"), (plain_site, "pagefind"))]
    for result in results:
        print(result.row(), flush=True)
    for result in results:
        print(f"\n{result.engine}: {len(result.misses)} queries without a relevant result in the first three")
        for miss in result.misses:
            print(f"  {miss}")


# --------------------------------------------------------------------------
# A phone on a slow network: the first answer of every judged query, cold
# --------------------------------------------------------------------------
PHONE_OUT = ROOT / "data" / "benchmark" / "search-phone.json"
PHONE = {"kbit_s": 400, "latency_ms": 400, "cpu_slowdown": 4}
FIRST_ANSWER_JS = """q => new Promise(resolve => {
  // Open search as a tap on the header's icon does, then paste the query at once: the time runs
  // from the paste to the first result shown (or to a finished search's "no results").
  const toggle = document.getElementById('__search')
  if (toggle && !toggle.checked) toggle.click()
  const input = document.querySelector('.md-search__input')
  const list = document.querySelector('.md-search-result__list')
  const t0 = performance.now()
  const o = new MutationObserver(() => {
    if (list.children.length) { o.disconnect(); resolve([performance.now() - t0, list.children.length]) }
  })
  o.observe(list, {childList: true, subtree: true})
  input.focus()
  input.value = q
  input.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste', data: q}))
  input.dispatchEvent(new KeyboardEvent('keyup', {key: 'v', ctrlKey: true, bubbles: true}))
  setTimeout(() => { o.disconnect(); resolve([performance.now() - t0, 0]) }, 60000)
})"""


@dataclass
class FirstAnswer:
    query: str
    ms: float
    requests: int
    bytes: int  # as transferred (gzipped bodies and headers)
    shown: int


def cold_page(browser, url: str) -> Page:
    """The page at ``url`` loaded in a fresh context (a cold cache), for :func:`first_answer_on`."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    # load first: Playwright's networkidle can come before the page's scripts ran, and a query
    # pasted then reaches no search box
    page.goto(url, wait_until="load")
    return page


def first_answer(browser, url: str, query: str, throttled: bool = True) -> FirstAnswer:
    """One judged query in a fresh context (a cold cache): page loaded and settled, then throttled as
    :data:`PHONE` says (unless not ``throttled``: tests/test_search.py counts the requests), then pasted."""
    return first_answer_on(cold_page(browser, url), query, throttled)


def first_answer_on(page: Page, query: str, throttled: bool = True) -> FirstAnswer:
    """:func:`first_answer` on a page :func:`cold_page` loaded, once its network has gone quiet; its context
    is closed after. Pages loaded together wait for their networks together (tests/test_search.py)."""
    context = page.context
    try:
        page.wait_for_load_state("networkidle")
        if throttled:
            cdp = context.new_cdp_session(page)
            throughput = PHONE["kbit_s"] * 1000 / 8
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": PHONE["latency_ms"],
                                                          "downloadThroughput": throughput, "uploadThroughput": throughput})
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE["cpu_slowdown"]})
        # Playwright reports the requests of the page's workers on the page; the page's throttling covers them.
        requested: list = []
        page.on("request", lambda request: requested.append(request))
        ms, shown = page.evaluate(FIRST_ANSWER_JS, query)
        answered = list(requested)
        if os.environ.get("BENCH_VERBOSE"):
            print("   ", " ".join(urlsplit(r.url).path.rsplit("/", 3)[-1] if "/search/" not in r.url else urlsplit(r.url).path.split("/search/kb/")[-1] for r in answered))
        size = 0
        for request in answered:
            with contextlib.suppress(Exception):  # a request cancelled by a newer query has no sizes
                sizes_of = request.sizes()
                size += max(sizes_of["responseBodySize"], 0) + max(sizes_of["responseHeadersSize"], 0)
        count = len(answered)
        return FirstAnswer(query, round(ms), count, size, shown)
    finally:
        context.close()


def phone(site: Path, out: Path, playwright, limit: int | None = None) -> dict:
    judged, _ = load_judgements()
    queries = [j.query for j in judged][:limit]
    server = Server(site, gzipped=True)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    answers: list[FirstAnswer] = []
    try:
        for query in queries:
            answers.append(first_answer(browser, server.url, query))
            a = answers[-1]
            print(f"{a.query}\t{a.ms} ms\t{a.requests} requests\t{a.bytes / 1024:.1f} KB\t{a.shown} shown", flush=True)
    finally:
        browser.close()
        server.close()
    slowest = max(answers, key=lambda a: a.ms)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "conditions": {**PHONE, "gzip": True, "cache": "cold", "viewport": "390x844",
                       "browser": "Chromium (Debian), DevTools protocol throttling"},
        "queries": len(answers),
        "median_ms": round(statistics.median(a.ms for a in answers)),
        "slowest_ms": slowest.ms,
        "slowest_query": slowest.query,
        "median_requests": statistics.median(a.requests for a in answers),
        "max_requests": max(a.requests for a in answers),
        "median_kb": round(statistics.median(a.bytes for a in answers) / 1024, 1),
        "max_kb": round(max(a.bytes for a in answers) / 1024, 1),
        "unanswered": [a.query for a in answers if not a.shown],
        "per_query": [vars(a) for a in answers],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nmedian {report['median_ms']} ms, slowest {slowest.ms} ms ({slowest.query}), "
          f"requests median {report['median_requests']} / max {report['max_requests']}, "
          f"KB median {report['median_kb']} / max {report['max_kb']}; written to {out}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--project", type=Path, default=ROOT, help="the real site's project folder")
    parser.add_argument("--relevance", action="store_true", help="judged query set on the real site instead of speed")
    parser.add_argument("--phone", action="store_true", help="first answer per judged query on a throttled phone")
    parser.add_argument("--site", type=Path, help="with --phone: an already built site instead of building one")
    parser.add_argument("--limit", type=int, help="with --phone: only the first N judged queries")
    parser.add_argument("--out", type=Path, default=PHONE_OUT, help="with --phone: where the result is written")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from macros.knowledge_base import load_or_raise

    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    if args.phone:
        site = args.site
        if site is None:
            site = work / "real-kb"
            mkdocs_build(args.project / "mkdocs.yml", site, search=True)
        with sync_playwright() as playwright:
            phone(site, args.out, playwright, args.limit)
        shutil.rmtree(work, ignore_errors=True)
        return
    if args.relevance:
        with sync_playwright() as playwright:
            relevance(args.project, work, playwright)
        shutil.rmtree(work, ignore_errors=True)
        return
    kb = load_or_raise(ROOT / "data")
    names = [r.name for kind in ("methods", "studios") for r in kb.records(kind).values()]
    print(f"queries: {'、'.join(QUERIES)}\n\n{HEADER}\n|{' --- |' * 8}", flush=True)
    results: list[Result] = []
    with sync_playwright() as playwright:
        results += run_site("real", args.project / "mkdocs.yml", work, 0, playwright)
        clauses = clauses_of(work / "real-kb")
        for size in [s for s in args.sizes if s]:
            config = generate(size, clauses, names, work / f"gen-{size}")
            results += run_site(f"gen-{size}", config, work, size, playwright)
    print("\nper query: results shown first, ms to the first result, gzip KB fetched before it")
    for r in results:
        cells = (f"{q} {h}/{ms:.0f}ms/{gz / 1024:.0f}KB" for q, h, ms, gz in zip(QUERIES, r.hits, r.query_ms, r.query_gz, strict=True))
        print(f"  {r.site}/{r.engine}: {', '.join(cells)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"\nsites kept in {work}")


if __name__ == "__main__":
    main()
