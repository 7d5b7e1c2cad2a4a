"""Stage web_editor: publishes the web editor at /admin/: Decap CMS, vendored from npm, with forms made from the models.

One job: after the Simplified build, write ``admin/index.html``, ``admin/config.yml``
(from :func:`macros.cms.decap_config`, so form and validator read the same models) and
copy Decap's bundle from ``node_modules/decap-cms/dist`` (installed by ``make setup``
with ``npm ci``; nothing is loaded from another host). The Traditional edition has no
editor of its own: editors edit the Simplified source.

Only when the site is served on this machine (``mkdocs serve``: ``make editor``, ``make serve``)
may the editor reach decap-server on localhost (:data:`macros.cms.LOCAL_BACKEND`); a built
site, the one published, names no local address. The editor's page is hidden in another
site's frame by the frame guard (docs/javascripts/kb-frame-guard.js and its style), copied beside it.

Settings (``extra.web_editor`` in mkdocs.yml): ``auth_url``, the address of the small
OAuth service that signs editors in to GitHub (see CONTRIBUTING.md); ``branch``.
Switch off: ``web_editor: false`` in the kb plugin's options.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from kb_build.stage import Stage
from macros.cms import FRAME_GUARD, LOCAL_BACKEND, admin_page, decap_config

log = logging.getLogger("mkdocs.plugins.kb.web_editor")
PROJECT = Path(__file__).resolve().parent.parent  # the repository's own files, also when the project built is a copy
BUNDLE = PROJECT / "node_modules" / "decap-cms" / "dist"
DECAP_LICENSE = PROJECT / "licenses" / "decap-cms.txt"  # the npm package has no licence file


def _serving_locally(config: MkDocsConfig) -> bool:
    """`mkdocs serve` on an editor's machine, not a build to publish. MkDocs names the command
    only in on_startup, once per process, while `serve` loads the plugins again for every
    rebuild; but serve always sets site_url to its own loopback address."""
    return urlsplit(config.site_url or "").hostname in ("127.0.0.1", "localhost", "::1")


def _github_repo(repo_url: str | None) -> str:
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?", repo_url or "")
    if not match:
        raise PluginError(f"web_editor：repo_url“{repo_url}”不是 GitHub 仓库地址，在线编辑器无法保存")
    return match.group(1)


class WebEditor(Stage):
    name = "web_editor"

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if config.extra.get("edition", "zh-Hans") != "zh-Hans":
            return
        if self.build.partial:  # `make serve` re-rendered edited pages only (stage live_edit)
            return
        if not (BUNDLE / "decap-cms.js").is_file():
            raise PluginError("web_editor：找不到 node_modules/decap-cms，请先运行 make setup（其中的 npm ci 安装在线编辑器）")
        if not DECAP_LICENSE.is_file():
            raise PluginError("web_editor：找不到 licenses/decap-cms.txt（在线编辑器脚本的许可证，随脚本一同发布）")
        settings = config.extra.get("web_editor") or {}
        admin = Path(config.site_dir) / "admin"
        admin.mkdir(parents=True, exist_ok=True)
        local_backend = LOCAL_BACKEND if _serving_locally(config) else None
        cms_config = decap_config(_github_repo(config.repo_url), settings.get("branch", "main"),
                                  config.site_url or "", settings.get("auth_url"), local_backend)
        (admin / "config.yml").write_text(yaml.safe_dump(cms_config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        (admin / "index.html").write_text(admin_page(config.site_name, settings.get("auth_url"), local_backend),
                                          encoding="utf-8")
        script, style = FRAME_GUARD
        docs = Path(config.docs_dir)
        shutil.copyfile(docs / "javascripts" / script, admin / script)
        shutil.copyfile(docs / "stylesheets" / style, admin / style)
        copied = 0
        for bundle in BUNDLE.glob("*decap-cms.js"):
            shutil.copyfile(bundle, admin / bundle.name)
            copied += 1
        # The bundle's first line points to this file: Decap's licence, then the bundled libraries' notices.
        notices = (BUNDLE / "decap-cms.js.LICENSE.txt").read_text(encoding="utf-8")
        (admin / "decap-cms.js.LICENSE.txt").write_text(DECAP_LICENSE.read_text(encoding="utf-8") + "\n" + notices, encoding="utf-8")
        log.info("在线编辑器：admin/（%d 个脚本文件%s）", copied, "，本机后端 " + LOCAL_BACKEND if local_backend else "")
