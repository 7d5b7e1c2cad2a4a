"""Pull-request previews, in two steps that never share trust, and their removal.

    python3 -m scripts.publish_preview bundle --site site --out preview
    python3 -m scripts.publish_preview pr        # in the workflow_run job: the PR of the triggering run
    PR_NUMBER=12 PREVIEW_REMOTE=https://github.com/org/previews.git PREVIEW_TOKEN=... \
        PREVIEW_BASE_URL=https://org.github.io/ python3 -m scripts.publish_preview publish --bundle preview
    PR_NUMBER=12 PREVIEW_REMOTE=... PREVIEW_TOKEN=... python3 -m scripts.publish_preview remove

``bundle`` runs in the pull-request workflow (the PR's own code, no secrets):
it copies the built site without the web editor and the sitemaps; the workflow
uploads that folder as an artefact.

``pr`` and ``publish`` run in a separate ``workflow_run`` workflow, from the base
repository's code, with the token, after a maintainer approved the run. The pull
request's number comes from the triggering run (GitHub's event, else the API asked
for the open pull request whose head is the run's commit), never from the artefact:
the fork's build wrote that, and could name another pull request to overwrite its
preview.

The artefact is the fork's data, hostile by assumption. Nothing of it is executed:
before anything is copied, every entry is checked, and the whole preview is refused,
each problem named, if it holds a link, a file or folder whose name starts with a dot
(``.git`` would make git treat it as a repository and run its configuration), the
web editor, a file type the site does not make, or more files or bytes than the caps.
git runs with a clean environment (no system or global configuration, an empty HOME)
and with fsmonitor, hooks and submodule recursion switched off; the token reaches
only ``git push``, through a credential helper reading it from that one process's
environment, so it is never in a URL, in ``.git/config`` or in the output.

``publish`` refuses a preview address on the production site's host (scheme, host
and port of ``site_url``, or the same host over http): pages there share the
production origin, so a preview's script could read the web editor's login. Every
HTML page gets ``<meta name="robots" content="noindex">`` and a banner saying whose
preview it is (plain HTML with a class, styled by a stylesheet the publisher writes:
the pages' CSP admits no inline style or script), and the root of the previews
repository a ``robots.txt`` refusing every crawler. ``remove`` deletes ``pr-<n>/``.
Standard library and git only, so it needs no setup.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
MAX_FILES = 20000
MAX_BYTES = 200 * 1024 * 1024
# What `make build` writes (the web editor's config.yml and the gzipped sitemap are not previewed),
# and the images and fonts a page may hold. Anything else is refused.
ALLOWED_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".map", ".xml",
                              ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".woff2"})
# The web editor stays off the preview host: every preview shares that origin, so a login there
# could be read by another pull request's preview.
EDITOR_FOLDER = "admin"
NOT_BUNDLED = frozenset({"sitemap.xml", "sitemap.xml.gz"})  # they list the production addresses
BANNER_CLASS = "kb-preview-banner"
BANNER_STYLESHEET = "kb-preview-banner.css"
_BANNER_CSS = (f".{BANNER_CLASS}{{display:block;margin:0;padding:.75em 1em;background:#ffe082;color:#212121;"
               "border-bottom:2px solid #212121;font:600 1rem/1.5 system-ui,sans-serif;text-align:center;"
               "overflow-wrap:anywhere}\n"
               f".{BANNER_CLASS} a{{color:inherit;text-decoration:underline}}\n")
ROBOTS_TXT = "User-agent: *\nDisallow: /\n"
_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_SITE_URL = re.compile(r"""^site_url:\s*(?:!ENV\s*\[\s*SITE_URL\s*,\s*)?["']?([^"'\]\s]+)""", re.MULTILINE)
_SHOWN_PROBLEMS = 30


def _insert_after(tag: re.Pattern[bytes], data: bytes, extra: bytes) -> bytes:
    """``data`` with ``extra`` just after the first match of ``tag`` (unchanged where there is none)."""
    match = tag.search(data)
    return data if match is None else data[:match.end()] + extra + data[match.end():]


class PreviewError(Exception):
    pass


def pr_number(text: str) -> int:
    value = text.strip()
    if not re.fullmatch(r"[1-9][0-9]{0,6}", value):
        raise PreviewError(f"拉取请求编号无效：“{value[:20]}”")
    return int(value)


def production_url(mkdocs_yml: Path = ROOT / "mkdocs.yml") -> str:
    """The published site's address: ``site_url`` of mkdocs.yml (the SITE_URL environment variable when set)."""
    if os.environ.get("SITE_URL"):
        return os.environ["SITE_URL"]
    match = _SITE_URL.search(mkdocs_yml.read_text(encoding="utf-8"))
    if not match:
        raise PreviewError(f"{mkdocs_yml.name} 里没有 site_url，无法确认预览不在正式网站的域名上")
    return match.group(1)


def _host_and_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url.strip())
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme.lower())
    return (parts.hostname or "").rstrip(".").lower(), port


def check_preview_address(base_url: str, production: str, remote: str) -> None:
    """Refuse a preview address whose pages would share the production site's origin.

    The same host over http counts too: GitHub Pages sends it on to https. A ``*.github.io``
    address must belong to the previews repository's owner, or it says nothing about where
    GitHub Pages really serves the repository.
    """
    host, _port = _host_and_port(base_url)
    production_host, production_port = _host_and_port(production)
    if host and host == production_host:
        shown = f"https://{production_host}" + (f":{production_port}" if production_port not in (443, None) else "")
        raise PreviewError(f"预览地址 {_shown(base_url.strip())} 和正式网站同在 {shown}：同一来源的预览页面能读到"
                           "网页编辑器的登录令牌。请把预览放在另一个账号或组织的 GitHub Pages，或单独的预览域名上")
    if urlsplit(base_url.strip()).scheme != "https" or not host:
        raise PreviewError("PREVIEW_BASE_URL 必须是预览网站的 https:// 地址")
    owner = _github_owner(remote)
    if host.endswith(".github.io") and owner and host != f"{owner}.github.io":
        raise PreviewError(f"PREVIEW_BASE_URL 是 {host}，但预览仓库属于 {owner}：GitHub Pages 会把它发布在 "
                           f"{owner}.github.io 上，请核对预览仓库和地址")


def _github_owner(remote: str) -> str:
    match = re.match(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([A-Za-z0-9-]+)/", remote)
    return match.group(1).lower() if match else ""


def _shown(relative: str) -> str:
    """A path of the artefact as it may be printed: control characters could forge lines of the log."""
    return "".join(char if char.isprintable() else "?" for char in relative)[:160]


def _refusal(site: Path, path: Path, is_folder: bool) -> str | None:
    """Why one entry of an artefact may not be published, in one Chinese sentence; None if it may."""
    shown = _shown(path.relative_to(site).as_posix())
    if path.is_symlink():
        return f"符号链接：{shown}"
    if path.name.startswith("."):
        return f"以点开头的文件夹（如 .git，会被 git 当作仓库）：{shown}/" if is_folder else f"以点开头的文件：{shown}"
    if is_folder:
        return f"网页编辑器不随预览发布：{shown}/" if path.parent == site and path.name == EDITOR_FOLDER else None
    if not path.is_file():
        return f"不是普通文件：{shown}"
    if path.suffix.lower() not in ALLOWED_SUFFIXES:
        return f"文件类型 {_shown(path.suffix) or '（无后缀）'} 不是网站的文件类型：{shown}"
    if path.name != _shown(path.name):
        return f"文件名含控制字符：{shown}"
    return None


def artefact_problems(site: Path) -> list[str]:
    """Every reason the site folder of an artefact may not be published, one Chinese sentence each.

    The folder is walked without following links; a refused folder is not entered.
    """
    problems: list[str] = []
    files = total = 0
    for folder, dirs, names in os.walk(site):
        here = Path(folder)
        kept = []
        for name in sorted(dirs):
            problem = _refusal(site, here / name, is_folder=True)
            if problem:
                problems.append(problem)
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            path = here / name
            problem = _refusal(site, path, is_folder=False)
            if problem:
                problems.append(problem)
                continue
            files += 1
            total += path.stat().st_size
            if path.suffix.lower() == ".html":
                text = path.read_bytes()
                if not _HEAD.search(text) or not _BODY.search(text):
                    problems.append(f"网页缺少 <head> 或 <body>，无法加上预览标记：{_shown(path.relative_to(site).as_posix())}")
    if not (site / "index.html").is_file() or (site / "index.html").is_symlink():
        problems.append("没有网站首页 index.html")
    if files > MAX_FILES:
        problems.append(f"文件共 {files} 个，超过上限 {MAX_FILES} 个")
    if total > MAX_BYTES:
        problems.append(f"文件共 {total / 1048576:.1f} MB，超过上限 {MAX_BYTES // 1048576} MB")
    return problems


def _refuse(problems: list[str]) -> None:
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems[:_SHOWN_PROBLEMS])
        more = f"\n  ……另有 {len(problems) - _SHOWN_PROBLEMS} 处" if len(problems) > _SHOWN_PROBLEMS else ""
        allowed = " ".join(sorted(ALLOWED_SUFFIXES))
        raise PreviewError(f"预览包有 {len(problems)} 处问题，整个预览拒绝发布：\n{listed}{more}\n"
                           f"（允许的文件类型：{allowed}）")


def bundle(site: Path, out: Path) -> Path:
    if not (site / "index.html").is_file():
        raise PreviewError(f"{site} 里没有构建好的网站，请先运行 make build")
    if out.exists():
        shutil.rmtree(out)

    def not_bundled(folder: str, names: list[str]) -> set[str]:
        editor = {EDITOR_FOLDER} if Path(folder) == site else set()
        return set(NOT_BUNDLED | editor) & set(names)

    shutil.copytree(site, out / "site", symlinks=True, ignore=not_bundled)
    _refuse(artefact_problems(out / "site"))  # the publisher would refuse it: say so in the pull request's own checks
    return out


PullsLookup = Callable[[str, str], list[dict]]


def open_pulls_with_head(repository: str, head: str) -> list[dict]:
    """The open pull requests of ``repository`` whose head is ``head`` (``owner:branch``), from GitHub's API."""
    result = subprocess.run(["gh", "api", "--method", "GET", f"repos/{repository}/pulls",
                             "-f", "state=open", "-f", f"head={head}", "-f", "per_page=100"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PreviewError("无法向 GitHub 查询拉取请求（gh api 失败）")
    pulls = json.loads(result.stdout)
    return pulls if isinstance(pulls, list) else []


def pull_request_of_run(run: dict, repository: str, lookup: PullsLookup = open_pulls_with_head) -> int:
    """The number of the pull request whose build ``run`` (a ``workflow_run`` event's run) was.

    GitHub lists it in the event for pull requests from branches of this repository; for a
    fork's it does not, so the API is asked for the open pull request whose head is the
    fork's branch. Either way the pull request's head must be the very commit the run built.
    """
    head_sha = run.get("head_sha")
    if run.get("event") != "pull_request" or not isinstance(head_sha, str) or not re.fullmatch(r"[0-9a-f]{40}", head_sha):
        raise PreviewError("触发本工作流的运行不是拉取请求的构建")
    candidates = [pull for pull in run.get("pull_requests") or [] if (pull.get("head") or {}).get("sha") == head_sha]
    if not candidates:
        owner = ((run.get("head_repository") or {}).get("owner") or {}).get("login")
        branch = run.get("head_branch")
        if isinstance(owner, str) and isinstance(branch, str) and owner and branch:
            candidates = [pull for pull in lookup(repository, f"{owner}:{branch}")
                          if (pull.get("head") or {}).get("sha") == head_sha
                          and ((pull.get("base") or {}).get("repo") or {}).get("full_name") == repository]
    numbers = {pull.get("number") for pull in candidates}
    if len(numbers) != 1:
        raise PreviewError(f"找不到唯一一个以提交 {head_sha[:12]} 为头的拉取请求（找到 {len(numbers)} 个）")
    return pr_number(str(numbers.pop()))


def pull_request_of_event(event_path: Path, repository: str, lookup: PullsLookup = open_pulls_with_head) -> int:
    """:func:`pull_request_of_run` for the ``workflow_run`` event GitHub wrote to ``event_path``."""
    try:
        event = json.loads(event_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PreviewError(f"读不到触发事件（{error.__class__.__name__}）") from None
    run = event.get("workflow_run") if isinstance(event, dict) else None
    if not isinstance(run, dict) or not repository:
        raise PreviewError("触发事件不是 workflow_run，或没有仓库名")
    return pull_request_of_run(run, repository, lookup)


def banner_html(number: int, production: str) -> bytes:
    site = html.escape(production, quote=True)
    return (f'<div class="{BANNER_CLASS}" role="note">这是拉取请求 #{number} 的预览，不是正式网站。'
            f'正式网站：<a href="{site}">{html.escape(production)}</a></div>').encode()


def copy_marked(site: Path, dest: Path, number: int, production: str) -> int:
    """Copy the checked files of ``site`` to ``dest``; every HTML page gets noindex and the preview banner."""
    count = 0
    for folder, _dirs, names in os.walk(site):
        here = Path(folder)
        for name in names:
            source = here / name
            relative = source.relative_to(site)
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            data = source.read_bytes()
            if source.suffix.lower() == ".html":
                stylesheet = "../" * (len(relative.parts) - 1) + BANNER_STYLESHEET
                head = (f'<meta name="robots" content="noindex, nofollow">'
                        f'<link rel="stylesheet" href="{stylesheet}">').encode()
                data = _insert_after(_HEAD, data, head)
                data = _insert_after(_BODY, data, banner_html(number, production))
            target.write_bytes(data)
            count += 1
    (dest / BANNER_STYLESHEET).write_text(_BANNER_CSS, encoding="utf-8")
    return count


# Whatever the clone holds, git runs nothing of it: no fsmonitor command, no hooks, no submodules.
_SAFE_GIT = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "submodule.recurse=false",
             "-c", "credential.helper=", "-c", "user.name=preview-bot",
             "-c", "user.email=preview-bot@users.noreply.github.com")
# Hands the token to git push from that process's environment; nothing is written to disk.
_CREDENTIAL_HELPER = '!f() { test "$1" = get && printf "username=x-access-token\\npassword=%s\\n" "$PREVIEW_TOKEN"; }; f'


def _git(*args: str, cwd: Path, home: Path, token: str = "") -> subprocess.CompletedProcess[str]:
    """git with no configuration but its own (no system or global file, an empty HOME), the token only if given."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    credentials: tuple[str, ...] = ()
    if token:
        env["PREVIEW_TOKEN"] = token
        credentials = ("-c", f"credential.helper={_CREDENTIAL_HELPER}")
    result = subprocess.run(["git", *_SAFE_GIT, *credentials, *args], cwd=cwd, capture_output=True, text=True,
                            env=env, check=False)
    if result.returncode != 0:
        # Say which command failed, not its output: it may quote the remote or the server's reply.
        raise PreviewError(f"git {args[0]} 失败（退出码 {result.returncode}）")
    return result


def _check_remote(remote: str) -> None:
    if not remote:
        raise PreviewError("没有设置 PREVIEW_REMOTE（预览仓库的地址），无法发布")
    parts = urlsplit(remote)
    if parts.scheme in ("http", "https") and "@" in parts.netloc:
        raise PreviewError("PREVIEW_REMOTE 里不能带令牌或用户名：令牌放在 PREVIEW_TOKEN 里")


def update_previews(remote: str, branch: str, token: str, change: Callable[[Path], str | None]) -> None:
    """Clone the previews repository, let ``change`` edit the clone (it returns the commit message,
    or None when nothing is to change), commit and push; a push beaten by another preview is retried."""
    _check_remote(remote)
    for attempt in range(3):
        with tempfile.TemporaryDirectory() as temp:
            home = Path(temp) / "home"
            home.mkdir()
            work = Path(temp) / "previews"
            _git("clone", "--quiet", "--depth", "1", "--no-recurse-submodules", "--branch", branch, remote, str(work),
                 cwd=Path(temp), home=home)
            message = change(work)
            if message is None:
                return
            _git("add", "--all", ".", cwd=work, home=home)
            if not _git("status", "--porcelain", cwd=work, home=home).stdout.strip():
                return
            _git("commit", "--quiet", "--no-verify", "-m", message, cwd=work, home=home)
            try:
                _git("push", "--quiet", "origin", f"HEAD:{branch}", cwd=work, home=home, token=token)
                return
            except PreviewError:
                if attempt == 2:
                    raise


def publish(bundle_dir: Path, number: int, remote: str, base_url: str, production: str, *,
            token: str = "", branch: str = "main") -> str:
    """Publish the artefact's site as ``pr-<number>/`` of the previews repository; return its address."""
    check_preview_address(base_url, production, remote)
    site = bundle_dir / "site"
    if not site.is_dir() or site.is_symlink():
        raise PreviewError("预览包里没有 site 文件夹")
    _refuse(artefact_problems(site))
    files: list[int] = []

    def replace_folder(work: Path) -> str:
        target = work / f"pr-{number}"
        if target.exists():
            shutil.rmtree(target)
        files.append(copy_marked(site, target, number, production))
        (work / ".nojekyll").touch()
        (work / "robots.txt").write_text(ROBOTS_TXT, encoding="utf-8")
        return f"Preview of pull request #{number} ({files[-1]} files)"

    update_previews(remote, branch, token, replace_folder)
    return f"{base_url.strip().rstrip('/')}/pr-{number}/"


def remove(number: int, remote: str, *, token: str = "", branch: str = "main") -> bool:
    """Delete ``pr-<number>/`` from the previews repository; False when there was none."""
    removed: list[bool] = []

    def delete_folder(work: Path) -> str | None:
        target = work / f"pr-{number}"
        removed.append(target.is_dir())
        if not removed[-1]:
            return None
        shutil.rmtree(target)
        return f"Remove the preview of pull request #{number}"

    update_previews(remote, branch, token, delete_folder)
    return removed[-1]


def comment_body(preview_url: str, run_url: str) -> str:
    if preview_url:
        return f"网站预览：{preview_url}\n\n（每次推送后经维护者批准再更新；预览只用于审阅，不是正式网站，请不要在预览站点上登录。）"
    return f"本次构建的网站已打包为 site-preview，可在 {run_url} 页面底部的 Artifacts 中下载；解压后在 site 目录里运行 python3 -m http.server，再用浏览器打开 http://127.0.0.1:8000 查看。"


def comment(number: int, preview_url: str, run_url: str) -> None:
    """Post (or update) the preview comment on the pull request with GitHub's ``gh`` command."""
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    body = comment_body(preview_url, run_url)
    base = ["gh", "pr", "comment", str(number), "--body", body] + (["--repo", repo] if repo else [])
    for args in (base + ["--edit-last"], base):
        if subprocess.run(args, capture_output=True, text=True, check=False).returncode == 0:
            return
    raise PreviewError("评论未能发布（gh pr comment 失败）")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m scripts.publish_preview", description="拉取请求的网站预览")
    sub = parser.add_subparsers(dest="command", required=True)
    pack = sub.add_parser("bundle", help="把构建好的网站打包（在拉取请求的工作流里运行）")
    pack.add_argument("--site", type=Path, default=Path("site"))
    pack.add_argument("--out", type=Path, default=Path("preview"))
    sub.add_parser("pr", help="从触发本工作流的运行（GITHUB_EVENT_PATH）得出拉取请求编号，写入 GITHUB_OUTPUT 的 number")
    push = sub.add_parser("publish", help="把预览发布到预览仓库（在 workflow_run 工作流里运行；编号取自 PR_NUMBER）")
    push.add_argument("--bundle", type=Path, default=Path("preview"))
    push.add_argument("--branch", default=os.environ.get("PREVIEW_BRANCH", "main"))
    drop = sub.add_parser("remove", help="拉取请求关闭后删除它的预览（编号取自 PR_NUMBER）")
    drop.add_argument("--branch", default=os.environ.get("PREVIEW_BRANCH", "main"))
    sub.add_parser("comment", help="在拉取请求下留言给出预览地址（PR_NUMBER、PREVIEW_URL、RUN_URL 取自环境变量）")
    args = parser.parse_args(argv)
    try:
        if args.command == "bundle":
            print(f"已打包预览：{bundle(args.site, args.out)}")
            return 0
        if args.command == "pr":
            number = pull_request_of_event(Path(os.environ.get("GITHUB_EVENT_PATH", "")), os.environ.get("GITHUB_REPOSITORY", ""))
            print(f"拉取请求：#{number}")
            _github_file("GITHUB_OUTPUT", f"number={number}\n")
            return 0
        number = pr_number(os.environ.get("PR_NUMBER", ""))
        if args.command == "comment":
            comment(number, os.environ.get("PREVIEW_URL", ""), os.environ.get("RUN_URL", ""))
            print("已在拉取请求下留言")
            return 0
        remote, token = os.environ.get("PREVIEW_REMOTE", ""), os.environ.get("PREVIEW_TOKEN", "")
        if args.command == "remove":
            found = remove(number, remote, token=token, branch=args.branch)
            print(f"已删除拉取请求 #{number} 的预览" if found else f"拉取请求 #{number} 没有预览，无需删除")
            return 0
        url = publish(args.bundle, number, remote, os.environ.get("PREVIEW_BASE_URL", ""), production_url(),
                      token=token, branch=args.branch)
    except (PreviewError, OSError) as error:
        print(f"预览未{'删除' if args.command == 'remove' else '发布'}：{error}", file=sys.stderr)
        return 1
    print(f"预览地址：{url}")
    _github_file("GITHUB_OUTPUT", f"url={url}\n")
    _github_file("GITHUB_STEP_SUMMARY", f"网站预览：{url}\n")
    return 0


def _github_file(name: str, line: str) -> None:
    """Append ``line`` to the file GitHub names in the environment variable ``name``, when running there."""
    if os.environ.get(name):
        with open(os.environ[name], "a", encoding="utf-8") as handle:
            handle.write(line)


if __name__ == "__main__":
    sys.exit(main())
