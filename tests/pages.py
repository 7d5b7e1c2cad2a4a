"""Built pages read once: every test that reads the site shares one parsed tree per HTML file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

# The Traditional edition's folder inside a site that holds both editions.
HANT = "zh-Hant"


class ParsedPages:
    """HTML files of built sites, each read and parsed (BeautifulSoup, lxml) at most once per test run.

    The trees are shared by every test: read them, never change them (``text_outside`` reads
    a page's text without the parts a test leaves out, where it would otherwise decompose them).
    """

    def __init__(self) -> None:
        self._trees: dict[Path, BeautifulSoup] = {}

    def __call__(self, path: Path) -> BeautifulSoup:
        path = path.absolute()
        tree = self._trees.get(path)
        if tree is None:
            tree = self._trees[path] = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        return tree


def edition_pages(site: Path, pattern: str = "*.html") -> list[Path]:
    """The HTML files of the edition at ``site``, theme assets left out, and the Traditional edition
    left out where ``site`` holds it in zh-Hant/ (a site given by KB_SITE_DIR, or built as one)."""
    return sorted(page for page in site.rglob(pattern)
                  if page.relative_to(site).parts[0] not in ("assets", HANT))


def text_outside(tree: Tag, hidden: Callable[[Tag], bool], separator: str = "\n") -> str:
    """``tree.get_text(separator)`` as it would read with every element inside ``tree`` that ``hidden``
    says yes to (and what is inside it) decomposed, leaving the shared tree as it is."""

    def shown(string: NavigableString) -> bool:
        for parent in string.parents:
            if parent is tree:
                return True
            if hidden(parent):
                return False
        return True

    return separator.join(string for string in tree.strings if shown(string))
