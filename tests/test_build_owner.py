"""The build's owner, the plugin kb (kb_build/): its stages run in the order written in plugin.py,
each has a switch, and a stage switched off does not run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kb_build.config import KbConfig
from kb_build.plugin import STAGES, KbPlugin
from kb_build.stage import Build
from macros.knowledge_base import KnowledgeBase
from macros.page_worker import BuiltPage, PageWorker
from tests.conftest import ROOT, build_site, copy_project

# Every event the plugin passes on to its stages, with the arguments MkDocs gives it.
EVENTS: dict[str, tuple[object, dict[str, Any]]] = {
    "on_config": ("config", {}),
    "on_pre_build": (None, {"config": "config"}),
    "on_files": ("files", {"config": "config"}),
    "on_env": ("env", {"config": "config", "files": "files"}),
    "on_page_markdown": ("markdown", {"page": "page", "config": "config", "files": "files"}),
    "on_page_content": ("html", {"page": "page", "config": "config", "files": "files"}),
    "on_page_context": ("context", {"page": "page", "config": "config", "nav": "nav"}),
    "on_post_page": ("output", {"page": "page", "config": "config"}),
    "on_post_template": ("output", {"template_name": "404.html", "config": "config"}),
    "on_post_build": (None, {"config": "config"}),
}


def recorded_calls(switches: dict[str, bool]) -> dict[str, list[str]]:
    """Which stages the plugin calls at each event, in the order it calls them: every stage's
    handler replaced by one that notes its name and hands the item on, marked."""
    plugin = KbPlugin()
    errors, warnings = plugin.load_config(switches)
    assert not errors and not warnings
    plugin.build = Build(ROOT, KnowledgeBase(), live_edit=False)
    plugin.stages = [stage(plugin.build) for stage in STAGES if plugin.config[stage.name]]
    calls: dict[str, list[str]] = {event: [] for event in EVENTS}
    for stage in plugin.stages:
        for event in EVENTS:
            if hasattr(stage, event):
                def note(*item: object, _event: str = event, _name: str = stage.name, **context: object) -> object:
                    calls[_event].append(_name)
                    return f"{item[0]}+{_name}" if item else None
                setattr(stage, event, note)
    for event, (item, context) in EVENTS.items():
        handler = getattr(plugin, event)
        handlers = handler.methods if hasattr(handler, "methods") else (handler,)  # on_config: load, then the stages
        result = handlers[-1](item, **context) if item is not None else handlers[-1](**context)
        if item is not None:
            assert result == "+".join([str(item), *calls[event]]), f"{event}: each stage gets what the one before returned"
    return calls


def test_every_stage_runs_in_the_order_written_and_a_stage_switched_off_not_at_all() -> None:
    names = [stage.name for stage in STAGES]
    calls = recorded_calls({"live_edit": True})  # every stage on
    for event, called in calls.items():
        assert called == [name for name in names if name in called], f"{event}: not in the order of STAGES"
    assert calls["on_post_page"] == ["record_section", "page_html", "csp", "editions", "page_memory"]

    # What plugin.py's comment says the order must keep, so that a reordering that breaks it fails here.
    assert calls["on_pre_build"][0] == "live_edit"
    files = calls["on_files"]
    assert files.index("generated_pages") < files.index("editions") and files.index("training_pages") < files.index("editions")
    assert calls["on_post_build"][-1] == "editions"
    assert {"search_index", "web_editor", "csp"} <= set(calls["on_post_build"])
    assert calls["on_page_content"][-1] == calls["on_post_page"][-1] == "page_memory"
    assert calls["on_post_template"] == ["page_html", "csp"]

    assert "live_edit" not in recorded_calls({})["on_pre_build"]  # off unless `make serve` turns it on
    off = recorded_calls({"csp": False, "page_meta": False})
    assert "csp" not in off["on_post_page"] and "csp" not in off["on_post_build"]
    assert "page_meta" not in off["on_config"] and "page_meta" not in off["on_page_markdown"]
    assert off["on_post_page"] == ["record_section", "page_html", "editions", "page_memory"]


class RecordingJob:
    """A page job that notes what it is given."""

    def __init__(self) -> None:
        self.pages: list[BuiltPage] = []

    def page(self, page: BuiltPage) -> None:
        self.pages.append(page)

    def finish(self) -> int:
        return len(self.pages)


def test_each_page_goes_to_the_page_jobs_as_written_after_every_stage_and_their_results_come_back() -> None:
    plugin = KbPlugin()
    plugin.load_config({})
    plugin.build = Build(ROOT, KnowledgeBase(), live_edit=False)
    plugin.stages = [stage(plugin.build) for stage in STAGES if plugin.config[stage.name]]
    for stage in plugin.stages:  # each stage marks the page it hands on
        if hasattr(stage, "on_post_page"):
            stage.on_post_page = lambda output, _name=stage.name, **context: f"{output}+{_name}"
    job = RecordingJob()
    plugin.build.page_jobs.append(job)
    plugin.build.worker = PageWorker([job], processes=False)
    listed = SimpleNamespace(meta={"search": {"exclude": True}}, file=SimpleNamespace(dest_uri="browse/index.html"),
                             url="browse/", title="浏览")
    method = SimpleNamespace(meta={}, file=SimpleNamespace(dest_uri="methods/a/index.html"), url="methods/a/", title=None)
    written = [plugin.on_post_page("<html>", page=page, config="config") for page in (listed, method)]
    assert [(p.relative, p.output, p.url, p.title, p.searched) for p in job.pages] == [
        ("browse/index.html", written[0], "browse/", "浏览", False), ("methods/a/index.html", written[1], "methods/a/", "", True)]
    assert written[0].endswith("+page_memory")  # what every stage made of it, as MkDocs writes it
    done: list[object] = []
    plugin.stages = [SimpleNamespace(on_pages_done=lambda results: done.append(results))]
    plugin.on_post_build(config="config")
    assert done == [{job: 2}]


def test_each_stage_has_a_switch_of_its_own_name_and_only_live_edit_starts_off() -> None:
    names = [stage.name for stage in STAGES]
    assert len(set(names)) == len(names)
    options = dict(KbConfig()._schema)
    assert set(options) == set(names)
    assert [name for name, option in options.items() if option.default is not True] == ["live_edit"]
    errors, warnings = KbPlugin().load_config({"no_such_stage": False})
    assert not errors and warnings, "a switch that is no stage's is reported, and fails a strict build"


@pytest.mark.build
@pytest.mark.slow
def test_stages_switched_off_leave_their_work_out_of_the_built_site(tmp_path: Path) -> None:
    """The real project built with four stages off: what each of them writes is missing, and the
    stages still on work as before (the Content Security Policy, the generated pages)."""
    project = copy_project(tmp_path / "project")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    off, replaced = re.subn(r"^      search_index: .*$", "      search_index: false", config, flags=re.M)
    assert replaced == 1 and "  - kb:\n" in off
    off = off.replace("  - kb:\n", "  - kb:\n      editions: false\n      web_editor: false\n      handout: false\n", 1)
    (project / "mkdocs-off.yml").write_text(off, encoding="utf-8")
    site = tmp_path / "site"
    result = build_site(project, site, "mkdocs-off.yml")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]

    assert not (site / "zh-Hant").exists()  # editions
    assert not (site / "search" / "kb").exists()  # search_index: Material's own index instead
    assert json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert not (site / "admin").exists()  # web_editor
    method = (site / "methods" / "sanbu-tiaojie" / "index.html").read_text(encoding="utf-8")
    assert "kb-qr" not in method and "data-print=" not in method  # handout
    assert "default-src 'self'" in method and "kb-content-security-policy" not in method  # csp still on
    assert (site / "training" / "sanbu-tiaojie" / "index.html").is_file()  # generated_pages still on
