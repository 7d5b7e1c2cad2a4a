"""Reading a record file: a YAML mapping and the line of each key, bounded in time and memory.

A file from a stranger's pull request is read only as far as the limits in macros/models.py
allow: what records never need and what could exhaust time or memory (anchors and aliases,
tags, keys that are collections, deep nesting, huge numbers) is refused while the document is
composed, and every reason is reported in Chinese with its line. A file with none of that is
read by libyaml (C); any doubt sends it to the pure-Python reader, whose findings are the ones
reported (tests/test_loader_fast_path.py checks both read alike).
"""

from __future__ import annotations

import os
import re
import stat
import typing
from pathlib import Path

import yaml

from . import hygiene
from .messages import FIX_HINT, format_loc
from .models import MAX_DEPTH, MAX_NUMBER_CHARS, QUOTE_FIELDS, Loc


class RefusedInput(yaml.MarkedYAMLError):
    """Input the record loader will not read, with where it was found and why (in Chinese)."""

    def __init__(self, loc: Loc, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.loc = loc


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


def _mark(mark: object) -> yaml.Mark | None:
    """A position in the file as the pure-Python reader gives it (libyaml's marks are another type)."""
    return mark if isinstance(mark, yaml.Mark) else None


class _Loader(yaml.SafeLoader):
    """SafeLoader for records: dates stay text (`2021-07-22` and `2021-07` read alike), and
    what records never need and what could exhaust time or memory is refused while the
    document is composed, before anything is built from it: anchors and aliases (a
    "billion laughs" bomb), tags, keys that are lists or mappings, nesting deeper than
    MAX_DEPTH (the composer recurses) and numbers longer than MAX_NUMBER_CHARS."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.loc: list[str | int] = []

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        part = index.value if isinstance(index, yaml.ScalarNode) else index if isinstance(index, int) else None
        if part is not None:
            self.loc.append(part)
        try:
            self._refuse(self.peek_event(), key=parent is not None and index is None)
            node = super().compose_node(parent, index)  # type: ignore[arg-type]  # PyYAML passes a mapping value's key node here; its stubs say int
            if isinstance(node, yaml.ScalarNode) and node.tag in (_INT_TAG, _FLOAT_TAG) and len(node.value) > MAX_NUMBER_CHARS:
                raise RefusedInput(tuple(self.loc), _mark(node.start_mark),
                                   f"数字有 {len(node.value):,} 位，超过上限 {MAX_NUMBER_CHARS} 位：请检查是否多写了数字")
            return node
        finally:
            if part is not None:
                self.loc.pop()

    def _refuse(self, event: yaml.Event, key: bool) -> None:
        here, mark = tuple(self.loc), _mark(event.start_mark)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise RefusedInput(here, mark, "不支持锚点和别名（& 与 *）：请把内容直接写出来")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")[:40]
            raise RefusedInput(here, mark, f"不支持 YAML 标签“{shown}”：请直接写出值（文字可加引号）")
        if key and not isinstance(event, yaml.ScalarEvent):
            raise RefusedInput(here, mark, "字段名应为简单的英文字段名，不能是列表或映射")
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)) and len(here) >= MAX_DEPTH:
            raise RefusedInput(here, mark, f"嵌套超过 {MAX_DEPTH} 层：记录的列表和映射不会这么深，请检查缩进和括号")


# Dates, merge keys (`<<`) and `=` are read as plain text: records have no use for them.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastLoader(yaml.CSafeLoader):
    """libyaml's parser and composer (C) with the records' resolvers: used for a file only once
    :func:`_plainly_readable` has found nothing in it that :class:`_Loader` refuses."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
# The patterns by which a plain value is read as a number, by its first character.
_NUMBER_PATTERNS = {first: [regexp for tag, regexp in resolvers if tag in (_INT_TAG, _FLOAT_TAG)]
                    for first, resolvers in _Loader.yaml_implicit_resolvers.items()}


def _plainly_readable(text: str) -> bool:
    """Whether libyaml's events of ``text`` show nothing :class:`_Loader` refuses or reports: no
    anchor, alias or tag, no list or mapping as a key, no deep nesting, no long number, no
    character the reader refuses and no syntax error. Conservative: a doubt sends the file to
    :class:`_Loader`, whose findings and messages are the ones reported."""
    if yaml.reader.Reader.NON_PRINTABLE.search(text):
        return False
    open_collections: list[list[bool]] = []  # per open collection: [is a mapping, next node is a key]
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            documents += isinstance(event, yaml.DocumentStartEvent)
            if documents > 1 or isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) or getattr(event, "tag", None):
                return False
            is_key = bool(open_collections) and open_collections[-1][0] and open_collections[-1][1]
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if is_key or len(open_collections) >= MAX_DEPTH - 1:
                    return False
                open_collections.append([isinstance(event, yaml.MappingStartEvent), True])
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                open_collections.pop()
            elif isinstance(event, yaml.ScalarEvent):
                value = event.value
                if event.implicit[0] and len(value) > MAX_NUMBER_CHARS and any(
                        pattern.match(value) for pattern in _NUMBER_PATTERNS.get(value[:1], ())):
                    return False
            else:
                continue
            if open_collections and open_collections[-1][0]:
                open_collections[-1][1] = not open_collections[-1][1]
    except yaml.YAMLError:
        return False
    return True


def _compose(text: str) -> tuple[yaml.Node | None, object]:
    """The node tree of ``text`` and the data built from it: in C where the text is plainly readable."""
    loader = _FastLoader(text) if _plainly_readable(text) else _Loader(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def read_text(path: Path, inside: Path, limit: int) -> tuple[str | None, int, str]:
    """The text of ``path``, a regular UTF-8 file under ``inside`` of at most ``limit`` bytes;
    otherwise None with the line and the reason. Never follows a link, opens a folder or a
    device, or reads more than ``limit`` bytes."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return None, 1, f"是符号链接（指向 {os.readlink(path)}）：记录和页面必须是普通文件，符号链接可能指向仓库外、文件夹或设备"
        if stat.S_ISDIR(info.st_mode):
            return None, 1, f"是文件夹而不是文件：文件夹的名字不能以 {path.suffix} 结尾，请改名"
        if not stat.S_ISREG(info.st_mode):
            return None, 1, "不是普通文件（设备、管道或套接字）：请换成普通的文本文件"
        if not path.resolve().is_relative_to(inside.resolve()):
            return None, 1, f"实际位置在 {inside} 之外（上级文件夹是符号链接）：记录和页面必须放在仓库里"
        if info.st_size > limit:
            return None, 1, f"文件有 {info.st_size:,} 字节，超过上限 {limit:,} 字节：请删去多余内容或拆分"
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as err:
        return None, 1, f"无法读取（{err.strerror}）"
    if len(raw) > limit:
        return None, 1, f"文件超过上限 {limit:,} 字节：请删去多余内容或拆分"
    try:
        return raw.decode("utf-8-sig"), 0, ""
    except UnicodeDecodeError as err:
        return None, raw[: err.start].count(b"\n") + 1, f"文件不是 UTF-8 编码（第 {err.start} 字节无法解码），请以 UTF-8 保存"


# PyYAML's explanations, in the words an editor needs; anything else is passed on as it is.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "这里不能出现“字段: 值”，多半是缩进不对，或值里有未加引号的冒号"),
    ("could not find expected ':'", "缺少冒号，每行应形如“字段: 值”"),
    ("cannot start any token", "含有不能出现的字符（常见是用 Tab 缩进，请改用空格）"),
    ("expected <block end>", "缩进不一致，同一层的字段应左对齐"),
    ("expected ',' or ']'", "方括号 [ ] 列表没有闭合，或项之间缺逗号"),
    ("expected ',' or '}'", "花括号 { } 没有闭合，或项之间缺逗号"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("found undefined alias", "使用了未定义的 * 别名"),
    ("found another document", "一个文件只能写一条记录（出现了多个用 --- 分隔的文档）"),
)


def _yaml_problem(detail: str) -> str:
    return next((chinese for english, chinese in _YAML_PROBLEMS if english in detail), detail)


def _line_map(node: yaml.Node, path: Loc, lines: dict[Loc, int], duplicates: list[tuple[Loc, int]]) -> None:
    """Record the 1-based line of every key and list item, and duplicate keys."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, key_node.value)
            if key_path in lines:
                duplicates.append((key_path, key_node.start_mark.line + 1))
            lines[key_path] = key_node.start_mark.line + 1
            _line_map(value_node, key_path, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), lines, duplicates)


def line_of(lines: dict[Loc, int], loc: Loc) -> int:
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 1)


def read_yaml(path: Path, inside: Path, limit: int, report: typing.Callable[[int, str, str], None],
               empty_ok: bool = False) -> tuple[dict, dict[Loc, int]] | None:
    """The mapping in the YAML file ``path`` and the line of each of its keys, or None when it
    cannot be read (every reason reported). Bounded in time and memory whatever the file holds."""
    text, line, reason = read_text(path, inside, limit)
    if text is None:
        report(line, "", reason)
        return None
    try:
        node, data = _compose(text)
    except RefusedInput as err:
        report(err.problem_mark.line + 1 if err.problem_mark else 1, format_loc(err.loc), err.problem or "")
        return None
    except yaml.reader.ReaderError as err:
        report(text.count("\n", 0, err.position) + 1, "",
               f"含有不能出现在文本里的控制字符（U+{err.character if isinstance(err.character, int) else ord(err.character):04X}）：请删除")
        return None
    except yaml.YAMLError as err:
        detail = getattr(err, "problem", None) or str(err)
        # An unclosed quote or bracket is reported at the end of the file; point at where it opened.
        opened = getattr(err, "context_mark", None) if re.search(r"end of stream|<stream end>", detail) else None
        mark = opened or getattr(err, "problem_mark", None)
        report(mark.line + 1 if mark else 1, "", f"YAML 格式错误：{_yaml_problem(detail)}")
        return None
    if node is None and empty_ok:
        return {}, {}
    if not isinstance(data, dict) or node is None:
        report(1, "", "文件内容应为键值对（映射），每行形如“字段: 值”")
        return None
    lines: dict[Loc, int] = {}
    duplicate_keys: list[tuple[Loc, int]] = []
    _line_map(node, (), lines, duplicate_keys)
    for loc, key_line in duplicate_keys:
        report(key_line, format_loc(loc), f"字段“{loc[-1]}”重复出现，只能写一次")
    for finding in hygiene.scan_yaml(text, node):
        # A quote is the article's words as printed (its pinyin and punctuation are folded away when it is checked).
        if not (finding.loc and finding.loc[-1] in QUOTE_FIELDS):
            report(finding.line, format_loc(finding.loc), finding.message + FIX_HINT)
    return data, lines

