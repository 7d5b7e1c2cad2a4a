"""Text hygiene: each rule found with its fix, reported by the validator, applied by --fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros import hygiene
from scripts.validate import main
from tests.records import write_records


def run(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str]]:
    code = main(["--data", str(root / "data"), "--docs", str(root / "docs"), *extra])
    return code, capsys.readouterr().out.splitlines()


def test_kangxi_radical_is_replaced_by_the_ordinary_character() -> None:
    text = "\u2f34东省"  # ⼴东省, with the Kangxi radical ⼴ (U+2F34)
    [finding] = hygiene.scan(text)
    assert "U+2F34" in finding.message and "康熙部首" in finding.message
    assert hygiene.fix(text) == "广东省"


def test_compatibility_ideograph_is_replaced() -> None:
    text = "\uf9b2点"  # 零 written as the compatibility ideograph U+F9B2
    [finding] = hygiene.scan(text)
    assert "U+F9B2" in finding.message and "兼容汉字" in finding.message
    assert hygiene.fix(text) == "零点"


def test_stray_pinyin_is_removed() -> None:
    assert hygiene.fix("社區(qū)服務中心") == "社區服務中心"
    assert hygiene.fix("议事（yì shì）协商") == "议事协商"
    assert "夹杂的拼音注音“(qū)”" in hygiene.scan("社區(qū)")[0].message
    # Latin in parentheses without tone marks is not pinyin to delete.
    assert hygiene.scan("工作法(ABC)") == []


def test_half_width_punctuation_between_chinese_is_made_full_width() -> None:
    assert hygiene.fix("先倾听,再解释;最后解决") == "先倾听，再解释；最后解决"
    assert hygiene.fix("怎么办? 联动!解决") == "怎么办？联动！解决"
    assert hygiene.fix("居委会(社区)负责") == "居委会（社区）负责"
    # English and numbers keep their punctuation.
    assert hygiene.scan("Hello, world: 1,000") == []
    assert hygiene.scan("133工作法, 2021") == []
    # A Markdown link target is not a parenthesis of the sentence.
    assert hygiene.scan("见[怎么做](sanbu-tiaojie.md#第一步)一节") == []


def test_validator_reports_each_problem_on_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    path = tmp_path / "data/methods/demo-method.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("summary: 一句话。", "summary: 先倾听,再解决。"), encoding="utf-8")
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("summary"))
    code, lines = run(tmp_path, capsys)
    assert code == 1
    assert lines == [f"{path}:{line}  demo-method  summary  中文句子里用了半角标点“,”，应改为全角“，”"
                     "（运行 python -m scripts.validate --fix 可自动修正）"]


def test_fix_edits_only_the_bad_characters_and_reports_what_is_left(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_records(tmp_path)
    path = tmp_path / "data/methods/demo-method.yml"
    original = (
        "# yaml-language-server: $schema=../schema/method.json\n"
        "id: demo-method\n"
        "name: 示例工作法   # 编辑的注释保留\n"
        "summary: 先倾听,再到\u2f34场解决(jiě jué)。\n"
        "themes: [矛盾调解,养老服务]\n"
        "origin: {studio: demo-studio}\n"
        "steps:\n  - name: 倾听\n  - name: 解决\n"
        "sources: [article]\n"
        "year: 1900\n"
    )
    path.write_text(original, encoding="utf-8")
    page = tmp_path / "docs/methods/demo-method.md"
    page.write_text("# {{ title() }}\n\n## 适用场景\n\n邻里纠纷,物业矛盾。\n", encoding="utf-8")

    code, lines = run(tmp_path, capsys, "--fix")

    fixed = path.read_text(encoding="utf-8")
    assert fixed == original.replace("先倾听,再到\u2f34场解决(jiě jué)。", "先倾听，再到广场解决。")
    assert page.read_text(encoding="utf-8").endswith("邻里纠纷，物业矛盾。\n")
    assert lines[:2] == [f"已修正 {path}：3 处", f"已修正 {page}：1 处"]
    assert "自动修正完成：共 4 处。" in lines
    # What --fix cannot decide is still reported, and the run fails.
    assert code == 1
    assert lines[-1].endswith("year  “year”（首次报道年份）：年份 1900 早于 1949 年，不可能")
