"""Makes pages print as handouts: record pages (methods, studios, mentors, sites), training plans,
cards and visit sheets get the printed footer with their own address, short link and QR code, and
(in page.meta, for the folded 编辑信息) the short link and the files they are built from; every
internal link gets the address to print.

Switch off: remove ``hooks/handout.py`` from ``hooks:`` in mkdocs.yml, or set
``extra: {handout: false}``. The commit is ``GITHUB_SHA`` when set, else
``git rev-parse HEAD`` of the checkout; outside git no version link is shown. The short link is
printed with ``extra.short_host`` (the published host, e.g. a short domain) when set.
The markup comes from the pure module ``macros/handout.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's `macros` package

import dataclasses
import logging
import os
import subprocess

from macros import handout

log = logging.getLogger("mkdocs.hooks.handout")
_commit: str | None = None


def _git_commit(root: Path) -> str | None:
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def on_config(config, **kwargs):
    global _commit
    _commit = os.environ.get("GITHUB_SHA") or _git_commit(Path(config.config_file_path).parent)
    log.debug("version for cite links: %s", _commit)
    return config


def on_page_markdown(markdown, page, config, **kwargs):
    if not config.extra.get("handout", True):
        return markdown
    target = handout.handout_target(page.file.src_uri)
    if target is None:
        return markdown
    # A record page generated from the data has no Markdown file: cite only the files that exist.
    project = Path(config.config_file_path).parent
    target = dataclasses.replace(target, files=tuple(name for name in target.files if (project / name).is_file()))
    block = handout.handout_block(
        handout=target, site_url=config.site_url or "/", short_host=config.extra.get("short_host"),
        repo_url=config.repo_url, commit=_commit,
    )
    page.meta["kb_handout"] = block.screen  # folded with the editors' matter: overrides/partials/kb-page-meta.html
    return markdown + block.paper


def on_page_content(html, page, config, **kwargs):
    """On paper a link shows its address: internal links get it in ``data-print`` (see kb.css)."""
    if not config.extra.get("handout", True):
        return html
    return handout.mark_print_addresses(html, config.site_url or "/", page.url, config.extra.get("short_host"))
