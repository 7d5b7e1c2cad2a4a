"""The preview publisher treats a fork's artefact as data: nothing in it runs, the token stays in git push."""

from __future__ import annotations

import base64
import http.server
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from macros.page_safety import content_problems
from scripts import publish_preview
from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github/workflows"
TOKEN = "ghs_PreviewTokenMarker0123456789"
PRODUCTION = "https://shequ-gongzuofa.github.io/kb/"
PREVIEWS = "https://shequ-gongzuofa-previews.github.io/"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    (folder / "methods/x").mkdir(parents=True)
    (folder / "index.html").write_text(page("首页"), encoding="utf-8")
    (folder / "methods/x/index.html").write_text(page("工作法"), encoding="utf-8")
    return folder


def page(text: str) -> str:
    return f"<!doctype html><html><head><title>x</title></head><body class=\"md\"><h1>{text}</h1></body></html>"


def published(remote: Path) -> list[str]:
    return git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()


def shown(remote: Path, name: str) -> str:
    return git("show", f"main:{name}", cwd=remote)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "previews.git"
    git("init", "--quiet", "--bare", "--initial-branch", "main", str(bare), cwd=tmp_path)
    seed = tmp_path / "seed"
    git("clone", "--quiet", str(bare), str(seed), cwd=tmp_path)
    (seed / "README.md").write_text("previews\n", encoding="utf-8")
    git("add", "README.md", cwd=seed)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "seed", cwd=seed)
    git("push", "--quiet", "origin", "HEAD:main", cwd=seed)
    return bare


def plant_repository(folder: Path, marker: Path) -> None:
    """A repository in ``folder`` whose config runs a command (core.fsmonitor) that leaves a marker and dumps the environment."""
    git("init", "--quiet", "--initial-branch", "main", cwd=folder)
    git("add", "--all", ".", cwd=folder)
    git("-c", "user.name=f", "-c", "user.email=f@example.org", "commit", "--quiet", "-m", "fork", cwd=folder)
    hook = folder / ".git/fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\nenv >> {marker}\n", encoding="utf-8")
    hook.chmod(0o755)
    git("config", "core.fsmonitor", str(hook), cwd=folder)


@pytest.mark.parametrize("with_symlink", [False, True])
def test_fsmonitor_attack_of_a_forks_artefact_runs_nothing(tmp_path: Path, site: Path, remote: Path, with_symlink: bool,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Replays the attack with the real publisher: the fork's build put repositories (and a link) into the site."""
    out = tmp_path / "preview"
    (out / "site").parent.mkdir(parents=True)
    os.rename(site, out / "site")
    marker = tmp_path / "pwned"
    plant_repository(out / "site", marker)
    plant_repository(out / "site/methods", marker)
    if with_symlink:
        (out / "site/methods/x/passwd.html").symlink_to("/etc/passwd")
    monkeypatch.setenv("PR_NUMBER", "7")
    monkeypatch.setenv("PREVIEW_REMOTE", str(remote))
    monkeypatch.setenv("PREVIEW_TOKEN", TOKEN)
    monkeypatch.setenv("PREVIEW_BASE_URL", PREVIEWS)
    code = publish_preview.main(["publish", "--bundle", str(out)])
    captured = capsys.readouterr()
    assert not marker.exists(), "the artefact's core.fsmonitor ran:\n" + marker.read_text(encoding="utf-8")[:2000]
    assert code == 1
    assert ".git" in captured.err and "methods/.git" in captured.err
    assert ("methods/x/passwd.html" in captured.err) == with_symlink
    assert TOKEN not in captured.out + captured.err
    assert "pr-7" not in git("ls-tree", "-r", "--name-only", "main", cwd=remote)
    on_disk = [path for path in tmp_path.rglob("*") if path.is_file() and not path.is_symlink()
               and TOKEN.encode() in path.read_bytes()]
    assert on_disk == []


def test_git_runs_nothing_a_repository_on_disk_configures(tmp_path: Path, site: Path) -> None:
    """Should a repository ever reach the clone, the publisher's git still runs none of its commands."""
    marker = tmp_path / "pwned"
    plant_repository(site, marker)
    hook = site / ".git/hooks/pre-commit"
    hook.write_text(f"#!/bin/sh\necho hook >> {marker}\n", encoding="utf-8")
    hook.chmod(0o755)
    (site / "new.html").write_text(page("新"), encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    publish_preview._git("add", "--all", ".", cwd=site, home=home)
    publish_preview._git("status", "--porcelain", cwd=site, home=home)
    publish_preview._git("commit", "--quiet", "-m", "x", cwd=site, home=home)
    assert not marker.exists(), marker.read_text(encoding="utf-8")[:500]


def test_bundle_then_publish_into_the_previews_repository(tmp_path: Path, site: Path, remote: Path) -> None:
    (site / "admin").mkdir()
    (site / "admin/index.html").write_text(page("编辑器"), encoding="utf-8")
    (site / "admin/config.yml").write_text("backend: {}\n", encoding="utf-8")
    (site / "sitemap.xml.gz").write_bytes(b"\x1f\x8b")
    out = publish_preview.bundle(site, tmp_path / "preview")
    assert not (out / "site/admin").exists() and not (out / "site/sitemap.xml.gz").exists()
    url = publish_preview.publish(out, 12, str(remote), "https://example.org/kb-previews/", PRODUCTION)
    assert url == "https://example.org/kb-previews/pr-12/"
    assert {"README.md", ".nojekyll", "robots.txt", "pr-12/index.html", "pr-12/methods/x/index.html",
            "pr-12/kb-preview-banner.css"} <= set(published(remote))
    assert shown(remote, "robots.txt") == "User-agent: *\nDisallow: /\n"
    # A second push replaces the PR's folder: removed pages disappear.
    (site / "methods/x/index.html").unlink()
    publish_preview.publish(publish_preview.bundle(site, tmp_path / "preview"), 12, str(remote), PREVIEWS, PRODUCTION)
    assert "pr-12/methods/x/index.html" not in published(remote)


def test_every_preview_page_is_noindex_and_says_it_is_a_preview(tmp_path: Path, site: Path, remote: Path) -> None:
    publish_preview.publish(publish_preview.bundle(site, tmp_path / "preview"), 12, str(remote), PREVIEWS, PRODUCTION)
    for name, stylesheet in (("pr-12/index.html", "kb-preview-banner.css"),
                             ("pr-12/methods/x/index.html", "../../kb-preview-banner.css")):
        text = shown(remote, name)
        head, body = text.split("</head>")
        assert '<meta name="robots" content="noindex, nofollow">' in head
        assert f'<link rel="stylesheet" href="{stylesheet}">' in head  # the CSP admits only the site's own stylesheets
        assert body.startswith('<body class="md"><div class="kb-preview-banner" role="note">这是拉取请求 #12 的预览，不是正式网站。')
    banner = publish_preview.banner_html(12, PRODUCTION).decode()
    assert content_problems(banner) == [] and "style=" not in banner and "<script" not in banner
    assert ".kb-preview-banner{" in shown(remote, "pr-12/kb-preview-banner.css")


@pytest.mark.parametrize("base_url", [
    "https://shequ-gongzuofa.github.io/kb-previews/",
    "https://SheQu-GongZuoFa.GitHub.io:443/previews/",
    "http://shequ-gongzuofa.github.io/kb-previews/",
])
def test_a_preview_on_the_production_origin_is_refused(tmp_path: Path, site: Path, remote: Path, base_url: str,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Same origin as site_url (read from mkdocs.yml): a fork's script there could read the web editor's login."""
    publish_preview.bundle(site, tmp_path / "preview")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("PR_NUMBER", "7")
    monkeypatch.setenv("PREVIEW_REMOTE", str(remote))
    monkeypatch.setenv("PREVIEW_BASE_URL", base_url)
    assert publish_preview.main(["publish", "--bundle", str(tmp_path / "preview")]) == 1
    error = capsys.readouterr().err
    assert "和正式网站同在 https://shequ-gongzuofa.github.io：同一来源的预览页面能读到网页编辑器的登录令牌" in error
    assert not any(name.startswith("pr-7/") for name in published(remote))


@pytest.mark.parametrize(("base_url", "remote_url", "message"), [
    ("https://someone.github.io/", "https://github.com/shequ-gongzuofa-previews/previews.git", "但预览仓库属于 shequ-gongzuofa-previews"),
    ("previews.example.org/", "https://github.com/x/y.git", "必须是预览网站的 https:// 地址"),
    ("", "https://github.com/x/y.git", "必须是预览网站的 https:// 地址"),
])
def test_a_preview_address_that_hides_where_pages_serve_it_is_refused(base_url: str, remote_url: str, message: str) -> None:
    with pytest.raises(publish_preview.PreviewError, match=message):
        publish_preview.check_preview_address(base_url, PRODUCTION, remote_url)


def test_only_the_sites_own_file_types_within_the_caps_are_published(tmp_path: Path, site: Path, remote: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = publish_preview.bundle(site, tmp_path / "preview")
    for name in ("payload.exe", "shell.php", "README", ".htaccess", "methods/x/.env"):
        (out / "site" / name).write_text("x", encoding="utf-8")
    (out / "site/admin").mkdir()
    (out / "site/admin/index.html").write_text(page("假编辑器"), encoding="utf-8")
    (out / "site/bare.html").write_text("<p>没有 head 和 body</p>", encoding="utf-8")
    os.mkfifo(out / "site/pipe.html")
    with pytest.raises(publish_preview.PreviewError) as refused:
        publish_preview.publish(out, 9, str(remote), PREVIEWS, PRODUCTION)
    message = str(refused.value)
    assert message.startswith("预览包有 8 处问题，整个预览拒绝发布：")
    for expected in ("文件类型 .exe 不是网站的文件类型：payload.exe", "文件类型 .php 不是网站的文件类型：shell.php",
                     "文件类型 （无后缀） 不是网站的文件类型：README", "以点开头的文件：.htaccess",
                     "以点开头的文件：methods/x/.env", "网页编辑器不随预览发布：admin/", "不是普通文件：pipe.html",
                     "网页缺少 <head> 或 <body>，无法加上预览标记：bare.html", "允许的文件类型：.css .gif .html"):
        assert expected in message
    for name in ("payload.exe", "shell.php", "README", ".htaccess", "methods/x/.env", "admin/index.html", "bare.html", "pipe.html"):
        (out / "site" / name).unlink()
    monkeypatch.setattr(publish_preview, "MAX_FILES", 1)
    monkeypatch.setattr(publish_preview, "MAX_BYTES", 10)
    with pytest.raises(publish_preview.PreviewError) as refused:
        publish_preview.publish(out, 9, str(remote), PREVIEWS, PRODUCTION)
    assert "文件共 2 个，超过上限 1 个" in str(refused.value) and "超过上限 0 MB" in str(refused.value)
    assert not any(name.startswith("pr-9/") for name in published(remote))


def test_a_closed_pull_requests_preview_is_removed(tmp_path: Path, site: Path, remote: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for number in (12, 13):
        publish_preview.publish(publish_preview.bundle(site, tmp_path / "preview"), number, str(remote), PREVIEWS, PRODUCTION)
    monkeypatch.setenv("PREVIEW_REMOTE", str(remote))
    monkeypatch.setenv("PR_NUMBER", "12")
    assert publish_preview.main(["remove"]) == 0
    assert capsys.readouterr().out == "已删除拉取请求 #12 的预览\n"
    names = published(remote)
    assert not any(name.startswith("pr-12/") for name in names) and "pr-13/index.html" in names
    assert publish_preview.main(["remove"]) == 0
    assert capsys.readouterr().out == "拉取请求 #12 没有预览，无需删除\n"


class GitHost(http.server.BaseHTTPRequestHandler):
    """Serves a repository folder by git's smart HTTP protocol (git http-backend) to anyone, and asks for a login
    to push; it records the Authorization header of every request and refuses every push."""

    root: Path
    logins: list[str | None]

    def do_GET(self) -> None:
        self.serve()

    def do_POST(self) -> None:
        self.serve()

    def serve(self) -> None:
        self.logins.append(self.headers.get("Authorization"))
        if "git-receive-pack" in self.path:
            if self.headers.get("Authorization"):
                self.send_error(403)
            else:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="previews"')
                self.send_header("Content-Length", "0")
                self.end_headers()
            return
        path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = {"PATH": os.environ["PATH"], "GIT_PROJECT_ROOT": str(self.root), "GIT_HTTP_EXPORT_ALL": "1",
               "PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": self.command,
               "CONTENT_TYPE": self.headers.get("Content-Type", ""), "CONTENT_LENGTH": str(len(body)),
               "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""), "GIT_CONFIG_NOSYSTEM": "1"}
        output = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, check=True).stdout
        headers, _, payload = output.partition(b"\r\n\r\n")
        fields = dict(line.split(": ", 1) for line in headers.decode().split("\r\n") if ": " in line)
        self.send_response(int(fields.pop("Status", "200").split()[0]))
        for name, value in fields.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served_remote(remote: Path) -> Iterator[tuple[str, list[str | None]]]:
    logins: list[str | None] = []
    handler = type("Host", (GitHost,), {"root": remote.parent, "logins": logins})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{remote.name}", logins
    server.shutdown()


def test_the_token_reaches_only_git_push(tmp_path: Path, site: Path, served_remote: tuple[str, list[str | None]],
                                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url, logins = served_remote
    publish_preview.bundle(site, tmp_path / "preview")
    monkeypatch.setenv("PR_NUMBER", "5")
    monkeypatch.setenv("PREVIEW_REMOTE", url)
    monkeypatch.setenv("PREVIEW_TOKEN", TOKEN)
    monkeypatch.setenv("PREVIEW_BASE_URL", PREVIEWS)
    assert publish_preview.main(["publish", "--bundle", str(tmp_path / "preview")]) == 1  # the host refuses every push
    captured = capsys.readouterr()
    assert "预览未发布：git push 失败" in captured.err and TOKEN not in captured.out + captured.err
    sent = [login for login in logins if login]
    assert sent and set(sent) == {"Basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()}
    assert len(logins) > len(sent)  # the clones asked for nothing


def test_a_remote_with_a_token_in_it_is_refused(tmp_path: Path, site: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    publish_preview.bundle(site, tmp_path / "preview")
    monkeypatch.setenv("PR_NUMBER", "5")
    monkeypatch.setenv("PREVIEW_BASE_URL", PREVIEWS)
    monkeypatch.setenv("PREVIEW_REMOTE", f"https://x-access-token:{TOKEN}@github.com/o/previews.git")
    assert publish_preview.main(["publish", "--bundle", str(tmp_path / "preview")]) == 1
    captured = capsys.readouterr()
    assert "预览未发布：PREVIEW_REMOTE 里不能带令牌或用户名" in captured.err and TOKEN not in captured.out + captured.err
    monkeypatch.setenv("PREVIEW_REMOTE", "http://127.0.0.1:1/none.git")
    monkeypatch.setenv("PREVIEW_TOKEN", TOKEN)
    assert publish_preview.main(["publish", "--bundle", str(tmp_path / "preview")]) == 1
    captured = capsys.readouterr()
    assert "预览未发布：git clone 失败" in captured.err and TOKEN not in captured.out + captured.err


@pytest.mark.parametrize("number", ["12; rm -rf /", "../1", "0", "", "12\n13"])
def test_pr_number_must_be_a_number(number: str) -> None:
    with pytest.raises(publish_preview.PreviewError, match="拉取请求编号无效"):
        publish_preview.pr_number(number)


# ---- the pull request's number comes from the triggering run, never from the artefact ----

HEAD = "a" * 40
REPO = "shequ/kb"


def run_event(**changes: object) -> dict:
    run = {"event": "pull_request", "head_sha": HEAD, "head_branch": "patch-1",
           "head_repository": {"owner": {"login": "stranger"}}, "pull_requests": []}
    run.update(changes)
    return run


def pull(number: object, sha: str = HEAD, base: str = REPO) -> dict:
    return {"number": number, "head": {"sha": sha}, "base": {"repo": {"full_name": base}}}


def no_lookup(repository: str, head: str) -> list[dict]:
    raise AssertionError("GitHub listed the pull request in the event; no API call is needed")


def test_pr_of_a_branch_of_this_repository_comes_from_the_event() -> None:
    run = run_event(pull_requests=[pull(7, sha="b" * 40), pull(12)])
    assert publish_preview.pull_request_of_run(run, REPO, no_lookup) == 12


def test_pr_of_a_fork_is_looked_up_by_the_runs_head_commit() -> None:
    asked: list[tuple[str, str]] = []

    def lookup(repository: str, head: str) -> list[dict]:
        asked.append((repository, head))
        return [pull(40, sha="c" * 40), pull(41), pull(42, base="stranger/kb")]

    assert publish_preview.pull_request_of_run(run_event(), REPO, lookup) == 41
    assert asked == [(REPO, "stranger:patch-1")]


@pytest.mark.parametrize(
    ("run", "found", "message"),
    [
        (run_event(event="push"), [], "不是拉取请求的构建"),
        (run_event(head_sha="$(id)"), [], "不是拉取请求的构建"),
        (run_event(), [], "找不到唯一一个"),
        (run_event(), [pull(3, sha="d" * 40)], "找不到唯一一个"),
        (run_event(), [pull(3), pull(4)], "找不到唯一一个"),
        (run_event(), [pull("3; rm -rf /")], "拉取请求编号无效"),
    ],
)
def test_pr_of_the_run_is_refused_unless_exactly_one_matches(run: dict, found: list[dict], message: str) -> None:
    with pytest.raises(publish_preview.PreviewError, match=message):
        publish_preview.pull_request_of_run(run, REPO, lambda repository, head: found)


def test_the_artefact_cannot_choose_the_pull_request(tmp_path: Path, site: Path, remote: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork's build writes what it likes into the artefact, e.g. another PR's number: it is ignored."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"workflow_run": run_event(pull_requests=[pull(8)])}), encoding="utf-8")
    output = tmp_path / "output"
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    assert publish_preview.main(["pr"]) == 0
    assert output.read_text(encoding="utf-8") == "number=8\n"
    out = publish_preview.bundle(site, tmp_path / "preview")
    (out / "pr-number").write_text("1\n", encoding="utf-8")  # the victim's pull request
    monkeypatch.setenv("PR_NUMBER", "8")
    monkeypatch.setenv("PREVIEW_REMOTE", str(remote))
    monkeypatch.setenv("PREVIEW_BASE_URL", PREVIEWS)
    assert publish_preview.main(["publish", "--bundle", str(out)]) == 0
    published = git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()
    assert "pr-8/index.html" in published and not any(name.startswith("pr-1/") for name in published)
    text = (WORKFLOWS / "preview.yml").read_text(encoding="utf-8") + (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pr-number" not in text and "PR_NUMBER: ${{ steps.pr.outputs.number }}" in text
