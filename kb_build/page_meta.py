"""Stage page_meta: last-change date and edit links for each page (shown by overrides/partials/kb-page-meta.html).

Sets ``page.meta``: ``kb_updated`` (e.g. 2026年11月23日) and ``kb_updated_iso``
from one ``git log`` run per build; ``kb_edit_page`` and, for method and studio
pages, ``kb_edit_data`` (edit links to the page source, if it has one, and its data file);
pages listing a whole folder of records get ``kb_data_folder_url``; ``kb_view_source``
is the raw text of the file the page is built from (a generated page's data file), for
the "view source" button (overrides/partials/actions.html).
Outside a git checkout, or in a shallow clone whose history would give wrong
dates, pages show no date and the build logs it at INFO (no warning, so
strict builds pass). Logic lives in macros/page_meta.py.

Switch off: ``page_meta: false`` in the kb plugin's options.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb_build.stage import Build, Stage
from macros import page_meta

log = logging.getLogger("mkdocs.plugins.kb.page_meta")


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


class PageMeta(Stage):
    name = "page_meta"

    def __init__(self, build: Build) -> None:
        super().__init__(build)
        self.dates: dict[str, str] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = self.build.project
        shallow = _git(root, "rev-parse", "--is-shallow-repository")
        if shallow is None:
            log.info("不是 git 仓库，页面不显示最后更新日期")
        elif shallow.strip() == "true":
            log.info("浅克隆（shallow clone）的历史不完整，页面不显示最后更新日期；CI 中请用 fetch-depth: 0")
        else:
            self.dates = page_meta.parse_git_log(_git(root, *page_meta.git_log_command("docs", "data")[1:]) or "")
        return config

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        updated = page_meta.last_changed(self.dates, page_meta.inputs(src))
        if updated:
            page.meta["kb_updated"] = page_meta.date_text(updated)
            page.meta["kb_updated_iso"] = updated
        if config.repo_url and config.edit_uri:
            source = page_meta.source_file(page.file.edit_uri, f"{Path(config.docs_dir).name}/")
            if source is not None:
                # Material's edit and "view source" buttons, and the page's own edit links, all lead to this file.
                page.edit_url = page_meta.edit_url(config.repo_url, config.edit_uri, source)
                page.meta["kb_view_source"] = page_meta.view_url(config.repo_url, config.edit_uri, source)
            if page.file.generated_by is None:
                page.meta["kb_edit_page"] = page_meta.edit_url(config.repo_url, config.edit_uri, f"docs/{src}")
            record = page_meta.data_file(src)
            if record:
                page.meta["kb_edit_data"] = page_meta.edit_url(config.repo_url, config.edit_uri, record)
                page.meta["kb_data_file"] = record
            elif src in page_meta.FOLDER_PAGES:
                folder = page_meta.FOLDER_PAGES[src]
                page.meta["kb_data_folder_url"] = page_meta.folder_url(config.repo_url, config.edit_uri, folder)
                page.meta["kb_data_folder"] = folder
        return markdown
