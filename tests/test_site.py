"""The shared strict build: pages exist, data shows up, links resolve, nothing loads from elsewhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from scripts.check_links import LinkProblem, report_internal
from tests.conftest import ROOT, build_site, project_kb
from tests.pages import ParsedPages
from tests.records import VALID, write_records

pytestmark = pytest.mark.build

KB = project_kb()


def html_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if "assets" not in p.parts]


def test_every_method_and_studio_has_a_page_with_its_data(built_site: Path, site_pages: ParsedPages) -> None:
    for method in KB.methods.values():
        page = site_pages(built_site / f"methods/{method.id}/index.html")
        assert page.h1.get_text(strip=True).startswith(method.name)
        assert page.title.get_text().startswith(method.name)
        for number, step in enumerate(method.steps, start=1):
            item = page.find(id=f"step-{number}")
            assert item is not None and step.name in item.get_text()
    for studio in KB.studios.values():
        page = site_pages(built_site / f"studios/{studio.id}/index.html")
        assert page.h1.get_text(strip=True).startswith(studio.name)
        # A leader named, or a secretary's studio whose sources name nobody: "来源未载明", said once.
        named = studio.leader or (studio.type == "社区书记工作室" and not KB.mentors_of_studio.get(studio.id))
        assert ("负责人" in page.select_one(".kb-card").get_text()) == bool(named), studio.id


def test_navigation_names_every_page_by_its_title(built_site: Path, site_pages: ParsedPages) -> None:
    """Every page's title, sidebar and previous/next links name the pages they lead to; a page whose
    title MkDocs lost (as when a page's Markdown is let go too early) shows as "None"."""
    lost = [page.relative_to(built_site).as_posix() for page in html_pages(built_site)
            if re.search(r">\s*None\s*<|: None\"|<title>None", page.read_text(encoding="utf-8"))]
    assert not lost, lost[:10]
    about = site_pages(built_site / "about/performance/index.html")
    assert "关于" in [link.get_text(strip=True) for link in about.select(".md-nav__link")]


def test_home_page_figures_come_from_the_data(built_site: Path, site_pages: ParsedPages) -> None:
    values = [int(v.get_text()) for v in site_pages(built_site / "index.html").select(".kb-figure-value")]
    assert values == [len(KB.methods), len(KB.studios), len(KB.mentors), len(KB.sites)]


def test_every_internal_link_and_anchor_resolves(link_problems: list[LinkProblem]) -> None:
    """Both editions as published (the Traditional one in zh-Hant/): the edition switch links across."""
    assert not link_problems, report_internal(link_problems)


# An address on another host: with a scheme (https://, ftp://) or protocol-relative (//host).
OFF_SITE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# What the browser fetches by itself when a page loads (links are only followed on a click).
LOADED = {"script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "video": ("src", "poster"),
          "audio": ("src",), "track": ("src",), "iframe": ("src",), "embed": ("src",), "object": ("data",),
          "input": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href")}
LOADING_LINKS = {"stylesheet", "preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload", "icon", "manifest"}


def test_no_asset_is_loaded_from_another_host(built_site: Path, site_pages: ParsedPages) -> None:
    pages = html_pages(built_site)
    checked = 0
    for page in pages:
        tree = site_pages(page)
        for tag in tree.find_all(list(LOADED) + ["link"]):
            if tag.name == "link":
                names = ("href",) if LOADING_LINKS & set(tag.get("rel", [])) else ()
            else:
                names = LOADED[tag.name]
            for name in names:
                for url in str(tag.get(name, "")).split(","):
                    checked += 1
                    assert not OFF_SITE.match(url.strip()), f"{page}: {tag}"
        for styled in tree.select("[style]"):
            assert not re.search(r"url\(\s*['\"]?\s*(?:[a-z]+:)?//", styled["style"]), f"{page}: {styled}"
    assert checked > len(pages)  # every page loads the theme's script and stylesheet at least
    css = "".join(p.read_text(encoding="utf-8") for p in built_site.rglob("*.css"))
    remote = re.findall(r"""(?:url\(|@import)\s*['"]?(?:https?:)?//[^'")\s]+""", css)
    assert not remote, remote  # web fonts or stylesheets from another host


def test_every_page_has_a_policy_allowing_only_the_site(built_site: Path, site_pages: ParsedPages) -> None:
    for page in html_pages(built_site):
        if page.relative_to(built_site).parts[0] == "admin":
            continue  # the web editor talks to GitHub's API by design: its own policy, tests/test_web_editor.py
        tree = site_pages(page)
        meta = tree.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None, page
        policy = dict(part.strip().split(" ", 1) for part in meta["content"].split(";"))
        # Redirect stubs (short links) load nothing at all: default-src 'none'.
        assert policy["default-src"] in ("'self'", "'none'") and policy.get("object-src", "'none'") == "'none'", page
        assert all(source == "'self'" or source.startswith("'sha256-") for source in policy["script-src"].split()), page


def test_links_that_leave_the_site_do_not_pass_the_page_on(built_site: Path, site_pages: ParsedPages) -> None:
    outbound = 0
    for page in html_pages(built_site):
        for link in site_pages(page).select("a[href]"):
            if OFF_SITE.match(link["href"]):
                outbound += 1
                assert {"noopener", "noreferrer"} <= set(link.get("rel", [])), f"{page}: {link}"
    assert outbound > 0  # the repository link in the header, at least


def test_pages_declare_chinese(built_site: Path, site_pages: ParsedPages) -> None:
    assert site_pages(built_site / "index.html").html["lang"].startswith("zh")


def test_broken_data_stops_the_build(tmp_path: Path) -> None:
    """A build never publishes over bad data: it stops with the validator's messages, each once."""
    for name in ("mkdocs.yml", "overrides", "macros", "kb_build"):
        src = ROOT / name
        (tmp_path / name).symlink_to(src, target_is_directory=src.is_dir())
    write_records(tmp_path)
    (tmp_path / "docs/index.md").write_text("# 首页\n", encoding="utf-8")
    bad = tmp_path / "data/methods/demo-method.yml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("name: 示例工作法", "name: 示例工作法\nstep: []"), encoding="utf-8")
    result = build_site(tmp_path, tmp_path / "out")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    # Reported once, by the build's owner (the kb plugin), not again by each part that reads the records.
    assert output.count("data/methods/demo-method.yml:3  demo-method  step  未知字段“step”，是不是“steps”？") == 1
    assert output.count("数据校验未通过") == 1
    assert "Traceback" not in output
    assert not (tmp_path / "out/methods/demo-method/index.html").exists()


def synthetic_project(root: Path, methods: int) -> Path:
    """The project's config and templates over ``methods`` generated method records."""
    root.mkdir()
    for name in ("mkdocs.yml", "overrides", "macros", "kb_build"):
        src = ROOT / name
        (root / name).symlink_to(src, target_is_directory=src.is_dir())
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("methods", "studios"))
    records = {k: v for k, v in VALID.items() if not k.startswith("methods/")}
    records["studios/demo-studio.yml"] = {**VALID["studios/demo-studio.yml"], "methods": []}
    for number in range(methods):
        records[f"methods/m{number:05d}.yml"] = {**VALID["methods/demo-method.yml"], "id": f"m{number:05d}", "name": f"工作法{number:05d}"}
    write_records(root, records)
    for name in ("glossary.yml", "vocabulary-zh-Hant.yml"):  # the one build writes the Traditional edition too
        shutil.copy(ROOT / "data" / name, root / "data" / name)
    for kind in ("methods", "studios"):
        (root / "docs" / kind / "index.md").write_text((ROOT / "docs" / kind / "index.md").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "docs/index.md").write_text("# 首页\n\n{{ site_figures() }}\n", encoding="utf-8")  # features real methods
    return root


@pytest.mark.slow
def test_a_method_page_does_not_grow_with_the_number_of_methods(tmp_path: Path) -> None:
    sizes = {}
    for count in (5, 60):
        project = synthetic_project(tmp_path / str(count), count)
        result = build_site(project, project / "out")
        assert result.returncode == 0, result.stderr
        sizes[count] = len((project / "out/methods/m00001/index.html").read_bytes())
    assert sizes[60] == sizes[5], sizes


def test_home_page_features_methods_with_links(built_site: Path, site_pages: ParsedPages) -> None:
    cards = site_pages(built_site / "index.html").select(".grid.cards li")
    assert len(cards) >= 3
    for card in cards:
        href = card.select_one("a")["href"]
        assert (built_site / href / "index.html").is_file(), href
        method = KB.methods[href.strip("/").rsplit("/", 1)[-1]]
        assert ("怎么做：" in card.get_text()) == bool(method.steps), href
