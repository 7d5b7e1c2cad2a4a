"""The reviewed synonyms of data/search-synonyms.yml: checked with Chinese messages, carried into the index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from macros import search_index as si
from macros.search_synonyms import SYNONYMS_FILE, load_synonyms
from tests.conftest import ROOT, project_kb

KB = project_kb()


def test_the_projects_synonyms_are_valid_and_name_no_record() -> None:
    groups, problems = load_synonyms(ROOT / "data" / SYNONYMS_FILE)
    assert not problems and len(groups) >= 15
    assert {"新书记", "年轻书记", "新任书记"} <= set(next(g for g in groups if "新书记" in g))
    assert any({"纠纷", "矛盾"} <= set(g) for g in groups) and any({"物业", "物管"} <= set(g) for g in groups)
    # Only words: a record's name or alias in a group would be a fact (物业 → 红色物业), not a synonym.
    names = {name for kind in ("methods", "studios", "mentors", "sites")
             for record in KB.records(kind).values() for name in (record.name, *record.aliases)}
    assert not {word for group in groups for word in group} & names


def test_every_wrong_entry_is_reported_at_once_in_chinese_with_its_file_and_group(tmp_path: Path) -> None:
    path = tmp_path / SYNONYMS_FILE
    path.write_text("groups:\n"
                    "  - [纠纷, 矛盾]\n"
                    "  - [纠纷]\n"                  # one word
                    "  - [物业, 物业]\n"            # the same word twice
                    "  - [矛盾, 冲突]\n"            # a word already in group 1
                    "  - [新书记, 新 书记]\n"       # not a word
                    "  - 物业\n"                    # not a list
                    "colour: red\n", encoding="utf-8")
    groups, problems = load_synonyms(path)
    assert groups == []
    messages = {problem.field: problem.message for problem in problems}
    assert {p.file for p in problems} == {path} and all(p.record == "search-synonyms" for p in problems)
    assert "至少要有两个不同的词" in messages["第 2 组"]
    assert "“物业”写了不止一次" in problems[[p.field for p in problems].index("第 3 组")].message
    assert "“矛盾”也在第 1 组" in messages["第 4 组"]
    assert "“新 书记”不是词语" in messages["第 5 组"] and messages["第 5 组"].count("不是词语") == 1
    assert "应为词语的列表" in messages["第 6 组"]
    assert "未知的字段“colour”" in messages["colour"]
    assert [p.line for p in problems if p.field == "第 4 组"] == [5]


def test_the_validator_stops_at_a_wrong_synonym(tmp_path: Path, data_copy: Path) -> None:
    (data_copy / "data" / SYNONYMS_FILE).write_text("groups:\n  - [纠纷]\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "scripts.validate", "--data", str(data_copy / "data"),
                             "--docs", str(data_copy / "docs")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert f"{SYNONYMS_FILE}:2" in result.stdout and "第 1 组至少要有两个不同的词" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_synonym_finds_the_pages_of_every_word_of_its_group(tmp_path: Path) -> None:
    """The index's y: terms: 纠纷 finds the page saying 矛盾, in the shard 纠纷's own terms are in."""
    char_map = si.t2s_char_map()
    fold = si.make_fold(char_map)
    entries = si.lexicon(KB)
    cut = si.jieba_search_cut(entries)
    pages = [si.Page("a/", "甲", "邻里矛盾很多。"), si.Page("b/", "乙", "物业纠纷。"), si.Page("c/", "丙", "别的事。")]
    index = si.build_index(pages, entries, fold, char_map, list(si.all_page_terms(pages, entries, fold, cut, workers=1)),
                           synonyms=[("纠纷", "矛盾")])
    import json

    shard = json.loads(index.files[f"s/{si.shard_of('y:纠纷', index.shards)}.json"])
    assert si.shard_key("y:纠纷") == si.shard_key("纠纷")
    deltas = shard["y:纠纷"][0]
    assert [sum(deltas[:n + 1]) for n in range(len(deltas))] == [0, 1]
    assert json.loads(index.files["meta.json"])["syn"] == [["矛盾", "纠纷"]]
