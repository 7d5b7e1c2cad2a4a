"""Stage csp: gives every page a Content Security Policy that allows nothing beyond the site itself.

One job: overrides/main.html writes ``<meta http-equiv="Content-Security-Policy">``
with a placeholder; this stage fills it in, after every other stage has changed
the page, with the SHA-256
hashes of the page's own inline scripts (Material's), so that no other inline
script runs and no request goes to another host. Redirect pages written by
mkdocs-redirects get a stricter one: nothing loaded, only their own script. The policy is built by macros/page_safety.py.
A policy in a <meta> tag cannot carry ``frame-ancestors`` (browsers ignore it there) and GitHub
Pages sends no header: framing is refused by docs/javascripts/kb-frame-guard.js instead.

Switch off: ``csp: false`` in the kb plugin's options, and remove the meta tag from
overrides/main.html.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from kb_build.stage import Stage
from macros.page_safety import redirect_policy_tag, with_policy

log = logging.getLogger("mkdocs.plugins.kb.csp")


class Csp(Stage):
    name = "csp"

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return with_policy(output)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return with_policy(output_content) if template_name.endswith(".html") else output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The pages mkdocs-redirects wrote in its on_post_build, which runs before this plugin's."""
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
