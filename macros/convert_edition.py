"""A converted edition (the Traditional one) made from the built source edition's folder.

The site is built once, in Simplified; this module writes the Traditional edition
into ``<site>/zh-Hant/`` from that output: every page's text converted by
:func:`macros.editions.convert_html` (OpenCC + glossary + vocabulary), and what
differs between editions besides the text:

- ``<html lang>``; absolute addresses under ``site_url`` (canonical, printed
  addresses, QR codes, ``data-print``) and the 404 page's root paths (``/kb/``)
  gain the edition's folder, except those of folders only the source has (the
  web editor at ``admin/``); relative links stay as they are, so they lead to
  the same page of the converted edition;
- the edition switch (overrides/partials/alternate.html): the source page's link
  to its twin becomes the page's own (``aria-current``), the link back to the
  source climbs one folder more;
- QR codes are drawn again for the converted addresses (macros/handout.py);
- the Content Security Policy is recomputed where conversion changed an inline script;
- the sitemap's addresses are the edition's (each keeps its hreflang pairs);
- Material's ``search_index.json`` is converted (:func:`macros.editions.convert_search_index`);
  the project's own index (``search/kb/``) is built again from the converted pages' text,
  so Traditional words are found as readers see them;
- text files from ``docs/`` and generated ones (scripts, styles, JSON) the caller
  names are converted; everything else is copied.

Plain Python, no MkDocs: ``kb_build/editions.py`` hands each page to an :class:`EditionJob`
as MkDocs writes it (converted beside the build, macros/page_worker.py) and calls
:func:`convert_rest` after the build for the other files.
"""

from __future__ import annotations

import functools
import gzip
import html
import json
import os
import re
import shutil
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from macros.editions import Converter, Edition, convert_html, convert_search_index, convert_text_file, edition_site_url
from macros.handout import qr_svg
from macros.page_safety import content_security_policy, inline_script_hashes
from macros.page_worker import BuiltPage, IndexJob
from macros.search_index import Page, page_text

# The edition switch exactly as overrides/partials/alternate.html writes each of its links.
_SWITCH_LINK = re.compile(r'<a href="(?P<href>[^"]*)" hreflang="(?P<lang>[^"]+)" lang="(?P=lang)" '
                          r'class="md-select__link"(?: aria-current="true")?>')
_QR_CODE = re.compile(r'<svg role="img" aria-label="(?P<label>[^"]*)"[^>]*class="kb-qr-code">.*?</svg>', re.DOTALL)
_HTML_LANG = re.compile(r'(<html\b[^>]*\blang=")([^"]*)(")')
_ADDRESS_IN_LABEL = re.compile(r"https?://\S+")
_UPS = re.compile(r"(?:\./)?(?:\.\./)*")
_SCHEME_OR_ROOT = re.compile(r"[a-z][a-z0-9+.-]*:|/", re.IGNORECASE)


@dataclass(frozen=True)
class Addresses:
    """Where the source and the converted edition live, and what only the source has."""

    source_lang: str
    target: Edition
    root_url: str                  # the source's site_url, "" when the site has none
    source_only: tuple[str, ...]   # top-level folders of the source alone, e.g. ("admin/",)

    @property
    def target_url(self) -> str:
        return edition_site_url(self.root_url, self.target)

    @functools.cached_property
    def root_path(self) -> str:
        """The path of ``site_url`` (``/kb/``), which the 404 page's links start with."""
        path = urlsplit(self.root_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @functools.cached_property
    def _patterns(self) -> tuple[re.Pattern[str] | None, re.Pattern[str]]:
        """Absolute addresses under site_url, and quoted root paths, that are not the target's or
        the source's alone (each pattern starts with a literal, which the regex engine finds fast)."""
        skip = "|".join(re.escape(prefix) for prefix in (self.target.path, *self.source_only))
        absolute = re.compile(rf"{re.escape(self.root_url)}(?!{skip})") if self.root_url else None
        rooted = re.compile(rf"""(?<=["']){re.escape(self.root_path)}(?!{skip})""")
        return absolute, rooted

    def readdress_text(self, markup: str) -> str:
        """Addresses in markup (not the edition switch) made the target's."""
        absolute, rooted = self._patterns
        if absolute:
            markup = absolute.sub(self.target_url, markup)
        if f'"{self.root_path}' in markup or f"'{self.root_path}" in markup:  # the 404 page, served at any depth
            markup = rooted.sub(self.root_path + self.target.path, markup)
        return markup

    def switch_link(self, href: str, lang: str) -> str:
        """A link of the edition switch, as the target's page has it."""
        relative = not _SCHEME_OR_ROOT.match(href)
        current = ""
        if lang == self.target.lang:  # the twin is now this page: the source page's own link, without the edition's folder
            current = ' aria-current="true"'
            if relative:
                ups = _UPS.match(href).group()  # type: ignore[union-attr]  # the pattern matches every string, if only empty
                href = ups + href[len(ups):].removeprefix(self.target.path)
        elif relative:  # another edition, seen from a folder deeper
            here = "./" if href.startswith("./") else ""
            href = here + "../" * self.target.path.count("/") + href.removeprefix(here)
        return f'<a href="{href}" hreflang="{lang}" lang="{lang}" class="md-select__link"{current}>'


def readdress(page: str, addresses: Addresses) -> str:
    """A source page's addresses made the converted edition's (text untouched)."""
    # Only a page in the source's language changes it (mkdocs-redirects' stubs say lang="en").
    page = _HTML_LANG.sub(lambda m: m.group(1) + (addresses.target.lang if m.group(2) == addresses.source_lang else m.group(2))
                         + m.group(3), page, count=1)
    out: list[str] = []
    position = 0
    for match in _SWITCH_LINK.finditer(page):
        out.append(addresses.readdress_text(page[position:match.start()]))
        out.append(addresses.switch_link(match.group("href"), match.group("lang")))
        position = match.end()
    out.append(addresses.readdress_text(page[position:]))
    return "".join(out)


def redraw_qr_codes(page: str, drawn: dict[str, str] | None = None) -> str:
    """Each QR code drawn again for the address its label names (the label was readdressed);
    one found in ``drawn`` (by its label, see :func:`qr_codes_drawn`) is taken from there."""

    def replace(match: re.Match[str]) -> str:
        label = html.unescape(match.group("label"))
        svg = drawn.pop(label, None) if drawn else None
        return svg or _drawn_again(label) or match.group()

    return _QR_CODE.sub(replace, page)


def qr_codes_drawn(markup: str) -> dict[str, str]:
    """The QR codes of readdressed markup drawn for their addresses, by label, for :func:`redraw_qr_codes`."""
    labels = (html.unescape(match.group("label")) for match in _QR_CODE.finditer(markup))
    return {label: svg for label in labels if (svg := _drawn_again(label))}


def _drawn_again(label: str) -> str | None:
    """The QR code of the address a code's label names; None when it names none."""
    address = _ADDRESS_IN_LABEL.search(label)
    return qr_svg(address.group(), label) if address else None


def convert_page(page: str, converter: Converter, addresses: Addresses, drawn: dict[str, str] | None = None) -> str:
    """A built source page as the converted edition's page (``drawn``: its QR codes drawn beforehand)."""
    converted = convert_html(redraw_qr_codes(readdress(page, addresses), drawn), converter.convert)
    before = inline_script_hashes(page)
    if before and before != inline_script_hashes(converted):
        converted = converted.replace(content_security_policy(page), content_security_policy(converted), 1)
    return converted


def convert_sitemap(sitemap: str, addresses: Addresses) -> str:
    """The edition's own sitemap: its addresses in <loc>, the hreflang pairs as they are."""
    if not addresses.root_url:
        return sitemap
    return sitemap.replace(f"<loc>{addresses.root_url}", f"<loc>{addresses.target_url}")


def converts_page(relative: str, output: str, addresses: Addresses) -> bool:
    """Whether the edition gets a page MkDocs writes: it writes no file for an empty page, and the
    folders of the source alone (the web editor) stay out."""
    return bool(output.strip()) and not relative.startswith(addresses.source_only)


class EditionJob:
    """The converted edition as a page job (macros/page_worker.py): each page of the source converted
    and written into the edition's folder as MkDocs builds it, and its search text converted for the
    edition's own index (``index``, writing into that folder), which :meth:`finish` writes. The
    files that are not pages come after the build: :func:`convert_rest`."""

    def __init__(self, site: Path, converter: Converter, addresses: Addresses, index: IndexJob | None = None) -> None:
        self.out = site / addresses.target.path
        self.converter, self.addresses, self.index = converter, addresses, index
        self.pages = 0
        self._folders: set[Path] = set()
        self._drawn: dict[str, str] = {}  # QR codes drawn early (content), by label

    def preparing(self) -> Iterator[None]:
        """The edition's index prepares (macros/page_worker.py ``Prepares``)."""
        if self.index is not None:
            yield from self.index.preparing()

    def content(self, url: str, markup: str, searched: bool) -> None:
        """A page's content HTML, before any page is written: its QR codes drawn for the edition's
        addresses and its lines converted now, while MkDocs renders the pages (macros/page_worker.py
        ``ReadsContent``). :meth:`page` takes them when it meets them in the written page; the same
        functions make them, so the page is what it would be without."""
        readdressed = self.addresses.readdress_text(markup)
        drawn = qr_codes_drawn(readdressed)
        convert_html(redraw_qr_codes(readdressed, dict(drawn)), self.converter.prepare)
        self._drawn.update(drawn)
        if self.index is not None and searched:
            self.converter.prepare(page_text(markup))  # the edition's search text, converted from the page's

    def page(self, page: BuiltPage) -> None:
        if not converts_page(page.relative, page.output, self.addresses):
            return
        target = self.out / page.relative
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        target.write_text(convert_page(page.text, self.converter, self.addresses, self._drawn), encoding="utf-8")
        self.pages += 1
        if self.index is not None and (found := page.search_page) is not None:
            convert = self.converter.convert
            self.index.add(Page(found.location, convert(found.title), convert(found.text)))

    def finish(self) -> Report:
        indexed = self.index.finish().docs if self.index is not None else 0
        return Report(pages=self.pages, files=self.pages, indexed=indexed)


@dataclass
class Report:
    pages: int = 0    # HTML pages converted
    files: int = 0    # files written, pages included
    indexed: int = 0  # pages in the edition's search index


def convert_rest(site: Path, converter: Converter, addresses: Addresses, text_files: Collection[str],
                 pages: Collection[str]) -> Report:
    """After the build, the files of the built source edition at ``site`` that its ``pages`` (paths
    relative to ``site``, converted by :class:`EditionJob`) did not cover, written into the edition's
    folder: the 404 page, redirect pages, sitemap, Material's search index, and ``text_files`` (the
    scripts, styles and data whose words are converted); everything else is copied. Left out: the
    editions' own folders, what the source alone has, its own search index (``search/kb/``, each
    edition has its own) and the compressed sitemap (written from the converted one)."""
    out = site / addresses.target.path
    report = Report()
    text_files = frozenset(text_files)
    for folder, folders, files in os.walk(site):
        relative = Path(folder).relative_to(site).as_posix()
        prefix = "" if relative == "." else relative + "/"
        folders[:] = sorted(name for name in folders
                            if f"{prefix}{name}/" not in (addresses.target.path, *addresses.source_only, "search/kb/"))
        (out / prefix).mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            path = prefix + name
            if path in pages or path == "sitemap.xml.gz":
                continue
            report.files += 1
            report.pages += _convert_file(site, out, path, converter, addresses, text_files)
    return report


def _convert_file(site: Path, out: Path, relative: str, converter: Converter, addresses: Addresses,
                  text_files: frozenset[str]) -> int:
    """Convert or copy one file (a path relative to the site) into the edition; 1 for a page."""
    source, target = site / relative, out / relative
    if relative.endswith(".html"):
        target.write_text(convert_page(source.read_text(encoding="utf-8"), converter, addresses), encoding="utf-8")
        return 1
    if relative == "sitemap.xml":
        sitemap = convert_sitemap(source.read_text(encoding="utf-8"), addresses)
        target.write_text(sitemap, encoding="utf-8")
        if (site / "sitemap.xml.gz").is_file():
            (out / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap.encode("utf-8"), mtime=0))
    elif relative == "search/search_index.json":
        converted = convert_search_index(json.loads(source.read_text(encoding="utf-8")), converter.convert)
        target.write_text(json.dumps(converted, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    elif relative in text_files:
        text = addresses.readdress_text(source.read_text(encoding="utf-8"))
        target.write_text(convert_text_file(relative.rpartition("/")[2], text, converter), encoding="utf-8")
    else:
        shutil.copyfile(source, target)
    return 0
