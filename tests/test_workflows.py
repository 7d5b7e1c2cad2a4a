"""GitHub workflows, templates and the preview publisher: safe for forks, every step through make."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scripts import publish_preview
from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github/workflows"


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(data: dict) -> list[dict]:
    return [step for job in data["jobs"].values() for step in job["steps"]]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_run_step_calls_an_existing_make_target(name: str) -> None:
    targets = make_targets()
    for step in steps(workflow(name)):
        if "run" in step:
            command = step["run"].strip()
            assert command.startswith("make "), (name, command)
            assert command.split()[1] in targets, (name, command)


def test_pull_request_workflow_validates_builds_tests_and_uploads_the_preview() -> None:
    ci = workflow("ci.yml")
    assert "pull_request" in ci["on"] and "pull_request_target" not in ci["on"]
    assert ci["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in ci["jobs"]["test"]["steps"]]
    assert runs.index("make validate FORMAT=github") < runs.index("make build") < runs.index("make test")
    upload = next(s for s in ci["jobs"]["test"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "site-preview" and upload["if"] == "github.event_name == 'pull_request'"
    assert "secrets." not in (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    checkout = ci["jobs"]["test"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0  # page dates need the history


def test_external_link_job_does_not_block() -> None:
    job = workflow("ci.yml")["jobs"]["external-links"]
    assert job["continue-on-error"] is True
    assert [s["run"] for s in job["steps"] if "run" in s] == ["make build", "make linkcheck"]


def test_preview_is_published_by_workflow_run_without_running_fork_code() -> None:
    preview = workflow("preview.yml")
    assert preview["on"] == {"workflow_run": {"workflows": ["ci"], "types": ["completed"]}}
    job = preview["jobs"]["publish"]
    assert job["permissions"]["contents"] == "read"
    assert "github.event.workflow_run.conclusion == 'success'" in job["if"]
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    checkout = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert "ref" not in checkout.get("with", {}), "never check out the pull request's code"
    download = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/download-artifact@"))
    assert download["with"]["name"] == "site-preview"
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    text = (WORKFLOWS / "preview.yml").read_text(encoding="utf-8")
    assert "head_sha" not in text and "head_branch" not in text and "pull_request_target" not in text


def test_issue_forms_and_pull_request_template() -> None:
    forms = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (ROOT / ".github/ISSUE_TEMPLATE").glob("*.yml")}
    titles = {form["name"] for name, form in forms.items() if name != "config"}
    assert titles == {"推荐工作法", "推荐工作室或项目", "推荐书记或导师", "推荐示范点或阵地", "报告错误", "补充来源", "我用过这个方法"}
    for name, form in forms.items():
        if name == "config":
            continue
        assert form["description"] and form["body"]
        ids = [item["id"] for item in form["body"] if "id" in item]
        assert len(ids) == len(set(ids)), name
        assert any(item.get("validations", {}).get("required") for item in form["body"]), name
    template = (ROOT / ".github/PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert "python -m scripts.validate" in template and "- [ ]" in template


# ---- the preview publisher -----------------------------------------------------


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    (folder / "methods/x").mkdir(parents=True)
    (folder / "index.html").write_text("<h1>首页</h1>", encoding="utf-8")
    (folder / "methods/x/index.html").write_text("<h1>工作法</h1>", encoding="utf-8")
    return folder


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


def test_bundle_then_publish_into_the_previews_repository(tmp_path: Path, site: Path, remote: Path) -> None:
    out = publish_preview.bundle(site, tmp_path / "preview")
    url = publish_preview.publish(out, 12, str(remote), "https://example.org/kb-previews/")
    assert url == "https://example.org/kb-previews/pr-12/"
    files = git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()
    assert {"README.md", ".nojekyll", "pr-12/index.html", "pr-12/methods/x/index.html"} <= set(files)
    # A second push replaces the PR's folder: removed pages disappear.
    (site / "methods/x/index.html").unlink()
    publish_preview.publish(publish_preview.bundle(site, tmp_path / "preview"), 12, str(remote), "")
    assert "pr-12/methods/x/index.html" not in git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()


@pytest.mark.parametrize("number", ["12; rm -rf /", "../1", "0", "", "12\n13"])
def test_pr_number_must_be_a_number(number: str) -> None:
    with pytest.raises(publish_preview.PreviewError, match="拉取请求编号无效"):
        publish_preview.pr_number(number)


def test_publish_refuses_links_out_of_the_artefact(tmp_path: Path, site: Path, remote: Path) -> None:
    out = publish_preview.bundle(site, tmp_path / "preview")
    (out / "site/secret").symlink_to("/etc/passwd")
    with pytest.raises(publish_preview.PreviewError, match="符号链接"):
        publish_preview.publish(out, 3, str(remote), "")
    assert "pr-3" not in git("ls-tree", "-r", "--name-only", "main", cwd=remote)


def test_publish_never_prints_the_remote(tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    publish_preview.bundle(site, tmp_path / "preview")
    secret = "https://x-access-token:SECRET@127.0.0.1:1/none.git"
    monkeypatch.setenv("PREVIEW_REMOTE", secret)
    monkeypatch.setenv("PR_NUMBER", "5")
    code = publish_preview.main(["publish", "--bundle", str(tmp_path / "preview")])
    captured = capsys.readouterr()
    assert code == 1 and "预览未发布：git clone 失败" in captured.err
    assert "SECRET" not in captured.out + captured.err


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
    assert publish_preview.main(["publish", "--bundle", str(out)]) == 0
    published = git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()
    assert "pr-8/index.html" in published and not any(name.startswith("pr-1/") for name in published)
    text = (WORKFLOWS / "preview.yml").read_text(encoding="utf-8") + (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pr-number" not in text and "PR_NUMBER: ${{ steps.pr.outputs.number }}" in text


# ---- fork safety of every workflow ---------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_no_expression_is_interpolated_into_a_run_line(name: str) -> None:
    """`${{ github.event.* }}` (or anything else) in a run: line is shell code an attacker may write; use env."""
    for step in steps(workflow(name)):
        assert "${{" not in step.get("run", ""), (name, step)


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_action_is_pinned_to_a_commit_with_its_tag_beside_it(name: str) -> None:
    lines = [line for line in (WORKFLOWS / name).read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}  # v\d+(\.\d+)*$", line), (name, line)


def test_permissions_only_on_the_jobs_that_need_them() -> None:
    pages = workflow("pages.yml")
    assert pages["permissions"] == {}
    assert pages["jobs"]["build"]["permissions"] == {"contents": "read"}  # it runs the page templates
    assert pages["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert not any("run" in step for step in pages["jobs"]["deploy"]["steps"])
    preview = workflow("preview.yml")
    assert preview["permissions"] == {}
    assert preview["jobs"]["publish"]["permissions"] == {"contents": "read", "actions": "read", "pull-requests": "write"}
    assert preview["jobs"]["publish"]["environment"] == "previews"
    for name in ("ci.yml", "pages.yml", "preview.yml"):
        for step in steps(workflow(name)):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name


def test_no_workflow_runs_a_forks_code_with_secrets_or_write_access() -> None:
    for name in ("ci.yml", "pages.yml", "preview.yml"):
        data = workflow(name)
        assert "pull_request_target" not in data["on"], name
        for step in steps(data):
            assert "ref" not in step.get("with", {}), (name, "never check out another commit than the event's")
    ci_text = (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    assert "secrets." not in ci_text and "write" not in ci_text


def zizmor(*args: str) -> list[dict]:
    result = subprocess.run([str(Path(sys.executable).with_name("zizmor")), "--offline", "--format", "json", *args],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.stdout.strip().startswith("["), result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("persona", ["regular", "auditor"])
def test_zizmor_finds_nothing_of_medium_severity_or_above(persona: str) -> None:
    findings = zizmor("--persona", persona, str(WORKFLOWS))
    serious = [f"{f['ident']}: {f['desc']} ({f['locations'][0]['symbolic']['key']})" for f in findings
               if f["determinations"]["severity"] in ("Medium", "High") and not f.get("ignored")]
    assert serious == []


def test_zizmor_catches_what_the_workflows_must_not_do(tmp_path: Path) -> None:
    """The check above can fail: a workflow with an unpinned action and an injected expression is caught."""
    folder = tmp_path / ".github/workflows"
    folder.mkdir(parents=True)
    (folder / "bad.yml").write_text("on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                                    "      - uses: actions/checkout@v4\n"
                                    "      - run: echo ${{ github.event.pull_request.title }}\n", encoding="utf-8")
    found = {f["ident"] for f in zizmor(str(folder)) if f["determinations"]["severity"] in ("Medium", "High")}
    assert {"unpinned-uses", "template-injection"} <= found


def test_the_one_zizmor_exception_is_the_justified_workflow_run_trigger() -> None:
    ignores = [(path.name, line.strip()) for path in WORKFLOWS.glob("*.yml")
               for line in path.read_text(encoding="utf-8").splitlines() if "zizmor:" in line]
    assert ignores == [("preview.yml", "workflow_run:  # zizmor: ignore[dangerous-triggers]")]
