"""The 参与编辑 page's ways in: the web editor, the guide, an issue form per task.

``issue_forms`` reads the forms' names from .github/ISSUE_TEMPLATE; ``editing_paths``
is pure (names and addresses in, escaped Markdown out).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

import yaml
from markupsafe import escape

from .render import esc


def issue_forms(template_dir: Path) -> list[tuple[str, str, str]]:
    """(file name, form name, description) of every issue form, in file-name order."""
    forms = []
    for path in sorted(template_dir.glob("*.yml")):
        if path.name == "config.yml":
            continue
        form = yaml.safe_load(path.read_text(encoding="utf-8"))
        forms.append((path.name, str(form["name"]), str(form.get("description", ""))))
    return forms


def _url(address: str) -> str:
    """An address for a Markdown link target: escaped, and no space or bracket breaks it out."""
    return str(escape(quote(address, safe=":/?&=#%")))


def editing_paths(site_url: str, repo_url: str, branch: str, forms: list[tuple[str, str, str]]) -> str:
    repo = repo_url.rstrip("/")
    lines = [
        f"在线编辑器\n:   [打开在线编辑器]({_url(site_url.rstrip('/') + '/admin/')})：用表格填写工作法、工作室、书记与导师、示范点和来源，"
        "从列表里挑选已有的工作室和来源；保存后自动生成一个修改请求（Pull Request），检查通过、维护者合并后上线。"
        "第一次使用需要用 GitHub 账号登录。\n",
        f"编辑指南\n:   [CONTRIBUTING.md]({_url(f'{repo}/blob/{branch}/CONTRIBUTING.md')})：在网页上和在自己电脑上添加、修改记录的详细步骤，以及检查结果怎么看。\n",
    ]
    form_items = "\n".join(
        f"- [{esc(name)}]({_url(f'{repo}/issues/new?' + urlencode({'template': file}))})：{esc(description)}"
        for file, name, description in forms
    )
    lines.append(f"不方便自己改，就填一张表\n:   维护者会根据表格整理成记录：\n\n{_indent(form_items)}\n")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())
