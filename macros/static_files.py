"""What a file under docs/ other than a page may be, judged by its content and not only by its name.

MkDocs copies every such file into the site unchanged, where it is served from the
site's own origin: an SVG or HTML file with a script would run there (and GitHub
shows an SVG diff as a picture, so a reviewer does not see the script). Pure:
a file's path and bytes in, its problems (in Chinese) out; ``python -m
scripts.validate`` and kb_build/static_files.py call it.

- Images, PDF and plain text are allowed anywhere, when their bytes are what their
  name says: PNG, JPEG, GIF, WebP and PDF by their signature, text as UTF-8.
- An SVG is parsed as the browser parses it (XML, without a DTD: none may be
  declared, so no entity is ever expanded) and allowed only when it cannot run
  or fetch anything: known drawing elements only (no ``<script>``,
  ``<foreignObject>``, ``<image>``, animation), no event handler, and every
  reference (``href``, ``xlink:href``, ``url()``) to an ``#id`` of the same file.
- Scripts and styles only in the project's own folders (docs/javascripts/,
  docs/stylesheets/, reviewed by the maintainers); web pages never: pages are Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .messages import Problem

# Signatures (magic bytes) of the binary types, by file name ending.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".pdf": (b"%PDF-",),
}
_TEXT = {".txt", ".csv"}
# The project's own code, by ending: the one folder (under docs/) where it may live.
_CODE_FOLDERS = {".js": "javascripts/", ".css": "stylesheets/"}
_WEB_PAGES = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".xml", ".xsl", ".xslt"}
ALLOWED_ENDINGS = (*_SIGNATURES, ".webp", ".svg", *sorted(_TEXT))

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
# Drawing elements that neither run nor load anything (references are checked separately).
_SVG_ELEMENTS = frozenset(["svg", "g", "defs", "symbol", "use", "switch", "view", "title", "desc", "metadata", "style", "a", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence"])
# Drawing programs' own bookkeeping (Inkscape, Sodipodi, RDF licence data): browsers ignore these elements.
_EDITOR_NAMESPACES = frozenset({
    "http://www.inkscape.org/namespaces/inkscape", "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://creativecommons.org/ns#", "http://purl.org/dc/elements/1.1/",
})
_WHY_NOT = {
    "script": "会运行脚本",
    "foreignObject": "可以嵌入网页和脚本",
    "image": "会加载另一个文件",
    "feImage": "会加载另一个文件",
    "animate": "动画可以改写链接",
    "set": "动画可以改写链接",
}
_SAME_DOCUMENT = re.compile(r"#[A-Za-z_][\w.:-]*")
_CSS_URL = re.compile(r"url\s*\(\s*(['\"]?)([^'\")]*)\1\s*\)", re.IGNORECASE)
# CSS that loads by other means than url(#id): imports, image-set()/src() strings, and escapes,
# which can spell "url(" without those letters (\75 rl).
_CSS_LOADS = re.compile(r"@import|image-set\s*\(|\bsrc\s*\(|\\", re.IGNORECASE)
_SVG_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def static_file_problems(path: Path, relative: str, content: bytes) -> list[Problem]:
    """Everything wrong with one file; ``relative`` is its path under docs/ (``/``-separated), ``path`` how to name it."""

    def problem(message: str, line: int = 1) -> Problem:
        return Problem(path, line, "", "", message)

    ending = Path(relative).suffix.lower()
    if ending in _CODE_FOLDERS:
        folder = _CODE_FOLDERS[ending]
        if not relative.startswith(folder):
            return [problem(f"{ending} 文件只能放在 docs/{folder}（由维护者审核的本站代码）")]
        return [] if _is_utf8(content) else [problem("文件不是 UTF-8 编码的文本")]
    if ending in _WEB_PAGES:
        return [problem(f"docs/ 里不能有 {ending} 网页文件（它会在本站运行脚本）：页面请写成 Markdown（.md）")]
    if ending in _SIGNATURES:
        if content.startswith(_SIGNATURES[ending]):
            return []
        return [problem(f"文件名是 {ending}，内容却不是{_TYPE_NAMES[ending]}（{_what_it_is(content)}）")]
    if ending == ".webp":
        return [] if content[:4] == b"RIFF" and content[8:12] == b"WEBP" else [
            problem(f"文件名是 .webp，内容却不是 WebP 图片（{_what_it_is(content)}）")]
    if ending in _TEXT:
        return [] if _is_utf8(content) else [problem(f"文件名是 {ending}，内容却不是 UTF-8 编码的文本")]
    if ending == ".svg":
        return [problem(message, line) for line, message in svg_problems(content)]
    shown = "、".join(ALLOWED_ENDINGS)
    return [problem(f"docs/ 里不能放{f' {ending} ' if ending else '没有扩展名的'}文件；可以放的是 {shown}")]


_TYPE_NAMES = {".png": " PNG 图片", ".jpg": " JPEG 图片", ".jpeg": " JPEG 图片", ".gif": " GIF 图片", ".pdf": " PDF 文件"}


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in content


def _what_it_is(content: bytes) -> str:
    head = content[:512].lstrip().lower()
    if re.match(rb"<(!doctype\s+html|html|script|body|head|iframe|svg|\?xml)", head):
        return "看起来是网页或 XML"
    return "开头的字节对不上"


def svg_problems(content: bytes) -> list[tuple[int, str]]:
    """(line, message) for each thing in an SVG that could run script or load another file."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [(1, "SVG 文件要用 UTF-8 编码")]
    declared = re.match(r"""\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)""", text)
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        return [(1, f"SVG 文件要用 UTF-8 编码（文件声明的是 {declared.group(1)}）")]
    # A DTD can declare entities (billion laughs, files read from the machine): none is accepted.
    for match in re.finditer(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        return [(text.count("\n", 0, match.start()) + 1, "SVG 里不能有 <!DOCTYPE> 或实体声明（<!ENTITY>）")]
    try:
        root = etree.fromstring(content, _SVG_PARSER)
    except etree.XMLSyntaxError as error:
        return [(error.lineno or 1, f"不是完好的 SVG（XML）文件：{error.msg}")]
    if root.getroottree().docinfo.internalDTD is not None:
        return [(1, "SVG 里不能有 <!DOCTYPE> 或实体声明（<!ENTITY>）")]
    if root.tag != f"{{{_SVG}}}svg":
        return [(root.sourceline or 1, "文件名是 .svg，根元素却不是 SVG 命名空间里的 <svg>")]
    problems: list[tuple[int, str]] = []
    nodes = [*reversed(list(root.itersiblings(preceding=True))), *root.iter(), *root.itersiblings()]
    for node in nodes:
        line = node.sourceline or 1
        if isinstance(node, etree._ProcessingInstruction):
            problems.append((line, f"SVG 里不能有处理指令 <?{node.target} …?>（可以加载样式表）"))
        elif isinstance(node, etree._Element) and not isinstance(node, (etree._Comment, etree._Entity)):
            problems += [(line, message) for message in _element_problems(node)]
    return problems


def _element_problems(element: etree._Element) -> list[str]:
    qname = etree.QName(element)
    problems = []
    if qname.namespace == _SVG:
        if qname.localname not in _SVG_ELEMENTS:
            why = _WHY_NOT.get(qname.localname) or ("动画可以改写链接" if qname.localname.startswith("animate") else "")
            problems.append(f"SVG 里不能有 <{qname.localname}> 元素" + (f"（{why}）" if why else ""))
        if qname.localname == "style":
            problems += _css_problems(element.text or "", "<style>")
    elif qname.namespace not in _EDITOR_NAMESPACES:
        problems.append(f"SVG 里不能有其他命名空间的元素 <{qname.localname}>（{qname.namespace or '无命名空间'}）")
    for name, value in element.attrib.items():
        attribute = etree.QName(name)
        shown = f"xlink:{attribute.localname}" if attribute.namespace == _XLINK else attribute.localname
        if attribute.localname.lower().startswith("on"):
            problems.append(f"SVG 里不能有事件属性 {shown}（会运行脚本）")
        elif attribute.localname == "href" and attribute.namespace in (None, _XLINK):
            if not _SAME_DOCUMENT.fullmatch(value.strip()):
                problems.append(f"{shown}=\"{value[:60]}\" 指向了图外：SVG 里的链接只能指向本图内的 #编号")
        elif attribute.namespace == _XML and attribute.localname == "base":
            problems.append("SVG 里不能有 xml:base（会改变地址指向）")
        elif attribute.namespace is None:  # presentation attributes and style="" are CSS
            problems += _css_problems(value, shown)
    return problems


def _css_problems(css: str, where: str) -> list[str]:
    problems = [f"{where} 里的 url({address.strip()[:60]}) 指向了图外：只能用本图内的 #编号"
                for _, address in _CSS_URL.findall(css) if not _SAME_DOCUMENT.fullmatch(address.strip())]
    if len(_CSS_URL.findall(css)) != len(re.findall(r"url\s*\(", css, re.IGNORECASE)):
        problems.append(f"{where} 里有写法不完整的 url(")
    loads = _CSS_LOADS.search(css)
    if loads:
        what = "反斜杠转义" if loads.group(0) == "\\" else loads.group(0).rstrip("( ")
        problems.append(f"{where} 里不能有 {what}（可以加载其他文件）")
    return problems
