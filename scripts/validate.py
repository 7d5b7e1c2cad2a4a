"""Check every data file and report all problems at once.

    python -m scripts.validate [--data data] [--docs docs] [--format text|github]

Exits 0 when the data is clean and 1 otherwise; bad input never ends in a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from macros.models import MODEL_BY_KIND, load, sources_dir_for

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.validate", description="校验 data/ 下的全部记录")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="数据目录（默认 data/）")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="页面目录（默认 docs/）")
    parser.add_argument("--format", choices=("text", "github"), default="text", help="github：输出 GitHub Actions 注释")
    args = parser.parse_args(argv)

    if not args.data.is_dir():
        print(f"找不到数据目录 {args.data}", file=sys.stderr)
        return 1
    kb, problems = load(args.data, sources_dir_for(ROOT), args.docs if args.docs.is_dir() else None)
    for problem in problems:
        print(problem.as_github(ROOT) if args.format == "github" else problem.as_text(ROOT))
    if problems:
        print(f"数据校验未通过：共 {len(problems)} 个问题。", file=sys.stderr)
        return 1
    counts = "，".join(f"{MODEL_BY_KIND[kind].label} {len(kb.of_kind(kind))} 条" for kind in MODEL_BY_KIND)  # type: ignore[attr-defined]
    print(f"数据校验通过：{counts}。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
