"""Generates the 培训资源 pages: a session plan ``training/<id>.md`` and a one-page card
``training/cards/<id>.md`` for every method, from its data and its page's 案例 and 培训使用 sections.

Switch off: remove ``hooks/training_pages.py`` from ``hooks:`` in mkdocs.yml (and the
培训资源 entry from ``nav``). The pages' text comes from the pure module ``macros/training.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project's `macros` package

import logging  # noqa: E402

from mkdocs.structure.files import File  # noqa: E402

from macros import training  # noqa: E402
from macros.models import load_project  # noqa: E402

log = logging.getLogger("mkdocs.hooks.training_pages")


def on_files(files, config, **kwargs):  # noqa: ANN001, ANN201, ARG001
    kb, problems = load_project(Path(config.config_file_path).parent)
    if problems:
        return files  # the macros plugin reports them and stops the build
    for method in kb.methods.values():
        source = files.get_file_from_path(f"methods/{method.id}.md")
        markdown = Path(source.abs_src_path).read_text(encoding="utf-8") if source and source.abs_src_path else ""
        files.append(File.generated(config, training.plan_path(method.id), content=training.session_plan(kb, method, markdown)))
        files.append(File.generated(config, training.card_path(method.id), content=training.method_card(kb, method)))
    log.info("培训资源：%d 个工作法的培训方案与卡片", len(kb.methods))
    return files
