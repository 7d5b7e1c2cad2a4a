"""Makes pages print as handouts: appends the block with QR code, short link and cite-this-version
links to record pages (and to the training plans and cards, pointing to their method), and gives every internal link the address to print.

Switch off: remove ``hooks/handout.py`` from ``hooks:`` in mkdocs.yml, or set
``extra: {handout: false}``. The commit is ``GITHUB_SHA`` when set, else
``git rev-parse HEAD`` of the checkout; outside git no version link is shown.
The markup comes from the pure module ``macros/handout.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's `macros` package

import logging  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402

from macros import handout  # noqa: E402

log = logging.getLogger("mkdocs.hooks.handout")
_commit: str | None = None


def _git_commit(root: Path) -> str | None:
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def on_config(config, **kwargs):  # noqa: ANN001, ANN201, ARG001
    global _commit
    _commit = os.environ.get("GITHUB_SHA") or _git_commit(Path(config.config_file_path).parent)
    log.debug("version for cite links: %s", _commit)
    return config


def on_page_markdown(markdown, page, config, **kwargs):  # noqa: ANN001, ANN201, ARG001
    if not config.extra.get("handout", True):
        return markdown
    target = handout.handout_target(page.file.src_uri)
    if target is None:
        return markdown
    kind, record_id = target
    docs = Path(config.docs_dir).name
    # A record page generated from the data (no Markdown file of its own) is built from the data file alone.
    page_file = [f"{docs}/{kind}/{record_id}.md"] if (Path(config.docs_dir) / kind / f"{record_id}.md").is_file() else []
    files = [*page_file, f"data/{kind}/{record_id}.yml"]
    return markdown + handout.handout_block(
        kind=kind, record_id=record_id, site_url=config.site_url or "/",
        repo_url=config.repo_url, commit=_commit, files=files,
    )


def on_page_content(html, page, config, **kwargs):  # noqa: ANN001, ANN201, ARG001
    """On paper a link shows its address: internal links get it in ``data-print`` (see kb.css)."""
    if not config.extra.get("handout", True):
        return html
    return handout.mark_print_addresses(html, config.site_url or "/", page.url)
