"""Editions of the site: the Traditional Chinese one is converted from the Simplified build.

Pure functions and one small class; nothing here reads MkDocs state, so all of it
is unit-tested without a build (tests/test_editions.py). ``kb_build/editions.py``
is the glue that calls it.

- :class:`Converter` turns Simplified text into Traditional with OpenCC, which
  converts by phrase (``干部`` → ``幹部`` but ``干涉`` stays), never by a
  hand-written character table. A reviewed glossary (``data/glossary.yml``)
  overrides OpenCC for the phrases it gets wrong in this field, mainly person
  and place names. Glossary phrases are cut out before OpenCC runs and put back
  in their settled form, so OpenCC never sees them.
- A reviewed vocabulary (``data/vocabulary-zh-Hant.yml``) gives interface words
  and general terms the form Traditional readers use (数据 → 資料, 搜索 → 搜尋,
  链接 → 連結), applied in the same pass as the glossary; the mainland's terms
  of community governance (社区, 项目) are not in it and stay as they are.
  Chinese double and single quotes become 「」 and 『』 in page text (not in code).
- Conversion always starts from Simplified text. Converting Traditional text
  again is not safe: OpenCC's one-to-many tables can change correct Traditional
  text (``鄰里`` → ``鄰裡``, and with ``s2twp`` ``演算法`` → ``演演算法``).
  :meth:`Converter.reconversion_changes` finds such places; the site's tests use
  it to prove the Traditional edition is a fixed point of the conversion.
- :func:`convert_html` converts a whole rendered page (text, titles, navigation,
  the theme's interface strings and attributes such as ``placeholder``) but
  leaves ``href`` and ``src`` values alone, so links keep working.
- :func:`convert_search_index` converts a search index and keeps the Simplified
  words beside the Traditional ones, so Simplified queries find pages too.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Configs of OpenCC that go from Simplified to Traditional. The site uses s2tw
# (see mkdocs.yml, extra.editions): Traditional characters in the forms of the
# Taiwan / Big5 standard (為、說、眾、裡、著), which readers in Taiwan, Hong Kong
# and overseas all read, without rewriting vocabulary. s2twp is not safe here:
# it rewrites words by Taiwan usage, e.g. 社区 → 社群, 项目 → 專案, 信息 → 資訊.
OPENCC_CONFIGS: tuple[str, ...] = ("s2t", "s2tw", "s2hk", "s2twp")
DEFAULT_OPENCC = "s2tw"

# The glossary's groups, in the order reviewers read them.
GLOSSARY_GROUPS: tuple[str, ...] = ("人名", "地名", "术语")
# The vocabulary's groups: words of the site's interface, and general words of the text.
VOCABULARY_GROUPS: tuple[str, ...] = ("界面", "通用词")
DEFAULT_VOCABULARY = "data/vocabulary-zh-Hant.yml"

# Quotation marks as Traditional texts write them; ‘’ only around a quotation, so an
# apostrophe (it’s) is left alone.
_SINGLE_QUOTED = re.compile(r"‘([^‘’\n]*)’")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Left as they are by convert_html: attribute values that are addresses (a link
# may hold raw characters; in a drawing, xlink:href) or fragment targets (an id, e.g. tag:矛盾调解, must
# match the links to it, which are addresses), and the plain text of an element that declares its
# own script, e.g. the edition switch's <a lang="zh-Hans">简体中文</a>.
# An address attribute is ``\s NAME \s* = \s* "value"`` (or 'value'), its name in any case, found as one
# left-to-right scan finds them: see _address_spans.
ADDRESS_NAMES = ("xlink:href", "href", "srcset", "src", "action", "id")
_VALUE_AFTER = r"""(?=\s*(?P<kept>"[^"]*"|'[^']*'))"""


def _any_case(name: str) -> str:
    # Character classes, not re.IGNORECASE, which makes a scan of a whole page several times slower
    # (and would let the Kelvin sign stand for a k).
    return "".join(f"[{char.lower()}{char.upper()}]" if char.isalpha() else re.escape(char) for char in name)


# Each scan starts at an "=", which the regular expression engine finds quickly, not at every
# space (a pattern that starts with \s is tried at each of a page's characters: 8 times slower).
# An "=" right after a name, and one after spaces, whose name the code looks for before them.
_EQUALS_AFTER_NAME = re.compile("=(?:" + "|".join(rf"(?<=\s{_any_case(name)}=)" for name in ADDRESS_NAMES) + ")" + _VALUE_AFTER)
_EQUALS_AFTER_SPACE = re.compile(r"=(?<=\s=)" + _VALUE_AFTER)
_DECLARED_SCRIPT = re.compile(r"""=(?<=[lL][aA][nN][gG]=)["'][zZ][hH]-[hH][aA][nN][sStT]["']""")  # from its "=", as above
_DECLARING_ELEMENT = re.compile(r"""<(?P<tag>[a-zA-Z][a-zA-Z0-9]*)\b[^>]*\s[lL][aA][nN][gG]=["'][zZ][hH]-[hH][aA][nN][sStT]["']"""
                                r"""[^>]*>(?P<kept>[^<]*)</(?i:(?P=tag))>""")


def _name_start(html: str, name_end: int) -> int:
    """Where the space before the address attribute's name ending at ``name_end`` is, or -1 for none."""
    for name in ADDRESS_NAMES:
        start = name_end - len(name)
        written = html[start:name_end]
        if start > 0 and written.isascii() and written.lower() == name and html[start - 1].isspace():
            return start - 1
    return -1


def _address_spans(html: str) -> list[tuple[int, int, tuple[int, int]]]:
    """Each address attribute as ``(start, end, span of its value)``: those that the scan of
    ``\\s NAME \\s* = \\s* VALUE`` from the page's start would find, each search going on after the
    last match. Every "=" is looked at (a match of the scan holds its name, spaces and "=" before its
    value); of those that start an address, each one that starts where no earlier one reached is kept."""
    found = [(_name_start(html, match.start()), match.end("kept"), match.span("kept"))
             for match in _EQUALS_AFTER_NAME.finditer(html)]
    for match in _EQUALS_AFTER_SPACE.finditer(html):
        name_end = match.start()
        while html[name_end - 1].isspace():  # the pattern saw one; no run of spaces is read twice
            name_end -= 1
        if (start := _name_start(html, name_end)) >= 0:
            found.append((start, match.end("kept"), match.span("kept")))
    found.sort()
    spans, reached = [], 0
    for start, end, kept in found:
        if start >= reached:
            spans.append((start, end, kept))
            reached = end
    return spans


def _kept_spans(html: str) -> list[tuple[int, int]]:
    """Where the parts convert_html leaves alone are, in order: of the matches (address values,
    declaring elements) each one that starts where no earlier one covers it, as one scan would."""
    found = []
    for attribute in _DECLARED_SCRIPT.finditer(html):
        named = attribute.start() - len("lang")
        element = _DECLARING_ELEMENT.match(html, html.rfind("<", 0, named))
        if element and element.start("kept") > named:  # the attribute is in the element's start tag
            found.append((element.start(), element.end(), element.span("kept")))
    found += _address_spans(html)
    found.sort()
    kept, covered = [], 0
    for start, end, span in found:
        if start >= covered:
            kept.append(span)
            covered = end
    return kept


# A glossary phrase is put into every page as it is (HTML, JSON, scripts): words only, no markup.
_GLOSSARY_CHAR = re.compile(r"[\w·・ ]")


class GlossaryError(ValueError):
    """The glossary file is malformed; the message is Chinese and names the file and entry."""


@dataclass(frozen=True)
class Glossary:
    """Reviewed conversions: ``{group: {simplified phrase: traditional phrase}}``."""

    groups: Mapping[str, Mapping[str, str]]

    @property
    def entries(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for entries in self.groups.values():
            merged.update(entries)
        return merged

    def group(self, name: str) -> Mapping[str, str]:
        return self.groups.get(name, {})


EMPTY_GLOSSARY = Glossary({})


def _read_groups(text: str, source: str) -> dict:
    """The ``分组: {简体: 繁体}`` mapping of a glossary or vocabulary file, or GlossaryError."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise GlossaryError(f"{source}：不是有效的 YAML：{error}") from None
    if not isinstance(data, dict):
        raise GlossaryError(f"{source}：应为“分组: {{简体: 繁体}}”的映射")
    return data


def parse_glossary(text: str, source: str = "glossary.yml") -> Glossary:
    """Read a glossary: groups (人名, 地名, 术语) of ``简体: 繁體`` pairs."""
    data = _read_groups(text, source)
    groups: dict[str, dict[str, str]] = {}
    seen: dict[str, str] = {}
    for group, entries in data.items():
        if group not in GLOSSARY_GROUPS:
            raise GlossaryError(f"{source}：未知分组“{group}”，可用分组：{'、'.join(GLOSSARY_GROUPS)}")
        if entries is None:
            entries = {}
        if not isinstance(entries, dict):
            raise GlossaryError(f"{source}：分组“{group}”应为“简体: 繁体”的映射")
        groups[group] = {}
        for simplified, traditional in entries.items():
            if not isinstance(simplified, str) or not isinstance(traditional, str) or not simplified.strip() or not traditional.strip():
                raise GlossaryError(f"{source}：分组“{group}”的条目“{simplified}”应为非空文字“简体: 繁体”")
            unsafe = sorted({char for char in simplified + traditional if not _GLOSSARY_CHAR.match(char)})
            if unsafe:
                raise GlossaryError(
                    f"{source}：分组“{group}”的条目“{simplified}: {traditional}”含有不允许的字符"
                    f"（{' '.join(unsafe)}）：词表只能写汉字、字母、数字、间隔号和空格，转换结果直接进入网页"
                )
            if len(simplified) != len(traditional):
                raise GlossaryError(
                    f"{source}：分组“{group}”的条目“{simplified}”与“{traditional}”字数不同，繁简转换应逐字对应"
                )
            if simplified in seen:
                raise GlossaryError(f"{source}：条目“{simplified}”重复出现（分组“{seen[simplified]}”和“{group}”）")
            seen[simplified] = group
            groups[group][simplified] = traditional
    return Glossary(groups)


def parse_vocabulary(text: str, source: str = DEFAULT_VOCABULARY) -> dict[str, str]:
    """Read the vocabulary: groups (界面, 通用词) of ``简体: 繁體`` pairs; the right side is
    the finished Traditional wording and may differ in length (短链接: 短網址)."""
    data = _read_groups(text, source)
    vocabulary: dict[str, str] = {}
    problems = []
    for group, entries in data.items():
        if group not in VOCABULARY_GROUPS:
            problems.append(f"{source}：未知分组“{group}”，可用分组：{'、'.join(VOCABULARY_GROUPS)}")
            continue
        if not isinstance(entries, dict):
            problems.append(f"{source}：分组“{group}”应为“简体: 繁体”的映射")
            continue
        for simplified, traditional in entries.items():
            if not isinstance(simplified, str) or not isinstance(traditional, str) or not simplified.strip() or not traditional.strip():
                problems.append(f"{source}：分组“{group}”的条目“{simplified}”应为非空文字“简体: 繁体”")
            elif simplified in vocabulary:
                problems.append(f"{source}：条目“{simplified}”重复出现")
            else:
                vocabulary[simplified] = traditional
    if problems:
        raise GlossaryError("\n".join(problems))
    return vocabulary


def load_vocabulary(path: Path, root: Path | None = None) -> dict[str, str]:
    label = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.as_posix()
    if not path.is_file():
        raise GlossaryError(f"{label}：找不到繁体版用语表文件")
    return parse_vocabulary(path.read_text(encoding="utf-8"), label)


def traditional_quotes(text: str) -> str:
    """“…” → 「…」 and ‘…’ → 『…』."""
    text = text.replace("“", "「").replace("”", "」")  # replace, not translate: ten times as fast on a page
    return _SINGLE_QUOTED.sub(r"『\1』", text) if "‘" in text else text


def load_glossary(path: Path, root: Path | None = None) -> Glossary:
    label = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.as_posix()
    if not path.is_file():
        raise GlossaryError(f"{label}：找不到繁体版词表文件")
    return parse_glossary(path.read_text(encoding="utf-8"), label)


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))  # longest first: 殷金凤工作室 before 殷金凤
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


# Converted lines a Converter keeps (about a page's worth of content lines each, held in memory).
LINES_KEPT = 50_000


class Converter:
    """Simplified → Traditional with OpenCC, a glossary and a vocabulary. One per build; reuse it."""

    def __init__(self, config: str = DEFAULT_OPENCC, glossary: Glossary = EMPTY_GLOSSARY,
                 vocabulary: Mapping[str, str] | None = None):
        if config not in OPENCC_CONFIGS:
            raise ValueError(f"OpenCC 配置“{config}”不是简体到繁体的转换，可用：{'、'.join(OPENCC_CONFIGS)}")
        import opencc  # imported here so the Simplified edition never needs it loaded

        self.config = config
        self.glossary = glossary
        self.vocabulary = dict(vocabulary or {})
        self._opencc = opencc.OpenCC(f"{config}.json")
        entries = glossary.entries
        both = sorted(set(entries) & set(self.vocabulary))
        if both:
            raise GlossaryError(f"词语同时列在词表和用语表中：{'、'.join(both)}")
        entries = {**self.vocabulary, **entries}
        self._forward = entries
        self._forward_pattern = _phrase_pattern(entries)
        # For re-conversion: the settled Traditional forms are the exceptions.
        self._settled = {traditional: traditional for traditional in entries.values()}
        self._settled_pattern = _phrase_pattern(self._settled)
        self._converted_line = functools.lru_cache(maxsize=LINES_KEPT)(self._convert_line)
        self._prepared: dict[str, str] = {}

    def _run(self, text: str, pattern: re.Pattern[str] | None, table: Mapping[str, str]) -> str:
        if not _CJK.search(text):
            return text
        if pattern is None:
            return self._opencc.convert(text)
        out: list[str] = []
        position = 0
        for match in pattern.finditer(text):
            out.append(self._opencc.convert(text[position:match.start()]))
            out.append(table[match.group()])
            position = match.end()
        out.append(self._opencc.convert(text[position:]))
        return "".join(out)

    def convert(self, text: str) -> str:
        """Simplified text (Markdown, HTML text, a datum) → Traditional, glossary, vocabulary
        and Traditional quotation marks honoured."""
        return traditional_quotes(self.convert_words(text))

    def convert_words(self, text: str) -> str:
        """As :meth:`convert` but quotation marks left as they are: for code (scripts, styles).

        Line by line: no phrase spans a line end, and the pages of a site share most of their
        lines (navigation, labels, the parts a record's pages have in common), each converted
        once while it is among the last :data:`LINES_KEPT` met."""
        if "\n" not in text:
            return text if text.isascii() else self._converted_line(text)
        # Most of a page's lines are markup alone: ASCII (an instant test) has nothing to convert.
        converted = self._converted_line
        return "\n".join([line if line.isascii() else converted(line) for line in text.split("\n")])

    def prepare(self, text: str) -> str:
        """Convert ``text``'s lines now, for :meth:`convert` to take when it meets them (each line once: a
        line is kept after that only among the last :data:`LINES_KEPT`). The page worker prepares a page's
        content while MkDocs renders the pages, before it writes them. Returns ``text`` as it is."""
        for line in text.split("\n"):
            if line not in self._prepared and _CJK.search(line):
                self._prepared[line] = self._run(line, self._forward_pattern, self._forward)
        return text

    def _convert_line(self, line: str) -> str:
        prepared = self._prepared.pop(line, None)
        return prepared if prepared is not None else self._run(line, self._forward_pattern, self._forward)

    def reconvert(self, text: str) -> str:
        """Run the conversion over text that is already Traditional, glossary forms left as they are.

        Only for checking: the site never converts converted text.
        """
        return self._run(text, self._settled_pattern, self._settled)

    def reconversion_changes(self, text: str, context: int = 4) -> list[str]:
        """Places where converting Traditional ``text`` again would change it (``…鄰里… → …鄰裡…``)."""
        again = self.reconvert(text)
        if again == text:
            return []
        changes = []
        matcher = difflib.SequenceMatcher(None, text, again, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                before = text[max(0, i1 - context):i2 + context]
                after = again[max(0, j1 - context):j2 + context]
                changes.append(f"…{before}… → …{after}…")
        return changes


_JSON_SCRIPT = re.compile(r"""(<script\b[^>]*\btype=["']application/json["'][^>]*>)(.*?)(</script>)""", re.IGNORECASE | re.DOTALL)
_JSON_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"}


def convert_json(value: Any, convert: Callable[[str], str]) -> Any:
    """Every string value in a JSON value converted; keys and structure unchanged."""
    if isinstance(value, str):
        return convert(value)
    if isinstance(value, list):
        return [convert_json(item, convert) for item in value]
    if isinstance(value, dict):
        return {key: convert_json(item, convert) for key, item in value.items()}
    return value


@functools.lru_cache(maxsize=64)  # Material's __config is the same on every page of a folder depth
def _convert_json_text(text: str, convert: Callable[[str], str]) -> str:
    """An inline JSON script (Material's ``__config`` with its interface strings, written
    with ``\\uXXXX`` escapes that text conversion cannot see), converted and re-encoded
    the way Jinja's ``tojson`` does it, safe inside <script>."""
    try:
        data = json.loads(text)
    except ValueError:
        return convert(text)
    encoded = json.dumps(convert_json(data, convert), ensure_ascii=True)
    return "".join(_JSON_UNSAFE.get(char, char) for char in encoded)


def convert_html(html: str, convert: Callable[[str], str]) -> str:
    """Convert a rendered page: text, titles, attributes and inline scripts' strings.

    Left alone: address attributes (href, src …) and the plain text of elements
    marked ``lang="zh-Hans"`` or ``lang="zh-Hant"``, which are already in the
    script they declare. Inline JSON is decoded, converted and encoded again.
    """
    out: list[str] = []
    position = 0
    for match in _JSON_SCRIPT.finditer(html):
        out.append(_convert_markup(html[position:match.start(2)], convert))
        out.append(_convert_json_text(match.group(2), convert))
        position = match.end(2)
    out.append(_convert_markup(html[position:], convert))
    return "".join(out)


def _convert_markup(html: str, convert: Callable[[str], str]) -> str:
    out: list[str] = []
    position = 0
    for start, end in _kept_spans(html):
        if html[start:end].isascii():
            continue  # nothing in it to convert: the text around it is converted in one piece, which is much faster
        out.append(convert(html[position:start]))
        out.append(html[start:end])
        position = end
    out.append(convert(html[position:]))
    return "".join(out)


# Text files copied from docs/ (scripts, styles, data) whose strings readers may see.
TEXT_FILE_SUFFIXES: tuple[str, ...] = (".js", ".mjs", ".json", ".css", ".svg", ".txt", ".xml", ".html")


def convert_text_file(name: str, text: str, converter: Converter) -> str:
    """A static file's text converted: JSON through its values (escapes included), pages as
    pages, the rest (scripts, styles) as code: words only, so a script's punctuation
    (e.g. a tokenizer's list of quotation marks) keeps working."""
    if name.endswith(".json"):
        try:
            return json.dumps(convert_json(json.loads(text), converter.convert), ensure_ascii=False, separators=(",", ":"))
        except ValueError:
            return converter.convert(text)
    if name.endswith(".html"):
        return convert_html(text, converter.convert)
    return converter.convert_words(text)


SIMPLIFIED_FIELD_SUFFIX = "_hans"


def convert_search_index(index: Mapping[str, Any], convert: Callable[[str], str],
                         fields: Iterable[str] = ("title", "text")) -> dict[str, Any]:
    """Convert a Material-style search index ``{"config": …, "docs": [{location, title, text}]}``.

    Each converted field keeps its Simplified original in ``<field>_hans``, which
    the index config declares as a searchable field with the same boost, so
    Simplified queries find pages in the Traditional edition while results show
    Traditional text. Locations are left alone. Another engine's index is
    converted the same way: convert what is shown, keep the Simplified words
    beside it under a field the engine searches but does not show.
    """
    fields = tuple(fields)
    docs = []
    for doc in index.get("docs", []):
        new = dict(doc)
        for name in fields:
            value = doc.get(name)
            if isinstance(value, str):
                new[name] = convert(value)
                if new[name] != value:
                    new[name + SIMPLIFIED_FIELD_SUFFIX] = value
        docs.append(new)
    result = {key: value for key, value in index.items() if key != "docs"}
    config = dict(index.get("config", {}))
    if "fields" in config:
        boosts = dict(config["fields"])
        for name in fields:
            if name in boosts:
                boosts[name + SIMPLIFIED_FIELD_SUFFIX] = boosts[name]
        config["fields"] = boosts
        result["config"] = config
    result["docs"] = docs
    return result


# --------------------------------------------------------------------------
# Which editions exist and how each page links to its twin.
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Edition:
    lang: str          # BCP 47 tag: zh-Hans, zh-Hant
    name: str          # shown in the switch, in its own script
    path: str          # below the Simplified edition's root: "" or "zh-Hant/"
    opencc: str | None = None     # set for a converted edition
    glossary: str | None = None   # its glossary file, relative to the project
    vocabulary: str | None = None  # its vocabulary file, relative to the project

    @property
    def converted(self) -> bool:
        return self.opencc is not None


def parse_editions(raw: object) -> list[Edition]:
    """``extra.editions`` from mkdocs.yml: a list of {lang, name, path[, opencc, glossary, vocabulary]}."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("extra.editions 应为版本列表，每项含 lang、name、path")
    editions = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not {"lang", "name", "path"} <= item.keys():
            raise ValueError(f"extra.editions 第 {number} 项应含 lang、name、path")
        unknown = set(item) - {"lang", "name", "path", "opencc", "glossary", "vocabulary"}
        if unknown:
            raise ValueError(f"extra.editions 第 {number} 项有未知字段：{'、'.join(sorted(unknown))}")
        path = str(item["path"] or "")
        if path and (path.startswith("/") or not path.endswith("/") or ".." in path):
            raise ValueError(f"extra.editions 第 {number} 项的 path 应为“”或“目录名/”，实际是“{path}”")
        opencc_config = item.get("opencc")
        if opencc_config is not None and opencc_config not in OPENCC_CONFIGS:
            raise ValueError(f"extra.editions 第 {number} 项的 opencc 应为 {'、'.join(OPENCC_CONFIGS)} 之一，实际是“{opencc_config}”")
        editions.append(Edition(str(item["lang"]), str(item["name"]), path, opencc_config, item.get("glossary"), item.get("vocabulary")))
    if sum(1 for e in editions if not e.path) != 1:
        raise ValueError("extra.editions 中应恰有一个版本的 path 为空（源版本，发布在网站根目录）")
    return editions


def find_edition(editions: list[Edition], lang: str) -> Edition:
    for edition in editions:
        if edition.lang == lang:
            return edition
    raise ValueError(f"extra.edition 的取值“{lang}”不在 extra.editions 中（可用：{'、'.join(e.lang for e in editions)}）")


def edition_converter(extra: Mapping[str, Any], project: Path) -> Converter | None:
    """The converter of the edition a build makes (``extra.edition``), or None for the
    source edition. For any build stage that writes text of its own, e.g. another search index::

        converter = edition_converter(config.extra, Path(config.config_file_path).parent)
        if converter: text = converter.convert(text)

    Raises ValueError (GlossaryError) with a Chinese message on a bad config or glossary.
    """
    editions = parse_editions(extra.get("editions"))
    current = find_edition(editions, str(extra.get("edition", "")))
    if not current.converted:
        return None
    glossary = load_glossary(project / (current.glossary or "data/glossary.yml"), project)
    vocabulary = load_vocabulary(project / current.vocabulary, project) if current.vocabulary else {}
    return Converter(current.opencc or DEFAULT_OPENCC, glossary, vocabulary)


def edition_site_url(root_url: str, edition: Edition) -> str:
    """The edition's own site_url, from the source edition's one."""
    return root_url.rstrip("/") + "/" + edition.path if root_url else ""


def edition_links(editions: list[Edition], current: Edition, root_url: str) -> list[dict[str, object]]:
    """For templates: each edition with its path relative to the current edition's root
    (``rel``; add the page's URL) and its absolute root (``url``; empty without site_url)."""
    up = "../" * current.path.count("/")
    return [
        {
            "lang": edition.lang,
            "name": edition.name,
            "rel": "" if edition == current else up + edition.path,
            "url": edition_site_url(root_url, edition),
            "current": edition == current,
            "source": not edition.path,
        }
        for edition in editions
    ]
