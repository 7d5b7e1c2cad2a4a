"""The search index builder (macros/search_index.py), without a build."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import pytest

from macros import search_index as si
from macros import sitemap
from macros.knowledge_base import load_or_raise
from tests.conftest import ROOT, project_kb

KB = project_kb()


@pytest.fixture(scope="module")
def char_map() -> dict[str, str]:
    return si.t2s_char_map()


@pytest.fixture(scope="module")
def fold(char_map):
    return si.make_fold(char_map)


@pytest.fixture(scope="module")
def entries() -> list[si.Entry]:
    return si.lexicon(KB)


def test_fold_makes_traditional_full_width_and_capitals_comparable(fold) -> None:
    assert fold("走動式工作法") == "走动式工作法"
    assert fold("殷金鳳 紅色管家 調解 十必問十必訪") == "殷金凤 红色管家 调解 十必问十必访"
    assert fold("１３３工作法 ZDSGZF") == "133工作法 zdsgzf"


def test_fold_keeps_length_so_matches_highlight_in_place(fold, char_map) -> None:
    text = "".join(char_map) + "ＡＢＣ１２３ﬁ㍿"
    assert len(fold(text)) == len(text)
    assert all(len(v) == 1 and ord(v) < 0x10000 for v in char_map.values())


def test_grams_cover_parts_of_words_and_figures_next_to_characters(fold) -> None:
    grams = si.grams(fold("邻里纠纷，“133”工作法"))
    assert {"纠纷", "邻里纠", "133", "工作法"} <= set(grams)
    assert "133工" not in grams  # the quotation mark separates them
    assert "133工" in si.grams("133工作法")
    assert "务中" not in si.grams("服务 中心")


def test_grams_are_counted_line_by_line_as_over_the_whole_text_and_a_line_met_again_is_not_split_again(fold) -> None:
    text = fold("邻里纠纷调解，133工作法\n\n走动式工作法\n邻里纠纷调解，133工作法")
    expected: Counter[str] = Counter()
    for segment in re.findall(r"[\u4e00-\u9fff0-9a-z]+", text):  # the units of a run: characters, or figures and letters together
        units = re.findall(r"[\u4e00-\u9fff]|[0-9a-z]+", segment)
        for size in (1, 2, 3):
            expected.update("".join(units[i:i + size]) for i in range(len(units) - size + 1))
    si._line_grams.cache_clear()
    assert si.grams(text) == expected
    assert si._line_grams.cache_info().misses == 3  # the repeated line's grams are taken as they were


def test_lexicon_is_generated_from_the_data(entries) -> None:
    words = {e.word: e for e in entries}
    for kind in ("methods", "studios", "sites", "mentors"):
        for record in KB.of_kind(kind).values():
            assert record.name in words
            for alias in record.aliases:
                if alias in words and alias != record.name:
                    assert words[alias].name  # an alias stands for a record's name
    places = {part for r in KB.studios.values() for part in r.region.parts() if len(part) >= 2}
    assert places <= set(words)
    dictionary = si.user_dictionary(entries).splitlines()
    assert len(dictionary) == len([e for e in entries if " " not in e.word])
    every_string = json.dumps([r.model_dump() for kind in ("methods", "studios", "sites", "mentors")
                               for r in KB.of_kind(kind).values()], ensure_ascii=False)
    assert all(e.word in every_string for e in entries)  # nothing that is not in the data


@pytest.fixture(scope="module")
def cut(entries):
    return si.jieba_search_cut(entries)


def test_jieba_keeps_names_whole_and_still_yields_their_parts(cut) -> None:
    method = KB.methods["zoudongshi-gongzuofa"]
    words = list(cut(f"推广{method.name}的社区"))
    assert {method.name, "走动式", "工作"} <= set(words)


def test_pinyin_keys_full_initials_and_readings_people_type() -> None:
    assert si.pinyin_keys("走动式工作法")[:2] == ["zoudongshigongzuofa", "zdsgzf"]
    assert "sanbutiaojiefa" in si.pinyin_keys("三步调解法")
    assert "sbtjf" in si.pinyin_keys("三步调解法")
    assert "133gzf" in si.pinyin_keys("“133”工作法")


def test_page_text_drops_scripts_and_permalink_signs() -> None:
    html = '<h2 id="a">步骤<a class="headerlink" href="#a">¶</a></h2><script>var x = "走动";</script><p>入户&amp;走访</p>'
    assert si.page_text(html) == "步骤\n入户&走访"


def test_page_from_html_reads_only_the_article() -> None:
    document = ('<html><nav>导航 红雁</nav><article class="md-content__inner md-typeset">'
                '<h1>三步调解法</h1><p>先听</p><article class="x">内层</article></article><footer>页脚</footer></html>')
    page = si.page_from_html(document, "methods/x/")
    assert page == si.Page("methods/x/", "三步调解法", "三步调解法\n先听\n内层")
    assert si.page_from_html("<html><p>无正文</p></html>", "x/") is None


def build(pages: list[si.Page], entries: list[si.Entry], char_map: dict[str, str], cut) -> si.Index:
    fold = si.make_fold(char_map)
    return si.build_index(pages, entries, fold, char_map, list(si.all_page_terms(pages, entries, fold, cut, workers=1)))


def lookup(index: si.Index, term: str, folder: Path | None = None) -> object:
    """The entry of ``term`` in the index, from its files in memory or, when written, in ``folder``."""
    name = f"s/{si.shard_of(term, index.shards)}.json"
    shard = json.loads(index.files[name] if folder is None else (folder / name).read_text(encoding="utf-8"))
    return shard.get(term)


def docs_of(index: si.Index, term: str, folder: Path | None = None) -> set[int]:
    entry = lookup(index, term, folder)
    if entry is None:
        return set()
    ids, total = set(), 0
    for delta in entry[0]:
        total += delta
        ids.add(total)
    return ids


def test_index_finds_phrases_aliases_and_pinyin(entries, char_map, cut) -> None:
    pages = [
        si.Page("a/", "走动式工作法", "南沙滩社区推广走動式工作法，入户走访。"),
        si.Page("b/", "服务", "社区服务很多。中心城区也有。"),
        si.Page("c/", "党群服务中心", "党群服务中心开在二楼。"),
    ]
    index = build(pages, entries, char_map, cut)
    assert docs_of(index, "走动式") == {0}  # Traditional text is indexed folded
    assert docs_of(index, "务中心") == {2}  # a phrase's trigram: not pages with 服务 and 中心 apart
    assert docs_of(index, "w:走动式工作法") == {0}  # jieba kept the name whole
    studio = KB.studios["chaoyang-shuji-gongzuoshi"]
    assert studio.name in lookup(index, "a:书记工作室")
    assert "走动式工作法" in lookup(index, "p:zdsgzf")
    assert "走动式工作法" in lookup(index, "p:zoudongshi")
    meta = json.loads(index.files["meta.json"])
    assert meta["docs"] == 3 and meta["shards"] == index.shards
    assert "動动" in meta["fold"] and "鳳凤" not in meta["fold"]  # only the characters the pages have
    doc = json.loads(index.files["d/0.json"])
    assert doc == {"l": "a/", "t": "走动式工作法", "x": pages[0].text}
    assert index.files["worker.js"].startswith("self.KB_META = " + json.dumps(meta, ensure_ascii=False, separators=(",", ":")))


def test_a_phrases_terms_share_the_shards_of_its_character_pairs() -> None:
    """A query downloads one shard per pair of adjacent characters, whatever the terms it looks up."""
    assert {si.shard_key(t) for t in ("物业", "物业管", "w:物业管理", "w:物业", "a:物业公司")} == {"物业"}
    assert si.shard_key("社") == "社" and si.shard_key("p:zdsgzf") == "zdsgzf" and si.shard_key("133工") == "133工"


def test_a_very_common_terms_postings_are_capped_and_say_so(entries, char_map, cut, monkeypatch) -> None:
    monkeypatch.setattr(si, "POSTINGS_CAP", 2)
    pages = [si.Page("a/", "别的", "社区"), si.Page("b/", "社区", "社区社区"), si.Page("c/", "别的", "社区社区社区")]
    entry = lookup(build(pages, entries, char_map, cut), "社区")
    assert entry[2] == 1 and len(entry[1]) == 2
    assert docs_of(build(pages, entries, char_map, cut), "社区") == {1, 2}  # the title, then the most mentions


def test_result_cards_carry_kind_summary_level_and_themes(entries, char_map, cut) -> None:
    roles = si.page_roles(KB)
    method, site = KB.methods["sanbu-tiaojie"], next(iter(KB.sites.values()))
    cards = si.record_cards(KB, si.method_levels(KB, ROOT / "docs"))
    pages = si.ranked_pages([si.Page(f"methods/{method.id}/", method.name, method.summary),
                             si.Page(f"sites/{site.id}/", site.name, ""),
                             si.Page(sitemap.served(sitemap.visit_path(site.id)), f"{site.name}：观摩单", f"{site.name}：观摩单\n第一行字"),
                             si.Page("training/", "培训资源", "")], roles)
    fold = si.make_fold(char_map)
    index = si.build_index(pages, entries, fold, char_map, list(si.all_page_terms(pages, entries, fold, cut, workers=1)),
                           roles, cards=cards)
    found = {card["l"]: card for card in json.loads(index.files["i/0.json"])}
    own = found[f"methods/{method.id}/"]
    assert own["k"] == "工作法" and own["v"] in ("完整", "较完整", "待补充") and own["h"] == list(method.themes)
    assert own["s"] == method.summary[:si.SUMMARY_MAX - 1] + "…" if len(method.summary) > si.SUMMARY_MAX else method.summary
    assert found[f"sites/{site.id}/"]["k"] == "示范点与阵地"
    sheet = found[sitemap.served(sitemap.visit_path(site.id))]
    assert sheet["r"] == f"sites/{site.id}" and sheet["k"] == "培训资源" and sheet["s"] == "第一行字"  # one result with its site
    traditional = si.record_cards(KB, si.method_levels(KB, ROOT / "docs"), lambda text: text.replace("工作法", "工作法（繁）"))
    assert traditional[f"methods/{method.id}/"].kind == "工作法（繁）"  # the edition's words, not the data's


def test_title_words_are_flagged(entries, char_map, cut) -> None:
    index = build([si.Page("a/", "红色管家", "苏州的品牌。"), si.Page("b/", "别的", "说到红色管家。")], entries, char_map, cut)
    entry = lookup(index, "红色管")
    assert entry[1][0] & si.TITLE_FLAG and not entry[1][1] & si.TITLE_FLAG


def test_the_worker_finds_a_terms_shard_as_the_build_does(tmp_path) -> None:
    """The worker finds a term's shard by the same key and hash; run the built worker in Node on terms of every kind."""
    terms = ["", "a", "工作", "三步调解法", "w:社区书记", "p:sbtjf", "a:走动式", "133工", "𠀀字", "é", "社區"]
    assert si.term_hash("") == 0 and si.term_hash("a") == zlib.crc32("a".encode("utf-16-le"))
    worker = si.worker_script({"v": si.FORMAT_VERSION, "shards": 97, "docs": 0, "fold": "區区", "cards": 64})
    script = tmp_path / "hash.js"
    script.write_text(
        "const vm = require('vm');\n"
        "const context = {self: {location: {href: 'https://example.invalid/kb/search/kb/worker.js'}},"
        " addEventListener() {}, URL, fetch() {}, console};\n"
        f"vm.runInNewContext({json.dumps(worker)} + '\\n;globalThis.hash = hash; globalThis.shardOf = shardOf', context);\n"
        f"const terms = {json.dumps(terms, ensure_ascii=False)};\n"
        "console.log(JSON.stringify([terms.map(t => context.hash(t)), terms.map(t => context.shardOf(t))]));\n",
        encoding="utf-8")
    node = shutil.which("node")
    assert node, "Node (installed with npm by make setup) runs the worker's code"
    result = subprocess.run([node, str(script)], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(result.stdout) == [[si.term_hash(t) for t in terms], [si.shard_of(t, 97) for t in terms]]


def test_material_index_keeps_its_configuration_without_documents() -> None:
    original = json.dumps({"config": {"lang": ["zh"], "separator": "[\\s]+"}, "docs": [{"location": "", "text": "很长"}]})
    assert json.loads(si.stub_search_index(original)) == {"config": {"lang": ["zh"], "separator": "[\\s]+"}, "docs": []}


def test_page_text_keeps_page_furniture_and_drawings_out() -> None:
    html = ('<nav class="md-tags"><a class="md-tag">物业管理</a></nav><p>一句话概括：逐户走访。</p>'
            '<p class="kb-completeness kb-completeness--most">资料完整度 <strong>10/12</strong><a href="#">参与补充</a></p>'
            '<div class="kb-card"><div class="inner"><p>适用场景</p></div><p>业主大会</p></div>'
            '<svg><text>付卓</text><title>付卓</title><g><path d="M0 0"/></g></svg><ul><li>付卓（魁星社区）</li></ul>'
            '<details class="kb-qr"><summary>二维码</summary><div class="kb-qr-body"><svg><path/></svg>'
            '<p>本页网址：https://example.invalid/<br>短链接</p></div></details>'
            '<aside class="kb-page-meta"><span>最后更新：2026年</span><a class="kb-page-meta__edit">修改本页文字</a></aside>'
            '<h2 id="related">相关工作法</h2><ul><li>民情联络队：别的工作法的概括</li></ul><h2 id="sources">来源</h2><p>报道</p>')
    assert si.page_text(html) == "一句话概括：逐户走访。\n适用场景\n业主大会\n付卓（魁星社区）\n来源\n报道"


def test_record_pages_come_first_and_plans_and_cards_belong_to_their_method() -> None:
    roles = si.page_roles(KB)
    for kind in sitemap.PAGED_KINDS:
        for record_id in KB.of_kind(kind):
            assert roles[f"{kind}/{record_id}/"] == si.Role(si.RECORD, f"{kind}/{record_id}",
                                                            tuple(KB.records(kind)[record_id].aliases))
    assert roles["training/sanbu-tiaojie/"] == si.Role(si.PART, "methods/sanbu-tiaojie")
    assert roles["training/cards/sanbu-tiaojie/"] == si.Role(si.PART, "methods/sanbu-tiaojie")
    site = next(iter(KB.sites))
    assert roles[sitemap.served(sitemap.visit_path(site))] == si.Role(si.PART, f"sites/{site}")  # a site's visit sheet
    assert "methods/" not in roles and "explore/lineage/" not in roles
    pages = [si.Page(location, "", "") for location in
             ("explore/lineage/", "training/sanbu-tiaojie/", "sites/xingfu-tongnian-guan/", "methods/", "methods/sanbu-tiaojie/")]
    assert [p.location for p in si.ranked_pages(pages, roles)] == [
        "sites/xingfu-tongnian-guan/", "methods/sanbu-tiaojie/", "training/sanbu-tiaojie/", "explore/lineage/", "methods/"]


def test_index_tells_the_worker_which_documents_are_records(entries, char_map, cut) -> None:
    roles = si.page_roles(KB)
    method = KB.methods["sanbu-tiaojie"]
    pages = si.ranked_pages([si.Page("explore/lineage/", "传承图谱", method.name), si.Page("training/sanbu-tiaojie/", "培训方案", ""),
                             si.Page("methods/sanbu-tiaojie/", method.name, "")], roles)
    fold = si.make_fold(char_map)
    index = si.build_index(pages, entries, fold, char_map, list(si.all_page_terms(pages, entries, fold, cut, workers=1)), roles)
    meta = json.loads(index.files["meta.json"])
    assert (meta["own"], meta["part"]) == (1, 2)
    cards = json.loads(index.files["i/0.json"])
    assert cards[0]["r"] == "methods/sanbu-tiaojie" and cards[0].get("a", []) == list(method.aliases)
    assert cards[1]["r"] == "methods/sanbu-tiaojie" and "a" not in cards[1]
    assert "r" not in cards[2]


def test_pages_added_as_a_build_writes_them_make_the_index_of_the_ranked_pages(entries, char_map, cut) -> None:
    """The build adds pages as they are written, ranks mixed; their numbers follow the ranking all the same,
    and a term on pages of several ranks lists them all, in the index's numbers."""
    roles = si.page_roles(KB)
    method = KB.methods["sanbu-tiaojie"]
    written = [si.Page("explore/lineage/", "传承图谱", f"{method.name}的传承"), si.Page("training/sanbu-tiaojie/", "培训方案", method.name),
               si.Page("methods/", "工作法", f"{method.name}\n物业纠纷"), si.Page("methods/sanbu-tiaojie/", method.name, "物业纠纷的调解")]
    fold = si.make_fold(char_map)
    ranked = si.ranked_pages(written, roles)
    assert [p.location for p in ranked] != [p.location for p in written]
    whole = si.build_index(ranked, entries, fold, char_map, list(si.all_page_terms(ranked, entries, fold, cut, workers=1)), roles)
    builder = si.IndexBuilder(fold, roles)
    for page, weights in zip(written, si.all_page_terms(written, entries, fold, cut, workers=1), strict=True):
        builder.add(page, weights)
    assert builder.finish(entries, char_map).files == whole.files
    assert [json.loads(whole.files[f"d/{n}.json"])["l"] for n in range(4)] == [p.location for p in ranked]
    shard = json.loads(whole.files[f"s/{si.shard_of('物业', json.loads(whole.files['meta.json'])['shards'])}.json"])
    assert shard["物业"][0] == [0, 3]  # methods/sanbu-tiaojie/ (0) and methods/ (3): deltas


def test_suggestions_name_themes_and_kinds_from_the_data(entries, cut) -> None:
    roles = si.page_roles(KB)
    method = KB.methods["sanbu-tiaojie"]
    pages = [si.Page("tags/", "标签", ""), si.Page("mentors/", "书记与导师", ""), si.Page("sites/", "示范点与阵地", ""),
             si.Page("training/", "培训资源", ""), *(si.Page(f"training/{m}/", f"{KB.methods[m].name}：培训方案", "")
                                                  for m in ("sanbu-tiaojie", "sibu-bihuan"))]
    offered = {s["l"]: s for s in si.suggestions(KB, pages, roles, lambda text: text, cut)}
    themes = {theme for m in KB.methods.values() for theme in m.themes}
    assert {f"tags/#tag:{theme}" for theme in themes} | {"mentors/", "sites/", "training/"} == set(offered)
    assert {"物业", "物业管理"} <= set(offered["tags/#tag:物业管理"]["w"])
    assert {"书记", "导师"} <= set(offered["mentors/"]["w"]) and offered["mentors/"]["n"] == ["书记与导师"]
    assert "驿站" in offered["sites/"]["w"]  # the end of several sites' names
    assert "培训方案" in offered["training/"]["n"]  # what the plans' titles say besides the method's name
    assert method.themes[0] in offered[f"tags/#tag:{method.themes[0]}"]["x"]


def test_pages_segmented_in_worker_processes_get_the_same_terms(entries, monkeypatch) -> None:
    """Large sites segment in spawned worker processes; their terms equal those made in the build's own."""
    fold = si.make_fold(si.t2s_char_map())
    pages = [si.Page(f"p{n}/", f"第{n}页", f"三步调解法在魁星社区推广，第{n}次培训。走动式工作法") for n in range(6)]
    here = list(si.all_page_terms(pages, entries, fold, si.jieba_search_cut(entries), workers=1))
    monkeypatch.setattr(si, "PARALLEL_FROM", 2)
    cache = si.WordCache(None)
    pooled = list(si.all_page_terms(pages, entries, fold, si.jieba_search_cut(entries), cache, workers=2))
    assert pooled == here and len(cache.used) == len(pages)
    assert any(term.startswith("w:") for term in pooled[0])


def test_every_kind_with_pages_is_suggested_once() -> None:
    assert sorted(si.SUGGESTED_KINDS) == sorted(sitemap.PAGED_KINDS)


def test_the_second_edition_segments_only_the_pages_that_fold_to_other_text(entries, fold, tmp_path: Path) -> None:
    """jieba's words are kept by the folded text, so a Traditional page that folds to its Simplified
    twin's text takes the twin's words; only a page the vocabulary reworded is segmented again."""
    simplified = [si.Page("a/", "三步调解法", "魁星社区的走动式工作法"), si.Page("b/", "数据", "搜索数据")]
    traditional = [si.Page("a/", "三步調解法", "魁星社區的走動式工作法"), si.Page("b/", "資料", "搜尋資料")]
    cut = si.jieba_search_cut(entries)
    segmented: list[str] = []

    def counting_cut(text: str) -> list[str]:
        segmented.append(text)
        return list(cut(text))

    first = si.WordCache(tmp_path / "words-zh-Hans.json")
    list(si.all_page_terms(simplified, entries, fold, counting_cut, first, workers=1))
    first.save()
    segmented.clear()
    second = si.WordCache(tmp_path / "words-zh-Hant.json", first.used)
    shared = list(si.all_page_terms(traditional, entries, fold, counting_cut, second, workers=1))
    assert segmented == ["资料\n搜寻资料"]  # 資料 folds to 资料, not 数据
    assert shared == list(si.all_page_terms(traditional, entries, fold, cut, workers=1))
    second.save()
    # each edition's file keeps all of its own pages' words: a later build of it alone finds them all
    assert set(json.loads((tmp_path / "words-zh-Hant.json").read_text(encoding="utf-8"))) == set(second.used)
    assert len(second.used) == len(traditional)


def test_a_line_met_again_is_not_cut_again_and_words_are_those_of_the_whole_page(entries, char_map, fold) -> None:
    """Pages share most of their lines (labels; a Traditional line that folds to its Simplified twin):
    each is cut once per build, and a page's words are what cutting the page whole gives."""
    cut = si.jieba_search_cut(entries)
    segmented: list[str] = []

    def counting_cut(text: str) -> list[str]:
        segmented.append(text)
        return list(cut(text))

    inputs = si.SiteInputs(entries, char_map, fold, {}, counting_cut)
    pages = [("走动式工作法", "魁星社区的走动式工作法\n来源：人民网"), ("三步调解法", "三步调解法的来源\n来源：人民网"),
             ("走動式工作法", "魁星社區的走動式工作法\n來源：人民網")]
    for title, text in pages:
        title, text = fold(title), fold(text)
        by_lines = [word for line in f"{title}\n{text}".split("\n") for word in inputs.line_words(line)]
        assert by_lines == si.page_words(title, text, cut)
    assert len(segmented) == len(set(segmented)) == 5  # the Traditional page and the shared 来源 line cut nothing new


def test_the_editions_of_one_knowledge_base_share_its_derived_inputs() -> None:
    inputs = si.site_inputs(KB)
    assert si.site_inputs(KB) is inputs
    reloaded = load_or_raise(ROOT / "data")  # what load_project returns after a record changed
    assert si.site_inputs(reloaded) is not inputs and si.site_inputs(reloaded).entries == inputs.entries
