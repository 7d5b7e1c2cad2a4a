"""Search on the built site: the index the build writes, then typing into Material's box in Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from macros import search_index as si
from macros.models import load_or_raise
from tests.conftest import ROOT

KB = load_or_raise(ROOT / "data")

# (query, page expected among the first three results). Real names, aliases,
# people and places of data/ and docs/; Traditional forms as the Traditional
# source articles write them.
QUERIES: list[tuple[str, str]] = [
    # Simplified, whole names
    ("走动式工作法", "methods/zoudongshi-gongzuofa/"),
    ("三步调解法", "methods/sanbu-tiaojie/"),
    ("殷金凤工作室", "studios/yin-jinfeng-gongzuoshi/"),
    ("红色管家", "studios/hongse-guanjia/"),
    ("十必问十必访工作法", "methods/shibiwen-shibifang-gongzuofa/"),
    ("四步闭环培训法", "methods/sibu-bihuan/"),
    ("红雁加油站", "studios/hongyan-jiayouzhan/"),
    ("销账式工作法", "methods/xiaozhangshi-gongzuofa/"),
    ("中山区党建融合体", "studios/zhongshan-dangjian-rongheti/"),
    # parts of names: a word inside a longer word
    ("走动式", "methods/zoudongshi-gongzuofa/"),
    ("工作法", "methods/"),
    ("调解法", "methods/sanbu-tiaojie/"),
    ("十必问", "methods/shibiwen-shibifang-gongzuofa/"),
    ("闭环", "methods/sibu-bihuan/"),
    ("折子工程", "methods/shuangxiang-hudong-zhezi/"),
    ("雷锋式窗口", "methods/leifengshi-chuangkou/"),
    # Traditional
    ("走動式工作法", "methods/zoudongshi-gongzuofa/"),
    ("調解", "methods/sanbu-tiaojie/"),
    ("殷金鳳", "studios/yin-jinfeng-gongzuoshi/"),
    ("紅色管家", "studios/hongse-guanjia/"),
    ("十必問十必訪", "methods/shibiwen-shibifang-gongzuofa/"),
    ("書記沙龍", "methods/shuji-shalong/"),
    ("紅雁加油站", "studios/hongyan-jiayouzhan/"),
    ("棗北社區", "studios/zaobei-gongzuoshi/"),
    # figures and mixed
    ("133", "methods/133-gongzuofa/"),
    ("133工作法", "methods/133-gongzuofa/"),
    ("六个一", "methods/liuge-yi/"),
    ("三个一", "methods/sange-yi/"),
    ("一社一品牌", "methods/yishe-yipinpai/"),
    ("十必问十必访", "methods/shibiwen-shibifang-gongzuofa/"),
    ("四个清单", "methods/sige-qingdan/"),
    # people
    ("殷金凤", "studios/yin-jinfeng-gongzuoshi/"),
    ("田象霞", "studios/xiangxia-gongzuoshi/"),
    ("陈宏", "mentors/chen-hong/"),
    ("刘旭清", "mentors/liu-xuqing/"),
    ("袁琴", "mentors/yuan-qin/"),
    # sites (each has its own page)
    ("幸福童年馆", "sites/xingfu-tongnian-guan/"),
    ("海之骑驿站", "sites/haizhiqi-yizhan/"),
    # places
    ("呼家楼", "studios/yin-jinfeng-gongzuoshi/"),
    ("南沙滩", "studios/nanshatan-gongzuoshi/"),
    ("苏州工业园区", "studios/hongse-guanjia/"),
    ("桓仁", "studios/huanren-houbei-ganbu/"),
    # pinyin, full and initials
    ("zoudongshi", "methods/zoudongshi-gongzuofa/"),
    ("zdsgzf", "methods/zoudongshi-gongzuofa/"),
    ("hongseguanjia", "studios/hongse-guanjia/"),
    ("hsgj", "studios/hongse-guanjia/"),
    ("yinjinfeng", "studios/yin-jinfeng-gongzuoshi/"),
    ("sbtjf", "methods/sanbu-tiaojie/"),
    ("xiangxia", "studios/xiangxia-gongzuoshi/"),
    # aliases and short names
    ("红雁", "studios/hongyan-jiayouzhan/"),
    ("书记工作室", "studios/chaoyang-shuji-gongzuoshi/"),
    ("鲁盟桥", "studios/lumeng-qiao/"),
    ("传帮带", "methods/daoshi-bangdai/"),
    ("做中学", "methods/chenjinshi-jiaoxue/"),
    ("成长充电站", "studios/hongyan-jiayouzhan/"),
    # several words
    ("殷金凤 呼北", "studios/yin-jinfeng-gongzuoshi/"),
    ("走访 民意", "methods/zoudongshi-gongzuofa/"),
]

# Queries that no page answers: words that appear on no page together (the sources
# and regions pages name every record, so pairs of record names always meet there),
# two names run together, and a word on no page.
NO_RESULT: list[str] = ["服务中心 象霞", "于再兴 投诉", "林原 开放日", "魏冬玲 小分队", "殷金凤刘旭清", "区块链"]


@pytest.fixture(scope="module")
def fold():  # noqa: ANN201
    return si.make_fold(si.t2s_char_map())


@pytest.fixture(scope="module")
def page_texts(built_site: Path, fold) -> dict[str, str]:  # noqa: ANN001
    """Folded title and text of every indexed page, by location."""
    texts = {}
    for path in (built_site / "search" / "kb" / "d").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        texts[doc["l"]] = fold(doc["t"] + "\n" + doc["x"])
    return texts


# --------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------
@pytest.mark.build
def test_every_page_is_indexed_and_materials_index_is_only_its_configuration(built_site: Path, page_texts) -> None:  # noqa: ANN001
    pages = {p.relative_to(built_site).as_posix().removesuffix("index.html")
             for p in built_site.rglob("index.html") if not p.relative_to(built_site).as_posix().startswith("assets/")
             and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:600]}  # short-link and rename stubs
    assert pages <= set(page_texts)
    meta = json.loads((built_site / "search" / "kb" / "meta.json").read_text(encoding="utf-8"))
    assert meta["docs"] == len(page_texts)
    assert len(list((built_site / "search" / "kb" / "s").glob("*.json"))) == meta["shards"]
    material = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert material["docs"] == [] and material["config"]["lang"] == ["zh"]


@pytest.mark.build
def test_pages_start_our_worker_and_offer_themes_when_nothing_is_found(built_site: Path) -> None:
    from bs4 import BeautifulSoup

    page = BeautifulSoup((built_site / "methods" / "index.html").read_text(encoding="utf-8"), "lxml")
    config = json.loads(page.select_one("#__config").string)
    worker = (built_site / "methods" / config["search"]).resolve()
    assert worker.name == "kb-search-worker.js" and worker.exists()
    hint = page.select_one(".kb-search-empty a")
    assert (built_site / "methods" / hint["href"] / "index.html").resolve() == (built_site / "themes" / "index.html").resolve()


# --------------------------------------------------------------------------
# In the browser
# --------------------------------------------------------------------------
class SearchBox:
    """Material's search box, typed into as a reader does."""

    def __init__(self, page, site_url: str) -> None:  # noqa: ANN001
        self.page, self.site_url = page, site_url
        self.box = page.locator("input.md-search__input")
        self.meta = page.locator(".md-search-result__meta")
        self.box.click()
        page.wait_for_function("() => !/正在初始化/.test(document.querySelector('.md-search-result__meta').textContent)")

    def type(self, query: str) -> list[str]:
        """Locations of the results shown for ``query``, best first."""
        self.box.fill("")
        self.box.press("End")
        self.page.wait_for_function("() => /键入/.test(document.querySelector('.md-search-result__meta').textContent)")
        self.box.fill(query)
        self.box.press("End")
        self.page.wait_for_function("() => !/键入|正在初始化/.test(document.querySelector('.md-search-result__meta').textContent)")
        links = self.page.eval_on_selector_all(
            ".md-search-result__item", "items => items.map(li => li.querySelector('a').getAttribute('href'))")
        return [urlsplit(href).path.removeprefix(urlsplit(self.site_url).path) for href in links]


@pytest.fixture(scope="module")
def search(browser, site_url: str):  # noqa: ANN001, ANN201
    page = browser.new_page()
    page.goto(site_url, wait_until="networkidle")
    yield SearchBox(page, site_url)
    page.close()


def contains_query(text: str, query: str, fold, pinyin: dict[str, list[str]]) -> bool:  # noqa: ANN001
    """The page text has every word of the query, in either script, or a name the pinyin spells."""
    for word in query.split():
        if fold(word) in text:
            continue
        spelled = [name for name, keys in pinyin.items() if any(k.startswith(word) for k in keys)]
        if not any(fold(name) in text for name in spelled):
            return False
    return True


@pytest.fixture(scope="module")
def answers(search) -> dict[str, list[str]]:  # noqa: ANN001
    """What the box shows for every query of the table, typed once."""
    return {query: search.type(query) for query, _ in QUERIES}


@pytest.mark.browser
def test_queries_find_the_expected_page_in_the_first_three(answers) -> None:  # noqa: ANN001
    assert len(QUERIES) >= 40
    missed = {q: (expected, answers[q][:3]) for q, expected in QUERIES if expected not in answers[q][:3]}
    assert not missed, missed


@pytest.mark.browser
def test_first_result_contains_what_was_typed(answers, page_texts, fold) -> None:  # noqa: ANN001
    pinyin = {e.word: si.pinyin_keys(e.word) for e in si.lexicon(KB) if e.pinyin}
    wrong = {}
    for query, shown in answers.items():
        first = shown[0] if shown else ""
        if not first or not contains_query(page_texts[first], query, fold, pinyin):
            wrong[query] = first
    assert not wrong, wrong


@pytest.mark.browser
def test_results_show_title_and_snippet_with_the_match_highlighted(search) -> None:  # noqa: ANN001
    search.type("走動式工作法")
    first = search.page.locator(".md-search-result__item").first
    assert "走动式工作法" in first.locator("h1").inner_text()
    marks = first.locator("mark").all_inner_texts()
    assert "走动式工作法" in marks
    assert len(first.inner_text()) > len("走动式工作法") + 20  # a snippet beside the title


@pytest.mark.browser
def test_queries_no_page_answers_say_so_and_offer_themes(search, page_texts, fold) -> None:  # noqa: ANN001
    for query in NO_RESULT:
        words = [fold(w) for w in query.split()]
        assert not any(all(w in text for w in words) for text in page_texts.values()), f"{query} is on a page"
        assert search.type(query) == [], query
        assert "没有找到" in search.meta.inner_text()
        hint = search.page.locator(".kb-search-empty")
        assert hint.is_visible() and "按主题浏览" in hint.inner_text()
    assert search.type("走动式")
    assert not search.page.locator(".kb-search-empty").is_visible()
