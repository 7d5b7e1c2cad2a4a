"""The escaping helpers of macros/render.py, through the Markdown the site is built with."""

from __future__ import annotations

import markdown
import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from macros.render import anchor, esc, html_of, join, url_attr

HOSTILE = [
    "<script>alert(1)</script>", "</title><b>x</b>", '" onmouseover="alert(1)', "' autofocus onfocus='x",
    "[点我](javascript:alert(1))", "![图](data:text/html,x)", "{: onclick=alert(1) }", "x} onclick=1 {",
    "*粗* _斜_ `码` ~~删~~ | 表 | #标题", "行一\n\n<div onclick=1>块</div>\n\n*[行一]: <b>", "&lt;已转义&gt; &amp;",
    "{{ config }} {% include 'x' %}", "]]> --> <!--",
]


def render(text: str) -> BeautifulSoup:
    """Markdown with the extensions the site uses for text from data."""
    html = markdown.markdown(text, extensions=["attr_list", "md_in_html", "tables", "def_list", "abbr", "toc"])
    return BeautifulSoup(html, "lxml")


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("context", [
    "{}",                                          # a paragraph
    "## {} {{#anchor}}",                           # a heading with an attribute list
    "| a | b |\n| --- | --- |\n| {} | x |",        # a table cell
    "术语\n:   {}",                                # a definition
    "- [{}](page.md)",                             # a link's text
    '<div markdown>\n\n{}\n\n</div>',              # Markdown inside HTML
    '<svg><text>{}</text></svg>',                  # inline SVG, a raw HTML block
    '<p title="{}">x</p>',                         # an attribute value
])
def test_esc_keeps_text_as_text_in_every_place_it_goes(text: str, context: str) -> None:
    tree = render(context.format(esc(text)))
    assert not tree.find_all(lambda tag: any(name.startswith("on") for name in tag.attrs))
    assert not tree.find_all(["script", "b", "div"] if "<div markdown>" not in context else ["script", "b"])
    assert not tree.find_all(["em", "strong", "code", "del", "abbr", "img"])
    assert all(a.get("href") == "page.md" for a in tree.find_all("a"))
    flat = " ".join(text.split())
    shown = tree.find("p")["title"] if 'title="' in context else tree.get_text(" ", strip=False)
    assert flat in " ".join(shown.split()), (flat, shown)


def test_esc_is_markup_and_escapes_once() -> None:
    once = esc("<a>")
    assert isinstance(once, Markup) and esc(once) == once == "&lt;a&gt;"


def test_html_of_escapes_values_not_the_template() -> None:
    out = html_of('<a title="{}">{}</a>', '" onclick="x', Markup("<b>已安全</b>"))
    tag = BeautifulSoup(out, "lxml").a
    assert tag["title"] == '" onclick="x' and "onclick" not in tag.attrs and tag.b is not None
    assert join("、", ["<i>", Markup("<b>b</b>")]) == "&lt;i&gt;、<b>b</b>"


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:x", "data:text/html,x", "vbscript:x"])
def test_url_attr_refuses_addresses_that_run_code(url: str) -> None:
    with pytest.raises(ValueError, match="不允许"):
        url_attr(url)


def test_url_attr_keeps_site_and_web_addresses_escaped() -> None:
    assert url_attr("../methods/x/#step-1") == "../methods/x/#step-1"
    assert url_attr('https://example.org/?a=1&b="2"') == "https://example.org/?a=1&amp;b=&#34;2&#34;"


def test_anchor_is_one_token() -> None:
    assert anchor("辽宁省") == "辽宁省"
    assert anchor('x} onclick="1" {') == "x-onclick-1"
    assert anchor("<>") == "x"
