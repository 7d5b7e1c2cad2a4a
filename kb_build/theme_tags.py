"""Tags each method page with its themes from the data, for Material's tags plugin.

Pages don't repeat the themes in front matter: ``data/methods/<id>.yml`` is the
one place they are written. The tags page's listing (overrides/fragments/tags/default/listing.html)
links each theme to its paginated listing through the filter ``kb_theme_listing``. Switch off: remove ``hooks/theme_tags.py`` from
``hooks:`` in mkdocs.yml (pages then carry no tags).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's `macros` package

import logging

from mkdocs.plugins import event_priority

from macros.facets import slug
from macros.knowledge_base import load_project
from macros.sitemap import listing_path, served

log = logging.getLogger("mkdocs.hooks.theme_tags")
_themes: dict[str, list[str]] = {}


def on_config(config, **kwargs):
    kb, _ = load_project(Path(config.config_file_path).parent)  # problems are reported by the macros plugin
    _themes.clear()
    _themes.update({method.id: list(method.themes) for method in kb.methods.values()})
    return config


def on_page_markdown(markdown, page, **kwargs):
    kind, _, name = page.file.src_uri.partition("/")
    record_id = name.removesuffix(".md")
    if kind == "methods" and record_id in _themes and _themes[record_id]:
        page.meta["tags"] = _themes[record_id]
    return markdown


@event_priority(110)  # before the tags plugin renders its listings (its on_env runs at 100)
def on_env(env, config, files, **kwargs):
    env.filters["kb_theme_listing"] = lambda theme: served(listing_path("methods", "theme", slug(theme)))
    return env
