"""Both editions as built: same pages, switch links, hreflang, sitemaps, Traditional text and search index.

Links and anchors inside both editions are checked by tests/test_site.py on the same tree."""

from __future__ import annotations

import json
import math
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, Tag
from mkdocs.config import load_config

from macros.editions import edition_converter
from macros.glossary_review import pending_names
from macros.knowledge_base import load_or_raise
from tests.conftest import ROOT
from tests.pages import HANT, ParsedPages, text_outside

pytestmark = pytest.mark.build

SITE_URL = load_config(str(ROOT / "mkdocs.yml"))["site_url"]
# The Traditional edition's own converter (OpenCC config, glossary and vocabulary from mkdocs.yml).
CONVERTER = edition_converter({**load_config(str(ROOT / "mkdocs.yml"))["extra"], "edition": HANT}, ROOT)


def _is_redirect(page: Path) -> bool:
    """A mkdocs-redirects stub (short links /m/<id>/, /s/<id>/, renamed pages): not a content page."""
    return 'http-equiv="refresh"' in page.read_text(encoding="utf-8")[:600]


def pages(site: Path) -> set[str]:
    """Content pages of one edition (404.html, theme assets, redirect stubs and the web editor,
    which only the Simplified source edition has, left out)."""
    found = set()
    for folder, _, files in os.walk(site):
        if "index.html" in files:
            relative = (Path(folder) / "index.html").relative_to(site).as_posix()
            if not relative.startswith(("assets/", "admin/", f"{HANT}/")) and not _is_redirect(Path(folder) / "index.html"):
                found.add(relative)
    return found


def is_hidden(tag: Tag) -> bool:
    """Not read as the page's own text: scripts, styles, and text that declares its own (Simplified) script."""
    return tag.name in ("script", "style") or (tag.get("lang") == "zh-Hans" and tag.name != "html")


def visible_text(tree: BeautifulSoup) -> str:
    """What a reader sees (and the title), minus text that declares its own script."""
    return "\n".join(filter(None, (tree.title.get_text() if tree.title else "",
                                    text_outside(tree.body, is_hidden) if tree.body else "")))


@pytest.fixture(scope="module")
def both(editions_site: Path) -> tuple[Path, Path]:
    return editions_site, editions_site / HANT


def test_every_page_is_in_both_editions(both: tuple[Path, Path]) -> None:
    simplified, traditional = both
    assert pages(simplified) and pages(simplified) == pages(traditional)
    assert (traditional / "404.html").is_file() and (traditional / "search/search_index.json").is_file()


def test_pages_declare_their_script(both: tuple[Path, Path], site_pages: ParsedPages) -> None:
    simplified, traditional = both
    for page in pages(simplified):
        assert site_pages(simplified / page).html["lang"] == "zh-Hans", page
        assert site_pages(traditional / page).html["lang"] == "zh-Hant", page
    assert site_pages(traditional / "404.html").html["lang"] == "zh-Hant"


def test_switch_links_lead_to_the_same_page_in_the_other_edition(both: tuple[Path, Path], site_pages: ParsedPages) -> None:
    root, traditional = both
    problems = []
    for page in sorted(pages(root)):
        for here, there, lang in ((root / page, traditional / page, HANT), (traditional / page, root / page, "zh-Hans")):
            links = site_pages(here).select(f"a.md-select__link[hreflang={lang}]")
            if len(links) != 1:
                problems.append(f"{here.relative_to(root)}: {len(links)} switch links to {lang}")
                continue
            target = Path(os.path.normpath(here.parent / unquote(links[0]["href"])))
            target = target / "index.html" if target.is_dir() else target
            if target != there or not target.is_file():
                problems.append(f"{here.relative_to(root)} → {links[0]['href']} is not {there.relative_to(root)}")
            elif links[0].get_text(strip=True) != ("繁體中文" if lang == HANT else "简体中文"):
                problems.append(f"{here.relative_to(root)}: switch says {links[0].get_text(strip=True)}")
    assert not problems, "\n".join(problems[:20])


SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_each_edition_has_its_own_sitemap_with_hreflang_alternates(both: tuple[Path, Path]) -> None:
    root, traditional = both
    for site, prefix in ((root, SITE_URL), (traditional, f"{SITE_URL}{HANT}/")):
        entries = ET.parse(site / "sitemap.xml").getroot().findall("s:url", SITEMAP)
        assert {e.find("s:loc", SITEMAP).text for e in entries} == {prefix + p.removesuffix("index.html") for p in pages(root)}
        for entry in entries:
            url = entry.find("s:loc", SITEMAP).text.removeprefix(prefix)
            alternates = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link[@rel='alternate']", SITEMAP)}
            assert alternates == {"zh-Hans": SITE_URL + url, HANT: f"{SITE_URL}{HANT}/{url}", "x-default": SITE_URL + url}


def test_pages_name_their_edition_and_no_other_host_in_the_head(both: tuple[Path, Path], site_pages: ParsedPages) -> None:
    """Canonical addresses are the edition's own. No <link rel=alternate> in the head: Material's
    instant navigation would fetch <href>/sitemap.xml from each (hreflang is in the sitemaps)."""
    root, traditional = both
    for page in pages(root):
        url = page.removesuffix("index.html")
        assert site_pages(root / page).select_one("link[rel=canonical]")["href"] == SITE_URL + url
        assert site_pages(traditional / page).select_one("link[rel=canonical]")["href"] == f"{SITE_URL}{HANT}/{url}"
        for edition in (root, traditional):
            assert not site_pages(edition / page).select("link[rel=alternate]"), (edition, page)


def test_traditional_pages_are_the_simplified_ones_converted(both: tuple[Path, Path], site_pages: ParsedPages) -> None:
    root, traditional = both
    for page in pages(root):
        hans, hant = site_pages(root / page), site_pages(traditional / page)
        assert hant.title.get_text() == CONVERTER.convert(hans.title.get_text()), page
        assert hant.h1.get_text() == CONVERTER.convert(hans.h1.get_text()), page
        nav_hans = [a.get_text(" ", strip=True) for a in hans.select("nav.md-nav--primary a")]
        nav_hant = [a.get_text(" ", strip=True) for a in hant.select("nav.md-nav--primary a")]
        assert nav_hant == [CONVERTER.convert(label) for label in nav_hans], page
        assert hant.select_one("input.md-search__input")["placeholder"] == CONVERTER.convert(
            hans.select_one("input.md-search__input")["placeholder"])
    config = json.loads(site_pages(traditional / "index.html").select_one("script#__config").string)
    hans_config = json.loads(site_pages(root / "index.html").select_one("script#__config").string)
    assert config["translations"] == {k: CONVERTER.convert(v) for k, v in hans_config["translations"].items()}
    assert config["translations"] != hans_config["translations"]  # the theme's strings, e.g. 搜索结果
    home = site_pages(traditional / "index.html").get_text()
    assert "社區工作法知識庫" in home and "社区工作法知识库" not in home


def test_names_in_the_traditional_edition_take_their_glossary_form(both: tuple[Path, Path], site_pages: ParsedPages) -> None:
    _, traditional = both
    from macros import facets
    from macros.knowledge_base import load_or_raise

    mentors = load_or_raise(ROOT / "data").mentors.values()
    # The listing in pages of twenty: the list page, then browse/mentors/page-N/.
    listing = [facets.served(facets.listing_path("mentors", page=number))
               for number in range(1, math.ceil(len(mentors) / facets.PAGE_SIZE) + 1)]
    text = "".join(site_pages(traditional / path / "index.html").select_one("article").get_text() for path in listing)
    people = CONVERTER.glossary.group("人名")
    assert any(mentor.name in people for mentor in mentors)
    for mentor in mentors:
        # A name not reviewed yet (a contributor's new mentor) keeps OpenCC's form until someone checks it.
        assert people.get(mentor.name, CONVERTER.convert(mentor.name)) in text, mentor.name


def test_traditional_visible_text_is_a_fixed_point(both: tuple[Path, Path], site_pages: ParsedPages) -> None:
    """Converting the Traditional edition again changes nothing (glossary forms excepted):
    no Simplified text was left out, and nothing was converted twice."""
    _, traditional = both
    # Names not reviewed yet keep OpenCC's form until someone checks them (macros/glossary_review.py).
    unreviewed = [name.suggested for name in pending_names(load_or_raise(ROOT / "data"), CONVERTER)]
    problems = []
    for page in sorted(pages(traditional)) + ["404.html"]:
        text = visible_text(site_pages(traditional / page))
        for form in unreviewed:
            text = text.replace(form, "")
        for change in CONVERTER.reconversion_changes(text):
            problems.append(f"{page}: {change}")
    assert not problems, "\n".join(problems[:30])


# Mainland words a reader in Taiwan, Hong Kong or overseas would not write (data/vocabulary-zh-Hant.yml).
MAINLAND_WORDS = ("短鏈接", "數據", "信息", "搜索", "鏈接", "視頻")
# Attributes the conversion leaves alone on purpose: addresses and anchors must keep working.
ADDRESS_ATTRIBUTES = {"href", "src", "srcset", "action", "id"}


def reader_strings(tree: BeautifulSoup) -> str:
    """What a reader of one page meets: visible text, attribute values (tooltips, labels,
    placeholders) and the theme's interface strings; not addresses."""
    config = tree.select_one("script#__config")
    strings = list(json.loads(config.string).get("translations", {}).values()) if config else []
    for tag in tree.find_all(True):
        if tag.get("lang") != "zh-Hans" or tag.name == "html":
            strings += [" ".join(v) if isinstance(v, list) else v for k, v in tag.attrs.items() if k not in ADDRESS_ATTRIBUTES]
    return "\n".join([*strings, visible_text(tree)])


def test_traditional_edition_uses_its_readers_words_and_quotes(both: tuple[Path, Path], site_pages: ParsedPages) -> None:
    _, traditional = both
    found: dict[str, list[str]] = {}
    quotes = 0
    for page in sorted(pages(traditional)) + ["404.html"]:
        text = reader_strings(site_pages(traditional / page))
        for word in MAINLAND_WORDS:
            if word in text:
                found.setdefault(word, []).append(page)
        assert not re.search("[“”‘’]", text), f"{page}: 繁体版应使用「」『』引号"
        quotes += text.count("「")
    assert not found, "繁体版仍有内地用语：" + "；".join(f"{w}（{len(p)} 页，如 {p[0]}）" for w, p in found.items())
    assert quotes > 100
    home = reader_strings(site_pages(traditional / "index.html"))
    assert "搜尋" in home and "社區" in home  # interface words converted, the domain's terms kept
    assert "項目" in reader_strings(site_pages(traditional / "studios/hongyan-jiayouzhan/index.html"))


def test_traditional_search_index_finds_both_scripts(both: tuple[Path, Path]) -> None:
    """Each edition has its own search index (macros/search_index.py): the Traditional one shows
    Traditional titles and folds text and queries to Simplified, so either script finds a page."""
    from macros.search_index import make_fold, t2s_char_map

    def docs(site: Path) -> dict[str, dict[str, str]]:
        found = (json.loads(p.read_text(encoding="utf-8")) for p in (site / "search/kb/d").glob("*.json"))
        return {doc["l"]: doc for doc in found}

    root, traditional = both
    hans, hant = docs(root), docs(traditional)
    assert set(hant) == set(hans)
    fold = make_fold(t2s_char_map())
    simplified_quotes = str.maketrans("「」『』", "“”‘’")
    for location, before in hans.items():
        assert hant[location]["t"] == CONVERTER.convert(before["t"])
        # a Simplified query matches the Traditional title (quotation marks are not searched)
        assert fold(hant[location]["t"].translate(simplified_quotes)) == fold(before["t"])
    assert any(re.search("[調區書]", d["t"]) for d in hant.values())


def test_traditional_handouts_print_and_encode_their_own_address(both: tuple[Path, Path], site_pages: ParsedPages) -> None:
    """A printed Traditional page names, and its QR code opens, the Traditional page; the web
    editor, which only the Simplified edition has, stays linked where it is."""
    root, traditional = both
    method = next(iter(load_or_raise(ROOT / "data").methods))
    address = f"{SITE_URL}{HANT}/methods/{method}/"
    page = site_pages(traditional / f"methods/{method}/index.html")
    codes = page.select("svg.kb-qr-code")
    assert codes and all(code["aria-label"].endswith(address) for code in codes)
    hans_code = site_pages(root / f"methods/{method}/index.html").select_one("svg.kb-qr-code")
    assert str(codes[0].select_one("path[stroke]")) != str(hans_code.select_one("path[stroke]"))  # drawn for its address
    assert address in page.select_one(".kb-print-footer").get_text()
    printed = [a["data-print"] for a in page.select("a[data-print]") if a["data-print"].startswith(SITE_URL)]
    assert printed and all(p.startswith(f"{SITE_URL}{HANT}/") for p in printed), printed
    editor = [a["href"] for a in site_pages(traditional / "editing/index.html").select("a[href$='admin/']")]
    assert editor == [f"{SITE_URL}admin/"] and (root / "admin/index.html").is_file()


def test_short_links_of_the_traditional_edition_lead_to_its_pages(both: tuple[Path, Path]) -> None:
    _, traditional = both
    kb = load_or_raise(ROOT / "data")
    for prefix, kind, record in (("m", "methods", next(iter(kb.methods))), ("s", "studios", next(iter(kb.studios)))):
        stub = traditional / prefix / record / "index.html"
        target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', stub.read_text(encoding="utf-8")).group(1)
        assert Path(os.path.normpath(stub.parent / target)) == traditional / kind / record, (stub, target)
