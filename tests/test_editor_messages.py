"""Messages an editor meets first: each names the field and says what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros.knowledge_base import load_or_raise
from tests.records import VALID, write_records
from tests.test_validate import only_line, run, with_changes, write


def test_a_left_over_template_placeholder_is_named_as_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    text = (tmp_path / "data/sites/demo-site.yml").read_text(encoding="utf-8")
    write(tmp_path, "sites/demo-site.yml", text.replace("studio: demo-studio", "studio: {studio}"))
    code, lines = run(tmp_path, capsys)
    line = only_line(lines)
    assert code == 1 and "demo-site  studio" in line
    assert "“studio”（所属工作室）还是模板里的占位符“{studio}”" in line
    assert "例：studio: hongyan-jiayouzhan" in line and "应为文本" not in line


@pytest.mark.parametrize(("written", "stored"), [
    ("2022年", "2022"), ("2022年6月", "2022-06"), ("2022年6月18日", "2022-06-18"),
    ("2022.6", "2022-06"), ("2022.6.18", "2022-06-18"), ("2022/6/18", "2022-06-18"), ("2022-6", "2022-06"),
])
def test_common_chinese_date_forms_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                written: str, stored: str) -> None:
    root = write_records(tmp_path, with_changes("studios/demo-studio.yml", founded=written))
    code, lines = run(root, capsys)
    assert code == 0, lines
    assert load_or_raise(root / "data").studios["demo-studio"].founded == stored


def test_a_year_written_with_its_character_is_a_year(tmp_path: Path) -> None:
    root = write_records(tmp_path, with_changes("methods/demo-method.yml", year="2021年"))
    assert load_or_raise(root / "data").methods["demo-method"].year == 2021


def test_an_unreadable_date_says_how_to_write_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("studios/demo-studio.yml", founded="去年夏天")), capsys)
    line = only_line(lines)
    assert code == 1 and "demo-studio  founded" in line
    assert "日期应写成 2022、2022-06 或 2022-06-18（2022年6月18日、2022.6 这类写法也可以）" in line


def test_a_missing_summary_says_where_it_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = {k: dict(v) for k, v in VALID.items()}
    del records["sites/demo-site.yml"]["summary"]
    code, lines = run(write_records(tmp_path, records), capsys)
    line = only_line(lines)
    assert code == 1 and "demo-site  summary" in line
    assert "缺少必填字段“summary”（一句话概括）：显示在页面标题下方、列表卡片和搜索结果里" in line
    assert "例：summary: " in line


def test_a_missing_role_gives_an_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = {k: dict(v) for k, v in VALID.items()}
    del records["mentors/demo-mentor.yml"]["role"]
    code, lines = run(write_records(tmp_path, records), capsys)
    assert code == 1 and "缺少必填字段“role”（职务）。例：role: 社区党委书记" in only_line(lines)


def test_a_source_is_an_article_found_by_its_address(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = {k: dict(v) for k, v in VALID.items()}
    records["sources/article.yml"] = {
        "id": "article", "topic": "某市社区书记工作室见闻", "publication": "某某日报", "author": "记者甲",
        "date": "2024年5月", "url": "https://example.org/news/1.html",
        "archive_url": "https://example.org/archive/news/1.html",
    }
    root = write_records(tmp_path, records)
    code, lines = run(root, capsys)
    assert code == 0, lines
    source = load_or_raise(root / "data").sources["article"]
    assert (source.date, source.file) == ("2024-05", None)


def test_a_source_nobody_could_find_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = {k: dict(v) for k, v in VALID.items()}
    records["sources/article.yml"] = {"id": "article", "topic": "一篇报道", "publication": "某某日报"}
    code, lines = run(write_records(tmp_path, records), capsys)
    line = only_line(lines)
    assert code == 1 and "article" in line
    assert "请填写“url”（原文链接），例：url: https://example.org/news/123.html" in line


def test_new_person_and_place_names_are_listed_for_review_not_refused(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    records = {k: dict(v) for k, v in VALID.items()}
    records["mentors/demo-mentor.yml"]["name"] = "于新华"
    records["sites/demo-site.yml"]["region"] = {"province": "辽宁省", "city": "沈阳市", "district": "和平区",
                                                "community": "新华社区"}
    code, lines = run(write_records(tmp_path, records), capsys)
    assert code == 0, lines
    assert "待核对的繁体写法（不影响发布）" in "\n".join(lines)
    listed = [line for line in lines if "尚未列入 data/glossary.yml" in line]
    assert any("人名“于新华”" in line and "暂按 OpenCC 写作“於新華”" in line for line in listed)
    assert any("地名“和平区”" in line for line in listed) and any("地名“新华社区”" in line for line in listed)
