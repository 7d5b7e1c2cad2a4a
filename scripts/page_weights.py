"""Page weights of a built edition: the heaviest pages gzipped, and which pages grow between two builds.

    python -m scripts.page_weights SITE [--top 20]
    python -m scripts.page_weights SMALL_SITE LARGE_SITE [--top 20]   # pages of both, by growth

Built for the bar "no page grows with the number of records": build the scale
benchmark's project at two sizes (``python -m scripts.bench --methods N
--generate-only DIR``) and compare. A page present in both builds whose weight
grows is a page that lists records; the comparison names it. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scripts.bench import _gzip_size, _is_redirect_stub


def page_weights(site: Path) -> dict[str, int]:
    """Gzipped bytes of every HTML page of one edition (its own folder; no assets, no redirect stubs)."""
    weights = {}
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        if relative.startswith(("zh-Hant/", "assets/")) or _is_redirect_stub(path):
            continue
        weights[relative] = _gzip_size(path.read_bytes())
    return weights


def heaviest(weights: dict[str, int], top: int) -> list[tuple[str, int]]:
    return sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:top]


def growth(small: dict[str, int], large: dict[str, int], *, min_bytes: int = 512,
           min_ratio: float = 1.1) -> list[tuple[str, int, int]]:
    """Pages of both builds that got heavier by at least ``min_bytes`` and ``min_ratio``, most grown first."""
    grown = [(page, small[page], large[page]) for page in small.keys() & large.keys()
             if large[page] - small[page] >= min_bytes and large[page] >= small[page] * min_ratio]
    return sorted(grown, key=lambda row: (row[1] - row[2], row[0]))


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", type=Path, nargs="+", help="一个或两个（小、大）构建好的网站目录")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    if len(args.sites) > 2:
        parser.error("最多比较两个网站")
    weights = [page_weights(site) for site in args.sites]
    for site, pages in zip(args.sites, weights, strict=True):
        print(f"{site}：{len(pages)} 页，最重的 {min(args.top, len(pages))} 页（gzip）")
        for page, size in heaviest(pages, args.top):
            print(f"  {_kb(size):>10}  {page}")
    if len(weights) == 2:
        grown = growth(*weights)
        print(f"两次构建都有、且变重的页面：{len(grown)}")
        for page, before, after in grown[:args.top]:
            print(f"  {_kb(before):>10} → {_kb(after):>10}  {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
