"""Renamed pages: ``data/redirects.yml`` maps an old page to a page of this site.

The validator and the build (kb_build/short_links.py) both read it through :func:`load_redirects`,
so a redirect can only ever lead to a page that exists here.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import sitemap
from .messages import Problem
from .models import MAX_RECORD_BYTES, MAX_SHORT_TEXT
from .yaml_reader import read_yaml

REDIRECTS_FILE = "redirects.yml"
_PAGE_PATH = re.compile(r"[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*\.md")
_ANCHOR = re.compile(r"[A-Za-z0-9_-]{1,100}")


def _page_path_problem(value: object) -> str | None:
    """Why ``value`` is not a path of a page inside docs/ such as ``methods/new-id.md``, or None."""
    example = "请写 docs/ 下的相对路径，如 methods/new-id.md"
    if not isinstance(value, str) or not value:
        return f"应为页面路径（文字）：{example}"
    if len(value) > MAX_SHORT_TEXT:
        return f"超过 {MAX_SHORT_TEXT} 个字符：{example}"
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]{0,30}:", value):
        return f"带有网址协议（如 https:）：重定向只能通往本站页面，{example}"
    if "//" in value or "\\" in value:
        return f"含有“//”或反斜杠：{example}"
    if value.startswith("/"):
        return f"是绝对路径：{example}（不以 / 开头）"
    if ".." in value.split("/"):
        return f"含有“..”，会跳出网站目录：{example}"
    if not value.endswith(".md"):
        return f"应以 .md 结尾（页面文件的路径）：{example}"
    if not _PAGE_PATH.fullmatch(value):
        return f"只能由小写英文字母、数字、连字符、下划线和 / 组成：{example}"
    return None


def load_redirects(path: Path, docs_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    """The renames in ``path`` (old page → page of this site) that are safe, and a problem for each one that is not."""
    problems: list[Problem] = []

    def report(line: int, field_name: str, message: str) -> None:
        problems.append(Problem(path, line, "redirects", field_name, message))

    if not path.exists() and not path.is_symlink():
        return {}, []
    read = read_yaml(path, path.parent, MAX_RECORD_BYTES, report, empty_ok=True)
    if read is None:
        return {}, problems
    data, lines = read
    renames: dict[str, str] = {}
    for source, target in data.items():
        line = lines.get((source,), 1) if isinstance(source, str) else 1
        field_name = str(source)[:MAX_SHORT_TEXT]
        source_problem = _page_path_problem(source)
        if source_problem:
            report(line, field_name, f"旧页面路径“{field_name}”{source_problem}")
        elif source.split("/")[0] in sitemap.SHORT_PREFIX.values():  # /m/<id>/, /s/<id>/ are made from the data
            report(line, field_name, f"旧页面路径“{source}”在短链接目录 {source.split('/')[0]}/ 里：短链接由数据自动生成，不能改写")
        elif (docs_dir / source).exists():
            report(line, field_name, f"旧页面 docs/{source} 仍然存在：重定向页会覆盖它，请先删除或改名该页面")
        page, _, anchor = target.partition("#") if isinstance(target, str) else (target, "", "")
        target_problem = _page_path_problem(page)
        if target_problem:
            report(line, field_name, f"新页面路径“{str(target)[:MAX_SHORT_TEXT]}”{target_problem}")
        elif anchor and not _ANCHOR.fullmatch(anchor):
            report(line, field_name, f"新页面的锚点“#{anchor[:MAX_SHORT_TEXT]}”只能由英文字母、数字、连字符和下划线组成")
        elif not (docs_dir / page).is_file():
            report(line, field_name, f"新页面 docs/{page} 不存在：重定向只能通往本站现有的页面")
        elif not source_problem and not problems:
            renames[source] = target
    return (renames if not problems else {}), problems

