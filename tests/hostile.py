"""A hostile copy of the project: payloads in every free-text field of every record and in pages.

Shared by the build test (tests/test_hardening_payloads.py), which parses every
built page, and the browser test (tests/test_hardening_browser.py), which loads
them in Chromium. The records are walked through their models, so a field or a
kind added later carries payloads without a change here.

Every payload carries its number ``n``: injected elements carry the attribute
``data-kbpwn="n"``, injected script calls ``__kbPwned(n)``, and an evaluated
Jinja expression leaves ``1337kbjinja``. Found as text (escaped) they are inert;
found as an element, an attribute, a link or a running script they are not.
"""

from __future__ import annotations

import copy
import json
import re
import typing
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, Comment
from pydantic import BaseModel, ValidationError

from macros.editions import GlossaryError, load_glossary
from macros.knowledge_base import load
from macros.messages import _model_in
from macros.models import MODEL_BY_KIND
from macros.redirects import load_redirects
from macros.yaml_reader import _Loader
from tests.conftest import copy_project

# {n} is the payload's number. Quotes, tag-closing sequences, Markdown and Jinja.
PAYLOADS: tuple[str, ...] = (
    "<script>__kbPwned({n})</script>",
    "<img src=x onerror=__kbPwned({n}) data-kbpwn={n}>",
    "</title><script>__kbPwned({n})</script><b data-kbpwn={n}>",
    "</script><script>__kbPwned({n})</script><b data-kbpwn={n}>",
    "]]><svg onload=__kbPwned({n}) data-kbpwn={n}></svg>",
    "--><img src=x onerror=__kbPwned({n}) data-kbpwn={n}>",
    '" onmouseover="__kbPwned({n})" data-kbpwn="{n}',
    "' onfocus='__kbPwned({n})' autofocus data-kbpwn='{n}",
    "javascript:__kbPwned({n})",
    "[点我](javascript:__kbPwned({n}))",
    "![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)[数据](data:text/html,kbpwn{n})",
    '<a href="javascript:__kbPwned({n})" data-kbpwn={n}>链接</a>',
    "{{{{ 7*191 }}}}kbjinja {{% raw %}} {{{{ config }}}}",
    "名称}} onclick=__kbPwned({n}) data-kbpwn={n} {{",
    '{{: onclick="__kbPwned({n})" data-kbpwn="{n}" }}',
    '<iframe src="https://evil.example/{n}" data-kbpwn={n}></iframe>',
    "<details open ontoggle=__kbPwned({n}) data-kbpwn={n}>",
    "文字\n\n<div data-kbpwn={n} onclick=__kbPwned({n})>块</div>\n\n*[文字]: <b data-kbpwn={n}>",
    "<svg><a xlink:href=javascript:__kbPwned({n}) data-kbpwn={n}><text>x</text></a></svg>",
    '<math><mtext></p><img src=x onerror=__kbPwned({n}) data-kbpwn={n}></mtext></math>',
)
JINJA_EVALUATED = "1337kbjinja"

# Pages whose front matter carries payloads.
PAGES = ("methods/index.md", "explore/index.md")  # titled by front matter, not by the nav


@dataclass
class Planted:
    """Where payload ``n`` went: a record's field, or a page."""

    number: int
    payload: str
    file: str
    field: str
    template: int  # its index in PAYLOADS


@dataclass
class HostileProject:
    root: Path
    planted: list[Planted]
    refused: list[tuple[Planted, str]] = field(default_factory=list)  # (planted, the validator's message)

    def payload(self, number: int) -> Planted:
        return self.planted[number]


def _free_text_paths(model: type[BaseModel], record: dict, prefix: tuple = ()) -> Iterator[tuple]:
    """Paths (keys and list indexes) of the string fields of ``record``, present or not, by the model.

    A field takes free text if the model accepts a payload there: literals, ids,
    dates and addresses do not, and are left alone.
    """
    for name, info in model.model_fields.items():
        value = record.get(name)
        nested = _model_in(info.annotation)
        if nested is not None:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        yield from _free_text_paths(nested, item, (*prefix, name, index))
            elif typing.get_origin(info.annotation) is not list:
                yield from _free_text_paths(nested, value if isinstance(value, dict) else {}, (*prefix, name))
        elif isinstance(value, list) and value and all(isinstance(item, str) for item in value):
            yield from ((*prefix, name, index) for index in range(len(value)))
        elif isinstance(value, str) or value is None:
            yield (*prefix, name)




def _set(record: dict, path: tuple, value: str) -> None:
    target = record
    for key in path[:-1]:
        if isinstance(key, str) and key not in target:
            target[key] = {}
        target = target[key]
    target[path[-1]] = value


def _accepts(model: type[BaseModel], record: dict, path: tuple) -> bool:
    """Whether the model takes text at ``path`` (the record without it already valid)."""
    trial = copy.deepcopy(record)
    _set(trial, path, "示例文字")
    try:
        model.model_validate(trial)
    except ValidationError as error:
        locs = [tuple(e["loc"]) for e in error.errors()]
        return not any(loc[: len(path)] == path or path[: len(loc)] == loc for loc in locs)
    return True


def _dotted(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def make_project(root: Path) -> HostileProject:
    """Copy the project to ``root`` and plant the payloads; fields the validator refuses are
    recorded with its message and given back their original value, so the build can run."""
    copy_project(root)
    planted: list[Planted] = []
    originals: dict[tuple[str, str], tuple[dict, tuple, object]] = {}

    def plant(file: str, where: str, which: int) -> str:
        number = len(planted)
        text = PAYLOADS[which % len(PAYLOADS)].format(n=number)
        planted.append(Planted(number, text, file, where, which % len(PAYLOADS)))
        return text

    for kind, model in MODEL_BY_KIND.items():
        paths = _with_clones(root, kind, len(PAYLOADS))
        for record_index, path in enumerate(paths):
            record = _read_record(path)
            relative = path.relative_to(root).as_posix()
            # Field i of record r gets payload r + i: over the records of a kind, every field gets every payload.
            for field_index, field_path in enumerate(list(_free_text_paths(model, record))):
                if field_path == ("id",) or not _accepts(model, record, field_path):
                    continue
                try:
                    original = _get(record, field_path)
                except (KeyError, IndexError):
                    original = None
                text = plant(relative, _dotted(field_path), record_index + field_index)
                originals[(relative, _dotted(field_path))] = (record, field_path, original)
                _set(record, field_path, text)
            path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for page in PAGES:
        # Front matter the theme prints (title, description); what page bodies and templates
        # may hold is tests/test_hardening_pages.py's and tests/test_hardening_macros.py's.
        path = root / "docs" / page
        meta = {"title": plant(f"docs/{page}", "title", 2), "description": plant(f"docs/{page}", "description", 6)}
        path.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n\n{path.read_text(encoding='utf-8')}", encoding="utf-8")
    refusals = _plant_glossary(root, plant, planted) + _plant_redirects(root, plant, planted)
    project = HostileProject(root, planted, refusals)
    _give_back_refused(project, originals)
    return project


def _read_record(path: Path) -> dict:
    """A record as the loader reads it (a SafeLoader that keeps dates as text)."""
    loader = _Loader(path.read_text(encoding="utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _with_clones(root: Path, kind: str, count: int) -> list[Path]:
    """The records of ``kind``, cloned under new ids (with their pages) up to ``count`` records,
    so that each field of the kind can carry each payload once."""
    paths = sorted((root / "data" / kind).glob("*.yml"))
    originals = list(paths)
    for index in range(len(paths), count):
        source = originals[index % len(originals)]
        clone_id = f"kbx-{index}"
        text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}\n", f"id: {clone_id}\n", 1)
        clone = source.with_name(f"{clone_id}.yml")
        clone.write_text(text, encoding="utf-8")
        page = root / "docs" / kind / f"{source.stem}.md"
        if page.is_file():
            page.with_name(f"{clone_id}.md").write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
        paths.append(clone)
    return paths


# Glossary entries replace Simplified phrases in every Traditional page; the same length is required.
GLOSSARY_TARGETS = ("社区工作法知识库", "来源未载明")


def _plant_glossary(root: Path, plant, planted: list[Planted]) -> list[tuple[Planted, str]]:
    """Markup as the Traditional form of phrases on every page. A glossary that refuses it is
    put back as it was (the refusal is recorded); one that takes it is built with it."""
    path = root / "data" / "glossary.yml"
    original = path.read_text(encoding="utf-8")
    glossary = yaml.safe_load(original)
    for index, phrase in enumerate(GLOSSARY_TARGETS):
        plant("data/glossary.yml", f"术语.{phrase}", 0)
        glossary.setdefault("术语", {})[phrase] = ("<b kbpw>", "<i kb")[index][: len(phrase)].ljust(len(phrase), "文")
    path.write_text(yaml.safe_dump(glossary, allow_unicode=True), encoding="utf-8")
    try:
        load_glossary(path, root)
    except GlossaryError as error:
        path.write_text(original, encoding="utf-8")
        return [(p, str(error)) for p in planted if p.file == "data/glossary.yml"]
    return []


def _plant_redirects(root: Path, plant, planted: list[Planted]) -> list[tuple[Planted, str]]:
    """Payloads as old and new page paths of data/redirects.yml. Entries the build's check refuses
    are taken out again (the refusal is recorded); one ordinary rename stays, so a redirect page is built."""
    path = root / "data" / "redirects.yml"
    method = sorted((root / "data" / "methods").glob("*.yml"))[0].stem
    entries: dict[str, str] = {"kb-renamed-page.md": f"methods/{method}.md"}
    placed: dict[str, Planted] = {}
    for index in range(len(PAYLOADS)):
        old = f"kb-old-{index}.md"
        entries[old] = f"methods/{method}.md#{plant('data/redirects.yml', old + ' 的新页面', index)}"
        placed[old] = planted[-1]
        text = plant("data/redirects.yml", "旧页面路径", index)
        entries[f"{text}.md"] = f"methods/{method}.md"
        placed[f"{text}.md"] = planted[-1]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    _, problems = load_redirects(path, root / "docs")
    refused = []
    for problem in problems:
        # The problem's field is the old path, cut to a length: match it by its start.
        matched = next((key for key in placed if key.startswith(problem.field) or problem.field.startswith(key[:40])), None)
        if matched is not None and matched in entries:
            refused.append((placed[matched], problem.message))
            del entries[matched]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return refused


def _get(record: dict, path: tuple) -> object:
    value: object = record
    for key in path:
        value = value[key]  # type: ignore[index]  # a record is nested dicts and lists; the path says which
    return value


def _give_back_refused(project: HostileProject, originals: dict) -> None:
    """Run the validator; a field that refuses its payload gets the next payload, until one is taken
    (escaping is tested in every field that takes text) or all are refused (the field gets its
    original value back). Every refusal is recorded with the validator's message."""
    current = {(p.file, p.field): p for p in project.planted}
    for _ in range(len(PAYLOADS)):
        _, problems = load(project.root / "data", None, project.root / "docs")
        touched: dict[Path, dict] = {}
        for problem in problems:
            file = problem.file.resolve().relative_to(project.root.resolve()).as_posix()
            planted = current.get((file, problem.field))
            if planted is None or (file, problem.field) not in originals:
                continue
            record, path, original = originals[(file, problem.field)]
            project.refused.append((planted, problem.message))
            touched[project.root / file] = record
            tried = {p.template for p, _ in project.refused if (p.file, p.field) == (file, problem.field)}
            following = [(planted.template + step) % len(PAYLOADS) for step in range(1, len(PAYLOADS))]
            untried = [i for i in following if i not in tried]  # the next payloads in turn, for variety
            if untried:
                number = len(project.planted)
                retry = Planted(number, PAYLOADS[untried[0]].format(n=number), file, problem.field, untried[0])
                project.planted.append(retry)
                current[(file, problem.field)] = retry
                _set(record, path, retry.payload)
            else:
                del current[(file, problem.field)]
                if original is None:
                    parent = _get(record, path[:-1])
                    assert isinstance(parent, dict)
                    parent.pop(path[-1], None)
                else:
                    _set(record, path, original)
        for path, record in touched.items():
            path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
        if not touched:
            return
    raise AssertionError("the validator still refuses payloads after every payload was tried")


# --------------------------------------------------------------------------
# Reading the built site
# --------------------------------------------------------------------------
PAYLOAD_MARK = re.compile(r"__kbPwned\((\d+)\)|data-kbpwn=[\"']?(\d+)|kbpwn(\d+)")
DANGEROUS_URL = re.compile(r"^\s*(?:javascript|data|vbscript)\s*:", re.IGNORECASE)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "background")


RAW_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
JSON_SCRIPT = re.compile(r"<script\b[^>]*application/json[^>]*>(.*?)</script>", re.DOTALL)


@dataclass
class Finding:
    context: str
    file: str
    what: str


def context_of(element) -> str:
    """The output context an element is in: title, meta, script, svg, nav, or body."""
    names = [element.name] + [parent.name for parent in element.parents]
    for name, context in (("title", "title"), ("meta", "meta"), ("script", "script"), ("svg", "svg"), ("nav", "nav"), ("head", "head")):
        if name in names:
            return context
    return "body"


def payload_numbers(text: str) -> set[int]:
    return {int(next(g for g in match.groups() if g)) for match in PAYLOAD_MARK.finditer(text)}


def html_findings(path: Path, relative: str) -> tuple[list[Finding], dict[str, set[int]]]:
    """Payloads that are live in a page, and, per context, the payloads that reached it as text."""
    source = path.read_text(encoding="utf-8")
    tree = BeautifulSoup(source, "lxml")
    findings: list[Finding] = []
    # Raw text elements: markup in them is inert only until it closes them; none belongs there.
    for title in RAW_TITLE.findall(source):
        if "<" in title or ">" in title:
            findings.append(Finding("title", relative, f"unescaped markup in <title>: {title[:60]!r}"))
    for body in JSON_SCRIPT.findall(source):
        if "<" in body:
            findings.append(Finding("script", relative, f"'<' unescaped in inline JSON: {body[:60]!r}"))
    reached: dict[str, set[int]] = defaultdict(set)
    for element in tree.find_all(True):
        context = context_of(element)
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.startswith("on"):
                findings.append(Finding(context, relative, f"<{element.name} {name}=…>"))
            if name == "data-kbpwn" or name.startswith("kb"):
                findings.append(Finding(context, relative, f"<{element.name} {name}> injected"))
            if name in URL_ATTRIBUTES and DANGEROUS_URL.match(text):
                findings.append(Finding(context, relative, f"<{element.name} {name}={text[:40]!r}>"))
            if name == "content" and element.name == "meta" and DANGEROUS_URL.search(text) and "refresh" in str(element.get("http-equiv", "")).lower():
                findings.append(Finding(context, relative, f"meta refresh to {text[:40]!r}"))
            reached[context if name != "content" else "meta"] |= payload_numbers(text)
        if element.name == "script":
            body = element.string or ""
            if "application/json" in str(element.get("type", "")):
                try:
                    json.loads(body)
                except ValueError:
                    findings.append(Finding("script", relative, "inline JSON does not parse"))
            elif "__kbPwned" in body or JINJA_EVALUATED in body:
                findings.append(Finding("script", relative, f"script runs a payload: {body[:60]!r}"))
            reached["script"] |= payload_numbers(body)
        if element.name in ("iframe", "object", "embed", "base", "frame"):
            findings.append(Finding(context, relative, f"<{element.name}> element"))
    for text in tree.find_all(string=True):
        if isinstance(text, Comment):
            reached["comment"] |= payload_numbers(str(text))
            continue
        parent = text.parent
        if parent is not None and parent.name != "script":
            reached[context_of(parent)] |= payload_numbers(str(text))
        if JINJA_EVALUATED in text:
            findings.append(Finding(context_of(parent) if parent else "body", relative, "Jinja in data was evaluated"))
    return findings, reached


def json_findings(path: Path, relative: str, context: str) -> tuple[list[Finding], set[int]]:
    """A JSON file (search index, tags): it parses, and its strings carry no markup a page could insert."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as error:
        return [Finding(context, relative, f"does not parse: {error}")], set()
    findings = []
    for string in _json_strings(data):
        if re.search(r"<(script|img|svg|iframe|b|a|div|details|math)\b", string) and "kbpwn" in string and context == "tags":
            findings.append(Finding(context, relative, f"markup in a string: {string[:60]!r}"))
        if JINJA_EVALUATED in string:
            findings.append(Finding(context, relative, "Jinja in data was evaluated"))
    return findings, payload_numbers(text)


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)


def xml_findings(path: Path, relative: str) -> tuple[list[Finding], set[int]]:
    from lxml import etree

    raw = path.read_bytes()
    try:
        tree = etree.fromstring(raw)
    except etree.XMLSyntaxError as error:
        return [Finding("sitemap", relative, f"not well-formed XML: {error}")], set()
    findings = [Finding("sitemap", relative, f"unexpected element {el.tag}") for el in tree.iter()
                if isinstance(el.tag, str) and "sitemaps.org" not in el.tag and "xhtml" not in el.tag]
    return findings, payload_numbers(raw.decode("utf-8", "replace"))


def site_findings(site: Path, edition: str) -> tuple[list[Finding], dict[str, set[int]]]:
    """Every built file a payload could reach: pages (by context), redirect pages, JSON, sitemaps."""
    findings: list[Finding] = []
    reached: dict[str, set[int]] = defaultdict(set)
    prefix = f"{edition}:"
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if not path.is_file() or relative.startswith(("assets/", "zh-Hant/")):
            continue
        if relative.endswith(".html"):
            found, where = html_findings(path, relative)
            redirect = "http-equiv=\"refresh\"" in path.read_text(encoding="utf-8")[:2000]
            for finding in found:
                finding.context = prefix + ("redirect" if redirect else finding.context)
            findings += found
            for context, numbers in where.items():
                reached[prefix + ("redirect" if redirect else context)] |= numbers
        elif relative.endswith(".json"):
            context = "search index" if relative.startswith("search/") else "tags"
            found, numbers = json_findings(path, relative, prefix + context)
            findings += found
            reached[prefix + context] |= numbers
        elif relative.endswith(".xml"):
            found, numbers = xml_findings(path, relative)
            for finding in found:
                finding.context = prefix + finding.context
            findings += found
            reached[prefix + "sitemap"] |= numbers
    return findings, reached
