"""Gives each page its own description (<meta name="description"> and og:description, written by
overrides/main.html): a record's summary on its page and the trainers' pages made from it, else the
page's first paragraph. A description set in a page's front matter stays. Logic: macros/descriptions.py.

Switch off: remove ``hooks/page_description.py`` from ``hooks:`` in mkdocs.yml (every page then
shares the site's description).
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # `mkdocs` run as a script does not add the project
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging

from markupsafe import escape

from macros import descriptions
from macros.knowledge_base import load_project

log = logging.getLogger("mkdocs.hooks.page_description")


def on_page_content(html, page, config, files):
    if "description" in page.meta:
        return html  # the page's own, escaped by hooks/page_text.py
    kb, problems = load_project(Path(config.config_file_path).parent)
    if problems:
        return html  # the macros plugin reports them and stops the build
    text = descriptions.describe(kb, page.file.src_uri, html)
    if text:
        # Material prints page.meta.description as it is, like front matter that hooks/page_text.py escaped.
        page.meta["description"] = str(escape(text))
    return html
