"""Page Markdown reaches the site's macros and nothing else of the template engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from macros.template_check import template_problems
from tests.conftest import build_site, copy_project

MACROS = {"title", "method_steps", "featured_methods", "theme_chart_table"}

# (page text, a word the refusal must contain)
ATTACKS = [
    ("{{ ''.__class__.__mro__ }}", "__mro__"),
    ("{{ config }}", "config"),
    ("{{ config.repo_url }}", "repo_url"),
    ("{{ environment }}", "environment"),
    ("{{ page.file.abs_src_path }}", "abs_src_path"),
    ('{% include "../mkdocs.yml" %}', "include"),
    ('{% import "x.html" as x %}', "import"),
    ("{{ 'x' | pretty }}", "pretty"),
    ("{{ macros_info() }}", "macros_info"),
    ("{{ context() }}", "context"),
    ("{{ now() }}", "now"),
    ("{% set secret = 1 %}", "set"),
    ("{% for i in range(99999999) %}x{% endfor %}", "for"),
    ("{{ lipsum.__globals__.os.popen('id').read() }}", "read"),
    ("{{ cycler.__init__.__globals__.os.environ }}", "environ"),
    ("{{ method_steps.__globals__ }}", "__globals__"),
    ("{{ featured_methods(config) }}", "config"),
    ("{{ featured_methods(*config) }}", "*"),
    ("{{ title()|attr('__class__') }}", "attr"),
    ("{{ theme_chart_table() | indent(config) }}", "config"),
    ("{% if true %}x{% endif %}", "if"),
    ("{{ x", "语法错误"),
]


@pytest.mark.parametrize(("page", "word"), ATTACKS)
def test_each_attack_is_refused_in_chinese(page: str, word: str) -> None:
    problems = template_problems(f"# 页面\n\n{page}\n", MACROS)
    assert problems, page
    assert all(problem.line == 3 for problem in problems), problems
    assert any(word in problem.message for problem in problems), problems
    assert all(re.search(r"[\u4e00-\u9fff]", problem.message) for problem in problems)


@pytest.mark.parametrize("page", [
    "# {{ title() }}\n\n{{ method_steps() }}\n",
    '{{ featured_methods("zoudongshi-gongzuofa", "sanbu-tiaojie") }}',
    "=== \"表\"\n\n    {{ theme_chart_table() | indent(4) }}\n",
    "{# 注释 #}{% raw %}{{ 原样显示 }}{% endraw %}",
    "没有模板的页面，含 { 花括号 } 与 { .class } 属性。",
])
def test_ordinary_pages_pass(page: str) -> None:
    assert template_problems(page, MACROS) == []


@pytest.mark.build
def test_a_page_with_attacks_stops_the_build_naming_page_and_lines(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "methods" / "index.md"  # titled by its front matter, not by the nav
    original = page.read_text(encoding="utf-8")
    lines = original.count("\n")
    attacks = "\n".join(text for text, _ in ATTACKS[:-1])
    page.write_text(f"---\ntitle: \"{{{{ config.repo_url }}}}\"\n---\n{original}{attacks}\n", encoding="utf-8")
    result = build_site(project, project / "out")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output, output[-2000:]
    assert "页面 docs/methods/index.md 有" in output and "不允许的模板写法" in output, output[-2000:]
    for number in range(len(ATTACKS) - 1):
        assert f"docs/methods/index.md:{lines + 4 + number}  " in output, (number, ATTACKS[number], output[-3000:])
    assert "docs/methods/index.md:1  标题：" in output
    assert "shequ-gongzuofa/kb" not in output.split("ERROR", 1)[-1]  # the secret was not rendered
    assert not (project / "out" / "methods" / "index.html").exists()


def test_the_engine_is_a_sandbox_without_loader_or_filters() -> None:
    """Defence in depth, in case a check were missed: mkdocs-macros' environment as swapped in."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SecurityError

    from macros import main

    class FakeMacrosEnv:
        class env:
            undefined = StrictUndefined
            globals = {"title": lambda: "标题", "range": range}
            filters = {"indent": lambda text, width=4: text, "pretty": repr}

    fake = FakeMacrosEnv()
    main.REGISTERED.clear()
    main.REGISTERED.add("title")
    main._sandbox(fake)
    sandbox = fake._env
    assert sandbox.from_string("{{ title() }}").render() == "标题"
    assert set(sandbox.globals) == {"title"} and set(sandbox.filters) == {"indent"}
    assert sandbox.loader is None
    with pytest.raises(SecurityError):
        sandbox.from_string("{{ title.__globals__ }}").render()
    with pytest.raises(Exception, match="pretty"):
        sandbox.from_string("{{ 1 | pretty }}")
