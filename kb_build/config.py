"""Options of the ``kb`` plugin: one switch per stage, named after it.

In mkdocs.yml::

    plugins:
      - kb:
          page_meta: false      # switch one stage off

A stage switched off does not run at all; what the site then lacks is written beside its switch.
``live_edit`` is off unless `make serve` turns it on (``KB_LIVE_EDIT=true``, see mkdocs.yml), and
``search_index`` follows ``KB_SEARCH`` (``KB_SEARCH=off``: Material's own lunr search).
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class KbConfig(Config):
    # Refuse the build when a file under docs/ other than a page could run script or is not what its name says.
    static_files = c.Type(bool, default=True)
    # `make serve`: render again only the edited pages while nothing shared changed. Off: every rebuild is whole.
    live_edit = c.Type(bool, default=False)
    # Escape the front-matter text Material prints as HTML. Off only if no page sets title, description, author or subtitle.
    page_text = c.Type(bool, default=True)
    # Last-change date (git) and edit links of every page. Off: pages show neither.
    page_meta = c.Type(bool, default=True)
    # Each page's own description for search engines and chat apps' link cards. Off: every page shares the site's.
    page_description = c.Type(bool, default=True)
    # Short links /m/ /s/ /p/ /d/ /t/ /c/ /v/<id>/ and the renames of data/redirects.yml. Off: only mkdocs.yml's own maps.
    short_links = c.Type(bool, default=True)
    # Method pages tagged with their themes for Material's tags plugin. Off: pages carry no tags.
    theme_tags = c.Type(bool, default=True)
    # training/session.json, the QR encoder and each method page's training links. Off: the session builder has no data.
    training_pages = c.Type(bool, default=True)
    # The printed handout's block (QR code, short link, files) and the printed addresses of links. Off: neither.
    handout = c.Type(bool, default=True)
    # Pages generated from the data (record pages without Markdown, training plans, listings, regions, lineage).
    # Off: those pages are missing, and links to them fail a strict build.
    generated_pages = c.Type(bool, default=True)
    # Fixed anchors of page sections (#cases, #training …). Off: toc's positional ids, and published anchors break.
    section_anchors = c.Type(bool, default=True)
    # A record page's breadcrumb to its listing and its section's tab highlighted. Off: neither.
    record_section = c.Type(bool, default=True)
    # Refuse pages whose content would run script or load from another host; mark links that leave the site.
    page_html = c.Type(bool, default=True)
    # The site's own Chinese search index (search/kb/). Off: Material's default lunr search.
    search_index = c.Type(bool, default=True)
    # A Content Security Policy on every page. Off: remove its <meta> placeholder from overrides/main.html too.
    csp = c.Type(bool, default=True)
    # The web editor at /admin/. Off: no editor.
    web_editor = c.Type(bool, default=True)
    # Each page's edition links, and the Traditional edition converted from the built site. Off: the Simplified one alone.
    editions = c.Type(bool, default=True)
    # Let go of each page's Markdown and HTML once they are used (a large build's memory). Off: MkDocs keeps them.
    page_memory = c.Type(bool, default=True)
