"""Stage live_edit: makes `make serve` show an edited page within a second or two: MkDocs' dirty rebuilds, made safe.

One job. `make serve` runs ``mkdocs serve --dirty`` with ``KB_LIVE_EDIT=true``, which switches
this stage on (mkdocs.yml). MkDocs then
renders again only the pages whose source is newer than their output. This stage decides,
before each build, whether that is enough:

- anything but the Markdown of an existing page changed since the last build (data/, macros/,
  kb_build/, overrides/, a config, a page added or removed, a page named in the navigation):
  the served folder is emptied, so every page is built again, because MkDocs cannot know
  which pages show a record or a template;
- otherwise the build is *partial* (``Build.partial``): the stages that read the
  whole site (the search index, the web editor's files, the Traditional edition converted
  from the whole build) to keep what the last full build wrote.

MkDocs warns about every dirty build and ``--strict`` turns that warning into a failure;
the warning is dropped here only while this stage has checked the build is safe. Generated
pages are written to ``.cache/live-edit/`` by the stage generated_pages while this stage is
on, so that MkDocs can tell they did not change.

``make build`` never sets ``KB_LIVE_EDIT``: it stays one full, strict build.
Switch off: ``make serve LIVE_EDIT=0`` (a full rebuild after every change); the option
``live_edit`` of the kb plugin.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path

from mkdocs import utils
from mkdocs.config.defaults import MkDocsConfig

from kb_build.stage import Stage

log = logging.getLogger("mkdocs.plugins.kb.live_edit")

# What a page's own Markdown cannot change on its own: every page may show them.
SHARED_INPUTS = ("data", "macros", "kb_build", "overrides")
STATE_FILE = ".kb-live-edit.json"  # in the served temporary folder, beside the pages it describes
DIRTY_WARNING = "A 'dirty' build is being performed"


def _files_under(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from (path for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts)


def _nav_pages(nav: object) -> Iterator[str]:
    if isinstance(nav, str):
        if nav.endswith(".md"):
            yield nav
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_pages(value)
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_pages(item)


def fingerprint(config: MkDocsConfig) -> str:
    """A digest of everything whose change needs a full rebuild."""
    root = Path(config.config_file_path).parent
    docs = Path(config.docs_dir)
    digest = hashlib.sha256()
    shared = [path for name in SHARED_INPUTS for path in _files_under(root / name)]
    shared += [path for path in root.glob("mkdocs*.yml")]
    shared += [docs / page for page in _nav_pages(config.nav) if (docs / page).is_file()]
    for path in sorted(shared):
        digest.update(f"{path}\0{path.stat().st_mtime_ns}\n".encode())
    for path in sorted(_files_under(docs)):  # pages added or removed
        digest.update(f"{path}\n".encode())
    return digest.hexdigest()


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


class LiveEdit(Stage):
    name = "live_edit"

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        build_logger = logging.getLogger("mkdocs.commands.build")
        if not any(isinstance(existing, _DropDirtyWarning) for existing in build_logger.filters):
            build_logger.addFilter(_DropDirtyWarning())
        site = Path(config.site_dir)
        state = site / STATE_FILE
        current = fingerprint(config)
        try:
            previous = json.loads(state.read_text(encoding="utf-8")).get("fingerprint")
        except (OSError, ValueError):
            previous = None
        if previous == current:
            self.build.partial = True
            log.info("实时预览：只重建改过的页面")
            return
        if previous is not None:
            log.info("实时预览：数据、模板、配置或页面清单变了，整站重建")
        utils.clean_directory(str(site))
        site.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps({"fingerprint": current}), encoding="utf-8")
