"""GitHub workflows, templates and the preview publisher: safe for forks, every step through make."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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
