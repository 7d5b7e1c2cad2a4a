"""What every stage of the build is given: one build's shared state, owned by the plugin (plugin.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from macros.knowledge_base import KnowledgeBase


@dataclass
class Build:
    """One build's state, made by the plugin once the knowledge base is loaded; the next build
    (each rebuild of `mkdocs serve`) gets a new one."""

    project: Path  # the folder of mkdocs.yml: data/, docs/, node_modules/, .cache/
    kb: KnowledgeBase  # every record, loaded and checked once for this build
    live_edit: bool  # `make serve`: rebuilds render the edited pages only (stage live_edit)
    partial: bool = False  # this rebuild renders the edited pages only: stages that read the whole site keep the last output


class Stage:
    """One job of the build. A stage implements the MkDocs events it needs, with MkDocs' own
    arguments (``on_files(files, *, config)`` …); the plugin calls them in the order of its STAGES."""

    name: ClassVar[str]  # its switch among the plugin's options, and its logger mkdocs.plugins.kb.<name>

    def __init__(self, build: Build) -> None:
        self.build = build
