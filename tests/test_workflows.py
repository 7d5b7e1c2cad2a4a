"""GitHub workflows and templates: safe for forks, deploy only what the tests passed, every step through make.

The preview publisher's own tests are in tests/test_publish_preview.py."""

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


def uses(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(f"actions/{action}@")]


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


TEST_JOBS = ["checks", "build", "site-tests", "browser-tests"]  # the checks branch protection requires


def test_ci_checks_builds_once_and_tests_that_site_in_parallel_jobs() -> None:
    ci = workflow("ci.yml")
    assert "pull_request" in ci["on"] and "pull_request_target" not in ci["on"]
    assert ci["permissions"] == {}
    jobs = ci["jobs"]
    assert [job.get("name") for job in (jobs[name] for name in TEST_JOBS)] == TEST_JOBS
    assert runs(jobs["checks"]) == ["make validate FORMAT=github EVIDENCE=1", "make lint"]
    assert runs(jobs["build"]) == ["make build", "make preview-bundle"]
    assert [job_name for job_name, job in jobs.items() if "make build" in runs(job)] == ["build"]  # one build
    assert uses(jobs["build"], "checkout")[0]["with"]["fetch-depth"] == 0  # page dates need the history
    site, preview = uses(jobs["build"], "upload-artifact")
    assert site["with"]["name"] == "site" and site["with"]["path"] == "site/" and "if" not in site
    # The preview bundle is uploaded by the build job itself, as soon as the site is built.
    assert preview["with"]["name"] == "site-preview" and preview["if"] == "github.event_name == 'pull_request'"
    for name, target in (("site-tests", "make test-site"), ("browser-tests", "make test-browser")):
        job = jobs[name]
        assert job["needs"] == "build"
        assert [step["with"] for step in uses(job, "download-artifact")] == [{"name": "site", "path": "site/"}]
        step = next(step for step in job["steps"] if "run" in step)
        assert step["run"] == target and step["env"] == {"KB_SITE_DIR": "site"}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert 'test-site: setup\n\t$(PYTEST) -m "not browser"\n' in makefile
    assert "test-browser: setup browser\n\t$(PYTEST) -m browser\n" in makefile
    assert "make test\n" in (ROOT / ".ci/run").read_text(encoding="utf-8")  # the README's one command


def test_pages_are_deployed_only_from_main_after_every_check_passed() -> None:
    ci = workflow("ci.yml")
    deploy = ci["jobs"]["deploy"]
    assert deploy["needs"] == TEST_JOBS
    assert deploy["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    # What is deployed is the build the tests ran on, uploaded for Pages on main only.
    pages = uses(ci["jobs"]["build"], "upload-pages-artifact")
    assert len(pages) == 1 and pages[0]["if"] == deploy["if"] and pages[0]["with"]["path"] == "site"
    deploying = [path.name for path in WORKFLOWS.glob("*.yml") if "deploy-pages@" in path.read_text(encoding="utf-8")]
    assert deploying == ["ci.yml"], "no other workflow may deploy without waiting for the checks"


def test_external_link_job_does_not_block() -> None:
    job = workflow("ci.yml")["jobs"]["external-links"]
    assert job["continue-on-error"] is True and job["needs"] == "build"
    assert runs(job) == ["make linkcheck"]
    assert [step["with"]["name"] for step in uses(job, "download-artifact")] == ["site"]


def test_preview_is_published_by_workflow_run_after_approval_without_running_fork_code() -> None:
    preview = workflow("preview.yml")
    assert preview["on"] == {"workflow_run": {"workflows": ["ci"], "types": ["completed"]}}
    job = preview["jobs"]["publish"]
    assert job["environment"] == "previews"  # its required reviewers approve each run (CONTRIBUTING.md)
    assert "github.event.workflow_run.conclusion == 'success'" in job["if"]
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    checkout = uses(job, "checkout")[0]
    assert "ref" not in checkout.get("with", {}), "never check out the pull request's code"
    download = uses(job, "download-artifact")[0]
    assert download["with"]["name"] == "site-preview"
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    publish = next(step for step in job["steps"] if step.get("run") == "make preview-publish")
    assert publish["env"]["PREVIEW_REMOTE"] == "https://github.com/${{ vars.PREVIEW_REPO }}.git"  # no token in the URL
    assert publish["env"]["PREVIEW_TOKEN"] == "${{ secrets.PREVIEW_TOKEN }}"
    text = (WORKFLOWS / "preview.yml").read_text(encoding="utf-8")
    assert "head_sha" not in text and "pull_request_target" not in text
    assert text.count("head_branch") == 1 and "head_branch" in preview["concurrency"]["group"]  # the only use


def test_preview_removal_never_checks_out_or_runs_the_pull_requests_code() -> None:
    """pull_request_target runs with the token: the job may only delete pr-<N>/, from the base repository's code."""
    remove = workflow("preview-remove.yml")
    assert remove["on"] == {"pull_request_target": {"types": ["closed"]}}
    assert remove["permissions"] == {} and list(remove["jobs"]) == ["remove"]
    job = remove["jobs"]["remove"]
    assert job["permissions"] == {"contents": "read"} and job["environment"] == "previews-cleanup"
    assert [step.get("uses", "").split("@")[0] or step["run"] for step in job["steps"]] == ["actions/checkout",
                                                                                          "make preview-remove"]
    assert job["steps"][0]["with"] == {"persist-credentials": False}  # no ref: the base branch's commit
    assert job["steps"][1]["env"]["PR_NUMBER"] == "${{ github.event.pull_request.number }}"
    text = (WORKFLOWS / "preview-remove.yml").read_text(encoding="utf-8")
    assert "pull_request.head" not in text and "merge_commit" not in text and "artifact" not in text


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
    for name in ("ci.yml", "preview.yml", "preview-remove.yml"):
        data = workflow(name)
        assert data["permissions"] == {}, name
        for job_name, job in data["jobs"].items():
            writes = {key for key, value in job["permissions"].items() if value == "write"}
            allowed = {("ci.yml", "deploy"): {"pages", "id-token"}, ("preview.yml", "publish"): {"pull-requests"}}
            assert writes == allowed.get((name, job_name), set()), (name, job_name)
        for step in steps(data):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
    preview = workflow("preview.yml")["jobs"]["publish"]
    assert preview["permissions"] == {"contents": "read", "actions": "read", "pull-requests": "write"}


def test_no_workflow_runs_a_forks_code_with_secrets_or_write_access() -> None:
    for name in ("ci.yml", "preview.yml", "preview-remove.yml"):
        data = workflow(name)
        assert ("pull_request_target" in data["on"]) == (name == "preview-remove.yml"), name
        for step in steps(data):
            assert "ref" not in step.get("with", {}), (name, "never check out another commit than the event's")
    ci_text = (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    assert "secrets." not in ci_text


def zizmor(*args: str) -> list[dict]:
    result = subprocess.run([str(Path(sys.executable).with_name("zizmor")), "--offline", "--format", "json", *args],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.stdout.strip().startswith("["), result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("persona", ["regular", "auditor"])
def test_zizmor_finds_nothing(persona: str) -> None:
    findings = zizmor("--persona", persona, str(WORKFLOWS))
    left = [f"{f['ident']}: {f['desc']} ({f['locations'][0]['symbolic']['key']})" for f in findings if not f.get("ignored")]
    assert left == []


def test_zizmor_catches_what_the_workflows_must_not_do(tmp_path: Path) -> None:
    """The check above can fail: a workflow with an unpinned action and an injected expression is caught."""
    folder = tmp_path / ".github/workflows"
    folder.mkdir(parents=True)
    (folder / "bad.yml").write_text("on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                                    "      - uses: actions/checkout@v4\n"
                                    "      - run: echo ${{ github.event.pull_request.title }}\n", encoding="utf-8")
    found = {f["ident"] for f in zizmor(str(folder)) if f["determinations"]["severity"] in ("Medium", "High")}
    assert {"unpinned-uses", "template-injection"} <= found


def test_each_zizmor_exception_is_a_trigger_justified_by_tests_that_exist() -> None:
    """The two triggers that hold the token near a pull request's data are ignored only with the tests
    replaying the attacks named right above them; a renamed or deleted test breaks this."""
    ignores = [(path.name, line.strip()) for path in sorted(WORKFLOWS.glob("*.yml"))
               for line in path.read_text(encoding="utf-8").splitlines() if "zizmor:" in line]
    assert ignores == [("preview-remove.yml", "pull_request_target:  # zizmor: ignore[dangerous-triggers]"),
                       ("preview.yml", "workflow_run:  # zizmor: ignore[dangerous-triggers]")]
    for name, must_name in (("preview.yml", "test_fsmonitor_attack_of_a_forks_artefact_runs_nothing"),
                            ("preview-remove.yml", "test_preview_removal_never_checks_out_or_runs_the_pull_requests_code")):
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        comment = re.search(r"((?:^  #.*\n)+)^  \w+:  # zizmor", text, re.M).group(1)
        named = re.findall(r"(tests/test_\w+\.py)::(test_\w+)", comment)
        assert must_name in {test for _path, test in named}, name
        for path, test in named:
            assert f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), (name, path, test)
