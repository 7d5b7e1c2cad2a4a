"""Compare two builds of the Traditional edition page by page: what a reader sees and where links lead.

    python -m scripts.compare_editions OLD NEW [--limit 20]

OLD and NEW are edition folders (e.g. one built by a second MkDocs build with
mkdocs.zh-Hant.yml, one converted from the Simplified build into site/zh-Hant/).
For each page in either: ``<html lang>``, ``<title>``, canonical address, the text
a reader sees (line by line), the targets of links and images, and the attributes
a reader meets (alt, title, aria-label, placeholder, meta description). Then the
other files: the same set, JSON data equal once parsed, sitemap, search indexes.
Prints every difference (first ``--limit`` of each kind) and a summary; exit
status 1 when anything differs. A measuring tool, not a test.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

from bs4 import BeautifulSoup

READER_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("form", "action"))


def page_facts(path: Path) -> dict[str, list[str]]:
    tree = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    html = tree.html
    canonical = tree.select_one("link[rel=canonical]")
    description = tree.select_one("meta[name=description]")
    facts: dict[str, list[str]] = {
        "lang": [str(html.get("lang", "")) if html else ""],
        "title": [tree.title.get_text() if tree.title else ""],
        "canonical": [str(canonical["href"]) if canonical else ""],
        "description": [str(description.get("content", "")) if description else ""],
        "links": [f"{tag}[{attribute}]={element[attribute]}" for tag, attribute in LINK_ATTRIBUTES
                  for element in tree.find_all(tag) if element.get(attribute)],
        "attributes": [f"{element.name}[{attribute}]={element[attribute]}" for element in tree.find_all(True)
                       for attribute in READER_ATTRIBUTES if isinstance(element.get(attribute), str)],
        "data-print": [str(element["data-print"]) for element in tree.select("[data-print]")],
        "qr": [str(svg.get("aria-label")) + " " + str(len(str(svg))) for svg in tree.select("svg.kb-qr-code")],
    }
    for tag in tree(["script", "style", "svg"]):
        tag.decompose()
    body = tree.body.get_text("\n") if tree.body else ""
    facts["text"] = [line.strip() for line in body.splitlines() if line.strip()]
    return facts


def files_of(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def same_file(old: Path, new: Path) -> bool:
    if old.read_bytes() == new.read_bytes():
        return True
    if old.suffix == ".gz":
        return gzip.decompress(old.read_bytes()) == gzip.decompress(new.read_bytes())
    if old.suffix == ".json":
        try:
            return json.loads(old.read_text(encoding="utf-8")) == json.loads(new.read_text(encoding="utf-8"))
        except ValueError:
            return False
    return False


def compare(old: Path, new: Path) -> tuple[dict[str, list[str]], int]:
    """Differences by kind (each one line), and the number of pages compared."""
    found: dict[str, list[str]] = defaultdict(list)
    old_files, new_files = files_of(old), files_of(new)
    for name in sorted(old_files - new_files):
        found["only in OLD"].append(name)
    for name in sorted(new_files - old_files):
        found["only in NEW"].append(name)
    pages = 0
    for name in sorted(old_files & new_files):
        if name.endswith(".html") and not name.startswith("assets/"):
            pages += 1
            before, after = page_facts(old / name), page_facts(new / name)
            for kind, lines in before.items():
                if lines != after[kind]:
                    diff = [line for line in difflib.unified_diff(lines, after[kind], lineterm="", n=0)
                            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
                    found[kind].append(f"{name}: " + " | ".join(diff[:6])[:600])
        elif name.startswith("search/kb/"):
            if not same_file(old / name, new / name):
                found["search/kb files"].append(name)
        elif not same_file(old / name, new / name):
            found["other files"].append(name)
    return found, pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.compare_editions")
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--limit", type=int, default=20, help="每类差异最多列出几条")
    args = parser.parse_args(argv)
    found, pages = compare(args.old, args.new)
    for kind, lines in found.items():
        print(f"== {kind}: {len(lines)}")
        for line in lines[:args.limit]:
            print("  " + line)
    print(f"比较了 {pages} 个页面；有差异的类别：{len(found)}，共 {sum(map(len, found.values()))} 处")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
