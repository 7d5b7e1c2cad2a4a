"""The shared build, for trainers and readers: handouts, short links, stable paths, training pages, pictures."""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from mkdocs.config import load_config

from macros import figures, handout, render, training
from macros.anchors import ALIAS_CLASS
from scripts.published_paths import read_list
from tests.conftest import ROOT, project_kb
from tests.pages import ParsedPages

pytestmark = pytest.mark.build

KB = project_kb()
CONFIG = load_config(str(ROOT / "mkdocs.yml"))
SITE_URL = CONFIG["site_url"]


def redirect_target(site_pages: ParsedPages, page: Path) -> str | None:
    """Where a mkdocs-redirects page sends the reader (relative to the page), or None."""
    tag = site_pages(page).find("meta", attrs={"http-equiv": "refresh"})
    return tag["content"].split("url=", 1)[1] if tag else None


def resolve(site_pages: ParsedPages, site: Path, path: str) -> Path | None:
    """The page a published path leads to, following redirects; None if it leads nowhere."""
    for _ in range(5):
        target = site / path / "index.html"
        if not target.is_file():
            return None
        redirect = redirect_target(site_pages, target)
        if redirect is None:
            return target
        path = urlsplit(urljoin("http://x/" + path, redirect)).path.lstrip("/")
    return None


def test_every_printable_page_ends_with_its_own_address_qr_and_files(built_site: Path, site_pages: ParsedPages) -> None:
    commit = os.environ.get("GITHUB_SHA") or subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    short_host = CONFIG["extra"]["short_host"]
    for kind, prefix in (("methods", "m"), ("studios", "s")):
        for record_id in KB.of_kind(kind):
            page = site_pages(built_site / f"{kind}/{record_id}/index.html")
            block = page.select_one("details.kb-page-meta .kb-qr")  # folded with the editors' matter
            assert block is not None and not block.select("svg"), (kind, record_id)
            assert page.select_one(".kb-print-footer svg.kb-qr-code[role=img][viewBox]"), (kind, record_id)
            short_text = handout.short_link_text(short_host, f"{prefix}/{record_id}/")
            link = block.select_one("a.kb-short-link")
            assert link["href"] == f"{SITE_URL}{prefix}/{record_id}/" and link.get_text() == short_text
            versions = [a["href"] for a in block.select(".kb-version a")]
            assert versions == [f"{CONFIG['repo_url']}/blob/{commit}/docs/{kind}/{record_id}.md",
                                f"{CONFIG['repo_url']}/blob/{commit}/data/{kind}/{record_id}.yml"]
            assert commit[:7] in block.select_one(".kb-version-id").get_text()
            footer = page.select_one(".kb-print-footer").get_text()
            assert f"短链接：{short_text}" in footer and f"本页网址：{SITE_URL}{kind}/{record_id}/" in footer
    for folder, prefix, ids in (("training", "t", KB.methods), ("training/cards", "c", KB.methods),
                                ("training/visits", "v", KB.sites)):
        for record_id in ids:
            path = f"{folder}/{record_id}/"
            footer = site_pages(built_site / f"{path}index.html").select_one(".kb-print-footer")
            short_text = handout.short_link_text(short_host, f"{prefix}/{record_id}/")
            assert f"本页网址：{SITE_URL}{path}短链接：{short_text}" in footer.get_text(), path
            assert footer.select_one("svg")["aria-label"] == f"本页网址的二维码：{SITE_URL}{path}"


def test_short_links_lead_to_their_pages(built_site: Path, site_pages: ParsedPages) -> None:
    for folder, prefix, kind in (("methods", "m", "methods"), ("studios", "s", "studios"), ("mentors", "p", "mentors"),
                                 ("sites", "d", "sites"), ("training", "t", "methods"), ("training/cards", "c", "methods"),
                                 ("training/visits", "v", "sites")):
        for record_id in KB.of_kind(kind):
            assert redirect_target(site_pages, built_site / prefix / record_id / "index.html") == f"../../{folder}/{record_id}/"
            assert resolve(site_pages, built_site, f"{prefix}/{record_id}/") == built_site / folder / record_id / "index.html"


def test_no_published_path_or_anchor_disappears(built_site: Path, site_pages: ParsedPages) -> None:
    """data/published-paths.txt only grows; a renamed page needs a line in data/redirects.yml."""
    published = read_list()
    assert len(published) > 2 * (len(KB.methods) + len(KB.studios))
    lost = []
    ids: dict[Path, set[str]] = {}
    for entry in published:
        path, _, anchor = entry.partition("#")
        target = resolve(site_pages, built_site, "" if path == "./" else path)
        if target is None:
            lost.append(f"{entry}：页面不见了，请在 data/redirects.yml 加一条重定向")
            continue
        if anchor and target not in ids:
            ids[target] = set(re.findall(r'\sid="([^"]+)"', target.read_text(encoding="utf-8")))
        if anchor and anchor not in ids[target]:
            lost.append(f"{entry}：锚点不见了")
    assert not lost, "\n".join(lost[:30])


def test_step_and_section_anchors_keep_their_names(built_site: Path, site_pages: ParsedPages) -> None:
    for method in KB.methods.values():
        page = site_pages(built_site / f"methods/{method.id}/index.html")
        ids = {tag["id"] for tag in page.select("[id]") if ALIAS_CLASS not in tag.get("class", [])}
        assert {f"step-{n}" for n in range(1, len(method.steps) + 1)} <= ids
        # 三步调解法 keeps #how without steps: it heads what 寇庆阳 worked out himself.
        assert ("how" in ids) >= bool(method.steps) and ("who" in ids) == bool(method.roles)
        assert ("results" in ids) == bool(method.results) and "sources" in ids


def test_method_pages_are_tagged_with_their_themes(built_site: Path, site_pages: ParsedPages) -> None:
    tags_page = site_pages(built_site / "tags/index.html")
    for method in KB.methods.values():
        page = site_pages(built_site / f"methods/{method.id}/index.html")
        assert sorted(t.get_text(strip=True) for t in page.select(".md-tag")) == sorted(method.themes)
    for theme in {t for m in KB.methods.values() for t in m.themes}:
        assert tags_page.find(id=f"tag:{theme}") is not None, theme


def test_related_methods_include_those_sharing_a_theme(built_site: Path, site_pages: ParsedPages) -> None:
    method = next(m for m in KB.methods.values() if render.related_method_ids(KB, m))
    section = site_pages(built_site / f"methods/{method.id}/index.html").find(id="related").find_next("ul")
    names = [a.get_text() for a in section.select("a")]
    assert names == [KB.methods[i].name for i in render.related_method_ids(KB, method)]


def test_training_plan_and_card_for_every_method(built_site: Path, site_pages: ParsedPages) -> None:
    index = site_pages(built_site / "training/index.html").get_text()
    # The index names the first INDEX_SHOWN methods and says where the rest are; every method has its plan.
    assert all(method.name in index for method in list(KB.methods.values())[:training.INDEX_SHOWN])
    assert ("这里列出前" in index) == (len(KB.methods) > training.INDEX_SHOWN)
    for method in KB.methods.values():
        plan = site_pages(built_site / f"training/{method.id}/index.html")
        assert plan.h1.get_text(strip=True).startswith(f"{method.name}：培训方案")
        assert "还没有" not in plan.article.get_text()  # a plan never tells the trainer what the page lacks
        minutes = [int(re.search(r"(\d+) 分钟", row.select("td")[0].get_text(" ")).group(1))
                   for row in plan.find(id="agenda").find_next("table").select("tbody tr")]
        assert sum(minutes) in training.LENGTHS and f"{sum(minutes)} 分钟" in plan.select_one(".kb-plan-block").get_text()
        # Every exercise the page states is scheduled at its own time, or the plan says what it cut.
        case_md, section = training.method_sections(page_md := (ROOT / "docs/methods" / f"{method.id}.md").read_text(encoding="utf-8"))
        rows = {row.select("td")[1].get_text(): row.select("td")[2].get_text() for row in plan.find(id="agenda").find_next("table").select("tbody tr")}
        text = plan.article.get_text()
        for exercise in training.exercises(section):
            assert exercise.kind in rows and (f"约 {exercise.minutes} 分钟" in rows[exercise.kind] or "缩短" in text), method.id
        assert ("休息" in rows) == (sum(minutes) >= 90), method.id
        assert plan.find(id="prepare") is not None
        # No time for steps or a case the sources do not give: the block 已知与待问 says so instead.
        assert (plan.find(id="unknown") is not None) == bool(training.unknowns(method, case_md)), method.id
        assert ("讲解“怎么做”" in rows) == any(step.detail for step in method.steps), method.id
        assert ("案例复盘" in rows) == bool(case_md), method.id
        case = re.search(r"^## 案例\n+(.+)$", page_md, re.MULTILINE)
        assert (plan.find(id="case") is not None) == bool(case), method.id
        if case:  # the case told on the method page is the case the plan retells
            first_words = BeautifulSoup(case.group(1), "lxml").get_text()[:12]
            assert first_words in plan.find(id="case").find_next("p").get_text(), method.id
        assert (plan.find(id="how") is not None) == bool(method.steps)
        card = site_pages(built_site / f"training/cards/{method.id}/index.html")
        assert [li["id"] for li in card.select(".kb-steps li")] == [f"step-{n}" for n in range(1, len(method.steps) + 1)]


def test_a_method_page_links_its_plan_card_session_and_feedback_form(built_site: Path, site_pages: ParsedPages) -> None:
    for method in KB.methods.values():
        links = site_pages(built_site / f"methods/{method.id}/index.html").select(".kb-training-links a")
        hrefs = {a.get_text(): a["href"] for a in links}
        assert hrefs["培训方案"] == f"../../training/{method.id}/"
        assert hrefs["工作法卡片"] == f"../../training/cards/{method.id}/"
        assert hrefs["用它组一堂课"] == f"../../training/session/?methods={method.id}"
        mailbox = CONFIG["extra"]["feedback_email"]
        if mailbox:
            mail = urlsplit(hrefs["我用过这个方法（发邮件）"])
            assert mail.scheme == "mailto" and unquote(mail.path) == mailbox
            assert parse_qs(mail.query)["subject"] == [f"用过：{method.name}"]
        else:  # no mailbox set: no mail link that would go nowhere
            assert not any(href.startswith("mailto:") for href in hrefs.values())
        feedback = urlsplit(hrefs["我用过这个方法（GitHub 表格）"])
        assert f"{feedback.scheme}://{feedback.netloc}{feedback.path}" == f"{CONFIG['repo_url']}/issues/new"
        query = parse_qs(feedback.query)
        assert query["template"] == ["used-method.yml"] and query["method"] == [f"{method.name}（{method.id}）"]
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/used-method.yml").read_text(encoding="utf-8"))
    fields = {item["id"]: item["attributes"]["label"] for item in form["body"] if "id" in item}
    assert set(fields) == {"method", "community", "when", "worked", "did-not-work"}
    assert "不问任何个人信息" in form["body"][0]["attributes"]["value"]


def test_a_visit_sheet_for_every_site_and_the_session_data(built_site: Path, site_pages: ParsedPages) -> None:
    for site in KB.sites.values():
        sheet = site_pages(built_site / f"training/visits/{site.id}/index.html")
        assert sheet.h1.get_text(strip=True).startswith(f"观摩：{site.name}")
        questions = sheet.find(id="ask").find_next("ul").select("li")
        assert len(questions) >= 2
        assert (sheet.find(id="look") is not None) == bool(site.shows)
        assert not re.search(r"1[3-9]\d{9}", sheet.article.get_text())  # never a person's phone
    data = json.loads((built_site / "training/session.json").read_text(encoding="utf-8"))
    assert set(data["methods"]) == set(KB.methods) and set(data["sites"]) == set(KB.sites)


def test_charts_count_what_the_data_holds(built_site: Path, site_pages: ParsedPages) -> None:
    page = site_pages(built_site / "explore/charts/index.html")
    charts = page.select("svg.kb-chart")
    assert len(charts) == 2
    shown = {a["aria-label"] for a in charts[0].select("a")}
    expected = {f"{b.label}：{b.value}个" for b in figures.theme_bars(KB, "explore/charts.md")}
    assert shown == expected
    for chart in charts:
        ET.fromstring(str(chart))


def test_timeline_and_lineage_are_drawn_from_the_data(built_site: Path, site_pages: ParsedPages) -> None:
    timeline = site_pages(built_site / "explore/timeline/index.html")
    for event in figures.timeline_events(KB):
        assert timeline.find(id=f"y{event.year}") is not None
    labels = " ".join(a["aria-label"] for a in timeline.select("svg a"))
    assert all(e.name in labels for e in figures.timeline_events(KB))
    lineage = site_pages(built_site / "explore/lineage/index.html")
    assert lineage.select_one("svg.kb-lineage-graph") is None  # never one picture of everything
    studio = next(s for s in KB.studios if KB.methods_of_studio.get(s))
    assert f"../../studios/{studio}/" in {a["href"] for a in lineage.select(".kb-network a")}


def test_internal_links_print_as_addresses(built_site: Path, site_pages: ParsedPages) -> None:
    method = next(iter(KB.methods.values()))
    page = site_pages(built_site / f"methods/{method.id}/index.html")
    studio_links = [a for a in page.select("article a[data-print]") if "/studios/" in a["href"]]
    for a in studio_links:
        studio_id = unquote(a["href"]).rstrip("/").rsplit("/", 1)[1]
        assert a["data-print"] == f"{SITE_URL}s/{studio_id}/"


HEADING = re.compile(r"^h([1-6])$")


def empty_headings(article) -> list[str]:
    """Headings with nothing under them: no text, picture or table before the next heading of the
    same or a higher level (or the end of the article)."""
    tokens: list[tuple[int, str] | None] = []  # (level, heading text) for a heading, None for content
    for node in article.descendants:
        if getattr(node, "name", None) and HEADING.match(node.name):
            tokens.append((int(node.name[1]), node.get_text(" ", strip=True).rstrip("¶").strip()))
        elif getattr(node, "name", None) in ("svg", "img", "table", "input") or node.name is None and node.strip() and not node.find_parent(HEADING):
            tokens.append(None)
    empty = []
    for index, token in enumerate(tokens):
        if token is None:
            continue
        level, text = token
        following = next((t for t in tokens[index + 1:] if t is None or t[0] <= level), "end")
        if following is not None:
            empty.append(text)
    return empty


def test_no_generated_page_has_a_heading_with_nothing_under_it(built_site: Path, site_pages: ParsedPages) -> None:
    problems = {}
    for page in sorted(built_site.rglob("index.html")):
        article = site_pages(page).select_one("article.md-content__inner")
        if article is not None and (empty := empty_headings(article)):
            problems[str(page.relative_to(built_site))] = empty
    assert not problems, problems


def test_the_empty_heading_check_finds_what_it_looks_for() -> None:
    article = BeautifulSoup('<article><h1>T</h1><p>x</p><h2>A</h2><h2>B</h2><h3>B1</h3><svg></svg>'
                            '<h2>C ¶</h2></article>', "lxml").article
    assert empty_headings(article) == ["A", "C"]


def test_the_session_builder_draws_qr_codes_with_the_pinned_encoder(built_site: Path, site_pages: ParsedPages) -> None:
    """The print pack's QR encoder is qrcode-generator at the exact version package.json and the lock pin,
    copied unchanged into the site, and the session builder loads it from there."""
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = package["dependencies"]["qrcode-generator"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned) and lock["packages"]["node_modules/qrcode-generator"]["version"] == pinned
    installed = ROOT / "node_modules/qrcode-generator"
    assert json.loads((installed / "package.json").read_text(encoding="utf-8"))["version"] == pinned
    copied = built_site / training.QR_ENCODER_SCRIPT
    assert copied.read_bytes() == (installed / "dist/qrcode.js").read_bytes()
    widget = site_pages(built_site / "training/session/index.html").select_one("#kb-session")
    assert urljoin("http://x/training/session/", widget["data-qr-encoder"]) == f"http://x/{training.QR_ENCODER_SCRIPT}"


def test_the_training_index_shows_how_much_of_each_method_a_trainer_can_use(built_site: Path, site_pages: ParsedPages) -> None:
    from macros import completeness

    rows = site_pages(built_site / "training/index.html").select("article table tbody tr")
    assert rows
    for row in rows:
        method_id = row.select_one("a")["href"].strip("/").rsplit("/", 1)[-1]
        page = ROOT / "docs" / "methods" / f"{method_id}.md"
        expected = completeness.of_method(KB, KB.methods[method_id], page.read_text(encoding="utf-8") if page.is_file() else "").level
        assert row.select("td")[-1].get_text(strip=True) == expected, method_id
