"""HTML from data: escaping by construction, safe addresses, and dates as readers read them.

Pure functions; every module that writes HTML or Markdown from data uses these (macros/render.py
re-exports them for the modules that have always imported them from there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from markupsafe import Markup, escape

UNKNOWN = "来源未载明"

# Characters HTML and Markdown (with its extensions: attr_list, abbr, tables, tildes) give a
# meaning to, written as character references. References read the same in Markdown text,
# in raw HTML blocks, in inline SVG and in quoted attribute values, so ``esc`` is right in all of them.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
_ENTITIES.update({char: f"&#{ord(char)};" for char in "\\`*_[]{}|#~!"})
_SPECIALS = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def esc(text: object) -> Markup:
    """Text from data, safe as Markdown text, as HTML text and as a quoted attribute value.

    Returns :class:`markupsafe.Markup`, the type of text that is already safe:
    a ``Markup`` is passed through unchanged, so escaping twice is harmless, and
    anything else is escaped. Line breaks become spaces: data fields are inline
    text and must not start a block (a list, a raw HTML block, a definition).
    """
    if isinstance(text, Markup):
        return text
    flat = _LINE_BREAKS.sub(" ", str(text))
    return Markup(_SPECIALS.sub(lambda m: _ENTITIES[m.group()], flat))


def html_of(template: str, *args: object, **kwargs: object) -> Markup:
    """HTML (or Markdown) from a trusted template and untrusted values: ``html_of("<b>{}</b>", name)``.

    Every value goes through :func:`esc` unless it is already ``Markup``, before it is put in:
    the values are then safe text, so plain ``str.format`` fills the template (markupsafe's own
    formatter, which escapes as it goes, costs ten times as much on pages of many links).
    """
    return Markup(template.format(*(esc(a) for a in args), **{k: esc(v) for k, v in kwargs.items()}))


def join(separator: str, parts: Iterable[object]) -> Markup:
    """``separator.join(parts)`` with each part escaped unless it is already ``Markup``."""
    return Markup(separator).join(esc(part) for part in parts)


_SAFE_SCHEMES = ("", "http", "https", "mailto")


def url_attr(url: str) -> Markup:
    """A URL for an ``href``/``src`` attribute of raw HTML: relative or http(s) only, escaped.

    ``javascript:``, ``data:`` and every other scheme raise ``ValueError``.
    """
    text = str(url).strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        raise ValueError(f"不允许的链接地址：{text[:80]}")
    return Markup(escape(text))


def date_text(value: str | None) -> str:
    """``2021-07-22`` → ``2021年7月22日``; partial dates keep their precision."""
    if not value:
        return UNKNOWN
    parts = [int(p) for p in value.split("-")]
    return "".join(f"{n}{unit}" for n, unit in zip(parts, ("年", "月", "日"), strict=False))
