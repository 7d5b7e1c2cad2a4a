"""Data models of the knowledge base: one definition per kind of record.

The validator, the macros and the JSON Schema for editors all read these
classes; a field's Chinese ``title`` is what error messages and editors show.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, ClassVar, Literal

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from . import hygiene

TODAY = dt.date.today()

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SOURCE_FILE_PATTERN = r"^\d{3}_[0-9a-f]{16}\.txt$"

# The closed list of themes keeps tags consistent across editors; add one here.
THEMES: tuple[str, ...] = (
    "党建引领",
    "社区治理",
    "物业管理",
    "矛盾调解",
    "养老服务",
    "为民服务",
    "队伍培养",
    "资源整合",
    "议事协商",
    "志愿服务",
    "品牌建设",
    "一老一小",
    "新就业群体",
)
Theme = Literal[THEMES]  # type: ignore[valid-type]


def _check_partial_date(value: str) -> str:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD that name a real day not in the future."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        raise PydanticCustomError(
            "date_format", "日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD，实际是“{value}”", {"value": value}
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        earliest = dt.date(year, month or 1, day or 1)
    except ValueError:
        raise PydanticCustomError("date_impossible", "日期“{value}”不存在", {"value": value}) from None
    if earliest > TODAY:
        raise PydanticCustomError("date_future", "日期“{value}”在未来", {"value": value})
    return value


def _check_year(value: int) -> int:
    if value < 1949:
        raise PydanticCustomError("year_too_early", "年份 {value} 早于 1949 年，不可能", {"value": value})
    if value > TODAY.year:
        raise PydanticCustomError("year_future", "年份 {value} 在未来", {"value": value})
    return value


def _year_as_text(value: object) -> object:
    # `founded: 2023` is how editors write a bare year; YAML reads it as a number.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


PartialDate = Annotated[str, BeforeValidator(_year_as_text), AfterValidator(_check_partial_date)]
Year = Annotated[int, AfterValidator(_check_year)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Text = Annotated[str, Field(min_length=1)]
Url = Annotated[str, Field(pattern=r"^https?://[^\s/$.?#][^\s]*$")]


class Strict(BaseModel):
    """Unknown fields are errors, so a typo never silently drops a fact."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Region(Strict):
    province: str | None = Field(None, title="省（自治区、直辖市）")
    city: str | None = Field(None, title="市")
    district: str | None = Field(None, title="区县")
    street: str | None = Field(None, title="街道（乡镇）")
    community: str | None = Field(None, title="社区（村）")

    def parts(self) -> list[str]:
        return [p for p in (self.province, self.city, self.district, self.street, self.community) if p]


class Figure(Strict):
    """A number the source reports, e.g. 推动解决民生问题 500余 件."""

    label: Text = Field(title="统计内容", description="这个数字数的是什么")
    value: float = Field(title="数值")
    unit: str = Field("", title="单位")
    qualifier: Literal["", "余", "多", "以上", "近", "约", "超过"] = Field("", title="限定词")
    as_of: PartialDate | None = Field(None, title="统计时间")
    source: Slug = Field(title="来源", description="sources 中的来源 id")


class Step(Strict):
    name: Text = Field(title="步骤名称")
    detail: str | None = Field(None, title="步骤说明")


class Origin(Strict):
    studio: Slug | None = Field(None, title="来源工作室", description="studios 中的 id")
    founder: Slug | None = Field(None, title="提出者", description="mentors 中的 id")
    community: str | None = Field(None, title="社区或单位")
    region: Region = Field(default_factory=Region, title="地区")


class Record(Strict):
    kind: ClassVar[str]
    label: ClassVar[str]

    id: Slug = Field(title="编号", description="与文件名相同的英文短名，发布后不再改变")
    name: Text = Field(title="名称")
    aliases: list[Text] = Field(default_factory=list, title="别名", description="简称或其他写法，便于搜索")
    summary: str | None = Field(None, title="一句话概括")
    sources: list[Slug] = Field(min_length=1, title="来源", description="sources 中的来源 id，至少一个")


class Method(Record):
    kind: ClassVar[str] = "methods"
    label: ClassVar[str] = "工作法"

    origin: Origin = Field(default_factory=Origin, title="出处")
    year: Year | None = Field(None, title="首次报道年份")
    themes: list[Theme] = Field(default_factory=list, title="主题")
    steps: list[Step] = Field(default_factory=list, title="步骤")
    roles: list[Text] = Field(default_factory=list, title="参与角色")
    results: list[Figure] = Field(default_factory=list, title="成效数字")
    related: list[Slug] = Field(default_factory=list, title="相关工作法", description="methods 中的 id")


class Studio(Record):
    kind: ClassVar[str] = "studios"
    label: ClassVar[str] = "工作室与项目"

    type: Literal["社区书记工作室", "培训项目", "党建联合体", "服务品牌", "帮带机制"] = Field(title="类型")
    region: Region = Field(default_factory=Region, title="地区")
    founded: PartialDate | None = Field(None, title="成立时间")
    leader: Slug | None = Field(None, title="负责人", description="mentors 中的 id")
    team: str | None = Field(None, title="团队")
    structure: str | None = Field(None, title="组织结构")
    methods: list[Slug] = Field(default_factory=list, title="工作法", description="methods 中的 id")
    figures: list[Figure] = Field(default_factory=list, title="数字")
    sites: list[Slug] = Field(default_factory=list, title="阵地", description="sites 中的 id")


class Mentor(Record):
    kind: ClassVar[str] = "mentors"
    label: ClassVar[str] = "书记与导师"

    role: Text = Field(title="职务")
    community: str | None = Field(None, title="社区或单位")
    region: Region = Field(default_factory=Region, title="地区")
    years_of_service: int | None = Field(None, ge=0, le=70, title="从事社区工作年数")
    studios: list[Slug] = Field(default_factory=list, title="所属工作室", description="studios 中的 id")
    mentees: int | None = Field(None, ge=0, title="带教人数")


class Site(Record):
    kind: ClassVar[str] = "sites"
    label: ClassVar[str] = "示范点与阵地"

    type: Literal["示范点", "教学点", "实训基地", "服务阵地", "驿站"] = Field(title="类型")
    region: Region = Field(default_factory=Region, title="地区")
    studio: Slug | None = Field(None, title="所属工作室", description="studios 中的 id")
    shows: str | None = Field(None, title="可以看到什么")
    opened: PartialDate | None = Field(None, title="启用时间")
    designation: str | None = Field(None, title="命名", description="例如某机构命名的教学示范点")


class Source(Strict):
    """An article in the shared sources folder; records cite it by id."""

    kind: ClassVar[str] = "sources"
    label: ClassVar[str] = "来源"

    id: Slug = Field(title="编号")
    title: Text = Field(title="标题或说明")
    publication: str | None = Field(None, title="刊载媒体")
    author: str | None = Field(None, title="作者或记者")
    date: PartialDate | None = Field(None, title="日期")
    url: Url | None = Field(None, title="原文链接")
    file: Annotated[str, Field(pattern=SOURCE_FILE_PATTERN)] = Field(title="来源文件", description="sources 目录中的文件名")
    script: Literal["简体", "繁体"] = Field(title="原文字体")


RECORD_TYPES: tuple[type[Strict], ...] = (Method, Studio, Mentor, Site, Source)
MODEL_BY_KIND: dict[str, type[Strict]] = {model.kind: model for model in RECORD_TYPES}  # type: ignore[attr-defined]

# Which field refers to which kind: checked by the loader, used for back-links.
REFERENCES: dict[type[Strict], dict[str, str]] = {
    Method: {"origin.studio": "studios", "origin.founder": "mentors", "related": "methods", "results.source": "sources"},
    Studio: {"leader": "mentors", "methods": "methods", "sites": "sites", "figures.source": "sources"},
    Mentor: {"studios": "studios"},
    Site: {"studio": "studios"},
}


# --------------------------------------------------------------------------
# Loading: YAML files in, typed records or a list of problems out.
# --------------------------------------------------------------------------
Loc = tuple[str | int, ...]

PERSONAL_DATA_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("身份证号码", re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")),
    ("手机号码", re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")),
    ("固定电话", re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")),
    ("电子邮箱", re.compile(r"[\w.+-]+@[\w-]+\.[A-Za-z]{2,}")),
    ("住址门牌", re.compile(r"\d+\s*(号楼|栋|幢)\s*\d+\s*(单元|室)|\d+\s*单元\s*\d+\s*室")),
)


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so `2021-07-22` and `2021-07` read alike."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastLoader(getattr(yaml, "CSafeLoader", _Loader)):  # type: ignore[misc]
    """The same reading done by libyaml where PyYAML has it: most of a load's time is parsing.
    Files it rejects are read again by :class:`_Loader`, whose explanations the messages translate."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _parse_yaml(text: str, loader_class: type = _FastLoader) -> tuple[yaml.Node | None, object]:
    """The node tree (for line numbers) and the data of one YAML document, parsed once."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


# PyYAML's explanations, in the words an editor needs; anything else is passed on as it is.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "这里不能出现“字段: 值”，多半是缩进不对，或值里有未加引号的冒号"),
    ("could not find expected ':'", "缺少冒号，每行应形如“字段: 值”"),
    ("cannot start any token", "含有不能出现的字符（常见是用 Tab 缩进，请改用空格）"),
    ("expected <block end>", "缩进不一致，同一层的字段应左对齐"),
    ("expected ',' or ']'", "方括号 [ ] 列表没有闭合，或项之间缺逗号"),
    ("expected ',' or '}'", "花括号 { } 没有闭合，或项之间缺逗号"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("found undefined alias", "使用了未定义的 * 别名"),
)


def _yaml_problem(detail: str) -> str:
    return next((chinese for english, chinese in _YAML_PROBLEMS if english in detail), detail)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, located as precisely as the YAML allows."""

    file: Path
    line: int
    record: str
    field: str
    message: str

    def as_text(self, root: Path) -> str:
        return f"{_relative(self.file, root)}:{self.line}  {self.record or '-'}  {self.field or '-'}  {self.message}"

    def as_github(self, root: Path) -> str:
        title = f"{self.record or '-'} {self.field or '-'}"
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={_relative(self.file, root)},line={self.line},title={title}::{message}"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class DataError(Exception):
    """Raised by :func:`load_or_raise` with every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the data")
        self.problems = problems


def format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[Step]`` or ``Region | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found:
            return found
    return None


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model whose fields are valid at ``loc`` (integers step into lists)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = _model_in(info.annotation) if info else None
    return current


def _field_title(model: type[BaseModel], loc: Loc) -> str:
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return ""
    parent = _model_at(model, loc[: max(i for i, p in enumerate(loc) if isinstance(p, str))])
    info = parent.model_fields.get(names[-1]) if parent else None
    return info.title or "" if info else ""


def _chinese_message(model: type[BaseModel], error: dict) -> str:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx", {})
    value = error.get("input")
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    title = _field_title(model, loc)
    named = f"“{name}”（{title}）" if title else f"“{name}”"
    if kind == "missing":
        return f"缺少必填字段{named}"
    if "input" in error and value is None:  # `role:` left empty, e.g. by scripts.new
        options = re.findall(r"'([^']*)'", ctx.get("expected", "")) if kind == "literal_error" else []
        return f"必填字段{named}还没有填写" + (f"，应为：{'、'.join(o for o in options if o)}" if options else "")
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = [f for f in parent.model_fields] if parent else []
        guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"，是不是“{guess[0]}”？" if guess else f"。可用字段：{'、'.join(allowed)}"
        return f"未知字段“{name}”{hint}"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        guess = difflib.get_close_matches(str(value), options, n=1, cutoff=0.3)
        hint = f"是不是“{guess[0]}”？" if guess else ""
        return f"{named}的取值“{value}”不在允许范围内，应为：{'、'.join(o or '（空）' for o in options)}。{hint}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == SLUG_PATTERN:
            return f"{named}应为小写英文字母、数字和连字符组成的编号，实际是“{value}”"
        if pattern == SOURCE_FILE_PATTERN:
            return f"{named}应为来源目录里的文件名（如 000_276c0d5b3e7a7cff.txt），实际是“{value}”"
        return f"{named}不是有效的网址：“{value}”" if "http" in str(pattern) else f"{named}的格式不对：“{value}”"
    type_names = {
        "string_type": "文本",
        "int_type": "整数",
        "int_parsing": "整数",
        "int_from_float": "整数",
        "float_type": "数字",
        "float_parsing": "数字",
        "list_type": "列表",
        "model_type": "键值对（映射）",
        "dict_type": "键值对（映射）",
        "model_attributes_type": "键值对（映射）",
        "bool_type": "是或否",
    }
    if kind in type_names:
        return f"{named}应为{type_names[kind]}，实际是“{value}”"
    if kind == "too_short":
        return f"{named}不能为空" if isinstance(value, str) else f"{named}至少需要 {ctx.get('min_length')} 项"
    if kind == "string_too_short":
        return f"{named}不能为空"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"{named}的取值 {value} 应{'不小于' if kind == 'greater_than_equal' else '不大于'} {bound}"
    if kind.startswith(("date_", "year_")):
        return f"{named}：{error['msg']}"
    return f"{named}的取值无效：{error['msg']}"


def _line_map(node: yaml.Node, path: Loc, lines: dict[Loc, int], duplicates: list[tuple[Loc, int]]) -> None:
    """Record the 1-based line of every key and list item, and duplicate keys."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, key_node.value)
            if key_path in lines:
                duplicates.append((key_path, key_node.start_mark.line + 1))
            lines[key_path] = key_node.start_mark.line + 1
            _line_map(value_node, key_path, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), lines, duplicates)


def _line_of(lines: dict[Loc, int], loc: Loc) -> int:
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 1)


def _strings(value: object, path: Loc = ()) -> typing.Iterator[tuple[Loc, str]]:
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
            found.append((loc, value))  # type: ignore[arg-type]
            return
        walk(getattr(value, parts[0]), parts[1:], (*loc, parts[0]))

    walk(record, dotted.split("."), ())
    return found


@dataclass
class _Parsed:
    path: Path
    record: Strict
    lines: dict[Loc, int]


def _parse_file(path: Path, model: type[Strict], problems: list[Problem]) -> _Parsed | None:
    record_id = path.stem

    def report(line: int, field_name: str, message: str) -> None:
        problems.append(Problem(path, line, record_id, field_name, message))

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        report(raw[: err.start].count(b"\n") + 1, "", f"文件不是 UTF-8 编码（第 {err.start} 字节无法解码），请以 UTF-8 保存")
        return None
    try:
        try:
            node, data = _parse_yaml(text)
        except yaml.YAMLError:
            node, data = _parse_yaml(text, _Loader)
    except yaml.YAMLError as err:
        detail = getattr(err, "problem", None) or str(err)
        # An unclosed quote or bracket is reported at the end of the file; point at where it opened.
        opened = getattr(err, "context_mark", None) if re.search(r"end of stream|<stream end>", detail) else None
        mark = opened or getattr(err, "problem_mark", None)
        report(mark.line + 1 if mark else 1, "", f"YAML 格式错误：{_yaml_problem(detail)}")
        return None
    if not isinstance(data, dict) or node is None:
        report(1, "", "文件内容应为键值对（映射），每行形如“字段: 值”")
        return None
    lines: dict[Loc, int] = {}
    duplicate_keys: list[tuple[Loc, int]] = []
    _line_map(node, (), lines, duplicate_keys)
    for loc, line in duplicate_keys:
        report(line, format_loc(loc), f"字段“{loc[-1]}”重复出现，只能写一次")
    for finding in hygiene.scan_yaml(text, node):
        report(finding.line, format_loc(finding.loc), finding.message + FIX_HINT)
    for loc, value in _strings(data):
        for what, pattern in PERSONAL_DATA_PATTERNS:
            if pattern.search(value):
                report(_line_of(lines, loc), format_loc(loc), f"疑似个人信息（{what}）：本知识库只记录公开职务，请删除")
    id_matches = str(data.get("id", record_id)) == record_id
    if not id_matches:
        report(_line_of(lines, ("id",)), "id", f"编号“{data.get('id')}”与文件名“{path.name}”不一致，应为“{record_id}”")
    try:
        record = model.model_validate(data)
    except ValidationError as err:
        for error in err.errors():
            loc = tuple(error["loc"])
            report(_line_of(lines, loc), format_loc(loc), _chinese_message(model, error))
        return None
    return _Parsed(path, record, lines) if id_matches else None


@dataclass
class KnowledgeBase:
    """Every record by kind and id, with back-link indexes built once."""

    methods: dict[str, Method] = field(default_factory=dict)
    studios: dict[str, Studio] = field(default_factory=dict)
    mentors: dict[str, Mentor] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)

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
        for kind in ("methods", "studios", "mentors", "sites"):
            for record in self.of_kind(kind).values():
                for source_id in record.sources:  # type: ignore[attr-defined]
                    add(self.citing, source_id, (kind, record.id))  # type: ignore[attr-defined]
        self._methods_of_theme: dict[str, list[str]] = defaultdict(list)
        for method in self.methods.values():
            for theme in dict.fromkeys(method.themes):
                self._methods_of_theme[theme].append(method.id)
        self._by_shared_themes: dict[frozenset[str], list[str]] = {}

    def of_kind(self, kind: str) -> dict[str, Strict]:
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


# Kinds whose records have a page; docs/<kind>/<id>.md is optional (it adds prose), the page is generated otherwise.
PAGED_KINDS = ("methods", "studios", "mentors", "sites")
FIX_HINT = "（运行 python -m scripts.validate --fix 可自动修正）"


def _page_problems(parsed: dict[str, dict[str, _Parsed]], broken: dict[str, set[str]], docs_dir: Path) -> list[Problem]:
    """Every page ``docs/<kind>/<id>.md`` has a record (a record needs no page: it is generated from the data)."""
    problems = []
    for kind in PAGED_KINDS:
        for page in sorted((docs_dir / kind).glob("*.md")):
            if page.stem != "index" and page.stem not in parsed[kind] and page.stem not in broken[kind]:
                problems.append(Problem(page, 1, page.stem, "", f"页面没有对应的数据文件 data/{kind}/{page.stem}.yml（页面文件名须与记录编号相同）"))
            for line, message in hygiene.scan_markdown(page.read_text(encoding="utf-8", errors="replace")):
                problems.append(Problem(page, line, page.stem, "", message + FIX_HINT))
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
            result = _parse_file(path, model, problems)
            if result is None:
                broken[kind].add(path.stem)
                continue
            record_id = result.record.id  # type: ignore[attr-defined]
            if record_id in parsed[kind]:
                first = parsed[kind][record_id].path.name
                problems.append(Problem(path, result.lines.get(("id",), 1), record_id, "id", f"编号与 {first} 重复"))
                continue
            parsed[kind][record_id] = result

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
                        label = MODEL_BY_KIND[target].label  # type: ignore[attr-defined]
                        problems.append(
                            Problem(result.path, _line_of(result.lines, loc), record.id, format_loc(loc),  # type: ignore[attr-defined]
                                    f"引用的{label}“{ref}”不存在（应为 data/{target}/ 下的文件名）{hint}")
                        )
            if isinstance(record, Source) and sources_dir is not None and not (sources_dir / record.file).is_file():
                problems.append(Problem(result.path, _line_of(result.lines, ("file",)), record.id, "file",
                                        f"来源文件“{record.file}”在 {sources_dir} 中找不到"))

    if docs_dir is not None:
        problems.extend(_page_problems(parsed, broken, docs_dir))
    kb = KnowledgeBase(
        **{kind: {rid: r.record for rid, r in results.items()} for kind, results in parsed.items()},  # type: ignore[arg-type]
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


_project_cache: dict[Path, tuple[tuple, tuple[KnowledgeBase, list[Problem]]]] = {}


def _fingerprint(root: Path) -> tuple:
    """What a load depends on: every record file and every record page, by time and size."""
    pages = [page for kind in PAGED_KINDS for page in (root / "docs" / kind).glob("*.md")]
    paths = sorted([*(root / "data").glob("*/*.y*ml"), *pages])
    stats = [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths]
    return (tuple(stats), sources_dir_for(root))


def load_project(root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """The project's records under ``root``, loaded once per build and shared by the macros and the hooks.

    The result is reused until a record file or page changes, so `mkdocs serve` still reloads edits.
    """
    root = root.resolve()
    fingerprint = _fingerprint(root)
    cached = _project_cache.get(root)
    if cached is None or cached[0] != fingerprint:
        docs_dir = root / "docs"
        cached = (fingerprint, load(root / "data", sources_dir_for(root), docs_dir if docs_dir.is_dir() else None))
        _project_cache[root] = cached
    return cached[1]
