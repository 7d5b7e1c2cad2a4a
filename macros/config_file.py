"""mkdocs.yml's plain settings, read without MkDocs (for scripts and the validator)."""

from __future__ import annotations

from pathlib import Path

import yaml


class _TagsAsNone(yaml.SafeLoader):
    """SafeLoader for mkdocs.yml: ``!ENV`` reads as its default; other tags (Python objects) become null."""


_TagsAsNone.add_multi_constructor("", lambda loader, suffix, node: None)


def _env_default(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """`!ENV [NAME, default]` reads as its default, as a build without the variable set sees it;
    `!ENV NAME` has none."""
    return loader.construct_sequence(node)[-1] if isinstance(node, yaml.SequenceNode) else None


_TagsAsNone.add_constructor("!ENV", _env_default)
_TagsAsNone.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_mkdocs_config(project: Path, name: str = "mkdocs.yml") -> dict:
    loader = _TagsAsNone((project / name).read_text(encoding="utf-8"))
    try:
        return loader.get_single_data() or {}
    finally:
        loader.dispose()
