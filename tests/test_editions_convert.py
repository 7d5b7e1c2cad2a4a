"""The Traditional edition written from a built Simplified site (macros/convert_edition.py), without a build."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from macros.convert_edition import Addresses, EditionJob, Report, convert_page, convert_rest, convert_sitemap, converts_page, readdress
from macros.editions import Converter, Edition, Glossary
from macros.handout import qr_svg
from macros.page_safety import with_policy
from macros.page_worker import BuiltPage, IndexJob, PageWorker
from macros.search_index import IndexReport, Page

ROOT_URL = "https://example.org/kb/"
HANT = Edition("zh-Hant", "繁體中文", "zh-Hant/", "s2tw")
ADDRESSES = Addresses("zh-Hans", HANT, ROOT_URL, ("admin/",))


@pytest.fixture(scope="module")
def converter() -> Converter:
    return Converter("s2tw", Glossary({"人名": {"于丽华": "于麗華"}}), {"数据": "資料"})


def switch(here_hans: str, here_hant: str, current: str) -> str:
    """The edition switch as overrides/partials/alternate.html writes it."""
    def link(href: str, lang: str) -> str:
        mark = ' aria-current="true"' if lang == current else ""
        return f'<a href="{href}" hreflang="{lang}" lang="{lang}" class="md-select__link"{mark}>'
    return link(here_hans, "zh-Hans") + "简体中文</a>" + link(here_hant, "zh-Hant") + "繁體中文</a>"


def page(body: str, switch_links: str = "", lang: str = "zh-Hans") -> str:
    return (f'<!doctype html><html lang="{lang}" class="no-js"><head>'
            '<meta http-equiv="Content-Security-Policy" content="kb-content-security-policy">'
            f'<link rel="canonical" href="{ROOT_URL}methods/a/"><title>数据</title></head>'
            f"<body>{switch_links}{body}</body></html>")


def test_a_page_takes_the_editions_language_addresses_and_switch() -> None:
    source = page('<a href="../../sources/">来源</a><a href="https://example.org/kb/admin/">编辑器</a>'
                  '<a data-print="https://example.org/kb/editing/" href="../../editing/">参与</a>',
                  switch("../../methods/a/", "../../zh-Hant/methods/a/", "zh-Hans"))
    result = readdress(source, ADDRESSES)
    assert '<html lang="zh-Hant"' in result
    assert f'<link rel="canonical" href="{ROOT_URL}zh-Hant/methods/a/">' in result
    # the twin is this page now; the source's page is a folder further up
    assert switch("../../../methods/a/", "../../methods/a/", "zh-Hant") in result
    assert '<a href="../../sources/">' in result  # relative links lead to the same edition's page
    assert 'data-print="https://example.org/kb/zh-Hant/editing/"' in result
    assert 'href="https://example.org/kb/admin/"' in result  # the web editor is the source's alone


def test_the_home_page_and_the_404_page_switch_correctly() -> None:
    home = readdress(page("", switch("./", "./zh-Hant/", "zh-Hans")), ADDRESSES)
    assert switch("./../", "./", "zh-Hant") in home
    # The 404 page is served at any depth: its links start at the site's path.
    missing = readdress(page('<a href="/kb/themes/">主题</a><script>__md_scope=new URL("/kb/",location)</script>',
                             switch("/kb/", "/kb/zh-Hant/", "zh-Hans")), ADDRESSES)
    assert switch("/kb/", "/kb/zh-Hant/", "zh-Hant") in missing
    assert '<a href="/kb/zh-Hant/themes/">' in missing and 'new URL("/kb/zh-Hant/",location)' in missing


def test_redirect_stubs_keep_their_language() -> None:
    stub = '<html lang="en"><head><meta http-equiv="refresh" content="0; url=../../methods/a/"></head></html>'
    assert readdress(stub, ADDRESSES) == stub  # a relative redirect leads to the edition's own page


def test_qr_codes_and_printed_addresses_are_the_editions(converter: Converter) -> None:
    address = f"{ROOT_URL}methods/a/"
    source = with_policy(page(qr_svg(address, f"本页网址的二维码：{address}") + f"<p>本页网址：{address}</p>"))
    result = convert_page(source, converter, ADDRESSES)
    hant = f"{ROOT_URL}zh-Hant/methods/a/"
    assert qr_svg(hant, f"本頁網址的二維碼：{hant}") in result  # drawn again for the edition's address
    assert qr_svg(address, "x").split(">", 1)[1] not in result
    assert f"本頁網址：{hant}" in result and "<title>資料</title>" in result


def test_a_page_whose_content_was_prepared_early_is_the_same_and_its_content_is_not_converted_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While MkDocs renders pages, the worker converts each page's content and draws its QR codes (EditionJob.content);
    the written page then takes them, and comes out as it would without."""
    address = f"{ROOT_URL}methods/a/"
    content = qr_svg(address, f"本页网址的二维码：{address}") + f"<p>本页网址：{address}</p>\n<p>邻里纠纷的调解数据</p>"
    source = with_policy(page(f'<article class="md-content__inner">\n{content}\n</article>'))  # as Material's template puts it
    expected = convert_page(source, Converter("s2tw"), ADDRESSES)

    converter = Converter("s2tw")
    converted: list[str] = []

    class Recording:
        def __init__(self, opencc) -> None:
            self.opencc = opencc

        def convert(self, text: str) -> str:
            converted.append(text)
            return self.opencc.convert(text)

    converter._opencc = Recording(converter._opencc)
    drawn: list[str] = []
    monkeypatch.setattr("macros.convert_edition.qr_svg", lambda url, label: drawn.append(url) or qr_svg(url, label))
    job = EditionJob(tmp_path, converter, ADDRESSES)
    job.content("methods/a/", content, True)
    assert drawn == [f"{ROOT_URL}zh-Hant/methods/a/"] and any("邻里纠纷" in text for text in converted)
    drawn.clear()
    converted.clear()
    job.page(BuiltPage("methods/a/index.html", source, "methods/a/", "数据", searched=False))
    assert (tmp_path / "zh-Hant/methods/a/index.html").read_text(encoding="utf-8") == expected
    assert drawn == [] and not any("邻里纠纷" in text or "本页网址" in text for text in converted)


def test_the_policy_is_recomputed_when_an_inline_script_changes(converter: Converter) -> None:
    source = with_policy(page('<script>alert("数据")</script><script>var a=1</script>'))
    result = convert_page(source, converter, ADDRESSES)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', result).group(1)
    for script in ('alert("資料")', "var a=1"):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert policy.count("sha256-") == 2
    unchanged = with_policy(page("<script>var a=1</script>"))
    assert convert_page(unchanged, converter, ADDRESSES).split("<body>")[0] == unchanged.split("<body>")[0].replace(
        'lang="zh-Hans"', 'lang="zh-Hant"').replace(f"{ROOT_URL}methods", f"{ROOT_URL}zh-Hant/methods").replace("数据", "資料")


def test_the_sitemap_lists_the_editions_addresses_with_the_same_pairs() -> None:
    source = (f"<url><loc>{ROOT_URL}methods/a/</loc>"
              f'<xhtml:link rel="alternate" hreflang="zh-Hans" href="{ROOT_URL}methods/a/"/>'
              f'<xhtml:link rel="alternate" hreflang="zh-Hant" href="{ROOT_URL}zh-Hant/methods/a/"/></url>')
    assert convert_sitemap(source, ADDRESSES) == source.replace(f"<loc>{ROOT_URL}", f"<loc>{ROOT_URL}zh-Hant/")


class RecordingIndex(IndexJob):
    """The edition's index, as a record of the pages it is given (a file in the edition's folder)."""

    def __init__(self, folder: Path, broken: bool = False) -> None:  # not the real one's: no data, no jieba
        self.folder, self.broken, self.pages = folder, broken, {}

    def preparing(self) -> Iterator[None]:
        self.prepared = 0
        for _ in range(3):  # the worker takes these steps when no page waits, and all before finish
            self.prepared += 1
            yield

    def add(self, page: Page) -> None:
        self.pages[page.location] = page

    def finish(self) -> IndexReport:
        if self.broken:
            raise OSError("disk full")
        (self.folder / "indexed.json").write_text(json.dumps(
            {"pages": [[p.location, p.title, p.text] for p in self.pages.values()], "prepared": self.prepared},
            ensure_ascii=False), encoding="utf-8")
        return IndexReport(len(self.pages), 0, 0, 0.0)


BUILT = {
    "index.html": page('<article class="md-content__inner"><h1>数据</h1><p>于丽华说“好”</p></article>',
                       switch("./", "./zh-Hant/", "zh-Hans")),
    "methods/a/index.html": page("<h1>甲</h1>"),
    "admin/index.html": page("<h1>编辑器</h1>"),
    "404.html": page("<h1>数据</h1>"),
    "javascripts/kb.js": 'label = "数据";',
    "training/session.json": json.dumps({"address": f"{ROOT_URL}training/a/", "name": "数据"}, ensure_ascii=False),
    "assets/theme.js": 'var t = "数据";',
    "sitemap.xml": f"<urlset><url><loc>{ROOT_URL}</loc></url></urlset>",
    "sitemap.xml.gz": "",
    "search/search_index.json": json.dumps({"config": {"fields": {"title": {"boost": 1}}},
                                            "docs": [{"location": "", "title": "数据", "text": ""}]}),
    "search/kb/meta.json": json.dumps({"docs": 1}),
}
PAGES = ("index.html", "methods/a/index.html", "admin/index.html")  # what MkDocs renders as pages (not the 404)


def build_edition(site: Path, converter: Converter, *, processes: bool, broken_index: bool = False) -> tuple[Report, Report]:
    """What a build does: the built site's files written, each page handed to the edition's job as it is,
    the rest converted after the build; (the job's report, the rest's)."""
    for name, text in BUILT.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    job = EditionJob(site, converter, ADDRESSES, RecordingIndex(site / "zh-Hant", broken_index))
    worker = PageWorker([job], processes=processes)
    handed: set[str] = set()
    for name in PAGES:
        worker.page(BuiltPage(name, BUILT[name], name.removesuffix("index.html"), "", searched=True))
        if converts_page(name, BUILT[name], ADDRESSES):
            handed.add(name)
    worker.finish()
    rest = convert_rest(site, converter, ADDRESSES, {"javascripts/kb.js", "training/session.json"}, handed)
    (pages,) = worker.results()
    assert isinstance(pages, Report)
    return pages, rest


def test_a_built_site_becomes_both_editions(converter: Converter, tmp_path: Path) -> None:
    site = tmp_path / "site"
    pages, rest = build_edition(site, converter, processes=False)
    hant = site / "zh-Hant"
    home = (hant / "index.html").read_text(encoding="utf-8")
    assert "<h1>資料</h1><p>于麗華說「好」</p>" in home and '<html lang="zh-Hant"' in home
    assert (hant / "methods/a/index.html").is_file() and not (hant / "admin").exists()
    assert "<h1>資料</h1>" in (hant / "404.html").read_text(encoding="utf-8")
    assert (hant / "javascripts/kb.js").read_text(encoding="utf-8") == 'label = "資料";'
    assert json.loads((hant / "training/session.json").read_text(encoding="utf-8")) == {
        "address": f"{ROOT_URL}zh-Hant/training/a/", "name": "資料"}
    assert (hant / "assets/theme.js").read_text(encoding="utf-8") == 'var t = "数据";'  # not the site's own text
    assert gzip.decompress((hant / "sitemap.xml.gz").read_bytes()).decode() == f"<urlset><url><loc>{ROOT_URL}zh-Hant/</loc></url></urlset>"
    material = json.loads((hant / "search/search_index.json").read_text(encoding="utf-8"))
    assert material["docs"][0]["title"] == "資料" and material["docs"][0]["title_hans"] == "数据"
    assert not (hant / "search/kb").exists()  # each edition writes its own, from its own pages' text
    assert json.loads((hant / "indexed.json").read_text()) == {"pages": [["", "資料", "資料\n于麗華說「好」"]], "prepared": 3}
    assert (pages.pages, pages.indexed, rest.pages) == (2, 1, 1)  # the 404 page is not one MkDocs hands over
    assert (site / "index.html").read_text(encoding="utf-8") == BUILT["index.html"]  # the source is left as it was
    in_this_process = {p.relative_to(hant): p.read_bytes() for p in hant.rglob("*") if p.is_file()}
    # again, the pages converted in a forked process beside the "build": the same edition
    assert build_edition(site, converter, processes=True) == (pages, rest)
    assert {p.relative_to(hant): p.read_bytes() for p in hant.rglob("*") if p.is_file()} == in_this_process


def test_an_index_that_fails_in_its_own_process_stops_the_build(converter: Converter, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="页面处理进程出错：OSError: disk full"):
        build_edition(tmp_path / "site", converter, processes=True, broken_index=True)
