"""Links of a built site: internal links and anchors (offline), external addresses (over the network).

:func:`internal_problems` is used by tests/test_site.py on every build;
:func:`external_links` and :func:`check_all` by scripts/check_external_links.py
in CI's separate, non-blocking link-check job.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

USER_AGENT = "shequ-kb-linkcheck/1.0 (+https://github.com/shequ-gongzuofa/kb)"


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)


def _parse(page: Path) -> lxml.html.HtmlElement:
    # lxml.html straight, not through BeautifulSoup: the same parser, a whole site checked in a fifth of the time.
    return lxml.html.document_fromstring(page.read_text(encoding="utf-8"))


def _links(tree: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """(href, link text: its strings stripped, spaced and cut to 40 characters) of every ``<a href>``
    (in a drawing, ``<a xlink:href>``: see macros/figures.py)."""
    return [(str(a.get("href", a.get("xlink:href"))), " ".join(" ".join(text.strip() for text in a.itertext()).split())[:40])
            for a in tree.iter("a") if a.get("href", a.get("xlink:href")) is not None]


def _anchors(tree: lxml.html.HtmlElement) -> set[str]:
    """Every fragment a link may land on: the ids, and the names of ``<a name>``."""
    return {str(v) for v in tree.xpath("//@id")} | {str(v) for v in tree.xpath("//a/@name")}


@dataclass(frozen=True)
class LinkProblem:
    page: str
    href: str
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}：链接“{self.text or '（无文字）'}” → {self.href}：{self.reason}"


def internal_problems(site: Path, site_path: str = "/") -> list[LinkProblem]:
    """Every internal link whose page or anchor does not exist in the built ``site``.

    ``site_path`` is the path part of ``site_url``: pages such as 404.html link from there.
    """
    problems: list[LinkProblem] = []
    ids: dict[Path, set[str]] = {}
    for page in html_pages(site):
        shown = page.relative_to(site).as_posix()
        tree = _parse(page)
        ids[page.resolve()] = _anchors(tree)
        for href, text in _links(tree):
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            if parts.path.startswith("/"):
                if not parts.path.startswith(site_path):
                    problems.append(LinkProblem(shown, href, text, "绝对路径不在网站地址之下"))
                    continue
                target = (site / unquote(parts.path.removeprefix(site_path))).resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(LinkProblem(shown, href, text, "目标页面不存在"))
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:  # a page not checked yet, or one under assets/
                    ids[target] = _anchors(_parse(target))
                if unquote(parts.fragment) not in ids[target]:
                    problems.append(LinkProblem(shown, href, text, f"页面 {target.relative_to(site.resolve()).as_posix()} 里没有锚点“#{unquote(parts.fragment)}”"))
    return problems


def report_internal(problems: list[LinkProblem], limit: int = 50) -> str:
    lines = [f"站内链接检查：{len(problems)} 个失效链接"] + [f"  {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"  ……另有 {len(problems) - limit} 个")
    return "\n".join(lines)


# ---- external --------------------------------------------------------------------


def external_links(site: Path, skip: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Each external http(s) address → the pages that link to it (addresses starting with a ``skip`` prefix left out)."""
    found: dict[str, list[str]] = defaultdict(list)
    for page in html_pages(site):
        shown = page.relative_to(site).as_posix()
        for href, _text in _links(_parse(page)):
            if urlsplit(href).scheme in ("http", "https") and not href.startswith(skip):
                url = href.split("#", 1)[0]
                if shown not in found[url]:
                    found[url].append(shown)
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Result:
    url: str
    status: int | None
    error: str

    @property
    def verdict(self) -> str:
        """正常, 失效 or 未判定 (rate-limited or refused to robots, worth a look by hand)."""
        if self.status is not None and self.status < 400:
            return "正常"
        if self.status in (401, 403, 429):
            return "未判定"
        return "失效"


def check(url: str, timeout: float = 15.0) -> Result:
    """HEAD the address (GET where HEAD is refused), following redirects."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # http(s) only, checked above
                return Result(url, response.status, "")
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return Result(url, error.code, error.reason if isinstance(error.reason, str) else "")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            return Result(url, None, f"无法连接：{reason}")
    return Result(url, None, "无法连接")


def check_all(urls: list[str], workers: int = 8, timeout: float = 15.0) -> list[Result]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda url: check(url, timeout), urls))


def report_external(links: dict[str, list[str]], results: list[Result]) -> str:
    by_verdict: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_verdict[result.verdict].append(result)
    lines = [f"外部链接检查：共 {len(results)} 个地址，正常 {len(by_verdict['正常'])} 个，"
             f"失效 {len(by_verdict['失效'])} 个，未判定 {len(by_verdict['未判定'])} 个。"]
    for verdict, note in (("失效", "请修改或删除这些链接"), ("未判定", "对方拒绝了自动检查，请在浏览器里打开看看")):
        if by_verdict[verdict]:
            lines.append(f"\n{verdict}（{note}）：")
            for result in by_verdict[verdict]:
                status = str(result.status) if result.status is not None else "—"
                lines.append(f"  {status:>3}  {result.url}" + (f"  {result.error}" if result.error else ""))
                pages = links.get(result.url, [])
                lines.append(f"       出现在：{'、'.join(pages[:5])}" + (f" 等 {len(pages)} 页" if len(pages) > 5 else ""))
    return "\n".join(lines)
