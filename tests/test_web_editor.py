"""The web editor (/admin/): forms made from the models, and an editor's save end to end."""

from __future__ import annotations

import shutil
import time
import typing
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from macros.cms import LOCAL_BACKEND, admin_page, decap_config
from macros.glossary_review import pending_names, project_converter
from macros.knowledge_base import load
from macros.models import MODEL_BY_KIND, REFERENCES
from tests.conftest import ROOT, _serve, build_site, copy_project
from tests.test_editor_guard import editor_backend, free_port

CONFIG = decap_config("shequ-gongzuofa/kb", "main", "https://example.org/kb/", None)


def collection(kind: str) -> dict:
    return next(c for c in CONFIG["collections"] if c["name"] == kind)


def form_field(kind: str, dotted: str) -> dict:
    fields = collection(kind)["fields"]
    for part in dotted.split("."):
        found = next(f for f in fields if f["name"] == part)
        fields = found.get("fields", [])
    return found


@pytest.mark.parametrize("kind", list(MODEL_BY_KIND))
def test_every_model_field_is_in_its_form_with_its_chinese_title(kind: str) -> None:
    model = MODEL_BY_KIND[kind]
    fields = collection(kind)["fields"]
    assert [f["name"] for f in fields] == list(model.model_fields)
    for field in fields:
        info = model.model_fields[field["name"]]
        assert field["label"] == info.title
        optional = type(None) in typing.get_args(info.annotation) or not info.is_required()
        if optional:
            assert field["required"] is False, field["name"]
    assert collection(kind)["folder"] == f"data/{kind}" and collection(kind)["slug"] == "{{fields.id}}"


def test_references_are_pickers_of_existing_records() -> None:
    for model, references in REFERENCES.items():
        for dotted, target in references.items():
            field = form_field(model.kind, dotted)
            assert field["widget"] == "relation" and field["collection"] == target and field["value_field"] == "id"
    assert form_field("sites", "sources")["multiple"] is True
    assert form_field("sites", "studio")["multiple"] is False


def test_closed_lists_are_selects_with_the_models_options() -> None:
    assert form_field("sites", "type")["options"] == ["示范点", "教学点", "实训基地", "服务阵地", "驿站"]
    assert "物业管理" in form_field("methods", "themes")["options"] and form_field("methods", "themes")["multiple"]
    assert [f["name"] for f in form_field("methods", "steps")["fields"]] == ["name", "detail"]


def test_saving_opens_a_pull_request_from_a_fork_and_nothing_is_loaded_from_elsewhere() -> None:
    assert CONFIG["publish_mode"] == "editorial_workflow"
    assert CONFIG["backend"] == {"name": "github", "repo": "shequ-gongzuofa/kb", "branch": "main",
                                 "open_authoring": True, "squash_merges": True, "use_graphql": True}
    page = admin_page("知识库<script>", None)
    assert '<script src="decap-cms.js"></script>' in page and "知识库&lt;script&gt;" in page
    csp = BeautifulSoup(page, "lxml").select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "connect-src 'self' https://api.github.com;" in csp and "local_backend" not in CONFIG
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    # On an editor's own machine (mkdocs serve), and only there, the local backend is allowed.
    local = BeautifulSoup(admin_page("知识库", None, LOCAL_BACKEND), "lxml")
    assert f"connect-src 'self' https://api.github.com {LOCAL_BACKEND};" in local.select_one(
        'meta[http-equiv="Content-Security-Policy"]')["content"]


# ---- end to end: a new demonstration site saved through the form -------------------------

@pytest.mark.browser
@pytest.mark.slow
def test_an_editor_adds_a_site_through_the_web_form(built_site: Path, tmp_path: Path, browser) -> None:
    project = copy_project(tmp_path / "project")
    port = free_port()
    served = tmp_path / "served"
    shutil.copytree(built_site / "admin", served / "admin")
    # The editor as `make editor` serves it (the published one names no local backend), with this
    # test's decap-server on its own port.
    local_backend = f"http://localhost:{port}"
    settings = decap_config("shequ-gongzuofa/kb", "main", "https://shequ-gongzuofa.github.io/kb/", None, local_backend)
    (served / "admin" / "config.yml").write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False),
                                                 encoding="utf-8")
    (served / "admin" / "index.html").write_text(admin_page("社区工作法知识库", None, local_backend), encoding="utf-8")
    studio = project / "data/studios/hongyan-jiayouzhan.yml"
    studio_name = yaml.safe_load(studio.read_text(encoding="utf-8"))["name"]

    off_site: list[str] = []
    for base in _serve(served):
        site_port = int(base.rstrip("/").rsplit(":", 1)[1])
        # make editor's own guarded backend, which answers only the pages of the site on this port
        with editor_backend(project, site_port, port, tmp_path / "backend.log"):
            admin = base.replace("127.0.0.1", "localhost") + "admin/"  # Decap uses a local backend only on localhost
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("request", lambda request: off_site.append(request.url)
                    if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:", "blob:")) else None)
            page.goto(admin)
            page.get_by_role("button", name="登录").click()
            page.goto(admin + "#/collections/sites/new")
            page.get_by_label("编号").fill("heping-linli-zhan")
            page.get_by_label("名称").fill("和平邻里驿站")
            page.get_by_label("一句话概括", exact=True).fill("社区里供居民歇脚、议事的小站。")
            pick(page, "来源", "红雁")
            pick(page, "类型", "驿站")
            pick(page, "所属工作室 (可选)", studio_name[:3])
            page.get_by_label("省（自治区、直辖市） (可选)").fill("辽宁省")
            page.get_by_label("市 (可选)").fill("沈阳市")
            page.get_by_label("区县 (可选)").fill("和平区")  # names the glossary does not have yet
            page.get_by_label("社区（村） (可选)").fill("新华社区")
            page.get_by_label("可以看到什么 (可选)").fill("居民议事角和便民服务台。")
            page.get_by_role("button", name="发布").click()
            page.get_by_text("立即发布").click()
            saved = project / "data/sites/heping-linli-zhan.yml"
            deadline = time.monotonic() + 15
            while not saved.is_file() and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            page.close()
    assert off_site == []
    assert saved.is_file(), "the form's save wrote no file into data/sites/"
    record = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert record["studio"] == "hongyan-jiayouzhan" and record["type"] == "驿站"
    assert record["sources"] == ["hongyan-report"]

    kb, problems = load(project / "data", None, project / "docs")
    assert problems == [], [p.as_text(project) for p in problems]
    pending = {name.name for name in pending_names(kb, project_converter(ROOT))}
    assert {"和平区", "新华社区"} <= pending  # listed for review; the build below still passes
    out = tmp_path / "site"
    result = build_site(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    page = BeautifulSoup((out / "sites/heping-linli-zhan/index.html").read_text(encoding="utf-8"), "lxml")
    assert page.h1.get_text(strip=True).startswith("和平邻里驿站")
    assert "居民议事角和便民服务台" in page.get_text()


def pick(page, label: str, typed: str) -> None:
    """Choose in one of Decap's pickers: type, wait for the options, take the first."""
    box = page.get_by_label(label)
    box.fill(typed)
    page.locator("[class*='option']").filter(has_text=typed).first.click()


# ---- the 参与编辑 page: every way in is a link ---------------------------------------------

def test_editing_links_are_escaped() -> None:
    from macros.editing import editing_paths

    text = editing_paths("https://example.org/kb/", "https://github.com/o/r", "main",
                         [("x.yml", "报告<img src=x onerror=alert(1)>", "说明](javascript:alert(1))")])
    import markdown

    html = BeautifulSoup(markdown.markdown(text, extensions=["def_list"]), "lxml")
    assert html.find("img") is None and "<img src=x" in html.get_text()
    assert [a["href"] for a in html.select("a")][-1] == "https://github.com/o/r/issues/new?template=x.yml"
    assert not any(a["href"].startswith("javascript:") for a in html.select("a"))


@pytest.mark.build
def test_the_editing_page_links_the_editor_the_guide_and_every_issue_form(built_site: Path) -> None:
    page = BeautifulSoup((built_site / "editing/index.html").read_text(encoding="utf-8"), "lxml").select_one("article")
    hrefs = {a["href"] for a in page.select("a[href]")}
    repo = "https://github.com/shequ-gongzuofa/kb"
    assert any(h.endswith("/admin/") for h in hrefs)
    assert f"{repo}/blob/main/CONTRIBUTING.md" in hrefs
    for form in (ROOT / ".github/ISSUE_TEMPLATE").glob("*.yml"):
        if form.name != "config.yml":
            assert f"{repo}/issues/new?template={form.name}" in hrefs, form.name
    assert (built_site / "admin/index.html").is_file() and (built_site / "admin/decap-cms.js").is_file()
    config = yaml.safe_load((built_site / "admin/config.yml").read_text(encoding="utf-8"))
    assert [c["name"] for c in config["collections"]][:5] == list(MODEL_BY_KIND)
