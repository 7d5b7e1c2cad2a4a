"""Gives every fixed page section a meaningful anchor (``#cases``, ``#training`` …), keeping the
positional ids published before (``#_3``) as aliases; other headings keep the ids they had.

Adds the Markdown extension in macros/anchors.py, which runs just before the toc extension.
Switch off: remove ``hooks/section_anchors.py`` from ``hooks:`` in mkdocs.yml (headings then
get toc's positional ids again, and the published ``#cases``… anchors fail the path test).
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # `mkdocs` run as a script does not add the project
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging

from macros.anchors import SECTION_IDS, SectionAnchorsExtension

log = logging.getLogger("mkdocs.hooks.section_anchors")


def on_config(config, **kwargs):
    config.markdown_extensions.append(SectionAnchorsExtension())
    log.debug("section anchors: %s", "、".join(f"{name} #{anchor}" for name, anchor in SECTION_IDS.items()))
    return config
