"""Property-based tests of the loader and validator (hypothesis): whatever a file holds, the
outcome is a list of Problems in Chinese naming the file (and the field, where there is one)
or a clean pass. No exception escapes; time stays bounded (each example has a deadline; the
one place a hang is the risk, the whole validator, runs in a subprocess with a timeout).

How many inputs each property tried: `pytest tests/test_hardening_properties.py --hypothesis-show-statistics`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from macros.knowledge_base import load
from macros.messages import Problem
from macros.models import MAX_RECORD_BYTES
from tests.conftest import ROOT
from tests.records import VALID, write_records

METHOD = "methods/demo-method.yml"
VALID_METHOD = yaml.safe_dump(VALID[METHOD], allow_unicode=True, sort_keys=False)
FAST = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
CHINESE = re.compile("[\u4e00-\u9fff]")


_PROJECT = tempfile.TemporaryDirectory(prefix="hostile-")  # the valid records, written once; each example rewrites one file


@contextmanager
def project() -> Iterator[Path]:
    """The valid project, put back as it was after each example."""
    root = Path(_PROJECT.name)
    try:
        yield write_records(root)
    finally:
        for extra in [*(root / "data").glob("*/*"), *(root / "docs").glob("*/*")]:
            if extra.is_symlink() or extra.name not in {Path(name).name for name in VALID} | {"demo-method.md", "demo-studio.md"}:
                extra.unlink()


def outcome(root: Path, content: bytes) -> list[Problem]:
    """Load a project whose method file holds ``content``; check what every problem says."""
    path = root / "data" / METHOD
    path.write_bytes(content)
    problems = load(root / "data", None, root / "docs")[1]
    assert_well_reported(problems, root)
    return problems


def assert_well_reported(problems: list[Problem], root: Path) -> None:
    for problem in problems:
        assert problem.file.is_relative_to(root) and problem.line >= 1, problem
        assert CHINESE.search(problem.message), problem
        assert isinstance(problem.field, str) and problem.record, problem
        text = problem.as_text(root)
        assert "\n" not in text and "\r" not in text and "\n" not in problem.as_github(root), problem


# ---- random bytes and random text ------------------------------------------------------------

@FAST
@given(st.binary(max_size=2000))
def test_random_bytes(content: bytes) -> None:
    with project() as root:
        outcome(root, content)


YAML_CHARS = st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\n\t \r\ufeff\x00\x85\u2028") + ["名", "书记", "1", "0x", ".inf", "~", "<<", "---", "..."])


@FAST
@given(st.lists(st.one_of(YAML_CHARS, st.text(max_size=5)), max_size=200).map("".join))
def test_random_yaml_like_text(text: str) -> None:
    with project() as root:
        outcome(root, text.encode("utf-8"))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The valid method file with characters inserted, deleted or replaced at random places."""
    text = VALID_METHOD
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(YAML_CHARS, st.text(max_size=4)))
        end = at + (draw(st.integers(1, 10)) if kind != "insert" else 0)
        text = text[:at] + ("" if kind == "delete" else piece) + text[end:]
    return text


@FAST
@given(mutated())
def test_mutated_valid_record(text: str) -> None:
    with project() as root:
        outcome(root, text.encode("utf-8", "replace"))


# ---- random values in the right places ------------------------------------------------------

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=300),
    st.integers(min_value=10**19, max_value=10**60), st.sampled_from([float("inf"), float("nan"), -0.0, 10**9 + 1]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)),
                      max_leaves=12)
FIELDS = st.sampled_from(["id", "name", "aliases", "summary", "sources", "origin", "year", "themes", "steps", "roles", "results", "related"])


@FAST
@given(st.dictionaries(FIELDS, VALUES, max_size=12), st.booleans(), st.booleans(), st.booleans())
def test_random_values_for_real_fields(record: dict, bom: bool, crlf: bool, flow: bool) -> None:
    text = yaml.safe_dump(record, allow_unicode=True, default_flow_style=flow)
    text = text.replace("\n", "\r\n") if crlf else text
    with project() as root:
        outcome(root, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass"))


# ---- hostile constructs, combined ------------------------------------------------------------

@st.composite
def hostile(draw: st.DrawFn) -> str:
    """The valid file plus any of: nesting up to 3,000 deep, alias chains, tags, duplicate keys,
    merge keys, long numbers, long strings, several documents."""
    depth = draw(st.integers(2, 3000))  # one level ("roles: []") is a valid empty list, not a nesting
    parts = {
        "nesting": "roles: " + ("[" * depth + "]" * depth if draw(st.booleans()) else "\n" + "".join(" " * (2 * i) + f"- k{i}:\n" for i in range(min(depth, 300)))),
        "aliases": "\n".join([f"a0: &a0 [{', '.join(['x'] * 9)}]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, draw(st.integers(1, 12)))]),
        "tag": f"summary: {draw(st.sampled_from(['!!python/object:os.system', '!!binary', '!!set', '!!timestamp', '!!float', '!local', '!']))} {draw(st.sampled_from(['x', '2021-13-45', '{a, b}', '.inf']))}",
        "duplicate": "name: 另一个\nname: 第三个",
        "merge": "<<: {summary: x}",
        "number": "year: " + draw(st.sampled_from(["9", "1.", "0x", "-", "1_0"])) + "9" * draw(st.integers(0, 6000)),
        "string": "summary: " + "字" * draw(st.integers(0, 20000)),
        "documents": "---\nid: x\n---\n",
        "key": draw(st.sampled_from(["? [a, b]\n: c", "1: x", "null: x", "true: x", ".nan: x", "'': x"])),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(parts)), min_size=1, max_size=4, unique=True))
    return VALID_METHOD + "\n".join(parts[name] for name in chosen) + "\n"


@FAST
@given(hostile(), st.booleans(), st.booleans())
def test_hostile_constructs(text: str, bom: bool, crlf: bool) -> None:
    text = text.replace("\n", "\r\n") if crlf else text
    with project() as root:
        problems = outcome(root, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        assert problems  # each construct is refused or breaks a rule


@settings(max_examples=20, deadline=5000)
@given(st.integers(MAX_RECORD_BYTES - 200, MAX_RECORD_BYTES + 200))
@example(50 * 1024 * 1024)
def test_file_size_limit(size: int) -> None:
    body = VALID_METHOD.encode("utf-8")
    with project() as root:
        path = root / "data" / METHOD
        with path.open("wb") as handle:
            handle.write(body)
            handle.write(b"#" * (size - len(body) - 1) + b"\n")
        problems = load(root / "data", None, root / "docs")[1]
        assert_well_reported(problems, root)
        refused = [p for p in problems if "超过上限" in p.message]
        assert bool(refused) == (size > MAX_RECORD_BYTES), (size, problems)


# ---- symlinks ---------------------------------------------------------------------------------

LINK_TARGETS = ["/dev/zero", "/dev/urandom", "/dev/null", "/tmp", "/etc/passwd", "/", "..", "../..", "missing.yml",
                "demo-method.yml", "loop.yml", "../../docs/methods/demo-method.md"]


@settings(max_examples=40, deadline=2000)
@given(st.sampled_from(LINK_TARGETS), st.sampled_from(["methods/linked.yml", "methods/loop.yml", "studios/x.yaml"]),
       st.booleans())
def test_symlinks_anywhere(target: str, name: str, as_page: bool) -> None:
    with project() as root:
        link = root / ("docs/methods/linked.md" if as_page else f"data/{name}")
        os.symlink(target, link)
        problems = load(root / "data", None, root / "docs")[1]
        assert_well_reported(problems, root)
        assert any(p.file == link and "符号链接" in p.message for p in problems)


# ---- the whole validator in a subprocess, where a hang would show --------------------------

@settings(max_examples=6, deadline=None)
@given(st.lists(st.one_of(hostile(), mutated()), min_size=1, max_size=4))
def test_validator_command_ends_without_traceback(texts: list[str]) -> None:
    with project() as root:
        for number, text in enumerate(texts):
            (root / "data/methods" / f"m{number}.yml").write_text(text, encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "scripts.validate", "--data", str(root / "data"), "--docs", str(root / "docs")],
                                cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
        assert result.stderr.startswith("数据校验未通过")
