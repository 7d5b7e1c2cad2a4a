"""What page content may hold, outbound links, the Content Security Policy, and nothing lost."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros.knowledge_base import load_or_raise
from macros.page_safety import (
    content_problems,
    content_security_policy,
    mark_outbound_links,
    with_policy,
)
from tests.conftest import ROOT, build_site, copy_project
from tests.pages import ParsedPages

# Page Markdown a stranger could send; each line must stop the build.
REFUSED_IN_PAGES = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![图](https://evil.example/pixel.png)",
    '<img src="//evil.example/pixel.png">',
    '<iframe src="https://evil.example/"></iframe>',
    '<details open ontoggle="alert(1)">x</details>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "段落\n{: onclick=\"alert(1)\" }",
    '<object data="https://evil.example/x.swf"></object>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<p style="background:url(https://evil.example/x.png)">x</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
]


@pytest.mark.parametrize("markup", [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>', '<img src="data:image/png;base64,AAAA">', '<img src="https://evil.example/x.png">',
    '<img srcset="a.png 1x, //evil.example/b.png 2x">', '<iframe src="/x"></iframe>', '<svg onload="alert(1)"></svg>',
    '<video poster="https://evil.example/p.png"></video>', '<div style="background:url(//evil.example/x.png)">x</div>',
    '<form action="javascript:alert(1)"></form>',
])
def test_content_problems_name_each_danger_in_chinese(markup: str) -> None:
    problems = content_problems(f"<p>前文</p>{markup}")
    assert problems and all(re.search(r"[\u4e00-\u9fff]", p) for p in problems), problems


@pytest.mark.parametrize("markup", [
    '<a href="https://github.com/shequ-gongzuofa/kb">仓库</a>', '<a href="../methods/x/#step-1">第1步</a>',
    '<img src="../assets/x.png" alt="">', '<svg viewBox="0 0 1 1"><a href="../regions/#辽宁省"><text>x</text></a></svg>',
    '<td style="text-align: right;">3</td>', '<div class="kb-card" markdown>x</div>',
])
def test_ordinary_content_passes(markup: str) -> None:
    assert content_problems(markup) == []


def test_outbound_links_get_noopener_and_keep_their_rel() -> None:
    html = ('<a href="https://x.example/">a</a><a rel="nofollow" href="//y.example/">b</a>'
            '<a href="../z/">c</a><a href="https://w.example/" rel="noopener">d</a>')
    out = BeautifulSoup(mark_outbound_links(html), "lxml").find_all("a")
    assert out[0]["rel"] == ["noopener", "noreferrer"]
    assert out[1]["rel"] == ["nofollow", "noopener", "noreferrer"]
    assert "rel" not in out[2].attrs
    assert out[3]["rel"] == ["noopener", "noreferrer"]


def test_policy_hashes_exactly_the_inline_scripts_of_the_page() -> None:
    page = ('<meta http-equiv="Content-Security-Policy" content="kb-content-security-policy">'
            '<script>var a=1</script><script src="x.js"></script>'
            '<script type="application/json">{"k": 1}</script><script>var a=1</script>')
    policy = content_security_policy(page)
    script_src = policy.split("script-src")[1].split(";")[0].split()
    # sha256 of "var a=1", once; the external and the JSON script are not hashed.
    digest = base64.b64encode(hashlib.sha256(b"var a=1").digest()).decode()
    assert script_src == ["'self'", f"'sha256-{digest}'"]
    assert "https:" not in policy and "*" not in policy and "'unsafe-inline'" not in script_src
    assert "kb-content-security-policy" not in with_policy(page)


@pytest.mark.build
def test_a_page_with_script_or_off_site_content_stops_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(REFUSED_IN_PAGES) + "\n", encoding="utf-8")
    result = build_site(project, project / "out")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output, output[-2000:]
    refusals = re.findall(r"ERROR\s+-\s+docs/about\.md  (.+)", output)
    assert len(refusals) >= len(REFUSED_IN_PAGES), (len(refusals), refusals)
    assert "1 个页面有" in output and "不允许的网页代码" in output
    assert not (project / "out" / "about" / "index.html").exists()  # stopped before writing pages


@pytest.mark.build
def test_nothing_is_lost_every_record_and_page_is_in_the_site(built_site: Path, site_pages: ParsedPages) -> None:
    """Every page in docs/ is built, and every record in data/ is on the page that presents it."""
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    for page in pages:
        url = "index.html" if page == "index.md" else re.sub(r"(index)?\.md$", "", page).rstrip("/") + "/index.html"
        assert (built_site / url).is_file(), f"docs/{page} is not in the site ({url})"
    kb = load_or_raise(ROOT / "data")
    missing = []
    for kind in ("methods", "studios", "mentors", "sites", "sources"):
        for record_id, record in kb.of_kind(kind).items():
            # Every record but a source has a page of its own; sources share the 来源 page.
            where = "sources/index.html" if kind == "sources" else f"{kind}/{record_id}/index.html"
            tree = site_pages(built_site / where)
            name = getattr(record, "name", None) or record.heading
            holder = tree.find(id=record_id) if kind == "sources" else tree.find("h1")
            if holder is None or name not in holder.get_text():
                missing.append(f"data/{kind}/{record_id}.yml → {where}")
    assert not missing, missing
    built = {p.relative_to(built_site).as_posix() for p in built_site.rglob("index.html")}
    for method_id in kb.methods:  # the generated pages of each method, and its short link
        for url in (f"training/{method_id}/index.html", f"training/cards/{method_id}/index.html", f"m/{method_id}/index.html"):
            assert url in built, url
    for studio_id in kb.studios:
        assert f"s/{studio_id}/index.html" in built
