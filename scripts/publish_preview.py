"""Pull-request previews, in two steps that never share trust.

    python3 -m scripts.publish_preview bundle --site site --out preview
    python3 -m scripts.publish_preview pr        # in the workflow_run job: the PR of the triggering run
    PR_NUMBER=12 PREVIEW_REMOTE=... PREVIEW_BASE_URL=... python3 -m scripts.publish_preview publish --bundle preview

``bundle`` runs in the pull-request workflow (the PR's own code, no secrets):
it copies the built site; the workflow uploads that folder as an artefact.

``pr`` and ``publish`` run in a separate ``workflow_run`` workflow, from the base
repository's code, with the token. The pull request's number comes from the
triggering run (GitHub's event, else the API asked for the open pull request
whose head is the run's commit), never from the artefact: the fork's build wrote
that, and could name another pull request to overwrite its preview. The artefact
is untrusted data: only regular files are copied (no symlinks out of the
folder), nothing from it is executed. ``publish`` copies the site into ``pr-<n>/``
of the previews repository (``PREVIEW_REMOTE``, a git URL that carries its
token and is never printed), commits and pushes, and prints the preview address
under ``PREVIEW_BASE_URL``. Standard library and git only, so it needs no setup.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

MAX_FILES = 20000


class PreviewError(Exception):
    pass


def pr_number(text: str) -> int:
    value = text.strip()
    if not re.fullmatch(r"[1-9][0-9]{0,6}", value):
        raise PreviewError(f"拉取请求编号无效：“{value[:20]}”")
    return int(value)


def bundle(site: Path, out: Path) -> Path:
    if not (site / "index.html").is_file():
        raise PreviewError(f"{site} 里没有构建好的网站，请先运行 make build")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(site, out / "site", symlinks=True)
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


def safe_copy(src: Path, dest: Path) -> int:
    """Copy the regular files under ``src`` to ``dest``; refuse links and anything outside ``src``."""
    root = src.resolve()
    count = 0
    for path in sorted(src.rglob("*")):
        if path.is_symlink():
            raise PreviewError(f"预览包含符号链接，拒绝发布：{path.relative_to(src)}")
        if not path.resolve().is_relative_to(root):
            raise PreviewError(f"预览包含目录外的文件，拒绝发布：{path}")
        target = dest / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            count += 1
            if count > MAX_FILES:
                raise PreviewError(f"预览文件超过 {MAX_FILES} 个，拒绝发布")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return count


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        # git may echo the remote URL, which carries the token: say which command failed, not its output.
        raise PreviewError(f"git {args[0]} 失败（退出码 {result.returncode}）")
    return result


def publish(bundle_dir: Path, number: int, remote: str, base_url: str, branch: str = "main") -> str:
    site = bundle_dir / "site"
    if not (site / "index.html").is_file() or (site / "index.html").is_symlink():
        raise PreviewError("预览包里没有网站首页 site/index.html")
    if not remote:
        raise PreviewError("没有设置 PREVIEW_REMOTE（预览仓库的地址），无法发布")
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp) / "previews"
        _git("clone", "--quiet", "--depth", "1", "--branch", branch, remote, str(work), cwd=Path(temp))
        target = work / f"pr-{number}"
        if target.exists():
            shutil.rmtree(target)
        files = safe_copy(site, target)
        (work / ".nojekyll").touch()
        _git("add", "--all", ".", cwd=work)
        if _git("status", "--porcelain", cwd=work).stdout.strip():
            _git("-c", "user.name=preview-bot", "-c", "user.email=preview-bot@users.noreply.github.com",
                 "commit", "--quiet", "-m", f"Preview of pull request #{number} ({files} files)", cwd=work)
            _git("push", "--quiet", "origin", f"HEAD:{branch}", cwd=work)
    return f"{base_url.rstrip('/')}/pr-{number}/" if base_url else f"pr-{number}/"


def comment_body(preview_url: str, run_url: str) -> str:
    if preview_url:
        return f"网站预览：{preview_url}\n\n（每次推送后自动更新；预览只用于审阅，不是正式网站。）"
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
        url = publish(args.bundle, number, os.environ.get("PREVIEW_REMOTE", ""), os.environ.get("PREVIEW_BASE_URL", ""), args.branch)
    except (PreviewError, OSError) as error:
        print(f"预览未发布：{error}", file=sys.stderr)
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
