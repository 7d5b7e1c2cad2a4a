"""Stable addresses, QR codes and the handout block of method and studio pages.

Pure functions: addresses and records in, URLs, SVG and Markdown out. The QR
code is encoded offline by zxing-cpp and drawn here; nothing is requested from another host.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import zxingcpp

from . import sitemap


def short_path(kind: str, record_id: str) -> str:
    """Site-relative short link of a record, e.g. ``m/sanbu-tiaojie/``."""
    return f"{sitemap.SHORT_PREFIX[kind]}/{record_id}/"


def absolute(site_url: str, path: str) -> str:
    """``site_url`` joined with a site-relative path (``site_url`` may lack its trailing slash)."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def short_redirects(ids_by_kind: dict[str, list[str]]) -> dict[str, str]:
    """mkdocs-redirects ``redirect_maps``: ``m/<id>.md`` → ``methods/<id>.md`` for every record with a
    page, ``t/<id>.md`` → ``training/<id>.md`` and ``c/<id>.md`` → ``training/cards/<id>.md`` for every
    method, ``v/<id>.md`` → ``training/visits/<id>.md`` for every site."""
    maps: dict[str, str] = {}
    for folder, prefix in sitemap.SHORT_PREFIX.items():
        for record_id in ids_by_kind.get(sitemap.RECORDS_OF[folder], []):
            maps[f"{prefix}/{record_id}.md"] = f"{folder}/{record_id}.md"
    return maps


# The folders of printable pages, the longer first, so a card is not read as a plan.
_PRINTABLE_FOLDERS = "|".join(sorted(sitemap.SHORT_PREFIX, key=len, reverse=True))
_HANDOUT_PAGE = re.compile(rf"^({_PRINTABLE_FOLDERS})/([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def _built_from(folder: str, record_id: str) -> tuple[str, ...]:
    """The repository files a printable page is built from (a record page generated from the data
    has no Markdown file: the stage handout keeps only the files that exist). A card and a visit sheet are
    drawn from the data alone; a training plan also from its method's page."""
    kind = sitemap.RECORDS_OF[folder]
    data = sitemap.data_file(kind, record_id)
    return (data,) if folder in ("training/cards", "training/visits") else ("docs/" + sitemap.record_path(kind, record_id), data)


_NOT_HANDOUTS = {"index", "session"}


@dataclass(frozen=True)
class Handout:
    """A printable page: its own address, the short link printed for it, the files it is built from."""

    page: str
    short: str
    files: tuple[str, ...]


def handout_target(src_uri: str) -> Handout | None:
    """The printable page a source file becomes (with its short link), or ``None`` for pages that are not handouts."""
    match = _HANDOUT_PAGE.match(src_uri)
    if not match or match.group(2) in _NOT_HANDOUTS:
        return None
    folder, record_id = match.groups()
    return Handout(f"{folder}/{record_id}/", short_path(folder, record_id),
                   _built_from(folder, record_id))


# A short link is printed whole when host and path fit in this many characters; else as the path
# to type after the site's address.
SHORT_LINK_LIMIT = 30


def host_of(site_url: str) -> str:
    """``https://example.org/kb/`` → ``example.org/kb``."""
    parts = urlsplit(site_url)
    return (parts.netloc + parts.path).rstrip("/")


def short_link_text(short_host: str, path: str) -> str:
    """The short link as printed: ``host/path`` when short enough to type, else the path form."""
    whole = f"{short_host.rstrip('/')}/{path}"
    return whole if len(whole) <= SHORT_LINK_LIMIT else f"{path}（接在 {short_host.rstrip('/')}/ 之后）"


def version_links(repo_url: str | None, commit: str | None, files: list[str]) -> list[tuple[str, str]]:
    """(file, URL of that file at ``commit``) for each repository file a page is built from."""
    if not repo_url or not commit:
        return []
    base = repo_url.rstrip("/")
    return [(name, f"{base}/blob/{commit}/{name}") for name in files]


# How codes are drawn: error correction M (a printed page may be creased or smudged), 4 px per module,
# the standard quiet zone of 4 modules around the symbol.
_QR_EC_LEVEL = "M"
_QR_SCALE = 4
_QR_BORDER = 4


def qr_svg(url: str, label: str) -> str:
    """An inline, accessible SVG QR code of ``url`` (error correction M, quiet zone kept)."""
    svg = _qr_code(url)
    # The picture is named for screen readers; the address itself is printed beside it.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label, quote=True)}" ', 1)


@functools.lru_cache(maxsize=8192)  # a method's page, training plan and card carry the same code
def _qr_code(url: str) -> str:
    # zxing-cpp encodes (its C++ choice of the best mask costs a tenth of a pure-Python one, which
    # was most of a large build's time); the SVG is drawn here, one stroke per run of dark modules.
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=_QR_EC_LEVEL)
    image = code.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    modules = bytes(image)  # type: ignore[call-overload]  # zxingcpp.Image is a buffer; its stub does not say so
    full = size + 2 * _QR_BORDER
    pixels = full * _QR_SCALE
    return (f'<svg viewBox="0 0 {pixels} {pixels}" xmlns="http://www.w3.org/2000/svg" width="{pixels}" height="{pixels}" '
            f'class="kb-qr-code"><g transform="scale({_QR_SCALE})"><path fill="#fff" d="M0 0h{full}v{full}h-{full}z"/>'
            f'<path stroke="#000" d="{_dark_runs(modules, size)}"/></g></svg>')


def _dark_runs(modules: bytes, size: int) -> str:
    """A path of horizontal strokes, one per run of dark modules (0 in zxing-cpp's image, row by row), each at
    the middle of its row, with moves relative to the end of the previous stroke."""
    steps = [f"M{_QR_BORDER} {_QR_BORDER}.5"]
    x, y = _QR_BORDER, _QR_BORDER
    for row in range(size):
        column = 0
        while column < size:
            if modules[row * size + column]:
                column += 1
                continue
            start = column
            while column < size and not modules[row * size + column]:
                column += 1
            dx, dy = start + _QR_BORDER - x, row + _QR_BORDER - y
            move = f"m{dx} {dy}" if dx or dy else ""
            steps.append(f"{move}h{column - start}")
            x, y = column + _QR_BORDER, row + _QR_BORDER
    return "".join(steps)


@dataclass(frozen=True)
class HandoutBlock:
    """What a printable page carries besides its text: ``screen``, for readers who edit, folded under
    the page with the other editors' matter (overrides/partials/kb-page-meta.html); ``paper``, the
    footer printed at the end of the handout (hidden on screen, kb-print.css)."""

    screen: str
    paper: str


def address_qr_code(canonical: str) -> str:
    """The QR code printed on a page: its own address (``canonical``), named for screen readers."""
    return qr_svg(canonical, f"本页网址的二维码：{canonical}")


def handout_block(*, handout: Handout, site_url: str, short_host: str | None, repo_url: str | None,
                  commit: str | None, qr_code: str | None = None) -> HandoutBlock:
    """On screen the short link and the files the page was built from; on paper a footer with the
    page's own address, short link and QR code (a QR code is for a phone to read off paper, so it is
    not shown on a screen, which often is that phone). ``qr_code``: :func:`address_qr_code` of the
    page's address, drawn beforehand."""
    canonical = absolute(site_url, handout.page)
    short = absolute(site_url, handout.short)
    short_text = short_link_text(short_host or host_of(site_url), handout.short)
    esc = functools.partial(html.escape, quote=True)
    svg = qr_code if qr_code is not None else address_qr_code(canonical)  # drawn beforehand, or now
    links = version_links(repo_url, commit, list(handout.files))
    if links and commit:
        version = ('<p class="kb-version">本页依据的文件：'
                   + "、".join(f'<a href="{esc(url)}">{esc(posixpath.basename(name))}</a>' for name, url in links)
                   + f'<span class="kb-version-id">（版本 {esc(commit[:7])}）</span></p>')
        version_print = f'<span class="kb-version-id">版本 {esc(commit[:7])}</span>'
    else:
        version, version_print = "", ""
    screen = (f'<div class="kb-qr"><p>短链接：<a class="kb-short-link" href="{esc(short)}">{esc(short_text)}</a></p>'
              f"{version}</div>")
    paper = ('\n\n<div class="kb-print-footer" aria-hidden="true" markdown="0" data-search-exclude>'
             f"{svg}<p>本页网址：{esc(canonical)}<br>短链接：{esc(short_text)}<br>{version_print}</p>"
             "</div>\n")
    return HandoutBlock(screen, paper)


_LINK = re.compile(r'<a\b([^>]*?)\shref="([^"#][^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# A printable page with a short link.
_SHORT_LINKED_PAGE = re.compile(rf"^({_PRINTABLE_FOLDERS})/([a-z0-9]+(?:-[a-z0-9]+)*)/(#.*)?$")
# Links whose words already name where they go, so nothing is printed after them: into the list of
# sources (the line names the article and its file), to a region's page, a facet's list of records
# (browse/<kind>/<facet>/<value>/, of one or two facets, perhaps a further page, at its results) or a
# theme's tag, each linked by its name.
_NAMED_BY_ITS_WORDS = re.compile(
    r"^(?:sources/(#.*)?|regions/\d+/|browse/[a-z-]+/(?:[a-z-]+/[a-z0-9-]+/)+(?:page-\d+/)?(?:#kb-results)?|tags/#tag:.+)$")


# A relative link made of a path and perhaps an anchor: no scheme, host, query, leading or double slash.
_PLAIN_RELATIVE = re.compile(r"(?!.*//)[\w.~%-][\w.~%/-]*(?:#.*)?\Z")


def site_path(page_url: str, href: str) -> str | None:
    """Where the relative link ``href`` of the page at ``page_url`` leads, from the site's root
    (``urljoin`` on paths, without its cost on thousands of pages), or ``None`` when it climbs
    above the root."""
    path, hash_sign, fragment = href.partition("#")
    folder = page_url if page_url.endswith("/") else page_url.rpartition("/")[0] + "/" if "/" in page_url else ""
    segments = (folder + path).split("/")
    resolved: list[str] = []
    for number, segment in enumerate(segments):
        last = number == len(segments) - 1
        if segment == "..":
            if not resolved:
                return None
            resolved.pop()
        if segment in (".", ".."):
            if last:
                resolved.append("")
        else:
            resolved.append(segment)
    return "/".join(resolved) + hash_sign + fragment


def print_address(site_url: str, page_url: str, href: str, short_host: str | None = None) -> str | None:
    """The address a printed page shows for a link, or ``None`` when none is printed.

    A record page, training plan, card or visit sheet: its short link, anchor kept (the path alone
    when the host is long; the page's footer says which host it follows). Another page of the site:
    its absolute URL. Another host: the link as written. A link into the sources list, to a region,
    a facet's list or a theme: nothing (its words name it).
    """
    href = html.unescape(href)
    relative = site_path(page_url, href) if _PLAIN_RELATIVE.match(href) else None
    if relative is None:
        if urlsplit(href).scheme or href.startswith("//"):
            return href
        target = urljoin(absolute(site_url, page_url), href)
        root = absolute(site_url, "")
        if not target.startswith(root):
            return target
        relative = target[len(root):]
    if _NAMED_BY_ITS_WORDS.match(relative):
        return None
    match = _SHORT_LINKED_PAGE.match(relative)
    if match and match.group(2) not in _NOT_HANDOUTS | {"cards", "visits"}:
        path = short_path(match.group(1), match.group(2)) + (match.group(3) or "")
        whole = f"{(short_host or host_of(site_url)).rstrip('/')}/{path}"
        return whole if len(whole) <= SHORT_LINK_LIMIT else path
    return absolute(site_url, relative)


def mark_print_addresses(page_html: str, site_url: str, page_url: str, short_host: str | None = None) -> str:
    """Adds ``data-print`` (the address to print after it) to every link whose words do not
    already say where it goes."""

    def replace(match: re.Match[str]) -> str:
        before, href, after, text = match.groups()
        address = print_address(site_url, page_url, href, short_host)
        words = html.unescape(_TAG.sub("", text))
        if address is None or "data-print=" in before + after or address in words or html.unescape(href) in words:
            return match.group(0)
        return f'<a{before} data-print="{html.escape(address, quote=True)}" href="{href}"{after}>{text}</a>'

    return _LINK.sub(replace, page_html)
