"""Records are read by libyaml (C) when nothing in them needs the careful loader: same data, same lines.

The careful loader (macros/yaml_reader.py ``_Loader``) refuses anchors, tags, complex keys, deep
nesting and long numbers while it composes, in pure Python. A file in which libyaml's events
show none of these is composed in C; anything in doubt goes the careful way, so what is
refused and every message stay the careful loader's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from macros import yaml_reader

ROOT = Path(__file__).resolve().parent.parent


def careful(text: str) -> tuple[object, dict]:
    loader = yaml_reader._Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict = {}
    if node is not None:
        yaml_reader._line_map(node, (), lines, [])
    return data, lines


def fast(text: str) -> tuple[object, dict]:
    node, data = yaml_reader._compose(text)
    lines: dict = {}
    if node is not None:
        yaml_reader._line_map(node, (), lines, [])
    return data, lines


@pytest.mark.parametrize("path", sorted((ROOT / "data").glob("*/*.yml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_record_reads_the_same_in_c(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml_reader._plainly_readable(text), "a plain record should not need the slow reader"
    assert fast(text) == careful(text)


REFUSED = [
    "a: &x 1\nb: *x\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!python/object:os.system x\n",
    "? [1, 2]\n: x\n",
    "? {a: 1}\n: x\n",
    "a: " + "[" * 9 + "]" * 9 + "\n",
    "a:\n" + "".join("  " * (n + 1) + f"k{n}:\n" for n in range(9)) + "  " * 10 + "v\n",
    "a: " + "9" * 25 + "\n",
    "a: -" + "1" * 25 + ".5\n",
    "a: 1\n---\nb: 2\n",
    "a: 'unclosed\n",
    "a: [1, 2\n",
    "a: \x07bell\n",
    "a: b: c\n",
]


@pytest.mark.parametrize("text", REFUSED)
def test_what_the_careful_loader_refuses_or_reports_never_takes_the_fast_path(text: str) -> None:
    assert not yaml_reader._plainly_readable(text)
    with pytest.raises((yaml_reader.RefusedInput, yaml.YAMLError)):
        careful(text)


ACCEPTED = [
    "a: '" + "9" * 25 + "'\n",  # a quoted number is text
    "a: 72小时后，各组方案拿到居民议事会上投票\n",  # text that starts with digits
    "a: 2021-07-22\nb: 2021-07\n",  # dates stay text
    "a: [1, {b: c}]\nd:\n  - e: f\n",
    "\ufeffa: 1\r\nb: 二\r\n",
    "a: |\n  多行\n  文字\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_plain_records_read_the_same_both_ways(text: str) -> None:
    assert yaml_reader._plainly_readable(text)
    assert fast(text) == careful(text)
