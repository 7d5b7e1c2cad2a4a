"""Text hygiene: characters and habits that look right but break search or typography.

Pure functions, no I/O. Three rules, each reported with its fix:

- look-alike characters: Kangxi radicals (U+2F00–U+2FDF, e.g. ⼴ for 广) and CJK
  compatibility ideographs (U+F900–U+FAFF) render like ordinary characters but
  a search for the ordinary character never finds them; NFKC gives the fix;
- stray inline pinyin copied from annotated articles, e.g. ``社區(qū)``;
- half-width punctuation inside a Chinese sentence (``社区,治理`` → ``社区，治理``).

:func:`scan` finds the problems in a piece of text, :func:`fix` applies every
fix. :func:`scan_yaml` and :func:`fix_yaml` do the same for the string values
of a YAML file, touching only the characters of those values, so comments,
keys, flow lists (``[甲, 乙]``) and layout stay as the editor wrote them.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass

import yaml

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = f"[a-zü{TONED}]+"

# A CJK character followed by parenthesised pinyin with at least one tone mark: 社區(qū), 治理（zhì lǐ）.
# The look-ahead reads only pinyin characters, so it stops where the next match could start:
# time linear in the text (reading up to any `)` was quadratic on `字(字(字(…`).
_PINYIN = re.compile(rf"(?<=[{CJK}])[(（]\s*(?=[a-zü{TONED}\s'·-]*[{TONED}])({_SYLLABLE}(?:[\s'·-]+{_SYLLABLE})*)\s*[)）]")
_LOOKALIKE = re.compile("[\u2f00-\u2fdf\uf900-\ufaff]")
_HALF_PUNCT = re.compile(rf"(?<=[{CJK}])([,;:?!])[ \t]*(?=[{CJK}])")
# Any half-width pair on one line; whether it holds Chinese is checked after (a CJK class between
# two unbounded runs here made the time cubic in a long unclosed parenthesis).
_HALF_PARENS = re.compile(r"\(([^()\n]*)\)")
_HAS_CJK = re.compile(f"[{CJK}]")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


@dataclass(frozen=True)
class Finding:
    """One problem at ``start:end`` of the scanned text and the text that replaces it."""

    start: int
    end: int
    found: str
    replacement: str
    message: str


def _lookalike(char: str) -> str | None:
    normal = unicodedata.normalize("NFKC", char)
    return normal if normal != char else None


def scan(text: str) -> list[Finding]:
    """Every hygiene problem in ``text``, in order, non-overlapping."""
    findings: list[Finding] = []
    for match in _LOOKALIKE.finditer(text):
        char = match.group()
        normal = _lookalike(char)
        if normal is None:  # a few compatibility-block code points are ordinary ideographs
            continue
        what = "康熙部首" if char <= "\u2fdf" else "兼容汉字"
        findings.append(Finding(match.start(), match.end(), char, normal,
                                f"“{char}”（U+{ord(char):04X}，{what}）与“{normal}”形似，搜索“{normal}”时查不到，应改为“{normal}”"))
    for match in _PINYIN.finditer(text):
        findings.append(Finding(match.start(), match.end(), match.group(), "",
                                f"夹杂的拼音注音“{match.group()}”，应删除"))
    for match in _HALF_PUNCT.finditer(text):
        full = _FULL[match.group(1)]
        findings.append(Finding(match.start(), match.end(), match.group(), full,
                                f"中文句子里用了半角标点“{match.group(1)}”，应改为全角“{full}”"))
    # Parentheses inside an earlier finding are left to it; found by bisection (scanning every
    # finding for every parenthesis was quadratic on `字,(字)字,(字)…`).
    spans = sorted((f.start, f.end) for f in findings)
    starts = [start for start, _ in spans]
    reach = list(itertools.accumulate((end for _, end in spans), max))
    for match in _HALF_PARENS.finditer(text):
        inner = match.group(1)
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before == "]" or not _HAS_CJK.search(inner):  # not Chinese, or a Markdown link target: [三步](sanbu.md#怎么做)
            continue
        if not (re.match(f"[{CJK}]", before) or re.match(f"[{CJK}]", after) or re.fullmatch(f"[{CJK}]+", inner)):
            continue
        before_it = bisect.bisect_right(starts, match.start()) - 1
        if before_it >= 0 and reach[before_it] > match.start():
            continue
        findings.append(Finding(match.start(), match.start() + 1, "(", "（", "中文句子里用了半角括号“(…)”，应改为全角“（…）”"))
        findings.append(Finding(match.end() - 1, match.end(), ")", "）", "中文句子里用了半角括号“(…)”，应改为全角“（…）”"))
    findings.sort(key=lambda f: f.start)
    kept: list[Finding] = []
    for finding in findings:
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return kept


def apply(text: str, findings: list[Finding]) -> str:
    """``text`` with each (non-overlapping) finding replaced, joined once: linear in the text."""
    pieces: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        pieces += [text[position : finding.start], finding.replacement]
        position = finding.end
    return "".join([*pieces, text[position:]])


def fix(text: str) -> str:
    """``text`` with every fix applied (repeated until nothing is left, e.g. nested cases)."""
    for _ in range(5):
        findings = scan(text)
        if not findings:
            break
        text = apply(text, findings)
    return text


def messages(findings: list[Finding]) -> list[str]:
    """One message per problem; the two halves of a parenthesis pair count once."""
    seen: list[str] = []
    for finding in findings:
        if finding.found == ")" and finding.replacement == "）":
            continue
        seen.append(finding.message)
    return seen


# ---- YAML files ----------------------------------------------------------------

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlFinding:
    loc: Loc
    line: int
    message: str


def _scalars(node: yaml.Node, path: Loc = ()) -> list[tuple[Loc, yaml.ScalarNode]]:
    found: list[tuple[Loc, yaml.ScalarNode]] = []
    if isinstance(node, yaml.ScalarNode):
        found.append((path, node))
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found.extend(_scalars(value, (*path, key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.extend(_scalars(item, (*path, index)))
    return found


def scan_yaml(text: str, node: yaml.Node | None) -> list[YamlFinding]:
    """Problems in the string values of a YAML document, each on its own line."""
    if node is None:
        return []
    results: list[YamlFinding] = []
    for loc, scalar in _scalars(node):
        start, end = scalar.start_mark.index, scalar.end_mark.index
        source = text[start:end]
        for finding in scan(source):
            if finding.found == ")" and finding.replacement == "）":
                continue
            line = scalar.start_mark.line + 1 + source.count("\n", 0, finding.start)
            results.append(YamlFinding(loc, line, finding.message))
    return results


def fix_yaml(text: str) -> tuple[str, int]:
    """Fix the string values of a YAML document in place; returns the new text and the number of fixes.

    Only the characters of each value change. If the fixed document does not
    read back as the original with fixed values (YAML is subtle), nothing is
    changed and the validator keeps reporting the problems.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return text, 0
    if node is None:
        return text, 0
    edits: list[tuple[int, int, str]] = []
    count = 0
    for _loc, scalar in _scalars(node):
        start, end = scalar.start_mark.index, scalar.end_mark.index
        findings = scan(text[start:end])
        if findings:
            edits.append((start, end, fix(text[start:end])))
            count += len(messages(findings))
    if not edits:
        return text, 0
    fixed_text = text
    for start, end, fixed in sorted(edits, reverse=True):
        fixed_text = fixed_text[:start] + fixed + fixed_text[end:]
    try:
        expected = _fixed_values(yaml.safe_load(text))
        if yaml.safe_load(fixed_text) != expected:
            return text, 0
    except yaml.YAMLError:
        return text, 0
    return fixed_text, count


def _fixed_values(value: object) -> object:
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, dict):
        return {key: _fixed_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fixed_values(item) for item in value]
    return value


# ---- Markdown pages ---------------------------------------------------------------


def _prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of a Markdown page outside code fences and macro calls."""
    lines = []
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or "{{" in line or "{%" in line:
            continue
        lines.append((number, line))
    return lines


def scan_markdown(text: str) -> list[tuple[int, str]]:
    """(line, message) for the prose of a Markdown page."""
    return [(number, message) for number, line in _prose_lines(text) for message in messages(scan(line))]


def fix_markdown(text: str) -> tuple[str, int]:
    prose = dict(_prose_lines(text))
    count = 0
    out = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if number in prose:
            found = messages(scan(line))
            if found:
                count += len(found)
                line = fix(line)
        out.append(line)
    return "".join(out), count
