"""A page that cannot be made to call home: what page content may hold, outbound links, and the CSP.

Pure functions over HTML; kb_build/page_html.py and kb_build/csp.py call them.

- :func:`content_problems` lists what a page's content (its Markdown, rendered)
  may not hold: script, event handlers, ``javascript:``/``data:`` addresses,
  frames and embedded objects, and anything loaded from another host. A page
  holding any of them stops the build (a reviewer reads the diff, not the page).
- :func:`mark_outbound_links` gives every link that leaves the site
  ``rel="noopener noreferrer"``.
- :func:`with_policy` fills the page's Content Security Policy (a meta tag
  written by overrides/main.html) with the hashes of the page's own inline
  scripts, so no other inline script runs and nothing loads from another host.
"""

from __future__ import annotations

import base64
import hashlib
import re

from selectolax.lexbor import LexborHTMLParser

# Elements that run code, embed other documents or change where the page's addresses point.
_FORBIDDEN_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
                       "style", "portal", "noscript", "template"}
# Attributes holding an address the browser loads or follows.
_URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href", "background",
                   "cite", "longdesc", "ping", "manifest", "codebase", "lowsrc", "dynsrc"}
# Of those, the ones the browser fetches when the page loads (links are followed only on a click).
_LOADED_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "manifest", "codebase"}
_BAD_SCHEME = re.compile(r"^[\x00-\x20]*(?:j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|v\s*b\s*s\s*c\s*r\s*i\s*p\s*t|data)\s*:", re.IGNORECASE)
_OFF_SITE = re.compile(r"^[\x00-\x20]*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def _start_tag(tag: str, attributes: dict[str, str | None]) -> str:
    shown = "".join(f" {name}" if value is None else f' {name}="{value}"' for name, value in attributes.items())
    return f"<{tag}{shown}>"


def content_problems(html: str) -> list[str]:
    """What the rendered content of a page may not hold, one Chinese sentence each.

    The content is parsed as a browser parses it (Lexbor, an HTML5 parser), so what is
    checked is what a browser would build, however the markup is bent.
    """
    problems: list[str] = []
    root = LexborHTMLParser(html).root
    for node in root.traverse(include_text=False) if root is not None else ():
        tag, attributes = node.tag or "", node.attributes
        if tag in _FORBIDDEN_ELEMENTS:
            problems.append(f"不能使用 <{tag}> 元素：{_start_tag(tag, attributes)[:80]}")
        for name, value in attributes.items():
            value = value or ""
            if name.startswith("on"):
                problems.append(f"不能使用事件属性 {name}（会运行脚本）：{_start_tag(tag, attributes)[:80]}")
            elif name == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.IGNORECASE):
                problems.append(f"style 属性里不能引用地址：{_start_tag(tag, attributes)[:80]}")
            elif name in _URL_ATTRIBUTES:
                addresses = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
                for address in addresses:
                    if _BAD_SCHEME.match(address):
                        problems.append(f"不能使用 javascript: 或 data: 地址：{_start_tag(tag, attributes)[:80]}")
                    elif name in _LOADED_ATTRIBUTES and _OFF_SITE.match(address):
                        problems.append(f"不能从其他网站加载内容（图片、视频等请放进本仓库）：{_start_tag(tag, attributes)[:80]}")
    return problems


_ANCHOR_TAG = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_REL = re.compile(r"""\srel\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_OUTBOUND = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


def mark_outbound_links(html: str) -> str:
    """``rel="noopener noreferrer"`` on every ``<a>`` whose address leaves the site (other rel values kept)."""

    def mark(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if not href or not _OUTBOUND.match(next(g for g in href.groups() if g is not None)):
            return tag
        rel = _REL.search(tag)
        if rel is None:
            return tag[:2] + ' rel="noopener noreferrer"' + tag[2:]
        values = (rel.group(1) if rel.group(1) is not None else rel.group(2)).split()
        values += [v for v in ("noopener", "noreferrer") if v not in values]
        return tag[: rel.start()] + f' rel="{" ".join(values)}"' + tag[rel.end():]

    return _ANCHOR_TAG.sub(mark, html)


# overrides/main.html writes this meta tag; with_policy fills in its content.
POLICY_PLACEHOLDER = "kb-content-security-policy"
_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_DATA_BLOCK = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json""", re.IGNORECASE)

# Nothing from any other host. Styles: the theme's files; style="" attributes (tables' alignment)
# cannot load anything once url() is refused in content. Images: the site's and the theme's
# inline icons (data: URLs in its stylesheet). The search worker is a file of the site.
# No page sets a <base> ('none'); forms (the search box, the session builder) only ever go to
# the site itself. frame-ancestors is ignored in a <meta> policy, and GitHub Pages sends no
# header: docs/javascripts/kb-frame-guard.js keeps a page hidden inside another site's frame.
_POLICY = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; frame-src 'none'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; manifest-src 'self'"
)


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources (``'sha256-…'``) for every inline script the page runs, in order, without repeats."""
    hashes: list[str] = []
    for match in _INLINE_SCRIPT.finditer(html):
        attributes, body = match.groups()
        if re.search(r"\bsrc\s*=", attributes, re.IGNORECASE) or _DATA_BLOCK.search(attributes):
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def content_security_policy(html: str) -> str:
    hashes = inline_script_hashes(html)
    return _POLICY.format(hashes="".join(f" {h}" for h in hashes))


def with_policy(html: str) -> str:
    """The page with its CSP meta tag filled in (a page without the placeholder is returned unchanged)."""
    if POLICY_PLACEHOLDER not in html:
        return html
    return html.replace(POLICY_PLACEHOLDER, content_security_policy(html), 1)


def redirect_policy_tag(html: str) -> str:
    """The CSP meta tag of a redirect page (mkdocs-redirects): it loads nothing and runs only its own script."""
    hashes = "".join(f" {h}" for h in inline_script_hashes(html))
    return f"""<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src{hashes or " 'none'"}; base-uri 'none'; form-action 'none'">"""
