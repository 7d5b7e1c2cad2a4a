"""Stage theme_tags: tags each method page with its themes from the data, for Material's tags plugin.

Pages don't repeat the themes in front matter: ``data/methods/<id>.yml`` is the
one place they are written. The tags page's listing (overrides/fragments/tags/default/listing.html)
links each theme to its paginated listing through the filter ``kb_theme_listing``. Switch off:
``theme_tags: false`` in the kb plugin's options (pages then carry no tags).
"""

from __future__ import annotations

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb_build.stage import Stage
from macros.facets import slug
from macros.sitemap import listing_path, served


class ThemeTags(Stage):
    name = "theme_tags"

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Before the tags plugin reads ``page.meta.tags`` (its on_page_markdown runs later)."""
        kind, _, name = page.file.src_uri.partition("/")
        method = self.build.kb.methods.get(name.removesuffix(".md")) if kind == "methods" else None
        if method is not None and method.themes:
            page.meta["tags"] = list(method.themes)
        return markdown

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Before the tags plugin renders its listings (its on_env runs after this plugin's)."""
        env.filters["kb_theme_listing"] = lambda theme: served(listing_path("methods", "theme", slug(theme)))
        return env
