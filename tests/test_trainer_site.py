"""The shared build, for trainers and readers: handouts, short links, stable paths, training pages, pictures."""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from mkdocs.config import load_config

from macros import figures, render
from macros.models import load_or_raise
from scripts.published_paths import read_list
from tests.conftest import ROOT

pytestmark = pytest.mark.build

KB = load_or_raise(ROOT / "data")
CONFIG = load_config(str(ROOT / "mkdocs.yml"))
SITE_URL = CONFIG["site_url"]


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "lxml")


def redirect_target(page: Path) -> str | None:
    """Where a mkdocs-redirects page sends the reader (relative to the page), or None."""
    tag = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").find("meta", attrs={"http-equiv": "refresh"})
    return tag["content"].split("url=", 1)[1] if tag else None


def resolve(site: Path, path: str) -> Path | None:
    """The page a published path leads to, following redirects; None if it leads nowhere."""
    for _ in range(5):
        target = site / path / "index.html"
        if not target.is_file():
            return None
        redirect = redirect_target(target)
        if redirect is None:
            return target
        path = urlsplit(urljoin("http://x/" + path, redirect)).path.lstrip("/")
    return None


def test_every_method_and_studio_page_ends_with_qr_short_link_and_version(built_site: Path) -> None:
    commit = os.environ.get("GITHUB_SHA") or subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    for kind, prefix in (("methods", "m"), ("studios", "s")):
        for record_id in KB.of_kind(kind):
            page = soup(built_site, f"{kind}/{record_id}/index.html")
            details = page.select_one("details.kb-qr")
            assert details is not None and details.select_one("svg.kb-qr-code[role=img]"), (kind, record_id)
            short = f"{SITE_URL}{prefix}/{record_id}/"
            assert details.select_one("a.kb-short-link")["href"] == short
            versions = [a["href"] for a in details.select(".kb-version a")]
            assert versions == [f"{CONFIG['repo_url']}/blob/{commit}/docs/{kind}/{record_id}.md",
                                f"{CONFIG['repo_url']}/blob/{commit}/data/{kind}/{record_id}.yml"]
            footer = page.select_one(".kb-print-footer").get_text()
            assert short in footer and f"{SITE_URL}{kind}/{record_id}/" in footer


def test_short_links_lead_to_their_pages(built_site: Path) -> None:
    for kind, prefix in (("methods", "m"), ("studios", "s")):
        for record_id in KB.of_kind(kind):
            assert redirect_target(built_site / prefix / record_id / "index.html") == f"../../{kind}/{record_id}/"
            assert resolve(built_site, f"{prefix}/{record_id}/") == built_site / kind / record_id / "index.html"


def test_no_published_path_or_anchor_disappears(built_site: Path) -> None:
    """data/published-paths.txt only grows; a renamed page needs a line in data/redirects.yml."""
    published = read_list()
    assert len(published) > 2 * (len(KB.methods) + len(KB.studios))
    lost = []
    ids: dict[Path, set[str]] = {}
    for entry in published:
        path, _, anchor = entry.partition("#")
        target = resolve(built_site, "" if path == "./" else path)
        if target is None:
            lost.append(f"{entry}：页面不见了，请在 data/redirects.yml 加一条重定向")
            continue
        if anchor and target not in ids:
            ids[target] = set(re.findall(r'\sid="([^"]+)"', target.read_text(encoding="utf-8")))
        if anchor and anchor not in ids[target]:
            lost.append(f"{entry}：锚点不见了")
    assert not lost, "\n".join(lost[:30])


def test_step_and_section_anchors_keep_their_names(built_site: Path) -> None:
    for method in KB.methods.values():
        page = soup(built_site, f"methods/{method.id}/index.html")
        ids = {tag["id"] for tag in page.select("[id]")}
        assert {f"step-{n}" for n in range(1, len(method.steps) + 1)} <= ids
        assert ("how" in ids) == bool(method.steps) and ("who" in ids) == bool(method.roles)
        assert ("results" in ids) == bool(method.results) and "sources" in ids


def test_method_pages_are_tagged_with_their_themes(built_site: Path) -> None:
    tags_page = soup(built_site, "tags/index.html")
    for method in KB.methods.values():
        page = soup(built_site, f"methods/{method.id}/index.html")
        assert sorted(t.get_text(strip=True) for t in page.select(".md-tag")) == sorted(method.themes)
    for theme in {t for m in KB.methods.values() for t in m.themes}:
        assert tags_page.find(id=f"tag:{theme}") is not None, theme


def test_related_methods_include_those_sharing_a_theme(built_site: Path) -> None:
    method = next(m for m in KB.methods.values() if render.related_method_ids(KB, m))
    section = soup(built_site, f"methods/{method.id}/index.html").find(id="related").find_next("ul")
    names = [a.get_text() for a in section.select("a")]
    assert names == [KB.methods[i].name for i in render.related_method_ids(KB, method)]


def test_training_plan_and_card_for_every_method(built_site: Path) -> None:
    index = soup(built_site, "training/index.html").get_text()
    for method in KB.methods.values():
        assert method.name in index
        plan = soup(built_site, f"training/{method.id}/index.html")
        assert plan.h1.get_text(strip=True).startswith(f"{method.name}：培训方案")
        for anchor in ("agenda", "case", "exercise"):
            assert plan.find(id=anchor) is not None, (method.id, anchor)
        page_md = (ROOT / "docs/methods" / f"{method.id}.md").read_text(encoding="utf-8")
        case = re.search(r"^## 案例\n+(.+)$", page_md, re.MULTILINE)
        if case:  # the case told on the method page is the case the plan retells
            first_words = BeautifulSoup(case.group(1), "lxml").get_text()[:12]
            assert first_words in plan.find(id="case").find_next("p").get_text(), method.id
        card = soup(built_site, f"training/cards/{method.id}/index.html")
        assert [li["id"] for li in card.select(".kb-steps li")] == [f"step-{n}" for n in range(1, len(method.steps) + 1)]


def test_charts_count_what_the_data_holds(built_site: Path) -> None:
    page = soup(built_site, "explore/charts/index.html")
    charts = page.select("svg.kb-chart")
    assert len(charts) == 2
    shown = {a["aria-label"] for a in charts[0].select("a")}
    expected = {f"{b.label}：{b.value}个" for b in figures.theme_bars(KB, "explore/charts.md")}
    assert shown == expected
    for chart in charts:
        ET.fromstring(str(chart))


def test_timeline_and_lineage_are_drawn_from_the_data(built_site: Path) -> None:
    timeline = soup(built_site, "explore/timeline/index.html")
    for event in figures.timeline_events(KB):
        assert timeline.find(id=f"y{event.year}") is not None
    labels = " ".join(a["aria-label"] for a in timeline.select("svg a"))
    assert all(e.name in labels for e in figures.timeline_events(KB))
    lineage = soup(built_site, "explore/lineage/index.html")
    assert lineage.select_one("svg.kb-lineage-graph") is None  # never one picture of everything
    studio = next(s for s in KB.studios if KB.methods_of_studio.get(s))
    assert f"../../studios/{studio}/" in {a["href"] for a in lineage.select(".kb-network a")}


def test_internal_links_print_as_addresses(built_site: Path) -> None:
    method = next(iter(KB.methods.values()))
    page = soup(built_site, f"methods/{method.id}/index.html")
    studio_links = [a for a in page.select("article a[data-print]") if "/studios/" in a["href"]]
    for a in studio_links:
        studio_id = unquote(a["href"]).rstrip("/").rsplit("/", 1)[1]
        assert a["data-print"] == f"{SITE_URL}s/{studio_id}/"
