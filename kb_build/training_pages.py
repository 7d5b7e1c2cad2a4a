"""Connects method pages to the session builder: writes ``training/session.json``, which the
builder (``training/session.md``) assembles plans from, copies the QR encoder it draws the print
pack's codes with (qrcode-generator, pinned in package.json, from ``node_modules`` installed by
``make setup``; nothing is loaded from another host), and ends each method page with its plan,
card, a session with it and 我用过这个方法. (The plans, cards and visit sheets themselves are
generated pages: ``training_pages`` in macros/generated.py, through hooks/generated_pages.py.)

Switch off: remove ``hooks/training_pages.py`` from ``hooks:`` in mkdocs.yml (the session
builder then has no data). The text comes from the pure module ``macros/training.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's `macros` package

import json
import logging

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from macros import sitemap, training
from macros.knowledge_base import KnowledgeBase, load_project

log = logging.getLogger("mkdocs.hooks.training_pages")
QR_ENCODER = Path(__file__).resolve().parent.parent / "node_modules" / "qrcode-generator" / "dist" / "qrcode.js"
QR_ENCODER_LICENSE = Path(__file__).resolve().parent.parent / "licenses" / "qrcode-generator.txt"  # none in the package
_kb: KnowledgeBase | None = None


def on_files(files, config, **kwargs):
    global _kb
    kb, problems = load_project(Path(config.config_file_path).parent)
    _kb = None if problems else kb
    if problems:
        return files  # the macros plugin reports them and stops the build
    pages = {}
    for method in kb.methods.values():
        source = files.get_file_from_path(sitemap.record_path("methods", method.id))
        written = source is not None and source.generated_by is None and source.abs_src_path
        pages[method.id] = Path(source.abs_src_path).read_text(encoding="utf-8") if written else ""
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


def on_page_markdown(markdown, page, config, **kwargs):
    """A method page ends with its plan, card, a session with it, and 我用过这个方法."""
    kind, _, name = page.file.src_uri.partition("/")
    method_id = name.removesuffix(".md")
    method = _kb.methods.get(method_id) if _kb and kind == "methods" else None
    return markdown + training.method_links(_kb, method, config.repo_url) if _kb and method else markdown
