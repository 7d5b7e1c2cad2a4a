"""Files under docs/ other than pages: checked by content, by the validator and by the build,
the web editor's uploads included."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from macros.cms import MEDIA_FOLDER, PROSE_FOLDERS, PUBLIC_FOLDER, decap_config
from macros.static_files import static_file_problems
from scripts import validate
from tests.conftest import ROOT, build_site, copy_project

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" \
      b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
CLEAN_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- drawn by hand -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10">
  <title>\xe7\xa4\xba\xe6\x84\x8f</title>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/></linearGradient>
    <circle id="dot" r="1"/></defs>
  <rect width="10" height="10" fill="url(#g)" style="stroke: url('#g')" inkscape:label="C:\\drawings"/>
  <use xlink:href="#dot" x="5" y="5"/><a href="#dot"><text x="1" y="9">x</text></a>
</svg>
"""
# Each file a stranger could send, and what the refusal must say about it.
HOSTILE: dict[str, tuple[bytes, str]] = {
    "images/script.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>',
                          "<script>"),
    "images/onload.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="1"/></svg>',
                          "事件属性 onload"),
    "images/foreign.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
                           b'<img src="x" onerror="alert(1)"/></body></foreignObject></svg>', "<foreignObject>"),
    "images/external.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                            b'<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "xlink:href=\"javascript:alert(1)\""),
    "images/use.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/x.svg#a"/></svg>',
                       "href=\"https://evil.example/x.svg#a\""),
    "images/css.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/p.png)"/></svg>',
                       "url(https://evil.example/p.png)"),
    "images/entity.svg": (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
                          b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', "<!DOCTYPE>"),
    "images/animate.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="href" to="javascript:alert(1)"/>'
                           b'<text>x</text></a></svg>', "<animate>"),
    "images/stylesheet.svg": (b'<?xml-stylesheet href="https://evil.example/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
                              "处理指令"),
    "uploads/page.html": (b"<!doctype html><script>alert(1)</script>", ".html 网页文件"),
    "images/photo.png": (b"<html><body><script>alert(1)</script></body></html>", "内容却不是 PNG 图片"),
    "images/photo.jpg": (PNG, "内容却不是 JPEG 图片"),
    "methods/x.js": (b"alert(1)", "只能放在 docs/javascripts/"),
    "images/uploads/theme.css": (b"body{}", "只能放在 docs/stylesheets/"),
    "images/uploads/run.exe": (b"MZ\x90\x00", "不能放 .exe 文件"),
}


@pytest.mark.parametrize("relative", list(HOSTILE))
def test_each_hostile_file_is_refused_with_its_reason_in_chinese(relative: str) -> None:
    content, reason = HOSTILE[relative]
    problems = static_file_problems(ROOT / "docs" / relative, relative, content)
    shown = [problem.as_text(ROOT) for problem in problems]
    assert shown and all(line.startswith(f"docs/{relative}:") for line in shown), shown
    assert any(reason in line for line in shown), shown
    assert all(re.search(r"[\u4e00-\u9fff]", line) for line in shown), shown


def test_every_problem_of_an_svg_is_listed_at_its_line() -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg">\n<script>1</script>\n<circle onclick="1" r="1"/>\n'
           b'<image href="https://evil.example/x.png"/>\n</svg>')
    problems = static_file_problems(Path("docs/x.svg"), "x.svg", svg)
    assert [(p.line, p.message.split("（")[0]) for p in problems] == [
        (2, "SVG 里不能有 <script> 元素"), (3, "SVG 里不能有事件属性 onclick"), (4, "SVG 里不能有 <image> 元素"),
        (4, 'href="https://evil.example/x.png" 指向了图外：SVG 里的链接只能指向本图内的 #编号')]


@pytest.mark.parametrize(("relative", "content"), [
    ("images/figure.svg", CLEAN_SVG), ("images/uploads/photo.png", PNG), ("files/handout.pdf", b"%PDF-1.7\n%\xe2\xe3"),
    ("images/a.gif", b"GIF89a\x01\x00"), ("images/b.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 "),
    ("images/c.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF"), ("files/list.csv", "名称,数量\n走动式工作法,3\n".encode()),
    ("javascripts/kb-x.js", b"var a = 1;"), ("stylesheets/kb-x.css", b"a { color: red }"),
])
def test_clean_files_pass(relative: str, content: bytes) -> None:
    assert static_file_problems(Path("docs") / relative, relative, content) == []


def test_the_real_docs_folder_passes() -> None:
    assert [p.as_text(ROOT) for p in validate.static_files_problems(ROOT / "docs")] == []


def test_validate_lists_every_hostile_file_at_once_with_github_annotations(data_copy: Path, capsys) -> None:
    for relative, (content, _) in HOSTILE.items():
        (data_copy / "docs" / relative).parent.mkdir(parents=True, exist_ok=True)
        (data_copy / "docs" / relative).write_bytes(content)
    (data_copy / "docs" / ".hidden.html").write_bytes(b"<script>")  # MkDocs does not publish dot files
    code = validate.main(["--data", str(data_copy / "data"), "--docs", str(data_copy / "docs"), "--format", "github"])
    out, err = capsys.readouterr()
    assert code == 1
    annotated = {re.search(r"file=([^,]+),", line).group(1) for line in out.splitlines() if line.startswith("::error ")}
    assert {name.rsplit("docs/", 1)[1] for name in annotated} == set(HOSTILE)
    assert "Traceback" not in out + err and "数据校验未通过" in err


def test_the_editors_uploads_go_to_one_checked_folder_and_resolve_from_the_pages_it_edits() -> None:
    config = decap_config("shequ-gongzuofa/kb", "main", "https://shequ-gongzuofa.github.io/kb/", None)
    assert config["media_folder"] == MEDIA_FOLDER == "docs/images/uploads"
    assert config["public_folder"] == PUBLIC_FOLDER and not PUBLIC_FOLDER.startswith("/")
    for kind in PROSE_FOLDERS:  # the pages the editor edits: docs/<kind>/<id>.md
        page = next(c for c in config["collections"] if c["name"] == f"{kind}-pages")
        assert posixpath.normpath(posixpath.join(page["folder"], PUBLIC_FOLDER)) == MEDIA_FOLDER


@pytest.mark.build
@pytest.mark.slow
def test_the_build_refuses_a_hostile_static_file_and_publishes_an_upload(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    docs = project / "docs"
    (docs / "x.svg").write_bytes(HOSTILE["images/script.svg"][0])
    (docs / "uploads").mkdir()
    (docs / "uploads" / "page.html").write_bytes(HOSTILE["uploads/page.html"][0])
    result = build_site(project, project / "out")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output, output[-2000:]
    assert re.search(r"ERROR\s+-\s+docs/x\.svg:1 .*<script>", output), output[-2000:]
    assert re.search(r"ERROR\s+-\s+docs/uploads/page\.html:1 .*网页文件", output), output[-2000:]
    assert "docs/ 里有 2 个文件不能发布" in output
    assert not (project / "out" / "x.svg").exists()

    # The same copy without them, and a picture uploaded through the editor shown on a method page.
    (docs / "x.svg").unlink()
    (docs / "uploads" / "page.html").unlink()
    upload = project / MEDIA_FOLDER / "photo.png"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(PNG)
    method_page = sorted((docs / "methods").glob("*.md"))[1]
    method_page.write_text(method_page.read_text(encoding="utf-8") + f"\n\n![现场照片]({PUBLIC_FOLDER}/photo.png)\n",
                           encoding="utf-8")
    result = build_site(project, project / "out")
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]
    built = f"methods/{method_page.stem}/"
    image = BeautifulSoup((project / "out" / built / "index.html").read_text(encoding="utf-8"), "lxml").find(
        "img", alt="现场照片")
    # Resolved from the page's address under the site's sub-path: the uploaded file itself.
    address = urljoin(f"https://shequ-gongzuofa.github.io/kb/{built}", image["src"])
    assert address == "https://shequ-gongzuofa.github.io/kb/images/uploads/photo.png"
    assert (project / "out" / "images" / "uploads" / "photo.png").read_bytes() == PNG
