"""What is wrong with the data, in Chinese: problems, their text and GitHub annotations.

A :class:`Problem` names the file, line, record and field and says in Chinese what is wrong
and what to write instead; :func:`chinese_message` turns pydantic's errors into such text
from the models' titles, descriptions and examples.
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeGuard

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from .models import SLUG_PATTERN, SOURCE_FILE_PATTERN, Loc

# Added to a problem that `python -m scripts.validate --fix` corrects by itself.
FIX_HINT = "（运行 python -m scripts.validate --fix 可自动修正）"



@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, located as precisely as the YAML allows."""

    file: Path
    line: int
    record: str
    field: str
    message: str
    # "warning": shown, never fails the check (e.g. a quote whose article is not on this machine).
    severity: Literal["error", "warning"] = "error"

    def as_text(self, root: Path) -> str:
        """One line: a field name or value from the data cannot start a line of its own."""
        prefix = "提示：" if self.severity == "warning" else ""
        text = f"{_relative(self.file, root)}:{self.line}  {self.record or '-'}  {self.field or '-'}  {prefix}{self.message}"
        return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", lambda match: repr(match.group())[1:-1], text)

    def as_github(self, root: Path) -> str:
        """A GitHub workflow command (an annotation). Record, field and message come from the
        data, so they are escaped by GitHub's rules and can never end the command or start another."""
        title = f"{self.record or '-'} {self.field or '-'}"
        properties = f"file={_github_property(_relative(self.file, root))},line={self.line},title={_github_property(title)}"
        return f"::{self.severity} {properties}::{_github_data(self.message)}"


def github_notice(file: str, line: int, title: str, message: str) -> str:
    """A GitHub notice annotation (for a reviewer, never a failure), escaped like :meth:`Problem.as_github`."""
    return f"::notice file={_github_property(file)},line={line},title={_github_property(title)}::{_github_data(message)}"


def _github_data(text: str) -> str:
    """Text escaped for the data part of a GitHub workflow command (after the final ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """Text escaped for a property value of a GitHub workflow command (also ``:`` and ``,``)."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside root, or a link that loops (RuntimeError)
        return path.as_posix()


class DataError(Exception):
    """Raised by :func:`load_or_raise` with every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the data")
        self.problems = problems


def format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[Step]`` or ``Region | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found:
            return found
    return None


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model whose fields are valid at ``loc`` (integers step into lists)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = _model_in(info.annotation) if info else None
    return current


def _field_title(model: type[BaseModel], loc: Loc) -> str:
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return ""
    parent = _model_at(model, loc[: max(i for i, p in enumerate(loc) if isinstance(p, str))])
    info = parent.model_fields.get(names[-1]) if parent else None
    return info.title or "" if info else ""


def _field_info(model: type[BaseModel], loc: Loc) -> typing.Any:
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return None
    parent = _model_at(model, loc[: max(i for i, p in enumerate(loc) if isinstance(p, str))])
    return parent.model_fields.get(names[-1]) if parent else None


def _example(model: type[BaseModel], loc: Loc) -> str:
    """``例：role: 社区党委书记`` from the field's ``examples``, to show what to write."""
    info = _field_info(model, loc)
    examples = getattr(info, "examples", None) if info else None
    if not examples:
        return ""
    name = next(p for p in reversed(loc) if isinstance(p, str))
    value = examples[0]
    written = f"[{', '.join(value)}]" if isinstance(value, list) else str(value)
    return f"。例：{name}: {written}"


def _is_placeholder(value: object) -> TypeGuard[dict[object, object]]:
    # A template's `{studio}` left as it is reads in YAML as the mapping {"studio": None}.
    return isinstance(value, dict) and len(value) == 1 and next(iter(value.values())) is None


def chinese_message(model: type[BaseModel], error: ErrorDetails) -> str:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx", {})
    value = error.get("input")
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    title = _field_title(model, loc)
    named = f"“{name}”（{title}）" if title else f"“{name}”"
    info = _field_info(model, loc)
    purpose = f"：{info.description}" if info is not None and info.description else ""
    example = _example(model, loc)
    if kind == "source_unfindable":
        return error["msg"]
    if kind == "missing":
        return f"缺少必填字段{named}{purpose}{example}"
    if _is_placeholder(value):
        placeholder = "{" + str(next(iter(value))) + "}"
        return f"{named}还是模板里的占位符“{placeholder}”：请换成真实内容，没有就删掉这一行{example}"
    if "input" in error and value is None:  # `role:` left empty, e.g. by scripts.new
        options = re.findall(r"'([^']*)'", ctx.get("expected", "")) if kind == "literal_error" else []
        hint = f"，应为：{'、'.join(o for o in options if o)}" if options else f"{purpose}{example}"
        return f"必填字段{named}还没有填写" + hint
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = [f for f in parent.model_fields] if parent else []
        guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"，是不是“{guess[0]}”？" if guess else f"。可用字段：{'、'.join(allowed)}"
        return f"未知字段“{name}”{hint}"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        guess = difflib.get_close_matches(str(value), options, n=1, cutoff=0.3)
        hint = f"是不是“{guess[0]}”？" if guess else ""
        return f"{named}的取值“{value}”不在允许范围内，应为：{'、'.join(o or '（空）' for o in options)}。{hint}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == SLUG_PATTERN:
            return f"{named}应为小写英文字母、数字和连字符组成的编号，实际是“{value}”"
        if pattern == SOURCE_FILE_PATTERN:
            return f"{named}应为来源目录里的文件名（如 000_276c0d5b3e7a7cff.txt），实际是“{value}”"
        return f"{named}不是有效的网址：“{value}”" if "http" in str(pattern) else f"{named}的格式不对：“{value}”"
    type_names = {
        "string_type": "文本",
        "int_type": "整数",
        "int_parsing": "整数",
        "int_from_float": "整数",
        "float_type": "数字",
        "float_parsing": "数字",
        "list_type": "列表",
        "model_type": "键值对（映射）",
        "dict_type": "键值对（映射）",
        "model_attributes_type": "键值对（映射）",
        "bool_type": "是或否",
    }
    if kind in type_names:
        return f"{named}应为{type_names[kind]}，实际是“{value}”{example}"
    if kind == "too_short":
        return f"{named}不能为空{example}" if isinstance(value, str) else f"{named}至少需要 {ctx.get('min_length')} 项{example}"
    if kind == "string_too_short":
        return f"{named}不能为空{purpose}{example}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"{named}的取值 {value} 应{'不小于' if kind == 'greater_than_equal' else '不大于'} {bound}"
    if kind == "finite_number":
        return f"{named}应为有限的数字，实际是“{value}”：请写出来源报道的具体数字"
    if kind.startswith(("date_", "year_")):
        return f"{named}：{error['msg']}"
    return f"{named}的取值无效：{error['msg']}"

