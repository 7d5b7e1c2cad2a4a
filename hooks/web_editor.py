"""Publishes the web editor at /admin/: Decap CMS, vendored from npm, with forms made from the models.

One job: after the Simplified build, write ``admin/index.html``, ``admin/config.yml``
(from :func:`macros.cms.decap_config`, so form and validator read the same models) and
copy Decap's bundle from ``node_modules/decap-cms/dist`` (installed by ``make setup``
with ``npm ci``; nothing is loaded from another host). The Traditional edition has no
editor of its own: editors edit the Simplified source.

Settings (``extra.web_editor`` in mkdocs.yml): ``auth_url``, the address of the small
OAuth service that signs editors in to GitHub (see CONTRIBUTING.md); ``branch``.
Switch off: remove ``hooks/web_editor.py`` from ``hooks:``.
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros.cms import admin_page, decap_config

log = logging.getLogger("mkdocs.hooks.web_editor")
PROJECT = Path(__file__).resolve().parent.parent
BUNDLE = PROJECT / "node_modules" / "decap-cms" / "dist"


def _github_repo(repo_url: str | None) -> str:
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?", repo_url or "")
    if not match:
        raise PluginError(f"web_editor：repo_url“{repo_url}”不是 GitHub 仓库地址，在线编辑器无法保存")
    return match.group(1)


def on_post_build(config: MkDocsConfig) -> None:
    if config.extra.get("edition", "zh-Hans") != "zh-Hans":
        return
    if not (BUNDLE / "decap-cms.js").is_file():
        raise PluginError("web_editor：找不到 node_modules/decap-cms，请先运行 make setup（其中的 npm ci 安装在线编辑器）")
    settings = config.extra.get("web_editor") or {}
    admin = Path(config.site_dir) / "admin"
    admin.mkdir(parents=True, exist_ok=True)
    cms_config = decap_config(_github_repo(config.repo_url), settings.get("branch", "main"),
                              config.site_url or "", settings.get("auth_url"))
    (admin / "config.yml").write_text(yaml.safe_dump(cms_config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (admin / "index.html").write_text(admin_page(config.site_name, settings.get("auth_url")), encoding="utf-8")
    copied = 0
    for script in BUNDLE.glob("*decap-cms.js"):
        shutil.copyfile(script, admin / script.name)
        copied += 1
    log.info("在线编辑器：admin/（%d 个脚本文件）", copied)
