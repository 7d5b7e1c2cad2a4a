"""Check every data file, and every file under docs/ that is not a page, and report all problems at once.

    python -m scripts.validate [--data data] [--docs docs] [--format text|github] [--fix]

``--evidence`` then lists each new or changed statement of fact beside its quote, and how many
statements of each kind carry evidence (scripts/evidence_review.py).

``--fix`` first applies the text-hygiene fixes (look-alike characters, stray
pinyin, half-width punctuation in Chinese sentences) to the data files and the
method and studio pages in place, changing only those characters, then
reports what is left.

Files under docs/ other than pages are checked by content (macros/static_files.py):
the build refuses the same files (kb_build/static_files.py).

Exits 0 when the data is clean and 1 otherwise; bad input never ends in a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from macros import hygiene
from macros.glossary_review import pending_names, project_converter
from macros.knowledge_base import KnowledgeBase, load, sources_dir_for
from macros.messages import Problem
from macros.models import MODEL_BY_KIND
from macros.sitemap import PAGED_KINDS
from macros.static_files import static_file_problems
from scripts import evidence_review

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.validate", description="校验 data/ 下的全部记录")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="数据目录（默认 data/）")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="页面目录（默认 docs/）")
    parser.add_argument("--format", choices=("text", "github"), default="text", help="github：输出 GitHub Actions 注释")
    parser.add_argument("--fix", action="store_true", help="先自动修正形近字、夹杂拼音和半角标点，再校验")
    parser.add_argument("--evidence", action="store_true",
                        help="校验后列出新增或改动的每条陈述及其原文摘句，以及各类记录的依据覆盖情况（供审阅）")
    args = parser.parse_args(argv)

    if not args.data.is_dir():
        print(f"找不到数据目录 {args.data}", file=sys.stderr)
        return 1
    if args.fix:
        fix_files(args.data, args.docs)
    kb, problems = load(args.data, sources_dir_for(ROOT), args.docs if args.docs.is_dir() else None)
    problems += static_files_problems(args.docs) if args.docs.is_dir() else []
    for problem in [*problems, *kb.warnings]:
        print(problem.as_github(ROOT) if args.format == "github" else problem.as_text(ROOT))
    if problems:
        print(f"数据校验未通过：共 {len(problems)} 个问题。", file=sys.stderr)
    else:
        counts = "，".join(f"{MODEL_BY_KIND[kind].label} {len(kb.of_kind(kind))} 条" for kind in MODEL_BY_KIND)
        print(f"数据校验通过：{counts}。")
        report_pending_names(kb, args.format)
    if args.evidence:
        evidence_review.report(kb, args.data, args.docs, ROOT, args.format)
    return 1 if problems else 0


def static_files_problems(docs_dir: Path) -> list[Problem]:
    """Every file under docs/ that MkDocs copies as it is (not a page, not hidden), checked by content."""
    problems: list[Problem] = []
    for path in sorted(docs_dir.rglob("*")):
        relative = path.relative_to(docs_dir)
        if path.is_file() and path.suffix != ".md" and not any(part.startswith(".") for part in relative.parts):
            problems += static_file_problems(path, relative.as_posix(), path.read_bytes())
    return problems


def report_pending_names(kb: KnowledgeBase, output: str) -> None:
    """New person and place names: listed for review, never an error (see macros/glossary_review.py)."""
    try:
        pending = pending_names(kb, project_converter(ROOT))
    except (ValueError, OSError) as error:  # GlossaryError is a ValueError
        print(f"无法列出待核对的繁体写法：{error}", file=sys.stderr)
        return
    if not pending:
        return
    print(f"待核对的繁体写法（不影响发布）：{len(pending)} 个新名称")
    for name in pending:
        if output == "github":
            print(f"::notice file={name.where},title=繁体写法待核对::{name.as_text()}")
        else:
            print(f"  {name.as_text()}")


def fix_files(data_dir: Path, docs_dir: Path) -> int:
    """Apply the hygiene fixes in place; print one line per changed file; return the number of fixes."""
    targets = [(path, hygiene.fix_yaml) for path in sorted(data_dir.glob("*/*.y*ml"))]
    targets += [(path, hygiene.fix_markdown) for kind in PAGED_KINDS for path in sorted((docs_dir / kind).glob("*.md"))]
    total = 0
    for path, fixer in targets:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the validator reports unreadable files
        fixed, count = fixer(text)
        if count and fixed != text:
            path.write_text(fixed, encoding="utf-8")
            print(f"已修正 {_relative(path)}：{count} 处")
            total += count
    print(f"自动修正完成：共 {total} 处。" if total else "没有可以自动修正的问题。")
    return total


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


if __name__ == "__main__":
    sys.exit(main())
