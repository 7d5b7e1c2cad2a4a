"""Link checks on small hand-made sites: internal links and anchors, external addresses against a local server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts import check_external_links
from scripts.check_links import (
    check_all,
    external_links,
    internal_problems,
    report_external,
    report_internal,
)


def write_site(root: Path, pages: dict[str, str]) -> Path:
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<!doctype html><html><body>{body}</body></html>", encoding="utf-8")
    return root


def test_internal_check_names_page_link_and_reason(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "index.html": '<a href="a/">甲</a> <a href="a/#step-2">第二步</a> <a href="a/#nope">不存在的锚点</a>'
                      '<a href="missing/">缺页</a> <a href="/kb/a/">绝对</a> <a href="https://example.org/">外部</a>',
        "a/index.html": '<h2 id="step-2">二</h2><a href="../index.html#top">回到顶部</a>',
    })
    problems = internal_problems(site, "/kb/")
    assert [str(p) for p in problems] == [
        "a/index.html：链接“回到顶部” → ../index.html#top：页面 index.html 里没有锚点“#top”",
        "index.html：链接“不存在的锚点” → a/#nope：页面 a/index.html 里没有锚点“#nope”",
        "index.html：链接“缺页” → missing/：目标页面不存在",
    ]
    assert report_internal(problems).startswith("站内链接检查：3 个失效链接\n  a/index.html：")


class Handler(http.server.BaseHTTPRequestHandler):
    """/ok 200, /gone 404, /moved → /ok, /no-head refuses HEAD, /busy 429."""

    def _answer(self, head: bool) -> None:
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/no-head" and head:
            self.send_response(405)
        else:
            self.send_response({"/ok": 200, "/no-head": 200, "/busy": 429}.get(self.path, 404))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_external_check_reports_dead_links_with_their_pages(tmp_path: Path, server: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path, {
        "index.html": f'<a href="{server}/ok">a</a><a href="{server}/gone">b</a><a href="{server}/ok#part">c</a>'
                      f'<a href="https://github.com/shequ-gongzuofa/kb/edit/main/docs/index.md">edit</a><a href="../x/">内部</a>',
        "methods/x/index.html": f'<a href="{server}/gone">b</a><a href="{server}/moved">d</a>'
                                f'<a href="{server}/no-head">e</a><a href="{server}/busy">f</a>',
    })
    links = external_links(site, ("https://github.com/shequ-gongzuofa/kb/edit/",))
    assert links[f"{server}/gone"] == ["index.html", "methods/x/index.html"]
    assert len(links) == 5  # the fragment is dropped, the edit link and the internal link are left out
    results = {r.url.removeprefix(server): (r.status, r.verdict) for r in check_all(list(links), workers=4, timeout=5)}
    assert results == {"/ok": (200, "正常"), "/gone": (404, "失效"), "/moved": (200, "正常"),
                       "/no-head": (200, "正常"), "/busy": (429, "未判定")}

    code = check_external_links.main([str(site), "--skip", "https://github.com/shequ-gongzuofa/kb/edit/", "--timeout", "5"])
    report = capsys.readouterr().out
    assert code == 1
    assert report.startswith("外部链接检查：共 5 个地址，正常 3 个，失效 1 个，未判定 1 个。")
    assert f"404  {server}/gone" in report
    assert "出现在：index.html、methods/x/index.html" in report
    assert f"429  {server}/busy" in report


def test_unreachable_host_is_dead(tmp_path: Path) -> None:
    # A closed port on this machine: refused at once, no network involved.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    [result] = check_all([f"http://127.0.0.1:{port}/"], timeout=2)
    assert result.verdict == "失效" and result.error.startswith("无法连接")
    assert "—  http://127.0.0.1" in report_external({result.url: ["index.html"]}, [result])
