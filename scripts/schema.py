"""Write the JSON Schema of each kind of record to data/schema/<kind>.json.

    python -m scripts.schema          # write
    python -m scripts.schema --check  # exit 1 if a committed schema is out of date

Editors' YAML plugins read these files through the `$schema` comment at the top
of every record, so they autocomplete field names and show the Chinese titles.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from macros.models import MODEL_BY_KIND

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "schema"


def schema_files() -> dict[Path, str]:
    """File path → JSON text, one per kind (``methods`` → ``method.json``)."""
    files = {}
    for kind, model in MODEL_BY_KIND.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        files[SCHEMA_DIR / f"{kind.removesuffix('s')}.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.schema")
    parser.add_argument("--check", action="store_true", help="只检查，不写入")
    args = parser.parse_args(argv)
    stale = []
    for path, text in schema_files().items():
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"data/schema 已过期：{'、'.join(stale)}。请运行 python -m scripts.schema 重新生成。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
