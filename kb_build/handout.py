"""Stage handout: makes pages print as handouts: appends the block with QR code, short link and the files the page
is built from to record pages (methods, studios, mentors, sites), training plans, cards and visit
sheets (each with its own address), and gives every internal link the address to print.

Switch off: ``handout: false`` in the kb plugin's options. The commit is ``GITHUB_SHA`` when set, else
``git rev-parse HEAD`` of the checkout; outside git no version link is shown. The short link is
printed with ``extra.short_host`` (the published host, e.g. a short domain) when set.
The markup comes from the pure module ``macros/handout.py``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kb_build.stage import Build, StageWithAside
from macros import forked, handout

log = logging.getLogger("mkdocs.plugins.kb.handout")


def _git_commit(root: Path) -> str | None:
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


class Handout(StageWithAside):
    name = "handout"

    def __init__(self, build: Build) -> None:
        super().__init__(build)
        self.commit = os.environ.get("GITHUB_SHA") or _git_commit(build.project)
        log.debug("version for cite links: %s", self.commit)
        self._files: set[str] | None = None
        self._qr_numbers: dict[str, int] = {}

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Every page is known (generated ones too) and none is rendered yet: their QR codes are drawn beside the
        build, in the order MkDocs renders the pages (drawing them is several seconds of a large site's build).
        Live editing draws each as it comes."""
        if self.build.live_edit:
            return nav
        site_url = config.site_url or "/"
        printable = [(file.src_uri, target) for file in files.documentation_pages()
                     if (target := handout.handout_target(file.src_uri)) is not None]
        self._qr_numbers = {src_uri: number for number, (src_uri, _) in enumerate(printable)}
        self.aside = forked.MadeAside(  # the QR codes
            [(f"二维码 {src_uri}", functools.partial(handout.address_qr_code, handout.absolute(site_url, target.page)))
             for src_uri, target in printable], "kb-qr-codes")
        return nav

    def _qr_code(self, src_uri: str) -> str | None:
        """The page's QR code drawn beside the build, or None: handout_block draws it (a page asked for twice)."""
        number = self._qr_numbers.pop(src_uri, None)
        if self.aside is None or number is None:
            return None
        try:
            return self.aside.text(number)
        except forked.AsideError as error:
            raise PluginError(str(error)) from None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        target = handout.handout_target(page.file.src_uri)
        if target is None:
            return markdown
        # A record page generated from the data has no Markdown file: cite only the files that exist.
        existing = self._project_files()
        target = dataclasses.replace(target, files=tuple(name for name in target.files if name in existing))
        block = handout.handout_block(
            handout=target, site_url=config.site_url or "/", short_host=config.extra.get("short_host"),
            repo_url=config.repo_url, commit=self.commit, qr_code=self._qr_code(page.file.src_uri),
        )
        page.meta["kb_handout"] = block.screen  # folded with the editors' matter: overrides/partials/kb-page-meta.html
        return markdown + block.paper

    def _project_files(self) -> set[str]:
        """The files of data/ and docs/ (project-relative, with "/"): listed once a build, not looked up once a page."""
        if self._files is None:
            project = self.build.project
            self._files = {os.path.relpath(os.path.join(folder, name), project).replace(os.sep, "/")
                           for top in ("data", "docs") for folder, _, names in os.walk(project / top) for name in names}
        return self._files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """On paper a link shows its address: internal links get it in ``data-print`` (see kb.css)."""
        return handout.mark_print_addresses(html, config.site_url or "/", page.url, config.extra.get("short_host"))
