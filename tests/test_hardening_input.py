"""Hostile input: what a stranger's pull request can put in data/ and docs/.

Every input ends in Problems written in Chinese that name the file and the field, or in a
clean pass; never in a traceback, a hang or exhausted memory. The property-based tests over
random input are in tests/test_hardening_properties.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from macros.knowledge_base import load
from macros.messages import Problem
from macros.models import MAX_RECORD_BYTES, personal_data
from macros.redirects import load_redirects
from tests.conftest import ROOT
from tests.pages import ParsedPages, text_outside
from tests.records import VALID, write_records

METHOD = "methods/demo-method.yml"
STUDIO = "studios/demo-studio.yml"


def method_text(extra: str = "", name: str = "示例工作法") -> str:
    return (f"id: demo-method\nname: {name}\nsummary: 一句话。\nthemes: [矛盾调解]\norigin: {{studio: demo-studio}}\n"
            f"steps:\n  - name: 倾听\nsources: [article]\n{extra}")


def problems_of(root: Path) -> list[Problem]:
    return load(root / "data", None, root / "docs")[1]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [p.as_text(Path("/")) for p in problems]
    return problems[0]


def written(tmp_path: Path, relative: str, content: str | bytes) -> Path:
    root = write_records(tmp_path)
    path = root / "data" / relative
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def has_chinese(text: str) -> bool:
    return re.search("[\u4e00-\u9fff]", text) is not None


# ---- 1. a loader that never falls over ---------------------------------------------------

BOMB = "\n".join(["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                 + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]) + "\n"


@pytest.mark.parametrize(
    ("name", "content", "field", "message"),
    [
        ("alias bomb (billion laughs)", method_text(BOMB), "a0", "不支持锚点和别名"),
        ("one alias", method_text("roles: &r [书记]\naliases: *r\n"), "roles", "不支持锚点和别名"),
        ("flow nesting 1,000 deep", method_text("roles: " + "[" * 1000 + "]" * 1000 + "\n"), "roles[0][0][0][0][0][0][0]", "嵌套超过 8 层"),
        ("block nesting 1,000 deep", method_text("".join(" " * i + f"k{i}:\n" for i in range(0, 2000, 2))[:60000]), "k0.k2.k4.k6.k8.k10.k12.k14", "嵌套超过 8 层"),
        ("5,000-digit integer", method_text("year: " + "9" * 5000 + "\n"), "year", "数字有 5,000 位"),
        ("5,000-digit float", method_text("year: 1." + "9" * 5000 + "\n"), "year", "数字有 5,002 位"),
        ("python tag", method_text("roles: !!python/object/apply:os.system ['echo hi']\n"), "roles", "不支持 YAML 标签“!!python/object/apply:os.system”"),
        ("binary tag", method_text("roles: [!!binary aGVsbG8=]\n"), "roles[0]", "不支持 YAML 标签“!!binary”"),
        ("timestamp tag", method_text("year: !!timestamp 2021-13-45\n"), "year", "不支持 YAML 标签“!!timestamp”"),
        ("local tag", method_text("roles: [!evil x]\n"), "roles[0]", "不支持 YAML 标签“!evil”"),
        ("key that is a list", method_text("? [a, b]\n: c\n"), "", "字段名应为简单的英文字段名"),
        ("key that is a number", method_text("1: c\n"), "1", "不是英文字段名"),
        ("merge key", method_text("<<: {summary: 另一句}\n"), "<<", "未知字段"),
        ("two documents", method_text("---\nid: x\n"), "", "一个文件只能写一条记录"),
        ("control character", method_text("roles: [书\x00记]\n"), "", "控制字符（U+0000）"),
        ("UTF-16", method_text().encode("utf-16"), "", "不是 UTF-8 编码"),
        ("GB18030", method_text().encode("gb18030"), "", "不是 UTF-8 编码"),
        ("duplicate key", method_text("name: 另一个\n"), "name", "重复出现"),
    ],
)
def test_hostile_record_file(tmp_path: Path, name: str, content: str | bytes, field: str, message: str) -> None:
    problem = only(problems_of(written(tmp_path, METHOD, content)))
    assert problem.file.name == "demo-method.yml" and problem.record == "demo-method", name
    assert problem.field == field and message in problem.message, (name, problem)


def test_bom_and_crlf_read_as_ordinary_text(tmp_path: Path) -> None:
    root = written(tmp_path, METHOD, b"\xef\xbb\xbf" + method_text().replace("\n", "\r\n").encode("utf-8"))
    assert problems_of(root) == []
    bad = method_text("year: 1900\n").replace("\n", "\r\n")
    problem = only(problems_of(written(tmp_path, METHOD, b"\xef\xbb\xbf" + bad.encode("utf-8"))))
    assert problem.field == "year" and problem.line == 9  # lines still counted right


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/tmp", "是符号链接（指向 /tmp）"),
        ("/dev/zero", "是符号链接（指向 /dev/zero）"),
        ("/etc/hostname", "是符号链接（指向 /etc/hostname）"),
        ("../../../outside.yml", "是符号链接"),
        ("missing.yml", "是符号链接"),
    ],
)
def test_symlinked_record_is_refused_unread(tmp_path: Path, target: str, message: str) -> None:
    root = write_records(tmp_path)
    os.symlink(target, root / "data/methods/linked.yml")
    problem = only(problems_of(root))
    assert problem.file.name == "linked.yml" and problem.record == "linked" and message in problem.message


def test_symlinked_folder_of_records_is_refused(tmp_path: Path) -> None:
    root = write_records(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.yml").write_text("id: evil\n", encoding="utf-8")
    (root / "data/sites").rename(root / "data/sites-real")
    os.symlink(outside, root / "data/sites")
    messages = [p.message for p in problems_of(root) if p.file.name == "evil.yml"]
    assert messages and "在" in messages[0] and "之外" in messages[0]


def test_folder_named_like_a_record_or_a_page(tmp_path: Path) -> None:
    root = write_records(tmp_path)
    (root / "data/methods/x.yml").mkdir()
    (root / "docs/methods/demo-method.md").unlink()
    (root / "docs/methods/demo-method.md").mkdir()
    found = {(p.file.name, p.message.split("：")[0]) for p in problems_of(root)}
    assert ("x.yml", "是文件夹而不是文件") in found and ("demo-method.md", "是文件夹而不是文件") in found


def test_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = written(tmp_path, METHOD, "")
    with (root / "data" / METHOD).open("w", encoding="utf-8") as handle:
        handle.write(method_text())
        handle.write(("# " + "注释" * 30 + "\n") * (50 * 1024 * 1024 // 94))  # 50 MB of comments
    problem = only(problems_of(root))
    assert problem.field == "" and f"超过上限 {MAX_RECORD_BYTES:,} 字节" in problem.message


def test_the_validator_prints_no_traceback_on_any_of_them(tmp_path: Path) -> None:
    root = written(tmp_path, METHOD, method_text(BOMB))
    os.symlink("/dev/zero", root / "data/studios/zero.yml")
    (root / "data/sites/x.yml").mkdir()
    (root / "data/mentors/deep.yml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "scripts.validate", "--data", str(root / "data"), "--docs", str(root / "docs")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert {"demo-method.yml", "zero.yml", "x.yml", "deep.yml"} <= {line.split(":")[0].rsplit("/", 1)[-1] for line in result.stdout.splitlines()}


def test_only_safe_yaml_loading_in_the_repository() -> None:
    """Every YAML load in the project's code uses a safe loader."""
    unsafe = re.compile(r"yaml\.(?:load|load_all|full_load|unsafe_load|unsafe_load_all)\(|Loader=yaml\.(?:Loader|FullLoader|UnsafeLoader)|yaml\.Loader\b")
    offenders = []
    for folder in ("kb_build", "macros", "scripts", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if unsafe.search(line) and "unsafe = re.compile" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


# ---- 2. sizes that are bounded -----------------------------------------------------------


def with_changes(relative: str, **changes: object) -> dict[str, dict]:
    records = {k: dict(v) for k, v in VALID.items()}
    records[relative].update(changes)
    return records


@pytest.mark.parametrize(
    ("relative", "changes", "field", "message"),
    [
        (METHOD, {"name": "名" * 4000}, "name", "文字有 4,000 个字符，超过这个字段的上限 100 个"),
        (METHOD, {"summary": "句" * 1001}, "summary", "超过这个字段的上限 1000 个"),
        (METHOD, {"aliases": [f"别名{i}" for i in range(51)]}, "aliases", "列表有 51 项，超过上限 50 项"),
        (STUDIO, {"founded": "0001"}, "founded", "日期“0001”早于 1949 年"),
        (STUDIO, {"founded": "1948-12"}, "founded", "早于 1949 年"),
        (METHOD, {"year": 1900}, "year", "年份 1900 早于 1949 年"),
        ("mentors/demo-mentor.yml", {"mentees": 10**10}, "mentees", "超出范围（0 到 1,000,000,000）"),
        ("mentors/demo-mentor.yml", {"mentees": -1}, "mentees", "超出范围"),
    ],
)
def test_sizes_numbers_and_dates_are_bounded(tmp_path: Path, relative: str, changes: dict, field: str, message: str) -> None:
    problem = only(problems_of(write_records(tmp_path, with_changes(relative, **changes))))
    assert problem.file.name == Path(relative).name and problem.field == field and message in problem.message


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN", "1e400"])
def test_figures_must_be_finite(tmp_path: Path, value: str) -> None:
    root = write_records(tmp_path)
    path = root / "data" / STUDIO
    path.write_text(path.read_text(encoding="utf-8").replace("value: 5000", f"value: {value}"), encoding="utf-8")
    problem = only(problems_of(root))
    assert problem.field == "figures[0].value" and "有限的数字" in problem.message


def test_patterns_take_linear_time_on_100_kb(tmp_path: Path) -> None:
    """A page (within its size limit) of 100 KB runs that once took 345 s must be read in bounded time.
    The time itself is measured by `python -m scripts.bench_patterns`; here only that it ends."""
    root = write_records(tmp_path)
    runs = ["1" * 100_000, "a@" * 20_000, "字(" * 10_000, "(" + "字" * 15_000, "字,(字)" * 2_000]
    page = root / "docs/methods/demo-method.md"
    page.write_text("# {{ title() }}\n\n" + "\n\n".join(runs) + "\n", encoding="utf-8")
    assert 200_000 < page.stat().st_size < 256 * 1024
    result = subprocess.run([sys.executable, "-m", "scripts.validate", "--data", str(root / "data"), "--docs", str(root / "docs")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    # the page was read to its end: the half-width parentheses of the last run are reported
    assert "demo-method.md:11  demo-method  -  中文句子里用了半角括号" in result.stdout


# ---- 3. no markup in fields that never hold any ------------------------------------------

MARKUP = ["<script>alert(1)</script>", "名</title><svg onload=alert(1)>", "{{ config }}", "{% include 'x' %}",
          "[点我](javascript:alert(1))", "javascript:alert(1)", "data:text/html,x", "&lt;b&gt;", "&#60;"]


@pytest.mark.parametrize("payload", MARKUP)
@pytest.mark.parametrize(("relative", "field"), [(METHOD, "name"), ("sources/article.yml", "title"), ("mentors/demo-mentor.yml", "role")])
def test_markup_refused_in_names_and_titles(tmp_path: Path, payload: str, relative: str, field: str) -> None:
    problems = problems_of(write_records(tmp_path, with_changes(relative, **{field: payload})))
    assert problems and all(p.field == field and p.message.startswith("不能含有网页或模板标记：") for p in problems), problems
    assert all("请" in p.message for p in problems)  # says what to write instead


@pytest.mark.parametrize(("field", "value"), [("region", {"province": "<b>北京</b>"}), ("aliases", ["{{x}}"]),
                                              ("steps", [{"name": "[一](http://x)"}])])
def test_markup_refused_in_nested_labels(tmp_path: Path, field: str, value: object) -> None:
    relative = STUDIO if field == "region" else METHOD
    problems = problems_of(write_records(tmp_path, with_changes(relative, **{field: value})))
    assert len(problems) == 1 and problems[0].field.startswith(field) and "不能含有网页或模板标记" in problems[0].message


def test_chinese_book_title_marks_pass(tmp_path: Path) -> None:
    assert problems_of(write_records(tmp_path, with_changes(METHOD, name="《社区》工作法", aliases=["一、二、三"]))) == []


# ---- 4. redirects that only redirect ----------------------------------------------------


def redirects(tmp_path: Path, text: str) -> tuple[dict[str, str], list[Problem]]:
    root = write_records(tmp_path)
    (root / "data/redirects.yml").write_text(text, encoding="utf-8")
    return load_redirects(root / "data/redirects.yml", root / "docs")


def test_a_rename_to_an_existing_page_passes(tmp_path: Path) -> None:
    assert redirects(tmp_path, "methods/old-id.md: methods/demo-method.md\nold.md: studios/demo-studio.md#how\n") == (
        {"methods/old-id.md": "methods/demo-method.md", "old.md": "studios/demo-studio.md#how"}, [])
    assert redirects(tmp_path, "# none yet\n") == ({}, [])


def test_every_bad_redirect_is_reported_at_once(tmp_path: Path) -> None:
    text = "\n".join([
        "old1.md: https://evil.example/",
        "old2.md: //evil.example/x.md",
        "old3.md: ../../etc/passwd.md",
        "old4.md: /methods/demo-method.md",
        "old5.md: methods/missing.md",
        "old6.md: methods/demo-method.html",
        "https://x.example/a.md: methods/demo-method.md",
        "../../outside.md: methods/demo-method.md",
        "/abs.md: methods/demo-method.md",
        "a//b.md: methods/demo-method.md",
        "old7: methods/demo-method.md",
        "methods/demo-method.md: studios/demo-studio.md",
        "m/demo-method.md: studios/demo-studio.md",
        "old8.md: 'methods/demo-method.md#\"><script>'",
        "old9.md: [methods/demo-method.md]",
        "Old<b>.md: methods/demo-method.md",
    ]) + "\n"
    renames, problems = redirects(tmp_path, text)
    assert renames == {}
    by_line = {p.line: p.message for p in problems}
    assert len(problems) == 16 and sorted(by_line) == list(range(1, 17)), by_line
    assert "网址协议" in by_line[1] and "“//”" in by_line[2] and "“..”" in by_line[3] and "绝对路径" in by_line[4]
    assert "docs/methods/missing.md 不存在" in by_line[5] and "应以 .md 结尾" in by_line[6]
    assert "网址协议" in by_line[7] and "“..”" in by_line[8] and "绝对路径" in by_line[9] and "“//”" in by_line[10]
    assert "应以 .md 结尾" in by_line[11] and "仍然存在" in by_line[12] and "短链接" in by_line[13]
    assert "锚点" in by_line[14] and "应为页面路径" in by_line[15] and "小写英文字母" in by_line[16]
    assert all(p.file.name == "redirects.yml" and p.record == "redirects" for p in problems)


def test_the_validator_reports_bad_redirects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scripts.validate import main

    root = write_records(tmp_path)
    (root / "data/redirects.yml").write_text("index.md: https://evil.example/\n", encoding="utf-8")
    assert main(["--data", str(root / "data"), "--docs", str(root / "docs")]) == 1
    out = capsys.readouterr().out
    assert "redirects.yml:1  redirects  index.md  新页面路径“https://evil.example/”带有网址协议" in out


def test_the_build_refuses_bad_redirects_through_the_same_check(tmp_path: Path) -> None:
    from mkdocs.exceptions import Abort

    from kb_build.short_links import ShortLinks
    from kb_build.stage import Build
    from macros.knowledge_base import KnowledgeBase

    root = write_records(tmp_path)
    (root / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (root / "data/redirects.yml").write_text("old.md: https://evil.example/\n", encoding="utf-8")

    class Plugin:
        config: dict = {}

    class Config:
        plugins = {"redirects": Plugin()}
        config_file_path = str(root / "mkdocs.yml")
        docs_dir = str(root / "docs")

    short_links = ShortLinks(Build(root, KnowledgeBase(), live_edit=False))
    with pytest.raises(Abort, match="redirects.yml:1  redirects  old.md  新页面路径.*带有网址协议"):
        short_links.on_config(Config())
    (root / "data/redirects.yml").write_text("old.md: methods/demo-method.md\n", encoding="utf-8")
    short_links.on_config(Config())
    assert Plugin.config["redirect_maps"]["old.md"] == "methods/demo-method.md"


# ---- 5. personal data never published ---------------------------------------------------

PERSONAL = [
    ("手机号码", "联系电话 13812345678"), ("手机号码", "手机：138-1234-5678"), ("手机号码", "+86 138 1234 5678"),
    ("固定电话", "办公电话 024-86123456"), ("固定电话", "电话（010）62345678"),
    ("身份证号码", "身份证 11010519800101123X"), ("电子邮箱", "邮箱 wang.shuji@example.com.cn"),
    ("住址门牌", "住在 3号楼2单元401室"), ("住址门牌", "家住5栋1门"), ("住址门牌", "2单元302户"),
]
NOT_PERSONAL = ["2021年7月22日", "服务居民 13000 余人次", "第 3 单元的课程", "https://example.org/a/13812345678x", "电话会议"]


@pytest.mark.parametrize(("what", "text"), PERSONAL)
def test_personal_data_is_recognised(what: str, text: str) -> None:
    assert what in personal_data(text)


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_ordinary_text_is_not_personal_data(text: str) -> None:
    assert personal_data(text) == []


@pytest.mark.parametrize(("what", "text"), PERSONAL[::3])
def test_personal_data_refused_in_every_page(tmp_path: Path, what: str, text: str) -> None:
    root = write_records(tmp_path)
    (root / "docs/explore").mkdir()
    (root / "docs/explore/notes.md").write_text(f"# 笔记\n\n正文\n\n{text}\n", encoding="utf-8")
    problem = only(problems_of(root))
    assert (problem.file.name, problem.line, problem.field) == ("notes.md", 5, "")
    assert f"疑似个人信息（{what}）" in problem.message and "个人的电话、证件号、邮箱和住址不公开" in problem.message


def test_personal_data_refused_in_every_field(tmp_path: Path) -> None:
    problem = only(problems_of(write_records(tmp_path, with_changes(STUDIO, team="联系人王某 13812345678"))))
    assert problem.field == "team" and "疑似个人信息（手机号码）" in problem.message


@pytest.mark.build
def test_no_personal_data_in_the_built_site(built_site: Path, site_pages: ParsedPages) -> None:
    """Generated pages (training plans, cards, lists, redirects) included: their visible text."""
    found = []
    for page in sorted(built_site.rglob("*.html")):
        text = text_outside(site_pages(page), lambda tag: tag.name in ("script", "style", "svg"))
        for line in text.splitlines():
            if personal_data(line):
                found.append(f"{page.relative_to(built_site)}: {personal_data(line)} {line.strip()[:80]}")
    assert len(list(built_site.rglob("*.html"))) > 100
    assert found == []


# ---- 6. --format github cannot inject workflow commands --------------------------------


def test_github_annotations_escape_hostile_field_names_and_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scripts.validate import main

    hostile_key = "x,title=pwned::%0A::warning file=a.yml::injected"
    root = written(tmp_path, METHOD, method_text(f'"{hostile_key}\\r\\n::error::two": 1\n'))
    assert main(["--data", str(root / "data"), "--docs", str(root / "docs"), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines  # CR and LF are escaped: one problem, one line
    match = re.fullmatch(r"::error ([^:]*)::(.*)", lines[0])
    assert match, lines[0]
    properties = dict(part.split("=", 1) for part in match.group(1).split(","))
    assert set(properties) == {"file", "line", "title"}
    assert "%3A%3A" in properties["title"] and "%2C" in properties["title"] and "%250A" in properties["title"]
    assert "%0D%0A" in match.group(2) and "\n" not in match.group(2) and "%250A" in match.group(2)


def test_github_data_escaping_round_trip() -> None:
    problem = Problem(Path("/r/data/a,b:c.yml"), 3, "rec", "f", "100%\r\n::warning::x")
    line = problem.as_github(Path("/r"))
    assert line == "::error file=data/a%2Cb%3Ac.yml,line=3,title=rec f::100%25%0D%0A::warning::x"
