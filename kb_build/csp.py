"""Gives every page a Content Security Policy that allows nothing beyond the site itself.

One job: overrides/main.html writes ``<meta http-equiv="Content-Security-Policy">``
with a placeholder; this hook fills it in, after every other hook has changed
the page, with the SHA-256
hashes of the page's own inline scripts (Material's), so that no other inline
script runs and no request goes to another host. Redirect pages written by
mkdocs-redirects get a stricter one: nothing loaded, only their own script. The policy is built by macros/page_safety.py.
A policy in a <meta> tag cannot carry ``frame-ancestors`` (browsers ignore it there) and GitHub
Pages sends no header: framing is refused by docs/javascripts/kb-frame-guard.js instead.

Switch off: remove ``hooks/csp.py`` from ``hooks:`` in mkdocs.yml and the meta
tag from overrides/main.html.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # hooks load by path; macros/ is beside
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mkdocs.plugins import event_priority

from macros.page_safety import redirect_policy_tag, with_policy

log = logging.getLogger("mkdocs.hooks.csp")


@event_priority(-120)  # after hooks/search_index.py (-110) and every other hook
def on_post_page(output, page, config):
    return with_policy(output)


@event_priority(-120)
def on_post_template(output_content, template_name, config):
    return with_policy(output_content) if template_name.endswith(".html") else output_content


@event_priority(-120)  # after mkdocs-redirects has written its pages
def on_post_build(config):
    redirects = config.plugins.get("redirects")
    if redirects is None:
        return
    site = Path(config.site_dir)
    count = 0
    for old_path in redirects.config.get("redirect_maps", {}):
        page = site / (old_path.removesuffix(".md").removesuffix("index") + "/index.html").lstrip("/")
        page = page if page.is_file() else site / old_path.replace(".md", ".html")
        if page.is_file():
            text = page.read_text(encoding="utf-8")
            if "Content-Security-Policy" not in text:
                page.write_text(text.replace("<head>", "<head>\n    " + redirect_policy_tag(text), 1), encoding="utf-8")
                count += 1
    log.debug("CSP on %d redirect pages", count)
