"""What page Markdown may ask of the template engine: the site's own macros, with literal arguments.

Pure functions. mkdocs-macros renders every page with Jinja2, which would let a
page read variables (``{{ config }}``, ``{{ environment }}``), walk Python objects
(``{{ ''.__class__.__mro__ }}``), include files (``{% include %}``) and call
filters and mkdocs-macros' own built-ins. A page is parsed with Jinja's parser
before it is rendered and refused unless every expression in it is
``{{ registered_macro(literal, …) }}``; the macros (macros/main.py) stop the
build with these messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, TemplateSyntaxError, nodes

# What each kind of node is, in the words a page author needs.
_STATEMENTS = {
    nodes.Include: "{% include %}（读取文件）",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from … import %}",
    nodes.Extends: "{% extends %}",
    nodes.For: "{% for %} 循环",
    nodes.If: "{% if %} 判断",
    nodes.Assign: "{% set %} 赋值",
    nodes.AssignBlock: "{% set %} 赋值",
    nodes.Macro: "{% macro %} 定义",
    nodes.CallBlock: "{% call %}",
    nodes.FilterBlock: "{% filter %}",
    nodes.With: "{% with %}",
    nodes.Block: "{% block %}",
    nodes.Scope: "作用域语句",
    nodes.ExprStmt: "{% do %}",
}
_LITERALS = (str, int, float, bool, type(None))
# Filters a page may put after a macro call: layout only (indent a table into a tab or a block).
ALLOWED_FILTERS: tuple[str, ...] = ("indent",)
_PARSER = Environment(autoescape=False)  # parses templates, never renders them


@dataclass(frozen=True)
class TemplateProblem:
    line: int
    message: str


def template_problems(source: str, macros: Iterable[str]) -> list[TemplateProblem]:
    """Everything in ``source`` that is not text or ``{{ macro(literal, …) }}`` with ``macro`` in ``macros``."""
    return list(_problems(source, frozenset(macros)))


# The pages generated for records of one kind share one text: each is checked once.
@lru_cache(maxsize=64)
def _problems(source: str, allowed: frozenset[str]) -> tuple[TemplateProblem, ...]:
    try:
        tree = _PARSER.parse(source)
    except TemplateSyntaxError as error:
        return (TemplateProblem(error.lineno or 1, f"模板语法错误：{error.message}"),)
    problems: list[TemplateProblem] = []
    for node in tree.body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    problems.extend(_expression_problems(child, allowed))
        else:
            what = next((label for kind, label in _STATEMENTS.items() if isinstance(node, kind)), f"{{% {type(node).__name__} %}} 语句")
            problems.append(TemplateProblem(node.lineno, f"页面里不能使用 {what}，只能调用本站的宏"))
    return tuple(problems)


def _expression_problems(node: nodes.Node, allowed: frozenset[str]) -> Iterator[TemplateProblem]:
    line = node.lineno
    if isinstance(node, nodes.Filter) and node.name in ALLOWED_FILTERS and node.node is not None:
        yield from _literal_arguments(node, f"过滤器 {node.name}")
        yield from _expression_problems(node.node, allowed)
        return
    if not isinstance(node, nodes.Call):
        yield TemplateProblem(line, f"页面里只能写 {{{{ 宏名(参数) }}}}，不能写“{_describe(node)}”")
        return
    if not isinstance(node.node, nodes.Name):
        yield TemplateProblem(line, f"不能调用“{_describe(node.node)}”，只能调用本站的宏")
        return
    name = node.node.name
    if name not in allowed:
        yield TemplateProblem(line, f"“{name}”不是本站的宏；可用的宏：{'、'.join(sorted(allowed))}")
    yield from _literal_arguments(node, f"宏“{name}”")


def _literal_arguments(node: nodes.Call | nodes.Filter, what: str) -> Iterator[TemplateProblem]:
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        yield TemplateProblem(node.lineno, f"{what}的参数不能用 * 或 ** 展开")
    for argument in [*node.args, *(keyword.value for keyword in node.kwargs)]:
        if not (isinstance(argument, nodes.Const) and isinstance(argument.value, _LITERALS)):
            yield TemplateProblem(node.lineno, f"{what}的参数只能是直接写出的文字或数字，不能是“{_describe(argument)}”")


def _describe(node: nodes.Node) -> str:
    """A short name for an expression the page may not use."""
    if isinstance(node, nodes.Name):
        return f"变量 {node.name}"
    if isinstance(node, nodes.Getattr):
        return f"属性 .{node.attr}"
    if isinstance(node, nodes.Getitem):
        return "下标 […]"
    if isinstance(node, nodes.Filter):
        return f"过滤器 | {node.name}"
    if isinstance(node, nodes.Test):
        return f"测试 is {node.name}"
    if isinstance(node, nodes.Const):
        return f"常量 {node.value!r}"[:60]
    if isinstance(node, nodes.Call):
        return f"调用 {_describe(node.node)}"
    return type(node).__name__


def macro_calls(source: str, name: str) -> list[tuple[int, tuple[object, ...]]]:
    """Every ``{{ name(…) }}`` in ``source`` with its line and its literal arguments (others read as ``None``);
    a page that does not parse has none here (the build reports it)."""
    try:
        tree = _PARSER.parse(source)
    except TemplateSyntaxError:
        return []
    return [(call.lineno, tuple(arg.value if isinstance(arg, nodes.Const) else None for arg in call.args))
            for call in tree.find_all(nodes.Call)
            if isinstance(call.node, nodes.Name) and call.node.name == name]
