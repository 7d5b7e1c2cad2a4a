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
  the project's own index (``search/kb/``) is built again from the converted pages by
  the caller's ``index`` function, so Traditional words are found as readers see them;
- text files from ``docs/`` and generated ones (scripts, styles, JSON) the caller
  names are converted; everything else is copied.

Plain Python, no MkDocs: ``kb_build/editions.py`` calls :func:`convert_site` after the build.
"""

from __future__ import annotations

import functools
import gc
import gzip
import html
import json
import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from urllib.parse import urlsplit

from macros.editions import Converter, Edition, convert_html, convert_search_index, convert_text_file, edition_site_url
from macros.handout import qr_svg
from macros.page_safety import content_security_policy, inline_script_hashes
from macros.search_index import Page

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


def redraw_qr_codes(page: str) -> str:
    """Each QR code drawn again for the address its label names (the label was readdressed)."""

    def replace(match: re.Match[str]) -> str:
        label = html.unescape(match.group("label"))
        address = _ADDRESS_IN_LABEL.search(label)
        return qr_svg(address.group(), label) if address else match.group()

    return _QR_CODE.sub(replace, page)


def convert_page(page: str, converter: Converter, addresses: Addresses) -> str:
    """A built source page as the converted edition's page."""
    converted = convert_html(redraw_qr_codes(readdress(page, addresses)), converter.convert)
    before = inline_script_hashes(page)
    if before and before != inline_script_hashes(converted):
        converted = converted.replace(content_security_policy(page), content_security_policy(converted), 1)
    return converted


def convert_sitemap(sitemap: str, addresses: Addresses) -> str:
    """The edition's own sitemap: its addresses in <loc>, the hreflang pairs as they are."""
    if not addresses.root_url:
        return sitemap
    return sitemap.replace(f"<loc>{addresses.root_url}", f"<loc>{addresses.target_url}")


def indexed_pages(site: Path, converter: Converter) -> list[Page]:
    """The pages of the source's own search index (``search/kb/``), in its order, converted: what
    the index reads from the converted pages, without reading them again."""
    folder = site / "search" / "kb"
    if not (folder / "meta.json").is_file():
        return []
    count = json.loads((folder / "meta.json").read_text(encoding="utf-8"))["docs"]
    pages = []
    for number in range(count):
        doc = json.loads((folder / "d" / f"{number}.json").read_text(encoding="utf-8"))
        pages.append(Page(doc["l"], converter.convert(doc["t"]), converter.convert(doc["x"])))
    return pages


@dataclass(frozen=True)
class _Job:
    """What every worker needs to convert its share of the files (inherited when it is forked)."""

    site: Path
    out: Path
    converter: Converter
    addresses: Addresses
    text_files: frozenset[str]


_job: _Job | None = None


def _convert_files(names: list[str]) -> int:
    """Convert or copy each file (paths relative to the site) into the edition; the number of pages."""
    job = _job
    assert job is not None
    pages = 0
    for relative in names:
        source, target = job.site / relative, job.out / relative
        if relative.endswith(".html"):
            page = convert_page(source.read_text(encoding="utf-8"), job.converter, job.addresses)
            target.write_text(page, encoding="utf-8")
            pages += 1
        elif relative == "sitemap.xml":
            sitemap = convert_sitemap(source.read_text(encoding="utf-8"), job.addresses)
            target.write_text(sitemap, encoding="utf-8")
            if (job.site / "sitemap.xml.gz").is_file():
                (job.out / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap.encode("utf-8"), mtime=0))
        elif relative == "search/search_index.json":
            converted = convert_search_index(json.loads(source.read_text(encoding="utf-8")), job.converter.convert)
            target.write_text(json.dumps(converted, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        elif relative in job.text_files:
            text = job.addresses.readdress_text(source.read_text(encoding="utf-8"))
            target.write_text(convert_text_file(relative.rpartition("/")[2], text, job.converter), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    return pages


def _source_files(site: Path, out: Path, skipped: tuple[str, ...]) -> list[str]:
    """The source's files the edition has (paths relative to ``site``), their folders made in ``out``.
    Left out: the editions' own folders, what the source alone has, its own search index and
    the compressed sitemap (written from the converted one)."""
    names = []
    for folder, folders, files in os.walk(site):
        relative = Path(folder).relative_to(site).as_posix()
        prefix = "" if relative == "." else relative + "/"
        folders[:] = sorted(name for name in folders if f"{prefix}{name}/" not in skipped)
        (out / prefix).mkdir(parents=True, exist_ok=True)
        names += [prefix + name for name in sorted(files) if prefix + name != "sitemap.xml.gz"]
    return names


@dataclass
class Report:
    pages: int = 0
    files: int = 0
    indexed: int = 0
    seconds: float = 0.0


# Files a process takes at a time: small enough that the processes finish together, large enough to cost little.
_CHUNK = 16


def convert_site(site: Path, converter: Converter, addresses: Addresses, text_files: Collection[str], *,
                 index: Callable[[Path, list[Page]], None] | None = None, workers: int | None = None) -> Report:
    """Write the converted edition of the built source edition at ``site`` into ``site/<edition path>``.

    ``text_files``: paths (relative to ``site``) of the scripts, styles and data whose words are
    converted. ``index(folder, pages)`` builds the edition's own search index from the source
    index's pages converted; without it the source's ``search/kb/`` is left out. With more than
    one worker (default: one per CPU) the index is built in a forked process while this one
    converts files; that process then converts files too, as do any others forked (every process
    takes the files left, a few at a time, so all finish together).
    """
    global _job
    started = time.perf_counter()
    out = site / addresses.target.path
    if out.exists():
        shutil.rmtree(out)
    names = _source_files(site, out, (addresses.target.path, *addresses.source_only, "search/kb/"))
    pages = indexed_pages(site, converter) if index else []
    _job = _Job(site, out, converter, addresses, frozenset(text_files))
    report = Report(files=len(names), indexed=len(pages))
    try:
        report.pages = _convert(names, workers or os.cpu_count() or 1, index, out, pages)
    finally:
        _job = None
    report.seconds = time.perf_counter() - started
    return report


def _convert(names: list[str], workers: int, index: Callable[[Path, list[Page]], None] | None,
             out: Path, pages: list[Page]) -> int:
    """The files converted and the index built by up to ``workers`` processes, the number of pages:
    the index in a forked process, which then converts files too; the files in chunks that each
    process (this one and the forked ones) takes in turn until none is left, so they finish together."""
    if workers == 1:
        if index and pages:
            index(out, pages)
        return _convert_files(names)
    context = multiprocessing.get_context("fork")
    taken = context.Value("l", 0)      # the files handed out so far
    converted = context.Value("l", 0)  # pages converted by the forked processes
    indexed = context.Value("b", 0)    # the index was written
    indexing = bool(index and pages)
    # Forked children share the build's memory until they write to it; the collector would write
    # to every object it visits, so what exists now is kept out of its sight.
    gc.freeze()
    try:
        children = [context.Process(target=_work, args=(names, taken, converted, (index, out, pages, indexed)
                                                        if indexing and number == 0 else None))
                    for number in range(workers - 1)]
        for child in children:
            child.start()
        pages_here = _take_chunks(names, taken)
        for child in children:
            child.join()
        if indexing and not indexed.value:
            raise RuntimeError(f"繁体版的搜索索引没有写成（进程退出码 {children[0].exitcode}），见上面的错误信息")
        failed = [child.exitcode for child in children if child.exitcode]
        if failed:
            raise RuntimeError(f"繁体版有文件没有转换成（进程退出码 {failed[0]}），见上面的错误信息")
    finally:
        gc.unfreeze()
    return pages_here + converted.value


def _take_chunks(names: list[str], taken: Synchronized[int]) -> int:
    """Convert chunks of ``names`` taken in turn with the other processes; the number of pages."""
    pages = 0
    while True:
        with taken.get_lock():
            start = taken.value
            taken.value = start + _CHUNK
        if start >= len(names):
            return pages
        pages += _convert_files(names[start:start + _CHUNK])


def _work(names: list[str], taken: Synchronized[int], converted: Synchronized[int],
          indexing: tuple[Callable[[Path, list[Page]], None], Path, list[Page], Synchronized[int]] | None) -> None:
    """A forked process: the index first if it is given, then its share of the files."""
    if indexing:
        index, out, pages, indexed = indexing
        index(out, pages)
        indexed.value = 1
    pages_here = _take_chunks(names, taken)
    with converted.get_lock():
        converted.value += pages_here
