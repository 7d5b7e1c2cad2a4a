"""The JSON Schema that editors' YAML plugins read matches the models."""

from __future__ import annotations

import json

from scripts.schema import SCHEMA_DIR, schema_files
from tests.conftest import ROOT


def test_committed_schema_matches_the_models() -> None:
    for path, text in schema_files().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `make schema`"


def test_schema_carries_chinese_titles_and_forbids_unknown_fields() -> None:
    method = json.loads((SCHEMA_DIR / "method.json").read_text(encoding="utf-8"))
    assert method["additionalProperties"] is False
    assert method["properties"]["steps"]["title"] == "步骤"
    assert "矛盾调解" in method["properties"]["themes"]["items"]["enum"]


def test_every_record_points_at_its_schema() -> None:
    for path in (ROOT / "data").glob("*/*.yml"):
        kind = path.parent.name.removesuffix("s")
        assert path.read_text(encoding="utf-8").startswith(f"# yaml-language-server: $schema=../schema/{kind}.json"), path
