"""A small, valid set of records for tests to build on and break."""

from __future__ import annotations

from pathlib import Path

import yaml

VALID = {
    "sources/article.yml": {
        "id": "article", "topic": "测试来源", "publication": "测试报", "date": "2021-07-22",
        "file": "000_276c0d5b3e7a7cff.txt", "script": "简体",
    },
    "studios/demo-studio.yml": {
        "id": "demo-studio", "name": "示例工作室", "summary": "示例用的工作室。", "type": "社区书记工作室", "founded": "2018",
        "region": {"province": "北京市", "district": "朝阳区"}, "leader": "demo-mentor",
        "methods": ["demo-method"], "sites": ["demo-site"],
        "figures": [{"label": "培训人次", "value": 5000, "qualifier": "余", "unit": "人次", "source": "article"}],
        "sources": ["article"],
    },
    "mentors/demo-mentor.yml": {
        "id": "demo-mentor", "name": "王示例", "summary": "示例用的导师。", "role": "社区党委书记", "studios": ["demo-studio"], "sources": ["article"],
    },
    "methods/demo-method.yml": {
        "id": "demo-method", "name": "示例工作法", "summary": "一句话。", "themes": ["矛盾调解"],
        "origin": {"studio": "demo-studio"},
        "steps": [{"name": "倾听", "detail": "先听。"}, {"name": "解决"}], "sources": ["article"],
    },
    "sites/demo-site.yml": {
        "id": "demo-site", "name": "示例驿站", "summary": "示例用的驿站。", "type": "驿站", "studio": "demo-studio", "sources": ["article"],
    },
}


def write_records(root: Path, records: dict[str, dict] | None = None) -> Path:
    """Write records under ``root/data`` and a page per method and studio under ``root/docs``."""
    for relative, record in (records or VALID).items():
        path = root / "data" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
        kind = relative.split("/")[0]
        if kind in ("methods", "studios"):
            page = root / "docs" / kind / f"{record['id']}.md"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text("# {{ title() }}\n", encoding="utf-8")
    return root
