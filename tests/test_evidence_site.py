"""Evidence on the built site: markers lead to numbered notes without JavaScript, every note quotes its
article, the Traditional edition converts the quotes, a record without evidence says so, the first
report is said once, and method listings carry the completeness badge. Reads the one shared build."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros import articles, sitemap
from macros.knowledge_base import sources_dir_for
from tests.conftest import ROOT, project_kb
from tests.pages import HANT, ParsedPages

pytestmark = pytest.mark.build

KB = project_kb()
SOURCES = sources_dir_for(ROOT)
SUPPORTED = [f"{kind}/{record.id}/" for kind in sitemap.PAGED_KINDS for record in KB.records(kind).values() if record.evidence]
UNSUPPORTED = [f"{kind}/{record.id}/" for kind in sitemap.PAGED_KINDS for record in KB.records(kind).values() if not record.evidence]


def test_every_marker_is_a_footnote_link_to_a_note_that_leads_back(built_site: Path, site_pages: ParsedPages) -> None:
    assert SUPPORTED, "some record carries evidence"
    for path in SUPPORTED:
        page = site_pages(built_site / path / "index.html")
        markers = page.select("article sup.kb-ev > a.kb-ev-link")
        assert markers, path
        notes = {note["id"]: note for note in page.select("article section#evidence ol.kb-evidence-list > li")}
        for marker in markers:
            note = notes[marker["href"].removeprefix("#")]  # the footnote a reader without JavaScript follows
            back = note.select_one("a.kb-ev-back")["href"].removeprefix("#")
            assert page.find(id=back) is not None and page.find(id=back).name == "sup", (path, back)
            assert marker.get_text() == note["id"].removeprefix("kb-ev-")
        for note in notes.values():
            assert note.select_one("q.kb-ev-quote").get_text(strip=True), path
            assert note.select_one(".kb-ev-source").get_text().startswith("出自"), path
        # Its script, from inside the content (instant navigation runs it there too), and no inline script.
        scripts = [script.get("src", "") for script in page.select("article ~ script, .md-content script")]
        assert any(src.endswith("javascripts/kb-evidence.js") for src in scripts), path


@pytest.mark.skipif(SOURCES is None, reason="the shared articles are not beside this checkout")
def test_every_note_on_the_site_quotes_its_article(built_site: Path, site_pages: ParsedPages) -> None:
    for path in SUPPORTED:
        page = site_pages(built_site / path / "index.html")
        for note in page.select("section#evidence li"):
            source_id = note.select_one(".kb-ev-links a[href*='sources/#']")["href"].rsplit("#", 1)[1]
            article = articles.read_article(SOURCES / KB.sources[source_id].file)  # type: ignore[operator]  # SOURCES is checked by skipif
            assert articles.contains(article, note.select_one("q").get_text()), (path, note.get_text())


def test_the_traditional_edition_converts_the_quotes(built_site: Path, site_pages: ParsedPages) -> None:
    path = SUPPORTED[0]
    simplified = [q.get_text() for q in site_pages(built_site / path / "index.html").select("section#evidence q")]
    traditional = [q.get_text() for q in site_pages(built_site / HANT / path / "index.html").select("section#evidence q")]
    assert len(traditional) == len(simplified) and traditional != simplified
    assert [articles.compact(quote) for quote in traditional] == [articles.compact(quote) for quote in simplified]


def test_pages_without_markers_load_no_evidence_script(built_site: Path, site_pages: ParsedPages) -> None:
    for path in ["", "methods/", "about/", *UNSUPPORTED[:3]]:
        page = site_pages(built_site / path / "index.html")
        assert not page.select("sup.kb-ev, section#evidence"), path
        assert "kb-evidence.js" not in str(page.select("script")), path


def test_a_record_without_evidence_says_so_on_its_page(built_site: Path, site_pages: ParsedPages) -> None:
    if not UNSUPPORTED:
        pytest.skip("every record carries evidence")
    for path in UNSUPPORTED[:5]:
        mark = site_pages(built_site / path / "index.html").select_one("article .kb-unsupported")
        assert mark is not None and "未附依据" in mark.get_text(), path
    for path in SUPPORTED:
        assert site_pages(built_site / path / "index.html").select_one(".kb-unsupported") is None, path


def test_the_first_report_is_said_once_and_never_also_missing(built_site: Path, site_pages: ParsedPages) -> None:
    for method_id in KB.methods:
        page = site_pages(built_site / "methods" / method_id / "index.html")
        card = page.select_one("article .kb-method")
        shown = [dt for dt in card.select("dt") if dt.get_text() == "首次报道"]
        mark = page.select_one("article .kb-completeness").get_text()
        assert len(shown) <= 1, method_id
        assert ("首次报道" in mark) == (not shown), method_id
        assert page.select_one("article").get_text().count("最早见于") == 0, method_id


def test_method_listings_show_the_completeness_level(built_site: Path, site_pages: ParsedPages) -> None:
    cards = site_pages(built_site / "methods" / "index.html").select("li.kb-item")
    assert cards
    for card in cards:
        levels = [dt.find_next_sibling("dd").get_text() for dt in card.select("dt") if dt.get_text() == "资料完整度"]
        assert levels and levels[0] in ("完整", "较完整", "待补充"), card.get_text()[:40]
    shard = (built_site / "browse" / "methods" / "shard-0.json").read_text(encoding="utf-8")
    assert '"资料完整度"' in shard
