"""Stage static_files: refuses the build when a file under docs/ other than a page could run script or is not what its name says.

One job: every file MkDocs would copy from docs/ into the site unchanged (images,
PDF, text, the project's scripts and styles) is checked by macros/static_files.py
before anything is written — by content, not only by name: an SVG with a script,
an HTML file, a "PNG" that is really HTML, a script outside docs/javascripts/.
Every problem is logged (file, line, in Chinese), then the build stops.
``python -m scripts.validate`` reports the same problems.

Switch off: ``static_files: false`` in the kb plugin's options.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files

from kb_build.stage import Stage
from macros.static_files import Problem, static_file_problems

log = logging.getLogger("mkdocs.plugins.kb.static_files")


class StaticFiles(Stage):
    name = "static_files"

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        docs = Path(config.docs_dir).resolve()
        project = docs.parent
        problems: list[Problem] = []
        for file in files:
            # Pages are checked as pages (stage page_html); the theme's files are not from docs/.
            if file.is_documentation_page() or file.generated_by or not file.abs_src_path:
                continue
            source = Path(file.abs_src_path).resolve()
            if docs in source.parents:
                problems += static_file_problems(source, file.src_uri, source.read_bytes())
        for problem in problems:
            log.error(problem.as_text(project))
        if problems:
            raise Abort(f"docs/ 里有 {len({p.file for p in problems})} 个文件不能发布（{len(problems)} 处问题），见上："
                        "图片须是真正的 PNG、JPEG、GIF、WebP 或安全的 SVG，脚本和样式只能放在 docs/javascripts/、docs/stylesheets/。")
        return files
