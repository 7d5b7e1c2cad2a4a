"""`make serve` renders again only an edited page, and everything after a change of data (kb_build/live_edit.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import copy_project


def dirty_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """What `make serve` runs after each change: a strict dirty build with KB_LIVE_EDIT=true."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_LIVE_EDIT": "true"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--dirty", "-d", str(site)],
                          cwd=project, capture_output=True, text=True, env=env, check=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    later = time.time() + 5  # newer than any page written by the build before, whatever the clock's grain
    os.utime(path, (later, later))


@pytest.mark.build
@pytest.mark.slow
def test_an_edited_page_is_rendered_alone_and_a_data_change_renders_every_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    first = dirty_build(project, site)
    assert first.returncode == 0, first.stdout + first.stderr[-3000:]

    edited = site / "methods" / "sanbu-tiaojie" / "index.html"
    written_page = site / "methods" / "zoudongshi-gongzuofa" / "index.html"
    generated_page = site / "training" / "zoudongshi-gongzuofa" / "index.html"
    search_meta = site / "search" / "kb" / "meta.json"
    untouched = [written_page, generated_page, search_meta]
    assert all(path.is_file() for path in [edited, *untouched]), [str(p) for p in untouched if not p.is_file()]
    before = {path: path.stat().st_mtime_ns for path in untouched}

    edit(project / "docs" / "methods" / "sanbu-tiaojie.md", "\n", "\n\n实时预览的标记一\n\n")
    second = dirty_build(project, site)
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    assert "实时预览的标记一" in edited.read_text(encoding="utf-8")
    assert {path: path.stat().st_mtime_ns for path in untouched} == before, "pages that did not change were written again"

    edit(project / "data" / "methods" / "zoudongshi-gongzuofa.yml", "入户走访", "入户走访（实时预览的标记二）")
    third = dirty_build(project, site)
    assert third.returncode == 0, third.stdout + third.stderr[-3000:]
    assert "实时预览的标记二" in written_page.read_text(encoding="utf-8")
    assert all(path.stat().st_mtime_ns != before[path] for path in untouched), "a data change must rebuild every page"
    assert "实时预览的标记一" in edited.read_text(encoding="utf-8")
