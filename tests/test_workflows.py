"""GitHub workflows, templates and the preview publisher: safe for forks, every step through make."""

from __future__ import annotations

import re
import subprocess
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
    assert "contents" in preview["permissions"] and preview["permissions"]["contents"] == "read"
    job = preview["jobs"]["publish"]
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
    assert titles == {"推荐工作法", "推荐工作室或项目", "推荐书记或导师", "推荐示范点或阵地", "报告错误", "补充来源"}
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
    out = publish_preview.bundle(site, "12", tmp_path / "preview")
    assert (out / "pr-number").read_text(encoding="utf-8") == "12\n"
    url = publish_preview.publish(out, str(remote), "https://example.org/kb-previews/")
    assert url == "https://example.org/kb-previews/pr-12/"
    files = git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()
    assert {"README.md", ".nojekyll", "pr-12/index.html", "pr-12/methods/x/index.html"} <= set(files)
    # A second push replaces the PR's folder: removed pages disappear.
    (site / "methods/x/index.html").unlink()
    publish_preview.publish(publish_preview.bundle(site, "12", tmp_path / "preview"), str(remote), "")
    assert "pr-12/methods/x/index.html" not in git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()


@pytest.mark.parametrize("number", ["12; rm -rf /", "../1", "0", "", "12\n13"])
def test_pr_number_from_the_artefact_must_be_a_number(number: str) -> None:
    with pytest.raises(publish_preview.PreviewError, match="拉取请求编号无效"):
        publish_preview.pr_number(number)


def test_publish_refuses_links_out_of_the_artefact(tmp_path: Path, site: Path, remote: Path) -> None:
    out = publish_preview.bundle(site, "3", tmp_path / "preview")
    (out / "site/secret").symlink_to("/etc/passwd")
    with pytest.raises(publish_preview.PreviewError, match="符号链接"):
        publish_preview.publish(out, str(remote), "")
    assert "pr-3" not in git("ls-tree", "-r", "--name-only", "main", cwd=remote)


def test_publish_never_prints_the_remote(tmp_path: Path, site: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    publish_preview.bundle(site, "5", tmp_path / "preview")
    secret = "https://x-access-token:SECRET@127.0.0.1:1/none.git"
    monkeypatch.setenv("PREVIEW_REMOTE", secret)
    code = publish_preview.main(["publish", "--bundle", str(tmp_path / "preview")])
    captured = capsys.readouterr()
    assert code == 1 and "预览未发布：git clone 失败" in captured.err
    assert "SECRET" not in captured.out + captured.err
