"""The validator: one test per kind of bad input, each naming file, line, field and problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.validate import main
from tests.conftest import ROOT
from tests.records import VALID, write_records


def run(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str]]:
    code = main(["--data", str(root / "data"), "--docs", str(root / "docs"), *extra])
    return code, capsys.readouterr().out.splitlines()


def write(root: Path, relative: str, text: str | bytes) -> None:
    path = root / "data" / relative
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def with_changes(relative: str, **changes: object) -> dict[str, dict]:
    records = {k: dict(v) for k, v in VALID.items()}
    records[relative].update(changes)
    return records


def only_line(lines: list[str]) -> str:
    assert len(lines) == 1, lines
    return lines[0]


def test_valid_records_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path), capsys)
    assert code == 0
    assert lines[-1].startswith("数据校验通过：工作法 1 条")


def test_project_data_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([])
    assert code == 0, capsys.readouterr()


def test_malformed_yaml_names_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    write(tmp_path, "methods/demo-method.yml", "id: demo-method\nname: 示例\nsteps:\n  - name: 一\n   detail: 缩进错\n")
    code, lines = run(tmp_path, capsys)
    assert code == 1
    line = only_line(lines)
    assert "demo-method.yml:5  demo-method  -  YAML 格式错误：缩进不一致" in line


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    write(tmp_path, "methods/demo-method.yml", "id: demo-method\nname: 示例工作法\n".encode("gb18030"))
    code, lines = run(tmp_path, capsys)
    assert code == 1
    assert "demo-method.yml:2" in only_line(lines) and "UTF-8" in lines[0]


def test_wrong_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("methods/demo-method.yml", steps="先听后办")), capsys)
    line = only_line(lines)
    assert code == 1 and "demo-method  steps" in line and "应为列表" in line


def test_missing_required_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = with_changes("mentors/demo-mentor.yml")
    del records["mentors/demo-mentor.yml"]["role"]
    code, lines = run(write_records(tmp_path, records), capsys)
    line = only_line(lines)
    assert code == 1 and "demo-mentor.yml:1  demo-mentor  role  缺少必填字段“role”（职务）" in line


def test_unknown_field_suggests_the_right_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("methods/demo-method.yml", summery="打错了")), capsys)
    line = only_line(lines)
    assert code == 1 and "summery" in line and "未知字段" in line and "是不是“summary”" in line


def test_unknown_theme_lists_the_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("methods/demo-method.yml", themes=["矛盾调节"])), capsys)
    line = only_line(lines)
    assert "themes[0]" in line and "不在允许范围内" in line and "是不是“矛盾调解”" in line


def test_duplicate_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    (tmp_path / "data/sites/demo-site-copy.yml").write_text(
        (tmp_path / "data/sites/demo-site.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code, lines = run(tmp_path, capsys)
    assert code == 1
    assert any("demo-site-copy.yml" in line and "与文件名" in line for line in lines)


def test_id_must_match_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("sites/demo-site.yml", id="other-site")), capsys)
    line = only_line(lines)
    assert "demo-site.yml:1  demo-site  id" in line and "应为“demo-site”" in line


def test_reference_to_missing_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("studios/demo-studio.yml", leader="demo-mentr")), capsys)
    line = only_line(lines)
    assert "demo-studio  leader" in line and "引用的书记与导师“demo-mentr”不存在" in line and "是不是“demo-mentor”" in line


@pytest.mark.parametrize(
    ("value", "message"),
    [("2021-02-30", "日期“2021-02-30”不存在"), ("2999", "在未来"), ("2021/07", "日期格式应为")],
)
def test_impossible_and_future_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str) -> None:
    code, lines = run(write_records(tmp_path, with_changes("studios/demo-studio.yml", founded=value)), capsys)
    line = only_line(lines)
    assert "demo-studio  founded" in line and message in line


def test_future_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("methods/demo-method.yml", year=2999)), capsys)
    assert "demo-method  year" in only_line(lines) and "年份 2999 在未来" in lines[0]


def test_bad_source_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("sources/article.yml", file="http//example")), capsys)
    assert "article  file" in only_line(lines) and "来源目录里的文件名" in lines[0]


def test_record_without_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("sites/demo-site.yml", sources=[])), capsys)
    assert "demo-site  sources" in only_line(lines) and "至少需要 1 项" in lines[0]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("联系电话13812345678", "手机号码"),
        ("身份证110105198001011234", "身份证号码"),
        ("住在3号楼2单元401室", "住址门牌"),
        ("邮箱 someone@example.com", "电子邮箱"),
        ("办公电话 024-86123456", "固定电话"),
    ],
)
def test_personal_data_rejected_anywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, what: str) -> None:
    code, lines = run(write_records(tmp_path, with_changes("mentors/demo-mentor.yml", summary=text)), capsys)
    assert "demo-mentor  summary" in only_line(lines) and f"疑似个人信息（{what}）" in lines[0]


def test_a_page_needs_a_record_but_a_record_needs_no_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    (tmp_path / "docs/methods/demo-method.md").rename(tmp_path / "docs/methods/renamed.md")
    (tmp_path / "docs/sites").mkdir()
    (tmp_path / "docs/sites/gone.md").write_text("# {{ title() }}\n", encoding="utf-8")
    code, lines = run(tmp_path, capsys)
    assert code == 1 and len(lines) == 2  # demo-method without a page is fine: its page is generated
    assert any("renamed.md:1  renamed" in line and "没有对应的数据文件 data/methods/renamed.yml" in line for line in lines)
    assert any("gone.md:1  gone" in line and "没有对应的数据文件 data/sites/gone.yml" in line for line in lines)


def test_all_problems_at_once_in_github_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = with_changes("methods/demo-method.yml", year="去年", summery="x")
    records["sites/demo-site.yml"]["type"] = "公园"
    code, lines = run(write_records(tmp_path, records), capsys, "--format", "github")
    assert code == 1 and len(lines) == 3
    assert all(line.startswith("::error file=") and ",line=" in line for line in lines)
    assert any("demo-site.yml,line=" in line and "type" in line for line in lines)


def test_garbage_never_ends_in_a_traceback(tmp_path: Path) -> None:
    write_records(tmp_path)
    write(tmp_path, "methods/demo-method.yml", "- just\n- a list\n")
    write(tmp_path, "studios/demo-studio.yml", "")
    write(tmp_path, "sites/demo-site.yml", "id: [unclosed\n")
    result = subprocess.run(
        [sys.executable, "-m", "scripts.validate", "--data", str(tmp_path / "data"), "--docs", str(tmp_path / "docs")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "demo-method.yml:1" in result.stdout and "应为键值对" in result.stdout
    assert "demo-site.yml:1  demo-site  -  YAML 格式错误：方括号 [ ] 列表没有闭合" in result.stdout


def test_bad_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(write_records(tmp_path, with_changes("sources/article.yml", url="www.example.com/a b")), capsys)
    assert code == 1 and "article  url" in only_line(lines) and "不是有效的网址" in lines[0]


def test_duplicate_key_in_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    path = tmp_path / "data/sites/demo-site.yml"
    path.write_text(path.read_text(encoding="utf-8") + "name: 另一个名字\n", encoding="utf-8")
    code, lines = run(tmp_path, capsys)
    line = only_line(lines)
    assert code == 1 and "demo-site.yml:7  demo-site  name  字段“name”重复出现" in line
