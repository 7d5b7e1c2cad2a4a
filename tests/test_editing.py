"""Editors' aids: completeness of a record, page facts from git, and how both show on the built site."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros import completeness, page_meta
from macros.knowledge_base import load_or_raise
from macros.models import Evidence, Step
from tests.conftest import ROOT, project_kb
from tests.pages import ParsedPages
from tests.records import write_records

METHOD_PAGE = """# {{ title() }}

{{ method_overview() }}

## 适用场景

邻里纠纷时使用。

{{ method_steps() }}

## 案例

<!-- 待写 -->
{{ todo() }}

## 培训使用 {#training}

讨论题：……
"""


def demo_kb(tmp_path: Path):
    return load_or_raise(write_records(tmp_path) / "data")


def test_sections_count_prose_not_macros_or_comments() -> None:
    assert completeness.sections(METHOD_PAGE) == {"适用场景": True, "案例": False, "培训使用": True}


def test_method_completeness_weighs_what_a_reader_can_use(tmp_path: Path) -> None:
    kb = demo_kb(tmp_path)
    method = kb.methods["demo-method"]
    result = completeness.of_method(kb, method, METHOD_PAGE)
    # Steps with names only (先听。 says nothing one can do), no case, no quotes; the first report is
    # the date of the cited article, so it is not missing.
    assert result.missing == ("步骤（只有名称）", "“案例”一节", "依据（0/6 条附原文）", "地区", "参与角色", "成效数字")
    assert (result.percent, result.level) == (33, "待补充")
    detailed = method.model_copy(update={"steps": [Step(name="倾听", detail="先让双方把话说完，不打断"), Step(name="解决", detail="约齐物业和居民当面商量办法")]})
    assert completeness.of_method(kb, detailed, METHOD_PAGE).percent == 47  # steps: 1 of 3 → 3 of 3
    unknown = detailed.model_copy(update={"steps": [Step(name="倾听", detail="寇庆阳套路的第一环；原文未载明怎么做")]})
    assert "步骤（只有名称）" in completeness.of_method(kb, unknown, METHOD_PAGE).missing  # saying the article is silent is no detail
    quoted = detailed.model_copy(update={"evidence": [Evidence(field="steps", quote="先听")]})
    better = completeness.of_method(kb, quoted, METHOD_PAGE)
    assert "依据（2/6 条附原文）" in better.missing and better.percent == 53


def test_studio_completeness_counts_back_links(tmp_path: Path) -> None:
    kb = demo_kb(tmp_path)
    result = completeness.of_studio(kb, kb.studios["demo-studio"], "## 概况\n\n一段介绍。\n")
    assert "工作法" in result.filled and "示范点与阵地" in result.filled and "负责人" in result.filled
    assert result.missing == ("依据（0/9 条附原文）", "团队", "组织结构")


def test_completeness_table_lists_least_complete_first(tmp_path: Path) -> None:
    kb = demo_kb(tmp_path)
    pages = {("methods", "demo-method"): METHOD_PAGE, ("studios", "demo-studio"): ""}
    ranking = completeness.ranking(kb, pages)
    assert [(kind, record_id, result.percent) for kind, record_id, result in ranking] == [
        ("methods", "demo-method", 33), ("studios", "demo-studio", 46)]
    table = completeness.table(kb, pages, "editing/completeness.md")
    assert table.index("[示例工作法](../methods/demo-method.md) | 工作法 | 33% |") < table.index(
        "[示例工作室](../studios/demo-studio.md) | 工作室与项目 | 46% | “概况”一节、依据（0/8 条附原文）、团队、组织结构 |")
    assert "共 2 条工作法与工作室记录，其中 0 条资料完整" in table


def test_mark_escapes_and_links_to_the_editing_page() -> None:
    result = completeness.Completeness((completeness.Check("一句话概括", 1, 1), completeness.Check("<b>", 3, 0)))
    text = completeness.mark(result, "methods/x.md")
    assert "&lt;b&gt;" in text and "<b>" not in text
    assert "[参与补充](../editing/index.md)" in text and "25%" in text


LOG = """@@2026-11-20T10:00:00+08:00

data/methods/a.yml
docs/methods/a.md
@@2026-11-01T09:00:00+00:00

docs/methods/a.md
docs/about.md
data/mentors/x.yml
"""


def test_git_log_gives_each_file_its_newest_date() -> None:
    dates = page_meta.parse_git_log(LOG)
    assert dates == {"data/methods/a.yml": "2026-11-20T10:00:00+08:00", "docs/methods/a.md": "2026-11-20T10:00:00+08:00",
                     "docs/about.md": "2026-11-01T09:00:00+00:00", "data/mentors/x.yml": "2026-11-01T09:00:00+00:00"}


def test_a_record_page_changes_with_its_data_file() -> None:
    dates = {"docs/methods/a.md": "2026-01-01T00:00:00+00:00", "data/methods/a.yml": "2026-03-05T23:30:00-02:00",
             "data/mentors/x.yml": "2026-02-01T00:00:00+00:00"}
    assert page_meta.inputs("methods/a.md") == ["docs/methods/a.md", "data/methods/a.yml"]
    assert page_meta.last_changed(dates, page_meta.inputs("methods/a.md")) == "2026-03-05T23:30:00-02:00"
    assert page_meta.last_changed(dates, page_meta.inputs("mentors/index.md")) == "2026-02-01T00:00:00+00:00"
    assert page_meta.last_changed(dates, page_meta.inputs("about.md")) is None
    assert page_meta.date_text("2026-03-05T23:30:00-02:00") == "2026年3月5日"


def test_edit_links_point_at_the_page_and_its_data_file() -> None:
    assert page_meta.data_file("studios/hongyan.md") == "data/studios/hongyan.yml"
    assert page_meta.data_file("studios/index.md") is None and page_meta.data_file("about.md") is None
    repo = "https://github.com/shequ-gongzuofa/kb"
    assert page_meta.edit_url(repo, "edit/main/docs/", "data/studios/hongyan.yml") == f"{repo}/edit/main/data/studios/hongyan.yml"
    assert page_meta.edit_url(repo + "/", "edit/main/docs/", "docs/about.md") == f"{repo}/edit/main/docs/about.md"
    assert page_meta.folder_url(repo, "edit/main/docs/", "data/mentors/") == f"{repo}/tree/main/data/mentors"


# ---- on the built site -----------------------------------------------------------


KB = project_kb()


@pytest.mark.build
def test_record_pages_show_completeness_date_and_edit_links(built_site: Path, site_pages: ParsedPages) -> None:
    for kind in ("methods", "studios"):
        record_id = next(iter(KB.of_kind(kind)))
        page = site_pages(built_site / f"{kind}/{record_id}/index.html")
        mark = page.select_one(".kb-completeness")
        assert mark is not None and "资料完整度" in mark.get_text()
        meta = page.select_one(".kb-page-meta")
        assert meta.select_one(".kb-page-meta__edit")["href"].endswith(f"/edit/main/docs/{kind}/{record_id}.md")
        assert meta.select_one(".kb-page-meta__data")["href"].endswith(f"/edit/main/data/{kind}/{record_id}.yml")
        time = meta.select_one("time")  # the test checkout has its history (not a shallow clone)
        assert time is not None and time.get_text().endswith("日") and time["datetime"][:4].isdigit()


@pytest.mark.build
def test_completeness_page_lists_records_in_the_editors_section(built_site: Path, site_pages: ParsedPages) -> None:
    page = site_pages(built_site / "editing/completeness/index.html")
    rows = page.select("article table tbody tr")
    assert rows and len(rows) <= 30
    first = rows[0].select("td")
    expected = completeness.ranking(KB, completeness.read_pages(ROOT / "docs", KB))[0]
    assert first[0].get_text(strip=True) == KB.records(expected[0])[expected[1]].name
    mentors = site_pages(built_site / "mentors/index.html").select_one(".kb-page-meta__data")
    assert mentors["href"].endswith("/tree/main/data/mentors") and "data/mentors/" in mentors.get_text()
    tabs = [a.get_text(strip=True) for a in site_pages(built_site / "index.html").select(".md-tabs__link")]
    assert "参与编辑" in tabs


# ---- the stage page_meta in a real checkout, a shallow clone and a plain folder ----------------


def _git(*args: str, cwd: Path) -> None:
    import subprocess

    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=cwd, check=True, capture_output=True)


def _run_hook(root: Path, caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    from mkdocs.config.defaults import MkDocsConfig

    from kb_build.page_meta import PageMeta
    from kb_build.stage import Build
    from macros.knowledge_base import KnowledgeBase

    stage = PageMeta(Build(root, KnowledgeBase(), live_edit=False))
    caplog.clear()
    with caplog.at_level("INFO", logger="mkdocs.plugins.kb.page_meta"):
        stage.on_config(MkDocsConfig())
    assert not [r for r in caplog.records if r.levelname not in ("INFO", "DEBUG")], "strict builds fail on warnings"
    return dict(stage.dates)


def test_hook_dates_pages_in_a_checkout_and_stays_quiet_in_a_shallow_clone(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    _git("init", "--quiet", str(repo), cwd=tmp_path)
    for n in (1, 2):
        (repo / "docs/index.md").write_text(f"# {n}\n", encoding="utf-8")
        _git("add", ".", cwd=repo)
        _git("commit", "--quiet", "-m", f"c{n}", cwd=repo)
    assert set(_run_hook(repo, caplog)) == {"docs/index.md"}

    shallow = tmp_path / "shallow"
    _git("clone", "--quiet", "--depth", "1", f"file://{repo}", str(shallow), cwd=tmp_path)
    assert _run_hook(shallow, caplog) == {}
    assert "浅克隆" in caplog.text

    plain = tmp_path / "plain"
    plain.mkdir()
    assert _run_hook(plain, caplog) == {}
    assert "不是 git 仓库" in caplog.text
