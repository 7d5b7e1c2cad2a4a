"""Stage training_pages: connects method pages to the session builder: writes ``training/session.json``, which the
builder (``training/session.md``) assembles plans from, copies the QR encoder it draws the print
pack's codes with (qrcode-generator, pinned in package.json, from ``node_modules`` installed by
``make setup``; nothing is loaded from another host), and ends each method page with its plan,
card, a session with it and 我用过这个方法. (The plans, cards and visit sheets themselves are
generated pages: ``training_pages`` in macros/generated.py, through the stage generated_pages.)

Switch off: ``training_pages: false`` in the kb plugin's options (the session builder then
has no data). The text comes from the pure module ``macros/training.py``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kb_build.stage import Stage
from macros import sitemap, training

log = logging.getLogger("mkdocs.plugins.kb.training_pages")
# The repository's own files (beside kb_build/), also when the project built is a copy of it.
QR_ENCODER = Path(__file__).resolve().parent.parent / "node_modules" / "qrcode-generator" / "dist" / "qrcode.js"
QR_ENCODER_LICENSE = Path(__file__).resolve().parent.parent / "licenses" / "qrcode-generator.txt"  # none in the package


class TrainingPages(Stage):
    name = "training_pages"

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        kb = self.build.kb
        pages: dict[str, str] = {}
        for method in kb.methods.values():
            source = files.get_file_from_path(sitemap.record_path("methods", method.id))
            written = source.abs_src_path if source is not None and source.generated_by is None else None
            pages[method.id] = Path(written).read_text(encoding="utf-8") if written else ""
        data = training.session_data(kb, pages, config.site_url or "/", config.extra.get("short_host"))
        files.append(File.generated(config, sitemap.SESSION_DATA, content=json.dumps(data, ensure_ascii=False, separators=(",", ":"))))
        if not QR_ENCODER.is_file():
            raise PluginError("training_pages：找不到 node_modules/qrcode-generator，请先运行 make setup（其中的 npm ci 安装组课页画二维码用的脚本）")
        files.append(File.generated(config, training.QR_ENCODER_SCRIPT, abs_src_path=str(QR_ENCODER)))
        if not QR_ENCODER_LICENSE.is_file():
            raise PluginError(f"training_pages：找不到 {QR_ENCODER_LICENSE.name}（licenses/ 里 qrcode-generator 的许可证，随脚本一同发布）")
        files.append(File.generated(config, f"{training.QR_ENCODER_SCRIPT}.LICENSE.txt", abs_src_path=str(QR_ENCODER_LICENSE)))
        log.info("组课数据：%d 个工作法，%d 个示范点", len(kb.methods), len(kb.sites))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A method page ends with its plan, card, a session with it, and 我用过这个方法."""
        kind, _, name = page.file.src_uri.partition("/")
        kb = self.build.kb
        method = kb.methods.get(name.removesuffix(".md")) if kind == "methods" else None
        if not method:
            return markdown
        return markdown + training.method_links(kb, method, config.repo_url, config.extra.get("feedback_email"), config.site_url or "")
