"""Evidence: which statements of fact a record makes, which of them carry the article's words, and
whether those words are really in the article.

A field whose type carries :class:`~macros.models.Fact` is a statement; a list of items (steps,
figures) is one statement per item (``steps.0``). A record's ``evidence`` entries each name the
field they support and quote the article; a page's prose cites with ``{{ cite("source-id", "摘句") }}``.
The loader (macros/knowledge_base.py) calls the checks here: a quote not found in its article is an
error naming the closest passage; a quote whose article has no text on this machine is a warning.
The markers and notes readers see are macros/citations.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from . import articles, sitemap
from .messages import Problem, format_loc
from .models import MAX_QUOTE, Fact, Figure, Loc, Record, Source, Step, field_marked
from .template_check import macro_calls
from .yaml_reader import line_of

CITE_MACRO = "cite"
CITE_CALL = re.compile(r"\{\{\s*cite\s*\(.*?\)\s*\}\}", re.S)
# What a page and the review say of a record or statement that no quote supports yet.
UNSUPPORTED = "未附依据"
# Fields that say what the record is, not what the article says.
_NOT_STATEMENTS = frozenset({"id", "sources", "evidence"})
# Not a statement of fact to count, but a name the article may be quoted for.
_QUOTABLE = frozenset({"aliases"})


def _empty(value: object) -> bool:
    if value is None or value == "" or value == [] or value == ():
        return True
    if isinstance(value, BaseModel):
        return all(_empty(getattr(value, name)) for name in type(value).model_fields)
    return False


def statements(record: BaseModel, prefix: str = "") -> list[str]:
    """The statements of fact a record makes, as dotted fields: ``summary``, ``origin.region``, ``steps.0``."""
    found: list[str] = []
    for name, info in type(record).model_fields.items():
        value = getattr(record, name)
        if _empty(value):
            continue
        if field_marked(info, Fact):
            if isinstance(value, list) and isinstance(value[0], BaseModel):
                found += [f"{prefix}{name}.{index}" for index in range(len(value))]
            else:
                found.append(prefix + name)
        elif isinstance(value, BaseModel):
            found += statements(value, f"{prefix}{name}.")
    return found


def covers(evidence_field: str, statement: str) -> bool:
    """An entry supports a statement when one names the other or a part of it (``steps`` covers ``steps.0``)."""
    return evidence_field == statement or statement.startswith(evidence_field + ".") or evidence_field.startswith(statement + ".")


def supported(record: Record) -> list[str]:
    """The record's statements that at least one evidence entry supports."""
    return [s for s in statements(record) if any(covers(entry.field, s) for entry in record.evidence)]


def field_problem(record: Record, dotted: str) -> str | None:
    """Why ``dotted`` names no filled field of ``record`` (None when it does)."""
    value: object = record
    walked: list[str] = []
    for part in dotted.split("."):
        if part.isdigit():
            if not isinstance(value, list):
                return f"“{'.'.join(walked)}”不是列表，不能用序号“{part}”"
            if int(part) >= len(value):
                return f"“{'.'.join(walked)}”只有 {len(value)} 项（序号从 0 数起），没有第 {part} 项"
            value = value[int(part)]
        else:
            fields = type(value).model_fields if isinstance(value, BaseModel) else {}
            if part not in fields or (not walked and part in _NOT_STATEMENTS):
                names = "、".join(name for name in fields if walked or name not in _NOT_STATEMENTS)
                where = f"“{'.'.join(walked)}”里" if walked else "这条记录"
                return f"{where}没有字段“{part}”" + (f"；可以写：{names}" if names else "")
            value = getattr(value, part)
        walked.append(part)
    if _empty(value):
        return f"字段“{dotted}”在这条记录里没有填写，摘句无处可依"
    stated = statements(record)
    if walked[0] in _QUOTABLE or any(dotted == s or dotted.startswith(s + ".") for s in stated):
        return None
    parts = [s for s in stated if s.startswith(dotted + ".")]
    if parts and isinstance(value, list):
        return None  # a whole list (steps, results): its markers follow the list
    if parts:
        return f"“{dotted}”包含几项事实，请写明摘句支持哪一项：{'、'.join(parts)}"
    return f"“{dotted}”是编者的归类或链接，不是来源文章陈述的事实，不需要摘句；请删去这一条，或改写为它支持的事实字段"


def source_of(record: Record, index: int) -> str | None:
    """The source an evidence entry quotes: its own, or the record's only one."""
    entry = record.evidence[index]
    if entry.source:
        return entry.source
    return record.sources[0] if len(record.sources) == 1 else None


@dataclass
class ArticleTexts:
    """The folded text of each source's article, where this machine has it; counts what could not be checked."""

    sources: dict[str, Source]
    sources_dir: Path | None
    unchecked: Counter[str] = field(default_factory=Counter)

    def text(self, source_id: str) -> articles.Folded | None:
        source = self.sources.get(source_id)
        if source is None or not source.file or self.sources_dir is None:
            return None
        path = self.sources_dir / source.file
        return articles.read_article(path) if path.is_file() else None

    def quote_problem(self, source_id: str, quote: str) -> str | None:
        """Why ``quote`` is not the article's own words (None when it is, or when the text is not here to check)."""
        if not articles.compact(quote):
            return "摘句里没有文字（只有标点或空格）"
        if "…" in quote or "..." in quote:
            return "摘句中间不能用省略号：原文不连续的两段请分成两条依据"
        text = self.text(source_id)
        if text is None:
            self.unchecked[source_id] += 1
            return None
        if articles.contains(text, quote):
            return None
        closest = articles.closest_passage(text, quote)
        hint = f"；原文最接近的一段是：“{closest}”" if closest else ""
        return f"摘句“{quote}”在来源“{source_id}”的原文里找不到（须是原文连续的一段，繁简、标点和夹注拼音不计）{hint}"

    def warnings(self, data_dir: Path) -> list[Problem]:
        """One warning per source whose quotes could not be checked here."""
        return [Problem(data_dir / "sources" / f"{source_id}.yml", 1, source_id, "file",
                        f"本机没有这篇来源的原文（{'只有原文链接' if self.sources.get(source_id) and not self.sources[source_id].file else '来源目录不在本机'}），"
                        f"引用它的 {count} 条摘句未能核对", severity="warning")
                for source_id, count in sorted(self.unchecked.items())]


def record_problems(record: Record, path: Path, lines: dict[Loc, int], texts: ArticleTexts) -> Iterator[Problem]:
    """Every evidence entry names a filled field, a source the record cites, and words its article holds."""
    def problem(index: int, part: str, message: str) -> Problem:
        loc: Loc = ("evidence", index, part)
        return Problem(path, line_of(lines, loc), record.id, format_loc(loc), message)

    for index, entry in enumerate(record.evidence):
        wrong_field = field_problem(record, entry.field)
        if wrong_field:
            yield problem(index, "field", wrong_field)
        source_id = source_of(record, index)
        if source_id is None:
            yield problem(index, "source", f"这条记录引用了多篇来源（{'、'.join(record.sources)}），请写明摘句出自哪一篇：source: …")
            continue
        if source_id not in texts.sources:
            continue  # an unknown source is reported with the record's other references
        if source_id not in record.sources:
            yield problem(index, "source", f"来源“{source_id}”不在这条记录的 sources（来源）里：请先在 sources 里加上它")
            continue
        wrong_quote = texts.quote_problem(source_id, entry.quote)
        if wrong_quote:
            yield problem(index, "quote", wrong_quote)


def headline_problem(source: Source, path: Path, lines: dict[Loc, int], texts: ArticleTexts) -> Problem | None:
    """A source's ``title`` is the headline the article prints, so it is found in the article like a quote."""
    if not source.title:
        return None
    wrong = texts.quote_problem(source.id, source.title)
    if wrong is None:
        return None
    return Problem(path, line_of(lines, ("title",)), source.id, "title",
                   f"“原文标题”只写文章自己印出的标题：{wrong}。原文没有标题时删去 title，用 topic（内容说明）写编者的说明")


@dataclass(frozen=True)
class Citation:
    """One ``{{ cite(…) }}`` in a page."""

    line: int
    source: str
    quote: str


def citations(markdown: str) -> tuple[list[Citation], list[tuple[int, str]]]:
    """The page's citations, and (line, message) for each call written wrongly."""
    found, wrong = [], []
    for line, arguments in macro_calls(markdown, CITE_MACRO):
        if len(arguments) != 2 or not all(isinstance(argument, str) for argument in arguments):
            wrong.append((line, '引用应写成 {{ cite("来源编号", "原文摘句") }}：两个用引号括起的参数'))
            continue
        source_id, quote = (str(argument) for argument in arguments)
        found.append(Citation(line, source_id, quote))
    return found, wrong


def page_problems(page: Path, docs_relative: str, markdown: str, record: Record | None, texts: ArticleTexts) -> Iterator[Problem]:
    """Every ``cite`` in a page names a known source (one its record cites, on a record's page) and words its article holds."""
    page_id = page.stem
    found, wrong = citations(markdown)
    for line, message in wrong:
        yield Problem(page, line, page_id, CITE_MACRO, message)
    for citation in found:
        def problem(message: str, line: int = citation.line) -> Problem:
            return Problem(page, line, page_id, CITE_MACRO, message)

        if citation.source not in texts.sources:
            yield problem(f"引用的来源“{citation.source}”不存在（应为 data/sources/ 下的文件名）")
            continue
        if record is not None and citation.source not in record.sources:
            data_file = sitemap.data_file(docs_relative.split("/", 1)[0], record.id)
            yield problem(f"来源“{citation.source}”不在 {data_file} 的 sources（来源）里：请先在那里加上它")
            continue
        if len(citation.quote) > MAX_QUOTE:
            yield problem(f"摘句有 {len(citation.quote)} 个字符，超过上限 {MAX_QUOTE} 个：只摘说明这一点的那句话")
            continue
        wrong_quote = texts.quote_problem(citation.source, citation.quote)
        if wrong_quote:
            yield problem(wrong_quote)


def value_at(record: BaseModel, dotted: str) -> object:
    """The value a statement names (``steps.0`` → the first step); None where there is none."""
    value: object = record
    for part in dotted.split("."):
        if part.isdigit():
            value = value[int(part)] if isinstance(value, list) and int(part) < len(value) else None
        else:
            value = getattr(value, part, None) if isinstance(value, BaseModel) else None
    return value


def statement_text(value: object, limit: int = 60) -> str:
    """A statement's value as a reviewer reads it beside its quote: ``共情倾听：先听完诉求``, ``辽宁省 沈阳市``."""
    if isinstance(value, Step):
        text = value.name + (f"：{value.detail}" if value.detail else "")
    elif isinstance(value, Figure):
        text = f"{value.label}：{statement_text(value.value)}{value.qualifier}{value.unit}"
    elif isinstance(value, BaseModel):
        parts = [statement_text(getattr(value, name)) for name in type(value).model_fields]
        text = " ".join(part for part in parts if part)
    elif isinstance(value, list):
        text = "、".join(statement_text(item) for item in value)
    elif isinstance(value, float) and value == int(value):
        text = str(int(value))
    else:
        text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quotes_for(record: Record, statement: str) -> list[tuple[str, str]]:
    """(source id, quote) of every evidence entry that supports ``statement``."""
    return [(source_of(record, index) or "?", entry.quote) for index, entry in enumerate(record.evidence)
            if covers(entry.field, statement)]


_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Sections of questions and exercises for trainers: they state no fact.
EXERCISE_SECTIONS = frozenset({"培训使用"})
_MACRO_ONLY = re.compile(r"^\s*(\{\{.*?\}\}\s*)+$", re.S)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a page's own prose: where it starts, its text, whether it cites an article."""

    line: int
    text: str

    @property
    def cited(self) -> bool:
        return bool(macro_calls(self.text, CITE_MACRO))


def prose_paragraphs(markdown: str) -> list[Paragraph]:
    """The paragraphs (and list blocks) of a page that state facts: what its author wrote, not headings,
    comments or lines that only call macros, and not the exercises of a 培训使用 section."""
    text = _COMMENT.sub(lambda match: "\n" * match.group().count("\n"), markdown)
    found = []
    block: list[str] = []
    start, section = 1, ""
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
            continue
        body = "\n".join(block).strip()
        block = []
        heading = re.match(r"#{1,6}\s+([^{\n]*)", body)
        if heading:
            section = heading.group(1).strip()
            continue
        if not body or section in EXERCISE_SECTIONS or _MACRO_ONLY.match(body) or not any(char.isalpha() for char in body):
            continue
        found.append(Paragraph(start, body))
    return found
