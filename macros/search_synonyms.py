"""Words readers use for the same thing: ``data/search-synonyms.yml``, reviewed groups of synonyms.

The search index carries the groups (``macros/search_index.py``) and the browser looks for every
word of a group when a query has one of them (纠纷 also finds 矛盾). Only words that mean the
same belong here, never facts (no 物业 → 红色物业). The validator and the build read the file
through :func:`load_synonyms`, so a wrong entry stops both with the same Chinese message.
"""

from __future__ import annotations

import re
from pathlib import Path

from .messages import Problem
from .models import MAX_RECORD_BYTES
from .yaml_reader import read_yaml

SYNONYMS_FILE = "search-synonyms.yml"
WORD_MAX = 12  # characters: a word or a short phrase, not a sentence
GROUP_MAX = 12  # words in one group
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9]+")


def load_synonyms(path: Path) -> tuple[list[tuple[str, ...]], list[Problem]]:
    """The groups of ``path`` (none when the file is missing) and a problem for each wrong entry, all at once."""
    problems: list[Problem] = []

    def report(line: int, entry: str, message: str) -> None:
        problems.append(Problem(path, line, "search-synonyms", entry, message))

    if not path.exists() and not path.is_symlink():
        return [], []
    read = read_yaml(path, path.parent, MAX_RECORD_BYTES, report, empty_ok=True)
    if read is None:
        return [], problems
    data, lines = read
    for key in data:
        if key != "groups":
            report(lines.get((key,), 1), str(key)[:40], f"未知的字段“{str(key)[:40]}”：这个文件只有 groups（同义词组的列表）")
    groups_data = data.get("groups", [])
    if not isinstance(groups_data, list):
        report(lines.get(("groups",), 1), "groups", "groups 应为列表，每项是一组同义词，如 - [纠纷, 矛盾]")
        return [], problems
    groups: list[tuple[str, ...]] = []
    first_seen: dict[str, int] = {}
    for number, group in enumerate(groups_data, 1):
        line = lines.get(("groups", number - 1), lines.get(("groups",), 1))
        entry = f"第 {number} 组"
        if not isinstance(group, list) or not all(isinstance(word, str) for word in group):
            report(line, entry, f"{entry}应为词语的列表，如 - [纠纷, 矛盾]")
            continue
        words = [word.strip() for word in group]
        wrong = [w for w in words if not _WORD.fullmatch(w) or len(w) > WORD_MAX]
        if wrong:
            report(line, entry, f"{entry}的“{'”“'.join(w[:WORD_MAX + 8] for w in wrong)}”不是词语："
                                f"每个词只能由汉字、字母和数字组成，不含空格和标点，最多 {WORD_MAX} 个字")
            continue
        repeated = sorted({w for w in words if words.count(w) > 1})
        if repeated:
            report(line, entry, f"{entry}里“{'”“'.join(repeated)}”写了不止一次")
        if len(set(words)) < 2:
            report(line, entry, f"{entry}至少要有两个不同的词（同义词组）")
            continue
        if len(words) > GROUP_MAX:
            report(line, entry, f"{entry}有 {len(words)} 个词，最多 {GROUP_MAX} 个：意思不同的词请分成几组")
            continue
        elsewhere = sorted({f"“{w}”也在第 {first_seen[w]} 组" for w in words if w in first_seen})
        if elsewhere:
            report(line, entry, f"{entry}：{'，'.join(elsewhere)}。一个词只能在一组里，意思相同的请合并成一组")
        for word in words:
            first_seen.setdefault(word, number)
        groups.append(tuple(dict.fromkeys(words)))
    return (groups if not problems else []), problems
