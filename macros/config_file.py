"""mkdocs.yml's plain settings, read without MkDocs (for scripts and the validator)."""

from __future__ import annotations

from pathlib import Path

import yaml


class _TagsAsNone(yaml.SafeLoader):
    """SafeLoader for mkdocs.yml: ``!ENV`` reads as its default; other tags (Python objects) become null."""


_TagsAsNone.add_multi_constructor("", lambda loader, suffix, node: None)
# `!ENV [NAME, default]` reads as its default, as a build without the variable set sees it.
_TagsAsNone.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
_TagsAsNone.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_mkdocs_config(project: Path, name: str = "mkdocs.yml") -> dict:
    loader = _TagsAsNone((project / name).read_text(encoding="utf-8"))
    try:
        return loader.get_single_data() or {}
    finally:
        loader.dispose()
