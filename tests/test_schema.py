"""The JSON Schema that editors' YAML plugins read matches the models."""

from __future__ import annotations

import json

from macros.cms import decap_config
from macros.models import LONG_TEXT_FIELDS, MAX_LONG_TEXT
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


def _long_in_schema(schema: object) -> set[str]:
    """Names of the properties, anywhere in a schema, whose text may be as long as a long text."""
    found: set[str] = set()
    if isinstance(schema, dict):
        for name, prop in schema.get("properties", {}).items():
            branches = [prop, *prop.get("anyOf", [])]
            if any(branch.get("maxLength") == MAX_LONG_TEXT for branch in branches):
                found.add(name)
        for value in schema.values():
            found |= _long_in_schema(value)
    elif isinstance(schema, list):
        for item in schema:
            found |= _long_in_schema(item)
    return found


def _text_areas(fields: list[dict]) -> set[str]:
    found: set[str] = set()
    for field in fields:
        if field.get("widget") == "text":
            found.add(field["name"])
        found |= _text_areas(field.get("fields", []))
    return found


def test_long_text_is_one_fact_for_validator_web_editor_and_schema() -> None:
    """Where the models mark a field's type as long text, the validator allows long text, the web
    editor gives a text area and the JSON Schema says the same length."""
    schemas = [json.loads(text) for text in schema_files().values()]
    in_schema = set().union(*(_long_in_schema(schema) for schema in schemas))
    collections = decap_config("o/r", "main", "https://example.org/", None)["collections"]
    in_editor = set().union(*(_text_areas(c["fields"]) for c in collections if c["folder"].startswith("data/")))
    assert in_schema == in_editor == LONG_TEXT_FIELDS == {"summary", "detail", "team", "structure", "shows"}
