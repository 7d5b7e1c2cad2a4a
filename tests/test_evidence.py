"""Evidence: quotes found in their articles (folded like search), errors in Chinese naming file, record,
field and the closest passage, the reviewer's list, the markers and notes a page shows, and intake.

Fast: no build. Records are written to a temporary project (tests/records.py); the articles are the
shared ones beside the checkout (tests skip where they are absent), or small texts written here.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros import articles, citations, evidence, render
from macros.knowledge_base import KnowledgeBase, load, load_or_raise, sources_dir_for
from macros.models import Evidence, Source
from scripts import copy_check, intake, validate
from tests.conftest import ROOT
from tests.records import VALID, write_records

SOURCES = sources_dir_for(ROOT)
needs_articles = pytest.mark.skipif(SOURCES is None, reason="the shared articles are not beside this checkout")

# The article of the fixture records, written here: Traditional with the inline pinyin of 002.
ARTICLE = ("本報(bào)記者 安 娜\n年輕的社區(qū)書記寇慶陽第一次面對居民糾紛時手足無措,聽了“老書記”分享的“三步調(diào)解法”後,"
           "逐漸摸索出“共情傾聽—政策解析—聯(lián)動解決”的工作套路。\n兩年來推動解決民生問題500余件。\n")


def project(tmp_path: Path, evidence_of_method: list[dict] | None = None, page: str | None = None,
            **changes: dict) -> Path:
    """A project whose one article is ARTICLE, its method carrying ``evidence_of_method``."""
    records = {relative: dict(record) for relative, record in VALID.items()}
    for relative, update in changes.items():
        records[relative.replace("__", "/") + ".yml"].update(update)
    if evidence_of_method is not None:
        records["methods/demo-method.yml"]["evidence"] = evidence_of_method
    root = write_records(tmp_path / "kb", records)
    sources = tmp_path / "shared" / "sources"
    sources.mkdir(parents=True)
    (sources / VALID["sources/article.yml"]["file"]).write_text(ARTICLE, encoding="utf-8")
    if page is not None:
        (root / "docs" / "methods" / "demo-method.md").write_text(page, encoding="utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    _, problems = load(root / "data", root.parent / "shared" / "sources", root / "docs")
    return [problem.as_text(root) for problem in problems]


# ---- folding and finding ----------------------------------------------------------------


def test_a_quote_is_found_in_either_script_with_or_without_pinyin_and_any_punctuation() -> None:
    article = articles.fold(ARTICLE)
    for quote in ("逐渐摸索出“共情倾听—政策解析—联动解决”的工作套路",  # Simplified, as an editor writes it
                  "逐漸摸索出“共情傾聽—政策解析—聯(lián)動解決”",  # pasted from the article, pinyin and all
                  "共情倾听、政策解析、联动解决",  # other punctuation
                  "推动解决民生问题５００余件"):  # full-width digits
        assert articles.contains(article, quote), quote
    for quote in ("共情倾听政策解析联动解决问题", "老书记把三步调解法交给寇庆阳", "，。“”", ""):
        assert not articles.contains(article, quote), quote


def test_the_closest_passage_is_what_the_article_says_instead() -> None:
    article = articles.fold(ARTICLE)
    closest = articles.closest_passage(article, "老书记把三步调解法交给了年轻书记")
    assert "老书记" in closest and "三步调解法" in closest and "(bào)" not in closest
    assert articles.closest_passage(article, "完全无关的句子") == ""


def test_the_closest_passage_takes_bounded_time_on_a_long_article() -> None:
    long_article = articles.fold("社区书记走访居民" * 20_000 + ARTICLE)  # 160,000 characters of near-matches
    started = time.perf_counter()
    closest = articles.closest_passage(long_article, "社区书记走访居民了解情况之后调解纠纷共情倾听政策解析")
    assert time.perf_counter() - started < 2.0 and closest


def test_copy_check_and_the_validator_fold_alike() -> None:
    assert copy_check.fold_source is articles.fold_source
    assert articles.fold_source("社區(qū)書記工作室") == "社区书记工作室"


# ---- the checks -----------------------------------------------------------------------------


def test_good_evidence_passes_and_counts_as_support(tmp_path: Path) -> None:
    root = project(tmp_path, [{"field": "steps", "quote": "共情傾聽—政策解析—聯(lián)動解決"},
                              {"field": "name", "quote": "分享的“三步调解法”", "source": "article"}])
    assert problems_of(root) == []
    method = load_or_raise(root / "data").methods["demo-method"]
    assert evidence.supported(method) == ["name", "steps.0", "steps.1"]
    assert evidence.statements(method) == ["name", "summary", "origin.studio", "steps.0", "steps.1"]


def test_wrong_evidence_is_reported_in_chinese_naming_file_record_field_and_closest_passage(tmp_path: Path) -> None:
    root = project(tmp_path, [
        {"field": "summary", "quote": "老书记把三步调解法交给了年轻书记"},  # not the article's words
        {"field": "steps.5", "quote": "共情倾听"},  # no such step
        {"field": "year", "quote": "共情倾听"},  # a field the record does not fill
        {"field": "themes", "quote": "共情倾听"},  # an editors' classification
        {"field": "colour", "quote": "共情倾听"},  # no such field
        {"field": "summary", "quote": "共情倾听", "source": "other"},  # a source the record does not cite
        {"field": "summary", "quote": "逐渐摸索……工作套路"},  # an ellipsis joins two passages
        {"field": "origin", "quote": "共情倾听"},  # which of the origin's facts?
    ])
    lines = problems_of(root)
    assert all(line.startswith("data/methods/demo-method.yml:") and "demo-method" in line for line in lines), lines
    text = "\n".join(lines)
    assert "evidence[0].quote  摘句“老书记把三步调解法交给了年轻书记”在来源“article”的原文里找不到" in text
    assert "原文最接近的一段是：“" in text and "三步调解法" in text.split("原文最接近的一段是")[1]
    assert "evidence[1].field  “steps”只有 2 项（序号从 0 数起），没有第 5 项" in text
    assert "evidence[2].field  字段“year”在这条记录里没有填写" in text
    assert "evidence[3].field  “themes”是编者的归类或链接" in text
    assert "evidence[4].field  这条记录没有字段“colour”" in text
    assert "evidence[5].source  引用的来源“other”不存在" in text
    assert "evidence[6].quote  摘句中间不能用省略号" in text
    assert "evidence[7].field  “origin”包含几项事实，请写明摘句支持哪一项：origin.studio" in text
    assert len(lines) == 8


def test_a_long_quote_is_refused_at_its_limit(tmp_path: Path) -> None:
    root = project(tmp_path, [{"field": "summary", "quote": "共情倾听" * 16}])
    assert any("evidence[0].quote" in line and "上限 60" in line for line in problems_of(root))


def test_the_validator_prints_evidence_errors_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, [{"field": "summary", "quote": "并不存在的一句话"}])
    monkeypatch.setattr(validate, "sources_dir_for", lambda _: root.parent / "shared" / "sources")
    code = validate.main(["--data", str(root / "data"), "--docs", str(root / "docs")])
    out = capsys.readouterr()
    assert code == 1 and "Traceback" not in out.out + out.err
    assert "demo-method  evidence[0].quote  摘句“并不存在的一句话”在来源“article”的原文里找不到" in out.out


def test_a_quote_whose_article_is_not_here_is_a_warning_not_an_error(tmp_path: Path) -> None:
    root = project(tmp_path, [{"field": "summary", "quote": "并不存在的一句话"}])
    kb, problems = load(root / "data", None, root / "docs")  # CI: the articles are not in the checkout
    assert problems == []
    assert [(w.severity, w.record) for w in kb.warnings] == [("warning", "article")]
    assert "1 条摘句未能核对" in kb.warnings[0].message
    assert kb.warnings[0].as_github(root).startswith("::warning file=data/sources/article.yml")


def test_a_printed_headline_must_be_in_the_article_and_a_description_is_free(tmp_path: Path) -> None:
    invented = project(tmp_path / "a", **{"sources__article": {"title": "朝阳区社区书记工作室破解五难"}})
    assert any("sources/article.yml" in line and "title" in line and "“原文标题”只写文章自己印出的标题" in line
               for line in problems_of(invented))
    printed = project(tmp_path / "b", **{"sources__article": {"title": "本报记者 安娜"}})
    assert problems_of(printed) == []


def test_cite_in_a_page_is_checked_like_a_quote(tmp_path: Path) -> None:
    page = ("# {{ title() }}\n\n{{ method_overview() }}\n\n## 案例\n\n"
            "寇庆阳听后自己理出了三个环节。{{ cite(\"article\", \"逐漸摸索出\") }}\n\n"
            "老书记手把手教了他。{{ cite(\"article\", \"手把手教\") }}\n\n"
            "别处的说法。{{ cite(\"nowhere\", \"共情倾听\") }}\n\n"
            "写错了。{{ cite(\"article\") }}\n")
    lines = problems_of(project(tmp_path, page=page))
    assert [line.split("  ")[0] for line in lines] == [f"docs/methods/demo-method.md:{n}" for n in (9, 11, 13)]
    assert "摘句“手把手教”在来源“article”的原文里找不到" in lines[0]
    assert "引用的来源“nowhere”不存在" in lines[1]
    assert "{{ cite(\"来源编号\", \"原文摘句\") }}" in lines[2]


# ---- what readers see -------------------------------------------------------------------


def page_html(kb: KnowledgeBase, notes: citations.Notes) -> BeautifulSoup:
    method = kb.methods["demo-method"]
    page = "methods/demo-method.md"
    import markdown

    body = "\n\n".join([render.method_overview(kb, method, page, notes), render.method_steps(method, notes),
                        f"寇庆阳听后自己理出了三个环节。{notes.cite('article', '逐漸摸索出')}", notes.section()])
    return BeautifulSoup(markdown.markdown(body, extensions=["attr_list", "def_list", "md_in_html", "tables"]), "html.parser")


def test_markers_follow_their_statements_and_lead_to_numbered_notes(tmp_path: Path) -> None:
    root = project(tmp_path, [{"field": "steps.1", "quote": "聯(lián)動解決"}, {"field": "summary", "quote": "三步調(diào)解法"},
                              {"field": "name", "quote": "三步調(diào)解法"}])
    kb = load_or_raise(root / "data")
    tree = page_html(kb, citations.Notes(kb, "methods/demo-method.md"))
    markers = tree.select("sup.kb-ev a.kb-ev-link")
    # In page order: the name's row, the summary (the same quote: the same note), the second step, the prose.
    assert [a.get_text() for a in markers] == ["1", "1", "2", "3"]
    assert [a["href"] for a in markers] == ["#kb-ev-1", "#kb-ev-1", "#kb-ev-2", "#kb-ev-3"]
    assert len({a.parent["id"] for a in markers}) == 4  # every marker its own anchor for the way back
    assert all(a["role"] == "doc-noteref" and a["aria-label"].startswith("依据 ") for a in markers)
    assert markers[2].find_parent("li")["id"] == "step-2"
    notes = tree.select("section#evidence ol.kb-evidence-list > li")
    assert [note["id"] for note in notes] == ["kb-ev-1", "kb-ev-2", "kb-ev-3"]
    # Quotes in Simplified whatever was pasted (the Traditional edition converts the page), pinyin gone.
    assert [note.select_one("q.kb-ev-quote").get_text() for note in notes] == ["三步调解法", "联动解决", "逐渐摸索出"]
    source = notes[0].select_one(".kb-ev-source").get_text()
    assert "测试来源（编者说明）" in source and "测试报" in source and "2021年7月22日" in source
    assert notes[0].select_one("a.kb-ev-back")["href"] == "#kb-ev-ref-1"
    assert notes[0].select_one(".kb-ev-links a")["href"] == "../../sources/#article"


def test_markers_and_notes_escape_what_the_data_holds(tmp_path: Path) -> None:
    # Built directly, past the loader's refusal of markup: the rendering must be safe by itself.
    hostile = '<img src=x onerror="alert(1)">*粗*'
    kb = load_or_raise(project(tmp_path) / "data")
    source = Source(id="article", topic=hostile, title=hostile, url='https://example.org/a?b=1&c="><script>alert(2)</script>')
    method = kb.methods["demo-method"].model_copy(update={"evidence": [Evidence(field="summary", quote=hostile)]})
    kb = KnowledgeBase(methods={"demo-method": method}, sources={"article": source})
    notes = citations.Notes(kb, "methods/demo-method.md")
    html = notes.of(method, "summary") + notes.section()
    tree = BeautifulSoup(html, "html.parser")
    assert not tree.select("img, script, [onerror]")
    assert tree.select_one("q.kb-ev-quote").get_text() == hostile
    assert tree.select_one(".kb-ev-source").get_text().startswith(f"出自《{hostile}》")
    assert tree.select_one(".kb-ev-links a")["href"] == 'https://example.org/a?b=1&c="><script>alert(2)</script>'
    scripted = citations.Notes(KnowledgeBase(sources={"article": source.model_copy(update={"url": "javascript:alert(3)"})}), "m.md")
    scripted.cite("article", "x")
    with pytest.raises(ValueError):
        scripted.section()


def test_a_record_without_evidence_is_marked_and_one_with_it_is_not(tmp_path: Path) -> None:
    kb = load_or_raise(project(tmp_path) / "data")
    method = kb.methods["demo-method"]
    assert "未附依据" in citations.unsupported_mark(method)
    supported = method.model_copy(update={"evidence": [Evidence(field="summary", quote="三步调解法")]})
    assert citations.unsupported_mark(supported) == ""


def test_pages_without_notes_say_nothing_and_training_pages_show_no_markers(tmp_path: Path) -> None:
    root = project(tmp_path, [{"field": "steps.1", "quote": "聯(lián)動解決"}])
    kb = load_or_raise(root / "data")
    assert citations.Notes(kb, "methods/demo-method.md").section() == ""
    assert "kb-ev" not in render.method_steps(kb.methods["demo-method"])  # no notes: the training plan's copy


# ---- the reviewer's list ----------------------------------------------------------------


def test_the_evidence_listing_shows_each_statement_beside_its_quote(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    page = "# {{ title() }}\n\n## 案例\n\n寇庆阳自己理出了三个环节。{{ cite(\"article\", \"逐漸摸索出\") }}\n\n没有出处的一段。\n"
    root = project(tmp_path, [{"field": "steps.1", "quote": "聯(lián)動解決"}], page=page)
    monkeypatch.setattr(validate, "sources_dir_for", lambda _: root.parent / "shared" / "sources")
    monkeypatch.setattr(validate, "ROOT", root)
    code = validate.main(["--data", str(root / "data"), "--docs", str(root / "docs"), "--evidence"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "依据一览：全部陈述" in out  # no git history here: everything is listed
    assert "data/methods/demo-method.yml:11  demo-method  steps.1  解决\n    ← “聯(lián)動解決”（article）" in out
    assert "data/methods/demo-method.yml:9  demo-method  steps.0  倾听：先听。\n    ← 未附依据" in out
    assert "demo-studio  figures.0  培训人次：5000余人次\n" in out
    assert "docs/methods/demo-method.md:5  demo-method  正文  寇庆阳自己理出了三个环节。\n    ← “逐漸摸索出”（article）" in out
    assert "工作法：字段 1/5 附依据；正文段落 1/2 有引用" in out
    assert "未附依据的记录：3 条：studios/demo-studio、mentors/demo-mentor、sites/demo-site" in out
    capsys.readouterr()
    validate.main(["--data", str(root / "data"), "--docs", str(root / "docs"), "--evidence", "--format", "github"])
    notices = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::notice")]
    assert "::notice file=data/methods/demo-method.yml,line=11,title=依据 demo-method steps.1::解决%0A← “聯(lián)動解決”（article）" in notices


def test_only_changed_statements_are_listed_against_the_merge_base(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    root = project(tmp_path, [{"field": "steps.1", "quote": "聯(lián)動解決"}])
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    subprocess.run([*git, "update-ref", "refs/remotes/origin/main", "HEAD"], check=True)
    method = root / "data" / "methods" / "demo-method.yml"
    method.write_text(method.read_text(encoding="utf-8").replace("先听。", "先让双方把话说完。"), encoding="utf-8")
    monkeypatch.setattr(validate, "sources_dir_for", lambda _: root.parent / "shared" / "sources")
    monkeypatch.setattr(validate, "ROOT", root)
    validate.main(["--data", str(root / "data"), "--docs", str(root / "docs"), "--evidence"])
    out = capsys.readouterr().out
    assert "与 origin/main" in out and "陈述 1 条" in out
    assert "demo-method  steps.0  倾听：先让双方把话说完。\n    ← 未附依据" in out and "steps.1" not in out


# ---- intake and the copy check ---------------------------------------------------------


@needs_articles
def test_intake_names_what_001_says_and_the_knowledge_base_lacks(tmp_path: Path) -> None:
    """The issue's case: before 胡云平, 王青和 and 万应慧 were added, intake named them; now that
    records, pages and the source record hold them, it no longer does."""
    assert SOURCES is not None
    text = (SOURCES / "001_130949ea3cbd8891.txt").read_text(encoding="utf-8")
    added = ("胡云平", "王青和", "万应慧")
    for folder in ("data", "docs"):  # the project as it was: the added names written out of it
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in (".yml", ".md"):
                target = tmp_path / folder / path.relative_to(ROOT / folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                content = path.read_text(encoding="utf-8")
                for name in added:
                    content = content.replace(name, "某人")
                target.write_text(content, encoding="utf-8")
    before = intake.to_do(text, load_or_raise(tmp_path / "data"), tmp_path / "docs")
    people = {finding.text: finding.sentence for finding in before if finding.kind == "人物"}
    for name in ("胡云平", "万应慧", "王青和"):
        assert name in people, sorted(people)
    assert "快递小哥胡云平是大连市劳动模范" in people["胡云平"]
    assert {"于再兴", "王丽娟", "曲宏"}.isdisjoint(people)  # a mentor, a mentor, the source's author: carried
    assert not any(finding.text.startswith("王青") and finding.text != "王青和" for finding in before)
    report = intake.report(before)
    assert "人物（" in report and "王青和 —— " in report
    now = {finding.text for finding in intake.to_do(text, load_or_raise(ROOT / "data"), ROOT / "docs") if finding.kind == "人物"}
    assert not now & set(added)


def test_intake_subtracts_names_figures_and_dates_the_records_hold(tmp_path: Path) -> None:
    kb = load_or_raise(project(tmp_path) / "data")
    text = "社区居民李新华说,示例工作室开展活动5000余人次。4月7日下午,张老三说起培训人次又有300余人次。2021年7月22日见报。"
    found = {(finding.kind, finding.text) for finding in intake.to_do(text, kb, None)}
    assert ("人物", "李新华") in found and ("数字", "300余人次") in found and ("日期", "4月7日下午") in found
    assert ("数字", "5000余人次") not in found  # the studio's figure
    assert ("日期", "2021年7月22日") not in found  # the article's date


def test_quotes_and_cite_calls_are_citations_not_copied_prose(tmp_path: Path) -> None:
    quote = "每期锁定矛盾调解、民生项目落地等治理焦点及社区党组织书记抓班子带队伍的各类难题"
    (tmp_path / "data" / "methods").mkdir(parents=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / "data" / "methods" / "x.yml").write_text(
        f"summary: 概括。\nevidence:\n  - field: summary\n    quote: {quote}\n", encoding="utf-8")
    (tmp_path / "docs" / "x.md").write_text(f'一段话。{{{{ cite("a", "{quote}") }}}}\n{quote}\n', encoding="utf-8")
    passages = list(copy_check.project_passages(tmp_path))
    assert [(p.file, p.line) for p in passages] == [("data/methods/x.yml", 1), ("docs/x.md", 1), ("docs/x.md", 2)]
    assert quote not in passages[1].text and passages[2].text == quote  # the same words as prose still count
