"""How the web editor (Decap CMS) copes with many records: a benchmark, not a test.

    python -m scripts.bench_editor --project DIR [--site site]

DIR is a project with data/ (e.g. made by ``python -m scripts.bench --methods 5000
--generate-only DIR``); ``--site`` a built site whose admin/ is served. decap-server
(the local backend) serves DIR's files; headless Chromium measures, for the methods
collection and for a site's studio picker, the time until the records show, and the
page's JS heap. Each wait is bounded (``--timeout``); what did not show is reported.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from scripts.editor import backend_command

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def measure(project: Path, site: Path, timeout_s: float) -> dict[str, object]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    port = _free_port()
    served = Path(tempfile.mkdtemp(prefix="kb-editor-"))
    shutil.copytree(site / "admin", served / "admin")
    for name in ("config.yml", "index.html"):
        path = served / "admin" / name
        path.write_text(path.read_text(encoding="utf-8").replace("localhost:8081", f"localhost:{port}"), encoding="utf-8")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(served)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    # The guarded backend of `make editor` (loopback only, writes only under data/ and docs/).
    backend = subprocess.Popen(backend_command(project, httpd.server_address[1], port),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    admin = f"http://localhost:{httpd.server_address[1]}/admin/"
    counts = {kind: len(list((project / "data" / kind).glob("*.yml"))) for kind in ("methods", "studios")}
    result: dict[str, object] = {"records": counts}
    try:
        time.sleep(1.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(admin)
            page.get_by_role("button", name="登录").click()
            for label, url, ready in (
                ("methods_list_seconds", "#/collections/methods", "a[href*='/collections/methods/entries/']"),
                ("studio_picker_seconds", "#/collections/sites/new", None),
            ):
                start = time.monotonic()
                page.goto(admin + url)
                try:
                    if ready:
                        page.wait_for_selector(ready, timeout=timeout_s * 1000)
                    else:
                        page.get_by_label("所属工作室 (可选)").fill("工作室", timeout=timeout_s * 1000)
                        page.locator("[class*='option']").first.wait_for(timeout=timeout_s * 1000)
                    result[label] = round(time.monotonic() - start, 1)
                except PlaywrightTimeout:
                    result[label] = f"no answer within {timeout_s:.0f} s"
            result["js_heap_mb"] = round(page.evaluate("performance.memory.usedJSHeapSize") / 1e6)
            browser.close()
    finally:
        httpd.shutdown()
        backend.terminate()
        backend.wait(timeout=10)
        shutil.rmtree(served, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_editor", description="在线编辑器在大量记录下的响应时间")
    parser.add_argument("--project", type=Path, required=True, help="含 data/ 的项目目录")
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="构建好的网站（用其中的 admin/）")
    parser.add_argument("--timeout", type=float, default=180, help="每一步最多等待的秒数")
    args = parser.parse_args(argv)
    if not (args.site / "admin/index.html").is_file():
        print(f"{args.site}/admin/ 不存在：先运行 make build", file=sys.stderr)
        return 1
    print(json.dumps(measure(args.project.resolve(), args.site, args.timeout), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
