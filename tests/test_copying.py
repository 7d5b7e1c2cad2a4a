"""No sentence of data/ or docs/ is copied from the source articles (scripts/copy_check.py).

Fast: no build. The project check skips where the articles are absent (a clone
outside this workspace); the matching itself is tested on planted copies."""

from __future__ import annotations

import pytest

from scripts.copy_check import (
    CLOSE_LIMIT,
    FAIL_RUN,
    ExemptionError,
    Passage,
    SuffixAutomaton,
    check,
    cjk,
    common_subsequence,
    fold_source,
    load_articles,
    parse_exemptions,
    project_passages,
    shared_runs,
    sources_dir,
)
from tests.conftest import ROOT

ARTICLE = "年轻的社区书记寇庆阳第一次面对居民纠纷时手足无措，听了老书记分享的三步调解法后，逐渐摸索出工作套路。"
COPIED = "听了老书记分享的三步调解法后逐渐摸索出工作套路"  # 22 characters of ARTICLE, in order


def test_a_planted_copy_is_found_with_its_length_and_article() -> None:
    automaton = SuffixAutomaton(["别的文章里没有这句话", cjk(ARTICLE)])
    runs, covered = shared_runs(f"我们自己写的开头，{COPIED}，然后是我们自己的结尾。", automaton, 12)
    assert runs == [(COPIED, 1)]
    assert covered == len(COPIED)


def test_punctuation_between_copied_characters_does_not_hide_them() -> None:
    automaton = SuffixAutomaton([cjk(ARTICLE)])
    runs, _ = shared_runs("听了“老书记”分享的《三步调解法》后——逐渐摸索出工作套路", automaton, FAIL_RUN)
    assert [run for run, _ in runs] == [COPIED]


def test_a_run_shorter_than_the_limit_is_not_a_copy() -> None:
    automaton = SuffixAutomaton([cjk(ARTICLE)])
    runs, covered = shared_runs("寇庆阳第一次面对居民纠纷时不知所措", automaton, 12)  # 12 shared, then different
    assert [run for run, _ in runs] == ["寇庆阳第一次面对居民纠纷时"]
    assert shared_runs("寇庆阳第一次面对居民纠纷时不知所措", automaton, FAIL_RUN)[0] == []
    assert covered == 13


def test_a_match_never_spans_two_articles() -> None:
    automaton = SuffixAutomaton(["甲乙丙丁戊", "己庚辛壬癸"])
    runs, _ = shared_runs("甲乙丙丁戊己庚辛壬癸", automaton, 6)
    assert runs == []


def test_check_fails_on_a_planted_sentence_and_an_exemption_lets_a_title_through() -> None:
    articles = {"000.txt": ARTICLE}
    planted = [Passage("data/methods/x.yml", 3, f"summary: {COPIED}。")]
    report = check(planted, articles, [])
    assert [(run.passage.line, run.text) for run in report.copied] == [(3, COPIED)]
    assert check(planted, articles, ["三步调解法"]).copied == []  # the title cut out leaves 9 + 8 characters


def test_a_sentence_with_a_few_words_swapped_is_a_close_paraphrase() -> None:
    articles = {"000.txt": "社区党委每月召开一次联席会议，共商解决小区内各类问题。"}
    swapped = Passage("docs/x.md", 1, "社区党委每月开一次联席会议，共同商量解决小区里各类问题。")
    own = Passage("docs/x.md", 2, "小区里的事，由社区党委按月召集成员单位坐下来一起商量。")
    report = check([swapped, own], articles, [])
    assert [passage.line for passage, *_ in report.paraphrases] == [1]
    assert common_subsequence("甲乙丙丁", "甲丙丁戊") == 3


def test_traditional_articles_are_folded_to_simplified_without_their_pinyin() -> None:
    assert fold_source("社區(qū)書記工作室") == "社区书记工作室"
    assert cjk(fold_source("張?bào)@制")) == "张制"


def test_every_exemption_says_why() -> None:
    with pytest.raises(ExemptionError, match="第 2 项"):
        parse_exemptions("- phrase: 三步调解法\n  why: 方法名称\n- phrase: 红雁加油站\n")
    phrases = parse_exemptions((ROOT / "data" / "copy-exemptions.yml").read_text(encoding="utf-8"))
    assert len(phrases) == len(set(phrases)) and len(phrases) <= 60


@pytest.fixture(scope="module")
def articles() -> dict[str, str]:
    folder = sources_dir(ROOT)
    if folder is None:
        pytest.skip("来源文章目录不在（../shared/sources 或 KB_SOURCES_DIR）：无法比对是否抄录，本测试跳过")
    return load_articles(folder)


def test_no_text_in_data_or_docs_is_copied_from_an_article(articles: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    exemptions = parse_exemptions((ROOT / "data" / "copy-exemptions.yml").read_text(encoding="utf-8"))
    report = check(project_passages(ROOT), articles, exemptions)
    with capsys.disabled():
        print(f"\n[copy check] {report.summary()}")
    names = sorted(articles)
    copied = [f"{run.passage.file}:{run.passage.line} 与 {names[run.source]} 共享：{run.text}" for run in report.copied]
    assert not copied, "抄自来源文章的片段（请改写，或名称、标题、口号列入 data/copy-exemptions.yml 并写明理由）：\n" + "\n".join(copied)
    close = [f"{run.passage.file}:{run.passage.line} 与 {names[run.source]} 共享：{run.text}" for run in report.close]
    assert len(close) <= CLOSE_LIMIT, f"{len(close)} 处 12–19 字的共享片段，上限 {CLOSE_LIMIT}：\n" + "\n".join(close)


def test_the_project_check_fails_once_a_copied_sentence_is_planted(articles: dict[str, str]) -> None:
    exemptions = parse_exemptions((ROOT / "data" / "copy-exemptions.yml").read_text(encoding="utf-8"))
    planted = Passage("docs/methods/planted.md", 1, "每期锁定矛盾调解、民生项目落地等治理焦点及社区党组织书记抓班子带队伍的各类难题。")
    report = check([*project_passages(ROOT), planted], articles, exemptions)
    assert [run.passage.file for run in report.copied] == ["docs/methods/planted.md"]
