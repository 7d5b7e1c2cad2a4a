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


def mail_link(address: str, subject: str, body: str) -> str:
    """A ``mailto:`` address with subject and body prefilled, every character that is not plain
    percent-encoded (so no quote, ampersand or line break leaves the link)."""
    return f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


CORRECTION_MAIL = ("哪一页（网址或名称）：", "哪里不对：", "应当是什么：", "出处（文章名称、网址或报刊日期）：")
NO_PERSONAL_DATA = "（请不要写任何人的姓名、电话等个人信息。）"


def editing_paths(site_url: str, repo_url: str, branch: str, forms: list[tuple[str, str, str]],
                  feedback_email: str | None = None) -> str:
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
    if feedback_email:
        mail = mail_link(feedback_email, "更正或补充", "\n".join([*CORRECTION_MAIL, "", NO_PERSONAL_DATA]))
        lines.append(f"没有 GitHub 账号，就发一封邮件\n:   [写信给维护者]({_url(mail)})（{esc(feedback_email)}）：邮件里已经列好要写的几项；"
                     "维护者会照着整理成修改。\n")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())
