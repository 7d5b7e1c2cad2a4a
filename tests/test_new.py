"""The scaffold: ids from names, templates that validate except what the editor must fill, end to end to the built site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros.completeness import METHOD_SECTIONS, STUDIO_SECTIONS, sections
from scripts import new
from scripts.validate import main as validate
from tests.conftest import ROOT, build_site, copy_project
from tests.records import write_records


@pytest.mark.parametrize(("name", "kind", "slug"), [
    ("三步调解法", "methods", "sanbu-tiaojie"),
    ("走动式工作法", "methods", "zoudongshi-gongzuofa"),
    ("“133”工作法", "methods", "133-gongzuofa"),
    ("红雁加油站", "studios", "hongyan-jiayouzhan"),
    ("安慧里社区书记工作室", "studios", "anhuili-shequ-shuji-gongzuoshi"),
    ("刘旭清", "mentors", "liu-xuqing"),
    ("欧阳明", "mentors", "ouyang-ming"),
    ("牡丹社区实训基地", "sites", "mudan-shequ-shixun-jidi"),
    ("重庆", "sites", "chongqing"),
])
def test_id_is_proposed_from_the_pinyin_of_the_name(name: str, kind: str, slug: str) -> None:
    assert new.slug_for(name, kind) == slug


def run_new(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = new.main([*args, "--data", str(root / "data"), "--docs", str(root / "docs")])
    out = capsys.readouterr()
    return code, out.out, out.err


def run_validate(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = validate(["--data", str(root / "data"), "--docs", str(root / "docs")])
    return code, capsys.readouterr().out.splitlines()


def problems(lines: list[str]) -> list[tuple[str, str, str]]:
    """(file name, field, message) of each validator line."""
    found = []
    for line in lines:
        location, record, field, message = line.split("  ", 3)
        found.append((Path(location.rsplit(":", 1)[0]).name, field, message))
    return found


@pytest.mark.parametrize(("kind", "folder", "required"), [
    ("method", "methods", ["summary", "sources"]),
    ("studio", "studios", ["type", "summary", "sources"]),
    ("mentor", "mentors", ["summary", "role", "sources"]),
    ("site", "sites", ["summary", "type", "sources"]),
])
def test_new_record_validates_except_the_fields_to_fill(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          kind: str, folder: str, required: list[str]) -> None:
    write_records(tmp_path)
    extra = ["--studio", "demo-studio"] if kind != "studio" else []
    code, out, _ = run_new(tmp_path, capsys, kind, "新建测试", "--id", "xinjian-ceshi", *extra)
    assert code == 0
    record = tmp_path / "data" / folder / "xinjian-ceshi.yml"
    assert f"已新建 {record}" in out
    text = record.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=../schema/{kind}.json"
    assert (tmp_path / "docs" / folder / "xinjian-ceshi.md").is_file() == (folder in ("methods", "studios"))

    code, lines = run_validate(tmp_path, capsys)
    assert code == 1
    assert [(name, field) for name, field, _ in problems(lines)] == [("xinjian-ceshi.yml", field) for field in required]
    messages = [message for *_, message in problems(lines)]
    assert any("还没有填写" in m or "至少需要 1 项" in m for m in messages)


def test_filled_scaffold_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    run_new(tmp_path, capsys, "studio", "新工作室", "--id", "xin-gongzuoshi")
    path = tmp_path / "data/studios/xin-gongzuoshi.yml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^type: ", "type: 社区书记工作室", text, flags=re.M).replace("sources: []", "sources: [article]")
    text = re.sub(r"^summary: ", "summary: 新成立的社区书记工作室。", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    code, lines = run_validate(tmp_path, capsys)
    assert code == 0, lines


def test_scaffold_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    page = tmp_path / "docs/methods/demo-method.md"
    before = page.read_text(encoding="utf-8")
    code, out, err = run_new(tmp_path, capsys, "method", "示例工作法", "--id", "demo-method")
    assert code == 1 and out == ""
    assert "没有新建" in err and "已经存在，没有覆盖" in err and "--id demo-method-2" in err
    assert page.read_text(encoding="utf-8") == before


def test_scaffold_names_an_unknown_studio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    code, _, err = run_new(tmp_path, capsys, "method", "新方法", "--studio", "demo-studoi")
    assert code == 1
    assert "工作室“demo-studoi”不存在" in err and "demo-studio" in err
    assert not list((tmp_path / "data/methods").glob("xin*"))


def test_page_templates_have_the_sections_the_content_uses() -> None:
    """The scaffold's page carries the sections that completeness expects, and so do the real pages."""
    for kind, expected in (("method", METHOD_SECTIONS), ("studio", STUDIO_SECTIONS)):
        template = (new.TEMPLATES / f"{kind}.md").read_text(encoding="utf-8")
        assert list(sections(template)) == list(expected)
        assert not any(sections(template).values()), "a fresh page has nothing written yet"
        assert "{{ cited_sources() }}" in template and f"{{{{ {kind}_overview() }}}}" in template
    real = [p for p in (ROOT / "docs/methods").glob("*.md") if p.stem != "index"]
    written = [p for p in real if set(METHOD_SECTIONS) <= set(sections(p.read_text(encoding="utf-8")))]
    assert len(written) >= len(real) // 2, "most method pages use the template's sections"


# ---- end to end ---------------------------------------------------------------


def search_finds(site: Path, url: str, text: str) -> bool:
    """Whether the built site's search index has ``text`` on the page at ``url`` (e.g. ``methods/x/``).

    The one place that knows the index format: one file per page in search/kb/d/ (macros/search_index.py).
    """
    docs = (json.loads(path.read_text(encoding="utf-8")) for path in (site / "search/kb/d").glob("*.json"))
    return any(doc["l"] == url and text in doc["t"] + doc["x"] for doc in docs)


@pytest.mark.build
@pytest.mark.slow
def test_new_method_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An editor's path: scaffold, read the validator, fill in, build, find the page and search for it."""
    project = copy_project(tmp_path / "project")
    studio = sorted(p.stem for p in (project / "data/studios").glob("*.yml"))[0]
    source = sorted(p.stem for p in (project / "data/sources").glob("*.yml"))[0]

    code, out, _ = run_new(project, capsys, "method", "邻里议事七步法", "--studio", studio)
    assert code == 0
    record = project / "data/methods/linli-yishi-qibu.yml"
    page = project / "docs/methods/linli-yishi-qibu.md"
    assert record.is_file() and page.is_file()

    code, lines = run_validate(project, capsys)
    assert code == 1
    assert [(name, field) for name, field, _ in problems(lines)] == [
        ("linli-yishi-qibu.yml", "summary"), ("linli-yishi-qibu.yml", "sources")]

    text = record.read_text(encoding="utf-8").replace("sources: []", f"sources: [{source}]")
    text = text.replace("summary:  ", "summary: 居民围坐商量邻里事务的七个步骤。", 1)
    record.write_text(text, encoding="utf-8")
    page.write_text(page.read_text(encoding="utf-8").replace("{{ todo() }}", "楼栋里的公共事务需要大家商量时使用。", 1),
                    encoding="utf-8")
    code, lines = run_validate(project, capsys)
    assert code == 0, lines

    out_dir = tmp_path / "site"
    result = build_site(project, out_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    html = BeautifulSoup((out_dir / "methods/linli-yishi-qibu/index.html").read_text(encoding="utf-8"), "lxml")
    assert html.h1.get_text(strip=True).startswith("邻里议事七步法")
    assert "居民围坐商量邻里事务的七个步骤" in html.select_one(".kb-card").get_text()
    assert "楼栋里的公共事务需要大家商量时使用" in html.get_text()
    assert len(html.select(".kb-todo")) == 2  # 案例 and 培训使用 still to write
    assert "待补充" in html.select_one(".kb-completeness").get_text()
    edit = html.select_one(".kb-page-meta__data")
    assert edit is not None and edit["href"].endswith("/data/methods/linli-yishi-qibu.yml")
    assert search_finds(out_dir, "methods/linli-yishi-qibu/", "邻里议事七步法")
    listing = (out_dir / "methods/index.html").read_text(encoding="utf-8")
    assert "邻里议事七步法" in listing


def test_names_that_look_like_yaml_syntax_are_quoted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    write_records(tmp_path)
    for number, name in enumerate(["议事: 五步 #一", "- 开头", "“133”工作法", '引号"里'], start=1):
        code, _, _ = run_new(tmp_path, capsys, "mentor", name, "--id", f"ren-{number}")
        assert code == 0
        data = yaml.safe_load((tmp_path / f"data/mentors/ren-{number}.yml").read_text(encoding="utf-8"))
        assert data["name"] == name
