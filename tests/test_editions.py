"""The Traditional edition's conversion, tested on text and data without a build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from macros import editions, render
from macros.editions import (
    Converter,
    Glossary,
    GlossaryError,
    convert_html,
    convert_search_index,
    convert_text_file,
    edition_converter,
    edition_links,
    find_edition,
    load_glossary,
    load_vocabulary,
    parse_editions,
    parse_glossary,
    parse_vocabulary,
)
from macros.glossary_review import PendingName, data_names, pending_names
from macros.knowledge_base import KnowledgeBase, load_or_raise
from tests.conftest import ROOT
from tests.records import write_records

GLOSSARY_FILE = ROOT / "data" / "glossary.yml"
# Made-up names whose plain OpenCC conversion is wrong: the surnames 范 and 于
# are not 範 (model) and 於 (at).
TEST_GLOSSARY = Glossary({"人名": {"范志刚": "范志剛", "于丽华": "于麗華"}, "术语": {"邻里": "鄰里"}})


@pytest.fixture(scope="module")
def converter() -> Converter:
    return Converter("s2tw", TEST_GLOSSARY)


@pytest.fixture(scope="module")
def site_converter() -> Converter:
    return Converter("s2tw", load_glossary(GLOSSARY_FILE, ROOT))


def test_opencc_converts_by_phrase_not_by_character(converter: Converter) -> None:
    # 干 is 幹 in 干部, 乾 in 干净 and stays 干 in 干涉: a character table cannot do this.
    assert converter.convert("后备干部把楼道打扫干净，不干涉居民") == "後備幹部把樓道打掃乾淨，不干涉居民"
    assert converter.convert("社区党组织书记") == "社區黨組織書記"  # s2tw keeps the mainland's words


def test_glossary_fixes_what_opencc_gets_wrong(converter: Converter) -> None:
    plain = Converter("s2tw")
    assert plain.convert("范志刚和于丽华") == "範志剛和於麗華"  # what OpenCC alone does
    assert converter.convert("范志刚和于丽华") == "范志剛和于麗華"
    # Inside longer text and next to other words the settled form wins too.
    assert converter.convert("范志刚工作室的邻里节") == "范志剛工作室的鄰里節"


def test_a_page_converts_line_by_line_as_it_converts_whole() -> None:
    """Lines are converted one by one and kept (pages share most of theirs): glossary, vocabulary,
    OpenCC's phrases and quotation marks come out as in one pass over the page."""
    converter = Converter("s2tw", TEST_GLOSSARY, VOCABULARY)
    page = "范志刚的数据\n干涉\n后备干部，数据\n干涉\n打扫干净\n干部说：“好”"
    assert converter.convert(page) == "范志剛的資料\n干涉\n後備幹部，資料\n干涉\n打掃乾淨\n幹部說：「好」"


def test_markdown_keeps_its_markup_and_links(converter: Converter) -> None:
    source = "## 怎么做\n\n1. **倾听**：[范志刚](../mentors/index.md#fan-zhigang)先听。{#step-1}\n"
    assert converter.convert(source) == "## 怎麼做\n\n1. **傾聽**：[范志剛](../mentors/index.md#fan-zhigang)先聽。{#step-1}\n"


def test_data_rendered_by_macros_converts(tmp_path: Path, converter: Converter) -> None:
    write_records(tmp_path)
    kb: KnowledgeBase = load_or_raise(tmp_path / "data")
    method = kb.methods["demo-method"]
    simplified = render.method_steps(method)
    traditional = converter.convert(simplified)
    assert traditional != simplified
    assert 'id="step-1"' in traditional and 'id="step-2"' in traditional  # anchors untouched
    for step in method.steps:
        assert converter.convert(step.name) in traditional


def test_html_conversion_leaves_addresses_and_declared_scripts(converter: Converter) -> None:
    page = (
        '<html lang="zh-Hant"><head><title>三步调解法 - 社区工作法知识库</title></head><body>'
        '<input placeholder="搜索"><a href="../搜索/#调解" title="调解">调解</a>'
        '<img src="图.png" alt="示意图"><a lang="zh-Hans" hreflang="zh-Hans" href="../">简体中文</a>'
        '<script>var t={"search.result.none":"没有找到符合条件的结果"}</script></body></html>'
    )
    out = convert_html(page, converter.convert)
    assert "<title>三步調解法 - 社區工作法知識庫</title>" in out
    assert 'placeholder="搜索"' in out and 'alt="示意圖"' in out and 'title="調解">調解</a>' in out
    assert 'href="../搜索/#调解"' in out and 'src="图.png"' in out
    assert '<a lang="zh-Hans" hreflang="zh-Hans" href="../">简体中文</a>' in out
    assert '"沒有找到符合條件的結果"' in out


# What convert_html leaves alone, as its definition reads: one left-to-right scan for address attributes
# (each search going on after the last match) and one for lang attributes. macros/editions.py finds the same
# from each "=", which is several times faster; pages made of these pieces try the cases where they could differ.
ONE_SCAN_ADDRESS = re.compile(r"""\s(?:(?:[xX][lL][iI][nN][kK]:)?[hH][rR][eE][fF]|[sS][rR][cC]|[sS][rR][cC][sS][eE][tT]"""
                              r"""|[aA][cC][tT][iI][oO][nN]|[iI][dD])\s*=\s*(?P<kept>"[^"]*"|'[^']*')""")
ONE_SCAN_LANG = re.compile(r"""[lL][aA][nN][gG]=["'][zZ][hH]-[hH][aA][nN][sStT]["']""")
SPACES = st.sampled_from(["", " ", "\n", "\t", "\u3000", "  "])
NAMES = st.sampled_from(["href", "HrEf", "xlink:href", "xlin\u212a:href", "src", "srcset", "SRCSET", "set", "action", "id", "iD",
                         "lang", "title", ":href", "ahref"])
QUOTES = st.sampled_from(['"', "'"])
PIECES = st.sampled_from([" ", "=", '"', "'", "<a", "<span ", ">", "</a>", "</span>", "调解", "“", 'lang="zh-Hans"', "lang='zh-hant'"])
# Attributes whose values may hold other attributes, or lack their closing quote.
ATTRIBUTE_LIKE = st.recursive(
    PIECES, lambda inner: st.builds(lambda *parts: "".join(parts[:6]) + "".join(parts[6]) + parts[7], SPACES, NAMES, SPACES,
                                    st.just("="), SPACES, QUOTES, st.lists(inner, max_size=4), QUOTES | st.just("")),
    max_leaves=24)


def one_scan_kept_spans(html: str) -> list[tuple[int, int]]:
    found = []
    for attribute in ONE_SCAN_LANG.finditer(html):
        element = editions._DECLARING_ELEMENT.match(html, html.rfind("<", 0, attribute.start()))
        if element and element.start("kept") > attribute.start():
            found.append((element.start(), element.end(), element.span("kept")))
    found += [(match.start(), match.end(), match.span("kept")) for match in ONE_SCAN_ADDRESS.finditer(html)]
    kept, covered = [], 0
    for start, end, span in sorted(found):
        if start >= covered:
            kept.append(span)
            covered = end
    return kept


@settings(max_examples=400, deadline=None)
@given(st.lists(ATTRIBUTE_LIKE, max_size=12).map("".join))
@example("""<a lang="zh-Hans" href="q>T</a> id='中'">""")  # an address inside another's value, found after an element
@example("""<a xlin\u212a:href = "中" HREF\n=\t'中' src="中'>""")  # a Kelvin sign is no k; spaces around "="
def test_what_conversion_leaves_alone_is_what_one_scan_finds(html: str) -> None:
    assert editions._kept_spans(html) == one_scan_kept_spans(html)


def test_inline_json_is_converted_inside_its_escapes(converter: Converter) -> None:
    # Material writes its interface strings into the page as escaped JSON: 没有 is \u6ca1\u6709.
    config = json.dumps({"search": "assets/javascripts/search.js", "translations": {"search.result.none": "没有结果</script>"}})
    config = config.replace("<", "\\u003c")  # as Jinja's tojson writes it
    page = f'<p>没有</p><script id="__config" type="application/json">{config}</script><script>var a="没有"</script>'
    out = convert_html(page, converter.convert)
    assert out.startswith("<p>沒有</p>") and out.endswith('<script>var a="沒有"</script>')
    data = json.loads(out.split('type="application/json">')[1].split("</script>")[0])
    assert data == {"search": "assets/javascripts/search.js", "translations": {"search.result.none": "沒有結果</script>"}}


def test_static_files_from_docs_convert_by_kind(converter: Converter) -> None:
    assert convert_text_file("kb.js", 'const none = "没有结果"; // 说明', converter) == 'const none = "沒有結果"; // 說明'
    assert json.loads(convert_text_file("d.json", '{"k": "\\u6ca1\\u6709", "n": 1}', converter)) == {"k": "沒有", "n": 1}
    assert convert_text_file("a.css", '.x::before { content: "步骤"; }', converter) == '.x::before { content: "步驟"; }'
    # Code keeps its punctuation (a tokenizer's list of quotation marks); data and pages take 「」.
    assert convert_text_file("w.js", 'split(/[“”‘’]+/) // 分词', converter) == 'split(/[“”‘’]+/) // 分詞'
    assert json.loads(convert_text_file("d.json", '{"k": "“红雁”"}', converter)) == {"k": "「紅雁」"}
    assert convert_text_file("p.html", "<p>“红雁”</p>", converter) == "<p>「紅雁」</p>"


VOCABULARY = {"短链接": "短網址", "链接": "連結", "数据": "資料", "信息": "資訊", "搜索": "搜尋", "视频": "影片"}


def test_vocabulary_gives_traditional_readers_their_words_and_keeps_domain_terms() -> None:
    converter = Converter("s2tw", TEST_GLOSSARY, VOCABULARY)
    text = "本页的短链接、修改数据、把信息及时转给法庭、搜索、视频、范志刚的链接；社区项目不变"
    assert converter.convert(text) == "本頁的短網址、修改資料、把資訊及時轉給法庭、搜尋、影片、范志剛的連結；社區項目不變"
    assert converter.reconversion_changes(converter.convert(text)) == []  # still a fixed point
    with pytest.raises(GlossaryError, match="同时列在词表和用语表中：邻里"):
        Converter("s2tw", TEST_GLOSSARY, {"邻里": "鄰里"})


def test_quotes_become_corner_brackets_but_apostrophes_stay(converter: Converter) -> None:
    assert converter.convert("“红雁”的“‘金钥匙’”") == "「紅雁」的「『金鑰匙』」"
    assert converter.convert("Material’s 主题") == "Material’s 主題"
    assert converter.convert_words("“红雁”") == "“紅雁”"


def test_the_projects_vocabulary_is_read_and_is_a_fixed_point() -> None:
    vocabulary = load_vocabulary(ROOT / "data" / "vocabulary-zh-Hant.yml", ROOT)
    assert {"短链接", "数据", "信息", "搜索", "链接", "视频"} <= vocabulary.keys()
    assert not {"社区", "项目", "网格"} & vocabulary.keys()  # the mainland's domain terms are kept
    converter = Converter("s2tw", load_glossary(GLOSSARY_FILE, ROOT), vocabulary)
    for simplified, traditional in vocabulary.items():
        assert converter.convert(simplified) == traditional
        assert converter.reconversion_changes(traditional) == [], traditional
    with pytest.raises(GlossaryError, match="data/vocabulary-zh-Hant.yml：未知分组“词”"):
        parse_vocabulary("词:\n  数据: 資料\n", "data/vocabulary-zh-Hant.yml")
    with pytest.raises(GlossaryError, match="条目“数据”应为非空文字"):
        parse_vocabulary("通用词:\n  数据:\n", "data/vocabulary-zh-Hant.yml")


def test_reconverting_traditional_text_is_what_the_site_never_does(converter: Converter) -> None:
    # OpenCC is not idempotent: run over correct Traditional text it can change it.
    plain = Converter("s2tw")
    once = plain.convert("睦邻友好，邻里和睦")
    assert plain.reconversion_changes(once)  # 鄰里 → 鄰裡
    # With the glossary's settled form the conversion is a fixed point again.
    assert converter.reconversion_changes(converter.convert("睦邻友好，邻里和睦")) == []
    assert converter.reconversion_changes("鄰裡") == []  # a settled form never counts as a change
    assert converter.reconvert("这是简体") == "這是簡體"
    assert converter.reconversion_changes("这是简体")  # Simplified left in the output shows up too


def test_search_index_converts_and_keeps_simplified_for_queries(converter: Converter) -> None:
    index = {
        "config": {"lang": ["zh"], "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}},
        "docs": [
            {"location": "methods/sanbu-tiaojie/", "title": "三步调解法", "text": "<p>先倾听</p>"},
            {"location": "about/#mit", "title": "MIT", "text": "MIT"},
        ],
    }
    out = convert_search_index(index, converter.convert)
    first, second = out["docs"]
    assert first["location"] == "methods/sanbu-tiaojie/"
    assert first["title"] == "三步調解法" and first["text"] == "<p>先傾聽</p>"
    assert first["title_hans"] == "三步调解法" and first["text_hans"] == "<p>先倾听</p>"
    assert "title_hans" not in second  # nothing to keep when nothing changed
    assert out["config"]["fields"]["title_hans"] == {"boost": 1000.0}
    assert out["config"]["lang"] == ["zh"]
    json.dumps(out)


def test_glossary_problems_are_reported_in_chinese() -> None:
    with pytest.raises(GlossaryError, match="未知分组“名字”"):
        parse_glossary("名字:\n  范志刚: 范志剛\n", "data/glossary.yml")
    with pytest.raises(GlossaryError, match="data/glossary.yml：分组“人名”的条目“范志刚”与“范剛”字数不同"):
        parse_glossary("人名:\n  范志刚: 范剛\n", "data/glossary.yml")
    with pytest.raises(GlossaryError, match="条目“范志刚”重复出现"):
        parse_glossary("人名:\n  范志刚: 范志剛\n地名:\n  范志刚: 范志剛\n", "data/glossary.yml")
    with pytest.raises(GlossaryError, match="不是有效的 YAML"):
        parse_glossary("人名: [\n", "data/glossary.yml")
    with pytest.raises(ValueError, match="s2twp"):
        Converter("t2s")


def test_edition_links_point_to_the_same_page_in_each_edition() -> None:
    editions = parse_editions([
        {"lang": "zh-Hans", "name": "简体中文", "path": ""},
        {"lang": "zh-Hant", "name": "繁體中文", "path": "zh-Hant/", "opencc": "s2tw", "glossary": "data/glossary.yml"},
    ])
    root = "https://example.org/kb/"
    simplified = edition_links(editions, find_edition(editions, "zh-Hans"), root)
    traditional = edition_links(editions, find_edition(editions, "zh-Hant"), root)
    assert [(e["lang"], e["rel"], e["url"], e["current"]) for e in simplified] == [
        ("zh-Hans", "", root, True), ("zh-Hant", "zh-Hant/", root + "zh-Hant/", False)]
    assert [(e["lang"], e["rel"], e["url"], e["current"]) for e in traditional] == [
        ("zh-Hans", "../", root, False), ("zh-Hant", "", root + "zh-Hant/", True)]
    with pytest.raises(ValueError, match="“zh-TW”不在 extra.editions 中"):
        find_edition(editions, "zh-TW")
    extra = {"edition": "zh-Hant", "editions": [
        {"lang": "zh-Hans", "name": "简体中文", "path": ""},
        {"lang": "zh-Hant", "name": "繁體中文", "path": "zh-Hant/", "opencc": "s2tw", "glossary": "data/glossary.yml",
         "vocabulary": "data/vocabulary-zh-Hant.yml"}]}
    converter = edition_converter(extra, ROOT)
    assert converter is not None and converter.convert("于再兴的数据") == "于再興的資料"
    assert edition_converter({**extra, "edition": "zh-Hans"}, ROOT) is None
    with pytest.raises(ValueError, match="opencc 应为"):
        parse_editions([{"lang": "zh-Hans", "name": "简体中文", "path": "", "opencc": "t2s"}])


# --------------------------------------------------------------------------
# The project's own glossary against the project's data.
# --------------------------------------------------------------------------
def test_reviewed_names_take_their_glossary_form_and_new_ones_are_listed(site_converter: Converter) -> None:
    """Names in data/glossary.yml convert to their checked form; a name not yet there is listed
    for review with OpenCC's suggestion (it never stops an editor)."""
    kb = load_or_raise(ROOT / "data")
    names = data_names(kb)
    assert names["人名"] and names["地名"]
    for group, found in names.items():
        for name in found:
            if name in site_converter.glossary.group(group):
                assert site_converter.convert(name) == site_converter.glossary.group(group)[name]
    pending = pending_names(kb, Converter(site_converter.config, TEST_GLOSSARY))
    assert [p for p in pending if p.name == "于再兴"] == [
        PendingName("data/mentors/yu-zaixing.yml", "人名", "于再兴", "於再興")]


def test_the_glossary_is_a_fixed_point(site_converter: Converter) -> None:
    for simplified, traditional in site_converter.glossary.entries.items():
        assert site_converter.convert(simplified) == traditional
        assert site_converter.reconversion_changes(traditional) == [], traditional
