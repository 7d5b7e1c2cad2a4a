"""The code passes its linter and type checker, and macros/ imports in one direction only.

ruff and mypy read their settings from pyproject.toml; a finding of either fails here
with its own report. A suppression of either (noqa, type-ignore comments) names its rule and says why.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHECKED = ("kb_build", "macros", "scripts", "tests")


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "--output-format", "concise", *CHECKED)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module → the package's modules it imports, anywhere in it: an import inside a function
    (a lazy import) counts, so it cannot hide a cycle."""
    modules = {path.stem for path in package.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in sorted(package.glob("*.py")):
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:  # from . import x / from .x import y
                    names = [node.module.split(".")[0]] if node.module else [alias.name for alias in node.names]
                elif node.module == package.name:  # from macros import x
                    names = [alias.name for alias in node.names]
                elif node.module and node.module.startswith(package.name + "."):  # from macros.x import y
                    names = [node.module.split(".")[1]]
                else:
                    names = []
            elif isinstance(node, ast.Import):
                names = [alias.name.split(".")[1] for alias in node.names if alias.name.startswith(package.name + ".")]
            else:
                continue
            imported |= {name for name in names if name in modules and name != path.stem}
        graph[path.stem] = imported
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (``[a, b, a]``), or None."""
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> list[str] | None:
        if module in trail:
            return trail[trail.index(module):] + [module]
        if module in done:
            return None
        for imported in sorted(graph[module]):
            found = visit(imported, [*trail, module])
            if found:
                return found
        done.add(module)
        return None

    return next((found for module in sorted(graph) if (found := visit(module, []))), None)


def test_macros_import_in_one_direction() -> None:
    graph = import_graph(ROOT / "macros")
    assert graph["sitemap"] == {"models"}, "the site map asks only the models"
    found = cycle(graph)
    assert found is None, "import cycle: " + " → ".join(found or [])


def test_the_build_imports_in_one_direction() -> None:
    """The plugin imports its stages and no stage the plugin; the pure modules in macros/ never import the build."""
    graph = import_graph(ROOT / "kb_build")
    found = cycle(graph)
    assert found is None, "import cycle: " + " → ".join(found or [])
    assert not [module for module, imported in graph.items() if "plugin" in imported]
    assert not [path.name for path in (ROOT / "macros").glob("*.py") if re.search(r"^\s*(from|import) kb_build", path.read_text(encoding="utf-8"), re.M)]


def test_a_cycle_is_found_also_through_a_lazy_import(tmp_path: Path) -> None:
    package = tmp_path / "macros"
    package.mkdir()
    (package / "a.py").write_text("from .b import x\n", encoding="utf-8")
    (package / "b.py").write_text("def x():\n    from macros import c\n", encoding="utf-8")
    (package / "c.py").write_text("from macros.a import y\n", encoding="utf-8")
    (package / "d.py").write_text("from . import a\n", encoding="utf-8")
    assert cycle(import_graph(package)) == ["a", "b", "c", "a"]
    (package / "c.py").write_text("import json\n", encoding="utf-8")
    assert cycle(import_graph(package)) is None


_SUPPRESSION = re.compile(r"#\s*(noqa|type:\s*ignore)\b(.*)$")


@pytest.mark.parametrize("folder", CHECKED)
def test_every_suppression_names_its_rule_and_says_why(folder: str) -> None:
    bare = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _SUPPRESSION.search(line)
            if match is None:
                continue
            kind, rest = match.groups()
            codes = re.match(r":\s*[A-Z]+[0-9]+(?:,\s*[A-Z]+[0-9]+)*" if kind == "noqa" else r"\[[a-z-]+(?:,\s*[a-z-]+)*\]", rest)
            reason = rest[codes.end():].strip(" #-—") if codes else ""
            if not codes or len(reason) < 10:
                bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bare, "a suppression without its rule or its reason:\n" + "\n".join(bare)
