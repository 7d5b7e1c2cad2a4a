"""Stable addresses, QR codes and the handout block of method and studio pages.

Pure functions: addresses and records in, URLs, SVG and Markdown out. The QR
code is drawn offline by segno; nothing is requested from another host.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import segno

# The short-link prefix of each kind of record: /m/<id>/ methods, /s/<id>/ studios,
# /p/<id>/ people (mentors), /d/<id>/ sites (示范点).
SHORT_PREFIX = {"methods": "m", "studios": "s", "mentors": "p", "sites": "d"}


def page_path(kind: str, record_id: str) -> str:
    """Site-relative directory URL of a record's page, e.g. ``methods/sanbu-tiaojie/``."""
    return f"{kind}/{record_id}/"


def short_path(kind: str, record_id: str) -> str:
    """Site-relative short link of a record, e.g. ``m/sanbu-tiaojie/``."""
    return f"{SHORT_PREFIX[kind]}/{record_id}/"


def absolute(site_url: str, path: str) -> str:
    """``site_url`` joined with a site-relative path (``site_url`` may lack its trailing slash)."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def short_redirects(ids_by_kind: dict[str, list[str]]) -> dict[str, str]:
    """mkdocs-redirects ``redirect_maps``: ``m/<id>.md`` → ``methods/<id>.md`` for every record with a page."""
    maps: dict[str, str] = {}
    for kind, prefix in SHORT_PREFIX.items():
        for record_id in ids_by_kind.get(kind, []):
            maps[f"{prefix}/{record_id}.md"] = f"{kind}/{record_id}.md"
    return maps


_HANDOUT_PAGE = re.compile(r"^(?:(methods|studios|mentors|sites)|training(?:/cards)?)/([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def handout_target(src_uri: str) -> tuple[str, str] | None:
    """(kind, id) of the record whose address a page's QR code carries, or ``None``.

    A record's page carries its own; a training plan or card carries its method's.
    """
    match = _HANDOUT_PAGE.match(src_uri)
    if not match or match.group(2) == "index":
        return None
    return (match.group(1) or "methods", match.group(2))


def version_links(repo_url: str | None, commit: str | None, files: list[str]) -> list[tuple[str, str]]:
    """(file, URL of that file at ``commit``) for each repository file a page is built from."""
    if not repo_url or not commit:
        return []
    base = repo_url.rstrip("/")
    return [(name, f"{base}/blob/{commit}/{name}") for name in files]


# QR codes kept across builds (gitignored); delete the folder to redraw them.
QR_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "qr"
# How codes are drawn; part of each cached code's name, so changing it redraws them.
_QR_MAKE = {"error": "m", "micro": False}
_QR_SVG = {"kind": "svg", "scale": 4, "border": 4, "xmldecl": False, "svgns": True, "nl": False,
           "dark": "#000", "light": "#fff", "svgclass": "kb-qr-code", "title": None, "lineclass": None}


def qr_svg(url: str, label: str, cache_dir: Path | None = QR_CACHE) -> str:
    """An inline, accessible SVG QR code of ``url`` (error correction M, quiet zone kept).

    The code depends only on ``url``: with ``cache_dir`` it is drawn once and kept
    there across builds (segno's choice of the best mask is most of a code's cost).
    """
    svg = _qr_code(url, cache_dir)
    # Name the picture for screen readers; the address itself is printed beside it.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label, quote=True)}" ', 1)


@functools.lru_cache(maxsize=8192)  # a method's page, training plan and card carry the same code
def _qr_code(url: str, cache_dir: Path | None) -> str:
    key = hashlib.sha256(repr((segno.__version__, _QR_MAKE, _QR_SVG, url)).encode("utf-8")).hexdigest()
    cached = cache_dir / key[:2] / f"{key}.svg" if cache_dir else None
    if cached and cached.is_file():
        return cached.read_text(encoding="ascii")
    buffer = io.BytesIO()
    segno.make(url, **_QR_MAKE).save(buffer, **_QR_SVG)
    svg = buffer.getvalue().decode("ascii")
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}")  # both editions may build at once
        partial.write_text(svg, encoding="ascii")
        os.replace(partial, cached)
    return svg


def handout_block(*, kind: str, record_id: str, site_url: str, repo_url: str | None,
                  commit: str | None, files: list[str], qr_cache: Path | None = QR_CACHE) -> str:
    """The end of a method or studio page: QR code and short link (folded on screen, shown on paper)
    and links to the files the page was built from at the published commit."""
    canonical = absolute(site_url, page_path(kind, record_id))
    short = absolute(site_url, short_path(kind, record_id))
    esc = lambda text: html.escape(text, quote=True)  # noqa: E731
    svg = qr_svg(canonical, f"本页网址的二维码：{canonical}", qr_cache)
    links = version_links(repo_url, commit, files)
    if links:
        version = (f'<p class="kb-version">引用此版本（{esc(commit[:7])}）：'  # type: ignore[index]
                   + "、".join(f'<a href="{esc(url)}">{esc(posixpath.basename(name))}</a>' for name, url in links)
                   + "</p>")
        version_print = f'<span class="kb-version-id">版本 {esc(commit[:7])}</span>'  # type: ignore[index]
    else:
        version = '<p class="kb-version">本次构建没有记录版本号。</p>'
        version_print = ""
    return (
        '\n\n<details class="kb-qr" markdown="0" data-search-exclude>\n'
        "<summary>二维码、短链接与引用版本</summary>\n"
        f'<div class="kb-qr-body">{svg}<div>'
        f'<p>扫码在手机上打开本页。短链接：<a class="kb-short-link" href="{esc(short)}">{esc(short)}</a></p>'
        f"{version}</div></div>\n"
        "</details>\n\n"
        '<div class="kb-print-footer" aria-hidden="true" markdown="0" data-search-exclude>'
        f"{svg}<p>本页网址：{esc(canonical)}<br>短链接：{esc(short)}<br>{version_print}</p>"
        "</div>\n"
    )


_LINK = re.compile(r'<a\b([^>]*?)\shref="([^"#][^"]*)"')
_RECORD_PAGE = re.compile(r"^(methods|studios|mentors|sites)/([a-z0-9]+(?:-[a-z0-9]+)*)/(#.*)?$")


def print_address(site_url: str, page_url: str, href: str) -> str | None:
    """The address a printed page shows for a link: the short link for a record's page,
    else the absolute URL; ``None`` for links to other hosts (CSS prints their href as is)."""
    href = html.unescape(href)
    if urlsplit(href).scheme or href.startswith("//"):
        return None
    base = absolute(site_url, page_url)
    target = urljoin(base, href)
    root = absolute(site_url, "")
    if not target.startswith(root):
        return target
    relative = target[len(root):]
    match = _RECORD_PAGE.match(relative)
    if match and not match.group(3):
        return absolute(site_url, short_path(match.group(1), match.group(2)))
    return target


def mark_print_addresses(page_html: str, site_url: str, page_url: str) -> str:
    """Adds ``data-print`` (the address to print) to every link inside the site."""

    def replace(match: re.Match[str]) -> str:
        address = print_address(site_url, page_url, match.group(2))
        if address is None or "data-print=" in match.group(1):
            return match.group(0)
        return f'<a{match.group(1)} data-print="{html.escape(address, quote=True)}" href="{match.group(2)}"'

    return _LINK.sub(replace, page_html)
