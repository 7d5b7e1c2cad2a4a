"""Screenshot a page of the built site in headless Chromium, to look at what we ship.

    python -m scripts.screenshot site/methods/x/index.html out.png [--dark] [--width 1280]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, QuietHandler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", type=Path, help="an HTML file inside the built site")
    parser.add_argument("out", type=Path)
    parser.add_argument("--site", type=Path, default=Path("site"))
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--full", action="store_true", help="the whole page, not just the first screen")
    args = parser.parse_args()
    handler = functools.partial(QuietHandler, directory=str(args.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = args.page.resolve().relative_to(args.site.resolve()).as_posix().removesuffix("index.html")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, color_scheme="dark" if args.dark else "light")
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}", wait_until="load")
        page.wait_for_load_state("networkidle")  # after load: networkidle alone can come before the scripts ran
        page.screenshot(path=str(args.out), full_page=args.full)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
