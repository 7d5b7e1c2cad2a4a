"""The reviewer's list behind ``python -m scripts.validate --evidence``: each new or changed statement beside its quote.

A statement is a field of a record that states a fact (macros/evidence.py) or a paragraph of a
record page's prose. What is new or changed is measured against ``git merge-base HEAD origin/main``
when git can tell (a pull request's checkout); otherwise every statement is listed. The coverage
counts (statements with evidence out of all, per kind) and the records without any evidence
close the list; in GitHub's format every line is a notice on the file and line it is about.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from macros import evidence, sitemap
from macros.knowledge_base import KnowledgeBase
from macros.messages import github_notice
from macros.models import MAX_RECORD_BYTES, MODEL_BY_KIND, Loc, Record
from macros.yaml_reader import line_of, read_yaml

BASE_BRANCH = "origin/main"


@dataclass(frozen=True)
class Listed:
    """One statement for the reviewer: where, what it says, and the words it rests on."""

    file: Path
    line: int
    record: str
    field: str
    text: str
    quotes: tuple[tuple[str, str], ...]

    def as_text(self, root: Path) -> str:
        support = "；".join(f"“{quote}”（{source}）" for source, quote in self.quotes) or evidence.UNSUPPORTED
        return f"{_relative(self.file, root)}:{self.line}  {self.record}  {self.field}  {self.text}\n    ← {support}"

    def as_github(self, root: Path) -> str:
        support = "；".join(f"“{quote}”（{source}）" for source, quote in self.quotes) or evidence.UNSUPPORTED
        return github_notice(_relative(self.file, root), self.line, f"依据 {self.record} {self.field}",
                             f"{self.text}\n← {support}")


def merge_base(root: Path) -> str | None:
    """The commit this branch left main at, where git knows it."""
    try:
        found = subprocess.run(["git", "-C", str(root), "merge-base", "HEAD", BASE_BRANCH],
                               capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None if found.returncode == 0 else None


def _old_text(root: Path, base: str | None, path: Path) -> str | None:
    """The file as it was at ``base`` (None: new, or nothing to compare with)."""
    if base is None:
        return None
    relative = _relative(path, root)
    shown = subprocess.run(["git", "-C", str(root), "show", f"{base}:{relative}"],
                           capture_output=True, text=True, timeout=30, check=False)
    return shown.stdout if shown.returncode == 0 else None


def _old_record(model: type[BaseModel], text: str | None) -> BaseModel | None:
    try:
        return model.model_validate(yaml.safe_load(text)) if text else None
    except (yaml.YAMLError, ValidationError, ValueError, TypeError):
        return None


def record_statements(kb: KnowledgeBase, data_dir: Path, root: Path, base: str | None) -> Iterator[Listed]:
    """Each statement of fact in the records that is new or changed since ``base`` (every one without a base)."""
    for kind in sitemap.PAGED_KINDS:
        model = MODEL_BY_KIND[kind]
        for record in kb.records(kind).values():
            path = data_dir / kind / f"{record.id}.yml"
            read = read_yaml(path, data_dir, MAX_RECORD_BYTES, lambda *_: None)
            lines: dict[Loc, int] = read[1] if read else {}
            old = _old_record(model, _old_text(root, base, path)) if base else None
            for statement in evidence.statements(record):
                quotes = tuple(evidence.quotes_for(record, statement))
                if base and old is not None and isinstance(old, Record) and _unchanged(old, record, statement, quotes):
                    continue
                loc: Loc = tuple(int(part) if part.isdigit() else part for part in statement.split("."))
                # A list item has no key of its own: its first key's line.
                line = min((number for key, number in lines.items() if key[:len(loc)] == loc), default=line_of(lines, loc))
                yield Listed(path, line, record.id, statement,
                             evidence.statement_text(evidence.value_at(record, statement)), quotes)


def _unchanged(old: Record, new: Record, statement: str, quotes: tuple[tuple[str, str], ...]) -> bool:
    return (evidence.value_at(old, statement) == evidence.value_at(new, statement)
            and tuple(evidence.quotes_for(old, statement)) == quotes)


def page_statements(kb: KnowledgeBase, docs_dir: Path, root: Path, base: str | None) -> Iterator[Listed]:
    """Each paragraph of a record page's prose that is new or changed since ``base``."""
    for _, record_id, path in _record_pages(kb, docs_dir):
        paragraphs = evidence.prose_paragraphs(path.read_text(encoding="utf-8"))
        old_text = _old_text(root, base, path) if base else None
        before = {paragraph.text for paragraph in evidence.prose_paragraphs(old_text)} if old_text else set()
        for paragraph in paragraphs:
            if paragraph.text in before:
                continue
            citations, _ = evidence.citations(paragraph.text)
            shown = evidence.statement_text(evidence.CITE_CALL.sub("", paragraph.text), 80)
            yield Listed(path, paragraph.line, record_id, "正文", shown,
                         tuple((citation.source, citation.quote) for citation in citations))


def _record_pages(kb: KnowledgeBase, docs_dir: Path) -> Iterator[tuple[str, str, Path]]:
    for kind in sitemap.PAGED_KINDS:
        for record_id in kb.records(kind):
            path = docs_dir / sitemap.record_path(kind, record_id)
            if path.is_file():
                yield kind, record_id, path


@dataclass(frozen=True)
class Coverage:
    """How many statements of one kind carry evidence."""

    label: str
    fields_supported: int
    fields: int
    paragraphs_cited: int
    paragraphs: int

    def as_text(self) -> str:
        return (f"{self.label}：字段 {self.fields_supported}/{self.fields} 附依据；"
                f"正文段落 {self.paragraphs_cited}/{self.paragraphs} 有引用")


def coverage(kb: KnowledgeBase, docs_dir: Path) -> list[Coverage]:
    pages = {(kind, record_id): path for kind, record_id, path in _record_pages(kb, docs_dir)}
    counts = []
    for kind in sitemap.PAGED_KINDS:
        records = kb.records(kind).values()
        paragraphs = [p for (page_kind, _), path in pages.items() if page_kind == kind
                      for p in evidence.prose_paragraphs(path.read_text(encoding="utf-8"))]
        counts.append(Coverage(sitemap.label(kind),
                               sum(len(evidence.supported(r)) for r in records), sum(len(evidence.statements(r)) for r in records),
                               sum(p.cited for p in paragraphs), len(paragraphs)))
    return counts


def report(kb: KnowledgeBase, data_dir: Path, docs_dir: Path, root: Path, output: str) -> None:
    """Print the list, the coverage and the records without evidence."""
    base = merge_base(root)
    listed = [*record_statements(kb, data_dir, root, base), *page_statements(kb, docs_dir, root, base)]
    scope = f"与 {BASE_BRANCH}（{base[:10]}）相比新增或改动的" if base else "全部"
    print(f"依据一览：{scope}陈述 {len(listed)} 条，其中未附依据 {sum(1 for item in listed if not item.quotes)} 条")
    for item in listed:
        print(item.as_github(root) if output == "github" else item.as_text(root))
    print("覆盖情况：")
    for counts in coverage(kb, docs_dir):
        print(f"  {counts.as_text()}")
    bare = [(kind, record.id) for kind in sitemap.PAGED_KINDS for record in kb.records(kind).values() if not record.evidence]
    print(f"未附依据的记录：{len(bare)} 条" + ("：" + "、".join(f"{kind}/{record_id}" for kind, record_id in bare) if bare else ""))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
