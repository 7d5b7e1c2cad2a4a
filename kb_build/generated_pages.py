"""Stage generated_pages: adds every generated page to the build, as MkDocs generated files, from one registry.

``REGISTRY`` maps a name (used in the build log) to a producer: a function
``(kb, read) -> iterable of GeneratedPage`` (see macros/generated.py). To add pages of
a new kind, write the producer beside its rendering in macros/ and add ONE line here::

    "地区页": regions.region_pages,

A page written by hand at the same docs path replaces the generated one (so an optional
``docs/mentors/<id>.md`` adds prose to a mentor's page); two producers claiming one path
stop the build with both names. Generated pages go through the macros plugin and the other
stages like any page; their edit and "view source" links lead to the file named as their
``source`` (a record's data file).

Switch off: ``generated_pages: false`` in the kb plugin's options. Pages that only exist generated (training plans, record pages
without a Markdown file) are then missing, and links to them fail the strict build.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.structure.files import File, Files

from kb_build.stage import StageWithAside
from macros import facets, figures, forked, generated, lineage, pages, training

log = logging.getLogger("mkdocs.plugins.kb.generated_pages")

REGISTRY: dict[str, generated.Producer] = {
    "记录页（没有手写页面的工作法、工作室、书记与导师、示范点）": pages.record_pages,
    "培训方案与卡片": training.training_pages,
    "分面列表": facets.browse_pages,
    "地区页": figures.region_pages,
    "传承图谱分页": lineage.network_pages,
}


class GeneratedPages(StageWithAside):
    name = "generated_pages"

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Before mkdocs-redirects' on_files, which checks that short links lead to existing pages.
        The pages' Markdown is rendered beside the build (:func:`generated.rendered_aside`) and read
        when MkDocs renders each page; while editing live it is written to files at once."""

        def read(path: str) -> str | None:
            file = files.get_file_from_path(path)
            return file.content_string if file is not None and file.generated_by is None else None

        try:
            pages, counts = generated.collect(REGISTRY, self.build.kb, read, lambda path: files.get_file_from_path(path) is not None)
        except generated.GeneratedPageConflict as err:
            raise Abort(str(err)) from None
        docs = Path(config.docs_dir).name
        if not self.build.live_edit:
            self.aside = generated.rendered_aside(pages)
        for number, page in enumerate(pages):
            if self.aside is None:
                file = _written(config, page.path, page.render())
            else:
                file = RenderedLater.of(config, page.path, self.aside, number)
            # MkDocs resolves edit_uri against the docs folder's edit address; "../data/…" leads to the data file.
            file.edit_uri = posixpath.relpath(page.source, docs)
            files.append(file)
        log.info("生成页面：%s", "，".join(f"{name} {count} 页" for name, count in counts.items()))
        return files


class RenderedLater(File):
    """A generated page whose Markdown arrives from :func:`generated.rendered_aside` when MkDocs first reads it."""

    _aside: forked.MadeAside | None = None
    _number = 0
    _markdown: str | bytes | None = None

    @classmethod
    def of(cls, config: MkDocsConfig, path: str, aside: forked.MadeAside, number: int) -> File:
        file = cls.generated(config, path, content="")
        assert isinstance(file, cls)  # generated() makes an instance of the class it is called on
        file._aside, file._number, file._markdown = aside, number, None
        return file

    # MkDocs keeps a file's text in the attribute _content (content_string reads it); here it is fetched on first use.
    @property
    def _content(self) -> str | bytes | None:
        if self._markdown is None and self._aside is not None:
            try:
                self._markdown = self._aside.text(self._number)
            except forked.AsideError as error:
                raise PluginError(str(error)) from None
        return self._markdown

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self._markdown, self._aside = value, None


def _written(config: MkDocsConfig, path: str, markdown: str) -> File:
    """While editing live (stage live_edit) a generated page is a file in .cache/live-edit/pages/,
    rewritten only when its text changes, so that MkDocs' dirty rebuild can tell it is unchanged."""
    folder = Path(config.config_file_path).parent / ".cache" / "live-edit" / "pages"
    target = folder / path
    if not target.is_file() or target.read_text(encoding="utf-8") != markdown:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
    return File.generated(config, path, abs_src_path=str(target))
