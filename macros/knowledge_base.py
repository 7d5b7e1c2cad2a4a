"""The knowledge base: every record loaded and checked, with the back-link indexes built once.

:func:`load` reads every record file (macros/yaml_reader.py), checks it against the limits and
the models (macros/models.py) and the references between records, and returns the base with
every problem found (macros/messages.py), all at once; :func:`load_project` loads a project
(the kb plugin does, once per build, and shares it with the macros and its stages).
"""

from __future__ import annotations

import difflib
import typing
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import evidence, hygiene, sitemap
from .messages import FIX_HINT, DataError, Problem, chinese_message, format_loc
from .models import (
    MAX_PAGE_BYTES,
    MAX_RECORD_BYTES,
    MODEL_BY_KIND,
    REFERENCES,
    Entry,
    Loc,
    Mentor,
    Method,
    Record,
    Site,
    Source,
    Studio,
    input_problems,
    personal_data,
    personal_data_message,
)
from .redirects import REDIRECTS_FILE, load_redirects
from .search_synonyms import SYNONYMS_FILE, load_synonyms
from .yaml_reader import line_of, read_text, read_yaml


def _strings(value: object, path: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _references(record: BaseModel, dotted: str) -> list[tuple[Loc, str]]:
    """The ids that ``dotted`` (e.g. ``results.source``) names in a record, with their locations."""
    found: list[tuple[Loc, str]] = []

    def walk(value: object, parts: list[str], loc: Loc) -> None:
        if value is None:
            return
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(item, parts, (*loc, index))
            return
        if not parts:
            found.append((loc, str(value)))
            return
        walk(getattr(value, parts[0]), parts[1:], (*loc, parts[0]))

    walk(record, dotted.split("."), ())
    return found


@dataclass
class _Parsed:
    path: Path
    record: Entry
    lines: dict[Loc, int]


def _parse_file(path: Path, model: type[Entry], problems: list[Problem], data_dir: Path) -> _Parsed | None:
    record_id = path.stem

    def report(line: int, field_name: str, message: str) -> None:
        problems.append(Problem(path, line, record_id, field_name, message))

    read = read_yaml(path, data_dir, MAX_RECORD_BYTES, report)
    if read is None:
        return None
    data, lines = read
    refused: list[Loc] = []
    for loc, message in input_problems(data):
        refused.append(tuple(str(part) for part in loc))
        report(line_of(lines, loc), format_loc(loc), message)
    for loc, value in _strings(data):
        kinds = personal_data(value)
        if kinds:
            report(line_of(lines, loc), format_loc(loc), personal_data_message(kinds))
    id_matches = str(data.get("id", record_id)) == record_id
    if not id_matches:
        report(line_of(lines, ("id",)), "id", f"编号“{data.get('id')}”与文件名“{path.name}”不一致，应为“{record_id}”")
    try:
        record = model.model_validate(data)
    except ValidationError as err:
        for error in err.errors():
            loc = tuple(error["loc"])
            shown = tuple(str(part) for part in loc)
            if not any(shown[: len(done)] == done for done in refused):  # already reported above
                report(line_of(lines, loc), format_loc(loc), chinese_message(model, error))
        return None
    return _Parsed(path, record, lines) if id_matches and not refused else None


@dataclass
class KnowledgeBase:
    """Every record by kind and id, with back-link indexes built once."""

    methods: dict[str, Method] = field(default_factory=dict)
    studios: dict[str, Studio] = field(default_factory=dict)
    mentors: dict[str, Mentor] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    # What the check could not do but a reviewer should know (quotes whose article is not on this machine).
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.methods_of_studio: dict[str, list[str]] = defaultdict(list)
        self.studios_of_mentor: dict[str, list[str]] = defaultdict(list)
        self.mentors_of_studio: dict[str, list[str]] = defaultdict(list)
        self.sites_of_studio: dict[str, list[str]] = defaultdict(list)
        self.methods_of_mentor: dict[str, list[str]] = defaultdict(list)
        self.related_methods: dict[str, list[str]] = defaultdict(list)
        self.citing: dict[str, list[tuple[str, str]]] = defaultdict(list)

        def add(index: dict[str, list], key: str | None, value: object) -> None:
            if key and value is not None and value not in index[key]:
                index[key].append(value)

        for studio in self.studios.values():
            for method_id in studio.methods:
                add(self.methods_of_studio, studio.id, method_id)
            for site_id in studio.sites:
                add(self.sites_of_studio, studio.id, site_id)
            add(self.studios_of_mentor, studio.leader, studio.id)
            add(self.mentors_of_studio, studio.id, studio.leader)
        for method in self.methods.values():
            add(self.methods_of_studio, method.origin.studio, method.id)
            add(self.methods_of_mentor, method.origin.founder, method.id)
            for other in method.related:
                add(self.related_methods, method.id, other)
                add(self.related_methods, other, method.id)
        for mentor in self.mentors.values():
            for studio_id in mentor.studios:
                add(self.studios_of_mentor, mentor.id, studio_id)
                add(self.mentors_of_studio, studio_id, mentor.id)
        for site in self.sites.values():
            add(self.sites_of_studio, site.studio, site.id)
        # Inverted once here so that pages and index tables look up, never scan.
        self._studios_of_method: dict[str, list[str]] = defaultdict(list)
        for method in self.methods.values():
            add(self._studios_of_method, method.id, method.origin.studio)
        for studio_id, method_ids in self.methods_of_studio.items():
            for method_id in method_ids:
                add(self._studios_of_method, method_id, studio_id)
        self._studios_of_site: dict[str, list[str]] = defaultdict(list)
        for studio_id, site_ids in self.sites_of_studio.items():
            for site_id in site_ids:
                add(self._studios_of_site, site_id, studio_id)
        for kind in sitemap.PAGED_KINDS:
            for record in self.records(kind).values():
                for source_id in record.sources:
                    add(self.citing, source_id, (kind, record.id))
        self._methods_of_theme: dict[str, list[str]] = defaultdict(list)
        for method in self.methods.values():
            for theme in dict.fromkeys(method.themes):
                self._methods_of_theme[theme].append(method.id)
        self._by_shared_themes: dict[frozenset[str], list[str]] = {}

    def of_kind(self, kind: str) -> dict[str, Entry]:
        """Every record of a kind (sources too), by id."""
        return getattr(self, kind)

    def records(self, kind: str) -> dict[str, Record]:
        """Every record of a kind with pages (named, with aliases, summary and sources), by id."""
        if kind not in sitemap.PAGED_KINDS:
            raise KeyError(f"{kind} 没有各自的页面")
        return getattr(self, kind)

    def studios_of_method(self, method_id: str) -> list[str]:
        return self._studios_of_method.get(method_id, [])

    def studios_of_site(self, site_id: str) -> list[str]:
        return self._studios_of_site.get(site_id, [])

    def methods_by_shared_themes(self, themes: typing.Iterable[str]) -> list[str]:
        """Methods sharing any of ``themes``, most shared first, then in data order.

        Ranked once per set of themes, so every method page's related list is a lookup, not a scan of all methods.
        """
        key = frozenset(themes)
        if key not in self._by_shared_themes:
            shared = Counter(method_id for theme in key for method_id in self._methods_of_theme.get(theme, []))
            order = {method_id: index for index, method_id in enumerate(self.methods)}
            self._by_shared_themes[key] = sorted(shared, key=lambda method_id: (-shared[method_id], order[method_id]))
        return self._by_shared_themes[key]



def _page_problems(parsed: dict[str, dict[str, _Parsed]], broken: dict[str, set[str]], docs_dir: Path,
                   texts: evidence.ArticleTexts) -> list[Problem]:
    """Every page ``docs/<kind>/<id>.md`` has a record (a record needs no page: it is generated from
    the data); every page under ``docs_dir`` is a readable file within MAX_PAGE_BYTES without personal
    data, whose citations quote their articles."""
    problems = []
    for kind in sitemap.PAGED_KINDS:
        for page in sorted((docs_dir / kind).glob("*.md")):
            if page.stem != "index" and page.stem not in parsed[kind] and page.stem not in broken[kind]:
                problems.append(Problem(page, 1, page.stem, "", f"页面没有对应的数据文件 data/{kind}/{page.stem}.yml（页面文件名须与记录编号相同）"))
    for page in sorted(docs_dir.rglob("*.md")):
        text, line, reason = read_text(page, docs_dir, MAX_PAGE_BYTES)
        if text is None:
            problems.append(Problem(page, line, page.stem, "", reason))
            continue
        if page.parent.parent == docs_dir and page.parent.name in sitemap.PAGED_KINDS:
            for number, message in hygiene.scan_markdown(text):
                problems.append(Problem(page, number, page.stem, "", message + FIX_HINT))
        for number, prose in enumerate(text.splitlines(), start=1):
            kinds = personal_data(prose)
            if kinds:
                problems.append(Problem(page, number, page.stem, "", personal_data_message(kinds)))
        relative = page.relative_to(docs_dir).as_posix()
        kind = relative.split("/", 1)[0]
        own = parsed.get(kind, {}).get(page.stem) if kind in sitemap.PAGED_KINDS and relative.count("/") == 1 else None
        record = own.record if own is not None and isinstance(own.record, Record) else None
        problems.extend(evidence.page_problems(page, relative, text, record, texts))
    return problems


def load(data_dir: Path, sources_dir: Path | None = None, docs_dir: Path | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Read every record under ``data_dir``; return the base and all problems found.

    ``sources_dir`` and ``docs_dir``, where given, are checked too: cited files
    exist, and records and their pages match up.
    """
    problems: list[Problem] = []
    parsed: dict[str, dict[str, _Parsed]] = {}
    # Files that failed are already reported; references to them are not reported again.
    broken: dict[str, set[str]] = {}
    for kind, model in MODEL_BY_KIND.items():
        parsed[kind] = {}
        broken[kind] = set()
        folder = data_dir / kind
        for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
            if path.suffix not in (".yml", ".yaml"):
                continue
            result = _parse_file(path, model, problems, data_dir)
            if result is None:
                broken[kind].add(path.stem)
                continue
            record_id = result.record.id
            if record_id in parsed[kind]:
                first = parsed[kind][record_id].path.name
                problems.append(Problem(path, result.lines.get(("id",), 1), record_id, "id", f"编号与 {first} 重复"))
                continue
            parsed[kind][record_id] = result

    texts = evidence.ArticleTexts({i: r.record for i, r in parsed["sources"].items()}, sources_dir)  # type: ignore[misc]  # the sources folder holds Source records (MODEL_BY_KIND)
    for kind, results in parsed.items():
        for result in results.values():
            record = result.record
            checks = dict(REFERENCES.get(type(record), {}))
            if kind != "sources":
                checks["sources"] = "sources"
            for dotted, target in checks.items():
                for loc, ref in _references(record, dotted):
                    if ref not in parsed[target] and ref not in broken[target]:
                        known = difflib.get_close_matches(ref, list(parsed[target]), n=1)
                        hint = f"，是不是“{known[0]}”？" if known else ""
                        label = MODEL_BY_KIND[target].label
                        problems.append(
                            Problem(result.path, line_of(result.lines, loc), record.id, format_loc(loc),
                                    f"引用的{label}“{ref}”不存在（应为 data/{target}/ 下的文件名）{hint}")
                        )
            if isinstance(record, Source) and record.file and sources_dir is not None and not (sources_dir / record.file).is_file():
                problems.append(Problem(result.path, line_of(result.lines, ("file",)), record.id, "file",
                                        f"来源文件“{record.file}”在 {sources_dir} 中找不到"))
            elif isinstance(record, Source):
                headline = evidence.headline_problem(record, result.path, result.lines, texts)
                problems.extend([headline] if headline else [])
            if isinstance(record, Record):
                problems.extend(evidence.record_problems(record, result.path, result.lines, texts))

    if docs_dir is not None:
        problems.extend(_page_problems(parsed, broken, docs_dir, texts))
        problems.extend(load_redirects(data_dir / REDIRECTS_FILE, docs_dir)[1])
    problems.extend(load_synonyms(data_dir / SYNONYMS_FILE)[1])
    kb = KnowledgeBase(
        **{kind: {rid: r.record for rid, r in results.items()} for kind, results in parsed.items()},  # type: ignore[arg-type]  # each kind read by its own model (MODEL_BY_KIND); mypy cannot follow that through the dict
        warnings=texts.warnings(data_dir),
    )
    problems.sort(key=lambda p: (str(p.file), p.line))
    return kb, problems


def load_or_raise(data_dir: Path, sources_dir: Path | None = None, docs_dir: Path | None = None) -> KnowledgeBase:
    kb, problems = load(data_dir, sources_dir, docs_dir)
    if problems:
        raise DataError(problems)
    return kb


def sources_dir_for(project_root: Path) -> Path | None:
    """The shared articles folder beside the checkout, where present (it is not published)."""
    folder = project_root.parent / "shared" / "sources"
    return folder if folder.is_dir() else None


def load_project(root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """The project's records under ``root`` (data/, its pages in docs/, the shared articles beside it).
    The build's owner, the kb plugin (kb_build/plugin.py), calls it once per build and shares the result."""
    docs_dir = root / "docs"
    return load(root / "data", sources_dir_for(root), docs_dir if docs_dir.is_dir() else None)

