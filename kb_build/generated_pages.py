"""Adds every generated page to the build, as MkDocs generated files, from one registry.

``REGISTRY`` maps a name (used in the build log) to a producer: a function
``(kb, read) -> iterable of GeneratedPage`` (see macros/generated.py). To add pages of
a new kind, write the producer beside its rendering in macros/ and add ONE line here::

    "地区页": regions.region_pages,

A page written by hand at the same docs path replaces the generated one (so an optional
``docs/mentors/<id>.md`` adds prose to a mentor's page); two producers claiming one path
stop the build with both names. Generated pages go through the macros plugin and the other
hooks like any page; their edit and "view source" links lead to the file named as their
``source`` (a record's data file).

Switch off: build with ``KB_GENERATED_PAGES=0`` or remove ``hooks/generated_pages.py`` from
``hooks:`` in mkdocs.yml. Pages that only exist generated (training plans, record pages
without a Markdown file) are then missing, and links to them fail the strict build.
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # `mkdocs` run as a script does not add the project
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging
import os
import posixpath

from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from macros import facets, figures, generated, lineage, pages, training
from macros.knowledge_base import load_project

log = logging.getLogger("mkdocs.hooks.generated_pages")

REGISTRY: dict[str, generated.Producer] = {
    "记录页（没有手写页面的工作法、工作室、书记与导师、示范点）": pages.record_pages,
    "培训方案与卡片": training.training_pages,
    "分面列表": facets.browse_pages,
    "地区页": figures.region_pages,
    "传承图谱分页": lineage.network_pages,
}


# Before the plugins: mkdocs-redirects checks in its on_files that short links lead to existing pages.
@event_priority(100)
def on_files(files, config, **kwargs):
    if os.environ.get("KB_GENERATED_PAGES", "1") == "0":
        log.info("已关闭（KB_GENERATED_PAGES=0）：不生成页面")
        return files
    kb, problems = load_project(Path(config.config_file_path).parent)
    if problems:
        return files  # the macros plugin reports them and stops the build

    def read(path: str) -> str | None:
        file = files.get_file_from_path(path)
        return file.content_string if file is not None and file.generated_by is None else None

    try:
        pages, counts = generated.collect(REGISTRY, kb, read, lambda path: files.get_file_from_path(path) is not None)
    except generated.GeneratedPageConflict as err:
        raise Abort(str(err)) from None
    docs = Path(config.docs_dir).name
    live_edit = os.environ.get("KB_LIVE_EDIT") == "1"
    for page, markdown in pages:
        file = _written(config, page.path, markdown) if live_edit else File.generated(config, page.path, content=markdown)
        # MkDocs resolves edit_uri against the docs folder's edit address; "../data/…" leads to the data file.
        file.edit_uri = posixpath.relpath(page.source, docs)
        files.append(file)
    log.info("生成页面：%s", "，".join(f"{name} {count} 页" for name, count in counts.items()))
    return files


def _written(config, path: str, markdown: str) -> File:
    """While editing live (hooks/live_edit.py) a generated page is a file in .cache/live-edit/pages/,
    rewritten only when its text changes, so that MkDocs' dirty rebuild can tell it is unchanged."""
    folder = Path(config.config_file_path).parent / ".cache" / "live-edit" / "pages"
    target = folder / path
    if not target.is_file() or target.read_text(encoding="utf-8") != markdown:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
    return File.generated(config, path, abs_src_path=str(target))
