"""Check the external links of a built site and print a report.

    python -m scripts.check_external_links [site] [--skip PREFIX ...] [--timeout 15] [--workers 8]

Run by CI's separate link-check job (non-blocking: a dead link elsewhere on
the web must not stop a pull request). Exits 1 when an address is dead, 0
otherwise; addresses that refuse automatic checks (401, 403, 429) are listed
for a look by hand but do not fail. The repository's own edit and view
links are skipped by default (a new page's exist only once it is merged).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mkdocs.config import load_config

from scripts.check_links import check_all, external_links, report_external

ROOT = Path(__file__).resolve().parent.parent


def default_skips() -> tuple[str, ...]:
    config = load_config(str(ROOT / "mkdocs.yml"))
    repo = (config["repo_url"] or "").rstrip("/")
    return (f"{repo}/edit/", f"{repo}/raw/") if repo else ()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.check_external_links", description="检查构建好的网站里的外部链接")
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "site", help="构建好的网站目录（默认 site/）")
    parser.add_argument("--skip", action="append", default=None, help="不检查以此开头的地址（可多次使用）")
    parser.add_argument("--timeout", type=float, default=15.0, help="每个地址的超时秒数")
    parser.add_argument("--workers", type=int, default=8, help="同时检查的地址数")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site} 里没有构建好的网站，请先运行 make build", file=sys.stderr)
        return 1
    skips = tuple(args.skip) if args.skip is not None else default_skips()
    links = external_links(args.site, skips)
    results = check_all(list(links), workers=args.workers, timeout=args.timeout)
    print(report_external(links, results))
    return 1 if any(result.verdict == "失效" for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
