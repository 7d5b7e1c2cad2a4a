"""Stage section_anchors: gives every fixed page section a meaningful anchor (``#cases``, ``#training`` …), keeping the
positional ids published before (``#_3``) as aliases; other headings keep the ids they had.

Adds the Markdown extension in macros/anchors.py, which runs just before the toc extension.
Switch off: ``section_anchors: false`` in the kb plugin's options (headings then
get toc's positional ids again, and the published ``#cases``… anchors fail the path test).
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig

from kb_build.stage import Stage
from macros.anchors import SECTION_IDS, SectionAnchorsExtension

log = logging.getLogger("mkdocs.plugins.kb.section_anchors")


class SectionAnchors(Stage):
    name = "section_anchors"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.markdown_extensions.append(SectionAnchorsExtension())  # type: ignore[arg-type]  # MkDocs types the list as names; it takes extension objects too
        log.debug("section anchors: %s", "、".join(f"{name} #{anchor}" for name, anchor in SECTION_IDS.items()))
        return config
